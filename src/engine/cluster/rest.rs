//! The scheduler's REST API (served on its gRPC port): the workers it knows, a job's stages,
//! and cancelling a job. A plain HTTP/1.1 exchange over one connection per call, with a
//! timeout, so an address that does not answer fails in seconds instead of hanging.

use crate::error::{DdqError, Result};
use serde::Deserialize;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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
/// 2xx answer.
async fn call(address: &str, method: &str, path: &str) -> Result<String> {
    let exchange = async {
        let mut stream = TcpStream::connect(address).await?;
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAccept: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        Ok::<_, std::io::Error>(response)
    };
    let response = tokio::time::timeout(CALL_TIMEOUT, exchange)
        .await
        .map_err(|_| no_answer(address, "it did not answer within 3 seconds"))?
        .map_err(|e| no_answer(address, &e.to_string()))?;
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| no_answer(address, "its answer was not HTTP"))?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    if !(200..300).contains(&status) {
        return Err(DdqError::execution(format!(
            "the scheduler at {address} answered {method} {path} with HTTP {status}"
        )));
    }
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    Ok(body)
}

fn no_answer(address: &str, why: &str) -> DdqError {
    DdqError::execution(format!("no Ballista scheduler answers at {address}: {why}"))
        .with_help("check the address and that `ddq scheduler` runs there")
}

/// The body of a chunked HTTP/1.1 answer.
fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    out
}

fn parse<T: for<'a> Deserialize<'a>>(address: &str, body: &str) -> Result<T> {
    serde_json::from_str(body).map_err(|e| {
        DdqError::execution(format!(
            "the scheduler at {address} sent an answer ddq cannot read: {e}"
        ))
    })
}

pub async fn workers(address: &str) -> Result<Vec<WorkerState>> {
    let body = call(address, "GET", "/api/executors").await?;
    parse(address, &body)
}

pub async fn job(address: &str, job_id: &str) -> Result<JobState> {
    let body = call(address, "GET", &format!("/api/job/{job_id}")).await?;
    parse(address, &body)
}

#[derive(Debug, Clone, Deserialize)]
struct JobSummary {
    job_id: String,
    job_name: String,
}

/// The id of the job named `name`, if the scheduler has it.
pub async fn job_named(address: &str, name: &str) -> Result<Option<String>> {
    let body = call(address, "GET", "/api/jobs").await?;
    let jobs: Vec<JobSummary> = parse(address, &body)?;
    Ok(jobs
        .into_iter()
        .find(|job| job.job_name == name)
        .map(|job| job.job_id))
}

pub async fn job_stages(address: &str, job_id: &str) -> Result<Vec<StageState>> {
    let body = call(address, "GET", &format!("/api/job/{job_id}/stages")).await?;
    parse::<StagesAnswer>(address, &body).map(|answer| answer.stages)
}

pub async fn cancel_job(address: &str, job_id: &str) -> Result<()> {
    call(address, "PATCH", &format!("/api/job/{job_id}"))
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(
            dechunk("4\r\n[{\"a\r\n3\r\n\":1\r\n2\r\n}]\r\n0\r\n\r\n"),
            "[{\"a\":1}]"
        );
    }

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
