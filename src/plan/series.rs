//! Series attributes and methods, the `.dt` and `.str` accessors, and the row-wise helpers that
//! frames share with series (sampling, sorting, de-duplicating, missing values, dtype casts).

use crate::config::scheduler::SchedulerKind;
use crate::error::{DdqError, Result};
use crate::plan::Planner;
use crate::plan::groupby::{self, Agg};
use crate::plan::ops::{expr_type, float, is_numeric, is_temporal, is_text, literal_expr};
use crate::plan::order::{unique_hidden, with_position, with_total};
use crate::plan::sources::{PART_COLUMN, ROW_COLUMN};
use crate::plan::udf::{DateField, date_field, row_hash};
use crate::plan::value::{Accessor, Frame, GroupBy, Selection, Series, Value, column};
use crate::plan::verbs::{self, Args, Receiver};
use datafusion::arrow::array::{ArrayRef, StringArray, UInt64Array};
use datafusion::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::functions::expr_fn as f;
use datafusion::functions_aggregate::expr_fn as agg;
use datafusion::functions_nested::expr_fn::make_array;
use datafusion::functions_window::expr_fn::row_number;
use datafusion::logical_expr::{Expr, ExprFunctionExt, SortExpr, cast, in_list, lit};
use std::sync::Arc;

pub fn attribute(planner: &Planner, series: Series, name: &str) -> Result<Value> {
    let _ = planner;
    match name {
        "dt" => {
            let t = expr_type(&series.frame, &series.expr)?;
            if !is_temporal(&t) {
                return Err(accessor_error("dt", &series, &t, "datetime"));
            }
            Ok(Value::Accessor(Accessor::Dt(series)))
        }
        "str" => {
            let t = expr_type(&series.frame, &series.expr)?;
            if !is_text(&t) {
                return Err(accessor_error("str", &series, &t, "string"));
            }
            Ok(Value::Accessor(Accessor::Str(series)))
        }
        "dtype" => {
            let t = expr_type(&series.frame, &series.expr)?;
            Ok(Value::Str(crate::types::dtype::pandas_dtype(&t)))
        }
        "name" => Ok(Value::Str(series.name.clone())),
        "shape" => Ok(Value::Tuple(vec![Value::Scalar(groupby::row_count(
            &series.frame,
        )?)])),
        "npartitions" => Ok(Value::Int(series.frame.npartitions as i64)),
        _ => Err(match verbs::find(Receiver::Series, name) {
            Some(_) => DdqError::type_error(format!("`{name}` is a method: call it as `{name}()`")),
            None => verbs::unknown_verb(Receiver::Series, name, &[]),
        }),
    }
}

fn accessor_error(accessor: &str, series: &Series, t: &DataType, wanted: &str) -> DdqError {
    DdqError::type_error(format!(
        "can only use .{accessor} with {wanted} values; series `{}` has dtype {}",
        series.name,
        crate::types::dtype::pandas_dtype(t)
    ))
}

pub fn subscript(planner: &Planner, series: Series, index: Value) -> Result<Value> {
    let _ = planner;
    match index {
        Value::Series(mask) => {
            let frame = crate::plan::frame::filter(&series.frame, &mask)?;
            Ok(Value::Series(Series { frame, ..series }))
        }
        other => Err(DdqError::type_error(format!(
            "a series is indexed by a boolean series, not {}",
            other.kind_name()
        ))
        .with_help("use .head(n) or .iloc on the frame for positions")),
    }
}

pub fn method(planner: &Planner, series: Series, name: &str, args: Args) -> Result<Value> {
    let with_expr = |expr: Expr| {
        Ok(Value::Series(Series {
            expr,
            ..series.clone()
        }))
    };
    match name {
        "compute" => {
            planner.request_scheduler(&args)?;
            Ok(Value::Series(series))
        }
        "persist" => {
            planner.request_scheduler(&args)?;
            let frame = to_frame(&series)?;
            let internal = frame.value_columns().pop().unwrap_or_default();
            Ok(Value::Series(Series {
                frame: planner.sources.persist(planner.ctx, &frame)?,
                expr: column(&internal),
                name: series.name,
            }))
        }
        "head" | "tail" | "sample" | "drop_duplicates" | "dropna" | "nlargest" | "nsmallest"
        | "sort_values" => {
            let frame = to_frame(&series)?;
            let internal = frame.value_columns().pop().unwrap_or_default();
            let key = column(&internal);
            let result = match name {
                "head" => crate::plan::order::head(
                    &frame,
                    crate::plan::frame::int_arg(&args, "n", 5)?.max(0) as usize,
                )?,
                "tail" => crate::plan::order::tail(
                    &frame,
                    crate::plan::frame::int_arg(&args, "n", 5)?.max(0) as usize,
                )?,
                "sample" => sample(&frame, &args)?,
                "drop_duplicates" => drop_duplicates(&frame, vec![key], &args)?,
                "dropna" => frame.with_df(frame.df.clone().filter(isna(
                    &Series {
                        frame: frame.clone(),
                        expr: key,
                        name: series.name.clone(),
                    },
                    false,
                ))?),
                "sort_values" => {
                    let ascending = ascending_flags(&args, 1)?;
                    sorted_by(&frame, vec![key], &ascending, nulls_first(&args)?)
                }
                _ => top_n(
                    &frame,
                    vec![key],
                    crate::plan::frame::int_arg(&args, "n", 5)?,
                    name == "nlargest",
                )?,
            };
            Ok(Value::Series(Series {
                frame: result,
                expr: column(&internal),
                name: series.name,
            }))
        }
        "count" | "sum" | "mean" | "min" | "max" | "std" | "var" | "median" | "nunique" | "agg"
        | "aggregate" => {
            groupby::reduce_series(&series, groupby::reduction_of(name, &args)?, &args)
        }
        "describe" => {
            let frame = to_frame(&series)?;
            let columns = frame.value_columns();
            describe(&frame, columns)
        }
        "value_counts" => value_counts(&series, &args),
        "to_csv" | "to_parquet" => {
            crate::plan::frame::write_request(to_frame(&series)?, name, &args)
        }
        "visualize" => {
            let (df, _) = crate::plan::order::display_frame(&to_frame(&series)?)?;
            crate::plan::frame::visualize_request(df, &args)
        }
        "unique" => {
            let frame = to_frame(&series)?;
            let internal = frame.value_columns().pop().unwrap_or_default();
            let result = drop_duplicates(&frame, vec![column(&internal)], &args)?;
            Ok(Value::Series(Series {
                frame: result,
                expr: column(&internal),
                name: series.name,
            }))
        }
        "isna" | "isnull" => with_expr(isna(&series, true)),
        "notna" | "notnull" => with_expr(isna(&series, false)),
        "fillna" => with_expr(fillna(&series, &args)?),
        "isin" => {
            let values = match args.require("values")? {
                Value::List(items) | Value::Tuple(items) => items,
                Value::Columns(names) => names.into_iter().map(Value::Str).collect(),
                other => {
                    return Err(args.invalid(
                        "values",
                        format!("isin() takes a list, not {}", other.kind_name()),
                    ));
                }
            };
            let list = values
                .iter()
                .map(|v| {
                    literal_expr(v).ok_or_else(|| {
                        args.invalid("values", "isin() takes a list of plain values")
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            with_expr(f::coalesce(vec![
                in_list(series.expr.clone(), list, false),
                lit(false),
            ]))
        }
        "between" => {
            let low = literal_or_scalar(&args, "left")?;
            let high = literal_or_scalar(&args, "right")?;
            let e = series.expr.clone();
            let inclusive = match args.get("inclusive") {
                None => "both".to_string(),
                Some(Value::Str(s))
                    if ["both", "neither", "left", "right"].contains(&s.as_str()) =>
                {
                    s.clone()
                }
                Some(_) => {
                    return Err(args.invalid(
                        "inclusive",
                        "inclusive must be both, neither, left or right",
                    ));
                }
            };
            let lower = if inclusive == "both" || inclusive == "left" {
                e.clone().gt_eq(low)
            } else {
                e.clone().gt(low)
            };
            let upper = if inclusive == "both" || inclusive == "right" {
                e.lt_eq(high)
            } else {
                e.lt(high)
            };
            with_expr(f::coalesce(vec![lower.and(upper), lit(false)]))
        }
        "abs" => with_expr(f::abs(series.expr.clone())),
        "round" => {
            let decimals = crate::plan::frame::int_arg(&args, "decimals", 0)?;
            with_expr(f::round(vec![float(series.expr.clone()), lit(decimals)]))
        }
        "astype" => {
            let Some(Value::Str(t)) = args.get("dtype") else {
                return Err(
                    args.invalid("dtype", "astype() takes a dtype name such as \"float64\"")
                );
            };
            with_expr(astype_expr(&series, t, &args)?)
        }
        "rename" => match args.get("index").or(args.get("columns")) {
            Some(Value::Str(new)) => Ok(Value::Series(Series {
                name: new.clone(),
                ..series
            })),
            _ => Err(args.invalid(
                "index",
                "series.rename() takes the new name, e.g. rename(\"delay\")",
            )),
        },
        _ => {
            let _ = planner;
            Err(verbs::unknown_verb(Receiver::Series, name, &[]))
        }
    }
}

fn literal_or_scalar(args: &Args, name: &str) -> Result<Expr> {
    match args.get(name) {
        Some(Value::Scalar(s)) => Ok(s.expr.clone()),
        Some(v) => literal_expr(v)
            .ok_or_else(|| args.invalid(name, format!("`{name}` must be a plain value"))),
        None => Err(args.invalid(name, format!("missing argument `{name}`"))),
    }
}

/// `compute(scheduler=...)`: the scheduler one statement asks for, by Dask's names.
pub fn scheduler_arg(args: &Args) -> Result<Option<SchedulerKind>> {
    match args.get("scheduler") {
        None => Ok(None),
        Some(Value::Str(s)) => s.parse().map(Some).map_err(|e: crate::error::DdqError| {
            let invalid = args.invalid("scheduler", e.message);
            match e.help {
                Some(help) => invalid.with_help(help),
                None => invalid,
            }
        }),
        Some(_) => Err(args.invalid(
            "scheduler",
            "scheduler must be a string such as \"threads\" or \"processes\"",
        )),
    }
}

/// A pandas dtype name as an Arrow type (the scan's table of names, so both agree).
pub fn parse_type(name: &str) -> Option<DataType> {
    crate::types::dtype::parse_dtype(name)
}

pub fn astype_expr(series: &Series, dtype: &str, args: &Args) -> Result<Expr> {
    let t = parse_type(dtype).ok_or_else(|| {
        args.invalid("dtype", format!("unknown dtype `{dtype}`"))
            .with_help(
                "supported: int64, int32, float64, float32, object, str, bool, datetime64[ns]",
            )
    })?;
    Ok(cast(series.expr.clone(), t))
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

pub fn fillna(series: &Series, args: &Args) -> Result<Expr> {
    let value = match args.get("value") {
        Some(Value::Dict(pairs)) => pairs
            .iter()
            .find(|(k, _)| matches!(k, Value::Str(c) if *c == series.name))
            .map(|(_, v)| v.clone()),
        Some(v) => Some(v.clone()),
        None => return Err(args.invalid("value", "fillna() needs a value")),
    };
    let Some(value) = value else {
        return Ok(series.expr.clone());
    };
    let fill = match value {
        Value::Scalar(s) => s.expr,
        other => literal_expr(&other)
            .ok_or_else(|| args.invalid("value", "fillna() takes a plain value"))?,
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

/// The `.dt` fields.
pub fn dt_field(series: Series, name: &str) -> Result<Value> {
    let e = series.expr.clone();
    let nanoseconds = DataType::Timestamp(TimeUnit::Nanosecond, None);
    let expr = match DateField::named(name) {
        Some(_) if expr_type(&series.frame, &e)? == nanoseconds => date_field(name, e),
        Some(field) => engine_date_field(field, e),
        None if name == "date" => cast(e, DataType::Date32),
        None => return Err(verbs::unknown_verb(Receiver::Dt, name, &[])),
    };
    Ok(Value::Series(Series { expr, ..series }))
}

/// A `.dt` field through the engine's `date_part`, for dates and for timestamps of another unit
/// or with a time zone.
fn engine_date_field(field: DateField, e: Expr) -> Expr {
    let part = cast(f::date_part(lit(field.engine_part()), e), DataType::Int32);
    match field {
        // pandas counts Monday as 0; the engine's `dow` counts Sunday as 0.
        DateField::DayOfWeek => (part + lit(6i32)) % lit(7i32),
        _ => part,
    }
}

/// The `.str` methods.
pub fn str_method(series: Series, name: &str, args: Args) -> Result<Value> {
    let e = series.expr.clone();
    let pattern = |key: &str| match args.get(key) {
        Some(Value::Str(s)) => Ok(s.clone()),
        _ => Err(args.invalid(key, format!("`{key}` must be a string"))),
    };
    let expr = match name {
        "lower" => f::lower(e),
        "upper" => f::upper(e),
        "len" => cast(f::character_length(e), DataType::Int64),
        "strip" => f::btrim(vec![e]),
        "startswith" => f::starts_with(e, lit(pattern("pat")?)),
        "endswith" => f::ends_with(e, lit(pattern("pat")?)),
        "contains" => {
            let pat = pattern("pat")?;
            let case = !matches!(args.get("case"), Some(Value::Bool(false)));
            let regex = !matches!(args.get("regex"), Some(Value::Bool(false)));
            match (regex, case) {
                (true, true) => f::regexp_like(e, lit(pat), None),
                (true, false) => f::regexp_like(e, lit(pat), Some(lit("i"))),
                (false, true) => f::strpos(e, lit(pat)).gt(lit(0)),
                (false, false) => f::strpos(f::lower(e), f::lower(lit(pat))).gt(lit(0)),
            }
        }
        "replace" => {
            let (pat, repl) = (pattern("pat")?, pattern("repl")?);
            if matches!(args.get("regex"), Some(Value::Bool(true))) {
                f::regexp_replace(e, lit(pat), lit(repl), Some(lit("g")))
            } else {
                f::replace(e, lit(pat), lit(repl))
            }
        }
        _ => return Err(verbs::unknown_verb(Receiver::Str, name, &[])),
    };
    Ok(Value::Series(Series { expr, ..series }))
}

/// A series as a frame: its keys, one value column, and the hidden bookkeeping.
pub fn to_frame(series: &Series) -> Result<Frame> {
    let frame = &series.frame;
    let keys = frame.key_columns();
    let mut internal = series.name.clone();
    while keys.contains(&internal) {
        internal.push_str(crate::plan::value::DUPLICATE_SUFFIX);
    }
    let mut exprs: Vec<Expr> = keys.iter().map(|k| column(k)).collect();
    exprs.push(series.expr.clone().alias(&internal));
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
    Ok(base.with_df(base.df.clone().select(exprs_with_position)?))
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
        },
        expr: column(name),
        name: name.to_string(),
    }))
}

/// `value_counts()`: counts per value, most frequent first, ties in value order.
fn value_counts(series: &Series, args: &Args) -> Result<Value> {
    let dropna = !matches!(args.get("dropna"), Some(Value::Bool(false)));
    let ascending = matches!(args.get("ascending"), Some(Value::Bool(true)));
    let sort = !matches!(args.get("sort"), Some(Value::Bool(false)));
    let normalize = matches!(args.get("normalize"), Some(Value::Bool(true)));
    let gb = GroupBy {
        frame: series.frame.clone(),
        keys: vec![(series.expr.clone(), series.name.clone())],
        selection: Selection::All,
        dropna,
    };
    let value_name = if normalize { "proportion" } else { "count" };
    let mut frame = groupby::aggregate(&gb, &[(String::new(), Agg::Size, value_name.to_string())])?;
    let internal = frame.value_columns().pop().unwrap_or_default();
    if normalize {
        let total = unique_hidden(&frame, "__ddq_total");
        let with_sum = frame.df.clone().with_column(
            &total,
            Expr::from(datafusion::logical_expr::expr::WindowFunction::new(
                datafusion::functions_aggregate::sum::sum_udaf(),
                vec![column(&internal)],
            )),
        )?;
        let df =
            with_sum.with_column(&internal, float(column(&internal)) / float(column(&total)))?;
        frame = frame.with_df(df);
    }
    if sort {
        let key_order = frame.order.clone();
        frame.order = std::iter::once(column(&internal).sort(ascending, false))
            .chain(key_order)
            .collect();
    }
    Ok(Value::Series(Series {
        frame,
        expr: column(&internal),
        name: value_name.to_string(),
    }))
}

/// `sort_values(ascending=...)` as one flag per key.
pub fn ascending_flags(args: &Args, keys: usize) -> Result<Vec<bool>> {
    match args.get("ascending") {
        None => Ok(vec![true; keys]),
        Some(Value::Bool(b)) => Ok(vec![*b; keys]),
        Some(Value::List(items)) if items.len() == keys => items
            .iter()
            .map(|v| match v {
                Value::Bool(b) => Ok(*b),
                _ => Err(args.invalid(
                    "ascending",
                    "ascending must be True/False or a list of them",
                )),
            })
            .collect(),
        Some(_) => Err(args.invalid(
            "ascending",
            "ascending must be True/False or one flag per key",
        )),
    }
}

pub fn nulls_first(args: &Args) -> Result<bool> {
    match args.get("na_position") {
        None => Ok(false),
        Some(Value::Str(s)) if s == "last" => Ok(false),
        Some(Value::Str(s)) if s == "first" => Ok(true),
        Some(_) => Err(args.invalid("na_position", "na_position must be \"first\" or \"last\"")),
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
        df = df.filter(k.clone().is_not_null())?;
    }
    let sorted = sorted_by(&frame.with_df(df), keys, &ascending, false);
    crate::plan::order::head(&sorted, n.max(0) as usize)
}

/// Rows whose `keys` did not occur before (keep="first"), after (keep="last"), or at all (False).
/// Planned as a grouped aggregate over the keys (the first or last row's position and values per
/// group), which spills to disk, rather than a window partitioned by the keys, which must hold
/// its hash partitions in memory.
pub fn drop_duplicates(frame: &Frame, keys: Vec<Expr>, args: &Args) -> Result<Frame> {
    let keep = match args.get("keep") {
        None => "first".to_string(),
        Some(Value::Str(s)) if s == "first" || s == "last" => s.clone(),
        Some(Value::Bool(false)) => "none".to_string(),
        Some(_) => return Err(args.invalid("keep", "keep must be \"first\", \"last\" or False")),
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
        .aggregate(key_names.iter().map(|k| column(k)).collect(), aggregates)?;
    let grouped = if keep == "none" {
        grouped.filter(column(&count_name).eq(lit(1i64)))?
    } else {
        grouped
    };
    let mut select: Vec<Expr> = frame.columns().iter().map(|c| column(c)).collect();
    select.push(column(&pos));
    Ok(Frame {
        df: grouped.select(select)?,
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
pub fn sample(frame: &Frame, args: &Args) -> Result<Frame> {
    if matches!(args.get("replace"), Some(Value::Bool(true))) {
        return Err(args.invalid("replace", "sampling with replacement is not supported"));
    }
    let seed = match args.get("random_state") {
        None | Some(Value::None) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as i64)
            .unwrap_or(0),
        Some(Value::Int(s)) => *s,
        Some(_) => return Err(args.invalid("random_state", "random_state must be an integer")),
    };
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
    let (wanted, share) = match (args.get("frac"), args.get("n")) {
        (Some(Value::Float(x)), None) if (0.0..=1.0).contains(x) => {
            (f::round(vec![rows.clone() * lit(*x)]), lit(*x))
        }
        (Some(Value::Int(x)), None) if (0..=1).contains(x) => {
            (rows.clone() * lit(*x as f64), lit(*x as f64))
        }
        (None, Some(Value::Int(n))) if *n >= 0 => (lit(*n as f64), lit(*n as f64) / rows.clone()),
        (None, None) => (lit(1.0), lit(1.0) / rows.clone()),
        _ => {
            return Err(args.invalid(
                "frac",
                "give frac= between 0 and 1, or n= a non-negative integer",
            ));
        }
    };
    let hash = unique_hidden(&counted, "__ddq_hash");
    let rank = unique_hidden(&counted, "__ddq_rank");
    let fraction = float(column(&hash)) / lit(18_446_744_073_709_551_616.0_f64);
    let candidate_share = share * lit(2.0) + lit(64.0) / rows;
    let df = counted
        .df
        .clone()
        .with_column(&hash, row_hash(lit(seed), identity.clone()))?
        .filter(fraction.lt(candidate_share))?
        .with_column(
            &rank,
            row_number()
                .order_by(vec![
                    column(&hash).sort(true, false),
                    identity.sort(true, false),
                ])
                .build()?,
        )?
        .filter(float(column(&rank)).lt_eq(wanted))?;
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

/// `describe()`: count, mean, std, min, quartiles and max of numeric columns, one row each.
pub fn describe(frame: &Frame, columns: Vec<String>) -> Result<Value> {
    let numeric: Vec<String> = columns
        .into_iter()
        .filter(|c| {
            frame
                .data_type(c)
                .is_some_and(|t| is_numeric(&t) && t != DataType::Boolean)
        })
        .collect();
    if numeric.is_empty() {
        return Err(DdqError::type_error(
            "describe() needs at least one numeric column",
        ));
    }
    const STATS: [&str; 8] = ["count", "mean", "std", "min", "25%", "50%", "75%", "max"];
    let mut aggregates = Vec::new();
    for (i, c) in numeric.iter().enumerate() {
        let e = float(column(c));
        let quantile = |q: f64| agg::percentile_cont(e.clone().sort(true, false), lit(q));
        let stats = [
            float(agg::count(column(c))),
            agg::avg(e.clone()),
            agg::stddev(e.clone()),
            agg::min(e.clone()),
            quantile(0.25),
            quantile(0.5),
            quantile(0.75),
            agg::max(e.clone()),
        ];
        for (j, s) in stats.into_iter().enumerate() {
            aggregates.push(s.alias(format!("__ddq_s{i}_{j}")));
        }
    }
    let one_row = frame.df.clone().aggregate(vec![], aggregates)?;
    let mut select = vec![
        make_array(STATS.iter().map(|s| lit(*s)).collect()).alias("statistic"),
        make_array((0..STATS.len() as i64).map(lit).collect()).alias("__ddq_statpos"),
    ];
    for (i, c) in numeric.iter().enumerate() {
        select.push(
            make_array(
                (0..STATS.len())
                    .map(|j| column(&format!("__ddq_s{i}_{j}")))
                    .collect(),
            )
            .alias(c),
        );
    }
    let mut unnest: Vec<&str> = vec!["statistic", "__ddq_statpos"];
    unnest.extend(numeric.iter().map(String::as_str));
    let df = groupby::unnest_exact(one_row.select(select)?, &unnest)?;
    let mut reordered: Vec<Expr> = vec![column("statistic")];
    reordered.extend(numeric.iter().map(|c| column(c)));
    reordered.push(column("__ddq_statpos"));
    Ok(Value::Frame(Frame {
        df: df.select(reordered)?,
        order: vec![column("__ddq_statpos").sort(true, false)],
        index_columns: 1,
        npartitions: 1,
        partition: None,
        origin: "describe".into(),
    }))
}
