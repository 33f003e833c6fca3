//! ddq's own file scan: a DataFusion table over CSV or Parquet files that streams them partition
//! by partition and numbers every row, so pandas/Dask row order ("natural order") can be restored
//! after any parallel plan.
//!
//! Why not DataFusion's CSV source: pandas-style type inference over every file, Dask-compatible
//! partitions (`partitions[i]`, `npartitions`), and errors that name the file, line, column and
//! value. Two hidden `UInt64` columns follow the visible ones: [`PART_COLUMN`], the global
//! (Dask) partition index in file order, and [`ROW_COLUMN`], the row number within that
//! partition; sorting by both gives back the order the rows have in the files.
//!
//! Layout: `files` expands patterns, `dtype` holds pandas' type names and NA strings,
//! `csv_schema` infers column types, `csv_read` reads one byte range (`csv_fast` is its fast path
//! for plain CSV), `parquet_read` one row group, `part_filter` prunes partitions from filters on
//! [`PART_COLUMN`], `exec` is the `ExecutionPlan`, `table` the `TableProvider`, and `wire` their
//! form in Ballista's plans.

use datafusion::arrow::datatypes::DataType;

mod csv_fast;
mod csv_read;
mod csv_schema;
mod dtype;
mod exec;
mod files;
mod parquet_read;
mod part_filter;
mod table;
pub mod wire;

pub use dtype::parse_dtype;
pub use table::FileTable;
pub(crate) use table::PlannedForCluster;

/// Hidden column: the global partition index (UInt64), in file order.
pub const PART_COLUMN: &str = "__ddq_part";
/// Hidden column: the row number within its partition (UInt64), from 0.
pub const ROW_COLUMN: &str = "__ddq_row";

/// Dask's largest automatic `blocksize` for `read_csv` (it uses 64e6 bytes, not 64 MiB); using
/// the same value gives the same partitions, so `partitions[i]` means the same rows.
pub const DEFAULT_BLOCKSIZE: u64 = 64_000_000;

/// How to read CSV files: the subset of `pandas.read_csv` keywords the scan itself handles.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvOptions {
    /// Field separator, `sep=`.
    pub sep: u8,
    /// `header=0` (true) or `header=None` (false: columns are named "0", "1", ...).
    pub header: bool,
    /// Extra strings read as missing, on top of pandas' defaults.
    pub na_values: Vec<String>,
    /// Keep only these columns (in file order, as pandas does).
    pub usecols: Option<Vec<String>>,
    /// Explicit column types; they always win over inference.
    pub dtype: Vec<(String, DataType)>,
    /// Bytes per partition.
    pub blocksize: u64,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            sep: b',',
            header: true,
            na_values: Vec::new(),
            usecols: None,
            dtype: Vec::new(),
            blocksize: DEFAULT_BLOCKSIZE,
        }
    }
}
