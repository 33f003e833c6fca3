//! The cluster's processes, run from ddq's own binary: `ddq scheduler` (Ballista's scheduler)
//! and `ddq worker` (a Ballista executor). Both carry ddq's codecs, so plans over `read_csv`
//! and ddq's functions decode there.
//!
//! Heartbeats are frequent and the scheduler gives up on a silent executor after a few seconds,
//! so a worker that dies is noticed while the user waits, not minutes later.

use super::codec::{DdqLogicalCodec, DdqPhysicalCodec};
use crate::config::scheduler::split_host_port;
use crate::engine::ends::DdqQueryPlanner;
use crate::error::{DdqError, Result};
use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::{create_scheduler, start_grpc_service_with_listener};
use datafusion::execution::SessionStateBuilder;
use datafusion_proto::protobuf::{LogicalPlanNode, PhysicalPlanNode};
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The environment variable a local cluster's processes find ddq's process id in.
pub const PARENT_PID_VARIABLE: &str = "DDQ_PARENT_PID";

/// Seconds between an executor's heartbeats.
const HEARTBEAT_SECONDS: u64 = 2;
/// How long a starting worker waits for its scheduler to listen.
const SCHEDULER_WAIT: Duration = Duration::from_secs(10);
/// Seconds of silence after which the scheduler counts an executor as lost.
const EXECUTOR_TIMEOUT_SECONDS: u64 = 6;

/// Runs a scheduler on `bind` until the process is stopped.
pub async fn run_scheduler(bind: SocketAddr) -> Result<()> {
    let mut config = SchedulerConfig::default()
        .with_hostname(bind.ip().to_string())
        .with_port(bind.port());
    config.bind_host = bind.ip().to_string();
    config.executor_timeout_seconds = EXECUTOR_TIMEOUT_SECONDS;
    config.expire_dead_executor_interval_seconds = 1;
    config.no_executors_grace_period_seconds = EXECUTOR_TIMEOUT_SECONDS;
    config.override_logical_codec = Some(Arc::new(DdqLogicalCodec::default()));
    config.override_physical_codec = Some(Arc::new(DdqPhysicalCodec::default()));
    // ddq's own logical nodes (the ends of a shown result) are planned here.
    config.override_session_builder = Some(Arc::new(|config| {
        let state = ballista_core::utils::default_session_builder(config)?;
        Ok(SessionStateBuilder::new_from_existing(state)
            .with_query_planner(Arc::new(DdqQueryPlanner))
            .build())
    }));
    let cluster = BallistaCluster::new_from_config(&config)
        .await
        .map_err(|e| DdqError::execution(format!("cannot set up the scheduler: {e}")))?;
    let stopped = |e: &dyn std::fmt::Display| {
        DdqError::execution(format!("the scheduler on {bind} stopped: {e}"))
    };
    config.validate().map_err(|e| stopped(&e))?;
    let scheduler =
        create_scheduler::<LogicalPlanNode, PhysicalPlanNode>(cluster, Arc::new(config))
            .await
            .map_err(|e| stopped(&e))?;
    let listener = listen_without_delay(bind).map_err(|e| stopped(&e))?;
    start_grpc_service_with_listener(listener, scheduler)
        .await
        .map_err(|e| stopped(&e))
}

/// A listener whose connections send each message at once. Ballista serves the scheduler
/// through axum, which leaves Nagle's algorithm on: a job's last status update then waits for
/// the client's delayed acknowledgement, 40 ms on Linux, on every statement. Linux hands the
/// listener's TCP_NODELAY on to the connections it accepts.
fn listen_without_delay(bind: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = match bind {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.set_nodelay(true)?;
    socket.bind(bind)?;
    socket.listen(1024)
}

/// How to run one worker.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// The scheduler, as HOST:PORT.
    pub scheduler: String,
    /// The address to listen on; its port serves Arrow Flight (results and shuffles).
    pub bind: SocketAddr,
    /// The port of the worker's task service.
    pub grpc_port: u16,
    /// The host other processes reach this worker at (default: the address this machine uses
    /// to reach the scheduler).
    pub advertise: Option<String>,
    /// Tasks run at once; `None`: the machine's cores.
    pub threads: Option<usize>,
    /// Bytes of memory its tasks may hold before spilling; `None`: Ballista's default share.
    pub memory_limit: Option<u64>,
    /// Where shuffle files and spills go; `None`: a temporary directory removed at exit.
    pub work_dir: Option<PathBuf>,
}

/// One process of a cluster, as `ddq scheduler` and `ddq worker` start it.
pub enum Role {
    Scheduler { bind: SocketAddr },
    Worker(WorkerOptions),
}

/// Runs one process of a cluster until it is stopped, on a runtime of its own; with
/// `exit_with_parent` (a local cluster's processes) it also ends when ddq does.
pub fn run_process(role: Role, exit_with_parent: bool) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    log_to_stderr();
    if exit_with_parent {
        self::exit_with_parent();
    }
    let result = runtime.block_on(async {
        match role {
            Role::Scheduler { bind } => {
                eprintln!(
                    "ddq scheduler listening on {bind} (REST API: http://{bind}/api/executors)"
                );
                run_scheduler(bind).await
            }
            Role::Worker(options) => run_worker(options).await,
        }
    });
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a worker until the process is stopped.
pub async fn run_worker(options: WorkerOptions) -> Result<()> {
    let (scheduler_host, scheduler_port) = split_host_port(&options.scheduler)?;
    let temporary = match options.work_dir {
        Some(_) => None,
        None => Some(tempfile::Builder::new().prefix("ddq-worker-").tempdir()?),
    };
    let work_dir = options
        .work_dir
        .clone()
        .or_else(|| temporary.as_ref().map(|t| t.path().to_path_buf()))
        .unwrap_or_default();
    let threads = options
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    eprintln!(
        "ddq worker on {} with {threads} threads, joining {}",
        options.bind, options.scheduler
    );
    let advertise = match &options.advertise {
        Some(host) => host.clone(),
        None => local_address_towards(&options.scheduler)?,
    };
    std::fs::create_dir_all(&work_dir).map_err(|e| {
        DdqError::input(format!(
            "cannot create the work directory {}: {e}",
            work_dir.display()
        ))
    })?;
    let config = ExecutorProcessConfig {
        executor_id: worker_id(),
        bind_host: options.bind.ip().to_string(),
        external_host: Some(advertise),
        port: options.bind.port(),
        grpc_port: options.grpc_port,
        scheduler_host,
        scheduler_port,
        scheduler_connect_timeout_seconds: 10,
        vcores: threads.max(1),
        work_dir: Some(work_dir.display().to_string()),
        executor_heartbeat_interval_seconds: HEARTBEAT_SECONDS,
        memory_pool_size: options.memory_limit,
        override_logical_codec: Some(Arc::new(DdqLogicalCodec::default())),
        override_physical_codec: Some(Arc::new(DdqPhysicalCodec::default())),
        ..ExecutorProcessConfig::default()
    };
    wait_for_scheduler(&options.scheduler).await;
    start_executor_process(Arc::new(config))
        .await
        .map_err(|e| DdqError::execution(format!("the worker stopped: {e}")))
}

/// Waits until the scheduler accepts connections, trying every few milliseconds for up to
/// `SCHEDULER_WAIT`: Ballista's executor waits half a second after each failed attempt, so a
/// worker started together with its scheduler (as a local cluster starts them) would lose that
/// much. A scheduler that never answers is left to Ballista's own attempts to report.
async fn wait_for_scheduler(address: &str) {
    let deadline = tokio::time::Instant::now() + SCHEDULER_WAIT;
    while tokio::net::TcpStream::connect(address).await.is_err()
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A worker's id, unique per process and start. It carries nothing else: what `cluster` shows
/// of a worker comes from the scheduler's REST API (threads, memory used) and, for a local
/// cluster, from the shape this session started it with (its memory limit).
fn worker_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    format!("ddq-{:016x}", hasher.finish())
}

/// The local IP address this machine would use to reach `address` (no packet is sent).
fn local_address_towards(address: &str) -> Result<String> {
    let (host, port) = split_host_port(address)?;
    let target = (host.as_str(), port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .ok_or_else(|| DdqError::input(format!("cannot resolve the scheduler host `{host}`")))?;
    let unspecified: SocketAddr = if target.is_ipv4() {
        "0.0.0.0:0".parse().expect("literal address")
    } else {
        "[::]:0".parse().expect("literal address")
    };
    let socket = UdpSocket::bind(unspecified)
        .and_then(|s| s.connect(target).map(|()| s))
        .map_err(|e| DdqError::input(format!("no route to the scheduler at {address}: {e}")))?;
    let local = socket
        .local_addr()
        .map_err(|e| DdqError::input(format!("no route to the scheduler at {address}: {e}")))?;
    Ok(local.ip().to_string())
}

/// Ballista's log lines on stderr (a local cluster sends them to its log files): warnings and
/// errors, or down to the level `RUST_LOG` names (`info`, `debug`).
pub fn log_to_stderr() {
    let level = match std::env::var("RUST_LOG").as_deref() {
        Ok("trace") => log::LevelFilter::Trace,
        Ok("debug") => log::LevelFilter::Debug,
        Ok("info") => log::LevelFilter::Info,
        Ok("error") => log::LevelFilter::Error,
        _ => log::LevelFilter::Warn,
    };
    if log::set_logger(&STDERR_LOG).is_ok() {
        log::set_max_level(level);
    }
}

struct StderrLog;

static STDERR_LOG: StderrLog = StderrLog;

impl log::Log for StderrLog {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            eprintln!("{} {}: {}", record.level(), record.target(), record.args());
        }
    }

    fn flush(&self) {}
}

/// Exits this process when the process that started it goes away, however it ended (even
/// killed with SIGKILL, when nothing of it can clean up): a local cluster never outlives ddq.
/// The kernel's death signal (see `local::spawn`) does the same at once; this stays for a
/// process started by hand with `--exit-with-parent`, and for a parent that died before exec.
pub fn exit_with_parent() {
    // SAFETY: getppid has no preconditions and cannot fail.
    let current = unsafe { libc::getppid() };
    // The parent ddq named: if it has gone already, this process was adopted and `current` is
    // not it (taking `current` as the parent would keep this process alive for ever).
    let parent = std::env::var(PARENT_PID_VARIABLE)
        .ok()
        .and_then(|pid| pid.parse::<libc::pid_t>().ok())
        .unwrap_or(current);
    if current != parent {
        std::process::exit(0);
    }
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(200));
            // SAFETY: as above.
            if unsafe { libc::getppid() } != parent {
                std::process::exit(0);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_ids_are_unique() {
        assert_ne!(worker_id(), worker_id());
        assert!(worker_id().starts_with("ddq-"));
    }
}
