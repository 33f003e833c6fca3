//! Reading ahead beneath a merge in file order, so a result in pandas' order uses every core.
//!
//! A result in file order (a filter written as CSV, `to_csv`, a sort) ends in DataFusion's
//! merge of sorted partitions, by (`__ddq_part`, `__ddq_row`) or the sort's keys. The scan's
//! partitions are contiguous groups of files, so the merge drains the first partition before it
//! takes anything from the second, and it polls every partition's plan (the filter, the
//! projection) on its one task: the second partition's reader stopped after the couple of
//! batches its channel holds, and the whole statement ran on one core.
//!
//! Every input of such a merge is wrapped in [`ReadAheadExec`], which runs the partition's plan
//! on a task of its own and keeps what it produced until the merge takes it, up to a budget in
//! bytes per partition ([`ReadAhead`]): a filter's rows, or a narrow result, fit and every
//! partition runs at once; a wide result fills the budget and waits, as before, holding no more
//! memory than the budget. Local plans only: a cluster's tasks are planned by its workers.

use crate::engine::nodes::{PassThrough, PassThroughExec, with_children};
use datafusion::arrow::array::RecordBatch;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::error::Result;
use datafusion::execution::memory_pool::MemoryLimit;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::sorts::sort_preserving_merge::SortPreservingMergeExec;
use datafusion::physical_plan::stream::{RecordBatchReceiverStream, RecordBatchStreamAdapter};
use futures::StreamExt;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Unread bytes each partition may hold without a memory limit.
const UNLIMITED_BUDGET: usize = 64 << 20;

/// The share of a memory limit each partition may hold unread. Outside the pool, as the scan's
/// channels are: at a sixteenth, the 10x sort under 256MB peaked at 391-400 MB of RSS (target
/// 400), against 350-377 MB without reading ahead.
const LIMIT_SHARE: usize = 64;

/// Batches a partition may hold unread, whatever their size: the bytes bound them first.
const MOST_BATCHES: usize = 4096;

/// `plan` with the input of every merge of sorted partitions read ahead.
pub(crate) fn below_merges(plan: Arc<dyn ExecutionPlan>) -> Result<Arc<dyn ExecutionPlan>> {
    plan.transform_up(|node| {
        let Some(merge) = node.downcast_ref::<SortPreservingMergeExec>() else {
            return Ok(Transformed::no(node));
        };
        let input = Arc::clone(merge.input());
        if input.is::<ReadAheadExec>() || input.properties().partitioning.partition_count() < 2 {
            return Ok(Transformed::no(node));
        }
        let wrapped: Arc<dyn ExecutionPlan> = Arc::new(ReadAheadExec::new(input));
        Ok(Transformed::yes(with_children(node, vec![wrapped])?))
    })
    .map(|t| t.data)
}

/// Its input, each partition run on a task of its own ahead of the consumer, within a budget.
pub(crate) type ReadAheadExec = PassThroughExec<RunAhead>;

/// What [`ReadAheadExec`] does of its own: runs each partition on a task, within its budget.
#[derive(Debug)]
pub(crate) struct RunAhead;

impl PassThrough for RunAhead {
    const NAME: &'static str = "ReadAheadExec";

    fn fresh() -> Self {
        RunAhead
    }

    fn execute(
        &self,
        input: &Arc<dyn ExecutionPlan>,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        let ahead = Arc::new(ReadAhead::new(context.memory_pool().memory_limit()));
        let mut input = input.execute(partition, context)?;
        let schema = input.schema();
        let mut builder = RecordBatchReceiverStream::builder(Arc::clone(&schema), MOST_BATCHES);
        let sender = builder.tx();
        let producer = Arc::clone(&ahead);
        builder.spawn(async move {
            while let Some(batch) = input.next().await {
                let admitted = match &batch {
                    Ok(batch) => producer.admit(batch).await,
                    Err(_) => true,
                };
                if !admitted || sender.send(batch).await.is_err() {
                    break;
                }
            }
            Ok(())
        });
        let read = builder.build().inspect(move |batch| {
            if let Ok(batch) = batch {
                ahead.release(batch);
            }
        });
        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, read)))
    }
}

/// The bytes of a partition's batches produced and not yet taken, as permits of a semaphore
/// (KiB each): producing waits for room, taking gives it back.
#[derive(Debug)]
struct ReadAhead {
    room: Semaphore,
    budget_kib: u32,
}

impl ReadAhead {
    /// The budget for a query under `limit` (the session's memory pool).
    fn new(limit: MemoryLimit) -> ReadAhead {
        let bytes = match limit {
            MemoryLimit::Finite(bytes) => (bytes / LIMIT_SHARE).min(UNLIMITED_BUDGET),
            MemoryLimit::Infinite | MemoryLimit::Unknown => UNLIMITED_BUDGET,
        };
        let budget_kib = u32::try_from(bytes >> 10).unwrap_or(u32::MAX).max(1);
        ReadAhead {
            room: Semaphore::new(budget_kib as usize),
            budget_kib,
        }
    }

    /// A batch's share of the budget; one larger than the whole budget takes all of it, so a
    /// batch always fits once the others are taken.
    fn share(&self, batch: &RecordBatch) -> u32 {
        let kib = u32::try_from(batch.get_array_memory_size() >> 10).unwrap_or(u32::MAX);
        kib.clamp(1, self.budget_kib)
    }

    /// Waits until `batch` fits beside the batches not yet taken, and counts it.
    async fn admit(&self, batch: &RecordBatch) -> bool {
        match self.room.acquire_many(self.share(batch)).await {
            Ok(permit) => {
                permit.forget();
                true
            }
            Err(_) => false,
        }
    }

    /// Counts `batch` as taken.
    fn release(&self, batch: &RecordBatch) {
        self.room.add_permits(self.share(batch) as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::Int64Array;
    use std::time::Duration;

    fn batch(rows: i64) -> RecordBatch {
        let values = Arc::new(Int64Array::from_iter_values(0..rows));
        RecordBatch::try_from_iter([("a", values as _)]).expect("a batch")
    }

    #[test]
    fn the_budget_is_a_share_of_the_limit_and_capped() {
        let kib = |limit| ReadAhead::new(limit).budget_kib as usize;
        assert_eq!(kib(MemoryLimit::Infinite), UNLIMITED_BUDGET >> 10);
        assert_eq!(kib(MemoryLimit::Finite(256 << 20)), 4 << 10);
        assert_eq!(kib(MemoryLimit::Finite(64 << 30)), UNLIMITED_BUDGET >> 10);
        assert_eq!(kib(MemoryLimit::Finite(100)), 1);
    }

    /// An ordered result over two partitions: its merge's input is read ahead, and the rows
    /// come out in the same order as without.
    #[tokio::test]
    async fn a_merges_input_is_read_ahead_and_the_order_kept() {
        use datafusion::datasource::MemTable;
        use datafusion::prelude::{SessionConfig, SessionContext};
        let part = |from: i64| vec![batch(20_000 + from)];
        let schema = part(0)[0].schema();
        let table = MemTable::try_new(schema, vec![part(0), part(7)]).expect("a table");
        let ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(2));
        ctx.register_table("t", Arc::new(table))
            .expect("registered");
        let df = ctx
            .sql("SELECT a FROM t ORDER BY a DESC")
            .await
            .expect("planned");
        let plain = df.clone().create_physical_plan().await.expect("a plan");
        let ahead = below_merges(Arc::clone(&plain)).expect("rewritten");
        let shown = datafusion::physical_plan::displayable(ahead.as_ref())
            .indent(false)
            .to_string();
        assert!(
            shown.contains("SortPreservingMergeExec") && shown.contains("ReadAheadExec"),
            "{shown}"
        );
        let rows = |plan| async {
            let batches = datafusion::physical_plan::collect(plan, ctx.task_ctx())
                .await
                .expect("ran");
            datafusion::arrow::compute::concat_batches(&batches[0].schema(), &batches)
                .expect("one batch")
        };
        assert_eq!(rows(ahead).await, rows(plain).await);
    }

    #[tokio::test]
    async fn a_full_budget_waits_for_a_batch_to_be_taken_and_one_always_fits() {
        let ahead = Arc::new(ReadAhead::new(MemoryLimit::Finite(16 << 10)));
        let big = batch(100_000);
        assert!(ahead.admit(&big).await, "one batch fits whatever its size");
        let waiting = tokio::time::timeout(Duration::from_millis(100), ahead.admit(&big)).await;
        assert!(
            waiting.is_err(),
            "a second waits while the first is not taken"
        );
        let taker = {
            let (ahead, big) = (Arc::clone(&ahead), big.clone());
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                ahead.release(&big);
            })
        };
        assert!(ahead.admit(&big).await, "room once the first is taken");
        taker.await.expect("the taker");
    }
}
