//! Wide tables whose columns are values of the data: `pivot_table`, `pivot` and `crosstab`.
//!
//! pandas builds them in two steps, and so does ddq: the long table (one row per index key and
//! column value, aggregated as a groupby), then one column per distinct column value. Those
//! values must be known to plan the second step, so planning asks the engine for them (one
//! small query over the long table, through `Sources::collect_now`), as Dask asks for a
//! categorical's categories. pandas' `dropna=True` comes from the same order: a long row whose
//! aggregate is missing is dropped before the table is widened, so an index key or column value
//! with nothing but missing cells does not appear.

use crate::config::display::Format;
use crate::error::{DdqError, Result};
use crate::plan::Planner;
use crate::plan::groupby::{self, Agg};
use crate::plan::project::Project;
use crate::plan::value::{Frame, GroupBy, Selection, Series, column};
use crate::plan::window;
use crate::types::scalar::format_scalar;
use datafusion::arrow::array::Array;
use datafusion::functions::expr_fn::coalesce;
use datafusion::functions_aggregate::expr_fn::{count, max};
use datafusion::logical_expr::{Expr, lit, when};
use datafusion::scalar::ScalarValue;

/// Beyond this many distinct column values the table would be too wide to print or to plan.
const MAX_PIVOT_COLUMNS: usize = 10_000;

/// What `pivot_table` was asked for.
pub struct PivotSpec {
    pub values: String,
    pub index: Vec<String>,
    pub columns: String,
    pub agg: Agg,
    pub fill_value: Option<ScalarValue>,
}

/// `pivot_table(values=, index=, columns=, aggfunc=, fill_value=)`: one row per index key (in
/// key order), one column per value of `columns` (in sorted order), each cell the aggregate of
/// `values` over the rows with that key and column value.
pub fn pivot_table(planner: &Planner, frame: &Frame, spec: &PivotSpec) -> Result<Frame> {
    let mut keys: Vec<(Expr, String)> = spec.index.iter().map(|k| (column(k), k.clone())).collect();
    keys.push((column(&spec.columns), spec.columns.clone()));
    let long = long_table(frame.clone(), keys, &spec.values, spec.agg)?;
    let fill = spec.fill_value.clone().map(lit);
    widen(
        planner,
        long,
        &spec.index,
        &spec.columns,
        &spec.values,
        fill,
    )
}

/// `df.pivot(index=, columns=, values=)`: pandas' reshape without aggregation, one row per
/// index value and one column per column value; each pair may occur once (asked of the engine
/// first, as pandas finds repeats when it reshapes), a missing pair is a missing cell.
pub fn pivot(
    planner: &Planner,
    frame: &Frame,
    index: &str,
    columns: &str,
    values: &str,
) -> Result<Frame> {
    let pairs = vec![column(index), column(columns)];
    let repeated = frame
        .df
        .clone()
        .group_by(pairs, vec![count(lit(1)).alias("rows")])?
        .keep_rows(column("rows").gt(lit(1i64)))?
        // The first repeated pair in order, so that the message is the same each time.
        .sort(vec![
            column(index).sort(true, false),
            column(columns).sort(true, false),
        ])?
        .limit(0, Some(1))?;
    for batch in planner.sources.collect_now(repeated)? {
        if batch.num_rows() > 0 {
            let pair = |i: usize| ScalarValue::try_from_array(batch.column(i), 0);
            return Err(DdqError::input(format!(
                "pivot: the pair ({}, {}) of `{index}` and `{columns}` occurs more than once, so its cell would hold several values",
                pair(0)?,
                pair(1)?
            ))
            .with_help(format!(
                "aggregate the repeats: pivot_table(index=\"{index}\", columns=\"{columns}\", values=\"{values}\", aggfunc=\"mean\")"
            )));
        }
    }
    let long = frame.with_df(frame.df.clone().project([
        column(index),
        column(columns),
        column(values),
    ])?);
    widen(planner, long, &[index.to_string()], columns, values, None)
}

/// `pd.crosstab(a, b)`: how many rows have each pair of values, `a`'s values down the side and
/// `b`'s across, 0 where a pair never occurs.
pub fn crosstab(planner: &Planner, rows: &Series, columns: &Series) -> Result<Frame> {
    if rows.frame.df.logical_plan() != columns.frame.df.logical_plan() {
        return Err(DdqError::unsupported(
            "crosstab of series from different frames: ddq pairs values row by row only within one frame",
        ));
    }
    if rows.name == columns.name {
        return Err(DdqError::unsupported(format!(
            "crosstab of two series both named `{}`",
            columns.name
        ))
        .with_help("rename one, e.g. `s.rename(\"other\")`"));
    }
    // Keys computed by windows become columns first: groups cannot hold windows.
    let row_key = window::plain(rows)?;
    let column_key = window::plain(&Series {
        frame: row_key.frame.clone(),
        ..columns.clone()
    })?;
    let keys = vec![
        (row_key.expr, rows.name.clone()),
        (column_key.expr, columns.name.clone()),
    ];
    let long = long_table(column_key.frame, keys, "size", Agg::Size)?;
    let index = [rows.name.clone()];
    widen(
        planner,
        long,
        &index,
        &columns.name,
        "size",
        Some(lit(0i64)),
    )
}

/// The aggregate of `values` per key, keys in order, rows with a missing key or aggregate
/// dropped (pandas' `dropna=True`).
fn long_table(frame: Frame, keys: Vec<(Expr, String)>, values: &str, agg: Agg) -> Result<Frame> {
    let gb = GroupBy {
        frame,
        keys,
        selection: Selection::All,
        dropna: true,
        sort: true,
        bins: None,
        as_index: true,
        categories: None,
    };
    let long = groupby::aggregate(&gb, &[(values.to_string(), agg, values.to_string())])?;
    let value = long
        .value_columns()
        .pop()
        .ok_or_else(|| DdqError::execution("the aggregation gave no column"))?;
    let df = long.df.clone().keep_rows(column(&value).is_not_null())?;
    let df = df.project(
        long.key_columns()
            .iter()
            .map(|c| column(c))
            .chain([column(&value).alias(values)]),
    )?;
    Ok(long.with_df(df))
}

/// One row per `index` key of the long table and one column per value of its `columns`
/// column (asked of the engine, sorted), holding `value`; `fill` where a pair is missing.
fn widen(
    planner: &Planner,
    long: Frame,
    index: &[String],
    columns: &str,
    value: &str,
    fill: Option<Expr>,
) -> Result<Frame> {
    let labels = column_values(planner, &long, columns)?;
    let mut cells = Vec::with_capacity(labels.len());
    for label in &labels {
        let here = column(columns).eq(lit(label.clone()));
        let cell = max(when(here, column(value)).end()?);
        let cell = match &fill {
            Some(fill) => coalesce(vec![cell, fill.clone()]),
            None => cell,
        };
        cells.push(cell.alias(format_scalar(label, Format::Table)));
    }
    let group: Vec<Expr> = index.iter().map(|k| column(k)).collect();
    let df = long.df.clone().group_by(group, cells)?;
    Ok(Frame {
        df,
        order: index.iter().map(|k| column(k).sort(true, false)).collect(),
        index_columns: index.len(),
        partition: None,
        divisions: None,
        origin: "pivot".into(),
        ..long
    })
}

/// The distinct values of `columns` in the long table, in ascending order.
fn column_values(planner: &Planner, long: &Frame, columns: &str) -> Result<Vec<ScalarValue>> {
    let distinct = long
        .df
        .clone()
        .group_by(vec![column(columns)], vec![])?
        .limit(0, Some(MAX_PIVOT_COLUMNS + 1))?;
    let mut values = Vec::new();
    for batch in planner.sources.collect_now(distinct)? {
        let array = batch.column(0);
        for row in 0..array.len() {
            values.push(ScalarValue::try_from_array(array, row)?);
        }
    }
    if values.len() > MAX_PIVOT_COLUMNS {
        return Err(DdqError::unsupported(format!(
            "`{columns}` has more than {MAX_PIVOT_COLUMNS} distinct values: the table would have a column for each"
        ))
        .with_help("group by both keys instead: df.groupby([\"row\", \"col\"]).value.mean()"));
    }
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    Ok(values)
}
