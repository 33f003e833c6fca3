//! The CSV renderer: a header row then every row, streamed batch by batch, written the way
//! `DataFrame.to_csv(index=False)` writes (floats as Python `repr`, empty for missing values,
//! `True`/`False`, fields quoted only when they need it).

use super::float::{format_f32_python, format_float_python};
use super::values::{ColumnKind, ColumnReader, DateTimeStyle, Value, write_date, write_datetime};
use super::{ResultWriter, check_batch_width, visible_columns, write_error};
use crate::error::{DdqError, Result};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use std::fmt::Write as _;
use std::io::Write;

pub(crate) struct CsvResultWriter {
    csv: csv::Writer<Box<dyn Write + Send>>,
    schema: SchemaRef,
    columns: Vec<usize>,
    header_written: bool,
    /// Reused for every field so writing a row does not allocate.
    field: String,
}

impl CsvResultWriter {
    pub(crate) fn new(schema: SchemaRef, out: Box<dyn Write + Send>) -> CsvResultWriter {
        CsvResultWriter {
            csv: csv::WriterBuilder::new().from_writer(out),
            columns: visible_columns(&schema),
            schema,
            header_written: false,
            field: String::new(),
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
        self.csv.write_record(names).map_err(csv_error)
    }
}

impl ResultWriter for CsvResultWriter {
    fn write_batch(&mut self, batch: &RecordBatch) -> Result<()> {
        check_batch_width(&self.schema, batch)?;
        self.write_header()?;
        let readers = self
            .columns
            .iter()
            .map(|&index| ColumnReader::new(batch.column(index)))
            .collect::<Result<Vec<_>>>()?;
        let styles = readers
            .iter()
            .zip(&self.columns)
            .map(|(reader, &index)| batch_style(reader, &self.schema, index, batch.num_rows()))
            .collect::<Result<Vec<_>>>()?;
        for row in 0..batch.num_rows() {
            for (reader, style) in readers.iter().zip(&styles) {
                self.field.clear();
                write_csv_field(&mut self.field, &reader.value(row)?, *style);
                self.csv.write_field(&self.field).map_err(csv_error)?;
            }
            self.csv
                .write_record(std::iter::empty::<&[u8]>())
                .map_err(csv_error)?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.write_header()?;
        self.csv.flush().map_err(write_error)
    }
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

fn write_csv_field(out: &mut String, value: &Value, style: DateTimeStyle) {
    // Writing to a String cannot fail.
    match value {
        Value::Null => {}
        Value::Float(v) if v.is_nan() => {}
        Value::Float32(v) if v.is_nan() => {}
        Value::Int(v) => {
            let _ = write!(out, "{v}");
        }
        Value::UInt(v) => {
            let _ = write!(out, "{v}");
        }
        Value::Float(v) => out.push_str(&format_float_python(*v)),
        Value::Float32(v) => out.push_str(&format_f32_python(*v)),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Text(text) => out.push_str(text),
        Value::DateTime(at, offset) => write_datetime(out, at, offset.as_ref(), style, ' '),
        Value::Date(date) => write_date(out, date),
        Value::Number(text) => out.push_str(text),
    }
}

fn csv_error(err: csv::Error) -> DdqError {
    let message = err.to_string();
    match err.into_kind() {
        csv::ErrorKind::Io(io) => write_error(io),
        _ => DdqError::execution(format!("cannot write CSV: {message}")),
    }
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

    use crate::output::test_support::SharedBuffer;

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
        let buffer = SharedBuffer::default();
        let mut writer = result_writer(
            Format::Csv,
            layout(),
            batches[0].schema(),
            Box::new(buffer.clone()),
            &DisplayOptions::default(),
        );
        for batch in batches {
            writer.write_batch(batch).unwrap();
        }
        writer.finish().unwrap();
        String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
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
        );
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
        );
        let err = writer.finish().unwrap_err();
        assert!(is_broken_pipe(&err), "{err}");
    }
}
