//! A guard on DataFusion 55's nested-loop join under a memory cap: when loading its build side
//! runs out of memory, the join falls back to spilling and executes that side a second time.
//! A plan holds per-run state in some nodes (a repartition hands each output partition out
//! once), so the second run panicked ("partition not used yet") and a statement that should
//! have spilled, or failed with the memory limit's error, stopped with an internal error.
//!
//! Every nested-loop join's build side is wrapped in [`ReplayableExec`]: the first run of a
//! partition uses the plan as planned; a later one runs a fresh copy of it, made by DataFusion's
//! own `reset_plan_states` (what a recursive query uses to run its plan again). Local plans
//! only: a cluster's tasks are planned and run by its workers.

use crate::engine::nodes::{PassThrough, PassThroughExec, with_children};
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::error::Result;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::execution_plan::reset_plan_states;
use datafusion::physical_plan::joins::NestedLoopJoinExec;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// `plan` with the build side of each nested-loop join made safe to run twice.
pub(crate) fn replayable_joins(plan: Arc<dyn ExecutionPlan>) -> Result<Arc<dyn ExecutionPlan>> {
    plan.transform_up(|node| {
        let Some(join) = node.downcast_ref::<NestedLoopJoinExec>() else {
            return Ok(Transformed::no(node));
        };
        let build = Arc::clone(join.left());
        if build.is::<ReplayableExec>() {
            return Ok(Transformed::no(node));
        }
        let probe = Arc::clone(join.right());
        let wrapped: Arc<dyn ExecutionPlan> = Arc::new(ReplayableExec::new(build));
        Ok(Transformed::yes(with_children(node, vec![wrapped, probe])?))
    })
    .map(|t| t.data)
}

/// Its input, run again from a fresh copy when a partition is asked for a second time.
pub(crate) type ReplayableExec = PassThroughExec<Replay>;

/// The partitions already run from the input itself.
#[derive(Debug)]
pub(crate) struct Replay {
    started: Mutex<HashSet<usize>>,
}

impl Replay {
    /// True the first time `partition` is asked for.
    fn first_run(&self, partition: usize) -> bool {
        match self.started.lock() {
            Ok(mut started) => started.insert(partition),
            // A poisoned set is only a panic elsewhere; a fresh copy is always safe.
            Err(_) => false,
        }
    }
}

impl PassThrough for Replay {
    const NAME: &'static str = "ReplayableExec";

    fn fresh() -> Self {
        Replay {
            started: Mutex::new(HashSet::new()),
        }
    }

    fn execute(
        &self,
        input: &Arc<dyn ExecutionPlan>,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        if self.first_run(partition) {
            return input.execute(partition, context);
        }
        reset_plan_states(Arc::clone(input))?.execute(partition, context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::SessionContext;

    /// A repartition (whose output partitions are handed out once) run twice through the wrapper.
    #[tokio::test]
    async fn a_partition_asked_for_twice_is_run_again_from_a_fresh_copy() {
        let ctx = SessionContext::new();
        let df = ctx
            .sql("SELECT a FROM (VALUES (1), (2), (3)) AS t(a) ORDER BY a")
            .await
            .unwrap();
        let plan = df.create_physical_plan().await.unwrap();
        let repartitioned: Arc<dyn ExecutionPlan> = Arc::new(
            datafusion::physical_plan::repartition::RepartitionExec::try_new(
                plan,
                datafusion::physical_expr::Partitioning::RoundRobinBatch(2),
            )
            .unwrap(),
        );
        let replayable = ReplayableExec::new(repartitioned);
        let mut rows = 0;
        for _ in 0..2 {
            for partition in 0..2 {
                let stream = replayable.execute(partition, ctx.task_ctx()).unwrap();
                let batches: Vec<_> = futures::TryStreamExt::try_collect(stream).await.unwrap();
                rows += batches.iter().map(|b| b.num_rows()).sum::<usize>();
            }
        }
        assert_eq!(rows, 6);
    }
}
