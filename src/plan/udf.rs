//! ddq's own scalar functions: a seeded hash of a row position, so `sample(random_state=...)`
//! picks the same rows on every run and on every scheduler; and Python's `str()` of any value,
//! for results pandas holds as `object` (a row of mixed columns, `min` over mixed columns); and
//! a date from year, month and day columns (`parse_dates={"Date": [0, 1, 2]}`), and the `.dt`
//! fields of such dates.

use datafusion::arrow::array::{
    Array, AsArray, Int32Array, StringArray, TimestampNanosecondArray, UInt64Array,
};
use datafusion::arrow::buffer::NullBuffer;
use datafusion::arrow::datatypes::{DataType, Int64Type, TimeUnit, TimestampNanosecondType};
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use std::sync::Arc;

/// `ddq_row_hash(seed, position)`: splitmix64 of the two, as UInt64.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct RowHash {
    signature: Signature,
}

impl Default for RowHash {
    fn default() -> Self {
        RowHash {
            signature: Signature::exact(
                vec![DataType::Int64, DataType::Int64],
                Volatility::Immutable,
            ),
        }
    }
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

impl ScalarUDFImpl for RowHash {
    fn name(&self) -> &str {
        "ddq_row_hash"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::UInt64)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let [seeds, positions] = arrays.as_slice() else {
            return exec_err!("ddq_row_hash takes two arguments");
        };
        let seeds = seeds.as_primitive::<Int64Type>();
        let positions = positions.as_primitive::<Int64Type>();
        let hashed: UInt64Array = (0..positions.len())
            .map(|i| {
                if seeds.is_null(i) || positions.is_null(i) {
                    None
                } else {
                    Some(splitmix64(
                        splitmix64(seeds.value(i) as u64) ^ positions.value(i) as u64,
                    ))
                }
            })
            .collect();
        Ok(ColumnarValue::Array(Arc::new(hashed)))
    }
}

/// `ddq_python_str(x)`: the text Python's `str()` gives for the value (`625.0`, `True`,
/// `1990-01-02 00:00:00`); null stays null.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct PythonStr {
    signature: Signature,
}

impl Default for PythonStr {
    fn default() -> Self {
        PythonStr {
            signature: Signature::any(1, Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for PythonStr {
    fn name(&self) -> &str {
        "ddq_python_str"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let [values] = arrays.as_slice() else {
            return exec_err!("ddq_python_str takes one argument");
        };
        let mut texts = Vec::with_capacity(values.len());
        for i in 0..values.len() {
            texts.push(if values.is_null(i) {
                None
            } else {
                let value = ScalarValue::try_from_array(values, i)?;
                Some(crate::types::scalar::format_scalar(
                    &value,
                    crate::config::display::Format::Csv,
                ))
            });
        }
        Ok(ColumnarValue::Array(Arc::new(StringArray::from(texts))))
    }
}

pub fn python_str(value: Expr) -> Expr {
    Arc::new(ScalarUDF::from(PythonStr::default())).call(vec![value])
}

/// `ddq_date_from_parts(year, month, day)`: midnight of that day as a nanosecond timestamp
/// (pandas' datetime64[ns]); null when a part is. A part that makes no date (month 13, 30
/// February) or a day beyond what nanoseconds reach is an error, as in pandas.
///
/// DataFusion's `make_date` does the same through chrono and Int32 arguments, then needs a cast
/// to a timestamp; a whole-frame statement pays that on every row, every time, so this computes
/// the day number with integer arithmetic only.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct DateFromParts {
    signature: Signature,
}

impl Default for DateFromParts {
    fn default() -> Self {
        DateFromParts {
            signature: Signature::exact(vec![DataType::Int64; 3], Volatility::Immutable),
        }
    }
}

const NANOS_PER_DAY: i64 = 86_400_000_000_000;

/// Days since 1970-01-01 of a day of the proleptic Gregorian calendar (Howard Hinnant's
/// `days_from_civil`); none when the parts make no date.
fn days_from_civil(year: i64, month: i64, day: i64) -> Option<i64> {
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl ScalarUDFImpl for DateFromParts {
    fn name(&self) -> &str {
        "ddq_date_from_parts"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Timestamp(TimeUnit::Nanosecond, None))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let [years, months, days] = arrays.as_slice() else {
            return exec_err!("ddq_date_from_parts takes three arguments");
        };
        let (years, months, days) = (
            years.as_primitive::<Int64Type>(),
            months.as_primitive::<Int64Type>(),
            days.as_primitive::<Int64Type>(),
        );
        let nulls = NullBuffer::union_many([years.nulls(), months.nulls(), days.nulls()]);
        let mut values = Vec::with_capacity(years.len());
        // Rows come mostly in date order: a run of rows on one day converts it once.
        let mut previous: Option<((i64, i64, i64), i64)> = None;
        for i in 0..years.len() {
            if nulls.as_ref().is_some_and(|n| n.is_null(i)) {
                values.push(0);
                continue;
            }
            let parts = (years.value(i), months.value(i), days.value(i));
            if let Some((same, nanos)) = previous
                && same == parts
            {
                values.push(nanos);
                continue;
            }
            let (year, month, day) = parts;
            let Some(days) = days_from_civil(year, month, day) else {
                return exec_err!(
                    "parse_dates: year {year}, month {month}, day {day} is not a date"
                );
            };
            let Some(nanos) = days.checked_mul(NANOS_PER_DAY) else {
                return exec_err!(
                    "parse_dates: {year:04}-{month:02}-{day:02} is out of bounds for datetime64[ns] \
                     (1677-09-22 to 2262-04-11)"
                );
            };
            values.push(nanos);
            previous = Some((parts, nanos));
        }
        let dates = TimestampNanosecondArray::new(values.into(), nulls);
        Ok(ColumnarValue::Array(Arc::new(dates)))
    }
}

/// A date column from year, month and day expressions (any integer type).
pub fn date_from_parts(year: Expr, month: Expr, day: Expr) -> Expr {
    let int64 = |e: Expr| datafusion::logical_expr::cast(e, DataType::Int64);
    Arc::new(ScalarUDF::from(DateFromParts::default())).call(vec![
        int64(year),
        int64(month),
        int64(day),
    ])
}

/// Year, month and day of a day number (days since 1970-01-01; Howard Hinnant's
/// `civil_from_days`, the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A `.dt` field of a timestamp, as pandas numbers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateField {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Quarter,
    DayOfYear,
    /// Monday is 0.
    DayOfWeek,
}

impl DateField {
    pub fn named(name: &str) -> Option<DateField> {
        Some(match name {
            "year" => DateField::Year,
            "month" => DateField::Month,
            "day" => DateField::Day,
            "hour" => DateField::Hour,
            "minute" => DateField::Minute,
            "second" => DateField::Second,
            "quarter" => DateField::Quarter,
            "dayofyear" => DateField::DayOfYear,
            "dayofweek" | "weekday" => DateField::DayOfWeek,
            _ => return None,
        })
    }

    /// The engine's name for the field (`date_part`'s first argument).
    pub fn engine_part(self) -> &'static str {
        match self {
            DateField::Year => "year",
            DateField::Month => "month",
            DateField::Day => "day",
            DateField::Hour => "hour",
            DateField::Minute => "minute",
            DateField::Second => "second",
            DateField::Quarter => "quarter",
            DateField::DayOfYear => "doy",
            DateField::DayOfWeek => "dow",
        }
    }

    /// The field of a day (`days` since 1970-01-01).
    fn of_day(self, days: i64) -> i64 {
        let (year, month, day) = civil_from_days(days);
        match self {
            DateField::Year => year,
            DateField::Month => month,
            DateField::Day => day,
            DateField::Quarter => (month - 1) / 3 + 1,
            DateField::DayOfYear => days - days_from_civil(year, 1, 1).unwrap_or(days) + 1,
            // 1970-01-01 was a Thursday.
            DateField::DayOfWeek => (days + 3).rem_euclid(7),
            DateField::Hour | DateField::Minute | DateField::Second => 0,
        }
    }

    /// The field of a time of day (`nanos` since midnight).
    fn of_time(self, nanos: i64) -> Option<i64> {
        let seconds = nanos / 1_000_000_000;
        match self {
            DateField::Hour => Some(seconds / 3600),
            DateField::Minute => Some(seconds / 60 % 60),
            DateField::Second => Some(seconds % 60),
            _ => None,
        }
    }
}

/// `ddq_date_field(field, timestamp)`: a `.dt` field of nanosecond timestamps without a time
/// zone (what `parse_dates` makes), as Int32. The engine's own `date_part` converts every value
/// to a calendar date and time; this works on the day number, once per run of rows on the same
/// day (rows of a frame come mostly in date order).
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct DateFieldOf {
    signature: Signature,
}

impl Default for DateFieldOf {
    fn default() -> Self {
        DateFieldOf {
            signature: Signature::exact(
                vec![
                    DataType::Utf8,
                    DataType::Timestamp(TimeUnit::Nanosecond, None),
                ],
                Volatility::Immutable,
            ),
        }
    }
}

impl ScalarUDFImpl for DateFieldOf {
    fn name(&self) -> &str {
        "ddq_date_field"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int32)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let [
            ColumnarValue::Scalar(ScalarValue::Utf8(Some(name))),
            timestamps,
        ] = args.args.as_slice()
        else {
            return exec_err!("ddq_date_field takes a field name and timestamps");
        };
        let Some(field) = DateField::named(name) else {
            return exec_err!("ddq_date_field: no date field {name}");
        };
        let timestamps = timestamps.to_array(args.number_rows)?;
        let timestamps = timestamps.as_primitive::<TimestampNanosecondType>();
        let mut previous_day: Option<(i64, i64)> = None;
        let values = timestamps.values().iter().map(|&nanos| {
            let (day, time) = (
                nanos.div_euclid(NANOS_PER_DAY),
                nanos.rem_euclid(NANOS_PER_DAY),
            );
            let value = field.of_time(time).unwrap_or_else(|| match previous_day {
                Some((same, value)) if same == day => value,
                _ => {
                    let value = field.of_day(day);
                    previous_day = Some((day, value));
                    value
                }
            });
            value as i32
        });
        let values = Int32Array::new(values.collect(), timestamps.nulls().cloned());
        Ok(ColumnarValue::Array(Arc::new(values)))
    }
}

/// A `.dt` field of nanosecond timestamps without a time zone.
pub fn date_field(field: &str, timestamps: Expr) -> Expr {
    Arc::new(ScalarUDF::from(DateFieldOf::default()))
        .call(vec![datafusion::logical_expr::lit(field), timestamps])
}

/// Every function ddq adds, for registering with a session.
pub fn all() -> Vec<ScalarUDF> {
    vec![
        ScalarUDF::from(RowHash::default()),
        ScalarUDF::from(PythonStr::default()),
        ScalarUDF::from(DateFromParts::default()),
        ScalarUDF::from(DateFieldOf::default()),
    ]
}

/// Registers ddq's own scalar, aggregate and window functions with a context (the session's, and the
/// cluster client's), so plans that name them resolve.
pub fn register_all(ctx: &datafusion::prelude::SessionContext) {
    for udf in all() {
        ctx.register_udf(udf);
    }
    for udaf in crate::plan::moments::all() {
        ctx.register_udaf(udaf);
    }
    ctx.register_udwf(crate::plan::time_median::time_median_udwf());
    ctx.register_udwf(crate::plan::ewm::ewm_mean_udwf());
}

pub fn row_hash_udf() -> Arc<ScalarUDF> {
    Arc::new(ScalarUDF::from(RowHash::default()))
}

pub fn row_hash(seed: Expr, position: Expr) -> Expr {
    row_hash_udf().call(vec![seed, position])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_deterministic_and_spreads() {
        assert_eq!(splitmix64(1), splitmix64(1));
        assert_ne!(splitmix64(1), splitmix64(2));
        let low = (0..1000u64)
            .filter(|i| splitmix64(*i) < u64::MAX / 2)
            .count();
        assert!((400..600).contains(&low), "{low}");
    }

    #[test]
    fn day_numbers_match_chrono_on_every_day_of_years_across_four_centuries() {
        use chrono::NaiveDate;
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
        for year in [1600, 1677, 1899, 1900, 1969, 1970, 2000, 2024, 2100, 2262] {
            for month in 1..=12 {
                for day in 1..=31 {
                    let ours = days_from_civil(year, month, day);
                    let theirs = NaiveDate::from_ymd_opt(year as i32, month as u32, day as u32)
                        .map(|d| (d - epoch).num_days());
                    assert_eq!(ours, theirs, "{year}-{month}-{day}");
                }
            }
        }
        assert_eq!(days_from_civil(2001, 0, 1), None);
        assert_eq!(days_from_civil(2001, 13, 1), None);
        assert_eq!(days_from_civil(2001, 1, 0), None);
        assert_eq!(days_from_civil(-1, 3, 1), Some(-719_834));
    }

    #[test]
    fn date_fields_match_chrono_on_every_day_of_years_across_four_centuries() {
        use chrono::{Datelike, NaiveDate};
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
        for day in (-135_000..110_000).step_by(7).chain(-800..800) {
            let date = epoch + chrono::Duration::days(day);
            let expected = [
                (DateField::Year, i64::from(date.year())),
                (DateField::Month, i64::from(date.month())),
                (DateField::Day, i64::from(date.day())),
                (DateField::Quarter, i64::from(date.month0() / 3 + 1)),
                (DateField::DayOfYear, i64::from(date.ordinal())),
                (
                    DateField::DayOfWeek,
                    i64::from(date.weekday().num_days_from_monday()),
                ),
            ];
            for (field, value) in expected {
                assert_eq!(field.of_day(day), value, "{field:?} of {date}");
            }
        }
        let time = ((13 * 60 + 7) * 60 + 59) * 1_000_000_000 + 999;
        assert_eq!(DateField::Hour.of_time(time), Some(13));
        assert_eq!(DateField::Minute.of_time(time), Some(7));
        assert_eq!(DateField::Second.of_time(time), Some(59));
        assert_eq!(DateField::Year.of_time(time), None);
    }
}
