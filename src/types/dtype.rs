//! pandas' dtype names and the Arrow types ddq keeps them as, both ways: `dtype={"col":
//! "float64"}` and `astype` read them, `dtypes`, messages and the renderers' footers print them.

use datafusion::arrow::datatypes::{DataType, Field, TimeUnit};

/// The field metadata under which a column converted to one of pandas' nullable dtypes
/// (`convert_dtypes()`) keeps that dtype's name: `Int64`, `Float64`, `string`, `boolean`. The
/// engine carries it through projections and renames and drops it from anything computed from
/// the column (pandas would keep it there too: a limit of the tag, not a choice).
pub const NULLABLE_DTYPE_KEY: &str = "ddq.nullable_dtype";

/// The nullable dtype a field was converted to, if any. Such a column prints as pandas prints
/// it: integers stay integers, and a missing value is `<NA>`.
pub fn nullable_dtype(field: &Field) -> Option<&str> {
    field.metadata().get(NULLABLE_DTYPE_KEY).map(String::as_str)
}

/// Maps a pandas dtype name (`dtype={"col": "float64"}`) to the Arrow type ddq stores it as.
pub fn parse_dtype(name: &str) -> Option<DataType> {
    let data_type = match name.trim() {
        "int64" | "Int64" | "int" | "i8" => DataType::Int64,
        "int32" | "Int32" | "i4" => DataType::Int32,
        "float64" | "Float64" | "float" | "f8" => DataType::Float64,
        "float32" | "Float32" | "f4" => DataType::Float32,
        "object" | "str" | "string" | "category" | "O" => DataType::Utf8,
        "bool" | "boolean" => DataType::Boolean,
        "datetime64[ns]" | "datetime64" => DataType::Timestamp(TimeUnit::Nanosecond, None),
        _ => return None,
    };
    Some(data_type)
}

/// The name pandas gives the dtype a column of this Arrow type would have after `to_pandas()`.
pub fn pandas_dtype(data_type: &DataType) -> String {
    let name = match data_type {
        DataType::Int8 => "int8",
        DataType::Int16 => "int16",
        DataType::Int32 => "int32",
        DataType::Int64 => "int64",
        DataType::UInt8 => "uint8",
        DataType::UInt16 => "uint16",
        DataType::UInt32 => "uint32",
        DataType::UInt64 => "uint64",
        DataType::Float16 => "float16",
        DataType::Float32 => "float32",
        DataType::Float64 => "float64",
        DataType::Boolean => "bool",
        // ddq's parsed dates are dates to the user, who knows them from pandas as datetime64.
        DataType::Date32 | DataType::Date64 => "datetime64[ns]",
        DataType::Timestamp(_, None) => "datetime64[ns]",
        DataType::Timestamp(_, Some(tz)) => return format!("datetime64[ns, {tz}]"),
        DataType::Duration(_) => "timedelta64[ns]",
        DataType::Dictionary(_, _) => "category",
        _ => "object",
    };
    name.to_string()
}

/// The pandas dtype of a column of `data_type` that holds a missing value (see
/// `ColumnKind::of_column`).
pub fn pandas_dtype_holding_missing(data_type: &DataType) -> String {
    use crate::types::values::ColumnKind;
    match (
        ColumnKind::of(data_type),
        ColumnKind::of_column(data_type, true),
    ) {
        (ColumnKind::Int, ColumnKind::Float) => "float64".to_string(),
        (ColumnKind::Bool, ColumnKind::Text) => "object".to_string(),
        _ => pandas_dtype(data_type),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtype_names_match_pandas() {
        assert_eq!(pandas_dtype(&DataType::Int64), "int64");
        assert_eq!(pandas_dtype(&DataType::Int32), "int32");
        assert_eq!(pandas_dtype(&DataType::Float64), "float64");
        assert_eq!(pandas_dtype(&DataType::Utf8), "object");
        assert_eq!(pandas_dtype(&DataType::Utf8View), "object");
        assert_eq!(pandas_dtype(&DataType::Boolean), "bool");
        assert_eq!(
            pandas_dtype(&DataType::Timestamp(TimeUnit::Nanosecond, None)),
            "datetime64[ns]"
        );
        assert_eq!(
            pandas_dtype(&DataType::Timestamp(TimeUnit::Second, Some("UTC".into()))),
            "datetime64[ns, UTC]"
        );
        assert_eq!(pandas_dtype(&DataType::Date32), "datetime64[ns]");
    }

    #[test]
    fn maps_pandas_names() {
        assert_eq!(parse_dtype("int64"), Some(DataType::Int64));
        assert_eq!(parse_dtype("Int64"), Some(DataType::Int64));
        assert_eq!(parse_dtype("int32"), Some(DataType::Int32));
        assert_eq!(parse_dtype("float"), Some(DataType::Float64));
        assert_eq!(parse_dtype("float32"), Some(DataType::Float32));
        assert_eq!(parse_dtype("category"), Some(DataType::Utf8));
        assert_eq!(parse_dtype("object"), Some(DataType::Utf8));
        assert_eq!(parse_dtype("boolean"), Some(DataType::Boolean));
        assert_eq!(
            parse_dtype("datetime64[ns]"),
            Some(DataType::Timestamp(TimeUnit::Nanosecond, None))
        );
        assert_eq!(parse_dtype("complex128"), None);
    }
}
