//! The parser: tokens to statements. A hand-written recursive-descent parser with precedence
//! climbing for binary operators, following Python's grammar for the subset ddq speaks. Every
//! "expected X, found Y" error goes through `Parser::expected`, Python constructs ddq does not
//! support get an error naming what is supported, and a depth guard turns absurdly nested input
//! into an error instead of a stack overflow.

use crate::error::span::{Source, Span};
use crate::error::{DdqError, ErrorKind, Result};
use crate::lang::ast::precedence as prec;
use crate::lang::ast::{
    Arg, BinOp, Command, Expr, ExprKind, FPart, Ident, Param, Stmt, StmtKind, UnaryOp,
};
use crate::lang::commands::{self, CommandSpec};
use crate::lang::tokens::{self, Keyword, Token, TokenKind};

/// How deeply expressions may nest (brackets, unary operators, `**` chains, operator and method
/// chains, `%time` prefixes) before parsing stops with an error; deep enough for any real query,
/// shallow enough that neither the parser nor later passes over the tree can overflow the stack.
/// A level costs about 11 KB of stack in a debug build and 2 KB in a release build, so the
/// limit fits a 2 MB thread (the test harness's, tokio's) either way.
pub const MAX_DEPTH: usize = 100;

const SUPPORTED: &str = "ddq supports names, literals, lists, tuples, dicts, attribute access, \
subscripts, calls with keyword arguments, and the operators - + ~ not ** * / // % & ^ | \
== != < <= > >= in, not in, and, or";

/// Parses a whole script or REPL entry; spans are byte offsets into `source.text`.
pub fn parse(source: &Source) -> Result<Vec<Stmt>> {
    Parser::new(&source.text)?.statements()
}

/// Parses one expression (a bare tuple `a, b` included), for tests and completion.
pub fn parse_expression(text: &str) -> Result<Expr> {
    let mut parser = Parser::new(text)?;
    parser.skip_newlines();
    let expr = parser.expr_list()?;
    parser.skip_newlines();
    if parser.peek_kind() != &TokenKind::Eof {
        return Err(parser.expected("end of input"));
    }
    Ok(expr)
}

/// True while the text cannot be a complete entry yet: a bracket or triple-quoted string is
/// open, the last line ends with a `\` continuation, or a `%%time` cell has not yet ended with
/// an empty line (a `def NAME(...):` header waits for its `return` line). The REPL then asks
/// for another line.
pub fn is_incomplete(text: &str) -> bool {
    let last_line = text.rsplit('\n').next().unwrap_or("");
    let cell_open = text.trim_start().starts_with("%%") && !last_line.trim().is_empty();
    let def_open = text.trim_start().starts_with("def ") && text.trim_end().ends_with(':');
    // A `with` block, like a cell, ends with an empty line.
    let with_open = text.trim_start().starts_with("with ") && !last_line.trim().is_empty();
    tokens::input_is_open(text) || cell_open || def_open || with_open
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    /// End of the last consumed token: where a node that ends "here" ends.
    prev_end: usize,
    depth: usize,
    eof: Token,
    /// Inside a comprehension's clauses, where `for` and `if` end an expression.
    in_comprehension: bool,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Result<Self> {
        let tokens = tokens::tokenize_lenient(text)?;
        let eof = Token {
            kind: TokenKind::Eof,
            span: Span::new(text.len(), text.len()),
        };
        Ok(Parser {
            text,
            tokens,
            pos: 0,
            prev_end: 0,
            depth: 0,
            eof,
            in_comprehension: false,
        })
    }

    // ----- token access -----

    fn peek(&self) -> &Token {
        self.nth(0)
    }

    fn nth(&self, n: usize) -> &Token {
        self.tokens.get(self.pos + n).unwrap_or(&self.eof)
    }

    fn peek_kind(&self) -> &TokenKind {
        &self.peek().kind
    }

    fn nth_kind(&self, n: usize) -> &TokenKind {
        &self.nth(n).kind
    }

    /// Consumes the current token (never moving past `Eof`) and returns its span; callers that
    /// need its value read it with `peek` first, so no token is cloned.
    fn advance(&mut self) -> Span {
        let span = self.peek().span;
        if self.peek_kind() != &TokenKind::Eof {
            self.pos += 1;
        }
        self.prev_end = span.end;
        span
    }

    fn eat(&mut self, kind: &TokenKind) -> bool {
        if self.peek_kind() == kind {
            self.advance();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, kind: &TokenKind, what: &str) -> Result<Span> {
        if self.peek_kind() == kind {
            Ok(self.advance())
        } else {
            Err(self.expected(what))
        }
    }

    /// THE parse error: "expected WHAT, found <the current token>", at the current token.
    /// At the end of input inside brackets, the help names the bracket left open.
    #[cold]
    #[inline(never)]
    fn expected(&self, what: &str) -> DdqError {
        let token = self.peek();
        match token.kind {
            TokenKind::Unknown(c) => tokens::unexpected_character(c, token.span),
            TokenKind::Eof => {
                let err = DdqError::expected(what, &token.kind, token.span);
                match self.unclosed_bracket() {
                    Some(open) => {
                        let (line, col) = Source::new("", self.text).line_col(open.start);
                        let bracket = &self.text[open.start..open.end];
                        err.with_help(format!(
                            "the \"{bracket}\" at line {line}, column {col} is never closed"
                        ))
                    }
                    None => err,
                }
            }
            _ => DdqError::expected(what, &token.kind, token.span),
        }
    }

    /// The innermost bracket opened before the current token and not closed.
    fn unclosed_bracket(&self) -> Option<Span> {
        let mut open = Vec::new();
        for token in &self.tokens[..self.pos.min(self.tokens.len())] {
            match token.kind {
                TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => {
                    open.push(token.span)
                }
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => {
                    open.pop();
                }
                _ => {}
            }
        }
        open.pop()
    }

    fn at_statement_end(&self) -> bool {
        matches!(
            self.peek_kind(),
            TokenKind::Newline | TokenKind::Semicolon | TokenKind::Eof
        )
    }

    fn skip_newlines(&mut self) {
        while self.peek_kind() == &TokenKind::Newline {
            self.advance();
        }
    }

    /// Whether the token after the current one touches it, as in `%time` or `-n5`.
    fn next_is_adjacent(&self) -> bool {
        self.nth(1).span.start == self.peek().span.end
    }

    /// Goes one nesting level deeper, failing once `MAX_DEPTH` is reached. Callers restore
    /// `depth` on success; after an error parsing stops, so there is nothing to restore.
    fn enter(&mut self) -> Result<()> {
        if self.depth >= MAX_DEPTH {
            return Err(self.too_deep());
        }
        self.depth += 1;
        Ok(())
    }

    /// `binary(min)` one level deeper.
    fn nested_binary(&mut self, min: u8) -> Result<Expr> {
        self.enter()?;
        let result = self.binary(min);
        self.depth -= 1;
        result
    }

    // Error builders live in their own never-inlined functions: in debug builds every
    // temporary of an inlined `format!` would otherwise enlarge the frames of the recursive
    // functions, and with them the stack each nesting level costs.

    #[cold]
    #[inline(never)]
    fn too_deep(&self) -> DdqError {
        DdqError::syntax(
            format!("expression is nested too deeply (the limit is {MAX_DEPTH} levels)"),
            self.peek().span,
        )
        .with_help("split it into several statements with intermediate names")
    }

    // ----- statements -----

    fn statements(&mut self) -> Result<Vec<Stmt>> {
        let mut statements = Vec::new();
        loop {
            while matches!(self.peek_kind(), TokenKind::Newline | TokenKind::Semicolon) {
                self.advance();
            }
            if self.peek_kind() == &TokenKind::Eof {
                return Ok(statements);
            }
            statements.push(self.statement()?);
            if !self.at_statement_end() {
                return Err(self.expected("end of statement"));
            }
        }
    }

    fn statement(&mut self) -> Result<Stmt> {
        let start = self.peek().span.start;
        let kind = self.statement_kind()?;
        Ok(Stmt {
            kind,
            span: Span::new(start, self.prev_end.max(start)),
        })
    }

    fn statement_kind(&mut self) -> Result<StmtKind> {
        if let Some(spec) = self.command_at_start()? {
            return self.command(spec).map(StmtKind::Command);
        }
        match self.peek_kind() {
            TokenKind::Keyword(Keyword::Import) => return self.import(),
            TokenKind::Keyword(Keyword::From) => return self.import_from(),
            TokenKind::Keyword(Keyword::Def) => return self.def(),
            TokenKind::Keyword(Keyword::With) => return self.with_block(),
            TokenKind::Keyword(keyword) if is_statement_keyword(*keyword) => {
                return Err(unsupported_statement(*keyword, self.peek().span));
            }
            _ => {}
        }
        let target = self.expr_list()?;
        match self.peek_kind() {
            TokenKind::Assign => {
                self.advance();
                let value = self.expr_list()?;
                if self.peek_kind() == &TokenKind::Assign {
                    return Err(DdqError::new(
                        ErrorKind::Unsupported,
                        "chained assignment (`a = b = value`) is not supported",
                    )
                    .at(self.peek().span)
                    .with_help("assign each name on its own line"));
                }
                assignment(target, value)
            }
            TokenKind::AugAssign(op) => Err(DdqError::new(
                ErrorKind::Unsupported,
                format!("augmented assignment `{op}` is not supported"),
            )
            .at(self.peek().span)
            .with_help(format!(
                "write it out: `x = x {} ...`",
                op.trim_end_matches('=')
            ))),
            _ => Ok(StmtKind::Expr(target)),
        }
    }

    /// The command starting this statement, if it is one: `%name` for magics, or a command name
    /// whose next token does not make the statement Python (`head = 3`, `help(x)`).
    fn command_at_start(&self) -> Result<Option<&'static CommandSpec>> {
        match self.peek_kind() {
            TokenKind::Percent if self.next_is_adjacent() => {
                // `%%time`: a cell magic, two percent signs.
                let cell = self.nth_kind(1) == &TokenKind::Percent
                    && self.nth(2).span.start == self.nth(1).span.end;
                let TokenKind::Name(name) = self.nth_kind(if cell { 2 } else { 1 }) else {
                    return Ok(None);
                };
                let magic = format!("{}{name}", if cell { "%%" } else { "%" });
                match commands::lookup(&magic) {
                    Some(spec) => Ok(Some(spec)),
                    None => Err(DdqError::unsupported(format!("unknown magic `{magic}`"))
                        .at(self.peek().span.to(self.nth(1).span))
                        .with_help(format!(
                            "supported magics: {}",
                            commands::magic_names().join(", ")
                        ))),
                }
            }
            TokenKind::Name(name) if !continues_as_python(self.nth_kind(1)) => {
                Ok(commands::lookup(name))
            }
            _ => Ok(None),
        }
    }

    fn command(&mut self, spec: &'static CommandSpec) -> Result<Command> {
        self.advance();
        if spec.name.starts_with("%%") {
            self.advance();
            self.advance();
            return self.cell_magic(spec);
        }
        if spec.name.starts_with('%') {
            self.advance();
            return self.magic(spec);
        }
        let parsed = self.command_arguments(spec).and_then(|command| {
            if self.at_statement_end() {
                Ok(command)
            } else {
                Err(self.expected("end of statement"))
            }
        });
        parsed.map_err(|mut err| {
            if err.kind == ErrorKind::Syntax && err.help.is_none() {
                err.help = Some(format!("usage: {}", spec.usage));
            }
            err
        })
    }

    fn command_arguments(&mut self, spec: &CommandSpec) -> Result<Command> {
        match spec.name {
            "read" => self.read_command(),
            "head" => {
                let value = self.expr()?;
                let rows = match *self.peek_kind() {
                    TokenKind::Int(rows) => {
                        self.advance();
                        Some(rows)
                    }
                    _ => None,
                };
                Ok(Command::Head { value, rows })
            }
            "schema" => Ok(Command::Schema {
                value: self.expr()?,
            }),
            "explain" => {
                let analyze = self.peek_kind() == &TokenKind::Name("analyze".into())
                    && starts_explained_value(self.nth_kind(1));
                if analyze {
                    self.advance();
                }
                Ok(Command::Explain {
                    value: self.expr()?,
                    analyze,
                })
            }
            "visualize" => {
                let value = self.expr()?;
                let mut file = None;
                if self.eat(&TokenKind::Name("to".into())) {
                    match self.peek_kind().clone() {
                        TokenKind::Str(name) => {
                            self.advance();
                            file = Some(name);
                        }
                        _ => return Err(self.expected("a quoted file name such as \"plan.dot\"")),
                    }
                }
                Ok(Command::Visualize { value, file })
            }
            "set" => self.set_command(),
            "help" => self.help_command(),
            "cache" => {
                let clear = self.eat(&TokenKind::Name("clear".into()));
                Ok(Command::Cache { clear })
            }
            "cluster" | "client" => Ok(Command::Cluster),
            "quit" | "exit" => Ok(Command::Quit),
            other => Err(DdqError::unsupported(format!(
                "the command `{other}` is listed but has no parser"
            ))),
        }
    }

    fn read_command(&mut self) -> Result<Command> {
        let TokenKind::Str(path) = self.peek_kind().clone() else {
            return Err(self.expected("a quoted path such as \"data/*.csv\""));
        };
        let path_span = self.advance();
        let alias = if self.eat(&TokenKind::Keyword(Keyword::As)) {
            Some(self.ident("a name after \"as\"")?)
        } else {
            None
        };
        Ok(Command::Read {
            path,
            path_span,
            alias,
        })
    }

    /// `set NAME VALUE` keeps VALUE as raw text (`set memory_limit 2GB`); a lone quoted string
    /// is unquoted so `set output "my file.csv"` works too.
    fn set_command(&mut self) -> Result<Command> {
        if self.at_statement_end() {
            return Ok(Command::Set {
                name: None,
                value: None,
            });
        }
        let name = self.dotted_ident("a setting name")?;
        if self.at_statement_end() {
            return Ok(Command::Set {
                name: Some(name),
                value: None,
            });
        }
        let first = self.peek().clone();
        self.advance();
        let value = match first.kind {
            TokenKind::Str(text) if self.at_statement_end() => text,
            _ => {
                while !self.at_statement_end() {
                    self.advance();
                }
                self.text[first.span.start..self.prev_end]
                    .trim()
                    .to_string()
            }
        };
        Ok(Command::Set {
            name: Some(name),
            value: Some(value),
        })
    }

    fn help_command(&mut self) -> Result<Command> {
        if self.at_statement_end() {
            return Ok(Command::Help { topic: None });
        }
        let topic = match self.peek_kind().clone() {
            TokenKind::Percent if self.next_is_adjacent() => {
                let percent = self.advance();
                let name = self.ident("a magic name")?;
                Ident {
                    name: format!("%{}", name.name),
                    span: percent.to(name.span),
                }
            }
            TokenKind::Name(_) => self.dotted_ident("a topic")?,
            TokenKind::Keyword(keyword) => {
                let span = self.advance();
                Ident {
                    name: keyword.as_str().to_string(),
                    span,
                }
            }
            TokenKind::Str(name) => {
                let span = self.advance();
                Ident { name, span }
            }
            _ => return Err(self.expected("a topic such as `groupby`")),
        };
        Ok(Command::Help { topic: Some(topic) })
    }

    /// `%time STMT` and `%timeit [-n N] STMT`; errors inside STMT are its own, without usage.
    fn magic(&mut self, spec: &CommandSpec) -> Result<Command> {
        let runs = if spec.name == "%timeit" {
            self.timeit_runs()?
        } else {
            None
        };
        if self.at_statement_end() {
            return Err(self
                .expected("a statement to time")
                .with_help(format!("usage: {}", spec.usage)));
        }
        self.enter()?;
        let stmt = Box::new(self.statement()?);
        self.depth -= 1;
        if let StmtKind::Command(Command::Time { .. } | Command::TimeIt { .. }) = &stmt.kind {
            // IPython refuses it too: the inner timing would count the outer one's output.
            return Err(DdqError::unsupported(format!(
                "{} cannot time another %time or %timeit",
                spec.name
            ))
            .at(stmt.span)
            .with_help(format!("usage: {}", spec.usage)));
        }
        Ok(match spec.name {
            "%timeit" => Command::TimeIt { stmt, runs },
            _ => Command::Time { stmt },
        })
    }

    /// `%%time` then, from the next line, the statements up to a blank line or the end.
    fn cell_magic(&mut self, spec: &CommandSpec) -> Result<Command> {
        if self.peek_kind() != &TokenKind::Newline {
            return Err(self
                .expected("the cell on the lines after %%time")
                .with_help(format!(
                    "usage: {}; for one statement, use %time STMT",
                    spec.usage.replace('\n', " ⏎ ")
                )));
        }
        let mut stmts = Vec::new();
        loop {
            // Look past the line ends without taking them: after a blank line the cell is over
            // and the statements that follow are the script's.
            let mut ahead = 0;
            while self.nth_kind(ahead) == &TokenKind::Newline {
                ahead += 1;
            }
            let next = self.nth(ahead);
            let gap = self
                .text
                .get(self.prev_end..next.span.start)
                .unwrap_or_default();
            let blank_line = !stmts.is_empty() && gap.matches('\n').count() >= 2;
            if blank_line || matches!(next.kind, TokenKind::Eof | TokenKind::Semicolon) {
                break;
            }
            self.skip_newlines();
            let stmt = self.statement()?;
            if let StmtKind::Command(
                Command::TimeCell { .. } | Command::Time { .. } | Command::TimeIt { .. },
            ) = &stmt.kind
            {
                return Err(DdqError::unsupported(
                    "%%time cannot time another %time, %timeit or %%time",
                )
                .at(stmt.span));
            }
            stmts.push(stmt);
            if !self.at_statement_end() {
                return Err(self.expected("end of statement"));
            }
        }
        if stmts.is_empty() {
            return Err(self.expected("a statement to time after %%time"));
        }
        Ok(Command::TimeCell { stmts })
    }

    /// `-n N` or `-nN` after `%timeit`, as IPython writes it.
    fn timeit_runs(&mut self) -> Result<Option<i64>> {
        if self.peek_kind() != &TokenKind::Minus || !self.next_is_adjacent() {
            return Ok(None);
        }
        let TokenKind::Name(flag) = self.nth_kind(1).clone() else {
            return Ok(None);
        };
        let start = self.peek().span;
        let runs = if flag == "n" {
            let TokenKind::Int(runs) = *self.nth_kind(2) else {
                self.advance();
                self.advance();
                return Err(self
                    .expected("a number of runs")
                    .with_help("usage: %timeit [-n N] STMT"));
            };
            self.advance();
            self.advance();
            self.advance();
            runs
        } else if let Some(Ok(runs)) = flag.strip_prefix('n').map(str::parse::<i64>) {
            self.advance();
            self.advance();
            runs
        } else {
            return Ok(None);
        };
        if runs < 1 {
            return Err(DdqError::syntax(
                "the number of runs must be at least 1",
                start.to(Span::new(start.start, self.prev_end)),
            ));
        }
        Ok(Some(runs))
    }

    fn ident(&mut self, what: &str) -> Result<Ident> {
        match self.peek_kind().clone() {
            TokenKind::Name(name) => {
                let span = self.advance();
                Ok(Ident { name, span })
            }
            _ => Err(self.expected(what)),
        }
    }

    /// `a.b.c` as one identifier, for setting names, help topics and module paths.
    fn dotted_ident(&mut self, what: &str) -> Result<Ident> {
        let mut ident = self.ident(what)?;
        while self.peek_kind() == &TokenKind::Dot {
            self.advance();
            let part = self.ident("a name after \".\"")?;
            ident.name.push('.');
            ident.name.push_str(&part.name);
            ident.span = ident.span.to(part.span);
        }
        Ok(ident)
    }

    /// `import a.b [as c], d`; the module paths are kept for messages.
    fn import(&mut self) -> Result<StmtKind> {
        self.advance();
        let mut modules = Vec::new();
        loop {
            modules.push(self.dotted_ident("a module name")?.name);
            if self.eat(&TokenKind::Keyword(Keyword::As)) {
                self.ident("a name after \"as\"")?;
            }
            if !self.eat(&TokenKind::Comma) {
                break;
            }
        }
        Ok(StmtKind::Import {
            module: modules.join(", "),
        })
    }

    /// `from [.]a.b import c [as d], e` or `import (c, e)` or `import *`.
    fn import_from(&mut self) -> Result<StmtKind> {
        self.advance();
        let mut module = String::new();
        loop {
            match self.peek_kind() {
                TokenKind::Dot => module.push('.'),
                TokenKind::Unsupported("...") => module.push_str("..."),
                _ => break,
            }
            self.advance();
        }
        if module.is_empty() || matches!(self.peek_kind(), TokenKind::Name(_)) {
            module.push_str(&self.dotted_ident("a module name")?.name);
        }
        self.expect(&TokenKind::Keyword(Keyword::Import), "\"import\"")?;
        if self.eat(&TokenKind::Star) {
            return Ok(StmtKind::Import { module });
        }
        let parenthesised = self.eat(&TokenKind::LParen);
        loop {
            self.ident("a name to import")?;
            if self.eat(&TokenKind::Keyword(Keyword::As)) {
                self.ident("a name after \"as\"")?;
            }
            if !self.eat(&TokenKind::Comma)
                || (parenthesised && self.peek_kind() == &TokenKind::RParen)
            {
                break;
            }
        }
        if parenthesised {
            self.expect(&TokenKind::RParen, "\",\" or \")\"")?;
        }
        Ok(StmtKind::Import { module })
    }

    // ----- expressions -----

    /// An expression, or a bare tuple `a, b` as Python allows at statement level.
    fn expr_list(&mut self) -> Result<Expr> {
        let first = self.expr()?;
        if self.peek_kind() != &TokenKind::Comma {
            return Ok(first);
        }
        let start = first.span.start;
        let mut items = vec![first];
        while self.eat(&TokenKind::Comma) {
            if !starts_operand(self.peek_kind()) {
                break;
            }
            items.push(self.expr()?);
        }
        Ok(self.node(ExprKind::Tuple(items), start))
    }

    fn expr(&mut self) -> Result<Expr> {
        self.nested_binary(prec::LOWEST)
    }

    /// An expression node spanning from `start` to the end of the last consumed token.
    fn node(&self, kind: ExprKind, start: usize) -> Expr {
        Expr {
            kind,
            span: Span::new(start, self.prev_end.max(start)),
        }
    }

    /// Precedence climbing over the binary operators binding at least as tightly as `min`.
    fn binary(&mut self, min: u8) -> Result<Expr> {
        let mut left = self.prefix(min)?;
        // The right operand of the comparison just read, which a chained comparison compares
        // again: Python's `a < b < c` is `a < b and b < c`.
        let mut compared: Option<Expr> = None;
        let base_depth = self.depth;
        loop {
            self.reject_unsupported_infix()?;
            let Some((op, width)) = self.infix_operator() else {
                break;
            };
            let op_prec = op.precedence();
            if op_prec < min {
                break;
            }
            // A long operator chain builds a deep tree without recursing here; count it.
            self.enter()?;
            for _ in 0..width {
                self.advance();
            }
            let right = match op {
                BinOp::Pow => self.nested_binary(prec::UNARY)?,
                _ => self.binary(op_prec + 1)?,
            };
            let span = left.span.to(right.span);
            if let (true, Some(middle)) = (op.is_comparison(), compared.take()) {
                let next = Expr {
                    span: middle.span.to(right.span),
                    kind: ExprKind::Binary {
                        op,
                        left: Box::new(middle),
                        right: Box::new(right.clone()),
                    },
                };
                left = Expr {
                    kind: ExprKind::Binary {
                        op: BinOp::And,
                        left: Box::new(left),
                        right: Box::new(next),
                    },
                    span,
                };
                compared = Some(right);
                continue;
            }
            if op.is_comparison() {
                compared = Some(right.clone());
            }
            left = Expr {
                kind: ExprKind::Binary {
                    op,
                    left: Box::new(left),
                    right: Box::new(right),
                },
                span,
            };
        }
        self.depth = base_depth;
        Ok(left)
    }

    fn infix_operator(&self) -> Option<(BinOp, usize)> {
        let op = match self.peek_kind() {
            TokenKind::Plus => BinOp::Add,
            TokenKind::Minus => BinOp::Sub,
            TokenKind::Star => BinOp::Mul,
            TokenKind::Slash => BinOp::Div,
            TokenKind::DoubleSlash => BinOp::FloorDiv,
            TokenKind::Percent => BinOp::Mod,
            TokenKind::DoubleStar => BinOp::Pow,
            TokenKind::Amp => BinOp::BitAnd,
            TokenKind::Pipe => BinOp::BitOr,
            TokenKind::Caret => BinOp::BitXor,
            TokenKind::EqEq => BinOp::Eq,
            TokenKind::NotEq => BinOp::NotEq,
            TokenKind::Lt => BinOp::Lt,
            TokenKind::LtEq => BinOp::LtEq,
            TokenKind::Gt => BinOp::Gt,
            TokenKind::GtEq => BinOp::GtEq,
            TokenKind::Keyword(Keyword::And) => BinOp::And,
            TokenKind::Keyword(Keyword::Or) => BinOp::Or,
            TokenKind::Keyword(Keyword::In) => BinOp::In,
            TokenKind::Keyword(Keyword::Not)
                if self.nth_kind(1) == &TokenKind::Keyword(Keyword::In) =>
            {
                return Some((BinOp::NotIn, 2));
            }
            _ => return None,
        };
        Some((op, 1))
    }

    /// Python constructs that can follow an operand but that ddq does not support.
    fn reject_unsupported_infix(&self) -> Result<()> {
        match self.peek_kind() {
            TokenKind::Keyword(Keyword::If | Keyword::For) if self.in_comprehension => Ok(()),
            TokenKind::Keyword(Keyword::If | Keyword::For | Keyword::Async | Keyword::Is)
            | TokenKind::Unsupported(":=" | "<<" | ">>" | "@") => Err(self.unsupported_infix()),
            _ => Ok(()),
        }
    }

    #[cold]
    #[inline(never)]
    fn unsupported_infix(&self) -> DdqError {
        let span = self.peek().span;
        let (message, help) = match self.peek_kind() {
            TokenKind::Keyword(Keyword::If) => (
                "conditional expressions (`x if c else y`) are not supported".to_string(),
                SUPPORTED.to_string(),
            ),
            TokenKind::Keyword(Keyword::For | Keyword::Async) => (
                "comprehensions and generator expressions are not supported".to_string(),
                "write the list out, or use a frame method such as `.apply` or `.isin`".to_string(),
            ),
            TokenKind::Keyword(Keyword::Is) => (
                "`is` comparisons are not supported".to_string(),
                "use `==` or `!=`; to test for missing values use `.isna()` or `.notna()`"
                    .to_string(),
            ),
            TokenKind::Unsupported(":=") => (
                "assignment expressions (`:=`) are not supported".to_string(),
                "assign on a line of its own: `name = value`".to_string(),
            ),
            other => (
                format!(
                    "the `{}` operator is not supported",
                    other.punct().unwrap_or("?")
                ),
                SUPPORTED.to_string(),
            ),
        };
        DdqError::new(ErrorKind::Unsupported, message)
            .at(span)
            .with_help(help)
    }

    fn prefix(&mut self, min: u8) -> Result<Expr> {
        let op = match self.peek_kind() {
            TokenKind::Minus => UnaryOp::Neg,
            TokenKind::Plus => UnaryOp::Pos,
            TokenKind::Tilde => UnaryOp::Invert,
            // Python's grammar has no `a == not b`: `not` binds looser than comparisons.
            TokenKind::Keyword(Keyword::Not) if min <= prec::NOT => UnaryOp::Not,
            TokenKind::Keyword(Keyword::Lambda) => return self.lambda(),
            TokenKind::Keyword(Keyword::Not | Keyword::Await | Keyword::Yield)
            | TokenKind::Star
            | TokenKind::DoubleStar => return Err(self.unsupported_prefix()),
            _ => return self.postfix(),
        };
        let start = self.advance().start;
        let operand = self.nested_binary(op.precedence())?;
        let span = Span::new(start, operand.span.end);
        Ok(Expr {
            kind: ExprKind::Unary {
                op,
                operand: Box::new(operand),
            },
            span,
        })
    }

    #[cold]
    #[inline(never)]
    fn unsupported_prefix(&self) -> DdqError {
        let span = self.peek().span;
        match self.peek_kind() {
            TokenKind::Keyword(keyword @ (Keyword::Await | Keyword::Yield)) => {
                unsupported(&format!("`{keyword}` expressions are not supported"), span)
            }
            TokenKind::Star | TokenKind::DoubleStar => DdqError::new(
                ErrorKind::Unsupported,
                "unpacking with `*` or `**` is not supported",
            )
            .at(span)
            .with_help("write the items or keyword arguments out"),
            _ => self
                .expected("an expression")
                .with_help("put the `not` expression in parentheses: `(not x)`"),
        }
    }

    /// `lambda a, b: body`. The body is one expression, as in Python.
    fn lambda(&mut self) -> Result<Expr> {
        let start = self.advance().start;
        let params = self.parameters(&TokenKind::Colon)?;
        self.expect(&TokenKind::Colon, "`:` after the lambda's parameters")?;
        let body = self.expr()?;
        Ok(self.node(
            ExprKind::Lambda {
                name: None,
                params,
                body: Box::new(body),
            },
            start,
        ))
    }

    /// Parameters up to `end` (not consumed), separated by commas: `name` or `name=default`,
    /// the parameters with defaults last, as Python requires.
    fn parameters(&mut self, end: &TokenKind) -> Result<Vec<Param>> {
        let mut params: Vec<Param> = Vec::new();
        while self.peek_kind() != end {
            let name = self.ident("a parameter name")?;
            if params.iter().any(|p| p.name.name == name.name) {
                return Err(DdqError::new(
                    ErrorKind::Syntax,
                    format!("duplicate parameter `{}`", name.name),
                )
                .at(name.span));
            }
            let default = if self.eat(&TokenKind::Assign) {
                Some(self.expr()?)
            } else if params.iter().any(|p| p.default.is_some()) {
                return Err(DdqError::new(
                    ErrorKind::Syntax,
                    format!(
                        "parameter `{}` without a default follows one with a default",
                        name.name
                    ),
                )
                .at(name.span)
                .with_help("put the parameters with defaults last, as Python requires"));
            } else {
                None
            };
            params.push(Param { name, default });
            if !self.eat(&TokenKind::Comma) {
                break;
            }
        }
        Ok(params)
    }

    /// `with CONTEXT [as NAME]:` then its body: statements after the colon on the same line,
    /// or the lines indented deeper than the `with` (Python's block, read from the text since
    /// the tokenizer keeps no indentation).
    fn with_block(&mut self) -> Result<StmtKind> {
        let with_span = self.advance();
        let context = self.expr()?;
        if self.eat(&TokenKind::Keyword(Keyword::As)) {
            self.ident("a name after `as`")?;
        }
        self.expect(&TokenKind::Colon, "`:` after the `with` context")?;
        let own_indent = self.indent_at(with_span.start);
        let mut body = Vec::new();
        while !matches!(self.peek_kind(), TokenKind::Newline | TokenKind::Eof) {
            body.push(self.statement()?);
            if !self.eat(&TokenKind::Semicolon) && !self.at_statement_end() {
                return Err(self.expected("end of statement"));
            }
        }
        loop {
            let mut ahead = 0;
            while matches!(
                self.nth_kind(ahead),
                TokenKind::Newline | TokenKind::Semicolon
            ) {
                ahead += 1;
            }
            let next = self.nth(ahead);
            if next.kind == TokenKind::Eof || self.indent_at(next.span.start) <= own_indent {
                break;
            }
            self.pos += ahead;
            body.push(self.statement()?);
            if !self.at_statement_end() {
                return Err(self.expected("end of statement"));
            }
        }
        if body.is_empty() {
            return Err(self.expected("an indented statement in the `with` block"));
        }
        Ok(StmtKind::With { context, body })
    }

    /// How far the line holding byte `at` is indented (tabs and spaces count one each).
    fn indent_at(&self, at: usize) -> usize {
        let line_start = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        self.text[line_start..at]
            .chars()
            .take_while(|c| c.is_whitespace())
            .count()
    }

    /// `def name(params): return expr`, on one line or with the `return` on the next: a named
    /// lambda. Bodies of more than that one `return` are refused.
    fn def(&mut self) -> Result<StmtKind> {
        let start = self.advance().start;
        let name = self.ident("the function's name")?;
        self.expect(&TokenKind::LParen, "`(` after the function's name")?;
        let params = self.parameters(&TokenKind::RParen)?;
        self.expect(&TokenKind::RParen, "`)` after the parameters")?;
        self.expect(&TokenKind::Colon, "`:` after the parameters")?;
        self.skip_newlines();
        if self.peek_kind() != &TokenKind::Keyword(Keyword::Return) {
            return Err(DdqError::new(
                ErrorKind::Unsupported,
                "only a function whose body is one `return expression` is supported",
            )
            .at(self.peek().span)
            .with_help("write the function as `def f(df): return <expression>`, or use a lambda"));
        }
        self.advance();
        let body = self.expr()?;
        let value = self.node(
            ExprKind::Lambda {
                name: Some(name.clone()),
                params,
                body: Box::new(body),
            },
            start,
        );
        Ok(StmtKind::Assign {
            target: name,
            value,
        })
    }

    /// An atom followed by any chain of `.name`, `(args)` and `[index]`.
    fn postfix(&mut self) -> Result<Expr> {
        let mut expr = self.atom()?;
        let base_depth = self.depth;
        loop {
            let start = expr.span.start;
            let kind = match self.peek_kind() {
                TokenKind::Dot => {
                    self.enter()?;
                    self.advance();
                    let name = self.ident("an attribute name")?;
                    ExprKind::Attr {
                        value: Box::new(expr),
                        name,
                    }
                }
                TokenKind::LParen => {
                    self.enter()?;
                    let args = self.call_arguments()?;
                    ExprKind::Call {
                        func: Box::new(expr),
                        args,
                    }
                }
                TokenKind::LBracket => {
                    self.enter()?;
                    let index = self.subscript_index()?;
                    ExprKind::Subscript {
                        value: Box::new(expr),
                        index: Box::new(index),
                    }
                }
                _ => break,
            };
            expr = self.node(kind, start);
        }
        self.depth = base_depth;
        Ok(expr)
    }

    fn atom(&mut self) -> Result<Expr> {
        let kind = match self.peek_kind() {
            TokenKind::Name(name) => ExprKind::Name(name.clone()),
            TokenKind::Int(value) => ExprKind::Int(*value),
            TokenKind::Float(value) => ExprKind::Float(*value),
            TokenKind::Keyword(Keyword::True) => ExprKind::Bool(true),
            TokenKind::Keyword(Keyword::False) => ExprKind::Bool(false),
            TokenKind::Keyword(Keyword::None) => ExprKind::None,
            TokenKind::Str(_) | TokenKind::FStr(_) => return self.strings(),
            TokenKind::LParen => return self.parenthesised(),
            TokenKind::LBracket => return self.list(),
            TokenKind::LBrace => return self.dict(),
            _ => return Err(self.not_an_atom()),
        };
        let span = self.advance();
        Ok(Expr { kind, span })
    }

    #[cold]
    #[inline(never)]
    fn not_an_atom(&self) -> DdqError {
        match self.peek_kind() {
            TokenKind::Unsupported("...") => {
                unsupported("`...` (Ellipsis) is not supported", self.peek().span)
            }
            _ => self.expected("an expression"),
        }
    }

    /// Adjacent string literals concatenate, as in Python: `"a" "b"` is `"ab"`.
    /// Adjacent string literals, joined as Python joins them; with an f-string among them, the
    /// fields are parsed and the whole is one f-string.
    fn strings(&mut self) -> Result<Expr> {
        let start = self.peek().span.start;
        let mut parts: Vec<FPart> = Vec::new();
        let mut formatted = false;
        loop {
            let span = self.peek().span;
            match self.peek_kind().clone() {
                TokenKind::Str(text) => push_text(&mut parts, &text),
                TokenKind::FStr(text) => {
                    formatted = true;
                    for part in fstring_parts(&text, span)? {
                        match part {
                            FPart::Text(t) => push_text(&mut parts, &t),
                            field => parts.push(field),
                        }
                    }
                }
                _ => break,
            }
            self.advance();
        }
        if formatted {
            return Ok(self.node(ExprKind::FString(parts), start));
        }
        let text = match parts.pop() {
            Some(FPart::Text(t)) => t,
            _ => String::new(),
        };
        Ok(self.node(ExprKind::Str(text), start))
    }

    /// `(x)` (a parenthesised expression, whose span then includes the parentheses), `()`,
    /// `(x,)` and `(x, y)`.
    fn parenthesised(&mut self) -> Result<Expr> {
        let start = self.advance().start;
        if self.eat(&TokenKind::RParen) {
            return Ok(self.node(ExprKind::Tuple(Vec::new()), start));
        }
        let first = self.expr()?;
        if self.eat(&TokenKind::RParen) {
            return Ok(self.node(first.kind, start));
        }
        if self.peek_kind() != &TokenKind::Comma {
            return Err(self.expected("\",\" or \")\""));
        }
        let mut items = vec![first];
        while self.eat(&TokenKind::Comma) {
            if self.peek_kind() == &TokenKind::RParen {
                break;
            }
            items.push(self.expr()?);
        }
        self.expect(&TokenKind::RParen, "\",\" or \")\"")?;
        Ok(self.node(ExprKind::Tuple(items), start))
    }

    fn list(&mut self) -> Result<Expr> {
        let start = self.advance().start;
        let mut items = Vec::new();
        loop {
            if self.eat(&TokenKind::RBracket) {
                break;
            }
            if !starts_operand(self.peek_kind()) {
                return Err(self.expected("an expression or \"]\""));
            }
            let outer = std::mem::replace(&mut self.in_comprehension, items.is_empty());
            let item = self.expr();
            self.in_comprehension = outer;
            let item = item?;
            if items.is_empty() && self.peek_kind() == &TokenKind::Keyword(Keyword::For) {
                return self.comprehension(item, start);
            }
            items.push(item);
            match self.peek_kind() {
                TokenKind::Comma => {
                    self.advance();
                }
                TokenKind::RBracket => {
                    self.advance();
                    break;
                }
                _ => return Err(self.expected("\",\" or \"]\"")),
            }
        }
        Ok(self.node(ExprKind::List(items), start))
    }

    /// `[element for names in iterable if condition]`, after the element: Python's list
    /// comprehension over plain values (one `for`, at most one `if`).
    fn comprehension(&mut self, element: Expr, start: usize) -> Result<Expr> {
        self.advance();
        let mut names = vec![self.ident("a name after `for`")?];
        while self.eat(&TokenKind::Comma) {
            names.push(self.ident("a name")?);
        }
        self.expect(&TokenKind::Keyword(Keyword::In), "`in` after the names")?;
        let outer = std::mem::replace(&mut self.in_comprehension, true);
        let iterable = self.expr();
        let condition = match (&iterable, self.peek_kind()) {
            (Ok(_), TokenKind::Keyword(Keyword::If)) => {
                self.advance();
                Some(self.expr())
            }
            _ => None,
        };
        self.in_comprehension = outer;
        let (iterable, condition) = (iterable?, condition.transpose()?);
        if self.peek_kind() == &TokenKind::Keyword(Keyword::For) {
            return Err(DdqError::new(
                ErrorKind::Unsupported,
                "a comprehension with more than one `for` is not supported",
            )
            .at(self.peek().span)
            .with_help("nest it: `[x for row in [[...] for ...] for x in row]` is not planned; write it as two lines"));
        }
        self.expect(&TokenKind::RBracket, "`]` after the comprehension")?;
        Ok(self.node(
            ExprKind::ListComp {
                element: Box::new(element),
                names,
                iterable: Box::new(iterable),
                condition: condition.map(Box::new),
            },
            start,
        ))
    }

    fn dict(&mut self) -> Result<Expr> {
        let start = self.advance().start;
        let mut entries = Vec::new();
        loop {
            if self.eat(&TokenKind::RBrace) {
                break;
            }
            if !starts_operand(self.peek_kind()) {
                return Err(self.expected("a key or \"}\""));
            }
            let key = self.expr()?;
            if entries.is_empty()
                && matches!(self.peek_kind(), TokenKind::Comma | TokenKind::RBrace)
            {
                return Err(unsupported("set literals are not supported", key.span)
                    .with_help("use a list: `[a, b]`"));
            }
            self.expect(&TokenKind::Colon, "\":\"")?;
            let value = self.expr()?;
            entries.push((key, value));
            match self.peek_kind() {
                TokenKind::Comma => {
                    self.advance();
                }
                TokenKind::RBrace => {
                    self.advance();
                    break;
                }
                _ => return Err(self.expected("\",\" or \"}\"")),
            }
        }
        Ok(self.node(ExprKind::Dict(entries), start))
    }

    fn call_arguments(&mut self) -> Result<Vec<Arg>> {
        self.advance();
        let mut args: Vec<Arg> = Vec::new();
        loop {
            if self.eat(&TokenKind::RParen) {
                return Ok(args);
            }
            if !starts_operand(self.peek_kind()) {
                return Err(self.expected("an argument or \")\""));
            }
            let arg = self.argument(&args)?;
            args.push(arg);
            match self.peek_kind() {
                TokenKind::Comma => {
                    self.advance();
                }
                TokenKind::RParen => {
                    self.advance();
                    return Ok(args);
                }
                _ => return Err(self.expected("\",\" or \")\"")),
            }
        }
    }

    fn argument(&mut self, previous: &[Arg]) -> Result<Arg> {
        let is_keyword = matches!(self.peek_kind(), TokenKind::Name(_))
            && self.nth_kind(1) == &TokenKind::Assign;
        if !is_keyword {
            let value = self.expr()?;
            if previous.iter().any(|arg| arg.name.is_some()) {
                return Err(DdqError::syntax(
                    "positional argument follows keyword argument",
                    value.span,
                )
                .with_help("put positional arguments before keyword arguments"));
            }
            return Ok(Arg { name: None, value });
        }
        let name = self.ident("an argument name")?;
        self.advance();
        if previous
            .iter()
            .any(|arg| arg.name.as_ref().is_some_and(|n| n.name == name.name))
        {
            return Err(DdqError::syntax(
                format!("keyword argument \"{}\" repeated", name.name),
                name.span,
            ));
        }
        let value = self.expr()?;
        Ok(Arg {
            name: Some(name),
            value,
        })
    }

    /// The inside of `[...]`: one item (maybe a slice), or a tuple of items when there is a comma,
    /// as in `df.iloc[:, [1, 3]]`.
    fn subscript_index(&mut self) -> Result<Expr> {
        self.advance();
        if self.peek_kind() == &TokenKind::RBracket {
            return Err(self.expected("an index"));
        }
        let start = self.peek().span.start;
        let mut items = Vec::new();
        let mut trailing_comma = false;
        loop {
            items.push(self.subscript_item()?);
            if !self.eat(&TokenKind::Comma) {
                break;
            }
            if self.peek_kind() == &TokenKind::RBracket {
                trailing_comma = true;
                break;
            }
        }
        let index = match items.pop() {
            Some(only) if items.is_empty() && !trailing_comma => only,
            Some(last) => {
                items.push(last);
                self.node(ExprKind::Tuple(items), start)
            }
            None => return Err(self.expected("an index")),
        };
        self.expect(&TokenKind::RBracket, "\",\" or \"]\"")?;
        Ok(index)
    }

    /// An expression, or a slice `lower:upper:step` with every part optional.
    fn subscript_item(&mut self) -> Result<Expr> {
        let start = self.peek().span.start;
        let lower = if self.peek_kind() == &TokenKind::Colon {
            None
        } else {
            let lower = self.expr()?;
            if self.peek_kind() != &TokenKind::Colon {
                return Ok(lower);
            }
            Some(Box::new(lower))
        };
        self.advance();
        let upper = self.optional_slice_part()?;
        let step = if self.eat(&TokenKind::Colon) {
            self.optional_slice_part()?
        } else {
            None
        };
        Ok(self.node(ExprKind::Slice { lower, upper, step }, start))
    }

    fn optional_slice_part(&mut self) -> Result<Option<Box<Expr>>> {
        if starts_operand(self.peek_kind()) {
            Ok(Some(Box::new(self.expr()?)))
        } else {
            Ok(None)
        }
    }
}

/// Tokens that can begin an expression (including the unsupported ones, so that they get their
/// own message rather than a generic "expected").
fn push_text(parts: &mut Vec<FPart>, text: &str) {
    match parts.last_mut() {
        Some(FPart::Text(previous)) => previous.push_str(text),
        _ => parts.push(FPart::Text(text.to_string())),
    }
}

/// Splits an f-string's text into text and `{expr!conv:spec}` fields (`{{` and `}}` are
/// braces). Field expressions are parsed here; their spans are the whole f-string's.
fn fstring_parts(text: &str, span: Span) -> Result<Vec<FPart>> {
    let chars: Vec<char> = text.chars().collect();
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    let fail = |message: &str| DdqError::syntax(format!("f-string: {message}"), span);
    while i < chars.len() {
        match (chars[i], chars.get(i + 1)) {
            ('{', Some('{')) | ('}', Some('}')) => {
                literal.push(chars[i]);
                i += 2;
            }
            ('}', _) => return Err(fail("single '}' is not allowed")),
            ('{', _) => {
                if !literal.is_empty() {
                    parts.push(FPart::Text(std::mem::take(&mut literal)));
                }
                let (field, end) =
                    fstring_field(&chars, i + 1).ok_or_else(|| fail("expecting '}'"))?;
                parts.push(field_part(&field, span)?);
                i = end + 1;
            }
            (c, _) => {
                literal.push(c);
                i += 1;
            }
        }
    }
    if !literal.is_empty() {
        parts.push(FPart::Text(literal));
    }
    Ok(parts)
}

/// The text of the field starting at `from` and the index of its closing `}`; brackets and
/// quotes inside the expression are skipped over.
fn fstring_field(chars: &[char], from: usize) -> Option<(String, usize)> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, &c) in chars.iter().enumerate().skip(from) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']') => depth = depth.saturating_sub(1),
            (None, '}') if depth == 0 => return Some((chars[from..i].iter().collect(), i)),
            (None, '}') => depth -= 1,
            _ => {}
        }
    }
    None
}

/// `expr`, `expr!r`, `expr:spec`, `expr!s:spec` (a `!` or `:` outside brackets ends the
/// expression; `!=` does not).
fn field_part(field: &str, span: Span) -> Result<FPart> {
    let chars: Vec<char> = field.chars().collect();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut end = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            (None, '!') if depth == 0 && chars.get(i + 1) != Some(&'=') => {
                end = i;
                break;
            }
            (None, ':') if depth == 0 => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let expr_text: String = chars[..end].iter().collect();
    let rest: String = chars[end..].iter().collect();
    let (conversion, spec) = match rest.strip_prefix('!') {
        Some(after) => {
            let mut it = after.chars();
            let conversion = it.next().filter(|c| matches!(c, 'r' | 's' | 'a'));
            let remaining: String = it.collect();
            if conversion.is_none() || !(remaining.is_empty() || remaining.starts_with(':')) {
                return Err(DdqError::syntax(
                    "f-string: the conversion must be !r, !s or !a",
                    span,
                ));
            }
            (
                conversion,
                remaining.strip_prefix(':').unwrap_or("").to_string(),
            )
        }
        None => (None, rest.strip_prefix(':').unwrap_or("").to_string()),
    };
    if spec.contains('{') {
        return Err(DdqError::unsupported(
            "f-string: nested fields in a format spec are not supported",
        )
        .at(span)
        .with_help("write the spec out, e.g. f\"{x:>10}\""));
    }
    if expr_text.trim().is_empty() {
        return Err(DdqError::syntax(
            "f-string: empty expression not allowed",
            span,
        ));
    }
    let mut expr = parse_expression(expr_text.trim()).map_err(|e| e.at(span))?;
    respan(&mut expr, span);
    Ok(FPart::Field {
        expr,
        conversion,
        spec,
    })
}

/// Gives every node of an expression parsed out of a string (an f-string's field, a query)
/// that string's span in the statement.
pub fn respan(expr: &mut Expr, span: Span) {
    expr.span = span;
    let children: Vec<&mut Expr> = match &mut expr.kind {
        ExprKind::List(items) | ExprKind::Tuple(items) => items.iter_mut().collect(),
        ExprKind::Dict(pairs) => pairs.iter_mut().flat_map(|(k, v)| [k, v]).collect(),
        ExprKind::Attr { value, name } => {
            name.span = span;
            vec![value.as_mut()]
        }
        ExprKind::Subscript { value, index } => vec![value.as_mut(), index.as_mut()],
        ExprKind::Slice { lower, upper, step } => [lower, upper, step]
            .into_iter()
            .filter_map(|b| b.as_deref_mut())
            .collect(),
        ExprKind::Call { func, args } => {
            let mut children = vec![func.as_mut()];
            for arg in args.iter_mut() {
                if let Some(name) = &mut arg.name {
                    name.span = span;
                }
                children.push(&mut arg.value);
            }
            children
        }
        ExprKind::Unary { operand, .. } => vec![operand.as_mut()],
        ExprKind::Binary { left, right, .. } => vec![left.as_mut(), right.as_mut()],
        ExprKind::Lambda { params, body, .. } => {
            let mut children = Vec::new();
            for param in params.iter_mut() {
                param.name.span = span;
                children.extend(param.default.as_mut());
            }
            children.push(body.as_mut());
            children
        }
        ExprKind::ListComp {
            element,
            iterable,
            condition,
            ..
        } => {
            let mut children = vec![element.as_mut(), iterable.as_mut()];
            children.extend(condition.as_deref_mut());
            children
        }
        ExprKind::FString(parts) => parts
            .iter_mut()
            .filter_map(|p| match p {
                FPart::Field { expr, .. } => Some(expr),
                FPart::Text(_) => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    for child in children {
        respan(child, span);
    }
}

fn starts_operand(kind: &TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Name(_)
            | TokenKind::Int(_)
            | TokenKind::Float(_)
            | TokenKind::Str(_)
            | TokenKind::FStr(_)
            | TokenKind::LParen
            | TokenKind::LBracket
            | TokenKind::LBrace
            | TokenKind::Minus
            | TokenKind::Plus
            | TokenKind::Tilde
            | TokenKind::Star
            | TokenKind::DoubleStar
            | TokenKind::Unsupported("...")
            | TokenKind::Keyword(
                Keyword::True
                    | Keyword::False
                    | Keyword::None
                    | Keyword::Not
                    | Keyword::Lambda
                    | Keyword::Await
                    | Keyword::Yield
            )
    )
}

/// Whether `explain analyze X` has X, so `analyze` is the flag; `explain analyze(x)` and
/// `explain analyze.x` explain an expression that happens to start with the name `analyze`.
fn starts_explained_value(kind: &TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Name(_)
            | TokenKind::Str(_)
            | TokenKind::FStr(_)
            | TokenKind::Int(_)
            | TokenKind::Float(_)
            | TokenKind::Tilde
            | TokenKind::LBrace
            | TokenKind::Keyword(
                Keyword::True | Keyword::False | Keyword::None | Keyword::Not | Keyword::Lambda
            )
    )
}

/// After a command name, these make the statement Python instead (`head = 3`, `help(x)`,
/// `set.union`, `schema[0]`, `read == x`).
fn continues_as_python(next: &TokenKind) -> bool {
    matches!(
        next,
        TokenKind::Assign
            | TokenKind::AugAssign(_)
            | TokenKind::Dot
            | TokenKind::LParen
            | TokenKind::LBracket
            | TokenKind::Comma
            | TokenKind::Colon
            | TokenKind::Star
            | TokenKind::DoubleStar
            | TokenKind::Slash
            | TokenKind::DoubleSlash
            | TokenKind::Amp
            | TokenKind::Pipe
            | TokenKind::Caret
            | TokenKind::EqEq
            | TokenKind::NotEq
            | TokenKind::Lt
            | TokenKind::LtEq
            | TokenKind::Gt
            | TokenKind::GtEq
            | TokenKind::Keyword(
                Keyword::And | Keyword::Or | Keyword::In | Keyword::Is | Keyword::If
            )
    )
}

fn is_statement_keyword(keyword: Keyword) -> bool {
    use Keyword::*;
    matches!(
        keyword,
        Assert
            | Async
            | Break
            | Class
            | Continue
            | Def
            | Del
            | Elif
            | Else
            | Except
            | Finally
            | For
            | Global
            | If
            | Nonlocal
            | Pass
            | Raise
            | Return
            | Try
            | While
            | With
    )
}

fn unsupported_statement(keyword: Keyword, span: Span) -> DdqError {
    let what = match keyword {
        Keyword::Def | Keyword::Class => {
            "defining functions and classes is not supported".to_string()
        }
        Keyword::If | Keyword::Elif | Keyword::Else | Keyword::For | Keyword::While => {
            "control flow (`if`, `for`, `while`) is not supported".to_string()
        }
        other => format!("`{other}` statements are not supported"),
    };
    DdqError::new(ErrorKind::Unsupported, what)
        .at(span)
        .with_help(
            "a statement is `NAME = EXPR`, an expression, an import or a command (see `help`)",
        )
}

fn unsupported(message: &str, span: Span) -> DdqError {
    DdqError::new(ErrorKind::Unsupported, message)
        .at(span)
        .with_help(SUPPORTED)
}

/// The left side of `=` as a name, or an error explaining the pandas-style alternative.
/// The statement `target = value`: a name, a frame's column (`df["col"] = ...`), or names to
/// unpack (`a, b = ...`).
fn assignment(target: Expr, value: Expr) -> Result<StmtKind> {
    let (message, help) = match target.kind {
        ExprKind::Name(name) => {
            let target = Ident {
                name,
                span: target.span,
            };
            return Ok(StmtKind::Assign { target, value });
        }
        ExprKind::Subscript {
            value: frame,
            index,
        } => match frame.kind {
            ExprKind::Name(name) => {
                let frame = Ident {
                    name,
                    span: frame.span,
                };
                return Ok(StmtKind::AssignColumn {
                    frame,
                    column: *index,
                    value,
                });
            }
            _ => (
                "assigning to a subscript of anything but a frame's name is not supported",
                "name the frame first: `df = ...`, then `df[\"col\"] = ...`",
            ),
        },
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            let names: Option<Vec<Ident>> = items
                .into_iter()
                .map(|item| match item.kind {
                    ExprKind::Name(name) => Some(Ident {
                        name,
                        span: item.span,
                    }),
                    _ => None,
                })
                .collect();
            match names {
                Some(targets) => return Ok(StmtKind::Unpack { targets, value }),
                None => (
                    "unpacking into anything but names is not supported",
                    "unpack into names: `a, b = ...`",
                ),
            }
        }
        ExprKind::Attr { .. } => (
            "assigning to an attribute is not supported",
            "make a new frame instead: `df = df.assign(col=...)`",
        ),
        _ => {
            return Err(
                DdqError::syntax("cannot assign to this expression", target.span)
                    .with_help("the left side of `=` must be a name"),
            );
        }
    };
    Err(DdqError::new(ErrorKind::Unsupported, message)
        .at(target.span)
        .with_help(help))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::ast::Command;

    fn source(text: &str) -> Source {
        Source::new("<test>", text)
    }

    fn stmts(text: &str) -> Vec<Stmt> {
        match parse(&source(text)) {
            Ok(stmts) => stmts,
            Err(err) => panic!("parse({text:?}) failed: {err} at {:?}", err.span),
        }
    }

    fn one(text: &str) -> StmtKind {
        let mut all = stmts(text);
        assert_eq!(all.len(), 1, "{text:?} gave {all:?}");
        all.remove(0).kind
    }

    fn expr(text: &str) -> Expr {
        match parse_expression(text) {
            Ok(expr) => expr,
            Err(err) => panic!("parse_expression({text:?}) failed: {err} at {:?}", err.span),
        }
    }

    /// The error for `text` as (message, start, end).
    fn error(text: &str) -> (String, usize, usize) {
        let err = error_full(text);
        let span = err.span.unwrap_or_default();
        (err.message, span.start, span.end)
    }

    fn error_full(text: &str) -> DdqError {
        match parse(&source(text)) {
            Ok(stmts) => panic!("parse({text:?}) succeeded: {stmts:?}"),
            Err(err) => err,
        }
    }

    /// A fully bracketed rendering that shows the tree's shape and nothing else.
    fn tree(e: &Expr) -> String {
        let list = |items: &[Expr]| items.iter().map(tree).collect::<Vec<_>>().join(" ");
        let opt = |part: &Option<Box<Expr>>| part.as_deref().map_or("_".to_string(), tree);
        match &e.kind {
            ExprKind::Name(name) => name.clone(),
            ExprKind::Int(v) => v.to_string(),
            ExprKind::Float(v) => format!("{v:?}"),
            ExprKind::Str(v) => format!("{v:?}"),
            ExprKind::Bool(v) => v.to_string(),
            ExprKind::None => "None".into(),
            ExprKind::List(items) => format!("[{}]", list(items)),
            ExprKind::Tuple(items) => format!("(tuple {})", list(items)),
            ExprKind::Dict(entries) => {
                let entries: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", tree(k), tree(v)))
                    .collect();
                format!("{{{}}}", entries.join(", "))
            }
            ExprKind::Attr { value, name } => format!("(. {} {})", tree(value), name.name),
            ExprKind::Subscript { value, index } => {
                format!("(sub {} {})", tree(value), tree(index))
            }
            ExprKind::Slice { lower, upper, step } => {
                format!("(slice {} {} {})", opt(lower), opt(upper), opt(step))
            }
            ExprKind::Call { func, args } => {
                let mut out = format!("(call {}", tree(func));
                for arg in args {
                    out.push(' ');
                    if let Some(name) = &arg.name {
                        out.push_str(&format!("{}=", name.name));
                    }
                    out.push_str(&tree(&arg.value));
                }
                out + ")"
            }
            ExprKind::Unary { op, operand } => format!("({} {})", op.symbol(), tree(operand)),
            ExprKind::Binary { op, left, right } => {
                format!("({} {} {})", op.symbol(), tree(left), tree(right))
            }
            ExprKind::Lambda { params, body, .. } => {
                let params: Vec<String> = params
                    .iter()
                    .map(|p| match &p.default {
                        Some(default) => format!("{}={}", p.name.name, tree(default)),
                        None => p.name.name.clone(),
                    })
                    .collect();
                format!("(lambda {} {})", params.join(" "), tree(body))
            }
            ExprKind::ListComp {
                element,
                names,
                iterable,
                condition,
            } => {
                let names: Vec<&str> = names.iter().map(|p| p.name.as_str()).collect();
                let condition = condition.as_ref().map(|c| format!(" if {}", tree(c)));
                format!(
                    "(for {} {} {}{})",
                    names.join(" "),
                    tree(element),
                    tree(iterable),
                    condition.unwrap_or_default()
                )
            }
            ExprKind::FString(parts) => {
                let parts: Vec<String> = parts
                    .iter()
                    .map(|p| match p {
                        FPart::Text(t) => format!("{t:?}"),
                        FPart::Field {
                            expr,
                            conversion,
                            spec,
                        } => format!(
                            "{{{}{}{}}}",
                            tree(expr),
                            conversion.map(|c| format!("!{c}")).unwrap_or_default(),
                            if spec.is_empty() {
                                String::new()
                            } else {
                                format!(":{spec}")
                            }
                        ),
                    })
                    .collect();
                format!("(f {})", parts.join(" "))
            }
        }
    }

    fn t(text: &str) -> String {
        tree(&expr(text))
    }

    fn value_of(kind: StmtKind) -> Expr {
        match kind {
            StmtKind::Expr(e) => e,
            StmtKind::Assign { value, .. } => value,
            other => panic!("not an expression statement: {other:?}"),
        }
    }

    fn command(text: &str) -> Command {
        match one(text) {
            StmtKind::Command(command) => command,
            other => panic!("{text:?} is not a command: {other:?}"),
        }
    }

    // ----- spans stripped, for comparing trees built from different text -----

    fn strip(e: &Expr) -> Expr {
        let boxed = |e: &Expr| Box::new(strip(e));
        let ident = |i: &Ident| Ident {
            name: i.name.clone(),
            span: Span::default(),
        };
        let kind = match &e.kind {
            ExprKind::List(items) => ExprKind::List(items.iter().map(strip).collect()),
            ExprKind::Tuple(items) => ExprKind::Tuple(items.iter().map(strip).collect()),
            ExprKind::Dict(entries) => {
                ExprKind::Dict(entries.iter().map(|(k, v)| (strip(k), strip(v))).collect())
            }
            ExprKind::Attr { value, name } => ExprKind::Attr {
                value: boxed(value),
                name: ident(name),
            },
            ExprKind::Subscript { value, index } => ExprKind::Subscript {
                value: boxed(value),
                index: boxed(index),
            },
            ExprKind::Slice { lower, upper, step } => ExprKind::Slice {
                lower: lower.as_deref().map(boxed),
                upper: upper.as_deref().map(boxed),
                step: step.as_deref().map(boxed),
            },
            ExprKind::Call { func, args } => ExprKind::Call {
                func: boxed(func),
                args: args
                    .iter()
                    .map(|a| Arg {
                        name: a.name.as_ref().map(ident),
                        value: strip(&a.value),
                    })
                    .collect(),
            },
            ExprKind::Unary { op, operand } => ExprKind::Unary {
                op: *op,
                operand: boxed(operand),
            },
            ExprKind::Binary { op, left, right } => ExprKind::Binary {
                op: *op,
                left: boxed(left),
                right: boxed(right),
            },
            ExprKind::Lambda { name, params, body } => ExprKind::Lambda {
                name: name.as_ref().map(ident),
                params: params
                    .iter()
                    .map(|p| Param {
                        name: ident(&p.name),
                        default: p.default.as_ref().map(strip),
                    })
                    .collect(),
                body: boxed(body),
            },
            ExprKind::ListComp {
                element,
                names,
                iterable,
                condition,
            } => ExprKind::ListComp {
                element: boxed(element),
                names: names.iter().map(ident).collect(),
                iterable: boxed(iterable),
                condition: condition.as_deref().map(boxed),
            },
            ExprKind::FString(parts) => ExprKind::FString(
                parts
                    .iter()
                    .map(|p| match p {
                        FPart::Field {
                            expr,
                            conversion,
                            spec,
                        } => FPart::Field {
                            expr: strip(expr),
                            conversion: *conversion,
                            spec: spec.clone(),
                        },
                        text => text.clone(),
                    })
                    .collect(),
            ),
            other => other.clone(),
        };
        Expr {
            kind,
            span: Span::default(),
        }
    }

    fn strip_stmt(s: &Stmt) -> Stmt {
        let ident = |i: &Ident| Ident {
            name: i.name.clone(),
            span: Span::default(),
        };
        let kind = match &s.kind {
            StmtKind::Assign { target, value } => StmtKind::Assign {
                target: ident(target),
                value: strip(value),
            },
            StmtKind::AssignColumn {
                frame,
                column,
                value,
            } => StmtKind::AssignColumn {
                frame: ident(frame),
                column: strip(column),
                value: strip(value),
            },
            StmtKind::Unpack { targets, value } => StmtKind::Unpack {
                targets: targets.iter().map(ident).collect(),
                value: strip(value),
            },
            StmtKind::Expr(e) => StmtKind::Expr(strip(e)),
            StmtKind::With { context, body } => StmtKind::With {
                context: strip(context),
                body: body.iter().map(strip_stmt).collect(),
            },
            StmtKind::Import { module } => StmtKind::Import {
                module: module.clone(),
            },
            StmtKind::Command(c) => StmtKind::Command(match c {
                Command::Read { path, alias, .. } => Command::Read {
                    path: path.clone(),
                    path_span: Span::default(),
                    alias: alias.as_ref().map(ident),
                },
                Command::Head { value, rows } => Command::Head {
                    value: strip(value),
                    rows: *rows,
                },
                Command::Schema { value } => Command::Schema {
                    value: strip(value),
                },
                Command::Explain { value, analyze } => Command::Explain {
                    value: strip(value),
                    analyze: *analyze,
                },
                Command::Visualize { value, file } => Command::Visualize {
                    value: strip(value),
                    file: file.clone(),
                },
                Command::Set { name, value } => Command::Set {
                    name: name.as_ref().map(ident),
                    value: value.clone(),
                },
                Command::Help { topic } => Command::Help {
                    topic: topic.as_ref().map(ident),
                },
                Command::Time { stmt } => Command::Time {
                    stmt: Box::new(strip_stmt(stmt)),
                },
                Command::TimeIt { stmt, runs } => Command::TimeIt {
                    stmt: Box::new(strip_stmt(stmt)),
                    runs: *runs,
                },
                Command::TimeCell { stmts } => Command::TimeCell {
                    stmts: stmts.iter().map(strip_stmt).collect(),
                },
                Command::Cache { clear } => Command::Cache { clear: *clear },
                Command::Cluster => Command::Cluster,
                Command::Quit => Command::Quit,
            }),
        };
        Stmt {
            kind,
            span: Span::default(),
        }
    }

    fn print_all(stmts: &[Stmt]) -> String {
        stmts
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    // ----- precedence -----

    #[test]
    fn precedence_follows_python() {
        let cases = [
            ("a + b * c", "(+ a (* b c))"),
            ("a * b + c", "(+ (* a b) c)"),
            ("a - b - c", "(- (- a b) c)"),
            ("a / b * c // d % e", "(% (// (* (/ a b) c) d) e)"),
            ("a ** b ** c", "(** a (** b c))"),
            ("-a ** b", "(- (** a b))"),
            ("a ** -b", "(** a (- b))"),
            ("-a * b", "(* (- a) b)"),
            ("a - -b", "(- a (- b))"),
            ("--a", "(- (- a))"),
            ("+a", "(+ a)"),
            ("~a & b", "(& (~ a) b)"),
            ("a == 1 & b", "(== a (& 1 b))"),
            ("a & b == c", "(== (& a b) c)"),
            ("a & b | c ^ d", "(| (& a b) (^ c d))"),
            ("a | b & c", "(| a (& b c))"),
            ("a ^ b | c", "(| (^ a b) c)"),
            ("a < b + c", "(< a (+ b c))"),
            ("a + b >= c * d", "(>= (+ a b) (* c d))"),
            ("not a == b", "(not (== a b))"),
            ("not a and b or c", "(or (and (not a) b) c)"),
            ("a or b and c", "(or a (and b c))"),
            ("a and not b", "(and a (not b))"),
            ("not not a", "(not (not a))"),
            (
                "a in [1, 2] and b not in c",
                "(and (in a [1 2]) (not in b c))",
            ),
            ("(a + b) * c", "(* (+ a b) c)"),
            ("(a < b) < c", "(< (< a b) c)"),
            (
                "(df.a > 1) & (df.b != 'x')",
                "(& (> (. df a) 1) (!= (. df b) \"x\"))",
            ),
            ("x.y(z)[0].w", "(. (sub (call (. x y) z) 0) w)"),
            ("-x.y", "(- (. x y))"),
            ("2 ** x.y", "(** 2 (. x y))"),
            ("a <= b", "(<= a b)"),
            ("a > b", "(> a b)"),
        ];
        for (text, expected) in cases {
            assert_eq!(t(text), expected, "{text}");
        }
    }

    #[test]
    fn binary_spans_cover_both_operands() {
        let e = expr("a + b * c");
        assert_eq!(e.span, Span::new(0, 9));
        let ExprKind::Binary { right, .. } = &e.kind else {
            panic!("{e:?}")
        };
        assert_eq!(right.span, Span::new(4, 9));
        assert_eq!(expr("-x").span, Span::new(0, 2));
        assert_eq!(expr("(a)").span, Span::new(0, 3));
    }

    // ----- literals -----

    #[test]
    fn every_literal_form() {
        let cases = [
            ("42", ExprKind::Int(42)),
            ("1_000", ExprKind::Int(1000)),
            ("0x10", ExprKind::Int(16)),
            ("1.5", ExprKind::Float(1.5)),
            ("1e-3", ExprKind::Float(0.001)),
            (".5", ExprKind::Float(0.5)),
            ("'a'", ExprKind::Str("a".into())),
            ("\"b\"", ExprKind::Str("b".into())),
            (r#"r"\d+""#, ExprKind::Str("\\d+".into())),
            (r#""tab\there""#, ExprKind::Str("tab\there".into())),
            ("'a' \"b\" 'c'", ExprKind::Str("abc".into())),
            (
                "\"\"\"multi\nline\"\"\"",
                ExprKind::Str("multi\nline".into()),
            ),
            ("True", ExprKind::Bool(true)),
            ("False", ExprKind::Bool(false)),
            ("None", ExprKind::None),
            ("(1)", ExprKind::Int(1)),
        ];
        for (text, kind) in cases {
            assert_eq!(expr(text).kind, kind, "{text}");
        }
        assert_eq!(expr("'a' 'b'").span, Span::new(0, 7));
        assert_eq!(t("-1"), "(- 1)");
    }

    #[test]
    fn containers() {
        assert_eq!(t("[]"), "[]");
        assert_eq!(t("[1, 'a', [2],]"), "[1 \"a\" [2]]");
        assert_eq!(t("()"), "(tuple )");
        assert_eq!(t("(1,)"), "(tuple 1)");
        assert_eq!(t("(1, 2)"), "(tuple 1 2)");
        assert_eq!(t("(1, 2,)"), "(tuple 1 2)");
        assert_eq!(t("a, b"), "(tuple a b)");
        assert_eq!(t("{}"), "{}");
        assert_eq!(t("{'a': 1, 'b': [2],}"), "{\"a\": 1, \"b\": [2]}");
        assert_eq!(t("{\"Date\": [0, 1, 2]}"), "{\"Date\": [0 1 2]}");
        assert_eq!(expr("[1, 2]").span, Span::new(0, 6));
        assert_eq!(expr("(1, 2)").span, Span::new(0, 6));
        assert_eq!(expr("a, b").span, Span::new(0, 4));
    }

    // ----- calls, attributes, subscripts -----

    #[test]
    fn calls_with_keywords() {
        assert_eq!(t("f()"), "(call f)");
        assert_eq!(t("f(a, b=1, c=2,)"), "(call f a b=1 c=2)");
        assert_eq!(
            t("dd.read_csv('x/*.csv', parse_dates={'Date': [0, 1, 2]})"),
            "(call (. dd read_csv) \"x/*.csv\" parse_dates={\"Date\": [0 1 2]})"
        );
        assert_eq!(
            t("x.compute(scheduler='threads')"),
            "(call (. x compute) scheduler=\"threads\")"
        );
        assert_eq!(t("f(a == b)"), "(call f (== a b))");
        assert_eq!(t("f(\n  a,\n  b=2,\n)"), "(call f a b=2)");
        let call = expr("f(a, k=1)");
        let ExprKind::Call { args, .. } = &call.kind else {
            panic!("{call:?}")
        };
        assert_eq!(args[1].name.as_ref().map(|n| n.span), Some(Span::new(5, 6)));
        assert_eq!(call.span, Span::new(0, 9));
    }

    #[test]
    fn subscripts_and_slices() {
        assert_eq!(t("df['a']"), "(sub df \"a\")");
        assert_eq!(t("df[['a', 'b']]"), "(sub df [\"a\" \"b\"])");
        assert_eq!(t("df[df.a > 1]"), "(sub df (> (. df a) 1))");
        assert_eq!(
            t("df.iloc[:, [1, 3]]"),
            "(sub (. df iloc) (tuple (slice _ _ _) [1 3]))"
        );
        assert_eq!(t("x[1:2]"), "(sub x (slice 1 2 _))");
        assert_eq!(t("x[1:]"), "(sub x (slice 1 _ _))");
        assert_eq!(t("x[:-1]"), "(sub x (slice _ (- 1) _))");
        assert_eq!(t("x[::2]"), "(sub x (slice _ _ 2))");
        assert_eq!(t("x[a:b:c]"), "(sub x (slice a b c))");
        assert_eq!(t("x[::]"), "(sub x (slice _ _ _))");
        assert_eq!(t("x[a, b]"), "(sub x (tuple a b))");
        assert_eq!(t("x[a,]"), "(sub x (tuple a))");
        assert_eq!(t("x[(a, b)]"), "(sub x (tuple a b))");
        assert_eq!(
            t("df.loc[df.a > 1, ['b']]"),
            "(sub (. df loc) (tuple (> (. df a) 1) [\"b\"]))"
        );
        assert_eq!(t("df.partitions[1]"), "(sub (. df partitions) 1)");
        let e = expr("df.iloc[:, [1, 3]]");
        let ExprKind::Subscript { index, .. } = &e.kind else {
            panic!("{e:?}")
        };
        assert_eq!(index.span, Span::new(8, 17));
        let ExprKind::Tuple(items) = &index.kind else {
            panic!("{index:?}")
        };
        assert_eq!(items[0].span, Span::new(8, 9));
        assert_eq!(items[1].span, Span::new(11, 17));
        assert_eq!(e.span, Span::new(0, 18));
    }

    // ----- statements -----

    #[test]
    fn assignment_and_expression_statements() {
        let StmtKind::Assign { target, value } = one("x = a + 1") else {
            panic!()
        };
        assert_eq!(
            target,
            Ident {
                name: "x".into(),
                span: Span::new(0, 1)
            }
        );
        assert_eq!(tree(&value), "(+ a 1)");
        assert_eq!(tree(&value_of(one("x = 1, 2"))), "(tuple 1 2)");
        assert_eq!(
            tree(&value_of(one("df.a.mean()"))),
            "(call (. (. df a) mean))"
        );
        assert!(matches!(one("x == 1"), StmtKind::Expr(_)));
    }

    #[test]
    fn multiple_statements_with_spans() {
        let all = stmts("a = 1; b = 2\n# comment\n\nc  # trailing\nd;\n");
        let spans: Vec<(usize, usize)> = all.iter().map(|s| (s.span.start, s.span.end)).collect();
        assert_eq!(spans, vec![(0, 5), (7, 12), (24, 25), (38, 39)]);
        assert!(stmts("").is_empty());
        assert!(stmts("\n;\n  # only a comment\n").is_empty());
    }

    #[test]
    fn continuation_lines() {
        assert_eq!(stmts("x = f(1,\n      2)\ny = 3").len(), 2);
        assert_eq!(tree(&value_of(one("x = 1 + \\\n  2"))), "(+ 1 2)");
        assert_eq!(tree(&value_of(one("x = [\n  1,\n  2,\n]"))), "[1 2]");
        assert_eq!(
            tree(&value_of(one("d = {\n 'a': 1,  # one\n 'b': 2\n}"))),
            "{\"a\": 1, \"b\": 2}"
        );
        assert_eq!(
            tree(&value_of(one("(ddf.groupby('a')\n    .b\n    .mean())"))),
            "(call (. (. (call (. ddf groupby) \"a\") b) mean))"
        );
        let all = stmts("x = f(\n  1)\ny");
        assert_eq!(all[0].span, Span::new(0, 11));
    }

    #[test]
    fn imports() {
        let module = |text: &str| match one(text) {
            StmtKind::Import { module } => module,
            other => panic!("{text:?}: {other:?}"),
        };
        assert_eq!(module("import dask.dataframe as dd"), "dask.dataframe");
        assert_eq!(module("import pandas"), "pandas");
        assert_eq!(module("import a, b.c as d"), "a, b.c");
        assert_eq!(module("from a.b import c, d as e"), "a.b");
        assert_eq!(module("from a import (b,\n c,)"), "a");
        assert_eq!(module("from a import *"), "a");
        assert_eq!(module("from . import x"), ".");
        assert_eq!(module("from ..pkg import x"), "..pkg");
        assert_eq!(
            error("import"),
            ("expected a module name, found end of input".into(), 6, 6)
        );
        assert_eq!(
            error("from a b"),
            ("expected \"import\", found \"b\"".into(), 7, 8)
        );
        assert_eq!(
            error("import a as"),
            (
                "expected a name after \"as\", found end of input".into(),
                11,
                11
            )
        );
    }

    // ----- commands -----

    #[test]
    fn every_command_example_parses_as_that_command() {
        for spec in commands::COMMANDS {
            let all = stmts(spec.example);
            assert_eq!(all.len(), 1, "{}", spec.example);
            assert!(
                matches!(all[0].kind, StmtKind::Command(_)),
                "{}: {:?}",
                spec.example,
                all[0].kind
            );
        }
    }

    #[test]
    fn commands() {
        let Command::Read {
            path,
            path_span,
            alias,
        } = command("read \"data/*.csv\" as flights")
        else {
            panic!()
        };
        assert_eq!(path, "data/*.csv");
        assert_eq!(path_span, Span::new(5, 17));
        assert_eq!(
            alias.map(|a| (a.name, a.span)),
            Some(("flights".into(), Span::new(21, 28)))
        );
        assert!(matches!(
            command("read 'x.csv'"),
            Command::Read { alias: None, .. }
        ));

        let Command::Head { value, rows } = command("head df.a 10") else {
            panic!()
        };
        assert_eq!((tree(&value), rows), ("(. df a)".into(), Some(10)));
        let Command::Head { rows, .. } = command("head df") else {
            panic!()
        };
        assert_eq!(rows, None);

        assert!(matches!(command("schema flights"), Command::Schema { .. }));

        let Command::Explain { value, analyze } = command("explain analyze df.a.mean()") else {
            panic!()
        };
        assert_eq!(
            (tree(&value), analyze),
            ("(call (. (. df a) mean))".into(), true)
        );
        let Command::Explain { value, analyze } = command("explain analyze") else {
            panic!()
        };
        assert_eq!((tree(&value), analyze), ("analyze".into(), false));
        let Command::Explain { value, analyze } = command("explain analyze(x)") else {
            panic!()
        };
        assert_eq!((tree(&value), analyze), ("(call analyze x)".into(), false));

        let Command::Visualize { file, .. } = command("visualize df to \"p.dot\"") else {
            panic!()
        };
        assert_eq!(file.as_deref(), Some("p.dot"));
        assert!(matches!(
            command("visualize df"),
            Command::Visualize { file: None, .. }
        ));

        assert!(matches!(command("quit"), Command::Quit));
        assert!(matches!(command("exit"), Command::Quit));

        assert!(matches!(command("cache"), Command::Cache { clear: false }));
        assert!(matches!(command("cluster"), Command::Cluster));
        assert!(matches!(command("client"), Command::Cluster));
        assert!(matches!(
            command("cache clear"),
            Command::Cache { clear: true }
        ));
        assert!(
            error("cache everything")
                .0
                .starts_with("expected end of statement")
        );
    }

    #[test]
    fn set_takes_raw_text() {
        let set = |text: &str| match command(text) {
            Command::Set { name, value } => (name.map(|n| n.name), value),
            other => panic!("{other:?}"),
        };
        assert_eq!(set("set"), (None, None));
        assert_eq!(set("set max_rows"), (Some("max_rows".into()), None));
        assert_eq!(
            set("set max_rows 20"),
            (Some("max_rows".into()), Some("20".into()))
        );
        assert_eq!(
            set("set memory_limit 2GB"),
            (Some("memory_limit".into()), Some("2GB".into()))
        );
        assert_eq!(
            set("set prompt  $ > # note"),
            (Some("prompt".into()), Some("$ >".into()))
        );
        assert_eq!(
            set("set output \"my file.csv\""),
            (Some("output".into()), Some("my file.csv".into()))
        );
        assert_eq!(
            set("set datafusion.execution.batch_size 8192"),
            (
                Some("datafusion.execution.batch_size".into()),
                Some("8192".into())
            )
        );
        assert_eq!(stmts("set a 1; set b 2").len(), 2);
    }

    #[test]
    fn help_topics() {
        let topic = |text: &str| match command(text) {
            Command::Help { topic } => topic.map(|t| t.name),
            other => panic!("{other:?}"),
        };
        assert_eq!(topic("help"), None);
        assert_eq!(topic("help groupby"), Some("groupby".into()));
        assert_eq!(topic("help dd.read_csv"), Some("dd.read_csv".into()));
        assert_eq!(topic("help %timeit"), Some("%timeit".into()));
        assert_eq!(topic("help import"), Some("import".into()));
        assert_eq!(topic("help 'value_counts'"), Some("value_counts".into()));
    }

    #[test]
    fn list_comprehensions_parse_with_one_for_and_an_if() {
        assert_eq!(
            t("[c for c in df.columns if \"Delay\" in c]"),
            "(for c c (. df columns) if (in \"Delay\" c))"
        );
        assert_eq!(t("[a + b for a, b in pairs]"), "(for a b (+ a b) pairs)");
        assert!(parse_expression("[x for x in a for y in b]").is_err());
        assert!(parse_expression("[x for in a]").is_err());
        // Outside a comprehension `for` and `if` still say what is not supported.
        let err = parse_expression("x if y else z").unwrap_err();
        assert!(
            err.message.contains("conditional expressions"),
            "{}",
            err.message
        );
    }

    #[test]
    fn lambdas_and_one_line_defs_parse() {
        assert_eq!(
            t("df.apply(lambda r: r.a - r.b, axis=1)"),
            "(call (. df apply) (lambda r (- (. r a) (. r b))) axis=1)"
        );
        assert_eq!(t("lambda: 1"), "(lambda  1)");
        for text in [
            "def gain(r): return r.a - r.b",
            "def gain(r):\n    return r.a - r.b",
        ] {
            let StmtKind::Assign { target, value } = one(text) else {
                panic!("{text} is not an assignment");
            };
            assert_eq!(target.name, "gain");
            assert_eq!(tree(&value), "(lambda r (- (. r a) (. r b)))");
        }
        assert_eq!(
            expr("lambda s: s.max() - s.min()").to_string(),
            "lambda s: s.max() - s.min()"
        );
        assert_eq!(
            error("lambda x, x: x"),
            ("duplicate parameter `x`".to_string(), 10, 11)
        );
    }

    #[test]
    fn parameters_take_defaults_after_the_required_ones() {
        let StmtKind::Assign { value, .. } =
            one("def subtract_and_divide(x, sub, divide=1):\n    return (x - sub) / divide")
        else {
            panic!("a def is an assignment");
        };
        assert_eq!(tree(&value), "(lambda x sub divide=1 (/ (- x sub) divide))");
        let ExprKind::Lambda { name, .. } = &value.kind else {
            panic!("a def is a lambda");
        };
        assert_eq!(
            name.as_ref().map(|n| n.name.as_str()),
            Some("subtract_and_divide")
        );
        assert_eq!(
            expr("lambda x, n=-1: x * n").to_string(),
            "lambda x, n=-1: x * n"
        );
        assert_eq!(
            error("def f(x, n=1, m): return x"),
            (
                "parameter `m` without a default follows one with a default".to_string(),
                14,
                15
            )
        );
    }

    #[test]
    fn f_strings_split_into_text_and_fields() {
        assert_eq!(
            t("f'Mean: {df.x.mean():.2f} ({n!r}) {{x}}' ' done'"),
            "(f \"Mean: \" {(call (. (. df x) mean)):.2f} \" (\" {n!r} \") {x} done\")"
        );
        assert_eq!(t("f'{a != b}'"), "(f {(!= a b)})");
        assert_eq!(t("f\"{d['k']}\""), r#"(f {(sub d "k")})"#);
        let e = expr("f'{x:>5} and {y}'");
        assert_eq!(e.to_string(), r#"f"{x:>5} and {y}""#);
        assert_eq!(error("f'{}'").0, "f-string: empty expression not allowed");
        assert_eq!(error("f'{x'").0, "f-string: expecting '}'");
        assert_eq!(error("f'a}'").0, "f-string: single '}' is not allowed");
    }

    #[test]
    fn column_assignment_and_unpacking_parse() {
        let StmtKind::AssignColumn {
            frame,
            column,
            value,
        } = one("df['new'] = df.a + 1")
        else {
            panic!("not a column assignment")
        };
        assert_eq!(frame.name, "df");
        assert_eq!(column.to_string(), "\"new\"");
        assert_eq!(value.to_string(), "df.a + 1");
        let StmtKind::Unpack { targets, value } = one("lo, hi = dask.compute(a, b)") else {
            panic!("not an unpacking")
        };
        let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["lo", "hi"]);
        assert_eq!(value.to_string(), "dask.compute(a, b)");
        assert_eq!(stmts("[a, b] = x")[0].to_string(), "a, b = x");
    }

    #[test]
    fn nested_timings_are_refused() {
        for text in [
            "%timeit %timeit -n 1 1",
            "%time %time x",
            "%timeit -n 2 %time 1",
        ] {
            let err = error_full(text);
            assert!(
                err.message.contains("cannot time another %time or %timeit"),
                "{text}: {}",
                err.message
            );
        }
        assert_eq!(error_full("%time %time x").span, Some(Span::new(6, 13)));
    }

    #[test]
    fn magics() {
        let Command::Time { stmt } = command("%time x = df.a.sum()") else {
            panic!()
        };
        assert!(matches!(stmt.kind, StmtKind::Assign { .. }));
        assert_eq!(stmt.span, Span::new(6, 20));
        let all = stmts("%time x = 1");
        assert_eq!(all[0].span, Span::new(0, 11));

        let Command::Time { stmt } = command("%time head df 3") else {
            panic!()
        };
        assert!(matches!(
            stmt.kind,
            StmtKind::Command(Command::Head { rows: Some(3), .. })
        ));

        let runs = |text: &str| match command(text) {
            Command::TimeIt { runs, stmt } => (runs, stmt.to_string()),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            runs("%timeit -n 3 df.a.mean()"),
            (Some(3), "df.a.mean()".into())
        );
        assert_eq!(runs("%timeit -n5 x"), (Some(5), "x".into()));
        assert_eq!(runs("%timeit x"), (None, "x".into()));
        assert_eq!(runs("%timeit -x"), (None, "-x".into()));
        assert_eq!(runs("%timeit - n"), (None, "-n".into()));
    }

    #[test]
    fn command_names_stay_python_when_followed_by_python() {
        assert!(matches!(one("head = 3"), StmtKind::Assign { .. }));
        assert_eq!(tree(&value_of(one("help(x)"))), "(call help x)");
        assert_eq!(tree(&value_of(one("read.x"))), "(. read x)");
        assert_eq!(tree(&value_of(one("schema[0]"))), "(sub schema 0)");
        assert_eq!(tree(&value_of(one("head == 3"))), "(== head 3)");
        assert_eq!(tree(&value_of(one("set, x"))), "(tuple set x)");
        assert_eq!(tree(&value_of(one("quit()"))), "(call quit)");
        assert_eq!(tree(&value_of(one("x = head"))), "head");
        // Only names in the command table are commands.
        assert_eq!(
            error("reader 'x'").0,
            "expected end of statement, found string \"x\""
        );
    }

    #[test]
    fn command_errors_carry_their_usage() {
        let err = error_full("read data.csv");
        assert_eq!(
            err.message,
            "expected a quoted path such as \"data/*.csv\", found \"data\""
        );
        assert_eq!(err.span, Some(Span::new(5, 9)));
        assert_eq!(err.help.as_deref(), Some("usage: read \"GLOB\" [as NAME]"));

        let err = error_full("head");
        assert_eq!(err.message, "expected an expression, found end of input");
        assert_eq!(err.help.as_deref(), Some("usage: head EXPR [N]"));

        assert_eq!(
            error("quit now"),
            ("expected end of statement, found \"now\"".into(), 5, 8)
        );
        assert_eq!(
            error("visualize df to plan"),
            (
                "expected a quoted file name such as \"plan.dot\", found \"plan\"".into(),
                16,
                20
            )
        );
        assert_eq!(
            error("head df 3 4"),
            ("expected end of statement, found \"4\"".into(), 10, 11)
        );
        assert_eq!(
            error("help )"),
            (
                "expected a topic such as `groupby`, found \")\"".into(),
                5,
                6
            )
        );
        assert_eq!(
            error("set 1"),
            ("expected a setting name, found \"1\"".into(), 4, 5)
        );

        let err = error_full("%foo x");
        assert_eq!(
            (err.message.as_str(), err.span),
            ("unknown magic `%foo`", Some(Span::new(0, 4)))
        );
        assert_eq!(
            err.help.as_deref(),
            Some("supported magics: %time, %timeit, %%time")
        );
        assert_eq!(
            error("%time"),
            (
                "expected a statement to time, found end of input".into(),
                5,
                5
            )
        );
        assert_eq!(
            error("%timeit -n 0 x"),
            ("the number of runs must be at least 1".into(), 8, 12)
        );
        assert_eq!(
            error("%timeit -n x"),
            ("expected a number of runs, found \"x\"".into(), 11, 12)
        );
        assert_eq!(
            error("%time x = = 1"),
            ("expected an expression, found \"=\"".into(), 10, 11)
        );
    }

    // ----- errors -----

    #[test]
    fn syntax_errors_point_at_the_offending_token() {
        let cases: &[(&str, &str, usize, usize)] = &[
            (
                "ddf.groupby(",
                "expected an argument or \")\", found end of input",
                12,
                12,
            ),
            ("x = = 1", "expected an expression, found \"=\"", 4, 5),
            ("x = ", "expected an expression, found end of input", 4, 4),
            ("x =\ny", "expected an expression, found end of line", 3, 4),
            ("x = 1 2", "expected end of statement, found \"2\"", 6, 7),
            ("f(a b)", "expected \",\" or \")\", found \"b\"", 4, 5),
            (
                "f(a,",
                "expected an argument or \")\", found end of input",
                4,
                4,
            ),
            ("f(a=)", "expected an expression, found \")\"", 4, 5),
            ("[1 2]", "expected \",\" or \"]\", found \"2\"", 3, 4),
            (
                "[1,",
                "expected an expression or \"]\", found end of input",
                3,
                3,
            ),
            ("{1: 2 3}", "expected \",\" or \"}\", found \"3\"", 6, 7),
            ("{'a' 1}", "expected \":\", found \"1\"", 5, 6),
            ("{", "expected a key or \"}\", found end of input", 1, 1),
            ("x[]", "expected an index, found \"]\"", 2, 3),
            ("x[1", "expected \",\" or \"]\", found end of input", 3, 3),
            ("x[1:", "expected \",\" or \"]\", found end of input", 4, 4),
            ("x.", "expected an attribute name, found end of input", 2, 2),
            ("x.if", "expected an attribute name, found \"if\"", 2, 4),
            ("(a b)", "expected \",\" or \")\", found \"b\"", 3, 4),
            ("(", "expected an expression, found end of input", 1, 1),
            (")", "expected an expression, found \")\"", 0, 1),
            ("a == not b", "expected an expression, found \"not\"", 5, 8),
            ("a not b", "expected end of statement, found \"not\"", 2, 5),
            ("x = $", "unexpected character \"$\"", 4, 5),
            ("f(a, $)", "unexpected character \"$\"", 5, 6),
            ("x = 'abc", "unterminated string", 4, 8),
            ("1 = x", "cannot assign to this expression", 0, 1),
            (
                "f(a=1, b)",
                "positional argument follows keyword argument",
                7,
                8,
            ),
            ("f(a=1, a=2)", "keyword argument \"a\" repeated", 7, 8),
            (
                "x = 1 +",
                "expected an expression, found end of input",
                7,
                7,
            ),
            ("a,, b", "expected end of statement, found \",\"", 2, 3),
        ];
        for (text, message, start, end) in cases {
            assert_eq!(error(text), (message.to_string(), *start, *end), "{text}");
            assert_eq!(error_full(text).kind, ErrorKind::Syntax, "{text}");
        }
    }

    #[test]
    fn end_of_input_inside_brackets_names_the_open_bracket() {
        let err = error_full("x = 1\ny = ddf.groupby('a').b.mean(\nz = 3\n");
        assert_eq!(err.message, "expected \",\" or \")\", found end of input");
        assert_eq!(
            err.help.as_deref(),
            Some("the \"(\" at line 2, column 28 is never closed")
        );
        let err = error_full("f([1, (2)");
        assert_eq!(
            err.help.as_deref(),
            Some("the \"[\" at line 1, column 3 is never closed")
        );
        assert_eq!(error_full("x = ").help, None);
    }

    #[test]
    fn a_chained_comparison_compares_the_middle_twice() {
        let parsed = parse_expression("a < b <= c").unwrap();
        let ExprKind::Binary { op, left, right } = parsed.kind else {
            panic!("not a binary expression");
        };
        assert_eq!(op, BinOp::And);
        assert!(matches!(left.kind, ExprKind::Binary { op: BinOp::Lt, .. }));
        let ExprKind::Binary { op, left, .. } = right.kind else {
            panic!("the second comparison is missing");
        };
        assert_eq!(op, BinOp::LtEq);
        assert!(matches!(left.kind, ExprKind::Name(ref n) if n == "b"));
    }

    /// A table of cases (text, message, span); long because the cases are, not the logic.
    #[test]
    fn unsupported_python_is_named() {
        let cases: &[(&str, &str, usize, usize)] = &[
            (
                "a if b else c",
                "conditional expressions (`x if c else y`) are not supported",
                2,
                4,
            ),
            (
                "sum(x for x in y)",
                "comprehensions and generator expressions are not supported",
                6,
                9,
            ),
            (
                "f(*args)",
                "unpacking with `*` or `**` is not supported",
                2,
                3,
            ),
            (
                "f(**kw)",
                "unpacking with `*` or `**` is not supported",
                2,
                4,
            ),
            ("[*a]", "unpacking with `*` or `**` is not supported", 1, 2),
            (
                "(y := 1)",
                "assignment expressions (`:=`) are not supported",
                3,
                5,
            ),
            (
                "f'{x:{w}}'",
                "f-string: nested fields in a format spec are not supported",
                0,
                10,
            ),
            ("x is None", "`is` comparisons are not supported", 2, 4),
            ("a << 1", "the `<<` operator is not supported", 2, 4),
            ("a @ b", "the `@` operator is not supported", 2, 3),
            ("{1, 2}", "set literals are not supported", 1, 2),
            ("x[...]", "`...` (Ellipsis) is not supported", 2, 5),
            (
                "df.loc[0]['a'] = 1",
                "assigning to a subscript of anything but a frame's name is not supported",
                0,
                14,
            ),
            (
                "df.a = 1",
                "assigning to an attribute is not supported",
                0,
                4,
            ),
            (
                "a, b.c = 1, 2",
                "unpacking into anything but names is not supported",
                0,
                6,
            ),
            (
                "a = b = 1",
                "chained assignment (`a = b = value`) is not supported",
                6,
                7,
            ),
            ("x += 1", "augmented assignment `+=` is not supported", 2, 4),
            (
                "def f(): pass",
                "only a function whose body is one `return expression` is supported",
                9,
                13,
            ),
            (
                "class A: pass",
                "defining functions and classes is not supported",
                0,
                5,
            ),
            (
                "for x in y: pass",
                "control flow (`if`, `for`, `while`) is not supported",
                0,
                3,
            ),
            ("return x", "`return` statements are not supported", 0, 6),
            ("await x", "`await` expressions are not supported", 0, 5),
            ("1j", "complex numbers are not supported", 0, 2),
        ];
        for (text, message, start, end) in cases {
            let err = error_full(text);
            assert_eq!(
                (err.message.as_str(), err.span),
                (*message, Some(Span::new(*start, *end))),
                "{text}"
            );
            assert_eq!(err.kind, ErrorKind::Unsupported, "{text}");
            assert!(err.help.is_some(), "{text} has no help");
        }
        assert_eq!(
            error_full("x += 1").help.as_deref(),
            Some("write it out: `x = x + ...`")
        );
    }

    // ----- the recursion guard -----

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = [
            format!("{}1{}", "(".repeat(200), ")".repeat(200)),
            format!("{}1", "-".repeat(5000)),
            format!("{}a", "not ".repeat(5000)),
            format!("a{}", "**a".repeat(5000)),
            format!("x{}", ".a".repeat(5000)),
            format!("x{}", "()".repeat(5000)),
            format!("1{}", " + 1".repeat(5000)),
            format!("x = {}", "[".repeat(5000)),
            format!("{}0{}", "f(".repeat(5000), ")".repeat(5000)),
            format!("%time {}", "%time ".repeat(5000)),
        ];
        for text in &deep {
            let err = error_full(text);
            assert!(
                err.message.starts_with("expression is nested too deeply"),
                "{}...: {}",
                &text[..20],
                err.message
            );
        }
        let fine = format!("x = {}1{}", "(".repeat(50), ")".repeat(50));
        assert_eq!(stmts(&fine).len(), 1);
        let chain = format!("df{}", ".a.b()".repeat(20));
        assert_eq!(stmts(&chain).len(), 1);
    }

    // ----- printing and round trips -----

    #[test]
    fn display_prints_canonical_python() {
        let cases = [
            ("df.iloc[:, [1, 3]]", "df.iloc[:, [1, 3]]"),
            ("(a + b) * c", "(a + b) * c"),
            ("a + (b + c)", "a + (b + c)"),
            ("(a + b) + c", "a + b + c"),
            ("-(2 ** 2)", "-2 ** 2"),
            ("(-2) ** 2", "(-2) ** 2"),
            ("(a ** b) ** c", "(a ** b) ** c"),
            ("a ** (b ** c)", "a ** b ** c"),
            ("'x'", "\"x\""),
            ("'say \"hi\"\\n'", "\"say \\\"hi\\\"\\n\""),
            ("x[a,]", "x[a,]"),
            ("x[(a, b)]", "x[a, b]"),
            ("x[()]", "x[()]"),
            ("not (a and b)", "not (a and b)"),
            ("(not a) == b", "(not a) == b"),
            ("f(a, k=1,)", "f(a, k=1)"),
            ("(1,)", "(1,)"),
            ("{'a': (1, 2)}", "{\"a\": (1, 2)}"),
            ("(a < b) < c", "(a < b) < c"),
            ("a == (b & c)", "a == b & c"),
            ("(a == b) & c", "(a == b) & c"),
            ("x[::2]", "x[::2]"),
            ("x[1:]", "x[1:]"),
            ("1e-3", "0.001"),
            ("(1).real", "(1).real"),
            ("1.5.real", "1.5.real"),
            ("a not in [1]", "a not in [1]"),
            ("~(a | b)", "~(a | b)"),
        ];
        for (text, printed) in cases {
            assert_eq!(expr(text).to_string(), printed, "{text}");
        }
        assert_eq!(
            print_all(&stmts("read 'a.csv' as a; head a 3")),
            "read \"a.csv\" as a\nhead a 3"
        );
        assert_eq!(
            print_all(&stmts("%timeit -n 2 x = 1")),
            "%timeit -n 2 x = 1"
        );
    }

    const ROUND_TRIP: &[&str] = &[
        "a + b * c - d / e // f % g ** h ** -i",
        "not a == b and c or not (d or e)",
        "x = (a & b) | c ^ ~d",
        "flights.groupby(['Origin', 'DayOfWeek']).DepDelay.mean().compute()",
        "ddf[ddf['Dest'].isin(['JFK', 'EWR', 'LGA'])].groupby('Dest')[numcols].mean()",
        "(ddf[~ddf.Cancelled].groupby('Origin').Origin.count() / ddf.groupby('Origin').Origin.count())",
        "dd.read_csv('data/*.csv', parse_dates={'Date': [0, 1, 2]}, dtype={'a': 'float64'})",
        "ddf.loc[ddf['ArrTime'] < ddf['ArrTime'].mean()]",
        "df.iloc[:, [1, 3]]; df.iloc[1:10:2, :]; x[a:b, ::c]; x[a,]; x[()]",
        "t = (); u = (1,); v = 1, 2; w = {}; z = [None, True, False, 1.5, 1e300, 'q\\'\"\\\\']",
        "x = -1; y = +2; z = --3; a = 2 ** -1; b = (-2) ** 2; c = -2 ** 2",
        "a in b; a not in b; (a < b) == (c >= d); a != b",
        "import dask.dataframe as dd; from a import b",
        "read 'x.csv' as x; head x.a 5; schema x; explain analyze x.a.sum(); visualize x to 'p.dot'",
        "set; set a; set a 1 2; help; help groupby; %time x = 1; %timeit -n 3 head x; quit",
        "'\\x00\\x7f\\u0085é😀\\t'",
        "(1).real; 1.0.real; (-1).real; f(x)(y)[z]",
    ];

    #[test]
    fn round_trips_through_display() {
        for text in ROUND_TRIP {
            let first = stmts(text);
            let printed = print_all(&first);
            let second = stmts(&printed);
            let strip_all = |s: &[Stmt]| s.iter().map(strip_stmt).collect::<Vec<_>>();
            assert_eq!(
                strip_all(&first),
                strip_all(&second),
                "{text}\nprinted as\n{printed}"
            );
            assert_eq!(
                print_all(&second),
                printed,
                "printing is not stable for {text}"
            );
        }
    }

    // ----- robustness -----

    #[test]
    fn a_with_block_holds_its_indented_lines_or_the_rest_of_its_line() {
        let source = Source::new("t", "with a():\n    x = 1\n\n    y\nz\nwith b(): p; q\nr");
        let stmts = parse(&source).unwrap();
        let bodies: Vec<String> = stmts.iter().map(|stmt| stmt.to_string()).collect();
        assert_eq!(
            bodies,
            [
                "with a():\n    x = 1\n    y",
                "z",
                "with b():\n    p\n    q",
                "r"
            ]
        );
        let empty = parse(&Source::new("t", "with a():\nz")).unwrap_err();
        assert!(
            empty
                .message
                .contains("an indented statement in the `with` block"),
            "{}",
            empty.message
        );
        assert!(is_incomplete("with a():\n    x = 1"));
        assert!(!is_incomplete("with a():\n    x = 1\n"));
    }

    #[test]
    fn is_incomplete_tracks_open_brackets_strings_and_backslashes() {
        assert!(is_incomplete("ddf.groupby("));
        assert!(is_incomplete("x = [1,\n2"));
        assert!(is_incomplete("d = {'a': (1,"));
        assert!(is_incomplete("s = '''abc\n"));
        assert!(is_incomplete("x = 1 + \\"));
        assert!(!is_incomplete("x = f(1)"));
        assert!(!is_incomplete("x = ')'"));
        assert!(!is_incomplete("x = f(1))"));
        assert!(!is_incomplete("x = 'open"));
        assert!(!is_incomplete("# (\\"));
        assert!(!is_incomplete(""));
        assert!(is_incomplete("%%time"));
        assert!(is_incomplete("%%time\nx = 1"));
        assert!(!is_incomplete("%%time\nx = 1\n"));
        assert!(is_incomplete("def f(r):"));
        assert!(!is_incomplete("def f(r):\n    return r.a"));
    }

    #[test]
    fn a_time_cell_runs_to_the_blank_line() {
        let stmts = stmts("%%time\nx = 1\ny = 2\n\nz = 3");
        assert_eq!(stmts.len(), 2);
        let StmtKind::Command(Command::TimeCell { stmts: cell }) = &stmts[0].kind else {
            panic!("not a cell");
        };
        assert_eq!(cell.len(), 2);
        assert_eq!(
            error("%%time x = 1").0,
            "expected the cell on the lines after %%time, found \"x\""
        );
        assert!(
            error("%%time\n%time x")
                .0
                .contains("%%time cannot time another")
        );
    }

    /// A small deterministic generator, so the odd inputs are the same on every run.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, below: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % below.max(1)
        }
    }

    fn exercise(text: &str) {
        let source = source(text);
        match parse(&source) {
            Ok(stmts) => {
                let printed = print_all(&stmts);
                // What Display writes must parse again (set values are raw text, so skip them).
                if !printed.contains("set ")
                    && let Err(err) = parse(&Source::new("<printed>", printed.clone()))
                {
                    panic!("{text:?} printed as {printed:?} does not parse: {err}");
                }
            }
            Err(err) => {
                let _ = crate::error::report::render(&err, &source, false);
                let _ = crate::error::report::location(&err, &source);
            }
        }
        let _ = parse_expression(text);
        let _ = is_incomplete(text);
    }

    #[test]
    fn odd_inputs_never_panic() {
        let pieces = [
            "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "=", "==", "+", "-", "*", "**", "/",
            "//", "%", "&", "|", "^", "~", "<", "<=", "!=", "not", "in", "and", "or", "is", "if",
            "else", "for", "lambda", "import", "from", "as", "x", "df", "read", "head", "set",
            "help", "%time", "%timeit", "-n", "quit", "1", "1.5", "1e", "0x", "'s'", "\"", "'''",
            "r'", "f'", "\\", "\n", " ", "#", "$", "é", "😀", "...", ":=", "+=", "@", "None",
        ];
        let mut rng = Lcg(7);
        for _ in 0..3000 {
            let len = 1 + rng.next(10);
            let text: String = (0..len).map(|_| pieces[rng.next(pieces.len())]).collect();
            exercise(&text);
        }
        for text in ROUND_TRIP {
            for end in 0..=text.len() {
                if text.is_char_boundary(end) {
                    exercise(&text[..end]);
                }
            }
        }
        for byte in 0u8..128 {
            exercise(&(byte as char).to_string());
            exercise(&format!("x = f(a{})", byte as char));
        }
    }
}
