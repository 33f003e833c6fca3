//! The start-up file: statements every session runs before its own, as a shell reads its rc
//! file — the settings a user always wants (`set width 120`, `set pager less -S`) and the
//! frames they always read. `~/.ddqrc` is read, or else `$XDG_CONFIG_HOME/ddq/ddqrc`
//! (`~/.config/ddq/ddqrc`); `ddq --no-rc` reads neither.

use crate::error::span::Source;
use crate::session::Session;
use crate::session::script::{self, Outcome};
use std::path::PathBuf;

/// The start-up file that exists, if any: `~/.ddqrc` first, then the XDG one.
pub fn rc_path() -> Option<PathBuf> {
    let home = dirs::home_dir().map(|home| home.join(".ddqrc"));
    let xdg = dirs::config_dir().map(|dir| dir.join("ddq").join("ddqrc"));
    home.into_iter().chain(xdg).find(|path| path.is_file())
}

/// Runs the start-up file's statements. An error in it is reported with the file's name and
/// line, and the file stops there (a syntax error anywhere stops it before its first
/// statement, as in any script); the session itself goes on, since a broken start-up file must
/// not lock a user out of ddq.
pub async fn run_rc_file(session: &mut Session, color: bool) {
    let Some(path) = rc_path() else {
        return;
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!(
                "warning: cannot read the start-up file {}: {e}; it was skipped",
                path.display()
            );
            return;
        }
    };
    let source = Source::new(path.display().to_string(), text);
    if script::run(session, &source, color).await == Outcome::Failed {
        eprintln!(
            "note: the start-up file {} stopped at this error; the session goes on (`ddq --no-rc` starts without the file)",
            path.display()
        );
    }
}
