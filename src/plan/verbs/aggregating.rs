//! Reducing values: `describe`, `unique`, `value_counts`, the reductions (`count`, `sum`,
//! `mean`, ... `first`, `last`) of a frame, a series or a groupby, `groupby` itself and its
//! `agg` and `size`.

use super::Form::Method;
use super::Receiver as On;
use super::inspecting::rows_of_series;
use super::{Arg, Args, Verb, wrong_receiver};
use crate::error::{DdqError, Result};
use crate::plan::groupby::{self, Agg};
use crate::plan::project::Project;
use crate::plan::value::{CustomAggregation, Frame, GroupBy, Lambda, Selection, Series, Value};
use crate::plan::value::{column, display_name};
use crate::plan::{Planner, check_columns, frame, ops, selection_columns, series, window};
use datafusion::arrow::datatypes::DataType;
use datafusion::logical_expr::{cast, lit};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "describe",
        receivers: &[On::Frame, On::Series, On::GroupBy],
        form: Method,
        params: &["percentiles", "include", "exclude"],
        signature: "describe(percentiles=[0.25, 0.5, 0.75], include=None, exclude=None)",
        summary: "count, mean, std, min, percentiles (the quartiles unless given; the median always) and max of the numeric and datetime columns; count, unique, top and freq of text (include=\"all\", \"object\", [\"number\"], ...). Of a groupby, per group: of one column the statistics, of several each column's as COLUMN_STATISTIC.",
        example: "ddf[[\"DepDelay\", \"ArrDelay\"]].describe()",
        expected: "statistic,DepDelay,ArrDelay\ncount,20402.0,20332.0\nmean,8.882119400058818,5.635254770804643\nstd,27.50845572498693,29.86003044206578\nmin,-15.0,-47.0\n25%,-3.0,-10.0\n50%,1.0,-1.0\n75%,7.0,12.0\nmax,1006.0,1003.0\n",
        plan: describe,
        group: "Aggregating",
    },
    Verb {
        name: "unique",
        receivers: &[On::Series],
        form: Method,
        params: &[],
        signature: "unique()",
        summary: "Distinct values in order of first appearance.",
        example: "ddf.Origin.unique()",
        expected: "Origin\nJFK\nEWR\nLGA\n",
        plan: unique,
        group: "Aggregating",
    },
    Verb {
        name: "value_counts",
        receivers: &[On::Series],
        form: Method,
        params: &["sort", "ascending", "dropna", "normalize", "bins"],
        signature: "value_counts(ascending=False, dropna=True, normalize=False, bins=None)",
        summary: "How often each value occurs, most frequent first; the counts are named `count`. With bins= (a number of equal-width bins, or edges), how many values fall in each, as pd.cut(s, bins, include_lowest=True) bins them.",
        example: "ddf.Cancelled.value_counts()",
        expected: "Cancelled,count\nFalse,20402\nTrue,398\n",
        plan: value_counts,
        group: "Aggregating",
    },
    Verb {
        name: "value_counts",
        receivers: &[On::Frame],
        form: Method,
        params: &["subset", "normalize", "sort", "ascending", "dropna"],
        signature: "df.value_counts(subset=None, normalize=False, sort=True, ascending=False, dropna=True)",
        summary: "How often each combination of the columns' values (or subset=) occurs, most frequent first, ties in key order; keyed by the columns, the counts named `count` (`proportion` with normalize=True).",
        example: "ddf[[\"Origin\", \"Cancelled\"]].value_counts().head(4)",
        expected: "Origin,Cancelled,count\nEWR,False,6949\nLGA,False,6741\nJFK,False,6712\nEWR,True,144\n",
        plan: frame_value_counts,
        group: "Aggregating",
    },
    Verb {
        name: "count",
        receivers: super::REDUCTION,
        form: Method,
        params: &["axis", "skipna", "numeric_only", "split_out"],
        signature: "count()",
        summary: "Non-missing values (per column, per group).",
        example: "ddf[[\"DepDelay\", \"TailNum\"]].count()",
        expected: "column,count\nDepDelay,20402\nTailNum,10656\n",
        plan: reduce_along,
        group: "Aggregating",
    },
    Verb {
        name: "sum",
        receivers: super::REDUCTION,
        form: Method,
        params: &["axis", "skipna", "numeric_only", "split_out"],
        signature: "sum()",
        summary: "Sum, skipping missing values.",
        example: "ddf.Distance.sum()",
        expected: "20491072\n",
        plan: reduce_along,
        group: "Aggregating",
    },
    Verb {
        name: "mean",
        receivers: super::REDUCTION,
        form: Method,
        params: &["axis", "skipna", "numeric_only", "split_out"],
        signature: "mean()",
        summary: "Mean, skipping missing values.",
        example: "ddf.groupby(\"Origin\").DepDelay.mean()",
        expected: "Origin,DepDelay\nEWR,9.44380486400921\nJFK,8.238974970202623\nLGA,8.943480195816644\n",
        plan: reduce_along,
        group: "Aggregating",
    },
    Verb {
        name: "min",
        receivers: super::REDUCTION,
        form: Method,
        params: &["axis", "skipna", "numeric_only", "split_out"],
        signature: "min()",
        summary: "Minimum, skipping missing values.",
        example: "ddf.groupby(\"Origin\")[\"ArrDelay\"].min()",
        expected: "Origin,ArrDelay\nEWR,-38.0\nJFK,-41.0\nLGA,-47.0\n",
        plan: reduce_along,
        group: "Aggregating",
    },
    Verb {
        name: "max",
        receivers: super::REDUCTION,
        form: Method,
        params: &["axis", "skipna", "numeric_only", "split_out"],
        signature: "max()",
        summary: "Maximum, skipping missing values.",
        example: "ddf.DepDelay.max()",
        expected: "1006.0\n",
        plan: reduce_along,
        group: "Aggregating",
    },
    Verb {
        name: "std",
        receivers: super::REDUCTION,
        form: Method,
        params: &["ddof", "numeric_only"],
        signature: "std(ddof=1)",
        summary: "Standard deviation (sample, ddof=1).",
        example: "ddf.DepDelay.std()",
        expected: "27.50845572498693\n",
        plan: spread,
        group: "Aggregating",
    },
    Verb {
        name: "var",
        receivers: super::REDUCTION,
        form: Method,
        params: &["ddof", "numeric_only"],
        signature: "var(ddof=1)",
        summary: "Variance (sample, ddof=1).",
        example: "ddf.DepDelay.var()",
        expected: "756.7151363735662\n",
        plan: spread,
        group: "Aggregating",
    },
    Verb {
        name: "median",
        receivers: super::REDUCTION,
        form: Method,
        params: &["numeric_only"],
        signature: "median()",
        summary: "Median (exact), skipping missing values.",
        example: "ddf.DepDelay.median()",
        expected: "1.0\n",
        plan: reduce,
        group: "Aggregating",
    },
    Verb {
        name: "skew",
        receivers: super::REDUCTION,
        form: Method,
        params: &["numeric_only"],
        signature: "skew()",
        summary: "Skewness (bias-corrected, as pandas), skipping missing values; one pass, out of core.",
        example: "ddf.groupby(\"Origin\").ArrDelay.skew()",
        expected: "Origin,ArrDelay\nEWR,8.80903006396854\nJFK,3.723676305131746\nLGA,5.052353601319343\n",
        plan: reduce,
        group: "Aggregating",
    },
    Verb {
        name: "kurt",
        receivers: super::REDUCTION,
        form: Method,
        params: &["numeric_only"],
        signature: "kurt()",
        summary: "Excess kurtosis (Fisher's, bias-corrected, as pandas), skipping missing values.",
        example: "ddf.DepDelay.kurt()",
        expected: "160.15628129022434\n",
        plan: reduce,
        group: "Aggregating",
    },
    Verb {
        name: "nunique",
        receivers: &[On::Frame, On::Series, On::GroupBy],
        form: Method,
        params: &["dropna"],
        signature: "nunique()",
        summary: "Number of distinct non-missing values.",
        example: "ddf.Dest.nunique()",
        expected: "34\n",
        plan: reduce,
        group: "Aggregating",
    },
    Verb {
        name: "mode",
        receivers: &[On::Series],
        form: Method,
        params: &["dropna"],
        signature: "s.mode(dropna=True)",
        summary: "The most frequent value, or values when several are as frequent, in ascending order (missing values not counted).",
        example: "ddf.Dest.mode()",
        expected: "Dest\nORD\n",
        plan: mode,
        group: "Aggregating",
    },
    Verb {
        name: "is_unique",
        receivers: &[On::Series],
        form: super::Form::Attribute,
        params: &[],
        signature: "s.is_unique",
        summary: "Whether no value repeats (missing values count as one value), as of an index: `df.index.is_unique`.",
        example: "ddf.set_index(\"Origin\").index.is_unique",
        expected: "False\n",
        plan: is_unique,
        group: "Aggregating",
    },
    Verb {
        name: "groupby",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &[
            "by",
            "dropna",
            "sort",
            "as_index",
            "observed",
            "group_keys",
            "split_out",
            "split_every",
            "level",
        ],
        signature: "groupby(key | [keys] | series, sort=True, dropna=True, as_index=True, level=None)",
        summary: "Group rows by keys; results carry the keys first, sorted by key. A series groups by series of its frame or by its index (`s.groupby(ddf.Origin)`, `s.groupby(level=0)`).",
        example: "ddf.groupby(\"Origin\").DepDelay.mean()",
        expected: "Origin,DepDelay\nEWR,9.44380486400921\nJFK,8.238974970202623\nLGA,8.943480195816644\n",
        plan: groupby,
        group: "Grouping",
    },
    Verb {
        name: "agg",
        receivers: &[On::Frame, On::Series, On::GroupBy, On::Rolling],
        form: Method,
        params: &["func", "**named"],
        signature: "agg(\"fn\" | [\"fn\", ...] | {col: \"fn\" | [\"fn\", ...]} | lambda s: ... | name=(col, \"fn\"))",
        summary: "Aggregate with named functions.",
        example: "ddf.groupby(\"Origin\").agg({\"DepDelay\": \"mean\", \"Distance\": \"max\"})",
        expected: "Origin,DepDelay,Distance\nEWR,9.44380486400921,2559\nJFK,8.238974970202623,2580\nLGA,8.943480195816644,2573\n",
        plan: agg,
        group: "Grouping",
    },
    Verb {
        name: "aggregate",
        receivers: &[On::Frame, On::Series, On::GroupBy],
        form: Method,
        params: &["func", "**named"],
        signature: "aggregate(...)",
        summary: "Same as agg().",
        example: "ddf.groupby(\"Origin\").DepDelay.aggregate(\"max\")",
        expected: "Origin,DepDelay\nEWR,1006.0\nJFK,446.0\nLGA,623.0\n",
        plan: agg,
        group: "Grouping",
    },
    Verb {
        name: "size",
        receivers: &[On::GroupBy],
        form: Method,
        params: &[],
        signature: "size()",
        summary: "Rows per group (nulls included): an unnamed series, as pandas' (its column is 0 after reset_index(); as_index=False names it size).",
        example: "ddf.groupby(\"Origin\").size()",
        expected: "Origin,0\nEWR,7093\nJFK,6840\nLGA,6867\n",
        plan: size,
        group: "Grouping",
    },
    Verb {
        name: "first",
        receivers: &[On::GroupBy],
        form: Method,
        params: &[],
        signature: "first()",
        summary: "First non-missing value per group, in file order.",
        example: "ddf.groupby(\"Origin\").TailNum.first()",
        expected: "Origin,TailNum\nEWR,N616CO\nJFK,N125AA\nLGA,N404CO\n",
        plan: reduce,
        group: "Grouping",
    },
    Verb {
        name: "last",
        receivers: &[On::GroupBy],
        form: Method,
        params: &[],
        signature: "last()",
        summary: "Last non-missing value per group, in file order.",
        example: "ddf.groupby(\"Origin\").TailNum.last()",
        expected: "Origin,TailNum\nEWR,N520DL\nJFK,N758DL\nLGA,N407CO\n",
        plan: reduce,
        group: "Grouping",
    },
];

/// `describe()`: count, mean, std, min, quartiles and max of each numeric column.
fn describe(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [percentiles, include, exclude] = args.params()?;
    let quantiles: Vec<f64> = match percentiles.given() {
        None => Vec::new(),
        Some(Value::List(items) | Value::Tuple(items)) => items
            .iter()
            .map(|item| match item {
                Value::Float(q) => Ok(*q),
                Value::Int(q) => Ok(*q as f64),
                _ => Err(percentiles.invalid("percentiles must be numbers between 0 and 1")),
            })
            .collect::<Result<_>>()?,
        Some(_) => return Err(percentiles.invalid("percentiles must be a list, e.g. [0.1, 0.9]")),
    };
    let frame = match receiver {
        Value::Frame(f) => f,
        Value::Series(s) => series::to_frame(&s)?,
        Value::GroupBy(_) if !quantiles.is_empty() => {
            return Err(percentiles
                .invalid("describe(percentiles=...) of a groupby is not supported")
                .with_help("other quantiles per group: `gb.col.quantile(0.9)`"));
        }
        Value::GroupBy(gb) => return groupby::describe_groups(&gb).map(Value::Frame),
        other => return Err(wrong_receiver(args, &other)),
    };
    let columns = described_columns(&frame, include, exclude)?;
    series::describe(&frame, columns, &quantiles).map_err(|e| e.at(percentiles.span()))
}

/// The columns `describe(include=, exclude=)` describes: all of them for `include="all"`,
/// those of the kinds named (as `select_dtypes` picks them), or pandas' default.
fn described_columns(frame: &Frame, include: Arg, exclude: Arg) -> Result<Vec<String>> {
    let given = |arg: &Arg| !matches!(arg.given(), None | Some(Value::None));
    if matches!(include.given(), Some(Value::Str(all)) if all == "all") {
        return Ok(frame.value_columns());
    }
    if !given(&include) && !given(&exclude) {
        return Ok(series::default_described(frame));
    }
    match frame::select_dtypes(frame, include, exclude)? {
        Value::Frame(selected) => Ok(selected.value_columns()),
        _ => Ok(Vec::new()),
    }
}

/// `unique()`: distinct values in order of first appearance.
fn unique(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [] = args.params()?;
    match receiver {
        Value::Series(s) => rows_of_series(s, |f, key| series::drop_duplicates(f, vec![key], None)),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `value_counts(sort=True, ascending=False, dropna=True, normalize=False)`
fn value_counts(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [sort, ascending, dropna, normalize, bins] = args.params()?;
    let Value::Series(s) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    if !bins.is_given() {
        return series::value_counts(&s, [sort, ascending, dropna, normalize]);
    }
    // pandas counts the bins of pd.cut(s, bins, include_lowest=True).
    let options = crate::plan::cut::CutOptions {
        right: true,
        include_lowest: true,
        precision: 3,
        labels: None,
        bin_numbers: false,
    };
    let bins = super::functions::cut_bins(&bins)?;
    let (binned, _) = crate::plan::cut::cut(planner, &s, bins, &options)?;
    if !normalize.bool_or(false)? {
        return series::value_counts(&binned, [sort, ascending, dropna, normalize]);
    }
    // Binned shares are of every row, the missing ones included, as pandas divides them.
    let counted = [sort, ascending, dropna, normalize.left_out()];
    let Value::Series(counts) = series::value_counts(&binned, counted)? else {
        return Err(normalize.invalid("value_counts gave no series"));
    };
    Ok(Value::Series(series::shares_of_all_rows(counts, &s)?))
}

/// `df.value_counts(subset=None, normalize=False, sort=True, ascending=False, dropna=True)`
fn frame_value_counts(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    match receiver {
        Value::Frame(f) => series::frame_value_counts(&f, args.params()?),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// A reduction named by the verb (`count`, `min`, `first`, ...) of a frame, series or groupby;
/// the arguments these take are accepted and have no effect on the answer (`numeric_only`,
/// `dropna` of `nunique`).
fn reduce(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    reduce_by(
        planner,
        receiver,
        args,
        groupby::parse_agg(args.verb().name)?,
    )
}

/// `count`, `sum`, `mean`, `min`, `max` with pandas' `axis`: down each column (0, the
/// default), or across each row's numeric columns (1 or "columns").
fn reduce_along(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    // split_out is Dask's number of output partitions: the answer is the same.
    let [axis, skipna, _numeric_only, _split_out] = args.params()?;
    let agg = groupby::parse_agg(args.verb().name)?;
    if !skipna.bool_or(true)? {
        let Value::Series(s) = &receiver else {
            return Err(skipna.invalid("skipna=False is supported on a series"));
        };
        return missing_when_any_missing(s, agg);
    }
    let across = match axis.given() {
        None | Some(Value::Int(0)) => false,
        Some(Value::Str(a)) if a == "index" || a == "rows" => false,
        Some(Value::Int(1)) => true,
        Some(Value::Str(a)) if a == "columns" => true,
        Some(_) => return Err(axis.invalid("axis is 0 (\"index\") or 1 (\"columns\")")),
    };
    match receiver {
        Value::Frame(f) if across => Ok(Value::Series(groupby::across_columns(&f, agg)?)),
        other if across => Err(axis.invalid(format!(
            "axis=1 applies to a frame, not {}",
            other.kind_name()
        ))),
        other => reduce_by(planner, other, args, agg),
    }
}

/// `s.sum(skipna=False)` and kin: missing when any value is, as pandas gives it.
fn missing_when_any_missing(s: &Series, agg: Agg) -> Result<Value> {
    let scalar = |agg| match groupby::reduce_series(s, agg)? {
        Value::Scalar(scalar) => Ok(scalar),
        other => Err(crate::error::DdqError::execution(format!(
            "internal error: a reduction gave {}",
            other.kind_name()
        ))),
    };
    let (value, present, rows) = (scalar(agg)?, scalar(Agg::Count)?, scalar(Agg::Size)?);
    let expr = datafusion::logical_expr::when(present.expr.eq(rows.expr), value.expr).otherwise(
        datafusion::logical_expr::lit(datafusion::common::ScalarValue::Null),
    )?;
    Ok(Value::Scalar(crate::plan::value::Scalar { expr, ..value }))
}

/// `std(ddof=1)` and `var(ddof=1)`.
fn spread(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [ddof, _numeric_only] = args.params()?;
    let agg = groupby::parse_agg(args.verb().name)?.with_ddof(ddof)?;
    reduce_by(planner, receiver, args, agg)
}

pub(super) fn reduce_by(
    planner: &Planner,
    receiver: Value,
    args: &Args,
    agg: Agg,
) -> Result<Value> {
    if let Value::Series(s) = &receiver
        && let Some(over) = planner.group_window(&s.frame)
    {
        // Inside a function run per group: each row gets its group's value.
        return Ok(Value::Series(window::broadcast(s, &over, agg)?));
    }
    match receiver {
        Value::Frame(f) => groupby::reduce_frame(&f, agg),
        Value::Series(s) => groupby::reduce_series(&s, agg),
        Value::GroupBy(gb) => groupby::aggregate_all(&gb, agg),
        Value::Rolling(rolling) => super::windowing::rolling_aggregate(&rolling, agg),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `groupby(by, dropna=True, sort=True)`: keys first in the results, sorted by key, or with
/// `sort=False` in the order each group first appears.
fn groupby(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    // group_keys changes nothing without apply; split_out and split_every are Dask's
    // partitioning hints.
    let [
        by,
        dropna,
        sort,
        as_index,
        observed,
        _group_keys,
        _split_out,
        _split_every,
        level,
    ] = args.params()?;
    let (f, grouped_series) = match receiver {
        Value::Frame(f) => (f, None),
        Value::Series(s) => {
            if let Some(label) = by.value().and_then(|by| column_label(by, &s.frame)) {
                return Err(by
                    .invalid(format!(
                        "a series groups by series or index levels; `{label}` is no index level"
                    ))
                    .with_help(format!(
                        "group by the column as a series: `s.groupby(df[\"{label}\"])`"
                    )));
            }
            let (frame, name) = series_as_column(&s)?;
            if frame.df.logical_plan() != s.frame.df.logical_plan()
                && by.value().is_some_and(|by| reads_column(by, &name))
            {
                return Err(by
                    .invalid(format!(
                        "this key reads column `{name}`, which the grouped series replaces"
                    ))
                    .with_help(format!(
                        "name the series apart first: `.rename(\"{name}_2\")`"
                    )));
            }
            (frame, Some(name))
        }
        other => return Err(wrong_receiver(args, &other)),
    };
    let keys = match (by.value(), level.value()) {
        (Some(_), Some(_)) => return Err(level.invalid("groupby takes by= or level=, not both")),
        (Some(keys), None) => keys.clone(),
        (None, Some(level_value)) => {
            index_level(&f, level_value).map_err(|e| e.at(level.span()))?
        }
        (None, None) => by.required()?.clone(),
    };
    let grouped = groupby::groupby_of(&f, (by, keys), [dropna, sort, as_index, observed])?;
    match (grouped, grouped_series) {
        (Value::GroupBy(gb), Some(name)) => groupby::select(gb, Value::Str(name)),
        (grouped, _) => Ok(grouped),
    }
}

/// A key of a series' groupby given as a name that is not one of its index levels: pandas
/// looks names up in the series' index, not in the frame it came from.
fn column_label(by: &Value, frame: &Frame) -> Option<String> {
    match by {
        Value::Str(name) => {
            (!frame.key_columns().iter().any(|k| display_name(k) == name)).then(|| name.clone())
        }
        Value::List(items) | Value::Tuple(items) => {
            items.iter().find_map(|item| column_label(item, frame))
        }
        _ => None,
    }
}

/// Whether a groupby key (a series, or a list of keys) reads column `name`.
fn reads_column(by: &Value, name: &str) -> bool {
    match by {
        Value::Series(s) => s.expr.column_refs().iter().any(|c| c.name == name),
        Value::List(items) | Value::Tuple(items) => items.iter().any(|i| reads_column(i, name)),
        _ => false,
    }
}

/// A series' frame with the series as a column of it, and that column's name: what
/// `s.groupby(...)` groups, so that its keys may be other series of the same frame.
fn series_as_column(s: &Series) -> Result<(Frame, String)> {
    let name = match s.name.is_empty() {
        true => "0".to_string(),
        false => s.name.clone(),
    };
    let s = window::plain(s)?;
    if s.expr == column(&name) {
        return Ok((s.frame, name));
    }
    let df = s.frame.df.clone().set_column(&name, s.expr.clone())?;
    Ok((s.frame.with_df(df), name))
}

/// `s.is_unique`: as many distinct values (a missing one counted once) as rows.
fn is_unique(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    use datafusion::functions_aggregate::expr_fn::{count, count_distinct, max};
    let Value::Series(series) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let series = window::plain(&series)?;
    let any_missing = max(cast(series.expr.clone().is_null(), DataType::Int64));
    let distinct = count_distinct(series.expr.clone())
        + datafusion::functions::expr_fn::coalesce(vec![any_missing, lit(0i64)]);
    let unique = distinct.eq(count(lit(1)));
    let df = series
        .frame
        .df
        .clone()
        .group_by(vec![], vec![unique.alias("value")])?;
    Ok(Value::Scalar(groupby::scalar_of(df, &series.name)))
}

/// The index column `groupby(level=...)` names: by position (0 is the first key) or by name.
fn index_level(frame: &Frame, level: &Value) -> Result<Value> {
    let keys = frame.key_columns();
    let found = match level {
        Value::Int(i) => usize::try_from(*i).ok().and_then(|i| keys.get(i)),
        Value::Str(name) => keys.iter().find(|k| display_name(k) == name),
        other => {
            return Err(DdqError::type_error(format!(
                "level= is an index level's position or name, not {}",
                other.kind_name()
            )));
        }
    };
    match found {
        Some(key) => Ok(Value::Str(key.clone())),
        None if keys.is_empty() => Err(DdqError::type_error(
            "groupby(level=...) groups by the index, and this frame has none",
        )
        .with_help("set one first, e.g. `df.set_index(\"Dest\")`, or group by a column")),
        None => Err(DdqError::type_error(format!(
            "the index has no level {}; its levels are {}",
            match level {
                Value::Str(name) => format!("named {name}"),
                Value::Int(i) => i.to_string(),
                _ => String::new(),
            },
            keys.iter()
                .map(|k| display_name(k))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// `agg(func)` / `aggregate(func)`: one name on a frame or series; a name, list or dict of
/// them on a groupby.
fn agg(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [func, _named] = args.params()?;
    if !args.extra.is_empty() {
        let Value::GroupBy(gb) = receiver else {
            return Err(wrong_receiver(args, &receiver));
        };
        if func.is_given() {
            return Err(func.invalid(
                "give either aggregations or name=(column, aggregation) keywords, not both",
            ));
        }
        return groupby::named_aggregation(&gb, &args.extra);
    }
    if let Some(Value::Aggregation(custom)) = func.value() {
        return custom_aggregate(planner, receiver, custom, func);
    }
    if let Value::Rolling(rolling) = &receiver {
        let aggs =
            match func.required()? {
                Value::Str(name) => vec![groupby::parse_agg(name).map_err(|e| e.at(func.span()))?],
                Value::List(items) => groupby::agg_list(items, func)?,
                _ => return Err(func.invalid(
                    "a window is aggregated by a name or a list of names, e.g. [\"sum\", \"mean\"]",
                )),
            };
        return match aggs.as_slice() {
            [one] if matches!(func.value(), Some(Value::Str(_))) => {
                super::windowing::rolling_aggregate(rolling, *one)
            }
            _ => super::windowing::rolling_agg_list(rolling, &aggs),
        };
    }
    if let Value::GroupBy(gb) = &receiver
        && let Some(funcs) = per_column_functions(gb, func)?
    {
        return agg_per_column(planner, gb, &funcs, func);
    }
    if let Some(Value::Lambda(lambda)) = func.value() {
        return agg_lambda(planner, receiver, lambda, func);
    }
    if let Some(Value::List(names)) = func.value()
        && !matches!(receiver, Value::GroupBy(_))
    {
        return agg_list(receiver, names, func, args);
    }
    if let (Value::Frame(f), Some(Value::Dict(entries))) = (&receiver, func.value()) {
        return agg_dict_frame(f, entries, func);
    }
    match receiver {
        Value::Frame(f) => groupby::reduce_frame(&f, groupby::reduction_of(func)?),
        Value::Series(s) => groupby::reduce_series(&s, groupby::reduction_of(func)?),
        Value::GroupBy(gb) => groupby::aggregate_with(&gb, func),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// A column, the function that aggregates it (a name or a lambda), and the result's name.
type ColumnFunction<'a> = (String, &'a Value, String);

/// The (column, function, result name) of a groupby `agg` that needs a function per column:
/// a lambda over several columns, or a dict with a lambda among its values. `None` for the
/// aggregations the engine runs in one pass (names, lists and dicts of names).
fn per_column_functions<'a>(
    gb: &GroupBy,
    func: Arg<'a>,
) -> Result<Option<Vec<ColumnFunction<'a>>>> {
    let is_lambda = |v: &Value| matches!(v, Value::Lambda(_));
    match func.value() {
        Some(lambda @ Value::Lambda(_)) if !matches!(gb.selection, Selection::Series(_)) => {
            Ok(Some(
                selection_columns(gb)
                    .into_iter()
                    .map(|name| (name.clone(), lambda, name))
                    .collect(),
            ))
        }
        Some(Value::List(items)) if items.iter().any(is_lambda) => {
            Ok(Some(list_with_functions(gb, items)))
        }
        Some(Value::Dict(pairs))
            if pairs.iter().any(|(_, v)| match v {
                Value::List(items) => items.iter().any(is_lambda),
                other => is_lambda(other),
            }) =>
        {
            // With a list anywhere, pandas' columns get two levels, written COLUMN_AGG.
            let two_levels = pairs.iter().any(|(_, v)| matches!(v, Value::List(_)));
            let label = |f: &Value| match f {
                Value::Str(name) => name.clone(),
                _ => "<lambda>".to_string(),
            };
            let mut funcs = Vec::new();
            for (key, value) in pairs {
                let Value::Str(name) = key else {
                    return Err(func.invalid("agg({...}) keys must be column names"));
                };
                match value {
                    Value::List(items) => funcs.extend(
                        items
                            .iter()
                            .zip(function_labels(items))
                            .map(|(f, label)| (name.clone(), f, format!("{name}_{label}"))),
                    ),
                    f if two_levels => {
                        funcs.push((name.clone(), f, format!("{name}_{}", label(f))))
                    }
                    f => funcs.push((name.clone(), f, name.clone())),
                }
            }
            Ok(Some(funcs))
        }
        _ => Ok(None),
    }
}

/// `gb.col.agg(["mean", lambda s: ...])`: each function of the list on each selected column,
/// named as pandas names them: the aggregation's name, `<lambda>` (`<lambda_0>`, `<lambda_1>`,
/// ... when there are several), as COLUMN_FUNCTION when several columns are selected.
fn list_with_functions<'a>(gb: &GroupBy, items: &'a [Value]) -> Vec<ColumnFunction<'a>> {
    let labels = function_labels(items);
    let one = matches!(gb.selection, Selection::Series(_));
    let mut funcs = Vec::new();
    for name in selection_columns(gb) {
        for (f, label) in items.iter().zip(&labels) {
            let out = match one {
                true => label.clone(),
                false => format!("{name}_{label}"),
            };
            funcs.push((name.clone(), f, out));
        }
    }
    funcs
}

/// What pandas calls each function of an aggregation list: a name as written; a lambda
/// `<lambda>` alone, and `<lambda_0>`, `<lambda_1>`, ... in a list of several functions.
fn function_labels(items: &[Value]) -> Vec<String> {
    let mut lambdas = 0;
    items
        .iter()
        .map(|f| match f {
            Value::Str(name) => name.clone(),
            _ if items.len() == 1 => "<lambda>".to_string(),
            _ => {
                lambdas += 1;
                format!("<lambda_{}>", lambdas - 1)
            }
        })
        .collect()
}

/// `gb[["a", "b"]].agg(lambda x: ...)`, `gb.agg({"a": "sum", "b": lambda x: ...})`: each
/// column's aggregation planned on its own (a lambda as `gb.col.agg(lambda)` plans it), the
/// results side by side by key.
fn agg_per_column(
    planner: &Planner,
    gb: &GroupBy,
    funcs: &[ColumnFunction],
    func: Arg,
) -> Result<Value> {
    let mut columns = Vec::new();
    for (name, f, out) in funcs {
        check_columns(&gb.frame, std::slice::from_ref(name))?;
        let one = GroupBy {
            selection: Selection::Series(name.clone()),
            as_index: true,
            ..gb.clone()
        };
        let value = match f {
            Value::Lambda(lambda) => agg_lambda(planner, Value::GroupBy(one), lambda, func)?,
            Value::Str(agg) => {
                let agg = groupby::parse_agg(agg).map_err(|e| e.at(func.span()))?;
                groupby::aggregate_all(&one, agg)?
            }
            other => {
                return Err(func.invalid(format!(
                    "agg({{...}}) values must be aggregation names or functions, not {}",
                    other.kind_name()
                )));
            }
        };
        match value {
            Value::Series(series) => columns.push((out.clone(), series)),
            other => {
                return Err(func.invalid(format!(
                    "the aggregation of `{name}` gave {} where a value per group is needed",
                    other.kind_name()
                )));
            }
        }
    }
    Ok(groupby::keyed(gb, ops::keyed_frame(&columns)?, None))
}

/// `s.agg(["sum", "mean"])`: a series keyed by aggregation; `df.agg([...])`: a frame with a
/// row per aggregation and a column per column, as pandas lays them out.
fn agg_list(receiver: Value, names: &[Value], func: Arg, args: &Args) -> Result<Value> {
    let mut aggs = Vec::new();
    for name in names {
        let Value::Str(name) = name else {
            return Err(
                func.invalid("agg([...]) takes aggregation names, e.g. [\"sum\", \"mean\"]")
            );
        };
        aggs.push(groupby::parse_agg(name).map_err(|e| e.at(func.span()))?);
    }
    let labels: Vec<String> = aggs.iter().map(|a| a.name().to_string()).collect();
    match receiver {
        Value::Series(s) => {
            let mut values = Vec::new();
            for (agg, label) in aggs.iter().zip(&labels) {
                match groupby::reduce_series(&s, *agg)? {
                    Value::Scalar(scalar) => values.push((label.clone(), scalar.expr)),
                    other => {
                        return Err(func.invalid(format!("{label} gave {}", other.kind_name())));
                    }
                }
            }
            Ok(Value::Series(groupby::values_series(
                &s.frame, values, &s.name,
            )?))
        }
        Value::Frame(f) => {
            let requested = f
                .value_columns()
                .into_iter()
                .map(|c| (c, aggs.iter().copied().map(Some).collect()))
                .collect();
            frame_statistics(&f, &labels, requested)
        }
        other => Err(wrong_receiver(args, &other)),
    }
}

/// A frame of statistics (rows) by column, `requested[column][statistic]` computed where asked
/// for and missing elsewhere: `df.agg(["sum", "mean"])`, `df.agg({"a": ["min"], "b": ["max"]})`.
fn frame_statistics(
    f: &crate::plan::value::Frame,
    labels: &[String],
    requested: Vec<(String, Vec<Option<Agg>>)>,
) -> Result<Value> {
    let mut columns = Vec::new();
    let mut aggregates = Vec::new();
    for (name, aggs) in requested {
        let t = f.data_type(&name).unwrap_or(DataType::Null);
        let per_agg = aggs
            .into_iter()
            .map(|agg| match agg {
                Some(agg) => groupby::agg_expr(agg, column(&name), &t, &f.order, &name),
                None => Ok(datafusion::logical_expr::lit(
                    datafusion::common::ScalarValue::Float64(None),
                )),
            })
            .collect::<Result<Vec<_>>>()?;
        // A column whose aggregations differ in type (sum and mean of integers) is float.
        let types: Vec<DataType> = per_agg
            .iter()
            .map(|e| ops::expr_type(f, e))
            .collect::<Result<_>>()?;
        aggregates.push(if types.windows(2).all(|w| w[0] == w[1]) {
            per_agg
        } else {
            per_agg.into_iter().map(ops::float).collect()
        });
        columns.push(name);
    }
    let cells = aggregates
        .into_iter()
        .map(|column| column.into_iter().map(series::Cell::Aggregate).collect())
        .collect();
    let frame = series::statistics_frame(f, labels, &columns, cells, "agg")?;
    Ok(Value::Frame(frame))
}

/// `df.agg({"a": "min", "b": ["max", "mean"]})`: with a list among the values, a frame of the
/// statistics named (rows, in order of first mention) by column, missing where a column did not
/// ask for one; with names only, a series of each column's one value.
fn agg_dict_frame(
    f: &crate::plan::value::Frame,
    entries: &[(Value, Value)],
    func: Arg,
) -> Result<Value> {
    let wrong = || {
        func.invalid(
            "agg({...}) on a frame maps column names to aggregation names or lists of them",
        )
    };
    let mut per_column: Vec<(String, Vec<Agg>)> = Vec::new();
    let mut any_list = false;
    for (key, value) in entries {
        let Value::Str(name) = key else {
            return Err(wrong());
        };
        check_columns(f, std::slice::from_ref(name))?;
        let aggs = match value {
            Value::Str(one) => vec![groupby::parse_agg(one).map_err(|e| e.at(func.span()))?],
            Value::List(many) => {
                any_list = true;
                groupby::agg_list(many, func).map_err(|e| e.at(func.span()))?
            }
            _ => return Err(wrong()),
        };
        per_column.push((name.clone(), aggs));
    }
    if !any_list {
        let mut values = Vec::new();
        for (name, aggs) in per_column {
            let series = crate::plan::column_series(f, &name)?;
            match groupby::reduce_series(&series, aggs[0])? {
                Value::Scalar(scalar) => values.push((name, scalar.expr)),
                other => return Err(func.invalid(format!("{name} gave {}", other.kind_name()))),
            }
        }
        return Ok(Value::Series(groupby::values_series(f, values, "")?));
    }
    let mut labels: Vec<String> = Vec::new();
    for agg in per_column.iter().flat_map(|(_, aggs)| aggs) {
        if !labels.iter().any(|l| l == agg.name()) {
            labels.push(agg.name().to_string());
        }
    }
    let requested = per_column
        .into_iter()
        .map(|(name, aggs)| {
            let row = labels
                .iter()
                .map(|l| aggs.iter().copied().find(|a| a.name() == l))
                .collect();
            (name, row)
        })
        .collect();
    frame_statistics(f, &labels, requested)
}

/// `gb.col.agg(dd.Aggregation(...))` as Dask runs it, each group whole as one chunk: `chunk`
/// of each group, `agg` of those results grouped again by key, then `finalize` of what `agg`
/// gave. Every step is planned, so it runs at engine speed and on a cluster.
fn custom_aggregate(
    planner: &Planner,
    receiver: Value,
    custom: &CustomAggregation,
    func: Arg,
) -> Result<Value> {
    let Value::GroupBy(gb) = &receiver else {
        return Err(func
            .invalid("a dd.Aggregation aggregates groups: `ddf.groupby(key).column.agg(custom)`"));
    };
    let Selection::Series(column_name) = &gb.selection else {
        // Each selected column on its own, side by side, as Dask applies it to a frame's.
        let mut columns = Vec::new();
        for name in selection_columns(gb) {
            let one = GroupBy {
                selection: Selection::Series(name.clone()),
                ..gb.clone()
            };
            match custom_aggregate(planner, Value::GroupBy(one), custom, func)? {
                Value::Series(result) => columns.push((name, result)),
                other => {
                    return Err(func.invalid(format!(
                        "{} gave {}",
                        custom.name,
                        other.kind_name()
                    )));
                }
            }
        }
        return Ok(Value::Frame(ops::keyed_frame(&columns)?));
    };
    let step_results = |step: &str, value: Value| -> Result<Vec<Series>> {
        let items = match value {
            Value::Tuple(items) => items,
            other => vec![other],
        };
        items
            .into_iter()
            .map(|item| match item {
                Value::Series(s) if s.frame.index_columns > 0 => Ok(s),
                other => Err(func
                    .invalid(format!(
                        "{}'s {step} gave {} where one value per group is needed",
                        custom.name,
                        other.kind_name()
                    ))
                    .with_help("reduce its argument, e.g. `lambda s: s.sum()`")),
            })
            .collect()
    };
    let chunks = step_results(
        "chunk",
        planner.apply_lambda(&custom.chunk, vec![receiver.clone()])?,
    )?;
    let regrouped = chunks
        .into_iter()
        .map(|s| regroup(gb, s))
        .collect::<Result<Vec<_>>>()?;
    let combined = planner.apply_lambda(&custom.agg, regrouped)?;
    let result = match &custom.finalize {
        Some(finalize) => {
            let parts = step_results("agg", combined)?;
            planner.apply_lambda(finalize, parts.into_iter().map(Value::Series).collect())?
        }
        None => combined,
    };
    match step_results("result", result)?.as_slice() {
        [one] => Ok(Value::Series(Series {
            name: column_name.clone(),
            ..one.clone()
        })),
        many => Err(func.invalid(format!(
            "{} gave {} values per group where one is needed",
            custom.name,
            many.len()
        ))),
    }
}

/// One value per group, grouped again by its keys (what Dask's `agg` step is given).
fn regroup(gb: &GroupBy, per_group: Series) -> Result<Value> {
    let frame = series::to_frame(&per_group)?;
    let name = frame.value_columns().pop().unwrap_or_default();
    Ok(Value::GroupBy(GroupBy {
        keys: frame
            .key_columns()
            .into_iter()
            .map(|k| (column(&k), k))
            .collect(),
        selection: Selection::Series(name),
        frame,
        bins: None,
        as_index: true,
        ..gb.clone()
    }))
}

/// `agg(lambda s: ...)`: the function's body planned over the series (giving one value) or over
/// each group of one selected column (`gb.col.agg(lambda s: s.max() - s.min())`, giving one
/// value per group).
fn agg_lambda(planner: &Planner, receiver: Value, lambda: &Lambda, func: Arg) -> Result<Value> {
    if let Value::Frame(frame) = &receiver {
        return super::applying::per_column_function(
            planner,
            frame,
            lambda,
            func,
            &Default::default(),
        );
    }
    let single_column = match &receiver {
        Value::Series(_) => true,
        Value::GroupBy(gb) => matches!(gb.selection, Selection::Series(_)),
        _ => false,
    };
    if !single_column {
        return Err(func.invalid(
            "agg(lambda ...) needs one column: select it first, e.g. `gb.DepDelay.agg(lambda s: s.max() - s.min())`",
        ));
    }
    let name = match &receiver {
        Value::GroupBy(GroupBy {
            selection: Selection::Series(name),
            ..
        }) => name.clone(),
        Value::Series(s) => s.name.clone(),
        _ => String::new(),
    };
    let keyed = matches!(receiver, Value::GroupBy(_));
    let applied = match (
        planner.apply_lambda(lambda, vec![receiver.clone()]),
        &receiver,
    ) {
        // A function that computes with the group's values before reducing them
        // (`lambda x: (x - x.mean()).abs().mean()`) is run per group, as `transform` runs it.
        (Err(first), Value::GroupBy(gb)) => {
            let values = Value::Series(crate::plan::column_series(&gb.frame, &name)?);
            let passed = crate::plan::function::Passed::default();
            return match planner.apply_per_group(lambda, gb, values, &passed) {
                Ok(result) => reduce_per_group(gb, result, &name).map_err(|e| e.at(func.span())),
                Err(_) => Err(first),
            };
        }
        (applied, _) => applied?,
    };
    match applied {
        Value::Series(s) if keyed && s.frame.index_columns > 0 => {
            Ok(Value::Series(Series { name, ..s }))
        }
        result @ (Value::Scalar(_) | Value::Int(_) | Value::Float(_)) if !keyed => Ok(result),
        other => Err(func
            .invalid(format!(
                "the function gave {} where one value per {} is needed",
                other.kind_name(),
                if keyed { "group" } else { "series" }
            ))
            .with_help("reduce its argument, e.g. `lambda s: s.max() - s.min()`")),
    }
}

/// What `gb.col.agg(f)` gave with `f` run on every group at once, its reductions being windows
/// over the row's group (see [`Planner::apply_per_group`]): it must be the same on every row of
/// a group, that is reduced, and each group's value is then taken once.
fn reduce_per_group(gb: &GroupBy, result: Value, name: &str) -> Result<Value> {
    let keys: Vec<&str> = gb.keys.iter().map(|(_, k)| k.as_str()).collect();
    let reduced = match result {
        Value::Series(r)
            if window::same_rows(&r.frame, &gb.frame) && window::is_reduced(&r.expr, &keys) =>
        {
            r
        }
        other => {
            let given = match other {
                Value::Series(_) => "a value per row",
                other => other.kind_name(),
            };
            return Err(DdqError::function_gave(given, "one value per group")
                .with_help("reduce its argument, e.g. `lambda s: (s - s.mean()).abs().mean()`"));
        }
    };
    let hidden = crate::plan::order::unique_hidden(&reduced.frame, "__ddq_reduced");
    let frame = reduced
        .frame
        .with_df(reduced.frame.df.clone().set_column(&hidden, reduced.expr)?);
    let per_row = GroupBy {
        frame,
        selection: Selection::Series(hidden.clone()),
        ..gb.clone()
    };
    // Every row of a group holds the group's value, so their largest is that value.
    let firsts = groupby::aggregate(&per_row, &[(hidden, Agg::Max, name.to_string())])?;
    Ok(groupby::keyed(gb, firsts, Some(name)))
}

/// `size()`: rows per group, missing values included.
fn size(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [] = args.params()?;
    match receiver {
        Value::GroupBy(gb) => group_sizes(&gb),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// The rows of each group, an unnamed series by the keys.
pub fn group_sizes(gb: &GroupBy) -> Result<Value> {
    let frame = groupby::aggregate(gb, &[(String::new(), Agg::Size, "size".to_string())])?;
    Ok(groupby::keyed(gb, frame, Some("")))
}

/// `s.mode()`
fn mode(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [dropna] = args.params()?;
    if !dropna.bool_or(true)? {
        return Err(dropna
            .invalid("mode(dropna=False) is not supported: ddq counts the present values only"));
    }
    match receiver {
        Value::Series(s) => Ok(Value::Series(groupby::mode(&s)?)),
        other => Err(wrong_receiver(args, &other)),
    }
}
