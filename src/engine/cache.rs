//! The scan cache: a columnar copy (an Arrow IPC file) of every CSV partition ddq has parsed in
//! full, so a repeated statement over the same files reads Arrow instead of parsing CSV again.
//!
//! An entry is keyed by the source file (absolute path, size, modification time), the partition's
//! byte range and a fingerprint of how it was parsed (visible columns and their types, separator,
//! header, missing-value strings). Entries live in one directory per source file, named by a hash
//! of its path, as `SIZE-MTIME-START-END-HASH.arrow`; the full key is also written into the
//! file's footer and checked on every read, so a hash collision is a miss, never a wrong answer.
//! A changed source file (size or mtime) makes its old entries stale; they are removed when the
//! directory is next visited (a miss on that file, `cache`, `cache clear`).
//!
//! Writing is best effort: an entry is written under a temporary name and renamed only once the
//! whole partition was parsed, and any error writing it (disk full, read-only directory) turns
//! the cache off for the process with one warning on stderr instead of failing the query.

use crate::config::size::format_size;
use crate::engine::progress::ScanProgress;
use crate::error::{DdqError, Result};
use crate::output::temporary::{JOURNAL_SUBDIR, sweep_journal};
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, MutableArrayData, RecordBatch, RecordBatchOptions, make_array,
};
use datafusion::arrow::buffer::Buffer;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::ipc::convert::fb_to_schema;
use datafusion::arrow::ipc::reader::{FileDecoder, read_footer_length};
use datafusion::arrow::ipc::writer::FileWriter;
use datafusion::arrow::ipc::{Block, root_as_footer};
use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, ErrorKind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Environment variable naming the cache directory (tests point it at a temporary directory).
pub const CACHE_DIR_ENV: &str = "DDQ_CACHE_DIR";
/// Footer metadata: the full key of an entry.
const KEY_METADATA: &str = "ddq.key";
/// Footer metadata: the absolute path of the source file, for `cache`.
const SOURCE_METADATA: &str = "ddq.source";
/// Footer metadata: how many columns an entry holds (a narrower read copies what it keeps).
const WIDTH_METADATA: &str = "ddq.columns";
const ENTRY_EXTENSION: &str = "arrow";
const TEMP_EXTENSION: &str = "tmp";
/// Subdirectory for the spill files of persisted frames (see `persist.rs`).
pub const PERSIST_SUBDIR: &str = "persist";
/// Subdirectory for the local copies of `s3://` and `https://` objects (see `scan::remote`).
pub const REMOTE_SUBDIR: &str = "remote";
/// The extension of the file beside each copy that records the object's version.
pub(crate) const REMOTE_VERSION_EXTENSION: &str = "version";

/// The name of this process's spill file number `n`: it starts with the process id, so that
/// `cache clear` can tell a running process's spills (see `spilled_by_another_running_process`).
pub(crate) fn spill_file_name(n: u64) -> String {
    format!("{}-{n}.arrow", std::process::id())
}
/// A temporary file this old belongs to a writer that died; younger ones may still be written.
const ABANDONED_AFTER: Duration = Duration::from_secs(3600);

/// Cache directories a write failed in: they are left alone for the rest of the process.
static FAILED_DIRS: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
/// Distinguishes temporary files written by one process at the same time.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The directory the cache lives in: `$DDQ_CACHE_DIR`, else `$XDG_CACHE_HOME/ddq/scans`, else
/// `~/.cache/ddq/scans`; none when there is no home directory either.
pub fn default_dir() -> Option<PathBuf> {
    let from_env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = from_env(CACHE_DIR_ENV) {
        return Some(PathBuf::from(dir));
    }
    if let Some(xdg) = from_env("XDG_CACHE_HOME") {
        return Some(PathBuf::from(xdg).join("ddq").join("scans"));
    }
    dirs::home_dir().map(|home| home.join(".cache").join("ddq").join("scans"))
}

/// Says once per process and directory that the cache cannot be written there, and stops
/// writing it.
fn warn_once(dir: &Path, error: &dyn std::fmt::Display) {
    let Ok(mut failed) = FAILED_DIRS.lock() else {
        return;
    };
    if failed
        .get_or_insert_with(HashSet::new)
        .insert(dir.to_path_buf())
    {
        eprintln!(
            "warning: cannot write the scan cache in {}: {error}; going on without caching",
            dir.display()
        );
    }
}

fn writes_disabled(dir: &Path) -> bool {
    FAILED_DIRS.lock().map_or(true, |failed| {
        failed.as_ref().is_some_and(|f| f.contains(dir))
    })
}

/// Identifies one parsed partition of one version of a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PartitionKey {
    source: PathBuf,
    size: u64,
    mtime_ns: u128,
    start: u64,
    end: u64,
    fingerprint: String,
}

impl PartitionKey {
    /// The key of `path`'s byte range `[start, end)` as the file is now; none if the file
    /// cannot be looked at or has no modification time.
    pub(crate) fn of(path: &Path, start: u64, end: u64, fingerprint: &str) -> Option<Self> {
        let metadata = std::fs::metadata(path).ok()?;
        let source = std::fs::canonicalize(path)
            .or_else(|_| std::path::absolute(path))
            .ok()?;
        Some(PartitionKey {
            source,
            size: metadata.len(),
            mtime_ns: mtime_ns(&metadata)?,
            start,
            end,
            fingerprint: fingerprint.to_string(),
        })
    }

    fn text(&self) -> String {
        format!(
            "source={}\nsize={}\nmtime={}\nrange={}-{}\n{}",
            self.source.display(),
            self.size,
            self.mtime_ns,
            self.start,
            self.end,
            self.fingerprint
        )
    }

    /// Entries of the same version of the source file share this prefix.
    fn version_prefix(&self) -> String {
        format!("{}-{}-", self.size, self.mtime_ns)
    }

    fn file_name(&self) -> String {
        format!(
            "{}{}-{}-{:016x}.{ENTRY_EXTENSION}",
            self.version_prefix(),
            self.start,
            self.end,
            fnv1a(self.fingerprint.as_bytes())
        )
    }

    /// Whether the source file still has the size and mtime this key was made with.
    fn source_unchanged(&self) -> bool {
        std::fs::metadata(&self.source)
            .is_ok_and(|m| m.len() == self.size && mtime_ns(&m).is_some_and(|t| t == self.mtime_ns))
    }
}

pub(crate) fn mtime_ns(metadata: &std::fs::Metadata) -> Option<u128> {
    let modified = metadata.modified().ok()?;
    Some(modified.duration_since(UNIX_EPOCH).ok()?.as_nanos())
}

/// FNV-1a: a stable hash for file names (the standard library's hashers may change).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(bytes);
    hasher.finish()
}

/// The cache in one directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanCache {
    dir: PathBuf,
}

impl ScanCache {
    pub fn at(dir: impl Into<PathBuf>) -> ScanCache {
        ScanCache { dir: dir.into() }
    }

    /// The cache scans use: in [`default_dir`]. Unit tests get none unless `DDQ_CACHE_DIR` is
    /// set, so `cargo test` leaves the user's cache alone.
    pub fn from_env() -> Option<ScanCache> {
        if cfg!(test) && std::env::var_os(CACHE_DIR_ENV).is_none() {
            return None;
        }
        default_dir().map(ScanCache::at)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn source_dir(&self, source: &Path) -> PathBuf {
        let text = source.to_string_lossy();
        self.dir.join(format!("{:016x}", fnv1a(text.as_bytes())))
    }

    fn entry_path(&self, key: &PartitionKey) -> PathBuf {
        self.source_dir(&key.source).join(key.file_name())
    }

    /// The cached copy of a partition, if there is one.
    pub(crate) fn lookup(&self, key: &PartitionKey) -> Option<CachedPartition> {
        let path = self.entry_path(key);
        let bytes = std::fs::metadata(&path).ok().filter(|m| m.is_file())?.len();
        Some(CachedPartition {
            path,
            bytes,
            key_text: key.text(),
        })
    }

    /// A writer for a partition about to be parsed, after removing the file's stale entries;
    /// none when the cache cannot be written (already warned).
    pub(crate) fn create(&self, key: &PartitionKey, schema: &SchemaRef) -> Option<PartitionWriter> {
        if writes_disabled(&self.dir) {
            return None;
        }
        let dir = self.source_dir(&key.source);
        if let Err(e) = std::fs::create_dir_all(&dir) {
            warn_once(&self.dir, &e);
            return None;
        }
        remove_stale(&dir, &key.version_prefix());
        let temp = dir.join(format!(
            "{}.{}-{}.{TEMP_EXTENSION}",
            key.file_name(),
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let mut writer = PartitionWriter {
            temp,
            path: self.entry_path(key),
            cache_dir: self.dir.clone(),
            key: key.clone(),
            writer: None,
        };
        match writer.start(schema) {
            Ok(()) => Some(writer),
            Err(e) => {
                warn_once(&self.dir, &e);
                None
            }
        }
    }

    /// What is cached, one row per source file, after removing what is stale.
    pub fn list(&self) -> Result<Listing> {
        let mut listing = Listing::default();
        let mut by_source: BTreeMap<PathBuf, CachedFile> = BTreeMap::new();
        // A partition is a byte range of its file, cached once per way it was parsed (other
        // columns, types or missing-value strings): the ranges are what `npartitions` counts.
        let mut ranges: HashSet<(PathBuf, (u64, u64))> = HashSet::new();
        for dir in subdirectories(&self.dir)? {
            if dir.file_name().is_some_and(|n| n == PERSIST_SUBDIR) {
                let (files, bytes) = persisted_spills(&dir);
                listing.persisted_files += files;
                listing.persisted_bytes += bytes;
                continue;
            }
            if dir.file_name().is_some_and(|n| n == REMOTE_SUBDIR) {
                let copies = files_in(&dir)
                    .into_iter()
                    .filter(|f| !has_extension(f, REMOTE_VERSION_EXTENSION));
                for copy in copies {
                    listing.remote_files += 1;
                    listing.remote_bytes += std::fs::metadata(&copy).map_or(0, |m| m.len());
                }
                continue;
            }
            for entry in files_in(&dir) {
                if !has_extension(&entry, ENTRY_EXTENSION) {
                    continue;
                }
                let Some((source, bytes)) = describe_entry(&entry) else {
                    continue;
                };
                let name = entry.file_name().map(|n| n.to_string_lossy().into_owned());
                let current = std::fs::metadata(&source)
                    .ok()
                    .and_then(|m| Some(format!("{}-{}-", m.len(), mtime_ns(&m)?)));
                let fresh = match (&name, &current) {
                    (Some(name), Some(prefix)) => name.starts_with(prefix.as_str()),
                    _ => false,
                };
                if !fresh {
                    if std::fs::remove_file(&entry).is_ok() {
                        listing.stale_removed += 1;
                    }
                    continue;
                }
                let row = by_source.entry(source.clone()).or_insert(CachedFile {
                    source,
                    partitions: 0,
                    copies: 0,
                    bytes: 0,
                });
                row.copies += 1;
                row.bytes += bytes;
                if let Some(range) = name.as_deref().and_then(byte_range) {
                    ranges.insert((row.source.clone(), range));
                }
            }
        }
        for (source, _) in ranges {
            if let Some(row) = by_source.get_mut(&source) {
                row.partitions += 1;
            }
        }
        listing.files = by_source.into_values().collect();
        Ok(listing)
    }

    /// Deletes every entry, and the spill files of persisted frames no live frame uses: not this
    /// process's live ones, nor those of another ddq still running.
    pub fn clear(&self) -> Result<Cleared> {
        let journal = self.dir.join(JOURNAL_SUBDIR);
        let spill = self.dir.join(crate::engine::memory::SPILL_SUBDIR);
        let mut cleared = Cleared {
            temporaries: sweep_journal(&journal),
            spills: crate::engine::memory::sweep_spills(&self.dir),
            ..Cleared::default()
        };
        let live = live_spill_files();
        for dir in subdirectories(&self.dir)? {
            // The journal's notes of this process's and other running processes' temporaries,
            // and the spill directories of running queries.
            if dir == journal || dir == spill {
                continue;
            }
            let spills = dir.file_name().is_some_and(|n| n == PERSIST_SUBDIR);
            let remote = dir.file_name().is_some_and(|n| n == REMOTE_SUBDIR);
            for file in files_in(&dir) {
                if live.contains(&file) || (spills && spilled_by_another_running_process(&file)) {
                    continue;
                }
                let bytes = std::fs::metadata(&file).map_or(0, |m| m.len());
                match std::fs::remove_file(&file) {
                    Ok(()) => {
                        if !spills && has_extension(&file, ENTRY_EXTENSION) {
                            cleared.entries += 1;
                        } else if remote && !has_extension(&file, REMOTE_VERSION_EXTENSION) {
                            cleared.remote_copies += 1;
                        }
                        cleared.bytes += bytes;
                    }
                    Err(e) if e.kind() == ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(DdqError::input(format!(
                            "cannot remove {}: {e}",
                            file.display()
                        )));
                    }
                }
            }
            // Fails harmlessly when a live spill file is still in it.
            let _ = std::fs::remove_dir(&dir);
        }
        Ok(cleared)
    }
}

/// The byte range an entry's name records (`SIZE-MTIME-START-END-HASH.arrow`).
fn byte_range(name: &str) -> Option<(u64, u64)> {
    let mut fields = name.split('-').skip(2);
    let start = fields.next()?.parse().ok()?;
    let end = fields.next()?.parse().ok()?;
    Some((start, end))
}

/// Whether a spill file was written by another process that is still running (its name starts
/// with the writer's process id: see `spill_file_name`).
fn spilled_by_another_running_process(file: &Path) -> bool {
    let writer = file
        .file_name()
        .and_then(|name| name.to_str())
        .and_then(|name| name.split('-').next())
        .and_then(|pid| pid.parse::<u32>().ok());
    match writer {
        Some(pid) if pid != std::process::id() => process_is_running(pid),
        _ => false,
    }
}

/// Whether a process with this id exists (signal 0 checks without sending anything).
fn process_is_running(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 sends nothing; it only reports whether the process exists.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Removes the entries of other versions of a source file and abandoned temporary files.
fn remove_stale(dir: &Path, version_prefix: &str) {
    for file in files_in(dir) {
        let Some(name) = file.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let stale = if has_extension(&file, ENTRY_EXTENSION) {
            !name.starts_with(version_prefix)
        } else {
            has_extension(&file, TEMP_EXTENSION) && is_older_than(&file, ABANDONED_AFTER)
        };
        if stale {
            let _ = std::fs::remove_file(&file);
        }
    }
}

fn is_older_than(path: &Path, age: Duration) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|elapsed| elapsed > age)
}

fn has_extension(path: &Path, extension: &str) -> bool {
    path.extension().is_some_and(|e| e == extension)
}

fn subdirectories(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(DdqError::input(format!(
                "cannot read the cache directory {}: {e}",
                dir.display()
            )));
        }
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    Ok(dirs)
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// The source file an entry was made from (from its footer) and the entry's size.
fn describe_entry(path: &Path) -> Option<(PathBuf, u64)> {
    let bytes = std::fs::metadata(path).ok()?.len();
    let entry = MappedEntry::open(path, &[]).ok()?;
    let source = entry.metadata.get(SOURCE_METADATA)?;
    Some((PathBuf::from(source), bytes))
}

fn persisted_spills(dir: &Path) -> (usize, u64) {
    files_in(dir).iter().fold((0, 0), |(n, bytes), file| {
        (
            n + 1,
            bytes + std::fs::metadata(file).map_or(0, |m| m.len()),
        )
    })
}

/// Spill files of persisted frames alive in this process: `cache clear` keeps them.
static LIVE_SPILLS: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

pub(crate) fn register_live_spill(path: &Path) {
    if let Ok(mut live) = LIVE_SPILLS.lock() {
        live.get_or_insert_with(HashSet::new)
            .insert(path.to_path_buf());
    }
}

pub(crate) fn unregister_live_spill(path: &Path) {
    if let Ok(mut live) = LIVE_SPILLS.lock()
        && let Some(set) = live.as_mut()
    {
        set.remove(path);
    }
}

fn live_spill_files() -> HashSet<PathBuf> {
    LIVE_SPILLS
        .lock()
        .ok()
        .and_then(|live| live.clone())
        .unwrap_or_default()
}

/// One source file's entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedFile {
    pub source: PathBuf,
    /// The file's partitions with a copy (Dask's partitions: byte ranges of the file).
    pub partitions: usize,
    /// The copies: a partition read with other columns or types has one per way.
    pub copies: usize,
    pub bytes: u64,
}

#[derive(Debug, Default)]
pub struct Listing {
    pub files: Vec<CachedFile>,
    pub stale_removed: usize,
    pub persisted_files: usize,
    pub persisted_bytes: u64,
    /// Local copies of remote objects.
    pub remote_files: usize,
    pub remote_bytes: u64,
}

#[derive(Debug, Default)]
pub struct Cleared {
    pub entries: usize,
    pub bytes: u64,
    /// Unfinished output files (`to_csv`, `--output`) of ddq processes that were killed.
    pub temporaries: usize,
    /// Spill directories of ddq processes that were killed mid-query.
    pub spills: usize,
    /// Local copies of remote objects (their bytes count in `bytes`).
    pub remote_copies: usize,
}

/// The `cache` command (`clear`: `cache clear`): the text it prints.
pub fn command(clear: bool) -> Result<String> {
    let cache = ScanCache::from_env().ok_or_else(|| {
        DdqError::input("there is no cache directory: no home directory was found")
            .with_help(format!("set {CACHE_DIR_ENV} to a directory"))
    })?;
    if clear {
        let cleared = cache.clear()?;
        let mut text = format!(
            "removed {} cached {} ({}) from {}\n",
            cleared.entries,
            plural(cleared.entries, "partition"),
            format_size(cleared.bytes),
            cache.dir().display()
        );
        if cleared.remote_copies > 0 {
            text.push_str(&format!(
                "removed {} of s3:// and https:// objects\n",
                number_of(cleared.remote_copies, "copy", "copies")
            ));
        }
        if cleared.temporaries > 0 {
            text.push_str(&format!(
                "removed {} unfinished output {} of ddq processes that were killed\n",
                cleared.temporaries,
                plural(cleared.temporaries, "file")
            ));
        }
        if cleared.spills > 0 {
            text.push_str(&format!(
                "removed the spill files of {} that were killed\n",
                number_of(cleared.spills, "ddq process", "ddq processes")
            ));
        }
        return Ok(text);
    }
    Ok(describe_listing(&cache.list()?, cache.dir()))
}

/// "1 copy", "2 copies": a count with its noun's singular or plural.
fn number_of(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// "10 partitions", or "10 partitions in 20 copies" when some were read in several ways.
fn counted(partitions: usize, copies: usize) -> String {
    let mut text = format!("{partitions} {}", plural(partitions, "partition"));
    if copies > partitions {
        text.push_str(&format!(" in {copies} copies"));
    }
    text
}

fn describe_listing(listing: &Listing, dir: &Path) -> String {
    let mut text = String::new();
    if listing.files.is_empty() {
        text.push_str(&format!("the scan cache is empty ({})\n", dir.display()));
    } else {
        let width = listing
            .files
            .iter()
            .map(|f| f.source.display().to_string().chars().count())
            .max()
            .unwrap_or(0);
        for file in &listing.files {
            let partitions = counted(file.partitions, file.copies);
            text.push_str(&format!(
                "{:<width$}  {partitions:>13}  {:>8}\n",
                file.source.display().to_string(),
                format_size(file.bytes)
            ));
        }
        let partitions: usize = listing.files.iter().map(|f| f.partitions).sum();
        let copies: usize = listing.files.iter().map(|f| f.copies).sum();
        let bytes: u64 = listing.files.iter().map(|f| f.bytes).sum();
        text.push_str(&format!(
            "total: {} {}, {}, {} in {}\n",
            listing.files.len(),
            plural(listing.files.len(), "file"),
            counted(partitions, copies),
            format_size(bytes),
            dir.display()
        ));
    }
    let other_files = [
        (
            "persisted frames spilled to disk",
            listing.persisted_files,
            listing.persisted_bytes,
        ),
        (
            "copies of s3:// and https:// objects",
            listing.remote_files,
            listing.remote_bytes,
        ),
    ];
    for (what, files, bytes) in other_files {
        if files > 0 {
            text.push_str(&format!(
                "{what}: {}, {}\n",
                number_of(files, "file", "files"),
                format_size(bytes)
            ));
        }
    }
    if listing.stale_removed > 0 {
        text.push_str(&format!(
            "removed {} stale {} (their source files changed or are gone)\n",
            listing.stale_removed,
            plural(listing.stale_removed, "partition")
        ));
    }
    text
}

/// A cached partition on disk.
#[derive(Debug)]
pub(crate) struct CachedPartition {
    path: PathBuf,
    bytes: u64,
    key_text: String,
}

/// How reading a cached partition ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CacheRead {
    /// Every batch was passed on, or the consumer stopped listening.
    Done,
    /// The entry is unusable (corrupt, or another key's); `rows` rows were already passed on.
    Broken { rows: usize },
}

impl CachedPartition {
    /// The entry's size: what reading it counts as progress.
    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Passes the partition's batches, holding only `columns` (positions in the cached schema,
    /// ascending), to `emit` until it returns false. Errors only come from `emit`; a broken
    /// entry is reported as such so the caller can parse the CSV instead.
    pub(crate) fn read(
        &self,
        columns: &[usize],
        progress: Option<&Arc<ScanProgress>>,
        emit: &mut dyn FnMut(RecordBatch) -> Result<bool>,
    ) -> Result<CacheRead> {
        let Ok(entry) = MappedEntry::open(&self.path, columns) else {
            return Ok(CacheRead::Broken { rows: 0 });
        };
        if entry.metadata.get(KEY_METADATA) != Some(&self.key_text) {
            return Ok(CacheRead::Broken { rows: 0 });
        }
        let full_width = entry
            .metadata
            .get(WIDTH_METADATA)
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(usize::MAX);
        let narrower = columns.len() < full_width;
        let batches = entry.blocks.len().max(1) as u64;
        let mut reported = 0u64;
        let mut rows = 0usize;
        for index in 0..entry.blocks.len() {
            let Ok(batch) = entry.batch(index) else {
                return Ok(CacheRead::Broken { rows });
            };
            let batch = if narrower { compact(&batch) } else { batch };
            if let Some(progress) = progress {
                let upto = self.bytes * (index as u64 + 1) / batches;
                progress.add_read(upto - reported);
                reported = upto;
            }
            rows += batch.num_rows();
            if !emit(batch)? {
                return Ok(CacheRead::Done);
            }
        }
        if let Some(progress) = progress {
            progress.add_read(self.bytes - reported);
        }
        Ok(CacheRead::Done)
    }

    /// Removes an entry found broken.
    pub(crate) fn discard(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A cache entry whose batches are decoded from memory-mapped blocks.
///
/// Reading an entry through a file reader copies every column of every batch into memory, even
/// when a statement wants one column of twenty; mapped, a projection only touches the pages of
/// the columns it decodes (and `compact` copies just those). The entry is mapped once, not
/// block by block: unmapping stops every thread of the process to flush its address
/// translations, and per block that cost a twentieth of a repeated statement's time. The
/// mapping goes with the last batch decoded from it; until then the pages read stay resident,
/// which for a streaming statement is one entry (a partition's share of a file) per thread.
struct MappedEntry {
    /// The whole entry; batches decoded from it share it.
    map: Arc<memmap2::Mmap>,
    decoder: FileDecoder,
    /// Where each record batch's message lies in the file.
    blocks: Vec<Block>,
    metadata: std::collections::HashMap<String, String>,
}

impl MappedEntry {
    fn open(path: &Path, columns: &[usize]) -> std::result::Result<MappedEntry, String> {
        let file = File::open(path).map_err(|e| e.to_string())?;
        // SAFETY: entries are written under a temporary name and renamed into place, never
        // changed afterwards; removing one (a stale entry, `cache clear`) leaves a mapping
        // intact.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| e.to_string())?;
        let size = map.len();
        let trailer_start = size.checked_sub(10).ok_or("too short")?;
        let trailer: [u8; 10] = map[trailer_start..].try_into().map_err(|_| "too short")?;
        let footer_len = read_footer_length(trailer).map_err(|e| e.to_string())?;
        let footer_start = trailer_start.checked_sub(footer_len).ok_or("bad footer")?;
        let footer =
            root_as_footer(&map[footer_start..trailer_start]).map_err(|e| e.to_string())?;
        let schema = fb_to_schema(footer.schema().ok_or("no schema")?);
        let blocks = footer
            .recordBatches()
            .map(|b| b.iter().copied().collect())
            .unwrap_or_default();
        let metadata = footer
            .custom_metadata()
            .map(|pairs| {
                pairs
                    .iter()
                    .filter_map(|kv| Some((kv.key()?.to_string(), kv.value()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        let decoder =
            FileDecoder::new(Arc::new(schema), footer.version()).with_projection(columns.to_vec());
        // SAFETY: every decoded batch goes through `check_decoded` before any use, which checks
        // what arrow's own validation would, the cheap way for the text ddq writes (see there).
        let decoder = unsafe { decoder.with_skip_validation(true) };
        Ok(MappedEntry {
            map: Arc::new(map),
            decoder,
            blocks,
            metadata,
        })
    }

    /// Decodes batch `index`; its arrays point into the mapping, which lives as long as they do.
    fn batch(&self, index: usize) -> std::result::Result<RecordBatch, String> {
        let block = &self.blocks[index];
        let start = usize::try_from(block.offset()).map_err(|e| e.to_string())?;
        let length = usize::try_from(block.bodyLength()).map_err(|e| e.to_string())?
            + usize::try_from(block.metaDataLength()).map_err(|e| e.to_string())?;
        let bytes = start
            .checked_add(length)
            .and_then(|end| self.map.get(start..end))
            .ok_or("a block lies past the end of the file")?;
        let pointer = std::ptr::NonNull::new(bytes.as_ptr().cast_mut()).ok_or("null map")?;
        let owner: Arc<dyn datafusion::arrow::alloc::Allocation> = self.map.clone();
        // SAFETY: `pointer..pointer + length` lies within the mapping (checked above), which
        // `owner` keeps alive as long as any array built on this buffer.
        let data = unsafe { Buffer::from_custom_allocation(pointer, length, owner) };
        let batch = self
            .decoder
            .read_record_batch(block, &data)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "an empty block".to_string())?;
        check_decoded(&batch)?;
        Ok(batch)
    }
}

/// What arrow's validation of a decoded batch checks, done cheaply: buffer sizes and null
/// counts as arrow does, then for text the offsets (within the values and never decreasing)
/// and that the values are ASCII, which makes every slice valid UTF-8. arrow instead checks each
/// value's ends for a character boundary, which cost a tenth of a repeated statement's time.
/// Text that is not ASCII gets arrow's full check.
fn check_decoded(batch: &RecordBatch) -> std::result::Result<(), String> {
    for column in batch.columns() {
        let data = column.to_data();
        data.validate().map_err(|e| e.to_string())?;
        data.validate_nulls().map_err(|e| e.to_string())?;
        let text_is_plain = column
            .as_string_opt::<i32>()
            .is_some_and(|text| offsets_ascend(text.value_offsets()) && text.values().is_ascii());
        if !text_is_plain {
            data.validate_values().map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Whether the offsets never decrease (`validate` has checked the first and the last).
fn offsets_ascend(offsets: &[i32]) -> bool {
    offsets.windows(2).all(|pair| pair[0] <= pair[1])
}

/// Copies a batch's arrays into buffers of their own. Arrays read from an IPC file with a
/// projection are slices of the whole batch's block: kept as they are, a sort holding one
/// column would hold (and account for) every column.
pub(crate) fn compact(batch: &RecordBatch) -> RecordBatch {
    let columns: Vec<ArrayRef> = batch.columns().iter().map(compact_array).collect();
    let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    RecordBatch::try_new_with_options(batch.schema(), columns, &options)
        .unwrap_or_else(|_| batch.clone())
}

fn compact_array(array: &ArrayRef) -> ArrayRef {
    let data = array.to_data();
    let mut copy = MutableArrayData::new(vec![&data], false, array.len());
    match copy.try_extend(0, 0, array.len()) {
        Ok(()) => make_array(copy.freeze()),
        Err(_) => Arc::clone(array),
    }
}

/// Writes one partition's entry under a temporary name; `commit` renames it into place, and
/// dropping it without committing removes it.
pub(crate) struct PartitionWriter {
    temp: PathBuf,
    path: PathBuf,
    cache_dir: PathBuf,
    key: PartitionKey,
    writer: Option<FileWriter<BufWriter<File>>>,
}

impl PartitionWriter {
    fn start(&mut self, schema: &SchemaRef) -> std::io::Result<()> {
        let file = File::create(&self.temp)?;
        // A small buffer: it gathers the messages' small headers, while each batch's body
        // (hundreds of KB) is bigger and goes straight to the file instead of being copied.
        let mut writer = FileWriter::try_new(BufWriter::with_capacity(64 << 10, file), schema)
            .map_err(std::io::Error::other)?;
        writer.write_metadata(KEY_METADATA, self.key.text());
        writer.write_metadata(SOURCE_METADATA, self.key.source.to_string_lossy());
        writer.write_metadata(WIDTH_METADATA, schema.fields().len().to_string());
        self.writer = Some(writer);
        Ok(())
    }

    /// Adds a batch; after an error the entry is abandoned (with one warning per process).
    pub(crate) fn write(&mut self, batch: &RecordBatch) {
        let Some(writer) = self.writer.as_mut() else {
            return;
        };
        if let Err(e) = writer.write(batch) {
            self.abandon(&e);
        }
    }

    fn abandon(&mut self, error: &dyn std::fmt::Display) {
        self.writer = None;
        let _ = std::fs::remove_file(&self.temp);
        warn_once(&self.cache_dir, error);
    }

    /// Finishes the entry and puts it in place, unless the source file changed meanwhile.
    pub(crate) fn commit(mut self) {
        let Some(mut writer) = self.writer.take() else {
            return;
        };
        let finished = writer
            .finish()
            .map_err(|e| e.to_string())
            .and_then(|()| writer.into_inner().map_err(|e| e.to_string()))
            .and_then(|buffered| buffered.into_inner().map_err(|e| e.to_string()));
        if let Err(e) = finished {
            self.abandon(&e);
            return;
        }
        if !self.key.source_unchanged() {
            return; // Drop removes the temporary file.
        }
        if let Err(e) = std::fs::rename(&self.temp, &self.path) {
            self.abandon(&e);
        }
    }
}

impl Drop for PartitionWriter {
    fn drop(&mut self) {
        self.writer = None;
        let _ = std::fs::remove_file(&self.temp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_names_stay_what_earlier_versions_wrote() {
        // The reference values of FNV-1a 64: a changed hash would orphan every cached scan.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
    use datafusion::arrow::array::{AsArray, Int64Array, StringArray};
    use datafusion::arrow::datatypes::{DataType, Field, Int64Type, Schema};

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            Field::new("n", DataType::Int64, true),
            Field::new("s", DataType::Utf8, true),
        ]))
    }

    fn batch(values: &[i64]) -> RecordBatch {
        let texts: Vec<String> = values.iter().map(|v| format!("v{v}")).collect();
        RecordBatch::try_new(
            schema(),
            vec![
                Arc::new(Int64Array::from(values.to_vec())),
                Arc::new(StringArray::from(texts)),
            ],
        )
        .expect("batch")
    }

    fn source(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join("src.csv");
        std::fs::write(&path, text).expect("write source");
        path
    }

    fn read_all(entry: &CachedPartition, columns: &[usize]) -> (Vec<RecordBatch>, CacheRead) {
        let mut batches = Vec::new();
        let outcome = entry
            .read(columns, None, &mut |b| {
                batches.push(b);
                Ok(true)
            })
            .expect("read");
        (batches, outcome)
    }

    #[test]
    fn a_committed_entry_is_found_and_read_with_a_projection() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ScanCache::at(dir.path().join("cache"));
        let path = source(dir.path(), "n,s\n1,a\n");
        let key = PartitionKey::of(&path, 0, 8, "fp").expect("key");
        assert!(cache.lookup(&key).is_none());

        let mut writer = cache.create(&key, &schema()).expect("writer");
        writer.write(&batch(&[1, 2]));
        writer.write(&batch(&[3]));
        writer.commit();

        let entry = cache.lookup(&key).expect("cached");
        let (batches, outcome) = read_all(&entry, &[1]);
        assert_eq!(outcome, CacheRead::Done);
        assert_eq!(batches.len(), 2);
        assert_eq!(batches[0].num_columns(), 1);
        assert_eq!(batches[0].column(0).as_string::<i32>().value(1), "v2");
        assert_eq!(batches[1].num_rows(), 1);

        // No columns at all still counts the rows.
        let (batches, _) = read_all(&entry, &[]);
        assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 3);

        // Progress counts the entry's size, once.
        let progress = Arc::new(ScanProgress::default());
        entry
            .read(&[0], Some(&progress), &mut |_| Ok(true))
            .expect("read");
        assert_eq!(progress.snapshot().0, entry.bytes());
    }

    #[test]
    fn an_unfinished_entry_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ScanCache::at(dir.path().join("cache"));
        let path = source(dir.path(), "n,s\n1,a\n");
        let key = PartitionKey::of(&path, 0, 8, "fp").expect("key");
        let mut writer = cache.create(&key, &schema()).expect("writer");
        writer.write(&batch(&[1]));
        drop(writer);
        assert!(cache.lookup(&key).is_none());
        let leftovers: Vec<PathBuf> = subdirectories(cache.dir())
            .expect("dirs")
            .iter()
            .flat_map(|d| files_in(d))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn keys_change_with_the_file_the_range_and_the_fingerprint() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = source(dir.path(), "n\n1\n");
        let key = PartitionKey::of(&path, 0, 4, "fp").expect("key");
        assert_eq!(key, PartitionKey::of(&path, 0, 4, "fp").expect("key"));
        assert_ne!(key, PartitionKey::of(&path, 0, 3, "fp").expect("key"));
        assert_ne!(
            key.file_name(),
            PartitionKey::of(&path, 0, 4, "other")
                .expect("key")
                .file_name()
        );
        std::fs::write(&path, "n\n12\n").expect("rewrite");
        let changed = PartitionKey::of(&path, 0, 4, "fp").expect("key");
        assert_ne!(key.version_prefix(), changed.version_prefix());
        assert!(!key.source_unchanged());
        assert!(changed.source_unchanged());
        assert!(PartitionKey::of(&dir.path().join("missing.csv"), 0, 4, "fp").is_none());
    }

    #[test]
    fn stale_entries_go_when_the_file_changes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ScanCache::at(dir.path().join("cache"));
        let path = source(dir.path(), "n,s\n1,a\n");
        let old = PartitionKey::of(&path, 0, 8, "fp").expect("key");
        let mut writer = cache.create(&old, &schema()).expect("writer");
        writer.write(&batch(&[1]));
        writer.commit();
        let listing = cache.list().expect("list");
        assert_eq!(listing.files.len(), 1);
        assert_eq!(listing.files[0].partitions, 1);
        assert_eq!(
            listing.files[0].source,
            std::fs::canonicalize(&path).expect("canonical")
        );

        std::fs::write(&path, "n,s\n1,a\n2,b\n").expect("grow the file");
        let listing = cache.list().expect("list");
        assert!(listing.files.is_empty());
        assert_eq!(listing.stale_removed, 1);

        // A miss on the new version removes entries of older versions too.
        std::fs::write(cache.entry_path(&old), b"old").expect("plant a stale entry");
        let new = PartitionKey::of(&path, 0, 8, "fp").expect("key");
        let writer = cache.create(&new, &schema()).expect("writer");
        assert!(cache.lookup(&old).is_none());
        drop(writer);
    }

    #[test]
    fn an_entry_with_another_key_is_broken_not_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ScanCache::at(dir.path().join("cache"));
        let path = source(dir.path(), "n,s\n1,a\n");
        let key = PartitionKey::of(&path, 0, 8, "fp").expect("key");
        let other = PartitionKey::of(&path, 0, 8, "fp2").expect("key");
        let mut writer = cache.create(&other, &schema()).expect("writer");
        writer.write(&batch(&[1]));
        writer.commit();
        // Put the other key's entry where this key's belongs, as a hash collision would.
        std::fs::rename(cache.entry_path(&other), cache.entry_path(&key)).expect("rename");
        let entry = cache.lookup(&key).expect("present");
        let (batches, outcome) = read_all(&entry, &[0]);
        assert!(batches.is_empty());
        assert_eq!(outcome, CacheRead::Broken { rows: 0 });

        std::fs::write(cache.entry_path(&key), b"not arrow").expect("corrupt");
        let entry = cache.lookup(&key).expect("present");
        assert_eq!(read_all(&entry, &[0]).1, CacheRead::Broken { rows: 0 });
        entry.discard();
        assert!(cache.lookup(&key).is_none());
    }

    #[test]
    fn clear_removes_everything_but_spills_in_use() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ScanCache::at(dir.path().join("cache"));
        let path = source(dir.path(), "n,s\n1,a\n");
        let key = PartitionKey::of(&path, 0, 8, "fp").expect("key");
        let mut writer = cache.create(&key, &schema()).expect("writer");
        writer.write(&batch(&[1, 2, 3]));
        writer.commit();
        let spills = cache.dir().join(PERSIST_SUBDIR);
        std::fs::create_dir_all(&spills).expect("mkdir");
        let own = std::process::id();
        let live = spills.join(format!("{own}-1.arrow"));
        let dead = spills.join(format!("{own}-2.arrow"));
        // Another ddq still running (a child standing in for it), and one that has exited.
        let mut running = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("start a process");
        let mut exited = std::process::Command::new("true")
            .spawn()
            .expect("start a process");
        exited.wait().expect("wait");
        let others = spills.join(format!("{}-1.arrow", running.id()));
        let orphaned = spills.join(format!("{}-1.arrow", exited.id()));
        for file in [&live, &dead, &others, &orphaned] {
            std::fs::write(file, b"x").expect("write");
        }
        register_live_spill(&live);

        let text = describe_listing(&cache.list().expect("list"), cache.dir());
        assert!(text.contains("1 partition"), "{text}");
        assert!(
            text.contains("persisted frames spilled to disk: 4 files"),
            "{text}"
        );

        let cleared = cache.clear().expect("clear");
        assert_eq!(cleared.entries, 1);
        assert!(cleared.bytes > 0);
        assert!(cache.lookup(&key).is_none());
        assert!(live.exists() && !dead.exists());
        assert!(
            others.exists(),
            "another running process's spill was removed"
        );
        assert!(!orphaned.exists(), "an exited process's spill was kept");
        let _ = running.kill();
        let _ = running.wait();
        std::fs::remove_file(&others).expect("remove");
        unregister_live_spill(&live);
        let text = describe_listing(&cache.list().expect("list"), cache.dir());
        assert!(text.starts_with("the scan cache is empty"), "{text}");
    }

    #[test]
    fn compacted_arrays_hold_only_their_own_bytes() {
        let big = batch(&(0..10_000).collect::<Vec<i64>>());
        let slice = big.slice(10, 5).project(&[0]).expect("project");
        let compacted = compact(&slice);
        assert_eq!(compacted.num_rows(), 5);
        assert_eq!(
            compacted.column(0).as_primitive::<Int64Type>().values(),
            &[10, 11, 12, 13, 14]
        );
        assert!(compacted.get_array_memory_size() < slice.get_array_memory_size() / 10);
    }

    #[test]
    fn the_default_directory_honours_the_environment_variable() {
        // Only checks the shape when the variable is not set, to stay independent of the test
        // runner's environment.
        match std::env::var_os(CACHE_DIR_ENV) {
            Some(dir) => assert_eq!(default_dir(), Some(PathBuf::from(dir))),
            None => {
                let dir = default_dir();
                assert!(dir.is_none_or(|d| d.ends_with("ddq/scans")));
            }
        }
    }
}
