//! A value as text in each of ddq's forms: JSON (values and string literals), so that the JSON
//! renderer, scalars and the session's reprs quote text the same way.

use super::float::{format_f32_python, format_float_python};
use super::values::{DateTimeStyle, Value, write_date, write_datetime};
use std::fmt::Write as _;

/// Writes one value as JSON. Floats use Python's repr, which is always a valid JSON number once
/// NaN and infinities (which JSON lacks) are turned into `null`.
pub(crate) fn write_json_value(out: &mut String, value: &Value) {
    // Writing to a String cannot fail.
    match value {
        Value::Null => out.push_str("null"),
        Value::Float(v) if !v.is_finite() => out.push_str("null"),
        Value::Float32(v) if !v.is_finite() => out.push_str("null"),
        Value::Int(v) => {
            let _ = write!(out, "{v}");
        }
        Value::UInt(v) => {
            let _ = write!(out, "{v}");
        }
        Value::Float(v) => out.push_str(&format_float_python(*v)),
        Value::Float32(v) => out.push_str(&format_f32_python(*v)),
        Value::Bool(v) => {
            let _ = write!(out, "{v}");
        }
        Value::Text(text) => write_json_string(out, text),
        Value::DateTime(at, offset) => {
            let mut text = String::new();
            write_datetime(
                &mut text,
                at,
                offset.as_ref(),
                DateTimeStyle::for_single(at),
                'T',
            );
            write_json_string(out, &text);
        }
        Value::Date(date) => {
            let mut text = String::new();
            write_date(&mut text, date);
            write_json_string(out, &text);
        }
        Value::Number(text) => out.push_str(text),
    }
}

/// Writes `text` as a JSON string literal, escaping quotes, backslashes and control characters.
pub(crate) fn write_json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
