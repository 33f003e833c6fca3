//! The index and time series: `set_index`, `reset_index`, `sort_index` (`plan::index`) and
//! `resample` (`plan::resample`), whose result takes the groupby aggregations.

use super::Form::{Attribute, Method};
use super::Receiver as On;
use super::{Args, Verb, wrong_receiver};
use crate::error::Result;
use crate::plan::resample::{parse_rule, resampler};
use crate::plan::value::{Selection, Value, column};
use crate::plan::{Planner, series};
use crate::plan::{divisions, index};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "set_index",
        receivers: &[On::Frame],
        form: Method,
        params: &["keys", "drop", "sorted"],
        signature: "set_index(column, drop=True, sorted=False)",
        summary: "Make a column the index; rows are sorted by it, as Dask does (ties keep file order), and its divisions recorded (one pass over the column).",
        example: "ddf.set_index(\"Date\")[[\"Origin\", \"DepDelay\"]].head(2)",
        expected: "Date,Origin,DepDelay\n1990-01-01,JFK,0.0\n1990-01-01,EWR,9.0\n",
        plan: set_index,
        group: "Index and time series",
    },
    Verb {
        name: "reset_index",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["level", "drop"],
        signature: "reset_index(drop=False)",
        summary: "Turn the index into columns (a frame without one gets an `index` column of positions).",
        example: "ddf.groupby(\"Origin\").DepDelay.mean().reset_index()",
        expected: "Origin,DepDelay\nEWR,9.44380486400921\nJFK,8.238974970202623\nLGA,8.943480195816644\n",
        plan: reset_index,
        group: "Index and time series",
    },
    Verb {
        name: "sort_index",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["axis", "level", "ascending"],
        signature: "sort_index(axis=0, ascending=True)",
        summary: "Order rows by the index; axis=1 orders the columns by name.",
        example: "ddf.groupby(\"Origin\").DepDelay.mean().sort_index(ascending=False)",
        expected: "Origin,DepDelay\nLGA,8.943480195816644\nJFK,8.238974970202623\nEWR,9.44380486400921\n",
        plan: sort_index,
        group: "Index and time series",
    },
    Verb {
        name: "index",
        receivers: &[On::Frame, On::Series],
        form: Attribute,
        params: &[],
        signature: "df.index",
        summary: "The index's values, in row order: the index column, or row positions when there is none.",
        example: "ddf.groupby(\"Origin\").DepDelay.mean().index",
        expected: "Origin\nEWR\nJFK\nLGA\n",
        plan: index_values,
        group: "Index and time series",
    },
    Verb {
        name: "resample",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["rule", "on", "closed", "label"],
        signature: "resample(rule, on=None, closed=None, label=None)",
        summary: "Group by time bins of the datetime index (or the column `on`): D, W (W-MON, ...), M (ME), MS, Q, QS, Y, YS, h, min, s, with multiples (\"2W\", \"3ME\"); then aggregate as a groupby, or fill finer bins with ffill()/bfill(limit=None).",
        example: "ddf.set_index(\"Date\").DepDelay.resample(\"2YE\").max()",
        expected: "Date,DepDelay\n1990-12-31,328.0\n1992-12-31,641.0\n1994-12-31,623.0\n1996-12-31,514.0\n1998-12-31,446.0\n2000-12-31,1006.0\n",
        plan: resample,
        group: "Index and time series",
    },
];

/// `set_index(keys, drop=True, sorted=False)`: the rows sorted by the index, and the divisions
/// recorded as Dask records them; `sorted=True` says the partitions are in index order already
/// (it is an error if they are not), so the divisions are their first values.
fn set_index(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [keys, drop, sorted] = args.params()?;
    let drop = drop.bool_or(true)?;
    let sorted = sorted.bool_or(false)?;
    let Value::Frame(frame) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    match keys.required()? {
        Value::Str(key) => {
            let indexed = index::set_index(&frame, key, drop)?;
            let index = indexed.key_columns().remove(0);
            let recorded = divisions::record(planner, indexed, &index, sorted)?;
            Ok(Value::Frame(recorded))
        }
        other => Err(keys.invalid(format!(
            "set_index takes one column name, not {} (Dask indexes by one column)",
            other.kind_name()
        ))),
    }
}

fn reset_index(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [level, drop] = args.params()?;
    if level.given().is_some() {
        return Err(
            level.invalid("reset_index(level=...) is not supported: the whole index is reset")
        );
    }
    let drop = drop.bool_or(false)?;
    match receiver {
        Value::Frame(f) => Ok(Value::Frame(index::reset_frame(&f, drop)?)),
        Value::Series(s) => index::reset_series(&s, drop),
        other => Err(wrong_receiver(args, &other)),
    }
}

fn sort_index(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [axis, level, ascending] = args.params()?;
    let columns = match axis.given() {
        None | Some(Value::Int(0)) => false,
        Some(Value::Int(1)) => true,
        Some(Value::Str(name)) if name == "index" || name == "rows" => false,
        Some(Value::Str(name)) if name == "columns" => true,
        Some(_) => return Err(axis.invalid("axis is 0 (\"index\") or 1 (\"columns\")")),
    };
    if level.given().is_some() {
        return Err(level.invalid("sort_index sorts by the whole index (no level)"));
    }
    let ascending = ascending.bool_or(true)?;
    match receiver {
        // The columns in the order of their names; the index stays in front.
        Value::Frame(f) if columns => {
            let mut names = f.value_columns();
            names.sort();
            if !ascending {
                names.reverse();
            }
            Ok(Value::Frame(crate::plan::frame::select(&f, &names)?))
        }
        Value::Frame(f) => Ok(Value::Frame(index::sort_index(&f, ascending)?)),
        Value::Series(_) if columns => {
            Err(axis.invalid("a series has no columns to sort (axis=0)"))
        }
        Value::Series(s) => {
            let frame = index::sort_index(&s.frame, ascending)?;
            Ok(Value::Series(crate::plan::value::Series { frame, ..s }))
        }
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `df.index` / `s.index`: the index as a series of its values.
fn index_values(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let frame = match receiver {
        Value::Frame(f) => f,
        Value::Series(s) => s.frame,
        other => return Err(wrong_receiver(args, &other)),
    };
    Ok(Value::Index(index::index_series(&frame)?))
}

/// `resample(rule, on=None)` of a frame or a series: a groupby by time bins.
fn resample(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [rule_arg, on, closed, label] = args.params()?;
    let (closed, label) = (closed.str_opt()?, label.str_opt()?);
    let rule = match rule_arg.required()? {
        Value::Str(text) => parse_rule(text)
            .and_then(|rule| rule.with_sides(closed, label))
            .map_err(|e| e.at(rule_arg.span()))?,
        other => {
            return Err(rule_arg.invalid(format!(
                "the rule is a string such as \"M\" or \"D\", not {}",
                other.kind_name()
            )));
        }
    };
    let on = match on.given() {
        None => None,
        Some(Value::Str(name)) => Some(name.clone()),
        Some(other) => {
            return Err(on.invalid(format!(
                "on= takes a column name, not {}",
                other.kind_name()
            )));
        }
    };
    let (frame, selection) = match receiver {
        Value::Frame(f) => (f, Selection::All),
        Value::Series(s) => {
            let frame = series::to_frame(&s)?;
            let value = frame.value_columns().pop().unwrap_or_default();
            (frame, Selection::Series(value))
        }
        other => return Err(wrong_receiver(args, &other)),
    };
    let time = match on {
        Some(name) => {
            crate::plan::check_columns(&frame, std::slice::from_ref(&name))
                .map_err(|e| e.at(args.call_span))?;
            name
        }
        None => index::single_index(&frame, "resample").map_err(|e| e.at(args.call_span))?,
    };
    let gb = resampler(&frame, column(&time), &time, selection, rule)
        .map_err(|e| e.at(args.call_span))?;
    Ok(Value::GroupBy(gb))
}
