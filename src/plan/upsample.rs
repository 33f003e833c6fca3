//! `resample(rule).ffill()`, `.bfill()` and `.asfreq()`: pandas' upsampling, a reindex of the
//! series on the rule's labels from the first bin to the last. A label takes the value of the
//! row at that very timestamp, or (ffill) of the last row before it, or (bfill) of the first row
//! after it; `limit=` fills at most that many labels past (before) such a row, as pandas'
//! `reindex(method=..., limit=...)` counts them. It works bin by bin: each bin keeps its first
//! and last row, and a window over the bins finds the nearest non-empty one.

use crate::error::{DdqError, Result};
use crate::plan::Planner;
use crate::plan::project::Project;
use crate::plan::resample::{Rule, Unit, fill_and_label};
use crate::plan::value::{Frame, GroupBy, column};
use crate::plan::{check_columns, selection_columns};
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::ScalarValue;
use datafusion::functions::core::expr_fn::{get_field, named_struct};
use datafusion::functions_aggregate::expr_fn as agg;
use datafusion::functions_aggregate::first_last::last_value_udaf;
use datafusion::logical_expr::expr::{NullTreatment, WindowFunction};
use datafusion::logical_expr::{
    Expr, ExprFunctionExt, WindowFrame, WindowFrameBound, WindowFrameUnits, cast, lit, when,
};

/// Which row a label takes when no row sits at its timestamp.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fill {
    /// `ffill()`: the last row before it.
    Forward,
    /// `bfill()`: the first row after it.
    Backward,
    /// `asfreq()`: none, the label's value is missing.
    Exact,
}

/// The labels of a resampler's rule, each with the value `fill` gives it, for every selected
/// column; a label still without one takes `fill_value` (missing when none: pandas' asfreq
/// fills only labels that had no row, never a missing value a row holds). Only fixed rules
/// (seconds to days) upsample here; an index with a repeated timestamp is refused as pandas
/// refuses to reindex it.
pub fn upsample(
    planner: &Planner,
    gb: &GroupBy,
    rule: &Rule,
    (fill, limit): (Fill, Option<u64>),
    fill_value: Option<Expr>,
) -> Result<Frame> {
    if matches!(
        rule.unit,
        Unit::Week | Unit::Month | Unit::Quarter | Unit::Year
    ) {
        return Err(DdqError::unsupported(format!(
            "filling the bins of resample({:?}) is supported for rules of seconds, minutes, hours or days only",
            rule.text
        ))
        .with_help("aggregate the bins instead, e.g. `.resample(\"ME\").last()`"));
    }
    let (key, index) = &gb.keys[0];
    let names = selection_columns(gb);
    check_columns(&gb.frame, std::slice::from_ref(index))?;
    refuse_repeated_timestamps(planner, gb, index)?;
    let time = cast(
        column(index),
        DataType::Timestamp(TimeUnit::Nanosecond, None),
    );
    let by_time = || vec![time.clone().sort(true, false)];
    // Per bin: its first timestamp, and the values of its first and last rows.
    let mut aggregates = vec![agg::min(time.clone()).alias(LO)];
    for (i, name) in names.iter().enumerate() {
        aggregates.push(agg::first_value(column(name), by_time()).alias(format!("{FIRST}{i}")));
        aggregates.push(agg::last_value(column(name), by_time()).alias(format!("{LAST}{i}")));
    }
    let df = gb
        .frame
        .df
        .clone()
        .keep_rows(key.clone().is_not_null())?
        .group_by(vec![key.clone().alias(index)], aggregates)?;
    let bins = Frame {
        df,
        order: Vec::new(),
        index_columns: 1,
        ..gb.frame.clone()
    };
    let zero = vec![false; 1 + 2 * names.len()];
    let labelled = fill_and_label(bins, rule, index, &zero)?;
    let unfilled = fill_value.unwrap_or(lit(ScalarValue::Null));
    fill_labels(labelled, index, &names, (fill, limit), unfilled)
}

const LO: &str = "ddq lo";
const FIRST: &str = "ddq first ";
const LAST: &str = "ddq last ";

/// pandas will not reindex an index with a repeated label: neither does ddq.
fn refuse_repeated_timestamps(planner: &Planner, gb: &GroupBy, index: &str) -> Result<()> {
    let repeated = gb
        .frame
        .df
        .clone()
        .group_by(vec![column(index)], vec![agg::count(lit(1)).alias("rows")])?
        .keep_rows(column("rows").gt(lit(1i64)))?
        .limit(0, Some(1))?;
    for batch in planner.sources.collect_now(repeated)? {
        if batch.num_rows() > 0 {
            let at = ScalarValue::try_from_array(batch.column(0), 0)?;
            return Err(DdqError::input(format!(
                "cannot fill the bins: the index `{index}` repeats the timestamp {at} (pandas cannot reindex on an axis with duplicate labels)"
            ))
            .with_help("aggregate the bins instead, e.g. `.resample(rule).mean()`"));
        }
    }
    Ok(())
}

/// Each label's value from the bins around it (`labelled` holds every bin, labelled, in order).
fn fill_labels(
    labelled: Frame,
    index: &str,
    names: &[String],
    (fill, limit): (Fill, Option<u64>),
    unfilled: Expr,
) -> Result<Frame> {
    let bin = || column("__ddq_bin");
    let exact = column(LO).eq(column(index));
    let first = |i: usize| column(&format!("{FIRST}{i}"));
    let last = |i: usize| column(&format!("{LAST}{i}"));
    // A bin's number and the values it lends: a struct, missing for an empty bin, which the
    // window skips over.
    let lent = |exact_of: Expr, value: &dyn Fn(usize) -> Expr| -> Result<Expr> {
        let mut fields = vec![lit("bin"), bin(), lit("exact"), exact_of];
        for i in 0..names.len() {
            fields.extend([lit(format!("v{i}")), value(i)]);
        }
        Ok(when(column(LO).is_not_null(), named_struct(fields))
            .otherwise(lit(ScalarValue::Null))?)
    };
    let within = |count: Expr| match limit {
        Some(n) => count.lt_eq(lit(n as i64)),
        None => lit(true),
    };
    let mut df = labelled.df.clone();
    let nearest = match fill {
        Fill::Exact => None,
        // The last non-empty bin before this one: its last row is the last before the label.
        Fill::Forward => Some((
            lent(lit(false), &last)?,
            vec![bin().sort(true, false)],
            WindowFrameBound::Preceding(ScalarValue::UInt64(Some(1))),
        )),
        // The first non-empty bin from this one on (over negated bin numbers, as ddq orders
        // reversed windows; see window::toward).
        Fill::Backward => Some((
            lent(exact.clone(), &first)?,
            vec![(lit(0i64) - bin()).sort(true, false)],
            WindowFrameBound::CurrentRow,
        )),
    };
    if let Some((value, order, end)) = nearest {
        let window = Expr::from(WindowFunction::new(last_value_udaf(), vec![value]))
            .order_by(order)
            .window_frame(WindowFrame::new_bounds(
                WindowFrameUnits::Rows,
                WindowFrameBound::Preceding(ScalarValue::UInt64(None)),
                end,
            ))
            .null_treatment(Some(NullTreatment::IgnoreNulls))
            .build()?;
        df = df.set_column("__ddq_near", window)?;
    }
    let near = |field: &str| get_field(column("__ddq_near"), field.to_string());
    let mut select = vec![column(index)];
    for (i, name) in names.iter().enumerate() {
        let mut at_label = when(exact.clone(), first(i));
        let value = match fill {
            Fill::Exact => at_label.otherwise(unfilled.clone())?,
            Fill::Forward => {
                let count = bin() - near("bin");
                at_label
                    .when(within(count), near(&format!("v{i}")))
                    .otherwise(unfilled.clone())?
            }
            Fill::Backward => {
                // Labels from this one up to the row, the row's own label left out when the row
                // sits on it.
                let count =
                    near("bin") - bin() + when(near("exact"), lit(0i64)).otherwise(lit(1i64))?;
                at_label
                    .when(within(count), near(&format!("v{i}")))
                    .otherwise(unfilled.clone())?
            }
        };
        select.push(value.alias(name));
    }
    select.push(bin());
    Ok(labelled.with_df(df.project(select)?))
}
