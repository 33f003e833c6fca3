//! Where results go: standard output, nothing (for `%timeit`), or a file given with `--output`
//! that is written under a temporary name and renamed into place only when everything succeeded,
//! so an error or Ctrl-C never leaves a partial file or clobbers a good one.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

enum Target {
    Stdout,
    Discard,
    File {
        writer: BufWriter<File>,
        temp: PathBuf,
        path: PathBuf,
    },
}

/// A cloneable writer: every result writer gets a clone, and all write to the same target.
#[derive(Clone)]
pub struct Sink {
    target: Arc<Mutex<Target>>,
}

impl Sink {
    pub fn stdout() -> Sink {
        Sink::with(Target::Stdout)
    }

    pub fn discard() -> Sink {
        Sink::with(Target::Discard)
    }

    /// Results go to `path`, through a temporary file beside it.
    pub fn file(path: PathBuf) -> io::Result<Sink> {
        crate::output::temporary::sweep_stale(&path);
        let temp = crate::output::temporary::journaled_temporary(&path);
        let writer = BufWriter::new(File::create(&temp)?);
        Ok(Sink::with(Target::File { writer, temp, path }))
    }

    fn with(target: Target) -> Sink {
        Sink {
            target: Arc::new(Mutex::new(target)),
        }
    }

    /// Whether results go to standard output (which may be a terminal, and tables then fit it).
    pub fn is_stdout(&self) -> bool {
        self.target
            .lock()
            .is_ok_and(|target| matches!(*target, Target::Stdout))
    }

    /// Renames a file target into place.
    pub fn commit(self) -> crate::error::Result<()> {
        let mut guard = self
            .target
            .lock()
            .map_err(|_| io::Error::other("output lock poisoned"))?;
        if let Target::File { writer, temp, path } = &mut *guard {
            writer.flush()?;
            writer.get_ref().sync_all()?;
            std::fs::rename(&*temp, &*path)?;
            crate::output::temporary::settled(temp);
        }
        Ok(())
    }

    /// Drops a file target's temporary file, leaving any existing file untouched.
    pub fn abandon(self) {
        if let Ok(guard) = self.target.lock()
            && let Target::File { temp, .. } = &*guard
        {
            let _ = std::fs::remove_file(temp);
            crate::output::temporary::settled(temp);
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut guard = self
            .target
            .lock()
            .map_err(|_| io::Error::other("output lock poisoned"))?;
        match &mut *guard {
            Target::Stdout => io::stdout().lock().write(buf),
            Target::Discard => Ok(buf.len()),
            Target::File { writer, .. } => writer.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut guard = self
            .target
            .lock()
            .map_err(|_| io::Error::other("output lock poisoned"))?;
        match &mut *guard {
            Target::Stdout => io::stdout().lock().flush(),
            Target::Discard => Ok(()),
            Target::File { writer, .. } => writer.flush(),
        }
    }
}
