//! The one registry of verbs: every method, attribute and function ddq understands. A verb's
//! row holds the receivers it applies to, its parameters, help text, an example with the output
//! it prints, and the function that plans it; the rows live with their planning functions in
//! one file per group of `help` (`reading`, `inspecting`, ... and the `.dt` and `.str`
//! accessors). The planner binds call arguments against a row and calls its function; help,
//! completion and the examples test are generated from the same rows, so none can disagree.

mod aggregating;
mod applying;
mod builtins;
mod categorical;
pub mod conditional;
mod dask;
mod dt;
mod functions;
mod grouping;
mod indexing;
mod inspecting;
mod numpy;
mod operators;
mod plotting;
mod reading;
mod reshaping;
mod selecting;
mod statistics;
pub mod strings;
mod transforming;
mod windowing;

use crate::error::span::Span;
use crate::error::{DdqError, Result, closest_match};
use crate::lang::ast::Ident;
use crate::plan::Planner;
use crate::plan::value::Value;

/// What a verb is called on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receiver {
    /// A top-level function: `read_csv(...)`, `len(...)`, also reachable as `dd.read_csv`.
    Function,
    Frame,
    Series,
    GroupBy,
    Dt,
    Str,
    /// `s.cat` of a categorical series.
    Cat,
    Scalar,
    Rolling,
    /// `s.plot` and `df.plot`, whose methods name the kind of plot.
    Plot,
    /// What `Client(...)` gave: `client.persist(df)`, `client.compute(x)`.
    Client,
}

impl Receiver {
    pub fn describe(self) -> &'static str {
        match self {
            Receiver::Function => "function",
            Receiver::Frame => "frame",
            Receiver::Series => "series",
            Receiver::GroupBy => "groupby",
            Receiver::Dt => ".dt",
            Receiver::Str => ".str",
            Receiver::Cat => ".cat",
            Receiver::Scalar => "scalar",
            Receiver::Rolling => "rolling",
            Receiver::Plot => ".plot",
            Receiver::Client => "client",
        }
    }
}

/// Whether a verb is called (`df.head()`) or read as an attribute (`df.shape`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Method,
    Attribute,
}

pub struct Verb {
    pub name: &'static str,
    pub receivers: &'static [Receiver],
    pub form: Form,
    /// Parameter names in positional order; keyword arguments must be among them.
    pub params: &'static [&'static str],
    pub signature: &'static str,
    pub summary: &'static str,
    /// A complete ddq statement over the sample data (`ddf` is the nycflights frame).
    pub example: &'static str,
    /// What the example prints as CSV (`ddq --format csv`); the examples test checks it.
    pub expected: &'static str,
    /// Plans a call: the receiver (`Value::None` for a top-level function) and the arguments.
    pub plan: PlanFn,
    /// Heading under which `help` lists the verb.
    pub group: &'static str,
}

/// The function that plans a verb.
pub type PlanFn = fn(&Planner, Value, &Args) -> Result<Value>;

/// The receivers of reductions such as `sum`.
const REDUCTION: &[Receiver] = &[
    Receiver::Frame,
    Receiver::Series,
    Receiver::GroupBy,
    Receiver::Rolling,
];

/// Every group's rows, in the order `help` lists the groups.
const GROUPS: &[&[Verb]] = &[
    reading::VERBS,
    inspecting::VERBS,
    builtins::VERBS,
    dask::VERBS,
    selecting::VERBS,
    transforming::VERBS,
    operators::VERBS,
    conditional::VERBS,
    aggregating::VERBS,
    grouping::VERBS,
    reshaping::VERBS,
    statistics::VERBS,
    windowing::VERBS,
    indexing::VERBS,
    applying::VERBS,
    plotting::VERBS,
    dt::VERBS,
    strings::VERBS,
    categorical::VERBS,
    functions::VERBS,
    numpy::VERBS,
];

/// Every verb, in registry order.
pub fn all() -> impl Iterator<Item = &'static Verb> {
    GROUPS.iter().flat_map(|group| group.iter())
}

/// The error for a verb called on a receiver it does not apply to (the planner only calls a
/// verb's function for the receivers its row lists, so this names an internal mismatch).
pub fn wrong_receiver(args: &Args, receiver: &Value) -> DdqError {
    DdqError::type_error(format!(
        "{}() does not apply to {}",
        args.verb().name,
        receiver.kind_name()
    ))
    .at(args.call_span)
}

/// The verbs that apply to a receiver, in registry order.
pub fn verbs_for(receiver: Receiver) -> impl Iterator<Item = &'static Verb> {
    all().filter(move |v| v.receivers.contains(&receiver))
}

pub fn find(receiver: Receiver, name: &str) -> Option<&'static Verb> {
    verbs_for(receiver).find(|v| v.name == name)
}

/// The verb of this name and form (`s.plot` the accessor, `s.plot()` the call).
pub fn find_as(receiver: Receiver, name: &str, form: Form) -> Option<&'static Verb> {
    verbs_for(receiver).find(|v| v.name == name && v.form == form)
}

/// All verbs with this name, on any receiver (for `help NAME`).
pub fn named(name: &str) -> Vec<&'static Verb> {
    all().filter(|v| v.name == name).collect()
}

/// pandas methods ddq does not have, with what to write instead.
const PANDAS_ALTERNATIVES: &[(&str, &str)] = &[
    (
        "ewm",
        "exponentially weighted windows are not supported; rolling(n) is",
    ),
    (
        "to_numpy",
        "compute() the frame or series; ddq has no arrays",
    ),
    ("values", "compute() the frame or series; ddq has no arrays"),
    ("tolist", "compute() prints the values"),
    ("to_list", "compute() prints the values"),
    (
        "iterrows",
        "express the computation over columns (or a lambda with apply(axis=1))",
    ),
    (
        "itertuples",
        "express the computation over columns (or a lambda with apply(axis=1))",
    ),
    (
        "applymap",
        "apply a lambda per column: df.assign(col=lambda d: ...)",
    ),
    (
        "from_pandas",
        "there are no pandas frames in memory here: read the file the frame came from with read_csv(...) or read_parquet(...)",
    ),
    (
        "reindex",
        "set_index(...) and sort_index() set and order the index",
    ),
    (
        "pd.offsets.MonthEnd",
        "name month ends by their alias, e.g. `s.resample(\"ME\").last()`",
    ),
];

/// The error for a method or attribute that the receiver does not have, with a did-you-mean
/// and, when another kind of value has it, which one.
pub fn unknown_verb(receiver: Receiver, name: &str, extra: &[String]) -> DdqError {
    let elsewhere: Vec<&str> = all()
        .filter(|v| v.name == name)
        .flat_map(|v| v.receivers.iter().map(|r| r.describe()))
        .collect();
    let mut err = DdqError::unknown(format!(
        "{} has no attribute or method `{name}`",
        article(receiver)
    ));
    if !elsewhere.is_empty() {
        return err.with_help(format!("`{name}` applies to: {}", elsewhere.join(", ")));
    }
    if let Some((_, instead)) = PANDAS_ALTERNATIVES.iter().find(|(n, _)| *n == name) {
        return err.with_help(format!("ddq does not have pandas' `{name}`; {instead}"));
    }
    let candidates: Vec<&str> = verbs_for(receiver)
        .map(|v| v.name)
        .chain(extra.iter().map(String::as_str))
        .collect();
    err = err.suggest(name, candidates);
    err
}

fn article(receiver: Receiver) -> String {
    match receiver {
        Receiver::Function => "ddq".into(),
        Receiver::Dt => "a .dt accessor".into(),
        Receiver::Str => "a .str accessor".into(),
        Receiver::Cat => "a .cat accessor".into(),
        Receiver::Rolling => "a rolling window".into(),
        Receiver::Plot => "a .plot accessor".into(),
        Receiver::Client => "a Client".into(),
        other => format!("a {}", other.describe()),
    }
}

/// Call arguments matched to a verb's parameters. A verb's planning function takes them in
/// the order of its signature (`let [n, frac] = args.params()?;`), each an [`Arg`] with typed
/// readers, so no verb looks an argument up by its name.
pub struct Args {
    verb: &'static Verb,
    /// One slot per parameter, in the verb's order: the value given and where.
    slots: Vec<Option<(Value, Span)>>,
    /// Keyword arguments of verbs that take arbitrary names (`assign`).
    pub extra: Vec<(Ident, Value)>,
    pub call_span: Span,
}

impl Args {
    pub fn bind(
        verb: &'static Verb,
        positional: Vec<(Value, Span)>,
        keywords: Vec<(Ident, Value)>,
        call_span: Span,
    ) -> Result<Args> {
        // A `**name` parameter takes keywords of any name (`assign(col=...)`, named `agg`).
        let open_keywords = verb.params.iter().any(|p| p.starts_with("**"));
        let positional = collect_star_args(verb, positional);
        if positional.len() > verb.params.len() {
            let (_, span) = &positional[verb.params.len()];
            return Err(DdqError::type_error(format!(
                "{}() takes at most {} positional argument{}, got {}",
                verb.name,
                verb.params.len(),
                if verb.params.len() == 1 { "" } else { "s" },
                positional.len()
            ))
            .at(*span)
            .with_help(format!("usage: {}", verb.signature)));
        }
        let mut slots: Vec<Option<(Value, Span)>> = vec![None; verb.params.len()];
        for (slot, given) in slots.iter_mut().zip(positional) {
            *slot = Some(given);
        }
        let mut extra = Vec::new();
        for (ident, value) in keywords {
            match verb.params.iter().position(|p| *p == ident.name) {
                Some(i) if slots[i].is_some() => {
                    return Err(DdqError::type_error(format!(
                        "{}() got multiple values for argument `{}`",
                        verb.name, ident.name
                    ))
                    .at(ident.span));
                }
                Some(i) => slots[i] = Some((value, ident.span)),
                None if open_keywords => extra.push((ident, value)),
                None => return Err(unsupported_keyword(verb, &ident)),
            }
        }
        Ok(Args {
            verb,
            slots,
            extra,
            call_span,
        })
    }

    /// No arguments, for a verb read as an attribute (`df.shape`).
    pub fn none(verb: &'static Verb, call_span: Span) -> Args {
        Args {
            verb,
            slots: vec![None; verb.params.len()],
            extra: Vec::new(),
            call_span,
        }
    }

    /// The arguments in the order of the verb's parameters. `N` is the number of parameters
    /// the verb's row lists; the examples test calls every verb, so a mismatch cannot hide.
    pub fn params<const N: usize>(&self) -> Result<[Arg<'_>; N]> {
        if N != self.slots.len() {
            return Err(DdqError::execution(format!(
                "internal error: {}() reads {N} arguments but its signature has {}",
                self.verb.name,
                self.slots.len()
            )));
        }
        Ok(std::array::from_fn(|i| Arg {
            name: self.verb.params[i],
            given: self.slots[i].as_ref(),
            verb: self.verb,
            call_span: self.call_span,
        }))
    }

    pub fn verb(&self) -> &'static Verb {
        self.verb
    }
}

/// One argument of a call, bound to a parameter of the verb's signature: its value if given,
/// typed readers, and errors that point at it.
#[derive(Clone, Copy)]
pub struct Arg<'a> {
    name: &'static str,
    given: Option<&'a (Value, Span)>,
    verb: &'static Verb,
    call_span: Span,
}

impl<'a> Arg<'a> {
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The value as given; `None` when the argument was left out.
    pub fn value(&self) -> Option<&'a Value> {
        self.given.map(|(value, _)| value)
    }

    /// The value, or `None` when it was left out or given as Python's `None`.
    pub fn given(&self) -> Option<&'a Value> {
        self.value().filter(|v| !matches!(v, Value::None))
    }

    pub fn is_given(&self) -> bool {
        self.given.is_some()
    }

    /// The same parameter as if the call had left it out, for a verb that answers part of a
    /// request itself and passes the rest on (`value_counts(bins=, normalize=True)`).
    pub fn left_out(&self) -> Arg<'a> {
        Arg {
            given: None,
            ..*self
        }
    }

    /// The value of an argument the call must give.
    pub fn required(&self) -> Result<&'a Value> {
        self.value().ok_or_else(|| {
            DdqError::type_error(format!(
                "{}() is missing the argument `{}`",
                self.verb.name, self.name
            ))
            .at(self.call_span)
            .with_help(format!("usage: {}", self.verb.signature))
        })
    }

    /// Where the argument was written, or the whole call when it was left out.
    pub fn span(&self) -> Span {
        self.given.map_or(self.call_span, |(_, span)| *span)
    }

    /// An error about the argument's value, pointing at it.
    pub fn invalid(&self, message: impl Into<String>) -> DdqError {
        DdqError::type_error(message)
            .at(self.span())
            .with_help(format!("usage: {}", self.verb.signature))
    }

    /// An integer argument, `default` when left out or `None`.
    pub fn int_or(&self, default: i64) -> Result<i64> {
        match self.given() {
            None => Ok(default),
            Some(Value::Int(n)) => Ok(*n),
            Some(other) => Err(self.invalid(format!(
                "`{}` must be an integer, not {}",
                self.name,
                other.kind_name()
            ))),
        }
    }

    /// A True/False argument, `default` when left out.
    pub fn bool_or(&self, default: bool) -> Result<bool> {
        match self.value() {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(self.invalid(format!("{} must be True or False", self.name))),
        }
    }

    /// A text argument, `default` when left out or `None`.
    pub fn str_or(&self, default: &'a str) -> Result<&'a str> {
        Ok(self.str_opt()?.unwrap_or(default))
    }

    /// A text argument; `None` when left out or `None`.
    pub fn str_opt(&self) -> Result<Option<&'a str>> {
        match self.given() {
            None => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s)),
            Some(other) => Err(self.invalid(format!(
                "`{}` must be a string, not {}",
                self.name,
                other.kind_name()
            ))),
        }
    }

    /// A column name or a list of names; `None` when left out or `None`.
    pub fn names(&self) -> Result<Option<Vec<String>>> {
        match self.given() {
            None => Ok(None),
            Some(value) => crate::plan::column_names(value).map(Some).ok_or_else(|| {
                self.invalid(format!(
                    "`{}` must be a name or a list of names, not {}",
                    self.name,
                    value.kind_name()
                ))
            }),
        }
    }
}

/// Python's `*args`: a parameter named `*name` takes every positional argument from its place
/// on, as one list (`os.path.join("data", "x", "*.csv")`); the parameters after it are
/// keyword-only (`print(*values, sep=" ")`).
fn collect_star_args(verb: &Verb, mut positional: Vec<(Value, Span)>) -> Vec<(Value, Span)> {
    let Some(star) = verb
        .params
        .iter()
        .position(|p| p.starts_with('*') && !p.starts_with("**"))
    else {
        return positional;
    };
    if positional.len() <= star {
        return positional;
    }
    let rest = positional.split_off(star);
    let span = rest[0].1.to(rest[rest.len() - 1].1);
    positional.push((
        Value::List(rest.into_iter().map(|(v, _)| v).collect()),
        span,
    ));
    positional
}

fn unsupported_keyword(verb: &Verb, ident: &Ident) -> DdqError {
    let supported = if verb.params.is_empty() {
        "it takes no arguments".to_string()
    } else {
        format!("supported: {}", verb.params.join(", "))
    };
    let err = DdqError::unsupported(format!(
        "{}() does not support the argument `{}`; {supported}",
        verb.name, ident.name
    ))
    .at(ident.span);
    match closest_match(&ident.name, verb.params.iter().copied()) {
        Some(best) => err.with_help(format!("did you mean `{best}`?")),
        None => err,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verb_has_help_and_an_example() {
        for verb in all() {
            assert!(!verb.summary.is_empty(), "{} has no summary", verb.name);
            assert!(!verb.example.is_empty(), "{} has no example", verb.name);
            assert!(!verb.receivers.is_empty(), "{} has no receiver", verb.name);
        }
    }

    #[test]
    fn names_are_unique_per_receiver() {
        let verbs: Vec<&Verb> = all().collect();
        for (i, a) in verbs.iter().enumerate() {
            for b in &verbs[i + 1..] {
                // A name may be both an accessor and a call (`s.plot.bar()`, `s.plot()`).
                let shared = a.receivers.iter().any(|r| b.receivers.contains(r));
                let same = a.name == b.name && a.form == b.form;
                assert!(!(same && shared), "{} defined twice", a.name);
            }
        }
    }

    #[test]
    fn arguments_bind_in_signature_order() {
        let verb = find(Receiver::Frame, "sample").unwrap();
        let ident = Ident {
            name: "random_state".into(),
            span: Span::new(20, 32),
        };
        let args = Args::bind(
            verb,
            vec![(Value::Int(3), Span::new(10, 11))],
            vec![(ident, Value::Int(42))],
            Span::new(0, 40),
        )
        .unwrap();
        let [n, frac, replace, random_state] = args.params().unwrap();
        assert_eq!(n.int_or(5).unwrap(), 3);
        assert_eq!(n.span(), Span::new(10, 11));
        assert!(frac.value().is_none() && !replace.is_given());
        assert_eq!(frac.span(), Span::new(0, 40));
        assert_eq!(random_state.int_or(0).unwrap(), 42);
        assert!(args.params::<2>().is_err());
        let err = random_state
            .required()
            .map(|_| ())
            .and(frac.required().map(|_| ()));
        assert!(
            err.unwrap_err()
                .message
                .contains("missing the argument `frac`")
        );
    }

    #[test]
    fn unknown_keyword_names_the_supported_ones() {
        let verb = find(Receiver::Frame, "sample").unwrap();
        let ident = Ident {
            name: "fraction".into(),
            span: Span::new(3, 11),
        };
        let err = Args::bind(
            verb,
            vec![],
            vec![(ident, Value::Float(0.1))],
            Span::default(),
        )
        .err()
        .unwrap();
        assert!(
            err.message
                .contains("supported: n, frac, replace, random_state"),
            "{}",
            err.message
        );
        assert_eq!(err.help.as_deref(), Some("did you mean `frac`?"));
        assert_eq!(err.span, Some(Span::new(3, 11)));
    }
}
