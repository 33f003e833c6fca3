//! Partition pruning: filters that only look at the hidden partition column (how the planner
//! writes `ddf.partitions[3]`, `head`, `tail`) decide which partitions are read at all, and
//! filters naming rows of partitions (how a shown frame fetches its shown rows, see
//! `engine::late_ends`) where reading each partition may stop.
//!
//! DataFusion still applies every filter after the scan (they are pushed down as "inexact"),
//! so this only has to be right when it says a partition can be skipped.

use crate::plan::sources::{PART_COLUMN, ROW_COLUMN};
use datafusion::arrow::datatypes::DataType;
use datafusion::logical_expr::expr::InList;
use datafusion::logical_expr::{Between, BinaryExpr, Cast, Expr, Operator, TryCast};
use datafusion::scalar::ScalarValue;
use std::collections::BTreeMap;

/// Whether the scan can use `filter` to skip partitions.
pub(crate) fn is_partition_filter(filter: &Expr) -> bool {
    // Whether an expression is understood does not depend on the partition tried.
    keeps(filter, 0).is_some()
}

/// The partitions (of `count`) that every filter may keep, ascending.
pub(crate) fn partitions_kept(filters: &[Expr], count: usize) -> Vec<usize> {
    (0..count)
        .filter(|&part| filters.iter().all(|f| keeps(f, part as u64) != Some(false)))
        .collect()
}

/// Whether the scan can use `filter` to stop reading partitions early.
pub(crate) fn is_row_filter(filter: &Expr) -> bool {
    rows_named(filter).is_some()
}

/// Per partition, the row past the last one the filters can keep, for the partitions a filter
/// of the form `part = p AND row IN (...) OR ...` names.
pub(crate) fn row_ends(filters: &[Expr]) -> BTreeMap<usize, u64> {
    let mut ends = BTreeMap::new();
    for named in filters.iter().filter_map(rows_named) {
        for (part, end) in named {
            let kept = ends.entry(part).or_insert(end);
            *kept = end.min(*kept);
        }
    }
    ends
}

/// For `part = p AND row IN (...)`, or several such terms joined by OR: per partition named,
/// the row past the largest named. A partition not named keeps no row; it is pruned by the
/// partition filter that accompanies such a filter.
fn rows_named(filter: &Expr) -> Option<BTreeMap<usize, u64>> {
    match filter {
        Expr::BinaryExpr(BinaryExpr {
            left,
            op: Operator::Or,
            right,
        }) => {
            let mut ends = rows_named(left)?;
            for (part, end) in rows_named(right)? {
                let kept = ends.entry(part).or_insert(end);
                *kept = end.max(*kept);
            }
            Some(ends)
        }
        Expr::BinaryExpr(BinaryExpr {
            left,
            op: Operator::And,
            right,
        }) => {
            let (part, last) = match (part_named(left), part_named(right)) {
                (Some(part), _) => (part, last_row_named(right)?),
                (_, Some(part)) => (part, last_row_named(left)?),
                _ => return None,
            };
            Some(BTreeMap::from([(part, last + 1)]))
        }
        _ => None,
    }
}

/// The largest row of `row IN (...)`, `row = r`, or such terms joined by OR (the optimizer
/// writes short lists that way).
fn last_row_named(expr: &Expr) -> Option<u64> {
    let rows: Vec<f64> = match expr {
        Expr::InList(InList {
            expr,
            list,
            negated: false,
        }) if is_column(expr, ROW_COLUMN) => {
            list.iter().map(literal_number).collect::<Option<_>>()?
        }
        Expr::BinaryExpr(BinaryExpr {
            left,
            op: Operator::Eq,
            right,
        }) if is_column(left, ROW_COLUMN) => vec![literal_number(right)?],
        Expr::BinaryExpr(BinaryExpr {
            left,
            op: Operator::Or,
            right,
        }) => return Some(last_row_named(left)?.max(last_row_named(right)?)),
        _ => return None,
    };
    let last = rows.into_iter().fold(0.0, f64::max);
    (last >= 0.0).then_some(last as u64)
}

/// `p` of `part = p`.
fn part_named(expr: &Expr) -> Option<usize> {
    let Expr::BinaryExpr(BinaryExpr {
        left,
        op: Operator::Eq,
        right,
    }) = expr
    else {
        return None;
    };
    if !is_part_column(left) {
        return None;
    }
    let part = literal_number(right)?;
    (part >= 0.0 && part.fract() == 0.0).then_some(part as usize)
}

/// Whether rows of partition `part` can pass `filter`; None when the filter is not understood.
fn keeps(filter: &Expr, part: u64) -> Option<bool> {
    let part_value = part as f64;
    match filter {
        Expr::BinaryExpr(BinaryExpr { left, op, right }) => match op {
            Operator::And => Some(keeps(left, part)? & keeps(right, part)?),
            Operator::Or => Some(keeps(left, part)? | keeps(right, part)?),
            _ => compare(left, *op, right, part_value),
        },
        Expr::Not(inner) => keeps(inner, part).map(|k| !k),
        Expr::InList(InList {
            expr,
            list,
            negated,
        }) => {
            if !is_part_column(expr) {
                return None;
            }
            let values: Option<Vec<f64>> = list.iter().map(literal_number).collect();
            let found = values?.contains(&part_value);
            Some(found != *negated)
        }
        Expr::Between(Between {
            expr,
            negated,
            low,
            high,
        }) => {
            if !is_part_column(expr) {
                return None;
            }
            let (low, high) = (literal_number(low)?, literal_number(high)?);
            let inside = low <= part_value && part_value <= high;
            Some(inside != *negated)
        }
        _ => None,
    }
}

fn compare(left: &Expr, op: Operator, right: &Expr, part: f64) -> Option<bool> {
    let (op, value) = if is_part_column(left) {
        (op, literal_number(right)?)
    } else if is_part_column(right) {
        (op.swap()?, literal_number(left)?)
    } else {
        return None;
    };
    match op {
        Operator::Eq => Some(part == value),
        Operator::NotEq => Some(part != value),
        Operator::Lt => Some(part < value),
        Operator::LtEq => Some(part <= value),
        Operator::Gt => Some(part > value),
        Operator::GtEq => Some(part >= value),
        _ => None,
    }
}

fn is_part_column(expr: &Expr) -> bool {
    is_column(expr, PART_COLUMN)
}

fn is_column(expr: &Expr, name: &str) -> bool {
    match expr {
        Expr::Column(column) => column.name == name,
        // Coercion may wrap the column in a numeric cast, which keeps its numbers as they are.
        Expr::Cast(Cast { expr, field }) | Expr::TryCast(TryCast { expr, field }) => {
            field.data_type().is_numeric() && is_column(expr, name)
        }
        _ => false,
    }
}

fn literal_number(expr: &Expr) -> Option<f64> {
    let Expr::Literal(value, _) = expr else {
        return None;
    };
    if value.is_null() || !value.data_type().is_numeric() {
        return None;
    }
    match value.cast_to(&DataType::Float64).ok()? {
        ScalarValue::Float64(Some(v)) => Some(v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::{col, lit};

    fn part() -> Expr {
        col(PART_COLUMN)
    }

    #[test]
    fn equality_ranges_and_lists_select_partitions() {
        assert_eq!(partitions_kept(&[part().eq(lit(3u64))], 10), [3]);
        assert_eq!(partitions_kept(&[lit(2i64).lt(part())], 5), [3, 4]);
        assert_eq!(
            partitions_kept(&[part().gt_eq(lit(1)), part().lt(lit(3))], 10),
            [1, 2]
        );
        assert_eq!(
            partitions_kept(&[part().in_list(vec![lit(0), lit(7)], false)], 10),
            [0, 7]
        );
        assert_eq!(
            partitions_kept(&[part().between(lit(8), lit(20))], 10),
            [8, 9]
        );
        assert_eq!(
            partitions_kept(&[part().eq(lit(1)).or(part().eq(lit(4)))], 6),
            [1, 4]
        );
        assert_eq!(
            partitions_kept(&[Expr::Not(Box::new(part().lt(lit(8))))], 10),
            [8, 9]
        );
    }

    #[test]
    fn rows_named_per_partition_end_where_reading_stops() {
        let row = || col(ROW_COLUMN);
        let named = part()
            .eq(lit(0u64))
            .and(row().in_list(vec![lit(1u64), lit(4u64)], false))
            .or(part()
                .eq(lit(9u64))
                .and(row().in_list(vec![lit(70u64)], false)));
        assert!(is_row_filter(&named));
        assert_eq!(row_ends(&[named]), BTreeMap::from([(0, 5), (9, 71)]));
        let negated = part()
            .eq(lit(0u64))
            .and(row().in_list(vec![lit(1u64)], true));
        assert!(!is_row_filter(&negated));
        assert!(!is_row_filter(
            &part()
                .eq(lit(0u64))
                .and(col("x").in_list(vec![lit(1)], false))
        ));
        assert!(row_ends(&[part().eq(lit(1))]).is_empty());
        // Short lists as the optimizer rewrites them, the row term first.
        let rewritten = row()
            .eq(lit(2u64))
            .or(row().eq(lit(6u64)))
            .and(part().eq(lit(3u64)));
        assert_eq!(row_ends(&[rewritten]), BTreeMap::from([(3, 7)]));
    }

    #[test]
    fn casts_of_the_column_are_understood() {
        let cast = Expr::Cast(Cast::new(Box::new(part()), DataType::Int64));
        assert_eq!(partitions_kept(&[cast.eq(lit(2i64))], 4), [2]);
    }

    #[test]
    fn other_filters_keep_everything_and_are_not_claimed() {
        let other = col("x").eq(lit(1));
        assert!(!is_partition_filter(&other));
        assert!(!is_partition_filter(&part().eq(col("x"))));
        assert!(!is_partition_filter(
            &part().eq(lit(ScalarValue::UInt64(None)))
        ));
        assert!(is_partition_filter(&part().eq(lit(1))));
        assert_eq!(partitions_kept(&[other], 3), [0, 1, 2]);
    }
}
