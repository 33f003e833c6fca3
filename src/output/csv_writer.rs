//! The CSV renderer: a header row then every row, streamed batch by batch, written the way
//! `DataFrame.to_csv(index=False)` writes. Each value's text (floats as Python `repr`, empty for
//! missing values and NaN, `True`/`False`) and the quoting of fields (only when they need it) are
//! `types::text`'s; this file walks the batches and decides each batch's datetime style. With a
//! tab as the separator it writes TSV, as `to_csv(sep="\t")` does.

use super::{BatchRenderer, ResultWriter, check_batch_width, visible_columns, write_error};
use crate::error::Result;
use crate::types::text::{TextStyle, end_csv_record, write_separated_field, write_value};
use crate::types::values::{ColumnKind, ColumnReader, DateTimeStyle};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use std::io::Write;
use std::sync::Arc;

pub(crate) struct CsvResultWriter {
    out: Box<dyn Write + Send>,
    schema: SchemaRef,
    columns: Vec<usize>,
    header_written: bool,
    /// `,` for CSV, a tab for TSV.
    separator: u8,
}

impl CsvResultWriter {
    pub(crate) fn new(
        schema: SchemaRef,
        out: Box<dyn Write + Send>,
        separator: u8,
    ) -> CsvResultWriter {
        CsvResultWriter {
            out,
            columns: visible_columns(&schema),
            schema,
            header_written: false,
            separator,
        }
    }

    fn write_header(&mut self) -> Result<()> {
        if self.header_written {
            return Ok(());
        }
        self.header_written = true;
        let names = self
            .columns
            .iter()
            .map(|&index| self.schema.field(index).name().as_str());
        let mut header = String::new();
        for (position, name) in names.enumerate() {
            if position > 0 {
                header.push(char::from(self.separator));
            }
            write_separated_field(&mut header, name, self.separator);
        }
        end_csv_record(&mut header, 0);
        self.out.write_all(header.as_bytes()).map_err(write_error)
    }
}

impl ResultWriter for CsvResultWriter {
    fn write_batch(&mut self, batch: &RecordBatch) -> Result<()> {
        let bytes = render_rows(&self.schema, &self.columns, batch, self.separator)?;
        self.write_rendered(&bytes)
    }

    fn renderer(&self) -> Option<BatchRenderer> {
        let schema = self.schema.clone();
        let columns = self.columns.clone();
        let separator = self.separator;
        Some(Arc::new(move |batch: &RecordBatch| {
            render_rows(&schema, &columns, batch, separator)
        }))
    }

    fn write_rendered(&mut self, bytes: &[u8]) -> Result<()> {
        self.write_header()?;
        self.out.write_all(bytes).map_err(write_error)
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.write_header()?;
        self.out.flush().map_err(write_error)
    }
}

/// Every row of `batch` as CSV records (the `columns` of `schema`).
fn render_rows(
    schema: &SchemaRef,
    columns: &[usize],
    batch: &RecordBatch,
    separator: u8,
) -> Result<Vec<u8>> {
    check_batch_width(schema, batch)?;
    let readers = columns
        .iter()
        .map(|&index| ColumnReader::new(batch.column(index)))
        .collect::<Result<Vec<_>>>()?;
    let styles = readers
        .iter()
        .zip(columns)
        .map(|(reader, &index)| batch_style(reader, schema, index, batch.num_rows()))
        .collect::<Result<Vec<_>>>()?;
    let mut out = String::new();
    let mut field = String::new();
    for row in 0..batch.num_rows() {
        let start = out.len();
        for (position, (reader, style)) in readers.iter().zip(&styles).enumerate() {
            if position > 0 {
                out.push(char::from(separator));
            }
            field.clear();
            write_value(&mut field, &reader.value(row)?, TextStyle::Csv(*style));
            write_separated_field(&mut out, &field, separator);
        }
        end_csv_record(&mut out, start);
    }
    Ok(out.into_bytes())
}

/// Datetime columns drop the time when a whole batch is at midnight; decided per batch because
/// the stream cannot be looked at twice.
fn batch_style(
    reader: &ColumnReader,
    schema: &SchemaRef,
    index: usize,
    rows: usize,
) -> Result<DateTimeStyle> {
    if ColumnKind::of(schema.field(index).data_type()) != ColumnKind::DateTime {
        return Ok(DateTimeStyle::default());
    }
    let values = (0..rows)
        .map(|row| reader.value(row))
        .collect::<Result<Vec<_>>>()?;
    Ok(DateTimeStyle::for_values(&values))
}

#[cfg(test)]
mod tests {
    use super::super::{DisplayOptions, Format, Layout, ResultKind, is_broken_pipe, result_writer};
    use super::*;
    use chrono::NaiveDate;
    use datafusion::arrow::array::{
        ArrayRef, BooleanArray, Date32Array, Float32Array, Float64Array, Int64Array, StringArray,
        TimestampSecondArray,
    };
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;

    use crate::output::test_support::{SharedBuffer, render};

    /// A reader that went away, like `head` after its first lines.
    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
    }

    fn layout() -> Layout {
        Layout {
            kind: ResultKind::Frame,
            index_columns: 0,
        }
    }

    fn csv_of(batches: &[RecordBatch]) -> String {
        render(Format::Csv, layout(), batches, &DisplayOptions::default())
    }

    fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
        RecordBatch::try_from_iter(columns).unwrap()
    }

    #[test]
    fn values_are_written_like_pandas_to_csv() {
        let result = csv_of(&[batch(vec![
            (
                "key",
                Arc::new(StringArray::from(vec![Some("EWR"), None])) as ArrayRef,
            ),
            ("n", Arc::new(Int64Array::from(vec![Some(3), None]))),
            (
                "f",
                Arc::new(Float64Array::from(vec![Some(1434.0), Some(f64::NAN)])),
            ),
            ("g", Arc::new(Float64Array::from(vec![Some(1e-5), None]))),
            ("h", Arc::new(Float32Array::from(vec![0.1, 2.0]))),
            (
                "b",
                Arc::new(BooleanArray::from(vec![Some(true), Some(false)])),
            ),
        ])]);
        assert_eq!(
            result,
            "key,n,f,g,h,b\nEWR,3,1434.0,1e-05,0.1,True\n,,,,2.0,False\n"
        );
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let text = StringArray::from(vec!["plain", "a,b", "say \"hi\"", "two\nlines"]);
        let result = csv_of(&[batch(vec![("a b,c", Arc::new(text) as ArrayRef)])]);
        assert_eq!(
            result,
            "\"a b,c\"\nplain\n\"a,b\"\n\"say \"\"hi\"\"\"\n\"two\nlines\"\n"
        );
    }

    #[test]
    fn a_lone_empty_field_is_quoted() {
        let text = StringArray::from(vec![Some("a"), None, Some("")]);
        let result = csv_of(&[batch(vec![("s", Arc::new(text) as ArrayRef)])]);
        assert_eq!(result, "s\na\n\"\"\n\"\"\n");
    }

    #[test]
    fn datetimes_drop_midnight_times_per_batch() {
        let day = 631152000; // 1990-01-01T00:00:00Z in seconds
        let midnight = batch(vec![(
            "t",
            Arc::new(TimestampSecondArray::from(vec![day, day + 86400])) as ArrayRef,
        )]);
        let afternoon = batch(vec![(
            "t",
            Arc::new(TimestampSecondArray::from(vec![day + 52200])) as ArrayRef,
        )]);
        let dates = batch(vec![(
            "t",
            Arc::new(Date32Array::from(vec![7305])) as ArrayRef,
        )]);
        assert_eq!(
            csv_of(&[midnight, afternoon]),
            "t\n1990-01-01\n1990-01-02\n1990-01-01 14:30:00\n"
        );
        assert_eq!(csv_of(&[dates]), "t\n1990-01-01\n");
        assert_eq!(
            NaiveDate::from_ymd_opt(1990, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp(),
            day
        );
    }

    #[test]
    fn hidden_columns_are_left_out() {
        let result = csv_of(&[batch(vec![
            ("a", Arc::new(Int64Array::from(vec![1])) as ArrayRef),
            ("__ddq_row", Arc::new(Int64Array::from(vec![2]))),
        ])]);
        assert_eq!(result, "a\n1\n");
    }

    #[test]
    fn tsv_separates_with_tabs_and_quotes_only_fields_that_need_it() {
        let batch = RecordBatch::try_from_iter(vec![
            ("a b", Arc::new(Int64Array::from(vec![1])) as ArrayRef),
            ("s", Arc::new(StringArray::from(vec!["x\ty, z"]))),
        ])
        .unwrap();
        let text = render(Format::Tsv, layout(), &[batch], &DisplayOptions::default());
        assert_eq!(text, "a b\ts\n1\t\"x\ty, z\"\n");
    }

    #[test]
    fn empty_result_still_has_a_header() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Int64, true),
            Field::new("b", DataType::Utf8, true),
        ]));
        let buffer = SharedBuffer::default();
        let writer = result_writer(
            Format::Csv,
            layout(),
            schema,
            Box::new(buffer.clone()),
            &DisplayOptions::default(),
        )
        .unwrap();
        writer.finish().unwrap();
        assert_eq!(buffer.0.lock().unwrap().as_slice(), b"a,b\n");
    }

    #[test]
    fn closed_output_is_a_broken_pipe_error() {
        let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, true)]));
        let writer = result_writer(
            Format::Csv,
            layout(),
            schema,
            Box::new(ClosedPipe),
            &DisplayOptions::default(),
        )
        .unwrap();
        let err = writer.finish().unwrap_err();
        assert!(is_broken_pipe(&err), "{err}");
    }
}
