//! The values a ddq expression evaluates to. Frames, series and engine scalars are lazy: they hold
//! DataFusion plans and expressions, and only `exec` runs them. Python literals stay plain values
//! until an operation needs them as DataFusion literals.

use datafusion::arrow::datatypes::{DataType, Schema};
use datafusion::logical_expr::{Expr, SortExpr};
use datafusion::prelude::DataFrame;
use std::sync::Arc;

/// Columns whose names start with this are ddq's own bookkeeping (row order, partition numbers)
/// and are never shown to the user.
pub const HIDDEN_PREFIX: &str = "__ddq_";

/// Suffix used internally when a value column would repeat a key column's name
/// (`groupby("Origin").Origin.count()` has a key `Origin` and a value `Origin`).
pub const DUPLICATE_SUFFIX: &str = "\u{1}dup";

/// The user-facing name of an internal column name.
pub fn display_name(internal: &str) -> &str {
    internal.strip_suffix(DUPLICATE_SUFFIX).unwrap_or(internal)
}

pub fn is_hidden(name: &str) -> bool {
    name.starts_with(HIDDEN_PREFIX)
}

/// A column reference that is never parsed: names may contain dots, spaces or capitals.
pub fn column(name: &str) -> Expr {
    Expr::Column(datafusion::common::Column::from_name(name))
}

/// A lazy table with pandas row order.
#[derive(Clone)]
pub struct Frame {
    /// Visible columns (keys first when `index_columns > 0`) plus any hidden columns.
    pub df: DataFrame,
    /// How to sort rows to get pandas' order: the file order of a scan, the keys of a groupby,
    /// the `by` of `sort_values` followed by the previous order (a stable sort). Empty when the
    /// order is already fixed by the plan or does not matter.
    pub order: Vec<SortExpr>,
    /// Leading key columns (a groupby result's index), printed first.
    pub index_columns: usize,
    pub npartitions: usize,
    /// An expression giving each row's partition number, for `.partitions[i]`.
    pub partition: Option<Expr>,
    /// A description of where the frame came from, for the lazy repr (`read-csv`, ...).
    pub origin: String,
    /// Where each partition's index values start, recorded by `set_index` (Dask's divisions).
    pub divisions: Option<std::sync::Arc<crate::plan::divisions::Divisions>>,
}

impl Frame {
    pub fn schema(&self) -> Schema {
        self.df.schema().as_arrow().clone()
    }

    /// Names of the visible columns, keys included, in order.
    pub fn columns(&self) -> Vec<String> {
        self.df
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .filter(|n| !is_hidden(n))
            .collect()
    }

    /// Names of the visible non-key columns.
    pub fn value_columns(&self) -> Vec<String> {
        self.columns()
            .into_iter()
            .skip(self.index_columns)
            .collect()
    }

    pub fn key_columns(&self) -> Vec<String> {
        self.columns()
            .into_iter()
            .take(self.index_columns)
            .collect()
    }

    /// Whether the rows still carry the scan's hidden partition and row columns, their place
    /// in the files.
    pub fn has_file_place(&self) -> bool {
        let hidden = self.hidden_columns();
        [
            crate::plan::sources::PART_COLUMN,
            crate::plan::sources::ROW_COLUMN,
        ]
        .iter()
        .all(|c| hidden.iter().any(|h| h == c))
    }

    pub fn hidden_columns(&self) -> Vec<String> {
        self.df
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .filter(|n| is_hidden(n))
            .collect()
    }

    pub fn data_type(&self, name: &str) -> Option<DataType> {
        self.df
            .schema()
            .fields()
            .iter()
            .find(|f| f.name() == name)
            .map(|f| f.data_type().clone())
    }

    /// The same frame over a new plan that keeps this frame's row bookkeeping.
    pub fn with_df(&self, df: DataFrame) -> Frame {
        Frame { df, ..self.clone() }
    }
}

/// One column of values: an expression over a frame. Series built from the same frame combine
/// into one expression; keyed series (groupby results) from different frames align on their keys.
#[derive(Clone)]
pub struct Series {
    pub frame: Frame,
    pub expr: Expr,
    pub name: String,
    /// For a series `pd.cut` made: its categories (see [`Series::categories`]).
    pub categories: Option<Arc<Categories>>,
}

impl Series {
    /// A series of `expr` over `frame`, named `name`, without categories.
    pub fn new(frame: Frame, expr: Expr, name: impl Into<String>) -> Series {
        Series {
            frame,
            expr,
            name: name.into(),
            categories: None,
        }
    }

    /// The categories of a series `pd.cut` made, while it is still that series (a series
    /// computed from it is plain text and has none).
    pub fn categories(&self) -> Option<&Categories> {
        self.categories
            .as_deref()
            .filter(|categories| categories.label == self.expr)
    }
}

/// What `pd.cut` makes a series: an ordered categorical. Its labels (the intervals as pandas
/// writes them, or the `labels=` given) in bin order, the bin number of each row (missing
/// outside the bins) and the label expression the series is. `value_counts` and a groupby by
/// it list every category in this order, empty ones too, as pandas does for a categorical.
#[derive(Clone, Debug)]
pub struct Categories {
    pub labels: Vec<String>,
    pub code: Expr,
    pub label: Expr,
    /// Whether the categories have an order of their own (`pd.cut`'s do; `astype("category")`
    /// lists them sorted but unordered).
    pub ordered: bool,
    /// The pandas dtype of the categories themselves: `object` for text,
    /// `interval[int64, right]` and the like for `pd.cut`'s intervals.
    pub dtype: String,
}

/// An engine scalar: an expression evaluated over a single row, usually holding scalar subqueries
/// (`ddf.DepDelay.max()`), so it stays lazy and can be used inside other plans.
#[derive(Clone)]
pub struct Scalar {
    pub expr: Expr,
    pub name: String,
}

impl Scalar {
    /// The one-row plan that computes the scalar.
    pub fn to_dataframe(
        &self,
        ctx: &datafusion::prelude::SessionContext,
    ) -> crate::error::Result<DataFrame> {
        let plan = datafusion::logical_expr::LogicalPlanBuilder::empty(true)
            .project(vec![self.expr.clone().alias(self.name.clone())])?
            .build()?;
        Ok(DataFrame::new(ctx.state(), plan))
    }
}

/// `frame.groupby(keys)`, optionally with a column selection.
#[derive(Clone)]
pub struct GroupBy {
    pub frame: Frame,
    /// Key expressions with the names their columns get.
    pub keys: Vec<(Expr, String)>,
    pub selection: Selection,
    pub dropna: bool,
    /// `sort=True` (pandas' default): results sorted by key; `False`: groups in the order of
    /// their first row.
    pub sort: bool,
    /// For `resample`: the key is a time bin number, and results get every bin between the
    /// first and the last, labelled by time.
    pub bins: Option<crate::plan::resample::Rule>,
    /// `as_index=False`: results keep the keys as ordinary columns, in a frame.
    pub as_index: bool,
    /// A single key `pd.cut` made: its categories, and `observed=` (whether categories no
    /// row falls in are left out).
    pub categories: Option<(Arc<Categories>, bool)>,
}

#[derive(Clone, PartialEq)]
pub enum Selection {
    /// All non-key columns.
    All,
    /// `gb["col"]` or `gb.col`: results are series.
    Series(String),
    /// `gb[["a", "b"]]`: results are frames.
    Columns(Vec<String>),
}

/// Effects the planner describes and `exec` performs.
#[derive(Clone)]
pub enum Action {
    Write(WriteRequest),
    /// Run later statements elsewhere: `Client(...)`, `dask.config.set(scheduler=...)`.
    Schedule(ScheduleRequest),
    /// `print(a, b, sep=" ", end="\n")`: Python's `str()` of each value.
    Print {
        values: Vec<Value>,
        sep: String,
        end: String,
    },
    /// Draw the task graph of `df`, a value of `npartitions` partitions, into `path` (.dot,
    /// .svg or .png).
    Visualize {
        df: DataFrame,
        npartitions: usize,
        path: String,
    },
    /// Draw a plot of a few rows the engine aggregates or samples.
    Plot(crate::plan::plot::PlotRequest),
}

/// Where statements should run from now on; unset fields keep the session's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleRequest {
    pub scheduler: crate::config::scheduler::SchedulerKind,
    /// The settings `Client(...)` changes and the text of their values, already checked by
    /// the settings' own parsers: `(workers, "2")`. A `memory_limit` is per worker, as Dask
    /// means it.
    pub changes: Vec<(&'static crate::config::settings::Setting, String)>,
    /// `Client(...)` shows the cluster when printed; `dask.config.set` prints nothing.
    pub is_client: bool,
}

/// A request to write a frame to files, made by `to_csv`/`to_parquet`/`to_json`; `exec`
/// performs it.
#[derive(Clone)]
pub struct WriteRequest {
    pub frame: Frame,
    pub path: String,
    pub format: FileFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Parquet(crate::types::parquet::ParquetCodec),
    Json(crate::types::text::JsonRecords),
}

/// Accessors that are values only until their attribute or subscript is taken.
#[derive(Clone)]
pub enum Accessor {
    Dt(Series),
    Str(Series),
    /// `s.cat` of a categorical series.
    Cat(Series),
    Loc(Frame),
    Iloc(Frame),
    /// `s.loc` and `s.iloc`: rows of a series, by label or by position.
    SeriesLoc(Series),
    SeriesIloc(Series),
    Partitions(Frame),
    /// `s.plot` and `df.plot`: the series or frame, waiting for the kind of plot.
    Plot(Box<Value>),
}

#[derive(Clone)]
pub enum Value {
    Frame(Frame),
    Series(Series),
    /// `df.index` as a statement shows it (pandas' `Index([...])` repr); as an operand it is
    /// the series of its values (see [`Value::operand`]).
    Index(Series),
    Scalar(Scalar),
    GroupBy(GroupBy),
    Accessor(Accessor),
    /// A pandas `Index` of column names (`df.columns`), usable wherever a list of names is.
    Columns(Vec<String>),
    /// A categorical's categories other than text: a pandas `IntervalIndex` of `pd.cut`'s
    /// intervals or an `Index` of numbers, its values as pandas writes them and its dtype
    /// (`interval[int64, right]`, `int64`).
    CategoryIndex(Vec<String>, String),
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    None,
    /// A slice `a:b:c` inside a subscript.
    Slice(Option<i64>, Option<i64>, Option<i64>),
    /// A slice of labels, `"1992-01":"1992-06"` in `.loc[...]` (both ends included).
    LabelSlice(Option<Box<Value>>, Option<Box<Value>>),
    List(Vec<Value>),
    Tuple(Vec<Value>),
    Dict(Vec<(Value, Value)>),
    /// `dd`, `pd`, `dask`, `np`: names that only prefix functions.
    Module(String),
    /// Something with an effect (writing files, drawing a plan), performed when the statement runs.
    Action(Box<Action>),
    /// A `lambda` or one-line `def`, planned each time it is applied to values.
    Lambda(Box<Lambda>),
    /// `s.rolling(window)` or `df.rolling(window)`, waiting for its aggregation.
    Rolling(Box<Rolling>),
    /// `pd.Grouper(key=, freq=)`: a groupby key, binned by time when `freq` is given.
    Grouper(Box<Grouper>),
    /// `dd.Aggregation(name, chunk, agg, finalize)`: a custom groupby aggregation.
    Aggregation(Box<CustomAggregation>),
    /// `pd.CategoricalDtype(categories, ordered)`: what `astype` makes a series categorical with.
    CategoricalDtype(Box<CategoricalDtype>),
    /// A calendar offset that is a frequency only (`pd.offsets.BDay()`): its pandas alias
    /// (`"B"`), which `asfreq` takes as it takes the alias written out.
    Offset(String),
    /// An f-string with engine scalars in it (`f"{ddf.DepDelay.mean():.1f}"`): text once the
    /// session has computed them. f-strings of plain values are plain strings at once.
    Text(Vec<TextPiece>),
}

/// `pd.Grouper(key="Date", freq="ME")`: the column to group by (the index when `None`) and
/// the rule that bins it, as `resample` bins.
#[derive(Clone)]
pub struct Grouper {
    pub key: Option<String>,
    pub freq: Option<String>,
    /// Grouper's own `sort` (False by default, unlike groupby's): groups in order of appearance.
    pub sort: bool,
}

/// `pd.CategoricalDtype(categories=None, ordered=False)`: the categories in their order (plain
/// values; `None` learns them from the data, sorted) and whether that order ranks them.
#[derive(Clone)]
pub struct CategoricalDtype {
    pub categories: Option<Vec<Value>>,
    pub ordered: bool,
}

/// Dask's `dd.Aggregation`: `chunk` reduces each group (of each partition), `agg` reduces the
/// chunks' results grouped again by key, and `finalize` (if any) combines what `agg` gave.
#[derive(Clone)]
pub struct CustomAggregation {
    pub name: String,
    pub chunk: Lambda,
    pub agg: Lambda,
    pub finalize: Option<Lambda>,
}

/// A piece of an f-string waiting for its values.
#[derive(Clone)]
pub enum TextPiece {
    Text(String),
    Field {
        value: Box<Value>,
        conversion: Option<char>,
        spec: String,
    },
}

/// A moving window over rows in order: the series or frame it slides over, its length in
/// rows, how many non-missing values a result needs, and whether the window is centred on the
/// row (rather than ending at it).
#[derive(Clone)]
pub struct Rolling {
    pub target: Value,
    /// The window in rows; for a time window, 0.
    pub window: i64,
    /// A time window (`rolling("2D")`) in nanoseconds: the rows whose index is within that
    /// span up to each row's.
    pub span: Option<i64>,
    pub min_periods: i64,
    pub center: bool,
    /// `expanding()`: every row from the first (of the group) up to this one.
    pub expanding: bool,
    /// `ewm(...)`: every row so far, weighted exponentially (the fields above are unused).
    pub ewm: Option<crate::plan::ewm::Ewm>,
    /// pandas' `closed=`: whether the window's far end (`left`) and the row itself (`right`)
    /// belong to it; "right" by default.
    pub closed: Closed,
}

/// Which ends of a window are inside it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Closed {
    pub left: bool,
    pub right: bool,
}

impl Closed {
    pub const RIGHT: Closed = Closed {
        left: false,
        right: true,
    };
}

/// A function written in the notebook: its parameter names and the expression it returns.
/// It is never run as Python: applying it plans its body with the parameters bound, so
/// `df.apply(lambda r: r.a - r.b, axis=1)` runs at engine speed.
#[derive(Clone)]
pub struct Lambda {
    /// The `def`'s name; `None` for a `lambda`, which pandas names `<lambda>`.
    pub name: Option<String>,
    pub params: Vec<String>,
    /// Each parameter's default (`def f(x, divide=1)`), evaluated where the function was
    /// defined, as Python does; `None` for a parameter every call must give.
    pub defaults: Vec<Option<Value>>,
    /// The parameters as written (`x, sub, divide=1`), for messages.
    pub written: String,
    pub body: crate::lang::ast::Expr,
}

impl Lambda {
    /// An unnamed function whose parameters all have to be given.
    pub fn new(params: Vec<String>, body: crate::lang::ast::Expr) -> Lambda {
        Lambda {
            name: None,
            defaults: vec![None; params.len()],
            written: params.join(", "),
            params,
            body,
        }
    }

    /// pandas' name for the function (`f.__name__`): the `def`'s name, or `<lambda>`.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or("<lambda>")
    }

    /// `name(params)` as written, for usage hints.
    pub fn usage(&self) -> String {
        format!("{}({})", self.display_name(), self.written)
    }
}

impl Value {
    /// The value as an operation takes it: an Index is the series of its values, which every
    /// verb of a series applies to.
    pub fn operand(self) -> Value {
        match self {
            Value::Index(series) => Value::Series(series),
            other => other,
        }
    }

    /// What the value is, for messages: "a frame", "a series", ...
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Frame(_) => "a frame",
            Value::Series(_) => "a series",
            Value::Index(_) => "an Index",
            Value::Scalar(_) => "a scalar",
            Value::GroupBy(_) => "a groupby",
            Value::Accessor(Accessor::Dt(_)) => "a .dt accessor",
            Value::Accessor(Accessor::Str(_)) => "a .str accessor",
            Value::Accessor(Accessor::Cat(_)) => "a .cat accessor",
            Value::Accessor(Accessor::Loc(_)) => "a .loc indexer",
            Value::Accessor(Accessor::Iloc(_)) => "an .iloc indexer",
            Value::Accessor(Accessor::SeriesLoc(_)) => "a .loc indexer",
            Value::Accessor(Accessor::SeriesIloc(_)) => "an .iloc indexer",
            Value::Accessor(Accessor::Partitions(_)) => "a .partitions indexer",
            Value::Accessor(Accessor::Plot(_)) => "a .plot accessor",
            Value::Columns(_) => "an Index of column names",
            Value::CategoryIndex(..) => "an Index of categories",
            Value::Int(_) => "an int",
            Value::Float(_) => "a float",
            Value::Str(_) => "a string",
            Value::Bool(_) => "a bool",
            Value::None => "None",
            Value::Slice(..) | Value::LabelSlice(..) => "a slice",
            Value::List(_) => "a list",
            Value::Tuple(_) => "a tuple",
            Value::Dict(_) => "a dict",
            Value::Module(_) => "a module",
            Value::Action(_) => "an action",
            Value::Lambda(_) => "a function",
            Value::Rolling(_) => "a rolling window",
            Value::Text(_) => "a string",
            Value::Grouper(_) => "a Grouper",
            Value::Aggregation(_) => "a dd.Aggregation",
            Value::CategoricalDtype(_) => "a CategoricalDtype",
            Value::Offset(_) => "a business-day offset",
        }
    }
}
