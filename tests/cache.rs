//! The scan cache and `persist()` over the real binary: a repeated statement reads the cached
//! copy (shown by changing a file behind the cache's back without changing its size or mtime),
//! a statement parses only the columns not cached yet, a changed size invalidates it, `cache`
//! and `cache clear` show and drop it, `--no-cache` and `cache_limit` bound it, and the
//! Section D workflow answers the same cold, warm, without a cache and with `persist()`.

mod common;

use common::{READ, Run, WORKFLOW, project_dir};
use std::path::{Path, PathBuf};

/// Runs `ddq ARGS` in `dir` with the cache in `cache`; fails the test unless it succeeds.
fn ddq(dir: &Path, cache: &Path, args: &[&str]) -> Run {
    let run = common::run(
        common::ddq_command(args)
            .current_dir(dir)
            .env("DDQ_CACHE_DIR", cache),
        None,
    );
    assert!(run.code == 0, "ddq {args:?} failed:\n{}", run.stderr);
    run
}

/// Files in the cache directory with the given extension, at any depth.
fn cache_files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(cache_files(&path, extension));
        } else if path.extension().is_some_and(|e| e == extension) {
            found.push(path);
        }
    }
    found
}

/// `dir/data/a.csv` and `dir/data/b.csv` with these texts; the `data` directory.
fn data_files(dir: &Path, a: &str, b: &str) -> PathBuf {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    std::fs::write(data.join("a.csv"), a).expect("write a");
    std::fs::write(data.join("b.csv"), b).expect("write b");
    data
}

/// Two small CSV files: `x` sums to 1 + 2 + 3 + 4 = 10.
fn two_files(dir: &Path) -> PathBuf {
    data_files(dir, "x,name\n1,aa\n2,bb\n", "x,name\n3,cc\n4,dd\n")
}

/// The bytes of the cache's entries.
fn cached_bytes(cache: &Path) -> u64 {
    cache_files(cache, "arrow")
        .iter()
        .map(|e| std::fs::metadata(e).map_or(0, |m| m.len()))
        .sum()
}

/// `touch -r`: gives `path` the modification time it had before being rewritten.
fn rewrite_keeping_size_and_mtime(path: &Path, text: &str) {
    let before = std::fs::metadata(path).expect("metadata");
    assert_eq!(
        before.len() as usize,
        text.len(),
        "the new text has the same size"
    );
    std::fs::write(path, text).expect("rewrite");
    std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open")
        .set_modified(before.modified().expect("mtime"))
        .expect("set mtime");
}

const SUM_X: &str = r#"ddf = read_csv("data/*.csv"); ddf.x.sum()"#;

#[test]
fn a_repeated_statement_reads_the_cache_until_a_file_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let data = two_files(dir.path());

    // Read once, a column is only marked; read again, it is cached.
    assert_eq!(ddq(dir.path(), &cache, &["-c", SUM_X]).stdout.trim(), "10");
    assert!(cache_files(&cache, "arrow").is_empty());
    assert_eq!(ddq(dir.path(), &cache, &["-c", SUM_X]).stdout.trim(), "10");
    assert_eq!(cache_files(&cache, "arrow").len(), 2);

    // Other digits, same size and mtime: the cached copy still answers.
    rewrite_keeping_size_and_mtime(&data.join("a.csv"), "x,name\n5,aa\n6,bb\n");
    assert_eq!(ddq(dir.path(), &cache, &["-c", SUM_X]).stdout.trim(), "10");

    // A new size: the file is parsed again, and (read twice) its stale copy is replaced.
    std::fs::write(data.join("a.csv"), "x,name\n5,aa\n6,bb\n7,ee\n").expect("grow");
    let twice = format!("{SUM_X}; ddf.x.sum()");
    assert_eq!(ddq(dir.path(), &cache, &["-c", &twice]).stdout, "25\n25\n");
    assert_eq!(cache_files(&cache, "arrow").len(), 2);
    assert!(cache_files(&cache, "tmp").is_empty());
}

#[test]
fn cache_lists_the_files_and_cache_clear_empties_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let data = two_files(dir.path());

    let empty = ddq(dir.path(), &cache, &["-c", "cache"]).stdout;
    assert!(empty.starts_with("the scan cache is empty"), "{empty}");

    ddq(
        dir.path(),
        &cache,
        &["-c", &format!("{SUM_X}; ddf.x.sum()")],
    );
    let listing = ddq(dir.path(), &cache, &["-c", "cache"]).stdout;
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 3, "{listing}");
    for (line, name) in lines.iter().zip(["a.csv", "b.csv"]) {
        let path = std::fs::canonicalize(data.join(name)).expect("canonical");
        assert!(line.starts_with(&path.display().to_string()), "{line}");
        assert!(line.contains("1 partition, 1 column"), "{line}");
        assert!(line.ends_with("used just now"), "{line}");
    }
    assert!(
        lines[2].starts_with("total: 2 files, 2 partitions"),
        "{listing}"
    );

    let cleared = ddq(dir.path(), &cache, &["-c", "cache clear"]).stdout;
    assert!(cleared.starts_with("removed 2 cached columns"), "{cleared}");
    assert!(cache_files(&cache, "arrow").is_empty());
    let after = ddq(dir.path(), &cache, &["-c", "cache"]).stdout;
    assert!(after.starts_with("the scan cache is empty"), "{after}");
}

#[test]
fn an_unwritable_cache_warns_once_and_answers() {
    let dir = tempfile::tempdir().expect("tempdir");
    two_files(dir.path());
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, "").expect("a file where the directory should be");
    let run = ddq(
        dir.path(),
        &blocked,
        &["-c", &format!("{SUM_X}; ddf.x.max()")],
    );
    assert_eq!(run.stdout, "10\n4\n");
    assert_eq!(
        run.stderr.matches("cannot write the scan cache").count(),
        1,
        "{}",
        run.stderr
    );
}

#[test]
fn the_workflow_answers_the_same_cold_warm_and_without_a_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let cold = ddq(project_dir(), &cache, &["run", WORKFLOW]).stdout;
    assert!(!cache_files(&cache, "arrow").is_empty());
    let warm = ddq(project_dir(), &cache, &["run", WORKFLOW]).stdout;
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, "").expect("write");
    let uncached = ddq(project_dir(), &blocked, &["run", WORKFLOW]).stdout;
    assert!(cold.lines().count() > 100, "{cold}");
    assert_eq!(cold, warm);
    assert_eq!(cold, uncached);
}

#[test]
fn persist_changes_no_answer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let script = std::fs::read_to_string(project_dir().join(WORKFLOW)).expect("workflow");
    let read_line = script
        .lines()
        .find(|l| l.starts_with("ddf = "))
        .expect("the workflow reads the data");
    let persisted = script.replacen(
        read_line,
        &format!("{read_line}\nddf = ddf.persist()\ndelays = ddf.DepDelay.persist()"),
        1,
    );
    let persisted_path = dir.path().join("persisted.q");
    std::fs::write(&persisted_path, persisted + "\ndelays.max()\n").expect("write script");
    let plain_path = dir.path().join("plain.q");
    std::fs::write(&plain_path, script + "\nddf.DepDelay.max()\n").expect("write script");

    let plain = ddq(
        project_dir(),
        &cache,
        &["run", &plain_path.display().to_string()],
    )
    .stdout;
    let kept = ddq(
        project_dir(),
        &cache,
        &["run", &persisted_path.display().to_string()],
    )
    .stdout;
    assert_eq!(plain, kept);
    // Persisted frames spill nothing at the default limit, and leave nothing behind.
    assert!(cache_files(&cache.join("persist"), "arrow").is_empty());
}

#[test]
fn persisted_frames_that_spill_answer_the_same_and_clean_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    // Eight copies of the sample: far more than half of the 24 MB memory limit once parsed.
    let files = ["\"data/nycflights/*.csv\""; 8].join(", ");
    let read = format!(
        "ddf = read_csv([{files}], dtype={{\"CRSElapsedTime\": \"float64\", \"TailNum\": \"object\", \"Cancelled\": \"bool\"}})"
    );
    let statements = "ddf.groupby(\"Origin\").DepDelay.mean()\nlen(ddf)\nddf.tail(3)\nddf.partitions[13].DepDelay.sum()\n";
    let plain_path = dir.path().join("plain.q");
    let persisted_path = dir.path().join("persisted.q");
    std::fs::write(&plain_path, format!("{read}\n{statements}")).expect("write");
    std::fs::write(
        &persisted_path,
        format!("{read}\nddf = ddf.persist()\n{statements}explain ddf\n"),
    )
    .expect("write");
    let run = |path: &Path| {
        ddq(
            project_dir(),
            &cache,
            &["--memory-limit", "24MB", "run", &path.display().to_string()],
        )
        .stdout
    };
    let plain = run(&plain_path);
    let persisted = run(&persisted_path);
    let (answers, explained) = persisted.split_at(plain.len().min(persisted.len()));
    assert_eq!(plain, answers);
    let kept = explained
        .lines()
        .find(|l| l.contains("DdqPersistExec"))
        .unwrap_or_else(|| panic!("no persisted scan in:\n{explained}"));
    assert!(!kept.contains(" 0 partitions spilled"), "{kept}");
    assert!(kept.contains("partitions spilled"), "{kept}");
    assert!(cache_files(&cache.join("persist"), "arrow").is_empty());
}

#[test]
fn cache_counts_partitions_as_npartitions_does_and_columns_by_type() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let data = project_dir().join("data/nycflights/*.csv");
    let read = format!("ddf = read_csv({:?})", data.to_string_lossy());
    let npartitions = ddq(
        dir.path(),
        &cache,
        &["-c", &format!("{read}; ddf.npartitions")],
    );
    assert_eq!(npartitions.stdout, "10\n");
    // Counting rows parses no column, so it caches nothing.
    ddq(dir.path(), &cache, &["-c", &format!("{read}; len(ddf)")]);
    assert!(cache_files(&cache, "arrow").is_empty());
    ddq(
        dir.path(),
        &cache,
        &[
            "-c",
            &format!("{read}; ddf.DepDelay.sum(); ddf.DepDelay.sum()"),
        ],
    );
    let listing = ddq(dir.path(), &cache, &["-c", "cache"]).stdout;
    let total = listing.lines().last().expect("a total line");
    assert!(
        total.starts_with("total: 10 files, 10 partitions, "),
        "{listing}"
    );
    assert_eq!(cache_files(&cache, "arrow").len(), 10);
    // The same column read as another type is cached again: more columns, not more
    // partitions. Now a cached column counts the rows.
    let typed = format!(
        "ddf = read_csv({:?}, dtype={{\"DepDelay\": \"float32\"}}); ddf.DepDelay.sum(); ddf.DepDelay.sum(); len(ddf)",
        data.to_string_lossy()
    );
    ddq(dir.path(), &cache, &["-c", &typed]);
    let listing = ddq(dir.path(), &cache, &["-c", "cache"]).stdout;
    assert_eq!(
        listing.matches("1 partition, 2 columns").count(),
        10,
        "{listing}"
    );
    assert_eq!(cache_files(&cache, "arrow").len(), 20);
}

/// Three columns: `x` sums to 10, `y` to 100.
fn three_columns(dir: &Path) -> PathBuf {
    data_files(
        dir,
        "x,name,y\n1,aa,10\n2,bb,20\n",
        "x,name,y\n3,cc,30\n4,dd,40\n",
    )
}

#[test]
fn a_statement_parses_only_its_columns_and_the_next_reuses_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let data = three_columns(dir.path());
    let read = r#"ddf = read_csv("data/*.csv")"#;
    let sum_x = ddq(
        dir.path(),
        &cache,
        &["-c", &format!("{read}; ddf.x.sum(); ddf.x.sum()")],
    );
    assert_eq!(sum_x.stdout, "10\n10\n");
    // One column of each of the two files.
    assert_eq!(cache_files(&cache, "arrow").len(), 2);

    // Other digits in a.csv, same size and mtime: what is cached still answers, and what is
    // not is parsed from the file as it is now, so the two can be told apart.
    rewrite_keeping_size_and_mtime(&data.join("a.csv"), "x,name,y\n5,aa,50\n6,bb,60\n");
    let both = ddq(
        dir.path(),
        &cache,
        &[
            "-c",
            &format!("{read}; ddf.x.sum(); ddf.y.sum(); ddf[['x', 'y']].sum()"),
        ],
    );
    assert_eq!(both.stdout, "10\n180\ncolumn,sum\nx,10\ny,180\n");
    assert_eq!(cache_files(&cache, "arrow").len(), 4);
    assert!(cache_files(&cache, "tmp").is_empty());
}

#[test]
fn a_session_holds_the_columns_it_read_until_a_file_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    three_columns(dir.path());
    let read = r#"ddf = read_csv("data/*.csv")"#;
    // Read once, x is held in memory (and only marked on disk); read again, it is answered from
    // memory and written to disk beside the query, before the process ends.
    let held = ddq(
        dir.path(),
        &cache,
        &["-c", &format!("{read}; ddf.x.sum(); cache; ddf.x.sum()")],
    );
    assert!(held.stdout.starts_with("10\n"), "{}", held.stdout);
    assert!(
        held.stdout
            .contains("held in memory by this session: 2 columns of partitions"),
        "{}",
        held.stdout
    );
    assert!(held.stdout.ends_with("10\n"), "{}", held.stdout);
    assert_eq!(cache_files(&cache, "arrow").len(), 2);

    // The session writes a.csv anew (another size and time): what it held of the old file is
    // not used, and the new file is read; the first rows of a held frame come from memory too.
    let rewrite = format!(
        "{read}; ddf.x.sum(); ddf.y.sum(); ddf.head(1); \
         read_csv(\"data/b.csv\").to_csv(\"data/a.csv\", single_file=True, index=False); \
         ddf = read_csv(\"data/*.csv\"); ddf.x.sum(); ddf.y.sum()"
    );
    let after = ddq(dir.path(), &cache, &["--format", "csv", "-c", &rewrite]);
    assert_eq!(
        after.stdout, "10\n100\nx,name,y\n1,aa,10\n14\n140\n",
        "{}",
        after.stderr
    );
    let off = ddq(
        dir.path(),
        &cache,
        &["--no-cache", "-c", &format!("{read}; ddf.x.sum(); cache")],
    );
    assert!(!off.stdout.contains("held in memory"), "{}", off.stdout);
}

#[test]
fn no_cache_and_set_cache_off_write_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    three_columns(dir.path());
    let read = r#"ddf = read_csv("data/*.csv")"#;
    let off = ddq(
        dir.path(),
        &cache,
        &["--no-cache", "-c", &format!("{read}; ddf.x.sum()")],
    );
    assert_eq!(off.stdout, "10\n");
    assert!(cache_files(&cache, "arrow").is_empty());
    let statements = format!(
        "set cache off; {read}; ddf.x.sum(); ddf.x.sum(); set cache on; ddf.y.sum(); ddf.y.sum()"
    );
    let set = ddq(dir.path(), &cache, &["-c", &statements]);
    assert_eq!(set.stdout, "10\n10\n100\n100\n");
    // Only y, read twice once the cache was on again.
    assert_eq!(cache_files(&cache, "arrow").len(), 2);
}

#[test]
fn the_cache_stays_under_its_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let limit: u64 = 150_000;
    let run = ddq(
        project_dir(),
        &cache,
        &["--cache-limit", "150kB", "run", WORKFLOW],
    );
    assert!(run.stdout.lines().count() > 100, "{}", run.stdout);
    let bytes = cached_bytes(&cache);
    assert!(
        !cache_files(&cache, "arrow").is_empty(),
        "nothing was cached under the limit"
    );
    assert!(
        bytes <= limit,
        "{bytes} bytes cached, over the {limit} limit"
    );
    let listing = ddq(
        project_dir(),
        &cache,
        &["--cache-limit", "150kB", "-c", "cache"],
    )
    .stdout;
    assert!(listing.contains("of the 150kB cache_limit"), "{listing}");
}

#[test]
fn the_cache_takes_less_disk_than_the_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    // Every column of every file, twice.
    let statement = format!("{READ}; ddf.describe(include='all'); ddf.describe(include='all')");
    ddq(project_dir(), &cache, &["-c", &statement]);
    let cached = cached_bytes(&cache);
    let csv: u64 = std::fs::read_dir(project_dir().join("data/nycflights"))
        .expect("the sample data")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "csv"))
        .map(|e| e.metadata().map_or(0, |m| m.len()))
        .sum();
    assert!(cached > 0);
    assert!(
        cached <= csv,
        "the cache takes {cached} bytes for {csv} bytes of CSV"
    );
}

#[test]
fn spill_files_of_killed_processes_go_at_the_next_start_and_by_cache_clear() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let cache = dir.path().join("cache");
    // What a ddq killed mid-sort leaves: its spill directory, named by a process id that no
    // longer runs (above any pid_max).
    let leave_spills = || {
        let left = cache.join("spill").join("999999999").join("datafusion-x");
        std::fs::create_dir_all(&left).expect("a spill directory");
        std::fs::write(left.join("sort.arrow"), b"spilled rows").expect("a spill file");
    };
    leave_spills();
    // The next ddq removes them; its own spill directory goes when it ends.
    let sort = format!("{READ}; ddf.sort_values(\"DepDelay\").DepDelay.iloc[0]");
    let run = ddq(
        project_dir(),
        &cache,
        &["--memory-limit", "64MB", "-c", &sort],
    );
    assert_eq!(run.stdout.trim(), "-15.0");
    let spill = cache.join("spill");
    let left: Vec<_> = std::fs::read_dir(&spill)
        .map(|entries| entries.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "spill directories left: {left:?}");

    leave_spills();
    let cleared = ddq(dir.path(), &cache, &["-c", "cache clear"]);
    assert!(
        !cache.join("spill").join("999999999").exists(),
        "{}",
        cleared.stdout
    );
}

#[test]
fn two_processes_filling_the_same_entries_at_once_agree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    // Twice: the second read writes the cache.
    let mean = "ddf.groupby(\"Origin\").DepDelay.mean()";
    let statement = format!("{READ}; {mean}; {mean}");
    let start = || {
        common::ddq_command(&["-c", &statement])
            .current_dir(project_dir())
            .env("DDQ_CACHE_DIR", &cache)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start ddq")
    };
    let (first, second) = (start(), start());
    let answers: Vec<String> = [first, second]
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().expect("wait");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).expect("utf-8")
        })
        .collect();
    assert_eq!(answers[0], answers[1]);
    assert!(cache_files(&cache, "tmp").is_empty());
    // What they left reads back whole: the same answer from the cache alone.
    let again = ddq(project_dir(), &cache, &["-c", &statement]).stdout;
    assert_eq!(again, answers[0]);
    assert!(!cache_files(&cache, "arrow").is_empty());
}

/// Zeroes everything of an Arrow IPC file but its footer (its schema, blocks and metadata) and
/// the magic at both ends: its values no longer decode, what its footer says still reads.
fn zero_all_but_the_footer(entry: &Path) {
    let mut bytes = std::fs::read(entry).expect("read entry");
    let end = bytes.len() - 10;
    let footer_len = i32::from_le_bytes(bytes[end..end + 4].try_into().expect("4 bytes")) as usize;
    bytes[8..end - footer_len].fill(0);
    std::fs::write(entry, bytes).expect("write entry");
}

#[test]
fn count_takes_the_missing_values_of_cached_columns_from_their_entries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let data = data_files(
        dir.path(),
        "year,month,day,x,name\n2020,1,5,1,aa\n2020,1,6,,bb\n",
        "year,month,day,x,name\n2020,2,1,3,\n2020,2,2,4,dd\n",
    );
    let read = r#"ddf = read_csv("data/*.csv", parse_dates={"d": [0, 1, 2]})"#;
    let counts = "column,count\nd,4\nx,3\nname,3\n";
    // Read twice, every column is cached, with its count of missing values.
    let twice = format!("{read}; ddf.count(); ddf.count()");
    assert_eq!(
        ddq(dir.path(), &cache, &["-c", &twice]).stdout,
        format!("{counts}{counts}")
    );
    // A filter in between reads the values.
    let filtered = format!("{read}; ddf[ddf.name != \"bb\"].count()");
    assert_eq!(
        ddq(dir.path(), &cache, &["-c", &filtered]).stdout,
        "column,count\nd,3\nx,3\nname,2\n"
    );

    // `x` missing in both rows of a.csv now (same size and mtime), and no entry's values
    // decode any more: the plain columns' counts still come from the entries' footers, the
    // date's from its parts, parsed again.
    rewrite_keeping_size_and_mtime(
        &data.join("a.csv"),
        "year,month,day,x,name\n2020,1,5,,aaa\n2020,1,6,,bb\n",
    );
    let entries = cache_files(&cache, "arrow");
    assert_eq!(entries.len(), 10);
    entries.iter().for_each(|e| zero_all_but_the_footer(e));
    let count = format!("{read}; ddf.count()");
    assert_eq!(ddq(dir.path(), &cache, &["-c", &count]).stdout, counts);
    // Decoding `x` fails, so its entries go and the files are parsed as they are now; what
    // count() takes is the note each column's marker kept from its first read.
    let sum = format!("{read}; ddf.x.sum(); ddf.count()");
    assert_eq!(
        ddq(dir.path(), &cache, &["-c", &sum]).stdout,
        format!("7.0\n{counts}")
    );
}

#[test]
fn count_after_one_read_takes_the_counts_noted_when_the_columns_were_parsed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let data = data_files(dir.path(), "x,name\n1,aa\n,bb\n", "x,name\n3,\n4,dd\n");
    let count = r#"ddf = read_csv("data/*.csv"); ddf.count()"#;
    let counts = "column,count\nx,3\nname,3\n";
    // Read once: no entry is written, but each column's marker notes its counts.
    assert_eq!(ddq(dir.path(), &cache, &["-c", count]).stdout, counts);
    assert!(cache_files(&cache, "arrow").is_empty());
    // Behind the cache's back (same size and mtime) `x` is missing once more: the notes answer.
    rewrite_keeping_size_and_mtime(&data.join("a.csv"), "x,name\n,aaa\n,bb\n");
    assert_eq!(ddq(dir.path(), &cache, &["-c", count]).stdout, counts);
    let fresh = ddq(dir.path(), &cache, &["--no-cache", "-c", count]);
    assert_eq!(fresh.stdout, "column,count\nx,2\nname,3\n");
}
