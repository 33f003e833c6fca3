//! The `.str` accessor of a text series and its methods, as pandas names them.

use super::Form::{Attribute, Method};
use super::Receiver as On;

use super::{Arg, Args, Verb, wrong_receiver};
use crate::error::Result;
use crate::plan::Planner;
use crate::plan::ops::{expr_type, is_text};
use crate::plan::series::accessor_error;
use crate::plan::value::{Accessor, Series, Value};
use datafusion::arrow::datatypes::DataType;
use datafusion::functions::expr_fn as f;
use datafusion::logical_expr::{Expr, cast, lit};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "str",
        receivers: &[On::Series],
        form: Attribute,
        params: &[],
        signature: "s.str.<method>()",
        summary: "String methods of a text series.",
        example: "ddf.Origin.str.len().max()",
        expected: "3\n",
        plan: str_accessor,
        group: "Dates and strings",
    },
    Verb {
        name: "lower",
        receivers: &[On::Str],
        form: Method,
        params: &[],
        signature: "s.str.lower()",
        summary: "Lower-case text.",
        example: "ddf.Origin.str.lower().unique()",
        expected: "Origin\njfk\newr\nlga\n",
        plan: lower,
        group: "Dates and strings",
    },
    Verb {
        name: "upper",
        receivers: &[On::Str],
        form: Method,
        params: &[],
        signature: "s.str.upper()",
        summary: "Upper-case text.",
        example: "ddf.Origin.str.upper().unique()",
        expected: "Origin\nJFK\nEWR\nLGA\n",
        plan: upper,
        group: "Dates and strings",
    },
    Verb {
        name: "len",
        receivers: &[On::Str],
        form: Method,
        params: &[],
        signature: "s.str.len()",
        summary: "Length of each text in characters.",
        example: "ddf.TailNum.str.len().max()",
        expected: "6\n",
        plan: len,
        group: "Dates and strings",
    },
    Verb {
        name: "strip",
        receivers: &[On::Str],
        form: Method,
        params: &[],
        signature: "s.str.strip()",
        summary: "Text without surrounding whitespace.",
        example: "ddf.Dest.str.strip().nunique()",
        expected: "34\n",
        plan: strip,
        group: "Dates and strings",
    },
    Verb {
        name: "contains",
        receivers: &[On::Str],
        form: Method,
        params: &["pat", "case", "regex", "na"],
        signature: "s.str.contains(pat, case=True, regex=True)",
        summary: "True where the text matches the pattern.",
        example: "ddf[ddf.TailNum.str.contains(\"N1\")].TailNum.count()",
        expected: "1160\n",
        plan: contains,
        group: "Dates and strings",
    },
    Verb {
        name: "startswith",
        receivers: &[On::Str],
        form: Method,
        params: &["pat", "na"],
        signature: "s.str.startswith(prefix)",
        summary: "True where the text starts with prefix.",
        example: "ddf[ddf.Dest.str.startswith(\"S\")].Dest.unique()",
        expected: "Dest\nSFO\nSTL\nSJU\nSEA\nSYR\n",
        plan: startswith,
        group: "Dates and strings",
    },
    Verb {
        name: "endswith",
        receivers: &[On::Str],
        form: Method,
        params: &["pat", "na"],
        signature: "s.str.endswith(suffix)",
        summary: "True where the text ends with suffix.",
        example: "ddf[ddf.Dest.str.endswith(\"O\")].Dest.unique()",
        expected: "Dest\nSFO\nMCO\n",
        plan: endswith,
        group: "Dates and strings",
    },
    Verb {
        name: "replace",
        receivers: &[On::Str],
        form: Method,
        params: &["pat", "repl", "regex"],
        signature: "s.str.replace(pat, repl, regex=False)",
        summary: "Replace occurrences of pat.",
        example: "ddf.Origin.str.replace(\"J\", \"j\").unique()",
        expected: "Origin\njFK\nEWR\nLGA\n",
        plan: replace,
        group: "Dates and strings",
    },
];

/// `s.str`: only on text values.
fn str_accessor(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let Value::Series(s) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let t = expr_type(&s.frame, &s.expr)?;
    if !is_text(&t) {
        return Err(accessor_error("str", &s, &t, "string"));
    }
    Ok(Value::Accessor(Accessor::Str(s)))
}

/// The text series behind a `.str`, and a function making the new values from its values.
fn with_text(
    receiver: Value,
    args: &Args,
    make: impl FnOnce(Expr) -> Result<Expr>,
) -> Result<Value> {
    let Value::Accessor(Accessor::Str(s)) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let expr = make(s.expr.clone())?;
    Ok(Value::Series(Series { expr, ..s }))
}

/// A pattern argument: a string.
fn pattern(arg: Arg) -> Result<String> {
    match arg.value() {
        Some(Value::Str(s)) => Ok(s.clone()),
        _ => Err(arg.invalid(format!("`{}` must be a string", arg.name()))),
    }
}

/// `str.lower()`
fn lower(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [] = args.params()?;
    with_text(receiver, args, |e| Ok(f::lower(e)))
}

/// `str.upper()`
fn upper(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [] = args.params()?;
    with_text(receiver, args, |e| Ok(f::upper(e)))
}

/// `str.len()`: characters, as an int64 series.
fn len(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [] = args.params()?;
    with_text(receiver, args, |e| {
        Ok(cast(f::character_length(e), DataType::Int64))
    })
}

/// `str.strip()`
fn strip(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [] = args.params()?;
    with_text(receiver, args, |e| Ok(f::btrim(vec![e])))
}

/// `str.contains(pat, case=True, regex=True)`
fn contains(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [pat, case, regex, _na] = args.params()?;
    let pat = pattern(pat)?;
    let case = !matches!(case.value(), Some(Value::Bool(false)));
    let regex = !matches!(regex.value(), Some(Value::Bool(false)));
    with_text(receiver, args, |e| {
        Ok(match (regex, case) {
            (true, true) => f::regexp_like(e, lit(pat), None),
            (true, false) => f::regexp_like(e, lit(pat), Some(lit("i"))),
            (false, true) => f::strpos(e, lit(pat)).gt(lit(0)),
            (false, false) => f::strpos(f::lower(e), f::lower(lit(pat))).gt(lit(0)),
        })
    })
}

/// `str.startswith(pat)`
fn startswith(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [pat, _na] = args.params()?;
    let pat = pattern(pat)?;
    with_text(receiver, args, |e| Ok(f::starts_with(e, lit(pat))))
}

/// `str.endswith(pat)`
fn endswith(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [pat, _na] = args.params()?;
    let pat = pattern(pat)?;
    with_text(receiver, args, |e| Ok(f::ends_with(e, lit(pat))))
}

/// `str.replace(pat, repl, regex=False)`
fn replace(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [pat, repl, regex] = args.params()?;
    let (pat, repl) = (pattern(pat)?, pattern(repl)?);
    let regex = matches!(regex.value(), Some(Value::Bool(true)));
    with_text(receiver, args, |e| {
        Ok(if regex {
            f::regexp_replace(e, lit(pat), lit(repl), Some(lit("g")))
        } else {
            f::replace(e, lit(pat), lit(repl))
        })
    })
}
