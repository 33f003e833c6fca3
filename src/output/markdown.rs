//! The Markdown renderer: a GitHub pipe table, as `DataFrame.to_markdown(index=False)` makes,
//! streamed batch by batch. Numbers are right-aligned by the `---:` rule and text left-aligned
//! by `:---`, as tabulate does for pandas; the cells are not padded to a common width, which
//! Markdown does not need and which would require holding the whole result. Values read as
//! Python prints them (`nan`, `None`, `True`); a `|` in a value is escaped as `\|`.

use super::{ResultWriter, check_batch_width, visible_columns, write_error};
use crate::error::Result;
use crate::types::text::{TextStyle, write_value};
use crate::types::values::{ColumnKind, ColumnReader};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use std::io::Write;

pub(crate) struct MarkdownWriter {
    out: Box<dyn Write + Send>,
    schema: SchemaRef,
    columns: Vec<usize>,
    header_written: bool,
}

impl MarkdownWriter {
    pub(crate) fn new(schema: SchemaRef, out: Box<dyn Write + Send>) -> MarkdownWriter {
        MarkdownWriter {
            out,
            columns: visible_columns(&schema),
            schema,
            header_written: false,
        }
    }

    fn write_header(&mut self) -> Result<()> {
        if self.header_written {
            return Ok(());
        }
        self.header_written = true;
        let fields = self.columns.iter().map(|&index| self.schema.field(index));
        let names: Vec<String> = fields.clone().map(|f| escaped(f.name())).collect();
        let rules: Vec<&str> = fields
            .map(|field| match ColumnKind::of(field.data_type()) {
                ColumnKind::Int | ColumnKind::Float => "---:",
                _ => ":---",
            })
            .collect();
        let text = format!("{}{}", row_text(&names), row_text(&rules));
        self.out.write_all(text.as_bytes()).map_err(write_error)
    }
}

/// `| a | b |` and a line end.
fn row_text<T: AsRef<str>>(cells: &[T]) -> String {
    let mut line = String::from("|");
    for cell in cells {
        line.push(' ');
        line.push_str(cell.as_ref());
        line.push_str(" |");
    }
    line.push('\n');
    line
}

/// A cell kept on one line and inside its column.
fn escaped(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('\r', "\\r")
        .replace('\n', "\\n")
}

impl ResultWriter for MarkdownWriter {
    fn write_batch(&mut self, batch: &RecordBatch) -> Result<()> {
        check_batch_width(&self.schema, batch)?;
        self.write_header()?;
        let readers = self
            .columns
            .iter()
            .map(|&index| ColumnReader::new(batch.column(index)))
            .collect::<Result<Vec<_>>>()?;
        let kinds: Vec<ColumnKind> = self
            .columns
            .iter()
            .map(|&index| ColumnKind::of(self.schema.field(index).data_type()))
            .collect();
        let mut text = String::new();
        let mut cell = String::new();
        for row in 0..batch.num_rows() {
            let mut cells = Vec::with_capacity(readers.len());
            for (reader, kind) in readers.iter().zip(&kinds) {
                cell.clear();
                write_value(&mut cell, &reader.value(row)?, TextStyle::Python(*kind));
                cells.push(escaped(&cell));
            }
            text.push_str(&row_text(&cells));
        }
        self.out.write_all(text.as_bytes()).map_err(write_error)
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.write_header()?;
        self.out.flush().map_err(write_error)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{DisplayOptions, Format, Layout, ResultKind};
    use crate::output::test_support::render;
    use datafusion::arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
    use datafusion::arrow::record_batch::RecordBatch;
    use std::sync::Arc;

    #[test]
    fn a_frame_is_a_pipe_table_numbers_right_text_left() {
        let batch = RecordBatch::try_from_iter(vec![
            ("n", Arc::new(Int64Array::from(vec![1, 22])) as ArrayRef),
            ("s", Arc::new(StringArray::from(vec![Some("a|b"), None]))),
            ("f", Arc::new(Float64Array::from(vec![Some(1.5), None]))),
        ])
        .unwrap();
        let layout = Layout {
            kind: ResultKind::Frame,
            index_columns: 0,
        };
        let text = render(
            Format::Markdown,
            layout,
            &[batch],
            &DisplayOptions::default(),
        );
        assert_eq!(
            text,
            "| n | s | f |\n| ---: | :--- | ---: |\n| 1 | a\\|b | 1.5 |\n| 22 | None | NaN |\n"
        );
    }
}
