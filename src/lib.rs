//! ddq: pandas- and Dask-style dataframe commands on Apache DataFusion.
//!
//! The modules are the pipeline a statement goes through, and each imports only those above it
//! in this list (`tests/layers.rs` checks it; ARCHITECTURE.md draws it):
//!
//! - `error`: the one error type, with the spans of source text it is about, and its reports.
//! - `lang`: text to syntax tree (tokens, AST, parser, the command table).
//! - `config`: settings, each defined once with its flag, parser and help; sizes; schedulers.
//! - `types`: how an Arrow value reads as a pandas value: dtype names, Python's text of a value.
//! - `output`: renderers of results (pandas-like tables, CSV, JSON lines, Parquet).
//! - `plan`: syntax tree to DataFusion plans; reaches files through the `plan::sources` trait.
//! - `engine`: what runs plans: the file scan and its cache, spilling, persist, the cluster.
//! - `session`: the statement loop, REPL commands, scripts and help.
//! - `repl`: the interactive line editor.
//! - `launch`: from the command line's flags to an exit code (scripts, `-c`, the REPL).

pub mod config;
pub mod engine;
pub mod error;
pub mod lang;
pub mod launch;
pub mod output;
pub mod plan;
pub mod repl;
pub mod session;
pub mod types;
