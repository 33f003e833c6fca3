//! Reading a CSV partition through the scan cache: the columns a statement wants that are
//! cached are read from their entries, only the others are parsed from the CSV (and cached on
//! the way when they were read before: see `ScanCache::seen`), and the two are put side by
//! side row for row.
//!
//! Cached columns are decoded in batches of their own sizes, written by earlier statements;
//! rows are matched by position, each cached column giving exactly as many rows as the batch
//! beside it (`CachedColumn::take`). Every entry of a partition records its row count, so a
//! column that disagrees is noticed and parsed again rather than misaligned.

use super::ReadRequest;
use super::csv_read::{ByteRange, CsvSource, ParseFailure, Parsed};
use crate::engine::cache::{CachedColumn, ColumnWriter, PartitionKey, ScanCache};
use crate::engine::held::Collector;
use crate::error::{DdqError, Result};
use datafusion::arrow::array::{ArrayRef, RecordBatch, RecordBatchOptions};
use datafusion::arrow::datatypes::SchemaRef;
use std::sync::Arc;

/// Reads `request.columns` of a range in full (the request has no limit) through the cache.
pub(super) fn read_through_cache(
    source: &CsvSource,
    cache: &ScanCache,
    range: ByteRange,
    request: ReadRequest,
    emit: &mut dyn FnMut(RecordBatch) -> Result<bool>,
) -> Result<()> {
    if request.columns.is_empty() && request.limit.is_none() {
        return count_rows(source, cache, range, request, emit);
    }
    let Some(keys) = source.column_keys(range, request.columns) else {
        return source.read_parsed(range, request, 0, emit);
    };
    let mut cached: Vec<Option<CachedColumn>> = keys.iter().map(|k| cache.open(k)).collect();
    let mut counts = cached.iter().flatten().map(CachedColumn::rows);
    if let Some(first) = counts.next()
        && counts.any(|rows| rows != first)
    {
        // Which one is right is unknown: parse them all again (their entries are replaced).
        cached.iter_mut().for_each(|c| *c = None);
    }
    if !cached.is_empty() && cached.iter().all(Option::is_some) {
        let columns = cached.into_iter().flatten().collect();
        return read_cached(source, range, request, columns, emit);
    }
    if request.limit.is_some() {
        // The first rows only: parsed, and neither marked read nor cached.
        return source.read_parsed(range, request, 0, emit);
    }
    parse_missing(source, cache, range, request, &keys, cached, emit)
}

/// The visible columns a request wants, as the batches passed on hold them.
fn wanted_schema(source: &CsvSource, request: &ReadRequest) -> Result<SchemaRef> {
    let schema = source
        .schema()
        .project(request.columns)
        .map_err(|e| DdqError::execution(format!("cannot project the scan's columns: {e}")))?;
    Ok(Arc::new(schema))
}

fn assemble(schema: &SchemaRef, arrays: Vec<ArrayRef>, rows: usize) -> Result<RecordBatch> {
    let options = RecordBatchOptions::new().with_row_count(Some(rows));
    RecordBatch::try_new_with_options(Arc::clone(schema), arrays, &options)
        .map_err(|e| DdqError::execution(format!("cannot assemble a cached batch: {e}")))
}

/// The sizes of the batches `total` rows are passed on in: `batch_size` rows each, the last
/// one what is left.
fn batch_sizes(total: usize, batch_size: usize) -> impl Iterator<Item = usize> {
    let size = batch_size.max(1);
    (0..total)
        .step_by(size)
        .map(move |start| size.min(total - start))
}

/// Counts off `rows` of the range's `total` as read, in the range's CSV bytes (what the
/// progress total counts for it).
fn report_progress(request: &ReadRequest, range: ByteRange, rows: usize, total: usize) {
    if let Some(progress) = request.progress {
        let bytes = range.end.saturating_sub(range.start);
        progress.add_read(bytes * rows as u64 / total.max(1) as u64);
    }
}

/// A read of no column (`len`): any cached column of the partition says how many rows it has;
/// without one, the CSV's lines are counted (nothing parsed, so nothing cached).
fn count_rows(
    source: &CsvSource,
    cache: &ScanCache,
    range: ByteRange,
    request: ReadRequest,
    emit: &mut dyn FnMut(RecordBatch) -> Result<bool>,
) -> Result<()> {
    let visible: Vec<usize> = (0..source.schema().fields().len()).collect();
    let rows = source
        .column_keys(range, &visible)
        .and_then(|keys| keys.iter().find_map(|key| cache.open(key)))
        .map(|column| column.rows());
    let Some(total) = rows else {
        return source.read_parsed(range, request, 0, emit);
    };
    let schema = wanted_schema(source, &request)?;
    for rows in batch_sizes(total, request.batch_size) {
        if !emit(assemble(&schema, Vec::new(), rows)?)? {
            break;
        }
    }
    report_progress(&request, range, total, total);
    Ok(())
}

/// Every wanted column is cached: batches of at most the requested size, each column taking
/// as many rows, up to the request's limit. A column that turns out broken is removed and the
/// rest of the range parsed. Columns read in full are then held in memory.
fn read_cached(
    source: &CsvSource,
    range: ByteRange,
    request: ReadRequest,
    mut columns: Vec<CachedColumn>,
    emit: &mut dyn FnMut(RecordBatch) -> Result<bool>,
) -> Result<()> {
    let schema = wanted_schema(source, &request)?;
    let rows = columns.first().map_or(0, CachedColumn::rows);
    let total = request.limit.map_or(rows, |limit| limit.min(rows));
    let mut passed = 0;
    for rows in batch_sizes(total, request.batch_size) {
        let arrays: std::result::Result<Vec<ArrayRef>, String> =
            columns.iter_mut().map(|c| c.take(rows)).collect();
        let Ok(arrays) = arrays else {
            columns.into_iter().for_each(CachedColumn::discard);
            return source.read_parsed(range, request, passed, emit);
        };
        passed += rows;
        report_progress(&request, range, rows, total);
        if !emit(assemble(&schema, arrays, rows)?)? {
            return Ok(());
        }
    }
    if total < rows {
        return Ok(());
    }
    if !columns.iter_mut().all(CachedColumn::is_exhausted) {
        columns.into_iter().for_each(CachedColumn::discard);
        return Err(cache_disagrees(source, range));
    }
    columns.into_iter().for_each(CachedColumn::remember);
    Ok(())
}

/// Some wanted columns are not cached: those are parsed (only those), and written to the cache
/// if this is their second read, while the cached ones are read beside them.
fn parse_missing(
    source: &CsvSource,
    cache: &ScanCache,
    range: ByteRange,
    request: ReadRequest,
    keys: &[PartitionKey],
    mut cached: Vec<Option<CachedColumn>>,
    emit: &mut dyn FnMut(RecordBatch) -> Result<bool>,
) -> Result<()> {
    let schema = wanted_schema(source, &request)?;
    // Positions in the request of the columns not cached.
    let absent: Vec<usize> = (0..cached.len()).filter(|&i| cached[i].is_none()).collect();
    let missing: Vec<usize> = absent.iter().map(|&i| request.columns[i]).collect();
    // A column read for the first time is only marked; read again, it is cached.
    let mut writers: Vec<Option<ColumnWriter>> = absent
        .iter()
        .map(|&i| match cache.seen(&keys[i]) {
            true => cache.create(
                &keys[i],
                Arc::clone(&source.schema().fields()[request.columns[i]]),
            ),
            false => None,
        })
        .collect();
    let mut collectors: Vec<Collector> = absent.iter().map(|_| Collector::new()).collect();
    let mut nulls = vec![0usize; absent.len()];
    let mut passed = 0usize;
    let mut emit_error = None;
    let mut misaligned = false;
    let parse_request = ReadRequest {
        columns: &missing,
        ..request
    };
    let parsed = source.parse(range, parse_request, 0, &mut |batch| {
        let rows = batch.num_rows();
        for (writer, array) in writers.iter_mut().zip(batch.columns()) {
            if let Some(writer) = writer {
                writer.write(array);
            }
        }
        for ((collector, column_nulls), array) in
            collectors.iter_mut().zip(&mut nulls).zip(batch.columns())
        {
            collector.add(array);
            *column_nulls += array.null_count();
        }
        let Some(arrays) = side_by_side(&mut cached, batch.columns(), rows) else {
            misaligned = true;
            return Ok(false);
        };
        passed += rows;
        emit(assemble(&schema, arrays, rows)?).or_else(|e| {
            emit_error = Some(e);
            Ok(false)
        })
    });
    if let Some(e) = emit_error {
        return Err(e);
    }
    if misaligned {
        cached.into_iter().flatten().for_each(CachedColumn::discard);
        return source.read_parsed(range, request, passed, emit);
    }
    match parsed {
        Ok(Parsed::Complete) => {
            if !cached.iter_mut().flatten().all(CachedColumn::is_exhausted) {
                cached.into_iter().flatten().for_each(CachedColumn::discard);
                return Err(cache_disagrees(source, range));
            }
            // Entries are kept only of a file that did not change while it was parsed.
            source.check_unchanged(range.file)?;
            let fields = source.schema().fields().clone();
            let columns = writers.into_iter().zip(collectors).zip(&absent).zip(nulls);
            for (((writer, collector), &i), column_nulls) in columns {
                let on_disk = writer.is_some();
                match writer {
                    Some(writer) => writer.commit(),
                    None => cache.note_counts(&keys[i], passed, column_nulls),
                }
                collector.hold(&keys[i], Arc::clone(&fields[request.columns[i]]), on_disk);
            }
            cached
                .into_iter()
                .flatten()
                .for_each(CachedColumn::remember);
            Ok(())
        }
        Ok(Parsed::Stopped) => Ok(()),
        Err(ParseFailure::Data { .. }) => {
            drop(writers);
            source.read_parsed(range, request, passed, emit)
        }
        Err(ParseFailure::Other(e)) => Err(e),
    }
}

/// The wanted columns of one batch in order: each cached one's next `rows` rows, the parsed
/// ones as they are; none when a cached column has fewer rows left or does not decode.
fn side_by_side(
    cached: &mut [Option<CachedColumn>],
    parsed: &[ArrayRef],
    rows: usize,
) -> Option<Vec<ArrayRef>> {
    let mut parsed = parsed.iter();
    cached
        .iter_mut()
        .map(|slot| match slot {
            Some(column) => column.take(rows).ok(),
            None => parsed.next().cloned(),
        })
        .collect()
}

/// Cached columns held more rows than the partition parsed to: they were removed, but rows
/// built with them were already passed on.
fn cache_disagrees(source: &CsvSource, range: ByteRange) -> DdqError {
    DdqError::execution(format!(
        "the scan cache's copy of {} did not match the file, and was removed",
        source.files()[range.file].display()
    ))
    .with_help("run the statement again")
}
