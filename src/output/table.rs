//! The table renderer: a result printed the way pandas prints a DataFrame or Series, without the
//! row index (key columns are ordinary leading columns).
//!
//! Laid out by hand rather than with a table crate (comfy-table): pandas' look needs per-column decisions that a
//! table crate does not make (float decimals shared by a column, `..` or `...` depending on the
//! column's width, a `...` column, right-aligned headers with exactly two spaces between columns,
//! middle columns dropped to fit a width rather than wrapped), and the layout itself is a dozen
//! lines.

use super::{
    CategoriesShown, DisplayOptions, Layout, ResultKind, ResultWriter, check_batch_width,
    visible_columns, write_error,
};
use crate::error::Result;
use crate::types::dtype::{nullable_dtype, pandas_dtype, pandas_dtype_holding_missing};
use crate::types::float::format_float_column;
use crate::types::text::{TextStyle, python_str_repr, value_text, write_table_text};
use crate::types::values::{ColumnKind, ColumnReader, DateTimeStyle, Value};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use std::collections::VecDeque;
use std::io::Write;
use std::ops::Range;

type Row = Vec<Value<'static>>;

pub(crate) struct TableWriter {
    out: Box<dyn Write + Send>,
    schema: SchemaRef,
    series: Option<SeriesFooter>,
    columns: ColumnPlan,
    window: RowWindow<Row>,
    /// The longest line allowed (`width`, or the terminal's); `None`: no limit.
    line_width: Option<usize>,
    /// By schema position: whether the column has held a missing value in any batch, which
    /// makes pandas' integers floats and its booleans objects.
    holds_missing: Vec<bool>,
}

struct SeriesFooter {
    name: String,
    /// The schema position of the value column, whose dtype the footer names.
    value_column: Option<usize>,
    categories: Option<CategoriesShown>,
}

impl TableWriter {
    pub(crate) fn new(
        layout: Layout,
        schema: SchemaRef,
        out: Box<dyn Write + Send>,
        options: &DisplayOptions,
    ) -> TableWriter {
        let columns = ColumnPlan::new(visible_columns(&schema), options.max_columns);
        // Lines around the rows: the header, the `...` row, the footer (and a categorical's
        // categories) and the next prompt.
        let extra_lines = match &layout.kind {
            ResultKind::Frame => 5,
            ResultKind::Series { categories, .. } => 4 + usize::from(categories.is_some()),
            ResultKind::Index { .. } => 4,
        };
        let rows = DisplayOptions {
            max_rows: options.row_limit(extra_lines),
            ..options.clone()
        };
        let series = match layout.kind {
            ResultKind::Frame => None,
            ResultKind::Series { name, categories } => Some(SeriesFooter {
                name,
                categories,
                value_column: series_value_column(&columns.visible, layout.index_columns),
            }),
            // An index prints as its own repr (`index_writer`); as a table it is a series.
            ResultKind::Index { name } => Some(SeriesFooter {
                name,
                categories: None,
                value_column: series_value_column(&columns.visible, layout.index_columns),
            }),
        };
        TableWriter {
            out,
            holds_missing: vec![false; schema.fields().len()],
            schema,
            series,
            columns,
            window: RowWindow::new(&rows),
            line_width: options.line_width(),
        }
    }

    fn readers(&self, batch: &RecordBatch, rows: &Range<usize>) -> Result<Vec<ColumnReader>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        self.columns
            .shown
            .iter()
            .map(|&index| ColumnReader::new(&batch.column(index).slice(rows.start, rows.len())))
            .collect()
    }

    fn render(self) -> (Box<dyn Write + Send>, String) {
        let TableWriter {
            out,
            schema,
            series,
            columns,
            window,
            line_width,
            holds_missing,
        } = self;
        let total = window.total;
        let dtype = series.as_ref().map(|footer| match footer.categories {
            Some(_) => "category".to_string(),
            None => series_dtype(&schema, footer.value_column, &holds_missing),
        });
        let names: Vec<&str> = columns
            .visible
            .iter()
            .map(|&index| schema.field(index).name().as_str())
            .collect();
        if total == 0 || names.is_empty() {
            return (
                out,
                render_empty(series.as_ref(), dtype.as_deref(), &names, total),
            );
        }
        let shown = window.into_shown();
        // pandas heads an unnamed series' values with nothing.
        let unnamed_value = series
            .as_ref()
            .filter(|footer| footer.name.is_empty())
            .and_then(|footer| footer.value_column);
        let text_columns = shown_columns(
            &schema,
            &columns.shown,
            &shown.rows,
            &holds_missing,
            unnamed_value,
        );
        let rows_truncated = shown.dots_after.is_some();
        let (mut text_columns, elided_at) =
            fit_width(text_columns, columns.elided_at, line_width, rows_truncated);
        if let Some(position) = elided_at {
            text_columns.insert(position, TextColumn::dots(shown.rows.len()));
        }
        let mut text = lay_out(&text_columns, shown.dots_after);
        match &series {
            Some(footer) => text.push_str(&series_footer(
                footer,
                dtype.as_deref().unwrap_or("object"),
                rows_truncated,
                total,
            )),
            None if rows_truncated || elided_at.is_some() => {
                text.push_str(&format!("\n[{total} rows x {} columns]\n", names.len()));
            }
            None => {}
        }
        (out, text)
    }
}

impl ResultWriter for TableWriter {
    fn write_batch(&mut self, batch: &RecordBatch) -> Result<()> {
        check_batch_width(&self.schema, batch)?;
        for (holds, column) in self.holds_missing.iter_mut().zip(batch.columns()) {
            *holds |= column.null_count() > 0;
        }
        let (head, tail) = self.window.rows_wanted(batch.num_rows());
        if head.is_empty() && tail.is_empty() || self.columns.shown.is_empty() {
            self.window.skip(batch.num_rows());
            return Ok(());
        }
        // Readers over just the wanted slices: a huge batch costs no more than the rows kept.
        let tail_only = tail.start.max(head.end)..tail.end;
        let head_readers = self.readers(batch, &head)?;
        let tail_readers = self.readers(batch, &tail_only)?;
        self.window.take(batch.num_rows(), |row| {
            let (readers, offset) = if row < head.end {
                (&head_readers, head.start)
            } else {
                (&tail_readers, tail_only.start)
            };
            readers
                .iter()
                .map(|reader| reader.value(row - offset).map(Value::into_owned))
                .collect()
        })
    }

    fn shown_ends(&self) -> Option<(usize, usize)> {
        (self.window.max_rows > 0).then(|| (self.window.head_capacity(), self.window.tail_shown))
    }

    fn shown_of(&self, rows: usize) -> (usize, usize) {
        self.window.shown_of(rows)
    }

    fn skip_rows(&mut self, rows: usize) {
        self.window.skip(rows);
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let (mut out, text) = self.render();
        out.write_all(text.as_bytes()).map_err(write_error)?;
        out.flush().map_err(write_error)
    }
}

/// The `shown` columns (schema positions) of the rows shown, as text: an integer column that
/// held a missing value written as pandas' floats, the `unnamed` value column without a header.
fn shown_columns(
    schema: &SchemaRef,
    shown: &[usize],
    rows: &[Row],
    holds_missing: &[bool],
    unnamed: Option<usize>,
) -> Vec<TextColumn> {
    shown
        .iter()
        .enumerate()
        .map(|(position, &index)| {
            let field = schema.field(index);
            let values: Vec<&Value> = rows.iter().map(|row| &row[position]).collect();
            // A nullable dtype (`convert_dtypes()`) holds a missing value as itself: `<NA>`.
            let nullable = nullable_dtype(field).is_some();
            let kind = match nullable {
                true => ColumnKind::of(field.data_type()),
                false => ColumnKind::of_column(field.data_type(), holds_missing[index]),
            };
            let header = match unnamed == Some(index) {
                true => String::new(),
                false => header_text(field.name()),
            };
            let mut cells = format_cells(kind, &values);
            if nullable {
                let missing = values.iter().map(|v| matches!(v, Value::Null));
                for (cell, _) in cells.iter_mut().zip(missing).filter(|(_, m)| *m) {
                    *cell = "<NA>".to_string();
                }
            }
            TextColumn { header, cells }
        })
        .collect()
}

/// The series' value column: the first visible column after the keys.
fn series_value_column(visible: &[usize], index_columns: usize) -> Option<usize> {
    visible
        .iter()
        .find(|&&index| index >= index_columns)
        .or(visible.last())
        .copied()
}

/// The value column's pandas dtype, as pandas upcasts it when it holds a missing value.
fn series_dtype(schema: &SchemaRef, value_column: Option<usize>, holds_missing: &[bool]) -> String {
    match value_column {
        Some(index) if nullable_dtype(schema.field(index)).is_some() => {
            nullable_dtype(schema.field(index))
                .unwrap_or_default()
                .to_string()
        }
        Some(index) if holds_missing[index] => {
            pandas_dtype_holding_missing(schema.field(index).data_type())
        }
        Some(index) => pandas_dtype(schema.field(index).data_type()),
        None => "object".to_string(),
    }
}

fn series_footer(footer: &SeriesFooter, dtype: &str, truncated: bool, total: usize) -> String {
    let mut parts = Vec::new();
    if !footer.name.is_empty() {
        parts.push(format!("Name: {}", footer.name));
    }
    if truncated {
        parts.push(format!("Length: {total}"));
    }
    parts.push(format!("dtype: {dtype}"));
    match &footer.categories {
        Some(categories) => format!("{}\n{}\n", parts.join(", "), categories_line(categories)),
        None => format!("{}\n", parts.join(", ")),
    }
}

/// pandas' line under a categorical series: `Categories (3, object): ['EWR', 'JFK', 'LGA']`,
/// the first and last four of more than eight, `<` between ordered ones, wrapped at pandas'
/// display width of 80 as pandas wraps it.
fn categories_line(categories: &CategoriesShown) -> String {
    const MAX_CATEGORIES: usize = 8;
    const DISPLAY_WIDTH: usize = 80;
    let shown = |label: &String| match categories.dtype.as_str() {
        "object" => python_str_repr(label),
        _ => label.clone(),
    };
    let labels = &categories.labels;
    let texts: Vec<String> = if labels.len() > MAX_CATEGORIES {
        let half = MAX_CATEGORIES / 2;
        let head = labels[..half].iter().map(shown);
        let tail = labels[labels.len() - half..].iter().map(shown);
        head.chain(std::iter::once("...".to_string()))
            .chain(tail)
            .collect()
    } else {
        labels.iter().map(shown).collect()
    };
    let header = format!("Categories ({}, {}): ", labels.len(), categories.dtype);
    let separator = if categories.ordered { " < " } else { ", " };
    let mut line = String::new();
    let mut width = header.chars().count();
    for (position, text) in texts.iter().enumerate() {
        let text_width = text.chars().count();
        if width + separator.len() + text_width > DISPLAY_WIDTH {
            line.push_str(separator.trim_end());
            line.push('\n');
            line.push_str(&" ".repeat(header.chars().count() + 1));
            width = header.chars().count() + 1;
        } else if position > 0 {
            line.push_str(separator);
            width += text_width;
        }
        line.push_str(text);
    }
    format!("{header}[{}]", line.replace(" < ... < ", " ... "))
}

fn render_empty(
    series: Option<&SeriesFooter>,
    dtype: Option<&str>,
    names: &[&str],
    total: usize,
) -> String {
    let dtype = dtype.unwrap_or("object");
    let categories = |footer: &SeriesFooter| {
        footer
            .categories
            .as_ref()
            .map_or(String::new(), |c| format!("\n{}", categories_line(c)))
    };
    match series {
        Some(footer) if footer.name.is_empty() => {
            format!("Series([], dtype: {dtype}{})\n", categories(footer))
        }
        Some(footer) => format!(
            "Series([], Name: {}, dtype: {dtype}{})\n",
            footer.name,
            categories(footer)
        ),
        None if total == 0 => format!(
            "Empty DataFrame\nColumns: [{}]\nIndex: []\n",
            names.join(", ")
        ),
        None => format!("Empty DataFrame\nColumns: []\n[{total} rows x 0 columns]\n"),
    }
}

/// Which columns are shown: all visible ones, or pandas' first and last halves of
/// `max_columns` with a `...` column between.
struct ColumnPlan {
    visible: Vec<usize>,
    shown: Vec<usize>,
    /// Position in `shown` where the `...` column goes.
    elided_at: Option<usize>,
}

impl ColumnPlan {
    fn new(visible: Vec<usize>, max_columns: usize) -> ColumnPlan {
        if max_columns == 0 || visible.len() <= max_columns {
            return ColumnPlan {
                shown: visible.clone(),
                visible,
                elided_at: None,
            };
        }
        let half = max_columns / 2;
        let (shown, elided_at) = if half >= 1 {
            let right = &visible[visible.len() - half..];
            ([&visible[..half], right].concat(), half)
        } else {
            (visible[..max_columns].to_vec(), max_columns)
        };
        ColumnPlan {
            visible,
            shown,
            elided_at: Some(elided_at),
        }
    }
}

/// The rows a table will print, gathered from a stream of any length: everything up to
/// `max_rows` rows; past that, pandas shows only `min_rows` of them, half from each end, so a
/// ring buffer keeps the last few while the count goes on.
struct RowWindow<T> {
    max_rows: usize,
    head_shown: usize,
    tail_shown: usize,
    head: Vec<T>,
    tail: VecDeque<T>,
    total: usize,
}

/// The rows `RowWindow::into_shown` picked, and where the `...` row goes if rows were elided.
struct ShownRows<T> {
    rows: Vec<T>,
    dots_after: Option<usize>,
}

impl<T: Clone> RowWindow<T> {
    fn new(options: &DisplayOptions) -> RowWindow<T> {
        let fitted = if options.min_rows > 0 {
            options.min_rows.min(options.max_rows)
        } else {
            options.max_rows
        };
        let edge = fitted / 2;
        let (head_shown, tail_shown) = if edge >= 1 { (edge, edge) } else { (fitted, 0) };
        RowWindow {
            max_rows: options.max_rows,
            head_shown,
            tail_shown,
            head: Vec::new(),
            tail: VecDeque::new(),
            total: 0,
        }
    }

    fn head_capacity(&self) -> usize {
        if self.max_rows == 0 {
            usize::MAX
        } else {
            self.max_rows
        }
    }

    /// How many first and last rows a result of `rows` rows shows.
    fn shown_of(&self, rows: usize) -> (usize, usize) {
        match self.max_rows > 0 && rows > self.max_rows {
            true => (self.head_shown.min(rows), self.tail_shown),
            false => (rows, 0),
        }
    }

    /// The rows of the next batch (of `len` rows) that belong at the head and at the tail.
    fn rows_wanted(&self, len: usize) -> (Range<usize>, Range<usize>) {
        let head_room = self.head_capacity().saturating_sub(self.total);
        let tail_start = if self.max_rows == 0 {
            len
        } else {
            len.saturating_sub(self.tail_shown)
        };
        (0..len.min(head_room), tail_start..len)
    }

    fn skip(&mut self, len: usize) {
        self.total += len;
    }

    /// Takes what it needs from a batch of `len` rows, reading each wanted row once.
    fn take(&mut self, len: usize, mut read: impl FnMut(usize) -> Result<T>) -> Result<()> {
        let (head, tail) = self.rows_wanted(len);
        for row in head.clone() {
            let value = read(row)?;
            if tail.contains(&row) {
                self.push_tail(value.clone());
            }
            self.head.push(value);
        }
        for row in tail.start.max(head.end)..tail.end {
            let value = read(row)?;
            self.push_tail(value);
        }
        self.total += len;
        Ok(())
    }

    fn push_tail(&mut self, value: T) {
        self.tail.push_back(value);
        if self.tail.len() > self.tail_shown {
            self.tail.pop_front();
        }
    }

    fn into_shown(self) -> ShownRows<T> {
        let truncated = self.max_rows > 0 && self.total > self.max_rows;
        if !truncated {
            return ShownRows {
                rows: self.head,
                dots_after: None,
            };
        }
        let mut rows = self.head;
        rows.truncate(self.head_shown);
        rows.extend(self.tail);
        ShownRows {
            rows,
            dots_after: Some(self.head_shown),
        }
    }
}

/// One column's text, header and cells, before alignment.
struct TextColumn {
    header: String,
    cells: Vec<String>,
}

impl TextColumn {
    fn dots(rows: usize) -> TextColumn {
        TextColumn {
            header: "...".to_string(),
            cells: vec!["...".to_string(); rows],
        }
    }
}

fn text_width(text: &str) -> usize {
    text.chars().count()
}

/// A column's width in a table: its widest cell or header, at least 2 when a `...` row shows.
fn column_width(column: &TextColumn, dots_row: bool) -> usize {
    let widest = column.cells.iter().map(|cell| text_width(cell)).max();
    let width = widest.unwrap_or(0).max(text_width(&column.header));
    if dots_row { width.max(2) } else { width }
}

/// Drops middle columns until the table's lines fit `line_width`, keeping as many first and
/// last columns as fit, equally many each side of the `...` column, as pandas fits a frame to
/// a terminal. `elided_at` is where `max_columns` already cut (the first of the right half);
/// one column each side always stays, so a very narrow width still shows the ends.
fn fit_width(
    columns: Vec<TextColumn>,
    elided_at: Option<usize>,
    line_width: Option<usize>,
    dots_row: bool,
) -> (Vec<TextColumn>, Option<usize>) {
    let Some(limit) = line_width else {
        return (columns, elided_at);
    };
    let widths: Vec<usize> = columns.iter().map(|c| column_width(c, dots_row)).collect();
    let line = |left: &[usize], right: &[usize], dots: bool| {
        let count = left.len() + right.len() + usize::from(dots);
        let dots_width = if dots { 3 } else { 0 };
        left.iter().chain(right).sum::<usize>() + dots_width + 2 * count.saturating_sub(1)
    };
    let split = elided_at.unwrap_or(widths.len());
    if line(&widths[..split], &widths[split..], elided_at.is_some()) <= limit {
        return (columns, elided_at);
    }
    let most = match elided_at {
        Some(at) => at.min(widths.len() - at),
        None => widths.len().saturating_sub(1) / 2,
    };
    if most == 0 {
        return (columns, elided_at);
    }
    let n = widths.len();
    let keep = (1..=most)
        .rev()
        .find(|&k| line(&widths[..k], &widths[n - k..], true) <= limit)
        .unwrap_or(1);
    let kept = columns
        .into_iter()
        .enumerate()
        .filter(|(index, _)| *index < keep || *index >= n - keep)
        .map(|(_, column)| column)
        .collect();
    (kept, Some(keep))
}

/// Right-aligns every column under its header with two spaces between columns, inserting the
/// `...` row after row `dots_after`. pandas writes `..` in columns narrower than three.
fn lay_out(columns: &[TextColumn], dots_after: Option<usize>) -> String {
    let widths: Vec<usize> = columns
        .iter()
        .map(|column| column_width(column, dots_after.is_some()))
        .collect();
    let mut text = match columns.iter().all(|column| column.header.is_empty()) {
        true => String::new(),
        // An unnamed series' empty header leaves no spaces at the end of the line.
        false => {
            let line = aligned_line(&widths, |index| columns[index].header.as_str());
            format!("{}\n", line.trim_end())
        }
    };
    let rows = columns.first().map_or(0, |column| column.cells.len());
    for row in 0..rows {
        if dots_after == Some(row) {
            text.push_str(&dots_line(&widths));
        }
        text.push_str(&aligned_line(&widths, |index| {
            columns[index].cells[row].as_str()
        }));
    }
    // Only when every shown row is from the head (`min_rows` of 1).
    if dots_after == Some(rows) {
        text.push_str(&dots_line(&widths));
    }
    text
}

fn dots_line(widths: &[usize]) -> String {
    aligned_line(
        widths,
        |index| if widths[index] >= 3 { "..." } else { ".." },
    )
}

/// One line of right-aligned cells. Padded by hand: `format!`'s width argument is a `u16`, and
/// a column name or cell wider than 65,535 characters made it panic.
fn aligned_line<'a>(widths: &[usize], cell_of: impl Fn(usize) -> &'a str) -> String {
    let mut line = String::new();
    for (index, &width) in widths.iter().enumerate() {
        if index > 0 {
            line.push_str("  ");
        }
        let cell = cell_of(index);
        let padding = width.saturating_sub(text_width(cell));
        line.extend(std::iter::repeat_n(' ', padding));
        line.push_str(cell);
    }
    line.push('\n');
    line
}

/// Formats the shown values of one column: floats column-wide (shared decimals), everything else
/// by `text::write_value`, datetimes in the style the column's values need.
fn format_cells(kind: ColumnKind, values: &[&Value]) -> Vec<String> {
    if kind == ColumnKind::Float {
        let floats: Vec<Option<f64>> = values.iter().map(|value| value.as_f64()).collect();
        return format_float_column(&floats);
    }
    let style = TextStyle::Table(kind, DateTimeStyle::for_values(values.iter().copied()));
    values
        .iter()
        .map(|value| elided(value_text(value, style)))
        .collect()
}

/// pandas' `display.max_colwidth`: a cell longer than this shows its first characters and `...`.
/// (Column names are shown whole, as pandas shows them.)
const MAX_COLWIDTH: usize = 50;

/// A cell cut to [`MAX_COLWIDTH`] characters the way pandas cuts it: 47 characters and `...`.
fn elided(text: String) -> String {
    if text_width(&text) <= MAX_COLWIDTH {
        return text;
    }
    let mut cut: String = text.chars().take(MAX_COLWIDTH - 3).collect();
    cut.push_str("...");
    cut
}

/// A header as a table writes it, tabs and line breaks escaped like a cell's text.
fn header_text(name: &str) -> String {
    let mut header = String::new();
    write_table_text(&mut header, name);
    header
}

#[cfg(test)]
mod tests {
    use super::super::{Format, result_writer};
    use super::*;
    use chrono::NaiveDate;
    use datafusion::arrow::array::{
        ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, StringArray,
        TimestampNanosecondArray,
    };
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;

    use crate::output::test_support::{SharedBuffer, render};

    fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
        RecordBatch::try_from_iter(columns).unwrap()
    }

    fn render_with(
        kind: ResultKind,
        index_columns: usize,
        batches: &[RecordBatch],
        options: &DisplayOptions,
    ) -> String {
        let layout = Layout {
            kind,
            index_columns,
        };
        render(Format::Table, layout, batches, options)
    }

    fn frame(batches: &[RecordBatch]) -> String {
        render_with(ResultKind::Frame, 0, batches, &DisplayOptions::default())
    }

    fn series(name: &str, index_columns: usize, batches: &[RecordBatch]) -> String {
        let kind = ResultKind::Series {
            name: name.to_string(),
            categories: None,
        };
        render_with(kind, index_columns, batches, &DisplayOptions::default())
    }

    fn ints(values: impl IntoIterator<Item = i64>) -> ArrayRef {
        Arc::new(Int64Array::from_iter_values(values))
    }

    #[test]
    fn small_frame_is_right_aligned_with_two_spaces() {
        let result = frame(&[batch(vec![
            ("a", ints([1, 22])),
            ("bb", Arc::new(StringArray::from(vec!["x", "yyy"]))),
            ("f", Arc::new(Float64Array::from(vec![1.0, 2.5]))),
        ])]);
        assert_eq!(result, " a   bb    f\n 1    x  1.0\n22  yyy  2.5\n");
    }

    #[test]
    fn nulls_of_each_type_read_like_pandas() {
        let stamps = TimestampNanosecondArray::from(vec![Some(0), None]);
        let result = frame(&[batch(vec![
            (
                "i",
                Arc::new(Int64Array::from(vec![Some(1), None])) as ArrayRef,
            ),
            (
                "f",
                Arc::new(Float64Array::from(vec![Some(1.123456789), None])),
            ),
            ("s", Arc::new(StringArray::from(vec![Some("x"), None]))),
            ("b", Arc::new(BooleanArray::from(vec![Some(true), None]))),
            ("t", Arc::new(stamps)),
            ("d", Arc::new(Date32Array::from(vec![None, Some(7305)]))),
        ])]);
        let expected = concat!(
            "  i         f    s     b           t           d\n",
            "1.0  1.123457    x  True  1970-01-01         NaT\n",
            "NaN       NaN  NaN   NaN         NaT  1990-01-01\n",
        );
        assert_eq!(result, expected);
    }

    #[test]
    fn datetimes_show_time_only_when_some_value_needs_it() {
        let day = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        let nanos = |h, m| {
            let at = day.and_hms_opt(h, m, 0).unwrap().and_utc();
            at.timestamp_nanos_opt().unwrap()
        };
        let midnight_only = Arc::new(TimestampNanosecondArray::from(vec![nanos(0, 0)]));
        let with_time = Arc::new(TimestampNanosecondArray::from(vec![
            nanos(0, 0),
            nanos(14, 30),
        ]));
        assert_eq!(
            frame(&[batch(vec![("t", midnight_only)])]),
            "         t\n1990-01-01\n"
        );
        assert_eq!(
            frame(&[batch(vec![("t", with_time)])]),
            "                  t\n1990-01-01 00:00:00\n1990-01-01 14:30:00\n"
        );
    }

    #[test]
    fn sixty_rows_are_all_printed_without_a_footer() {
        let result = frame(&[batch(vec![("a", ints(0..60))])]);
        let lines: Vec<&str> = result.lines().collect();
        assert_eq!(lines.len(), 61);
        assert_eq!(lines[0], " a");
        assert_eq!(lines[60], "59");
        assert!(!result.contains("..."));
        assert!(!result.contains("rows x"));
    }

    #[test]
    fn sixty_one_rows_show_five_each_end_and_dimensions() {
        let result = frame(&[batch(vec![("a", ints(0..61)), ("b", ints(1000..1061))])]);
        let expected = concat!(
            " a     b\n",
            " 0  1000\n",
            " 1  1001\n",
            " 2  1002\n",
            " 3  1003\n",
            " 4  1004\n",
            "..   ...\n",
            "56  1056\n",
            "57  1057\n",
            "58  1058\n",
            "59  1059\n",
            "60  1060\n",
            "\n",
            "[61 rows x 2 columns]\n",
        );
        assert_eq!(result, expected);
    }

    #[test]
    fn truncation_works_across_many_small_batches() {
        let batches: Vec<RecordBatch> = (0..100)
            .map(|start| batch(vec![("a", ints([start * 3, start * 3 + 1, start * 3 + 2]))]))
            .collect();
        let result = frame(&batches);
        let lines: Vec<&str> = result.lines().collect();
        assert_eq!(&lines[1..6], ["  0", "  1", "  2", "  3", "  4"]);
        assert_eq!(lines[6], "...");
        assert_eq!(&lines[7..12], ["295", "296", "297", "298", "299"]);
        assert_eq!(lines[13], "[300 rows x 1 columns]");
    }

    #[test]
    fn tail_spanning_two_batches_keeps_the_last_rows() {
        let result = frame(&[
            batch(vec![("a", ints(0..70))]),
            batch(vec![("a", ints(70..72))]),
        ]);
        let tail: Vec<&str> = result.lines().skip(7).take(5).collect();
        assert_eq!(tail, ["67", "68", "69", "70", "71"]);
    }

    #[test]
    fn floats_are_formatted_over_shown_rows_only() {
        // pandas formats the truncated frame: the hidden 0.123 in the middle does not add decimals.
        let mut values = vec![1.0; 61];
        values[30] = 0.123;
        let result = frame(&[batch(vec![("f", Arc::new(Float64Array::from(values)))])]);
        assert!(result.lines().nth(1) == Some("1.0"), "{result}");
    }

    #[test]
    fn many_columns_elide_the_middle() {
        let columns: Vec<(String, ArrayRef)> =
            (0..25).map(|i| (format!("c{i}"), ints([i]))).collect();
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let result = frame(&[batch]);
        let expected = concat!(
            "c0  c1  c2  c3  c4  c5  c6  c7  c8  c9  ...  c15  c16  c17  c18  c19  c20  c21  c22  c23  c24\n",
            " 0   1   2   3   4   5   6   7   8   9  ...   15   16   17   18   19   20   21   22   23   24\n",
            "\n",
            "[1 rows x 25 columns]\n",
        );
        assert_eq!(result, expected);
    }

    #[test]
    fn twenty_columns_are_all_shown() {
        let columns: Vec<(String, ArrayRef)> =
            (0..20).map(|i| (format!("c{i}"), ints([i]))).collect();
        let result = frame(&[RecordBatch::try_from_iter(columns).unwrap()]);
        assert!(!result.contains("..."), "{result}");
        assert!(result.contains("c10"));
    }

    #[test]
    fn hidden_columns_are_never_shown_or_counted() {
        let columns: Vec<(String, ArrayRef)> = (0..21)
            .map(|i| (format!("c{i}"), ints([i])))
            .chain([("__ddq_order".to_string(), ints([9]))])
            .collect();
        let result = frame(&[RecordBatch::try_from_iter(columns).unwrap()]);
        assert!(!result.contains("__ddq_"), "{result}");
        assert!(result.ends_with("[1 rows x 21 columns]\n"), "{result}");
        let small = frame(&[batch(vec![("__ddq_key", ints([5])), ("a", ints([1]))])]);
        assert_eq!(small, "a\n1\n");
    }

    #[test]
    fn series_has_name_and_dtype_footer() {
        let result = series(
            "DepDelay",
            1,
            &[batch(vec![
                (
                    "Origin",
                    Arc::new(StringArray::from(vec!["EWR", "JFK"])) as ArrayRef,
                ),
                ("DepDelay", Arc::new(Float64Array::from(vec![10.25, 12.0]))),
            ])],
        );
        let expected = concat!(
            "Origin  DepDelay\n",
            "   EWR     10.25\n",
            "   JFK     12.00\n",
            "Name: DepDelay, dtype: float64\n",
        );
        assert_eq!(result, expected);
    }

    #[test]
    fn integers_and_booleans_that_hold_a_missing_value_print_as_pandas_upcasts_them() {
        // The missing value is in the second batch: the first batch's rows already print as
        // floats, as pandas' whole column is float64.
        let with_missing = |second: ArrayRef, first: ArrayRef| {
            series(
                "x",
                0,
                &[batch(vec![("x", first)]), batch(vec![("x", second)])],
            )
        };
        let ints = with_missing(
            Arc::new(Int64Array::from(vec![None, Some(-365)])),
            Arc::new(Int64Array::from(vec![7])),
        );
        assert_eq!(
            ints,
            "     x\n   7.0\n   NaN\n-365.0\nName: x, dtype: float64\n"
        );
        let bools = with_missing(
            Arc::new(BooleanArray::from(vec![None, Some(false)])),
            Arc::new(BooleanArray::from(vec![true])),
        );
        assert_eq!(
            bools,
            "    x\n True\n  NaN\nFalse\nName: x, dtype: object\n"
        );
        let whole = series(
            "x",
            0,
            &[batch(vec![(
                "x",
                Arc::new(Int64Array::from(vec![7])) as ArrayRef,
            )])],
        );
        assert_eq!(whole, "x\n7\nName: x, dtype: int64\n");
    }

    #[test]
    fn categories_are_listed_under_a_categorical_series_as_pandas_lists_them() {
        let shown = |labels: &[&str], dtype: &str, ordered: bool| {
            categories_line(&CategoriesShown {
                labels: labels.iter().map(|l| l.to_string()).collect(),
                dtype: dtype.to_string(),
                ordered,
            })
        };
        assert_eq!(
            shown(&["EWR", "JFK", "LGA"], "object", false),
            "Categories (3, object): ['EWR', 'JFK', 'LGA']"
        );
        let nine: Vec<String> = (1..=9).map(|i| format!("c{i}")).collect();
        let nine: Vec<&str> = nine.iter().map(String::as_str).collect();
        assert_eq!(
            shown(&nine, "object", true),
            "Categories (9, object): ['c1' < 'c2' < 'c3' < 'c4' ... 'c6' < 'c7' < 'c8' < 'c9']"
        );
        // pandas' own wrap at 80 characters, continued under the opening bracket.
        assert_eq!(
            shown(
                &[
                    "(8.431, 867.333]",
                    "(867.333, 1723.667]",
                    "(1723.667, 2580.0]"
                ],
                "interval[float64, right]",
                true
            ),
            "Categories (3, interval[float64, right]): [(8.431, 867.333] < (867.333, 1723.667] <\n\
             \x20                                          (1723.667, 2580.0]]"
        );
        let kind = ResultKind::Series {
            name: "o".to_string(),
            categories: Some(CategoriesShown {
                labels: vec!["a".into(), "b".into()],
                dtype: "object".into(),
                ordered: false,
            }),
        };
        let texts = Arc::new(StringArray::from(vec!["b"])) as ArrayRef;
        let result = render_with(
            kind,
            0,
            &[batch(vec![("o", texts)])],
            &DisplayOptions::default(),
        );
        assert_eq!(
            result,
            "o\nb\nName: o, dtype: category\nCategories (2, object): ['a', 'b']\n"
        );
    }

    #[test]
    fn an_unnamed_series_heads_its_values_with_nothing() {
        let values = series("", 0, &[batch(vec![("0", ints([1, 0]))])]);
        assert_eq!(values, "1\n0\ndtype: int64\n");
        let keyed = series(
            "",
            1,
            &[batch(vec![
                (
                    "Origin",
                    Arc::new(StringArray::from(vec!["EWR"])) as ArrayRef,
                ),
                ("0", ints([7093])),
            ])],
        );
        assert_eq!(keyed, "Origin\n   EWR  7093\ndtype: int64\n");
    }

    #[test]
    fn truncated_series_reports_length_not_dimensions() {
        let result = series("x", 0, &[batch(vec![("x", ints(0..100))])]);
        assert!(
            result.ends_with("99\nName: x, Length: 100, dtype: int64\n"),
            "{result}"
        );
        assert!(result.contains("\n..\n"), "{result}");
        assert!(!result.contains("rows x"));
    }

    #[test]
    fn empty_results_print_like_pandas() {
        let empty_frame = batch(vec![("a", ints([])), ("b", ints([]))]);
        assert_eq!(
            frame(&[empty_frame]),
            "Empty DataFrame\nColumns: [a, b]\nIndex: []\n"
        );
        let empty_series = batch(vec![("x", Arc::new(Float64Array::from(Vec::<f64>::new())))]);
        assert_eq!(
            series("x", 0, &[empty_series]),
            "Series([], Name: x, dtype: float64)\n"
        );
    }

    #[test]
    fn options_change_the_limits() {
        let options = DisplayOptions {
            max_rows: 4,
            min_rows: 2,
            max_columns: 0,
            ..DisplayOptions::default()
        };
        let result = render_with(
            ResultKind::Frame,
            0,
            &[batch(vec![("a", ints(0..5))])],
            &options,
        );
        assert_eq!(result, " a\n 0\n..\n 4\n\n[5 rows x 1 columns]\n");
        let unlimited = DisplayOptions {
            max_rows: 0,
            ..options
        };
        let all = render_with(
            ResultKind::Frame,
            0,
            &[batch(vec![("a", ints(0..100))])],
            &unlimited,
        );
        assert_eq!(all.lines().count(), 101);
    }

    #[test]
    fn strings_with_line_breaks_stay_on_one_line() {
        let result = frame(&[batch(vec![(
            "s",
            Arc::new(StringArray::from(vec!["a\nb"])) as ArrayRef,
        )])]);
        assert_eq!(result, "   s\na\\nb\n");
    }

    #[test]
    fn long_cells_are_cut_like_pandas_and_long_names_shown_whole() {
        // A name past 65,535 characters once made `format!`'s width argument panic.
        let long_name = "o".repeat(70_000);
        let result = frame(&[batch(vec![
            (
                long_name.as_str(),
                Arc::new(StringArray::from(vec!["x".repeat(60), "short".to_string()])) as ArrayRef,
            ),
            ("b", ints([1, 2])),
        ])]);
        let lines: Vec<&str> = result.lines().collect();
        assert_eq!(lines[0], format!("{long_name}  b"));
        let cut = format!("{}...", "x".repeat(47));
        let padded = |text: &str| format!("{}{text}", " ".repeat(70_000 - text.len()));
        assert_eq!(lines[1], format!("{}  1", padded(&cut)));
        assert_eq!(lines[2], format!("{}  2", padded("short")));
        let exactly = "y".repeat(50);
        let kept = frame(&[batch(vec![(
            "s",
            Arc::new(StringArray::from(vec![exactly.clone()])) as ArrayRef,
        )])]);
        assert_eq!(kept.lines().nth(1), Some(exactly.as_str()));
    }

    fn window(max_rows: usize, min_rows: usize) -> RowWindow<usize> {
        RowWindow::new(&DisplayOptions {
            max_rows,
            min_rows,
            max_columns: 20,
            ..DisplayOptions::default()
        })
    }

    fn feed(window: &mut RowWindow<usize>, start: usize, len: usize) -> Vec<usize> {
        let mut reads = Vec::new();
        window
            .take(len, |row| {
                reads.push(start + row);
                Ok(start + row)
            })
            .unwrap();
        reads
    }

    #[test]
    fn window_reads_only_the_rows_it_may_print() {
        let mut rows = window(60, 10);
        let reads = feed(&mut rows, 0, 1000);
        assert_eq!(reads, (0..60).chain(995..1000).collect::<Vec<_>>());
        assert_eq!(feed(&mut rows, 1000, 3), [1000, 1001, 1002]);
        let shown = rows.into_shown();
        assert_eq!(shown.rows, [0, 1, 2, 3, 4, 998, 999, 1000, 1001, 1002]);
        assert_eq!(shown.dots_after, Some(5));
    }

    #[test]
    fn window_boundary_is_max_rows_across_batches() {
        let mut exactly = window(60, 10);
        feed(&mut exactly, 0, 30);
        feed(&mut exactly, 30, 30);
        let shown = exactly.into_shown();
        assert_eq!(shown.rows, (0..60).collect::<Vec<_>>());
        assert_eq!(shown.dots_after, None);

        let mut one_more = window(60, 10);
        feed(&mut one_more, 0, 30);
        feed(&mut one_more, 30, 31);
        let shown = one_more.into_shown();
        assert_eq!(shown.rows, [0, 1, 2, 3, 4, 56, 57, 58, 59, 60]);
    }

    #[test]
    fn window_follows_pandas_for_odd_and_extreme_min_rows() {
        let mut odd = window(60, 11);
        feed(&mut odd, 0, 100);
        assert_eq!(odd.into_shown().rows.len(), 10);

        let mut larger_than_max = window(60, 100);
        feed(&mut larger_than_max, 0, 100);
        let shown = larger_than_max.into_shown();
        assert_eq!(shown.rows.len(), 60);
        assert_eq!(shown.dots_after, Some(30));

        let mut single = window(60, 1);
        feed(&mut single, 0, 100);
        let shown = single.into_shown();
        assert_eq!((shown.rows, shown.dots_after), (vec![0], Some(1)));
    }

    #[test]
    fn series_without_keys_and_min_rows_of_one() {
        let options = DisplayOptions {
            max_rows: 3,
            min_rows: 1,
            max_columns: 20,
            ..DisplayOptions::default()
        };
        let kind = ResultKind::Series {
            name: "n".to_string(),
            categories: None,
        };
        let result = render_with(kind, 0, &[batch(vec![("n", ints(100..110))])], &options);
        assert_eq!(
            result,
            "  n
100
...
Name: n, Length: 10, dtype: int64
"
        );
    }

    #[test]
    fn odd_max_columns_shows_equal_halves() {
        let columns: Vec<(String, ArrayRef)> =
            (0..6).map(|i| (format!("c{i}"), ints([i]))).collect();
        let options = DisplayOptions {
            max_rows: 60,
            min_rows: 10,
            max_columns: 5,
            ..DisplayOptions::default()
        };
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let result = render_with(ResultKind::Frame, 0, &[batch], &options);
        assert_eq!(
            result,
            "c0  c1  ...  c4  c5\n 0   1  ...   4   5\n\n[1 rows x 6 columns]\n"
        );
    }

    fn wide_frame(options: &DisplayOptions) -> String {
        let columns: Vec<(String, ArrayRef)> = (0..8)
            .map(|i| (format!("column{i}"), ints([i, 100 + i])))
            .collect();
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        render_with(ResultKind::Frame, 0, &[batch], options)
    }

    #[test]
    fn a_width_keeps_the_first_and_last_columns_that_fit() {
        let fits = |width| DisplayOptions {
            width,
            ..DisplayOptions::default()
        };
        // Eight columns of 7 characters and 2-space gaps: 70 characters.
        assert!(!wide_frame(&fits(70)).contains("..."));
        let expected = concat!(
            "column0  column1  column2  ...  column5  column6  column7\n",
            "      0        1        2  ...        5        6        7\n",
            "    100      101      102  ...      105      106      107\n",
            "\n",
            "[2 rows x 8 columns]\n",
        );
        assert_eq!(wide_frame(&fits(69)), expected);
        assert!(wide_frame(&fits(69)).lines().all(|line| line.len() <= 69));
        let narrow = wide_frame(&fits(10));
        assert!(narrow.starts_with("column0  ...  column7\n"), "{narrow}");
    }

    #[test]
    fn a_width_cuts_further_after_max_columns() {
        let options = DisplayOptions {
            max_columns: 6,
            width: 40,
            ..DisplayOptions::default()
        };
        let result = wide_frame(&options);
        assert!(
            result.starts_with("column0  column1  ...  column6  column7\n"),
            "{result}"
        );
        let off_terminal = DisplayOptions {
            max_columns: 0,
            ..DisplayOptions::default()
        };
        assert!(!wide_frame(&off_terminal).contains("..."));
    }

    #[test]
    fn a_terminal_fits_width_and_height() {
        let options = DisplayOptions {
            terminal: Some(crate::config::display::TerminalSize {
                columns: 40,
                lines: 20,
            }),
            ..DisplayOptions::default()
        };
        let result = render_with(
            ResultKind::Frame,
            0,
            &[batch(vec![("a", ints(0..30)), ("b", ints(0..30))])],
            &options,
        );
        // 30 rows and 5 more lines do not fit 20: the first and last five rows show.
        assert_eq!(result.lines().count(), 14, "{result}");
        assert!(result.ends_with("[30 rows x 2 columns]\n"), "{result}");
        assert!(wide_frame(&options).lines().all(|line| line.len() <= 40));
    }

    #[test]
    fn mismatched_batch_is_an_error_not_a_panic() {
        let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, false)]));
        let mut writer = result_writer(
            Format::Table,
            Layout {
                kind: ResultKind::Frame,
                index_columns: 0,
            },
            schema,
            Box::new(SharedBuffer::default()),
            &DisplayOptions::default(),
        )
        .unwrap();
        let wide = batch(vec![("a", ints([1])), ("b", ints([2]))]);
        assert!(writer.write_batch(&wide).is_err());
    }
}
