//! Looking at a value without changing it: `len`, `print`, the attributes a frame or series
//! carries (`columns`, `dtypes`, `dtype`, `name`, `shape`, `npartitions`), `head` and `tail`.

use super::Form::{Attribute, Method};
use super::Receiver as On;
use super::{Args, Verb, wrong_receiver};
use crate::error::{DdqError, Result};
use crate::plan::groupby::Agg;
use crate::plan::value::{Action, Frame, Series, Value, column, display_name};
use crate::plan::{Planner, frame, groupby, ops, order, series, window};
use crate::types::dtype::{nullable_dtype, pandas_dtype};
use datafusion::arrow::datatypes::DataType;
use datafusion::logical_expr::{Expr, ExprSchemable, lit};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "len",
        receivers: &[On::Function],
        form: Method,
        params: &["value"],
        signature: "len(frame | series | groupby)",
        summary: "Number of rows.",
        example: "len(ddf)",
        expected: "20800\n",
        plan: len,
        group: "Inspecting",
    },
    Verb {
        name: "print",
        receivers: &[On::Function],
        form: Method,
        params: &["*values", "sep", "end"],
        signature: "print(*values, sep=\" \", end=\"\\n\")",
        summary: "Compute and print values as Python's print does (f-strings included).",
        example: "print(\"max delay:\", ddf.DepDelay.max(), f\"({len(ddf):,} flights)\")",
        expected: "max delay: 1006.0 (20,800 flights)\n",
        plan: print,
        group: "Inspecting",
    },
    Verb {
        name: "info",
        receivers: &[On::Frame],
        form: Method,
        params: &["verbose"],
        signature: "info()",
        summary: "How many columns, from which to which, and how many of each dtype (as Dask prints it).",
        example: "ddf[[\"Date\", \"Origin\", \"DepDelay\", \"ArrDelay\"]].info()",
        expected: "<class 'ddq.DataFrame'>\nColumns: 4 entries, Date to ArrDelay\ndtypes: datetime64[ns](1), float64(2), object(1)\n",
        plan: info,
        group: "Inspecting",
    },
    Verb {
        name: "memory_usage",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["index", "deep"],
        signature: "memory_usage(index=True)",
        summary: "The bytes pandas would hold each column in (8 per row for 64-bit numbers, dates and text references, 1 for bool; the RangeIndex first), counted without reading the values.",
        example: "ddf[[\"DepDelay\", \"Origin\", \"Cancelled\"]].memory_usage()",
        expected: "column,memory_usage\nIndex,132\nDepDelay,166400\nOrigin,166400\nCancelled,20800\n",
        plan: memory_usage,
        group: "Inspecting",
    },
    Verb {
        name: "columns",
        receivers: &[On::Frame],
        form: Attribute,
        params: &[],
        signature: "df.columns",
        summary: "The column names.",
        example: "ddf.columns",
        expected: "column\nDate\nDayOfWeek\nDepTime\nCRSDepTime\nArrTime\nCRSArrTime\nUniqueCarrier\nFlightNum\nTailNum\nActualElapsedTime\nCRSElapsedTime\nAirTime\nArrDelay\nDepDelay\nOrigin\nDest\nDistance\nTaxiIn\nTaxiOut\nCancelled\nDiverted\n",
        plan: columns,
        group: "Inspecting",
    },
    Verb {
        name: "dtypes",
        receivers: &[On::Frame],
        form: Attribute,
        params: &[],
        signature: "df.dtypes",
        summary: "The pandas dtype of each column.",
        example: "ddf.dtypes",
        expected: "column,dtype\nDate,datetime64[ns]\nDayOfWeek,int64\nDepTime,float64\nCRSDepTime,int64\nArrTime,float64\nCRSArrTime,int64\nUniqueCarrier,object\nFlightNum,int64\nTailNum,object\nActualElapsedTime,float64\nCRSElapsedTime,float64\nAirTime,float64\nArrDelay,float64\nDepDelay,float64\nOrigin,object\nDest,object\nDistance,int64\nTaxiIn,float64\nTaxiOut,float64\nCancelled,bool\nDiverted,int64\n",
        plan: dtypes,
        group: "Inspecting",
    },
    Verb {
        name: "dtype",
        receivers: &[On::Series],
        form: Attribute,
        params: &[],
        signature: "s.dtype",
        summary: "The pandas dtype of the series.",
        example: "ddf.DepDelay.dtype",
        expected: "'float64'\n",
        plan: dtype,
        group: "Inspecting",
    },
    Verb {
        name: "name",
        receivers: &[On::Series],
        form: Attribute,
        params: &[],
        signature: "s.name",
        summary: "The series' name.",
        example: "ddf.DepDelay.name",
        expected: "'DepDelay'\n",
        plan: name,
        group: "Inspecting",
    },
    Verb {
        name: "shape",
        receivers: &[On::Frame, On::Series],
        form: Attribute,
        params: &[],
        signature: "df.shape",
        summary: "(rows, columns); the row count is computed.",
        example: "ddf.shape",
        expected: "(20800, 21)\n",
        plan: shape,
        group: "Inspecting",
    },
    Verb {
        name: "npartitions",
        receivers: &[On::Frame, On::Series],
        form: Attribute,
        params: &[],
        signature: "df.npartitions",
        summary: "Number of partitions (file blocks, as Dask counts them).",
        example: "ddf.npartitions",
        expected: "10\n",
        plan: npartitions,
        group: "Inspecting",
    },
    Verb {
        name: "head",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["n", "npartitions", "compute"],
        signature: "head(n=5)",
        summary: "The first n rows in file order.",
        example: "ddf[[\"Origin\", \"DepDelay\"]].head(3)",
        expected: "Origin,DepDelay\nJFK,0.0\nEWR,9.0\nJFK,-7.0\n",
        plan: head,
        group: "Inspecting",
    },
    Verb {
        name: "tail",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["n", "compute"],
        signature: "tail(n=5)",
        summary: "The last n rows in file order.",
        example: "ddf[[\"Origin\", \"DepDelay\"]].tail(3)",
        expected: "Origin,DepDelay\nEWR,-6.0\nJFK,-5.0\nLGA,24.0\n",
        plan: tail,
        group: "Inspecting",
    },
];

/// `len(value)`: rows of a frame or series (computed), items of a plain value.
fn len(planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [value] = args.params()?;
    if let Some(Value::Frame(frame) | Value::Series(Series { frame, .. })) = value.value()
        && let Some(over) = planner.group_window(frame)
    {
        // Inside a function run per group (`filter(lambda g: len(g) > 10)`): the group's size.
        let rows = Series {
            frame: frame.clone(),
            expr: lit(1i64),
            name: "len".into(),
            categories: None,
        };
        return Ok(Value::Series(window::broadcast(&rows, &over, Agg::Size)?));
    }
    match value.required()? {
        Value::Frame(frame) => Ok(Value::Scalar(groupby::row_count(frame)?)),
        Value::Series(series) => Ok(Value::Scalar(groupby::row_count(&series.frame)?)),
        // Inside `gb.apply(lambda g: len(g))` the function is given each group.
        Value::GroupBy(gb) if planner.is_applied_group(gb) => super::aggregating::group_sizes(gb),
        Value::GroupBy(gb) => super::grouping::group_count(gb),
        Value::List(items) | Value::Tuple(items) => Ok(Value::Int(items.len() as i64)),
        Value::Columns(names) | Value::CategoryIndex(names, _) => {
            Ok(Value::Int(names.len() as i64))
        }
        Value::Str(s) => Ok(Value::Int(s.chars().count() as i64)),
        Value::Dict(pairs) => Ok(Value::Int(pairs.len() as i64)),
        other => Err(value.invalid(format!("len() of {} is not defined", other.kind_name()))),
    }
}

/// `print(value)`: the value itself; printing is what a bare statement does anyway.
fn print(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [values, sep, end] = args.params()?;
    let text = |arg: super::Arg, default: &str| match arg.given() {
        None => Ok(default.to_string()),
        Some(Value::Str(s)) => Ok(s.clone()),
        Some(other) => Err(arg.invalid(format!(
            "`{}` must be a string, not {}",
            arg.name(),
            other.kind_name()
        ))),
    };
    let values = match values.value() {
        Some(Value::List(items)) => items.clone(),
        _ => Vec::new(),
    };
    Ok(Value::Action(Box::new(Action::Print {
        values,
        sep: text(sep, " ")?,
        end: text(end, "\n")?,
    })))
}

/// `df.columns`
fn columns(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    match receiver {
        Value::Frame(frame) => Ok(Value::Columns(frame.value_columns())),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `df.dtypes`: a series of pandas dtype names keyed by column name.
fn dtypes(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let Value::Frame(frame) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let columns = frame.value_columns();
    let names: Vec<String> = columns
        .iter()
        .map(|n| display_name(n).to_string())
        .collect();
    let types: Vec<String> = columns.iter().map(|n| column_dtype(&frame, n)).collect();
    series::literal_series(planner, "column", names, "dtype", types)
}

/// `df.info()` as Dask prints it without computing anything: the columns' span and how many
/// of each dtype (pandas' per-column non-null counts need a full pass; `df.count()` gives them).
fn info(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [_verbose] = args.params()?;
    let Value::Frame(frame) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let columns = frame.value_columns();
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for name in &columns {
        *counts.entry(column_dtype(&frame, name)).or_default() += 1;
    }
    let span = match (columns.first(), columns.last()) {
        (Some(first), Some(last)) => {
            format!(", {} to {}", display_name(first), display_name(last))
        }
        _ => String::new(),
    };
    let dtypes: Vec<String> = counts.iter().map(|(t, n)| format!("{t}({n})")).collect();
    let text = format!(
        "<class 'ddq.DataFrame'>\nColumns: {} entries{span}\ndtypes: {}",
        columns.len(),
        dtypes.join(", ")
    );
    Ok(Value::Action(Box::new(Action::Print {
        values: vec![Value::Str(text)],
        sep: String::new(),
        end: "\n".into(),
    })))
}

/// pandas' dtype of a frame's column: `category` for one assigned from a categorical, the
/// nullable dtype `convert_dtypes()` gave one.
fn column_dtype(frame: &Frame, name: &str) -> String {
    if crate::plan::cut::is_categorical(frame, name) {
        return "category".into();
    }
    let field = frame.df.schema().field_with_unqualified_name(name).ok();
    if let Some(tag) = field.and_then(|f| nullable_dtype(f)) {
        return tag.to_string();
    }
    pandas_dtype(&frame.data_type(name).unwrap_or(DataType::Null))
}

/// `s.dtype`
fn dtype(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    match receiver {
        Value::Series(s) if s.categories().is_some() => Ok(Value::Str("category".into())),
        // A column as it is, which may carry the nullable dtype `convert_dtypes()` gave it.
        Value::Series(Series {
            frame,
            expr: Expr::Column(c),
            ..
        }) => Ok(Value::Str(column_dtype(&frame, &c.name))),
        // A computed one may carry it too (`astype("Int64")`, arithmetic on such a column).
        Value::Series(s) => {
            let (_, field) = s.expr.to_field(s.frame.df.schema())?;
            Ok(Value::Str(match nullable_dtype(&field) {
                Some(tag) => tag.to_string(),
                None => pandas_dtype(field.data_type()),
            }))
        }
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `s.name`
fn name(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    match receiver {
        // An unnamed series (a groupby's size(), say) has pandas' None.
        Value::Series(s) if s.name.is_empty() => Ok(Value::None),
        Value::Series(s) => Ok(Value::Str(s.name)),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `df.shape` is (rows, columns), `s.shape` is (rows,); the row count is computed.
fn shape(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    match receiver {
        Value::Frame(frame) => Ok(Value::Tuple(vec![
            Value::Scalar(groupby::row_count(&frame)?),
            Value::Int(frame.value_columns().len() as i64),
        ])),
        Value::Series(s) => Ok(Value::Tuple(vec![Value::Scalar(groupby::row_count(
            &s.frame,
        )?)])),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `df.npartitions`
fn npartitions(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    match receiver {
        Value::Frame(frame) => Ok(Value::Int(frame.npartitions as i64)),
        Value::Series(s) => Ok(Value::Int(s.frame.npartitions as i64)),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `head(n=5)`; on a frame, as pandas, `head(-n)` is every row but the last n.
fn head(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [n, _npartitions, _compute] = args.params()?;
    let n = n.int_or(5)?;
    match receiver {
        Value::Frame(f) if n >= 0 => Ok(Value::Frame(order::head(&f, n as usize)?)),
        Value::Frame(f) => frame::rows_slice(&f, None, Some(n)).map(Value::Frame),
        Value::Series(s) => rows_of_series(s, |f, _| order::head(f, n.max(0) as usize)),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `tail(n=5)`; on a frame, `tail(-n)` is every row but the first n.
fn tail(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [n, _compute] = args.params()?;
    let n = n.int_or(5)?;
    match receiver {
        Value::Frame(f) if n >= 0 => Ok(Value::Frame(order::tail(&f, n as usize)?)),
        Value::Frame(f) => frame::rows_slice(&f, Some(-n), None).map(Value::Frame),
        Value::Series(s) => rows_of_series(s, |f, _| order::tail(f, n.max(0) as usize)),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// A series' rows chosen by a function of its one-column frame and that column, as a series
/// again.
pub(super) fn rows_of_series(
    s: Series,
    rows: impl FnOnce(&Frame, Expr) -> Result<Frame>,
) -> Result<Value> {
    let frame = series::to_frame(&s)?;
    let internal = frame.value_columns().pop().unwrap_or_default();
    let rows = rows(&frame, column(&internal))?;
    Ok(Value::Series(Series {
        categories: crate::plan::cut::column_categories(&rows, &internal),
        frame: rows,
        expr: column(&internal),
        name: s.name,
    }))
}

/// The bytes per row of a column of this type once in pandas: its numpy item size, or a
/// reference to a Python object (8) for text and other objects.
fn pandas_item_size(t: &DataType) -> i64 {
    match t {
        DataType::Boolean | DataType::Int8 | DataType::UInt8 => 1,
        DataType::Int16 | DataType::UInt16 | DataType::Float16 => 2,
        DataType::Int32 | DataType::UInt32 | DataType::Float32 => 4,
        _ => 8,
    }
}

/// The bytes of pandas' RangeIndex over `rows` rows: three Python ints, the stop growing a
/// word past 2**30.
fn range_index_bytes(rows: Expr) -> Result<Expr> {
    Ok(
        datafusion::logical_expr::when(rows.lt(lit(1i64 << 30)), lit(132i64))
            .otherwise(lit(136i64))?,
    )
}

/// `df.memory_usage(index=True, deep=False)`: pandas' shallow count, from the dtypes and the
/// number of rows alone; `deep=True` would weigh Python's string objects, which ddq has not.
fn memory_usage(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [index, deep] = args.params()?;
    let index = index.bool_or(true)?;
    if deep.bool_or(false)? {
        return Err(deep
            .invalid("deep=True counts the Python objects pandas would make of each string; ddq keeps none")
            .with_help("memory_usage() gives the shallow count; `cache` shows what ddq stores"));
    }
    let frame = match &receiver {
        Value::Frame(frame) => frame.clone(),
        Value::Series(s) if s.categories().is_some() => {
            return Err(DdqError::unsupported(
                "memory_usage() of a categorical series: pandas counts its codes and categories, which ddq does not hold",
            )
            .at(args.call_span));
        }
        Value::Series(s) => window::plain(s)?.frame,
        other => return Err(wrong_receiver(args, other)),
    };
    let rows = groupby::row_count(&frame)?.expr;
    let index_bytes = range_index_bytes(rows.clone())?;
    if let Value::Series(s) = &receiver {
        let t = ops::expr_type(&s.frame, &s.expr)?;
        let mut bytes = rows * lit(pandas_item_size(&t));
        if index {
            bytes = bytes + index_bytes;
        }
        return Ok(Value::Scalar(crate::plan::value::Scalar {
            expr: bytes,
            name: s.name.clone(),
        }));
    }
    let columns = frame.value_columns();
    if let Some(categorical) = columns
        .iter()
        .find(|n| crate::plan::cut::is_categorical(&frame, n))
    {
        return Err(DdqError::unsupported(format!(
            "memory_usage() of the categorical column `{categorical}`: pandas counts its codes and categories, which ddq does not hold"
        ))
        .at(args.call_span)
        .with_help("leave it out, e.g. `df.drop(columns=[...]).memory_usage()`"));
    }
    let mut names: Vec<String> = index.then(|| "Index".to_string()).into_iter().collect();
    names.extend(columns.iter().map(|n| display_name(n).to_string()));
    let mut sizes: Vec<String> = index.then(|| "0".to_string()).into_iter().collect();
    sizes.extend(
        columns
            .iter()
            .map(|n| pandas_item_size(&frame.data_type(n).unwrap_or(DataType::Null)).to_string()),
    );
    let Value::Series(listed) = series::literal_series(planner, "column", names, "size", sizes)?
    else {
        return Err(wrong_receiver(args, &receiver));
    };
    let per_row = datafusion::logical_expr::cast(listed.expr.clone(), DataType::Int64);
    let bytes = if index {
        datafusion::logical_expr::when(column("__ddq_colpos").eq(lit(0u64)), index_bytes)
            .otherwise(per_row * rows)?
    } else {
        per_row * rows
    };
    Ok(Value::Series(Series {
        expr: bytes,
        name: "memory_usage".into(),
        ..listed
    }))
}
