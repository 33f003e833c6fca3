//! `--scheduler processes`: a Ballista cluster on this machine, one scheduler and N workers,
//! each a child process running ddq's own binary (`ddq scheduler`, `ddq worker`) on free
//! loopback ports. The children run in their own process group (the terminal's Ctrl-C cancels
//! a query, it must not kill the cluster) and exit by themselves when ddq goes away; dropping
//! the cluster stops the workers, then the scheduler.

use super::rest;
use super::serve::PARENT_PID_VARIABLE;
use crate::config::scheduler::LocalShape;
use crate::error::{DdqError, Result};
use std::fs::File;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long the workers get to register with the scheduler.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A child process of the cluster and the log it writes.
struct Member {
    child: Child,
    log: PathBuf,
}

impl Member {
    /// Why it has stopped, if it has.
    fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The end of its log, to show when it failed.
    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(5)..].join("\n")
    }
}

/// A member dropped on its own (a cluster that was still starting) stops too.
impl Drop for Member {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A worker this session started.
pub struct LocalWorker {
    member: Member,
    /// Its Flight address, as the scheduler reports it (host:port).
    pub address: String,
}

impl LocalWorker {
    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.member.child.id()
    }
}

pub struct LocalCluster {
    /// The scheduler's HOST:PORT.
    pub address: String,
    scheduler: Member,
    pub workers: Vec<LocalWorker>,
    pub shape: LocalShape,
    /// Logs and the workers' shuffle files; removed with the cluster.
    dir: tempfile::TempDir,
}

impl LocalCluster {
    /// Starts a scheduler and `workers` workers and waits until every worker has registered.
    pub async fn start(shape: LocalShape) -> Result<LocalCluster> {
        let LocalShape {
            workers,
            threads_per_worker,
            ..
        } = shape;
        let exe = std::env::current_exe()
            .map_err(|e| DdqError::execution(format!("cannot find ddq's own binary: {e}")))?;
        let dir = tempfile::Builder::new()
            .prefix("ddq-cluster-")
            .tempdir()
            .map_err(|e| {
                DdqError::execution(format!("cannot create the cluster's directory: {e}"))
            })?;
        // The scheduler's port, then each worker's Flight and task ports.
        let ports = free_ports(1 + 2 * workers)?;
        let address = format!("127.0.0.1:{}", ports[0]);
        let scheduler = spawn(
            &exe,
            &["scheduler", "--bind", &address, "--exit-with-parent"],
            &dir.path().join("scheduler.log"),
        )?;
        let mut cluster = LocalCluster {
            address,
            scheduler,
            workers: Vec::new(),
            shape,
            dir,
        };
        // The workers start beside the scheduler: each waits until the scheduler listens (see
        // `serve::run_worker`) while it loads.
        let per_worker = shape.memory_per_worker().to_string();
        for n in 0..workers {
            let flight = format!("127.0.0.1:{}", ports[1 + 2 * n]);
            let grpc = ports[2 + 2 * n].to_string();
            let work_dir = cluster.dir.path().join(format!("worker-{n}"));
            let args = [
                "worker",
                "--scheduler",
                &cluster.address,
                "--bind",
                &flight,
                "--grpc-port",
                &grpc,
                "--advertise",
                "127.0.0.1",
                "--threads",
                &threads_per_worker.to_string(),
                "--memory-limit",
                &per_worker,
                "--work-dir",
                &work_dir.display().to_string(),
                "--exit-with-parent",
            ];
            let member = spawn(
                &exe,
                &args,
                &cluster.dir.path().join(format!("worker-{n}.log")),
            )?;
            cluster.workers.push(LocalWorker {
                member,
                address: flight,
            });
        }
        cluster.wait_until_ready().await?;
        Ok(cluster)
    }

    /// Waits until the scheduler answers and lists every worker started so far, failing early
    /// if a process dies.
    async fn wait_until_ready(&mut self) -> Result<()> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.scheduler.exited() {
                return Err(DdqError::execution(format!(
                    "the local scheduler exited ({status}) before the cluster was ready\n{}",
                    self.scheduler.log_tail()
                )));
            }
            for (n, worker) in self.workers.iter_mut().enumerate() {
                if let Some(status) = worker.member.exited() {
                    return Err(DdqError::execution(format!(
                        "local worker {n} exited ({status}) before the cluster was ready\n{}",
                        worker.member.log_tail()
                    )));
                }
            }
            if let Ok(known) = rest::workers(&self.address).await
                && known.len() >= self.workers.len()
            {
                return Ok(());
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(DdqError::execution(format!(
                    "the local cluster's {} workers did not all register within {} seconds",
                    self.workers.len(),
                    START_TIMEOUT.as_secs()
                )));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Whether worker `n` has stopped, and how.
    pub fn worker_exit(&mut self, n: usize) -> Option<ExitStatus> {
        self.workers.get_mut(n).and_then(|w| w.member.exited())
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        // Workers first: a scheduler stopped before them would see them as failed.
        for worker in &mut self.workers {
            worker.member.stop();
        }
        self.scheduler.stop();
    }
}

/// `count` different loopback ports nobody listens on now. (Executors advertise the port they
/// are given, so port 0 cannot be used; a port is free unless another program takes it in
/// between.) Every listener is held until all are picked: one closed at once can be handed out
/// again by the next bind, and two workers given the same port would not start.
fn free_ports(count: usize) -> Result<Vec<u16>> {
    let listeners = (0..count)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<std::io::Result<Vec<_>>>();
    listeners
        .and_then(|held| held.iter().map(|l| Ok(l.local_addr()?.port())).collect())
        .map_err(|e| DdqError::execution(format!("no free loopback port: {e}")))
}

fn spawn(exe: &Path, args: &[&str], log: &Path) -> Result<Member> {
    let log_file = File::create(log)
        .map_err(|e| DdqError::execution(format!("cannot create {}: {e}", log.display())))?;
    let parent = std::process::id();
    let mut command = Command::new(exe);
    command
        .args(args)
        .env(PARENT_PID_VARIABLE, parent.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file)
        .process_group(0);
    // SAFETY: the closure runs in the child between fork and exec, and calls only prctl and
    // getppid, which are async-signal-safe.
    unsafe {
        command.pre_exec(move || die_with_parent(parent));
    }
    let child = command
        .spawn()
        .map_err(|e| DdqError::execution(format!("cannot start `ddq {}`: {e}", args[0])))?;
    Ok(Member {
        child,
        log: log.to_path_buf(),
    })
}

/// In a child between fork and exec: have the kernel end it when ddq ends, and give up at once
/// if ddq has already ended (then no signal would come). The signal is tied to the thread that
/// forked; ddq starts its cluster from the session's runtime, whose threads last as long as ddq.
fn die_with_parent(parent: u32) -> std::io::Result<()> {
    // SAFETY: prctl(PR_SET_PDEATHSIG) takes a signal number and changes nothing else.
    if unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: getppid has no preconditions and cannot fail.
    if unsafe { libc::getppid() } as u32 != parent {
        return Err(std::io::Error::other(
            "ddq ended while its cluster was starting",
        ));
    }
    Ok(())
}
