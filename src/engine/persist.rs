//! `df.persist()`: a frame backed by [`PersistTable`], which computes the original plan once, on
//! its first scan, and keeps the result for every later statement.
//!
//! The kept batches include the hidden ordering columns, so pandas order survives. They stay in
//! memory while all persisted frames together hold less than half the session's memory limit
//! (and the memory pool grants it: the kept bytes are reserved in the pool, so queries see that
//! much less); what does not fit goes to Arrow IPC files under the cache directory. Everything
//! is freed when the last frame (or running plan) using the table is dropped.
//!
//! The limit is read from the `TaskContext`'s memory pool when the plan first runs, so a
//! `set memory_limit` made before that applies.

use crate::engine::cache::{self, PERSIST_SUBDIR};
use crate::engine::nodes::{
    bounded_properties, column_names, joined, leaf_with_children, ordered_by, projected_columns,
    stream_later,
};
use crate::error::{DdqError, Result};
use crate::plan::divisions::Divisions;
use crate::plan::value::Frame;
use async_trait::async_trait;
use datafusion::arrow::array::{RecordBatch, RecordBatchOptions};
use datafusion::arrow::compute::SortOptions;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::ipc::reader::FileReaderBuilder;
use datafusion::arrow::ipc::writer::FileWriter;
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::Column as LogicalColumn;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::datasource::{TableType, provider_as_source};
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::execution::memory_pool::{MemoryConsumer, MemoryLimit, MemoryReservation};
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, SortExpr};
use datafusion::physical_expr::expressions::Column;
use datafusion::physical_expr::{Partitioning, PhysicalExpr, PhysicalSortExpr};
use datafusion::physical_plan::execution_plan::EmissionType;
use datafusion::physical_plan::stream::{RecordBatchReceiverStream, RecordBatchStreamAdapter};
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, ExecutionPlanProperties, PlanProperties,
};
use datafusion::prelude::{DataFrame, SessionContext};
use futures::StreamExt;
use std::collections::HashSet;
use std::fmt;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use tokio::sync::OnceCell;
use tokio::task::JoinSet;

/// Bytes all persisted frames of the process keep in memory.
static KEPT_BYTES: AtomicUsize = AtomicUsize::new(0);
/// Numbers persisted tables and spill files.
static PERSIST_COUNTER: AtomicU64 = AtomicU64::new(0);
/// Batches buffered between a thread reading spilled batches and the query.
const CHANNEL_BATCHES: usize = 2;

/// `frame.persist()`: the same frame over a table that computes `frame` once.
pub fn persist_frame(ctx: &SessionContext, frame: &Frame) -> Result<Frame> {
    persist_frame_in(ctx, frame, default_spill_dir())
}

/// Where persisted frames spill: `persist/` in the cache directory (the system's temporary
/// directory when there is no cache directory).
fn default_spill_dir() -> PathBuf {
    cache::default_dir()
        .map(|dir| dir.join(PERSIST_SUBDIR))
        .unwrap_or_else(|| std::env::temp_dir().join("ddq-persist"))
}

pub(crate) fn persist_frame_in(
    ctx: &SessionContext,
    frame: &Frame,
    spill_dir: PathBuf,
) -> Result<Frame> {
    let schema = Arc::new(frame.df.schema().as_arrow().clone());
    let mut seen = HashSet::new();
    if let Some(name) = schema
        .fields()
        .iter()
        .map(|f| f.name())
        .find(|name| !seen.insert(name.as_str()))
    {
        return Err(DdqError::unsupported(format!(
            "cannot persist a frame with two columns named {name:?}"
        ))
        .with_help("rename one of them first"));
    }
    let number = PERSIST_COUNTER.fetch_add(1, Ordering::Relaxed);
    let table = PersistTable {
        plan: frame.df.logical_plan().clone(),
        schema,
        shared: Arc::new(Shared::default()),
        spill_dir,
    };
    // A name of its own: plans over two persisted frames must never compare equal.
    let plan = LogicalPlanBuilder::scan(
        format!("persisted_{number}"),
        provider_as_source(Arc::new(table)),
        None,
    )?
    .build()?;
    let order = frame
        .order
        .iter()
        .map(|s| Ok(SortExpr::new(unqualified(&s.expr)?, s.asc, s.nulls_first)))
        .collect::<Result<Vec<_>>>()?;
    let partition = frame.partition.as_ref().map(unqualified).transpose()?;
    // The persisted rows keep their partitions, so their divisions still hold.
    let divisions = match frame.divisions.as_deref() {
        Some(d) => Some(Arc::new(Divisions {
            partition: unqualified(&d.partition)?,
            ..d.clone()
        })),
        None => None,
    };
    Ok(Frame {
        df: DataFrame::new(ctx.state(), plan),
        order,
        partition,
        divisions,
        ..frame.clone()
    })
}

/// An expression whose columns are found by name alone (the original plan's qualifiers do not
/// exist over the persisted table).
fn unqualified(expr: &Expr) -> Result<Expr> {
    let rewritten = expr.clone().transform(|e| {
        Ok(match e {
            Expr::Column(c) if c.relation.is_some() => {
                Transformed::yes(Expr::Column(LogicalColumn::new_unqualified(c.name)))
            }
            other => Transformed::no(other),
        })
    })?;
    Ok(rewritten.data)
}

/// The table behind a persisted frame.
pub struct PersistTable {
    /// The frame's plan, run once.
    plan: LogicalPlan,
    schema: SchemaRef,
    shared: Arc<Shared>,
    spill_dir: PathBuf,
}

impl PersistTable {
    /// The plan the table computes.
    pub fn plan(&self) -> &LogicalPlan {
        &self.plan
    }
}

impl fmt::Debug for PersistTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersistTable")
            .field("schema", &self.schema)
            .field("computed", &self.shared.kept.get().is_some())
            .finish()
    }
}

/// What the table and its running plans share: the result, once computed.
#[derive(Default)]
struct Shared {
    kept: OnceCell<Arc<Kept>>,
}

#[async_trait]
impl TableProvider for PersistTable {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        _filters: &[Expr],
        limit: Option<usize>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        let projection = projected_columns(projection, &self.schema);
        let schema = Arc::new(self.schema.project(&projection)?);
        let (original, partitions, ordering) = match self.shared.kept.get() {
            Some(kept) => (None, kept.partitions.len(), kept.ordering.clone()),
            None => {
                let original = state.create_physical_plan(&self.plan).await?;
                let partitions = original.output_partitioning().partition_count();
                (Some(original), partitions, Vec::new())
            }
        };
        let properties = plan_properties(&schema, &ordering, partitions.max(1));
        Ok(Arc::new(PersistExec {
            shared: Arc::clone(&self.shared),
            original,
            table_schema: Arc::clone(&self.schema),
            spill_dir: self.spill_dir.clone(),
            projection,
            schema,
            partitions: partitions.max(1),
            limit,
            properties,
        }))
    }
}

/// Declares the kept order, as far as its columns are projected. Only known once the result
/// is kept: a plan made before may find it computed by another plan with other partitions.
fn plan_properties(
    schema: &SchemaRef,
    ordering: &[(String, SortOptions)],
    partitions: usize,
) -> Arc<PlanProperties> {
    let sort: Vec<PhysicalSortExpr> = ordering
        .iter()
        .map_while(|(name, options)| {
            let index = schema.index_of(name).ok()?;
            let column: Arc<dyn PhysicalExpr> = Arc::new(Column::new(name, index));
            Some(PhysicalSortExpr::new(column, *options))
        })
        .collect();
    bounded_properties(
        ordered_by(schema, sort),
        Partitioning::UnknownPartitioning(partitions),
        EmissionType::Incremental,
    )
}

/// Scans a persisted table: computes and keeps the original plan's result on first run, then
/// streams the kept batches.
#[derive(Debug)]
struct PersistExec {
    shared: Arc<Shared>,
    /// The original plan, when the result was not kept yet as this plan was made.
    original: Option<Arc<dyn ExecutionPlan>>,
    table_schema: SchemaRef,
    spill_dir: PathBuf,
    projection: Vec<usize>,
    schema: SchemaRef,
    partitions: usize,
    limit: Option<usize>,
    properties: Arc<PlanProperties>,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.kept.get().is_some() {
            "computed"
        } else {
            "not computed"
        })
    }
}

impl DisplayAs for PersistExec {
    fn fmt_as(&self, t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        let state = match self.shared.kept.get() {
            Some(kept) => kept.describe(),
            None => "computed on first run".to_string(),
        };
        match t {
            DisplayFormatType::Default | DisplayFormatType::Verbose => write!(
                f,
                "DdqPersistExec: partitions={}, {state}, projection=[{}]",
                self.partitions,
                column_names(&self.schema)
            ),
            DisplayFormatType::TreeRender => write!(f, "{state}"),
        }
    }
}

impl ExecutionPlan for PersistExec {
    fn name(&self) -> &str {
        "DdqPersistExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> DfResult<TreeNodeRecursion>,
    ) -> DfResult<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        leaf_with_children(self, children)
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> DfResult<SendableRecordBatchStream> {
        let shared = Arc::clone(&self.shared);
        let original = self.original.clone();
        let table_schema = Arc::clone(&self.table_schema);
        let spill_dir = self.spill_dir.clone();
        let read = KeptRead {
            output: partition,
            outputs: self.partitions,
            projection: self.projection.clone(),
            schema: Arc::clone(&self.schema),
            width: self.table_schema.fields().len(),
            limit: self.limit,
        };
        let stream = async move {
            let kept = shared
                .kept
                .get_or_try_init(|| async move {
                    let plan = original.ok_or_else(|| {
                        DataFusionError::Internal("a persisted plan lost its input".into())
                    })?;
                    compute(plan, context, table_schema, spill_dir).await
                })
                .await?;
            Ok(read.stream(Arc::clone(kept)))
        };
        Ok(stream_later(Arc::clone(&self.schema), stream))
    }
}

/// Runs every partition of the original plan at once and keeps what they return.
async fn compute(
    plan: Arc<dyn ExecutionPlan>,
    context: Arc<TaskContext>,
    schema: SchemaRef,
    spill_dir: PathBuf,
) -> DfResult<Arc<Kept>> {
    let budget = Arc::new(Budget::new(&context));
    let count = plan.output_partitioning().partition_count();
    // Dropping the set (an error, a cancelled query) aborts the partitions still running.
    let mut tasks = JoinSet::new();
    for index in 0..count {
        let stream = plan.execute(index, Arc::clone(&context))?;
        let keeper = Keeper {
            budget: Arc::clone(&budget),
            schema: Arc::clone(&schema),
            spill_dir: spill_dir.clone(),
        };
        tasks.spawn(async move { keeper.keep(stream).await.map(|kept| (index, kept)) });
    }
    let mut partitions: Vec<Option<KeptPartition>> = (0..count).map(|_| None).collect();
    while let Some(result) = tasks.join_next().await {
        let (index, kept) = joined(result)?;
        partitions[index] = Some(kept);
    }
    Ok(Arc::new(Kept {
        partitions: partitions.into_iter().flatten().collect(),
        ordering: ordering_of(plan.as_ref()),
        _budget: budget,
    }))
}

/// The original plan's output order, as far as it sorts by plain columns.
fn ordering_of(plan: &dyn ExecutionPlan) -> Vec<(String, SortOptions)> {
    let Some(ordering) = plan.properties().output_ordering() else {
        return Vec::new();
    };
    ordering
        .iter()
        .map_while(|sort| {
            let column = sort.expr.downcast_ref::<Column>()?;
            Some((column.name().to_string(), sort.options))
        })
        .collect()
}

/// Memory a persisted frame may keep: what is left of half the memory limit after the other
/// persisted frames, and what the memory pool grants.
struct Budget {
    limit: usize,
    reservation: MemoryReservation,
    kept: AtomicUsize,
}

impl Budget {
    fn new(context: &TaskContext) -> Budget {
        let pool = context.memory_pool();
        let limit = match pool.memory_limit() {
            MemoryLimit::Finite(bytes) => bytes / 2,
            MemoryLimit::Infinite | MemoryLimit::Unknown => usize::MAX,
        };
        Budget {
            limit,
            reservation: MemoryConsumer::new("ddq persisted frame").register(pool),
            kept: AtomicUsize::new(0),
        }
    }

    /// Whether `bytes` more may stay in memory; if so they are counted until the budget drops.
    fn try_keep(&self, bytes: usize) -> bool {
        let total = KEPT_BYTES.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if total > self.limit || self.reservation.try_grow(bytes).is_err() {
            KEPT_BYTES.fetch_sub(bytes, Ordering::Relaxed);
            return false;
        }
        self.kept.fetch_add(bytes, Ordering::Relaxed);
        true
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        KEPT_BYTES.fetch_sub(self.kept.load(Ordering::Relaxed), Ordering::Relaxed);
    }
}

/// Keeps one partition's batches: in memory while the budget allows, then on disk.
struct Keeper {
    budget: Arc<Budget>,
    schema: SchemaRef,
    spill_dir: PathBuf,
}

impl Keeper {
    async fn keep(self, mut stream: SendableRecordBatchStream) -> DfResult<KeptPartition> {
        let mut kept = KeptPartition::default();
        while let Some(batch) = stream.next().await {
            let batch = conform(batch?, &self.schema)?;
            if batch.num_rows() == 0 {
                continue;
            }
            kept.rows += batch.num_rows();
            // Once a partition spills, the rest of it follows, so its order is memory, then disk.
            if kept.spill.is_none() && self.budget.try_keep(batch.get_array_memory_size()) {
                kept.memory_bytes += batch.get_array_memory_size();
                kept.batches.push(batch);
                continue;
            }
            if kept.spill.is_none() {
                kept.spill = Some(SpillFile::create(&self.spill_dir, &self.schema)?);
            }
            if let Some(spill) = kept.spill.as_mut() {
                spill.write(&batch)?;
            }
        }
        if let Some(spill) = kept.spill.as_mut() {
            spill.finish()?;
        }
        Ok(kept)
    }
}

/// A batch under the table's schema (the physical plan's may differ in field metadata).
fn conform(batch: RecordBatch, schema: &SchemaRef) -> DfResult<RecordBatch> {
    if batch.schema() == *schema {
        return Ok(batch);
    }
    let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    Ok(RecordBatch::try_new_with_options(
        Arc::clone(schema),
        batch.columns().to_vec(),
        &options,
    )?)
}

/// The computed result of a persisted frame.
struct Kept {
    partitions: Vec<KeptPartition>,
    ordering: Vec<(String, SortOptions)>,
    /// Holds the memory reservation as long as the batches live.
    _budget: Arc<Budget>,
}

impl Kept {
    fn describe(&self) -> String {
        let rows: usize = self.partitions.iter().map(|p| p.rows).sum();
        let memory: usize = self.partitions.iter().map(|p| p.memory_bytes).sum();
        let spilled = self.partitions.iter().filter(|p| p.spill.is_some()).count();
        format!(
            "kept {rows} rows, {} in memory, {spilled} partitions spilled",
            crate::config::size::format_size(memory as u64)
        )
    }
}

#[derive(Default)]
struct KeptPartition {
    rows: usize,
    memory_bytes: usize,
    /// The first batches, in order.
    batches: Vec<RecordBatch>,
    /// The batches after those, in order, when memory ran out.
    spill: Option<SpillFile>,
}

/// An IPC file holding the tail of a partition; removed when dropped.
struct SpillFile {
    path: PathBuf,
    writer: Option<FileWriter<BufWriter<File>>>,
}

impl SpillFile {
    fn create(dir: &Path, schema: &SchemaRef) -> DfResult<SpillFile> {
        let path = dir.join(cache::spill_file_name(
            PERSIST_COUNTER.fetch_add(1, Ordering::Relaxed),
        ));
        let spill_error = |e: &dyn fmt::Display| {
            DataFusionError::External(Box::new(
                DdqError::input(format!(
                    "cannot spill a persisted frame to {}: {e}",
                    path.display()
                ))
                .with_help(format!(
                    "free some disk space, or set {} to a writable directory",
                    cache::CACHE_DIR_ENV
                )),
            ))
        };
        std::fs::create_dir_all(dir).map_err(|e| spill_error(&e))?;
        let file = File::create(&path).map_err(|e| spill_error(&e))?;
        cache::register_live_spill(&path);
        // From here on, dropping the spill file removes it.
        let mut spill = SpillFile {
            path: path.clone(),
            writer: None,
        };
        let writer = FileWriter::try_new(BufWriter::with_capacity(1 << 20, file), schema)
            .map_err(|e| spill_error(&e))?;
        spill.writer = Some(writer);
        Ok(spill)
    }

    fn write(&mut self, batch: &RecordBatch) -> DfResult<()> {
        if let Some(writer) = self.writer.as_mut() {
            writer.write(batch)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> DfResult<()> {
        if let Some(mut writer) = self.writer.take() {
            writer.finish()?;
            writer
                .into_inner()?
                .into_inner()
                .map_err(|e| DataFusionError::IoError(e.into_error()))?;
        }
        Ok(())
    }
}

impl Drop for SpillFile {
    fn drop(&mut self) {
        self.writer = None;
        let _ = std::fs::remove_file(&self.path);
        cache::unregister_live_spill(&self.path);
    }
}

/// What one output partition of a scan reads from the kept result.
struct KeptRead {
    output: usize,
    outputs: usize,
    projection: Vec<usize>,
    schema: SchemaRef,
    /// Columns in the table: a narrower projection copies what it reads from spill files.
    width: usize,
    limit: Option<usize>,
}

impl KeptRead {
    /// Kept partitions `output`, `output + outputs`, ...: exactly one when the plan was made
    /// from the kept result, whatever was computed otherwise.
    fn stream(self, kept: Arc<Kept>) -> SendableRecordBatchStream {
        let parts: Vec<usize> = (self.output..kept.partitions.len())
            .step_by(self.outputs.max(1))
            .collect();
        let spills = parts.iter().any(|&p| kept.partitions[p].spill.is_some());
        let schema = Arc::clone(&self.schema);
        let batches = self.batches(kept, parts);
        if !spills {
            return Box::pin(RecordBatchStreamAdapter::new(
                schema,
                futures::stream::iter(batches),
            ));
        }
        // Reading spill files blocks: do it on the blocking pool.
        let mut builder = RecordBatchReceiverStream::builder(schema, CHANNEL_BATCHES);
        let sender = builder.tx();
        builder.spawn_blocking(move || {
            for batch in batches {
                if sender.blocking_send(batch).is_err() {
                    break;
                }
            }
            Ok(())
        });
        builder.build()
    }

    /// The kept batches of `parts`, projected, in order, up to the limit.
    fn batches(
        self,
        kept: Arc<Kept>,
        parts: Vec<usize>,
    ) -> impl Iterator<Item = DfResult<RecordBatch>> + Send + 'static {
        let projection = self.projection;
        let width = self.width;
        let all = parts.into_iter().flat_map(move |p| {
            let part = &kept.partitions[p];
            let memory: Vec<DfResult<RecordBatch>> = part
                .batches
                .iter()
                .map(|b| Ok(b.project(&projection)?))
                .collect();
            let spilled = part
                .spill
                .as_ref()
                .map(|s| read_spill(&s.path, &projection, width));
            memory.into_iter().chain(spilled.into_iter().flatten())
        });
        let mut left = self.limit;
        all.map_while(move |batch| {
            if left == Some(0) {
                return None;
            }
            let Ok(batch) = batch else {
                return Some(batch);
            };
            Some(Ok(match left.as_mut() {
                Some(left) => {
                    let rows = batch.num_rows().min(*left);
                    *left -= rows;
                    batch.slice(0, rows)
                }
                None => batch,
            }))
        })
    }
}

/// The batches of a spill file, projected (and compacted, see `cache::compact`), read as they
/// are asked for.
fn read_spill(
    path: &Path,
    projection: &[usize],
    width: usize,
) -> Box<dyn Iterator<Item = DfResult<RecordBatch>> + Send> {
    let reader = File::open(path)
        .map_err(DataFusionError::from)
        .and_then(|file| {
            Ok(FileReaderBuilder::new()
                .with_projection(projection.to_vec())
                .build(file)?)
        });
    let reader = match reader {
        Ok(reader) => reader,
        Err(e) => return Box::new(std::iter::once(Err(e))),
    };
    let narrower = projection.len() < width;
    Box::new(reader.map(move |batch| {
        let batch = batch?;
        Ok(if narrower {
            cache::compact(&batch)
        } else {
            batch
        })
    }))
}

/// The schema of a table: used by tests to check what a persisted frame holds.
#[cfg(test)]
fn schema_of(frame: &Frame) -> datafusion::arrow::datatypes::Schema {
    frame.df.schema().as_arrow().clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scan::FileTable;
    use crate::plan::project::Project;
    use crate::plan::sources::{CsvOptions, PART_COLUMN, ROW_COLUMN};
    use datafusion::arrow::array::AsArray;
    use datafusion::arrow::datatypes::{Int64Type, UInt64Type};
    use datafusion::execution::memory_pool::FairSpillPool;
    use datafusion::execution::runtime_env::RuntimeEnvBuilder;
    use datafusion::prelude::{SessionConfig, col, lit};

    fn context(memory: usize) -> SessionContext {
        let runtime = RuntimeEnvBuilder::new()
            .with_memory_pool(Arc::new(FairSpillPool::new(memory)))
            .build_arc()
            .expect("runtime");
        SessionContext::new_with_config_rt(
            SessionConfig::new()
                .with_target_partitions(3)
                .with_batch_size(50),
            runtime,
        )
    }

    /// A frame over a CSV of `rows` numbered rows, split in several partitions.
    fn csv_frame(ctx: &SessionContext, path: &Path, rows: i64) -> Frame {
        let mut text = String::from("n,m\n");
        for i in 0..rows {
            text.push_str(&format!("{i},{}\n", i * 10));
        }
        std::fs::write(path, text).expect("write csv");
        let options = CsvOptions {
            blocksize: 1000,
            ..CsvOptions::default()
        };
        let table =
            FileTable::open_csv_cached(&[path.display().to_string()], options, None).expect("open");
        let table = crate::plan::sources::SourceTable {
            npartitions: table.npartitions(),
            provider: std::sync::Arc::new(table),
        };
        let vars = std::collections::HashMap::new();
        let planner = crate::plan::Planner::new(ctx, &vars, &crate::engine::sources::EngineSources);
        crate::plan::read::table_frame(&planner, table, "read-csv").expect("read")
    }

    /// Column `n` of a frame in pandas order, sorted here rather than by a plan (whose sort
    /// would compete with the kept rows for a small memory pool).
    async fn values(frame: &Frame) -> Vec<i64> {
        let df = frame
            .df
            .clone()
            .project(vec![col(PART_COLUMN), col(ROW_COLUMN), col("n")])
            .expect("select");
        let mut rows = Vec::new();
        for batch in df.collect().await.expect("collect") {
            let u64s = |i: usize| batch.column(i).as_primitive::<UInt64Type>().clone();
            let (parts, numbers) = (u64s(0), u64s(1));
            let n = batch.column(2).as_primitive::<Int64Type>();
            for i in 0..batch.num_rows() {
                rows.push((parts.value(i), numbers.value(i), n.value(i)));
            }
        }
        rows.sort_unstable();
        rows.into_iter().map(|(_, _, n)| n).collect()
    }

    fn spill_files(dir: &Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| entries.count())
    }

    #[tokio::test]
    async fn the_plan_runs_once_and_later_scans_read_the_kept_rows() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ctx = context(1 << 30);
        let path = dir.path().join("a.csv");
        let frame = csv_frame(&ctx, &path, 500);
        let filtered = frame.with_df(frame.df.clone().keep_rows(col("n").gt(lit(99))).unwrap());
        let persisted = persist_frame_in(&ctx, &filtered, dir.path().join("spill")).unwrap();
        assert_eq!(schema_of(&persisted), schema_of(&filtered));
        let expected: Vec<i64> = (100..500).collect();
        assert_eq!(values(&persisted).await, expected);
        assert!(ctx.runtime_env().memory_pool.reserved() > 0);

        // The source is gone: only the kept rows can answer.
        std::fs::remove_file(&path).expect("remove");
        assert_eq!(values(&persisted).await, expected);
        let doubled = persisted
            .df
            .clone()
            .group_by(
                vec![],
                vec![datafusion::functions_aggregate::expr_fn::sum(col("m"))],
            )
            .unwrap()
            .collect()
            .await
            .unwrap();
        let total: i64 = (100..500).map(|i| i * 10).sum();
        assert_eq!(
            doubled[0].column(0).as_primitive::<Int64Type>().value(0),
            total
        );
        // The later plans know the kept order: pandas order is a merge, not a sort.
        let sorted = persisted.df.clone().sort(persisted.order.clone()).unwrap();
        let plan = sorted.create_physical_plan().await.unwrap();
        let shown = datafusion::physical_plan::displayable(plan.as_ref())
            .indent(false)
            .to_string();
        assert!(shown.contains("DdqPersistExec"), "{shown}");
        assert!(!shown.contains("SortExec"), "{shown}");

        drop(sorted);
        drop(plan);
        drop(persisted);
        assert_eq!(ctx.runtime_env().memory_pool.reserved(), 0);
    }

    #[tokio::test]
    async fn what_does_not_fit_spills_and_is_removed_with_the_frame() {
        let dir = tempfile::tempdir().expect("tempdir");
        let spill_dir = dir.path().join("spill");
        // Half of 64 kB is less than the data: most batches go to disk.
        let ctx = context(64_000);
        let frame = csv_frame(&ctx, &dir.path().join("a.csv"), 20_000);
        let persisted = persist_frame_in(&ctx, &frame, spill_dir.clone()).unwrap();
        let expected: Vec<i64> = (0..20_000).collect();
        assert_eq!(values(&persisted).await, expected);
        assert!(spill_files(&spill_dir) > 0);
        assert_eq!(values(&persisted).await, expected);
        assert!(ctx.runtime_env().memory_pool.reserved() <= 32_000);

        let first = persisted.with_df(persisted.df.clone().limit(0, Some(3)).unwrap());
        assert_eq!(first.df.clone().count().await.unwrap(), 3);
        drop(first);
        drop(persisted);
        // A reader thread of the limited scan may still be noticing it was stopped.
        for _ in 0..100 {
            if spill_files(&spill_dir) == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(spill_files(&spill_dir), 0);
    }

    #[tokio::test]
    async fn a_failed_run_keeps_nothing_and_can_be_retried() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ctx = context(1 << 30);
        let path = dir.path().join("a.csv");
        let frame = csv_frame(&ctx, &path, 100);
        let persisted = persist_frame_in(&ctx, &frame, dir.path().join("spill")).unwrap();
        std::fs::rename(&path, dir.path().join("moved.csv")).expect("move");
        assert!(persisted.df.clone().collect().await.is_err());
        std::fs::rename(dir.path().join("moved.csv"), &path).expect("move back");
        assert_eq!(values(&persisted).await, (0..100).collect::<Vec<i64>>());
    }

    #[test]
    fn qualifiers_are_dropped() {
        let qualified = Expr::Column(LogicalColumn::new(Some("t"), "a"));
        assert_eq!(
            unqualified(&qualified.clone().gt(lit(1))).unwrap(),
            col("a").gt(lit(1))
        );
    }
}
