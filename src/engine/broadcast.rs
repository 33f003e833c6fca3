//! Refuses, before it runs, a plan that sets a long text value on every row (`assign(k="...")`
//! with a literal of hundreds of thousands of characters): a projection repeats a literal once
//! per row of each batch, and Arrow's text columns address their bytes with 32-bit offsets, so
//! a batch past 2 GiB of text made Arrow panic inside a worker instead of failing.

use crate::error::{DdqError, Result};
use datafusion::common::ScalarValue;
use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::physical_expr::expressions::Literal;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::projection::ProjectionExec;
use std::sync::Arc;

/// The most bytes one Arrow text or binary column with 32-bit offsets holds.
const OFFSET_LIMIT: usize = i32::MAX as usize;

/// An error when a projection of `plan` repeats a text literal that a batch of `batch_size`
/// rows cannot hold.
pub(crate) fn check_repeated_literals(
    plan: &Arc<dyn ExecutionPlan>,
    batch_size: usize,
) -> Result<()> {
    let longest_fit = OFFSET_LIMIT / batch_size.max(1);
    let mut too_long = None;
    plan.apply(|node| {
        let Some(projection) = node.downcast_ref::<ProjectionExec>() else {
            return Ok(TreeNodeRecursion::Continue);
        };
        for projected in projection.expr() {
            projected.expr.apply(|expr| {
                if let Some(literal) = expr.downcast_ref::<Literal>()
                    && let Some(len) = offset_bytes(literal.value())
                    && len > longest_fit
                {
                    too_long = Some(len);
                    return Ok(TreeNodeRecursion::Stop);
                }
                Ok(TreeNodeRecursion::Continue)
            })?;
        }
        Ok(match too_long {
            Some(_) => TreeNodeRecursion::Stop,
            None => TreeNodeRecursion::Continue,
        })
    })?;
    match too_long {
        None => Ok(()),
        Some(len) => Err(DdqError::unsupported(format!(
            "a text value of {len} bytes on every row is too long: a batch of {batch_size} rows \
             would hold more than the 2 GiB of text an Arrow column can"
        ))
        .with_help(format!(
            "keep text set on every row under {longest_fit} bytes"
        ))),
    }
}

/// The bytes a value takes in a column with 32-bit offsets; none for other values.
fn offset_bytes(value: &ScalarValue) -> Option<usize> {
    match value {
        ScalarValue::Utf8(Some(text)) => Some(text.len()),
        ScalarValue::Binary(Some(bytes)) => Some(bytes.len()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{ArrayRef, Int64Array, RecordBatch};
    use datafusion::prelude::SessionContext;

    async fn plan_of(sql: &str) -> Arc<dyn ExecutionPlan> {
        let ctx = SessionContext::new();
        let a: ArrayRef = Arc::new(Int64Array::from(vec![1, 2]));
        let batch = RecordBatch::try_from_iter([("a", a)]).expect("batch");
        ctx.register_batch("t", batch).expect("registered");
        let df = ctx.sql(sql).await.expect("planned");
        df.create_physical_plan().await.expect("physical plan")
    }

    #[tokio::test]
    async fn a_literal_too_long_for_a_batch_is_refused_before_running() {
        let long = "x".repeat(300);
        let plan = plan_of(&format!("SELECT a, '{long}' AS k FROM t")).await;
        let err = check_repeated_literals(&plan, 10_000_000).expect_err("too long");
        assert!(
            err.message
                .starts_with("a text value of 300 bytes on every row is too long"),
            "{}",
            err.message
        );
        assert!(check_repeated_literals(&plan, 1000).is_ok());
    }
}
