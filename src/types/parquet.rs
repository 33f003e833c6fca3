//! How Parquet files ddq writes are compressed: the codec names pandas and Dask take in
//! `to_parquet(compression=)`, shared by the planner (which reads the argument) and the
//! Parquet writer.

/// How `to_parquet(compression=)` compresses the pages: pandas' and Dask's names, snappy by
/// default as theirs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParquetCodec {
    Uncompressed,
    #[default]
    Snappy,
    Gzip,
    Zstd,
    Lz4,
    Brotli,
}

impl ParquetCodec {
    /// The codec pandas calls `name` (`None` is written `"none"` here).
    pub fn named(name: &str) -> Option<ParquetCodec> {
        Some(match name.to_ascii_lowercase().as_str() {
            "none" | "uncompressed" => ParquetCodec::Uncompressed,
            "snappy" => ParquetCodec::Snappy,
            "gzip" => ParquetCodec::Gzip,
            "zstd" => ParquetCodec::Zstd,
            "lz4" => ParquetCodec::Lz4,
            "brotli" => ParquetCodec::Brotli,
            _ => return None,
        })
    }
}
