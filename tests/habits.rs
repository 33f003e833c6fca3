//! Transcript tests of the habits ddq shares with pandas and Dask users (issue 21): tables that
//! fit the terminal, the start-up file, output formats, and notebook plumbing lines. Each runs
//! the real binary, through pipes or, where a terminal matters, in a pseudo-terminal.

mod common;

use common::{DDQ, READ, ddq, project_dir};
use rexpect::reader::Options;
use std::process::Command;

/// Runs `ddq FLAGS --format table -c STATEMENTS`, expecting success; returns stdout.
fn table_with(flags: &[&str], statements: &str) -> String {
    let mut args = flags.to_vec();
    args.extend(["--format", "table", "-c", statements]);
    let run = ddq(&args, None);
    assert_eq!(run.code, 0, "{statements}\nstderr:\n{}", run.stderr);
    run.stdout
}

fn widest_line(text: &str) -> usize {
    text.lines()
        .map(|line| line.chars().count())
        .max()
        .unwrap_or(0)
}

#[test]
fn a_set_width_keeps_the_first_and_last_columns() {
    let out = table_with(&[], &format!("{READ}; set width 80; ddf.head()"));
    let header = "      Date  DayOfWeek  DepTime  ...  TaxiOut  Cancelled  Diverted";
    assert_eq!(out.lines().next(), Some(header), "{out}");
    assert!(widest_line(&out) <= 80, "{out}");
    assert!(out.ends_with("\n[5 rows x 21 columns]\n"), "{out}");
    // The flag is the same setting.
    let flagged = table_with(&["--width", "80"], &format!("{READ}; ddf.head()"));
    assert_eq!(flagged, out);
}

#[test]
fn off_a_terminal_nothing_is_cut_to_a_width() {
    // Piped: only max_columns decides (20 by default, as the committed workflow output shows).
    let out = table_with(&[], &format!("{READ}; set max_columns 0; ddf.head(2)"));
    assert!(!out.contains("..."), "{out}");
    assert!(widest_line(&out) > 150, "{out}");
    let err = ddq(&["--width", "wide", "-c", "1"], None);
    assert_eq!(err.code, 2);
    assert!(
        err.stderr.contains(
            "--width: invalid value `wide` for width; expected N (0: the terminal's width)"
        ),
        "{}",
        err.stderr
    );
}

/// Runs `statements` in ddq's REPL in a pseudo-terminal of `columns` x `lines` (given, as
/// Python's `shutil` reads them, by `COLUMNS` and `LINES`); returns everything printed.
fn in_terminal(columns: usize, lines: usize, statements: &str, last_line: &str) -> String {
    let home = tempfile::tempdir().expect("a temporary home");
    let mut command = Command::new(DDQ);
    command
        .current_dir(project_dir())
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("COLUMNS", columns.to_string())
        .env("LINES", lines.to_string());
    let options = Options::new()
        .timeout_ms(Some(120_000))
        .strip_ansi_escape_codes(true);
    let mut pty = rexpect::session::spawn_with_options(command, options).expect("ddq starts");
    pty.exp_string("ddq> ").expect("a prompt");
    pty.send_line(statements).expect("a statement is typed");
    let printed = pty.exp_string(last_line).expect("the result");
    pty.send_control('d').expect("Ctrl-D");
    pty.exp_eof().expect("ddq exits");
    printed
}

#[test]
fn a_terminal_table_fits_its_width_and_height() {
    let printed = in_terminal(
        70,
        20,
        &format!("{READ}; ddf.head(30)"),
        "[30 rows x 21 columns]",
    );
    let table: Vec<&str> = printed
        .lines()
        .skip_while(|line| !line.trim_start().starts_with("Date"))
        .collect();
    assert!(table.len() >= 12, "{printed}");
    assert!(
        table
            .iter()
            .all(|line| line.trim_end().chars().count() <= 70),
        "{printed}"
    );
    assert!(table[0].contains("  ...  "), "{printed}");
    // 30 rows do not fit 20 lines: five from each end and a `...` row.
    assert_eq!(table.len(), 13, "{printed}");
}
