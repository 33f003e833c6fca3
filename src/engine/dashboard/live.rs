//! The status page's data, read when a page asks and never otherwise: the running statement's
//! progress per operator and partition (from the plans' DataFusion metrics, which the operators
//! keep anyway), its task stream (each partition's start and end as the operators stamp them,
//! or each task of a cluster's stages as its scheduler reports them), memory against the limit
//! and bytes spilled, and one row per worker (this process on `threads`; the scheduler's workers
//! on a cluster, LOST once it stops listing one it listed).

use super::{Board, ClusterView, Dashboard, LivePlan, now_ms};
use crate::engine::cluster::rest;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::metrics::MetricValue;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// What `/api/status` answers and the live stream sends.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Status {
    pub link: Option<String>,
    pub scheduler: String,
    pub statement: Option<LiveStatement>,
    /// Statements that have ended so far.
    pub statements_done: usize,
    pub memory: Memory,
    pub workers: Vec<WorkerRow>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LiveStatement {
    pub id: u64,
    pub text: String,
    pub scheduler: String,
    pub started_ms: u64,
    pub elapsed_ms: u64,
    /// Bytes this process' scans have read, and will have read when done.
    pub bytes_read: u64,
    pub bytes_total: u64,
    pub operators: Vec<LiveOperator>,
    /// A cluster job's stages (empty on threads).
    pub stages: Vec<LiveStage>,
    /// The task stream: one bar per partition of an operator (threads) or per task (cluster).
    pub tasks: Vec<TaskBar>,
}

/// An operator of a running plan and the rows each of its partitions has produced.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LiveOperator {
    pub plan: usize,
    pub name: String,
    /// Its distance from the plan's root.
    pub depth: usize,
    pub rows: u64,
    pub partitions: Vec<LivePartition>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct LivePartition {
    pub partition: usize,
    pub rows: u64,
    pub started: bool,
    pub done: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LiveStage {
    pub stage: String,
    pub status: String,
    pub tasks: u64,
    pub tasks_done: u64,
    pub rows: u64,
}

/// A bar of the task stream; times are milliseconds since the statement started.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TaskBar {
    /// The row it is drawn in: a partition on threads, a stage's partition on a cluster.
    pub lane: String,
    /// What colours it: the operator (threads) or the stage (cluster).
    pub operator: String,
    pub start_ms: u64,
    /// `None`: still running.
    pub end_ms: Option<u64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Memory {
    /// Bytes the statements' operators hold in this process' memory pool.
    pub used: u64,
    pub limit: u64,
    /// Bytes the running statement's operators have spilled to disk.
    pub spilled: u64,
    /// Bytes in spill files now.
    pub spill_files: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WorkerRow {
    pub name: String,
    pub threads: Option<u64>,
    pub memory_used: Option<u64>,
    pub memory_limit: Option<u64>,
    /// Percent of one core.
    pub cpu: Option<f32>,
    /// `running`, `idle`, or `LOST`.
    pub status: String,
}

/// The status now. Asks the cluster's scheduler (when there is one) for its workers and the
/// running job's stages.
pub async fn status(dashboard: &Dashboard) -> Status {
    let (mut status, cluster, jobs) = {
        let board = dashboard.board();
        let jobs: Vec<String> = board
            .running
            .iter()
            .flat_map(|r| r.plans.iter().filter_map(|p| p.job.clone()))
            .collect();
        (local_status(&board), board.cluster.clone(), jobs)
    };
    if let Some(cluster) = cluster {
        let (workers, seen) = cluster_workers(&cluster, status.statement.is_some()).await;
        status.workers = workers;
        if let Some(board_cluster) = dashboard.board().cluster.as_mut() {
            board_cluster.seen.extend(seen);
        }
        if let Some(statement) = status.statement.as_mut() {
            for job in jobs {
                add_job_stages(&cluster.address, &job, statement).await;
            }
        }
    }
    status
}

/// Everything this process knows without asking anyone.
fn local_status(board: &Board) -> Status {
    let (used, spill_files) = board.runtime.as_ref().map_or((0, 0), |rt| {
        (
            rt.memory_pool.reserved() as u64,
            rt.disk_manager.used_disk_space(),
        )
    });
    let statement = board.running.as_ref().map(|running| {
        let mut live = LiveStatement {
            id: running.id,
            text: running.text.clone(),
            scheduler: running.scheduler.clone(),
            started_ms: running.started_ms,
            elapsed_ms: running.started.elapsed().as_millis() as u64,
            bytes_read: 0,
            bytes_total: 0,
            operators: Vec::new(),
            stages: Vec::new(),
            tasks: Vec::new(),
        };
        for (index, plan) in running.plans.iter().enumerate() {
            add_plan(&mut live, index, plan);
        }
        live
    });
    let spilled = board.running.as_ref().map_or(0, |r| {
        r.plans.iter().map(|p| spilled_bytes(&p.plan)).sum::<u64>()
    });
    let status = if statement.is_some() {
        "running"
    } else {
        "idle"
    };
    Status {
        link: board.link.clone(),
        scheduler: board.scheduler.clone(),
        statement,
        statements_done: board.history.len(),
        memory: Memory {
            used,
            limit: board.memory_limit,
            spilled,
            spill_files,
        },
        workers: vec![WorkerRow {
            name: "this process".to_string(),
            threads: Some(board.threads as u64),
            memory_used: Some(used),
            memory_limit: Some(board.memory_limit),
            cpu: cpu_percent(&[std::process::id()])
                .first()
                .copied()
                .flatten(),
            status: status.to_string(),
        }],
    }
}

/// A plan's operators and task bars, added to the statement's.
fn add_plan(live: &mut LiveStatement, index: usize, plan: &LivePlan) {
    let (read, total) = plan.scan.snapshot();
    live.bytes_read += read;
    live.bytes_total += total.max(read);
    walk(&plan.plan, 0, &mut |node, depth| {
        let (operator, bars) = operator_progress(node, index, depth, live.started_ms);
        live.tasks.extend(bars);
        live.operators.push(operator);
    });
}

/// Visits every operator of a plan, root first, with its depth.
fn walk(
    plan: &Arc<dyn ExecutionPlan>,
    depth: usize,
    visit: &mut dyn FnMut(&Arc<dyn ExecutionPlan>, usize),
) {
    visit(plan, depth);
    for child in plan.children() {
        walk(child, depth + 1, visit);
    }
}

/// One operator's rows per partition, and a task-stream bar for each partition it has started,
/// from the metrics it keeps (`output_rows`, `start_timestamp`, `end_timestamp`).
fn operator_progress(
    plan: &Arc<dyn ExecutionPlan>,
    index: usize,
    depth: usize,
    statement_start_ms: u64,
) -> (LiveOperator, Vec<TaskBar>) {
    let mut partitions: BTreeMap<usize, (LivePartition, Option<u64>, Option<u64>)> =
        BTreeMap::new();
    if let Some(metrics) = plan.metrics() {
        for metric in metrics.iter() {
            let Some(p) = metric.partition() else {
                continue;
            };
            let entry = partitions.entry(p).or_default();
            entry.0.partition = p;
            match metric.value() {
                MetricValue::OutputRows(count) => entry.0.rows += count.value() as u64,
                MetricValue::StartTimestamp(t) => {
                    entry.1 = t.value().map(|t| t.timestamp_millis().max(0) as u64)
                }
                MetricValue::EndTimestamp(t) => {
                    entry.2 = t.value().map(|t| t.timestamp_millis().max(0) as u64)
                }
                _ => {}
            }
        }
    }
    let name = plan.name().to_string();
    let mut bars = Vec::new();
    let mut rows = 0;
    let partitions = partitions
        .into_values()
        .map(|(mut partition, start, end)| {
            partition.started = start.is_some();
            partition.done = end.is_some();
            rows += partition.rows;
            if let Some(start) = start {
                bars.push(TaskBar {
                    lane: format!("partition {}", partition.partition),
                    operator: name.clone(),
                    start_ms: start.saturating_sub(statement_start_ms),
                    end_ms: end.map(|e| e.saturating_sub(statement_start_ms)),
                });
            }
            partition
        })
        .collect();
    let operator = LiveOperator {
        plan: index,
        name,
        depth,
        rows,
        partitions,
    };
    (operator, bars)
}

fn spilled_bytes(plan: &Arc<dyn ExecutionPlan>) -> u64 {
    let mut bytes = 0;
    walk(plan, 0, &mut |node, _| {
        bytes += node.metrics().and_then(|m| m.spilled_bytes()).unwrap_or(0) as u64;
    });
    bytes
}

/// The CPU use of processes since the last call that asked about them, in percent of a core
/// (`None`: not known yet, or no such process).
fn cpu_percent(pids: &[u32]) -> Vec<Option<f32>> {
    static SYSTEM: Mutex<Option<sysinfo::System>> = Mutex::new(None);
    let Ok(mut guard) = SYSTEM.lock() else {
        return vec![None; pids.len()];
    };
    if guard.is_none() {
        *guard = sysinfo::System::new().ok();
    }
    let Some(system) = guard.as_mut() else {
        return vec![None; pids.len()];
    };
    let wanted: Vec<sysinfo::Pid> = pids.iter().map(|&p| sysinfo::Pid::from_u32(p)).collect();
    system.refresh_processes_specifics(
        sysinfo::ProcessesToUpdate::Some(&wanted),
        true,
        sysinfo::ProcessRefreshKind::nothing().with_cpu(),
    );
    wanted
        .iter()
        .map(|pid| system.process(*pid).map(|p| p.cpu_usage()))
        .collect()
}

/// One row per worker the scheduler lists, and one LOST row per worker it listed before and
/// no longer does; also the workers listed now (id → address), to remember.
async fn cluster_workers(
    cluster: &ClusterView,
    busy: bool,
) -> (Vec<WorkerRow>, BTreeMap<String, String>) {
    let listed = match rest::workers(&cluster.address).await {
        Ok(listed) => listed,
        Err(e) => {
            let row = WorkerRow {
                name: format!("scheduler {}", cluster.address),
                threads: None,
                memory_used: None,
                memory_limit: None,
                cpu: None,
                status: format!("unreachable: {}", e.message),
            };
            return (vec![row], BTreeMap::new());
        }
    };
    let addresses: Vec<String> = listed
        .iter()
        .map(|w| format!("{}:{}", w.host, w.port))
        .collect();
    let pids: Vec<u32> = addresses
        .iter()
        .map(|a| cluster.pids.get(a).copied().unwrap_or(0))
        .collect();
    let cpu = cpu_percent(&pids);
    let mut rows: Vec<WorkerRow> = listed
        .iter()
        .zip(&addresses)
        .zip(cpu)
        .map(|((w, address), cpu)| WorkerRow {
            name: address.clone(),
            threads: w.threads(),
            memory_used: w.metric("proc_physical_memory"),
            memory_limit: cluster.memory_per_worker,
            cpu,
            status: if busy { "running" } else { "idle" }.to_string(),
        })
        .collect();
    for (id, address) in &cluster.seen {
        if !listed.iter().any(|w| &w.id == id) {
            rows.push(WorkerRow {
                name: address.clone(),
                threads: None,
                memory_used: None,
                memory_limit: cluster.memory_per_worker,
                cpu: None,
                status: "LOST".to_string(),
            });
        }
    }
    let seen = listed
        .into_iter()
        .zip(addresses)
        .map(|(w, a)| (w.id, a))
        .collect();
    (rows, seen)
}

/// The stages of the cluster job named `job` and a task-stream bar per task started.
async fn add_job_stages(address: &str, job: &str, statement: &mut LiveStatement) {
    let Ok(Some(id)) = rest::job_named(address, job).await else {
        return;
    };
    let Ok(stages) = rest::job_stages(address, &id).await else {
        return;
    };
    for stage in stages {
        let (tasks_done, tasks) = stage.task_counts();
        let mut rows = 0;
        for task in stage.tasks.iter().flatten() {
            rows += task.output_rows;
            let start = match task.start_exec_time {
                0 => task.launch_time,
                start => start,
            };
            if start == 0 {
                continue;
            }
            let partition = task.partition_id.first().copied().unwrap_or(0);
            statement.tasks.push(TaskBar {
                lane: format!("stage {} / {partition}", stage.stage_id),
                operator: format!("stage {}", stage.stage_id),
                start_ms: start.saturating_sub(statement.started_ms),
                end_ms: (task.end_exec_time > 0)
                    .then(|| task.end_exec_time.saturating_sub(statement.started_ms)),
            });
        }
        statement.stages.push(LiveStage {
            stage: stage.stage_id,
            status: stage.stage_status,
            tasks,
            tasks_done,
            rows,
        });
    }
}

/// The status as JSON, stamped with the time it was taken.
pub fn to_json(status: &Status) -> String {
    let mut value = serde_json::to_value(status).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("now_ms".to_string(), now_ms().into());
    }
    value.to_string()
}
