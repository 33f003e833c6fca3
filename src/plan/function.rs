//! Calling a notebook function (a `lambda` or a `def`): a call's arguments bound to the
//! function's parameters as Python binds them, so `f(x, 5, divide=3)` and
//! `df.apply(f, args=(5,), divide=3)` give the body the values pandas would, and a call that
//! Python would refuse is refused with the function's and the parameter's names.

use crate::error::span::Span;
use crate::error::{DdqError, Result};
use crate::lang::ast::{Arg, Expr, ExprKind, Ident};
use crate::plan::value::{Lambda, Value};

/// The parameter of the functions ddq makes from a method or a numpy function: a hidden name,
/// so it never shadows one of the notebook's.
const ARGUMENT: &str = "__ddq_x";

/// `x.method()` as a function that pandas calls `name` (its `__name__`): `str.lower`,
/// `np.cumsum`, and the method names `transform` takes (`"abs"`).
pub fn method_function(method: &str, name: &str, span: Span) -> Lambda {
    let at = |kind| Expr { kind, span };
    let ident = |name: &str| Ident {
        name: name.to_string(),
        span,
    };
    let method = at(ExprKind::Attr {
        value: Box::new(at(ExprKind::Name(ARGUMENT.to_string()))),
        name: ident(method),
    });
    let body = at(ExprKind::Call {
        func: Box::new(method),
        args: Vec::new(),
    });
    Lambda {
        name: Some(name.to_string()),
        ..Lambda::new(vec![ARGUMENT.to_string()], body)
    }
}

/// numpy's element-wise functions named as values (`transform([np.abs, np.sqrt])`): the
/// function calling them, named as numpy names them (`np.abs` is `absolute`). `None` for the
/// others, which name aggregations (`agg([np.sum])`).
pub fn numpy_function(function: &str, span: Span) -> Option<Lambda> {
    let (verb, name) = match function {
        "abs" | "absolute" => ("abs", "absolute"),
        "sqrt" | "exp" | "log" | "floor" | "ceil" => (function, function),
        // `np.cumsum(s)` is pandas' `s.cumsum()`, which skips missing values as numpy's does not.
        "cumsum" | "cumprod" => return Some(method_function(function, function, span)),
        _ => return None,
    };
    let at = |kind| Expr { kind, span };
    let func = at(ExprKind::Attr {
        value: Box::new(at(ExprKind::Name("np".to_string()))),
        name: Ident {
            name: verb.to_string(),
            span,
        },
    });
    let argument = Arg {
        name: None,
        value: at(ExprKind::Name(ARGUMENT.to_string())),
    };
    let body = at(ExprKind::Call {
        func: Box::new(func),
        args: vec![argument],
    });
    Some(Lambda {
        name: Some(name.to_string()),
        ..Lambda::new(vec![ARGUMENT.to_string()], body)
    })
}

/// What a verb passes to its function after the value it applies it to: pandas' `args=(...)`
/// and the call's other keywords (`df.apply(f, args=(5,), divide=3)` calls `f(column, 5,
/// divide=3)`).
#[derive(Clone, Default)]
pub struct Passed {
    pub positional: Vec<Value>,
    pub keywords: Vec<(Ident, Value)>,
}

impl Passed {
    /// The arguments of a call to the function: `first`, then what is passed on.
    pub fn after(&self, first: Value) -> (Vec<Value>, Vec<(Ident, Value)>) {
        let mut positional = Vec::with_capacity(self.positional.len() + 1);
        positional.push(first);
        positional.extend(self.positional.iter().cloned());
        (positional, self.keywords.clone())
    }
}

/// Each parameter of `lambda` with its value: `positional` in order, then `keywords` by name,
/// then the defaults of the parameters left out.
pub fn bind_arguments(
    lambda: &Lambda,
    positional: Vec<Value>,
    keywords: Vec<(Ident, Value)>,
) -> Result<Vec<(String, Value)>> {
    let count = lambda.params.len();
    if positional.len() > count {
        return Err(DdqError::type_error(format!(
            "{}() takes {count} positional argument{}, but {} {} given",
            lambda.display_name(),
            if count == 1 { "" } else { "s" },
            positional.len(),
            if positional.len() == 1 { "was" } else { "were" },
        ))
        .with_help(format!("usage: {}", lambda.usage())));
    }
    let mut slots: Vec<Option<Value>> = positional.into_iter().map(Some).collect();
    slots.resize(count, None);
    for (ident, value) in keywords {
        let Some(at) = lambda.params.iter().position(|p| *p == ident.name) else {
            return Err(DdqError::type_error(format!(
                "{}() has no parameter `{}`",
                lambda.display_name(),
                ident.name
            ))
            .at(ident.span)
            .with_help(format!("usage: {}", lambda.usage()))
            .suggest(&ident.name, lambda.params.iter().map(String::as_str)));
        };
        if slots[at].is_some() {
            return Err(DdqError::type_error(format!(
                "{}() got multiple values for argument `{}`",
                lambda.display_name(),
                ident.name
            ))
            .at(ident.span));
        }
        slots[at] = Some(value);
    }
    let mut bound = Vec::with_capacity(count);
    for ((name, slot), default) in lambda.params.iter().zip(slots).zip(&lambda.defaults) {
        let Some(value) = slot.or_else(|| default.clone()) else {
            return Err(DdqError::type_error(format!(
                "{}() is missing the argument `{name}`",
                lambda.display_name()
            ))
            .with_help(format!("usage: {}", lambda.usage())));
        };
        bound.push((name.clone(), value));
    }
    Ok(bound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::span::Span;
    use crate::lang::ast::{Expr, ExprKind};

    /// `def subtract_and_divide(x, sub, divide=1)`.
    fn subtract_and_divide() -> Lambda {
        let body = Expr {
            kind: ExprKind::None,
            span: Span::default(),
        };
        Lambda {
            name: Some("subtract_and_divide".into()),
            params: vec!["x".into(), "sub".into(), "divide".into()],
            defaults: vec![None, None, Some(Value::Int(1))],
            written: "x, sub, divide=1".into(),
            body,
        }
    }

    fn keyword(name: &str, value: i64) -> (Ident, Value) {
        let ident = Ident {
            name: name.into(),
            span: Span::new(3, 4),
        };
        (ident, Value::Int(value))
    }

    fn ints(bound: Vec<(String, Value)>) -> Vec<(String, i64)> {
        let int = |v: &Value| if let Value::Int(i) = v { *i } else { -1 };
        bound.iter().map(|(n, v)| (n.clone(), int(v))).collect()
    }

    fn message(result: Result<Vec<(String, Value)>>) -> String {
        result.err().map(|e| e.message).unwrap_or_default()
    }

    #[test]
    fn arguments_bind_by_position_keyword_and_default() {
        let f = subtract_and_divide();
        let bound = bind_arguments(&f, vec![Value::Int(10), Value::Int(5)], Vec::new());
        let expected = [("x", 10), ("sub", 5), ("divide", 1)].map(|(n, v)| (n.to_string(), v));
        assert_eq!(ints(bound.unwrap()), expected);
        let bound = bind_arguments(
            &f,
            vec![Value::Int(10)],
            vec![keyword("divide", 3), keyword("sub", 5)],
        );
        let expected = [("x", 10), ("sub", 5), ("divide", 3)].map(|(n, v)| (n.to_string(), v));
        assert_eq!(ints(bound.unwrap()), expected);
    }

    #[test]
    fn wrong_calls_name_the_function_and_the_parameter() {
        let f = subtract_and_divide();
        let cases = [
            (
                1,
                None,
                "subtract_and_divide() is missing the argument `sub`",
            ),
            (
                4,
                None,
                "subtract_and_divide() takes 3 positional arguments, but 4 were given",
            ),
            (
                2,
                Some("dvide"),
                "subtract_and_divide() has no parameter `dvide`",
            ),
            (
                2,
                Some("sub"),
                "subtract_and_divide() got multiple values for argument `sub`",
            ),
        ];
        for (given, keyword_name, expected) in cases {
            let keywords = keyword_name.map(|n| keyword(n, 3)).into_iter().collect();
            let result = bind_arguments(&f, vec![Value::Int(1); given], keywords);
            assert_eq!(message(result), expected);
        }
    }
}
