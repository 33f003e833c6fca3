//! Parquet as one more result writer, so writing files (`to_parquet`, `--format parquet`)
//! streams through the same path as printing results.

use crate::error::{DdqError, Result};
use crate::output::ResultWriter;
use crate::types::parquet::ParquetCodec;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{BrotliLevel, Compression, GzipLevel, ZstdLevel};
use datafusion::parquet::file::properties::WriterProperties;
use std::io::Write;

pub struct ParquetResultWriter {
    writer: ArrowWriter<Box<dyn Write + Send>>,
}

impl ParquetResultWriter {
    pub fn new(
        schema: SchemaRef,
        out: Box<dyn Write + Send>,
        codec: ParquetCodec,
    ) -> Result<ParquetResultWriter> {
        let properties = WriterProperties::builder()
            .set_compression(compression(codec))
            .build();
        let writer = ArrowWriter::try_new(out, schema, Some(properties)).map_err(parquet_error)?;
        Ok(ParquetResultWriter { writer })
    }
}

/// The parquet crate's codec for `codec`, at its default level.
fn compression(codec: ParquetCodec) -> Compression {
    match codec {
        ParquetCodec::Uncompressed => Compression::UNCOMPRESSED,
        ParquetCodec::Snappy => Compression::SNAPPY,
        ParquetCodec::Gzip => Compression::GZIP(GzipLevel::default()),
        ParquetCodec::Zstd => Compression::ZSTD(ZstdLevel::default()),
        ParquetCodec::Lz4 => Compression::LZ4_RAW,
        ParquetCodec::Brotli => Compression::BROTLI(BrotliLevel::default()),
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
