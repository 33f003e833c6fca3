//! pandas' top-level functions that take their data as arguments: `pd.merge(left, right, ...)`,
//! `pd.merge_ordered(...)`, `pd.merge_asof(...)`,
//! `pd.to_datetime(...)`, `pd.Timestamp(...)`, `pd.DateOffset(...)`, `pd.isna(...)`, `pd.notna(...)`, `pd.cut(...)` and `pd.qcut(...)`.

use super::Form::Method;
use super::Receiver as On;
use super::windowing;
use super::{Arg, Args, Verb};
use crate::error::{DdqError, Result};
use crate::plan::frame::{self, MergeArgs};
use crate::plan::ops::{expr_type, literal_expr};
use crate::plan::value::{Frame, Scalar, Series, Value, column};
use crate::plan::window::{self, FillArea, Over};
use crate::plan::{Planner, asof, check_columns, index, series};
use crate::types::timedelta::{is_missing_text, parse_timedelta, unit_nanoseconds};
use datafusion::arrow::datatypes::{DataType, IntervalMonthDayNano, TimeUnit};
use datafusion::common::ScalarValue;
use datafusion::functions::expr_fn as f;
use datafusion::logical_expr::{Expr, cast, lit, try_cast};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "merge",
        receivers: &[On::Function],
        form: Method,
        params: &[
            "left",
            "right",
            "how",
            "on",
            "left_on",
            "right_on",
            "suffixes",
            "indicator",
            "left_index",
            "right_index",
        ],
        signature: "pd.merge(left, right, how=\"inner\", on=None, left_on=None, right_on=None, indicator=False, left_index=False, right_index=False)",
        summary: "Join two frames, as left.merge(right, ...).",
        example: "pd.merge(ddf[[\"Dest\"]].drop_duplicates(), ddf.groupby(\"Dest\").Distance.mean().reset_index(), on=\"Dest\").head(2)",
        expected: "Dest,Distance\nDCA,208.16863905325442\nORD,728.8090705487122\n",
        plan: merge,
        group: "Combining",
    },
    Verb {
        name: "merge_ordered",
        receivers: &[On::Function],
        form: Method,
        params: &[
            "left",
            "right",
            "on",
            "left_on",
            "right_on",
            "left_by",
            "right_by",
            "fill_method",
            "suffixes",
            "how",
        ],
        signature: "pd.merge_ordered(left, right, on=, left_on=, right_on=, fill_method=None | \"ffill\", suffixes=(\"_x\", \"_y\"), how=\"outer\")",
        summary: "Merge (an outer merge by default) with the rows ordered by the keys; fill_method=\"ffill\" fills missing values from the row before.",
        example: "a = ddf[[\"Dest\", \"FlightNum\"]].iloc[0:3]; b = ddf[ddf.Distance > 2400][[\"Dest\", \"Distance\"]].drop_duplicates().head(2); pd.merge_ordered(a, b, on=\"Dest\", fill_method=\"ffill\")[[\"Dest\", \"FlightNum\"]]",
        expected: "Dest,FlightNum\nDCA,1279\nLAX,1279\nORD,714\nSFO,1955\n",
        plan: merge_ordered,
        group: "Combining",
    },
    Verb {
        name: "merge_asof",
        receivers: &[On::Function],
        form: Method,
        params: &[
            "left",
            "right",
            "on",
            "left_on",
            "right_on",
            "left_index",
            "right_index",
            "by",
            "left_by",
            "right_by",
            "suffixes",
            "tolerance",
            "allow_exact_matches",
            "direction",
        ],
        signature: "pd.merge_asof(left, right, on=, left_on=, right_on=, by=, left_by=, right_by=, suffixes=(\"_x\", \"_y\"), tolerance=None, allow_exact_matches=True, direction=\"backward\" | \"forward\" | \"nearest\")",
        summary: "Each left row with the last right row whose key is at or before its own (the first at or after it, direction=\"forward\"; the nearer of the two, \"nearest\"), among right rows of the same `by` values; the left's rows and order kept.",
        example: "jfk = ddf[ddf.Origin == \"JFK\"][[\"Date\", \"Dest\", \"DepDelay\"]]; lga = ddf[ddf.Origin == \"LGA\"][[\"Date\", \"Dest\", \"ArrDelay\"]]; pd.merge_asof(jfk, lga, on=\"Date\", by=\"Dest\").iloc[[0, 3000]]",
        expected: "Date,Dest,DepDelay,ArrDelay\n1990-01-01,DCA,0.0,\n1994-07-06,DCA,4.0,11.0\n",
        plan: merge_asof,
        group: "Combining",
    },
    Verb {
        name: "to_timedelta",
        receivers: &[On::Function],
        form: Method,
        params: &["arg", "unit", "errors"],
        signature: "pd.to_timedelta(series | number, unit=\"ns\")",
        summary: "Numbers as time spans of `unit` (W, D, h, m, s, ms, us, ns and pandas' longer names), printed as pandas prints timedeltas.",
        example: "pd.to_timedelta(ddf.DepDelay, unit=\"m\").iloc[1:3]",
        expected: "DepDelay\n0 days 00:09:00\n-1 days +23:53:00\n",
        plan: to_timedelta,
        group: "Dates and strings",
    },
    Verb {
        name: "Timedelta",
        receivers: &[On::Function],
        form: Method,
        params: &["value", "unit", "**components"],
        signature: "pd.Timedelta(\"1 day\" | number, unit=\"ns\", days=, hours=, minutes=, ...)",
        summary: "A time span: from text as pandas reads it (\"1 day\", \"2h30m\", \"-1 days +23:59:00\"), a number of `unit`, or keywords (weeks ... nanoseconds) added up.",
        example: "len(ddf[ddf.Date + pd.Timedelta(days=1, hours=12) > pd.to_datetime(\"1999-12-30\")])",
        expected: "18\n",
        plan: timedelta,
        group: "Dates and strings",
    },
    Verb {
        name: "to_datetime",
        receivers: &[On::Function],
        form: Method,
        params: &["arg", "format", "errors"],
        signature: "pd.to_datetime(series | \"text\", format=None, errors=\"raise\")",
        summary: "Parse text as timestamps (`format` as strftime writes it; errors=\"coerce\" makes bad values missing).",
        example: "len(ddf[ddf.Date >= pd.to_datetime(\"1999-12-01\")])",
        expected: "185\n",
        plan: to_datetime,
        group: "Dates and strings",
    },
    Verb {
        name: "Timestamp",
        receivers: &[On::Function],
        form: Method,
        params: &["ts_input"],
        signature: "pd.Timestamp(\"text\")",
        summary: "A point in time read from text as pandas reads it (\"1995-06-01\", \"1995-06-01 12:30\"), as pd.to_datetime(\"text\") gives.",
        example: "len(ddf[ddf.Date >= pd.Timestamp(\"1999-12-01\")])",
        expected: "185\n",
        plan: timestamp,
        group: "Dates and strings",
    },
    Verb {
        name: "DateOffset",
        receivers: &[On::Function],
        form: Method,
        params: &["**components"],
        signature: "pd.DateOffset(years=, months=, weeks=, days=, hours=, minutes=, seconds=)",
        summary: "A calendar offset to add to dates: years and months move the date by the calendar (the day kept, or the month's last day where it has fewer), then the rest adds up.",
        example: "(ddf.Date + pd.DateOffset(months=1)).iloc[[0, 2000]]",
        expected: "Date\n1990-02-01\n1991-01-25\n",
        plan: date_offset,
        group: "Dates and strings",
    },
    Verb {
        name: "pd.offsets.Day",
        receivers: &[On::Function],
        form: Method,
        params: &["n"],
        signature: "pd.offsets.Day(n=1)",
        summary: "A fixed span of n days, to add to dates or time spans (as pd.Timedelta(days=n)).",
        example: "len(ddf[ddf.Date + pd.offsets.Day(2) > pd.Timestamp(\"1999-12-30\")])",
        expected: "18\n",
        plan: tick_offset,
        group: "Dates and strings",
    },
    Verb {
        name: "pd.offsets.Hour",
        receivers: &[On::Function],
        form: Method,
        params: &["n"],
        signature: "pd.offsets.Hour(n=1)",
        summary: "A fixed span of n hours, to add to dates or time spans (as pd.Timedelta(hours=n)).",
        example: "(ddf.Date + pd.offsets.Hour(36)).iloc[[0]]",
        expected: "Date\n1990-01-02 12:00:00\n",
        plan: tick_offset,
        group: "Dates and strings",
    },
    Verb {
        name: "pd.offsets.Minute",
        receivers: &[On::Function],
        form: Method,
        params: &["n"],
        signature: "pd.offsets.Minute(n=1)",
        summary: "A fixed span of n minutes, to add to dates or time spans (as pd.Timedelta(minutes=n)).",
        example: "(ddf.Date - pd.Timestamp(\"1990-01-01\") + pd.offsets.Minute(15)).iloc[[0]]",
        expected: "Date\n0 days 00:15:00\n",
        plan: tick_offset,
        group: "Dates and strings",
    },
    Verb {
        name: "pd.offsets.Second",
        receivers: &[On::Function],
        form: Method,
        params: &["n"],
        signature: "pd.offsets.Second(n=1)",
        summary: "A fixed span of n seconds, to add to dates or time spans (as pd.Timedelta(seconds=n)).",
        example: "(ddf.Date + pd.offsets.Second(90)).iloc[[0]]",
        expected: "Date\n1990-01-01 00:01:30\n",
        plan: tick_offset,
        group: "Dates and strings",
    },
    Verb {
        name: "pd.offsets.BDay",
        receivers: &[On::Function],
        form: Method,
        params: &["n"],
        signature: "pd.offsets.BDay(n=1)",
        summary: "Business days (Monday to Friday) as a frequency, for `asfreq` (as its alias \"B\"); adding business days to dates is not supported.",
        example: "daily = ddf.groupby(\"Date\").DepDelay.count(); daily.asfreq(pd.offsets.BDay()).iloc[4:6]",
        expected: "Date,DepDelay\n1990-01-05,5\n1990-01-08,5\n",
        plan: business_day,
        group: "Dates and strings",
    },
    Verb {
        name: "pd.offsets.BusinessDay",
        receivers: &[On::Function],
        form: Method,
        params: &["n"],
        signature: "pd.offsets.BusinessDay(n=1)",
        summary: "pandas' other name for pd.offsets.BDay: business days as a frequency, for `asfreq`.",
        example: "pd.offsets.BusinessDay(2)",
        expected: "<2 * BusinessDays>\n",
        plan: business_day,
        group: "Dates and strings",
    },
    Verb {
        name: "to_numeric",
        receivers: &[On::Function],
        form: Method,
        params: &["arg", "errors"],
        signature: "pd.to_numeric(series, errors=\"raise\")",
        summary: "Parse text as numbers: integers when every value is one, floats otherwise (errors=\"coerce\" makes bad values missing; the data is read once to decide).",
        example: "pd.to_numeric(ddf.TailNum.str[1:4], errors=\"coerce\").dropna().head(3)",
        expected: "TailNum\n616.0\n125.0\n651.0\n",
        plan: to_numeric,
        group: "Dates and strings",
    },
    Verb {
        name: "isna",
        receivers: &[On::Function],
        form: Method,
        params: &["obj"],
        signature: "pd.isna(value | series | frame)",
        summary: "Whether values are missing.",
        example: "pd.isna(ddf.TailNum).sum()",
        expected: "10144\n",
        plan: isna,
        group: "Transforming",
    },
    Verb {
        name: "notna",
        receivers: &[On::Function],
        form: Method,
        params: &["obj"],
        signature: "pd.notna(value | series | frame)",
        summary: "Whether values are present.",
        example: "pd.notna(ddf.TailNum).sum()",
        expected: "10656\n",
        plan: notna,
        group: "Transforming",
    },
    Verb {
        name: "cut",
        receivers: &[On::Function],
        form: Method,
        params: &[
            "x",
            "bins",
            "right",
            "labels",
            "retbins",
            "precision",
            "include_lowest",
            "duplicates",
            "ordered",
        ],
        signature: "pd.cut(series, bins=[edges] | n, right=True, labels=None | [names] | False, retbins=False, precision=3, include_lowest=False)",
        summary: "Each value's interval among the bins, as an ordered categorical: value_counts() and groupby list every interval in order, empty ones too (observed=False). labels=False gives the bin numbers; retbins=True also returns the edges.",
        example: "pd.cut(ddf.Distance, [0, 500, 1000, 5000]).value_counts()",
        expected: "Distance,count\n\"(1000, 5000]\",8780\n\"(0, 500]\",6330\n\"(500, 1000]\",5690\n",
        plan: cut,
        group: "Transforming",
    },
    Verb {
        name: "qcut",
        receivers: &[On::Function],
        form: Method,
        params: &["x", "q", "labels", "retbins", "precision", "duplicates"],
        signature: "pd.qcut(series, q=n | [quantiles], labels=None | [names] | False, retbins=False, precision=3, duplicates=\"raise\")",
        summary: "Each value's quantile bin, as an ordered categorical: the edges are the data's quantiles (n equal-sized bins, or the quantiles listed), then as pd.cut with the lowest edge included.",
        example: "pd.qcut(ddf.Distance, 4).value_counts()",
        expected: "Distance,count\n\"(761.0, 1387.0]\",5431\n\"(10.999, 416.0]\",5280\n\"(416.0, 761.0]\",5265\n\"(1387.0, 2580.0]\",4824\n",
        plan: qcut,
        group: "Transforming",
    },
];

/// `pd.qcut(x, q, labels=None, retbins=False, precision=3, duplicates="raise")`
fn qcut(planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [x, q, labels, retbins, precision, duplicates] = args.params()?;
    let Value::Series(series) = x.required()? else {
        return Err(x.invalid("pd.qcut takes a series, e.g. pd.qcut(ddf.Distance, 4)"));
    };
    let quantiles: Vec<f64> = match q.required()? {
        Value::Int(n) if *n > 0 => (0..=*n).map(|i| i as f64 / *n as f64).collect(),
        Value::List(items) | Value::Tuple(items) => items
            .iter()
            .map(|item| match item {
                Value::Int(i) => Ok(*i as f64),
                Value::Float(v) => Ok(*v),
                _ => Err(q.invalid("quantiles must be numbers between 0 and 1")),
            })
            .collect::<Result<Vec<f64>>>()?,
        _ => {
            return Err(q.invalid(
                "q is a number of quantiles or a list of them, e.g. 4 or [0, 0.25, 0.5, 0.75, 1]",
            ));
        }
    };
    let drop_repeats = match duplicates.str_or("raise")? {
        "raise" => false,
        "drop" => true,
        _ => return Err(duplicates.invalid("duplicates is \"raise\" or \"drop\"")),
    };
    let edges = crate::plan::cut::quantile_edges(planner, series, &quantiles, drop_repeats)
        .map_err(|e| e.at(q.span()))?;
    let (bin_numbers, labels) = cut_labels(labels)?;
    let options = crate::plan::cut::CutOptions {
        right: true,
        include_lowest: true,
        precision: precision.int_or(3)? as i32,
        labels,
        bin_numbers,
    };
    let bins = crate::plan::cut::Bins::Edges(edges, false);
    let (binned, edges) =
        crate::plan::cut::cut(planner, series, bins, &options).map_err(|e| e.at(x.span()))?;
    with_edges(binned, edges, retbins)
}

/// `labels=` of `pd.cut` and `pd.qcut`: whether bin numbers were asked for (`False`), and the
/// labels given.
fn cut_labels(labels: Arg) -> Result<(bool, Option<Vec<String>>)> {
    let bin_numbers = matches!(labels.value(), Some(Value::Bool(false)));
    let labels = match labels.given() {
        None | Some(Value::None) => None,
        Some(Value::Bool(false)) => None,
        Some(Value::List(items) | Value::Tuple(items)) => Some(
            items
                .iter()
                .map(|item| crate::plan::ops::literal_scalar(item).map(|v| v.to_string()))
                .collect::<Option<Vec<String>>>()
                .ok_or_else(|| labels.invalid("labels must be plain values"))?,
        ),
        Some(_) => {
            return Err(labels
                .invalid("labels is a list of labels, one per bin, or False for bin numbers")
                .with_help("e.g. labels=[\"short\", \"medium\", \"long\"]"));
        }
    };
    Ok((bin_numbers, labels))
}

/// The binned series, with its edges beside it when `retbins=True` (`x, edges = pd.cut(...)`).
fn with_edges(binned: Series, edges: Vec<f64>, retbins: Arg) -> Result<Value> {
    if retbins.bool_or(false)? {
        let edges = edges.into_iter().map(Value::Float).collect();
        return Ok(Value::Tuple(vec![
            Value::Series(binned),
            Value::List(edges),
        ]));
    }
    Ok(Value::Series(binned))
}

/// The `bins` of `pd.cut` (and of `value_counts(bins=)`): a number of equal-width bins, or
/// their edges.
pub(super) fn cut_bins(bins: &Arg) -> Result<crate::plan::cut::Bins> {
    match bins.required()? {
        Value::Int(n) if *n > 0 => Ok(crate::plan::cut::Bins::Count(*n as usize)),
        Value::List(items) | Value::Tuple(items) => {
            let edges = items
                .iter()
                .map(|item| match item {
                    Value::Int(i) => Ok(*i as f64),
                    Value::Float(v) => Ok(*v),
                    _ => Err(bins.invalid("bin edges must be numbers")),
                })
                .collect::<Result<Vec<f64>>>()?;
            let integers = items.iter().all(|item| matches!(item, Value::Int(_)));
            Ok(crate::plan::cut::Bins::Edges(edges, integers))
        }
        _ => Err(bins.invalid(
            "bins must be a list of edges or a positive number of bins, e.g. [0, 500, 5000]",
        )),
    }
}

/// `pd.cut(x, bins, right=True, labels=None, retbins=False, precision=3, include_lowest=False,
/// duplicates="raise", ordered=True)`
fn cut(planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [
        x,
        bins,
        right,
        labels,
        retbins,
        precision,
        include_lowest,
        duplicates,
        ordered,
    ] = args.params()?;
    let Value::Series(series) = x.required()? else {
        return Err(x.invalid("pd.cut takes a series, e.g. pd.cut(ddf.Distance, [0, 500, 5000])"));
    };
    let bins = cut_bins(&bins)?;
    let (bin_numbers, labels) = cut_labels(labels)?;
    if !matches!(duplicates.given(), None | Some(Value::Str(_))) || !ordered.bool_or(true)? {
        return Err(ordered.invalid("pd.cut's bins are always ordered and unique here"));
    }
    let options = crate::plan::cut::CutOptions {
        right: right.bool_or(true)?,
        include_lowest: include_lowest.bool_or(false)?,
        precision: precision.int_or(3)? as i32,
        labels,
        bin_numbers,
    };
    let (binned, edges) =
        crate::plan::cut::cut(planner, series, bins, &options).map_err(|e| e.at(x.span()))?;
    with_edges(binned, edges, retbins)
}

fn merge(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [left, rest @ ..] = args.params::<10>()?;
    frame::merge(left_frame(&left, "merge")?, MergeArgs::from(rest))
}

/// The frame a top-level merge (`pd.merge`, `pd.merge_ordered`, `pd.merge_asof`) takes first.
fn left_frame<'a>(left: &Arg<'a>, verb: &str) -> Result<&'a Frame> {
    match left.required()? {
        Value::Frame(l) => Ok(l),
        other => Err(left.invalid(format!(
            "{verb}'s left side is a frame, not {}",
            other.kind_name()
        ))),
    }
}

/// `pd.merge_ordered(left, right, on=, fill_method=, how="outer")`: the merge, its rows in
/// the order of the keys (the merge's own order among equal keys, as pandas' stable sort keeps
/// it), and forward filled when asked.
fn merge_ordered(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [
        left,
        right,
        on,
        left_on,
        right_on,
        left_by,
        right_by,
        fill_method,
        suffixes,
        how,
    ] = args.params()?;
    for by in [&left_by, &right_by] {
        if by.is_given() {
            return Err(by
                .invalid("merge_ordered by groups (left_by=, right_by=) is not supported")
                .with_help("merge_ordered each group's rows and pd.concat them"));
        }
    }
    let left_frame = left_frame(&left, "merge_ordered")?;
    let right_frame = frame::other_frame(right, "merge_ordered")?;
    let (left_keys, right_keys) =
        frame::merge_keys(left_frame, &right_frame, [&on, &left_on, &right_on])?;
    check_columns(left_frame, &left_keys).map_err(|e| e.at(left.span()))?;
    check_columns(&right_frame, &right_keys).map_err(|e| e.at(right.span()))?;
    let how = frame::join_how(how, "outer")?;
    let suffixes = frame::suffix_pair(suffixes)?;
    let keys = (left_keys.as_slice(), right_keys.as_slice());
    let merged = frame::merge_on_keys(left_frame, &right_frame, keys, &how, &suffixes)?;
    // A key only the right has is missing on the left (unless the two share its name).
    let merged_columns = merged.columns();
    let sort_keys: Vec<Expr> = left_keys
        .iter()
        .zip(&right_keys)
        .map(|(l, r)| match l == r || !merged_columns.contains(r) {
            true => column(l),
            false => f::coalesce(vec![column(l), column(r)]),
        })
        .collect();
    let ascending = vec![true; sort_keys.len()];
    let sorted = series::sorted_by(&merged, sort_keys, &ascending, false);
    let filled = match fill_method.str_opt()? {
        None => sorted,
        Some("ffill") => {
            let over = Over::all(&sorted);
            let fill =
                |s: &Series, over: &Over| window::fill(s, over, true, None, FillArea::Anywhere);
            match windowing::columns_of(&sorted, &sorted.value_columns(), &over, fill)? {
                Value::Frame(filled) => filled,
                other => {
                    return Err(fill_method.invalid(format!("ffill gave {}", other.kind_name())));
                }
            }
        }
        Some(other) => {
            return Err(fill_method.invalid(format!(
                "fill_method \"{other}\" is not supported; pandas takes \"ffill\" or None"
            )));
        }
    };
    index::relabelled(&filled).map(Value::Frame)
}

/// `pd.merge_asof(left, right, on=, by=, ...)`.
fn merge_asof(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [
        left,
        right,
        on,
        left_on,
        right_on,
        left_index,
        right_index,
        by,
        left_by,
        right_by,
        suffixes,
        tolerance,
        exact,
        direction,
    ] = args.params()?;
    let left_frame = left_frame(&left, "merge_asof")?;
    let right_frame = frame::other_frame(right, "merge_asof")?;
    if left_index.bool_or(false)? || right_index.bool_or(false)? {
        let index = if left_index.is_given() {
            left_index
        } else {
            right_index
        };
        return Err(index
            .invalid("merge_asof on an index is not supported")
            .with_help("reset_index() first and give the key with on="));
    }
    let (left_key, right_key) = match (on.str_opt()?, left_on.str_opt()?, right_on.str_opt()?) {
        (Some(on), None, None) => (on.to_string(), on.to_string()),
        (None, Some(l), Some(r)) => (l.to_string(), r.to_string()),
        _ => {
            return Err(on.invalid(
                "merge_asof matches on one column: give on=\"col\", or both left_on= and right_on=",
            ));
        }
    };
    let (left_by, right_by) = match (by.names()?, left_by.names()?, right_by.names()?) {
        (Some(by), None, None) => (by.clone(), by),
        (None, Some(l), Some(r)) if l.len() == r.len() => (l, r),
        (None, None, None) => (Vec::new(), Vec::new()),
        _ => {
            return Err(by.invalid("give by=, or left_by= and right_by= with as many columns each"));
        }
    };
    let mut left_names = vec![left_key.clone()];
    left_names.extend(left_by.iter().cloned());
    check_columns(left_frame, &left_names).map_err(|e| e.at(left.span()))?;
    let mut right_names = vec![right_key.clone()];
    right_names.extend(right_by.iter().cloned());
    check_columns(&right_frame, &right_names).map_err(|e| e.at(right.span()))?;
    let request = asof::AsofRequest {
        left_on: left_key,
        right_on: right_key,
        left_by,
        right_by,
        suffixes: frame::suffix_pair(suffixes)?,
        direction: asof_direction(direction)?,
        allow_exact_matches: exact.bool_or(true)?,
        tolerance: asof_tolerance(tolerance)?,
    };
    asof::merge_asof(left_frame, &right_frame, &request).map(Value::Frame)
}

/// merge_asof's `direction=`.
fn asof_direction(direction: Arg) -> Result<asof::Direction> {
    match direction.str_or("backward")? {
        "backward" => Ok(asof::Direction::Backward),
        "forward" => Ok(asof::Direction::Forward),
        "nearest" => Ok(asof::Direction::Nearest),
        other => Err(direction.invalid(format!(
            "direction \"{other}\" is not one of pandas' \"backward\", \"forward\" or \"nearest\""
        ))),
    }
}

/// merge_asof's `tolerance=`: a number, or a span such as `pd.Timedelta("3D")`.
fn asof_tolerance(tolerance: Arg) -> Result<Option<Expr>> {
    match tolerance.value() {
        None | Some(Value::None) => Ok(None),
        Some(Value::Int(n)) => Ok(Some(lit(*n))),
        Some(Value::Float(x)) => Ok(Some(lit(*x))),
        Some(Value::Scalar(s)) => Ok(Some(s.expr.clone())),
        Some(other) => Err(tolerance.invalid(format!(
            "tolerance is a number or a pd.Timedelta, not {}",
            other.kind_name()
        ))),
    }
}

/// `pd.to_timedelta(arg, unit="ns", errors="raise")` of numbers: each a number of `unit`s,
/// fractions rounded to the nanosecond.
fn to_timedelta(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [arg, unit, _errors] = args.params()?;
    let nanos_per_unit = unit_arg(&unit)?;
    let span = |value: Expr, t: &DataType| -> Expr {
        let nanos = if t.is_integer() {
            cast(value, DataType::Int64) * lit(nanos_per_unit)
        } else {
            let scaled = cast(value, DataType::Float64) * lit(nanos_per_unit as f64);
            cast(f::round(vec![scaled]), DataType::Int64)
        };
        cast(nanos, DataType::Duration(TimeUnit::Nanosecond))
    };
    match arg.required()? {
        Value::Series(s) => {
            let t = expr_type(&s.frame, &s.expr)?;
            if !t.is_numeric() {
                return Err(arg.invalid(format!(
                    "pd.to_timedelta takes numbers with unit=, not a series of {}",
                    crate::types::dtype::pandas_dtype(&t)
                )));
            }
            let expr = span(s.expr.clone(), &t);
            Ok(Value::Series(Series { expr, ..s.clone() }))
        }
        Value::Int(n) => Ok(Value::Scalar(Scalar {
            expr: span(lit(*n), &DataType::Int64),
            name: String::new(),
        })),
        Value::Float(x) => Ok(Value::Scalar(Scalar {
            expr: span(lit(*x), &DataType::Float64),
            name: String::new(),
        })),
        Value::Str(text) if is_missing_text(text) => Ok(timedelta_scalar(None)),
        Value::Str(text) => {
            let nanoseconds =
                parse_timedelta(text).map_err(|e| arg.invalid(format!("pd.to_timedelta: {e}")))?;
            Ok(timedelta_scalar(Some(nanoseconds)))
        }
        other => Err(arg.invalid(format!(
            "to_timedelta takes a series of numbers, a number or text such as \"1 day\", not {}",
            other.kind_name()
        ))),
    }
}

/// The nanoseconds of the unit `unit=` names ("ns" when it is not given).
fn unit_arg(unit: &Arg) -> Result<i64> {
    let name = unit.str_or("ns")?;
    unit_nanoseconds(name).ok_or_else(|| {
        unit.invalid(format!("unknown unit {name:?}"))
            .with_help("use W, D, h, m, s, ms, us or ns")
    })
}

/// `amount` (an int or a float) of units of `per_unit` nanoseconds, fractions rounded to the
/// nanosecond; `None` when `amount` is not a number.
fn nanoseconds_of(amount: &Value, per_unit: i64) -> Option<i128> {
    match amount {
        Value::Int(n) => Some(i128::from(*n) * i128::from(per_unit)),
        Value::Float(x) => Some((x * per_unit as f64).round() as i128),
        _ => None,
    }
}

/// A timedelta scalar of `nanoseconds`; none is pandas' NaT.
fn timedelta_scalar(nanoseconds: Option<i64>) -> Value {
    Value::Scalar(Scalar {
        expr: lit(ScalarValue::DurationNanosecond(nanoseconds)),
        name: String::new(),
    })
}

/// The keywords `pd.Timedelta` adds up.
const TIMEDELTA_KEYWORDS: &[&str] = &[
    "weeks",
    "days",
    "hours",
    "minutes",
    "seconds",
    "milliseconds",
    "microseconds",
    "nanoseconds",
];

/// `pd.Timedelta("1 day")`, `pd.Timedelta(2, unit="h")`, `pd.Timedelta(days=1, hours=2)`.
fn timedelta(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [value, unit, _components] = args.params()?;
    let mut nanoseconds: i128 = match value.value() {
        None => 0,
        Some(Value::Float(x)) if x.is_nan() => return Ok(timedelta_scalar(None)),
        Some(Value::Str(text)) if is_missing_text(text) => return Ok(timedelta_scalar(None)),
        Some(Value::Str(text)) => i128::from(
            parse_timedelta(text).map_err(|e| value.invalid(format!("pd.Timedelta: {e}")))?,
        ),
        Some(number @ (Value::Int(_) | Value::Float(_))) => {
            nanoseconds_of(number, unit_arg(&unit)?).unwrap_or_default()
        }
        Some(other) => {
            return Err(value.invalid(format!(
                "pd.Timedelta takes text such as \"1 day\" or a number with unit=, not {}",
                other.kind_name()
            )));
        }
    };
    for (name, amount) in &args.extra {
        let per_unit = TIMEDELTA_KEYWORDS
            .contains(&name.name.as_str())
            .then(|| unit_nanoseconds(&name.name))
            .flatten()
            .ok_or_else(|| {
                DdqError::input(format!("pd.Timedelta has no keyword `{}`", name.name))
                    .at(name.span)
                    .with_help("use weeks, days, hours, minutes, seconds, milliseconds, microseconds or nanoseconds")
            })?;
        nanoseconds += nanoseconds_of(amount, per_unit).ok_or_else(|| {
            DdqError::type_error(format!(
                "{}= takes a number, not {}",
                name.name,
                amount.kind_name()
            ))
            .at(name.span)
        })?;
    }
    let nanoseconds = i64::try_from(nanoseconds).map_err(|_| {
        DdqError::input("pd.Timedelta: the span is out of range").at(args.call_span)
    })?;
    Ok(timedelta_scalar(Some(nanoseconds)))
}

/// `pd.to_datetime(arg, format=None, errors="raise")`.
fn to_datetime(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [arg, format, errors] = args.params()?;
    let coerce = coerces(errors)?;
    let format = match format.given() {
        None => None,
        Some(Value::Str(text)) => Some(text.clone()),
        Some(other) => {
            return Err(format.invalid(format!("format is a string, not {}", other.kind_name())));
        }
    };
    let parse = |e: Expr| -> Expr {
        let nanos = DataType::Timestamp(TimeUnit::Nanosecond, None);
        match &format {
            // DataFusion reads strftime formats (%Y-%m-%d ...) as Python writes them.
            Some(text) => cast(f::to_timestamp_nanos(vec![e, lit(text.clone())]), nanos),
            None if coerce => try_cast(e, nanos),
            None => cast(e, nanos),
        }
    };
    match arg.required()? {
        Value::Series(s) => {
            let t = expr_type(&s.frame, &s.expr)?;
            let expr = if t.is_temporal() {
                cast(
                    s.expr.clone(),
                    DataType::Timestamp(TimeUnit::Nanosecond, None),
                )
            } else {
                parse(s.expr.clone())
            };
            Ok(Value::Series(Series { expr, ..s.clone() }))
        }
        Value::Str(text) if format.is_none() && !coerce => Ok(Value::Scalar(Scalar {
            expr: timestamp_literal(text),
            name: String::new(),
        })),
        text @ Value::Str(_) => Ok(Value::Scalar(Scalar {
            expr: parse(literal_expr(text).unwrap_or(lit(""))),
            name: String::new(),
        })),
        other => Err(arg.invalid(format!(
            "to_datetime takes a series or a string, not {}",
            other.kind_name()
        ))),
    }
}

/// `pd.Timestamp("text")`: as `pd.to_datetime("text")`.
fn timestamp(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [text] = args.params()?;
    match text.required()? {
        Value::Str(value) => Ok(Value::Scalar(Scalar {
            expr: timestamp_literal(value),
            name: String::new(),
        })),
        other => Err(text.invalid(format!(
            "pd.Timestamp takes text such as \"1995-06-01\", not {}",
            other.kind_name()
        ))),
    }
}

/// The ways of writing a date and time that pandas reads and arrow's parser does not all take
/// (a time without seconds, a date alone in other orders).
const TIMESTAMP_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y/%m/%d %H:%M",
];
const DATE_FORMATS: &[&str] = &["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"];

/// A timestamp written as text, read when the statement is planned; text none of the formats
/// reads is left to the engine's parser (which names what it could not read).
fn timestamp_literal(text: &str) -> Expr {
    let trimmed = text.trim();
    let read = TIMESTAMP_FORMATS
        .iter()
        .find_map(|format| chrono::NaiveDateTime::parse_from_str(trimmed, format).ok())
        .or_else(|| {
            DATE_FORMATS.iter().find_map(|format| {
                chrono::NaiveDate::parse_from_str(trimmed, format)
                    .ok()
                    .and_then(|date| date.and_hms_opt(0, 0, 0))
            })
        })
        .and_then(|t| t.and_utc().timestamp_nanos_opt());
    match read {
        Some(nanoseconds) => lit(ScalarValue::TimestampNanosecond(Some(nanoseconds), None)),
        None => cast(
            lit(text.to_string()),
            DataType::Timestamp(TimeUnit::Nanosecond, None),
        ),
    }
}

/// `pd.offsets.Day(n)`, `Hour`, `Minute`, `Second`: pandas' fixed offsets (its "ticks"), a
/// span of n units, as a timedelta.
fn tick_offset(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [n] = args.params()?;
    let unit = match args.verb().name.rsplit('.').next() {
        Some("Day") => "days",
        Some("Hour") => "hours",
        Some("Minute") => "minutes",
        _ => "seconds",
    };
    let per_unit = unit_nanoseconds(unit).unwrap_or_default();
    let amount = n.given().cloned().unwrap_or(Value::Int(1));
    let nanoseconds = match &amount {
        Value::Int(count) => i64::try_from(i128::from(*count) * i128::from(per_unit)).ok(),
        other => {
            return Err(n.invalid(format!("n is a whole number, not {}", other.kind_name())));
        }
    };
    match nanoseconds {
        Some(nanoseconds) => Ok(timedelta_scalar(Some(nanoseconds))),
        None => Err(n.invalid("the span is out of range")),
    }
}

/// `pd.offsets.BDay(n=1)`: the frequency of every n-th business day, by its alias (`"B"`,
/// `"2B"`).
fn business_day(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [n] = args.params()?;
    match n.int_or(1)? {
        1 => Ok(Value::Offset("B".into())),
        count if count > 1 => Ok(Value::Offset(format!("{count}B"))),
        _ => Err(n.invalid("n is a whole number of business days, at least 1")),
    }
}

/// The keywords `pd.DateOffset` takes: calendar months first, then nanoseconds of each unit.
const DATE_OFFSET_MONTHS: &[(&str, i32)] = &[("years", 12), ("months", 1)];
const DATE_OFFSET_SPANS: &[&str] = &["weeks", "days", "hours", "minutes", "seconds"];

/// `pd.DateOffset(months=2, days=1)`: an interval of calendar months and days, and of time, as
/// dateutil's relativedelta adds them to a date (months first, clamped to the month's end).
fn date_offset(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [_components] = args.params()?;
    let (mut months, mut days, mut nanoseconds) = (0i64, 0i64, 0i128);
    for (name, amount) in &args.extra {
        let whole = match amount {
            Value::Int(n) => *n,
            other => {
                return Err(DdqError::type_error(format!(
                    "{}= takes a whole number, not {}",
                    name.name,
                    other.kind_name()
                ))
                .at(name.span));
            }
        };
        if let Some((_, per)) = DATE_OFFSET_MONTHS
            .iter()
            .find(|(unit, _)| *unit == name.name)
        {
            months += whole * i64::from(*per);
            continue;
        }
        match name.name.as_str() {
            "weeks" => days += whole * 7,
            "days" => days += whole,
            unit if DATE_OFFSET_SPANS.contains(&unit) => {
                let per = unit_nanoseconds(unit).unwrap_or_default();
                nanoseconds += i128::from(whole) * i128::from(per);
            }
            other => {
                return Err(
                    DdqError::input(format!("pd.DateOffset has no keyword `{other}`"))
                        .at(name.span)
                        .with_help("use years, months, weeks, days, hours, minutes or seconds"),
                );
            }
        }
    }
    let out_of_range =
        || DdqError::input("pd.DateOffset: the offset is out of range").at(args.call_span);
    let interval = IntervalMonthDayNano {
        months: i32::try_from(months).map_err(|_| out_of_range())?,
        days: i32::try_from(days).map_err(|_| out_of_range())?,
        nanoseconds: i64::try_from(nanoseconds).map_err(|_| out_of_range())?,
    };
    Ok(Value::Scalar(Scalar {
        expr: lit(ScalarValue::IntervalMonthDayNano(Some(interval))),
        name: String::new(),
    }))
}

/// `pd.to_numeric(series, errors=)`: numbers as they are; text as int64 when every value reads
/// as an integer (none missing), else as float64, as pandas decides from the data.
fn to_numeric(planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [arg, errors] = args.params()?;
    let coerce = coerces(errors)?;
    let series = match arg.required()? {
        Value::Series(s) => s.clone(),
        other => {
            return Err(arg.invalid(format!(
                "to_numeric takes a series, not {}",
                other.kind_name()
            )));
        }
    };
    let data_type = expr_type(&series.frame, &series.expr)?;
    if !matches!(
        data_type,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    ) {
        return Ok(Value::Series(series));
    }
    let target = match all_integers(planner, &series)? {
        true => DataType::Int64,
        false => DataType::Float64,
    };
    let expr = match coerce {
        true => try_cast(series.expr.clone(), target),
        false => cast(series.expr.clone(), target),
    };
    Ok(Value::Series(Series { expr, ..series }))
}

/// Whether every value of a text series reads as an integer (none missing): one pass over it.
fn all_integers(planner: &Planner, series: &Series) -> Result<bool> {
    use crate::plan::project::Project;
    let not_integer = try_cast(series.expr.clone(), DataType::Int64).is_null();
    let counted = datafusion::functions_aggregate::expr_fn::sum(cast(not_integer, DataType::Int64));
    let query = series
        .frame
        .df
        .clone()
        .group_by(vec![], vec![counted.alias("n")])?;
    let batches = planner.sources.collect_now(query)?;
    let others = batches
        .iter()
        .find(|b| b.num_rows() > 0)
        .map(|b| ScalarValue::try_from_array(b.column(0), 0))
        .transpose()?;
    Ok(matches!(
        others,
        Some(ScalarValue::Int64(Some(0)) | ScalarValue::Int64(None)) | None
    ))
}

/// `errors=`: whether a value that does not parse becomes missing ("coerce") or fails ("raise").
fn coerces(errors: Arg) -> Result<bool> {
    match errors.given() {
        None => Ok(false),
        Some(Value::Str(e)) if e == "raise" => Ok(false),
        Some(Value::Str(e)) if e == "coerce" => Ok(true),
        Some(_) => Err(errors.invalid("errors is \"raise\" or \"coerce\"")),
    }
}

fn isna(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    missing(args, true)
}

fn notna(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    missing(args, false)
}

fn missing(args: &Args, missing: bool) -> Result<Value> {
    let [obj] = args.params()?;
    Ok(match obj.required()? {
        Value::Series(s) => Value::Series(Series {
            expr: series::isna(s, missing),
            ..s.clone()
        }),
        Value::Frame(f) => frame::map_columns(f, |s| Ok(series::isna(s, missing)))?,
        Value::None => Value::Bool(missing),
        Value::Float(x) => Value::Bool(x.is_nan() == missing),
        Value::Int(_) | Value::Str(_) | Value::Bool(_) => Value::Bool(!missing),
        other => {
            return Err(obj.invalid(format!(
                "isna/notna take a value, a series or a frame, not {}",
                other.kind_name()
            )));
        }
    })
}
