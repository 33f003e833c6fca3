//! AST to DataFusion plans. `Planner::eval` turns an expression into a `Value`: frames and series
//! become DataFusion `DataFrame`s and `Expr`s built through the DataFrame API, never SQL text.
//! Nothing here executes a query; `exec` does that when a value is printed.

pub mod asof;
pub mod cut;
pub mod divisions;
pub mod ewm;
pub mod frame;
pub mod function;
pub mod groupby;
pub mod index;
pub mod moments;
pub mod nullable;
pub mod ops;
pub mod order;
pub mod pairs;
pub mod pivot;
pub mod plot;
pub mod project;
pub mod query;
pub mod read;
pub mod resample;
pub mod rolling_apply;
pub mod schedule;
pub mod series;
pub mod sources;
pub mod streaming;
pub mod time_median;
pub mod udf;
pub mod upsample;
pub mod value;
pub mod verbs;
pub mod window;

use crate::error::span::Span;
use crate::error::{DdqError, Result, closest_match};
use crate::lang::ast::{Arg, Expr, ExprKind, Ident, Param};
use crate::plan::sources::Sources;
use crate::plan::value::{Accessor, Action, Frame, GroupBy, Lambda, Selection, Series, Value};
use crate::plan::verbs::{Args, Form, Receiver};
use datafusion::prelude::SessionContext;
use std::collections::HashMap;

/// Names that stand for Python modules in pasted notebook code (`dd.read_csv`, `pd.concat`).
pub const MODULES: &[&str] = &["dd", "pd", "dask", "np", "numpy", "pandas", "os"];

/// How many lambda parameters may be bound at once: far more than any notebook nests, few
/// enough that planning a recursive function stops long before the stack does.
const MAX_LAMBDA_LOCALS: usize = 64;

/// Methods of a pandas Index that give an Index again (`ddf.index.compute()`); the others give
/// what the same method of a series gives.
const INDEX_TO_INDEX: &[&str] = &[
    "compute",
    "persist",
    "copy",
    "unique",
    "drop_duplicates",
    "sort_values",
];

/// Python's built-in types, which pandas takes as dtypes (`str` and `object` are text).
const PYTHON_TYPES: &[&str] = &["str", "int", "float", "bool", "object"];

/// numpy's scalar types, which pandas takes as dtypes: `np.float64` is `"float64"`.
const NUMPY_TYPES: &[&str] = &[
    "float64",
    "float32",
    "int64",
    "int32",
    "bool_",
    "object_",
    "str_",
    "datetime64",
];

/// Evaluates expressions against the variables of a session.
pub struct Planner<'a> {
    pub ctx: &'a SessionContext,
    pub vars: &'a HashMap<String, Value>,
    /// Files and persisted frames, from the engine.
    pub sources: &'a dyn Sources,
    /// The scheduler a `.compute(scheduler=...)` in the statement asked for.
    scheduler: std::cell::Cell<Option<crate::config::scheduler::SchedulerKind>>,
    /// The parameters of the lambdas being applied, innermost last; they shadow `vars`.
    locals: std::cell::RefCell<Vec<(String, Value)>>,
    /// While a function runs once per group (`gb.col.transform(lambda x: x - x.mean())`,
    /// `gb.filter(lambda g: len(g) > 10)`): the groups' frame and their window, so that a
    /// reduction of that frame gives each row its group's value instead of one value.
    group_window: std::cell::RefCell<Option<(Frame, std::rc::Rc<window::Over>)>>,
    /// The groups a `gb.apply(func)` is planning `func` over (see [`Planner::apply_to_groups`]).
    applied_groups: std::cell::RefCell<Option<GroupBy>>,
}

impl<'a> Planner<'a> {
    pub fn new(
        ctx: &'a SessionContext,
        vars: &'a HashMap<String, Value>,
        sources: &'a dyn Sources,
    ) -> Self {
        Planner {
            ctx,
            vars,
            sources,
            scheduler: std::cell::Cell::new(None),
            locals: std::cell::RefCell::new(Vec::new()),
            group_window: std::cell::RefCell::new(None),
            applied_groups: std::cell::RefCell::new(None),
        }
    }

    /// Plans `gb.apply(lambda)`: the function is given the groups at once, its reductions their
    /// aggregations, and `len()` of them each group's rows (see [`Planner::is_applied_group`]).
    pub fn apply_to_groups(&self, lambda: &Lambda, gb: GroupBy) -> Result<Value> {
        let outer = self.applied_groups.replace(Some(gb.clone()));
        let result = self.apply_lambda(lambda, vec![Value::GroupBy(gb)]);
        self.applied_groups.replace(outer);
        result
    }

    /// Whether `gb` is the groups an enclosing `apply` gave its function.
    pub fn is_applied_group(&self, gb: &GroupBy) -> bool {
        let applied = self.applied_groups.borrow();
        applied.as_ref().is_some_and(|groups| {
            groups.frame.df.logical_plan() == gb.frame.df.logical_plan()
                && groups
                    .keys
                    .iter()
                    .map(|(_, name)| name)
                    .eq(gb.keys.iter().map(|(_, name)| name))
        })
    }

    /// Plans a function applied to each group of `gb` at once: inside it, reductions of the
    /// groups' frame are windows over the row's group (see [`Planner::group_window`]).
    /// `passed` follows `arg` in the call (a groupby `transform(f, 2, n=3)` calls `f(x, 2, n=3)`).
    pub fn apply_per_group(
        &self,
        lambda: &Lambda,
        gb: &GroupBy,
        arg: Value,
        passed: &function::Passed,
    ) -> Result<Value> {
        self.apply_per_group_over(lambda, gb, window::Over::groups(gb), (arg, passed))
    }

    /// [`Planner::apply_per_group`] with the groups' window given (`Over::small_groups` when
    /// no group has more than a few rows).
    pub fn apply_per_group_over(
        &self,
        lambda: &Lambda,
        gb: &GroupBy,
        over: window::Over,
        (arg, passed): (Value, &function::Passed),
    ) -> Result<Value> {
        let over = std::rc::Rc::new(over);
        let outer = self.group_window.replace(Some((gb.frame.clone(), over)));
        let (positional, keywords) = passed.after(arg);
        let result = self.call_function(lambda, positional, keywords);
        self.group_window.replace(outer);
        result
    }

    /// The window of the groups a per-group function is running over, when `frame` is their
    /// frame (see [`Planner::apply_per_group`]).
    pub fn group_window(&self, frame: &Frame) -> Option<std::rc::Rc<window::Over>> {
        let current = self.group_window.borrow();
        let (groups, over) = current.as_ref()?;
        // A reduction of a computed series (`(x - x.mean()).abs().mean()`) finds the groups'
        // frame grown by the hidden columns its windows were made into.
        window::grows(frame, groups).then(|| over.clone())
    }

    /// Plans a lambda's body with its parameters bound to `args`.
    pub fn apply_lambda(&self, lambda: &Lambda, args: Vec<Value>) -> Result<Value> {
        self.call_function(lambda, args, Vec::new())
            .map_err(|e| e.at(lambda.body.span))
    }

    /// Plans a function's body with a call's arguments bound to its parameters as Python binds
    /// them: `positional` in order, `keywords` by name, defaults for the rest. A binding error
    /// has no span unless a keyword is wrong: the caller knows where the call was written.
    pub fn call_function(
        &self,
        lambda: &Lambda,
        positional: Vec<Value>,
        keywords: Vec<(Ident, Value)>,
    ) -> Result<Value> {
        let bound = function::bind_arguments(lambda, positional, keywords)?;
        // Each application plans the body again; a function that calls itself would never stop.
        if self.locals.borrow().len() >= MAX_LAMBDA_LOCALS {
            return Err(DdqError::unsupported(
                "the function calls functions too deeply (is it calling itself?)",
            )
            .at(lambda.body.span)
            .with_help(
                "ddq plans a function's body as an expression: recursion is not supported",
            ));
        }
        let depth = self.locals.borrow().len();
        self.locals.borrow_mut().extend(bound);
        let result = self.eval(&lambda.body);
        self.locals.borrow_mut().truncate(depth);
        result
    }

    /// A `lambda` or `def` as a value: its defaults are evaluated now, where it is defined.
    fn function(&self, name: &Option<Ident>, params: &[Param], body: &Expr) -> Result<Value> {
        let mut defaults = Vec::with_capacity(params.len());
        for param in params {
            defaults.push(param.default.as_ref().map(|d| self.eval(d)).transpose()?);
        }
        let written: Vec<String> = params.iter().map(Param::to_string).collect();
        Ok(Value::Lambda(Box::new(Lambda {
            name: name.as_ref().map(|n| n.name.clone()),
            params: params.iter().map(|p| p.name.name.clone()).collect(),
            defaults,
            written: written.join(", "),
            body: body.clone(),
        })))
    }

    /// Records `compute(scheduler=...)`, for the session to run the statement there.
    pub fn request_scheduler(&self, scheduler: verbs::Arg) -> Result<()> {
        if let Some(kind) = series::scheduler_arg(scheduler)? {
            self.scheduler.set(Some(kind));
        }
        Ok(())
    }

    pub fn requested_scheduler(&self) -> Option<crate::config::scheduler::SchedulerKind> {
        self.scheduler.get()
    }

    pub fn eval(&self, expr: &Expr) -> Result<Value> {
        self.eval_shown(expr).map(Value::operand)
    }

    /// A statement's value as it is shown and bound to a name: `df.index` stays an Index,
    /// which the session prints as pandas' `Index([...])`; inside an expression it is an
    /// operand like any series ([`Planner::eval`]).
    pub fn eval_shown(&self, expr: &Expr) -> Result<Value> {
        self.eval_kind(expr).map_err(|e| e.at(expr.span))
    }

    fn eval_kind(&self, expr: &Expr) -> Result<Value> {
        match &expr.kind {
            ExprKind::Name(name) => self.eval_name(name),
            ExprKind::Int(i) => Ok(Value::Int(*i)),
            ExprKind::Float(f) => Ok(Value::Float(*f)),
            ExprKind::Str(s) => Ok(Value::Str(s.clone())),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::None => Ok(Value::None),
            ExprKind::List(items) => Ok(Value::List(self.eval_all(items)?)),
            ExprKind::Tuple(items) => Ok(Value::Tuple(self.eval_all(items)?)),
            ExprKind::Dict(pairs) => {
                let mut out = Vec::with_capacity(pairs.len());
                for (k, v) in pairs {
                    out.push((self.eval(k)?, self.eval(v)?));
                }
                Ok(Value::Dict(out))
            }
            ExprKind::Attr { value, name } => {
                let receiver = self.eval(value)?;
                self.attribute(receiver, &name.name, name.span)
                    .map_err(|e| e.at(name.span))
            }
            ExprKind::Subscript { value, index } => {
                let receiver = self.eval(value)?;
                let index_value = self.eval(index)?;
                self.subscript(receiver, index_value)
                    .map_err(|e| e.at(index.span))
            }
            ExprKind::Slice { lower, upper, step } => self.slice(lower, upper, step),
            ExprKind::Call { func, args } => self.call(func, args, expr.span),
            ExprKind::Unary { op, operand } => {
                let value = self.eval(operand)?;
                ops::unary(*op, value)
            }
            ExprKind::Binary { op, left, right } => {
                let l = self.eval(left)?;
                let r = self.eval(right)?;
                ops::binary(self, *op, l, r)
            }
            ExprKind::FString(parts) => self.fstring(parts),
            ExprKind::ListComp {
                element,
                names,
                iterable,
                condition,
            } => self.comprehension(element, names, iterable, condition.as_deref()),
            ExprKind::Lambda { name, params, body } => self.function(name, params, body),
        }
    }

    /// Python's string methods that take arguments, on plain text (`c.startswith("Dep")` in a
    /// comprehension over column names, `", ".join(names)`); `None` for other names.
    fn python_string_call(&self, text: &str, name: &str, args: &[Arg]) -> Result<Option<Value>> {
        if !matches!(
            name,
            "startswith" | "endswith" | "replace" | "split" | "join"
        ) {
            return Ok(None);
        }
        let values = args
            .iter()
            .map(|a| self.eval(&a.value))
            .collect::<Result<Vec<_>>>()?;
        let texts: Option<Vec<&str>> = values
            .iter()
            .map(|v| match v {
                Value::Str(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        let result = match (name, texts.as_deref(), values.as_slice()) {
            ("startswith", Some([prefix]), _) => Value::Bool(text.starts_with(prefix)),
            ("endswith", Some([suffix]), _) => Value::Bool(text.ends_with(suffix)),
            ("replace", Some([old, new]), _) => Value::Str(text.replace(old, new)),
            ("split", Some([]), _) => words(text.split_whitespace()),
            ("split", Some([separator]), _) => words(text.split(separator)),
            ("join", _, [Value::List(items) | Value::Tuple(items)]) => {
                let parts: Option<Vec<&str>> = items
                    .iter()
                    .map(|v| match v {
                        Value::Str(t) => Some(t.as_str()),
                        _ => None,
                    })
                    .collect();
                match parts {
                    Some(parts) => Value::Str(parts.join(text)),
                    None => return Err(DdqError::type_error("str.join takes a list of strings")),
                }
            }
            ("join", _, [Value::Columns(names)]) => Value::Str(names.join(text)),
            _ => {
                return Err(DdqError::type_error(format!(
                    "str.{name}() of plain text takes string arguments here"
                )));
            }
        };
        Ok(Some(result))
    }

    /// `"{0} - {1}".format(a, b)` of plain values (numbers, text), formatted now.
    fn str_format(&self, template: &str, args: &[Arg]) -> Result<Value> {
        let mut positional = Vec::new();
        let mut named = Vec::new();
        for arg in args {
            let value = self.eval(&arg.value)?;
            let plain = ops::plain(&value).ok_or_else(|| {
                DdqError::type_error(format!(
                    "str.format takes plain values here, not {}",
                    value.kind_name()
                ))
                .at(arg.value.span)
                .with_help("use an f-string, which also formats computed values: f\"{x:.2f}\"")
            })?;
            match &arg.name {
                Some(name) => named.push((name.name.clone(), plain)),
                None => positional.push(plain),
            }
        }
        let text = crate::types::format::format_template(template, &positional, &named)?;
        Ok(Value::Str(text))
    }

    /// `[element for names in iterable if condition]`: evaluated now, item by item, with the
    /// names bound as a lambda's parameters are; the items are plain values (a list, a tuple,
    /// `range()`, `df.columns`, a dict's keys).
    fn comprehension(
        &self,
        element: &Expr,
        names: &[crate::lang::ast::Ident],
        iterable: &Expr,
        condition: Option<&Expr>,
    ) -> Result<Value> {
        let items = match self.eval(iterable)? {
            Value::List(items) | Value::Tuple(items) => items,
            Value::Columns(names) => names.into_iter().map(Value::Str).collect(),
            Value::Dict(pairs) => pairs.into_iter().map(|(key, _)| key).collect(),
            Value::Str(text) => text.chars().map(|c| Value::Str(c.to_string())).collect(),
            other => {
                return Err(DdqError::type_error(format!(
                    "a comprehension runs over a list, a tuple, range(...) or df.columns, not {}",
                    other.kind_name()
                ))
                .at(iterable.span)
                .with_help(
                    "for the values of a column, use a series method such as `.map` or `.isin`",
                ));
            }
        };
        let mut out = Vec::new();
        for item in items {
            let bound = bind_names(names, item).map_err(|e| e.at(iterable.span))?;
            let depth = self.locals.borrow().len();
            self.locals.borrow_mut().extend(bound);
            let kept = match condition {
                None => Ok(true),
                Some(condition) => self
                    .eval(condition)
                    .and_then(|value| plain_truth(value, condition)),
            };
            let value = match kept {
                Ok(true) => self.eval(element).map(Some),
                Ok(false) => Ok(None),
                Err(e) => Err(e),
            };
            self.locals.borrow_mut().truncate(depth);
            out.extend(value?);
        }
        Ok(Value::List(out))
    }

    /// An f-string: formatted now when its fields are plain values, or kept as pieces for the
    /// session to format once it has computed the engine scalars among them.
    fn fstring(&self, parts: &[crate::lang::ast::FPart]) -> Result<Value> {
        use crate::lang::ast::FPart;
        use crate::plan::value::TextPiece;
        let mut pieces = Vec::with_capacity(parts.len());
        for part in parts {
            pieces.push(match part {
                FPart::Text(text) => TextPiece::Text(text.clone()),
                FPart::Field {
                    expr,
                    conversion,
                    spec,
                } => TextPiece::Field {
                    value: Box::new(self.eval(expr)?),
                    conversion: *conversion,
                    spec: spec.clone(),
                },
            });
        }
        let mut text = String::new();
        for piece in &pieces {
            match piece {
                TextPiece::Text(t) => text.push_str(t),
                TextPiece::Field {
                    value,
                    conversion,
                    spec,
                } => match ops::plain(value) {
                    Some(plain) => text.push_str(&crate::types::format::format_with(
                        &plain,
                        *conversion,
                        spec,
                    )?),
                    None => return Ok(Value::Text(pieces)),
                },
            }
        }
        Ok(Value::Str(text))
    }

    fn eval_all(&self, items: &[Expr]) -> Result<Vec<Value>> {
        items.iter().map(|e| self.eval(e)).collect()
    }

    /// `a:b:c`: positions when the bounds are integers, labels (for `.loc`) when they are
    /// strings or floats.
    fn slice(
        &self,
        lower: &Option<Box<Expr>>,
        upper: &Option<Box<Expr>>,
        step: &Option<Box<Expr>>,
    ) -> Result<Value> {
        let bound = |b: &Option<Box<Expr>>| -> Result<Option<Value>> {
            b.as_ref()
                .map(|e| self.eval(e))
                .transpose()
                .map(|v| v.filter(|v| !matches!(v, Value::None)))
        };
        let (a, b) = (bound(lower)?, bound(upper)?);
        let is_label = |v: &Option<Value>| matches!(v, Some(Value::Str(_) | Value::Float(_)));
        if step.is_none() && (is_label(&a) || is_label(&b)) {
            return Ok(Value::LabelSlice(a.map(Box::new), b.map(Box::new)));
        }
        Ok(Value::Slice(
            self.slice_bound(lower)?,
            self.slice_bound(upper)?,
            self.slice_bound(step)?,
        ))
    }

    fn slice_bound(&self, bound: &Option<Box<Expr>>) -> Result<Option<i64>> {
        match bound {
            None => Ok(None),
            Some(e) => match self.eval(e)? {
                Value::Int(i) => Ok(Some(i)),
                Value::None => Ok(None),
                other => Err(DdqError::type_error(format!(
                    "slice bounds must be integers, not {}",
                    other.kind_name()
                ))
                .at(e.span)),
            },
        }
    }

    /// The value a name has here (a lambda's parameter or a session variable).
    pub fn variable(&self, name: &str) -> Result<Value> {
        self.eval_name(name)
    }

    fn eval_name(&self, name: &str) -> Result<Value> {
        let local = self
            .locals
            .borrow()
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone());
        if let Some(value) = local {
            return Ok(value);
        }
        if let Some(value) = self.vars.get(name) {
            return Ok(value.clone());
        }
        if MODULES.contains(&name) {
            return Ok(Value::Module(name.to_string()));
        }
        // `dtype={"TailNum": str}`, `astype(float)`: Python's types stand for their dtypes.
        if PYTHON_TYPES.contains(&name) {
            return Ok(Value::Str(name.to_string()));
        }
        if verbs::find(Receiver::Function, name).is_some() {
            return Err(DdqError::type_error(format!(
                "`{name}` is a function: call it as `{name}(...)`"
            )));
        }
        let candidates: Vec<&str> = self
            .vars
            .keys()
            .map(String::as_str)
            .chain(verbs::verbs_for(Receiver::Function).map(|v| v.name))
            .collect();
        let mut err = DdqError::unknown(format!("name `{name}` is not defined"));
        if let Some(best) = closest_match(name, candidates) {
            err = err.with_help(format!("did you mean `{best}`?"));
        } else if !self.vars.is_empty() {
            let mut names: Vec<&String> = self.vars.keys().collect();
            names.sort();
            let listed: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
            err = err.with_help(format!("defined: {}", listed.join(", ")));
        } else {
            err = err.with_help(
                "read data first, e.g. `ddf = read_csv(\"data/nycflights/*.csv\")`".to_string(),
            );
        }
        Err(err)
    }

    /// `frame[column] = value`: the frame with the column added or replaced, as `assign` makes.
    pub fn assign_column(&self, frame: &Ident, column: &Expr, value: &Expr) -> Result<Value> {
        let Value::Frame(target) = self.eval_name(&frame.name).map_err(|e| e.at(frame.span))?
        else {
            return Err(DdqError::type_error(format!(
                "`{}[...] = ...` sets a column of a frame, and `{}` is not one",
                frame.name, frame.name
            ))
            .at(frame.span));
        };
        let Value::Str(name) = self.eval(column)? else {
            return Err(DdqError::type_error("a column to set is named by a string")
                .at(column.span)
                .with_help("write `df[\"new\"] = ...`"));
        };
        let assigned = self.eval(value)?;
        let key = Ident {
            name,
            span: column.span,
        };
        frame::assign(&target, &[(key, assigned)])
    }

    /// `a, b = value`: the items of a tuple or list, as many as there are names.
    pub fn unpack(&self, value: &Expr, count: usize) -> Result<Vec<Value>> {
        let items = match self.eval(value)? {
            Value::Tuple(items) | Value::List(items) => items,
            Value::Columns(names) => names.into_iter().map(Value::Str).collect(),
            other => {
                return Err(DdqError::type_error(format!(
                    "cannot unpack {} into {count} names",
                    other.kind_name()
                ))
                .at(value.span));
            }
        };
        if items.len() != count {
            let (what, n) = if items.len() < count {
                ("not enough", items.len())
            } else {
                ("too many", items.len())
            };
            return Err(DdqError::type_error(format!(
                "{what} values to unpack (expected {count}, got {n})"
            ))
            .at(value.span));
        }
        Ok(items)
    }

    /// `value.name`: a frame's column or a groupby's selection first, as in pandas, then the
    /// registry's attributes of the value's kind.
    fn attribute(&self, receiver: Value, name: &str, span: Span) -> Result<Value> {
        match &receiver {
            Value::Frame(frame) if frame.columns().iter().any(|c| c == name) => {
                return Ok(Value::Series(column_series(frame, name)?));
            }
            Value::GroupBy(gb) if gb.frame.columns().iter().any(|c| c == name) => {
                return groupby::attribute(gb.clone(), name);
            }
            Value::GroupBy(gb) if verbs::find(Receiver::GroupBy, name).is_none() => {
                return groupby::attribute(gb.clone(), name);
            }
            // `df.rolling("2D").DepDelay`: the window over one column.
            Value::Rolling(rolling) => {
                if let Value::Frame(frame) = &rolling.target
                    && frame.columns().iter().any(|c| c == name)
                {
                    return rolling_column(rolling, frame, name);
                }
            }
            Value::Module(module)
                if matches!(module.as_str(), "np" | "numpy") && NUMPY_TYPES.contains(&name) =>
            {
                return Ok(Value::Str(name.trim_end_matches('_').to_string()));
            }
            // `str.lower` (e.g. `rename(columns=str.lower)`): the method as a function.
            Value::Str(python_type)
                if python_type == "str" && python_string_method("", name).is_some() =>
            {
                return Ok(Value::Lambda(Box::new(function::method_function(
                    name, name, span,
                ))));
            }
            Value::Module(module) if module_constant(module, name, span).is_some() => {
                return Ok(module_constant(module, name, span).unwrap_or(Value::None));
            }
            Value::Module(module) => {
                return Err(DdqError::type_error(format!(
                    "`{module}.{name}` is not something ddq evaluates on its own; call a function such as `{module}.read_csv(...)`"
                )));
            }
            _ => {}
        }
        let kind = receiver_of(&receiver, "attribute", name)?;
        match verbs::find_as(kind, name, Form::Attribute).or_else(|| verbs::find(kind, name)) {
            Some(verb) if verb.form == Form::Attribute => {
                (verb.plan)(self, receiver, &Args::none(verb, span))
            }
            Some(_) => Err(DdqError::type_error(format!(
                "`{name}` is a method: call it as `{name}()`"
            ))),
            None => Err(unknown_attribute(&receiver, kind, name)),
        }
    }

    fn subscript(&self, receiver: Value, index: Value) -> Result<Value> {
        match receiver {
            Value::Frame(frame) => frame::subscript(self, frame, index),
            Value::Series(series) => series::subscript(self, series, index),
            Value::GroupBy(gb) => groupby::select(gb, index),
            Value::Rolling(rolling) => match (&rolling.target, &index) {
                (Value::Frame(frame), Value::Str(name)) => rolling_column(&rolling, frame, name),
                _ => Err(DdqError::type_error(
                    "a rolling window of a frame is indexed by one column name",
                )),
            },
            Value::Accessor(Accessor::Loc(frame)) => frame::loc(self, frame, index),
            Value::Accessor(Accessor::Iloc(frame)) => {
                let index = frame::called_indexers(self, &frame, index)?;
                frame::iloc(frame, index)
            }
            Value::Accessor(Accessor::SeriesLoc(s)) => index::series_rows(self, s, index, true),
            Value::Accessor(Accessor::SeriesIloc(s)) => index::series_rows(self, s, index, false),
            Value::Accessor(Accessor::Partitions(frame)) => frame::partition(frame, index),
            str_accessor @ Value::Accessor(Accessor::Str(_)) => {
                verbs::strings::subscript(str_accessor, index)
            }
            Value::List(items) => index_sequence(items, index, Value::List),
            Value::Tuple(items) => index_sequence(items, index, Value::Tuple),
            Value::Columns(names) => {
                let names = names.into_iter().map(Value::Str).collect();
                index_sequence(names, index, |items| {
                    let names = items.into_iter().filter_map(|v| match v {
                        Value::Str(name) => Some(name),
                        _ => None,
                    });
                    Value::Columns(names.collect())
                })
            }
            Value::Dict(pairs) => pairs
                .into_iter()
                .find(|(k, _)| ops::literal_eq(k, &index))
                .map(|(_, v)| v)
                .ok_or_else(|| DdqError::unknown("key not found in dict")),
            other => Err(DdqError::type_error(format!(
                "{} cannot be indexed with [...]",
                other.kind_name()
            ))),
        }
    }

    fn call(&self, func: &Expr, args: &[Arg], span: Span) -> Result<Value> {
        let function_name = self.function_name(func);
        if let Some((name, name_span)) = function_name {
            let verb = verbs::find(Receiver::Function, &name)
                .ok_or_else(|| verbs::unknown_verb(Receiver::Function, &name, &[]).at(name_span))?;
            let args = self.bind(verb, args, span)?;
            return (verb.plan)(self, Value::None, &args);
        }
        let ExprKind::Attr { value, name } = &func.kind else {
            let callee = self.eval(func)?;
            if let Value::Lambda(lambda) = &callee {
                return self.call_lambda(lambda, args, span);
            }
            return Err(
                DdqError::type_error(format!("{} is not callable", callee.kind_name()))
                    .at(func.span),
            );
        };
        let shown = self.eval_shown(value)?;
        let keeps_index =
            matches!(shown, Value::Index(_)) && INDEX_TO_INDEX.contains(&name.name.as_str());
        let receiver = shown.operand();
        if let (Value::Str(text), true) = (&receiver, args.is_empty())
            && let Some(changed) = python_string_method(text, &name.name)
        {
            return Ok(Value::Str(changed));
        }
        if let (Value::Str(template), "format") = (&receiver, name.name.as_str()) {
            return self.str_format(template, args).map_err(|e| e.at(name.span));
        }
        if let Value::Str(text) = &receiver
            && let Some(result) = self.python_string_call(text, &name.name, args)?
        {
            return Ok(result);
        }
        let receiver_kind =
            receiver_of(&receiver, "method", &name.name).map_err(|e| e.at(name.span))?;
        let verb = verbs::find_as(receiver_kind, &name.name, Form::Method).ok_or_else(|| {
            self.unknown_method(&receiver, receiver_kind, &name.name)
                .at(name.span)
        })?;
        let args = self.bind(verb, args, span)?;
        match (verb.plan)(self, receiver, &args).map_err(|e| e.at(name.span))? {
            Value::Series(series) if keeps_index => Ok(Value::Index(series)),
            other => Ok(other),
        }
    }

    /// The function a call names, if it names one: `name(...)` for a name that is not a
    /// variable, `dd.name(...)` for a module's function, and a registry function spelled with
    /// its module path (`dask.config.set`, `os.path.join`).
    /// `f(x, y, n=2)` for a lambda or `def` bound to a name.
    fn call_lambda(&self, lambda: &Lambda, args: &[Arg], span: Span) -> Result<Value> {
        let mut positional = Vec::with_capacity(args.len());
        let mut keywords = Vec::new();
        for arg in args {
            let value = self.eval(&arg.value)?;
            match &arg.name {
                Some(name) => keywords.push((name.clone(), value)),
                None => positional.push(value),
            }
        }
        self.call_function(lambda, positional, keywords)
            .map_err(|e| e.at(span))
    }

    fn function_name(&self, func: &Expr) -> Option<(String, Span)> {
        let mut parts = Vec::new();
        let mut at = func;
        while let ExprKind::Attr { value, name } = &at.kind {
            parts.push(name);
            at = value;
        }
        let ExprKind::Name(root) = &at.kind else {
            return None;
        };
        if self.vars.contains_key(root) || self.locals.borrow().iter().any(|(n, _)| n == root) {
            return None;
        }
        // numpy's functions are registered under the name notebooks import it as.
        let root = if root == "numpy" { "np" } else { root.as_str() };
        match parts.as_slice() {
            [] => Some((root.to_string(), func.span)),
            _ if !MODULES.contains(&root) => None,
            [name]
                if verbs::find(Receiver::Function, &format!("{root}.{}", name.name)).is_none() =>
            {
                Some((name.name.clone(), name.span))
            }
            _ => {
                let path: Vec<&str> = parts.iter().rev().map(|n| n.name.as_str()).collect();
                Some((format!("{root}.{}", path.join(".")), func.span))
            }
        }
    }

    fn unknown_method(&self, receiver: &Value, kind: Receiver, name: &str) -> DdqError {
        if let Some(verb) = verbs::find(kind, name) {
            return DdqError::type_error(format!(
                "`{name}` is an attribute, not a method: write `{}` without parentheses",
                verb.signature
            ));
        }
        let columns = match receiver {
            Value::Frame(f) => f.columns(),
            _ => vec![],
        };
        verbs::unknown_verb(kind, name, &columns)
    }

    fn bind(&self, verb: &'static verbs::Verb, args: &[Arg], span: Span) -> Result<Args> {
        let mut positional = Vec::new();
        let mut keywords = Vec::new();
        for arg in args {
            let value = self.eval(&arg.value)?;
            match &arg.name {
                Some(ident) => keywords.push((ident.clone(), value)),
                None => positional.push((value, arg.value.span)),
            }
        }
        Args::bind(verb, positional, keywords, span)
    }
}

/// The error for an attribute a value does not have. On a frame a near-miss of a column is
/// the likelier typo than a near-miss of a method.
fn unknown_attribute(receiver: &Value, kind: Receiver, name: &str) -> DdqError {
    let Value::Frame(frame) = receiver else {
        return verbs::unknown_verb(kind, name, &[]);
    };
    if closest_match(name, frame.columns().iter().map(String::as_str)).is_some() {
        return unknown_column(name, frame);
    }
    let err = verbs::unknown_verb(kind, name, &[]);
    if err.help.is_some() {
        err
    } else {
        unknown_column(name, frame)
    }
}

/// Which registry receiver a value's methods (or attributes: `what`) come from.
fn receiver_of(value: &Value, what: &str, name: &str) -> Result<Receiver> {
    Ok(match value {
        Value::Frame(_) => Receiver::Frame,
        Value::Series(_) => Receiver::Series,
        Value::GroupBy(_) => Receiver::GroupBy,
        Value::Accessor(Accessor::Dt(_)) => Receiver::Dt,
        Value::Accessor(Accessor::Str(_)) => Receiver::Str,
        Value::Accessor(Accessor::Cat(_)) => Receiver::Cat,
        Value::Accessor(Accessor::Plot(_)) => Receiver::Plot,
        Value::Scalar(_) => Receiver::Scalar,
        Value::Rolling(_) => Receiver::Rolling,
        Value::Action(action) if matches!(&**action, Action::Schedule(request) if request.is_client) => {
            Receiver::Client
        }
        other => {
            return Err(DdqError::type_error(format!(
                "{} has no {what} `{name}`",
                other.kind_name()
            )));
        }
    })
}

/// `items[i]`, or `items[a:b:c]` as the same kind of sequence (`rebuild`).
fn index_sequence(
    items: Vec<Value>,
    index: Value,
    rebuild: fn(Vec<Value>) -> Value,
) -> Result<Value> {
    if let Value::Slice(start, stop, step) = index {
        let positions = frame::slice_positions(items.len() as i64, start, stop, step)?;
        let mut items: Vec<Option<Value>> = items.into_iter().map(Some).collect();
        let taken = positions.iter().filter_map(|&p| items[p as usize].take());
        return Ok(rebuild(taken.collect()));
    }
    let Value::Int(i) = index else {
        return Err(DdqError::type_error(format!(
            "list indices must be integers, not {}",
            index.kind_name()
        )));
    };
    let len = items.len() as i64;
    let position = if i < 0 { len + i } else { i };
    if position < 0 || position >= len {
        return Err(DdqError::type_error(format!(
            "index {i} is out of range for a list of {len}"
        )));
    }
    Ok(items
        .into_iter()
        .nth(position as usize)
        .unwrap_or(Value::None))
}

/// Reads a value as a list of column names: a string, a list of strings or a `df.columns` Index.
pub fn column_names(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Str(s) => Some(vec![s.clone()]),
        Value::Columns(names) => Some(names.clone()),
        Value::List(items) | Value::Tuple(items) => items
            .iter()
            .map(|v| match v {
                Value::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// The error for a column that does not exist, with a did-you-mean over the frame's columns.
/// A frame's window narrowed to one of its columns (`df.rolling(3)["a"]`), the same window.
fn rolling_column(rolling: &value::Rolling, frame: &Frame, name: &str) -> Result<Value> {
    Ok(Value::Rolling(Box::new(value::Rolling {
        target: Value::Series(column_series(frame, name)?),
        ..rolling.clone()
    })))
}

pub fn unknown_column(name: &str, frame: &Frame) -> DdqError {
    let columns = frame.columns();
    let err = DdqError::unknown(format!("column `{name}` not found"));
    match closest_match(name, columns.iter().map(String::as_str)) {
        Some(best) => err.with_help(format!("did you mean `{best}`?")),
        None => err.with_help(format!("columns: {}", columns.join(", "))),
    }
}

/// Checks that every name is a visible column of the frame.
pub fn check_columns(frame: &Frame, names: &[String]) -> Result<()> {
    let columns = frame.columns();
    for name in names {
        if !columns.contains(name) {
            return Err(unknown_column(name, frame));
        }
    }
    Ok(())
}

/// A groupby's selection applied to a frame (for messages and key/value splits).
pub fn selection_columns(gb: &GroupBy) -> Vec<String> {
    let keys: Vec<&String> = gb.keys.iter().map(|(_, n)| n).collect();
    match &gb.selection {
        Selection::All => gb
            .frame
            .value_columns()
            .into_iter()
            .filter(|c| !keys.contains(&c))
            .collect(),
        Selection::Series(c) => vec![c.clone()],
        Selection::Columns(cs) => cs.clone(),
    }
}

/// A series over a frame's column.
pub fn column_series(frame: &Frame, name: &str) -> Result<Series> {
    if !frame.columns().iter().any(|c| c == name) {
        return Err(unknown_column(name, frame));
    }
    Ok(Series {
        frame: frame.clone(),
        expr: value::column(name),
        name: value::display_name(name).to_string(),
        categories: crate::plan::cut::column_categories(frame, name),
    })
}

/// numpy's and pandas' constants for a missing or infinite value (`np.nan`, `pd.NA`, `np.inf`).
fn module_constant(module: &str, name: &str, span: Span) -> Option<Value> {
    match (module, name) {
        ("np" | "numpy", "nan" | "NaN" | "NAN") => Some(Value::Float(f64::NAN)),
        ("np" | "numpy", "inf" | "Inf") => Some(Value::Float(f64::INFINITY)),
        ("math", "nan") => Some(Value::Float(f64::NAN)),
        ("math", "inf") => Some(Value::Float(f64::INFINITY)),
        ("pd" | "pandas", "NA" | "NaT") => Some(Value::None),
        ("np" | "numpy", function) => function::numpy_function(function, span)
            .map(|f| Value::Lambda(Box::new(f)))
            .or_else(|| numpy_function_name(function).map(|n| Value::Str(n.into()))),
        _ => None,
    }
}

/// Pieces of text as a Python list of strings.
fn words<'t>(pieces: impl Iterator<Item = &'t str>) -> Value {
    Value::List(pieces.map(|p| Value::Str(p.to_string())).collect())
}

/// A comprehension's names bound to one item: the item itself, or its parts (`for a, b in`).
fn bind_names(names: &[crate::lang::ast::Ident], item: Value) -> Result<Vec<(String, Value)>> {
    if let [one] = names {
        return Ok(vec![(one.name.clone(), item)]);
    }
    match item {
        Value::Tuple(parts) | Value::List(parts) if parts.len() == names.len() => {
            Ok(names.iter().map(|n| n.name.clone()).zip(parts).collect())
        }
        other => Err(DdqError::type_error(format!(
            "cannot unpack {} into {} names",
            other.kind_name(),
            names.len()
        ))),
    }
}

/// Whether a comprehension's `if` holds: Python's truth of a plain value.
fn plain_truth(value: Value, condition: &Expr) -> Result<bool> {
    match value {
        Value::Bool(b) => Ok(b),
        Value::Int(i) => Ok(i != 0),
        Value::Float(x) => Ok(x != 0.0),
        Value::Str(text) => Ok(!text.is_empty()),
        Value::None => Ok(false),
        Value::List(items) | Value::Tuple(items) => Ok(!items.is_empty()),
        other => Err(DdqError::type_error(format!(
            "a comprehension's `if` needs a plain value, not {}",
            other.kind_name()
        ))
        .at(condition.span)
        .with_help("filter rows with a boolean series instead: `df[df.a > 0]`")),
    }
}

/// The pandas name of a numpy reduction passed as a value (`agg([np.sum, np.mean])`,
/// `aggfunc=np.sum`), which pandas itself maps to its own method of that name. Element-wise
/// functions are functions ([`function::numpy_function`]).
fn numpy_function_name(function: &str) -> Option<&'static str> {
    Some(match function {
        "sum" | "nansum" => "sum",
        "mean" | "nanmean" => "mean",
        "std" | "nanstd" => "std",
        "var" | "nanvar" => "var",
        "min" | "nanmin" | "amin" => "min",
        "max" | "nanmax" | "amax" => "max",
        "median" | "nanmedian" => "median",
        "prod" | "nanprod" | "product" => "prod",
        _ => return None,
    })
}

/// Python's methods of a string that take no arguments, applied to `text` (`"Dest".lower()`);
/// `None` for other names.
fn python_string_method(text: &str, name: &str) -> Option<String> {
    let capitalized = |word: &str| {
        let mut chars = word.chars();
        chars.next().map_or(String::new(), |first| {
            first
                .to_uppercase()
                .chain(chars.flat_map(char::to_lowercase))
                .collect()
        })
    };
    Some(match name {
        "lower" | "casefold" => text.to_lowercase(),
        "upper" => text.to_uppercase(),
        "strip" => text.trim().to_string(),
        "lstrip" => text.trim_start().to_string(),
        "rstrip" => text.trim_end().to_string(),
        "capitalize" => capitalized(text),
        "title" => text
            .split(' ')
            .map(capitalized)
            .collect::<Vec<_>>()
            .join(" "),
        _ => return None,
    })
}
