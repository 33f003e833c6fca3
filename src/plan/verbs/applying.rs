//! Function application: `apply`, `map`, `map_partitions` and `pipe` with a `lambda` or a
//! one-line `def`. ddq runs no Python: it plans the function's body with its parameter bound to
//! the frame, series or groupby, so a row-wise lambda becomes one engine expression over the
//! columns. A body that does not give one value per row (it reduces, or mixes in another
//! frame) is refused rather than computed differently from pandas.

use super::Form::Method;
use super::Receiver as On;
use super::{Arg, Args, Verb, wrong_receiver};
use crate::error::{DdqError, Result};
use crate::plan::ops::literal_expr;
use crate::plan::value::{Frame, Lambda, Series, Value};
use crate::plan::{Planner, series};
use datafusion::logical_expr::{lit, when};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "apply",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["func", "axis", "meta"],
        signature: "apply(lambda row: ..., axis=1) | s.apply(lambda x: ...)",
        summary: "Apply a function to each row (axis=1) or each value; the lambda is compiled to an engine expression.",
        example: "ddf.apply(lambda r: r.ArrDelay - r.DepDelay, axis=1).head(3)",
        expected: "0\n0.0\n7.0\n-19.0\n",
        plan: apply,
        group: "Applying functions",
    },
    Verb {
        name: "map",
        receivers: &[On::Series],
        form: Method,
        params: &["arg", "na_action", "meta"],
        signature: "map({old: new} | lambda x: ...)",
        summary: "Replace each value by a dict lookup (missing when absent) or a function of it.",
        example: "ddf.Origin.map({\"JFK\": \"Kennedy\", \"LGA\": \"LaGuardia\"}).head(3)",
        expected: "Origin\nKennedy\n\"\"\nKennedy\n",
        plan: map,
        group: "Applying functions",
    },
    Verb {
        name: "map_partitions",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["func", "meta"],
        signature: "map_partitions(lambda df: ..., meta=None)",
        summary: "Apply a function that maps rows to rows to every partition (planned once over the whole frame).",
        example: "ddf.map_partitions(lambda df: df[df.DepDelay > 300]).shape",
        expected: "(18, 21)\n",
        plan: map_partitions,
        group: "Applying functions",
    },
    Verb {
        name: "pipe",
        receivers: &[On::Frame, On::Series, On::GroupBy],
        form: Method,
        params: &["func"],
        signature: "pipe(func)",
        summary: "`x.pipe(f)` is `f(x)`.",
        example: "ddf.pipe(lambda d: d[d.Origin == \"JFK\"]).DepDelay.max()",
        expected: "446.0\n",
        plan: pipe,
        group: "Applying functions",
    },
];

/// `df.apply(func, axis=1)` row by row; `s.apply(func)` value by value.
fn apply(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [func, axis, _meta] = args.params()?;
    let lambda = lambda_arg(func)?;
    match receiver {
        Value::Frame(frame) => {
            let per_column = match axis.given() {
                None | Some(Value::Int(0)) => true,
                Some(Value::Str(a)) if a == "index" => true,
                Some(Value::Int(1)) => false,
                Some(Value::Str(a)) if a == "columns" => false,
                Some(_) => return Err(axis.invalid("axis is 0 (\"index\") or 1 (\"columns\")")),
            };
            if per_column {
                return per_column_function(planner, &frame, lambda, func);
            }
            let result = planner.apply_lambda(lambda, vec![Value::Frame(frame.clone())])?;
            per_row(&frame, result, "", func)
        }
        Value::Series(s) => {
            if axis.given().is_some() {
                return Err(axis.invalid("a series' apply takes no axis"));
            }
            let result = planner.apply_lambda(lambda, vec![Value::Series(s.clone())])?;
            per_row(&s.frame, result, &s.name, func)
        }
        other => Err(wrong_receiver(args, &other)),
    }
}

/// A function applied to each column of a frame (`apply(f)` with axis=0, `agg(f)`,
/// `transform(f)`): one value per column gives a series keyed by column name, a value per row a
/// frame of the same shape.
pub fn per_column_function(
    planner: &Planner,
    frame: &Frame,
    lambda: &Lambda,
    func: Arg,
) -> Result<Value> {
    let mut results = Vec::new();
    for name in frame.value_columns() {
        let column = crate::plan::column_series(frame, &name)?;
        let result = planner.apply_lambda(lambda, vec![Value::Series(column.clone())])?;
        results.push((name, column, result));
    }
    let reduced = |v: &Value| matches!(v, Value::Scalar(_) | Value::Int(_) | Value::Float(_));
    if !results.is_empty() && results.iter().all(|(_, _, r)| reduced(r)) {
        let values = results
            .into_iter()
            .map(|(name, _, r)| match r {
                Value::Scalar(s) => (name, s.expr),
                other => (name, literal_expr(&other).unwrap_or(lit(0))),
            })
            .collect();
        // pandas names the result after the function.
        return Ok(Value::Series(crate::plan::groupby::values_series(
            frame, values, "<lambda>",
        )?));
    }
    let mut per_row = Vec::new();
    for (name, column, result) in results {
        match result {
            Value::Series(r) if crate::plan::window::same_rows(&r.frame, &column.frame) => {
                per_row.push((name, r.expr))
            }
            other => {
                return Err(func
                    .invalid(format!(
                        "the function gave {} for column `{name}`, where one value, or a value per row, is needed",
                        describe(&other)
                    ))
                    .with_help("e.g. `lambda x: x.max() - x.min()` or `lambda x: x * 2`"));
            }
        }
    }
    crate::plan::frame::map_columns(frame, |s| {
        Ok(per_row
            .iter()
            .find(|(n, _)| *n == s.name)
            .map_or(s.expr.clone(), |(_, e)| e.clone()))
    })
}

/// `s.map(dict)` or `s.map(func)`.
fn map(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [arg, na_action, _meta] = args.params()?;
    let Value::Series(s) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let ignore_missing = match na_action.given() {
        None => false,
        Some(Value::Str(a)) if a == "ignore" => true,
        Some(_) => return Err(na_action.invalid("na_action is None or \"ignore\"")),
    };
    match arg.required()? {
        Value::Dict(pairs) => {
            let unmatched = lit(datafusion::common::ScalarValue::Null);
            let expr = series::lookup(&s, pairs, unmatched)
                .ok_or_else(|| arg.invalid("map's dict must map values to values"))?;
            Ok(Value::Series(Series { expr, ..s }))
        }
        Value::Lambda(lambda) => {
            let result = planner.apply_lambda(lambda, vec![Value::Series(s.clone())])?;
            let Value::Series(mapped) = per_row(&s.frame, result, &s.name, arg)? else {
                return Err(arg.invalid("map's function must give a value per row"));
            };
            if !ignore_missing {
                return Ok(Value::Series(mapped));
            }
            let expr = when(
                s.expr.clone().is_null(),
                lit(datafusion::common::ScalarValue::Null),
            )
            .otherwise(mapped.expr)?;
            Ok(Value::Series(Series { expr, ..mapped }))
        }
        other => Err(arg.invalid(format!(
            "map takes a dict or a function, not {}",
            other.kind_name()
        ))),
    }
}

fn map_partitions(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [func, _meta] = args.params()?;
    let lambda = lambda_arg(func)?;
    if !matches!(receiver, Value::Frame(_) | Value::Series(_)) {
        return Err(wrong_receiver(args, &receiver));
    }
    match planner.apply_lambda(lambda, vec![receiver])? {
        result @ (Value::Frame(_) | Value::Series(_)) => Ok(result),
        other => {
            Err(func.invalid(format!(
                "map_partitions' function gave {}: a function that reduces each partition gives one value per partition in Dask, which ddq does not compute",
                other.kind_name()
            ))
            .with_help("reduce the whole frame instead, e.g. `len(df)` or `df.col.sum()`"))
        }
    }
}

fn pipe(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [func] = args.params()?;
    planner.apply_lambda(lambda_arg(func)?, vec![receiver])
}

/// The function argument of `apply`, `map_partitions`, `pipe` and `agg`.
pub fn lambda_arg<'a>(func: Arg<'a>) -> Result<&'a Lambda> {
    match func.required()? {
        Value::Lambda(lambda) => Ok(lambda),
        other => Err(func.invalid(format!(
            "expected a lambda or a function defined with `def`, found {}",
            other.kind_name()
        ))),
    }
}

/// A function's result as one value per row of `frame`: a series over the same rows, or a
/// constant repeated. Anything else (a reduction, rows of another frame) is refused.
fn per_row(frame: &Frame, result: Value, name: &str, func: Arg) -> Result<Value> {
    match result {
        Value::Series(s) if s.frame.df.logical_plan() == frame.df.logical_plan() => {
            Ok(Value::Series(Series {
                name: name.to_string(),
                ..s
            }))
        }
        constant @ (Value::Int(_) | Value::Float(_) | Value::Str(_) | Value::Bool(_)) => {
            let expr = literal_expr(&constant).unwrap_or(lit(0));
            Ok(Value::Series(Series {
                frame: frame.clone(),
                expr,
                name: name.to_string(),
                categories: None,
            }))
        }
        other => Err(DdqError::type_error(format!(
            "the function gave {} where one value per row is needed",
            describe(&other)
        ))
        .at(func.span())
        .with_help(
            "compute the row's value from its fields, e.g. `lambda r: r.ArrDelay - r.DepDelay`",
        )),
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Scalar(_) => "one value for the whole column (a reduction)",
        Value::Series(_) => "a series over other rows",
        other => other.kind_name(),
    }
}
