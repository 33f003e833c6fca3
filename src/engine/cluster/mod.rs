//! Schedulers, as Dask has them: `threads` runs statements in this process (DataFusion);
//! `processes` starts a local Ballista cluster of worker processes; `distributed` connects to
//! a Ballista cluster started with `ddq scheduler` and `ddq worker` anywhere.
//!
//! Layout: `codec` teaches Ballista's plan serialisation ddq's scans and functions, `serve`
//! runs the scheduler and worker processes, `local` starts and stops a cluster of them, `rest`
//! reads the scheduler's REST API (workers, job progress), `submit` sends a statement's plan as
//! a job and reads its result back, and `job` follows a running job.

pub mod codec;
pub mod job;
pub mod local;
pub mod rest;
pub mod serve;
pub mod submit;

use crate::config::scheduler::{LocalShape, SchedulerKind, scheduler_address};
use crate::config::size::format_size;
use crate::engine::dashboard::ClusterView;
use crate::error::{DdqError, Result};
use ballista::prelude::{SessionConfigExt, SessionContextExt};
use codec::{DdqLogicalCodec, DdqPhysicalCodec};
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};
use local::LocalCluster;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use submit::JobClient;

/// A Ballista cluster this session runs statements on.
pub struct Cluster {
    pub kind: SchedulerKind,
    /// The scheduler's HOST:PORT.
    pub address: String,
    /// The context whose plans go to the cluster.
    pub ctx: SessionContext,
    /// Jobs sent as physical plans planned here (see `submit`).
    pub jobs: Arc<JobClient>,
    /// The processes this session started (`processes` only).
    pub local: Option<LocalCluster>,
    /// Every worker seen so far (id → address), so `cluster` can name the ones lost.
    seen: Mutex<BTreeMap<String, String>>,
}

impl Cluster {
    /// Starts a local cluster and connects to it.
    pub async fn start_local(shape: LocalShape) -> Result<Cluster> {
        let local = LocalCluster::start(shape).await?;
        let address = local.address.clone();
        let mut cluster = Cluster::connect_to(
            SchedulerKind::Processes,
            &address,
            shape.workers * shape.threads_per_worker,
        )
        .await?;
        cluster.local = Some(local);
        Ok(cluster)
    }

    /// Connects to a running cluster, failing within seconds if nothing answers.
    pub async fn connect(address: &str) -> Result<Cluster> {
        let address = scheduler_address(address)?;
        let workers = rest::workers(&address).await?;
        let threads: u64 = workers.iter().filter_map(|w| w.threads()).sum();
        Cluster::connect_to(
            SchedulerKind::Distributed,
            &address,
            threads.max(1) as usize,
        )
        .await
    }

    async fn connect_to(kind: SchedulerKind, address: &str, threads: usize) -> Result<Cluster> {
        let config = crate::engine::with_planner_options(SessionConfig::new_with_ballista())
            .with_ballista_logical_extension_codec(Arc::new(DdqLogicalCodec::default()))
            .with_ballista_physical_extension_codec(Arc::new(DdqPhysicalCodec::default()))
            .with_target_partitions(threads.max(1))
            .with_information_schema(false)
            // Push mode: the scheduler streams the job's status (polling would add up to 50 ms to
            // every statement). The client then learns the job id only at the end, so the
            // progress bar and cancellation find the job by its name (see `job.rs`).
            .set_bool("ballista.client.pull", false)
            .set_u64("ballista.client.grpc_connect_timeout_seconds", 3)
            // The adaptive planner rejects some of ddq's ordered plans (a merge on keys that
            // are constant in each input of a union) and then never ends the job.
            .with_ballista_adaptive_query_planner(false);
        let jobs =
            JobClient::new(address, &config.ballista_config()).map_err(DdqError::execution)?;
        let state = SessionStateBuilder::new()
            .with_default_features()
            .with_config(config)
            .build();
        let ctx = SessionContext::remote_with_state(&format!("df://{address}"), state)
            .await
            .map_err(|e| {
                DdqError::execution(format!("cannot use the cluster at {address}: {e}"))
            })?;
        crate::plan::udf::register_all(&ctx);
        let cluster = Cluster {
            kind,
            address: address.to_string(),
            ctx,
            jobs: Arc::new(jobs),
            local: None,
            seen: Mutex::new(BTreeMap::new()),
        };
        cluster.workers().await?;
        Ok(cluster)
    }

    /// The workers the scheduler lists now, remembering them.
    async fn workers(&self) -> Result<Vec<rest::WorkerState>> {
        let workers = rest::workers(&self.address).await?;
        if let Ok(mut seen) = self.seen.lock() {
            for w in &workers {
                seen.insert(w.id.clone(), format!("{}:{}", w.host, w.port));
            }
        }
        Ok(workers)
    }

    /// What the dashboard needs to ask the scheduler about this cluster's workers.
    pub fn dashboard_view(&self) -> ClusterView {
        let seen = self.seen.lock().map(|s| s.clone()).unwrap_or_default();
        let local = self.local.as_ref();
        ClusterView {
            address: self.address.clone(),
            kind: self.kind.to_string(),
            memory_per_worker: local.map(|l| l.shape.memory_per_worker()),
            seen,
            pids: local
                .map(|l| {
                    l.workers
                        .iter()
                        .map(|w| (w.address.clone(), w.pid()))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// What `cluster` prints: like the repr of a Dask `Client`, then one line per worker, with
    /// the session's dashboard (`None`: it serves none) and the scheduler's REST API.
    pub async fn status(&mut self, dashboard: Option<&str>) -> Result<String> {
        let workers = self.workers().await?;
        let threads: u64 = workers.iter().filter_map(|w| w.threads()).sum();
        let mut text = format!(
            "<Client: scheduler='df://{}' processes={} threads={}>\n",
            self.address,
            workers.len(),
            threads
        );
        text.push_str(&format!(
            "Scheduler:  df://{} ({})\n",
            self.address, self.kind
        ));
        text.push_str(&dashboard_line(dashboard));
        text.push_str(&format!("REST API:   http://{}/api/jobs\n", self.address));
        text.push_str("Workers:\n");
        // A local cluster shares the session's limit among its workers; the scheduler does not
        // know the limit of workers started elsewhere (`ddq worker --memory-limit`).
        let memory_limit = self.local.as_ref().map_or_else(
            || "-".to_string(),
            |local| format_size(local.shape.memory_per_worker()),
        );
        for w in &workers {
            let used = w
                .metric("proc_physical_memory")
                .map_or_else(|| "-".to_string(), format_size);
            text.push_str(&format!(
                "  {}:{}  threads={}  memory_limit={}  memory_used={}  id={}\n",
                w.host,
                w.port,
                w.threads()
                    .map_or_else(|| "?".to_string(), |t| t.to_string()),
                memory_limit,
                used,
                w.id
            ));
        }
        for lost in self.lost_workers(&workers) {
            text.push_str(&format!("  {lost}  LOST\n"));
        }
        Ok(text)
    }

    /// Workers seen before that the scheduler no longer lists, or that this session started
    /// and that have exited (the scheduler only notices after a few seconds of silence).
    fn lost_workers(&mut self, listed: &[rest::WorkerState]) -> Vec<String> {
        let listed_addresses: Vec<String> = listed
            .iter()
            .map(|w| format!("{}:{}", w.host, w.port))
            .collect();
        let mut lost: Vec<String> = self
            .seen
            .lock()
            .map(|seen| {
                seen.iter()
                    .filter(|(id, _)| !listed.iter().any(|w| &w.id == *id))
                    .map(|(_, address)| address.clone())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(local) = &mut self.local {
            for n in 0..local.workers.len() {
                if let Some(status) = local.worker_exit(n) {
                    let address = local.workers[n].address.clone();
                    if !lost.contains(&address) && listed_addresses.contains(&address) {
                        lost.push(format!("{address} (exited: {status})"));
                    }
                }
            }
        }
        lost
    }
}

/// The `Dashboard:` line of `cluster`'s answer, as Dask's `Client` repr has it.
pub fn dashboard_line(link: Option<&str>) -> String {
    match link {
        Some(link) => format!("Dashboard:  {link}\n"),
        None => "Dashboard:  off (`set dashboard 127.0.0.1:8787` serves it)\n".to_string(),
    }
}
