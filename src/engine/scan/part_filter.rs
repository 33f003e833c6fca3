//! Partition pruning: filters that only look at the hidden partition column (how the planner
//! writes `ddf.partitions[3]`, `head`, `tail`) decide which partitions are read at all.
//!
//! DataFusion still applies every filter after the scan (they are pushed down as "inexact"),
//! so this only has to be right when it says a partition can be skipped.

use crate::plan::sources::PART_COLUMN;
use datafusion::arrow::datatypes::DataType;
use datafusion::logical_expr::expr::InList;
use datafusion::logical_expr::{Between, BinaryExpr, Cast, Expr, Operator, TryCast};
use datafusion::scalar::ScalarValue;

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
    match expr {
        Expr::Column(column) => column.name == PART_COLUMN,
        // Coercion may wrap the column in a numeric cast, which keeps partition numbers as they are.
        Expr::Cast(Cast { expr, field }) | Expr::TryCast(TryCast { expr, field }) => {
            field.data_type().is_numeric() && is_part_column(expr)
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
