//! The first and last rows of an ordered result, and how many rows it has, found without putting
//! the whole result in order: what the REPL's table shows of a large frame.
//!
//! A frame's rows are in file order, which its plan restores at the end by merging its
//! partitions (each already in order) on the hidden position columns. Printing a frame of
//! millions of rows shows ten of them, yet that merge compares every row and copies each into
//! new batches: a third of such a statement's time. When only the ends are shown, [`EndsExec`]
//! takes the merge's place: each partition keeps its own first and last rows while counting the
//! others, and since every row shown is among those, ordering the few kept gives the same table.

use crate::exec::cache::compact;
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::{LexOrdering, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{
    Boundedness, ChildrenPropertiesMode, EmissionType, ReplaceChildrenOptions,
};
use datafusion::physical_plan::projection::ProjectionExec;
use datafusion::physical_plan::scalar_subquery::ScalarSubqueryExec;
use datafusion::physical_plan::sorts::sort::sort_batch;
use datafusion::physical_plan::sorts::sort_preserving_merge::SortPreservingMergeExec;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, ExecutionPlanProperties, Partitioning,
    PlanProperties,
};
use futures::StreamExt;
use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::task::JoinSet;

/// `plan` with its final merge replaced by an [`EndsExec`] keeping the `first` and `last` rows,
/// and where that node leaves the result's row count once it has run. None when the plan does
/// not end with such a merge, under nodes that pass rows through as they are (projections, the
/// node that computes scalar subqueries first).
pub(crate) fn replace_final_merge(
    plan: &Arc<dyn ExecutionPlan>,
    first: usize,
    last: usize,
) -> Option<(Arc<dyn ExecutionPlan>, Arc<AtomicUsize>)> {
    let rows = Arc::new(AtomicUsize::new(0));
    let make = |merge: &SortPreservingMergeExec| -> Arc<dyn ExecutionPlan> {
        Arc::new(EndsExec::new(
            Arc::clone(merge.input()),
            merge.expr().clone(),
            (first, last),
            Arc::clone(&rows),
        ))
    };
    let plan = replace_merge(plan, &make)?;
    Some((plan, rows))
}

fn replace_merge(
    plan: &Arc<dyn ExecutionPlan>,
    make: &dyn Fn(&SortPreservingMergeExec) -> Arc<dyn ExecutionPlan>,
) -> Option<Arc<dyn ExecutionPlan>> {
    if let Some(merge) = plan.downcast_ref::<SortPreservingMergeExec>() {
        return merge.fetch().is_none().then(|| make(merge));
    }
    if !plan.is::<ProjectionExec>() && !plan.is::<ScalarSubqueryExec>() {
        return None;
    }
    // The rows come from the first child (a scalar subquery node's others are the subqueries).
    let mut children: Vec<Arc<dyn ExecutionPlan>> =
        plan.children().into_iter().map(Arc::clone).collect();
    let main = children.first_mut()?;
    *main = replace_merge(main, make)?;
    let recompute = ReplaceChildrenOptions::new(ChildrenPropertiesMode::Recompute);
    Arc::clone(plan).replace_children(children, recompute).ok()
}

/// In place of a merge of ordered partitions: the result's first and last rows, in order, as
/// one batch (every row when there are no more than both); the row count goes to `rows`.
#[derive(Debug)]
pub(crate) struct EndsExec {
    input: Arc<dyn ExecutionPlan>,
    ordering: LexOrdering,
    /// How many rows to keep from the start and from the end.
    ends: (usize, usize),
    rows: Arc<AtomicUsize>,
    properties: Arc<PlanProperties>,
}

impl EndsExec {
    fn new(
        input: Arc<dyn ExecutionPlan>,
        ordering: LexOrdering,
        ends: (usize, usize),
        rows: Arc<AtomicUsize>,
    ) -> EndsExec {
        let properties = PlanProperties::new(
            input.equivalence_properties().clone(),
            Partitioning::UnknownPartitioning(1),
            EmissionType::Final,
            Boundedness::Bounded,
        );
        EndsExec {
            input,
            ordering,
            ends,
            rows,
            properties: Arc::new(properties),
        }
    }
}

impl DisplayAs for EndsExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "DdqEndsExec: first={}, last={}, [{}]",
            self.ends.0, self.ends.1, self.ordering
        )
    }
}

impl ExecutionPlan for EndsExec {
    fn name(&self) -> &str {
        "DdqEndsExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn apply_expressions(
        &self,
        f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        for sort in self.ordering.iter() {
            if f(&sort.expr)? == TreeNodeRecursion::Stop {
                return Ok(TreeNodeRecursion::Stop);
            }
        }
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let recompute = ReplaceChildrenOptions::new(ChildrenPropertiesMode::Recompute);
        self.replace_children(children, recompute)
    }

    fn replace_children(
        self: Arc<Self>,
        mut children: Vec<Arc<dyn ExecutionPlan>>,
        _options: ReplaceChildrenOptions,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let input = children
            .pop()
            .ok_or_else(|| DataFusionError::Internal("DdqEndsExec has one input".into()))?;
        Ok(Arc::new(EndsExec::new(
            input,
            self.ordering.clone(),
            self.ends,
            Arc::clone(&self.rows),
        )))
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        if partition != 0 {
            return Err(DataFusionError::Internal(format!(
                "DdqEndsExec has one partition, asked for {partition}"
            )));
        }
        let partitions = self.input.output_partitioning().partition_count();
        let streams = (0..partitions)
            .map(|p| self.input.execute(p, Arc::clone(&context)))
            .collect::<Result<Vec<_>>>()?;
        let schema = self.input.schema();
        let (ordering, ends, rows) = (self.ordering.clone(), self.ends, Arc::clone(&self.rows));
        let kept = {
            let schema = Arc::clone(&schema);
            async move {
                let mut tasks = JoinSet::new();
                for stream in streams {
                    tasks.spawn(keep_ends(stream, ends));
                }
                let mut total = 0;
                let mut batches = Vec::new();
                while let Some(joined) = tasks.join_next().await {
                    let partition =
                        joined.map_err(|e| DataFusionError::External(Box::new(e)))??;
                    total += partition.rows;
                    batches.extend(partition.head);
                    batches.extend(partition.tail);
                }
                rows.store(total, Ordering::Relaxed);
                sort_batch(&concat_batches(&schema, &batches)?, &ordering, None)
            }
        };
        Ok(Box::pin(RecordBatchStreamAdapter::new(
            schema,
            futures::stream::once(kept),
        )))
    }
}

/// One partition's first rows, its last rows after those, and its row count.
#[derive(Default)]
struct PartitionEnds {
    rows: usize,
    head: Vec<RecordBatch>,
    head_rows: usize,
    tail: VecDeque<RecordBatch>,
    tail_rows: usize,
}

async fn keep_ends(
    mut stream: SendableRecordBatchStream,
    ends: (usize, usize),
) -> Result<PartitionEnds> {
    let mut kept = PartitionEnds::default();
    while let Some(batch) = stream.next().await {
        kept.add(&batch?, ends);
    }
    Ok(kept)
}

impl PartitionEnds {
    /// Keeps what belongs to the ends of a partition's next batch. Kept rows are copied: a slice
    /// would hold the whole batch (and the cache mapping it may point into).
    fn add(&mut self, batch: &RecordBatch, (first, last): (usize, usize)) {
        let len = batch.num_rows();
        self.rows += len;
        let to_head = first.saturating_sub(self.head_rows).min(len);
        if to_head > 0 {
            self.head.push(compact(&batch.slice(0, to_head)));
            self.head_rows += to_head;
        }
        let to_tail = (len - to_head).min(last);
        if to_tail > 0 {
            self.tail
                .push_back(compact(&batch.slice(len - to_tail, to_tail)));
            self.tail_rows += to_tail;
        }
        while let Some(oldest) = self.tail.front() {
            if self.tail_rows - oldest.num_rows() < last {
                break;
            }
            self.tail_rows -= oldest.num_rows();
            self.tail.pop_front();
        }
    }
}
