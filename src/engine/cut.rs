//! A guard on DataFusion's physical planning: a plan that ends by cutting its rows (`head(n)`,
//! `iloc[:n]`: a limit, or a sort with a fetch) keeps that cut in its physical plan.
//!
//! DataFusion 55 removes a sort whose order its input already has; in some shapes it removes
//! the sort's fetch with it. A time window's output is in index order (its peers are windows
//! partitioned by the index), so `s.rolling("2D").max().head(5)` planned on one partition (a
//! cluster's final merge, or one core) printed every row. Where the logical plan's cut has no
//! counterpart at the top of the physical plan, it is put back, under the final projections.

use crate::engine::nodes::with_children;
use crate::error::Result;
use datafusion::logical_expr::{LogicalPlan, Sort};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::limit::{GlobalLimitExec, LocalLimitExec};
use datafusion::physical_plan::projection::ProjectionExec;
use datafusion::physical_plan::scalar_subquery::ScalarSubqueryExec;
use std::sync::Arc;

/// `physical` with the row cut of `logical` restored when planning lost it.
pub(crate) fn restored(
    logical: &LogicalPlan,
    physical: Arc<dyn ExecutionPlan>,
) -> Result<Arc<dyn ExecutionPlan>> {
    let Some((skip, fetch)) = top_cut(logical) else {
        return Ok(physical);
    };
    if has_cut(physical.as_ref()) {
        return Ok(physical);
    }
    Ok(with_cut(Arc::clone(&physical), skip, fetch)?.unwrap_or(physical))
}

/// The rows the logical plan keeps at its top (skip, fetch): a limit or a sort's fetch, found
/// under the projections and plain sorts that end it.
fn top_cut(plan: &LogicalPlan) -> Option<(usize, Option<usize>)> {
    match plan {
        LogicalPlan::Projection(p) => top_cut(&p.input),
        LogicalPlan::SubqueryAlias(a) => top_cut(&a.input),
        LogicalPlan::Sort(Sort {
            fetch: Some(fetch), ..
        }) => Some((0, Some(*fetch))),
        LogicalPlan::Sort(sort) => top_cut(&sort.input),
        LogicalPlan::Limit(limit) => {
            let skip = match limit.get_skip_type().ok()? {
                datafusion::logical_expr::SkipType::Literal(n) => n,
                _ => return None,
            };
            let fetch = match limit.get_fetch_type().ok()? {
                datafusion::logical_expr::FetchType::Literal(n) => n,
                _ => return None,
            };
            Some((skip, fetch))
        }
        _ => None,
    }
}

/// Whether a node on the plan's path of rows cuts them (a limit or a fetch).
fn has_cut(plan: &dyn ExecutionPlan) -> bool {
    if plan.fetch().is_some() || plan.is::<GlobalLimitExec>() || plan.is::<LocalLimitExec>() {
        return true;
    }
    rows_from(plan).is_some_and(|child| has_cut(child.as_ref()))
}

/// The input a node's rows come from: its one child, or a scalar subquery node's first (the
/// others are the subqueries); None for nodes that combine several inputs.
fn rows_from(plan: &dyn ExecutionPlan) -> Option<Arc<dyn ExecutionPlan>> {
    let children = plan.children();
    match children.as_slice() {
        [child] => Some(Arc::clone(child)),
        [first, ..] if plan.is::<ScalarSubqueryExec>() => Some(Arc::clone(first)),
        _ => None,
    }
}

/// The plan with a limit under its top projections (and the node that computes scalar
/// subqueries first), when what they read is one partition (rows in their final order); None
/// when it is not.
fn with_cut(
    plan: Arc<dyn ExecutionPlan>,
    skip: usize,
    fetch: Option<usize>,
) -> Result<Option<Arc<dyn ExecutionPlan>>> {
    if plan.is::<ProjectionExec>() || plan.is::<ScalarSubqueryExec>() {
        let mut children: Vec<Arc<dyn ExecutionPlan>> =
            plan.children().into_iter().map(Arc::clone).collect();
        let Some(cut) = with_cut(Arc::clone(&children[0]), skip, fetch)? else {
            return Ok(None);
        };
        children[0] = cut;
        return Ok(Some(with_children(plan, children)?));
    }
    if plan.properties().output_partitioning().partition_count() != 1 {
        return Ok(None);
    }
    Ok(Some(Arc::new(GlobalLimitExec::new(plan, skip, fetch))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::logical_expr::{LogicalPlanBuilder, col, table_scan};
    use datafusion::physical_plan::displayable;
    use datafusion::physical_plan::empty::EmptyExec;
    use datafusion::physical_plan::expressions::col as physical_col;

    fn scan() -> LogicalPlanBuilder {
        let schema = Schema::new(vec![Field::new("x", DataType::Int64, false)]);
        table_scan(Some("t"), &schema, None).unwrap()
    }

    #[test]
    fn the_cut_is_found_under_the_final_projections_and_sorts() {
        let sorted_fetch = scan()
            .sort_with_limit(vec![col("x").sort(true, false)], Some(300))
            .unwrap()
            .project(vec![col("x")])
            .unwrap()
            .sort(vec![col("x").sort(true, false)])
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(top_cut(&sorted_fetch), Some((0, Some(300))));
        let limited = scan().limit(100, Some(10)).unwrap().build().unwrap();
        assert_eq!(top_cut(&limited), Some((100, Some(10))));
        let whole = scan().project(vec![col("x")]).unwrap().build().unwrap();
        assert_eq!(top_cut(&whole), None);
    }

    #[test]
    fn a_lost_cut_goes_back_under_the_projection_and_a_kept_one_stays() {
        let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, false)]));
        let rows: Arc<dyn ExecutionPlan> = Arc::new(EmptyExec::new(Arc::clone(&schema)));
        let projected: Arc<dyn ExecutionPlan> = Arc::new(
            ProjectionExec::try_new(
                vec![(physical_col("x", &schema).unwrap(), "x".into())],
                rows,
            )
            .unwrap(),
        );
        let logical = scan().limit(0, Some(3)).unwrap().build().unwrap();
        let fixed = restored(&logical, Arc::clone(&projected)).unwrap();
        let shown = displayable(fixed.as_ref()).indent(true).to_string();
        assert!(shown.starts_with("ProjectionExec"), "{shown}");
        assert!(
            shown.contains("GlobalLimitExec: skip=0, fetch=3"),
            "{shown}"
        );
        // Planned with its cut, the plan is left as it is.
        let again = restored(&logical, Arc::clone(&fixed)).unwrap();
        assert!(Arc::ptr_eq(&again, &fixed));
    }
}
