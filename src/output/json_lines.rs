//! The JSON renderer: JSON lines, one object per row with keys in column order, streamed batch by
//! batch. Each value is written by `types::text` in its JSON style (missing values, NaN and
//! infinities are `null`; datetimes are ISO 8601 strings for `--format json`, and as pandas'
//! `date_format=` says for `to_json`). `to_json` files are pandas' `orient="records"`: without
//! the index, one record per line or one array, a series' records its bare values.

use super::{ResultWriter, check_batch_width, visible_columns, write_error};
use crate::error::Result;
use crate::types::text::{JsonDates, JsonRecords, TextStyle, write_json_string, write_value};
use crate::types::values::ColumnReader;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use std::io::{BufWriter, Write};

pub(crate) struct JsonLinesWriter {
    out: BufWriter<Box<dyn Write + Send>>,
    schema: SchemaRef,
    columns: Vec<usize>,
    /// Each shown column's key, already quoted and escaped.
    keys: Vec<String>,
    /// Reused for every row so writing a row does not allocate.
    line: String,
    records: JsonRecords,
    rows: usize,
}

impl JsonLinesWriter {
    /// `--format json`: every column, datetimes as ISO 8601.
    pub(crate) fn new(schema: SchemaRef, out: Box<dyn Write + Send>) -> JsonLinesWriter {
        let records = JsonRecords {
            lines: true,
            dates: JsonDates::Iso,
            values_only: false,
        };
        JsonLinesWriter::records(schema, out, 0, records)
    }

    /// `to_json(orient="records")`: the columns after the `index_columns` keys (pandas' records
    /// leave the index out), laid out as `records` say.
    pub(crate) fn records(
        schema: SchemaRef,
        out: Box<dyn Write + Send>,
        index_columns: usize,
        records: JsonRecords,
    ) -> JsonLinesWriter {
        let columns: Vec<usize> = visible_columns(&schema)
            .into_iter()
            .skip(index_columns)
            .collect();
        let keys = columns
            .iter()
            .map(|&index| {
                let mut key = String::new();
                write_json_string(&mut key, schema.field(index).name());
                key
            })
            .collect();
        JsonLinesWriter {
            out: BufWriter::new(out),
            schema,
            columns,
            keys,
            line: String::new(),
            records,
            rows: 0,
        }
    }

    /// One row as a record: `{"key":value,...}`, or its bare value for a series.
    fn write_record(&mut self, readers: &[ColumnReader], row: usize) -> Result<()> {
        let style = TextStyle::Json(self.records.dates);
        if self.records.values_only {
            for reader in readers {
                write_value(&mut self.line, &reader.value(row)?, style);
            }
            return Ok(());
        }
        self.line.push('{');
        for (position, (reader, key)) in readers.iter().zip(&self.keys).enumerate() {
            if position > 0 {
                self.line.push(',');
            }
            self.line.push_str(key);
            self.line.push(':');
            write_value(&mut self.line, &reader.value(row)?, style);
        }
        self.line.push('}');
        Ok(())
    }
}

/// Creates the `to_json` writer: see [`JsonLinesWriter::records`].
pub fn records_writer(
    schema: SchemaRef,
    out: Box<dyn Write + Send>,
    index_columns: usize,
    records: JsonRecords,
) -> Box<dyn ResultWriter + Send> {
    Box::new(JsonLinesWriter::records(
        schema,
        out,
        index_columns,
        records,
    ))
}

impl ResultWriter for JsonLinesWriter {
    fn write_batch(&mut self, batch: &RecordBatch) -> Result<()> {
        check_batch_width(&self.schema, batch)?;
        let readers = self
            .columns
            .iter()
            .map(|&index| ColumnReader::new(batch.column(index)))
            .collect::<Result<Vec<_>>>()?;
        for row in 0..batch.num_rows() {
            self.line.clear();
            if !self.records.lines {
                self.line.push(if self.rows == 0 { '[' } else { ',' });
            }
            self.write_record(&readers, row)?;
            if self.records.lines {
                self.line.push('\n');
            }
            self.rows += 1;
            self.out
                .write_all(self.line.as_bytes())
                .map_err(write_error)?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        if !self.records.lines {
            let end: &[u8] = if self.rows == 0 { b"[]" } else { b"]" };
            self.out.write_all(end).map_err(write_error)?;
        }
        self.out.flush().map_err(write_error)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{DisplayOptions, Format, Layout, ResultKind};
    use super::*;
    use datafusion::arrow::array::{
        ArrayRef, BooleanArray, Date32Array, Decimal128Array, Float64Array, Int64Array,
        StringArray, TimestampMillisecondArray,
    };
    use std::sync::Arc;

    use crate::output::test_support::render;

    fn json_of(batches: &[RecordBatch]) -> String {
        let layout = Layout {
            kind: ResultKind::Frame,
            index_columns: 0,
        };
        render(Format::Json, layout, batches, &DisplayOptions::default())
    }

    #[test]
    fn one_object_per_row_in_column_order() {
        let decimals = Decimal128Array::from(vec![Some(12345), None])
            .with_precision_and_scale(10, 2)
            .unwrap();
        let batch = RecordBatch::try_from_iter(vec![
            (
                "z",
                Arc::new(Int64Array::from(vec![Some(1), None])) as ArrayRef,
            ),
            ("a", Arc::new(Float64Array::from(vec![1434.0, f64::NAN]))),
            (
                "s",
                Arc::new(StringArray::from(vec![Some("say \"hi\"\n"), None])),
            ),
            ("b", Arc::new(BooleanArray::from(vec![true, false]))),
            ("d", Arc::new(Date32Array::from(vec![Some(7305), None]))),
            (
                "t",
                Arc::new(TimestampMillisecondArray::from(vec![631204200500, 0])),
            ),
            ("m", Arc::new(decimals)),
            ("__ddq_hidden", Arc::new(Int64Array::from(vec![7, 8]))),
        ])
        .unwrap();
        let expected = concat!(
            r#"{"z":1,"a":1434.0,"s":"say \"hi\"\n","b":true,"d":"1990-01-01","t":"1990-01-01T14:30:00.500","m":123.45}"#,
            "\n",
            r#"{"z":null,"a":null,"s":null,"b":false,"d":null,"t":"1970-01-01T00:00:00","m":null}"#,
            "\n",
        );
        assert_eq!(json_of(&[batch]), expected);
    }

    /// What `to_json` writes for `batch` with `index_columns` keys, laid out as `records`.
    fn records_of(batch: RecordBatch, index_columns: usize, records: JsonRecords) -> String {
        let buffer = crate::output::test_support::SharedBuffer::default();
        let mut writer = records_writer(
            batch.schema(),
            Box::new(buffer.clone()),
            index_columns,
            records,
        );
        writer.write_batch(&batch).unwrap();
        writer.finish().unwrap();
        String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn to_json_writes_pandas_records_without_the_index() {
        let stamps = TimestampMillisecondArray::from(vec![Some(631204200500), None]);
        let batch = RecordBatch::try_from_iter(vec![
            ("key", Arc::new(Int64Array::from(vec![1, 2])) as ArrayRef),
            ("t", Arc::new(stamps)),
            ("f", Arc::new(Float64Array::from(vec![1.5, f64::NAN]))),
        ])
        .unwrap();
        let lines = JsonRecords {
            lines: true,
            dates: JsonDates::EpochMillis,
            values_only: false,
        };
        assert_eq!(
            records_of(batch.clone(), 1, lines),
            "{\"t\":631204200500,\"f\":1.5}\n{\"t\":null,\"f\":null}\n"
        );
        let array = JsonRecords {
            lines: false,
            dates: JsonDates::IsoMillis,
            ..lines
        };
        assert_eq!(
            records_of(batch.slice(0, 1), 0, array),
            "[{\"key\":1,\"t\":\"1990-01-01T14:30:00.500\",\"f\":1.5}]"
        );
        assert_eq!(records_of(batch.slice(0, 0), 0, array), "[]");
        let values = JsonRecords {
            values_only: true,
            ..array
        };
        let series = batch.project(&[0, 2]).unwrap();
        assert_eq!(records_of(series, 1, values), "[1.5,null]");
    }

    #[test]
    fn infinities_become_null_and_tiny_floats_stay_numbers() {
        let batch = RecordBatch::try_from_iter(vec![(
            "x",
            Arc::new(Float64Array::from(vec![f64::INFINITY, 1e-5])) as ArrayRef,
        )])
        .unwrap();
        assert_eq!(json_of(&[batch]), "{\"x\":null}\n{\"x\":1e-05}\n");
    }
}
