//! pandas' default missing-value strings, and the one place that
//! decides whether a text value fits a column type (so inference, reading and error diagnosis
//! can never disagree).

use crate::error::{DdqError, Result};
use datafusion::arrow::compute::kernels::cast_utils::{Parser, string_to_datetime};
use datafusion::arrow::datatypes::{
    DataType, Float32Type, Float64Type, Int32Type, Int64Type, TimeUnit, UInt64Type,
};
use regex::Regex;
use std::collections::HashSet;

/// The strings pandas reads as NaN by default (`pandas._libs.parsers.STR_NA_VALUES`).
pub(crate) const PANDAS_NA_VALUES: [&str; 19] = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// The set of strings read as missing: pandas' defaults plus the user's `na_values`.
#[derive(Debug, Clone)]
pub(crate) struct NaValues {
    /// The strings by length (`by_len[n]` holds those of `n` bytes): a value is compared with
    /// the few of its own length, cheaper than hashing it (every text field is checked).
    by_len: Vec<Vec<String>>,
    /// The first bytes of the non-empty strings: most values are ruled out by these at once.
    first_bytes: [bool; 256],
}

impl NaValues {
    pub(crate) fn new(extra: &[String]) -> Self {
        let values: HashSet<String> = PANDAS_NA_VALUES
            .iter()
            .map(|s| s.to_string())
            .chain(extra.iter().cloned())
            .collect();
        let mut first_bytes = [false; 256];
        for value in &values {
            if let Some(&b) = value.as_bytes().first() {
                first_bytes[usize::from(b)] = true;
            }
        }
        let max_len = values.iter().map(String::len).max().unwrap_or(0);
        let mut by_len = vec![Vec::new(); max_len + 1];
        for value in values {
            by_len[value.len()].push(value);
        }
        NaValues {
            by_len,
            first_bytes,
        }
    }

    pub(crate) fn is_na(&self, text: &str) -> bool {
        if let Some(&b) = text.as_bytes().first()
            && !self.first_bytes[usize::from(b)]
        {
            return false;
        }
        // The last byte first: values such as tail numbers share a first byte and a length
        // with a missing-value string ("N12345", "1.#IND") but seldom a last byte.
        self.by_len.get(text.len()).is_some_and(|same_length| {
            same_length
                .iter()
                .any(|value| value.as_bytes().last() == text.as_bytes().last() && value == text)
        })
    }

    /// Whether the set is pandas' default one: then no number, date or bool spells a missing
    /// value, except the float NaN spellings, which parse as NaN.
    pub(crate) fn only_pandas_defaults(&self) -> bool {
        self.by_len.iter().map(Vec::len).sum::<usize>() == PANDAS_NA_VALUES.len()
    }

    /// The strings, sorted: a stable description of the set.
    pub(crate) fn sorted(&self) -> Vec<&str> {
        let mut sorted: Vec<&str> = self.by_len.iter().flatten().map(String::as_str).collect();
        sorted.sort_unstable();
        sorted
    }

    /// The same set as an anchored regex, the form arrow-csv's reader takes.
    pub(crate) fn to_regex(&self) -> Result<Regex> {
        let alternatives: Vec<String> = self.sorted().iter().map(|s| regex::escape(s)).collect();
        let pattern = format!("^(?:{})$", alternatives.join("|"));
        Regex::new(&pattern).map_err(|e| DdqError::input(format!("unusable na_values: {e}")))
    }
}

/// Reads a boolean the way ddq accepts them for `bool` columns: True/False in any case, or 1/0.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    let text = text.trim();
    if text == "1" || text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text == "0" || text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Whether a non-missing text value can be stored in a column of `data_type`, using the very
/// parsers arrow-csv uses when reading.
pub(crate) fn value_fits(data_type: &DataType, text: &str) -> bool {
    match data_type {
        DataType::Int64 => Int64Type::parse(text).is_some(),
        DataType::Int32 => Int32Type::parse(text).is_some(),
        DataType::UInt64 => UInt64Type::parse(text).is_some(),
        DataType::Float64 => Float64Type::parse(text).is_some(),
        DataType::Float32 => Float32Type::parse(text).is_some(),
        DataType::Boolean => parse_bool(text).is_some(),
        DataType::Timestamp(TimeUnit::Nanosecond, None) => string_to_datetime(&chrono::Utc, text)
            .ok()
            .and_then(|t| t.timestamp_nanos_opt())
            .is_some(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn na_regex_matches_exactly_the_set() {
        let na = NaValues::new(&["missing".to_string()]);
        let regex = na.to_regex().expect("regex");
        for value in ["", "NA", "#N/A N/A", "-1.#IND", "missing", "nan"] {
            assert!(na.is_na(value) && regex.is_match(value), "{value:?}");
        }
        for value in ["0", "NAN", "NA ", "1.#INDX", "missingx"] {
            assert!(!na.is_na(value) && !regex.is_match(value), "{value:?}");
        }
    }

    #[test]
    fn bools_accept_words_and_digits() {
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("yes"), None);
    }
}
