//! Every verb's example in the registry (the one `help NAME` shows) runs through the real binary
//! against the sample data and prints exactly the output its row says, as nushell's polars
//! plugin checks its commands' examples: help can never advertise something that does not work,
//! nor show an answer ddq no longer gives.

mod common;

use common::READ;
use ddq::plan::verbs;

#[test]
fn every_verb_example_prints_its_expected_output() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let scratch = format!("{}/", dir.path().display());
    let mut failures = Vec::new();
    for verb in verbs::all() {
        // Examples that write files write under /tmp; keep them in this test's directory.
        let example = verb.example.replace("/tmp/", &scratch);
        let statements = format!("{READ}\n{example}\n");
        let output = common::ddq_command(&["--format", "csv", "--quiet", "-c", &statements])
            .output()
            .expect("ddq runs");
        let printed = String::from_utf8_lossy(&output.stdout).replace(&scratch, "/tmp/");
        if !output.status.success() {
            failures.push(format!(
                "{}: `{}` failed:\n{}",
                verb.name,
                verb.example,
                String::from_utf8_lossy(&output.stderr)
            ));
        } else if printed != verb.expected {
            failures.push(format!(
                "{}: `{}` printed\n{printed}\ninstead of\n{}",
                verb.name, verb.example, verb.expected
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} examples differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
