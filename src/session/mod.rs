//! A ddq session: the DataFusion context, the variables bound so far, the settings, and the one
//! execution path that REPL lines, `ddq run` files and `ddq -c` text all go through. Beside it:
//! scripts (`script`), the start-up file (`startup`), help text (`help`), `%time`'s CPU times
//! (`timing`), where results go (`sink`), notebook plumbing lines (`notebook`) and the pager
//! (`pager`).

mod commands;
pub mod help;
mod notebook;
mod pager;
pub mod script;
pub mod sink;
pub mod startup;
pub mod timing;

use crate::config::display::BarMode;
use crate::config::display::{Format, TerminalSize, terminal_size};
use crate::config::scheduler::{LocalShape, SchedulerKind};
use crate::config::settings::Settings;
use crate::engine::cluster::{Cluster, dashboard_line};
use crate::engine::dashboard::{self, Dashboard, server::Server};
use crate::engine::executor::Executor;
use crate::engine::plot::Drawn;
use crate::engine::sources::EngineSources;
use crate::error::span::Source;
use crate::error::{DdqError, ErrorKind, Result};
use crate::lang::ast::{ExprKind, Ident, Stmt, StmtKind};
use crate::lang::parser;
use crate::output::{self, CategoriesShown, Layout, ResultKind};
use crate::plan::plot::PlotRequest;
use crate::plan::value::{
    Accessor, Action, Frame, GroupBy, Scalar, ScheduleRequest, TextPiece, Value, display_name,
};
use crate::plan::{Planner, order, series};
use crate::session::sink::Sink;
use crate::types::format::{Plain, format_with};
use crate::types::scalar::to_plain;
use crate::types::text::{json_string, python_str_repr, write_csv_record};
use crate::types::{dtype::pandas_dtype, float::format_float_python, scalar::format_scalar};
use datafusion::arrow::datatypes::DataType;
use datafusion::execution::config::SessionConfig;
use datafusion::prelude::{DataFrame, SessionContext};
use datafusion::scalar::ScalarValue;
use pager::PageBuffer;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use tokio::task::JoinHandle;

/// What the caller should do after a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

pub struct Session {
    ctx: SessionContext,
    vars: HashMap<String, Value>,
    /// The frame last bound or read, named in the prompt.
    current: Option<String>,
    pub settings: Settings,
    out: Sink,
    /// The real output while `%timeit` discards its runs' results.
    timed_out: Option<Sink>,
    /// The cluster of the `processes` or `distributed` scheduler, once used.
    cluster: Option<Cluster>,
    /// The local cluster of `--scheduler processes`, starting since the session began, and the
    /// shape it was started with.
    starting: Option<(LocalShape, JoinHandle<Result<Cluster>>)>,
    /// The scheduler the running statement asked for with `.compute(scheduler=...)`.
    statement_scheduler: Option<SchedulerKind>,
    /// The source being run is the last this process runs (a script or `-c`): its last
    /// statement collects no columns to hold (see `engine::held`).
    pub last_source: bool,
    /// What the dashboard shows, and its server with the address it was asked for.
    dashboard: Dashboard,
    dashboard_server: Option<(SocketAddr, Server)>,
    /// `--format parquet` wrote its one result.
    parquet_written: bool,
}

impl Session {
    pub fn new(settings: Settings, out: Sink) -> Result<Session> {
        let ctx = build_context(&settings)?;
        Ok(Session {
            ctx,
            vars: HashMap::new(),
            current: None,
            settings,
            out,
            timed_out: None,
            parquet_written: false,
            cluster: None,
            starting: None,
            statement_scheduler: None,
            last_source: false,
            dashboard: Dashboard::default(),
            dashboard_server: None,
        })
    }

    /// Serves the dashboard where the `dashboard` setting says, or stops serving it, unless it
    /// is served there already. Needs a tokio runtime.
    pub fn serve_dashboard(&mut self) -> Result<()> {
        let wanted = self.settings.dashboard;
        if self.dashboard_server.as_ref().map(|(at, _)| *at) == wanted {
            return Ok(());
        }
        self.dashboard_server = None;
        self.dashboard.set_link(None);
        if let Some(requested) = wanted {
            let server = dashboard::server::start(self.dashboard.clone(), requested)?;
            self.dashboard.set_link(Some(server.link()));
            self.dashboard_server = Some((requested, server));
        }
        Ok(())
    }

    /// The dashboard's status page, as Dask's `client.dashboard_link`; none when it is off.
    pub fn dashboard_link(&self) -> Option<String> {
        self.dashboard.link()
    }

    /// Tells the dashboard what the next statement runs with: this process' memory pool and
    /// limit, its threads, and the cluster, if the session uses one.
    fn describe_to_dashboard(&self) {
        self.dashboard.describe_session(
            self.ctx.runtime_env(),
            self.settings.memory_limit,
            self.ctx.state_ref().read().config().target_partitions(),
            &self.settings.scheduler.to_string(),
        );
        let cluster = self
            .cluster
            .as_ref()
            .filter(|c| c.kind == self.settings.scheduler)
            .map(Cluster::dashboard_view);
        self.dashboard.describe_cluster(cluster);
    }

    /// With `--scheduler processes`, starts the local cluster now, in the background: the first
    /// statements (reading a CSV's schema) run while its processes come up, as a Dask `Client`
    /// starts its workers when it is made. Needs a tokio runtime.
    pub fn start_cluster_early(&mut self) {
        if self.settings.scheduler != SchedulerKind::Processes
            || self.cluster.is_some()
            || self.starting.is_some()
        {
            return;
        }
        let shape = self.settings.local_shape();
        self.announce_cluster(shape);
        self.starting = Some((shape, tokio::spawn(Cluster::start_local(shape))));
    }

    fn announce_cluster(&self, shape: LocalShape) {
        if !self.settings.quiet {
            eprintln!(
                "starting a local cluster: {} workers x {} threads, {} of memory",
                shape.workers,
                shape.threads_per_worker,
                crate::config::size::format_size(shape.memory_limit)
            );
        }
    }

    /// The cluster started early, once it is up; none when none was started or it has a
    /// shape other than `shape` (it stops then).
    async fn started_early(&mut self, shape: LocalShape) -> Result<Option<Cluster>> {
        let Some((started_shape, task)) = self.starting.take() else {
            return Ok(None);
        };
        let started = task
            .await
            .map_err(|e| DdqError::execution(format!("the local cluster did not start: {e}")))?;
        Ok(if started_shape == shape {
            Some(started?)
        } else {
            None
        })
    }

    /// Stops a cluster still starting when the session ends, so none of its processes is left.
    fn stop_starting_cluster(&mut self) {
        if let Some((_, task)) = self.starting.take() {
            task.abort();
            let _ = futures::executor::block_on(task);
        }
    }

    pub fn prompt(&self) -> String {
        format!("{}> ", self.current.as_deref().unwrap_or("ddq"))
    }

    /// Names of bound variables and, for frames, their columns (for completion).
    pub fn variables(&self) -> &HashMap<String, Value> {
        &self.vars
    }

    /// Parses and runs every statement of `source`, stopping at the first error.
    pub async fn run_source(&mut self, source: &Source) -> Result<Flow> {
        self.restore_output();
        let statements = parser::parse(source)?;
        for (i, stmt) in statements.iter().enumerate() {
            if self.last_source && i + 1 == statements.len() {
                crate::engine::held::stop_collecting();
            }
            self.statement_scheduler = None;
            self.describe_to_dashboard();
            self.dashboard.statement_started(
                source.slice(stmt.span),
                &self.settings.scheduler.to_string(),
            );
            // A panic anywhere in the statement (planning included) is its error.
            let flow = crate::engine::guard::guarded(self.run_statement(stmt))
                .await
                .map_err(|e| self.explain_memory(e).at(stmt.span));
            self.dashboard
                .statement_finished(flow.as_ref().err().map(|e| e.message.clone()));
            let flow = flow?;
            if flow == Flow::Quit {
                return Ok(Flow::Quit);
            }
        }
        Ok(Flow::Continue)
    }

    /// Puts back the output `%timeit` set aside.
    fn restore_output(&mut self) {
        if let Some(out) = self.timed_out.take() {
            self.out = out;
        }
    }

    /// Runs plans for this session: its current context, and a progress bar when stderr is a
    /// terminal and the user has not asked for quiet.
    pub fn executor(&self) -> Executor {
        let bar = if self.settings.quiet || !std::io::stderr().is_terminal() {
            BarMode::Off
        } else {
            self.settings.progress
        };
        let kind = self.statement_scheduler.unwrap_or(self.settings.scheduler);
        match &self.cluster {
            Some(cluster) if kind != SchedulerKind::Threads && cluster.kind == kind => Executor {
                ctx: cluster.ctx.clone(),
                local: self.ctx.clone(),
                bar,
                cluster: Some(Arc::clone(&cluster.jobs)),
                dashboard: self.dashboard.clone(),
            },
            _ => Executor {
                ctx: self.ctx.clone(),
                local: self.ctx.clone(),
                bar,
                cluster: None,
                dashboard: self.dashboard.clone(),
            },
        }
    }

    /// Makes sure statements can run on `kind`: starts the local cluster, or connects to the
    /// one at the `address` setting, unless the session already has the one the settings ask for.
    /// The dashboard is told which cluster that is.
    async fn ensure_scheduler(&mut self, kind: SchedulerKind) -> Result<()> {
        let ready = self.reach_scheduler(kind).await;
        self.describe_to_dashboard();
        ready
    }

    async fn reach_scheduler(&mut self, kind: SchedulerKind) -> Result<()> {
        match kind {
            SchedulerKind::Threads => Ok(()),
            SchedulerKind::Processes => {
                let shape = self.settings.local_shape();
                if let Some(cluster) = &self.cluster
                    && cluster.local.as_ref().is_some_and(|l| l.shape == shape)
                {
                    return Ok(());
                }
                // The old cluster stops before the new one starts.
                self.cluster = None;
                if let Some(cluster) = self.started_early(shape).await? {
                    self.cluster = Some(cluster);
                    return Ok(());
                }
                self.announce_cluster(shape);
                self.cluster = Some(Cluster::start_local(shape).await?);
                Ok(())
            }
            SchedulerKind::Distributed => {
                let address = self.settings.address.clone().ok_or_else(|| {
                    DdqError::input("the distributed scheduler needs the address of a cluster")
                        .with_help(
                            "start ddq with --address df://HOST:PORT, or `set address df://HOST:PORT`",
                        )
                })?;
                if let Some(cluster) = &self.cluster
                    && cluster.kind == SchedulerKind::Distributed
                    && cluster.address == address
                {
                    return Ok(());
                }
                self.cluster = None;
                self.cluster = Some(Cluster::connect(&address).await?);
                Ok(())
            }
        }
    }

    /// A query that ran out of memory says what the limit is and how to raise it.
    fn explain_memory(&self, err: DdqError) -> DdqError {
        if err.kind != ErrorKind::Memory || err.help.is_some() {
            return err;
        }
        let limit = crate::config::size::format_size(self.settings.memory_limit);
        let message = format!(
            "the query needs more memory than the limit of {limit}, even spilling to disk ({})",
            err.message
        );
        DdqError::new(ErrorKind::Memory, message)
            .with_help("raise the limit with `set memory_limit 4GB` or `--memory-limit 4GB`")
    }

    pub async fn run_statement(&mut self, stmt: &Stmt) -> Result<Flow> {
        match &stmt.kind {
            StmtKind::Import { .. } => {}
            StmtKind::Assign { target, value } => {
                let evaluated = self.planner().eval_shown(value)?;
                self.bind(target, evaluated).await?;
            }
            StmtKind::AssignColumn {
                frame,
                column,
                value,
            } => {
                let assigned = self.planner().assign_column(frame, column, value)?;
                self.bind(frame, assigned).await?;
            }
            StmtKind::Unpack { targets, value } => {
                let values = self.planner().unpack(value, targets.len())?;
                for (target, value) in targets.iter().zip(values) {
                    self.bind(target, value).await?;
                }
            }
            StmtKind::Expr(expr) if let Some(done) = self.plumbing(expr).await => done?,
            StmtKind::With { context, body } => return self.run_with(context, body).await,
            StmtKind::Expr(expr) => {
                let (value, requested) = {
                    let planner = self.planner();
                    let value = planner.eval_shown(expr)?;
                    (value, planner.requested_scheduler())
                };
                let bare_name = matches!(expr.kind, ExprKind::Name(_));
                self.ensure_scheduler(requested.unwrap_or(self.settings.scheduler))
                    .await?;
                self.statement_scheduler = requested;
                let printed = self.print_value(value, bare_name).await;
                self.statement_scheduler = None;
                printed?;
            }
            StmtKind::Command(command) => return Box::pin(command.execute(self)).await,
        }
        Ok(Flow::Continue)
    }

    /// Binds a name; a frame becomes the prompt's. `client = Client(...)` connects now, as in
    /// Dask; printing `client` later shows the cluster.
    async fn bind(&mut self, target: &Ident, value: Value) -> Result<()> {
        if let Value::Action(action) = &value
            && let Action::Schedule(request) = action.as_ref()
        {
            self.schedule(request).await?;
        }
        if matches!(value, Value::Frame(_)) {
            self.current = Some(target.name.clone());
        }
        self.vars.insert(target.name.clone(), value);
        Ok(())
    }

    fn planner(&self) -> Planner<'_> {
        Planner::new(&self.ctx, &self.vars, &EngineSources)
    }

    /// Carries out `Client(...)` or `dask.config.set(scheduler=...)`: the settings they name,
    /// then the cluster they ask for. On failure the settings stay as they were.
    async fn schedule(&mut self, request: &ScheduleRequest) -> Result<()> {
        let before = self.settings.clone();
        self.settings.scheduler = request.scheduler;
        let mut per_worker_memory = false;
        for (setting, value) in &request.changes {
            if let Err(e) = setting.set(&mut self.settings, value) {
                self.settings = before;
                return Err(e);
            }
            per_worker_memory |= setting.name == "memory_limit";
        }
        if per_worker_memory {
            let workers = self.settings.local_shape().workers as u64;
            self.settings.memory_limit = self.settings.memory_limit.saturating_mul(workers);
        }
        let result = async {
            if self.settings.memory_limit != before.memory_limit {
                self.ctx = build_context(&self.settings)?;
            }
            self.serve_dashboard()?;
            self.ensure_scheduler(self.settings.scheduler).await
        }
        .await;
        if result.is_err() {
            self.settings = before;
        }
        result
    }

    /// What `cluster` prints for the session's scheduler.
    async fn cluster_status(&mut self) -> Result<String> {
        if let Some(cluster) = &mut self.cluster
            && cluster.kind == self.settings.scheduler
        {
            return cluster.status(self.dashboard.link().as_deref()).await;
        }
        let threads = self.ctx.state().config().target_partitions();
        let limit = crate::config::size::format_size(self.settings.memory_limit);
        Ok(format!(
            "<Client: scheduler='threads' processes=1 threads={threads}, memory={limit}>\n\
             Scheduler:  threads (in this process; `set scheduler processes` starts a local cluster)\n{}",
            dashboard_line(self.dashboard.link().as_deref())
        ))
    }

    /// The plan behind an expression's value, for `explain` and `visualize`.
    fn plan_of(&self, expr: &crate::lang::ast::Expr) -> Result<DataFrame> {
        match self.planner().eval(expr)? {
            Value::Frame(frame) => Ok(self.executor().rebind(order::display_frame(&frame)?.0)),
            Value::Series(s) => Ok(self
                .executor()
                .rebind(order::display_frame(&series::to_frame(&s)?)?.0)),
            Value::Scalar(s) => s.to_dataframe(&self.ctx),
            other => Err(DdqError::type_error(format!(
                "only frames, series and scalars have plans, not {}",
                other.kind_name()
            ))),
        }
    }

    /// The plan `visualize` draws for an expression, and its partition count.
    fn task_plan_of(&self, expr: &crate::lang::ast::Expr) -> Result<(DataFrame, usize)> {
        let (df, npartitions) = match self.planner().eval(expr)? {
            Value::Frame(frame) => order::task_plan(&frame)?,
            Value::Series(s) => order::task_plan(&series::to_frame(&s)?)?,
            Value::Scalar(s) => (s.to_dataframe(&self.ctx)?, 1),
            other => {
                return Err(DdqError::type_error(format!(
                    "only frames, series and scalars have task graphs, not {}",
                    other.kind_name()
                )));
            }
        };
        Ok((self.executor().rebind(df), npartitions))
    }

    /// Prints an index: its pandas repr in a table, its labels as records otherwise.
    fn print_index(&mut self, labels: &[String], repr: String) -> Result<()> {
        let text = match self.settings.format {
            Format::Table => format!("{repr}\n"),
            other => labels_text(labels, other),
        };
        self.write_text(&text)
    }

    fn write_text(&mut self, text: &str) -> Result<()> {
        self.out.write_all(text.as_bytes())?;
        self.out.flush()?;
        Ok(())
    }

    /// Computes a value and prints it in the session's format.
    pub async fn print_value(&mut self, value: Value, bare_name: bool) -> Result<()> {
        match value {
            Value::Frame(frame) if bare_name && self.settings.format == Format::Table => {
                let text = lazy_repr(&frame);
                self.write_text(&text)
            }
            Value::Frame(frame) => self.print_frame(&frame, ResultKind::Frame).await,
            Value::Series(s) => {
                let frame = series::to_frame(&s)?;
                self.print_frame(
                    &frame,
                    ResultKind::Series {
                        name: s.name.clone(),
                        categories: s.categories().map(|c| CategoriesShown {
                            labels: c.labels.clone(),
                            dtype: c.dtype.clone(),
                            ordered: c.ordered,
                        }),
                    },
                )
                .await
            }
            Value::Index(s) => {
                let frame = series::to_frame(&s)?;
                let name = s.name.clone();
                self.print_frame(&frame, ResultKind::Index { name }).await
            }
            Value::Scalar(_) | Value::Columns(_) | Value::CategoryIndex(..)
                if self.settings.format == Format::Parquet =>
            {
                Err(DdqError::type_error(
                    "--format parquet writes frames and series, not a single value or a list",
                )
                .with_help("print it with `set format csv`, or select a frame"))
            }
            Value::Scalar(s) => {
                let v = self.compute_scalar(&s).await?;
                let text = format_scalar(&v, self.settings.format);
                // A string result reads as the Python REPL shows it, quoted, on a terminal.
                let text = match is_text_value(&v) && self.settings.format == Format::Table {
                    true => python_str_repr(&text),
                    false => text,
                };
                self.write_text(&format!("{text}\n"))
            }
            Value::None => Ok(()),
            Value::Action(action) => self.perform(*action).await,
            Value::CategoryIndex(labels, dtype) => {
                let repr = category_index_repr(&labels, &dtype);
                self.print_index(&labels, repr)
            }
            Value::Columns(names) => {
                let repr = columns_repr(&names);
                self.print_index(&names, repr)
            }
            Value::GroupBy(gb) => {
                let text = groupby_repr(&gb);
                self.write_text(&text)
            }
            Value::Accessor(accessor) => {
                let what = match accessor {
                    Accessor::Dt(_) => "a .dt accessor: take a field such as .dt.year",
                    Accessor::Str(_) => "a .str accessor: call a method such as .str.lower()",
                    Accessor::Cat(_) => "a .cat accessor: take .cat.codes or .cat.categories",
                    Accessor::Loc(_) => "a .loc indexer: index it, e.g. df.loc[mask, [\"col\"]]",
                    Accessor::Iloc(_) => "an .iloc indexer: index it, e.g. df.iloc[:, [1, 3]]",
                    Accessor::SeriesLoc(_) => "a .loc indexer: index it, e.g. s.loc[\"1992-05\"]",
                    Accessor::SeriesIloc(_) => "an .iloc indexer: index it, e.g. s.iloc[10:20]",
                    Accessor::Partitions(_) => {
                        "a .partitions indexer: index it, e.g. df.partitions[0]"
                    }
                    Accessor::Plot(_) => "a .plot accessor: call a kind such as .plot.bar()",
                };
                self.write_text(&format!("<{what}>\n"))
            }
            other => {
                let text = Box::pin(self.python_repr(other)).await?;
                self.write_text(&format!("{text}\n"))
            }
        }
    }

    /// Writes files or draws a plan, saying on stderr where the result went.
    async fn perform(&mut self, action: Action) -> Result<()> {
        let notice = match action {
            Action::Write(request) => {
                let (rows, files) =
                    crate::engine::write::perform(&self.executor(), &request).await?;
                match files.as_slice() {
                    [one] => format!("wrote {rows} rows to {}", one.display()),
                    many => format!(
                        "wrote {rows} rows to {} files ({})",
                        many.len(),
                        request.path
                    ),
                }
            }
            Action::Visualize {
                df,
                npartitions,
                path,
            } => {
                let drawn =
                    crate::engine::visualize::draw(df, npartitions, Path::new(&path)).await?;
                format!("wrote the task graph ({drawn}) to {path}")
            }
            Action::Plot(request) => match self.plot(&request).await? {
                Drawn::Text(chart) => return self.write_text(&chart),
                Drawn::File(path) => format!("wrote the plot to {path}"),
            },
            Action::Print { values, sep, end } => {
                return self.print(values, &sep, &end).await;
            }
            Action::Schedule(request) => {
                self.schedule(&request).await?;
                if request.is_client {
                    let text = self.cluster_status().await?;
                    self.write_text(&text)?;
                }
                return Ok(());
            }
        };
        if !self.settings.quiet {
            eprintln!("{notice}");
        }
        Ok(())
    }

    /// Computes a plot's few rows (the engine aggregated or sampled them) and draws them: in
    /// the terminal when there is no `to=` file and results go to one, else into a file.
    async fn plot(&mut self, request: &PlotRequest) -> Result<Drawn> {
        let rows = self.executor().collect(request.df.clone()).await?;
        let terminal = match (&request.options.path, self.out.is_stdout()) {
            (None, true) => terminal_size(),
            _ => None,
        };
        crate::engine::plot::draw(request, &rows, terminal)
    }

    /// `print(...)`: one frame or series prints as its table; otherwise each value's `str()`,
    /// joined by `sep` and ended by `end`.
    async fn print(&mut self, values: Vec<Value>, sep: &str, end: &str) -> Result<()> {
        if let [one] = values.as_slice()
            && matches!(
                one,
                Value::Frame(_) | Value::Series(_) | Value::GroupBy(_) | Value::Columns(_)
            )
        {
            return Box::pin(
                self.print_value(values.into_iter().next().unwrap_or(Value::None), false),
            )
            .await;
        }
        let mut parts = Vec::with_capacity(values.len());
        for value in values {
            if matches!(
                value,
                Value::Frame(_) | Value::Series(_) | Value::GroupBy(_)
            ) {
                return Err(DdqError::unsupported(format!(
                    "print() of {} among other values",
                    value.kind_name()
                ))
                .with_help("print the frame or series on its own: print(df)"));
            }
            parts.push(self.python_str(value).await?);
        }
        self.write_text(&format!("{}{end}", parts.join(sep)))
    }

    /// Python's `str()`: text as it is, an f-string formatted, anything else as its repr.
    async fn python_str(&self, value: Value) -> Result<String> {
        match value {
            Value::Str(text) => Ok(text),
            Value::Text(pieces) => self.format_text(pieces).await,
            Value::Scalar(s) => {
                let v = self.compute_scalar(&s).await?;
                Ok(format_scalar(&v, Format::Table))
            }
            other => Box::pin(self.python_repr(other)).await,
        }
    }

    /// An f-string whose fields hold engine scalars: computes them, then formats each.
    async fn format_text(&self, pieces: Vec<TextPiece>) -> Result<String> {
        let mut text = String::new();
        for piece in pieces {
            match piece {
                TextPiece::Text(t) => text.push_str(&t),
                TextPiece::Field {
                    value,
                    conversion,
                    spec,
                } => {
                    let plain = match *value {
                        Value::Scalar(s) => to_plain(&self.compute_scalar(&s).await?),
                        other => match crate::plan::ops::plain(&other) {
                            Some(plain) => plain,
                            None => Plain::Str(Box::pin(self.python_repr(other)).await?),
                        },
                    };
                    text.push_str(&format_with(&plain, conversion, &spec)?);
                }
            }
        }
        Ok(text)
    }

    /// Python's repr of plain values, computing any engine scalars inside them.
    async fn python_repr(&self, value: Value) -> Result<String> {
        Ok(match value {
            Value::Int(i) => i.to_string(),
            Value::Float(x) => format_float_python(x),
            Value::Str(s) => python_str_repr(&s),
            Value::Bool(b) => {
                if b {
                    "True".into()
                } else {
                    "False".into()
                }
            }
            Value::None => "None".into(),
            Value::Scalar(s) => {
                let v = self.compute_scalar(&s).await?;
                let text = format_scalar(&v, Format::Table);
                // Inside a tuple or list Python shows a timestamp's and a string's repr.
                match v.data_type() {
                    DataType::Timestamp(..) if !v.is_null() => format!("Timestamp('{text}')"),
                    _ if is_text_value(&v) => python_str_repr(&text),
                    _ => text,
                }
            }
            Value::List(items) => format!("[{}]", self.repr_items(items).await?.join(", ")),
            Value::CategoricalDtype(dtype) => categorical_dtype_repr(&dtype),
            Value::Offset(alias) => match alias.strip_suffix('B') {
                Some("") => "<BusinessDay>".into(),
                Some(n) => format!("<{n} * BusinessDays>"),
                None => format!("<{alias}>"),
            },
            Value::Tuple(items) => {
                let parts = self.repr_items(items).await?;
                if parts.len() == 1 {
                    format!("({},)", parts[0])
                } else {
                    format!("({})", parts.join(", "))
                }
            }
            Value::Dict(pairs) => {
                let mut parts = Vec::new();
                for (k, v) in pairs {
                    let k = Box::pin(self.python_repr(k)).await?;
                    let v = Box::pin(self.python_repr(v)).await?;
                    parts.push(format!("{k}: {v}"));
                }
                format!("{{{}}}", parts.join(", "))
            }
            Value::Slice(a, b, c) => format!(
                "slice({}, {}, {})",
                a.map_or("None".into(), |v| v.to_string()),
                b.map_or("None".into(), |v| v.to_string()),
                c.map_or("None".into(), |v| v.to_string())
            ),
            Value::LabelSlice(a, b) => {
                let mut bounds = Vec::new();
                for bound in [a, b] {
                    bounds.push(match bound {
                        Some(v) => Box::pin(self.python_repr(*v)).await?,
                        None => "None".to_string(),
                    });
                }
                format!("slice({}, {}, None)", bounds[0], bounds[1])
            }
            Value::Module(m) => format!("<module '{m}'>"),
            Value::Text(pieces) => python_str_repr(&self.format_text(pieces).await?),
            Value::Columns(names) => columns_repr(&names),
            Value::CategoryIndex(labels, dtype) => category_index_repr(&labels, &dtype),
            other => format!("<{}>", other.kind_name()),
        })
    }

    async fn repr_items(&self, items: Vec<Value>) -> Result<Vec<String>> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(Box::pin(self.python_repr(item)).await?);
        }
        Ok(out)
    }

    async fn compute_scalar(&self, scalar: &Scalar) -> Result<ScalarValue> {
        let batches = self
            .executor()
            .collect(scalar.to_dataframe(&self.ctx)?)
            .await?;
        let batch = batches
            .iter()
            .find(|b| b.num_rows() > 0)
            .ok_or_else(|| DdqError::execution("the scalar query returned no row"))?;
        Ok(ScalarValue::try_from_array(batch.column(0), 0)?)
    }

    /// Streams a frame's rows, in pandas order, into the output format.
    async fn print_frame(&mut self, frame: &Frame, kind: ResultKind) -> Result<()> {
        let (df, schema) = order::display_frame(frame)?;
        let layout = Layout {
            kind,
            index_columns: frame.index_columns,
        };
        let mut display = self.settings.display.clone();
        if self.out.is_stdout() {
            display.terminal = terminal_size();
        }
        let paging = match (&self.settings.pager, display.terminal) {
            (Some(pager), Some(terminal)) if self.settings.format == Format::Table => {
                // The pager scrolls: the table keeps its `max_rows` however short the window.
                display.terminal = Some(TerminalSize {
                    lines: usize::MAX,
                    ..terminal
                });
                Some((pager.clone(), terminal.lines, PageBuffer::default()))
            }
            _ => None,
        };
        let out: Box<dyn std::io::Write + Send> = match &paging {
            Some((_, _, buffer)) => Box::new(buffer.clone()),
            None => Box::new(self.out.clone()),
        };
        // `%timeit` discards its runs' results: nothing is written to claim.
        if self.settings.format == Format::Parquet && self.timed_out.is_none() {
            self.claim_parquet_output()?;
        }
        let writer =
            output::result_writer(self.settings.format, layout, schema.clone(), out, &display)?;
        self.executor().stream_into(df, schema, writer).await?;
        match paging {
            Some((pager, lines, buffer)) => {
                pager::show(&buffer.take(), &pager, lines, &mut self.out)
            }
            None => Ok(()),
        }
    }

    /// `--format parquet` makes one file of one result, and binary data on a terminal helps
    /// nobody: a second result, or a terminal, is refused before anything is written.
    fn claim_parquet_output(&mut self) -> Result<()> {
        if self.out.is_stdout() && std::io::stdout().is_terminal() {
            return Err(DdqError::input(
                "--format parquet writes binary data, and standard output is a terminal",
            )
            .with_help(
                "write it to a file with `--output FILE`, or pipe it: `ddq ... > out.parquet`",
            ));
        }
        if self.parquet_written {
            return Err(DdqError::input(
                "--format parquet holds one result, and one was already written",
            )
            .with_help("write each result to a file of its own with .to_parquet(\"PATH\")"));
        }
        self.parquet_written = true;
        Ok(())
    }

    /// Ends the session: a file given with `--output` is renamed into place.
    pub fn finish(mut self) -> Result<()> {
        self.stop_starting_cluster();
        self.restore_output();
        self.out.commit()
    }

    pub fn abandon(mut self) {
        self.stop_starting_cluster();
        self.restore_output();
        self.out.abandon();
    }

    /// The DataFusion context, so tab completion can build (never run) plans for the text before
    /// a dot to learn that value's kind and columns.
    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }
}

/// A DataFusion context with the session's settings: all cores, and the memory cap. As
/// datafusion-cli does, DataFusion's own options can be tuned from the environment
/// (`DATAFUSION_EXECUTION_BATCH_SIZE=4096`, ...).
fn build_context(settings: &Settings) -> Result<SessionContext> {
    apply_cache_policy(settings);
    let config = SessionConfig::from_env()
        .map_err(|e| {
            let set: Vec<String> = std::env::vars()
                .map(|(name, _)| name)
                .filter(|name| name.starts_with("DATAFUSION_"))
                .collect();
            DdqError::input(format!(
                "a DataFusion option from the environment ({}) has a value it does not take: {e}",
                set.join(", ")
            ))
            .with_help("fix or unset that variable")
        })?
        .with_target_partitions(std::thread::available_parallelism().map_or(2, |n| n.get()))
        .with_information_schema(false);
    let config = crate::engine::with_planner_options(config);
    let config = crate::engine::memory::tune_for_limit(config, settings.memory_limit);
    let runtime = crate::engine::memory::runtime(settings.memory_limit)?;
    let ctx = SessionContext::new_with_config_rt(config, runtime);
    crate::plan::udf::register_all(&ctx);
    Ok(ctx)
}

/// Tells the scans what the `cache` and `cache_limit` settings say, and how much of the memory
/// limit the cache's columns held in memory may take (a quarter; none with the cache off).
pub(crate) fn apply_cache_policy(settings: &Settings) {
    crate::engine::cache::set_policy(crate::engine::cache::CachePolicy {
        enabled: settings.cache,
        limit: settings.cache_limit,
    });
    let held = if settings.cache {
        settings.memory_limit / 4
    } else {
        0
    };
    crate::engine::held::set_limit(held);
}

/// A frame's structure without computing it, like Dask's lazy repr.
pub fn lazy_repr(frame: &Frame) -> String {
    let columns = frame.columns();
    let width = columns
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0)
        .max(6);
    let mut text = format!(
        "ddq DataFrame Structure: {} columns, npartitions={} ({})\n",
        columns.len(),
        frame.npartitions,
        frame.origin
    );
    for (i, name) in columns.iter().enumerate() {
        let t = frame
            .data_type(name)
            .map(|t| pandas_dtype(&t))
            .unwrap_or_default();
        let marker = if i < frame.index_columns {
            " (key)"
        } else {
            ""
        };
        text.push_str(&format!("{:>width$}  {t}{marker}\n", display_name(name)));
    }
    text.push_str("(lazy: .compute(), .head() or any method computes rows)\n");
    text
}

fn groupby_repr(gb: &GroupBy) -> String {
    let keys: Vec<&str> = gb.keys.iter().map(|(_, n)| n.as_str()).collect();
    format!(
        "<GroupBy by [{}] over {} columns: call an aggregation such as .mean(), .count() or .agg(...)>\n",
        keys.join(", "),
        crate::plan::selection_columns(gb).len()
    )
}

/// Whether a computed scalar is a string (which Python's repr quotes).
fn is_text_value(value: &datafusion::scalar::ScalarValue) -> bool {
    !value.is_null()
        && matches!(
            value.data_type(),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        )
}

/// A list of labels (column names, categories) in a format other than a table: one record
/// per label under the header `column`.
fn labels_text(labels: &[String], format: Format) -> String {
    match format {
        Format::Markdown => {
            let rows: String = labels.iter().map(|n| format!("| {n} |\n")).collect();
            format!("| column |\n| :--- |\n{rows}")
        }
        Format::Json => labels
            .iter()
            .map(|n| format!("{{\"column\":{}}}\n", json_string(n)))
            .collect(),
        Format::Csv | Format::Tsv | Format::Parquet | Format::Table => {
            let mut csv = String::new();
            for label in std::iter::once("column").chain(labels.iter().map(String::as_str)) {
                write_csv_record(&mut csv, [label]);
            }
            csv
        }
    }
}

/// pandas' repr of a categorical's categories other than text: `pd.cut`'s IntervalIndex, or an
/// Index of numbers.
fn category_index_repr(labels: &[String], dtype: &str) -> String {
    if dtype.starts_with("datetime64") {
        let quoted: Vec<String> = labels.iter().map(|l| python_str_repr(l)).collect();
        return output::index::shown_index_repr(
            "DatetimeIndex",
            output::index::Shown::of(&quoted),
            quoted.len(),
            &[format!("dtype='{dtype}'")],
            &["freq=None".to_string()],
            false,
        );
    }
    let class = match dtype.starts_with("interval") {
        true => "IntervalIndex",
        false => "Index",
    };
    output::index::index_repr(class, labels, &[format!("dtype='{dtype}'")], true)
}

fn columns_repr(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| python_str_repr(n)).collect();
    output::index::index_repr("Index", &quoted, &["dtype='object'".to_string()], false)
}

/// The error raised when Ctrl-C interrupts a query.
pub fn cancelled() -> DdqError {
    DdqError::new(ErrorKind::Cancelled, "query cancelled")
}

/// pandas' repr of a `CategoricalDtype`, with its categories' own dtype (numbers mixed with
/// floats are floats there, as in pandas' Index).
fn categorical_dtype_repr(dtype: &crate::plan::value::CategoricalDtype) -> String {
    let ordered = if dtype.ordered { "True" } else { "False" };
    let Some(items) = &dtype.categories else {
        return format!(
            "CategoricalDtype(categories=None, ordered={ordered}, categories_dtype=None)"
        );
    };
    let any_float = items.iter().any(|v| matches!(v, Value::Float(_)));
    let shown: Vec<String> = items
        .iter()
        .map(|v| match v {
            Value::Str(text) => python_str_repr(text),
            Value::Int(i) if any_float => format_float_python(*i as f64),
            Value::Int(i) => i.to_string(),
            Value::Float(x) => format_float_python(*x),
            Value::Bool(true) => "True".to_string(),
            Value::Bool(false) => "False".to_string(),
            other => other.kind_name().to_string(),
        })
        .collect();
    let kind = match items.first() {
        Some(Value::Str(_)) => "object",
        Some(Value::Bool(_)) => "bool",
        Some(_) if any_float => "float64",
        Some(_) => "int64",
        None => "object",
    };
    format!(
        "CategoricalDtype(categories=[{}], ordered={ordered}, categories_dtype={kind})",
        shown.join(", ")
    )
}
