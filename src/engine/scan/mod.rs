//! ddq's own file scan: a DataFusion table over CSV, Parquet or JSON files that streams them partition
//! by partition and numbers every row, so pandas/Dask row order ("natural order") can be restored
//! after any parallel plan.
//!
//! Why not DataFusion's CSV source: pandas-style type inference over every file, Dask-compatible
//! partitions (`partitions[i]`, `npartitions`), and errors that name the file, line, column and
//! value. Two hidden `UInt64` columns follow the visible ones (`plan::sources::PART_COLUMN` and
//! `ROW_COLUMN`, the contract the planner orders by).
//!
//! Layout: `files` expands patterns (`remote` copies `s3://` and `https://` objects to read), `dtype` holds pandas' NA strings, `gzip` decompresses,
//! `sniff` refuses files that are not text ddq reads (other compressions, UTF-16, binary),
//! `csv_schema` infers column types,
//! `csv_read` reads one byte range, through the scan cache with `csv_cache` (`csv_fast` is its fast path for plain CSV, with `csv_bytes`
//! finding its special bytes and digits a word at a time; `quotes`
//! notices a quote left open), `parquet_read` one row group, `json_schema` types JSON records as pandas does and
//! `json_read` reads one JSON file, `part_filter` prunes partitions
//! from filters on [`PART_COLUMN`], `exec` is the `ExecutionPlan`, `table` the
//! `TableProvider`, and `wire` their form in Ballista's plans. Every reader takes a
//! [`ReadRequest`].

use crate::engine::progress::ScanProgress;
use std::sync::Arc;

mod csv_bytes;
mod csv_cache;
mod csv_fast;
mod csv_read;
mod csv_schema;
mod dtype;
mod exec;
mod files;
mod gzip;
mod json_read;
mod json_schema;
mod parquet_read;
mod part_filter;
mod quotes;
mod remote;
mod sniff;
mod table;
pub mod wire;

pub(crate) use exec::ScanExec;
pub(crate) use remote::is_remote;
pub use table::FileTable;
pub(crate) use table::PlannedForCluster;

/// The tasks of a scan node as Dask counts them: the file partitions it reads (after pruning)
/// and its format (`csv`, ...); none for a node that is not one of ddq's scans. A DataFusion
/// partition of a scan reads several of these one after the other, so its own partition count
/// (the engine's threads) is not what `npartitions` says.
pub(crate) fn scan_tasks(
    plan: &dyn datafusion::physical_plan::ExecutionPlan,
) -> Option<(usize, &'static str)> {
    let scan = match plan.downcast_ref::<exec::ScanTaskExec>() {
        Some(task) => task.scan(),
        None => plan.downcast_ref::<exec::ScanExec>()?,
    };
    Some(scan.tasks())
}

/// What a reader is asked for: partition `partition` of its table, as batches of at most
/// `batch_size` rows holding the visible columns `columns` (positions in the source's schema,
/// ascending), passed to an `emit` callback until it returns false, the partition ends or
/// `limit` rows were passed; the bytes read count towards `progress`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadRequest<'a> {
    pub partition: usize,
    pub columns: &'a [usize],
    pub batch_size: usize,
    pub limit: Option<usize>,
    pub progress: Option<&'a Arc<ScanProgress>>,
}
