//! What runs plans: the ordered file scan and its columnar cache (`scan`, `cache`, and the
//! columns a session keeps in memory: `held`), the memory
//! cap and spilling (`memory`), persisted frames (`persist`), the nodes that keep a shown frame's
//! first and last rows (`ends`) or reads them after finding their positions (`late_ends`), what ddq's plan nodes answer alike (`nodes`), the executor that
//! streams a plan into a renderer (a panic while it runs is the statement's error: `guard`;
//! a merge in file order reads its partitions ahead, on every core: `read_ahead`;
//! a text literal too long to repeat on every row of a batch is refused first: `broadcast`;
//! a row cut that DataFusion's planning dropped is put back: `cut`),
//! writing files (`write`), drawing plans (`visualize`) and plots (`plot`), progress, the cluster schedulers
//! (`cluster`) and the dashboard web page that shows them running (`dashboard`).
//! It implements the planner's `Sources` trait (`sources`), the one way `plan` reaches files.

pub(crate) mod broadcast;
pub mod cache;
pub mod cluster;
pub(crate) mod counted;
pub(crate) mod cut;
pub mod dashboard;
pub(crate) mod ends;
pub mod executor;
pub(crate) mod guard;
pub(crate) mod held;
pub(crate) mod late_ends;
pub mod memory;
pub(crate) mod nodes;
pub mod persist;
pub mod plot;
pub mod progress;
pub(crate) mod read_ahead;
pub(crate) mod replay;
pub mod scan;
pub mod sources;
pub(crate) mod subqueries;
pub mod visualize;
pub mod write;

#[cfg(test)]
mod planner_tests;

use datafusion::prelude::SessionConfig;

/// DataFusion's options every ddq session plans under, on threads and on a cluster (whose
/// scheduler gets the session's options with each job).
pub fn with_planner_options(mut config: SessionConfig) -> SessionConfig {
    // A comparison is `(a > b) IS TRUE` (pandas' False for a missing value), which DataFusion
    // types as never null but plans as a nullable `IS NOT DISTINCT FROM`; grouping by such a
    // column (`df.assign(late=df.x > 15).groupby("late")`) then fails the aggregate's schema
    // check on nullability alone. DataFusion offers this switch for such planner mismatches.
    config
        .options_mut()
        .execution
        .skip_physical_aggregate_schema_check = true;
    config
}
