//! How results and progress are shown: the output format, pandas' display options and the
//! progress bar's mode, the values of the `format`, `max_rows`/`min_rows`/`max_columns`/`width`
//! and `progress` settings, and the size of the terminal a table is fitted to.

use crate::error::{DdqError, Result};
use std::fmt;
use std::str::FromStr;

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned text the way pandas prints a DataFrame or Series, without the row index.
    Table,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// JSON lines: one object per row.
    Json,
    /// A Markdown (GitHub) pipe table, as `DataFrame.to_markdown(index=False)` makes one.
    Markdown,
    /// Tab-separated values with a header row, as `to_csv(sep="\t", index=False)` writes.
    Tsv,
    /// One Parquet file: to a file (`--output`) or a pipe, never a terminal.
    Parquet,
}

/// Every format, in the order help lists them.
const FORMATS: [Format; 6] = [
    Format::Table,
    Format::Csv,
    Format::Json,
    Format::Markdown,
    Format::Tsv,
    Format::Parquet,
];

impl FromStr for Format {
    type Err = DdqError;

    fn from_str(text: &str) -> Result<Self> {
        let lower = text.to_ascii_lowercase();
        let lower = if lower == "md" {
            "markdown".to_string()
        } else {
            lower
        };
        FORMATS
            .into_iter()
            .find(|format| format.to_string() == lower)
            .ok_or_else(|| {
                DdqError::unknown(format!(
                    "unknown output format `{text}`: expected one of table, csv, json, markdown, tsv, parquet"
                ))
            })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Tsv => "tsv",
            Format::Parquet => "parquet",
        })
    }
}

/// pandas' display options that apply to ddq's table output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayOptions {
    /// More rows than this and the middle is elided; 0 means never elide.
    pub max_rows: usize,
    /// How many rows (half at each end) an elided result shows.
    pub min_rows: usize,
    /// More columns than this and the middle ones are elided; 0 means never elide.
    pub max_columns: usize,
    /// pandas' `display.width`: lines longer than this lose middle columns; 0 means the
    /// terminal's width on a terminal and no limit elsewhere.
    pub width: usize,
    /// The terminal the table is printed on, if it is printed on one (set per result, as the
    /// window may be resized between statements).
    pub terminal: Option<TerminalSize>,
}

/// A terminal's size in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerminalSize {
    pub columns: usize,
    pub lines: usize,
}

impl DisplayOptions {
    /// The longest line a table may print, if any: `width` when set, else the terminal's.
    pub fn line_width(&self) -> Option<usize> {
        match (self.width, self.terminal) {
            (0, Some(terminal)) => Some(terminal.columns),
            (0, None) => None,
            (width, _) => Some(width),
        }
    }

    /// `max_rows`, lowered on a terminal so that a table and its `extra_lines` (header, `...`
    /// row, footer, the next prompt) fit its height, as pandas fits a terminal with
    /// `display.max_rows = 0`. A limit of 0 stays "no limit".
    pub fn row_limit(&self, extra_lines: usize) -> usize {
        match self.terminal {
            Some(terminal) if self.max_rows > 0 => {
                let fitting = terminal.lines.saturating_sub(extra_lines).max(2);
                self.max_rows.min(fitting)
            }
            _ => self.max_rows,
        }
    }
}

/// The size of the terminal standard output is, as Python's `shutil.get_terminal_size` finds
/// it (which pandas uses): `COLUMNS` and `LINES` first, then the terminal itself, then 80x24.
/// `None` when standard output is not a terminal.
pub fn terminal_size() -> Option<TerminalSize> {
    let term = console::Term::stdout();
    if !term.is_term() {
        return None;
    }
    let (lines, columns) = term.size_checked().map_or((0, 0), |(l, c)| (l, c));
    let from_env = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
    };
    let or_default = |n: u16, default: usize| if n > 0 { n as usize } else { default };
    Some(TerminalSize {
        columns: from_env("COLUMNS").unwrap_or(or_default(columns, 80)),
        lines: from_env("LINES").unwrap_or(or_default(lines, 24)),
    })
}

impl Default for DisplayOptions {
    /// pandas' defaults (`display.max_rows`, `display.min_rows`, `display.max_columns`).
    fn default() -> Self {
        DisplayOptions {
            max_rows: 60,
            min_rows: 10,
            max_columns: 20,
            width: 0,
            terminal: None,
        }
    }
}

/// What the finished bar does: disappear, or stay as a record of the statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarMode {
    Off,
    Clear,
    Keep,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_parses_and_displays() {
        for format in FORMATS {
            assert_eq!(format.to_string().parse::<Format>().unwrap(), format);
        }
        assert_eq!("CSV".parse::<Format>().unwrap(), Format::Csv);
        assert_eq!("md".parse::<Format>().unwrap(), Format::Markdown);
        let err = "xml".parse::<Format>().unwrap_err();
        assert!(
            err.message
                .contains("table, csv, json, markdown, tsv, parquet"),
            "{}",
            err.message
        );
    }

    #[test]
    fn default_options_are_pandas_defaults() {
        let options = DisplayOptions::default();
        assert_eq!(
            (options.max_rows, options.min_rows, options.max_columns),
            (60, 10, 20)
        );
        assert_eq!(options.line_width(), None);
    }

    #[test]
    fn a_terminal_bounds_width_and_rows() {
        let terminal = TerminalSize {
            columns: 100,
            lines: 24,
        };
        let mut options = DisplayOptions {
            terminal: Some(terminal),
            ..DisplayOptions::default()
        };
        assert_eq!(options.line_width(), Some(100));
        assert_eq!(options.row_limit(6), 18);
        options.width = 60;
        assert_eq!(options.line_width(), Some(60));
        options.max_rows = 0;
        assert_eq!(options.row_limit(6), 0, "0 stays no limit");
        options.max_rows = 5;
        assert_eq!(options.row_limit(6), 5);
        options.terminal = Some(TerminalSize {
            columns: 10,
            lines: 3,
        });
        options.max_rows = 60;
        assert_eq!(options.row_limit(6), 2, "a tiny terminal still shows rows");
    }
}
