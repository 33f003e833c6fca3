//! What the planner needs from the engine, and the one way it reaches it: tables over files
//! (`read_csv`, `read_parquet`, `read_json`, `read`) and persisted frames (`persist()`), through the
//! [`Sources`] trait the engine implements. The planner never opens a file itself.
//!
//! A source table's rows carry two hidden `UInt64` columns after the visible ones:
//! [`PART_COLUMN`], the global (Dask) partition index in file order, and [`ROW_COLUMN`], the row
//! number within that partition; sorting by both gives back the order the rows have in the files.

use crate::error::Result;
use crate::plan::value::Frame;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::DataType;
use datafusion::catalog::TableProvider;
use datafusion::prelude::{DataFrame, SessionContext};
use std::sync::Arc;

/// The engine's side of reading and persisting.
pub trait Sources {
    /// A scan of the CSV files matching `patterns`, read as `options` say.
    fn open_csv(&self, patterns: &[String], options: CsvOptions) -> Result<SourceTable>;
    /// A scan of the Parquet files matching `patterns`.
    fn open_parquet(&self, patterns: &[String]) -> Result<SourceTable>;
    /// A scan of the JSON files matching `patterns`, read as `options` say.
    fn open_json(&self, patterns: &[String], options: &JsonOptions) -> Result<SourceTable>;
    /// The frame's rows computed once and kept (`df.persist()`), as a frame over them.
    fn persist(&self, ctx: &SessionContext, frame: &Frame) -> Result<Frame>;
    /// Runs a query whose answer is small, now, and gives its rows: what the planner must know
    /// about the data to plan at all (the divisions `set_index` records).
    fn collect_now(&self, df: DataFrame) -> Result<Vec<RecordBatch>>;
}

/// A table over files, and how many (Dask) partitions it has.
pub struct SourceTable {
    pub provider: Arc<dyn TableProvider>,
    pub npartitions: usize,
}

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

/// How to read JSON files: the `pandas.read_json` keywords the scan itself handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonOptions {
    /// `lines=True` (one record per line) or `False` (an array of records); unset, a file
    /// starting with `[` is an array.
    pub lines: Option<bool>,
    /// pandas' `convert_dates`: columns with date-like names holding epochs or date text
    /// become datetimes.
    pub convert_dates: bool,
}

impl Default for JsonOptions {
    fn default() -> Self {
        JsonOptions {
            lines: None,
            convert_dates: true,
        }
    }
}
