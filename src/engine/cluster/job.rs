//! Following a statement's job on a cluster. Each statement's job gets a name of its own
//! (`ddq-PID-N`), by which the scheduler's REST API finds its id (Ballista's client only learns
//! the id when the job ends, in its push mode); from then on the job's stages drive the progress
//! bar. A job whose statement stops early (Ctrl-C, an error, a closed pipe) is cancelled on the
//! scheduler, since dropping the result stream does not stop it there.

use super::rest;
use crate::engine::progress::{StageCounts, StageProgress};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const POLL: Duration = Duration::from_millis(200);

/// Numbers this process' jobs.
static JOBS: AtomicU64 = AtomicU64::new(0);

/// A name no other job on the cluster has.
pub fn unique_job_name() -> String {
    format!(
        "ddq-{}-{}",
        std::process::id(),
        JOBS.fetch_add(1, Ordering::Relaxed)
    )
}

/// A job's stages and tasks as the scheduler counts them now: the tasks finished in every
/// stage, and the tasks launched and finished in the stages running.
async fn counts(address: &str, id: &str) -> Option<StageCounts> {
    let job = rest::job(address, id).await.ok()?;
    let stages = rest::job_stages(address, id).await.unwrap_or_default();
    let tasks_finished = stages.iter().map(|s| s.task_counts().0).sum();
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
        tasks_finished,
    })
}

/// The job's id, looked up by name once and then remembered.
async fn job_id(address: &str, name: &str, known: &Mutex<Option<String>>) -> Option<String> {
    if let Some(id) = known.lock().ok()?.clone() {
        return Some(id);
    }
    let id = rest::job_named(address, name).await.ok().flatten()?;
    if let Ok(mut known) = known.lock() {
        *known = Some(id.clone());
    }
    Some(id)
}

pub struct JobWatch {
    address: String,
    name: String,
    id: Arc<Mutex<Option<String>>>,
    finished: Arc<AtomicBool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl JobWatch {
    /// Starts following the job named `name` on the scheduler at `address`: its stages go to
    /// `progress` when `shown` (a bar may be drawn). The first look comes after a poll's wait:
    /// most jobs are over by then, and the scheduler, on the same few cores, is spared the
    /// lookups while it plans and launches them.
    pub fn start(address: &str, name: &str, progress: Arc<StageProgress>, shown: bool) -> JobWatch {
        let finished = Arc::new(AtomicBool::new(false));
        let id = Arc::new(Mutex::new(None));
        let task = shown.then(|| {
            let (address, name) = (address.to_string(), name.to_string());
            let (finished, id) = (Arc::clone(&finished), Arc::clone(&id));
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(POLL).await;
                    if finished.load(Ordering::Relaxed) {
                        break;
                    }
                    if let Some(job) = job_id(&address, &name, &id).await
                        && let Some(counts) = counts(&address, &job).await
                    {
                        progress.update(counts);
                    }
                }
            })
        });
        JobWatch {
            address: address.to_string(),
            name: name.to_string(),
            id,
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
        let (address, name, id) = (
            self.address.clone(),
            self.name.clone(),
            Arc::clone(&self.id),
        );
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Some(job) = job_id(&address, &name, &id).await {
                    let _ = rest::cancel_job(&address, &job).await;
                }
            });
        }
    }
}
