//! The scan cache's tier in memory: the columns of partitions this process parsed from CSV or
//! read from the cache on disk, kept as Arrow arrays. A session asks its
//! files many questions; each column is then parsed (or decompressed) once per process, as a
//! Polars user reads a file once into a frame and queries that.
//!
//! Entries are keyed as the disk entries are (file version, byte range, how the column was
//! parsed: [`PartitionKey`]), so a changed file misses. All held columns together take at most
//! a quarter of the session's memory limit (`memory_limit`, half the machine's memory unless
//! set); the least recently used go first, and a column too large to fit is not collected at
//! all, so a scan under a tight limit streams as before. The last statement of a script or
//! `-c` collects nothing, since none follows it (a one-shot `ddq -c` holds nothing).
//!
//! Held arrays are narrowed where that gives the same values back (`narrow`: small whole
//! numbers as narrow integers), which takes about half the memory of the arrays the scan
//! produced; a statement reading one casts it back (arrays that did not narrow are shared as
//! they are).
//!
//! A column held but not yet on disk is written to disk the second time it is read (the disk
//! tier's rule, see `ScanCache::seen`), by one thread beside the queries; the process waits for
//! what it queued before it exits ([`finish_writes`]).

mod narrow;

pub(crate) use narrow::widen;

use crate::engine::cache::{ColumnWriter, PartitionKey, ScanCache};
use datafusion::arrow::array::{Array, ArrayRef};
use datafusion::arrow::datatypes::{DataType, FieldRef};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Bytes all held columns may take; 0 (the default, and what a cluster worker keeps) holds none.
static LIMIT: AtomicU64 = AtomicU64::new(0);
/// Whether scans still collect columns to hold: not in the last statement of a script or `-c`,
/// which no statement follows to read them (holding would only keep memory from being reused).
static COLLECTING: AtomicBool = AtomicBool::new(true);
static STORE: Mutex<Option<Store>> = Mutex::new(None);
/// The thread writing held columns to the disk tier, one after another, and its queue.
static WRITES: Mutex<Option<Writes>> = Mutex::new(None);

/// A held column to write, and its type on disk (what the scan produced: held arrays may be
/// narrower).
type WriteJob = (ColumnWriter, Arc<[ArrayRef]>, DataType);

struct Writes {
    queue: Sender<WriteJob>,
    thread: JoinHandle<()>,
}

/// One held column of one partition. Its arrays may be of a narrower type than its field's
/// (see `narrow`): [`widen`] gives them back as the scan produced them.
#[derive(Clone)]
pub(crate) struct HeldColumn {
    pub(crate) arrays: Arc<[ArrayRef]>,
    pub(crate) rows: usize,
    field: FieldRef,
    bytes: usize,
    last_use: u64,
    /// Whether the disk tier has it (or a write of it was started).
    on_disk: bool,
}

impl HeldColumn {
    pub(crate) fn field(&self) -> &FieldRef {
        &self.field
    }
}

#[derive(Default)]
struct Store {
    entries: HashMap<String, HeldColumn>,
    bytes: usize,
    clock: u64,
}

impl Store {
    /// Drops the entry of `key`; whether there was one.
    fn remove(&mut self, key: &str) -> bool {
        let Some(held) = self.entries.remove(key) else {
            return false;
        };
        self.bytes -= held.bytes;
        true
    }

    /// Drops the least recently used entries until the rest take at most `target` bytes.
    fn evict_down_to(&mut self, target: usize) {
        while self.bytes > target {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, held)| held.last_use)
                .map(|(key, _)| key.clone());
            if !oldest.is_some_and(|key| self.remove(&key)) {
                break;
            }
        }
    }
}

fn with_store<T>(f: impl FnOnce(&mut Store) -> T) -> Option<T> {
    let mut guard = STORE.lock().ok()?;
    Some(f(guard.get_or_insert_with(Store::default)))
}

/// Sets the bytes held columns may take (the session's memory limit over four), dropping the
/// least recently used beyond it.
pub(crate) fn set_limit(bytes: u64) {
    LIMIT.store(bytes, Ordering::Relaxed);
    let target = usize::try_from(bytes).unwrap_or(usize::MAX);
    with_store(|store| store.evict_down_to(target));
}

fn limit() -> usize {
    usize::try_from(LIMIT.load(Ordering::Relaxed)).unwrap_or(usize::MAX)
}

/// The most one column of one partition may take to be collected while it is read: a
/// sixty-fourth of what all may hold, so that collecting the columns of the partitions being
/// read at once stays a small part of the memory limit.
pub(crate) fn collect_cap() -> usize {
    match COLLECTING.load(Ordering::Relaxed) {
        true => limit() / 64,
        false => 0,
    }
}

/// Stops collecting columns to hold, for the rest of the process: the statement about to run
/// is the last (what is held still answers it).
pub(crate) fn stop_collecting() {
    COLLECTING.store(false, Ordering::Relaxed);
}

/// The held column of `key`, marked used.
pub(crate) fn get(key: &PartitionKey) -> Option<HeldColumn> {
    let text = key.text();
    with_store(|store| {
        store.clock += 1;
        let clock = store.clock;
        let held = store.entries.get_mut(&text)?;
        held.last_use = clock;
        Some(held.clone())
    })
    .flatten()
}

/// Holds a column read in full, its arrays narrowed as collected; `on_disk` when the disk tier
/// has it. Nothing is held when the column alone passes the limit.
fn hold(key: &PartitionKey, field: FieldRef, arrays: Vec<ArrayRef>, on_disk: bool) {
    let bytes: usize = arrays.iter().map(|a| a.get_array_memory_size()).sum();
    let limit = limit();
    if bytes > limit {
        return;
    }
    let rows = arrays.iter().map(|a| a.len()).sum();
    let text = key.text();
    with_store(|store| {
        store.remove(&text);
        store.evict_down_to(limit - bytes);
        store.clock += 1;
        let held = HeldColumn {
            arrays: arrays.into(),
            rows,
            field,
            bytes,
            last_use: store.clock,
            on_disk,
        };
        store.entries.insert(text, held);
        store.bytes += bytes;
    });
}

/// Drops a held column found not to match its partition.
pub(crate) fn forget(key: &PartitionKey) {
    let text = key.text();
    with_store(|store| store.remove(&text));
}

/// A held column read again: when the disk tier does not have it and this is not its first
/// read there either, it is written to disk on a thread of its own.
pub(crate) fn write_through(cache: &ScanCache, key: &PartitionKey, held: &HeldColumn) {
    if held.on_disk || !cache.seen(key) {
        return;
    }
    let text = key.text();
    let marked = with_store(|store| match store.entries.get_mut(&text) {
        Some(entry) if !entry.on_disk => {
            entry.on_disk = true;
            true
        }
        _ => false,
    });
    if marked != Some(true) {
        return;
    }
    let Some(writer) = cache.create(key, Arc::clone(&held.field)) else {
        return;
    };
    let arrays = Arc::clone(&held.arrays);
    let Ok(mut writes) = WRITES.lock() else {
        return;
    };
    if writes.is_none() {
        let (queue, jobs) = std::sync::mpsc::channel::<WriteJob>();
        let thread = std::thread::spawn(move || {
            for (mut writer, arrays, data_type) in jobs {
                for array in arrays.iter() {
                    // A cast that fails leaves the narrow array, which the entry's schema
                    // refuses: the writer then abandons the entry.
                    let wide = widen(array, &data_type).unwrap_or_else(|_| ArrayRef::clone(array));
                    writer.write(&wide);
                }
                writer.commit();
            }
        });
        *writes = Some(Writes { queue, thread });
    }
    if let Some(writes) = writes.as_ref() {
        let data_type = held.field.data_type().clone();
        let _ = writes.queue.send((writer, arrays, data_type));
    }
}

/// Waits for the held columns queued to be written to disk, so that the next process finds
/// them.
pub(crate) fn finish_writes() {
    let writes = WRITES.lock().ok().and_then(|mut w| w.take());
    if let Some(Writes { queue, thread }) = writes {
        drop(queue);
        let _ = thread.join();
    }
}

/// How many columns of partitions are held, and the bytes they take (for `cache`).
pub(crate) fn held() -> (usize, usize) {
    with_store(|store| (store.entries.len(), store.bytes)).unwrap_or((0, 0))
}

/// Drops every held column (`cache clear`).
pub(crate) fn clear() {
    with_store(|store| *store = Store::default());
}

/// Collects the arrays of one column as a scan passes them on, until they pass
/// [`collect_cap`]: then nothing more is collected, and nothing will be held.
pub(crate) struct Collector {
    arrays: Option<Vec<ArrayRef>>,
    bytes: usize,
    cap: usize,
}

impl Collector {
    pub(crate) fn new() -> Collector {
        Collector::with_cap(collect_cap())
    }

    fn with_cap(cap: usize) -> Collector {
        Collector {
            arrays: (cap > 0).then(Vec::new),
            bytes: 0,
            cap,
        }
    }

    pub(crate) fn add(&mut self, array: &ArrayRef) {
        let Some(arrays) = self.arrays.as_mut() else {
            return;
        };
        // Narrowed as each batch passes, so that the scan's own arrays are freed as it goes
        // on and a partition being read never takes its wide size twice.
        let array = narrow::narrow(array);
        self.bytes += array.get_array_memory_size();
        if self.bytes > self.cap {
            self.arrays = None;
            return;
        }
        arrays.push(array);
    }

    /// Holds what was collected, the column having been read in full.
    pub(crate) fn hold(self, key: &PartitionKey, field: FieldRef, on_disk: bool) {
        if let Some(arrays) = self.arrays {
            hold(key, field, arrays, on_disk);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::Int64Array;
    use datafusion::arrow::datatypes::{DataType, Field};

    fn numbers(n: usize) -> ArrayRef {
        Arc::new(Int64Array::from_iter_values(0..n as i64))
    }

    fn entry(bytes: usize, last_use: u64) -> HeldColumn {
        HeldColumn {
            arrays: vec![numbers(1)].into(),
            rows: 1,
            field: Arc::new(Field::new("x", DataType::Int64, true)),
            bytes,
            last_use,
            on_disk: false,
        }
    }

    #[test]
    fn the_least_recently_used_columns_go_first() {
        let mut store = Store::default();
        for (key, bytes, used) in [("a", 100, 3), ("b", 100, 1), ("c", 100, 2)] {
            store.entries.insert(key.to_string(), entry(bytes, used));
            store.bytes += bytes;
        }
        store.evict_down_to(150);
        let mut left: Vec<&String> = store.entries.keys().collect();
        left.sort();
        assert_eq!(left, ["a"]);
        assert_eq!(store.bytes, 100);
        store.evict_down_to(0);
        assert!(store.entries.is_empty());
        assert_eq!(store.bytes, 0);
    }

    #[test]
    fn a_column_past_its_cap_is_not_collected() {
        let small = numbers(10);
        // The collector counts the bytes it keeps: the narrowed array's.
        let cap = narrow::narrow(&small).get_array_memory_size() * 2;
        let mut collector = Collector::with_cap(cap);
        collector.add(&small);
        collector.add(&small);
        assert_eq!(collector.arrays.as_ref().map(Vec::len), Some(2));
        collector.add(&small);
        assert!(collector.arrays.is_none());
        collector.add(&small);
        assert!(collector.arrays.is_none());
        assert!(Collector::with_cap(0).arrays.is_none());
    }
}
