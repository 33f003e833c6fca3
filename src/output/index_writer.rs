//! `df.index` in the table format: pandas' repr of an Index (`Index([...], dtype='object',
//! name='Origin')`, `DatetimeIndex([...])`, `RangeIndex(start=0, stop=n, step=1)`) of a
//! one-column result. The values stream through: only those the repr shows are kept, with what
//! decides the repr's shape (how many there are, whether they are still the positions 0..n,
//! whether every datetime is at midnight).

use super::index::{MAX_SEQ_ITEMS, SHOWN_AT_EACH_END, Shown, shown_index_repr};
use super::{ResultWriter, check_batch_width, visible_columns, write_error};
use crate::error::Result;
use crate::types::dtype::pandas_dtype;
use crate::types::float::write_float_python;
use crate::types::text::{TextStyle, python_str_repr, value_text};
use crate::types::values::{ColumnKind, ColumnReader, DateTimeStyle, Value};
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use std::collections::VecDeque;
use std::io::Write;

pub(crate) struct IndexWriter {
    out: Box<dyn Write + Send>,
    schema: SchemaRef,
    /// The schema position of the index's values: the last visible column.
    column: Option<usize>,
    name: String,
    /// The first values, up to all pandas shows of an index it does not truncate.
    head: Vec<Value<'static>>,
    /// The last values past `head`.
    tail: VecDeque<Value<'static>>,
    length: usize,
    /// Whether every value so far is its own position, which makes an unnamed index of
    /// integers pandas' RangeIndex (the labels of rows as read).
    positions: bool,
    dates: DateTimeStyle,
}

impl IndexWriter {
    pub(crate) fn new(schema: SchemaRef, out: Box<dyn Write + Send>, name: String) -> IndexWriter {
        IndexWriter {
            out,
            column: visible_columns(&schema).last().copied(),
            schema,
            name,
            head: Vec::new(),
            tail: VecDeque::new(),
            length: 0,
            positions: true,
            dates: DateTimeStyle {
                date_only: true,
                fraction_digits: 0,
            },
        }
    }

    fn keep(&mut self, value: Value<'static>) {
        self.positions &= matches!(value, Value::Int(v) if v == self.length as i64);
        let style = DateTimeStyle::for_values([&value]);
        self.dates = DateTimeStyle {
            date_only: self.dates.date_only && style.date_only,
            fraction_digits: self.dates.fraction_digits.max(style.fraction_digits),
        };
        self.length += 1;
        if self.head.len() < MAX_SEQ_ITEMS {
            self.head.push(value);
            return;
        }
        if self.tail.len() == SHOWN_AT_EACH_END {
            self.tail.pop_front();
        }
        self.tail.push_back(value);
    }

    /// The repr pandas prints for the values seen.
    fn repr(&self) -> String {
        let data_type = self
            .column
            .map(|c| self.schema.field(c).data_type().clone())
            .unwrap_or(DataType::Null);
        let kind = ColumnKind::of(&data_type);
        if kind == ColumnKind::Int && self.positions && self.name.is_empty() {
            return format!("RangeIndex(start=0, stop={}, step=1)", self.length);
        }
        let class = match kind {
            ColumnKind::DateTime | ColumnKind::Date if is_duration(&data_type) => "TimedeltaIndex",
            ColumnKind::DateTime | ColumnKind::Date => "DatetimeIndex",
            _ => "Index",
        };
        let text = |values: &[Value<'static>]| -> Vec<String> {
            values.iter().map(|v| self.value_repr(v, kind)).collect()
        };
        let shown = if self.length > MAX_SEQ_ITEMS {
            let tail: Vec<Value<'static>> = self.tail.iter().cloned().collect();
            Shown::Ends(text(&self.head[..SHOWN_AT_EACH_END]), text(&tail))
        } else {
            Shown::All(text(&self.head))
        };
        let mut attributes = vec![format!("dtype='{}'", pandas_dtype(&data_type))];
        if !self.name.is_empty() {
            attributes.push(format!("name={}", python_str_repr(&self.name)));
        }
        let trailing = match class {
            "Index" => vec![],
            _ => vec!["freq=None".to_string()],
        };
        let justify = kind != ColumnKind::Text;
        shown_index_repr(class, shown, self.length, &attributes, &trailing, justify)
    }

    /// One value as pandas writes it in an Index: text and datetimes quoted, floats as Python's
    /// repr, a missing value as `nan` (`NaT` for times).
    fn value_repr(&self, value: &Value<'static>, kind: ColumnKind) -> String {
        match value {
            Value::Null if matches!(kind, ColumnKind::DateTime | ColumnKind::Date) => "NaT".into(),
            Value::Null => "nan".into(),
            Value::Text(text) => python_str_repr(text),
            Value::Float(v) => {
                let mut out = String::new();
                write_float_python(&mut out, *v);
                out
            }
            Value::DateTime(..) | Value::Date(_) => {
                python_str_repr(&value_text(value, TextStyle::Table(kind, self.dates)))
            }
            other => value_text(other, TextStyle::Python(kind)),
        }
    }
}

fn is_duration(data_type: &DataType) -> bool {
    matches!(data_type, DataType::Duration(_))
}

impl ResultWriter for IndexWriter {
    fn write_batch(&mut self, batch: &RecordBatch) -> Result<()> {
        check_batch_width(&self.schema, batch)?;
        let Some(column) = self.column else {
            return Ok(());
        };
        let reader = ColumnReader::new(batch.column(column))?;
        for row in 0..batch.num_rows() {
            let value = reader.value(row)?.into_owned();
            self.keep(value);
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        let text = format!("{}\n", self.repr());
        self.out.write_all(text.as_bytes()).map_err(write_error)?;
        self.out.flush().map_err(write_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::display::{DisplayOptions, Format};
    use crate::output::test_support::render;
    use crate::output::{Layout, ResultKind};
    use datafusion::arrow::array::TimestampNanosecondArray;
    use datafusion::arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
    use std::sync::Arc;

    fn index_of(array: ArrayRef, name: &str) -> String {
        let batch = RecordBatch::try_from_iter([("v", array)]).unwrap();
        let layout = Layout {
            kind: ResultKind::Index {
                name: name.to_string(),
            },
            index_columns: 0,
        };
        render(Format::Table, layout, &[batch], &DisplayOptions::default())
    }

    #[test]
    fn text_keys_print_as_an_object_index_with_its_name() {
        // pandas 2.2: df.groupby("Origin").DepDelay.mean().index
        let keys = Arc::new(StringArray::from(vec!["EWR", "JFK", "LGA"]));
        assert_eq!(
            index_of(keys, "Origin"),
            "Index(['EWR', 'JFK', 'LGA'], dtype='object', name='Origin')\n"
        );
    }

    #[test]
    fn positions_of_rows_as_read_are_a_range_index() {
        let positions = Arc::new(Int64Array::from((0..250).collect::<Vec<i64>>()));
        assert_eq!(
            index_of(positions, ""),
            "RangeIndex(start=0, stop=250, step=1)\n"
        );
        // pandas 2.2: df[df.DepDelay > 0].index keeps the labels of the rows kept.
        let kept = Arc::new(Int64Array::from(vec![1, 4, 5]));
        assert_eq!(index_of(kept, ""), "Index([1, 4, 5], dtype='int64')\n");
    }

    #[test]
    fn a_long_index_shows_its_ends_and_length() {
        // pandas 2.2: pd.Index([float(i) / 2 for i in range(150)], name="x")
        let halves = Arc::new(Float64Array::from(
            (0..150).map(|i| i as f64 / 2.0).collect::<Vec<_>>(),
        ));
        assert_eq!(
            index_of(halves, "x"),
            "Index([ 0.0,  0.5,  1.0,  1.5,  2.0,  2.5,  3.0,  3.5,  4.0,  4.5,\n       ...\n       \
             70.0, 70.5, 71.0, 71.5, 72.0, 72.5, 73.0, 73.5, 74.0, 74.5],\n      \
             dtype='float64', name='x', length=150)\n"
        );
    }

    #[test]
    fn dates_at_midnight_print_as_dates_with_freq_last() {
        // pandas 2.2: pd.DatetimeIndex(["1990-01-01", "1990-01-02"], name="Date")
        let day = 86_400_000_000_000i64;
        let dates = Arc::new(TimestampNanosecondArray::from(vec![7305 * day, 7306 * day]));
        assert_eq!(
            index_of(dates, "Date"),
            "DatetimeIndex(['1990-01-01', '1990-01-02'], dtype='datetime64[ns]', name='Date', freq=None)\n"
        );
    }
}
