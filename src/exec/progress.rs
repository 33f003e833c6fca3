//! Progress of a running statement, counted by the scan itself: every scan adds the bytes it is
//! about to read to a total and the bytes it has read as it reads them. The bar (indicatif, on
//! stderr, only on a terminal) reads those counters; nothing here guesses from a timer.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::watch;

/// Shared counters, handed to the scans through the DataFusion session config.
#[derive(Debug, Default)]
pub struct ScanProgress {
    read: AtomicU64,
    total: AtomicU64,
}

impl ScanProgress {
    pub fn add_total(&self, bytes: u64) {
        self.total.fetch_add(bytes, Ordering::Relaxed);
    }

    pub fn add_read(&self, bytes: u64) {
        self.read.fetch_add(bytes, Ordering::Relaxed);
    }

    /// (bytes read, bytes to read) so far.
    pub fn snapshot(&self) -> (u64, u64) {
        (
            self.read.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
}

/// A reader that reports the bytes passing through it.
pub struct CountingReader<R> {
    inner: R,
    progress: Option<Arc<ScanProgress>>,
}

impl<R> CountingReader<R> {
    pub fn new(inner: R, progress: Option<Arc<ScanProgress>>) -> Self {
        CountingReader { inner, progress }
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(progress) = &self.progress {
            progress.add_read(n as u64);
        }
        Ok(n)
    }
}

/// What the finished bar does: disappear, or stay as a record of the statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarMode {
    Off,
    Clear,
    Keep,
}

/// A bar that appears once a statement has run for half a second and follows `progress` until
/// `finish` is called.
pub struct ProgressDisplay {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

const APPEAR_AFTER: Duration = Duration::from_millis(500);
const TICK: Duration = Duration::from_millis(100);

impl ProgressDisplay {
    pub fn start(progress: Arc<ScanProgress>, mode: BarMode) -> ProgressDisplay {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            if mode == BarMode::Off
                || tokio::time::timeout(APPEAR_AFTER, stopped.changed())
                    .await
                    .is_ok()
            {
                return;
            }
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(style());
            loop {
                let (read, total) = progress.snapshot();
                bar.set_length(total.max(read));
                bar.set_position(read);
                bar.set_message(if total > 0 && read >= total {
                    "computing"
                } else {
                    "reading"
                });
                if tokio::time::timeout(TICK, stopped.changed()).await.is_ok() {
                    break;
                }
            }
            if mode == BarMode::Keep {
                bar.finish_with_message("done");
            } else {
                bar.finish_and_clear();
            }
        });
        ProgressDisplay { stop, task }
    }

    pub async fn finish(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

fn style() -> ProgressStyle {
    ProgressStyle::with_template(
        "{msg:>9} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} {elapsed_precise} ETA {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counting_reader_reports_every_byte() {
        let progress = Arc::new(ScanProgress::default());
        progress.add_total(11);
        let mut reader = CountingReader::new(&b"hello world"[..], Some(progress.clone()));
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        assert_eq!(text, "hello world");
        assert_eq!(progress.snapshot(), (11, 11));
    }
}
