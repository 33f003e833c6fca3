//! Statistics that relate values to their labels or to each other: `idxmax`/`idxmin` (the
//! label of the extreme value: the index key, or the row position when there is no index) and
//! `corr`/`cov` (of two series, or every pair of a frame's numeric columns as a matrix keyed by
//! column name, as pandas lays it out).

use crate::error::{DdqError, Result};
use crate::plan::column_series;
use crate::plan::groupby::{scalar_of, unnest_exact};
use crate::plan::ops::{align_plain, float, is_numeric};
use crate::plan::order::{unique_hidden, with_position};
use crate::plan::project::Project;
use crate::plan::series;
use crate::plan::value::{Frame, Series, Value, column};
use crate::plan::window::{self, Over, RankMethod};
use datafusion::common::ScalarValue;
use datafusion::functions_aggregate::expr_fn as agg;
use datafusion::functions_nested::expr_fn::make_array;
use datafusion::logical_expr::{Expr, ExprFunctionExt, LogicalPlanBuilder, lit, when};
use datafusion::prelude::DataFrame;

/// `s.idxmax()` / `s.idxmin()`: the label of the first largest (smallest) value, missing
/// values skipped.
pub fn extreme_label(series: &Series, largest: bool) -> Result<Value> {
    let frame = series::to_frame(series)?;
    let value = frame.value_columns().pop().unwrap_or_default();
    let (frame, label) = match frame.key_columns().as_slice() {
        [key] => {
            let key = key.clone();
            (frame, column(&key))
        }
        [] => {
            let position = unique_hidden(&frame, "__ddq_pos");
            (with_position(&frame, &position)?, column(&position))
        }
        _ => {
            return Err(DdqError::unsupported(
                "idxmax/idxmin of a series keyed by several columns is not supported",
            )
            .with_help("reset_index() and use the columns instead"));
        }
    };
    let mut order = vec![column(&value).sort(!largest, false)];
    order.extend(frame.order.iter().cloned());
    let df = frame
        .df
        .clone()
        .keep_rows(column(&value).is_not_null())?
        .sort(order)?
        .limit(0, Some(1))?
        .project(vec![label])?;
    Ok(Value::Scalar(scalar_of(df, &series.name)))
}

/// Which statistic of two variables.
#[derive(Clone, Copy, PartialEq)]
pub enum Relation {
    Correlation,
    Covariance,
}

impl Relation {
    fn of(self, a: Expr, b: Expr) -> Expr {
        match self {
            Relation::Correlation => agg::corr(float(a), float(b)),
            Relation::Covariance => agg::covar_samp(float(a), float(b)),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Relation::Correlation => "corr",
            Relation::Covariance => "cov",
        }
    }
}

/// `a.corr(b)` / `a.cov(b)`: over the rows where both are present.
pub fn of_two(a: &Series, b: &Series, relation: Relation) -> Result<Value> {
    let (frame, ae, be) = align_plain(a, b)?;
    let both = ae.clone().is_not_null().and(be.clone().is_not_null());
    let df = frame
        .df
        .clone()
        .keep_rows(both)?
        .group_by(vec![], vec![relation.of(ae, be).alias("value")])?;
    Ok(Value::Scalar(scalar_of(df, relation.name())))
}

/// `a.corr(b, method=f)`: `f` of the two series over the rows where both are present, missing
/// when there is none, as pandas' `nancorr` calls it.
pub fn of_two_function(
    a: &Series,
    b: &Series,
    function: &dyn Fn(Series, Series) -> Result<Expr>,
) -> Result<Value> {
    let (frame, ae, be) = align_plain(a, b)?;
    let both = ae.clone().is_not_null().and(be.clone().is_not_null());
    let kept = frame.with_df(frame.df.clone().keep_rows(both)?);
    let value = function(
        Series::new(kept.clone(), ae, a.name.clone()),
        Series::new(kept.clone(), be, b.name.clone()),
    )?;
    Ok(Value::Scalar(crate::plan::value::Scalar {
        expr: unless_no_rows(&kept, value)?,
        name: "corr".to_string(),
    }))
}

/// `value`, missing when `kept` has no row: pandas gives NaN for a pair with no row in common
/// rather than calling the function.
fn unless_no_rows(kept: &Frame, value: Expr) -> Result<Expr> {
    let rows = crate::plan::groupby::row_count(kept)?.expr;
    Ok(when(rows.gt_eq(lit(1)), float(value)).otherwise(lit(ScalarValue::Float64(None)))?)
}

/// `a.corr(b, method="spearman")`: Pearson's correlation of the values' ranks (ties averaged),
/// both ranked among the rows where both are present, as pandas ranks them.
pub fn spearman(a: &Series, b: &Series) -> Result<Value> {
    let (frame, ae, be) = align_plain(a, b)?;
    let both = ae.clone().is_not_null().and(be.clone().is_not_null());
    let kept = frame.with_df(frame.df.clone().keep_rows(both)?);
    let rank_of = |e: Expr| -> Result<Expr> {
        let series = Series::new(kept.clone(), e, "");
        Ok(window::rank(&series, &Over::all(&kept), RankMethod::Average, true)?.expr)
    };
    let ranks = kept.df.clone().project([
        rank_of(ae)?.alias("__ddq_rank_a"),
        rank_of(be)?.alias("__ddq_rank_b"),
    ])?;
    let correlation = agg::corr(column("__ddq_rank_a"), column("__ddq_rank_b"));
    let df = ranks.group_by(vec![], vec![correlation.alias("value")])?;
    Ok(Value::Scalar(scalar_of(df, "corr")))
}

/// `df.corr()` / `df.cov()`: one row and one column per numeric column, each pair computed
/// over the rows where both are present, in one pass.
pub fn matrix(frame: &Frame, relation: Relation) -> Result<Frame> {
    let names = numeric_columns(frame, relation.name())?;
    let mut aggregates = Vec::new();
    for (i, a) in names.iter().enumerate() {
        for (j, b) in names.iter().enumerate() {
            let (a, b) = (column(a), column(b));
            let both = a.clone().is_not_null().and(b.clone().is_not_null());
            let pair = relation.of(a, b).filter(both).build()?;
            aggregates.push(pair.alias(cell_name(i, j)));
        }
    }
    let one_row = frame.df.clone().group_by(vec![], aggregates)?;
    matrix_of_cells(one_row, &names, relation.name())
}

/// `df.corr(method=f)`: `f(a, b)` of every pair of numeric columns, as pandas calls it: with
/// the rows where both are present, once per pair (the matrix is symmetric), and not at all on
/// the diagonal, which is 1.0. A pair without a row in common is missing.
pub fn matrix_of_function(
    frame: &Frame,
    function: &dyn Fn(Series, Series) -> Result<Expr>,
) -> Result<Frame> {
    let names = numeric_columns(frame, "corr")?;
    let mut cells = vec![None; names.len() * names.len()];
    for (i, a) in names.iter().enumerate() {
        for (j, b) in names.iter().enumerate().skip(i) {
            let both = column(a).is_not_null().and(column(b).is_not_null());
            let kept = frame.with_df(frame.df.clone().keep_rows(both)?);
            let value = if i == j {
                lit(1.0)
            } else {
                function(column_series(&kept, a)?, column_series(&kept, b)?)?
            };
            let cell = unless_no_rows(&kept, value)?;
            cells[i * names.len() + j] = Some(cell.clone().alias(cell_name(i, j)));
            cells[j * names.len() + i] = Some(cell.alias(cell_name(j, i)));
        }
    }
    let (state, _) = frame.df.clone().into_parts();
    let plan = LogicalPlanBuilder::empty(true)
        .project(cells.into_iter().flatten())?
        .build()?;
    matrix_of_cells(DataFrame::new(state, plan), &names, "corr")
}

/// The numeric columns (booleans left out) a matrix pairs, or an error naming the statistic.
fn numeric_columns(frame: &Frame, statistic: &str) -> Result<Vec<String>> {
    let names: Vec<String> = frame
        .value_columns()
        .into_iter()
        .filter(|c| {
            frame.data_type(c).is_some_and(|t| {
                is_numeric(&t) && t != datafusion::arrow::datatypes::DataType::Boolean
            })
        })
        .collect();
    if names.is_empty() {
        return Err(DdqError::type_error(format!(
            "the frame has no numeric columns to compute {statistic} of"
        )));
    }
    Ok(names)
}

fn cell_name(i: usize, j: usize) -> String {
    format!("__ddq_m{i}_{j}")
}

/// A one-row plan of cells `__ddq_m{i}_{j}` laid out as pandas' matrix: a row per column,
/// keyed by its name.
fn matrix_of_cells(one_row: DataFrame, names: &[String], origin: &str) -> Result<Frame> {
    let mut select = vec![
        make_array(names.iter().map(|n| lit(n.clone())).collect()).alias("column"),
        make_array((0..names.len() as i64).map(lit).collect()).alias("__ddq_colpos"),
    ];
    for (j, name) in names.iter().enumerate() {
        let values = (0..names.len()).map(|i| column(&cell_name(i, j))).collect();
        select.push(make_array(values).alias(name));
    }
    let mut unnested: Vec<&str> = vec!["column", "__ddq_colpos"];
    unnested.extend(names.iter().map(String::as_str));
    let df = unnest_exact(one_row.project(select)?, &unnested)?;
    Ok(Frame {
        df,
        order: vec![column("__ddq_colpos").sort(true, false)],
        index_columns: 1,
        npartitions: 1,
        partition: None,
        origin: origin.to_string(),
        divisions: None,
    })
}
