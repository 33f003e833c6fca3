//! The rest of groupby's API: one group's rows (`get_group`), the number of groups (`ngroups`,
//! `len(gb)`), each row's group (`ngroup`), rows per group (`head`, `tail`, `nth`), values
//! broadcast back to the rows (`transform`), quantiles and `describe` per group, and
//! `pd.NamedAgg` for named aggregation.

use super::Form::{Attribute, Method};
use super::Receiver as On;
use super::{Arg, Args, Verb, wrong_receiver};
use crate::error::{DdqError, Result};
use crate::plan::function::Passed;
use crate::plan::groupby::{self, Agg};
use crate::plan::ops::literal_expr;
use crate::plan::project::Project;
use crate::plan::value::{
    CustomAggregation, Frame, GroupBy, Grouper, Lambda, Selection, Series, Value, column,
};
use crate::plan::window;
use crate::plan::{Planner, column_series, selection_columns, series};
use datafusion::logical_expr::{Expr, lit};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "get_group",
        receivers: &[On::GroupBy],
        form: Method,
        params: &["name"],
        signature: "get_group(key | (key1, key2))",
        summary: "The rows of one group.",
        example: "ddf.groupby(\"Origin\").get_group(\"LGA\")[[\"Origin\", \"Dest\"]].head(2)",
        expected: "Origin,Dest\nLGA,BWI\nLGA,BUF\n",
        plan: get_group,
        group: "Grouping",
    },
    Verb {
        name: "ngroups",
        receivers: &[On::GroupBy],
        form: Attribute,
        params: &[],
        signature: "gb.ngroups",
        summary: "The number of groups (also `len(gb)`).",
        example: "ddf.groupby([\"Origin\", \"Dest\"]).ngroups",
        expected: "99\n",
        plan: ngroups,
        group: "Grouping",
    },
    Verb {
        name: "ngroup",
        receivers: &[On::GroupBy],
        form: Method,
        params: &["ascending"],
        signature: "ngroup()",
        summary: "Each row's group number, groups counted in key order from 0.",
        example: "ddf.groupby(\"Origin\").ngroup().head(3)",
        expected: "0\n1\n0\n1\n",
        plan: ngroup,
        group: "Grouping",
    },
    Verb {
        name: "head",
        receivers: &[On::GroupBy],
        form: Method,
        params: &["n"],
        signature: "gb.head(n=5)",
        summary: "The first n rows of each group, in their original order.",
        example: "ddf.groupby(\"Origin\").head(1)[[\"Origin\", \"Dest\"]]",
        expected: "Origin,Dest\nJFK,DCA\nEWR,ORD\nLGA,BWI\n",
        plan: rows_per_group,
        group: "Grouping",
    },
    Verb {
        name: "tail",
        receivers: &[On::GroupBy],
        form: Method,
        params: &["n"],
        signature: "gb.tail(n=5)",
        summary: "The last n rows of each group, in their original order.",
        example: "ddf.groupby(\"Origin\").tail(1)[[\"Origin\", \"Dest\"]]",
        expected: "Origin,Dest\nEWR,PIT\nJFK,BUF\nLGA,PHX\n",
        plan: rows_per_group,
        group: "Grouping",
    },
    Verb {
        name: "nth",
        receivers: &[On::GroupBy],
        form: Method,
        params: &["n"],
        signature: "gb.nth(n)",
        summary: "The n-th row of each group (from the end when negative), in original order.",
        example: "ddf.groupby(\"Origin\").nth(1)[[\"Origin\", \"Dest\"]]",
        expected: "Origin,Dest\nJFK,SFO\nEWR,BWI\nLGA,BUF\n",
        plan: rows_per_group,
        group: "Grouping",
    },
    Verb {
        name: "transform",
        receivers: &[On::GroupBy],
        form: Method,
        params: &["func", "*args", "**kwargs"],
        signature: "transform(\"mean\" | \"sum\" | ... | lambda x: ..., *args, **kwargs)",
        summary: "Each row gets its group's aggregate, or a function of its group (`lambda x: (x - x.mean()) / x.std()`), called with the extra arguments after the group.",
        example: "(ddf.DepDelay - ddf.groupby(\"Origin\").DepDelay.transform(\"mean\")).head(2)",
        expected: "DepDelay\n-8.238974970202623\n-0.44380486400920915\n",
        plan: transform,
        group: "Grouping",
    },
    Verb {
        name: "filter",
        receivers: &[On::GroupBy],
        form: Method,
        params: &["func", "dropna", "*args", "**kwargs"],
        signature: "filter(lambda g: ..., dropna=True, *args, **kwargs)",
        summary: "The rows of the groups for which the function is true, in frame order.",
        example: "len(ddf.groupby(\"Dest\").filter(lambda g: len(g) > 1000))",
        expected: "8974\n",
        plan: filter,
        group: "Grouping",
    },
    Verb {
        name: "apply",
        receivers: &[On::GroupBy],
        form: Method,
        params: &["func", "meta", "include_groups"],
        signature: "gb.apply(lambda g: ...)",
        summary: "A function of each group giving one value per group (`lambda g: g.DepDelay.max() - g.DepDelay.min()`), compiled to aggregations: a series by the keys, unnamed as pandas' (named after the column for gb.col.apply).",
        example: "ddf.groupby(\"Origin\").apply(lambda g: g.DepDelay.max() - g.DepDelay.min())",
        expected: "Origin,0\nEWR,1020.0\nJFK,460.0\nLGA,638.0\n",
        plan: apply,
        group: "Grouping",
    },
    Verb {
        name: "ohlc",
        receivers: &[On::GroupBy],
        form: Method,
        params: &[],
        signature: "gb.col.ohlc()",
        summary: "First, largest, smallest and last value per group (or time bin), as columns open, high, low, close.",
        example: "ddf.set_index(\"Date\").DepDelay.resample(\"YE\").ohlc().head(2)",
        expected: "Date,open,high,low,close\n1990-12-31,0.0,328.0,-14.0,13.0\n1991-12-31,-3.0,239.0,-12.0,4.0\n",
        plan: ohlc,
        group: "Grouping",
    },
    Verb {
        name: "value_counts",
        receivers: &[On::GroupBy],
        form: Method,
        params: &["normalize", "sort", "ascending", "dropna"],
        signature: "gb.col.value_counts(normalize=False)",
        summary: "Rows per value within each group: groups in key order, the most frequent value first (ties by value); normalize=True gives each as a share of its group's rows (`proportion`).",
        example: "ddf.groupby(\"Origin\").DayOfWeek.value_counts().head(3)",
        expected: "Origin,DayOfWeek,count\nEWR,5,1041\nEWR,1,1022\nEWR,3,1019\n",
        plan: value_counts,
        group: "Grouping",
    },
    Verb {
        name: "quantile",
        receivers: &[On::Series, On::GroupBy, On::Frame],
        form: Method,
        params: &["q"],
        signature: "quantile(q=0.5)",
        summary: "The q-th quantile, interpolated linearly as pandas does (per group after groupby).",
        example: "ddf.DepDelay.quantile(0.9)",
        expected: "34.0\n",
        plan: quantile,
        group: "Aggregating",
    },
    Verb {
        name: "NamedAgg",
        receivers: &[On::Function],
        form: Method,
        params: &["column", "aggfunc"],
        signature: "pd.NamedAgg(column, aggfunc)",
        summary: "A (column, aggregation) pair for named aggregation: gb.agg(name=pd.NamedAgg(...)).",
        example: "ddf.groupby(\"Origin\").agg(worst=pd.NamedAgg(column=\"DepDelay\", aggfunc=\"max\"))",
        expected: "Origin,worst\nEWR,1006.0\nJFK,446.0\nLGA,623.0\n",
        plan: named_agg,
        group: "Grouping",
    },
    Verb {
        name: "Grouper",
        receivers: &[On::Function],
        form: Method,
        params: &["key", "level", "freq", "sort"],
        signature: "pd.Grouper(key=None, freq=None, sort=False)",
        summary: "A groupby key: a column (the index when key is None), binned by `freq` as resample bins it.",
        example: "ddf.groupby(pd.Grouper(key=\"Date\", freq=\"YE\")).DepDelay.count().head(2)",
        expected: "Date,DepDelay\n1990-12-31,1996\n1991-12-31,1951\n",
        plan: grouper,
        group: "Grouping",
    },
    Verb {
        name: "Aggregation",
        receivers: &[On::Function],
        form: Method,
        params: &["name", "chunk", "agg", "finalize"],
        signature: "dd.Aggregation(name, chunk, agg, finalize=None)",
        summary: "Dask's custom groupby aggregation: `chunk` reduces each group, `agg` the chunks' results grouped by key, `finalize` combines them; give it to `agg`.",
        example: "custom_mean = dd.Aggregation(\"custom_mean\", lambda s: (s.count(), s.sum()), lambda c, t: (c.sum(), t.sum()), lambda c, t: t / c)\nddf.groupby(\"Origin\").DepDelay.agg(custom_mean)",
        expected: "Origin,DepDelay\nEWR,9.44380486400921\nJFK,8.238974970202623\nLGA,8.943480195816644\n",
        plan: custom_aggregation,
        group: "Grouping",
    },
];

/// `get_group(key)`: the rows whose keys equal `key` (a tuple for several keys).
fn get_group(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [name] = args.params()?;
    let Value::GroupBy(gb) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let wanted = match name.required()? {
        Value::Tuple(items) => items.clone(),
        single => vec![single.clone()],
    };
    if wanted.len() != gb.keys.len() {
        return Err(name.invalid(format!(
            "the groupby has {} key{}; give a tuple of that many values",
            gb.keys.len(),
            if gb.keys.len() == 1 { "" } else { "s" }
        )));
    }
    let mut condition: Option<Expr> = None;
    for ((key, _), value) in gb.keys.iter().zip(&wanted) {
        let value = literal_expr(value)
            .ok_or_else(|| name.invalid("group keys are values such as \"JFK\" or 1"))?;
        let equal = key.clone().eq(value);
        condition = Some(condition.map_or(equal.clone(), |c| c.and(equal)));
    }
    let frame = &gb.frame;
    let rows = frame.with_df(frame.df.clone().keep_rows(condition.unwrap_or(lit(true)))?);
    Ok(match &gb.selection {
        Selection::Series(col) => Value::Series(column_series(&rows, col)?),
        Selection::Columns(cols) => Value::Frame(crate::plan::frame::select(&rows, cols)?),
        Selection::All => Value::Frame(rows),
    })
}

fn ngroups(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    match receiver {
        Value::GroupBy(gb) => group_count(&gb),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// How many groups there are (`gb.ngroups`, `len(gb)`).
pub fn group_count(gb: &GroupBy) -> Result<Value> {
    let groups = groupby::aggregate(gb, &[])?;
    Ok(Value::Scalar(groupby::row_count(&groups)?))
}

fn ngroup(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [ascending] = args.params()?;
    let Value::GroupBy(gb) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    if !ascending.bool_or(true)? || !gb.sort {
        return Err(ascending.invalid("ngroup() numbers groups in ascending key order only"));
    }
    Ok(Value::Series(Series {
        expr: window::group_number(&gb)?,
        name: String::new(),
        frame: gb.frame.clone(),
        categories: None,
    }))
}

/// `head(n)`, `tail(n)` and `nth(n)` of a groupby: rows kept by their place in their group.
fn rows_per_group(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [n] = args.params()?;
    let Value::GroupBy(gb) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let verb = args.verb().name;
    let n = if verb == "nth" {
        match n.required()? {
            Value::Int(i) => *i,
            other => {
                return Err(n.invalid(format!("nth takes an integer, not {}", other.kind_name())));
            }
        }
    } else {
        n.int_or(5)?
    };
    let (from_end, keep) = match verb {
        "head" => (false, column("__ddq_ingroup").lt(lit(n))),
        "tail" => (true, column("__ddq_ingroup").lt(lit(n))),
        _ if n >= 0 => (false, column("__ddq_ingroup").eq(lit(n))),
        _ => (true, column("__ddq_ingroup").eq(lit(-n - 1))),
    };
    let position = window::position_in_group(&gb, from_end)?;
    let frame = &gb.frame;
    let numbered = frame.df.clone().set_column("__ddq_ingroup", position)?;
    let rows: Frame = frame.with_df(numbered.keep_rows(keep)?);
    let columns = match &gb.selection {
        Selection::All => rows.value_columns(),
        _ => selection_columns(&gb),
    };
    let kept = crate::plan::frame::select(&rows, &columns)?;
    Ok(match &gb.selection {
        Selection::Series(name) => Value::Series(column_series(&kept, name)?),
        _ => Value::Frame(kept),
    })
}

/// `transform(name)`: the group's aggregate on each of its rows.
fn transform(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [func, rest, _kwargs] = args.params()?;
    let Value::GroupBy(gb) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let passed = super::applying::passed_on(rest, args);
    let agg = match func.required()? {
        Value::Str(name) if passed.positional.is_empty() && passed.keywords.is_empty() => {
            groupby::parse_agg(name).map_err(|e| e.at(func.span()))?
        }
        Value::Str(name) => {
            return Err(func
                .invalid(format!(
                    "transform(\"{name}\") takes no extra arguments in ddq"
                ))
                .with_help(format!(
                    "pass a function: transform(lambda x: x.{name}(...))"
                )));
        }
        Value::Lambda(lambda) => {
            return super::windowing::grouped(&gb, |s, _| {
                transform_per_group(planner, &gb, (lambda, &passed), s, func)
            });
        }
        other => {
            return Err(func.invalid(format!(
                "transform takes an aggregation name, not {}",
                other.kind_name()
            )));
        }
    };
    super::windowing::grouped(&gb, |s, over| window::broadcast(s, over, agg))
}

/// `transform(lambda x: ...)` on one column: the function runs on every group at once, its
/// reductions (`x.mean()`) being windows over the row's group, and must give a value per row.
fn transform_per_group(
    planner: &Planner,
    gb: &GroupBy,
    (lambda, passed): (&Lambda, &Passed),
    column: &Series,
    func: Arg,
) -> Result<Series> {
    // The column's frame may have grown hidden columns while earlier columns were computed.
    let groups = GroupBy {
        frame: column.frame.clone(),
        ..gb.clone()
    };
    let result = planner
        .apply_per_group(lambda, &groups, Value::Series(column.clone()), passed)
        .map_err(|e| e.at(func.span()))?;
    match result {
        Value::Series(r) if window::same_rows(&r.frame, &column.frame) => Ok(Series {
            name: column.name.clone(),
            ..r
        }),
        constant => match literal_expr(&constant) {
            Some(expr) => Ok(Series {
                expr,
                ..column.clone()
            }),
            None => Err(func
                .invalid(format!(
                    "the function gave {} where a value per row of the group is needed",
                    constant.kind_name()
                ))
                .with_help("e.g. `transform(lambda x: (x - x.mean()) / x.std())`")),
        },
    }
}

/// `filter(lambda g: ...)`: the rows of the groups for which the function is true, in their
/// order; the function sees each group's rows (`len(g)`, `g.col.mean()` are per group).
fn filter(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [func, dropna, rest, _kwargs] = args.params()?;
    let Value::GroupBy(gb) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    if !dropna.bool_or(true)? {
        return Err(dropna.invalid(
            "filter(dropna=False) is not supported: ddq drops the rows of groups that fail",
        ));
    }
    let lambda = super::applying::lambda_arg(func)?;
    let frame = gb.frame.clone();
    let passed = super::applying::passed_on(rest, args);
    match planner
        .apply_per_group(lambda, &gb, Value::Frame(frame.clone()), &passed)
        .map_err(|e| e.at(func.span()))?
    {
        Value::Series(keep) => Ok(Value::Frame(crate::plan::frame::filter(&frame, &keep)?)),
        Value::Bool(true) => Ok(Value::Frame(frame)),
        Value::Bool(false) => Ok(Value::Frame(frame.with_df(frame.df.clone().limit(0, Some(0))?))),
        other => Err(func
            .invalid(format!(
                "the function gave {} where True or False per group is needed",
                other.kind_name()
            ))
            .with_help("e.g. `filter(lambda g: len(g) > 1000)` or `filter(lambda g: g.DepDelay.mean() > 10)`")),
    }
}

/// `gb.apply(lambda g: ...)`: the function's body planned over the groups themselves, so its
/// reductions (`g.DepDelay.max()`) are the groups' aggregations and its result one value per
/// group. Dask's `meta=` and pandas' `include_groups=` change nothing here.
fn apply(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [func, _meta, _include_groups] = args.params()?;
    let Value::GroupBy(gb) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let lambda = super::applying::lambda_arg(func)?;
    // pandas names the result after the column only when one was selected.
    let name = match &gb.selection {
        Selection::Series(column) => column.clone(),
        _ => String::new(),
    };
    match planner.apply_to_groups(lambda, gb)? {
        Value::Series(s) if s.frame.index_columns > 0 => Ok(Value::Series(Series { name, ..s })),
        Value::Frame(f) if f.index_columns > 0 => Ok(Value::Frame(f)),
        other => Err(func
            .invalid(format!(
                "the function gave {} where one value per group is needed",
                other.kind_name()
            ))
            .with_help(
                "reduce the group, e.g. `apply(lambda g: g.DepDelay.max() - g.DepDelay.min())`; for a value per row use transform",
            )),
    }
}

/// `ohlc()`: open, high, low and close of the selected column per group.
fn ohlc(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [] = args.params()?;
    let Value::GroupBy(gb) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let Selection::Series(name) = &gb.selection else {
        return Err(DdqError::unsupported(
            "ohlc() needs one column: select it first, e.g. `r.DepDelay.ohlc()`",
        )
        .at(args.call_span));
    };
    let specs: Vec<(String, Agg, String)> = [
        (Agg::First, "open"),
        (Agg::Max, "high"),
        (Agg::Min, "low"),
        (Agg::Last, "close"),
    ]
    .into_iter()
    .map(|(agg, out)| (name.clone(), agg, out.to_string()))
    .collect();
    let frame = groupby::aggregate(&gb, &specs)?;
    Ok(groupby::keyed(&gb, frame, None))
}

/// `gb.col.value_counts()`: a count per (group, value), sorted as pandas sorts it.
fn value_counts(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [normalize, sort, ascending, dropna] = args.params()?;
    let Value::GroupBy(gb) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    let normalize = normalize.bool_or(false)?;
    for (arg, default) in [(sort, true), (ascending, false), (dropna, true)] {
        if arg.bool_or(default)? != default {
            return Err(arg.invalid(format!(
                "value_counts({}=...) other than its default is not supported",
                arg.name()
            )));
        }
    }
    let Selection::Series(name) = &gb.selection else {
        return Err(DdqError::unsupported(
            "value_counts() needs one column: select it first, e.g. `gb.col.value_counts()`",
        )
        .at(args.call_span));
    };
    let mut keys = gb.keys.clone();
    keys.push((column(name), name.clone()));
    let by_value = GroupBy {
        keys,
        selection: Selection::All,
        dropna: true,
        sort: true,
        ..gb.clone()
    };
    // pandas names the shares `proportion`, each of its group's rows.
    let value = if normalize { "proportion" } else { "count" };
    let mut counted =
        groupby::aggregate(&by_value, &[(String::new(), Agg::Size, value.to_string())])?;
    let group_keys: Vec<Expr> = gb.keys.iter().map(|(_, k)| column(k)).collect();
    if normalize {
        counted = series::as_proportions(&counted, value, &group_keys)?;
    }
    let mut order: Vec<_> = group_keys
        .iter()
        .map(|k| k.clone().sort(true, false))
        .collect();
    order.push(column(value).sort(false, false));
    order.push(column(name).sort(true, false));
    let counted = Frame { order, ..counted };
    Ok(groupby::keyed(&gb, counted, Some(value)))
}

/// `quantile(q=0.5)` of a series (a value), per group (a keyed series) or per column.
fn quantile(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [q] = args.params()?;
    if let (Value::Series(s), Some(Value::List(items))) = (&receiver, q.given()) {
        let fractions = items
            .iter()
            .map(|item| fraction_of(item, q))
            .collect::<Result<Vec<f64>>>()?;
        return groupby::series_quantiles(s, &fractions);
    }
    let agg = Agg::Quantile(fraction(q)?);
    match receiver {
        Value::Series(s) => groupby::reduce_series(&s, agg),
        Value::GroupBy(gb) => groupby::aggregate_all(&gb, agg),
        Value::Frame(f) => groupby::reduce_frame(&f, agg),
        other => Err(wrong_receiver(args, &other)),
    }
}

fn fraction(q: Arg) -> Result<f64> {
    match q.given() {
        None => Ok(0.5),
        Some(Value::List(_)) => Err(q.invalid(
            "quantile of several fractions is supported for a series; here call it once per fraction",
        )),
        Some(value) => fraction_of(value, q),
    }
}

/// One fraction `q` gives, between 0 and 1.
fn fraction_of(value: &Value, q: Arg) -> Result<f64> {
    let value = match value {
        Value::Float(x) => *x,
        Value::Int(i) => *i as f64,
        other => {
            return Err(q.invalid(format!("q must be a number, not {}", other.kind_name())));
        }
    };
    if !(0.0..=1.0).contains(&value) {
        return Err(q.invalid(format!("q must be between 0 and 1, got {value}")));
    }
    Ok(value)
}

/// `pd.Grouper(key=, freq=)`, for `groupby` to read.
fn grouper(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [key, level, freq, sort] = args.params()?;
    if level.given().is_some() {
        return Err(level.invalid(
            "Grouper(level=...) is not supported: ddq's index has one level; use key=\"column\"",
        ));
    }
    let text = |arg: Arg| match arg.given() {
        None => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.clone())),
        Some(other) => Err(arg.invalid(format!(
            "Grouper's {} must be a string, not {}",
            arg.name(),
            other.kind_name()
        ))),
    };
    Ok(Value::Grouper(Box::new(Grouper {
        key: text(key)?,
        freq: text(freq)?,
        sort: sort.bool_or(false)?,
    })))
}

/// `dd.Aggregation(name, chunk, agg, finalize=None)`, for `agg` to apply.
fn custom_aggregation(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [name, chunk, agg, finalize] = args.params()?;
    let function = |arg: Arg| match arg.required()? {
        Value::Lambda(lambda) => Ok(lambda.as_ref().clone()),
        other => Err(arg.invalid(format!(
            "Aggregation's {} is a function (a lambda or a def), not {}",
            arg.name(),
            other.kind_name()
        ))),
    };
    Ok(Value::Aggregation(Box::new(CustomAggregation {
        name: name.str_or("")?.to_string(),
        chunk: function(chunk)?,
        agg: function(agg)?,
        finalize: match finalize.given() {
            None | Some(Value::None) => None,
            Some(_) => Some(function(finalize)?),
        },
    })))
}

fn named_agg(_planner: &Planner, _receiver: Value, args: &Args) -> Result<Value> {
    let [column_arg, aggfunc] = args.params()?;
    let as_text = |arg: Arg| match arg.required()? {
        Value::Str(s) => Ok(Value::Str(s.clone())),
        other => Err(DdqError::type_error(format!(
            "NamedAgg's {} must be a name, not {}",
            arg.name(),
            other.kind_name()
        ))
        .at(arg.span())),
    };
    Ok(Value::Tuple(vec![as_text(column_arg)?, as_text(aggfunc)?]))
}
