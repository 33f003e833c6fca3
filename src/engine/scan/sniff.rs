//! What a file's first bytes say it is, when that is not UTF-8 CSV text ddq reads: compressed
//! other than by gzip (bzip2, xz, zstd, zip), UTF-16 or UTF-32 text, or binary data. Such a
//! file parses as one garbage column without an error, so it is refused up front, by name,
//! with how to read it.

use super::files::display;
use super::gzip::starts_gzip;
use crate::error::{DdqError, Result};
use std::path::Path;

/// Bytes of a file's start that [`check_start`] looks at.
pub(crate) const SNIFF_BYTES: usize = 4096;

/// Refuses a file whose first bytes (`head`, up to [`SNIFF_BYTES`]) show it is not text ddq
/// reads.
pub(crate) fn check_start(path: &Path, head: &[u8]) -> Result<()> {
    if starts_gzip(head) {
        return Ok(()); // read decompressed
    }
    if let Some(format) = compression(head) {
        return Err(DdqError::input(format!(
            "{} is {format}-compressed, not CSV text",
            display(path)
        ))
        .with_help(format!(
            "ddq does not decompress files yet; decompress it first ({})",
            decompress_command(format, path)
        )));
    }
    if let Some(encoding) = wide_encoding(head) {
        return Err(DdqError::input(format!(
            "{} is {encoding} text; ddq reads UTF-8",
            display(path)
        ))
        .with_help(format!(
            "convert it: iconv -f {encoding} -t UTF-8 {} > converted.csv",
            display(path)
        )));
    }
    if binary(head) {
        return Err(DdqError::input(format!(
            "{} holds binary data, not CSV text (many zero bytes in its first {} bytes)",
            display(path),
            head.len()
        )));
    }
    Ok(())
}

/// The compression a file's magic number names.
fn compression(head: &[u8]) -> Option<&'static str> {
    // gzip is read (see `gzip`); these are not yet.
    const MAGIC: [(&[u8], &str); 4] = [
        (b"BZh", "bzip2"),
        (&[0xfd, b'7', b'z', b'X', b'Z', 0x00], "xz"),
        (&[0x28, 0xb5, 0x2f, 0xfd], "zstd"),
        (b"PK\x03\x04", "zip"),
    ];
    MAGIC
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
        .map(|&(_, name)| name)
}

fn decompress_command(format: &str, path: &Path) -> String {
    let name = display(path);
    match format {
        "bzip2" => format!("bunzip2 -k {name}"),
        "xz" => format!("unxz -k {name}"),
        "zstd" => format!("unzstd {name}"),
        _ => format!("unzip {name}"),
    }
}

/// UTF-16 or UTF-32, by byte-order mark or, without one, by text whose every other byte is
/// zero (ASCII in UTF-16).
fn wide_encoding(head: &[u8]) -> Option<&'static str> {
    const MARKS: [(&[u8], &str); 4] = [
        (&[0xff, 0xfe, 0x00, 0x00], "UTF-32LE"),
        (&[0x00, 0x00, 0xfe, 0xff], "UTF-32BE"),
        (&[0xff, 0xfe], "UTF-16LE"),
        (&[0xfe, 0xff], "UTF-16BE"),
    ];
    if let Some(&(_, name)) = MARKS.iter().find(|(mark, _)| head.starts_with(mark)) {
        return Some(name);
    }
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zeros_at = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .take(pairs)
            .filter(|&&b| b == 0)
            .count()
    };
    // Nearly every high byte zero, nearly no low byte: ASCII text two bytes a character.
    let mostly = |count: usize| count * 10 >= pairs * 9;
    let rarely = |count: usize| count * 10 <= pairs;
    match (zeros_at(0), zeros_at(1)) {
        (even, odd) if mostly(odd) && rarely(even) => Some("UTF-16LE"),
        (even, odd) if mostly(even) && rarely(odd) => Some("UTF-16BE"),
        _ => None,
    }
}

/// Zero bytes in more than a tenth of the head: no text file has those (pandas reads a stray
/// one in a field as the end of the field, so a few are left to the parser).
fn binary(head: &[u8]) -> bool {
    let zeros = head.iter().filter(|&&b| b == 0).count();
    head.len() >= 16 && zeros * 10 > head.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(head: &[u8]) -> String {
        check_start(Path::new("x.csv"), head)
            .expect_err("refused")
            .message
    }

    #[test]
    fn compressed_files_are_named_by_their_format() {
        assert!(check_start(Path::new("x.csv"), &[0x1f, 0x8b, 8, 0]).is_ok());
        assert_eq!(
            refused(b"BZh91AY"),
            "x.csv is bzip2-compressed, not CSV text"
        );
        assert_eq!(
            refused(b"PK\x03\x04rest"),
            "x.csv is zip-compressed, not CSV text"
        );
    }

    #[test]
    fn wide_text_is_named_by_its_encoding() {
        let le: Vec<u8> = "a,b\n1,2\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "a,b\n1,2\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(refused(&le), "x.csv is UTF-16LE text; ddq reads UTF-8");
        assert_eq!(refused(&be), "x.csv is UTF-16BE text; ddq reads UTF-8");
        assert_eq!(
            refused(&[0xff, 0xfe, b'a', 0]),
            "x.csv is UTF-16LE text; ddq reads UTF-8"
        );
    }

    #[test]
    fn text_passes_and_zeros_everywhere_are_binary() {
        assert!(check_start(Path::new("x.csv"), b"a,b\n1,2\x00\n3,4\n").is_ok());
        assert!(check_start(Path::new("x.csv"), b"").is_ok());
        assert!(check_start(Path::new("x.csv"), "é,ü\n".as_bytes()).is_ok());
        assert!(refused(&[0u8; 64]).contains("binary data"));
    }
}
