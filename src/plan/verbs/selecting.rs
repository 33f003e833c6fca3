//! Choosing rows and columns: the `loc` and `iloc` indexers, `sample`, `nlargest`/`nsmallest`,
//! `select_dtypes` and `drop_duplicates`.

use super::Form::{Attribute, Method};
use super::Receiver as On;
use super::inspecting::rows_of_series;
use super::{Args, Verb, wrong_receiver};
use crate::error::{DdqError, Result};
use crate::plan::order::unique_hidden;
use crate::plan::project::Project;
use crate::plan::value::{Accessor, Frame, GroupBy, Selection, Series, Value, column};
use crate::plan::{Planner, check_columns, frame, groupby, series, window};
use datafusion::logical_expr::{Expr, SortExpr, lit};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "query",
        receivers: &[On::Frame],
        form: Method,
        params: &["expr"],
        signature: "query(\"col > 1 and other == 'x'\")",
        summary: "Rows where a pandas query string is true (`and`/`or`/`not`/`in`, `@variable`, `` `odd name` ``).",
        example: "ddf.query(\"DepDelay > 300 and Origin == 'JFK'\")[[\"Origin\", \"DepDelay\"]]",
        expected: "Origin,DepDelay\nJFK,312.0\nJFK,407.0\nJFK,446.0\n",
        plan: query,
        group: "Selecting",
    },
    Verb {
        name: "loc",
        receivers: &[On::Frame, On::Series],
        form: Attribute,
        params: &[],
        signature: "df.loc[mask | label | a:b, cols]",
        summary: "Select rows by a boolean mask or by index label (a slice includes both ends) and columns by name.",
        example: "ddf.loc[ddf.DepDelay > 60, [\"Origin\", \"DepDelay\"]].head(3)",
        expected: "Origin,DepDelay\nLGA,64.0\nJFK,130.0\nEWR,81.0\n",
        plan: loc,
        group: "Selecting",
    },
    Verb {
        name: "iloc",
        receivers: &[On::Frame, On::Series],
        form: Attribute,
        params: &[],
        signature: "df.iloc[rows, cols]",
        summary: "Select rows and columns by position (rows too, unlike Dask).",
        example: "ddf.iloc[:3, [1, 3]]",
        expected: "DayOfWeek,CRSDepTime\n1,625\n1,1150\n1,1245\n",
        plan: iloc,
        group: "Selecting",
    },
    Verb {
        name: "sample",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["n", "frac", "replace", "random_state"],
        signature: "sample(frac=0.01, random_state=None) or sample(n=10)",
        summary: "A reproducible random sample of rows, kept in file order.",
        example: "ddf.sample(frac=0.0002, random_state=42)[[\"Origin\", \"DepDelay\"]]",
        expected: "Origin,DepDelay\nJFK,-9.0\nEWR,-4.0\nEWR,-1.0\nLGA,-2.0\n",
        plan: sample,
        group: "Selecting",
    },
    Verb {
        name: "nlargest",
        receivers: &[On::Frame, On::Series, On::GroupBy],
        form: Method,
        params: &["n", "columns"],
        signature: "nlargest(n, columns)",
        summary: "The n rows with the largest values; of a groupby's column (`gb.col.nlargest(n)`), each group's n largest values, groups in key order.",
        example: "ddf.nlargest(3, \"DepDelay\")[[\"Origin\", \"DepDelay\"]]",
        expected: "Origin,DepDelay\nEWR,1006.0\nEWR,641.0\nLGA,623.0\n",
        plan: top_n,
        group: "Selecting",
    },
    Verb {
        name: "nsmallest",
        receivers: &[On::Frame, On::Series, On::GroupBy],
        form: Method,
        params: &["n", "columns"],
        signature: "nsmallest(n, columns)",
        summary: "The n rows with the smallest values; of a groupby's column, each group's n smallest.",
        example: "ddf.DepDelay.nsmallest(3)",
        expected: "DepDelay\n-15.0\n-15.0\n-14.0\n",
        plan: top_n,
        group: "Selecting",
    },
    Verb {
        name: "select_dtypes",
        receivers: &[On::Frame],
        form: Method,
        params: &["include", "exclude"],
        signature: "select_dtypes(include=\"number\", exclude=None)",
        summary: "The columns of the given kinds (number, object, bool, datetime, or dtype names).",
        example: "ddf.select_dtypes(include=\"number\").columns",
        expected: "column\nDayOfWeek\nDepTime\nCRSDepTime\nArrTime\nCRSArrTime\nFlightNum\nActualElapsedTime\nCRSElapsedTime\nAirTime\nArrDelay\nDepDelay\nDistance\nTaxiIn\nTaxiOut\nDiverted\n",
        plan: select_dtypes,
        group: "Selecting",
    },
    Verb {
        name: "drop_duplicates",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["subset", "keep"],
        signature: "drop_duplicates(subset=None, keep=\"first\")",
        summary: "Rows that are not repeats of an earlier row.",
        example: "ddf[[\"Origin\", \"Dest\"]].drop_duplicates().head(3)",
        expected: "Origin,Dest\nJFK,DCA\nEWR,ORD\nJFK,SFO\n",
        plan: drop_duplicates,
        group: "Selecting",
    },
    Verb {
        name: "duplicated",
        receivers: &[On::Frame, On::Series],
        form: Method,
        params: &["subset", "keep"],
        signature: "duplicated(subset=None, keep=\"first\")",
        summary: "True for each row that repeats an earlier one (keep=\"last\": a later one; False: any other).",
        example: "ddf.duplicated(\"Dest\").sum()",
        expected: "20766\n",
        plan: duplicated,
        group: "Selecting",
    },
];

/// `df.loc`, indexed next: `df.loc[mask, cols]`.
fn loc(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    match receiver {
        Value::Frame(f) => Ok(Value::Accessor(Accessor::Loc(f))),
        Value::Series(s) => Ok(Value::Accessor(Accessor::SeriesLoc(s))),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `query(expr)`: pandas' query string, evaluated over the columns.
fn query(planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [expr] = args.params()?;
    let Value::Frame(frame) = receiver else {
        return Err(wrong_receiver(args, &receiver));
    };
    match expr.required()? {
        Value::Str(text) => Ok(Value::Frame(crate::plan::query::query(
            planner,
            &frame,
            text,
            expr.span(),
        )?)),
        other => Err(expr.invalid(format!("query takes a string, not {}", other.kind_name()))),
    }
}

/// `df.iloc`, indexed next: `df.iloc[rows, cols]` by position.
fn iloc(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    match receiver {
        Value::Frame(f) => Ok(Value::Accessor(Accessor::Iloc(f))),
        Value::Series(s) => Ok(Value::Accessor(Accessor::SeriesIloc(s))),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `sample(n=, frac=, random_state=)`: the same rows on every run and every scheduler.
fn sample(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let params = args.params()?;
    match receiver {
        Value::Frame(f) => series::sample(&f, params).map(Value::Frame),
        Value::Series(s) => rows_of_series(s, |f, _| series::sample(f, params)),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `nlargest(n, columns)` and `nsmallest(n, columns)`; a series needs no columns.
fn top_n(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [n, columns] = args.params()?;
    let largest = args.verb().name == "nlargest";
    let n = n.int_or(5)?;
    match receiver {
        Value::Frame(f) => {
            let names = columns.names()?.ok_or_else(|| {
                columns.invalid(format!(
                    "{}() needs `columns`: a name or a list of names",
                    args.verb().name
                ))
            })?;
            check_columns(&f, &names)?;
            let by: Vec<Expr> = names.iter().map(|c| column(c)).collect();
            Ok(Value::Frame(series::top_n(&f, by, n, largest)?))
        }
        Value::Series(s) => rows_of_series(s, |f, key| series::top_n(f, vec![key], n, largest)),
        Value::GroupBy(gb) => top_n_per_group(&gb, n, largest, args),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `gb.col.nlargest(n)`, `gb.col.nsmallest(n)`: each group's n largest (smallest) values,
/// groups in key order and the largest first within each, as pandas gives them (without the
/// rows' own labels, which ddq's tables do not print). Missing values are left out and equal
/// values keep their frame order.
fn top_n_per_group(gb: &GroupBy, n: i64, largest: bool, args: &Args) -> Result<Value> {
    let verb = args.verb().name;
    let Selection::Series(name) = &gb.selection else {
        return Err(
            DdqError::unsupported(format!("{verb}() of a groupby applies to one column"))
                .with_help(format!("select it first: `gb.DepDelay.{verb}(3)`")),
        );
    };
    if !gb.sort {
        return Err(DdqError::unsupported(format!(
            "{verb}() of a groupby with sort=False is not supported"
        ))
        .with_help("group with sort=True (the default)"));
    }
    let rank_name = unique_hidden(&gb.frame, "__ddq_rank");
    let rank = window::rank_in_group(gb, column(name), largest)?;
    let kept = (gb.frame.df.clone().set_column(&rank_name, rank)?).keep_rows(
        column(&rank_name)
            .lt(lit(n))
            .and(column(name).is_not_null()),
    )?;
    let mut shown: Vec<Expr> = (gb.keys.iter())
        .map(|(key, key_name)| key.clone().alias(key_name))
        .collect();
    shown.extend([column(name), column(&rank_name)]);
    let mut order: Vec<SortExpr> = (gb.keys.iter())
        .map(|(_, key_name)| column(key_name).sort(true, false))
        .collect();
    order.push(column(&rank_name).sort(true, false));
    let frame = Frame {
        df: kept.project(shown)?,
        order,
        index_columns: gb.keys.len(),
        npartitions: 1,
        partition: None,
        origin: "groupby".into(),
        divisions: None,
    };
    Ok(groupby::keyed(gb, frame, Some(name)))
}

/// `select_dtypes(include=, exclude=)`
fn select_dtypes(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [include, exclude] = args.params()?;
    match receiver {
        Value::Frame(f) => frame::select_dtypes(&f, include, exclude),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `drop_duplicates(subset=, keep="first")`: the rows kept stay in file order.
/// `duplicated(subset, keep)`: numbered within each set of equal rows, in frame order.
fn duplicated(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [subset, keep] = args.params()?;
    let (frame, keys, name) = match &receiver {
        Value::Frame(f) => {
            let names = subset.names()?.unwrap_or_else(|| f.value_columns());
            check_columns(f, &names)?;
            (
                f.clone(),
                names.iter().map(|c| column(c)).collect(),
                String::new(),
            )
        }
        Value::Series(s) => (s.frame.clone(), vec![s.expr.clone()], s.name.clone()),
        other => return Err(wrong_receiver(args, other)),
    };
    let keep = match keep.value() {
        None => Some(true),
        Some(Value::Str(k)) if k == "first" => Some(true),
        Some(Value::Str(k)) if k == "last" => Some(false),
        Some(Value::Bool(false)) => None,
        Some(_) => return Err(keep.invalid("keep must be \"first\", \"last\" or False")),
    };
    let expr = window::repeated(&frame, keys, keep)?;
    Ok(Value::Series(Series {
        frame,
        expr,
        name,
        categories: None,
    }))
}

fn drop_duplicates(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [subset, keep] = args.params()?;
    match receiver {
        Value::Frame(f) => {
            let names = subset.names()?.unwrap_or_else(|| f.value_columns());
            check_columns(&f, &names)?;
            let keys: Vec<Expr> = names.iter().map(|c| column(c)).collect();
            series::drop_duplicates(&f, keys, Some(keep)).map(Value::Frame)
        }
        Value::Series(s) => rows_of_series(s, |f, key| {
            series::drop_duplicates(f, vec![key], Some(keep))
        }),
        other => Err(wrong_receiver(args, &other)),
    }
}
