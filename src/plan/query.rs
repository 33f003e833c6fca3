//! `df.query("DepDelay > 60 and Origin == 'JFK'")`: pandas' query strings. The text is parsed as
//! an expression in which column names (or `` `names with spaces` ``) stand for the frame's
//! columns and `@name` for a variable of the session; `and`, `or`, `not`, `in` and `not in` mean
//! what they mean in pandas' query (element-wise; `&` and `|` are `and` and `or`, with their
//! precedence), and the result filters the rows.

use crate::error::span::Span;
use crate::error::{DdqError, Result};
use crate::lang::ast::{Arg, BinOp, Expr, ExprKind, Ident, UnaryOp};
use crate::lang::parser::{parse_expression, respan};
use crate::plan::value::{Frame, Lambda, Value};
use crate::plan::{Planner, column_series, frame};

/// The rows of `frame` where the query is true.
pub fn query(planner: &Planner, frame: &Frame, text: &str, span: Span) -> Result<Frame> {
    let (rewritten, names) = substitute_names(text, frame)?;
    let parsed = parse_expression(&rewritten).map_err(|e| {
        DdqError::syntax(format!("in the query {text:?}: {}", e.message), span).with_help(
            "a query is an expression over the columns, e.g. \"DepDelay > 60 and Origin == 'JFK'\"",
        )
    })?;
    let mut body = elementwise(parsed);
    respan(&mut body, span);
    let mut params = Vec::new();
    let mut values = Vec::new();
    for (local, source) in names {
        let value = match source {
            Source::Column(column) => Value::Series(column_series(frame, &column)?),
            Source::Variable(name) => planner.variable(&name).map_err(|e| e.at(span))?,
        };
        params.push(local);
        values.push(value);
    }
    let lambda = Lambda::new(params, body);
    match planner
        .apply_lambda(&lambda, values)
        .map_err(|e| e.at(span))?
    {
        Value::Series(mask) => frame::filter(frame, &mask).map_err(|e| e.at(span)),
        other => Err(DdqError::type_error(format!(
            "the query gave {} instead of a true/false value per row",
            other.kind_name()
        ))
        .at(span)),
    }
}

enum Source {
    Column(String),
    Variable(String),
}

/// Replaces `` `quoted names` `` and `@variables` (outside string literals) by plain local
/// names, and binds every column name that appears as a bare name to its column.
fn substitute_names(text: &str, frame: &Frame) -> Result<(String, Vec<(String, Source)>)> {
    let mut out = String::new();
    let mut names: Vec<(String, Source)> = Vec::new();
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '`') => {
                let name: String = chars.by_ref().take_while(|&c| c != '`').collect();
                let local = format!("__ddq_q{}", names.len());
                names.push((local.clone(), Source::Column(name)));
                out.push_str(&local);
            }
            (None, '@') => {
                let mut name = String::new();
                while let Some(&c) = chars.peek().filter(|c| c.is_alphanumeric() || **c == '_') {
                    name.push(c);
                    chars.next();
                }
                let local = format!("__ddq_q{}", names.len());
                names.push((local.clone(), Source::Variable(name)));
                out.push_str(&local);
            }
            // pandas' query gives `&` and `|` the precedence of `and` and `or`, below the
            // comparisons: "a == 1 & b > 2" is (a == 1) & (b > 2), not Python's a == (1 & b) > 2.
            (None, '&') => out.push_str(" and "),
            (None, '|') => out.push_str(" or "),
            (None, c) => out.push(c),
        }
    }
    for column in frame.columns() {
        if is_identifier(&column) {
            names.push((column.clone(), Source::Column(column)));
        }
    }
    Ok((out, names))
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// pandas' query reads `and`, `or` and `not` element-wise and `x in [...]` as `x.isin([...])`.
fn elementwise(expr: Expr) -> Expr {
    let span = expr.span;
    let kind = match expr.kind {
        ExprKind::Binary { op, left, right } => {
            let (left, right) = (elementwise(*left), elementwise(*right));
            match op {
                BinOp::And | BinOp::Or => ExprKind::Binary {
                    op: if op == BinOp::And {
                        BinOp::BitAnd
                    } else {
                        BinOp::BitOr
                    },
                    left: Box::new(left),
                    right: Box::new(right),
                },
                // pandas' query reads `col == [a, b]` as `col in [a, b]`.
                BinOp::In | BinOp::NotIn | BinOp::Eq | BinOp::NotEq
                    if op == BinOp::In
                        || op == BinOp::NotIn
                        || matches!(right.kind, ExprKind::List(_)) =>
                {
                    let isin = Expr {
                        kind: ExprKind::Call {
                            func: Box::new(Expr {
                                kind: ExprKind::Attr {
                                    value: Box::new(left),
                                    name: Ident {
                                        name: "isin".into(),
                                        span,
                                    },
                                },
                                span,
                            }),
                            args: vec![Arg {
                                name: None,
                                value: right,
                            }],
                        },
                        span,
                    };
                    if op == BinOp::In || op == BinOp::Eq {
                        return isin;
                    }
                    ExprKind::Unary {
                        op: UnaryOp::Invert,
                        operand: Box::new(isin),
                    }
                }
                op => ExprKind::Binary {
                    op,
                    left: Box::new(left),
                    right: Box::new(right),
                },
            }
        }
        ExprKind::Unary { op, operand } => ExprKind::Unary {
            op: if op == UnaryOp::Not {
                UnaryOp::Invert
            } else {
                op
            },
            operand: Box::new(elementwise(*operand)),
        },
        other => other,
    };
    Expr { kind, span }
}
