//! pandas' nullable dtypes, as `convert_dtypes()` makes them: integers become `Int64`, floats
//! `Int64` when every value is a whole number and `Float64` otherwise, text `string`, booleans
//! `boolean`. The values stay Arrow's (a float column of whole numbers is cast to integers);
//! the dtype's name rides on the column as field metadata ([`NULLABLE_DTYPE_KEY`]), which
//! `dtypes` and the renderers read. pandas looks at the values to choose, so ddq asks the
//! engine when the statement is planned.

use crate::error::{DdqError, Result};
use crate::plan::Planner;
use crate::plan::project::Project;
use crate::plan::value::{Frame, Series};
use crate::types::dtype::NULLABLE_DTYPE_KEY;
use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, Int64Type};
use datafusion::common::metadata::FieldMetadata;
use datafusion::common::{DFSchema, ExprSchema, ScalarValue};
use datafusion::functions::expr_fn as f;
use datafusion::functions_aggregate::expr_fn as agg;
use datafusion::logical_expr::expr::Cast;
use datafusion::logical_expr::{Expr, cast, lit, when};
use std::collections::HashMap;
use std::sync::Arc;

/// The largest float that is still an int64 (pandas keeps larger whole numbers as floats).
const INT64_LIMIT: f64 = 9.223_372_036_854_775e18;

/// How a column converts: by its type alone, or after a look at its values.
enum Plan {
    /// Already the dtype it would become (`Int64` for an int64 column), or left as it is.
    Tag(Option<String>),
    /// A float column: `Int64` when none of its values has a fraction.
    Float,
    /// A text column: `string` when it holds any value (an all-missing one stays `object`).
    Text,
}

fn plan_of(data_type: &DataType) -> Plan {
    match data_type {
        DataType::Float32 | DataType::Float64 => Plan::Float,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Plan::Text,
        other => Plan::Tag(dtype_of_type(other)),
    }
}

/// `columns` (name, expression over `frame`, Arrow type) converted as `convert_dtypes()`
/// converts them, each aliased to its name; `None` marks one left as it is (a categorical).
pub fn convert_columns(
    planner: &Planner,
    frame: &Frame,
    columns: Vec<(String, Expr, Option<DataType>)>,
) -> Result<Vec<Expr>> {
    let plans: Vec<Plan> = columns
        .iter()
        .map(|(_, _, t)| t.as_ref().map_or(Plan::Tag(None), plan_of))
        .collect();
    let counts = value_counts(planner, frame, &columns, &plans)?;
    let mut out = Vec::with_capacity(columns.len());
    for (((name, e, t), plan), count) in columns.into_iter().zip(plans).zip(counts) {
        let float32 = t == Some(DataType::Float32);
        let (expr, tag) = match plan {
            Plan::Tag(tag) => (e, tag),
            Plan::Float if count == 0 => {
                (cast(without_nan(e), DataType::Int64), Some("Int64".into()))
            }
            Plan::Float => (
                without_nan(e),
                Some(if float32 { "Float32" } else { "Float64" }.into()),
            ),
            Plan::Text if count > 0 => (e, Some("string".into())),
            Plan::Text => (e, None),
        };
        out.push(match tag {
            Some(tag) => tagged(expr, &name, &tag),
            None => expr.alias(name),
        });
    }
    Ok(out)
}

/// `expr` named `name`, of pandas' nullable dtype `dtype` (the metadata the renderers read).
pub fn tagged(expr: Expr, name: &str, dtype: &str) -> Expr {
    let metadata = HashMap::from([(NULLABLE_DTYPE_KEY.to_string(), dtype.to_string())]);
    expr.alias_with_metadata(name, Some(FieldMetadata::from(metadata)))
}

/// The nullable dtype an `astype` name asks for, spelled as pandas prints it; none for
/// numpy's dtypes (`int64`, `float64`, `bool`, `object`).
pub fn astype_target(name: &str) -> Option<&'static str> {
    Some(match name.trim() {
        "Int64" => "Int64",
        "Int32" => "Int32",
        "Float64" => "Float64",
        "Float32" => "Float32",
        "string" => "string",
        "boolean" => "boolean",
        _ => return None,
    })
}

/// Whether `expr` has one of pandas' nullable dtypes: a column converted to one, or a value
/// computed from one ([`tagged`]). Read off the expression's top, not its field: working out a
/// field walks the whole expression, and chains of rebindings (`t = t + 1`) are deep.
pub fn is_tagged(expr: &Expr, schema: &DFSchema) -> bool {
    match expr {
        Expr::Alias(alias) => {
            let own = alias.metadata.as_ref();
            own.is_some_and(|m| m.inner().contains_key(NULLABLE_DTYPE_KEY))
                || is_tagged(&alias.expr, schema)
        }
        Expr::Column(c) => schema
            .field_from_column(c)
            .is_ok_and(|field| field.metadata().contains_key(NULLABLE_DTYPE_KEY)),
        _ => false,
    }
}

/// The nullable dtype of values of `data_type` (`Int64` for int64, `UInt8` for uint8,
/// `Float64`, `boolean`, `string`); none for the types pandas has none for (dates).
fn dtype_of_type(data_type: &DataType) -> Option<String> {
    let numpy = crate::types::dtype::pandas_dtype(data_type);
    Some(match data_type {
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => {
            numpy.replacen('i', "I", 1)
        }
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => {
            numpy.replacen("ui", "UI", 1)
        }
        DataType::Float32 | DataType::Float64 => numpy.replacen('f', "F", 1),
        DataType::Boolean => "boolean".to_string(),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "string".to_string(),
        _ => return None,
    })
}

/// The name a computed column of a nullable dtype goes by until the series' own name
/// replaces it (the dtype rides on an alias, which needs one).
const COMPUTED: &str = "__ddq_nullable";

/// `computed` (of `data_type`), made from a value of a nullable dtype, keeps one: `Int64` + 1
/// is `Int64`, `Int64` / 2 is `Float64`, `Int64` > 1 is `boolean`, `-Int64` is `Int64`.
pub fn retagged(computed: Expr, data_type: &DataType) -> Expr {
    match dtype_of_type(data_type) {
        Some(dtype) => tagged(computed, COMPUTED, &dtype),
        None => computed,
    }
}

/// `expr`, computed value by value from `s`, as a series that keeps the nullable dtype `s` has:
/// pandas' `Int64` stays `Int64` through `abs`, `fillna`, `replace`, `clip` and `where`, and
/// `isin` of one is `boolean`.
pub fn with_dtype_kept(s: Series, expr: Expr) -> Result<Series> {
    if !is_tagged(&s.expr, s.frame.df.schema()) {
        return Ok(Series { expr, ..s });
    }
    let data_type = crate::plan::ops::expr_type(&s.frame, &expr)?;
    Ok(Series {
        expr: retagged(expr, &data_type),
        ..s
    })
}

/// `expr` cast to `data_type` without the nullable dtype it had: a plain cast keeps its
/// input's field metadata, so `astype("float64")` of an `Int64` column would still print as
/// one.
pub fn cast_untagged(expr: Expr, data_type: DataType) -> Expr {
    let field = Field::new("astype", data_type, true);
    Expr::Cast(Cast::new_from_field(Box::new(expr), Arc::new(field)))
}

/// pandas' nullable floats hold NaN as missing, as the engine's null.
fn without_nan(e: Expr) -> Expr {
    when(f::isnan(e.clone()), lit(ScalarValue::Float64(None)))
        .otherwise(e.clone())
        .unwrap_or(e)
}

/// Per column, what its plan must know, asked of the engine in one query: a float column's
/// values with a fraction (or too large for an int64, or infinite), a text column's values.
fn value_counts(
    planner: &Planner,
    frame: &Frame,
    columns: &[(String, Expr, Option<DataType>)],
    plans: &[Plan],
) -> Result<Vec<i64>> {
    let mut asked = Vec::new();
    for (i, ((_, e, _), plan)) in columns.iter().zip(plans).enumerate() {
        let count = match plan {
            Plan::Tag(_) => continue,
            Plan::Text => agg::count(e.clone()),
            Plan::Float => {
                let value = cast(e.clone(), DataType::Float64);
                let whole = value
                    .clone()
                    .eq(f::trunc(vec![value.clone()]))
                    .and(f::abs(value.clone()).lt(lit(INT64_LIMIT)));
                let fractional = value
                    .clone()
                    .is_not_null()
                    .and(!f::isnan(value))
                    .and(!whole);
                agg::count(when(fractional, lit(1)).end()?)
            }
        };
        asked.push((i, count.alias(format!("c{i}"))));
    }
    let mut counts = vec![0; columns.len()];
    if asked.is_empty() {
        return Ok(counts);
    }
    let aggregates = asked.iter().map(|(_, e)| e.clone()).collect();
    let df = frame.df.clone().group_by(vec![], aggregates)?;
    let batches = planner.sources.collect_now(df)?;
    let Some(batch) = batches.iter().find(|b| b.num_rows() > 0) else {
        return Err(DdqError::execution(
            "the convert_dtypes query returned no row",
        ));
    };
    for (position, (i, _)) in asked.iter().enumerate() {
        let column = datafusion::arrow::compute::cast(batch.column(position), &DataType::Int64)
            .map_err(|e| DdqError::execution(e.to_string()))?;
        let column = column.as_primitive::<Int64Type>();
        counts[*i] = if column.is_valid(0) {
            column.value(0)
        } else {
            0
        };
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(data_type: DataType) -> Option<String> {
        match plan_of(&data_type) {
            Plan::Tag(tag) => tag,
            Plan::Float => Some("(values)".into()),
            Plan::Text => Some("(text)".into()),
        }
    }

    #[test]
    fn integer_and_boolean_columns_convert_by_type() {
        assert_eq!(tag(DataType::Int64).as_deref(), Some("Int64"));
        assert_eq!(tag(DataType::Int32).as_deref(), Some("Int32"));
        assert_eq!(tag(DataType::UInt8).as_deref(), Some("UInt8"));
        assert_eq!(tag(DataType::Boolean).as_deref(), Some("boolean"));
        assert_eq!(tag(DataType::Float64).as_deref(), Some("(values)"));
        assert_eq!(tag(DataType::Utf8View).as_deref(), Some("(text)"));
        assert_eq!(tag(DataType::Date32), None);
    }
}
