//! Values past the sizes a renderer or an Arrow array holds, through the real binary: a column
//! name longer than `format!` can pad, a text value too long to repeat on every row of a batch.
//! Each is shown, or refused with one clear error, and the session goes on; never a panic.

mod common;

use common::{ddq_in, project_path};

/// Writes `script` to a file in a temp dir and runs it with `ddq --format FORMAT run`.
fn run_script(format: &str, script: &str) -> common::Run {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("script.q");
    std::fs::write(&path, script).expect("written");
    let path = path.to_str().expect("a UTF-8 path").to_string();
    ddq_in(dir.path(), &["--format", format, "run", &path], None)
}

fn read_flights() -> String {
    let data = project_path("data/nycflights/1990.csv");
    format!("ddf = read_csv({:?})\n", data.to_string_lossy())
}

#[test]
fn a_column_name_of_100000_characters_is_shown_whole() {
    let name = "o".repeat(100_000);
    let script = format!(
        "{}ddf[[\"Origin\", \"Dest\"]].rename(columns={{\"Origin\": \"{name}\"}}).head(2)\n",
        read_flights()
    );
    let run = run_script("table", &script);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "{}",
        &run.stdout[..200.min(run.stdout.len())]
    );
    assert_eq!(lines[0], format!("{name}  Dest"));
    // Each cell is right-aligned under its 100,000-character header, as pandas aligns it.
    let padded = |cell: &str| format!("{}{cell}", " ".repeat(100_000 - cell.len()));
    assert_eq!(lines[1], format!("{}   DCA", padded("JFK")));
    assert_eq!(lines[2], format!("{}   ORD", padded("EWR")));
}

#[test]
fn a_text_value_too_long_for_every_row_is_an_error_and_the_session_goes_on() {
    // 300,000 bytes on each of 8,192 rows of a batch pass Arrow's 2 GiB of text per column.
    let long = "x".repeat(300_000);
    let script = format!("{}ddf.assign(k=\"{long}\").head(1)\n", read_flights());
    let dir = tempfile::tempdir().expect("a temp dir");
    // The REPL on piped input (-i) goes on after the error.
    let run = ddq_in(
        dir.path(),
        &["-i", "--quiet", "--format", "csv"],
        Some(&format!("{script}len(ddf)\n")),
    );
    assert_eq!(run.stdout, "2040\n", "{}", run.stderr);
    assert!(
        run.stderr
            .contains("a text value of 300000 bytes on every row is too long"),
        "{}",
        run.stderr
    );
    let run = run_script("csv", &script);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("script.q:2:"), "{}", run.stderr);
}
