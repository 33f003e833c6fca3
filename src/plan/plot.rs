//! Plots (`s.plot()`, `s.plot.bar()`, `s.hist(bins=)`, `df.plot.scatter(x=, y=)`): what to draw,
//! and the small query whose rows are drawn. The engine aggregates or samples — a histogram's
//! bins are a group-by on the bin number, a scatter plot's points a sample — so only a few rows
//! are ever collected; a line or bar plot of more rows than it can show is refused when drawn,
//! never collected whole. The session runs the query and `engine::plot` draws the rows.

use crate::error::{DdqError, Result};
use crate::plan::order::display_frame;
use crate::plan::project::Project;
use crate::plan::series::{Amount, sample_rows, to_frame};
use crate::plan::value::{Frame, Series, column, display_name};
use crate::plan::{check_columns, ops, window};
use datafusion::arrow::datatypes::DataType;
use datafusion::functions::expr_fn as f;
use datafusion::functions_aggregate::expr_fn::{count, max, min};
use datafusion::logical_expr::{Expr, JoinType, cast, lit, when};
use datafusion::prelude::DataFrame;

/// The most bars a bar plot draws (pandas would draw more, unreadably).
pub const MAX_BARS: usize = 500;
/// The most points a line plot draws; longer series are refused, with what to aggregate instead.
pub const MAX_LINE_POINTS: usize = 100_000;
/// A scatter plot of more rows draws a sample of this many, chosen in the engine.
pub const MAX_SCATTER_POINTS: u64 = 5_000;
/// The most bins a histogram has.
pub const MAX_BINS: i64 = 1_000;
/// The seed of a scatter plot's sample: the same data always gives the same picture.
const SCATTER_SEED: i64 = 0;

/// Kinds of plot, as pandas' `kind=` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlotKind {
    Line,
    Bar,
    Barh,
    Hist { bins: usize },
    Scatter,
}

impl PlotKind {
    /// `kind="..."`; `bins` is used by `"hist"`.
    pub fn named(name: &str, bins: usize) -> Option<PlotKind> {
        Some(match name {
            "line" => PlotKind::Line,
            "bar" => PlotKind::Bar,
            "barh" => PlotKind::Barh,
            "hist" => PlotKind::Hist { bins },
            "scatter" => PlotKind::Scatter,
            _ => return None,
        })
    }

    /// The most rows the plot's query may give; it asks for one more, to tell when there were more.
    pub fn row_limit(self) -> Option<usize> {
        match self {
            PlotKind::Line => Some(MAX_LINE_POINTS),
            PlotKind::Bar | PlotKind::Barh => Some(MAX_BARS),
            PlotKind::Hist { .. } | PlotKind::Scatter => None,
        }
    }
}

/// The kinds `kind=` takes, for messages.
pub const KIND_NAMES: &str = "\"line\", \"bar\", \"barh\", \"hist\", \"scatter\"";

/// What the user asked for beyond the data: pandas' `title=` and `figsize=`, and where to draw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlotOptions {
    pub title: Option<String>,
    /// Width and height in inches, as matplotlib takes them (drawn at 100 pixels per inch).
    pub figsize: Option<(f64, f64)>,
    /// `to="x.png"` or `"x.svg"`; `None` draws in the terminal, or into `plot.png` off one.
    pub path: Option<String>,
}

/// A plot the session draws: the query giving its rows and how to read them.
#[derive(Clone)]
pub struct PlotRequest {
    pub kind: PlotKind,
    /// Line and bar plots: `labels` label columns (the index or `x=`), then one Float64 column
    /// per line or set of bars. Histograms: `bin` (Int64), `count`, `lo`, `hi` (the values'
    /// range). Scatter plots: `x`, `y` (Float64).
    pub df: DataFrame,
    /// How many leading columns label the rows (0: rows are at positions 0, 1, 2, ...).
    pub labels: usize,
    /// The axes' titles: the index's or `x=`'s name, and the values' name.
    pub x_label: String,
    pub y_label: String,
    pub options: PlotOptions,
}

/// `s.plot(kind=...)` and the `s.plot.KIND()` methods: a series' values against its index.
pub fn series_plot(series: &Series, kind: PlotKind, options: PlotOptions) -> Result<PlotRequest> {
    let series = window::plain(series)?;
    match kind {
        PlotKind::Hist { bins } => histogram(&series, bins, options),
        PlotKind::Scatter => Err(DdqError::unsupported(
            "a scatter plot needs two columns, and a series has one",
        )
        .with_help("plot two columns of the frame: df.plot.scatter(x=\"A\", y=\"B\")")),
        PlotKind::Line | PlotKind::Bar | PlotKind::Barh => {
            let frame = to_frame(&series)?;
            let values = frame.value_columns();
            labelled(&frame, kind, frame.key_columns(), &values, options)
        }
    }
}

/// `df.plot(x=, y=, kind=...)`: columns `y` (every numeric column when left out) against `x`
/// (the index when left out).
pub fn frame_plot(
    frame: &Frame,
    kind: PlotKind,
    x: Option<String>,
    y: Option<Vec<String>>,
    options: PlotOptions,
) -> Result<PlotRequest> {
    if let Some(x) = &x {
        check_columns(frame, std::slice::from_ref(x))?;
    }
    if let Some(y) = &y {
        check_columns(frame, y)?;
    }
    match kind {
        PlotKind::Scatter => scatter(frame, x, y, options),
        PlotKind::Hist { bins } => {
            let column = single_column(frame, y)?;
            histogram(&column_series(frame, &column), bins, options)
        }
        PlotKind::Line | PlotKind::Bar | PlotKind::Barh => {
            let labels = match &x {
                Some(x) => vec![x.clone()],
                None => frame.key_columns(),
            };
            let values = match y {
                Some(y) => y,
                None => numeric_columns(frame, &labels),
            };
            labelled(frame, kind, labels, &values, options)
        }
    }
}

/// A line or bar plot's rows: the label columns, then each value column as Float64, in the
/// frame's order, at most the kind's limit and one more.
fn labelled(
    frame: &Frame,
    kind: PlotKind,
    labels: Vec<String>,
    values: &[String],
    options: PlotOptions,
) -> Result<PlotRequest> {
    if values.is_empty() {
        return Err(no_numeric_data());
    }
    let mut exprs: Vec<Expr> = labels.iter().map(|l| column(l)).collect();
    for name in values {
        exprs.push(float_column(frame, name)?.alias(display_name(name)));
    }
    let (df, _) = display_frame(frame)?;
    let mut df = df.project(exprs)?;
    if let Some(limit) = kind.row_limit() {
        df = df.limit(0, Some(limit + 1))?;
    }
    let names = |columns: &[String]| {
        let shown: Vec<&str> = columns.iter().map(|c| display_name(c)).collect();
        shown.join(", ")
    };
    Ok(PlotRequest {
        kind,
        df,
        labels: labels.len(),
        x_label: names(&labels),
        y_label: if values.len() == 1 {
            names(values)
        } else {
            String::new()
        },
        options,
    })
}

/// `s.hist(bins=)`: `bins` equal bins from the smallest value to the largest, as numpy's
/// `histogram` makes them (the last bin holds the largest value). The range is a one-row
/// aggregate joined to every value, and the counts a group-by on the bin number: two passes
/// over the data, and only the bins are collected.
pub fn histogram(series: &Series, bins: usize, options: PlotOptions) -> Result<PlotRequest> {
    let t = ops::expr_type(&series.frame, &series.expr)?;
    if !ops::is_numeric(&t) {
        return Err(no_numeric_data());
    }
    let values = series
        .frame
        .df
        .clone()
        .project([cast(series.expr.clone(), DataType::Float64).alias("v")])?
        .keep_rows(column("v").is_not_null().and(!f::isnan(column("v"))))?;
    let range = values.clone().group_by(
        vec![],
        vec![min(column("v")).alias("lo"), max(column("v")).alias("hi")],
    )?;
    let binned = range
        .join_on(values, JoinType::Inner, [])?
        .project([
            bin_number(column("v"), column("lo"), column("hi"), bins).alias("bin"),
            column("lo"),
            column("hi"),
        ])?
        .group_by(
            vec![column("bin")],
            vec![
                count(lit(1)).alias("count"),
                min(column("lo")).alias("lo"),
                min(column("hi")).alias("hi"),
            ],
        )?
        .sort(vec![column("bin").sort(true, false)])?;
    Ok(PlotRequest {
        kind: PlotKind::Hist { bins },
        df: binned,
        labels: 0,
        x_label: display_name(&series.name).to_string(),
        y_label: "Frequency".into(),
        options,
    })
}

/// The bin (0 to `bins - 1`) of `v` among `bins` equal bins from `lo` to `hi`; the largest value
/// falls in the last bin, and every value in bin 0 when all are equal.
fn bin_number(v: Expr, lo: Expr, hi: Expr, bins: usize) -> Expr {
    let bins = bins as i64;
    let scaled = (v - lo.clone()) / (hi.clone() - lo.clone()) * lit(bins as f64);
    let bin = cast(f::floor(scaled), DataType::Int64);
    when(hi.eq(lo), lit(0i64))
        .when(bin.clone().gt_eq(lit(bins)), lit(bins - 1))
        .otherwise(bin)
        .unwrap_or_else(|_| lit(0i64))
}

/// `df.plot.scatter(x=, y=)`: at most [`MAX_SCATTER_POINTS`] rows, sampled by the engine.
fn scatter(
    frame: &Frame,
    x: Option<String>,
    y: Option<Vec<String>>,
    options: PlotOptions,
) -> Result<PlotRequest> {
    let (Some(x), Some(y)) = (x, y) else {
        return Err(DdqError::type_error("a scatter plot needs x= and y=")
            .with_help("df.plot.scatter(x=\"DepDelay\", y=\"ArrDelay\")"));
    };
    let [y] = <[String; 1]>::try_from(y).map_err(|_| {
        DdqError::unsupported("a scatter plot takes one y column")
            .with_help("draw one plot per column: df.plot.scatter(x=\"A\", y=\"B\")")
    })?;
    let points = [
        float_column(frame, &x)?.alias("x"),
        float_column(frame, &y)?.alias("y"),
    ];
    // Rows missing either value draw no point, so they are left out before sampling.
    let drawable = column(&x).is_not_null().and(column(&y).is_not_null());
    let frame = frame.with_df(frame.df.clone().keep_rows(drawable)?);
    let sample = sample_rows(&frame, Amount::Rows(MAX_SCATTER_POINTS), SCATTER_SEED)?;
    let df = sample.df.project(points)?;
    Ok(PlotRequest {
        kind: PlotKind::Scatter,
        df,
        labels: 0,
        x_label: display_name(&x).to_string(),
        y_label: display_name(&y).to_string(),
        options,
    })
}

/// A column as Float64, refused when it is not numeric.
fn float_column(frame: &Frame, name: &str) -> Result<Expr> {
    match frame.data_type(name) {
        Some(t) if ops::is_numeric(&t) => Ok(cast(column(name), DataType::Float64)),
        Some(t) => Err(DdqError::type_error(format!(
            "column `{}` is {}, not numbers: there is nothing to plot",
            display_name(name),
            crate::types::dtype::pandas_dtype(&t)
        ))
        .with_help(
            "plot a numeric column, or count the values first: s.value_counts().plot.bar()",
        )),
        None => Err(crate::plan::unknown_column(name, frame)),
    }
}

/// The numeric value columns, but those used as labels.
fn numeric_columns(frame: &Frame, labels: &[String]) -> Vec<String> {
    frame
        .value_columns()
        .into_iter()
        .filter(|c| !labels.contains(c))
        .filter(|c| frame.data_type(c).is_some_and(|t| ops::is_numeric(&t)))
        .collect()
}

/// The one column a frame's histogram is of.
fn single_column(frame: &Frame, y: Option<Vec<String>>) -> Result<String> {
    let columns = y.unwrap_or_else(|| numeric_columns(frame, &[]));
    match <[String; 1]>::try_from(columns) {
        Ok([one]) => Ok(one),
        Err(many) if many.is_empty() => Err(no_numeric_data()),
        Err(_) => Err(DdqError::unsupported(
            "a histogram of several columns at once is not supported",
        )
        .with_help("draw one column's: df.DepDelay.plot.hist(bins=20)")),
    }
}

fn column_series(frame: &Frame, name: &str) -> Series {
    Series {
        frame: frame.clone(),
        expr: column(name),
        name: display_name(name).to_string(),
        categories: None,
    }
}

/// pandas' `TypeError: no numeric data to plot`.
fn no_numeric_data() -> DdqError {
    DdqError::type_error("no numeric data to plot")
        .with_help("plot a numeric column, or count the values first: s.value_counts().plot.bar()")
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Array, Float64Array, Int64Array};
    use datafusion::prelude::SessionContext;

    /// The bins `bin_number` gives these values, computed by DataFusion.
    async fn bins_of(values: &[f64], bins: usize) -> Vec<i64> {
        let ctx = SessionContext::new();
        let batch = datafusion::arrow::record_batch::RecordBatch::try_from_iter([(
            "v",
            std::sync::Arc::new(Float64Array::from(values.to_vec())) as _,
        )])
        .unwrap();
        let (lo, hi) = values
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
        let df = ctx.read_batch(batch).unwrap();
        let binned = df
            .project([bin_number(column("v"), lit(lo), lit(hi), bins).alias("bin")])
            .unwrap()
            .collect()
            .await
            .unwrap();
        let bins = binned[0]
            .column(0)
            .as_any()
            .downcast_ref::<Int64Array>()
            .unwrap();
        (0..bins.len()).map(|i| bins.value(i)).collect()
    }

    #[tokio::test]
    async fn bins_are_equal_and_the_largest_value_is_in_the_last() {
        // numpy.histogram([0, 1, 2.5, 5, 9.99, 10], bins=4): edges 0, 2.5, 5, 7.5, 10.
        assert_eq!(
            bins_of(&[0.0, 1.0, 2.5, 5.0, 9.99, 10.0], 4).await,
            vec![0, 0, 1, 2, 3, 3]
        );
    }

    #[tokio::test]
    async fn equal_values_fall_in_the_first_bin() {
        assert_eq!(bins_of(&[3.0, 3.0], 10).await, vec![0, 0]);
    }

    #[tokio::test]
    async fn negative_values_bin_from_the_smallest() {
        assert_eq!(
            bins_of(&[-10.0, -5.0, 0.0, 10.0], 2).await,
            vec![0, 0, 1, 1]
        );
    }

    #[test]
    fn kinds_are_named_as_pandas_names_them() {
        assert_eq!(PlotKind::named("barh", 10), Some(PlotKind::Barh));
        assert_eq!(PlotKind::named("hist", 7), Some(PlotKind::Hist { bins: 7 }));
        assert_eq!(PlotKind::named("pie", 10), None);
        assert_eq!(PlotKind::Bar.row_limit(), Some(MAX_BARS));
    }
}
