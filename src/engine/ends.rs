//! The first and last rows of an ordered result, and how many rows it has, found without putting
//! the whole result in order: what the REPL's table shows of a large frame.
//!
//! A frame's rows are in file order, which its plan restores at the end by merging its
//! partitions (each already in order) on the hidden position columns. Printing a frame of
//! millions of rows shows ten of them, yet that merge compares every row and copies each into
//! new batches: a third of such a statement's time. When only the ends are shown, [`EndsExec`]
//! takes the merge's place: each partition keeps its own first and last rows while counting the
//! others, and since every row shown is among those, ordering the few kept gives the same table.
//!
//! On a cluster the merge runs in this process (see `cluster::submit`), so every row of the
//! result would be written to files by the workers and fetched from them. There
//! [`cluster_ends_query`] puts [`PartitionEndsExec`] below the merge instead: each partition
//! keeps its ends where it is computed, and only those travel.

use crate::engine::cache::compact;
use crate::engine::nodes::{
    bounded_properties, joined, one_batch, one_input, ordered_by, with_children,
};
use async_trait::async_trait;
use datafusion::arrow::array::{Array, RecordBatchOptions, UInt32Array, UInt64Array};
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::compute::{prep_null_mask_filter, take_record_batch};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Schema, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::Session;
use datafusion::common::cast::as_boolean_array;
use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::common::{Column, DFSchema, DFSchemaRef};
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::context::QueryPlanner;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::physical_planning_context::PhysicalPlanningContext;
use datafusion::logical_expr::{
    Expr, Extension, LogicalPlan, LogicalPlanBuilder, UserDefinedLogicalNode,
    UserDefinedLogicalNodeCore,
};
use datafusion::physical_expr::{LexOrdering, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{EmissionType, ReplaceChildrenOptions};
use datafusion::physical_plan::filter::FilterExec;
use datafusion::physical_plan::projection::ProjectionExec;
use datafusion::physical_plan::scalar_subquery::ScalarSubqueryExec;
use datafusion::physical_plan::sorts::sort::sort_batch;
use datafusion::physical_plan::sorts::sort_preserving_merge::SortPreservingMergeExec;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, ExecutionPlanProperties, Partitioning,
    PlanProperties, apply_expression_roots,
};
use datafusion::physical_planner::{DefaultPhysicalPlanner, ExtensionPlanner, PhysicalPlanner};
use futures::StreamExt;
use std::collections::HashMap;
use std::collections::VecDeque;
use std::fmt;
use std::ops::Range;
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
    with_children(Arc::clone(plan), children).ok()
}

/// On each partition's first kept row, how many rows the partition had (0 on the others), so
/// the sum over every kept row is the result's row count.
pub(crate) const ROWS_COLUMN: &str = "__ddq_rows";

/// For a plan that ends by putting its rows in order and choosing the columns shown, the plan
/// a cluster runs instead when only the `first` and `last` rows are shown: each partition keeps
/// its own ends ([`PartitionEndsNode`]), the merge that restores order merges those, and the
/// shown columns come with [`ROWS_COLUMN`]. Its result holds the first and last rows in order
/// (among others) and sums to the row count. None for plans of another shape, and for results
/// cut to a few rows already (`head`, `tail`): there is nothing to gain, and DataFusion may turn
/// a cut to no rows into an empty relation, which loses its columns on the way to a cluster.
pub(crate) fn cluster_ends_query(
    plan: &LogicalPlan,
    (first, last): (usize, usize),
) -> Result<Option<LogicalPlan>> {
    let LogicalPlan::Projection(projection) = plan else {
        return Ok(None);
    };
    let LogicalPlan::Sort(sort) = projection.input.as_ref() else {
        return Ok(None);
    };
    if sort.fetch.is_some() || is_cut(&sort.input)? {
        return Ok(None);
    }
    let ends = PartitionEndsNode::new(sort.input.as_ref().clone(), (first, last))?;
    let mut shown = projection.expr.clone();
    shown.push(Expr::Column(Column::from_name(ROWS_COLUMN)));
    let query = LogicalPlanBuilder::from(LogicalPlan::Extension(Extension {
        node: Arc::new(ends),
    }))
    .sort(sort.expr.clone())?
    .project(shown)?
    .build()?;
    Ok(Some(query))
}

/// Whether the plan limits its rows anywhere, or has none.
fn is_cut(plan: &LogicalPlan) -> Result<bool> {
    plan.exists(|node| {
        Ok(match node {
            LogicalPlan::Limit(_) | LogicalPlan::EmptyRelation(_) => true,
            LogicalPlan::Sort(sort) => sort.fetch.is_some(),
            _ => false,
        })
    })
}

/// The logical side of [`PartitionEndsExec`]: its input's columns plus [`ROWS_COLUMN`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct PartitionEndsNode {
    input: LogicalPlan,
    ends: (usize, usize),
    schema: DFSchemaRef,
}

impl PartitionEndsNode {
    pub(crate) const NAME: &str = "DdqPartitionEnds";

    pub(crate) fn new(input: LogicalPlan, ends: (usize, usize)) -> Result<PartitionEndsNode> {
        let rows = DFSchema::from_unqualified_fields(
            vec![Field::new(ROWS_COLUMN, DataType::UInt64, false)].into(),
            HashMap::new(),
        )?;
        let mut schema = input.schema().as_ref().clone();
        schema.merge(&rows);
        Ok(PartitionEndsNode {
            input,
            ends,
            schema: Arc::new(schema),
        })
    }

    pub(crate) fn ends(&self) -> (usize, usize) {
        self.ends
    }
}

impl PartialOrd for PartitionEndsNode {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        match self.input.partial_cmp(&other.input) {
            Some(std::cmp::Ordering::Equal) => self.ends.partial_cmp(&other.ends),
            unequal => unequal,
        }
    }
}

impl UserDefinedLogicalNodeCore for PartitionEndsNode {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn inputs(&self) -> Vec<&LogicalPlan> {
        vec![&self.input]
    }

    fn schema(&self) -> &DFSchemaRef {
        &self.schema
    }

    fn expressions(&self) -> Vec<Expr> {
        vec![]
    }

    fn fmt_for_explain(&self, f: &mut fmt::Formatter) -> fmt::Result {
        fmt_ends(f, Self::NAME, self.ends)
    }

    fn with_exprs_and_inputs(&self, _exprs: Vec<Expr>, inputs: Vec<LogicalPlan>) -> Result<Self> {
        PartitionEndsNode::new(one_input(inputs, PartitionEndsNode::NAME)?, self.ends)
    }
}

/// Plans [`PartitionEndsNode`]s; the scheduler of a ddq cluster plans with it.
#[derive(Debug, Default)]
pub(crate) struct EndsPlanner;

#[async_trait]
impl ExtensionPlanner for EndsPlanner {
    async fn plan_extension(
        &self,
        _planner: &dyn PhysicalPlanner,
        node: &dyn UserDefinedLogicalNode,
        _logical_inputs: &[&LogicalPlan],
        physical_inputs: &[Arc<dyn ExecutionPlan>],
        _session: &dyn Session,
        _planning_ctx: &PhysicalPlanningContext,
    ) -> Result<Option<Arc<dyn ExecutionPlan>>> {
        let Some(ends) = node.as_any().downcast_ref::<PartitionEndsNode>() else {
            return Ok(None);
        };
        let input = one_input(physical_inputs.to_vec(), PartitionEndsNode::NAME)?;
        Ok(Some(Arc::new(PartitionEndsExec::new(input, ends.ends)?)))
    }
}

/// DataFusion's planner with [`EndsPlanner`] beside it.
#[derive(Debug, Default)]
pub(crate) struct DdqQueryPlanner;

#[async_trait]
impl QueryPlanner for DdqQueryPlanner {
    async fn create_physical_plan(
        &self,
        logical_plan: &LogicalPlan,
        session: &dyn Session,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        DefaultPhysicalPlanner::with_extension_planners(vec![Arc::new(EndsPlanner)])
            .create_physical_plan(logical_plan, session)
            .await
    }
}

/// Each partition's first and last rows, in order, and on the first of them its row count
/// (see [`ROWS_COLUMN`]). Below the merge that restores a result's order it leaves that merge
/// (and, on a cluster, the shuffle before it) a few rows per partition instead of every row.
#[derive(Debug)]
pub(crate) struct PartitionEndsExec {
    input: Arc<dyn ExecutionPlan>,
    ends: (usize, usize),
    schema: SchemaRef,
    properties: Arc<PlanProperties>,
}

impl PartitionEndsExec {
    pub(crate) const NAME: &str = "DdqPartitionEndsExec";

    pub(crate) fn new(input: Arc<dyn ExecutionPlan>, ends: (usize, usize)) -> Result<Self> {
        let mut fields: Vec<FieldRef> = input.schema().fields().iter().cloned().collect();
        fields.push(Arc::new(Field::new(ROWS_COLUMN, DataType::UInt64, false)));
        let schema = Arc::new(Schema::new(fields));
        let ordering = input.equivalence_properties().output_ordering();
        let properties = bounded_properties(
            ordered_by(&schema, ordering.into_iter().flatten().collect()),
            input.output_partitioning().clone(),
            EmissionType::Final,
        );
        Ok(PartitionEndsExec {
            input,
            ends,
            schema,
            properties,
        })
    }

    pub(crate) fn ends(&self) -> (usize, usize) {
        self.ends
    }
}

impl DisplayAs for PartitionEndsExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        fmt_ends(f, Self::NAME, self.ends)
    }
}

/// How an ends node shows itself, in plans and `explain`: its name and the rows it keeps.
fn fmt_ends(f: &mut fmt::Formatter, name: &str, (first, last): (usize, usize)) -> fmt::Result {
    write!(f, "{name}: first={first}, last={last}")
}

impl ExecutionPlan for PartitionEndsExec {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn maintains_input_order(&self) -> Vec<bool> {
        vec![true]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        with_children(self, children)
    }

    fn replace_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
        _options: ReplaceChildrenOptions,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let input = one_input(children, self.name())?;
        Ok(Arc::new(PartitionEndsExec::new(input, self.ends)?))
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        let (input, predicate) = read_through_filter(&self.input);
        let stream = input.execute(partition, context)?;
        let (input_schema, schema, ends) =
            (self.input.schema(), Arc::clone(&self.schema), self.ends);
        let kept = {
            let schema = Arc::clone(&schema);
            async move {
                let kept = keep_ends(stream, ends, predicate).await?;
                let batches: Vec<RecordBatch> = kept.head.into_iter().chain(kept.tail).collect();
                let rows = concat_batches(&input_schema, &batches)?;
                let count = (0..rows.num_rows()).map(|i| if i == 0 { kept.rows as u64 } else { 0 });
                let mut columns = rows.columns().to_vec();
                columns.push(Arc::new(UInt64Array::from_iter_values(count)));
                let options = RecordBatchOptions::new().with_row_count(Some(rows.num_rows()));
                Ok(RecordBatch::try_new_with_options(
                    schema, columns, &options,
                )?)
            }
        };
        Ok(one_batch(schema, kept))
    }
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
        let properties = bounded_properties(
            input.equivalence_properties().clone(),
            Partitioning::UnknownPartitioning(1),
            EmissionType::Final,
        );
        EndsExec {
            input,
            ordering,
            ends,
            rows,
            properties,
        }
    }
}

impl DisplayAs for EndsExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        fmt_ends(f, self.name(), self.ends)?;
        write!(f, ", [{}]", self.ordering)
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
        apply_expression_roots(self.ordering.iter().map(|sort| &sort.expr), f)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        with_children(self, children)
    }

    fn replace_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
        _options: ReplaceChildrenOptions,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let input = one_input(children, self.name())?;
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
        let (input, predicate) = read_through_filter(&self.input);
        let partitions = input.output_partitioning().partition_count();
        let streams = (0..partitions)
            .map(|p| input.execute(p, Arc::clone(&context)))
            .collect::<Result<Vec<_>>>()?;
        let schema = self.input.schema();
        let (ordering, ends, rows) = (self.ordering.clone(), self.ends, Arc::clone(&self.rows));
        let kept = {
            let schema = Arc::clone(&schema);
            async move {
                let mut tasks = JoinSet::new();
                for stream in streams {
                    tasks.spawn(keep_ends(stream, ends, predicate.clone()));
                }
                let mut total = 0;
                let mut batches = Vec::new();
                while let Some(result) = tasks.join_next().await {
                    let partition = joined(result)?;
                    total += partition.rows;
                    batches.extend(partition.head);
                    batches.extend(partition.tail);
                }
                rows.store(total, Ordering::Relaxed);
                sort_batch(&concat_batches(&schema, &batches)?, &ordering, None)
            }
        };
        Ok(one_batch(schema, kept))
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

/// The ends of one partition of `stream`; with a predicate, of the rows it holds for.
async fn keep_ends(
    mut stream: SendableRecordBatchStream,
    ends: (usize, usize),
    predicate: Option<Arc<dyn PhysicalExpr>>,
) -> Result<PartitionEnds> {
    let mut kept = PartitionEnds::default();
    while let Some(batch) = stream.next().await {
        let batch = batch?;
        match &predicate {
            None => kept.add(&batch, BatchRows::All(batch.num_rows()), ends)?,
            Some(predicate) => {
                let passing = passing_rows(predicate, &batch)?;
                kept.add(&batch, BatchRows::At(&passing), ends)?;
            }
        }
    }
    Ok(kept)
}

/// What an ends node reads, and the predicate it applies itself. A filter right below it is
/// read through: the node counts the rows the filter's predicate holds for and copies only the
/// few it keeps, where the filter would copy every passing row of every column (a whole frame's
/// worth, for `ddf[ddf.ArrTime < ddf.ArrTime.mean()]`) for the node to drop nearly all of them.
fn read_through_filter(
    input: &Arc<dyn ExecutionPlan>,
) -> (Arc<dyn ExecutionPlan>, Option<Arc<dyn PhysicalExpr>>) {
    match input.downcast_ref::<FilterExec>() {
        Some(filter) if filter.projection().is_none() && filter.fetch().is_none() => (
            Arc::clone(filter.input()),
            Some(Arc::clone(filter.predicate())),
        ),
        _ => (Arc::clone(input), None),
    }
}

/// The positions of the rows `predicate` holds for; a null counts as false, as in a filter.
fn passing_rows(predicate: &Arc<dyn PhysicalExpr>, batch: &RecordBatch) -> Result<Vec<u32>> {
    let mask = predicate.evaluate(batch)?.into_array(batch.num_rows())?;
    let mask = as_boolean_array(&mask)?;
    let mask = match mask.nulls() {
        Some(_) => prep_null_mask_filter(mask),
        None => mask.clone(),
    };
    Ok(mask.values().set_indices().map(|i| i as u32).collect())
}

impl PartitionEnds {
    /// Keeps what belongs to the ends among a partition's next rows: those of `batch` at
    /// `rows`. Kept rows are copied: a slice would hold the whole batch (and the cache mapping
    /// it may point into).
    fn add(
        &mut self,
        batch: &RecordBatch,
        rows: BatchRows,
        (first, last): (usize, usize),
    ) -> Result<()> {
        let len = rows.len();
        self.rows += len;
        let to_head = first.saturating_sub(self.head_rows).min(len);
        if to_head > 0 {
            self.head.push(rows.copy(batch, 0..to_head)?);
            self.head_rows += to_head;
        }
        let to_tail = (len - to_head).min(last);
        if to_tail > 0 {
            self.tail.push_back(rows.copy(batch, len - to_tail..len)?);
            self.tail_rows += to_tail;
        }
        self.trim_tail(last);
        Ok(())
    }

    /// Drops the oldest tail batches while the others hold `last` rows without them.
    fn trim_tail(&mut self, last: usize) {
        while let Some(oldest) = self.tail.front() {
            if self.tail_rows - oldest.num_rows() < last {
                break;
            }
            self.tail_rows -= oldest.num_rows();
            self.tail.pop_front();
        }
    }
}

/// Which rows of a batch a partition goes on with: all of them, or those a filter passes.
#[derive(Clone, Copy)]
enum BatchRows<'a> {
    All(usize),
    At(&'a [u32]),
}

impl BatchRows<'_> {
    fn len(self) -> usize {
        match self {
            BatchRows::All(rows) => rows,
            BatchRows::At(positions) => positions.len(),
        }
    }

    /// A copy of the rows at `range` among these.
    fn copy(self, batch: &RecordBatch, range: Range<usize>) -> Result<RecordBatch> {
        Ok(match self {
            BatchRows::All(_) => compact(&batch.slice(range.start, range.len())),
            BatchRows::At(positions) => {
                take_record_batch(batch, &UInt32Array::from(positions[range].to_vec()))?
            }
        })
    }
}
