//! The task graph `visualize` draws, as Dask draws a collection's: one node per partition task,
//! grouped into layers by operator. It is read off the physical plan but counts partitions as
//! `npartitions` does: a scan has one task per file partition it reads (a DataFusion partition
//! reads several of them in turn, one per core, which is the engine's business, not the user's);
//! an operator that works partition by partition keeps its input's count; a reduction fans in
//! through a tree, eight tasks at a time (Dask's `split_every`); a shuffle makes every task
//! read every task before it; and the value's own partition count (`repartition`) closes it.

use crate::engine::scan::scan_tasks;
use datafusion::physical_plan::aggregates::{AggregateExec, AggregateMode};
use datafusion::physical_plan::repartition::RepartitionExec;
use datafusion::physical_plan::{ExecutionPlan, ExecutionPlanProperties, Partitioning};
use std::collections::BTreeSet;
use std::sync::Arc;

/// How many tasks a reduction's combine step takes in (Dask's default `split_every`).
const SPLIT_EVERY: usize = 8;

/// One operator's tasks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub name: String,
    pub tasks: usize,
}

/// A task: its layer and its number in the layer.
pub type Task = (usize, usize);

#[derive(Debug, Default)]
pub struct TaskGraph {
    pub layers: Vec<Layer>,
    /// From a task to a task that reads its output.
    pub edges: BTreeSet<(Task, Task)>,
}

/// What an operator hands its parent: a layer's tasks, and whether they are still to be
/// brought together (a merge or a shuffle the plan does between operators, drawn as the edges
/// into the operator that reads them).
#[derive(Debug, Clone, Copy)]
struct Output {
    layer: usize,
    pending: Pending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Nothing,
    /// Every task into one (`concat`, or the merge of sorted partitions).
    FanIn(&'static str),
    /// Every task to every task (a hash exchange).
    Shuffle,
}

/// The task graph of `plan`, a value with `npartitions` partitions.
pub fn task_graph(plan: &Arc<dyn ExecutionPlan>, npartitions: usize) -> TaskGraph {
    let mut graph = TaskGraph::default();
    let output = graph.visit(plan);
    graph.finish(output, npartitions.max(1));
    graph
}

impl TaskGraph {
    fn add_layer(&mut self, name: impl Into<String>, tasks: usize) -> usize {
        self.layers.push(Layer {
            name: name.into(),
            tasks: tasks.max(1),
        });
        self.layers.len() - 1
    }

    fn tasks(&self, layer: usize) -> usize {
        self.layers[layer].tasks
    }

    fn visit(&mut self, plan: &Arc<dyn ExecutionPlan>) -> Output {
        if let Some((tasks, format)) = scan_tasks(plan.as_ref()) {
            return fresh(self.add_layer(format!("read-{format}"), tasks));
        }
        let children = plan.children();
        let outputs: Vec<Output> = children.iter().map(|c| self.visit(c)).collect();
        let [input] = outputs.as_slice() else {
            return match outputs.is_empty() {
                true => fresh(self.add_layer(
                    operator_name(plan.as_ref()),
                    plan.output_partitioning().partition_count(),
                )),
                false => fresh(self.join(plan.as_ref(), &outputs)),
            };
        };
        let input = *input;
        if let Some(pending) = exchange(plan.as_ref(), self.tasks(input.layer)) {
            return Output { pending, ..input };
        }
        if is_plumbing(plan.as_ref()) {
            return input;
        }
        fresh(self.unary(plan.as_ref(), input))
    }

    /// An operator with one input: partition-wise, a reduction, or after a merge or shuffle.
    fn unary(&mut self, plan: &dyn ExecutionPlan, input: Output) -> usize {
        let name = operator_name(plan);
        let reduces = plan
            .downcast_ref::<AggregateExec>()
            .is_some_and(|a| !matches!(a.mode(), AggregateMode::Partial));
        match input.pending {
            _ if reduces && input.pending != Pending::Nothing => self.reduce(input.layer, &name),
            Pending::FanIn(_) => {
                let layer = self.add_layer(name, 1);
                self.connect_all(input.layer, layer);
                layer
            }
            Pending::Shuffle => {
                let layer = self.add_layer(name, self.tasks(input.layer));
                self.connect_all(input.layer, layer);
                layer
            }
            Pending::Nothing => {
                let layer = self.add_layer(name, self.tasks(input.layer));
                self.connect_pairwise(input.layer, layer);
                layer
            }
        }
    }

    /// A reduction of a layer's tasks to one: combine steps of `SPLIT_EVERY` tasks while there
    /// are more than that, then the operator itself.
    fn reduce(&mut self, mut layer: usize, name: &str) -> usize {
        let stem = name.strip_suffix("-agg").unwrap_or(name);
        while self.tasks(layer) > SPLIT_EVERY {
            let combined = self.add_layer(
                format!("{stem}-combine"),
                self.tasks(layer).div_ceil(SPLIT_EVERY),
            );
            for task in 0..self.tasks(layer) {
                self.edges
                    .insert(((layer, task), (combined, task / SPLIT_EVERY)));
            }
            layer = combined;
        }
        let last = self.add_layer(name, 1);
        self.connect_all(layer, last);
        last
    }

    /// An operator with several inputs: a union puts their tasks one after another; a join
    /// takes a task of its largest input with every task of each other input it needs whole.
    fn join(&mut self, plan: &dyn ExecutionPlan, inputs: &[Output]) -> usize {
        let name = operator_name(plan);
        if plan.name() == "UnionExec" {
            let total = inputs.iter().map(|i| self.tasks(i.layer)).sum();
            let layer = self.add_layer(name, total);
            let mut next = 0;
            for input in inputs {
                for task in 0..self.tasks(input.layer) {
                    self.edges.insert(((input.layer, task), (layer, next)));
                    next += 1;
                }
            }
            return layer;
        }
        let tasks = inputs
            .iter()
            .map(|i| match i.pending {
                Pending::FanIn(_) => 1,
                _ => self.tasks(i.layer),
            })
            .max()
            .unwrap_or(1);
        let layer = self.add_layer(name, tasks);
        for input in inputs {
            if input.pending == Pending::Nothing && self.tasks(input.layer) == tasks {
                self.connect_pairwise(input.layer, layer);
            } else {
                self.connect_all(input.layer, layer);
            }
        }
        layer
    }

    /// The value's tasks: a merge left at the top is drawn when the value is one partition (a
    /// scalar, a group-by's result), and otherwise left to the moment the frame is shown, as
    /// Dask leaves its final concatenation out; a frame whose partitions are not the plan's
    /// (`repartition`) gets a layer that merges or splits neighbours into its own.
    fn finish(&mut self, output: Output, npartitions: usize) {
        let mut layer = output.layer;
        if npartitions == 1 && self.tasks(layer) > 1 {
            let name = match output.pending {
                Pending::FanIn(name) => name,
                _ => "concat",
            };
            let last = self.add_layer(name, 1);
            self.connect_all(layer, last);
            layer = last;
        }
        let (n, k) = (self.tasks(layer), npartitions);
        if n == k {
            return;
        }
        let last = self.add_layer("repartition", k);
        for i in 0..n {
            // Input i holds the rows in [i/n, (i+1)/n), output j those in [j/k, (j+1)/k).
            for j in (i * k / n)..k {
                if j * n >= (i + 1) * k {
                    break;
                }
                self.edges.insert(((layer, i), (last, j)));
            }
        }
    }

    fn connect_pairwise(&mut self, from: usize, to: usize) {
        for task in 0..self.tasks(from).min(self.tasks(to)) {
            self.edges.insert(((from, task), (to, task)));
        }
    }

    fn connect_all(&mut self, from: usize, to: usize) {
        for a in 0..self.tasks(from) {
            for b in 0..self.tasks(to) {
                self.edges.insert(((from, a), (to, b)));
            }
        }
    }
}

fn fresh(layer: usize) -> Output {
    Output {
        layer,
        pending: Pending::Nothing,
    }
}

/// Whether `plan` only moves its input's rows between the engine's partitions: a merge into
/// one, or a hash exchange (round-robin spreading is plumbing, see `is_plumbing`).
fn exchange(plan: &dyn ExecutionPlan, input_tasks: usize) -> Option<Pending> {
    let merge = match plan.name() {
        "CoalescePartitionsExec" => Some("concat"),
        "SortPreservingMergeExec" => Some("merge-sorted"),
        _ => None,
    };
    if let Some(name) = merge {
        return Some(match input_tasks {
            0 | 1 => Pending::Nothing,
            _ => Pending::FanIn(name),
        });
    }
    let repartition = plan.downcast_ref::<RepartitionExec>()?;
    match repartition.partitioning() {
        Partitioning::Hash(..) if input_tasks > 1 => Some(Pending::Shuffle),
        _ => None,
    }
}

/// Operators with no task of their own in Dask's terms: batching, cooperative yielding,
/// spreading batches over the engine's threads, and picking columns (Dask folds that into the
/// read).
fn is_plumbing(plan: &dyn ExecutionPlan) -> bool {
    matches!(
        plan.name(),
        "CoalesceBatchesExec" | "CooperativeExec" | "ProjectionExec" | "RepartitionExec"
    )
}

/// A Dask-like name for an operator's tasks: `filter`, `aggregate-chunk`, ...; others by their
/// engine name in lower case (`DdqPartitionEndsExec`: `ddq-partition-ends`).
fn operator_name(plan: &dyn ExecutionPlan) -> String {
    if let Some(aggregate) = plan.downcast_ref::<AggregateExec>() {
        return match aggregate.mode() {
            AggregateMode::Partial => "aggregate-chunk",
            _ => "aggregate-agg",
        }
        .to_string();
    }
    let known = match plan.name() {
        "FilterExec" => "filter",
        "SortExec" => "sort",
        "UnionExec" | "InterleaveExec" => "concat",
        "HashJoinExec" | "SortMergeJoinExec" | "NestedLoopJoinExec" | "CrossJoinExec" => "merge",
        "GlobalLimitExec" | "LocalLimitExec" => "head",
        "WindowAggExec" | "BoundedWindowAggExec" => "window",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    kebab(plan.name().strip_suffix("Exec").unwrap_or(plan.name()))
}

fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('-');
        }
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_names_become_dask_like_names() {
        assert_eq!(kebab("DdqPartitionEnds"), "ddq-partition-ends");
    }

    #[test]
    fn a_reduction_of_ten_tasks_combines_them_in_a_tree() {
        let mut graph = TaskGraph::default();
        let read = graph.add_layer("read-csv", 10);
        let last = graph.reduce(read, "aggregate-agg");
        let layers: Vec<(&str, usize)> = graph
            .layers
            .iter()
            .map(|l| (l.name.as_str(), l.tasks))
            .collect();
        assert_eq!(
            layers,
            [
                ("read-csv", 10),
                ("aggregate-combine", 2),
                ("aggregate-agg", 1)
            ]
        );
        assert_eq!(graph.tasks(last), 1);
        assert_eq!(graph.edges.len(), 10 + 2);
    }

    #[test]
    fn repartition_merges_or_splits_neighbours() {
        let mut graph = TaskGraph::default();
        let read = graph.add_layer("read-csv", 10);
        graph.finish(fresh(read), 5);
        let merged: Vec<usize> = graph.edges.iter().map(|(_, (_, j))| *j).collect();
        assert_eq!(merged, [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
        let mut graph = TaskGraph::default();
        let read = graph.add_layer("read-csv", 2);
        graph.finish(fresh(read), 4);
        let split: Vec<(usize, usize)> = graph
            .edges
            .iter()
            .map(|((_, i), (_, j))| (*i, *j))
            .collect();
        assert_eq!(split, [(0, 0), (0, 1), (1, 2), (1, 3)]);
    }
}
