//! Text to syntax tree: tokens with spans, the AST, the parser, the command table and error reports.

pub mod ast;
pub mod commands;
pub mod parser;
pub mod report;
pub mod span;
pub mod tokens;
