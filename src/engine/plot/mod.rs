//! Drawing a plot: the few rows a [`PlotRequest`]'s query gave (the engine aggregated or sampled
//! them) read into a [`Chart`], then drawn as SVG by plotters (`svg`), rasterised to PNG by
//! resvg as `visualize` does, or drawn in the terminal with Unicode blocks and braille (`text`).

mod svg;
mod text;

use crate::config::display::{Format, TerminalSize};
use crate::error::{DdqError, Result};
use crate::plan::plot::{PlotKind, PlotRequest};
use crate::types::scalar::format_scalar;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type};
use datafusion::error::DataFusionError;
use datafusion::scalar::ScalarValue;
use std::path::Path;

/// Where a plot goes when neither `to=` nor a terminal says: beside Dask's `mydask.png`.
pub const DEFAULT_FILE: &str = "plot.png";

/// matplotlib's default figure, 6.4 by 4.8 inches, at its 100 dots per inch.
const DEFAULT_FIGSIZE: (f64, f64) = (6.4, 4.8);
const DOTS_PER_INCH: f64 = 100.0;

/// What a plot shows, read from its query's rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub marks: Marks,
    pub title: Option<String>,
    pub x_label: String,
    pub y_label: String,
}

/// A named column of values drawn together (one line, one set of bars); NaN where missing.
#[derive(Debug, Clone, PartialEq)]
pub struct Values {
    pub name: String,
    pub values: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Marks {
    /// A bar per label for each series of values, side by side.
    Bars {
        labels: Vec<String>,
        series: Vec<Values>,
        horizontal: bool,
    },
    /// Lines through `(x[i], values[i])`; `ticks` name the positions when the index is not a
    /// number (text, dates, several keys).
    Lines {
        x: Vec<f64>,
        ticks: Option<Vec<String>>,
        series: Vec<Values>,
    },
    /// `edges.len() == counts.len() + 1`.
    Histogram {
        edges: Vec<f64>,
        counts: Vec<f64>,
    },
    Points {
        x: Vec<f64>,
        y: Vec<f64>,
    },
}

/// Where a drawn plot went.
pub enum Drawn {
    /// A character chart, for the terminal.
    Text(String),
    File(String),
}

/// Draws the plot of `rows`: into its file, or as text sized to `terminal` when there is no file
/// and standard output is a terminal, or else into [`DEFAULT_FILE`].
pub fn draw(
    request: &PlotRequest,
    rows: &[RecordBatch],
    terminal: Option<TerminalSize>,
) -> Result<Drawn> {
    let chart = chart_of(request, rows)?;
    let path = match (&request.options.path, terminal) {
        (Some(path), _) => path.clone(),
        (None, Some(size)) => return Ok(Drawn::Text(text::chart_text(&chart, size))),
        (None, None) => DEFAULT_FILE.to_string(),
    };
    let (width, height) = request.options.figsize.unwrap_or(DEFAULT_FIGSIZE);
    let pixels = (
        (width * DOTS_PER_INCH).round() as u32,
        (height * DOTS_PER_INCH).round() as u32,
    );
    let drawing = svg::chart_svg(&chart, pixels)?;
    let bytes = if path.to_ascii_lowercase().ends_with(".svg") {
        drawing.into_bytes()
    } else {
        crate::engine::visualize::png_of(&drawing)?
    };
    crate::engine::visualize::write_atomically(Path::new(&path), &bytes)?;
    Ok(Drawn::File(path))
}

/// The chart the rows describe, refused when there are more than the kind can show.
pub fn chart_of(request: &PlotRequest, rows: &[RecordBatch]) -> Result<Chart> {
    let Some(first) = rows.first() else {
        return Err(nothing_to_plot());
    };
    let batch = concat_batches(&first.schema(), rows).map_err(DataFusionError::from)?;
    if let Some(limit) = request.kind.row_limit()
        && batch.num_rows() > limit
    {
        return Err(too_many_rows(request.kind, limit));
    }
    if batch.num_rows() == 0 {
        return Err(nothing_to_plot());
    }
    let marks = match request.kind {
        PlotKind::Hist { bins } => histogram(&batch, bins)?,
        PlotKind::Scatter => Marks::Points {
            x: floats(batch.column(0))?,
            y: floats(batch.column(1))?,
        },
        PlotKind::Bar | PlotKind::Barh => Marks::Bars {
            labels: labels(&batch, request.labels)?,
            series: series(&batch, request.labels)?,
            horizontal: request.kind == PlotKind::Barh,
        },
        PlotKind::Line => lines(&batch, request.labels)?,
    };
    Ok(Chart {
        marks,
        title: request.options.title.clone(),
        x_label: request.x_label.clone(),
        y_label: request.y_label.clone(),
    })
}

/// A line plot's x: the index itself when it is one column of numbers, else positions 0, 1, ...
/// named by the labels (pandas draws text and dates at positions too).
fn lines(batch: &RecordBatch, labels: usize) -> Result<Marks> {
    let series = series(batch, labels)?;
    let positions = (0..batch.num_rows()).map(|i| i as f64).collect();
    let numeric_index = labels == 1 && is_number(batch.column(0).data_type());
    let (x, ticks) = match labels {
        0 => (positions, None),
        _ if numeric_index => (floats(batch.column(0))?, None),
        _ => (positions, Some(self::labels(batch, labels)?)),
    };
    Ok(Marks::Lines { x, ticks, series })
}

fn is_number(t: &DataType) -> bool {
    t.is_numeric()
}

/// The histogram's counts per bin (bins with no value are absent from the rows) and its edges.
fn histogram(batch: &RecordBatch, bins: usize) -> Result<Marks> {
    let numbers = batch.column(0).as_primitive_opt::<Int64Type>();
    let counts_column = batch.column(1).as_primitive_opt::<Int64Type>();
    let (Some(numbers), Some(counts_column)) = (numbers, counts_column) else {
        return Err(DdqError::execution(
            "internal error: a histogram's bins are not integers",
        ));
    };
    let lo = floats(batch.column(2))?[0];
    let hi = floats(batch.column(3))?[0];
    let mut counts = vec![0.0; bins];
    for i in 0..batch.num_rows() {
        let bin = numbers.value(i).clamp(0, bins as i64 - 1) as usize;
        counts[bin] += counts_column.value(i) as f64;
    }
    Ok(Marks::Histogram {
        edges: edges(lo, hi, bins),
        counts,
    })
}

/// numpy's `histogram` edges: `bins` equal steps from `lo` to `hi`, or around the one value
/// when all are equal (numpy widens the range by 0.5 each side).
pub fn edges(lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    let (lo, hi) = if lo == hi {
        (lo - 0.5, hi + 0.5)
    } else {
        (lo, hi)
    };
    (0..=bins)
        .map(|i| lo + (hi - lo) * i as f64 / bins as f64)
        .collect()
}

/// Each value column after the labels.
fn series(batch: &RecordBatch, labels: usize) -> Result<Vec<Values>> {
    let schema = batch.schema();
    (labels..batch.num_columns())
        .map(|i| {
            Ok(Values {
                name: schema.field(i).name().clone(),
                values: floats(batch.column(i))?,
            })
        })
        .collect()
}

/// Each row's label, as pandas prints the index: one key's value, or several as a tuple.
fn labels(batch: &RecordBatch, labels: usize) -> Result<Vec<String>> {
    if labels == 0 {
        return Ok((0..batch.num_rows()).map(|i| i.to_string()).collect());
    }
    (0..batch.num_rows())
        .map(|row| {
            let parts = (0..labels)
                .map(|c| cell_text(batch.column(c), row))
                .collect::<Result<Vec<_>>>()?;
            Ok(match parts.as_slice() {
                [one] => one.clone(),
                _ => format!("({})", parts.join(", ")),
            })
        })
        .collect()
}

fn cell_text(column: &ArrayRef, row: usize) -> Result<String> {
    let value = ScalarValue::try_from_array(column, row)?;
    Ok(format_scalar(&value, Format::Table))
}

/// A Float64 column (the plan casts values to it); missing values are NaN, drawn as gaps.
fn floats(column: &ArrayRef) -> Result<Vec<f64>> {
    let column = datafusion::arrow::compute::cast(column, &DataType::Float64)
        .map_err(DataFusionError::from)?;
    let floats = column.as_primitive::<Float64Type>();
    Ok((0..floats.len())
        .map(|i| {
            if floats.is_null(i) {
                f64::NAN
            } else {
                floats.value(i)
            }
        })
        .collect())
}

fn too_many_rows(kind: PlotKind, limit: usize) -> DdqError {
    let (what, instead) = match kind {
        PlotKind::Line => (
            "points",
            "aggregate first (s.resample(\"M\").mean().plot(), df.groupby(\"key\").col.mean().plot()) or take the first rows: s.head(1000).plot()",
        ),
        _ => (
            "bars",
            "aggregate first (s.value_counts().head(20).plot.bar(), df.groupby(\"key\").col.mean().plot.bar()), or draw a histogram: s.hist(bins=50)",
        ),
    };
    DdqError::unsupported(format!(
        "this plot has more than {limit} {what}; ddq draws at most {limit} and collects no more"
    ))
    .with_help(instead)
}

fn nothing_to_plot() -> DdqError {
    DdqError::type_error("there are no values to plot")
        .with_help("the series or frame is empty, or every value is missing")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_split_the_range_equally() {
        assert_eq!(edges(0.0, 10.0, 4), vec![0.0, 2.5, 5.0, 7.5, 10.0]);
        assert_eq!(edges(3.0, 3.0, 2), vec![2.5, 3.0, 3.5]);
    }
}
