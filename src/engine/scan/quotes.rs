//! Follows the quoting of the bytes arrow-csv parses, to notice what its parser (csv-core)
//! accepts without a word: a quoted field still open where the input ends. csv-core then ends
//! the field there, so an unterminated quote swallows the rest of the file into one value;
//! pandas reports it ("EOF inside string"), and so does ddq, naming the line the quote opens.
//!
//! The states are csv-core's for its defaults (quote `"`, doubled quotes as an escape, no
//! escape character): a quote opens a quoted field only at the start of a field; inside one,
//! a quote either closes it or, doubled, stands for itself.

use std::io::Read;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote seen inside a quoted field: the field's end, or the first of two.
    QuoteInQuoted,
}

/// A reader passing its input through unchanged while following its quoting.
pub(crate) struct QuoteTracker<R> {
    inner: R,
    sep: u8,
    state: State,
    /// Line ends seen so far (`\n`, `\r\n` and a lone `\r` each count once).
    lines: u64,
    /// Whether the last byte seen was `\r` (a `\n` after it ends the same line).
    after_cr: bool,
    /// Line ends before the quote that opened the current quoted field.
    opened_after: u64,
}

impl<R: Read> QuoteTracker<R> {
    pub(crate) fn new(inner: R, sep: u8) -> QuoteTracker<R> {
        QuoteTracker {
            inner,
            sep,
            state: State::FieldStart,
            lines: 0,
            after_cr: false,
            opened_after: 0,
        }
    }

    /// When the input read so far ends inside a quoted field: how many line ends come before
    /// the quote that opened it.
    pub(crate) fn open_quote(&self) -> Option<u64> {
        (self.state == State::Quoted).then_some(self.opened_after)
    }

    fn follow(&mut self, bytes: &[u8]) {
        for &b in bytes {
            let line_end = b == b'\n' || b == b'\r';
            if line_end && !(b == b'\n' && self.after_cr) {
                self.lines += 1;
            }
            self.after_cr = b == b'\r';
            self.state = match self.state {
                State::Quoted if b == b'"' => State::QuoteInQuoted,
                State::Quoted => State::Quoted,
                State::FieldStart if b == b'"' => {
                    self.opened_after = self.lines;
                    State::Quoted
                }
                State::QuoteInQuoted if b == b'"' => State::Quoted,
                _ if b == self.sep || line_end => State::FieldStart,
                _ => State::Unquoted,
            };
        }
    }
}

impl<R: Read> Read for QuoteTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.follow(&buf[..read]);
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open_quote(text: &str) -> Option<u64> {
        let mut tracker = QuoteTracker::new(text.as_bytes(), b',');
        std::io::copy(&mut tracker, &mut std::io::sink()).expect("read");
        tracker.open_quote()
    }

    #[test]
    fn closed_quotes_doubled_quotes_and_inner_quotes_are_fine() {
        assert_eq!(open_quote("a,b\n1,\"x\"\n"), None);
        assert_eq!(open_quote("a,b\n1,\"say \"\"hi\"\"\"\n"), None);
        assert_eq!(open_quote("a,b\n1,\"two\nlines\"\n"), None);
        // A quote inside an unquoted field is a character, as in csv-core and pandas.
        assert_eq!(open_quote("a,b\n1,5'10\"\n2,x\n"), None);
        assert_eq!(open_quote("a,b\n1,\"x\"y\n"), None);
    }

    #[test]
    fn an_unterminated_quote_names_the_line_it_opens_on() {
        assert_eq!(open_quote("a,b\n1,x\n2,\"oops\n3,z\n"), Some(2));
        assert_eq!(open_quote("\"a,b"), Some(0));
        assert_eq!(open_quote("a,b\r\n1,x\r\n2,\"oops\r\n"), Some(2));
        assert_eq!(open_quote("a,b\r1,x\r2,\"oops\r"), Some(2));
        assert_eq!(open_quote("a,b\n1,\"x\"\"\n"), Some(1));
    }
}
