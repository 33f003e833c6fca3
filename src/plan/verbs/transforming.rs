//! Making new values from old: columns added, cast, renamed or dropped (`assign`, `astype`,
//! `rename`, `drop`), order (`sort_values`), arithmetic (`abs`, `round`), missing values
//! (`dropna`, `fillna`, `isna`, `notna`), comparisons (`isin`, `between`) and combining frames
//! (`merge`, `concat`).

use super::Form::Method;
use super::Receiver as On;
use super::inspecting::rows_of_series;
use super::{Arg, Args, Verb, wrong_receiver};
use crate::error::Result;
use crate::plan::frame::{self, JoinArgs, MergeArgs};
use crate::plan::ops::{expr_type, is_numeric, is_text, literal_expr, numpy_round};
use crate::plan::project::Project;
use crate::plan::value::column;
use crate::plan::value::{Frame, Scalar, Series, Value};
use crate::plan::{Planner, groupby, index, nullable, series, window};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::DFSchema;
use datafusion::functions::expr_fn as f;
use datafusion::logical_expr::{Expr, ExprSchemable, cast, in_list, lit};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "assign",
        receivers: &[On::Frame],
        form: Method,
        params: &["**columns"],
        signature: "assign(name=expr, ...)",
        summary: "Add or replace columns.",
        example: "ddf.assign(Gain=ddf.DepDelay - ddf.ArrDelay)[[\"DepDelay\", \"ArrDelay\", \"Gain\"]].head(3)",
        expected: "DepDelay,ArrDelay,Gain\n0.0,0.0,0.0\n9.0,16.0,-7.0\n-7.0,-26.0,19.0\n",
        plan: assign,
        group: "Transforming",
    },
    Verb {
        name: "astype",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["dtype"],
        signature: "astype(dtype | {col: dtype})",
        summary: "Convert to another dtype.",
        example: "ddf.Distance.astype(\"float64\").head(3)",
        expected: "Distance\n213.0\n717.0\n2580.0\n",
        plan: astype,
        group: "Transforming",
    },
    Verb {
        name: "convert_dtypes",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &[
            "infer_objects",
            "convert_string",
            "convert_integer",
            "convert_boolean",
            "convert_floating",
            "dtype_backend",
        ],
        signature: "convert_dtypes()",
        summary: "pandas' nullable dtypes: integers Int64, floats Int64 when every value is a whole number (else Float64), text string, booleans boolean; a missing value reads <NA>.",
        example: "ddf[[\"DepDelay\", \"Distance\", \"Origin\"]].convert_dtypes().dtypes",
        expected: "column,dtype\nDepDelay,Int64\nDistance,Int64\nOrigin,string\n",
        plan: convert_dtypes,
        group: "Transforming",
    },
    Verb {
        name: "rename",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["columns", "index"],
        signature: "rename(columns={old: new})",
        summary: "Rename columns (or a series).",
        example: "ddf[[\"DepDelay\", \"Origin\"]].rename(columns={\"DepDelay\": \"delay\"}).columns",
        expected: "column\ndelay\nOrigin\n",
        plan: rename,
        group: "Transforming",
    },
    Verb {
        name: "to_frame",
        receivers: &[On::Series],
        form: Method,
        params: &["name"],
        signature: "to_frame(name=None)",
        summary: "The series as a one-column frame, keeping its index; the column named as the series (or `name`).",
        example: "ddf.groupby(\"Origin\").DepDelay.max().to_frame(\"worst\")",
        expected: "Origin,worst\nEWR,1006.0\nJFK,446.0\nLGA,623.0\n",
        plan: to_frame,
        group: "Transforming",
    },
    Verb {
        name: "drop",
        receivers: &[On::Frame],
        form: Method,
        params: &["labels", "axis", "columns"],
        signature: "drop(columns=[...])",
        summary: "Remove columns.",
        example: "ddf[[\"DepDelay\", \"Origin\", \"TailNum\"]].drop(columns=[\"TailNum\"]).columns",
        expected: "column\nDepDelay\nOrigin\n",
        plan: drop,
        group: "Transforming",
    },
    Verb {
        name: "sort_values",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["by", "ascending", "na_position", "key"],
        signature: "sort_values(by, ascending=True, na_position=\"last\", key=None)",
        summary: "Sort rows (stable: ties keep file order); `key` is a function of each sorted column, e.g. `key=lambda c: c.str.lower()`.",
        example: "ddf.sort_values(\"DepDelay\", ascending=False)[[\"Origin\", \"DepDelay\"]].head(3)",
        expected: "Origin,DepDelay\nEWR,1006.0\nEWR,641.0\nLGA,623.0\n",
        plan: sort_values,
        group: "Transforming",
    },
    Verb {
        name: "abs",
        receivers: &[On::Series, On::Frame],
        form: Method,
        params: &[],
        signature: "abs()",
        summary: "Absolute values, of a series or of every column of a numeric frame.",
        example: "ddf.DepDelay.abs().max()",
        expected: "1006.0\n",
        plan: abs,
        group: "Transforming",
    },
    Verb {
        name: "round",
        receivers: &[On::Frame, On::Series, On::Scalar],
        form: Method,
        params: &["decimals"],
        signature: "round(decimals=0)",
        summary: "Round to the given number of decimals, halves to even as numpy does; integers stay integers, and a frame rounds its numeric columns.",
        example: "ddf.DepDelay.mean().round(2)",
        expected: "8.88\n",
        plan: round,
        group: "Transforming",
    },
    Verb {
        name: "dropna",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["how", "subset", "axis", "thresh"],
        signature: "dropna(how=\"any\", subset=None, axis=0, thresh=None)",
        summary: "Rows without missing values (in subset), or with at least `thresh` values; with axis=1, the columns without (the data is read once to find them).",
        example: "len(ddf.dropna(subset=[\"TailNum\"]))",
        expected: "10656\n",
        plan: dropna,
        group: "Missing values",
    },
    Verb {
        name: "fillna",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["value"],
        signature: "fillna(value | {col: value})",
        summary: "Replace missing values.",
        example: "ddf.DepDelay.fillna(0).mean()",
        expected: "8.712163461538461\n",
        plan: fillna,
        group: "Missing values",
    },
    Verb {
        name: "replace",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["to_replace", "value"],
        signature: "replace(to_replace, value) | replace({old: new, ...})",
        summary: "Values equal to to_replace (a value, a list, or a dict's keys) replaced; np.nan matches missing values.",
        example: "ddf.Origin.replace({\"JFK\": \"J\", \"LGA\": \"L\"}).unique()",
        expected: "Origin\nJ\nEWR\nL\n",
        plan: replace,
        group: "Missing values",
    },
    Verb {
        name: "isna",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &[],
        signature: "isna()",
        summary: "True where a value is missing.",
        example: "ddf.TailNum.isna().sum()",
        expected: "10144\n",
        plan: isna,
        group: "Missing values",
    },
    Verb {
        name: "isnull",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &[],
        signature: "isnull()",
        summary: "Same as isna().",
        example: "ddf.TailNum.isnull().sum()",
        expected: "10144\n",
        plan: isna,
        group: "Missing values",
    },
    Verb {
        name: "notna",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &[],
        signature: "notna()",
        summary: "True where a value is present.",
        example: "ddf.TailNum.notna().sum()",
        expected: "10656\n",
        plan: notna,
        group: "Missing values",
    },
    Verb {
        name: "notnull",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &[],
        signature: "notnull()",
        summary: "Same as notna().",
        example: "ddf.TailNum.notnull().sum()",
        expected: "10656\n",
        plan: notna,
        group: "Missing values",
    },
    Verb {
        name: "melt",
        receivers: &[On::Frame],
        form: Method,
        params: &["id_vars", "value_vars", "var_name", "value_name"],
        signature: "melt(id_vars=None, value_vars=None, var_name=\"variable\", value_name=\"value\")",
        summary: "Unpivot: one row per (row, value column), the column's name in `variable` and its value in `value`.",
        example: "ddf[[\"FlightNum\", \"DepDelay\", \"ArrDelay\"]].head(2).melt(id_vars=\"FlightNum\")",
        expected: "FlightNum,variable,value\n1279,DepDelay,0.0\n714,DepDelay,9.0\n1279,ArrDelay,0.0\n714,ArrDelay,16.0\n",
        plan: melt,
        group: "Transforming",
    },
    Verb {
        name: "isin",
        receivers: &[On::Series, On::Frame],
        form: Method,
        params: &["values"],
        signature: "isin([values])",
        summary: "True where the value is in the list.",
        example: "ddf[ddf.Dest.isin([\"JFK\", \"EWR\", \"LGA\"])].Dest.unique()",
        expected: "Dest\nEWR\nJFK\nLGA\n",
        plan: isin,
        group: "Comparing",
    },
    Verb {
        name: "between",
        receivers: &[On::Series],
        form: Method,
        params: &["left", "right", "inclusive"],
        signature: "between(left, right, inclusive=\"both\")",
        summary: "True where left <= value <= right.",
        example: "ddf[ddf.DepDelay.between(0, 10)].DepDelay.count()",
        expected: "8235\n",
        plan: between,
        group: "Comparing",
    },
    Verb {
        name: "merge",
        receivers: &[On::Frame],
        form: Method,
        params: &[
            "right",
            "how",
            "on",
            "left_on",
            "right_on",
            "suffixes",
            "indicator",
            "left_index",
            "right_index",
        ],
        signature: "merge(right, on=, how=\"inner\", left_on=, right_on=, suffixes=(\"_x\", \"_y\"), indicator=False, left_index=False, right_index=False)",
        summary: "Join with another frame on key columns; left_index=True with right_index=True matches the two indexes (kept), left_on= with right_index=True matches columns against the right's index (the left's labels kept).",
        example: "ddf.merge(ddf.groupby(\"Dest\").DepDelay.mean().rename(\"MeanDelay\"), on=\"Dest\")[[\"Dest\", \"DepDelay\", \"MeanDelay\"]].head(3)",
        expected: "Dest,DepDelay,MeanDelay\nDCA,0.0,7.832665330661323\nORD,9.0,9.027459954233409\nSFO,-7.0,9.421052631578947\n",
        plan: merge,
        group: "Combining",
    },
    Verb {
        name: "join",
        receivers: &[On::Frame],
        form: Method,
        params: &["other", "on", "how", "lsuffix", "rsuffix"],
        signature: "join(other, on=None, how=\"left\", lsuffix=\"\", rsuffix=\"\")",
        summary: "Add the columns of a frame or series indexed by key, matching its index against `on`'s columns (or this frame's index); two frames without an index match on their row labels.",
        example: "ddf[[\"Dest\", \"DepDelay\"]].head(3).join(ddf.groupby(\"Dest\").Distance.max(), on=\"Dest\")",
        expected: "Dest,DepDelay,Distance\nDCA,0.0,214\nORD,9.0,738\nSFO,-7.0,2580\n",
        plan: join,
        group: "Combining",
    },
    Verb {
        name: "combine_first",
        receivers: &[On::Frame],
        form: Method,
        params: &["other"],
        signature: "combine_first(other)",
        summary: "Each cell from this frame, or from `other` where this one is missing; rows matched on their index or row labels (every label of either, sorted), columns of both (sorted by name).",
        example: "ddf[[\"DepDelay\", \"AirTime\"]].head(2).combine_first(ddf[[\"AirTime\", \"ArrDelay\"]].head(3).fillna(-1))",
        expected: "AirTime,ArrDelay,DepDelay\n-1.0,0.0,0.0\n-1.0,16.0,9.0\n-1.0,-26.0,\n",
        plan: combine_first,
        group: "Combining",
    },
    Verb {
        name: "stack",
        receivers: &[On::Frame],
        form: Method,
        params: &["dropna"],
        signature: "stack()",
        summary: "A series of every cell: keyed by the row's index (or row label) and then the column's name, in row order then column order, missing cells left out.",
        example: "ddf.groupby(\"Origin\")[[\"DepDelay\", \"ArrDelay\"]].max().stack().head(3)",
        expected: "Origin,,0\nEWR,DepDelay,1006.0\nEWR,ArrDelay,1003.0\nJFK,DepDelay,446.0\n",
        plan: stack,
        group: "Reshaping",
    },
    Verb {
        name: "explode",
        receivers: &[On::Frame],
        form: Method,
        params: &["column", "ignore_index"],
        signature: "explode(column, ignore_index=False)",
        summary: "A row per element of each list in `column` (as str.split makes), the other columns repeated, the row's label kept; an empty or missing list gives one missing value.",
        example: "df = ddf[[\"TailNum\", \"FlightNum\"]].dropna().head(2); df.assign(TailNum=df.TailNum.str.split(\"N\")).explode(\"TailNum\")",
        expected: "TailNum,FlightNum\n,1375\n616CO,1375\n,1213\n125AA,1213\n",
        plan: explode,
        group: "Reshaping",
    },
    Verb {
        name: "concat",
        receivers: &[On::Function],
        form: Method,
        params: &["objs", "ignore_index", "axis", "join", "keys"],
        signature: "concat([frame, ...], axis=0, join=\"outer\", ignore_index=False, keys=None)",
        summary: "Stack frames with the same columns, one after another, each keeping its labels (keys= adds an outer index level naming each part). axis=1 puts frames side by side, rows matched on their index or row labels: every label (join=\"inner\": those all share), the first frame's in order, then the others' new ones.",
        example: "concat([ddf.head(2), ddf.tail(2)])[[\"Date\", \"Origin\"]]",
        expected: "Date,Origin\n1990-01-01,JFK\n1990-01-01,EWR\n1999-12-31,JFK\n1999-12-31,LGA\n",
        plan: concat,
        group: "Combining",
    },
];

/// The series with its values replaced by `expr`, over the same rows.
fn with_expr(s: Series, expr: Expr) -> Value {
    Value::Series(Series { expr, ..s })
}

/// `expr`, computed value by value from `s`, keeping its nullable dtype (see
/// [`nullable::with_dtype_kept`]).
fn with_dtype_kept(s: Series, expr: Expr) -> Result<Value> {
    Ok(Value::Series(nullable::with_dtype_kept(s, expr)?))
}

/// `assign(name=expr, ...)`
fn assign(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [_columns] = args.params()?;
    match receiver {
        Value::Frame(f) => {
            // `assign(k=lambda d: ...)`: the function is given the frame.
            let mut extra = Vec::with_capacity(args.extra.len());
            for (ident, value) in &args.extra {
                let value = match value {
                    Value::Lambda(lambda) => planner
                        .apply_lambda(lambda, vec![Value::Frame(f.clone())])
                        .map_err(|e| e.at(ident.span))?,
                    other => other.clone(),
                };
                extra.push((ident.clone(), value));
            }
            frame::assign(&f, &extra)
        }
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `convert_dtypes()` with pandas' defaults: each column as the nullable dtype its values fit
/// ([`nullable`]); a categorical stays as it is.
fn convert_dtypes(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [flags @ .., backend] = args.params::<6>()?;
    for flag in flags {
        if !flag.bool_or(true)? {
            return Err(flag
                .invalid(format!(
                    "convert_dtypes() converts every kind of column; `{}=False` is not supported",
                    flag.name()
                ))
                .with_help("convert the columns wanted: `df[cols].convert_dtypes()`"));
        }
    }
    if !matches!(backend.str_opt()?, None | Some("numpy_nullable")) {
        return Err(
            backend.invalid("only dtype_backend=\"numpy_nullable\" (pandas' default) is supported")
        );
    }
    let (frame, columns) = match &receiver {
        Value::Frame(f) => {
            let columns = f.value_columns().into_iter().map(|name| {
                let t = f
                    .data_type(&name)
                    .filter(|_| !crate::plan::cut::is_categorical(f, &name));
                (name.clone(), column(&name), t)
            });
            (f.clone(), columns.collect())
        }
        Value::Series(s) => {
            let t = expr_type(&s.frame, &s.expr)?;
            let t = Some(t).filter(|_| s.categories.is_none());
            (s.frame.clone(), vec![(s.name.clone(), s.expr.clone(), t)])
        }
        other => return Err(wrong_receiver(args, other)),
    };
    let exprs = nullable::convert_columns(planner, &frame, columns)?;
    let converted = frame::project_values(&frame, exprs)?;
    match (receiver, converted) {
        (Value::Series(s), Value::Frame(f)) => {
            Ok(Value::Series(crate::plan::column_series(&f, &s.name)?))
        }
        (_, converted) => Ok(converted),
    }
}

/// `astype("float64")`, or on a frame `astype({"col": "float64"})`.
fn astype(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [dtype] = args.params()?;
    match receiver {
        Value::Frame(f) => frame_astype(planner, f, dtype),
        Value::Series(s) => match dtype.value() {
            Some(target) => series_astype(planner, s, target, dtype),
            None => Err(dtype.invalid("astype() takes a dtype name such as \"float64\"")),
        },
        other => Err(wrong_receiver(args, &other)),
    }
}

/// A series as `target` (a dtype name or a `pd.CategoricalDtype`): categoricals take their
/// categories from the data (asked of the engine), other dtypes are a cast.
fn series_astype(planner: &Planner, s: Series, target: &Value, dtype: Arg) -> Result<Value> {
    if let Value::CategoricalDtype(categorical) = target {
        let s = super::categorical::categorical_of_dtype(planner, &s, categorical);
        return s.map(Value::Series).map_err(|e| e.at(dtype.span()));
    }
    let Value::Str(name) = target else {
        return Err(dtype.invalid("astype() takes a dtype name such as \"float64\""));
    };
    let t = expr_type(&s.frame, &s.expr)?;
    let datetime = matches!(t, DataType::Timestamp(..));
    if name == "category" && (is_text(&t) || is_numeric(&t) || datetime) {
        return Ok(Value::Series(super::categorical::categorical_of_values(
            planner, &s,
        )?));
    }
    let expr = series::astype_expr(&s, name, dtype)?;
    Ok(with_expr(s, expr))
}

/// `df.astype("category")` or `df.astype({"col": "category", ...})`: the columns made
/// categorical become so as a series' astype makes them, assigned in place; the others are cast.
fn frame_astype(planner: &Planner, f: Frame, dtype: Arg) -> Result<Value> {
    let is_categorical = |v: &Value| {
        matches!(v, Value::CategoricalDtype(_)) || matches!(v, Value::Str(t) if t == "category")
    };
    let categorical: Vec<(String, Value)> = match dtype.value() {
        Some(Value::Dict(pairs)) => pairs
            .iter()
            .filter(|(_, target)| is_categorical(target))
            .filter_map(|(c, target)| match c {
                Value::Str(c) => Some((c.clone(), target.clone())),
                _ => None,
            })
            .collect(),
        Some(target) if is_categorical(target) => f
            .value_columns()
            .into_iter()
            .map(|c| (c, target.clone()))
            .collect(),
        _ => Vec::new(),
    };
    let mut assigned = Vec::new();
    for (name, target) in &categorical {
        crate::plan::check_columns(&f, std::slice::from_ref(name))?;
        let s = crate::plan::column_series(&f, name)?;
        let ident = crate::lang::ast::Ident {
            name: name.clone(),
            span: dtype.span(),
        };
        assigned.push((ident, series_astype(planner, s, target, dtype)?));
    }
    let Value::Frame(f) = frame::assign(&f, &assigned)? else {
        return Err(dtype.invalid("astype() of a frame gives a frame"));
    };
    let made: Vec<String> = categorical.into_iter().map(|(c, _)| c).collect();
    frame::astype(&f, dtype, &made)
}

/// `rename(columns={old: new})` on a frame, `rename("new")` on a series.
fn rename(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [columns, index] = args.params()?;
    match receiver {
        // A function of the name (`rename(columns=str.lower)`) gives each column's new name.
        Value::Frame(f) if matches!(columns.value(), Some(Value::Lambda(_))) => {
            let Some(Value::Lambda(function)) = columns.value() else {
                return Err(wrong_receiver(args, &Value::Frame(f)));
            };
            let mut mapping = Vec::new();
            for name in f.value_columns() {
                match planner.apply_lambda(function, vec![Value::Str(name.clone())])? {
                    Value::Str(new) => mapping.push((name, new)),
                    other => {
                        return Err(columns.invalid(format!(
                            "the function gave {} for column `{name}`, not a name",
                            other.kind_name()
                        )));
                    }
                }
            }
            frame::rename_columns(&f, &mapping)
        }
        Value::Frame(f) => frame::rename(&f, columns),
        Value::Series(s) => match index.value().or(columns.value()) {
            Some(Value::Str(new)) => Ok(Value::Series(Series {
                name: new.clone(),
                ..s
            })),
            _ => Err(index.invalid("series.rename() takes the new name, e.g. rename(\"delay\")")),
        },
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `drop(columns=[...])`
fn drop(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [labels, axis, columns] = args.params()?;
    match receiver {
        Value::Frame(f) => frame::drop(&f, labels, axis, columns),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `sort_values(by, ascending=True, na_position="last")`, a stable sort.
fn sort_values(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [by, ascending, na_position, key] = args.params()?;
    // pandas applies `key` to each column sorted by, as a series, and sorts by what it gives.
    // Without one, a categorical sorts by its categories' order.
    let keyed = |frame: &Frame, internal: &str, name: &str| -> Result<Expr> {
        let Some(function) = key.given() else {
            return Ok(crate::plan::cut::sort_key(frame, internal));
        };
        let column = column(internal);
        let Value::Lambda(function) = function else {
            return Err(key.invalid("key= is a function of a column, e.g. lambda c: c.str.lower()"));
        };
        let series = Series::new(frame.clone(), column, name);
        match planner.apply_lambda(function, vec![Value::Series(series)])? {
            Value::Series(sorted_by) if window::same_rows(&sorted_by.frame, frame) => {
                Ok(sorted_by.expr)
            }
            other => Err(key.invalid(format!(
                "key= must give a series of the same rows, not {}",
                other.kind_name()
            ))),
        }
    };
    match receiver {
        Value::Frame(f) => {
            let names = frame::sort_columns(&f, by)?;
            let exprs = names
                .iter()
                .map(|c| keyed(&f, c, c))
                .collect::<Result<Vec<_>>>()?;
            let ascending = series::ascending_flags(ascending, names.len())?;
            let nulls_first = series::nulls_first(na_position)?;
            Ok(Value::Frame(series::sorted_by(
                &f,
                exprs,
                &ascending,
                nulls_first,
            )))
        }
        Value::Series(s) => {
            let name = s.name.clone();
            rows_of_series(s, |f, value| {
                let ascending = series::ascending_flags(ascending, 1)?;
                let nulls_first = series::nulls_first(na_position)?;
                let sorted_by = match &value {
                    Expr::Column(c) => keyed(f, &c.name, &name)?,
                    _ => value,
                };
                Ok(series::sorted_by(
                    f,
                    vec![sorted_by],
                    &ascending,
                    nulls_first,
                ))
            })
        }
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `abs()` of a series, or of every column of a frame (each must be numeric, as in pandas).
fn abs(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [] = args.params()?;
    match receiver {
        Value::Series(s) => {
            let expr = f::abs(s.expr.clone());
            with_dtype_kept(s, expr)
        }
        Value::Frame(frame) => frame::map_columns_kept(&frame, |s| {
            let t = expr_type(&s.frame, &s.expr)?;
            if !is_numeric(&t) || t == DataType::Boolean {
                return Err(crate::error::DdqError::type_error(format!(
                    "abs() needs numbers; column `{}` has dtype {}",
                    s.name,
                    crate::types::dtype::pandas_dtype(&t)
                ))
                .with_help("select the numeric columns first, e.g. `df[[\"a\", \"b\"]].abs()`"));
            }
            Ok(f::abs(s.expr.clone()))
        }),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `round(decimals=0)` of a frame (its numeric columns), a series or a computed scalar, as numpy
/// rounds: halves to even, integers kept.
fn round(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [decimals] = args.params()?;
    let decimals = decimals.int_or(0)?;
    match receiver {
        Value::Frame(frame) => frame::map_columns(&frame, |s| {
            let data_type = expr_type(&s.frame, &s.expr)?;
            Ok(
                match is_numeric(&data_type) && data_type != DataType::Boolean {
                    true => numpy_round(s.expr.clone(), &data_type, decimals),
                    false => s.expr.clone(),
                },
            )
        }),
        Value::Series(s) => {
            let data_type = expr_type(&s.frame, &s.expr)?;
            let expr = numpy_round(s.expr.clone(), &data_type, decimals);
            Ok(with_expr(s, expr))
        }
        Value::Scalar(scalar) => {
            let data_type = scalar.expr.get_type(&DFSchema::empty())?;
            let expr = numpy_round(scalar.expr.clone(), &data_type, decimals);
            Ok(Value::Scalar(Scalar { expr, ..scalar }))
        }
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `dropna(how="any", subset=None, axis=0)`; `axis=1` drops columns instead of rows.
fn dropna(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [how, subset, axis, thresh] = args.params()?;
    if thresh.is_given() && how.is_given() {
        return Err(thresh.invalid("dropna() takes how= or thresh=, not both"));
    }
    let by_column = match axis.given() {
        None | Some(Value::Int(0)) => false,
        Some(Value::Str(a)) if a == "index" || a == "rows" => false,
        Some(Value::Int(1)) => true,
        Some(Value::Str(a)) if a == "columns" => true,
        Some(_) => return Err(axis.invalid("axis must be 0 (\"index\") or 1 (\"columns\")")),
    };
    if by_column {
        let Value::Frame(f) = &receiver else {
            return Err(axis.invalid("dropna(axis=1) drops columns of a frame; a series has one"));
        };
        if subset.given().is_some() {
            return Err(subset
                .invalid("subset= with axis=1 names rows, which ddq frames do not label")
                .with_help("select the columns first: df[[...]].dropna(axis=1)"));
        }
        if thresh.is_given() {
            return Err(thresh.invalid("dropna(axis=1, thresh=...) is not supported"));
        }
        return frame::dropna_columns(planner, f, how);
    }
    match receiver {
        Value::Frame(f) => frame::dropna(&f, how, subset, thresh),
        Value::Series(s) => {
            let name = s.name.clone();
            rows_of_series(s, |f, key| {
                let present = series::isna(
                    &Series {
                        frame: f.clone(),
                        expr: key,
                        name,
                        categories: None,
                    },
                    false,
                );
                Ok(f.with_df(f.df.clone().keep_rows(present)?))
            })
        }
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `fillna(value)`; on a frame the value may be a dict of values by column.
fn fillna(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [value] = args.params()?;
    match receiver {
        // A series keyed by column name (`df.fillna(df.mean())`) fills each column with its value.
        Value::Frame(f) if matches!(value.value(), Some(Value::Series(v)) if v.frame.index_columns == 1 && !window::same_rows(&v.frame, &f)) =>
        {
            let Some(Value::Series(by_column)) = value.value() else {
                return Err(wrong_receiver(args, &Value::Frame(f)));
            };
            let key = by_column.frame.key_columns().remove(0);
            frame::map_columns_kept(&f, |s| {
                let one = by_column
                    .frame
                    .df
                    .clone()
                    .keep_rows(column(&key).eq(lit(s.name.clone())))?
                    .project(vec![by_column.expr.clone()])?
                    .limit(0, Some(1))?;
                let fill = groupby::scalar_of(one, &s.name).expr;
                let t = expr_type(&s.frame, &s.expr)?;
                let missing = series::isna(s, true);
                Ok(datafusion::logical_expr::when(missing, cast(fill, t))
                    .otherwise(s.expr.clone())?)
            })
        }
        Value::Frame(f) => frame::map_columns_kept(&f, |s| series::fillna(s, value)),
        Value::Series(s) => {
            let expr = series::fillna(&s, value)?;
            with_dtype_kept(s, expr)
        }
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `replace(old, new)`, `replace([a, b], new)`, `replace([a, b], [c, d])`, `replace({a: c})`:
/// on a frame, in every column.
fn replace(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [to_replace, value] = args.params()?;
    let pairs: Vec<(Value, Value)> = match (to_replace.required()?, value.value()) {
        (Value::Dict(pairs), None) => pairs.clone(),
        (Value::List(old), Some(Value::List(new))) if old.len() == new.len() => {
            old.iter().cloned().zip(new.iter().cloned()).collect()
        }
        (Value::List(old), Some(new)) => old.iter().map(|o| (o.clone(), new.clone())).collect(),
        (Value::Dict(_) | Value::List(_), _) => {
            return Err(to_replace.invalid(
                "replace() takes a dict, a list and one value, or two lists of the same length",
            ));
        }
        (old, Some(new)) => vec![(old.clone(), new.clone())],
        (_, None) => return Err(value.invalid("replace() needs the value to put in")),
    };
    // On a frame, a value only meets the columns of its kind, as pandas compares text only
    // with text.
    let replaced = |s: &Series| {
        let t = expr_type(&s.frame, &s.expr)?;
        let pairs: Vec<(Value, Value)> = pairs
            .iter()
            .filter(|(old, _)| match old {
                Value::Str(_) => is_text(&t),
                Value::Int(_) | Value::Float(_) | Value::Bool(_) => !is_text(&t),
                _ => true,
            })
            .map(|(old, new)| match new {
                // A number put into a float column stays a float, as pandas keeps the dtype.
                Value::Int(n) if matches!(t, DataType::Float64 | DataType::Float32) => {
                    (old.clone(), Value::Float(*n as f64))
                }
                new => (old.clone(), new.clone()),
            })
            .collect();
        series::lookup(s, &pairs, s.expr.clone()).ok_or_else(|| {
            to_replace.invalid("replace() takes plain values, e.g. replace(\"JFK\", \"J\")")
        })
    };
    match receiver {
        Value::Frame(f) => frame::map_columns_kept(&f, replaced),
        Value::Series(s) => {
            let expr = replaced(&s)?;
            with_dtype_kept(s, expr)
        }
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `melt(id_vars, value_vars)`: the value columns stacked, each under its name, in column
/// order and, within a column, in row order, as pandas lays them out.
fn melt(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [id_vars, value_vars, var_name, value_name] = args.params()?;
    let Value::Frame(f) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let ids = id_vars.names()?.unwrap_or_default();
    let values = value_vars.names()?.unwrap_or_else(|| {
        f.value_columns()
            .into_iter()
            .filter(|c| !ids.contains(c))
            .collect()
    });
    crate::plan::check_columns(&f, &[ids.clone(), values.clone()].concat())?;
    let text = |arg: Arg, default: &str| match arg.given() {
        None => Ok(default.to_string()),
        Some(Value::Str(s)) => Ok(s.clone()),
        Some(_) => Err(arg.invalid(format!("`{}` must be a name", arg.name()))),
    };
    let (var_name, value_name) = (text(var_name, "variable")?, text(value_name, "value")?);
    frame::melt(&f, &ids, &values, &var_name, &value_name).map(Value::Frame)
}

/// `isna()` and `isnull()`: True where a value is missing (NaN counts, as in pandas).
fn isna(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    missing(receiver, args, true)
}

/// `notna()` and `notnull()`
fn notna(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    missing(receiver, args, false)
}

fn missing(receiver: Value, args: &Args, missing: bool) -> Result<Value> {
    let [] = args.params()?;
    match receiver {
        Value::Frame(f) => frame::map_columns(&f, |s| Ok(series::isna(s, missing))),
        Value::Series(s) => {
            let expr = series::isna(&s, missing);
            Ok(with_expr(s, expr))
        }
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `isin([values])`: False for missing values, as in pandas.
fn isin(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [values] = args.params()?;
    let s = match receiver {
        Value::Series(s) => s,
        // On a frame: every column against the list, or each column against its own list in a
        // dict (False for columns the dict leaves out), as pandas does.
        Value::Frame(f) => {
            let lists = match values.required()? {
                Value::Dict(pairs) => Some(pairs.clone()),
                _ => None,
            };
            return frame::map_columns_kept(&f, |column| {
                let items = match &lists {
                    None => values.required()?.clone(),
                    Some(pairs) => match pairs
                        .iter()
                        .find(|(k, _)| matches!(k, Value::Str(n) if *n == column.name))
                    {
                        Some((_, list)) => list.clone(),
                        None => return Ok(lit(false)),
                    },
                };
                isin_expr(column, &items, values)
            });
        }
        other => return Err(wrong_receiver(args, &other)),
    };
    let expr = isin_expr(&s, values.required()?, values)?;
    with_dtype_kept(s, expr)
}

/// True where the series' value is one of `values` (a list); for a missing value only when
/// the list holds NaN, which pandas' missing values are (None matches none of them).
fn isin_expr(s: &Series, values: &Value, arg: Arg) -> Result<Expr> {
    let items = match values {
        Value::List(items) | Value::Tuple(items) => items.clone(),
        Value::Columns(names) => names.iter().cloned().map(Value::Str).collect(),
        other => {
            return Err(arg.invalid(format!("isin() takes a list, not {}", other.kind_name())));
        }
    };
    let missing_listed = items
        .iter()
        .any(|v| matches!(v, Value::Float(x) if x.is_nan()));
    // Values of another kind than the column's never match (pandas compares, ddq's engine
    // would refuse to).
    let t = expr_type(&s.frame, &s.expr)?;
    let list = items
        .iter()
        .filter(|v| !matches!(v, Value::None) && !matches!(v, Value::Float(x) if x.is_nan()))
        .filter(|v| !matches!(v, Value::Str(_)) || is_text(&t))
        .filter(|v| !matches!(v, Value::Int(_) | Value::Float(_)) || !is_text(&t))
        .map(|v| literal_expr(v).ok_or_else(|| arg.invalid("isin() takes a list of plain values")))
        .collect::<Result<Vec<_>>>()?;
    let listed = match list.is_empty() {
        true => lit(false),
        false => f::coalesce(vec![in_list(s.expr.clone(), list, false), lit(false)]),
    };
    Ok(match missing_listed {
        true => listed.or(s.expr.clone().is_null()),
        false => listed,
    })
}

/// `between(left, right, inclusive="both")`: False for missing values.
fn between(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [left, right, inclusive] = args.params()?;
    let Value::Series(s) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let low = series::literal_or_scalar(left)?;
    let high = series::literal_or_scalar(right)?;
    let (left_closed, right_closed) = match inclusive.value() {
        None => (true, true),
        Some(Value::Str(side)) => match side.as_str() {
            "both" => (true, true),
            "neither" => (false, false),
            "left" => (true, false),
            "right" => (false, true),
            _ => return Err(inclusive.invalid("inclusive must be both, neither, left or right")),
        },
        Some(_) => return Err(inclusive.invalid("inclusive must be both, neither, left or right")),
    };
    let e = s.expr.clone();
    let lower = if left_closed {
        e.clone().gt_eq(low)
    } else {
        e.clone().gt(low)
    };
    let upper = if right_closed {
        e.lt_eq(high)
    } else {
        e.lt(high)
    };
    let expr = f::coalesce(vec![lower.and(upper), lit(false)]);
    Ok(with_expr(s, expr))
}

/// `merge(right, how="inner", on=, left_on=, right_on=, suffixes=)`
fn merge(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    match receiver {
        Value::Frame(f) => frame::merge(&f, MergeArgs::from(args.params::<9>()?)),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `join(other, on=None, how="left", lsuffix="", rsuffix="")`
fn join(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [other, on, how, lsuffix, rsuffix] = args.params()?;
    match receiver {
        Value::Frame(f) => frame::join(
            &f,
            JoinArgs {
                other,
                on,
                how,
                lsuffix,
                rsuffix,
            },
        ),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `concat([frame, ...], ignore_index=False)`: the parts' labels kept, or (`ignore_index`)
/// the rows numbered afresh.
fn concat(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [objs, ignore_index, axis, join, keys] = args.params()?;
    match (
        frame::concat(objs, axis, join, keys)?,
        ignore_index.bool_or(false)?,
    ) {
        (Value::Frame(combined), true) => Ok(Value::Frame(index::reset_frame(&combined, true)?)),
        (combined, _) => Ok(combined),
    }
}

/// `combine_first(other)`
fn combine_first(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [other] = args.params()?;
    match receiver {
        Value::Frame(f) => frame::combine_first(&f, other),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `stack()`; pandas' default `dropna=True` is the only one.
fn stack(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [dropna] = args.params()?;
    if !dropna.bool_or(true)? {
        return Err(dropna
            .invalid("stack(dropna=False) is not supported: ddq leaves out missing cells")
            .with_help("fill them first, e.g. df.fillna(0).stack()"));
    }
    match receiver {
        Value::Frame(f) => frame::stack(&f).map(Value::Series),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `explode(column, ignore_index=False)`
fn explode(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [column, ignore_index] = args.params()?;
    let Value::Frame(f) = &receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let name = match column.required()? {
        Value::Str(name) => name.clone(),
        Value::List(items) if items.len() == 1 => match &items[0] {
            Value::Str(name) => name.clone(),
            _ => return Err(column.invalid("explode() takes a column name")),
        },
        _ => {
            return Err(column
                .invalid("explode() takes one column name")
                .with_help("explode one column at a time"));
        }
    };
    frame::explode(f, &name, ignore_index.bool_or(false)?).map(Value::Frame)
}

/// `series.to_frame(name=None)`.
fn to_frame(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [name] = args.params()?;
    let Value::Series(mut s) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    if name.is_given() {
        s.name = name.str_or("")?.to_string();
    }
    Ok(Value::Frame(series::to_frame(&s)?))
}
