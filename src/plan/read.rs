//! `read_csv(...)`, `read_parquet(...)` and the `read` command: pandas' reading keywords turned
//! into a scan of the engine's (`plan::sources`) plus the projections pandas applies after reading (`parse_dates`).

use crate::error::{DdqError, Result};
use crate::plan::sources::{CsvOptions, PART_COLUMN, ROW_COLUMN, SourceTable};
use crate::plan::value::{Frame, Value, column};
use crate::plan::verbs::Args;
use crate::plan::{Planner, column_names};
use crate::types::dtype::parse_dtype;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::functions::expr_fn as f;
use datafusion::logical_expr::{Expr, cast, lit};

const TIMESTAMP: DataType = DataType::Timestamp(TimeUnit::Nanosecond, None);

pub fn read_csv(planner: &Planner, args: Args) -> Result<Value> {
    let patterns = paths(&args)?;
    let mut options = CsvOptions::default();
    if let Some(sep) = args.get("sep").or(args.get("delimiter")) {
        let name = if args.get("sep").is_some() {
            "sep"
        } else {
            "delimiter"
        };
        match sep {
            Value::Str(s) if s.len() == 1 => options.sep = s.as_bytes()[0],
            Value::Str(s) if s == "\\t" => options.sep = b'\t',
            _ => {
                return Err(args.invalid(
                    name,
                    "the separator must be a single character such as \",\" or \"\\t\"",
                ));
            }
        }
    }
    match args.get("header") {
        None | Some(Value::Int(0)) => {}
        Some(Value::None) => options.header = false,
        Some(_) => return Err(args.invalid("header", "header must be 0 (the first line) or None")),
    }
    if let Some(v) = args.get("na_values") {
        options.na_values = match v {
            Value::Str(s) => vec![s.clone()],
            other => column_names(other).ok_or_else(|| {
                args.invalid(
                    "na_values",
                    "na_values must be a string or a list of strings",
                )
            })?,
        };
    }
    if let Some(v) = args.get("usecols") {
        options.usecols =
            Some(column_names(v).ok_or_else(|| {
                args.invalid("usecols", "usecols must be a list of column names")
            })?);
    }
    if let Some(v) = args.get("blocksize") {
        match v {
            Value::Int(b) if *b > 0 => options.blocksize = *b as u64,
            Value::None => options.blocksize = u64::MAX,
            _ => {
                return Err(args.invalid(
                    "blocksize",
                    "blocksize must be a positive number of bytes or None",
                ));
            }
        }
    }
    if let Some(v) = args.get("dtype") {
        options.dtype = dtypes(v, &args)?;
    }
    let table = planner
        .sources
        .open_csv(&patterns, options)
        .map_err(|e| e.at(args.span("path")))?;
    let frame = table_frame(planner, table, "read-csv")?;
    match args.get("parse_dates") {
        None | Some(Value::Bool(false)) => Ok(Value::Frame(frame)),
        Some(spec) => parse_dates(frame, spec, &args).map(Value::Frame),
    }
}

pub fn read_parquet(planner: &Planner, args: Args) -> Result<Value> {
    let patterns = paths(&args)?;
    let table = planner
        .sources
        .open_parquet(&patterns)
        .map_err(|e| e.at(args.span("path")))?;
    let frame = table_frame(planner, table, "read-parquet")?;
    match args.get("columns") {
        None | Some(Value::None) => Ok(Value::Frame(frame)),
        Some(v) => {
            let names = column_names(v)
                .ok_or_else(|| args.invalid("columns", "columns must be a list of names"))?;
            crate::plan::frame::select(&frame, &names).map(Value::Frame)
        }
    }
}

/// `read "GLOB"`: CSV or Parquet by the file extension.
pub fn read_path(planner: &Planner, path: &str) -> Result<Value> {
    let table = if path.ends_with(".parquet") || path.ends_with(".pq") {
        planner.sources.open_parquet(&[path.to_string()])?
    } else {
        planner
            .sources
            .open_csv(&[path.to_string()], CsvOptions::default())?
    };
    let origin = if path.ends_with(".parquet") {
        "read-parquet"
    } else {
        "read-csv"
    };
    Ok(Value::Frame(table_frame(planner, table, origin)?))
}

fn paths(args: &Args) -> Result<Vec<String>> {
    let value = args.require("path")?;
    column_names(&value)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            args.invalid(
                "path",
                format!(
                    "the path must be a string or a list of strings, not {}",
                    value.kind_name()
                ),
            )
        })
}

fn dtypes(value: &Value, args: &Args) -> Result<Vec<(String, DataType)>> {
    let Value::Dict(pairs) = value else {
        return Err(args.invalid(
            "dtype",
            "dtype must be a dict such as {\"TailNum\": \"object\"}",
        ));
    };
    let mut out = Vec::new();
    for (k, v) in pairs {
        let (Value::Str(column), Value::Str(name)) = (k, v) else {
            return Err(args.invalid(
                "dtype",
                "dtype maps column names to dtype names, e.g. {\"TailNum\": \"object\"}",
            ));
        };
        let t = parse_dtype(name).ok_or_else(|| {
            args.invalid("dtype", format!("unknown dtype `{name}` for column `{column}`"))
                .with_help("supported: int64, int32, float64, float32, object, str, bool, category, datetime64[ns]")
        })?;
        out.push((column.clone(), t));
    }
    Ok(out)
}

/// A frame over a file scan, in file order, one Dask partition per scan partition.
pub fn table_frame(planner: &Planner, table: SourceTable, origin: &str) -> Result<Frame> {
    let npartitions = table.npartitions;
    let df = planner.ctx.read_table(table.provider)?;
    Ok(Frame {
        df,
        order: vec![
            column(PART_COLUMN).sort(true, false),
            column(ROW_COLUMN).sort(true, false),
        ],
        index_columns: 0,
        npartitions,
        partition: Some(column(PART_COLUMN)),
        origin: origin.to_string(),
    })
}

/// `parse_dates=["col"]` parses columns in place; `parse_dates={"Date": [0, 1, 2]}` builds a
/// new first column from the parts and drops them, as pandas < 2 and Dask do.
fn parse_dates(frame: Frame, spec: &Value, args: &Args) -> Result<Frame> {
    let columns = frame.value_columns();
    let resolve = |v: &Value| -> Result<String> {
        match v {
            Value::Str(name) if columns.contains(name) => Ok(name.clone()),
            Value::Str(name) => {
                Err(crate::plan::unknown_column(name, &frame).at(args.span("parse_dates")))
            }
            Value::Int(i) => usize::try_from(*i)
                .ok()
                .and_then(|i| columns.get(i).cloned())
                .ok_or_else(|| {
                    args.invalid(
                        "parse_dates",
                        format!(
                            "column position {i} is out of range: the file has {} columns",
                            columns.len()
                        ),
                    )
                }),
            other => Err(args.invalid(
                "parse_dates",
                format!(
                    "parse_dates takes column names or positions, not {}",
                    other.kind_name()
                ),
            )),
        }
    };
    match spec {
        Value::Bool(true) => Err(args
            .invalid(
                "parse_dates",
                "parse_dates=True parses the index, and ddq frames have none",
            )
            .with_help("name the columns: parse_dates=[\"col\"]")),
        Value::List(items) | Value::Tuple(items) => {
            let names = items.iter().map(resolve).collect::<Result<Vec<_>>>()?;
            let df_schema = frame.df.schema().clone();
            let exprs: Vec<Expr> = df_schema
                .fields()
                .iter()
                .map(|field| {
                    let name = field.name();
                    if names.contains(name) {
                        to_timestamp(column(name), field.data_type()).alias(name)
                    } else {
                        column(name)
                    }
                })
                .collect();
            Ok(frame.with_df(frame.df.clone().select(exprs)?))
        }
        Value::Dict(pairs) => {
            let mut new_columns = Vec::new();
            let mut consumed = Vec::new();
            for (key, parts) in pairs {
                let Value::Str(new_name) = key else {
                    return Err(args.invalid(
                        "parse_dates",
                        "parse_dates={...} keys are the new column names",
                    ));
                };
                let (Value::List(items) | Value::Tuple(items)) = parts else {
                    return Err(args.invalid(
                        "parse_dates",
                        "parse_dates={...} values are lists of columns",
                    ));
                };
                let names = items.iter().map(resolve).collect::<Result<Vec<_>>>()?;
                new_columns.push(combined_date(&frame, &names)?.alias(new_name));
                consumed.extend(names);
            }
            let mut exprs = new_columns;
            exprs.extend(
                frame
                    .df
                    .schema()
                    .fields()
                    .iter()
                    .map(|f| f.name())
                    .filter(|n| !consumed.contains(n))
                    .map(|n| column(n)),
            );
            Ok(frame.with_df(frame.df.clone().select(exprs)?))
        }
        other => Err(args.invalid(
            "parse_dates",
            format!(
                "parse_dates takes a list or a dict, not {}",
                other.kind_name()
            ),
        )),
    }
}

fn to_timestamp(e: Expr, t: &DataType) -> Expr {
    if matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) {
        cast(f::to_timestamp_nanos(vec![e]), TIMESTAMP)
    } else {
        cast(e, TIMESTAMP)
    }
}

/// One timestamp from several columns: year/month/day numbers, or text parts joined by spaces.
fn combined_date(frame: &Frame, names: &[String]) -> Result<Expr> {
    let numeric = names
        .iter()
        .all(|n| frame.data_type(n).is_some_and(|t| t.is_integer()));
    if numeric && names.len() == 3 {
        let [year, month, day] = [0, 1, 2].map(|i| column(&names[i]));
        return Ok(crate::plan::udf::date_from_parts(year, month, day));
    }
    if names.is_empty() {
        return Err(DdqError::type_error(
            "parse_dates needs at least one column per new date",
        ));
    }
    let text: Vec<Expr> = names
        .iter()
        .map(|n| cast(column(n), DataType::Utf8))
        .collect();
    Ok(cast(
        f::to_timestamp_nanos(vec![f::concat_ws(lit(" "), text)]),
        TIMESTAMP,
    ))
}
