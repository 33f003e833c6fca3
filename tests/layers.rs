//! The layers of `src/` point one way. Reads every source file's `crate::` paths (in `use` lines
//! and in code), maps each file to its top-level module, and checks that every module imports
//! only the modules below it in `LAYERS` — which also rules out an import cycle between them.
//! ARCHITECTURE.md draws the same table.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules, lowest first, each with the modules it may import.
const LAYERS: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("lang", &["error"]),
    ("config", &["error"]),
    ("types", &["error", "config"]),
    ("output", &["error", "config", "types"]),
    ("plan", &["error", "lang", "config", "types"]),
    (
        "engine",
        &["error", "lang", "config", "types", "output", "plan"],
    ),
    (
        "session",
        &[
            "error", "lang", "config", "types", "output", "plan", "engine",
        ],
    ),
    (
        "repl",
        &[
            "error", "lang", "config", "types", "output", "plan", "engine", "session",
        ],
    ),
    (
        "launch",
        &[
            "error", "lang", "config", "types", "output", "plan", "engine", "session", "repl",
        ],
    ),
];

fn source_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            source_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The top-level module a file under `src/` belongs to (`src/plan/frame.rs` → `plan`).
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("under src");
    let first = relative.components().next().expect("a component");
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_string()
}

/// The top-level modules a line names through `crate::`: `crate::plan::x`, and each item of
/// `crate::{plan::x, error::Result}`. Comments are skipped (they may name anything).
fn modules_named(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or("");
    let mut named = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            named.extend(top_level_items(group).iter().map(|i| first_segment(i)));
        } else {
            named.push(first_segment(rest));
        }
    }
    named.retain(|n| !n.is_empty());
    named
}

/// The items of a `{...}` group up to its closing brace, split at its own commas only:
/// `a::{b, c}, d}` is `a::{b, c}` and `d`.
fn top_level_items(group: &str) -> Vec<String> {
    let mut items = vec![String::new()];
    let mut depth = 0;
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(String::new());
                continue;
            }
            _ => {}
        }
        items.last_mut().expect("one item").push(c);
    }
    items.iter().map(|i| i.trim().to_string()).collect()
}

fn first_segment(path: &str) -> String {
    path.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// Every (module, imported module) pair in `src/`, with a file and line that shows it.
fn imports() -> BTreeMap<(String, String), String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    let mut found = BTreeMap::new();
    for file in files {
        let module = module_of(&src, &file);
        if module == "main" || module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable source");
        for (number, line) in text.lines().enumerate() {
            for named in modules_named(line) {
                if named != module {
                    let place = format!("{}:{}", file.display(), number + 1);
                    found.entry((module.clone(), named)).or_insert(place);
                }
            }
        }
    }
    found
}

#[test]
fn every_module_imports_only_the_layers_below_it() {
    let allowed: BTreeMap<&str, BTreeSet<&str>> = LAYERS
        .iter()
        .map(|(name, below)| (*name, below.iter().copied().collect()))
        .collect();
    let mut wrong = Vec::new();
    for ((module, named), place) in imports() {
        match allowed.get(module.as_str()) {
            None => wrong.push(format!(
                "{place}: `{module}` is not a layer in tests/layers.rs"
            )),
            Some(below) if !below.contains(named.as_str()) => wrong.push(format!(
                "{place}: `{module}` imports `{named}`, which it may not (it may import: {})",
                below.iter().copied().collect::<Vec<_>>().join(", ")
            )),
            Some(_) => {}
        }
    }
    assert!(wrong.is_empty(), "layer violations:\n{}", wrong.join("\n"));
}

#[test]
fn the_layer_table_has_no_cycle() {
    // Each layer may import only layers listed before it, so no path leads back up.
    for (position, (name, below)) in LAYERS.iter().enumerate() {
        let earlier: Vec<&str> = LAYERS[..position].iter().map(|(n, _)| *n).collect();
        for imported in *below {
            assert!(
                earlier.contains(imported),
                "`{name}` may import `{imported}`, which is not below it"
            );
        }
    }
}

#[test]
fn the_reader_finds_grouped_and_inline_paths() {
    assert_eq!(
        modules_named("use crate::{error::Result, plan::value::Value};"),
        ["error", "plan"]
    );
    assert_eq!(
        modules_named("use crate::{lang::{ast, parser}, types::dtype};"),
        ["lang", "types"]
    );
    assert_eq!(
        modules_named("    let x = crate::engine::persist::f(); // crate::repl"),
        ["engine"]
    );
    assert!(modules_named("/// see `crate::engine`").is_empty());
}
