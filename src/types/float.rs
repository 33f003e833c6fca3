//! Float text the way Python and pandas write it: `repr` for single values and CSV (`1434.0`,
//! `1e-05`), and pandas' column-wide fixed or scientific notation for tables (`display.precision=6`).

use std::fmt::Write as _;

/// pandas' `display.precision`: decimals shown before trailing zeros are trimmed.
const PRECISION: usize = 6;

/// Python's `repr(float)`: the shortest text that reads back as the same value, positional for
/// 1e-4 <= |v| < 1e16 and scientific otherwise, e.g. `1.0`, `0.1`, `1e-05`, `1e+16`, `nan`, `inf`.
pub fn format_float_python(v: f64) -> String {
    let mut out = String::new();
    write_float_python(&mut out, v);
    out
}

/// Python's `repr` of `v`, appended to `out`.
pub fn write_float_python(out: &mut String, v: f64) {
    // Whole numbers below 1e16 print positionally with ".0": the common case in data (delays,
    // times, counts read as float), written without building the digit string. Every such value
    // is exactly an i64.
    if v.fract() == 0.0 && v.abs() < 1e16 && !(v == 0.0 && v.is_sign_negative()) {
        let _ = write!(out, "{}.0", v as i64);
        return;
    }
    if !v.is_finite() {
        out.push_str(&non_finite(v.is_nan(), v.is_sign_negative()));
        return;
    }
    // Rust's `{:e}` is the shortest round-trip digit string, which is what Python's repr uses too;
    // only the placement of the decimal point and the exponent's shape differ.
    out.push_str(&python_repr_from_shortest(&format!("{v:e}")));
}

/// numpy's `str(np.float32)`: like [`format_float_python`] but with the shortest digits that
/// identify the value as a 32-bit float (so `0.1f32` is `0.1`, not `0.10000000149011612`).
pub(crate) fn format_f32_python(v: f32) -> String {
    if !v.is_finite() {
        return non_finite(v.is_nan(), v.is_sign_negative());
    }
    python_repr_from_shortest(&format!("{v:e}"))
}

fn non_finite(is_nan: bool, negative: bool) -> String {
    match (is_nan, negative) {
        (true, _) => "nan".to_string(),
        (false, true) => "-inf".to_string(),
        (false, false) => "inf".to_string(),
    }
}

/// Rebuilds Rust's shortest scientific text (`-1.2345e-5`) in Python's repr layout.
fn python_repr_from_shortest(scientific: &str) -> String {
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    // Python's `decpt`: where the decimal point falls relative to the first digit.
    let point = exponent + 1;
    let body = if point <= -4 || point > 16 {
        scientific_body(&digits, exponent)
    } else {
        positional_body(&digits, point)
    };
    format!("{sign}{body}")
}

fn scientific_body(digits: &str, exponent: i32) -> String {
    let (first, rest) = digits.split_at(1);
    let fraction = if rest.is_empty() {
        String::new()
    } else {
        format!(".{rest}")
    };
    format!("{first}{fraction}e{}", python_exponent(exponent))
}

fn positional_body(digits: &str, point: i32) -> String {
    let len = digits.len() as i32;
    if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else if point >= len {
        format!("{digits}{}.0", "0".repeat((point - len) as usize))
    } else {
        let (whole, fraction) = digits.split_at(point as usize);
        format!("{whole}.{fraction}")
    }
}

/// Python writes exponents with a sign and at least two digits: `e+16`, `e-05`.
fn python_exponent(exponent: i32) -> String {
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{sign}{:02}", exponent.unsigned_abs())
}

/// Python's `"{:.6e}".format(v)`, e.g. `1.500000e+10`.
fn python_scientific_fixed(v: f64) -> String {
    if !v.is_finite() {
        return non_finite(v.is_nan(), v.is_sign_negative());
    }
    let text = format!("{v:.PRECISION$e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    format!("{mantissa}e{}", python_exponent(exponent))
}

/// Formats a float column the way pandas' DataFrame repr does, one string per value (`None` and
/// NaN become `NaN`): six decimals with trailing zeros trimmed equally across the column (at least
/// one kept), or six-decimal scientific notation for the whole column when a value would otherwise
/// show as zero or the column would be too wide.
pub(crate) fn format_float_column(values: &[Option<f64>]) -> Vec<String> {
    let present = |v: &Option<f64>| v.filter(|x| !x.is_nan());
    let fixed = trim_zeros_equally(
        values
            .iter()
            .map(|v| present(v).map(|x| format!("{x:.PRECISION$}")))
            .collect(),
    );
    // pandas measures with its leading sign space: non-negative numbers are one wider.
    let widest = fixed
        .iter()
        .flatten()
        .map(|text| text.len() + usize::from(!text.starts_with('-')))
        .max()
        .unwrap_or(0);
    let too_long = widest > PRECISION + 6;
    let magnitudes = || values.iter().filter_map(present).map(f64::abs);
    let has_large = magnitudes().any(|m| m > 1e6);
    let has_small = magnitudes().any(|m| m > 0.0 && m < 10f64.powi(-(PRECISION as i32)));
    let texts = if has_small || (too_long && has_large) {
        values
            .iter()
            .map(|v| present(v).map(python_scientific_fixed))
            .collect()
    } else {
        fixed
    };
    texts
        .into_iter()
        .map(|text| text.unwrap_or_else(|| "NaN".to_string()))
        .collect()
}

/// pandas' `_trim_zeros_float`: drop trailing zeros from every decimal number while all of them
/// end in zero, then put one back where only the decimal point is left.
fn trim_zeros_equally(mut texts: Vec<Option<String>>) -> Vec<Option<String>> {
    let is_decimal = |text: &String| {
        let digits = text.strip_prefix('-').unwrap_or(text);
        digits.contains('.') && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
    };
    loop {
        let mut decimals = texts.iter().flatten().filter(|t| is_decimal(t)).peekable();
        let any_decimal = decimals.peek().is_some();
        if !any_decimal || !decimals.all(|t| t.ends_with('0')) {
            break;
        }
        for text in texts.iter_mut().flatten() {
            if is_decimal(text) {
                text.pop();
            }
        }
    }
    for text in texts.iter_mut().flatten() {
        if is_decimal(text) && text.ends_with('.') {
            text.push('0');
        }
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_repr_of_floats() {
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1434.0, "1434.0"),
            (-2.5, "-2.5"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1e-5, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (0.0001, "0.0001"),
            (0.00012345, "0.00012345"),
            (1e16, "1e+16"),
            (1.2345e20, "1.2345e+20"),
            (1e100, "1e+100"),
            (1234567890123456.0, "1234567890123456.0"),
            (9999999999999998.0, "9999999999999998.0"),
            (-7.0, "-7.0"),
            (123456.789, "123456.789"),
            (0.1 + 0.2, "0.30000000000000004"),
            (f64::NAN, "nan"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ];
        for (value, expected) in cases {
            assert_eq!(format_float_python(value), expected, "{value:?}");
        }
    }

    #[test]
    fn float32_uses_its_own_shortest_digits() {
        assert_eq!(format_f32_python(0.1), "0.1");
        assert_eq!(format_f32_python(1434.0), "1434.0");
        assert_eq!(format_f32_python(1e-5), "1e-05");
    }

    fn column(values: &[Option<f64>]) -> Vec<String> {
        format_float_column(values)
    }

    #[test]
    fn column_shares_the_fewest_decimals() {
        assert_eq!(column(&[Some(1.0), Some(2.5)]), ["1.0", "2.5"]);
        assert_eq!(column(&[Some(1.0), Some(2.25)]), ["1.00", "2.25"]);
        assert_eq!(column(&[Some(-1.5), Some(2.25)]), ["-1.50", "2.25"]);
        assert_eq!(column(&[Some(1434.0)]), ["1434.0"]);
        assert_eq!(column(&[Some(1.123456789)]), ["1.123457"]);
        assert_eq!(column(&[Some(0.1 + 0.2)]), ["0.3"]);
    }

    #[test]
    fn column_nulls_and_nan_show_as_nan_and_inf_stays() {
        assert_eq!(
            column(&[Some(1.123456789), None, Some(f64::NAN)]),
            ["1.123457", "NaN", "NaN"]
        );
        assert_eq!(column(&[Some(f64::INFINITY), Some(1.0)]), ["inf", "1.0"]);
        assert_eq!(column(&[None, None]), ["NaN", "NaN"]);
    }

    #[test]
    fn column_switches_to_scientific_like_pandas() {
        // Checked against pandas 3.1: a value that would show as zero forces scientific.
        assert_eq!(
            column(&[Some(1e-7), Some(1.0)]),
            ["1.000000e-07", "1.000000e+00"]
        );
        // Large and too wide: scientific.
        assert_eq!(
            column(&[Some(1.5e10), Some(2.0)]),
            ["1.500000e+10", "2.000000e+00"]
        );
        assert_eq!(
            column(&[Some(123456789.123), Some(1.0)]),
            ["1.234568e+08", "1.000000e+00"]
        );
        assert_eq!(column(&[Some(1.234567891e10)]), ["1.234568e+10"]);
        // Large but narrow enough: stays positional.
        assert_eq!(column(&[Some(1234567.0)]), ["1234567.0"]);
        assert_eq!(column(&[Some(12345678.0)]), ["12345678.0"]);
        assert_eq!(column(&[Some(123456789012.0)]), ["1.234568e+11"]);
        assert_eq!(column(&[Some(-0.0), Some(0.0)]), ["-0.0", "0.0"]);
        assert_eq!(
            column(&[Some(1234567.5), Some(0.001)]),
            ["1234567.500", "0.001"]
        );
        assert_eq!(
            column(&[Some(1e6 + 0.123456), Some(1.0)]),
            ["1.000000e+06", "1.000000e+00"]
        );
    }
}
