//! Execution: the session that runs statements, its settings and output sink, file scans, help
//! text, and turning engine errors into ddq errors.

pub mod cache;
pub mod cluster;
pub(crate) mod ends;
pub mod errors;
pub mod executor;
pub mod help;
pub mod memory;
pub mod persist;
pub mod progress;
pub mod scan;
pub mod script;
pub mod session;
pub mod settings;
pub mod sink;
pub(crate) mod subqueries;
pub mod timing;
pub mod visualize;
pub mod write;
