//! `count()` of a frame from what the scan cache already knows: each cache entry keeps its row
//! count and its number of missing values, so counting the values of columns it holds needs
//! no decoding (Polars answers `df.count()` of a frame in memory the same way, from each
//! array's null count).
//!
//! [`from_cache`] finds the partial aggregate of counts that sits over a projection over a
//! scan of whole partitions, and puts a [`CountsExec`] in its place. For each partition, if
//! the cache holds every counted column of the partition's files, the counts of plain columns
//! come from the entries' footers and counts of computed columns (a `parse_dates` date) from
//! the same aggregate over only the columns they read; otherwise the partition runs the
//! original aggregate. Computed columns are still computed, so a value that makes no date is
//! reported as before.

use crate::engine::nodes::{one_batch, one_input};
use crate::engine::scan::ScanExec;
use datafusion::arrow::array::{ArrayRef, AsArray, Int64Array, RecordBatch};
use datafusion::arrow::datatypes::{Int64Type, SchemaRef};
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::functions_aggregate::count::count_udaf;
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_expr::aggregate::AggregateExprBuilder;
use datafusion::physical_expr::expressions::{Column, Literal};
use datafusion::physical_expr::utils::{collect_columns, reassign_expr_columns};
use datafusion::physical_plan::aggregates::{AggregateExec, AggregateMode, PhysicalGroupBy};
use datafusion::physical_plan::execution_plan::ReplaceChildrenOptions;
use datafusion::physical_plan::projection::ProjectionExec;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties, common,
};
use std::sync::Arc;

/// `plan` with every partial aggregate of counts over a scan answered from the scan cache
/// where it can be (see the module's comment).
pub(crate) fn from_cache(plan: Arc<dyn ExecutionPlan>) -> Result<Arc<dyn ExecutionPlan>> {
    plan.transform_up(|node| {
        Ok(match CountsExec::over(&node)? {
            Some(counts) => Transformed::yes(Arc::new(counts) as Arc<dyn ExecutionPlan>),
            None => Transformed::no(node),
        })
    })
    .map(|t| t.data)
}

/// Where one aggregate's count comes from.
#[derive(Debug, Clone, Copy)]
enum Counted {
    /// The values of a scanned column: its rows less its missing values (the n-th of the
    /// columns looked up in the cache).
    Column(usize),
    /// A literal that is never missing: every row.
    Rows,
    /// The n-th count of the aggregate over computed columns.
    Computed(usize),
}

/// The partial counts of a scan's partitions, from the scan cache where it holds them.
#[derive(Debug, Clone)]
pub(crate) struct CountsExec {
    original: Arc<dyn ExecutionPlan>,
    scan: ScanExec,
    /// Source columns whose entries are looked up.
    columns: Vec<usize>,
    counted: Vec<Counted>,
    /// The counts of computed columns over only the columns they read.
    computed: Option<Arc<dyn ExecutionPlan>>,
}

impl CountsExec {
    /// The node for `plan` when it is a partial aggregate of counts, without filters or keys,
    /// over at most a projection over a scan that reads whole partitions.
    fn over(plan: &Arc<dyn ExecutionPlan>) -> Result<Option<CountsExec>> {
        let Some(aggregate) = plan.downcast_ref::<AggregateExec>() else {
            return Ok(None);
        };
        let plain_counts = *aggregate.mode() == AggregateMode::Partial
            && aggregate.group_expr().is_empty()
            && aggregate.filter_expr().iter().all(Option::is_none)
            && aggregate.schema().fields().len() == aggregate.aggr_expr().len();
        if !plain_counts {
            return Ok(None);
        }
        let input = aggregate.input();
        let (projection, scan) = match input.downcast_ref::<ProjectionExec>() {
            Some(projection) => (Some(projection), projection.input()),
            None => (None, input),
        };
        let Some(scan) = scan.downcast_ref::<ScanExec>().filter(|s| s.reads_whole()) else {
            return Ok(None);
        };
        let mut columns = Vec::new();
        let mut counted = Vec::new();
        let mut computed = Vec::new();
        for aggr in aggregate.aggr_expr() {
            let args = aggr.expressions();
            let [arg] = args.as_slice() else {
                return Ok(None);
            };
            if aggr.fun().name() != "count" || aggr.is_distinct() {
                return Ok(None);
            }
            let Some(arg) = over_scan(arg, projection) else {
                return Ok(None);
            };
            counted.push(if let Some(c) = arg.downcast_ref::<Column>() {
                let Some(source_column) = scan.visible_column(c.index()) else {
                    return Ok(None);
                };
                columns.push(source_column);
                Counted::Column(columns.len() - 1)
            } else if arg
                .downcast_ref::<Literal>()
                .is_some_and(|l| !l.value().is_null())
            {
                Counted::Rows
            } else {
                computed.push(arg);
                Counted::Computed(computed.len() - 1)
            });
        }
        if columns.is_empty() {
            // Nothing to take from the cache: the aggregate is as cheap as it gets.
            return Ok(None);
        }
        let computed = match computed.is_empty() {
            true => None,
            false => Some(counts_of_computed(scan, &computed)?),
        };
        Ok(Some(CountsExec {
            original: Arc::clone(plan),
            scan: scan.clone(),
            columns,
            counted,
            computed,
        }))
    }
}

/// An argument of an aggregate over `projection` as an expression over the projection's input.
fn over_scan(
    arg: &Arc<dyn PhysicalExpr>,
    projection: Option<&ProjectionExec>,
) -> Option<Arc<dyn PhysicalExpr>> {
    let Some(projection) = projection else {
        return Some(Arc::clone(arg));
    };
    if arg.downcast_ref::<Literal>().is_some() {
        return Some(Arc::clone(arg));
    }
    let column = arg.downcast_ref::<Column>()?;
    Some(Arc::clone(&projection.expr().get(column.index())?.expr))
}

/// A partial aggregate counting `exprs` (over the scan's columns) over a scan of only the
/// columns they read.
fn counts_of_computed(
    scan: &ScanExec,
    exprs: &[Arc<dyn PhysicalExpr>],
) -> Result<Arc<dyn ExecutionPlan>> {
    let mut read: Vec<usize> = exprs
        .iter()
        .flat_map(collect_columns)
        .map(|c| c.index())
        .collect();
    read.sort_unstable();
    read.dedup();
    let narrow = Arc::new(
        scan.keeping(&read)
            .map_err(|e| DataFusionError::External(Box::new(e)))?,
    );
    let mut projected = Vec::with_capacity(exprs.len());
    for (i, expr) in exprs.iter().enumerate() {
        let over_narrow = reassign_expr_columns(Arc::clone(expr), &narrow.schema())?;
        projected.push((over_narrow, format!("computed_{i}")));
    }
    let projection = Arc::new(ProjectionExec::try_new(projected, narrow)?);
    let schema = projection.schema();
    let mut counts = Vec::with_capacity(exprs.len());
    for (i, field) in schema.fields().iter().enumerate() {
        let arg = Arc::new(Column::new(field.name(), i)) as Arc<dyn PhysicalExpr>;
        let count = AggregateExprBuilder::new(count_udaf(), vec![arg])
            .schema(Arc::clone(&schema))
            .alias(format!("count_{i}"))
            .build()?;
        counts.push(Arc::new(count));
    }
    let filters = vec![None; counts.len()];
    Ok(Arc::new(AggregateExec::try_new(
        AggregateMode::Partial,
        PhysicalGroupBy::new_single(vec![]),
        counts,
        filters,
        projection,
        schema,
    )?))
}

/// The sum of each column of partial counts (one row per partition run).
fn summed_counts(batches: &[RecordBatch], columns: usize) -> Vec<i64> {
    let mut sums = vec![0i64; columns];
    for batch in batches {
        for (sum, column) in sums.iter_mut().zip(batch.columns()) {
            if let Some(values) = column.as_primitive_opt::<Int64Type>() {
                *sum += values.iter().flatten().sum::<i64>();
            }
        }
    }
    sums
}

impl DisplayAs for CountsExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "DdqCountsExec: {} column(s) counted from the scan cache where it holds them",
            self.columns.len()
        )
    }
}

impl ExecutionPlan for CountsExec {
    fn name(&self) -> &str {
        "DdqCountsExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        self.original.properties()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.original]
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
        crate::engine::nodes::with_children(self, children)
    }

    fn replace_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
        _options: ReplaceChildrenOptions,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let original = one_input(children, self.name())?;
        Ok(Arc::new(CountsExec {
            original,
            ..self.as_ref().clone()
        }))
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        let Some((rows, nulls)) = self.scan.cached_counts(partition, &self.columns) else {
            return self.original.execute(partition, context);
        };
        let schema: SchemaRef = self.original.schema();
        let counted = self.counted.clone();
        let computed = match &self.computed {
            Some(plan) => Some((
                plan.schema().fields().len(),
                plan.execute(partition, context)?,
            )),
            None => None,
        };
        Ok(one_batch(Arc::clone(&schema), async move {
            let computed_counts = match computed {
                Some((columns, stream)) => summed_counts(&common::collect(stream).await?, columns),
                None => Vec::new(),
            };
            let value = |c: &Counted| match *c {
                Counted::Column(n) => (rows - nulls[n]) as i64,
                Counted::Rows => rows as i64,
                Counted::Computed(n) => computed_counts.get(n).copied().unwrap_or(0),
            };
            let arrays: Vec<ArrayRef> = counted
                .iter()
                .map(|c| Arc::new(Int64Array::from(vec![value(c)])) as ArrayRef)
                .collect();
            Ok(RecordBatch::try_new(schema, arrays)?)
        }))
    }
}
