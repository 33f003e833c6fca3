//! Sending a statement to the cluster as a physical plan, and reading its result back.
//!
//! Ballista's own client sends the logical plan. The scheduler plans it and ends every job with
//! a stage that merges all partitions into one: a task a worker launches, runs and writes to a
//! file before this process fetches that file. On two cores that last stage costs each statement
//! a few milliseconds of hand-offs, and the client opens new connections to the scheduler and
//! to the worker for every job. Here ddq plans the statement itself, as for threads, sends the
//! part below the plan's final merge as the job, fetches each of that part's partitions from the
//! worker that computed it and merges them in this process, as Dask's client gathers the last
//! tasks' results. One connection to the scheduler and one per worker serve the whole session.
//!
//! A plan whose distributed part Ballista's physical plan format cannot carry goes the old way,
//! as a logical plan the scheduler plans ([`JobClient::cluster_part`] answers `None`): one over
//! a `persist()`ed frame, which only the logical plan carries (as the frame's definition).

use crate::config::scheduler::split_host_port;
use crate::engine::cluster::codec::{DdqPhysicalCodec, external};
use crate::engine::ends::DdqQueryPlanner;
use crate::engine::nodes::{leaf_with_children, stream_later, with_children};
use crate::engine::scan::PlannedForCluster;
use ballista_core::JobId;
use ballista_core::client::BallistaClient;
use ballista_core::config::BallistaConfig;
use ballista_core::serde::protobuf::execute_query_params::Query;
use ballista_core::serde::protobuf::get_job_status_result::FlightProxy;
use ballista_core::serde::protobuf::scheduler_grpc_client::SchedulerGrpcClient;
use ballista_core::serde::protobuf::{
    ExecuteQueryParams, GetJobStatusResult, KeyValuePair, PartitionLocation, job_status,
};
use ballista_core::utils::{GrpcClientConfig, create_grpc_client_endpoint};
use ballista_scheduler::planner::{DefaultDistributedPlanner, DistributedPlanner};
use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::config::ConfigOptions;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::runtime_env::RuntimeEnv;
use datafusion::execution::{
    SendableRecordBatchStream, SessionState, SessionStateBuilder, TaskContext,
};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_plan::coalesce_partitions::CoalescePartitionsExec;
use datafusion::physical_plan::sorts::sort_preserving_merge::SortPreservingMergeExec;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, ExecutionPlanProperties, PlanProperties,
    displayable,
};
use datafusion::prelude::SessionConfig;
use datafusion_proto::physical_plan::AsExecutionPlan;
use datafusion_proto::protobuf::PhysicalPlanNode;
use futures::{StreamExt, TryStreamExt};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;
use tonic::transport::Channel;

/// This session's connections to a cluster: one to the scheduler, one to each worker results
/// were fetched from. gRPC channels multiplex, so concurrent fetches share them.
pub struct JobClient {
    /// The scheduler's HOST:PORT.
    address: String,
    scheduler: SchedulerGrpcClient<Channel>,
    workers: Mutex<HashMap<(String, u16), BallistaClient>>,
    grpc: GrpcClientConfig,
    max_message_size: usize,
}

impl JobClient {
    /// A client for the scheduler at `address` (HOST:PORT). Connects on first use.
    pub fn new(address: &str, config: &BallistaConfig) -> std::result::Result<JobClient, String> {
        let grpc = GrpcClientConfig::from(config);
        let max_message_size = config.grpc_client_max_message_size();
        let scheme = if grpc.use_tls { "https" } else { "http" };
        let endpoint = create_grpc_client_endpoint(format!("{scheme}://{address}"), Some(&grpc))
            .map_err(|e| format!("cannot use the scheduler address {address}: {e}"))?;
        let scheduler = SchedulerGrpcClient::new(endpoint.connect_lazy())
            .max_encoding_message_size(max_message_size)
            .max_decoding_message_size(max_message_size);
        Ok(JobClient {
            address: address.to_string(),
            scheduler,
            workers: Mutex::new(HashMap::new()),
            grpc,
            max_message_size,
        })
    }

    pub fn address(&self) -> &str {
        &self.address
    }

    /// `plan` (planned here for the cluster) with the part below its final merge replaced by a
    /// [`JobExec`] that runs that part as a job; `None` when that part cannot be sent.
    pub fn cluster_part(
        self: &Arc<Self>,
        plan: Arc<dyn ExecutionPlan>,
        config: &SessionConfig,
        session_id: &str,
    ) -> Option<Arc<dyn ExecutionPlan>> {
        let job = |part: Arc<dyn ExecutionPlan>| -> Result<Arc<dyn ExecutionPlan>> {
            Ok(Arc::new(JobExec::try_new(
                part,
                Arc::clone(self),
                settings_of(config),
                session_id,
            )?))
        };
        match below_final_merge(plan, &job) {
            Ok(plan) => Some(plan),
            Err(e) => {
                log::debug!("sending the logical plan instead: {e}");
                None
            }
        }
    }

    /// Submits a job and waits for it to end, returning where its partitions were written.
    async fn run(&self, request: ExecuteQueryParams) -> std::result::Result<JobOutput, String> {
        let mut scheduler = self.scheduler.clone();
        let mut request = tonic::Request::new(request);
        ballista_core::version::insert_version_header(request.metadata_mut());
        let refused = |e: tonic::Status| {
            let address = &self.address;
            format!(
                "the scheduler at {address} did not take the job: {}",
                status_text(&e)
            )
        };
        let lost = |e: tonic::Status| {
            let address = &self.address;
            format!(
                "lost the scheduler at {address} while the job ran: {}",
                status_text(&e)
            )
        };
        let mut statuses = scheduler
            .execute_query_push(request)
            .await
            .map_err(refused)?
            .into_inner();
        while let Some(update) = statuses.message().await.map_err(lost)? {
            let GetJobStatusResult {
                status,
                flight_proxy,
            } = update;
            let Some(status) = status else { continue };
            match status.status {
                Some(job_status::Status::Failed(failed)) => {
                    return Err(format!("Job {} failed: {}", status.job_id, failed.error));
                }
                Some(job_status::Status::Successful(done)) => {
                    return Ok(JobOutput {
                        locations: done.partition_location,
                        proxy: flight_proxy,
                    });
                }
                _ => {}
            }
        }
        Err(format!(
            "the scheduler at {} stopped reporting on the job before it ended",
            self.address
        ))
    }

    /// A client for the worker (or Flight proxy) at `host:port`, connected once per session.
    async fn worker(&self, host: &str, port: u16) -> Result<BallistaClient> {
        let key = (host.to_string(), port);
        if let Some(client) = self.workers.lock().ok().and_then(|w| w.get(&key).cloned()) {
            return Ok(client);
        }
        let client = BallistaClient::try_new(
            host,
            port,
            self.max_message_size,
            self.grpc.use_tls,
            None,
            self.grpc.io_retries_times,
            self.grpc.io_retry_wait_time_ms,
            0,
            0,
        )
        .await
        .map_err(|e| {
            DataFusionError::Execution(format!("cannot reach worker {host}:{port}: {e}"))
        })?;
        if let Ok(mut workers) = self.workers.lock() {
            workers.insert(key, client.clone());
        }
        Ok(client)
    }

    /// One of a job's output partitions, read from where it was written.
    async fn fetch(
        &self,
        location: PartitionLocation,
        proxy: Option<FlightProxy>,
    ) -> Result<SendableRecordBatchStream> {
        let layout = location.layout();
        let (Some(worker), Some(partition)) = (location.executor_meta, location.partition_id)
        else {
            return Err(DataFusionError::Execution(
                "the scheduler named a result partition without its worker".to_string(),
            ));
        };
        let (host, port) = match proxy {
            Some(FlightProxy::External(address)) => split_host_port(&address).map_err(external)?,
            Some(FlightProxy::Local(true)) => split_host_port(&self.address).map_err(external)?,
            _ => (worker.host.clone(), worker.port as u16),
        };
        let mut client = self.worker(&host, port).await?;
        client
            .fetch_partition_proxied(
                &worker.id,
                &partition.into(),
                location.file_id,
                layout,
                &worker.host,
                worker.port as u16,
                true,
            )
            .await
            .map_err(|e| {
                DataFusionError::Execution(format!(
                    "cannot read a result from worker {}:{}: {e}",
                    worker.host, worker.port
                ))
            })
    }
}

impl fmt::Debug for JobClient {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("JobClient")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

/// A gRPC status as a person reads it: its message, or its code when it has none (a
/// connection refused or reset carries no message).
fn status_text(status: &tonic::Status) -> String {
    match status.message() {
        "" => format!("{:?}", status.code()),
        message => message.to_string(),
    }
}

/// The settings a job carries: every option of the session it was planned in (target
/// partitions, the job's name, ddq's and Ballista's own), as Ballista's client sends them.
fn settings_of(config: &SessionConfig) -> Vec<KeyValuePair> {
    config
        .options()
        .entries()
        .into_iter()
        .map(|entry| KeyValuePair {
            key: entry.key,
            value: entry.value,
        })
        .collect()
}

/// The merge that ends a plan whose partitions are computed apart: the cut between the job
/// and this process.
fn is_final_merge(plan: &dyn ExecutionPlan) -> bool {
    plan.is::<CoalescePartitionsExec>() || plan.is::<SortPreservingMergeExec>()
}

/// `plan` with `job` put in place of what the cluster should compute: the input of the first
/// merge met going down from the root through single-partition nodes with one input; the
/// whole plan when there is none (a join of two merged inputs, a plan of one partition).
fn below_final_merge(
    plan: Arc<dyn ExecutionPlan>,
    job: &dyn Fn(Arc<dyn ExecutionPlan>) -> Result<Arc<dyn ExecutionPlan>>,
) -> Result<Arc<dyn ExecutionPlan>> {
    if !has_final_merge(plan.as_ref()) {
        return job(plan);
    }
    let child = Arc::clone(plan.children()[0]);
    let input = match is_final_merge(plan.as_ref()) {
        true => job(child)?,
        false => below_final_merge(child, job)?,
    };
    with_children(plan, vec![input])
}

/// Whether a merge ends the chain of single-partition, single-input nodes from `plan` down.
fn has_final_merge(plan: &dyn ExecutionPlan) -> bool {
    let children = plan.children();
    let [child] = children.as_slice() else {
        return false;
    };
    if plan.output_partitioning().partition_count() != 1 {
        return false;
    }
    is_final_merge(plan)
        || (child.output_partitioning().partition_count() == 1 && has_final_merge(child.as_ref()))
}

/// How many tasks the jobs in `plan` will run on the cluster, as the scheduler will cut them
/// into stages (one task per input partition of each stage); `None` when a job's part cannot
/// be cut here. Known before the job starts, so the bar counts tasks of the whole job rather
/// than of the stages the scheduler has launched so far.
pub fn planned_tasks(plan: &Arc<dyn ExecutionPlan>, config: &ConfigOptions) -> Option<u64> {
    let mut total = 0u64;
    let mut cut = true;
    let _ = plan.apply(|node| {
        if let Some(job) = node.downcast_ref::<JobExec>() {
            let mut planner = DefaultDistributedPlanner::new();
            let part = Arc::clone(&job.part);
            match planner.plan_query_stages(&JobId::new("ddq-count"), part, config) {
                Ok(stages) => {
                    total += stages
                        .iter()
                        .map(|s| s.input_partition_count() as u64)
                        .sum::<u64>()
                }
                Err(_) => cut = false,
            }
        }
        Ok(TreeNodeRecursion::Continue)
    });
    (cut && total > 0).then_some(total)
}

/// What a finished job left: where each of its partitions was written, and where to fetch
/// them through when the scheduler proxies results.
#[derive(Debug)]
struct JobOutput {
    locations: Vec<PartitionLocation>,
    proxy: Option<FlightProxy>,
}

/// The part of a plan that runs on the cluster, as one job: its partitions are the part's
/// partitions, read back from the workers once the job has ended. The job starts when the
/// first partition is asked for, and runs once for all of them.
#[derive(Debug)]
pub struct JobExec {
    /// The part, kept for display.
    part: Arc<dyn ExecutionPlan>,
    /// The job as the scheduler takes it: the part in Ballista's physical plan format (with
    /// ddq's codec) and the session's settings. Sent once, by the first partition asked for.
    request: Arc<ExecuteQueryParams>,
    client: Arc<JobClient>,
    properties: Arc<PlanProperties>,
    output: Arc<OnceCell<std::result::Result<Arc<JobOutput>, String>>>,
}

impl JobExec {
    pub const NAME: &str = "DdqJobExec";

    fn try_new(
        part: Arc<dyn ExecutionPlan>,
        client: Arc<JobClient>,
        settings: Vec<KeyValuePair>,
        session_id: &str,
    ) -> Result<JobExec> {
        let node = PhysicalPlanNode::try_from_physical_plan(
            Arc::clone(&part),
            &DdqPhysicalCodec::default(),
        )?;
        let mut encoded = Vec::new();
        node.try_encode(&mut encoded)?;
        let request = ExecuteQueryParams {
            query: Some(Query::PhysicalPlan(encoded)),
            settings,
            session_id: session_id.to_string(),
            operation_id: String::new(),
        };
        Ok(JobExec {
            properties: Arc::clone(part.properties()),
            part,
            request: Arc::new(request),
            client,
            output: Arc::new(OnceCell::new()),
        })
    }
}

impl DisplayAs for JobExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "{}: partitions={}, on the cluster at {}: {}",
            Self::NAME,
            self.properties.output_partitioning().partition_count(),
            self.client.address,
            self.part.name()
        )
    }
}

impl ExecutionPlan for JobExec {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    /// None: what the job computes is planned already and runs elsewhere.
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        leaf_with_children(self, children)
    }

    fn execute(
        &self,
        partition: usize,
        _context: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        let client = Arc::clone(&self.client);
        let output = Arc::clone(&self.output);
        let request = Arc::clone(&self.request);
        let locations = async move {
            let run = || async { client.run(request.as_ref().clone()).await.map(Arc::new) };
            let output = output
                .get_or_init(run)
                .await
                .clone()
                .map_err(DataFusionError::Execution)?;
            let mine: Vec<PartitionLocation> = output
                .locations
                .iter()
                .filter(|l| {
                    l.partition_id.as_ref().map(|p| p.partition_id as usize) == Some(partition)
                })
                .cloned()
                .collect();
            let proxy = output.proxy.clone();
            let fetched = futures::stream::iter(mine)
                .then(move |location| {
                    let client = Arc::clone(&client);
                    let proxy = proxy.clone();
                    async move { client.fetch(location, proxy).await }
                })
                .try_flatten();
            Ok(fetched)
        };
        Ok(stream_later(self.schema(), locations))
    }
}

/// How a plan cut by [`JobClient::cluster_part`] runs, for `explain`: the part this process
/// runs (each job one node in it) and what each job computes; `None` for a plan without a job.
pub fn explain_cut(plan: &Arc<dyn ExecutionPlan>) -> Option<String> {
    let mut jobs = Vec::new();
    jobs_in(plan, &mut jobs);
    if jobs.is_empty() {
        return None;
    }
    let mut text = format!(
        "physical_plan (in this process):\n{}\n",
        displayable(plan.as_ref()).indent(true)
    );
    for job in jobs {
        text.push_str(&format!(
            "job (on the cluster at {}; Ballista splits it into stages at each shuffle):\n{}\n",
            job.client.address,
            displayable(job.part.as_ref()).indent(true)
        ));
    }
    Some(text)
}

fn jobs_in<'a>(plan: &'a Arc<dyn ExecutionPlan>, jobs: &mut Vec<&'a JobExec>) {
    if let Some(job) = plan.downcast_ref::<JobExec>() {
        jobs.push(job);
    }
    for child in plan.children() {
        jobs_in(child, jobs);
    }
}

/// A state that plans as the cluster's scheduler does (its optimizer rules, ddq's ends planner,
/// scans split for workers) under `config`, the session's cluster settings; what the plan
/// leaves to this process runs under `runtime`.
pub fn planning_state(mut config: SessionConfig, runtime: Arc<RuntimeEnv>) -> SessionState {
    config.set_extension(Arc::new(PlannedForCluster));
    SessionStateBuilder::new()
        .with_default_features()
        .with_config(config)
        .with_runtime_env(runtime)
        .with_optimizer_rules(ballista_core::optimizer::ballista_default_optimizer_rules())
        .with_query_planner(Arc::new(DdqQueryPlanner))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
    use datafusion::datasource::memory::MemorySourceConfig;
    use datafusion::physical_expr::{LexOrdering, PhysicalSortExpr};
    use datafusion::physical_plan::displayable;
    use datafusion::physical_plan::expressions::col;
    use datafusion::physical_plan::joins::CrossJoinExec;
    use datafusion::physical_plan::limit::GlobalLimitExec;
    use datafusion::physical_plan::sorts::sort::SortExec;
    use std::cell::RefCell;

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![Field::new("pos", DataType::Int64, false)]))
    }

    /// An empty scan of two partitions, as a cluster's scans are split.
    fn two_partitions() -> Arc<dyn ExecutionPlan> {
        MemorySourceConfig::try_new_exec(&[vec![], vec![]], schema(), None).unwrap()
    }

    fn by_pos() -> LexOrdering {
        LexOrdering::new(vec![PhysicalSortExpr::new_default(
            col("pos", &schema()).unwrap(),
        )])
        .unwrap()
    }

    /// The first line of each part `below_final_merge` would send, and the plan left here.
    fn cut(plan: Arc<dyn ExecutionPlan>) -> (Vec<String>, String) {
        let parts = RefCell::new(Vec::new());
        let job = |part: Arc<dyn ExecutionPlan>| -> Result<Arc<dyn ExecutionPlan>> {
            let shown = displayable(part.as_ref()).one_line().to_string();
            parts.borrow_mut().push(shown.trim().to_string());
            Ok(part)
        };
        let left = below_final_merge(plan, &job).unwrap();
        let left = displayable(left.as_ref()).one_line().to_string();
        (parts.into_inner(), left.trim().to_string())
    }

    #[test]
    fn an_ordered_result_is_merged_here_from_the_jobs_sorted_partitions() {
        let sorted =
            Arc::new(SortExec::new(by_pos(), two_partitions()).with_preserve_partitioning(true));
        let merged = Arc::new(SortPreservingMergeExec::new(by_pos(), sorted));
        let limited = Arc::new(GlobalLimitExec::new(merged, 0, Some(10)));

        let (parts, left) = cut(limited);
        assert_eq!(parts.len(), 1);
        assert!(parts[0].starts_with("SortExec"), "{parts:?}");
        assert!(left.starts_with("GlobalLimitExec"), "{left}");
    }

    #[test]
    fn an_unordered_result_is_gathered_here() {
        let gathered = Arc::new(CoalescePartitionsExec::new(two_partitions()));
        let (parts, left) = cut(gathered);
        assert_eq!(parts.len(), 1);
        assert!(parts[0].starts_with("DataSourceExec"), "{parts:?}");
        assert!(left.starts_with("CoalescePartitionsExec"), "{left}");
    }

    #[test]
    fn a_plan_without_one_final_merge_is_sent_whole() {
        let joined = Arc::new(CrossJoinExec::new(
            Arc::new(CoalescePartitionsExec::new(two_partitions())),
            two_partitions(),
        ));
        let (parts, _) = cut(joined);
        assert_eq!(parts.len(), 1);
        assert!(parts[0].starts_with("CrossJoinExec"), "{parts:?}");

        let (parts, _) = cut(two_partitions());
        assert!(parts[0].starts_with("DataSourceExec"), "{parts:?}");

        let one = MemorySourceConfig::try_new_exec(&[vec![]], schema(), None).unwrap();
        let (parts, left) = cut(Arc::new(GlobalLimitExec::new(one, 0, Some(10))));
        assert!(parts[0].starts_with("GlobalLimitExec"), "{parts:?}");
        assert_eq!(parts[0], left);
    }
}
