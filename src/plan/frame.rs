//! Frame attributes, indexing (`[]`, `.loc`, `.iloc`, `.partitions`) and methods.

use crate::error::{DdqError, Result, closest_match};
use crate::plan::groupby;
use crate::plan::ops::{expr_type, is_numeric, is_temporal, is_text, literal_expr, qualified};
use crate::plan::order::{self, keep_order_for, unique_hidden, with_position, with_total};
use crate::plan::series::{self, parse_type};
use crate::plan::value::{
    Accessor, Action, FileFormat, Frame, Series, Value, WriteRequest, column, display_name,
};
use crate::plan::verbs::{self, Args, Receiver};
use crate::plan::{Planner, check_columns, column_names, column_series, unknown_column};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::JoinType;
use datafusion::functions::expr_fn as f;
use datafusion::logical_expr::{Case, Expr, LogicalPlanBuilder, cast, lit};
use datafusion::prelude::DataFrame;

pub fn attribute(planner: &Planner, frame: Frame, name: &str) -> Result<Value> {
    if frame.columns().iter().any(|c| c == name) {
        return Ok(Value::Series(column_series(&frame, name)?));
    }
    match name {
        "columns" => Ok(Value::Columns(frame.value_columns())),
        "dtypes" => dtypes(planner, &frame),
        "shape" => Ok(Value::Tuple(vec![
            Value::Scalar(groupby::row_count(&frame)?),
            Value::Int(frame.value_columns().len() as i64),
        ])),
        "npartitions" => Ok(Value::Int(frame.npartitions as i64)),
        "loc" => Ok(Value::Accessor(Accessor::Loc(frame))),
        "iloc" => Ok(Value::Accessor(Accessor::Iloc(frame))),
        "partitions" => Ok(Value::Accessor(Accessor::Partitions(frame))),
        _ => Err(match verbs::find(Receiver::Frame, name) {
            Some(_) => DdqError::type_error(format!("`{name}` is a method: call it as `{name}()`")),
            // A near-miss of a column is the likelier typo than a near-miss of a method.
            None if closest_match(name, frame.columns().iter().map(String::as_str)).is_some() => {
                unknown_column(name, &frame)
            }
            None => {
                let err = verbs::unknown_verb(Receiver::Frame, name, &[]);
                if err.help.is_some() {
                    err
                } else {
                    unknown_column(name, &frame)
                }
            }
        }),
    }
}

/// `df.dtypes`: a series of pandas dtype names keyed by column name.
fn dtypes(planner: &Planner, frame: &Frame) -> Result<Value> {
    let names: Vec<String> = frame
        .value_columns()
        .iter()
        .map(|n| display_name(n).to_string())
        .collect();
    let types: Vec<String> = frame
        .value_columns()
        .iter()
        .map(|n| crate::types::dtype::pandas_dtype(&frame.data_type(n).unwrap_or(DataType::Null)))
        .collect();
    series::literal_series(planner, "column", names, "dtype", types)
}

pub fn subscript(planner: &Planner, frame: Frame, index: Value) -> Result<Value> {
    match index {
        Value::Str(name) => Ok(Value::Series(column_series(&frame, &name)?)),
        Value::Series(mask) => filter(&frame, &mask).map(Value::Frame),
        Value::Slice(start, stop, step) => {
            iloc_rows(&frame, RowSelector::Slice(start, stop, step)).map(Value::Frame)
        }
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
    Ok(frame.with_df(frame.df.clone().select(exprs)?))
}

/// Rows where a boolean series over this frame is true (null counts as false, as in pandas).
pub fn filter(frame: &Frame, mask: &Series) -> Result<Frame> {
    if mask.frame.df.logical_plan() != frame.df.logical_plan() {
        return Err(DdqError::type_error(format!(
            "the mask `{}` does not come from this frame",
            mask.name
        ))
        .with_help("build the mask from the same frame, e.g. `df[df.col > 0]`"));
    }
    let t = expr_type(frame, &mask.expr)?;
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
    Ok(frame.with_df(frame.df.clone().filter(mask.expr.clone())?))
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

/// `df.loc[mask]`, `df.loc[mask, cols]`, `df.loc[:, cols]`
pub fn loc(planner: &Planner, frame: Frame, index: Value) -> Result<Value> {
    let (rows, cols) = split_indexer(index);
    let mut result = match rows {
        Value::Slice(None, None, None) => frame,
        Value::Series(mask) => filter(&frame, &mask)?,
        other => {
            let _ = planner;
            return Err(DdqError::unsupported(format!(
                "loc rows must be a boolean series or `:`, not {}",
                other.kind_name()
            ))
            .with_help("ddq frames have no row labels; use a mask such as `df.loc[df.col > 0]` or `iloc` for positions"));
        }
    };
    if let Some(cols) = cols {
        result = match cols {
            Value::Slice(None, None, None) => result,
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

fn slice_positions(
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
    let df = positioned.df.clone().filter(predicate)?;
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
        let df = positioned.df.clone().filter(lit(false))?;
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
    let wanted = DataFrame::new(state, LogicalPlanBuilder::values(rows)?.build()?).select(vec![
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
        .select(keep)?;
    Ok(Frame {
        npartitions: 1,
        order: vec![column("__ddq_iorder").sort(true, false)],
        ..positioned.with_df(df)
    })
}

/// `df.partitions[i]`
pub fn partition(frame: Frame, index: Value) -> Result<Value> {
    let Value::Int(i) = index else {
        return Err(DdqError::type_error(format!(
            "partitions are indexed by an integer, not {}",
            index.kind_name()
        )));
    };
    let n = frame.npartitions as i64;
    let position = if i < 0 { n + i } else { i };
    if position < 0 || position >= n {
        return Err(DdqError::type_error(format!(
            "partition {i} is out of range: the frame has {n} partitions"
        )));
    }
    let Some(expr) = frame.partition.clone() else {
        return Err(DdqError::unsupported("this frame's rows are not split into partitions").with_help("partitions are defined for frames read from files and their row-wise transformations"));
    };
    let df = frame.df.clone().filter(expr.eq(lit(position as u64)))?;
    Ok(Value::Frame(Frame {
        npartitions: 1,
        partition: Some(lit(0u64)),
        ..frame.with_df(df)
    }))
}

pub fn method(planner: &Planner, frame: Frame, name: &str, args: Args) -> Result<Value> {
    match name {
        // pandas: head(-n) is every row but the last n, tail(-n) every row but the first n.
        "head" => match int_arg(&args, "n", 5)? {
            n if n >= 0 => Ok(Value::Frame(order::head(&frame, n as usize)?)),
            n => iloc_rows(&frame, RowSelector::Slice(None, Some(n), None)).map(Value::Frame),
        },
        "tail" => match int_arg(&args, "n", 5)? {
            n if n >= 0 => Ok(Value::Frame(order::tail(&frame, n as usize)?)),
            n => iloc_rows(&frame, RowSelector::Slice(Some(-n), None, None)).map(Value::Frame),
        },
        "compute" => {
            planner.request_scheduler(&args)?;
            Ok(Value::Frame(frame))
        }
        "persist" => {
            planner.request_scheduler(&args)?;
            planner
                .sources
                .persist(planner.ctx, &frame)
                .map(Value::Frame)
        }
        "repartition" => repartition(frame, &args),
        "groupby" => {
            let by = args.require("by")?;
            groupby::groupby_of(&frame, by, &args)
        }
        "count" | "sum" | "mean" | "min" | "max" | "std" | "var" | "median" | "nunique" | "agg"
        | "aggregate" => groupby::reduce_frame(&frame, groupby::reduction_of(name, &args)?, &args),
        "describe" => crate::plan::series::describe(&frame, frame.value_columns()),
        "sample" => series::sample(&frame, &args).map(Value::Frame),
        "nlargest" | "nsmallest" => {
            let n = int_arg(&args, "n", 5)?;
            let columns = args.get("columns").and_then(column_names).ok_or_else(|| {
                args.invalid(
                    "columns",
                    "nlargest() needs `columns`: a name or a list of names",
                )
            })?;
            check_columns(&frame, &columns)?;
            let by: Vec<Expr> = columns.iter().map(|c| column(c)).collect();
            Ok(Value::Frame(series::top_n(
                &frame,
                by,
                n,
                name == "nlargest",
            )?))
        }
        "select_dtypes" => select_dtypes(&frame, &args),
        "drop_duplicates" => {
            let subset = match args.get("subset") {
                None | Some(Value::None) => frame.value_columns(),
                Some(v) => column_names(v).ok_or_else(|| {
                    args.invalid("subset", "subset must be a name or a list of names")
                })?,
            };
            check_columns(&frame, &subset)?;
            let keys: Vec<Expr> = subset.iter().map(|c| column(c)).collect();
            series::drop_duplicates(&frame, keys, &args).map(Value::Frame)
        }
        "dropna" => dropna(&frame, &args),
        "assign" => assign(&frame, args),
        "astype" => astype(&frame, &args),
        "rename" => rename(&frame, &args),
        "drop" => drop(&frame, &args),
        "sort_values" => sort_values(&frame, &args),
        "fillna" => map_columns(&frame, |s| series::fillna(s, &args)),
        "isna" | "isnull" => map_columns(&frame, |s| Ok(series::isna(s, true))),
        "notna" | "notnull" => map_columns(&frame, |s| Ok(series::isna(s, false))),
        "merge" => merge(planner, &frame, &args),
        "to_csv" | "to_parquet" => write_request(frame, name, &args),
        "visualize" => visualize_request(order::display_frame(&frame)?.0, &args),
        _ => Err(verbs::unknown_verb(Receiver::Frame, name, &frame.columns())),
    }
}

/// `to_csv(path)` / `to_parquet(path)`: checked here, written by `exec` when the statement runs.
pub fn write_request(frame: Frame, verb: &str, args: &Args) -> Result<Value> {
    let path = match args.require("path")? {
        Value::Str(p) if !p.is_empty() => p,
        other => {
            return Err(args.invalid(
                "path",
                format!(
                    "the path must be a non-empty string, not {}",
                    other.kind_name()
                ),
            ));
        }
    };
    if matches!(args.get("single_file"), Some(Value::Bool(true))) && path.contains('*') {
        return Err(args.invalid(
            "single_file",
            "single_file=True writes one file: leave `*` out of the name",
        ));
    }
    let format = if verb == "to_csv" {
        FileFormat::Csv
    } else {
        FileFormat::Parquet
    };
    Ok(Value::Action(Box::new(Action::Write(WriteRequest {
        frame,
        path,
        format,
    }))))
}

/// `visualize(filename="mydask", format="png")`: Dask's defaults; a name with an extension
/// chooses the format itself.
pub fn visualize_request(df: datafusion::prelude::DataFrame, args: &Args) -> Result<Value> {
    let filename = match args.get("filename") {
        None => "mydask".to_string(),
        Some(Value::Str(f)) if !f.is_empty() => f.clone(),
        Some(_) => return Err(args.invalid("filename", "filename must be a non-empty string")),
    };
    let has_extension = std::path::Path::new(&filename).extension().is_some();
    let path = match args.get("format") {
        Some(Value::Str(f)) => format!("{filename}.{f}"),
        Some(_) => return Err(args.invalid("format", "format must be \"png\", \"svg\" or \"dot\"")),
        None if has_extension => filename,
        None => format!("{filename}.png"),
    };
    Ok(Value::Action(Box::new(Action::Visualize { df, path })))
}

/// An integer argument with a default.
pub fn int_arg(args: &Args, name: &str, default: i64) -> Result<i64> {
    match args.get(name) {
        None | Some(Value::None) => Ok(default),
        Some(Value::Int(i)) => Ok(*i),
        Some(other) => Err(args.invalid(
            name,
            format!("`{name}` must be an integer, not {}", other.kind_name()),
        )),
    }
}

fn repartition(frame: Frame, args: &Args) -> Result<Value> {
    let k = match args.get("npartitions") {
        Some(Value::Int(k)) if *k >= 1 => *k as u64,
        Some(_) => {
            return Err(args.invalid("npartitions", "npartitions must be a positive integer"));
        }
        None => return Err(args.invalid("npartitions", "repartition() needs npartitions=N")),
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

fn select_dtypes(frame: &Frame, args: &Args) -> Result<Value> {
    let kinds = |name: &str| -> Result<Vec<String>> {
        match args.get(name) {
            None | Some(Value::None) => Ok(vec![]),
            Some(v) => column_names(v).ok_or_else(|| {
                args.invalid(
                    name,
                    format!("`{name}` must be a dtype name or a list of them"),
                )
            }),
        }
    };
    let include = kinds("include")?;
    let exclude = kinds("exclude")?;
    if include.is_empty() && exclude.is_empty() {
        return Err(args.invalid("include", "select_dtypes() needs include= or exclude="));
    }
    let matches = |t: &DataType, kind: &str| -> Result<bool> {
        Ok(match kind {
            "number" | "numeric" => is_numeric(t) && *t != DataType::Boolean,
            "object" | "string" | "str" => is_text(t),
            "bool" | "boolean" => *t == DataType::Boolean,
            "datetime" | "datetime64" | "datetime64[ns]" => is_temporal(t),
            other => match parse_type(other) {
                Some(wanted) => *t == wanted,
                None => {
                    return Err(args.invalid("include", format!("unknown dtype `{other}`")).with_help(
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

fn dropna(frame: &Frame, args: &Args) -> Result<Value> {
    let subset = match args.get("subset") {
        None | Some(Value::None) => frame.value_columns(),
        Some(v) => column_names(v)
            .ok_or_else(|| args.invalid("subset", "subset must be a name or a list of names"))?,
    };
    check_columns(frame, &subset)?;
    let all = match args.get("how") {
        None => false,
        Some(Value::Str(h)) if h == "any" => false,
        Some(Value::Str(h)) if h == "all" => true,
        Some(_) => return Err(args.invalid("how", "how must be \"any\" or \"all\"")),
    };
    let present: Vec<Expr> = subset
        .iter()
        .map(|c| Ok(series::isna(&column_series(frame, c)?, false)))
        .collect::<Result<_>>()?;
    let predicate = if all {
        present.into_iter().reduce(Expr::or)
    } else {
        present.into_iter().reduce(Expr::and)
    };
    match predicate {
        Some(p) => Ok(Value::Frame(frame.with_df(frame.df.clone().filter(p)?))),
        None => Ok(Value::Frame(frame.clone())),
    }
}

fn assign(frame: &Frame, args: Args) -> Result<Value> {
    let mut df = frame.df.clone();
    for (ident, value) in args.extra {
        let expr = match value {
            Value::Series(s) => {
                if s.frame.df.logical_plan() != frame.df.logical_plan() {
                    return Err(DdqError::type_error(format!(
                        "assign({}=...) needs a series computed from this frame",
                        ident.name
                    ))
                    .at(ident.span));
                }
                s.expr
            }
            Value::Scalar(s) => s.expr,
            other => literal_expr(&other).ok_or_else(|| {
                DdqError::type_error(format!("cannot assign {} to a column", other.kind_name()))
                    .at(ident.span)
            })?,
        };
        df = df.with_column(&ident.name, expr)?;
    }
    Ok(Value::Frame(frame.with_df(df)))
}

/// Applies a series transformation to every value column.
fn map_columns(frame: &Frame, transform: impl Fn(&Series) -> Result<Expr>) -> Result<Value> {
    let mut exprs: Vec<Expr> = frame.key_columns().iter().map(|k| column(k)).collect();
    for name in frame.value_columns() {
        let s = column_series(frame, &name)?;
        exprs.push(transform(&s)?.alias(&name));
    }
    exprs.extend(frame.hidden_columns().iter().map(|h| column(h)));
    Ok(Value::Frame(frame.with_df(frame.df.clone().select(exprs)?)))
}

fn astype(frame: &Frame, args: &Args) -> Result<Value> {
    match args.get("dtype") {
        Some(Value::Dict(pairs)) => {
            let mut wanted = Vec::new();
            for (k, v) in pairs {
                match (k, v) {
                    (Value::Str(c), Value::Str(t)) => {
                        check_columns(frame, std::slice::from_ref(c))?;
                        wanted.push((c.clone(), t.clone()));
                    }
                    _ => {
                        return Err(
                            args.invalid("dtype", "astype({...}) maps column names to dtype names")
                        );
                    }
                }
            }
            map_columns(frame, |s| match wanted.iter().find(|(c, _)| *c == s.name) {
                Some((_, t)) => series::astype_expr(s, t, args),
                None => Ok(s.expr.clone()),
            })
        }
        Some(Value::Str(t)) => map_columns(frame, |s| series::astype_expr(s, t, args)),
        _ => Err(args.invalid("dtype", "astype() takes a dtype name or a dict of them")),
    }
}

fn rename(frame: &Frame, args: &Args) -> Result<Value> {
    let Some(Value::Dict(pairs)) = args.get("columns") else {
        return Err(args.invalid("columns", "rename() needs columns={old: new}"));
    };
    let mut mapping = Vec::new();
    for (k, v) in pairs {
        match (k, v) {
            (Value::Str(old), Value::Str(new)) => {
                check_columns(frame, std::slice::from_ref(old))?;
                mapping.push((old.clone(), new.clone()));
            }
            _ => return Err(args.invalid("columns", "rename(columns=...) maps names to names")),
        }
    }
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
        ..frame.with_df(frame.df.clone().select(exprs)?)
    }))
}

fn drop(frame: &Frame, args: &Args) -> Result<Value> {
    let names = match (args.get("columns"), args.get("labels"), args.get("axis")) {
        (Some(v), _, _) => column_names(v),
        (None, Some(v), Some(Value::Int(1)) | Some(Value::Str(_))) => column_names(v),
        (None, Some(_), _) => {
            return Err(args.invalid(
                "axis",
                "ddq frames have no row labels: drop columns with drop(columns=[...])",
            ));
        }
        (None, None, _) => return Err(args.invalid("columns", "drop() needs columns=[...]")),
    }
    .ok_or_else(|| args.invalid("columns", "columns must be a name or a list of names"))?;
    check_columns(frame, &names)?;
    let keep: Vec<String> = frame
        .value_columns()
        .into_iter()
        .filter(|c| !names.contains(c))
        .collect();
    select(frame, &keep).map(Value::Frame)
}

fn sort_values(frame: &Frame, args: &Args) -> Result<Value> {
    let by = args.get("by").and_then(column_names).ok_or_else(|| {
        args.invalid(
            "by",
            "sort_values() needs by: a column name or a list of names",
        )
    })?;
    check_columns(frame, &by)?;
    let exprs: Vec<Expr> = by.iter().map(|c| column(c)).collect();
    let ascending = series::ascending_flags(args, by.len())?;
    let nulls_first = series::nulls_first(args)?;
    Ok(Value::Frame(series::sorted_by(
        frame,
        exprs,
        &ascending,
        nulls_first,
    )))
}

/// `pd.concat([a, b, ...])`: rows of each frame in turn.
pub fn concat(_planner: &Planner, args: Args) -> Result<Value> {
    let items = match args.require("objs")? {
        Value::List(items) | Value::Tuple(items) => items,
        other => {
            return Err(args.invalid(
                "objs",
                format!("concat() takes a list of frames, not {}", other.kind_name()),
            ));
        }
    };
    let mut frames = Vec::new();
    for item in items {
        match item {
            Value::Frame(f) => frames.push(f),
            Value::Series(s) => frames.push(series::to_frame(&s)?),
            other => {
                return Err(args.invalid(
                    "objs",
                    format!("concat() takes frames, not {}", other.kind_name()),
                ));
            }
        }
    }
    let Some(first) = frames.first() else {
        return Err(args.invalid("objs", "concat() needs at least one frame"));
    };
    let columns = first.columns();
    let mut combined: Option<datafusion::prelude::DataFrame> = None;
    let mut npartitions = 0;
    for (i, frame) in frames.iter().enumerate() {
        if frame.columns() != columns {
            return Err(args.invalid(
                "objs",
                format!(
                    "frame {i} has columns [{}], the first has [{}]",
                    frame.columns().join(", "),
                    columns.join(", ")
                ),
            ));
        }
        npartitions += frame.npartitions;
        let positioned = with_position(frame, "__ddq_catpos")?;
        let mut exprs: Vec<Expr> = columns.iter().map(|c| column(c)).collect();
        exprs.push(lit(i as u64).alias("__ddq_cat"));
        exprs.push(column("__ddq_catpos"));
        let df = positioned.df.clone().select(exprs)?;
        combined = Some(match combined {
            None => df,
            Some(acc) => acc.union(df)?,
        });
    }
    let df = combined.ok_or_else(|| args.invalid("objs", "concat() needs at least one frame"))?;
    Ok(Value::Frame(Frame {
        df,
        order: vec![
            column("__ddq_cat").sort(true, false),
            column("__ddq_catpos").sort(true, false),
        ],
        index_columns: first.index_columns,
        npartitions,
        partition: None,
        origin: "concat".into(),
    }))
}

/// `left.merge(right, on=..., how=...)`, with pandas' column naming and row order.
fn merge(_planner: &Planner, left: &Frame, args: &Args) -> Result<Value> {
    let right = match args.get("right") {
        Some(Value::Frame(f)) => f.clone(),
        Some(Value::Series(s)) => series::to_frame(s)?,
        _ => return Err(args.invalid("right", "merge() needs a frame to join with")),
    };
    let how = match args.get("how") {
        None => "inner".to_string(),
        Some(Value::Str(h)) if ["inner", "left", "right", "outer"].contains(&h.as_str()) => {
            h.clone()
        }
        Some(_) => return Err(args.invalid("how", "how must be one of inner, left, right, outer")),
    };
    let names = |name: &str| {
        args.get(name)
            .map(|v| {
                column_names(v).ok_or_else(|| {
                    args.invalid(name, format!("`{name}` must be a name or a list of names"))
                })
            })
            .transpose()
    };
    let (left_on, right_on) = match (names("on")?, names("left_on")?, names("right_on")?) {
        (Some(on), None, None) => (on.clone(), on),
        (None, Some(l), Some(r)) if l.len() == r.len() => (l, r),
        (None, None, None) => {
            let shared: Vec<String> = left
                .value_columns()
                .into_iter()
                .filter(|c| right.value_columns().contains(c))
                .collect();
            if shared.is_empty() {
                return Err(args.invalid(
                    "on",
                    "the frames share no column to merge on; give on= or left_on=/right_on=",
                ));
            }
            (shared.clone(), shared)
        }
        _ => {
            return Err(args.invalid(
                "on",
                "give either on= or both left_on= and right_on= with the same number of names",
            ));
        }
    };
    check_columns(left, &left_on)?;
    check_columns(&right, &right_on)?;
    let (lx, ry) = suffixes(args)?;
    let l = with_position(left, "__ddq_lpos")?;
    let r = with_position(&right, "__ddq_rpos")?;
    let join_type = match how.as_str() {
        "left" => JoinType::Left,
        "right" => JoinType::Right,
        "outer" => JoinType::Full,
        _ => JoinType::Inner,
    };
    let lq = |c: &str| qualified("l", c);
    let rq = |c: &str| qualified("r", c);
    let on = left_on.iter().zip(&right_on).map(|(a, b)| lq(a).eq(rq(b)));
    let joined =
        l.df.clone()
            .alias("l")?
            .join_on(r.df.clone().alias("r")?, join_type, on)?;
    let shared_keys: Vec<&String> = left_on
        .iter()
        .zip(&right_on)
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
    for c in &right_columns {
        if shared_keys.contains(&c) {
            continue;
        }
        let name = if left_columns.contains(c) {
            format!("{c}{ry}")
        } else {
            c.clone()
        };
        exprs.push(rq(c).alias(name));
    }
    exprs.push(lq("__ddq_lpos").alias("__ddq_lpos"));
    exprs.push(rq("__ddq_rpos").alias("__ddq_rpos"));
    let df = joined.select(exprs)?;
    let order = match how.as_str() {
        // pandas sorts an outer merge by key; rows of one key keep left order, then right order.
        "outer" => left_on
            .iter()
            .map(|k| column(k).sort(true, false))
            .chain([
                column("__ddq_lpos").sort(true, false),
                column("__ddq_rpos").sort(true, false),
            ])
            .collect(),
        "right" => vec![
            column("__ddq_rpos").sort(true, false),
            column("__ddq_lpos").sort(true, false),
        ],
        _ => vec![
            column("__ddq_lpos").sort(true, false),
            column("__ddq_rpos").sort(true, false),
        ],
    };
    Ok(Value::Frame(Frame {
        df,
        order,
        index_columns: 0,
        npartitions: left.npartitions.max(right.npartitions),
        partition: None,
        origin: "merge".into(),
    }))
}

fn suffixes(args: &Args) -> Result<(String, String)> {
    match args.get("suffixes") {
        None => Ok(("_x".into(), "_y".into())),
        Some(Value::List(items) | Value::Tuple(items)) if items.len() == 2 => {
            match (&items[0], &items[1]) {
                (Value::Str(a), Value::Str(b)) => Ok((a.clone(), b.clone())),
                _ => Err(args.invalid("suffixes", "suffixes must be two strings")),
            }
        }
        Some(_) => Err(args.invalid("suffixes", "suffixes must be two strings")),
    }
}
