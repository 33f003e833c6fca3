//! The `.dt` accessor of a datetime series and its fields (`year`, `month`, ... `date`), as
//! pandas names them. Timestamps that `parse_dates` made (nanoseconds, no time zone) take ddq's
//! day-number arithmetic (`udf::date_field`); other dates and timestamps the engine's
//! `date_part`.

use super::Form::{Attribute, Method};
use super::Receiver as On;
use super::{Args, Verb, wrong_receiver};
use crate::error::Result;
use crate::plan::Planner;
use crate::plan::ops::{expr_type, is_temporal};
use crate::plan::resample::fixed_frequency;
use crate::plan::series::accessor_error;
use crate::plan::udf::{DateField, date_field};
use crate::plan::value::{Accessor, Series, Value};
use datafusion::arrow::datatypes::IntervalMonthDayNano;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::ScalarValue;
use datafusion::functions::expr_fn as f;
use datafusion::logical_expr::{Case, Expr, cast, lit};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "dt",
        receivers: &[On::Series],
        form: Attribute,
        params: &[],
        signature: "s.dt.<field>",
        summary: "Date and time fields of a datetime series.",
        example: "ddf.Date.dt.year.max()",
        expected: "1999\n",
        plan: dt,
        group: "Dates and strings",
    },
    Verb {
        name: "year",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.year",
        summary: "Year of each date.",
        example: "ddf.Date.dt.year.unique()",
        expected: "Date\n1990\n1991\n1992\n1993\n1994\n1995\n1996\n1997\n1998\n1999\n",
        plan: field,
        group: "Dates and strings",
    },
    Verb {
        name: "month",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.month",
        summary: "Month (1-12).",
        example: "ddf.Date.dt.month.max()",
        expected: "12\n",
        plan: field,
        group: "Dates and strings",
    },
    Verb {
        name: "day",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.day",
        summary: "Day of the month.",
        example: "ddf.Date.dt.day.max()",
        expected: "31\n",
        plan: field,
        group: "Dates and strings",
    },
    Verb {
        name: "dayofweek",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.dayofweek",
        summary: "Day of the week, Monday=0 ... Sunday=6.",
        example: "ddf.Date.dt.dayofweek.value_counts()",
        expected: "Date,count\n1,2982\n4,2977\n6,2973\n3,2972\n0,2970\n2,2965\n5,2961\n",
        plan: field,
        group: "Dates and strings",
    },
    Verb {
        name: "weekday",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.weekday",
        summary: "Same as dayofweek.",
        example: "ddf.Date.dt.weekday.max()",
        expected: "6\n",
        plan: field,
        group: "Dates and strings",
    },
    Verb {
        name: "dayofyear",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.dayofyear",
        summary: "Day of the year (1-366).",
        example: "ddf.Date.dt.dayofyear.max()",
        expected: "366\n",
        plan: field,
        group: "Dates and strings",
    },
    Verb {
        name: "quarter",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.quarter",
        summary: "Quarter (1-4).",
        example: "ddf.Date.dt.quarter.value_counts()",
        expected: "Date,count\n4,5246\n3,5238\n2,5183\n1,5133\n",
        plan: field,
        group: "Dates and strings",
    },
    Verb {
        name: "hour",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.hour",
        summary: "Hour (0-23).",
        example: "ddf.Date.dt.hour.max()",
        expected: "0\n",
        plan: field,
        group: "Dates and strings",
    },
    Verb {
        name: "minute",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.minute",
        summary: "Minute (0-59).",
        example: "ddf.Date.dt.minute.max()",
        expected: "0\n",
        plan: field,
        group: "Dates and strings",
    },
    Verb {
        name: "second",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.second",
        summary: "Second (0-59).",
        example: "ddf.Date.dt.second.max()",
        expected: "0\n",
        plan: field,
        group: "Dates and strings",
    },
    Verb {
        name: "date",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.date",
        summary: "The calendar date of each timestamp, without its time.",
        example: "ddf.Date.dt.date.max()",
        expected: "1999-12-31\n",
        plan: date,
        group: "Dates and strings",
    },
    Verb {
        name: "strftime",
        receivers: &[On::Dt],
        form: Method,
        params: &["date_format"],
        signature: "s.dt.strftime(\"%Y-%m\")",
        summary: "Each timestamp as text in a strftime format.",
        example: "ddf.Date.dt.strftime(\"%Y-%m\").nunique()",
        expected: "120\n",
        plan: strftime,
        group: "Dates and strings",
    },
    Verb {
        name: "to_period",
        receivers: &[On::Dt],
        form: Method,
        params: &["freq"],
        signature: "s.dt.to_period(\"M\")",
        summary: "The period each timestamp falls in, as text spelled as pandas prints a Period (\"1990-01\", \"1990Q1\", \"1990\"; freq D, W, M, Q, Y, h, min, s); sorts in time order.",
        example: "ddf.Date.dt.to_period(\"Q\").max()",
        expected: "1999Q4\n",
        plan: to_period,
        group: "Dates and strings",
    },
    Verb {
        name: "tz_localize",
        receivers: &[On::Dt],
        form: Method,
        params: &["tz"],
        signature: "s.dt.tz_localize(\"UTC\")",
        summary: "Mark naive timestamps as wall times in a time zone (None drops the zone, keeping wall times).",
        example: "ddf.Date.dt.tz_localize(\"UTC\").max()",
        expected: "1999-12-31 00:00:00+00:00\n",
        plan: time_zone,
        group: "Dates and strings",
    },
    Verb {
        name: "tz_convert",
        receivers: &[On::Dt],
        form: Method,
        params: &["tz"],
        signature: "s.dt.tz_convert(\"US/Eastern\")",
        summary: "The same instants shown in another time zone.",
        example: "ddf.Date.dt.tz_localize(\"UTC\").dt.tz_convert(\"Asia/Tokyo\").max()",
        expected: "1999-12-31 09:00:00+09:00\n",
        plan: time_zone,
        group: "Dates and strings",
    },
    Verb {
        name: "day_name",
        receivers: &[On::Dt],
        form: Method,
        params: &[],
        signature: "s.dt.day_name()",
        summary: "The weekday's English name (Monday, ...).",
        example: "ddf.Date.dt.day_name().head(1)",
        expected: "Date\nMonday\n",
        plan: named_part,
        group: "Dates and strings",
    },
    Verb {
        name: "month_name",
        receivers: &[On::Dt],
        form: Method,
        params: &[],
        signature: "s.dt.month_name()",
        summary: "The month's English name (January, ...).",
        example: "ddf.Date.dt.month_name().tail(1)",
        expected: "Date\nDecember\n",
        plan: named_part,
        group: "Dates and strings",
    },
    Verb {
        name: "normalize",
        receivers: &[On::Dt],
        form: Method,
        params: &[],
        signature: "s.dt.normalize()",
        summary: "Each timestamp at midnight of its day.",
        example: "ddf.Date.dt.normalize().max()",
        expected: "1999-12-31 00:00:00\n",
        plan: normalize,
        group: "Dates and strings",
    },
    Verb {
        name: "floor",
        receivers: &[On::Dt],
        form: Method,
        params: &["freq"],
        signature: "s.dt.floor(freq)",
        summary: "Each timestamp rounded down to a whole day, hour, minute, second or millisecond (freq \"D\", \"h\", \"min\", \"s\", \"ms\").",
        example: "ddf.Date.dt.floor(\"D\").max()",
        expected: "1999-12-31 00:00:00\n",
        plan: floor_or_ceil,
        group: "Dates and strings",
    },
    Verb {
        name: "ceil",
        receivers: &[On::Dt],
        form: Method,
        params: &["freq"],
        signature: "s.dt.ceil(freq)",
        summary: "Each timestamp rounded up to a whole day, hour, minute, second or millisecond.",
        example: "ddf.Date.dt.ceil(\"h\").max()",
        expected: "1999-12-31 00:00:00\n",
        plan: floor_or_ceil,
        group: "Dates and strings",
    },
    Verb {
        name: "is_month_start",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.is_month_start",
        summary: "True on the first day of a month (also is_month_end, is_quarter_start/end, is_year_start/end).",
        example: "ddf.Date.dt.is_month_start.sum()",
        expected: "677\n",
        plan: calendar_test,
        group: "Dates and strings",
    },
    Verb {
        name: "is_month_end",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.is_month_end",
        summary: "True on the last day of a month.",
        example: "ddf.Date.dt.is_month_end.sum()",
        expected: "688\n",
        plan: calendar_test,
        group: "Dates and strings",
    },
    Verb {
        name: "is_quarter_start",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.is_quarter_start",
        summary: "True on the first day of a quarter.",
        example: "ddf.Date.dt.is_quarter_start.sum()",
        expected: "223\n",
        plan: calendar_test,
        group: "Dates and strings",
    },
    Verb {
        name: "is_quarter_end",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.is_quarter_end",
        summary: "True on the last day of a quarter.",
        example: "ddf.Date.dt.is_quarter_end.sum()",
        expected: "231\n",
        plan: calendar_test,
        group: "Dates and strings",
    },
    Verb {
        name: "is_year_start",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.is_year_start",
        summary: "True on the first of January.",
        example: "ddf.Date.dt.is_year_start.sum()",
        expected: "50\n",
        plan: calendar_test,
        group: "Dates and strings",
    },
    Verb {
        name: "is_year_end",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.is_year_end",
        summary: "True on the 31st of December.",
        example: "ddf.Date.dt.is_year_end.sum()",
        expected: "60\n",
        plan: calendar_test,
        group: "Dates and strings",
    },
    Verb {
        name: "days_in_month",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.days_in_month",
        summary: "The number of days in each timestamp's month.",
        example: "ddf.Date.dt.days_in_month.head(3)",
        expected: "Date\n31\n31\n31\n",
        plan: calendar_test,
        group: "Dates and strings",
    },
    Verb {
        name: "days",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.days",
        summary: "Whole days of each timedelta, rounded down as pandas' components are (-1 for minus one minute).",
        example: "pd.to_timedelta(ddf.DepDelay, unit=\"m\").dt.days.min()",
        expected: "-1\n",
        plan: timedelta_part,
        group: "Dates and strings",
    },
    Verb {
        name: "seconds",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.seconds",
        summary: "Seconds past the whole days of each timedelta (0-86399).",
        example: "pd.to_timedelta(ddf.DepDelay, unit=\"m\").dt.seconds.max()",
        expected: "86340\n",
        plan: timedelta_part,
        group: "Dates and strings",
    },
    Verb {
        name: "microseconds",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.microseconds",
        summary: "Microseconds past the whole seconds of each timedelta (0-999999).",
        example: "pd.to_timedelta(ddf.DepDelay, unit=\"ms\").dt.microseconds.max()",
        expected: "999000\n",
        plan: timedelta_part,
        group: "Dates and strings",
    },
    Verb {
        name: "nanoseconds",
        receivers: &[On::Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.nanoseconds",
        summary: "Nanoseconds past the whole microseconds of each timedelta (0-999).",
        example: "pd.to_timedelta(ddf.DepDelay, unit=\"ns\").dt.nanoseconds.max()",
        expected: "999\n",
        plan: timedelta_part,
        group: "Dates and strings",
    },
    Verb {
        name: "total_seconds",
        receivers: &[On::Dt],
        form: Method,
        params: &[],
        signature: "s.dt.total_seconds()",
        summary: "Each timedelta as a number of seconds (a float).",
        example: "pd.to_timedelta(ddf.DepDelay, unit=\"m\").dt.total_seconds().max()",
        expected: "60360.0\n",
        plan: timedelta_part,
        group: "Dates and strings",
    },
];

/// `s.dt`: only on datetime values.
fn dt(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let Value::Series(s) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let t = expr_type(&s.frame, &s.expr)?;
    if !is_temporal(&t) {
        return Err(accessor_error("dt", &s, &t, "datetime"));
    }
    Ok(Value::Accessor(Accessor::Dt(s)))
}

/// The series under `.dt` of a datetime verb; a timedelta series is told the fields it has.
fn datetimes(args: &Args, receiver: Value) -> Result<Series> {
    let Value::Accessor(Accessor::Dt(s)) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let t = expr_type(&s.frame, &s.expr)?;
    if matches!(t, DataType::Duration(_)) {
        return Err(accessor_error("dt", &s, &t, "datetime")
            .at(args.call_span)
            .with_help(format!(
                ".dt.{} is a datetime field; timedeltas have .dt.days, .dt.seconds, \
                 .dt.microseconds, .dt.nanoseconds and .dt.total_seconds()",
                args.verb().name
            )));
    }
    Ok(s)
}

/// `s.dt.year` and the other fields the verb names.
fn field(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let s = datetimes(args, receiver)?;
    let name = args.verb().name;
    let e = s.expr.clone();
    let nanoseconds = DataType::Timestamp(TimeUnit::Nanosecond, None);
    let expr = match DateField::named(name) {
        Some(_) if expr_type(&s.frame, &e)? == nanoseconds => date_field(name, e),
        Some(field) => engine_date_field(field, e),
        None => return Err(wrong_receiver(args, &Value::Accessor(Accessor::Dt(s)))),
    };
    Ok(Value::Series(Series { expr, ..s }))
}

/// `s.dt.date`
fn date(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let s = datetimes(args, receiver)?;
    let expr = cast(s.expr.clone(), DataType::Date32);
    Ok(Value::Series(Series { expr, ..s }))
}

/// `s.dt.strftime(format)`: DataFusion's `to_char` reads Python's strftime directives.
fn strftime(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [date_format] = args.params()?;
    let s = datetimes(args, receiver)?;
    let format = match date_format.required()? {
        Value::Str(text) => text.clone(),
        other => {
            return Err(date_format.invalid(format!(
                "the format is a string such as \"%Y-%m-%d\", not {}",
                other.kind_name()
            )));
        }
    };
    let expr = f::to_char(s.expr.clone(), lit(format));
    Ok(Value::Series(Series { expr, ..s }))
}

/// `s.dt.to_period(freq)`: pandas' Period of each timestamp as the text pandas prints for it.
/// Text keeps the order of time (four-digit years first), so groups and sorts come out as
/// pandas orders Periods.
fn to_period(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [freq] = args.params()?;
    let s = datetimes(args, receiver)?;
    let e = s.expr.clone();
    let text = |format: &str| f::to_char(e.clone(), lit(format.to_string()));
    let code = match freq.required()? {
        Value::Str(code) => code.trim_end_matches(['E', 'S']).to_string(),
        _ => String::new(),
    };
    let expr = match code.as_str() {
        "D" => text("%Y-%m-%d"),
        "M" => text("%Y-%m"),
        "Y" | "A" => text("%Y"),
        "Q" => {
            let quarter = cast(f::date_part(lit("quarter"), e.clone()), DataType::Utf8);
            f::concat(vec![text("%Y"), lit("Q"), quarter])
        }
        "h" | "H" => text("%Y-%m-%d %H:00"),
        "min" | "T" => text("%Y-%m-%d %H:%M"),
        "s" => text("%Y-%m-%d %H:%M:%S"),
        "W" => week_period(&e),
        _ => {
            return Err(freq.invalid(
                "to_period() takes \"D\", \"W\", \"M\", \"Q\", \"Y\", \"h\", \"min\" or \"s\"",
            ));
        }
    };
    Ok(Value::Series(Series { expr, ..s }))
}

/// pandas' weekly Period (W-SUN): Monday to Sunday, written "2020-01-06/2020-01-12".
fn week_period(e: &Expr) -> Expr {
    let day = cast(f::date_trunc(lit("day"), e.clone()), DataType::Date32);
    let dow = f::date_part(lit("dow"), day.clone());
    // Days back to Monday: the engine's dow counts Sunday as 0.
    let back = cast((dow + lit(6i32)) % lit(7i32), DataType::Int32);
    let monday = cast(cast(day, DataType::Int32) - back, DataType::Date32);
    let sunday = cast(
        cast(monday.clone(), DataType::Int32) + lit(6i32),
        DataType::Date32,
    );
    f::concat(vec![
        f::to_char(monday, lit("%Y-%m-%d")),
        lit("/"),
        f::to_char(sunday, lit("%Y-%m-%d")),
    ])
}

/// `s.dt.tz_localize(tz)` and `s.dt.tz_convert(tz)`: the engine's timestamp types carry the
/// zone, and casting between them does what each pandas method does (localize reads naive
/// values as wall times in `tz`; convert keeps the instant).
fn time_zone(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [tz] = args.params()?;
    let s = datetimes(args, receiver)?;
    let zone: Option<std::sync::Arc<str>> = match tz.value() {
        Some(Value::Str(zone)) => Some(zone.as_str().into()),
        Some(Value::None) => None,
        _ => {
            return Err(
                tz.invalid("the time zone is a name such as \"UTC\" or \"US/Eastern\", or None")
            );
        }
    };
    if let Some(zone) = &zone
        && zone
            .parse::<datafusion::arrow::array::timezone::Tz>()
            .is_err()
    {
        return Err(tz
            .invalid(format!("unknown time zone `{zone}`"))
            .with_help("use an IANA name such as \"UTC\", \"Europe/Paris\" or \"US/Eastern\""));
    }
    let t = expr_type(&s.frame, &s.expr)?;
    let DataType::Timestamp(unit, current) = t else {
        return Err(accessor_error("dt", &s, &t, "timestamps"));
    };
    let localizing = args.verb().name == "tz_localize";
    match (&current, localizing) {
        (Some(_), true) if zone.is_some() => {
            return Err(tz
                .invalid("the timestamps already have a time zone")
                .with_help("use tz_convert() to show them in another zone"));
        }
        (None, false) => {
            return Err(tz
                .invalid("the timestamps have no time zone to convert from")
                .with_help("use tz_localize() first, e.g. `s.dt.tz_localize(\"UTC\")`"));
        }
        _ => {}
    }
    let expr = match (&current, &zone) {
        // Dropping the zone keeps the wall time, as pandas does; a cast would keep UTC's.
        (Some(_), None) => f::to_local_time(vec![s.expr.clone()]),
        _ => cast(s.expr.clone(), DataType::Timestamp(unit, zone)),
    };
    Ok(Value::Series(Series { expr, ..s }))
}

/// `s.dt.day_name()` and `s.dt.month_name()`.
fn named_part(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [] = args.params()?;
    let s = datetimes(args, receiver)?;
    let format = if args.verb().name == "day_name" {
        "%A"
    } else {
        "%B"
    };
    let expr = f::to_char(s.expr.clone(), lit(format));
    Ok(Value::Series(Series { expr, ..s }))
}

/// `s.dt.normalize()`: midnight of each timestamp's day.
fn normalize(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [] = args.params()?;
    let s = datetimes(args, receiver)?;
    let t = expr_type(&s.frame, &s.expr)?;
    let expr = cast(f::date_trunc(lit("day"), s.expr.clone()), t);
    Ok(Value::Series(Series { expr, ..s }))
}

/// A `.dt` field through the engine's `date_part`, for dates and for timestamps of another unit
/// or with a time zone.
fn engine_date_field(field: DateField, e: Expr) -> Expr {
    let part = cast(f::date_part(lit(field.engine_part()), e), DataType::Int32);
    match field {
        // pandas counts Monday as 0; the engine's `dow` counts Sunday as 0.
        DateField::DayOfWeek => (part + lit(6i32)) % lit(7i32),
        _ => part,
    }
}

/// An engine interval of whole months and nanoseconds.
fn interval(months: i32, nanoseconds: i64) -> Expr {
    lit(ScalarValue::IntervalMonthDayNano(Some(
        IntervalMonthDayNano::new(months, 0, nanoseconds),
    )))
}

/// `s.dt.floor(freq)` and `s.dt.ceil(freq)`: down, or up, to a whole unit; the dtype stays.
fn floor_or_ceil(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [freq] = args.params()?;
    let unit = match freq.required()? {
        Value::Str(text) => fixed_frequency(text).filter(|(_, multiple, _)| *multiple == 1),
        _ => None,
    };
    let Some((unit, _, length)) = unit else {
        return Err(freq.invalid(format!(
            "{}() takes a fixed frequency: \"D\", \"h\", \"min\", \"s\", \"ms\" or \"us\"",
            args.verb().name
        )));
    };
    let s = datetimes(args, receiver)?;
    let t = expr_type(&s.frame, &s.expr)?;
    let down = cast(f::date_trunc(lit(unit), s.expr.clone()), t.clone());
    let expr = if args.verb().name == "floor" {
        down
    } else {
        let up = cast(down.clone() + interval(0, length), t);
        Expr::Case(Case::new(
            None,
            vec![(Box::new(down.clone().eq(s.expr.clone())), Box::new(down))],
            Some(Box::new(up)),
        ))
    };
    Ok(Value::Series(Series { expr, ..s }))
}

/// `is_month_start` and its kin, and `days_in_month`: tests on the calendar day.
fn calendar_test(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let s = datetimes(args, receiver)?;
    let e = s.expr.clone();
    let day = |e: Expr| engine_date_field(DateField::Day, e);
    let month = engine_date_field(DateField::Month, e.clone());
    let next_day = e.clone() + interval(0, 86_400_000_000_000);
    let first = day(e.clone()).eq(lit(1i32));
    let last = day(next_day).eq(lit(1i32));
    let quarter_edge = |m: i32| (month.clone() - lit(m)) % lit(3i32);
    let expr = match args.verb().name {
        "is_month_start" => first,
        "is_month_end" => last,
        "is_quarter_start" => first.and(quarter_edge(1).eq(lit(0i32))),
        "is_quarter_end" => last.and(quarter_edge(3).eq(lit(0i32))),
        "is_year_start" => first.and(month.eq(lit(1i32))),
        "is_year_end" => last.and(month.eq(lit(12i32))),
        _ => {
            let month_start = f::date_trunc(lit("month"), e);
            let month_end = month_start + interval(1, 0) - interval(0, 86_400_000_000_000);
            cast(day(month_end), DataType::Int64)
        }
    };
    Ok(Value::Series(Series { expr, ..s }))
}

/// Nanoseconds in one unit of a duration type.
fn nanoseconds_per(unit: &TimeUnit) -> i64 {
    match unit {
        TimeUnit::Second => 1_000_000_000,
        TimeUnit::Millisecond => 1_000_000,
        TimeUnit::Microsecond => 1_000,
        TimeUnit::Nanosecond => 1,
    }
}

/// `s.dt.days`, `.seconds`, `.microseconds`, `.nanoseconds` and `.total_seconds()` of a
/// timedelta series. pandas splits a timedelta into whole days rounded down and a remainder
/// of 0 to 86399.999999999 seconds, so minus one minute is -1 days plus 86340 seconds.
fn timedelta_part(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [] = args.params()?;
    let Value::Accessor(Accessor::Dt(s)) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let name = args.verb().name;
    let t = expr_type(&s.frame, &s.expr)?;
    let DataType::Duration(unit) = &t else {
        let error = accessor_error("dt", &s, &t, "timedelta").at(args.call_span);
        let datetime_field = name
            .strip_suffix('s')
            .filter(|field| DateField::named(field).is_some());
        return Err(match datetime_field {
            Some(field) => error.with_help(format!("for datetimes use .dt.{field}")),
            None => error,
        });
    };
    let nanoseconds = cast(s.expr.clone(), DataType::Int64) * lit(nanoseconds_per(unit));
    let day = lit(86_400_000_000_000i64);
    let past_midnight = ((nanoseconds.clone() % day.clone()) + day.clone()) % day.clone();
    let expr = match name {
        "days" => (nanoseconds - past_midnight) / day,
        "seconds" => past_midnight / lit(1_000_000_000i64),
        "microseconds" => (past_midnight % lit(1_000_000_000i64)) / lit(1_000i64),
        "nanoseconds" => past_midnight % lit(1_000i64),
        _ => cast(nanoseconds, DataType::Float64) / lit(1e9),
    };
    Ok(Value::Series(Series { expr, ..s }))
}
