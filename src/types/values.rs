//! Reading single values out of Arrow arrays in the few shapes the renderers care about, the kind
//! of a column (which decides how its missing values read), and the pandas rules for writing
//! dates and times. How a value is then written in each output style is `text::write_value`.
use crate::error::{DdqError, Result};
use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike};
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Date32Array, Date64Array, Float32Array, Float64Array,
    Int64Array, LargeStringArray, StringArray, StringViewArray, UInt64Array,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Date64Type, Float32Type, Float64Type, Int64Type, TimeUnit, UInt64Type,
};
use datafusion::arrow::temporal_conversions::{
    date32_to_datetime, date64_to_datetime, timestamp_ms_to_datetime, timestamp_ns_to_datetime,
    timestamp_s_to_datetime, timestamp_us_to_datetime,
};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use std::borrow::Cow;
use std::fmt::Write as _;

/// How a column is rendered; decides null text and per-column formatting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnKind {
    Int,
    Float,
    Bool,
    Text,
    DateTime,
    Date,
    /// Everything else, shown through Arrow's display formatting.
    Other,
}

impl ColumnKind {
    pub(crate) fn of(data_type: &DataType) -> ColumnKind {
        match data_type {
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64 => ColumnKind::Int,
            DataType::Float16 | DataType::Float32 | DataType::Float64 => ColumnKind::Float,
            DataType::Boolean => ColumnKind::Bool,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => ColumnKind::Text,
            // Timedeltas read as datetimes do where it shows: NaT when missing, right-aligned.
            DataType::Timestamp(_, _) | DataType::Duration(_) => ColumnKind::DateTime,
            DataType::Date32 | DataType::Date64 => ColumnKind::Date,
            DataType::Dictionary(_, value_type) => ColumnKind::of(value_type),
            _ => ColumnKind::Other,
        }
    }

    /// The kind of a column of `data_type` as pandas would hold it: numpy's integers cannot hold
    /// NaN, so one that holds a missing value (`.where`, a left merge, `.dt.days` of NaT) is a
    /// float column in pandas, and a boolean one an object column. A categorical keeps its dtype.
    pub(crate) fn of_column(data_type: &DataType, holds_missing: bool) -> ColumnKind {
        let kind = ColumnKind::of(data_type);
        if !holds_missing || matches!(data_type, DataType::Dictionary(_, _)) {
            return kind;
        }
        match kind {
            ColumnKind::Int => ColumnKind::Float,
            ColumnKind::Bool => ColumnKind::Text,
            other => other,
        }
    }

    /// What pandas shows for a missing value of this kind in a table.
    pub(crate) fn null_text(self) -> &'static str {
        match self {
            ColumnKind::Int | ColumnKind::Bool => "<NA>",
            ColumnKind::DateTime | ColumnKind::Date => "NaT",
            ColumnKind::Float | ColumnKind::Text | ColumnKind::Other => "NaN",
        }
    }
}

/// One value read from an array. Strings borrow from the array when they can.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Int(i64),
    UInt(u64),
    Float(f64),
    /// Kept apart from `Float` so CSV and JSON print the shortest 32-bit digits.
    Float32(f32),
    Bool(bool),
    Text(Cow<'a, str>),
    /// Wall-clock time in the column's time zone, and that zone's offset when it has one.
    DateTime(NaiveDateTime, Option<FixedOffset>),
    Date(NaiveDate),
    /// A number Arrow formats itself, such as a decimal; bare in JSON, unlike `Text`.
    Number(String),
}

impl Value<'_> {
    pub(crate) fn into_owned(self) -> Value<'static> {
        match self {
            Value::Null => Value::Null,
            Value::Int(v) => Value::Int(v),
            Value::UInt(v) => Value::UInt(v),
            Value::Float(v) => Value::Float(v),
            Value::Float32(v) => Value::Float32(v),
            Value::Bool(v) => Value::Bool(v),
            Value::Text(text) => Value::Text(Cow::Owned(text.into_owned())),
            Value::DateTime(at, offset) => Value::DateTime(at, offset),
            Value::Date(date) => Value::Date(date),
            Value::Number(text) => Value::Number(text),
        }
    }

    /// The value as a float, for float columns (`None` for null).
    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Float(v) => Some(*v),
            Value::Float32(v) => Some(f64::from(*v)),
            Value::Int(v) => Some(*v as f64),
            Value::UInt(v) => Some(*v as f64),
            _ => None,
        }
    }
}

/// Reads values from one column of one batch. Built once per batch so the type dispatch and any
/// conversion happen per column, not per value.
pub(crate) enum ColumnReader {
    Int(Int64Array),
    UInt(UInt64Array),
    Float(Float64Array),
    Float32(Float32Array),
    Bool(BooleanArray),
    Utf8(StringArray),
    LargeUtf8(LargeStringArray),
    Utf8View(StringViewArray),
    Timestamp {
        values: Int64Array,
        unit: TimeUnit,
        zone: Option<Tz>,
    },
    Date32(Date32Array),
    Date64(Date64Array),
    /// Timedeltas in nanoseconds, written as pandas' `str(Timedelta)`.
    Duration(Int64Array),
    Other {
        array: ArrayRef,
        numeric: bool,
    },
}

impl ColumnReader {
    pub(crate) fn new(array: &ArrayRef) -> Result<ColumnReader> {
        let widen = |to: &DataType| cast(array, to).map_err(|e| DdqError::execution(e.to_string()));
        let reader = match array.data_type() {
            DataType::Dictionary(_, value_type) => {
                return ColumnReader::new(&widen(value_type)?);
            }
            DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => {
                ColumnReader::Int(widen(&DataType::Int64)?.as_primitive::<Int64Type>().clone())
            }
            DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => {
                ColumnReader::UInt(
                    widen(&DataType::UInt64)?
                        .as_primitive::<UInt64Type>()
                        .clone(),
                )
            }
            DataType::Float16 | DataType::Float64 => ColumnReader::Float(
                widen(&DataType::Float64)?
                    .as_primitive::<Float64Type>()
                    .clone(),
            ),
            DataType::Float32 => ColumnReader::Float32(array.as_primitive::<Float32Type>().clone()),
            DataType::Boolean => ColumnReader::Bool(array.as_boolean().clone()),
            DataType::Utf8 => ColumnReader::Utf8(array.as_string::<i32>().clone()),
            DataType::LargeUtf8 => ColumnReader::LargeUtf8(array.as_string::<i64>().clone()),
            DataType::Utf8View => ColumnReader::Utf8View(array.as_string_view().clone()),
            DataType::Timestamp(unit, zone) => ColumnReader::Timestamp {
                values: widen(&DataType::Int64)?.as_primitive::<Int64Type>().clone(),
                unit: *unit,
                zone: zone
                    .as_deref()
                    .map(|name| {
                        name.parse::<Tz>()
                            .map_err(|e| DdqError::execution(e.to_string()))
                    })
                    .transpose()?,
            },
            DataType::Date32 => ColumnReader::Date32(array.as_primitive::<Date32Type>().clone()),
            DataType::Date64 => ColumnReader::Date64(array.as_primitive::<Date64Type>().clone()),
            DataType::Duration(_) => {
                let nanos = widen(&DataType::Duration(TimeUnit::Nanosecond))?;
                let nanos = cast(&nanos, &DataType::Int64)
                    .map_err(|e| DdqError::execution(e.to_string()))?;
                ColumnReader::Duration(nanos.as_primitive::<Int64Type>().clone())
            }
            DataType::Decimal32(_, _)
            | DataType::Decimal64(_, _)
            | DataType::Decimal128(_, _)
            | DataType::Decimal256(_, _) => ColumnReader::Other {
                array: array.clone(),
                numeric: true,
            },
            _ => ColumnReader::Other {
                array: array.clone(),
                numeric: false,
            },
        };
        Ok(reader)
    }

    fn is_null(&self, row: usize) -> bool {
        match self {
            ColumnReader::Int(a) => a.is_null(row),
            ColumnReader::UInt(a) => a.is_null(row),
            ColumnReader::Float(a) => a.is_null(row),
            ColumnReader::Float32(a) => a.is_null(row),
            ColumnReader::Bool(a) => a.is_null(row),
            ColumnReader::Utf8(a) => a.is_null(row),
            ColumnReader::LargeUtf8(a) => a.is_null(row),
            ColumnReader::Utf8View(a) => a.is_null(row),
            ColumnReader::Timestamp { values, .. } => values.is_null(row),
            ColumnReader::Date32(a) => a.is_null(row),
            ColumnReader::Date64(a) => a.is_null(row),
            ColumnReader::Duration(a) => a.is_null(row),
            // `logical_nulls` because a NullArray has no null buffer yet every value is null.
            ColumnReader::Other { array, .. } => array
                .logical_nulls()
                .is_some_and(|nulls| nulls.is_null(row)),
        }
    }

    /// The value at `row`, which must be in bounds.
    pub(crate) fn value(&self, row: usize) -> Result<Value<'_>> {
        if self.is_null(row) {
            return Ok(Value::Null);
        }
        let value = match self {
            ColumnReader::Int(a) => Value::Int(a.value(row)),
            ColumnReader::UInt(a) => Value::UInt(a.value(row)),
            ColumnReader::Float(a) => Value::Float(a.value(row)),
            ColumnReader::Float32(a) => Value::Float32(a.value(row)),
            ColumnReader::Bool(a) => Value::Bool(a.value(row)),
            ColumnReader::Utf8(a) => Value::Text(Cow::Borrowed(a.value(row))),
            ColumnReader::LargeUtf8(a) => Value::Text(Cow::Borrowed(a.value(row))),
            ColumnReader::Utf8View(a) => Value::Text(Cow::Borrowed(a.value(row))),
            ColumnReader::Timestamp { values, unit, zone } => {
                timestamp_value(values.value(row), *unit, zone.as_ref())
            }
            ColumnReader::Date32(a) => date_value(date32_to_datetime(a.value(row)), a.value(row)),
            ColumnReader::Date64(a) => date_value(date64_to_datetime(a.value(row)), a.value(row)),
            ColumnReader::Duration(a) => Value::Text(Cow::Owned(super::scalar::timedelta_text(
                i128::from(a.value(row)),
            ))),
            ColumnReader::Other { array, numeric } => {
                let text = display_value(array, row)?;
                if *numeric {
                    Value::Number(text)
                } else {
                    Value::Text(Cow::Owned(text))
                }
            }
        };
        Ok(value)
    }
}

fn display_value(array: &ArrayRef, row: usize) -> Result<String> {
    let formatter = ArrayFormatter::try_new(array.as_ref(), &FormatOptions::default())
        .map_err(|e| DdqError::execution(e.to_string()))?;
    let mut text = String::new();
    // Writing to a String cannot fail; a formatting error would come from the value itself.
    write!(text, "{}", formatter.value(row))
        .map_err(|_| crate::error::DdqError::execution("cannot format a result value"))?;
    Ok(text)
}

/// Timestamps beyond chrono's range keep their raw number rather than failing the whole query.
fn timestamp_value(raw: i64, unit: TimeUnit, zone: Option<&Tz>) -> Value<'static> {
    let utc = match unit {
        TimeUnit::Second => timestamp_s_to_datetime(raw),
        TimeUnit::Millisecond => timestamp_ms_to_datetime(raw),
        TimeUnit::Microsecond => timestamp_us_to_datetime(raw),
        TimeUnit::Nanosecond => timestamp_ns_to_datetime(raw),
    };
    let Some(utc) = utc else {
        return Value::Number(raw.to_string());
    };
    match zone {
        None => Value::DateTime(utc, None),
        Some(zone) => {
            let offset = zone.offset_from_utc_datetime(&utc).fix();
            Value::DateTime(utc + offset, Some(offset))
        }
    }
}

fn date_value(date: Option<NaiveDateTime>, raw: impl ToString) -> Value<'static> {
    match date {
        Some(at) => Value::Date(at.date()),
        None => Value::Number(raw.to_string()),
    }
}

/// How a column of datetimes is written: pandas drops the time when every value is at midnight
/// (and there is no time zone), and shows as many fractional digits (0, 3, 6 or 9) as the most
/// precise value needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct DateTimeStyle {
    pub date_only: bool,
    pub fraction_digits: usize,
}

impl DateTimeStyle {
    /// The style for a column holding `values`; non-datetime values are ignored.
    pub(crate) fn for_values<'v, 'a: 'v>(
        values: impl IntoIterator<Item = &'v Value<'a>>,
    ) -> DateTimeStyle {
        let mut date_only = true;
        let mut fraction_digits = 0;
        for value in values {
            if let Value::DateTime(at, offset) = value {
                let midnight = at.num_seconds_from_midnight() == 0 && at.nanosecond() == 0;
                date_only &= midnight && offset.is_none();
                fraction_digits = fraction_digits.max(fraction_digits_needed(at.nanosecond()));
            }
        }
        DateTimeStyle {
            date_only,
            fraction_digits,
        }
    }

    /// The style of a single timestamp shown on its own (pandas' `str(Timestamp)`): always with
    /// the time.
    pub(crate) fn for_single(at: &NaiveDateTime) -> DateTimeStyle {
        DateTimeStyle {
            date_only: false,
            fraction_digits: fraction_digits_needed(at.nanosecond()),
        }
    }
}

fn fraction_digits_needed(nanos: u32) -> usize {
    let nanos = nanos % 1_000_000_000; // chrono stores leap seconds as nanos >= 1e9
    if nanos == 0 {
        0
    } else if nanos.is_multiple_of(1_000_000) {
        3
    } else if nanos.is_multiple_of(1_000) {
        6
    } else {
        9
    }
}

/// Writes a datetime as `1990-01-01`, `1990-01-01 14:30:00`, `1990-01-01 14:30:00.250` or with an
/// offset `+01:00`; `separator` is `' '` for pandas text and `'T'` for ISO 8601.
pub(crate) fn write_datetime(
    out: &mut String,
    at: &NaiveDateTime,
    offset: Option<&FixedOffset>,
    style: DateTimeStyle,
    separator: char,
) {
    write_date(out, &at.date());
    if style.date_only {
        return;
    }
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "{separator}{:02}:{:02}:{:02}",
        at.hour(),
        at.minute(),
        at.second()
    );
    if style.fraction_digits > 0 {
        let nanos = at.nanosecond() % 1_000_000_000;
        let scaled = nanos / 10u32.pow(9 - style.fraction_digits as u32);
        let _ = write!(out, ".{scaled:0width$}", width = style.fraction_digits);
    }
    if let Some(offset) = offset {
        let _ = write!(out, "{offset}");
    }
}

pub(crate) fn write_date(out: &mut String, date: &NaiveDate) {
    // Writing to a String cannot fail. Years outside 0..=9999 keep chrono's signed form.
    let _ = match date.year() {
        0..=9999 => write!(
            out,
            "{:04}-{:02}-{:02}",
            date.year(),
            date.month(),
            date.day()
        ),
        _ => write!(out, "{}", date.format("%Y-%m-%d")),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{DictionaryArray, Int32Array, TimestampSecondArray};
    use datafusion::arrow::datatypes::Int32Type;
    use std::sync::Arc;

    #[test]
    fn reads_values_of_each_shape() {
        let ints: ArrayRef = Arc::new(Int32Array::from(vec![Some(7), None]));
        let reader = ColumnReader::new(&ints).unwrap();
        assert_eq!(reader.value(0).unwrap(), Value::Int(7));
        assert_eq!(reader.value(1).unwrap(), Value::Null);

        let dictionary: DictionaryArray<Int32Type> = vec!["a", "b", "a"].into_iter().collect();
        let dictionary: ArrayRef = Arc::new(dictionary);
        let reader = ColumnReader::new(&dictionary).unwrap();
        assert_eq!(reader.value(2).unwrap(), Value::Text(Cow::Borrowed("a")));

        let stamps: ArrayRef =
            Arc::new(TimestampSecondArray::from(vec![3600]).with_timezone("+01:00"));
        let reader = ColumnReader::new(&stamps).unwrap();
        let expected = NaiveDate::from_ymd_opt(1970, 1, 1)
            .unwrap()
            .and_hms_opt(2, 0, 0)
            .unwrap();
        assert_eq!(
            reader.value(0).unwrap(),
            Value::DateTime(expected, FixedOffset::east_opt(3600))
        );
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    fn styled(values: &[Value<'static>]) -> Vec<String> {
        let style = DateTimeStyle::for_values(values);
        values
            .iter()
            .map(|value| {
                let mut out = String::new();
                if let Value::DateTime(at, offset) = value {
                    write_datetime(&mut out, at, offset.as_ref(), style, ' ');
                }
                out
            })
            .collect()
    }

    #[test]
    fn datetime_columns_follow_pandas() {
        let midnight = Value::DateTime(at("1990-01-01 00:00:00"), None);
        let afternoon = Value::DateTime(at("1990-01-02 14:30:00"), None);
        let half = Value::DateTime(at("1990-01-02 14:30:00.5"), None);
        let micro = Value::DateTime(at("1990-01-02 14:30:00.000001"), None);
        assert_eq!(styled(&[midnight.clone(), Value::Null]), ["1990-01-01", ""]);
        assert_eq!(
            styled(&[midnight.clone(), afternoon]),
            ["1990-01-01 00:00:00", "1990-01-02 14:30:00"]
        );
        assert_eq!(
            styled(&[midnight.clone(), half]),
            ["1990-01-01 00:00:00.000", "1990-01-02 14:30:00.500"]
        );
        assert_eq!(styled(&[micro]), ["1990-01-02 14:30:00.000001"]);
        let zoned = Value::DateTime(at("1990-01-01 00:00:00"), FixedOffset::east_opt(0));
        assert_eq!(styled(&[zoned]), ["1990-01-01 00:00:00+00:00"]);
    }
}
