//! A [`Chart`] drawn as SVG by plotters, in matplotlib's colours: bars, histogram bins and
//! points are filled rectangles and circles, lines polylines. Text is left to the SVG's reader
//! (resvg, for PNG, lays it out with a system font).

use super::{Chart, Marks, Values};
use crate::error::{DdqError, Result};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::ops::Range;

/// matplotlib's `tab10` cycle: the colour of the first series is C0, `#1f77b4`.
const PALETTE: [RGBColor; 10] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x17, 0xbe, 0xcf),
];

/// The share of a category's width its bars take (matplotlib's 0.8).
const BAR_WIDTH: f64 = 0.8;
/// The most category labels an axis shows; more are thinned by plotters' tick choice.
const MAX_TICKS: usize = 40;
const FONT: &str = "sans-serif";

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Plane<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The chart as an SVG document of `size` pixels.
pub fn chart_svg(chart: &Chart, size: (u32, u32)) -> Result<String> {
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        match &chart.marks {
            Marks::Bars {
                labels,
                series,
                horizontal: false,
            } => columns(&root, chart, labels, series)?,
            Marks::Bars {
                labels,
                series,
                horizontal: true,
            } => rows(&root, chart, labels, series)?,
            Marks::Lines { x, ticks, series } => lines(&root, chart, x, ticks.as_deref(), series)?,
            Marks::Histogram { edges, counts } => histogram(&root, chart, edges, counts)?,
            Marks::Points { x, y } => points(&root, chart, x, y)?,
        }
        root.present().map_err(failed)?;
    }
    Ok(text)
}

/// Axes over `x` and `y`, with the chart's title and room for labels as long as `x_label_chars`
/// (category names are written upright when they would crowd each other).
fn plane<'a, 'b>(
    root: &'a Area<'b>,
    chart: &Chart,
    x: Range<f64>,
    y: Range<f64>,
    x_label_chars: usize,
) -> Result<Plane<'a, 'b>> {
    let mut builder = ChartBuilder::on(root);
    if let Some(title) = &chart.title {
        builder.caption(title, (FONT, 20));
    }
    builder
        .margin(12)
        .x_label_area_size(40 + 7 * x_label_chars.min(30) as u32)
        .y_label_area_size(70)
        .build_cartesian_2d(x, y)
        .map_err(failed)
}

/// Draws the axes' ticks and titles (no grid, as pandas); `x_names`/`y_names` name category positions.
fn mesh(
    plane: &mut Plane,
    chart: &Chart,
    x_names: Option<&[String]>,
    y_names: Option<&[String]>,
) -> Result<()> {
    let x_format = |v: &f64| tick_name(x_names, *v);
    let y_format = |v: &f64| tick_name(y_names, *v);
    let upright = x_names.is_some_and(crowded);
    let x_style = if upright {
        (FONT, 12).into_font().transform(FontTransform::Rotate90)
    } else {
        (FONT, 12).into_font()
    };
    let mut mesh = plane.configure_mesh();
    mesh.x_desc(chart.x_label.as_str())
        .y_desc(chart.y_label.as_str())
        .x_label_style(x_style)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .disable_mesh();
    if let Some(names) = x_names {
        mesh.x_labels(names.len().min(MAX_TICKS));
    }
    if let Some(names) = y_names {
        mesh.y_labels(names.len().min(MAX_TICKS));
    }
    mesh.draw().map_err(failed)
}

/// Category labels that would overlap if written across.
fn crowded(names: &[String]) -> bool {
    let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    names.len() * (longest + 1) > 60
}

/// A tick's text: the category at a whole position, or the number itself.
fn tick_name(names: Option<&[String]>, v: f64) -> String {
    match names {
        None => number(v),
        Some(names) => {
            let i = v.round();
            let near = (v - i).abs() < 1e-6 && i >= 0.0;
            match names.get(i as usize) {
                Some(name) if near => name.clone(),
                _ => String::new(),
            }
        }
    }
}

/// A tick's number without float noise (`0.30000000000000004` as `0.3`).
pub fn number(v: f64) -> String {
    let text = format!("{:.6}", v);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

/// Vertical bars: category `i` is centred on x = i.
fn columns(root: &Area, chart: &Chart, labels: &[String], series: &[Values]) -> Result<()> {
    let n = labels.len() as f64;
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let chars = if crowded(labels) { longest } else { 0 };
    let mut plane = plane(root, chart, -0.5..n - 0.5, value_range(series, true), chars)?;
    mesh(&mut plane, chart, Some(labels), None)?;
    bar_series(&mut plane, series, false)
}

/// Horizontal bars: the first row at the bottom, as pandas' `barh` draws it.
fn rows(root: &Area, chart: &Chart, labels: &[String], series: &[Values]) -> Result<()> {
    let n = labels.len() as f64;
    let flipped = Chart {
        x_label: chart.y_label.clone(),
        y_label: chart.x_label.clone(),
        ..chart.clone()
    };
    let mut plane = plane(root, &flipped, value_range(series, true), -0.5..n - 0.5, 0)?;
    mesh(&mut plane, &flipped, None, Some(labels))?;
    bar_series(&mut plane, series, true)
}

/// Each series' bars in its colour (a missing value draws none), from zero to the value.
fn bar_series<'a, 'b: 'a>(
    plane: &mut Plane<'a, 'b>,
    series: &[Values],
    horizontal: bool,
) -> Result<()> {
    for (k, values) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let bars = values
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite());
        let drawn = plane
            .draw_series(bars.map(|(i, v)| {
                let (a, b) = slot(i, k, series.len());
                let corners = match horizontal {
                    true => [(0.0, a), (*v, b)],
                    false => [(a, 0.0), (b, *v)],
                };
                Rectangle::new(corners, colour.filled())
            }))
            .map_err(failed)?;
        legend(drawn, &values.name, colour);
    }
    legend_box(plane, series.len())
}

/// Where series `k` of `of` draws its bar of category `i`: side by side within the category.
fn slot(i: usize, k: usize, of: usize) -> (f64, f64) {
    let width = BAR_WIDTH / of as f64;
    let start = i as f64 - BAR_WIDTH / 2.0 + width * k as f64;
    (start, start + width)
}

fn lines(
    root: &Area,
    chart: &Chart,
    x: &[f64],
    ticks: Option<&[String]>,
    series: &[Values],
) -> Result<()> {
    let mut plane = plane(root, chart, padded(x, false), value_range(series, false), 0)?;
    mesh(&mut plane, chart, ticks, None)?;
    for (k, values) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        // A missing value breaks the line, as matplotlib leaves a gap at NaN.
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (x, y) in x.iter().zip(&values.values) {
            match runs.last_mut() {
                Some(run) if y.is_finite() => run.push((*x, *y)),
                Some(run) if !run.is_empty() => runs.push(Vec::new()),
                _ => {}
            }
        }
        let drawn = plane
            .draw_series(
                runs.into_iter()
                    .filter(|run| !run.is_empty())
                    .map(|run| PathElement::new(run, colour.stroke_width(2))),
            )
            .map_err(failed)?;
        legend(drawn, &values.name, colour);
    }
    legend_box(&mut plane, series.len())
}

fn histogram(root: &Area, chart: &Chart, edges: &[f64], counts: &[f64]) -> Result<()> {
    let highest = counts.iter().copied().fold(0.0, f64::max);
    let x = edges[0]..edges[edges.len() - 1];
    let mut plane = plane(root, chart, x, 0.0..highest.max(1.0) * 1.05, 0)?;
    mesh(&mut plane, chart, None, None)?;
    let bins = edges.windows(2).zip(counts);
    plane
        .draw_series(bins.map(|(edge, count)| {
            Rectangle::new([(edge[0], 0.0), (edge[1], *count)], PALETTE[0].filled())
        }))
        .map_err(failed)?;
    Ok(())
}

fn points(root: &Area, chart: &Chart, x: &[f64], y: &[f64]) -> Result<()> {
    let mut plane = plane(root, chart, padded(x, false), padded(y, false), 0)?;
    mesh(&mut plane, chart, None, None)?;
    plane
        .draw_series(
            x.iter()
                .zip(y)
                .map(|(x, y)| Circle::new((*x, *y), 3, PALETTE[0].filled())),
        )
        .map_err(failed)?;
    Ok(())
}

/// The range of every series' values, with a margin; bars always start from zero.
fn value_range(series: &[Values], from_zero: bool) -> Range<f64> {
    let all: Vec<f64> = series.iter().flat_map(|s| s.values.clone()).collect();
    padded(&all, from_zero)
}

/// From the smallest finite value to the largest, 5% wider each side (a unit around one value).
fn padded(values: &[f64], from_zero: bool) -> Range<f64> {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let (mut lo, mut hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if from_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if !lo.is_finite() {
        return 0.0..1.0;
    }
    if lo == hi {
        return lo - 0.5..hi + 0.5;
    }
    let margin = (hi - lo) * 0.05;
    let lo = if from_zero && lo == 0.0 {
        0.0
    } else {
        lo - margin
    };
    let hi = if from_zero && hi == 0.0 {
        0.0
    } else {
        hi + margin
    };
    lo..hi
}

/// Names a series in the legend (drawn only when there are several).
fn legend<DB: DrawingBackend>(
    drawn: &mut plotters::chart::SeriesAnno<'_, DB>,
    name: &str,
    colour: RGBColor,
) {
    drawn
        .label(name)
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.filled()));
}

fn legend_box<'a, 'b: 'a>(plane: &mut Plane<'a, 'b>, series: usize) -> Result<()> {
    if series < 2 {
        return Ok(());
    }
    plane
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(failed)
}

fn failed(error: impl std::fmt::Display) -> DdqError {
    DdqError::execution(format!("cannot draw the plot: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_plain_numbers() {
        assert_eq!(number(0.30000000000000004), "0.3");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(1500.0), "1500");
    }

    #[test]
    fn bars_of_several_series_sit_side_by_side() {
        let near = |(a, b): (f64, f64), (x, y): (f64, f64)| (a - x).abs() + (b - y).abs() < 1e-12;
        assert!(near(slot(2, 0, 1), (1.6, 2.4)));
        assert!(near(slot(0, 0, 2), (-0.4, 0.0)));
        assert!(near(slot(0, 1, 2), (0.0, 0.4)));
    }
}
