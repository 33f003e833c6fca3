//! Tab completion. Candidates come only from the session's variables and the same registries that
//! drive the parser and `help` (the verb registry, the command table, the settings table), so
//! completion cannot offer what ddq would reject. To know what a value before a dot is, the text
//! is planned with the real planner, which only builds plans: completion never runs a query.

use crate::config::settings::SETTINGS;
use crate::engine::sources::EngineSources;
use crate::lang::commands::COMMANDS;
use crate::lang::parser;
use crate::lang::tokens::{self, Keyword, TokenKind};
use crate::plan::value::{Accessor, Value, display_name};
use crate::plan::verbs::{self, Receiver};
use crate::plan::{Planner, selection_columns};
use crate::session::Session;
use datafusion::prelude::SessionContext;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One completion: what the list shows and what replaces the text from the start position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub display: String,
    pub replacement: String,
}

impl Candidate {
    fn plain(text: impl Into<String>) -> Candidate {
        let text = text.into();
        Candidate {
            display: text.clone(),
            replacement: text,
        }
    }
}

impl rustyline::completion::Candidate for Candidate {
    fn display(&self) -> &str {
        &self.display
    }

    fn replacement(&self) -> &str {
        &self.replacement
    }
}

/// What completion knows about a value: where its methods come from and which columns it has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shape {
    /// `None` for values without methods (`.loc` indexers have columns but no verbs).
    pub receiver: Option<Receiver>,
    pub columns: Vec<String>,
}

/// The session facts completion may use. The REPL implements it over a snapshot of the session;
/// tests implement it with fixed answers.
pub trait Catalog {
    /// Names bound in the session.
    fn names(&self) -> Vec<String>;
    /// What the expression `text` evaluates to, if it plans without error.
    fn shape_of(&self, text: &str) -> Option<Shape>;
}

/// The completions for the cursor at byte `pos` of `line`: where the replaced text starts and
/// the candidates for it, in the order they should be listed.
pub fn complete(line: &str, pos: usize, catalog: &dyn Catalog) -> (usize, Vec<Candidate>) {
    let mut pos = pos.min(line.len());
    while !line.is_char_boundary(pos) {
        pos -= 1;
    }
    let text = &line[..pos];
    let scan = Scan::of(text);
    if scan.in_comment {
        return (pos, Vec::new());
    }
    if let Some(string) = &scan.open_string {
        return in_string(line, text, &scan, string, catalog);
    }
    let word_start = word_start(text, scan.statement_start);
    let word = &text[word_start..];
    let candidates = if text[..word_start].ends_with('.') {
        let dot = word_start - 1;
        let receiver = &text[chain_start(text, &scan, dot)..dot];
        members(receiver, catalog)
    } else {
        let before = text[scan.statement_start..word_start].trim_start();
        if before.is_empty() {
            statement_words(catalog)
        } else if let Some(words) = command_arguments(before) {
            words
        } else if let Some(words) = keyword_arguments(text, &scan, word_start, catalog) {
            words
        } else {
            value_names(catalog)
        }
    };
    (word_start, with_prefix(candidates, word))
}

/// A bracket that is still open at the cursor.
#[derive(Debug, Clone)]
struct OpenBracket {
    ch: char,
    at: usize,
    /// Commas directly inside this bracket so far: the index of the current argument.
    commas: usize,
    /// Where the current argument (or list item) starts.
    item_start: usize,
    /// `name=` keywords already given directly inside this bracket.
    keywords: Vec<String>,
}

/// A string literal the cursor is inside.
#[derive(Debug, Clone)]
struct OpenString {
    quote_start: usize,
    content_start: usize,
    quote: char,
}

/// One forward pass over the text before the cursor, aware of strings and comments, recording
/// what the backward walks need: where brackets match, where string literals start, and what is
/// still open at the cursor.
#[derive(Debug, Default)]
struct Scan {
    open: Vec<OpenBracket>,
    /// Offset of a closing bracket to the offset of its opener.
    matching: HashMap<usize, usize>,
    /// End offset (exclusive) of a complete string literal to its opening quote.
    strings: HashMap<usize, usize>,
    open_string: Option<OpenString>,
    in_comment: bool,
    /// Start of the statement holding the cursor (after a `;` or a line end outside brackets).
    statement_start: usize,
}

impl Scan {
    fn of(text: &str) -> Scan {
        let mut scan = Scan::default();
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '#' => {
                    scan.in_comment = true;
                    for (j, c) in chars.by_ref() {
                        if c == '\n' {
                            scan.in_comment = false;
                            scan.end_line(j);
                            break;
                        }
                    }
                }
                '"' | '\'' => match string_end(text, i) {
                    Some(end) => {
                        scan.strings.insert(end, i);
                        while chars.peek().is_some_and(|&(j, _)| j < end) {
                            chars.next();
                        }
                    }
                    None => {
                        let quotes = if text[i..].starts_with(&c.to_string().repeat(3)) {
                            3
                        } else {
                            1
                        };
                        scan.open_string = Some(OpenString {
                            quote_start: i,
                            content_start: i + quotes,
                            quote: c,
                        });
                        return scan;
                    }
                },
                '(' | '[' | '{' => scan.open.push(OpenBracket {
                    ch: c,
                    at: i,
                    commas: 0,
                    item_start: i + 1,
                    keywords: Vec::new(),
                }),
                ')' | ']' | '}' => {
                    if scan.open.last().is_some_and(|b| closes(b.ch) == c)
                        && let Some(open) = scan.open.pop()
                    {
                        scan.matching.insert(i, open.at);
                    }
                }
                ',' => {
                    if let Some(open) = scan.open.last_mut() {
                        open.keywords.extend(keyword_of(&text[open.item_start..i]));
                        open.commas += 1;
                        open.item_start = i + 1;
                    }
                }
                ';' if scan.open.is_empty() => scan.statement_start = i + 1,
                '\n' => scan.end_line(i),
                _ => {}
            }
        }
        scan
    }

    fn end_line(&mut self, newline: usize) {
        if self.open.is_empty() {
            self.statement_start = newline + 1;
        }
    }
}

fn closes(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

/// The end (exclusive) of the string literal whose opening quote is at `start`, or `None` when
/// it is not closed before the end of `text`.
fn string_end(text: &str, start: usize) -> Option<usize> {
    let quote = text[start..].chars().next()?;
    let triple: String = quote.to_string().repeat(3);
    let (delimiter, body_start) = if text[start..].starts_with(&triple) {
        (triple.as_str(), start + 3)
    } else {
        (&text[start..start + 1], start + 1)
    };
    let raw = text[..start].ends_with(['r', 'R']);
    let mut chars = text[body_start..].char_indices();
    while let Some((i, c)) = chars.next() {
        let at = body_start + i;
        if c == '\\' && !raw {
            chars.next();
        } else if text[at..].starts_with(delimiter) {
            return Some(at + delimiter.len());
        } else if c == '\n' && delimiter.len() == 1 {
            return None;
        }
    }
    None
}

/// The `name` of an argument written `name=value` (not `a == b`, not `f(x=1)` nested inside).
fn keyword_of(argument: &str) -> Option<String> {
    let (name, value) = argument.split_once('=')?;
    let name = name.trim();
    (is_identifier(name) && !value.starts_with('=')).then(|| name.to_string())
}

fn is_word_byte(b: u8) -> bool {
    // Bytes of non-ASCII characters count as word bytes, so a walk never splits a character.
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && Keyword::from_word(name).is_none()
}

/// Where the word ending at the cursor starts; a leading `%` counts at the start of a statement.
fn word_start(text: &str, statement_start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut start = text.len();
    while start > 0 && is_word_byte(bytes[start - 1]) {
        start -= 1;
    }
    if start > 0 && bytes[start - 1] == b'%' && text[statement_start..start - 1].trim().is_empty() {
        start -= 1;
    }
    start
}

/// Where the primary expression ending at `end` starts: back over names, `.`, calls,
/// subscripts and string literals, e.g. `ddf.groupby("Origin")` in `x = ddf.groupby("Origin")`.
fn chain_start(text: &str, scan: &Scan, end: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = end;
    loop {
        let group = i > 0 && matches!(bytes[i - 1], b')' | b']');
        if i > 0 && is_word_byte(bytes[i - 1]) {
            while i > 0 && is_word_byte(bytes[i - 1]) {
                i -= 1;
            }
        } else if group {
            match scan.matching.get(&(i - 1)) {
                Some(&open) => i = open,
                None => break,
            }
        } else if let Some(&start) = scan.strings.get(&i) {
            i = start;
        } else {
            break;
        }
        if i > 0 && bytes[i - 1] == b'.' {
            i -= 1;
            continue;
        }
        // A call or subscript continues into its receiver: `ddf.head` before `(3)`.
        let receiver_before = i > 0
            && (is_word_byte(bytes[i - 1])
                || matches!(bytes[i - 1], b')' | b']')
                || scan.strings.contains_key(&i));
        if !(group && receiver_before) {
            break;
        }
    }
    i
}

/// Whether the bracket at `at` follows a value directly (a call or subscript, not a literal).
fn is_postfix(text: &str, scan: &Scan, at: usize) -> bool {
    let bytes = text.as_bytes();
    at > 0
        && (is_word_byte(bytes[at - 1])
            || matches!(bytes[at - 1], b')' | b']')
            || scan.strings.contains_key(&at))
        && !keyword_ends_at(text, at)
}

/// `in [`, `not (`: a keyword, not a value, before the bracket.
fn keyword_ends_at(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    let mut start = at;
    while start > 0 && is_word_byte(bytes[start - 1]) {
        start -= 1;
    }
    start < at && Keyword::from_word(&text[start..at]).is_some()
}

/// Candidates after `value.`: the value's columns that are valid attribute names, then the verbs
/// of its kind.
fn members(receiver: &str, catalog: &dyn Catalog) -> Vec<Candidate> {
    let Some(shape) = catalog.shape_of(receiver) else {
        return Vec::new();
    };
    let mut out: Vec<Candidate> = Vec::new();
    if matches!(shape.receiver, Some(Receiver::Frame | Receiver::GroupBy)) {
        out.extend(
            shape
                .columns
                .iter()
                .filter(|c| is_identifier(c))
                .map(Candidate::plain),
        );
    }
    if let Some(receiver) = shape.receiver {
        out.extend(sorted_unique(
            verbs::verbs_for(receiver)
                .filter(named_alone)
                .map(|v| v.name),
        ));
    }
    out
}

/// Words that can start a statement: short commands, then values.
fn statement_words(catalog: &dyn Catalog) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = COMMANDS.iter().map(|c| Candidate::plain(c.name)).collect();
    out.extend(value_names(catalog));
    out
}

/// Names that evaluate to something: the session's variables and the functions.
fn value_names(catalog: &dyn Catalog) -> Vec<Candidate> {
    let mut names = catalog.names();
    names.sort();
    let mut out: Vec<Candidate> = names.into_iter().map(Candidate::plain).collect();
    out.extend(sorted_unique(
        verbs::verbs_for(Receiver::Function)
            .filter(named_alone)
            .map(|v| v.name),
    ));
    out
}

/// A verb written as its name alone; `dask.config.set` is a dotted path the parser resolves
/// as a whole, so it is not offered after `d` or `dask.`.
fn named_alone(verb: &&verbs::Verb) -> bool {
    !verb.name.contains('.')
}

/// Arguments of `help` and `set`, whose words are not expressions.
fn command_arguments(before: &str) -> Option<Vec<Candidate>> {
    let mut words = before.split_whitespace();
    let command = words.next()?;
    let given: Vec<&str> = words.collect();
    match (command, given.as_slice()) {
        ("help", []) => Some(sorted_unique(
            COMMANDS
                .iter()
                .map(|c| c.name)
                .chain(verbs::all().map(|v| v.name))
                .chain(SETTINGS.iter().map(|s| s.name)),
        )),
        ("set", []) => Some(SETTINGS.iter().map(|s| Candidate::plain(s.name)).collect()),
        ("set", [name]) => Some(setting_values(name)),
        ("help" | "set", _) => Some(Vec::new()),
        _ => None,
    }
}

/// A setting's values when its table entry lists them as alternatives (`table | csv | json`).
fn setting_values(name: &str) -> Vec<Candidate> {
    let Some(spec) = SETTINGS.iter().find(|s| s.name == name) else {
        return Vec::new();
    };
    let options: Vec<&str> = spec.values.split('|').map(str::trim).collect();
    if options
        .iter()
        .all(|o| is_identifier(o) || o.parse::<f64>().is_ok())
    {
        options.into_iter().map(Candidate::plain).collect()
    } else {
        Vec::new()
    }
}

/// Inside a call, where an argument starts: the verb's keyword arguments not given yet (as
/// `name=`), then values.
fn keyword_arguments(
    text: &str,
    scan: &Scan,
    word_start: usize,
    catalog: &dyn Catalog,
) -> Option<Vec<Candidate>> {
    let open = scan.open.last()?;
    if open.ch != '(' || !text[open.item_start..word_start].trim().is_empty() {
        return None;
    }
    let verb = called_verb(text, scan, open.at, catalog)?;
    let mut out: Vec<Candidate> = verb
        .params
        .iter()
        .filter(|p| !p.starts_with('*') && !open.keywords.iter().any(|k| k == *p))
        .map(|p| Candidate {
            display: format!("{p}="),
            replacement: format!("{p}="),
        })
        .collect();
    out.extend(value_names(catalog));
    Some(out)
}

/// The verb a call's `(` at `open` belongs to: `value.method(` or a function `name(`/`dd.name(`.
fn called_verb(
    text: &str,
    scan: &Scan,
    open: usize,
    catalog: &dyn Catalog,
) -> Option<&'static verbs::Verb> {
    if !is_postfix(text, scan, open) {
        return None;
    }
    let callee = &text[chain_start(text, scan, open)..open];
    let (receiver_text, name) = match callee.rsplit_once('.') {
        Some((receiver, name)) => (Some(receiver), name),
        None => (None, callee),
    };
    if !is_identifier(name) {
        return None;
    }
    let receiver = match receiver_text {
        None if catalog.names().iter().any(|n| n == name) => return None,
        None => Receiver::Function,
        Some(r) => catalog.shape_of(r)?.receiver?,
    };
    verbs::find_as(receiver, name, verbs::Form::Method)
}

/// Completion inside a string literal: file paths for `path` arguments and `read "`, column
/// names inside subscripts and method calls of values that have columns.
fn in_string(
    line: &str,
    text: &str,
    scan: &Scan,
    string: &OpenString,
    catalog: &dyn Catalog,
) -> (usize, Vec<Candidate>) {
    let content = &text[string.content_start..];
    let statement = text[scan.statement_start..string.quote_start].trim();
    let command_path =
        statement == "read" || (statement.starts_with("visualize") && statement.ends_with(" to"));
    if command_path || is_path_argument(text, scan, string, catalog) {
        return paths(content, string.content_start);
    }
    let Some(columns) = enclosing_columns(text, scan, catalog) else {
        return (text.len(), Vec::new());
    };
    let closing = if line[text.len()..].starts_with(string.quote) {
        String::new()
    } else {
        string.quote.to_string()
    };
    let candidates = columns
        .into_iter()
        .filter(|c| c.starts_with(content))
        .map(|c| Candidate {
            replacement: format!("{c}{closing}"),
            display: c,
        })
        .collect();
    (string.content_start, candidates)
}

/// Whether the string is the `path` argument of the call it sits in (by position or keyword).
fn is_path_argument(text: &str, scan: &Scan, string: &OpenString, catalog: &dyn Catalog) -> bool {
    let Some(open) = scan.open.last().filter(|b| b.ch == '(') else {
        return false;
    };
    let Some(verb) = called_verb(text, scan, open.at, catalog) else {
        return false;
    };
    let argument = text[open.item_start..string.quote_start].trim();
    let param = match argument.strip_suffix('=') {
        Some(name) => Some(name.trim()),
        None if argument.is_empty() => verb.params.get(open.commas).copied(),
        None => None,
    };
    param == Some("path")
}

/// The columns of the value whose subscript or method call the cursor's string sits in, looking
/// out through list and dict literals: `df["`, `df[["a", "`, `df.groupby(["`, `df.loc[:, ["`.
fn enclosing_columns(text: &str, scan: &Scan, catalog: &dyn Catalog) -> Option<Vec<String>> {
    for open in scan.open.iter().rev() {
        if !is_postfix(text, scan, open.at) {
            continue;
        }
        let callee_start = chain_start(text, scan, open.at);
        let owner = match open.ch {
            '[' => &text[callee_start..open.at],
            '(' => {
                let callee = &text[callee_start..open.at];
                callee.rsplit_once('.')?.0
            }
            _ => return None,
        };
        let shape = catalog.shape_of(owner)?;
        return (!shape.columns.is_empty()).then_some(shape.columns);
    }
    None
}

/// File and directory names completing the path typed so far. Directories end in `/`; glob
/// patterns are left alone.
fn paths(typed: &str, content_start: usize) -> (usize, Vec<Candidate>) {
    let (dir_part, file_prefix) = match typed.rfind('/') {
        Some(i) => typed.split_at(i + 1),
        None => ("", typed),
    };
    let start = content_start + dir_part.len();
    if dir_part.contains(['*', '?', '[']) {
        return (start, Vec::new());
    }
    let dir: PathBuf = match dir_part {
        "" => PathBuf::from("."),
        d if d.starts_with("~/") => match dirs::home_dir() {
            Some(home) => home.join(&d[2..]),
            None => return (start, Vec::new()),
        },
        d => PathBuf::from(d),
    };
    (start, directory_entries(&dir, file_prefix))
}

fn directory_entries(dir: &Path, prefix: &str) -> Vec<Candidate> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<Candidate> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let visible = !name.starts_with('.') || prefix.starts_with('.');
            if !visible || !name.starts_with(prefix) {
                return None;
            }
            let is_dir = entry.path().is_dir();
            Some(Candidate {
                replacement: if is_dir {
                    format!("{name}/")
                } else {
                    name.clone()
                },
                display: if is_dir { format!("{name}/") } else { name },
            })
        })
        .collect();
    out.sort_by(|a, b| a.display.cmp(&b.display));
    out
}

fn sorted_unique<'a>(names: impl Iterator<Item = &'a str>) -> Vec<Candidate> {
    let mut names: Vec<&str> = names.collect();
    names.sort_unstable();
    names.dedup();
    names.into_iter().map(Candidate::plain).collect()
}

/// Keeps the candidates that extend what was typed, each once, in order.
fn with_prefix(candidates: Vec<Candidate>, typed: &str) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    for candidate in candidates {
        if candidate.replacement.starts_with(typed) && !out.contains(&candidate) {
            out.push(candidate);
        }
    }
    out
}

/// What completion sees of a session: its variables and a context to plan against, copied after
/// each statement (frames are plans, so the copy is cheap).
#[derive(Default)]
pub struct SessionIndex {
    ctx: SessionContext,
    vars: HashMap<String, Value>,
}

impl SessionIndex {
    pub fn of(session: &Session) -> SessionIndex {
        SessionIndex {
            ctx: session.context().clone(),
            vars: session.variables().clone(),
        }
    }
}

impl Catalog for SessionIndex {
    fn names(&self) -> Vec<String> {
        self.vars.keys().cloned().collect()
    }

    fn shape_of(&self, text: &str) -> Option<Shape> {
        // Readers open and sample files while planning; a Tab key must not wait on a disk.
        if calls_a_reader(text) {
            return None;
        }
        let expr = parser::parse_expression(text).ok()?;
        let value = Planner::new(&self.ctx, &self.vars, &EngineSources)
            .eval(&expr)
            .ok()?;
        Some(shape_of_value(&value))
    }
}

/// Whether the text calls a function that takes a `path` (the readers, in the registry).
fn calls_a_reader(text: &str) -> bool {
    let Ok(tokens) = tokens::tokenize(text) else {
        return true;
    };
    tokens
        .windows(2)
        .any(|pair| match (&pair[0].kind, &pair[1].kind) {
            (TokenKind::Name(name), TokenKind::LParen) => {
                verbs::find(Receiver::Function, name).is_some_and(|v| v.params.contains(&"path"))
            }
            _ => false,
        })
}

fn shape_of_value(value: &Value) -> Shape {
    let visible = |names: Vec<String>| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for name in names {
            let shown = display_name(&name).to_string();
            if !out.contains(&shown) {
                out.push(shown);
            }
        }
        out
    };
    let (receiver, columns) = match value {
        Value::Frame(frame) => (Some(Receiver::Frame), visible(frame.columns())),
        Value::Series(_) => (Some(Receiver::Series), Vec::new()),
        Value::Scalar(_) => (Some(Receiver::Scalar), Vec::new()),
        Value::GroupBy(gb) => (Some(Receiver::GroupBy), visible(selection_columns(gb))),
        Value::Accessor(Accessor::Dt(_)) => (Some(Receiver::Dt), Vec::new()),
        Value::Accessor(Accessor::Str(_)) => (Some(Receiver::Str), Vec::new()),
        Value::Accessor(Accessor::Cat(_)) => (Some(Receiver::Cat), Vec::new()),
        Value::Accessor(Accessor::Plot(_)) => (Some(Receiver::Plot), Vec::new()),
        Value::Accessor(Accessor::Loc(frame) | Accessor::Iloc(frame)) => {
            (None, visible(frame.columns()))
        }
        Value::Module(_) => (Some(Receiver::Function), Vec::new()),
        _ => (None, Vec::new()),
    };
    Shape { receiver, columns }
}

/// rustyline's hook: completes from a snapshot of the session refreshed after every statement.
#[derive(Default)]
pub struct SessionCompleter {
    index: SessionIndex,
}

impl SessionCompleter {
    pub fn refresh(&mut self, session: &Session) {
        self.index = SessionIndex::of(session);
    }

    /// The columns of every frame and series bound in the session (for colouring them).
    pub fn column_names(&self) -> std::collections::HashSet<String> {
        self.index
            .vars
            .values()
            .flat_map(|value| shape_of_value(value).columns)
            .collect()
    }
}

impl rustyline::completion::Completer for SessionCompleter {
    type Candidate = Candidate;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Candidate>)> {
        Ok(complete(line, pos, &self.index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session with a frame `ddf` (columns Origin, DepDelay, Dest, "Dep Time") and a series
    /// `s`; anything else does not evaluate.
    struct Fake;

    const COLUMNS: &[&str] = &["Origin", "DepDelay", "Dest", "Dep Time"];

    impl Catalog for Fake {
        fn names(&self) -> Vec<String> {
            vec!["ddf".into(), "s".into()]
        }

        fn shape_of(&self, text: &str) -> Option<Shape> {
            let frame = Shape {
                receiver: Some(Receiver::Frame),
                columns: COLUMNS.iter().map(|c| c.to_string()).collect(),
            };
            let text: String = text.split_whitespace().collect();
            let receiver = match text.as_str() {
                "ddf" | "ddf[ddf.DepDelay>0]" | "ddf.head(3)" => return Some(frame),
                "ddf.loc" => {
                    return Some(Shape {
                        receiver: None,
                        ..frame
                    });
                }
                "ddf.groupby(\"Origin\")" => {
                    return Some(Shape {
                        receiver: Some(Receiver::GroupBy),
                        columns: vec!["DepDelay".into(), "Dest".into()],
                    });
                }
                "s" | "ddf.Dest" | "ddf[\"Dest\"]" => Receiver::Series,
                "ddf.Dest.str" => Receiver::Str,
                "ddf.Date.dt" => Receiver::Dt,
                "dd" => Receiver::Function,
                _ => return None,
            };
            Some(Shape {
                receiver: Some(receiver),
                columns: Vec::new(),
            })
        }
    }

    fn displays(line: &str) -> (usize, Vec<String>) {
        let (start, candidates) = complete(line, line.len(), &Fake);
        (start, candidates.into_iter().map(|c| c.display).collect())
    }

    fn replacements(line: &str) -> Vec<String> {
        complete(line, line.len(), &Fake)
            .1
            .into_iter()
            .map(|c| c.replacement)
            .collect()
    }

    fn registry_names(receiver: Receiver, prefix: &str) -> Vec<String> {
        let mut names: Vec<String> = verbs::verbs_for(receiver)
            .filter(named_alone)
            .map(|v| v.name.to_string())
            .filter(|n| n.starts_with(prefix))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    #[test]
    fn columns_and_methods_after_a_frame_dot() {
        let (start, names) = displays("ddf.De");
        assert_eq!(start, 4);
        let mut expected = vec!["DepDelay".to_string(), "Dest".to_string()];
        expected.extend(registry_names(Receiver::Frame, "De"));
        assert_eq!(names, expected);
        // "Dep Time" is not an attribute name, so it is offered only inside df["...
        assert!(!displays("ddf.").1.contains(&"Dep Time".to_string()));
        assert!(displays("ddf.").1.contains(&"groupby".to_string()));
    }

    #[test]
    fn methods_follow_the_kind_of_value() {
        assert_eq!(displays("s.value_c").1, vec!["value_counts"]);
        assert_eq!(
            displays("x = ddf.Dest.").1,
            registry_names(Receiver::Series, "")
        );
        assert_eq!(
            displays("ddf.Dest.str.").1,
            registry_names(Receiver::Str, "")
        );
        assert_eq!(displays("ddf.Date.dt.").1, registry_names(Receiver::Dt, ""));
        assert_eq!(
            displays("ddf[\"Dest\"].").1,
            registry_names(Receiver::Series, "")
        );
        assert_eq!(displays("dd.read_p").1, vec!["read_parquet"]);
        let groupby = displays("ddf.groupby(\"Origin\").").1;
        assert_eq!(&groupby[..2], ["DepDelay", "Dest"]);
        assert_eq!(groupby[2..], registry_names(Receiver::GroupBy, ""));
        // A chain through a call, a subscript with a mask and an enclosing bracket.
        assert!(displays("ddf.head(3).ta").1.contains(&"tail".to_string()));
        assert!(displays("print(ddf[ddf.DepDelay > 0].Or").1 == vec!["Origin"]);
        // Nothing is offered for what does not evaluate.
        assert!(displays("nope.").1.is_empty());
    }

    #[test]
    fn column_names_inside_subscript_strings() {
        let (start, names) = displays("ddf[\"De");
        assert_eq!(start, 5);
        assert_eq!(names, vec!["DepDelay", "Dest", "Dep Time"]);
        assert_eq!(replacements("ddf['Or"), vec!["Origin'"]);
        assert_eq!(displays("ddf[[\"Origin\", \"De").1.len(), 3);
        assert_eq!(displays("ddf.loc[:, [\"Or").1, vec!["Origin"]);
        assert_eq!(displays("ddf.groupby([\"Or").1, vec!["Origin"]);
        assert_eq!(
            displays("ddf.groupby(\"Origin\")[\"De").1,
            vec!["DepDelay", "Dest"]
        );
        // The closing quote is not doubled when it is already there.
        let line = "ddf[\"Or\"]";
        let (_, candidates) = complete(line, 7, &Fake);
        assert_eq!(candidates[0].replacement, "Origin");
        // A list literal is not a subscript.
        assert!(displays("[\"De").1.is_empty());
    }

    #[test]
    fn keyword_arguments_come_from_the_verb() {
        let (start, names) = displays("ddf.sample(fr");
        assert_eq!(start, 11);
        assert_eq!(names, vec!["frac="]);
        let all = displays("ddf.sample(").1;
        assert_eq!(&all[..4], ["n=", "frac=", "replace=", "random_state="]);
        assert!(all.contains(&"ddf".to_string()), "values follow keywords");
        // Keywords already given are not offered again; comparisons are not keywords.
        let later = displays("ddf.sample(frac=0.1, ").1;
        assert!(!later.contains(&"frac=".to_string()) && later.contains(&"n=".to_string()));
        assert!(
            displays("ddf.sample(ddf.x == 1, r")
                .1
                .contains(&"replace=".to_string())
        );
        assert_eq!(displays("read_csv(\"x.csv\", us").1, vec!["usecols="]);
        assert_eq!(
            displays("dd.read_csv(\"x.csv\", parse_").1,
            vec!["parse_dates="]
        );
        // After `name=` the value is completed, not the keyword.
        assert_eq!(displays("ddf.sample(frac=d").1, vec!["ddf"]);
    }

    #[test]
    fn commands_and_names_at_the_start_of_a_statement() {
        assert_eq!(displays("he").1, vec!["head", "help"]);
        let (start, names) = displays("%ti");
        assert_eq!((start, names), (0, vec!["%time".into(), "%timeit".into()]));
        assert_eq!(displays("x = 1; dd").1, vec!["ddf"]);
        assert_eq!(displays("d").1, vec!["ddf"]);
        assert!(displays("re").1.contains(&"read".to_string()));
        assert!(displays("re").1.contains(&"read_csv".to_string()));
        // Not at the start: values only.
        assert_eq!(displays("x = he").1, Vec::<String>::new());
        assert_eq!(displays("help grou").1, vec!["groupby"]);
        assert_eq!(displays("set max_r").1, vec!["max_rows"]);
        assert_eq!(
            displays("set format ").1,
            vec!["table", "csv", "json", "markdown", "tsv", "parquet"]
        );
        assert!(displays("# ddf.").1.is_empty());
    }

    #[test]
    fn every_command_and_function_is_offered() {
        let everything = displays("").1;
        for c in COMMANDS {
            assert!(everything.contains(&c.name.to_string()), "{}", c.name);
        }
        for v in verbs::verbs_for(Receiver::Function).filter(named_alone) {
            assert!(everything.contains(&v.name.to_string()), "{}", v.name);
        }
    }

    #[test]
    fn multi_line_statements_complete_on_their_last_line() {
        assert_eq!(
            displays("ddf.groupby(\n    \"Origin\"\n).Dep").1,
            vec!["DepDelay"]
        );
        assert_eq!(displays("x = 1\nhe").1, vec!["head", "help"]);
    }

    #[test]
    fn file_paths_inside_path_strings() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("nycflights")).unwrap();
        std::fs::write(dir.path().join("flights.csv"), "a\n1\n").unwrap();
        std::fs::write(dir.path().join("fares.csv"), "a\n1\n").unwrap();
        std::fs::write(dir.path().join(".hidden"), "").unwrap();
        let base = format!("{}/", dir.path().display());
        for prefix in [
            "read_csv(\"",
            "dd.read_csv(\"",
            "read \"",
            "ddf.to_csv(\"",
            "read_csv(sep=\",\", path=\"",
        ] {
            let line = format!("{prefix}{base}f");
            let (start, candidates) = complete(&line, line.len(), &Fake);
            assert_eq!(start, line.len() - 1, "{prefix}");
            let names: Vec<String> = candidates.into_iter().map(|c| c.replacement).collect();
            assert_eq!(names, vec!["fares.csv", "flights.csv"], "{prefix}");
        }
        let line = format!("read_csv(\"{base}");
        assert_eq!(
            replacements(&line),
            vec!["fares.csv", "flights.csv", "nycflights/"]
        );
        assert_eq!(
            replacements(&format!("read_csv(\"{base}.h")),
            vec![".hidden"]
        );
        assert!(replacements(&format!("read_csv(\"{base}*/f")).is_empty());
        // Only the `path` argument is a path.
        assert!(replacements(&format!("read_csv(\"x.csv\", sep=\"{base}")).is_empty());
    }

    #[test]
    fn scanning_respects_strings_brackets_and_escapes() {
        let scan = Scan::of("f(\"a(b\", [1, 2], c=3, ");
        assert_eq!(scan.open.len(), 1);
        assert_eq!(scan.open[0].commas, 3);
        assert_eq!(scan.open[0].keywords, vec!["c"]);
        let scan = Scan::of("x = 'it\\'s");
        let open = scan.open_string.expect("open string");
        assert_eq!((open.quote, open.content_start), ('\'', 5));
        assert!(Scan::of("\"\"\"a\nb\"\"\" + ").open_string.is_none());
        assert!(Scan::of("x # (").in_comment);
        assert_eq!(Scan::of("a(\n1,\n").statement_start, 0);
        assert_eq!(Scan::of("a\nb").statement_start, 2);
    }

    #[test]
    fn odd_input_gives_no_candidates_and_no_panic() {
        for line in [
            "", ".", "..", ")", "ddf)].", "\"", "é.", "ddf.é", "(((", "'''",
        ] {
            for pos in 0..=line.len() {
                let _ = complete(line, pos, &Fake);
            }
        }
    }
}
