//! How a scan crosses to other processes: Ballista sends the client's logical plan to its
//! scheduler and each task's physical plan to an executor, and a `FileTable` or its scan must
//! arrive there able to read the same partitions with the same types. They travel as JSON of
//! plain data (files, byte ranges, the inferred layout), so no process infers types again.

use super::csv_read::{CsvSource, CsvSpec, absolute};
use super::exec::{ScanExec, ScanTaskExec, Source};
use super::json_read::{JsonSource, JsonSpec};
use super::parquet_read::ParquetSource;
use super::table::FileTable;
use crate::engine::cache::ScanCache;
use crate::error::{DdqError, Result};
use datafusion::physical_plan::ExecutionPlan;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Serialize, Deserialize)]
enum SourceSpec {
    Csv(CsvSpec),
    Parquet { files: Vec<PathBuf> },
    Json(JsonSpec),
}

#[derive(Debug, Serialize, Deserialize)]
struct ScanSpec {
    source: SourceSpec,
    projection: Vec<usize>,
    partitions: Vec<usize>,
    target_partitions: usize,
    limit: Option<usize>,
    row_ends: BTreeMap<usize, u64>,
}

/// The physical nodes: a whole scan, or one task's partition of it.
#[derive(Debug, Serialize, Deserialize)]
enum ScanNode {
    Scan(ScanSpec),
    Task(ScanSpec),
}

fn spec_of(source: &Source) -> SourceSpec {
    match source {
        Source::Csv(csv) => SourceSpec::Csv(csv.spec()),
        Source::Parquet(parquet) => SourceSpec::Parquet {
            files: parquet.files().iter().map(|f| absolute(f)).collect(),
        },
        Source::Json(json) => SourceSpec::Json(json.spec()),
    }
}

/// Rebuilds a source; CSV partitions go through this process' scan cache, as at home.
fn source_of(spec: SourceSpec) -> Result<Source> {
    Ok(match spec {
        SourceSpec::Csv(csv) => {
            Source::Csv(Box::new(CsvSource::from_spec(csv, ScanCache::from_env())?))
        }
        SourceSpec::Parquet { files } => Source::Parquet(ParquetSource::open(files)?),
        SourceSpec::Json(json) => Source::Json(JsonSource::from_spec(json)?),
    })
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| DdqError::execution(format!("cannot encode a scan: {e}")))
}

fn from_json<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T> {
    serde_json::from_slice(bytes)
        .map_err(|e| DdqError::execution(format!("cannot decode a scan sent by ddq: {e}")))
}

pub fn encode_table(table: &FileTable) -> Result<Vec<u8>> {
    to_json(&spec_of(table.source()))
}

pub fn decode_table(bytes: &[u8]) -> Result<FileTable> {
    Ok(FileTable::from_source(source_of(from_json(bytes)?)?).on_cluster())
}

fn scan_spec(scan: &ScanExec) -> ScanSpec {
    let (projection, partitions, target_partitions, limit) = scan.recipe();
    ScanSpec {
        source: spec_of(scan.source()),
        projection: projection.to_vec(),
        partitions: partitions.to_vec(),
        target_partitions,
        limit,
        row_ends: scan.row_ends().clone(),
    }
}

fn scan_of(spec: ScanSpec) -> Result<ScanExec> {
    let table = FileTable::from_source(source_of(spec.source)?);
    ScanExec::new(
        Arc::clone(table.source()),
        &datafusion::catalog::TableProvider::schema(&table),
        &spec.projection,
        spec.partitions,
        spec.target_partitions,
        spec.limit,
    )
    .map(|scan| scan.with_row_ends(spec.row_ends))
}

/// A ddq scan node's bytes (its inputs travel beside them), or `None` when `plan` is not one.
pub fn encode_scan(plan: &dyn ExecutionPlan) -> Option<Result<Vec<u8>>> {
    if let Some(scan) = plan.downcast_ref::<ScanExec>() {
        return Some(to_json(&ScanNode::Scan(scan_spec(scan))));
    }
    let task = plan.downcast_ref::<ScanTaskExec>()?;
    Some(to_json(&ScanNode::Task(scan_spec(task.scan()))))
}

pub fn decode_scan(
    bytes: &[u8],
    inputs: &[Arc<dyn ExecutionPlan>],
) -> Result<Arc<dyn ExecutionPlan>> {
    match from_json(bytes)? {
        ScanNode::Scan(spec) => Ok(Arc::new(scan_of(spec)?)),
        ScanNode::Task(spec) => {
            let anchor = inputs
                .first()
                .cloned()
                .ok_or_else(|| DdqError::execution("a scan task arrived without its anchor"))?;
            Ok(Arc::new(ScanTaskExec::new(scan_of(spec)?, anchor)))
        }
    }
}
