//! Aggregation: reductions of a series to a scalar, of a frame to a series per column, and groupby
//! with pandas' result shape (keys as the leading columns, sorted by key, null keys dropped).

use crate::error::{DdqError, Result};
use crate::lang::ast::Ident;
use crate::plan::ops::{expr_type, float, is_integer, is_numeric};
use crate::plan::order::{unique_hidden, with_position};
use crate::plan::project::Project;
use crate::plan::sources::{PART_COLUMN, ROW_COLUMN};
use crate::plan::udf::python_str;
use crate::plan::value::{
    DUPLICATE_SUFFIX, Frame, GroupBy, Scalar, Selection, Series, Value, column, display_name,
};
use crate::plan::verbs::Arg;
use crate::plan::window;
use crate::plan::{check_columns, column_names, selection_columns, unknown_column};
use crate::plan::{index, resample};
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::{Column, JoinType, ScalarValue, UnnestOptions};
use datafusion::functions::expr_fn::coalesce;
use datafusion::functions_aggregate::expr_fn as agg;
use datafusion::functions_aggregate::first_last::{first_value_udaf, last_value_udaf};
use datafusion::functions_nested::expr_fn::make_array;
use datafusion::logical_expr::expr::NullTreatment;
use datafusion::logical_expr::{
    Expr, ExprFunctionExt, LogicalPlan, LogicalPlanBuilder, SortExpr, cast, lit, scalar_subquery,
};
use datafusion::prelude::DataFrame;
use std::sync::Arc;

/// The aggregations ddq knows, by their pandas names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Agg {
    Count,
    Size,
    Sum,
    Mean,
    Min,
    Max,
    Std {
        ddof: i64,
    },
    Var {
        ddof: i64,
    },
    Median,
    /// pandas' bias-corrected skewness and excess kurtosis ([`crate::plan::moments`]).
    Skew,
    Kurt,
    Nunique,
    First,
    Last,
    /// `quantile(q)`, interpolated linearly between values as pandas' default does.
    Quantile(f64),
    /// `idxmax()` / `idxmin()` per group: the [`LABEL_COLUMN`] of the first largest (smallest)
    /// value, missing values skipped.
    Idx {
        largest: bool,
    },
}

/// The hidden column holding each row's label (index key or row position) for [`Agg::Idx`].
pub const LABEL_COLUMN: &str = "__ddq_label";

pub const AGG_NAMES: &[&str] = &[
    "count", "size", "sum", "mean", "min", "max", "std", "var", "median", "skew", "kurt",
    "nunique", "first", "last",
];

impl Agg {
    pub fn parse(name: &str) -> Option<Agg> {
        Some(match name {
            "count" => Agg::Count,
            "size" => Agg::Size,
            "sum" => Agg::Sum,
            "mean" | "avg" => Agg::Mean,
            "min" => Agg::Min,
            "max" => Agg::Max,
            "std" => Agg::Std { ddof: 1 },
            "var" => Agg::Var { ddof: 1 },
            "median" => Agg::Median,
            "skew" => Agg::Skew,
            "kurt" | "kurtosis" => Agg::Kurt,
            "nunique" => Agg::Nunique,
            "first" => Agg::First,
            "last" => Agg::Last,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Agg::Count => "count",
            Agg::Size => "size",
            Agg::Sum => "sum",
            Agg::Mean => "mean",
            Agg::Min => "min",
            Agg::Max => "max",
            Agg::Std { .. } => "std",
            Agg::Var { .. } => "var",
            Agg::Median => "median",
            Agg::Skew => "skew",
            Agg::Kurt => "kurt",
            Agg::Nunique => "nunique",
            Agg::First => "first",
            Agg::Last => "last",
            Agg::Quantile(_) => "quantile",
            Agg::Idx { largest: true } => "idxmax",
            Agg::Idx { largest: false } => "idxmin",
        }
    }

    /// Aggregations that only make sense on numbers (pandas' numeric_only for whole frames).
    fn numeric_only(self) -> bool {
        matches!(
            self,
            Agg::Sum
                | Agg::Mean
                | Agg::Std { .. }
                | Agg::Var { .. }
                | Agg::Median
                | Agg::Skew
                | Agg::Kurt
                | Agg::Quantile(_)
        )
    }

    /// Reads the ddof argument of std/var.
    pub fn with_ddof(self, ddof: Arg) -> Result<Agg> {
        let ddof = match ddof.value() {
            None => 1,
            Some(Value::Int(d @ (0 | 1))) => *d,
            Some(_) => return Err(ddof.invalid("ddof must be 0 or 1")),
        };
        Ok(match self {
            Agg::Std { .. } => Agg::Std { ddof },
            Agg::Var { .. } => Agg::Var { ddof },
            other => other,
        })
    }
}

/// The aggregation a frame or series method asks for: the method's own name (`df.sum()`), or
/// the one name given to `agg("sum")`.
/// The one aggregation name `agg("sum")` gives on a frame or series.
pub fn reduction_of(func: Arg) -> Result<Agg> {
    match func.required()?.clone() {
        Value::Str(f) => parse_agg(&f).map_err(|e| e.at(func.span())),
        other => Err(func.invalid(format!(
            "agg() on a frame or series takes one aggregation name, not {}",
            other.kind_name()
        ))),
    }
}

pub fn parse_agg(name: &str) -> Result<Agg> {
    Agg::parse(name).ok_or_else(|| {
        DdqError::unsupported(format!("unknown aggregation `{name}`"))
            .suggest(name, AGG_NAMES.iter().copied())
            .with_help(format!("supported: {}", AGG_NAMES.join(", ")))
    })
}

/// The aggregate expression for one column; `order` is the frame's row order (for first/last).
pub fn agg_expr(agg: Agg, e: Expr, t: &DataType, order: &[SortExpr], column: &str) -> Result<Expr> {
    if agg.numeric_only() && !is_numeric(t) {
        return Err(DdqError::type_error(format!(
            "cannot compute {} of column `{column}` of dtype {}",
            agg.name(),
            crate::types::dtype::pandas_dtype(t)
        ))
        .with_help("select numeric columns first, e.g. `df.select_dtypes(include=\"number\")`"));
    }
    let as_number = |e: Expr| {
        if *t == DataType::Boolean {
            cast(e, DataType::Int64)
        } else {
            e
        }
    };
    Ok(match agg {
        Agg::Count => agg::count(e),
        Agg::Size => agg::count(lit(1)),
        Agg::Sum => agg::sum(as_number(e)),
        Agg::Mean => agg::avg(float(e)),
        Agg::Min => agg::min(e),
        Agg::Max => agg::max(e),
        Agg::Std { ddof: 0 } => agg::stddev_pop(float(e)),
        Agg::Std { .. } => agg::stddev(float(e)),
        Agg::Var { ddof: 0 } => agg::var_pop(float(e)),
        Agg::Var { .. } => agg::var_sample(float(e)),
        Agg::Median => agg::median(float(e)),
        Agg::Skew => crate::plan::moments::skew_udaf().call(vec![float(e)]),
        Agg::Kurt => crate::plan::moments::kurt_udaf().call(vec![float(e)]),
        Agg::Quantile(q) => agg::percentile_cont(float(e).sort(true, false), lit(q)),
        Agg::Nunique => agg::count_distinct(e),
        Agg::Idx { largest } => {
            let mut by_value = vec![e.clone().sort(!largest, false)];
            by_value.extend(order.iter().cloned());
            first_value_udaf()
                .call(vec![Expr::Column(Column::from_name(LABEL_COLUMN))])
                .order_by(by_value)
                .filter(e.is_not_null())
                .build()?
        }
        Agg::First | Agg::Last => {
            let udaf = if agg == Agg::First {
                first_value_udaf()
            } else {
                last_value_udaf()
            };
            udaf.call(vec![e])
                .order_by(order.to_vec())
                .null_treatment(NullTreatment::IgnoreNulls)
                .build()?
        }
    })
}

/// pandas' sum of no values (a column or group all missing, or no rows at all) is 0, SQL's is
/// NULL: the `sums` columns of an aggregate's result get 0 in place of NULL. After the
/// aggregate, not inside it: coalescing every value first costs a pass over the rows and still
/// leaves the sum of no rows NULL.
fn with_empty_sums_as_zero(df: DataFrame, sums: &[String]) -> Result<DataFrame> {
    if sums.is_empty() {
        return Ok(df);
    }
    let columns: Vec<Expr> = df
        .schema()
        .iter()
        .map(|(qualifier, field)| {
            let value = Expr::Column(Column::new(qualifier.cloned(), field.name()));
            let zero = ScalarValue::new_zero(field.data_type());
            match zero {
                Ok(zero) if sums.contains(field.name()) => {
                    coalesce(vec![value, lit(zero)]).alias(field.name())
                }
                _ => value,
            }
        })
        .collect();
    Ok(df.project(columns)?)
}

/// The result columns `names` when `agg` is a sum (see [`with_empty_sums_as_zero`]).
fn sums_named(agg: Agg, names: impl IntoIterator<Item = String>) -> Vec<String> {
    match agg {
        Agg::Sum => names.into_iter().collect(),
        _ => Vec::new(),
    }
}

/// A one-row, one-column plan as a lazy scalar.
pub fn scalar_of(df: DataFrame, name: &str) -> Scalar {
    Scalar {
        expr: scalar_subquery(Arc::new(df.into_unoptimized_plan())),
        name: name.to_string(),
    }
}

pub fn row_count(frame: &Frame) -> Result<Scalar> {
    let df = frame
        .df
        .clone()
        .group_by(vec![], vec![agg::count(lit(1)).alias("len")])?;
    Ok(scalar_of(df, "len"))
}

/// `series.sum()` and friends.
pub fn reduce_series(series: &Series, agg: Agg) -> Result<Value> {
    if let Some(categories) = series.categories()
        && matches!(agg, Agg::Min | Agg::Max)
    {
        return crate::plan::cut::extreme_category(series, categories, agg == Agg::Max);
    }
    let series = &window::plain(series)?;
    let t = expr_type(&series.frame, &series.expr)?;
    let e = agg_expr(
        agg,
        series.expr.clone(),
        &t,
        &series.frame.order,
        &series.name,
    )?;
    let df = series
        .frame
        .df
        .clone()
        .group_by(vec![], vec![e.alias("value")])?;
    let df = with_empty_sums_as_zero(df, &sums_named(agg, ["value".to_string()]))?;
    Ok(Value::Scalar(scalar_of(df, &series.name)))
}

/// `s.mode()`: the values that occur most often (missing ones not counted), in ascending
/// order and numbered afresh, as pandas gives them.
pub fn mode(series: &Series) -> Result<Series> {
    let series = window::plain(series)?;
    let name = series.name.clone();
    let counted = series
        .frame
        .df
        .clone()
        .keep_rows(series.expr.clone().is_not_null())?
        .group_by(
            vec![series.expr.clone().alias(&name)],
            vec![agg::count(lit(1)).alias("__ddq_n")],
        )?;
    let most = counted
        .clone()
        .group_by(vec![], vec![agg::max(column("__ddq_n")).alias("__ddq_top")])?;
    let df = counted
        .join(most, JoinType::Inner, &["__ddq_n"], &["__ddq_top"], None)?
        .project(vec![column(&name)])?;
    let frame = Frame {
        df,
        order: vec![column(&name).sort(true, false)],
        index_columns: 0,
        npartitions: 1,
        partition: None,
        origin: "mode".into(),
        divisions: None,
    };
    Ok(Series {
        expr: column(&name),
        name,
        categories: None,
        frame: index::relabelled(&frame)?,
    })
}

/// `s.quantile([0.25, 0.75])`: a series keyed by the fractions (the key column `quantile`),
/// the column's name kept, as pandas gives one.
pub fn series_quantiles(series: &Series, fractions: &[f64]) -> Result<Value> {
    let series = &window::plain(series)?;
    let t = expr_type(&series.frame, &series.expr)?;
    let mut aggregates = Vec::with_capacity(fractions.len());
    for (i, q) in fractions.iter().enumerate() {
        let e = agg_expr(
            Agg::Quantile(*q),
            series.expr.clone(),
            &t,
            &series.frame.order,
            &series.name,
        )?;
        aggregates.push(e.alias(format!("__ddq_c{i}")));
    }
    let one_row = series.frame.df.clone().group_by(vec![], aggregates)?;
    let keys = fractions.iter().map(|q| lit(*q)).collect();
    let quantiles = unpivot_row_keyed(one_row, (keys, "quantile"), &series.name)?;
    Ok(Value::Series(quantiles))
}

/// `df.count()` and friends: one row per column, keyed by the column name, in frame order.
pub fn reduce_frame(frame: &Frame, agg: Agg) -> Result<Value> {
    let mut columns = Vec::new();
    for name in frame.value_columns() {
        let t = frame.data_type(&name).unwrap_or(DataType::Null);
        if !agg.numeric_only() || is_numeric(&t) {
            columns.push((name, t));
        }
    }
    if columns.is_empty() {
        return Err(DdqError::type_error(format!(
            "the frame has no columns {} can be computed for",
            agg.name()
        )));
    }
    let result_type = reduction_type(agg, &columns);
    let mut aggregates = Vec::new();
    for (i, (name, t)) in columns.iter().enumerate() {
        let e = agg_expr(agg, column(name), t, &frame.order, name)?;
        aggregates.push(as_reduction_type(e, &result_type).alias(format!("__ddq_c{i}")));
    }
    let one_row = frame.df.clone().group_by(vec![], aggregates)?;
    let one_row = with_empty_sums_as_zero(
        one_row,
        &sums_named(agg, (0..columns.len()).map(|i| format!("__ddq_c{i}"))),
    )?;
    let names: Vec<String> = columns
        .iter()
        .map(|(n, _)| display_name(n).to_string())
        .collect();
    Ok(Value::Series(unpivot_row(one_row, &names, agg.name())?))
}

/// `gb.col.describe()`: per group, count, mean, std, min, quartiles and max, all as floats,
/// named as pandas names them. Of several columns (`gb[["a", "b"]].describe()`, or every
/// numeric column but the keys), each column's statistics in turn, pandas' two column levels
/// printed as COLUMN_STATISTIC.
pub fn describe_groups(gb: &GroupBy) -> Result<Frame> {
    let described: Vec<String> = match &gb.selection {
        Selection::Series(name) => vec![name.clone()],
        _ => selection_columns(gb)
            .into_iter()
            .filter(|c| gb.frame.data_type(c).is_some_and(|t| is_numeric(&t)))
            .collect(),
    };
    if described.is_empty() {
        return Err(DdqError::type_error(
            "describe() of these groups has no numeric column to describe",
        )
        .with_help("select one, e.g. `gb.DepDelay.describe()`"));
    }
    let statistics = [
        ("count", Agg::Count),
        ("mean", Agg::Mean),
        ("std", Agg::Std { ddof: 1 }),
        ("min", Agg::Min),
        ("25%", Agg::Quantile(0.25)),
        ("50%", Agg::Quantile(0.5)),
        ("75%", Agg::Quantile(0.75)),
        ("max", Agg::Max),
    ];
    let one = matches!(gb.selection, Selection::Series(_));
    let specs: Vec<(String, Agg, String)> = described
        .iter()
        .flat_map(|name| {
            statistics.iter().map(move |(statistic, agg)| {
                let out = match one {
                    true => statistic.to_string(),
                    false => format!("{name}_{statistic}"),
                };
                (name.clone(), *agg, out)
            })
        })
        .collect();
    let result = aggregate(gb, &specs)?;
    let mut select: Vec<Expr> = result.key_columns().iter().map(|k| column(k)).collect();
    for value in result.value_columns() {
        select.push(float(column(&value)).alias(&value));
    }
    select.extend(result.hidden_columns().iter().map(|h| column(h)));
    Ok(result.with_df(result.df.clone().project(select)?))
}

/// `df.sum(axis=1)` and friends: each row's aggregate over its numeric columns, skipping
/// missing values as pandas does (a row with none: sum 0, count 0, others missing).
pub fn across_columns(frame: &Frame, agg: Agg) -> Result<Series> {
    let columns: Vec<String> = frame
        .value_columns()
        .into_iter()
        .filter(|c| {
            frame
                .data_type(c)
                .is_some_and(|t| is_numeric(&t) || agg == Agg::Count)
        })
        .collect();
    if columns.is_empty() {
        return Err(DdqError::type_error(
            "the frame has no numeric columns to aggregate across",
        ));
    }
    // Integer columns stay integers, as pandas keeps int64 for their sum, min and max.
    let integers = columns
        .iter()
        .all(|c| frame.data_type(c).is_some_and(|t| t.is_integer()));
    let present = |c: &String| cast(column(c).is_not_null(), DataType::Int64);
    let value = |c: &String| {
        if integers {
            cast(column(c), DataType::Int64)
        } else {
            float(column(c))
        }
    };
    let zero = if integers { lit(0i64) } else { lit(0.0) };
    let count = columns
        .iter()
        .map(present)
        .reduce(|a, b| a + b)
        .unwrap_or(lit(0i64));
    let sum = columns
        .iter()
        .map(|c| datafusion::functions::expr_fn::coalesce(vec![value(c), zero.clone()]))
        .reduce(|a, b| a + b)
        .unwrap_or(zero.clone());
    let expr = match agg {
        Agg::Count => count,
        Agg::Sum => sum,
        Agg::Mean => datafusion::logical_expr::when(
            count.clone().gt(lit(0i64)),
            float(sum) / cast(count, DataType::Float64),
        )
        .otherwise(lit(datafusion::common::ScalarValue::Float64(None)))?,
        Agg::Min => datafusion::functions::expr_fn::least(columns.iter().map(value).collect()),
        Agg::Max => datafusion::functions::expr_fn::greatest(columns.iter().map(value).collect()),
        other => {
            return Err(DdqError::unsupported(format!(
                "{}(axis=1) is not supported",
                other.name()
            ))
            .with_help("use sum, mean, count, min or max across columns"));
        }
    };
    Ok(Series {
        frame: frame.clone(),
        expr,
        name: String::new(),
        categories: None,
    })
}

/// A series keyed by name of values that each reduce `frame` (scalar subqueries, literals),
/// in the order given: `df.agg(lambda x: ...)`, `s.agg(["sum", "mean"])`. Mixed numbers
/// become floats, as pandas makes them.
pub fn values_series(frame: &Frame, values: Vec<(String, Expr)>, name: &str) -> Result<Series> {
    let schema = datafusion::common::DFSchema::empty();
    let types: Vec<DataType> = values
        .iter()
        .map(|(_, e)| datafusion::logical_expr::ExprSchemable::get_type(e, &schema))
        .collect::<std::result::Result<_, _>>()?;
    let common = match types.first() {
        Some(first) if types.iter().all(|t| t == first) => first.clone(),
        _ => DataType::Float64,
    };
    let mut exprs = Vec::new();
    let mut names = Vec::new();
    for (i, (key, e)) in values.into_iter().enumerate() {
        exprs.push(cast(e, common.clone()).alias(format!("__ddq_c{i}")));
        names.push(key);
    }
    let (state, _) = frame.df.clone().into_parts();
    let one_row = DataFrame::new(
        state,
        LogicalPlanBuilder::empty(true).project(exprs)?.build()?,
    );
    let mut series = unpivot_row(one_row, &names, if name.is_empty() { "0" } else { name })?;
    series.name = name.to_string();
    Ok(series)
}

/// Turns a one-row plan whose columns are `__ddq_c0`, `__ddq_c1`, ... (already of one type) into
/// a series keyed by column name, one row per column in order: pandas' shape for `df.count()`
/// and for one row taken out of a frame.
pub fn unpivot_row(one_row: DataFrame, names: &[String], value_name: &str) -> Result<Series> {
    let keys = names.iter().map(|n| lit(n.clone())).collect();
    unpivot_row_keyed(one_row, (keys, "column"), value_name)
}

/// [`unpivot_row`] with the keys given as literals (`s.quantile([0.25, 0.75])` is keyed by
/// the fractions) under the key column `key_name`.
pub fn unpivot_row_keyed(
    one_row: DataFrame,
    (keys, key_name): (Vec<Expr>, &str),
    value_name: &str,
) -> Result<Series> {
    let count = keys.len();
    let positions = make_array((0..count as i64).map(lit).collect());
    let values = make_array((0..count).map(|i| column(&format!("__ddq_c{i}"))).collect());
    let df = one_row.project(vec![
        make_array(keys).alias(key_name),
        values.alias(value_name),
        positions.alias("__ddq_colpos"),
    ])?;
    let df = unnest_exact(df, &[key_name, value_name, "__ddq_colpos"])?;
    let frame = Frame {
        df,
        order: vec![column("__ddq_colpos").sort(true, false)],
        index_columns: 1,
        npartitions: 1,
        partition: None,
        origin: value_name.to_string(),
        divisions: None,
    };
    Ok(Series {
        frame,
        expr: column(value_name),
        name: value_name.to_string(),
        categories: None,
    })
}

/// One row of a frame as a series keyed by column name (`df.iloc[5]`), in the columns' common
/// type as pandas picks it.
pub fn row_series(row: &Frame, name: &str) -> Result<Series> {
    let columns: Vec<(String, DataType)> = row
        .value_columns()
        .into_iter()
        .map(|c| {
            let t = row.data_type(&c).unwrap_or(DataType::Null);
            (c, t)
        })
        .collect();
    let t = reduction_type(Agg::First, &columns);
    let values: Vec<Expr> = columns
        .iter()
        .enumerate()
        .map(|(i, (c, _))| as_reduction_type(column(c), &t).alias(format!("__ddq_c{i}")))
        .collect();
    let one_row = crate::plan::order::sorted(row)?.project(values)?;
    let names: Vec<String> = columns
        .iter()
        .map(|(n, _)| display_name(n).to_string())
        .collect();
    unpivot_row(one_row, &names, name)
}

/// Unnests list columns named exactly (DataFrame::unnest_columns would parse and lower-case them).
pub fn unnest_exact(df: DataFrame, names: &[&str]) -> Result<DataFrame> {
    let (state, plan) = df.into_parts();
    let columns = names.iter().map(|n| Column::from_name(*n)).collect();
    let plan = LogicalPlanBuilder::from(plan)
        .unnest_columns_with_options(columns, UnnestOptions::default())?
        .build()?;
    Ok(DataFrame::new(state, plan))
}

/// The type a frame reduction's values share, as pandas would choose the result's dtype; mixed
/// kinds become text, pandas' `object`.
fn reduction_type(agg: Agg, columns: &[(String, DataType)]) -> DataType {
    let all = |test: fn(&DataType) -> bool| columns.iter().all(|(_, t)| test(t));
    match agg {
        Agg::Count | Agg::Size | Agg::Nunique => DataType::Int64,
        Agg::Mean
        | Agg::Std { .. }
        | Agg::Var { .. }
        | Agg::Median
        | Agg::Skew
        | Agg::Kurt
        | Agg::Quantile(_) => DataType::Float64,
        Agg::Sum if all(is_integer) => DataType::Int64,
        Agg::Sum => DataType::Float64,
        _ if all(|t| *t == DataType::Boolean) => DataType::Boolean,
        _ if all(|t| t.is_integer()) => DataType::Int64,
        _ if all(|t| t.is_numeric()) => DataType::Float64,
        _ if all(|t| t.is_temporal()) => DataType::Timestamp(TimeUnit::Nanosecond, None),
        _ => DataType::Utf8,
    }
}

/// A value in the reduction's shared type; text the way Python's `str()` shows it.
fn as_reduction_type(e: Expr, t: &DataType) -> Expr {
    if *t == DataType::Utf8 {
        python_str(e)
    } else {
        cast(e, t.clone())
    }
}

/// `frame.groupby(by)`.
pub fn groupby_of(
    frame: &Frame,
    (by_arg, by): (Arg, Value),
    [dropna, sort, as_index, observed]: [Arg; 4],
) -> Result<Value> {
    let observed = observed.bool_or(false)?;
    let dropna = dropna.bool_or(true)?;
    let mut sort = sort.bool_or(true)?;
    let as_index = as_index.bool_or(true)?;
    let items = match by {
        Value::List(items) | Value::Tuple(items) => items,
        Value::Columns(names) => names.into_iter().map(Value::Str).collect(),
        single => vec![single],
    };
    // A lone Grouper brings its own order (pandas' Grouper sorts only when asked).
    if let [Value::Grouper(grouper)] = items.as_slice() {
        sort = grouper.sort;
    }
    if items.is_empty() {
        return Err(by_arg.invalid("groupby needs at least one key"));
    }
    if let [Value::Grouper(grouper)] = items.as_slice()
        && let Some(freq) = &grouper.freq
    {
        return binned_by(frame, grouper.key.as_deref(), freq, as_index)
            .map_err(|e| e.at(by_arg.span()));
    }
    let mut keys = Vec::new();
    let mut grouped = frame.clone();
    let categories = match items.as_slice() {
        [Value::Series(s)] => s.categories.clone().filter(|_| s.categories().is_some()),
        [Value::Str(name)] => crate::plan::cut::column_categories(frame, name),
        _ => None,
    };
    for item in items {
        match item {
            Value::Str(name) => {
                check_columns(frame, std::slice::from_ref(&name))
                    .map_err(|e| e.at(by_arg.span()))?;
                keys.push((column(&name), name));
            }
            Value::Grouper(grouper) if grouper.freq.is_none() => {
                let name = match &grouper.key {
                    Some(key) => key.clone(),
                    None => {
                        index::single_index(frame, "Grouper").map_err(|e| e.at(by_arg.span()))?
                    }
                };
                check_columns(frame, std::slice::from_ref(&name))
                    .map_err(|e| e.at(by_arg.span()))?;
                keys.push((column(&name), name));
            }
            Value::Grouper(_) => {
                return Err(by_arg
                    .invalid("pd.Grouper(freq=...) beside other keys is not supported")
                    .with_help("group by the period as a column, e.g. `ddf.groupby([ddf.Date.dt.to_period(\"M\"), \"Origin\"])`"));
            }
            Value::Series(s) => {
                if !filtered_from(frame.df.logical_plan(), s.frame.df.logical_plan()) {
                    return Err(by_arg.invalid(format!(
                        "the key series `{}` must come from the frame being grouped",
                        s.name
                    )));
                }
                let schema = grouped.df.schema();
                if let Some(missing) = (s.expr.column_refs().into_iter())
                    .find(|c| schema.field_with_unqualified_name(&c.name).is_err())
                {
                    return Err(by_arg
                        .invalid(format!(
                            "the key series `{}` reads column `{}`, which the grouped frame left out",
                            s.name, missing.name
                        ))
                        .with_help("keep the key's column in the frame and group by its name"));
                }
                // A key computed by a window becomes a column: groups cannot hold windows.
                let key = window::plain(&Series {
                    frame: grouped,
                    ..s
                })?;
                grouped = key.frame;
                keys.push((key.expr, key.name));
            }
            other => {
                return Err(by_arg.invalid(format!(
                    "groupby keys must be column names or series, not {}",
                    other.kind_name()
                )));
            }
        }
    }
    Ok(Value::GroupBy(GroupBy {
        frame: grouped,
        keys,
        selection: Selection::All,
        dropna,
        sort,
        bins: None,
        as_index,
        categories: categories.map(|categories| (categories, observed)),
    }))
}

/// Whether `plan` is `ancestor` with only rows taken away (filters) or columns computed
/// (projections): a series over `ancestor` then has a value for each of its rows, as pandas
/// aligns `df[mask].groupby(df.col)` and `(df.a * 2).groupby(df.b)` by label.
fn filtered_from(plan: &LogicalPlan, ancestor: &LogicalPlan) -> bool {
    match plan {
        _ if plan == ancestor => true,
        LogicalPlan::Filter(filter) => filtered_from(&filter.input, ancestor),
        LogicalPlan::Projection(projection) => filtered_from(&projection.input, ancestor),
        _ => false,
    }
}

/// `groupby(pd.Grouper(key=, freq=))`: the rows binned by time, as `resample(freq, on=key)`.
fn binned_by(frame: &Frame, key: Option<&str>, freq: &str, as_index: bool) -> Result<Value> {
    let time = match key {
        Some(key) => {
            check_columns(frame, &[key.to_string()])?;
            key.to_string()
        }
        None => index::single_index(frame, "Grouper")?,
    };
    let rule = resample::parse_rule(freq)?;
    let gb = resample::resampler(frame, column(&time), &time, Selection::All, rule)?;
    Ok(Value::GroupBy(GroupBy { as_index, ..gb }))
}

/// `gb.col`
pub fn attribute(gb: GroupBy, name: &str) -> Result<Value> {
    if gb.frame.columns().iter().any(|c| c == name) {
        return Ok(Value::GroupBy(GroupBy {
            selection: Selection::Series(name.to_string()),
            ..gb
        }));
    }
    let columns = gb.frame.columns();
    Err(crate::plan::verbs::unknown_verb(
        crate::plan::verbs::Receiver::GroupBy,
        name,
        &columns,
    ))
}

/// `gb["col"]`, `gb[["a", "b"]]`
pub fn select(gb: GroupBy, index: Value) -> Result<Value> {
    let selection = match &index {
        Value::Str(name) => Selection::Series(name.clone()),
        other => match column_names(other) {
            Some(names) => Selection::Columns(names),
            None => {
                return Err(DdqError::type_error(format!(
                    "a groupby is indexed by a column name or a list of names, not {}",
                    other.kind_name()
                )));
            }
        },
    };
    let names = match &selection {
        Selection::Series(n) => vec![n.clone()],
        Selection::Columns(ns) => ns.clone(),
        Selection::All => vec![],
    };
    for name in &names {
        if !gb.frame.columns().contains(name) {
            return Err(unknown_column(name, &gb.frame));
        }
    }
    Ok(Value::GroupBy(GroupBy { selection, ..gb }))
}

/// One aggregation over the groupby's selection.
pub fn aggregate_all(gb: &GroupBy, agg: Agg) -> Result<Value> {
    let mut specs = Vec::new();
    for name in selection_columns(gb) {
        let t = gb.frame.data_type(&name).unwrap_or(DataType::Null);
        if gb.selection == Selection::All && agg.numeric_only() && !is_numeric(&t) {
            continue;
        }
        specs.push((name.clone(), agg, name));
    }
    let frame = aggregate(gb, &specs)?;
    match &gb.selection {
        Selection::Series(name) => Ok(keyed(gb, frame, Some(name))),
        _ => Ok(keyed(gb, frame, None)),
    }
}

/// `gb.idxmax()` / `gb.idxmin()`: per group, the label of the first largest (smallest) value
/// of each selected column — the index key, or the row position when there is no index.
pub fn extreme_labels(gb: &GroupBy, largest: bool) -> Result<Value> {
    let frame = match gb.frame.key_columns().as_slice() {
        [] => with_position(&gb.frame, LABEL_COLUMN)?,
        [key] => {
            let df = gb.frame.df.clone().set_column(LABEL_COLUMN, column(key))?;
            gb.frame.with_df(df)
        }
        _ => {
            return Err(DdqError::unsupported(
                "idxmax/idxmin of a frame indexed by several columns is not supported",
            )
            .with_help("reset_index() and use the columns instead"));
        }
    };
    let labelled = GroupBy {
        frame,
        ..gb.clone()
    };
    aggregate_all(&labelled, Agg::Idx { largest })
}

/// `agg("fn")`, `agg(["fn", ...])`, `agg({"col": "fn" | ["fn", ...]})`
pub fn aggregate_with(gb: &GroupBy, func_arg: Arg) -> Result<Value> {
    let func = func_arg.required()?.clone();
    match func {
        Value::Str(name) => aggregate_all(gb, parse_agg(&name)?),
        Value::List(items) | Value::Tuple(items) => {
            let funcs = agg_list(&items, func_arg)?;
            let columns = selection_columns(gb);
            let single = matches!(gb.selection, Selection::Series(_));
            let mut specs = Vec::new();
            for name in &columns {
                for agg in &funcs {
                    let out = if single {
                        agg.name().to_string()
                    } else {
                        format!("{name}_{}", agg.name())
                    };
                    specs.push((name.clone(), *agg, out));
                }
            }
            Ok(keyed(gb, aggregate(gb, &specs)?, None))
        }
        Value::Dict(pairs) => {
            // With a list anywhere, pandas' columns get two levels (column, aggregation), which
            // ddq writes COLUMN_AGG for every column.
            let two_levels = pairs.iter().any(|(_, v)| matches!(v, Value::List(_)));
            let mut specs = Vec::new();
            for (key, value) in pairs {
                let Value::Str(name) = key else {
                    return Err(func_arg.invalid("agg({...}) keys must be column names"));
                };
                check_columns(&gb.frame, std::slice::from_ref(&name))?;
                match value {
                    Value::Str(f) if two_levels => {
                        let agg = parse_agg(&f)?;
                        specs.push((name.clone(), agg, format!("{name}_{}", agg.name())));
                    }
                    Value::Str(f) => specs.push((name.clone(), parse_agg(&f)?, name)),
                    Value::List(items) => {
                        for agg in agg_list(&items, func_arg)? {
                            specs.push((name.clone(), agg, format!("{name}_{}", agg.name())));
                        }
                    }
                    _ => {
                        return Err(
                            func_arg.invalid("agg({...}) values must be names or lists of names")
                        );
                    }
                }
            }
            Ok(keyed(gb, aggregate(gb, &specs)?, None))
        }
        other => Err(func_arg.invalid(format!(
            "agg() takes a name, a list of names or a dict, not {}",
            other.kind_name()
        ))),
    }
}

/// Named aggregation: `agg(mean_delay=("DepDelay", "mean"))` (or `pd.NamedAgg(column=...,
/// aggfunc=...)`) on a groupby, `agg(mean_delay="mean")` on one selected column; the result's
/// columns are the keyword names, in order.
pub fn named_aggregation(gb: &GroupBy, named: &[(Ident, Value)]) -> Result<Value> {
    let mut specs = Vec::with_capacity(named.len());
    for (ident, value) in named {
        let (column_name, func) = match (value, &gb.selection) {
            (Value::Tuple(pair) | Value::List(pair), _) if pair.len() == 2 => {
                match (&pair[0], &pair[1]) {
                    (Value::Str(c), Value::Str(f)) => (c.clone(), f.clone()),
                    _ => return Err(named_shape(ident)),
                }
            }
            (Value::Str(f), Selection::Series(c)) => (c.clone(), f.clone()),
            _ => return Err(named_shape(ident)),
        };
        check_columns(&gb.frame, std::slice::from_ref(&column_name))
            .map_err(|e| e.at(ident.span))?;
        let agg = parse_agg(&func).map_err(|e| e.at(ident.span))?;
        specs.push((column_name, agg, ident.name.clone()));
    }
    Ok(keyed(gb, aggregate(gb, &specs)?, None))
}

fn named_shape(ident: &Ident) -> DdqError {
    DdqError::type_error(format!(
        "`{}=` needs a (column, aggregation) pair, e.g. {}=(\"DepDelay\", \"mean\")",
        ident.name, ident.name
    ))
    .at(ident.span)
    .with_help("on one selected column, the aggregation name alone: gb.DepDelay.agg(avg=\"mean\")")
}

/// The aggregations a list of names asks for (`agg(["min", "max"])`).
pub fn agg_list(items: &[Value], func: Arg) -> Result<Vec<Agg>> {
    items
        .iter()
        .map(|v| match v {
            Value::Str(s) => parse_agg(s),
            _ => Err(func.invalid("aggregation names must be strings")),
        })
        .collect()
}

/// Runs the aggregation: one output column per (input column, aggregation, output name).
/// The result is ordered by key, or, for `sort=False`, by where each group first appears.
pub fn aggregate(gb: &GroupBy, specs: &[(String, Agg, String)]) -> Result<Frame> {
    // An empty bin or category holds 0 for counts, sizes and sums, as pandas fills them.
    let zero_when_empty = || -> Vec<bool> {
        specs
            .iter()
            .map(|(_, agg, _)| matches!(agg, Agg::Count | Agg::Size | Agg::Sum | Agg::Nunique))
            .collect()
    };
    if let Some((categories, observed)) = &gb.categories {
        let key = &gb.keys[0].1;
        let by_code = GroupBy {
            keys: vec![(categories.code.clone(), "__ddq_code".to_string())],
            ..gb.clone()
        };
        let (coded, _) = aggregate_by_key(&by_code, &gb.frame, specs, None)?;
        return crate::plan::cut::with_every_category(
            coded,
            categories,
            "__ddq_code",
            key,
            *observed,
            &zero_when_empty(),
        );
    }
    if let Some(rule) = &gb.bins {
        let (binned, _) = aggregate_by_key(gb, &gb.frame, specs, None)?;
        return resample::fill_and_label(binned, rule, &gb.keys[0].1, &zero_when_empty());
    }
    if gb.sort {
        return aggregate_by_key(gb, &gb.frame, specs, None).map(|(frame, _)| frame);
    }
    let (mut frame, first) = aggregate_keeping_first(gb, specs)?;
    frame.order = vec![column(&first).sort(true, false)];
    Ok(frame)
}

/// `aggregate`, with one more hidden column (its name returned): the position of each group's
/// first row in the frame's order, which `sort=False` and `value_counts`' ties order by.
pub fn aggregate_keeping_first(
    gb: &GroupBy,
    specs: &[(String, Agg, String)],
) -> Result<(Frame, String)> {
    let (frame, position) = first_row_position(&gb.frame)?;
    let (result, first) = aggregate_by_key(gb, &frame, specs, Some(position))?;
    Ok((result, first.unwrap_or_default()))
}

/// Groups `frame` (the groupby's frame, maybe with a row position added) by the keys and runs
/// the aggregations, and with `position` also the hidden minimum of it (named in the result).
fn aggregate_by_key(
    gb: &GroupBy,
    frame: &Frame,
    specs: &[(String, Agg, String)],
    position: Option<Expr>,
) -> Result<(Frame, Option<String>)> {
    let mut df = frame.df.clone();
    if gb.dropna {
        for (key, _) in &gb.keys {
            df = df.keep_rows(key.clone().is_not_null())?;
        }
    }
    let key_names: Vec<&String> = gb.keys.iter().map(|(_, n)| n).collect();
    let group_exprs: Vec<Expr> = gb.keys.iter().map(|(e, n)| e.clone().alias(n)).collect();
    let mut aggregates = Vec::new();
    let mut used: Vec<String> = key_names.iter().map(|s| s.to_string()).collect();
    let mut sums = Vec::new();
    for (name, agg, out) in specs {
        let (e, t) = if *agg == Agg::Size {
            (lit(1), DataType::Int64)
        } else {
            (
                column(name),
                frame.data_type(name).unwrap_or(DataType::Null),
            )
        };
        let mut internal = out.clone();
        while used.contains(&internal) {
            internal.push_str(DUPLICATE_SUFFIX);
        }
        used.push(internal.clone());
        sums.extend(sums_named(*agg, [internal.clone()]));
        aggregates.push(agg_expr(*agg, e, &t, &frame.order, name)?.alias(internal));
    }
    let first = position.map(|position| {
        let name = unique_hidden(frame, "__ddq_first");
        aggregates.push(agg::min(position).alias(&name));
        name
    });
    let df = with_empty_sums_as_zero(df.group_by(group_exprs, aggregates)?, &sums)?;
    let result = Frame {
        df,
        // A categorical key (a column assigned from one) sorts by its categories' order.
        order: gb
            .keys
            .iter()
            .map(|(e, k)| match *e == column(k) {
                true => crate::plan::cut::sort_key(frame, k).sort(true, false),
                false => column(k).sort(true, false),
            })
            .collect(),
        index_columns: key_names.len(),
        // One partition, as Dask's group-by aggregations give by default (`split_out=1`).
        npartitions: 1,
        partition: None,
        origin: "groupby".into(),
        divisions: None,
    };
    Ok((result, first))
}

/// An expression for each row's position in the frame's order, and the frame it reads. A frame
/// in file order has it from its hidden partition and row columns, with no extra work; any
/// other order takes a numbering of the rows.
fn first_row_position(frame: &Frame) -> Result<(Frame, Expr)> {
    let file_order = [
        column(PART_COLUMN).sort(true, false),
        column(ROW_COLUMN).sort(true, false),
    ];
    if frame.order == file_order && frame.has_file_place() {
        let part = cast(column(PART_COLUMN), DataType::UInt64);
        let row = cast(column(ROW_COLUMN), DataType::UInt64);
        return Ok((frame.clone(), part * lit(1u64 << 32) + row));
    }
    let name = unique_hidden(frame, "__ddq_rowpos");
    let positioned = with_position(frame, &name)?;
    Ok((positioned, column(&name)))
}

/// A groupby's result as pandas shapes it: a keyed series (one value column named `series`) or
/// frame, or with `as_index=False` a frame with the keys as ordinary columns.
pub fn keyed(gb: &GroupBy, frame: Frame, series: Option<&str>) -> Value {
    match series {
        _ if !gb.as_index => Value::Frame(Frame {
            index_columns: 0,
            ..frame
        }),
        Some(name) => as_series(frame, name),
        None => Value::Frame(frame),
    }
}

/// A groupby result with one value column as a keyed series.
pub fn as_series(frame: Frame, name: &str) -> Value {
    let internal = frame
        .value_columns()
        .into_iter()
        .next()
        .unwrap_or_else(|| name.to_string());
    Value::Series(Series {
        frame,
        expr: column(&internal),
        name: name.to_string(),
        categories: None,
    })
}
