//! The history page's data: each finished statement with its duration, rows out, bytes read and
//! scheduler, and each of its plans reduced to its operators' totals from the run (rows, compute
//! time, spills, as `explain analyze` shows them), drawn as SVG by `visualize`'s layout.

use crate::engine::visualize::{graph_dot, svg_of};
use crate::error::Result;
use datafusion::physical_plan::{ExecutionPlan, ExecutionPlanProperties};
use serde::Serialize;
use std::sync::Arc;

/// A statement that has ended.
#[derive(Debug, Clone, Serialize)]
pub struct StatementRecord {
    pub id: u64,
    pub text: String,
    pub scheduler: String,
    pub started_ms: u64,
    pub duration_ms: u64,
    /// Rows of its result (of the last plan it ran); none when no plan ran to its end.
    pub rows_out: Option<u64>,
    /// Bytes its scans read in this process (a cluster's workers read theirs).
    pub bytes_read: u64,
    pub on_cluster: bool,
    pub error: Option<String>,
    pub plans: Vec<PlanSummary>,
}

/// A physical plan as it ran: operators numbered depth-first from the root, and the edges from
/// each input to the operator that reads it.
#[derive(Debug, Clone, Serialize)]
pub struct PlanSummary {
    pub nodes: Vec<OperatorTotals>,
    pub edges: Vec<(usize, usize)>,
}

/// One operator's totals over its partitions; a metric it does not keep is `None`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OperatorTotals {
    pub name: String,
    pub partitions: usize,
    pub rows: Option<u64>,
    /// CPU time spent in it, in nanoseconds.
    pub compute_ns: Option<u64>,
    pub spill_count: Option<u64>,
    pub spilled_bytes: Option<u64>,
}

impl PlanSummary {
    pub fn of(plan: &Arc<dyn ExecutionPlan>) -> PlanSummary {
        let mut summary = PlanSummary {
            nodes: Vec::new(),
            edges: Vec::new(),
        };
        summary.collect(plan);
        summary
    }

    fn collect(&mut self, plan: &Arc<dyn ExecutionPlan>) -> usize {
        let metrics = plan.metrics();
        let metric = |f: fn(&datafusion::physical_plan::metrics::MetricsSet) -> Option<usize>| {
            metrics.as_ref().and_then(f).map(|v| v as u64)
        };
        let id = self.nodes.len();
        self.nodes.push(OperatorTotals {
            name: plan.name().to_string(),
            partitions: plan.output_partitioning().partition_count(),
            rows: metric(|m| m.output_rows()),
            compute_ns: metric(|m| m.elapsed_compute()),
            spill_count: metric(|m| m.spill_count()),
            spilled_bytes: metric(|m| m.spilled_bytes()),
        });
        for child in plan.children() {
            let child_id = self.collect(child);
            self.edges.push((child_id, id));
        }
        id
    }

    /// The plan drawn as SVG, each operator labelled with its totals.
    pub fn svg(&self) -> Result<String> {
        let labels: Vec<String> = self.nodes.iter().map(OperatorTotals::label).collect();
        svg_of(&graph_dot(&labels, &self.edges))
    }
}

impl OperatorTotals {
    /// `AggregateExec (4 partitions)` and a line of its metrics: `rows=12, time=3.2ms`.
    fn label(&self) -> String {
        let noun = if self.partitions == 1 {
            "partition"
        } else {
            "partitions"
        };
        let mut metrics = Vec::new();
        if let Some(rows) = self.rows {
            metrics.push(format!("rows={rows}"));
        }
        if let Some(ns) = self.compute_ns {
            metrics.push(format!("time={}", format_nanos(ns)));
        }
        if let Some(count) = self.spill_count.filter(|&c| c > 0) {
            let bytes = crate::config::size::format_size(self.spilled_bytes.unwrap_or(0));
            metrics.push(format!("spills={count} ({bytes})"));
        }
        let head = format!("{} ({} {noun})", self.name, self.partitions);
        if metrics.is_empty() {
            head
        } else {
            format!("{head}\n{}", metrics.join(", "))
        }
    }
}

/// A duration as `explain analyze` writes it: `850ns`, `3.2ms`, `1.50s`.
pub fn format_nanos(ns: u64) -> String {
    match ns {
        0..1_000 => format!("{ns}ns"),
        1_000..1_000_000 => format!("{:.1}µs", ns as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1}ms", ns as f64 / 1e6),
        _ => format!("{:.2}s", ns as f64 / 1e9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::SessionContext;

    #[tokio::test]
    async fn a_run_plan_keeps_each_operators_rows_and_draws_them() {
        let ctx = SessionContext::new();
        let df = ctx
            .sql("SELECT x % 3 AS k, count(*) AS n FROM (SELECT unnest(range(0, 100)) AS x) GROUP BY k")
            .await
            .unwrap();
        let plan = df.clone().create_physical_plan().await.unwrap();
        let batches = datafusion::physical_plan::collect(Arc::clone(&plan), ctx.task_ctx())
            .await
            .unwrap();
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        let summary = PlanSummary::of(&plan);
        assert_eq!(summary.edges.len(), summary.nodes.len() - 1);
        let aggregate = summary
            .nodes
            .iter()
            .find(|n| n.name == "AggregateExec")
            .expect("an aggregate");
        assert_eq!(aggregate.rows, Some(rows as u64));
        assert!(aggregate.compute_ns.is_some());
        let svg = summary.svg().unwrap();
        assert!(svg.starts_with("<svg") || svg.contains("<svg"), "{svg}");
        assert!(svg.contains("rows=3"), "the drawing shows the rows: {svg}");
    }

    #[test]
    fn durations_read_as_explain_analyze_writes_them() {
        assert_eq!(format_nanos(850), "850ns");
        assert_eq!(format_nanos(3_200_000), "3.2ms");
        assert_eq!(format_nanos(1_500_000_000), "1.50s");
    }
}
