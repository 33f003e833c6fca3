//! Long tables through a pager (`set pager less -S`), as git pages its output: on a terminal a
//! table is rendered into memory first (only its shown rows, at most `max_rows`) and, when it is
//! taller than the window, written to the pager's standard input instead of the terminal.

use crate::error::{DdqError, Result};
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

/// A writer that keeps what a table writer writes, for [`show`] to place afterwards.
#[derive(Clone, Default)]
pub struct PageBuffer(Arc<Mutex<Vec<u8>>>);

impl PageBuffer {
    pub fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .map(|mut bytes| std::mem::take(&mut *bytes))
            .unwrap_or_default()
    }
}

impl Write for PageBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut kept = self
            .0
            .lock()
            .map_err(|_| std::io::Error::other("page buffer lock poisoned"))?;
        kept.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes `text` to `out` when it fits `window_lines` (with the prompt after it), else pipes it
/// through `pager`, a shell command. `LESS` defaults to `FRX`, as git sets it: colours pass,
/// a text that fits one screen ends at once, and the text stays on the screen afterwards.
pub fn show(text: &[u8], pager: &str, window_lines: usize, out: &mut impl Write) -> Result<()> {
    let lines = text.iter().filter(|&&byte| byte == b'\n').count();
    if lines < window_lines {
        out.write_all(text)?;
        return Ok(out.flush()?);
    }
    let mut command = Command::new("sh");
    command.arg("-c").arg(pager).stdin(Stdio::piped());
    if std::env::var_os("LESS").is_none() {
        command.env("LESS", "FRX");
    }
    let mut child = command
        .spawn()
        .map_err(|e| cannot_start(pager, &e.to_string()))?;
    if let Some(mut input) = child.stdin.take() {
        // A pager quit before the end (`q` in less) closes its input: that is not an error.
        match input.write_all(text) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
            _ => {}
        }
    }
    let status = child.wait()?;
    // `sh` answers 127 when the command is not found and 126 when it cannot run.
    match status.code() {
        Some(127) | Some(126) => Err(cannot_start(pager, "the shell cannot run it")),
        _ => Ok(()),
    }
}

fn cannot_start(pager: &str, why: &str) -> DdqError {
    DdqError::input(format!("cannot start the pager `{pager}`: {why}"))
        .with_help("`set pager less -S` pages with less; `set pager off` prints tables directly")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_text_is_written_directly() {
        let mut out = Vec::new();
        show(b"a\nb\n", "false", 10, &mut out).unwrap();
        assert_eq!(out, b"a\nb\n");
    }

    #[test]
    fn a_tall_text_goes_to_the_pager_and_a_missing_pager_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("paged");
        let pager = format!("cat > {}", file.display());
        let mut out = Vec::new();
        show(b"1\n2\n3\n", &pager, 2, &mut out).unwrap();
        assert!(out.is_empty());
        assert_eq!(std::fs::read(&file).unwrap(), b"1\n2\n3\n");
        let err = show(b"1\n2\n3\n", "no-such-pager-xyz", 2, &mut out).unwrap_err();
        assert!(
            err.message
                .contains("cannot start the pager `no-such-pager-xyz`"),
            "{err}"
        );
    }
}
