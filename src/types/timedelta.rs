//! pandas' time spans written as text: the units `pd.to_timedelta(unit=)` and
//! `pd.Timedelta(...)` name, and the strings pandas reads as a Timedelta ("1 day", "2h30m",
//! "-1 days +23:59:00", "00:09:00").

/// Nanoseconds in one of pandas' timedelta units.
pub fn unit_nanoseconds(name: &str) -> Option<i64> {
    Some(match name {
        "W" | "w" | "weeks" | "week" => 7 * 86_400_000_000_000,
        "D" | "d" | "days" | "day" => 86_400_000_000_000,
        "h" | "H" | "hours" | "hour" | "hr" => 3_600_000_000_000,
        "m" | "minute" | "minutes" | "min" | "T" => 60_000_000_000,
        "s" | "S" | "seconds" | "second" | "sec" => 1_000_000_000,
        "ms" | "milliseconds" | "millisecond" | "milli" | "millis" | "L" => 1_000_000,
        "us" | "microseconds" | "microsecond" | "micro" | "micros" | "U" => 1_000,
        "ns" | "nanoseconds" | "nanosecond" | "nano" | "nanos" | "N" => 1,
        _ => return None,
    })
}

/// pandas' spellings of a missing timedelta (NaT), which `pd.Timedelta` and `pd.to_timedelta`
/// read as missing rather than as text to parse.
pub fn is_missing_text(text: &str) -> bool {
    matches!(text.trim(), "NaT" | "nat" | "NAT" | "NaN" | "nan" | "NAN")
}

/// The nanoseconds of a timedelta written as pandas reads one: numbers with units ("1 day",
/// "1.5h", "2h30m", "15min") and a clock ("02:03:04.5"), each with an optional sign. A sign
/// before the first part carries to the numbers after it ("-1h30m" is minus 90 minutes), while
/// a clock after days keeps its own ("-1 days +23:59:00" and "-1 days 02:00:00" add it).
pub fn parse_timedelta(text: &str) -> Result<i64, String> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err("an empty timedelta".into());
    }
    let mut total: i128 = 0;
    let mut carried = 1i128;
    let mut first = true;
    while !rest.is_empty() {
        let (sign, after_sign) = match rest.as_bytes()[0] {
            b'-' => (Some(-1i128), rest[1..].trim_start()),
            b'+' => (Some(1), rest[1..].trim_start()),
            _ => (None, rest),
        };
        let number_end = after_sign
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(after_sign.len());
        let (part, remainder) = if after_sign[number_end..].starts_with(':') {
            let clock_end = after_sign
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ':'))
                .unwrap_or(after_sign.len());
            let clock = clock_nanoseconds(&after_sign[..clock_end])?;
            let sign = sign.unwrap_or(if first { carried } else { 1 });
            (sign * clock, &after_sign[clock_end..])
        } else {
            if let Some(sign) = sign {
                carried = sign;
            }
            let number = &after_sign[..number_end];
            let units = after_sign[number_end..].trim_start();
            let unit_end = units
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(units.len());
            let unit = &units[..unit_end];
            let per_unit = unit_nanoseconds(unit).ok_or_else(|| match unit {
                "" => format!("`{number}` has no unit (days, h, min, s, ...)"),
                _ => format!("unknown unit `{unit}`"),
            })?;
            (carried * scaled(number, per_unit)?, &units[unit_end..])
        };
        total += part;
        first = false;
        rest = remainder.trim_start_matches([' ', ',']);
    }
    i64::try_from(total).map_err(|_| "the timedelta is out of range".to_string())
}

/// `number` (digits with an optional fraction) times `per_unit` nanoseconds, rounded.
fn scaled(number: &str, per_unit: i64) -> Result<i128, String> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() {
        return Err("a unit without a number".into());
    }
    let whole: i128 = match whole {
        "" => 0,
        digits => digits
            .parse()
            .map_err(|_| format!("`{number}` is not a number"))?,
    };
    let fraction: f64 = match fraction {
        "" => 0.0,
        digits => format!("0.{digits}")
            .parse()
            .map_err(|_| format!("`{number}` is not a number"))?,
    };
    Ok(whole * i128::from(per_unit) + (fraction * per_unit as f64).round() as i128)
}

/// A clock, `hh:mm:ss` with an optional fraction of a second, or `hh:mm`.
fn clock_nanoseconds(clock: &str) -> Result<i128, String> {
    let parts: Vec<&str> = clock.split(':').collect();
    let bad = || format!("`{clock}` is not a clock (hh:mm:ss)");
    let (hours, minutes, seconds) = match parts.as_slice() {
        [h, m] => (*h, *m, "0"),
        [h, m, s] => (*h, *m, *s),
        _ => return Err(bad()),
    };
    let hours: i128 = hours.parse().map_err(|_| bad())?;
    let minutes: i128 = minutes.parse().map_err(|_| bad())?;
    Ok((hours * 60 + minutes) * 60_000_000_000 + scaled(seconds, 1_000_000_000)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// pandas 2.2's `pd.to_timedelta(text).value` for each.
    #[test]
    fn reads_text_as_pandas_does() {
        let cases = [
            ("1 day", 86_400_000_000_000),
            ("-1 days +23:59:00", -60_000_000_000),
            ("-1 days 02:00:00", -79_200_000_000_000),
            ("-1 day 2 hours", -93_600_000_000_000),
            ("1h30m", 5_400_000_000_000),
            ("-1h30m", -5_400_000_000_000),
            ("1.5h", 5_400_000_000_000),
            ("15min", 900_000_000_000),
            ("00:09:00", 540_000_000_000),
            ("1 days 02:03:04.5", 93_784_500_000_000),
            ("3W", 1_814_400_000_000_000),
            ("100ms", 100_000_000),
            ("1d2h", 93_600_000_000_000),
            (" 2 days", 172_800_000_000_000),
            ("-00:09:00", -540_000_000_000),
            ("1 day, 2:00:00", 93_600_000_000_000),
            ("5 minutes", 300_000_000_000),
            ("+1h", 3_600_000_000_000),
        ];
        for (text, nanos) in cases {
            assert_eq!(parse_timedelta(text), Ok(nanos), "{text:?}");
        }
    }

    #[test]
    fn names_what_it_cannot_read() {
        assert!(parse_timedelta("").is_err());
        assert!(parse_timedelta("10").unwrap_err().contains("no unit"));
        assert!(
            parse_timedelta("3 fortnights")
                .unwrap_err()
                .contains("fortnights")
        );
        assert!(parse_timedelta("1:2:3:4").is_err());
        assert!(parse_timedelta("99999999999999 days").is_err());
    }
}
