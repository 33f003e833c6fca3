//! How results and progress are shown: the output format, pandas' display options and the
//! progress bar's mode, the values of the `format`, `max_rows`/`min_rows`/`max_columns` and
//! `progress` settings.

use crate::error::{DdqError, Result};
use std::fmt;
use std::str::FromStr;

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned text the way pandas prints a DataFrame or Series, without the row index.
    Table,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// JSON lines: one object per row.
    Json,
}

impl FromStr for Format {
    type Err = DdqError;

    fn from_str(text: &str) -> Result<Self> {
        match text.to_ascii_lowercase().as_str() {
            "table" => Ok(Format::Table),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            _ => Err(DdqError::unknown(format!(
                "unknown output format `{text}`: expected one of table, csv, json"
            ))),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
        })
    }
}

/// pandas' display options that apply to ddq's table output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayOptions {
    /// More rows than this and the middle is elided; 0 means never elide.
    pub max_rows: usize,
    /// How many rows (half at each end) an elided result shows.
    pub min_rows: usize,
    /// More columns than this and the middle ones are elided; 0 means never elide.
    pub max_columns: usize,
}

impl Default for DisplayOptions {
    /// pandas' defaults (`display.max_rows`, `display.min_rows`, `display.max_columns`).
    fn default() -> Self {
        DisplayOptions {
            max_rows: 60,
            min_rows: 10,
            max_columns: 20,
        }
    }
}

/// What the finished bar does: disappear, or stay as a record of the statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarMode {
    Off,
    Clear,
    Keep,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_parses_and_displays() {
        for format in [Format::Table, Format::Csv, Format::Json] {
            assert_eq!(format.to_string().parse::<Format>().unwrap(), format);
        }
        assert_eq!("CSV".parse::<Format>().unwrap(), Format::Csv);
        let err = "parquet".parse::<Format>().unwrap_err();
        assert!(err.message.contains("table, csv, json"), "{}", err.message);
    }

    #[test]
    fn default_options_are_pandas_defaults() {
        let options = DisplayOptions::default();
        assert_eq!(
            (options.max_rows, options.min_rows, options.max_columns),
            (60, 10, 20)
        );
    }
}
