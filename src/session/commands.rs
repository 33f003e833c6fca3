//! The short commands (`read`, `head`, `set`, `%time`, ...) run in a session: one `execute` per
//! command, as datafusion-cli's `Command` has, each a small function here. How a command is
//! written and what it does (its usage and description) is its row in `lang::commands`.

use super::{Flow, Session, build_context, lazy_repr};
use crate::engine::cache;
use crate::error::span::Span;
use crate::error::{DdqError, Result};
use crate::lang::ast::{Command, Expr, Ident, Stmt};
use crate::lang::commands::{CommandSpec, lookup};
use crate::plan::value::{Action, Series, Value, column};
use crate::plan::{order, read, series};
use crate::session::sink::Sink;
use crate::session::timing::CpuTimes;
use crate::types::dtype::pandas_dtype;
use std::time::Instant;

impl Command {
    /// The command's row in the command table: its usage and description.
    pub fn spec(&self) -> &'static CommandSpec {
        let name = match self {
            Command::Read { .. } => "read",
            Command::Head { .. } => "head",
            Command::Schema { .. } => "schema",
            Command::Explain { .. } => "explain",
            Command::Visualize { .. } => "visualize",
            Command::Set { .. } => "set",
            Command::Help { .. } => "help",
            Command::Cache { .. } => "cache",
            Command::Cluster => "cluster",
            Command::Time { .. } => "%time",
            Command::TimeIt { .. } => "%timeit",
            Command::TimeCell { .. } => "%%time",
            Command::Quit => "quit",
        };
        lookup(name).expect("every command has a row in lang::commands::COMMANDS")
    }

    /// Runs the command in `session`.
    pub async fn execute(&self, session: &mut Session) -> Result<Flow> {
        match self {
            Command::Read {
                path,
                path_span,
                alias,
            } => read_files(session, path, *path_span, alias.as_ref()),
            Command::Head { value, rows } => head(session, value, *rows).await,
            Command::Schema { value } => schema(session, value),
            Command::Explain { value, analyze } => explain(session, value, *analyze).await,
            Command::Visualize { value, file } => visualize(session, value, file.as_deref()).await,
            Command::Set { name, value } => set(session, name.as_ref(), value.as_deref()).await,
            Command::Help { topic } => help(session, topic.as_ref()),
            Command::Cache { clear } => cache_command(session, *clear),
            Command::Cluster => cluster(session).await,
            Command::Time { stmt } => time(session, std::slice::from_ref(stmt)).await,
            Command::TimeCell { stmts } => time(session, stmts).await,
            Command::TimeIt { stmt, runs } => time_it(session, stmt, *runs).await,
            Command::Quit => Ok(Flow::Quit),
        }
    }
}

/// `read "GLOB" [as NAME]`: binds a frame over the files and makes it the prompt's.
fn read_files(
    session: &mut Session,
    path: &str,
    path_span: Span,
    alias: Option<&Ident>,
) -> Result<Flow> {
    let value = read::read_path(&session.planner(), path).map_err(|e| e.at(path_span))?;
    let name = match alias {
        Some(ident) => ident.name.clone(),
        None => default_frame_name(path),
    };
    session.current = Some(name.clone());
    session.vars.insert(name.clone(), value);
    if !session.settings.quiet {
        eprintln!("read {path} as {name}");
    }
    Ok(Flow::Continue)
}

/// `head EXPR [N]`: the first N rows (5 by default) of a frame or series.
async fn head(session: &mut Session, value: &Expr, rows: Option<i64>) -> Result<Flow> {
    session.ensure_scheduler(session.settings.scheduler).await?;
    let n = rows.unwrap_or(5).max(0) as usize;
    let value = match session.planner().eval(value)? {
        Value::Frame(frame) => Value::Frame(order::head(&frame, n)?),
        Value::Series(s) => {
            let frame = series::to_frame(&s)?;
            let internal = frame.value_columns().pop().unwrap_or_default();
            Value::Series(Series {
                frame: order::head(&frame, n)?,
                expr: column(&internal),
                name: s.name,
                categories: None,
            })
        }
        other => return Err(needs_frame_or_series("head", &other)),
    };
    session.print_value(value, false).await?;
    Ok(Flow::Continue)
}

/// `schema EXPR`: a frame's columns and dtypes, or a series' dtype, without computing.
fn schema(session: &mut Session, value: &Expr) -> Result<Flow> {
    let text = match session.planner().eval(value)? {
        Value::Frame(frame) => lazy_repr(&frame),
        Value::Series(s) => {
            let t = crate::plan::ops::expr_type(&s.frame, &s.expr)?;
            format!("{}: {}\n", s.name, pandas_dtype(&t))
        }
        other => return Err(needs_frame_or_series("schema", &other)),
    };
    session.write_text(&text)?;
    Ok(Flow::Continue)
}

fn needs_frame_or_series(command: &str, value: &Value) -> DdqError {
    DdqError::type_error(format!(
        "{command} needs a frame or a series, not {}",
        value.kind_name()
    ))
}

/// `explain [analyze] EXPR`: the plan, and with `analyze` its metrics from a run.
async fn explain(session: &mut Session, value: &Expr, analyze: bool) -> Result<Flow> {
    session.ensure_scheduler(session.settings.scheduler).await?;
    let df = session.plan_of(value)?;
    let text = session.executor().explain(df, analyze).await?;
    session.write_text(&text)?;
    Ok(Flow::Continue)
}

/// `visualize EXPR [to FILE]`: draws the task graph (`mydask.png` by default, as Dask names it).
async fn visualize(session: &mut Session, value: &Expr, file: Option<&str>) -> Result<Flow> {
    let (df, npartitions) = session.task_plan_of(value)?;
    let path = file.unwrap_or("mydask.png").to_string();
    session
        .perform(Action::Visualize {
            df,
            npartitions,
            path,
        })
        .await?;
    Ok(Flow::Continue)
}

/// `set [NAME [VALUE]]`: lists, shows or changes a setting. A new memory limit takes a new
/// context; a new scheduler is started (or reached) at once, so a mistake shows here.
async fn set(session: &mut Session, name: Option<&Ident>, value: Option<&str>) -> Result<Flow> {
    let before = session.settings.clone();
    let text = session
        .settings
        .apply(name.map(|n| (n.name.as_str(), n.span)), value)?;
    let changed = |setting: &str| value.is_some() && name.is_some_and(|n| n.name == setting);
    if changed("memory_limit") {
        session.ctx = build_context(&session.settings)?;
    }
    if changed("cache") || changed("cache_limit") {
        super::apply_cache_policy(&session.settings);
    }
    if changed("scheduler")
        && let Err(e) = session.ensure_scheduler(session.settings.scheduler).await
    {
        session.settings = before;
        return Err(e);
    }
    if changed("dashboard")
        && let Err(e) = session.serve_dashboard()
    {
        session.settings = before;
        return Err(e.at(name.map_or_else(Default::default, |n| n.span)));
    }
    if !text.is_empty() {
        session.write_text(&text)?;
    }
    Ok(Flow::Continue)
}

/// `help [TOPIC]`
fn help(session: &mut Session, topic: Option<&Ident>) -> Result<Flow> {
    let text = super::help::help_text(topic.map(|t| t.name.as_str()))?;
    session.write_text(&text)?;
    Ok(Flow::Continue)
}

/// `cache [clear]`
fn cache_command(session: &mut Session, clear: bool) -> Result<Flow> {
    let text = cache::command(clear)?;
    session.write_text(&text)?;
    Ok(Flow::Continue)
}

/// `cluster` (or `client`): where statements run.
async fn cluster(session: &mut Session) -> Result<Flow> {
    session.ensure_scheduler(session.settings.scheduler).await?;
    let text = session.cluster_status().await?;
    session.write_text(&text)?;
    Ok(Flow::Continue)
}

/// `%time STMT`: runs it and reports CPU and wall time on stderr, as IPython does.
async fn time(session: &mut Session, stmts: &[Stmt]) -> Result<Flow> {
    let cpu = CpuTimes::now();
    let started = Instant::now();
    let mut flow = Flow::Continue;
    for stmt in stmts {
        flow = Box::pin(session.run_statement(stmt)).await?;
        if !matches!(flow, Flow::Continue) {
            break;
        }
    }
    let wall = started.elapsed().as_secs_f64();
    let used = CpuTimes::now().since(&cpu);
    eprintln!(
        "CPU times: user {}, sys: {}, total: {}\nWall time: {}",
        format_duration(used.user),
        format_duration(used.system),
        format_duration(used.user + used.system),
        format_duration(wall)
    );
    Ok(flow)
}

/// `%timeit [-n N] STMT`: runs it N times (7 by default) with its output discarded and reports
/// the mean and standard deviation, as IPython does.
async fn time_it(session: &mut Session, stmt: &Stmt, runs: Option<i64>) -> Result<Flow> {
    let runs = runs.unwrap_or(7).clamp(1, 1000) as usize;
    let mut times = Vec::with_capacity(runs);
    // Kept aside rather than in a local, so Ctrl-C (which drops this future) cannot leave the
    // session printing nowhere: the next statement puts it back.
    session.timed_out = Some(std::mem::replace(&mut session.out, Sink::discard()));
    for _ in 0..runs {
        let started = Instant::now();
        let result = Box::pin(session.run_statement(stmt)).await;
        times.push(started.elapsed().as_secs_f64());
        if let Err(e) = result {
            session.restore_output();
            return Err(e);
        }
    }
    session.restore_output();
    let mean = times.iter().sum::<f64>() / runs as f64;
    // IPython reports the population standard deviation of the runs.
    let var = times.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / runs as f64;
    eprintln!(
        "{} ± {} per loop (mean ± std. dev. of {runs} runs, 1 loop each)",
        format_duration(mean),
        format_duration(var.sqrt())
    );
    Ok(Flow::Continue)
}

/// `read "data/nycflights/*.csv"` binds `nycflights`; `read "x.csv"` binds `x`.
fn default_frame_name(path: &str) -> String {
    let p = std::path::Path::new(path);
    let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("df");
    let raw = if stem.contains(['*', '?', '[']) {
        p.parent()
            .and_then(|d| d.file_name())
            .and_then(|s| s.to_str())
            .unwrap_or("df")
    } else {
        stem
    };
    let mut name: String = raw
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    name
}

fn format_duration(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else if seconds >= 1e-3 {
        format!("{:.1} ms", seconds * 1e3)
    } else {
        format!("{:.0} µs", seconds * 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_names_come_from_the_path() {
        assert_eq!(default_frame_name("data/nycflights/*.csv"), "nycflights");
        assert_eq!(default_frame_name("flights.csv"), "flights");
        assert_eq!(default_frame_name("data/2019-q1.csv"), "_2019_q1");
    }
}
