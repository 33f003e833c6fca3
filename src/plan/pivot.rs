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
use crate::plan::groupby::{self, Agg, agg_expr};
use crate::plan::ops::qualified;
use crate::plan::project::Project;
use crate::plan::value::{Frame, GroupBy, Selection, Series, column};
use crate::plan::window;
use crate::types::scalar::format_scalar;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::JoinType;
use datafusion::functions::expr_fn::coalesce;
use datafusion::functions_aggregate::expr_fn::{count, max};
use datafusion::logical_expr::{Expr, cast, lit, scalar_subquery, when};
use datafusion::prelude::DataFrame;
use datafusion::scalar::ScalarValue;
use std::sync::Arc;

/// The values of the `columns` keys that head one wide column.
type Label = Vec<ScalarValue>;

/// The hidden column that puts the margin row last.
const MARGIN_FLAG: &str = "__ddq_margin";
/// The hidden columns that keep the rows in order of the keys' own values once they are text.
const KEY_ORDER: &str = "__ddq_key_order";

/// Beyond this many distinct column values the table would be too wide to print or to plan.
const MAX_PIVOT_COLUMNS: usize = 10_000;

/// What `pivot_table` was asked for.
pub struct PivotSpec {
    pub values: Vec<String>,
    /// `values=` was a list: pandas then names each column by value and label (two levels,
    /// written `value_label` as ddq writes two-level columns) and sorts the values.
    pub values_listed: bool,
    pub index: Vec<String>,
    /// The columns whose values (or combinations of values, in sorted order) head the table's
    /// columns, written `a_b` as ddq writes two-level columns.
    pub columns: Vec<String>,
    pub aggs: Vec<Agg>,
    /// `aggfunc=` was a list: one block of columns per function, in the order given, each
    /// column named `func_...`.
    pub aggs_listed: bool,
    pub fill_value: Option<ScalarValue>,
    /// `margins=True`: the name of the totals' row and columns (`margins_name`, "All").
    pub margins: Option<String>,
    /// pandas' `dropna`: leave out rows and columns with only missing cells. With `False`
    /// they stay, and several index (columns) keys give every combination of their values.
    pub dropna: bool,
}

/// One block of a wide table: a column of the long table, spread over the column values.
struct Block {
    /// The column of the long table that holds the cells.
    long_name: String,
    /// What each wide column's name starts with (`func_value`), empty for one block.
    prefix: String,
}

impl Block {
    /// The wide column of this block for a column value (or the margin) written `label`.
    fn column_name(&self, label: &str) -> String {
        match self.prefix.as_str() {
            "" => label.to_string(),
            prefix => format!("{prefix}_{label}"),
        }
    }

    /// The wide column of this block for the column values `label`.
    fn label_column(&self, label: &[ScalarValue]) -> String {
        let parts: Vec<String> = label
            .iter()
            .map(|value| match value.is_null() {
                // pandas' label for the group of a missing key (`dropna=False`).
                true => "NaN".to_string(),
                false => format_scalar(value, Format::Table),
            })
            .collect();
        self.column_name(&parts.join("_"))
    }
}

/// `pivot_table(values=, index=, columns=, aggfunc=, fill_value=)`: one row per index key (in
/// key order), one column per value of `columns` (in sorted order), each cell the aggregate of
/// `values` over the rows with that key and column value; with several values or functions,
/// one block of such columns for each.
pub fn pivot_table(planner: &Planner, frame: &Frame, spec: &PivotSpec) -> Result<Frame> {
    let mut values = spec.values.clone();
    if spec.values_listed {
        values.sort();
        values.dedup();
    }
    let mut cells = Vec::new();
    let mut blocks = Vec::new();
    for agg in &spec.aggs {
        for value in &values {
            let long_name = format!("__ddq_cell{}", blocks.len());
            let prefix: Vec<&str> = [
                spec.aggs_listed.then_some(agg.name()),
                spec.values_listed.then_some(value.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect();
            cells.push((value.clone(), *agg, long_name.clone()));
            blocks.push(Block {
                long_name,
                prefix: prefix.join("_"),
            });
        }
    }
    let mut keys: Vec<(Expr, String)> = spec.index.iter().map(|k| (column(k), k.clone())).collect();
    keys.extend(spec.columns.iter().map(|c| (column(c), c.clone())));
    let long = long_table(frame.clone(), keys, &cells, spec.dropna)?;
    if spec.columns.is_empty() {
        return without_columns(long, &values, &blocks, spec);
    }
    let fill = spec.fill_value.clone().map(lit);
    let wide = Wide {
        index: &spec.index,
        columns: &spec.columns,
        blocks: &blocks,
        fill,
        drop_empty_columns: spec.dropna,
    };
    let mut labels = column_values(planner, &long, &wide)?;
    if !spec.dropna && spec.columns.len() > 1 {
        labels = labels
            .iter()
            .map(|block| every_combination(block))
            .collect();
    }
    let mut table = widen(long.clone(), &wide, &labels)?;
    if !spec.dropna && spec.index.len() > 1 {
        table = with_every_index_combination(&long, table, &wide)?;
    }
    let table = floats_where_missing(planner, &long, table, &wide, &labels)?;
    match &spec.margins {
        None => Ok(table),
        Some(name) => {
            let margins = Margins {
                spec,
                cells: &cells,
                wide: &wide,
                labels: &labels,
                name,
            };
            margins.added_to(frame, table)
        }
    }
}

/// `df.pivot(index=, columns=, values=)`: pandas' reshape without aggregation, one row per
/// index key and one column per column value; each pair may occur once (asked of the engine
/// first, as pandas finds repeats when it reshapes), a missing pair is a missing cell (or
/// `fill`). With `prefixed` (values= left out or a list) each value column gives a block of
/// columns, written `value_label` as ddq writes two-level columns, in the order given.
pub fn pivot(
    planner: &Planner,
    frame: &Frame,
    shape: &PivotShape,
    fill: Option<Expr>,
) -> Result<Frame> {
    let PivotShape {
        index,
        columns,
        values,
        prefixed,
    } = shape;
    let mut pair: Vec<Expr> = index.iter().map(|k| column(k)).collect();
    pair.push(column(columns));
    let repeated = frame
        .df
        .clone()
        .group_by(pair.clone(), vec![count(lit(1)).alias("__ddq_rows")])?
        .keep_rows(column("__ddq_rows").gt(lit(1i64)))?
        // The first repeated pair in order, so that the message is the same each time.
        .sort(pair.iter().map(|k| k.clone().sort(true, false)).collect())?
        .limit(0, Some(1))?;
    for batch in planner.sources.collect_now(repeated)? {
        if batch.num_rows() > 0 {
            let found = (0..pair.len())
                .map(|i| Ok(ScalarValue::try_from_array(batch.column(i), 0)?.to_string()))
                .collect::<Result<Vec<_>>>()?;
            let quoted: Vec<String> = index.iter().map(|n| format!("`{n}`")).collect();
            // As pandas' arguments are written: one name bare, several as a list.
            let argument = |names: &[String]| match names {
                [one] => format!("{one:?}"),
                several => format!("{several:?}"),
            };
            return Err(DdqError::input(format!(
                "pivot: the pair ({}) of {} and `{columns}` occurs more than once, so its cell would hold several values",
                found.join(", "),
                quoted.join(", "),
            ))
            .with_help(format!(
                "aggregate the repeats: pivot_table(index={}, columns=\"{columns}\", values={}, aggfunc=\"mean\")",
                argument(index),
                argument(values),
            )));
        }
    }
    let mut kept = pair;
    kept.extend(values.iter().map(|v| column(v)));
    let long = frame.with_df(frame.df.clone().project(kept)?);
    let blocks: Vec<Block> = values
        .iter()
        .map(|v| Block {
            long_name: v.clone(),
            prefix: if *prefixed { v.clone() } else { String::new() },
        })
        .collect();
    let wide = Wide {
        index,
        columns: std::slice::from_ref(columns),
        blocks: &blocks,
        fill,
        drop_empty_columns: false,
    };
    let labels = column_values(planner, &long, &wide)?;
    let table = widen(long.clone(), &wide, &labels)?;
    floats_where_missing(planner, &long, table, &wide, &labels)
}

/// What `pivot` (and `unstack`) reshape: the keys of the rows, the column whose values head
/// the columns, the value columns, and whether the columns' names start with the value's.
pub struct PivotShape {
    pub index: Vec<String>,
    pub columns: String,
    pub values: Vec<String>,
    pub prefixed: bool,
}

/// `pd.crosstab(a, b)`: how many rows have each pair of values, `a`'s values down the side and
/// `b`'s across, 0 where a pair never occurs; with `normalize`, as shares.
pub fn crosstab(
    planner: &Planner,
    rows: &Series,
    columns: &Series,
    normalize: Option<Normalize>,
) -> Result<Frame> {
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
    let size = ("size".to_string(), Agg::Size, "size".to_string());
    let long = long_table(column_key.frame, keys, &[size], true)?;
    let wide = Wide {
        index: std::slice::from_ref(&rows.name),
        columns: std::slice::from_ref(&columns.name),
        blocks: &[Block {
            long_name: "size".to_string(),
            prefix: String::new(),
        }],
        fill: Some(lit(0i64)),
        drop_empty_columns: false,
    };
    let labels = column_values(planner, &long, &wide)?;
    let table = widen(long, &wide, &labels)?;
    match normalize {
        None => Ok(table),
        Some(how) => normalized(table, how),
    }
}

/// `pd.crosstab(rows, columns, values=, aggfunc=)`: the values aggregated per pair of keys, as
/// pandas computes it, a pivot_table of the three series (missing pairs stay missing).
pub fn crosstab_of_values(
    planner: &Planner,
    rows: &Series,
    columns: &Series,
    values: &Series,
    agg: Agg,
    margins: Option<String>,
) -> Result<Frame> {
    let same_frame = |s: &Series| s.frame.df.logical_plan() == rows.frame.df.logical_plan();
    if !same_frame(columns) || !same_frame(values) {
        return Err(DdqError::unsupported(
            "crosstab of series from different frames: ddq pairs values row by row only within one frame",
        ));
    }
    let value_name = "\u{1}value".to_string();
    let frame = rows.frame.clone();
    let mut select = vec![
        rows.expr.clone().alias(&rows.name),
        columns.expr.clone().alias(&columns.name),
        values.expr.clone().alias(&value_name),
    ];
    select.extend(frame.hidden_columns().iter().map(|h| column(h)));
    let table = frame.with_df(frame.df.clone().project(select)?);
    let spec = PivotSpec {
        values: vec![value_name],
        values_listed: false,
        index: vec![rows.name.clone()],
        columns: vec![columns.name.clone()],
        aggs: vec![agg],
        aggs_listed: false,
        fill_value: (agg == Agg::Size).then_some(ScalarValue::Int64(Some(0))),
        margins,
        dropna: true,
    };
    pivot_table(planner, &table, &spec)
}

/// A crosstab with margins, shares of the grand total (`normalize=True`): every cell, the
/// margins' included, over the corner cell (`name` in both), as pandas divides them; a cell
/// left missing is 0, as pandas fills it.
pub fn normalized_with_margins(table: Frame, name: &str) -> Result<Frame> {
    let keys = table.key_columns();
    let values = table.value_columns();
    let Some(key) = keys.first() else {
        return Ok(table);
    };
    let corner = when(
        column(key).eq(lit(name)),
        cast(column(name), DataType::Float64),
    )
    .end()?;
    let total = Expr::from(datafusion::logical_expr::expr::WindowFunction::new(
        datafusion::functions_aggregate::min_max::max_udaf(),
        vec![corner],
    ));
    let mut select: Vec<Expr> = keys.iter().map(|k| column(k)).collect();
    // pandas fills what is missing after dividing (a margin of no rows) with 0.
    for v in &values {
        let share = cast(column(v), DataType::Float64) / total.clone();
        select.push(coalesce(vec![share, lit(0.0)]).alias(v));
    }
    select.extend(table.hidden_columns().iter().map(|h| column(h)));
    Ok(table.with_df(table.df.clone().project(select)?))
}

/// What pandas' crosstab `normalize=` divides each count by: the sum of every cell (`True`,
/// `"all"`), of the cell's row (`"index"`) or of its column (`"columns"`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Normalize {
    All,
    Index,
    Columns,
}

/// The table's cells as shares of their total, their row's or their column's.
pub fn normalized(table: Frame, how: Normalize) -> Result<Frame> {
    let values = table.value_columns();
    let float = |name: &str| cast(column(name), DataType::Float64);
    let column_total = |name: &str| {
        Expr::from(datafusion::logical_expr::expr::WindowFunction::new(
            datafusion::functions_aggregate::sum::sum_udaf(),
            vec![float(name)],
        ))
    };
    let row_total = values
        .iter()
        .map(|v| float(v))
        .reduce(|a, b| a + b)
        .unwrap_or(lit(0.0));
    let all_total = values
        .iter()
        .map(|v| column_total(v))
        .reduce(|a, b| a + b)
        .unwrap_or(lit(0.0));
    let mut select: Vec<Expr> = table.key_columns().iter().map(|k| column(k)).collect();
    for v in &values {
        let total = match how {
            Normalize::All => all_total.clone(),
            Normalize::Index => row_total.clone(),
            Normalize::Columns => column_total(v),
        };
        select.push((float(v) / total).alias(v));
    }
    Ok(table.with_df(table.df.clone().project(select)?))
}

/// The aggregates per key, keys in order, each `(values, agg, name)` a column `name`; with
/// `dropna` (pandas' default) rows with a missing key are left out, and so are those with every
/// aggregate missing.
/// A pivot_table without `columns=`: the long table is the answer, one column per block,
/// named by its prefix (the value's name when neither values nor aggfunc were a list).
fn without_columns(
    long: Frame,
    values: &[String],
    blocks: &[Block],
    spec: &PivotSpec,
) -> Result<Frame> {
    if spec.margins.is_some() {
        return Err(
            DdqError::unsupported("pivot_table(margins=True) without columns=")
                .with_help("give columns=, or add the totals with a groupby of the values"),
        );
    }
    let mut select: Vec<Expr> = long.key_columns().iter().map(|k| column(k)).collect();
    for (block, value) in blocks.iter().zip(values.iter().cycle()) {
        let name = match block.prefix.is_empty() {
            true => value.clone(),
            false => block.prefix.clone(),
        };
        select.push(column(&block.long_name).alias(name));
    }
    let df = long.df.clone().project(select)?;
    Ok(long.with_df(df))
}

fn long_table(
    frame: Frame,
    keys: Vec<(Expr, String)>,
    cells: &[(String, Agg, String)],
    dropna: bool,
) -> Result<Frame> {
    let gb = GroupBy {
        frame,
        keys,
        selection: Selection::All,
        // pandas groups a missing key too when dropna is False.
        dropna,
        sort: true,
        bins: None,
        as_index: true,
        categories: None,
    };
    let long = groupby::aggregate(&gb, cells)?;
    let fields = long.df.schema().fields();
    let aggregated: Vec<String> = fields
        .iter()
        .skip(long.index_columns)
        .map(|f| f.name().clone())
        .collect();
    if aggregated.len() != cells.len() {
        return Err(DdqError::execution(format!(
            "the aggregation gave {} columns for {} cells",
            aggregated.len(),
            cells.len()
        )));
    }
    let any_present = aggregated
        .iter()
        .map(|c| column(c).is_not_null())
        .reduce(Expr::or)
        .unwrap_or(lit(false));
    let df = match dropna {
        true => long.df.clone().keep_rows(any_present)?,
        false => long.df.clone(),
    };
    let named = aggregated
        .iter()
        .zip(cells)
        .map(|(c, (_, _, name))| column(c).alias(name));
    let df = df.project(long.key_columns().iter().map(|c| column(c)).chain(named))?;
    Ok(long.with_df(df))
}

/// How a long table becomes wide.
struct Wide<'a> {
    index: &'a [String],
    columns: &'a [String],
    blocks: &'a [Block],
    /// Where a pair is missing.
    fill: Option<Expr>,
    /// Leave out a block's column where none of its cells has a value (pandas' `dropna=True`).
    drop_empty_columns: bool,
}

impl Wide<'_> {
    /// The value of `long_column` in the row whose `columns` values are `label`, aggregated by
    /// the group the row is in (one such row at most), or the fill where there is none.
    fn cell(&self, long_column: &str, label: &[ScalarValue]) -> Result<Expr> {
        let here = self
            .columns
            .iter()
            .zip(label)
            .map(|(c, value)| match value.is_null() {
                true => column(c).is_null(),
                false => column(c).eq(lit(value.clone())),
            })
            .reduce(Expr::and)
            .unwrap_or(lit(false));
        Ok(self.filled(max(when(here, column(long_column)).end()?)))
    }

    fn filled(&self, cell: Expr) -> Expr {
        match &self.fill {
            Some(fill) => coalesce(vec![cell, fill.clone()]),
            None => cell,
        }
    }
}

/// One row per `index` key of the long table and, for each block, one column per value of
/// its `columns` column (`labels`, asked of the engine by [`column_values`]), holding the
/// block's cells.
fn widen(long: Frame, wide: &Wide, labels: &[Vec<Label>]) -> Result<Frame> {
    let mut cells = Vec::new();
    for (block, labels) in wide.blocks.iter().zip(labels) {
        for label in labels {
            let cell = wide.cell(&block.long_name, label)?;
            cells.push(cell.alias(block.label_column(label)));
        }
    }
    let group: Vec<Expr> = wide.index.iter().map(|k| column(k)).collect();
    let df = long.df.clone().group_by(group, cells)?;
    Ok(Frame {
        df,
        order: wide
            .index
            .iter()
            .map(|k| column(k).sort(true, false))
            .collect(),
        index_columns: wide.index.len(),
        partition: None,
        divisions: None,
        origin: "pivot".into(),
        ..long
    })
}

/// `table` with its integer cells as floats when any cell has no value: pandas widens by
/// unstacking, and a missing cell (NaN) makes the integers of the whole table floats; a
/// `fill_value` goes in as it unstacks, leaving none missing. Whether a cell is missing is asked
/// of the engine; only tables with integer cells and no fill ask.
fn floats_where_missing(
    planner: &Planner,
    long: &Frame,
    table: Frame,
    wide: &Wide,
    labels: &[Vec<Label>],
) -> Result<Frame> {
    let schema = long.df.schema();
    let integer_cells: Vec<String> = wide
        .blocks
        .iter()
        .zip(labels)
        .filter(|(block, _)| {
            schema
                .field_with_unqualified_name(&block.long_name)
                .is_ok_and(|f| f.data_type().is_integer())
        })
        .flat_map(|(block, labels)| labels.iter().map(|label| block.label_column(label)))
        .collect();
    let any_missing = integer_cells
        .iter()
        .map(|c| column(c).is_null())
        .reduce(Expr::or);
    let Some(any_missing) = any_missing.filter(|_| wide.fill.is_none()) else {
        return Ok(table);
    };
    let flag = when(any_missing, lit(1i64)).otherwise(lit(0i64))?;
    let query = table
        .df
        .clone()
        .group_by(vec![], vec![max(flag).alias("__ddq_missing")])?;
    let missing = planner.sources.collect_now(query)?.iter().any(|batch| {
        batch.num_rows() > 0
            && matches!(
                ScalarValue::try_from_array(batch.column(0), 0),
                Ok(ScalarValue::Int64(Some(1)))
            )
    });
    if !missing {
        return Ok(table);
    }
    let columns: Vec<Expr> = table
        .df
        .schema()
        .fields()
        .iter()
        .map(|f| match integer_cells.contains(f.name()) {
            true => cast(column(f.name()), DataType::Float64).alias(f.name()),
            false => column(f.name()),
        })
        .collect();
    let df = table.df.clone().project(columns)?;
    Ok(table.with_df(df))
}

/// Labels in ascending order, position by position, a missing value after every other (where
/// pandas puts the group of a missing key).
fn label_order(a: &Label, b: &Label) -> std::cmp::Ordering {
    let rank = |v: &ScalarValue| v.is_null();
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            rank(x)
                .cmp(&rank(y))
                .then_with(|| x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal))
        })
        .find(|order| order.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

/// Every combination of the values each position of `labels` takes (pandas' `dropna=False`
/// over several columns keys: the product of the levels), in ascending order.
fn every_combination(labels: &[Label]) -> Vec<Label> {
    let width = labels.first().map_or(0, Vec::len);
    let mut levels: Vec<Vec<ScalarValue>> = vec![Vec::new(); width];
    for label in labels {
        for (level, value) in levels.iter_mut().zip(label) {
            if !value.is_null() && !level.contains(value) {
                level.push(value.clone());
            }
        }
    }
    let mut combinations: Vec<Label> = vec![Vec::new()];
    for mut level in levels {
        level.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        combinations = combinations
            .into_iter()
            .flat_map(|prefix| {
                level.iter().map(move |value| {
                    let mut label = prefix.clone();
                    label.push(value.clone());
                    label
                })
            })
            .collect();
    }
    combinations
}

/// `table` with a row for every combination of the index keys' values in `long` (pandas'
/// `dropna=False` over several index keys: the product of the levels), the added rows' cells
/// missing, or the fill.
fn with_every_index_combination(long: &Frame, table: Frame, wide: &Wide) -> Result<Frame> {
    let mut combinations: Option<DataFrame> = None;
    for key in wide.index {
        let level = long
            .df
            .clone()
            .project([column(key)])?
            .keep_rows(column(key).is_not_null())?
            .distinct()?;
        combinations = Some(match combinations {
            None => level,
            Some(so_far) => so_far.join(level, JoinType::Inner, &[], &[], None)?,
        });
    }
    let Some(combinations) = combinations else {
        return Ok(table);
    };
    let renamed = |key: &String| format!("__ddq_table_{key}");
    let values = table.value_columns();
    let right = table.df.clone().project(
        wide.index
            .iter()
            .map(|k| column(k).alias(renamed(k)))
            .chain(values.iter().map(|v| column(v))),
    )?;
    let on: Vec<Expr> = wide
        .index
        .iter()
        .map(|k| column(k).eq(column(&renamed(k))))
        .collect();
    let joined = combinations.join_on(right, JoinType::Left, on)?;
    let df = joined.project(
        wide.index
            .iter()
            .map(|k| column(k))
            .chain(values.iter().map(|v| wide.filled(column(v)).alias(v))),
    )?;
    Ok(table.with_df(df))
}

/// pandas' `margins=True`: after each block's columns, one more (`name`) aggregating each
/// index key's rows over every column value, and a last row `name` aggregating each column
/// value's rows over every key, its `name` cell all rows. As pandas does, these come from the
/// rows with no missing index key, column value or value, and the index becomes text (the
/// margin's label among the keys); the rows keep their order by the keys' own values.
struct Margins<'a> {
    spec: &'a PivotSpec,
    cells: &'a [(String, Agg, String)],
    wide: &'a Wide<'a>,
    labels: &'a [Vec<Label>],
    name: &'a str,
}

impl Margins<'_> {
    fn added_to(&self, frame: &Frame, table: Frame) -> Result<Frame> {
        let mut used: Vec<&String> = self.spec.index.iter().collect();
        used.extend(&self.spec.columns);
        used.extend(&self.spec.values);
        let complete = used
            .iter()
            .map(|c| column(c).is_not_null())
            .reduce(Expr::and)
            .unwrap_or(lit(true));
        let rows = frame.with_df(frame.df.clone().keep_rows(complete)?);
        let body = self.with_margin_column(&rows, &table)?;
        let df = body.union(self.margin_row(&rows, &table)?)?;
        let mut order = vec![column(MARGIN_FLAG).sort(true, false)];
        order.extend(
            (0..self.spec.index.len())
                .map(|j| column(&format!("{KEY_ORDER}{j}")).sort(true, false)),
        );
        Ok(Frame {
            order,
            ..table.with_df(df)
        })
    }

    /// The table's rows: the keys as text (their own values kept to order by), each block's
    /// columns, then its margin: the aggregate of the key's `rows` over every column value.
    fn with_margin_column(&self, rows: &Frame, table: &Frame) -> Result<DataFrame> {
        let keys: Vec<Expr> = self.spec.index.iter().map(|k| column(k)).collect();
        let by_key = rows
            .df
            .clone()
            .group_by(keys, self.aggregates(rows, "__ddq_by_key")?)?
            .alias("m")?;
        let on = self
            .spec
            .index
            .iter()
            .map(|k| qualified("t", k).eq(qualified("m", k)));
        let joined = table
            .df
            .clone()
            .alias("t")?
            .join_on(by_key, JoinType::Left, on)?;
        let mut body = vec![lit(0i64).alias(MARGIN_FLAG)];
        for (j, k) in self.spec.index.iter().enumerate() {
            body.push(qualified("t", k).alias(format!("{KEY_ORDER}{j}")));
        }
        for k in &self.spec.index {
            body.push(cast(qualified("t", k), DataType::Utf8).alias(k));
        }
        for (i, (block, labels)) in self.wide.blocks.iter().zip(self.labels).enumerate() {
            for label in labels {
                let name = block.label_column(label);
                body.push(qualified("t", &name).alias(&name));
            }
            let by_key = qualified("m", &format!("__ddq_by_key{i}"));
            body.push(self.wide.filled(by_key).alias(block.column_name(self.name)));
        }
        Ok(joined.project(body)?)
    }

    /// The last row, labelled `name`: each column value's aggregate over every key, and in
    /// each block's margin column the aggregate of all `rows`.
    fn margin_row(&self, rows: &Frame, table: &Frame) -> Result<DataFrame> {
        let schema = table.df.schema();
        let type_of = |name: &str| -> Result<DataType> {
            Ok(schema
                .field_with_unqualified_name(name)?
                .data_type()
                .clone())
        };
        let mut last = vec![lit(1i64).alias(MARGIN_FLAG)];
        for (j, k) in self.spec.index.iter().enumerate() {
            last.push(cast(lit(ScalarValue::Null), type_of(k)?).alias(format!("{KEY_ORDER}{j}")));
        }
        for (j, k) in self.spec.index.iter().enumerate() {
            let label = if j == 0 { self.name } else { "" };
            last.push(lit(label).alias(k));
        }
        let mut row_cells = Vec::new();
        for (i, (block, labels)) in self.wide.blocks.iter().zip(self.labels).enumerate() {
            for label in labels {
                let name = block.label_column(label);
                let cell = self.wide.cell(&format!("__ddq_by_value{i}"), label)?;
                row_cells.push(cast(cell, type_of(&name)?).alias(&name));
                last.push(column(&name));
            }
            let margin = block.column_name(self.name);
            let everything = rows
                .df
                .clone()
                .group_by(vec![], vec![self.aggregate(rows, i)?.alias("all")])?;
            let corner = scalar_subquery(Arc::new(everything.into_unoptimized_plan()));
            row_cells.push(self.wide.filled(corner).alias(&margin));
            last.push(column(&margin));
        }
        Ok(self
            .by_value(rows)?
            .group_by(vec![], row_cells)?
            .project(last)?)
    }

    /// The aggregate of cell `i` over `rows`.
    fn aggregate(&self, rows: &Frame, i: usize) -> Result<Expr> {
        let (value, agg, _) = &self.cells[i];
        let t = rows.data_type(value).unwrap_or(DataType::Null);
        agg_expr(*agg, column(value), &t, &rows.order, value)
    }

    /// Every cell's aggregate, named `{prefix}{i}`.
    fn aggregates(&self, rows: &Frame, prefix: &str) -> Result<Vec<Expr>> {
        (0..self.cells.len())
            .map(|i| Ok(self.aggregate(rows, i)?.alias(format!("{prefix}{i}"))))
            .collect()
    }

    /// Each column value's aggregates over every key.
    fn by_value(&self, rows: &Frame) -> Result<DataFrame> {
        let aggregates = self.aggregates(rows, "__ddq_by_value")?;
        Ok(rows.df.clone().group_by(
            self.spec.columns.iter().map(|c| column(c)).collect(),
            aggregates,
        )?)
    }
}

/// For each block, the values of `columns` in the long table (those where the block has a
/// value, when empty columns are dropped), in ascending order (of the first key, then the next).
fn column_values(planner: &Planner, long: &Frame, wide: &Wide) -> Result<Vec<Vec<Label>>> {
    let present: Vec<Expr> = wide
        .blocks
        .iter()
        .enumerate()
        .map(|(i, b)| count(column(&b.long_name)).alias(format!("__ddq_present{i}")))
        .collect();
    let keys: Vec<Expr> = wide.columns.iter().map(|c| column(c)).collect();
    let distinct = long
        .df
        .clone()
        .group_by(keys, present)?
        .limit(0, Some(MAX_PIVOT_COLUMNS + 1))?;
    let width = wide.columns.len();
    let mut values = vec![Vec::new(); wide.blocks.len()];
    let mut distinct_values = 0;
    for batch in planner.sources.collect_now(distinct)? {
        distinct_values += batch.num_rows();
        for row in 0..batch.num_rows() {
            let label = (0..width)
                .map(|key| ScalarValue::try_from_array(batch.column(key), row))
                .collect::<std::result::Result<Label, _>>()?;
            for (block, labels) in values.iter_mut().enumerate() {
                let counted = ScalarValue::try_from_array(batch.column(width + block), row)?;
                let has_value = !matches!(counted, ScalarValue::Int64(Some(0)));
                if has_value || !wide.drop_empty_columns {
                    labels.push(label.clone());
                }
            }
        }
    }
    if distinct_values > MAX_PIVOT_COLUMNS {
        return Err(DdqError::unsupported(format!(
            "`{}` has more than {MAX_PIVOT_COLUMNS} distinct values: the table would have a column for each",
            wide.columns.join("`, `")
        ))
        .with_help("group by both keys instead: df.groupby([\"row\", \"col\"]).value.mean()"));
    }
    for labels in &mut values {
        labels.sort_by(label_order);
    }
    Ok(values)
}
