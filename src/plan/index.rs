//! The index: the leading key columns of a frame (`Frame::index_columns`). `set_index` makes a
//! column the index and sorts by it as Dask does (ties keep file order, so answers repeat);
//! `reset_index` turns the index back into columns (or numbers the rows, pandas' `index`
//! column, when there is none); `sort_index` orders by it; `.loc[label]` and `.loc[a:b]` take
//! the rows whose index matches, with pandas' partial date strings (`"1992-05"` is all of May).

use crate::error::{DdqError, Result};
use crate::plan::ops::{expr_type, is_temporal, literal_expr};
use crate::plan::order::{keep_order_for, position_in_order, unique_hidden, with_position};
use crate::plan::project::Project;
use crate::plan::sources::{PART_COLUMN, ROW_COLUMN};
use crate::plan::value::{DUPLICATE_SUFFIX, Frame, Series, Value, column};
use crate::plan::{Planner, check_columns, column_series, divisions, frame, series};
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::JoinType;
use datafusion::functions::expr_fn::coalesce;
use datafusion::functions_aggregate::expr_fn::count;
use datafusion::functions_aggregate::sum::sum_udaf;
use datafusion::logical_expr::expr::WindowFunction;
use datafusion::logical_expr::{
    Expr, LogicalPlan, SortExpr, WindowFrame, WindowFrameBound, WindowFrameUnits, cast, lit,
};
use datafusion::prelude::DataFrame;
use datafusion::scalar::ScalarValue;

/// `set_index(key, drop=True)`: `key` becomes the one index column, rows sorted by it.
pub fn set_index(frame: &Frame, key: &str, drop: bool) -> Result<Frame> {
    check_columns(frame, &[key.to_string()])?;
    let others: Vec<String> = frame
        .value_columns()
        .into_iter()
        .filter(|c| !drop || c != key)
        .collect();
    // A column kept beside the index needs another internal name than the index's.
    let index_name = if drop {
        key.to_string()
    } else {
        format!("{key}{DUPLICATE_SUFFIX}")
    };
    let mut keep = others.clone();
    keep.push(key.to_string());
    let frame = keep_order_for(frame, &keep)?;
    let mut select = vec![column(key).alias(&index_name)];
    select.extend(others.iter().map(|c| column(c)));
    select.extend(frame.hidden_columns().iter().map(|h| column(h)));
    let mut order = vec![column(&index_name).sort(true, false)];
    order.extend(frame.order.iter().cloned());
    Ok(Frame {
        order,
        index_columns: 1,
        origin: "set-index".into(),
        divisions: None,
        ..frame.with_df(frame.df.clone().project(select)?)
    })
}

/// `reset_index(drop=False)` of a frame: the index becomes ordinary columns (or, with `drop`,
/// goes); a frame without an index gets pandas' `index` column of row positions.
pub fn reset_frame(frame: &Frame, drop: bool) -> Result<Frame> {
    let keys = frame.key_columns();
    if keys.is_empty() {
        return match drop {
            true => relabelled(frame),
            false => relabelled(&numbered(frame)?),
        };
    }
    if !drop {
        return relabelled(&Frame {
            index_columns: 0,
            ..frame.clone()
        });
    }
    let values = frame.value_columns();
    let frame = keep_order_for(frame, &values)?;
    let mut select: Vec<Expr> = values.iter().map(|c| column(c)).collect();
    select.extend(frame.hidden_columns().iter().map(|h| column(h)));
    relabelled(&Frame {
        index_columns: 0,
        ..frame.with_df(frame.df.clone().project(select)?)
    })
}

/// `reset_index()` of a series: a frame of its index and its values.
pub fn reset_series(series: &Series, drop: bool) -> Result<Value> {
    if drop {
        let frame = reset_frame(&series::to_frame(series)?, true)?;
        return Ok(Value::Series(column_series(
            &frame,
            &frame.value_columns()[0],
        )?));
    }
    let frame = series::to_frame(series)?;
    Ok(Value::Frame(reset_frame(&frame, false)?))
}

/// A frame without an index gets one made of row positions, shown as pandas' `index` column.
/// pandas' labels are the positions the rows had when read, kept through filters and sorts;
/// rows combined from several reads have no one such position here, so ddq refuses.
fn numbered(frame: &Frame) -> Result<Frame> {
    let (positioned, position) = read_positions(frame, || {
        DdqError::unsupported(
            "reset_index() of a concat of filtered or combined frames: pandas would give each row the label it had in its part, which ddq does not keep there",
        )
        .with_help("reset_index() each part before the concat, or use reset_index(drop=True)")
    })?;
    let mut select = vec![column(&position).alias("index")];
    select.extend(frame.value_columns().iter().map(|c| column(c)));
    select.extend(positioned.hidden_columns().iter().map(|h| column(h)));
    Ok(positioned.with_df(positioned.df.clone().project(select)?))
}

/// `sort_index(ascending=True)`: rows ordered by the index, ties in their current order; a
/// frame without an index is already in index order (or reversed).
pub fn sort_index(frame: &Frame, ascending: bool) -> Result<Frame> {
    let keys = frame.key_columns();
    if keys.is_empty() {
        if ascending {
            return Ok(frame.clone());
        }
        let position = unique_hidden(frame, "__ddq_pos");
        let positioned = with_position(frame, &position)?;
        return Ok(Frame {
            order: vec![column(&position).sort(false, false)],
            ..positioned
        });
    }
    let mut order: Vec<SortExpr> = keys
        .iter()
        .map(|k| column(k).sort(ascending, false))
        .collect();
    order.extend(frame.order.iter().cloned());
    Ok(Frame {
        order,
        ..frame.clone()
    })
}

/// The index as a series: the index column's values, or row positions (pandas' RangeIndex)
/// for a frame without one.
pub fn index_series(frame: &Frame) -> Result<Series> {
    match frame.key_columns().as_slice() {
        // The index's values on their own: no longer keyed by themselves.
        [key] => {
            let series = column_series(frame, key)?;
            Ok(Series {
                frame: Frame {
                    index_columns: 0,
                    ..series.frame.clone()
                },
                ..series
            })
        }
        [] => {
            let (positioned, position) = read_positions(frame, || {
                DdqError::unsupported(
                    "the index of a concat of filtered or combined frames: pandas keeps each row's label from its part, which ddq does not carry there",
                )
                .with_help("reset_index() each part before the concat, or set_index(\"col\") first to carry a label")
            })?;
            Ok(Series {
                expr: column(&position),
                name: String::new(),
                frame: positioned,
                categories: None,
            })
        }
        _ => Err(DdqError::unsupported(
            "the index of several key columns is not supported as a value",
        )
        .with_help("reset_index() turns the keys into columns")),
    }
}

/// The one index column a label lookup or a resample reads.
pub fn single_index(frame: &Frame, what: &str) -> Result<String> {
    match frame.key_columns().as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(
            DdqError::type_error(format!("{what} needs an index, and this frame has none"))
                .with_help("set one first, e.g. `df.set_index(\"Date\")`"),
        ),
        _ => Err(DdqError::unsupported(format!(
            "{what} on an index of several columns is not supported"
        ))
        .with_help("reset_index() and set_index(\"one column\")")),
    }
}

/// `.loc[label]` and `.loc[start:stop]` (both ends included, either may be left out) on a
/// frame with an index: the rows whose index matches, as a frame (Dask's `.loc` always gives
/// one).
pub fn rows_by_label(
    frame: &Frame,
    start: Option<&Value>,
    stop: Option<&Value>,
    slice: bool,
) -> Result<Frame> {
    let index = single_index(frame, ".loc by label")?;
    let t = expr_type(frame, &column(&index))?;
    let key = column(&index);
    // The lowest label kept, and the highest with whether it is itself left out.
    let (mut low, mut high): (Option<Expr>, Option<(Expr, bool)>) = (None, None);
    if let Some(start) = start {
        let (from, until) = label_bounds(start, &t)?;
        high = match (slice, until) {
            (false, Some(until)) => Some((until, true)),
            (false, None) => Some((from.clone(), false)),
            (true, _) => None,
        };
        low = Some(from);
    }
    if let Some(stop) = stop {
        high = Some(match label_bounds(stop, &t)? {
            (_, Some(until)) => (until, true),
            (to, None) => (to, false),
        });
    }
    let mut conditions: Vec<Expr> = Vec::new();
    conditions.extend(low.iter().map(|from| key.clone().gt_eq(from.clone())));
    conditions.extend(high.iter().map(|(to, excluded)| match excluded {
        true => key.clone().lt(to.clone()),
        false => key.clone().lt_eq(to.clone()),
    }));
    conditions.extend(partition_filter(frame, &t, &[(low, high)]));
    keep_all(frame, conditions)
}

/// A range of index labels: the lowest kept, and the highest with whether it is left out.
type LabelRange = (Option<Expr>, Option<(Expr, bool)>);

/// A filter to the partitions that can hold index values in any of `ranges`, when the frame's
/// divisions are known and every bound is a constant.
fn partition_filter(frame: &Frame, index_type: &DataType, ranges: &[LabelRange]) -> Option<Expr> {
    let d = divisions::known(frame)?;
    let constant = |e: &Expr| divisions::constant(e, index_type);
    let mut kept = Vec::new();
    for (low, high) in ranges {
        let low = match low {
            Some(e) => Some(constant(e)?),
            None => None,
        };
        let high = match high {
            Some((e, excluded)) => Some((constant(e)?, *excluded)),
            None => None,
        };
        let high = high.as_ref().map(|(v, excluded)| (v, *excluded));
        kept.extend(divisions::partitions_between(d, low.as_ref(), high));
    }
    kept.sort_unstable();
    kept.dedup();
    divisions::only_partitions(frame, kept)
}

/// The rows meeting every condition.
fn keep_all(frame: &Frame, conditions: Vec<Expr>) -> Result<Frame> {
    match conditions.into_iter().reduce(Expr::and) {
        Some(c) => Ok(frame.with_df(frame.df.clone().keep_rows(c)?)),
        None => Ok(frame.clone()),
    }
}

/// A label as an expression of the index's type; for a date string on a datetime index, the
/// start of the period it names and the start of the next one (`"1992-05"`: May 1st and June
/// 1st), as pandas' partial string indexing reads it.
fn label_bounds(label: &Value, t: &DataType) -> Result<(Expr, Option<Expr>)> {
    let literal = literal_expr(label).ok_or_else(|| {
        DdqError::type_error(format!(
            "a .loc label must be a value, not {}",
            label.kind_name()
        ))
    })?;
    let (Value::Str(text), true) = (label, is_temporal(t)) else {
        return Ok((cast(literal, t.clone()), None));
    };
    let period = partial_date(text).ok_or_else(|| {
        DdqError::type_error(format!("{text:?} is not a date or time"))
            .with_help("write dates as \"1992-05-05\", \"1992-05\" or \"1992\"")
    })?;
    let timestamp = |s: String| cast(lit(s), DataType::Timestamp(TimeUnit::Nanosecond, None));
    Ok(match period {
        Period::Exact(s) => (timestamp(s), None),
        Period::Range(from, until) => (timestamp(from), Some(timestamp(until))),
    })
}

enum Period {
    Exact(String),
    Range(String, String),
}

/// `"1992"`, `"1992-05"` and `"1992-05-05"` name a year, a month and a day; anything longer is
/// one instant.
fn partial_date(text: &str) -> Option<Period> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let number = |s: &str| s.parse::<i32>().ok();
    match parts.as_slice() {
        [y] if y.len() == 4 => {
            let y = number(y)?;
            Some(Period::Range(
                format!("{y:04}-01-01"),
                format!("{:04}-01-01", y + 1),
            ))
        }
        [y, m] if y.len() == 4 => {
            let (y, m) = (number(y)?, number(m)?);
            if !(1..=12).contains(&m) {
                return None;
            }
            let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            Some(Period::Range(
                format!("{y:04}-{m:02}-01"),
                format!("{ny:04}-{nm:02}-01"),
            ))
        }
        [y, m, d] if y.len() == 4 && d.len() <= 2 => {
            let (y, m, d) = (number(y)?, number(m)?, number(d)?);
            let day = chrono::NaiveDate::from_ymd_opt(y, m as u32, d as u32)?;
            let next = day.succ_opt()?;
            Some(Period::Range(day.to_string(), next.to_string()))
        }
        _ => Some(Period::Exact(text.to_string())),
    }
}

/// The rows `.loc[rows]` names when `rows` is not a mask: index labels on a frame with an
/// index; on one without, pandas' default index, where labels are row positions (a slice
/// includes its end).
pub fn loc_rows(frame: &Frame, rows: Value) -> Result<Frame> {
    let keyed = !frame.key_columns().is_empty();
    match rows {
        Value::LabelSlice(a, b) => rows_by_label(frame, a.as_deref(), b.as_deref(), true),
        Value::Slice(a, b, None) if keyed => {
            let (a, b) = (a.map(Value::Int), b.map(Value::Int));
            rows_by_label(frame, a.as_ref(), b.as_ref(), true)
        }
        Value::Slice(a, b, None) if a.unwrap_or(0) >= 0 && b.unwrap_or(0) >= 0 => {
            frame::rows_slice(frame, a, b.map(|b| b + 1))
        }
        Value::List(labels) if keyed => rows_in(frame, &labels),
        Value::List(positions) => match frame::iloc(frame.clone(), Value::List(positions))? {
            Value::Frame(f) => Ok(f),
            _ => Err(DdqError::type_error(".loc[[...]] takes a list of labels")),
        },
        label @ (Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_)) if keyed => {
            rows_by_label(frame, Some(&label), None, false)
        }
        Value::Int(i) if i >= 0 => frame::rows_slice(frame, Some(i), Some(i + 1)),
        // A computed label (`df.loc[df.col.idxmax()]`): on the default index, a row position.
        Value::Scalar(label) if !keyed => {
            let (positioned, position) = read_positions(frame, || {
                DdqError::type_error(
                    ".loc[label] after a filter or sort: ddq does not keep pandas' original labels",
                )
                .with_help("take the row before filtering, or reset_index(drop=True) first")
            })?;
            let at = cast(column(&position), DataType::Int64).eq(cast(label.expr, DataType::Int64));
            Ok(positioned.with_df(positioned.df.clone().keep_rows(at)?))
        }
        other => Err(DdqError::type_error(format!(
            ".loc rows must be a boolean series, an index label, a list of labels or a slice, not {}",
            other.kind_name()
        ))
        .with_help(if keyed {
            "e.g. `df.loc[df.col > 0]`, `df.loc[\"1992-05\"]` or `df.loc[\"1992-01\":\"1992-06\"]`"
        } else {
            "this frame has no index: use a mask such as `df.loc[df.col > 0]`, or `set_index(\"col\")` first"
        })),
    }
}

/// Rows whose index is one of `labels`.
fn rows_in(frame: &Frame, labels: &[Value]) -> Result<Frame> {
    let index = single_index(frame, ".loc by labels")?;
    let t = expr_type(frame, &column(&index))?;
    let mut values = Vec::new();
    for label in labels {
        values.push(label_bounds(label, &t)?.0);
    }
    // Each label is a range of its own, from itself to itself.
    let ranges: Vec<LabelRange> = values
        .iter()
        .map(|v| (Some(v.clone()), Some((v.clone(), false))))
        .collect();
    let mut conditions = vec![column(&index).in_list(values, false)];
    conditions.extend(partition_filter(frame, &t, &ranges));
    keep_all(frame, conditions)
}

/// `s.loc[...]` and `s.iloc[...]`: the rows of a series, as a series; one position
/// (`s.iloc[5]`) gives that value.
pub fn series_rows(planner: &Planner, s: Series, index: Value, by_label: bool) -> Result<Value> {
    // A mask or a function of the series (`s.loc[s > 0]`, `s.loc[lambda s: s > 0]`) filters the
    // series' own frame, which the mask was built from.
    let index = match index {
        Value::Lambda(lambda) => planner.apply_lambda(&lambda, vec![Value::Series(s.clone())])?,
        other => other,
    };
    if let Value::Series(mask) = index {
        return series::subscript(planner, s, Value::Series(mask));
    }
    let as_frame = series::to_frame(&s)?;
    let value = as_frame.value_columns().pop().unwrap_or_default();
    if let (false, Value::Int(i)) = (by_label, &index) {
        let row = match frame::iloc(as_frame, Value::List(vec![Value::Int(*i)]))? {
            Value::Frame(row) => row,
            _ => return Err(DdqError::type_error("iloc[i] takes one position")),
        };
        return frame::first_value(&row, &value, &s.name);
    }
    let rows = if by_label {
        frame::loc(planner, as_frame, index)?
    } else {
        frame::iloc(as_frame, index)?
    };
    match rows {
        Value::Frame(rows) => Ok(Value::Series(Series {
            expr: column(&value),
            name: s.name,
            frame: rows,
            categories: None,
        })),
        other => Ok(other),
    }
}

/// The hidden column holding each row's label where it is no longer the row's position when
/// read: a merge numbers its rows afresh (pandas' new RangeIndex), a concat keeps each part's
/// labels, a `reset_index` numbers the rows in their order.
pub const LABEL_COLUMN: &str = "__ddq_label";

/// `frame` with its rows labelled by their positions in its order, as pandas' fresh RangeIndex
/// labels them; the order itself is unchanged. While nothing reads the labels the engine drops
/// the numbering from the plan, so it costs nothing.
pub fn relabelled(frame: &Frame) -> Result<Frame> {
    let label = position_in_order(frame)?;
    Ok(frame.with_df(frame.df.clone().set_column(LABEL_COLUMN, label)?))
}

/// The labels a concat keeps of one of its parts, when they cost nothing until read: those it
/// carries, or the positions of rows as read.
pub fn part_labels(frame: &Frame) -> Result<Option<Expr>> {
    if frame.hidden_columns().iter().any(|h| h == LABEL_COLUMN) {
        return Ok(Some(column(LABEL_COLUMN)));
    }
    if rows_as_read(frame.df.logical_plan()) {
        return Ok(Some(position_in_order(frame)?));
    }
    Ok(None)
}

/// The frame with a hidden column (its name returned) of each row's label, for what aligns
/// rows on their labels (`join` of frames without an index, `concat(axis=1)`).
pub fn row_labels(frame: &Frame, what: &str) -> Result<(Frame, String)> {
    let what = what.to_string();
    read_positions(frame, || {
        DdqError::unsupported(format!(
            "{what} of a frame whose rows were combined from several reads: pandas aligns them on row labels ddq does not keep there"
        ))
        .with_help("reset_index() the frame first, or set_index(\"col\") to align on a column")
    })
}

/// The frame with a hidden column (its name returned) of each row's label: the labels it
/// carries, else its position when read, which is pandas' default index while the rows are
/// those read (filtered or sorted); otherwise `refusal`.
fn read_positions(frame: &Frame, refusal: impl FnOnce() -> DdqError) -> Result<(Frame, String)> {
    if frame.hidden_columns().iter().any(|h| h == LABEL_COLUMN) {
        return Ok((frame.clone(), LABEL_COLUMN.to_string()));
    }
    let position = unique_hidden(frame, "__ddq_pos");
    // From the scan's own partition and row columns, which hold through filters and sorts;
    // else the frame's rows, numbered, when they are still the rows read, in their order.
    match scan_under_filters(frame.df.logical_plan()) {
        Some(scan) if frame.has_file_place() => {
            Ok((with_scan_positions(frame, scan, &position)?, position))
        }
        _ if rows_as_read(frame.df.logical_plan()) => {
            Ok((with_position(frame, &position)?, position))
        }
        _ => Err(refusal()),
    }
}

/// `frame` with `name` holding each row's position when read, as pandas keeps it through
/// filters and sorts: the rows the scan's earlier partitions hold, plus the row's place in its
/// own (the scan's hidden partition and row columns, which the rows still carry).
fn with_scan_positions(frame: &Frame, scan: &LogicalPlan, name: &str) -> Result<Frame> {
    let (state, _) = frame.df.clone().into_parts();
    let rows = DataFrame::new(state, scan.clone());
    let sizes = rows.group_by(
        vec![column(PART_COLUMN)],
        vec![count(lit(1)).alias("__ddq_part_rows")],
    )?;
    let mut before = WindowFunction::new(sum_udaf(), vec![column("__ddq_part_rows")]);
    before.params.order_by = vec![column(PART_COLUMN).sort(true, false)];
    before.params.window_frame = WindowFrame::new_bounds(
        WindowFrameUnits::Rows,
        WindowFrameBound::Preceding(ScalarValue::UInt64(None)),
        WindowFrameBound::Preceding(ScalarValue::UInt64(Some(1))),
    );
    let offsets = sizes.project([
        column(PART_COLUMN).alias("__ddq_offset_part"),
        coalesce(vec![cast(Expr::from(before), DataType::Int64), lit(0i64)]).alias("__ddq_offset"),
    ])?;
    let joined = frame.df.clone().join_on(
        offsets,
        JoinType::Left,
        [column(PART_COLUMN).eq(column("__ddq_offset_part"))],
    )?;
    let position = column("__ddq_offset") + cast(column(ROW_COLUMN), DataType::Int64);
    let mut select: Vec<Expr> = frame.columns().iter().map(|c| column(c)).collect();
    select.extend(frame.hidden_columns().iter().map(|h| column(h)));
    select.push(position.alias(name));
    Ok(frame.with_df(joined.project(select)?))
}

/// The unqualified name of the column `e` gives.
fn output_name(e: &Expr) -> String {
    match e {
        Expr::Column(c) => c.name.clone(),
        Expr::Alias(alias) => alias.name.clone(),
        other => other.schema_name().to_string(),
    }
}

/// Whether `e` is column `name` of the input, unchanged (or aliased to its own name).
fn passes_through(e: &Expr, name: &str) -> bool {
    match e {
        Expr::Column(c) => c.name == name,
        Expr::Alias(alias) => alias.name == name && passes_through(&alias.expr, name),
        _ => false,
    }
}

/// The one scan under `plan` when only filters, sorts, limits, windows and projections that
/// pass the scan's partition and row columns through unchanged lie above it: the rows keep
/// the place they were read at.
fn scan_under_filters(plan: &LogicalPlan) -> Option<&LogicalPlan> {
    match plan {
        LogicalPlan::TableScan(_) => Some(plan),
        LogicalPlan::Projection(projection) => {
            let keeps_place = [PART_COLUMN, ROW_COLUMN].iter().all(|name| {
                let mut producing = projection
                    .expr
                    .iter()
                    .filter(|e| output_name(e) == *name)
                    .peekable();
                producing.peek().is_some() && producing.all(|e| passes_through(e, name))
            });
            if !keeps_place {
                return None;
            }
            scan_under_filters(&projection.input)
        }
        LogicalPlan::Filter(_)
        | LogicalPlan::Sort(_)
        | LogicalPlan::Limit(_)
        | LogicalPlan::Window(_)
        | LogicalPlan::SubqueryAlias(_) => match plan.inputs().as_slice() {
            [input] => scan_under_filters(input),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a plan still holds the rows it read, in the order read: only projections and
/// windows above the scan.
fn rows_as_read(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::TableScan(_) => true,
        LogicalPlan::Projection(_) | LogicalPlan::Window(_) | LogicalPlan::SubqueryAlias(_) => {
            plan.inputs().into_iter().all(rows_as_read)
        }
        _ => false,
    }
}
