//! What the integration tests share for running the real `ddq` binary: where it and the project
//! are, the sample's `read_csv` statement and the workflow's committed output, a `Command` set up
//! the way every test runs ddq, running one to the end as a [`Run`] (or expecting it to fail with
//! a message), and GET on a scheduler's REST API. Each test file takes it in with `mod common;`.

// Every test file is its own crate and compiles this module whole, but each uses a different
// subset of it: what one does not use would otherwise warn as dead code there.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The ddq binary that cargo built for this test run.
pub const DDQ: &str = env!("CARGO_BIN_EXE_ddq");

/// Reads the committed sample (`data/nycflights/`) the way the workflow does.
pub const READ: &str = r#"ddf = read_csv("data/nycflights/*.csv", parse_dates={"Date": [0, 1, 2]}, dtype={"CRSElapsedTime": "float64", "TailNum": "object", "Cancelled": "bool"})"#;

/// The Section D workflow, relative to the project directory.
pub const WORKFLOW: &str = "queries/nycflights.q";

/// The project directory: where `data/`, `queries/` and `tests/reference/` are.
pub fn project_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A path relative to the project directory.
pub fn project_path(relative: &str) -> PathBuf {
    project_dir().join(relative)
}

/// The workflow's committed output, `queries/nycflights.out`.
pub fn workflow_output() -> String {
    std::fs::read_to_string(project_path("queries/nycflights.out"))
        .expect("queries/nycflights.out is committed")
}

/// The scan cache of test runs: kept out of the user's own cache directory.
pub fn test_cache_dir() -> PathBuf {
    std::env::temp_dir().join("ddq-test-scan-cache")
}

/// `ddq ARGS` in the project directory, with the scan cache in [`test_cache_dir`] and no
/// colours; a test changes what it needs (`current_dir`, `env`, `stdin`) before running it.
pub fn ddq_command(args: &[&str]) -> Command {
    let mut command = Command::new(DDQ);
    command
        .env("DDQ_CACHE_DIR", test_cache_dir())
        .env("NO_COLOR", "1")
        .current_dir(project_dir())
        .args(args);
    command
}

/// What a finished ddq printed, and its exit code (-1 when a signal ended it).
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Runs `command` to the end with `stdin` as its input (`None`: no input) and its output
/// captured; fails the test if ddq panicked.
pub fn run(command: &mut Command, stdin: Option<&str>) -> Run {
    let mut child = command
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the ddq binary starts");
    if let Some(text) = stdin {
        let mut input = child.stdin.take().expect("stdin is piped");
        input
            .write_all(text.as_bytes())
            .expect("stdin accepts the script");
    }
    let output = child.wait_with_output().expect("ddq finishes");
    let run = Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code().unwrap_or(-1),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "ddq panicked on {:?}:\n{}",
        command.get_args().collect::<Vec<_>>(),
        run.stderr
    );
    run
}

/// Runs `ddq ARGS` in `dir` with `stdin` as its input (see [`ddq_command`] and [`run`]).
pub fn ddq_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    run(ddq_command(args).current_dir(dir), stdin)
}

/// Runs `ddq ARGS` in the project directory with `stdin` as its input.
pub fn ddq(args: &[&str], stdin: Option<&str>) -> Run {
    ddq_in(project_dir(), args, stdin)
}

/// Runs `-c` and expects an error whose message contains every `needle`.
pub fn expect_error(statements: &str, needles: &[&str]) -> Run {
    expect_error_with(&[], statements, needles)
}

/// `expect_error` with extra command-line flags.
pub fn expect_error_with(flags: &[&str], statements: &str, needles: &[&str]) -> Run {
    let mut args = flags.to_vec();
    args.extend(["--format", "csv", "-c", statements]);
    let run = ddq(&args, None);
    assert_eq!(
        run.code, 1,
        "expected failure for {statements}\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "stderr of {statements} lacks {needle:?}:\n{}",
            run.stderr
        );
    }
    run
}

/// GET `path` from the REST API of the scheduler at `address` (`HOST:PORT`): the whole
/// response, headers included, or what arrived of it; empty when nothing answers.
pub fn http_get(address: &str, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(address) else {
        return String::new();
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(3)));
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return String::new();
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
}
