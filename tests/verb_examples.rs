//! Every verb's example in the registry (the one `help NAME` shows) runs through the real binary
//! against the sample data, so help can never advertise something that does not work.

mod common;

use common::READ;
use ddq::plan::verbs::VERBS;

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
        let output = common::ddq_command(&["--format", "csv", "--quiet", "-c", &statements])
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
