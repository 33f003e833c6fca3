//! From the command line's flags to an exit code, for every way ddq runs statements: `-c`,
//! `run FILE`, `run -`, piped input and the REPL. The settings come from the same flags as
//! `set`; results go to stdout or, with `--output`, to a file renamed into place at the end.

use crate::config::display::Format;
use crate::config::settings::Settings;
use crate::error::span::Source;
use crate::output::temporary::JOURNAL_SUBDIR;
use crate::session::Session;
use crate::session::script::{self, Outcome};
use crate::session::sink::Sink;
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

/// What the command line asked to run.
pub struct Invocation {
    /// `-c STATEMENTS`
    pub command: Option<String>,
    /// `run FILE` (`-`: standard input)
    pub script: Option<String>,
    /// `--output FILE`
    pub output: Option<PathBuf>,
    /// `-i`: the REPL even when standard input is not a terminal.
    pub interactive: bool,
    /// `--no-rc`: skip the start-up file.
    pub no_rc: bool,
}

/// Runs what `invocation` asks, with the settings the flags in `matches` give.
pub fn run(invocation: Invocation, matches: &clap::ArgMatches) -> ExitCode {
    let stdout_is_terminal = std::io::stdout().is_terminal() && invocation.output.is_none();
    let default_format = if stdout_is_terminal {
        Format::Table
    } else {
        Format::Csv
    };
    let settings = match Settings::from_flags(matches, default_format) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // Plans are trees that DataFusion walks recursively; a script that rebinds a frame through
    // thousands of steps makes one thousands deep. The session runs on a thread whose stack is
    // large enough for that (address space only: pages are used as the recursion reaches them).
    let session = std::thread::Builder::new()
        .name("ddq-session".into())
        .stack_size(SESSION_STACK_BYTES)
        .spawn(move || start(invocation, settings));
    let outcome = match session {
        Ok(thread) => thread
            .join()
            .unwrap_or_else(|_| Err("the session stopped unexpectedly".to_string())),
        Err(e) => Err(format!("cannot start the session's thread: {e}")),
    };
    match outcome {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The stack of the session's thread and of the runtime's workers.
const SESSION_STACK_BYTES: usize = 256 << 20;

fn start(invocation: Invocation, settings: Settings) -> Result<ExitCode, String> {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    // Before anything is written: a temporary this process writes is noted from the start.
    if let Some(dir) = crate::engine::cache::default_dir() {
        crate::output::temporary::keep_journal_in(dir.join(JOURNAL_SUBDIR));
        crate::engine::memory::sweep_spills(&dir);
    }
    let sink = match &invocation.output {
        Some(path) => {
            Sink::file(path.clone()).map_err(|e| format!("cannot write {}: {e}", path.display()))?
        }
        None => Sink::stdout(),
    };
    crate::engine::memory::tune_malloc(settings.memory_limit);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(SESSION_STACK_BYTES)
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let mut session = Session::new(settings, sink).map_err(|e| e.to_string())?;
    let source = source_of(&invocation)?;
    {
        let _in_runtime = runtime.enter();
        session.start_cluster_early();
        // Without its dashboard the session still runs statements; it says why there is none.
        if let Err(e) = session.serve_dashboard() {
            eprintln!("warning: {e}");
        }
    }
    if !invocation.no_rc {
        runtime.block_on(crate::session::startup::run_rc_file(&mut session, color));
    }
    let outcome = match source {
        Some(source) => {
            session.last_source = true;
            runtime.block_on(script::run(&mut session, &source, color))
        }
        None => match crate::repl::run(&mut session, &runtime, color) {
            Ok(()) => Outcome::Ok,
            Err(e) => {
                eprintln!("error: {e}");
                Outcome::Failed
            }
        },
    };
    let code = finish(session, outcome);
    crate::engine::held::finish_writes();
    crate::engine::memory::remove_own_spill_dir();
    // A cancelled query may still occupy a worker thread until it next yields; do not wait for it.
    runtime.shutdown_background();
    Ok(code)
}

/// The statements to run: `-c`, the script, or piped standard input; none for the REPL.
fn source_of(invocation: &Invocation) -> Result<Option<Source>, String> {
    Ok(match (&invocation.command, &invocation.script) {
        (Some(text), _) => Some(Source::new("<command>", text.clone())),
        (None, Some(file)) => Some(read_script(file)?),
        (None, None) if !invocation.interactive && !std::io::stdin().is_terminal() => {
            Some(read_script("-")?)
        }
        (None, None) => None,
    })
}

fn read_script(file: &str) -> Result<Source, String> {
    let (name, bytes) = if file == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        ("<stdin>", bytes)
    } else {
        let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
        (file, bytes)
    };
    let text =
        String::from_utf8(bytes).map_err(|e| not_utf8(name, e.as_bytes(), e.utf8_error()))?;
    Ok(Source::new(name, text))
}

/// `FILE:LINE:COL: ...` for the first byte of a script that is not UTF-8.
fn not_utf8(name: &str, bytes: &[u8], error: std::str::Utf8Error) -> String {
    let at = error.valid_up_to();
    let before = &bytes[..at];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = at
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    format!(
        "{name}:{line}:{column}: the script is not UTF-8 (byte 0x{:02x}); save it as UTF-8",
        bytes[at]
    )
}

fn finish(session: Session, outcome: Outcome) -> ExitCode {
    match outcome {
        Outcome::Ok => match session.finish() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if crate::output::is_broken_pipe(&e) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Outcome::ClosedPipe => {
            session.abandon();
            ExitCode::SUCCESS
        }
        Outcome::Failed => {
            session.abandon();
            ExitCode::FAILURE
        }
    }
}
