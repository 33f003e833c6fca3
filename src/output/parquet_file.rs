//! Parquet as one more result writer, so writing files streams through the same path as
//! printing results.

use crate::error::{DdqError, Result};
use crate::output::ResultWriter;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use std::fs::File;

pub struct ParquetResultWriter {
    writer: ArrowWriter<File>,
}

impl ParquetResultWriter {
    pub fn new(schema: SchemaRef, file: File) -> Result<ParquetResultWriter> {
        let writer = ArrowWriter::try_new(file, schema, None).map_err(parquet_error)?;
        Ok(ParquetResultWriter { writer })
    }
}

impl ResultWriter for ParquetResultWriter {
    fn write_batch(&mut self, batch: &RecordBatch) -> Result<()> {
        self.writer.write(batch).map_err(parquet_error)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.writer.close().map(|_| ()).map_err(parquet_error)
    }
}

fn parquet_error(err: datafusion::parquet::errors::ParquetError) -> DdqError {
    DdqError::input(format!("cannot write Parquet: {err}"))
}
