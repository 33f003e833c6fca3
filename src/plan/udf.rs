//! ddq's own scalar functions: a seeded hash of a row position, so `sample(random_state=...)`
//! picks the same rows on every run and on every scheduler; and Python's `str()` of any value,
//! for results pandas holds as `object` (a row of mixed columns, `min` over mixed columns).

use datafusion::arrow::array::{Array, AsArray, StringArray, UInt64Array};
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use std::sync::Arc;

/// `ddq_row_hash(seed, position)`: splitmix64 of the two, as UInt64.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct RowHash {
    signature: Signature,
}

impl Default for RowHash {
    fn default() -> Self {
        RowHash {
            signature: Signature::exact(
                vec![DataType::Int64, DataType::Int64],
                Volatility::Immutable,
            ),
        }
    }
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

impl ScalarUDFImpl for RowHash {
    fn name(&self) -> &str {
        "ddq_row_hash"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::UInt64)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let [seeds, positions] = arrays.as_slice() else {
            return exec_err!("ddq_row_hash takes two arguments");
        };
        let seeds = seeds.as_primitive::<Int64Type>();
        let positions = positions.as_primitive::<Int64Type>();
        let hashed: UInt64Array = (0..positions.len())
            .map(|i| {
                if seeds.is_null(i) || positions.is_null(i) {
                    None
                } else {
                    Some(splitmix64(
                        splitmix64(seeds.value(i) as u64) ^ positions.value(i) as u64,
                    ))
                }
            })
            .collect();
        Ok(ColumnarValue::Array(Arc::new(hashed)))
    }
}

/// `ddq_python_str(x)`: the text Python's `str()` gives for the value (`625.0`, `True`,
/// `1990-01-02 00:00:00`); null stays null.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct PythonStr {
    signature: Signature,
}

impl Default for PythonStr {
    fn default() -> Self {
        PythonStr {
            signature: Signature::any(1, Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for PythonStr {
    fn name(&self) -> &str {
        "ddq_python_str"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let [values] = arrays.as_slice() else {
            return exec_err!("ddq_python_str takes one argument");
        };
        let mut texts = Vec::with_capacity(values.len());
        for i in 0..values.len() {
            texts.push(if values.is_null(i) {
                None
            } else {
                let value = ScalarValue::try_from_array(values, i)?;
                Some(crate::output::format_scalar(
                    &value,
                    crate::output::Format::Csv,
                ))
            });
        }
        Ok(ColumnarValue::Array(Arc::new(StringArray::from(texts))))
    }
}

pub fn python_str(value: Expr) -> Expr {
    Arc::new(ScalarUDF::from(PythonStr::default())).call(vec![value])
}

/// Every function ddq adds, for registering with a session.
pub fn all() -> Vec<ScalarUDF> {
    vec![
        ScalarUDF::from(RowHash::default()),
        ScalarUDF::from(PythonStr::default()),
    ]
}

pub fn row_hash_udf() -> Arc<ScalarUDF> {
    Arc::new(ScalarUDF::from(RowHash::default()))
}

pub fn row_hash(seed: Expr, position: Expr) -> Expr {
    row_hash_udf().call(vec![seed, position])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_deterministic_and_spreads() {
        assert_eq!(splitmix64(1), splitmix64(1));
        assert_ne!(splitmix64(1), splitmix64(2));
        let low = (0..1000u64)
            .filter(|i| splitmix64(*i) < u64::MAX / 2)
            .count();
        assert!((400..600).contains(&low), "{low}");
    }
}
