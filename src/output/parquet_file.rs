//! Parquet as one more result writer, so writing files (`to_parquet`, `--format parquet`)
//! streams through the same path as printing results.

use crate::error::{DdqError, Result};
use crate::output::ResultWriter;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use std::io::Write;

pub struct ParquetResultWriter {
    writer: ArrowWriter<Box<dyn Write + Send>>,
}

impl ParquetResultWriter {
    pub fn new(schema: SchemaRef, out: Box<dyn Write + Send>) -> Result<ParquetResultWriter> {
        let writer = ArrowWriter::try_new(out, schema, None).map_err(parquet_error)?;
        Ok(ParquetResultWriter { writer })
    }
}

impl ResultWriter for ParquetResultWriter {
    fn write_batch(&mut self, batch: &RecordBatch) -> Result<()> {
        self.writer.write(batch).map_err(parquet_error)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let mut out = self.writer.into_inner().map_err(parquet_error)?;
        out.flush().map_err(super::write_error)
    }
}

fn parquet_error(err: datafusion::parquet::errors::ParquetError) -> DdqError {
    DdqError::input(format!("cannot write Parquet: {err}"))
}
