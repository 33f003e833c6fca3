//! Progress of a running statement, counted by the scan itself: every scan adds the bytes and
//! the partitions (Dask's, the ones `npartitions` counts) it is about to read to totals, and
//! counts them off as it reads them. The bar (indicatif, on stderr, only on a terminal) shows
//! partitions read of all, its length follows the bytes (a partition can be large); nothing
//! here guesses from a timer.

use crate::config::display::BarMode;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// Shared counters, handed to the scans through the DataFusion session config.
#[derive(Debug, Default)]
pub struct ScanProgress {
    read: AtomicU64,
    total: AtomicU64,
    partitions_read: AtomicU64,
    partitions: AtomicU64,
}

impl ScanProgress {
    pub fn add_total(&self, bytes: u64) {
        self.total.fetch_add(bytes, Ordering::Relaxed);
    }

    pub fn add_read(&self, bytes: u64) {
        self.read.fetch_add(bytes, Ordering::Relaxed);
    }

    /// A scan is about to read `n` more partitions.
    pub fn add_partitions(&self, n: u64) {
        self.partitions.fetch_add(n, Ordering::Relaxed);
    }

    /// A scan has read one of its partitions (or stopped in it: a limit was reached).
    pub fn partition_read(&self) {
        self.partitions_read.fetch_add(1, Ordering::Relaxed);
    }

    /// (partitions read, partitions to read) so far.
    pub fn partitions(&self) -> (u64, u64) {
        let total = self.partitions.load(Ordering::Relaxed);
        (
            self.partitions_read.load(Ordering::Relaxed).min(total),
            total,
        )
    }

    /// (bytes read, bytes to read) so far.
    pub fn snapshot(&self) -> (u64, u64) {
        (
            self.read.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
}

/// A cluster job's progress, from its scheduler: stages done of stages in all, and the tasks
/// of the stages running.
#[derive(Debug, Default)]
pub struct StageProgress {
    counts: Mutex<StageCounts>,
    /// The tasks of the whole job as planned before it was sent (0: not known), so the bar
    /// moves with every task finished rather than a stage at a time.
    planned_tasks: AtomicU64,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StageCounts {
    pub stages: u64,
    pub stages_done: u64,
    pub tasks: u64,
    pub tasks_done: u64,
    /// Tasks finished in every stage, finished stages included.
    pub tasks_finished: u64,
}

impl StageProgress {
    pub fn with_planned_tasks(tasks: Option<u64>) -> StageProgress {
        StageProgress {
            planned_tasks: AtomicU64::new(tasks.unwrap_or(0)),
            ..StageProgress::default()
        }
    }

    pub fn update(&self, counts: StageCounts) {
        if let Ok(mut current) = self.counts.lock() {
            *current = counts;
        }
    }

    pub fn snapshot(&self) -> StageCounts {
        self.counts.lock().map(|c| *c).unwrap_or_default()
    }
}

/// The bar counts a stage as this many steps, so running stages advance it task by task.
const STEPS_PER_STAGE: u64 = 1000;

/// What a progress bar follows: this process' scans, or a cluster job's stages.
#[derive(Debug, Clone)]
pub enum Progress {
    Scan(Arc<ScanProgress>),
    Stages(Arc<StageProgress>),
}

impl Progress {
    /// (done, total) in the bar's unit, and what is running.
    fn snapshot(&self) -> (u64, u64, String) {
        match self {
            Progress::Scan(scan) => {
                let (read, total) = scan.snapshot();
                (read, total.max(read), scan_message(scan))
            }
            Progress::Stages(stages) => {
                let c = stages.snapshot();
                if c.stages == 0 {
                    return (0, 0, "submitted".to_string());
                }
                let planned = stages.planned_tasks.load(Ordering::Relaxed);
                if planned > 0 {
                    let done = c.tasks_finished.min(planned);
                    let stage = format!(
                        "stage {}/{}, {done}/{planned} tasks",
                        (c.stages_done + 1).min(c.stages),
                        c.stages
                    );
                    return (done, planned, stage);
                }
                let running = (c.tasks_done * STEPS_PER_STAGE)
                    .checked_div(c.tasks)
                    .unwrap_or(0);
                let done =
                    (c.stages_done * STEPS_PER_STAGE + running).min(c.stages * STEPS_PER_STAGE);
                let stage = format!(
                    "stage {}/{}, {}/{} tasks",
                    (c.stages_done + 1).min(c.stages),
                    c.stages,
                    c.tasks_done,
                    c.tasks
                );
                (done, c.stages * STEPS_PER_STAGE, stage)
            }
        }
    }

    fn style(&self) -> ProgressStyle {
        let template = match self {
            Progress::Scan(_) => {
                "{msg:>16} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} {elapsed_precise} ETA {eta}"
            }
            Progress::Stages(_) => "{msg} [{bar:30}] {percent}% {elapsed_precise} ETA {eta}",
        };
        ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ")
    }
}

/// What a local statement is doing: reading partitions (so many of all), then computing.
fn scan_message(scan: &ScanProgress) -> String {
    match scan.partitions() {
        (read, total) if read < total => format!("{read}/{total} partitions"),
        (_, 0) => "reading".to_string(),
        _ => "computing".to_string(),
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

/// A bar that appears once a statement has run for half a second and follows `progress` until
/// `finish` is called, or until it is dropped: a statement cancelled by Ctrl-C drops it, and
/// the bar is then cleared at once, before the prompt is drawn again (a bar cleared later by
/// its own task would wipe the fresh prompt).
pub struct ProgressDisplay {
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
    shown: Arc<Mutex<Option<ProgressBar>>>,
}

const APPEAR_AFTER: Duration = Duration::from_millis(500);
const TICK: Duration = Duration::from_millis(100);

impl ProgressDisplay {
    pub fn start(progress: Progress, mode: BarMode) -> ProgressDisplay {
        let (stop, mut stopped) = watch::channel(false);
        let shown: Arc<Mutex<Option<ProgressBar>>> = Arc::default();
        let shared = Arc::clone(&shown);
        let task = tokio::spawn(async move {
            if mode == BarMode::Off
                || tokio::time::timeout(APPEAR_AFTER, stopped.changed())
                    .await
                    .is_ok()
            {
                return;
            }
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(progress.style());
            *lock(&shared) = Some(bar.clone());
            loop {
                let (done, total, stage) = progress.snapshot();
                bar.set_length(total);
                bar.set_position(done);
                bar.set_message(stage);
                if tokio::time::timeout(TICK, stopped.changed()).await.is_ok() {
                    break;
                }
            }
            if lock(&shared).take().is_some() {
                if mode == BarMode::Keep {
                    bar.finish_with_message("done");
                } else {
                    bar.finish_and_clear();
                }
            }
        });
        ProgressDisplay {
            stop,
            task: Some(task),
            shown,
        }
    }

    pub async fn finish(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for ProgressDisplay {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        if let Some(bar) = lock(&self.shown).take() {
            bar.finish_and_clear();
        }
    }
}

/// The shared bar, even if a thread panicked while holding it (a bar is only drawn state).
fn lock(shown: &Mutex<Option<ProgressBar>>) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
    shown
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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

    #[test]
    fn the_bar_counts_partitions_read_of_all() {
        let progress = Arc::new(ScanProgress::default());
        assert_eq!(scan_message(&progress), "reading");
        progress.add_partitions(4);
        progress.add_partitions(6);
        for _ in 0..3 {
            progress.partition_read();
        }
        assert_eq!(scan_message(&progress), "3/10 partitions");
        for _ in 0..7 {
            progress.partition_read();
        }
        assert_eq!(progress.partitions(), (10, 10));
        assert_eq!(scan_message(&progress), "computing");
    }

    #[test]
    fn a_cluster_bar_moves_with_each_task_of_the_planned_job() {
        let stages = Arc::new(StageProgress::with_planned_tasks(Some(12)));
        let progress = Progress::Stages(Arc::clone(&stages));
        stages.update(StageCounts {
            stages: 2,
            stages_done: 0,
            tasks: 10,
            tasks_done: 4,
            tasks_finished: 4,
        });
        assert_eq!(
            progress.snapshot(),
            (4, 12, "stage 1/2, 4/12 tasks".to_string())
        );
        stages.update(StageCounts {
            stages: 2,
            stages_done: 1,
            tasks: 2,
            tasks_done: 1,
            tasks_finished: 11,
        });
        assert_eq!(
            progress.snapshot(),
            (11, 12, "stage 2/2, 11/12 tasks".to_string())
        );
        // Without a plan to count from, a stage is a step and its tasks move within it.
        let unplanned = Arc::new(StageProgress::default());
        unplanned.update(StageCounts {
            stages: 2,
            stages_done: 1,
            tasks: 2,
            tasks_done: 1,
            tasks_finished: 11,
        });
        let (done, total, _) = Progress::Stages(unplanned).snapshot();
        assert_eq!((done, total), (1500, 2000));
    }
}
