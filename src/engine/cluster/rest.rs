//! The scheduler's REST API (served on its gRPC port): the workers it knows, a job's stages,
//! and cancelling a job. Calls go through reqwest (already built for object_store), with a
//! timeout, so an address that does not answer fails in seconds instead of hanging.

use crate::error::{DdqError, Result};
use serde::Deserialize;
use std::time::Duration;

/// How long one call may take, connecting included.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(3);

/// A worker as the scheduler reports it.
#[derive(Debug, Clone, Deserialize)]
pub struct WorkerState {
    pub id: String,
    pub host: String,
    pub port: u16,
    #[serde(default)]
    pub specification: serde_json::Value,
    #[serde(default)]
    pub metrics: Vec<serde_json::Value>,
}

impl WorkerState {
    /// The worker's task slots (its threads).
    pub fn threads(&self) -> Option<u64> {
        self.specification
            .get("task_slots")
            .or_else(|| self.specification.get("vcores"))
            .and_then(|v| v.as_u64())
    }

    /// A metric the worker sends with its heartbeats, such as `proc_physical_memory`.
    pub fn metric(&self, name: &str) -> Option<u64> {
        self.metrics.iter().find_map(|m| {
            (m.get("type")?.as_str()? == name)
                .then(|| m.get("value")?.as_u64())
                .flatten()
        })
    }
}

/// A job's progress: stages in all and done.
#[derive(Debug, Clone, Deserialize)]
pub struct JobState {
    pub num_stages: usize,
    pub completed_stages: usize,
}

/// One stage of a job: its state, and its tasks' states.
#[derive(Debug, Clone, Deserialize)]
pub struct StageState {
    #[serde(default)]
    pub stage_id: String,
    pub stage_status: String,
    #[serde(default)]
    pub tasks: Vec<Option<TaskState>>,
}

/// One task of a stage; times are milliseconds since the Unix epoch (0: not yet).
#[derive(Debug, Clone, Deserialize)]
pub struct TaskState {
    /// `"Running"`, `"Successful"`, or `{"Failed": {...}}`.
    pub status: serde_json::Value,
    #[serde(default)]
    pub partition_id: Vec<u32>,
    /// When the scheduler launched it on a worker (the worker's start time is only sent when
    /// the task ends).
    #[serde(default)]
    pub launch_time: u64,
    #[serde(default)]
    pub start_exec_time: u64,
    #[serde(default)]
    pub end_exec_time: u64,
    #[serde(default)]
    pub output_rows: u64,
}

impl StageState {
    /// (tasks finished, tasks known) of the stage.
    pub fn task_counts(&self) -> (u64, u64) {
        let known = self.tasks.iter().flatten().count() as u64;
        let done = self
            .tasks
            .iter()
            .flatten()
            .filter(|t| t.status.as_str() == Some("Successful"))
            .count() as u64;
        (done, known)
    }
}

#[derive(Debug, Clone, Deserialize)]
struct StagesAnswer {
    stages: Vec<StageState>,
}

/// Calls `method path` on the scheduler at `address` (HOST:PORT) and returns the body of a
/// 2xx answer. A client per call, without a pool of kept connections: ddq calls from more than
/// one tokio runtime, and a kept connection belongs to the runtime that opened it.
async fn call(address: &str, method: reqwest::Method, path: &str) -> Result<String> {
    let client = reqwest::Client::builder()
        .timeout(CALL_TIMEOUT)
        .pool_max_idle_per_host(0)
        .no_proxy()
        .build()
        .map_err(|e| no_answer(address, &root_cause(&e)))?;
    let response = client
        .request(method.clone(), format!("http://{address}{path}"))
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| match e.is_timeout() {
            true => no_answer(address, "it did not answer within 3 seconds"),
            false => no_answer(address, &root_cause(&e)),
        })?;
    let status = response.status();
    if !status.is_success() {
        return Err(DdqError::execution(format!(
            "the scheduler at {address} answered {method} {path} with HTTP {}",
            status.as_u16()
        )));
    }
    response
        .text()
        .await
        .map_err(|e| no_answer(address, &root_cause(&e)))
}

/// The innermost cause of a failed call ("Connection refused (os error 111)"), which says more
/// than reqwest's own "error sending request".
fn root_cause(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}

fn no_answer(address: &str, why: &str) -> DdqError {
    DdqError::execution(format!("no Ballista scheduler answers at {address}: {why}"))
        .with_help("check the address and that `ddq scheduler` runs there")
}

fn parse<T: for<'a> Deserialize<'a>>(address: &str, body: &str) -> Result<T> {
    serde_json::from_str(body).map_err(|e| {
        DdqError::execution(format!(
            "the scheduler at {address} sent an answer ddq cannot read: {e}"
        ))
    })
}

pub async fn workers(address: &str) -> Result<Vec<WorkerState>> {
    let body = call(address, reqwest::Method::GET, "/api/executors").await?;
    parse(address, &body)
}

pub async fn job(address: &str, job_id: &str) -> Result<JobState> {
    let body = call(address, reqwest::Method::GET, &format!("/api/job/{job_id}")).await?;
    parse(address, &body)
}

#[derive(Debug, Clone, Deserialize)]
struct JobSummary {
    job_id: String,
    job_name: String,
}

/// The id of the job named `name`, if the scheduler has it.
pub async fn job_named(address: &str, name: &str) -> Result<Option<String>> {
    let body = call(address, reqwest::Method::GET, "/api/jobs").await?;
    let jobs: Vec<JobSummary> = parse(address, &body)?;
    Ok(jobs
        .into_iter()
        .find(|job| job.job_name == name)
        .map(|job| job.job_id))
}

pub async fn job_stages(address: &str, job_id: &str) -> Result<Vec<StageState>> {
    let body = call(
        address,
        reqwest::Method::GET,
        &format!("/api/job/{job_id}/stages"),
    )
    .await?;
    parse::<StagesAnswer>(address, &body).map(|answer| answer.stages)
}

pub async fn cancel_job(address: &str, job_id: &str) -> Result<()> {
    call(
        address,
        reqwest::Method::PATCH,
        &format!("/api/job/{job_id}"),
    )
    .await
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_tasks_are_counted_by_status() {
        let stage: StageState = serde_json::from_str(
            r#"{"stage_id":"1","stage_status":"Running","tasks":[{"status":"Successful"},
                {"status":"Running"},{"status":{"Failed":{"reason":"x","error":"y"}}},null]}"#,
        )
        .unwrap();
        assert_eq!(stage.task_counts(), (1, 3));
    }

    #[test]
    fn worker_metrics_are_read_by_name() {
        let worker: WorkerState = serde_json::from_str(
            r#"{"id":"w1","host":"127.0.0.1","port":5,"specification":{"task_slots":2},
                "metrics":[{"type":"proc_physical_memory","value":1024}]}"#,
        )
        .unwrap();
        assert_eq!(worker.threads(), Some(2));
        assert_eq!(worker.metric("proc_physical_memory"), Some(1024));
        assert_eq!(worker.metric("used_memory"), None);
    }
}
