//! A [`Chart`] as characters, for a terminal: bars and histogram bins as one line each of
//! Unicode blocks (eighths of a cell, so short differences show), lines and points as braille
//! dots (2 x 4 per cell) on a canvas sized to the window.
//!
//! Written here rather than taken from `textplots`: that crate draws only numeric x axes on
//! braille, while a bar plot's point is its category names, one readable line per bar, and
//! the renderer below is a few dozen lines without dependencies.

use super::{Chart, Marks, Values};
use crate::config::display::TerminalSize;

/// Partial blocks: 1/8 to 7/8 of a cell, then a whole one.
const EIGHTHS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
/// The widest a label column gets; longer labels are cut with `…`.
const MAX_LABEL: usize = 24;
/// The tallest a braille canvas gets, in lines.
const MAX_CANVAS_LINES: usize = 20;

pub fn chart_text(chart: &Chart, size: TerminalSize) -> String {
    let mut out = String::new();
    if let Some(title) = &chart.title {
        out.push_str(&format!("{title}\n"));
    }
    match &chart.marks {
        Marks::Bars { labels, series, .. } => bars(&mut out, labels, series, size.columns),
        Marks::Histogram { edges, counts } => {
            // Intervals as pandas writes them; the last bin holds its upper edge too.
            let last = edges.len() - 2;
            let labels: Vec<String> = edges
                .windows(2)
                .enumerate()
                .map(|(i, e)| {
                    let close = if i == last { ']' } else { ')' };
                    format!("[{}, {}{close}", short(e[0]), short(e[1]))
                })
                .collect();
            let counts = Values {
                name: chart.y_label.clone(),
                values: counts.clone(),
            };
            bars(&mut out, &labels, &[counts], size.columns);
        }
        Marks::Lines { x, ticks, series } => {
            let mut canvas = Canvas::new(size, padded(x), padded(&all_values(series)));
            for values in series {
                canvas.line(x, &values.values);
            }
            let (first, last) = match ticks {
                Some(names) => (names[0].clone(), names[names.len() - 1].clone()),
                None => (short(canvas.x.0), short(canvas.x.1)),
            };
            canvas.write(&mut out, &first, &last);
        }
        Marks::Points { x, y } => {
            let mut canvas = Canvas::new(size, padded(x), padded(y));
            for (x, y) in x.iter().zip(y) {
                canvas.dot(*x, *y);
            }
            canvas.write(&mut out, &short(canvas.x.0), &short(canvas.x.1));
        }
    }
    if !matches!(chart.marks, Marks::Bars { .. } | Marks::Histogram { .. }) {
        out.push_str(&axis_names(chart, series_names(&chart.marks)));
    }
    out
}

/// One line per bar: `label │█████▌ value`, scaled so the longest fits the window.
fn bars(out: &mut String, labels: &[String], series: &[Values], columns: usize) {
    let names: Vec<String> = labels
        .iter()
        .flat_map(|label| {
            series.iter().map(move |s| match series.len() {
                1 => label.clone(),
                _ => format!("{label} {}", s.name),
            })
        })
        .map(|name| cut(&name, MAX_LABEL))
        .collect();
    let values: Vec<f64> = (0..labels.len())
        .flat_map(|i| series.iter().map(move |s| s.values[i]))
        .collect();
    let texts: Vec<String> = values.iter().map(|v| short(*v)).collect();
    let label_width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let value_width = texts.iter().map(|t| t.chars().count()).max().unwrap_or(0);
    let width = columns
        .saturating_sub(label_width + value_width + 4)
        .max(10);
    let lo = values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::min);
    let hi = values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    for ((name, value), text) in names.iter().zip(&values).zip(&texts) {
        let bar = bar_cells(*value, lo, hi, width);
        out.push_str(&format!("{name:>label_width$} │{bar} {text}\n"));
    }
}

/// A bar of `width` cells for `v` on a scale from `lo` (≤ 0) to `hi` (≥ 0): negative bars end
/// at the zero cell, positive ones start there and end in an eighth of a cell.
pub fn bar_cells(v: f64, lo: f64, hi: f64, width: usize) -> String {
    let span = hi - lo;
    if !v.is_finite() || span <= 0.0 {
        return " ".repeat(width);
    }
    let zero = ((-lo) / span * width as f64).round() as usize;
    let mut cells = vec![' '; width];
    if v < 0.0 {
        let length = (-v / span * width as f64).round() as usize;
        for cell in &mut cells[zero.saturating_sub(length)..zero] {
            *cell = '█';
        }
    } else {
        let eighths = (v / span * (width * 8) as f64).round() as usize;
        let eighths = eighths.min((width - zero) * 8);
        for (i, cell) in cells[zero..].iter_mut().enumerate() {
            let filled = eighths.saturating_sub(i * 8).min(8);
            if filled > 0 {
                *cell = EIGHTHS[filled - 1];
            }
        }
    }
    cells.into_iter().collect()
}

/// A braille canvas: each character cell holds 2 x 4 dots.
struct Canvas {
    cells: Vec<Vec<u8>>,
    x: (f64, f64),
    y: (f64, f64),
}

/// The bit of a braille character for the dot at column `dx` (0-1), row `dy` (0-3).
const BRAILLE_BITS: [[u8; 4]; 2] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]];
/// The y axis' numbers take this many characters.
const Y_AXIS: usize = 10;

impl Canvas {
    fn new(size: TerminalSize, x: (f64, f64), y: (f64, f64)) -> Canvas {
        let columns = size.columns.saturating_sub(Y_AXIS + 2).max(10);
        let lines = size.lines.saturating_sub(6).clamp(4, MAX_CANVAS_LINES);
        Canvas {
            cells: vec![vec![0; columns]; lines],
            x,
            y,
        }
    }

    /// The dot nearest `(x, y)`, in dots from the top left; `None` outside the ranges.
    fn place(&self, x: f64, y: f64) -> Option<(i64, i64)> {
        if !x.is_finite() || !y.is_finite() {
            return None;
        }
        let width = (self.cells[0].len() * 2 - 1) as f64;
        let height = (self.cells.len() * 4 - 1) as f64;
        let dx = (x - self.x.0) / (self.x.1 - self.x.0) * width;
        let dy = (self.y.1 - y) / (self.y.1 - self.y.0) * height;
        Some((dx.round() as i64, dy.round() as i64))
    }

    fn set(&mut self, (dx, dy): (i64, i64)) {
        let (column, line) = ((dx / 2) as usize, (dy / 4) as usize);
        if dx < 0 || dy < 0 || line >= self.cells.len() || column >= self.cells[0].len() {
            return;
        }
        self.cells[line][column] |= BRAILLE_BITS[(dx % 2) as usize][(dy % 4) as usize];
    }

    fn dot(&mut self, x: f64, y: f64) {
        if let Some(at) = self.place(x, y) {
            self.set(at);
        }
    }

    /// Straight segments between consecutive points; a missing value leaves a gap.
    fn line(&mut self, xs: &[f64], ys: &[f64]) {
        let places: Vec<Option<(i64, i64)>> =
            xs.iter().zip(ys).map(|(x, y)| self.place(*x, *y)).collect();
        for pair in places.windows(2) {
            if let [Some(a), Some(b)] = pair {
                self.segment(*a, *b);
            }
        }
        if let [Some(only)] = places.as_slice() {
            self.set(*only);
        }
    }

    fn segment(&mut self, (x0, y0): (i64, i64), (x1, y1): (i64, i64)) {
        let steps = (x1 - x0).abs().max((y1 - y0).abs()).max(1);
        for i in 0..=steps {
            let x = x0 + (x1 - x0) * i / steps;
            let y = y0 + (y1 - y0) * i / steps;
            self.set((x, y));
        }
    }

    /// The canvas with the y range on its left and `first`/`last` under its ends.
    fn write(&self, out: &mut String, first: &str, last: &str) {
        let bottom = self.cells.len() - 1;
        for (i, line) in self.cells.iter().enumerate() {
            let number = match i {
                0 => short(self.y.1),
                _ if i == bottom => short(self.y.0),
                _ => String::new(),
            };
            let dots: String = line
                .iter()
                .map(|bits| char::from_u32(0x2800 + u32::from(*bits)).unwrap_or(' '))
                .collect();
            let tick = if number.is_empty() { '│' } else { '┤' };
            out.push_str(&format!("{number:>Y_AXIS$} {tick}{dots}\n"));
        }
        let width = self.cells[0].len();
        out.push_str(&format!("{:>Y_AXIS$} └{}\n", "", "─".repeat(width)));
        let gap = (width + 1).saturating_sub(first.chars().count() + last.chars().count());
        out.push_str(&format!(
            "{:>Y_AXIS$}  {first}{}{last}\n",
            "",
            " ".repeat(gap)
        ));
    }
}

fn all_values(series: &[Values]) -> Vec<f64> {
    series.iter().flat_map(|s| s.values.clone()).collect()
}

fn series_names(marks: &Marks) -> Vec<String> {
    match marks {
        Marks::Lines { series, .. } if series.len() > 1 => {
            series.iter().map(|s| s.name.clone()).collect()
        }
        _ => Vec::new(),
    }
}

/// What the axes are, under the canvas: `x: Date   y: DepDelay` (and the lines' names).
fn axis_names(chart: &Chart, lines: Vec<String>) -> String {
    let mut parts = Vec::new();
    if !chart.x_label.is_empty() {
        parts.push(format!("x: {}", chart.x_label));
    }
    if !chart.y_label.is_empty() {
        parts.push(format!("y: {}", chart.y_label));
    }
    if !lines.is_empty() {
        parts.push(format!("lines: {}", lines.join(", ")));
    }
    if parts.is_empty() {
        return String::new();
    }
    format!("{:>Y_AXIS$}  {}\n", "", parts.join("   "))
}

/// The smallest and largest finite value (a unit around one value).
fn padded(values: &[f64]) -> (f64, f64) {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    match (lo.is_finite(), lo == hi) {
        (false, _) => (0.0, 1.0),
        (true, true) => (lo - 0.5, hi + 0.5),
        (true, false) => (lo, hi),
    }
}

/// A number in at most four significant digits, whole numbers whole: `10.23`, `20402`, `0.01234`.
pub fn short(v: f64) -> String {
    if !v.is_finite() {
        return "nan".into();
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{v:.0}");
    }
    let magnitude = v.abs().log10().floor() as i64;
    let decimals = (3 - magnitude).clamp(0, 8) as usize;
    let text = format!("{v:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// `text` in at most `width` characters, ending in `…` when cut.
fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let kept: String = text.chars().take(width - 1).collect();
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_eighths_of_cells() {
        assert_eq!(bar_cells(10.0, 0.0, 10.0, 4), "████");
        assert_eq!(bar_cells(5.0, 0.0, 10.0, 4), "██  ");
        assert_eq!(bar_cells(1.0, 0.0, 10.0, 4), "▍   ");
        assert_eq!(bar_cells(-5.0, -10.0, 10.0, 4), " █  ");
        assert_eq!(bar_cells(f64::NAN, 0.0, 1.0, 3), "   ");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(short(10.234567), "10.23");
        assert_eq!(short(20402.0), "20402");
        assert_eq!(short(0.012345), "0.01235");
        assert_eq!(short(-2.5), "-2.5");
    }

    #[test]
    fn a_line_is_braille_dots() {
        let size = TerminalSize {
            columns: 40,
            lines: 12,
        };
        let mut canvas = Canvas::new(size, (0.0, 1.0), (0.0, 1.0));
        canvas.line(&[0.0, 1.0], &[0.0, 1.0]);
        let mut out = String::new();
        canvas.write(&mut out, "0", "1");
        let dots = out
            .chars()
            .filter(|c| ('\u{2801}'..='\u{28ff}').contains(c))
            .count();
        assert!(dots >= canvas.cells[0].len() / 2, "{out}");
        assert!(
            out.lines().next().unwrap().trim_start().starts_with("1 ┤"),
            "{out}"
        );
    }
}
