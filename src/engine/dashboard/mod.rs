//! The dashboard: a web page like Dask's `:8787/status` that shows what the session is doing.
//!
//! The statement path only hands this module what it already has (the statement's text, each
//! physical plan as it starts, the scans' byte counters, the rows written) and takes a lock to
//! do so; nothing is measured or copied for it while a statement runs. The live picture (rows
//! and times per operator and partition, the task stream, memory, workers) is read from the
//! plans' own DataFusion metrics only when a page asks (`live`), so with no browser connected
//! the dashboard costs a lock per plan. When a statement ends its plans are reduced to their
//! operators' totals (`history`), which the history page draws. `server` serves the pages
//! (embedded in the binary, under `assets/`) and the JSON and server-sent events they read.

pub mod history;
pub mod live;
pub mod server;

use crate::engine::progress::ScanProgress;
use datafusion::execution::runtime_env::RuntimeEnv;
use datafusion::physical_plan::ExecutionPlan;
use history::{PlanSummary, StatementRecord};
use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Statements the history keeps; older ones are dropped first.
const HISTORY_LENGTH: usize = 1000;

/// The session's dashboard state, shared by the statement path and the server.
#[derive(Clone, Default)]
pub struct Dashboard {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    board: Mutex<Board>,
    /// Pages connected to the live stream; the cluster is only asked about its workers and
    /// jobs while there is one.
    watchers: AtomicUsize,
}

/// Everything the pages show, as the statement path left it.
#[derive(Default)]
pub(crate) struct Board {
    pub running: Option<RunningStatement>,
    pub history: VecDeque<StatementRecord>,
    next_id: u64,
    /// The runtime whose memory pool the statements use (this process' memory).
    pub runtime: Option<Arc<RuntimeEnv>>,
    pub memory_limit: u64,
    pub threads: usize,
    /// The scheduler the session runs statements on, as `set scheduler` names it.
    pub scheduler: String,
    pub cluster: Option<ClusterView>,
    /// Where the dashboard is served (`http://HOST:PORT/status`).
    pub link: Option<String>,
}

/// The cluster a session uses, as the dashboard reads it.
#[derive(Debug, Clone)]
pub struct ClusterView {
    /// The scheduler's HOST:PORT (its REST API).
    pub address: String,
    pub kind: String,
    /// Each worker's memory limit, when the session knows it (a local cluster).
    pub memory_per_worker: Option<u64>,
    /// Workers seen so far (id → address), so one the scheduler no longer lists shows as LOST.
    pub seen: BTreeMap<String, String>,
    /// The process of each worker this session started (address → pid), for its CPU use.
    pub pids: BTreeMap<String, u32>,
}

/// The statement running now, with the plans it has run so far.
pub(crate) struct RunningStatement {
    pub id: u64,
    pub text: String,
    pub scheduler: String,
    pub started: Instant,
    pub started_ms: u64,
    pub plans: Vec<LivePlan>,
}

/// A physical plan of the running statement; its metrics are read when a page asks.
pub(crate) struct LivePlan {
    pub plan: Arc<dyn ExecutionPlan>,
    pub scan: Arc<ScanProgress>,
    /// The Ballista job's name, when the plan runs on a cluster.
    pub job: Option<String>,
    pub rows: Option<u64>,
}

/// A plan registered with [`Dashboard::plan_started`], to report its end with.
#[derive(Debug, Clone, Copy)]
pub struct PlanTicket {
    statement: u64,
    index: usize,
}

/// Milliseconds since the Unix epoch, as the page's clock counts.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Dashboard {
    pub(crate) fn board(&self) -> MutexGuard<'_, Board> {
        // A panic while the lock was held leaves the board as it was; it stays readable.
        self.shared
            .board
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// What the pages show about the session: its memory, threads and scheduler.
    pub fn describe_session(
        &self,
        runtime: Arc<RuntimeEnv>,
        memory_limit: u64,
        threads: usize,
        scheduler: &str,
    ) {
        let mut board = self.board();
        board.runtime = Some(runtime);
        board.memory_limit = memory_limit;
        board.threads = threads;
        board.scheduler = scheduler.to_string();
    }

    /// The cluster statements run on now (`None`: this process' threads).
    /// Workers the dashboard saw on the same cluster stay known, so they show as LOST.
    pub fn describe_cluster(&self, mut cluster: Option<ClusterView>) {
        let mut board = self.board();
        if let (Some(new), Some(old)) = (cluster.as_mut(), board.cluster.take())
            && new.address == old.address
        {
            for (id, address) in old.seen {
                new.seen.entry(id).or_insert(address);
            }
        }
        board.cluster = cluster;
    }

    pub fn set_link(&self, link: Option<String>) {
        self.board().link = link;
    }

    pub fn link(&self) -> Option<String> {
        self.board().link.clone()
    }

    /// A statement starts; it is the running one until [`Dashboard::statement_finished`].
    pub fn statement_started(&self, text: &str, scheduler: &str) {
        let mut board = self.board();
        board.next_id += 1;
        board.running = Some(RunningStatement {
            id: board.next_id,
            text: text.to_string(),
            scheduler: scheduler.to_string(),
            started: Instant::now(),
            started_ms: now_ms(),
            plans: Vec::new(),
        });
    }

    /// A plan of the running statement starts executing. None when no statement is running
    /// (plans made outside one, such as tab completion's, are not shown).
    pub fn plan_started(
        &self,
        plan: &Arc<dyn ExecutionPlan>,
        scan: &Arc<ScanProgress>,
        job: Option<&str>,
    ) -> Option<PlanTicket> {
        let mut board = self.board();
        let running = board.running.as_mut()?;
        running.plans.push(LivePlan {
            plan: Arc::clone(plan),
            scan: Arc::clone(scan),
            job: job.map(str::to_string),
            rows: None,
        });
        Some(PlanTicket {
            statement: running.id,
            index: running.plans.len() - 1,
        })
    }

    /// The plan ended, having produced `rows` rows (`None`: it failed or was stopped).
    pub fn plan_finished(&self, ticket: PlanTicket, rows: Option<u64>) {
        let mut board = self.board();
        if let Some(running) = board.running.as_mut()
            && running.id == ticket.statement
            && let Some(plan) = running.plans.get_mut(ticket.index)
        {
            plan.rows = rows;
        }
    }

    /// The running statement ended (`error`: how it failed). Its plans are reduced to their
    /// operators' totals for the history, and released.
    pub fn statement_finished(&self, error: Option<String>) {
        let mut board = self.board();
        let Some(running) = board.running.take() else {
            return;
        };
        let record = StatementRecord {
            id: running.id,
            text: running.text,
            scheduler: running.scheduler,
            started_ms: running.started_ms,
            duration_ms: running.started.elapsed().as_millis() as u64,
            rows_out: running.plans.iter().rev().find_map(|p| p.rows),
            bytes_read: running.plans.iter().map(|p| p.scan.snapshot().0).sum(),
            on_cluster: running.plans.iter().any(|p| p.job.is_some()),
            error,
            plans: running
                .plans
                .iter()
                .map(|p| PlanSummary::of(&p.plan))
                .collect(),
        };
        if board.history.len() >= HISTORY_LENGTH {
            board.history.pop_front();
        }
        board.history.push_back(record);
    }

    /// A page subscribed to the live stream; the guard unsubscribes it when dropped.
    pub(crate) fn watch(&self) -> WatchGuard {
        self.shared.watchers.fetch_add(1, Ordering::Relaxed);
        WatchGuard(self.clone())
    }

    pub fn watchers(&self) -> usize {
        self.shared.watchers.load(Ordering::Relaxed)
    }
}

/// One connected page; see [`Dashboard::watch`].
pub(crate) struct WatchGuard(Dashboard);

impl Drop for WatchGuard {
    fn drop(&mut self) {
        self.0.shared.watchers.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A plan with no rows, for tests of what the dashboard keeps of plans.
#[cfg(test)]
pub(crate) fn empty_plan() -> Arc<dyn ExecutionPlan> {
    let schema = Arc::new(datafusion::arrow::datatypes::Schema::empty());
    Arc::new(datafusion::physical_plan::empty::EmptyExec::new(schema))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_statement_goes_from_running_to_the_history_with_its_plans_rows_and_bytes() {
        let dashboard = Dashboard::default();
        let scan = Arc::new(ScanProgress::default());
        assert!(
            dashboard.plan_started(&empty_plan(), &scan, None).is_none(),
            "a plan outside a statement is not shown"
        );
        dashboard.statement_started("df.x.sum()", "threads");
        let ticket = dashboard.plan_started(&empty_plan(), &scan, None).unwrap();
        scan.add_total(100);
        scan.add_read(60);
        dashboard.plan_finished(ticket, Some(7));
        assert_eq!(dashboard.board().running.as_ref().unwrap().plans.len(), 1);
        dashboard.statement_finished(None);
        let board = dashboard.board();
        assert!(board.running.is_none());
        let record = &board.history[0];
        assert_eq!(
            (record.id, record.text.as_str(), record.rows_out),
            (1, "df.x.sum()", Some(7))
        );
        assert_eq!(record.bytes_read, 60);
        assert_eq!(record.plans[0].nodes[0].name, "EmptyExec");
    }

    #[test]
    fn watchers_are_counted_while_their_guard_lives() {
        let dashboard = Dashboard::default();
        let guard = dashboard.watch();
        assert_eq!(dashboard.watchers(), 1);
        drop(guard);
        assert_eq!(dashboard.watchers(), 0);
    }
}
