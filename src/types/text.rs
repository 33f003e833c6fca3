//! A value as text, in one place for every form ddq writes: [`write_value`] decides how a read
//! [`Value`] is written as a table cell, a CSV field, a JSON value or Python's `str`, and the
//! quoting helpers beside it (JSON strings, CSV fields and records, a table cell's text, Python's
//! repr of a `str`) serve the renderers, scalars and the session's reprs alike.

use super::float::{format_f32_python, write_float_python};
use super::values::{ColumnKind, DateTimeStyle, Value, write_date, write_datetime};
use chrono::{FixedOffset, NaiveDateTime, NaiveTime, TimeDelta};
use std::fmt::Write as _;

/// The forms a single value is written in. Only what really differs between them is here:
/// missing values, NaN, booleans, how text is quoted and how datetimes are styled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextStyle {
    /// A cell of a pandas-like table of a column of this kind: missing values as pandas shows
    /// them for the kind (`NaN`, `<NA>`, `NaT`), `True`/`False`, tabs and line breaks escaped,
    /// datetimes in the column's style. (Float columns are formatted column-wide by the table
    /// renderer instead; a float here is Python's repr.)
    Table(ColumnKind, DateTimeStyle),
    /// A field of `DataFrame.to_csv`, before quoting: missing values and NaN empty,
    /// `True`/`False`, text as it is, datetimes in the batch's style.
    Csv(DateTimeStyle),
    /// A JSON value: `null` for missing values, NaN and infinities (which JSON lacks), `true`/
    /// `false`, text as a JSON string, datetimes as the [`JsonDates`] say.
    Json(JsonDates),
    /// Python's `str` of a single value of a column of this kind (what `print` shows): `NaN`
    /// for a missing float, `None` for other missing values, a datetime as `str(Timestamp)`.
    Python(ColumnKind),
}

/// How JSON writes a datetime (a date is its midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonDates {
    /// An ISO 8601 string with the fraction digits the value needs (`--format json`).
    Iso,
    /// pandas' `to_json(date_format="iso")`: ISO 8601 with milliseconds; a zoned time in UTC,
    /// with `Z`.
    IsoMillis,
    /// pandas' `to_json()` default, `date_format="epoch"`: milliseconds since 1970 (UTC).
    EpochMillis,
}

/// How `to_json(orient="records")` lays out a frame's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonRecords {
    /// One record per line (`lines=True`), or one array of them.
    pub lines: bool,
    pub dates: JsonDates,
    /// A series: each record is its bare value, as pandas writes a Series' records.
    pub values_only: bool,
}

/// Writes `value` as text in `style`, appended to `out`.
pub(crate) fn write_value(out: &mut String, value: &Value, style: TextStyle) {
    // Writing to a String cannot fail.
    match (value, style) {
        (Value::Null, TextStyle::Table(kind, _)) => out.push_str(kind.null_text()),
        (Value::Null, TextStyle::Csv(_)) => {}
        (Value::Null, TextStyle::Json(_)) => out.push_str("null"),
        (Value::Null, TextStyle::Python(ColumnKind::Float)) => out.push_str("NaN"),
        (Value::Null, TextStyle::Python(_)) => out.push_str("None"),
        (Value::Float(v), TextStyle::Csv(_)) if v.is_nan() => {}
        (Value::Float32(v), TextStyle::Csv(_)) if v.is_nan() => {}
        (Value::Float(v), TextStyle::Json(_)) if !v.is_finite() => out.push_str("null"),
        (Value::Float32(v), TextStyle::Json(_)) if !v.is_finite() => out.push_str("null"),
        (Value::Int(v), _) => {
            let _ = write!(out, "{v}");
        }
        (Value::UInt(v), _) => {
            let _ = write!(out, "{v}");
        }
        (Value::Float(v), _) => write_float_python(out, *v),
        (Value::Float32(v), _) => out.push_str(&format_f32_python(*v)),
        (Value::Bool(v), TextStyle::Json(_)) => {
            let _ = write!(out, "{v}");
        }
        (Value::Bool(true), _) => out.push_str("True"),
        (Value::Bool(false), _) => out.push_str("False"),
        (Value::Text(text), TextStyle::Table(..)) => write_table_text(out, text),
        (Value::Text(text), TextStyle::Json(_)) => write_json_string(out, text),
        (Value::Text(text), _) => out.push_str(text),
        (Value::DateTime(at, offset), TextStyle::Json(dates)) => {
            write_json_datetime(out, at, offset.as_ref(), dates)
        }
        (Value::DateTime(at, offset), TextStyle::Table(_, column) | TextStyle::Csv(column)) => {
            write_datetime(out, at, offset.as_ref(), column, ' ');
        }
        (Value::DateTime(at, offset), TextStyle::Python(_)) => {
            write_datetime(out, at, offset.as_ref(), DateTimeStyle::for_single(at), ' ');
        }
        (Value::Date(date), TextStyle::Json(JsonDates::Iso)) => {
            out.push('"');
            write_date(out, date);
            out.push('"');
        }
        (Value::Date(date), TextStyle::Json(dates)) => {
            write_json_datetime(out, &date.and_time(NaiveTime::MIN), None, dates)
        }
        (Value::Date(date), _) => write_date(out, date),
        (Value::Number(text), _) => out.push_str(text),
    }
}

/// A datetime as a JSON value in `dates`' form. Dates and times are digits and `-:.+TZ` only,
/// so quoting them for JSON needs no escapes.
fn write_json_datetime(
    out: &mut String,
    at: &NaiveDateTime,
    offset: Option<&FixedOffset>,
    dates: JsonDates,
) {
    let utc = offset.map_or(*at, |o| {
        *at - TimeDelta::seconds(i64::from(o.local_minus_utc()))
    });
    match dates {
        JsonDates::Iso => {
            out.push('"');
            write_datetime(out, at, offset, DateTimeStyle::for_single(at), 'T');
            out.push('"');
        }
        JsonDates::IsoMillis => {
            let millis = DateTimeStyle {
                date_only: false,
                fraction_digits: 3,
            };
            out.push('"');
            write_datetime(out, &utc, None, millis, 'T');
            if offset.is_some() {
                out.push('Z');
            }
            out.push('"');
        }
        JsonDates::EpochMillis => {
            let _ = write!(out, "{}", utc.and_utc().timestamp_millis());
        }
    }
}

/// `value` as text in `style`; see [`write_value`].
pub(crate) fn value_text(value: &Value, style: TextStyle) -> String {
    let mut out = String::new();
    write_value(&mut out, value, style);
    out
}

/// Writes `text` as a JSON string literal, escaping quotes, backslashes and control characters
/// (serde_json's escaping: `\n`, `\t`, `\b`, ..., `\u0001`).
pub(crate) fn write_json_string(out: &mut String, text: &str) {
    // A JSON value's text cannot fail to be written.
    let literal = serde_json::Value::String(text.to_string());
    let _ = write!(out, "{literal}");
}

/// `text` as a JSON string literal; see [`write_json_string`].
pub(crate) fn json_string(text: &str) -> String {
    let mut out = String::new();
    write_json_string(&mut out, text);
    out
}

/// Writes `text` as one CSV field: in double quotes (with its quotes doubled) when it holds a
/// comma, a quote or a line break, as it is otherwise — Python's `csv` module and the `csv`
/// crate's `QuoteStyle::Necessary`.
pub(crate) fn write_csv_field(out: &mut String, text: &str) {
    write_separated_field(out, text, b',');
}

/// [`write_csv_field`] for records whose fields are separated by `separator` (a tab for TSV).
pub(crate) fn write_separated_field(out: &mut String, text: &str, separator: u8) {
    if !text
        .bytes()
        .any(|b| b == separator || matches!(b, b'"' | b'\n' | b'\r'))
    {
        out.push_str(text);
        return;
    }
    out.push('"');
    for (position, part) in text.split('"').enumerate() {
        if position > 0 {
            out.push_str("\"\"");
        }
        out.push_str(part);
    }
    out.push('"');
}

/// Ends the CSV record that began at byte `start` of `out` (its fields written with
/// [`write_csv_field`], separated by commas). A record with no text at all — a single empty
/// field — is written `""`, so that readers do not take it for a blank line and skip it.
pub(crate) fn end_csv_record(out: &mut String, start: usize) {
    if out.len() == start {
        out.push_str("\"\"");
    }
    out.push('\n');
}

/// Writes one CSV record of `fields`, line end included.
pub(crate) fn write_csv_record<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    let start = out.len();
    for (position, field) in fields.into_iter().enumerate() {
        if position > 0 {
            out.push(',');
        }
        write_csv_field(out, field);
    }
    end_csv_record(out, start);
}

/// Writes `text` as a table cell (or header): pandas escapes tabs and line breaks so each row
/// stays on one line.
pub(crate) fn write_table_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// Python's `repr` of a `str` as ddq shows it in lists and `Index([...])`: in single quotes
/// (backslashes and single quotes escaped), or in double quotes when the text holds a single
/// quote and no double quote.
pub(crate) fn python_str_repr(text: &str) -> String {
    if text.contains('\'') && !text.contains('"') {
        format!("\"{text}\"")
    } else {
        format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, NaiveDate, NaiveDateTime};
    use std::borrow::Cow;

    const STYLES: [TextStyle; 4] = [
        TextStyle::Table(ColumnKind::Other, DATE_ONLY),
        TextStyle::Csv(DATE_ONLY),
        TextStyle::Json(JsonDates::Iso),
        TextStyle::Python(ColumnKind::Other),
    ];

    const DATE_ONLY: DateTimeStyle = DateTimeStyle {
        date_only: true,
        fraction_digits: 0,
    };

    /// `value` in the table, CSV, JSON and Python styles, in that order.
    fn all_styles(value: Value) -> [String; 4] {
        STYLES.map(|style| value_text(&value, style))
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    #[test]
    fn numbers_are_the_same_in_every_style() {
        assert_eq!(all_styles(Value::Int(-5)), ["-5", "-5", "-5", "-5"]);
        assert_eq!(all_styles(Value::UInt(7)), ["7", "7", "7", "7"]);
        assert_eq!(
            all_styles(Value::Float(1434.0)),
            ["1434.0", "1434.0", "1434.0", "1434.0"]
        );
        assert_eq!(
            all_styles(Value::Float(1e-5)),
            ["1e-05", "1e-05", "1e-05", "1e-05"]
        );
        assert_eq!(
            all_styles(Value::Float32(0.1)),
            ["0.1", "0.1", "0.1", "0.1"]
        );
        assert_eq!(
            all_styles(Value::Number("123.45".into())),
            ["123.45", "123.45", "123.45", "123.45"]
        );
    }

    #[test]
    fn nan_and_infinities_differ_by_style() {
        assert_eq!(
            all_styles(Value::Float(f64::NAN)),
            ["nan", "", "null", "nan"]
        );
        assert_eq!(
            all_styles(Value::Float32(f32::NAN)),
            ["nan", "", "null", "nan"]
        );
        assert_eq!(
            all_styles(Value::Float(f64::NEG_INFINITY)),
            ["-inf", "-inf", "null", "-inf"]
        );
    }

    #[test]
    fn missing_values_differ_by_style_and_kind() {
        assert_eq!(all_styles(Value::Null), ["NaN", "", "null", "None"]);
        let table = |kind| value_text(&Value::Null, TextStyle::Table(kind, DATE_ONLY));
        assert_eq!(table(ColumnKind::Int), "<NA>");
        assert_eq!(table(ColumnKind::Bool), "<NA>");
        assert_eq!(table(ColumnKind::DateTime), "NaT");
        assert_eq!(table(ColumnKind::Text), "NaN");
        let python = |kind| value_text(&Value::Null, TextStyle::Python(kind));
        assert_eq!(python(ColumnKind::Float), "NaN");
        assert_eq!(python(ColumnKind::Int), "None");
    }

    #[test]
    fn booleans_are_python_except_in_json() {
        assert_eq!(
            all_styles(Value::Bool(true)),
            ["True", "True", "true", "True"]
        );
        assert_eq!(
            all_styles(Value::Bool(false)),
            ["False", "False", "false", "False"]
        );
    }

    #[test]
    fn text_is_escaped_for_tables_and_quoted_for_json() {
        let text = Value::Text(Cow::Borrowed("say \"hi\",\tthen\nbye"));
        assert_eq!(
            all_styles(text),
            [
                "say \"hi\",\\tthen\\nbye",
                "say \"hi\",\tthen\nbye",
                r#""say \"hi\",\tthen\nbye""#,
                "say \"hi\",\tthen\nbye",
            ]
        );
    }

    #[test]
    fn datetimes_follow_the_column_in_tables_and_csv_and_stand_alone_otherwise() {
        let midnight = Value::DateTime(at("1990-01-01 00:00:00"), None);
        assert_eq!(
            all_styles(midnight),
            [
                "1990-01-01",
                "1990-01-01",
                "\"1990-01-01T00:00:00\"",
                "1990-01-01 00:00:00",
            ]
        );
        let zoned = Value::DateTime(at("1990-01-01 14:30:00.25"), FixedOffset::east_opt(3600));
        let millis = DateTimeStyle {
            date_only: false,
            fraction_digits: 3,
        };
        assert_eq!(
            value_text(&zoned, TextStyle::Table(ColumnKind::DateTime, millis)),
            "1990-01-01 14:30:00.250+01:00"
        );
        assert_eq!(
            value_text(&zoned, TextStyle::Json(JsonDates::Iso)),
            "\"1990-01-01T14:30:00.250+01:00\""
        );
        let date = Value::Date(NaiveDate::from_ymd_opt(1990, 1, 1).unwrap());
        assert_eq!(
            all_styles(date),
            ["1990-01-01", "1990-01-01", "\"1990-01-01\"", "1990-01-01"]
        );
    }

    #[test]
    fn json_strings_escape_quotes_and_control_characters() {
        assert_eq!(
            json_string("a\u{1}b\\c\td\"e\r"),
            r#""a\u0001b\\c\td\"e\r""#
        );
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        let field = |text| {
            let mut out = String::new();
            write_csv_field(&mut out, text);
            out
        };
        assert_eq!(field("plain"), "plain");
        assert_eq!(field(""), "");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("cr\r"), "\"cr\r\"");
    }

    #[test]
    fn csv_records_mark_a_single_empty_field() {
        let record = |fields: &[&str]| {
            let mut out = String::new();
            write_csv_record(&mut out, fields.iter().copied());
            out
        };
        assert_eq!(record(&["a", "b,c", ""]), "a,\"b,c\",\n");
        assert_eq!(record(&["", ""]), ",\n");
        assert_eq!(record(&[""]), "\"\"\n");
        assert_eq!(record(&[]), "\"\"\n");
    }

    #[test]
    fn csv_records_match_the_csv_crate() {
        let records: [&[&str]; 7] = [
            &["a", "b"],
            &[""],
            &[],
            &["", ""],
            &["x,y", "\"", "\r\n", " lead", "tab\t", "#", "'"],
            &["é,ü", "\\"],
            &["\""],
        ];
        for fields in records {
            let mut ours = String::new();
            write_csv_record(&mut ours, fields.iter().copied());
            let mut theirs = csv::WriterBuilder::new().from_writer(Vec::new());
            theirs.write_record(fields).unwrap();
            let theirs = String::from_utf8(theirs.into_inner().unwrap()).unwrap();
            assert_eq!(ours, theirs, "{fields:?}");
        }
    }

    #[test]
    fn python_str_repr_picks_its_quotes() {
        assert_eq!(python_str_repr("Origin"), "'Origin'");
        assert_eq!(python_str_repr("it's"), "\"it's\"");
        assert_eq!(python_str_repr("a\\b 'c' \"d\""), "'a\\\\b \\'c\\' \"d\"'");
    }
}
