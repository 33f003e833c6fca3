//! The scan cache: a columnar copy of every CSV column ddq has parsed, kept per partition and
//! column, so a repeated statement over the same files reads Arrow instead of parsing CSV again,
//! and a statement that needs other columns parses only those.
//!
//! An entry is one column of one partition: keyed by the source file (absolute path, size,
//! modification time), the partition's byte range and a fingerprint of how the column was
//! parsed (its position, name and type, the separator, header and missing-value strings).
//! Entries live in one directory per source file, named by a hash of its path, as
//! `SIZE-MTIME-START-END-HASH.arrow`; the full key is also written into the file's footer and
//! checked on every read, so a hash collision is a miss, never a wrong answer. A changed source
//! file (size or mtime) makes its old entries stale; they are removed when the directory is
//! next visited (a miss on that file, `cache`, `cache clear`).
//!
//! A column is cached on its second read (the first leaves an empty marker, see
//! [`ScanCache::seen`]): writing costs about what parsing does, and only what is read again
//! earns its disk. Entries are Arrow IPC files compressed with LZ4, so the cache takes less disk
//! than the CSV it copies (0.7x on nycflights); ZSTD took half the disk but read back no faster
//! than parsing the CSV (README). Reading one decompresses it a block at a time into memory of
//! its own: nothing stays mapped. What a process parsed or read in full it also keeps in memory,
//! within a part of its memory limit (`engine::held`), and [`ScanCache::open`] looks there
//! first. Reading an entry marks it used (its modification time); when the entries would pass
//! the `cache_limit` setting, the least recently used go first.
//!
//! Writing is best effort: an entry is written under a temporary name and renamed only once the
//! whole partition was parsed, and any error writing it (disk full, read-only directory) turns
//! the cache off for the process with one warning on stderr instead of failing the query.

use crate::config::size::format_size;
use crate::engine::held;
use crate::error::{DdqError, Result};
use crate::output::temporary::{JOURNAL_SUBDIR, sweep_journal};
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, MutableArrayData, RecordBatch, RecordBatchOptions, make_array,
    new_empty_array,
};
use datafusion::arrow::buffer::Buffer;
use datafusion::arrow::compute::concat;
use datafusion::arrow::datatypes::{DataType, FieldRef, Schema, SchemaRef};
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::ipc::convert::fb_to_schema;
use datafusion::arrow::ipc::reader::{FileDecoder, read_footer_length};
use datafusion::arrow::ipc::writer::{FileWriter, IpcWriteOptions};
use datafusion::arrow::ipc::{Block, CompressionType, MetadataVersion, root_as_footer};
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, ErrorKind, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Environment variable naming the cache directory (tests point it at a temporary directory).
pub const CACHE_DIR_ENV: &str = "DDQ_CACHE_DIR";
/// Footer metadata: the full key of an entry.
const KEY_METADATA: &str = "ddq.key";
/// Footer metadata: the absolute path of the source file, for `cache`.
const SOURCE_METADATA: &str = "ddq.source";
/// Footer metadata: how many rows an entry holds (every column of a partition holds as many).
const ROWS_METADATA: &str = "ddq.rows";
/// Footer metadata: how many of an entry's values are missing, so that `count()` needs no
/// decoding (entries written before it was kept have none).
const NULLS_METADATA: &str = "ddq.nulls";
const ENTRY_EXTENSION: &str = "arrow";
/// The extension of the empty file that marks a column as read once (see `ScanCache::seen`).
const SEEN_EXTENSION: &str = "seen";
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

/// What scans do with the cache: the `cache` and `cache_limit` settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachePolicy {
    pub enabled: bool,
    /// Bytes the entries may take in all; `None`: a quarter of the disk space free when the
    /// process first needs the figure ([`default_limit`]).
    pub limit: Option<u64>,
}

/// The policy of this process: set by the session from its settings, and in a cluster's worker
/// from the plans it runs (they carry the session's policy, see `scan::wire`).
static POLICY: RwLock<CachePolicy> = RwLock::new(CachePolicy {
    enabled: true,
    limit: None,
});

pub fn set_policy(policy: CachePolicy) {
    if let Ok(mut current) = POLICY.write() {
        *current = policy;
    }
}

pub fn policy() -> CachePolicy {
    POLICY.read().map_or(
        CachePolicy {
            enabled: false,
            limit: None,
        },
        |p| *p,
    )
}

/// A quarter of the free space of the disk the cache is on, read once per process: the cache
/// earns its place next to what the user keeps there, as a browser's cache does.
pub fn default_limit(dir: &Path) -> u64 {
    static LIMIT: OnceLock<u64> = OnceLock::new();
    *LIMIT.get_or_init(|| free_space(dir).map_or(1_000_000_000, |free| free / 4))
}

/// Free bytes (for an unprivileged user) of the file system holding `dir`, or its nearest
/// existing ancestor.
fn free_space(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let existing = dir.ancestors().find(|d| d.exists())?;
    let path = std::ffi::CString::new(existing.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs is a plain C struct, for which all zero bytes is a valid value.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is a NUL-terminated string and `stat` a writable statvfs.
    if unsafe { libc::statvfs(path.as_ptr(), &mut stat) } != 0 {
        return None;
    }
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

/// Cache directories a write failed in: they are left alone for the rest of the process.
static FAILED_DIRS: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
/// The bytes each cache directory's entries take, as this process last counted them (see
/// `ScanCache::admit`).
static CACHED_BYTES: Mutex<Option<HashMap<PathBuf, u64>>> = Mutex::new(None);
/// Distinguishes temporary files written by one process at the same time.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A name beside `path` to write it under before renaming it into place, unique to this
/// process and write (`remove_stale` clears those abandoned).
fn temporary_name(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(
        ".{}-{}.{TEMP_EXTENSION}",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    PathBuf::from(name)
}

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

    /// The key of the same range of the same file version with `detail` added to the
    /// fingerprint (one column's part): no need to look at the file again.
    pub(crate) fn with_detail(&self, detail: &str) -> PartitionKey {
        PartitionKey {
            fingerprint: format!("{}\n{detail}", self.fingerprint),
            ..self.clone()
        }
    }

    pub(crate) fn text(&self) -> String {
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
    /// A limit of its own rather than the policy's (tests set one).
    limit: Option<u64>,
}

impl ScanCache {
    pub fn at(dir: impl Into<PathBuf>) -> ScanCache {
        ScanCache {
            dir: dir.into(),
            limit: None,
        }
    }

    /// This cache with a `cache_limit` of its own.
    pub fn with_limit(self, bytes: u64) -> ScanCache {
        ScanCache {
            limit: Some(bytes),
            ..self
        }
    }

    /// The `cache_limit` in force for this cache.
    fn limit(&self) -> u64 {
        self.limit
            .or(policy().limit)
            .unwrap_or_else(|| default_limit(&self.dir))
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

    /// The marker of a column read once (see [`ScanCache::seen`]), which may note its counts.
    fn marker_path(&self, key: &PartitionKey) -> PathBuf {
        self.entry_path(key).with_extension(SEEN_EXTENSION)
    }

    /// The cached column a key names, read, checked and marked used: held in memory, or else
    /// on disk; none when there is none. An entry on disk that does not read back (corrupt, or
    /// another key's) is removed.
    pub(crate) fn open(&self, key: &PartitionKey) -> Option<CachedColumn> {
        if let Some(column) = held::get(key) {
            held::write_through(self, key, &column);
            return Some(CachedColumn::held(key, column));
        }
        let path = self.entry_path(key);
        let file = File::open(&path).ok()?;
        match CachedColumn::open(key, path.clone(), file) {
            Ok(column) => {
                // Last use orders eviction; a failure only makes the entry look older.
                let _ = file_of(&column).map(|f| f.set_modified(SystemTime::now()));
                Some(column)
            }
            Err(_) => {
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    /// Whether a column was read before, marking it read. A column is cached when it is read a
    /// second time: writing costs as much as parsing a column does, so a statement over files
    /// never seen (a pipeline's `ddq -c`) is as fast with the cache as without, and only what is
    /// read again takes disk. False when the cache cannot be written.
    pub(crate) fn seen(&self, key: &PartitionKey) -> bool {
        if self.writable_source_dir(key).is_none() {
            return false;
        }
        let marker = self.marker_path(key);
        match File::options().write(true).create_new(true).open(&marker) {
            Ok(_) => false,
            Err(e) if e.kind() == ErrorKind::AlreadyExists => true,
            Err(e) => {
                warn_once(&self.dir, &e);
                false
            }
        }
    }

    /// Notes in a column's read-once marker how many rows it has and how many are missing,
    /// once it was parsed whole: `count()` then needs neither the entry nor the parse. Written
    /// under a temporary name and renamed, so a reader never sees half of it.
    pub(crate) fn note_counts(&self, key: &PartitionKey, rows: usize, nulls: usize) {
        let marker = self.marker_path(key);
        if !marker.is_file() {
            return;
        }
        let temp = temporary_name(&marker);
        let written = std::fs::write(&temp, format!("{rows} {nulls}\n"))
            .and_then(|()| std::fs::rename(&temp, &marker));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
    }

    /// A column's rows and missing values without decoding it: from the column held in memory,
    /// its entry's footer, or the note its marker holds (see [`ScanCache::note_counts`]).
    pub(crate) fn counts(&self, key: &PartitionKey) -> Option<(usize, usize)> {
        if let Some(column) = self.open(key) {
            return Some((column.rows(), column.nulls()?));
        }
        let note = std::fs::read_to_string(self.marker_path(key)).ok()?;
        let mut numbers = note.split_whitespace().map(str::parse::<usize>);
        match (numbers.next(), numbers.next(), numbers.next()) {
            (Some(Ok(rows)), Some(Ok(nulls)), None) if nulls <= rows => Some((rows, nulls)),
            _ => None,
        }
    }

    /// The directory of `key`'s source file, made if need be; none when the cache cannot be
    /// written (already warned).
    fn writable_source_dir(&self, key: &PartitionKey) -> Option<PathBuf> {
        if writes_disabled(&self.dir) {
            return None;
        }
        let dir = self.source_dir(&key.source);
        match std::fs::create_dir_all(&dir) {
            Ok(()) => Some(dir),
            Err(e) => {
                warn_once(&self.dir, &e);
                None
            }
        }
    }

    /// Whether a key has an entry, without reading it.
    #[cfg(test)]
    fn contains(&self, key: &PartitionKey) -> bool {
        self.entry_path(key).is_file()
    }

    /// A writer for a column about to be parsed, after removing the file's stale entries; none
    /// when the cache cannot be written (already warned).
    pub(crate) fn create(&self, key: &PartitionKey, field: FieldRef) -> Option<ColumnWriter> {
        let dir = self.writable_source_dir(key)?;
        remove_stale(&dir, &key.version_prefix());
        let temp = temporary_name(&dir.join(key.file_name()));
        let mut writer = ColumnWriter {
            temp,
            cache: self.clone(),
            key: key.clone(),
            schema: Arc::new(Schema::new(vec![field])),
            writer: None,
            pending: Vec::new(),
            pending_rows: 0,
            rows: 0,
            nulls: 0,
        };
        match writer.start() {
            Ok(()) => Some(writer),
            Err(e) => {
                warn_once(&self.dir, &e);
                None
            }
        }
    }

    /// The directories holding entries, one per source file (not the persisted frames, the
    /// remote copies, the journal or the spill directories beside them).
    fn source_dirs(&self) -> Result<Vec<PathBuf>> {
        Ok(subdirectories(&self.dir)?
            .into_iter()
            .filter(|d| {
                d.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.len() == 16 && n.bytes().all(|b| b.is_ascii_hexdigit()))
            })
            .collect())
    }

    /// Every entry: its path, size and last use.
    fn entries(&self) -> Vec<(PathBuf, u64, SystemTime)> {
        let dirs = self.source_dirs().unwrap_or_default();
        let mut entries = Vec::new();
        for file in dirs.iter().flat_map(|d| files_in(d)) {
            if !has_extension(&file, ENTRY_EXTENSION) {
                continue;
            }
            if let Ok(metadata) = std::fs::metadata(&file) {
                let used = metadata.modified().unwrap_or(UNIX_EPOCH);
                entries.push((file, metadata.len(), used));
            }
        }
        entries
    }

    /// Makes room for an entry of `incoming` bytes under the `cache_limit`, evicting the least
    /// recently used entries, and puts it in place with `place`; false when the entry cannot
    /// fit at all or was not placed.
    ///
    /// The directory is counted once per process and then kept up to date with this process's
    /// own entries; it is counted again (other processes write here too) only when that figure
    /// says the limit is reached, and eviction then goes a tenth below the limit, so that the
    /// count is not repeated for every entry. The entry is placed under the same lock: a count
    /// taken while another thread's admitted entry was still on its way in would miss it.
    fn admit(&self, incoming: u64, place: impl FnOnce() -> bool) -> bool {
        let limit = self.limit();
        if incoming > limit {
            return false;
        }
        let Ok(mut totals) = CACHED_BYTES.lock() else {
            return false;
        };
        let totals = totals.get_or_insert_with(HashMap::new);
        let total = totals
            .entry(self.dir.clone())
            .or_insert_with(|| self.entries().iter().map(|e| e.1).sum());
        if *total + incoming > limit {
            let target = limit.saturating_sub(incoming).min(limit - limit / 10);
            *total = self.evict_down_to(target);
        }
        let placed = place();
        if placed {
            *total += incoming;
        }
        placed
    }

    /// Removes entries, least recently used first, until the rest take at most `target` bytes;
    /// returns what they take.
    fn evict_down_to(&self, target: u64) -> u64 {
        let mut entries = self.entries();
        let mut total: u64 = entries.iter().map(|e| e.1).sum();
        entries.sort_by_key(|e| e.2);
        for (path, bytes, _) in entries {
            if total <= target {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                total -= bytes;
            }
        }
        total
    }

    /// What is cached, one row per source file, after removing what is stale.
    pub fn list(&self) -> Result<Listing> {
        let mut listing = Listing {
            limit: self.limit(),
            ..Listing::default()
        };
        if let Some(dir) = self.subdir(PERSIST_SUBDIR) {
            let (files, bytes) = files_and_bytes(&dir, |_| true);
            listing.persisted_files = files;
            listing.persisted_bytes = bytes;
        }
        if let Some(dir) = self.subdir(REMOTE_SUBDIR) {
            let copies = files_and_bytes(&dir, |f| !has_extension(f, REMOTE_VERSION_EXTENSION));
            (listing.remote_files, listing.remote_bytes) = copies;
        }
        for dir in self.source_dirs()? {
            if let Some(row) = describe_source_dir(&dir, &mut listing.stale_removed) {
                listing.files.push(row);
            }
        }
        listing.files.sort_by(|a, b| a.source.cmp(&b.source));
        Ok(listing)
    }

    fn subdir(&self, name: &str) -> Option<PathBuf> {
        Some(self.dir.join(name)).filter(|d| d.is_dir())
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

/// The byte range and the column (its fingerprint's hash) an entry's name records
/// (`SIZE-MTIME-START-END-HASH.arrow`).
fn range_and_column(name: &str) -> Option<((u64, u64), String)> {
    let mut fields = name.split('-').skip(2);
    let start = fields.next()?.parse().ok()?;
    let end = fields.next()?.parse().ok()?;
    let column = fields.next()?.strip_suffix(".arrow")?.to_string();
    Some(((start, end), column))
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
        let stale = if has_extension(&file, ENTRY_EXTENSION) || has_extension(&file, SEEN_EXTENSION)
        {
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

/// How many files in `dir` pass `keep`, and their bytes.
fn files_and_bytes(dir: &Path, keep: impl Fn(&Path) -> bool) -> (usize, u64) {
    files_in(dir)
        .iter()
        .filter(|f| keep(f))
        .fold((0, 0), |(n, bytes), file| {
            (
                n + 1,
                bytes + std::fs::metadata(file).map_or(0, |m| m.len()),
            )
        })
}

/// One source file's row of `cache`, from its directory of entries: the stale ones (the
/// source changed or is gone) are removed and counted instead.
fn describe_source_dir(dir: &Path, stale_removed: &mut usize) -> Option<CachedFile> {
    let entries: Vec<(PathBuf, String)> = files_in(dir)
        .into_iter()
        .filter(|f| has_extension(f, ENTRY_EXTENSION))
        .filter_map(|f| {
            let name = f.file_name()?.to_string_lossy().into_owned();
            Some((f, name))
        })
        .collect();
    // Every entry of a directory is of one source file, which their footers name.
    let source = entries
        .iter()
        .find_map(|(entry, _)| footer_metadata(entry)?.remove(SOURCE_METADATA))
        .map(PathBuf::from);
    let current = source
        .as_ref()
        .and_then(|s| std::fs::metadata(s).ok())
        .and_then(|m| Some(format!("{}-{}-", m.len(), mtime_ns(&m)?)));
    let mut row = CachedFile {
        source: source.unwrap_or_default(),
        ..CachedFile::default()
    };
    let mut ranges: HashSet<(u64, u64)> = HashSet::new();
    let mut columns: HashSet<String> = HashSet::new();
    for (entry, name) in entries {
        let fresh = current.as_deref().is_some_and(|p| name.starts_with(p));
        if !fresh {
            if std::fs::remove_file(&entry).is_ok() {
                *stale_removed += 1;
            }
            continue;
        }
        let Ok(metadata) = std::fs::metadata(&entry) else {
            continue;
        };
        row.entries += 1;
        row.bytes += metadata.len();
        row.last_used = row.last_used.max(metadata.modified().ok());
        if let Some((range, column)) = range_and_column(&name) {
            ranges.insert(range);
            columns.insert(column);
        }
    }
    row.partitions = ranges.len();
    row.columns = columns.len();
    (row.entries > 0).then_some(row)
}

/// The custom metadata in an IPC file's footer, reading only the footer.
fn footer_metadata(path: &Path) -> Option<HashMap<String, String>> {
    let mut file = File::open(path).ok()?;
    read_footer(&mut file).ok().map(|footer| footer.metadata)
}

/// What an entry's footer says, read from the end of the file.
struct Footer {
    schema: Schema,
    version: MetadataVersion,
    /// Where each record batch's message lies in the file.
    blocks: Vec<Block>,
    metadata: HashMap<String, String>,
}

fn read_footer(file: &mut File) -> std::result::Result<Footer, String> {
    let size = file.metadata().map_err(|e| e.to_string())?.len();
    let trailer_start = size.checked_sub(10).ok_or("too short")?;
    let mut trailer = [0u8; 10];
    file.seek(SeekFrom::Start(trailer_start))
        .and_then(|_| file.read_exact(&mut trailer))
        .map_err(|e| e.to_string())?;
    let footer_len = read_footer_length(trailer).map_err(|e| e.to_string())?;
    let footer_start = trailer_start
        .checked_sub(footer_len as u64)
        .ok_or("bad footer")?;
    let mut bytes = vec![0u8; footer_len];
    file.seek(SeekFrom::Start(footer_start))
        .and_then(|_| file.read_exact(&mut bytes))
        .map_err(|e| e.to_string())?;
    let footer = root_as_footer(&bytes).map_err(|e| e.to_string())?;
    Ok(Footer {
        schema: fb_to_schema(footer.schema().ok_or("no schema")?),
        version: footer.version(),
        blocks: footer
            .recordBatches()
            .map(|b| b.iter().copied().collect())
            .unwrap_or_default(),
        metadata: custom_metadata(&footer),
    })
}

fn custom_metadata(footer: &datafusion::arrow::ipc::Footer) -> HashMap<String, String> {
    footer
        .custom_metadata()
        .map(|pairs| {
            pairs
                .iter()
                .filter_map(|kv| Some((kv.key()?.to_string(), kv.value()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CachedFile {
    pub source: PathBuf,
    /// The file's partitions with a cached column (Dask's partitions: byte ranges of the file).
    pub partitions: usize,
    /// The columns cached, counting a column read with another type once more.
    pub columns: usize,
    /// One per column of a partition.
    pub entries: usize,
    pub bytes: u64,
    /// When an entry was last written or read.
    pub last_used: Option<SystemTime>,
}

#[derive(Debug, Default)]
pub struct Listing {
    pub files: Vec<CachedFile>,
    /// The `cache_limit` in force.
    pub limit: u64,
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
        held::clear();
        let cleared = cache.clear()?;
        let mut text = format!(
            "removed {} ({}) from {}\n",
            number_of(cleared.entries, "cached column", "cached columns"),
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
    let mut text = describe_listing(&cache.list()?, cache.dir());
    let (columns, bytes) = held::held();
    if columns > 0 {
        text.push_str(&format!(
            "held in memory by this session: {}, {}\n",
            number_of(columns, "column of a partition", "columns of partitions"),
            format_size(bytes as u64)
        ));
    }
    Ok(text)
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

/// "1 partition, 5 columns": how much of a file (or of all files) is cached.
fn extent(partitions: usize, columns: usize) -> String {
    format!(
        "{}, {}",
        number_of(partitions, "partition", "partitions"),
        number_of(columns, "column", "columns")
    )
}

/// "just now", "5 min ago", "3 h ago", "2 days ago".
fn ago(then: Option<SystemTime>) -> String {
    let Some(seconds) = then
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .map(|d| d.as_secs())
    else {
        return "just now".to_string();
    };
    match seconds {
        0..60 => "just now".to_string(),
        60..3600 => format!("{} min ago", seconds / 60),
        3600..86400 => format!("{} h ago", seconds / 3600),
        _ => number_of((seconds / 86400) as usize, "day ago", "days ago"),
    }
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
            text.push_str(&format!(
                "{:<width$}  {:>24}  {:>8}  used {}\n",
                file.source.display().to_string(),
                extent(file.partitions, file.columns),
                format_size(file.bytes),
                ago(file.last_used)
            ));
        }
        let partitions: usize = listing.files.iter().map(|f| f.partitions).sum();
        let bytes: u64 = listing.files.iter().map(|f| f.bytes).sum();
        text.push_str(&format!(
            "total: {}, {}, {} of the {} cache_limit, in {}\n",
            number_of(listing.files.len(), "file", "files"),
            number_of(partitions, "partition", "partitions"),
            format_size(bytes),
            format_size(listing.limit),
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
            "removed {} (their source files changed or are gone)\n",
            number_of(listing.stale_removed, "stale column", "stale columns")
        ));
    }
    text
}

/// One cached column of a partition, its rows taken a batch at a time: from the arrays held in
/// memory, or read and decompressed a block at a time from its entry on disk (what it then
/// holds is one block, compressed and not, and what it decoded, to be held once it was read in
/// full: see [`CachedColumn::remember`]).
pub(crate) struct CachedColumn {
    key: PartitionKey,
    blocks: Blocks,
    data_type: DataType,
    /// What is left of the batch taken last.
    pending: Option<ArrayRef>,
    rows: usize,
    /// Missing values among the rows, when known without decoding.
    nulls: Option<usize>,
}

/// Where a cached column's batches come from.
enum Blocks {
    Disk(Box<DiskBlocks>),
    Held {
        arrays: Arc<[ArrayRef]>,
        next: usize,
    },
}

/// An entry on disk, its blocks decoded in turn.
struct DiskBlocks {
    path: PathBuf,
    file: File,
    field: FieldRef,
    decoder: FileDecoder,
    blocks: Vec<Block>,
    next: usize,
    decoded: held::Collector,
}

/// The open file of a column read from disk.
fn file_of(column: &CachedColumn) -> Option<&File> {
    match &column.blocks {
        Blocks::Disk(disk) => Some(&disk.file),
        Blocks::Held { .. } => None,
    }
}

impl CachedColumn {
    /// Reads an entry's footer: its blocks, and its key, which must be `key`.
    fn open(
        key: &PartitionKey,
        path: PathBuf,
        mut file: File,
    ) -> std::result::Result<Self, String> {
        let footer = read_footer(&mut file)?;
        if footer.metadata.get(KEY_METADATA) != Some(&key.text()) {
            return Err("an entry of another key".to_string());
        }
        let rows = footer
            .metadata
            .get(ROWS_METADATA)
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or("no row count")?;
        let nulls = footer
            .metadata
            .get(NULLS_METADATA)
            .and_then(|n| n.parse::<usize>().ok());
        if footer.schema.fields().len() != 1 {
            return Err("not one column".to_string());
        }
        let field = Arc::clone(&footer.schema.fields()[0]);
        let data_type = field.data_type().clone();
        let decoder = FileDecoder::new(Arc::new(footer.schema), footer.version);
        // SAFETY: every decoded batch goes through `check_decoded` before any use, which checks
        // what arrow's own validation would, the cheap way for the text ddq writes (see there).
        let decoder = unsafe { decoder.with_skip_validation(true) };
        let disk = DiskBlocks {
            path,
            file,
            field,
            decoder,
            blocks: footer.blocks,
            next: 0,
            decoded: held::Collector::new(),
        };
        Ok(CachedColumn {
            key: key.clone(),
            blocks: Blocks::Disk(Box::new(disk)),
            data_type,
            pending: None,
            rows,
            nulls,
        })
    }

    fn held(key: &PartitionKey, column: held::HeldColumn) -> Self {
        let nulls = column.arrays.iter().map(|a| a.null_count()).sum();
        CachedColumn {
            key: key.clone(),
            data_type: column.field().data_type().clone(),
            blocks: Blocks::Held {
                arrays: column.arrays,
                next: 0,
            },
            pending: None,
            rows: column.rows,
            nulls: Some(nulls),
        }
    }

    /// The rows the column holds, as its footer says.
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// How many of its values are missing, when that is known without decoding them.
    pub(crate) fn nulls(&self) -> Option<usize> {
        self.nulls
    }

    /// The next rows as they were written (the rest of a batch, or the next batch); none after
    /// the last.
    pub(crate) fn next_array(&mut self) -> std::result::Result<Option<ArrayRef>, String> {
        if let Some(rest) = self.pending.take() {
            return Ok(Some(rest));
        }
        match &mut self.blocks {
            Blocks::Disk(disk) => disk.next_array(),
            Blocks::Held { arrays, next } => {
                let array = arrays.get(*next).map(|a| held::widen(a, &self.data_type));
                *next += 1;
                array.transpose().map_err(|e| e.to_string())
            }
        }
    }

    /// Exactly the next `n` rows; an error when fewer are left.
    pub(crate) fn take(&mut self, n: usize) -> std::result::Result<ArrayRef, String> {
        if n == 0 {
            return Ok(new_empty_array(&self.data_type));
        }
        let mut pieces: Vec<ArrayRef> = Vec::new();
        let mut wanted = n;
        while wanted > 0 {
            let array = self
                .next_array()?
                .ok_or("fewer rows than the partition's")?;
            if array.len() > wanted {
                self.pending = Some(array.slice(wanted, array.len() - wanted));
                pieces.push(array.slice(0, wanted));
                wanted = 0;
            } else {
                wanted -= array.len();
                pieces.push(array);
            }
        }
        match pieces.len() {
            1 => Ok(pieces.remove(0)),
            _ => concat_all(&pieces).map_err(|e| e.to_string()),
        }
    }

    /// Removes a column found broken, from memory and disk.
    pub(crate) fn discard(self) {
        held::forget(&self.key);
        if let Blocks::Disk(disk) = self.blocks {
            let _ = std::fs::remove_file(&disk.path);
        }
    }

    /// Whether every row was taken.
    pub(crate) fn is_exhausted(&mut self) -> bool {
        matches!(self.next_array(), Ok(None))
    }

    /// A column read from disk in full, every row taken: held in memory for the next read.
    pub(crate) fn remember(self) {
        if let Blocks::Disk(disk) = self.blocks {
            let DiskBlocks { decoded, field, .. } = *disk;
            decoded.hold(&self.key, field, true);
        }
    }
}

impl DiskBlocks {
    fn next_array(&mut self) -> std::result::Result<Option<ArrayRef>, String> {
        while self.next < self.blocks.len() {
            let array = self.decode_block(self.next)?;
            self.next += 1;
            if !array.is_empty() {
                self.decoded.add(&array);
                return Ok(Some(array));
            }
        }
        Ok(None)
    }

    fn decode_block(&mut self, index: usize) -> std::result::Result<ArrayRef, String> {
        let block = self.blocks[index];
        let start = u64::try_from(block.offset()).map_err(|e| e.to_string())?;
        let length = usize::try_from(block.bodyLength()).map_err(|e| e.to_string())?
            + usize::try_from(block.metaDataLength()).map_err(|e| e.to_string())?;
        let mut bytes = vec![0u8; length];
        self.file
            .seek(SeekFrom::Start(start))
            .and_then(|_| self.file.read_exact(&mut bytes))
            .map_err(|e| e.to_string())?;
        let batch = self
            .decoder
            .read_record_batch(&block, &Buffer::from_vec(bytes))
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "an empty block".to_string())?;
        check_decoded(&batch)?;
        Ok(Arc::clone(batch.column(0)))
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

/// One array of the rows of `arrays`, in order.
fn concat_all(arrays: &[ArrayRef]) -> std::result::Result<ArrayRef, ArrowError> {
    let parts: Vec<&dyn Array> = arrays.iter().map(|a| a.as_ref()).collect();
    concat(&parts)
}

/// Writes one column's entry under a temporary name; `commit` renames it into place, and
/// dropping it without committing removes it.
pub(crate) struct ColumnWriter {
    temp: PathBuf,
    cache: ScanCache,
    key: PartitionKey,
    schema: SchemaRef,
    writer: Option<FileWriter<BufWriter<File>>>,
    /// Rows given but not written yet: they are written in batches of [`ENTRY_BATCH_ROWS`].
    pending: Vec<ArrayRef>,
    pending_rows: usize,
    rows: usize,
    nulls: usize,
}

/// Rows per batch of an entry. The parser's batches are small under a tight memory limit
/// (2048 rows); written as they come, each would be a block of its own, and reading an
/// entry back costs a read, a decompression and a check per block.
const ENTRY_BATCH_ROWS: usize = 32 * 1024;

impl ColumnWriter {
    fn start(&mut self) -> std::io::Result<()> {
        let file = File::create(&self.temp)?;
        let options = IpcWriteOptions::default()
            .try_with_compression(Some(CompressionType::LZ4_FRAME))
            .map_err(std::io::Error::other)?;
        let mut writer = FileWriter::try_new_with_options(
            BufWriter::with_capacity(64 << 10, file),
            &self.schema,
            options,
        )
        .map_err(std::io::Error::other)?;
        writer.write_metadata(KEY_METADATA, self.key.text());
        writer.write_metadata(SOURCE_METADATA, self.key.source.to_string_lossy());
        self.writer = Some(writer);
        Ok(())
    }

    /// Adds the column's next rows; after an error the entry is abandoned (with one warning
    /// per process).
    pub(crate) fn write(&mut self, array: &ArrayRef) {
        if self.writer.is_none() {
            return;
        }
        self.pending.push(Arc::clone(array));
        self.pending_rows += array.len();
        self.nulls += array.null_count();
        if self.pending_rows >= ENTRY_BATCH_ROWS {
            self.flush();
        }
    }

    /// Writes the pending rows as one batch.
    fn flush(&mut self) {
        let Some(writer) = self.writer.as_mut() else {
            return;
        };
        let written = concat_all(&self.pending)
            .and_then(|array| RecordBatch::try_new(Arc::clone(&self.schema), vec![array]))
            .and_then(|batch| writer.write(&batch))
            .map_err(|e| e.to_string());
        self.rows += self.pending_rows;
        self.pending.clear();
        self.pending_rows = 0;
        if let Err(e) = written {
            self.abandon(&e);
        }
    }

    fn abandon(&mut self, error: &dyn std::fmt::Display) {
        self.writer = None;
        let _ = std::fs::remove_file(&self.temp);
        warn_once(self.cache.dir(), error);
    }

    /// Finishes the entry and puts it in place, unless the source file changed meanwhile or
    /// the entry does not fit under the `cache_limit`.
    pub(crate) fn commit(mut self) {
        if self.pending_rows > 0 {
            self.flush();
        }
        let Some(mut writer) = self.writer.take() else {
            return;
        };
        writer.write_metadata(ROWS_METADATA, self.rows.to_string());
        writer.write_metadata(NULLS_METADATA, self.nulls.to_string());
        let finished = writer
            .finish()
            .map_err(|e| e.to_string())
            .and_then(|()| writer.into_inner().map_err(|e| e.to_string()))
            .and_then(|buffered| buffered.into_inner().map_err(|e| e.to_string()));
        let file = match finished {
            Ok(file) => file,
            Err(e) => return self.abandon(&e),
        };
        let bytes = file.metadata().map_or(0, |m| m.len());
        if !self.key.source_unchanged() {
            return; // Drop removes the temporary file.
        }
        let mut failed = None;
        let entry = self.cache.entry_path(&self.key);
        self.cache.admit(bytes, || {
            let renamed = std::fs::rename(&self.temp, &entry);
            failed = renamed.as_ref().err().map(ToString::to_string);
            renamed.is_ok()
        });
        if let Some(e) = failed {
            self.abandon(&e);
        }
    }
}

impl Drop for ColumnWriter {
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

    fn field() -> FieldRef {
        Arc::new(Field::new("n", DataType::Int64, true))
    }

    fn numbers(values: &[i64]) -> ArrayRef {
        Arc::new(Int64Array::from(values.to_vec()))
    }

    /// Writes and commits an entry of `values` in batches of `chunk`.
    fn commit_entry(cache: &ScanCache, key: &PartitionKey, values: &[i64], chunk: usize) {
        let mut writer = cache.create(key, field()).expect("writer");
        for part in values.chunks(chunk) {
            writer.write(&numbers(part));
        }
        writer.commit();
    }

    fn values(array: &ArrayRef) -> Vec<i64> {
        array.as_primitive::<Int64Type>().values().to_vec()
    }

    #[test]
    fn a_committed_column_is_read_back_in_slices_of_any_size() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ScanCache::at(dir.path().join("cache"));
        let path = source(dir.path(), "n,s\n1,a\n");
        let key = PartitionKey::of(&path, 0, 8, "fp").expect("key");
        assert!(cache.open(&key).is_none());
        assert!(!cache.contains(&key));

        commit_entry(&cache, &key, &[1, 2, 3, 4, 5], 2);
        assert!(cache.contains(&key));
        let mut column = cache.open(&key).expect("cached");
        assert_eq!(column.rows(), 5);
        assert_eq!(values(&column.take(3).expect("three")), [1, 2, 3]);
        assert_eq!(values(&column.take(1).expect("one")), [4]);
        assert!(!column.is_exhausted());
        assert!(column.take(2).is_err(), "only one row is left");

        // Small writes are gathered into batches of ENTRY_BATCH_ROWS; takes cross them.
        let many: Vec<i64> = (0..40_000).collect();
        commit_entry(&cache, &key, &many, 1_000);
        let mut column = cache.open(&key).expect("cached");
        let blocks = match &column.blocks {
            Blocks::Disk(disk) => disk.blocks.len(),
            Blocks::Held { .. } => 0,
        };
        assert_eq!(blocks, 2);
        assert_eq!(values(&column.take(32_000).expect("first"))[31_999], 31_999);
        let across = values(&column.take(2_000).expect("across"));
        assert_eq!((across[0], across[1_999]), (32_000, 33_999));
        assert_eq!(values(&column.take(6_000).expect("rest"))[5_999], 39_999);
        assert!(column.is_exhausted());
    }

    #[test]
    fn a_column_is_seen_from_its_second_read_on() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ScanCache::at(dir.path().join("cache"));
        let path = source(dir.path(), "n\n1\n");
        let key = PartitionKey::of(&path, 0, 4, "fp").expect("key");
        let other = PartitionKey::of(&path, 0, 4, "another column").expect("key");
        assert!(!cache.seen(&key));
        assert!(cache.seen(&key));
        assert!(!cache.seen(&other));
        // A marker takes no room and is no entry.
        assert!(cache.entries().is_empty());
        assert!(cache.list().expect("list").files.is_empty());
        // A new version of the file is new to the cache.
        std::fs::write(&path, "n\n12\n").expect("rewrite");
        let changed = PartitionKey::of(&path, 0, 4, "fp").expect("key");
        assert!(!cache.seen(&changed));
    }

    #[test]
    fn entries_are_compressed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ScanCache::at(dir.path().join("cache"));
        let path = source(dir.path(), "n\n1\n");
        let key = PartitionKey::of(&path, 0, 4, "fp").expect("key");
        let repetitive: Vec<i64> = (0..100_000).map(|i| i % 7).collect();
        commit_entry(&cache, &key, &repetitive, 10_000);
        let bytes = std::fs::metadata(cache.entry_path(&key))
            .expect("entry")
            .len();
        assert!(
            bytes < 8 * 100_000 / 10,
            "{bytes} bytes for 800 kB of int64"
        );
    }

    #[test]
    fn the_least_recently_used_entries_go_first_under_the_limit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = source(dir.path(), "n\n1\n");
        let key = |start| PartitionKey::of(&path, start, start + 1, "fp").expect("key");
        // Scrambled values do not compress: each entry takes about 80 kB.
        let values: Vec<i64> = (0..10_000)
            .map(|i: i64| i.wrapping_mul(0x9E37_79B9))
            .collect();
        let unlimited = ScanCache::at(dir.path().join("cache"));
        commit_entry(&unlimited, &key(0), &values, 10_000);
        let entry_bytes = std::fs::metadata(unlimited.entry_path(&key(0)))
            .expect("entry")
            .len();
        // Room for three entries and a half.
        let limit = entry_bytes * 3 + entry_bytes / 2;
        let cache = unlimited.with_limit(limit);
        for start in 1..3 {
            std::thread::sleep(Duration::from_millis(20));
            commit_entry(&cache, &key(start), &values, 10_000);
        }
        // Reading the oldest makes it the most recently used.
        std::thread::sleep(Duration::from_millis(20));
        assert!(cache.open(&key(0)).is_some());
        std::thread::sleep(Duration::from_millis(20));
        commit_entry(&cache, &key(3), &values, 10_000);
        assert!(cache.contains(&key(0)), "the entry just read was evicted");
        assert!(
            !cache.contains(&key(1)),
            "the least recently used entry was kept"
        );
        assert!(cache.contains(&key(3)));
        let total: u64 = cache.entries().iter().map(|e| e.1).sum();
        assert!(total <= limit, "{total} > {limit}");

        // An entry bigger than the whole limit is not kept at all.
        let tiny = ScanCache::at(dir.path().join("tiny")).with_limit(100);
        commit_entry(&tiny, &key(0), &values, 10_000);
        assert!(!tiny.contains(&key(0)));
        assert!(tiny.entries().is_empty());
    }

    #[test]
    fn an_unfinished_entry_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ScanCache::at(dir.path().join("cache"));
        let path = source(dir.path(), "n,s\n1,a\n");
        let key = PartitionKey::of(&path, 0, 8, "fp").expect("key");
        let mut writer = cache.create(&key, field()).expect("writer");
        writer.write(&numbers(&[1]));
        drop(writer);
        assert!(cache.open(&key).is_none());
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
        commit_entry(&cache, &old, &[1], 1);
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
        let writer = cache.create(&new, field()).expect("writer");
        assert!(!cache.contains(&old));
        drop(writer);
    }

    #[test]
    fn an_entry_with_another_key_is_removed_not_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ScanCache::at(dir.path().join("cache"));
        let path = source(dir.path(), "n,s\n1,a\n");
        let key = PartitionKey::of(&path, 0, 8, "fp").expect("key");
        let other = PartitionKey::of(&path, 0, 8, "fp2").expect("key");
        commit_entry(&cache, &other, &[1], 1);
        // Put the other key's entry where this key's belongs, as a hash collision would.
        std::fs::rename(cache.entry_path(&other), cache.entry_path(&key)).expect("rename");
        assert!(cache.contains(&key));
        assert!(cache.open(&key).is_none());
        assert!(!cache.contains(&key), "a broken entry stays");

        std::fs::write(cache.entry_path(&key), b"not arrow").expect("corrupt");
        assert!(cache.open(&key).is_none());
        assert!(!cache.contains(&key));
    }

    #[test]
    fn clear_removes_everything_but_spills_in_use() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ScanCache::at(dir.path().join("cache"));
        let path = source(dir.path(), "n,s\n1,a\n");
        let key = PartitionKey::of(&path, 0, 8, "fp").expect("key");
        commit_entry(&cache, &key, &[1, 2, 3], 2);
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
        assert!(text.contains("1 partition, 1 column"), "{text}");
        assert!(
            text.contains("persisted frames spilled to disk: 4 files"),
            "{text}"
        );

        let cleared = cache.clear().expect("clear");
        assert_eq!(cleared.entries, 1);
        assert!(cleared.bytes > 0);
        assert!(!cache.contains(&key));
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
