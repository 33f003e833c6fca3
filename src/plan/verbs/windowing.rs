//! Values that depend on neighbouring rows, in pandas row order: running totals and extremes
//! (`cumsum`, `cummax`, `cummin`), neighbours (`shift`, `diff`, `pct_change`), fills (`ffill`,
//! `bfill`) and a row's place in its group (`cumcount`). Each applies to a series, to every
//! column of a frame, or within each group of a groupby (`plan::window` builds them).

use super::Form::Method;
use super::Receiver as On;
use super::{Args, Verb, wrong_receiver};
use crate::error::{DdqError, Result};
use crate::plan::ewm::{Ewm, center_of_mass, mean as ewm_mean};
use crate::plan::frame::series_onto;
use crate::plan::groupby::{Agg, as_series};
use crate::plan::project::Project;
use crate::plan::resample::fixed_frequency;
use crate::plan::upsample::{Fill, upsample};
use crate::plan::value::{
    Closed, Frame, GroupBy, Rolling, Scalar, Selection, Series, Value, column,
};
use crate::plan::window::{self, FillArea, Over, RankMethod, Running};
use crate::plan::{Planner, column_series, selection_columns};
use crate::types::format::Plain;
use crate::types::scalar::to_plain;
use crate::types::timedelta::parse_timedelta;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, lit};

const ROWS: &[On] = &[On::Series, On::Frame, On::GroupBy];

pub const VERBS: &[Verb] = &[
    Verb {
        name: "cumsum",
        receivers: ROWS,
        form: Method,
        params: &[],
        signature: "cumsum()",
        summary: "Running total in row order (per group after groupby); missing values stay missing.",
        example: "ddf.Distance.cumsum().head(3)",
        expected: "Distance\n213\n930\n3510\n",
        plan: cumsum,
        group: "Running and shifted values",
    },
    Verb {
        name: "cummax",
        receivers: ROWS,
        form: Method,
        params: &[],
        signature: "cummax()",
        summary: "Running maximum in row order (per group after groupby).",
        example: "ddf.DepDelay.cummax().head(4)",
        expected: "DepDelay\n0.0\n9.0\n9.0\n9.0\n",
        plan: cummax,
        group: "Running and shifted values",
    },
    Verb {
        name: "cummin",
        receivers: ROWS,
        form: Method,
        params: &[],
        signature: "cummin()",
        summary: "Running minimum in row order (per group after groupby).",
        example: "ddf.DepDelay.cummin().head(4)",
        expected: "DepDelay\n0.0\n0.0\n-7.0\n-7.0\n",
        plan: cummin,
        group: "Running and shifted values",
    },
    Verb {
        name: "shift",
        receivers: ROWS,
        form: Method,
        params: &["periods", "freq"],
        signature: "shift(periods=1, freq=None)",
        summary: "Each row's value from `periods` rows earlier (later when negative); with freq=\"D\" (a fixed span) the datetime index moves by `periods` spans instead.",
        example: "ddf.Distance.shift().head(3)",
        expected: "Distance\n\"\"\n213.0\n717.0\n",
        plan: shift,
        group: "Running and shifted values",
    },
    Verb {
        name: "diff",
        receivers: ROWS,
        form: Method,
        params: &["periods"],
        signature: "diff(periods=1)",
        summary: "Difference from the row `periods` earlier.",
        example: "ddf.Distance.diff().head(3)",
        expected: "Distance\n\"\"\n504.0\n1863.0\n",
        plan: diff,
        group: "Running and shifted values",
    },
    Verb {
        name: "pct_change",
        receivers: ROWS,
        form: Method,
        params: &["periods"],
        signature: "pct_change(periods=1)",
        summary: "Fractional change from the row `periods` earlier (missing values filled forward first).",
        example: "ddf.Distance.pct_change().head(3)",
        expected: "Distance\n\"\"\n2.3661971830985915\n2.598326359832636\n",
        plan: pct_change,
        group: "Running and shifted values",
    },
    Verb {
        name: "ffill",
        receivers: ROWS,
        form: Method,
        params: &["limit", "limit_area"],
        signature: "ffill(limit=None, limit_area=None)",
        summary: "Fill a missing value with the last present one before it (limit_area=\"inside\": only gaps between present values; \"outside\": only after the last).",
        example: "ddf.iloc[16:19].DepDelay.ffill()",
        expected: "DepDelay\n-3.0\n-3.0\n48.0\n",
        plan: ffill,
        group: "Running and shifted values",
    },
    Verb {
        name: "rank",
        receivers: ROWS,
        form: Method,
        params: &["axis", "method", "ascending"],
        signature: "rank(axis=0, method=\"average\", ascending=True)",
        summary: "Each value's rank (from 1, ties averaged; also \"min\", \"max\", \"first\", \"dense\"), within each group after groupby; axis=1 ranks across each row of a frame.",
        example: "ddf.groupby(\"Origin\").DepDelay.rank().head(3)",
        expected: "DepDelay\n2873.0\n5403.0\n332.5\n",
        plan: rank,
        group: "Running and shifted values",
    },
    Verb {
        name: "interpolate",
        receivers: ROWS,
        form: Method,
        params: &["method", "limit"],
        signature: "interpolate(method=\"linear\", limit=None)",
        summary: "Fill missing values on the line between the present ones around them (after the last, the last).",
        example: "ddf.DepDelay.interpolate().iloc[560:563]",
        expected: "DepDelay\n8.0\n13.0\n3.0\n",
        plan: interpolate,
        group: "Running and shifted values",
    },
    Verb {
        name: "bfill",
        receivers: ROWS,
        form: Method,
        params: &["limit", "limit_area"],
        signature: "bfill(limit=None, limit_area=None)",
        summary: "Fill a missing value with the next present one after it (limit_area as ffill's).",
        example: "ddf.iloc[16:19].DepDelay.bfill()",
        expected: "DepDelay\n-3.0\n48.0\n48.0\n",
        plan: bfill,
        group: "Running and shifted values",
    },
    Verb {
        name: "rolling",
        receivers: ROWS,
        form: Method,
        params: &["window", "min_periods", "center", "closed"],
        signature: "rolling(window, min_periods=window, center=False, closed=\"right\")",
        summary: "A moving window of `window` rows; aggregate it with sum, mean, count, min, max, std, var or median.",
        example: "ddf.Distance.rolling(3).mean().head(4)",
        expected: "Distance\n\"\"\n\"\"\n1170.0\n1268.0\n",
        plan: rolling,
        group: "Running and shifted values",
    },
    Verb {
        name: "expanding",
        receivers: ROWS,
        form: Method,
        params: &["min_periods"],
        signature: "expanding(min_periods=1)",
        summary: "A window from the first row (of the group) to each row; aggregate it as a rolling window.",
        example: "ddf.groupby(\"Origin\").DepDelay.expanding().sum().head(3)",
        expected: "Origin,,DepDelay\nEWR,1,9.0\nEWR,4,8.0\nEWR,5,14.0\n",
        plan: expanding,
        group: "Running and shifted values",
    },
    Verb {
        name: "ewm",
        receivers: &[On::Series, On::Frame],
        form: Method,
        params: &[
            "com",
            "span",
            "halflife",
            "alpha",
            "min_periods",
            "adjust",
            "ignore_na",
            "axis",
            "times",
        ],
        signature: "ewm(com=None, span=None, halflife=None, alpha=None, min_periods=0, adjust=True, ignore_na=False, times=None)",
        summary: "Exponentially weighted rows so far (one of com, span, halflife, alpha; or halflife=\"4 days\" with times=); aggregate it with mean().",
        example: "ddf.DepDelay.ewm(com=0.5).mean().head(3)",
        expected: "DepDelay\n0.0\n6.749999999999999\n-2.7692307692307687\n",
        plan: ewm,
        group: "Running and shifted values",
    },
    Verb {
        name: "cumcount",
        receivers: &[On::GroupBy],
        form: Method,
        params: &["ascending"],
        signature: "cumcount(ascending=True)",
        summary: "Each row's position within its group, from 0.",
        example: "ddf.groupby(\"Origin\").cumcount().head(4)",
        expected: "0\n0\n0\n1\n2\n",
        plan: cumcount,
        group: "Running and shifted values",
    },
];

fn cumsum(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [] = args.params()?;
    each_column(receiver, args, |s, over| {
        window::running(s, over, Running::Sum)
    })
}

fn cummax(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [] = args.params()?;
    each_column(receiver, args, |s, over| {
        window::running(s, over, Running::Max)
    })
}

fn cummin(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [] = args.params()?;
    each_column(receiver, args, |s, over| {
        window::running(s, over, Running::Min)
    })
}

fn shift(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [periods, freq] = args.params()?;
    let periods = periods.int_or(1)?;
    if let Some(freq_value) = freq.given() {
        let step = match freq_value {
            Value::Str(text) => fixed_frequency(text).map(|(_, _, nanos)| nanos),
            _ => None,
        }
        .ok_or_else(|| freq.invalid("freq is a fixed span such as \"D\", \"3h\" or \"30min\""))?;
        let by = step
            .checked_mul(periods)
            .ok_or_else(|| freq.invalid("the shift is too large"))?;
        return shifted_index(receiver, by).map_err(|e| e.at(args.call_span));
    }
    each_column(receiver, args, |s, over| window::shift(s, over, periods))
}

/// `shift(periods, freq=...)`: the values stay, the datetime index moves by `nanos`.
fn shifted_index(receiver: Value, nanos: i64) -> Result<Value> {
    let move_index = |frame: &Frame| -> Result<Frame> {
        let index = crate::plan::index::single_index(frame, "shift(freq=...)")?;
        if !matches!(frame.data_type(&index), Some(DataType::Timestamp(..))) {
            return Err(DdqError::type_error(format!(
                "shift(freq=...) moves a datetime index, and `{index}` is not one"
            ))
            .with_help("set a datetime column as the index first, e.g. `set_index(\"Date\")`"));
        }
        let moved = column(&index) + lit(ScalarValue::DurationNanosecond(Some(nanos)));
        Ok(Frame {
            divisions: None,
            ..frame.with_df(frame.df.clone().set_column(&index, moved)?)
        })
    };
    match receiver {
        Value::Series(s) => Ok(Value::Series(Series {
            frame: move_index(&s.frame)?,
            ..s
        })),
        Value::Frame(f) => Ok(Value::Frame(move_index(&f)?)),
        other => Err(DdqError::type_error(format!(
            "shift(freq=...) moves the index of a series or a frame, not {}",
            other.kind_name()
        ))),
    }
}

fn diff(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [periods] = args.params()?;
    let periods = periods.int_or(1)?;
    each_column(receiver, args, |s, over| window::diff(s, over, periods))
}

fn pct_change(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [periods] = args.params()?;
    let periods = periods.int_or(1)?;
    each_column(receiver, args, |s, over| {
        window::pct_change(s, over, periods)
    })
}

fn ffill(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    filled(planner, receiver, args, Fill::Forward)
}

fn bfill(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    filled(planner, receiver, args, Fill::Backward)
}

/// `ffill`/`bfill(limit=None, limit_area=None)`: a resampler upsampled, anything else filled
/// in row order.
fn filled(planner: &Planner, receiver: Value, args: &Args, fill: Fill) -> Result<Value> {
    let [limit, area] = args.params()?;
    let (limit, area) = (fill_limit(limit)?, fill_area(area)?);
    if let Some(filled) = upsampled(planner, &receiver, fill, limit)? {
        return Ok(filled);
    }
    let forward = fill == Fill::Forward;
    each_column(receiver, args, |s, over| {
        window::fill(s, over, forward, limit, area)
    })
}

/// pandas' `limit_area`: None, "inside" or "outside".
fn fill_area(area: super::Arg) -> Result<FillArea> {
    match area.given() {
        None | Some(Value::None) => Ok(FillArea::Anywhere),
        Some(Value::Str(a)) if a == "inside" => Ok(FillArea::Inside),
        Some(Value::Str(a)) if a == "outside" => Ok(FillArea::Outside),
        Some(_) => Err(area.invalid("limit_area is None, \"inside\" or \"outside\"")),
    }
}

/// A fill of a resampler (`resample("6h").ffill()`) fills the rule's labels, pandas'
/// upsampling; `None` for any other receiver.
fn upsampled(
    planner: &Planner,
    receiver: &Value,
    fill: Fill,
    limit: Option<u64>,
) -> Result<Option<Value>> {
    let Value::GroupBy(gb) = receiver else {
        return Ok(None);
    };
    let Some(rule) = &gb.bins else {
        return Ok(None);
    };
    let frame = upsample(planner, gb, rule, (fill, limit), None)?;
    Ok(Some(match &gb.selection {
        Selection::Series(name) => as_series(frame, name),
        _ => Value::Frame(frame),
    }))
}

/// `interpolate(method="linear")`
fn interpolate(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [method, limit] = args.params()?;
    if !matches!(method.given(), None | Some(Value::Str(_)))
        || matches!(method.given(), Some(Value::Str(m)) if m != "linear")
    {
        return Err(method.invalid("only method=\"linear\" is supported"));
    }
    let limit = fill_limit(limit)?;
    each_column(receiver, args, |s, over| {
        window::interpolate(s, over, limit)
    })
}

/// `rank(axis=0, method="average", ascending=True)`: down each column, or (axis=1) across
/// each row of a frame.
fn rank(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [axis, method, ascending] = args.params()?;
    let across = match axis.given() {
        None | Some(Value::Int(0)) => false,
        Some(Value::Str(a)) if a == "index" || a == "rows" => false,
        Some(Value::Int(1)) => true,
        Some(Value::Str(a)) if a == "columns" => true,
        Some(_) => return Err(axis.invalid("axis must be 0 (\"index\") or 1 (\"columns\")")),
    };
    let method = match method.given() {
        None => RankMethod::Average,
        Some(Value::Str(m)) => match m.as_str() {
            "average" => RankMethod::Average,
            "min" => RankMethod::Min,
            "max" => RankMethod::Max,
            "first" => RankMethod::First,
            "dense" => RankMethod::Dense,
            _ => {
                return Err(method
                    .invalid("method is \"average\", \"min\", \"max\", \"first\" or \"dense\""));
            }
        },
        Some(_) => return Err(method.invalid("method is a name such as \"average\"")),
    };
    let ascending = ascending.bool_or(true)?;
    match (across, receiver) {
        (true, Value::Frame(f)) => {
            crate::plan::frame::rank_across(&f, method, ascending).map_err(|e| e.at(axis.span()))
        }
        (true, other) => Err(axis.invalid(format!(
            "rank(axis=1) ranks across a frame's columns, not {}",
            other.kind_name()
        ))),
        (false, receiver) => each_column(receiver, args, |s, over| {
            window::rank(s, over, method, ascending)
        }),
    }
}

/// A window length computed from the data (`rolling(window=len(ddf))`): asked of the engine
/// when the statement is planned, as pandas has the number in hand.
fn computed_rows(planner: &Planner, scalar: &Scalar, window_arg: &super::Arg) -> Result<i64> {
    let batches = planner
        .sources
        .collect_now(scalar.to_dataframe(planner.ctx)?)?;
    let value = batches
        .iter()
        .find(|batch| batch.num_rows() > 0)
        .map(|batch| ScalarValue::try_from_array(batch.column(0), 0))
        .transpose()?;
    match value.as_ref().map(to_plain) {
        Some(Plain::Int(n)) => Ok(n),
        _ => Err(window_arg.invalid(format!(
            "the window is a number of rows, and this one computes to {}",
            value.map_or("nothing".to_string(), |v| v.to_string())
        ))),
    }
}

/// `limit=`: how many missing values in a row a fill may fill, at least 1; none when left out.
fn fill_limit(limit: super::Arg) -> Result<Option<u64>> {
    match limit.given() {
        None => Ok(None),
        Some(Value::Int(n)) if *n >= 1 => Ok(Some(*n as u64)),
        Some(_) => Err(limit.invalid("limit must be an integer of at least 1")),
    }
}

/// `rolling(window, min_periods=None, center=False)`: a window of rows, aggregated next.
fn rolling(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    // The registry calls this only on the ROWS receivers.
    let [window_arg, min_periods_arg, center, closed_arg] = args.params()?;
    let closed = match closed_arg.str_or("right")? {
        "right" => Closed::RIGHT,
        "left" => Closed {
            left: true,
            right: false,
        },
        "both" => Closed {
            left: true,
            right: true,
        },
        "neither" => Closed {
            left: false,
            right: false,
        },
        _ => {
            return Err(
                closed_arg.invalid("closed is \"right\", \"left\", \"both\" or \"neither\"")
            );
        }
    };
    if closed != Closed::RIGHT && center.bool_or(false)? {
        return Err(closed_arg.invalid("closed= with center=True is not supported"));
    }
    let computed = match window_arg.required()? {
        Value::Scalar(scalar) => Some(Value::Int(computed_rows(planner, scalar, &window_arg)?)),
        _ => None,
    };
    let window = match computed.as_ref().map_or(window_arg.required()?, |v| v) {
        Value::Int(n) if *n >= 1 => *n,
        Value::Int(_) => return Err(window_arg.invalid("the window must be at least 1 row")),
        Value::Str(text) => {
            let Some((_, _, span)) = fixed_frequency(text).filter(|(_, _, n)| *n > 0) else {
                return Err(window_arg.invalid(format!(
                    "{text:?} is not a fixed time span: use days, hours, minutes or seconds, e.g. \"2D\" or \"30min\""
                )));
            };
            if center.bool_or(false)? {
                return Err(center.invalid("center=True is not supported with a time window"));
            }
            // A time window needs one value in it unless told otherwise, as in pandas.
            return Ok(Value::Rolling(Box::new(Rolling {
                target: receiver,
                window: 0,
                span: Some(span),
                min_periods: min_periods_arg.int_or(1)?.max(0),
                center: false,
                expanding: false,
                ewm: None,
                closed,
            })));
        }
        other => {
            return Err(window_arg.invalid(format!(
                "the window is a number of rows, not {}",
                other.kind_name()
            )));
        }
    };
    let min_periods = min_periods_arg.int_or(window)?;
    if min_periods < 0 || min_periods > window {
        return Err(min_periods_arg.invalid(format!(
            "min_periods must be between 0 and the window ({window})"
        )));
    }
    Ok(Value::Rolling(Box::new(Rolling {
        target: receiver,
        window,
        span: None,
        min_periods,
        center: center.bool_or(false)?,
        expanding: false,
        ewm: None,
        closed,
    })))
}

/// `expanding(min_periods=1)`: a window of every row so far, aggregated next.
fn expanding(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    // The registry calls this only on the ROWS receivers.
    let [min_periods_arg] = args.params()?;
    let min_periods = min_periods_arg.int_or(1)?;
    if min_periods < 0 {
        return Err(min_periods_arg.invalid("min_periods must be at least 0"));
    }
    Ok(Value::Rolling(Box::new(Rolling {
        target: receiver,
        window: 0,
        span: None,
        min_periods,
        center: false,
        expanding: true,
        ewm: None,
        closed: Closed::RIGHT,
    })))
}

/// `ewm(com, span, halflife, alpha, min_periods, adjust, ignore_na, axis, times)`: pandas'
/// exponential weights, aggregated next.
fn ewm(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [
        com,
        span,
        halflife,
        alpha,
        min_periods,
        adjust,
        ignore_na,
        axis,
        times,
    ] = args.params()?;
    if !matches!(axis.given(), None | Some(Value::Int(0))) {
        return Err(axis.invalid("ewm runs down the rows only (axis=0)"));
    }
    let number = |arg: &super::Arg| match arg.given() {
        None => Ok(None),
        Some(Value::Int(n)) => Ok(Some(*n as f64)),
        Some(Value::Float(x)) => Ok(Some(*x)),
        Some(other) => Err(arg.invalid(format!(
            "`{}` must be a number, not {}",
            arg.name(),
            other.kind_name()
        ))),
    };
    let (receiver, times) = match times.given() {
        None => (receiver, None),
        Some(Value::Series(t)) => {
            let (receiver, times_expr) = onto_rows(receiver, t)
                .ok_or_else(|| times.invalid("times must be a column of the same frame"))?;
            (receiver, Some(times_expr))
        }
        Some(other) => {
            return Err(times.invalid(format!(
                "times is a datetime column, not {}",
                other.kind_name()
            )));
        }
    };
    // With times, the halflife is a time span and the center of mass is 1, as in pandas.
    let (com_value, times) = match times {
        Some(t) => {
            if let Some(extra) = [&com, &span, &alpha].into_iter().find(|a| a.is_given()) {
                return Err(extra.invalid("with times, only halflife sets the decay"));
            }
            (1.0, Some((t, halflife_nanos(&halflife)?)))
        }
        None => {
            let com = center_of_mass(
                number(&com)?,
                number(&span)?,
                number(&halflife)?,
                number(&alpha)?,
            )
            .map_err(|e| DdqError::input(format!("ewm: {e}")).at(args.call_span))?;
            (com, None)
        }
    };
    let min_periods = match min_periods.int_or(0)? {
        n if n >= 0 => n,
        _ => return Err(min_periods.invalid("min_periods must be at least 0")),
    };
    Ok(Value::Rolling(Box::new(Rolling {
        target: receiver,
        window: 0,
        span: None,
        min_periods,
        center: false,
        expanding: false,
        ewm: Some(Ewm {
            com: com_value,
            times,
            adjust: adjust.bool_or(true)?,
            ignore_na: ignore_na.bool_or(false)?,
            min_periods,
        }),
        closed: Closed::RIGHT,
    })))
}

/// `halflife=` beside `times=`: a time span, as text (`"4 days"`) or a `pd.Timedelta`.
fn halflife_nanos(halflife: &super::Arg) -> Result<f64> {
    let nanos = match halflife.given() {
        Some(Value::Str(text)) => parse_timedelta(text).map_err(|e| halflife.invalid(e))?,
        Some(Value::Scalar(s)) => match &s.expr {
            Expr::Literal(ScalarValue::DurationNanosecond(Some(n)), _) => *n,
            _ => {
                return Err(
                    halflife.invalid("with times, halflife is a time span such as \"4 days\"")
                );
            }
        },
        _ => return Err(halflife.invalid("with times, halflife is a time span such as \"4 days\"")),
    };
    if nanos <= 0 {
        return Err(halflife.invalid("halflife must be positive"));
    }
    Ok(nanos as f64)
}

/// A series or frame and a series over the same rows, put over one frame (`None` when the rows
/// may differ).
fn onto_rows(receiver: Value, other: &Series) -> Option<(Value, Expr)> {
    match receiver {
        Value::Frame(f) => {
            let (frame, other) = series_onto(&f, other).ok()??;
            Some((Value::Frame(frame), other.expr))
        }
        Value::Series(s) => {
            let (frame, other) = series_onto(&s.frame, other).ok()??;
            Some((Value::Series(Series { frame, ..s }), other.expr))
        }
        _ => None,
    }
}

/// `ewm(...).mean()`, of a series or of each value column of a frame.
fn ewm_aggregate(rolling: &Rolling, ewm: &Ewm, agg: Agg) -> Result<Value> {
    if agg != Agg::Mean {
        return Err(DdqError::unsupported(format!(
            "ewm() is aggregated with mean() only, not {}()",
            agg.name()
        ))
        .with_help("use .ewm(...).mean()"));
    }
    match &rolling.target {
        Value::Series(s) => Ok(Value::Series(ewm_mean(s, ewm)?)),
        Value::Frame(f) => columns_of(f, &f.value_columns(), &Over::all(f), |s, _| {
            ewm_mean(s, ewm)
        }),
        other => Err(DdqError::type_error(format!(
            "ewm weighs the rows of a series or a frame, not {}",
            other.kind_name()
        ))),
    }
}

/// `rolling(...).agg(["sum", "mean"])`: a column per aggregation (of a frame, per column and
/// aggregation, named `COLUMN_AGG` as ddq names two levels of columns).
pub fn rolling_agg_list(rolling: &Rolling, aggs: &[Agg]) -> Result<Value> {
    if rolling.ewm.is_some() {
        return match aggs {
            [one] => rolling_aggregate(rolling, *one),
            _ => Err(
                DdqError::unsupported("ewm() is aggregated with mean() only")
                    .with_help("use .ewm(...).mean()"),
            ),
        };
    }
    let (frame, inputs): (&Frame, Vec<(Series, Option<String>)>) = match &rolling.target {
        Value::Series(s) => (&s.frame, vec![(s.clone(), None)]),
        Value::Frame(f) => {
            let columns = f
                .value_columns()
                .into_iter()
                .map(|name| column_series(f, &name).map(|s| (s, Some(name))));
            (f, columns.collect::<Result<_>>()?)
        }
        other => {
            return Err(DdqError::unsupported(format!(
                "agg([...]) of a window over {} is not supported",
                other.kind_name()
            ))
            .with_help("aggregate one at a time, e.g. `.rolling(3).sum()`"));
        }
    };
    let mut current = frame.clone();
    let keys = frame.key_columns();
    let mut exprs: Vec<Expr> = keys.iter().map(|k| column(k)).collect();
    for (series, name) in &inputs {
        for agg in aggs {
            let input = Series {
                frame: current.clone(),
                ..series.clone()
            };
            let result = window::rolling(&input, &Over::all(&current), rolling, *agg)?;
            current = result.frame;
            let label = match name {
                Some(name) => format!("{name}_{}", agg.name()),
                None => agg.name().to_string(),
            };
            exprs.push(result.expr.alias(label));
        }
    }
    exprs.extend(current.hidden_columns().iter().map(|h| column(h)));
    let df = current.df.clone().project(exprs)?;
    Ok(Value::Frame(Frame {
        index_columns: keys.len(),
        ..current.with_df(df)
    }))
}

/// `rolling(...).corr(other)` / `.cov(other)` with a series: of the window's series, or of
/// each value column of its frame, paired with `other` row by row.
pub fn rolling_relate(rolling: &Rolling, other: &Series, correlation: bool) -> Result<Value> {
    if rolling.ewm.is_some() {
        return Err(
            DdqError::unsupported("ewm().corr() and ewm().cov() are not supported")
                .with_help("use .ewm(...).mean()"),
        );
    }
    let Some((target, y)) = onto_rows(rolling.target.clone(), other) else {
        return Err(DdqError::type_error(format!(
            "cannot pair the window with `{}`: it is not a column of the same rows",
            other.name
        ))
        .with_help("pair columns of one frame, e.g. `df.rolling(3).corr(df[\"b\"])`"));
    };
    match target {
        Value::Series(s) => Ok(Value::Series(window::rolling_pair(
            &s,
            y,
            rolling,
            correlation,
        )?)),
        Value::Frame(f) => columns_of(&f, &f.value_columns(), &Over::all(&f), |s, _| {
            window::rolling_pair(s, y.clone(), rolling, correlation)
        }),
        other => Err(DdqError::type_error(format!(
            "corr/cov of a window over {} is not supported",
            other.kind_name()
        ))),
    }
}

/// An aggregation of a rolling window: of its series, or of each value column of its frame.
pub fn rolling_aggregate(rolling: &Rolling, agg: Agg) -> Result<Value> {
    if let Some(ewm) = &rolling.ewm {
        return ewm_aggregate(rolling, ewm, agg);
    }
    match &rolling.target {
        Value::Series(s) => Ok(Value::Series(window::rolling(
            s,
            &Over::all(&s.frame),
            rolling,
            agg,
        )?)),
        Value::Frame(f) => {
            let over = Over::all(f);
            columns_of(f, &f.value_columns(), &over, |s, over| {
                window::rolling(s, over, rolling, agg)
            })
        }
        Value::GroupBy(gb) => {
            let over = Over::groups(gb);
            if let Selection::Series(name) = &gb.selection {
                let series = column_series(&gb.frame, name)?;
                let windowed = window::rolling(&series, &over, rolling, agg)?;
                return Ok(Value::Series(window::by_group_then_row(gb, windowed)?));
            }
            // Each selected column's window, computed over a frame that gains what each needs.
            let mut current = gb.frame.clone();
            let mut columns = Vec::new();
            for name in selection_columns(gb) {
                let windowed =
                    window::rolling(&column_series(&current, &name)?, &over, rolling, agg)?;
                current = windowed.frame;
                columns.push((windowed.expr, name));
            }
            Ok(Value::Frame(window::group_rows_of(gb, &current, columns)?))
        }
        other => Err(crate::error::DdqError::type_error(format!(
            "rolling windows slide over a series or a frame, not {}",
            other.kind_name()
        ))),
    }
}

fn cumcount(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [ascending] = args.params()?;
    let ascending = ascending.bool_or(true)?;
    match receiver {
        Value::GroupBy(gb) => Ok(Value::Series(window::cumcount(&gb, ascending)?)),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// A window computation applied to a series, to each value column of a frame, or to the
/// selected columns of a groupby within each group (the keys are not part of the result, as in
/// pandas).
fn each_column(
    receiver: Value,
    args: &Args,
    compute: impl Fn(&Series, &Over) -> Result<Series>,
) -> Result<Value> {
    match receiver {
        Value::Series(s) => Ok(Value::Series(compute(&s, &Over::all(&s.frame))?)),
        Value::Frame(f) => {
            let over = Over::all(&f);
            columns_of(&f, &f.value_columns(), &over, compute)
        }
        Value::GroupBy(gb) if gb.bins.is_some() => Err(DdqError::unsupported(format!(
            "{}() of a resampler is not supported",
            args.verb().name
        ))
        .with_help("aggregate the bins first, e.g. `.resample(\"D\").mean()`, then call it")
        .at(args.call_span)),
        Value::GroupBy(gb) => grouped(&gb, compute),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// A window computation per group: on the selected column (a series) or on each selected column
/// (a frame).
pub(super) fn grouped(
    gb: &GroupBy,
    compute: impl Fn(&Series, &Over) -> Result<Series>,
) -> Result<Value> {
    let over = Over::groups(gb);
    let names = selection_columns(gb);
    match &gb.selection {
        Selection::Series(name) => {
            let series = column_series(&gb.frame, name)?;
            Ok(Value::Series(compute(&series, &over)?))
        }
        _ => columns_of(&gb.frame, &names, &over, compute),
    }
}

/// The frame's keys, then `names`, each replaced by its computed series. A computation may add hidden
/// columns to the frame; the next column is computed over the frame as it grew, so every
/// expression collected so far still finds its inputs.
pub(super) fn columns_of(
    frame: &Frame,
    names: &[String],
    over: &Over,
    compute: impl Fn(&Series, &Over) -> Result<Series>,
) -> Result<Value> {
    let mut current = frame.clone();
    let keys = frame.key_columns();
    let mut exprs: Vec<Expr> = keys.iter().map(|k| column(k)).collect();
    for name in names {
        let result = compute(&column_series(&current, name)?, over)?;
        current = result.frame;
        exprs.push(result.expr.alias(name));
    }
    exprs.extend(current.hidden_columns().iter().map(|h| column(h)));
    let df = current.df.clone().project(exprs)?;
    Ok(Value::Frame(Frame {
        index_columns: keys.len(),
        ..current.with_df(df)
    }))
}
