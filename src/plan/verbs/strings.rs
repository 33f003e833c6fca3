//! The `.str` accessor of a text series and its methods, as pandas names them.

use super::Form::{Attribute, Method};
use super::Receiver as On;

use super::{Arg, Args, Verb, wrong_receiver};
use crate::error::{DdqError, Result};
use crate::plan::Planner;
use crate::plan::ops::{expr_type, is_text};
use crate::plan::series::accessor_error;
use crate::plan::value::{Accessor, Series, Value};
use datafusion::arrow::datatypes::DataType;
use datafusion::functions::expr_fn as f;
use datafusion::logical_expr::{Expr, Operator, binary_expr, cast, lit};

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
    Verb {
        name: "get",
        receivers: &[On::Str],
        form: Method,
        params: &["i"],
        signature: "s.str.get(i)",
        summary: "The i-th character of each text, or the i-th item after str.split (negative i counts from the end).",
        example: "ddf.TailNum.dropna().str.split(\"N\").str.get(1).head(3)",
        expected: "TailNum\n616CO\n125AA\n651AA\n",
        plan: get,
        group: "Dates and strings",
    },
    Verb {
        name: "split",
        receivers: &[On::Str],
        form: Method,
        params: &["pat"],
        signature: "s.str.split(pat)",
        summary: "Each text split at pat, for .str.get(i) to pick a piece.",
        example: "ddf.Dest.str.split(\"F\").str.get(0).head(3)",
        expected: "Dest\nDCA\nORD\nS\n",
        plan: split,
        group: "Dates and strings",
    },
    Verb {
        name: "extract",
        receivers: &[On::Str],
        form: Method,
        params: &["pat", "flags", "expand"],
        signature: "s.str.extract(pat, expand=True)",
        summary: "The first match of each capture group of a regular expression: a frame with a column per group, or a series with expand=False and one group.",
        example: "ddf.TailNum.dropna().str.extract(r\"N(\\d+)(\\D+)\").head(2)",
        expected: "0,1\n616,CO\n125,AA\n",
        plan: extract,
        group: "Dates and strings",
    },
    Verb {
        name: "cat",
        receivers: &[On::Str],
        form: Method,
        params: &["others", "sep", "na_rep"],
        signature: "s.str.cat(others, sep=\"\", na_rep=None)",
        summary: "Each text joined to the text of another series of the same frame.",
        example: "ddf.Origin.str.cat(ddf.Dest, sep=\"-\").head(2)",
        expected: "Origin\nJFK-DCA\nEWR-ORD\n",
        plan: cat,
        group: "Dates and strings",
    },
];

/// `s.str`: only on text values.
fn str_accessor(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let Value::Series(s) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let t = expr_type(&s.frame, &s.expr)?;
    if !is_text(&t) && !is_list(&t) {
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
    if args.verb().name != "get" && is_list(&expr_type(&s.frame, &s.expr)?) {
        return Err(DdqError::type_error(format!(
            "str.{}() applies to text; `{}` holds the pieces of str.split()",
            args.verb().name,
            s.name
        ))
        .at(args.call_span)
        .with_help("pick a piece first with .str.get(i)"));
    }
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

/// `s.str[i]` and `s.str[a:b]`: characters by position, with Python's negative positions.
pub fn subscript(receiver: Value, index: Value) -> Result<Value> {
    let Value::Accessor(Accessor::Str(s)) = receiver else {
        return Err(DdqError::type_error("only a .str accessor is sliced here"));
    };
    let expr = match index {
        Value::Int(i) => character_at(s.expr.clone(), i),
        Value::Slice(None, None, Some(-1)) => f::reverse(s.expr.clone()),
        Value::Slice(a, b, None | Some(1)) => characters(s.expr.clone(), a, b),
        other => {
            return Err(DdqError::type_error(format!(
                "s.str[...] takes a position or a slice with step 1 or -1, not {}",
                other.kind_name()
            ))
            .with_help("e.g. `s.str[0]`, `s.str[0:3]` or `s.str[-2:]`"));
        }
    };
    Ok(Value::Series(Series { expr, ..s }))
}

/// A Python position (negative from the end) as a 0-based position clamped to the text.
fn position(text: &Expr, i: i64) -> Expr {
    if i >= 0 {
        lit(i)
    } else {
        let from_end = cast(f::character_length(text.clone()), DataType::Int64) + lit(i);
        f::greatest(vec![from_end, lit(0i64)])
    }
}

/// The characters `a..b` of each text (`text[a:b]` in Python).
fn characters(text: Expr, a: Option<i64>, b: Option<i64>) -> Expr {
    let start = position(&text, a.unwrap_or(0));
    let length = match b {
        None => cast(f::character_length(text.clone()), DataType::Int64),
        Some(b) => {
            let stop = position(&text, b);
            f::greatest(vec![stop - start.clone(), lit(0i64)])
        }
    };
    f::substring(text, start + lit(1i64), length)
}

/// The character at a Python position; missing past either end, as pandas gives NaN.
fn character_at(text: Expr, i: i64) -> Expr {
    let length = cast(f::character_length(text.clone()), DataType::Int64);
    let inside = if i >= 0 {
        length.gt(lit(i))
    } else {
        length.gt_eq(lit(-i))
    };
    Expr::Case(datafusion::logical_expr::Case::new(
        None,
        vec![(
            Box::new(inside),
            Box::new(characters(text, Some(i), Some(i + 1).filter(|e| *e != 0))),
        )],
        None,
    ))
}

/// `str.split(pat)`: each text as a list of pieces.
fn split(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [pat] = args.params()?;
    let pat = pattern(pat)?;
    with_text(receiver, args, |e| {
        Ok(datafusion::functions_nested::expr_fn::string_to_array(
            e,
            lit(pat),
            lit(datafusion::common::ScalarValue::Utf8(None)),
        ))
    })
}

/// `str.get(i)`: an item of a split text, or a character of a text.
fn get(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [i] = args.params()?;
    let i = match i.required()? {
        Value::Int(i) => *i,
        other => {
            return Err(i.invalid(format!("`i` must be an integer, not {}", other.kind_name())));
        }
    };
    let Value::Accessor(Accessor::Str(s)) = &receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    if is_list(&expr_type(&s.frame, &s.expr)?) {
        // Lists count from 1 in the engine; a negative position counts from the end there too.
        let position = if i >= 0 { i + 1 } else { i };
        return with_text(receiver, args, |e| {
            Ok(datafusion::functions_nested::expr_fn::array_element(
                e,
                lit(position),
            ))
        });
    }
    with_text(receiver, args, |e| Ok(character_at(e, i)))
}

/// `str.extract(pat, expand=True)`: the capture groups of the first match, a column each
/// (named by the group's name, else its number), or one series with `expand=False`.
fn extract(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [pat, _flags, expand] = args.params()?;
    let text = pattern(pat)?;
    let regex = regex::Regex::new(&text)
        .map_err(|e| pat.invalid(format!("invalid regular expression {text:?}: {e}")))?;
    let names: Vec<String> = regex
        .capture_names()
        .skip(1)
        .enumerate()
        .map(|(i, name)| name.map_or(i.to_string(), str::to_string))
        .collect();
    if names.is_empty() {
        return Err(
            pat.invalid("extract() needs a pattern with a capture group, e.g. r\"N(\\d+)\"")
        );
    }
    let expand = expand.bool_or(true)?;
    let Value::Accessor(Accessor::Str(s)) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let groups = f::regexp_match(s.expr.clone(), lit(text), None);
    let group = |i: usize| {
        datafusion::functions_nested::expr_fn::array_element(groups.clone(), lit(i as i64 + 1))
    };
    if !expand && names.len() == 1 {
        return Ok(Value::Series(Series {
            expr: group(0),
            ..s
        }));
    }
    let values = names
        .into_iter()
        .enumerate()
        .map(|(i, n)| (n, group(i)))
        .collect();
    Ok(Value::Frame(crate::plan::series::values_frame(
        &s.frame, values,
    )?))
}

/// `str.cat(others, sep="")`: each text joined to another text series of the same frame;
/// missing where either is missing, unless `na_rep` stands in for it.
fn cat(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [others, sep, na_rep] = args.params()?;
    let sep = match sep.given() {
        None => String::new(),
        Some(_) => pattern(sep)?,
    };
    let Some(Value::Series(other)) = others.given() else {
        return Err(others
            .invalid("cat() joins a text series to another series of the same frame")
            .with_help("e.g. `df.Origin.str.cat(df.Dest, sep=\"-\")`; to join all values into one text, use `\"-\".join(...)` in Python after compute()"));
    };
    let Value::Accessor(Accessor::Str(s)) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let (frame, left, right) = crate::plan::ops::align(&s, other)?;
    let right = cast(right, DataType::Utf8);
    let (left, right) = match na_rep.given() {
        None => (left, right),
        Some(_) => {
            let na = lit(pattern(na_rep)?);
            (
                f::coalesce(vec![left, na.clone()]),
                f::coalesce(vec![right, na]),
            )
        }
    };
    let joined = binary_expr(left, Operator::StringConcat, lit(sep));
    let expr = binary_expr(joined, Operator::StringConcat, right);
    Ok(Value::Series(Series { expr, frame, ..s }))
}

/// Whether a `.str` series holds the pieces of `str.split()`.
fn is_list(t: &DataType) -> bool {
    matches!(t, DataType::List(_) | DataType::LargeList(_))
}
