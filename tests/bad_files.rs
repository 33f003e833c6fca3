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
