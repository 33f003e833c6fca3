//! Renderers for results: pandas-like tables, CSV and JSON lines.
//!
//! A result arrives as a stream of Arrow record batches that may be far larger than memory, so every
//! renderer is a [`ResultWriter`] fed one batch at a time. The CSV and JSON writers stream straight
//! through; the table writer keeps only the rows it will print (pandas shows the first and last few
//! rows of a long frame) and lays them out in [`ResultWriter::finish`], when it knows how many rows
//! there were. Columns whose name starts with [`HIDDEN_COLUMN_PREFIX`] are the planner's helpers and
//! are never shown.

mod csv_writer;
mod float;
mod json_lines;
mod parquet_file;
mod scalar;
mod table;
mod values;

use crate::error::{DdqError, ErrorKind, Result};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::record_batch::RecordBatch;
use std::fmt;
use std::str::FromStr;

pub use float::format_float_python;
pub use scalar::format_scalar;
pub use values::pandas_dtype;

/// Columns whose names start with this are internal to ddq's plans and never rendered.
pub const HIDDEN_COLUMN_PREFIX: &str = "__ddq_";

/// The message of the error that stands for "the reader of our output went away"; see
/// [`is_broken_pipe`].
const BROKEN_PIPE_MESSAGE: &str = "output closed (broken pipe)";

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned text the way pandas prints a DataFrame or Series, without the row index.
    Table,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// JSON lines: one object per row.
    Json,
}

impl FromStr for Format {
    type Err = DdqError;

    fn from_str(text: &str) -> Result<Self> {
        match text.to_ascii_lowercase().as_str() {
            "table" => Ok(Format::Table),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            _ => Err(DdqError::unknown(format!(
                "unknown output format `{text}`: expected one of table, csv, json"
            ))),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
        })
    }
}

/// Whether a result is printed as a pandas DataFrame or as a Series (which adds a `Name:` footer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultKind {
    Frame,
    Series { name: String },
}

/// The shape of a result: its kind and how many leading columns are keys (e.g. groupby keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub kind: ResultKind,
    pub index_columns: usize,
}

/// pandas' display options that apply to ddq's table output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayOptions {
    /// More rows than this and the middle is elided; 0 means never elide.
    pub max_rows: usize,
    /// How many rows (half at each end) an elided result shows.
    pub min_rows: usize,
    /// More columns than this and the middle ones are elided; 0 means never elide.
    pub max_columns: usize,
}

impl Default for DisplayOptions {
    /// pandas' defaults (`display.max_rows`, `display.min_rows`, `display.max_columns`).
    fn default() -> Self {
        DisplayOptions {
            max_rows: 60,
            min_rows: 10,
            max_columns: 20,
        }
    }
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
    /// rows (see `exec::ends`), write the first, pass the count of the rows between to
    /// `skip_rows`, then write the last.
    fn shown_ends(&self) -> Option<(usize, usize)> {
        None
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

/// The writer for `format`. `schema` is the schema of the batches that will be written.
pub fn result_writer(
    format: Format,
    layout: Layout,
    schema: SchemaRef,
    out: Box<dyn std::io::Write + Send>,
    options: &DisplayOptions,
) -> Box<dyn ResultWriter + Send> {
    match format {
        Format::Table => Box::new(table::TableWriter::new(layout, schema, out, options)),
        Format::Csv => Box::new(csv_writer::CsvResultWriter::new(schema, out)),
        Format::Json => Box::new(json_lines::JsonLinesWriter::new(schema, out)),
    }
}

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

pub(crate) fn arrow_error(err: ArrowError) -> DdqError {
    match err {
        ArrowError::IoError(_, io) => write_error(io),
        other => DdqError::execution(other.to_string()),
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
    fn format_parses_and_displays() {
        for format in [Format::Table, Format::Csv, Format::Json] {
            assert_eq!(format.to_string().parse::<Format>().unwrap(), format);
        }
        assert_eq!("CSV".parse::<Format>().unwrap(), Format::Csv);
        let err = "parquet".parse::<Format>().unwrap_err();
        assert!(err.message.contains("table, csv, json"), "{}", err.message);
    }

    #[test]
    fn broken_pipe_is_recognised_and_other_errors_are_not() {
        let pipe = write_error(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(is_broken_pipe(&pipe));
        let other = write_error(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        assert!(!is_broken_pipe(&other));
        let through_arrow = arrow_error(ArrowError::IoError(
            "x".into(),
            std::io::Error::from(std::io::ErrorKind::BrokenPipe),
        ));
        assert!(is_broken_pipe(&through_arrow));
    }

    #[test]
    fn default_options_are_pandas_defaults() {
        let options = DisplayOptions::default();
        assert_eq!(
            (options.max_rows, options.min_rows, options.max_columns),
            (60, 10, 20)
        );
    }
}

/// What the renderers' tests share.
#[cfg(test)]
pub(crate) mod test_support {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

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
