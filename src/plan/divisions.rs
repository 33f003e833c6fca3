//! Dask's divisions: after `set_index(col)`, the index values where each partition starts, and
//! the last partition's end (`ddf.divisions`, `ddf.known_divisions`). They let `.loc[label]`
//! name the partitions a label can be in, so that a scan reads only those.
//!
//! They are computed when `set_index` is planned, as Dask computes them when it is called: one
//! pass over the index column. When the partitions already come in index order without overlap
//! (files that are each a stretch of time, in time order), Dask keeps them and its divisions are
//! each partition's minimum and the last one's maximum; ddq gives the same. Otherwise Dask
//! shuffles rows into partitions between quantiles of the index (approximate ones, computed from
//! samples); ddq takes exact quantiles of the index's values, so the boundaries are the same
//! kind of thing but need not be the same values as Dask's.

use crate::error::{DdqError, Result};
use crate::plan::Planner;
use crate::plan::project::Project;
use crate::plan::value::{Frame, Scalar, Value, column};
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, UInt64Type};
use datafusion::functions_aggregate::expr_fn::{count, max, min};
use datafusion::logical_expr::{Case, Expr, cast, lit};
use datafusion::scalar::ScalarValue;
use std::cmp::Ordering;
use std::sync::Arc;

/// Beyond this many distinct index values, quantiles of an unsorted index are not computed
/// (their histogram would be held in memory) and the divisions stay unknown.
const MAX_DISTINCT_FOR_QUANTILES: usize = 1_000_000;

/// The boundaries of a frame's partitions by index value: partition `i` holds index values in
/// `[bounds[i], bounds[i + 1])`, the last one up to and including `bounds[n]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Divisions {
    pub bounds: Vec<ScalarValue>,
    /// The index column and the expression of each row's partition they describe: a frame whose
    /// index or partitions changed since has other ones, and no known divisions.
    pub index: String,
    pub partition: Expr,
}

/// The frame's divisions, if it still has the index and partitions they were computed for.
pub fn known(frame: &Frame) -> Option<&Divisions> {
    let divisions = frame.divisions.as_deref()?;
    let same_index = frame.key_columns() == [divisions.index.clone()];
    let same_partitions = frame.partition.as_ref() == Some(&divisions.partition);
    (same_index && same_partitions).then_some(divisions)
}

/// `ddf.divisions`: the boundaries, or Dask's `(None, ..., None)` (one more than there are
/// partitions) when they are not known.
pub fn as_value(frame: &Frame) -> Value {
    match known(frame) {
        Some(d) => Value::Tuple(d.bounds.iter().map(bound_value).collect()),
        None => Value::Tuple(vec![Value::None; frame.npartitions + 1]),
    }
}

fn bound_value(bound: &ScalarValue) -> Value {
    match bound {
        ScalarValue::Int64(Some(i)) => Value::Int(*i),
        ScalarValue::Float64(Some(x)) => Value::Float(*x),
        ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) => Value::Str(s.clone()),
        ScalarValue::Boolean(Some(b)) => Value::Bool(*b),
        other => Value::Scalar(Scalar {
            expr: lit(other.clone()),
            name: String::new(),
        }),
    }
}

/// The frame `set_index` made (index column `index`, rows still in their partitions), with the
/// divisions Dask would record. `sorted` is Dask's `sorted=True`: the caller says the partitions
/// are in index order, and it is an error if they are not.
pub fn record(planner: &Planner, frame: Frame, index: &str, sorted: bool) -> Result<Frame> {
    let Some(partition) = frame.partition.clone() else {
        return Ok(frame);
    };
    let ranges = partition_ranges(planner, &frame, index, &partition)?;
    if let Some(bounds) = in_order_bounds(&ranges, frame.npartitions, sorted) {
        return Ok(with_divisions(frame, bounds, index, partition));
    }
    if sorted {
        return Err(DdqError::input(format!(
            "set_index(\"{index}\", sorted=True): the partitions are not sorted by `{index}` (a partition starts before the one before it ends)"
        ))
        .with_help("leave out sorted=True and ddq sorts the rows"));
    }
    match quantile_bounds(planner, &frame, index, frame.npartitions)? {
        Some(bounds) => {
            let partition = partition_between(index, &bounds);
            let frame = Frame {
                npartitions: bounds.len() - 1,
                partition: Some(partition.clone()),
                ..frame
            };
            Ok(with_divisions(frame, bounds, index, partition))
        }
        None => Ok(frame),
    }
}

fn with_divisions(frame: Frame, bounds: Vec<ScalarValue>, index: &str, partition: Expr) -> Frame {
    Frame {
        divisions: Some(Arc::new(Divisions {
            bounds,
            index: index.to_string(),
            partition,
        })),
        ..frame
    }
}

/// One partition's smallest and largest index value (missing values left out).
#[derive(Debug, Clone, PartialEq)]
struct Range {
    partition: u64,
    min: ScalarValue,
    max: ScalarValue,
}

/// Each non-empty partition's range of index values, in partition order.
fn partition_ranges(
    planner: &Planner,
    frame: &Frame,
    index: &str,
    partition: &Expr,
) -> Result<Vec<Range>> {
    let query = frame.df.clone().group_by(
        vec![cast(partition.clone(), DataType::UInt64).alias("partition")],
        vec![
            min(column(index)).alias("min"),
            max(column(index)).alias("max"),
        ],
    )?;
    let mut ranges = Vec::new();
    for batch in planner.sources.collect_now(query)? {
        let parts = batch.column(0).as_primitive::<UInt64Type>();
        for row in 0..batch.num_rows() {
            let min = ScalarValue::try_from_array(batch.column(1), row)?;
            let max = ScalarValue::try_from_array(batch.column(2), row)?;
            if parts.is_valid(row) && !min.is_null() {
                ranges.push(Range {
                    partition: parts.value(row),
                    min,
                    max,
                });
            }
        }
    }
    ranges.sort_by_key(|r| r.partition);
    Ok(ranges)
}

/// Dask's test for partitions already in index order: every partition has values, the minimums
/// and the maximums each ascend, and each partition ends before the next begins (with
/// `sorted=True`, touching ends are allowed). Then the divisions are the minimums and the last
/// maximum.
fn in_order_bounds(ranges: &[Range], npartitions: usize, sorted: bool) -> Option<Vec<ScalarValue>> {
    let complete = ranges.len() == npartitions && npartitions > 0;
    let ascending = ranges.windows(2).all(|pair| {
        let (a, b) = (&pair[0], &pair[1]);
        let ends_before = match a.max.partial_cmp(&b.min) {
            Some(Ordering::Less) => true,
            Some(Ordering::Equal) => sorted,
            _ => false,
        };
        a.min
            .partial_cmp(&b.min)
            .is_some_and(|o| o != Ordering::Greater)
            && a.max
                .partial_cmp(&b.max)
                .is_some_and(|o| o != Ordering::Greater)
            && ends_before
    });
    if !complete || !ascending {
        return None;
    }
    let mut bounds: Vec<ScalarValue> = ranges.iter().map(|r| r.min.clone()).collect();
    bounds.push(ranges.last()?.max.clone());
    Some(bounds)
}

/// Boundaries at the quantiles `0, 1/n, ..., 1` of the index's values (each a value the index
/// has, equal ones merged, so there may be fewer partitions than asked), from a histogram of
/// the values; None when there are no values or too many distinct ones.
fn quantile_bounds(
    planner: &Planner,
    frame: &Frame,
    index: &str,
    npartitions: usize,
) -> Result<Option<Vec<ScalarValue>>> {
    let histogram = frame
        .df
        .clone()
        .keep_rows(column(index).is_not_null())?
        .group_by(vec![column(index)], vec![count(lit(1)).alias("rows")])?
        .limit(0, Some(MAX_DISTINCT_FOR_QUANTILES + 1))?;
    let mut values: Vec<(ScalarValue, i64)> = Vec::new();
    for batch in planner.sources.collect_now(histogram)? {
        values.extend(histogram_rows(&batch)?);
    }
    if values.is_empty() || values.len() > MAX_DISTINCT_FOR_QUANTILES {
        return Ok(None);
    }
    values.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(Ordering::Equal));
    Ok(Some(quantiles_of(&values, npartitions.max(1))))
}

fn histogram_rows(batch: &RecordBatch) -> Result<Vec<(ScalarValue, i64)>> {
    let counts = batch
        .column(1)
        .as_primitive::<datafusion::arrow::datatypes::Int64Type>();
    (0..batch.num_rows())
        .map(|row| {
            Ok((
                ScalarValue::try_from_array(batch.column(0), row)?,
                counts.value(row),
            ))
        })
        .collect()
}

/// The values at positions `k * (rows - 1) / n` of the sorted values (k = 0..=n), given as
/// distinct values with their counts in ascending order; repeats merged as Dask merges them (all
/// but the last boundary made unique, then the last one added, so that the last partition may
/// hold a single value).
fn quantiles_of(values: &[(ScalarValue, i64)], n: usize) -> Vec<ScalarValue> {
    let rows: i64 = values.iter().map(|(_, c)| c).sum();
    let mut quantiles: Vec<&ScalarValue> = Vec::with_capacity(n + 1);
    let mut seen = 0i64;
    for (value, count) in values {
        seen += count;
        // Every quantile position below the rows seen so far falls on this value.
        while quantiles.len() <= n && (quantiles.len() as i64) * (rows - 1) / (n as i64) < seen {
            quantiles.push(value);
        }
    }
    let Some((last, rest)) = quantiles.split_last() else {
        return Vec::new();
    };
    let mut bounds: Vec<ScalarValue> = Vec::with_capacity(n + 1);
    for value in rest {
        if bounds.last() != Some(*value) {
            bounds.push((*value).clone());
        }
    }
    bounds.push((*last).clone());
    bounds
}

/// Each row's partition among `bounds` by its index value: `i` where
/// `bounds[i] <= value < bounds[i + 1]`, the last partition taking its upper bound too.
fn partition_between(index: &str, bounds: &[ScalarValue]) -> Expr {
    let inner = &bounds[1..bounds.len() - 1];
    let last = inner.len() as u64;
    if inner.is_empty() {
        return lit(0u64);
    }
    let when_then = inner
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let below = column(index).lt(lit(b.clone()));
            (Box::new(below), Box::new(lit(i as u64)))
        })
        .collect();
    Expr::Case(Case::new(None, when_then, Some(Box::new(lit(last)))))
}

/// The partitions whose index values may lie between `low` (included) and `high` (included, or
/// excluded when `high_excluded`); either end may be open. Every partition when the bounds
/// cannot be compared with the labels.
pub fn partitions_between(
    d: &Divisions,
    low: Option<&ScalarValue>,
    high: Option<(&ScalarValue, bool)>,
) -> Vec<u64> {
    let n = d.bounds.len() - 1;
    (0..n)
        .filter(|&i| {
            let (start, end) = (&d.bounds[i], &d.bounds[i + 1]);
            let last = i + 1 == n;
            let after_low = low.is_none_or(|low| match end.partial_cmp(low) {
                Some(Ordering::Greater) => true,
                Some(Ordering::Equal) => last,
                Some(Ordering::Less) => false,
                None => true,
            });
            let before_high = high.is_none_or(|(high, excluded)| match start.partial_cmp(high) {
                Some(Ordering::Less) => true,
                Some(Ordering::Equal) => !excluded,
                Some(Ordering::Greater) => false,
                None => true,
            });
            after_low && before_high
        })
        .map(|i| i as u64)
        .collect()
}

/// A label bound's value when it is a constant (a literal, or a cast of one), as the index's
/// type; None for anything computed.
pub fn constant(expr: &Expr, index_type: &DataType) -> Option<ScalarValue> {
    let value = match expr {
        Expr::Literal(value, _) => value.clone(),
        Expr::Cast(c) => match c.expr.as_ref() {
            Expr::Literal(value, _) => value.cast_to(c.field.data_type()).ok()?,
            _ => return None,
        },
        _ => return None,
    };
    if &value.data_type() == index_type {
        return Some(value);
    }
    value.cast_to(index_type).ok()
}

/// A filter keeping only the partitions `kept` when the frame's divisions are known and some
/// partitions are left out (a scan given it reads only the others); None otherwise.
pub fn only_partitions(frame: &Frame, kept: Vec<u64>) -> Option<Expr> {
    let d = known(frame)?;
    if kept.len() == d.bounds.len() - 1 {
        return None;
    }
    let list = kept.into_iter().map(lit).collect();
    Some(cast(d.partition.clone(), DataType::UInt64).in_list(list, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(i: i64) -> ScalarValue {
        ScalarValue::Int64(Some(i))
    }

    fn range(partition: u64, min: i64, max: i64) -> Range {
        Range {
            partition,
            min: int(min),
            max: int(max),
        }
    }

    #[test]
    fn partitions_in_order_give_their_minimums_and_the_last_maximum() {
        let ranges = [range(0, 1, 9), range(1, 10, 19), range(2, 20, 25)];
        assert_eq!(
            in_order_bounds(&ranges, 3, false),
            Some(vec![int(1), int(10), int(20), int(25)])
        );
        // An empty partition, an overlap or a touching end (without sorted=True) is not in order.
        assert_eq!(in_order_bounds(&ranges[..2], 3, false), None);
        let overlapping = [range(0, 1, 12), range(1, 10, 19)];
        assert_eq!(in_order_bounds(&overlapping, 2, false), None);
        let touching = [range(0, 1, 10), range(1, 10, 19)];
        assert_eq!(in_order_bounds(&touching, 2, false), None);
        assert_eq!(
            in_order_bounds(&touching, 2, true),
            Some(vec![int(1), int(10), int(19)])
        );
    }

    #[test]
    fn quantiles_are_values_of_the_index_with_repeats_merged() {
        // 0..=9 once each: positions 0, 3, 6, 9 for three partitions.
        let values: Vec<_> = (0..10).map(|v| (int(v), 1)).collect();
        assert_eq!(
            quantiles_of(&values, 3),
            vec![int(0), int(3), int(6), int(9)]
        );
        // Three values for ten partitions: Dask's ('EWR', 'JFK', 'LGA', 'LGA') for Origin.
        let few = [(int(1), 5), (int(2), 5), (int(3), 5)];
        assert_eq!(quantiles_of(&few, 10), vec![int(1), int(2), int(3), int(3)]);
        assert_eq!(quantiles_of(&[(int(7), 4)], 4), vec![int(7), int(7)]);
    }

    #[test]
    fn a_label_range_keeps_the_partitions_that_can_hold_it() {
        let d = Divisions {
            bounds: vec![int(0), int(10), int(20), int(30)],
            index: "i".into(),
            partition: column("p"),
        };
        assert_eq!(
            partitions_between(&d, Some(&int(10)), Some((&int(10), false))),
            [1]
        );
        assert_eq!(
            partitions_between(&d, Some(&int(5)), Some((&int(20), true))),
            [0, 1]
        );
        assert_eq!(
            partitions_between(&d, Some(&int(5)), Some((&int(20), false))),
            [0, 1, 2]
        );
        assert_eq!(partitions_between(&d, Some(&int(30)), None), [2]);
        assert_eq!(
            partitions_between(&d, None, Some((&int(-1), false))),
            Vec::<u64>::new()
        );
        assert_eq!(
            partitions_between(&d, Some(&int(31)), None),
            Vec::<u64>::new()
        );
    }
}
