//! Running plans: every query ddq executes goes through `Executor`, which binds it to the
//! session's current context (so a changed memory limit or scheduler applies to frames made
//! earlier) and follows it with a progress bar: driven by the scans in this process, or by
//! the job's stages on a cluster.

use crate::config::display::BarMode;
use crate::engine::broadcast::check_repeated_literals;
use crate::engine::cluster::job::{JobWatch, unique_job_name};
use crate::engine::cluster::submit::{JobClient, explain_cut, planning_state};
use crate::engine::dashboard::{Dashboard, PlanTicket};
use crate::engine::ends::{ROWS_COLUMN, cluster_ends_query, replace_final_merge};
use crate::engine::guard::guarded;
use crate::engine::late_ends::LateEnds;
use crate::engine::progress::{Progress, ProgressDisplay, ScanProgress, StageProgress};
use crate::engine::subqueries::{single_value, uncorrelated_scalar_subqueries, with_values};
use crate::error::{DdqError, Result};
use crate::output::{BatchRenderer, ResultWriter};
use datafusion::arrow::array::UInt64Array;
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::datasource::{MemTable, source_as_provider};
use datafusion::execution::{SendableRecordBatchStream, SessionState, TaskContext};
use datafusion::logical_expr::LogicalPlan;
use datafusion::physical_plan::{ExecutionPlan, execute_stream};
use datafusion::prelude::{DataFrame, SessionContext};
use futures::StreamExt;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering;

#[derive(Clone)]
pub struct Executor {
    pub ctx: SessionContext,
    /// This process' own context: the same as `ctx` unless that sends plans to a cluster.
    pub local: SessionContext,
    pub bar: BarMode,
    /// The cluster when `ctx` sends plans to one.
    pub cluster: Option<Arc<JobClient>>,
    /// Where each plan is announced as it starts and ends, for the dashboard's pages.
    pub dashboard: Dashboard,
}

/// A plan that is ready to run, with what follows it.
struct Running {
    plan: Arc<dyn ExecutionPlan>,
    task_ctx: Arc<TaskContext>,
    display: ProgressDisplay,
    job: Option<JobWatch>,
    dashboard: Dashboard,
    ticket: Option<PlanTicket>,
}

impl Running {
    fn stream(&self) -> Result<SendableRecordBatchStream> {
        Ok(execute_stream(
            Arc::clone(&self.plan),
            Arc::clone(&self.task_ctx),
        )?)
    }

    /// Stops the bar and tells the dashboard how many rows the plan gave (`None`: it did not
    /// run to its end). A job that did not run to its end is cancelled on the scheduler
    /// (dropping its `JobWatch` does that).
    async fn finish(self, rows: Option<usize>) {
        if let Some(ticket) = self.ticket {
            self.dashboard.plan_finished(ticket, rows.map(|r| r as u64));
        }
        if let Some(job) = self.job
            && rows.is_some()
        {
            job.finish();
        }
        self.display.finish().await;
    }
}

/// Batches rendered at once: one per core.
fn render_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

impl Executor {
    /// The plan under the current context, without progress reporting (for `explain`).
    pub fn rebind(&self, df: DataFrame) -> DataFrame {
        DataFrame::new(self.ctx.state(), df.into_unoptimized_plan())
    }

    /// Plans a query for running: here, with scans reporting into the bar, or on the cluster,
    /// with the job's stages doing so.
    async fn start(&self, df: DataFrame) -> Result<Running> {
        let plan = df.into_unoptimized_plan();
        let plan = match self.cluster_for(&plan) {
            Some(_) => self.with_subqueries_computed(plan).await?,
            None => plan,
        };
        // With its subqueries' values in place, a plan may read no files any more (a scalar
        // shown as a one-row frame): it is answered here.
        let cluster = self.cluster_for(&plan).cloned();
        let mut state = match cluster {
            Some(_) => self.ctx.state(),
            None => self.local.state(),
        };
        let scan_progress = Arc::new(ScanProgress::default());
        let job_name = unique_job_name();
        match cluster {
            None => state.config_mut().set_extension(Arc::clone(&scan_progress)),
            Some(_) => {
                state
                    .config_mut()
                    .options_mut()
                    .set("ballista.job.name", &job_name)?;
            }
        }
        let logical = plan.clone();
        let (plan, task_ctx) = match &cluster {
            Some(jobs) => self.plan_for_cluster(jobs, state, plan).await?,
            None => {
                let df = DataFrame::new(state, plan);
                let task_ctx = Arc::new(df.task_ctx());
                let physical = df.create_physical_plan().await?;
                let physical = crate::engine::counted::from_cache(physical)?;
                let physical = crate::engine::read_ahead::below_merges(physical)?;
                (crate::engine::replay::replayable_joins(physical)?, task_ctx)
            }
        };
        let plan = crate::engine::cut::restored(&logical, plan)?;
        check_repeated_literals(&plan, task_ctx.session_config().batch_size())?;
        let on_cluster = cluster.is_some().then_some(job_name.as_str());
        let ticket = self
            .dashboard
            .plan_started(&plan, &scan_progress, on_cluster);
        let (display, job) = match cluster {
            None => (
                ProgressDisplay::start(Progress::Scan(scan_progress), self.bar),
                None,
            ),
            Some(jobs) => {
                let tasks = crate::engine::cluster::submit::planned_tasks(
                    &plan,
                    task_ctx.session_config().options(),
                );
                let stages = Arc::new(StageProgress::with_planned_tasks(tasks));
                let display =
                    ProgressDisplay::start(Progress::Stages(Arc::clone(&stages)), self.bar);
                let job =
                    JobWatch::start(jobs.address(), &job_name, stages, self.bar != BarMode::Off);
                (display, Some(job))
            }
        };
        Ok(Running {
            plan,
            task_ctx,
            display,
            job,
            dashboard: self.dashboard.clone(),
            ticket,
        })
    }

    /// A plan for the cluster, planned here and cut below its final merge (see
    /// [`crate::engine::cluster::submit`]); planned by the scheduler when its distributed part
    /// cannot be sent as a physical plan. `state` is the cluster context's, with the job's name.
    async fn plan_for_cluster(
        &self,
        jobs: &Arc<JobClient>,
        state: SessionState,
        plan: LogicalPlan,
    ) -> Result<(Arc<dyn ExecutionPlan>, Arc<TaskContext>)> {
        let here = planning_state(state.config().clone(), self.local.runtime_env());
        let df = DataFrame::new(here, plan.clone());
        let task_ctx = Arc::new(df.task_ctx());
        let planned = df.create_physical_plan().await?;
        if let Some(plan) =
            jobs.cluster_part(planned, task_ctx.session_config(), state.session_id())
        {
            return Ok((plan, task_ctx));
        }
        let df = DataFrame::new(state, plan);
        let task_ctx = Arc::new(df.task_ctx());
        Ok((df.create_physical_plan().await?, task_ctx))
    }

    /// For a plan that runs on the cluster: the plan with each of its scalar subqueries
    /// computed first, as a job of its own, and its value put in its place (see
    /// [`crate::engine::subqueries`]).
    async fn with_subqueries_computed(&self, plan: LogicalPlan) -> Result<LogicalPlan> {
        let mut values = Vec::new();
        for subquery in uncorrelated_scalar_subqueries(&plan)? {
            let df = DataFrame::new(self.ctx.state(), subquery.as_ref().clone());
            // Boxed: the subquery's own subqueries come back here.
            let batches = Box::pin(self.collect(df)).await?;
            values.push((Arc::clone(&subquery), single_value(&subquery, &batches)?));
        }
        if values.is_empty() {
            return Ok(plan);
        }
        Ok(with_values(plan, &values)?)
    }

    /// The cluster when the plan runs there: plans that read no files (a frame's
    /// dtypes, small tables made in the session) are answered here, where the data already is,
    /// without a job's round trips.
    fn cluster_for(&self, plan: &LogicalPlan) -> Option<&Arc<JobClient>> {
        self.cluster.as_ref().filter(|_| reads_files(plan))
    }

    /// Executes a plan and feeds every batch, under the display schema, to a result writer.
    /// Returns the number of rows. A panic while it runs is the statement's error.
    pub async fn stream_into(
        &self,
        df: DataFrame,
        schema: SchemaRef,
        writer: Box<dyn ResultWriter + Send>,
    ) -> Result<usize> {
        guarded(self.stream_into_unguarded(df, schema, writer)).await
    }

    async fn stream_into_unguarded(
        &self,
        df: DataFrame,
        schema: SchemaRef,
        mut writer: Box<dyn ResultWriter + Send>,
    ) -> Result<usize> {
        if let Some(ends) = writer.shown_ends() {
            return self.write_shown_ends(df, schema, writer, ends).await;
        }
        let running = self.start(df).await?;
        let result = async {
            let stream = running.stream()?;
            let rows = match writer.renderer() {
                Some(render) => write_rendered(stream, render, writer.as_mut(), &schema).await?,
                None => write_batches(stream, writer.as_mut(), &schema).await?,
            };
            writer.finish()?;
            Ok(rows)
        }
        .await;
        running.finish(result.as_ref().ok().copied()).await;
        result
    }

    /// Gives a writer that shows only a result's ends (`ends`: how many first and last rows it
    /// keeps) those rows and the row count: read late where [`LateEnds`] applies, else kept
    /// by the ends nodes as the whole result streams by.
    async fn write_shown_ends(
        &self,
        df: DataFrame,
        schema: SchemaRef,
        mut writer: Box<dyn ResultWriter + Send>,
        ends: (usize, usize),
    ) -> Result<usize> {
        let late = match LateEnds::of(df.logical_plan(), &self.ctx.state())? {
            Some(late) => {
                self.late_ends(&late, &schema, writer.as_ref(), ends)
                    .await?
            }
            None => None,
        };
        let (shown, rows, shown_ends) = match late {
            Some((shown, rows)) => (shown, rows, writer.shown_of(rows)),
            None => {
                let (kept, rows) = self.kept_ends_of(df, ends).await?;
                (renamed(kept, &schema)?, rows, ends)
            }
        };
        write_ends(writer.as_mut(), shown, rows, shown_ends)?;
        writer.finish()?;
        Ok(rows)
    }

    /// The shown rows of a frame (under the display `schema`) and its row count, found by
    /// [`LateEnds`]: the positions first, then the shown columns at those shown. None when the
    /// fetch finds another number of rows than asked for (a position naming several rows).
    async fn late_ends(
        &self,
        late: &LateEnds,
        schema: &SchemaRef,
        writer: &(dyn ResultWriter + Send),
        ends: (usize, usize),
    ) -> Result<Option<(RecordBatch, usize)>> {
        let positions = DataFrame::new(self.ctx.state(), late.positions.clone());
        let (kept, rows) = self.kept_ends_of(positions, ends).await?;
        let (head, tail) = writer.shown_of(rows);
        if kept.num_rows() < head + tail || head > ends.0 || tail > ends.1 {
            return Ok(None);
        }
        let shown = concat_batches(
            &kept.schema(),
            &[
                kept.slice(0, head),
                kept.slice(kept.num_rows() - tail, tail),
            ],
        )
        .map_err(|e| DdqError::execution(e.to_string()))?;
        let Some(fetch) = late.fetch(&shown)? else {
            return Ok(Some((RecordBatch::new_empty(Arc::clone(schema)), rows)));
        };
        let batches = self
            .collect(DataFrame::new(self.ctx.state(), fetch))
            .await?;
        let fetched =
            concat_batches(schema, &batches).map_err(|e| DdqError::execution(e.to_string()))?;
        Ok((fetched.num_rows() == head + tail).then_some((fetched, rows)))
    }

    /// The first and last rows of a result in order (among others, on a cluster, or all of
    /// them when there are no more than both) and its row count, under the result's own schema.
    async fn kept_ends_of(
        &self,
        df: DataFrame,
        (first, last): (usize, usize),
    ) -> Result<(RecordBatch, usize)> {
        let schema: SchemaRef = Arc::new(df.schema().as_arrow().clone());
        let here = self.cluster_for(df.logical_plan()).is_none();
        if !here && let Some(query) = cluster_ends_query(df.logical_plan(), (first, last))? {
            let batches = self
                .collect(DataFrame::new(self.ctx.state(), query))
                .await?;
            return kept_ends(&batches, &schema);
        }
        let mut running = self.start(df).await?;
        let result = async {
            let ends_node = here
                .then(|| replace_final_merge(&running.plan, first, last))
                .flatten();
            match ends_node {
                Some((plan, rows)) => {
                    running.plan = plan;
                    let kept = collect_stream(running.stream()?).await?;
                    let kept = concat_batches(&running.plan.schema(), &kept)
                        .map_err(|e| DdqError::execution(e.to_string()))?;
                    Ok((kept, rows.load(Ordering::Relaxed)))
                }
                None => stream_ends(running.stream()?, (first, last)).await,
            }
        }
        .await;
        running
            .finish(result.as_ref().ok().map(|(_, rows)| *rows))
            .await;
        result
    }

    /// What `explain` prints. On a cluster, without `analyze`, the plan as ddq runs it there:
    /// the optimized logical plan, the part this process runs and the job the cluster runs
    /// (DataFusion's own explanation would ask the scheduler, which plans the whole statement
    /// as one Ballista job, the final merge included).
    pub async fn explain(&self, df: DataFrame, analyze: bool) -> Result<String> {
        guarded(self.explain_unguarded(df, analyze)).await
    }

    async fn explain_unguarded(&self, df: DataFrame, analyze: bool) -> Result<String> {
        if !analyze && let Some(jobs) = self.cluster_for(df.logical_plan()) {
            let state = self.ctx.state();
            let plan = df.logical_plan().clone();
            let note = match uncorrelated_scalar_subqueries(&plan)?.is_empty() {
                true => "",
                false => {
                    "note: on a cluster each scalar subquery runs first, as a job of its own, \
                     and its value takes its place; the plans below still show the subquery\n\n"
                }
            };
            let here = planning_state(state.config().clone(), self.local.runtime_env());
            let logical = here.optimize(&plan)?;
            let (physical, _) = self.plan_for_cluster(jobs, state, plan).await?;
            if let Some(cut) = explain_cut(&physical) {
                return Ok(format!(
                    "{note}logical_plan:\n{}\n\n{cut}",
                    logical.display_indent()
                ));
            }
        }
        let batches = df.explain(false, analyze)?.collect().await?;
        Ok(explain_text(&batches))
    }

    /// Executes a plan whose result is small (a scalar) and collects it. A panic while it
    /// runs is the statement's error.
    pub async fn collect(&self, df: DataFrame) -> Result<Vec<RecordBatch>> {
        guarded(async {
            let running = self.start(df).await?;
            let result = match running.stream() {
                Ok(stream) => collect_stream(stream).await,
                Err(e) => Err(e),
            };
            let rows = result
                .as_ref()
                .ok()
                .map(|batches| batches.iter().map(RecordBatch::num_rows).sum());
            running.finish(rows).await;
            result
        })
        .await
    }
}

fn explain_text(batches: &[RecordBatch]) -> String {
    let mut text = String::new();
    for batch in batches {
        let (Some(kinds), Some(plans)) = (
            batch
                .column(0)
                .as_any()
                .downcast_ref::<datafusion::arrow::array::StringArray>(),
            batch
                .column(1)
                .as_any()
                .downcast_ref::<datafusion::arrow::array::StringArray>(),
        ) else {
            continue;
        };
        for i in 0..batch.num_rows() {
            text.push_str(&format!("{}:\n{}\n\n", kinds.value(i), plans.value(i)));
        }
    }
    text
}

/// Whether the plan scans a table other than one held in memory.
fn reads_files(plan: &LogicalPlan) -> bool {
    let mut files = false;
    let _ = plan.apply_with_subqueries(|node| {
        if let LogicalPlan::TableScan(scan) = node {
            let in_memory = source_as_provider(&scan.source)
                .is_ok_and(|provider| provider.downcast_ref::<MemTable>().is_some());
            files = !in_memory;
        }
        Ok(if files {
            TreeNodeRecursion::Stop
        } else {
            TreeNodeRecursion::Continue
        })
    });
    files
}

/// `batch` under the display schema (the plan's columns renamed).
fn renamed(batch: RecordBatch, schema: &SchemaRef) -> Result<RecordBatch> {
    RecordBatch::try_new(Arc::clone(schema), batch.columns().to_vec())
        .map_err(|e| DdqError::execution(e.to_string()))
}

/// Feeds a writer that renders batch by batch (CSV): up to one batch per core renders while
/// the query goes on; the bytes are written in batch order. Returns the number of rows.
async fn write_rendered(
    stream: SendableRecordBatchStream,
    render: BatchRenderer,
    writer: &mut (dyn ResultWriter + Send),
    schema: &SchemaRef,
) -> Result<usize> {
    let mut rows = 0;
    let mut rendered = stream
        .map(|batch| {
            let render = render.clone();
            let batch = batch
                .map_err(DdqError::from)
                .and_then(|batch| renamed(batch, schema));
            async move {
                let batch = batch?;
                let rows = batch.num_rows();
                let bytes = tokio::task::spawn_blocking(move || render(&batch))
                    .await
                    .map_err(|e| DdqError::execution(e.to_string()))??;
                Ok::<_, DdqError>((rows, bytes))
            }
        })
        .buffered(render_threads());
    while let Some(rendered_batch) = rendered.next().await {
        let (batch_rows, bytes) = rendered_batch?;
        rows += batch_rows;
        writer.write_rendered(&bytes)?;
    }
    Ok(rows)
}

/// Feeds a writer every batch as it comes. Returns the number of rows.
async fn write_batches(
    mut stream: SendableRecordBatchStream,
    writer: &mut (dyn ResultWriter + Send),
    schema: &SchemaRef,
) -> Result<usize> {
    let mut rows = 0;
    while let Some(batch) = stream.next().await {
        let batch = renamed(batch?, schema)?;
        rows += batch.num_rows();
        writer.write_batch(&batch)?;
    }
    Ok(rows)
}

async fn collect_stream(mut stream: SendableRecordBatchStream) -> Result<Vec<RecordBatch>> {
    let mut batches = Vec::new();
    while let Some(batch) = stream.next().await {
        batches.push(batch?);
    }
    Ok(batches)
}

/// The first and last rows a stream gives, in order, and how many it gives.
async fn stream_ends(
    mut stream: SendableRecordBatchStream,
    (first, last): (usize, usize),
) -> Result<(RecordBatch, usize)> {
    let schema = stream.schema();
    let (mut head, mut head_rows) = (Vec::new(), 0);
    let (mut tail, mut tail_rows) = (VecDeque::<RecordBatch>::new(), 0);
    let mut rows = 0;
    while let Some(batch) = stream.next().await {
        let mut batch = batch?;
        rows += batch.num_rows();
        if head_rows < first {
            let taken = batch.num_rows().min(first - head_rows);
            head.push(batch.slice(0, taken));
            head_rows += taken;
            batch = batch.slice(taken, batch.num_rows() - taken);
        }
        tail_rows += batch.num_rows();
        tail.push_back(batch);
        while tail
            .front()
            .is_some_and(|b| tail_rows - b.num_rows() >= last)
        {
            tail_rows -= tail.pop_front().map_or(0, |b| b.num_rows());
        }
    }
    head.extend(tail);
    let kept = concat_batches(&schema, &head).map_err(|e| DdqError::execution(e.to_string()))?;
    Ok((kept, rows))
}

/// A [`cluster_ends_query`]'s rows (the first and last rows of the result, in order, among
/// others) under `schema` (the result's columns, without the row counts), and the result's
/// row count, which they sum to.
fn kept_ends(batches: &[RecordBatch], schema: &SchemaRef) -> Result<(RecordBatch, usize)> {
    let arrow_error = |e: ArrowError| DdqError::execution(e.to_string());
    let Some(first) = batches.first() else {
        return Ok((RecordBatch::new_empty(Arc::clone(schema)), 0));
    };
    let kept = concat_batches(&first.schema(), batches).map_err(arrow_error)?;
    let counts = kept
        .column_by_name(ROWS_COLUMN)
        .and_then(|c| c.as_any().downcast_ref::<UInt64Array>())
        .ok_or_else(|| {
            DdqError::execution(format!("the ends query has no column {ROWS_COLUMN}"))
        })?;
    let rows = counts.values().iter().sum::<u64>() as usize;
    let shown = kept.columns()[..schema.fields().len()].to_vec();
    let kept = RecordBatch::try_new(Arc::clone(schema), shown).map_err(arrow_error)?;
    Ok((kept, rows))
}

/// Gives a writer that shows only a result's ends what it would keep had it seen every row:
/// the first rows, the count of those between, the last rows. `kept` holds the first and the
/// last rows in order (or every row, when there are no more than both).
fn write_ends(
    writer: &mut (dyn ResultWriter + Send),
    kept: RecordBatch,
    rows: usize,
    (first, last): (usize, usize),
) -> Result<()> {
    let head = rows.min(first);
    let tail = (rows - head).min(last);
    if kept.num_rows() < head + tail {
        return Err(DdqError::execution(format!(
            "the result's ends hold {} rows, fewer than the {} shown",
            kept.num_rows(),
            head + tail
        )));
    }
    writer.write_batch(&kept.slice(0, head))?;
    writer.skip_rows(rows - head - tail);
    writer.write_batch(&kept.slice(kept.num_rows() - tail, tail))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ends::PartitionEndsExec;
    use datafusion::arrow::array::{Array, Int64Array};
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::datasource::memory::MemorySourceConfig;
    use datafusion::logical_expr::Operator;
    use datafusion::physical_expr::{LexOrdering, PhysicalSortExpr};
    use datafusion::physical_plan::collect;
    use datafusion::physical_plan::expressions::{binary, col, lit};
    use datafusion::physical_plan::filter::FilterExec;
    use datafusion::physical_plan::sorts::sort_preserving_merge::SortPreservingMergeExec;

    fn positions(schema: &SchemaRef, range: std::ops::Range<i64>) -> RecordBatch {
        let values = Arc::new(Int64Array::from_iter_values(range));
        RecordBatch::try_new(Arc::clone(schema), vec![values]).unwrap()
    }

    fn values(batch: &RecordBatch) -> Vec<i64> {
        let array = batch
            .column(0)
            .as_any()
            .downcast_ref::<Int64Array>()
            .unwrap();
        array.values().to_vec()
    }

    /// What a cluster computes for a shown frame, run here: each partition's ends (first 2,
    /// last 3) of `input`, merged in order, and the kept rows and count taken from that.
    async fn kept_ends_over(
        input: Arc<dyn ExecutionPlan>,
        schema: &SchemaRef,
    ) -> (RecordBatch, usize) {
        let ends = Arc::new(PartitionEndsExec::new(input, (2, 3)).unwrap());
        let order = LexOrdering::new(vec![PhysicalSortExpr::new_default(
            col("pos", &ends.schema()).unwrap(),
        )])
        .unwrap();
        let merged = Arc::new(SortPreservingMergeExec::new(order, ends));
        let batches = collect(merged, SessionContext::new().task_ctx())
            .await
            .unwrap();
        kept_ends(&batches, schema).unwrap()
    }

    #[tokio::test]
    async fn the_kept_ends_of_every_partition_hold_the_results_ends_and_row_count() {
        let schema = Arc::new(Schema::new(vec![Field::new("pos", DataType::Int64, false)]));
        let partitions = vec![
            vec![positions(&schema, 0..4), positions(&schema, 4..10)],
            vec![positions(&schema, 10..25)],
            vec![],
        ];
        let scan =
            MemorySourceConfig::try_new_exec(&partitions, Arc::clone(&schema), None).unwrap();

        let (kept, rows) = kept_ends_over(scan, &schema).await;
        assert_eq!(rows, 25);
        assert_eq!(kept.schema(), schema);
        assert_eq!(values(&kept), [0, 1, 7, 8, 9, 10, 11, 22, 23, 24]);
        assert_eq!(kept.column(0).null_count(), 0);
    }

    /// The same, through a filter the ends node reads through: only rows that pass count.
    #[tokio::test]
    async fn the_kept_ends_below_a_filter_are_those_of_the_rows_that_pass_it() {
        let schema = Arc::new(Schema::new(vec![Field::new("pos", DataType::Int64, false)]));
        let partitions = vec![
            vec![positions(&schema, 0..4), positions(&schema, 4..10)],
            vec![positions(&schema, 10..25)],
        ];
        let scan =
            MemorySourceConfig::try_new_exec(&partitions, Arc::clone(&schema), None).unwrap();
        let at_least_five = binary(
            col("pos", &schema).unwrap(),
            Operator::GtEq,
            lit(5_i64),
            &schema,
        )
        .unwrap();
        let filter = Arc::new(FilterExec::try_new(at_least_five, scan).unwrap());

        let (kept, rows) = kept_ends_over(filter, &schema).await;
        assert_eq!(rows, 20);
        assert_eq!(values(&kept), [5, 6, 7, 8, 9, 10, 11, 22, 23, 24]);
    }

    #[test]
    fn no_kept_batches_is_an_empty_result_with_the_shown_columns() {
        let schema = Arc::new(Schema::new(vec![Field::new("pos", DataType::Int64, false)]));
        let (kept, rows) = kept_ends(&[], &schema).unwrap();
        assert_eq!((kept.num_rows(), rows), (0, 0));
        assert_eq!(kept.schema(), schema);
    }
}
