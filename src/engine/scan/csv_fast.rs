//! The fast path of CSV parsing: plain CSV (no quotes) with number, text and bool columns is
//! split into fields and converted straight into Arrow builders.
//!
//! arrow-csv first copies every record into a buffer of fields, then builds each column from it;
//! on the files analysts load (short unquoted fields, no timestamps) that copy costs as much as
//! all the conversions. This reader finds every separator and line end of a chunk at once (16
//! bytes at a time), notes where each wanted field of each line lies, then converts column by
//! column, so every inner loop handles one type. It only handles what it can do exactly as
//! arrow-csv does, with the same value parsers (`arrow_cast`'s `Parser`) and the same missing
//! values, and gives up at the first thing it does not: a quote, a blank line, a lone carriage
//! return, more fields than columns, a value that does not parse. The caller then reads the rest
//! of the range with arrow-csv, skipping the rows already passed on, which also names the file,
//! line and value of whatever was wrong.

use super::csv_bytes::{Specials, count_plain_lines, eight_digits};
use super::dtype::{NaValues, parse_bool};
use crate::error::{DdqError, Result};
use datafusion::arrow::array::{
    ArrayRef, ArrowPrimitiveType, BooleanBuilder, PrimitiveBuilder, RecordBatch,
    RecordBatchOptions, StringBuilder,
};
use datafusion::arrow::compute::kernels::cast_utils::Parser;
use datafusion::arrow::datatypes::{
    DataType, Float32Type, Float64Type, Int32Type, Int64Type, SchemaRef,
};
use std::io::Read;
use std::sync::Arc;

/// Bytes read at a time.
const READ_CHUNK: usize = 1 << 20;

/// Lines split and converted at a time: their field bounds and bytes stay in the processor's
/// cache while each column is converted.
const WINDOW_LINES: usize = 512;

/// Distance between two columns' bounds in `FastReader::bounds`: a window's worth and a cache
/// line more, so the columns' bounds of one line do not all fall in the same cache set (at a
/// power-of-two distance they do, and each line's stores evict each other).
const COLUMN_STRIDE: usize = WINDOW_LINES + 8;

/// Where a short line's missing field would be: it reads as a missing value, as with arrow-csv's
/// truncated rows.
const ABSENT: (u32, u32) = (u32::MAX, u32::MAX);

/// How a run of the fast reader ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FastEnd {
    /// Every line of the input was read and passed on.
    Complete,
    /// The consumer stopped listening.
    Stopped,
    /// Something the fast path does not handle came up; `rows` rows were passed on before it
    /// (whole batches only), and the rest must be read the careful way.
    GaveUp { rows: usize },
}

/// What one wanted column becomes.
enum Builder {
    Int64(PrimitiveBuilder<Int64Type>),
    Int32(PrimitiveBuilder<Int32Type>),
    Float64(PrimitiveBuilder<Float64Type>),
    Float32(PrimitiveBuilder<Float32Type>),
    Text(StringBuilder),
    Bool(BooleanBuilder),
}

/// The fields of one column in some lines of a chunk.
struct ColumnFields<'c> {
    bytes: &'c [u8],
    /// The column's field bounds, one per line.
    bounds: &'c [(u32, u32)],
    /// Whether every byte of `bytes` is ASCII (then no field needs a UTF-8 check).
    ascii: bool,
}

impl<'c> ColumnFields<'c> {
    /// Visits the bounds of each line's field (`start == end` for a missing one, empty or
    /// absent) while `visit` returns true; whether it did for every line.
    fn each(&self, mut visit: impl FnMut(usize, usize) -> bool) -> bool {
        self.bounds.iter().all(|&(start, end)| match (start, end) {
            ABSENT => visit(0, 0),
            _ => visit(start as usize, end as usize),
        })
    }

    /// Visits each line's field: none for a missing one, or its text; false when `visit` is or
    /// a field is not UTF-8.
    fn each_text(&self, mut visit: impl FnMut(Option<&str>) -> bool) -> bool {
        self.each(|start, end| match start == end {
            true => visit(None),
            false => self.text(start, end).is_some_and(|text| visit(Some(text))),
        })
    }

    /// The text of `bytes[start..end]`; none when it is not UTF-8.
    fn text(&self, start: usize, end: usize) -> Option<&'c str> {
        let field = &self.bytes[start..end];
        if self.ascii {
            // SAFETY: every byte of `bytes` is ASCII, so any slice of it is UTF-8.
            Some(unsafe { std::str::from_utf8_unchecked(field) })
        } else {
            std::str::from_utf8(field).ok()
        }
    }
}

impl Builder {
    fn for_type(data_type: &DataType, rows: usize) -> Option<Builder> {
        Some(match data_type {
            DataType::Int64 => Builder::Int64(PrimitiveBuilder::with_capacity(rows)),
            DataType::Int32 => Builder::Int32(PrimitiveBuilder::with_capacity(rows)),
            DataType::Float64 => Builder::Float64(PrimitiveBuilder::with_capacity(rows)),
            DataType::Float32 => Builder::Float32(PrimitiveBuilder::with_capacity(rows)),
            DataType::Utf8 => Builder::Text(StringBuilder::with_capacity(rows, rows * 8)),
            DataType::Boolean => Builder::Bool(BooleanBuilder::with_capacity(rows)),
            _ => return None,
        })
    }

    /// Appends the column's field of each line; false when one is neither a value of the
    /// column's type nor a missing value. NaN is missing in pandas, so a float that parses to
    /// NaN is a null.
    fn append(&mut self, fields: &ColumnFields, na: &NaValues) -> bool {
        match self {
            Builder::Int64(b) => fields.each(|s, e| append_number(b, fields, s, e, na, INT64)),
            Builder::Int32(b) => fields.each(|s, e| append_number(b, fields, s, e, na, INT32)),
            Builder::Float64(b) => fields.each(|s, e| append_number(b, fields, s, e, na, FLOAT64)),
            Builder::Float32(b) => fields.each(|s, e| append_number(b, fields, s, e, na, FLOAT32)),
            Builder::Text(b) => fields.each_text(|field| {
                match field.filter(|text| !na.is_na(text)) {
                    Some(text) => b.append_value(text),
                    None => b.append_null(),
                }
                true
            }),
            Builder::Bool(b) => fields.each_text(|field| match field {
                None => {
                    b.append_null();
                    true
                }
                // Most bool columns are 0/1: those need no trimming or case folding.
                Some("0") => {
                    b.append_value(false);
                    true
                }
                Some("1") => {
                    b.append_value(true);
                    true
                }
                Some(text) => match parse_bool(text) {
                    Some(value) => {
                        b.append_value(value);
                        true
                    }
                    None if na.is_na(text) => {
                        b.append_null();
                        true
                    }
                    None => false,
                },
            }),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Int64(b) => Arc::new(b.finish()),
            Builder::Int32(b) => Arc::new(b.finish()),
            Builder::Float64(b) => Arc::new(b.finish()),
            Builder::Float32(b) => Arc::new(b.finish()),
            Builder::Text(b) => Arc::new(b.finish()),
            Builder::Bool(b) => Arc::new(b.finish()),
        }
    }
}

/// How a numeric column reads its values: up to 8 digits (with a minus when the flag says so)
/// read a word at a time, as most values are; a quick parser for the other plain spellings
/// (none when the text is anything else; never NaN), then arrow's own for the rest; and which
/// values are missing (NaN, in pandas).
struct NumberParsing<N> {
    digits: fn(u32, bool) -> Option<N>,
    quick: fn(&[u8]) -> Option<N>,
    is_nan: fn(N) -> bool,
}

/// Floats hold every integer up to 2^53 (f64) or 2^24 (f32) exactly, so converting the digits'
/// integer gives the correctly rounded value every parser gives.
const INT64: NumberParsing<i64> = NumberParsing {
    digits: |value, negative| Some(signed(i64::from(value), negative)),
    quick: plain_integer,
    is_nan: |_| false,
};
const INT32: NumberParsing<i32> = NumberParsing {
    digits: |value, negative| i32::try_from(value).ok().map(|v| signed(v, negative)),
    quick: |text| plain_integer(text).and_then(|v| i32::try_from(v).ok()),
    is_nan: |_| false,
};
const FLOAT64: NumberParsing<f64> = NumberParsing {
    digits: |value, negative| Some(signed(f64::from(value), negative)),
    quick: plain_decimal,
    is_nan: f64::is_nan,
};
const FLOAT32: NumberParsing<f32> = NumberParsing {
    digits: |value, negative| (value <= 1 << 24).then(|| signed(value as f32, negative)),
    quick: |_| None,
    is_nan: f32::is_nan,
};

/// `value`, negated when `negative` (a float's `-0` stays negative zero, as parsers read it).
fn signed<N: std::ops::Neg<Output = N>>(value: N, negative: bool) -> N {
    if negative { -value } else { value }
}

/// A number, or a missing value. Which is tried first does not matter with pandas' own missing
/// values (none of them is a number but the NaNs, which are missing either way); the reader is
/// only used with those (see [`FastReader::new`]).
fn append_number<T>(
    builder: &mut PrimitiveBuilder<T>,
    fields: &ColumnFields,
    start: usize,
    end: usize,
    na: &NaValues,
    parsing: NumberParsing<T::Native>,
) -> bool
where
    T: ArrowPrimitiveType + Parser,
{
    if start == end {
        builder.append_null();
        return true;
    }
    let negative = fields.bytes[start] == b'-';
    let digits = eight_digits(fields.bytes, start + usize::from(negative), end);
    if let Some(value) = digits.and_then(|d| (parsing.digits)(d, negative)) {
        builder.append_value(value);
        return true;
    }
    let Some(text) = fields.text(start, end) else {
        return false;
    };
    if let Some(value) = (parsing.quick)(text.as_bytes()) {
        builder.append_value(value); // never NaN
        return true;
    }
    match T::parse(text) {
        Some(value) if (parsing.is_nan)(value) => builder.append_null(),
        Some(value) => builder.append_value(value),
        None if na.is_na(text) => builder.append_null(),
        None => return false,
    }
    true
}

/// An optional minus and 1 to 18 digits (so it cannot overflow): the integer; none for any
/// other text, which arrow's parser then reads (or refuses) as it always does.
fn plain_integer(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut value = 0i64;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(b - b'0');
    }
    Some(if negative { -value } else { value })
}

/// Exact powers of ten up to 10^22 (the largest a double holds exactly).
const POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// An optional minus, digits and at most one decimal point, with at most 2^53 as the digits'
/// integer: the float, correctly rounded like every full parser's answer, because the digits
/// and the power of ten are both exact and one division rounds once (Clinger's fast path).
/// None for any other text (exponents, long mantissas, "inf"), which arrow's parser reads.
fn plain_decimal(text: &[u8]) -> Option<f64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if digits.len() > 18 {
        return None;
    }
    let mut mantissa = 0u64;
    let mut whole = 0u64;
    let mut decimals = 0usize;
    let mut fraction_is_zero = true;
    let mut seen_digit = false;
    let mut seen_point = false;
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                let digit = u64::from(b - b'0');
                mantissa = mantissa * 10 + digit;
                if seen_point {
                    decimals += 1;
                    fraction_is_zero &= digit == 0;
                } else {
                    whole = mantissa;
                }
                seen_digit = true;
            }
            b'.' if !seen_point => seen_point = true,
            _ => return None,
        }
    }
    if !seen_digit || mantissa > 1 << 53 {
        return None;
    }
    // Whole numbers (most values: "2142.0") need no division: the integer is exact.
    let value = if fraction_is_zero {
        whole as f64
    } else {
        mantissa as f64 / POWERS_OF_TEN[decimals]
    };
    Some(if negative { -value } else { value })
}

/// Parses plain CSV into batches of a projection of its columns.
pub(crate) struct FastReader<'a> {
    sep: u8,
    na: &'a NaValues,
    /// Per file column: where its builder is in `builders`, or none when it is not wanted.
    slots: Vec<Option<usize>>,
    builders: Vec<Builder>,
    /// The batches' schema: the wanted columns, in projection order, with their final types.
    schema: SchemaRef,
    batch_size: usize,
    /// Bounds of the wanted fields of a window of lines, column by column: the field of wanted
    /// column `c` in line `l` is at `c * COLUMN_STRIDE + l`, so each column's conversion reads
    /// its bounds in a row.
    bounds: Vec<(u32, u32)>,
}

impl<'a> FastReader<'a> {
    /// A reader for `types` (every file column's type) giving the columns `projection` under
    /// `schema`; none when a wanted column has a type the fast path does not parse, or when the
    /// missing values are not pandas' own (a user's `na_values` may spell a number).
    pub(crate) fn new(
        sep: u8,
        na: &'a NaValues,
        types: &[DataType],
        projection: &[usize],
        schema: SchemaRef,
        batch_size: usize,
    ) -> Option<FastReader<'a>> {
        if !na.only_pandas_defaults() {
            return None;
        }
        let batch_size = batch_size.max(1);
        let mut slots = vec![None; types.len()];
        let mut builders = Vec::with_capacity(projection.len());
        for (position, &column) in projection.iter().enumerate() {
            if slots.get(column)?.is_some() {
                return None;
            }
            slots[column] = Some(position);
            builders.push(Builder::for_type(&types[column], batch_size)?);
        }
        Some(FastReader {
            sep,
            na,
            slots,
            builders,
            schema,
            batch_size,
            bounds: vec![ABSENT; COLUMN_STRIDE * projection.len()],
        })
    }

    /// Reads `input` to its end, skipping the first line when `header`, passing batches to
    /// `emit` until it returns false.
    pub(crate) fn run(
        &mut self,
        mut input: impl Read,
        header: bool,
        emit: &mut dyn FnMut(RecordBatch) -> Result<bool>,
    ) -> Result<FastEnd> {
        let mut buffer: Vec<u8> = Vec::with_capacity(READ_CHUNK);
        let mut passed = 0usize;
        let mut filled = 0usize;
        let mut skip_line = header;
        let mut at_eof = false;
        while !at_eof {
            at_eof = fill(&mut input, &mut buffer)?;
            let complete = match buffer.iter().rposition(|&b| b == b'\n') {
                Some(last) => last + 1,
                None if at_eof => buffer.len(),
                // Lone `\r` line ends (which this path does not split at): the rest is arrow-csv's,
                // rather than the whole file gathered here waiting for a `\n`.
                None if lone_cr(&buffer) => return Ok(FastEnd::GaveUp { rows: passed }),
                None => continue,
            };
            let mut first = 0;
            if std::mem::take(&mut skip_line) {
                first = buffer[..complete]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(complete, |end| end + 1);
                // The header ends at its first `\n` only if it has no quote (a quoted name may
                // hold a line break) and no lone `\r` (old Mac line ends, one `\r` a line).
                let header = &buffer[..first];
                let plain_end = header.strip_suffix(b"\n").unwrap_or(header);
                let plain_end = plain_end.strip_suffix(b"\r").unwrap_or(plain_end);
                if plain_end.iter().any(|&b| b == b'"' || b == b'\r') {
                    return Ok(FastEnd::GaveUp { rows: 0 });
                }
            }
            let lines = &buffer[first..complete];
            if self.builders.is_empty()
                && let Some(count) = count_plain_lines(lines, self.sep, self.slots.len())
            {
                filled += count;
                while filled >= self.batch_size {
                    filled -= self.batch_size;
                    passed += self.batch_size;
                    if !emit(self.batch(self.batch_size)?)? {
                        return Ok(FastEnd::Stopped);
                    }
                }
                buffer.drain(..complete);
                continue;
            }
            let ascii = lines.is_ascii();
            let mut specials = Specials::new(lines, self.sep);
            let mut field_start = 0;
            while field_start < lines.len() {
                let wanted = (self.batch_size - filled).min(WINDOW_LINES);
                let (count, clean) =
                    self.split_lines(lines, &mut specials, &mut field_start, wanted);
                if !self.append_lines(lines, count, ascii) || !clean {
                    return Ok(FastEnd::GaveUp { rows: passed });
                }
                filled += count;
                if filled == self.batch_size {
                    passed += filled;
                    filled = 0;
                    if !emit(self.batch(self.batch_size)?)? {
                        return Ok(FastEnd::Stopped);
                    }
                }
            }
            buffer.drain(..complete);
        }
        if filled > 0 && !emit(self.batch(filled)?)? {
            return Ok(FastEnd::Stopped);
        }
        Ok(FastEnd::Complete)
    }

    /// Notes where the wanted fields of up to `max_lines` lines of `lines` (whole lines; the last
    /// may lack its line end) lie, in `self.bounds`, from `field_start` (the special bytes
    /// before it already taken from `specials`). Returns how many lines it split and whether it
    /// can go on (false: the next line is one the fast path does not handle).
    fn split_lines(
        &mut self,
        lines: &[u8],
        specials: &mut Specials,
        field_start: &mut usize,
        max_lines: usize,
    ) -> (usize, bool) {
        let width = self.slots.len();
        let mut count = 0;
        while *field_start < lines.len() && count < max_lines {
            let mut column = 0;
            loop {
                let start = *field_start;
                let at = specials.next_position();
                // What ends the field, and where the next one starts.
                let (ends_line, next) = match lines.get(at) {
                    Some(&b) if b == self.sep => (false, at + 1),
                    None => (true, at),
                    Some(b'\n') => (true, at + 1),
                    Some(b'\r') if lines.get(at + 1) == Some(&b'\n') => {
                        specials.next_position(); // the `\n`
                        (true, at + 2)
                    }
                    // A quote, or a lone carriage return (a line end to the csv crate).
                    Some(_) => return (count, false),
                };
                if column >= width || (ends_line && column == 0 && at == start) {
                    return (count, false); // more fields than columns, or a blank line
                }
                if let Some(slot) = self.slots[column] {
                    self.bounds[slot * COLUMN_STRIDE + count] = (start as u32, at as u32);
                }
                column += 1;
                *field_start = next;
                if ends_line {
                    break;
                }
            }
            for slot in self.slots[column..].iter().flatten() {
                self.bounds[slot * COLUMN_STRIDE + count] = ABSENT; // a short line
            }
            count += 1;
        }
        (count, true)
    }

    /// Converts the first `count` lines split by `split_lines` into the builders, column by
    /// column; false when a value does not convert.
    fn append_lines(&mut self, bytes: &[u8], count: usize, ascii: bool) -> bool {
        for (column, builder) in self.builders.iter_mut().enumerate() {
            let fields = ColumnFields {
                bytes,
                bounds: &self.bounds[column * COLUMN_STRIDE..column * COLUMN_STRIDE + count],
                ascii,
            };
            if !builder.append(&fields, self.na) {
                return false;
            }
        }
        true
    }

    fn batch(&mut self, rows: usize) -> Result<RecordBatch> {
        let columns: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        RecordBatch::try_new_with_options(Arc::clone(&self.schema), columns, &options)
            .map_err(|e| DdqError::execution(format!("cannot assemble a parsed batch: {e}")))
    }
}

/// Whether `bytes` holds a `\r` not followed by `\n` (one at the very end may yet be).
fn lone_cr(bytes: &[u8]) -> bool {
    bytes
        .windows(2)
        .any(|pair| pair[0] == b'\r' && pair[1] != b'\n')
}

/// Appends up to a chunk of `input` to `buffer`; true at the end of the input. (`read_to_end`
/// reads into the buffer's spare capacity without zeroing it first.)
fn fill(input: &mut impl Read, buffer: &mut Vec<u8>) -> Result<bool> {
    let read = input
        .take(READ_CHUNK as u64)
        .read_to_end(buffer)
        .map_err(|e| DdqError::input(format!("cannot read the file: {e}")))?;
    Ok(read == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::Array;
    use datafusion::arrow::datatypes::{Field, Schema};
    use std::fmt::Write as _;

    const TYPES: [DataType; 4] = [
        DataType::Int64,
        DataType::Utf8,
        DataType::Float64,
        DataType::Boolean,
    ];

    /// Runs the reader over `text` (with a header line) for `projection`, in batches of
    /// `batch_size`; the batches it passed on and how it ended.
    fn read(text: &str, projection: &[usize], batch_size: usize) -> (Vec<RecordBatch>, FastEnd) {
        let na = NaValues::new(&[]);
        let fields: Vec<Field> = projection
            .iter()
            .map(|&c| Field::new(format!("c{c}"), TYPES[c].clone(), true))
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let mut reader = FastReader::new(b',', &na, &TYPES, projection, schema, batch_size)
            .expect("the fast path takes these types");
        let mut batches = Vec::new();
        let end = reader
            .run(text.as_bytes(), true, &mut |batch| {
                batches.push(batch);
                Ok(true)
            })
            .expect("no read error");
        (batches, end)
    }

    fn texts(batches: &[RecordBatch], column: usize) -> Vec<Option<String>> {
        let mut values = Vec::new();
        for batch in batches {
            let array = batch.column(column);
            let formatter = datafusion::arrow::util::display::ArrayFormatter::try_new(
                array.as_ref(),
                &Default::default(),
            )
            .expect("formatter");
            for row in 0..array.len() {
                values.push((!array.is_null(row)).then(|| formatter.value(row).to_string()));
            }
        }
        values
    }

    #[test]
    fn converts_each_type_with_pandas_missing_values() {
        let text = "i,s,f,b\n1,x,1.5,True\n-2,NA,,false\n,,NaN,0\n4,null,nan,\n5,N444AA,-1e3,1\n";
        let (batches, end) = read(text, &[0, 1, 2, 3], 2);
        assert_eq!(end, FastEnd::Complete);
        assert_eq!(
            batches.iter().map(|b| b.num_rows()).collect::<Vec<_>>(),
            [2, 2, 1]
        );
        let some = |v: &str| Some(v.to_string());
        assert_eq!(
            texts(&batches, 0),
            [some("1"), some("-2"), None, some("4"), some("5")]
        );
        assert_eq!(
            texts(&batches, 1),
            [some("x"), None, None, None, some("N444AA")]
        );
        assert_eq!(
            texts(&batches, 2),
            [some("1.5"), None, None, None, some("-1000.0")]
        );
        assert_eq!(
            texts(&batches, 3),
            [
                some("true"),
                some("false"),
                some("false"),
                None,
                some("true")
            ]
        );
    }

    #[test]
    fn reads_only_the_projection_in_its_order_and_short_lines_as_missing() {
        let text = "i,s,f,b\r\n7,a,2.5,True\r\n8,b\r\n9,c,3,False";
        let (batches, end) = read(text, &[2, 0], 10);
        assert_eq!(end, FastEnd::Complete);
        let some = |v: &str| Some(v.to_string());
        assert_eq!(texts(&batches, 0), [some("2.5"), None, some("3.0")]);
        assert_eq!(texts(&batches, 1), [some("7"), some("8"), some("9")]);
    }

    #[test]
    fn gives_up_at_what_it_does_not_handle_after_whole_batches_only() {
        let plain = "1,a,1.0,True\n".repeat(5);
        for (odd_line, why) in [
            ("6,\"q\",1.0,True\n", "a quote"),
            ("\n", "a blank line"),
            ("6,a,1.0,True,extra\n", "too many fields"),
            ("6,a,x1.0,True\n", "a value that does not parse"),
            ("6,a,1.0,maybe\n", "a bool that does not parse"),
            ("6,a\r1.0,True\n", "a lone carriage return"),
        ] {
            let text = format!("i,s,f,b\n{plain}{odd_line}{plain}");
            let (batches, end) = read(&text, &[0, 1, 2, 3], 2);
            assert_eq!(end, FastEnd::GaveUp { rows: 4 }, "{why}");
            assert_eq!(batches.len(), 2, "{why}");
        }
    }

    #[test]
    fn a_header_with_a_quote_or_lone_carriage_returns_is_left_to_arrow_csv() {
        for text in ["i,s,f,b\r1,a,1.0,True\r", "i,\"s\",f,b\n1,a,1.0,True\n"] {
            let (batches, end) = read(text, &[0, 1, 2, 3], 2);
            assert_eq!(end, FastEnd::GaveUp { rows: 0 }, "{text:?}");
            assert!(batches.is_empty(), "{text:?}");
        }
        let (batches, end) = read("i,s,f,b\r\n1,a,1.0,True\r\n", &[0, 1, 2, 3], 2);
        assert_eq!((end, batches[0].num_rows()), (FastEnd::Complete, 1));
    }

    /// A reader handing out a few bytes at a time, so lines straddle every read.
    struct Trickle<'t>(&'t [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(out.len()).min(5);
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn lines_split_across_reads_and_text_beyond_ascii() {
        let mut text = String::from("i,s,f,b\n");
        for k in 0..40 {
            writeln!(text, "{k},café {k}€,{k}.25,{}", k % 2 == 0).expect("fmt");
        }
        let (whole, end) = read(&text, &[0, 1, 2, 3], 8);
        assert_eq!(end, FastEnd::Complete);
        let na = NaValues::new(&[]);
        let mut reader =
            FastReader::new(b',', &na, &TYPES, &[0, 1, 2, 3], whole[0].schema(), 8).expect("r");
        let mut trickled = Vec::new();
        let end = reader
            .run(Trickle(text.as_bytes()), true, &mut |batch| {
                trickled.push(batch);
                Ok(true)
            })
            .expect("no read error");
        assert_eq!(end, FastEnd::Complete);
        for column in 0..4 {
            assert_eq!(texts(&trickled, column), texts(&whole, column));
        }
        assert_eq!(texts(&whole, 1)[39].as_deref(), Some("café 39€"));
        assert_eq!(texts(&whole, 0).len(), 40);
    }

    #[test]
    fn gives_up_on_text_that_is_not_utf8() {
        let mut bytes = b"i,s,f,b\n1,a,1.0,True\n2,".to_vec();
        bytes.extend_from_slice(&[0xff, 0xfe]);
        bytes.extend_from_slice(b",2.0,False\n");
        let na = NaValues::new(&[]);
        let schema = Arc::new(Schema::new(vec![Field::new("s", DataType::Utf8, true)]));
        let mut reader = FastReader::new(b',', &na, &TYPES, &[1], schema, 8).expect("reader");
        let end = reader
            .run(&bytes[..], true, &mut |_| Ok(true))
            .expect("no read error");
        assert_eq!(end, FastEnd::GaveUp { rows: 0 });
    }

    #[test]
    fn quick_number_parsers_agree_with_arrows() {
        let floats = [
            "0",
            "-0",
            "1",
            "-3.0",
            "2142.0",
            "0.1",
            "0.3",
            "123.456",
            "-0.000001",
            "9007199254740993",
            "9007199254740992.5",
            "1.7976931348623157",
            "12345678901234567.8",
            ".5",
            "5.",
            "-.25",
        ];
        for text in floats {
            let quick = plain_decimal(text.as_bytes());
            let full = Float64Type::parse(text);
            if let Some(quick) = quick {
                assert_eq!(Some(quick.to_bits()), full.map(f64::to_bits), "{text}");
            }
        }
        assert_eq!(plain_decimal(b"2142.0"), Some(2142.0));
        for text in [
            "", "-", ".", "1e5", "inf", "NaN", "1.2.3", "+1", " 1", "1,5",
        ] {
            assert_eq!(plain_decimal(text.as_bytes()), None, "{text:?}");
        }
        for text in ["0", "-7", "123456789012345678", "2145"] {
            assert_eq!(
                plain_integer(text.as_bytes()),
                Int64Type::parse(text),
                "{text}"
            );
        }
        for text in ["", "-", "1.0", "+1", "1234567890123456789", " 1", "1 "] {
            assert_eq!(plain_integer(text.as_bytes()), None, "{text:?}");
        }
    }

    #[test]
    fn stops_when_the_consumer_stops() {
        let text = format!("i,s,f,b\n{}", "1,a,1.0,True\n".repeat(10));
        let na = NaValues::new(&[]);
        let schema = Arc::new(Schema::new(vec![Field::new("i", DataType::Int64, true)]));
        let mut reader = FastReader::new(b',', &na, &TYPES, &[0], schema, 3).expect("reader");
        let mut seen = 0;
        let end = reader
            .run(text.as_bytes(), true, &mut |_| {
                seen += 1;
                Ok(false)
            })
            .expect("no read error");
        assert_eq!((end, seen), (FastEnd::Stopped, 1));
    }

    #[test]
    fn leaves_other_types_and_other_missing_values_to_arrow_csv() {
        let schema = Arc::new(Schema::new(Vec::<Field>::new()));
        let default_na = NaValues::new(&[]);
        let timestamps = [DataType::Timestamp(
            datafusion::arrow::datatypes::TimeUnit::Nanosecond,
            None,
        )];
        assert!(FastReader::new(b',', &default_na, &timestamps, &[0], schema.clone(), 8).is_none());
        assert!(FastReader::new(b',', &default_na, &timestamps, &[], schema.clone(), 8).is_some());
        let extra_na = NaValues::new(&["-999".to_string()]);
        assert!(FastReader::new(b',', &extra_na, &TYPES, &[0], schema, 8).is_none());
    }
}
