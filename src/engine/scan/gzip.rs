//! gzip-compressed CSV, read as pandas reads it (by its content: the gzip magic number, so a
//! `.csv.gz` and a misnamed `.csv` both work). A gzip stream cannot be entered in the middle,
//! so such a file is one partition (Dask too reads a compressed file whole, `blocksize=None`),
//! its lines are read from the decompressed text, and the progress bar counts compressed bytes.

use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The first bytes of every gzip stream.
const MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Whether `head` (a file's first bytes) starts a gzip stream.
pub(crate) fn starts_gzip(head: &[u8]) -> bool {
    head.starts_with(&MAGIC)
}

/// Whether the file at `path` is gzip-compressed (false when it cannot be read: opening it
/// again reports that).
pub(crate) fn is_gzip(path: &Path) -> bool {
    let mut head = [0u8; 2];
    File::open(path)
        .and_then(|mut file| file.read_exact(&mut head))
        .is_ok_and(|_| starts_gzip(&head))
}

/// The decompressed text of a gzip stream (every member of it, as gunzip reads them).
pub(crate) fn decompressed<R: Read + Send + 'static>(compressed: R) -> Box<dyn Read + Send> {
    Box::new(MultiGzDecoder::new(compressed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::{Cursor, Write};

    fn gzip(text: &str) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(text.as_bytes()).expect("compressed");
        encoder.finish().expect("finished")
    }

    fn read_all(bytes: Vec<u8>) -> String {
        let mut text = String::new();
        decompressed(Cursor::new(bytes))
            .read_to_string(&mut text)
            .expect("read");
        text
    }

    #[test]
    fn every_member_of_a_stream_is_read_and_the_magic_names_it() {
        let one = gzip("a,b\n1,2\n");
        assert!(starts_gzip(&one) && !starts_gzip(b"a,b\n"));
        assert_eq!(read_all(one), "a,b\n1,2\n");
        // Streams written one after another (`cat a.gz b.gz`) read as one text, as in gunzip.
        let mut two = gzip("a,b\n");
        two.extend(gzip("1,2\n"));
        assert_eq!(read_all(two), "a,b\n1,2\n");
    }
}
