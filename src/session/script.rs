//! Running text to completion outside the REPL (`ddq run FILE`, `ddq run -`, `ddq -c`), and the
//! one way errors are reported: the rendered source line with a caret, prefixed by
//! `FILE:LINE:COL:` for files.

use crate::error::DdqError;
use crate::error::report;
use crate::error::span::Source;
use crate::session::{Flow, Session, cancelled};

/// How a run ended, for the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Failed,
    /// stdout was closed by the reader (`ddq -c ... | head -1`): a clean exit.
    ClosedPipe,
}

/// Runs all of `source`, stopping at the first error, which is printed to stderr.
pub async fn run(session: &mut Session, source: &Source, color: bool) -> Outcome {
    let result = tokio::select! {
        result = session.run_source(source) => result,
        _ = tokio::signal::ctrl_c() => Err(cancelled()),
    };
    match result {
        Ok(Flow::Continue | Flow::Quit) => Outcome::Ok,
        Err(err) => report_error(&err, source, color),
    }
}

/// Prints an error the way every entry point does, and says how the run ended.
pub fn report_error(err: &DdqError, source: &Source, color: bool) -> Outcome {
    if crate::output::is_broken_pipe(err) {
        return Outcome::ClosedPipe;
    }
    let rendered = report::render(err, source, color);
    match report::location(err, source) {
        // Scripts lead with a `FILE:LINE:COL: error: ...` line that editors and grep understand;
        // it replaces the report's own headline, which says the same.
        Some(location) if source.name != "<repl>" => {
            let snippet = rendered.split_once('\n').map_or("", |(_, rest)| rest);
            eprintln!("{location}: error: {}\n{snippet}", err.message);
        }
        _ => eprintln!("{rendered}"),
    }
    Outcome::Failed
}
