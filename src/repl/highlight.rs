//! Syntax colours for the line being typed: Python keywords, strings, numbers, and the column
//! names of the session's frames (after a dot, or as a string in `ddf["DepDelay"]`). The line is
//! split by the tokenizer the parser uses, so a colour never disagrees with what ddq will read;
//! a line the tokenizer cannot read yet (an open string) is shown plain.

use crate::lang::tokens::{TokenKind, tokenize_lenient};
use std::collections::HashSet;

const KEYWORD: &str = "\x1b[1;35m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[36m";
const COLUMN: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

/// `line` with colour codes around its keywords, strings, numbers and known column names;
/// `None` when nothing in it is coloured.
pub fn highlight(line: &str, columns: &HashSet<String>) -> Option<String> {
    let tokens = tokenize_lenient(line).ok()?;
    let mut out = String::with_capacity(line.len() * 2);
    let mut copied = 0;
    let mut after_dot = false;
    for token in &tokens {
        let colour = match &token.kind {
            TokenKind::Keyword(_) => Some(KEYWORD),
            TokenKind::Str(text) if columns.contains(text) => Some(COLUMN),
            TokenKind::Str(_) | TokenKind::FStr(_) => Some(STRING),
            TokenKind::Int(_) | TokenKind::Float(_) => Some(NUMBER),
            TokenKind::Name(name) if after_dot && columns.contains(name) => Some(COLUMN),
            _ => None,
        };
        after_dot = token.kind == TokenKind::Dot;
        let (start, end) = (token.span.start, token.span.end);
        let in_line = start >= copied && end <= line.len() && start < end;
        let (Some(colour), true) = (colour, in_line) else {
            continue;
        };
        let (Some(before), Some(text)) = (line.get(copied..start), line.get(start..end)) else {
            continue;
        };
        out.push_str(before);
        out.push_str(colour);
        out.push_str(text);
        out.push_str(RESET);
        copied = end;
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&line[copied..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns() -> HashSet<String> {
        ["DepDelay", "Origin"]
            .iter()
            .map(|c| c.to_string())
            .collect()
    }

    #[test]
    fn keywords_strings_numbers_and_columns_are_coloured() {
        let line = r#"ddf[ddf.DepDelay > 10 and ddf["Origin"] == "JFK"]"#;
        let coloured = highlight(line, &columns()).unwrap();
        assert_eq!(
            coloured,
            "ddf[ddf.\x1b[33mDepDelay\x1b[0m > \x1b[36m10\x1b[0m \x1b[1;35mand\x1b[0m \
             ddf[\x1b[33m\"Origin\"\x1b[0m] == \x1b[32m\"JFK\"\x1b[0m]"
        );
    }

    #[test]
    fn plain_lines_and_open_strings_are_left_alone() {
        assert_eq!(highlight("ddf.head", &columns()), None);
        assert_eq!(highlight("x = \"open", &columns()), None);
        // A name that is not a column, or a column name not after a dot, stays plain.
        assert_eq!(highlight("DepDelay.Other", &columns()), None);
        assert_eq!(highlight("", &columns()), None);
    }

    #[test]
    fn text_outside_tokens_is_kept_as_typed() {
        let line = "x = 1  # the answer\n";
        let coloured = highlight(line, &columns()).unwrap();
        assert_eq!(coloured, "x = \x1b[36m1\x1b[0m  # the answer\n");
    }
}
