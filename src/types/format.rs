//! Python's format mini-language for f-string fields (`f"{x:,.2f}"`, `f"{share:.1%}"`,
//! `f"{name:>10}"`): the subset notebooks use to print results: fill and alignment, sign,
//! zero padding, width, `,`/`_` grouping, precision, and the types `d`, `f`, `e`, `g`, `%`, `s`.

use crate::error::{DdqError, Result};
use crate::types::float::format_float_python;

/// A computed value to format.
#[derive(Debug, Clone, PartialEq)]
pub enum Plain {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    None,
}

impl Plain {
    /// Python's `str()`.
    pub fn to_str(&self) -> String {
        match self {
            Plain::Int(i) => i.to_string(),
            Plain::Float(x) => format_float_python(*x),
            Plain::Str(s) => s.clone(),
            Plain::Bool(true) => "True".into(),
            Plain::Bool(false) => "False".into(),
            Plain::None => "None".into(),
        }
    }

    /// Python's `repr()`.
    pub fn to_repr(&self) -> String {
        match self {
            Plain::Str(s) => crate::types::text::python_str_repr(s),
            other => other.to_str(),
        }
    }
}

/// A parsed format spec: `[[fill]align][sign][0][width][grouping][.precision][type]`.
#[derive(Debug, Default, PartialEq)]
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    kind: Option<char>,
}

/// Python's `str.format`: `template` with each `{}` (the next positional value), `{0}` (a
/// positional value by number) or `{name}` (a keyword value) replaced, each with its own
/// `!r`/`!s` conversion and `:spec`; `{{` and `}}` are braces.
pub fn format_template(
    template: &str,
    positional: &[Plain],
    named: &[(String, Plain)],
) -> Result<String> {
    let mut out = String::new();
    let mut next = 0;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '}' => return Err(DdqError::input("single '}' encountered in format string")),
            '{' => {
                let field: String = chars.by_ref().take_while(|c| *c != '}').collect();
                let (name, spec) = field.split_once(':').unwrap_or((&field, ""));
                let (name, conversion) = match name.split_once('!') {
                    Some((name, conversion)) => (name, conversion.chars().next()),
                    None => (name, None),
                };
                let value = if name.is_empty() {
                    next += 1;
                    positional.get(next - 1)
                } else if let Ok(index) = name.parse::<usize>() {
                    positional.get(index)
                } else {
                    named.iter().find(|(n, _)| n == name).map(|(_, v)| v)
                };
                let value = value.ok_or_else(|| {
                    DdqError::input(format!("format(): no value for the field {{{name}}}"))
                })?;
                out.push_str(&format_with(value, conversion, spec)?);
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

/// A field with its conversion: `!r` formats the repr, `!s` the str, as text.
pub fn format_with(value: &Plain, conversion: Option<char>, spec: &str) -> Result<String> {
    match conversion {
        Some('r' | 'a') => format_field(&Plain::Str(value.to_repr()), spec),
        Some(_) => format_field(&Plain::Str(value.to_str()), spec),
        None => format_field(value, spec),
    }
}

/// Formats one field as Python's `format(value, spec)` does.
pub fn format_field(value: &Plain, spec: &str) -> Result<String> {
    let parsed = parse_spec(spec)?;
    let (body, numeric) = match (value, parsed.kind) {
        (Plain::Str(s), None | Some('s')) => (truncate(s, parsed.precision), false),
        (Plain::Str(_), Some(kind)) => return Err(unknown_code(kind, "str")),
        (Plain::None, _) if spec.is_empty() => ("None".to_string(), false),
        (Plain::None, _) => {
            return Err(DdqError::type_error(
                "cannot format None with a format spec",
            ));
        }
        (Plain::Bool(b), None) if parsed.precision.is_none() => (Plain::Bool(*b).to_str(), false),
        (Plain::Bool(b), _) => (number(&Plain::Int(*b as i64), &parsed)?, true),
        (number_value, _) => (number(number_value, &parsed)?, true),
    };
    Ok(pad(body, &parsed, numeric))
}

fn parse_spec(spec: &str) -> Result<Spec> {
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    let mut parsed = Spec::default();
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    if chars.len() >= 2 && is_align(chars[1]) {
        parsed.fill = Some(chars[0]);
        parsed.align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        parsed.align = Some(chars[0]);
        i = 1;
    }
    if let Some(&c @ ('+' | '-' | ' ')) = chars.get(i) {
        parsed.sign = Some(c);
        i += 1;
    }
    if chars.get(i) == Some(&'0') {
        parsed.zero = true;
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while chars.get(*i).is_some_and(|c| c.is_ascii_digit()) {
            *i += 1;
        }
        chars[start..*i].iter().collect::<String>()
    };
    parsed.width = digits(&mut i).parse().unwrap_or(0);
    if let Some(&c @ (',' | '_')) = chars.get(i) {
        parsed.grouping = Some(c);
        i += 1;
    }
    if chars.get(i) == Some(&'.') {
        i += 1;
        let precision = digits(&mut i);
        parsed.precision = Some(precision.parse().map_err(|_| invalid_spec(spec))?);
    }
    if let Some(&c) = chars.get(i) {
        parsed.kind = Some(c);
        i += 1;
    }
    if i != chars.len() {
        return Err(invalid_spec(spec));
    }
    Ok(parsed)
}

/// The digits of a number, sign included, before padding.
fn number(value: &Plain, spec: &Spec) -> Result<String> {
    let x = match value {
        Plain::Int(i) => {
            match spec.kind {
                Some('s') => return Err(unknown_code('s', "int")),
                Some(code @ ('c' | 'b' | 'o' | 'x' | 'X')) => {
                    return Err(DdqError::unsupported(format!(
                        "the format code '{code}' is not supported"
                    ))
                    .with_help("use d, f, e, g or %"));
                }
                _ => {}
            }
            if matches!(spec.kind, None | Some('d' | 'n')) {
                if spec.precision.is_some() {
                    return Err(DdqError::type_error(
                        "precision is not allowed in an integer format",
                    ));
                }
                return Ok(signed(
                    *i < 0,
                    group(&i.unsigned_abs().to_string(), spec.grouping),
                    spec.sign,
                ));
            }
            *i as f64
        }
        Plain::Float(x) => *x,
        _ => return Err(DdqError::type_error("not a number")),
    };
    if !x.is_finite() {
        let text = if x.is_nan() { "nan" } else { "inf" };
        return Ok(signed(x < 0.0, text.to_string(), spec.sign));
    }
    let magnitude = x.abs();
    let digits = match spec.kind {
        Some('f' | 'F') => fixed(magnitude, spec.precision.unwrap_or(6), spec.grouping),
        Some('%') => {
            fixed(
                magnitude * 100.0,
                spec.precision.unwrap_or(6),
                spec.grouping,
            ) + "%"
        }
        Some('e' | 'E') => scientific(magnitude, spec.precision.unwrap_or(6)),
        Some('g' | 'G') => general(magnitude, spec.precision.unwrap_or(6)),
        None if spec.precision.is_some() => general(magnitude, spec.precision.unwrap_or(6)),
        None => group_float(&format_float_python(magnitude), spec.grouping),
        Some('d') => return Err(unknown_code('d', "float")),
        Some(other) => return Err(unknown_code(other, "float")),
    };
    Ok(signed(x.is_sign_negative() && x != 0.0, digits, spec.sign))
}

fn fixed(x: f64, precision: usize, grouping: Option<char>) -> String {
    group_float(&format!("{x:.precision$}"), grouping)
}

/// `1.500000e+03`, as Python writes exponents: a sign and at least two digits.
fn scientific(x: f64, precision: usize) -> String {
    let text = format!("{x:.precision$e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exponent.abs())
}

/// Python's `g`: fixed or scientific by the exponent, trailing zeros dropped.
fn general(x: f64, precision: usize) -> String {
    let precision = precision.max(1);
    if x == 0.0 {
        return "0".into();
    }
    let exponent = x.log10().floor() as i32;
    if exponent < -4 || exponent >= precision as i32 {
        let sci = scientific(x, precision - 1);
        let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, ""));
        format!("{}e{exp}", strip_zeros(mantissa))
    } else {
        let decimals = (precision as i32 - 1 - exponent).max(0) as usize;
        strip_zeros(&format!("{x:.decimals$}"))
    }
}

fn strip_zeros(text: &str) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text.to_string()
    }
}

fn group_float(text: &str, grouping: Option<char>) -> String {
    match text.split_once('.') {
        Some((whole, fraction)) => format!("{}.{fraction}", group(whole, grouping)),
        None => group(text, grouping),
    }
}

/// Thousands separators in a run of digits.
fn group(digits: &str, grouping: Option<char>) -> String {
    let Some(separator) = grouping else {
        return digits.to_string();
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

fn signed(negative: bool, digits: String, sign: Option<char>) -> String {
    match (negative, sign) {
        (true, _) => format!("-{digits}"),
        (false, Some('+')) => format!("+{digits}"),
        (false, Some(' ')) => format!(" {digits}"),
        _ => digits,
    }
}

fn truncate(s: &str, precision: Option<usize>) -> String {
    match precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    }
}

/// Pads to the width: numbers align right (zero padding goes after the sign), text left.
fn pad(body: String, spec: &Spec, numeric: bool) -> String {
    let len = body.chars().count();
    if len >= spec.width {
        return body;
    }
    let missing = spec.width - len;
    let (fill, align) = match (spec.zero, spec.align) {
        (true, None) if numeric => ('0', '='),
        _ => (
            spec.fill.unwrap_or(' '),
            spec.align.unwrap_or(if numeric { '>' } else { '<' }),
        ),
    };
    let run = |n: usize| fill.to_string().repeat(n);
    match align {
        '<' => body + &run(missing),
        '^' => run(missing / 2) + &body + &run(missing - missing / 2),
        '=' => {
            let sign_len = usize::from(body.starts_with(['-', '+', ' ']));
            format!("{}{}{}", &body[..sign_len], run(missing), &body[sign_len..])
        }
        _ => run(missing) + &body,
    }
}

fn invalid_spec(spec: &str) -> DdqError {
    DdqError::type_error(format!("invalid format spec {spec:?}")).with_help(
        "supported: [[fill]align][sign][0][width][,][.precision][d|f|e|g|%|s], e.g. \",.2f\"",
    )
}

fn unknown_code(code: char, kind: &str) -> DdqError {
    DdqError::type_error(format!(
        "unknown format code '{code}' for a value of type {kind}"
    ))
}

#[cfg(test)]
mod tests {

    #[test]
    fn str_format_fills_fields_by_order_number_and_name() {
        let values = [Plain::Int(10), Plain::Int(19)];
        let named = [("x".to_string(), Plain::Float(0.5))];
        assert_eq!(
            format_template("{0} - {1}, {} {}, {x:.0%} {{ok}} {0!r:>3}", &values, &named).unwrap(),
            "10 - 19, 10 19, 50% {ok}  10"
        );
        assert!(format_template("{2}", &values, &named).is_err());
    }

    use super::*;

    fn f(value: Plain, spec: &str) -> String {
        format_field(&value, spec).unwrap()
    }

    #[test]
    fn numbers_format_as_python_does() {
        // Each expected string is what CPython 3.11 prints for format(value, spec).
        assert_eq!(f(Plain::Float(1234.5678), ",.2f"), "1,234.57");
        assert_eq!(f(Plain::Float(0.1234), ".1%"), "12.3%");
        assert_eq!(f(Plain::Float(1500.0), ".2e"), "1.50e+03");
        assert_eq!(f(Plain::Float(0.00012345), ".3g"), "0.000123");
        assert_eq!(f(Plain::Float(123456789.0), ".3g"), "1.23e+08");
        assert_eq!(f(Plain::Float(8.882119400058818), ""), "8.882119400058818");
        assert_eq!(f(Plain::Float(-3.5), "08.2f"), "-0003.50");
        assert_eq!(f(Plain::Int(20800), ","), "20,800");
        assert_eq!(f(Plain::Int(42), ">6"), "    42");
        assert_eq!(f(Plain::Int(42), "+d"), "+42");
        assert_eq!(f(Plain::Int(7), ".2f"), "7.00");
        assert_eq!(f(Plain::Str("JFK".into()), "*^7"), "**JFK**");
        assert_eq!(f(Plain::Str("LaGuardia".into()), ".3"), "LaG");
        assert_eq!(f(Plain::Bool(true), ""), "True");
        assert_eq!(f(Plain::Float(f64::NAN), ".2f"), "nan");
    }

    #[test]
    fn bad_specs_are_named() {
        let err = format_field(&Plain::Str("x".into()), ".2f").unwrap_err();
        assert!(
            err.message
                .contains("unknown format code 'f' for a value of type str")
        );
        let err = format_field(&Plain::Int(1), "..2").unwrap_err();
        assert!(err.message.contains("invalid format spec"));
    }
}
