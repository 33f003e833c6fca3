//! The scan's `ExecutionPlan`: runs the table's (Dask) partitions on DataFusion's partitions and
//! stamps every row with its partition index and row number.
//!
//! DataFusion partitions are contiguous groups of table partitions, one group per core: running
//! thousands of file partitions as separate DataFusion partitions would start them all at once.
//! A group reads its partitions in order, so each DataFusion partition's output is sorted by
//! (`__ddq_part`, `__ddq_row`), which the plan declares: restoring natural order is then a merge,
//! not a sort. A sort that wants the last rows first (`tail`) gets the partitions in reverse:
//! see [`ScanExec::reversed_for`]. Reading and parsing block, so each group runs on tokio's
//! blocking pool and sends its batches through a small channel (which also bounds memory).

use super::ReadRequest;
use super::csv_read::CsvSource;
use super::json_read::JsonSource;
use super::parquet_read::ParquetSource;
use crate::engine::nodes::{
    bounded_properties, column_names, leaf_with_children, ordered_by, stream_later,
};
use crate::engine::progress::ScanProgress;
use crate::error::{DdqError, Result};
use datafusion::arrow::array::{ArrayRef, RecordBatch, RecordBatchOptions, UInt64Array};
use datafusion::arrow::compute::SortOptions;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::common::Statistics;
use datafusion::common::stats::Precision;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::datasource::source::DataSourceExec;
use datafusion::error::DataFusionError;
use datafusion::execution::TaskContext;
use datafusion::physical_expr::expressions::Column;
use datafusion::physical_expr::{Partitioning, PhysicalExpr, PhysicalSortExpr};
use datafusion::physical_plan::execution_plan::EmissionType;
use datafusion::physical_plan::metrics::{BaselineMetrics, ExecutionPlanMetricsSet, MetricsSet};
use datafusion::physical_plan::stream::RecordBatchReceiverStream;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties, SendableRecordBatchStream,
    SortOrderPushdownResult,
};
use futures::StreamExt;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Batches buffered per DataFusion partition between the reading thread and the query.
const CHANNEL_BATCHES: usize = 2;

/// The order a sort asks for when it wants the last rows first (`tail`: `DESC NULLS FIRST`).
const DESCENDING: SortOptions = SortOptions {
    descending: true,
    nulls_first: true,
};

/// The files behind a table and how to read one of their partitions.
#[derive(Debug)]
pub(crate) enum Source {
    Csv(Box<CsvSource>),
    Parquet(ParquetSource),
    Json(JsonSource),
}

impl Source {
    pub(crate) fn files(&self) -> &[std::path::PathBuf] {
        match self {
            Source::Csv(csv) => csv.files(),
            Source::Parquet(parquet) => parquet.files(),
            Source::Json(json) => json.files(),
        }
    }

    /// The visible columns.
    pub(crate) fn schema(&self) -> SchemaRef {
        match self {
            Source::Csv(csv) => csv.schema(),
            Source::Parquet(parquet) => parquet.schema(),
            Source::Json(json) => json.schema(),
        }
    }

    pub(crate) fn partition_count(&self) -> usize {
        match self {
            Source::Csv(csv) => csv.partition_count(),
            Source::Parquet(parquet) => parquet.partition_count(),
            Source::Json(json) => json.partition_count(),
        }
    }

    fn format_name(&self) -> &'static str {
        match self {
            Source::Csv(_) => "csv",
            Source::Parquet(_) => "parquet",
            Source::Json(_) => "json",
        }
    }

    fn read(
        &self,
        request: ReadRequest,
        emit: &mut dyn FnMut(RecordBatch) -> Result<bool>,
    ) -> Result<()> {
        match self {
            Source::Csv(csv) => csv.read(request, emit),
            Source::Parquet(parquet) => parquet.read(request, emit),
            Source::Json(json) => json.read(request, emit),
        }
    }

    /// A partition's rows and each listed visible column's missing values, known without
    /// reading the data (see `CsvSource::cached_nulls`).
    fn cached_nulls(&self, partition: usize, columns: &[usize]) -> Option<(usize, Vec<usize>)> {
        match self {
            Source::Csv(csv) => csv.cached_nulls(partition, columns),
            Source::Parquet(_) | Source::Json(_) => None,
        }
    }

    /// The bytes a partition's scan reads, for the progress total.
    fn partition_bytes(&self, partition: usize) -> u64 {
        match self {
            Source::Csv(csv) => csv.partition_bytes(partition),
            Source::Parquet(parquet) => parquet.partition_bytes(partition),
            Source::Json(json) => json.partition_bytes(partition),
        }
    }
}

/// Where each output column comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum OutputColumn {
    /// Position in the batches the source returns.
    Visible(usize),
    Part,
    Row,
}

#[derive(Debug, Clone)]
pub(crate) struct ScanExec {
    source: Arc<Source>,
    schema: SchemaRef,
    /// Visible columns the source must read, as positions in its schema, ascending.
    columns: Arc<Vec<usize>>,
    outputs: Arc<Vec<OutputColumn>>,
    /// Table partitions to read (after pruning): ascending, or descending for a scan that feeds
    /// a sort wanting the last rows first.
    partitions: Arc<Vec<usize>>,
    /// Slices of `partitions`, one per DataFusion partition.
    groups: Vec<Range<usize>>,
    limit: Option<usize>,
    /// Per partition, the row past the last one a filter on the row column can keep (see
    /// `part_filter::row_ends`): reading stops there.
    row_ends: Arc<BTreeMap<usize, u64>>,
    properties: Arc<PlanProperties>,
    /// The table columns asked for (see `ScanExec::new`), so the scan can be rebuilt elsewhere.
    projection: Vec<usize>,
    /// Rows out and each partition's start and end, as DataFusion's own scans keep them (for
    /// `explain analyze` and the dashboard's task stream).
    metrics: ExecutionPlanMetricsSet,
}

impl ScanExec {
    /// `projection` indexes the table schema (visible columns, then PART, then ROW).
    pub(crate) fn new(
        source: Arc<Source>,
        table_schema: &SchemaRef,
        projection: &[usize],
        partitions: Vec<usize>,
        target_partitions: usize,
        limit: Option<usize>,
    ) -> Result<ScanExec> {
        let (columns, outputs) = read_columns(source.schema().fields().len(), projection)?;
        let schema = Arc::new(
            table_schema
                .project(projection)
                .map_err(|e| DdqError::execution(e.to_string()))?,
        );
        let groups = split_evenly(partitions.len(), target_partitions);
        let properties = plan_properties(&schema, &outputs, &partitions, groups.len());
        Ok(ScanExec {
            source,
            schema,
            columns: Arc::new(columns),
            outputs: Arc::new(outputs),
            partitions: Arc::new(partitions),
            groups,
            limit,
            row_ends: Arc::default(),
            properties,
            projection: projection.to_vec(),
            metrics: ExecutionPlanMetricsSet::new(),
        })
    }
}

impl ScanExec {
    pub(crate) fn source(&self) -> &Arc<Source> {
        &self.source
    }

    /// The file partitions this scan reads, and their format (see `scan::scan_tasks`).
    pub(crate) fn tasks(&self) -> (usize, &'static str) {
        (self.partitions.len(), self.source.format_name())
    }

    /// This scan reading its partitions last first, for a sort whose first key is the partition
    /// index descending: `tail(n)` is a top-n by (partition, row) descending, and with its input
    /// declared sorted by partition descending DataFusion's top-n stops at the first batch of a
    /// partition that cannot beat the rows it holds, so it reads the last partition or so of
    /// each group instead of every row. The sort stays (rows within a partition still ascend).
    fn reversed_for(&self, order: &[PhysicalSortExpr]) -> Option<ScanExec> {
        let first = order.first()?;
        let part = self.outputs.iter().position(|&o| o == OutputColumn::Part)?;
        let column = first.expr.downcast_ref::<Column>()?;
        let wanted = column.index() == part && first.options == DESCENDING;
        if !wanted || self.limit.is_some() || is_descending(&self.partitions) {
            return None;
        }
        let reversed: Vec<usize> = self.partitions.iter().rev().copied().collect();
        let properties = plan_properties(&self.schema, &self.outputs, &reversed, self.groups.len());
        Some(ScanExec {
            partitions: Arc::new(reversed),
            properties,
            metrics: ExecutionPlanMetricsSet::new(),
            ..self.clone()
        })
    }

    /// What reading these table partitions in full reads, for the progress total and estimates.
    fn bytes_of(&self, partitions: &[usize]) -> u64 {
        partitions
            .iter()
            .map(|&p| self.source.partition_bytes(p))
            .sum()
    }

    /// This scan reading no row of partition `p` at or past `row_ends[p]`.
    pub(crate) fn with_row_ends(self, row_ends: BTreeMap<usize, u64>) -> ScanExec {
        ScanExec {
            row_ends: Arc::new(row_ends),
            ..self
        }
    }

    pub(crate) fn row_ends(&self) -> &BTreeMap<usize, u64> {
        &self.row_ends
    }

    /// This scan with its limit (per partition, see [`ExecutionPlan::with_fetch`]) replaced.
    fn with_limit(&self, limit: Option<usize>) -> ScanExec {
        ScanExec {
            limit,
            metrics: ExecutionPlanMetricsSet::new(),
            ..self.clone()
        }
    }

    /// DataFusion's answer for a sort pushed down to this scan: the scan reading its partitions
    /// last first (see [`ScanExec::reversed_for`]), as a plan made by `plan`, when the sort
    /// wants that.
    fn pushdown_reversed(
        &self,
        order: &[PhysicalSortExpr],
        plan: impl FnOnce(ScanExec) -> Arc<dyn ExecutionPlan>,
    ) -> SortOrderPushdownResult<Arc<dyn ExecutionPlan>> {
        match self.reversed_for(order) {
            Some(reversed) => SortOrderPushdownResult::Inexact {
                inner: plan(reversed),
            },
            None => SortOrderPushdownResult::Unsupported,
        }
    }

    /// Whether this scan reads every row of its partitions (no limit, no rows cut).
    pub(crate) fn reads_whole(&self) -> bool {
        self.limit.is_none() && self.row_ends.is_empty()
    }

    /// The source column output `output` is, when it is one (not PART or ROW).
    pub(crate) fn visible_column(&self, output: usize) -> Option<usize> {
        match self.outputs.get(output)? {
            OutputColumn::Visible(k) => self.columns.get(*k).copied(),
            OutputColumn::Part | OutputColumn::Row => None,
        }
    }

    /// The same scan giving only outputs `keep`, in that order, over the same groups.
    pub(crate) fn keeping(&self, keep: &[usize]) -> Result<ScanExec> {
        let projection: Vec<usize> = keep.iter().map(|&o| self.projection[o]).collect();
        let (columns, outputs) = read_columns(self.source.schema().fields().len(), &projection)?;
        let schema = Arc::new(
            self.schema
                .project(keep)
                .map_err(|e| DdqError::execution(e.to_string()))?,
        );
        let properties = plan_properties(&schema, &outputs, &self.partitions, self.groups.len());
        Ok(ScanExec {
            schema,
            columns: Arc::new(columns),
            outputs: Arc::new(outputs),
            properties,
            projection,
            metrics: ExecutionPlanMetricsSet::new(),
            ..self.clone()
        })
    }

    /// DataFusion partition `partition`'s rows and the missing values of source columns
    /// `columns`, summed over its table partitions, from the scan cache alone; none when any
    /// of them would have to be read.
    pub(crate) fn cached_counts(
        &self,
        partition: usize,
        columns: &[usize],
    ) -> Option<(u64, Vec<u64>)> {
        let group = self.groups.get(partition)?;
        let mut rows = 0u64;
        let mut nulls = vec![0u64; columns.len()];
        for &table_partition in &self.partitions[group.clone()] {
            let (partition_rows, partition_nulls) =
                self.source.cached_nulls(table_partition, columns)?;
            rows += partition_rows as u64;
            for (total, n) in nulls.iter_mut().zip(partition_nulls) {
                *total += n as u64;
            }
        }
        Some((rows, nulls))
    }

    /// The arguments `ScanExec::new` needs, besides the source, to make this scan again: the
    /// projection, the table partitions, the DataFusion partition count and the limit.
    pub(crate) fn recipe(&self) -> (&[usize], &[usize], usize, Option<usize>) {
        (
            &self.projection,
            &self.partitions,
            self.groups.len(),
            self.limit,
        )
    }
}

/// The visible columns a projection of the table schema (visible columns, then PART, then
/// ROW) reads, ascending, and where each projected column comes from.
fn read_columns(
    visible_count: usize,
    projection: &[usize],
) -> Result<(Vec<usize>, Vec<OutputColumn>)> {
    let mut columns: Vec<usize> = projection
        .iter()
        .copied()
        .filter(|&i| i < visible_count)
        .collect();
    columns.sort_unstable();
    columns.dedup();
    let mut outputs = Vec::with_capacity(projection.len());
    for &index in projection {
        let output = match index.checked_sub(visible_count) {
            None => OutputColumn::Visible(columns.binary_search(&index).unwrap_or(0)),
            Some(0) => OutputColumn::Part,
            Some(1) => OutputColumn::Row,
            Some(_) => {
                return Err(DdqError::execution(format!(
                    "projection asks for column {index} of a table with {} columns",
                    visible_count + 2
                )));
            }
        };
        outputs.push(output);
    }
    Ok((columns, outputs))
}

/// `count` items in at most `target` contiguous, non-empty groups of nearly equal size (one
/// empty group when there is nothing to read, since a plan needs a partition).
fn split_evenly(count: usize, target: usize) -> Vec<Range<usize>> {
    let groups = target.max(1).min(count).max(1);
    (0..groups)
        .map(|g| (g * count / groups)..((g + 1) * count / groups))
        .collect()
}

/// Whether the partitions are read last first (see [`ScanExec::reversed_for`]).
fn is_descending(partitions: &[usize]) -> bool {
    partitions.windows(2).any(|pair| pair[0] > pair[1])
}

/// Declares the output sorted by partition, then row, within each DataFusion partition; when
/// the partitions are read last first, sorted by partition descending (rows within a partition
/// still ascend, so nothing is declared about them).
fn plan_properties(
    schema: &SchemaRef,
    outputs: &[OutputColumn],
    read: &[usize],
    partitions: usize,
) -> Arc<PlanProperties> {
    let position = |wanted: OutputColumn| outputs.iter().position(|&o| o == wanted);
    let sort_key = |index: usize, options: SortOptions| {
        let column: Arc<dyn PhysicalExpr> =
            Arc::new(Column::new(schema.field(index).name(), index));
        PhysicalSortExpr::new(column, options)
    };
    let mut ordering = Vec::new();
    if let Some(part) = position(OutputColumn::Part) {
        if is_descending(read) {
            ordering.push(sort_key(part, DESCENDING));
        } else {
            ordering.push(sort_key(part, SortOptions::default()));
            if let Some(row) = position(OutputColumn::Row) {
                ordering.push(sort_key(row, SortOptions::default()));
            }
        }
    }
    bounded_properties(
        ordered_by(schema, ordering),
        Partitioning::UnknownPartitioning(partitions),
        EmissionType::Incremental,
    )
}

impl DisplayAs for ScanExec {
    fn fmt_as(&self, t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        match t {
            DisplayFormatType::Default | DisplayFormatType::Verbose => {
                write!(
                    f,
                    "DdqScanExec: format={}, files={}, partitions={}/{}, projection=[{}]",
                    self.source.format_name(),
                    self.source.files().len(),
                    self.partitions.len(),
                    self.source.partition_count(),
                    column_names(&self.schema)
                )?;
                if let Some(limit) = self.limit {
                    write!(f, ", limit={limit}")?;
                }
                if !self.row_ends.is_empty() {
                    write!(f, ", rows_cut={}", self.row_ends.len())?;
                }
                if is_descending(&self.partitions) {
                    write!(f, ", last_first")?;
                }
                Ok(())
            }
            DisplayFormatType::TreeRender => {
                writeln!(f, "format={}", self.source.format_name())?;
                write!(f, "partitions={}", self.partitions.len())
            }
        }
    }
}

impl ExecutionPlan for ScanExec {
    fn name(&self) -> &str {
        "DdqScanExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> datafusion::error::Result<TreeNodeRecursion>,
    ) -> datafusion::error::Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> datafusion::error::Result<Arc<dyn ExecutionPlan>> {
        leaf_with_children(self, children)
    }

    /// A limit here holds for each partition, as for DataFusion's file scans: a merge that
    /// wants the first n rows in order needs n of each, and on a cluster only those are
    /// written for it to merge.
    fn with_fetch(&self, limit: Option<usize>) -> Option<Arc<dyn ExecutionPlan>> {
        Some(Arc::new(self.with_limit(limit)))
    }

    fn fetch(&self) -> Option<usize> {
        self.limit
    }

    fn try_pushdown_sort(
        &self,
        order: &[PhysicalSortExpr],
    ) -> datafusion::error::Result<SortOrderPushdownResult<Arc<dyn ExecutionPlan>>> {
        Ok(self.pushdown_reversed(order, |reversed| Arc::new(reversed)))
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> datafusion::error::Result<SendableRecordBatchStream> {
        let group = self.groups.get(partition).cloned().ok_or_else(|| {
            DataFusionError::Internal(format!(
                "DdqScanExec has {} partitions, asked for {partition}",
                self.groups.len()
            ))
        })?;
        let progress = context.session_config().get_extension::<ScanProgress>();
        if let Some(progress) = &progress {
            progress.add_total(self.bytes_of(&self.partitions[group.clone()]));
            progress.add_partitions(group.len() as u64);
        }
        let job = GroupJob {
            progress,
            source: Arc::clone(&self.source),
            schema: Arc::clone(&self.schema),
            columns: Arc::clone(&self.columns),
            outputs: Arc::clone(&self.outputs),
            partitions: Arc::clone(&self.partitions),
            group,
            batch_size: context.session_config().batch_size(),
            limit: self.limit,
            row_ends: Arc::clone(&self.row_ends),
        };
        let mut builder =
            RecordBatchReceiverStream::builder(Arc::clone(&self.schema), CHANNEL_BATCHES);
        let sender = builder.tx();
        let baseline = BaselineMetrics::new(&self.metrics, partition);
        builder.spawn_blocking(move || {
            // Its compute time is the reading and parsing, not the waits for the consumer.
            let started = Instant::now();
            let mut waiting = Duration::ZERO;
            let read = job.run(&mut |batch| {
                baseline.record_output(batch.num_rows());
                let sending = Instant::now();
                let taken = sender.blocking_send(Ok(batch)).is_ok();
                waiting += sending.elapsed();
                taken
            });
            let compute = started.elapsed().saturating_sub(waiting);
            baseline.elapsed_compute().add_duration(compute);
            baseline.done();
            read.map_err(|e| DataFusionError::External(Box::new(e)))
        });
        Ok(builder.build())
    }

    fn metrics(&self) -> Option<MetricsSet> {
        Some(self.metrics.clone_inner())
    }
}

/// A scan as a Ballista cluster runs it.
///
/// Ballista's scheduler gives each task the partitions it computes by rewriting the leaves of
/// the stage's plan it knows (file and memory scans, shuffle readers) to those partitions; a
/// leaf it does not know keeps all of them and each task would read every partition. So on a
/// cluster a scan reads through an `anchor` leaf Ballista does know: an in-memory table whose
/// partition `g` holds one row, the number `g`. After the scheduler's rewrite, partition `j`
/// of the anchor says which scan partition a task's partition `j` is, and the node has as many
/// partitions as the anchor kept (all of them where the stage reads the scan whole).
#[derive(Debug)]
pub(crate) struct ScanTaskExec {
    scan: ScanExec,
    anchor: Arc<dyn ExecutionPlan>,
    properties: Arc<PlanProperties>,
}

/// Bytes per row assumed for a row-count estimate (CSV rows of real tables are rarely shorter;
/// only the order of magnitude matters to the planner).
const ESTIMATED_ROW_BYTES: u64 = 64;

/// The anchor's one column: the scan partition a partition stands for.
const ANCHOR_COLUMN: &str = "scan_partition";

impl ScanTaskExec {
    pub(crate) fn new(scan: ScanExec, anchor: Arc<dyn ExecutionPlan>) -> ScanTaskExec {
        let partitions = anchor.properties().output_partitioning().partition_count();
        let properties = plan_properties(&scan.schema, &scan.outputs, &scan.partitions, partitions);
        ScanTaskExec {
            scan,
            anchor,
            properties,
        }
    }

    pub(crate) fn scan(&self) -> &ScanExec {
        &self.scan
    }

    /// The scan with its anchor (the scan itself if it has one partition: a task computing
    /// it computes all of it).
    pub(crate) fn over_anchor(scan: ScanExec) -> Result<Arc<dyn ExecutionPlan>> {
        if scan.groups.len() <= 1 {
            return Ok(Arc::new(scan));
        }
        let schema = Arc::new(datafusion::arrow::datatypes::Schema::new(vec![
            datafusion::arrow::datatypes::Field::new(
                ANCHOR_COLUMN,
                datafusion::arrow::datatypes::DataType::UInt64,
                false,
            ),
        ]));
        let partitions = (0..scan.groups.len() as u64)
            .map(|g| {
                let column: ArrayRef = Arc::new(UInt64Array::from(vec![g]));
                RecordBatch::try_new(Arc::clone(&schema), vec![column]).map(|b| vec![b])
            })
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| DdqError::execution(format!("cannot build a scan's anchor: {e}")))?;
        let anchor = MemorySourceConfig::try_new(&partitions, schema, None)
            .map_err(|e| DdqError::execution(format!("cannot build a scan's anchor: {e}")))?;
        let anchor = DataSourceExec::from_data_source(anchor);
        Ok(Arc::new(ScanTaskExec::new(scan, anchor)))
    }

    fn with_anchor(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Arc<dyn ExecutionPlan> {
        match children.into_iter().next() {
            Some(anchor) => Arc::new(ScanTaskExec::new(self.scan.clone(), anchor)),
            None => self,
        }
    }
}

/// The scan partition partition `partition` of `anchor` stands for.
async fn anchored_partition(
    anchor: Arc<dyn ExecutionPlan>,
    partition: usize,
    context: Arc<TaskContext>,
) -> datafusion::error::Result<usize> {
    let mut stream = anchor.execute(partition, context)?;
    while let Some(batch) = stream.next().await {
        let batch = batch?;
        if batch.num_rows() > 0
            && let Some(numbers) = batch.column(0).as_any().downcast_ref::<UInt64Array>()
        {
            return Ok(numbers.value(0) as usize);
        }
    }
    Err(DataFusionError::Internal(format!(
        "the anchor of a scan has no row in partition {partition}"
    )))
}

impl DisplayAs for ScanTaskExec {
    fn fmt_as(&self, t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "DdqScanTaskExec: partitions={} of ",
            self.properties.output_partitioning().partition_count()
        )?;
        self.scan.fmt_as(t, f)
    }
}

impl ExecutionPlan for ScanTaskExec {
    fn name(&self) -> &str {
        "DdqScanTaskExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.anchor]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> datafusion::error::Result<TreeNodeRecursion>,
    ) -> datafusion::error::Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    /// DataFusion's `replace_children` comes here whatever its options: the partition count
    /// follows the anchor, so properties are always recomputed.
    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> datafusion::error::Result<Arc<dyn ExecutionPlan>> {
        Ok(self.with_anchor(children))
    }

    fn benefits_from_input_partitioning(&self) -> Vec<bool> {
        // The anchor's partitions are the scan's: splitting them up would break that.
        vec![false]
    }

    fn with_fetch(&self, limit: Option<usize>) -> Option<Arc<dyn ExecutionPlan>> {
        let scan = self.scan.with_limit(limit);
        Some(Arc::new(ScanTaskExec::new(scan, Arc::clone(&self.anchor))))
    }

    fn fetch(&self) -> Option<usize> {
        self.scan.limit
    }

    fn try_pushdown_sort(
        &self,
        order: &[PhysicalSortExpr],
    ) -> datafusion::error::Result<SortOrderPushdownResult<Arc<dyn ExecutionPlan>>> {
        // The anchor numbers groups, not partitions, so it serves the reversed scan as it is.
        Ok(self.scan.pushdown_reversed(order, |reversed| {
            Arc::new(ScanTaskExec::new(reversed, Arc::clone(&self.anchor)))
        }))
    }

    /// A size estimate, so that Ballista's planner (which, unlike a local session, turns a
    /// scalar subquery into a join) collects the one-row side of a join and not the scan.
    fn partition_statistics(
        &self,
        _partition: Option<usize>,
    ) -> datafusion::error::Result<Arc<Statistics>> {
        let bytes = self.scan.bytes_of(&self.scan.partitions);
        let mut statistics = Statistics::new_unknown(&self.scan.schema);
        statistics.total_byte_size = Precision::Inexact(bytes as usize);
        statistics.num_rows = Precision::Inexact((bytes / ESTIMATED_ROW_BYTES).max(1) as usize);
        Ok(Arc::new(statistics))
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> datafusion::error::Result<SendableRecordBatchStream> {
        let anchor = Arc::clone(&self.anchor);
        let scan = self.scan.clone();
        let stream = async move {
            let group = anchored_partition(anchor, partition, Arc::clone(&context)).await?;
            scan.execute(group, context)
        };
        Ok(stream_later(Arc::clone(&self.scan.schema), stream))
    }
}

/// The work of one DataFusion partition, owned by the blocking thread that does it.
struct GroupJob {
    progress: Option<Arc<ScanProgress>>,
    source: Arc<Source>,
    schema: SchemaRef,
    columns: Arc<Vec<usize>>,
    outputs: Arc<Vec<OutputColumn>>,
    partitions: Arc<Vec<usize>>,
    group: Range<usize>,
    batch_size: usize,
    limit: Option<usize>,
    row_ends: Arc<BTreeMap<usize, u64>>,
}

impl GroupJob {
    /// Reads the group's partitions in order, passing stamped batches to `send` until it
    /// returns false (the query stopped listening) or `limit` rows were sent.
    fn run(&self, send: &mut dyn FnMut(RecordBatch) -> bool) -> Result<()> {
        let mut left = self.limit;
        let mut listening = true;
        for &partition in &self.partitions[self.group.clone()] {
            if left == Some(0) || !listening {
                break;
            }
            let mut next_row = 0u64;
            let row_end = self.row_ends.get(&partition).map(|&end| end as usize);
            if row_end == Some(0) {
                continue;
            }
            let request = ReadRequest {
                partition,
                columns: &self.columns,
                batch_size: self.batch_size,
                limit: match (left, row_end) {
                    (Some(left), Some(end)) => Some(left.min(end)),
                    (left, end) => left.or(end),
                },
                progress: self.progress.as_ref(),
            };
            self.source.read(request, &mut |batch| {
                let rows = batch.num_rows();
                let stamped = self.stamp(&batch, partition as u64, next_row)?;
                next_row += rows as u64;
                left = left.map(|l| l.saturating_sub(rows));
                listening = send(stamped);
                Ok(listening && left != Some(0))
            })?;
            if let Some(progress) = &self.progress {
                progress.partition_read();
            }
        }
        Ok(())
    }

    /// The output batch: the projected visible columns plus the partition and row columns.
    fn stamp(&self, batch: &RecordBatch, partition: u64, first_row: u64) -> Result<RecordBatch> {
        let rows = batch.num_rows();
        let arrays: Vec<ArrayRef> = self
            .outputs
            .iter()
            .map(|output| -> ArrayRef {
                match *output {
                    OutputColumn::Visible(i) => Arc::clone(batch.column(i)),
                    OutputColumn::Part => Arc::new(UInt64Array::from_value(partition, rows)),
                    OutputColumn::Row => Arc::new(UInt64Array::from_iter_values(
                        first_row..first_row + rows as u64,
                    )),
                }
            })
            .collect();
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        RecordBatch::try_new_with_options(Arc::clone(&self.schema), arrays, &options)
            .map_err(|e| DdqError::execution(format!("cannot assemble a scanned batch: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_contiguous_and_cover_everything() {
        assert_eq!(split_evenly(10, 4), [0..2, 2..5, 5..7, 7..10]);
        assert_eq!(split_evenly(2, 8), [0..1, 1..2]);
        assert_eq!(split_evenly(0, 8), vec![Range { start: 0, end: 0 }]);
        assert_eq!(split_evenly(3, 0), vec![Range { start: 0, end: 3 }]);
    }
}
