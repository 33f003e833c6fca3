//! Categorical series: `astype("category")` of text, numbers, booleans or dates and `pd.cut`'s
//! intervals, and the `.cat` accessor (`codes`, `categories`, `ordered`, Dask's `as_known()`).
//! A categorical keeps its categories in order ([`Categories`]); groupby and value_counts by it
//! list every category.

use super::Form::{Attribute, Method};
use super::Receiver as On;
use super::{Args, Verb, wrong_receiver};
use crate::error::{DdqError, Result};
use crate::plan::Planner;
use crate::plan::cut::{categories_of, category_text};
use crate::plan::ops::{expr_type, is_text};
use crate::plan::project::Project;
use crate::plan::series::accessor_error;
use crate::plan::value::{Accessor, Categories, Series, Value, column};
use crate::plan::window;
use crate::types::dtype::pandas_dtype;
use datafusion::arrow::array::{Array, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::functions::expr_fn::coalesce;
use datafusion::logical_expr::{cast, lit};
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

/// `s.cat.as_known()`
fn as_known(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [] = args.params()?;
    let (s, _) = categorical(args, receiver)?;
    Ok(Value::Series(s))
}

/// `s.astype("category")` of text, numbers, booleans or dates: the distinct values, sorted, are
/// the categories (asked of the engine when the statement is planned, as pandas reads the data
/// to find them), labelled by [`category_text`].
pub fn categorical_of_values(planner: &Planner, series: &Series) -> Result<Series> {
    let s = window::plain(series)?;
    let dtype = match expr_type(&s.frame, &s.expr)? {
        t if is_text(&t) => "object".to_string(),
        t => pandas_dtype(&t),
    };
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
    let mut labels = Vec::new();
    for batch in planner.sources.collect_now(distinct)? {
        let text = cast_text(batch.column(0))?;
        labels.extend((0..text.len()).map(|i| text.value(i).to_string()));
    }
    if labels.len() > MAX_CATEGORIES {
        return Err(DdqError::unsupported(format!(
            "`{}` has more than {MAX_CATEGORIES} distinct values to make categories of",
            s.name
        ))
        .with_help("keep it as text: groupby and value_counts work on text as they are"));
    }
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
