//! The bad-file corpus: malformed, odd and hostile inputs read by `ddq run` through the real
//! binary. Each gives pandas' answer (worked out with pandas 2.2 and written here) or one error
//! naming the file (and the line, when there is one), with exit code 1, and never a panic.
//! Small files are committed in tests/bad_files/; large ones, FIFOs and dangling links are
//! made at run time.

mod common;

use common::{Run, ddq_in, project_path};
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    project_path("tests/bad_files")
}

/// `ddq --format csv run -` in `dir`, with `script` on standard input.
fn run_in(dir: &Path, script: &str) -> Run {
    ddq_in(dir, &["--format", "csv", "run", "-"], Some(script))
}

/// Runs `script` in `dir` and expects it to print `expected`.
fn answer(dir: &Path, script: &str, expected: &str) {
    let run = run_in(dir, script);
    assert_eq!(run.code, 0, "{script}\nstderr:\n{}", run.stderr);
    assert_eq!(run.stdout, expected, "{script}");
}

/// Runs `script` in `dir` and expects exit code 1 with one error containing every `needle`.
fn refusal(dir: &Path, script: &str, needles: &[&str]) {
    let run = run_in(dir, script);
    assert_eq!(
        run.code, 1,
        "{script}\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert_eq!(run.stderr.matches("error:").count(), 1, "{}", run.stderr);
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "stderr of {script} lacks {needle:?}:\n{}",
            run.stderr
        );
    }
}

#[test]
fn rows_of_the_wrong_length() {
    refusal(
        &corpus(),
        r#"read_csv("ragged_long.csv")"#,
        &["ragged_long.csv:3: expected 2 fields, found 3"],
    );
    // pandas fills a short row with NaN, which makes the column float64.
    answer(
        &corpus(),
        r#"read_csv("ragged_short.csv")"#,
        "a,b,c\n1,2,3.0\n4,5,\n6,7,8.0\n",
    );
}

#[test]
fn an_unterminated_quote_names_the_line_it_opens_on() {
    let message = "a quoted field starts on this line and is never closed";
    refusal(
        &corpus(),
        r#"read_csv("unterminated_quote.csv")"#,
        &[&format!("unterminated_quote.csv:3: {message}")],
    );
    refusal(
        &corpus(),
        r#"len(read_csv("unterminated_quote.csv"))"#,
        &["unterminated_quote.csv:3:"],
    );
    // Deep in a file: after 200,000 plain rows that the fast path reads.
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut text = String::from("a,b\n");
    for i in 0..200_000 {
        text.push_str(&format!("{i},x\n"));
    }
    text.push_str("200000,\"oops\n200001,y\n");
    std::fs::write(dir.path().join("deep.csv"), text).expect("written");
    refusal(
        dir.path(),
        r#"read_csv("deep.csv").a.sum()"#,
        &[&format!("deep.csv:200002: {message}")],
    );
}

/// `len()` reads no column, and counts the lines of a plain file without splitting its fields;
/// whatever is not plain (a quote, a blank line, a carriage return, a line too long) goes to the
/// splitter, which errs as a read of the columns would.
#[test]
fn len_counts_rows_as_pandas_and_keeps_every_error() {
    for (file, rows) in [
        ("ragged_short.csv", 3),
        ("crlf.csv", 2),
        ("bom.csv", 2),
        ("cr_only.csv", 2),
        ("quoted_newlines.csv", 2),
        ("header_only.csv", 0),
    ] {
        answer(
            &corpus(),
            &format!("len(read_csv({file:?}))\n"),
            &format!("{rows}\n"),
        );
    }
    refusal(
        &corpus(),
        r#"len(read_csv("ragged_long.csv"))"#,
        &["ragged_long.csv:3: expected 2 fields, found 3"],
    );
    let dir = tempfile::tempdir().expect("a temp dir");
    let plain: String = (0..300_000).map(|i| format!("{i},x\r\n")).collect();
    let files = [
        ("blank_lines.csv", format!("a,b\n{}\n\n{}", "1,2", "3,4\n")),
        ("no_last_line_end.csv", format!("a,b\r\n{plain}9,y")),
        ("long_line_deep.csv", format!("a,b\r\n{plain}9,y,z\r\n")),
    ];
    for (name, text) in &files {
        std::fs::write(dir.path().join(name), text).expect("written");
    }
    answer(dir.path(), "len(read_csv(\"blank_lines.csv\"))\n", "2\n");
    answer(
        dir.path(),
        "len(read_csv(\"no_last_line_end.csv\"))\n",
        "300001\n",
    );
    refusal(
        dir.path(),
        r#"len(read_csv("long_line_deep.csv"))"#,
        &["long_line_deep.csv:300002: expected 2 fields, found 3"],
    );
}

#[test]
fn line_ends_byte_order_marks_and_quoted_line_breaks() {
    for file in ["bom.csv", "crlf.csv", "cr_only.csv"] {
        answer(
            &corpus(),
            &format!("d = read_csv({file:?})\nd\nd.a.sum()\n"),
            "a,b\n1,2\n3,4\n4\n",
        );
    }
    answer(
        &corpus(),
        r#"read_csv("quoted_newlines.csv")"#,
        "a,b\n1,\"line one\nline two\"\n2,plain\n",
    );
}

#[test]
fn empty_and_header_only_files() {
    refusal(
        &corpus(),
        r#"read_csv("empty.csv")"#,
        &["empty.csv: the file is empty"],
    );
    answer(
        &corpus(),
        "d = read_csv(\"header_only.csv\")\nlen(d)\nd.dtypes\n",
        "0\ncolumn,dtype\na,object\nb,object\n",
    );
}

#[test]
fn duplicate_and_empty_column_names_are_renamed_like_pandas() {
    answer(
        &corpus(),
        r#"read_csv("duplicate_names.csv")"#,
        "a,a.1,Unnamed: 2,b\n1,2,3,4\n",
    );
}

#[test]
fn text_that_is_not_utf8_is_refused_where_it_is() {
    refusal(
        &corpus(),
        r#"read_csv("latin1_value.csv")"#,
        &["latin1_value.csv:2: column \"b\": the value is not valid UTF-8"],
    );
    refusal(
        &corpus(),
        r#"read_csv("latin1_header.csv")"#,
        &["latin1_header.csv:1: field 2 of the first line is not UTF-8 text (byte 0xe9)"],
    );
    refusal(
        &corpus(),
        r#"read_csv("garbage.bin")"#,
        &["garbage.bin:1: field 1 of the first line is not UTF-8 text (byte 0xae)"],
    );
    for file in ["utf16_bom.csv", "utf16_no_bom.csv"] {
        refusal(
            &corpus(),
            &format!("read_csv({file:?})"),
            &[
                &format!("{file} is UTF-16LE text; ddq reads UTF-8"),
                &format!("iconv -f UTF-16LE -t UTF-8 {file}"),
            ],
        );
    }
}

#[test]
fn gzip_files_are_read_as_pandas_reads_them_other_compressions_refused() {
    answer(
        &corpus(),
        "d = read_csv(\"flights.csv.gz\")\nd\nd.a.sum()\n",
        "a,b\n1,2\n3,4\n4\n",
    );
    // A glob may mix plain and compressed files; each gzip file is one partition.
    answer(
        &corpus(),
        "d = read_csv(\"mixed/*\", blocksize=5)\nd\nd.npartitions\n",
        "a,b\n1,2\n3,4\n5,6\n3\n",
    );
    // Errors name the compressed file and the line of its text.
    refusal(
        &corpus(),
        r#"read_csv("unterminated_quote.csv.gz")"#,
        &["unterminated_quote.csv.gz:3: a quoted field starts on this line and is never closed"],
    );
    refusal(
        &corpus(),
        r#"read_csv("bad_value.csv.gz", dtype={"a": "int64"})"#,
        &["bad_value.csv.gz:4: column \"a\": cannot parse \"oops\" as int64"],
    );
    refusal(
        &corpus(),
        r#"read_csv("flights.csv.bz2")"#,
        &[
            "flights.csv.bz2 is bzip2-compressed, not CSV text",
            "bunzip2 -k flights.csv.bz2",
        ],
    );
}

#[test]
fn integers_past_int64_keep_their_digits() {
    answer(
        &corpus(),
        "d = read_csv(\"big_ints.csv\")\nd.dtypes\nd\n",
        "column,dtype\nu,uint64\nhuge,object\n\
         u,huge\n18446744073709551615,99999999999999999999999\n1,2\n",
    );
}

#[test]
fn files_of_a_glob_with_other_columns_are_named() {
    refusal(
        &corpus(),
        r#"read_csv("mismatched/*.csv")"#,
        &["mismatched/2.csv has 3 columns but mismatched/1.csv has 2"],
    );
    refusal(
        &corpus(),
        r#"read_csv("renamed/*.csv")"#,
        &[
            "the header of renamed/2.csv differs from renamed/1.csv: column 2 is \"c\" in renamed/2.csv but \"b\" in renamed/1.csv",
        ],
    );
}

#[test]
fn a_glob_skips_directories_and_names_fifos_and_dangling_links() {
    answer(
        &corpus(),
        r#"read_csv("with_directory/*.csv")"#,
        "a,b\n1,2\n3,4\n",
    );
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(dir.path().join("a.csv"), "a,b\n1,2\n").expect("written");
    let fifo = dir.path().join("p.csv");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    for script in [r#"read_csv("p.csv")"#, r#"read_csv("*.csv")"#] {
        refusal(
            dir.path(),
            script,
            &["p.csv is a FIFO (named pipe), not a regular file"],
        );
    }
    std::fs::remove_file(&fifo).expect("removed");
    std::os::unix::fs::symlink("gone.csv", dir.path().join("l.csv")).expect("linked");
    refusal(
        dir.path(),
        r#"read_csv("*.csv")"#,
        &["l.csv is a symbolic link to gone.csv, which does not exist"],
    );
}

#[test]
fn a_type_change_deep_in_a_file_names_its_line() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut text = String::from("i,v\n");
    for i in 0..300_000 {
        let value = if i == 150_000 {
            "x".to_string()
        } else {
            i.to_string()
        };
        text.push_str(&format!("{i},{value}\n"));
    }
    std::fs::write(dir.path().join("deep.csv"), text).expect("written");
    refusal(
        dir.path(),
        r#"read_csv("deep.csv").v.sum()"#,
        &[
            "deep.csv:150002: column \"v\": cannot parse \"x\" as int64",
            "dtype={\"v\": \"object\"}",
        ],
    );
}

#[test]
fn a_ten_megabyte_line_is_read_and_shown_cut() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let long = "y".repeat(10 << 20);
    std::fs::write(dir.path().join("long.csv"), format!("a,b\n1,{long}\n2,z\n")).expect("written");
    answer(
        dir.path(),
        "d = read_csv(\"long.csv\")\nlen(d)\nd.a.sum()\n",
        "2\n3\n",
    );
    let run = ddq_in(
        dir.path(),
        &["--format", "table", "-c", "read_csv(\"long.csv\")"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cut = format!("{}...", "y".repeat(47));
    assert_eq!(
        run.stdout,
        format!("a  {:>50}\n1  {cut}\n2  {:>50}\n", "b", "z")
    );
}

/// A file rewritten in place while ddq reads it, over and over: every read gives one whole
/// version's answer or an error naming the file, never rows of two versions (that gave a wrong
/// answer with exit 0 about one read in four, through the scan cache).
#[test]
fn a_file_rewritten_while_it_is_read_gives_one_version_or_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("x.csv");
    let first = format!("a,b\n{}", "1,xxxxxxxx\n".repeat(400));
    let second = format!("a,b\n{}", "2,yy\n".repeat(700));
    std::fs::write(&path, &first).expect("write");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (stop, path) = (std::sync::Arc::clone(&stop), path.clone());
        std::thread::spawn(move || {
            for version in [&second, &first].into_iter().cycle() {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .expect("open");
                file.set_len(0).expect("truncate");
                std::io::Write::write_all(&mut file, version.as_bytes()).expect("rewrite");
                drop(file);
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        })
    };
    for _ in 0..15 {
        let run = run_in(dir.path(), "read_csv(\"x.csv\", blocksize=1000).a.sum()\n");
        if run.code == 0 {
            assert!(
                run.stdout == "400\n" || run.stdout == "1400\n",
                "a mixed answer: {}",
                run.stdout
            );
        } else {
            assert!(run.stderr.contains("x.csv"), "{}", run.stderr);
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().expect("writer");

    // Changed between two statements: the frame read before it is refused, not cut wrongly.
    std::fs::write(&path, "a,b\n1,2\n3,4\n").expect("write");
    let mut session = common::ddq_command(&["-i", "--quiet", "--format", "csv"]);
    let mut session = session
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("ddq starts");
    let mut stdin = session.stdin.take().expect("stdin");
    let mut stdout = std::io::BufReader::new(session.stdout.take().expect("stdout"));
    std::io::Write::write_all(&mut stdin, b"f = read_csv(\"x.csv\")\nlen(f)\n").expect("input");
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).expect("answer");
    assert_eq!(line, "2\n");
    std::fs::write(&path, "a,b\n1,2\n3,4\n5,6\n7,8\n").expect("rewrite");
    std::io::Write::write_all(&mut stdin, b"len(f)\nf = read_csv(\"x.csv\")\nf.a.sum()\n")
        .expect("input");
    drop(stdin);
    let output = session.wait_with_output().expect("ddq ends");
    let rest = String::new() + &std::io::read_to_string(stdout).expect("output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(rest, "16\n", "{stderr}");
    assert!(
        stderr.contains("x.csv changed while it was read; run the statement again"),
        "{stderr}"
    );
}
