//! A shown frame's ends, read late. A table of a large frame shows its first and last rows and
//! how many there are, yet computing the frame reads every column it shows for every row. When
//! which rows a frame keeps depends on fewer columns than it shows (`ddf[ddf.Cancelled]`,
//! `ddf.loc[ddf.ArrTime < ddf.ArrTime.mean()]`, a whole `ddf`, `ddf.tail()`), ddq first finds
//! the positions of the rows shown and the row count, reading only what the row selection
//! needs, then reads the shown columns of those few rows: the scan skips every partition they
//! are not in.
//!
//! This relies on a position (the hidden partition and row columns) naming one row of the
//! result, and on the plan selecting the same rows twice. Plans with volatile functions are left
//! alone, and a fetch that finds another number of rows than it asked for is not used: the
//! caller then computes the whole frame.

use crate::error::Result;
use crate::plan::sources::{PART_COLUMN, ROW_COLUMN};
use datafusion::arrow::array::{Array, RecordBatch, UInt64Array};
use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::execution::SessionState;
use datafusion::logical_expr::utils::disjunction;
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, SortExpr};
use datafusion::prelude::lit;
use std::collections::BTreeMap;

/// A frame in file order split into the query of its rows' positions and the fetch of the
/// shown columns at chosen positions.
pub(crate) struct LateEnds {
    /// The frame's positions alone (partition, row), in file order.
    pub positions: LogicalPlan,
    /// The frame below its final ordering: the rows it keeps, with their positions.
    input: LogicalPlan,
    sort: Vec<SortExpr>,
    shown: Vec<Expr>,
}

impl LateEnds {
    /// Some when `plan` ends by putting its rows in file order and choosing the shown columns,
    /// selects its rows from its scans deterministically, and finding its positions reads fewer
    /// columns than computing it does (under `state`'s optimizer).
    pub(crate) fn of(plan: &LogicalPlan, state: &SessionState) -> Result<Option<LateEnds>> {
        let LogicalPlan::Projection(projection) = plan else {
            return Ok(None);
        };
        let LogicalPlan::Sort(sort) = projection.input.as_ref() else {
            return Ok(None);
        };
        let [part, row] = sort.expr.as_slice() else {
            return Ok(None);
        };
        let is_position = |sort: &SortExpr, name: &str| {
            sort.asc && matches!(&sort.expr, Expr::Column(column) if column.name == name)
        };
        if sort.fetch.is_some()
            || !is_position(part, PART_COLUMN)
            || !is_position(row, ROW_COLUMN)
            || !only_selects_rows(&sort.input)?
            || is_volatile(&sort.input)?
        {
            return Ok(None);
        }
        let positions = LogicalPlanBuilder::from(projection.input.as_ref().clone())
            .project(vec![part.expr.clone(), row.expr.clone()])?
            .build()?;
        if scanned_columns(&state.optimize(&positions)?)?
            >= scanned_columns(&state.optimize(plan)?)?
        {
            return Ok(None);
        }
        Ok(Some(LateEnds {
            positions,
            input: without_positional_cuts(sort.input.as_ref().clone())?,
            sort: sort.expr.clone(),
            shown: projection.expr.clone(),
        }))
    }

    /// The frame's shown columns at the rows whose positions `positions` holds (a batch of the
    /// partition and row columns, in order), in file order. None when there are no positions.
    pub(crate) fn fetch(&self, positions: &RecordBatch) -> Result<Option<LogicalPlan>> {
        let [part, row] = [&self.sort[0].expr, &self.sort[1].expr];
        let Some(at_positions) = at_positions(part, row, positions) else {
            return Ok(None);
        };
        let plan = LogicalPlanBuilder::from(self.input.clone())
            .filter(at_positions)?
            .sort(self.sort.clone())?
            .project(self.shown.clone())?
            .build()?;
        Ok(Some(plan))
    }
}

/// `part IN (...) AND (part = p AND row IN (...) OR ...)`: the rows at `positions`. The first
/// term alone is what the scan reads to skip partitions.
fn at_positions(part: &Expr, row: &Expr, positions: &RecordBatch) -> Option<Expr> {
    let column = |i: usize| {
        positions
            .columns()
            .get(i)
            .and_then(|c| c.as_any().downcast_ref::<UInt64Array>())
    };
    let (parts, rows) = (column(0)?, column(1)?);
    if parts.null_count() + rows.null_count() > 0 {
        return None;
    }
    let mut by_part: BTreeMap<u64, Vec<Expr>> = BTreeMap::new();
    for (p, r) in parts.values().iter().zip(rows.values()) {
        by_part.entry(*p).or_default().push(lit(*r));
    }
    let kept_parts = by_part.keys().map(|p| lit(*p)).collect();
    let in_part = by_part.into_iter().map(|(p, rows)| {
        part.clone()
            .eq(lit(p))
            .and(row.clone().in_list(rows, false))
    });
    Some(
        part.clone()
            .in_list(kept_parts, false)
            .and(disjunction(in_part)?),
    )
}

/// Whether the plan's rows are its scans' rows, filtered and with columns computed, or cut by
/// position (`tail`: a sort by partition and row with a fetch): the fetch's filter on positions
/// then reaches the scan, which skips what it does not name. A window, a join or an aggregation
/// in between would make the fetch compute the whole frame again, and a limit (`head`) reads
/// only the first rows already. Scalar subqueries (`ddf.x < ddf.x.mean()`) are expressions, not
/// in this path.
fn only_selects_rows(plan: &LogicalPlan) -> Result<bool> {
    let other = plan.exists(|node| {
        Ok(!(matches!(
            node,
            LogicalPlan::Filter(_)
                | LogicalPlan::Projection(_)
                | LogicalPlan::SubqueryAlias(_)
                | LogicalPlan::TableScan(_)
        ) || is_positional(node)))
    })?;
    Ok(!other)
}

/// A sort by the partition and row columns alone, or a limit right above one: how `tail(n)`
/// keeps the last rows.
fn is_positional(node: &LogicalPlan) -> bool {
    let by_position = |s: &SortExpr| matches!(&s.expr, Expr::Column(c) if c.name == PART_COLUMN || c.name == ROW_COLUMN);
    match node {
        LogicalPlan::Sort(sort) => sort.expr.iter().all(by_position),
        LogicalPlan::Limit(limit) => {
            matches!(limit.input.as_ref(), LogicalPlan::Sort(_)) && is_positional(&limit.input)
        }
        _ => false,
    }
}

/// The plan without its sorts and cuts by position: the fetch names the very rows they kept, in
/// the order it sorts them, and a filter cannot pass below a limit to reach the scan.
fn without_positional_cuts(plan: LogicalPlan) -> Result<LogicalPlan> {
    use datafusion::common::tree_node::Transformed;
    let uncut = plan.transform_down(|node| {
        Ok(match node {
            LogicalPlan::Sort(_) | LogicalPlan::Limit(_) if is_positional(&node) => {
                // A limit goes with the sort below it.
                let mut input = node.inputs()[0].clone();
                if matches!(node, LogicalPlan::Limit(_)) {
                    input = input.inputs()[0].clone();
                }
                Transformed::yes(input)
            }
            other => Transformed::no(other),
        })
    })?;
    Ok(uncut.data)
}

/// Whether any expression of the plan (its subqueries' too) gives another value each time.
fn is_volatile(plan: &LogicalPlan) -> Result<bool> {
    let mut volatile = false;
    plan.apply_with_subqueries(|node| {
        volatile = node.expressions().iter().any(Expr::is_volatile);
        Ok(match volatile {
            true => TreeNodeRecursion::Stop,
            false => TreeNodeRecursion::Continue,
        })
    })?;
    Ok(volatile)
}

/// How many columns the plan's scans read, all of them counted where a scan reads every column.
fn scanned_columns(plan: &LogicalPlan) -> Result<usize> {
    let mut columns = 0;
    plan.apply_with_subqueries(|node| {
        if let LogicalPlan::TableScan(scan) = node {
            columns += match &scan.projection {
                Some(projection) => projection.len(),
                None => scan.source.schema().fields().len(),
            };
        }
        Ok(TreeNodeRecursion::Continue)
    })?;
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::prelude::col;
    use std::sync::Arc;

    fn positions(parts: Vec<u64>, rows: Vec<u64>) -> RecordBatch {
        let schema = Schema::new(vec![
            Field::new(PART_COLUMN, DataType::UInt64, false),
            Field::new(ROW_COLUMN, DataType::UInt64, false),
        ]);
        let columns: Vec<Arc<dyn Array>> = vec![
            Arc::new(UInt64Array::from(parts)),
            Arc::new(UInt64Array::from(rows)),
        ];
        RecordBatch::try_new(Arc::new(schema), columns).unwrap()
    }

    #[test]
    fn positions_become_a_partition_list_and_rows_per_partition() {
        let (part, row) = (col(PART_COLUMN), col(ROW_COLUMN));
        let predicate =
            at_positions(&part, &row, &positions(vec![0, 0, 9], vec![1, 2, 7])).unwrap();
        let expected = part.clone().in_list(vec![lit(0u64), lit(9u64)], false).and(
            part.clone()
                .eq(lit(0u64))
                .and(row.clone().in_list(vec![lit(1u64), lit(2u64)], false))
                .or(part.eq(lit(9u64)).and(row.in_list(vec![lit(7u64)], false))),
        );
        assert_eq!(predicate, expected);
    }

    /// A scan of a column `x` with the partition and row columns.
    fn scan_of_x() -> LogicalPlanBuilder {
        let schema = Schema::new(vec![
            Field::new("x", DataType::Int64, true),
            Field::new(PART_COLUMN, DataType::UInt64, false),
            Field::new(ROW_COLUMN, DataType::UInt64, false),
        ]);
        datafusion::logical_expr::table_scan(Some("t"), &schema, None).unwrap()
    }

    #[test]
    fn only_filters_and_projections_over_scans_select_rows() {
        let scan = scan_of_x();
        let filtered = scan.clone().filter(col("x").gt(lit(1))).unwrap();
        let projected = filtered
            .project(vec![col("x") * lit(2), col(PART_COLUMN)])
            .unwrap();
        assert!(only_selects_rows(&projected.build().unwrap()).unwrap());
        let counted = scan
            .aggregate(
                vec![col(PART_COLUMN)],
                vec![datafusion::functions_aggregate::expr_fn::count(col("x"))],
            )
            .unwrap();
        assert!(!only_selects_rows(&counted.build().unwrap()).unwrap());
    }

    #[test]
    fn a_tail_is_cut_by_position_and_its_fetch_reads_without_the_cut() {
        let scan = scan_of_x();
        let last_first = vec![
            col(PART_COLUMN).sort(false, true),
            col(ROW_COLUMN).sort(false, true),
        ];
        let tail = scan
            .clone()
            .filter(col("x").gt(lit(1)))
            .unwrap()
            .sort(last_first)
            .unwrap()
            .limit(0, Some(5))
            .unwrap()
            .build()
            .unwrap();
        assert!(only_selects_rows(&tail).unwrap());
        let uncut = without_positional_cuts(tail).unwrap();
        assert!(matches!(uncut, LogicalPlan::Filter(_)), "{uncut}");
        // A head (a limit in file order) and a cut by value are not cuts by position.
        let head = scan.clone().limit(0, Some(5)).unwrap().build().unwrap();
        assert!(!only_selects_rows(&head).unwrap());
        let largest = scan
            .sort(vec![col("x").sort(false, true)])
            .unwrap()
            .limit(0, Some(5))
            .unwrap()
            .build()
            .unwrap();
        assert!(!only_selects_rows(&largest).unwrap());
    }

    #[test]
    fn no_positions_is_no_fetch() {
        let (part, row) = (col(PART_COLUMN), col(ROW_COLUMN));
        assert_eq!(at_positions(&part, &row, &positions(vec![], vec![])), None);
    }
}
