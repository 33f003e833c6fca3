//! Frame attributes, indexing (`[]`, `.loc`, `.iloc`, `.partitions`) and methods.

use crate::error::{DdqError, Result};
use crate::lang::ast::Ident;
use crate::plan::groupby;
use crate::plan::index;
use crate::plan::ops::{expr_type, is_numeric, is_temporal, is_text, literal_expr, qualified};
use crate::plan::order::{self, keep_order_for, unique_hidden, with_position, with_total};
use crate::plan::project::Project;
use crate::plan::series;
use crate::plan::value::{Action, FileFormat, Frame, Series, Value, WriteRequest, column};
use crate::plan::verbs::Arg;
use crate::plan::window;
use crate::plan::{Planner, check_columns, column_names, column_series};
use crate::types::dtype::parse_dtype;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::JoinType;
use datafusion::functions::expr_fn as f;
use datafusion::functions_aggregate::expr_fn::{count, sum};
use datafusion::logical_expr::{
    Case, Expr, LogicalPlan, LogicalPlanBuilder, SortExpr, cast, lit, when,
};
use datafusion::prelude::DataFrame;
use datafusion::scalar::ScalarValue;

pub fn subscript(planner: &Planner, frame: Frame, index: Value) -> Result<Value> {
    // `df[lambda d: d.x > 0]`: the function is given the frame.
    let index = match index {
        Value::Lambda(lambda) => {
            planner.apply_lambda(&lambda, vec![Value::Frame(frame.clone())])?
        }
        other => other,
    };
    match index {
        Value::Str(name) => Ok(Value::Series(column_series(&frame, &name)?)),
        Value::Series(mask) => filter(&frame, &mask).map(Value::Frame),
        Value::Slice(start, stop, step) => {
            iloc_rows(&frame, RowSelector::Slice(start, stop, step)).map(Value::Frame)
        }
        // A boolean frame keeps each value where it is true (`df[df > 0]`, pandas' where).
        Value::Frame(mask) => crate::plan::verbs::conditional::where_frame(
            &frame,
            &mask,
            crate::plan::verbs::conditional::Replacement::Given(None),
            true,
        ),
        // Label bounds slice the index (`df["1991-01-01":"1991-01-09"]` on a datetime index).
        labels @ Value::LabelSlice(..) => index::loc_rows(&frame, labels).map(Value::Frame),
        other => match column_names(&other) {
            Some(names) => select(&frame, &names).map(Value::Frame),
            None => {
                let _ = planner;
                Err(DdqError::type_error(format!(
                    "a frame is indexed by a column name, a list of names, a boolean series or a slice, not {}",
                    other.kind_name()
                )))
            }
        },
    }
}

/// Keeps the key columns, the named columns (in the order given) and the hidden bookkeeping.
pub fn select(frame: &Frame, names: &[String]) -> Result<Frame> {
    check_columns(frame, names)?;
    let mut keep: Vec<String> = frame.key_columns();
    keep.extend(names.iter().cloned());
    let frame = keep_order_for(frame, &keep)?;
    let mut exprs: Vec<Expr> = keep.iter().map(|c| column(c)).collect();
    exprs.extend(frame.hidden_columns().iter().map(|h| column(h)));
    Ok(frame.with_df(frame.df.clone().project(exprs)?))
}

/// The series over `frame`'s own rows: as it is when computed from `frame`; when `frame` only
/// picked columns of the series' frame (`num = ddf[["a", "b"]]` beside `ddf.c > 0`), the rows
/// are the same ones, so the series comes along as a hidden column, as pandas aligns them by
/// label. `None` when the rows may differ.
pub fn series_onto(frame: &Frame, series: &Series) -> Result<Option<(Frame, Series)>> {
    let plan = frame.df.logical_plan();
    if plan == series.frame.df.logical_plan() {
        return Ok(Some((frame.clone(), series.clone())));
    }
    let LogicalPlan::Projection(picked) = plan else {
        return Ok(None);
    };
    if !picked.expr.iter().all(is_plain_column)
        || picked.input.as_ref() != series.frame.df.logical_plan()
    {
        return Ok(None);
    }
    let name = unique_hidden(&series.frame, "__ddq_row_value");
    let df = series
        .frame
        .df
        .clone()
        .set_column(&name, series.expr.clone())?
        .project(picked.expr.iter().cloned().chain([column(&name)]))?;
    let frame = frame.with_df(df);
    Ok(Some((
        frame.clone(),
        Series::new(frame, column(&name), series.name.clone()),
    )))
}

/// Rows where a boolean series over this frame is true (null counts as false, as in pandas).
pub fn filter(frame: &Frame, mask: &Series) -> Result<Frame> {
    let Some((frame, mask)) = series_onto(frame, mask)? else {
        return Err(DdqError::type_error(format!(
            "the mask `{}` does not come from this frame",
            mask.name
        ))
        .with_help("build the mask from the same frame, e.g. `df[df.col > 0]`"));
    };
    let t = expr_type(&frame, &mask.expr)?;
    if t != DataType::Boolean {
        return Err(DdqError::type_error(format!(
            "cannot filter rows by series `{}` of dtype {}: a boolean series is needed",
            mask.name,
            crate::types::dtype::pandas_dtype(&t)
        ))
        .with_help("compare it first, e.g. `df[df.col > 0]`"));
    }
    // A filter keeps the rows where the mask is true, dropping missing ones as pandas' False
    // does; wrapping the mask in `IS TRUE` would only repeat that.
    let mask = window::plain(&mask)?;
    Ok(mask
        .frame
        .with_df(mask.frame.df.clone().keep_rows(mask.expr)?))
}

/// `[rows, cols]` into its two parts; `[rows]` has no column part.
fn split_indexer(index: Value) -> (Value, Option<Value>) {
    match index {
        Value::Tuple(items) if items.len() == 2 => {
            let mut it = items.into_iter();
            let rows = it.next().unwrap_or(Value::None);
            (rows, it.next())
        }
        other => (other, None),
    }
}

/// `.loc`/`.iloc` indexers with the functions among them (`df.loc[lambda d: d.x > 0]`,
/// `df.iloc[:, lambda d: [0, 1]]`) called with the frame, as pandas does.
pub fn called_indexers(planner: &Planner, frame: &Frame, index: Value) -> Result<Value> {
    let call = |indexer: Value| match indexer {
        Value::Lambda(lambda) => planner.apply_lambda(&lambda, vec![Value::Frame(frame.clone())]),
        other => Ok(other),
    };
    match index {
        Value::Tuple(items) if items.len() == 2 => Ok(Value::Tuple(
            items.into_iter().map(call).collect::<Result<Vec<_>>>()?,
        )),
        other => call(other),
    }
}

/// `df.loc[mask]`, `df.loc[mask, cols]`, `df.loc[:, cols]`
pub fn loc(planner: &Planner, frame: Frame, index: Value) -> Result<Value> {
    let (rows, cols) = split_indexer(called_indexers(planner, &frame, index)?);
    // One position of the default index and one column name give that value, as in pandas.
    let one_row =
        frame.key_columns().is_empty() && matches!(rows, Value::Scalar(_) | Value::Int(_));
    let mut result = match rows {
        Value::Slice(None, None, None) => frame,
        Value::Series(mask) => filter(&frame, &mask)?,
        label => index::loc_rows(&frame, label)?,
    };
    if let Some(cols) = cols {
        result = match cols {
            Value::Slice(None, None, None) => result,
            Value::Str(name) if one_row => {
                check_columns(&result, std::slice::from_ref(&name))?;
                return first_value(&result, &name, &name);
            }
            Value::Str(name) => return Ok(Value::Series(column_series(&result, &name)?)),
            other => match column_names(&other) {
                Some(names) => select(&result, &names)?,
                None => {
                    return Err(DdqError::type_error(format!(
                        "loc columns must be a name, a list of names or `:`, not {}",
                        other.kind_name()
                    )));
                }
            },
        };
    }
    Ok(Value::Frame(result))
}

/// The value of `column` in the frame's first row (of the one row an indexer kept), as a
/// scalar named `name`: `df.iloc[1, 1]`, `df.loc[i, "col"]`, `s.iloc[5]`.
pub fn first_value(frame: &Frame, column_name: &str, name: &str) -> Result<Value> {
    let one = order::sorted(frame)?
        .project(vec![column(column_name)])?
        .limit(0, Some(1))?;
    Ok(Value::Scalar(groupby::scalar_of(one, name)))
}

/// Rows `start..stop` by position, Python's slice (negative counts from the end).
pub fn rows_slice(frame: &Frame, start: Option<i64>, stop: Option<i64>) -> Result<Frame> {
    iloc_rows(frame, RowSelector::Slice(start, stop, None))
}

/// Which rows an `iloc` takes.
enum RowSelector {
    Slice(Option<i64>, Option<i64>, Option<i64>),
    Positions(Vec<i64>),
}

/// `df.iloc[rows]`, `df.iloc[rows, cols]`
pub fn iloc(frame: Frame, index: Value) -> Result<Value> {
    let (rows, cols) = split_indexer(index);
    let mut result = match rows {
        Value::Slice(None, None, None) => frame,
        Value::Slice(a, b, c) => iloc_rows(&frame, RowSelector::Slice(a, b, c))?,
        Value::Int(i) => {
            // One position gives that row as a series keyed by column name, as in pandas.
            let mut row = iloc_rows(&frame, RowSelector::Positions(vec![i]))?;
            // One position and one column (`df.iloc[1, 1]`) give that value.
            if let Some(Value::Int(_)) = cols {
                let names = iloc_column_names(&row, cols.unwrap_or(Value::None))?;
                return first_value(&row, &names[0], &names[0]);
            }
            if let Some(cols) = cols {
                row = select(&row, &iloc_column_names(&row, cols)?)?;
            }
            return Ok(Value::Series(groupby::row_series(&row, &i.to_string())?));
        }
        Value::List(items) => iloc_rows(&frame, RowSelector::Positions(int_list(&items)?))?,
        other => {
            return Err(DdqError::type_error(format!(
                "iloc rows must be an integer, a list of integers or a slice, not {}",
                other.kind_name()
            )));
        }
    };
    if let Some(cols) = cols {
        let names = iloc_column_names(&result, cols)?;
        result = select(&result, &names)?;
    }
    Ok(Value::Frame(result))
}

/// The column names an `iloc` column selector picks.
fn iloc_column_names(frame: &Frame, cols: Value) -> Result<Vec<String>> {
    let columns = frame.value_columns();
    let picked: Vec<i64> = match cols {
        Value::Slice(a, b, c) => slice_positions(columns.len() as i64, a, b, c)?,
        Value::Int(i) => vec![i],
        Value::List(items) => int_list(&items)?,
        other => {
            return Err(DdqError::type_error(format!(
                "iloc columns must be an integer, a list of integers or a slice, not {}",
                other.kind_name()
            )));
        }
    };
    let mut names = Vec::new();
    for i in picked {
        let position = if i < 0 { columns.len() as i64 + i } else { i };
        let name = usize::try_from(position)
            .ok()
            .and_then(|p| columns.get(p))
            .ok_or_else(|| {
                DdqError::type_error(format!(
                    "column position {i} is out of range: the frame has {} columns",
                    columns.len()
                ))
            })?;
        names.push(name.clone());
    }
    Ok(names)
}

fn int_list(items: &[Value]) -> Result<Vec<i64>> {
    items
        .iter()
        .map(|v| match v {
            Value::Int(i) => Ok(*i),
            other => Err(DdqError::type_error(format!(
                "positions must be integers, not {}",
                other.kind_name()
            ))),
        })
        .collect()
}

/// The positions a Python slice `start:stop:step` takes from `len` items.
pub fn slice_positions(
    len: i64,
    start: Option<i64>,
    stop: Option<i64>,
    step: Option<i64>,
) -> Result<Vec<i64>> {
    let step = step.unwrap_or(1);
    if step <= 0 {
        return Err(DdqError::unsupported("slice steps must be positive"));
    }
    let clamp = |v: i64| if v < 0 { (len + v).max(0) } else { v.min(len) };
    let (a, b) = (clamp(start.unwrap_or(0)), clamp(stop.unwrap_or(len)));
    Ok((a..b).step_by(step as usize).collect())
}

fn iloc_rows(frame: &Frame, selector: RowSelector) -> Result<Frame> {
    match selector {
        RowSelector::Slice(_, _, Some(0)) => Err(DdqError::type_error("slice step cannot be zero")),
        // Non-negative contiguous slices need no row count: sort, skip, fetch.
        RowSelector::Slice(start, stop, None | Some(1))
            if start.unwrap_or(0) >= 0 && stop.is_none_or(|b| b >= 0) =>
        {
            let a = start.unwrap_or(0);
            let fetch = stop.map(|b| (b - a).max(0) as usize);
            let df = order::sorted(frame)?.limit(a as usize, fetch)?;
            Ok(Frame {
                npartitions: 1,
                ..frame.with_df(df)
            })
        }
        RowSelector::Slice(start, stop, step) => iloc_slice(frame, start, stop, step.unwrap_or(1)),
        RowSelector::Positions(list) => iloc_positions(frame, &list),
    }
}

/// A frame with its rows' positions and the row count as hidden columns, and their names.
fn positioned(frame: &Frame) -> Result<(Frame, Expr, Expr)> {
    let pos = unique_hidden(frame, "__ddq_ipos");
    let total = unique_hidden(frame, "__ddq_itotal");
    let positioned = with_total(&with_position(frame, &pos)?, &total)?;
    Ok((positioned, column(&pos), column(&total)))
}

/// A Python slice of rows with any bounds and step, by position (negative counts from the end).
fn iloc_slice(frame: &Frame, start: Option<i64>, stop: Option<i64>, step: i64) -> Result<Frame> {
    let (positioned, p, n) = positioned(frame)?;
    let resolve = |i: i64| if i < 0 { n.clone() + lit(i) } else { lit(i) };
    let predicate = if step > 0 {
        let lower = f::greatest(vec![start.map_or(lit(0i64), resolve), lit(0i64)]);
        let upper = stop.map_or(n.clone(), resolve);
        p.clone()
            .gt_eq(lower.clone())
            .and(p.clone().lt(upper))
            .and(((p.clone() - lower) % lit(step)).eq(lit(0i64)))
    } else {
        // Backwards: from `start` (default the last row) down to just after `stop`.
        let upper = f::least(vec![
            start.map_or(n.clone() - lit(1i64), resolve),
            n.clone() - lit(1i64),
        ]);
        let lower = stop.map_or(lit(-1i64), |b| f::greatest(vec![resolve(b), lit(-1i64)]));
        p.clone()
            .lt_eq(upper.clone())
            .and(p.clone().gt(lower))
            .and(((upper - p.clone()) % lit(-step)).eq(lit(0i64)))
    };
    let df = positioned.df.clone().keep_rows(predicate)?;
    Ok(Frame {
        npartitions: 1,
        order: vec![p.sort(step > 0, false)],
        ..positioned.with_df(df)
    })
}

/// `iloc[[i, j, ...]]`: the rows in the order listed, repeats included, as pandas does. The
/// list becomes a small table joined to the rows' positions.
fn iloc_positions(frame: &Frame, list: &[i64]) -> Result<Frame> {
    let (positioned, p, n) = positioned(frame)?;
    if list.is_empty() {
        let df = positioned.df.clone().keep_rows(lit(false))?;
        return Ok(Frame {
            npartitions: 1,
            ..positioned.with_df(df)
        });
    }
    let rows: Vec<Vec<Expr>> = list
        .iter()
        .enumerate()
        .map(|(k, i)| vec![lit(k as i64), lit(*i)])
        .collect();
    let (state, _) = positioned.df.clone().into_parts();
    let wanted =
        DataFrame::new(state, LogicalPlanBuilder::values(rows)?.build()?).project(vec![
            column("column1").alias("__ddq_iorder"),
            column("column2").alias("__ddq_iwant"),
        ])?;
    let want = column("__ddq_iwant");
    let target = Expr::Case(Case::new(
        None,
        vec![(
            Box::new(want.clone().lt(lit(0i64))),
            Box::new(n.clone() + want.clone()),
        )],
        Some(Box::new(want)),
    ));
    let mut keep: Vec<Expr> = positioned
        .df
        .schema()
        .fields()
        .iter()
        .map(|f| column(f.name()))
        .collect();
    keep.push(column("__ddq_iorder"));
    let df = positioned
        .df
        .clone()
        .join_on(wanted, JoinType::Inner, [p.eq(target)])?
        .project(keep)?;
    Ok(Frame {
        npartitions: 1,
        order: vec![column("__ddq_iorder").sort(true, false)],
        ..positioned.with_df(df)
    })
}

/// `df.partitions[i]`, `df.partitions[a:b:step]`, `df.partitions[[i, j]]`: the partitions
/// named, in their order, numbered from 0 again.
pub fn partition(frame: Frame, index: Value) -> Result<Value> {
    let n = frame.npartitions as i64;
    let in_range = |i: i64| {
        let position = if i < 0 { n + i } else { i };
        if position < 0 || position >= n {
            return Err(DdqError::type_error(format!(
                "partition {i} is out of range: the frame has {n} partitions"
            )));
        }
        Ok(position as u64)
    };
    let positions: Vec<u64> = match index {
        Value::Int(i) => vec![in_range(i)?],
        Value::Slice(start, stop, step) => slice_positions(n, start, stop, step)?
            .into_iter()
            .map(|p| p as u64)
            .collect(),
        Value::List(items) => {
            let positions = items
                .iter()
                .map(|item| match item {
                    Value::Int(i) => in_range(*i),
                    other => Err(DdqError::type_error(format!(
                        "partitions are listed by integers, not {}",
                        other.kind_name()
                    ))),
                })
                .collect::<Result<Vec<u64>>>()?;
            if positions.windows(2).any(|pair| pair[0] >= pair[1]) {
                return Err(DdqError::unsupported(
                    "a list of partitions must name each once, in increasing order",
                )
                .with_help("sort the list, e.g. ddf.partitions[[1, 3]]"));
            }
            positions
        }
        other => {
            return Err(DdqError::type_error(format!(
                "partitions are indexed by an integer, a slice or a list of integers, not {}",
                other.kind_name()
            )));
        }
    };
    if positions.is_empty() {
        return Err(DdqError::input("the selection names no partition"));
    }
    let Some(expr) = frame.partition.clone() else {
        return Err(DdqError::unsupported("this frame's rows are not split into partitions").with_help("partitions are defined for frames read from files and their row-wise transformations"));
    };
    let named: Vec<Expr> = positions.iter().map(|&p| lit(p)).collect();
    let df = frame
        .df
        .clone()
        .keep_rows(expr.clone().in_list(named, false))?;
    let partition = match positions.as_slice() {
        [_] => lit(0u64),
        _ => crate::plan::ops::first_matching(
            positions
                .iter()
                .enumerate()
                .map(|(new, &old)| (expr.clone().eq(lit(old)), lit(new as u64)))
                .collect(),
        )?,
    };
    Ok(Value::Frame(Frame {
        npartitions: positions.len(),
        partition: Some(partition),
        ..frame.with_df(df)
    }))
}

/// `to_csv(path)` / `to_parquet(path)` / `to_json(path)`: checked here, written by `exec` when
/// the statement runs.
pub fn write_request(
    frame: Frame,
    format: FileFormat,
    path: Arg,
    single_file: Option<Arg>,
) -> Result<Value> {
    let path = match path.required()?.clone() {
        Value::Str(p) if !p.is_empty() => p,
        other => {
            return Err(path.invalid(format!(
                "the path must be a non-empty string, not {}",
                other.kind_name()
            )));
        }
    };
    if let Some(single_file) = single_file
        && matches!(single_file.value(), Some(Value::Bool(true)))
        && path.contains('*')
    {
        return Err(
            single_file.invalid("single_file=True writes one file: leave `*` out of the name")
        );
    }
    Ok(Value::Action(Box::new(Action::Write(WriteRequest {
        frame,
        path,
        format,
    }))))
}

/// `visualize(filename="mydask", format="png")`: Dask's defaults; a name with an extension
/// chooses the format itself.
pub fn visualize_request(
    (df, npartitions): (datafusion::prelude::DataFrame, usize),
    filename: Arg,
    format: Arg,
) -> Result<Value> {
    let filename = match filename.value() {
        None => "mydask".to_string(),
        Some(Value::Str(f)) if !f.is_empty() => f.clone(),
        Some(_) => return Err(filename.invalid("filename must be a non-empty string")),
    };
    let has_extension = std::path::Path::new(&filename).extension().is_some();
    let path = match format.value() {
        Some(Value::Str(f)) => format!("{filename}.{f}"),
        Some(_) => return Err(format.invalid("format must be \"png\", \"svg\" or \"dot\"")),
        None if has_extension => filename,
        None => format!("{filename}.png"),
    };
    Ok(Value::Action(Box::new(Action::Visualize {
        df,
        npartitions,
        path,
    })))
}

pub fn repartition(frame: Frame, npartitions: Arg) -> Result<Value> {
    let k = match npartitions.value() {
        Some(Value::Int(k)) if *k >= 1 => *k as u64,
        Some(_) => {
            return Err(npartitions.invalid("npartitions must be a positive integer"));
        }
        None => return Err(npartitions.invalid("repartition() needs npartitions=N")),
    };
    let n = frame.npartitions as u64;
    // Fewer partitions: merge neighbours, as Dask does. More: split rows evenly in order.
    if let (Some(part), true) = (frame.partition.clone(), k <= n) {
        let merged = cast(
            cast(part, DataType::UInt64) * lit(k) / lit(n),
            DataType::UInt64,
        );
        return Ok(Value::Frame(Frame {
            npartitions: k as usize,
            partition: Some(merged),
            ..frame
        }));
    }
    let pos = unique_hidden(&frame, "__ddq_rpos");
    let total = unique_hidden(&frame, "__ddq_rtotal");
    let positioned = with_total(&with_position(&frame, &pos)?, &total)?;
    let expr = cast(
        cast(column(&pos), DataType::UInt64) * lit(k)
            / f::greatest(vec![cast(column(&total), DataType::UInt64), lit(1u64)]),
        DataType::UInt64,
    );
    Ok(Value::Frame(Frame {
        npartitions: k as usize,
        partition: Some(expr),
        ..positioned
    }))
}

pub fn select_dtypes(frame: &Frame, include_arg: Arg, exclude_arg: Arg) -> Result<Value> {
    let kinds = |arg: Arg| -> Result<Vec<String>> {
        match arg.given() {
            None => Ok(vec![]),
            Some(v) => column_names(v).ok_or_else(|| {
                arg.invalid(format!(
                    "`{}` must be a dtype name or a list of them",
                    arg.name()
                ))
            }),
        }
    };
    let include = kinds(include_arg)?;
    let exclude = kinds(exclude_arg)?;
    if include.is_empty() && exclude.is_empty() {
        return Err(include_arg.invalid("select_dtypes() needs include= or exclude="));
    }
    let matches = |t: &DataType, kind: &str| -> Result<bool> {
        Ok(match kind {
            "number" | "numeric" => is_numeric(t) && *t != DataType::Boolean,
            "object" | "string" | "str" => is_text(t),
            "bool" | "boolean" => *t == DataType::Boolean,
            "datetime" | "datetime64" | "datetime64[ns]" => is_temporal(t),
            other => match parse_dtype(other) {
                Some(wanted) => *t == wanted,
                None => {
                    return Err(include_arg.invalid(format!("unknown dtype `{other}`")).with_help(
                        "use number, object, bool, datetime or a dtype such as int64 or float64",
                    ));
                }
            },
        })
    };
    let mut names = Vec::new();
    for name in frame.value_columns() {
        let t = frame.data_type(&name).unwrap_or(DataType::Null);
        let mut keep = include.is_empty();
        for kind in &include {
            keep |= matches(&t, kind)?;
        }
        for kind in &exclude {
            keep &= !matches(&t, kind)?;
        }
        if keep {
            names.push(name);
        }
    }
    select(frame, &names).map(Value::Frame)
}

/// `dropna(how=, subset=, thresh=)` of a frame: the rows without a missing value among
/// `subset` (with `how="all"`, with at least one value; with `thresh=n`, with at least n).
pub fn dropna(frame: &Frame, how: Arg, subset: Arg, thresh: Arg) -> Result<Value> {
    let subset = match subset.value() {
        None | Some(Value::None) => frame.value_columns(),
        Some(v) => column_names(v)
            .ok_or_else(|| subset.invalid("subset must be a name or a list of names"))?,
    };
    check_columns(frame, &subset)?;
    let all = how_is_all(how)?;
    let present: Vec<Expr> = subset
        .iter()
        .map(|c| Ok(series::isna(&column_series(frame, c)?, false)))
        .collect::<Result<_>>()?;
    let predicate = match thresh.given() {
        Some(Value::Int(n)) => {
            let mut counted = lit(0i64);
            for value_present in present {
                counted = counted + when(value_present, lit(1i64)).otherwise(lit(0i64))?;
            }
            Some(counted.gt_eq(lit(*n)))
        }
        Some(other) => {
            return Err(thresh.invalid(format!(
                "thresh= is a number of values, not {}",
                other.kind_name()
            )));
        }
        None if all => present.into_iter().reduce(Expr::or),
        None => present.into_iter().reduce(Expr::and),
    };
    match predicate {
        Some(p) => Ok(Value::Frame(frame.with_df(frame.df.clone().keep_rows(p)?))),
        None => Ok(Value::Frame(frame.clone())),
    }
}

/// dropna's `how`: whether a row (column) goes only when all its values are missing.
fn how_is_all(how: Arg) -> Result<bool> {
    match how.value() {
        None => Ok(false),
        Some(Value::Str(h)) if h == "any" => Ok(false),
        Some(Value::Str(h)) if h == "all" => Ok(true),
        Some(_) => Err(how.invalid("how must be \"any\" or \"all\"")),
    }
}

/// `dropna(axis=1, how="any")`: the columns without a missing value (with `how="all"`, those
/// with at least one value). Which columns remain depends on the data, so planning asks the
/// engine for each column's missing count first (one pass), as pandas looks at the data.
pub fn dropna_columns(planner: &Planner, frame: &Frame, how: Arg) -> Result<Value> {
    let all = how_is_all(how)?;
    let values = frame.value_columns();
    let mut counts = vec![count(lit(1)).alias("__ddq_rows")];
    for (i, name) in values.iter().enumerate() {
        let missing = series::isna(&column_series(frame, name)?, true);
        counts.push(sum(cast(missing, DataType::Int64)).alias(format!("__ddq_missing_{i}")));
    }
    let query = frame.df.clone().group_by(vec![], counts)?;
    let batches = planner.sources.collect_now(query)?;
    let Some(row) = batches.iter().find(|b| b.num_rows() > 0) else {
        return Err(DdqError::execution(
            "the count of missing values gave no row",
        ));
    };
    let number = |i: usize| -> Result<i64> {
        let value = ScalarValue::try_from_array(row.column(i), 0)?;
        Ok(match value {
            ScalarValue::Int64(Some(n)) => n,
            _ => 0,
        })
    };
    let rows = number(0)?;
    let mut kept = Vec::new();
    for (i, name) in values.iter().enumerate() {
        let missing = number(i + 1)?;
        if (all && missing < rows) || (!all && missing == 0) {
            kept.push(name.clone());
        }
    }
    select(frame, &kept).map(Value::Frame)
}

/// `assign(name=value, ...)`: every value is computed from the frame as it was before the call
/// (a later keyword sees the original column, not one an earlier keyword replaced), replaced
/// columns keep their place and new ones follow, as in pandas. A series may come from the frame
/// the columns were picked from (`ddf[["a"]].assign(b=ddf.b * 2)`): the rows are the same.
pub fn assign(frame: &Frame, extra: &[(Ident, Value)]) -> Result<Value> {
    let (base, mut columns) = assign_base(frame, extra)?;
    for (ident, value) in extra.iter().cloned() {
        let expr = match value {
            Value::Series(s) => match s.categories() {
                Some(categories) => {
                    crate::plan::cut::categorical_column(s.expr.clone(), &ident.name, categories)
                }
                None => s.expr,
            },
            Value::Scalar(s) => s.expr,
            other => literal_expr(&other).ok_or_else(|| {
                DdqError::type_error(format!("cannot assign {} to a column", other.kind_name()))
                    .at(ident.span)
            })?,
        };
        // An alias of the same name may carry field metadata (a categorical's labels).
        let expr = match expr {
            Expr::Alias(alias) if alias.name == ident.name => Expr::Alias(alias),
            other => other.alias(&ident.name),
        };
        match columns.iter_mut().find(|(name, _)| *name == ident.name) {
            Some(place) => place.1 = expr,
            None => columns.push((ident.name.clone(), expr)),
        }
    }
    let df = base.project(columns.into_iter().map(|(_, e)| e))?;
    Ok(Value::Frame(frame.with_df(df)))
}

/// The plan assign's expressions are computed over, with the frame's columns as expressions
/// over it: the frame itself, or the frame its columns were picked from when a series comes
/// from there.
fn assign_base(
    frame: &Frame,
    extra: &[(Ident, Value)],
) -> Result<(DataFrame, Vec<(String, Expr)>)> {
    let own = frame.df.logical_plan();
    let foreign = extra.iter().find_map(|(ident, value)| match value {
        Value::Series(s) if s.frame.df.logical_plan() != own => Some((ident, s)),
        _ => None,
    });
    let Some((ident, series)) = foreign else {
        let columns = frame
            .df
            .schema()
            .iter()
            .map(|(qualifier, field)| {
                let reference = datafusion::common::Column::from((qualifier, field));
                (field.name().clone(), Expr::Column(reference))
            })
            .collect();
        return Ok((frame.df.clone(), columns));
    };
    let parent = series.frame.df.logical_plan();
    let picked = match own {
        LogicalPlan::Projection(picked)
            if picked.input.as_ref() == parent && picked.expr.iter().all(is_plain_column) =>
        {
            picked
        }
        _ => return Err(not_from_this_frame(ident)),
    };
    if let Some((ident, _)) = extra.iter().find(|(_, value)| {
        matches!(value, Value::Series(s)
            if s.frame.df.logical_plan() != own && s.frame.df.logical_plan() != parent)
    }) {
        return Err(not_from_this_frame(ident));
    }
    let columns = picked
        .schema
        .fields()
        .iter()
        .zip(&picked.expr)
        .map(|(field, expr)| (field.name().clone(), expr.clone()))
        .collect();
    Ok((series.frame.df.clone(), columns))
}

fn is_plain_column(expr: &Expr) -> bool {
    match expr {
        Expr::Alias(alias) => matches!(alias.expr.as_ref(), Expr::Column(_)),
        other => matches!(other, Expr::Column(_)),
    }
}

fn not_from_this_frame(ident: &Ident) -> DdqError {
    DdqError::type_error(format!(
        "assign({}=...) needs a series computed from this frame",
        ident.name
    ))
    .at(ident.span)
    .with_help("compute it from the same frame, e.g. `df.assign(b=df.a * 2)`")
}

/// The value columns of `other` as expressions over `frame`'s rows, by name, when `other` is
/// `frame` or computed from it column by column (`df > 0`, `-df`): what lets `df.where(df > 0)`
/// and `df[df > 0]` pair each column with its condition.
pub fn columns_over(frame: &Frame, other: &Frame) -> Option<Vec<(String, Expr)>> {
    let (base, plan) = (frame.df.logical_plan(), other.df.logical_plan());
    if base == plan {
        return Some(
            other
                .value_columns()
                .into_iter()
                .map(|c| (c.clone(), column(&c)))
                .collect(),
        );
    }
    let datafusion::logical_expr::LogicalPlan::Projection(projection) = plan else {
        return None;
    };
    if projection.input.as_ref() != base {
        return None;
    }
    let values = other.value_columns();
    let exprs = projection.expr.iter().zip(projection.schema.fields());
    Some(
        exprs
            .filter(|(_, field)| values.contains(field.name()))
            .map(|(e, field)| (field.name().clone(), e.clone().unalias()))
            .collect(),
    )
}

/// Applies a series transformation to every value column.
pub fn map_columns(frame: &Frame, transform: impl Fn(&Series) -> Result<Expr>) -> Result<Value> {
    let mut values = Vec::new();
    for name in frame.value_columns() {
        let s = column_series(frame, &name)?;
        values.push(transform(&s)?.alias(&name));
    }
    project_values(frame, values)
}

/// [`map_columns`] for computations value by value that keep a column's nullable dtype, as
/// pandas keeps `Int64` through `fillna`, `abs`, `clip`, `where` and `replace` of a frame (and
/// makes `isin` of one `boolean`; see [`crate::plan::nullable::with_dtype_kept`]).
pub fn map_columns_kept(
    frame: &Frame,
    transform: impl Fn(&Series) -> Result<Expr>,
) -> Result<Value> {
    map_columns(frame, |s| {
        Ok(crate::plan::nullable::with_dtype_kept(s.clone(), transform(s)?)?.expr)
    })
}

/// The frame with `values` (aliased expressions over its rows) as its value columns; its keys
/// and hidden columns stay.
pub fn project_values(frame: &Frame, values: Vec<Expr>) -> Result<Value> {
    let mut exprs: Vec<Expr> = frame.key_columns().iter().map(|k| column(k)).collect();
    exprs.extend(values);
    exprs.extend(frame.hidden_columns().iter().map(|h| column(h)));
    Ok(Value::Frame(
        frame.with_df(frame.df.clone().project(exprs)?),
    ))
}

/// `df.rank(axis=1)`: each value's rank among the values of its row (missing ones unranked),
/// as floats: the values ahead of it, plus its place among equal ones as `method` says.
pub fn rank_across(frame: &Frame, method: window::RankMethod, ascending: bool) -> Result<Value> {
    use window::RankMethod;
    let names = frame.value_columns();
    if let Some(text) = names
        .iter()
        .find(|c| !frame.data_type(c).is_some_and(|t| is_numeric(&t)))
    {
        return Err(DdqError::type_error(format!(
            "rank(axis=1) compares numbers across a row, and `{text}` is not numeric"
        ))
        .with_help("select the numeric columns first"));
    }
    if method == RankMethod::Dense {
        return Err(DdqError::unsupported(
            "rank(axis=1, method=\"dense\") is not supported; average, min, max and first are",
        ));
    }
    let one_if = |condition: Expr| when(condition, lit(1.0)).otherwise(lit(0.0));
    let mut ranked = Vec::new();
    for (place, name) in names.iter().enumerate() {
        let me = cast(column(name), DataType::Float64);
        let (mut ahead, mut ties, mut earlier_ties) = (lit(0.0), lit(0.0), lit(0.0));
        for (other_place, other) in names.iter().enumerate().filter(|(i, _)| *i != place) {
            let theirs = cast(column(other), DataType::Float64);
            let is_ahead = match ascending {
                true => theirs.clone().lt(me.clone()),
                false => theirs.clone().gt(me.clone()),
            };
            ahead = ahead + one_if(is_ahead)?;
            let same = one_if(theirs.eq(me.clone()))?;
            ties = ties + same.clone();
            if other_place < place {
                earlier_ties = earlier_ties + same;
            }
        }
        let rank = match method {
            RankMethod::Min => ahead + lit(1.0),
            RankMethod::Max => ahead + ties + lit(1.0),
            RankMethod::First => ahead + earlier_ties + lit(1.0),
            _ => ahead + lit(1.0) + ties / lit(2.0),
        };
        ranked.push((
            name.clone(),
            when(me.is_null(), lit(ScalarValue::Float64(None))).otherwise(rank)?,
        ));
    }
    map_columns(frame, |s| {
        let found = ranked.iter().find(|(n, _)| *n == s.name);
        Ok(found.map_or(s.expr.clone(), |(_, e)| e.clone()))
    })
}

/// `astype` of a frame's columns by a dtype name or a dict of them, leaving alone the columns
/// `made` (already given their type: the categoricals).
pub fn astype(frame: &Frame, dtype: Arg, made: &[String]) -> Result<Value> {
    match dtype.value() {
        Some(Value::Dict(pairs)) => {
            let mut wanted = Vec::new();
            for (k, v) in pairs {
                match (k, v) {
                    (Value::Str(c), _) if made.contains(c) => {}
                    (Value::Str(c), Value::Str(t)) => {
                        check_columns(frame, std::slice::from_ref(c))?;
                        wanted.push((c.clone(), t.clone()));
                    }
                    _ => {
                        return Err(dtype.invalid("astype({...}) maps column names to dtype names"));
                    }
                }
            }
            map_columns(frame, |s| match wanted.iter().find(|(c, _)| *c == s.name) {
                Some((_, t)) => series::astype_expr(s, t, dtype),
                None => Ok(s.expr.clone()),
            })
        }
        Some(Value::Str(t)) => map_columns(frame, |s| match made.contains(&s.name) {
            true => Ok(s.expr.clone()),
            false => series::astype_expr(s, t, dtype),
        }),
        _ if !made.is_empty() => Ok(Value::Frame(frame.clone())),
        _ => Err(dtype.invalid("astype() takes a dtype name or a dict of them")),
    }
}

pub fn rename(frame: &Frame, columns: Arg) -> Result<Value> {
    let Some(Value::Dict(pairs)) = columns.value() else {
        return Err(columns.invalid("rename() needs columns={old: new}"));
    };
    let mut mapping = Vec::new();
    for (k, v) in pairs {
        match (k, v) {
            (Value::Str(old), Value::Str(new)) => {
                check_columns(frame, std::slice::from_ref(old))?;
                mapping.push((old.clone(), new.clone()));
            }
            _ => return Err(columns.invalid("rename(columns=...) maps names to names")),
        }
    }
    rename_columns(frame, &mapping)
}

/// The frame with columns renamed, `(old, new)` each.
pub fn rename_columns(frame: &Frame, mapping: &[(String, String)]) -> Result<Value> {
    let exprs: Vec<Expr> = frame
        .df
        .schema()
        .fields()
        .iter()
        .map(|field| {
            let name = field.name();
            match mapping.iter().find(|(old, _)| old == name) {
                Some((_, new)) => column(name).alias(new),
                None => column(name),
            }
        })
        .collect();
    let renamed_order: Vec<_> = frame
        .order
        .iter()
        .map(|s| {
            let expr = match &s.expr {
                Expr::Column(c) => match mapping.iter().find(|(old, _)| *old == c.name) {
                    Some((_, new)) => column(new),
                    None => s.expr.clone(),
                },
                other => other.clone(),
            };
            datafusion::logical_expr::SortExpr::new(expr, s.asc, s.nulls_first)
        })
        .collect();
    Ok(Value::Frame(Frame {
        order: renamed_order,
        ..frame.with_df(frame.df.clone().project(exprs)?)
    }))
}

pub fn drop(frame: &Frame, labels: Arg, axis: Arg, columns: Arg) -> Result<Value> {
    let names = match (columns.value(), labels.value(), axis.value()) {
        (Some(v), _, _) => column_names(v),
        (None, Some(v), Some(Value::Int(1)) | Some(Value::Str(_))) => column_names(v),
        (None, Some(_), _) => {
            return Err(axis
                .invalid("ddq frames have no row labels: drop columns with drop(columns=[...])"));
        }
        (None, None, _) => return Err(columns.invalid("drop() needs columns=[...]")),
    }
    .ok_or_else(|| columns.invalid("columns must be a name or a list of names"))?;
    check_columns(frame, &names)?;
    let keep: Vec<String> = frame
        .value_columns()
        .into_iter()
        .filter(|c| !names.contains(c))
        .collect();
    select(frame, &keep).map(Value::Frame)
}

/// The columns `sort_values(by=...)` names, checked against the frame.
pub fn sort_columns(frame: &Frame, by: Arg) -> Result<Vec<String>> {
    let by = by
        .value()
        .and_then(column_names)
        .ok_or_else(|| by.invalid("sort_values() needs by: a column name or a list of names"))?;
    check_columns(frame, &by)?;
    Ok(by)
}

/// `pd.concat([a, b, ...], axis=0, join="outer", keys=None)`: rows of each frame in turn, or
/// (`axis=1`) the frames side by side, rows matched on their labels; `keys` label each part's
/// rows with an outer index level.
pub fn concat(objs: Arg, axis: Arg, join: Arg, keys: Arg) -> Result<Value> {
    let frames = concat_parts(objs)?;
    let inner = match join.str_or("outer")? {
        "outer" => false,
        "inner" => true,
        _ => return Err(join.invalid("join must be \"outer\" or \"inner\"")),
    };
    match axis.value() {
        None | Some(Value::Int(0)) => {}
        Some(Value::Int(1)) => return side_by_side(&frames, inner, axis).map(Value::Frame),
        Some(Value::Str(a)) if a == "index" || a == "rows" => {}
        Some(Value::Str(a)) if a == "columns" => {
            return side_by_side(&frames, inner, axis).map(Value::Frame);
        }
        Some(_) => return Err(axis.invalid("axis must be 0 (\"index\") or 1 (\"columns\")")),
    }
    match keys.given() {
        None => stacked(&frames, objs).map(Value::Frame),
        Some(Value::List(names) | Value::Tuple(names)) if names.len() == frames.len() => {
            keyed_parts(&frames, names, objs).map(Value::Frame)
        }
        Some(_) => Err(keys.invalid("keys must be a list with one label per frame")),
    }
}

/// The frames (a series as a one-column frame) `concat` combines.
fn concat_parts(objs: Arg) -> Result<Vec<Frame>> {
    let items = match objs.required()?.clone() {
        Value::List(items) | Value::Tuple(items) => items,
        other => {
            return Err(objs.invalid(format!(
                "concat() takes a list of frames, not {}",
                other.kind_name()
            )));
        }
    };
    let mut frames = Vec::new();
    for item in items {
        match item {
            Value::Frame(f) => frames.push(f),
            Value::Series(s) => frames.push(series::to_frame(&s)?),
            other => {
                return Err(
                    objs.invalid(format!("concat() takes frames, not {}", other.kind_name()))
                );
            }
        }
    }
    if frames.is_empty() {
        return Err(objs.invalid("concat() needs at least one frame"));
    }
    Ok(frames)
}

/// The rows of each frame in turn, each keeping its labels.
fn stacked(frames: &[Frame], objs: Arg) -> Result<Frame> {
    let Some(first) = frames.first() else {
        return Err(objs.invalid("concat() needs at least one frame"));
    };
    let columns = first.columns();
    let labels = concat_labels(frames)?;
    let mut combined: Option<datafusion::prelude::DataFrame> = None;
    let mut npartitions = 0;
    for (i, frame) in frames.iter().enumerate() {
        if frame.columns() != columns {
            return Err(objs.invalid(format!(
                "frame {i} has columns [{}], the first has [{}]",
                frame.columns().join(", "),
                columns.join(", ")
            )));
        }
        npartitions += frame.npartitions;
        let positioned = with_position(frame, "__ddq_catpos")?;
        let mut exprs: Vec<Expr> = columns.iter().map(|c| column(c)).collect();
        exprs.push(lit(i as u64).alias("__ddq_cat"));
        exprs.push(column("__ddq_catpos"));
        if let Some(labels) = &labels {
            exprs.push(labels[i].clone().alias(index::LABEL_COLUMN));
        }
        let df = positioned.df.clone().project(exprs)?;
        combined = Some(match combined {
            None => df,
            Some(acc) => acc.union(df)?,
        });
    }
    let df = combined.ok_or_else(|| objs.invalid("concat() needs at least one frame"))?;
    Ok(Frame {
        df,
        order: vec![
            column("__ddq_cat").sort(true, false),
            column("__ddq_catpos").sort(true, false),
        ],
        index_columns: first.index_columns,
        npartitions,
        partition: None,
        origin: "concat".into(),
        divisions: None,
    })
}

/// `concat(..., keys=[...])`: the parts' rows in turn under a first index level holding each
/// part's key, then the part's own index (or row labels), both unnamed as pandas leaves them.
fn keyed_parts(frames: &[Frame], keys: &[Value], objs: Arg) -> Result<Frame> {
    let mut labelled = Vec::new();
    for (frame, key) in frames.iter().zip(keys) {
        let key = literal_expr(key)
            .ok_or_else(|| objs.invalid("keys must be strings, numbers or booleans"))?;
        let (with_label, inner) = match frame.key_columns().as_slice() {
            [] => {
                let (f, label) = index::row_labels(frame, "concat(keys=...)")?;
                (f, column(&label).alias(KEY_LEVEL_LABEL))
            }
            [one] => (frame.clone(), column(one)),
            _ => {
                return Err(DdqError::unsupported(
                    "concat(keys=...) of frames with an index of several levels",
                )
                .with_help("reset_index() the frames first"));
            }
        };
        let mut select = vec![key.alias(KEY_LEVEL), inner];
        select.extend(frame.value_columns().iter().map(|c| column(c)));
        select.extend(with_label.hidden_columns().iter().map(|h| column(h)));
        let df = with_label.df.clone().project(select)?;
        labelled.push(Frame {
            index_columns: 2,
            ..with_label.with_df(df)
        });
    }
    stacked(&labelled, objs)
}

/// The unnamed outer level `concat(keys=...)` adds, and its second (a frame's row labels),
/// also unnamed: internal names that show as nothing.
const KEY_LEVEL: &str = "";
const KEY_LEVEL_LABEL: &str = "\u{1}dup";

/// `concat(axis=1)`: the frames side by side, rows matched on their index (or row labels), as
/// pandas aligns them: with `inner` the labels all share, in the first frame's order; else
/// every label, the first frame's in its order, then each other's new ones in theirs.
fn side_by_side(frames: &[Frame], inner: bool, axis: Arg) -> Result<Frame> {
    let keys = frames[0].key_columns();
    let mut seen: Vec<String> = Vec::new();
    for frame in frames {
        if frame.key_columns() != keys {
            return Err(axis
                .invalid("concat(axis=1) of frames with different index columns")
                .with_help("give every frame the same index, e.g. set_index(\"col\")"));
        }
        for c in frame.value_columns() {
            if seen.contains(&c) {
                return Err(axis
                    .invalid(format!(
                        "concat(axis=1) would repeat the column `{c}`, which ddq does not allow"
                    ))
                    .with_help("rename it in one frame first, e.g. rename(columns={...})"));
            }
            seen.push(c);
        }
    }
    let how = if inner { "inner" } else { "outer" };
    let mut combined = frames[0].clone();
    for frame in &frames[1..] {
        let naming = Naming {
            suffixes: (String::new(), String::new()),
            indicator: None,
            drop_right_keys: true,
            label: None,
        };
        let merged = match keys.is_empty() {
            true => on_row_labels(&combined, frame, how, naming, "concat(axis=1)")?,
            false => Frame {
                index_columns: keys.len(),
                ..join_frames(&combined, frame, (&keys, &keys), how, naming)?
            },
        };
        // Missing positions (rows only the other side has) come after the others.
        combined = Frame {
            order: vec![
                column("__ddq_lpos").sort(true, false),
                column("__ddq_rpos").sort(true, false),
            ],
            ..merged
        };
    }
    Ok(combined)
}

/// The labels a concat keeps of each of its parts (pandas keeps each part's index), when every
/// part has them at no cost until read; else none, and the concat's index is refused.
fn concat_labels(frames: &[Frame]) -> Result<Option<Vec<Expr>>> {
    if frames.iter().any(|f| f.index_columns > 0) {
        return Ok(None);
    }
    let labels: Option<Vec<Expr>> = frames
        .iter()
        .map(index::part_labels)
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .collect();
    Ok(labels)
}

/// The arguments of `merge`, in its signature's order.
pub struct MergeArgs<'a> {
    pub right: Arg<'a>,
    pub how: Arg<'a>,
    pub on: Arg<'a>,
    pub left_on: Arg<'a>,
    pub right_on: Arg<'a>,
    pub suffixes: Arg<'a>,
    pub indicator: Arg<'a>,
    pub left_index: Arg<'a>,
    pub right_index: Arg<'a>,
}

impl<'a> From<[Arg<'a>; 9]> for MergeArgs<'a> {
    /// `left.merge(...)`'s arguments, or `pd.merge(left, ...)`'s after `left`.
    fn from(
        [
            right,
            how,
            on,
            left_on,
            right_on,
            suffixes,
            indicator,
            left_index,
            right_index,
        ]: [Arg<'a>; 9],
    ) -> Self {
        MergeArgs {
            right,
            how,
            on,
            left_on,
            right_on,
            suffixes,
            indicator,
            left_index,
            right_index,
        }
    }
}

/// `left.merge(right, on=..., how=...)`, with pandas' column naming and row order.
pub fn merge(left: &Frame, args: MergeArgs) -> Result<Value> {
    let right = other_frame(args.right, "merge")?;
    let how = join_how(args.how, "inner")?;
    let indicator = match args.indicator.value() {
        None | Some(Value::Bool(false)) => None,
        Some(Value::Bool(true)) => Some("_merge".to_string()),
        Some(Value::Str(name)) => Some(name.clone()),
        Some(_) => {
            return Err(args
                .indicator
                .invalid("indicator must be True or a column name"));
        }
    };
    let mut naming = Naming {
        suffixes: suffix_pair(args.suffixes)?,
        indicator,
        drop_right_keys: false,
        label: None,
    };
    if args.left_index.bool_or(false)? || args.right_index.bool_or(false)? {
        naming.drop_right_keys = true;
        return merge_on_index(left, &right, &args, &how, naming).map(Value::Frame);
    }
    let keys = merge_keys(left, &right, [&args.on, &args.left_on, &args.right_on])?;
    let merged = join_frames(left, &right, (&keys.0, &keys.1), &how, naming)?;
    // pandas numbers a merge's rows afresh.
    Ok(Value::Frame(index::relabelled(&merged)?))
}

/// `merge(left_index=True, right_index=True)`: rows matched on both indexes, which the result
/// keeps; `merge(left_on=, right_index=True)`: the left's columns matched against the right's
/// index, the rows keeping the left's labels, as pandas does.
fn merge_on_index(
    left: &Frame,
    right: &Frame,
    args: &MergeArgs,
    how: &str,
    mut naming: Naming,
) -> Result<Frame> {
    let by_index = |frame: &Frame, side: &str| -> Result<Vec<String>> {
        match frame.key_columns() {
            keys if keys.is_empty() => Err(DdqError::unsupported(format!(
                "{side}_index=True on a frame without an index: ddq matches an index it holds as columns"
            ))
            .with_help(format!("set one first, e.g. `{side}.set_index(\"col\")`, or use {side}_on=\"col\""))),
            keys => Ok(keys),
        }
    };
    if !args.right_index.bool_or(false)? || args.on.is_given() || args.right_on.is_given() {
        return Err(args
            .left_index
            .invalid("left_index=True is supported with right_index=True only")
            .with_help("match the right's columns against the left's index with right.merge(left, left_on=..., right_index=True)"));
    }
    let right_keys = by_index(right, "right")?;
    let (left_keys, left_index) = match args.left_index.bool_or(false)? {
        true => (by_index(left, "left")?, true),
        false => (
            args.left_on.names()?.ok_or_else(|| {
                args.left_on
                    .invalid("right_index=True needs left_on= (or left_index=True)")
            })?,
            false,
        ),
    };
    if left_keys.len() != right_keys.len() {
        return Err(args.right_index.invalid(format!(
            "the right's index has {} level(s) and the left gives {} key(s)",
            right_keys.len(),
            left_keys.len()
        )));
    }
    if left_index {
        let merged = join_frames(left, right, (&left_keys, &right_keys), how, naming)?;
        return Ok(Frame {
            index_columns: left_keys.len(),
            ..merged
        });
    }
    if how == "right" || how == "outer" {
        return Err(args
            .how
            .invalid(format!(
                "merge(left_on=, right_index=True, how=\"{how}\") is not supported: pandas labels the rows from both sides there"
            ))
            .with_help("right.reset_index() and merge with left_on= and right_on="));
    }
    // The rows keep the left's labels: its index, or its row labels.
    if left.index_columns > 0 {
        let merged = join_frames(left, right, (&left_keys, &right_keys), how, naming)?;
        return Ok(Frame {
            index_columns: left.index_columns,
            ..merged
        });
    }
    let (labelled, label) = index::row_labels(left, "merge(right_index=True)")?;
    naming.label = Some(RowLabels::Left(label));
    join_frames(&labelled, right, (&left_keys, &right_keys), how, naming)
}

/// The arguments of `join`, in its signature's order.
pub struct JoinArgs<'a> {
    pub other: Arg<'a>,
    pub on: Arg<'a>,
    pub how: Arg<'a>,
    pub lsuffix: Arg<'a>,
    pub rsuffix: Arg<'a>,
}

/// `left.join(other, on=None, how="left")`: `other`'s index matched against `on`'s columns of
/// `left` (or against `left`'s index), keeping `left`'s index and order, as pandas does.
pub fn join(left: &Frame, args: JoinArgs) -> Result<Value> {
    let right = other_frame(args.other, "join")?;
    let how = join_how(args.how, "left")?;
    let right_keys = right.key_columns();
    if right_keys.is_empty() && left.index_columns == 0 && !args.on.is_given() {
        let naming = Naming {
            suffixes: join_suffixes(&args, left, &right, &[])?,
            indicator: None,
            drop_right_keys: true,
            label: None,
        };
        return on_row_labels(left, &right, &how, naming, "join()").map(Value::Frame);
    }
    if right_keys.is_empty() {
        return Err(args
            .other
            .invalid("join() matches the other frame's index, and it has none")
            .with_help("set one with `other.set_index(\"col\")`, or use merge(other, on=...)"));
    }
    let left_keys = match args.on.names()? {
        Some(on) => on,
        None => left.key_columns(),
    };
    if left_keys.len() != right_keys.len() {
        return Err(args.on.invalid(format!(
            "join() matches {} index level(s) of the other frame; give as many columns in on=",
            right_keys.len()
        )));
    }
    let naming = Naming {
        suffixes: join_suffixes(&args, left, &right, &right_keys)?,
        indicator: None,
        drop_right_keys: true,
        label: None,
    };
    let merged = join_frames(left, &right, (&left_keys, &right_keys), &how, naming)?;
    let index_columns = if args.on.is_given() {
        0
    } else {
        left.index_columns
    };
    Ok(Value::Frame(Frame {
        index_columns,
        ..merged
    }))
}

/// join's `lsuffix`/`rsuffix`, which pandas requires when the frames share a column name
/// (other than the right's index keys).
fn join_suffixes(
    args: &JoinArgs,
    left: &Frame,
    right: &Frame,
    right_keys: &[String],
) -> Result<(String, String)> {
    let suffixes = (
        args.lsuffix.str_or("")?.to_string(),
        args.rsuffix.str_or("")?.to_string(),
    );
    let overlap: Vec<String> = right
        .columns()
        .into_iter()
        .filter(|c| !right_keys.contains(c) && left.columns().contains(c))
        .collect();
    if !overlap.is_empty() && suffixes.0.is_empty() && suffixes.1.is_empty() {
        return Err(args
            .other
            .invalid(format!(
                "columns overlap but no suffix specified: {overlap:?}"
            ))
            .with_help("give lsuffix= or rsuffix=, e.g. rsuffix=\"_other\""));
    }
    Ok(suffixes)
}

/// Two frames without an index side by side, rows matched on their labels (pandas' default
/// index, kept through filters and slices), the result labelled as pandas labels it: the left's
/// labels (the right's for `how="right"`, either for `"outer"`), in the left's order, the
/// right's, or (outer) sorted by label.
fn on_row_labels(
    left: &Frame,
    right: &Frame,
    how: &str,
    mut naming: Naming,
    what: &str,
) -> Result<Frame> {
    let (l, left_label) = index::row_labels(left, what)?;
    let (r, right_label) = index::row_labels(right, what)?;
    naming.label = Some(RowLabels::Both(left_label.clone(), right_label.clone()));
    let merged = join_frames(&l, &r, (&[left_label], &[right_label]), how, naming)?;
    let order = match how {
        "outer" => vec![
            column(index::LABEL_COLUMN).sort(true, false),
            column("__ddq_lpos").sort(true, false),
            column("__ddq_rpos").sort(true, false),
        ],
        _ => merged.order.clone(),
    };
    Ok(Frame { order, ..merged })
}

/// `df.combine_first(other)`: the rows of both matched on their labels (index or row labels),
/// every column of either (sorted by name, as pandas unites them), each cell this frame's value
/// where it has one, else `other`'s; rows in label order.
pub fn combine_first(frame: &Frame, other: Arg) -> Result<Value> {
    let right = other_frame(other, "combine_first")?;
    let keys = frame.key_columns();
    if right.key_columns() != keys {
        return Err(other
            .invalid("combine_first() of frames with different index columns")
            .with_help("give both the same index, e.g. set_index(\"col\")"));
    }
    let (lx, rx) = ("\u{1}left".to_string(), "\u{1}right".to_string());
    let naming = Naming {
        suffixes: (lx.clone(), rx.clone()),
        indicator: None,
        drop_right_keys: true,
        label: None,
    };
    let merged = match keys.is_empty() {
        true => on_row_labels(frame, &right, "outer", naming, "combine_first()")?,
        false => join_frames(frame, &right, (&keys, &keys), "outer", naming)?,
    };
    let mut names: Vec<String> = frame.value_columns();
    names.extend(right.value_columns());
    names.sort();
    names.dedup();
    let mut select: Vec<Expr> = keys.iter().map(|k| column(k)).collect();
    for name in &names {
        let (left, right) = (format!("{name}{lx}"), format!("{name}{rx}"));
        let shared = merged.columns().contains(&left);
        select.push(match shared {
            true => f::coalesce(vec![column(&left), column(&right)]).alias(name),
            false => column(name),
        });
    }
    select.extend(merged.hidden_columns().iter().map(|h| column(h)));
    Ok(Value::Frame(Frame {
        index_columns: keys.len(),
        ..merged.with_df(merged.df.clone().project(select)?)
    }))
}

/// The other side of a merge or join: a frame, or a series as a one-column frame.
pub(crate) fn other_frame(arg: Arg, verb: &str) -> Result<Frame> {
    match arg.value() {
        Some(Value::Frame(f)) => Ok(f.clone()),
        Some(Value::Series(s)) => series::to_frame(s),
        _ => Err(arg.invalid(format!("{verb}() needs a frame to join with"))),
    }
}

pub(crate) fn join_how(how: Arg, default: &str) -> Result<String> {
    match how.value() {
        None => Ok(default.to_string()),
        Some(Value::Str(h)) if ["inner", "left", "right", "outer"].contains(&h.as_str()) => {
            Ok(h.clone())
        }
        Some(_) => Err(how.invalid("how must be one of inner, left, right, outer")),
    }
}

/// How a merge names its columns: suffixes for shared names, pandas' `_merge` column saying
/// where each row came from, and whether the right side's key columns are left out (a join
/// matches them against the left's columns and pandas keeps only those).
struct Naming {
    suffixes: (String, String),
    indicator: Option<String>,
    drop_right_keys: bool,
    /// The hidden columns of row labels the result keeps as its own.
    label: Option<RowLabels>,
}

impl Naming {
    /// Suffixes only: no indicator, no row labels.
    fn plain(suffixes: &(String, String), drop_right_keys: bool) -> Naming {
        Naming {
            suffixes: suffixes.clone(),
            indicator: None,
            drop_right_keys,
            label: None,
        }
    }
}

/// Where a merged row's label comes from: the left's (hidden) label column, or either side's,
/// as the kind of join says.
enum RowLabels {
    Left(String),
    Both(String, String),
}

fn join_frames(
    left: &Frame,
    right: &Frame,
    (left_on, right_on): (&[String], &[String]),
    how: &str,
    naming: Naming,
) -> Result<Frame> {
    // A join on row labels matches hidden columns.
    let hidden = |frame: &Frame, names: &[String]| -> Vec<String> {
        let own = frame.hidden_columns();
        names.iter().filter(|n| !own.contains(n)).cloned().collect()
    };
    check_columns(left, &hidden(left, left_on))?;
    check_columns(right, &hidden(right, right_on))?;
    let l = with_position(left, "__ddq_lpos")?;
    let r = with_position(right, "__ddq_rpos")?;
    let join_type = match how {
        "left" => JoinType::Left,
        "right" => JoinType::Right,
        "outer" => JoinType::Full,
        _ => JoinType::Inner,
    };
    let on = left_on
        .iter()
        .zip(right_on)
        .map(|(a, b)| qualified("l", a).eq(qualified("r", b)));
    let joined =
        l.df.clone()
            .alias("l")?
            .join_on(r.df.clone().alias("r")?, join_type, on)?;
    let exprs = merged_columns(left, right, (left_on, right_on), how, &naming)?;
    let df = joined.project(exprs)?;
    Ok(Frame {
        df,
        order: merged_order(left_on, how),
        index_columns: 0,
        npartitions: left.npartitions.max(right.npartitions),
        partition: None,
        origin: "merge".into(),
        divisions: None,
    })
}

/// `left` with the columns of the `right` row whose hidden `right_key` equals its hidden
/// `left_key` (missing when none does), in the left's order and numbered afresh, names shared
/// by both sides suffixed as a merge's are: what `merge_asof` gives once it found each left
/// row's right row.
pub(crate) fn left_merge_on(
    left: &Frame,
    right: &Frame,
    (left_key, right_key): (&str, &str),
    suffixes: &(String, String),
) -> Result<Frame> {
    let naming = Naming::plain(suffixes, true);
    let keys = ([left_key.to_string()], [right_key.to_string()]);
    let merged = join_frames(left, right, (&keys.0, &keys.1), "left", naming)?;
    index::relabelled(&merged)
}

/// `left.merge(right, ...)` on the keys already resolved, with pandas' naming (no indicator),
/// numbered afresh: for merges that build on a plain one (`merge_ordered`).
pub(crate) fn merge_on_keys(
    left: &Frame,
    right: &Frame,
    (left_on, right_on): (&[String], &[String]),
    how: &str,
    suffixes: &(String, String),
) -> Result<Frame> {
    join_frames(
        left,
        right,
        (left_on, right_on),
        how,
        Naming::plain(suffixes, false),
    )
}

/// The key columns of each side from a merge's `on`, `left_on` and `right_on`: `on`,
/// `left_on`/`right_on`, or the columns both share.
pub(crate) fn merge_keys(
    left: &Frame,
    right: &Frame,
    [on, left_on, right_on]: [&Arg; 3],
) -> Result<(Vec<String>, Vec<String>)> {
    match (on.names()?, left_on.names()?, right_on.names()?) {
        // A merge on no key would pair every row with every row.
        (Some(keys), None, None) if keys.is_empty() => {
            Err(on
                .invalid("on=[] names no column to merge on; name at least one, e.g. on=\"Dest\""))
        }
        (Some(on), None, None) => Ok((on.clone(), on)),
        (None, Some(l), Some(r)) if l.len() == r.len() && !l.is_empty() => Ok((l, r)),
        (None, None, None) => {
            let shared: Vec<String> = left
                .value_columns()
                .into_iter()
                .filter(|c| right.value_columns().contains(c))
                .collect();
            if shared.is_empty() {
                return Err(on.invalid(
                    "the frames share no column to merge on; give on= or left_on=/right_on=",
                ));
            }
            Ok((shared.clone(), shared))
        }
        _ => Err(on.invalid(
            "give either on= or both left_on= and right_on= with the same number of names",
        )),
    }
}

/// The merged frame's columns as pandas names them: a key both sides share once (from either
/// side where a side may lack it), other shared names with the suffixes, then the positions
/// of each side's rows.
fn merged_columns(
    left: &Frame,
    right: &Frame,
    (left_on, right_on): (&[String], &[String]),
    how: &str,
    naming: &Naming,
) -> Result<Vec<Expr>> {
    let (lx, ry) = &naming.suffixes;
    let lq = |c: &str| qualified("l", c);
    let rq = |c: &str| qualified("r", c);
    let shared_keys: Vec<&String> = left_on
        .iter()
        .zip(right_on)
        .filter(|(a, b)| a == b)
        .map(|(a, _)| a)
        .collect();
    let left_columns = left.columns();
    let right_columns = right.columns();
    let mut exprs = Vec::new();
    for c in &left_columns {
        let e = if shared_keys.contains(&c) && how != "inner" && how != "left" {
            f::coalesce(vec![lq(c), rq(c)])
        } else {
            lq(c)
        };
        let name = if right_columns.contains(c) && !shared_keys.contains(&c) {
            format!("{c}{lx}")
        } else {
            c.clone()
        };
        exprs.push(e.alias(name));
    }
    let right_values = right_columns
        .iter()
        .filter(|c| !shared_keys.contains(c))
        .filter(|c| !(naming.drop_right_keys && right_on.contains(c)));
    for c in right_values {
        let name = if left_columns.contains(c) {
            format!("{c}{ry}")
        } else {
            c.clone()
        };
        exprs.push(rq(c).alias(name));
    }
    if let Some(name) = &naming.indicator {
        exprs.push(row_source(lq("__ddq_lpos"), rq("__ddq_rpos"))?.alias(name));
    }
    let label = match &naming.label {
        None => None,
        Some(RowLabels::Left(l)) => Some(lq(l)),
        Some(RowLabels::Both(_, r)) if how == "right" => Some(rq(r)),
        Some(RowLabels::Both(l, r)) if how == "outer" => Some(f::coalesce(vec![lq(l), rq(r)])),
        Some(RowLabels::Both(l, _)) => Some(lq(l)),
    };
    exprs.extend(label.map(|label| label.alias(index::LABEL_COLUMN)));
    exprs.push(lq("__ddq_lpos").alias("__ddq_lpos"));
    exprs.push(rq("__ddq_rpos").alias("__ddq_rpos"));
    Ok(exprs)
}

/// pandas' `indicator=True` value: which sides a merged row has (a side's position is missing
/// where the row has no partner there).
fn row_source(left_position: Expr, right_position: Expr) -> Result<Expr> {
    let (in_left, in_right) = (left_position.is_not_null(), right_position.is_not_null());
    datafusion::logical_expr::when(in_left.clone().and(in_right), lit("both"))
        .when(in_left, lit("left_only"))
        .otherwise(lit("right_only"))
        .map_err(Into::into)
}

/// pandas' row order of a merge: left order (then right), right order for a right merge, and
/// by key for an outer merge, rows of one key keeping left order, then right order.
fn merged_order(left_on: &[String], how: &str) -> Vec<SortExpr> {
    let left_first = [
        column("__ddq_lpos").sort(true, false),
        column("__ddq_rpos").sort(true, false),
    ];
    match how {
        "outer" => left_on
            .iter()
            .map(|k| column(k).sort(true, false))
            .chain(left_first)
            .collect(),
        "right" => left_first.into_iter().rev().collect(),
        _ => left_first.to_vec(),
    }
}

pub(crate) fn suffix_pair(suffixes: Arg) -> Result<(String, String)> {
    match suffixes.value() {
        None => Ok(("_x".into(), "_y".into())),
        Some(Value::List(items) | Value::Tuple(items)) if items.len() == 2 => {
            match (&items[0], &items[1]) {
                (Value::Str(a), Value::Str(b)) => Ok((a.clone(), b.clone())),
                _ => Err(suffixes.invalid("suffixes must be two strings")),
            }
        }
        Some(_) => Err(suffixes.invalid("suffixes must be two strings")),
    }
}

/// `df.stack()`: a series of every cell, keyed by the row's index (or its row label) and then
/// the column's name (an unnamed level), in row order and then column order, missing cells
/// left out as pandas' stack drops them; the values in one type, as `melt` makes it.
pub fn stack(frame: &Frame) -> Result<Series> {
    let values = frame.value_columns();
    let (frame, first_level) = match frame.key_columns().as_slice() {
        [] => {
            let (labelled, label) = index::row_labels(frame, "stack()")?;
            (labelled, vec![column(&label).alias(KEY_LEVEL)])
        }
        keys => (frame.clone(), keys.iter().map(|k| column(k)).collect()),
    };
    let column_level = match frame.index_columns {
        0 => KEY_LEVEL_LABEL,
        _ => KEY_LEVEL,
    };
    let common = melted_type(&frame, &values);
    let position = order::unique_hidden(&frame, "__ddq_pos");
    let positioned = order::with_position(&frame, &position)?;
    let mut stacked: Option<DataFrame> = None;
    for (i, name) in values.iter().enumerate() {
        let mut select = first_level.clone();
        select.push(lit(name.clone()).alias(column_level));
        select.push(cast(column(name), common.clone()).alias("0"));
        select.push(lit(i as i64).alias("__ddq_melt"));
        select.push(column(&position).alias("__ddq_melt_pos"));
        let piece = positioned
            .df
            .clone()
            .keep_rows(column(name).is_not_null())?
            .project(select)?;
        stacked = Some(match stacked {
            None => piece,
            Some(done) => done.union(piece)?,
        });
    }
    let df = stacked.ok_or_else(|| DdqError::type_error("stack() has no columns to stack"))?;
    let result = Frame {
        df,
        order: vec![
            column("__ddq_melt_pos").sort(true, false),
            column("__ddq_melt").sort(true, false),
        ],
        index_columns: first_level.len() + 1,
        npartitions: frame.npartitions,
        partition: None,
        origin: "stack".into(),
        divisions: None,
    };
    Ok(Series::new(result, column("0"), ""))
}

/// The one type cells of `values` take side by side: their own when they share it, floats
/// for mixed numbers, text otherwise.
fn melted_type(frame: &Frame, values: &[String]) -> DataType {
    let types: Vec<DataType> = values
        .iter()
        .map(|v| frame.data_type(v).unwrap_or(DataType::Null))
        .collect();
    if types.iter().all(|t| Some(t) == types.first()) {
        types.first().cloned().unwrap_or(DataType::Null)
    } else if types.iter().all(is_numeric) {
        DataType::Float64
    } else {
        DataType::Utf8
    }
}

/// `df.explode("col", ignore_index=False)`: a row per element of each row's list in `col`, the
/// other columns repeated, in row order and then list order; an empty or missing list gives one
/// row with a missing value, as pandas gives. The rows keep their labels (repeated), or
/// (`ignore_index`) are numbered afresh.
pub fn explode(frame: &Frame, name: &str, ignore_index: bool) -> Result<Frame> {
    use datafusion::functions_nested::expr_fn::{cardinality, range};
    check_columns(frame, &[name.to_string()])?;
    let list_type = frame.data_type(name).unwrap_or(DataType::Null);
    if !matches!(list_type, DataType::List(_) | DataType::LargeList(_)) {
        return Err(DdqError::type_error(format!(
            "explode() needs a column of lists, and `{name}` holds {}",
            crate::types::dtype::pandas_dtype(&list_type)
        ))
        .with_help("make lists first, e.g. `df.assign(col=df.col.str.split(\",\"))`"));
    }
    let (frame, label) = match index::row_labels(frame, "explode()") {
        Ok((labelled, label)) if !ignore_index && frame.index_columns == 0 => {
            (labelled, Some(label))
        }
        _ => (frame.clone(), None),
    };
    let position = unique_hidden(&frame, "__ddq_pos");
    let positioned = with_position(&frame, &position)?;
    let length = f::coalesce(vec![
        cast(cardinality(column(name)), DataType::Int64),
        lit(0i64),
    ]);
    let empty = cast(lit(ScalarValue::Null), list_type);
    let lists = datafusion::logical_expr::when(length.clone().eq(lit(0i64)), empty)
        .otherwise(column(name))?;
    let elements = range(lit(0i64), f::greatest(vec![length, lit(1i64)]), lit(1i64));
    let mut select: Vec<Expr> = Vec::new();
    for c in frame.columns() {
        select.push(match c == name {
            true => lists.clone().alias(&c),
            false => column(&c),
        });
    }
    select.push(column(&position));
    select.push(elements.alias("__ddq_element"));
    select.extend(label.map(|l| column(&l).alias(index::LABEL_COLUMN)));
    let df = positioned.df.clone().project(select)?;
    let df = groupby::unnest_exact(df, &[name, "__ddq_element"])?;
    let exploded = Frame {
        order: vec![
            column(&position).sort(true, false),
            column("__ddq_element").sort(true, false),
        ],
        partition: None,
        divisions: None,
        origin: "explode".into(),
        ..positioned.with_df(df)
    };
    match ignore_index {
        true => index::relabelled(&exploded),
        false => Ok(exploded),
    }
}

/// The rows of `frame` once per column of `values`: the `ids` columns, the column's name under
/// `var_name` and its value under `value_name` (in one type: the columns' own, floats for mixed
/// numbers, text otherwise), ordered by column and then by row.
pub fn melt(
    frame: &Frame,
    ids: &[String],
    values: &[String],
    var_name: &str,
    value_name: &str,
) -> Result<Frame> {
    if values.is_empty() {
        return Err(DdqError::type_error("melt() has no value columns to stack")
            .with_help("name them with value_vars=[...]"));
    }
    let common = melted_type(frame, values);
    let position = order::unique_hidden(frame, "__ddq_pos");
    let positioned = order::with_position(frame, &position)?;
    let mut stacked: Option<DataFrame> = None;
    for (i, name) in values.iter().enumerate() {
        let mut select: Vec<Expr> = ids.iter().map(|c| column(c)).collect();
        select.push(lit(name.clone()).alias(var_name));
        select.push(cast(column(name), common.clone()).alias(value_name));
        select.push(lit(i as i64).alias("__ddq_melt"));
        select.push(column(&position).alias("__ddq_melt_pos"));
        let piece = positioned.df.clone().project(select)?;
        stacked = Some(match stacked {
            None => piece,
            Some(done) => done.union(piece)?,
        });
    }
    let df = stacked.ok_or_else(|| DdqError::type_error("melt() has nothing to stack"))?;
    Ok(Frame {
        df,
        order: vec![
            column("__ddq_melt").sort(true, false),
            column("__ddq_melt_pos").sort(true, false),
        ],
        index_columns: 0,
        npartitions: frame.npartitions,
        partition: None,
        origin: "melt".into(),
        divisions: None,
    })
}
