//! The index and time series: `set_index`, `reset_index`, `sort_index` (`plan::index`),
//! `resample` (`plan::resample`), whose result takes the groupby aggregations, and `asfreq`
//! (`plan::upsample`).

use super::Form::{Attribute, Method};
use super::Receiver as On;
use super::{Args, Verb, wrong_receiver};
use crate::error::{DdqError, Result};
use crate::plan::groupby::as_series;
use crate::plan::project::Project;
use crate::plan::resample::{Rule, Unit, bin_label, parse_rule, resampler};
use crate::plan::upsample::{Fill, upsample};
use crate::plan::value::{GroupBy, Selection, Value, column};
use crate::plan::{Planner, series};
use crate::plan::{divisions, index};
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::ScalarValue;
use datafusion::functions::expr_fn as f;
use datafusion::functions_aggregate::expr_fn as agg;
use datafusion::logical_expr::{Expr, cast, lit};

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
    Verb {
        name: "asfreq",
        receivers: &[On::Frame, On::Series, On::GroupBy],
        form: Method,
        params: &["freq", "method", "fill_value"],
        signature: "asfreq(freq, method=None | \"ffill\" | \"bfill\", fill_value=None); resample(rule).asfreq()",
        summary: "The rows at each timestamp of a regular range over the datetime index (seconds to days, or \"B\" for business days; from its first timestamp to its last): a row's values where one sits at that very time, missing elsewhere, or (method=) the last row's before / first row's after; fill_value= fills the timestamps still without one (not a missing value a row holds).",
        example: "s = ddf[ddf.Date.dt.day == 1].groupby(\"Date\").DepDelay.max(); s.asfreq(\"15D\", method=\"ffill\").head(4)",
        expected: "Date,DepDelay\n1990-01-01,9.0\n1990-01-16,9.0\n1990-01-31,9.0\n1990-02-15,328.0\n",
        plan: asfreq,
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
    let rule = rule_of(&rule_arg)?
        .with_sides(closed, label)
        .map_err(|e| e.at(rule_arg.span()))?;
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
    time_bins(receiver, rule, on, args).map(Value::GroupBy)
}

/// The rule a `resample` or `asfreq` names (`"D"`, `"6h"`, `"ME"`).
fn rule_of(rule: &super::Arg) -> Result<Rule> {
    match rule.required()? {
        Value::Str(text) => parse_rule(text).map_err(|e| e.at(rule.span())),
        other => Err(rule.invalid(format!(
            "the rule is a string such as \"M\" or \"D\", not {}",
            other.kind_name()
        ))),
    }
}

/// The rows of a frame or a series grouped by `rule`'s bins of the datetime index, or of the
/// column `on`.
fn time_bins(receiver: Value, rule: Rule, on: Option<String>, args: &Args) -> Result<GroupBy> {
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
    resampler(&frame, column(&time), &time, selection, rule).map_err(|e| e.at(args.call_span))
}

/// `asfreq(freq, method=None)` of a frame or a series on a datetime index, and a resampler's
/// `asfreq()`: pandas' reindex on a regular range of timestamps. pandas starts the range at
/// the first timestamp; ddq's upsampling starts it at that timestamp's bin, so an index whose
/// first timestamp is not on the rule's grid is refused rather than answered differently.
fn asfreq(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [freq, method, fill_value] = args.params()?;
    let fill_value = match fill_value.value() {
        None | Some(Value::None) => None,
        Some(given) => Some(crate::plan::ops::literal_expr(given).ok_or_else(|| {
            fill_value.invalid(format!(
                "fill_value is a number or a string, not {}",
                given.kind_name()
            ))
        })?),
    };
    let fill = asfreq_fill(method)?;
    let business_days = matches!(freq.value(), Some(Value::Str(b) | Value::Offset(b)) if b == "B");
    let (gb, rule) = match receiver {
        Value::GroupBy(gb) => {
            let Some(rule) = gb.bins.clone() else {
                return Err(
                    DdqError::unsupported("a groupby has no asfreq(); a resampler has")
                        .at(args.call_span)
                        .with_help("e.g. `s.resample(\"D\").asfreq()`"),
                );
            };
            if freq.is_given() {
                return Err(freq.invalid("a resampler's asfreq() takes its rule's frequency"));
            }
            (gb, rule)
        }
        other => frequency_bins(planner, other, freq, business_days, args)?,
    };
    let mut filled = upsample(planner, &gb, &rule, (fill, None), fill_value)
        .map_err(|e| e.at(args.call_span))?;
    // Business days are the days from Monday to Friday: the daily range without weekends.
    if business_days {
        let index = &gb.keys[0].1;
        let weekday = f::date_part(lit("dow"), column(index));
        let df = filled
            .df
            .clone()
            .keep_rows(weekday.between(lit(1), lit(5)))?;
        filled = filled.with_df(df);
    }
    Ok(match &gb.selection {
        Selection::Series(name) => as_series(filled, name),
        _ => Value::Frame(filled),
    })
}

/// The bins of `asfreq(freq)` over a frame's or a series' datetime index, with the rule that
/// knows where they start: days for business days (the weekends go afterwards), refusing the
/// frequencies the upsampling does not fill and an index off the frequency's grid.
fn frequency_bins(
    planner: &Planner,
    receiver: Value,
    freq: super::Arg,
    business_days: bool,
    args: &Args,
) -> Result<(GroupBy, Rule)> {
    let rule = match freq.required()? {
        _ if business_days => parse_rule("D")?,
        Value::Offset(b) => {
            return Err(freq.invalid(format!(
                "asfreq of every {} business days is not supported; ddq takes business days one at a time (\"B\")",
                b.trim_end_matches('B')
            )));
        }
        _ => rule_of(&freq)?,
    };
    if matches!(
        rule.unit,
        Unit::Week | Unit::Month | Unit::Quarter | Unit::Year
    ) {
        return Err(freq
            .invalid(format!(
                "asfreq({:?}) is not supported: ddq reindexes on frequencies of seconds, minutes, hours, days or business days (\"B\")",
                rule.text
            ))
            .with_help(format!(
                "aggregate the bins instead, e.g. `.resample({:?}).last()`",
                rule.text
            )));
    }
    let gb = time_bins(receiver, rule.clone(), None, args)?;
    check_on_grid(planner, &gb).map_err(|e| e.at(freq.span()))?;
    let rule = gb.bins.clone().unwrap_or(rule);
    Ok((gb, rule))
}

/// asfreq's `method=`: which row a new timestamp takes its values from.
fn asfreq_fill(method: super::Arg) -> Result<Fill> {
    match method.str_opt()? {
        None => Ok(Fill::Exact),
        Some("ffill" | "pad") => Ok(Fill::Forward),
        Some("bfill" | "backfill") => Ok(Fill::Backward),
        Some(other) => Err(method.invalid(format!(
            "method \"{other}\" is not one of pandas' \"ffill\" (\"pad\") or \"bfill\" (\"backfill\")"
        ))),
    }
}

/// Refuses an index whose first timestamp is not the start of its bin (`asfreq("D")` of times
/// at noon): pandas' range would run through noons, ddq's bins through midnights.
fn check_on_grid(planner: &Planner, gb: &GroupBy) -> Result<()> {
    let (Some(rule), [(bin, index)]) = (&gb.bins, gb.keys.as_slice()) else {
        return Ok(());
    };
    let nanos = |e: Expr| cast(e, DataType::Timestamp(TimeUnit::Nanosecond, None));
    let first = agg::min(nanos(column(index)));
    let first_bin = bin_label(rule, agg::min(bin.clone()));
    let asked = gb.frame.df.clone().group_by(
        vec![],
        vec![
            first.clone().eq(first_bin.clone()).alias("on_grid"),
            series::timestamp_text(first).alias("first"),
            series::timestamp_text(first_bin).alias("first_bin"),
        ],
    )?;
    for batch in planner.sources.collect_now(asked)? {
        if batch.num_rows() == 0 {
            continue;
        }
        let value = |i: usize| ScalarValue::try_from_array(batch.column(i), 0);
        if value(0)? == ScalarValue::Boolean(Some(false)) {
            let (first, first_bin) = (value(1)?, value(2)?);
            return Err(DdqError::unsupported(format!(
                "the index starts at {first}, between two of the frequency's timestamps (pandas' range would start there, ddq's at {first_bin})"
            ))
            .with_help("resample(freq).asfreq() gives the range from the first bin"));
        }
    }
    Ok(())
}
