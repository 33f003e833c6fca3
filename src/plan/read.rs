//! `read_csv(...)`, `read_parquet(...)`, `read_json(...)` and the `read` command: pandas' reading keywords turned
//! into a scan of the engine's (`plan::sources`) plus the projections pandas applies after reading (`parse_dates`).

use crate::config::size::parse_size;
use crate::error::{DdqError, Result};
use crate::plan::project::Project;
use crate::plan::sources::{CsvOptions, JsonOptions, PART_COLUMN, ROW_COLUMN, SourceTable};
use crate::plan::value::{Frame, Value, column};
use crate::plan::verbs::{Arg, Args};
use crate::plan::{Planner, column_names};
use crate::types::dtype::parse_dtype;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::functions::expr_fn as f;
use datafusion::logical_expr::{Expr, cast, lit};

const TIMESTAMP: DataType = DataType::Timestamp(TimeUnit::Nanosecond, None);

/// `read_csv(path, sep=, header=, dtype=, parse_dates=, usecols=, na_values=, blocksize=)`
pub fn read_csv(planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [
        path,
        sep,
        header,
        dtype,
        parse_dates,
        usecols,
        na_values,
        blocksize,
        delimiter,
        // For remote file systems (credentials, endpoints); local paths need none.
        _storage_options,
    ] = args.params()?;
    let patterns = paths(path)?;
    let mut options = CsvOptions::default();
    let separator = if sep.is_given() { sep } else { delimiter };
    if let Some(value) = separator.value() {
        match value {
            Value::Str(s) if s.len() == 1 => options.sep = s.as_bytes()[0],
            Value::Str(s) if s == "\\t" => options.sep = b'\t',
            _ => {
                return Err(separator
                    .invalid("the separator must be a single character such as \",\" or \"\\t\""));
            }
        }
    }
    match header.value() {
        None | Some(Value::Int(0)) => {}
        Some(Value::None) => options.header = false,
        Some(_) => return Err(header.invalid("header must be 0 (the first line) or None")),
    }
    if let Some(v) = na_values.value() {
        options.na_values = match v {
            Value::Str(s) => vec![s.clone()],
            other => column_names(other).ok_or_else(|| {
                na_values.invalid("na_values must be a string or a list of strings")
            })?,
        };
    }
    if let Some(v) = usecols.value() {
        options.usecols = Some(
            column_names(v)
                .ok_or_else(|| usecols.invalid("usecols must be a list of column names"))?,
        );
    }
    if let Some(v) = blocksize.value() {
        match v {
            Value::Int(b) if *b > 0 => options.blocksize = *b as u64,
            // Dask's docs write `blocksize=25e6`, and take "64MB" as well.
            Value::Float(b) if *b >= 1.0 && b.fract() == 0.0 && *b < 1e18 => {
                options.blocksize = *b as u64
            }
            Value::Str(size) => {
                options.blocksize = parse_size(size).map_err(|e| blocksize.invalid(e.message))?
            }
            Value::None => options.blocksize = u64::MAX,
            _ => {
                return Err(
                    blocksize.invalid("blocksize must be a positive number of bytes or None")
                );
            }
        }
    }
    if let Some(v) = dtype.value() {
        options.dtype = dtypes(v, dtype)?;
    }
    let table = planner
        .sources
        .open_csv(&patterns, options)
        .map_err(|e| e.at(path.span()))?;
    let frame = table_frame(planner, table, "read-csv")?;
    match parse_dates.value() {
        None | Some(Value::Bool(false)) => Ok(Value::Frame(frame)),
        Some(spec) => dates_parsed(frame, spec, parse_dates).map(Value::Frame),
    }
}

/// `read_parquet(path, columns=)`
pub fn read_parquet(planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [path, columns, _storage_options] = args.params()?;
    let patterns = paths(path)?;
    let table = planner
        .sources
        .open_parquet(&patterns)
        .map_err(|e| e.at(path.span()))?;
    let frame = table_frame(planner, table, "read-parquet")?;
    match columns.value() {
        None | Some(Value::None) => Ok(Value::Frame(frame)),
        Some(v) => {
            let names = column_names(v)
                .ok_or_else(|| columns.invalid("columns must be a list of names"))?;
            crate::plan::frame::select(&frame, &names).map(Value::Frame)
        }
    }
}

/// `read_json(path, orient="records", lines=, convert_dates=True, blocksize=None)`: Dask's
/// `read_json` (one partition per file) over pandas' reading of each file.
pub fn read_json(planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [
        path,
        orient,
        lines,
        convert_dates,
        blocksize,
        _storage_options,
    ] = args.params()?;
    let patterns = paths(path)?;
    records_orient(orient, "reads")?;
    if blocksize.given().is_some() {
        return Err(blocksize
            .invalid("ddq reads JSON one partition per file (Dask's blocksize=None)")
            .with_help("leave blocksize out, or split the data into several files"));
    }
    let options = JsonOptions {
        lines: match lines.given() {
            None => None,
            Some(_) => Some(lines.bool_or(true)?),
        },
        convert_dates: convert_dates.bool_or(true)?,
    };
    let table = planner
        .sources
        .open_json(&patterns, &options)
        .map_err(|e| e.at(path.span()))?;
    Ok(Value::Frame(table_frame(planner, table, "read-json")?))
}

/// `orient=` of `read_json`/`to_json`: only records (an array of objects, or one per line).
pub fn records_orient(orient: Arg, verb: &str) -> Result<()> {
    match orient.given() {
        None => Ok(()),
        Some(Value::Str(s)) if s == "records" => Ok(()),
        Some(Value::Str(s)) => Err(orient
            .invalid(format!(
                "orient=\"{s}\" is not supported: ddq {verb} orient=\"records\" only"
            ))
            .with_help(
                "records are [{\"col\": value, ...}, ...], or one {...} per line with lines=True",
            )),
        Some(other) => Err(orient.invalid(format!(
            "orient must be a string such as \"records\", not {}",
            other.kind_name()
        ))),
    }
}

/// `read "GLOB"`: CSV, Parquet or JSON by the file extension.
pub fn read_path(planner: &Planner, path: &str) -> Result<Value> {
    let patterns = [path.to_string()];
    let (table, origin) = if path.ends_with(".parquet") || path.ends_with(".pq") {
        (planner.sources.open_parquet(&patterns)?, "read-parquet")
    } else if [".json", ".jsonl", ".ndjson"]
        .iter()
        .any(|e| path.ends_with(e))
    {
        let options = JsonOptions::default();
        (planner.sources.open_json(&patterns, &options)?, "read-json")
    } else {
        let options = CsvOptions::default();
        (planner.sources.open_csv(&patterns, options)?, "read-csv")
    };
    Ok(Value::Frame(table_frame(planner, table, origin)?))
}

fn paths(path: Arg) -> Result<Vec<String>> {
    let value = path.required()?.clone();
    column_names(&value)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            path.invalid(format!(
                "the path must be a string or a list of strings, not {}",
                value.kind_name()
            ))
        })
}

fn dtypes(value: &Value, dtype: Arg) -> Result<Vec<(String, DataType)>> {
    let Value::Dict(pairs) = value else {
        return Err(dtype.invalid("dtype must be a dict such as {\"TailNum\": \"object\"}"));
    };
    let mut out = Vec::new();
    for (k, v) in pairs {
        let (Value::Str(column), Value::Str(name)) = (k, v) else {
            return Err(dtype.invalid(
                "dtype maps column names to dtype names, e.g. {\"TailNum\": \"object\"}",
            ));
        };
        let t = parse_dtype(name).ok_or_else(|| {
            dtype.invalid(format!("unknown dtype `{name}` for column `{column}`"))
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
        divisions: None,
    })
}

/// `parse_dates=["col"]` parses columns in place; `parse_dates={"Date": [0, 1, 2]}` builds a
/// new first column from the parts and drops them, as pandas < 2 and Dask do.
fn dates_parsed(frame: Frame, spec: &Value, parse_dates: Arg) -> Result<Frame> {
    match spec {
        Value::Bool(true) => Err(parse_dates
            .invalid("parse_dates=True parses the index, and ddq frames have none")
            .with_help("name the columns: parse_dates=[\"col\"]")),
        Value::List(items) | Value::Tuple(items) => {
            let names = date_columns(&frame, items, parse_dates)?;
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
            Ok(frame.with_df(frame.df.clone().project(exprs)?))
        }
        Value::Dict(pairs) => dates_from_parts(frame, pairs, parse_dates),
        other => Err(parse_dates.invalid(format!(
            "parse_dates takes a list or a dict, not {}",
            other.kind_name()
        ))),
    }
}

/// `parse_dates={"Date": [0, 1, 2]}`: each new column first, made from its parts, which go.
fn dates_from_parts(frame: Frame, pairs: &[(Value, Value)], parse_dates: Arg) -> Result<Frame> {
    let mut new_columns = Vec::new();
    let mut consumed = Vec::new();
    for (key, parts) in pairs {
        let Value::Str(new_name) = key else {
            return Err(parse_dates.invalid("parse_dates={...} keys are the new column names"));
        };
        let (Value::List(items) | Value::Tuple(items)) = parts else {
            return Err(parse_dates.invalid("parse_dates={...} values are lists of columns"));
        };
        let names = date_columns(&frame, items, parse_dates)?;
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
    Ok(frame.with_df(frame.df.clone().project(exprs)?))
}

/// The columns `parse_dates` names, by name or by position in the file.
fn date_columns(frame: &Frame, items: &[Value], parse_dates: Arg) -> Result<Vec<String>> {
    let columns = frame.value_columns();
    let resolve = |v: &Value| -> Result<String> {
        match v {
            Value::Str(name) if columns.contains(name) => Ok(name.clone()),
            Value::Str(name) => {
                Err(crate::plan::unknown_column(name, frame).at(parse_dates.span()))
            }
            Value::Int(i) => usize::try_from(*i)
                .ok()
                .and_then(|i| columns.get(i).cloned())
                .ok_or_else(|| {
                    parse_dates.invalid(format!(
                        "column position {i} is out of range: the file has {} columns",
                        columns.len()
                    ))
                }),
            other => Err(parse_dates.invalid(format!(
                "parse_dates takes column names or positions, not {}",
                other.kind_name()
            ))),
        }
    };
    items.iter().map(resolve).collect()
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
