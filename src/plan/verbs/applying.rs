//! Function application: `apply`, `transform`, `map`, `map_partitions` and `pipe` with a
//! `lambda` or a one-line `def`. ddq runs no Python: it plans the function's body with its
//! parameter bound to the frame, series or groupby, so a row-wise lambda becomes one engine
//! expression over the columns. A body that does not give one value per row (it reduces, or mixes in another
//! frame) is refused rather than computed differently from pandas.

use super::Form::Method;
use super::Receiver as On;
use super::{Arg, Args, Verb, wrong_receiver};
use crate::error::{DdqError, Result};
use crate::plan::function::Passed;
use crate::plan::ops::{expr_type, literal_expr};
use crate::plan::project::Project;
use crate::plan::value::{Frame, Lambda, Series, Value};
use crate::plan::{Planner, series};
use datafusion::arrow::datatypes::DataType;
use datafusion::logical_expr::{Expr, cast, lit, when};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "apply",
        receivers: &[On::Frame, On::Series, On::Rolling],
        form: Method,
        params: &["func", "axis", "meta", "args", "**kwargs"],
        signature: "apply(lambda row: ..., axis=1) | apply(func, args=(...), **kwargs) | s.apply(lambda x: ...) | s.rolling(n).apply(f, raw=True)",
        summary: "Apply a function to each column, each row (axis=1), each value, or each complete window of n rows of a rolling series, passing it `args` and the other keywords after that value; the function is compiled to an engine expression.",
        example: "ddf.apply(lambda r, scale=1: (r.ArrDelay - r.DepDelay) * scale, axis=1, scale=2).head(3)",
        expected: "0\n0.0\n14.0\n-38.0\n",
        plan: apply,
        group: "Applying functions",
    },
    Verb {
        name: "transform",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["func", "axis", "*args", "**kwargs"],
        signature: "transform(func | \"method\" | [func, ...] | {col: func | [func, ...]}, *args, **kwargs)",
        summary: "Functions of whole columns that give a value per row; a list of them names each result COLUMN_FUNCTION (pandas' two column levels), after the function (`np.abs` is `absolute`, a lambda `<lambda>`).",
        example: "import numpy as np\nddf[[\"DepDelay\", \"ArrDelay\"]].transform([np.abs, lambda x: x + 1]).head(2)",
        expected: "DepDelay_absolute,DepDelay_<lambda>,ArrDelay_absolute,ArrDelay_<lambda>\n0.0,1.0,0.0,1.0\n9.0,10.0,16.0,17.0\n",
        plan: transform,
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
        params: &["func", "*args", "**kwargs"],
        signature: "pipe(func, *args, **kwargs)",
        summary: "`x.pipe(f, a, k=v)` is `f(x, a, k=v)`.",
        example: "ddf.pipe(lambda d, origin: d[d.Origin == origin], \"JFK\").DepDelay.max()",
        expected: "446.0\n",
        plan: pipe,
        group: "Applying functions",
    },
];

/// `df.apply(func)` column by column, `df.apply(func, axis=1)` row by row, `s.apply(func)`
/// value by value; `args=(...)` and other keywords are passed on to the function.
fn apply(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [func, axis, _meta, passed_args, _kwargs] = args.params()?;
    let lambda = lambda_arg(func)?;
    let passed = Passed {
        positional: passed_positional(passed_args)?,
        keywords: args.extra.clone(),
    };
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
                return per_column_function(planner, &frame, lambda, func, &passed);
            }
            let result = call(planner, lambda, Value::Frame(frame.clone()), &passed, func)?;
            per_row(&frame, result, "", func)
        }
        Value::Series(s) => {
            if axis.given().is_some() {
                return Err(axis.invalid("a series' apply takes no axis"));
            }
            let result = call(planner, lambda, Value::Series(s.clone()), &passed, func)?;
            per_row(&s.frame, result, &s.name, func)
        }
        Value::Rolling(rolling) => {
            if axis.given().is_some() {
                return Err(axis.invalid("a rolling window's apply takes no axis"));
            }
            let passed = rolling_passed(passed)?;
            crate::plan::rolling_apply::rolling_apply(planner, &rolling, lambda, &passed)
                .map(Value::Series)
                .map_err(|e| e.at(func.span()))
        }
        other => Err(wrong_receiver(args, &other)),
    }
}

/// pandas' `args=(5,)`: the positional arguments passed after the value.
/// pandas' `Rolling.apply(func, raw, engine, engine_kwargs, args, kwargs)`: `raw` changes
/// nothing here (ddq's windows are complete), and the engine is ddq's.
fn rolling_passed(mut passed: Passed) -> Result<Passed> {
    let mut kept = Vec::new();
    for (ident, value) in passed.keywords {
        match (ident.name.as_str(), &value) {
            ("raw", Value::Bool(_)) | ("engine", Value::None) => {}
            ("engine", Value::Str(e)) if e == "cython" => {}
            ("kwargs", Value::Dict(entries)) if entries.is_empty() => {}
            ("raw" | "engine" | "engine_kwargs" | "kwargs", _) => {
                return Err(DdqError::unsupported(format!(
                    "rolling(...).apply({}=...) is not supported",
                    ident.name
                ))
                .at(ident.span)
                .with_help("pass the function's own arguments with args=(...) or as keywords"));
            }
            _ => kept.push((ident, value)),
        }
    }
    passed.keywords = kept;
    Ok(passed)
}

fn passed_positional(arg: Arg) -> Result<Vec<Value>> {
    match arg.given() {
        None => Ok(Vec::new()),
        Some(Value::Tuple(items) | Value::List(items)) => Ok(items.clone()),
        Some(other) => Err(arg
            .invalid(format!(
                "`args` must be a tuple of the function's further arguments, not {}",
                other.kind_name()
            ))
            .with_help("e.g. `args=(5,)` calls `func(x, 5)`")),
    }
}

/// The function called on `first` and what the verb passes on; a wrong call points at the
/// function argument.
fn call(
    planner: &Planner,
    lambda: &Lambda,
    first: Value,
    passed: &Passed,
    func: Arg,
) -> Result<Value> {
    let (positional, keywords) = passed.after(first);
    planner
        .call_function(lambda, positional, keywords)
        .map_err(|e| e.at(func.span()))
}

/// A function applied to each column of a frame (`apply(f)` with axis=0, `agg(f)`,
/// `transform(f)`): one value per column gives a series keyed by column name, a value per row a
/// frame of the same shape.
pub fn per_column_function(
    planner: &Planner,
    frame: &Frame,
    lambda: &Lambda,
    func: Arg,
    passed: &Passed,
) -> Result<Value> {
    let mut results = Vec::new();
    for name in frame.value_columns() {
        let column = crate::plan::column_series(frame, &name)?;
        let result = call(planner, lambda, Value::Series(column.clone()), passed, func)?;
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
            let expr = floats_when_unmatched(planner, &s.frame, expr)?;
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

/// A dict's integer values as floats when some row finds no key (or is missing): pandas puts
/// NaN there, which makes the whole result float64. Which it is depends on the data, so the
/// engine is asked once, when the line is planned.
fn floats_when_unmatched(planner: &Planner, frame: &Frame, mapped: Expr) -> Result<Expr> {
    if !expr_type(frame, &mapped)?.is_integer() {
        return Ok(mapped);
    }
    let unmatched = frame
        .df
        .clone()
        .keep_rows(mapped.clone().is_null())?
        .limit(0, Some(1))?;
    let any = planner
        .sources
        .collect_now(unmatched)?
        .iter()
        .any(|batch| batch.num_rows() > 0);
    Ok(match any {
        true => cast(mapped, DataType::Float64),
        false => mapped,
    })
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
    let [func, rest, _kwargs] = args.params()?;
    let passed = passed_on(rest, args);
    call(planner, lambda_arg(func)?, receiver, &passed, func)
}

/// What a verb with `*args, **kwargs` passes on to its function: the positional arguments
/// after the function (which `*args` gathers into one list) and the keywords it does not take.
pub fn passed_on(rest: Arg, args: &Args) -> Passed {
    Passed {
        positional: match rest.value() {
            Some(Value::List(items)) => items.clone(),
            _ => Vec::new(),
        },
        keywords: args.extra.clone(),
    }
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

/// `df.transform(...)` and `s.transform(...)`; a groupby's is in `grouping`.
fn transform(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [func, axis, rest, _kwargs] = args.params()?;
    match axis.given() {
        None | Some(Value::Int(0)) => {}
        Some(Value::Str(a)) if a == "index" => {}
        Some(_) => {
            return Err(
                axis.invalid("transform applies functions to columns: axis is 0 (\"index\")")
            );
        }
    }
    transform_columns(planner, receiver, func, &passed_on(rest, args))
}

/// One function of a `transform` on one column: where its result goes and what pandas calls it.
struct Job {
    /// The frame's column it is given; `None` for the series `transform` is called on.
    column: Option<String>,
    output: String,
    function: Lambda,
}

/// `df.transform(f)`, `transform([f, g])` and `transform({col: f | [f, g]})`, and a series'
/// `transform`: each function runs on whole columns and must give a value per row. With a
/// list, pandas' two column levels (column, function) print as COLUMN_FUNCTION, the function
/// named by its `__name__` (`np.abs` is `absolute`, a lambda `<lambda>`).
fn transform_columns(
    planner: &Planner,
    receiver: Value,
    func: Arg,
    passed: &Passed,
) -> Result<Value> {
    let (frame, series) = match receiver {
        Value::Frame(frame) => (frame, None),
        Value::Series(s) => (s.frame.clone(), Some(s)),
        other => {
            return Err(func.invalid(format!("transform does not apply to {}", other.kind_name())));
        }
    };
    let (jobs, listed) = transform_jobs(&frame, series.as_ref(), func)?;
    let mut current = frame.clone();
    let mut outputs = Vec::with_capacity(jobs.len());
    for job in &jobs {
        let input = match (&job.column, &series) {
            (Some(name), _) => crate::plan::column_series(&current, name)?,
            (None, Some(s)) => Series {
                frame: current.clone(),
                ..s.clone()
            },
            (None, None) => return Err(func.invalid("transform needs a column to apply to")),
        };
        let result = call(
            planner,
            &job.function,
            Value::Series(input.clone()),
            passed,
            func,
        )?;
        let Value::Series(r) = result else {
            return Err(not_transformed(func, &result, &job.output));
        };
        if !crate::plan::window::same_rows(&r.frame, &input.frame) {
            return Err(not_transformed(func, &Value::Series(r), &job.output));
        }
        current = r.frame;
        outputs.push(r.expr.alias(&job.output));
    }
    if let (Some(s), false) = (&series, listed) {
        let expr = outputs.pop().map(Expr::unalias).unwrap_or(s.expr.clone());
        let name = s.name.clone();
        return Ok(Value::Series(Series {
            frame: current,
            expr,
            name,
            categories: None,
        }));
    }
    crate::plan::frame::project_values(&current, outputs)
}

/// The functions of a `transform` on each column they apply to, and whether they were given
/// as lists (two column levels).
fn transform_jobs(frame: &Frame, series: Option<&Series>, func: Arg) -> Result<(Vec<Job>, bool)> {
    let inputs: Vec<(Option<String>, String)> = match series {
        Some(s) => vec![(None, s.name.clone())],
        None => frame
            .value_columns()
            .into_iter()
            .map(|c| (Some(c.clone()), c))
            .collect(),
    };
    let mut per_input = Vec::new();
    let mut listed = false;
    match func.required()? {
        Value::Dict(pairs) if series.is_none() => {
            for (key, value) in pairs {
                let Value::Str(name) = key else {
                    return Err(func.invalid("transform's dict maps column names to functions"));
                };
                if !frame.value_columns().contains(name) {
                    return Err(crate::plan::unknown_column(name, frame).at(func.span()));
                }
                let (functions, is_list) = transform_functions(value, func)?;
                listed |= is_list;
                per_input.push(((Some(name.clone()), name.clone()), functions));
            }
        }
        value => {
            let (functions, is_list) = transform_functions(value, func)?;
            listed = is_list;
            per_input = inputs.into_iter().map(|i| (i, functions.clone())).collect();
        }
    }
    let mut jobs: Vec<Job> = Vec::new();
    for ((column, label), functions) in per_input {
        for function in functions {
            let output = match (listed, series) {
                (false, _) => label.clone(),
                (true, Some(_)) => function.display_name().to_string(),
                (true, None) => format!("{label}_{}", function.display_name()),
            };
            if jobs.iter().any(|j| j.output == output) {
                return Err(func
                    .invalid(format!(
                        "Function names must be unique: `{}` is given twice",
                        function.display_name()
                    ))
                    .with_help(
                        "name each function with `def`, as pandas names the columns after them",
                    ));
            }
            jobs.push(Job {
                column: column.clone(),
                output,
                function,
            });
        }
    }
    Ok((jobs, listed))
}

/// A transform's function or list of them; a method name (`"abs"`) is the function calling it.
fn transform_functions(value: &Value, func: Arg) -> Result<(Vec<Lambda>, bool)> {
    let one = |value: &Value| {
        match value {
        Value::Lambda(lambda) => Ok(lambda.as_ref().clone()),
        Value::Str(name) => Ok(crate::plan::function::method_function(name, name, func.span())),
        other => Err(func.invalid(format!(
            "transform takes a function, a method name, a list of them or a dict of them by column, not {}",
            other.kind_name()
        ))),
    }
    };
    match value {
        Value::List(items) | Value::Tuple(items) => {
            Ok((items.iter().map(one).collect::<Result<_>>()?, true))
        }
        other => Ok((vec![one(other)?], false)),
    }
}

fn not_transformed(func: Arg, result: &Value, output: &str) -> DdqError {
    func.invalid(format!(
        "transform's function gave {} for `{output}`, where a value per row is needed; one value per column is agg()",
        describe(result)
    ))
    .with_help("e.g. `df.transform(lambda x: x * 2)` or `df.agg(lambda x: x.max() - x.min())`")
}
