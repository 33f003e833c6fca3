//! The JSON renderer: JSON lines, one object per row with keys in column order, streamed batch by
//! batch. Each value is written by `types::text` in its JSON style (missing values, NaN and
//! infinities are `null`; datetimes are ISO 8601 strings).

use super::{ResultWriter, check_batch_width, visible_columns, write_error};
use crate::error::Result;
use crate::types::text::{TextStyle, write_json_string, write_value};
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
}

impl JsonLinesWriter {
    pub(crate) fn new(schema: SchemaRef, out: Box<dyn Write + Send>) -> JsonLinesWriter {
        let columns = visible_columns(&schema);
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
        }
    }
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
            self.line.push('{');
            for (position, (reader, key)) in readers.iter().zip(&self.keys).enumerate() {
                if position > 0 {
                    self.line.push(',');
                }
                self.line.push_str(key);
                self.line.push(':');
                write_value(&mut self.line, &reader.value(row)?, TextStyle::Json);
            }
            self.line.push_str("}\n");
            self.out
                .write_all(self.line.as_bytes())
                .map_err(write_error)?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
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
