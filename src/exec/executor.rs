//! Running plans: every query ddq executes goes through `Executor`, which binds it to the
//! session's current context (so a changed memory limit or scheduler applies to frames made
//! earlier) and follows it with a progress bar: driven by the scans in this process, or by
//! the job's stages on a cluster.

use crate::error::{DdqError, Result};
use crate::exec::cluster::job::{JobWatch, unique_job_name};
use crate::exec::progress::{BarMode, Progress, ProgressDisplay, ScanProgress, StageProgress};
use crate::output::ResultWriter;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::execution::SendableRecordBatchStream;
use datafusion::physical_plan::execute_stream;
use datafusion::prelude::{DataFrame, SessionContext};
use futures::StreamExt;
use std::sync::Arc;

#[derive(Clone)]
pub struct Executor {
    pub ctx: SessionContext,
    pub bar: BarMode,
    /// The cluster's scheduler (HOST:PORT) when `ctx` sends plans to one.
    pub scheduler: Option<String>,
}

/// A plan that has started, with what follows it.
struct Running {
    stream: SendableRecordBatchStream,
    display: ProgressDisplay,
    job: Option<JobWatch>,
}

impl Running {
    /// Stops the bar. A job that did not run to its end is cancelled on the scheduler
    /// (dropping its `JobWatch` does that).
    async fn finish(self, completed: bool) {
        if let Some(job) = self.job
            && completed
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

    /// Starts a plan: here, with scans reporting into the bar, or on the cluster, with the
    /// job's stages doing so.
    async fn start(&self, df: DataFrame) -> Result<Running> {
        let plan = df.into_unoptimized_plan();
        let mut state = self.ctx.state();
        let (display, job, stream) = match &self.scheduler {
            None => {
                let progress = Arc::new(ScanProgress::default());
                state.config_mut().set_extension(Arc::clone(&progress));
                let display = ProgressDisplay::start(Progress::Scan(progress), self.bar);
                let stream = DataFrame::new(state, plan).execute_stream().await;
                (display, None, stream)
            }
            Some(address) => {
                let name = unique_job_name();
                state
                    .config_mut()
                    .options_mut()
                    .set("ballista.job.name", &name)?;
                let df = DataFrame::new(state, plan);
                let task_ctx = Arc::new(df.task_ctx());
                let physical = df.create_physical_plan().await?;
                let stages = Arc::new(StageProgress::default());
                let display =
                    ProgressDisplay::start(Progress::Stages(Arc::clone(&stages)), self.bar);
                let job = JobWatch::start(address, &name, stages);
                (display, Some(job), execute_stream(physical, task_ctx))
            }
        };
        match stream {
            Ok(stream) => Ok(Running {
                stream,
                display,
                job,
            }),
            Err(e) => {
                display.finish().await;
                Err(e.into())
            }
        }
    }

    /// Executes a plan and feeds every batch, under the display schema, to a result writer.
    /// Returns the number of rows.
    pub async fn stream_into(
        &self,
        df: DataFrame,
        schema: SchemaRef,
        mut writer: Box<dyn ResultWriter + Send>,
    ) -> Result<usize> {
        let mut running = self.start(df).await?;
        let result = async {
            let rename = |batch: RecordBatch| {
                RecordBatch::try_new(schema.clone(), batch.columns().to_vec())
                    .map_err(|e| DdqError::execution(e.to_string()))
            };
            let mut rows = 0;
            match writer.renderer() {
                Some(render) => {
                    // Up to one batch per core renders while the query goes on; the bytes are
                    // written in batch order.
                    let mut rendered = (&mut running.stream)
                        .map(|batch| {
                            let render = render.clone();
                            let renamed = batch.map_err(DdqError::from).and_then(rename);
                            async move {
                                let batch = renamed?;
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
                }
                None => {
                    while let Some(batch) = running.stream.next().await {
                        let batch = rename(batch?)?;
                        rows += batch.num_rows();
                        writer.write_batch(&batch)?;
                    }
                }
            }
            writer.finish()?;
            Ok(rows)
        }
        .await;
        running.finish(result.is_ok()).await;
        result
    }

    /// Executes a plan whose result is small (a scalar) and collects it.
    pub async fn collect(&self, df: DataFrame) -> Result<Vec<RecordBatch>> {
        let mut running = self.start(df).await?;
        let mut batches = Vec::new();
        let mut result = Ok(());
        while let Some(batch) = running.stream.next().await {
            match batch {
                Ok(batch) => batches.push(batch),
                Err(e) => {
                    result = Err(e.into());
                    break;
                }
            }
        }
        running.finish(result.is_ok()).await;
        result.map(|()| batches)
    }
}
