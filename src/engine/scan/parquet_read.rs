//! Reads one partition of a Parquet table: one row group of one file (Dask's default
//! partitioning for Parquet), projected to the columns a query needs.

use super::ReadRequest;
use super::files::display;
use crate::error::{DdqError, Result};
use datafusion::arrow::array::{RecordBatch, RecordBatchOptions};
use datafusion::arrow::datatypes::{Field, Schema, SchemaRef};
use datafusion::parquet::arrow::ProjectionMask;
use datafusion::parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One partition: a row group of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RowGroup {
    file: usize,
    index: usize,
    rows: usize,
}

/// Everything needed to read any partition of a Parquet table; footers are read once, here.
#[derive(Debug)]
pub(crate) struct ParquetSource {
    files: Vec<PathBuf>,
    metadata: Vec<ArrowReaderMetadata>,
    row_groups: Vec<RowGroup>,
    schema: SchemaRef,
}

impl ParquetSource {
    pub(crate) fn open(files: Vec<PathBuf>) -> Result<ParquetSource> {
        let mut metadata = Vec::with_capacity(files.len());
        let mut row_groups = Vec::new();
        for (file_index, path) in files.iter().enumerate() {
            let footer = read_footer(path)?;
            let groups = footer.metadata().row_groups();
            for (index, group) in groups.iter().enumerate() {
                row_groups.push(RowGroup {
                    file: file_index,
                    index,
                    rows: usize::try_from(group.num_rows()).unwrap_or(0),
                });
            }
            metadata.push(footer);
        }
        let schema = table_schema(&files, &metadata)?;
        Ok(ParquetSource {
            files,
            metadata,
            row_groups,
            schema,
        })
    }

    pub(crate) fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The visible columns, without the hidden ordering columns.
    pub(crate) fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    pub(crate) fn partition_count(&self) -> usize {
        self.row_groups.len()
    }

    /// The compressed size of a partition's row group, for the progress total.
    pub(crate) fn partition_bytes(&self, partition: usize) -> u64 {
        self.row_groups.get(partition).map_or(0, |g| {
            let size = self.metadata[g.file]
                .metadata()
                .row_group(g.index)
                .compressed_size();
            u64::try_from(size).unwrap_or(0)
        })
    }

    /// Reads a partition as [`ReadRequest`] says: one row group.
    pub(crate) fn read(
        &self,
        request: ReadRequest,
        emit: &mut dyn FnMut(RecordBatch) -> Result<bool>,
    ) -> Result<()> {
        let ReadRequest {
            partition,
            columns,
            batch_size,
            limit,
            progress,
        } = request;
        let group = self
            .row_groups
            .get(partition)
            .copied()
            .ok_or_else(|| DdqError::execution(format!("no Parquet partition {partition}")))?;
        let rows = limit.map_or(group.rows, |l| l.min(group.rows));
        if columns.is_empty() {
            // Only row counts are needed, and the footer has them.
            return emit_row_counts(rows, batch_size, emit);
        }
        let path = &self.files[group.file];
        let file = File::open(path).map_err(|e| read_error(path, e))?;
        let footer = self.metadata[group.file].clone();
        let mask = ProjectionMask::roots(footer.parquet_schema(), columns.iter().copied());
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, footer)
            .with_row_groups(vec![group.index])
            .with_projection(mask)
            .with_batch_size(batch_size.max(1))
            .with_limit(rows)
            .build()
            .map_err(|e| read_error(path, e))?;
        let group_bytes = self.partition_bytes(partition);
        for batch in reader {
            let batch = batch.map_err(|e| read_error(path, e))?;
            if let Some(progress) = progress {
                // Parquet decodes whole column chunks, so progress is the row group's share.
                let share =
                    group_bytes as u128 * batch.num_rows() as u128 / group.rows.max(1) as u128;
                progress.add_read(share as u64);
            }
            if batch.num_rows() > 0 && !emit(batch)? {
                return Ok(());
            }
        }
        Ok(())
    }
}

fn read_error(path: &Path, err: impl std::fmt::Display) -> DdqError {
    DdqError::input(format!("{}: {err}", display(path)))
}

fn read_footer(path: &Path) -> Result<ArrowReaderMetadata> {
    let file = File::open(path).map_err(|e| super::csv_schema::open_error(path, e))?;
    ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()).map_err(|e| {
        DdqError::input(format!(
            "{}: not a readable Parquet file: {e}",
            display(path)
        ))
    })
}

/// The schema every file must share (names and types; nullability may differ, so the table
/// declares every column nullable).
fn table_schema(files: &[PathBuf], metadata: &[ArrowReaderMetadata]) -> Result<SchemaRef> {
    let Some(first) = metadata.first() else {
        return Err(DdqError::input("no Parquet files to read"));
    };
    let describe = |schema: &Schema| -> Vec<(String, String)> {
        schema
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().to_string()))
            .collect()
    };
    let expected = describe(first.schema());
    for (path, footer) in files.iter().zip(metadata).skip(1) {
        let found = describe(footer.schema());
        if found != expected {
            let detail = expected
                .iter()
                .zip(&found)
                .find(|(a, b)| a != b)
                .map(|((a_name, a_type), (b_name, b_type))| {
                    format!(
                        ": {b_name} {b_type} where {} has {a_name} {a_type}",
                        display(&files[0])
                    )
                })
                .unwrap_or_else(|| {
                    format!(
                        ": {} columns where {} has {}",
                        found.len(),
                        display(&files[0]),
                        expected.len()
                    )
                });
            return Err(DdqError::input(format!(
                "the columns of {} differ from {}{detail}",
                display(path),
                display(&files[0])
            ))
            .with_help("every file of a table must have the same columns and types"));
        }
    }
    for field in first.schema().fields() {
        if field.name() == crate::plan::sources::PART_COLUMN
            || field.name() == crate::plan::sources::ROW_COLUMN
        {
            return Err(DdqError::input(format!(
                "{} has a column named {:?}, a name ddq reserves for row order",
                display(&files[0]),
                field.name()
            )));
        }
    }
    let fields: Vec<Field> = first
        .schema()
        .fields()
        .iter()
        .map(|f| Field::new(f.name(), f.data_type().clone(), true))
        .collect();
    Ok(Arc::new(Schema::new(fields)))
}

/// Batches of no columns that only count `rows` rows, for a scan asked for no column.
pub(super) fn emit_row_counts(
    rows: usize,
    batch_size: usize,
    emit: &mut dyn FnMut(RecordBatch) -> Result<bool>,
) -> Result<()> {
    let empty = Arc::new(Schema::empty());
    let mut left = rows;
    while left > 0 {
        let n = left.min(batch_size.max(1));
        let options = RecordBatchOptions::new().with_row_count(Some(n));
        let batch = RecordBatch::try_new_with_options(Arc::clone(&empty), vec![], &options)
            .map_err(|e| DdqError::execution(e.to_string()))?;
        if !emit(batch)? {
            return Ok(());
        }
        left -= n;
    }
    Ok(())
}
