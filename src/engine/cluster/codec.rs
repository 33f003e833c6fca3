//! Ballista's plan codecs, taught ddq's own pieces: the `FileTable` scan (logical) and its
//! `DdqScanExec` (physical), persisted frames, small in-memory tables, and the functions ddq
//! adds. Everything else goes to Ballista's own codecs. Without these a plan over `read_csv`
//! could not leave the client; with them nothing falls back to threads silently.

use crate::engine::ends::{PartitionEndsExec, PartitionEndsNode};
use crate::engine::nodes::one_input;
use crate::engine::persist::PersistTable;
use crate::engine::scan::{FileTable, wire};
use ballista_core::serde::{BallistaLogicalExtensionCodec, BallistaPhysicalExtensionCodec};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::ipc::reader::StreamReader;
use datafusion::arrow::ipc::writer::StreamWriter;
use datafusion::catalog::TableProvider;
use datafusion::catalog::view::ViewTable;
use datafusion::common::TableReference;
use datafusion::datasource::MemTable;
use datafusion::datasource::file_format::FileFormatFactory;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::TaskContext;
use datafusion::execution::{FunctionRegistry, SessionState, SessionStateBuilder};
use datafusion::logical_expr::{AggregateUDF, Extension, LogicalPlan, ScalarUDF, WindowUDF};
use datafusion::physical_plan::ExecutionPlan;
use datafusion_proto::bytes::{
    logical_plan_from_bytes_with_extension_codec, logical_plan_to_bytes_with_extension_codec,
};
use datafusion_proto::logical_plan::LogicalExtensionCodec;
use datafusion_proto::physical_plan::{PhysicalExtensionCodec, PhysicalProtoConverterExtension};
use std::sync::{Arc, LazyLock};

/// The first byte of a table provider ddq encoded, saying which kind it is.
const FILE_TABLE: u8 = b'F';
const PERSISTED: u8 = b'P';
const IN_MEMORY: u8 = b'M';
/// Marks a physical node ddq encoded (Ballista's own nodes are protobuf, which never starts so).
const SCAN_MARK: &[u8] = b"ddq-scan:";
/// Marks a [`PartitionEndsNode`] or [`PartitionEndsExec`], followed by its two row counts.
const ENDS_MARK: &[u8] = b"ddq-ends:";

fn encode_ends((first, last): (usize, usize), buf: &mut Vec<u8>) {
    buf.extend_from_slice(ENDS_MARK);
    buf.extend_from_slice(&(first as u64).to_le_bytes());
    buf.extend_from_slice(&(last as u64).to_le_bytes());
}

/// The two row counts after an [`ENDS_MARK`], or None if `buf` is not an ends node.
fn decode_ends(buf: &[u8]) -> Option<(usize, usize)> {
    let counts = buf.strip_prefix(ENDS_MARK)?;
    let first = u64::from_le_bytes(counts.get(..8)?.try_into().ok()?);
    let last = u64::from_le_bytes(counts.get(8..16)?.try_into().ok()?);
    Some((first as usize, last as usize))
}

pub(super) fn external(e: crate::error::DdqError) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

/// Every function a ddq client plans with: DataFusion's defaults (Ballista's workers register
/// fewer, e.g. not `make_array`) and ddq's own.
static FUNCTIONS: LazyLock<SessionState> = LazyLock::new(|| {
    let mut state = SessionStateBuilder::new().with_default_features().build();
    for udf in crate::plan::udf::all() {
        let _ = state.register_udf(Arc::new(udf));
    }
    for udaf in crate::plan::moments::all() {
        let _ = state.register_udaf(Arc::new(udaf));
    }
    let _ = state.register_udwf(Arc::new(crate::plan::time_median::time_median_udwf()));
    let _ = state.register_udwf(Arc::new(crate::plan::ewm::ewm_mean_udwf()));
    state
});

/// A function ddq knows, or what Ballista's codec makes of the name.
fn known_or<F: ?Sized>(
    known: Option<Arc<F>>,
    ballista: impl FnOnce() -> Result<Arc<F>>,
) -> Result<Arc<F>> {
    match known {
        Some(function) => Ok(function),
        None => ballista(),
    }
}

fn scalar_function(name: &str) -> Option<Arc<ScalarUDF>> {
    FUNCTIONS.scalar_functions().get(name).cloned()
}

fn aggregate_function(name: &str) -> Option<Arc<AggregateUDF>> {
    FUNCTIONS.aggregate_functions().get(name).cloned()
}

fn window_function(name: &str) -> Option<Arc<WindowUDF>> {
    FUNCTIONS.window_functions().get(name).cloned()
}

#[derive(Debug, Default)]
pub struct DdqLogicalCodec {
    ballista: BallistaLogicalExtensionCodec,
}

impl DdqLogicalCodec {
    fn encode_persisted(&self, table: &PersistTable, buf: &mut Vec<u8>) -> Result<()> {
        let plan = logical_plan_to_bytes_with_extension_codec(table.plan(), self)?;
        buf.push(PERSISTED);
        buf.extend_from_slice(&plan);
        Ok(())
    }

    /// A persisted frame arrives as its plan: the kept partitions live in the client's memory,
    /// which the cluster's processes cannot see, so there it is computed again (its CSV comes
    /// from the scan cache).
    fn decode_persisted(&self, bytes: &[u8], ctx: &TaskContext) -> Result<Arc<dyn TableProvider>> {
        let plan: LogicalPlan = logical_plan_from_bytes_with_extension_codec(bytes, ctx, self)?;
        Ok(Arc::new(ViewTable::new(plan, None)))
    }
}

fn encode_in_memory(table: &MemTable, buf: &mut Vec<u8>) -> Result<()> {
    buf.push(IN_MEMORY);
    let mut writer = StreamWriter::try_new(&mut *buf, &table.schema())?;
    for partition in &table.batches {
        let batches = partition.try_read().map_err(|_| {
            DataFusionError::Execution("an in-memory table is being written to".into())
        })?;
        for batch in batches.iter() {
            writer.write(batch)?;
        }
    }
    writer.finish()?;
    Ok(())
}

fn decode_in_memory(bytes: &[u8], schema: SchemaRef) -> Result<Arc<dyn TableProvider>> {
    let reader = StreamReader::try_new(bytes, None)?;
    let batches = reader.collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(Arc::new(MemTable::try_new(schema, vec![batches])?))
}

impl LogicalExtensionCodec for DdqLogicalCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[LogicalPlan],
        ctx: &TaskContext,
    ) -> Result<Extension> {
        match decode_ends(buf) {
            Some(ends) => Ok(Extension {
                node: Arc::new(PartitionEndsNode::new(
                    one_input(inputs.to_vec(), PartitionEndsNode::NAME)?,
                    ends,
                )?),
            }),
            None => self.ballista.try_decode(buf, inputs, ctx),
        }
    }

    fn try_encode(&self, node: &Extension, buf: &mut Vec<u8>) -> Result<()> {
        match node.node.as_any().downcast_ref::<PartitionEndsNode>() {
            Some(ends) => {
                encode_ends(ends.ends(), buf);
                Ok(())
            }
            None => self.ballista.try_encode(node, buf),
        }
    }

    fn try_decode_table_provider(
        &self,
        buf: &[u8],
        table_ref: &TableReference,
        schema: SchemaRef,
        ctx: &TaskContext,
    ) -> Result<Arc<dyn TableProvider>> {
        match buf.split_first() {
            Some((&FILE_TABLE, rest)) => Ok(Arc::new(wire::decode_table(rest).map_err(external)?)),
            Some((&PERSISTED, rest)) => self.decode_persisted(rest, ctx),
            Some((&IN_MEMORY, rest)) => decode_in_memory(rest, schema),
            _ => self
                .ballista
                .try_decode_table_provider(buf, table_ref, schema, ctx),
        }
    }

    fn try_encode_table_provider(
        &self,
        table_ref: &TableReference,
        node: Arc<dyn TableProvider>,
        buf: &mut Vec<u8>,
    ) -> Result<()> {
        if let Some(table) = node.downcast_ref::<FileTable>() {
            buf.push(FILE_TABLE);
            buf.extend_from_slice(&wire::encode_table(table).map_err(external)?);
            Ok(())
        } else if let Some(table) = node.downcast_ref::<PersistTable>() {
            self.encode_persisted(table, buf)
        } else if let Some(table) = node.downcast_ref::<MemTable>() {
            encode_in_memory(table, buf)
        } else {
            self.ballista
                .try_encode_table_provider(table_ref, node, buf)
        }
    }

    fn try_decode_file_format(
        &self,
        buf: &[u8],
        ctx: &TaskContext,
    ) -> Result<Arc<dyn FileFormatFactory>> {
        self.ballista.try_decode_file_format(buf, ctx)
    }

    fn try_encode_file_format(
        &self,
        buf: &mut Vec<u8>,
        node: Arc<dyn FileFormatFactory>,
    ) -> Result<()> {
        self.ballista.try_encode_file_format(buf, node)
    }

    fn try_decode_udf(&self, name: &str, buf: &[u8]) -> Result<Arc<ScalarUDF>> {
        known_or(scalar_function(name), || {
            self.ballista.try_decode_udf(name, buf)
        })
    }

    fn try_decode_udaf(&self, name: &str, buf: &[u8]) -> Result<Arc<AggregateUDF>> {
        known_or(aggregate_function(name), || {
            self.ballista.try_decode_udaf(name, buf)
        })
    }

    fn try_decode_udwf(&self, name: &str, buf: &[u8]) -> Result<Arc<WindowUDF>> {
        known_or(window_function(name), || {
            self.ballista.try_decode_udwf(name, buf)
        })
    }
}

#[derive(Debug, Default)]
pub struct DdqPhysicalCodec {
    ballista: BallistaPhysicalExtensionCodec,
}

impl PhysicalExtensionCodec for DdqPhysicalCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[Arc<dyn ExecutionPlan>],
        ctx: &TaskContext,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        if let Some(ends) = decode_ends(buf) {
            return Ok(Arc::new(PartitionEndsExec::new(
                one_input(inputs.to_vec(), PartitionEndsExec::NAME)?,
                ends,
            )?));
        }
        match buf.strip_prefix(SCAN_MARK) {
            Some(scan) => wire::decode_scan(scan, inputs).map_err(external),
            None => self.ballista.try_decode(buf, inputs, ctx, proto_converter),
        }
    }

    fn try_encode(
        &self,
        node: Arc<dyn ExecutionPlan>,
        buf: &mut Vec<u8>,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<()> {
        if let Some(ends) = node.downcast_ref::<PartitionEndsExec>() {
            encode_ends(ends.ends(), buf);
            return Ok(());
        }
        match wire::encode_scan(node.as_ref()) {
            Some(scan) => {
                buf.extend_from_slice(SCAN_MARK);
                buf.extend_from_slice(&scan.map_err(external)?);
                Ok(())
            }
            None => self.ballista.try_encode(node, buf, proto_converter),
        }
    }

    fn try_decode_udf(&self, name: &str, buf: &[u8]) -> Result<Arc<ScalarUDF>> {
        known_or(scalar_function(name), || {
            self.ballista.try_decode_udf(name, buf)
        })
    }

    fn try_decode_udaf(&self, name: &str, buf: &[u8]) -> Result<Arc<AggregateUDF>> {
        known_or(aggregate_function(name), || {
            self.ballista.try_decode_udaf(name, buf)
        })
    }

    fn try_decode_udwf(&self, name: &str, buf: &[u8]) -> Result<Arc<WindowUDF>> {
        known_or(window_function(name), || {
            self.ballista.try_decode_udwf(name, buf)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::logical_expr::{LogicalPlanBuilder, lit};
    use datafusion::physical_plan::empty::EmptyExec;
    use datafusion::prelude::SessionContext;
    use datafusion_proto::bytes::{
        physical_plan_from_bytes_with_extension_codec, physical_plan_to_bytes_with_extension_codec,
    };

    #[test]
    fn a_partition_ends_node_keeps_its_row_counts_and_input_on_the_way_to_a_cluster() {
        let input = LogicalPlanBuilder::values(vec![vec![lit(1_i64)], vec![lit(2_i64)]])
            .unwrap()
            .build()
            .unwrap();
        let plan = LogicalPlan::Extension(Extension {
            node: Arc::new(PartitionEndsNode::new(input, (5, 7)).unwrap()),
        });
        let codec = DdqLogicalCodec::default();
        let bytes = logical_plan_to_bytes_with_extension_codec(&plan, &codec).unwrap();
        let task_ctx = SessionContext::new().task_ctx();
        let back = logical_plan_from_bytes_with_extension_codec(&bytes, &task_ctx, &codec).unwrap();
        let LogicalPlan::Extension(extension) = &back else {
            panic!("decoded as {back}");
        };
        let node = extension.node.as_any().downcast_ref::<PartitionEndsNode>();
        assert_eq!(node.map(PartitionEndsNode::ends), Some((5, 7)));
        assert_eq!(
            back.display_indent().to_string(),
            plan.display_indent().to_string()
        );
        assert_eq!(back.schema(), plan.schema());
    }

    #[test]
    fn a_partition_ends_exec_keeps_its_row_counts_and_input_on_the_way_to_a_worker() {
        let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, true)]));
        let plan: Arc<dyn ExecutionPlan> =
            Arc::new(PartitionEndsExec::new(Arc::new(EmptyExec::new(schema)), (3, 4)).unwrap());
        let codec = DdqPhysicalCodec::default();
        let bytes = physical_plan_to_bytes_with_extension_codec(Arc::clone(&plan), &codec).unwrap();
        let task_ctx = SessionContext::new().task_ctx();
        let back =
            physical_plan_from_bytes_with_extension_codec(&bytes, &task_ctx, &codec).unwrap();
        let ends = back
            .downcast_ref::<PartitionEndsExec>()
            .map(PartitionEndsExec::ends);
        assert_eq!(ends, Some((3, 4)));
        assert_eq!(back.schema(), plan.schema());
        assert!(back.children()[0].is::<EmptyExec>());
    }

    #[test]
    fn ends_that_are_cut_short_are_not_taken_for_an_ends_node() {
        let mut buf = Vec::new();
        encode_ends((10, 20), &mut buf);
        assert_eq!(decode_ends(&buf), Some((10, 20)));
        assert_eq!(decode_ends(&buf[..buf.len() - 1]), None);
        assert_eq!(decode_ends(b"ddq-scan:"), None);
    }
}
