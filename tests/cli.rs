//! Transcript tests over the real binary: `ddq run`, `ddq -c`, piped scripts, the REPL on piped
//! input (`-i`), output files, and every kind of bad input the core must answer with one clear
//! error (and never a panic).

mod common;

use common::{READ, ddq, ddq_in, expect_error, expect_error_with, project_dir};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::Stdio;

fn with_read(statements: &str) -> String {
    format!("{READ}; {statements}")
}

#[test]
fn workflow_prints_the_committed_output() {
    let run = ddq(&["--format", "table", "run", "queries/nycflights.q"], None);
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    let expected = common::workflow_output();
    if run.stdout != expected {
        let line = run
            .stdout
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| run.stdout.lines().count().min(expected.lines().count()));
        panic!(
            "output differs from queries/nycflights.out at line {}:\n  got:      {:?}\n  expected: {:?}",
            line + 1,
            run.stdout.lines().nth(line),
            expected.lines().nth(line)
        );
    }
}

#[test]
fn piped_output_defaults_to_csv_with_keys_first() {
    let run = ddq(
        &["-c", &with_read(r#"ddf.groupby("Origin").DepDelay.max()"#)],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "Origin,DepDelay\nEWR,1006.0\nJFK,446.0\nLGA,623.0\n"
    );
}

#[test]
fn notebook_lines_paste_as_written() {
    let script = format!(
        "import dask.dataframe as dd\nimport pandas as pd\nfrom dask.distributed import Client\n{}\n{}\n{}\n{}\n",
        READ.replace("read_csv", "dd.read_csv"),
        "ddf = ddf.persist()",
        r#"ddf[~ddf.Cancelled].groupby("Origin").Origin.count().compute()"#,
        r#"ddf.DepDelay.max().compute(scheduler="threads")"#,
    );
    let run = ddq(&["--format", "csv", "run", "-"], Some(&script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "Origin,Origin\nEWR,6949\nJFK,6712\nLGA,6741\n1006.0\n"
    );
}

#[test]
fn scalars_print_bare_and_python_literals_evaluate() {
    let run = ddq(
        &["-c", "1 + 1; 7 // 2; 2 ** 10; 'a' + 'b'; [1, 2.5, None]"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "2\n3\n1024\n'ab'\n[1, 2.5, None]\n");
}

#[test]
fn json_lines_have_one_object_per_row() {
    let run = ddq(
        &[
            "--format",
            "json",
            "-c",
            &with_read(r#"ddf.Cancelled.value_counts()"#),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "{\"Cancelled\":false,\"count\":20402}\n{\"Cancelled\":true,\"count\":398}\n"
    );
}

#[test]
fn a_bare_frame_name_prints_its_lazy_structure() {
    let run = ddq(&["--format", "table", "-c", &with_read("ddf")], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("ddq DataFrame Structure: 21 columns, npartitions=10"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("           Date  datetime64[ns]"),
        "{}",
        run.stdout
    );
}

#[test]
fn read_command_binds_a_frame_named_after_the_path() {
    let script = "read \"data/nycflights/*.csv\"\nlen(nycflights)\nread \"data/nycflights/1990.csv\" as first\nlen(first)\n";
    let run = ddq(&["--format", "csv", "run", "-"], Some(script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "20800");
    let first: i64 = lines[1].parse().expect("a row count");
    assert!(first > 0 && first < 20800, "{first}");
}

#[test]
fn output_file_is_written_whole_or_not_at_all() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let out = dir.path().join("counts.csv");
    let out_arg = out.to_string_lossy().to_string();
    let ok = ddq(
        &[
            "--output",
            &out_arg,
            "-c",
            &with_read("ddf.Cancelled.value_counts()"),
        ],
        None,
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_eq!(ok.stdout, "");
    let good = std::fs::read_to_string(&out).expect("the output file exists");
    assert_eq!(good, "Cancelled,count\nFalse,20402\nTrue,398\n");
    // A failing run prints part of its results first, and must leave the good file as it was.
    let failed = ddq(
        &[
            "--output",
            &out_arg,
            "-c",
            &with_read("ddf.Cancelled.value_counts(); ddf.nosuch"),
        ],
        None,
    );
    assert_eq!(failed.code, 1);
    assert_eq!(std::fs::read_to_string(&out).expect("still there"), good);
    let leftovers: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .expect("readable")
        .map(|e| e.expect("entry").path())
        .filter(|p| *p != out)
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );
}

#[test]
fn run_stops_at_the_first_error_with_file_and_line() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let script = dir.path().join("job.q");
    std::fs::write(
        &script,
        format!("{READ}\nlen(ddf)\nddf.groupby(\"Orign\").DepDelay.mean()\nlen(ddf)\n"),
    )
    .expect("written");
    let run = ddq(&["--format", "csv", "run", &script.to_string_lossy()], None);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout, "20800\n",
        "statements after the error must not run"
    );
    let first_line = run.stderr.lines().next().unwrap_or_default();
    assert!(
        first_line.ends_with("job.q:3:13: error: column `Orign` not found"),
        "{first_line}"
    );
    assert!(
        run.stderr.contains("did you mean `Origin`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_repl_reports_errors_and_keeps_going() {
    let script = format!(
        "{READ}\nddf.nosuch\nddf.DepDelay.meen()\nlen(ddf)\nddf.groupby(\n    \"Origin\"\n).DepDelay.max()\n"
    );
    let run = ddq(&["-i", "--quiet", "--format", "csv"], Some(&script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "20800\nOrigin,DepDelay\nEWR,1006.0\nJFK,446.0\nLGA,623.0\n"
    );
    assert!(
        run.stderr.contains("column `nosuch` not found"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `mean`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn syntax_errors_show_the_line_with_a_caret() {
    let run = expect_error(
        "x = = 1",
        &["<command>:1:5: error: expected an expression, found \"=\""],
    );
    assert!(run.stderr.contains(" 1 │ x = = 1"), "{}", run.stderr);
    assert!(
        run.stderr.contains("│     ┬"),
        "the caret sits under the second `=`:\n{}",
        run.stderr
    );
}

#[test]
fn unknown_columns_methods_and_names_suggest_a_fix() {
    expect_error(
        &with_read("ddf.DepDelya.mean()"),
        &["column `DepDelya` not found", "did you mean `DepDelay`?"],
    );
    expect_error(
        &with_read("ddf.DepDelay.meen()"),
        &["has no attribute or method `meen`", "did you mean `mean`?"],
    );
    expect_error(
        &with_read("dff.head()"),
        &["name `dff` is not defined", "did you mean `ddf`?"],
    );
    expect_error(
        &with_read("ddf.groupby(\"Origin\").DepDelay.maen()"),
        &[
            "a groupby has no attribute or method `maen`",
            "did you mean `mean`?",
        ],
    );
    expect_error(
        &with_read("ddf.groupby(\"Origin\").agg(\"avrage\")"),
        &[
            "unknown aggregation `avrage`",
            "supported: count, size, sum, mean",
        ],
    );
}

#[test]
fn unsupported_arguments_name_the_supported_ones() {
    expect_error(
        &with_read("ddf.sample(fraction=0.1)"),
        &[
            "sample() does not support the argument `fraction`; supported: n, frac, replace, random_state",
            "did you mean `frac`?",
        ],
    );
    expect_error(
        r#"read_csv("data/nycflights/*.csv", engine="pyarrow")"#,
        &[
            "does not support the argument `engine`",
            "supported: path, sep",
        ],
    );
    expect_error(
        &with_read("ddf.compute(scheduler=\"proceses\")"),
        &[
            "unknown scheduler \"proceses\"",
            "schedulers: \"threads\", \"processes\", \"distributed\"",
        ],
    );
}

#[test]
fn missing_files_and_empty_globs_are_named() {
    expect_error(r#"read_csv("data/nope/*.csv")"#, &["data/nope/*.csv"]);
    expect_error(
        r#"read_csv("data/nycflights/2042.csv")"#,
        &["data/nycflights/2042.csv"],
    );
}

#[test]
fn operations_between_incompatible_types_are_refused() {
    expect_error(
        &with_read("ddf.Origin + 1"),
        &["unsupported operand types for `+`", "object", "int64"],
    );
    expect_error(
        &with_read("ddf.Dest.mean()"),
        &["cannot compute mean of column `Dest` of dtype object"],
    );
    expect_error(
        &with_read("ddf[ddf.Origin]"),
        &["a boolean series is needed"],
    );
    expect_error(
        &with_read("ddf.DayOfWeek == 1 and ddf.Cancelled"),
        &["truth value is ambiguous", "use `&`"],
    );
}

#[test]
fn a_malformed_csv_row_names_file_line_and_value() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut text = String::from("a,b\n");
    for i in 0..3000 {
        text.push_str(&format!("{i},{}\n", i * 2));
    }
    text.push_str("3000,oops\n");
    std::fs::write(dir.path().join("x.csv"), text).expect("written");
    let run = ddq_in(
        dir.path(),
        &[
            "-c",
            "read_csv(\"x.csv\", dtype={\"b\": \"float64\"}).b.sum()",
        ],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("x.csv:3002"), "{}", run.stderr);
    assert!(run.stderr.contains("\"oops\""), "{}", run.stderr);
    assert!(run.stderr.contains("column \"b\""), "{}", run.stderr);
}

#[test]
fn inference_reads_every_file_and_widens_like_pandas() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(
        dir.path().join("1.csv"),
        "n,empty,flag\n1,,True\n2,,False\n",
    )
    .expect("written");
    std::fs::write(
        dir.path().join("2.csv"),
        "n,empty,flag\n3.5,,True\n,,False\n",
    )
    .expect("written");
    let run = ddq_in(
        dir.path(),
        &[
            "--format",
            "csv",
            "-c",
            "df = read_csv(\"*.csv\"); df.dtypes; df.n.sum()",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "column,dtype\nn,float64\nempty,float64\nflag,bool\n6.5\n"
    );
}

#[test]
fn help_lists_examples() {
    let run = ddq(&["--help"], None);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("ddq run queries/nycflights.q"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("--format"), "{}", run.stdout);
}

#[test]
fn a_long_chain_of_rebinding_plans_without_overflowing_the_stack() {
    // Each line nests the plan one filter deeper; DataFusion walks plans recursively.
    let mut script = String::from("f = read_csv(\"data/nycflights/1990.csv\")\n");
    for _ in 0..2000 {
        script.push_str("f = f[f.DepDelay > -1000]\n");
    }
    script.push_str("len(f)\n");
    let run = ddq(&["run", "-"], Some(&script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "1996\n");
}

#[test]
fn a_long_chain_of_renames_and_assigns_plans_in_linear_time() {
    // Each projection used to walk the whole plan once per column: 2,000 renames took minutes
    // in a debug build. Linear planning takes a few seconds there; the bound is generous so
    // that a loaded machine does not fail it, and far below what quadratic planning takes.
    let mut script = String::from("f = read_csv(\"data/nycflights/1990.csv\")\n");
    for _ in 0..1000 {
        script.push_str("f = f.rename(columns={\"DepDelay\": \"D\"})\n");
        script.push_str("f = f.assign(k=f.D + 1).rename(columns={\"D\": \"DepDelay\"})\n");
    }
    script.push_str("len(f)\nf.k.sum() - f.DepDelay.sum()\n");
    let started = std::time::Instant::now();
    let run = ddq(&["run", "-"], Some(&script));
    let took = started.elapsed();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "2040\n1996.0\n");
    assert!(
        took.as_secs() < 60,
        "2,000 rebinding statements took {took:?}"
    );
}

#[test]
fn input_that_is_not_utf8_names_its_line_and_the_repl_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("bad.q");
    std::fs::write(&script, b"len([1])\nx = \"\xff\"\n").expect("write script");
    let run = ddq(&["run", script.to_str().expect("utf-8 path")], None);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("bad.q:2:6: the script is not UTF-8 (byte 0xff)"),
        "{}",
        run.stderr
    );

    let mut child = common::ddq_command(&["-i", "--quiet", "--format", "csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ddq starts");
    let mut stdin = child.stdin.take().expect("stdin");
    std::io::Write::write_all(&mut stdin, b"1 + 1\nx = \"\xfe\"\n2 + 2\n(1,").expect("input");
    drop(stdin);
    let output = child.wait_with_output().expect("ddq ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(String::from_utf8_lossy(&output.stdout), "2\n4\n");
    assert!(
        stderr.contains("<stdin>:2: the line is not UTF-8 (byte 0xfe at column 6)"),
        "{stderr}"
    );
    // A statement left open at the end of the input is reported, not dropped.
    assert!(stderr.contains("is never closed"), "{stderr}");
}

#[test]
fn a_blocksize_far_below_a_row_is_refused_not_a_hang() {
    expect_error(
        "len(read_csv(\"data/nycflights/1990.csv\", blocksize=1))",
        &[
            "blocksize=1 cuts 146588 bytes of CSV into 146588 partitions",
            "use a blocksize of at least 2 bytes",
        ],
    );
}

#[test]
fn odd_input_never_panics() {
    let inputs = [
        "",
        ";",
        ";;",
        "(",
        ")",
        "[1,",
        "{'a': }",
        "ddf",
        "ddf.",
        "ddf[",
        "ddf[[]]",
        "1/0",
        "1//0",
        "2**-1",
        "ddf.iloc[]",
        "ddf.iloc[:, 99]",
        "ddf.iloc[[99999]]",
        "ddf.partitions[99]",
        "ddf.head(-1)",
        "ddf.groupby([])",
        "ddf.groupby('Origin')",
        "ddf.groupby('Origin')['nope']",
        "ddf.loc[1]",
        "ddf.sample(frac=2)",
        "ddf.repartition(npartitions=0)",
        "ddf.astype('complex')",
        "ddf['DepDelay'][1]",
        "ddf.merge(ddf, on='nope')",
        "ddf.DepDelay.between('a', 'b')",
        "ddf.Date.dt.year + ddf.Origin",
        "read_csv()",
        "read_csv(1)",
        "len()",
        "len(1, 2)",
        "print()",
        "lambda x: x",
        "x if y else z",
        "\"unterminated",
        "ddf.Origin.str.contains()",
        "ddf.DepDelay.dt.year",
        "ddf.DepDelay.str.lower()",
        "head",
        "help nosuchthing",
        "set nosuch 1",
        "set max_rows many",
        "%time",
        "ddf.columns[99]",
        "ddf.agg({'DepDelay': 'nope'})",
        "ddf.groupby('Origin').agg(1)",
        "not ddf.Cancelled",
        "-ddf.Origin",
        "ddf.rename(columns=1)",
        "ddf.drop(columns=['nope'])",
        "ddf.sort_values('nope')",
        "concat([])",
        "ddf.iloc[::0]",
        "ddf.iloc[:, ::-1]",
        "ddf.fillna()",
        "ddf.nlargest(3)",
        "ddf.select_dtypes()",
    ];
    for input in inputs {
        let run = ddq(&["--format", "csv", "-c", &with_read(input)], None);
        assert!(
            run.code == 0 || run.code == 1,
            "exit code {} for {input:?}:\n{}",
            run.code,
            run.stderr
        );
        if run.code == 1 {
            assert!(
                run.stderr.contains("error"),
                "no error message for {input:?}:\n{}",
                run.stderr
            );
        }
    }
}

#[test]
fn to_csv_and_to_parquet_write_whole_files_that_read_back() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let data = project_dir().join("data/nycflights/*.csv");
    let read = format!("ddf = read_csv({:?})", data.to_string_lossy());
    let script = format!(
        "{read}\nddf.to_csv(\"parts/*.csv\")\nddf.groupby(\"Origin\").DepDelay.max().to_csv(\"max.csv\")\nddf.to_parquet(\"pq/\")\nlen(read_csv(\"parts/*.csv\"))\nlen(read_parquet(\"pq/*.parquet\"))\n"
    );
    let run = ddq_in(dir.path(), &["--format", "csv", "run", "-"], Some(&script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "20800\n20800\n");
    assert!(
        run.stderr
            .contains("wrote 20800 rows to 10 files (parts/*.csv)"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("max.csv")).expect("max.csv"),
        "Origin,DepDelay\nEWR,1006.0\nJFK,446.0\nLGA,623.0\n"
    );
    let first = std::fs::read_to_string(dir.path().join("parts/0.csv")).expect("parts/0.csv");
    assert!(first.starts_with("Year,Month,DayofMonth,"), "{first}");
    assert!(dir.path().join("pq/part.9.parquet").exists());
}

#[test]
fn a_failed_write_leaves_no_file() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(dir.path().join("x.csv"), "a,b\n1,2\n2,oops\n").expect("written");
    let run = ddq_in(
        dir.path(),
        &[
            "-c",
            "read_csv(\"x.csv\", dtype={\"b\": \"int64\"}).to_csv(\"out.csv\")",
        ],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("readable")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(
        names,
        vec!["x.csv".to_string()],
        "only the input may remain"
    );
}

#[test]
fn visualize_writes_dot_svg_and_png() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let data = project_dir().join("data/nycflights/*.csv");
    let script = format!(
        "ddf = read_csv({:?})\nddf.groupby(\"Dest\")[\"ArrDelay\"].min().visualize(\"g.dot\")\nvisualize ddf.DepDelay.max() to \"g.svg\"\nddf.groupby(\"Dest\")[\"ArrDelay\"].min().visualize()\n",
        data.to_string_lossy()
    );
    let run = ddq_in(dir.path(), &["run", "-"], Some(&script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dot = std::fs::read_to_string(dir.path().join("g.dot")).expect("g.dot");
    assert!(dot.starts_with("digraph tasks {"), "{dot}");
    assert!(dot.contains("label=\"aggregate-agg 0\""), "{dot}");
    let svg = std::fs::read_to_string(dir.path().join("g.svg")).expect("g.svg");
    assert!(svg.contains("<svg") && svg.contains("read-csv 9"), "{svg}");
    let png =
        std::fs::read(dir.path().join("mydask.png")).expect("mydask.png, Dask's default name");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        run.stderr
            .contains("wrote the task graph (1 partition, 34 tasks) to mydask.png"),
        "{}",
        run.stderr
    );
}

/// `visualize`'s DOT file: (operator, task count) of each of its clusters, in order.
fn task_layers(dot: &str) -> Vec<(String, usize)> {
    dot.lines()
        .filter_map(|line| line.trim().strip_prefix("label=\""))
        .filter_map(|label| {
            let (name, rest) = label.split_once(" (")?;
            let count = rest.split(' ').next()?.parse().ok()?;
            Some((name.to_string(), count))
        })
        .collect()
}

#[test]
fn visualize_draws_a_task_per_partition_as_npartitions_counts_them() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let script = format!(
        "{READ}\nddf.npartitions\nddf.repartition(npartitions=5).npartitions\nddf.groupby(\"Origin\").DepDelay.mean().npartitions\nddf.groupby(\"Origin\").DepDelay.mean().visualize(\"g.dot\")\nddf.repartition(npartitions=5).visualize(\"r.dot\")\nddf[ddf.DepDelay > 0].visualize(\"f.svg\")\n"
    );
    let data = project_dir().join("data/nycflights");
    let script = script.replace("data/nycflights", &data.to_string_lossy());
    let run = ddq_in(dir.path(), &["run", "-"], Some(&script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "10\n5\n1\n");
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).expect(name);
    let layers = task_layers(&read("g.dot"));
    let counts: Vec<(&str, usize)> = layers.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    assert_eq!(
        counts,
        [
            ("read-csv", 10),
            ("filter", 10),
            ("aggregate-chunk", 10),
            ("aggregate-combine", 2),
            ("aggregate-agg", 1),
            ("sort", 1)
        ],
        "Dask's tree reduction, eight tasks at a time"
    );
    let dot = read("g.dot");
    assert_eq!(dot.matches(", label=\"read-csv ").count(), 10, "{dot}");
    let repartitioned = read("r.dot");
    let layers = task_layers(&repartitioned);
    assert_eq!(layers.last(), Some(&("repartition".to_string(), 5)));
    assert_eq!(repartitioned.matches(", label=\"repartition ").count(), 5);
    assert_eq!(repartitioned.matches(", label=\"read-csv ").count(), 10);
    let svg = read("f.svg");
    assert_svg_fits_its_content(&svg);
}

/// The SVG's declared size ends within a small margin of its lowest and rightmost box.
fn assert_svg_fits_its_content(svg: &str) {
    let attribute = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
        tag[start..].split('"').next().unwrap().parse().expect(name)
    };
    let root = &svg[svg.find("<svg ").expect("<svg")..];
    let view_box: Vec<f64> = root[root.find("viewBox=\"").unwrap() + 9..]
        .split('"')
        .next()
        .unwrap()
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    let (bottom, right) = (view_box[1] + view_box[3], view_box[0] + view_box[2]);
    assert_eq!(attribute(root, "height"), view_box[3]);
    let rects: Vec<&str> = svg.split("<rect").skip(1).collect();
    assert_eq!(rects.len(), 20, "10 reads and 10 filters");
    let lowest = rects
        .iter()
        .map(|r| attribute(r, "y") + attribute(r, "height"))
        .fold(0.0, f64::max);
    let rightmost = rects
        .iter()
        .map(|r| attribute(r, "x") + attribute(r, "width"))
        .fold(0.0, f64::max);
    assert!(
        bottom >= lowest && bottom - lowest <= 20.0,
        "{bottom} {lowest}"
    );
    assert!(
        right >= rightmost && right - rightmost <= 20.0,
        "{right} {rightmost}"
    );
}

#[test]
fn time_magic_reports_cpu_and_wall_time_on_stderr() {
    let run = ddq(
        &[
            "--format",
            "csv",
            "-c",
            &with_read("%time len(ddf); %timeit -n 2 len(ddf)"),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout, "20800\n",
        "only results on stdout; %timeit prints none"
    );
    assert!(run.stderr.contains("CPU times: user "), "{}", run.stderr);
    assert!(run.stderr.contains("Wall time: "), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("per loop (mean ± std. dev. of 2 runs, 1 loop each)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = common::ddq_command(&["-c", &with_read("ddf"), "--format", "csv"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ddq starts");
    let mut stdout = child.stdout.take().expect("piped");
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).expect("some output");
    drop(stdout);
    let output = child.wait_with_output().expect("ddq ends");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn settings_flags_and_the_set_command_agree() {
    let run = ddq(
        &[
            "--max-rows",
            "4",
            "--format",
            "table",
            "-c",
            &with_read("set max_rows; set format csv; set format; ddf.Origin.nunique()"),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "max_rows = 4\nformat = csv\n3\n");
    let bad = ddq(&["--max-rows", "many", "-c", "1"], None);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains("--max-rows: invalid value `many` for max_rows"),
        "{}",
        bad.stderr
    );
}

#[test]
fn help_names_every_group_and_explains_a_verb() {
    let run = ddq(&["-c", "help; help groupby"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for group in [
        "Commands:",
        "Top-level functions (also as dd.NAME, pd.NAME):\n  Reading: os.path.join, read_csv",
        "DataFrame:",
        "Series:",
        "GroupBy (and resample(...), which groups by time):",
        "Rolling (s.rolling(n)):\n  Aggregating: count, sum, mean",
        "Series.dt:",
        "Series.str:",
        "  Aggregating:",
        "  Dates and strings:",
    ] {
        assert!(
            run.stdout.contains(group),
            "help lacks {group}:\n{}",
            run.stdout
        );
    }
    assert!(
        run.stdout
            .contains("groupby(key | [keys] | series, sort=True"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("example: ddf.groupby(\"Origin\").DepDelay.mean()"),
        "{}",
        run.stdout
    );
    expect_error(
        "help groupbyy",
        &["no help for `groupbyy`", "did you mean `groupby`?"],
    );
}

#[test]
fn read_csv_options_follow_pandas() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(dir.path().join("semi.csv"), "a;b;c\n1;x;-\n2;y;3.5\n").expect("written");
    std::fs::write(dir.path().join("bare.csv"), "1,2\n3,4\n").expect("written");
    let script = r#"s = read_csv("semi.csv", sep=";", usecols=["c", "a"], na_values=["-"])
s.dtypes
s
b = read_csv("bare.csv", header=None)
b
read_csv(["bare.csv", "bare.csv"], header=None).shape
"#;
    let run = ddq_in(dir.path(), &["--format", "csv", "run", "-"], Some(script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout, "column,dtype\na,int64\nc,float64\na,c\n1,\n2,3.5\n0,1\n1,2\n3,4\n(4, 2)\n",
        "usecols keeps file order, na_values adds to pandas' NA strings, header=None numbers columns"
    );
}

#[test]
fn parse_dates_builds_a_date_first_or_parses_in_place() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(
        dir.path().join("d.csv"),
        "y,m,d,when,v\n1999,12,31,2001-02-03 04:05:06,1\n2000,1,2,2001-02-04 00:00:00,2\n",
    )
    .expect("written");
    let script = r#"a = read_csv("d.csv", parse_dates={"Date": ["y", "m", "d"]})
a.columns
a.Date.dt.dayofweek
b = read_csv("d.csv", parse_dates=["when"])
b.when.dt.hour
b.dtypes
"#;
    let run = ddq_in(dir.path(), &["--format", "csv", "run", "-"], Some(script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "column\nDate\nwhen\nv\nDate\n4\n6\nwhen\n4\n0\ncolumn,dtype\ny,int64\nm,int64\nd,int64\nwhen,datetime64[ns]\nv,int64\n"
    );
}

#[test]
fn parse_dates_refuses_parts_that_make_no_date() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(
        dir.path().join("d.csv"),
        "y,m,d,v\n2000,2,29,1\n2001,2,29,2\n",
    )
    .expect("written");
    let script = "a = read_csv(\"d.csv\", parse_dates={\"Date\": [\"y\", \"m\", \"d\"]})\na.Date\n";
    let run = ddq_in(dir.path(), &["--format", "csv", "run", "-"], Some(script));
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("year 2001, month 2, day 29 is not a date"),
        "{}",
        run.stderr
    );
    std::fs::write(dir.path().join("d.csv"), "y,m,d,v\n2000,2,29,1\n").expect("written");
    let run = ddq_in(dir.path(), &["--format", "csv", "run", "-"], Some(script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "Date\n2000-02-29\n", "2000 is a leap year");
}

#[test]
fn a_query_over_the_memory_limit_names_the_limit() {
    let run = expect_error_with(
        &["--memory-limit", "50kB"],
        &with_read("ddf.sort_values(\"DepDelay\").head(2)"),
        &[
            "needs more memory than the limit of 50kB",
            "set memory_limit 4GB",
            "--memory-limit",
        ],
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let ok = ddq(
        &[
            "--memory-limit",
            "64MB",
            "--format",
            "csv",
            "-c",
            &with_read("len(ddf.drop_duplicates())"),
        ],
        None,
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_eq!(ok.stdout, "20800\n");
}

#[test]
fn a_positional_lookup_of_a_sort_over_the_memory_limit_names_the_limit() {
    // iloc[-1] joins the numbered rows with the wanted position; DataFusion's nested-loop join
    // runs its build side again when loading it runs out of memory, which stopped with an
    // internal error ("partition not used yet") instead of this one. DataFusion's own 10 MB
    // per sort for its merge is what ran this out of memory at 10MB and 20MB.
    let statements = with_read("ddf.sort_values(\"DepDelay\").DepDelay.iloc[-1]");
    for limit in ["10MB", "20MB"] {
        let run = common::run(
            common::ddq_command(&[
                "--memory-limit",
                limit,
                "--format",
                "csv",
                "-c",
                &statements,
            ])
            .env(
                "DATAFUSION_EXECUTION_SORT_SPILL_RESERVATION_BYTES",
                "10485760",
            ),
            None,
        );
        assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
        assert!(
            run.stderr
                .contains(&format!("needs more memory than the limit of {limit}")),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("set memory_limit"), "{}", run.stderr);
        assert!(!run.stderr.contains("internal error"), "{}", run.stderr);
    }
    // ddq sets aside at most a sixteenth of the limit per sort, so 10MB is enough; 1MB is not.
    let fits = ddq(&["--memory-limit", "10MB", "-c", &statements], None);
    assert_eq!(
        (fits.code, fits.stdout.as_str()),
        (0, "nan\n"),
        "{}",
        fits.stderr
    );
    expect_error_with(
        &["--memory-limit", "1MB"],
        &statements,
        &[
            "needs more memory than the limit of 1MB",
            "set memory_limit",
        ],
    );
}

#[test]
fn a_notebook_time_series_line_prints_as_pandas_does() {
    // The brief's own line: the index set, a month resample, printed as a table.
    let run = ddq(
        &[
            "--format",
            "table",
            "-c",
            &with_read(r#"ddf.set_index("Date").DepDelay.resample("M").mean()"#),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["Date", "DepDelay"]
    );
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["1990-01-31", "7.500000"]
    );
    assert_eq!(
        lines[2].split_whitespace().collect::<Vec<_>>(),
        ["1990-02-28", "9.627451"]
    );
    assert!(
        run.stdout
            .contains("Name: DepDelay, Length: 120, dtype: float64"),
        "{}",
        run.stdout
    );
}

#[test]
fn running_and_shifted_values_work_in_masks_and_groups() {
    let run = ddq(
        &[
            "--format",
            "csv",
            "-c",
            &with_read(
                r#"len(ddf[ddf.DepDelay.diff() > 100]); ddf.groupby("Origin").DepDelay.cumsum().tail(2); (ddf.DepDelay - ddf.DepDelay.shift()).abs().max()"#,
            ),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "251\nDepDelay\n55300.0\n60288.0\n1016.0\n");
}

#[test]
fn partitions_are_picked_by_position_slice_and_list_as_dask_picks_them() {
    let run = ddq(
        &[
            "--format",
            "csv",
            "-c",
            &with_read(
                "len(ddf.partitions[1]); len(ddf.partitions[[1, 3]]); \
                 len(ddf.partitions[1:4].partitions[2]); ddf.partitions[-2:].npartitions; \
                 ddf.partitions[::3].npartitions; len(ddf.get_partition(3)); \
                 ddf.partitions[[1, 3]].Date.dt.year.unique()",
            ),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "1984\n4016\n2032\n2\n4\n2032\nDate\n1991\n1993\n"
    );
    expect_error(
        &with_read("ddf.partitions[[3, 1]]"),
        &["a list of partitions must name each once, in increasing order"],
    );
    expect_error(
        &with_read("ddf.partitions[::-1]"),
        &["slice steps must be positive"],
    );
}

#[test]
fn to_parquet_compresses_with_the_codec_named_snappy_by_default() {
    use datafusion::parquet::basic::Compression;
    use datafusion::parquet::file::reader::{FileReader, SerializedFileReader};
    let dir = tempfile::tempdir().expect("a directory");
    let codec_of = |file: &str| {
        let opened = std::fs::File::open(dir.path().join(file)).expect(file);
        let reader = SerializedFileReader::new(opened).expect("a Parquet file");
        reader.metadata().row_group(0).column(0).compression()
    };
    let statements = with_read(
        r#"x = ddf[["Origin", "DepDelay"]].head(500); x.to_parquet("plain.parquet"); x.to_parquet("z.parquet", compression="zstd", engine="pyarrow"); x.to_parquet("none.parquet", compression=None); len(read_parquet("z.parquet")); read_parquet("none.parquet").DepDelay.sum() == x.DepDelay.sum()"#,
    );
    let run = ddq_in(
        dir.path(),
        &[
            "--format",
            "csv",
            "-c",
            &statements.replace("data/", &format!("{}/data/", project_dir().display())),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.ends_with("500\nTrue\n"), "{}", run.stdout);
    assert_eq!(codec_of("plain.parquet"), Compression::SNAPPY);
    assert!(matches!(codec_of("z.parquet"), Compression::ZSTD(_)));
    assert_eq!(codec_of("none.parquet"), Compression::UNCOMPRESSED);
    expect_error(
        &with_read(r#"ddf.to_parquet("/tmp/x/", compression="lzma")"#),
        &["unknown compression \"lzma\"", "snappy, gzip, zstd"],
    );
}

#[test]
fn pd_cut_misuse_is_named() {
    expect_error(
        &with_read("pd.cut(ddf.Distance, [0, 5000, 500])"),
        &["bins must increase monotonically"],
    );
    expect_error(
        &with_read("pd.cut(ddf.Distance, [0, 500, 500, 5000])"),
        &["bin edges must be unique"],
    );
    expect_error(
        &with_read(r#"pd.cut(ddf.Distance, [0, 500, 5000], labels=["a"])"#),
        &["labels= has 1 labels for 2 bins", "one label per bin"],
    );
    expect_error(
        &with_read("pd.cut(ddf.Distance, [0, 500, 5000], labels=True)"),
        &["labels is a list of labels, one per bin, or False for bin numbers"],
    );
    expect_error(
        &with_read(r#"pd.cut(ddf.Origin == "x", "many")"#),
        &["bins must be a list of edges or a positive number of bins"],
    );
}

#[test]
fn index_and_resample_misuse_is_named() {
    expect_error(
        &with_read(r#"ddf.DepDelay.resample("M").mean()"#),
        &["resample needs an index", "set_index(\"Date\")"],
    );
    expect_error(
        &with_read(r#"ddf.set_index("Date").resample("0W").size()"#),
        &["the multiple must be a whole number from 1", "\"2W\""],
    );
    expect_error(
        &with_read(r#"ddf.set_index("Date").resample("fortnight").size()"#),
        &[
            "resample rule \"fortnight\" is not supported",
            "W (W-MON, ...), M (ME)",
        ],
    );
    expect_error(
        &with_read(r#"ddf.set_index("Date").resample("W-XYZ").size()"#),
        &["resample rule \"W-XYZ\" is not supported"],
    );
    expect_error(
        &with_read(r#"ddf.set_index("Origin").resample("D").size()"#),
        &["resample needs datetimes", "`Origin` has dtype object"],
    );
    expect_error(
        &with_read(r#"pd.concat([ddf[ddf.DepDelay > 0], ddf]).reset_index()"#),
        &[
            "reset_index() of a concat of filtered or combined frames",
            "reset_index() each part before the concat, or use reset_index(drop=True)",
        ],
    );
    expect_error(
        &with_read(r#"ddf.Origin.cumsum()"#),
        &["cumsum() needs numbers", "`Origin` has dtype object"],
    );
    expect_error(
        &with_read(r#"ddf.loc["JFK"]"#),
        &["this frame has no index", "set_index"],
    );
}

#[test]
fn notebook_functions_are_compiled_or_refused_by_name() {
    let script = format!(
        "{READ}\ndef gain(r):\n    return r.DepDelay - r.ArrDelay\nddf.assign(g=gain).g.max()\nf = lambda x: x * 2\nf(21)\n"
    );
    let run = ddq(&["--format", "csv", "run", "-"], Some(&script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "42.0\n42\n");
    expect_error(
        &with_read("ddf.apply(lambda r: r.DepDelay.sum(), axis=1)"),
        &[
            "one value for the whole column (a reduction)",
            "lambda r: r.ArrDelay - r.DepDelay",
        ],
    );
    expect_error(
        &with_read(r#"ddf.groupby("Origin")[["DepDelay"]].agg(lambda s: s * 2)"#),
        &["the function gave a value per row where one value per group is needed"],
    );
    expect_error(
        &with_read("ddf.map_partitions(lambda df: len(df))"),
        &["one value per partition in Dask", "len(df)"],
    );
    expect_error(
        &with_read("ddf.apply(lambda a, b: a, axis=1)"),
        &["<lambda>() is missing the argument `b`"],
    );
    let subtract = "def subtract_and_divide(x, sub, divide=1): return (x - sub) / divide";
    expect_error(
        &with_read(&format!(
            "{subtract}; ddf[[\"DepDelay\"]].apply(subtract_and_divide, divide=3)"
        )),
        &[
            "subtract_and_divide() is missing the argument `sub`",
            "usage: subtract_and_divide(x, sub, divide=1)",
        ],
    );
    expect_error(
        &with_read(&format!(
            "{subtract}; subtract_and_divide(ddf.DepDelay, 5, dvide=3)"
        )),
        &[
            "subtract_and_divide() has no parameter `dvide`",
            "did you mean `divide`?",
        ],
    );
    expect_error(
        &with_read(&format!(
            "{subtract}; ddf.DepDelay.apply(subtract_and_divide, args=(5, 1, 2))"
        )),
        &["subtract_and_divide() takes 3 positional arguments, but 4 were given"],
    );
    expect_error(
        &with_read("ddf[[\"DepDelay\"]].transform([lambda x: x, lambda x: x + 1])"),
        &[
            "Function names must be unique: `<lambda>` is given twice",
            "name each function with `def`",
        ],
    );
    expect_error(
        &with_read("ddf[[\"DepDelay\"]].transform(\"mean\")"),
        &["one value for the whole column (a reduction)", "agg()"],
    );
    let run = ddq(
        &["run", "-"],
        Some("def f(df):\n    x = df.a\n    return x\n"),
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("only a function whose body is one `return expression`"),
        "{}",
        run.stderr
    );
}

#[test]
fn groupers_joins_and_time_zones_explain_what_they_cannot_do() {
    expect_error(
        &with_read(r#"ddf.groupby([pd.Grouper(key="Date", freq="ME"), "Origin"]).DepDelay.sum()"#),
        &[
            "pd.Grouper(freq=...) beside other keys",
            "dt.to_period(\"M\")",
        ],
    );
    expect_error(
        &with_read(r#"ddf[["Dest"]].join(ddf[["Dest", "Distance"]], on="Dest")"#),
        &[
            "matches the other frame's index, and it has none",
            "set_index",
        ],
    );
    expect_error(
        &with_read(
            r#"ddf[["Dest", "Distance"]].join(ddf.groupby("Dest").Distance.max(), on="Dest")"#,
        ),
        &["columns overlap but no suffix specified", "rsuffix="],
    );
    expect_error(
        &with_read(r#"ddf.Date.dt.tz_localize("UTC").dt.tz_localize("UTC")"#),
        &["already have a time zone", "tz_convert()"],
    );
    expect_error(
        &with_read(r#"ddf.Date.dt.tz_convert("UTC")"#),
        &["no time zone to convert from", "tz_localize"],
    );
    expect_error(
        &with_read(r#"ddf.Date.dt.tz_localize("Mars/Base")"#),
        &["unknown time zone `Mars/Base`"],
    );
    expect_error(
        &with_read(r#"ddf.Date.dt.to_period("5D")"#),
        &["to_period() takes"],
    );
    expect_error(
        &with_read(r#"pd.merge(ddf, ddf, on="Dest", indicator=3)"#),
        &["indicator must be True or a column name"],
    );
}

#[test]
fn print_f_strings_and_time_cells_behave_as_in_a_notebook() {
    let script = format!(
        "{READ}\nyear = 1995\nprint(f\"data/{{year}}.csv\")\nprint(\"max delay:\", ddf.DepDelay.max(), f\"({{len(ddf):,}} flights)\")\nprint(f\"mean {{ddf.DepDelay.mean():.2f}}, cancelled {{ddf.Cancelled.mean():.1%}}\")\nprint(1, 2, sep=\"-\", end=\"!\\n\")\n%%time\nx = ddf.DepDelay.max()\nprint(x)\n\nprint(\"after the cell\")\n"
    );
    let run = ddq(&["run", "-"], Some(&script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "data/1995.csv\nmax delay: 1006.0 (20,800 flights)\nmean 8.88, cancelled 1.9%\n1-2!\n1006.0\nafter the cell\n"
    );
    assert_eq!(
        run.stderr.matches("Wall time:").count(),
        1,
        "{}",
        run.stderr
    );
    expect_error(
        &with_read("print(f\"{ddf.Origin.nunique():.2s}\")"),
        &["unknown format code 's' for a value of type int"],
    );
}

#[test]
fn groupby_api_misuse_is_named() {
    expect_error(
        &with_read(r#"ddf.groupby("Origin").get_group(("JFK", "SEA"))"#),
        &["the groupby has 1 key; give a tuple of that many values"],
    );
    expect_error(
        &with_read(r#"ddf.groupby("Origin").agg(worst="max")"#),
        &[
            "`worst=` needs a (column, aggregation) pair",
            "gb.DepDelay.agg(avg=\"mean\")",
        ],
    );
    expect_error(
        &with_read(r#"ddf.groupby("Origin").DepDelay.transform(lambda s: s.head(2))"#),
        &[
            "where a value per row of the group is needed",
            "transform(lambda x: (x - x.mean()) / x.std())",
        ],
    );
    expect_error(
        &with_read("ddf.DepDelay.quantile(1.5)"),
        &["q must be between 0 and 1, got 1.5"],
    );
    let run = ddq(
        &[
            "--format",
            "csv",
            "-c",
            &with_read(
                r#"ddf.groupby("Origin", as_index=False, split_out=4).agg(n=("Dest", "count"))"#,
            ),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "Origin,n\nEWR,7093\nJFK,6840\nLGA,6867\n");
}

#[test]
fn rolling_query_and_conditions_misuse_is_named() {
    expect_error(
        &with_read(r#"ddf.set_index("Date").DepDelay.rolling("7D").agg("nunique")"#),
        &[
            "nunique() over a time window is not supported",
            "sum, mean, median, count, min, max, std, var, skew and kurt are",
        ],
    );
    expect_error(
        &with_read(r#"ddf.DepDelay.rolling("1M").mean()"#),
        &["\"1M\" is not a fixed time span", "\"2D\""],
    );
    expect_error(
        &with_read("ddf.DepDelay.rolling(3, min_periods=5).mean()"),
        &["min_periods must be between 0 and the window (3)"],
    );
    expect_error(
        &with_read("ddf.DepDelay.rolling(3).nunique()"),
        &["a rolling window has no attribute or method `nunique`"],
    );
    expect_error(
        &with_read(r#"ddf.query("DepDelay >")"#),
        &[
            "in the query \"DepDelay >\"",
            "a query is an expression over the columns",
        ],
    );
    expect_error(
        &with_read("ddf.DepDelay.where(ddf.head(3).DepDelay > 0)"),
        &["`cond` must be computed from the same frame as the series"],
    );
}

#[test]
fn statistics_misuse_is_named() {
    expect_error(
        &with_read("ddf.DepDelay.corr(ddf.ArrDelay, method=\"kendall\")"),
        &["method \"kendall\" is not supported", "Pearson", "Spearman"],
    );
    expect_error(
        &with_read("ddf.DepDelay.corr()"),
        &["give the other series"],
    );
    expect_error(
        &with_read("ddf[[\"DepDelay\", \"ArrDelay\"]].std(axis=1)"),
        &["does not support the argument `axis`"],
    );
    expect_error(
        &with_read("ddf[[\"DepDelay\", \"ArrDelay\"]].sum(axis=2)"),
        &["axis is 0 (\"index\") or 1 (\"columns\")"],
    );
}

#[test]
fn pandas_methods_ddq_lacks_name_what_to_write_instead() {
    expect_error(
        &with_read(r#"ddf.DepDelay.ewm(span=3).std()"#),
        &[
            "ewm() is aggregated with mean() only, not std()",
            "use .ewm(...).mean()",
        ],
    );
    expect_error(
        &with_read("ddf.iterrows()"),
        &["ddq does not have pandas' `iterrows`; express the computation over columns"],
    );
    // A frame's mode (a row of each column's) is not there; a series' is.
    expect_error(&with_read("ddf.mode()"), &["`mode` applies to: series"]);
    expect_error(&with_read("ddf.DepDelay.cummean()"), &["did you mean"]);
}

#[test]
fn read_parquet_reads_the_folder_to_parquet_wrote() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let out = format!("{}/flights/", dir.path().display());
    let script = format!(
        "{READ}\nddf.to_parquet(\"{out}\")\nback = dd.read_parquet(\"{out}\")\nlen(back); back.npartitions; back.DepDelay.max()\n"
    );
    let run = ddq(&["--format", "csv", "--quiet", "run", "-"], Some(&script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "20800\n10\n1006.0\n");
}

#[test]
fn a_write_removes_temporaries_that_a_killed_ddq_left_beside_its_target() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let target = dir.path().join("out.csv");
    // What `kill -9` during a write leaves: a temporary named after a process that is gone
    // (4194304 is above Linux's pid_max).
    let stale = dir.path().join(".out.csv.ddq-4194304.tmp");
    std::fs::write(&stale, "partial").expect("a stale temporary");
    let script = format!(
        "{READ}\nddf[[\"Origin\"]].head(2).to_csv(\"{}\")\n",
        target.display()
    );
    let run = ddq(&["--quiet", "run", "-"], Some(&script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!stale.exists(), "the stale temporary is still there");
    let written = std::fs::read_to_string(&target).expect("the target is written");
    assert_eq!(written, "Origin\nJFK\nEWR\n");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("the dir lists")
        .map(|e| e.expect("an entry").file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("out.csv")]);
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}

#[test]
fn the_dashboard_flag_setting_and_client_keyword_agree() {
    let (port, other) = (free_port(), free_port());
    let run = ddq(
        &[
            "--dashboard",
            &format!("127.0.0.1:{port}"),
            "-c",
            &format!(
                "set dashboard; cluster; set dashboard off; set dashboard; cluster; \
                 client = Client(dashboard_address=\":{other}\", n_workers=1, threads_per_worker=1); \
                 set dashboard; cluster"
            ),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dashboard_lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("dashboard =") || l.starts_with("Dashboard:"))
        .collect();
    assert_eq!(
        dashboard_lines,
        [
            format!("dashboard = 127.0.0.1:{port}").as_str(),
            &format!("Dashboard:  http://127.0.0.1:{port}/status"),
            "dashboard = off",
            "Dashboard:  off (`set dashboard 127.0.0.1:8787` serves it)",
            &format!("dashboard = 127.0.0.1:{other}"),
            &format!("Dashboard:  http://127.0.0.1:{other}/status"),
        ]
    );
    let bad = ddq(&["--dashboard", "everywhere", "-c", "1"], None);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains(
            "--dashboard: invalid value `everywhere` for dashboard; expected HOST:PORT, PORT (on 127.0.0.1), or off"
        ),
        "{}",
        bad.stderr
    );
}

/// The TCP ports a process listens on, from Linux's `/proc` (its sockets' inodes, looked up
/// in the kernel's tables).
fn listening_ports(pid: u32) -> Vec<u16> {
    let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| std::fs::read_link(e.path()).ok())
                .filter_map(|l| {
                    let l = l.to_string_lossy().into_owned();
                    Some(
                        l.strip_prefix("socket:[")?
                            .trim_end_matches(']')
                            .to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut ports = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // Field 3 is the state (0A: listening), field 9 the socket's inode.
            if fields.len() > 9 && fields[3] == "0A" && inodes.iter().any(|i| i == fields[9]) {
                let port = fields[1].rsplit(':').next().unwrap_or("0");
                ports.push(u16::from_str_radix(port, 16).unwrap_or(0));
            }
        }
    }
    ports
}

#[test]
fn a_session_listens_on_its_dashboard_port_and_with_dashboard_off_on_none() {
    for (flag, listens) in [
        (format!("127.0.0.1:{}", free_port()), true),
        ("off".into(), false),
    ] {
        let mut child = common::ddq_command(&["-i", "--dashboard", &flag])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("ddq starts");
        let mut stdin = child.stdin.take().expect("stdin");
        writeln!(stdin, "cluster").expect("ddq reads");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        while !line.starts_with("Dashboard:") {
            line.clear();
            assert!(
                stdout.read_line(&mut line).expect("ddq answers") > 0,
                "no Dashboard line"
            );
        }
        let ports = listening_ports(child.id());
        drop(stdin);
        let _ = child.wait();
        if listens {
            let port: u16 = flag
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap();
            assert!(line.contains(&format!(":{port}/status")), "{line}");
            assert_eq!(ports, [port], "the session listens on its dashboard only");
        } else {
            assert!(line.contains("off"), "{line}");
            assert_eq!(
                ports,
                Vec::<u16>::new(),
                "--dashboard off listens on nothing"
            );
        }
    }
}

/// The temporaries of `target` in `dir` (`.NAME.ddq-PID.tmp`).
fn temporaries_of(dir: &std::path::Path, target: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{target}.ddq-")) && n.ends_with(".tmp"))
        .collect()
}

/// `ddq -i --output out.csv` in `dir`, killed (-9) once its temporary is there; the temporary
/// stays behind.
fn kill_a_writer(with_cache: &dyn Fn(&[&str]) -> std::process::Command, dir: &std::path::Path) {
    // `--output` opens its temporary before the first statement; ddq then waits for input.
    let mut writer = with_cache(&["-i", "--output", "out.csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ddq starts");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while temporaries_of(dir, "out.csv").is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "no temporary appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    writer.kill().expect("kill -9");
    writer.wait().expect("reaped");
    assert_eq!(temporaries_of(dir, "out.csv").len(), 1);
}

#[test]
fn a_killed_writers_temporary_goes_at_the_next_start_and_by_cache_clear() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = dir.path().join("cache");
    let with_cache = |args: &[&str]| {
        let mut command = common::ddq_command(args);
        command.env("DDQ_CACHE_DIR", &cache).current_dir(dir.path());
        command
    };

    kill_a_writer(&with_cache, dir.path());
    let next = common::run(&mut with_cache(&["-c", "1 + 1"]), None);
    assert_eq!(next.code, 0, "{}", next.stderr);
    assert!(temporaries_of(dir.path(), "out.csv").is_empty());

    // A session started before the writer was killed: its `cache clear` removes the temporary.
    let (mut session, mut stdin, mut stdout) =
        piped_session(&mut with_cache(&["-i", "--quiet", "--format", "csv"]));
    writeln!(stdin, "1 + 1").expect("input");
    assert_eq!(next_line(&mut stdout), "2\n", "the session runs");
    kill_a_writer(&with_cache, dir.path());
    writeln!(stdin, "cache clear").expect("input");
    drop(stdin);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("output");
    session.wait().expect("ddq ends");
    assert!(
        rest.contains("removed 1 unfinished output file of ddq processes that were killed"),
        "{rest}"
    );
    assert!(temporaries_of(dir.path(), "out.csv").is_empty());
    assert!(!dir.path().join("out.csv").exists(), "no partial output");
}

/// A session on piped input (`-i`): the process, its input, and its output read by lines.
fn piped_session(
    command: &mut std::process::Command,
) -> (
    std::process::Child,
    std::process::ChildStdin,
    BufReader<std::process::ChildStdout>,
) {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ddq starts");
    let stdin = child.stdin.take().expect("stdin");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    (child, stdin, stdout)
}

/// Reads one line of a session's output, failing the test when the session ended instead.
fn next_line(stdout: &mut impl BufRead) -> String {
    let mut line = String::new();
    stdout.read_line(&mut line).expect("ddq writes");
    assert!(!line.is_empty(), "the session ended early");
    line
}

#[test]
fn loc_by_label_reads_only_the_partitions_the_divisions_name() {
    // One file per year, in date order: set_index("Date") records each file's first date.
    let dir = tempfile::tempdir().expect("a temp dir");
    for entry in std::fs::read_dir(project_dir().join("data/nycflights")).expect("sample data") {
        let path = entry.expect("an entry").path();
        std::fs::copy(&path, dir.path().join(path.file_name().expect("a name"))).expect("copy");
    }
    let mut command = common::ddq_command(&["-i", "--quiet", "--format", "csv"]);
    let (session, mut stdin, mut stdout) = piped_session(command.current_dir(dir.path()));
    writeln!(
        stdin,
        "ddf = read_csv(\"*.csv\", parse_dates={{\"Date\": [0, 1, 2]}}); d = ddf.set_index(\"Date\"); d.known_divisions"
    )
    .expect("ddq reads");
    assert_eq!(next_line(&mut stdout), "True\n");

    // The file of 1995 goes: only a statement that needs its partition can notice.
    std::fs::remove_file(dir.path().join("1995.csv")).expect("remove a file");
    writeln!(
        stdin,
        "len(d.loc[\"1992-05\"]), len(d.loc[\"1992-12-31\":\"1993-01-01\"])"
    )
    .expect("ddq reads");
    // pandas: tests/reference/operations/loc_across_a_division.csv has 11 rows.
    assert_eq!(next_line(&mut stdout), "(171, 11)\n");
    writeln!(stdin, "len(d.loc[\"1995-05\"])").expect("ddq reads");
    drop(stdin);
    let output = session.wait_with_output().expect("ddq finishes");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("1995.csv"),
        "the missing file is named:\n{stderr}"
    );
}

#[test]
fn explain_shows_how_many_partitions_a_label_lookup_reads() {
    let partitions_read = |lookup: &str| {
        let run = ddq(&["-c", &with_read(&format!("explain {lookup}"))], None);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let scan = run.stdout.lines().find(|l| l.contains("DdqScanExec"));
        let scan = scan.unwrap_or_else(|| panic!("no scan in:\n{}", run.stdout));
        scan.split("partitions=")
            .nth(1)
            .and_then(|p| p.split(',').next())
            .map(str::to_string)
    };
    let by_date = "ddf.set_index(\"Date\")";
    assert_eq!(
        partitions_read(&format!("{by_date}.loc[\"1992-05\"]")).as_deref(),
        Some("1/10")
    );
    assert_eq!(
        partitions_read(&format!("{by_date}.loc[\"1992-12-31\":\"1993-01-01\"]")).as_deref(),
        Some("2/10")
    );
    assert_eq!(
        partitions_read(&format!("{by_date}.loc[\"1999\":]")).as_deref(),
        Some("1/10")
    );
    // Without divisions (an index the files are not ordered by), every file is read.
    assert_eq!(
        partitions_read("ddf.set_index(\"Origin\").loc[\"JFK\"]").as_deref(),
        Some("10/10")
    );
}

#[test]
fn to_json_writes_records_that_read_json_reads_back_as_the_same_frame() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let data = project_dir().join("data/nycflights/*.csv");
    let read = format!(
        "ddf = read_csv({:?}, parse_dates={{\"Date\": [0, 1, 2]}}, dtype={{\"TailNum\": \"object\", \"Cancelled\": \"bool\"}})\nsub = ddf[[\"Date\", \"Origin\", \"DepDelay\", \"TailNum\", \"Cancelled\", \"Distance\"]]",
        data.to_string_lossy()
    );
    let run_script = |script: &str| {
        let run = ddq_in(
            dir.path(),
            &["--format", "csv", "--no-rc", "run", "-"],
            Some(&format!("{read}\n{script}\n")),
        );
        assert_eq!(run.code, 0, "{script}: {}", run.stderr);
        run
    };
    let wrote = run_script(
        "sub.to_json(\"parts/*.jsonl\")\nsub.head(50).to_json(\"one.json\", orient=\"records\", lines=False, date_format=\"iso\")",
    );
    assert!(
        wrote
            .stderr
            .contains("wrote 20800 rows to 10 files (parts/*.jsonl)"),
        "{}",
        wrote.stderr
    );
    let first = std::fs::read_to_string(dir.path().join("parts/0.jsonl")).expect("parts/0.jsonl");
    assert!(
        first.starts_with("{\"Date\":631152000000,\"Origin\":\"JFK\",\"DepDelay\":0.0,"),
        "{first}"
    );
    let one = std::fs::read_to_string(dir.path().join("one.json")).expect("one.json");
    assert!(
        one.starts_with("[{\"Date\":\"1990-01-01T00:00:00.000\",\"Origin\":\"JFK\","),
        "{one}"
    );
    assert!(one.ends_with("}]"), "{one}");

    let original = run_script("sub\nsub.head(50)").stdout;
    let back = run_script("back = read_json(\"parts/\")\nback\nread_json(\"one.json\")").stdout;
    assert_eq!(back, original);
    let partitions = run_script("read_json(\"parts/*.jsonl\").npartitions").stdout;
    assert_eq!(partitions, "10\n");
}

#[test]
fn read_json_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(dir.path().join("bad.json"), "{\"a\": 1}\n\n{\"a\": 2,}\n").expect("written");
    std::fs::write(
        dir.path().join("nested.json"),
        "[{\"a\": 1},\n {\"a\": [1, 2]}]\n",
    )
    .expect("written");
    let expect = |statement: &str, needles: &[&str]| {
        let run = ddq_in(dir.path(), &["--no-rc", "-c", statement], None);
        assert_eq!(run.code, 1, "{statement}: {}", run.stdout);
        for needle in needles {
            assert!(run.stderr.contains(needle), "{statement}: {}", run.stderr);
        }
    };
    expect(
        "read_json(\"bad.json\")",
        &["bad.json:3: not valid JSON: trailing comma (column 9)"],
    );
    expect(
        "read_json(\"nested.json\")",
        &["nested.json:2: not valid JSON: a nested object or list"],
    );
    expect(
        "read_json(\"nested.json\", lines=True)",
        &["nested.json:1: the file is one JSON array", "lines=False"],
    );
    expect(
        "read_json(\"bad.json\", orient=\"split\")",
        &["orient=\"split\" is not supported: ddq reads orient=\"records\" only"],
    );
}

/// A small CSV for plots whose every mark can be predicted: group means a 1.5, b 3.5, c 3.
fn plot_data(dir: &std::path::Path) -> String {
    let path = dir.join("p.csv");
    std::fs::write(&path, "k,v\na,1\nb,2\na,2\nc,3\nb,5\n").expect("p.csv");
    format!("p = read_csv({:?})", path.to_string_lossy())
}

/// The heights of the SVG's rectangles filled with matplotlib's first colour (the bars).
fn bar_heights(svg: &str) -> Vec<f64> {
    svg.split("<rect")
        .skip(1)
        .filter(|r| r.contains("fill=\"#1F77B4\""))
        .map(|r| {
            let height = r.split("height=\"").nth(1).expect("a height");
            height[..height.find('"').expect("quoted")]
                .parse()
                .expect("a number")
        })
        .collect()
}

#[test]
fn a_bar_plot_draws_one_bar_per_row_in_proportion() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let script = format!(
        "{}\np.groupby(\"k\").v.mean().plot.bar(to=\"bar.svg\")\np.groupby(\"k\").v.mean().plot(kind=\"barh\", to=\"barh.svg\")\n",
        plot_data(dir.path())
    );
    let run = ddq_in(dir.path(), &["run", "-"], Some(&script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("wrote the plot to bar.svg"),
        "{}",
        run.stderr
    );
    let svg = std::fs::read_to_string(dir.path().join("bar.svg")).expect("bar.svg");
    let heights = bar_heights(&svg);
    assert_eq!(heights.len(), 3, "{svg}");
    // a 1.5, b 3.5, c 3: the bars' heights keep those ratios (to a pixel's rounding).
    let ratio = |a: f64, b: f64| a / b;
    assert!(
        (ratio(heights[0], heights[1]) - 1.5 / 3.5).abs() < 0.02,
        "{heights:?}"
    );
    assert!(
        (ratio(heights[2], heights[1]) - 3.0 / 3.5).abs() < 0.02,
        "{heights:?}"
    );
    let texts: Vec<&str> = svg
        .split("<text")
        .skip(1)
        .filter_map(|t| Some(t[t.find('>')? + 1..t.find("</text>")?].trim()))
        .collect();
    for label in ["a", "b", "c"] {
        assert!(texts.contains(&label), "{texts:?}");
    }
    let barh = std::fs::read_to_string(dir.path().join("barh.svg")).expect("barh.svg");
    assert_eq!(barh.matches("fill=\"#1F77B4\"").count(), 3, "{barh}");
}

#[test]
fn a_histogram_has_one_bar_per_bin_counted_by_the_engine() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let script = format!(
        "{}\np.v.hist(bins=2, to=\"h2.svg\")\np.v.plot.hist(bins=7, to=\"h7.svg\")\np.plot(kind=\"hist\", y=\"v\", to=\"hf.svg\")\n",
        plot_data(dir.path())
    );
    let run = ddq_in(dir.path(), &["run", "-"], Some(&script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).expect(name);
    // 1, 2, 2, 3, 5 in two bins [1, 3) and [3, 5]: 3 and 2 values.
    let two = bar_heights(&read("h2.svg"));
    assert_eq!(two.len(), 2);
    assert!((two[0] / two[1] - 1.5).abs() < 0.02, "{two:?}");
    assert_eq!(bar_heights(&read("h7.svg")).len(), 7);
    assert_eq!(
        bar_heights(&read("hf.svg")).len(),
        10,
        "pandas' default bins=10"
    );
}

#[test]
fn a_png_plot_decodes_at_its_figsize_with_marks_on_white() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let script = format!(
        "{}\np.groupby(\"k\").v.mean().plot(figsize=(5, 4), title=\"Means\", to=\"line.png\")\np.v.plot.bar()\n",
        plot_data(dir.path())
    );
    let run = ddq_in(dir.path(), &["run", "-"], Some(&script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let png = std::fs::read(dir.path().join("line.png")).expect("line.png");
    let image = resvg::tiny_skia::Pixmap::decode_png(&png).expect("a PNG");
    assert_eq!((image.width(), image.height()), (500, 400));
    let pixels = image.pixels();
    let white = pixels
        .iter()
        .filter(|p| (p.red(), p.green(), p.blue()) == (255, 255, 255))
        .count();
    let blue = pixels
        .iter()
        .filter(|p| (p.red(), p.green(), p.blue()) == (0x1f, 0x77, 0xb4))
        .count();
    assert!(white > pixels.len() / 2, "a white background");
    assert!(blue > 100, "the line is drawn in C0: {blue} pixels");
    // Off a terminal and without to=, the plot goes to plot.png.
    assert!(
        run.stderr.contains("wrote the plot to plot.png"),
        "{}",
        run.stderr
    );
    let default = std::fs::read(dir.path().join("plot.png")).expect("plot.png");
    let image = resvg::tiny_skia::Pixmap::decode_png(&default).expect("a PNG");
    assert_eq!(
        (image.width(), image.height()),
        (640, 480),
        "matplotlib's figure"
    );
}

#[test]
fn a_scatter_plot_draws_a_sample_of_at_most_5000_points() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut csv = String::from("x,y\n");
    for i in 0..6000 {
        csv.push_str(&format!("{i},{}\n", i % 97));
    }
    std::fs::write(dir.path().join("xy.csv"), csv).expect("xy.csv");
    let script = "xy = read_csv(\"xy.csv\")\nxy.plot.scatter(x=\"x\", y=\"y\", to=\"s.svg\")\nxy.head(10).plot.scatter(x=\"x\", y=\"y\", to=\"t.svg\")\n";
    let run = ddq_in(dir.path(), &["run", "-"], Some(script));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let count = |name: &str| {
        let svg = std::fs::read_to_string(dir.path().join(name)).expect(name);
        svg.matches("<circle").count()
    };
    assert_eq!(count("s.svg"), 5000);
    assert_eq!(count("t.svg"), 10);
}

#[test]
fn plots_refuse_what_they_cannot_draw_and_name_the_alternative() {
    expect_error(
        &with_read("ddf.DepDelay.plot.bar(to=\"x.svg\")"),
        &["more than 500 bars", "value_counts"],
    );
    expect_error(
        &with_read("ddf.DepDelay.plot(kind=\"pie\")"),
        &["kind=\"pie\"", "\"bar\""],
    );
    expect_error(
        &with_read("ddf.DepDelay.plot.scatter(x=\"a\", y=\"b\")"),
        &["x= and y= name a frame's columns"],
    );
    expect_error(
        &with_read("ddf.DepDelay.plot.hist(to=\"x.jpg\")"),
        &["x.jpg", ".png or .svg"],
    );
    expect_error(
        &with_read("ddf.Origin.hist()"),
        &["no numeric data to plot"],
    );
    expect_error(&with_read("ddf.DepDelay.hist(bins=0)"), &["bins=0"]);
}

#[test]
fn pivot_refuses_repeated_pairs_and_names_one() {
    expect_error(
        &with_read(r#"ddf.pivot(index="Origin", columns="Dest", values="DepDelay")"#),
        &[
            "the pair (EWR, ATL) of `Origin` and `Dest` occurs more than once",
            "pivot_table(index=\"Origin\", columns=\"Dest\", values=\"DepDelay\", aggfunc=\"mean\")",
        ],
    );
}

#[test]
fn datafusion_options_come_from_the_environment_as_in_datafusion_cli() {
    let statement =
        r#"read_csv("data/nycflights/*.csv").sort_values("DepDelay").DepDelay.iloc[-1]"#;
    let mut small_batches = common::ddq_command(&["--memory-limit", "64MB", "-c", statement]);
    small_batches.env("DATAFUSION_EXECUTION_BATCH_SIZE", "512");
    let tuned = common::run(&mut small_batches, None);
    let plain = common::run(&mut common::ddq_command(&["-c", statement]), None);
    assert_eq!(tuned.code, 0, "{}", tuned.stderr);
    assert_eq!(tuned.stdout, plain.stdout);

    let mut wrong = common::ddq_command(&["-c", "1 + 1"]);
    wrong.env("DATAFUSION_EXECUTION_BATCH_SIZE", "lots");
    let refused = common::run(&mut wrong, None);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("DATAFUSION_EXECUTION_BATCH_SIZE")
            && refused.stderr.contains("fix or unset that variable"),
        "{}",
        refused.stderr
    );
}

#[test]
fn a_shown_frame_reads_its_shown_columns_only_where_its_shown_rows_are() {
    // One partition per file. A table shows five rows of each end of the 82 flagged rows (n of
    // 1-5 and 136-140); the middle file's flagged rows are only counted, one of them no integer.
    let dir = tempfile::tempdir().expect("a temp dir");
    let write = |name: &str, rows: &[&str]| {
        let text = format!("flag,n\n{}\n", rows.join("\n"));
        std::fs::write(dir.path().join(name), text).expect("write a file");
    };
    let first: Vec<String> = (1..=40).map(|n| format!("True,{n}")).collect();
    let last: Vec<String> = (101..=140).map(|n| format!("True,{n}")).collect();
    write(
        "a.csv",
        &first.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    write("b.csv", &["True,41", "True,x42", "False,43"]);
    write(
        "c.csv",
        &last.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let read = r#"ddf = read_csv("*.csv", dtype={"n": "int64"}); "#;

    let shown = common::ddq_in(
        dir.path(),
        &["--format", "table", "-c", &format!("{read}ddf[ddf.flag]")],
        None,
    );
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    let shown_n: Vec<&str> = shown
        .stdout
        .lines()
        .filter_map(|line| line.split_whitespace().nth(1))
        .collect();
    assert_eq!(
        shown_n,
        [
            "n", "1", "2", "3", "4", "5", "...", "136", "137", "138", "139", "140", "rows"
        ],
        "{}",
        shown.stdout
    );
    assert!(
        shown.stdout.contains("[82 rows x 2 columns]"),
        "{}",
        shown.stdout
    );

    // A tail is cut by position: its positions come from the row columns alone, so the middle
    // file (which a top-n over every column would read) is only counted, there too.
    let tail = common::ddq_in(
        dir.path(),
        &["--format", "table", "-c", &format!("{read}ddf.tail(3)")],
        None,
    );
    assert_eq!(tail.code, 0, "{}", tail.stderr);
    assert_eq!(tail.stdout, "flag    n\nTrue  138\nTrue  139\nTrue  140\n");

    // Computing the column itself reads the middle file's values, and names the bad one.
    let summed = common::ddq_in(
        dir.path(),
        &["-c", &format!("{read}ddf[ddf.flag].n.sum()")],
        None,
    );
    assert_eq!(summed.code, 1, "{}", summed.stdout);
    assert!(
        summed.stderr.contains("b.csv") && summed.stderr.contains("x42"),
        "the bad value is named:\n{}",
        summed.stderr
    );
}
