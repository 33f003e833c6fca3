//! Series attributes and methods, the `.dt` and `.str` accessors, and the row-wise helpers that
//! frames share with series (sampling, sorting, de-duplicating, missing values, dtype casts).

use crate::config::scheduler::SchedulerKind;
use crate::error::{DdqError, Result};
use crate::plan::Planner;
use crate::plan::groupby::{self, Agg};
use crate::plan::nullable;
use crate::plan::ops::{expr_type, float, is_numeric, literal_expr};
use crate::plan::order::{unique_hidden, with_position, with_total};
use crate::plan::project::Project;
use crate::plan::sources::{PART_COLUMN, ROW_COLUMN};
use crate::plan::udf::row_hash;
use crate::plan::value::{Frame, GroupBy, Selection, Series, Value, column};
use crate::plan::verbs::Arg;
use crate::types::dtype::parse_dtype;
use crate::types::float::format_float_python;
use datafusion::arrow::array::{ArrayRef, StringArray, UInt64Array};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::ScalarValue;
use datafusion::functions::expr_fn as f;
use datafusion::functions_aggregate::expr_fn as agg;
use datafusion::functions_nested::expr_fn::make_array;
use datafusion::functions_window::expr_fn::row_number;
use datafusion::logical_expr::{Expr, ExprFunctionExt, SortExpr, cast, lit, scalar_subquery};
use std::sync::Arc;

pub fn accessor_error(accessor: &str, series: &Series, t: &DataType, wanted: &str) -> DdqError {
    DdqError::type_error(format!(
        "can only use .{accessor} with {wanted} values; series `{}` has dtype {}",
        series.name,
        crate::types::dtype::pandas_dtype(t)
    ))
}

pub fn subscript(planner: &Planner, series: Series, index: Value) -> Result<Value> {
    // `s[lambda s: s > 0]`: the function is given the series.
    let index = match index {
        Value::Lambda(lambda) => {
            planner.apply_lambda(&lambda, vec![Value::Series(series.clone())])?
        }
        other => other,
    };
    match index {
        Value::Series(mask) => {
            let frame = crate::plan::frame::filter(&series.frame, &mask)?;
            Ok(Value::Series(Series { frame, ..series }))
        }
        // pandas slices a series by position (`s[:5]`, `s[::-1]`) and by label when the
        // bounds are labels (`ts["1991-01-05":"1991-01-10"]` on a datetime index).
        slice @ Value::Slice(..) => crate::plan::index::series_rows(planner, series, slice, false),
        labels @ Value::LabelSlice(..) => {
            crate::plan::index::series_rows(planner, series, labels, true)
        }
        other => Err(DdqError::type_error(format!(
            "a series is indexed by a boolean series or a slice, not {}",
            other.kind_name()
        ))
        .with_help("use s.iloc[i] for a position or s.loc[label] for a label")),
    }
}

/// The series' values looked up in `pairs` (`map(dict)`, `replace(dict)`), `unmatched` for
/// values without a key; a missing key (`np.nan`, `None`) matches missing values, as in
/// pandas. `None` when a key or value is not a plain value.
pub fn lookup(s: &Series, pairs: &[(Value, Value)], unmatched: Expr) -> Option<Expr> {
    let mut cases = Vec::new();
    for (key, value) in pairs {
        let condition = match key {
            Value::None => isna(s, true),
            Value::Float(x) if x.is_nan() => isna(s, true),
            key => s.expr.clone().eq(literal_expr(key)?),
        };
        cases.push((Box::new(condition), Box::new(literal_expr(value)?)));
    }
    if cases.is_empty() {
        return Some(unmatched);
    }
    Some(Expr::Case(datafusion::logical_expr::Case::new(
        None,
        cases,
        Some(Box::new(unmatched)),
    )))
}

/// A bound of `between`: a plain value or an engine scalar.
pub fn literal_or_scalar(arg: Arg) -> Result<Expr> {
    match arg.required()? {
        Value::Scalar(s) => Ok(s.expr.clone()),
        v => literal_expr(v)
            .ok_or_else(|| arg.invalid(format!("`{}` must be a plain value", arg.name()))),
    }
}

/// `compute(scheduler=...)`: the scheduler one statement asks for, by Dask's names.
pub fn scheduler_arg(scheduler: Arg) -> Result<Option<SchedulerKind>> {
    match scheduler.value() {
        None => Ok(None),
        Some(Value::Str(s)) => s.parse().map(Some).map_err(|e: crate::error::DdqError| {
            let invalid = scheduler.invalid(e.message);
            match e.help {
                Some(help) => invalid.with_help(help),
                None => invalid,
            }
        }),
        Some(_) => {
            Err(scheduler
                .invalid("scheduler must be a string such as \"threads\" or \"processes\""))
        }
    }
}

pub fn astype_expr(series: &Series, name: &str, dtype: Arg) -> Result<Expr> {
    let t = parse_dtype(name).ok_or_else(|| {
        dtype.invalid(format!("unknown dtype `{name}`")).with_help(
            "supported: int64, int32, float64, float32, object, str, bool, datetime64[ns]",
        )
    })?;
    let source = expr_type(&series.frame, &series.expr)?;
    let converted = match source {
        DataType::Timestamp(_, Some(_)) if t == DataType::Utf8 => {
            zoned_timestamp_text(series.expr.clone())
        }
        DataType::Timestamp(..) | DataType::Date32 | DataType::Date64 if t == DataType::Utf8 => {
            timestamp_text(series.expr.clone())
        }
        _ if nullable::is_tagged(&series.expr, series.frame.df.schema()) => {
            nullable::cast_untagged(series.expr.clone(), t)
        }
        _ => cast(series.expr.clone(), t),
    };
    Ok(match nullable::astype_target(name) {
        Some(dtype) => nullable::tagged(converted, &series.name, dtype),
        None => converted,
    })
}

/// A timestamp as pandas' `astype(str)` writes it: the date alone at midnight, else date and
/// time. (pandas decides for the whole column: a column mixing midnights and other times
/// writes every value with its time; ddq decides per value.)
pub(crate) fn timestamp_text(e: Expr) -> Expr {
    let midnight = e.clone().eq(f::date_trunc(lit("day"), e.clone()));
    datafusion::logical_expr::when(midnight, f::to_char(e.clone(), lit("%Y-%m-%d")))
        .otherwise(f::to_char(e, lit("%Y-%m-%d %H:%M:%S")))
        .unwrap_or_else(|_| lit(datafusion::common::ScalarValue::Utf8(None)))
}

/// A timestamp with a time zone as pandas' `str()` writes one: date, time and UTC offset
/// (`2021-01-01 00:00:00+00:00`), midnight included.
pub(crate) fn zoned_timestamp_text(e: Expr) -> Expr {
    f::to_char(e, lit("%Y-%m-%d %H:%M:%S%:z"))
}

/// True where the value is missing (null, or NaN for floats), or the opposite.
pub fn isna(series: &Series, missing: bool) -> Expr {
    let t = expr_type(&series.frame, &series.expr).unwrap_or(DataType::Null);
    let e = series.expr.clone();
    let is_missing = if matches!(t, DataType::Float64 | DataType::Float32) {
        e.clone()
            .is_null()
            .or(f::coalesce(vec![f::isnan(e), lit(false)]))
    } else {
        e.is_null()
    };
    if missing { is_missing } else { !is_missing }
}

pub fn fillna(series: &Series, value_arg: Arg) -> Result<Expr> {
    let value = match value_arg.value() {
        Some(Value::Dict(pairs)) => pairs
            .iter()
            .find(|(k, _)| matches!(k, Value::Str(c) if *c == series.name))
            .map(|(_, v)| v.clone()),
        Some(v) => Some(v.clone()),
        None => return Err(value_arg.invalid("fillna() needs a value")),
    };
    let Some(value) = value else {
        return Ok(series.expr.clone());
    };
    let fill = match value {
        Value::Scalar(s) => s.expr,
        // A series over the same rows fills each row (`x.fillna(x.mean())` per group).
        Value::Series(other) if crate::plan::window::same_rows(&series.frame, &other.frame) => {
            other.expr
        }
        other => {
            literal_expr(&other).ok_or_else(|| value_arg.invalid("fillna() takes a plain value"))?
        }
    };
    // The fill takes the column's type, as pandas keeps a float column float when filled with -1.
    let t = expr_type(&series.frame, &series.expr)?;
    let fill = if t == DataType::Null {
        fill
    } else {
        cast(fill, t)
    };
    let e = series.expr.clone();
    Ok(Expr::Case(datafusion::logical_expr::Case::new(
        None,
        vec![(Box::new(isna(series, true)), Box::new(fill))],
        Some(Box::new(e)),
    )))
}

/// A series as a frame: its keys, one value column, and the hidden bookkeeping.
pub fn to_frame(series: &Series) -> Result<Frame> {
    // An unnamed series becomes column `0`, as pandas' `to_frame()` and `to_csv()` name it.
    let name = if series.name.is_empty() {
        "0".to_string()
    } else {
        series.name.clone()
    };
    // A categorical keeps its categories as the column's metadata.
    let value = match series.categories() {
        Some(categories) => {
            crate::plan::cut::categorical_column(series.expr.clone(), &name, categories)
        }
        None => series.expr.clone(),
    };
    values_frame(&series.frame, vec![(name, value)])
}

/// A frame of the given values over `frame`'s rows, keeping its index and row order.
pub fn values_frame(frame: &Frame, values: Vec<(String, Expr)>) -> Result<Frame> {
    let keys = frame.key_columns();
    let mut exprs: Vec<Expr> = keys.iter().map(|k| column(k)).collect();
    for (name, expr) in values {
        let mut internal = name;
        while keys.contains(&internal) {
            internal.push_str(crate::plan::value::DUPLICATE_SUFFIX);
        }
        exprs.push(expr.alias(&internal));
    }
    exprs.extend(frame.hidden_columns().iter().map(|h| column(h)));
    let needs_position = !crate::plan::order::order_survives(
        frame,
        &[keys.clone(), frame.hidden_columns()].concat(),
    );
    let base = if needs_position {
        with_position(frame, &unique_hidden(frame, "__ddq_pos"))?
    } else {
        frame.clone()
    };
    let mut exprs_with_position = exprs;
    if needs_position {
        exprs_with_position.extend(
            base.hidden_columns()
                .iter()
                .filter(|h| !frame.hidden_columns().contains(h))
                .map(|h| column(h)),
        );
    }
    Ok(base.with_df(base.df.clone().project(exprs_with_position)?))
}

/// A small keyed series made from literal values (`df.dtypes`).
pub fn literal_series(
    planner: &Planner,
    key: &str,
    keys: Vec<String>,
    name: &str,
    values: Vec<String>,
) -> Result<Value> {
    let positions: Vec<u64> = (0..keys.len() as u64).collect();
    let schema = Arc::new(Schema::new(vec![
        Field::new(key, DataType::Utf8, false),
        Field::new(name, DataType::Utf8, false),
        Field::new("__ddq_colpos", DataType::UInt64, false),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(keys)),
        Arc::new(StringArray::from(values)),
        Arc::new(UInt64Array::from(positions)),
    ];
    let batch =
        RecordBatch::try_new(schema, columns).map_err(|e| DdqError::execution(e.to_string()))?;
    let df = planner.ctx.read_batch(batch)?;
    Ok(Value::Series(Series {
        frame: Frame {
            df,
            order: vec![column("__ddq_colpos").sort(true, false)],
            index_columns: 1,
            npartitions: 1,
            partition: None,
            origin: "dtypes".into(),
            divisions: None,
        },
        expr: column(name),
        name: name.to_string(),
        categories: None,
    }))
}

/// `value_counts()`: counts per value, most frequent first, ties in order of first appearance.
/// Counts (a `value_counts` series) as shares of every row of `of`, its missing values
/// included, named `proportion`: pandas' `value_counts(bins=, normalize=True)`.
pub fn shares_of_all_rows(counts: Series, of: &Series) -> Result<Series> {
    let rows = of
        .frame
        .df
        .clone()
        .group_by(vec![], vec![agg::count(lit(1)).alias("__ddq_rows")])?;
    let rows = scalar_subquery(Arc::new(rows.into_unoptimized_plan()));
    Ok(Series {
        expr: float(counts.expr.clone()) / float(rows),
        name: "proportion".to_string(),
        ..counts
    })
}

pub fn value_counts(
    series: &Series,
    [sort, ascending, dropna, normalize]: [Arg; 4],
) -> Result<Value> {
    let dropna_arg = dropna;
    let dropna = !matches!(dropna.value(), Some(Value::Bool(false)));
    let ascending = matches!(ascending.value(), Some(Value::Bool(true)));
    let sort = !matches!(sort.value(), Some(Value::Bool(false)));
    let normalize = matches!(normalize.value(), Some(Value::Bool(true)));
    if let Some(categories) = series.categories() {
        if !dropna {
            return Err(dropna_arg
                .invalid("value_counts(dropna=False) of pd.cut's bins is not supported")
                .with_help("count the values outside every bin with `s.isna().sum()`"));
        }
        let counts =
            crate::plan::cut::value_counts(series, categories, sort, ascending, normalize)?;
        return Ok(Value::Series(counts));
    }
    let series = &crate::plan::window::plain(series)?;
    let gb = GroupBy {
        frame: series.frame.clone(),
        keys: vec![(series.expr.clone(), series.name.clone())],
        selection: Selection::All,
        dropna,
        sort: true,
        bins: None,
        as_index: true,
        categories: None,
    };
    let value_name = if normalize { "proportion" } else { "count" };
    let spec = [(String::new(), Agg::Size, value_name.to_string())];
    let (mut frame, first) = groupby::aggregate_keeping_first(&gb, &spec)?;
    let internal = frame.value_columns().pop().unwrap_or_default();
    if normalize {
        frame = as_proportions(&frame, &internal, &[])?;
    }
    // pandas counts values in the order they first appear and sorts the counts stably, so ties
    // keep that order; `sort=False` keeps it outright.
    let by_appearance = column(&first).sort(true, false);
    frame.order = if sort {
        vec![column(&internal).sort(ascending, false), by_appearance]
    } else {
        vec![by_appearance]
    };
    Ok(Value::Series(Series {
        frame,
        expr: column(&internal),
        name: value_name.to_string(),
        categories: None,
    }))
}

/// The counts in column `counts` as shares of their total: of all of them, or of those of the
/// same `groups` (a groupby's `value_counts(normalize=True)`).
pub(crate) fn as_proportions(frame: &Frame, counts: &str, groups: &[Expr]) -> Result<Frame> {
    let total = unique_hidden(frame, "__ddq_total");
    let sum = Expr::from(datafusion::logical_expr::expr::WindowFunction::new(
        datafusion::functions_aggregate::sum::sum_udaf(),
        vec![column(counts)],
    ))
    .partition_by(groups.to_vec())
    .build()?;
    let with_sum = frame.df.clone().set_column(&total, sum)?;
    let df = with_sum.set_column(counts, float(column(counts)) / float(column(&total)))?;
    Ok(frame.with_df(df))
}

/// `df.value_counts(subset=None, normalize=False, sort=True, ascending=False, dropna=True)`:
/// how often each combination of the columns' values occurs, keyed by the columns. pandas
/// counts a groupby of the columns (sorted by key) and sorts the counts, so ties keep key
/// order.
pub fn frame_value_counts(
    frame: &Frame,
    [subset, normalize, sort, ascending, dropna]: [Arg; 5],
) -> Result<Value> {
    let keys = subset.names()?.unwrap_or_else(|| frame.value_columns());
    crate::plan::check_columns(frame, &keys)?;
    let normalize = normalize.bool_or(false)?;
    let value_name = if normalize { "proportion" } else { "count" };
    let gb = GroupBy {
        frame: frame.clone(),
        keys: keys.iter().map(|k| (column(k), k.clone())).collect(),
        selection: Selection::All,
        dropna: dropna.bool_or(true)?,
        sort: true,
        bins: None,
        as_index: true,
        categories: None,
    };
    let spec = [(String::new(), Agg::Size, value_name.to_string())];
    let mut counts = groupby::aggregate(&gb, &spec)?;
    let internal = counts.value_columns().pop().unwrap_or_default();
    if normalize {
        counts = as_proportions(&counts, &internal, &[])?;
    }
    if sort.bool_or(true)? {
        let by_count = column(&internal).sort(ascending.bool_or(false)?, false);
        counts.order.insert(0, by_count);
    }
    Ok(Value::Series(Series::new(
        counts,
        column(&internal),
        value_name,
    )))
}

/// `sort_values(ascending=...)` as one flag per key.
pub fn ascending_flags(ascending: Arg, keys: usize) -> Result<Vec<bool>> {
    match ascending.value() {
        None => Ok(vec![true; keys]),
        Some(Value::Bool(b)) => Ok(vec![*b; keys]),
        Some(Value::List(items)) if items.len() == keys => items
            .iter()
            .map(|v| match v {
                Value::Bool(b) => Ok(*b),
                _ => Err(ascending.invalid("ascending must be True/False or a list of them")),
            })
            .collect(),
        Some(_) => Err(ascending.invalid("ascending must be True/False or one flag per key")),
    }
}

pub fn nulls_first(na_position: Arg) -> Result<bool> {
    match na_position.value() {
        None => Ok(false),
        Some(Value::Str(s)) if s == "last" => Ok(false),
        Some(Value::Str(s)) if s == "first" => Ok(true),
        Some(_) => Err(na_position.invalid("na_position must be \"first\" or \"last\"")),
    }
}

/// A stable sort: the keys first, then the frame's previous order.
pub fn sorted_by(frame: &Frame, keys: Vec<Expr>, ascending: &[bool], nulls_first: bool) -> Frame {
    let mut order: Vec<SortExpr> = keys
        .into_iter()
        .zip(ascending)
        .map(|(k, asc)| k.sort(*asc, nulls_first))
        .collect();
    order.extend(frame.order.iter().cloned());
    Frame {
        order,
        ..frame.clone()
    }
}

/// `nlargest` / `nsmallest`: the first n rows of a sort, nulls never chosen.
pub fn top_n(frame: &Frame, keys: Vec<Expr>, n: i64, largest: bool) -> Result<Frame> {
    let ascending = vec![!largest; keys.len()];
    let mut df = frame.df.clone();
    for k in &keys {
        df = df.keep_rows(k.clone().is_not_null())?;
    }
    let sorted = sorted_by(&frame.with_df(df), keys, &ascending, false);
    crate::plan::order::head(&sorted, n.max(0) as usize)
}

/// Rows whose `keys` did not occur before (keep="first"), after (keep="last"), or at all (False).
/// Planned as a grouped aggregate over the keys (the first or last row's position and values per
/// group), which spills to disk, rather than a window partitioned by the keys, which must hold
/// its hash partitions in memory.
/// `drop_duplicates(keep=...)`, first kept when there is no `keep` argument (`unique()`).
pub fn drop_duplicates(frame: &Frame, keys: Vec<Expr>, keep: Option<Arg>) -> Result<Frame> {
    let keep = match keep.and_then(|k| k.value().map(|v| (k, v))) {
        None => "first".to_string(),
        Some((_, Value::Str(s))) if s == "first" || s == "last" => s.clone(),
        Some((_, Value::Bool(false))) => "none".to_string(),
        Some((keep, _)) => return Err(keep.invalid("keep must be \"first\", \"last\" or False")),
    };
    let key_names: Vec<String> = keys
        .iter()
        .map(|k| match k {
            Expr::Column(c) => Ok(c.name.clone()),
            _ => Err(DdqError::type_error("drop_duplicates keys must be columns")),
        })
        .collect::<Result<_>>()?;
    let pos = unique_hidden(frame, "__ddq_pos");
    let positioned = with_position(frame, &pos)?;
    let count_name = unique_hidden(&positioned, "__ddq_dups");
    let by_position = column(&pos).sort(keep != "last", false);
    let mut aggregates = vec![
        if keep == "last" {
            agg::max(column(&pos))
        } else {
            agg::min(column(&pos))
        }
        .alias(&pos),
        agg::count(lit(1)).alias(&count_name),
    ];
    for name in frame.columns().iter().filter(|c| !key_names.contains(c)) {
        let value = datafusion::functions_aggregate::first_last::first_value_udaf()
            .call(vec![column(name)])
            .order_by(vec![by_position.clone()])
            .build()?;
        aggregates.push(value.alias(name));
    }
    let grouped = positioned
        .df
        .clone()
        .group_by(key_names.iter().map(|k| column(k)).collect(), aggregates)?;
    let grouped = if keep == "none" {
        grouped.keep_rows(column(&count_name).eq(lit(1i64)))?
    } else {
        grouped
    };
    let mut select: Vec<Expr> = frame.columns().iter().map(|c| column(c)).collect();
    select.push(column(&pos));
    Ok(Frame {
        df: grouped.project(select)?,
        order: vec![column(&pos).sort(true, false)],
        partition: None,
        npartitions: frame.npartitions,
        ..frame.clone()
    })
}

/// A reproducible sample: exactly round(frac * len) rows (or n), the rows with the smallest
/// seeded hashes of their place in the files, returned in file order.
///
/// Ranking every row by its hash would sort the whole frame in one partition. Instead a filter
/// that streams keeps the candidates: rows whose hash, as a fraction of its range, is below
/// twice the sampled share plus 64 rows' worth. Only those are ranked. The candidates number
/// 2k + 64 on average for a sample of k, and fewer than k pass with a probability below e^-32
/// (a Chernoff bound: the hashes are splitmix64, uniform).
pub fn sample(frame: &Frame, [n, frac, replace, random_state]: [Arg; 4]) -> Result<Frame> {
    if matches!(replace.value(), Some(Value::Bool(true))) {
        return Err(replace.invalid("sampling with replacement is not supported"));
    }
    let seed = match random_state.value() {
        None | Some(Value::None) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as i64)
            .unwrap_or(0),
        Some(Value::Int(s)) => *s,
        Some(_) => return Err(random_state.invalid("random_state must be an integer")),
    };
    let amount = match (frac.value(), n.value()) {
        (Some(Value::Float(x)), None) if (0.0..=1.0).contains(x) => Amount::Fraction(*x),
        (Some(Value::Int(x)), None) if (0..=1).contains(x) => Amount::Fraction(*x as f64),
        (None, Some(Value::Int(n))) if *n >= 0 => Amount::Rows(*n as u64),
        (None, None) => Amount::Rows(1),
        _ => {
            return Err(frac.invalid("give frac= between 0 and 1, or n= a non-negative integer"));
        }
    };
    sample_rows(frame, amount, seed)
}

/// How many rows a sample keeps: a share of the frame's rows, or a number of them.
#[derive(Debug, Clone, Copy)]
pub enum Amount {
    Fraction(f64),
    Rows(u64),
}

/// The sample of [`sample`], `amount` rows chosen by hashes seeded with `seed`.
pub fn sample_rows(frame: &Frame, amount: Amount, seed: i64) -> Result<Frame> {
    let (base, identity) = match place_in_files(frame) {
        Some(identity) => (frame.clone(), identity),
        None => {
            let pos = unique_hidden(frame, "__ddq_spos");
            (with_position(frame, &pos)?, column(&pos))
        }
    };
    let total = unique_hidden(&base, "__ddq_stotal");
    let counted = with_total(&base, &total)?;
    let rows = float(column(&total));
    let (wanted, share) = match amount {
        Amount::Fraction(x) => (f::round(vec![rows.clone() * lit(x)]), lit(x)),
        Amount::Rows(n) => (lit(n as f64), lit(n as f64) / rows.clone()),
    };
    let hash = unique_hidden(&counted, "__ddq_hash");
    let rank = unique_hidden(&counted, "__ddq_rank");
    let fraction = float(column(&hash)) / lit(18_446_744_073_709_551_616.0_f64);
    let candidate_share = share * lit(2.0) + lit(64.0) / rows;
    let df = counted
        .df
        .clone()
        .set_column(&hash, row_hash(lit(seed), identity.clone()))?
        .keep_rows(fraction.lt(candidate_share))?
        .set_column(
            &rank,
            row_number()
                .order_by(vec![
                    column(&hash).sort(true, false),
                    identity.sort(true, false),
                ])
                .build()?,
        )?
        .keep_rows(float(column(&rank)).lt_eq(wanted))?;
    Ok(counted.with_df(df))
}

/// A row's place in the files as one Int64 (partition in the high bits, row within it in the
/// low), when the frame is still in file order; `None` when it is not.
fn place_in_files(frame: &Frame) -> Option<Expr> {
    let is_column = |sort: &SortExpr, name: &str| {
        sort.asc && matches!(&sort.expr, Expr::Column(c) if c.name == name)
    };
    match frame.order.as_slice() {
        [part, row] if is_column(part, PART_COLUMN) && is_column(row, ROW_COLUMN) => Some(
            cast(column(PART_COLUMN), DataType::Int64) * lit(1i64 << 32)
                + cast(column(ROW_COLUMN), DataType::Int64),
        ),
        _ => None,
    }
}

/// `describe(percentiles=...)` of `columns`, each as pandas describes its kind: numbers and
/// datetimes by count, mean, (std,) min, the percentiles (pandas' quartiles when `percentiles`
/// is empty) and max; text and booleans by count, unique, top and freq. A statistic another
/// kind has is missing in a column.
pub fn describe(frame: &Frame, columns: Vec<String>, percentiles: &[f64]) -> Result<Value> {
    let described: Vec<(String, DataType)> = columns
        .into_iter()
        .filter_map(|c| frame.data_type(&c).map(|t| (c, t)))
        .collect();
    if described.is_empty() {
        return Err(
            DdqError::type_error("describe() has no columns to describe").with_help(
                "include= names kinds the frame has, e.g. include=\"all\" or include=\"number\"",
            ),
        );
    }
    let statistics = describe_statistics(&described, percentiles)?;
    let mut cells = Vec::new();
    for (c, t) in &described {
        let top = match DescribedKind::of(t) {
            DescribedKind::Category => Some(top_and_freq(frame, c, t)?),
            _ => None,
        };
        let column_cells = statistics
            .iter()
            .map(|stat| describe_cell(c, t, stat.kind, top.as_ref()))
            .collect();
        cells.push(column_cells);
    }
    let names: Vec<String> = described.into_iter().map(|(c, _)| c).collect();
    let labels: Vec<String> = statistics.iter().map(|s| s.label.clone()).collect();
    Ok(Value::Frame(statistics_frame(
        frame, &labels, &names, cells, "describe",
    )?))
}

/// The columns `describe()` describes when neither `include` nor `exclude` is given: the
/// numeric and datetime ones, or every column when there are none (as pandas).
pub fn default_described(frame: &Frame) -> Vec<String> {
    let columns = frame.value_columns();
    let numeric: Vec<String> = columns
        .iter()
        .filter(|c| {
            frame
                .data_type(c)
                .is_some_and(|t| DescribedKind::of(&t) != DescribedKind::Category)
        })
        .cloned()
        .collect();
    if numeric.is_empty() { columns } else { numeric }
}

/// How pandas describes a column.
#[derive(Clone, Copy, PartialEq, Debug)]
enum DescribedKind {
    Number,
    Datetime,
    /// Text, booleans and anything else: count, unique, top, freq.
    Category,
}

impl DescribedKind {
    fn of(t: &DataType) -> DescribedKind {
        if is_timestamp(t) {
            DescribedKind::Datetime
        } else if is_numeric(t) && *t != DataType::Boolean {
            DescribedKind::Number
        } else {
            DescribedKind::Category
        }
    }
}

/// One row of `describe()`: its label and what it computes.
#[derive(Clone)]
struct Statistic {
    label: String,
    kind: StatisticKind,
}

#[derive(Clone, Copy, PartialEq)]
enum StatisticKind {
    Count,
    Unique,
    Top,
    Freq,
    Mean,
    Std,
    Min,
    Quantile(f64),
    Max,
}

/// The rows `describe()` gives the columns, as pandas orders them: each kind's own list
/// (categories 4 rows, datetimes 5 plus the percentiles, numbers 6 plus them), the shorter
/// lists first, joined without repeats — so `std` comes last once a datetime column is
/// described, and is left out when only datetimes are. The percentiles always include the
/// median, sorted, as pandas makes them.
fn describe_statistics(
    columns: &[(String, DataType)],
    percentiles: &[f64],
) -> Result<Vec<Statistic>> {
    let quantiles = checked_quantiles(percentiles)?;
    let named = |label: &str, kind| Statistic {
        label: label.to_string(),
        kind,
    };
    let spread: Vec<Statistic> = std::iter::once(named("min", StatisticKind::Min))
        .chain(
            percentile_labels(&quantiles)
                .into_iter()
                .zip(quantiles)
                .map(|(label, q)| named(&label, StatisticKind::Quantile(q))),
        )
        .chain(std::iter::once(named("max", StatisticKind::Max)))
        .collect();
    let of_kind = |kind: DescribedKind| -> Vec<Statistic> {
        let count = named("count", StatisticKind::Count);
        let mean = named("mean", StatisticKind::Mean);
        match kind {
            DescribedKind::Category => vec![
                count,
                named("unique", StatisticKind::Unique),
                named("top", StatisticKind::Top),
                named("freq", StatisticKind::Freq),
            ],
            DescribedKind::Datetime => [vec![count, mean], spread.clone()].concat(),
            DescribedKind::Number => [
                vec![count, mean, named("std", StatisticKind::Std)],
                spread.clone(),
            ]
            .concat(),
        }
    };
    let mut lists: Vec<Vec<Statistic>> = columns
        .iter()
        .map(|(_, t)| of_kind(DescribedKind::of(t)))
        .collect();
    lists.sort_by_key(Vec::len);
    let mut statistics: Vec<Statistic> = Vec::new();
    for statistic in lists.into_iter().flatten() {
        if !statistics.iter().any(|s| s.label == statistic.label) {
            statistics.push(statistic);
        }
    }
    Ok(statistics)
}

/// `percentiles` checked as pandas checks them, with the median added and sorted (pandas'
/// quartiles when none are given).
fn checked_quantiles(percentiles: &[f64]) -> Result<Vec<f64>> {
    let mut quantiles: Vec<f64> = if percentiles.is_empty() {
        vec![0.25, 0.5, 0.75]
    } else {
        percentiles.to_vec()
    };
    if quantiles.iter().any(|q| !(0.0..=1.0).contains(q)) {
        return Err(
            DdqError::input("percentiles should all be in the interval [0, 1]")
                .with_help("e.g. percentiles=[0.1, 0.9]"),
        );
    }
    if !quantiles.contains(&0.5) {
        quantiles.push(0.5);
    }
    quantiles.sort_by(f64::total_cmp);
    if quantiles.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(DdqError::input("percentiles cannot contain duplicates"));
    }
    Ok(quantiles)
}

/// pandas' `top` and `freq` of column `c` (of type `t`): its most frequent value, ties going
/// to the value that appears first, and how often it appears; as text, each a scalar subquery
/// the statistics' row picks up.
fn top_and_freq(frame: &Frame, c: &str, t: &DataType) -> Result<(Expr, Expr)> {
    let gb = GroupBy {
        frame: frame.clone(),
        keys: vec![(column(c), c.to_string())],
        selection: Selection::All,
        dropna: true,
        sort: true,
        bins: None,
        as_index: true,
        categories: None,
    };
    let spec = [(String::new(), Agg::Size, "freq".to_string())];
    let (counted, first) = groupby::aggregate_keeping_first(&gb, &spec)?;
    let freq = counted.value_columns().pop().unwrap_or_default();
    let key = counted.df.schema().field(0).name().clone();
    let best = counted
        .df
        .sort(vec![
            column(&freq).sort(false, false),
            column(&first).sort(true, false),
        ])?
        .limit(0, Some(1))?;
    let subquery = |e: Expr| -> Result<Expr> {
        let plan = best.clone().project(vec![e])?.into_unoptimized_plan();
        Ok(scalar_subquery(Arc::new(plan)))
    };
    let top = subquery(cast(column(&key), t.clone()))?;
    let freq = subquery(column(&freq))?;
    Ok((
        crate::plan::udf::python_str(top),
        crate::plan::udf::python_str(freq),
    ))
}

/// pandas' `format_percentiles`: "25%", or with as many decimals as tell the percentiles and
/// their distances to 0 and 100 apart ("33.3%"), whole ones still without.
fn percentile_labels(quantiles: &[f64]) -> Vec<String> {
    let percents: Vec<f64> = quantiles.iter().map(|q| q * 100.0).collect();
    let round = |x: f64, digits: i32| {
        let scale = 10f64.powi(digits);
        (x * scale).round() / scale
    };
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-8 + 1e-5 * b.abs();
    let digits = percentile_precision(&percents);
    percents
        .iter()
        .map(|&p| {
            if close(round(p, digits).trunc(), p) {
                format!("{}%", p.round() as i64)
            } else {
                format!("{}%", format_float_python(round(p, digits)))
            }
        })
        .collect()
}

/// pandas' `get_precision`: enough decimals for the smallest gap between the percents, or
/// from 0 to the first and from the last to 100; at least one.
fn percentile_precision(percents: &[f64]) -> i32 {
    let mut gaps: Vec<f64> = percents.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    if let Some(&first) = percents.first().filter(|&&p| p > 0.0) {
        gaps.push(first);
    }
    if let Some(&last) = percents.last().filter(|&&p| p < 100.0) {
        gaps.push(100.0 - last);
    }
    let smallest = gaps.into_iter().fold(f64::INFINITY, f64::min);
    if !smallest.is_finite() || smallest <= 0.0 {
        return 1;
    }
    (-smallest.log10().floor() as i32).max(1)
}

fn is_timestamp(t: &DataType) -> bool {
    matches!(t, DataType::Timestamp(..))
}

/// One statistic of `describe()` for column `c`. A number column's statistics are floats;
/// the others are held as pandas holds them, in an `object` column: a datetime column's count
/// a number, the others timestamps, `std` missing, its mean and quartiles taken over the
/// nanoseconds since the epoch (the sum in decimal, so 2.6 M dates near 1995 lose nothing), as
/// pandas does over int64; a category column's count, unique, top and freq (`top`, its pair).
fn describe_cell(
    c: &str,
    t: &DataType,
    statistic: StatisticKind,
    top: Option<&(Expr, Expr)>,
) -> Cell {
    let quantile = |e: Expr, q: f64| agg::percentile_cont(e.sort(true, false), lit(q));
    let missing_text = || Cell::Computed(lit(ScalarValue::Utf8(None)));
    match DescribedKind::of(t) {
        DescribedKind::Number => {
            let e = float(column(c));
            Cell::Aggregate(match statistic {
                StatisticKind::Count => float(agg::count(column(c))),
                StatisticKind::Mean => agg::avg(e),
                StatisticKind::Std => agg::stddev(e),
                StatisticKind::Min => agg::min(e),
                StatisticKind::Quantile(q) => quantile(e, q),
                StatisticKind::Max => agg::max(e),
                StatisticKind::Unique | StatisticKind::Top | StatisticKind::Freq => {
                    return Cell::Computed(lit(ScalarValue::Float64(None)));
                }
            })
        }
        DescribedKind::Datetime => {
            let nanos = || float(cast(column(c), DataType::Int64));
            let as_time = |n: Expr| cast(cast(n, DataType::Int64), t.clone());
            Cell::Aggregate(crate::plan::udf::python_str(match statistic {
                StatisticKind::Count => agg::count(column(c)),
                StatisticKind::Mean => {
                    let decimal = cast(
                        cast(column(c), DataType::Int64),
                        DataType::Decimal128(38, 0),
                    );
                    as_time(float(agg::sum(decimal)) / float(agg::count(column(c))))
                }
                StatisticKind::Min => agg::min(column(c)),
                StatisticKind::Quantile(q) => as_time(quantile(nanos(), q)),
                StatisticKind::Max => agg::max(column(c)),
                StatisticKind::Std
                | StatisticKind::Unique
                | StatisticKind::Top
                | StatisticKind::Freq => return missing_text(),
            }))
        }
        DescribedKind::Category => match (statistic, top) {
            (StatisticKind::Count, _) => {
                Cell::Aggregate(crate::plan::udf::python_str(agg::count(column(c))))
            }
            (StatisticKind::Unique, _) => {
                Cell::Aggregate(crate::plan::udf::python_str(agg::count_distinct(column(c))))
            }
            (StatisticKind::Top, Some((top, _))) => Cell::Computed(top.clone()),
            (StatisticKind::Freq, Some((_, freq))) => Cell::Computed(freq.clone()),
            _ => missing_text(),
        },
    }
}

/// A cell of a statistics frame: an aggregate over the frame's rows, or a value computed
/// apart (a scalar subquery, a missing value).
pub enum Cell {
    Aggregate(Expr),
    Computed(Expr),
}

/// A frame with one row per statistic (its name the index) and one column per column of
/// `frame`, from `aggregates[column][statistic]`: `describe()`, `df.agg(["sum", "mean"])`.
pub fn statistics_frame(
    frame: &Frame,
    statistics: &[String],
    columns: &[String],
    cells: Vec<Vec<Cell>>,
    origin: &str,
) -> Result<Frame> {
    let mut flat = Vec::new();
    let mut per_column = Vec::new();
    for (i, column_cells) in cells.into_iter().enumerate() {
        let mut values = Vec::new();
        for (j, cell) in column_cells.into_iter().enumerate() {
            values.push(match cell {
                Cell::Aggregate(e) => {
                    let name = format!("__ddq_s{i}_{j}");
                    flat.push(e.alias(&name));
                    column(&name)
                }
                Cell::Computed(e) => e,
            });
        }
        per_column.push(values);
    }
    let one_row = frame.df.clone().group_by(vec![], flat)?;
    let mut select = vec![
        make_array(statistics.iter().map(|s| lit(s.clone())).collect()).alias("statistic"),
        make_array((0..statistics.len() as i64).map(lit).collect()).alias("__ddq_statpos"),
    ];
    for (c, values) in columns.iter().zip(per_column) {
        select.push(make_array(values).alias(c));
    }
    let mut unnest: Vec<&str> = vec!["statistic", "__ddq_statpos"];
    unnest.extend(columns.iter().map(String::as_str));
    let df = groupby::unnest_exact(one_row.project(select)?, &unnest)?;
    let mut reordered: Vec<Expr> = vec![column("statistic")];
    reordered.extend(columns.iter().map(|c| column(c)));
    reordered.push(column("__ddq_statpos"));
    Ok(Frame {
        df: df.project(reordered)?,
        order: vec![column("__ddq_statpos").sort(true, false)],
        index_columns: 1,
        npartitions: 1,
        partition: None,
        origin: origin.into(),
        divisions: None,
    })
}

#[cfg(test)]
mod tests {
    use super::percentile_labels;

    #[test]
    fn percentiles_are_labelled_as_pandas_labels_them() {
        let cases: &[(&[f64], &[&str])] = &[
            (&[0.25, 0.5, 0.75], &["25%", "50%", "75%"]),
            (&[0.333, 0.5], &["33.3%", "50%"]),
            (&[0.001, 0.5], &["0.1%", "50%"]),
            (&[0.0001, 0.5], &["0.01%", "50%"]),
            (&[0.0, 0.5, 1.0], &["0%", "50%", "100%"]),
            (&[0.125, 0.5, 0.875], &["12.5%", "50%", "87.5%"]),
            (&[0.01, 0.5, 0.99], &["1%", "50%", "99%"]),
        ];
        for (quantiles, labels) in cases {
            assert_eq!(percentile_labels(quantiles), *labels, "{quantiles:?}");
        }
    }
}
