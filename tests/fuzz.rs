//! A statement fuzzer over the real binary: statements built from the verb registry's grammar
//! (receivers, verbs, argument values), the reference tasks mutated (characters dropped,
//! doubled or swapped, tokens exchanged) and token soup, each run as a script after the sample
//! read. Every run must end with exit 0 or 1 within its time limit and without a panic, an
//! abort or an internal error: whatever the input, ddq answers or names what is wrong.
//!
//! `cargo test --test fuzz` runs a few hundred cases with a fixed seed. The long mode:
//! `DDQ_FUZZ_CASES=20000 DDQ_FUZZ_SEED=7 cargo test --release --test fuzz -- --nocapture`.
//! A failing case prints its seed, number and statement; it then goes into `REGRESSIONS`.

mod common;

use common::READ;
use ddq::plan::verbs::{self, Form, Receiver};
use std::io::{Read, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Statements that once broke ddq (or came close), run on every test run.
const REGRESSIONS: &[&str] = &[
    // A limited backward fill over a stacked frame: two windows with different orders in one
    // projection (seed 19, case 168).
    r#"ddf.set_index("Date").melt().bfill(3)"#,
    // A long column name in a printed table (issue 19).
    r#"ddf.rename(columns={"Origin": "o" * 5000}).head(2)"#,
    // Windows nested in windows, filters and group keys.
    "ddf.DepDelay.shift().cumsum().rolling(3).mean().diff().max()",
    "ddf[ddf.DepDelay.diff() > ddf.DepDelay.shift(-1)].groupby(ddf.Distance.shift()).size()",
    // Lambdas that return the wrong kind of thing, or call themselves.
    "f = lambda x: f(x)\nf(1)",
    "ddf.apply(lambda r: r, axis=1)",
    "ddf.groupby(\"Origin\").DepDelay.agg(lambda s: s)",
    // f-strings with odd fields.
    "f\"{ddf}\"",
    "f\"{ddf.DepDelay.max():{{}}}\"",
    "print(f\"{1:>}\", f\"{'x'!r:^9}\", f\"{None}\")",
    // Empty resample ranges, empty windows, empty queries.
    "ddf[ddf.DepDelay > 10000].set_index(\"Date\").DepDelay.resample(\"D\").sum()",
    "ddf.query(\"\")",
    "ddf.DepDelay.rolling(1, min_periods=0).sum().head(2)",
    "%%time\n\nx = 1",
];

/// Values the grammar passes as arguments.
const ARGUMENTS: &[&str] = &[
    "1",
    "0",
    "-1",
    "3",
    "1000000",
    "2.5",
    "-0.5",
    "1e308",
    "None",
    "True",
    "False",
    "\"\"",
    "\"Origin\"",
    "\"DepDelay\"",
    "\"Date\"",
    "\"nope\"",
    "\"M\"",
    "\"D\"",
    "\"mean\"",
    "\"sum\"",
    "[]",
    "[\"Origin\"]",
    "[\"Origin\", \"Dest\"]",
    "[1, 2]",
    "{}",
    "{\"DepDelay\": \"max\"}",
    "(\"DepDelay\", \"mean\")",
    "ddf",
    "ddf.DepDelay",
    "ddf.Origin == \"JFK\"",
    "ddf.DepDelay > 0",
    "lambda x: x",
    "lambda r: r.DepDelay + 1",
    "lambda s: s.max()",
    "f\"{1 + 1}\"",
    "\"%Y\"",
];

/// Starting points, with the kind of value each is.
const RECEIVERS: &[(&str, Receiver)] = &[
    ("ddf", Receiver::Frame),
    (
        "ddf[[\"DepDelay\", \"ArrDelay\", \"Origin\"]]",
        Receiver::Frame,
    ),
    ("ddf.set_index(\"Date\")", Receiver::Frame),
    ("ddf.DepDelay", Receiver::Series),
    ("ddf.Origin", Receiver::Series),
    ("ddf.groupby(\"Origin\").DepDelay.mean()", Receiver::Series),
    ("ddf.groupby(\"Origin\")", Receiver::GroupBy),
    (
        "ddf.groupby([\"Origin\", \"Dest\"]).DepDelay",
        Receiver::GroupBy,
    ),
    ("ddf.set_index(\"Date\").resample(\"M\")", Receiver::GroupBy),
    ("ddf.DepDelay.rolling(3)", Receiver::Rolling),
    ("ddf.Date.dt", Receiver::Dt),
    ("ddf.TailNum.str", Receiver::Str),
    ("ddf.DepDelay.max()", Receiver::Scalar),
];

const SOUP: &[&str] = &[
    "ddf", ".", "(", ")", "[", "]", "{", "}", ",", ":", "=", "==", "+", "-", "*", "/", "//", "%",
    "**", "~", "&", "|", "lambda", "x", "not", "and", "in", "f\"{", "}\"", "\"", "'", "1", "0.5",
    "DepDelay", "groupby", "apply", "resample", "rolling", "%%time", "%time", "\n", "def",
    "return", "@", "`", "\\", "#", ";",
];

/// A small deterministic generator, so a seed names the same cases on every machine.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next(items.len())]
    }
}

/// A call chain: a receiver, then one to three verbs that apply to it (the first one is sure
/// to; later ones may not), each with random arguments.
fn grammar_case(rng: &mut Lcg) -> String {
    let (start, receiver) = *rng.pick(RECEIVERS);
    let mut text = start.to_string();
    let mut kind = receiver;
    for _ in 0..=rng.next(3) {
        let candidates: Vec<&verbs::Verb> = verbs::verbs_for(kind).collect();
        if candidates.is_empty() {
            break;
        }
        let verb = *rng.pick(&candidates);
        text.push('.');
        text.push_str(verb.name);
        if verb.form == Form::Method {
            let count = rng.next(verb.params.len().min(3) + 1);
            let args: Vec<String> = (0..count)
                .map(|i| {
                    let value = rng.pick(ARGUMENTS);
                    match (rng.next(3), verb.params.get(i)) {
                        (0, Some(name)) if !name.starts_with('*') => format!("{name}={value}"),
                        _ => value.to_string(),
                    }
                })
                .collect();
            text.push_str(&format!("({})", args.join(", ")));
        }
        kind = *rng.pick(&[Receiver::Frame, Receiver::Series, Receiver::GroupBy, kind]);
    }
    text
}

/// A reference task's statement with a few characters dropped, doubled or swapped.
fn mutated_case(rng: &mut Lcg, tasks: &[String]) -> String {
    let mut chars: Vec<char> = rng.pick(tasks).chars().collect();
    for _ in 0..=rng.next(3) {
        if chars.is_empty() {
            break;
        }
        let at = rng.next(chars.len());
        match rng.next(4) {
            0 => {
                chars.remove(at);
            }
            1 => chars.insert(at, chars[at]),
            2 => {
                let other = rng.next(chars.len());
                chars.swap(at, other);
            }
            _ => {
                let token: Vec<char> = rng.pick(SOUP).chars().collect();
                chars.splice(at..at, token);
            }
        }
    }
    chars.into_iter().collect()
}

fn soup_case(rng: &mut Lcg) -> String {
    (0..1 + rng.next(12))
        .map(|_| *rng.pick(SOUP))
        .collect::<Vec<_>>()
        .join(" ")
}

fn reference_statements() -> Vec<String> {
    let path = common::project_path("tests/reference/operations/tasks.tsv");
    let text = std::fs::read_to_string(path).expect("the operations suite's tasks.tsv");
    text.lines()
        .filter_map(|line| line.splitn(3, '\t').nth(2))
        .map(|statements| statements.replace("; ", "\n"))
        .collect()
}

/// Where cases run: a directory of its own holding a link to the sample data, so that what a
/// case writes (`to_csv("Origin")`, `visualize()`, `plot()`) never lands in the project.
fn scratch_dir() -> &'static std::path::Path {
    static SCRATCH: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    SCRATCH
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("a scratch directory");
            std::os::unix::fs::symlink(common::project_path("data"), dir.path().join("data"))
                .expect("a link to the sample data");
            dir
        })
        .path()
}

/// How one case ended, when it ended badly.
fn failure(statement: &str, limit: Duration) -> Option<String> {
    let script = format!("{READ}\n{statement}\n");
    let mut child = common::ddq_command(&["--format", "csv", "--quiet", "run", "-"])
        .current_dir(scratch_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ddq starts");
    let _ = child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(script.as_bytes());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("ddq can be waited on") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Some(format!("no answer within {limit:?} (a hang)"));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    let broken = [
        "panicked",
        "internal error",
        "RUST_BACKTRACE",
        "stack overflow",
    ]
    .iter()
    .find(|needle| stderr.contains(*needle));
    match (status.code(), broken) {
        (Some(0 | 1), None) => None,
        (code, _) => Some(format!("exit {code:?}:\n{stderr}")),
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn past_breakages_stay_fixed() {
    let failures: Vec<String> = REGRESSIONS
        .iter()
        .filter_map(|s| failure(s, Duration::from_secs(60)).map(|f| format!("{s}\n  {f}")))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn generated_statements_never_break_ddq() {
    let seed = env_number("DDQ_FUZZ_SEED", 19);
    let cases = env_number("DDQ_FUZZ_CASES", 240);
    let tasks = reference_statements();
    let mut rng = Lcg(seed);
    let mut failures = Vec::new();
    for number in 0..cases {
        let statement = match number % 3 {
            0 => grammar_case(&mut rng),
            1 => mutated_case(&mut rng, &tasks),
            _ => soup_case(&mut rng),
        };
        if let Some(what) = failure(&statement, Duration::from_secs(60)) {
            failures.push(format!(
                "seed {seed}, case {number}: {statement:?}\n  {what}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} cases broke ddq:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
