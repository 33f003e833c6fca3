//! Dask's ways of choosing a scheduler, as requests the session carries out:
//! `Client(n_workers=2, threads_per_worker=1, memory_limit="1GB")` (a local cluster),
//! `Client("df://HOST:PORT")` (an existing one) and `dask.config.set(scheduler="processes")`.

use crate::error::Result;
use crate::exec::cluster::SchedulerKind;
use crate::plan::value::{Action, ScheduleRequest, Value};
use crate::plan::verbs::Args;

fn positive(args: &Args, name: &str) -> Result<Option<usize>> {
    match args.get(name) {
        None | Some(Value::None) => Ok(None),
        Some(Value::Int(n)) if *n > 0 => Ok(Some(*n as usize)),
        Some(_) => Err(args.invalid(name, format!("`{name}` must be a positive whole number"))),
    }
}

pub fn client(args: Args) -> Result<Value> {
    let address = match args.get("address") {
        None | Some(Value::None) => None,
        Some(Value::Str(address)) => Some(crate::exec::cluster::serve::scheduler_address(address)?),
        Some(_) => {
            return Err(args.invalid(
                "address",
                "`address` must be a string such as \"df://scheduler:50050\"",
            ));
        }
    };
    let memory_limit_per_worker = match args.get("memory_limit") {
        None | Some(Value::None) => None,
        Some(Value::Str(size)) => Some(crate::exec::memory::parse_size(size)?),
        Some(Value::Int(bytes)) if *bytes > 0 => Some(*bytes as u64),
        Some(_) => {
            return Err(args.invalid(
                "memory_limit",
                "`memory_limit` must be a size such as \"2GB\"",
            ));
        }
    };
    let request = ScheduleRequest {
        scheduler: if address.is_some() {
            SchedulerKind::Distributed
        } else {
            SchedulerKind::Processes
        },
        address,
        workers: positive(&args, "n_workers")?,
        threads_per_worker: positive(&args, "threads_per_worker")?,
        memory_limit_per_worker,
        is_client: true,
    };
    Ok(Value::Action(Box::new(Action::Schedule(request))))
}

pub fn config_set(args: Args) -> Result<Value> {
    let scheduler = match args.get("scheduler") {
        Some(Value::Str(name)) => name
            .parse()
            .map_err(|e: crate::error::DdqError| args.invalid("scheduler", e.message))?,
        _ => {
            return Err(args.invalid(
                "scheduler",
                "give the scheduler by name, e.g. dask.config.set(scheduler=\"processes\")",
            ));
        }
    };
    Ok(Value::Action(Box::new(Action::Schedule(ScheduleRequest {
        scheduler,
        address: None,
        workers: None,
        threads_per_worker: None,
        memory_limit_per_worker: None,
        is_client: false,
    }))))
}
