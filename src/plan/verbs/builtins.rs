//! Python's built-in conversions a notebook writes around pandas: `float("nan")`, `int(...)`,
//! `str(...)`, `abs(...)`, `round(...)`. Plain values convert at once, as Python does; a
//! computed scalar (`int(ddf.DepDelay.max())`) converts inside its plan.

use super::Form::Method;
use super::Receiver as On;
use super::{Arg, Args, Verb};
use crate::error::Result;
use crate::plan::value::{Scalar, TextPiece, Value};
use crate::plan::{Planner, ops, udf};
use crate::types::float::format_float_python;
use crate::types::text::python_str_repr;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::DFSchema;
use datafusion::functions::math::expr_fn as math;
use datafusion::logical_expr::{Expr, ExprSchemable, cast};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "range",
        receivers: &[On::Function],
        form: Method,
        params: &["start", "stop", "step"],
        signature: "range(stop) | range(start, stop, step=1)",
        summary: "Python's range, as a list of whole numbers (for comprehensions and bin edges).",
        example: "pd.cut(ddf.DepDelay, range(0, 90, 30)).value_counts(sort=False)",
        expected: "DepDelay,count\n\"(0, 30]\",8700\n\"(30, 60]\",1281\n",
        plan: range,
        group: "Python built-ins",
    },
    Verb {
        name: "float",
        receivers: &[On::Function],
        form: Method,
        params: &["x"],
        signature: "float(x)",
        summary: "Python's float: a number, or text such as \"nan\", \"inf\" or \"1e3\", as a float.",
        example: "ddf.assign(Missing=float(\"nan\")).Missing.sum() + float(\"1e3\")",
        expected: "1000.0\n",
        plan: to_float,
        group: "Python built-ins",
    },
    Verb {
        name: "int",
        receivers: &[On::Function],
        form: Method,
        params: &["x"],
        signature: "int(x)",
        summary: "Python's int: a number cut toward zero, or text of an integer, as an int.",
        example: "int(ddf.DepDelay.mean())",
        expected: "8\n",
        plan: to_int,
        group: "Python built-ins",
    },
    Verb {
        name: "str",
        receivers: &[On::Function],
        form: Method,
        params: &["x"],
        signature: "str(x)",
        summary: "Python's str: a value as text, as print writes it.",
        example: "\"max: \" + str(ddf.DepDelay.max())",
        expected: "max: 1006.0\n",
        plan: to_str,
        group: "Python built-ins",
    },
    Verb {
        name: "abs",
        receivers: &[On::Function],
        form: Method,
        params: &["x"],
        signature: "abs(x)",
        summary: "Python's abs: the absolute value of a number, a computed scalar or each value of a series.",
        example: "abs(ddf.DepDelay.min())",
        expected: "15.0\n",
        plan: absolute,
        group: "Python built-ins",
    },
    Verb {
        name: "round",
        receivers: &[On::Function],
        form: Method,
        params: &["number", "ndigits"],
        signature: "round(number, ndigits=None)",
        summary: "Python's round: to ndigits decimals, or to an int without them (halves to even).",
        example: "round(ddf.DepDelay.mean(), 2)",
        expected: "8.88\n",
        plan: round_number,
        group: "Python built-ins",
    },
];

/// `float(x)`.
fn to_float(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [x] = args.params()?;
    match x.required()? {
        Value::Float(v) => Ok(Value::Float(*v)),
        Value::Int(i) => Ok(Value::Float(*i as f64)),
        Value::Bool(b) => Ok(Value::Float(f64::from(u8::from(*b)))),
        Value::Str(text) => parse_python_float(text).map(Value::Float).ok_or_else(|| {
            x.invalid(format!(
                "could not convert string to float: {}",
                python_str_repr(text)
            ))
        }),
        Value::Scalar(s) => Ok(scalar_with(s, cast(s.expr.clone(), DataType::Float64))),
        other => Err(not_a_scalar(&x, "float", other)),
    }
}

/// `int(x)`: floats are cut toward zero, as Python cuts them.
fn to_int(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [x] = args.params()?;
    match x.required()? {
        Value::Int(i) => Ok(Value::Int(*i)),
        Value::Bool(b) => Ok(Value::Int(i64::from(*b))),
        Value::Float(v) => float_to_int(*v).map(Value::Int).map_err(|e| x.invalid(e)),
        Value::Str(text) => text
            .trim()
            .replace('_', "")
            .parse::<i64>()
            .map(Value::Int)
            .map_err(|_| {
                x.invalid(format!(
                    "invalid literal for int() with base 10: {}",
                    python_str_repr(text)
                ))
                .with_help("for text of a float, write int(float(text))")
            }),
        Value::Scalar(s) => {
            let truncated = math::trunc(vec![cast(s.expr.clone(), DataType::Float64)]);
            Ok(scalar_with(s, cast(truncated, DataType::Int64)))
        }
        other => Err(not_a_scalar(&x, "int", other)),
    }
}

/// `str(x)`: the text print writes; a computed scalar becomes text once computed.
fn to_str(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [x] = args.params()?;
    match x.required()? {
        Value::Str(text) => Ok(Value::Str(text.clone())),
        Value::Int(i) => Ok(Value::Str(i.to_string())),
        Value::Float(v) => Ok(Value::Str(format_float_python(*v))),
        Value::Bool(b) => Ok(Value::Str(if *b { "True" } else { "False" }.to_string())),
        Value::None => Ok(Value::Str("None".to_string())),
        Value::Scalar(s) => Ok(scalar_with(s, udf::python_str(s.expr.clone()))),
        scalar @ Value::Text(_) => Ok(Value::Text(vec![TextPiece::Field {
            value: Box::new(scalar.clone()),
            conversion: None,
            spec: String::new(),
        }])),
        other => Err(not_a_scalar(&x, "str", other)),
    }
}

/// `abs(x)`: of a series too, as pandas' `Series.__abs__` gives.
fn absolute(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [x] = args.params()?;
    match x.required()? {
        Value::Int(i) => i
            .checked_abs()
            .map(Value::Int)
            .ok_or_else(|| x.invalid("abs() of the smallest int64 does not fit in an int64")),
        Value::Float(v) => Ok(Value::Float(v.abs())),
        Value::Bool(b) => Ok(Value::Int(i64::from(*b))),
        Value::Scalar(s) => Ok(scalar_with(s, math::abs(s.expr.clone()))),
        Value::Series(s) => Ok(Value::Series(crate::plan::value::Series {
            expr: math::abs(s.expr.clone()),
            ..s.clone()
        })),
        other => Err(not_a_scalar(&x, "abs", other)),
    }
}

/// `round(number, ndigits=None)`: Python rounds halves to even, to an int when no digits are
/// given.
fn round_number(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [number, ndigits] = args.params()?;
    let digits = match ndigits.given() {
        None | Some(Value::None) => None,
        Some(_) => Some(ndigits.int_or(0)?),
    };
    match (number.required()?, digits) {
        // Python rounds an int to tens, hundreds, ... with negative digits.
        (Value::Int(i), Some(d)) if d < 0 => Ok(Value::Int(round_half_even(*i as f64, d) as i64)),
        (Value::Int(i), _) => Ok(Value::Int(*i)),
        (Value::Float(v), None) => float_to_int(round_half_even(*v, 0))
            .map(Value::Int)
            .map_err(|e| number.invalid(e)),
        (Value::Float(v), Some(d)) => Ok(Value::Float(round_half_even(*v, d))),
        (Value::Scalar(s), digits) => {
            let data_type = s
                .expr
                .get_type(&DFSchema::empty())
                .unwrap_or(DataType::Float64);
            let rounded = ops::numpy_round(s.expr.clone(), &data_type, digits.unwrap_or(0));
            let rounded = match digits {
                None => cast(rounded, DataType::Int64),
                Some(_) => rounded,
            };
            Ok(scalar_with(s, rounded))
        }
        (other, _) => Err(not_a_scalar(&number, "round", other)),
    }
}

fn scalar_with(scalar: &Scalar, expr: Expr) -> Value {
    Value::Scalar(Scalar {
        expr,
        name: scalar.name.clone(),
    })
}

fn not_a_scalar(arg: &Arg, function: &str, value: &Value) -> crate::error::DdqError {
    let help = match value {
        Value::Series(_) | Value::Frame(_) => format!(
            "{function}() of a series or frame applies to one value in Python; use the method on each value (astype, abs, round)"
        ),
        _ => format!("{function}() takes a number, text or a computed scalar"),
    };
    arg.invalid(format!("{function}() does not take {}", value.kind_name()))
        .with_help(help)
}

/// Python's float() of text: decimal and exponent forms, `nan`, `inf`, `infinity`, any case,
/// with surrounding spaces and digit underscores.
fn parse_python_float(text: &str) -> Option<f64> {
    let trimmed = text.trim();
    let (sign, body) = match trimmed.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    match body.to_ascii_lowercase().as_str() {
        "nan" => return Some(f64::NAN),
        "inf" | "infinity" => return Some(sign * f64::INFINITY),
        _ => {}
    }
    let digits_only = body.replace('_', "");
    if digits_only.is_empty() || !digits_only.starts_with(|c: char| c.is_ascii_digit() || c == '.')
    {
        return None;
    }
    digits_only.parse::<f64>().ok().map(|v| sign * v)
}

fn float_to_int(v: f64) -> std::result::Result<i64, String> {
    if v.is_nan() {
        return Err("cannot convert float NaN to integer".to_string());
    }
    if v.is_infinite() || v.trunc().abs() >= 9.223_372_036_854_776e18 {
        return Err(format!(
            "{} does not fit in an int64",
            format_float_python(v)
        ));
    }
    Ok(v.trunc() as i64)
}

/// Python's round of a float: halves to even on the exact binary value, so 2.675 (really
/// 2.67499...) goes to 2.67. Rust's formatting rounds the same way.
fn round_half_even(v: f64, digits: i64) -> f64 {
    if !v.is_finite() || digits > 340 {
        return v;
    }
    if digits >= 0 {
        return format!("{v:.*}", digits as usize).parse().unwrap_or(v);
    }
    let scale = 10f64.powi((-digits).min(400) as i32);
    (v / scale).round_ties_even() * scale
}

/// The most numbers `range()` makes: it is a list here, not a lazy sequence.
const MAX_RANGE: i64 = 10_000_000;

/// `range(stop)` / `range(start, stop, step=1)`: a list of ints, as `list(range(...))`.
fn range(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [first, second, step_arg] = args.params()?;
    let int = |arg: &super::Arg| -> Result<Option<i64>> {
        match arg.given() {
            None => Ok(None),
            Some(Value::Int(i)) => Ok(Some(*i)),
            Some(other) => {
                Err(arg.invalid(format!("range() takes integers, not {}", other.kind_name())))
            }
        }
    };
    let (start, stop) = match (int(&first)?, int(&second)?) {
        (Some(stop), None) => (0, stop),
        (Some(start), Some(stop)) => (start, stop),
        _ => return Err(first.invalid("range() needs at least a stop")),
    };
    let step = int(&step_arg)?.unwrap_or(1);
    if step == 0 {
        return Err(step_arg.invalid("range() step must not be zero"));
    }
    let count = match step > 0 {
        true => (stop - start + step - 1).max(0) / step,
        false => (start - stop - step - 1).max(0) / -step,
    };
    if count > MAX_RANGE {
        return Err(first.invalid(format!(
            "range() of {count} numbers: ddq makes it a list, of at most {MAX_RANGE}"
        )));
    }
    Ok(Value::List(
        (0..count).map(|i| Value::Int(start + i * step)).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_float_text() {
        assert!(parse_python_float("nan").unwrap().is_nan());
        assert!(parse_python_float(" NaN ").unwrap().is_nan());
        assert_eq!(parse_python_float("-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_python_float("Infinity"), Some(f64::INFINITY));
        assert_eq!(parse_python_float("1e3"), Some(1000.0));
        assert_eq!(parse_python_float("-.5"), Some(-0.5));
        assert_eq!(parse_python_float("1_000.5"), Some(1000.5));
        assert_eq!(parse_python_float("x"), None);
        assert_eq!(parse_python_float(""), None);
        assert_eq!(parse_python_float("e5"), None);
    }

    #[test]
    fn python_round_goes_to_even_on_exact_halves() {
        assert_eq!(round_half_even(2.5, 0), 2.0);
        assert_eq!(round_half_even(3.5, 0), 4.0);
        assert_eq!(round_half_even(-2.5, 0), -2.0);
        assert_eq!(round_half_even(0.125, 2), 0.12);
        assert_eq!(round_half_even(8.8768, 2), 8.88);
        assert_eq!(round_half_even(1234.0, -2), 1200.0);
        assert_eq!(round_half_even(25.0, -1), 20.0);
        assert_eq!(round_half_even(35.0, -1), 40.0);
    }

    #[test]
    fn int_of_a_float_cuts_toward_zero_and_refuses_nan() {
        assert_eq!(float_to_int(-2.7), Ok(-2));
        assert_eq!(float_to_int(2.7), Ok(2));
        assert!(float_to_int(f64::NAN).is_err());
        assert!(float_to_int(1e300).is_err());
    }
}
