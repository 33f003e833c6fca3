//! Error reports for people: the message, the source line with the span underlined, and the
//! help line, rendered with `ariadne`. This is the only place that knows about colour.

use crate::error::DdqError;
use crate::error::span::{Source, Span};
use ariadne::{Color, Config, Fmt, IndexType, Label, Report, ReportKind};

/// A report for `err` against the text it came from. With a span: `error: message`, the source
/// line with the span marked, then `help: ...`; without one: `error: message` and `help: ...`.
/// ANSI colour only when `color` is set.
pub fn render(err: &DdqError, source: &Source, color: bool) -> String {
    let mut out = match err.span {
        Some(span) => {
            render_with_source(err, span, source, color).unwrap_or_else(|| headline(err, color))
        }
        None => headline(err, color),
    };
    if let Some(help) = &err.help {
        out.push_str(&format!("{}: {help}\n", paint("help", Color::Cyan, color)));
    }
    out
}

/// `NAME:LINE:COL` of the error's span, as compilers print it (`job.q:3:14`).
pub fn location(err: &DdqError, source: &Source) -> Option<String> {
    let span = err.span?;
    let (line, col) = source.line_col(span.start);
    Some(format!("{}:{line}:{col}", source.name))
}

fn headline(err: &DdqError, color: bool) -> String {
    format!("{}: {}\n", paint("error", Color::Red, color), err.message)
}

fn paint(text: &str, colour: Color, enabled: bool) -> String {
    if enabled {
        text.fg(colour).to_string()
    } else {
        text.to_string()
    }
}

/// `None` when ariadne cannot write the report, so the caller can fall back to plain text.
fn render_with_source(err: &DdqError, span: Span, source: &Source, color: bool) -> Option<String> {
    let range = clamp_to_text(span, &source.text);
    let name = source.name.clone();
    let config = Config::default()
        .with_color(color)
        .with_index_type(IndexType::Byte);
    let label = Label::new((name.clone(), range.clone()))
        .with_message("here")
        .with_color(Color::Red);
    let report = Report::build(
        ReportKind::Custom("error", Color::Red),
        (name.clone(), range),
    )
    .with_config(config)
    .with_message(&err.message)
    .with_label(label)
    .finish();
    let mut out = Vec::new();
    report
        .write(ariadne::sources([(name, source.text.as_str())]), &mut out)
        .ok()?;
    let text = String::from_utf8(out).ok()?;
    // ariadne colours a custom report kind even with colour off.
    Some(if color { text } else { strip_ansi(&text) })
}

/// The span as a byte range that is inside the text and on character boundaries.
fn clamp_to_text(span: Span, text: &str) -> std::ops::Range<usize> {
    let floor = |index: usize| {
        let mut index = index.min(text.len());
        while index > 0 && !text.is_char_boundary(index) {
            index -= 1;
        }
        index
    };
    let start = floor(span.start);
    let end = floor(span.end).max(start);
    start..end
}

/// Removes `ESC [ ... m` colour sequences.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn syntax_error(start: usize, end: usize) -> DdqError {
        DdqError::expected("an expression", "\"=\"", Span::new(start, end))
    }

    #[test]
    fn report_shows_message_line_marker_and_help() {
        let source = Source::new("job.q", "x = 1\nz = = 1\n");
        let err = syntax_error(10, 11).with_help("write a value after `=`");
        let text = render(&err, &source, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "error: expected an expression, found \"=\"");
        assert!(lines[1].contains("job.q:2:5"), "{text}");
        assert!(text.contains(" 2 │ z = = 1"), "{text}");
        assert!(text.contains("here"), "{text}");
        assert!(
            !text.contains("x = 1"),
            "only the error's line is shown:\n{text}"
        );
        assert_eq!(lines.last(), Some(&"help: write a value after `=`"));
        assert!(!text.contains('\x1b'), "no colour unless asked:\n{text}");
    }

    #[test]
    fn marker_sits_under_the_span() {
        let source = Source::new("<repl>", "df.groupby(\"a\").mena()");
        let err = DdqError::unknown("no method mena").at(Span::new(16, 20));
        let text = render(&err, &source, false);
        let code_line = text
            .lines()
            .find(|l| l.contains("df.groupby"))
            .unwrap_or_default();
        let marker_line = text.lines().find(|l| l.contains('┬')).unwrap_or_default();
        let code_col = code_line.find("mena").unwrap_or(0);
        let marker_col = marker_line.find('─').unwrap_or(usize::MAX);
        assert_eq!(
            code_line[..code_col].chars().count(),
            marker_line[..marker_col].chars().count(),
            "{text}"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let source = Source::new("<repl>", "x = = 1");
        let coloured = render(&syntax_error(4, 5), &source, true);
        assert!(coloured.contains('\x1b'));
        assert!(strip_ansi(&coloured).contains("error: expected an expression"));
        let plain_no_span = render(&DdqError::unknown("no column Foo"), &source, true);
        assert!(plain_no_span.contains('\x1b'));
    }

    #[test]
    fn without_span_is_one_line_plus_help() {
        let source = Source::new("<repl>", "x");
        let err =
            DdqError::new(ErrorKind::Unknown, "no column Foo").with_help("did you mean `foo`?");
        assert_eq!(
            render(&err, &source, false),
            "error: no column Foo\nhelp: did you mean `foo`?\n"
        );
    }

    #[test]
    fn spans_at_or_past_the_end_and_inside_characters_render() {
        let source = Source::new("<repl>", "ddf.groupby(");
        let at_end = render(&syntax_error(12, 12), &source, false);
        assert!(at_end.contains("<repl>:1:13"), "{at_end}");
        assert!(at_end.contains("ddf.groupby("), "{at_end}");
        let past_end = render(&syntax_error(50, 60), &source, false);
        assert!(past_end.starts_with("error: expected"), "{past_end}");
        let unicode = Source::new("<repl>", "x = 'é' $");
        let inside_char = render(&syntax_error(6, 7), &unicode, false);
        assert!(inside_char.contains("x = 'é' $"), "{inside_char}");
        let empty = Source::new("<repl>", "");
        assert!(render(&syntax_error(0, 0), &empty, false).starts_with("error: expected"));
    }

    #[test]
    fn location_is_name_line_column() {
        let source = Source::new("job.q", "a = 1\nb = 2\nc = ddf.groupby(x, = 1)\n");
        let err = syntax_error(31, 32);
        assert_eq!(location(&err, &source).as_deref(), Some("job.q:3:20"));
        assert_eq!(location(&DdqError::unknown("x"), &source), None);
    }
}
