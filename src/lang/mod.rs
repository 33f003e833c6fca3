//! Text to syntax tree: tokens with spans, the AST, the parser and the command table.

pub mod ast;
pub mod commands;
pub mod parser;
pub mod tokens;
