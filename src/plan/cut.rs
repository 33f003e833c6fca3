//! `pd.cut(x, bins)`: each value's interval among the bins, as an ordered categorical.
//!
//! The series holds the labels pandas prints (`(0, 500]`, or the `labels=` given) and carries
//! its [`Categories`]: the bin number of each row and the labels in bin order. pandas lists a
//! categorical's categories in their own order, empty ones too, so `value_counts()` and a
//! groupby by the series are planned here over the bin number and joined with a table of every
//! category. Edges given as a count are computed from the data's minimum and maximum, asked of
//! the engine when the statement is planned (pandas reads the data to make them too).

use crate::error::{DdqError, Result};
use crate::plan::Planner;
use crate::plan::groupby::{self, Agg};
use crate::plan::ops::{first_matching, float};
use crate::plan::project::Project;
use crate::plan::value::{Categories, Frame, GroupBy, Selection, Series, Value, column};
use crate::types::float::format_float_python;
use datafusion::arrow::array::{Array, Float64Array};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::JoinType;
use datafusion::common::metadata::FieldMetadata;
use datafusion::functions::expr_fn as f;
use datafusion::functions_aggregate::expr_fn as agg;
use datafusion::functions_nested::expr_fn::make_array;
use datafusion::logical_expr::{Expr, LogicalPlanBuilder, cast, lit};
use datafusion::prelude::DataFrame;
use std::collections::HashMap;
use std::sync::Arc;

/// The field metadata under which a column assigned from a categorical (`pd.cut`,
/// `astype("category")`) keeps its categories (the labels in order, as JSON): the engine
/// carries it through projections and renames, and drops it from anything computed from the
/// column, as pandas keeps a categorical's dtype.
const CATEGORIES_KEY: &str = "ddq.categories";
/// Beside it, whether they are ordered: "true" or "false".
const ORDERED_KEY: &str = "ddq.ordered";
/// And the categories' own dtype (`Categories::dtype`).
const DTYPE_KEY: &str = "ddq.categories_dtype";

/// `expr` named `name` as a column that keeps `categories`.
pub fn categorical_column(expr: Expr, name: &str, categories: &Categories) -> Expr {
    let labels = serde_json::to_string(&categories.labels).unwrap_or_default();
    let metadata = HashMap::from([
        (CATEGORIES_KEY.to_string(), labels),
        (ORDERED_KEY.to_string(), categories.ordered.to_string()),
        (DTYPE_KEY.to_string(), categories.dtype.clone()),
    ]);
    expr.alias_with_metadata(name, Some(FieldMetadata::from(metadata)))
}

/// The metadata of column `name` of `frame`, when it keeps categories.
fn categorical_metadata<'a>(frame: &'a Frame, name: &str) -> Option<&'a HashMap<String, String>> {
    let field = frame.df.schema().field_with_unqualified_name(name).ok()?;
    Some(field.metadata()).filter(|metadata| metadata.contains_key(CATEGORIES_KEY))
}

/// Whether column `name` of `frame` was assigned from a categorical.
pub fn is_categorical(frame: &Frame, name: &str) -> bool {
    categorical_metadata(frame, name).is_some()
}

/// The categories of column `name` of `frame`, when it was assigned from a categorical: each
/// row's code found again from its label.
pub fn column_categories(frame: &Frame, name: &str) -> Option<Arc<Categories>> {
    let metadata = categorical_metadata(frame, name)?;
    let labels: Vec<String> = serde_json::from_str(metadata.get(CATEGORIES_KEY)?).ok()?;
    let ordered = metadata.get(ORDERED_KEY).is_some_and(|o| o == "true");
    let dtype = metadata.get(DTYPE_KEY).map_or("object", String::as_str);
    categories_of(column(name), labels, ordered, dtype)
        .ok()
        .map(Arc::new)
}

/// What column `name` of `frame` sorts by: a categorical by its categories' order, as pandas
/// sorts one (ordered or not), any other column by its values.
pub fn sort_key(frame: &Frame, name: &str) -> Expr {
    match column_categories(frame, name) {
        Some(categories) => categories.code.clone(),
        None => column(name),
    }
}

/// The categories of `label` whose values, written as text by [`category_text`], are `labels`,
/// of pandas dtype `dtype`: each row's code is the place of its text among them.
pub fn categories_of(
    label: Expr,
    labels: Vec<String>,
    ordered: bool,
    dtype: &str,
) -> Result<Categories> {
    let text = category_text(label.clone(), dtype)?;
    let codes = labels
        .iter()
        .enumerate()
        .map(|(i, value)| (text.clone().eq(lit(value.clone())), lit(i as i64)))
        .collect();
    Ok(Categories {
        code: first_matching(codes)?,
        labels,
        label,
        ordered,
        dtype: dtype.to_string(),
    })
}

/// A category value of pandas dtype `dtype` as text, as pandas prints it: what labels are
/// made of and compared with. Numbers as the engine writes them, booleans `True`/`False`,
/// dates alone at midnight; text and `pd.cut`'s intervals are text already.
pub fn category_text(value: Expr, dtype: &str) -> Result<Expr> {
    Ok(match dtype {
        "object" => value,
        interval if interval.starts_with("interval") => value,
        // `datetime64[ns, UTC]`: pandas writes a zoned category with its time and offset.
        zoned if zoned.starts_with("datetime64") && zoned.contains(',') => {
            crate::plan::series::zoned_timestamp_text(value)
        }
        datetime if datetime.starts_with("datetime64") => {
            crate::plan::series::timestamp_text(value)
        }
        "bool" => datafusion::logical_expr::when(value.clone(), lit("True"))
            .when(!value, lit("False"))
            .end()?,
        _ => cast(value, DataType::Utf8),
    })
}

/// The bins of `pd.cut`: edges given, or how many equal-width bins to make from the data.
pub enum Bins {
    /// The edges, and whether all were written as integers (pandas then prints them so).
    Edges(Vec<f64>, bool),
    Count(usize),
}

/// `pd.cut`'s other arguments.
pub struct CutOptions {
    pub right: bool,
    pub include_lowest: bool,
    pub precision: i32,
    pub labels: Option<Vec<String>>,
    /// `labels=False`: the bin numbers themselves, a plain integer series.
    pub bin_numbers: bool,
}

/// The dtype of `pd.cut`'s categories: its `labels=`, or intervals over the edges' type (an
/// `include_lowest` moves the first edge off an integer) closed on the right or the left.
fn cut_dtype(options: &CutOptions, integer_edges: bool) -> String {
    if options.labels.is_some() {
        return "object".to_string();
    }
    let edges = if integer_edges && !options.include_lowest {
        "int64"
    } else {
        "float64"
    };
    let closed = if options.right { "right" } else { "left" };
    format!("interval[{edges}, {closed}]")
}

/// `pd.cut(x, bins, ...)` of `x`, with the edges it used (`retbins=True` returns them).
pub fn cut(
    planner: &Planner,
    x: &Series,
    bins: Bins,
    options: &CutOptions,
) -> Result<(Series, Vec<f64>)> {
    let (edges, integers) = match bins {
        Bins::Edges(edges, integers) => (checked_edges(edges)?, integers),
        Bins::Count(count) => (equal_width_edges(planner, x, count, options.right)?, false),
    };
    let bins = edges.len() - 1;
    let labels = match &options.labels {
        Some(labels) if labels.len() != bins => {
            return Err(DdqError::input(format!(
                "labels= has {} labels for {bins} bins",
                labels.len()
            ))
            .with_help("give one label per bin (one fewer than the edges)"));
        }
        Some(labels) => labels.clone(),
        None => interval_labels(&edges, integers, options),
    };
    let value = float(x.expr.clone());
    let mut bins_of_value = Vec::new();
    for (i, pair) in edges.windows(2).enumerate() {
        let (lo, hi) = (lit(pair[0]), lit(pair[1]));
        let inside = match (options.right, i == 0 && options.include_lowest) {
            (true, false) => value.clone().gt(lo).and(value.clone().lt_eq(hi)),
            (true, true) => value.clone().gt_eq(lo).and(value.clone().lt_eq(hi)),
            (false, _) => value.clone().gt_eq(lo).and(value.clone().lt(hi)),
        };
        bins_of_value.push((inside, lit(i as i64)));
    }
    let code = first_matching(bins_of_value)?;
    if options.bin_numbers {
        return Ok((Series::new(x.frame.clone(), code, x.name.clone()), edges));
    }
    let label = first_matching(
        labels
            .iter()
            .enumerate()
            .map(|(i, text)| (code.clone().eq(lit(i as i64)), lit(text.clone())))
            .collect(),
    )?;
    let categories = Categories {
        dtype: cut_dtype(options, integers),
        labels,
        code,
        label: label.clone(),
        ordered: true,
    };
    let series = Series {
        categories: Some(Arc::new(categories)),
        ..Series::new(x.frame.clone(), label, x.name.clone())
    };
    Ok((series, edges))
}

/// Edges given: increasing and without repeats, as pandas requires.
fn checked_edges(edges: Vec<f64>) -> Result<Vec<f64>> {
    if edges.len() < 2 {
        return Err(DdqError::input("pd.cut needs at least two bin edges")
            .with_help("e.g. pd.cut(ddf.Distance, [0, 500, 1000, 5000])"));
    }
    if edges.windows(2).any(|pair| pair[0] > pair[1]) {
        return Err(DdqError::input("bins must increase monotonically"));
    }
    if edges.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(
            DdqError::input("bin edges must be unique").with_help("remove the repeated edges")
        );
    }
    Ok(edges)
}

/// `count` equal-width bins over the data's range, widened by 0.1 % on the open side, as
/// pandas makes them (numpy's linspace).
fn equal_width_edges(planner: &Planner, x: &Series, count: usize, right: bool) -> Result<Vec<f64>> {
    if count == 0 {
        return Err(DdqError::input("`bins` should be a positive integer"));
    }
    let value = float(x.expr.clone());
    let range = x.frame.df.clone().group_by(
        vec![],
        vec![
            agg::min(value.clone()).alias("lo"),
            agg::max(value).alias("hi"),
        ],
    )?;
    let range = range.project(vec![
        cast(
            column("lo"),
            datafusion::arrow::datatypes::DataType::Float64,
        )
        .alias("lo"),
        cast(
            column("hi"),
            datafusion::arrow::datatypes::DataType::Float64,
        )
        .alias("hi"),
    ])?;
    let batches = planner.sources.collect_now(range)?;
    let bound = |i: usize| {
        batches
            .iter()
            .find(|b| b.num_rows() > 0)
            .and_then(|b| b.column(i).as_any().downcast_ref::<Float64Array>().cloned())
            .filter(|a| a.is_valid(0))
            .map(|a| a.value(0))
    };
    let (Some(lo), Some(hi)) = (bound(0), bound(1)) else {
        return Err(
            DdqError::input("cannot make bins from a count when every value is missing")
                .with_help("give the edges, e.g. bins=[0, 500, 5000]"),
        );
    };
    if lo.is_infinite() || hi.is_infinite() {
        return Err(DdqError::input(
            "cannot specify integer `bins` when input data contains infinity",
        ));
    }
    Ok(linspace_edges(lo, hi, count, right))
}

/// `pd.qcut`'s edges: the quantiles `qs` of the data (interpolated linearly, as pandas'
/// `quantile`), asked of the engine when the statement is planned; repeated edges are an
/// error unless `drop_repeats` (pandas' `duplicates="drop"`).
pub fn quantile_edges(
    planner: &Planner,
    x: &Series,
    qs: &[f64],
    drop_repeats: bool,
) -> Result<Vec<f64>> {
    if let Some(q) = qs.iter().find(|q| !(0.0..=1.0).contains(*q)) {
        return Err(DdqError::input(format!(
            "quantiles must be between 0 and 1, not {q}"
        )));
    }
    let value = float(x.expr.clone());
    let quantiles = qs
        .iter()
        .enumerate()
        .map(|(i, q)| {
            agg::percentile_cont(value.clone().sort(true, false), lit(*q)).alias(format!("q{i}"))
        })
        .collect();
    let df = x
        .frame
        .df
        .clone()
        .keep_rows(value.is_not_null())?
        .group_by(vec![], quantiles)?;
    let batches = planner.sources.collect_now(df)?;
    let Some(batch) = batches.iter().find(|b| b.num_rows() > 0) else {
        return Err(DdqError::execution("the quantiles query returned no row"));
    };
    let mut edges = Vec::with_capacity(qs.len());
    for i in 0..qs.len() {
        let column = datafusion::arrow::compute::cast(batch.column(i), &DataType::Float64)
            .map_err(|e| DdqError::execution(e.to_string()))?;
        let column = column.as_any().downcast_ref::<Float64Array>().cloned();
        match column.filter(|c| c.is_valid(0)) {
            Some(c) => edges.push(c.value(0)),
            None => {
                return Err(DdqError::input(
                    "cannot make quantile bins when every value is missing",
                ));
            }
        }
    }
    let mut distinct = edges.clone();
    distinct.dedup();
    if distinct.len() != edges.len() && !drop_repeats {
        let shown: Vec<String> = edges.iter().map(|e| format_float_python(*e)).collect();
        return Err(
            DdqError::input(format!("Bin edges must be unique: [{}]", shown.join(", ")))
                .with_help("drop the repeated edges with duplicates=\"drop\""),
        );
    }
    Ok(distinct)
}

/// pandas' `_nbins_to_bins` over a finite range.
fn linspace_edges(lo: f64, hi: f64, count: usize, right: bool) -> Vec<f64> {
    let widen = |v: f64, sign: f64| {
        if v == 0.0 {
            sign * 0.001
        } else {
            v + sign * 0.001 * v.abs()
        }
    };
    if lo == hi {
        return linspace(widen(lo, -1.0), widen(hi, 1.0), count);
    }
    let mut edges = linspace(lo, hi, count);
    let adjust = (hi - lo) * 0.001;
    if right {
        edges[0] -= adjust;
    } else if let Some(last) = edges.last_mut() {
        *last += adjust;
    }
    edges
}

/// numpy's `linspace(start, stop, count + 1)`: `i * step + start`, the last exactly `stop`.
fn linspace(start: f64, stop: f64, count: usize) -> Vec<f64> {
    let step = (stop - start) / count as f64;
    let mut edges: Vec<f64> = (0..=count).map(|i| i as f64 * step + start).collect();
    edges[count] = stop;
    edges
}

/// The intervals as pandas prints them: `(a, b]` (or `[a, b)`), the edges rounded to the
/// fewest digits (from `precision`) that keep them apart; integers stay integers unless the
/// first edge is lowered by `include_lowest`.
fn interval_labels(edges: &[f64], integers: bool, options: &CutOptions) -> Vec<String> {
    let precision = inferred_precision(edges, options.precision);
    let mut breaks: Vec<f64> = edges.iter().map(|&e| round_frac(e, precision)).collect();
    let mut integers = integers;
    if options.right && options.include_lowest {
        breaks[0] -= 10f64.powi(-precision);
        integers = false;
    }
    let shown = |v: f64| {
        if integers {
            format!("{}", v as i64)
        } else {
            format_float_python(v)
        }
    };
    breaks
        .windows(2)
        .map(|pair| match options.right {
            true => format!("({}, {}]", shown(pair[0]), shown(pair[1])),
            false => format!("[{}, {})", shown(pair[0]), shown(pair[1])),
        })
        .collect()
}

/// pandas' `_infer_precision`: the first precision from `base` on at which the rounded edges
/// stay distinct.
fn inferred_precision(edges: &[f64], base: i32) -> i32 {
    for precision in base..20 {
        let mut levels: Vec<f64> = edges.iter().map(|&e| round_frac(e, precision)).collect();
        levels.sort_by(f64::total_cmp);
        levels.dedup();
        if levels.len() == edges.len() {
            return precision;
        }
    }
    base
}

/// pandas' `_round_frac`: `precision` digits after the point, or that many significant digits
/// for a number below one; rounded half to even as numpy's `around`.
fn round_frac(x: f64, precision: i32) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    let whole = x.trunc();
    let digits = if whole == 0.0 {
        -((x - whole).abs().log10().floor() as i32) - 1 + precision
    } else {
        precision
    };
    if digits >= 0 {
        let scale = 10f64.powi(digits);
        (x * scale).round_ties_even() / scale
    } else {
        let scale = 10f64.powi(-digits);
        (x / scale).round_ties_even() * scale
    }
}

/// Every category of `categories` as rows of a table over `frame`'s session: `code_name` the
/// bin number, `label_name` its label.
fn category_table(
    frame: &Frame,
    categories: &Categories,
    code_name: &str,
    label_name: &str,
) -> Result<DataFrame> {
    let (state, _) = frame.df.clone().into_parts();
    let codes = make_array((0..categories.labels.len() as i64).map(lit).collect());
    let labels = make_array(categories.labels.iter().map(|l| lit(l.clone())).collect());
    let one_row = DataFrame::new(
        state,
        LogicalPlanBuilder::empty(true)
            .project(vec![codes.alias(code_name), labels.alias(label_name)])?
            .build()?,
    );
    groupby::unnest_exact(one_row, &[code_name, label_name])
}

/// `result` (grouped by the bin number in `code_name`) with a row for every category in bin
/// order, or only those with rows when `observed`; the bin number stays as the hidden column
/// the rows are ordered by, and the key `key` is the category's label. `zero_when_empty` says,
/// per value column in order, whether an empty category holds 0 (counts, sizes, sums) rather
/// than a missing value.
pub fn with_every_category(
    result: Frame,
    categories: &Categories,
    code_name: &str,
    key: &str,
    observed: bool,
    zero_when_empty: &[bool],
) -> Result<Frame> {
    let every = category_table(&result, categories, "__ddq_cat", "__ddq_cat_label")?;
    let join = if observed {
        JoinType::Inner
    } else {
        JoinType::Left
    };
    let joined = every.join_on(
        result.df.clone(),
        join,
        [column("__ddq_cat").eq(column(code_name))],
    )?;
    // The bin number is the (hidden) key of `result`, so every shown column is a value.
    let values = result.columns();
    // Numeric categories keep their numbers as keys (the table holds them as text).
    let label = match crate::types::dtype::parse_dtype(&categories.dtype) {
        Some(t) if t.is_numeric() => cast(column("__ddq_cat_label"), t),
        _ => column("__ddq_cat_label"),
    };
    // The key stays categorical, as pandas' CategoricalIndex of such a groupby does.
    let mut select = vec![categorical_column(label, key, categories)];
    for (name, zero) in values.iter().zip(zero_when_empty) {
        let value = column(name);
        select.push(if *zero {
            f::coalesce(vec![value, lit(0)]).alias(name)
        } else {
            value.alias(name)
        });
    }
    select.push(column("__ddq_cat"));
    Ok(Frame {
        df: joined.project(select)?,
        order: vec![column("__ddq_cat").sort(true, false)],
        index_columns: 1,
        partition: None,
        divisions: None,
        origin: "cut".into(),
        ..result
    })
}

/// `min()` or `max()` of an ordered categorical: the first or last category any row holds, in
/// the categories' order. pandas refuses it for unordered categories, whose order ranks nothing.
pub fn extreme_category(series: &Series, categories: &Categories, max: bool) -> Result<Value> {
    let operation = if max { "max" } else { "min" };
    if !categories.ordered {
        return Err(DdqError::type_error(format!(
            "Categorical is not ordered for operation {operation}"
        ))
        .with_help(
            "make it ordered: astype(pd.CategoricalDtype(categories, ordered=True)), or take the \
             extreme of the values themselves with s.astype(str)",
        ));
    }
    let code = categories.code.clone();
    let extreme = if max { agg::max(code) } else { agg::min(code) };
    let df = series
        .frame
        .df
        .clone()
        .group_by(vec![], vec![extreme.alias("code")])?;
    let label = first_matching(
        categories
            .labels
            .iter()
            .enumerate()
            .map(|(i, text)| (column("code").eq(lit(i as i64)), lit(text.clone())))
            .collect(),
    )?;
    // Numeric categories give their number, as pandas does.
    let label = match crate::types::dtype::parse_dtype(&categories.dtype) {
        Some(t) if t.is_numeric() => cast(label, t),
        _ => label,
    };
    let df = df.project(vec![label.alias("value")])?;
    Ok(Value::Scalar(groupby::scalar_of(df, &series.name)))
}

/// `value_counts()` of a series `pd.cut` made: every category (0 for an empty one), by count
/// (`ascending` or not; ties in category order) when `sort`, else in category order.
pub fn value_counts(
    series: &Series,
    categories: &Categories,
    sort: bool,
    ascending: bool,
    normalize: bool,
) -> Result<Series> {
    let gb = GroupBy {
        frame: series.frame.clone(),
        keys: vec![(categories.code.clone(), "__ddq_code".to_string())],
        selection: Selection::All,
        dropna: true,
        sort: true,
        bins: None,
        as_index: true,
        categories: None,
    };
    let name = if normalize { "proportion" } else { "count" };
    let counted = groupby::aggregate(&gb, &[(String::new(), Agg::Size, name.to_string())])?;
    let mut every = with_every_category(
        counted,
        categories,
        "__ddq_code",
        &series.name,
        false,
        &[true],
    )?;
    let value = every.value_columns().pop().unwrap_or_default();
    if normalize {
        every = crate::plan::series::as_proportions(&every, &value, &[])?;
    }
    let in_category_order = column("__ddq_cat").sort(true, false);
    every.order = if sort {
        vec![column(&value).sort(ascending, false), in_category_order]
    } else {
        vec![in_category_order]
    };
    Ok(Series::new(every, column(&value), name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(right: bool, include_lowest: bool) -> CutOptions {
        CutOptions {
            right,
            include_lowest,
            precision: 3,
            labels: None,
            bin_numbers: false,
        }
    }

    #[test]
    fn intervals_are_labelled_as_pandas_labels_them() {
        let edges = [0.0, 500.0, 5000.0];
        assert_eq!(
            interval_labels(&edges, true, &options(true, false)),
            ["(0, 500]", "(500, 5000]"]
        );
        assert_eq!(
            interval_labels(&edges, true, &options(false, false)),
            ["[0, 500)", "[500, 5000)"]
        );
        assert_eq!(
            interval_labels(&edges, true, &options(true, true)),
            ["(-0.001, 500.0]", "(500.0, 5000.0]"]
        );
        assert_eq!(
            interval_labels(&[0.5, 1.25, 2.0], false, &options(true, false)),
            ["(0.5, 1.25]", "(1.25, 2.0]"]
        );
    }

    #[test]
    fn equal_width_bins_follow_numpy_and_pandas() {
        // pd.cut(pd.Series([-15.0, 1006.0]), 3): (-16.021, 325.333], (325.333, 665.667], ...
        let edges = linspace_edges(-15.0, 1006.0, 3, true);
        assert_eq!(
            interval_labels(&edges, false, &options(true, false)),
            [
                "(-16.021, 325.333]",
                "(325.333, 665.667]",
                "(665.667, 1006.0]"
            ]
        );
        assert_eq!(round_frac(0.000123456, 3), 0.000123);
        assert_eq!(linspace_edges(5.0, 5.0, 2, true), [4.995, 5.0, 5.005]);
    }
}
