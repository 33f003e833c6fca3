//! The REPL at a real terminal: the binary runs in a pseudo-terminal and is typed at like a
//! person would, prompt by prompt. Covers the prompt naming the frame, Tab completion, error
//! rendering, multi-line statements, Ctrl-C cancelling a long query, history and Ctrl-D.
//!
//! Every wait is generous (a loaded two-core machine running a debug build is slow); nothing
//! asserts a duration beyond "within the timeout".

#![cfg(unix)]

mod common;

use common::{DDQ, project_dir};
use rexpect::reader::Options;
use rexpect::session::PtySession;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use tempfile::TempDir;

const READ: &str = r#"ddf = read_csv("data/nycflights/*.csv")"#;

/// A ddq REPL in a pseudo-terminal, with its home and data directories in a temporary one.
struct Repl {
    pty: PtySession,
    home: TempDir,
    /// What ddq printed before its first prompt.
    banner: String,
}

impl Repl {
    fn start() -> Repl {
        Repl::start_with_home(tempfile::tempdir().expect("a temporary home"))
    }

    /// A REPL whose `HOME` and `XDG_DATA_HOME` are inside `home` (so history goes there).
    fn start_with_home(home: TempDir) -> Repl {
        let mut command = Command::new(DDQ);
        command
            .current_dir(project_dir())
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("NO_COLOR", "1")
            .env("TERM", "xterm");
        let options = Options::new()
            .timeout_ms(Some(120_000))
            .strip_ansi_escape_codes(true);
        let pty = rexpect::session::spawn_with_options(command, options).expect("ddq starts");
        let mut repl = Repl {
            pty,
            home,
            banner: String::new(),
        };
        repl.banner = repl.expect("ddq> ");
        repl
    }

    fn history_file(&self) -> PathBuf {
        self.home.path().join("data").join("ddq").join("history")
    }

    /// Waits for `text` in the output and returns everything before it.
    fn expect(&mut self, text: &str) -> String {
        match self.pty.exp_string(text) {
            Ok(before) => before,
            Err(e) => panic!("waiting for {text:?}: {e}"),
        }
    }

    /// Waits for a line that is exactly `text` (so typed input echoing it does not count). A
    /// line may also start after a `\r`, where a progress bar on stderr was wiped.
    fn expect_line(&mut self, text: &str) -> String {
        let pattern = format!("(?m)(?:^|\\r){}\\r?$", regex::escape(text));
        match self.pty.exp_regex(&pattern) {
            Ok((before, _)) => before,
            Err(e) => panic!("waiting for the line {text:?}: {e}"),
        }
    }

    /// Types a statement, waits for the output line `line` and then for the next prompt;
    /// returns the output before `line`.
    fn run_to_line(&mut self, text: &str, line: &str, prompt: &str) -> String {
        self.line(text);
        let before = self.expect_line(line);
        self.expect(prompt);
        before
    }

    /// Sends keys without Enter (for Tab and friends).
    fn keys(&mut self, keys: &str) {
        self.pty.send(keys).expect("keys are sent");
        self.pty.flush().expect("keys are flushed");
    }

    /// Types a line and presses Enter.
    fn line(&mut self, text: &str) {
        self.keys(&format!("{text}\r"));
    }

    /// Types a statement and waits for the prompt that follows it; returns the output between.
    /// Keys must only be sent at a fresh prompt: until the line editor has switched the terminal
    /// to raw mode, the terminal's line discipline eats control keys such as Ctrl-D.
    fn run(&mut self, text: &str, prompt: &str) -> String {
        self.line(text);
        self.expect(prompt)
    }

    fn ctrl(&mut self, c: char) {
        self.pty.send_control(c).expect("a control key is sent");
    }

    /// Presses Ctrl-D at an empty prompt, checks that ddq exits with status 0, and hands back
    /// the home directory for a later session.
    fn quit(mut self) -> TempDir {
        self.ctrl('d');
        self.pty.exp_eof().expect("ddq exits on Ctrl-D");
        // rexpect does not re-export nix's `WaitStatus`; its Debug form is `Exited(Pid(N), CODE)`.
        let status = format!("{:?}", self.pty.process().wait());
        assert!(
            status.starts_with("Ok(Exited(") && status.ends_with(", 0))"),
            "ddq did not exit with status 0: {status}"
        );
        self.home
    }
}

#[test]
fn prompt_names_the_frame_last_bound() {
    let mut repl = Repl::start();
    repl.run(READ, "ddf> ");
    repl.run("small = ddf.head(3)", "small> ");
    // A series or scalar is not a frame: the prompt stays.
    repl.run("s = small.DepDelay", "small> ");
    repl.run_to_line("len(ddf)", "20800", "small> ");
    repl.quit();
}

#[test]
fn the_repl_says_once_where_its_dashboard_is_and_serves_it_there() {
    let mut repl = Repl::start();
    let said: Vec<&str> = repl
        .banner
        .lines()
        .filter(|l| l.contains("Dashboard"))
        .collect();
    let [line] = said.as_slice() else {
        panic!("the banner names the dashboard once: {}", repl.banner);
    };
    let link = line
        .trim()
        .strip_prefix("Dashboard: ")
        .expect("Dashboard: LINK")
        .to_string();
    let address = link
        .strip_prefix("http://")
        .and_then(|l| l.strip_suffix("/status"))
        .expect("http://HOST:PORT/status");
    assert!(
        address.starts_with("127.0.0.1:"),
        "loopback by default: {address}"
    );
    assert!(common::http_get(address, "/api/status").contains("\"workers\""));
    let status = repl.run("cluster", "ddq> ");
    assert!(status.contains(&format!("Dashboard:  {link}")), "{status}");
    repl.run("set dashboard off", "ddq> ");
    assert_eq!(
        common::http_get(address, "/api/status"),
        "",
        "off serves nothing"
    );
    repl.quit();
}

#[test]
fn tab_lists_columns_and_methods_from_the_session() {
    let mut repl = Repl::start();
    repl.run(READ, "ddf> ");
    // With no longer common prefix, a second Tab lists the candidates and redraws the line.
    repl.keys("ddf.Dep\t\t");
    let listing = repl.expect("ddf> ddf.Dep");
    assert!(
        listing.contains("DepDelay") && listing.contains("DepTime"),
        "{listing}"
    );
    repl.ctrl('u');
    // One Tab completes a unique column, then a unique method; Enter runs the result.
    repl.keys("ddf.DepDel\t");
    repl.expect("ddf.DepDelay");
    repl.keys(".value_co\t");
    repl.expect("value_counts");
    repl.run("()", "Name: count");
    repl.expect("ddf> ");
    // Methods follow the value: a groupby's column offers the aggregations.
    repl.keys("ddf.groupby(\"Origin\").DepDelay.me\t\t");
    let listing = repl.expect("ddf> ddf.groupby(");
    assert!(
        listing.contains("mean") && listing.contains("median"),
        "{listing}"
    );
    repl.ctrl('u');
    // Column names inside a subscript string, closing the quote.
    repl.keys("ddf[\"Orig\t");
    repl.expect("ddf[\"Origin\"");
    repl.ctrl('u');
    // Keyword arguments of the verb being called.
    repl.keys("ddf.sample(fr\t");
    repl.expect("frac=");
    repl.ctrl('u');
    repl.quit();
}

#[test]
fn an_error_is_rendered_and_the_session_goes_on() {
    let mut repl = Repl::start();
    repl.run(READ, "ddf> ");
    let out = repl.run("ddf.DepDelya.mean()", "ddf> ");
    assert!(out.contains("DepDelya"), "{out}");
    assert!(out.contains("did you mean `DepDelay`?"), "{out}");
    assert!(out.contains("here"), "the span is labelled: {out}");
    repl.run_to_line("ddf.DepDelay.max()", "1006.0", "ddf> ");
    repl.quit();
}

/// The lines a notebook writes after the course's (issue 17): a Dask custom aggregation, a
/// window within groups, the shape statistics and a per-column `agg`, then a refusal that names
/// what to write instead, with the session going on.
#[test]
fn a_notebooks_next_lines_run_in_the_repl() {
    let mut repl = Repl::start();
    repl.run(READ, "ddf> ");
    // Over several lines, as a notebook cell has it (one long line would wrap and redraw).
    repl.line("custom_mean = dd.Aggregation(\"custom_mean\",");
    repl.line("    lambda s: (s.count(), s.sum()),");
    repl.line("    lambda c, t: (c.sum(), t.sum()),");
    repl.line("    lambda c, t: t / c)");
    // The editor redraws the prompt as the cell grows: the fresh prompt is the one after the
    // cell's last line is entered.
    repl.expect("t / c)\r\n");
    repl.expect("ddf> ");
    let out = repl.run("ddf.groupby(\"Origin\").DepDelay.agg(custom_mean)", "ddf> ");
    for expected in ["EWR", "9.443805", "LGA", "8.943480"] {
        assert!(out.contains(expected), "{expected} missing from:\n{out}");
    }
    let out = repl.run(
        "ddf.groupby(\"Origin\").DepDelay.rolling(4).mean().head(5)",
        "ddf> ",
    );
    assert!(out.contains("NaN") && out.contains("8.0"), "{out}");
    repl.run_to_line("ddf.DepDelay.skew() > 8.19", "True", "ddf> ");
    let out = repl.run(
        "ddf.agg({\"DepDelay\": [\"min\", \"kurt\"], \"Distance\": \"mean\"})",
        "ddf> ",
    );
    for expected in ["kurt", "160.156", "985.147"] {
        assert!(out.contains(expected), "{expected} missing from:\n{out}");
    }
    // pd.cut's bins, every one in bin order (the empty (0, 10] too), as pandas lists them.
    let out = repl.run(
        "pd.cut(ddf.Distance, [0, 10, 500, 5000]).value_counts(sort=False)",
        "ddf> ",
    );
    let bins: Vec<&str> = out
        .lines()
        .filter(|l| l.trim_start().starts_with('('))
        .collect();
    assert_eq!(bins.len(), 3, "{out}");
    assert!(
        bins[0].contains("(0, 10]") && bins[0].trim_end().ends_with(" 0"),
        "{out}"
    );
    assert!(bins[2].contains("(500, 5000]"), "{out}");
    // Every column described, each as pandas describes its kind, in pandas' row order.
    let out = repl.run(
        "ddf[[\"Origin\", \"DepDelay\"]].describe(include=\"all\")",
        "ddf> ",
    );
    let rows: Vec<&str> = out
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    let statistics = [
        "count", "unique", "top", "freq", "mean", "std", "min", "25%",
    ];
    assert!(rows.windows(8).any(|w| w == statistics), "{out}");
    assert!(out.contains("EWR") && out.contains("7093"), "{out}");
    repl.run_to_line("len(ddf)", "20800", "ddf> ");
    repl.quit();
}

#[test]
fn tables_from_the_data_and_divisions_in_the_repl() {
    let mut repl = Repl::start();
    // Long statements over two lines (one long line would wrap and redraw its prompt).
    repl.line("ddf = read_csv(\"data/nycflights/*.csv\",");
    repl.line("    parse_dates={\"Date\": [0, 1, 2]})");
    repl.expect("[0, 1, 2]})\r\n");
    repl.expect("ddf> ");
    // The values of DayOfWeek become the columns.
    repl.line("pd.pivot_table(ddf, values=\"DepDelay\", index=\"Origin\",");
    repl.line("    columns=\"DayOfWeek\", aggfunc=\"max\")");
    repl.expect("aggfunc=\"max\")\r\n");
    let out = repl.expect("ddf> ");
    for expected in ["Origin", "EWR", "1006.0", "LGA", "623.0"] {
        assert!(out.contains(expected), "{expected} missing from:\n{out}");
    }
    let out = repl.run("pd.crosstab(ddf.Origin, ddf.Cancelled)", "ddf> ");
    for expected in ["Origin", "6949", "144", "126"] {
        assert!(out.contains(expected), "{expected} missing from:\n{out}");
    }
    repl.run_to_line("len(ddf.dropna(axis=1).columns)", "11", "ddf> ");
    repl.run("d = ddf.set_index(\"Date\")", "d> ");
    repl.run_to_line("d.known_divisions", "True", "d> ");
    let out = repl.run("d.divisions[-2:]", "d> ");
    assert!(
        out.contains("(Timestamp('1999-01-01 00:00:00'), Timestamp('1999-12-31 00:00:00'))"),
        "{out}"
    );
    repl.run_to_line("len(d.loc[\"1992-05\"])", "171", "d> ");
    repl.quit();
}

#[test]
fn an_open_bracket_continues_the_statement() {
    let mut repl = Repl::start();
    repl.run(READ, "ddf> ");
    repl.line("ddf.groupby(");
    repl.line("    \"Origin\"");
    repl.line(").DepDelay.mean()");
    // The airport codes appear only in the result, never in the typed text.
    let before = repl.expect("LGA");
    assert!(before.contains("EWR") && before.contains("JFK"), "{before}");
    repl.expect("ddf> ");
    repl.quit();
}

/// Four CSV files of a million rows each (about 50 MB): a groupby over them takes many seconds
/// in a debug build.
fn write_big_csv(dir: &Path) {
    for part in 0..4 {
        let mut text = String::from("k,x,y\n");
        for i in 0..1_000_000u64 {
            text.push_str(&format!("{},{i},{}\n", i % 1000, i * 7 % 13));
        }
        std::fs::write(dir.join(format!("part{part}.csv")), text).expect("the big CSV is written");
    }
}

#[test]
fn ctrl_c_cancels_a_long_query_and_keeps_the_session() {
    let data = tempfile::tempdir().expect("a data directory");
    write_big_csv(data.path());
    let mut repl = Repl::start();
    repl.run(READ, "ddf> ");
    let read_big = format!("big = read_csv(\"{}/*.csv\")", data.path().display());
    repl.run(&read_big, "big> ");
    repl.line(r#"big.groupby("k").x.std()"#);
    // The line editor has handed the statement over once it ends the line; the bar shows once
    // the statement has run for half a second, long before it ends.
    repl.expect("std()\r\n");
    repl.expect(" ETA ");
    repl.ctrl('c');
    let out = repl.expect("big> ");
    assert!(out.contains("query cancelled"), "{out}");
    // The bar was cleared before the prompt came back: no frame of it is drawn after the prompt.
    std::thread::sleep(Duration::from_secs(1));
    let mut after_prompt = String::new();
    while let Some(c) = repl.pty.try_read() {
        after_prompt.push(c);
    }
    // (The line editor itself ends a fresh prompt with a carriage return.)
    assert!(
        after_prompt.trim().is_empty(),
        "drawn after the prompt: {after_prompt:?}"
    );
    // The frames are still bound and the next queries run normally.
    repl.run_to_line("len(ddf)", "20800", "big> ");
    repl.run_to_line("len(big)", "4000000", "big> ");
    repl.quit();
}

#[test]
fn a_long_query_draws_a_progress_bar_on_threads_and_on_a_cluster() {
    let data = tempfile::tempdir().expect("a data directory");
    write_big_csv(data.path());
    let mut repl = Repl::start();
    let read_big = format!("big = read_csv(\"{}/*.csv\")", data.path().display());
    repl.run(&read_big, "big> ");
    // Here the scans count the partitions and bytes they read.
    let out = repl.run(r#"big.groupby("k").x.std()"#, "big> ");
    assert!(
        out.contains("/4 partitions [") || out.contains("computing ["),
        "{out}"
    );
    assert!(out.contains(" ETA "), "{out}");
    // On a cluster the scheduler counts the job's stages and tasks.
    repl.run("set scheduler processes", "big> ");
    let out = repl.run(r#"big.groupby("k").x.std()"#, "big> ");
    assert!(out.contains("stage 1/"), "{out}");
    // The job's tasks are counted before it starts (the 4 partitions' scans and the tasks
    // after the shuffle), so every frame shows the same total and the bar moves task by task.
    let totals: std::collections::BTreeSet<u64> = out
        .split(" tasks [")
        .filter_map(|before| before.rsplit_once('/')?.1.parse().ok())
        .collect();
    assert_eq!(totals.len(), 1, "one total in every frame: {out}");
    // That total is the scan's tasks plus the tasks after the shuffle, as `explain` shows them.
    let plan = repl.run(r#"explain big.groupby("k").x.std()"#, "big> ");
    let number_after = |marker: &str, end: char| -> u64 {
        let at = plan
            .find(marker)
            .unwrap_or_else(|| panic!("{marker} in {plan}"))
            + marker.len();
        let rest = &plan[at..];
        rest[..rest.find(end).unwrap_or(rest.len())]
            .trim()
            .parse()
            .expect(marker)
    };
    let scan_tasks = number_after("DdqScanTaskExec: partitions=", ' ');
    let shuffled = number_after("Hash([k@0], ", ')');
    assert_eq!(totals, [scan_tasks + shuffled].into(), "{plan}");
    repl.quit();
}

#[test]
fn ctrl_c_clears_the_line_and_ctrl_d_exits() {
    let mut repl = Repl::start();
    repl.keys("this is not ddq");
    repl.ctrl('c');
    repl.expect("ddq> ");
    let before = repl.run_to_line("1 + 1", "2", "ddq> ");
    assert!(!before.contains("error"), "{before}");
    repl.quit();
}

#[test]
fn history_is_kept_in_the_data_directory() {
    let mut repl = Repl::start();
    repl.run_to_line("40 + 2", "42", "ddq> ");
    let history = repl.history_file();
    let home = repl.quit();
    let saved = std::fs::read_to_string(&history).expect("the history file is written");
    assert!(saved.contains("40 + 2"), "{saved}");
    // The next session starts with it: Up recalls the entry and Enter runs it.
    let mut again = Repl::start_with_home(home);
    again.keys("\x1b[A");
    again.expect("40 + 2");
    again.run_to_line("", "42", "ddq> ");
    again.quit();
}

#[test]
fn an_unwritable_history_is_a_warning_only() {
    let home = tempfile::tempdir().expect("a temporary home");
    // The data directory is a file, so `data/ddq/history` cannot be created.
    std::fs::write(home.path().join("data"), "").expect("a file in the way");
    let mut repl = Repl::start_with_home(home);
    let before = repl.run_to_line("1 + 2", "3", "ddq> ");
    assert!(before.contains("warning: cannot save history"), "{before}");
    let before = repl.run_to_line("2 + 3", "5", "ddq> ");
    assert!(!before.contains("warning"), "warned once only: {before}");
    repl.quit();
}
