//! The interactive loop on rustyline: the prompt names the current frame, an open bracket or
//! string continues on the next line (the real parser decides), Tab completes from the session,
//! history persists in the user's data directory, keywords, strings, numbers and column names
//! are coloured as they are typed (not under NO_COLOR), Ctrl-C cancels the running query or
//! clears the line, Ctrl-D exits.

pub mod complete;
pub mod highlight;

use crate::error::span::Source;
use crate::lang::parser;
use crate::session::script::report_error;
use crate::session::{Flow, Session, cancelled};
use complete::SessionCompleter;
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::history::DefaultHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{CompletionType, Config, Editor, Helper, Hinter};
use std::borrow::Cow;
use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Line-editor hooks: completion from the session, validation by the parser, colours.
#[derive(Helper, Hinter, rustyline::Completer)]
pub struct ReplHelper {
    #[rustyline(Completer)]
    completer: SessionCompleter,
    /// Colour the line being typed (not under NO_COLOR).
    colour: bool,
    /// The columns of the session's frames, coloured where the line names them.
    columns: HashSet<String>,
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        match self.colour {
            true => {
                highlight::highlight(line, &self.columns).map_or(Cow::Borrowed(line), Cow::Owned)
            }
            false => Cow::Borrowed(line),
        }
    }

    /// Every key may change what a token is (a digit, a closing quote): colour again each time.
    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.colour
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        if parser::is_incomplete(ctx.input()) {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

type LineEditor = Editor<ReplHelper, DefaultHistory>;

/// The history file, kept only for sessions at a terminal: a piped `ddq -i < script` has no
/// history worth keeping. A file that cannot be written is reported once and then left alone.
struct HistoryFile {
    path: Option<PathBuf>,
}

impl HistoryFile {
    fn for_terminal() -> HistoryFile {
        let at_terminal = std::io::stdin().is_terminal();
        HistoryFile {
            path: at_terminal.then(history_path).flatten(),
        }
    }

    fn load(&self, editor: &mut LineEditor) {
        if let Some(path) = self.path.as_ref().filter(|p| p.exists())
            && let Err(e) = editor.load_history(path)
        {
            eprintln!(
                "warning: cannot read the history file {}: {e}",
                path.display()
            );
        }
    }

    /// Appends the entries added since the last call, creating the directory on first use.
    fn save(&mut self, editor: &mut LineEditor) {
        let Some(path) = &self.path else {
            return;
        };
        let created = match path.parent() {
            Some(dir) => std::fs::create_dir_all(dir).map_err(|e| e.to_string()),
            None => Ok(()),
        };
        let result = created.and_then(|()| editor.append_history(path).map_err(|e| e.to_string()));
        if let Err(e) = result {
            eprintln!(
                "warning: cannot save history to {} ({e}); history is kept for this session only",
                path.display()
            );
            self.path = None;
        }
    }
}

/// `$XDG_DATA_HOME/ddq/history` on Linux, the platform's data directory elsewhere.
pub fn history_path() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join("ddq").join("history"))
}

/// One statement, over as many lines as an open bracket or string needs. On a terminal the
/// validator already does this; piped input (`ddq -i < file`) has no validator, so it is done here.
fn read_statement(editor: &mut LineEditor, prompt: &str) -> rustyline::Result<String> {
    let mut text = editor.readline(prompt)?;
    while parser::is_incomplete(&text) {
        match editor.readline("...> ") {
            Ok(more) => {
                text.push('\n');
                text.push_str(&more);
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e),
        }
    }
    Ok(text)
}

fn new_editor() -> crate::error::Result<LineEditor> {
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .history_ignore_dups(true)
        .and_then(|b| b.max_history_size(10_000))
        .map(|b| b.build())
        .map_err(|e| {
            crate::error::DdqError::input(format!("cannot configure the line editor: {e}"))
        })?;
    let mut editor: LineEditor = Editor::with_config(config)
        .map_err(|e| crate::error::DdqError::input(format!("cannot start the line editor: {e}")))?;
    editor.set_helper(Some(ReplHelper {
        completer: SessionCompleter::default(),
        colour: std::env::var_os("NO_COLOR").is_none(),
        columns: HashSet::new(),
    }));
    Ok(editor)
}

pub fn run(
    session: &mut Session,
    runtime: &tokio::runtime::Runtime,
    color: bool,
) -> crate::error::Result<()> {
    if !std::io::stdin().is_terminal() {
        run_piped(session, runtime, color);
        return Ok(());
    }
    let mut editor = new_editor()?;
    let mut history = HistoryFile::for_terminal();
    history.load(&mut editor);
    refresh_completion(&mut editor, session);
    if !session.settings.quiet {
        eprintln!(
            "ddq {} — pandas/Dask-style dataframes on DataFusion. `help` lists commands, Tab completes, Ctrl-D quits.",
            env!("CARGO_PKG_VERSION")
        );
        if let Some(link) = session.dashboard_link() {
            eprintln!("Dashboard: {link}");
        }
    }
    loop {
        match read_statement(&mut editor, &session.prompt()) {
            Ok(line) => {
                if line.trim().is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(line.as_str());
                history.save(&mut editor);
                let source = Source::new("<repl>", line);
                let result = run_cancellable(session, runtime, &source);
                refresh_completion(&mut editor, session);
                match result {
                    Ok(Flow::Quit) => break,
                    Ok(Flow::Continue) => {}
                    Err(err) => {
                        report_error(&err, &source, color);
                    }
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(err) => {
                return Err(crate::error::DdqError::input(format!(
                    "cannot read input: {err}"
                )));
            }
        }
    }
    Ok(())
}

/// `ddq -i < file`: REPL semantics on piped input, read as bytes so that a line that is not
/// UTF-8 is reported (with its line number and the offending byte) and skipped, and a
/// statement left open at the end of the input is an error rather than dropped.
fn run_piped(session: &mut Session, runtime: &tokio::runtime::Runtime, color: bool) {
    let mut lines = PipedLines::new(std::io::stdin().lock());
    while let Some(entry) = lines.next_statement() {
        let text = match entry {
            Ok(text) => text,
            Err(message) => {
                eprintln!("error: {message}");
                continue;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        let source = Source::new("<repl>", text);
        match run_cancellable(session, runtime, &source) {
            Ok(Flow::Quit) => break,
            Ok(Flow::Continue) => {}
            Err(err) => {
                report_error(&err, &source, color);
            }
        }
    }
}

/// Statements from piped input: lines joined while a bracket or string is open.
struct PipedLines<R> {
    input: R,
    line: usize,
}

impl<R: std::io::BufRead> PipedLines<R> {
    fn new(input: R) -> Self {
        PipedLines { input, line: 0 }
    }

    /// The next line as text; `None` at the end, an error naming the line for bytes that are
    /// not UTF-8 or that cannot be read.
    fn next_line(&mut self) -> Option<Result<String, String>> {
        let mut bytes = Vec::new();
        match self.input.read_until(b'\n', &mut bytes) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => return Some(Err(format!("cannot read input: {e}"))),
        }
        self.line += 1;
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
        }
        Some(String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let byte = e.as_bytes()[at];
            format!(
                "<stdin>:{}: the line is not UTF-8 (byte 0x{byte:02x} at column {}); it was skipped",
                self.line,
                at + 1
            )
        }))
    }

    fn next_statement(&mut self) -> Option<Result<String, String>> {
        let mut text = match self.next_line()? {
            Ok(text) => text,
            Err(message) => return Some(Err(message)),
        };
        while parser::is_incomplete(&text) {
            match self.next_line() {
                // The end of the input: the parser reports what is left open.
                None => break,
                Some(Ok(more)) => {
                    text.push('\n');
                    text.push_str(&more);
                }
                Some(Err(message)) => return Some(Err(message)),
            }
        }
        Some(Ok(text))
    }
}

/// Runs one entry until it finishes or Ctrl-C arrives. Dropping the statement's future drops
/// its DataFusion streams, which stops their tasks and reader threads; variables are bound only
/// after a statement's plan is built, so the session keeps every frame it had.
fn run_cancellable(
    session: &mut Session,
    runtime: &tokio::runtime::Runtime,
    source: &Source,
) -> crate::error::Result<Flow> {
    runtime.block_on(async {
        tokio::select! {
            result = session.run_source(source) => result,
            _ = tokio::signal::ctrl_c() => Err(cancelled()),
        }
    })
}

fn refresh_completion(editor: &mut LineEditor, session: &Session) {
    if let Some(helper) = editor.helper_mut() {
        helper.completer.refresh(session);
        helper.columns = helper.completer.column_names();
    }
}

#[cfg(test)]
mod tests {
    use super::PipedLines;

    fn statements(input: &[u8]) -> Vec<Result<String, String>> {
        let mut lines = PipedLines::new(input);
        std::iter::from_fn(|| lines.next_statement()).collect()
    }

    #[test]
    fn a_line_that_is_not_utf8_is_named_and_skipped() {
        let got = statements(b"1 + 1\nx = \"\xff\"\n2\n");
        assert_eq!(got[0], Ok("1 + 1".to_string()));
        assert_eq!(
            got[1],
            Err("<stdin>:2: the line is not UTF-8 (byte 0xff at column 6); it was skipped".into())
        );
        assert_eq!(got[2], Ok("2".to_string()));
    }

    #[test]
    fn open_brackets_join_lines_and_the_last_line_counts_without_a_newline() {
        let got = statements(b"f(1,\n  2)\n(1,");
        assert_eq!(
            got,
            vec![Ok("f(1,\n  2)".to_string()), Ok("(1,".to_string())]
        );
    }
}
