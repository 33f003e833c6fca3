//! Scalar subqueries (`ddf.loc[ddf.DepDelay < ddf.DepDelay.mean()]`) answered before a plan goes
//! to a cluster, their values put in its place.
//!
//! In this process DataFusion computes a scalar subquery first and filters with its value. A
//! cluster's planner cannot: it joins every row with the subquery's one-row answer, a join that
//! also loses the rows' order, so the whole result is sorted again before it is shown. Run as a
//! job of its own, the subquery costs one round trip, and what remains is a plain filter.

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::ScalarValue;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::expr_rewriter::NamePreserver;
use datafusion::logical_expr::{Expr, LogicalPlan, lit};
use std::sync::Arc;

/// The plans of the scalar subqueries in `plan` that do not refer to its rows (each once), in
/// the order they appear. Those inside a subquery are left to whoever runs that subquery.
pub(crate) fn uncorrelated_scalar_subqueries(plan: &LogicalPlan) -> Result<Vec<Arc<LogicalPlan>>> {
    let mut found: Vec<Arc<LogicalPlan>> = Vec::new();
    plan.apply(|node| {
        node.apply_expressions(|expr| {
            expr.apply(|expr| {
                if let Expr::ScalarSubquery(subquery) = expr
                    && subquery.outer_ref_columns.is_empty()
                    && !found.contains(&subquery.subquery)
                {
                    found.push(Arc::clone(&subquery.subquery));
                }
                Ok(TreeNodeRecursion::Continue)
            })
        })
    })?;
    Ok(found)
}

/// `plan` with each subquery of `values` replaced by its value. Expressions keep their names,
/// so the result's columns are named as before.
pub(crate) fn with_values(
    plan: LogicalPlan,
    values: &[(Arc<LogicalPlan>, ScalarValue)],
) -> Result<LogicalPlan> {
    let replaced = plan.transform_up(|node| {
        let names = NamePreserver::new(&node);
        let node = node.map_expressions(|expr| {
            let name = names.save(&expr);
            let expr = expr.transform_up(|expr| match &expr {
                Expr::ScalarSubquery(subquery) => {
                    match values.iter().find(|(plan, _)| *plan == subquery.subquery) {
                        Some((_, value)) => Ok(Transformed::yes(lit(value.clone()))),
                        None => Ok(Transformed::no(expr)),
                    }
                }
                _ => Ok(Transformed::no(expr)),
            })?;
            Ok(expr.update_data(|expr| name.restore(expr)))
        })?;
        if node.transformed {
            node.map_data(|node| node.recompute_schema())
        } else {
            Ok(node)
        }
    })?;
    Ok(replaced.data)
}

/// A scalar subquery's value from its result: null when it has no rows, as in SQL.
pub(crate) fn single_value(plan: &LogicalPlan, batches: &[RecordBatch]) -> Result<ScalarValue> {
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let field = plan.schema().field(0).clone();
    match batches.iter().find(|batch| batch.num_rows() > 0) {
        None => ScalarValue::try_from(field.data_type()),
        Some(batch) if rows == 1 => ScalarValue::try_from_array(batch.column(0), 0),
        Some(_) => Err(DataFusionError::Execution(format!(
            "a value compared with each row ({}) has {rows} rows, not one",
            field.name()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::Float64Array;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::functions_aggregate::expr_fn::avg;
    use datafusion::logical_expr::{LogicalPlanBuilder, col, scalar_subquery};

    fn values_plan(values: &[f64]) -> LogicalPlan {
        let rows = values.iter().map(|v| vec![lit(*v)]).collect();
        LogicalPlanBuilder::values(rows).unwrap().build().unwrap()
    }

    /// `rows[rows.x < rows.x.mean()]`, with the mean as a scalar subquery.
    fn below_mean() -> (LogicalPlan, Arc<LogicalPlan>) {
        let mean = LogicalPlanBuilder::from(values_plan(&[1.0, 2.0, 6.0]))
            .aggregate(Vec::<Expr>::new(), vec![avg(col("column1")).alias("mean")])
            .unwrap()
            .build()
            .unwrap();
        let mean = Arc::new(mean);
        let plan = LogicalPlanBuilder::from(values_plan(&[1.0, 2.0, 6.0]))
            .filter(col("column1").lt(scalar_subquery(Arc::clone(&mean))))
            .unwrap()
            .project(vec![col("column1"), scalar_subquery(Arc::clone(&mean))])
            .unwrap()
            .build()
            .unwrap();
        (plan, mean)
    }

    #[test]
    fn each_scalar_subquery_is_found_once_and_replaced_by_its_value_under_its_name() {
        let (plan, mean) = below_mean();
        let found = uncorrelated_scalar_subqueries(&plan).unwrap();
        assert_eq!(found, [Arc::clone(&mean)]);

        let names: Vec<String> = plan
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let replaced = with_values(plan, &[(mean, ScalarValue::Float64(Some(3.0)))]).unwrap();
        assert!(
            uncorrelated_scalar_subqueries(&replaced)
                .unwrap()
                .is_empty()
        );
        let shown = replaced.display_indent().to_string();
        assert!(shown.contains("column1 < Float64(3)"), "{shown}");
        let kept: Vec<String> = replaced
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(kept, names);
    }

    #[test]
    fn a_subquery_gives_its_one_value_null_for_no_rows_and_an_error_for_more() {
        let plan = values_plan(&[0.0]);
        let schema = Arc::new(Schema::new(vec![Field::new(
            "column1",
            DataType::Float64,
            true,
        )]));
        let batch = |values: Vec<f64>| {
            let values = Arc::new(Float64Array::from(values));
            RecordBatch::try_new(Arc::clone(&schema), vec![values]).unwrap()
        };
        let one = [batch(vec![]), batch(vec![2.5])];
        assert_eq!(
            single_value(&plan, &one).unwrap(),
            ScalarValue::Float64(Some(2.5))
        );
        assert_eq!(
            single_value(&plan, &[]).unwrap(),
            ScalarValue::Float64(None)
        );
        let error = single_value(&plan, &[batch(vec![1.0, 2.0])]).unwrap_err();
        assert!(error.to_string().contains("has 2 rows, not one"), "{error}");
    }
}
