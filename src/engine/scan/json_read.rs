//! Reads one partition of a JSON table: one file, as Dask's `read_json` partitions (its default
//! `blocksize=None`). arrow-json decodes the records into the types `json_schema` decided when
//! the table opened; pandas' conversions after parsing (whole floats to ints, number text to
//! numbers, epochs and date text to datetimes) are applied to each batch.

use super::ReadRequest;
use super::csv_read::absolute;
use super::files::display;
use super::json_schema::{
    Convert, Inference, JsonColumn, Layout, table_types, text_date, text_number,
};
use super::parquet_read::emit_row_counts;
use crate::engine::progress::ScanProgress;
use crate::error::{DdqError, Result};
use crate::plan::sources::{JsonOptions, PART_COLUMN, ROW_COLUMN};
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Float64Array, RecordBatch, TimestampNanosecondArray, new_null_array,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Int64Type, Schema, SchemaRef};
use datafusion::arrow::json::ReaderBuilder;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A JSON source as plain data, for Ballista's plan serialisation: the files, how each holds
/// its records and how many, and the columns already inferred.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct JsonSpec {
    files: Vec<PathBuf>,
    layouts: Vec<Layout>,
    rows: Vec<u64>,
    /// Each file's columns, typed on their own.
    columns: Vec<Vec<JsonColumn>>,
    /// The table's columns and their types' names (Arrow's), unified over the files.
    table: Vec<(String, String)>,
}

/// Everything needed to read any partition (file) of a JSON table.
#[derive(Debug)]
pub(crate) struct JsonSource {
    spec: JsonSpec,
    schema: SchemaRef,
}

impl JsonSource {
    /// Reads every record of every file once, to type the columns as pandas would.
    pub(crate) fn open(files: Vec<PathBuf>, options: &JsonOptions) -> Result<JsonSource> {
        let mut layouts = Vec::with_capacity(files.len());
        let mut rows = Vec::with_capacity(files.len());
        let mut columns = Vec::with_capacity(files.len());
        for path in &files {
            let mut inference = Inference::default();
            let (layout, count) = inference.read_file(path, options.lines)?;
            layouts.push(layout);
            rows.push(count);
            columns.push(inference.columns(options.convert_dates));
        }
        let table = table_types(&columns);
        if let Some((reserved, _)) = table
            .iter()
            .find(|(name, _)| name == PART_COLUMN || name == ROW_COLUMN)
        {
            return Err(DdqError::input(format!(
                "a record has a key named {reserved:?}, a name ddq reserves for row order"
            )));
        }
        JsonSource::from_spec(JsonSpec {
            files,
            layouts,
            rows,
            columns,
            table: table
                .into_iter()
                .map(|(name, t)| (name, t.to_string()))
                .collect(),
        })
    }

    pub(crate) fn from_spec(spec: JsonSpec) -> Result<JsonSource> {
        let n = spec.files.len();
        if spec.layouts.len() != n || spec.rows.len() != n || spec.columns.len() != n {
            return Err(DdqError::execution(
                "a JSON scan arrived with its files mismatched",
            ));
        }
        let fields = spec
            .table
            .iter()
            .map(|(name, t)| {
                let t = t
                    .parse::<DataType>()
                    .map_err(|e| DdqError::execution(format!("unknown column type {t:?}: {e}")))?;
                Ok(Field::new(name, t, true))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(JsonSource {
            spec,
            schema: Arc::new(Schema::new(fields)),
        })
    }

    pub(crate) fn spec(&self) -> JsonSpec {
        JsonSpec {
            files: self.spec.files.iter().map(|f| absolute(f)).collect(),
            ..self.spec.clone()
        }
    }

    pub(crate) fn files(&self) -> &[PathBuf] {
        &self.spec.files
    }

    /// The visible columns, without the hidden ordering columns.
    pub(crate) fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    pub(crate) fn partition_count(&self) -> usize {
        self.spec.files.len()
    }

    pub(crate) fn partition_bytes(&self, partition: usize) -> u64 {
        self.spec
            .files
            .get(partition)
            .and_then(|f| std::fs::metadata(f).ok())
            .map_or(0, |m| m.len())
    }

    /// Reads a partition as [`ReadRequest`] says: one file.
    pub(crate) fn read(
        &self,
        request: ReadRequest,
        emit: &mut dyn FnMut(RecordBatch) -> Result<bool>,
    ) -> Result<()> {
        let partition = request.partition;
        let (Some(path), Some(&layout), Some(&rows)) = (
            self.spec.files.get(partition),
            self.spec.layouts.get(partition),
            self.spec.rows.get(partition),
        ) else {
            return Err(DdqError::execution(format!(
                "no JSON partition {partition}"
            )));
        };
        let rows = usize::try_from(rows).unwrap_or(usize::MAX);
        let mut left = request.limit.map_or(rows, |l| l.min(rows));
        if request.columns.is_empty() {
            // Only row counts are needed, and opening the table counted the records.
            return emit_row_counts(left, request.batch_size, emit);
        }
        let output = Arc::new(
            self.schema
                .project(request.columns)
                .map_err(|e| DdqError::execution(e.to_string()))?,
        );
        // The file's own columns among those asked for; the others it lacks are all missing.
        let chosen: Vec<&JsonColumn> = self.spec.columns[partition]
            .iter()
            .filter(|c| output.field_with_name(&c.name).is_ok())
            .collect();
        let decoded = Schema::new(
            chosen
                .iter()
                .map(|c| Field::new(&c.name, c.decoded_type(), true))
                .collect::<Vec<_>>(),
        );
        let reader = ReaderBuilder::new(Arc::new(decoded))
            .with_batch_size(request.batch_size.max(1))
            .with_coerce_primitive(true)
            .build(records(path, layout, request.progress)?)
            .map_err(|e| read_error(path, e))?;
        for batch in reader {
            let batch = batch.map_err(|e| read_error(path, e))?;
            let batch = converted(&batch, &chosen, &output)?;
            let batch = batch.slice(0, batch.num_rows().min(left));
            left -= batch.num_rows();
            if batch.num_rows() > 0 && !emit(batch)? {
                return Ok(());
            }
            if left == 0 {
                break;
            }
        }
        Ok(())
    }
}

/// The file's records as JSON lines: a lines file as it is (past a byte-order mark), an array
/// of records parsed and written one per line (pandas reads such a file whole, too).
fn records(
    path: &Path,
    layout: Layout,
    progress: Option<&Arc<ScanProgress>>,
) -> Result<Box<dyn BufRead + Send>> {
    let file = File::open(path).map_err(|e| super::csv_schema::open_error(path, e))?;
    let counted = Counted {
        inner: file,
        progress: progress.cloned(),
    };
    let mut reader = BufReader::new(counted);
    let head = reader.fill_buf().map_err(|e| read_error(path, e))?;
    if head.starts_with("\u{feff}".as_bytes()) {
        reader.consume(3);
    }
    if layout == Layout::Lines {
        return Ok(Box::new(reader));
    }
    let values: Vec<serde_json::Value> =
        serde_json::from_reader(reader).map_err(|e| read_error(path, e))?;
    let mut lines = Vec::new();
    for value in values {
        serde_json::to_writer(&mut lines, &value).map_err(|e| read_error(path, e))?;
        lines.push(b'\n');
    }
    Ok(Box::new(Cursor::new(lines)))
}

/// A file whose bytes count towards the scan's progress as they are read.
struct Counted {
    inner: File,
    progress: Option<Arc<ScanProgress>>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(progress) = &self.progress {
            progress.add_read(n as u64);
        }
        Ok(n)
    }
}

fn read_error(path: &Path, err: impl std::fmt::Display) -> DdqError {
    DdqError::input(format!("{}: {err}", display(path)))
}

/// A decoded batch with each column converted as pandas converts it.
fn converted(
    batch: &RecordBatch,
    columns: &[&JsonColumn],
    output: &SchemaRef,
) -> Result<RecordBatch> {
    let arrow = |e: datafusion::arrow::error::ArrowError| DdqError::execution(e.to_string());
    let arrays = output
        .fields()
        .iter()
        .map(|field| {
            let found = columns.iter().position(|c| c.name == *field.name());
            let Some(index) = found else {
                return Ok(new_null_array(field.data_type(), batch.num_rows()));
            };
            let array = convert(batch.column(index), columns[index].convert)?;
            cast(&array, field.data_type()).map_err(arrow)
        })
        .collect::<Result<Vec<_>>>()?;
    RecordBatch::try_new(Arc::clone(output), arrays).map_err(|e| DdqError::execution(e.to_string()))
}

fn convert(array: &ArrayRef, convert: Convert) -> Result<ArrayRef> {
    let arrow = |e: datafusion::arrow::error::ArrowError| DdqError::execution(e.to_string());
    Ok(match convert {
        Convert::Keep => Arc::clone(array),
        Convert::ToFloat => Arc::new(floats(array)?),
        Convert::ToInt => cast(&floats(array)?, &DataType::Int64).map_err(arrow)?,
        Convert::Epoch(nanos) => Arc::new(epochs(array, nanos)?),
        Convert::ParseDate => Arc::new(
            array
                .as_string::<i32>()
                .iter()
                .map(|text| text.and_then(text_date))
                .collect::<TimestampNanosecondArray>(),
        ),
    })
}

/// Numbers, from text as Python's `float()` reads it; NaN is missing, as in pandas.
fn floats(array: &ArrayRef) -> Result<Float64Array> {
    let values: Float64Array = match array.data_type() {
        DataType::Utf8 => array
            .as_string::<i32>()
            .iter()
            .map(|text| text.and_then(text_number))
            .collect(),
        _ => cast(array, &DataType::Float64)
            .map_err(|e| DdqError::execution(e.to_string()))?
            .as_primitive::<Float64Type>()
            .clone(),
    };
    Ok(values.iter().map(|v| v.filter(|v| !v.is_nan())).collect())
}

/// Epoch numbers in units of `nanos` nanoseconds, as datetimes.
fn epochs(array: &ArrayRef, nanos: i64) -> Result<TimestampNanosecondArray> {
    if array.data_type() == &DataType::Int64 {
        return Ok(array
            .as_primitive::<Int64Type>()
            .iter()
            .map(|v| v.and_then(|v| v.checked_mul(nanos)))
            .collect());
    }
    Ok(floats(array)?
        .iter()
        .map(|v| v.map(|v| (v * nanos as f64).round() as i64))
        .collect())
}
