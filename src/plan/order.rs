//! Row order. pandas results have a defined order (file order, key order, a stable sort) but a
//! parallel engine does not keep one, so every frame carries the sort that restores it; these
//! helpers apply it, take rows from either end, and turn it into explicit positions.

use crate::error::Result;
use crate::plan::project::Project;
use crate::plan::value::{Frame, column, display_name, is_hidden};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::functions_aggregate::expr_fn::count;
use datafusion::functions_window::expr_fn::row_number;
use datafusion::logical_expr::{Expr, ExprFunctionExt, SortExpr, cast, lit, scalar_subquery};
use datafusion::prelude::DataFrame;
use std::sync::Arc;

/// The frame's plan sorted into pandas order.
pub fn sorted(frame: &Frame) -> Result<DataFrame> {
    if frame.order.is_empty() {
        Ok(frame.df.clone())
    } else {
        Ok(frame.df.clone().sort(frame.order.clone())?)
    }
}

/// The first `n` rows in order.
pub fn head(frame: &Frame, n: usize) -> Result<Frame> {
    let df = sorted(frame)?.limit(0, Some(n))?;
    Ok(Frame {
        npartitions: 1,
        ..frame.with_df(df)
    })
}

/// The last `n` rows, still printed in order.
pub fn tail(frame: &Frame, n: usize) -> Result<Frame> {
    if frame.order.is_empty() {
        let positioned = with_position(frame, "__ddq_tailpos")?;
        let reversed = vec![column("__ddq_tailpos").sort(false, false)];
        let df = positioned.df.clone().sort(reversed)?.limit(0, Some(n))?;
        return Ok(Frame {
            order: vec![column("__ddq_tailpos").sort(true, false)],
            npartitions: 1,
            ..frame.with_df(df)
        });
    }
    let reversed: Vec<SortExpr> = frame.order.iter().map(reverse).collect();
    let df = frame.df.clone().sort(reversed)?.limit(0, Some(n))?;
    Ok(Frame {
        npartitions: 1,
        ..frame.with_df(df)
    })
}

/// The opposite order: descending for ascending, missing values at the other end.
pub fn reverse(sort: &SortExpr) -> SortExpr {
    SortExpr::new(sort.expr.clone(), !sort.asc, !sort.nulls_first)
}

/// Adds a hidden 0-based position column (the row's place in pandas order) named `name`.
/// The frame's order becomes that column, so later projections cannot lose it.
pub fn with_position(frame: &Frame, name: &str) -> Result<Frame> {
    let df = frame
        .df
        .clone()
        .set_column(name, position_in_order(frame)?)?;
    Ok(Frame {
        order: vec![column(name).sort(true, false)],
        ..frame.with_df(df)
    })
}

/// Each row's 0-based place in the frame's pandas order: a window over the whole frame.
pub fn position_in_order(frame: &Frame) -> Result<Expr> {
    let number = row_number().order_by(frame.order.clone()).build()?;
    Ok(cast(number, DataType::Int64) - lit(1i64))
}

/// Adds a hidden column with the total row count. A count over the whole frame as a window
/// would hold every row in memory until the end; a scalar subquery counts in a stream.
pub fn with_total(frame: &Frame, name: &str) -> Result<Frame> {
    let counted = frame
        .df
        .clone()
        .group_by(vec![], vec![count(lit(1)).alias(name)])?;
    let total = scalar_subquery(Arc::new(counted.into_unoptimized_plan()));
    Ok(frame.with_df(frame.df.clone().set_column(name, total)?))
}

/// Whether every column the order refers to is still in `columns`.
pub fn order_survives(frame: &Frame, columns: &[String]) -> bool {
    frame.order.iter().all(|s| {
        s.expr
            .column_refs()
            .iter()
            .all(|c| columns.contains(&c.name))
    })
}

/// Makes sure a projection to `keep` (plus hidden columns) keeps the order: when the order uses a
/// column that is about to be dropped, it is first turned into a hidden position column.
pub fn keep_order_for(frame: &Frame, keep: &[String]) -> Result<Frame> {
    let mut kept: Vec<String> = keep.to_vec();
    kept.extend(frame.hidden_columns());
    if order_survives(frame, &kept) {
        Ok(frame.clone())
    } else {
        with_position(frame, &unique_hidden(frame, "__ddq_pos"))
    }
}

/// A hidden column name not yet used in the frame.
pub fn unique_hidden(frame: &Frame, base: &str) -> String {
    let hidden = frame.hidden_columns();
    let mut name = base.to_string();
    let mut i = 1;
    while hidden.contains(&name) {
        name = format!("{base}{i}");
        i += 1;
    }
    name
}

/// The plan that produces a frame's visible columns in pandas order, and the schema that shows
/// them under their display names (a value column may repeat a key's name).
/// The plan `visualize` draws for a frame, and its partition count: a frame of one partition
/// as it is shown (in pandas' order), one of several as its partitions are computed, before
/// they are put in order to be shown (Dask's graph, too, leaves out the final concatenation).
pub fn task_plan(frame: &Frame) -> Result<(DataFrame, usize)> {
    let df = match frame.npartitions {
        0 | 1 => display_frame(frame)?.0,
        _ => frame.df.clone(),
    };
    Ok((df, frame.npartitions.max(1)))
}

pub fn display_frame(frame: &Frame) -> Result<(DataFrame, SchemaRef)> {
    let columns = frame.columns();
    let df = sorted(frame)?.project(columns.iter().map(|c| column(c)).collect::<Vec<_>>())?;
    let fields: Vec<Field> = df
        .schema()
        .fields()
        .iter()
        .filter(|f| !is_hidden(f.name()))
        .map(|f| f.as_ref().clone().with_name(display_name(f.name())))
        .collect();
    Ok((df, Arc::new(Schema::new(fields))))
}
