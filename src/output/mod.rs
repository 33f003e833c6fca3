//! Renderers for results: pandas-like tables, CSV, TSV, JSON lines, Markdown and Parquet.
//!
//! A result arrives as a stream of Arrow record batches that may be far larger than memory, so every
//! renderer is a [`ResultWriter`] fed one batch at a time. The CSV and JSON writers stream straight
//! through; the table writer keeps only the rows it will print (pandas shows the first and last few
//! rows of a long frame) and lays them out in [`ResultWriter::finish`], when it knows how many rows
//! there were. Columns whose name starts with [`HIDDEN_COLUMN_PREFIX`] are the planner's helpers and
//! are never shown.

mod csv_writer;
pub mod index;
mod index_writer;
mod json_lines;
mod markdown;
mod parquet_file;
mod table;
pub mod temporary;

use crate::config::display::{DisplayOptions, Format};
use crate::error::{DdqError, ErrorKind, Result};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;

/// Columns whose names start with this are internal to ddq's plans and never rendered.
pub const HIDDEN_COLUMN_PREFIX: &str = "__ddq_";

/// The message of the error that stands for "the reader of our output went away"; see
/// [`is_broken_pipe`].
const BROKEN_PIPE_MESSAGE: &str = "output closed (broken pipe)";

/// Whether a result is printed as a pandas DataFrame, as a Series (which adds a `Name:` footer)
/// or as an Index (`df.index`: the table format prints pandas' `Index([...])` repr, the other
/// formats a column as for a series).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultKind {
    Frame,
    Series {
        name: String,
        /// A categorical series' categories, which pandas lists under the footer.
        categories: Option<CategoriesShown>,
    },
    Index {
        /// The index's name (its column's), empty for the positions of rows as read.
        name: String,
    },
}

/// The categories of a categorical series as its footer shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoriesShown {
    pub labels: Vec<String>,
    /// The categories' own dtype (`object`, `interval[int64, right]`).
    pub dtype: String,
    pub ordered: bool,
}

/// The shape of a result: its kind and how many leading columns are keys (e.g. groupby keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub kind: ResultKind,
    pub index_columns: usize,
}

/// A sink for one result: batches in order, then `finish` exactly once.
pub trait ResultWriter {
    fn write_batch(&mut self, batch: &RecordBatch) -> Result<()>;

    /// For writers whose output is each batch's bytes one after another (CSV): what makes
    /// those bytes, so batches can be rendered on several threads and handed to
    /// `write_rendered` in order. Rendering, not the query, is what bounds printing a large
    /// result as CSV.
    fn renderer(&self) -> Option<BatchRenderer> {
        None
    }

    /// For writers that show only a result's first rows and its last rows and count the rest
    /// (the REPL's table): how many of each they keep. The executor may then find just those
    /// rows (see `engine::ends`), write the first, pass the count of the rows between to
    /// `skip_rows`, then write the last.
    fn shown_ends(&self) -> Option<(usize, usize)> {
        None
    }

    /// Of a result of `rows` rows, how many first and last rows such a writer shows: fewer than
    /// `shown_ends` keeps when the count decides (a table shows every row of a short result).
    fn shown_of(&self, rows: usize) -> (usize, usize) {
        let (first, last) = self.shown_ends().unwrap_or((rows, 0));
        let first = first.min(rows);
        (first, last.min(rows - first))
    }

    /// Counts rows that are among neither the first nor the last shown (see `shown_ends`).
    fn skip_rows(&mut self, _rows: usize) {}

    /// Writes bytes the `renderer` made, in batch order.
    fn write_rendered(&mut self, _bytes: &[u8]) -> Result<()> {
        Err(DdqError::execution(
            "this output format renders batch by batch",
        ))
    }

    fn finish(self: Box<Self>) -> Result<()>;
}

/// Renders one batch to the bytes a writer would write for it; runs on any thread.
pub type BatchRenderer = std::sync::Arc<dyn Fn(&RecordBatch) -> Result<Vec<u8>> + Send + Sync>;

/// The writer for `format`. `schema` is the schema of the batches that will be written; an
/// error when Parquet cannot hold one of its types.
pub fn result_writer(
    format: Format,
    layout: Layout,
    schema: SchemaRef,
    out: Box<dyn std::io::Write + Send>,
    options: &DisplayOptions,
) -> Result<Box<dyn ResultWriter + Send>> {
    Ok(match format {
        Format::Table => match layout.kind {
            ResultKind::Index { name } => {
                Box::new(index_writer::IndexWriter::new(schema, out, name))
            }
            _ => Box::new(table::TableWriter::new(layout, schema, out, options)),
        },
        Format::Csv => Box::new(csv_writer::CsvResultWriter::new(schema, out, b',')),
        Format::Tsv => Box::new(csv_writer::CsvResultWriter::new(schema, out, b'\t')),
        Format::Json => Box::new(json_lines::JsonLinesWriter::new(schema, out)),
        Format::Markdown => Box::new(markdown::MarkdownWriter::new(schema, out)),
        Format::Parquet => Box::new(ParquetResultWriter::new(
            schema,
            out,
            crate::types::parquet::ParquetCodec::default(),
        )?),
    })
}

pub use json_lines::records_writer as json_records_writer;
pub use parquet_file::ParquetResultWriter;

/// True when `err` means the reader of the output closed it (e.g. `ddq ... | head`): the caller
/// should stop quietly and exit successfully, as command-line tools do.
pub fn is_broken_pipe(err: &DdqError) -> bool {
    err.kind == ErrorKind::Execution && err.message == BROKEN_PIPE_MESSAGE
}

/// Converts a failed write into a ddq error, keeping "broken pipe" recognisable.
pub(crate) fn write_error(err: std::io::Error) -> DdqError {
    if err.kind() == std::io::ErrorKind::BrokenPipe {
        DdqError::new(ErrorKind::Execution, BROKEN_PIPE_MESSAGE)
    } else {
        DdqError::execution(format!("cannot write output: {err}"))
    }
}

/// Indices (into the schema) of the columns that may be shown, in order.
pub(crate) fn visible_columns(schema: &SchemaRef) -> Vec<usize> {
    schema
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, field)| !field.name().starts_with(HIDDEN_COLUMN_PREFIX))
        .map(|(index, _)| index)
        .collect()
}

/// Guards against a batch that does not match the schema the writer was made for.
pub(crate) fn check_batch_width(schema: &SchemaRef, batch: &RecordBatch) -> Result<()> {
    if batch.num_columns() == schema.fields().len() {
        Ok(())
    } else {
        Err(DdqError::execution(format!(
            "internal error: a result batch has {} columns but the result schema has {}",
            batch.num_columns(),
            schema.fields().len()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_pipe_is_recognised_and_other_errors_are_not() {
        let pipe = write_error(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(is_broken_pipe(&pipe));
        let other = write_error(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        assert!(!is_broken_pipe(&other));
    }
}

/// What the renderers' tests share.
#[cfg(test)]
pub(crate) mod test_support {
    use super::{DisplayOptions, Format, Layout, result_writer};
    use datafusion::arrow::record_batch::RecordBatch;
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    /// What the writer for `format` writes for `batches` (at least one, for the schema).
    pub(crate) fn render(
        format: Format,
        layout: Layout,
        batches: &[RecordBatch],
        options: &DisplayOptions,
    ) -> String {
        let buffer = SharedBuffer::default();
        let schema = batches[0].schema();
        let mut writer =
            result_writer(format, layout, schema, Box::new(buffer.clone()), options).unwrap();
        for batch in batches {
            writer.write_batch(batch).unwrap();
        }
        writer.finish().unwrap();
        String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
    }

    /// A `Write` a test can read back after the writer (which owns it) is finished.
    #[derive(Clone, Default)]
    pub(crate) struct SharedBuffer(pub(crate) Arc<Mutex<Vec<u8>>>);

    impl Write for SharedBuffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
}
