//! Reads one partition of a CSV table: a byte range of one file, cut at line boundaries the way
//! Dask cuts them, parsed into typed batches: by `csv_fast` as far as the CSV is plain, by
//! arrow-csv from where it is not.
//!
//! A partition `[start, end)` of a file owns the lines whose preceding newline lies in
//! `[start, end)` (and partition 0 also owns the first line). So a range really begins after
//! the first newline at or after `start` (at 0 for the first range) and ends after the first
//! newline at or after `end`; neighbouring ranges meet exactly and every line is read once.
//! A quoted field containing a newline can be cut in two, as in Dask.
//!
//! Parsing is fast and says little when it fails; on failure the range is read again with the
//! `csv` crate, checking each value with the same parsers, to name file, line, column and value.

use super::ReadRequest;
use super::csv_cache::read_through_cache;
use super::csv_fast::{FastEnd, FastReader};
use super::csv_schema::{CsvLayout, open_error, plan_layout};
use super::dtype::{NaValues, parse_bool, value_fits};
use super::files::display;
use super::gzip::{decompressed, is_gzip};
use super::quotes::QuoteTracker;
use crate::engine::cache::{PartitionKey, ScanCache, policy as cache_policy};
use crate::engine::progress::{CountingReader, ScanProgress};
use crate::error::{DdqError, Result};
use crate::plan::sources::CsvOptions;
use crate::types::dtype::pandas_dtype;
use csv::ByteRecord;
use datafusion::arrow::array::{
    Array, ArrayRef, ArrowPrimitiveType, AsArray, BooleanBuilder, PrimitiveArray, RecordBatch,
    StringArray,
};
use datafusion::arrow::csv::ReaderBuilder;
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::arrow::datatypes::{Float32Type, Float64Type};
use datafusion::arrow::error::ArrowError;
use regex::Regex;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Bytes read from disk at a time while parsing a range.
const READ_BUFFER: usize = 1 << 20;
/// Bytes read at a time while looking for a newline.
const SEEK_BUFFER: usize = 64 * 1024;

/// One partition: a byte range of one file, before it is cut at newlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ByteRange {
    pub file: usize,
    pub start: u64,
    pub end: u64,
}

/// `path` from the root, so that a process with another working directory finds it.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A CSV source as plain data, for Ballista's plan serialisation: the files, their byte ranges,
/// how to parse them and the column layout already inferred.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct CsvSpec {
    files: Vec<PathBuf>,
    ranges: Vec<(usize, u64, u64)>,
    sep: u8,
    header: bool,
    na_values: Vec<String>,
    columns: Vec<String>,
    /// Arrow's spelling of each column's type (`DataType`'s `Display`, parsed by `FromStr`).
    types: Vec<String>,
    declared: Vec<bool>,
    visible: Vec<usize>,
    /// Each file as it was when the table was opened (checked by every task).
    #[serde(default)]
    versions: Vec<FileVersion>,
    /// Whether the session caches scans (its `cache` setting), and its `cache_limit` if set:
    /// a worker caches as the session that sent the plan does.
    #[serde(default)]
    cache: bool,
    #[serde(default)]
    cache_limit: Option<u64>,
}

/// A file's size and modification time: what tells that it changed since it was looked at.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct FileVersion {
    size: u64,
    mtime_ns: Option<u128>,
}

impl FileVersion {
    fn of(path: &Path) -> Result<FileVersion> {
        let metadata = std::fs::metadata(path).map_err(|e| open_error(path, e))?;
        Ok(FileVersion {
            size: metadata.len(),
            mtime_ns: crate::engine::cache::mtime_ns(&metadata),
        })
    }
}

fn changed_while_read(path: &Path) -> DdqError {
    DdqError::input(format!(
        "{} changed while it was read; run the statement again",
        display(path)
    ))
}

/// Everything needed to read any partition of a CSV table.
#[derive(Debug)]
pub(crate) struct CsvSource {
    files: Vec<PathBuf>,
    ranges: Vec<ByteRange>,
    sep: u8,
    header: bool,
    na: NaValues,
    null_regex: Regex,
    layout: CsvLayout,
    /// Every file column as arrow-csv parses it: bool columns are read as text and converted
    /// here, because arrow-csv does not accept 0/1 as booleans.
    decode_schema: SchemaRef,
    /// The visible columns with their final types.
    schema: SchemaRef,
    /// Where full reads keep a columnar copy of each partition, if anywhere.
    cache: Option<ScanCache>,
    /// How this table parses its files: part of every cache key (with the column's own part,
    /// see `column_keys`).
    fingerprint: String,
    /// Each file as it was when the table was opened: its byte ranges and layout hold for that
    /// version only, so a read of any other version is refused (see `check_unchanged`).
    versions: Vec<FileVersion>,
}

impl CsvSource {
    pub(crate) fn open(
        files: Vec<PathBuf>,
        options: &CsvOptions,
        cache: Option<ScanCache>,
    ) -> Result<CsvSource> {
        check_options(options)?;
        let na = NaValues::new(&options.na_values);
        let versions = files
            .iter()
            .map(|path| FileVersion::of(path))
            .collect::<Result<Vec<_>>>()?;
        let layout = plan_layout(&files, options, &na)?;
        // Types inferred from a file rewritten meanwhile may fit neither version.
        for (path, then) in files.iter().zip(&versions) {
            if FileVersion::of(path)? != *then {
                return Err(changed_while_read(path));
            }
        }
        let sizes: Vec<u64> = versions.iter().map(|v| v.size).collect();
        check_partition_count(&sizes, options.blocksize)?;
        let mut ranges = Vec::new();
        for (index, size) in sizes.into_iter().enumerate() {
            // A gzip stream is read from its start: one partition.
            let blocksize = match is_gzip(&files[index]) {
                true => u64::MAX,
                false => options.blocksize,
            };
            ranges.extend(split_file(index, size, blocksize));
        }
        let source = CsvSource::assemble(
            files,
            ranges,
            options.sep,
            options.header,
            na,
            layout,
            cache,
        )?;
        Ok(CsvSource { versions, ..source })
    }

    /// The source a [`CsvSpec`] describes, with no file read: the layout travels in the spec,
    /// so a Ballista process rebuilding the scan of every task does not infer types again.
    pub(crate) fn from_spec(spec: CsvSpec, cache: Option<ScanCache>) -> Result<CsvSource> {
        let types = spec
            .types
            .iter()
            .map(|t| {
                t.parse::<DataType>()
                    .map_err(|e| DdqError::execution(format!("unknown column type {t:?}: {e}")))
            })
            .collect::<Result<Vec<_>>>()?;
        let layout = CsvLayout {
            columns: spec.columns,
            types,
            declared: spec.declared,
            visible: spec.visible,
        };
        let ranges = spec
            .ranges
            .iter()
            .map(|&(file, start, end)| ByteRange { file, start, end })
            .collect();
        let na = NaValues::new(&spec.na_values);
        let cache = cache
            .filter(|_| spec.cache)
            .map(|c| match spec.cache_limit {
                Some(limit) => c.with_limit(limit),
                None => c,
            });
        let source =
            CsvSource::assemble(spec.files, ranges, spec.sep, spec.header, na, layout, cache)?;
        Ok(CsvSource {
            versions: spec.versions,
            ..source
        })
    }

    /// Everything [`CsvSource::from_spec`] needs to rebuild this source elsewhere.
    pub(crate) fn spec(&self) -> CsvSpec {
        let policy = cache_policy();
        CsvSpec {
            files: self.files.iter().map(|f| absolute(f)).collect(),
            ranges: self
                .ranges
                .iter()
                .map(|r| (r.file, r.start, r.end))
                .collect(),
            sep: self.sep,
            header: self.header,
            na_values: self.na.sorted().into_iter().map(str::to_string).collect(),
            columns: self.layout.columns.clone(),
            types: self.layout.types.iter().map(|t| t.to_string()).collect(),
            declared: self.layout.declared.clone(),
            visible: self.layout.visible.clone(),
            versions: self.versions.clone(),
            cache: self.cache.is_some() && policy.enabled,
            cache_limit: policy.limit,
        }
    }

    fn assemble(
        files: Vec<PathBuf>,
        ranges: Vec<ByteRange>,
        sep: u8,
        header: bool,
        na: NaValues,
        layout: CsvLayout,
        cache: Option<ScanCache>,
    ) -> Result<CsvSource> {
        let null_regex = na.to_regex()?;
        let decode_fields: Vec<Field> = layout
            .columns
            .iter()
            .zip(&layout.types)
            .map(|(name, data_type)| {
                let read_as = match data_type {
                    DataType::Boolean => DataType::Utf8,
                    other => other.clone(),
                };
                Field::new(name, read_as, true)
            })
            .collect();
        let visible_fields: Vec<Field> = layout
            .visible
            .iter()
            .map(|&i| Field::new(&layout.columns[i], layout.types[i].clone(), true))
            .collect();
        let decode_schema = Arc::new(Schema::new(decode_fields));
        let schema = Arc::new(Schema::new(visible_fields));
        let fingerprint = fingerprint(sep, header, &na, &layout.columns);
        Ok(CsvSource {
            files,
            ranges,
            sep,
            header,
            na,
            null_regex,
            layout,
            decode_schema,
            schema,
            cache,
            fingerprint,
            versions: Vec::new(),
        })
    }

    pub(crate) fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The visible columns, without the hidden ordering columns.
    pub(crate) fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    /// What reading a partition in full reads: its byte range of CSV (read from the cache,
    /// it counts the same, so that the progress bar and estimates do not depend on the cache).
    pub(crate) fn partition_bytes(&self, partition: usize) -> u64 {
        self.ranges
            .get(partition)
            .map_or(0, |range| range.end.saturating_sub(range.start))
    }

    pub(crate) fn partition_count(&self) -> usize {
        self.ranges.len()
    }

    /// Reads a partition as [`ReadRequest`] says: its byte range of one file.
    ///
    /// A read goes through the scan cache (see `csv_cache`): the columns cached are read from
    /// their copies, the others parsed (and, in a full read, cached on the way).
    pub(crate) fn read(
        &self,
        request: ReadRequest,
        emit: &mut dyn FnMut(RecordBatch) -> Result<bool>,
    ) -> Result<()> {
        let range = self.range(request.partition)?;
        self.check_unchanged(range.file)?;
        self.read_range(range, request, emit)?;
        // A change during the read may have mixed two versions in what was passed on.
        self.check_unchanged(range.file)
    }

    /// Refuses to read file `file` when it is not the version the table was opened on: a
    /// rewrite in place, during a read or between statements, would otherwise give rows of two
    /// versions, or ranges cut for another size.
    pub(super) fn check_unchanged(&self, file: usize) -> Result<()> {
        let Some(then) = self.versions.get(file) else {
            return Ok(());
        };
        let path = &self.files[file];
        if FileVersion::of(path)? == *then {
            return Ok(());
        }
        Err(changed_while_read(path).with_help(
            "a frame read before the change cuts the old version of the file: \
             run its read_csv again first",
        ))
    }

    /// `read` of one range, through the scan cache when the cache is on.
    fn read_range(
        &self,
        range: ByteRange,
        request: ReadRequest,
        emit: &mut dyn FnMut(RecordBatch) -> Result<bool>,
    ) -> Result<()> {
        match &self.cache {
            Some(cache) if cache_policy().enabled => {
                read_through_cache(self, cache, range, request, emit)
            }
            _ => self.read_parsed(range, request, 0, emit),
        }
    }

    /// The rows of a partition and the missing values of each of visible columns `columns`,
    /// from the scan cache alone (held columns, entries' footers, the notes of columns parsed
    /// once); none unless every column has them, for the file as it was read.
    pub(super) fn cached_nulls(
        &self,
        partition: usize,
        columns: &[usize],
    ) -> Option<(usize, Vec<usize>)> {
        let cache = self.cache.as_ref().filter(|_| cache_policy().enabled)?;
        let range = self.range(partition).ok()?;
        self.check_unchanged(range.file).ok()?;
        let mut rows = None;
        let mut nulls = Vec::with_capacity(columns.len());
        for key in self.column_keys(range, columns)? {
            let (column_rows, column_nulls) = cache.counts(&key)?;
            if *rows.get_or_insert(column_rows) != column_rows {
                return None;
            }
            nulls.push(column_nulls);
        }
        Some((rows?, nulls))
    }

    fn range(&self, partition: usize) -> Result<ByteRange> {
        self.ranges
            .get(partition)
            .copied()
            .ok_or_else(|| DdqError::execution(format!("no CSV partition {partition}")))
    }

    /// The cache keys of visible columns `columns` of a range, as its file is now; none when
    /// the file cannot be looked at. The file is looked at once for all of them.
    pub(super) fn column_keys(
        &self,
        range: ByteRange,
        columns: &[usize],
    ) -> Option<Vec<PartitionKey>> {
        let file = PartitionKey::of(
            &self.files[range.file],
            range.start,
            range.end,
            &self.fingerprint,
        )?;
        let key = |column: usize| {
            let file_column = *self.layout.visible.get(column)?;
            Some(file.with_detail(&format!(
                "column={file_column}: {} read as {} -> {}",
                self.layout.columns[file_column],
                self.decode_schema.field(file_column).data_type(),
                self.schema.field(column).data_type()
            )))
        };
        columns.iter().map(|&c| key(c)).collect()
    }

    /// Parses a range, leaving out its first `skip` rows, naming the file, line, column and
    /// value of any value that does not parse.
    pub(super) fn read_parsed(
        &self,
        range: ByteRange,
        request: ReadRequest,
        skip: usize,
        emit: &mut dyn FnMut(RecordBatch) -> Result<bool>,
    ) -> Result<()> {
        match self.parse(range, request, skip, emit) {
            Ok(_) => Ok(()),
            Err(ParseFailure::Other(e)) => Err(e),
            Err(ParseFailure::Data {
                start,
                end,
                projection,
                cause,
            }) => Err(self.diagnose(&self.files[range.file], start, end, &projection, cause)),
        }
    }

    /// Parses a range's requested columns, leaving out its first `skip` rows: with the fast reader
    /// (`csv_fast`) as far as it goes, then with arrow-csv.
    ///
    /// Matching every field against the missing-value regex is the largest cost of parsing. With
    /// pandas' default missing values it is skipped: arrow-csv then reads only empty fields as
    /// missing, `finish_batch` turns the other missing-value strings of text columns into
    /// nulls, and in any other column they do not parse, so a batch that fails is read again,
    /// from where it starts, with the regex.
    pub(super) fn parse(
        &self,
        range: ByteRange,
        request: ReadRequest,
        skip: usize,
        emit: &mut dyn FnMut(RecordBatch) -> Result<bool>,
    ) -> std::result::Result<Parsed, ParseFailure> {
        let mut attempt = Attempt {
            range,
            request,
            skip,
            with_regex: !self.na.only_pandas_defaults(),
        };
        match self.parse_fast(&attempt, emit)? {
            FastOutcome::Done(parsed) => return Ok(parsed),
            FastOutcome::Unsupported => {}
            FastOutcome::GaveUp { consumed, passed } => attempt.resume(consumed, passed),
        }
        loop {
            match self.parse_attempt(&attempt, emit) {
                Err(ParseAttemptFailure::WithoutRegex { consumed, passed }) => {
                    attempt.resume(consumed, passed);
                    attempt.with_regex = true;
                }
                Err(ParseAttemptFailure::Failed(failure)) => return Err(failure),
                Ok(parsed) => return Ok(parsed),
            }
        }
    }

    /// The fast reader's try at a range: whether it read all of it, gave up part way (the rest
    /// is arrow-csv's), or cannot read these columns at all.
    fn parse_fast(
        &self,
        attempt: &Attempt,
        emit: &mut dyn FnMut(RecordBatch) -> Result<bool>,
    ) -> Result<FastOutcome> {
        let projection = self.file_columns(attempt.request.columns);
        let fields: Vec<Field> = projection
            .iter()
            .map(|&c| Field::new(&self.layout.columns[c], self.layout.types[c].clone(), true))
            .collect();
        let Some(mut reader) = FastReader::new(
            self.sep,
            &self.na,
            &self.layout.types,
            &projection,
            Arc::new(Schema::new(fields)),
            attempt.request.batch_size,
        ) else {
            return Ok(FastOutcome::Unsupported);
        };
        let Some(range) = self.open_range(attempt.range, attempt.request.progress)? else {
            return Ok(FastOutcome::Done(Parsed::Complete));
        };
        let mut delivery = Delivery::new(attempt.skip, attempt.request.limit, emit);
        let header = self.header && range.start == 0;
        let end = reader.run(range.reader, header, &mut |batch| delivery.deliver(batch))?;
        Ok(match end {
            FastEnd::Complete => FastOutcome::Done(Parsed::Complete),
            FastEnd::Stopped => FastOutcome::Done(Parsed::Stopped),
            FastEnd::GaveUp { rows } => FastOutcome::GaveUp {
                consumed: rows.max(attempt.skip),
                passed: delivery.passed,
            },
        })
    }

    /// The file columns behind positions in the visible schema.
    fn file_columns(&self, columns: &[usize]) -> Vec<usize> {
        columns.iter().map(|&c| self.layout.visible[c]).collect()
    }

    /// A reader of a range cut at line boundaries, counting what it reads; none when the range
    /// holds no line.
    fn open_range(
        &self,
        range: ByteRange,
        progress: Option<&Arc<ScanProgress>>,
    ) -> Result<Option<OpenRange>> {
        let path = &self.files[range.file];
        let mut file = File::open(path).map_err(|e| open_error(path, e))?;
        if is_gzip(path) {
            if range.start > 0 {
                return Ok(None); // a file partitioned before it was compressed
            }
            // Compressed bytes are what the bar counts, as partition_bytes does.
            let reader = decompressed(CountingReader::new(file, progress.cloned()));
            let (start, end) = (range.start, range.end);
            return Ok(Some(OpenRange { reader, start, end }));
        }
        let (start, end) = line_bounds(&mut file, range).map_err(|e| open_error(path, e))?;
        if end <= start {
            return Ok(None);
        }
        file.seek(SeekFrom::Start(start))
            .map_err(|e| open_error(path, e))?;
        let reader = Box::new(CountingReader::new(
            file.take(end - start),
            progress.cloned(),
        ));
        Ok(Some(OpenRange { reader, start, end }))
    }

    fn parse_attempt(
        &self,
        attempt: &Attempt,
        emit: &mut dyn FnMut(RecordBatch) -> Result<bool>,
    ) -> std::result::Result<Parsed, ParseAttemptFailure> {
        let path = &self.files[attempt.range.file];
        let Some(OpenRange { reader, start, end }) =
            self.open_range(attempt.range, attempt.request.progress)?
        else {
            return Ok(Parsed::Complete);
        };
        let mut quotes = QuoteTracker::new(reader, self.sep);
        let input = BufReader::with_capacity(READ_BUFFER, &mut quotes);
        let projection = self.file_columns(attempt.request.columns);
        let mut builder = ReaderBuilder::new(Arc::clone(&self.decode_schema))
            .with_header(self.header && start == 0)
            .with_delimiter(self.sep)
            .with_truncated_rows(true)
            .with_batch_size(attempt.request.batch_size.max(1))
            .with_projection(projection.clone());
        if attempt.with_regex {
            builder = builder.with_null_regex(self.null_regex.clone());
        }
        let reader = builder
            .build_buffered(input)
            .map_err(|e| DdqError::input(format!("{}: {e}", display(path))))?;

        let mut delivery = Delivery::new(attempt.skip, attempt.request.limit, emit);
        for batch in reader {
            let batch = match batch.and_then(|b| self.finish_batch(b, &projection)) {
                Ok(batch) => batch,
                Err(_) if !attempt.with_regex => {
                    return Err(ParseAttemptFailure::WithoutRegex {
                        consumed: delivery.consumed.max(attempt.skip),
                        passed: delivery.passed,
                    });
                }
                Err(cause) => {
                    return Err(ParseAttemptFailure::Failed(ParseFailure::Data {
                        start,
                        end,
                        projection,
                        cause,
                    }));
                }
            };
            if !delivery.deliver(batch)? {
                return Ok(Parsed::Stopped);
            }
        }
        match quotes.open_quote() {
            Some(lines) => Err(self
                .unclosed_quote(path, attempt.range, start, lines)
                .into()),
            None => Ok(Parsed::Complete),
        }
    }

    /// The error for a range that ends inside a quoted field opened `lines` line ends after
    /// the range's `start`: an unterminated quote, or, when the range is not the file's last,
    /// maybe a quoted field with line breaks cut at the partition's edge.
    fn unclosed_quote(&self, path: &Path, range: ByteRange, start: u64, lines: u64) -> DdqError {
        let before = line_at(path, start).map_or(0, |line| line - 1);
        let err = DdqError::input(format!(
            "{}:{}: a quoted field starts on this line and is never closed",
            display(path),
            before + lines + 1
        ));
        let last_range = self
            .ranges
            .iter()
            .all(|r| r.file != range.file || r.end <= range.end);
        if last_range {
            err.with_help("close the quote, or double a quote that belongs in the text (\"\")")
        } else {
            err.with_help(
                "close the quote; if quoted fields hold line breaks, read each file as one \
                 partition with blocksize=None",
            )
        }
    }

    /// Gives a batch as arrow-csv decodes it its final form: missing-value strings of text
    /// columns become nulls (the regex may not have run), float NaNs become nulls (pandas
    /// counts them as missing), and bool columns, read as text, become booleans (True/False in
    /// any case, 1/0).
    fn finish_batch(
        &self,
        batch: RecordBatch,
        projection: &[usize],
    ) -> std::result::Result<RecordBatch, ArrowError> {
        let mut columns = Vec::with_capacity(projection.len());
        let mut fields = Vec::with_capacity(projection.len());
        for (array, &c) in batch.columns().iter().zip(projection) {
            let data_type = &self.layout.types[c];
            fields.push(Field::new(&self.layout.columns[c], data_type.clone(), true));
            let array = match data_type {
                DataType::Utf8 => null_na_strings(array, &self.na)?,
                DataType::Boolean => text_to_bools(&null_na_strings(array, &self.na)?)?,
                DataType::Float64 => null_nans::<Float64Type>(array, f64::is_nan),
                DataType::Float32 => null_nans::<Float32Type>(array, f32::is_nan),
                _ => Arc::clone(array),
            };
            columns.push(array);
        }
        let options = datafusion::arrow::array::RecordBatchOptions::new()
            .with_row_count(Some(batch.num_rows()));
        RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)
    }

    /// Finds the value that made parsing fail and says where it is; falls back to arrow's
    /// message (with the file name) if the re-read finds nothing wrong.
    fn diagnose(
        &self,
        path: &Path,
        start: u64,
        end: u64,
        projection: &[usize],
        cause: ArrowError,
    ) -> DdqError {
        match self.find_bad_value(path, start, end, projection) {
            Ok(Some(err)) => err,
            Ok(None) | Err(_) => {
                DdqError::input(format!("{}: {}", display(path), arrow_message(&cause)))
            }
        }
    }

    fn find_bad_value(
        &self,
        path: &Path,
        start: u64,
        end: u64,
        projection: &[usize],
    ) -> std::io::Result<Option<DdqError>> {
        let mut file = File::open(path)?;
        let input = if is_gzip(path) {
            decompressed(file)
        } else {
            file.seek(SeekFrom::Start(start))?;
            Box::new(file.take(end - start))
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.sep)
            .from_reader(BufReader::with_capacity(READ_BUFFER, input));
        let mut record = ByteRecord::new();
        let mut skip_header = self.header && start == 0;
        let width = self.layout.columns.len();
        // A gzip stream is read from its start (see `open_range`), a plain range from `start`.
        let range_start = if is_gzip(path) { 0 } else { start };
        let line = |position: Option<&csv::Position>| {
            line_at(path, range_start + position.map_or(0, |p| p.byte()))
        };
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => return Ok(None),
                Err(e) => {
                    let at = line(e.position())?;
                    return Ok(Some(DdqError::input(format!(
                        "{}:{at}: {e}",
                        display(path)
                    ))));
                }
            }
            if std::mem::take(&mut skip_header) {
                continue;
            }
            if record.len() > width {
                let line = line(record.position())?;
                return Ok(Some(
                    DdqError::input(format!(
                        "{}:{line}: expected {width} fields, found {}",
                        display(path),
                        record.len()
                    ))
                    .with_help("check the separator (sep=) and the quoting of that line"),
                ));
            }
            for &column in projection {
                let Some(bytes) = record.get(column) else {
                    continue;
                };
                if !self.value_is_fine(column, bytes) {
                    let line = line(record.position())?;
                    return Ok(self.check_value(path, line, column, bytes));
                }
            }
        }
    }

    /// Whether a value fits its column (`check_value` says why not; it needs the line, which
    /// takes reading the file again to count).
    fn value_is_fine(&self, column: usize, bytes: &[u8]) -> bool {
        std::str::from_utf8(bytes)
            .is_ok_and(|text| self.na.is_na(text) || value_fits(&self.layout.types[column], text))
    }

    fn check_value(&self, path: &Path, line: u64, column: usize, bytes: &[u8]) -> Option<DdqError> {
        let name = &self.layout.columns[column];
        let Ok(text) = std::str::from_utf8(bytes) else {
            return Some(DdqError::input(format!(
                "{}:{line}: column {name:?}: the value is not valid UTF-8",
                display(path)
            )));
        };
        let data_type = &self.layout.types[column];
        if self.na.is_na(text) || value_fits(data_type, text) {
            return None;
        }
        Some(self.bad_value_error(path, line, column, text))
    }

    fn bad_value_error(&self, path: &Path, line: u64, column: usize, text: &str) -> DdqError {
        let name = &self.layout.columns[column];
        let data_type = &self.layout.types[column];
        // Suggest the narrowest type that would hold the value.
        let fits_float = value_fits(&DataType::Float64, text)
            && matches!(data_type, DataType::Int64 | DataType::Int32);
        let suggested = if fits_float { "float64" } else { "object" };
        let how = format!("declare the column's type with dtype={{{name:?}: \"{suggested}\"}}");
        let help = if self.layout.declared[column] {
            how
        } else {
            format!(
                "the type {} was inferred from a sample of the rows; {how}",
                pandas_dtype(data_type)
            )
        };
        DdqError::input(format!(
            "{}:{line}: column {name:?}: cannot parse {text:?} as {}",
            display(path),
            pandas_dtype(data_type)
        ))
        .with_help(help)
    }
}

/// Everything that decides what a range's columns parse to, besides the file itself and the
/// column's own name and type: the separator, the header, the missing-value strings, and the
/// file's columns, which say where each field lies.
fn fingerprint(sep: u8, header: bool, na: &NaValues, file_columns: &[String]) -> String {
    format!(
        "format=csv-v3\nsep={}\nheader={}\nna={:?}\nfile columns={:?}",
        sep,
        header,
        na.sorted(),
        file_columns
    )
}

/// One try at parsing a range: the request's columns, batch size and progress, its limit less
/// what earlier tries passed on.
struct Attempt<'a> {
    range: ByteRange,
    request: ReadRequest<'a>,
    skip: usize,
    /// Whether arrow-csv matches every field against the missing-value regex.
    with_regex: bool,
}

impl Attempt<'_> {
    /// Goes on after an earlier try that parsed `consumed` rows (skipped ones included) and
    /// passed `passed` of them on.
    fn resume(&mut self, consumed: usize, passed: usize) {
        self.skip = consumed;
        self.request.limit = self.request.limit.map(|l| l - passed);
    }
}

enum ParseAttemptFailure {
    /// A batch did not parse without the regex: `consumed` rows parsed before it (skipped
    /// ones included), `passed` of them were passed on.
    WithoutRegex {
        consumed: usize,
        passed: usize,
    },
    Failed(ParseFailure),
}

impl From<DdqError> for ParseAttemptFailure {
    fn from(e: DdqError) -> Self {
        ParseAttemptFailure::Failed(ParseFailure::Other(e))
    }
}

/// A range cut at line boundaries: a reader of its bytes (counting them for the progress bar)
/// and where it starts and ends in its file.
struct OpenRange {
    reader: Box<dyn Read + Send>,
    start: u64,
    end: u64,
}

/// What the fast reader made of a range.
enum FastOutcome {
    Done(Parsed),
    /// It cannot parse these columns (a type or missing values it does not handle).
    Unsupported,
    /// It gave up after `consumed` rows of the range (skipped ones included), `passed` of
    /// them passed on.
    GaveUp {
        consumed: usize,
        passed: usize,
    },
}

/// Passes a range's parsed batches on, leaving out its first `skip` rows and stopping after
/// `limit` rows.
struct Delivery<'e> {
    skip: usize,
    limit: Option<usize>,
    /// Rows parsed, skipped ones included.
    consumed: usize,
    /// Rows passed on.
    passed: usize,
    emit: &'e mut dyn FnMut(RecordBatch) -> Result<bool>,
}

impl<'e> Delivery<'e> {
    fn new(
        skip: usize,
        limit: Option<usize>,
        emit: &'e mut dyn FnMut(RecordBatch) -> Result<bool>,
    ) -> Delivery<'e> {
        Delivery {
            skip,
            limit,
            consumed: 0,
            passed: 0,
            emit,
        }
    }

    /// Passes on the part of the next batch that is wanted; false once nothing more is (the
    /// consumer stopped listening, or the limit was reached).
    fn deliver(&mut self, batch: RecordBatch) -> Result<bool> {
        self.consumed += batch.num_rows();
        let skipped = self.skip.min(batch.num_rows());
        self.skip -= skipped;
        let wanted = self.limit.map_or(usize::MAX, |l| l - self.passed);
        let rows = (batch.num_rows() - skipped).min(wanted);
        let batch = batch.slice(skipped, rows);
        self.passed += rows;
        if rows > 0 && !(self.emit)(batch)? {
            return Ok(false);
        }
        Ok(self.limit.is_none_or(|l| self.passed < l))
    }
}

/// How parsing a range ended when it did not fail.
pub(super) enum Parsed {
    /// The whole range was read.
    Complete,
    /// The consumer stopped listening, or the limit was reached.
    Stopped,
}

/// Why parsing a range failed: a value that does not parse (diagnosed by the caller, who may
/// also try without the column), or anything else.
pub(super) enum ParseFailure {
    Data {
        start: u64,
        end: u64,
        projection: Vec<usize>,
        cause: ArrowError,
    },
    Other(DdqError),
}

impl From<DdqError> for ParseFailure {
    fn from(e: DdqError) -> Self {
        ParseFailure::Other(e)
    }
}

fn check_options(options: &CsvOptions) -> Result<()> {
    if options.blocksize == 0 {
        return Err(DdqError::input(
            "blocksize must be a positive number of bytes",
        ));
    }
    if matches!(options.sep, b'\n' | b'\r' | b'"') {
        return Err(DdqError::input(format!(
            "sep={:?} cannot be used as a field separator",
            char::from(options.sep)
        )));
    }
    Ok(())
}

/// Partitions one scan may have. Each costs a task and a few kilobytes of bookkeeping, so a
/// `blocksize` far below a row's length (`blocksize=1`) would run for minutes doing nothing.
const MAX_PARTITIONS: u64 = 100_000;

/// Refuses a `blocksize` that cuts the files into more than `MAX_PARTITIONS` partitions.
fn check_partition_count(sizes: &[u64], blocksize: u64) -> Result<()> {
    let partitions: u64 = sizes.iter().map(|s| s.div_ceil(blocksize).max(1)).sum();
    if partitions <= MAX_PARTITIONS {
        return Ok(());
    }
    let total: u64 = sizes.iter().sum();
    let smallest = total.div_ceil(MAX_PARTITIONS).max(1);
    Err(DdqError::input(format!(
        "blocksize={blocksize} cuts {total} bytes of CSV into {partitions} partitions; ddq reads at most {MAX_PARTITIONS}"
    ))
    .with_help(format!(
        "use a blocksize of at least {smallest} bytes, or leave it out (64 MB, as Dask)"
    )))
}

/// The byte ranges of one file: `blocksize` bytes each, at least one per file (even if empty).
fn split_file(file: usize, size: u64, blocksize: u64) -> impl Iterator<Item = ByteRange> {
    let count = size.div_ceil(blocksize).max(1);
    (0..count).map(move |i| ByteRange {
        file,
        start: i * blocksize,
        end: ((i + 1) * blocksize).min(size),
    })
}

/// Where a range really starts and ends once cut at newlines (see the module comment).
fn line_bounds(file: &mut File, range: ByteRange) -> std::io::Result<(u64, u64)> {
    let size = file.metadata()?.len();
    let start = line_start_at(file, range.start, size)?;
    let end = line_start_at(file, range.end, size)?;
    Ok((start, end))
}

/// The position just after the first newline at or after `offset` (0 stays 0; end of file if
/// there is no newline).
fn line_start_at(file: &mut File, offset: u64, size: u64) -> std::io::Result<u64> {
    if offset == 0 || offset >= size {
        return Ok(offset.min(size));
    }
    file.seek(SeekFrom::Start(offset))?;
    let mut buffer = vec![0u8; SEEK_BUFFER];
    let mut position = offset;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            return Ok(position);
        }
        if let Some(i) = buffer[..read].iter().position(|&b| b == b'\n') {
            return Ok(position + i as u64 + 1);
        }
        position += read as u64;
    }
}

/// Newlines before `offset`: only counted when an error needs a line number.
/// The line (from 1) of the record starting at byte `offset` of `path`'s text (decompressed
/// when it is gzip), counting `\n`, `\r\n` and a lone `\r` as one line end each. The csv
/// crate's own line numbers count `\n` only, and a record after `\r\n` starts at its `\n`,
/// before the count: one short on every line of a CRLF file.
fn line_at(path: &Path, offset: u64) -> std::io::Result<u64> {
    let file = File::open(path)?;
    let input = if is_gzip(path) {
        decompressed(file)
    } else {
        Box::new(file) as Box<dyn Read + Send>
    };
    let mut input = BufReader::with_capacity(READ_BUFFER, input.take(offset));
    let mut buffer = vec![0u8; READ_BUFFER];
    let (mut line_ends, mut after_cr) = (0u64, false);
    loop {
        let read = input.read(&mut buffer)?;
        if read == 0 {
            return Ok(line_ends + 1);
        }
        for &b in &buffer[..read] {
            line_ends += u64::from(b == b'\r' || (b == b'\n' && !after_cr));
            after_cr = b == b'\r';
        }
    }
}

/// Text with its missing-value strings as nulls.
fn null_na_strings(array: &ArrayRef, na: &NaValues) -> std::result::Result<ArrayRef, ArrowError> {
    let text = array.as_string_opt::<i32>().ok_or_else(|| {
        ArrowError::CastError(format!("expected text, got {}", array.data_type()))
    })?;
    if !text.iter().flatten().any(|s| na.is_na(s)) {
        return Ok(Arc::clone(array));
    }
    let kept: StringArray = text.iter().map(|v| v.filter(|s| !na.is_na(s))).collect();
    Ok(Arc::new(kept))
}

/// Floats with their NaNs as nulls.
fn null_nans<T: ArrowPrimitiveType>(array: &ArrayRef, is_nan: fn(T::Native) -> bool) -> ArrayRef {
    let Some(floats) = array.as_primitive_opt::<T>() else {
        return Arc::clone(array);
    };
    if !floats.values().iter().any(|&v| is_nan(v)) {
        return Arc::clone(array);
    }
    let kept: PrimitiveArray<T> = floats.iter().map(|v| v.filter(|&x| !is_nan(x))).collect();
    Arc::new(kept)
}

fn text_to_bools(array: &ArrayRef) -> std::result::Result<ArrayRef, ArrowError> {
    let text = array.as_string_opt::<i32>().ok_or_else(|| {
        ArrowError::CastError(format!(
            "expected text for a bool column, got {}",
            array.data_type()
        ))
    })?;
    let mut bools = BooleanBuilder::with_capacity(text.len());
    for value in text.iter() {
        match value {
            None => bools.append_null(),
            Some(s) => match parse_bool(s) {
                Some(b) => bools.append_value(b),
                None => {
                    return Err(ArrowError::ParseError(format!(
                        "cannot parse {s:?} as bool"
                    )));
                }
            },
        }
    }
    Ok(Arc::new(bools.finish()))
}

/// Arrow's message without its "Parser error: " style prefix.
fn arrow_message(err: &ArrowError) -> String {
    match err {
        ArrowError::ParseError(m) | ArrowError::CsvError(m) | ArrowError::CastError(m) => m.clone(),
        other => other.to_string(),
    }
}
