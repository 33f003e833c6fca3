//! Notebook plumbing: the lines of a Dask notebook that set up machinery rather than compute —
//! `ProgressBar().register()`, `client.cluster`, `with dask.config.set(scheduler=...):` and
//! `with ProgressBar():` blocks — done the ddq way, so a pasted notebook runs on.

use super::{Flow, Session};
use crate::config::display::BarMode;
use crate::error::{DdqError, Result};
use crate::lang::ast::{Expr, ExprKind, Stmt};
use crate::plan::value::{Action, Value};

/// What a plumbing line asks for.
enum Plumbing {
    /// `ProgressBar().register()` (true) or `.unregister()` (false).
    Progress(bool),
    /// `client.cluster` of a bound `Client(...)`.
    ClientCluster,
}

impl Session {
    /// Does `expr` when it is notebook plumbing; `None` for every other expression.
    pub(super) async fn plumbing(&mut self, expr: &Expr) -> Option<Result<()>> {
        Some(match self.plumbing_kind(expr)? {
            Plumbing::Progress(on) => {
                self.settings.progress = if on { BarMode::Clear } else { BarMode::Off };
                if !self.settings.quiet {
                    eprintln!(
                        "{}",
                        if on {
                            "the progress bar is on; `set progress off` hides it"
                        } else {
                            "the progress bar is off; `set progress clear` shows it"
                        }
                    );
                }
                Ok(())
            }
            Plumbing::ClientCluster => self.print_cluster().await,
        })
    }

    fn plumbing_kind(&self, expr: &Expr) -> Option<Plumbing> {
        match &expr.kind {
            ExprKind::Call { func, args } if args.is_empty() => match &func.kind {
                ExprKind::Attr { value, name } if is_progress_bar(value) => {
                    match name.name.as_str() {
                        "register" => Some(Plumbing::Progress(true)),
                        "unregister" => Some(Plumbing::Progress(false)),
                        _ => None,
                    }
                }
                _ => None,
            },
            ExprKind::Attr { value, name } if name.name == "cluster" => match &value.kind {
                ExprKind::Name(client) if self.is_client(client) => Some(Plumbing::ClientCluster),
                _ => None,
            },
            _ => None,
        }
    }

    fn is_client(&self, name: &str) -> bool {
        matches!(self.vars.get(name), Some(Value::Action(action))
            if matches!(&**action, Action::Schedule(request) if request.is_client))
    }

    async fn print_cluster(&mut self) -> Result<()> {
        self.ensure_scheduler(self.settings.scheduler).await?;
        let text = self.cluster_status().await?;
        self.write_text(&text)
    }

    /// `with CONTEXT:` runs its body under `dask.config.set(scheduler=...)` or a
    /// `ProgressBar()`, and puts the scheduler or the progress bar back afterwards, as
    /// leaving Python's block does.
    pub(super) async fn run_with(&mut self, context: &Expr, body: &[Stmt]) -> Result<Flow> {
        let before = (self.settings.scheduler, self.settings.progress);
        if is_progress_bar(context) {
            if self.settings.progress == BarMode::Off {
                self.settings.progress = BarMode::Clear;
            }
        } else {
            let request = match self.planner().eval(context)? {
                Value::Action(action) => match *action {
                    Action::Schedule(request) if !request.is_client => request,
                    _ => return Err(unsupported_context(context)),
                },
                _ => return Err(unsupported_context(context)),
            };
            self.schedule(&request).await?;
        }
        let mut result = Ok(Flow::Continue);
        for stmt in body {
            result = Box::pin(self.run_statement(stmt)).await;
            if !matches!(result, Ok(Flow::Continue)) {
                break;
            }
        }
        (self.settings.scheduler, self.settings.progress) = before;
        result
    }
}

/// `ProgressBar()` (or `diagnostics.ProgressBar()`, as imported).
fn is_progress_bar(expr: &Expr) -> bool {
    let ExprKind::Call { func, args } = &expr.kind else {
        return false;
    };
    let name = match &func.kind {
        ExprKind::Name(name) => name,
        ExprKind::Attr { name, .. } => &name.name,
        _ => return false,
    };
    args.is_empty() && name == "ProgressBar"
}

fn unsupported_context(context: &Expr) -> DdqError {
    DdqError::unsupported(
        "ddq runs a `with` block only under dask.config.set(scheduler=...) or ProgressBar()",
    )
    .at(context.span)
    .with_help("run the block's statements on their own")
}
