//! Categorical series: `astype("category")` of text, numbers, booleans or dates,
//! `astype(pd.CategoricalDtype(...))` with categories given, and `pd.cut`'s intervals, and the `.cat` accessor (`codes`, `categories`, `ordered`, Dask's `as_known()`).
//! A categorical keeps its categories in order ([`Categories`]); groupby and value_counts by it
//! list every category.

use super::Form::{Attribute, Method};
use super::Receiver as On;
use super::{Arg, Args, Verb, wrong_receiver};
use crate::error::{DdqError, Result};
use crate::plan::Planner;
use crate::plan::cut::{categories_of, category_text};
use crate::plan::groupby::{self, Agg};
use crate::plan::ops::first_matching;
use crate::plan::ops::{expr_type, is_text};
use crate::plan::order;
use crate::plan::project::Project;
use crate::plan::series::accessor_error;
use crate::plan::value::{
    Accessor, CategoricalDtype, Categories, GroupBy, Selection, Series, Value, column,
};
use crate::plan::window;
use crate::types::dtype::{pandas_dtype, parse_dtype};
use crate::types::float::format_float_python;
use datafusion::arrow::array::{Array, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::functions::expr_fn::coalesce;
use datafusion::logical_expr::{cast, lit, when};
use datafusion::prelude::DataFrame;
use std::sync::Arc;

/// Beyond this many distinct values `astype("category")` is refused: each code is found by
/// comparing the text with every category.
const MAX_CATEGORIES: usize = 10_000;

pub const VERBS: &[Verb] = &[
    Verb {
        name: "cat",
        receivers: &[On::Series],
        form: Attribute,
        params: &[],
        signature: "s.cat.<attribute>",
        summary: "Codes and categories of a categorical series (astype(\"category\") or pd.cut).",
        example: "ddf.Origin.astype(\"category\").cat.codes.max()",
        expected: "2\n",
        plan: cat,
        group: "Categoricals",
    },
    Verb {
        name: "codes",
        receivers: &[On::Cat],
        form: Attribute,
        params: &[],
        signature: "s.cat.codes",
        summary: "Each value's place among the categories (from 0), -1 where it is missing.",
        example: "pd.cut(ddf.Distance, [0, 500, 1000, 5000]).cat.codes.value_counts()",
        expected: ",count\n2,8780\n0,6330\n1,5690\n",
        plan: codes,
        group: "Categoricals",
    },
    Verb {
        name: "categories",
        receivers: &[On::Cat],
        form: Attribute,
        params: &[],
        signature: "s.cat.categories",
        summary: "The categories in their order.",
        example: "ddf.Origin.astype(\"category\").cat.categories",
        expected: "column\nEWR\nJFK\nLGA\n",
        plan: categories,
        group: "Categoricals",
    },
    Verb {
        name: "ordered",
        receivers: &[On::Cat],
        form: Attribute,
        params: &[],
        signature: "s.cat.ordered",
        summary: "Whether the categories are ordered (pd.cut's are; astype(\"category\")'s are not).",
        example: "pd.cut(ddf.Distance, 4).cat.ordered",
        expected: "True\n",
        plan: ordered,
        group: "Categoricals",
    },
    Verb {
        name: "rename_categories",
        receivers: &[On::Cat],
        form: Method,
        params: &["new_categories"],
        signature: "s.cat.rename_categories({old: new} | [new, ...])",
        summary: "The same categorical with its categories renamed: by a dict (categories not in it keep their names) or a list of new names in category order.",
        example: "ddf.Origin.astype(\"category\").cat.rename_categories({\"EWR\": \"Newark\"}).value_counts()",
        expected: "Origin,count\nNewark,7093\nLGA,6867\nJFK,6840\n",
        plan: rename_categories,
        group: "Categoricals",
    },
    Verb {
        name: "factorize",
        receivers: &[On::Function],
        form: Method,
        params: &["values", "sort", "use_na_sentinel", "size_hint"],
        signature: "pd.factorize(series, sort=False) -> (codes, uniques)",
        summary: "Each value's code (its place among the distinct values, by first appearance or sorted with sort=True; -1 where missing) and the distinct values as an Index, read from the data first.",
        example: "pd.factorize(ddf.Origin)[1]",
        expected: "column\nJFK\nEWR\nLGA\n",
        plan: factorize,
        group: "Categoricals",
    },
    Verb {
        name: "CategoricalDtype",
        receivers: &[On::Function],
        form: Method,
        params: &["categories", "ordered"],
        signature: "pd.CategoricalDtype(categories=None, ordered=False)",
        summary: "A categorical dtype for astype: the categories in the order given (unused ones kept and counted as 0, other values become missing; None learns them from the data), ordered=True ranks them for min, max and sort.",
        example: "ddf.Origin.astype(pd.CategoricalDtype([\"LGA\", \"JFK\", \"EWR\", \"SFO\"])).value_counts()",
        expected: "Origin,count\nEWR,7093\nLGA,6867\nJFK,6840\nSFO,0\n",
        plan: categorical_dtype,
        group: "Categoricals",
    },
    Verb {
        name: "as_known",
        receivers: &[On::Cat],
        form: Method,
        params: &[],
        signature: "s.cat.as_known()",
        summary: "Dask's step to learn the categories; ddq learns them when the series is made, so the series itself.",
        example: "len(ddf.Dest.astype(\"category\").cat.as_known().cat.categories)",
        expected: "34\n",
        plan: as_known,
        group: "Categoricals",
    },
];

/// `s.cat`: only on a categorical series.
fn cat(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let Value::Series(s) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    if s.categories().is_none() {
        let t = expr_type(&s.frame, &s.expr)?;
        return Err(accessor_error("cat", &s, &t, "categorical")
            .at(args.call_span)
            .with_help("make it one first: `s.astype(\"category\")` or `pd.cut(s, bins)`"));
    }
    Ok(Value::Accessor(Accessor::Cat(s)))
}

/// The series under `.cat` and its categories.
fn categorical(args: &Args, receiver: Value) -> Result<(Series, Arc<Categories>)> {
    let Value::Accessor(Accessor::Cat(s)) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    match s.categories.clone() {
        Some(categories) => Ok((s, categories)),
        None => Err(wrong_receiver(args, &Value::Series(s))),
    }
}

/// `s.cat.codes`: pandas' smallest integer type that holds them, in a series without a name.
fn codes(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let (s, categories) = categorical(args, receiver)?;
    let t = match categories.labels.len() {
        n if n < i8::MAX as usize => DataType::Int8,
        n if n < i16::MAX as usize => DataType::Int16,
        _ => DataType::Int32,
    };
    let expr = cast(coalesce(vec![categories.code.clone(), lit(-1i64)]), t);
    Ok(Value::Series(Series::new(s.frame, expr, "")))
}

/// `s.cat.categories`
fn categories(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let (_, categories) = categorical(args, receiver)?;
    if categories.dtype != "object" {
        return Ok(Value::CategoryIndex(
            categories.labels.clone(),
            categories.dtype.clone(),
        ));
    }
    Ok(Value::Columns(categories.labels.clone()))
}

/// `s.cat.ordered`
fn ordered(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let (_, categories) = categorical(args, receiver)?;
    Ok(Value::Bool(categories.ordered))
}

/// `s.cat.rename_categories(new_categories)`: the codes stay, each label is replaced.
/// The labels after `rename_categories(new_categories)` and their pandas dtype (the new
/// values' kind, or object when kinds mix).
fn renamed_labels(new_categories: Arg, categories: &Categories) -> Result<(Vec<String>, String)> {
    let old = &categories.labels;
    let renamed: Vec<Option<&Value>> = match new_categories.required()? {
        Value::List(items) | Value::Tuple(items) if items.len() == old.len() => {
            items.iter().map(Some).collect()
        }
        Value::List(items) | Value::Tuple(items) => {
            return Err(new_categories.invalid(format!(
                "new categories need to have the same number of items as the old categories ({} for {})",
                items.len(),
                old.len()
            )));
        }
        Value::Dict(pairs) => old
            .iter()
            .map(|label| {
                let key = |k: &Value| literal_label(k).is_some_and(|k| k == *label);
                pairs.iter().find(|(k, _)| key(k)).map(|(_, v)| v)
            })
            .collect(),
        other => {
            return Err(new_categories.invalid(format!(
                "rename_categories takes a dict {{old: new}} or a list of new names, not {}",
                other.kind_name()
            )));
        }
    };
    let mut labels = Vec::with_capacity(old.len());
    let mut kinds = Vec::with_capacity(old.len());
    for (label, new) in old.iter().zip(&renamed) {
        match new {
            None => {
                labels.push(label.clone());
                kinds.push(categories.dtype.clone());
            }
            Some(value) => {
                let text = literal_label(value).ok_or_else(|| {
                    new_categories.invalid("new categories are strings, numbers or booleans")
                })?;
                labels.push(text);
                kinds.push(literal_kind(value).to_string());
            }
        }
    }
    let mut unique = labels.clone();
    unique.sort();
    unique.dedup();
    if unique.len() != labels.len() {
        return Err(new_categories.invalid("categories must be unique"));
    }
    let dtype = match kinds.windows(2).all(|pair| pair[0] == pair[1]) {
        true => kinds.first().cloned().unwrap_or_else(|| "object".into()),
        false => "object".into(),
    };
    Ok((labels, dtype))
}

fn rename_categories(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [new_categories] = args.params()?;
    let (s, categories) = categorical(args, receiver)?;
    let (labels, dtype) = renamed_labels(new_categories, &categories)?;
    let code = categories.code.clone();
    let text = first_matching(
        labels
            .iter()
            .enumerate()
            .map(|(i, l)| (code.clone().eq(lit(i as i64)), lit(l.clone())))
            .collect(),
    )?;
    // Numeric categories are numbers in the series, as pandas keeps them.
    let label = match parse_dtype(&dtype) {
        Some(t) if t.is_numeric() => cast(text, t),
        _ => text,
    };
    let renamed = Categories {
        labels,
        code,
        label: label.clone(),
        ordered: categories.ordered,
        dtype,
    };
    Ok(Value::Series(Series {
        expr: label,
        categories: Some(Arc::new(renamed)),
        ..s
    }))
}

/// A plain value as a category's text ([`category_text`] of it).
fn literal_label(value: &Value) -> Option<String> {
    match value {
        Value::Str(text) => Some(text.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(x) => Some(format_float_python(*x)),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_string()),
        _ => None,
    }
}

/// The pandas dtype of categories that are all such values.
fn literal_kind(value: &Value) -> &'static str {
    match value {
        Value::Int(_) => "int64",
        Value::Float(_) => "float64",
        Value::Bool(_) => "bool",
        _ => "object",
    }
}

/// `s.cat.as_known()`
fn as_known(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [] = args.params()?;
    let (s, _) = categorical(args, receiver)?;
    Ok(Value::Series(s))
}

/// `pd.CategoricalDtype(categories=None, ordered=False)`
fn categorical_dtype(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [categories_arg, ordered] = args.params()?;
    let categories = match categories_arg.given() {
        None => None,
        Some(Value::List(items) | Value::Tuple(items)) => Some(items.clone()),
        Some(Value::Columns(names)) => Some(names.iter().cloned().map(Value::Str).collect()),
        Some(other) => {
            return Err(categories_arg.invalid(format!(
                "categories is a list of values, not {}",
                other.kind_name()
            )));
        }
    };
    if let Some(items) = &categories
        && let Some(bad) = items.iter().find(|v| !is_plain_category(v))
    {
        return Err(categories_arg.invalid(format!(
            "categories are strings, numbers or booleans, not {}",
            bad.kind_name()
        )));
    }
    Ok(Value::CategoricalDtype(Box::new(CategoricalDtype {
        categories,
        ordered: ordered.bool_or(false)?,
    })))
}

fn is_plain_category(value: &Value) -> bool {
    matches!(
        value,
        Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_)
    )
}

/// `s.astype(pd.CategoricalDtype(categories, ordered))`: the categories given, in their order,
/// or learnt from the data when `None`. A value outside them becomes missing, as in pandas.
pub fn categorical_of_dtype(
    planner: &Planner,
    series: &Series,
    dtype: &CategoricalDtype,
) -> Result<Series> {
    let Some(given) = &dtype.categories else {
        let learnt = categorical_of_values(planner, series)?;
        let mut categories = learnt.categories.as_deref().cloned().ok_or_else(|| {
            DdqError::execution("internal error: astype(\"category\") gave no categories")
        })?;
        categories.ordered = dtype.ordered;
        return Ok(Series {
            categories: Some(Arc::new(categories)),
            ..learnt
        });
    };
    let s = window::plain(series)?;
    let t = expr_type(&s.frame, &s.expr)?;
    let (kind, labels) = given_labels(given, &t).ok_or_else(|| {
        DdqError::unsupported(format!(
            "categories of a kind other than `{}`'s values ({})",
            s.name,
            pandas_dtype(&t)
        ))
        .with_help("give categories of the column's kind: strings for text, numbers for numbers")
    })?;
    let text = category_text(s.expr.clone(), &kind)?;
    let inside = text.in_list(labels.iter().map(|l| lit(l.clone())).collect(), false);
    let label = when(inside, s.expr.clone()).end()?;
    let categories = categories_of(label.clone(), labels, dtype.ordered, &kind)?;
    Ok(Series {
        expr: label,
        categories: Some(Arc::new(categories)),
        ..s
    })
}

/// The categories given for values of type `t`, written as [`category_text`] writes such
/// values, and their pandas dtype; `None` when they are not of the values' kind.
fn given_labels(given: &[Value], t: &DataType) -> Option<(String, Vec<String>)> {
    let label = |value: &Value| -> Option<String> {
        match value {
            Value::Str(text) if is_text(t) => Some(text.clone()),
            Value::Int(i) if t.is_integer() => Some(i.to_string()),
            Value::Int(i) if t.is_floating() => Some(format_float_python(*i as f64)),
            Value::Float(x) if t.is_floating() => Some(format_float_python(*x)),
            Value::Bool(b) if *t == DataType::Boolean => {
                Some(if *b { "True" } else { "False" }.to_string())
            }
            _ => None,
        }
    };
    let labels = given.iter().map(label).collect::<Option<Vec<String>>>()?;
    let kind = if is_text(t) {
        "object".to_string()
    } else {
        pandas_dtype(t)
    };
    Some((kind, labels))
}

/// `pd.factorize(values, sort=False, use_na_sentinel=True)`: the codes (int64, -1 where
/// missing) and the distinct values in order of first appearance (or sorted).
fn factorize(planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [values, sort, use_na_sentinel, _size_hint] = args.params()?;
    let Value::Series(series) = values.required()?.clone().operand() else {
        return Err(values.invalid("pd.factorize takes a series, e.g. pd.factorize(ddf.Origin)"));
    };
    if !use_na_sentinel.bool_or(true)? {
        return Err(use_na_sentinel
            .invalid("use_na_sentinel=False (a code for missing values) is not supported")
            .with_help("missing values get the code -1; count them with s.isna().sum()"));
    }
    let categorical = match sort.bool_or(false)? {
        true => categorical_of_values(planner, &series),
        false => categorical_by_appearance(planner, &series),
    }
    .map_err(|e| e.at(values.span()))?;
    let Some(categories) = categorical.categories.clone() else {
        return Err(DdqError::execution(
            "internal error: factorize found no categories",
        ));
    };
    let codes = cast(
        coalesce(vec![categories.code.clone(), lit(-1i64)]),
        DataType::Int64,
    );
    let uniques = match categories.dtype.as_str() {
        "object" => Value::Columns(categories.labels.clone()),
        dtype => Value::CategoryIndex(categories.labels.clone(), dtype.to_string()),
    };
    Ok(Value::Tuple(vec![
        Value::Series(Series::new(categorical.frame, codes, "")),
        uniques,
    ]))
}

/// The series as a categorical whose categories are its distinct values in order of first
/// appearance (pandas' `factorize` and `unique` order), asked of the engine when planned.
fn categorical_by_appearance(planner: &Planner, series: &Series) -> Result<Series> {
    let s = window::plain(series)?;
    let dtype = values_dtype(&s)?;
    let gb = GroupBy {
        frame: s.frame.clone(),
        keys: vec![(s.expr.clone(), "__ddq_value".to_string())],
        selection: Selection::All,
        dropna: true,
        sort: false,
        bins: None,
        as_index: true,
        categories: None,
    };
    let counted = groupby::aggregate(&gb, &[(String::new(), Agg::Size, "__ddq_n".into())])?;
    let label = category_text(column("__ddq_value"), &dtype)?;
    let distinct = order::sorted(&counted)?
        .project([label.alias("label")])?
        .limit(0, Some(MAX_CATEGORIES + 1))?;
    let labels = collected_labels(planner, distinct, &s.name)?;
    let categories = categories_of(s.expr.clone(), labels, false, &dtype)?;
    Ok(Series {
        categories: Some(Arc::new(categories)),
        ..s
    })
}

/// The pandas dtype of a categorical's categories made from the series' values.
fn values_dtype(s: &Series) -> Result<String> {
    Ok(match expr_type(&s.frame, &s.expr)? {
        t if is_text(&t) => "object".to_string(),
        t => pandas_dtype(&t),
    })
}

/// The labels a plan of one text column gives, refused beyond [`MAX_CATEGORIES`].
fn collected_labels(planner: &Planner, distinct: DataFrame, name: &str) -> Result<Vec<String>> {
    let mut labels = Vec::new();
    for batch in planner.sources.collect_now(distinct)? {
        let text = cast_text(batch.column(0))?;
        labels.extend((0..text.len()).map(|i| text.value(i).to_string()));
    }
    if labels.len() > MAX_CATEGORIES {
        return Err(DdqError::unsupported(format!(
            "`{name}` has more than {MAX_CATEGORIES} distinct values to make categories of"
        ))
        .with_help("keep it as text: groupby and value_counts work on text as they are"));
    }
    Ok(labels)
}

/// `s.astype("category")` of text, numbers, booleans or dates: the distinct values, sorted, are
/// the categories (asked of the engine when the statement is planned, as pandas reads the data
/// to find them), labelled by [`category_text`].
pub fn categorical_of_values(planner: &Planner, series: &Series) -> Result<Series> {
    let s = window::plain(series)?;
    let dtype = values_dtype(&s)?;
    let label = category_text(column("value"), &dtype)?;
    let distinct = s
        .frame
        .df
        .clone()
        .project([s.expr.clone().alias("value")])?
        .keep_rows(column("value").is_not_null())?
        .distinct()?
        .sort(vec![column("value").sort(true, false)])?
        .project([label.alias("label")])?
        .limit(0, Some(MAX_CATEGORIES + 1))?;
    let labels = collected_labels(planner, distinct, &s.name)?;
    let categories = categories_of(s.expr.clone(), labels, false, &dtype)?;
    Ok(Series {
        categories: Some(Arc::new(categories)),
        ..s
    })
}

/// A column of the engine's text types as a plain string array.
fn cast_text(array: &Arc<dyn Array>) -> Result<StringArray> {
    let text = datafusion::arrow::compute::cast(array, &DataType::Utf8)
        .map_err(|e| DdqError::execution(e.to_string()))?;
    text.as_any()
        .downcast_ref::<StringArray>()
        .cloned()
        .ok_or_else(|| DdqError::execution("distinct values did not come back as text"))
}
