//! The one registry of verbs: every method, attribute and function ddq understands, with the
//! receivers it applies to, its parameters, help text and an example. The planner binds call
//! arguments against it, and help and completion are generated from it, so they cannot disagree.

use crate::error::span::Span;
use crate::error::{DdqError, Result, closest_match};
use crate::lang::ast::Ident;
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
    Scalar,
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
            Receiver::Scalar => "scalar",
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
    /// Heading under which `help` lists the verb.
    pub group: &'static str,
}

use Form::{Attribute, Method};
use Receiver::{Dt, Frame, Function, GroupBy, Scalar, Series, Str};

const REDUCTION: &[Receiver] = &[Frame, Series, GroupBy];

pub const VERBS: &[Verb] = &[
    // Reading and writing.
    Verb {
        name: "read_csv",
        receivers: &[Function],
        form: Method,
        params: &[
            "path",
            "sep",
            "header",
            "dtype",
            "parse_dates",
            "usecols",
            "na_values",
            "blocksize",
            "delimiter",
        ],
        signature: "read_csv(path | glob | [paths], dtype={...}, parse_dates=..., usecols=[...], sep=\",\", header=0, na_values=[...])",
        summary: "Read CSV files lazily, one partition per file block; types are inferred from a sample of every file.",
        example: "ddf = read_csv(\"data/nycflights/*.csv\", parse_dates={\"Date\": [0, 1, 2]})",
        group: "Reading",
    },
    Verb {
        name: "read_parquet",
        receivers: &[Function],
        form: Method,
        params: &["path", "columns"],
        signature: "read_parquet(path | glob | [paths], columns=[...])",
        summary: "Read Parquet files lazily, one partition per row group.",
        example: "len(read_parquet(\"data/nycflights-1990.parquet\"))",
        group: "Reading",
    },
    Verb {
        name: "len",
        receivers: &[Function],
        form: Method,
        params: &["value"],
        signature: "len(frame | series)",
        summary: "Number of rows.",
        example: "len(ddf)",
        group: "Inspecting",
    },
    Verb {
        name: "print",
        receivers: &[Function],
        form: Method,
        params: &["value"],
        signature: "print(value)",
        summary: "Compute and print a value.",
        example: "print(ddf.DepDelay.max())",
        group: "Inspecting",
    },
    // Schedulers.
    Verb {
        name: "Client",
        receivers: &[Function],
        form: Method,
        params: &["address", "n_workers", "threads_per_worker", "memory_limit"],
        signature: "Client(address=\"df://HOST:PORT\" | n_workers=N, threads_per_worker=T, memory_limit=\"2GB\")",
        summary: "Run statements on a cluster, like dask.distributed's Client: a local one of N worker processes (memory_limit is per worker), or the one at address.",
        example: "client = Client(n_workers=2, threads_per_worker=1)",
        group: "Schedulers",
    },
    Verb {
        name: "dask.config.set",
        receivers: &[Function],
        form: Method,
        params: &["scheduler"],
        signature: "dask.config.set(scheduler=\"threads\" | \"processes\" | \"distributed\")",
        summary: "Choose where statements run (the same as `set scheduler NAME`).",
        example: "dask.config.set(scheduler=\"threads\")",
        group: "Schedulers",
    },
    Verb {
        name: "concat",
        receivers: &[Function],
        form: Method,
        params: &["objs", "ignore_index"],
        signature: "concat([frame, ...])",
        summary: "Stack frames with the same columns, one after another.",
        example: "concat([ddf.head(2), ddf.tail(2)])",
        group: "Combining",
    },
    Verb {
        name: "to_csv",
        receivers: &[Frame, Series],
        form: Method,
        params: &["path", "index", "single_file"],
        signature: "to_csv(\"out.csv\" | \"out/*.csv\")",
        summary: "Write CSV: one file, or one file per partition when the name has a `*`. Files appear only when complete.",
        example: "ddf.head(100).to_csv(\"/tmp/ddq-example.csv\")",
        group: "Writing",
    },
    Verb {
        name: "to_parquet",
        receivers: &[Frame, Series],
        form: Method,
        params: &["path"],
        signature: "to_parquet(\"out/\" | \"out.parquet\")",
        summary: "Write Parquet: a directory with one part.N.parquet per partition, or one .parquet file.",
        example: "ddf.head(100).to_parquet(\"/tmp/ddq-example-parquet\")",
        group: "Writing",
    },
    Verb {
        name: "visualize",
        receivers: &[Frame, Series, Scalar],
        form: Method,
        params: &["filename", "format"],
        signature: "visualize(filename=\"mydask\", format=\"png\")",
        summary: "Draw the execution plan (operators and partitions) as PNG, SVG or DOT; no graphviz needed.",
        example: "ddf.groupby(\"Dest\")[\"ArrDelay\"].min().visualize(\"/tmp/ddq-example-graph.svg\")",
        group: "Writing",
    },
    // Inspecting.
    Verb {
        name: "columns",
        receivers: &[Frame],
        form: Attribute,
        params: &[],
        signature: "df.columns",
        summary: "The column names.",
        example: "ddf.columns",
        group: "Inspecting",
    },
    Verb {
        name: "dtypes",
        receivers: &[Frame],
        form: Attribute,
        params: &[],
        signature: "df.dtypes",
        summary: "The pandas dtype of each column.",
        example: "ddf.dtypes",
        group: "Inspecting",
    },
    Verb {
        name: "dtype",
        receivers: &[Series],
        form: Attribute,
        params: &[],
        signature: "s.dtype",
        summary: "The pandas dtype of the series.",
        example: "ddf.DepDelay.dtype",
        group: "Inspecting",
    },
    Verb {
        name: "name",
        receivers: &[Series],
        form: Attribute,
        params: &[],
        signature: "s.name",
        summary: "The series' name.",
        example: "ddf.DepDelay.name",
        group: "Inspecting",
    },
    Verb {
        name: "shape",
        receivers: &[Frame, Series],
        form: Attribute,
        params: &[],
        signature: "df.shape",
        summary: "(rows, columns); the row count is computed.",
        example: "ddf.shape",
        group: "Inspecting",
    },
    Verb {
        name: "npartitions",
        receivers: &[Frame, Series],
        form: Attribute,
        params: &[],
        signature: "df.npartitions",
        summary: "Number of partitions (file blocks, as Dask counts them).",
        example: "ddf.npartitions",
        group: "Inspecting",
    },
    Verb {
        name: "head",
        receivers: &[Frame, Series],
        form: Method,
        params: &["n", "npartitions", "compute"],
        signature: "head(n=5)",
        summary: "The first n rows in file order.",
        example: "ddf.head(3)",
        group: "Inspecting",
    },
    Verb {
        name: "tail",
        receivers: &[Frame, Series],
        form: Method,
        params: &["n", "compute"],
        signature: "tail(n=5)",
        summary: "The last n rows in file order.",
        example: "ddf.tail(3)",
        group: "Inspecting",
    },
    Verb {
        name: "describe",
        receivers: &[Frame, Series],
        form: Method,
        params: &["percentiles", "include"],
        signature: "describe()",
        summary: "count, mean, std, min, quartiles and max of the numeric columns.",
        example: "ddf[[\"DepDelay\", \"ArrDelay\"]].describe()",
        group: "Aggregating",
    },
    Verb {
        name: "compute",
        receivers: &[Frame, Series, Scalar],
        form: Method,
        params: &["scheduler"],
        signature: "compute(scheduler=\"threads\")",
        summary: "Accepted for Dask compatibility: statements are computed when printed.",
        example: "ddf.DepDelay.max().compute()",
        group: "Dask compatibility",
    },
    Verb {
        name: "persist",
        receivers: &[Frame, Series],
        form: Method,
        params: &["scheduler"],
        signature: "persist()",
        summary: "Computes the value once, on first use, and keeps it (in memory up to half the memory limit, the rest spilled to disk).",
        example: "ddf = ddf.persist()",
        group: "Dask compatibility",
    },
    Verb {
        name: "repartition",
        receivers: &[Frame],
        form: Method,
        params: &["npartitions", "partition_size"],
        signature: "repartition(npartitions=N)",
        summary: "Regroup rows into N partitions, keeping row order.",
        example: "ddf.repartition(npartitions=5).npartitions",
        group: "Partitions",
    },
    Verb {
        name: "partitions",
        receivers: &[Frame],
        form: Attribute,
        params: &[],
        signature: "df.partitions[i]",
        summary: "The i-th partition as a frame.",
        example: "ddf.partitions[1].head()",
        group: "Partitions",
    },
    // Selecting.
    Verb {
        name: "loc",
        receivers: &[Frame],
        form: Attribute,
        params: &[],
        signature: "df.loc[mask], df.loc[mask, cols], df.loc[:, cols]",
        summary: "Select rows by a boolean mask and columns by name.",
        example: "ddf.loc[ddf.DepDelay > 60, [\"Origin\", \"DepDelay\"]]",
        group: "Selecting",
    },
    Verb {
        name: "iloc",
        receivers: &[Frame],
        form: Attribute,
        params: &[],
        signature: "df.iloc[rows, cols]",
        summary: "Select rows and columns by position (rows too, unlike Dask).",
        example: "ddf.iloc[:, [1, 3]]",
        group: "Selecting",
    },
    Verb {
        name: "sample",
        receivers: &[Frame, Series],
        form: Method,
        params: &["n", "frac", "replace", "random_state"],
        signature: "sample(frac=0.01, random_state=None) or sample(n=10)",
        summary: "A reproducible random sample of rows, kept in file order.",
        example: "ddf.sample(frac=0.001, random_state=42)",
        group: "Selecting",
    },
    Verb {
        name: "nlargest",
        receivers: &[Frame, Series],
        form: Method,
        params: &["n", "columns"],
        signature: "nlargest(n, columns)",
        summary: "The n rows with the largest values.",
        example: "ddf.nlargest(3, \"DepDelay\")",
        group: "Selecting",
    },
    Verb {
        name: "nsmallest",
        receivers: &[Frame, Series],
        form: Method,
        params: &["n", "columns"],
        signature: "nsmallest(n, columns)",
        summary: "The n rows with the smallest values.",
        example: "ddf.DepDelay.nsmallest(3)",
        group: "Selecting",
    },
    Verb {
        name: "select_dtypes",
        receivers: &[Frame],
        form: Method,
        params: &["include", "exclude"],
        signature: "select_dtypes(include=\"number\", exclude=None)",
        summary: "The columns of the given kinds (number, object, bool, datetime, or dtype names).",
        example: "ddf.select_dtypes(include=\"number\").columns",
        group: "Selecting",
    },
    Verb {
        name: "drop_duplicates",
        receivers: &[Frame, Series],
        form: Method,
        params: &["subset", "keep"],
        signature: "drop_duplicates(subset=None, keep=\"first\")",
        summary: "Rows that are not repeats of an earlier row.",
        example: "ddf[[\"Origin\", \"Dest\"]].drop_duplicates()",
        group: "Selecting",
    },
    Verb {
        name: "dropna",
        receivers: &[Frame, Series],
        form: Method,
        params: &["how", "subset"],
        signature: "dropna(how=\"any\", subset=None)",
        summary: "Rows without missing values (in subset).",
        example: "ddf.dropna(subset=[\"TailNum\"])",
        group: "Missing values",
    },
    // Transforming.
    Verb {
        name: "assign",
        receivers: &[Frame],
        form: Method,
        params: &[],
        signature: "assign(name=expr, ...)",
        summary: "Add or replace columns.",
        example: "ddf.assign(Gain=ddf.DepDelay - ddf.ArrDelay).head()",
        group: "Transforming",
    },
    Verb {
        name: "astype",
        receivers: &[Frame, Series],
        form: Method,
        params: &["dtype"],
        signature: "astype(dtype | {col: dtype})",
        summary: "Convert to another dtype.",
        example: "ddf.Distance.astype(\"float64\")",
        group: "Transforming",
    },
    Verb {
        name: "rename",
        receivers: &[Frame, Series],
        form: Method,
        params: &["columns", "index"],
        signature: "rename(columns={old: new})",
        summary: "Rename columns (or a series).",
        example: "ddf.rename(columns={\"DepDelay\": \"delay\"}).columns",
        group: "Transforming",
    },
    Verb {
        name: "drop",
        receivers: &[Frame],
        form: Method,
        params: &["labels", "axis", "columns"],
        signature: "drop(columns=[...])",
        summary: "Remove columns.",
        example: "ddf.drop(columns=[\"TailNum\"]).columns",
        group: "Transforming",
    },
    Verb {
        name: "sort_values",
        receivers: &[Frame, Series],
        form: Method,
        params: &["by", "ascending", "na_position"],
        signature: "sort_values(by, ascending=True, na_position=\"last\")",
        summary: "Sort rows (stable: ties keep file order).",
        example: "ddf.sort_values(\"DepDelay\", ascending=False).head()",
        group: "Transforming",
    },
    Verb {
        name: "fillna",
        receivers: &[Frame, Series],
        form: Method,
        params: &["value"],
        signature: "fillna(value | {col: value})",
        summary: "Replace missing values.",
        example: "ddf.DepDelay.fillna(0).mean()",
        group: "Missing values",
    },
    Verb {
        name: "isna",
        receivers: &[Frame, Series],
        form: Method,
        params: &[],
        signature: "isna()",
        summary: "True where a value is missing.",
        example: "ddf.TailNum.isna().sum()",
        group: "Missing values",
    },
    Verb {
        name: "isnull",
        receivers: &[Frame, Series],
        form: Method,
        params: &[],
        signature: "isnull()",
        summary: "Same as isna().",
        example: "ddf.TailNum.isnull().sum()",
        group: "Missing values",
    },
    Verb {
        name: "notna",
        receivers: &[Frame, Series],
        form: Method,
        params: &[],
        signature: "notna()",
        summary: "True where a value is present.",
        example: "ddf.TailNum.notna().sum()",
        group: "Missing values",
    },
    Verb {
        name: "notnull",
        receivers: &[Frame, Series],
        form: Method,
        params: &[],
        signature: "notnull()",
        summary: "Same as notna().",
        example: "ddf.TailNum.notnull().sum()",
        group: "Missing values",
    },
    Verb {
        name: "isin",
        receivers: &[Series],
        form: Method,
        params: &["values"],
        signature: "isin([values])",
        summary: "True where the value is in the list.",
        example: "ddf[ddf.Dest.isin([\"JFK\", \"EWR\", \"LGA\"])].Dest.unique()",
        group: "Comparing",
    },
    Verb {
        name: "between",
        receivers: &[Series],
        form: Method,
        params: &["left", "right", "inclusive"],
        signature: "between(left, right, inclusive=\"both\")",
        summary: "True where left <= value <= right.",
        example: "ddf[ddf.DepDelay.between(0, 10)].DepDelay.count()",
        group: "Comparing",
    },
    Verb {
        name: "abs",
        receivers: &[Series],
        form: Method,
        params: &[],
        signature: "abs()",
        summary: "Absolute values.",
        example: "ddf.DepDelay.abs().max()",
        group: "Transforming",
    },
    Verb {
        name: "round",
        receivers: &[Series, Scalar],
        form: Method,
        params: &["decimals"],
        signature: "round(decimals=0)",
        summary: "Round to the given number of decimals.",
        example: "ddf.DepDelay.mean().round(2)",
        group: "Transforming",
    },
    Verb {
        name: "unique",
        receivers: &[Series],
        form: Method,
        params: &[],
        signature: "unique()",
        summary: "Distinct values in order of first appearance.",
        example: "ddf.Origin.unique()",
        group: "Aggregating",
    },
    Verb {
        name: "value_counts",
        receivers: &[Series],
        form: Method,
        params: &["sort", "ascending", "dropna", "normalize"],
        signature: "value_counts(ascending=False, dropna=True, normalize=False)",
        summary: "How often each value occurs, most frequent first; the counts are named `count`.",
        example: "ddf.Cancelled.value_counts()",
        group: "Aggregating",
    },
    Verb {
        name: "merge",
        receivers: &[Frame],
        form: Method,
        params: &["right", "how", "on", "left_on", "right_on", "suffixes"],
        signature: "merge(right, on=, how=\"inner\", left_on=, right_on=, suffixes=(\"_x\", \"_y\"))",
        summary: "Join with another frame on key columns.",
        example: "ddf.merge(ddf.groupby(\"Dest\").DepDelay.mean().rename(\"MeanDelay\"), on=\"Dest\").head()",
        group: "Combining",
    },
    Verb {
        name: "groupby",
        receivers: &[Frame],
        form: Method,
        params: &["by", "dropna", "sort"],
        signature: "groupby(key | [keys] | series)",
        summary: "Group rows by keys; results carry the keys first, sorted by key.",
        example: "ddf.groupby(\"Origin\").DepDelay.mean()",
        group: "Grouping",
    },
    Verb {
        name: "agg",
        receivers: &[Frame, Series, GroupBy],
        form: Method,
        params: &["func"],
        signature: "agg(\"fn\" | [\"fn\", ...] | {col: \"fn\" | [\"fn\", ...]})",
        summary: "Aggregate with named functions.",
        example: "ddf.groupby(\"Origin\").agg({\"DepDelay\": \"mean\", \"Distance\": \"max\"})",
        group: "Grouping",
    },
    Verb {
        name: "aggregate",
        receivers: &[Frame, Series, GroupBy],
        form: Method,
        params: &["func"],
        signature: "aggregate(...)",
        summary: "Same as agg().",
        example: "ddf.groupby(\"Origin\").DepDelay.aggregate(\"max\")",
        group: "Grouping",
    },
    Verb {
        name: "size",
        receivers: &[GroupBy],
        form: Method,
        params: &[],
        signature: "size()",
        summary: "Rows per group (nulls included).",
        example: "ddf.groupby(\"Origin\").size()",
        group: "Grouping",
    },
    Verb {
        name: "first",
        receivers: &[GroupBy],
        form: Method,
        params: &[],
        signature: "first()",
        summary: "First non-missing value per group, in file order.",
        example: "ddf.groupby(\"Origin\").TailNum.first()",
        group: "Grouping",
    },
    Verb {
        name: "last",
        receivers: &[GroupBy],
        form: Method,
        params: &[],
        signature: "last()",
        summary: "Last non-missing value per group, in file order.",
        example: "ddf.groupby(\"Origin\").TailNum.last()",
        group: "Grouping",
    },
    Verb {
        name: "count",
        receivers: REDUCTION,
        form: Method,
        params: &[],
        signature: "count()",
        summary: "Non-missing values (per column, per group).",
        example: "ddf.count()",
        group: "Aggregating",
    },
    Verb {
        name: "sum",
        receivers: REDUCTION,
        form: Method,
        params: &["numeric_only"],
        signature: "sum()",
        summary: "Sum, skipping missing values.",
        example: "ddf.Distance.sum()",
        group: "Aggregating",
    },
    Verb {
        name: "mean",
        receivers: REDUCTION,
        form: Method,
        params: &["numeric_only"],
        signature: "mean()",
        summary: "Mean, skipping missing values.",
        example: "ddf.groupby(\"Origin\").DepDelay.mean()",
        group: "Aggregating",
    },
    Verb {
        name: "min",
        receivers: REDUCTION,
        form: Method,
        params: &["numeric_only"],
        signature: "min()",
        summary: "Minimum, skipping missing values.",
        example: "ddf.groupby(\"Dest\")[\"ArrDelay\"].min()",
        group: "Aggregating",
    },
    Verb {
        name: "max",
        receivers: REDUCTION,
        form: Method,
        params: &["numeric_only"],
        signature: "max()",
        summary: "Maximum, skipping missing values.",
        example: "ddf.DepDelay.max()",
        group: "Aggregating",
    },
    Verb {
        name: "std",
        receivers: REDUCTION,
        form: Method,
        params: &["ddof", "numeric_only"],
        signature: "std(ddof=1)",
        summary: "Standard deviation (sample, ddof=1).",
        example: "ddf.DepDelay.std()",
        group: "Aggregating",
    },
    Verb {
        name: "var",
        receivers: REDUCTION,
        form: Method,
        params: &["ddof", "numeric_only"],
        signature: "var(ddof=1)",
        summary: "Variance (sample, ddof=1).",
        example: "ddf.DepDelay.var()",
        group: "Aggregating",
    },
    Verb {
        name: "median",
        receivers: REDUCTION,
        form: Method,
        params: &["numeric_only"],
        signature: "median()",
        summary: "Median (exact), skipping missing values.",
        example: "ddf.DepDelay.median()",
        group: "Aggregating",
    },
    Verb {
        name: "nunique",
        receivers: REDUCTION,
        form: Method,
        params: &["dropna"],
        signature: "nunique()",
        summary: "Number of distinct non-missing values.",
        example: "ddf.Dest.nunique()",
        group: "Aggregating",
    },
    // Accessors.
    Verb {
        name: "dt",
        receivers: &[Series],
        form: Attribute,
        params: &[],
        signature: "s.dt.<field>",
        summary: "Date and time fields of a datetime series.",
        example: "ddf.Date.dt.year.max()",
        group: "Dates and strings",
    },
    Verb {
        name: "str",
        receivers: &[Series],
        form: Attribute,
        params: &[],
        signature: "s.str.<method>()",
        summary: "String methods of a text series.",
        example: "ddf.Dest.str.lower().unique()",
        group: "Dates and strings",
    },
    Verb {
        name: "year",
        receivers: &[Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.year",
        summary: "Year of each date.",
        example: "ddf.Date.dt.year.unique()",
        group: "Dates and strings",
    },
    Verb {
        name: "month",
        receivers: &[Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.month",
        summary: "Month (1-12).",
        example: "ddf.Date.dt.month.max()",
        group: "Dates and strings",
    },
    Verb {
        name: "day",
        receivers: &[Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.day",
        summary: "Day of the month.",
        example: "ddf.Date.dt.day.max()",
        group: "Dates and strings",
    },
    Verb {
        name: "dayofweek",
        receivers: &[Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.dayofweek",
        summary: "Day of the week, Monday=0 ... Sunday=6.",
        example: "ddf.Date.dt.dayofweek.value_counts()",
        group: "Dates and strings",
    },
    Verb {
        name: "weekday",
        receivers: &[Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.weekday",
        summary: "Same as dayofweek.",
        example: "ddf.Date.dt.weekday.max()",
        group: "Dates and strings",
    },
    Verb {
        name: "dayofyear",
        receivers: &[Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.dayofyear",
        summary: "Day of the year (1-366).",
        example: "ddf.Date.dt.dayofyear.max()",
        group: "Dates and strings",
    },
    Verb {
        name: "quarter",
        receivers: &[Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.quarter",
        summary: "Quarter (1-4).",
        example: "ddf.Date.dt.quarter.value_counts()",
        group: "Dates and strings",
    },
    Verb {
        name: "hour",
        receivers: &[Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.hour",
        summary: "Hour (0-23).",
        example: "ddf.Date.dt.hour.max()",
        group: "Dates and strings",
    },
    Verb {
        name: "minute",
        receivers: &[Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.minute",
        summary: "Minute (0-59).",
        example: "ddf.Date.dt.minute.max()",
        group: "Dates and strings",
    },
    Verb {
        name: "second",
        receivers: &[Dt],
        form: Attribute,
        params: &[],
        signature: "s.dt.second",
        summary: "Second (0-59).",
        example: "ddf.Date.dt.second.max()",
        group: "Dates and strings",
    },
    Verb {
        name: "lower",
        receivers: &[Str],
        form: Method,
        params: &[],
        signature: "s.str.lower()",
        summary: "Lower-case text.",
        example: "ddf.Origin.str.lower().unique()",
        group: "Dates and strings",
    },
    Verb {
        name: "upper",
        receivers: &[Str],
        form: Method,
        params: &[],
        signature: "s.str.upper()",
        summary: "Upper-case text.",
        example: "ddf.Origin.str.upper().unique()",
        group: "Dates and strings",
    },
    Verb {
        name: "len",
        receivers: &[Str],
        form: Method,
        params: &[],
        signature: "s.str.len()",
        summary: "Length of each text in characters.",
        example: "ddf.TailNum.str.len().max()",
        group: "Dates and strings",
    },
    Verb {
        name: "strip",
        receivers: &[Str],
        form: Method,
        params: &[],
        signature: "s.str.strip()",
        summary: "Text without surrounding whitespace.",
        example: "ddf.Dest.str.strip().nunique()",
        group: "Dates and strings",
    },
    Verb {
        name: "contains",
        receivers: &[Str],
        form: Method,
        params: &["pat", "case", "regex", "na"],
        signature: "s.str.contains(pat, case=True, regex=True)",
        summary: "True where the text matches the pattern.",
        example: "ddf[ddf.TailNum.str.contains(\"N1\")].TailNum.count()",
        group: "Dates and strings",
    },
    Verb {
        name: "startswith",
        receivers: &[Str],
        form: Method,
        params: &["pat", "na"],
        signature: "s.str.startswith(prefix)",
        summary: "True where the text starts with prefix.",
        example: "ddf[ddf.Dest.str.startswith(\"S\")].Dest.unique()",
        group: "Dates and strings",
    },
    Verb {
        name: "endswith",
        receivers: &[Str],
        form: Method,
        params: &["pat", "na"],
        signature: "s.str.endswith(suffix)",
        summary: "True where the text ends with suffix.",
        example: "ddf[ddf.Dest.str.endswith(\"O\")].Dest.unique()",
        group: "Dates and strings",
    },
    Verb {
        name: "replace",
        receivers: &[Str],
        form: Method,
        params: &["pat", "repl", "regex"],
        signature: "s.str.replace(pat, repl, regex=False)",
        summary: "Replace occurrences of pat.",
        example: "ddf.Dest.str.replace(\"A\", \"a\").unique()",
        group: "Dates and strings",
    },
];

/// The verbs that apply to a receiver, in registry order.
pub fn verbs_for(receiver: Receiver) -> impl Iterator<Item = &'static Verb> {
    VERBS
        .iter()
        .filter(move |v| v.receivers.contains(&receiver))
}

pub fn find(receiver: Receiver, name: &str) -> Option<&'static Verb> {
    verbs_for(receiver).find(|v| v.name == name)
}

/// All verbs with this name, on any receiver (for `help NAME`).
pub fn named(name: &str) -> Vec<&'static Verb> {
    VERBS.iter().filter(|v| v.name == name).collect()
}

/// The error for a method or attribute that the receiver does not have, with a did-you-mean
/// and, when another kind of value has it, which one.
pub fn unknown_verb(receiver: Receiver, name: &str, extra: &[String]) -> DdqError {
    let elsewhere: Vec<&str> = VERBS
        .iter()
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
        other => format!("a {}", other.describe()),
    }
}

/// Call arguments matched to a verb's parameters.
pub struct Args {
    verb: &'static Verb,
    values: Vec<(String, Value, Span)>,
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
        let open_keywords = verb.name == "assign";
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
        let mut values: Vec<(String, Value, Span)> = positional
            .into_iter()
            .zip(verb.params)
            .map(|((value, span), name)| (name.to_string(), value, span))
            .collect();
        let mut extra = Vec::new();
        for (ident, value) in keywords {
            if verb.params.contains(&ident.name.as_str()) {
                if values.iter().any(|(n, _, _)| *n == ident.name) {
                    return Err(DdqError::type_error(format!(
                        "{}() got multiple values for argument `{}`",
                        verb.name, ident.name
                    ))
                    .at(ident.span));
                }
                values.push((ident.name.clone(), value, ident.span));
            } else if open_keywords {
                extra.push((ident, value));
            } else {
                return Err(unsupported_keyword(verb, &ident));
            }
        }
        Ok(Args {
            verb,
            values,
            extra,
            call_span,
        })
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, v, _)| v)
    }

    /// The span of an argument, or of the whole call when it was not given.
    pub fn span(&self, name: &str) -> Span {
        self.values
            .iter()
            .find(|(n, _, _)| n == name)
            .map_or(self.call_span, |(_, _, s)| *s)
    }

    pub fn require(&self, name: &str) -> Result<Value> {
        self.get(name).cloned().ok_or_else(|| {
            DdqError::type_error(format!(
                "{}() is missing the argument `{name}`",
                self.verb.name
            ))
            .at(self.call_span)
            .with_help(format!("usage: {}", self.verb.signature))
        })
    }

    pub fn verb(&self) -> &'static Verb {
        self.verb
    }

    /// An error about one argument's value, pointing at it.
    pub fn invalid(&self, name: &str, message: impl Into<String>) -> DdqError {
        DdqError::type_error(message)
            .at(self.span(name))
            .with_help(format!("usage: {}", self.verb.signature))
    }
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
        for verb in VERBS {
            assert!(!verb.summary.is_empty(), "{} has no summary", verb.name);
            assert!(!verb.example.is_empty(), "{} has no example", verb.name);
            assert!(!verb.receivers.is_empty(), "{} has no receiver", verb.name);
        }
    }

    #[test]
    fn names_are_unique_per_receiver() {
        for (i, a) in VERBS.iter().enumerate() {
            for b in &VERBS[i + 1..] {
                let shared = a.receivers.iter().any(|r| b.receivers.contains(r));
                assert!(!(a.name == b.name && shared), "{} defined twice", a.name);
            }
        }
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
