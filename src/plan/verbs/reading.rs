//! Reading files into frames and writing frames out: `read_csv`, `read_parquet`, `read_json`,
//! `to_csv`, `to_parquet`, `to_json`, and `visualize`, which draws a task graph to a file.

use super::Form::Method;
use super::Receiver as On;
use super::{Args, Verb, wrong_receiver};
use crate::error::Result;
use crate::plan::value::{FileFormat, Value};
use crate::plan::{Planner, frame, order, read, series};
use crate::types::parquet::ParquetCodec;
use crate::types::text::{JsonDates, JsonRecords};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "os.path.join",
        receivers: &[On::Function],
        form: Method,
        params: &["*paths"],
        signature: "os.path.join(\"data\", \"nycflights\", \"*.csv\")",
        summary: "Join path parts with `/`, as Python's os.path.join does (an absolute part starts over).",
        example: "os.path.join(\"data\", \"nycflights\", \"*.csv\")",
        expected: "'data/nycflights/*.csv'\n",
        plan: path_join,
        group: "Reading",
    },
    Verb {
        name: "read_csv",
        receivers: &[On::Function],
        form: Method,
        params: &[
            "path",
            "sep",
            "header",
            "dtype",
            "parse_dates",
            "usecols",
            "na_values",
            "blocksize",
            "delimiter",
            "storage_options",
        ],
        signature: "read_csv(path | glob | [paths], dtype={...}, parse_dates=..., usecols=[...], sep=\",\", header=0, na_values=[...])",
        summary: "Read CSV files lazily, one partition per file block; types are inferred from a sample of every file.",
        example: "ddf = read_csv(\"data/nycflights/*.csv\", parse_dates={\"Date\": [0, 1, 2]}); ddf.Date.max()",
        expected: "1999-12-31 00:00:00\n",
        plan: read::read_csv,
        group: "Reading",
    },
    Verb {
        name: "read_parquet",
        receivers: &[On::Function],
        form: Method,
        params: &["path", "columns", "storage_options"],
        signature: "read_parquet(path | glob | [paths], columns=[...])",
        summary: "Read Parquet files lazily, one partition per row group.",
        example: "len(read_parquet(\"data/nycflights-1990.parquet\"))",
        expected: "2040\n",
        plan: read::read_parquet,
        group: "Reading",
    },
    Verb {
        name: "read_json",
        receivers: &[On::Function],
        form: Method,
        params: &[
            "path",
            "orient",
            "lines",
            "convert_dates",
            "blocksize",
            "storage_options",
        ],
        signature: "read_json(path | glob | [paths], lines=True|False, orient=\"records\", convert_dates=True)",
        summary: "Read JSON records lazily, one partition per file: one object per line (lines=True) or an array of objects; types as pandas infers them.",
        example: "j = read_json(\"data/json/flights.jsonl\"); j.groupby(\"Origin\").Distance.sum()",
        expected: "Origin,Distance\nEWR,13492\nJFK,14850\nLGA,5842\n",
        plan: read::read_json,
        group: "Reading",
    },
    Verb {
        name: "to_csv",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["path", "index", "single_file"],
        signature: "to_csv(\"out.csv\" | \"out/*.csv\")",
        summary: "Write CSV: one file, or one file per partition when the name has a `*`. Files appear only when complete.",
        example: "ddf.head(100).to_csv(\"/tmp/ddq-example.csv\"); len(read_csv(\"/tmp/ddq-example.csv\"))",
        expected: "100\n",
        plan: to_csv,
        group: "Writing",
    },
    Verb {
        name: "to_parquet",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["path", "engine", "compression", "write_index"],
        signature: "to_parquet(\"out/\" | \"out.parquet\", compression=\"snappy\")",
        summary: "Write Parquet: a directory with one part.N.parquet per partition, or one .parquet file; compression snappy (default), gzip, zstd, lz4, brotli or None.",
        example: "ddf.head(100).to_parquet(\"/tmp/ddq-example.parquet\"); len(read_parquet(\"/tmp/ddq-example.parquet\"))",
        expected: "100\n",
        plan: to_parquet,
        group: "Writing",
    },
    Verb {
        name: "to_json",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["path", "orient", "lines", "date_format", "index"],
        signature: "to_json(\"out.json\" | \"out/*.json\", orient=\"records\", lines=True, date_format=\"epoch\"|\"iso\")",
        summary: "Write JSON records, one per line (or one array with lines=False), without the index: one file, or one per partition when the name has a `*`.",
        example: "ddf.head(100).to_json(\"/tmp/ddq-example.jsonl\"); len(read_json(\"/tmp/ddq-example.jsonl\"))",
        expected: "100\n",
        plan: to_json,
        group: "Writing",
    },
    Verb {
        name: "visualize",
        receivers: &[On::Frame, On::Series, On::Scalar],
        form: Method,
        params: &["filename", "format"],
        signature: "visualize(filename=\"mydask\", format=\"png\")",
        summary: "Draw the task graph (a node per partition task, grouped by operator) as PNG, SVG or DOT; no graphviz needed.",
        example: "ddf.groupby(\"Dest\")[\"ArrDelay\"].min().visualize(\"/tmp/ddq-example-graph.svg\")",
        expected: "",
        plan: visualize,
        group: "Writing",
    },
];

/// `to_csv(path)`: a request the session carries out when the statement runs.
fn to_csv(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [path, _index, single_file] = args.params()?;
    let frame = frame_of(receiver, args)?;
    frame::write_request(frame, FileFormat::Csv, path, Some(single_file))
}

/// `to_parquet(path)`
/// `to_parquet(path, engine="auto", compression="snappy", write_index=False)`: ddq writes with
/// Arrow's own Parquet writer whatever `engine` names; the index is written as the columns it
/// is, as `write_index` does.
fn to_parquet(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [path, engine, compression, _write_index] = args.params()?;
    if let Some(name) = engine.given()
        && !matches!(name, Value::Str(e) if ["auto", "pyarrow", "fastparquet", "arrow"].contains(&e.as_str()))
    {
        return Err(engine.invalid("engine is \"auto\", \"pyarrow\" or \"fastparquet\""));
    }
    let codec = match compression.value() {
        None => ParquetCodec::default(),
        Some(Value::None) => ParquetCodec::Uncompressed,
        Some(Value::Str(name)) => ParquetCodec::named(name).ok_or_else(|| {
            compression
                .invalid(format!("unknown compression {name:?}"))
                .with_help("use snappy, gzip, zstd, lz4, brotli or None")
        })?,
        Some(other) => {
            return Err(compression.invalid(format!(
                "compression is a codec's name or None, not {}",
                other.kind_name()
            )));
        }
    };
    frame::write_request(
        frame_of(receiver, args)?,
        FileFormat::Parquet(codec),
        path,
        None,
    )
}

/// `to_json(path, orient="records", lines=True, date_format="epoch")`: Dask's defaults (pandas'
/// own `to_json` defaults to `orient="columns"`, which ddq does not write).
fn to_json(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [path, orient, lines, date_format, index] = args.params()?;
    read::records_orient(orient, "writes")?;
    if index.bool_or(false)? {
        return Err(index
            .invalid("orient=\"records\" writes no index, as pandas refuses index=True with it")
            .with_help("to keep the index, write df.reset_index().to_json(...)"));
    }
    let dates = match date_format.str_or("epoch")? {
        "epoch" => JsonDates::EpochMillis,
        "iso" => JsonDates::IsoMillis,
        other => {
            return Err(date_format.invalid(format!(
                "date_format=\"{other}\" is not one of \"epoch\" (milliseconds since 1970) and \"iso\""
            )));
        }
    };
    let records = JsonRecords {
        lines: lines.bool_or(true)?,
        dates,
        values_only: matches!(receiver, Value::Series(_)),
    };
    let frame = frame_of(receiver, args)?;
    frame::write_request(frame, FileFormat::Json(records), path, None)
}

/// `visualize(filename=, format=)`: the task graph of a frame, a series or a scalar.
fn visualize(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [filename, format] = args.params()?;
    let plan = match receiver {
        Value::Scalar(scalar) => (scalar.to_dataframe(planner.ctx)?, 1),
        other => order::task_plan(&frame_of(other, args)?)?,
    };
    frame::visualize_request(plan, filename, format)
}

/// A frame, or a series as a one-column frame.
fn frame_of(receiver: Value, args: &Args) -> Result<crate::plan::value::Frame> {
    match receiver {
        Value::Frame(frame) => Ok(frame),
        Value::Series(s) => series::to_frame(&s),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `os.path.join(*paths)`, as Python's `posixpath.join`.
fn path_join(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [paths] = args.params()?;
    let Some(Value::List(parts)) = paths.value() else {
        return Err(paths.invalid("os.path.join() needs at least one path"));
    };
    let mut joined = String::new();
    for part in parts {
        let Value::Str(part) = part else {
            return Err(paths.invalid(format!(
                "os.path.join() takes strings, not {}",
                part.kind_name()
            )));
        };
        if part.starts_with('/') || joined.is_empty() {
            joined = part.clone();
        } else if joined.ends_with('/') {
            joined.push_str(part);
        } else {
            joined.push('/');
            joined.push_str(part);
        }
    }
    Ok(Value::Str(joined))
}
