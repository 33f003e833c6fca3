//! Files that appear whole or not at all: each is written under a temporary name beside its
//! target (`.NAME.ddq-PID.tmp`) and renamed into place once complete. A ddq killed mid-write
//! (kill -9) cannot remove its temporary; the next ddq that writes the same target removes the
//! temporaries whose process is gone.

use std::path::{Path, PathBuf};

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
    if !Path::new("/proc/self").exists() {
        return;
    }
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
            && !Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes `bytes` to `path` whole: through a temporary, renamed into place.
pub fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    sweep_stale(path);
    let temp = temporary_path(path);
    std::fs::write(&temp, bytes)
        .and_then(|_| std::fs::rename(&temp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        })
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
}
