//! Column types for `read_json`, decided as pandas decides them. pandas reads JSON whole, so a
//! key first written in a file's last record is still a column: every record of every file is
//! looked at once, when the table opens. Columns come in the order their keys first appear.
//! Dask reads each file with pandas and concatenates the parts, so each file's columns are
//! typed on their own ([`Inference`] is one file's) and [`table_types`] unifies them as
//! `pd.concat` does.
//!
//! pandas' `read_json` converts after parsing, and so does ddq: a number column with a missing
//! value is float64; floats that are all whole (and never missing) are int64; text that is all
//! numbers is numbers; and columns with date-like names (`date`, `modified`, `datetime`,
//! `timestamp...`, `..._at`, `..._time`) holding epoch numbers or date text are datetimes.
//! What is decided here travels to other processes (`wire`) as [`JsonColumn`]s.

use super::files::display;
use crate::error::{DdqError, Result};
use datafusion::arrow::compute::kernels::cast_utils::string_to_timestamp_nanos;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// pandas' `min_stamp`: epoch numbers of a date-like column must all be above a year in
/// seconds, or the column stays numbers.
const MIN_STAMP: f64 = 31_536_000.0;

/// How a file holds its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Layout {
    /// One object per line (`lines=True`).
    Lines,
    /// One array of objects (`orient="records"`, `lines=False`).
    Records,
}

/// The type arrow-json decodes a column's values as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Decode {
    Int,
    Float,
    Bool,
    /// Text, with any numbers or booleans among it kept as their JSON text.
    Text,
}

/// What pandas does to a column after parsing it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) enum Convert {
    Keep,
    ToInt,
    ToFloat,
    /// Epoch numbers in units of this many nanoseconds.
    Epoch(i64),
    /// Date text.
    ParseDate,
}

/// A column of a JSON table: its name, how its values are decoded and then converted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct JsonColumn {
    pub name: String,
    pub decode: Decode,
    pub convert: Convert,
}

impl JsonColumn {
    pub(crate) fn decoded_type(&self) -> DataType {
        match self.decode {
            Decode::Int => DataType::Int64,
            Decode::Float => DataType::Float64,
            Decode::Bool => DataType::Boolean,
            Decode::Text => DataType::Utf8,
        }
    }

    /// The column's type in the table.
    pub(crate) fn data_type(&self) -> DataType {
        match self.convert {
            Convert::Keep => self.decoded_type(),
            Convert::ToInt => DataType::Int64,
            Convert::ToFloat => DataType::Float64,
            Convert::Epoch(_) | Convert::ParseDate => {
                DataType::Timestamp(TimeUnit::Nanosecond, None)
            }
        }
    }
}

/// The number of a text value, as Python's `float()` reads it (what pandas' `astype` uses).
pub(crate) fn text_number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok()
}

/// The datetime of a text value, in nanoseconds since 1970 (UTC when it names an offset).
pub(crate) fn text_date(text: &str) -> Option<i64> {
    string_to_timestamp_nanos(text.trim()).ok()
}

/// A record's fields in the order they are written (serde_json's maps would sort them).
struct Record(Vec<(String, Scalar)>);

enum Scalar {
    Null,
    Bool,
    Int(i64),
    Float(f64),
    Text(String),
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number, text, true, false or null")
    }
    fn visit_unit<E>(self) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_bool<E>(self, _: bool) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Bool)
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Scalar, E> {
        // Past int64 pandas reads uint64; ddq keeps such numbers as floats.
        Ok(match i64::try_from(v) {
            Ok(v) => Scalar::Int(v),
            Err(_) => Scalar::Float(v as f64),
        })
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Text(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> std::result::Result<Scalar, A::Error> {
        Err(de::Error::custom(NESTED))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> std::result::Result<Scalar, A::Error> {
        Err(de::Error::custom(NESTED))
    }
}

const NESTED: &str =
    "a nested object or list: ddq reads records of plain values (numbers, text, true/false, null)";

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_map(RecordVisitor)
    }
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Record;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object (a record)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Record, A::Error> {
        let mut fields = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            fields.push((key, map.next_value::<Scalar>()?));
        }
        Ok(Record(fields))
    }
}

/// Hands each record of a JSON array to `inference`, without keeping them.
struct EachRecord<'a>(&'a mut Inference);

impl<'de> DeserializeSeed<'de> for EachRecord<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EachRecord<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while let Some(record) = seq.next_element::<Record>()? {
            self.0.add(record);
        }
        Ok(())
    }
}

/// What the values of one column were.
#[derive(Debug, Clone, Copy)]
struct Tally {
    present: u64,
    ints: bool,
    floats: bool,
    /// A float that is not a whole number (or not finite).
    fractions: bool,
    bools: bool,
    texts: bool,
    /// Every text is a number, and every such number whole; every text is a date.
    texts_numbers: bool,
    texts_whole: bool,
    texts_dates: bool,
    /// The smallest and largest number (text numbers included), for epoch units.
    min: f64,
    max: f64,
    /// A number at or below `MIN_STAMP`.
    small: bool,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            present: 0,
            ints: false,
            floats: false,
            fractions: false,
            bools: false,
            texts: false,
            texts_numbers: true,
            texts_whole: true,
            texts_dates: true,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            small: false,
        }
    }
}

impl Tally {
    fn number(&mut self, v: f64) {
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        self.small |= v <= MIN_STAMP;
    }

    fn add(&mut self, value: Scalar) {
        match value {
            Scalar::Null => return,
            Scalar::Bool => self.bools = true,
            Scalar::Int(v) => {
                self.ints = true;
                self.number(v as f64);
            }
            Scalar::Float(v) => {
                self.floats = true;
                self.fractions |= !(v.is_finite() && v.fract() == 0.0);
                self.number(v);
            }
            Scalar::Text(text) => {
                self.texts = true;
                match text_number(&text) {
                    Some(v) => {
                        self.texts_whole &= v.is_finite() && v.fract() == 0.0;
                        self.number(v);
                    }
                    None => self.texts_numbers = false,
                }
                if self.texts_dates {
                    self.texts_dates = text_date(&text).is_some();
                }
            }
        }
        self.present += 1;
    }
}

/// The columns seen so far, in order of first appearance, and how many records there were.
#[derive(Debug, Default)]
pub(crate) struct Inference {
    names: Vec<String>,
    positions: HashMap<String, usize>,
    tallies: Vec<Tally>,
    rows: u64,
}

impl Inference {
    fn add(&mut self, record: Record) {
        self.rows += 1;
        for (name, value) in record.0 {
            let position = match self.positions.get(&name) {
                Some(&p) => p,
                None => {
                    let p = self.names.len();
                    self.positions.insert(name.clone(), p);
                    self.names.push(name);
                    self.tallies.push(Tally::default());
                    p
                }
            };
            self.tallies[position].add(value);
        }
    }

    /// Reads one file's records into the tally; returns how it lays them out and how many
    /// records it holds. `lines`: `Some` when the user said which layout, else the first
    /// character decides (`[` is an array).
    pub(crate) fn read_file(&mut self, path: &Path, lines: Option<bool>) -> Result<(Layout, u64)> {
        let before = self.rows;
        let file = std::fs::File::open(path).map_err(|e| super::csv_schema::open_error(path, e))?;
        let mut reader = BufReader::new(file);
        let first = first_byte(&mut reader, path)?;
        let layout = match (lines, first == Some(b'[')) {
            (Some(true), true) => {
                return Err(DdqError::input(format!(
                    "{}:1: the file is one JSON array, not one record per line",
                    display(path)
                ))
                .with_help("read it with lines=False"));
            }
            (Some(false), false) if first.is_some() => {
                return Err(DdqError::input(format!(
                    "{}:1: lines=False reads an array of records ([{{...}}, {{...}}]), and the file does not start with `[`",
                    display(path)
                ))
                .with_help("for one record per line, read it with lines=True"));
            }
            (_, true) => Layout::Records,
            (_, false) => Layout::Lines,
        };
        match layout {
            Layout::Lines => self.read_lines(reader, path)?,
            Layout::Records => {
                let mut de = serde_json::Deserializer::from_reader(reader);
                EachRecord(self)
                    .deserialize(&mut de)
                    .and_then(|()| de.end())
                    .map_err(|e| json_error(path, e.line(), &e))?;
            }
        }
        Ok((layout, self.rows - before))
    }

    fn read_lines(&mut self, reader: impl BufRead, path: &Path) -> Result<()> {
        for (index, line) in reader.lines().enumerate() {
            let line =
                line.map_err(|e| DdqError::input(format!("{}:{}: {e}", display(path), index + 1)))?;
            let text = line.trim_start_matches('\u{feff}').trim();
            if text.is_empty() {
                continue;
            }
            let record = serde_json::from_str::<Record>(text)
                .map_err(|e| json_error(path, index + 1, &e))?;
            self.add(record);
        }
        Ok(())
    }

    /// The columns, typed as pandas types them; `convert_dates` as pandas' keyword.
    pub(crate) fn columns(&self, convert_dates: bool) -> Vec<JsonColumn> {
        self.names
            .iter()
            .zip(&self.tallies)
            .map(|(name, tally)| {
                let (decode, convert) = typed(tally, tally.present < self.rows);
                let convert = match convert_dates && is_date_like(name) {
                    true => dated(tally, decode, convert),
                    false => convert,
                };
                JsonColumn {
                    name: name.clone(),
                    decode,
                    convert,
                }
            })
            .collect()
    }
}

/// The first byte that is not white space (or a byte-order mark), left unread.
fn first_byte(reader: &mut BufReader<std::fs::File>, path: &Path) -> Result<Option<u8>> {
    loop {
        let buffer = reader
            .fill_buf()
            .map_err(|e| super::csv_schema::open_error(path, e))?;
        let Some(&byte) = buffer.first() else {
            return Ok(None);
        };
        if byte.is_ascii_whitespace() {
            reader.consume(1);
        } else if buffer.starts_with("\u{feff}".as_bytes()) {
            reader.consume(3);
        } else {
            return Ok(Some(byte));
        }
    }
}

/// `x.json:3: <what serde_json found> (column 7)`.
fn json_error(path: &Path, line: usize, err: &serde_json::Error) -> DdqError {
    let text = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let what = text.strip_suffix(&suffix).unwrap_or(&text);
    DdqError::input(format!(
        "{}:{line}: not valid JSON: {what} (column {})",
        display(path),
        err.column()
    ))
    .with_help("read_json reads one JSON object per line, or one array of objects")
}

/// The type of a column before any date conversion.
fn typed(t: &Tally, missing: bool) -> (Decode, Convert) {
    let numbers = t.ints || t.floats;
    match (t.bools, numbers, t.texts) {
        (false, false, false) => (Decode::Float, Convert::Keep),
        (true, false, false) if missing => (Decode::Bool, Convert::ToFloat),
        (true, false, false) => (Decode::Bool, Convert::Keep),
        (false, true, false) if t.fractions || missing => (Decode::Float, Convert::Keep),
        (false, true, false) if t.floats => (Decode::Float, Convert::ToInt),
        (false, true, false) => (Decode::Int, Convert::Keep),
        (false, false, true) if t.texts_numbers && t.texts_whole && !missing => {
            (Decode::Text, Convert::ToInt)
        }
        (false, false, true) if t.texts_numbers => (Decode::Text, Convert::ToFloat),
        // Mixed kinds are pandas' object columns: values as their text.
        _ => (Decode::Text, Convert::Keep),
    }
}

/// The table's columns over files typed on their own, in order of first appearance: a type
/// every file agrees on stays; ints with floats, or ints missing from a file, are float64 (as
/// `pd.concat` makes them); any other disagreement is text (pandas' object).
pub(crate) fn table_types(files: &[Vec<JsonColumn>]) -> Vec<(String, DataType)> {
    let mut table: Vec<(String, DataType)> = Vec::new();
    for (index, columns) in files.iter().enumerate() {
        for column in columns {
            let found = table.iter_mut().find(|(name, _)| *name == column.name);
            match found {
                Some((_, t)) => *t = unified(t, &column.data_type()),
                // A column new in a later file is missing from the earlier ones.
                None if index > 0 => {
                    table.push((column.name.clone(), missing_in(&column.data_type())))
                }
                None => table.push((column.name.clone(), column.data_type())),
            }
        }
    }
    for (name, t) in &mut table {
        if files
            .iter()
            .any(|columns| columns.iter().all(|c| c.name != *name))
        {
            *t = missing_in(t);
        }
    }
    table
}

fn unified(a: &DataType, b: &DataType) -> DataType {
    match (a, b) {
        _ if a == b => a.clone(),
        (DataType::Int64 | DataType::Float64, DataType::Int64 | DataType::Float64) => {
            DataType::Float64
        }
        _ => DataType::Utf8,
    }
}

fn missing_in(t: &DataType) -> DataType {
    match t {
        DataType::Int64 => DataType::Float64,
        other => other.clone(),
    }
}

/// pandas' `keep_default_dates`: the column names it tries to read as dates.
fn is_date_like(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.ends_with("_at")
        || lower.ends_with("_time")
        || lower == "modified"
        || lower == "date"
        || lower == "datetime"
        || lower.starts_with("timestamp")
}

/// A date-like column's conversion: epoch numbers in the first unit (s, ms, us, ns) that
/// keeps every value within datetime64[ns], or date text; otherwise `convert` as it was.
fn dated(t: &Tally, decode: Decode, convert: Convert) -> Convert {
    let numeric = matches!(decode, Decode::Int | Decode::Float)
        || matches!(convert, Convert::ToInt | Convert::ToFloat);
    if numeric && !t.bools {
        if t.small {
            return convert;
        }
        let limit = i64::MAX as f64;
        for nanos in [1_000_000_000_i64, 1_000_000, 1_000, 1] {
            let scale = nanos as f64;
            if t.present == 0 || (t.min * scale >= -limit && t.max * scale <= limit) {
                return Convert::Epoch(nanos);
            }
        }
        return convert;
    }
    if decode == Decode::Text && !t.bools && !(t.ints || t.floats) && t.texts_dates {
        return Convert::ParseDate;
    }
    convert
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(text: &str) -> Vec<(String, DataType)> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.json");
        std::fs::write(&path, text).expect("write");
        let mut inference = Inference::default();
        inference.read_file(&path, None).expect("read");
        inference
            .columns(true)
            .into_iter()
            .map(|c| (c.name.clone(), c.data_type()))
            .collect()
    }

    #[test]
    fn columns_in_order_of_first_appearance_typed_as_pandas_types_them() {
        let text = "{\"z\":1,\"f\":1.5,\"w\":2.0,\"s\":\"x\"}\n\n{\"w\":3,\"z\":2,\"n\":null,\"b\":true,\"s\":\"y\"}\n";
        let types: Vec<(String, DataType)> = [
            ("z", DataType::Int64),
            ("f", DataType::Float64),
            ("w", DataType::Int64),
            ("s", DataType::Utf8),
            ("n", DataType::Float64),
            ("b", DataType::Float64),
        ]
        .into_iter()
        .map(|(n, t)| (n.to_string(), t))
        .collect();
        assert_eq!(infer(text), types);
    }

    #[test]
    fn date_like_names_read_epochs_and_date_text() {
        let stamp = DataType::Timestamp(TimeUnit::Nanosecond, None);
        let text =
            "[{\"Date\":631152000000,\"x_at\":\"1990-01-02\",\"modified\":\"hello\",\"date\":5}]";
        let types: Vec<DataType> = infer(text).into_iter().map(|(_, t)| t).collect();
        assert_eq!(
            types,
            [stamp.clone(), stamp, DataType::Utf8, DataType::Int64]
        );
    }

    #[test]
    fn bad_json_names_the_file_and_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bad.json");
        std::fs::write(&path, "{\"a\":1}\n{\"a\":\n").expect("write");
        let err = Inference::default()
            .read_file(&path, None)
            .expect_err("bad json");
        assert_eq!(
            err.message,
            format!(
                "{}:2: not valid JSON: EOF while parsing a value (column 5)",
                path.display()
            )
        );
        std::fs::write(&path, "[{\"a\":1},\n {\"a\":{\"b\":2}}]").expect("write");
        let err = Inference::default()
            .read_file(&path, None)
            .expect_err("nested");
        assert!(
            err.message.starts_with(&format!(
                "{}:2: not valid JSON: a nested object",
                path.display()
            )),
            "{}",
            err.message
        );
    }
}
