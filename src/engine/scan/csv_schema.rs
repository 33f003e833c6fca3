//! Decides a CSV table's columns and their types the way pandas would: column names from the
//! header (deduplicated as pandas does), types inferred from a sample spread through EVERY file,
//! declared `dtype`s on top, `usecols` choosing the visible ones.
//!
//! Why a spread sample: Dask infers from the head of the first file only, so a column whose
//! first missing value sits deep in the data is typed int64 and the query fails late. Sampling
//! the head plus chunks at evenly spaced offsets of every file catches most such columns early.

use super::dtype::{NaValues, value_fits};
use super::files::display;
use super::gzip::{decompressed, starts_gzip};
use super::sniff::{SNIFF_BYTES, check_start};
use crate::error::{DdqError, Result};
use crate::plan::sources::{CsvOptions, PART_COLUMN, ROW_COLUMN};
use csv::ByteRecord;
use datafusion::arrow::datatypes::DataType;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Rows read from the top of each file.
const HEAD_ROWS: usize = 1_000;
/// Size of each chunk sampled further into a file.
const CHUNK_BYTES: u64 = 64 * 1024;
/// How many chunks are sampled per file beyond its head.
const CHUNKS_PER_FILE: u64 = 8;
/// Decompressed bytes sampled from the start of a gzip file (it has no offsets to jump to).
const GZIP_SAMPLE_BYTES: u64 = 16 << 20;

/// The columns of a CSV table, indexed by their position in the files.
#[derive(Debug, Clone)]
pub(crate) struct CsvLayout {
    /// Every column in the files, with the name the table uses for it.
    pub columns: Vec<String>,
    /// The type each column is read as (Utf8 for columns `usecols` drops: they are never parsed).
    pub types: Vec<DataType>,
    /// Whether the type came from `dtype=` rather than inference (changes the error hint).
    pub declared: Vec<bool>,
    /// File positions of the columns the table shows, in file order.
    pub visible: Vec<usize>,
}

/// Reads the header and a sample of every file and decides the table's columns.
pub(crate) fn plan_layout(
    files: &[PathBuf],
    options: &CsvOptions,
    na: &NaValues,
) -> Result<CsvLayout> {
    let probes = probe_files(files, options, na)?;
    let (first_path, first) = probes
        .iter()
        .zip(files)
        .find_map(|(probe, path)| probe.as_ref().map(|p| (path, p)))
        .ok_or_else(|| {
            DdqError::input(format!("{}: the file is empty", display(&files[0])))
                .with_help("pandas raises EmptyDataError here: there are no columns to read")
        })?;
    let mut samples = vec![ColumnSample::default(); first.header.len()];
    for (probe, path) in probes.iter().zip(files) {
        let Some(probe) = probe else { continue };
        check_same_header(
            first_path,
            &first.header,
            path,
            &probe.header,
            options.header,
        )?;
        for (total, sample) in samples.iter_mut().zip(&probe.samples) {
            total.merge(sample);
        }
    }
    let columns = column_names(&first.header, options.header);
    let inferred: Vec<DataType> = samples.iter().map(ColumnSample::inferred_type).collect();
    build_layout(columns, inferred, options, first_path)
}

/// Applies `usecols` and `dtype` to the named, inferred columns.
fn build_layout(
    columns: Vec<String>,
    inferred: Vec<DataType>,
    options: &CsvOptions,
    first_path: &Path,
) -> Result<CsvLayout> {
    let position: HashMap<&str, usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let unknown_column = |name: &str, keyword: &str| {
        DdqError::unknown(format!(
            "{keyword} names column {name:?}, which is not in {}",
            display(first_path)
        ))
        .suggest(name, columns.iter().map(String::as_str))
    };

    let visible: Vec<usize> = match &options.usecols {
        None => (0..columns.len()).collect(),
        Some(wanted) => {
            let mut keep = HashSet::new();
            for name in wanted {
                let index = position
                    .get(name.as_str())
                    .ok_or_else(|| unknown_column(name, "usecols"))?;
                keep.insert(*index);
            }
            (0..columns.len()).filter(|i| keep.contains(i)).collect()
        }
    };

    let mut types: Vec<DataType> = columns.iter().map(|_| DataType::Utf8).collect();
    for &index in &visible {
        types[index] = inferred[index].clone();
    }
    let mut declared = vec![false; columns.len()];
    for (name, data_type) in &options.dtype {
        let index = *position
            .get(name.as_str())
            .ok_or_else(|| unknown_column(name, "dtype"))?;
        types[index] = data_type.clone();
        declared[index] = true;
    }

    for &index in &visible {
        let name = &columns[index];
        if name == PART_COLUMN || name == ROW_COLUMN {
            return Err(DdqError::input(format!(
                "{} has a column named {name:?}, a name ddq reserves for row order",
                display(first_path)
            ))
            .with_help("drop it with usecols=[...]"));
        }
    }
    Ok(CsvLayout {
        columns,
        types,
        declared,
        visible,
    })
}

/// Column names as pandas gives them: header text, "Unnamed: i" for blanks, ".1", ".2" suffixes
/// for repeats; or "0", "1", ... without a header.
fn column_names(header: &[String], has_header: bool) -> Vec<String> {
    if !has_header {
        return (0..header.len()).map(|i| i.to_string()).collect();
    }
    let mut taken: HashSet<String> = HashSet::new();
    let mut repeats: HashMap<String, usize> = HashMap::new();
    let mut names = Vec::with_capacity(header.len());
    for (i, raw) in header.iter().enumerate() {
        let base = if raw.is_empty() {
            format!("Unnamed: {i}")
        } else {
            raw.clone()
        };
        let mut name = base.clone();
        while taken.contains(&name) {
            let count = repeats.entry(base.clone()).or_insert(0);
            *count += 1;
            name = format!("{base}.{count}");
        }
        taken.insert(name.clone());
        names.push(name);
    }
    names
}

fn check_same_header(
    first_path: &Path,
    first: &[String],
    path: &Path,
    header: &[String],
    has_header: bool,
) -> Result<()> {
    if first == header {
        return Ok(());
    }
    let (a, b) = (display(first_path), display(path));
    if !has_header || first.len() != header.len() {
        return Err(DdqError::input(format!(
            "{b} has {} columns but {a} has {}",
            header.len(),
            first.len()
        ))
        .with_help("every file of a table must have the same columns"));
    }
    let (index, (expected, found)) = first
        .iter()
        .zip(header)
        .enumerate()
        .find(|(_, (x, y))| x != y)
        .unwrap_or((0, (&first[0], &header[0])));
    Err(DdqError::input(format!(
        "the header of {b} differs from {a}: column {} is {found:?} in {b} but {expected:?} in {a}",
        index + 1
    ))
    .with_help("every file of a table must have the same columns, in the same order"))
}

/// What one file contributed: its header (None for an empty file) and per-column observations.
struct FileProbe {
    header: Vec<String>,
    samples: Vec<ColumnSample>,
}

/// Probes files on several threads (probing is mostly waiting for the disk), keeping file order.
fn probe_files(
    files: &[PathBuf],
    options: &CsvOptions,
    na: &NaValues,
) -> Result<Vec<Option<FileProbe>>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len())
        .max(1);
    let per_thread = files.len().div_ceil(threads);
    let results: Vec<Result<Vec<Option<FileProbe>>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(per_thread.max(1))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|path| probe_file(path, options, na))
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(DdqError::execution("a file probe thread panicked")))
            })
            .collect()
    });
    let mut probes = Vec::with_capacity(files.len());
    for result in results {
        probes.extend(result?);
    }
    Ok(probes)
}

fn csv_reader<R: Read>(sep: u8, input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sep)
        .from_reader(input)
}

pub(crate) fn open_error(path: &Path, err: std::io::Error) -> DdqError {
    if err.kind() == std::io::ErrorKind::NotFound {
        let err = DdqError::input(format!("file not found: {}", display(path)));
        match super::remote::is_copy(path) {
            true => err.with_help(super::remote::MISSING_COPY_HELP),
            false => err,
        }
    } else {
        DdqError::input(format!("cannot read {}: {err}", display(path)))
    }
}

fn csv_error(path: &Path, err: csv::Error) -> DdqError {
    match err.position() {
        Some(pos) => DdqError::input(format!("{}:{}: {err}", display(path), pos.line())),
        None => DdqError::input(format!("{}: {err}", display(path))),
    }
}

/// Reads the header, the first `HEAD_ROWS` rows and `CHUNKS_PER_FILE` chunks spread over the rest
/// (of a gzip file, which cannot be entered in the middle: its first `GZIP_SAMPLE_BYTES`).
fn probe_file(path: &Path, options: &CsvOptions, na: &NaValues) -> Result<Option<FileProbe>> {
    let mut file = File::open(path).map_err(|e| open_error(path, e))?;
    let size = file.metadata().map_err(|e| open_error(path, e))?.len();
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let read = (&mut file).take(SNIFF_BYTES as u64).read_to_end(&mut head);
    read.and_then(|_| file.seek(SeekFrom::Start(0)))
        .map_err(|e| open_error(path, e))?;
    check_start(path, &head)?;
    if starts_gzip(&head) {
        let text = BufReader::new(decompressed(file));
        let mut reader = csv_reader(options.sep, text);
        return probe_head(
            path,
            &mut reader,
            options,
            na,
            (usize::MAX, GZIP_SAMPLE_BYTES),
        )
        .map(|probe| probe.map(|(header, samples)| FileProbe { header, samples }));
    }
    let mut reader = csv_reader(options.sep, BufReader::new(file));
    let Some((header, mut samples)) =
        probe_head(path, &mut reader, options, na, (HEAD_ROWS, u64::MAX))?
    else {
        return Ok(None);
    };
    let head_end = reader.position().byte();
    let mut file = reader.into_inner().into_inner();
    for chunk in chunk_spans(head_end, size) {
        sample_chunk(&mut file, chunk, size, options.sep, &mut samples, na)
            .map_err(|e| open_error(path, e))?;
    }
    Ok(Some(FileProbe { header, samples }))
}

/// The header and what the rows after it show, up to `limit`: a number of rows and of bytes,
/// whichever comes first; none for an empty file.
fn probe_head<R: Read>(
    path: &Path,
    reader: &mut csv::Reader<R>,
    options: &CsvOptions,
    na: &NaValues,
    limit: (usize, u64),
) -> Result<Option<(Vec<String>, Vec<ColumnSample>)>> {
    let mut record = ByteRecord::new();
    if !reader
        .read_byte_record(&mut record)
        .map_err(|e| csv_error(path, e))?
    {
        return Ok(None);
    }
    let header = header_names(path, &record)?;
    let mut samples = vec![ColumnSample::default(); header.len()];
    if !options.header {
        observe(&mut samples, &record, na);
    }
    let mut rows = 0;
    while rows < limit.0
        && reader.position().byte() < limit.1
        && reader
            .read_byte_record(&mut record)
            .map_err(|e| csv_error(path, e))?
    {
        observe(&mut samples, &record, na);
        rows += 1;
    }
    Ok(Some((header, samples)))
}

/// The first record's fields as text, without a UTF-8 byte-order mark. Names that are not
/// UTF-8 are refused, as pandas refuses them, rather than shown as replacement characters.
fn header_names(path: &Path, record: &ByteRecord) -> Result<Vec<String>> {
    let mut names = Vec::with_capacity(record.len());
    for (i, field) in record.iter().enumerate() {
        let text = std::str::from_utf8(field).map_err(|e| {
            let byte = field[e.valid_up_to()];
            DdqError::input(format!(
                "{}:1: field {} of the first line is not UTF-8 text (byte 0x{byte:02x})",
                display(path),
                i + 1
            ))
            .with_help("ddq reads UTF-8 CSV; convert the file, e.g. iconv -f LATIN1 -t UTF-8")
        })?;
        let text = if i == 0 {
            text.trim_start_matches('\u{feff}')
        } else {
            text
        };
        names.push(text.to_string());
    }
    Ok(names)
}

/// A byte span to sample; `at_record_start` is false when it may begin mid-line.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ChunkSpan {
    offset: u64,
    len: u64,
    at_record_start: bool,
}

/// Chunks evenly spaced over `[head_end, size)`, the last one ending at the end of the file
/// (missing values often cluster at the end, e.g. a late month in a date-ordered file).
fn chunk_spans(head_end: u64, size: u64) -> Vec<ChunkSpan> {
    let remaining = size.saturating_sub(head_end);
    if remaining == 0 {
        return Vec::new();
    }
    if remaining <= CHUNK_BYTES * CHUNKS_PER_FILE {
        return vec![ChunkSpan {
            offset: head_end,
            len: remaining,
            at_record_start: true,
        }];
    }
    let spread = remaining - CHUNK_BYTES;
    (0..CHUNKS_PER_FILE)
        .map(|i| ChunkSpan {
            offset: head_end + spread * i / (CHUNKS_PER_FILE - 1),
            len: CHUNK_BYTES,
            at_record_start: i == 0,
        })
        .collect()
}

fn sample_chunk(
    file: &mut File,
    chunk: ChunkSpan,
    size: u64,
    sep: u8,
    samples: &mut [ColumnSample],
    na: &NaValues,
) -> std::io::Result<()> {
    file.seek(SeekFrom::Start(chunk.offset))?;
    let mut bytes = Vec::with_capacity(chunk.len as usize);
    file.by_ref().take(chunk.len).read_to_end(&mut bytes)?;
    let reached_eof = chunk.offset + bytes.len() as u64 >= size;
    let start = if chunk.at_record_start {
        0
    } else {
        match bytes.iter().position(|&b| b == b'\n') {
            Some(i) => i + 1,
            None => return Ok(()),
        }
    };
    let end = if reached_eof {
        bytes.len()
    } else {
        match bytes.iter().rposition(|&b| b == b'\n') {
            Some(i) if i + 1 > start => i + 1,
            _ => return Ok(()),
        }
    };
    let mut reader = csv_reader(sep, &bytes[start..end]);
    let mut record = ByteRecord::new();
    // A chunk can start inside a quoted field; a malformed record there says nothing about types.
    while let Ok(true) = reader.read_byte_record(&mut record) {
        observe(samples, &record, na);
    }
    Ok(())
}

fn observe(samples: &mut [ColumnSample], record: &ByteRecord, na: &NaValues) {
    for (index, sample) in samples.iter_mut().enumerate() {
        match record.get(index) {
            Some(field) => sample.observe(field, na),
            // pandas fills the missing fields of a short row with NaN.
            None => sample.missing = true,
        }
    }
}

/// An integer as text: digits after an optional sign.
fn is_integer_text(value: &str) -> bool {
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// What kinds of values one column has shown so far.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct ColumnSample {
    ints: bool,
    /// A negative integer (with `big_ints`, pandas gives up on uint64).
    negative: bool,
    /// Integers past int64 that fit uint64.
    big_ints: bool,
    /// Integers past uint64 (or below int64): pandas keeps them as text.
    huge_ints: bool,
    floats: bool,
    bools: bool,
    text: bool,
    missing: bool,
}

impl ColumnSample {
    fn observe(&mut self, field: &[u8], na: &NaValues) {
        if self.text {
            return; // nothing can change the answer any more
        }
        let Ok(value) = std::str::from_utf8(field) else {
            self.text = true;
            return;
        };
        if na.is_na(value) {
            self.missing = true;
        } else if value_fits(&DataType::Int64, value) {
            self.ints = true;
            self.negative |= value.starts_with('-');
        } else if is_integer_text(value) {
            // Read as a float it would lose digits without a word; pandas does not.
            match value.trim_start_matches('+').parse::<u64>() {
                Ok(_) => self.big_ints = true,
                Err(_) => self.huge_ints = true,
            }
        } else if value_fits(&DataType::Float64, value) {
            self.floats = true;
        } else if value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false") {
            self.bools = true;
        } else {
            self.text = true;
        }
    }

    fn merge(&mut self, other: &ColumnSample) {
        self.ints |= other.ints;
        self.negative |= other.negative;
        self.big_ints |= other.big_ints;
        self.huge_ints |= other.huge_ints;
        self.floats |= other.floats;
        self.bools |= other.bools;
        self.text |= other.text;
        self.missing |= other.missing;
    }

    /// pandas' rules: ints with a missing value become float64 (NaN has no int), booleans with a
    /// missing value or mixed with numbers become object, and an all-missing column is float64.
    fn inferred_type(&self) -> DataType {
        let numbers = self.ints || self.floats || self.big_ints || self.huge_ints;
        if self.text || self.huge_ints || (self.bools && numbers) {
            DataType::Utf8
        } else if self.big_ints {
            // pandas: uint64, unless a float makes it float64 or a sign or a gap object.
            if self.floats {
                DataType::Float64
            } else if self.negative || self.missing {
                DataType::Utf8
            } else {
                DataType::UInt64
            }
        } else if self.bools {
            if self.missing {
                DataType::Utf8
            } else {
                DataType::Boolean
            }
        } else if self.floats || (self.ints && self.missing) {
            DataType::Float64
        } else if self.ints {
            DataType::Int64
        } else if self.missing {
            DataType::Float64
        } else {
            DataType::Utf8 // no rows at all: pandas gives object
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;
    use std::io::Write as _;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        let mut file = File::create(&path).expect("create");
        file.write_all(text.as_bytes()).expect("write");
        path
    }

    fn layout_of(files: &[PathBuf], options: &CsvOptions) -> Result<CsvLayout> {
        plan_layout(files, options, &NaValues::new(&options.na_values))
    }

    #[test]
    fn infers_like_pandas() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = "i,f,ni,b,nb,s,e,mix\n\
                    1,1.5,1,True,true,x,,1\n\
                    2,2,NA,false,,y,NaN,True\n\
                    -3,1e3,3,FALSE,false,1,,2\n";
        let path = write(dir.path(), "a.csv", text);
        let layout = layout_of(&[path], &CsvOptions::default()).expect("layout");
        use DataType::*;
        assert_eq!(
            layout.types,
            [Int64, Float64, Float64, Boolean, Utf8, Utf8, Float64, Utf8]
        );
    }

    #[test]
    fn integers_past_int64_keep_their_digits_like_pandas() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = "u,huge,signed,gap,float\n\
                    18446744073709551615,99999999999999999999999,9223372036854775808,9223372036854775808,9223372036854775808\n\
                    1,1,-1,,1.5\n";
        let path = write(dir.path(), "a.csv", text);
        let layout = layout_of(&[path], &CsvOptions::default()).expect("layout");
        use DataType::*;
        assert_eq!(layout.types, [UInt64, Utf8, Utf8, Utf8, Float64]);
    }

    #[test]
    fn a_missing_value_deep_in_a_large_file_makes_the_column_float() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut text = String::from("id,delay,word\n");
        let rows = 200_000;
        for i in 0..rows {
            let delay = if i == rows - 10 {
                String::new()
            } else {
                (i % 97).to_string()
            };
            writeln!(text, "{i},{delay},w{i}").expect("fmt");
        }
        assert!(text.len() as u64 > 4 * CHUNK_BYTES * CHUNKS_PER_FILE);
        let path = write(dir.path(), "big.csv", &text);
        let layout = layout_of(&[path], &CsvOptions::default()).expect("layout");
        assert_eq!(
            layout.types,
            [DataType::Int64, DataType::Float64, DataType::Utf8]
        );
    }

    #[test]
    fn every_file_is_sampled() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = write(dir.path(), "a.csv", "x,y\n1,1\n2,2\n");
        let b = write(dir.path(), "b.csv", "x,y\n3,\n4,oops\n");
        let layout = layout_of(&[a, b], &CsvOptions::default()).expect("layout");
        assert_eq!(layout.types, [DataType::Int64, DataType::Utf8]);
    }

    #[test]
    fn dtype_overrides_and_usecols_selects() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write(dir.path(), "a.csv", "a,b,c\n1,2,3\n");
        let options = CsvOptions {
            usecols: Some(vec!["c".to_string(), "a".to_string()]),
            dtype: vec![("a".to_string(), DataType::Utf8)],
            ..CsvOptions::default()
        };
        let layout = layout_of(&[path], &options).expect("layout");
        assert_eq!(layout.visible, [0, 2]);
        assert_eq!(layout.types[0], DataType::Utf8);
        assert!(layout.declared[0] && !layout.declared[2]);
        assert_eq!(layout.types[2], DataType::Int64);
    }

    #[test]
    fn unknown_usecols_and_dtype_names_are_errors_with_suggestions() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write(dir.path(), "a.csv", "Origin,Dest\nA,B\n");
        let options = CsvOptions {
            usecols: Some(vec!["Orign".to_string()]),
            ..CsvOptions::default()
        };
        let err = layout_of(std::slice::from_ref(&path), &options).expect_err("unknown");
        assert!(
            err.message.contains("usecols names column \"Orign\""),
            "{}",
            err.message
        );
        assert_eq!(err.help.as_deref(), Some("did you mean `Origin`?"));
        let options = CsvOptions {
            dtype: vec![("Dst".to_string(), DataType::Utf8)],
            ..CsvOptions::default()
        };
        let err = layout_of(&[path], &options).expect_err("unknown");
        assert!(
            err.message.starts_with("dtype names column \"Dst\""),
            "{}",
            err.message
        );
    }

    #[test]
    fn names_are_deduplicated_like_pandas() {
        let header: Vec<String> = ["a", "a", "", "a.1", "b"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            column_names(&header, true),
            ["a", "a.1", "Unnamed: 2", "a.1.1", "b"]
        );
        assert_eq!(column_names(&header, false), ["0", "1", "2", "3", "4"]);
    }

    #[test]
    fn headers_that_differ_name_both_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = write(dir.path(), "a.csv", "x,y\n1,2\n");
        let b = write(dir.path(), "b.csv", "x,z\n1,2\n");
        let err = layout_of(&[a.clone(), b.clone()], &CsvOptions::default()).expect_err("mismatch");
        assert!(err.message.contains(&display(&a)), "{}", err.message);
        assert!(err.message.contains(&display(&b)), "{}", err.message);
        assert!(err.message.contains("\"z\""), "{}", err.message);
    }

    #[test]
    fn headerless_files_use_numbered_columns() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write(dir.path(), "a.csv", "1,x\n2,y\n");
        let options = CsvOptions {
            header: false,
            ..CsvOptions::default()
        };
        let layout = layout_of(&[path], &options).expect("layout");
        assert_eq!(layout.columns, ["0", "1"]);
        assert_eq!(layout.types, [DataType::Int64, DataType::Utf8]);
    }

    #[test]
    fn chunks_cover_the_tail() {
        let spans = chunk_spans(100, 100 + 100 * CHUNK_BYTES);
        assert_eq!(spans.len() as u64, CHUNKS_PER_FILE);
        let last = spans[spans.len() - 1];
        assert_eq!(last.offset + last.len, 100 + 100 * CHUNK_BYTES);
        assert_eq!(chunk_spans(100, 100), []);
        assert_eq!(chunk_spans(100, 200).len(), 1);
    }
}
