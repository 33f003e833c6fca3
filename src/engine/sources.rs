//! The engine's side of the planner's `Sources` trait: ddq's own file scan for `read_csv` and
//! `read_parquet` and `read_json`, and `persist()` computing a frame once and keeping it.

use crate::engine::guard::run_apart;
use crate::engine::persist::persist_frame;
use crate::engine::scan::{FileTable, is_remote};
use crate::error::Result;
use crate::plan::sources::{CsvOptions, JsonOptions, SourceTable, Sources};
use crate::plan::value::Frame;
use datafusion::arrow::array::RecordBatch;
use datafusion::prelude::DataFrame;
use datafusion::prelude::SessionContext;
use std::sync::Arc;

/// Files read through the scan (and its cache), frames persisted in memory or spill files.
#[derive(Debug, Clone, Copy, Default)]
pub struct EngineSources;

impl Sources for EngineSources {
    fn open_csv(&self, patterns: &[String], options: CsvOptions) -> Result<SourceTable> {
        let patterns = folders_as_globs(patterns, "*");
        Ok(source_table(FileTable::open_csv(&patterns, options)?))
    }

    fn open_parquet(&self, patterns: &[String]) -> Result<SourceTable> {
        let patterns = folders_as_globs(patterns, "*.parquet");
        Ok(source_table(FileTable::open_parquet(&patterns)?))
    }

    fn open_json(&self, patterns: &[String], options: &JsonOptions) -> Result<SourceTable> {
        let patterns = folders_as_globs(patterns, "*");
        Ok(source_table(FileTable::open_json(&patterns, options)?))
    }

    fn persist(&self, ctx: &SessionContext, frame: &Frame) -> Result<Frame> {
        persist_frame(ctx, frame)
    }

    /// The planner runs inside the session's runtime, which must not be blocked from within;
    /// the query runs to its end on a thread and runtime of its own.
    fn collect_now(&self, df: DataFrame) -> Result<Vec<RecordBatch>> {
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        run_apart(workers, async { Ok(df.collect().await?) })
    }
}

/// A directory is the dataset written into it (`to_parquet("out/")` writes
/// out/part.N.parquet, `to_csv("out/*.csv")` out/N.csv), as pandas and Dask read one: its files
/// matching `files`, hidden ones left out, in name order. An `s3://` path ending in `/` is a
/// folder too.
fn folders_as_globs(patterns: &[String], files: &str) -> Vec<String> {
    patterns
        .iter()
        .map(|p| {
            if is_remote(p) {
                if p.starts_with("s3") && p.ends_with('/') {
                    format!("{p}{files}")
                } else {
                    p.clone()
                }
            } else if std::path::Path::new(p).is_dir() {
                let folder = glob::Pattern::escape(p.trim_end_matches('/'));
                format!("{folder}/{files}")
            } else {
                p.clone()
            }
        })
        .collect()
}

fn source_table(table: FileTable) -> SourceTable {
    SourceTable {
        npartitions: table.npartitions(),
        provider: Arc::new(table),
    }
}
