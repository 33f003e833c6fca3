//! Tables whose columns come from the data (`plan::pivot`): `pivot_table` (pandas' function
//! and Dask's method), `pivot`, `pd.crosstab` and `pd.get_dummies`.

use super::Form::Method;
use super::Receiver as On;
use super::{Arg, Args, Verb, wrong_receiver};
use crate::error::{DdqError, Result};
use crate::plan::groupby::{Agg, parse_agg};
use crate::plan::ops::is_text;
use crate::plan::ops::literal_scalar;
use crate::plan::pivot::{self, Normalize, PivotShape, PivotSpec};
use crate::plan::value::{Frame, Value, column};
use crate::plan::{Planner, check_columns};
use crate::types::dtype::parse_dtype;
use datafusion::arrow::datatypes::DataType;
use datafusion::functions::expr_fn::coalesce;
use datafusion::logical_expr::{cast, lit};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "pivot_table",
        receivers: &[On::Function],
        form: Method,
        params: &[
            "data",
            "values",
            "index",
            "columns",
            "aggfunc",
            "fill_value",
            "margins",
            "dropna",
            "margins_name",
        ],
        signature: "pd.pivot_table(df, values=\"col\" | [cols] | None, index=\"row\" | [rows], columns=\"col\", aggfunc=\"mean\" | [funcs], fill_value=None, margins=False, dropna=True)",
        summary: "One row per index key, one column per value of `columns` (sorted), each cell an aggregate of `values`; the column values are read from the data first. Several values (or none given: every other column) or functions give a block of columns each, named func_value_label; several columns keys one column per combination, label1_label2.",
        example: "pd.pivot_table(ddf, values=\"DepDelay\", index=\"Origin\", columns=\"DayOfWeek\", aggfunc=\"max\")",
        expected: "Origin,1,2,3,4,5,6,7\nEWR,336.0,641.0,387.0,1006.0,335.0,540.0,514.0\nJFK,312.0,284.0,173.0,407.0,170.0,446.0,161.0\nLGA,173.0,289.0,323.0,403.0,623.0,463.0,189.0\n",
        plan: pivot_table_function,
        group: "Reshaping",
    },
    Verb {
        name: "pivot_table",
        receivers: &[On::Frame],
        form: Method,
        params: &[
            "index",
            "columns",
            "values",
            "aggfunc",
            "fill_value",
            "margins",
            "dropna",
            "margins_name",
        ],
        signature: "pivot_table(index=\"row\", columns=\"col\", values=\"col\" | [cols] | None, aggfunc=\"mean\" | [funcs], fill_value=None, margins=False, dropna=True)",
        summary: "Dask's pivot_table (index, columns, values in that order): pandas' pd.pivot_table of this frame.",
        example: "ddf.pivot_table(index=\"Origin\", columns=\"Cancelled\", values=\"Distance\", aggfunc=\"count\")",
        expected: "Origin,False,True\nEWR,6949,144\nJFK,6712,128\nLGA,6741,126\n",
        plan: pivot_table_method,
        group: "Reshaping",
    },
    Verb {
        name: "pivot",
        receivers: &[On::Frame],
        form: Method,
        params: &["columns", "index", "values"],
        signature: "pivot(index=\"row\", columns=\"col\", values=\"col\" | [cols] | None)",
        summary: "Reshape without aggregating: one row per index value (the frame's index without index=), one column per value of `columns` (sorted); each pair must occur once. Without values= (or with a list) every other column gives a block of columns, named value_label.",
        example: "ddf.groupby([\"Origin\", \"Cancelled\"]).Distance.count().reset_index().pivot(index=\"Origin\", columns=\"Cancelled\", values=\"Distance\")",
        expected: "Origin,False,True\nEWR,6949,144\nJFK,6712,128\nLGA,6741,126\n",
        plan: pivot,
        group: "Reshaping",
    },
    Verb {
        name: "unstack",
        receivers: &[On::Series, On::Frame],
        form: Method,
        params: &["level", "fill_value"],
        signature: "unstack(level=-1, fill_value=None)",
        summary: "The index level `level` (the last by default) becomes the columns, one per value (sorted), the other levels the rows; a missing pair is missing (or fill_value). A frame's columns each give a block, named column_value.",
        example: "ddf.groupby([\"Origin\", \"Cancelled\"]).Distance.count().unstack()",
        expected: "Origin,False,True\nEWR,6949,144\nJFK,6712,128\nLGA,6741,126\n",
        plan: unstack,
        group: "Reshaping",
    },
    Verb {
        name: "crosstab",
        receivers: &[On::Function],
        form: Method,
        params: &[
            "index",
            "columns",
            "values",
            "aggfunc",
            "normalize",
            "margins",
            "margins_name",
        ],
        signature: "pd.crosstab(series, series, values=None, aggfunc=None, normalize=False, margins=False, margins_name=\"All\")",
        summary: "How many rows have each pair of values: the first series' values down the side, the second's across (0 where a pair never occurs). normalize=True (\"all\") gives shares of all rows, \"index\" of each row's, \"columns\" of each column's.",
        example: "pd.crosstab(ddf.Origin, ddf.Cancelled)",
        expected: "Origin,False,True\nEWR,6949,144\nJFK,6712,128\nLGA,6741,126\n",
        plan: crosstab,
        group: "Reshaping",
    },
    Verb {
        name: "get_dummies",
        receivers: &[On::Function],
        form: Method,
        params: &[
            "data",
            "prefix",
            "prefix_sep",
            "dummy_na",
            "columns",
            "sparse",
            "drop_first",
            "dtype",
        ],
        signature: "pd.get_dummies(series | frame, prefix=None, prefix_sep=\"_\", columns=None, drop_first=False, dtype=bool)",
        summary: "One indicator column per category (the distinct values, sorted, read from the data first; a categorical's own categories), True where the row holds it. A frame's text and categorical columns (or columns=) are replaced by theirs, named column_value, after the other columns.",
        example: "pd.get_dummies(ddf.Origin, prefix=\"key\").head(2)",
        expected: "key_EWR,key_JFK,key_LGA\nFalse,True,False\nTrue,False,False\n",
        plan: get_dummies,
        group: "Reshaping",
    },
];

/// `pd.get_dummies(data, prefix=None, prefix_sep="_", dummy_na=False, columns=None,
/// sparse=False, drop_first=False, dtype=bool)`
fn get_dummies(planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [
        data,
        prefix,
        prefix_sep,
        dummy_na,
        columns,
        sparse,
        drop_first,
        dtype,
    ] = args.params()?;
    if dummy_na.bool_or(false)? || sparse.bool_or(false)? {
        return Err(dummy_na
            .invalid("get_dummies with dummy_na=True or sparse=True is not supported")
            .with_help("mark missing values with a column of your own: s.isna()"));
    }
    let options = DummyOptions {
        sep: prefix_sep.str_or("_")?.to_string(),
        drop_first: drop_first.bool_or(false)?,
        dtype: dummy_type(dtype)?,
    };
    match data.required()?.clone().operand() {
        Value::Series(series) => {
            let prefix = match prefix.given() {
                None => None,
                Some(Value::Str(p)) => Some(p.clone()),
                Some(_) => return Err(prefix.invalid("a series' prefix is a string")),
            };
            let values = dummies(planner, &series, prefix.as_deref(), &options)
                .map_err(|e| e.at(data.span()))?;
            crate::plan::series::values_frame(&series.frame, values).map(Value::Frame)
        }
        Value::Frame(frame) => {
            let encoded = match columns.names()? {
                Some(names) => {
                    check_columns(&frame, &names)?;
                    names
                }
                None => text_columns(&frame)?,
            };
            let prefixes = frame_prefixes(prefix, &encoded)?;
            let mut values: Vec<(String, datafusion::logical_expr::Expr)> = frame
                .value_columns()
                .into_iter()
                .filter(|c| !encoded.contains(c))
                .map(|c| (c.clone(), column(&c)))
                .collect();
            for (name, prefix) in encoded.iter().zip(&prefixes) {
                let series = crate::plan::column_series(&frame, name)?;
                values.extend(dummies(planner, &series, Some(prefix), &options)?);
            }
            crate::plan::series::values_frame(&frame, values).map(Value::Frame)
        }
        other => Err(data.invalid(format!(
            "get_dummies takes a series or a frame, not {}",
            other.kind_name()
        ))),
    }
}

/// How `get_dummies` names and types its columns.
struct DummyOptions {
    sep: String,
    drop_first: bool,
    dtype: DataType,
}

/// `dtype=`: bool (pandas' default), or numbers.
fn dummy_type(dtype: Arg) -> Result<DataType> {
    let name = match dtype.given() {
        None => return Ok(DataType::Boolean),
        Some(Value::Str(name)) => name.clone(),
        Some(Value::Module(name)) => name.clone(),
        Some(_) => {
            return Err(dtype.invalid("dtype is a name such as \"bool\", \"int64\" or \"float64\""));
        }
    };
    match name.rsplit('.').next().unwrap_or_default() {
        "bool" => Ok(DataType::Boolean),
        other => parse_dtype(other)
            .filter(DataType::is_numeric)
            .ok_or_else(|| {
                dtype.invalid(format!(
                    "get_dummies makes bool or numeric columns, not {name}"
                ))
            }),
    }
}

/// The indicator columns of one series: its categories (learnt from the data unless it is
/// categorical already), each named `prefix{sep}category` or the category alone.
fn dummies(
    planner: &Planner,
    series: &crate::plan::value::Series,
    prefix: Option<&str>,
    options: &DummyOptions,
) -> Result<Vec<(String, datafusion::logical_expr::Expr)>> {
    let categorical = match series.categories() {
        Some(_) => series.clone(),
        None => super::categorical::categorical_of_values(planner, series)?,
    };
    let Some(categories) = categorical.categories.as_deref() else {
        return Err(DdqError::execution(
            "internal error: get_dummies found no categories",
        ));
    };
    let skip = usize::from(options.drop_first);
    Ok(categories
        .labels
        .iter()
        .enumerate()
        .skip(skip)
        .map(|(i, label)| {
            let name = match prefix {
                Some(prefix) => format!("{prefix}{}{label}", options.sep),
                None => label.clone(),
            };
            let hit = coalesce(vec![categories.code.clone().eq(lit(i as i64)), lit(false)]);
            (name, cast(hit, options.dtype.clone()))
        })
        .collect())
}

/// A frame's columns get_dummies encodes by default: text and categorical ones.
fn text_columns(frame: &Frame) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for name in frame.value_columns() {
        let t = frame.data_type(&name).unwrap_or(DataType::Null);
        if is_text(&t) || crate::plan::cut::is_categorical(frame, &name) {
            names.push(name);
        }
    }
    Ok(names)
}

/// A frame's prefixes: the column names, one string for all, a list in column order or a dict
/// by column.
fn frame_prefixes(prefix: Arg, encoded: &[String]) -> Result<Vec<String>> {
    match prefix.given() {
        None => Ok(encoded.to_vec()),
        Some(Value::Str(p)) => Ok(vec![p.clone(); encoded.len()]),
        Some(Value::List(items)) if items.len() == encoded.len() => items
            .iter()
            .map(|item| match item {
                Value::Str(p) => Ok(p.clone()),
                _ => Err(prefix.invalid("prefixes are strings")),
            })
            .collect(),
        Some(Value::Dict(pairs)) => encoded
            .iter()
            .map(|name| {
                match pairs
                    .iter()
                    .find(|(k, _)| matches!(k, Value::Str(k) if k == name))
                {
                    Some((_, Value::Str(p))) => Ok(p.clone()),
                    _ => Err(prefix.invalid(format!("prefix has no string for column `{name}`"))),
                }
            })
            .collect(),
        Some(_) => Err(prefix.invalid(format!(
            "prefix is a string, or a list or dict with one per encoded column ({})",
            encoded.len()
        ))),
    }
}

/// `pd.pivot_table(df, values=, index=, columns=, aggfunc=, fill_value=)`
fn pivot_table_function(planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    // After the frame, the parameters in the order pivot_table() reads them.
    let [data, parts @ ..] = args.params::<9>()?;
    let frame = match data.required()? {
        Value::Frame(f) => f,
        other => {
            return Err(data.invalid(format!(
                "pivot_table takes a frame first, not {}",
                other.kind_name()
            )));
        }
    };
    pivot_table(planner, frame, parts)
}

/// `ddf.pivot_table(index=, columns=, values=, aggfunc=)`
fn pivot_table_method(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [
        index,
        columns,
        values,
        aggfunc,
        fill_value,
        margins,
        dropna,
        total,
    ] = args.params()?;
    let Value::Frame(frame) = &receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let parts = [
        values, index, columns, aggfunc, fill_value, margins, dropna, total,
    ];
    pivot_table(planner, frame, parts)
}

/// Reads pivot_table's arguments (values, index, columns, aggfunc, fill_value, margins,
/// dropna) and plans it.
fn pivot_table(planner: &Planner, frame: &Frame, args: [Arg; 8]) -> Result<Value> {
    // `total` is margins_name, the label of the totals.
    let [
        values,
        index,
        columns,
        aggfunc,
        fill_value,
        margins,
        dropna,
        total,
    ] = args;
    let margins = match margins.bool_or(false)? {
        false => None,
        true => Some(total.str_or("All")?.to_string()),
    };
    let keep_empty = !dropna.bool_or(true)?;
    if keep_empty && margins.is_some() {
        return Err(dropna.invalid(
            "dropna=False together with margins=True is not supported; each works on its own",
        ));
    }
    let (frame, index_names) = &binned_index(frame, index)?;
    // Without columns= pandas gives the grouped table (`pivot::without_columns`).
    let column_names = columns.names()?.unwrap_or_default();
    let (value_names, values_listed) = match values.given() {
        Some(Value::List(_) | Value::Tuple(_)) => (values.names()?.unwrap_or_default(), true),
        // Without values= pandas aggregates every other column, as if they were listed.
        None => {
            let rest = frame
                .value_columns()
                .into_iter()
                .filter(|c| !index_names.contains(c) && !column_names.contains(c))
                .collect();
            (rest, true)
        }
        _ => (
            vec![one_name(
                values,
                "values",
                "pivot_table needs values=\"column\" to aggregate",
            )?],
            false,
        ),
    };
    let (aggs, aggs_listed) = pivot_aggregations(aggfunc)?;
    if value_names.is_empty() {
        return Err(values.invalid("pivot_table needs at least one column in values="));
    }
    if aggs.is_empty() {
        return Err(aggfunc.invalid("pivot_table needs at least one aggregation in aggfunc="));
    }
    let spec = PivotSpec {
        values: value_names,
        values_listed,
        index: index_names.clone(),
        columns: column_names,
        aggs,
        aggs_listed,
        fill_value: match fill_value.given() {
            None => None,
            Some(v) => Some(literal_scalar(v).ok_or_else(|| {
                fill_value.invalid("fill_value must be a number, a string or a boolean")
            })?),
        },
        margins,
        dropna: !keep_empty,
    };
    if spec.margins.is_some() && spec.columns.len() > 1 {
        return Err(
            DdqError::unsupported("pivot_table(margins=True) with several columns= keys")
                .with_help("give one column, or leave out margins"),
        );
    }
    let mut named = spec.index.clone();
    named.extend(spec.values.iter().cloned());
    named.extend(spec.columns.iter().cloned());
    check_columns(frame, &named)?;
    pivot::pivot_table(planner, frame, &spec).map(Value::Frame)
}

/// pivot_table's `aggfunc`: one name ("mean" when left out), or a list of them (then each
/// gives a block of columns, which the second value says).
fn pivot_aggregations(aggfunc: Arg) -> Result<(Vec<Agg>, bool)> {
    match aggfunc.value() {
        Some(Value::List(items) | Value::Tuple(items)) => {
            let aggs = items
                .iter()
                .map(|item| match item {
                    Value::Str(name) => parse_agg(name).map_err(|e| e.at(aggfunc.span())),
                    other => Err(aggfunc.invalid(format!(
                        "aggfunc lists names of aggregations, not {}",
                        other.kind_name()
                    ))),
                })
                .collect::<Result<Vec<_>>>()?;
            Ok((aggs, true))
        }
        _ => {
            let agg = parse_agg(aggfunc.str_or("mean")?).map_err(|e| e.at(aggfunc.span()))?;
            Ok((vec![agg], false))
        }
    }
}

/// pivot_table's index keys: column names, or `pd.Grouper(key=, freq=)`s, whose column then
/// holds the label of each row's time bin.
fn binned_index(frame: &Frame, index: Arg) -> Result<(Frame, Vec<String>)> {
    let items = match index.given() {
        Some(Value::Grouper(_)) => vec![index.required()?.clone()],
        Some(Value::List(items) | Value::Tuple(items))
            if items.iter().any(|i| matches!(i, Value::Grouper(_))) =>
        {
            items.clone()
        }
        _ => {
            let names = index
                .names()?
                .ok_or_else(|| index.invalid("pivot_table needs index=\"column\" (or a list)"))?;
            return Ok((frame.clone(), names));
        }
    };
    let mut binned = frame.clone();
    let mut names = Vec::new();
    for item in items {
        match item {
            Value::Str(name) => names.push(name),
            Value::Grouper(grouper) => {
                let key = match &grouper.key {
                    Some(key) => key.clone(),
                    None => crate::plan::index::single_index(frame, "Grouper")?,
                };
                check_columns(&binned, std::slice::from_ref(&key))?;
                if let Some(freq) = &grouper.freq {
                    binned = crate::plan::resample::with_bin_labels(&binned, &key, freq)
                        .map_err(|e| e.at(index.span()))?;
                }
                names.push(key);
            }
            other => {
                return Err(index.invalid(format!(
                    "index= takes column names and pd.Grouper()s, not {}",
                    other.kind_name()
                )));
            }
        }
    }
    Ok((binned, names))
}

/// One column name; a list of several would give pandas' two-level rows or columns of
/// column values, which ddq lacks.
fn one_name(arg: Arg, what: &str, missing: &str) -> Result<String> {
    match arg.names()?.as_deref() {
        Some([one]) => Ok(one.clone()),
        None => Err(arg.invalid(missing)),
        Some(_) => Err(arg.invalid(format!(
            "{what}= takes one column here: several give pandas' two-level columns, which ddq does not have"
        ))
        .with_help("make one table per column")),
    }
}

/// `df.pivot(index=, columns=, values=)` (keywords, as pandas 2 takes them).
fn pivot(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [columns, index, values] = args.params()?;
    let Value::Frame(frame) = &receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let columns = one_name(columns, "columns", "pivot needs columns=\"column\"")?;
    // Without index= pandas keeps the frame's own index.
    let index = match index.names()? {
        Some(names) => names,
        None if frame.index_columns > 0 => frame.key_columns(),
        None => {
            return Err(index
                .invalid("pivot needs index=\"column\" (a column of the frame)")
                .with_help("or set_index(\"column\") first"));
        }
    };
    // Without values= every other column is spread, each a block of columns.
    let (values, prefixed) = match values.value() {
        Some(Value::List(_) | Value::Tuple(_)) => (values.names()?.unwrap_or_default(), true),
        Some(_) => (
            vec![one_name(values, "values", "pivot needs values=\"column\"")?],
            false,
        ),
        None => {
            let rest = frame
                .value_columns()
                .into_iter()
                .filter(|c| *c != columns && !index.contains(c))
                .collect();
            (rest, true)
        }
    };
    let mut named = index.clone();
    named.push(columns.clone());
    named.extend(values.iter().cloned());
    check_columns(frame, &named)?;
    let shape = PivotShape {
        index,
        columns,
        values,
        prefixed,
    };
    pivot::pivot(planner, frame, &shape, None).map(Value::Frame)
}

/// `s.unstack(level=-1, fill_value=None)` and a frame's: the index level `level` (the last by
/// default) becomes the columns, one per value, as `pivot` makes them; a frame's value columns
/// each give a block of them, named `value_label`.
fn unstack(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [level, fill_value] = args.params()?;
    let (frame, values, prefixed) = match &receiver {
        Value::Series(s) => {
            let frame = crate::plan::series::to_frame(s)?;
            let values = frame.value_columns();
            (frame, values, false)
        }
        Value::Frame(f) => (f.clone(), f.value_columns(), true),
        other => return Err(wrong_receiver(args, other)),
    };
    let mut keys = frame.key_columns();
    if keys.len() < 2 {
        return Err(DdqError::unsupported(format!(
            "unstack() of {} index level(s): ddq unstacks an index of two or more levels into columns",
            keys.len()
        ))
        .at(args.call_span)
        .with_help("group by two keys first, e.g. ddf.groupby([\"Origin\", \"DayOfWeek\"]).DepDelay.mean().unstack()"));
    }
    let at = match level.given() {
        None => keys.len() - 1,
        Some(Value::Int(i)) if (-(keys.len() as i64)..keys.len() as i64).contains(i) => {
            i.rem_euclid(keys.len() as i64) as usize
        }
        Some(Value::Str(name)) => keys.iter().position(|k| k == name).ok_or_else(|| {
            level.invalid(format!("the index has no level `{name}`; it has {keys:?}"))
        })?,
        Some(_) => {
            return Err(level.invalid(format!(
                "level must be a level's name or its number (0 to {})",
                keys.len() - 1
            )));
        }
    };
    let columns = keys.remove(at);
    let fill = match fill_value.given() {
        None => None,
        Some(v) => Some(datafusion::logical_expr::lit(
            literal_scalar(v).ok_or_else(|| {
                fill_value.invalid("fill_value must be a number, a string or a boolean")
            })?,
        )),
    };
    let shape = PivotShape {
        index: keys,
        columns,
        values,
        prefixed,
    };
    pivot::pivot(planner, &frame, &shape, fill).map(Value::Frame)
}

/// `pd.crosstab(a, b)`: counts of each pair.
fn crosstab(planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [
        index,
        columns,
        values,
        aggfunc,
        normalize_arg,
        margins,
        margins_name,
    ] = args.params()?;
    let normalize = match normalize_arg.value() {
        None | Some(Value::Bool(false)) => None,
        Some(Value::Bool(true)) => Some(Normalize::All),
        Some(Value::Str(how)) if how == "all" => Some(Normalize::All),
        Some(Value::Str(how)) if how == "index" => Some(Normalize::Index),
        Some(Value::Str(how)) if how == "columns" => Some(Normalize::Columns),
        Some(Value::Int(0)) => Some(Normalize::Index),
        Some(Value::Int(1)) => Some(Normalize::Columns),
        Some(_) => {
            return Err(normalize_arg.invalid(
                "normalize must be True, False, \"all\", \"index\" (0) or \"columns\" (1)",
            ));
        }
    };
    let series = |arg: Arg| match arg.required()? {
        Value::Series(s) => Ok(s.clone()),
        other => Err(arg.invalid(format!(
            "crosstab takes two series, e.g. pd.crosstab(ddf.Origin, ddf.Dest), not {}",
            other.kind_name()
        ))),
    };
    let (rows, columns_series) = (series(index)?, series(columns)?);
    let margins = match margins.bool_or(false)? {
        true => Some(margins_name.str_or("All")?.to_string()),
        false => None,
    };
    if values.given().is_none() && aggfunc.given().is_none() && margins.is_none() {
        return pivot::crosstab(planner, &rows, &columns_series, normalize).map(Value::Frame);
    }
    let (cells, agg) = match (values.given(), aggfunc.given()) {
        // Counts with margins: a pivot table of the pairs' sizes, 0 where a pair never occurs.
        (None, None) => (rows.clone(), Agg::Size),
        (Some(_), Some(Value::Str(name))) => (
            series(values)?,
            parse_agg(name).map_err(|e| e.at(aggfunc.span()))?,
        ),
        _ => {
            return Err(values.invalid(
                "crosstab takes values= and aggfunc= together, aggfunc a name such as \"sum\"",
            ));
        }
    };
    let table = pivot::crosstab_of_values(
        planner,
        &rows,
        &columns_series,
        &cells,
        agg,
        margins.clone(),
    )?;
    match (normalize, margins) {
        (None, _) => Ok(Value::Frame(table)),
        (Some(how), None) => pivot::normalized(table, how).map(Value::Frame),
        (Some(Normalize::All), Some(name)) => {
            pivot::normalized_with_margins(table, &name).map(Value::Frame)
        }
        (Some(_), Some(_)) => Err(normalize_arg
            .invalid("normalize=\"index\" or \"columns\" with margins=True is not supported")
            .with_help("normalize=True (shares of the grand total) works with margins")),
    }
}
