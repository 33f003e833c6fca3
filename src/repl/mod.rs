//! The interactive loop on rustyline: the prompt names the current frame, an open bracket or
//! string continues on the next line (the real parser decides), Tab completes from the session,
//! history persists in the user's data directory, Ctrl-C cancels the running query or clears the
//! line, Ctrl-D exits.

pub mod complete;

use crate::error::span::Source;
use crate::lang::parser;
use crate::session::script::report_error;
use crate::session::{Flow, Session, cancelled};
use complete::SessionCompleter;
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{CompletionType, Config, Editor, Helper, Highlighter, Hinter};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Line-editor hooks: completion from the session, validation by the parser.
#[derive(Helper, Highlighter, Hinter, rustyline::Completer)]
pub struct ReplHelper {
    #[rustyline(Completer)]
    completer: SessionCompleter,
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
    }));
    Ok(editor)
}

pub fn run(
    session: &mut Session,
    runtime: &tokio::runtime::Runtime,
    color: bool,
) -> crate::error::Result<()> {
    let mut editor = new_editor()?;
    let mut history = HistoryFile::for_terminal();
    history.load(&mut editor);
    refresh_completion(&mut editor, session);
    if !session.settings.quiet {
        eprintln!(
            "ddq {} — pandas/Dask-style dataframes on DataFusion. `help` lists commands, Tab completes, Ctrl-D quits.",
            env!("CARGO_PKG_VERSION")
        );
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
    }
}
