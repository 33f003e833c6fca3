//! The last guard against a bug: a panic while a plan runs (in ddq's code, DataFusion's or
//! Arrow's, on the session's thread or in a runtime task whose panic DataFusion re-raises where
//! the plan's stream is polled) becomes an error for that statement, and the session goes on.
//!
//! While a guard is active, a panic hook records the panic's message and place instead of
//! printing Rust's "thread panicked" text: the guard reports it once, as the statement's error.
//! Panics outside any guard are printed as before.

use crate::error::{DdqError, Result};
use futures::FutureExt;
use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, PanicHookInfo};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

/// Guards running now (nested guards count each).
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
/// The last panic seen while a guard was active: its message and where it happened.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);
static HOOK: Once = Once::new();

/// Runs `future`, turning a panic inside it into an error naming the panic.
pub async fn guarded<T>(future: impl Future<Output = Result<T>>) -> Result<T> {
    install_hook();
    let _active = Active::enter();
    // Unwind safety: after a panic the statement's partial state (its plan, streams and
    // writer) is dropped with the future; nothing the session keeps was being changed.
    match AssertUnwindSafe(future).catch_unwind().await {
        Ok(Err(err)) if err.message.contains(" panicked") && err.help.is_none() => {
            Err(task_panic_error(err))
        }
        Ok(result) => result,
        Err(payload) => Err(panic_error(payload.as_ref())),
    }
}

/// Runs `future` to its end, guarded, on a thread and a runtime of its own (with `workers`
/// threads): for work the planner needs now (a subquery's rows, a remote file's copy) while
/// it runs inside the session's runtime, which must not be blocked from within.
pub(crate) fn run_apart<T: Send>(
    workers: usize,
    future: impl Future<Output = Result<T>> + Send,
) -> Result<T> {
    std::thread::scope(|scope| {
        let run = scope.spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers.max(1))
                .enable_all()
                .build()?;
            runtime.block_on(guarded(future))
        });
        run.join()
            .unwrap_or_else(|_| Err(DdqError::execution("the query stopped unexpectedly")))
    })
}

/// A runtime task's panic that arrived as an error (a `JoinError`, "task 6 panicked with
/// message ..."): with the place the hook recorded, and what to do.
fn task_panic_error(mut err: DdqError) -> DdqError {
    if let Some(record) = LAST_PANIC.lock().ok().and_then(|mut last| last.take())
        && let Some((_, place)) = record.rsplit_once(" (at ")
    {
        err.message = format!("{} (at {place}", err.message);
    }
    let help = panic_help(&err.message);
    err.with_help(help)
}

/// Counts a guard as active until dropped, also when its future is cancelled (Ctrl-C).
struct Active;

impl Active {
    fn enter() -> Active {
        ACTIVE.fetch_add(1, Ordering::SeqCst);
        Active
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

fn install_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if ACTIVE.load(Ordering::SeqCst) == 0 {
                return previous(info);
            }
            if let Ok(mut last) = LAST_PANIC.lock() {
                *last = Some(describe(info));
            }
        }));
    });
}

/// "MESSAGE (at FILE:LINE:COLUMN)".
fn describe(info: &PanicHookInfo) -> String {
    let message = payload_text(info.payload());
    match info.location() {
        Some(at) => format!("{message} (at {}:{}:{})", at.file(), at.line(), at.column()),
        None => message,
    }
}

fn payload_text(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with no message".to_string()
    }
}

/// The statement's error for a caught panic: the hook's record of it when it is this panic's
/// (it has the place), else the payload's message.
fn panic_error(payload: &(dyn Any + Send)) -> DdqError {
    let message = payload_text(payload);
    let recorded = LAST_PANIC.lock().ok().and_then(|mut last| last.take());
    let what = recorded
        .filter(|record| record.starts_with(&message))
        .unwrap_or(message);
    DdqError::execution(format!("internal error, the statement was stopped: {what}"))
        .with_help(panic_help(&what))
}

fn panic_help(what: &str) -> &'static str {
    // Arrow's text columns panic rather than fail when they pass 2 GiB in one batch.
    if what.contains("offset overflow") {
        "a text column of one batch passed the 2 GiB Arrow can hold (long text on many rows); \
         use shorter text values"
    } else {
        "this is a bug in ddq (please report the statement); the session goes on"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The last panic is recorded process-wide: tests that panic at the same time would take
    /// each other's record, so they take turns.
    static ONE_PANIC_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

    fn overflow() -> Result<()> {
        panic!("offset overflow")
    }

    #[tokio::test]
    async fn a_panic_becomes_an_error_with_its_message_and_place() {
        let _turn = ONE_PANIC_AT_A_TIME.lock().await;
        let err = guarded(async { overflow() })
            .await
            .expect_err("the panic is caught");
        assert!(
            err.message
                .contains("offset overflow (at src/engine/guard.rs:"),
            "{}",
            err.message
        );
        assert_eq!(guarded(async { Ok(7) }).await.expect("no panic"), 7);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panic_in_a_spawned_task_that_is_raised_again_is_caught() {
        let _turn = ONE_PANIC_AT_A_TIME.lock().await;
        let err = guarded(async {
            let task = tokio::spawn(async { panic!("in a worker") });
            match task.await {
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                _ => Ok(()),
            }
        })
        .await
        .expect_err("the panic is caught");
        assert!(err.message.contains("in a worker"), "{}", err.message);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panic_in_a_task_that_arrives_as_an_error_gets_a_help() {
        let _turn = ONE_PANIC_AT_A_TIME.lock().await;
        let err = guarded(async {
            let task = tokio::spawn(async { panic!("offset overflow") });
            task.await
                .map_err(|e| DdqError::execution(e.to_string()))
                .map(|_| ())
        })
        .await
        .expect_err("the panic is an error");
        assert!(err.message.contains("panicked"), "{}", err.message);
        assert!(err.help.expect("a help").contains("2 GiB"));
    }
}
