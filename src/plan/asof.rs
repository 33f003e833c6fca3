//! `pd.merge_asof(left, right, on=, by=, ...)`: each left row with the last right row whose key
//! is at or before its own (`direction="backward"`), the first at or after it (`"forward"`),
//! or the nearer of those two (`"nearest"`, the backward one on a tie, as pandas picks), among
//! the right rows of the same `by` values, as pandas matches them. The left's rows and order
//! are kept; a row without such a match gets missing right values.
//!
//! DataFusion has no as-of join, so the match is found by a window: the keys of both sides in
//! one relation, ordered by key (right rows before left rows of an equal key, or after them
//! when exact matches are not allowed; reversed going forward), and each left row takes the
//! position of the nearest right row before it, skipping left rows (`IGNORE NULLS`). Two
//! equi-joins on positions then bring the left row's and the matched right row's columns
//! together, with pandas' naming (`_x`/`_y` for shared names; one copy of `on` and `by`).

use crate::error::{DdqError, Result};
use crate::plan::frame::{left_merge_on, select};
use crate::plan::order::with_position;
use crate::plan::project::Project;
use crate::plan::value::{Frame, column};
use crate::types::dtype::pandas_dtype;
use datafusion::common::ScalarValue;
use datafusion::functions_aggregate::first_last::last_value_udaf;
use datafusion::logical_expr::expr::{NullTreatment, WindowFunction};
use datafusion::logical_expr::{
    Expr, ExprFunctionExt, JoinType, WindowFrame, WindowFrameBound, WindowFrameUnits, lit, when,
};
use datafusion::prelude::DataFrame;

/// How a left row looks for its right row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Direction {
    /// The last right row at or before the left row's key.
    Backward,
    /// The first right row at or after it.
    Forward,
    /// Of those two, the one whose key is nearer (the backward one when both are as near).
    Nearest,
}

/// What `merge_asof` was asked, its column names checked against each side.
pub struct AsofRequest {
    pub left_on: String,
    pub right_on: String,
    pub left_by: Vec<String>,
    pub right_by: Vec<String>,
    pub suffixes: (String, String),
    pub direction: Direction,
    pub allow_exact_matches: bool,
    /// The largest distance between the two keys a match may have.
    pub tolerance: Option<Expr>,
}

const KEY: &str = "__ddq_asof_key";
const SIDE: &str = "__ddq_asof_side";
const POSITION: &str = "__ddq_asof_pos";
const MATCH: &str = "__ddq_asof_match";
const LEFT_POSITION: &str = "__ddq_asof_lpos";
const RIGHT_POSITION: &str = "__ddq_asof_rpos";

fn by_name(i: usize) -> String {
    format!("__ddq_asof_by{i}")
}

/// The as-of merge of `left` and `right`, rows in the left's order.
pub fn merge_asof(left: &Frame, right: &Frame, request: &AsofRequest) -> Result<Frame> {
    let left = with_position(left, LEFT_POSITION)?;
    let right = with_position(right, RIGHT_POSITION)?;
    let matches = matches(&left, &right, request)?;
    // Each left row with the position of its right row (missing when it has none); the
    // hidden join columns go when the merge below picks the visible ones.
    let matched = left.df.clone().join(
        matches,
        JoinType::Inner,
        &[LEFT_POSITION],
        &[POSITION],
        None,
    )?;
    let matched = Frame {
        order: vec![column(LEFT_POSITION).sort(true, false)],
        ..left.with_df(matched)
    };
    // pandas keeps one copy of the keys the two sides share by name.
    let mut shared: Vec<&str> = Vec::new();
    if request.left_on == request.right_on {
        shared.push(&request.right_on);
    }
    for (l, r) in request.left_by.iter().zip(&request.right_by) {
        if l == r {
            shared.push(r);
        }
    }
    let kept: Vec<String> = right
        .value_columns()
        .into_iter()
        .filter(|c| !shared.contains(&c.as_str()))
        .collect();
    let right = select(&right, &kept)?;
    left_merge_on(&matched, &right, (MATCH, RIGHT_POSITION), &request.suffixes)
}

/// For each left row (by its position), the position of its right row: one relation of both
/// sides' keys, and a window over it.
fn matches(left: &Frame, right: &Frame, request: &AsofRequest) -> Result<DataFrame> {
    let keys = |frame: &Frame, on: &str, by: &[String], side: i64, position: &str| {
        let mut exprs = vec![
            column(on).alias(KEY),
            lit(side).alias(SIDE),
            column(position).alias(POSITION),
        ];
        exprs.extend(
            by.iter()
                .enumerate()
                .map(|(i, b)| column(b).alias(by_name(i))),
        );
        frame.df.clone().project(exprs)
    };
    check_key_types(left, right, request)?;
    let left_keys = keys(left, &request.left_on, &request.left_by, 1, LEFT_POSITION)?;
    let right_keys = keys(
        right,
        &request.right_on,
        &request.right_by,
        0,
        RIGHT_POSITION,
    )?
    .keep_rows(column(KEY).is_not_null())?;
    let both = left_keys.union(right_keys)?;
    let is_right = column(SIDE).eq(lit(0i64));
    let of_right = |value: Expr| when(is_right.clone(), value).end();
    let looks = match request.direction {
        Direction::Nearest => vec![Direction::Backward, Direction::Forward],
        one => vec![one],
    };
    let mut found = both;
    for &look in &looks {
        let (position, key) = match_names(look);
        found = found
            .set_column(
                &position,
                nearest(of_right(column(POSITION))?, look, request)?,
            )?
            .set_column(&key, nearest(of_right(column(KEY))?, look, request)?)?;
    }
    let left_rows = found.keep_rows(column(SIDE).eq(lit(1i64)))?;
    let chosen = chosen_match(request)?;
    Ok(left_rows.project([column(POSITION), chosen.alias(MATCH)])?)
}

/// The right row each left row takes: the one found looking the request's way, within the
/// tolerance; for `"nearest"`, the nearer of the two ways' (the backward one on a tie).
fn chosen_match(request: &AsofRequest) -> Result<Expr> {
    // Each way's match, where it has one within the tolerance, and how far its key is.
    let candidate = |look: Direction| {
        let (position, key) = match_names(look);
        let distance = match look {
            Direction::Forward => column(&key) - column(KEY),
            _ => column(KEY) - column(&key),
        };
        let mut within = column(KEY).is_not_null().and(column(&key).is_not_null());
        if let Some(tolerance) = &request.tolerance {
            within = within.and(distance.clone().lt_eq(tolerance.clone()));
        }
        (within, column(&position), distance)
    };
    Ok(match request.direction {
        Direction::Nearest => {
            let (back_within, back, back_distance) = candidate(Direction::Backward);
            let (ahead_within, ahead, ahead_distance) = candidate(Direction::Forward);
            let both_within = back_within.clone().and(ahead_within.clone());
            when(
                both_within.and(back_distance.lt_eq(ahead_distance)),
                back.clone(),
            )
            .when(ahead_within, ahead)
            .when(back_within, back)
            .end()?
        }
        one => {
            let (within, position, _) = candidate(one);
            when(within, position).end()?
        }
    })
}

/// The hidden columns of the position and the key of the right row found looking `look`.
fn match_names(look: Direction) -> (String, String) {
    let way = match look {
        Direction::Forward => "forward",
        _ => "backward",
    };
    (
        format!("__ddq_asof_{way}_match"),
        format!("__ddq_asof_{way}_key"),
    )
}

/// pandas matches keys of one dtype only (and `by` columns alike): a date against a number
/// is refused, as its MergeError does, rather than failing in the engine.
fn check_key_types(left: &Frame, right: &Frame, request: &AsofRequest) -> Result<()> {
    let pairs = std::iter::once((&request.left_on, &request.right_on))
        .chain(request.left_by.iter().zip(&request.right_by));
    for (l, r) in pairs {
        let type_of = |frame: &Frame, name: &str| {
            frame
                .df
                .schema()
                .field_with_unqualified_name(name)
                .map(|f| f.data_type().clone())
        };
        let (lt, rt) = (type_of(left, l)?, type_of(right, r)?);
        if lt != rt {
            return Err(DdqError::type_error(format!(
                "merge_asof cannot match `{l}` ({}) with `{r}` ({}): the keys must be of one type",
                pandas_dtype(&lt),
                pandas_dtype(&rt)
            ))
            .with_help(format!(
                "convert one first, e.g. `right[\"{r}\"].astype(...)`"
            )));
        }
    }
    Ok(())
}

/// `value` of the nearest right row looking `look` (backward or forward): a window over the
/// rows of the same `by` values, and the last right row before each one (skipping the left
/// rows, whose `value` is missing). Going forward, the order is reversed (DataFusion's
/// `first_value` over the rows that follow cannot slide), so "before" is the next in key order.
fn nearest(value: Expr, look: Direction, request: &AsofRequest) -> Result<Expr> {
    let backward = look != Direction::Forward;
    // A right row of a left row's very key goes before it when exact matches count; among
    // right rows of one key, the last one before is the last in right order going backward
    // and the first going forward.
    let order = vec![
        column(KEY).sort(backward, true),
        column(SIDE).sort(request.allow_exact_matches, false),
        column(POSITION).sort(backward, false),
    ];
    let partition: Vec<Expr> = (0..request.left_by.len())
        .map(|i| column(&by_name(i)))
        .collect();
    let up_to_here = WindowFrame::new_bounds(
        WindowFrameUnits::Rows,
        WindowFrameBound::Preceding(ScalarValue::UInt64(None)),
        WindowFrameBound::CurrentRow,
    );
    Ok(
        Expr::from(WindowFunction::new(last_value_udaf(), vec![value]))
            .partition_by(partition)
            .order_by(order)
            .window_frame(up_to_here)
            .null_treatment(NullTreatment::IgnoreNulls)
            .build()?,
    )
}
