//! ddq: pandas- and Dask-style dataframe commands on Apache DataFusion.
//!
//! The modules follow the pipeline a statement goes through:
//! `lang` (text to syntax tree) → `plan` (syntax tree to DataFusion plans) →
//! `exec` (sessions and execution) → `output` (rendering), with `repl` for the interactive loop.

pub mod error;
pub mod exec;
pub mod lang;
pub mod output;
pub mod plan;
pub mod repl;

pub use error::{DdqError, ErrorKind, Result};
