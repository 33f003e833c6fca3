//! Byte-level pieces of the fast CSV path (`csv_fast`): finding the bytes that end a plain
//! field 64 at a time, and reading a field of up to 8 digits 8 bytes at a time.
//!
//! Both exist because the fast path touches every byte of the file: a loop that looks at one
//! byte per step, or branches on every digit of a number, is what bounded the first scan.

/// Finds, in order, the position of every byte of `bytes` that ends a plain run: the
/// separator, `\n`, `\r` or a quote. It classifies 64 bytes at a time into a bit mask and
/// hands out the set bits, so a stretch of ordinary bytes costs nothing per byte.
pub(crate) struct Specials<'b> {
    bytes: &'b [u8],
    sep: u8,
    /// Where the block whose remaining special bytes are in `mask` starts.
    block: usize,
    /// One bit per byte of the block, set for the special bytes not yet handed out.
    mask: u64,
}

impl<'b> Specials<'b> {
    pub(crate) fn new(bytes: &'b [u8], sep: u8) -> Specials<'b> {
        Specials {
            bytes,
            sep,
            block: 0,
            mask: block_mask(bytes, 0, sep),
        }
    }

    /// The position of the next special byte, or `bytes.len()` when there is none left.
    #[inline]
    pub(crate) fn next_position(&mut self) -> usize {
        while self.mask == 0 {
            if self.block + 64 >= self.bytes.len() {
                return self.bytes.len();
            }
            self.block += 64;
            self.mask = block_mask(self.bytes, self.block, self.sep);
        }
        let at = self.block + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        at
    }
}

/// The special bytes among the (up to) 64 bytes of `bytes` from `at`, as bits.
#[inline]
fn block_mask(bytes: &[u8], at: usize, sep: u8) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if let Some(block) = bytes.get(at..at + 64) {
        return block_mask_sse2(block, sep);
    }
    let mut mask = 0u64;
    for (offset, &b) in bytes
        .get(at..)
        .unwrap_or_default()
        .iter()
        .take(64)
        .enumerate()
    {
        if b == sep || b == b'\n' || b == b'\r' || b == b'"' {
            mask |= 1 << offset;
        }
    }
    mask
}

/// [`block_mask`] of a whole block, 16 bytes per comparison. SSE2 is part of every x86-64
/// processor.
#[cfg(target_arch = "x86_64")]
#[inline]
fn block_mask_sse2(block: &[u8], sep: u8) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    assert!(block.len() >= 64);
    let mut mask = 0u64;
    // SAFETY: SSE2 is always available on x86-64, and the four 16-byte loads lie within
    // `block`, which holds at least 64 bytes (checked above); unaligned loads are allowed.
    unsafe {
        let wanted = [sep, b'\n', b'\r', b'"'].map(|b| _mm_set1_epi8(b as i8));
        for quarter in 0..4 {
            let bytes = _mm_loadu_si128(block.as_ptr().add(quarter * 16) as *const __m128i);
            let hits = _mm_or_si128(
                _mm_or_si128(
                    _mm_cmpeq_epi8(bytes, wanted[0]),
                    _mm_cmpeq_epi8(bytes, wanted[1]),
                ),
                _mm_or_si128(
                    _mm_cmpeq_epi8(bytes, wanted[2]),
                    _mm_cmpeq_epi8(bytes, wanted[3]),
                ),
            );
            let bits = _mm_movemask_epi8(hits) as u32 as u64;
            mask |= bits << (quarter * 16);
        }
    }
    mask
}

/// How many lines `bytes` holds when every one is plain: no quote, no blank line, no `\r` but
/// before a `\n`, and at most `width` fields. None otherwise, and the field splitter then finds
/// what to do with it. A read of no column (`len()`) needs nothing more from a plain file, so it
/// costs a few instructions per 64 bytes instead of a step per field. `bytes` holds whole lines;
/// the last may lack its line end (the end of the input).
pub(crate) fn count_plain_lines(bytes: &[u8], sep: u8, width: usize) -> Option<usize> {
    if matches!(sep, 0 | b'\n' | b'\r' | b'"') || width == 0 {
        return None;
    }
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected as has;
        if has!("avx2") && has!("popcnt") {
            // SAFETY: the processor has both, checked just above.
            return unsafe { count_plain_lines_avx2(bytes, sep, width) };
        }
        if has!("popcnt") {
            // SAFETY: as above.
            return unsafe { count_plain_lines_popcnt(bytes, sep, width) };
        }
    }
    count_lines_by_block(bytes, width, |block| classes_sse2(block, sep))
}

/// [`count_lines_by_block`] with the processor's bit count instruction (the baseline x86-64
/// target counts bits in a dozen instructions, which bounded this loop) and 32-byte compares.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
fn count_plain_lines_avx2(bytes: &[u8], sep: u8, width: usize) -> Option<usize> {
    count_lines_by_block(bytes, width, |block| classes_avx2(block, sep))
}

/// [`count_lines_by_block`] with the bit count instruction and 16-byte compares.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
fn count_plain_lines_popcnt(bytes: &[u8], sep: u8, width: usize) -> Option<usize> {
    count_lines_by_block(bytes, width, |block| classes_sse2(block, sep))
}

/// The line count of [`count_plain_lines`], each 64-byte block (the last padded with zeros)
/// classified by `classify`.
#[inline(always)]
fn count_lines_by_block(
    bytes: &[u8],
    width: usize,
    classify: impl Fn(&[u8; 64]) -> ByteClasses,
) -> Option<usize> {
    let most_separators = u32::try_from(width - 1).unwrap_or(u32::MAX);
    let mut lines = 0;
    let mut separators = 0u32; // in the line read so far
    let mut line_start = 0;
    let mut carried_cr = 0u64; // a `\r` ending the previous block wants a `\n` at bit 0
    for at in (0..bytes.len()).step_by(64) {
        let mut padded = [0u8; 64];
        let block = match bytes.get(at..at + 64) {
            Some(block) => block.try_into().ok()?,
            None => {
                let rest = bytes.get(at..).unwrap_or_default();
                padded[..rest.len()].copy_from_slice(rest);
                &padded
            }
        };
        let classes = classify(block);
        if classes.rare != 0 {
            // A carriage return is plain only right before a line end; a quote never is.
            let cr = equal_bits(block, b'\r');
            let crs_next = (cr << 1) | carried_cr;
            if cr != classes.rare || crs_next & !classes.newline != 0 {
                return None;
            }
            carried_cr = cr >> 63;
        } else if carried_cr & !classes.newline != 0 {
            return None;
        } else {
            carried_cr = 0;
        }
        let (mut seps, mut newlines) = (classes.sep, classes.newline);
        while newlines != 0 {
            let offset = newlines.trailing_zeros();
            let before = (1u64 << offset) - 1;
            separators += (seps & before).count_ones();
            seps &= !before;
            let end = at + offset as usize;
            let text = &bytes[line_start..end];
            let text = text.strip_suffix(b"\r").unwrap_or(text);
            if text.is_empty() || separators > most_separators {
                return None;
            }
            lines += 1;
            separators = 0;
            line_start = end + 1;
            newlines &= newlines - 1;
        }
        separators += seps.count_ones();
    }
    if carried_cr != 0 || separators > most_separators {
        return None;
    }
    Some(lines + usize::from(line_start < bytes.len()))
}

/// Among 64 bytes, one bit per byte: the separators, the line ends, and the carriage returns
/// and quotes together (rare in the files a plain count reads, so looked at apart only when
/// there is one).
struct ByteClasses {
    sep: u64,
    newline: u64,
    rare: u64,
}

impl ByteClasses {
    /// The classes from `bits`, which marks the bytes equal to the one it is given.
    #[inline(always)]
    fn from_bits(bits: impl Fn(u8) -> u64, sep: u8) -> ByteClasses {
        ByteClasses {
            sep: bits(sep),
            newline: bits(b'\n'),
            rare: bits(b'\r') | bits(b'"'),
        }
    }
}

#[inline(always)]
fn classes_sse2(block: &[u8; 64], sep: u8) -> ByteClasses {
    ByteClasses::from_bits(|wanted| equal_bits(block, wanted), sep)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn classes_avx2(block: &[u8; 64], sep: u8) -> ByteClasses {
    ByteClasses::from_bits(|wanted| equal_bits_avx2(block, wanted), sep)
}

/// One bit per byte of `block` that equals `wanted`.
#[inline(always)]
fn equal_bits(block: &[u8; 64], wanted: u8) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
        };
        let mut mask = 0u64;
        // SAFETY: SSE2 is always available on x86-64, and the four 16-byte loads lie within
        // the 64 bytes of `block`; unaligned loads are allowed.
        unsafe {
            let wanted = _mm_set1_epi8(wanted as i8);
            for quarter in 0..4 {
                let bytes = _mm_loadu_si128(block.as_ptr().add(quarter * 16) as *const __m128i);
                let bits = _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, wanted)) as u32 as u64;
                mask |= bits << (quarter * 16);
            }
        }
        mask
    }
    #[cfg(not(target_arch = "x86_64"))]
    block
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == wanted)
        .fold(0u64, |mask, (offset, _)| mask | 1 << offset)
}

/// [`equal_bits`] 32 bytes per compare.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn equal_bits_avx2(block: &[u8; 64], wanted: u8) -> u64 {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set1_epi8,
    };
    let wanted = _mm256_set1_epi8(wanted as i8);
    // SAFETY: both 32-byte loads lie within the 64 bytes of `block`; unaligned loads are
    // allowed.
    let (low, high) = unsafe {
        (
            _mm256_loadu_si256(block.as_ptr() as *const __m256i),
            _mm256_loadu_si256(block.as_ptr().add(32) as *const __m256i),
        )
    };
    let bits = |half| _mm256_movemask_epi8(_mm256_cmpeq_epi8(half, wanted)) as u32 as u64;
    bits(low) | (bits(high) << 32)
}

/// Eight ASCII zeros, one per byte.
const ZEROS: u64 = 0x3030_3030_3030_3030;

/// The integer spelled by `bytes[start..end]` when it is 1 to 8 ASCII digits and nothing else;
/// none otherwise, and when the field starts within the first 8 bytes of `bytes` (the word is
/// read as the 8 bytes ending at `end`, so those few fields take the byte-by-byte parsers).
#[inline]
pub(crate) fn eight_digits(bytes: &[u8], start: usize, end: usize) -> Option<u32> {
    let len = end.checked_sub(start)?;
    if len == 0 || len > 8 || end < 8 {
        return None;
    }
    let word = u64::from_le_bytes(bytes.get(end - 8..end)?.try_into().ok()?);
    // The field is the word's last `len` bytes, its high ones (little-endian): the bytes before
    // it become leading zeros, which leave the value unchanged.
    let before = (1u64 << ((8 - len) * 8)).wrapping_sub(1);
    let word = (word & !before) | (ZEROS & before);
    let high = 0xF0F0_F0F0_F0F0_F0F0;
    // Every byte is 0x30..=0x39: its high half is 3, and adding 6 does not carry out of 3.
    let digits =
        (word & high) == ZEROS && (word.wrapping_add(0x0606_0606_0606_0606) & high) == ZEROS;
    if !digits {
        return None;
    }
    Some(eight_digit_value(word - ZEROS))
}

/// The value of eight decimal digits (0..=9 each, the first in the lowest byte), by pairing
/// neighbours: three multiplications instead of eight steps.
#[inline]
fn eight_digit_value(word: u64) -> u32 {
    let pairs = word.wrapping_mul(10).wrapping_add(word >> 8);
    let mask = 0x0000_00FF_0000_00FF;
    let high = (pairs & mask).wrapping_mul(100 + (1_000_000 << 32));
    let low = ((pairs >> 16) & mask).wrapping_mul(1 + (10_000 << 32));
    (high.wrapping_add(low) >> 32) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_positions(bytes: &[u8], sep: u8) -> Vec<usize> {
        let mut specials = Specials::new(bytes, sep);
        let mut found = Vec::new();
        loop {
            let at = specials.next_position();
            if at == bytes.len() {
                return found;
            }
            found.push(at);
        }
    }

    #[test]
    fn finds_every_special_byte_in_order_across_blocks() {
        for len in [0, 1, 63, 64, 65, 127, 128, 200] {
            let bytes: Vec<u8> = (0..len)
                .map(|i| match i % 7 {
                    0 => b',',
                    3 => b'\n',
                    5 if i % 3 == 0 => b'"',
                    6 if i % 5 == 0 => b'\r',
                    _ => b'a' + (i % 26) as u8,
                })
                .collect();
            let expected: Vec<usize> = (0..len)
                .filter(|&i| matches!(bytes[i], b',' | b'\n' | b'\r' | b'"'))
                .collect();
            assert_eq!(all_positions(&bytes, b','), expected, "length {len}");
        }
        assert_eq!(all_positions(b"a;b,c\td", b';'), [1]);
        assert_eq!(all_positions(b"a;b,c\td", b'\t'), [5]);
    }

    #[test]
    fn after_the_end_it_keeps_answering_the_length() {
        let mut specials = Specials::new(b"a,b", b',');
        assert_eq!(specials.next_position(), 1);
        assert_eq!(specials.next_position(), 3);
        assert_eq!(specials.next_position(), 3);
    }

    #[test]
    fn counts_plain_lines_and_declines_what_is_not_plain() {
        let count = |text: &str, width| {
            let bytes = text.as_bytes();
            let counted = count_plain_lines(bytes, b',', width);
            // Every variant the processor can run agrees with the one chosen.
            let portable = count_lines_by_block(bytes, width, |block| classes_sse2(block, b','));
            assert_eq!(portable, counted, "{text:?}");
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("popcnt") {
                // SAFETY: checked just above.
                let popcnt = unsafe { count_plain_lines_popcnt(bytes, b',', width) };
                assert_eq!(popcnt, counted, "{text:?}");
            }
            counted
        };
        assert_eq!(count("", 3), Some(0));
        assert_eq!(count("a,b,c\n1,2,3\n", 3), Some(2));
        assert_eq!(
            count("a,b,c\n1,2", 3),
            Some(2),
            "a last line without its end"
        );
        assert_eq!(count("a,b,c\r\n1,2,3\r\n", 3), Some(2), "CRLF");
        assert_eq!(
            count("a\n1,2\n", 3),
            Some(2),
            "short lines read as missing values"
        );
        assert_eq!(count("a,b,c,d\n", 3), None, "more fields than columns");
        assert_eq!(count("a,b\n\n1,2\n", 3), None, "a blank line");
        assert_eq!(count("a,b\r\n\r\n", 3), None, "a blank CRLF line");
        assert_eq!(count("a,\"b\"\n", 3), None, "a quote");
        assert_eq!(count("a\rb\n", 3), None, "a lone carriage return");
        assert_eq!(count("a,b\r", 3), None, "a carriage return at the very end");
        // Lines across 64-byte blocks, with a CRLF split between two blocks.
        let mut text = String::new();
        let mut lines = 0;
        while text.len() < 1000 {
            let line = format!("{},{}", "x".repeat(lines % 70), lines);
            text.push_str(&line);
            text.push_str(if lines % 3 == 0 { "\r\n" } else { "\n" });
            lines += 1;
        }
        assert_eq!(count(&text, 2), Some(lines));
        assert_eq!(count(&text, 1), None);
        let split = format!("{}\r\n1\n", "y".repeat(63));
        assert_eq!(count(&split, 1), Some(2));
    }

    #[test]
    fn eight_digits_reads_plain_digits_only() {
        let line = b"xxxxxxxx,0,7,42,2464,12345678,123456789,-6,1a,a1, 1,1 ,+1,1.0,";
        let fields: Vec<(usize, usize)> = {
            let mut start = 0;
            let mut out = Vec::new();
            for (i, &b) in line.iter().enumerate() {
                if b == b',' {
                    out.push((start, i));
                    start = i + 1;
                }
            }
            out
        };
        let read: Vec<Option<u32>> = fields
            .iter()
            .map(|&(s, e)| eight_digits(line, s, e))
            .collect();
        let mut expected = vec![None, Some(0), Some(7), Some(42), Some(2464), Some(12345678)];
        expected.extend([None; 8]);
        assert_eq!(read, expected);
        // Within the first 8 bytes the word cannot be read: the caller parses those itself.
        assert_eq!(eight_digits(b"12,", 0, 2), None);
        assert_eq!(eight_digits(b"12345678", 0, 8), Some(12345678));
        assert_eq!(eight_digits(b"1234567,", 3, 3), None);
    }

    #[test]
    fn eight_digits_agrees_with_std_on_every_length() {
        let mut text = b"padding:".to_vec();
        let mut spans = Vec::new();
        for value in [
            0u32, 9, 10, 99, 100, 909, 5050, 99999, 100000, 8765432, 99999999,
        ] {
            let start = text.len();
            text.extend_from_slice(value.to_string().as_bytes());
            spans.push((start, text.len(), value));
            text.push(b',');
        }
        for (start, end, value) in spans {
            assert_eq!(eight_digits(&text, start, end), Some(value));
        }
    }
}
