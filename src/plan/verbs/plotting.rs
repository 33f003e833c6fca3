//! Plotting, as pandas spells it: `s.plot(kind=...)`, the `.plot` accessor's `line`, `bar`,
//! `barh`, `hist` and `scatter`, and `s.hist()`. Each plans a [`PlotRequest`] that the session
//! draws: into `to="x.png"` (or `.svg`), in the terminal as a character chart, or, off a
//! terminal, into `plot.png`.

use super::Form::{Attribute, Method};
use super::Receiver as On;
use super::{Arg, Args, Verb, wrong_receiver};
use crate::error::{DdqError, Result};
use crate::plan::Planner;
use crate::plan::plot::{self, KIND_NAMES, MAX_BINS, PlotKind, PlotOptions, PlotRequest};
use crate::plan::value::{Accessor, Action, Value};

const GROUP: &str = "Plotting";

pub const VERBS: &[Verb] = &[
    Verb {
        name: "plot",
        receivers: &[On::Series, On::Frame],
        form: Method,
        params: &["x", "y", "kind", "bins", "title", "figsize", "to"],
        signature: "plot(x=None, y=None, kind=\"line\"|\"bar\"|\"barh\"|\"hist\"|\"scatter\", bins=10, title=None, figsize=(6.4, 4.8), to=\"plot.png\"|\"x.svg\")",
        summary: "Plot values against the index (or a frame's y= against x=): in the terminal as a character chart, else into to= (.png or .svg; plot.png when left out). The engine aggregates or samples; at most 500 bars, 100,000 line points, 5,000 scatter points (sampled).",
        example: "ddf.groupby(ddf.Date.dt.year).DepDelay.mean().plot(to=\"/tmp/ddq-example-line.svg\")",
        expected: "",
        plan: plot_call,
        group: GROUP,
    },
    Verb {
        name: "plot",
        receivers: &[On::Series, On::Frame],
        form: Attribute,
        params: &[],
        signature: "s.plot.<kind>(...)",
        summary: "The plot accessor: .plot.line(), .plot.bar(), .plot.barh(), .plot.hist(bins=), .plot.scatter(x=, y=).",
        example: "ddf.Origin.value_counts().plot.bar(to=\"/tmp/ddq-example-counts.svg\")",
        expected: "",
        plan: accessor,
        group: GROUP,
    },
    Verb {
        name: "line",
        receivers: &[On::Plot],
        form: Method,
        params: &["x", "y", "title", "figsize", "to"],
        signature: "s.plot.line(x=None, y=None, title=None, figsize=(6.4, 4.8), to=\"plot.png\")",
        summary: "A line of the values against the index (or y= against x=); at most 100,000 points.",
        example: "ddf.groupby(ddf.Date.dt.year).DepDelay.mean().plot.line(to=\"/tmp/ddq-example-line.png\")",
        expected: "",
        plan: kind_method,
        group: GROUP,
    },
    Verb {
        name: "bar",
        receivers: &[On::Plot],
        form: Method,
        params: &["x", "y", "title", "figsize", "to"],
        signature: "s.plot.bar(x=None, y=None, title=None, figsize=(6.4, 4.8), to=\"plot.png\")",
        summary: "One vertical bar per row, labelled by the index (or x=); at most 500 bars.",
        example: "ddf.groupby(\"Origin\").DepDelay.mean().plot.bar(to=\"/tmp/ddq-example-bar.svg\")",
        expected: "",
        plan: kind_method,
        group: GROUP,
    },
    Verb {
        name: "barh",
        receivers: &[On::Plot],
        form: Method,
        params: &["x", "y", "title", "figsize", "to"],
        signature: "s.plot.barh(x=None, y=None, title=None, figsize=(6.4, 4.8), to=\"plot.png\")",
        summary: "One horizontal bar per row, labelled by the index (or x=); at most 500 bars.",
        example: "ddf.Origin.value_counts().plot.barh(title=\"Flights\", to=\"/tmp/ddq-example-barh.svg\")",
        expected: "",
        plan: kind_method,
        group: GROUP,
    },
    Verb {
        name: "hist",
        receivers: &[On::Plot, On::Series],
        form: Method,
        params: &["bins", "title", "figsize", "to"],
        signature: "s.hist(bins=10, title=None, figsize=(6.4, 4.8), to=\"plot.png\")",
        summary: "A histogram: bins equal bins from the smallest value to the largest, counted by the engine (a group-by on the bin number).",
        example: "ddf.DepDelay.hist(bins=20, to=\"/tmp/ddq-example-hist.svg\")",
        expected: "",
        plan: hist,
        group: GROUP,
    },
    Verb {
        name: "scatter",
        receivers: &[On::Plot],
        form: Method,
        params: &["x", "y", "title", "figsize", "to"],
        signature: "df.plot.scatter(x=\"A\", y=\"B\", title=None, figsize=(6.4, 4.8), to=\"plot.png\")",
        summary: "A point per row of y= against x=; of more than 5,000 rows, a reproducible sample of 5,000 taken by the engine.",
        example: "ddf.plot.scatter(x=\"DepDelay\", y=\"ArrDelay\", to=\"/tmp/ddq-example-scatter.svg\")",
        expected: "",
        plan: kind_method,
        group: GROUP,
    },
];

/// `s.plot(kind=...)`: pandas' default is a line.
fn plot_call(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [x, y, kind, bins, title, figsize, to] = args.params()?;
    let bins = bins_of(bins)?;
    let name = kind.str_or("line")?;
    let kind = PlotKind::named(name, bins).ok_or_else(|| {
        kind.invalid(format!(
            "ddq does not draw kind=\"{name}\"; it draws {KIND_NAMES}"
        ))
    })?;
    let options = options_of(title, figsize, to)?;
    plot_of(receiver, kind, Some([x, y]), options)
}

/// `s.plot`: the accessor whose methods name the kind.
fn accessor(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    match receiver {
        Value::Series(_) | Value::Frame(_) => {
            Ok(Value::Accessor(Accessor::Plot(Box::new(receiver))))
        }
        other => Err(wrong_receiver(args, &other)),
    }
}

/// `s.plot.line()`, `.bar()`, `.barh()`, `.scatter()`: the verb's name is the kind.
fn kind_method(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [x, y, title, figsize, to] = args.params()?;
    let kind =
        PlotKind::named(args.verb().name, 0).ok_or_else(|| wrong_receiver(args, &receiver))?;
    let target = plotted(receiver, args)?;
    plot_of(target, kind, Some([x, y]), options_of(title, figsize, to)?)
}

/// `s.hist(bins=)` and `s.plot.hist(bins=)`.
fn hist(_planner: &Planner, receiver: Value, args: &Args) -> Result<Value> {
    let [bins, title, figsize, to] = args.params()?;
    let kind = PlotKind::Hist {
        bins: bins_of(bins)?,
    };
    let target = match receiver {
        series @ Value::Series(_) => series,
        other => plotted(other, args)?,
    };
    plot_of(target, kind, None, options_of(title, figsize, to)?)
}

/// The series or frame a `.plot` accessor plots.
fn plotted(receiver: Value, args: &Args) -> Result<Value> {
    match receiver {
        Value::Accessor(Accessor::Plot(target)) => Ok(*target),
        other => Err(wrong_receiver(args, &other)),
    }
}

/// The plot of a series or a frame, as an action the session performs; `axes` are the `x=`
/// and `y=` arguments of the verbs that take them.
fn plot_of(
    target: Value,
    kind: PlotKind,
    axes: Option<[Arg; 2]>,
    options: PlotOptions,
) -> Result<Value> {
    let request: PlotRequest = match target {
        Value::Series(s) => {
            let given = axes.into_iter().flatten().find(|a| a.given().is_some());
            if let Some(given) = given {
                return Err(given
                    .invalid(
                        "a series is plotted against its index; x= and y= name a frame's columns",
                    )
                    .with_help("plot the frame: df.plot(x=\"A\", y=\"B\")"));
            }
            plot::series_plot(&s, kind, options)?
        }
        Value::Frame(frame) => {
            let (x, y) = match axes {
                Some([x, y]) => (axes_x(x)?, y.names()?),
                None => (None, None),
            };
            plot::frame_plot(&frame, kind, x, y, options)?
        }
        other => {
            return Err(DdqError::type_error(format!(
                "{} cannot be plotted",
                other.kind_name()
            )));
        }
    };
    Ok(Value::Action(Box::new(Action::Plot(request))))
}

/// `x=`: a column name.
fn axes_x(x: Arg) -> Result<Option<String>> {
    match x.given() {
        None => Ok(None),
        Some(Value::Str(name)) => Ok(Some(name.clone())),
        Some(other) => Err(x.invalid(format!(
            "x= must be a column name, not {}",
            other.kind_name()
        ))),
    }
}

/// `bins=`: 10 when left out, as pandas.
fn bins_of(bins: Arg) -> Result<usize> {
    match bins.int_or(10)? {
        n @ 1..=MAX_BINS => Ok(n as usize),
        n => Err(bins.invalid(format!(
            "bins={n}: a histogram has from 1 to {MAX_BINS} bins"
        ))),
    }
}

/// `title=`, `figsize=(w, h)` and `to=`.
fn options_of(title: Arg, figsize: Arg, to: Arg) -> Result<PlotOptions> {
    let title = match title.given() {
        None => None,
        Some(_) => Some(title.str_or("")?.to_string()),
    };
    let path = match to.given() {
        None => None,
        Some(_) => Some(path_of(to)?),
    };
    Ok(PlotOptions {
        title,
        figsize: figsize_of(figsize)?,
        path,
    })
}

/// `to="x.png"` or `"x.svg"`: the drawing's format is the file's extension.
fn path_of(to: Arg) -> Result<String> {
    let path = to.str_or("")?;
    let extension = std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("png" | "svg") => Ok(path.to_string()),
        _ => Err(to
            .invalid(format!("cannot tell how to draw `{path}`"))
            .with_help("name the file .png or .svg")),
    }
}

/// `figsize=(width, height)` in inches, as matplotlib takes it.
fn figsize_of(figsize: Arg) -> Result<Option<(f64, f64)>> {
    let Some(value) = figsize.given() else {
        return Ok(None);
    };
    let inches = |v: &Value| match v {
        Value::Int(n) => Some(*n as f64),
        Value::Float(x) => Some(*x),
        _ => None,
    };
    let size = match value {
        Value::Tuple(items) | Value::List(items) => match items.as_slice() {
            [w, h] => inches(w).zip(inches(h)),
            _ => None,
        },
        _ => None,
    };
    match size {
        Some((w, h)) if (1.0..=50.0).contains(&w) && (1.0..=50.0).contains(&h) => Ok(Some((w, h))),
        _ => Err(figsize.invalid(
            "figsize= is (width, height) in inches, each from 1 to 50, e.g. figsize=(10, 6)",
        )),
    }
}
