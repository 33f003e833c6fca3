//! Where statements run, as settings see it: the scheduler kinds Dask names, the shape of a
//! local cluster, and cluster addresses. The engine's `cluster` module runs what these describe.

use crate::error::{DdqError, Result, closest_match};
use std::fmt;
use std::str::FromStr;

/// Where statements run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchedulerKind {
    Threads,
    Processes,
    Distributed,
}

impl FromStr for SchedulerKind {
    type Err = DdqError;

    /// Dask's names: `threads` (also `threading`, `sync`, ...), `processes` (also
    /// `multiprocessing`) and `distributed`.
    fn from_str(name: &str) -> Result<SchedulerKind> {
        match name {
            "threads" | "threading" | "sync" | "synchronous" | "single-threaded" => {
                Ok(SchedulerKind::Threads)
            }
            "processes" | "multiprocessing" => Ok(SchedulerKind::Processes),
            "distributed" => Ok(SchedulerKind::Distributed),
            other => {
                let names = ["threads", "processes", "distributed"];
                let list = "schedulers: \"threads\", \"processes\", \"distributed\"";
                let help = match closest_match(other, names.iter().copied()) {
                    Some(best) => format!("did you mean \"{best}\"? {list}"),
                    None => list.to_string(),
                };
                Err(DdqError::input(format!("unknown scheduler \"{other}\"")).with_help(help))
            }
        }
    }
}

impl fmt::Display for SchedulerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SchedulerKind::Threads => "threads",
            SchedulerKind::Processes => "processes",
            SchedulerKind::Distributed => "distributed",
        })
    }
}

/// How big a local cluster is, from the session's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalShape {
    pub workers: usize,
    pub threads_per_worker: usize,
    pub memory_limit: u64,
}

impl LocalShape {
    /// Each worker's share of the memory limit (at least 1 MiB, so a worker can start).
    pub fn memory_per_worker(&self) -> u64 {
        (self.memory_limit / self.workers.max(1) as u64).max(1 << 20)
    }
}

/// Dask's `LocalCluster` defaults for `cores` cores: up to 4 cores, one single-threaded
/// worker per core; beyond, the smallest factor of `cores` at least its square root as the
/// number of workers, sharing the cores between them.
pub fn default_shape(cores: usize) -> (usize, usize) {
    let cores = cores.max(1);
    if cores <= 4 {
        return (cores, 1);
    }
    let workers = (1..=cores)
        .find(|f| cores.is_multiple_of(*f) && f * f >= cores)
        .unwrap_or(cores);
    (workers, cores / workers)
}

/// A scheduler address as ddq keeps it, `HOST:PORT`, from `HOST:PORT` or `df://HOST:PORT`.
pub fn scheduler_address(address: &str) -> Result<String> {
    let (host, port) = split_host_port(address)?;
    Ok(format!("{host}:{port}"))
}

/// `HOST:PORT` (a `df://` prefix allowed) as its two parts.
pub fn split_host_port(address: &str) -> Result<(String, u16)> {
    let bare = address
        .trim()
        .trim_start_matches("df://")
        .trim_end_matches('/');
    let bad = || {
        DdqError::input(format!("`{address}` is not a HOST:PORT address"))
            .with_help("write it like 127.0.0.1:50050 or df://scheduler.example:50050")
    };
    let (host, port) = bare.rsplit_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    if host.is_empty() {
        return Err(bad());
    }
    Ok((host.trim_matches(['[', ']']).to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheduler_names_follow_dask() {
        assert_eq!(
            "threads".parse::<SchedulerKind>().unwrap(),
            SchedulerKind::Threads
        );
        assert_eq!(
            "sync".parse::<SchedulerKind>().unwrap(),
            SchedulerKind::Threads
        );
        assert_eq!(
            "multiprocessing".parse::<SchedulerKind>().unwrap(),
            SchedulerKind::Processes
        );
        assert_eq!(
            "distributed".parse::<SchedulerKind>().unwrap(),
            SchedulerKind::Distributed
        );
        let err = "proceses".parse::<SchedulerKind>().unwrap_err();
        assert!(err.message.contains("proceses"));
    }

    #[test]
    fn default_shapes_use_every_core_once() {
        for cores in 1..=64 {
            let (workers, threads) = default_shape(cores);
            assert!(workers >= 1 && threads >= 1);
            assert!(workers * threads <= cores, "{cores}: {workers}x{threads}");
        }
        assert_eq!(default_shape(2), (2, 1));
        assert_eq!(default_shape(4), (4, 1));
    }

    #[test]
    fn addresses_split_into_host_and_port() {
        assert_eq!(
            split_host_port("df://10.0.0.1:50050").unwrap(),
            ("10.0.0.1".to_string(), 50050)
        );
        assert_eq!(
            split_host_port("localhost:7000").unwrap(),
            ("localhost".to_string(), 7000)
        );
        assert!(split_host_port("localhost").is_err());
        assert!(split_host_port(":80").is_err());
        assert!(split_host_port("host:port").is_err());
    }
}
