//! Single values (a computed aggregate such as `df.a.mean()`, or each value of `astype(str)`) as
//! Python prints them, or as JSON: read like a column's cell, then written by `text::write_value`.

use super::text::{JsonDates, TextStyle, value_text};
use super::values::{ColumnKind, ColumnReader, Value};
use crate::config::display::Format;
use datafusion::scalar::ScalarValue;

/// `value` as ddq prints it: for tables and CSV the bare value Python's `print` shows (`5`,
/// `1434.0`, `True`, text without quotes, `nan` for a missing float as Python prints a float
/// NaN, `NaT` for a missing datetime or timedelta, `None` for other missing values); for JSON
/// a JSON value.
pub fn format_scalar(value: &ScalarValue, format: Format) -> String {
    let missing_float = match value {
        ScalarValue::Float64(x) => x.is_none_or(f64::is_nan),
        ScalarValue::Float32(x) => x.is_none_or(f32::is_nan),
        _ => false,
    };
    if missing_float && format != Format::Json {
        return "nan".into();
    }
    // pandas' missing datetime or timedelta scalar: `pd.NaT`.
    if value.is_null() && value.data_type().is_temporal() && format != Format::Json {
        return "NaT".into();
    }
    if let Some(nanos) = duration_nanos(value) {
        let text = timedelta_text(nanos);
        return match format {
            Format::Json => format!("\"{text}\""),
            _ => text,
        };
    }
    // Reading the value through a one-element array reuses the column renderers' rules exactly.
    let read = value
        .to_array_of_size(1)
        .ok()
        .and_then(|array| ColumnReader::new(&array).ok())
        .and_then(|reader| reader.value(0).ok().map(Value::into_owned));
    let Some(read) = read else {
        return value.to_string();
    };
    let style = match format {
        Format::Json => TextStyle::Json(JsonDates::Iso),
        _ => TextStyle::Python(ColumnKind::of(&value.data_type())),
    };
    value_text(&read, style)
}

/// A time span in nanoseconds: a duration, or an interval of days and nanoseconds (what the
/// difference of two timestamps is).
fn duration_nanos(value: &ScalarValue) -> Option<i128> {
    Some(match value {
        ScalarValue::DurationNanosecond(Some(n)) => i128::from(*n),
        ScalarValue::DurationMicrosecond(Some(n)) => i128::from(*n) * 1_000,
        ScalarValue::DurationMillisecond(Some(n)) => i128::from(*n) * 1_000_000,
        ScalarValue::DurationSecond(Some(n)) => i128::from(*n) * 1_000_000_000,
        ScalarValue::IntervalMonthDayNano(Some(v)) if v.months == 0 => {
            i128::from(v.days) * 86_400_000_000_000 + i128::from(v.nanoseconds)
        }
        ScalarValue::IntervalDayTime(Some(v)) => {
            i128::from(v.days) * 86_400_000_000_000 + i128::from(v.milliseconds) * 1_000_000
        }
        _ => return None,
    })
}

/// A span as pandas' `str(Timedelta)` writes it: `3651 days 00:00:00`, `-1 days +23:00:00`,
/// fractions of a second to the milli-, micro- or nanosecond they need.
pub(crate) fn timedelta_text(nanos: i128) -> String {
    const DAY: i128 = 86_400_000_000_000;
    let days = nanos.div_euclid(DAY);
    let rest = nanos.rem_euclid(DAY);
    let seconds = rest / 1_000_000_000;
    let fraction = rest % 1_000_000_000;
    let clock = format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    );
    let fraction = match fraction {
        0 => String::new(),
        f if f % 1_000_000 == 0 => format!(".{:03}", f / 1_000_000),
        f if f % 1_000 == 0 => format!(".{:06}", f / 1_000),
        f => format!(".{f:09}"),
    };
    let sign = if days < 0 { "+" } else { "" };
    format!("{days} days {sign}{clock}{fraction}")
}

/// A computed value for Python's format mini-language: numbers stay numbers (a missing float
/// is NaN, as pandas gives it), other values are the text ddq prints for them.
pub fn to_plain(value: &ScalarValue) -> super::format::Plain {
    use super::format::Plain;
    match value {
        ScalarValue::Boolean(Some(b)) => Plain::Bool(*b),
        ScalarValue::Float64(x) => Plain::Float(x.unwrap_or(f64::NAN)),
        ScalarValue::Float32(x) => Plain::Float(x.map_or(f64::NAN, f64::from)),
        ScalarValue::Int64(Some(i)) => Plain::Int(*i),
        ScalarValue::Int32(Some(i)) => Plain::Int(i64::from(*i)),
        ScalarValue::UInt64(Some(i)) => {
            i64::try_from(*i).map_or(Plain::Float(*i as f64), Plain::Int)
        }
        other if other.is_null() => Plain::None,
        other => Plain::Str(format_scalar(other, Format::Table)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_print_as_pandas_timedeltas() {
        // Each as str(pd.Timedelta(...)) prints it.
        assert_eq!(
            timedelta_text(3651 * 86_400_000_000_000),
            "3651 days 00:00:00"
        );
        assert_eq!(timedelta_text(-3_600_000_000_000), "-1 days +23:00:00");
        assert_eq!(timedelta_text(90_061_500_000_000), "1 days 01:01:01.500");
        assert_eq!(timedelta_text(1_000), "0 days 00:00:00.000001");
        assert_eq!(
            format_scalar(
                &ScalarValue::DurationNanosecond(Some(86_400_000_000_000)),
                Format::Table
            ),
            "1 days 00:00:00"
        );
    }

    fn both(value: ScalarValue) -> (String, String) {
        (
            format_scalar(&value, Format::Table),
            format_scalar(&value, Format::Json),
        )
    }

    #[test]
    fn numbers_and_bools_print_like_python() {
        assert_eq!(both(ScalarValue::Int64(Some(5))), ("5".into(), "5".into()));
        assert_eq!(
            both(ScalarValue::Float64(Some(1434.0))),
            ("1434.0".into(), "1434.0".into())
        );
        assert_eq!(
            both(ScalarValue::Boolean(Some(true))),
            ("True".into(), "true".into())
        );
        assert_eq!(
            format_scalar(&ScalarValue::UInt32(Some(7)), Format::Csv),
            "7"
        );
        assert_eq!(
            format_scalar(&ScalarValue::Float32(Some(0.1)), Format::Table),
            "0.1"
        );
        assert_eq!(
            format_scalar(&ScalarValue::Float64(Some(f64::NAN)), Format::Table),
            "nan"
        );
    }

    #[test]
    fn text_is_bare_for_tables_and_quoted_for_json() {
        assert_eq!(
            both(ScalarValue::Utf8(Some("JFK \"x\"".into()))),
            ("JFK \"x\"".into(), r#""JFK \"x\"""#.into())
        );
        assert_eq!(
            format_scalar(&ScalarValue::Utf8View(Some("a".into())), Format::Table),
            "a"
        );
    }

    #[test]
    fn nulls_print_as_nan_for_floats_and_none_otherwise() {
        assert_eq!(
            both(ScalarValue::Float64(None)),
            ("nan".into(), "null".into())
        );
        assert_eq!(
            both(ScalarValue::Int64(None)),
            ("None".into(), "null".into())
        );
        assert_eq!(
            both(ScalarValue::Utf8(None)),
            ("None".into(), "null".into())
        );
        assert_eq!(both(ScalarValue::Null), ("None".into(), "null".into()));
        assert_eq!(
            both(ScalarValue::DurationNanosecond(None)),
            ("NaT".into(), "null".into())
        );
        assert_eq!(both(ScalarValue::TimestampNanosecond(None, None)).0, "NaT");
    }

    #[test]
    fn datetimes_print_like_pandas_timestamps() {
        let at = ScalarValue::TimestampSecond(Some(631204200), None);
        assert_eq!(
            both(at),
            (
                "1990-01-01 14:30:00".into(),
                "\"1990-01-01T14:30:00\"".into()
            )
        );
        let midnight = ScalarValue::TimestampSecond(Some(631152000), None);
        assert_eq!(
            format_scalar(&midnight, Format::Table),
            "1990-01-01 00:00:00"
        );
        let date = ScalarValue::Date32(Some(7305));
        assert_eq!(both(date), ("1990-01-01".into(), "\"1990-01-01\"".into()));
    }

    #[test]
    fn decimals_are_numbers() {
        let decimal = ScalarValue::Decimal128(Some(12345), 10, 2);
        assert_eq!(both(decimal), ("123.45".into(), "123.45".into()));
    }
}
