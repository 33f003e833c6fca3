//! Values that depend on neighbouring rows, in pandas row order: running totals and extremes
//! (`cumsum`, `cummax`, `cummin`), neighbours (`shift`, `diff`, `pct_change`), fills (`ffill`,
//! `bfill`) and a row's place in its group (`cumcount`). Each applies to a series, to every
//! column of a frame, or within each group of a groupby (`plan::window` builds them).

use super::Form::Method;
use super::Receiver as On;
use super::{Args, Verb, wrong_receiver};
use crate::error::Result;
use crate::plan::groupby::Agg;
use crate::plan::project::Project;
use crate::plan::resample::fixed_frequency;
use crate::plan::value::{Frame, GroupBy, Rolling, Selection, Series, Value, column};
use crate::plan::window::{self, FillArea, Over, RankMethod, Running};
use crate::plan::{Planner, column_series, selection_columns};
use datafusion::logical_expr::Expr;

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
        params: &["periods"],
        signature: "shift(periods=1)",
        summary: "Each row's value from `periods` rows earlier (later when negative).",
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
        params: &["window", "min_periods", "center"],
        signature: "rolling(window, min_periods=window, center=False)",
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
    let [periods] = args.params()?;
    let periods = periods.int_or(1)?;
    each_column(receiver, args, |s, over| window::shift(s, over, periods))
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

fn ffill(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [limit, area] = args.params()?;
    let (limit, area) = (fill_limit(limit)?, fill_area(area)?);
    each_column(receiver, args, |s, over| {
        window::fill(s, over, true, limit, area)
    })
}

fn bfill(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [limit, area] = args.params()?;
    let (limit, area) = (fill_limit(limit)?, fill_area(area)?);
    each_column(receiver, args, |s, over| {
        window::fill(s, over, false, limit, area)
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

/// `limit=`: how many missing values in a row a fill may fill, at least 1; none when left out.
fn fill_limit(limit: super::Arg) -> Result<Option<u64>> {
    match limit.given() {
        None => Ok(None),
        Some(Value::Int(n)) if *n >= 1 => Ok(Some(*n as u64)),
        Some(_) => Err(limit.invalid("limit must be an integer of at least 1")),
    }
}

/// `rolling(window, min_periods=None, center=False)`: a window of rows, aggregated next.
fn rolling(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    // The registry calls this only on the ROWS receivers.
    let [window_arg, min_periods_arg, center] = args.params()?;
    let window = match window_arg.required()? {
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
    })))
}

/// An aggregation of a rolling window: of its series, or of each value column of its frame.
pub fn rolling_aggregate(rolling: &Rolling, agg: Agg) -> Result<Value> {
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
fn columns_of(
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
