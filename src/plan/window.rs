//! Values computed over neighbouring rows in pandas row order: running sums and extremes
//! (`cumsum`, `cummax`, `cummin`), positions in a group (`cumcount`), neighbours (`shift`, `diff`,
//! `pct_change`) and fills (`ffill`, `bfill`), over a whole series or within each group. They are
//! DataFusion window functions ordered by the frame's row order. A window cannot sit inside a
//! filter, an aggregate or another window, so [`plain`] turns a series holding one into a hidden
//! column of its frame first; everything else takes such a series as it is.

use crate::error::{DdqError, Result};
use crate::plan::groupby::{Agg, agg_expr};
use crate::plan::ops::{expr_type, float, is_numeric};
use crate::plan::order::{reverse, unique_hidden, with_position};
use crate::plan::project::Project;
use crate::plan::value::{Closed, Frame, GroupBy, Rolling, Series, column};
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::ScalarValue;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::functions::expr_fn as f;
use datafusion::functions_aggregate::first_last::last_value_udaf;
use datafusion::functions_aggregate::min_max::{max_udaf, min_udaf};
use datafusion::functions_aggregate::sum::sum_udaf;
use datafusion::functions_window::expr_fn::{dense_rank, row_number};
use datafusion::functions_window::lead_lag::{lag_udwf, lead_udwf};
use datafusion::logical_expr::expr::{NullTreatment, WindowFunction};
use datafusion::logical_expr::utils::find_window_exprs;
use datafusion::logical_expr::{
    Expr, ExprFunctionExt, LogicalPlan, SortExpr, WindowFrame, WindowFrameBound, WindowFrameUnits,
    cast, lit, when,
};
use std::sync::Arc;

/// Which rows a window sees: those of the row's group (all rows when there are no keys), in the
/// frame's order.
pub struct Over {
    keys: Vec<Expr>,
    order: Vec<SortExpr>,
    /// The most rows a group can have, when known (a rolling window's n): a reduction over the
    /// group then reaches that many rows each way, which DataFusion computes as it streams,
    /// instead of holding every row until the groups end.
    group_rows: Option<u64>,
}

impl Over {
    /// Every row of the frame, as a series method sees them.
    pub fn all(frame: &Frame) -> Over {
        Over {
            keys: Vec::new(),
            order: frame.order.clone(),
            group_rows: None,
        }
    }

    /// The rows of each group, as `groupby(...).col.cumsum()` sees them.
    pub fn groups(gb: &GroupBy) -> Over {
        Over {
            keys: gb.keys.iter().map(|(e, _)| e.clone()).collect(),
            order: gb.frame.order.clone(),
            group_rows: None,
        }
    }

    /// The rows of each group, where no group has more than `rows` rows.
    pub fn small_groups(gb: &GroupBy, rows: u64) -> Over {
        Over {
            group_rows: Some(rows),
            ..Over::groups(gb)
        }
    }

    /// pandas leaves rows whose key is missing out of every group: their value is missing.
    fn outside_groups(&self, value: Expr) -> Expr {
        let Some(any_missing) = self
            .keys
            .iter()
            .map(|k| k.clone().is_null())
            .reduce(|a, b| a.or(b))
        else {
            return value;
        };
        when(any_missing, lit(ScalarValue::Null))
            .otherwise(value)
            .unwrap_or_else(|_| lit(ScalarValue::Null))
    }
}

/// A running aggregate: the sum, maximum or minimum of the rows so far.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Running {
    Sum,
    Max,
    Min,
}

/// `cumsum()`, `cummax()`, `cummin()`: a missing value stays missing and the running value
/// carries on past it, as pandas' `skipna=True` does.
pub fn running(series: &Series, over: &Over, kind: Running) -> Result<Series> {
    let input = plain(series)?;
    let t = expr_type(&input.frame, &input.expr)?;
    let value = match (kind, &t) {
        (Running::Sum, DataType::Boolean) => cast(input.expr.clone(), DataType::Int64),
        (Running::Sum, _) if !is_numeric(&t) => return Err(not_numeric("cumsum", &input, &t)),
        _ => input.expr.clone(),
    };
    let aggregate = match kind {
        Running::Sum => sum_udaf(),
        Running::Max => max_udaf(),
        Running::Min => min_udaf(),
    };
    let window = windowed(
        WindowFunction::new(aggregate, vec![value]),
        over,
        rows_so_far(),
        None,
    )?;
    let expr = when(input.expr.clone().is_null(), lit(ScalarValue::Null)).otherwise(window)?;
    Ok(with_expr(input, over.outside_groups(expr)))
}

/// `shift(periods)`: each row takes the value `periods` rows earlier (later when negative).
/// Integers become floats, as pandas makes room for the missing values it shifts in.
pub fn shift(series: &Series, over: &Over, periods: i64) -> Result<Series> {
    let input = plain(series)?;
    let t = expr_type(&input.frame, &input.expr)?;
    let value = if t.is_integer() {
        float(input.expr.clone())
    } else {
        input.expr.clone()
    };
    let expr = shifted(value, over, periods)?;
    Ok(with_expr(input, over.outside_groups(expr)))
}

/// `diff(periods)`: the row minus the row `periods` earlier, as floats.
pub fn diff(series: &Series, over: &Over, periods: i64) -> Result<Series> {
    let input = plain(series)?;
    let t = expr_type(&input.frame, &input.expr)?;
    if !is_numeric(&t) || t == DataType::Boolean {
        return Err(not_numeric("diff", &input, &t));
    }
    let value = float(input.expr.clone());
    let expr = value.clone() - shifted(value, over, periods)?;
    Ok(with_expr(input, over.outside_groups(expr)))
}

/// `pct_change(periods)`: the change from the row `periods` earlier, as a fraction. Missing
/// values are first filled forward, as pandas' default `fill_method="pad"` does.
pub fn pct_change(series: &Series, over: &Over, periods: i64) -> Result<Series> {
    let t = expr_type(&series.frame, &series.expr)?;
    if !is_numeric(&t) {
        return Err(not_numeric("pct_change", series, &t));
    }
    let filled = plain(&fill(series, over, true, None, FillArea::Anywhere)?)?;
    let value = float(filled.expr.clone());
    let expr = value.clone() / shifted(value, over, periods)? - lit(1.0);
    Ok(with_expr(filled, over.outside_groups(expr)))
}

/// Where pandas' `limit_area` lets a fill reach: anywhere, only gaps with present values on
/// both sides (`inside`), or only before the first and after the last present value
/// (`outside`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FillArea {
    Anywhere,
    Inside,
    Outside,
}

/// `ffill()` (forward) and `bfill()`: a missing value takes the nearest present one before
/// (after) it in its group; with `limit`, only one at most that many rows away, which fills at
/// most `limit` missing values in a row, as pandas' `limit=` does; `area` as `limit_area=`.
pub fn fill(
    series: &Series,
    over: &Over,
    forward: bool,
    limit: Option<u64>,
    area: FillArea,
) -> Result<Series> {
    let mut input = plain(series)?;
    // The last present value so far, in row order or (for a backward fill) over negated row
    // positions (see `toward`).
    let position = (!forward || limit.is_some() || area != FillArea::Anywhere)
        .then(|| unique_hidden(&input.frame, "__ddq_pos"));
    if let Some(position) = &position {
        input.frame = with_position(&input.frame, position)?;
    }
    let order = match &position {
        Some(position) if !forward => toward(position, false),
        _ => over.order.clone(),
    };
    let last_present = |e: Expr| last_present_value(e, &over.keys, order.clone());
    let window = last_present(input.expr.clone())?;
    let (filled, expr) = match (limit, &position) {
        (Some(n), Some(position)) => {
            within_limit(&input, window, position, n, forward, &last_present)?
        }
        _ => (input.clone(), window),
    };
    let expr = match (area, &position) {
        (FillArea::Anywhere, _) | (_, None) => expr,
        (area, Some(position)) => {
            // Whether a present value lies beyond the gap (after it, for a forward fill).
            let beyond =
                last_present_value(input.expr.clone(), &over.keys, toward(position, !forward))?
                    .is_not_null();
            let reaches = match area {
                FillArea::Inside => beyond,
                _ => datafusion::logical_expr::not(beyond),
            };
            when(input.expr.clone().is_not_null(), input.expr.clone())
                .when(reaches, expr)
                .otherwise(lit(ScalarValue::Null))?
        }
    };
    Ok(with_expr(filled, over.outside_groups(expr)))
}

/// A fill with a limit: only a present value at most `n` rows away fills (the engine's
/// last_value cannot slide over a bounded frame, so the distance is checked instead). Each
/// window is kept as a column of its own: the engine plans windows of one projection together.
fn within_limit(
    input: &Series,
    window: Expr,
    position: &str,
    n: u64,
    forward: bool,
    last_present: &dyn Fn(Expr) -> Result<Expr>,
) -> Result<(Series, Expr)> {
    let at = column(position);
    let present_at = when(input.expr.clone().is_not_null(), at.clone())
        .otherwise(lit(ScalarValue::Int64(None)))?;
    let filled = plain(&with_expr(input.clone(), window))?;
    let nearest = plain(&Series {
        frame: filled.frame.clone(),
        expr: last_present(present_at)?,
        name: filled.name.clone(),
        categories: None,
    })?;
    let distance = if forward {
        at - nearest.expr.clone()
    } else {
        nearest.expr.clone() - at
    };
    let expr =
        when(distance.lt_eq(lit(n as i64)), filled.expr).otherwise(lit(ScalarValue::Null))?;
    Ok((nearest, expr))
}

/// Row positions in increasing order, or (`forward` false) decreasing: a backward pass runs over
/// negated positions, as a window ordered the reverse way of the frame's order meets a
/// DataFusion bug (it flips the window and loses its name).
fn toward(position: &str, forward: bool) -> Vec<SortExpr> {
    if forward {
        vec![column(position).sort(true, false)]
    } else {
        vec![(lit(0i64) - column(position)).sort(true, false)]
    }
}

/// The last present (non-missing) value of `e` up to each row, rows taken in `order` within
/// each group of `keys`. (DataFusion's first_value cannot slide over the rows that follow, so
/// "the next present value" is this over the reversed order.)
fn last_present_value(e: Expr, keys: &[Expr], order: Vec<SortExpr>) -> Result<Expr> {
    let direction = Over {
        keys: keys.to_vec(),
        order,
        group_rows: None,
    };
    windowed(
        WindowFunction::new(last_value_udaf(), vec![e]),
        &direction,
        rows_so_far(),
        Some(NullTreatment::IgnoreNulls),
    )
}

/// `interpolate(limit=None)`: pandas' linear interpolation over row positions. A missing value
/// between two present ones lies on the line between them; missing values after the last
/// present one take it; those before the first stay missing; with `limit`, only that many
/// missing values after each present one are filled.
pub fn interpolate(series: &Series, over: &Over, limit: Option<u64>) -> Result<Series> {
    let mut input = plain(series)?;
    let position = unique_hidden(&input.frame, "__ddq_pos");
    input.frame = with_position(&input.frame, &position)?;
    let pos = || cast(column(&position), DataType::Float64);
    let value = float(input.expr.clone());
    let present_pos =
        when(value.clone().is_not_null(), pos()).otherwise(lit(ScalarValue::Float64(None)))?;
    // The nearest present value (and its position) before or at each row, and after or at it.
    let nearest =
        |e: Expr, forward: bool| last_present_value(e, &over.keys, toward(&position, forward));
    let (before, before_pos) = (
        nearest(value.clone(), true)?,
        nearest(present_pos.clone(), true)?,
    );
    let (after, after_pos) = (nearest(value.clone(), false)?, nearest(present_pos, false)?);
    let on_line = before.clone()
        + (after.clone() - before.clone()) * (pos() - before_pos.clone())
            / (after_pos - before_pos.clone());
    // With a limit, only the first `limit` missing values after a present one are filled.
    let beyond_limit = match limit {
        Some(n) => (pos() - before_pos.clone()).gt(lit(n as f64)),
        None => lit(false),
    };
    let expr = when(value.clone().is_not_null(), value)
        .when(beyond_limit, lit(ScalarValue::Float64(None)))
        .when(after.is_null(), before)
        .otherwise(on_line)?;
    Ok(with_expr(input, over.outside_groups(expr)))
}

/// How `rank` numbers equal values, by pandas' `method=` names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RankMethod {
    Average,
    Min,
    Max,
    First,
    Dense,
}

/// `rank(method="average", ascending=True)`: each value's rank among its group's (from 1, as
/// floats); missing values get no rank, as in pandas.
pub fn rank(series: &Series, over: &Over, method: RankMethod, ascending: bool) -> Result<Series> {
    let input = plain(series)?;
    let value = input.expr.clone();
    let by_value = vec![value.clone().sort(ascending, false)];
    let numbered = |function: Expr| -> Result<Expr> {
        let Expr::WindowFunction(mut call) = function else {
            return Err(DdqError::execution("internal error: rank is not a window"));
        };
        call.params.partition_by = over.keys.clone();
        call.params.order_by = match method {
            // Ties in frame order, as pandas' "first" numbers them.
            RankMethod::First => [by_value.clone(), over.order.clone()].concat(),
            _ => by_value.clone(),
        };
        Ok(cast(Expr::from(*call), DataType::Float64))
    };
    // The highest rank among equal values: the values present less those ranked above them
    // counting from the other end. (A window partitioned by the value, or a range frame, says
    // it directly, but Ballista's planner fails on either.)
    let highest = || -> Result<Expr> {
        let count = datafusion::functions_aggregate::expr_fn::count(value.clone());
        let present = if over.keys.is_empty() {
            let counted = input
                .frame
                .df
                .clone()
                .group_by(vec![], vec![count.alias("n")])?;
            crate::plan::groupby::scalar_of(counted, "n").expr
        } else {
            as_window(count, |call, _| {
                call.params.partition_by = over.keys.clone()
            })?
        };
        let from_top = datafusion::functions_window::expr_fn::rank()
            .partition_by(over.keys.clone())
            .order_by(vec![value.clone().sort(!ascending, false)])
            .build()?;
        Ok(cast(present, DataType::Float64) - cast(from_top, DataType::Float64) + lit(1.0))
    };
    let lowest = || numbered(datafusion::functions_window::expr_fn::rank());
    let ranked = match method {
        RankMethod::Min => lowest()?,
        RankMethod::Max => highest()?,
        RankMethod::Average => (lowest()? + highest()?) / lit(2.0),
        RankMethod::First => numbered(row_number())?,
        RankMethod::Dense => numbered(dense_rank())?,
    };
    let expr = when(value.is_null(), lit(ScalarValue::Float64(None))).otherwise(ranked)?;
    Ok(with_expr(input, over.outside_groups(expr)))
}

/// `groupby(...).cumcount(ascending=True)`: each row's position in its group, from 0 (from the
/// group's last row with `ascending=False`).
pub fn cumcount(gb: &GroupBy, ascending: bool) -> Result<Series> {
    let over = Over::groups(gb);
    let order = if ascending {
        over.order.clone()
    } else {
        over.order.iter().map(reverse).collect()
    };
    let number = row_number()
        .partition_by(over.keys.clone())
        .order_by(order)
        .build()?;
    let position = cast(number, DataType::Int64) - lit(1i64);
    Ok(Series {
        frame: gb.frame.clone(),
        expr: over.outside_groups(position),
        name: String::new(),
        categories: None,
    })
}

/// Whether `a` has the rows of `b`, in its order: the same plan, or `b` with columns added (as
/// [`plain`] adds one).
pub fn same_rows(a: &Frame, b: &Frame) -> bool {
    grows(a, b)
        || matches!(a.df.logical_plan(), LogicalPlan::Projection(p) if p.input.as_ref() == b.df.logical_plan())
}

/// Whether `frame` is `ancestor` with columns added (hidden columns, windows made plain): the
/// same rows and every column of `ancestor`, so an expression over `ancestor` is one over it.
pub fn grows(frame: &Frame, ancestor: &Frame) -> bool {
    let target = ancestor.df.logical_plan();
    let mut plan = frame.df.logical_plan();
    while plan != target {
        plan = match plan {
            LogicalPlan::Window(w) => w.input.as_ref(),
            LogicalPlan::Projection(p) if keeps_every_column(p) => p.input.as_ref(),
            _ => return false,
        };
    }
    true
}

/// Whether a projection passes on each column of its input as it is, under its own name; the
/// columns of windows right below it (a window made a hidden column) need not be.
fn keeps_every_column(projection: &datafusion::logical_expr::Projection) -> bool {
    let mut below = projection.input.as_ref();
    while let LogicalPlan::Window(w) = below {
        below = w.input.as_ref();
    }
    below.schema().columns().iter().all(|input| {
        projection
            .expr
            .iter()
            .any(|e| matches!(e, Expr::Column(c) if c == input))
    })
}

/// Whether an expression computed per group is one value per group: every column it reads,
/// but the group keys, is read inside a window (a reduction over the group).
pub fn is_reduced(expr: &Expr, keys: &[&str]) -> bool {
    use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
    let mut per_row = false;
    let _ = expr.apply(|e| {
        Ok(match e {
            Expr::WindowFunction(_) => TreeNodeRecursion::Jump,
            Expr::Column(c) if !keys.contains(&c.name.as_str()) => {
                per_row = true;
                TreeNodeRecursion::Stop
            }
            _ => TreeNodeRecursion::Continue,
        })
    });
    !per_row
}

/// The series as a column of its frame when it holds a window function (a hidden column added
/// to the frame), as it is otherwise.
pub fn plain(series: &Series) -> Result<Series> {
    if find_window_exprs([&series.expr]).is_empty() {
        return Ok(series.clone());
    }
    let name = unique_hidden(&series.frame, "__ddq_window");
    let df = series
        .frame
        .df
        .clone()
        .set_column(&name, series.expr.clone())?;
    Ok(Series {
        frame: series.frame.with_df(df),
        expr: column(&name),
        name: series.name.clone(),
        categories: None,
    })
}

fn shifted(value: Expr, over: &Over, periods: i64) -> Result<Expr> {
    if periods == 0 {
        return Ok(value);
    }
    let (function, offset) = if periods > 0 {
        (lag_udwf(), periods)
    } else {
        (lead_udwf(), -periods)
    };
    let call = WindowFunction::new(function, vec![value, lit(offset)]);
    windowed(call, over, WindowFrame::new(Some(true)), None)
}

fn windowed(
    call: WindowFunction,
    over: &Over,
    frame: WindowFrame,
    nulls: Option<NullTreatment>,
) -> Result<Expr> {
    Ok(Expr::from(call)
        .partition_by(over.keys.clone())
        .order_by(over.order.clone())
        .window_frame(frame)
        .null_treatment(nulls)
        .build()?)
}

/// From the group's first row to this one: running values.
fn rows_so_far() -> WindowFrame {
    WindowFrame::new_bounds(
        WindowFrameUnits::Rows,
        WindowFrameBound::Preceding(ScalarValue::UInt64(None)),
        WindowFrameBound::CurrentRow,
    )
}

fn with_expr(series: Series, expr: Expr) -> Series {
    Series { expr, ..series }
}

fn not_numeric(method: &str, series: &Series, t: &DataType) -> DdqError {
    DdqError::type_error(format!(
        "{method}() needs numbers, but `{}` has dtype {}",
        series.name,
        crate::types::dtype::pandas_dtype(t)
    ))
    .with_help(format!(
        "convert it first, e.g. `.astype(\"float64\").{method}()`"
    ))
}

/// `transform("mean")` and friends: each row gets its group's aggregate (pandas broadcasts it
/// back to the group's rows). The aggregate runs as a window over the whole group.
pub fn broadcast(series: &Series, over: &Over, agg: Agg) -> Result<Series> {
    let input = plain(series)?;
    let t = expr_type(&input.frame, &input.expr)?;
    let aggregate = agg_expr(agg, input.expr.clone(), &t, &over.order, &input.name)?;
    let reach = over.group_rows.map(|rows| rows.saturating_sub(1));
    let whole_group = WindowFrame::new_bounds(
        WindowFrameUnits::Rows,
        WindowFrameBound::Preceding(ScalarValue::UInt64(reach)),
        WindowFrameBound::Following(ScalarValue::UInt64(reach)),
    );
    let window = as_window(aggregate, |call, ordering| {
        call.params.partition_by = over.keys.clone();
        call.params.order_by = ordering;
        call.params.window_frame = whole_group.clone();
    })?;
    Ok(with_expr(input, over.outside_groups(window)))
}

/// Each row's 0-based position within its group, counted from the group's first row or, with
/// `from_end`, from its last; missing for rows outside every group.
pub fn position_in_group(gb: &GroupBy, from_end: bool) -> Result<Expr> {
    let over = Over::groups(gb);
    let order = if from_end {
        over.order.iter().map(reverse).collect()
    } else {
        over.order.clone()
    };
    let number = row_number()
        .partition_by(over.keys.clone())
        .order_by(order)
        .build()?;
    Ok(over.outside_groups(cast(number, DataType::Int64) - lit(1i64)))
}

/// Each row's rank in its group by `value`, from 0: largest first when `descending`, equal
/// values in frame order (pandas' `keep="first"`); missing for rows outside every group.
pub fn rank_in_group(gb: &GroupBy, value: Expr, descending: bool) -> Result<Expr> {
    let over = Over::groups(gb);
    let mut order = vec![value.sort(!descending, false)];
    order.extend(over.order.iter().cloned());
    let number = row_number()
        .partition_by(over.keys.clone())
        .order_by(order)
        .build()?;
    Ok(over.outside_groups(cast(number, DataType::Int64) - lit(1i64)))
}

/// Whether each row repeats another with the same `keys`: an earlier one (`first_kept`
/// Some(true)), a later one (Some(false)), or any (None), as pandas' `duplicated`.
pub fn repeated(frame: &Frame, keys: Vec<Expr>, first_kept: Option<bool>) -> Result<Expr> {
    Ok(match first_kept {
        Some(from_start) => {
            let order = if from_start {
                frame.order.clone()
            } else {
                frame.order.iter().map(reverse).collect()
            };
            let number = row_number().partition_by(keys).order_by(order).build()?;
            number.gt(lit(1u64))
        }
        None => {
            let rows = as_window(
                datafusion::functions_aggregate::expr_fn::count(lit(1)),
                |call, _| {
                    call.params.partition_by = keys.clone();
                },
            )?;
            rows.gt(lit(1i64))
        }
    })
}

/// `ngroup()`: the number of each row's group, counting groups in key order from 0.
pub fn group_number(gb: &GroupBy) -> Result<Expr> {
    let over = Over::groups(gb);
    let keys: Vec<SortExpr> = over
        .keys
        .iter()
        .map(|k| k.clone().sort(true, false))
        .collect();
    let number = dense_rank().order_by(keys).build()?;
    Ok(over.outside_groups(cast(number, DataType::Int64) - lit(1i64)))
}

/// `rolling(window, min_periods, center).agg()`: the aggregate over the `window` rows ending
/// at each row (centred on it with `center`), missing where fewer than `min_periods` values
/// were there (for `count`, fewer than `min_periods` rows), as pandas computes it.
pub fn rolling(series: &Series, over: &Over, rolling: &Rolling, agg: Agg) -> Result<Series> {
    if let Some(span) = rolling.span {
        if !over.keys.is_empty() {
            return Err(DdqError::unsupported(
                "a time window within groups is not supported; a window of rows is",
            ));
        }
        return time_rolling(series, rolling, agg, span);
    }
    let input = plain(series)?;
    let window = rolling.window;
    // An expanding window reaches back to the first row (UNBOUNDED PRECEDING).
    let (preceding, following) = if rolling.expanding {
        (None, 0)
    } else if rolling.center {
        (Some(window / 2), (window - 1) / 2)
    } else {
        // pandas' closed= moves the window's start one row back (left end in) and its end
        // one row back (the row itself out).
        let start = window - 1 + i64::from(rolling.closed.left);
        (Some(start), -i64::from(!rolling.closed.right))
    };
    let end = match following {
        n if n < 0 => WindowFrameBound::Preceding(ScalarValue::UInt64(Some(n.unsigned_abs()))),
        n => WindowFrameBound::Following(ScalarValue::UInt64(Some(n as u64))),
    };
    let frame = WindowFrame::new_bounds(
        WindowFrameUnits::Rows,
        WindowFrameBound::Preceding(ScalarValue::UInt64(preceding.map(|p| p as u64))),
        end,
    );
    let t = expr_type(&input.frame, &input.expr)?;
    let over_rows = |aggregate: Expr| {
        as_window(aggregate, |call, _| {
            call.params.partition_by = over.keys.clone();
            call.params.order_by = over.order.clone();
            call.params.window_frame = frame.clone();
        })
    };
    let value = over_rows(agg_expr(
        agg,
        input.expr.clone(),
        &t,
        &over.order,
        &input.name,
    )?)?;
    // pandas counts values for min_periods, except in count, which counts rows.
    let counted = if agg == Agg::Count {
        datafusion::functions_aggregate::expr_fn::count(lit(1))
    } else {
        datafusion::functions_aggregate::expr_fn::count(input.expr.clone())
    };
    let enough = over_rows(counted)?.gt_eq(lit(rolling.min_periods));
    let expr = when(enough, value).otherwise(lit(ScalarValue::Null))?;
    Ok(with_expr(input, over.outside_groups(expr)))
}

/// `rolling(...).corr(other)` and `.cov(other)`: from the window's sums over the rows where
/// both values are present, as pandas pairs them; missing with fewer such rows than
/// `min_periods` (or than 2), and the correlation where either value is constant.
pub fn rolling_pair(x: &Series, y: Expr, rolling: &Rolling, correlation: bool) -> Result<Series> {
    let input = plain(x)?;
    let both = input
        .expr
        .clone()
        .is_not_null()
        .and(y.clone().is_not_null());
    let masked = |e: Expr| -> Result<Expr> {
        Ok(when(both.clone(), float(e)).otherwise(lit(ScalarValue::Float64(None)))?)
    };
    let every_row = Rolling {
        min_periods: 0,
        ..rolling.clone()
    };
    let mut frame = input.frame.clone();
    let mut over_window = |e: Expr, agg: Agg| -> Result<Expr> {
        let series = Series::new(frame.clone(), e, input.name.clone());
        let summed = self::rolling(&series, &Over::all(&frame), &every_row, agg)?;
        frame = summed.frame;
        Ok(f::coalesce(vec![
            cast(summed.expr, DataType::Float64),
            lit(0.0),
        ]))
    };
    let (mx, my) = (masked(input.expr.clone())?, masked(y.clone())?);
    let pair = when(both.clone(), lit(1.0)).otherwise(lit(ScalarValue::Float64(None)))?;
    let n = over_window(pair, Agg::Sum)?;
    let sx = over_window(mx.clone(), Agg::Sum)?;
    let sy = over_window(my.clone(), Agg::Sum)?;
    let sxy = over_window(mx.clone() * my.clone(), Agg::Sum)?;
    let spread = |sxy: Expr, sx: Expr, sy: Expr| sxy - sx * sy / n.clone();
    let value = if correlation {
        let sxx = over_window(mx.clone() * mx.clone(), Agg::Sum)?;
        let syy = over_window(my.clone() * my, Agg::Sum)?;
        let variances = spread(sxx, sx.clone(), sx.clone()) * spread(syy, sy.clone(), sy.clone());
        when(
            variances.clone().gt(lit(0.0)),
            spread(sxy, sx, sy) / f::sqrt(variances),
        )
        .otherwise(lit(ScalarValue::Float64(None)))?
    } else {
        spread(sxy, sx, sy) / (n.clone() - lit(1.0))
    };
    let enough = n
        .clone()
        .gt_eq(lit(rolling.min_periods.max(1) as f64))
        .and(n.gt(lit(1.0)));
    let expr = when(enough, value).otherwise(lit(ScalarValue::Float64(None)))?;
    Ok(Series::new(frame, expr, input.name.clone()))
}

/// `rolling("2D").agg()` over a datetime index: for each row, the rows up to it (in order) whose
/// index lies within `span` before its own, as pandas defines a time window. The engine's
/// range frame would also take the rows after it with the same timestamp, so each aggregate
/// (sums, counts, extremes; means and variances made of sums) joins that of the earlier
/// timestamps in the span and that of this timestamp's rows up to this one.
fn time_rolling(series: &Series, rolling: &Rolling, agg: Agg, span: i64) -> Result<Series> {
    let input = plain(series)?;
    let index = time_index(&input.frame)?;
    let windows = TimeWindows {
        index,
        order: input.frame.order.clone(),
        span,
        closed: rolling.closed,
    };
    if rolling.closed != Closed::RIGHT && agg == Agg::Median {
        return Err(DdqError::unsupported(
            "median() over a time window with closed= is not supported; sum, mean, count, min, max, std, var, skew and kurt are",
        ));
    }
    let values = float(input.expr.clone());
    let present = windows.counted(input.expr.clone())?;
    let value = match agg {
        Agg::Sum => windows.sum(values)?,
        Agg::Mean => windows.sum(values)? / present.clone(),
        Agg::Var { ddof } => windows.variance(values, present.clone(), ddof)?,
        Agg::Std { ddof } => f::sqrt(windows.variance(values, present.clone(), ddof)?),
        Agg::Max | Agg::Min => windows.extreme(values, agg == Agg::Max)?,
        Agg::Count => windows.counted(lit(1i64))?,
        Agg::Skew | Agg::Kurt => windows.shape(values, present.clone(), agg == Agg::Kurt)?,
        Agg::Median => windows.median(&input.frame, values)?,
        _ => {
            return Err(DdqError::unsupported(format!(
                "{}() over a time window is not supported; sum, mean, median, count, min, max, std, var, skew and kurt are",
                agg.name()
            )));
        }
    };
    let enough = match agg {
        Agg::Count => windows.counted(lit(1i64))?,
        _ => present,
    }
    .gt_eq(lit(rolling.min_periods as f64));
    let expr = when(enough, value).otherwise(lit(ScalarValue::Null))?;
    Ok(with_expr(input, expr))
}

/// The index a time window runs over: a datetime index, rows in increasing order of it.
fn time_index(frame: &Frame) -> Result<String> {
    let index = match frame.key_columns().as_slice() {
        [index] if matches!(frame.data_type(index), Some(DataType::Timestamp(..))) => index.clone(),
        _ => {
            return Err(DdqError::type_error(
                "a time window needs a datetime index: set_index(\"Date\") first",
            ));
        }
    };
    let sorted_by_index = matches!(
        frame.order.first(),
        Some(first) if first.asc && first.expr == column(&index)
    );
    if !sorted_by_index {
        return Err(DdqError::type_error(format!(
            "a time window needs the index `{index}` in increasing order"
        ))
        .with_help("sort_index() first"));
    }
    Ok(index)
}

/// The windows a time window is made of, over a frame in index order.
struct TimeWindows {
    index: String,
    order: Vec<SortExpr>,
    /// The window's length in nanoseconds.
    span: i64,
    /// Whether the rows at exactly `span` before, and the row itself, are in the window.
    closed: Closed,
}

impl TimeWindows {
    /// The aggregate over the rows whose index is in (t - span, t): earlier timestamps only.
    fn before(&self, aggregate: Expr) -> Result<Expr> {
        let nanos = |n: i64| {
            WindowFrameBound::Preceding(ScalarValue::IntervalMonthDayNano(Some(
                datafusion::arrow::datatypes::IntervalMonthDayNano::new(0, 0, n),
            )))
        };
        // pandas' window is (t - span, t]: one nanosecond less than the span before; with a
        // closed left end, [t - span, t].
        let reach = self.span - i64::from(!self.closed.left);
        let frame = WindowFrame::new_bounds(WindowFrameUnits::Range, nanos(reach), nanos(1));
        as_window(aggregate, |call, _| {
            call.params.order_by = vec![column(&self.index).sort(true, false)];
            call.params.window_frame = frame.clone();
        })
    }

    /// The aggregate over this row's timestamp's rows up to and including it; none when the
    /// window's right end is open (pandas then leaves out every row of the row's own time), an
    /// aggregate of no rows. Like the other windows here its frame ends at the current row, so
    /// the engine streams it (a frame to the end of each timestamp would hold whole partitions
    /// in memory).
    fn peers_so_far(&self, aggregate: Expr) -> Result<Expr> {
        if !self.closed.right {
            // No rows; yet the window over the row's own time is still planned (its count is
            // never negative, which the engine cannot simplify away): a range window right
            // after another of a different frame has its partitions merged on the time alone,
            // and DataFusion 55 then takes the rows for ordered by the whole order, so ties
            // came out of order. This window sorts them by the whole order again.
            use datafusion::functions_aggregate::expr_fn::count;
            let rows = self.peers_window(count(lit(1)))?;
            return Ok(
                when(rows.lt(lit(0i64)), lit(0i64)).otherwise(lit(ScalarValue::Int64(None)))?
            );
        }
        self.peers_window(aggregate)
    }

    fn peers_window(&self, aggregate: Expr) -> Result<Expr> {
        let frame = WindowFrame::new_bounds(
            WindowFrameUnits::Rows,
            WindowFrameBound::Preceding(ScalarValue::UInt64(None)),
            WindowFrameBound::CurrentRow,
        );
        as_window(aggregate, |call, _| {
            call.params.partition_by = vec![column(&self.index)];
            call.params.order_by = self.order.clone();
            call.params.window_frame = frame.clone();
        })
    }

    /// A sum over pandas' window: the earlier timestamps' part of the span, and this
    /// timestamp's rows up to this one.
    fn sum(&self, values: Expr) -> Result<Expr> {
        use datafusion::functions_aggregate::expr_fn::sum;
        let zero = |e: Expr| f::coalesce(vec![e, lit(0.0)]);
        Ok(zero(self.before(sum(values.clone()))?) + zero(self.peers_so_far(sum(values))?))
    }

    /// How many values of `e` are present in pandas' window, as a float.
    fn counted(&self, e: Expr) -> Result<Expr> {
        use datafusion::functions_aggregate::expr_fn::count;
        let zero = |e: Expr| f::coalesce(vec![e, lit(0.0)]);
        Ok(
            zero(cast(self.before(count(e.clone()))?, DataType::Float64))
                + zero(cast(self.peers_so_far(count(e))?, DataType::Float64)),
        )
    }

    /// The variance from the window's sums of values and of squares (missing when there are
    /// no more values than `ddof`); never below 0, where rounding would take it.
    fn variance(&self, values: Expr, present: Expr, ddof: i64) -> Result<Expr> {
        let total = self.sum(values.clone())?;
        let squares = self.sum(values.clone() * values)?;
        let spread = squares - total.clone() * total / present.clone();
        let variance = f::greatest(vec![
            spread / (present.clone() - lit(ddof as f64)),
            lit(0.0),
        ]);
        Ok(when(present.gt(lit(ddof as f64)), variance).otherwise(lit(ScalarValue::Null))?)
    }

    /// pandas' rolling skew (or kurt): from the window's sums of the first three (four) powers,
    /// as pandas' own rolling moments are, missing below 3 (4) values or when the variance is
    /// at most 1e-14.
    fn shape(&self, values: Expr, present: Expr, kurt: bool) -> Result<Expr> {
        let n = present;
        let power = |k: usize| (1..k).fold(values.clone(), |e, _| e * values.clone());
        let mean_of = |k: usize| -> Result<Expr> { Ok(self.sum(power(k))? / n.clone()) };
        let a = mean_of(1)?;
        let b = mean_of(2)? - a.clone() * a.clone();
        let c = mean_of(3)? - a.clone() * a.clone() * a.clone() - lit(3.0) * a.clone() * b.clone();
        let (value, fewest) = if kurt {
            let d = mean_of(4)?
                - a.clone() * a.clone() * a.clone() * a.clone()
                - lit(6.0) * b.clone() * a.clone() * a.clone()
                - lit(4.0) * c * a;
            let k = (n.clone() * n.clone() - lit(1.0)) * d / (b.clone() * b.clone())
                - lit(3.0) * (n.clone() - lit(1.0)) * (n.clone() - lit(1.0));
            (k / ((n.clone() - lit(2.0)) * (n.clone() - lit(3.0))), 4.0)
        } else {
            let cube_of_deviation = b.clone() * f::sqrt(b.clone());
            let skew = f::sqrt(n.clone() * (n.clone() - lit(1.0))) * c
                / ((n.clone() - lit(2.0)) * cube_of_deviation);
            (skew, 3.0)
        };
        let defined = b.gt(lit(1e-14)).and(n.gt_eq(lit(fewest)));
        Ok(when(defined, value).otherwise(lit(ScalarValue::Float64(None)))?)
    }

    /// The median of pandas' window: ddq's own window function keeps the window as the rows
    /// pass in order (a median is not made of parts).
    fn median(&self, frame: &Frame, values: Expr) -> Result<Expr> {
        let zone = match frame.data_type(&self.index) {
            Some(DataType::Timestamp(_, zone)) => zone,
            _ => None,
        };
        let nanos = DataType::Timestamp(TimeUnit::Nanosecond, zone);
        let time = cast(cast(column(&self.index), nanos), DataType::Int64);
        let median = Arc::new(crate::plan::time_median::time_median_udwf());
        let mut call = WindowFunction::new(median, vec![time, values, lit(self.span)]);
        call.params.order_by = self.order.clone();
        Ok(Expr::from(call))
    }

    /// The largest (smallest) value of pandas' window: of the earlier timestamps in the span,
    /// and of this timestamp's rows up to this one.
    fn extreme(&self, values: Expr, largest: bool) -> Result<Expr> {
        use datafusion::functions_aggregate::expr_fn::{max, min};
        let of = |e: Expr| if largest { max(e) } else { min(e) };
        let parts = vec![
            self.before(of(values.clone()))?,
            self.peers_so_far(of(values))?,
        ];
        Ok(if largest {
            f::greatest(parts)
        } else {
            f::least(parts)
        })
    }
}

/// An aggregate expression with each aggregate call in it turned into a window call, which
/// `place` gives its partitions, order and frame (it is handed the aggregate's own ordering,
/// which first/last need).
fn as_window(aggregate: Expr, place: impl Fn(&mut WindowFunction, Vec<SortExpr>)) -> Result<Expr> {
    Ok(aggregate
        .transform_up(|e| match e {
            Expr::AggregateFunction(f) => {
                let mut call = WindowFunction::new(f.func.clone(), f.params.args.clone());
                call.params.null_treatment = f.params.null_treatment;
                call.params.distinct = f.params.distinct;
                place(&mut call, f.params.order_by.clone());
                Ok(Transformed::yes(Expr::from(call)))
            }
            other => Ok(Transformed::no(other)),
        })?
        .data)
}

/// A per-row result within groups (`gb.col.rolling(4).mean()`) shaped as pandas gives it:
/// indexed by the group keys and then the row's own label (its index, or its position), groups
/// in key order (in order of first appearance with `sort=False`) and rows in their order within
/// each group; rows whose key is missing belong to no group and are left out.
pub fn by_group_then_row(gb: &GroupBy, series: Series) -> Result<Series> {
    let name = series.name.clone();
    let frame = group_rows_of(gb, &series.frame, vec![(series.expr, name.clone())])?;
    Ok(Series {
        frame,
        expr: column(&name),
        name,
        categories: None,
    })
}

/// [`by_group_then_row`] for several columns at once (`gb[["a", "b"]].rolling(4).mean()`):
/// each `(expression, name)` over `frame` becomes a column of the result.
pub fn group_rows_of(gb: &GroupBy, frame: &Frame, columns: Vec<(Expr, String)>) -> Result<Frame> {
    let mut frame = frame.clone();
    let mut values = Vec::with_capacity(columns.len());
    for (expr, name) in columns {
        let value = plain(&Series {
            frame: frame.clone(),
            expr,
            name: name.clone(),
            categories: None,
        })?;
        frame = value.frame;
        values.push(value.expr.alias(name));
    }
    let position = unique_hidden(&frame, "__ddq_row");
    let positioned = with_position(&frame, &position)?;
    let (label, label_name) = match frame.key_columns().as_slice() {
        [] => (column(&position), String::new()),
        [index] => (column(index), index.clone()),
        _ => {
            return Err(DdqError::unsupported(
                "a rolling window within groups of a frame indexed by several columns is not supported",
            )
            .with_help("reset_index() first"));
        }
    };
    let mut exprs: Vec<Expr> = gb.keys.iter().map(|(k, n)| k.clone().alias(n)).collect();
    exprs.push(label.alias(label_name));
    exprs.extend(values);
    exprs.push(column(&position));
    let mut df = positioned.df.clone().project(exprs)?;
    if gb.dropna {
        for (_, name) in &gb.keys {
            df = df.keep_rows(column(name).is_not_null())?;
        }
    }
    let keys: Vec<Expr> = gb.keys.iter().map(|(_, n)| column(n)).collect();
    let mut order: Vec<SortExpr> = if gb.sort {
        keys.iter().map(|k| k.clone().sort(true, false)).collect()
    } else {
        // Groups in the order their first rows come: each row carries its group's first position.
        let first = unique_hidden(&positioned, "__ddq_first");
        let first_row = as_window(
            datafusion::functions_aggregate::expr_fn::min(column(&position)),
            |call, _| {
                call.params.partition_by = keys.clone();
            },
        )?;
        df = df.set_column(&first, first_row)?;
        vec![column(&first).sort(true, false)]
    };
    order.push(column(&position).sort(true, false));
    Ok(Frame {
        order,
        index_columns: gb.keys.len() + 1,
        ..positioned.with_df(df)
    })
}
