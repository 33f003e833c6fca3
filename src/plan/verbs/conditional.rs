//! Values chosen by a condition: `where` (keep where true), `mask` (replace where true) and
//! `clip` (bound to a range), as pandas defines them; a missing condition counts as false.

use super::Form::Method;
use super::Receiver as On;
use super::{Arg, Args, Verb, wrong_receiver};
use crate::error::{DdqError, Result};
use crate::plan::frame::{columns_over, map_columns_kept, series_onto};
use crate::plan::ops::{expr_type, is_numeric, literal_expr};
use crate::plan::value::{Frame, Series, Value};
use crate::plan::{Planner, nullable};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, cast, lit, when};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "where",
        receivers: &[On::Series, On::Frame],
        form: Method,
        params: &["cond", "other", "axis"],
        signature: "where(cond, other=nan, axis=None)",
        summary: "Keep each value where the condition holds; elsewhere `other` (missing by default; with axis=\"columns\", a series of one value per column, e.g. `df.mean()`).",
        example: "ddf.DepDelay.where(ddf.DepDelay > 0, 0).head(3)",
        expected: "DepDelay\n0.0\n9.0\n0.0\n",
        plan: where_,
        group: "Transforming",
    },
    Verb {
        name: "mask",
        receivers: &[On::Series, On::Frame],
        form: Method,
        params: &["cond", "other", "axis"],
        signature: "mask(cond, other=nan, axis=None)",
        summary: "Replace each value where the condition holds by `other` (missing by default).",
        example: "ddf.DepDelay.mask(ddf.DepDelay < 0).head(3)",
        expected: "DepDelay\n0.0\n9.0\n\"\"\n",
        plan: mask,
        group: "Transforming",
    },
    Verb {
        name: "clip",
        receivers: &[On::Series, On::Frame],
        form: Method,
        params: &["lower", "upper"],
        signature: "clip(lower=None, upper=None)",
        summary: "Bound values to [lower, upper]; missing values stay missing.",
        example: "ddf.DepDelay.clip(0, 5).head(3)",
        expected: "DepDelay\n0.0\n5.0\n0.0\n",
        plan: clip,
        group: "Transforming",
    },
];

fn where_(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    choose(planner, receiver, args, true)
}

fn mask(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    choose(planner, receiver, args, false)
}

/// `where` keeps the values where `cond` is true, `mask` where it is not.
fn choose(planner: &Planner, receiver: Value, args: &Args, keep_where_true: bool) -> Result<Value> {
    let [cond, other, axis] = args.params()?;
    let by_column = match axis.given() {
        None | Some(Value::None) | Some(Value::Int(0)) => false,
        Some(Value::Str(a)) if a == "index" || a == "rows" => false,
        Some(Value::Int(1)) => true,
        Some(Value::Str(a)) if a == "columns" => true,
        Some(_) => return Err(axis.invalid("axis must be 0 (\"index\") or 1 (\"columns\")")),
    };
    // `other` a series of one value per column (`df.where(cond, df.mean(), axis="columns")`).
    let per_column = match (other.given(), &receiver, by_column) {
        (Some(Value::Series(values)), Value::Frame(_), true) => {
            let labelled = crate::plan::ops::column_values(planner, values)?;
            Some(labelled.into_iter().map(|(c, v)| (c, lit(v))).collect())
        }
        _ => None,
    };
    let condition = match cond.required()? {
        Value::Lambda(lambda) => planner.apply_lambda(lambda, vec![receiver.clone()])?,
        value => value.clone(),
    };
    let s = match receiver {
        Value::Series(s) => s,
        // One condition per row, as pandas broadcasts a boolean series across the columns.
        Value::Frame(f) if matches!(condition, Value::Series(_)) => {
            let Value::Series(rows) = condition else {
                return Err(wrong_receiver(args, &Value::Frame(f)));
            };
            let Some((f, rows)) = series_onto(&f, &rows)? else {
                return Err(cond.invalid(
                    "the condition must be computed from the frame or the frame it took columns from",
                ));
            };
            let holds = rows.expr;
            let replacement = match other.given() {
                None => lit(ScalarValue::Null),
                Some(value) => literal_expr(value).ok_or_else(|| {
                    other.invalid("`other` with a row condition must be one value")
                })?,
            };
            return map_columns_kept(&f, |s| {
                chosen(
                    holds.clone(),
                    s.expr.clone(),
                    replacement.clone(),
                    keep_where_true,
                )
            });
        }
        Value::Frame(f) => {
            let Value::Frame(condition) = condition else {
                return Err(cond.invalid(format!(
                    "a frame's {}() takes a boolean frame computed from it, e.g. `df.where(df > 0)`, not {}",
                    args.verb().name,
                    condition.kind_name()
                )));
            };
            let replacements = match per_column {
                Some(values) => Replacement::PerColumn(values),
                None => Replacement::Given(other.given()),
            };
            return where_frame(&f, &condition, replacements, keep_where_true).map_err(|e| match e
                .span
            {
                None => e.at(cond.span()),
                Some(_) => e,
            });
        }
        other => return Err(wrong_receiver(args, &other)),
    };
    let condition = same_rows(&s, &condition, cond)?;
    let replacement = match other.given() {
        None => lit(ScalarValue::Null),
        Some(value) => same_rows(&s, value, other)?,
    };
    let expr = chosen(condition, s.expr.clone(), replacement, keep_where_true)?;
    Ok(Value::Series(nullable::with_dtype_kept(s, expr)?))
}

/// `value` where `condition` holds and `replacement` elsewhere (`keep_where_true`, `where`),
/// or the other way round (`mask`). A missing condition is false: `where` replaces the value,
/// `mask` keeps it.
fn chosen(condition: Expr, value: Expr, replacement: Expr, keep_where_true: bool) -> Result<Expr> {
    let holds = condition.is_true();
    Ok(if keep_where_true {
        when(holds, value).otherwise(replacement)?
    } else {
        when(holds, replacement).otherwise(value)?
    })
}

/// What a frame's `where` puts where the condition fails: the `other` given (a frame, one value
/// or nothing: missing), or one value per column by name.
pub enum Replacement<'a> {
    Given(Option<&'a Value>),
    PerColumn(Vec<(String, Expr)>),
}

/// A frame's values where a boolean frame computed from it is true, elsewhere `other` (a frame
/// computed from it, or one value; missing when `None`). A column the condition lacks is
/// replaced whole, as pandas aligns it to False.
pub fn where_frame(
    frame: &Frame,
    condition: &Frame,
    other: Replacement,
    keep_where_true: bool,
) -> Result<Value> {
    let not_from_frame = || {
        DdqError::type_error("the condition must be computed from the same frame")
            .with_help("e.g. `num.where(num > 0)` or `num[num > 0]`")
    };
    let conditions = columns_over(frame, condition).ok_or_else(not_from_frame)?;
    let replacements = match other {
        Replacement::PerColumn(values) => Some(values),
        Replacement::Given(None) => None,
        Replacement::Given(Some(Value::Frame(o))) => {
            Some(columns_over(frame, o).ok_or_else(not_from_frame)?)
        }
        Replacement::Given(Some(value)) => {
            let constant = literal_expr(value).ok_or_else(|| {
                DdqError::type_error(format!(
                    "`other` must be a frame computed from the same frame or a value, not {}",
                    value.kind_name()
                ))
            })?;
            Some(
                frame
                    .value_columns()
                    .into_iter()
                    .map(|c| (c, constant.clone()))
                    .collect(),
            )
        }
    };
    let find = |pairs: &[(String, Expr)], name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, e)| e.clone())
    };
    map_columns_kept(frame, |s| {
        let replacement = replacements
            .as_deref()
            .and_then(|r| find(r, &s.name))
            .unwrap_or(lit(ScalarValue::Null));
        match (find(&conditions, &s.name), keep_where_true) {
            (Some(holds), keep) => chosen(holds, s.expr.clone(), replacement, keep),
            (None, true) => Ok(replacement),
            (None, false) => Ok(s.expr.clone()),
        }
    })
}

/// A condition or replacement for `series`: a series over the same rows, or a constant.
fn same_rows(series: &Series, value: &Value, arg: Arg) -> Result<Expr> {
    match value {
        Value::Series(other) if other.frame.df.logical_plan() == series.frame.df.logical_plan() => {
            Ok(other.expr.clone())
        }
        Value::Series(_) => Err(arg.invalid(format!(
            "`{}` must be computed from the same frame as the series",
            arg.name()
        ))),
        constant => literal_expr(constant).ok_or_else(|| {
            arg.invalid(format!(
                "`{}` must be a series or a value, not {}",
                arg.name(),
                constant.kind_name()
            ))
        }),
    }
}

/// `clip(lower, upper)` of a series or of every numeric column of a frame.
fn clip(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [lower, upper] = args.params()?;
    let bound = |arg: Arg| -> Result<Option<Expr>> {
        match arg.given() {
            None => Ok(None),
            Some(v @ (Value::Int(_) | Value::Float(_))) => Ok(literal_expr(v)),
            Some(other) => Err(arg.invalid(format!(
                "`{}` must be a number, not {}",
                arg.name(),
                other.kind_name()
            ))),
        }
    };
    let (lower, upper) = (bound(lower)?, bound(upper)?);
    let clipped = |s: &Series| -> Result<Expr> {
        let t = expr_type(&s.frame, &s.expr)?;
        if !is_numeric(&t) {
            return Ok(s.expr.clone());
        }
        // Bounds take the column's type (a float bound makes an integer column float), so
        // every branch of the CASE agrees.
        let float_bound = [&lower, &upper]
            .iter()
            .any(|b| matches!(b, Some(Expr::Literal(ScalarValue::Float64(_), _))));
        let t = if float_bound || t == DataType::Boolean {
            DataType::Float64
        } else {
            t
        };
        let value = cast(s.expr.clone(), t.clone());
        let mut expr = value.clone();
        if let Some(low) = &lower {
            let low = cast(low.clone(), t.clone());
            expr = when(value.clone().lt(low.clone()), low).otherwise(expr)?;
        }
        if let Some(high) = &upper {
            let high = cast(high.clone(), t.clone());
            expr = when(value.clone().gt(high.clone()), high).otherwise(expr)?;
        }
        Ok(expr)
    };
    match receiver {
        Value::Series(s) => {
            let expr = clipped(&s)?;
            Ok(Value::Series(nullable::with_dtype_kept(s, expr)?))
        }
        Value::Frame(f) => map_columns_kept(&f, clipped),
        other => Err(wrong_receiver(args, &other)),
    }
}
