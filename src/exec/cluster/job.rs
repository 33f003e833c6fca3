//! Following a statement's job on a cluster: the job id comes from Ballista's client plan as
//! soon as the job is submitted; from then on the scheduler's REST API gives its stages, which
//! drive the progress bar. A job whose statement stops early (Ctrl-C, an error, a closed pipe)
//! is cancelled on the scheduler, since dropping the result stream does not stop it there.

use super::rest;
use crate::exec::progress::{StageCounts, StageProgress};
use ballista_core::execution_plans::DistributedQueryExec;
use datafusion::physical_plan::ExecutionPlan;
use datafusion_proto::protobuf::LogicalPlanNode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const POLL: Duration = Duration::from_millis(200);

/// The client's node of a distributed plan, wherever it sits in `plan`.
fn distributed_node(plan: &Arc<dyn ExecutionPlan>) -> Option<Arc<dyn ExecutionPlan>> {
    if plan
        .downcast_ref::<DistributedQueryExec<LogicalPlanNode>>()
        .is_some()
    {
        return Some(Arc::clone(plan));
    }
    plan.children().into_iter().find_map(distributed_node)
}

fn job_id_of(node: &Arc<dyn ExecutionPlan>) -> Option<String> {
    node.downcast_ref::<DistributedQueryExec<LogicalPlanNode>>()?
        .job_id()
        .map(|id| id.to_string())
}

/// A job's stages and the tasks of its running stages, as the scheduler counts them now.
async fn counts(address: &str, id: &str) -> Option<StageCounts> {
    let job = rest::job(address, id).await.ok()?;
    let stages = rest::job_stages(address, id).await.unwrap_or_default();
    let (tasks_done, tasks) = stages
        .iter()
        .filter(|s| s.stage_status == "Running")
        .map(|s| s.task_counts())
        .fold((0, 0), |(d, t), (done, known)| (d + done, t + known));
    Some(StageCounts {
        stages: job.num_stages as u64,
        stages_done: job.completed_stages as u64,
        tasks,
        tasks_done,
    })
}

pub struct JobWatch {
    node: Option<Arc<dyn ExecutionPlan>>,
    address: String,
    finished: Arc<AtomicBool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl JobWatch {
    /// Starts following the job `plan` submits to the scheduler at `address`.
    pub fn start(
        plan: &Arc<dyn ExecutionPlan>,
        address: &str,
        progress: Arc<StageProgress>,
    ) -> JobWatch {
        let node = distributed_node(plan);
        let finished = Arc::new(AtomicBool::new(false));
        let task = node.clone().map(|node| {
            let address = address.to_string();
            let finished = Arc::clone(&finished);
            tokio::spawn(async move {
                while !finished.load(Ordering::Relaxed) {
                    if let Some(id) = job_id_of(&node)
                        && let Some(counts) = counts(&address, &id).await
                    {
                        progress.update(counts);
                    }
                    tokio::time::sleep(POLL).await;
                }
            })
        });
        JobWatch {
            node,
            address: address.to_string(),
            finished,
            task,
        }
    }

    /// The job ran to its end: nothing to cancel.
    pub fn finish(mut self) {
        self.finished.store(true, Ordering::Relaxed);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl Drop for JobWatch {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        if self.finished.swap(true, Ordering::Relaxed) {
            return;
        }
        let Some(id) = self.node.as_ref().and_then(job_id_of) else {
            return;
        };
        let address = self.address.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _ = rest::cancel_job(&address, &id).await;
            });
        }
    }
}
