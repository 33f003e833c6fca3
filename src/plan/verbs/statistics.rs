//! Statistics beyond one column's reductions: where the extreme value is (`idxmax`, `idxmin`)
//! and how columns move together (`corr`, `cov`); `plan::pairs` computes them.

use super::Form::Method;
use super::Receiver as On;
use super::{Args, Verb, wrong_receiver};
use crate::error::{DdqError, Result};
use crate::plan::ops::is_numeric;
use crate::plan::pairs::{self, Relation};
use crate::plan::value::{Frame, Lambda, Series, Value};
use crate::plan::{Planner, column_series, groupby};
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, lit};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "corrwith",
        receivers: &[On::Frame],
        form: Method,
        params: &["other", "axis", "drop", "method"],
        signature: "df.corrwith(other, drop=False)",
        summary: "Pearson correlation of each column with the same-named column of another frame, or with a series; columns only one frame has are missing (left out with drop=True).",
        example: "ddf[[\"DepDelay\", \"Distance\"]].corrwith(ddf.ArrDelay)",
        expected: "column,corrwith\nDepDelay,0.9213480967550254\nDistance,0.00313080875728385\n",
        plan: corrwith,
        group: "Aggregating",
    },
    Verb {
        name: "idxmax",
        receivers: &[On::Series, On::GroupBy],
        form: Method,
        params: &["axis", "skipna"],
        signature: "idxmax()",
        summary: "The label (index key, or row position) of the first largest value.",
        example: "ddf.groupby(\"Dest\").DepDelay.mean().idxmax()",
        expected: "SEA\n",
        plan: idxmax,
        group: "Aggregating",
    },
    Verb {
        name: "idxmin",
        receivers: &[On::Series, On::GroupBy],
        form: Method,
        params: &["axis", "skipna"],
        signature: "idxmin()",
        summary: "The label (index key, or row position) of the first smallest value.",
        example: "ddf.DepDelay.idxmin()",
        expected: "14807\n",
        plan: idxmin,
        group: "Aggregating",
    },
    Verb {
        name: "corr",
        receivers: &[On::Series, On::Frame, On::Rolling],
        form: Method,
        params: &["other", "method"],
        signature: "s.corr(other, method=\"pearson\") | df.corr(method=...) | rolling(n).corr(series)",
        summary: "Pearson correlation of two series (or Spearman's, method=\"spearman\"), or of every pair of numeric columns; method=f calls f(a, b) on each pair's rows where both are present (the diagonal is 1.0).",
        example: "ddf.DepDelay.corr(ddf.ArrDelay)",
        expected: "0.9213480967550254\n",
        plan: corr,
        group: "Aggregating",
    },
    Verb {
        name: "cov",
        receivers: &[On::Series, On::Frame, On::Rolling],
        form: Method,
        params: &["other", "pairwise"],
        signature: "s.cov(other) | df.cov() | rolling(n).cov(series)",
        summary: "Sample covariance of two series, or of every pair of numeric columns.",
        example: "ddf[[\"DepDelay\", \"ArrDelay\"]].cov()",
        expected: "column,DepDelay,ArrDelay\nDepDelay,756.7151363735662,756.8703524542132\nArrDelay,756.8703524542132,891.6214180010951\n",
        plan: cov,
        group: "Aggregating",
    },
];

fn idxmax(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    extreme(receiver, args, true)
}

fn idxmin(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    extreme(receiver, args, false)
}

fn extreme(receiver: Value, args: &Args, largest: bool) -> Result<Value> {
    let [axis, skipna] = args.params()?;
    if !matches!(axis.given(), None | Some(Value::Int(0))) || !skipna.bool_or(true)? {
        return Err(axis.invalid("only the default axis=0, skipna=True are supported"));
    }
    match receiver {
        Value::Series(s) => pairs::extreme_label(&s, largest),
        Value::GroupBy(gb) => crate::plan::groupby::extreme_labels(&gb, largest),
        other => Err(wrong_receiver(args, &other)),
    }
}

fn corr(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [other, method] = args.params()?;
    if let Some(Value::Lambda(function)) = method.given() {
        return corr_of_function(planner, receiver, args, &other, function);
    }
    if !matches!(method.given(), None | Some(Value::Str(_))) {
        return Err(
            method.invalid("method is a name such as \"pearson\", or a function of two series")
        );
    }
    match (method.given(), &receiver, other.given()) {
        (None, ..) => {}
        (Some(Value::Str(name)), ..) if name == "pearson" => {}
        (Some(Value::Str(name)), Value::Series(a), Some(Value::Series(b)))
            if name == "spearman" =>
        {
            return pairs::spearman(a, b);
        }
        (Some(Value::Str(name)), ..) => {
            return Err(method.invalid(format!(
                "method {name:?} is not supported here: ddq computes Pearson's correlation, and Spearman's of two series"
            )));
        }
        (Some(_), ..) => {}
    }
    relate(receiver, args, other, Relation::Correlation)
}

/// `corr(method=f)`: pandas calls `f(a, b)` with the two columns' values where both are present
/// and takes the one number it gives; here `f` is planned with the two series.
fn corr_of_function(
    planner: &Planner,
    receiver: Value,
    args: &Args,
    other: &super::Arg,
    function: &Lambda,
) -> Result<Value> {
    let call = |a: Series, b: Series| -> Result<Expr> {
        match planner.apply_lambda(function, vec![Value::Series(a), Value::Series(b)])? {
            Value::Scalar(scalar) => Ok(scalar.expr),
            Value::Int(n) => Ok(lit(n as f64)),
            Value::Float(x) => Ok(lit(x)),
            given => Err(DdqError::function_gave(given.kind_name(), "one number")
                .at(function.body.span)
                .with_help("reduce both arguments to one number, e.g. `(a * b).sum()`")),
        }
    };
    match (receiver, other.given()) {
        (Value::Frame(frame), None) => Ok(Value::Frame(pairs::matrix_of_function(&frame, &call)?)),
        (Value::Series(a), Some(Value::Series(b))) => pairs::of_two_function(&a, b, &call),
        (Value::Series(_), _) => {
            Err(other.invalid("give the other series, e.g. `a.corr(b, method=f)`"))
        }
        (Value::Frame(_), Some(_)) => Err(other.invalid(
            "a frame's corr pairs its own columns; for two series use `a.corr(b, method=f)`",
        )),
        (other_receiver, _) => Err(wrong_receiver(args, &other_receiver)),
    }
}

fn cov(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [other, pairwise] = args.params()?;
    if pairwise.bool_or(false)? {
        return Err(pairwise.invalid(
            "pairwise=True (a result per pair of columns) is not supported; pair with one column, e.g. `.cov(df[\"b\"])`",
        ));
    }
    relate(receiver, args, other, Relation::Covariance)
}

fn relate(receiver: Value, args: &Args, other: super::Arg, relation: Relation) -> Result<Value> {
    match (receiver, other.given()) {
        (Value::Rolling(r), Some(Value::Series(b))) => {
            super::windowing::rolling_relate(&r, b, relation == Relation::Correlation)
                .map_err(|e| e.at(args.call_span))
        }
        (Value::Rolling(_), Some(Value::Frame(_))) => Err(other.invalid(
            "a window's corr/cov with a frame (pandas' pairwise result) is not supported; pair it with one column, e.g. `.corr(df[\"b\"])`",
        )),
        (Value::Rolling(_), _) => {
            Err(other.invalid("give the series to pair with, e.g. `.rolling(3).corr(df[\"b\"])`"))
        }
        (Value::Series(a), Some(Value::Series(b))) => pairs::of_two(&a, b, relation),
        (Value::Series(_), _) => Err(other.invalid("give the other series, e.g. `a.corr(b)`")),
        (Value::Frame(f), None) => Ok(Value::Frame(pairs::matrix(&f, relation)?)),
        (Value::Frame(_), Some(_)) => Err(other
            .invalid("a frame's corr/cov pairs its own columns; for two series use `a.corr(b)`")),
        (other_receiver, _) => Err(wrong_receiver(args, &other_receiver)),
    }
}

/// `df.corrwith(other, drop=False)`: a series keyed by column name. Against a frame: the columns
/// both have, in this frame's order, then (unless `drop`) the others, by name, missing, as
/// pandas lays them out.
fn corrwith(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [other, axis, drop, method] = args.params()?;
    if !matches!(axis.given(), None | Some(Value::Int(0))) {
        return Err(axis.invalid("only axis=0 (column by column) is supported"));
    }
    if method.given().is_some() && !matches!(method.given(), Some(Value::Str(m)) if m == "pearson")
    {
        return Err(method.invalid("ddq's corrwith computes Pearson's correlation"));
    }
    let Value::Frame(left) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let numeric = |frame: &Frame| -> Vec<String> {
        frame
            .value_columns()
            .into_iter()
            .filter(|c| frame.data_type(c).is_some_and(|t| is_numeric(&t)))
            .collect()
    };
    let correlation = |c: &str, with: &Series| -> Result<(String, Expr)> {
        match pairs::of_two(&column_series(&left, c)?, with, Relation::Correlation)? {
            Value::Scalar(scalar) => Ok((c.to_string(), scalar.expr)),
            _ => Ok((c.to_string(), lit(ScalarValue::Float64(None)))),
        }
    };
    let mut values = Vec::new();
    match other.required()? {
        Value::Series(with) => {
            for c in numeric(&left) {
                values.push(correlation(&c, with)?);
            }
        }
        Value::Frame(right) => {
            let (theirs, ours) = (numeric(right), numeric(&left));
            for c in ours.iter().filter(|c| theirs.contains(c)) {
                values.push(correlation(c, &column_series(right, c)?)?);
            }
            if !drop.bool_or(false)? {
                let mut unmatched: Vec<&String> = ours
                    .iter()
                    .filter(|c| !theirs.contains(c))
                    .chain(theirs.iter().filter(|c| !ours.contains(c)))
                    .collect();
                unmatched.sort();
                for c in unmatched {
                    values.push((c.clone(), lit(ScalarValue::Float64(None))));
                }
            }
        }
        given => {
            return Err(other.invalid(format!(
                "corrwith() takes a frame or a series, not {}",
                given.kind_name()
            )));
        }
    }
    Ok(Value::Series(groupby::values_series(
        &left, values, "corrwith",
    )?))
}
