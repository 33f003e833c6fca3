//! The shell of ddq's own window functions that stream: each takes its rows once, in order,
//! keeps what it needs of the past itself (a running state, a window) and gives one float per
//! row. `time_median` and `ewm` are such functions; this is their one `WindowUDFImpl` and their
//! one evaluation contract (`in_order`), so a new one is its `RowByRow` and a constructor.

use datafusion::arrow::array::ArrayRef;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::function::{PartitionEvaluatorArgs, WindowUDFFieldArgs};
use datafusion::logical_expr::{
    PartitionEvaluator, Signature, Volatility, WindowUDF, WindowUDFImpl,
};
use std::ops::Range;
use std::sync::Arc;

/// A window function named `name` over arguments of `argument_types`, evaluated by what
/// `evaluator` makes for each partition; its result is a nullable float.
#[derive(Debug)]
struct StreamingFloat {
    name: &'static str,
    signature: Signature,
    evaluator: fn() -> Box<dyn PartitionEvaluator>,
}

// The name says which function it is (function pointers have no stable identity to compare).
impl PartialEq for StreamingFloat {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.signature == other.signature
    }
}

impl Eq for StreamingFloat {}

impl std::hash::Hash for StreamingFloat {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.signature.hash(state);
    }
}

impl WindowUDFImpl for StreamingFloat {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn partition_evaluator(
        &self,
        _args: PartitionEvaluatorArgs,
    ) -> Result<Box<dyn PartitionEvaluator>> {
        Ok((self.evaluator)())
    }

    fn field(&self, field_args: WindowUDFFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(Field::new(
            field_args.name(),
            DataType::Float64,
            true,
        )))
    }
}

/// The window function `name(arguments...)` whose rows `evaluator`'s evaluators take in order.
pub fn streaming_float(
    name: &'static str,
    argument_types: Vec<DataType>,
    evaluator: fn() -> Box<dyn PartitionEvaluator>,
) -> WindowUDF {
    WindowUDF::from(StreamingFloat {
        name,
        signature: Signature::exact(argument_types, Volatility::Immutable),
        evaluator,
    })
}

/// What a streaming function does with each row, in order: its result from the row's arguments
/// (`values` are the partition's buffered argument columns, `row` the row's place in them).
pub trait RowByRow: std::fmt::Debug + Send + 'static {
    fn next_row(&mut self, values: &[ArrayRef], row: usize) -> Result<ScalarValue>;
}

/// The engine's evaluator for a `RowByRow`: bounded, causal, each row evaluated once in order
/// and needing only itself, since the function keeps what it needs of the past.
pub fn in_order<R: RowByRow>(rows: R) -> Box<dyn PartitionEvaluator> {
    Box::new(InOrder(rows))
}

#[derive(Debug)]
struct InOrder<R>(R);

impl<R: RowByRow> PartitionEvaluator for InOrder<R> {
    fn supports_bounded_execution(&self) -> bool {
        true
    }

    fn is_causal(&self) -> bool {
        true
    }

    fn get_range(&self, idx: usize, _n_rows: usize) -> Result<Range<usize>> {
        Ok(idx..idx + 1)
    }

    fn evaluate(&mut self, values: &[ArrayRef], range: &Range<usize>) -> Result<ScalarValue> {
        self.0.next_row(values, range.start)
    }
}
