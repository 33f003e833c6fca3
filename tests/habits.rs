//! Transcript tests of the habits ddq shares with pandas and Dask users (issue 21): tables that
//! fit the terminal, the start-up file, output formats, and notebook plumbing lines. Each runs
//! the real binary, through pipes or, where a terminal matters, in a pseudo-terminal.

mod common;

use common::{DDQ, READ, ddq, expect_error, project_dir};
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

/// ddq for a pseudo-terminal, with its home, history and start-up file inside `home`.
fn terminal_command(home: &std::path::Path) -> Command {
    let mut command = Command::new(DDQ);
    command
        .current_dir(project_dir())
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("TERM", "xterm");
    command
}

/// Runs `statements` in ddq's REPL in a pseudo-terminal of `columns` x `lines` (given, as
/// Python's `shutil` reads them, by `COLUMNS` and `LINES`); returns everything printed.
fn in_terminal(columns: usize, lines: usize, statements: &str, last_line: &str) -> String {
    let home = tempfile::tempdir().expect("a temporary home");
    let mut command = terminal_command(home.path());
    command
        .env("NO_COLOR", "1")
        .env("COLUMNS", columns.to_string())
        .env("LINES", lines.to_string());
    let options = Options::new()
        .timeout_ms(Some(120_000))
        .strip_ansi_escape_codes(true);
    let mut pty = rexpect::session::spawn_with_options(command, options).expect("ddq starts");
    pty.exp_string("ddq> ").expect("a prompt");
    pty.send_line(statements).expect("a statement is typed");
    let printed = pty.exp_string(last_line).expect("the result");
    // Keys sent before the next prompt are eaten by the terminal's line discipline.
    pty.exp_string("ddf> ").expect("the next prompt");
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

/// `ddq ARGS` with `HOME` and `XDG_CONFIG_HOME` in `home`, where a start-up file may be.
fn ddq_at_home(home: &std::path::Path, args: &[&str]) -> common::Run {
    common::run(
        common::ddq_command(args)
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config")),
        None,
    )
}

#[test]
fn the_start_up_file_runs_first_unless_no_rc() {
    let home = tempfile::tempdir().unwrap();
    let rc = home.path().join(".ddqrc");
    std::fs::write(&rc, format!("set max_rows 4\nset min_rows 2\n{READ}\n")).unwrap();
    let run = ddq_at_home(
        home.path(),
        &["--format", "table", "-c", "ddf.Origin.head(6)"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "Origin\n   JFK\n   ...\n   EWR\nName: Origin, Length: 6, dtype: object\n"
    );
    let skipped = ddq_at_home(home.path(), &["--no-rc", "-c", "ddf"]);
    assert_eq!(skipped.code, 1);
    assert!(
        skipped.stderr.contains("name `ddf` is not defined"),
        "{}",
        skipped.stderr
    );
    // Without ~/.ddqrc, $XDG_CONFIG_HOME/ddq/ddqrc is read.
    std::fs::remove_file(&rc).unwrap();
    let xdg = home.path().join("config").join("ddq");
    std::fs::create_dir_all(&xdg).unwrap();
    std::fs::write(xdg.join("ddqrc"), "x = 41 + 1\n").unwrap();
    let run = ddq_at_home(home.path(), &["-c", "x"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "42\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_error_in_the_start_up_file_is_named_and_the_session_goes_on() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join(".ddqrc"), "x = 1\nset max_rowz 5\n").unwrap();
    let run = ddq_at_home(home.path(), &["-c", "x + 1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "2\n");
    assert!(
        run.stderr
            .contains(".ddqrc:2:5: error: unknown setting `max_rowz`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `max_rows`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("stopped at this error; the session goes on"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_pager_shows_tall_tables_whole() {
    let statements = format!("set pager sed s/^/PAGED:/; {READ}; ddf.head(20)");
    let printed = in_terminal(200, 15, &statements, "PAGED:[20 rows x 21 columns]");
    let paged = printed
        .lines()
        .filter(|line| line.starts_with("PAGED:"))
        .count();
    // All 20 rows, the header and the blank line: the pager scrolls, so no row is left out.
    assert_eq!(paged, 22, "{printed}");
    assert!(!printed.contains("PAGED:    ..."), "{printed}");
}

#[test]
fn the_repl_colours_what_is_typed_unless_no_color() {
    let home = tempfile::tempdir().expect("a temporary home");
    let mut command = terminal_command(home.path());
    command.env_remove("NO_COLOR");
    let options = Options::new().timeout_ms(Some(120_000));
    let mut pty = rexpect::session::spawn_with_options(command, options).expect("ddq starts");
    pty.exp_string("ddq> ").expect("a prompt");
    pty.send_line(READ).expect("typed");
    pty.exp_string("ddf> ").expect("the frame's prompt");
    pty.send_line("ddf.DepDelay.max() > 10").expect("typed");
    // The column in yellow, the number in cyan, as the line is echoed.
    let coloured = "\x1b[33mDepDelay\x1b[0m.max() > \x1b[36m10\x1b[0m";
    pty.exp_string(coloured).expect("coloured");
    pty.exp_string("True").expect("the answer");
    pty.exp_string("ddf> ").expect("the prompt again");
    pty.send_control('d').expect("Ctrl-D");
    pty.exp_eof().expect("ddq exits");
}

/// Runs `-c STATEMENTS` with `flags`, expecting success; returns stdout as bytes.
fn output_of(flags: &[&str], statements: &str) -> Vec<u8> {
    let mut args = flags.to_vec();
    args.extend(["-c", statements]);
    let output = common::ddq_command(&args).output().expect("ddq runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{statements}\nstderr:\n{stderr}");
    output.stdout
}

const TWO_ROWS: &str = r#"ddf[["Origin", "DepDelay", "TailNum"]].head(2)"#;

#[test]
fn markdown_and_tsv_print_like_to_markdown_and_to_csv_with_a_tab() {
    let markdown = output_of(&["--format", "markdown"], &format!("{READ}; {TWO_ROWS}"));
    assert_eq!(
        String::from_utf8(markdown).unwrap(),
        "| Origin | DepDelay | TailNum |\n| :--- | ---: | :--- |\n| JFK | 0.0 | None |\n| EWR | 9.0 | None |\n"
    );
    let tsv = output_of(&["--format", "tsv"], &format!("{READ}; {TWO_ROWS}"));
    assert_eq!(
        String::from_utf8(tsv).unwrap(),
        "Origin\tDepDelay\tTailNum\nJFK\t0.0\t\nEWR\t9.0\t\n"
    );
}

#[test]
fn parquet_goes_to_a_file_or_a_pipe_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("two.parquet");
    let path = file.to_str().unwrap();
    output_of(
        &["--format", "parquet", "--output", path],
        &format!("{READ}; {TWO_ROWS}"),
    );
    let back = output_of(&["--format", "csv"], &format!("read_parquet({path:?})"));
    assert_eq!(
        String::from_utf8(back).unwrap(),
        "Origin,DepDelay,TailNum\nJFK,0.0,\nEWR,9.0,\n"
    );
    let piped = output_of(&["--format", "parquet"], &format!("{READ}; {TWO_ROWS}"));
    assert_eq!(&piped[..4], b"PAR1");
    let second = ddq(
        &[
            "--format",
            "parquet",
            "-c",
            &format!("{READ}; {TWO_ROWS}; {TWO_ROWS}"),
        ],
        None,
    );
    assert_eq!(second.code, 1);
    assert!(
        second.stderr.contains("--format parquet holds one result"),
        "{}",
        second.stderr
    );
    let scalar = ddq(
        &["--format", "parquet", "-c", &format!("{READ}; len(ddf)")],
        None,
    );
    assert!(
        scalar
            .stderr
            .contains("writes frames and series, not a single value"),
        "{}",
        scalar.stderr
    );
}

#[test]
fn parquet_is_refused_on_a_terminal() {
    let printed = in_terminal(
        120,
        40,
        &format!("set format parquet; {READ}; {TWO_ROWS}"),
        "standard output is a terminal",
    );
    assert!(
        printed.contains("--format parquet writes binary data"),
        "{printed}"
    );
}

#[test]
fn readers_take_folders_globs_and_lists() {
    let count = |statement: &str| {
        let out = output_of(&["--format", "csv"], statement);
        String::from_utf8(out).unwrap()
    };
    assert_eq!(count(r#"len(read_csv("data/nycflights"))"#), "20800\n");
    assert_eq!(count(r#"len(read_csv("data/nycflights/"))"#), "20800\n");
    let list = r#"len(read_csv(["data/nycflights/1990.csv", "data/nycflights/199[12].csv"]))"#;
    let first_three = r#"len(read_csv("data/nycflights/199[012].csv"))"#;
    assert_eq!(count(list), count(first_three));
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("out");
    let folder = folder.to_str().unwrap();
    output_of(&[], &format!("{READ}; ddf.to_parquet({folder:?})"));
    assert_eq!(count(&format!("len(read_parquet({folder:?}))")), "20800\n");
    let part = format!("{folder}/part.0.parquet");
    let twice = count(&format!("len(read_parquet([{part:?}, {part:?}]))"));
    let once: usize = count(&format!("len(read_parquet({part:?}))"))
        .trim()
        .parse()
        .unwrap();
    assert_eq!(twice, format!("{}\n", once * 2));
}

#[test]
fn notebook_plumbing_lines_are_accepted_or_explained() {
    let run = ddq(
        &[
            "-c",
            "from dask.diagnostics import ProgressBar\nProgressBar().register()",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "the progress bar is on; `set progress off` hides it\n"
    );
    let block = "import dask\nwith dask.config.set(scheduler=\"threads\"):\n    set scheduler\n    \
                 x = 41\n\nwith ProgressBar(): x + 1\nset progress";
    let run = ddq(&["--progress", "off", "-c", block], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "scheduler = threads\n42\nprogress = off\n");
    let refused = ddq(&["-c", "with open(\"f\"):\n    1"], None);
    assert_eq!(refused.code, 1);
    let pandas = ddq(&["-c", "ddf = dd.from_pandas(df, npartitions=2)"], None);
    assert!(
        pandas
            .stderr
            .contains("there are no pandas frames in memory here: read the file"),
        "{}",
        pandas.stderr
    );
}

#[test]
fn integers_that_hold_a_missing_value_print_as_pandas_floats() {
    // numpy's integers cannot hold NaN: pandas makes `.where` of an int column and `.dt.days`
    // of a NaT float64, and a bool column with a missing value object.
    let out = table_with(
        &[],
        &format!(
            "{READ}; ddf.Distance.where(ddf.Distance > 1000).head(3); \
             (ddf.Date - pd.to_datetime(\"1991-01-01\")).where(ddf.DepDelay > 0).dt.days.head(2); \
             ddf.Cancelled.where(ddf.Distance > 1000).head(3)"
        ),
    );
    assert_eq!(
        out,
        "Distance\n     NaN\n     NaN\n  2580.0\nName: Distance, dtype: float64\n\
         \x20 Date\n   NaN\n-365.0\nName: Date, dtype: float64\n\
         Cancelled\n      NaN\n      NaN\n    False\nName: Cancelled, dtype: object\n"
    );
}

#[test]
fn a_wide_table_with_missing_cells_holds_floats_as_pandas_does() {
    // pandas widens by unstacking: a missing cell makes the integer counts and sums floats,
    // unless fill_value fills the cells as they are made. Expected text: pandas 2.3's to_csv.
    let statements = format!(
        "{READ}; d = ddf[ddf.DepDelay > 200]; \
         d.pivot_table(index=\"Origin\", columns=\"DayOfWeek\", values=\"Distance\", aggfunc=\"count\"); \
         d.pivot_table(index=\"Origin\", columns=\"DayOfWeek\", values=\"Distance\", aggfunc=\"sum\", fill_value=0); \
         ddf.pivot_table(index=\"Origin\", columns=\"Cancelled\", values=\"Distance\", aggfunc=\"count\")"
    );
    let run = ddq(&["--format", "csv", "-c", &statements], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "Origin,1,2,3,4,5,6,7\n\
         EWR,3.0,2.0,2.0,3.0,3.0,2.0,1.0\n\
         JFK,1.0,1.0,,1.0,,1.0,\n\
         LGA,,2.0,2.0,4.0,4.0,3.0,\n\
         Origin,1,2,3,4,5,6,7\n\
         EWR,4907,2939,1814,1588,5245,3140,717\n\
         JFK,427,339,0,339,0,738,0\n\
         LGA,0,1830,1192,4819,2755,1381,0\n\
         Origin,False,True\n\
         EWR,6949,144\n\
         JFK,6712,128\n\
         LGA,6741,126\n"
    );
}

#[test]
fn a_categorical_series_lists_its_categories_under_the_footer() {
    let out = table_with(
        &[],
        &format!(
            "{READ}; ddf.Origin.astype(\"category\").head(2); \
             pd.cut(ddf.Distance, [0, 250, 1000, 5000], right=False).tail(1); \
             pd.cut(ddf.Distance, [0, 250, 1000, 5000]).cat.categories; \
             ddf.DayOfWeek.astype(\"category\").tail(1); \
             ddf.DayOfWeek.astype(\"category\").cat.categories"
        ),
    );
    assert_eq!(
        out,
        "Origin\n   JFK\n   EWR\nName: Origin, dtype: category\n\
         Categories (3, object): ['EWR', 'JFK', 'LGA']\n\
         \x20   Distance\n[1000, 5000)\nName: Distance, dtype: category\n\
         Categories (3, interval[int64, left]): [[0, 250) < [250, 1000) < [1000, 5000)]\n\
         IntervalIndex([(0, 250], (250, 1000], (1000, 5000]], dtype='interval[int64, right]')\n\
         DayOfWeek\n        5\nName: DayOfWeek, dtype: category\n\
         Categories (7, int64): [1, 2, 3, 4, 5, 6, 7]\n\
         Index([1, 2, 3, 4, 5, 6, 7], dtype='int64')\n"
    );
}

#[test]
fn the_columns_print_as_a_pandas_index_wrapped_at_80() {
    let out = table_with(
        &[],
        &format!("{READ}; ddf.columns; ddf[[\"Origin\", \"Dest\"]].columns"),
    );
    assert_eq!(
        out,
        "Index(['Date', 'DayOfWeek', 'DepTime', 'CRSDepTime', 'ArrTime', 'CRSArrTime',\n       \
         'UniqueCarrier', 'FlightNum', 'TailNum', 'ActualElapsedTime',\n       \
         'CRSElapsedTime', 'AirTime', 'ArrDelay', 'DepDelay', 'Origin', 'Dest',\n       \
         'Distance', 'TaxiIn', 'TaxiOut', 'Cancelled', 'Diverted'],\n      \
         dtype='object')\nIndex(['Origin', 'Dest'], dtype='object')\n"
    );
}

#[test]
fn the_index_prints_as_a_pandas_index() {
    // pandas 2.2 printed each of these (repr of the same lines on the same data).
    let out = table_with(
        &[],
        &format!(
            "{READ}; ddf.groupby(\"Origin\").DepDelay.mean().index; ddf.index; \
             ddf[ddf.DepDelay > 1000].index; ddf.set_index(\"Date\").index.compute(); \
             i = ddf.groupby(\"DayOfWeek\").DepDelay.mean().index; i; i.max()"
        ),
    );
    assert_eq!(
        out,
        "Index(['EWR', 'JFK', 'LGA'], dtype='object', name='Origin')\n\
         RangeIndex(start=0, stop=20800, step=1)\n\
         Index([20454], dtype='int64')\n\
         DatetimeIndex(['1990-01-01', '1990-01-01', '1990-01-01', '1990-01-01',\n               \
         '1990-01-01', '1990-01-02', '1990-01-02', '1990-01-02',\n               \
         '1990-01-02', '1990-01-02',\n               \
         ...\n               \
         '1999-12-30', '1999-12-30', '1999-12-30', '1999-12-30',\n               \
         '1999-12-31', '1999-12-31', '1999-12-31', '1999-12-31',\n               \
         '1999-12-31', '1999-12-31'],\n              \
         dtype='datetime64[ns]', name='Date', length=20800, freq=None)\n\
         Index([1, 2, 3, 4, 5, 6, 7], dtype='int64', name='DayOfWeek')\n\
         7\n"
    );
    // As CSV the index is a column of its values, as before.
    let csv = ddq(
        &["-c", &format!("{READ}; ddf[ddf.DepDelay > 1000].index")],
        None,
    );
    assert_eq!(csv.stdout, "0\n20454\n", "{}", csv.stderr);
}

#[test]
fn python_conversions_work_on_values_and_computed_scalars() {
    let out = table_with(
        &[],
        &format!(
            "{READ}; float(\"nan\"); int(\"3\") + 1; round(2.5); round(ddf.DepDelay.mean(), 2); \
             int(ddf.DepDelay.mean()); \"max: \" + str(ddf.DepDelay.max()); \
             ddf.Origin.max(); (ddf.Origin.max(), 1); print(ddf.Origin.max())"
        ),
    );
    // A computed string reads as Python's REPL shows it: quoted, also inside a tuple.
    assert_eq!(
        out,
        "nan\n4\n2\n8.88\n8\n'max: 1006.0'\n'LGA'\n('LGA', 1)\nLGA\n"
    );
    let refused = ddq(&["-c", "float(\"x\")"], None);
    assert_eq!(refused.code, 1);
    assert!(
        refused
            .stderr
            .contains("could not convert string to float: 'x'"),
        "{}",
        refused.stderr
    );
}

#[test]
fn client_cluster_shows_the_cluster() {
    let statements = "client = Client(n_workers=1, threads_per_worker=1)\nclient.cluster";
    let run = ddq(&["--dashboard", "off", "-c", statements], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("<Client: scheduler='df://127.0.0.1:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("processes=1 threads=1>"),
        "{}",
        run.stdout
    );
}

/// What the pseudo-terminal printed, as text: rexpect hands over each byte as a character.
fn utf8(printed: &str) -> String {
    let bytes: Vec<u8> = printed.chars().map(|c| c as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn a_plot_in_a_terminal_is_a_character_chart() {
    let printed = utf8(&in_terminal(
        60,
        20,
        &format!("{READ}; ddf.groupby(\"Origin\").DepDelay.mean().plot.bar()"),
        "8.943",
    ));
    let bars: Vec<&str> = printed.lines().filter(|l| l.contains(" │")).collect();
    assert_eq!(bars.len(), 3, "{printed}");
    for (bar, origin) in bars.iter().zip(["EWR", "JFK", "LGA"]) {
        assert!(bar.trim_start().starts_with(origin), "{printed}");
        assert!(bar.contains('█'), "{printed}");
        assert!(bar.chars().count() <= 60, "{printed}");
    }
    let printed = utf8(&in_terminal(
        60,
        20,
        &format!("{READ}; ddf.groupby(ddf.Date.dt.year).DepDelay.mean().plot()"),
        "x: Date",
    ));
    assert!(
        printed
            .chars()
            .any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)),
        "braille dots: {printed}"
    );
    assert!(
        printed.contains("1990") && printed.contains("1999"),
        "{printed}"
    );
}

#[test]
fn merge_asof_matches_the_nearest_earlier_row_and_names_what_it_cannot_match() {
    let frames = format!(
        "{READ}; jfk = ddf[ddf.Origin == \"JFK\"][[\"Date\", \"Dest\", \"DepDelay\"]]; \
         lga = ddf[ddf.Origin == \"LGA\"][[\"Date\", \"Dest\", \"ArrDelay\"]]"
    );
    // pandas 2.3: pd.merge_asof(jfk, lga, on="Date", by="Dest").iloc[[1, 2, 2000]] has these
    // rows (its index, 1, 2 and 2000, aside); no earlier LGA flight to SFO or DTW: NaN.
    let out = table_with(
        &[],
        &format!("{frames}; pd.merge_asof(jfk, lga, on=\"Date\", by=\"Dest\").iloc[[1, 2, 2000]]"),
    );
    assert_eq!(
        out,
        "      Date  Dest  DepDelay  ArrDelay\n\
         1990-01-01   SFO      -7.0       NaN\n\
         1990-01-01   DTW       3.0       NaN\n\
         1992-12-28   ORD       0.0      -4.0\n"
    );
    for (call, message) in [
        (
            "pd.merge_asof(jfk, lga, on=\"Date\", direction=\"closest\")",
            "direction \"closest\" is not one of pandas' \"backward\", \"forward\" or \"nearest\"",
        ),
        (
            "pd.merge_asof(jfk, lga, left_on=\"Date\", right_on=\"ArrDelay\")",
            "merge_asof cannot match `Date` (datetime64[ns]) with `ArrDelay` (float64)",
        ),
        (
            "pd.merge_asof(jfk, lga, on=\"Date\", by=\"Dst\")",
            "column `Dst` not found",
        ),
    ] {
        expect_error(&format!("{frames}; {call}"), &[message]);
    }
}

#[test]
fn a_def_with_defaults_takes_apply_args_and_keywords() {
    // The pandas user guide's lines, pasted; pandas 2.2 printed the same tables (with the
    // row labels that ddq's tables leave out).
    let out = table_with(
        &[],
        &format!(
            "{READ}\ndef subtract_and_divide(x, sub, divide=1):\n    return (x - sub) / divide\n\
             ddf[[\"DepDelay\", \"ArrDelay\"]].apply(subtract_and_divide, args=(5,), divide=3).head(3)\n\
             ddf.Distance.apply(subtract_and_divide, args=(2,)).head(3)"
        ),
    );
    assert_eq!(
        out,
        " DepDelay    ArrDelay\n-1.666667   -1.666667\n 1.333333    3.666667\n\
         -4.000000  -10.333333\n\
         Distance\n   211.0\n   715.0\n  2578.0\nName: Distance, dtype: float64\n"
    );
}

#[test]
fn convert_dtypes_prints_nullable_dtypes() {
    // pandas 2.2 on the same lines: integers (a float column of whole numbers too) print as
    // integers, a missing value as <NA>, and the dtypes are pandas' nullable ones.
    let out = table_with(
        &[],
        &format!(
            "{READ}; c = ddf[[\"DepDelay\", \"TaxiIn\", \"TailNum\", \"Cancelled\"]].convert_dtypes(); \
             c.head(2); c.TaxiIn.iloc[20000:20002]; c.dtypes; (ddf.TaxiIn / 8).convert_dtypes().head(1)"
        ),
    );
    assert_eq!(
        out,
        "DepDelay  TaxiIn  TailNum  Cancelled\n       0    <NA>     <NA>      False\n       \
         9    <NA>     <NA>      False\n\
         TaxiIn\n     4\n    15\nName: TaxiIn, dtype: Int64\n   \
         column    dtype\n DepDelay    Int64\n   TaxiIn    Int64\n  TailNum   string\n\
         Cancelled  boolean\nName: dtype, dtype: object\n\
         TaxiIn\n  <NA>\nName: TaxiIn, dtype: Float64\n"
    );
}

#[test]
fn nullable_dtypes_carry_through_arithmetic_comparisons_and_astype() {
    // pandas 2.2.3 on the same lines (its row labels aside): Int64 + 1 stays Int64, / gives
    // Float64, a comparison gives boolean with <NA> where the value is missing (and so does its
    // negation, as `-` of an Int64 stays Int64); astype to a nullable name gives that dtype,
    // and back to a numpy name drops it. `fillna`, `abs`, `replace`, `clip` and `where` keep
    // Int64, and `isin` gives boolean (False, not <NA>, for a missing value).
    let out = table_with(
        &[],
        &format!(
            "{READ}; c = ddf[[\"DepDelay\", \"TaxiIn\"]].convert_dtypes(); \
             (c.TaxiIn + 1).iloc[20000:20002]; (c.TaxiIn / 2).dtype; \
             (c.TaxiIn > 5).iloc[[0, 20000, 20001]]; (c.DepDelay * 2.5).iloc[0:2]; \
             ddf.TaxiIn.astype(\"Int64\").iloc[[0, 20000]]; ddf.TailNum.astype(\"string\").dtype; \
             c.TaxiIn.astype(\"float64\").dtype; (-c.TaxiIn).iloc[[0, 20000]]; \
             (~(c.TaxiIn > 5)).iloc[[0, 20000]]; c.TaxiIn.fillna(0).iloc[[0, 20000]]; \
             c.TaxiIn.abs().iloc[[0, 20000]]; c.TaxiIn.isin([4]).iloc[[0, 20000]]; \
             c.TaxiIn.replace(4, 40).iloc[[0, 20000]]; c.TaxiIn.clip(1, 5).iloc[[0, 20000]]; \
             c.TaxiIn.where(c.TaxiIn > 4).iloc[[0, 20000, 20001]]"
        ),
    );
    assert_eq!(
        out,
        "TaxiIn\n     5\n    16\nName: TaxiIn, dtype: Int64\n\
         'Float64'\n\
         TaxiIn\n  <NA>\n False\n  True\nName: TaxiIn, dtype: boolean\n\
         DepDelay\n     0.0\n    22.5\nName: DepDelay, dtype: Float64\n\
         TaxiIn\n  <NA>\n     4\nName: TaxiIn, dtype: Int64\n\
         'string'\n\
         'float64'\n\
         TaxiIn\n  <NA>\n    -4\nName: TaxiIn, dtype: Int64\n\
         TaxiIn\n  <NA>\n  True\nName: TaxiIn, dtype: boolean\n\
         TaxiIn\n     0\n     4\nName: TaxiIn, dtype: Int64\n\
         TaxiIn\n  <NA>\n     4\nName: TaxiIn, dtype: Int64\n\
         TaxiIn\n False\n  True\nName: TaxiIn, dtype: boolean\n\
         TaxiIn\n  <NA>\n    40\nName: TaxiIn, dtype: Int64\n\
         TaxiIn\n  <NA>\n     4\nName: TaxiIn, dtype: Int64\n\
         TaxiIn\n  <NA>\n  <NA>\n    15\nName: TaxiIn, dtype: Int64\n"
    );
}

#[test]
fn asfreq_reindexes_on_a_regular_range_and_names_what_it_cannot() {
    // pandas 2.2.3: daily.asfreq("B").head(7) skips the weekend of 6-7 January 1990 (its
    // values are in the reference tasks asfreq_*; here, how it prints).
    let out = table_with(
        &[],
        &format!(
            "{READ}; daily = ddf.groupby(\"Date\").DepDelay.mean(); daily.asfreq(\"B\").head(7)"
        ),
    );
    assert_eq!(
        out,
        "      Date   DepDelay\n1990-01-01   0.800000\n1990-01-02  15.833333\n\
         1990-01-03  16.400000\n1990-01-04  13.800000\n1990-01-05  32.400000\n\
         1990-01-08  13.200000\n1990-01-09  -3.166667\nName: DepDelay, dtype: float64\n"
    );
    let daily = "ddf.groupby(\"Date\").DepDelay.mean()";
    for (call, message) in [
        (
            "h = ddf[[\"Date\", \"DepDelay\"]].iloc[:3]; h[\"Date\"] = h.Date + pd.offsets.Hour(12); \
             h.set_index(\"Date\").DepDelay.asfreq(\"D\")"
                .to_string(),
            "the index starts at 1990-01-01 12:00:00, between two of the frequency's timestamps",
        ),
        (
            format!("{daily}.asfreq(pd.offsets.BDay(2))"),
            "asfreq of every 2 business days is not supported",
        ),
        (
            "ddf.Date + pd.offsets.BDay()".to_string(),
            "unsupported operand for `+`: a business-day offset",
        ),
        (
            "ddf.groupby(\"Origin\").asfreq(\"D\")".to_string(),
            "a groupby has no asfreq(); a resampler has",
        ),
        (
            format!("{daily}.asfreq(\"D\", fill_value=[0])"),
            "fill_value is a number or a string, not a list",
        ),
        (
            format!("{daily}.asfreq(\"ME\")"),
            "asfreq(\"ME\") is not supported: ddq reindexes on frequencies of seconds",
        ),
    ] {
        expect_error(&format!("{READ}; {call}"), &[message]);
    }
}

#[test]
fn merge_ordered_fills_forward_in_key_order_as_pandas_prints_it() {
    // pandas 2.3 prints the same rows (with its 0..3 labels): FlightNum has no missing value
    // left after the fill, so it stays int64; Distance keeps its first NaN, so it is float64.
    let out = table_with(
        &[],
        &format!(
            "{READ}; a = ddf[[\"Dest\", \"FlightNum\"]].iloc[0:3]; \
             b = ddf[ddf.Distance > 2400][[\"Dest\", \"Distance\"]].drop_duplicates().head(2); \
             pd.merge_ordered(a, b, on=\"Dest\"); pd.merge_ordered(a, b, on=\"Dest\", fill_method=\"ffill\")"
        ),
    );
    assert_eq!(
        out,
        "Dest  FlightNum  Distance\n \
          DCA     1279.0       NaN\n \
          LAX        NaN    2469.0\n \
          ORD      714.0       NaN\n \
          SFO     1955.0    2580.0\n\
         Dest  FlightNum  Distance\n \
          DCA       1279       NaN\n \
          LAX       1279    2469.0\n \
          ORD        714    2469.0\n \
          SFO       1955    2580.0\n"
    );
}

#[test]
fn map_with_a_dict_that_misses_some_values_gives_floats_as_pandas_does() {
    // pandas 2.3: EWR is not in the first dict, so its rows are NaN and the series float64;
    // the second dict has every origin, and the series stays int64.
    let run = ddq(
        &[
            "--format",
            "csv",
            "-c",
            &format!(
                "{READ}; m = ddf.Origin.map({{\"JFK\": 1, \"LGA\": 2}}); m.dtype; m.head(3); \
                 a = ddf.Origin.map({{\"JFK\": 1, \"LGA\": 2, \"EWR\": 3}}); a.dtype; a.head(2)"
            ),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "'float64'\nOrigin\n1.0\n\"\"\n1.0\n'int64'\nOrigin\n1\n3\n"
    );
}

#[test]
fn a_series_groups_by_another_series_of_its_frame_or_by_its_index_and_gives_each_groups_largest() {
    // pandas 2.2.3 prints the same values: EWR 9.443805, JFK 8.238975, LGA 8.943480.
    let by_series = table_with(
        &[],
        &format!("{READ}; ddf.DepDelay.groupby(ddf.Origin).mean()"),
    );
    assert_eq!(
        by_series,
        "Origin  DepDelay\n   EWR  9.443805\n   JFK  8.238975\n   LGA  8.943480\nName: DepDelay, dtype: float64\n"
    );
    let statements = format!(
        "{READ}; s = ddf.groupby([\"Origin\", \"Dest\"]).DepDelay.mean(); s.groupby(level=0).max()"
    );
    // pandas: EWR 16.752381, JFK 11.984496, LGA 14.990826.
    assert!(
        table_with(&[], &statements).contains("   JFK  11.984496\n"),
        "{statements}"
    );
    expect_error(
        &format!("{READ}; ddf.DepDelay.fillna(0).groupby(ddf.DepDelay).count()"),
        &["reads column `DepDelay`", ".rename(\"DepDelay_2\")"],
    );
    // pandas: EWR 1006.0, 641.0; JFK 446.0, 407.0; LGA 623.0, 463.0 (and each row's label).
    let largest = table_with(
        &[],
        &format!("{READ}; ddf.groupby(\"Origin\").DepDelay.nlargest(2)"),
    );
    assert!(
        largest.starts_with(
            "Origin  DepDelay\n   EWR    1006.0\n   EWR     641.0\n   JFK     446.0\n"
        ),
        "{largest}"
    );
    expect_error(
        &format!("{READ}; ddf.groupby(\"Origin\").nlargest(2)"),
        &["nlargest() of a groupby applies to one column"],
    );
    expect_error(
        &format!("{READ}; ddf[[\"DepDelay\"]].groupby(ddf.Origin).mean()"),
        &["reads column `Origin`, which the grouped frame left out"],
    );
}

#[test]
fn a_notebooks_own_function_runs_per_window_per_group_and_per_pair_of_columns() {
    // pandas 2.2.3 on the same lines: NaN, NaN, NaN, 4.75, 5.00 (a mean absolute deviation of
    // each window of four rows).
    let windows = table_with(
        &[],
        &format!(
            "{READ}\ndef mad(x):\n    return np.fabs(x - x.mean()).mean()\nddf.DepDelay.rolling(window=4).apply(mad, raw=True).head(5)"
        ),
    );
    assert_eq!(
        windows,
        "DepDelay\n     NaN\n     NaN\n     NaN\n    4.75\n    5.00\nName: DepDelay, dtype: float64\n"
    );
    expect_error(
        &format!("{READ}; ddf.DepDelay.rolling(4, min_periods=2).apply(lambda x: x.mean())"),
        &["min_periods below the window is not supported"],
    );
    expect_error(
        &format!("{READ}; ddf.DepDelay.rolling(4).apply(lambda x: x - x.mean())"),
        &["a value per value of the window where one number per window is needed"],
    );
    // pandas: EWR 15.561814, JFK 13.799279, LGA 14.929268.
    let per_group = table_with(
        &[],
        &format!(
            "{READ}; ddf.groupby(\"Origin\").DepDelay.agg(lambda x: np.fabs(x - x.mean()).mean())"
        ),
    );
    assert!(per_group.contains("   JFK  13.799279\n"), "{per_group}");
    // pandas: 1.0 on the diagonal, 0.030035 between the two.
    let pairs = table_with(
        &[],
        &format!(
            "{READ}; ddf[[\"DepDelay\", \"ArrDelay\"]].corr(method=lambda a, b: np.minimum(a / a.sum(), b / b.sum()).sum())"
        ),
    );
    assert!(pairs.contains("DepDelay  1.000000  0.030035"), "{pairs}");
    // A frame shifted is still the frame's rows: pandas gives 0.004235 for DepDelay.
    let shifted = table_with(
        &[],
        &format!("{READ}; ddf[[\"DepDelay\"]].corrwith(ddf[[\"DepDelay\"]].shift(1))"),
    );
    assert!(shifted.contains("0.004235"), "{shifted}");
}

#[test]
fn a_frames_fillna_abs_clip_where_replace_and_isin_keep_nullable_dtypes() {
    // pandas 2.2.3 on the same lines: Int64 columns stay Int64 (isin gives boolean), and the
    // values are DepDelay 0, 0 and TaxiIn <NA>, 4 for abs; False, False and False, True for isin.
    let out = table_with(
        &[],
        &format!(
            "{READ}; c = ddf[[\"DepDelay\", \"TaxiIn\"]].convert_dtypes(); \
             c.fillna(0).dtypes; c.abs().iloc[[0, 20000]]; c.isin([4]).iloc[[0, 20000]]; \
             c.clip(1, 5).dtypes; c.where(c > 4).dtypes; c.replace(4, 40).dtypes"
        ),
    );
    let int64 = "  column  dtype\nDepDelay  Int64\n  TaxiIn  Int64\nName: dtype, dtype: object\n";
    assert_eq!(
        out,
        format!(
            "{int64}DepDelay  TaxiIn\n       0    <NA>\n       0       4\n\
             DepDelay  TaxiIn\n   False   False\n   False    True\n{int64}{int64}{int64}"
        )
    );
}
