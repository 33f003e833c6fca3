//! Turns the user's paths and globs into the ordered list of files a table reads, with the
//! ordering Dask uses (each glob's matches sorted as strings, patterns in the order given).
//! `s3://` and `https://` patterns become local copies of their objects (see `remote`).

use super::remote;
use crate::error::{DdqError, Result};
use glob::MatchOptions;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// Every file named by `patterns`: plain paths must exist, globs must match at least one file.
pub(crate) fn expand_patterns(patterns: &[String]) -> Result<Vec<PathBuf>> {
    if patterns.is_empty() {
        return Err(DdqError::input("no file or glob given"));
    }
    let mut files = Vec::new();
    for pattern in patterns {
        if remote::is_remote(pattern) {
            files.extend(remote::local_copies(pattern)?);
        } else if is_glob(pattern) {
            files.extend(expand_glob(pattern)?);
        } else {
            files.push(existing_file(pattern)?);
        }
    }
    Ok(files)
}

/// The text of a path as it appears in messages: as the user wrote it (relative stays relative,
/// the local copy of a remote object is its URL).
pub(crate) fn display(path: &Path) -> String {
    remote::url_of(path).unwrap_or_else(|| path.display().to_string())
}

pub(super) fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '['])
}

fn expand_glob(pattern: &str) -> Result<Vec<PathBuf>> {
    // Like Python's glob: `*` does not match hidden files.
    let options = MatchOptions {
        require_literal_leading_dot: true,
        ..MatchOptions::new()
    };
    let entries = glob::glob_with(pattern, options)
        .map_err(|e| DdqError::input(format!("invalid glob {pattern:?}: {e}")))?;
    let mut matches = Vec::new();
    let mut directories = 0;
    for entry in entries {
        let path = entry.map_err(|e| {
            DdqError::input(format!("cannot read {}: {}", display(e.path()), e.error()))
        })?;
        // A directory holds no rows of its own: skipped. Anything else that is not a file (a
        // FIFO would block the read, a dangling link has nothing behind it) is an error.
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => directories += 1,
            _ => matches.push(regular_file(&path)?),
        }
    }
    if matches.is_empty() {
        let help = match directories {
            0 => "globs are relative to the directory ddq was started in".to_string(),
            n => format!("it matches {n} directories only; to read the files in them, add /*.csv"),
        };
        return Err(DdqError::input(format!("no files match {pattern:?}")).with_help(help));
    }
    // Python sorts the strings; PathBuf's own order compares components and differs for `-`.
    matches.sort_by_cached_key(|p| p.to_string_lossy().into_owned());
    Ok(matches)
}

fn existing_file(name: &str) -> Result<PathBuf> {
    let path = PathBuf::from(name);
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => Err(DdqError::input(format!(
            "{name} is a directory, not a file"
        ))
        .with_help(format!(
            "to read every CSV file in it, use \"{name}/*.csv\""
        ))),
        _ => regular_file(&path),
    }
}

/// `path` if it is a regular file (or a link to one); otherwise an error saying what it is.
fn regular_file(path: &Path) -> Result<PathBuf> {
    let name = display(path);
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(path.to_path_buf()),
        Ok(meta) => Err(DdqError::input(format!(
            "{name} is {}, not a regular file",
            special_kind(&meta.file_type())
        ))
        .with_help("ddq reads CSV and Parquet files; copy the data into a file first")),
        Err(e) if e.kind() == ErrorKind::NotFound => match std::fs::read_link(path) {
            Ok(target) => Err(DdqError::input(format!(
                "{name} is a symbolic link to {}, which does not exist",
                target.display()
            ))),
            Err(_) => Err(DdqError::input(format!("file not found: {name}"))),
        },
        Err(e) => Err(DdqError::input(format!("cannot read {name}: {e}"))),
    }
}

/// What a path that is neither a file nor a directory is, in a message.
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    let _ = kind;
    "a special file"
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn touch(dir: &Path, name: &str) {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(path, "a\n1\n").expect("write");
    }

    #[test]
    fn globs_are_sorted_as_strings_and_patterns_keep_their_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in [
            "b.csv",
            "a-1.csv",
            "a/x.csv",
            "a.csv",
            ".hidden.csv",
            "sub/deep/c.csv",
        ] {
            touch(dir.path(), name);
        }
        let root = dir.path().display().to_string();
        let found =
            expand_patterns(&[format!("{root}/*.csv"), format!("{root}/a.csv")]).expect("expand");
        let names: Vec<String> = found
            .iter()
            .map(|p| {
                p.strip_prefix(dir.path())
                    .expect("prefix")
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(names, ["a-1.csv", "a.csv", "b.csv", "a.csv"]);

        let deep = expand_patterns(&[format!("{root}/**/c.csv")]).expect("expand");
        assert_eq!(deep.len(), 1);
    }

    #[test]
    fn a_glob_matching_nothing_names_the_pattern() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pattern = format!("{}/*.csv", dir.path().display());
        let err = expand_patterns(std::slice::from_ref(&pattern)).expect_err("no match");
        assert_eq!(err.kind, crate::error::ErrorKind::Input);
        assert!(err.message.contains(&pattern), "{}", err.message);
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_dangling_links_are_named_directories_in_a_glob_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        touch(root, "a.csv");
        fs::create_dir(root.join("d.csv")).expect("mkdir");
        let fifo = root.join("p.csv");
        let c_path = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("no NUL");
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        let pattern = |name: &str| format!("{}/{name}", root.display());

        let err = expand_patterns(&[pattern("p.csv")]).expect_err("a FIFO");
        assert!(
            err.message
                .ends_with("p.csv is a FIFO (named pipe), not a regular file"),
            "{}",
            err.message
        );
        let err = expand_patterns(&[pattern("*.csv")]).expect_err("a FIFO in the glob");
        assert!(err.message.contains("FIFO"), "{}", err.message);
        fs::remove_file(&fifo).expect("rm");

        let found = expand_patterns(&[pattern("*.csv")]).expect("the directory is skipped");
        assert_eq!(found, [root.join("a.csv")]);
        let err = expand_patterns(&[pattern("d.csv")]).expect_err("a directory");
        assert!(
            err.message.ends_with("d.csv is a directory, not a file"),
            "{}",
            err.message
        );

        std::os::unix::fs::symlink(root.join("gone.csv"), root.join("l.csv")).expect("ln");
        let err = expand_patterns(&[pattern("*.csv")]).expect_err("a dangling link");
        assert!(
            err.message.contains("l.csv is a symbolic link to"),
            "{}",
            err.message
        );
        assert!(
            err.message.ends_with("gone.csv, which does not exist"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_missing_file_is_named() {
        let err = expand_patterns(&["no/such/file.csv".to_string()]).expect_err("missing");
        assert_eq!(err.message, "file not found: no/such/file.csv");
    }
}
