//! What Dask adds to pandas: choosing a scheduler (`Client` and its methods, `dask.config.set`,
//! `compute`), keeping computed rows (`persist`) and partitions (`repartition`, `partitions`,
//! `divisions`).

use super::Form::{Attribute, Method};
use super::Receiver as On;
use super::inspecting::rows_of_series;
use super::{Args, Verb, wrong_receiver};
use crate::error::Result;
use crate::plan::value::{Accessor, Value};
use crate::plan::{Planner, divisions, frame, schedule};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "dask.compute",
        receivers: &[On::Function],
        form: Method,
        params: &["*args"],
        signature: "dask.compute(x, y, ...)",
        summary: "Compute several values at once; gives a tuple, so `a, b = dask.compute(x, y)` binds each.",
        example: "lo, hi = dask.compute(ddf.DepDelay.min(), ddf.DepDelay.max()); hi - lo",
        expected: "1021.0\n",
        plan: compute_many,
        group: "Dask compatibility",
    },
    Verb {
        name: "Client",
        receivers: &[On::Function],
        form: Method,
        params: &[
            "address",
            "n_workers",
            "threads_per_worker",
            "memory_limit",
            "dashboard_address",
        ],
        signature: "Client(address=\"df://HOST:PORT\" | n_workers=N, threads_per_worker=T, memory_limit=\"2GB\", dashboard_address=\":8787\")",
        summary: "Run statements on a cluster, like dask.distributed's Client: a local one of N worker processes (memory_limit is per worker), or the one at address.",
        example: "client = Client(n_workers=2, threads_per_worker=1); set workers",
        expected: "workers = 2\n",
        plan: schedule::client,
        group: "Schedulers",
    },
    Verb {
        name: "dask.config.set",
        receivers: &[On::Function],
        form: Method,
        params: &["scheduler"],
        signature: "dask.config.set(scheduler=\"threads\" | \"processes\" | \"distributed\")",
        summary: "Choose where statements run (the same as `set scheduler NAME`).",
        example: "dask.config.set(scheduler=\"threads\"); set scheduler",
        expected: "scheduler = threads\n",
        plan: schedule::config_set,
        group: "Schedulers",
    },
    Verb {
        name: "compute",
        receivers: &[On::Frame, On::Series, On::Scalar],
        form: Method,
        params: &["scheduler"],
        signature: "compute(scheduler=\"threads\")",
        summary: "Accepted for Dask compatibility: statements are computed when printed.",
        example: "ddf.DepDelay.max().compute()",
        expected: "1006.0\n",
        plan: compute,
        group: "Dask compatibility",
    },
    Verb {
        name: "persist",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["scheduler"],
        signature: "persist()",
        summary: "Computes the value once, on first use, and keeps it (in memory up to half the memory limit, the rest spilled to disk).",
        example: "ddf = ddf.persist(); len(ddf)",
        expected: "20800\n",
        plan: persist,
        group: "Dask compatibility",
    },
    Verb {
        name: "persist",
        receivers: &[On::Client],
        form: Method,
        params: &["collections"],
        signature: "client.persist(df) | client.persist([df, s])",
        summary: "Like df.persist(), on the client's cluster: the rows computed once and kept there.",
        example: "client = Client(n_workers=1, threads_per_worker=1); ddf = client.persist(ddf); len(ddf)",
        expected: "20800\n",
        plan: client_persist,
        group: "Schedulers",
    },
    Verb {
        name: "compute",
        receivers: &[On::Client],
        form: Method,
        params: &["collections"],
        signature: "client.compute(x) | client.compute([x, y])",
        summary: "Like x.compute(), on the client's cluster. Dask gives a Future; here it is the value itself, so `.result()` (or client.gather) gives it.",
        example: "client = Client(n_workers=1, threads_per_worker=1); future = client.compute(ddf.DepDelay.max()); future.result()",
        expected: "1006.0\n",
        plan: client_compute,
        group: "Schedulers",
    },
    Verb {
        name: "gather",
        receivers: &[On::Client],
        form: Method,
        params: &["futures"],
        signature: "client.gather(future) | client.gather([f, g])",
        summary: "The values of what client.compute gave (they are the values already).",
        example: "client = Client(n_workers=1, threads_per_worker=1); a, b = client.gather(client.compute([ddf.DepDelay.min(), ddf.DepDelay.max()])); b - a",
        expected: "1021.0\n",
        plan: client_compute,
        group: "Schedulers",
    },
    Verb {
        name: "close",
        receivers: &[On::Client],
        form: Method,
        params: &[],
        signature: "client.close()",
        summary: "Stop using the client's cluster: later statements run on this process' threads, as Dask's default scheduler for frames.",
        example: "client = Client(n_workers=1, threads_per_worker=1); client.close(); set scheduler",
        expected: "scheduler = threads\n",
        plan: schedule::close,
        group: "Schedulers",
    },
    Verb {
        name: "result",
        receivers: &[On::Frame, On::Series, On::Scalar],
        form: Method,
        params: &["timeout"],
        signature: "future.result()",
        summary: "Accepted for Dask compatibility: what client.compute gives is the value itself.",
        example: "client = Client(n_workers=1, threads_per_worker=1); client.compute(ddf.DepDelay.max()).result()",
        expected: "1006.0\n",
        plan: result,
        group: "Dask compatibility",
    },
    Verb {
        name: "repartition",
        receivers: &[On::Frame],
        form: Method,
        params: &["npartitions", "partition_size"],
        signature: "repartition(npartitions=N)",
        summary: "Regroup rows into N partitions, keeping row order.",
        example: "ddf.repartition(npartitions=5).npartitions",
        expected: "5\n",
        plan: repartition,
        group: "Partitions",
    },
    Verb {
        name: "partitions",
        receivers: &[On::Frame],
        form: Attribute,
        params: &[],
        signature: "df.partitions[i] | [a:b:step] | [[i, j]]",
        summary: "The partitions named, as a frame of that many partitions (numbered from 0).",
        example: "ddf.partitions[::3].npartitions",
        expected: "4\n",
        plan: partitions,
        group: "Partitions",
    },
    Verb {
        name: "get_partition",
        receivers: &[On::Frame],
        form: Method,
        params: &["n"],
        signature: "df.get_partition(n)",
        summary: "The n-th partition as a frame: df.partitions[n].",
        example: "len(ddf.get_partition(1))",
        expected: "1984\n",
        plan: get_partition,
        group: "Partitions",
    },
    Verb {
        name: "divisions",
        receivers: &[On::Frame, On::Series],
        form: Attribute,
        params: &[],
        signature: "df.divisions",
        summary: "Where each partition's index values start, and where the last ends (recorded by set_index); all None when not known.",
        example: "ddf.set_index(\"Date\").divisions[:3]",
        expected: "(Timestamp('1990-01-01 00:00:00'), Timestamp('1991-01-01 00:00:00'), Timestamp('1992-01-01 00:00:00'))\n",
        plan: divisions_of,
        group: "Partitions",
    },
    Verb {
        name: "known_divisions",
        receivers: &[On::Frame, On::Series],
        form: Attribute,
        params: &[],
        signature: "df.known_divisions",
        summary: "Whether the partitions' index ranges are known, so `.loc[label]` reads only the partitions that can hold the label.",
        example: "ddf.known_divisions, ddf.set_index(\"Date\").known_divisions",
        expected: "(False, True)\n",
        plan: known_divisions,
        group: "Partitions",
    },
];

/// `df.divisions` / `s.divisions`
fn divisions_of(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    match receiver {
        Value::Frame(f) => Ok(divisions::as_value(&f)),
        Value::Series(s) => Ok(divisions::as_value(&s.frame)),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `df.known_divisions` / `s.known_divisions`
fn known_divisions(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    match receiver {
        Value::Frame(f) => Ok(Value::Bool(divisions::known(&f).is_some())),
        Value::Series(s) => Ok(Value::Bool(divisions::known(&s.frame).is_some())),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `.compute(scheduler=...)`: the value itself (printing computes); the scheduler, if named,
/// is where the statement runs.
fn compute(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [scheduler] = args.params()?;
    planner.request_scheduler(scheduler)?;
    match receiver {
        value @ (Value::Frame(_) | Value::Series(_) | Value::Scalar(_)) => Ok(value),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `.persist()`: the rows computed once and kept, in memory or spilled.
fn persist(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [scheduler] = args.params()?;
    planner.request_scheduler(scheduler)?;
    match receiver {
        Value::Frame(f) => planner.sources.persist(planner.ctx, &f).map(Value::Frame),
        Value::Series(s) => rows_of_series(s, |f, _| planner.sources.persist(planner.ctx, f)),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `client.persist(df)`, or of a list of frames and series: each as `.persist()` makes it.
fn client_persist(planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [collections] = args.params()?;
    let persist_one = |value: Value| match value {
        Value::Frame(f) => planner.sources.persist(planner.ctx, &f).map(Value::Frame),
        Value::Series(s) => rows_of_series(s, |f, _| planner.sources.persist(planner.ctx, f)),
        other => Err(collections.invalid(format!(
            "client.persist takes frames and series, not {}",
            other.kind_name()
        ))),
    };
    each_collection(collections.required()?.clone(), persist_one)
}

/// `client.compute(x)` and `client.gather(x)`: the values themselves (Dask's Futures of them).
fn client_compute(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [collections] = args.params()?;
    each_collection(collections.required()?.clone(), Ok)
}

/// `f` of a value, or of each value of a list or tuple, in the same shape.
fn each_collection(value: Value, f: impl Fn(Value) -> Result<Value>) -> Result<Value> {
    match value {
        Value::List(items) => items
            .into_iter()
            .map(f)
            .collect::<Result<_>>()
            .map(Value::List),
        Value::Tuple(items) => items
            .into_iter()
            .map(f)
            .collect::<Result<_>>()
            .map(Value::Tuple),
        one => f(one),
    }
}

/// `future.result()`: the value client.compute gave.
fn result(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    match receiver {
        value @ (Value::Frame(_) | Value::Series(_) | Value::Scalar(_)) => Ok(value),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `repartition(npartitions=N)`
fn repartition(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [npartitions, _partition_size] = args.params()?;
    match receiver {
        Value::Frame(f) => frame::repartition(f, npartitions),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `df.partitions`, indexed next: `df.partitions[i]`.
fn partitions(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    match receiver {
        Value::Frame(f) => Ok(Value::Accessor(Accessor::Partitions(f))),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `get_partition(n)`
fn get_partition(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [n] = args.params()?;
    match receiver {
        Value::Frame(f) => frame::partition(f, n.required()?.clone()).map_err(|e| e.at(n.span())),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `dask.compute(x, y, ...)`: the values as a tuple, each computed where it is printed.
fn compute_many(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [values] = args.params()?;
    match values.value() {
        Some(Value::List(items)) => Ok(Value::Tuple(items.clone())),
        _ => Ok(Value::Tuple(Vec::new())),
    }
}
