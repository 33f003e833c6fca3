//! Correctness of ddq against pandas: runs every task of every reference suite through the real
//! binary on the committed sample (`data/nycflights/`) and compares its CSV output with the answer
//! pandas gives, written by `tests/reference/make_reference.py` into one directory per suite:
//! `nycflights/` holds the tasks of the workflow `queries/nycflights.q` (which must not drift
//! apart from it), `operations/` one small task per operation of the language, `snippets/` the
//! pandas and Dask documentation examples ddq answers as pandas does.
//!
//! A suite's `tasks.tsv` names each task, how to compare it (`exact`, or `sample` for a random
//! sample) and the ddq statements that produce it; every task runs after the suite's prelude.
//! Cells compare as numbers when both sides parse as numbers, so `1434` and `1434.0` agree and
//! float noise below 1e-9 is forgiven; timestamps agree within a microsecond (see
//! [`timestamps_agree`]).

mod common;

use common::{WORKFLOW, http_get, project_path};
use std::collections::HashSet;
use std::io::Read;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

const REFERENCE_ROOT: &str = "tests/reference";
/// The file in a suite directory that lists its tasks; a directory with one is a suite.
const TASKS_FILE_NAME: &str = "tasks.tsv";
/// The statements a suite's tasks run first, unless it takes the workflow's read.
const PRELUDE_FILE_NAME: &str = "prelude.q";
/// ddq runs its queries on all cores anyway; more tasks at once would only queue up.
const MAX_TASKS_AT_ONCE: usize = 4;
const RELATIVE_TOLERANCE: f64 = 1e-9;
/// A hung query must fail its task, not stall the whole test run.
const TASK_TIMEOUT: Duration = Duration::from_secs(180);
/// Enough mismatches to see a pattern without flooding the report.
const MISMATCHES_SHOWN_PER_TASK: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// Same header, same rows in the same order.
    Exact,
    /// Same header and row count; every row must be a row of the sampled frame.
    Sample,
}

/// Where a suite's tasks get the statements they run first.
#[derive(Debug, Clone, Copy)]
enum Prelude {
    /// The `read_csv` statement of `queries/nycflights.q`, so the workflow's tasks read exactly
    /// as the workflow does.
    WorkflowRead,
    /// The statements of the suite's `prelude.q`.
    File,
}

#[derive(Debug, Clone, Copy)]
struct Suite {
    /// The directory under `tests/reference/`.
    name: &'static str,
    prelude: Prelude,
}

const WORKFLOW_SUITE: Suite = Suite {
    name: "nycflights",
    prelude: Prelude::WorkflowRead,
};
const OPERATIONS_SUITE: Suite = Suite {
    name: "operations",
    prelude: Prelude::File,
};
/// Examples from pandas' and Dask's documentation that ddq answers as pandas does
/// (`benches/snippets/`, kept by `tests/reference/snippet_tasks.py`).
const SNIPPETS_SUITE: Suite = Suite {
    name: "snippets",
    prelude: Prelude::File,
};
/// Every suite; `every_suite_directory_is_run` keeps this in step with `tests/reference/`.
const SUITES: [Suite; 3] = [WORKFLOW_SUITE, OPERATIONS_SUITE, SNIPPETS_SUITE];

impl Suite {
    fn file(&self, file_name: &str) -> String {
        format!("{REFERENCE_ROOT}/{}/{file_name}", self.name)
    }

    fn tasks_file(&self) -> String {
        self.file(TASKS_FILE_NAME)
    }

    /// The statements every task of the suite runs first, `; `-joined.
    fn prelude(&self) -> String {
        match self.prelude {
            Prelude::WorkflowRead => read_statement(&workflow_statements()),
            Prelude::File => {
                let file = self.file(PRELUDE_FILE_NAME);
                let statements = code_lines(&read_text(&file));
                assert!(!statements.is_empty(), "{file} has no statement");
                statements.join("; ")
            }
        }
    }
}

#[derive(Debug)]
struct Task {
    name: String,
    mode: Mode,
    /// ddq statements, `; `-separated, exactly as they appear in the workflow.
    statements: String,
}

type Table = Vec<Vec<String>>;

fn read_text(relative: &str) -> String {
    let path = project_path(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn parse_task_line(line: &str) -> Result<Task, String> {
    let fields: Vec<&str> = line.split('\t').collect();
    let [name, mode, statements] = fields[..] else {
        return Err(format!(
            "expected `name<TAB>mode<TAB>statements`, found {line:?}"
        ));
    };
    let mode = match mode {
        "exact" => Mode::Exact,
        "sample" => Mode::Sample,
        other => return Err(format!("expected mode exact or sample, found {other:?}")),
    };
    Ok(Task {
        name: name.to_string(),
        mode,
        statements: statements.to_string(),
    })
}

fn read_tasks(suite: &Suite) -> Vec<Task> {
    let file = suite.tasks_file();
    let tasks: Vec<Task> = read_text(&file)
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| parse_task_line(line).unwrap_or_else(|e| panic!("{file}: {e}")))
        .collect();
    assert!(!tasks.is_empty(), "{file} lists no task");
    tasks
}

/// A ddq script's statements, one per line, without comments and blank lines.
fn code_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_string)
        .collect()
}

fn workflow_statements() -> Vec<String> {
    code_lines(&read_text(WORKFLOW))
}

/// The workflow's `ddf = dd.read_csv(...)` line, which every workflow task runs first.
fn read_statement(statements: &[String]) -> String {
    statements
        .iter()
        .find(|s| s.contains("read_csv("))
        .unwrap_or_else(|| panic!("{WORKFLOW} has no read_csv statement"))
        .clone()
}

/// Statements after the read, which the tasks must cover between them.
fn statements_after_read(statements: &[String]) -> &[String] {
    let read_at = statements
        .iter()
        .position(|s| s.contains("read_csv("))
        .unwrap_or_else(|| panic!("{WORKFLOW} has no read_csv statement"));
    &statements[read_at + 1..]
}

fn split_statements(joined: &str) -> Vec<&str> {
    joined.split("; ").map(str::trim).collect()
}

fn drain<R: Read + Send + 'static>(mut pipe: R) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        // A read error just truncates what we report; the exit status still tells the story.
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Runs `ddq --format csv FLAGS -c PROGRAM` from the project root; returns stdout or why it
/// failed.
fn run_ddq(flags: &[String], program: &str) -> Result<String, String> {
    let mut child = common::ddq_command(&["--format", "csv"])
        .args(flags)
        .args(["-c", program])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start ddq: {e}"))?;
    let stdout = drain(child.stdout.take().expect("stdout is piped"));
    let stderr = drain(child.stderr.take().expect("stderr is piped"));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TASK_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("ddq took longer than {TASK_TIMEOUT:?}"));
            }
            Ok(None) => thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("cannot wait for ddq: {e}")),
        }
    };
    let stdout = String::from_utf8_lossy(&stdout.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&stderr.join().unwrap_or_default()).into_owned();
    if !status.success() {
        return Err(format!("ddq exited with {status}; stderr:\n{stderr}"));
    }
    Ok(stdout)
}

/// All records, the header included as the first (a scalar answer is a lone "header" cell).
fn parse_csv(text: &str) -> Result<Table, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|record| {
            record
                .map(|r| r.iter().map(str::to_string).collect())
                .map_err(|e| format!("not valid CSV: {e}"))
        })
        .collect()
}

fn numbers_agree(a: f64, b: f64) -> bool {
    if a == b {
        return true;
    }
    let scale = a.abs().max(b.abs());
    if a == 0.0 || b == 0.0 {
        return (a - b).abs() <= RELATIVE_TOLERANCE;
    }
    (a - b).abs() <= RELATIVE_TOLERANCE * scale
}

/// Empty cells are nulls; numbers compare by value; anything else as text.
fn cells_equal(expected: &str, actual: &str) -> bool {
    if expected.is_empty() || actual.is_empty() {
        return expected.is_empty() && actual.is_empty();
    }
    match (expected.parse::<f64>(), actual.parse::<f64>()) {
        // A printed NaN (`nan`) is the same answer on both sides.
        (Ok(a), Ok(b)) if a.is_nan() || b.is_nan() => a.is_nan() && b.is_nan(),
        (Ok(a), Ok(b)) => numbers_agree(a, b),
        _ => expected == actual || timestamps_agree(expected, actual),
    }
}

/// A mean or quantile of datetimes is taken in float64 by pandas (about 100 ns of noise at
/// today's dates), in exact arithmetic by ddq: the two agree within a microsecond.
fn timestamps_agree(expected: &str, actual: &str) -> bool {
    let parse = |text: &str| {
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
            .ok()
            .and_then(|t| t.and_utc().timestamp_nanos_opt())
    };
    match (parse(expected), parse(actual)) {
        (Some(a), Some(b)) => (a - b).abs() <= 1_000,
        _ => false,
    }
}

/// The name of column `index` for messages, from the reference header when it has one.
fn column_name(header: &[String], index: usize) -> String {
    match header.get(index) {
        Some(name) => format!("{index} ({name})"),
        None => index.to_string(),
    }
}

/// Every differing cell of one row; `row` is 0 for the header, then 1-based data rows.
fn row_mismatches(
    header: &[String],
    row: usize,
    expected: &[String],
    actual: &[String],
) -> Vec<String> {
    if expected.len() != actual.len() {
        return vec![format!(
            "row {row}: expected {} cells {expected:?}, found {} cells {actual:?}",
            expected.len(),
            actual.len()
        )];
    }
    expected
        .iter()
        .zip(actual)
        .enumerate()
        .filter(|(_, (e, a))| !cells_equal(e, a))
        .map(|(column, (e, a))| {
            format!(
                "row {row}, column {}: expected {e:?}, found {a:?}",
                column_name(header, column)
            )
        })
        .collect()
}

fn summarize(mut problems: Vec<String>) -> Result<(), String> {
    if problems.is_empty() {
        return Ok(());
    }
    let hidden = problems.len().saturating_sub(MISMATCHES_SHOWN_PER_TASK);
    problems.truncate(MISMATCHES_SHOWN_PER_TASK);
    if hidden > 0 {
        problems.push(format!("... and {hidden} more"));
    }
    Err(problems.join("\n    "))
}

fn compare_exact(expected: &Table, actual: &Table) -> Result<(), String> {
    let header = expected.first().cloned().unwrap_or_default();
    let mut problems = Vec::new();
    if expected.len() != actual.len() {
        problems.push(format!(
            "expected {} data rows, found {}",
            expected.len().saturating_sub(1),
            actual.len().saturating_sub(1)
        ));
    }
    for (row, (e, a)) in expected.iter().zip(actual).enumerate() {
        problems.extend(row_mismatches(&header, row, e, a));
    }
    summarize(problems)
}

/// A row as a set key: numbers by value, so `64` and `64.0` are the same row.
fn canonical_row(row: &[String]) -> Vec<String> {
    row.iter()
        .map(|cell| match cell.parse::<f64>() {
            Ok(number) if !cell.is_empty() => format!("{number:?}"),
            _ => cell.clone(),
        })
        .collect()
}

fn compare_sample(expected: &Table, actual: &Table, population: &Table) -> Result<(), String> {
    let header = expected.first().cloned().unwrap_or_default();
    let mut problems = Vec::new();
    match actual.first() {
        Some(found) => problems.extend(row_mismatches(&header, 0, &header, found)),
        None => problems.push("expected a header, found no output".to_string()),
    }
    if expected.len() != actual.len() {
        problems.push(format!(
            "expected a sample of {} rows, found {}",
            expected.len().saturating_sub(1),
            actual.len().saturating_sub(1)
        ));
    }
    let known: HashSet<Vec<String>> = population
        .iter()
        .skip(1)
        .map(|r| canonical_row(r))
        .collect();
    for (row, found) in actual.iter().enumerate().skip(1) {
        if !known.contains(&canonical_row(found)) {
            problems.push(format!(
                "row {row}: {found:?} is not a row of the sampled frame"
            ));
        }
    }
    summarize(problems)
}

fn reference_table(suite: &Suite, file_name: &str) -> Result<Table, String> {
    let relative = suite.file(file_name);
    let path = project_path(&relative);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse_csv(&text).map_err(|e| format!("{relative}: {e}"))
}

fn check_task(suite: &Suite, prelude: &str, task: &Task, flags: &[String]) -> Result<(), String> {
    let expected = reference_table(suite, &format!("{}.csv", task.name))?;
    let program = format!("{prelude}; {}", task.statements);
    let stdout = run_ddq(flags, &program)?;
    let actual = parse_csv(&stdout).map_err(|e| format!("ddq output: {e}"))?;
    match task.mode {
        Mode::Exact => compare_exact(&expected, &actual),
        Mode::Sample => {
            let population = reference_table(suite, &format!("{}.population.csv", task.name))?;
            compare_sample(&expected, &actual, &population)
        }
    }
}

/// `check(item)` for every item, a few at a time, the results in the items' order.
fn map_in_parallel<T: Sync, R: Send>(items: &[T], check: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_TASKS_AT_ONCE);
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(index) else {
                            return done;
                        };
                        done.push((index, check(item)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("a task checker panicked"))
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Runs every task of the suite (with `flags` on ddq's command line) and fails with the report
/// of every task that differs.
fn assert_suite_matches_pandas(suite: &Suite, flags: &[String]) {
    let prelude = suite.prelude();
    let tasks = read_tasks(suite);
    let failures: Vec<String> = map_in_parallel(&tasks, |task| {
        check_task(suite, &prelude, task, flags)
            .err()
            .map(|why| format!("task {} ({}):\n    {why}", task.name, task.statements))
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(
        failures.is_empty(),
        "{} of {} tasks of the {} suite differ from pandas:\n\n{}",
        failures.len(),
        tasks.len(),
        suite.name,
        failures.join("\n\n")
    );
}

#[test]
fn ddq_matches_pandas_on_every_workflow_task() {
    assert_suite_matches_pandas(&WORKFLOW_SUITE, &[]);
}

#[test]
fn ddq_matches_pandas_on_every_operation_task() {
    assert_suite_matches_pandas(&OPERATIONS_SUITE, &[]);
}

#[test]
fn ddq_matches_pandas_on_every_documentation_snippet() {
    assert_suite_matches_pandas(&SNIPPETS_SUITE, &[]);
}

/// `count` different free loopback ports (each listener is held until all are picked, or the
/// next bind could hand out one just closed).
fn free_ports(count: usize) -> Vec<u16> {
    let held: Vec<std::net::TcpListener> = (0..count)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("a free loopback port"))
        .collect();
    held.iter()
        .map(|l| l.local_addr().expect("a bound address").port())
        .collect()
}

/// `ddq scheduler` and two `ddq worker`s on loopback, stopped (workers first) on drop.
struct Cluster {
    address: String,
    processes: Vec<std::process::Child>,
}

impl Cluster {
    fn start() -> Cluster {
        let mut ports = free_ports(5).into_iter();
        let address = format!("127.0.0.1:{}", ports.next().unwrap());
        let spawn = |args: &[&str]| {
            common::ddq_command(args)
                .arg("--exit-with-parent")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("a cluster process starts")
        };
        let mut cluster = Cluster {
            processes: vec![spawn(&["scheduler", "--bind", &address])],
            address,
        };
        for _ in 0..2 {
            let bind = format!("127.0.0.1:{}", ports.next().unwrap());
            let grpc = ports.next().unwrap().to_string();
            let scheduler = cluster.address.clone();
            cluster.processes.push(spawn(&[
                "worker",
                "--scheduler",
                &scheduler,
                "--bind",
                &bind,
                "--grpc-port",
                &grpc,
                "--threads",
                "1",
            ]));
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while cluster.registered_workers() < 2 {
            assert!(Instant::now() < deadline, "the workers never registered");
            thread::sleep(Duration::from_millis(50));
        }
        cluster
    }

    /// Workers the scheduler's REST API lists.
    fn registered_workers(&self) -> usize {
        // One `last_seen` per worker.
        http_get(&self.address, "/api/executors")
            .matches("\"last_seen\"")
            .count()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for process in self.processes.iter_mut().rev() {
            let _ = process.kill();
            let _ = process.wait();
        }
    }
}

/// Every task of every suite again, on a Ballista cluster of two worker processes: plans cross
/// process boundaries (serialised with ddq's codecs) and tasks split the partitions, yet every
/// answer must still be pandas'.
#[test]
fn ddq_on_a_cluster_matches_pandas_on_every_task() {
    let cluster = Cluster::start();
    let flags: Vec<String> = ["--scheduler", "distributed", "--address", &cluster.address]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for suite in &SUITES {
        assert_suite_matches_pandas(suite, &flags);
    }
}

/// A suite directory that `SUITES` does not name would silently never run.
#[test]
fn every_suite_directory_is_run() {
    let root = project_path(REFERENCE_ROOT);
    let entries =
        std::fs::read_dir(&root).unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()));
    let mut on_disk: Vec<String> = entries
        .map(|entry| entry.unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display())))
        .filter(|entry| entry.path().join(TASKS_FILE_NAME).is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut known: Vec<String> = SUITES.iter().map(|s| s.name.to_string()).collect();
    known.sort();
    assert_eq!(
        on_disk, known,
        "the suite directories under {REFERENCE_ROOT} and SUITES disagree"
    );
}

#[test]
fn tasks_and_workflow_have_the_same_statements() {
    let workflow = workflow_statements();
    let after_read = statements_after_read(&workflow);
    let tasks = read_tasks(&WORKFLOW_SUITE);
    let tasks_file = WORKFLOW_SUITE.tasks_file();
    let mut problems = Vec::new();
    let mut covered = HashSet::new();
    for task in &tasks {
        for statement in split_statements(&task.statements) {
            if !after_read.iter().any(|s| s == statement) {
                problems.push(format!(
                    "task {}: `{statement}` is not in {WORKFLOW}",
                    task.name
                ));
            }
            covered.insert(statement.to_string());
        }
    }
    for statement in after_read {
        if !covered.contains(statement) && !statement.starts_with("import ") {
            problems.push(format!(
                "`{statement}` in {WORKFLOW} has no task in {tasks_file}"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{tasks_file} and {WORKFLOW} have drifted apart (rerun tests/reference/regenerate.sh):\n{}",
        problems.join("\n")
    );
}

/// The operations suite must read the data exactly as the workflow does, since pandas' side
/// reads it once for both (`read_flights` in make_reference.py).
#[test]
fn operations_prelude_is_the_workflow_read() {
    let workflow_read = read_statement(&workflow_statements()).replace("dd.read_csv(", "read_csv(");
    assert_eq!(
        OPERATIONS_SUITE.prelude(),
        workflow_read,
        "rerun tests/reference/regenerate.sh"
    );
}

#[test]
fn every_task_has_a_reference_answer() {
    for suite in &SUITES {
        let mut names = HashSet::new();
        for task in read_tasks(suite) {
            assert!(
                names.insert(task.name.clone()),
                "{} lists task {} twice",
                suite.tasks_file(),
                task.name
            );
            let table = reference_table(suite, &format!("{}.csv", task.name))
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(
                !table.is_empty(),
                "the reference answer of {}/{} is empty",
                suite.name,
                task.name
            );
            if task.mode == Mode::Sample {
                reference_table(suite, &format!("{}.population.csv", task.name))
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
}

#[test]
fn numbers_compare_by_value_and_text_by_spelling() {
    assert!(cells_equal("1434", "1434.0"));
    assert!(cells_equal("0.30000000000000004", "0.3"));
    assert!(cells_equal("", ""));
    assert!(cells_equal("True", "True"));
    assert!(cells_equal("0", "0.0"));
    assert!(!cells_equal("0.1", "0.1000001"));
    assert!(!cells_equal("0", "1e-6"));
    assert!(!cells_equal("", "0"));
    assert!(!cells_equal("True", "true"));
    assert!(!cells_equal("1990-01-01", "1990-01-01 00:00:00"));
    assert!(cells_equal(
        "1995-01-28 05:18:27.692307712",
        "1995-01-28 05:18:27.692307692"
    ));
    assert!(!cells_equal(
        "1995-01-28 05:18:27.692307712",
        "1995-01-28 05:18:27.692309"
    ));
}

#[test]
fn exact_comparison_names_row_column_and_both_values() {
    let expected = parse_csv("Origin,Origin\nEWR,6949\nJFK,6712\n").unwrap();
    let same = parse_csv("Origin,Origin\nEWR,6949.0\nJFK,6712\n").unwrap();
    let wrong = parse_csv("Origin,Origin\nEWR,6949\nJFK,6713\n").unwrap();
    let short = parse_csv("Origin,Origin\nEWR,6949\n").unwrap();
    assert_eq!(compare_exact(&expected, &same), Ok(()));
    let report = compare_exact(&expected, &wrong).unwrap_err();
    assert!(report.contains("row 2, column 1 (Origin)"), "{report}");
    assert!(
        report.contains("\"6712\"") && report.contains("\"6713\""),
        "{report}"
    );
    assert!(
        compare_exact(&expected, &short)
            .unwrap_err()
            .contains("expected 2 data rows, found 1")
    );
}

#[test]
fn a_lone_empty_cell_is_a_row_not_a_blank_line() {
    let table = parse_csv("TailNum\n\"\"\nN123AA\n").unwrap();
    assert_eq!(table.len(), 3);
    assert_eq!(table[1], vec![String::new()]);
}

#[test]
fn sample_rows_must_come_from_the_population() {
    let expected = parse_csv("CRSElapsedTime,TailNum\n58.0,N533TW\n").unwrap();
    let population = parse_csv("CRSElapsedTime,TailNum\n58.0,N533TW\n60.0,\n").unwrap();
    let other_row = parse_csv("CRSElapsedTime,TailNum\n60,\n").unwrap();
    let unknown_row = parse_csv("CRSElapsedTime,TailNum\n61.0,\n").unwrap();
    let too_many = parse_csv("CRSElapsedTime,TailNum\n60,\n58,N533TW\n").unwrap();
    assert_eq!(compare_sample(&expected, &other_row, &population), Ok(()));
    assert!(compare_sample(&expected, &unknown_row, &population).is_err());
    assert!(compare_sample(&expected, &too_many, &population).is_err());
}

#[test]
fn parallel_checks_report_in_task_order() {
    let items: Vec<u64> = (0..40).collect();
    let results = map_in_parallel(&items, |n| {
        // Uneven work, so finishing order differs from task order.
        thread::sleep(Duration::from_millis((40 - n) % 7));
        n * 10
    });
    assert_eq!(results, items.iter().map(|n| n * 10).collect::<Vec<_>>());
}

#[test]
fn prelude_files_skip_comments_and_blank_lines() {
    let lines = code_lines("# read the data\n\nddf = read_csv(\"x.csv\")\n  x = 1  \n");
    assert_eq!(lines, vec!["ddf = read_csv(\"x.csv\")", "x = 1"]);
}
