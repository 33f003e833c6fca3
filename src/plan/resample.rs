//! `resample(rule)`: a groupby over time bins, as pandas' resampler. Each row's timestamp is
//! turned into a bin number (seconds, minutes, hours or days since the epoch, weeks ending on
//! Sunday, months, quarters or years since year 0), the rows are grouped by that number, the
//! bins missing between the first and the last are added (empty: counts and sums 0, other
//! aggregations missing, as pandas gives them) and each bin is labelled by the timestamp pandas
//! labels it with: the bin's start, or its last day for the month, quarter, year and week rules.

use crate::error::{DdqError, Result};
use crate::plan::groupby::unnest_exact;
use crate::plan::ops::{expr_type, is_temporal};
use crate::plan::order::unique_hidden;
use crate::plan::project::Project;
use crate::plan::value::{Frame, GroupBy, Selection, column};
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::JoinType;
use datafusion::functions::expr_fn as f;
use datafusion::functions_aggregate::expr_fn as agg;
use datafusion::functions_nested::expr_fn::range;
use datafusion::logical_expr::{Expr, cast, lit, scalar_subquery};
use std::sync::Arc;

/// The length of one bin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

/// A resampling rule: pandas' offset alias (`"D"`, `"M"`, `"MS"`, `"W"`, `"3h"`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub unit: Unit,
    /// Labels bins by their last day (`M`, `Q`, `Y`, `W`) rather than their start.
    pub label_end: bool,
    /// How many units one bin spans (`"5D"`: 5).
    pub multiple: i64,
    /// For a multiple: the day its bins are counted from, pandas' `origin="start_day"` (the
    /// first timestamp's midnight), as a day number computed by the engine.
    pub origin_day: Option<Expr>,
    /// For weeks: the first day number (days since 1970-01-01, a Thursday) that ends a week;
    /// 3, a Sunday, for `W` (`W-SUN`), 4 for `W-MON`.
    pub week_end: i64,
    /// `closed="right"` on a rule of fixed units (s, min, h, D and their multiples): a bin
    /// holds the times after its start up to and including its end, rather than from its start.
    pub closed_right: bool,
    /// `label="right"` on such a rule: a bin is labelled by its end rather than its start.
    pub label_right: bool,
    /// The rule as written, for messages.
    pub text: String,
}

impl Rule {
    /// The rule with pandas' `closed=` and `label=` ("left" or "right"; none is the rule's own
    /// default). Weeks, months, quarters and years take only their defaults (closed and labelled
    /// at their end for W, M, Q and Y; at their start for MS, QS and YS).
    pub fn with_sides(mut self, closed: Option<&str>, label: Option<&str>) -> Result<Rule> {
        let fixed = unit_seconds(self.unit).is_some() && self.unit != Unit::Week;
        let default = if self.label_end { "right" } else { "left" };
        for (name, side) in [("closed", closed), ("label", label)] {
            match side {
                None | Some("left") | Some("right") => {}
                Some(other) => {
                    return Err(DdqError::input(format!(
                        "{name} is \"left\" or \"right\", not {other:?}"
                    )));
                }
            }
            if !fixed && side.is_some_and(|side| side != default) {
                return Err(DdqError::unsupported(format!(
                    "resample({:?}, {name}={:?}): for weeks, months, quarters and years ddq bins as pandas' default, {name}={default:?}",
                    self.text,
                    side.unwrap_or_default()
                ))
                .with_help("leave it out, or resample by days (\"7D\") with it"));
            }
        }
        self.closed_right = fixed && closed == Some("right");
        self.label_right = fixed && label == Some("right");
        Ok(self)
    }
}

/// Reads an offset alias, with its multiple (`"5D"`, `"2h"`, `"2W"`, `"3M"`).
pub fn parse_rule(text: &str) -> Result<Rule> {
    let (multiple, alias) = split_multiple(text);
    let week_end = week_end_day(alias);
    let (unit, label_end) = match alias {
        _ if week_end.is_some() => (Unit::Week, true),
        "s" | "S" => (Unit::Second, false),
        "min" | "T" => (Unit::Minute, false),
        "h" | "H" => (Unit::Hour, false),
        "D" => (Unit::Day, false),
        "M" | "ME" => (Unit::Month, true),
        "MS" => (Unit::Month, false),
        "Q" | "QE" | "Q-DEC" | "QE-DEC" => (Unit::Quarter, true),
        "QS" | "QS-JAN" => (Unit::Quarter, false),
        "Y" | "YE" | "A" | "Y-DEC" | "YE-DEC" | "A-DEC" => (Unit::Year, true),
        "YS" | "AS" | "YS-JAN" | "AS-JAN" => (Unit::Year, false),
        _ => {
            return Err(
                DdqError::unsupported(format!("resample rule {text:?} is not supported"))
                    .with_help(
                        "use one of s, min, h, D, W (W-MON, ...), M (ME), MS, Q (QE), QS, Y (YE), YS",
                    ),
            );
        }
    };
    // A multiple too large to read, or of no unit, is refused.
    let multiple = multiple.unwrap_or(0);
    if !(1..=1_000_000).contains(&multiple) {
        return Err(DdqError::input(format!(
            "resample rule {text:?}: the multiple must be a whole number from 1 to 1000000"
        ))
        .with_help(format!("e.g. \"2{alias}\"")));
    }
    Ok(Rule {
        unit,
        label_end,
        multiple,
        origin_day: None,
        week_end: week_end.unwrap_or(3),
        closed_right: false,
        label_right: false,
        text: text.to_string(),
    })
}

/// The week rules: `W` (weeks ending on Sunday) and `W-MON` ... `W-SUN`, as the first day
/// number that ends such a week (1970-01-01, day 0, was a Thursday).
fn week_end_day(alias: &str) -> Option<i64> {
    let days = ["THU", "FRI", "SAT", "SUN", "MON", "TUE", "WED"];
    match alias {
        "W" => Some(3),
        _ => {
            let day = alias.strip_prefix("W-")?;
            days.iter().position(|d| *d == day).map(|p| p as i64)
        }
    }
}

/// An offset alias split into its multiple (1 when none is written; `None` when it does not
/// fit a number) and the alias itself: `"5D"` is (5, "D").
fn split_multiple(text: &str) -> (Option<i64>, &str) {
    let trimmed = text.trim();
    let digits = trimmed.len()
        - trimmed
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    let multiple = match digits {
        0 => Some(1),
        _ => trimmed[..digits].parse().ok(),
    };
    (multiple, &trimmed[digits..])
}

/// A fixed frequency (`"D"`, `"2D"`, `"30min"`, `"h"`): the engine's name of its unit, how many
/// units, and the whole length in nanoseconds. `None` for calendar frequencies and others.
pub fn fixed_frequency(text: &str) -> Option<(&'static str, i64, i64)> {
    let (multiple, alias) = split_multiple(text);
    let multiple = multiple?;
    let (unit, nanos): (&str, i64) = match alias {
        "D" | "d" => ("day", 86_400_000_000_000),
        "h" | "H" => ("hour", 3_600_000_000_000),
        "min" | "T" => ("minute", 60_000_000_000),
        "s" | "S" => ("second", 1_000_000_000),
        "ms" | "L" => ("millisecond", 1_000_000),
        "us" | "U" => ("microsecond", 1_000),
        _ => return None,
    };
    Some((unit, multiple, multiple.checked_mul(nanos)?))
}

/// The length of a fixed unit in seconds; `None` for calendar units.
fn unit_seconds(unit: Unit) -> Option<i64> {
    match unit {
        Unit::Second => Some(1),
        Unit::Minute => Some(60),
        Unit::Hour => Some(3600),
        Unit::Day => Some(86400),
        _ => None,
    }
}

/// A resampler over `frame`, binning the timestamps of `time` into a key named `index`.
pub fn resampler(
    frame: &Frame,
    time: Expr,
    index: &str,
    selection: Selection,
    rule: Rule,
) -> Result<GroupBy> {
    let t = expr_type(frame, &time)?;
    if !is_temporal(&t) {
        return Err(DdqError::type_error(format!(
            "resample needs datetimes, but `{index}` has dtype {}",
            crate::types::dtype::pandas_dtype(&t)
        ))
        .with_help("set a datetime column as the index first, e.g. `df.set_index(\"Date\")`, or pass `on=\"Date\"`"));
    }
    let (frame, key, rule) = match unit_seconds(rule.unit) {
        Some(seconds) if rule.multiple > 1 => multiple_bins(frame, time, seconds, rule)?,
        None if rule.multiple > 1 => calendar_multiple_bins(frame, time, rule)?,
        _ => (frame.clone(), bin_number(&rule, time), rule),
    };
    Ok(GroupBy {
        frame,
        keys: vec![(key, index.to_string())],
        selection,
        dropna: true,
        sort: true,
        bins: Some(rule),
        as_index: true,
        categories: None,
    })
}

/// `frame` with the datetimes of column `time` replaced by the label of the bin `freq` puts
/// each in, as a key of a groupby or a pivot table takes `pd.Grouper(key=time, freq=freq)`;
/// bins with no rows have no row.
pub fn with_bin_labels(frame: &Frame, time: &str, freq: &str) -> Result<Frame> {
    let rule = parse_rule(freq)?;
    let gb = resampler(frame, column(time), time, Selection::All, rule)?;
    let (Some(rule), [(bin, _)]) = (&gb.bins, gb.keys.as_slice()) else {
        return Err(DdqError::execution("a resampler has one key and a rule"));
    };
    let label = bin_label(rule, bin.clone());
    Ok(gb
        .frame
        .with_df(gb.frame.df.clone().set_column(time, label)?))
}

/// Bins of `multiple` fixed units counted from the first timestamp's midnight, as pandas'
/// `origin="start_day"`: the bin number is a hidden column of the frame (it needs the first
/// timestamp, a subquery the engine computes once), which the returned key names.
fn multiple_bins(
    frame: &Frame,
    time: Expr,
    seconds: i64,
    mut rule: Rule,
) -> Result<(Frame, Expr, Rule)> {
    let epoch = |e: Expr| f::date_part(lit("epoch"), e);
    let first = frame
        .df
        .clone()
        .group_by(vec![], vec![agg::min(time.clone()).alias("__ddq_first")])?
        .project(vec![
            cast(
                f::floor(epoch(column("__ddq_first")) / lit(86400.0)),
                DataType::Int64,
            )
            .alias("__ddq_origin"),
        ])?;
    let origin_day = scalar_subquery(Arc::new(first.into_unoptimized_plan()));
    let width = (seconds * rule.multiple) as f64;
    let since_origin = epoch(time) - cast(origin_day.clone() * lit(86400i64), DataType::Float64);
    let number = bins_of(since_origin, width, rule.closed_right);
    let hidden = unique_hidden(frame, "__ddq_bin_number");
    let frame = frame.with_df(frame.df.clone().set_column(&hidden, number)?);
    rule.origin_day = Some(origin_day);
    Ok((frame, column(&hidden), rule))
}

/// Bins of `multiple` weeks, months, quarters or years, counted as pandas counts them from the
/// first timestamp's own week, month, ...: a bin ends with that unit (rules labelled by their
/// end, `"2W"`, `"3M"`), or starts with it (`"2MS"`). The key is the unit number the bin is
/// labelled by, so bins step by `multiple` (see [`fill_and_label`]); it is a hidden column of
/// the frame, as it needs the first unit number, a subquery the engine computes once.
fn calendar_multiple_bins(frame: &Frame, time: Expr, rule: Rule) -> Result<(Frame, Expr, Rule)> {
    let unit_number = bin_number(&rule, time);
    let first = frame.df.clone().group_by(
        vec![],
        vec![agg::min(unit_number.clone()).alias("__ddq_first_unit")],
    )?;
    let first = scalar_subquery(Arc::new(first.into_unoptimized_plan()));
    let n = lit(rule.multiple);
    let since_first = unit_number - first.clone();
    let bins = if rule.label_end {
        (since_first + lit(rule.multiple - 1)) / n.clone()
    } else {
        since_first / n.clone()
    };
    let hidden = unique_hidden(frame, "__ddq_bin_number");
    let frame = frame.with_df(frame.df.clone().set_column(&hidden, first + bins * n)?);
    Ok((frame, column(&hidden), rule))
}

/// Which bin of `width` seconds `seconds` falls in: bins `[k w, (k + 1) w)`, or with
/// `closed_right` `(k w, (k + 1) w]` (a time on an edge then ends the bin before).
fn bins_of(seconds: Expr, width: f64, closed_right: bool) -> Expr {
    let bins = seconds / lit(width);
    match closed_right {
        true => cast(f::ceil(bins), DataType::Int64) - lit(1i64),
        false => cast(f::floor(bins), DataType::Int64),
    }
}

/// The bin a timestamp falls in, as a whole number that grows by one from bin to bin.
fn bin_number(rule: &Rule, time: Expr) -> Expr {
    let unit = rule.unit;
    let seconds = || f::date_part(lit("epoch"), time.clone());
    let floor_div = |e: Expr, by: f64| cast(f::floor(e / lit(by)), DataType::Int64);
    let fixed = |by: f64| bins_of(seconds(), by, rule.closed_right);
    let year = || cast(f::date_part(lit("year"), time.clone()), DataType::Int64);
    let month = || cast(f::date_part(lit("month"), time.clone()), DataType::Int64);
    match unit {
        Unit::Second => fixed(1.0),
        Unit::Minute => fixed(60.0),
        Unit::Hour => fixed(3600.0),
        Unit::Day => fixed(86400.0),
        // Weeks ending on Sunday end on days 3, 10, 17, ...
        Unit::Week => floor_div(floor_div(seconds(), 86400.0) + lit(6 - rule.week_end), 7.0),
        Unit::Month => year() * lit(12i64) + month() - lit(1i64),
        Unit::Quarter => year() * lit(4i64) + (month() - lit(1i64)) / lit(3i64),
        Unit::Year => year(),
    }
}

/// The timestamp pandas labels bin `n` with.
pub fn bin_label(rule: &Rule, n: Expr) -> Expr {
    let nanos = |e: Expr, per: i64| {
        cast(
            e * lit(per),
            DataType::Timestamp(TimeUnit::Nanosecond, None),
        )
    };
    const DAY: i64 = 86_400_000_000_000;
    // Labelled by its end, a bin takes the label of the next one's start.
    let n = match rule.label_right {
        true => n + lit(1i64),
        false => n,
    };
    if let (Some(origin), Some(seconds)) = (&rule.origin_day, unit_seconds(rule.unit)) {
        let width = seconds * rule.multiple * 1_000_000_000;
        return nanos(origin.clone() * lit(DAY) + n * lit(width), 1);
    }
    match rule.unit {
        Unit::Second => nanos(n, 1_000_000_000),
        Unit::Minute => nanos(n, 60_000_000_000),
        Unit::Hour => nanos(n, 3_600_000_000_000),
        Unit::Day => nanos(n, DAY),
        Unit::Week if rule.label_end => nanos(n * lit(7i64) + lit(rule.week_end), DAY),
        Unit::Week => nanos(n * lit(7i64) + lit(rule.week_end - 6), DAY),
        Unit::Month => calendar_label(n, 12, 1, rule.label_end),
        Unit::Quarter => calendar_label(n, 4, 3, rule.label_end),
        Unit::Year => calendar_label(n, 1, 12, rule.label_end),
    }
}

/// The first day of calendar bin `n` (`per_year` bins of `months` months each), or with `end`
/// the day before the next bin starts.
fn calendar_label(n: Expr, per_year: i64, months: i64, end: bool) -> Expr {
    let start_of = |n: Expr| {
        let year = n.clone() / lit(per_year);
        let month = (n % lit(per_year)) * lit(months) + lit(1i64);
        cast(f::make_date(year, month, lit(1i64)), DataType::Int32)
    };
    let day = if end {
        start_of(n + lit(1i64)) - lit(1i32)
    } else {
        start_of(n)
    };
    cast(
        cast(day, DataType::Date32),
        DataType::Timestamp(TimeUnit::Nanosecond, None),
    )
}

/// Adds the empty bins between the first and the last, labels every bin, and orders the rows
/// by time. `zero_when_empty` says, per value column in order, whether an empty bin holds 0
/// (counts, sizes, sums) rather than a missing value.
pub fn fill_and_label(
    result: Frame,
    rule: &Rule,
    index: &str,
    zero_when_empty: &[bool],
) -> Result<Frame> {
    let bounds = result.df.clone().group_by(
        vec![],
        vec![
            agg::min(column(index)).alias("__ddq_lo"),
            agg::max(column(index)).alias("__ddq_hi"),
        ],
    )?;
    // Bins of calendar multiples are keyed by their unit number, `multiple` apart.
    let step = match rule.origin_day {
        None => rule.multiple,
        Some(_) => 1,
    };
    let all_bins = bounds.project(vec![
        range(
            column("__ddq_lo"),
            column("__ddq_hi") + lit(1i64),
            lit(step),
        )
        .alias("__ddq_bin"),
    ])?;
    let all_bins = unnest_exact(all_bins, &["__ddq_bin"])?;
    let joined = all_bins.join_on(
        result.df.clone(),
        JoinType::Left,
        [column("__ddq_bin").eq(column(index))],
    )?;
    let mut select = vec![bin_label(rule, column("__ddq_bin")).alias(index)];
    for (name, zero) in result.value_columns().iter().zip(zero_when_empty) {
        let value = column(name);
        select.push(if *zero {
            f::coalesce(vec![value, lit(0)]).alias(name)
        } else {
            value.alias(name)
        });
    }
    select.push(column("__ddq_bin"));
    let df = joined.project(select)?;
    Ok(Frame {
        df,
        order: vec![column("__ddq_bin").sort(true, false)],
        index_columns: 1,
        npartitions: result.npartitions,
        partition: None,
        origin: format!("resample-{}", rule.text),
        divisions: None,
    })
}
