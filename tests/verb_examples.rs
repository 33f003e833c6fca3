//! Every verb's example in the registry (the one `help NAME` shows) runs through the real binary
//! against the sample data, so help can never advertise something that does not work.

use ddq::plan::verbs::VERBS;
use std::process::Command;

const READ: &str = r#"ddf = read_csv("data/nycflights/*.csv", parse_dates={"Date": [0, 1, 2]}, dtype={"CRSElapsedTime": "float64", "TailNum": "object", "Cancelled": "bool"})"#;

#[test]
fn every_verb_example_runs() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut failures = Vec::new();
    for verb in VERBS {
        // Examples that write files write under /tmp; keep them in this test's directory.
        let example = verb
            .example
            .replace("/tmp/", &format!("{}/", dir.path().display()));
        let statements = format!("{READ}\n{example}\n");
        let output = Command::new(env!("CARGO_BIN_EXE_ddq"))
            // Keep the scan cache of test runs out of the user's own cache directory.
            .env(
                "DDQ_CACHE_DIR",
                std::env::temp_dir().join("ddq-test-scan-cache"),
            )
            .args(["--format", "csv", "--quiet", "-c", &statements])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("ddq runs");
        if !output.status.success() {
            failures.push(format!(
                "{}: {}\n{}",
                verb.name,
                verb.example,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
