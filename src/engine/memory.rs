//! The memory cap: the DataFusion runtime (a fair spilling memory pool and a disk manager for spill files) that
//! enforces it, so a query over data larger than the cap spills instead of being killed.

use crate::error::Result;
use datafusion::execution::disk_manager::DiskManagerBuilder;
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use std::sync::Arc;

/// The runtime that enforces `limit` bytes, spilling to the system's temporary directory.
pub fn runtime(limit: u64) -> Result<Arc<RuntimeEnv>> {
    let pool = FairSpillPool::new(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(RuntimeEnvBuilder::new()
        .with_memory_pool(Arc::new(pool))
        .with_disk_manager_builder(DiskManagerBuilder::default())
        .build_arc()?)
}
