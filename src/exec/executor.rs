//! Running plans: every query ddq executes goes through `Executor`, which binds it to the
//! session's current context (so a changed memory limit applies to frames made earlier) and
//! follows it with the progress bar the scans drive.

use crate::error::{DdqError, Result};
use crate::exec::progress::{BarMode, ProgressDisplay, ScanProgress};
use crate::output::ResultWriter;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::prelude::{DataFrame, SessionContext};
use futures::StreamExt;
use std::sync::Arc;

#[derive(Clone)]
pub struct Executor {
    pub ctx: SessionContext,
    pub bar: BarMode,
}

impl Executor {
    /// The plan under the current context, without progress reporting (for `explain`).
    pub fn rebind(&self, df: DataFrame) -> DataFrame {
        DataFrame::new(self.ctx.state(), df.into_unoptimized_plan())
    }

    /// The plan under the current context, with scans reporting into `progress`.
    fn bind_with(&self, df: DataFrame, progress: Arc<ScanProgress>) -> DataFrame {
        let mut state = self.ctx.state();
        state.config_mut().set_extension(progress);
        DataFrame::new(state, df.into_unoptimized_plan())
    }

    /// Executes a plan and feeds every batch, under the display schema, to a result writer.
    /// Returns the number of rows.
    pub async fn stream_into(
        &self,
        df: DataFrame,
        schema: SchemaRef,
        mut writer: Box<dyn ResultWriter + Send>,
    ) -> Result<usize> {
        let progress = Arc::new(ScanProgress::default());
        let display = ProgressDisplay::start(progress.clone(), self.bar);
        let result = async {
            let mut stream = self.bind_with(df, progress).execute_stream().await?;
            let mut rows = 0;
            while let Some(batch) = stream.next().await {
                let batch = batch?;
                rows += batch.num_rows();
                let renamed = RecordBatch::try_new(schema.clone(), batch.columns().to_vec())
                    .map_err(|e| DdqError::execution(e.to_string()))?;
                writer.write_batch(&renamed)?;
            }
            writer.finish()?;
            Ok(rows)
        }
        .await;
        display.finish().await;
        result
    }

    /// Executes a plan whose result is small (a scalar) and collects it.
    pub async fn collect(&self, df: DataFrame) -> Result<Vec<RecordBatch>> {
        let progress = Arc::new(ScanProgress::default());
        let display = ProgressDisplay::start(progress.clone(), self.bar);
        let result = self
            .bind_with(df, progress)
            .collect()
            .await
            .map_err(DdqError::from);
        display.finish().await;
        result
    }
}
