//! Held columns in fewer bytes: a column of 64-bit numbers whose values all fit a narrower
//! integer is held as that integer, and cast back when a statement reads it. CSV columns are
//! parsed as `int64` and `float64` (pandas' dtypes), but most hold small whole numbers (years,
//! clock times, delays in minutes), so a session's held columns take about half the memory and
//! more of its files fit the budget. Only exact round trips narrow: a float column narrows only
//! when every value is a whole number in range and not `-0.0`, so reading it back gives the
//! same bits. Text is held as it is: a dictionary would save as much again, but casting it back
//! to text on every read cost more time than the memory was worth (measured on the workflow).

use datafusion::arrow::array::{Array, ArrayRef, AsArray, PrimitiveArray};
use datafusion::arrow::compute::{cast, max, min};
use datafusion::arrow::datatypes::{
    ArrowPrimitiveType, DataType, Float64Type, Int32Type, Int64Type,
};
use datafusion::arrow::error::ArrowError;

/// The array in the narrowest integer type that holds every value exactly, or the array
/// itself when none does (or its type is not one that narrows).
pub(crate) fn narrow(array: &ArrayRef) -> ArrayRef {
    let range = match array.data_type() {
        DataType::Int64 => int_range(array.as_primitive::<Int64Type>()),
        DataType::Int32 => int_range(array.as_primitive::<Int32Type>()),
        DataType::Float64 => whole_range(array.as_primitive::<Float64Type>()),
        _ => None,
    };
    let Some(narrower) = range.and_then(|(lo, hi)| narrowest(lo, hi, array.data_type())) else {
        return ArrayRef::clone(array);
    };
    cast(array, &narrower).unwrap_or_else(|_| ArrayRef::clone(array))
}

/// A held array as the scan produced it: `data_type` is the column's own type.
pub(crate) fn widen(array: &ArrayRef, data_type: &DataType) -> Result<ArrayRef, ArrowError> {
    match array.data_type() == data_type {
        true => Ok(ArrayRef::clone(array)),
        false => cast(array, data_type),
    }
}

/// The smallest and largest value of an integer array; none when every value is missing.
fn int_range<T>(array: &PrimitiveArray<T>) -> Option<(i64, i64)>
where
    T: ArrowPrimitiveType,
    T::Native: Into<i64>,
{
    Some((min(array)?.into(), max(array)?.into()))
}

/// The smallest and largest value of a float array whose values are all whole numbers that
/// an `i32` holds (so that casting there and back gives the same bits); none otherwise. The
/// slots of missing values are checked too, without looking at which they are (one pass the
/// compiler vectorises, since this runs as the scan goes): they hold 0 as arrow's builders
/// leave them, and anything else only keeps the column wide.
///
/// A value is whole when it survives a round trip through `i32` bit for bit, which also turns
/// away `-0.0`, NaN and values out of range (the cast saturates). `f64::trunc` would do, but
/// without SSE4.1 (not in the baseline x86-64 target) it is a library call per value.
fn whole_range(array: &PrimitiveArray<Float64Type>) -> Option<(i64, i64)> {
    let (mut lo, mut hi, mut exact) = (i32::MAX, i32::MIN, true);
    for &value in array.values().iter() {
        let whole = value as i32;
        exact &= f64::from(whole).to_bits() == value.to_bits();
        lo = lo.min(whole);
        hi = hi.max(whole);
    }
    (exact && lo <= hi).then_some((lo.into(), hi.into()))
}

/// The narrowest integer type holding `lo..=hi` that is narrower than `wide`.
fn narrowest(lo: i64, hi: i64, wide: &DataType) -> Option<DataType> {
    let fits = |min: i64, max: i64| lo >= min && hi <= max;
    let narrower = if fits(i8::MIN.into(), i8::MAX.into()) {
        DataType::Int8
    } else if fits(i16::MIN.into(), i16::MAX.into()) {
        DataType::Int16
    } else if fits(i32::MIN.into(), i32::MAX.into()) && wide != &DataType::Int32 {
        DataType::Int32
    } else {
        return None;
    };
    Some(narrower)
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Float64Array, Int32Array, Int64Array, StringArray};
    use std::sync::Arc;

    fn round_trip(array: ArrayRef) -> DataType {
        let narrowed = narrow(&array);
        let back = widen(&narrowed, array.data_type()).unwrap();
        assert_eq!(back.to_data(), array.to_data());
        narrowed.data_type().clone()
    }

    #[test]
    fn small_whole_numbers_are_held_narrow_and_read_back_alike() {
        let ints = Int64Array::from(vec![Some(1990), None, Some(-3)]);
        assert_eq!(round_trip(Arc::new(ints)), DataType::Int16);
        let floats = Float64Array::from(vec![Some(-6.0), None, Some(120.0)]);
        assert_eq!(round_trip(Arc::new(floats)), DataType::Int8);
        let wide = Float64Array::from(vec![1e6, 2.0]);
        assert_eq!(round_trip(Arc::new(wide)), DataType::Int32);
        let int32 = Int32Array::from(vec![40_000, 1]);
        assert_eq!(round_trip(Arc::new(int32)), DataType::Int32);
    }

    #[test]
    fn values_a_narrow_integer_cannot_give_back_stay_as_they_are() {
        for floats in [
            vec![Some(1.5), Some(2.0)],
            vec![Some(-0.0), Some(2.0)],
            vec![Some(f64::NAN), None],
            vec![Some(1e12), Some(0.0)],
            vec![Some(f64::INFINITY), Some(1.0)],
            vec![Some(2147483648.0), Some(1.0)],
        ] {
            assert_eq!(
                round_trip(Arc::new(Float64Array::from(floats))),
                DataType::Float64
            );
        }
        let big = Int64Array::from(vec![i64::MAX, 0]);
        assert_eq!(round_trip(Arc::new(big)), DataType::Int64);
        let unique = StringArray::from(vec!["JFK", "LGA", "EWR"]);
        assert_eq!(round_trip(Arc::new(unique)), DataType::Utf8);
    }
}
