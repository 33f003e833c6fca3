//! `to_csv`, `to_parquet` and `to_json`: streams a frame, in pandas order, into files. Every file is written
//! under a temporary name and renamed into place only after all of them are complete, so an
//! error or Ctrl-C leaves no partial file and never replaces a good one.

use crate::config::display::{DisplayOptions, Format};
use crate::engine::executor::Executor;
use crate::error::{DdqError, Result};
use crate::output::{self, Layout, ParquetResultWriter, ResultKind, ResultWriter};
use crate::plan::frame;
use crate::plan::order::display_frame;
use crate::plan::value::{FileFormat, Frame, Value, WriteRequest};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// Temporary files not yet renamed into place; dropping the guard removes them, which is what
/// makes an error or a cancelled future leave nothing behind.
struct PendingFiles {
    files: Vec<(PathBuf, PathBuf)>,
}

impl PendingFiles {
    fn temp_for(&mut self, path: PathBuf) -> PathBuf {
        crate::output::temporary::sweep_stale(&path);
        let temp = crate::output::temporary::journaled_temporary(&path);
        self.files.push((temp.clone(), path));
        temp
    }

    fn commit(mut self) -> Result<()> {
        // Each file left in `files` on an error is removed (and settled) by `drop`.
        while let Some((temp, path)) = self.files.pop() {
            std::fs::rename(&temp, &path).map_err(|e| {
                DdqError::input(format!(
                    "cannot move the finished file to {}: {e}",
                    path.display()
                ))
            })?;
            crate::output::temporary::settled(&temp);
        }
        Ok(())
    }
}

impl Drop for PendingFiles {
    fn drop(&mut self) {
        for (temp, _) in &self.files {
            let _ = std::fs::remove_file(temp);
            crate::output::temporary::settled(temp);
        }
    }
}

/// Performs a write; returns the number of rows written and the files, for the notice.
pub async fn perform(executor: &Executor, request: &WriteRequest) -> Result<(usize, Vec<PathBuf>)> {
    let targets = targets(request)?;
    let mut pending = PendingFiles { files: Vec::new() };
    let mut rows = 0;
    let mut written = Vec::new();
    for (frame, path) in targets {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                DdqError::input(format!("cannot create directory {}: {e}", dir.display()))
            })?;
        }
        let temp = pending.temp_for(path.clone());
        rows += write_file(executor, &frame, request.format, &temp).await?;
        written.push(path);
    }
    pending.commit()?;
    Ok((rows, written))
}

/// Which frame goes to which file: one file, or one per partition.
fn targets(request: &WriteRequest) -> Result<Vec<(Frame, PathBuf)>> {
    let path = request.path.as_str();
    let per_partition = match request.format {
        FileFormat::Csv | FileFormat::Json(_) => path.contains('*'),
        FileFormat::Parquet(_) => !path.ends_with(".parquet"),
    };
    if !per_partition {
        return Ok(vec![(request.frame.clone(), PathBuf::from(path))]);
    }
    let partitions = if request.frame.partition.is_some() {
        request.frame.npartitions
    } else {
        1
    };
    let mut out = Vec::with_capacity(partitions);
    for i in 0..partitions {
        let part = if request.frame.partition.is_some() {
            match frame::partition(request.frame.clone(), Value::Int(i as i64))? {
                Value::Frame(f) => f,
                _ => return Err(DdqError::execution("a partition is not a frame")),
            }
        } else {
            request.frame.clone()
        };
        let file = match request.format {
            FileFormat::Csv | FileFormat::Json(_) => {
                PathBuf::from(path.replacen('*', &i.to_string(), 1))
            }
            FileFormat::Parquet(_) => Path::new(path).join(format!("part.{i}.parquet")),
        };
        out.push((part, file));
    }
    Ok(out)
}

async fn write_file(
    executor: &Executor,
    frame: &Frame,
    format: FileFormat,
    temp: &Path,
) -> Result<usize> {
    let (df, schema) = display_frame(frame)?;
    let file = File::create(temp)
        .map_err(|e| DdqError::input(format!("cannot write {}: {e}", temp.display())))?;
    let writer: Box<dyn ResultWriter + Send> = match format {
        FileFormat::Csv => output::result_writer(
            Format::Csv,
            Layout {
                kind: ResultKind::Frame,
                index_columns: frame.index_columns,
            },
            schema.clone(),
            Box::new(BufWriter::new(file)),
            &DisplayOptions::default(),
        )?,
        FileFormat::Parquet(codec) => Box::new(ParquetResultWriter::new(
            schema.clone(),
            Box::new(BufWriter::new(file)),
            codec,
        )?),
        FileFormat::Json(records) => output::json_records_writer(
            schema.clone(),
            Box::new(BufWriter::new(file)),
            frame.index_columns,
            records,
        ),
    };
    executor.stream_into(df, schema, writer).await
}
