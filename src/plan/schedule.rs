//! Dask's ways of choosing a scheduler, as requests the session carries out:
//! `Client(n_workers=2, threads_per_worker=1, memory_limit="1GB")` (a local cluster),
//! `Client("df://HOST:PORT")` (an existing one) and `dask.config.set(scheduler="processes")`.
//! `Client`'s keywords are settings' (`config::settings`, each row's `client_keyword`), read by
//! the settings' own parsers.

use crate::config::display::Format;
use crate::config::scheduler::SchedulerKind;
use crate::config::settings::{Settings, client_setting};
use crate::error::Result;
use crate::plan::Planner;
use crate::plan::value::{Action, ScheduleRequest, Value};
use crate::plan::verbs::{Arg, Args};

/// `Client(address=, n_workers=, threads_per_worker=, memory_limit=, dashboard_address=)`
pub fn client(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let given: [Arg; 5] = args.params()?;
    let mut changes = Vec::new();
    // Checked now, against scratch settings, so a bad value points at its argument.
    let mut scratch = Settings::new(Format::Table, true);
    for arg in given {
        let keyword = arg.name();
        let text = match arg.value() {
            None | Some(Value::None) => continue,
            Some(Value::Str(text)) => text.clone(),
            Some(Value::Int(n)) => n.to_string(),
            Some(other) => {
                return Err(arg.invalid(format!("`{keyword}` cannot be {}", other.kind_name())));
            }
        };
        let setting = client_setting(keyword)
            .ok_or_else(|| arg.invalid(format!("`{keyword}` is not a setting of Client")))?;
        setting
            .set(&mut scratch, &text)
            .map_err(|e| arg.invalid(e.message))?;
        changes.push((setting, text));
    }
    let distributed = changes.iter().any(|(setting, _)| setting.name == "address");
    let request = ScheduleRequest {
        scheduler: if distributed {
            SchedulerKind::Distributed
        } else {
            SchedulerKind::Processes
        },
        changes,
        is_client: true,
    };
    Ok(Value::Action(Box::new(Action::Schedule(request))))
}

/// `client.close()`: back to this process' threads, Dask's default scheduler for frames.
pub fn close(_planner: &Planner, _receiver: Value, _args: &Args) -> Result<Value> {
    Ok(Value::Action(Box::new(Action::Schedule(ScheduleRequest {
        scheduler: SchedulerKind::Threads,
        changes: Vec::new(),
        is_client: false,
    }))))
}

/// `dask.config.set(scheduler=...)`
pub fn config_set(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [scheduler] = args.params()?;
    let scheduler = match scheduler.value() {
        Some(Value::Str(name)) => name
            .parse()
            .map_err(|e: crate::error::DdqError| scheduler.invalid(e.message))?,
        _ => {
            return Err(scheduler.invalid(
                "give the scheduler by name, e.g. dask.config.set(scheduler=\"processes\")",
            ));
        }
    };
    Ok(Value::Action(Box::new(Action::Schedule(ScheduleRequest {
        scheduler,
        changes: Vec::new(),
        is_client: false,
    }))))
}
