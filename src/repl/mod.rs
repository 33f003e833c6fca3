//! The interactive loop on rustyline: the prompt names the current frame, an open bracket or
//! string continues on the next line (the real parser decides), Ctrl-C cancels the running query
//! or clears the line, Ctrl-D exits.

use crate::exec::script::report_error;
use crate::exec::session::{Flow, Session, cancelled};
use crate::lang::parser;
use crate::lang::span::Source;
use rustyline::error::ReadlineError;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Completer, Editor, Helper, Highlighter, Hinter};

/// Line-editor hooks; completion arrives with the REPL issue.
#[derive(Completer, Helper, Highlighter, Hinter)]
pub struct ReplHelper;

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        if parser::is_incomplete(ctx.input()) {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

/// One statement, over as many lines as an open bracket or string needs. On a terminal the
/// validator already does this; piped input (`ddq -i < file`) has no validator, so it is done here.
fn read_statement(
    editor: &mut Editor<ReplHelper, rustyline::history::DefaultHistory>,
    prompt: &str,
) -> rustyline::Result<String> {
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

pub fn run(
    session: &mut Session,
    runtime: &tokio::runtime::Runtime,
    color: bool,
) -> crate::Result<()> {
    let mut editor: Editor<ReplHelper, rustyline::history::DefaultHistory> = Editor::new()
        .map_err(|e| crate::DdqError::input(format!("cannot start the line editor: {e}")))?;
    editor.set_helper(Some(ReplHelper));
    if !session.settings.quiet {
        eprintln!(
            "ddq {} — pandas/Dask-style dataframes on DataFusion. `help` lists commands, Ctrl-D quits.",
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
                let source = Source::new("<repl>", line);
                let result = runtime.block_on(async {
                    tokio::select! {
                        result = session.run_source(&source) => result,
                        _ = tokio::signal::ctrl_c() => Err(cancelled()),
                    }
                });
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
            Err(err) => return Err(crate::DdqError::input(format!("cannot read input: {err}"))),
        }
    }
    Ok(())
}
