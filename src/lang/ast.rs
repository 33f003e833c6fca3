//! The syntax tree of ddq's Python subset and its short commands. Every node carries the span of
//! the text it came from, so planning errors can point at the exact column.

use crate::error::span::Span;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    /// The whole statement, used for `FILE:LINE:` prefixes and `%time` echo.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// `NAME = EXPR`
    Assign { target: Ident, value: Expr },
    /// `NAME[KEY] = EXPR`: pandas' column assignment, `df["new"] = df.a + 1`; the name is
    /// bound to a new frame with the column set.
    AssignColumn {
        frame: Ident,
        column: Expr,
        value: Expr,
    },
    /// `A, B = EXPR`: Python's unpacking of a tuple or list, as `a, b = dask.compute(x, y)`.
    Unpack { targets: Vec<Ident>, value: Expr },
    /// A bare expression: evaluated and printed.
    Expr(Expr),
    /// `import x`, `import x as y`, `from x import y`: accepted and ignored, as pasted notebooks
    /// start with them. The module path is kept for messages.
    Import { module: String },
    /// A short command such as `read "x.csv" as x` or `help groupby`.
    Command(Command),
    /// `with CONTEXT:` and the statements indented under it (or after the colon on the same
    /// line): `with dask.config.set(scheduler="processes"):` or `with ProgressBar():`.
    With { context: Expr, body: Vec<Stmt> },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `read "GLOB" [as NAME]`
    Read {
        path: String,
        path_span: Span,
        alias: Option<Ident>,
    },
    /// `head EXPR [N]`
    Head { value: Expr, rows: Option<i64> },
    /// `schema EXPR`
    Schema { value: Expr },
    /// `explain [analyze] EXPR`
    Explain { value: Expr, analyze: bool },
    /// `visualize EXPR [to FILE]`
    Visualize { value: Expr, file: Option<String> },
    /// `set`, `set NAME`, `set NAME VALUE`; the value is the raw text after the name.
    Set {
        name: Option<Ident>,
        value: Option<String>,
    },
    /// `help [TOPIC]`
    Help { topic: Option<Ident> },
    /// `cache` lists the scan cache, `cache clear` empties it.
    Cache { clear: bool },
    /// `cluster` (or `client`) shows where statements run.
    Cluster,
    /// `%time STMT`
    Time { stmt: Box<Stmt> },
    /// `%timeit [-n N] STMT`
    TimeIt { stmt: Box<Stmt>, runs: Option<i64> },
    /// `%%time` on a line of its own: times the statements after it up to the next blank line
    /// (the end of a pasted notebook cell).
    TimeCell { stmts: Vec<Stmt> },
    /// `quit` / `exit`
    Quit,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Name(String),
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    None,
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
    /// `value.name`
    Attr {
        value: Box<Expr>,
        name: Ident,
    },
    /// `value[index]`; `df.iloc[:, [1, 3]]` has a `Tuple` index whose first item is a `Slice`.
    Subscript {
        value: Box<Expr>,
        index: Box<Expr>,
    },
    /// `lower:upper:step` inside a subscript; each part optional.
    Slice {
        lower: Option<Box<Expr>>,
        upper: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
    },
    Call {
        func: Box<Expr>,
        args: Vec<Arg>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `f"text {expr!r:spec} text"` (with any plain strings next to it).
    FString(Vec<FPart>),
    /// `lambda a, b: body` (and a one-line `def`, which gives its `name`): compiled by the
    /// planner, never run as Python.
    Lambda {
        name: Option<Ident>,
        params: Vec<Param>,
        body: Box<Expr>,
    },
    /// `[element for names in iterable if condition]` over plain values (column names, numbers).
    ListComp {
        element: Box<Expr>,
        names: Vec<Ident>,
        iterable: Box<Expr>,
        condition: Option<Box<Expr>>,
    },
}

/// A piece of an f-string: text, or a field with its `!r`/`!s` conversion and format spec.
#[derive(Debug, Clone, PartialEq)]
pub enum FPart {
    Text(String),
    Field {
        expr: Expr,
        conversion: Option<char>,
        spec: String,
    },
}

/// A parameter of a `lambda` or `def`: `name`, or `name=default` (the default is evaluated
/// where the function is defined, as in Python).
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: Ident,
    pub default: Option<Expr>,
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.default {
            Some(default) => write!(f, "{}={default}", self.name.name),
            None => write!(f, "{}", self.name.name),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// `Some` for a keyword argument `name=value`.
    pub name: Option<Ident>,
    pub value: Expr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Pos,
    /// `~`
    Invert,
    /// `not`
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `and`
    And,
    /// `or`
    Or,
    /// `in` (only between a value and a literal list)
    In,
    /// `not in`
    NotIn,
}

impl BinOp {
    /// The operator as written in source, for messages.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::Eq => "==",
            BinOp::NotEq => "!=",
            BinOp::Lt => "<",
            BinOp::LtEq => "<=",
            BinOp::Gt => ">",
            BinOp::GtEq => ">=",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::In => "in",
            BinOp::NotIn => "not in",
        }
    }
}

impl UnaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Pos => "+",
            UnaryOp::Invert => "~",
            UnaryOp::Not => "not",
        }
    }
}

/// Python's binding strengths, loosest first. The parser and the printer both use these, so the
/// text `Display` writes always parses back to the same tree.
pub mod precedence {
    pub const LOWEST: u8 = 0;
    pub const OR: u8 = 1;
    pub const AND: u8 = 2;
    pub const NOT: u8 = 3;
    /// `== != < <= > >= in not in`; non-associative in ddq (chains are rejected).
    pub const COMPARISON: u8 = 4;
    pub const BIT_OR: u8 = 5;
    pub const BIT_XOR: u8 = 6;
    pub const BIT_AND: u8 = 7;
    pub const SUM: u8 = 8;
    pub const PRODUCT: u8 = 9;
    /// Prefix `- + ~`.
    pub const UNARY: u8 = 10;
    pub const POWER: u8 = 11;
    /// Attribute access, subscripts and calls.
    pub const POSTFIX: u8 = 12;
    pub const ATOM: u8 = 13;
}

impl BinOp {
    pub fn precedence(self) -> u8 {
        use precedence as p;
        match self {
            BinOp::Or => p::OR,
            BinOp::And => p::AND,
            BinOp::Eq
            | BinOp::NotEq
            | BinOp::Lt
            | BinOp::LtEq
            | BinOp::Gt
            | BinOp::GtEq
            | BinOp::In
            | BinOp::NotIn => p::COMPARISON,
            BinOp::BitOr => p::BIT_OR,
            BinOp::BitXor => p::BIT_XOR,
            BinOp::BitAnd => p::BIT_AND,
            BinOp::Add | BinOp::Sub => p::SUM,
            BinOp::Mul | BinOp::Div | BinOp::FloorDiv | BinOp::Mod => p::PRODUCT,
            BinOp::Pow => p::POWER,
        }
    }

    pub fn is_comparison(self) -> bool {
        self.precedence() == precedence::COMPARISON
    }
}

impl UnaryOp {
    pub fn precedence(self) -> u8 {
        match self {
            UnaryOp::Not => precedence::NOT,
            UnaryOp::Neg | UnaryOp::Pos | UnaryOp::Invert => precedence::UNARY,
        }
    }
}

impl Expr {
    /// How tightly this expression binds when printed without parentheses.
    pub fn precedence(&self) -> u8 {
        match &self.kind {
            ExprKind::Binary { op, .. } => op.precedence(),
            ExprKind::Unary { op, .. } => op.precedence(),
            // A negative literal prints with its sign, so it binds like a unary minus.
            ExprKind::Int(value) if *value < 0 => precedence::UNARY,
            ExprKind::Float(value) if value.is_sign_negative() => precedence::UNARY,
            // A slice is only valid where the printer never parenthesises it (inside `[]`).
            ExprKind::Slice { .. } | ExprKind::Lambda { .. } => precedence::LOWEST,
            ExprKind::Attr { .. } | ExprKind::Subscript { .. } | ExprKind::Call { .. } => {
                precedence::POSTFIX
            }
            _ => precedence::ATOM,
        }
    }
}

/// Canonical Python text for an expression, with only the parentheses precedence requires.
/// Long because it is one arm per kind of expression: the printer reads as the grammar does, and
/// the round-trip tests pin it in one place.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use precedence as p;
        match &self.kind {
            ExprKind::Name(name) => f.write_str(name),
            ExprKind::Int(value) => write!(f, "{value}"),
            ExprKind::Float(value) => write_float(f, *value),
            ExprKind::Str(value) => write_python_string(f, value),
            ExprKind::Bool(true) => f.write_str("True"),
            ExprKind::Bool(false) => f.write_str("False"),
            ExprKind::None => f.write_str("None"),
            ExprKind::List(items) => {
                f.write_str("[")?;
                write_list(f, items)?;
                f.write_str("]")
            }
            ExprKind::Tuple(items) => {
                f.write_str("(")?;
                write_list(f, items)?;
                if items.len() == 1 {
                    f.write_str(",")?;
                }
                f.write_str(")")
            }
            ExprKind::Dict(entries) => {
                f.write_str("{")?;
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{key}: {value}")?;
                }
                f.write_str("}")
            }
            ExprKind::Attr { value, name } => {
                // `1.real` would lex as the float `1.` followed by a name.
                if matches!(value.kind, ExprKind::Int(_)) {
                    write!(f, "({value}).{}", name.name)
                } else {
                    write_operand(f, value, p::POSTFIX)?;
                    write!(f, ".{}", name.name)
                }
            }
            ExprKind::Subscript { value, index } => {
                write_operand(f, value, p::POSTFIX)?;
                f.write_str("[")?;
                match &index.kind {
                    // Written bare so that slices inside stay legal: `df.iloc[:, [1, 3]]`.
                    ExprKind::Tuple(items) if !items.is_empty() => {
                        write_list(f, items)?;
                        if items.len() == 1 {
                            f.write_str(",")?;
                        }
                    }
                    _ => write!(f, "{index}")?,
                }
                f.write_str("]")
            }
            ExprKind::Slice { lower, upper, step } => {
                if let Some(lower) = lower {
                    write!(f, "{lower}")?;
                }
                f.write_str(":")?;
                if let Some(upper) = upper {
                    write!(f, "{upper}")?;
                }
                if let Some(step) = step {
                    write!(f, ":{step}")?;
                }
                Ok(())
            }
            ExprKind::Call { func, args } => {
                write_operand(f, func, p::POSTFIX)?;
                f.write_str("(")?;
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if let Some(name) = &arg.name {
                        write!(f, "{}=", name.name)?;
                    }
                    write!(f, "{}", arg.value)?;
                }
                f.write_str(")")
            }
            ExprKind::Unary { op, operand } => {
                f.write_str(op.symbol())?;
                if *op == UnaryOp::Not {
                    f.write_str(" ")?;
                }
                write_operand(f, operand, op.precedence())
            }
            ExprKind::Binary { op, left, right } => {
                let prec = op.precedence();
                // Left-associative operators let an equal-precedence left operand go bare;
                // `**` is right-associative, and its left operand may not even be unary
                // (`(-2) ** 2`), while its right operand may (`2 ** -1`).
                let (left_min, right_min) = match op {
                    BinOp::Pow => (p::POSTFIX, p::UNARY),
                    _ if op.is_comparison() => (prec + 1, prec + 1),
                    _ => (prec, prec + 1),
                };
                write_operand(f, left, left_min)?;
                write!(f, " {} ", op.symbol())?;
                write_operand(f, right, right_min)
            }
            ExprKind::Lambda { params, body, .. } => {
                let params: Vec<String> = params.iter().map(Param::to_string).collect();
                write!(f, "lambda {}: {body}", params.join(", "))
            }
            ExprKind::FString(parts) => write_fstring(f, parts),
            ExprKind::ListComp {
                element,
                names,
                iterable,
                condition,
            } => {
                let names: Vec<&str> = names.iter().map(|p| p.name.as_str()).collect();
                write!(f, "[{element} for {} in {iterable}", names.join(", "))?;
                if let Some(condition) = condition {
                    write!(f, " if {condition}")?;
                }
                write!(f, "]")
            }
        }
    }
}

/// `f"..."` with braces doubled in the text and each field written back.
fn write_fstring(f: &mut fmt::Formatter<'_>, parts: &[FPart]) -> fmt::Result {
    let mut text = String::new();
    for part in parts {
        match part {
            FPart::Text(t) => text.push_str(&t.replace('{', "{{").replace('}', "}}")),
            FPart::Field {
                expr,
                conversion,
                spec,
            } => {
                text.push_str(&format!("{{{expr}"));
                if let Some(c) = conversion {
                    text.push_str(&format!("!{c}"));
                }
                if !spec.is_empty() {
                    text.push_str(&format!(":{spec}"));
                }
                text.push('}');
            }
        }
    }
    f.write_str("f")?;
    write_python_string(f, &text)
}

/// Writes `expr`, parenthesised when it binds looser than `min` requires.
fn write_operand(f: &mut fmt::Formatter<'_>, expr: &Expr, min: u8) -> fmt::Result {
    if expr.precedence() < min {
        write!(f, "({expr})")
    } else {
        write!(f, "{expr}")
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// A float as Python reads it back: always with a `.` or exponent, and `inf` as an overflowing
/// literal since Python has no literal for it.
fn write_float(f: &mut fmt::Formatter<'_>, value: f64) -> fmt::Result {
    if value.is_nan() {
        f.write_str("float(\"nan\")")
    } else if value.is_infinite() {
        f.write_str(if value > 0.0 { "1e999" } else { "-1e999" })
    } else {
        write!(f, "{value:?}")
    }
}

/// A string literal in double quotes with Python escapes.
pub fn write_python_string(f: &mut impl fmt::Write, value: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in value.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if (c as u32) < 0x20 || c as u32 == 0x7f => write!(f, "\\x{:02x}", c as u32)?,
            c if c.is_control() => write!(f, "\\U{:08x}", c as u32)?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

/// Canonical text for a statement; commands print in their documented form.
impl fmt::Display for Stmt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            StmtKind::Assign { target, value } => write!(f, "{} = {value}", target.name),
            StmtKind::AssignColumn {
                frame,
                column,
                value,
            } => write!(f, "{}[{column}] = {value}", frame.name),
            StmtKind::Unpack { targets, value } => {
                let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
                write!(f, "{} = {value}", names.join(", "))
            }
            StmtKind::Expr(value) => write!(f, "{value}"),
            StmtKind::Import { module } => write!(f, "import {module}"),
            StmtKind::Command(command) => write!(f, "{command}"),
            StmtKind::With { context, body } => {
                write!(f, "with {context}:")?;
                body.iter().try_for_each(|stmt| write!(f, "\n    {stmt}"))
            }
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Read { path, alias, .. } => {
                f.write_str("read ")?;
                write_python_string(f, path)?;
                if let Some(alias) = alias {
                    write!(f, " as {}", alias.name)?;
                }
                Ok(())
            }
            Command::Head { value, rows } => {
                write!(f, "head {value}")?;
                if let Some(rows) = rows {
                    write!(f, " {rows}")?;
                }
                Ok(())
            }
            Command::Schema { value } => write!(f, "schema {value}"),
            Command::Explain { value, analyze } => {
                let flag = if *analyze { "analyze " } else { "" };
                write!(f, "explain {flag}{value}")
            }
            Command::Visualize { value, file } => {
                write!(f, "visualize {value}")?;
                if let Some(file) = file {
                    f.write_str(" to ")?;
                    write_python_string(f, file)?;
                }
                Ok(())
            }
            Command::Set { name, value } => {
                f.write_str("set")?;
                if let Some(name) = name {
                    write!(f, " {}", name.name)?;
                }
                if let Some(value) = value {
                    write!(f, " {value}")?;
                }
                Ok(())
            }
            Command::Help { topic } => match topic {
                Some(topic) => write!(f, "help {}", topic.name),
                None => f.write_str("help"),
            },
            Command::Cache { clear } => f.write_str(if *clear { "cache clear" } else { "cache" }),
            Command::Cluster => f.write_str("cluster"),
            Command::Time { stmt } => write!(f, "%time {stmt}"),
            Command::TimeIt { stmt, runs } => match runs {
                Some(runs) => write!(f, "%timeit -n {runs} {stmt}"),
                None => write!(f, "%timeit {stmt}"),
            },
            Command::TimeCell { stmts } => {
                f.write_str("%%time")?;
                for stmt in stmts {
                    write!(f, "\n{stmt}")?;
                }
                f.write_str("\n")
            }
            Command::Quit => f.write_str("quit"),
        }
    }
}
