//! Values past the sizes a renderer holds, through the real binary: a column name longer than
//! `format!` can pad is shown, never a panic.

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
