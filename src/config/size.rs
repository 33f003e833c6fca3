//! Sizes as people write them (`256MB`, `2GiB`, `auto`) and as ddq prints them, and the default
//! memory limit: the one size parser of settings, flags, `Client(memory_limit=...)` and workers.

use crate::error::{DdqError, Result};

/// Half the machine's memory, as a Dask worker on its own would get; 1 GB when it is unknown.
pub fn default_limit() -> u64 {
    let Ok(mut system) = sysinfo::System::new() else {
        return 1_000_000_000;
    };
    system.refresh_memory();
    match system.total_memory() {
        0 => 1_000_000_000,
        total => total / 2,
    }
}

/// `256MB`, `1.5GB`, `512MiB`, `2GiB`, `1000000` (bytes), or `auto`. Decimal units are powers of
/// 1000, as Dask reads them; `KiB`/`MiB`/`GiB`/`TiB` are powers of 1024.
pub fn parse_size(text: &str) -> Result<u64> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("auto") {
        return Ok(default_limit());
    }
    let invalid = || {
        DdqError::type_error(format!("`{text}` is not a size"))
            .with_help("write a size such as 256MB, 2GB, 512MiB or auto")
    };
    let bytes = text
        .parse::<bytesize::ByteSize>()
        .map_err(|_| invalid())?
        .as_u64();
    if !(1..=1_000_000_000_000_000_000).contains(&bytes) {
        return Err(invalid());
    }
    Ok(bytes)
}

/// A size as people write it: `256MB`, `12.3GB`.
pub fn format_size(bytes: u64) -> String {
    let b = bytes as f64;
    let (value, unit) = match bytes {
        0..1_000_000 => (b / 1e3, "kB"),
        1_000_000..1_000_000_000 => (b / 1e6, "MB"),
        _ => (b / 1e9, "GB"),
    };
    let text = format!("{value:.1}");
    format!("{}{unit}", text.strip_suffix(".0").unwrap_or(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_like_dask() {
        assert_eq!(parse_size("256MB").unwrap(), 256_000_000);
        assert_eq!(parse_size("1.5GB").unwrap(), 1_500_000_000);
        assert_eq!(parse_size("512MiB").unwrap(), 512 * 1024 * 1024);
        assert_eq!(parse_size("1000").unwrap(), 1000);
        assert_eq!(parse_size(" 2 gb ").unwrap(), 2_000_000_000);
        assert!(parse_size("auto").unwrap() > 0);
        for bad in ["", "MB", "-1GB", "12XB", "1.2.3GB", "0"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes_format_short() {
        assert_eq!(format_size(256_000_000), "256MB");
        assert_eq!(format_size(12_345_678_901), "12.3GB");
        assert_eq!(format_size(1_500), "1.5kB");
    }
}
