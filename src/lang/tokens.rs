//! The tokenizer: text to tokens, each carrying the byte span it came from so every later error
//! can point at an exact column. It follows Python's lexical rules for the subset ddq speaks:
//! newlines inside an open bracket and after a backslash are not statement ends, `#` starts a
//! comment, and string and number literals decode the way Python decodes them.

use crate::error::span::Span;
use crate::error::{DdqError, ErrorKind, Result};
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    Name(String),
    Keyword(Keyword),
    Int(i64),
    Float(f64),
    /// A string literal with its escapes decoded.
    Str(String),
    /// An f-string's text, escapes applied and `{fields}` still in it; the parser splits it.
    FStr(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Dot,
    Semicolon,
    /// `=`
    Assign,
    Plus,
    Minus,
    Star,
    DoubleStar,
    Slash,
    DoubleSlash,
    Percent,
    Amp,
    Pipe,
    Caret,
    Tilde,
    EqEq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    /// `+=`, `-=`, ...: recognised only to say they are not supported.
    AugAssign(&'static str),
    /// Python operators ddq does not support (`:=`, `<<`, `>>`, `@`, `->`, `...`), kept as tokens
    /// so the parser can name them in its message.
    Unsupported(&'static str),
    /// A character that starts no token. Only the lenient tokenizer used by the parser produces
    /// it, so `set prompt $` can take raw text; anywhere else the parser reports it.
    Unknown(char),
    /// The end of a statement line (never produced inside brackets).
    Newline,
    Eof,
}

/// Python's reserved words. Command names such as `read` are deliberately not keywords: they are
/// ordinary names everywhere except at the start of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    False,
    None,
    True,
    And,
    As,
    Assert,
    Async,
    Await,
    Break,
    Class,
    Continue,
    Def,
    Del,
    Elif,
    Else,
    Except,
    Finally,
    For,
    From,
    Global,
    If,
    Import,
    In,
    Is,
    Lambda,
    Nonlocal,
    Not,
    Or,
    Pass,
    Raise,
    Return,
    Try,
    While,
    With,
    Yield,
}

const KEYWORDS: &[(&str, Keyword)] = &[
    ("False", Keyword::False),
    ("None", Keyword::None),
    ("True", Keyword::True),
    ("and", Keyword::And),
    ("as", Keyword::As),
    ("assert", Keyword::Assert),
    ("async", Keyword::Async),
    ("await", Keyword::Await),
    ("break", Keyword::Break),
    ("class", Keyword::Class),
    ("continue", Keyword::Continue),
    ("def", Keyword::Def),
    ("del", Keyword::Del),
    ("elif", Keyword::Elif),
    ("else", Keyword::Else),
    ("except", Keyword::Except),
    ("finally", Keyword::Finally),
    ("for", Keyword::For),
    ("from", Keyword::From),
    ("global", Keyword::Global),
    ("if", Keyword::If),
    ("import", Keyword::Import),
    ("in", Keyword::In),
    ("is", Keyword::Is),
    ("lambda", Keyword::Lambda),
    ("nonlocal", Keyword::Nonlocal),
    ("not", Keyword::Not),
    ("or", Keyword::Or),
    ("pass", Keyword::Pass),
    ("raise", Keyword::Raise),
    ("return", Keyword::Return),
    ("try", Keyword::Try),
    ("while", Keyword::While),
    ("with", Keyword::With),
    ("yield", Keyword::Yield),
];

impl Keyword {
    pub fn from_word(word: &str) -> Option<Keyword> {
        KEYWORDS.iter().find(|(w, _)| *w == word).map(|(_, k)| *k)
    }

    pub fn as_str(self) -> &'static str {
        KEYWORDS
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("?", |(w, _)| w)
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TokenKind {
    /// The source text of a punctuation token, `None` for tokens that carry a value.
    pub fn punct(&self) -> Option<&'static str> {
        Some(match self {
            TokenKind::LParen => "(",
            TokenKind::RParen => ")",
            TokenKind::LBracket => "[",
            TokenKind::RBracket => "]",
            TokenKind::LBrace => "{",
            TokenKind::RBrace => "}",
            TokenKind::Comma => ",",
            TokenKind::Colon => ":",
            TokenKind::Dot => ".",
            TokenKind::Semicolon => ";",
            TokenKind::Assign => "=",
            TokenKind::Plus => "+",
            TokenKind::Minus => "-",
            TokenKind::Star => "*",
            TokenKind::DoubleStar => "**",
            TokenKind::Slash => "/",
            TokenKind::DoubleSlash => "//",
            TokenKind::Percent => "%",
            TokenKind::Amp => "&",
            TokenKind::Pipe => "|",
            TokenKind::Caret => "^",
            TokenKind::Tilde => "~",
            TokenKind::EqEq => "==",
            TokenKind::NotEq => "!=",
            TokenKind::Lt => "<",
            TokenKind::LtEq => "<=",
            TokenKind::Gt => ">",
            TokenKind::GtEq => ">=",
            TokenKind::AugAssign(text) | TokenKind::Unsupported(text) => text,
            _ => return None,
        })
    }
}

/// How a token is named in "found ..." messages: quoted source text, or a phrase for the ends.
impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenKind::Name(name) => write!(f, "\"{name}\""),
            TokenKind::Keyword(keyword) => write!(f, "\"{keyword}\""),
            TokenKind::Int(value) => write!(f, "\"{value}\""),
            TokenKind::Float(value) => write!(f, "\"{value:?}\""),
            TokenKind::Str(value) => write!(f, "string {}", quote_for_message(value)),
            TokenKind::FStr(value) => write!(f, "f-string {}", quote_for_message(value)),
            TokenKind::Unknown(c) => write!(f, "\"{c}\""),
            TokenKind::Newline => f.write_str("end of line"),
            TokenKind::Eof => f.write_str("end of input"),
            other => write!(f, "\"{}\"", other.punct().unwrap_or("?")),
        }
    }
}

/// A string value shortened and quoted for an error message.
fn quote_for_message(value: &str) -> String {
    const LIMIT: usize = 30;
    let mut shown: String = value.chars().take(LIMIT).collect();
    if value.chars().count() > LIMIT {
        shown.push_str("...");
    }
    format!("{shown:?}")
}

/// Splits `text` into tokens, ending with `Eof`. A character that starts no token is an error.
pub fn tokenize(text: &str) -> Result<Vec<Token>> {
    let tokens = tokenize_lenient(text)?;
    for token in &tokens {
        if let TokenKind::Unknown(c) = token.kind {
            return Err(unexpected_character(c, token.span));
        }
    }
    Ok(tokens)
}

/// Like `tokenize`, but a stray character becomes an `Unknown` token rather than an error, so
/// commands that take raw text (`set prompt $`) still work. The parser reports `Unknown` tokens
/// wherever it meets them in an expression.
pub(crate) fn tokenize_lenient(text: &str) -> Result<Vec<Token>> {
    let mut lexer = Lexer::new(text);
    lexer.run()?;
    Ok(lexer.tokens)
}

/// What the REPL needs to know to decide whether to ask for another line.
pub(crate) fn input_is_open(text: &str) -> bool {
    let mut lexer = Lexer::new(text);
    match lexer.run() {
        Ok(()) => lexer.depth > 0 || lexer.ends_with_continuation,
        Err(_) => lexer.in_triple_quoted_string,
    }
}

/// `c` as a message shows it: quoted, or by its code point when it would print as nothing or
/// as a blank (a NUL byte, a tab, a non-breaking space).
fn shown_character(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("\"{c}\"")
    }
}

/// The error for a character that starts no token, with a hint for the usual suspects.
pub(crate) fn unexpected_character(c: char, span: Span) -> DdqError {
    let err = DdqError::syntax(format!("unexpected character {}", shown_character(c)), span);
    match c {
        c if c.is_control() => err.with_help(
            "a control character (often pasted from a binary file or a terminal) cannot start \
             a token; delete it",
        ),
        '“' | '”' | '‘' | '’' => err.with_help("use plain quotes (\" or ') around strings"),
        '!' => err.with_help("shell escapes (`!cmd`) are not supported; use `!=` for not-equal"),
        '$' | '?' | '`' => {
            err.with_help("ddq reads a Python subset: names, literals, calls and operators")
        }
        '\\' => {
            err.with_help("a backslash continues a line only when it is the last character on it")
        }
        _ => err,
    }
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    tokens: Vec<Token>,
    /// Open brackets: newlines inside them do not end the statement.
    depth: usize,
    ends_with_continuation: bool,
    in_triple_quoted_string: bool,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Self {
        Lexer {
            text,
            pos: 0,
            tokens: Vec::new(),
            depth: 0,
            ends_with_continuation: false,
            in_triple_quoted_string: false,
        }
    }

    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek_at(&self, skip: usize) -> Option<char> {
        self.text[self.pos..].chars().nth(skip)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
        self.tokens.push(Token {
            kind,
            span: Span::new(start, self.pos),
        });
    }

    fn run(&mut self) -> Result<()> {
        while let Some(c) = self.peek() {
            let start = self.pos;
            match c {
                ' ' | '\t' | '\r' | '\x0c' => {
                    self.bump();
                }
                '\n' => {
                    self.bump();
                    if self.depth == 0 {
                        self.push(TokenKind::Newline, start);
                    }
                }
                '#' => self.skip_comment(),
                '\\' => self.line_continuation(start),
                '0'..='9' => self.number(start)?,
                '.' if self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) => self.number(start)?,
                '"' | '\'' => self.string(start, StringPrefix::default())?,
                c if is_name_start(c) => self.name_or_string(start)?,
                _ => self.punctuation(c, start),
            }
        }
        self.tokens.push(Token {
            kind: TokenKind::Eof,
            span: Span::new(self.text.len(), self.text.len()),
        });
        Ok(())
    }

    fn skip_comment(&mut self) {
        while self.peek().is_some_and(|c| c != '\n') {
            self.bump();
        }
    }

    /// A backslash joins the next line to this one; anywhere else it is a stray character.
    fn line_continuation(&mut self, start: usize) {
        self.bump();
        let rest = &self.text[self.pos..];
        if rest.starts_with('\n') {
            self.pos += 1;
        } else if rest.starts_with("\r\n") {
            self.pos += 2;
        } else if rest.is_empty() {
            self.ends_with_continuation = true;
        } else {
            self.push(TokenKind::Unknown('\\'), start);
        }
    }

    fn name_or_string(&mut self, start: usize) -> Result<()> {
        while self.peek().is_some_and(is_name_continue) {
            self.bump();
        }
        let word = &self.text[start..self.pos];
        if matches!(self.peek(), Some('"' | '\''))
            && let Some(prefix) = StringPrefix::parse(word)
        {
            return self.string(start, prefix);
        }
        let kind = match Keyword::from_word(word) {
            Some(keyword) => TokenKind::Keyword(keyword),
            None => TokenKind::Name(word.to_string()),
        };
        self.push(kind, start);
        Ok(())
    }

    fn punctuation(&mut self, c: char, start: usize) {
        const THREE: &[(&str, TokenKind)] = &[
            ("**=", TokenKind::AugAssign("**=")),
            ("//=", TokenKind::AugAssign("//=")),
            ("<<=", TokenKind::AugAssign("<<=")),
            (">>=", TokenKind::AugAssign(">>=")),
            ("...", TokenKind::Unsupported("...")),
        ];
        const TWO: &[(&str, TokenKind)] = &[
            ("**", TokenKind::DoubleStar),
            ("//", TokenKind::DoubleSlash),
            ("==", TokenKind::EqEq),
            ("!=", TokenKind::NotEq),
            ("<=", TokenKind::LtEq),
            (">=", TokenKind::GtEq),
            ("+=", TokenKind::AugAssign("+=")),
            ("-=", TokenKind::AugAssign("-=")),
            ("*=", TokenKind::AugAssign("*=")),
            ("/=", TokenKind::AugAssign("/=")),
            ("%=", TokenKind::AugAssign("%=")),
            ("&=", TokenKind::AugAssign("&=")),
            ("|=", TokenKind::AugAssign("|=")),
            ("^=", TokenKind::AugAssign("^=")),
            ("@=", TokenKind::AugAssign("@=")),
            (":=", TokenKind::Unsupported(":=")),
            ("<<", TokenKind::Unsupported("<<")),
            (">>", TokenKind::Unsupported(">>")),
            ("->", TokenKind::Unsupported("->")),
        ];
        let rest = &self.text[self.pos..];
        for (text, kind) in THREE.iter().chain(TWO) {
            if rest.starts_with(text) {
                self.pos += text.len();
                self.push(kind.clone(), start);
                return;
            }
        }
        let kind = match c {
            '(' => TokenKind::LParen,
            ')' => TokenKind::RParen,
            '[' => TokenKind::LBracket,
            ']' => TokenKind::RBracket,
            '{' => TokenKind::LBrace,
            '}' => TokenKind::RBrace,
            ',' => TokenKind::Comma,
            ':' => TokenKind::Colon,
            '.' => TokenKind::Dot,
            ';' => TokenKind::Semicolon,
            '=' => TokenKind::Assign,
            '+' => TokenKind::Plus,
            '-' => TokenKind::Minus,
            '*' => TokenKind::Star,
            '/' => TokenKind::Slash,
            '%' => TokenKind::Percent,
            '&' => TokenKind::Amp,
            '|' => TokenKind::Pipe,
            '^' => TokenKind::Caret,
            '~' => TokenKind::Tilde,
            '<' => TokenKind::Lt,
            '>' => TokenKind::Gt,
            '@' => TokenKind::Unsupported("@"),
            other => TokenKind::Unknown(other),
        };
        match kind {
            TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => self.depth += 1,
            TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => {
                self.depth = self.depth.saturating_sub(1)
            }
            _ => {}
        }
        self.bump();
        self.push(kind, start);
    }

    /// Decimal, hex, octal and binary integers, and floats, with `_` digit separators.
    fn number(&mut self, start: usize) -> Result<()> {
        let rest = &self.text[start..];
        let radix = match rest.get(..2) {
            Some("0x" | "0X") => 16,
            Some("0o" | "0O") => 8,
            Some("0b" | "0B") => 2,
            _ => 10,
        };
        if radix != 10 {
            self.pos += 2;
            while self
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                self.bump();
            }
            let digits = &self.text[start + 2..self.pos];
            return self.push_int(digits, radix, start);
        }
        let mut is_float = false;
        self.digits();
        if self.peek() == Some('.') {
            is_float = true;
            self.bump();
            self.digits();
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let sign = usize::from(matches!(self.peek_at(1), Some('+' | '-')));
            if self.peek_at(1 + sign).is_some_and(|c| c.is_ascii_digit()) {
                is_float = true;
                self.pos += 1 + sign;
                self.digits();
            }
        }
        if matches!(self.peek(), Some('j' | 'J')) {
            self.bump();
            return Err(
                DdqError::new(ErrorKind::Unsupported, "complex numbers are not supported")
                    .at(Span::new(start, self.pos))
                    .with_help("use an int or float literal"),
            );
        }
        let text = &self.text[start..self.pos];
        if is_float {
            self.push_float(text, start)
        } else {
            if text.len() > 1
                && text.starts_with('0')
                && text.bytes().any(|b| b != b'0' && b != b'_')
            {
                return Err(DdqError::syntax(
                    "leading zeros are not allowed in integer literals",
                    Span::new(start, self.pos),
                )
                .with_help("write the number without leading zeros"));
            }
            self.push_int(text, 10, start)
        }
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '_') {
            self.bump();
        }
    }

    fn push_int(&mut self, text: &str, radix: u32, start: usize) -> Result<()> {
        let span = Span::new(start, self.pos);
        let digits = clean_digits(text).ok_or_else(|| invalid_number(span))?;
        let value = i64::from_str_radix(&digits, radix).map_err(|err| {
            use std::num::IntErrorKind;
            match err.kind() {
                IntErrorKind::PosOverflow => DdqError::syntax(
                    "integer literal is too large (the limit is 2**63 - 1)",
                    span,
                ),
                _ => invalid_number(span),
            }
        })?;
        self.push(TokenKind::Int(value), start);
        Ok(())
    }

    fn push_float(&mut self, text: &str, start: usize) -> Result<()> {
        let span = Span::new(start, self.pos);
        let mut cleaned = String::new();
        // Underscores sit only between digits, so each digit run is checked on its own.
        for (i, part) in text.split(['.', 'e', 'E']).enumerate() {
            let (sign, digits) = match part.strip_prefix(['+', '-']) {
                Some(stripped) => (&part[..1], stripped),
                None => ("", part),
            };
            let digits = if digits.is_empty() {
                String::new()
            } else {
                clean_digits(digits).ok_or_else(|| invalid_number(span))?
            };
            if i > 0 {
                // Recover which separator split this part from the original text.
                cleaned.push(separator_before(text, i));
            }
            cleaned.push_str(sign);
            cleaned.push_str(&digits);
        }
        let value: f64 = cleaned.parse().map_err(|_| invalid_number(span))?;
        self.push(TokenKind::Float(value), start);
        Ok(())
    }

    fn string(&mut self, start: usize, prefix: StringPrefix) -> Result<()> {
        let quote = self.bump().unwrap_or('"');
        let triple = self.peek() == Some(quote) && self.peek_at(1) == Some(quote);
        if triple {
            self.pos += 2;
        }
        let mut value = String::new();
        loop {
            let Some(c) = self.bump() else {
                return Err(self.unterminated_string(start, triple));
            };
            match c {
                c if c == quote => {
                    if !triple {
                        break;
                    }
                    if self.peek() == Some(quote) && self.peek_at(1) == Some(quote) {
                        self.pos += 2;
                        break;
                    }
                    value.push(c);
                }
                '\n' if !triple => {
                    self.pos -= 1;
                    return Err(self.unterminated_string(start, false));
                }
                '\\' => self.escape(&mut value, prefix.raw, start, triple)?,
                c => value.push(c),
            }
        }
        let span = Span::new(start, self.pos);
        if prefix.format {
            self.push(TokenKind::FStr(value), start);
            return Ok(());
        }
        if prefix.bytes {
            return Err(
                DdqError::new(ErrorKind::Unsupported, "bytes literals are not supported")
                    .at(span)
                    .with_help("use a plain string"),
            );
        }
        self.push(TokenKind::Str(value), start);
        Ok(())
    }

    fn unterminated_string(&mut self, start: usize, triple: bool) -> DdqError {
        if triple {
            self.in_triple_quoted_string = true;
            DdqError::syntax(
                "unterminated triple-quoted string",
                Span::new(start, self.text.len()),
            )
        } else {
            DdqError::syntax("unterminated string", Span::new(start, self.pos))
                .with_help("close the string with the quote it opened with")
        }
    }

    /// Decodes one escape after a backslash (already consumed) the way Python does; unknown
    /// escapes such as `\d` keep their backslash, as Python does, so regexes survive.
    fn escape(&mut self, value: &mut String, raw: bool, start: usize, triple: bool) -> Result<()> {
        let escape_start = self.pos - 1;
        let Some(c) = self.bump() else {
            return Err(self.unterminated_string(start, triple));
        };
        if raw {
            value.push('\\');
            value.push(c);
            return Ok(());
        }
        let simple = match c {
            '\n' => Some(None),
            '\\' => Some(Some('\\')),
            '\'' => Some(Some('\'')),
            '"' => Some(Some('"')),
            'a' => Some(Some('\x07')),
            'b' => Some(Some('\x08')),
            'f' => Some(Some('\x0c')),
            'n' => Some(Some('\n')),
            'r' => Some(Some('\r')),
            't' => Some(Some('\t')),
            'v' => Some(Some('\x0b')),
            _ => None,
        };
        if let Some(decoded) = simple {
            value.extend(decoded);
            return Ok(());
        }
        let code = match c {
            '0'..='7' => {
                let mut code = c.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match self.peek().and_then(|d| d.to_digit(8)) {
                        Some(digit) => {
                            code = code * 8 + digit;
                            self.bump();
                        }
                        None => break,
                    }
                }
                code
            }
            'x' => self.hex_escape(2, escape_start)?,
            'u' => self.hex_escape(4, escape_start)?,
            'U' => self.hex_escape(8, escape_start)?,
            'N' => {
                return Err(DdqError::new(
                    ErrorKind::Unsupported,
                    "named unicode escapes (\\N{...}) are not supported",
                )
                .at(Span::new(escape_start, self.pos))
                .with_help("use \\u followed by the code point in hex"));
            }
            other => {
                value.push('\\');
                value.push(other);
                return Ok(());
            }
        };
        let decoded = char::from_u32(code).ok_or_else(|| {
            DdqError::syntax(
                "invalid character code in escape",
                Span::new(escape_start, self.pos),
            )
        })?;
        value.push(decoded);
        Ok(())
    }

    fn hex_escape(&mut self, len: usize, escape_start: usize) -> Result<u32> {
        let mut code = 0u32;
        for _ in 0..len {
            match self.peek().and_then(|d| d.to_digit(16)) {
                Some(digit) => {
                    code = code.saturating_mul(16).saturating_add(digit);
                    self.bump();
                }
                None => {
                    return Err(DdqError::syntax(
                        format!("truncated escape: expected {len} hex digits"),
                        Span::new(escape_start, self.pos),
                    ));
                }
            }
        }
        Ok(code)
    }
}

/// Which Python string prefix letters were written before the quote.
#[derive(Debug, Clone, Copy, Default)]
struct StringPrefix {
    raw: bool,
    format: bool,
    bytes: bool,
}

impl StringPrefix {
    fn parse(word: &str) -> Option<StringPrefix> {
        let lower = word.to_ascii_lowercase();
        let prefix = match lower.as_str() {
            "r" => StringPrefix {
                raw: true,
                ..Default::default()
            },
            "u" => StringPrefix::default(),
            "f" => StringPrefix {
                format: true,
                ..Default::default()
            },
            "rf" | "fr" => StringPrefix {
                raw: true,
                format: true,
                bytes: false,
            },
            "b" => StringPrefix {
                bytes: true,
                ..Default::default()
            },
            "rb" | "br" => StringPrefix {
                raw: true,
                format: false,
                bytes: true,
            },
            _ => return None,
        };
        Some(prefix)
    }
}

fn is_name_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_name_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Digits with their `_` separators removed, or `None` when a separator is misplaced.
fn clean_digits(text: &str) -> Option<String> {
    if text.is_empty() || text.starts_with('_') || text.ends_with('_') || text.contains("__") {
        return None;
    }
    Some(text.replace('_', ""))
}

/// The separator (`.` or `e`) in front of the `index`-th part of a float literal split on them.
fn separator_before(text: &str, index: usize) -> char {
    text.chars()
        .filter(|c| matches!(c, '.' | 'e' | 'E'))
        .nth(index - 1)
        .unwrap_or('.')
}

fn invalid_number(span: Span) -> DdqError {
    DdqError::syntax("invalid number literal", span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        match tokenize(text) {
            Ok(tokens) => tokens.into_iter().map(|t| t.kind).collect(),
            Err(err) => panic!("tokenize({text:?}) failed: {err}"),
        }
    }

    fn error(text: &str) -> (String, Option<Span>) {
        match tokenize(text) {
            Ok(tokens) => panic!("tokenize({text:?}) succeeded: {tokens:?}"),
            Err(err) => (err.message, err.span),
        }
    }

    fn single(text: &str) -> TokenKind {
        let mut all = kinds(text);
        assert_eq!(all.len(), 2, "{text:?} gave {all:?}");
        all.remove(0)
    }

    #[test]
    fn spans_are_byte_offsets() {
        let tokens = tokenize("x = 'é' + 10").unwrap();
        let spans: Vec<(usize, usize)> =
            tokens.iter().map(|t| (t.span.start, t.span.end)).collect();
        assert_eq!(
            spans,
            vec![(0, 1), (2, 3), (4, 8), (9, 10), (11, 13), (13, 13)]
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(single("42"), TokenKind::Int(42));
        assert_eq!(single("1_000"), TokenKind::Int(1000));
        assert_eq!(single("0"), TokenKind::Int(0));
        assert_eq!(single("00"), TokenKind::Int(0));
        assert_eq!(single("0x1F"), TokenKind::Int(31));
        assert_eq!(single("0o17"), TokenKind::Int(15));
        assert_eq!(single("0b101"), TokenKind::Int(5));
        assert_eq!(single("1.5"), TokenKind::Float(1.5));
        assert_eq!(single("1."), TokenKind::Float(1.0));
        assert_eq!(single(".5"), TokenKind::Float(0.5));
        assert_eq!(single("1e-3"), TokenKind::Float(0.001));
        assert_eq!(single("1E+3"), TokenKind::Float(1000.0));
        assert_eq!(single("2e10"), TokenKind::Float(2e10));
        assert_eq!(single("1_000.000_1"), TokenKind::Float(1000.0001));
        assert_eq!(single("9223372036854775807"), TokenKind::Int(i64::MAX));
    }

    #[test]
    fn number_errors() {
        assert_eq!(
            error("x = 9223372036854775808"),
            (
                "integer literal is too large (the limit is 2**63 - 1)".into(),
                Some(Span::new(4, 23))
            )
        );
        assert_eq!(error("1__0").0, "invalid number literal");
        assert_eq!(error("1_").0, "invalid number literal");
        assert_eq!(error("0x").0, "invalid number literal");
        assert_eq!(error("0xZZ").0, "invalid number literal");
        assert_eq!(error("1e1_").0, "invalid number literal");
        assert_eq!(
            error("012").0,
            "leading zeros are not allowed in integer literals"
        );
        assert_eq!(
            error("3j"),
            (
                "complex numbers are not supported".into(),
                Some(Span::new(0, 2))
            )
        );
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(single("'a'"), TokenKind::Str("a".into()));
        assert_eq!(single("\"a'b\""), TokenKind::Str("a'b".into()));
        assert_eq!(
            single(r#""a\"b\\c\n\t""#),
            TokenKind::Str("a\"b\\c\n\t".into())
        );
        assert_eq!(
            single(r#""\x41\u00e9\U0001F600\101\0""#),
            TokenKind::Str("Aé😀A\0".into())
        );
        assert_eq!(single(r#""\d+""#), TokenKind::Str("\\d+".into()));
        assert_eq!(single(r#"r"\d+\"""#), TokenKind::Str("\\d+\\\"".into()));
        assert_eq!(single(r#"R'\n'"#), TokenKind::Str("\\n".into()));
        assert_eq!(single("u'x'"), TokenKind::Str("x".into()));
        assert_eq!(single("'''a\n'b'\n'''"), TokenKind::Str("a\n'b'\n".into()));
        assert_eq!(single("\"\"\"x\"\"\""), TokenKind::Str("x".into()));
        assert_eq!(single("\"a\\\nb\""), TokenKind::Str("ab".into()));
        assert_eq!(single("''"), TokenKind::Str(String::new()));
    }

    #[test]
    fn string_errors() {
        assert_eq!(
            error("x = 'abc"),
            ("unterminated string".into(), Some(Span::new(4, 8)))
        );
        assert_eq!(
            error("x = 'abc\ny = 1"),
            ("unterminated string".into(), Some(Span::new(4, 8)))
        );
        assert_eq!(
            error("x = '''abc\n"),
            (
                "unterminated triple-quoted string".into(),
                Some(Span::new(4, 11))
            )
        );
        assert_eq!(
            error("b'x'"),
            (
                "bytes literals are not supported".into(),
                Some(Span::new(0, 4))
            )
        );
        assert_eq!(error(r"'\x4'").0, "truncated escape: expected 2 hex digits");
        assert_eq!(error(r"'\U00110000'").0, "invalid character code in escape");
        assert_eq!(
            error(r"'\N{DASH}'").0,
            "named unicode escapes (\\N{...}) are not supported"
        );
    }

    #[test]
    fn names_keywords_and_prefix_lookalikes() {
        assert_eq!(
            kinds("f r rb not_a is"),
            vec![
                TokenKind::Name("f".into()),
                TokenKind::Name("r".into()),
                TokenKind::Name("rb".into()),
                TokenKind::Name("not_a".into()),
                TokenKind::Keyword(Keyword::Is),
                TokenKind::Eof
            ]
        );
        assert_eq!(single("größe"), TokenKind::Name("größe".into()));
        assert_eq!(single("True"), TokenKind::Keyword(Keyword::True));
    }

    #[test]
    fn operators_take_the_longest_match() {
        use TokenKind::*;
        assert_eq!(
            kinds("** // == != <= >= += := << ... @ -> **="),
            vec![
                DoubleStar,
                DoubleSlash,
                EqEq,
                NotEq,
                LtEq,
                GtEq,
                AugAssign("+="),
                Unsupported(":="),
                Unsupported("<<"),
                Unsupported("..."),
                Unsupported("@"),
                Unsupported("->"),
                AugAssign("**="),
                Eof
            ]
        );
    }

    #[test]
    fn newlines_comments_and_continuations() {
        use TokenKind::*;
        let name = |s: &str| Name(s.into());
        assert_eq!(
            kinds("a # comment\nb; c"),
            vec![name("a"), Newline, name("b"), Semicolon, name("c"), Eof]
        );
        assert_eq!(
            kinds("f(a,\n b)\n"),
            vec![
                name("f"),
                LParen,
                name("a"),
                Comma,
                name("b"),
                RParen,
                Newline,
                Eof
            ]
        );
        assert_eq!(kinds("a + \\\n b"), vec![name("a"), Plus, name("b"), Eof]);
        assert_eq!(kinds("a + \\\r\n b"), vec![name("a"), Plus, name("b"), Eof]);
        // A stray closer must not let later newlines vanish.
        assert_eq!(kinds(")\na"), vec![RParen, Newline, name("a"), Eof]);
    }

    #[test]
    fn stray_characters() {
        assert_eq!(
            error("x = $y"),
            ("unexpected character \"$\"".into(), Some(Span::new(4, 5)))
        );
        assert_eq!(
            error("a \\ b"),
            ("unexpected character \"\\\"".into(), Some(Span::new(2, 3)))
        );
        assert_eq!(error("!ls").0, "unexpected character \"!\"");
        assert_eq!(error("1 + \0 2").0, "unexpected character U+0000");
        assert_eq!(error("1 +\u{a0}2").0, "unexpected character U+00A0");
        let lenient = tokenize_lenient("set prompt $").unwrap();
        assert_eq!(lenient[2].kind, TokenKind::Unknown('$'));
    }

    #[test]
    fn token_names_in_messages() {
        assert_eq!(TokenKind::Assign.to_string(), "\"=\"");
        assert_eq!(TokenKind::Eof.to_string(), "end of input");
        assert_eq!(TokenKind::Newline.to_string(), "end of line");
        assert_eq!(TokenKind::Name("df".into()).to_string(), "\"df\"");
        assert_eq!(
            TokenKind::Keyword(Keyword::Lambda).to_string(),
            "\"lambda\""
        );
        assert_eq!(TokenKind::Str("ab".into()).to_string(), "string \"ab\"");
        assert_eq!(TokenKind::Float(0.5).to_string(), "\"0.5\"");
    }

    #[test]
    fn open_input() {
        assert!(input_is_open("f(1,"));
        assert!(input_is_open("x = [1,\n 2"));
        assert!(input_is_open("x = '''abc"));
        assert!(input_is_open("x = 1 + \\"));
        assert!(!input_is_open("x = 1"));
        assert!(!input_is_open("x = 'abc"));
        assert!(!input_is_open("# f(\\"));
        assert!(!input_is_open("x = ')'"));
        assert!(!input_is_open("f(1))"));
    }
}
