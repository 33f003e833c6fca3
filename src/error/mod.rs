//! The crate's one error type. Every error carries a message, optionally the span of source text
//! it is about and a hint that suggests the fix; rendering with the source line and a caret is
//! done by `report`, which is the only place that knows about terminals and colour.

use datafusion::error::DataFusionError;
use span::Span;
use std::fmt;

pub mod report;
pub mod span;

/// What went wrong, broadly; used to choose exit codes and test expectations, never for control flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text does not parse.
    Syntax,
    /// A name, column, method or keyword argument that does not exist.
    Unknown,
    /// A value of the wrong type or shape for an operation.
    Type,
    /// A file or glob that cannot be read, or data that does not fit its declared type.
    Input,
    /// Something the language recognises but ddq does not support.
    Unsupported,
    /// An error raised while executing a query.
    Execution,
    /// The user interrupted the query.
    Cancelled,
    /// A query needed more memory than the memory limit allows, even with spilling.
    Memory,
}

#[derive(Debug, Clone)]
pub struct DdqError {
    pub kind: ErrorKind,
    pub message: String,
    pub span: Option<Span>,
    pub help: Option<String>,
}

pub type Result<T, E = DdqError> = std::result::Result<T, E>;

impl DdqError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        DdqError {
            kind,
            message: message.into(),
            span: None,
            help: None,
        }
    }

    pub fn syntax(message: impl Into<String>, span: Span) -> Self {
        Self::new(ErrorKind::Syntax, message).at(span)
    }

    pub fn unknown(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unknown, message)
    }

    pub fn type_error(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Type, message)
    }

    pub fn input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Input, message)
    }

    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unsupported, message)
    }

    pub fn execution(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Execution, message)
    }

    /// The one shape of every "expected X, found Y" message in ddq.
    pub fn expected(expected: impl fmt::Display, found: impl fmt::Display, span: Span) -> Self {
        Self::syntax(format!("expected {expected}, found {found}"), span)
    }

    /// The one shape of "a function gave X where Y is needed": what a notebook's function
    /// returned did not have the shape its caller uses.
    pub fn function_gave(given: impl fmt::Display, needed: impl fmt::Display) -> Self {
        Self::type_error(format!(
            "the function gave {given} where {needed} is needed"
        ))
    }

    /// Attaches a span unless one is already set: the innermost location is the most precise.
    pub fn at(mut self, span: Span) -> Self {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a did-you-mean hint when one of `candidates` is close to `name`.
    pub fn suggest<'a>(self, name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Self {
        match closest_match(name, candidates) {
            Some(best) => self.with_help(format!("did you mean `{best}`?")),
            None => self,
        }
    }
}

impl fmt::Display for DdqError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

impl std::error::Error for DdqError {}

/// Keeps the engine's message but drops its internal prefixes, and recovers ddq's own errors
/// that travelled through the engine (a scan's file:line error inside a DataFusion stream).
impl From<DataFusionError> for DdqError {
    fn from(err: DataFusionError) -> Self {
        let root = err.find_root();
        if let DataFusionError::External(inner) = root
            && let Some(ddq) = inner.downcast_ref::<DdqError>()
        {
            return ddq.clone();
        }
        let kind = match root {
            DataFusionError::ResourcesExhausted(_) => ErrorKind::Memory,
            DataFusionError::IoError(_) => ErrorKind::Input,
            DataFusionError::NotImplemented(_) => ErrorKind::Unsupported,
            _ => ErrorKind::Execution,
        };
        DdqError::new(kind, root.message().to_string())
    }
}

impl From<std::io::Error> for DdqError {
    fn from(err: std::io::Error) -> Self {
        DdqError::input(err.to_string())
    }
}

/// The candidate closest to `name` by edit distance, if it is close enough to be a plausible typo.
pub fn closest_match<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let candidate = c.to_lowercase();
            // `fraction` for `frac`, `Dest` for `Destination`: a shared stem is a typo too.
            let stem = candidate.len().min(lower.len()) >= 3
                && (candidate.starts_with(&lower) || lower.starts_with(&candidate));
            let distance = edit_distance(&lower, &candidate);
            (if stem { distance.min(1) } else { distance }, c)
        })
        .filter(|(d, c)| *d <= (c.len().max(name.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance where swapping two neighbouring letters (`maen` for `mean`) counts as one edit:
/// the optimal string alignment distance.
fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let cols = ["Origin", "Dest", "DepDelay"];
        assert_eq!(closest_match("Orign", cols), Some("Origin"));
        assert_eq!(closest_match("depdelay", cols), Some("DepDelay"));
        assert_eq!(closest_match("Distance", cols), None);
        assert_eq!(
            closest_match("fraction", ["n", "frac", "replace"]),
            Some("frac")
        );
        assert_eq!(closest_match("maen", ["mean", "max"]), Some("mean"));
    }
}
