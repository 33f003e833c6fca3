//! What ddq's own `ExecutionPlan` nodes (the scan and its cluster task, a persisted frame's
//! scan, the ends of a shown frame, a cluster job) answer alike, written once.
//!
//! DataFusion asks every node for its properties, its children, a copy with other children and
//! a stream per partition; for ddq's nodes most of those answers differ only in a value or two.
//! Each node's own logic (what it reads, how it orders, what it shows) stays in its file.
//!
//! A node that only changes how its input's partitions run (run again, read ahead) is a
//! [`PassThroughExec`] over a [`PassThrough`] that says what it does of its own.
//!
//! Children: a node with inputs rebuilds itself in `replace_children` and answers DataFusion's
//! deprecated `with_new_children` through [`with_children`]; a leaf answers `with_new_children`
//! with [`leaf_with_children`] and leaves `replace_children` to DataFusion's default, which asks
//! that.

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::SendableRecordBatchStream;
use datafusion::physical_expr::{EquivalenceProperties, Partitioning, PhysicalSortExpr};
use datafusion::physical_plan::execution_plan::{
    Boundedness, ChildrenPropertiesMode, EmissionType, ReplaceChildrenOptions,
};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{ExecutionPlan, PlanProperties};
use futures::{Stream, TryStreamExt};
use std::future::Future;
use std::sync::Arc;

/// The properties of a node over `equivalence` (its columns and what is known of their order)
/// with `partitions` partitions that emits as `emission` says. Bounded: every ddq node reads
/// files or a result that ends.
pub(crate) fn bounded_properties(
    equivalence: EquivalenceProperties,
    partitioning: Partitioning,
    emission: EmissionType,
) -> Arc<PlanProperties> {
    Arc::new(PlanProperties::new(
        equivalence,
        partitioning,
        emission,
        Boundedness::Bounded,
    ))
}

/// `schema`'s columns, declared sorted by `ordering` within each partition (nothing declared
/// when it is empty).
pub(crate) fn ordered_by(
    schema: &SchemaRef,
    ordering: Vec<PhysicalSortExpr>,
) -> EquivalenceProperties {
    if ordering.is_empty() {
        EquivalenceProperties::new(Arc::clone(schema))
    } else {
        EquivalenceProperties::new_with_orderings(Arc::clone(schema), [ordering])
    }
}

/// `plan` over `children`, its properties recomputed from them: what DataFusion's deprecated
/// `with_new_children` means, and what a rewrite of a plan's inputs needs.
pub(crate) fn with_children(
    plan: Arc<dyn ExecutionPlan>,
    children: Vec<Arc<dyn ExecutionPlan>>,
) -> Result<Arc<dyn ExecutionPlan>> {
    plan.replace_children(
        children,
        ReplaceChildrenOptions::new(ChildrenPropertiesMode::Recompute),
    )
}

/// A leaf `node` given `children`: itself, as there is nothing to replace. Given any child it
/// is an error, as DataFusion's own count check makes it, rather than a child silently dropped.
pub(crate) fn leaf_with_children(
    node: Arc<dyn ExecutionPlan>,
    children: Vec<Arc<dyn ExecutionPlan>>,
) -> Result<Arc<dyn ExecutionPlan>> {
    if children.is_empty() {
        return Ok(node);
    }
    Err(DataFusionError::Internal(format!(
        "{} has no inputs, not {}",
        node.name(),
        children.len()
    )))
}

/// The input of a node that has exactly one (`node` names it in the error): a node rebuilt
/// over other inputs, or decoded from a cluster's plan, must not drop or invent one.
pub(crate) fn one_input<T>(inputs: Vec<T>, node: &str) -> Result<T> {
    let count = inputs.len();
    match <[T; 1]>::try_from(inputs) {
        Ok([input]) => Ok(input),
        Err(_) => Err(DataFusionError::Internal(format!(
            "{node} has one input, not {count}"
        ))),
    }
}

/// The columns a scan of a table with `schema` reads: those DataFusion projects, or all.
pub(crate) fn projected_columns(projection: Option<&Vec<usize>>, schema: &SchemaRef) -> Vec<usize> {
    match projection {
        Some(columns) => columns.clone(),
        None => (0..schema.fields().len()).collect(),
    }
}

/// `schema`'s column names, as a node lists the columns it reads.
pub(crate) fn column_names(schema: &SchemaRef) -> String {
    schema
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A partition that is one batch, computed when the partition is first polled.
pub(crate) fn one_batch(
    schema: SchemaRef,
    batch: impl Future<Output = Result<RecordBatch>> + Send + 'static,
) -> SendableRecordBatchStream {
    Box::pin(RecordBatchStreamAdapter::new(
        schema,
        futures::stream::once(batch),
    ))
}

/// A partition whose batches come from a stream that is only known once `stream` resolves
/// (after a job ran, or a persisted result was computed): `execute` itself must not wait.
pub(crate) fn stream_later<S>(
    schema: SchemaRef,
    stream: impl Future<Output = Result<S>> + Send + 'static,
) -> SendableRecordBatchStream
where
    S: Stream<Item = Result<RecordBatch>> + Send + 'static,
{
    Box::pin(RecordBatchStreamAdapter::new(
        schema,
        futures::stream::once(stream).try_flatten(),
    ))
}

/// What a task of a `JoinSet` returned, with a task that panicked or was cancelled as an error.
pub(crate) fn joined<T>(
    joined: std::result::Result<Result<T>, tokio::task::JoinError>,
) -> Result<T> {
    joined.map_err(|e| DataFusionError::External(Box::new(e)))?
}

/// What a node that keeps its one input's partitions, order and columns does of its own.
pub(crate) trait PassThrough: std::fmt::Debug + Send + Sync + 'static {
    /// The node's name in plans.
    const NAME: &'static str;

    /// The state of a node over a new input.
    fn fresh() -> Self;

    /// Runs `partition` of `input`.
    fn execute(
        &self,
        input: &Arc<dyn ExecutionPlan>,
        partition: usize,
        context: Arc<datafusion::execution::TaskContext>,
    ) -> Result<SendableRecordBatchStream>;
}

/// A node over one input that keeps its properties, running its partitions as `N` says.
#[derive(Debug)]
pub(crate) struct PassThroughExec<N: PassThrough> {
    input: Arc<dyn ExecutionPlan>,
    node: N,
}

impl<N: PassThrough> PassThroughExec<N> {
    pub(crate) fn new(input: Arc<dyn ExecutionPlan>) -> Self {
        Self {
            input,
            node: N::fresh(),
        }
    }
}

impl<N: PassThrough> datafusion::physical_plan::DisplayAs for PassThroughExec<N> {
    fn fmt_as(
        &self,
        _t: datafusion::physical_plan::DisplayFormatType,
        f: &mut std::fmt::Formatter,
    ) -> std::fmt::Result {
        write!(f, "{}", N::NAME)
    }
}

impl<N: PassThrough> ExecutionPlan for PassThroughExec<N> {
    fn name(&self) -> &str {
        N::NAME
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        self.input.properties()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn maintains_input_order(&self) -> Vec<bool> {
        vec![true]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(
            &Arc<dyn datafusion::physical_expr::PhysicalExpr>,
        ) -> Result<datafusion::common::tree_node::TreeNodeRecursion>,
    ) -> Result<datafusion::common::tree_node::TreeNodeRecursion> {
        Ok(datafusion::common::tree_node::TreeNodeRecursion::Continue)
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
        Ok(Arc::new(Self::new(input)))
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<datafusion::execution::TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        self.node.execute(&self.input, partition, context)
    }
}
