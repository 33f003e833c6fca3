//! The memory cap: the DataFusion runtime (a fair spilling memory pool and a disk manager for spill files) that
//! enforces it, so a query over data larger than the cap spills instead of being killed.

use crate::engine::cache;
use crate::error::Result;
use crate::output::temporary::process_runs;
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
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

/// The batch size for `limit`, unless `DATAFUSION_EXECUTION_BATCH_SIZE` says otherwise.
pub fn batch_size_for(limit: u64) -> Option<usize> {
    let configured = std::env::var_os("DATAFUSION_EXECUTION_BATCH_SIZE").is_some();
    (limit < TIGHT_LIMIT && !configured).then_some(TIGHT_BATCH_SIZE)
}

/// Under a [`TIGHT_LIMIT`], glibc's malloc keeps two arenas instead of eight per core: memory a
/// thread frees in its own arena is not reused by the others, which a query under a tight cap
/// cannot afford (the pool counts what DataFusion holds, not what malloc keeps). Called before
/// the runtime's threads start; `MALLOC_ARENA_MAX` in the environment wins.
pub fn limit_malloc_arenas(limit: u64) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if limit < TIGHT_LIMIT && std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only changes malloc's tuning; no other thread allocates yet.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

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
