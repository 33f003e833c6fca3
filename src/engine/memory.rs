//! The memory cap: the DataFusion runtime (a fair spilling memory pool and a disk manager for spill files) that
//! enforces it, so a query over data larger than the cap spills instead of being killed.

use crate::engine::cache;
use crate::error::Result;
use crate::output::temporary::process_runs;
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use datafusion::prelude::SessionConfig;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The cache directory's subdirectory where queries spill: one directory per process, named by
/// its id, so that what a killed ddq left can be told from what a running one uses.
pub const SPILL_SUBDIR: &str = "spill";

/// The runtime that enforces `limit` bytes, spilling into this process's spill directory (the
/// system's temporary directory when there is no cache directory to hold it).
pub fn runtime(limit: u64) -> Result<Arc<RuntimeEnv>> {
    let pool = FairSpillPool::new(usize::try_from(limit).unwrap_or(usize::MAX));
    let disk = match own_spill_dir() {
        Some(dir) => {
            DiskManagerBuilder::default().with_mode(DiskManagerMode::Directories(vec![dir]))
        }
        None => DiskManagerBuilder::default(),
    };
    Ok(RuntimeEnvBuilder::new()
        .with_memory_pool(Arc::new(pool))
        .with_disk_manager_builder(disk)
        .build_arc()?)
}

/// A memory limit under which batches are made smaller and malloc keeps fewer arenas.
pub const TIGHT_LIMIT: u64 = 1 << 30;
/// Rows per batch under a [`TIGHT_LIMIT`]: a sort's merge holds a batch per spill file and
/// stream, and at DataFusion's 8192 rows a full sort of 10x data under 256MB failed in two runs
/// of three (apache/datafusion#16979); at 2048 all finished.
pub const TIGHT_BATCH_SIZE: usize = 2048;

/// DataFusion's options tuned for `limit`, unless the environment set them
/// (`DATAFUSION_EXECUTION_BATCH_SIZE`, `DATAFUSION_EXECUTION_SORT_SPILL_RESERVATION_BYTES`).
pub fn tune_for_limit(config: SessionConfig, limit: u64) -> SessionConfig {
    let mut config = if limit < TIGHT_LIMIT && !environment_sets("DATAFUSION_EXECUTION_BATCH_SIZE")
    {
        config.with_batch_size(TIGHT_BATCH_SIZE)
    } else {
        config
    };
    let options = &mut config.options_mut().execution;
    if !environment_sets("DATAFUSION_EXECUTION_SORT_SPILL_RESERVATION_BYTES") {
        options.sort_spill_reservation_bytes =
            sort_merge_reservation(limit, options.sort_spill_reservation_bytes);
    }
    config
}

/// What each sort sets aside for its merge: DataFusion's 10 MB, but never more than a sixteenth
/// of the limit. Every partition's sort reserves it before its first batch, so under 24MB the
/// two sorts after a group-by held 20 MB of the pool and the aggregation beside them failed.
fn sort_merge_reservation(limit: u64, default: usize) -> usize {
    let share = usize::try_from(limit / 16).unwrap_or(usize::MAX);
    default.min(share)
}

fn environment_sets(name: &str) -> bool {
    std::env::var_os(name).is_some()
}

/// Under a [`TIGHT_LIMIT`], glibc's malloc is tuned to give memory back (the pool counts what
/// DataFusion holds, not what malloc keeps):
/// - two arenas instead of eight per core: memory a thread frees in its own arena is not reused
///   by the others;
/// - blocks of 128 KiB and more are mapped on their own and unmapped when freed. By default
///   glibc raises that threshold as large blocks are freed, up to 32 MiB, after which a
///   sort's freed batches stay in the heap: the 10x sort written out under 256MB peaked at
///   401-437 MB RSS in four runs, and at 350-377 MB in ten with the fixed threshold.
///
/// Called before the runtime's threads start; `MALLOC_ARENA_MAX` and `MALLOC_MMAP_THRESHOLD_`
/// in the environment win.
pub fn tune_malloc(limit: u64) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if limit < TIGHT_LIMIT {
        let tunings = [
            ("MALLOC_ARENA_MAX", libc::M_ARENA_MAX, 2),
            (
                "MALLOC_MMAP_THRESHOLD_",
                libc::M_MMAP_THRESHOLD,
                MMAP_THRESHOLD,
            ),
        ];
        for (variable, parameter, value) in tunings {
            if !environment_sets(variable) {
                // SAFETY: mallopt only changes malloc's tuning; no other thread allocates yet.
                unsafe {
                    libc::mallopt(parameter, value);
                }
            }
        }
    }
}

/// Blocks at least this large are mapped on their own under a [`TIGHT_LIMIT`].
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 128 * 1024;

/// This process's spill directory, made if it can be.
fn own_spill_dir() -> Option<PathBuf> {
    let dir = cache::default_dir()?
        .join(SPILL_SUBDIR)
        .join(std::process::id().to_string());
    std::fs::create_dir_all(&dir).ok().map(|_| dir)
}

/// Removes the spill directories that processes no longer running left under `cache_dir`
/// (a ddq killed mid-sort cannot remove its own). Returns how many went.
pub fn sweep_spills(cache_dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(cache_dir.join(SPILL_SUBDIR)) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id()
            && !process_runs(pid)
            && std::fs::remove_dir_all(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// Removes this process's (empty) spill directory as it ends; the engine removed its spill
/// files when their queries ended.
pub fn remove_own_spill_dir() {
    if let Some(root) = cache::default_dir() {
        let dir = root.join(SPILL_SUBDIR).join(std::process::id().to_string());
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tight_limit_shrinks_batches_and_each_sorts_merge_reservation() {
        let tight = tune_for_limit(SessionConfig::new(), 24 << 20);
        assert_eq!(tight.batch_size(), TIGHT_BATCH_SIZE);
        assert_eq!(
            tight.options().execution.sort_spill_reservation_bytes,
            (24 << 20) / 16
        );
        let roomy = tune_for_limit(SessionConfig::new(), 4 << 30);
        assert_eq!(roomy.batch_size(), SessionConfig::new().batch_size());
        assert_eq!(
            roomy.options().execution.sort_spill_reservation_bytes,
            SessionConfig::new()
                .options()
                .execution
                .sort_spill_reservation_bytes
        );
    }
}
