//! Files that appear whole or not at all: each is written under a temporary name beside its
//! target (`.NAME.ddq-PID.tmp`) and renamed into place once complete. A ddq killed mid-write
//! (kill -9) cannot remove its temporary, so each one is also noted in a journal under the cache
//! directory (one small file per temporary, naming it) until it is renamed or removed: the next
//! ddq to start, and `cache clear`, remove the temporaries of processes that no longer run. The
//! next write of the same target removes them too, journal or not.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The cache directory's subdirectory that holds the journal of temporaries being written.
pub const JOURNAL_SUBDIR: &str = "in-flight";

/// This process's journal directory, once `keep_journal_in` has named it.
static JOURNAL: OnceLock<PathBuf> = OnceLock::new();

/// Notes this process's temporaries in `dir` from now on, after removing what processes that
/// no longer run left there. Returns how many of their temporaries were removed.
pub fn keep_journal_in(dir: PathBuf) -> usize {
    let removed = sweep_journal(&dir);
    let _ = JOURNAL.set(dir);
    removed
}

/// `temporary_path(target)`, noted in the journal (when there is one) until `settled`.
pub fn journaled_temporary(target: &Path) -> PathBuf {
    let temp = temporary_path(target);
    if let Some(dir) = JOURNAL.get() {
        let absolute = std::path::absolute(&temp).unwrap_or_else(|_| temp.clone());
        // Best effort: without its note, a temporary is still removed by the next write of its
        // target, and the write itself must not fail for want of a cache directory.
        let _ = std::fs::create_dir_all(dir).and_then(|_| {
            std::fs::write(
                dir.join(journal_entry(&temp)),
                absolute.as_os_str().as_encoded_bytes(),
            )
        });
    }
    temp
}

/// Drops the journal's note of `temp`, once it is renamed into place or removed.
pub fn settled(temp: &Path) {
    if let Some(dir) = JOURNAL.get() {
        let _ = std::fs::remove_file(dir.join(journal_entry(temp)));
    }
}

/// The journal's name for `temp`: the writer's process id first (what `sweep_journal` checks),
/// then a hash of the path (a process may write several at once).
fn journal_entry(temp: &Path) -> String {
    let mut hasher = DefaultHasher::new();
    temp.hash(&mut hasher);
    format!("{}-{:016x}", std::process::id(), hasher.finish())
}

/// Removes the temporaries noted in `dir` by processes that no longer run, and their notes.
/// A note is trusted only to name a ddq temporary of its own process (`.NAME.ddq-PID.tmp`),
/// so a damaged journal cannot remove anything else. Returns how many temporaries went.
pub fn sweep_journal(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid == std::process::id() || process_runs(pid) {
            continue;
        }
        if let Ok(named) = std::fs::read(entry.path()) {
            let temp = PathBuf::from(String::from_utf8_lossy(&named).into_owned());
            let own = temp
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .is_some_and(|n| n.starts_with('.') && n.ends_with(&format!(".ddq-{pid}.tmp")));
            if own && std::fs::remove_file(&temp).is_ok() {
                removed += 1;
            }
        }
        let _ = std::fs::remove_file(entry.path());
    }
    removed
}

/// Whether process `pid` runs; where that cannot be checked (no /proc), it is taken to run, so
/// nothing of it is removed.
pub(crate) fn process_runs(pid: u32) -> bool {
    !Path::new("/proc/self").exists() || Path::new(&format!("/proc/{pid}")).exists()
}

/// Where `target` is written until it is complete: beside it, so the rename stays on one file
/// system, hidden, and named after this process.
pub fn temporary_path(target: &Path) -> PathBuf {
    target.with_file_name(format!(
        ".{}.ddq-{}.tmp",
        file_name(target),
        std::process::id()
    ))
}

/// Removes temporaries of `target` left by ddq processes that no longer run. Only this
/// target's own temporaries are looked at, and a process's are kept while it lives (it may be
/// writing); where processes cannot be checked (no /proc), nothing is removed.
pub fn sweep_stale(target: &Path) {
    let Some(dir) = target.parent() else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = format!(".{}.ddq-", file_name(target));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok());
        if let Some(pid) = pid
            && pid != std::process::id()
            && !process_runs(pid)
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes `bytes` to `path` whole: through a temporary, renamed into place.
pub fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    sweep_stale(path);
    let temp = journaled_temporary(path);
    let written = std::fs::write(&temp, bytes)
        .and_then(|_| std::fs::rename(&temp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        });
    settled(&temp);
    written
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_temporaries_of_the_target_go_and_live_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        // PID 4194304 is above Linux's pid_max: no process has it.
        let dead = dir.path().join(".out.csv.ddq-4194304.tmp");
        let mine = temporary_path(&target);
        let other_target = dir.path().join(".other.csv.ddq-4194304.tmp");
        for path in [&dead, &mine, &other_target] {
            std::fs::write(path, "partial").unwrap();
        }
        sweep_stale(&target);
        assert!(!dead.exists());
        assert!(mine.exists(), "this process's temporary is kept");
        assert!(
            other_target.exists(),
            "another target's temporaries are not touched"
        );
        write_whole(&target, b"whole").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "whole");
    }

    #[test]
    fn the_journal_names_the_temporaries_of_dead_processes_and_only_those_go() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join(JOURNAL_SUBDIR);
        std::fs::create_dir_all(&journal).unwrap();
        let dead = dir.path().join(".out.csv.ddq-4194304.tmp");
        let alive = dir
            .path()
            .join(format!(".out.csv.ddq-{}.tmp", std::process::id()));
        let not_a_temporary = dir.path().join("data.csv");
        for path in [&dead, &alive, &not_a_temporary] {
            std::fs::write(path, "partial").unwrap();
        }
        let note = |name: &str, path: &Path| {
            std::fs::write(journal.join(name), path.to_str().unwrap()).unwrap()
        };
        note("4194304-1", &dead);
        note(&format!("{}-1", std::process::id()), &alive);
        // A note that names some other file of a dead process removes nothing.
        note("4194304-2", &not_a_temporary);
        assert_eq!(sweep_journal(&journal), 1);
        assert!(!dead.exists());
        assert!(alive.exists() && not_a_temporary.exists());
        assert_eq!(
            std::fs::read_dir(&journal).unwrap().count(),
            1,
            "only the live note stays"
        );
    }
}
