#!/usr/bin/env python3
"""Computes pandas' answers for ddq's reference suites on the committed sample.

ddq claims to give the answers a Dask user would get. Dask delegates every one of these
operations to pandas, so pandas on the same files is the oracle. Each suite is a directory of
tests/reference/ holding one CSV per task, in the exact layout ddq's `--format csv` output
follows, plus tasks.tsv, which tells tests/reference_answers.rs which ddq statements produce
each file:
  * nycflights/ - every task of queries/nycflights.q, the Dask course workflow; its read
    statement comes from the workflow itself;
  * operations/ - one small task per operation of the language, run after the statement in
    its prelude.q (the workflow's read, without the `dd.` prefix).

Run it through regenerate.sh (which pins pandas); run it again whenever data/nycflights,
queries/nycflights.q or a task here changes, and commit what it writes.

Layout of the answer files (ddq's CSV output follows the same rules):
  * a frame with no keys: header, then rows, no index;
  * a grouped result or value_counts: key columns first, named as pandas names the index, then
    the value columns (a series' value column is named after the series);
  * a plain series: one column headed by its name;
  * ddf.columns -> one column `column`; ddf.dtypes -> `column,dtype`; ddf.count() -> `column,count`;
  * a per-column reduction of a frame (sum, mean, isna().sum(), ...) -> `column,<fn>`, and a
    row taken as a series (df.iloc[5]) -> `column,5`; describe() -> key column `statistic`;
  * groupby(...).size() -> unnamed, value column `0` (as_index=False: `size`); value_counts(normalize=True) -> `proportion`;
  * unique() -> a plain series named after the column, in order of first appearance;
  * a scalar: the bare value on one line (a timestamp as str() prints it); a tuple as repr;
  * floats as Python repr, nulls as empty fields, booleans as True/False, all-midnight
    datetimes as YYYY-MM-DD.
"""

import glob
import warnings
import os
import sys

import numpy as np
import pandas as pd

# pct_change's default fill_method="pad" is what ddq reproduces; pandas 2.2 warns that the
# default will change.
warnings.filterwarnings("ignore", "The default fill_method", FutureWarning)
# to_datetime(errors="coerce") of text that is no date warns that it falls back to dateutil.
warnings.filterwarnings("ignore", "Could not infer format", UserWarning)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA_GLOB = os.path.join(ROOT, "data", "nycflights", "*.csv")
WORKFLOW = os.path.join(ROOT, "queries", "nycflights.q")
# The JSON samples read_json's tasks read (data/json/make.py writes them).
JSON_LINES = os.path.join(ROOT, "data", "json", "flights.jsonl")
JSON_RECORDS = os.path.join(ROOT, "data", "json", "flights-records.json")
REFERENCE_DIR = os.path.join(ROOT, "tests", "reference")
# The operations suite's first statement: the workflow's read, which read_flights() mirrors.
OPERATIONS_PRELUDE = (
    'ddf = read_csv("data/nycflights/*.csv", parse_dates={"Date": [0, 1, 2]}, '
    'dtype={"CRSElapsedTime": "float64", "TailNum": "object", "Cancelled": "bool"})'
)

# The dtype= argument of the workflow's read_csv.
DTYPES = {"CRSElapsedTime": "float64", "TailNum": "object", "Cancelled": "bool"}
SAMPLE_FRAC = 0.001
SAMPLE_SEED = 42
# Dask makes one partition per input file here.
REPARTITIONED = 5


def read_flights():
    """The workflow's read_csv, done as pandas < 2 did parse_dates={"Date": [0, 1, 2]}.

    Returns the frame and the number of rows of each file, in file order (Dask's partitions).
    """
    paths = sorted(glob.glob(DATA_GLOB))
    if not paths:
        sys.exit(f"no files match {DATA_GLOB}; run data/generate.py first")
    parts = [pd.read_csv(path, dtype=DTYPES) for path in paths]
    flights = pd.concat(parts, ignore_index=True)
    date = pd.to_datetime(
        flights[["Year", "Month", "DayofMonth"]].rename(
            columns={"Year": "year", "Month": "month", "DayofMonth": "day"}
        )
    )
    flights = flights.drop(columns=["Year", "Month", "DayofMonth"])
    flights.insert(0, "Date", date)
    return flights, [len(p) for p in parts]


def frame_csv(frame):
    return frame.to_csv(index=False, lineterminator="\n")


def keyed_csv(result):
    """A groupby or value_counts result: its index becomes the leading key columns."""
    return result.to_csv(index=True, header=True, lineterminator="\n")


def scalar_csv(value):
    """A printed scalar, as print() shows it; numpy 2 scalars repr as np.float64(...), so go
    through Python's own types."""
    if isinstance(value, (bool, str, pd.Timestamp, pd.Timedelta)) or getattr(value, "dtype", None) == bool:
        return f"{value}\n"
    if isinstance(value, tuple):
        return f"{tuple(int(v) for v in value)!r}\n"
    if isinstance(value, float) or (hasattr(value, "dtype") and value.dtype.kind == "f"):
        return f"{float(value)!r}\n"
    return f"{int(value)}\n"


def named_column_csv(index_header, value_header, pairs):
    frame = pd.DataFrame(list(pairs), columns=[index_header, value_header])
    return frame_csv(frame)


def series_csv(series):
    """A plain series: one column headed by its name."""
    return frame_csv(series.to_frame())


def per_column_csv(series, value_header):
    """A series indexed by column names (a frame reduction, a row taken by position)."""
    return named_column_csv("column", value_header, series.items())


def unique_csv(series):
    return series_csv(pd.Series(series.unique(), name=series.name))


def describe_csv(described):
    return keyed_csv(described.rename_axis("statistic"))


def size_csv(sizes):
    """A size() series: pandas leaves it unnamed, so its column is headed 0."""
    assert sizes.name is None, sizes.name
    return keyed_csv(sizes)


def partition(ddf, sizes, number):
    start = sum(sizes[:number])
    return ddf.iloc[start : start + sizes[number]]


def nyc_dest_means(ddf):
    numcols = ddf.select_dtypes(include="number").columns
    return ddf[ddf["Dest"].isin(["JFK", "EWR", "LGA"])].groupby("Dest")[numcols].mean()


# (task name, mode, ddq statements exactly as written in queries/nycflights.q, pandas answer)
WORKFLOW_TASKS = [
    ("columns", "exact", ["ddf.columns"], lambda d, s: frame_csv(pd.DataFrame({"column": list(d.columns)}))),
    ("dtypes", "exact", ["ddf.dtypes"], lambda d, s: named_column_csv("column", "dtype", ((c, str(t)) for c, t in d.dtypes.items()))),
    ("npartitions", "exact", ["ddf.npartitions"], lambda d, s: scalar_csv(len(s))),
    ("length", "exact", ["len(ddf)"], lambda d, s: scalar_csv(len(d))),
    ("tail", "exact", ["ddf.tail(10)"], lambda d, s: frame_csv(d.tail(10))),
    (
        "sample",
        "sample",
        ['ddf[["CRSElapsedTime", "TailNum"]].sample(frac=0.001, random_state=42).compute()'],
        lambda d, s: frame_csv(d[["CRSElapsedTime", "TailNum"]].sample(frac=SAMPLE_FRAC, random_state=SAMPLE_SEED)),
    ),
    ("series", "exact", ['ddf["TailNum"].compute()'], lambda d, s: frame_csv(d["TailNum"].to_frame())),
    (
        "loc_below_mean",
        "exact",
        ['ddf.loc[ddf["ArrTime"] < ddf["ArrTime"].mean()].compute()'],
        lambda d, s: frame_csv(d.loc[d["ArrTime"] < d["ArrTime"].mean()]),
    ),
    ("iloc_columns", "exact", ["ddf.iloc[:, [1, 3]].compute()"], lambda d, s: frame_csv(d.iloc[:, [1, 3]])),
    (
        "repartition_npartitions",
        "exact",
        ["ddf.repartition(npartitions=5).npartitions"],
        lambda d, s: scalar_csv(REPARTITIONED),
    ),
    ("partition_1", "exact", ["ddf.partitions[1].compute()"], lambda d, s: frame_csv(partition(d, s, 1))),
    ("count", "exact", ["ddf.count().compute()"], lambda d, s: named_column_csv("column", "count", d.count().items())),
    ("value_counts", "exact", ["ddf.Cancelled.value_counts().compute()"], lambda d, s: keyed_csv(d.Cancelled.value_counts())),
    ("max_delay", "exact", ["ddf.DepDelay.max().compute()"], lambda d, s: scalar_csv(d.DepDelay.max())),
    ("cancelled_rows", "exact", ["ddf[ddf.Cancelled].compute()"], lambda d, s: frame_csv(d[d.Cancelled])),
    ("monday_count", "exact", ["len(ddf[ddf.DayOfWeek == 1])"], lambda d, s: scalar_csv(len(d[d.DayOfWeek == 1]))),
    (
        "non_cancelled_by_origin",
        "exact",
        ['ddf[~ddf.Cancelled].groupby("Origin").Origin.count().compute()'],
        lambda d, s: keyed_csv(d[~d.Cancelled].groupby("Origin").Origin.count()),
    ),
    (
        "ratio_by_origin",
        "exact",
        ['(ddf[~ddf.Cancelled].groupby("Origin").Origin.count() / ddf.groupby("Origin").Origin.count()).compute()'],
        lambda d, s: keyed_csv(d[~d.Cancelled].groupby("Origin").Origin.count() / d.groupby("Origin").Origin.count()),
    ),
    (
        "delay_by_origin_weekday",
        "exact",
        ['ddf.groupby(["Origin", "DayOfWeek"]).DepDelay.mean().compute()'],
        lambda d, s: keyed_csv(d.groupby(["Origin", "DayOfWeek"]).DepDelay.mean()),
    ),
    (
        "nyc_dest_means",
        "exact",
        [
            'numcols = ddf.select_dtypes(include="number").columns',
            'ddf[ddf["Dest"].isin(["JFK", "EWR", "LGA"])].groupby("Dest")[numcols].mean().compute()',
        ],
        lambda d, s: keyed_csv(nyc_dest_means(d)),
    ),
    (
        "yearly_max",
        "exact",
        ['ddf.groupby(ddf.Date.dt.year)[["ActualElapsedTime", "Distance"]].max().compute()'],
        lambda d, s: keyed_csv(d.groupby(d.Date.dt.year)[["ActualElapsedTime", "Distance"]].max()),
    ),
    (
        "min_delay_by_dest",
        "exact",
        ['x = ddf.groupby("Dest")["ArrDelay"].min()', 'x.compute(scheduler="threads")'],
        lambda d, s: keyed_csv(d.groupby("Dest")["ArrDelay"].min()),
    ),
]


# Frames the merge tasks join: a few flights, and the distinct long routes (several per key).
MERGE_FRAMES = [
    'a = ddf[["Dest", "Origin", "FlightNum"]].iloc[0:12]',
    'b = ddf[ddf.Distance > 2000][["Dest", "Distance"]].drop_duplicates()',
]


def merge_frames(d):
    return d[["Dest", "Origin", "FlightNum"]].iloc[0:12], d[d.Distance > 2000][["Dest", "Distance"]].drop_duplicates()


# Frames the merge_asof tasks match by time: JFK's flights against LGA's (both in date order).
ASOF_FRAMES = [
    'jfk = ddf[ddf.Origin == "JFK"][["Date", "Dest", "DepDelay"]]',
    'lga = ddf[ddf.Origin == "LGA"][["Date", "Dest", "ArrDelay", "DepDelay"]]',
]


def asof_frames(d):
    return d[d.Origin == "JFK"][["Date", "Dest", "DepDelay"]], d[d.Origin == "LGA"][["Date", "Dest", "ArrDelay", "DepDelay"]]


def merged(d, how):
    a, b = merge_frames(d)
    return frame_csv(a.merge(b, on="Dest", how=how))


def with_date_fields(d):
    x = d[d.FlightNum == 251]
    fields = x.assign(Year=x.Date.dt.year, Month=x.Date.dt.month, Day=x.Date.dt.day, Weekday=x.Date.dt.dayofweek)
    return fields[["Date", "DayOfWeek", "Year", "Month", "Day", "Weekday"]]


def floor_and_modulo_floats(d):
    x = d[d.DepDelay < -10]
    return x.assign(Weeks=x.DepDelay // 7, Rest=x.DepDelay % 7)[["DepDelay", "Weeks", "Rest"]]


def floor_and_modulo_ints(d):
    x = d[d.CRSArrTime < d.CRSDepTime]
    spans = x.assign(
        Span=x.CRSArrTime - x.CRSDepTime,
        Hours=(x.CRSArrTime - x.CRSDepTime) // 100,
        Rest=(x.CRSArrTime - x.CRSDepTime) % 100,
    )
    return spans[["CRSDepTime", "CRSArrTime", "Span", "Hours", "Rest"]].head(10)


def routes(d):
    return d.assign(Route=d.Origin.str.lower() + "-" + d.Dest.str.lower())


# Small tasks, one per operation of the language, each checked against pandas. The pandas side
# is written as pandas spells ddq's documented behaviour: sorts are stable (kind="stable"),
# frame reductions are numeric_only=True for sum/mean/std/var/median, null group keys dropped.
OPERATION_TASKS = [
    # Shape and attributes
    ("head", "exact", ["ddf.head(7)"], lambda d, s: frame_csv(d.head(7))),
    ("tail_columns", "exact", ['ddf[["Origin", "Dest", "DepDelay"]].tail(6)'], lambda d, s: frame_csv(d[["Origin", "Dest", "DepDelay"]].tail(6))),
    ("len_filtered", "exact", ["len(ddf[ddf.DepDelay > 60])"], lambda d, s: scalar_csv(len(d[d.DepDelay > 60]))),
    ("len_series", "exact", ["len(ddf.TailNum)"], lambda d, s: scalar_csv(len(d.TailNum))),
    ("shape", "exact", ["ddf.shape"], lambda d, s: scalar_csv(d.shape)),
    ("shape_filtered", "exact", ['ddf[ddf.Origin == "JFK"][["Dest", "Distance"]].shape'], lambda d, s: scalar_csv(d[d.Origin == "JFK"][["Dest", "Distance"]].shape)),
    ("columns_selection", "exact", ['ddf[["Dest", "Origin", "Distance"]].columns'], lambda d, s: frame_csv(pd.DataFrame({"column": ["Dest", "Origin", "Distance"]}))),
    (
        "dtypes_after_astype",
        "exact",
        ['ddf[["Date", "Distance", "Cancelled", "Origin"]].astype({"Distance": "float64", "Cancelled": "int64"}).dtypes'],
        lambda d, s: named_column_csv("column", "dtype", ((c, str(t)) for c, t in d[["Date", "Distance", "Cancelled", "Origin"]].astype({"Distance": "float64", "Cancelled": "int64"}).dtypes.items())),
    ),
    # Column selection
    ("column_attribute", "exact", ["ddf.DepDelay.head(5)"], lambda d, s: series_csv(d.DepDelay.head(5))),
    ("column_subscript", "exact", ['ddf["Dest"].tail(4)'], lambda d, s: series_csv(d["Dest"].tail(4))),
    ("column_list", "exact", ['ddf[["Dest", "Origin", "Distance"]].head(5)'], lambda d, s: frame_csv(d[["Dest", "Origin", "Distance"]].head(5))),
    # Boolean masks and comparisons
    (
        "mask_and",
        "exact",
        ['ddf[(ddf.Origin == "JFK") & (ddf.DepDelay > 180)][["Date", "Origin", "Dest", "DepDelay"]]'],
        lambda d, s: frame_csv(d[(d.Origin == "JFK") & (d.DepDelay > 180)][["Date", "Origin", "Dest", "DepDelay"]]),
    ),
    (
        "mask_or_not_with_nulls",
        "exact",
        ['ddf[~(ddf.DepDelay <= 250) | (ddf.Distance > 2575)][["Dest", "DepDelay"]]'],
        lambda d, s: frame_csv(d[~(d.DepDelay <= 250) | (d.Distance > 2575)][["Dest", "DepDelay"]]),
    ),
    ("mask_not_equal_with_nulls", "exact", ["len(ddf[ddf.DepDelay != 0])"], lambda d, s: scalar_csv(len(d[d.DepDelay != 0]))),
    ("mask_column_vs_column", "exact", ["len(ddf[ddf.ArrDelay > ddf.DepDelay])"], lambda d, s: scalar_csv(len(d[d.ArrDelay > d.DepDelay]))),
    ("mask_text_order", "exact", ['len(ddf[ddf.Dest < "C"])'], lambda d, s: scalar_csv(len(d[d.Dest < "C"]))),
    (
        "mask_bool_column",
        "exact",
        ["len(ddf[~ddf.Cancelled & (ddf.Diverted == 0) & (ddf.Distance >= 1000)])"],
        lambda d, s: scalar_csv(len(d[~d.Cancelled & (d.Diverted == 0) & (d.Distance >= 1000)])),
    ),
    # loc and iloc
    ("loc_mask", "exact", ["ddf.loc[ddf.Distance > 2500].head(10)"], lambda d, s: frame_csv(d.loc[d.Distance > 2500].head(10))),
    (
        "loc_mask_columns",
        "exact",
        ['ddf.loc[ddf.DepDelay > 300, ["Date", "Origin", "DepDelay"]]'],
        lambda d, s: frame_csv(d.loc[d.DepDelay > 300, ["Date", "Origin", "DepDelay"]]),
    ),
    ("loc_all_rows", "exact", ['ddf.loc[:, ["Origin", "ArrDelay"]].tail(5)'], lambda d, s: frame_csv(d.loc[:, ["Origin", "ArrDelay"]].tail(5))),
    ("iloc_columns", "exact", ["ddf.iloc[:, [0, 14, 15]].head(5)"], lambda d, s: frame_csv(d.iloc[:, [0, 14, 15]].head(5))),
    ("iloc_slice", "exact", ["ddf.iloc[100:105]"], lambda d, s: frame_csv(d.iloc[100:105])),
    ("iloc_negative_slice", "exact", ["ddf.iloc[-3:]"], lambda d, s: frame_csv(d.iloc[-3:])),
    ("iloc_list", "exact", ["ddf.iloc[[0, -1]]"], lambda d, s: frame_csv(d.iloc[[0, -1]])),
    ("iloc_int", "exact", ["ddf.iloc[5]"], lambda d, s: per_column_csv(d.iloc[5], "5")),
    ("iloc_rows_columns", "exact", ["ddf.iloc[2038:2043, [0, 14, 15]]"], lambda d, s: frame_csv(d.iloc[2038:2043, [0, 14, 15]])),
    # Reductions of a series
    ("series_count", "exact", ["ddf.TailNum.count()"], lambda d, s: scalar_csv(d.TailNum.count())),
    ("series_sum", "exact", ["ddf.Distance.sum()"], lambda d, s: scalar_csv(d.Distance.sum())),
    ("series_sum_bool", "exact", ["ddf.Cancelled.sum()"], lambda d, s: scalar_csv(d.Cancelled.sum())),
    # pandas' sum of no values is 0, not NaN: all missing, or no rows at all.
    ("series_sum_all_missing", "exact", ["ddf[ddf.DepDelay.isna()].DepDelay.sum()"], lambda d, s: scalar_csv(d[d.DepDelay.isna()].DepDelay.sum())),
    ("series_sum_no_rows", "exact", ["ddf[ddf.DepDelay > 100000].DepDelay.sum()"], lambda d, s: scalar_csv(d[d.DepDelay > 100000].DepDelay.sum())),
    ("series_mean", "exact", ["ddf.ArrDelay.mean()"], lambda d, s: scalar_csv(d.ArrDelay.mean())),
    ("series_min", "exact", ["ddf.ArrDelay.min()"], lambda d, s: scalar_csv(d.ArrDelay.min())),
    ("series_min_text", "exact", ["ddf.Dest.min()"], lambda d, s: scalar_csv(d.Dest.min())),
    ("series_max_date", "exact", ["ddf.Date.max()"], lambda d, s: scalar_csv(d.Date.max())),
    ("series_std", "exact", ["ddf.DepDelay.std()"], lambda d, s: scalar_csv(d.DepDelay.std())),
    ("series_var", "exact", ["ddf.ArrDelay.var()"], lambda d, s: scalar_csv(d.ArrDelay.var())),
    ("series_nunique", "exact", ["ddf.TailNum.nunique()"], lambda d, s: scalar_csv(d.TailNum.nunique())),
    ("series_median", "exact", ["ddf.DepDelay.median()"], lambda d, s: scalar_csv(d.DepDelay.median())),
    # Reductions of a frame, one value per column
    ("frame_count", "exact", ["ddf[ddf.Cancelled].count()"], lambda d, s: per_column_csv(d[d.Cancelled].count(), "count")),
    ("frame_sum", "exact", ["ddf.sum()"], lambda d, s: per_column_csv(d.sum(numeric_only=True), "sum")),
    (
        "frame_sum_all_missing",
        "exact",
        ['ddf[ddf.DepDelay.isna()][["DepDelay", "Distance"]].sum()'],
        lambda d, s: per_column_csv(d[d.DepDelay.isna()][["DepDelay", "Distance"]].sum(), "sum"),
    ),
    ("frame_mean", "exact", ['ddf[["DepDelay", "ArrDelay", "Cancelled"]].mean()'], lambda d, s: per_column_csv(d[["DepDelay", "ArrDelay", "Cancelled"]].mean(numeric_only=True), "mean")),
    ("frame_min", "exact", ['ddf[["DepDelay", "Distance", "Origin", "Cancelled"]].min()'], lambda d, s: per_column_csv(d[["DepDelay", "Distance", "Origin", "Cancelled"]].min(), "min")),
    ("frame_max", "exact", ['ddf[["Origin", "Date", "Cancelled", "DepDelay"]].max()'], lambda d, s: per_column_csv(d[["Origin", "Date", "Cancelled", "DepDelay"]].max(), "max")),
    ("frame_min_date", "exact", ['ddf[["Date"]].min()'], lambda d, s: per_column_csv(d[["Date"]].min(), "min")),
    ("frame_max_bool_and_int", "exact", ['ddf[["Cancelled", "Diverted"]].max()'], lambda d, s: per_column_csv(d[["Cancelled", "Diverted"]].max(), "max")),
    ("frame_std", "exact", ["ddf.std()"], lambda d, s: per_column_csv(d.std(numeric_only=True), "std")),
    ("frame_var", "exact", ['ddf[["DepDelay", "Distance", "Cancelled", "Origin"]].var()'], lambda d, s: per_column_csv(d[["DepDelay", "Distance", "Cancelled", "Origin"]].var(numeric_only=True), "var")),
    (
        "frame_nunique",
        "exact",
        ['ddf[["Origin", "Dest", "TailNum", "DayOfWeek", "Cancelled"]].nunique()'],
        lambda d, s: per_column_csv(d[["Origin", "Dest", "TailNum", "DayOfWeek", "Cancelled"]].nunique(), "nunique"),
    ),
    ("frame_median", "exact", ["ddf.median()"], lambda d, s: per_column_csv(d.median(numeric_only=True), "median")),
    # describe
    (
        "describe_frame",
        "exact",
        ['ddf[["DepDelay", "Distance", "CRSElapsedTime"]].describe()'],
        lambda d, s: describe_csv(d[["DepDelay", "Distance", "CRSElapsedTime"]].describe()),
    ),
    ("describe_series", "exact", ["ddf.ArrDelay.describe()"], lambda d, s: describe_csv(d.ArrDelay.describe())),
    ("describe_with_dates", "exact", ['ddf[["Date", "DepDelay", "Distance"]].describe()'], lambda d, s: describe_csv(d[["Date", "DepDelay", "Distance"]].describe())),
    ("describe_dates", "exact", ["ddf.Date.describe()"], lambda d, s: describe_csv(d.Date.describe())),
    ("describe_include_all", "exact", ['ddf[["Date", "Origin", "DepDelay", "TailNum"]].describe(include="all")'], lambda d, s: describe_csv(d[["Date", "Origin", "DepDelay", "TailNum"]].describe(include="all"))),
    ("describe_text_columns", "exact", ['ddf[["Origin", "Dest", "TailNum"]].describe()'], lambda d, s: describe_csv(d[["Origin", "Dest", "TailNum"]].describe())),
    ("describe_include_object", "exact", ['ddf.describe(include="object")'], lambda d, s: describe_csv(d.describe(include="object"))),
    ("describe_exclude_kinds", "exact", ['ddf.describe(exclude=["number", "datetime"])'], lambda d, s: describe_csv(d.describe(exclude=["number", "datetime"]))),
    ("describe_text_series", "exact", ["ddf.Dest.describe()"], lambda d, s: describe_csv(d.Dest.describe())),
    ("describe_percentiles", "exact", ['ddf[["DepDelay", "ArrDelay"]].describe(percentiles=[0.1, 0.9])'], lambda d, s: describe_csv(d[["DepDelay", "ArrDelay"]].describe(percentiles=[0.1, 0.9]))),
    ("describe_percentiles_decimals_with_dates", "exact", ['ddf[["Date", "Distance"]].describe(percentiles=[0.333, 0.999])'], lambda d, s: describe_csv(d[["Date", "Distance"]].describe(percentiles=[0.333, 0.999]))),
    # value_counts
    ("value_counts", "exact", ["ddf.DayOfWeek.value_counts()"], lambda d, s: keyed_csv(d.DayOfWeek.value_counts())),
    ("value_counts_normalize", "exact", ["ddf.Origin.value_counts(normalize=True)"], lambda d, s: keyed_csv(d.Origin.value_counts(normalize=True))),
    ("value_counts_ascending", "exact", ["ddf.UniqueCarrier.value_counts(ascending=True)"], lambda d, s: keyed_csv(d.UniqueCarrier.value_counts(ascending=True))),
    # Missing values
    ("isna_sum", "exact", ["ddf.TailNum.isna().sum()"], lambda d, s: scalar_csv(d.TailNum.isna().sum())),
    (
        "frame_isna_sum",
        "exact",
        ['ddf[["TailNum", "DepDelay", "AirTime"]].isna().sum()'],
        lambda d, s: per_column_csv(d[["TailNum", "DepDelay", "AirTime"]].isna().sum(), "sum"),
    ),
    (
        "notna_rows",
        "exact",
        ['ddf[ddf.AirTime.notna()][["Date", "Origin", "AirTime"]].head(5)'],
        lambda d, s: frame_csv(d[d.AirTime.notna()][["Date", "Origin", "AirTime"]].head(5)),
    ),
    ("fillna_scalar", "exact", ["ddf.DepDelay.fillna(0).mean()"], lambda d, s: scalar_csv(d.DepDelay.fillna(0).mean())),
    (
        "fillna_dict",
        "exact",
        ['ddf[["Date", "TailNum", "AirTime"]].fillna({"TailNum": "UNKNOWN", "AirTime": -1}).iloc[10140:10150]'],
        lambda d, s: frame_csv(d[["Date", "TailNum", "AirTime"]].fillna({"TailNum": "UNKNOWN", "AirTime": -1}).iloc[10140:10150]),
    ),
    (
        "dropna_subset",
        "exact",
        ['ddf.dropna(subset=["TailNum"])[["Date", "TailNum", "Origin"]].head(5)'],
        lambda d, s: frame_csv(d.dropna(subset=["TailNum"])[["Date", "TailNum", "Origin"]].head(5)),
    ),
    ("dropna_len", "exact", ["len(ddf.dropna())"], lambda d, s: scalar_csv(len(d.dropna()))),
    # isin and between
    (
        "isin_text",
        "exact",
        ['ddf[ddf.Dest.isin(["BOS", "ORD", "ATL"])][["Date", "Origin", "Dest"]].head(8)'],
        lambda d, s: frame_csv(d[d.Dest.isin(["BOS", "ORD", "ATL"])][["Date", "Origin", "Dest"]].head(8)),
    ),
    ("isin_numbers", "exact", ["len(ddf[ddf.DayOfWeek.isin([6, 7])])"], lambda d, s: scalar_csv(len(d[d.DayOfWeek.isin([6, 7])]))),
    ("between", "exact", ["len(ddf[ddf.DepDelay.between(10, 20)])"], lambda d, s: scalar_csv(len(d[d.DepDelay.between(10, 20)]))),
    (
        "between_neither",
        "exact",
        ['len(ddf[ddf.DepDelay.between(10, 20, inclusive="neither")])'],
        lambda d, s: scalar_csv(len(d[d.DepDelay.between(10, 20, inclusive="neither")])),
    ),
    # Arithmetic
    ("add_scalar", "exact", ["(ddf.DepDelay + 10).head(5)"], lambda d, s: series_csv((d.DepDelay + 10).head(5))),
    ("multiply_scalar", "exact", ["(ddf.Distance * 1.609).head(5)"], lambda d, s: series_csv((d.Distance * 1.609).head(5))),
    (
        "subtract_columns",
        "exact",
        ['ddf.assign(Gain=ddf.DepDelay - ddf.ArrDelay)[["DepDelay", "ArrDelay", "Gain"]].tail(6)'],
        lambda d, s: frame_csv(d.assign(Gain=d.DepDelay - d.ArrDelay)[["DepDelay", "ArrDelay", "Gain"]].tail(6)),
    ),
    (
        "true_division_of_ints",
        "exact",
        ['ddf.assign(Half=ddf.Distance / 2, PerDay=ddf.Distance / ddf.DayOfWeek)[["Distance", "DayOfWeek", "Half", "PerDay"]].head(6)'],
        lambda d, s: frame_csv(d.assign(Half=d.Distance / 2, PerDay=d.Distance / d.DayOfWeek)[["Distance", "DayOfWeek", "Half", "PerDay"]].head(6)),
    ),
    (
        "division_by_zero",
        "exact",
        ['ddf.assign(Ratio=ddf.Distance / (ddf.DayOfWeek - 1))[["Distance", "DayOfWeek", "Ratio"]].head(4)'],
        lambda d, s: frame_csv(d.assign(Ratio=d.Distance / (d.DayOfWeek - 1))[["Distance", "DayOfWeek", "Ratio"]].head(4)),
    ),
    (
        "floor_division_and_modulo_floats",
        "exact",
        ["x = ddf[ddf.DepDelay < -10]", 'x.assign(Weeks=x.DepDelay // 7, Rest=x.DepDelay % 7)[["DepDelay", "Weeks", "Rest"]]'],
        lambda d, s: frame_csv(floor_and_modulo_floats(d)),
    ),
    (
        "floor_division_and_modulo_ints",
        "exact",
        [
            "x = ddf[ddf.CRSArrTime < ddf.CRSDepTime]",
            'x.assign(Span=x.CRSArrTime - x.CRSDepTime, Hours=(x.CRSArrTime - x.CRSDepTime) // 100, Rest=(x.CRSArrTime - x.CRSDepTime) % 100)[["CRSDepTime", "CRSArrTime", "Span", "Hours", "Rest"]].head(10)',
        ],
        lambda d, s: frame_csv(floor_and_modulo_ints(d)),
    ),
    (
        "power",
        "exact",
        ['ddf.assign(Square=ddf.DayOfWeek ** 2, Root=ddf.Distance ** 0.5)[["DayOfWeek", "Square", "Distance", "Root"]].head(5)'],
        lambda d, s: frame_csv(d.assign(Square=d.DayOfWeek**2, Root=d.Distance**0.5)[["DayOfWeek", "Square", "Distance", "Root"]].head(5)),
    ),
    # Reshaping columns
    ("assign_replaces_in_place", "exact", ["ddf.assign(Origin=ddf.Origin.str.lower()).head(3)"], lambda d, s: frame_csv(d.assign(Origin=d.Origin.str.lower()).head(3))),
    ("astype_str", "exact", ['ddf.Distance.astype("str").str.len().value_counts()'], lambda d, s: keyed_csv(d.Distance.astype("str").str.len().value_counts())),
    (
        "rename",
        "exact",
        ['ddf.rename(columns={"DepDelay": "delay", "Origin": "from"})[["from", "delay"]].head(3)'],
        lambda d, s: frame_csv(d.rename(columns={"DepDelay": "delay", "Origin": "from"})[["from", "delay"]].head(3)),
    ),
    (
        "drop_columns",
        "exact",
        ['ddf.drop(columns=["TailNum", "TaxiIn", "TaxiOut"]).columns'],
        lambda d, s: frame_csv(pd.DataFrame({"column": list(d.drop(columns=["TailNum", "TaxiIn", "TaxiOut"]).columns)})),
    ),
    (
        "select_dtypes_number",
        "exact",
        ['ddf.select_dtypes(include="number").columns'],
        lambda d, s: frame_csv(pd.DataFrame({"column": list(d.select_dtypes(include="number").columns)})),
    ),
    (
        "select_dtypes_object",
        "exact",
        ['ddf.select_dtypes(include="object").columns'],
        lambda d, s: frame_csv(pd.DataFrame({"column": list(d.select_dtypes(include="object").columns)})),
    ),
    # Sorting and picking rows
    (
        "sort_descending",
        "exact",
        ['ddf.sort_values("DepDelay", ascending=False)[["Date", "Origin", "DepDelay"]].head(10)'],
        lambda d, s: frame_csv(d.sort_values("DepDelay", ascending=False, kind="stable")[["Date", "Origin", "DepDelay"]].head(10)),
    ),
    (
        "sort_two_keys",
        "exact",
        ['ddf.sort_values(["Origin", "Distance"])[["Origin", "Distance", "Dest", "FlightNum"]].head(10)'],
        lambda d, s: frame_csv(d.sort_values(["Origin", "Distance"], kind="stable")[["Origin", "Distance", "Dest", "FlightNum"]].head(10)),
    ),
    (
        "sort_mixed_directions",
        "exact",
        ['ddf.sort_values(["Dest", "ArrDelay"], ascending=[True, False])[["Dest", "ArrDelay", "Date"]].head(10)'],
        lambda d, s: frame_csv(d.sort_values(["Dest", "ArrDelay"], ascending=[True, False], kind="stable")[["Dest", "ArrDelay", "Date"]].head(10)),
    ),
    (
        "sort_nulls_last",
        "exact",
        ['ddf.sort_values("DepDelay")[["Date", "DepDelay"]].tail(3)'],
        lambda d, s: frame_csv(d.sort_values("DepDelay", kind="stable")[["Date", "DepDelay"]].tail(3)),
    ),
    ("sort_series", "exact", ["ddf.ArrDelay.sort_values().head(5)"], lambda d, s: series_csv(d.ArrDelay.sort_values(kind="stable").head(5))),
    (
        "nlargest",
        "exact",
        ['ddf.nlargest(5, "DepDelay")[["Date", "Origin", "Dest", "DepDelay"]]'],
        lambda d, s: frame_csv(d.nlargest(5, "DepDelay")[["Date", "Origin", "Dest", "DepDelay"]]),
    ),
    (
        "nsmallest_with_ties",
        "exact",
        ['ddf.nsmallest(6, "ArrDelay")[["Date", "Dest", "ArrDelay"]]'],
        lambda d, s: frame_csv(d.nsmallest(6, "ArrDelay")[["Date", "Dest", "ArrDelay"]]),
    ),
    ("series_nsmallest", "exact", ["ddf.DepDelay.nsmallest(5)"], lambda d, s: series_csv(d.DepDelay.nsmallest(5))),
    ("drop_duplicates", "exact", ['ddf[["Origin", "Dest"]].drop_duplicates().head(15)'], lambda d, s: frame_csv(d[["Origin", "Dest"]].drop_duplicates().head(15))),
    (
        "drop_duplicates_subset",
        "exact",
        ['ddf.drop_duplicates(subset=["UniqueCarrier"])[["UniqueCarrier", "Date", "FlightNum"]]'],
        lambda d, s: frame_csv(d.drop_duplicates(subset=["UniqueCarrier"])[["UniqueCarrier", "Date", "FlightNum"]]),
    ),
    ("unique", "exact", ["ddf.Dest.unique()"], lambda d, s: unique_csv(d.Dest)),
    ("unique_with_null", "exact", ["ddf.iloc[10140:10150].TailNum.unique()"], lambda d, s: unique_csv(d.iloc[10140:10150].TailNum)),
    # merge
    ("merge_inner", "exact", MERGE_FRAMES + ['a.merge(b, on="Dest")'], lambda d, s: merged(d, "inner")),
    ("merge_left", "exact", MERGE_FRAMES + ['a.merge(b, on="Dest", how="left")'], lambda d, s: merged(d, "left")),
    ("merge_outer", "exact", MERGE_FRAMES + ['a.merge(b, on="Dest", how="outer")'], lambda d, s: merged(d, "outer")),
    # .dt and .str
    (
        "dt_fields",
        "exact",
        [
            "x = ddf[ddf.FlightNum == 251]",
            'x.assign(Year=x.Date.dt.year, Month=x.Date.dt.month, Day=x.Date.dt.day, Weekday=x.Date.dt.dayofweek)[["Date", "DayOfWeek", "Year", "Month", "Day", "Weekday"]]',
        ],
        lambda d, s: frame_csv(with_date_fields(d)),
    ),
    ("dt_month_groups", "exact", ["ddf.groupby(ddf.Date.dt.month).size()"], lambda d, s: size_csv(d.groupby(d.Date.dt.month).size())),
    ("dt_dayofweek", "exact", ["ddf.groupby(ddf.Date.dt.dayofweek).DayOfWeek.mean()"], lambda d, s: keyed_csv(d.groupby(d.Date.dt.dayofweek).DayOfWeek.mean())),
    ("str_lower", "exact", ["ddf.Origin.str.lower().unique()"], lambda d, s: unique_csv(d.Origin.str.lower())),
    (
        "str_concat",
        "exact",
        ['ddf.assign(Route=ddf.Origin.str.lower() + "-" + ddf.Dest.str.lower())[["Origin", "Dest", "Route"]].head(5)'],
        lambda d, s: frame_csv(routes(d)[["Origin", "Dest", "Route"]].head(5)),
    ),
    (
        "str_upper",
        "exact",
        ['ddf.assign(Route=ddf.Origin.str.lower() + "-" + ddf.Dest.str.lower()).Route.str.upper().head(5)'],
        lambda d, s: series_csv(routes(d).Route.str.upper().head(5)),
    ),
    ("str_len_with_nulls", "exact", ["ddf.iloc[10140:10150].TailNum.str.len()"], lambda d, s: series_csv(d.iloc[10140:10150].TailNum.str.len())),
    ("str_contains", "exact", ['len(ddf[ddf.TailNum.str.contains("N1", na=False)])'], lambda d, s: scalar_csv(len(d[d.TailNum.str.contains("N1", na=False)]))),
    (
        "str_contains_regex",
        "exact",
        ['ddf[ddf.TailNum.str.contains("^N[0-9]{3}AA$", na=False)].TailNum.nunique()'],
        lambda d, s: scalar_csv(d[d.TailNum.str.contains("^N[0-9]{3}AA$", na=False)].TailNum.nunique()),
    ),
    ("str_startswith", "exact", ['ddf[ddf.Dest.str.startswith("S")].Dest.unique()'], lambda d, s: unique_csv(d[d.Dest.str.startswith("S")].Dest)),
    ("str_endswith", "exact", ['ddf[ddf.Dest.str.endswith("O")].Dest.value_counts()'], lambda d, s: keyed_csv(d[d.Dest.str.endswith("O")].Dest.value_counts())),
    # groupby
    ("groupby_count", "exact", ['ddf.groupby("Origin").count()'], lambda d, s: keyed_csv(d.groupby("Origin").count())),
    ("groupby_size", "exact", ['ddf.groupby("Dest").size()'], lambda d, s: size_csv(d.groupby("Dest").size())),
    (
        "groupby_sum",
        "exact",
        ['ddf.groupby("Origin")[["DepDelay", "Distance", "Cancelled"]].sum()'],
        lambda d, s: keyed_csv(d.groupby("Origin")[["DepDelay", "Distance", "Cancelled"]].sum()),
    ),
    (
        "groupby_sum_all_missing_group",
        "exact",
        ['ddf[ddf.Cancelled | (ddf.Origin == "EWR")].groupby("Origin").DepDelay.sum()'],
        lambda d, s: keyed_csv(d[d.Cancelled | (d.Origin == "EWR")].groupby("Origin").DepDelay.sum()),
    ),
    (
        "groupby_sum_all_missing_frame",
        "exact",
        ['ddf[ddf.Cancelled].groupby("Origin")[["DepDelay", "Distance"]].agg("sum")'],
        lambda d, s: keyed_csv(d[d.Cancelled].groupby("Origin")[["DepDelay", "Distance"]].agg("sum")),
    ),
    (
        "groupby_two_keys_mean",
        "exact",
        ['ddf.groupby(["Origin", "UniqueCarrier"]).ArrDelay.mean()'],
        lambda d, s: keyed_csv(d.groupby(["Origin", "UniqueCarrier"]).ArrDelay.mean()),
    ),
    ("groupby_min_date", "exact", ['ddf.groupby("Origin").Date.min()'], lambda d, s: keyed_csv(d.groupby("Origin").Date.min())),
    ("groupby_max", "exact", ['ddf.groupby("UniqueCarrier").Distance.max()'], lambda d, s: keyed_csv(d.groupby("UniqueCarrier").Distance.max())),
    ("groupby_std", "exact", ['ddf.groupby("DayOfWeek").DepDelay.std()'], lambda d, s: keyed_csv(d.groupby("DayOfWeek").DepDelay.std())),
    ("groupby_var_bool_key", "exact", ['ddf.groupby(["Origin", "Cancelled"]).Distance.var()'], lambda d, s: keyed_csv(d.groupby(["Origin", "Cancelled"]).Distance.var())),
    ("groupby_nunique", "exact", ['ddf.groupby("Origin").Dest.nunique()'], lambda d, s: keyed_csv(d.groupby("Origin").Dest.nunique())),
    ("groupby_first", "exact", ['ddf.groupby("UniqueCarrier").TailNum.first()'], lambda d, s: keyed_csv(d.groupby("UniqueCarrier").TailNum.first())),
    (
        "groupby_last_frame",
        "exact",
        ['ddf.groupby("Origin")[["TailNum", "AirTime", "Date"]].last()'],
        lambda d, s: keyed_csv(d.groupby("Origin")[["TailNum", "AirTime", "Date"]].last()),
    ),
    ("groupby_median", "exact", ['ddf.groupby("Origin").ArrDelay.median()'], lambda d, s: keyed_csv(d.groupby("Origin").ArrDelay.median())),
    ("groupby_subscript", "exact", ['ddf.groupby("Dest")["Distance"].mean()'], lambda d, s: keyed_csv(d.groupby("Dest")["Distance"].mean())),
    (
        "groupby_column_list",
        "exact",
        ['ddf.groupby("Origin")[["DepDelay", "ArrDelay"]].max()'],
        lambda d, s: keyed_csv(d.groupby("Origin")[["DepDelay", "ArrDelay"]].max()),
    ),
    (
        "groupby_agg_name",
        "exact",
        ['ddf.groupby("Origin")[["Distance", "AirTime"]].agg("sum")'],
        lambda d, s: keyed_csv(d.groupby("Origin")[["Distance", "AirTime"]].agg("sum")),
    ),
    (
        "groupby_agg_list",
        "exact",
        ['ddf.groupby("Origin").DepDelay.agg(["count", "mean", "std", "median"])'],
        lambda d, s: keyed_csv(d.groupby("Origin").DepDelay.agg(["count", "mean", "std", "median"])),
    ),
    (
        "groupby_agg_dict",
        "exact",
        ['ddf.groupby("UniqueCarrier").agg({"DepDelay": "mean", "Distance": "max", "TailNum": "nunique"})'],
        lambda d, s: keyed_csv(d.groupby("UniqueCarrier").agg({"DepDelay": "mean", "Distance": "max", "TailNum": "nunique"})),
    ),
    (
        "groupby_aligned_ratio",
        "exact",
        # EA and HP have no such delay: their keys are missing on the left, so pandas gives NaN.
        ['ddf[ddf.DepDelay > 200].groupby("UniqueCarrier").Dest.count() / ddf.groupby("UniqueCarrier").Dest.count()'],
        lambda d, s: keyed_csv(d[d.DepDelay > 200].groupby("UniqueCarrier").Dest.count() / d.groupby("UniqueCarrier").Dest.count()),
    ),
    (
        "groupby_difference",
        "exact",
        ['ddf[ddf.Distance > 1000].groupby("Origin").DepDelay.mean() - ddf.groupby("Origin").DepDelay.mean()'],
        lambda d, s: keyed_csv(d[d.Distance > 1000].groupby("Origin").DepDelay.mean() - d.groupby("Origin").DepDelay.mean()),
    ),
    ("groupby_null_keys", "exact", ['ddf.iloc[10140:10150].groupby("TailNum").size()'], lambda d, s: size_csv(d.iloc[10140:10150].groupby("TailNum").size())),
    ("groupby_series_key", "exact", ["ddf.groupby(ddf.Distance > 1000).DepDelay.mean()"], lambda d, s: keyed_csv(d.groupby(d.Distance > 1000).DepDelay.mean())),
    ("groupby_bool_key", "exact", ['ddf.groupby("Cancelled").DepDelay.count()'], lambda d, s: keyed_csv(d.groupby("Cancelled").DepDelay.count())),
    # sample and concat
    (
        "sample_n",
        "sample",
        ['ddf[["Origin", "Dest", "DayOfWeek"]].sample(n=5, random_state=1)'],
        lambda d, s: frame_csv(d[["Origin", "Dest", "DayOfWeek"]].sample(n=5, random_state=1)),
    ),
    ("concat", "exact", ["concat([ddf.head(3), ddf.tail(2)])"], lambda d, s: frame_csv(pd.concat([d.head(3), d.tail(2)]))),
    (
        "concat_ignore_index",
        "exact",
        ['pd.concat([ddf[ddf.Origin == "JFK"][["Origin", "Dest"]].head(2), ddf[ddf.Origin == "LGA"][["Origin", "Dest"]].head(2)], ignore_index=True)'],
        lambda d, s: frame_csv(pd.concat([d[d.Origin == "JFK"][["Origin", "Dest"]].head(2), d[d.Origin == "LGA"][["Origin", "Dest"]].head(2)], ignore_index=True)),
    ),
    # Python around the calls, as notebooks write it
    # Orders pandas defines by first appearance
    (
        "groupby_sort_false",
        "exact",
        ['ddf.groupby("Dest", sort=False).DepDelay.mean()'],
        lambda d, s: keyed_csv(d.groupby("Dest", sort=False).DepDelay.mean()),
    ),
    (
        "groupby_two_keys_sort_false",
        "exact",
        ['ddf[ddf.DepDelay > 120].groupby(["Origin", "DayOfWeek"], sort=False).size()'],
        lambda d, s: size_csv(d[d.DepDelay > 120].groupby(["Origin", "DayOfWeek"], sort=False).size()),
    ),
    (
        "value_counts_sort_false",
        "exact",
        ["ddf.Dest.value_counts(sort=False)"],
        lambda d, s: keyed_csv(d.Dest.value_counts(sort=False)),
    ),
    (
        "column_assignment",
        "exact",
        ['x = ddf[["Origin", "DepDelay", "ArrDelay"]]', 'x["Gain"] = x.DepDelay - x.ArrDelay', 'x["Origin"] = x.Origin.str.lower()', "x.tail(5)"],
        lambda d, s: frame_csv(column_assignment(d)),
    ),
    (
        "tuple_unpacking_of_dask_compute",
        "exact",
        ["lo, hi = dask.compute(ddf.DepDelay.min(), ddf.DepDelay.max())", "hi - lo"],
        lambda d, s: scalar_csv(d.DepDelay.max() - d.DepDelay.min()),
    ),
    (
        "python_types_as_dtypes",
        "exact",
        [
            'x = dd.read_csv(os.path.join("data", "nycflights", "*.csv"), dtype={"TailNum": str, "CRSElapsedTime": float, "Distance": float}, blocksize=25e6)',
            'x[["TailNum", "CRSElapsedTime", "Distance"]].dtypes',
        ],
        lambda d, s: named_column_csv("column", "dtype", python_types_as_dtypes().items()),
    ),
    # Values over neighbouring rows, in row order (issue 17).
    ("cumsum_ints", "exact", ["ddf.Distance.cumsum().tail(5)"], lambda d, s: series_csv(d.Distance.cumsum().tail(5))),
    ("cumsum_with_missing", "exact", ["ddf.DepDelay.cumsum().iloc[10:30]"], lambda d, s: series_csv(d.DepDelay.cumsum().iloc[10:30])),
    ("cumsum_bools", "exact", ["ddf.Cancelled.cumsum().tail(3)"], lambda d, s: series_csv(d.Cancelled.cumsum().tail(3))),
    ("cummax", "exact", ["ddf.ArrDelay.cummax().tail(5)"], lambda d, s: series_csv(d.ArrDelay.cummax().tail(5))),
    ("cummin", "exact", ["ddf.ArrDelay.cummin().iloc[100:110]"], lambda d, s: series_csv(d.ArrDelay.cummin().iloc[100:110])),
    ("shift_two", "exact", ["ddf.DepDelay.shift(2).head(5)"], lambda d, s: series_csv(d.DepDelay.shift(2).head(5))),
    ("shift_back", "exact", ["ddf.Distance.shift(-1).tail(3)"], lambda d, s: series_csv(d.Distance.shift(-1).tail(3))),
    ("diff_mean", "exact", ["ddf.DepDelay.diff().mean()"], lambda d, s: scalar_csv(d.DepDelay.diff().mean())),
    ("diff_in_mask", "exact", ["len(ddf[ddf.DepDelay.diff() > 100])"], lambda d, s: scalar_csv(len(d[d.DepDelay.diff() > 100]))),
    ("minus_shift", "exact", ["(ddf.DepDelay - ddf.DepDelay.shift()).abs().max()"], lambda d, s: scalar_csv((d.DepDelay - d.DepDelay.shift()).abs().max())),
    ("pct_change", "exact", ["ddf.Distance.pct_change().iloc[1000:1010]"], lambda d, s: series_csv(d.Distance.pct_change().iloc[1000:1010])),
    ("pct_change_fills_forward", "exact", ["ddf.ArrDelay.pct_change().iloc[2030:2045]"], lambda d, s: series_csv(d.ArrDelay.pct_change().iloc[2030:2045])),
    ("ffill_count", "exact", ["ddf.DepDelay.ffill().count()"], lambda d, s: scalar_csv(d.DepDelay.ffill().count())),
    ("bfill", "exact", ["ddf.DepDelay.bfill().iloc[10:30]"], lambda d, s: series_csv(d.DepDelay.bfill().iloc[10:30])),
    ("frame_cumsum", "exact", ['ddf[["DepDelay", "Distance"]].cumsum().tail(3)'], lambda d, s: frame_csv(d[["DepDelay", "Distance"]].cumsum().tail(3))),
    ("frame_diff", "exact", ['ddf[["ArrDelay", "Distance"]].diff().head(4)'], lambda d, s: frame_csv(d[["ArrDelay", "Distance"]].diff().head(4))),
    ("groupby_cumsum", "exact", ['ddf.groupby("Origin").DepDelay.cumsum().tail(5)'], lambda d, s: series_csv(d.groupby("Origin").DepDelay.cumsum().tail(5))),
    ("groupby_cumcount", "exact", ['ddf.assign(n=ddf.groupby("Origin").cumcount())[["Origin", "n"]].tail(5)'], lambda d, s: frame_csv(d.assign(n=d.groupby("Origin").cumcount())[["Origin", "n"]].tail(5))),
    ("groupby_shift_two_keys", "exact", ['ddf.groupby(["Origin", "Dest"]).Distance.shift().iloc[200:210]'], lambda d, s: series_csv(d.groupby(["Origin", "Dest"]).Distance.shift().iloc[200:210])),
    ("groupby_diff_sum", "exact", ['ddf.groupby("UniqueCarrier").ArrDelay.diff().sum()'], lambda d, s: scalar_csv(d.groupby("UniqueCarrier").ArrDelay.diff().sum())),
    ("groupby_ffill", "exact", ['ddf.groupby("Origin").TailNum.ffill().iloc[10140:10150]'], lambda d, s: series_csv(d.groupby("Origin").TailNum.ffill().iloc[10140:10150])),
    # The index and time series (issue 17). Dask's set_index sorts by the new index; ties keep
    # file order in ddq, which a stable sort in pandas reproduces.
    ("set_index", "exact", ['ddf.set_index("Date")[["Origin", "DepDelay"]].iloc[3000:3010]'], lambda d, s: keyed_csv(by_date(d)[["Origin", "DepDelay"]].iloc[3000:3010])),
    ("set_index_keeps_column", "exact", ['ddf.set_index("Origin", drop=False)[["Origin", "Dest"]].head(4)'], lambda d, s: keyed_csv(d.sort_values("Origin", kind="stable").set_index("Origin", drop=False)[["Origin", "Dest"]].head(4))),
    ("loc_day", "exact", ['ddf.set_index("Date").loc["1992-05-05"][["Origin", "Dest"]]'], lambda d, s: keyed_csv(by_date(d).loc["1992-05-05"][["Origin", "Dest"]])),
    ("loc_month_slice", "exact", ['ddf.set_index("Date").loc["1992-05":"1992-06"].DepDelay.sum()'], lambda d, s: scalar_csv(by_date(d).loc["1992-05":"1992-06"].DepDelay.sum())),
    # Divisions (Dask-only): files already in date order keep their partitions, whose first
    # dates (and the last date) are the divisions; .loc then reads only the partitions it needs.
    # Tables whose columns are values of the data.
    ("pivot_table_mean", "exact", ['pd.pivot_table(ddf, values="DepDelay", index=["Origin"], columns=["DayOfWeek"])'], lambda d, s: keyed_csv(pd.pivot_table(d, values="DepDelay", index=["Origin"], columns=["DayOfWeek"]))),
    ("pivot_table_two_keys_sum", "exact", ['pd.pivot_table(ddf[ddf.Dest.isin(["ATL", "ORD", "BOS"])], values="ArrDelay", index=["Origin", "Dest"], columns="Cancelled", aggfunc="sum")'], lambda d, s: keyed_csv(pd.pivot_table(d[d.Dest.isin(["ATL", "ORD", "BOS"])], values="ArrDelay", index=["Origin", "Dest"], columns="Cancelled", aggfunc="sum"))),
    ("pivot_table_method_count_fill", "exact", ['ddf[ddf.DepDelay > 300].pivot_table(index="Dest", columns="Origin", values="DepDelay", aggfunc="count", fill_value=0).head(8)'], lambda d, s: keyed_csv(d[d.DepDelay > 300].pivot_table(index="Dest", columns="Origin", values="DepDelay", aggfunc="count", fill_value=0).head(8))),
    ("pivot_table_drops_missing_cells", "exact", ['pd.pivot_table(ddf, values="TaxiIn", index="DayOfWeek", columns="Origin", aggfunc="max")'], lambda d, s: keyed_csv(pd.pivot_table(d, values="TaxiIn", index="DayOfWeek", columns="Origin", aggfunc="max"))),
    ("pivot_table_several_values", "exact", ['pd.pivot_table(ddf, values=["DepDelay", "ArrDelay"], index="Origin", columns="DayOfWeek")'], lambda d, s: keyed_csv(labelled_columns(pd.pivot_table(d, values=["DepDelay", "ArrDelay"], index="Origin", columns="DayOfWeek")))),
    ("pivot_table_several_aggfuncs", "exact", ['ddf.pivot_table(index="Origin", columns="DayOfWeek", values="DepDelay", aggfunc=["mean", "max"])'], lambda d, s: keyed_csv(labelled_columns(d.pivot_table(index="Origin", columns="DayOfWeek", values="DepDelay", aggfunc=["mean", "max"])))),
    ("pivot_table_drops_each_values_empty_columns", "exact", ['pd.pivot_table(ddf[ddf.DepDelay > 600], values=["TaxiIn", "DepDelay"], index="Origin", columns="Dest", aggfunc="max")'], lambda d, s: keyed_csv(labelled_columns(pd.pivot_table(d[d.DepDelay > 600], values=["TaxiIn", "DepDelay"], index="Origin", columns="Dest", aggfunc="max")))),
    ("pivot_table_dropna_false_keeps_empty_columns", "exact", ['ddf.pivot_table(index="Origin", columns="Cancelled", values="DepDelay", aggfunc="mean", dropna=False)'], lambda d, s: keyed_csv(d.pivot_table(index="Origin", columns="Cancelled", values="DepDelay", aggfunc="mean", dropna=False))),
    ("pivot_table_dropna_false_every_index_pair", "exact", ['pd.pivot_table(ddf, values="DepDelay", index=["Origin", "Dest"], columns="Cancelled", aggfunc="mean", dropna=False)'], lambda d, s: keyed_csv(pd.pivot_table(d, values="DepDelay", index=["Origin", "Dest"], columns="Cancelled", aggfunc="mean", dropna=False))),
    ("pivot_table_dropna_false_missing_index_key", "exact", ['ddf[ddf.DepDelay > 250].pivot_table(index="TailNum", columns="Origin", values="DepDelay", aggfunc="max", dropna=False)'], lambda d, s: keyed_csv(d[d.DepDelay > 250].pivot_table(index="TailNum", columns="Origin", values="DepDelay", aggfunc="max", dropna=False))),
    # A missing column label has no text in to_csv; ddq names the column NaN, as pandas prints it.
    ("pivot_table_dropna_false_missing_columns_key", "exact", ['ddf.assign(Taxi=ddf.TaxiIn.where(ddf.TaxiIn < 4)).pivot_table(index="Origin", columns="Taxi", values="DepDelay", aggfunc="sum", dropna=False)'], lambda d, s: keyed_csv(d.assign(Taxi=d.TaxiIn.where(d.TaxiIn < 4)).pivot_table(index="Origin", columns="Taxi", values="DepDelay", aggfunc="sum", dropna=False).rename(columns=lambda c: "NaN" if pd.isna(c) else c))),
    ("pivot_table_dropna_false_every_column_pair_fill", "exact", ['pd.pivot_table(ddf[ddf.Dest == "ATL"], values="ArrDelay", index=["Origin", "Cancelled"], columns=["DayOfWeek", "Diverted"], aggfunc="count", fill_value=-1, dropna=False)'], lambda d, s: keyed_csv(labelled_columns(pd.pivot_table(d[d.Dest == "ATL"], values="ArrDelay", index=["Origin", "Cancelled"], columns=["DayOfWeek", "Diverted"], aggfunc="count", fill_value=-1, dropna=False)))),
    ("pivot_table_three_levels_fill", "exact", ['pd.pivot_table(ddf[ddf.Dest.isin(["BOS", "ATL"])], values=["DepDelay"], index=["Origin", "Dest"], columns="Cancelled", aggfunc=["count", "sum"], fill_value=0)'], lambda d, s: keyed_csv(labelled_columns(pd.pivot_table(d[d.Dest.isin(["BOS", "ATL"])], values=["DepDelay"], index=["Origin", "Dest"], columns="Cancelled", aggfunc=["count", "sum"], fill_value=0)))),
    ("pivot_table_two_column_keys", "exact", ['pd.pivot_table(ddf, values="DepDelay", index="Origin", columns=["Cancelled", "DayOfWeek"], aggfunc="count")'], lambda d, s: keyed_csv(labelled_columns(pd.pivot_table(d, values="DepDelay", index="Origin", columns=["Cancelled", "DayOfWeek"], aggfunc="count")))),
    ("pivot_table_column_keys_and_values", "exact", ['ddf[ddf.DepDelay > 200].pivot_table(index="DayOfWeek", columns=["Origin", "Cancelled"], values=["DepDelay", "TaxiIn"], aggfunc="max")'], lambda d, s: keyed_csv(labelled_columns(d[d.DepDelay > 200].pivot_table(index="DayOfWeek", columns=["Origin", "Cancelled"], values=["DepDelay", "TaxiIn"], aggfunc="max")))),
    ("pivot_table_margins_max", "exact", ['pd.pivot_table(ddf, values="DepDelay", index="Origin", columns="DayOfWeek", aggfunc="max", margins=True)'], lambda d, s: keyed_csv(pd.pivot_table(d, values="DepDelay", index="Origin", columns="DayOfWeek", aggfunc="max", margins=True))),
    ("pivot_table_margins_two_keys_fill", "exact", ['pd.pivot_table(ddf[ddf.Dest.isin(["BOS", "ATL"])], values=["DepDelay", "ArrDelay"], index=["Origin", "Dest"], columns="Cancelled", aggfunc="count", margins=True, fill_value=0)'], lambda d, s: keyed_csv(labelled_columns(pd.pivot_table(d[d.Dest.isin(["BOS", "ATL"])], values=["DepDelay", "ArrDelay"], index=["Origin", "Dest"], columns="Cancelled", aggfunc="count", margins=True, fill_value=0)))),
    ("pivot_table_margins_named_mean", "exact", ['pd.pivot_table(ddf, values="ArrDelay", index="DayOfWeek", columns="Origin", margins=True, margins_name="Total")'], lambda d, s: keyed_csv(pd.pivot_table(d, values="ArrDelay", index="DayOfWeek", columns="Origin", margins=True, margins_name="Total"))),
    ("pivot_of_a_groupby_result", "exact", ['ddf.groupby(["Origin", "DayOfWeek"]).DepDelay.mean().reset_index().pivot(index="Origin", columns="DayOfWeek", values="DepDelay")'], lambda d, s: keyed_csv(d.groupby(["Origin", "DayOfWeek"]).DepDelay.mean().reset_index().pivot(index="Origin", columns="DayOfWeek", values="DepDelay"))),
    ("pivot_with_missing_pairs", "exact", ['x = ddf[ddf.DepDelay > 500].groupby(["Dest", "Origin"]).DepDelay.max().reset_index()', 'x.pivot(index="Dest", columns="Origin", values="DepDelay")'], lambda d, s: keyed_csv(d[d.DepDelay > 500].groupby(["Dest", "Origin"]).DepDelay.max().reset_index().pivot(index="Dest", columns="Origin", values="DepDelay"))),
    ("crosstab_counts_pairs", "exact", ["pd.crosstab(ddf.Origin, ddf.DayOfWeek)"], lambda d, s: keyed_csv(pd.crosstab(d.Origin, d.DayOfWeek))),
    ("crosstab_with_zero_cells", "exact", ["x = ddf[ddf.DepDelay > 400]", "pd.crosstab(x.Dest, x.Origin)"], lambda d, s: keyed_csv(pd.crosstab(d[d.DepDelay > 400].Dest, d[d.DepDelay > 400].Origin))),
    # crosstab margins: an "All" row and column, of counts or of the values' aggregate (issue 17).
    ("crosstab_margins_counts", "exact", ["x = ddf[ddf.DepDelay > 400]", "pd.crosstab(x.Dest, x.Origin, margins=True)"], lambda d, s: keyed_csv(pd.crosstab(d[d.DepDelay > 400].Dest, d[d.DepDelay > 400].Origin, margins=True))),
    ("crosstab_margins_values_mean_named", "exact", ['pd.crosstab(ddf.Origin, ddf.DayOfWeek, values=ddf.ArrDelay, aggfunc="mean", margins=True, margins_name="Total")'], lambda d, s: keyed_csv(pd.crosstab(d.Origin, d.DayOfWeek, values=d.ArrDelay, aggfunc="mean", margins=True, margins_name="Total"))),
    ("crosstab_margins_normalize_all", "exact", ["pd.crosstab(ddf.Origin, ddf.Cancelled, normalize=True, margins=True)"], lambda d, s: keyed_csv(pd.crosstab(d.Origin, d.Cancelled, normalize=True, margins=True))),
    ("dropna_columns_any", "exact", ["ddf.dropna(axis=1).columns"], lambda d, s: frame_csv(pd.DataFrame({"column": list(d.dropna(axis=1).columns)}))),
    ("dropna_columns_all_after_filter", "exact", ['ddf[ddf.TailNum.isna()].dropna(axis="columns", how="all").tail(3)'], lambda d, s: frame_csv(d[d.TailNum.isna()].dropna(axis="columns", how="all").tail(3))),
    ("set_index_divisions", "exact", ['ddf.set_index("Date").divisions'], lambda d, s: f"{presorted_divisions(d, s, 'Date')!r}\n"),
    ("divisions_unknown_after_read", "exact", ["ddf.divisions, ddf.known_divisions"], lambda d, s: f"{((None,) * (len(s) + 1), False)!r}\n"),
    ("divisions_of_an_unsorted_index", "exact", ['ddf.set_index("Origin").divisions'], lambda d, s: f"{quantile_divisions(d.Origin, len(s))!r}\n"),
    ("loc_across_a_division", "exact", ['ddf.set_index("Date").loc["1992-12-31":"1993-01-01"][["Origin", "DepDelay"]]'], lambda d, s: keyed_csv(by_date(d).loc["1992-12-31":"1993-01-01"][["Origin", "DepDelay"]])),
    ("loc_open_ends_with_divisions", "exact", ['x = ddf.set_index("Date")', 'len(x.loc[:"1990-01-02"]), len(x.loc["1999-12":])'], lambda d, s: scalar_csv((len(by_date(d).loc[:"1990-01-02"]), len(by_date(d).loc["1999-12":])))),
    ("loc_last_division_day", "exact", ['ddf.set_index("Date").loc["1999-12-31"].DepDelay.sum()'], lambda d, s: scalar_csv(by_date(d).loc["1999-12-31"].DepDelay.sum())),
    ("loc_labels_in_two_partitions", "exact", ['ddf.set_index("Date").loc[["1991-03-04", "1997-07-07"]].DepDelay.sum()'], lambda d, s: scalar_csv(by_date(d).loc[pd.to_datetime(["1991-03-04", "1997-07-07"])].DepDelay.sum())),
    ("loc_unsorted_index_slice", "exact", ['ddf.set_index("Origin").loc["JFK":"LGA"].DepDelay.sum()'], lambda d, s: scalar_csv(d.sort_values("Origin", kind="stable").set_index("Origin").loc["JFK":"LGA"].DepDelay.sum())),
    ("loc_numeric_index_range", "exact", ['ddf.set_index("Distance").loc[500:1000].ArrDelay.count()'], lambda d, s: scalar_csv(d.sort_values("Distance", kind="stable").set_index("Distance").loc[500:1000].ArrDelay.count())),
    ("loc_label_on_groupby_result", "exact", ['ddf.groupby("Dest").Distance.mean().loc["ATL":"BOS"]'], lambda d, s: keyed_csv(d.groupby("Dest").Distance.mean().loc["ATL":"BOS"])),
    ("loc_positions_without_index", "exact", ['ddf.loc[3:6, ["Origin", "Dest"]]'], lambda d, s: frame_csv(d.loc[3:6, ["Origin", "Dest"]])),
    ("series_iloc_slice", "exact", ["ddf.ArrDelay.iloc[500:505]"], lambda d, s: series_csv(d.ArrDelay.iloc[500:505])),
    ("series_iloc_position", "exact", ["ddf.ArrDelay.iloc[-2]"], lambda d, s: scalar_csv(d.ArrDelay.iloc[-2])),
    ("reset_index_of_groupby", "exact", ['ddf.groupby(["Origin", "Dest"]).DepDelay.mean().reset_index().head(6)'], lambda d, s: frame_csv(d.groupby(["Origin", "Dest"]).DepDelay.mean().reset_index().head(6))),
    ("reset_index_numbers_rows", "exact", ['ddf[["Origin", "Dest"]].reset_index().tail(3)'], lambda d, s: frame_csv(d[["Origin", "Dest"]].reset_index().tail(3))),
    ("reset_index_drop", "exact", ['ddf.set_index("Date").reset_index(drop=True)[["Origin", "DepDelay"]].iloc[3000:3004]'], lambda d, s: frame_csv(by_date(d).reset_index(drop=True)[["Origin", "DepDelay"]].iloc[3000:3004])),
    ("sort_index_descending", "exact", ['ddf.groupby("Dest").ArrDelay.max().sort_index(ascending=False).head(5)'], lambda d, s: keyed_csv(d.groupby("Dest").ArrDelay.max().sort_index(ascending=False).head(5))),
    ("resample_month_mean", "exact", ['ddf.set_index("Date").DepDelay.resample("M").mean()'], lambda d, s: keyed_csv(by_date(d).DepDelay.resample("ME").mean())),
    ("resample_week_size", "exact", ['ddf.set_index("Date").resample("W").size().head(10)'], lambda d, s: size_csv(by_date(d).resample("W").size().head(10))),
    ("resample_day_sum", "exact", ['ddf.set_index("Date").ArrDelay.resample("D").sum().iloc[40:50]'], lambda d, s: keyed_csv(by_date(d).ArrDelay.resample("D").sum().iloc[40:50])),
    ("resample_quarter_start_on", "exact", ['ddf.resample("QS", on="Date").DepDelay.count()'], lambda d, s: keyed_csv(d.resample("QS", on="Date").DepDelay.count())),
    ("resample_year_agg", "exact", ['ddf.set_index("Date").resample("Y").agg({"DepDelay": "max", "Distance": "sum"})'], lambda d, s: keyed_csv(by_date(d).resample("YE").agg({"DepDelay": "max", "Distance": "sum"}))),
    ("resample_empty_bins", "exact", ['x = ddf[ddf.Date.dt.month != 3].set_index("Date")', 'x.DepDelay.resample("MS").agg(["count", "sum", "mean"]).head(5)'], lambda d, s: keyed_csv(by_date(d[d.Date.dt.month != 3]).DepDelay.resample("MS").agg(["count", "sum", "mean"]).head(5))),
    # Multiples of calendar rules and anchored weeks, counted from the first timestamp's unit.
    ("resample_two_weeks", "exact", ['ddf.set_index("Date").DepDelay.resample("2W").mean().head(8)'], lambda d, s: keyed_csv(by_date(d).DepDelay.resample("2W").mean().head(8))),
    ("resample_three_month_ends", "exact", ['ddf.set_index("Date").ArrDelay.resample("3ME").sum().tail(5)'], lambda d, s: keyed_csv(by_date(d).ArrDelay.resample("3ME").sum().tail(5))),
    ("resample_two_month_starts", "exact", ['ddf.set_index("Date").DepDelay.resample("2MS").count().head(6)'], lambda d, s: keyed_csv(by_date(d).DepDelay.resample("2MS").count().head(6))),
    ("resample_weeks_ending_monday", "exact", ['ddf.set_index("Date").resample("W-MON").size().head(6)'], lambda d, s: size_csv(by_date(d).resample("W-MON").size().head(6))),
    ("resample_two_quarters_on", "exact", ['ddf.resample("2QE", on="Date").DepDelay.max()'], lambda d, s: keyed_csv(d.resample("2QE", on="Date").DepDelay.max())),
    ("resample_two_year_starts", "exact", ['ddf.set_index("Date").Distance.resample("2YS").mean()'], lambda d, s: keyed_csv(by_date(d).Distance.resample("2YS").mean())),
    ("resample_two_weeks_empty_bins", "exact", ['x = ddf[ddf.Date.dt.month != 3].set_index("Date")', 'x.DepDelay.resample("2W").count().iloc[4:10]'], lambda d, s: keyed_csv(by_date(d[d.Date.dt.month != 3]).DepDelay.resample("2W").count().iloc[4:10])),
    # pd.cut: an ordered categorical; value_counts and groupby list every bin in order.
    ("cut_value_counts", "exact", ['pd.cut(ddf.Distance, [0, 500, 1000, 5000]).value_counts()'], lambda d, s: keyed_csv(pd.cut(d.Distance, [0, 500, 1000, 5000]).value_counts())),
    ("cut_equal_width_unsorted", "exact", ['pd.cut(ddf.DepDelay, 3).value_counts(sort=False)'], lambda d, s: keyed_csv(pd.cut(d.DepDelay, 3).value_counts(sort=False))),
    ("cut_groupby_mean", "exact", ['ddf.groupby(pd.cut(ddf.Distance, [0, 100, 500, 1000, 5000])).DepDelay.mean()'], lambda d, s: keyed_csv(d.groupby(pd.cut(d.Distance, [0, 100, 500, 1000, 5000]), observed=False).DepDelay.mean())),
    # A column assigned from pd.cut stays categorical: groups and counts in bin order.
    ("cut_column_groupby", "exact", ['x = ddf.assign(band=pd.cut(ddf.Distance, [0, 250, 1000, 5000, 9000]))', 'x.groupby("band").DepDelay.mean()'], lambda d, s: keyed_csv(d.assign(band=pd.cut(d.Distance, [0, 250, 1000, 5000, 9000])).groupby("band", observed=False).DepDelay.mean())),
    ("cut_column_value_counts", "exact", ['ddf["band"] = pd.cut(ddf.Distance, [0, 250, 1000, 5000])', 'ddf.band.value_counts(sort=False)'], lambda d, s: keyed_csv(d.assign(band=pd.cut(d.Distance, [0, 250, 1000, 5000])).band.value_counts(sort=False))),
    ("cut_column_renamed", "exact", ['x = ddf.assign(band=pd.cut(ddf.Distance, [0, 250, 1000, 5000], labels=["short", "medium", "long"]))', 'x.rename(columns={"band": "b"}).groupby("b").ArrDelay.max()'], lambda d, s: keyed_csv(d.assign(band=pd.cut(d.Distance, [0, 250, 1000, 5000], labels=["short", "medium", "long"])).rename(columns={"band": "b"}).groupby("b", observed=False).ArrDelay.max())),
    # astype("category") of text, and the .cat accessor.
    ("cat_codes_of_text", "exact", ['ddf.Dest.astype("category").cat.codes.iloc[100:108]'], lambda d, s: series_csv(d.Dest.astype("category").cat.codes.iloc[100:108])),
    ("cat_codes_of_cut", "exact", ['pd.cut(ddf.ArrDelay, [-100, 0, 60, 2000]).cat.codes.value_counts()'], lambda d, s: keyed_csv(pd.cut(d.ArrDelay, [-100, 0, 60, 2000]).cat.codes.value_counts())),
    ("cat_categories", "exact", ['ddf.Origin.astype("category").cat.categories'], lambda d, s: frame_csv(pd.DataFrame({"column": list(d.Origin.astype("category").cat.categories)}))),
    ("category_groupby_lists_unobserved", "exact", ['x = ddf.assign(o=ddf.Origin.astype("category"))', 'x[x.o != "EWR"].groupby("o").DepDelay.mean()'], lambda d, s: keyed_csv((lambda x: x[x.o != "EWR"].groupby("o", observed=False).DepDelay.mean())(d.assign(o=d.Origin.astype("category"))))),
    ("cut_groupby_empty_bins", "exact", ['ddf.groupby(pd.cut(ddf.Distance, [0, 10, 100, 500, 10000, 20000])).DepDelay.agg(["count", "mean", "sum"])'], lambda d, s: keyed_csv(d.groupby(pd.cut(d.Distance, [0, 10, 100, 500, 10000, 20000]), observed=False).DepDelay.agg(["count", "mean", "sum"]))),
    ("cut_groupby_observed", "exact", ['ddf.groupby(pd.cut(ddf.Distance, [0, 10, 100, 500, 10000, 20000]), observed=True).size()'], lambda d, s: size_csv(d.groupby(pd.cut(d.Distance, [0, 10, 100, 500, 10000, 20000]), observed=True).size())),
    ("cut_labels_size", "exact", ['ddf.groupby(pd.cut(ddf.Distance, [0, 500, 1000, 5000], labels=["short", "medium", "long"])).size()'], lambda d, s: size_csv(d.groupby(pd.cut(d.Distance, [0, 500, 1000, 5000], labels=["short", "medium", "long"]), observed=False).size())),
    ("cut_left_closed_head", "exact", ['pd.cut(ddf.Distance, [0, 500, 5000], right=False).head(3)'], lambda d, s: series_csv(pd.cut(d.Distance, [0, 500, 5000], right=False).head(3).astype(str))),
    ("cut_include_lowest_normalized", "exact", ['pd.cut(ddf.ArrDelay, [-50, 0, 60, 2000], include_lowest=True).value_counts(normalize=True)'], lambda d, s: keyed_csv(pd.cut(d.ArrDelay, [-50, 0, 60, 2000], include_lowest=True).value_counts(normalize=True))),
    ("cut_bin_numbers", "exact", ['pd.cut(ddf.DepDelay, [-100, 0, 30, 2000], labels=False).iloc[0:12]'], lambda d, s: series_csv(pd.cut(d.DepDelay, [-100, 0, 30, 2000], labels=False).iloc[0:12])),
    ("cut_retbins_first_edge", "exact", ['binned, edges = pd.cut(ddf.Distance, 4, retbins=True)', 'edges[0]'], lambda d, s: scalar_csv(pd.cut(d.Distance, 4, retbins=True)[1][0])),
    ("cut_retbins_series", "exact", ['binned, edges = pd.cut(ddf.Distance, 4, retbins=True)', 'binned.value_counts()'], lambda d, s: keyed_csv(pd.cut(d.Distance, 4, retbins=True)[0].value_counts())),
    # Functions written in the notebook, compiled rather than run (issue 17).
    ("apply_rows", "exact", ["ddf.apply(lambda r: r.ArrDelay - r.DepDelay, axis=1).iloc[100:110]"], lambda d, s: series_csv(d.apply(lambda r: r.ArrDelay - r.DepDelay, axis=1).iloc[100:110])),
    ("apply_values", "exact", ["ddf.Distance.apply(lambda x: x / 1000 + 1).tail(4)"], lambda d, s: series_csv(d.Distance.apply(lambda x: x / 1000 + 1).tail(4))),
    ("map_dict", "exact", ['ddf.Origin.map({"JFK": "Kennedy", "LGA": "LaGuardia"}).value_counts(dropna=False)'], lambda d, s: keyed_csv(d.Origin.map({"JFK": "Kennedy", "LGA": "LaGuardia"}).value_counts(dropna=False))),
    ("map_lambda", "exact", ["ddf.DepDelay.map(lambda x: x * 60).head(5)"], lambda d, s: series_csv(d.DepDelay.map(lambda x: x * 60).head(5))),
    ("loc_lambda", "exact", ["ddf.loc[lambda d: d.DepDelay > 300][[\"Origin\", \"DepDelay\"]]"], lambda d, s: frame_csv(d.loc[lambda x: x.DepDelay > 300][["Origin", "DepDelay"]])),
    ("assign_lambda", "exact", ['ddf.assign(Gain=lambda d: d.DepDelay - d.ArrDelay)[["Gain"]].tail(3)'], lambda d, s: frame_csv(d.assign(Gain=lambda x: x.DepDelay - x.ArrDelay)[["Gain"]].tail(3))),
    ("groupby_agg_lambda", "exact", ['ddf.groupby("Origin").DepDelay.agg(lambda s: s.max() - s.min())'], lambda d, s: keyed_csv(d.groupby("Origin").DepDelay.agg(lambda x: x.max() - x.min()))),
    ("series_agg_lambda", "exact", ["ddf.ArrDelay.agg(lambda s: s.max() - s.min())"], lambda d, s: scalar_csv(d.ArrDelay.agg(lambda x: x.max() - x.min()))),
    ("def_applied", "exact", ["def gain(r): return r.DepDelay - r.ArrDelay", "ddf.apply(gain, axis=1).mean()"], lambda d, s: scalar_csv(d.apply(lambda r: r.DepDelay - r.ArrDelay, axis=1).mean())),
    ("pipe", "exact", ['ddf.pipe(lambda d: d[d.Origin == "JFK"]).DepDelay.max()'], lambda d, s: scalar_csv(d.pipe(lambda x: x[x.Origin == "JFK"]).DepDelay.max())),
    ("map_partitions_filter", "exact", ["len(ddf.map_partitions(lambda df: df[df.DepDelay > 300]))"], lambda d, s: scalar_csv(len(d[d.DepDelay > 300]))),
    # groupby's wider API (issue 17).
    ("groupby_as_index_false", "exact", ['ddf.groupby(["Origin", "Dest"], as_index=False).ArrDelay.max().head(6)'], lambda d, s: frame_csv(d.groupby(["Origin", "Dest"], as_index=False).ArrDelay.max().head(6))),
    ("groupby_as_index_false_size", "exact", ['ddf.groupby("UniqueCarrier", as_index=False).size()'], lambda d, s: frame_csv(d.groupby("UniqueCarrier", as_index=False).size())),
    ("named_aggregation", "exact", ['ddf.groupby("Origin").agg(mean_delay=("DepDelay", "mean"), flights=("Dest", "count"), longest=("Distance", "max"))'], lambda d, s: keyed_csv(d.groupby("Origin").agg(mean_delay=("DepDelay", "mean"), flights=("Dest", "count"), longest=("Distance", "max")))),
    ("named_aggregation_namedagg", "exact", ['ddf.groupby("Dest").agg(worst=pd.NamedAgg(column="ArrDelay", aggfunc="max")).head(5)'], lambda d, s: keyed_csv(d.groupby("Dest").agg(worst=pd.NamedAgg(column="ArrDelay", aggfunc="max")).head(5))),
    ("named_aggregation_series", "exact", ['ddf.groupby("Origin").DepDelay.agg(lo="min", hi="max")'], lambda d, s: keyed_csv(d.groupby("Origin").DepDelay.agg(lo="min", hi="max"))),
    ("get_group", "exact", ['ddf.groupby("Dest").get_group("SEA")[["Origin", "DepDelay"]].tail(4)'], lambda d, s: frame_csv(d.groupby("Dest").get_group("SEA")[["Origin", "DepDelay"]].tail(4))),
    ("get_group_two_keys", "exact", ['len(ddf.groupby(["Origin", "Dest"]).get_group(("JFK", "SEA")))'], lambda d, s: scalar_csv(len(d.groupby(["Origin", "Dest"]).get_group(("JFK", "SEA"))))),
    ("ngroups", "exact", ['ddf.groupby(["Origin", "Dest"]).ngroups'], lambda d, s: scalar_csv(d.groupby(["Origin", "Dest"]).ngroups)),
    ("len_groupby", "exact", ['len(ddf.groupby("TailNum"))'], lambda d, s: scalar_csv(len(d.groupby("TailNum")))),
    ("ngroup", "exact", ['ddf.assign(g=ddf.groupby("Dest").ngroup())[["Dest", "g"]].head(6)'], lambda d, s: frame_csv(d.assign(g=d.groupby("Dest").ngroup())[["Dest", "g"]].head(6))),
    ("groupby_head", "exact", ['ddf.groupby("Origin").head(2)[["Origin", "Dest"]]'], lambda d, s: frame_csv(d.groupby("Origin").head(2)[["Origin", "Dest"]])),
    ("groupby_tail", "exact", ['ddf.groupby("UniqueCarrier").tail(1)[["UniqueCarrier", "FlightNum"]]'], lambda d, s: frame_csv(d.groupby("UniqueCarrier").tail(1)[["UniqueCarrier", "FlightNum"]])),
    ("groupby_nth_negative", "exact", ['ddf.groupby("Origin").nth(-2)[["Origin", "Dest"]]'], lambda d, s: frame_csv(d.groupby("Origin").nth(-2)[["Origin", "Dest"]])),
    ("transform_mean", "exact", ['(ddf.DepDelay - ddf.groupby("Origin").DepDelay.transform("mean")).iloc[1000:1006]'], lambda d, s: series_csv((d.DepDelay - d.groupby("Origin").DepDelay.transform("mean")).iloc[1000:1006])),
    ("transform_frame_count", "exact", ['ddf.groupby("Dest")[["DepDelay", "TailNum"]].transform("count").tail(3)'], lambda d, s: frame_csv(d.groupby("Dest")[["DepDelay", "TailNum"]].transform("count").tail(3))),
    ("quantile_series", "exact", ["ddf.ArrDelay.quantile(0.9)"], lambda d, s: scalar_csv(d.ArrDelay.quantile(0.9))),
    ("quantile_groupby", "exact", ['ddf.groupby("Origin").ArrDelay.quantile(0.25)'], lambda d, s: keyed_csv(d.groupby("Origin").ArrDelay.quantile(0.25))),
    # Rolling windows of rows, queries and conditional values (issue 17).
    ("rolling_mean", "exact", ["ddf.DepDelay.rolling(3).mean().iloc[10:30]"], lambda d, s: series_csv(d.DepDelay.rolling(3).mean().iloc[10:30])),
    ("rolling_count", "exact", ["ddf.DepDelay.rolling(2).count().iloc[10:30]"], lambda d, s: series_csv(d.DepDelay.rolling(2).count().iloc[10:30])),
    ("rolling_centered_sum", "exact", ["ddf.DepDelay.rolling(4, center=True, min_periods=2).sum().iloc[10:30]"], lambda d, s: series_csv(d.DepDelay.rolling(4, center=True, min_periods=2).sum().iloc[10:30])),
    ("rolling_std_frame", "exact", ['ddf[["ArrDelay", "Distance"]].rolling(5).std().iloc[100:106]'], lambda d, s: frame_csv(d[["ArrDelay", "Distance"]].rolling(5).std().iloc[100:106])),
    ("groupby_rolling_sort_false", "exact", ['ddf.groupby("Origin", sort=False).DepDelay.rolling(3).mean().head(40)'], lambda d, s: keyed_csv(d.groupby("Origin", sort=False).DepDelay.rolling(3).mean().head(40))),
    ("groupby_rolling_two_columns", "exact", ['ddf.groupby("Dest")[["DepDelay", "ArrDelay"]].rolling(2).sum().iloc[3:60]'], lambda d, s: keyed_csv(d.groupby("Dest")[["DepDelay", "ArrDelay"]].rolling(2).sum().iloc[3:60])),
    ("groupby_expanding_two_columns_sort_false", "exact", ['ddf.groupby("Dest", sort=False)[["DepDelay", "ArrDelay"]].expanding().max().iloc[:80]'], lambda d, s: keyed_csv(d.groupby("Dest", sort=False)[["DepDelay", "ArrDelay"]].expanding().max().iloc[:80])),
    ("rolling_max_after_index", "exact", ['ddf.set_index("Date").ArrDelay.rolling(10).max().iloc[500:505]'], lambda d, s: keyed_csv(by_date(d).ArrDelay.rolling(10).max().iloc[500:505])),
    ("query", "exact", ["ddf.query(\"DepDelay > 250 and Origin == 'EWR'\")[[\"Dest\", \"DepDelay\"]]"], lambda d, s: frame_csv(d.query("DepDelay > 250 and Origin == 'EWR'")[["Dest", "DepDelay"]])),
    ("query_in_and_variable", "exact", ["limit = 30", 'len(ddf.query("Dest in [\'SEA\', \'SFO\'] and not Cancelled and ArrDelay > @limit"))'], lambda d, s: scalar_csv(len(d.query("Dest in ['SEA', 'SFO'] and not Cancelled and ArrDelay > 30")))),
    ("where_other", "exact", ["ddf.ArrDelay.where(ddf.ArrDelay > 0, 0).iloc[2030:2045]"], lambda d, s: series_csv(d.ArrDelay.where(d.ArrDelay > 0, 0).iloc[2030:2045])),
    ("mask_missing", "exact", ["ddf.DepDelay.mask(ddf.Origin == \"JFK\").head(6)"], lambda d, s: series_csv(d.DepDelay.mask(d.Origin == "JFK").head(6))),
    ("clip_series", "exact", ["ddf.ArrDelay.clip(-10, 60).describe()"], lambda d, s: describe_csv(d.ArrDelay.clip(-10, 60).describe())),
    ("clip_ints_by_float", "exact", ["ddf.Distance.clip(upper=300.5).head(3)"], lambda d, s: series_csv(d.Distance.clip(upper=300.5).head(3))),
    # Across columns, labels of extremes, correlations (issue 17).
    ("mean_across_columns", "exact", ['ddf[["DepDelay", "ArrDelay", "TaxiIn"]].mean(axis=1).iloc[10140:10150]'], lambda d, s: series_csv(d[["DepDelay", "ArrDelay", "TaxiIn"]].mean(axis=1).iloc[10140:10150])),
    ("sum_across_int_columns", "exact", ['ddf[["Distance", "DayOfWeek"]].sum(axis=1).head(4)'], lambda d, s: series_csv(d[["Distance", "DayOfWeek"]].sum(axis=1).head(4))),
    ("max_across_columns", "exact", ['ddf[["TaxiIn", "TaxiOut", "DepDelay"]].max(axis="columns").iloc[10140:10150]'], lambda d, s: series_csv(d[["TaxiIn", "TaxiOut", "DepDelay"]].max(axis="columns").iloc[10140:10150])),
    ("count_across_columns", "exact", ['ddf[["TaxiIn", "TailNum", "DepDelay"]].count(axis=1).value_counts()'], lambda d, s: keyed_csv(d[["TaxiIn", "TailNum", "DepDelay"]].count(axis=1).value_counts())),
    ("idxmax_position", "exact", ["ddf.ArrDelay.idxmax()"], lambda d, s: scalar_csv(d.ArrDelay.idxmax())),
    ("idxmin_label", "exact", ['ddf.groupby("UniqueCarrier").ArrDelay.mean().idxmin()'], lambda d, s: scalar_csv(d.groupby("UniqueCarrier").ArrDelay.mean().idxmin())),
    ("corr_two_series", "exact", ["ddf.DepDelay.corr(ddf.TaxiOut)"], lambda d, s: scalar_csv(d.DepDelay.corr(d.TaxiOut))),
    ("cov_two_series", "exact", ["ddf.ArrDelay.cov(ddf.Distance)"], lambda d, s: scalar_csv(d.ArrDelay.cov(d.Distance))),
    ("corr_matrix", "exact", ['ddf[["DepDelay", "ArrDelay", "Distance", "TaxiIn"]].corr()'], lambda d, s: keyed_csv(d[["DepDelay", "ArrDelay", "Distance", "TaxiIn"]].corr().rename_axis("column"))),
    # pandas' top-level functions (issue 17).
    ("pd_merge", "exact", ['pd.merge(ddf[["Dest"]].drop_duplicates(), ddf.groupby("Dest").Distance.mean().reset_index(), on="Dest").head(4)'], lambda d, s: frame_csv(pd.merge(d[["Dest"]].drop_duplicates(), d.groupby("Dest").Distance.mean().reset_index(), on="Dest").head(4))),
    ("to_datetime_scalar", "exact", ['len(ddf[ddf.Date >= pd.to_datetime("1999-12-01")])'], lambda d, s: scalar_csv(len(d[d.Date >= pd.to_datetime("1999-12-01")]))),
    ("to_datetime_series", "exact", ['x = ddf.assign(Day=ddf.Date.astype(str))', 'pd.to_datetime(x.Day, format="%Y-%m-%d").dt.dayofweek.value_counts()'], lambda d, s: keyed_csv(pd.to_datetime(d.assign(Day=d.Date.astype(str)).Day, format="%Y-%m-%d").dt.dayofweek.value_counts())),
    ("to_datetime_coerce", "exact", ['pd.to_datetime(ddf.Origin, errors="coerce").count()'], lambda d, s: scalar_csv(pd.to_datetime(d.Origin, errors="coerce").count())),
    ("dates_as_text", "exact", ["ddf.Date.astype(str).tail(3)"], lambda d, s: series_csv(d.Date.astype(str).tail(3))),
    ("pd_isna", "exact", ["pd.isna(ddf.TailNum).sum()"], lambda d, s: scalar_csv(pd.isna(d.TailNum).sum())),
    ("pd_notna_frame", "exact", ['pd.notna(ddf[["TailNum", "DepDelay"]]).sum()'], lambda d, s: per_column_csv(pd.notna(d[["TailNum", "DepDelay"]]).sum(), "sum")),
    # value_counts' order among equal counts is an artefact of pandas' unstable sort here, so
    # the counts are compared in key order.
    ("difference_of_two_columns_is_unnamed", "exact", ['(ddf.ArrDelay - ddf.DepDelay).value_counts().head(4)'], lambda d, s: keyed_csv((d.ArrDelay - d.DepDelay).value_counts().head(4))),
    ("same_named_series_keep_their_name", "exact", ['(ddf.DepDelay - ddf.groupby("Origin").DepDelay.transform("mean")).iloc[5:8]'], lambda d, s: series_csv((d.DepDelay - d.groupby("Origin").DepDelay.transform("mean")).iloc[5:8])),
    ("to_timedelta_minutes", "exact", ['pd.to_timedelta(ddf.DepDelay, unit="m").iloc[1:8]'], lambda d, s: series_csv(pd.to_timedelta(d.DepDelay, unit="m").iloc[1:8])),
    ("date_plus_timedelta", "exact", ['(ddf.Date + pd.to_timedelta(ddf.ArrDelay, unit="h")).rename("late").iloc[20:24]'], lambda d, s: series_csv((d.Date + pd.to_timedelta(d.ArrDelay, unit="h")).rename("late").iloc[20:24])),
    ("timedelta_max", "exact", ['pd.to_timedelta(ddf.DepDelay, unit="s").max()'], lambda d, s: scalar_csv(pd.to_timedelta(d.DepDelay, unit="s").max())),
    ("timedelta_days_and_seconds", "exact", ['t = pd.to_timedelta(ddf.DepDelay * 37, unit="m")', 'ddf.assign(days=t.dt.days, seconds=t.dt.seconds)[["DepDelay", "days", "seconds"]].iloc[0:12]'], lambda d, s: frame_csv(d.assign(days=pd.to_timedelta(d.DepDelay * 37, unit="m").dt.days, seconds=pd.to_timedelta(d.DepDelay * 37, unit="m").dt.seconds)[["DepDelay", "days", "seconds"]].iloc[0:12])),
    ("timedelta_total_seconds", "exact", ['pd.to_timedelta(ddf.ArrDelay, unit="m").dt.total_seconds().describe()'], lambda d, s: describe_csv(pd.to_timedelta(d.ArrDelay, unit="m").dt.total_seconds().describe())),
    ("timedelta_sub_second_parts", "exact", ['t = pd.to_timedelta(ddf.Distance * 1234567, unit="ns")', 'ddf.assign(us=t.dt.microseconds, ns=t.dt.nanoseconds)[["us", "ns"]].tail(5)'], lambda d, s: frame_csv(d.assign(us=pd.to_timedelta(d.Distance * 1234567, unit="ns").dt.microseconds, ns=pd.to_timedelta(d.Distance * 1234567, unit="ns").dt.nanoseconds)[["us", "ns"]].tail(5))),
    ("memory_usage_frame", "exact", ['ddf[["Date", "DepDelay", "Origin", "Cancelled", "Distance"]].memory_usage()'], lambda d, s: per_column_csv(d[["Date", "DepDelay", "Origin", "Cancelled", "Distance"]].memory_usage(), "memory_usage")),
    ("memory_usage_no_index", "exact", ['ddf[ddf.DepDelay > 0][["TailNum", "ArrDelay"]].memory_usage(index=False)'], lambda d, s: per_column_csv(d[d.DepDelay > 0][["TailNum", "ArrDelay"]].reset_index(drop=True).memory_usage(index=False), "memory_usage")),
    ("memory_usage_series", "exact", ['ddf.ArrDelay.memory_usage()'], lambda d, s: scalar_csv(d.ArrDelay.memory_usage())),
    ("cut_column_dtype", "exact", ['x = ddf.assign(band=pd.cut(ddf.Distance, [0, 250, 1000, 5000]))', 'x[["Distance", "band"]].dtypes'], lambda d, s: per_column_csv(d.assign(band=pd.cut(d.Distance, [0, 250, 1000, 5000]))[["Distance", "band"]].dtypes.astype(str), "dtype")),
    ("timedelta_keywords", "exact", ['len(ddf[ddf.Date + pd.Timedelta(days=1, hours=12) > pd.to_datetime("1999-12-30")])'], lambda d, s: scalar_csv(len(d[d.Date + pd.Timedelta(days=1, hours=12) > pd.to_datetime("1999-12-30")]))),
    ("timedelta_from_text", "exact", ['(ddf.Date + pd.to_timedelta("1 day 12:30:00")).max()'], lambda d, s: scalar_csv((d.Date + pd.to_timedelta("1 day 12:30:00")).max())),
    ("timedelta_nat", "exact", ["import numpy as np", '(ddf.Date + pd.Timedelta(np.nan)).isna().sum() + (ddf.Date - pd.to_timedelta("NaT")).count()'], lambda d, s: scalar_csv((d.Date + pd.Timedelta(np.nan)).isna().sum() + (d.Date - pd.to_timedelta("NaT")).count())),
    ("timedelta_compared", "exact", ['t = pd.to_timedelta(ddf.DepDelay, unit="m")', 't[t > pd.Timedelta("1h30m")].count()'], lambda d, s: scalar_csv(pd.to_timedelta(d.DepDelay, unit="m")[pd.to_timedelta(d.DepDelay, unit="m") > pd.Timedelta("1h30m")].count())),
    ("dt_strftime", "exact", ['ddf.Date.dt.strftime("%Y-%m").value_counts().sort_index().tail(3)'], lambda d, s: keyed_csv(d.Date.dt.strftime("%Y-%m").value_counts().sort_index().tail(3))),
    ("dt_day_name", "exact", ["ddf.Date.dt.day_name().value_counts()"], lambda d, s: keyed_csv(d.Date.dt.day_name().value_counts())),
    ("dt_month_name", "exact", ["ddf.Date.dt.month_name().unique()"], lambda d, s: unique_csv(d.Date.dt.month_name())),
    ("groupby_describe_columns", "exact", ['ddf.groupby("Origin")[["DepDelay", "ArrDelay"]].describe()'], lambda d, s: keyed_csv(flat_columns(d.groupby("Origin")[["DepDelay", "ArrDelay"]].describe()))),
    ("groupby_describe_numeric_columns", "exact", ['ddf[["Origin", "Distance", "TailNum", "AirTime"]].groupby("Origin").describe()'], lambda d, s: keyed_csv(flat_columns(d[["Origin", "Distance", "TailNum", "AirTime"]].groupby("Origin").describe()))),
    ("groupby_assigned_comparison_size", "exact", ['ddf.assign(Delayed=ddf.DepDelay > 15).groupby("Delayed").size()'], lambda d, s: size_csv(d.assign(Delayed=d.DepDelay > 15).groupby("Delayed").size())),
    ("query_ampersand_pipe_precedence", "exact", ['ddf.query("Origin == \'JFK\' & DepDelay > 60 | Dest == \'LAX\' & ArrDelay < -30")[["Origin", "Dest", "DepDelay", "ArrDelay"]]'], lambda d, s: frame_csv(d.query("Origin == 'JFK' & DepDelay > 60 | Dest == 'LAX' & ArrDelay < -30")[["Origin", "Dest", "DepDelay", "ArrDelay"]])),
    ("numpy_log1p_expm1_near_zero", "exact", ['import numpy as np', '(np.log1p(ddf.DepDelay / 1e7) + np.expm1(ddf.ArrDelay / 1e9)).iloc[::700]'], lambda d, s: series_csv((np.log1p(d.DepDelay / 1e7) + np.expm1(d.ArrDelay / 1e9)).iloc[::700])),
    ("numpy_log10_log2", "exact", ['import numpy as np', '(np.log10(ddf.Distance) - np.log2(ddf.AirTime)).iloc[::700]'], lambda d, s: series_csv((np.log10(d.Distance) - np.log2(d.AirTime)).iloc[::700])),
    ("mode_text", "exact", ['ddf.TailNum.mode()'], lambda d, s: series_csv(d.TailNum.mode())),
    ("mode_ties_ascending", "exact", ['ddf.iloc[:40].DepDelay.mode()'], lambda d, s: series_csv(d.iloc[:40].DepDelay.mode())),
    ("quantile_list_series", "exact", ['ddf.ArrDelay.quantile([0.1, 0.25, 0.5, 0.75, 0.99])'], lambda d, s: keyed_csv(d.ArrDelay.quantile([0.1, 0.25, 0.5, 0.75, 0.99]).rename_axis("quantile"))),
    ("groupby_value_counts_normalize", "exact", ['ddf.groupby("Origin").Dest.value_counts(normalize=True)'], lambda d, s: keyed_csv(d.groupby("Origin").Dest.value_counts(normalize=True))),
    ("groupby_agg_list_with_lambda", "exact", ['ddf.groupby("Origin").DepDelay.agg(["mean", "median", lambda s: s.max() - s.min()])'], lambda d, s: keyed_csv(d.groupby("Origin").DepDelay.agg(["mean", "median", lambda s: s.max() - s.min()]))),
    ("groupby_agg_columns_list_lambdas", "exact", ['ddf.groupby("Origin")[["DepDelay", "ArrDelay"]].agg(["max", lambda s: s.max() - s.min(), lambda s: s.min()])'], lambda d, s: keyed_csv(flat_columns(d.groupby("Origin")[["DepDelay", "ArrDelay"]].agg(["max", lambda s: s.max() - s.min(), lambda s: s.min()])))),
    ("groupby_agg_dict_list_lambda_named", "exact", ['ddf.groupby("Origin").agg({"DepDelay": ["sum", lambda s: s.max()], "ArrDelay": lambda s: s.min()})'], lambda d, s: keyed_csv(flat_columns(d.groupby("Origin").agg({"DepDelay": ["sum", lambda s: s.max()], "ArrDelay": lambda s: s.min()})))),
    # value_counts(bins=) leaves its index unnamed; ddq keys it by the column, as value_counts().
    ("value_counts_bins_count", "exact", ['ddf.DepDelay.value_counts(bins=4)'], lambda d, s: keyed_csv(d.DepDelay.value_counts(bins=4).rename_axis("DepDelay"))),
    ("value_counts_bins_unsorted", "exact", ['ddf.Distance.value_counts(bins=3, sort=False)'], lambda d, s: keyed_csv(d.Distance.value_counts(bins=3, sort=False).rename_axis("Distance"))),
    ("value_counts_bins_edges_normalize", "exact", ['ddf.DepDelay.value_counts(bins=[-100, 0, 60, 2000], normalize=True)'], lambda d, s: keyed_csv(d.DepDelay.value_counts(bins=[-100, 0, 60, 2000], normalize=True).rename_axis("DepDelay"))),
    # A series grouped by another series of its frame, by a computed one, or by its index.
    ("series_groupby_series", "exact", ["ddf.DepDelay.groupby(ddf.Origin).mean()"], lambda d, s: keyed_csv(d.DepDelay.groupby(d.Origin).mean())),
    ("series_groupby_computed", "exact", ["(ddf.ArrDelay - ddf.DepDelay).groupby([ddf.Origin, ddf.DayOfWeek]).max()"], lambda d, s: keyed_csv((d.ArrDelay - d.DepDelay).groupby([d.Origin, d.DayOfWeek]).max().rename("0"))),
    ("series_groupby_level", "exact", ['s = ddf.groupby(["Origin", "Dest"]).DepDelay.mean()', "s.groupby(level=0).max()"], lambda d, s: keyed_csv(d.groupby(["Origin", "Dest"]).DepDelay.mean().groupby(level=0).max())),
    ("series_groupby_filtered_name", "exact", ['ddf[ddf.Distance > 1000].DepDelay.groupby(ddf.Origin).count()'], lambda d, s: keyed_csv(d[d.Distance > 1000].DepDelay.groupby(d.Origin).count())),
    # Each group's largest or smallest values; ddq's tables leave out the rows' own labels.
    ("groupby_nlargest", "exact", ['ddf.groupby("Origin").DepDelay.nlargest(2)'], lambda d, s: keyed_csv(d.groupby("Origin").DepDelay.nlargest(2).reset_index(level=1, drop=True))),
    ("groupby_nsmallest_two_keys", "exact", ['ddf.groupby(["Origin", "DayOfWeek"]).ArrDelay.nsmallest(2).head(9)'], lambda d, s: keyed_csv(d.groupby(["Origin", "DayOfWeek"]).ArrDelay.nsmallest(2).head(9).reset_index(level=2, drop=True))),
    ("groupby_describe", "exact", ['ddf.groupby("Origin").ArrDelay.describe()'], lambda d, s: keyed_csv(d.groupby("Origin").ArrDelay.describe())),
    ("index_positions", "exact", ["ddf.index.max()"], lambda d, s: scalar_csv(d.index.max())),
    ("index_of_set_index", "exact", ['ddf.set_index("Date").index.min()'], lambda d, s: scalar_csv(by_date(d).index.min())),
    ("index_of_groupby_result", "exact", ['ddf.groupby("Dest").Distance.max().index'], lambda d, s: series_csv(d.groupby("Dest").Distance.max().index.to_series(name="Dest"))),
    # Wrong answers the snippet corpus found (benches/snippets/results.md).
    ("iloc_one_value", "exact", ["ddf.iloc[1, 1]"], lambda d, s: scalar_csv(d.iloc[1, 1])),
    ("agg_dict_with_lists_names_every_column", "exact", ['ddf.groupby("Origin").agg({"DepDelay": ["min", "max"], "Distance": "sum"})'], lambda d, s: keyed_csv(flat_columns(d.groupby("Origin").agg({"DepDelay": ["min", "max"], "Distance": "sum"})))),
    ("date_span", "exact", ['ddf["Date"].max() - ddf["Date"].min()'], lambda d, s: f"{d.Date.max() - d.Date.min()}\n"),
    ("date_tuple_repr", "exact", ['ddf["Date"].min(), ddf["Date"].max()'], lambda d, s: f"{(d.Date.min(), d.Date.max())!r}\n"),
    # More notebook lines (issue 17, session 10).
    ("series_slice_head", "exact", ["ddf.DepDelay[:5]"], lambda d, s: series_csv(d.DepDelay[:5])),
    ("series_slice_reversed", "exact", ["ddf.DepDelay[::-1].head(4)"], lambda d, s: series_csv(d.DepDelay[::-1].head(4))),
    ("series_label_slice", "exact", ['ts = ddf.set_index("Date").DepDelay', 'ts["1991-01-05":"1991-01-06"]'], lambda d, s: keyed_csv(by_date(d).DepDelay["1991-01-05":"1991-01-06"])),
    ("frame_label_slice_cumsum", "exact", ['ddf2 = ddf.set_index("Date")', '(ddf2["1991-01-01":"1991-01-03"].DepDelay.cumsum() - 100)'], lambda d, s: keyed_csv(by_date(d)["1991-01-01":"1991-01-03"].DepDelay.cumsum() - 100)),
    ("series_loc_mask", "exact", ["ddf.DepDelay.loc[ddf.DepDelay > 400]"], lambda d, s: series_csv(d.DepDelay.loc[d.DepDelay > 400].reset_index(drop=True))),
    ("series_loc_callable", "exact", ["ddf.DepDelay.loc[lambda x: x > 400]"], lambda d, s: series_csv(d.DepDelay.loc[lambda x: x > 400].reset_index(drop=True))),
    ("iloc_callable_columns", "exact", ["ddf.iloc[:, lambda df: [0, 4]].head(3)"], lambda d, s: frame_csv(d.iloc[:, lambda x: [0, 4]].head(3))),
    ("str_slice", "exact", ["ddf.TailNum.str[1:4].value_counts().head(3)"], lambda d, s: keyed_csv(d.TailNum.str[1:4].value_counts().head(3))),
    ("str_last_chars", "exact", ["ddf.TailNum.dropna().str[-2:].head(5)"], lambda d, s: series_csv(d.TailNum.dropna().str[-2:].head(5).reset_index(drop=True))),
    ("str_split_get", "exact", ['ddf.TailNum.str.split("N").str.get(1).head(20)'], lambda d, s: series_csv(d.TailNum.str.split("N").str.get(1).head(20))),
    ("str_extract", "exact", [r'ddf.TailNum.str.extract(r"N(\d+)([A-Z]*)").tail(6)'], lambda d, s: frame_csv(d.TailNum.str.extract(r"N(\d+)([A-Z]*)").tail(6))),
    ("str_cat", "exact", ['ddf.Origin.str.cat(ddf.Dest, sep="-").value_counts().head(4)'], lambda d, s: keyed_csv(d.Origin.str.cat(d.Dest, sep="-").value_counts().head(4))),
    ("dt_calendar_tests", "exact", ['ddf.Date.dt.is_month_end.sum() + ddf.Date.dt.is_quarter_start.sum() * 1000'], lambda d, s: scalar_csv(d.Date.dt.is_month_end.sum() + d.Date.dt.is_quarter_start.sum() * 1000)),
    ("dt_floor", "exact", ['ddf.Date.dt.floor("D").tail(3)'], lambda d, s: series_csv(d.Date.dt.floor("D").tail(3))),
    ("operator_methods", "exact", ["ddf.DepDelay.div(7).round(2).sub(3).rsub(1).head(6)"], lambda d, s: series_csv(d.DepDelay.div(7).round(2).sub(3).rsub(1).head(6))),
    ("int_pow", "exact", ["ddf.DayOfWeek.pow(3).tail(3)"], lambda d, s: series_csv(d.DayOfWeek.pow(3).tail(3))),
    ("replace_dict", "exact", ['ddf.Origin.replace({"JFK": "J", "LGA": "L"}).value_counts()'], lambda d, s: keyed_csv(d.Origin.replace({"JFK": "J", "LGA": "L"}).value_counts())),
    ("replace_nan", "exact", ["import numpy as np", "ddf.DepDelay.replace(np.nan, 5).sum()"], lambda d, s: scalar_csv(d.DepDelay.replace(np.nan, 5).sum())),
    ("numpy_reductions", "exact", ["import numpy as np", "np.std(ddf.DepDelay) + np.mean(ddf.ArrDelay)"], lambda d, s: scalar_csv(np.std(d.DepDelay) + np.mean(d.ArrDelay))),
    ("groupby_transform_lambda", "exact", ['ddf.groupby("Origin").DepDelay.transform(lambda x: (x - x.mean()) / x.std()).iloc[300:306]'], lambda d, s: series_csv(d.groupby("Origin").DepDelay.transform(lambda x: (x - x.mean()) / x.std()).iloc[300:306])),
    ("groupby_transform_extra_args", "exact", ["def scaled(x, k, shift=0): return (x - x.mean()) * k + shift", 'ddf.groupby("Origin").DepDelay.transform(scaled, 2, shift=1).iloc[300:306]'], lambda d, s: series_csv(d.groupby("Origin").DepDelay.transform(lambda x, k, shift=0: (x - x.mean()) * k + shift, 2, shift=1).iloc[300:306])),
    ("groupby_filter_extra_args", "exact", ['ddf.groupby("Dest").filter(lambda g, n: len(g) > n, n=5000)[["Dest", "DepDelay"]].head(8)'], lambda d, s: frame_csv(d.groupby("Dest").filter(lambda g, n: len(g) > n, n=5000)[["Dest", "DepDelay"]].head(8))),
    ("groupby_transform_fillna", "exact", ['ddf.groupby("Dest").ArrDelay.transform(lambda x: x.fillna(x.mean())).iloc[0:8]'], lambda d, s: series_csv(d.groupby("Dest").ArrDelay.transform(lambda x: x.fillna(x.mean())).iloc[0:8])),
    ("groupby_apply_range", "exact", ['ddf.groupby("Origin").apply(lambda g: g.DepDelay.max() - g.DepDelay.min())'], lambda d, s: keyed_csv(d.groupby("Origin").apply(lambda g: g.DepDelay.max() - g.DepDelay.min(), include_groups=False))),
    ("groupby_apply_len", "exact", ['ddf.groupby("Origin").apply(lambda g: g.DepDelay.sum() / len(g))'], lambda d, s: keyed_csv(d.groupby("Origin").apply(lambda g: g.DepDelay.sum() / len(g), include_groups=False))),
    ("groupby_column_apply", "exact", ['ddf.groupby("Dest").ArrDelay.apply(lambda s: s.mean() * 2).head(6)'], lambda d, s: keyed_csv(d.groupby("Dest").ArrDelay.apply(lambda s: s.mean() * 2).head(6))),
    ("groupby_two_keys_apply", "exact", ['ddf.groupby(["Origin", "Cancelled"]).apply(lambda g: g.DepDelay.mean() + g.ArrDelay.mean())'], lambda d, s: keyed_csv(d.groupby(["Origin", "Cancelled"]).apply(lambda g: g.DepDelay.mean() + g.ArrDelay.mean(), include_groups=False))),
    ("groupby_filter", "exact", ['ddf.groupby("Dest").filter(lambda g: len(g) > 1000)[["Dest", "DepDelay"]].tail(5)'], lambda d, s: frame_csv(d.groupby("Dest").filter(lambda g: len(g) > 1000)[["Dest", "DepDelay"]].tail(5))),
    ("groupby_filter_mean", "exact", ['ddf.groupby("Dest").filter(lambda g: g.DepDelay.mean() > 11).Dest.unique()'], lambda d, s: unique_csv(d.groupby("Dest").filter(lambda g: g.DepDelay.mean() > 11).Dest)),
    ("frame_where_other", "exact", ['num = ddf[["DepDelay", "ArrDelay"]]', "num.where(num < 0, -num).head(6)"], lambda d, s: frame_csv(d[["DepDelay", "ArrDelay"]].where(d[["DepDelay", "ArrDelay"]] < 0, -d[["DepDelay", "ArrDelay"]]).head(6))),
    ("frame_mask", "exact", ['num = ddf[["DepDelay", "ArrDelay"]]', "num.mask(num >= 0).head(6)"], lambda d, s: frame_csv(d[["DepDelay", "ArrDelay"]].mask(d[["DepDelay", "ArrDelay"]] >= 0).head(6))),
    ("frame_where_row_condition", "exact", ['num = ddf[["DepDelay", "ArrDelay"]]', "num.where(ddf.DepDelay > 0).iloc[10:16]"], lambda d, s: frame_csv(d[["DepDelay", "ArrDelay"]].where(d.DepDelay > 0, axis=0).iloc[10:16])),
    ("frame_mask_row_condition_count", "exact", ['ddf[["DepDelay", "Distance"]].mask(ddf.Origin == "JFK").count()'], lambda d, s: per_column_csv(d[["DepDelay", "Distance"]].mask(d.Origin == "JFK", axis=0).count(), "count")),
    ("columns_filtered_by_a_mask_of_their_frame", "exact", ['num = ddf[["DepDelay", "ArrDelay"]]', 'num[ddf.Origin == "JFK"].tail(5)'], lambda d, s: frame_csv(d[["DepDelay", "ArrDelay"]][d.Origin == "JFK"].tail(5))),
    ("sort_index_columns", "exact", ['ddf[["Origin", "DepDelay", "ArrDelay", "Dest"]].sort_index(axis=1).head(4)'], lambda d, s: frame_csv(d[["Origin", "DepDelay", "ArrDelay", "Dest"]].sort_index(axis=1).head(4))),
    ("groupby_key_from_unfiltered_frame", "exact", ["ddf[ddf.Date.dt.month == 7].groupby(ddf.Date.dt.year).DepDelay.mean()"], lambda d, s: keyed_csv(d[d.Date.dt.month == 7].groupby(d.Date.dt.year).DepDelay.mean())),
    ("frame_boolean_index", "exact", ['num = ddf[["DepDelay", "ArrDelay"]]', "num[num > 0].tail(4)"], lambda d, s: frame_csv(d[["DepDelay", "ArrDelay"]][d[["DepDelay", "ArrDelay"]] > 0].tail(4))),
    ("frame_apply_columns", "exact", ['ddf[["DepDelay", "ArrDelay", "Distance"]].apply(lambda x: x.max() - x.min())'], lambda d, s: per_column_csv(d[["DepDelay", "ArrDelay", "Distance"]].apply(lambda x: x.max() - x.min()), "<lambda>")),
    ("frame_transform_lambda", "exact", ['ddf[["DepDelay", "Distance"]].transform(lambda x: x * 2).tail(3)'], lambda d, s: frame_csv(d[["DepDelay", "Distance"]].transform(lambda x: x * 2).tail(3))),
    ("series_agg_list", "exact", ['ddf.ArrDelay.agg(["min", "max", "mean"])'], lambda d, s: per_column_csv(d.ArrDelay.agg(["min", "max", "mean"]), "ArrDelay")),
    ("groupby_rolling_mean", "exact", ['ddf.groupby("Origin").DepDelay.rolling(4).mean().tail(60)'], lambda d, s: keyed_csv(d.groupby("Origin").DepDelay.rolling(4).mean().tail(60))),
    ("groupby_rolling_min_periods", "exact", ['ddf.groupby(["Origin", "Cancelled"]).ArrDelay.rolling(3, min_periods=1).max().head(20)'], lambda d, s: keyed_csv(d.groupby(["Origin", "Cancelled"]).ArrDelay.rolling(3, min_periods=1).max().head(20))),
    ("groupby_expanding_sum", "exact", ['ddf.groupby("Dest").DepDelay.expanding().sum().tail(30)'], lambda d, s: keyed_csv(d.groupby("Dest").DepDelay.expanding().sum().tail(30))),
    ("series_expanding_mean", "exact", ["ddf.ArrDelay.expanding(min_periods=3).mean().head(10)"], lambda d, s: series_csv(d.ArrDelay.expanding(min_periods=3).mean().head(10))),
    ("groupby_of_a_groupby_result", "exact", ['x = ddf.groupby(["Origin", "Dest"]).DepDelay.sum()', 'x.reset_index().groupby("Origin").DepDelay.agg(["size", "max"])'], lambda d, s: keyed_csv(d.groupby(["Origin", "Dest"]).DepDelay.sum().reset_index().groupby("Origin").DepDelay.agg(["size", "max"]))),
    ("custom_aggregation_mean", "exact", ['custom_mean = dd.Aggregation("custom_mean", lambda s: (s.count(), s.sum()), lambda c, t: (c.sum(), t.sum()), lambda c, t: t / c)', 'ddf.groupby("Dest").ArrDelay.agg(custom_mean)'], lambda d, s: keyed_csv(d.groupby("Dest").ArrDelay.mean())),
    ("custom_aggregation_spread", "exact", ['spread = dd.Aggregation("spread", lambda s: (s.max(), s.min()), lambda a, b: (a.max(), b.min()), lambda a, b: a - b)', 'ddf.groupby(["Origin", "Cancelled"]).ArrDelay.agg(spread)'], lambda d, s: keyed_csv(d.groupby(["Origin", "Cancelled"]).ArrDelay.agg(lambda x: x.max() - x.min()))),
    ("frame_agg_dict_lists", "exact", ['ddf.agg({"DepDelay": ["min", "max", "median", "skew"], "Distance": ["min", "max", "median", "mean"]})'], lambda d, s: describe_csv(d.agg({"DepDelay": ["min", "max", "median", "skew"], "Distance": ["min", "max", "median", "mean"]}))),
    ("frame_agg_dict_names", "exact", ['ddf.agg({"DepDelay": "min", "Distance": "max"})'], lambda d, s: per_column_csv(d.agg({"DepDelay": "min", "Distance": "max"}), "0")),
    ("series_skew", "exact", ["ddf.DepDelay.skew()"], lambda d, s: scalar_csv(d.DepDelay.skew())),
    ("frame_kurt", "exact", ['ddf[["DepDelay", "ArrDelay", "Distance"]].kurt()'], lambda d, s: per_column_csv(d[["DepDelay", "ArrDelay", "Distance"]].kurt(), "kurt")),
    ("groupby_skew", "exact", ['ddf.groupby("Origin").ArrDelay.skew()'], lambda d, s: keyed_csv(d.groupby("Origin").ArrDelay.skew())),
    ("frame_agg_list", "exact", ['ddf[["DayOfWeek", "Distance"]].agg(["sum", "mean", "max"])'], lambda d, s: describe_csv(d[["DayOfWeek", "Distance"]].agg(["sum", "mean", "max"]))),
    ("resample_multiple_days", "exact", ['ddf.set_index("Date").DepDelay.resample("5D").sum().head(8)'], lambda d, s: keyed_csv(by_date(d).DepDelay.resample("5D").sum().head(8))),
    ("resample_multiple_hours", "exact", ['ddf.set_index("Date").DepDelay.resample("36h").count().tail(4)'], lambda d, s: keyed_csv(by_date(d).DepDelay.resample("36h").count().tail(4))),
    # Time windows of max/min/std/var: a row's window holds the same day's rows up to it only.
    ("rolling_time_max_within_days", "exact", ['ddf.set_index("Date").DepDelay.rolling("2D").max().iloc[:400]'], lambda d, s: keyed_csv(by_date(d).DepDelay.rolling("2D").max().iloc[:400])),
    ("rolling_time_min_with_missing", "exact", ['ddf.set_index("Date").ArrDelay.rolling("3D").min().iloc[5000:5300]'], lambda d, s: keyed_csv(by_date(d).ArrDelay.rolling("3D").min().iloc[5000:5300])),
    ("rolling_time_std", "exact", ['ddf.set_index("Date").DepDelay.rolling("2D").std().iloc[:300]'], lambda d, s: keyed_csv(by_date(d).DepDelay.rolling("2D").std().iloc[:300])),
    ("rolling_time_var_tail", "exact", ['ddf.set_index("Date").ArrDelay.rolling("7D").var().tail(50)'], lambda d, s: keyed_csv(by_date(d).ArrDelay.rolling("7D").var().tail(50))),
    ("rolling_time_skew", "exact", ['ddf.set_index("Date").DepDelay.rolling("2D").skew().iloc[:400]'], lambda d, s: keyed_csv(by_date(d).DepDelay.rolling("2D").skew().iloc[:400])),
    ("rolling_time_kurt_with_missing", "exact", ['ddf.set_index("Date").ArrDelay.rolling("7D", min_periods=5).kurt().iloc[5000:5300]'], lambda d, s: keyed_csv(by_date(d).ArrDelay.rolling("7D", min_periods=5).kurt().iloc[5000:5300])),
    ("rolling_time_sum", "exact", ['ddf.set_index("Date").DepDelay.rolling("2D").sum().iloc[100:110]'], lambda d, s: keyed_csv(by_date(d).DepDelay.rolling("2D").sum().iloc[100:110])),
    ("rolling_time_mean_frame", "exact", ['ddf.set_index("Date")[["DepDelay", "ArrDelay"]].rolling("3D").mean().tail(4)'], lambda d, s: keyed_csv(by_date(d)[["DepDelay", "ArrDelay"]].rolling("3D").mean().tail(4))),
    ("rolling_time_median", "exact", ['ddf.set_index("Date").DepDelay.rolling("2D").median().iloc[:400]'], lambda d, s: keyed_csv(by_date(d).DepDelay.rolling("2D").median().iloc[:400])),
    ("rolling_time_median_with_missing", "exact", ['ddf.set_index("Date").ArrDelay.rolling("3D", min_periods=4).median().iloc[5000:5300]'], lambda d, s: keyed_csv(by_date(d).ArrDelay.rolling("3D", min_periods=4).median().iloc[5000:5300])),
    ("rolling_time_median_sum", "exact", ['ddf.set_index("Date").DepDelay.rolling("7D").median().sum()'], lambda d, s: scalar_csv(by_date(d).DepDelay.rolling("7D").median().sum())),
    ("rolling_time_count", "exact", ['ddf.set_index("Date").ArrDelay.rolling("1D").count().iloc[50:55]'], lambda d, s: keyed_csv(by_date(d).ArrDelay.rolling("1D").count().iloc[50:55])),
    ("resample_ohlc", "exact", ['ddf.set_index("Date").DepDelay.resample("QE").ohlc().head(4)'], lambda d, s: keyed_csv(by_date(d).DepDelay.resample("QE").ohlc().head(4))),
    ("sum_skipna_false", "exact", ["ddf.ArrDelay.sum(skipna=False)"], lambda d, s: scalar_csv(d.ArrDelay.sum(skipna=False))),
    ("query_chained", "exact", ['len(ddf.query("DepDelay < ArrDelay < TaxiIn"))'], lambda d, s: scalar_csv(len(d.query("DepDelay < ArrDelay < TaxiIn")))),
    ("query_equals_list", "exact", ["len(ddf.query(\"Dest == ['SFO', 'LAX']\"))"], lambda d, s: scalar_csv(len(d.query("Dest == ['SFO', 'LAX']")))),
    ("duplicated", "exact", ['ddf.duplicated("Dest").sum()'], lambda d, s: scalar_csv(d.duplicated("Dest").sum())),
    ("duplicated_last", "exact", ['ddf.duplicated(["Origin", "Dest"], keep="last").head(8)'], lambda d, s: series_csv(d.duplicated(["Origin", "Dest"], keep="last").head(8).rename("0"))),
    ("isin_dict", "exact", ['ddf[["Origin", "Dest"]].isin({"Origin": ["JFK"], "Dest": ["SFO", "LAX"]}).sum()'], lambda d, s: per_column_csv(d[["Origin", "Dest"]].isin({"Origin": ["JFK"], "Dest": ["SFO", "LAX"]}).sum(), "sum")),
    ("rename_function", "exact", ["ddf.rename(columns=str.lower).columns"], lambda d, s: frame_csv(pd.DataFrame({"column": list(d.rename(columns=str.lower).columns)}))),
    ("loc_idxmax", "exact", ['ddf.loc[ddf["TailNum"].str.len().idxmax(), "TailNum"]'], lambda d, s: scalar_csv(d.loc[d["TailNum"].str.len().idxmax(), "TailNum"])),
    ("fillna_per_column", "exact", ['num = ddf[["DepDelay", "ArrDelay"]]', "num.fillna(num.mean()).head(40).tail(5)"], lambda d, s: frame_csv(d[["DepDelay", "ArrDelay"]].fillna(d[["DepDelay", "ArrDelay"]].mean()).head(40).tail(5))),
    ("groupby_value_counts", "exact", ['ddf.groupby("Origin").DayOfWeek.value_counts()'], lambda d, s: keyed_csv(d.groupby("Origin").DayOfWeek.value_counts())),
    ("ffill_limit", "exact", ["ddf.TailNum.ffill(limit=1).isna().sum()"], lambda d, s: scalar_csv(d.TailNum.ffill(limit=1).isna().sum())),
    ("bfill_limit_rows", "exact", ["ddf.AirTime.bfill(limit=2).iloc[0:12]"], lambda d, s: series_csv(d.AirTime.bfill(limit=2).iloc[0:12])),
    ("interpolate", "exact", ["ddf.DepDelay.interpolate().iloc[550:600]"], lambda d, s: series_csv(d.DepDelay.interpolate().iloc[550:600])),
    ("interpolate_sum", "exact", ["ddf.AirTime.interpolate().sum()"], lambda d, s: scalar_csv(d.AirTime.interpolate().sum())),
    ("rank_average", "exact", ["ddf.DepDelay.rank().iloc[100:110]"], lambda d, s: series_csv(d.DepDelay.rank().iloc[100:110])),
    ("groupby_rank", "exact", ['ddf.groupby("Origin").DepDelay.rank().head(8)'], lambda d, s: series_csv(d.groupby("Origin").DepDelay.rank().head(8))),
    ("groupby_rank_methods", "exact", ['ddf.assign(a=ddf.groupby("Dest").ArrDelay.rank(method="min"), b=ddf.groupby("Dest").ArrDelay.rank(method="dense", ascending=False), c=ddf.groupby("Dest").ArrDelay.rank(method="first"))[["a", "b", "c"]].tail(6)'], lambda d, s: frame_csv(d.assign(a=d.groupby("Dest").ArrDelay.rank(method="min"), b=d.groupby("Dest").ArrDelay.rank(method="dense", ascending=False), c=d.groupby("Dest").ArrDelay.rank(method="first"))[["a", "b", "c"]].tail(6))),
    ("melt", "exact", ['ddf[["FlightNum", "DepDelay", "ArrDelay"]].head(3).melt(id_vars="FlightNum")'], lambda d, s: frame_csv(d[["FlightNum", "DepDelay", "ArrDelay"]].head(3).melt(id_vars="FlightNum"))),
    # Notebook lines (issue 17, session 11).
    ("merge_indicator", "exact", MERGE_FRAMES + ['pd.merge(a, b, on="Dest", how="outer", indicator=True)'], lambda d, s: frame_csv(pd.merge(*merge_frames(d), on="Dest", how="outer", indicator=True))),
    ("merge_indicator_named_left", "exact", MERGE_FRAMES + ['a.merge(b, on="Dest", how="left", indicator="where")'], lambda d, s: frame_csv(merge_frames(d)[0].merge(merge_frames(d)[1], on="Dest", how="left", indicator="where"))),
    # merge_asof: the nearest right row by time among rows of the same Dest (issue 17).
    # merge_ordered: an outer merge in key order, forward filled when asked (issue 17).
    ("merge_ordered_outer", "exact", MERGE_FRAMES + ['pd.merge_ordered(a, b, on="Dest")'], lambda d, s: frame_csv(pd.merge_ordered(*merge_frames(d), on="Dest"))),
    ("merge_ordered_ffill", "exact", MERGE_FRAMES + ['pd.merge_ordered(a, b, on="Dest", fill_method="ffill")'], lambda d, s: frame_csv(pd.merge_ordered(*merge_frames(d), on="Dest", fill_method="ffill"))),
    ("merge_ordered_left_on_right_on_left", "exact", MERGE_FRAMES + ['c = b.rename(columns={"Dest": "Airport"})', 'pd.merge_ordered(a, c, left_on="Dest", right_on="Airport", how="left", suffixes=("_a", "_c"))'], lambda d, s: frame_csv(pd.merge_ordered(merge_frames(d)[0], merge_frames(d)[1].rename(columns={"Dest": "Airport"}), left_on="Dest", right_on="Airport", how="left", suffixes=("_a", "_c")))),
    ("merge_ordered_shared_columns", "exact", MERGE_FRAMES + ['pd.merge_ordered(a, b[["Dest", "Distance"]], fill_method="ffill")'], lambda d, s: frame_csv(pd.merge_ordered(merge_frames(d)[0], merge_frames(d)[1][["Dest", "Distance"]], fill_method="ffill"))),
    ("merge_asof_backward_by", "exact", ASOF_FRAMES + ['pd.merge_asof(jfk, lga, on="Date", by="Dest").iloc[::25]'], lambda d, s: frame_csv(pd.merge_asof(*asof_frames(d), on="Date", by="Dest").iloc[::25])),
    ("merge_asof_forward_not_exact_tolerance", "exact", ASOF_FRAMES + ['pd.merge_asof(jfk, lga, on="Date", by="Dest", direction="forward", allow_exact_matches=False, tolerance=pd.Timedelta("3D")).iloc[::25]'], lambda d, s: frame_csv(pd.merge_asof(*asof_frames(d), on="Date", by="Dest", direction="forward", allow_exact_matches=False, tolerance=pd.Timedelta("3D")).iloc[::25])),
    ("merge_asof_numbers_left_right_on", "exact", ['l = ddf[ddf.Origin == "EWR"][["CRSArrTime", "Dest"]].sort_values("CRSArrTime").head(400)', 'r = ddf[ddf.Origin == "JFK"][["CRSDepTime", "FlightNum", "Dest"]].sort_values("CRSDepTime")', 'pd.merge_asof(l, r, left_on="CRSArrTime", right_on="CRSDepTime", suffixes=("_l", "_r"))'], lambda d, s: frame_csv(pd.merge_asof(d[d.Origin == "EWR"][["CRSArrTime", "Dest"]].sort_values("CRSArrTime", kind="stable").head(400), d[d.Origin == "JFK"][["CRSDepTime", "FlightNum", "Dest"]].sort_values("CRSDepTime", kind="stable"), left_on="CRSArrTime", right_on="CRSDepTime", suffixes=("_l", "_r")))),
    ("merge_asof_nearest_by_tolerance", "exact", ASOF_FRAMES + ['pd.merge_asof(jfk, lga, on="Date", by="Dest", direction="nearest", tolerance=pd.Timedelta("2D")).iloc[::25]'], lambda d, s: frame_csv(pd.merge_asof(*asof_frames(d), on="Date", by="Dest", direction="nearest", tolerance=pd.Timedelta("2D")).iloc[::25])),
    ("merge_asof_nearest_numbers_ties", "exact", ['l = ddf[ddf.Origin == "EWR"][["CRSArrTime", "Dest"]].sort_values("CRSArrTime").head(400)', 'r = ddf[ddf.Origin == "JFK"][["CRSDepTime", "FlightNum"]].drop_duplicates("CRSDepTime").sort_values("CRSDepTime")', 'pd.merge_asof(l, r, left_on="CRSArrTime", right_on="CRSDepTime", direction="nearest", allow_exact_matches=False)'], lambda d, s: frame_csv(pd.merge_asof(d[d.Origin == "EWR"][["CRSArrTime", "Dest"]].sort_values("CRSArrTime", kind="stable").head(400), d[d.Origin == "JFK"][["CRSDepTime", "FlightNum"]].drop_duplicates("CRSDepTime").sort_values("CRSDepTime", kind="stable"), left_on="CRSArrTime", right_on="CRSDepTime", direction="nearest", allow_exact_matches=False))),
    ("join_on_column", "exact", ['b = ddf.groupby("Dest").Distance.max()', 'ddf[["Dest", "DepDelay"]].iloc[0:30].join(b, on="Dest")'], lambda d, s: frame_csv(d[["Dest", "DepDelay"]].iloc[0:30].join(d.groupby("Dest").Distance.max(), on="Dest"))),
    ("join_on_index_inner", "exact", ['left = ddf.groupby("Dest").DepDelay.mean()', 'right = ddf.groupby("Dest").ArrDelay.max()', 'left.to_frame().join(right, how="inner")'], lambda d, s: keyed_csv(d.groupby("Dest").DepDelay.mean().to_frame().join(d.groupby("Dest").ArrDelay.max(), how="inner"))),
    ("groupby_agg_lambda_columns", "exact", ['ddf.groupby("Origin")[["DepDelay", "ArrDelay"]].agg(lambda x: x.max() - x.min())'], lambda d, s: keyed_csv(d.groupby("Origin")[["DepDelay", "ArrDelay"]].agg(lambda x: x.max() - x.min()))),
    ("groupby_agg_dict_lambda", "exact", ['ddf.groupby("Dest").agg({"DepDelay": "sum", "ArrDelay": lambda x: np.std(x, ddof=1)})'], lambda d, s: keyed_csv(d.groupby("Dest").agg({"DepDelay": "sum", "ArrDelay": lambda x: np.std(x, ddof=1)}))),
    ("grouper_month", "exact", ['ddf.groupby(pd.Grouper(key="Date", freq="ME")).DepDelay.mean()'], lambda d, s: keyed_csv(d.groupby(pd.Grouper(key="Date", freq="ME")).DepDelay.mean())),
    ("grouper_key", "exact", ['ddf.groupby(pd.Grouper(key="Origin")).ArrDelay.max()'], lambda d, s: keyed_csv(d.groupby(pd.Grouper(key="Origin")).ArrDelay.max())),
    ("to_period_month_counts", "exact", ['ddf.Date.dt.to_period("M").value_counts().sort_index().head(5)'], lambda d, s: keyed_csv(d.Date.dt.to_period("M").value_counts().sort_index().head(5))),
    ("to_period_quarter_mean", "exact", ['ddf.groupby(ddf.Date.dt.to_period("Q")).DepDelay.mean().tail(4)'], lambda d, s: keyed_csv(d.groupby(d.Date.dt.to_period("Q")).DepDelay.mean().tail(4))),
    ("to_period_week", "exact", ['ddf.Date.dt.to_period("W").iloc[20:26]'], lambda d, s: series_csv(d.Date.dt.to_period("W").iloc[20:26])),
    ("tz_localize_convert", "exact", ['ddf.Date.dt.tz_localize("UTC").dt.tz_convert("US/Eastern").tail(3)'], lambda d, s: series_csv(d.Date.dt.tz_localize("UTC").dt.tz_convert("US/Eastern").tail(3))),
    ("groupby_idxmax", "exact", ['ddf.groupby("Origin").DepDelay.idxmax()'], lambda d, s: keyed_csv(d.groupby("Origin").DepDelay.idxmax())),
    ("groupby_idxmin_columns", "exact", ['ddf.groupby("Dest")[["DepDelay", "ArrDelay"]].idxmin().head(6)'], lambda d, s: keyed_csv(d.groupby("Dest")[["DepDelay", "ArrDelay"]].idxmin().head(6))),
    ("tz_localize_none", "exact", ['ddf.Date.dt.tz_localize("Europe/Paris").dt.tz_localize(None).max()'], lambda d, s: scalar_csv(d.Date.dt.tz_localize("Europe/Paris").dt.tz_localize(None).max())),
    # read_json (issue 21): JSON lines and an array of records, typed as pandas types them.
    # Python's built-in conversions around computed values (issue 17).
    ("python_builtins_on_scalars", "exact", ['round(ddf.DepDelay.mean(), 2) + int(ddf.ArrDelay.mean()) + abs(ddf.DepDelay.min()) + float("1e3")'], lambda d, s: scalar_csv(round(d.DepDelay.mean(), 2) + int(d.ArrDelay.mean()) + abs(d.DepDelay.min()) + float("1e3"))),
    ("python_round_to_int", "exact", ["round(ddf.DepDelay.mean()) + round(2.5) + round(2.675, 2)"], lambda d, s: scalar_csv(round(d.DepDelay.mean()) + round(2.5) + round(2.675, 2))),
    ("nan_literal_is_missing", "exact", ["import numpy as np", 'ddf.assign(x=float("nan")).x.sum() + ddf.DepDelay.fillna(np.nan).max()'], lambda d, s: scalar_csv(d.assign(x=float("nan")).x.sum() + d.DepDelay.fillna(np.nan).max())),
    ("int_with_missing_is_float", "exact", ["ddf.Distance.where(ddf.Distance > 1000).head(6)"], lambda d, s: series_csv(d.Distance.where(d.Distance > 1000).head(6))),
    ("astype_category_numbers_value_counts", "exact", ['ddf.DayOfWeek.astype("category").value_counts()'], lambda d, s: keyed_csv(d.DayOfWeek.astype("category").value_counts())),
    ("astype_category_numbers_groupby", "exact", ['ddf.assign(day=ddf.DayOfWeek.astype("category")).groupby("day").DepDelay.mean()'], lambda d, s: keyed_csv(d.assign(day=d.DayOfWeek.astype("category")).groupby("day", observed=False).DepDelay.mean())),
    ("astype_category_numbers_keys_sort_as_numbers", "exact", ['ddf.assign(m=(ddf.FlightNum % 12).astype("category")).groupby("m").DepDelay.count().sort_index(ascending=False)'], lambda d, s: keyed_csv(d.assign(m=(d.FlightNum % 12).astype("category")).groupby("m", observed=False).DepDelay.count().sort_index(ascending=False))),
    ("astype_category_bools_value_counts", "exact", ['ddf.Cancelled.astype("category").value_counts()'], lambda d, s: keyed_csv(d.Cancelled.astype("category").value_counts())),
    ("astype_category_bools_groupby", "exact", ['ddf.assign(c=ddf.Cancelled.astype("category")).groupby("c").DepDelay.count()'], lambda d, s: keyed_csv(d.assign(c=d.Cancelled.astype("category")).groupby("c", observed=False).DepDelay.count())),
    ("astype_category_dates_value_counts", "exact", ['ddf[ddf.DepDelay > 500].Date.astype("category").value_counts(sort=False)'], lambda d, s: keyed_csv(d[d.DepDelay > 500].Date.astype("category").value_counts(sort=False))),
    ("astype_category_dates_codes", "exact", ['ddf[ddf.DepDelay > 400].Date.astype("category").cat.codes'], lambda d, s: series_csv(d[d.DepDelay > 400].Date.astype("category").cat.codes)),
    ("astype_category_floats_codes", "exact", ['ddf.TaxiIn.astype("category").cat.codes.value_counts().head(8)'], lambda d, s: keyed_csv(d.TaxiIn.astype("category").cat.codes.value_counts().head(8))),
    # A frame's astype to "category" (a dict, or every column) makes categoricals as a series'
    # does, and a groupby by a categorical keeps its key categorical (issue 17).
    ("astype_frame_dict_category_dtypes", "exact", ['ddf[["DayOfWeek", "Origin", "Distance"]].astype({"DayOfWeek": "category", "Distance": "float64"}).dtypes'], lambda d, s: named_column_csv("column", "dtype", ((c, str(t)) for c, t in d[["DayOfWeek", "Origin", "Distance"]].astype({"DayOfWeek": "category", "Distance": "float64"}).dtypes.items()))),
    ("astype_frame_category_value_counts", "exact", ['ddf[["Origin", "Dest"]].astype("category").Dest.value_counts().head(5)'], lambda d, s: keyed_csv(d[["Origin", "Dest"]].astype("category").Dest.value_counts().head(5))),
    ("astype_frame_categorical_dtype_groupby", "exact", ['ddf.astype({"Origin": pd.CategoricalDtype(["JFK", "LGA", "XXX"])}).groupby("Origin").DepDelay.count()'], lambda d, s: keyed_csv(d.astype({"Origin": pd.CategoricalDtype(["JFK", "LGA", "XXX"])}).groupby("Origin", observed=False).DepDelay.count())),
    ("categorical_key_stays_categorical", "exact", ['ddf.astype({"DayOfWeek": "category"}).groupby("DayOfWeek").DepDelay.mean().reset_index().dtypes'], lambda d, s: named_column_csv("column", "dtype", ((c, str(t)) for c, t in d.astype({"DayOfWeek": "category"}).groupby("DayOfWeek", observed=False).DepDelay.mean().reset_index().dtypes.items()))),
    # Dates with a time zone as text and as categories: pandas writes them with time and offset.
    ("astype_str_of_zoned_dates", "exact", ['ddf[ddf.DepDelay > 500].Date.dt.tz_localize("UTC").dt.tz_convert("US/Eastern").astype(str)'], lambda d, s: series_csv(d[d.DepDelay > 500].Date.dt.tz_localize("UTC").dt.tz_convert("US/Eastern").astype(str))),
    ("astype_category_zoned_dates_value_counts", "exact", ['ddf[ddf.DepDelay > 400].Date.dt.tz_localize("UTC").astype("category").value_counts(sort=False)'], lambda d, s: keyed_csv(d[d.DepDelay > 400].Date.dt.tz_localize("UTC").astype("category").value_counts(sort=False))),
    ("date_offset_months_clamped", "exact", ['ddf[ddf.Date.dt.day >= 29].Date + pd.DateOffset(months=1)'], lambda d, s: series_csv(d[d.Date.dt.day >= 29].Date + pd.DateOffset(months=1))),
    ("date_offset_years_days_hours", "exact", ['(ddf.Date - pd.DateOffset(years=1, weeks=1, days=2, hours=3, minutes=4)).iloc[100:110]'], lambda d, s: series_csv((d.Date - pd.DateOffset(years=1, weeks=1, days=2, hours=3, minutes=4)).iloc[100:110])),
    ("timestamp_compared_and_subtracted", "exact", ['ddf[ddf.Date < pd.Timestamp("1990-02-01 12:00")].Date.max()'], lambda d, s: scalar_csv(d[d.Date < pd.Timestamp("1990-02-01 12:00")].Date.max())),
    # A window length computed from the data, asked of the engine at planning (issue 17).
    ("rolling_window_of_len", "exact", ['ddf[["DepDelay"]].rolling(window=len(ddf), min_periods=1).mean().iloc[::2000]'], lambda d, s: frame_csv(d[["DepDelay"]].rolling(window=len(d), min_periods=1).mean().iloc[::2000])),
    ("rolling_window_of_computed_max", "exact", ['ddf.DepDelay.rolling(ddf.DayOfWeek.max()).sum().iloc[0:12]'], lambda d, s: series_csv(d.DepDelay.rolling(d.DayOfWeek.max()).sum().iloc[0:12])),
    # resample(closed=, label=) on rules of fixed units (issue 17).
    ("resample_closed_right", "exact", ['ddf.set_index("Date").DepDelay.resample("5D", closed="right").mean()'], lambda d, s: keyed_csv(d.set_index("Date").DepDelay.resample("5D", closed="right").mean())),
    ("resample_closed_and_label_right", "exact", ['ddf.set_index("Date").DepDelay.resample("3D", closed="right", label="right").count()'], lambda d, s: keyed_csv(d.set_index("Date").DepDelay.resample("3D", closed="right", label="right").count())),
    ("resample_day_label_right", "exact", ['ddf.resample("D", on="Date", label="right").DepDelay.max().head(40)'], lambda d, s: keyed_csv(d.resample("D", on="Date", label="right").DepDelay.max().head(40))),
    ("resample_month_end_default_sides", "exact", ['ddf.set_index("Date").DepDelay.resample("ME", closed="right", label="right").mean()'], lambda d, s: keyed_csv(d.set_index("Date").DepDelay.resample("ME", closed="right", label="right").mean())),
    ("offsets_minute_added_to_spans", "exact", ['td = ddf.Date - pd.Timestamp("1990-01-01")', '(td + pd.offsets.Minute(15)).iloc[4990:5010]'], lambda d, s: series_csv((d.Date - pd.Timestamp("1990-01-01") + pd.offsets.Minute(15)).iloc[4990:5010])),
    ("offsets_hour_and_day_added_to_dates", "exact", ['(ddf.Date + pd.offsets.Hour(30) - pd.offsets.Day(3)).iloc[100:110]'], lambda d, s: series_csv((d.Date + pd.offsets.Hour(30) - pd.offsets.Day(3)).iloc[100:110])),
    # Functions with default parameter values, called with keywords, and apply(args=, **kwargs)
    # and pipe(*args, **kwargs) passing arguments on to them (issue 17).
    ("def_defaults_frame_apply_args_kwargs", "exact", ["def subtract_and_divide(x, sub, divide=1): return (x - sub) / divide", 'ddf[["DepDelay", "ArrDelay"]].apply(subtract_and_divide, args=(5,), divide=3).iloc[::500]'], lambda d, s: frame_csv(d[["DepDelay", "ArrDelay"]].apply(lambda x, sub, divide=1: (x - sub) / divide, args=(5,), divide=3).iloc[::500])),
    ("def_defaults_series_apply_args", "exact", ["def subtract_and_divide(x, sub, divide=1): return (x - sub) / divide", "ddf.Distance.apply(subtract_and_divide, args=(2,)).iloc[::500]"], lambda d, s: series_csv(d.Distance.apply(lambda x, sub, divide=1: (x - sub) / divide, args=(2,)).iloc[::500])),
    ("def_defaults_called_with_keywords", "exact", ["def subtract_and_divide(x, sub, divide=1): return (x - sub) / divide", "subtract_and_divide(ddf.ArrDelay, divide=4, sub=1).iloc[::500]"], lambda d, s: series_csv(((d.ArrDelay - 1) / 4).iloc[::500])),
    ("lambda_default_rows_apply_kwargs", "exact", ["ddf.apply(lambda r, scale=1: (r.ArrDelay - r.DepDelay) * scale, axis=1, scale=2).iloc[::500]"], lambda d, s: series_csv(d.apply(lambda r, scale=1: (r.ArrDelay - r.DepDelay) * scale, axis=1, scale=2).iloc[::500])),
    ("pipe_args_kwargs", "exact", ['ddf.pipe(lambda d, origin, col="DepDelay": d[d.Origin == origin][col].mean(), "LGA", col="ArrDelay")'], lambda d, s: scalar_csv(d.pipe(lambda d, origin, col="DepDelay": d[d.Origin == origin][col].mean(), "LGA", col="ArrDelay"))),
    # A frame's or series' transform with a function, a method name, a list (two column levels,
    # written COLUMN_FUNCTION) or a dict of them, and arguments passed on (issue 17).
    ("transform_list_numpy_and_lambda", "exact", ['ddf[["DepDelay", "ArrDelay"]].transform([np.abs, lambda x: x + 1]).iloc[::500]'], lambda d, s: frame_csv(flat_columns(d[["DepDelay", "ArrDelay"]].transform([np.abs, lambda x: x + 1]).iloc[::500]))),
    ("transform_dict_of_function_and_list", "exact", ['ddf[["DepDelay", "ArrDelay"]].transform({"ArrDelay": [lambda x: x * 2, "abs"], "DepDelay": np.abs}).iloc[::500]'], lambda d, s: frame_csv(flat_columns(d[["DepDelay", "ArrDelay"]].transform({"ArrDelay": [lambda x: x * 2, "abs"], "DepDelay": np.abs}).iloc[::500]))),
    ("transform_dict_of_functions", "exact", ['ddf.transform({"Distance": lambda x: x / 2, "DepDelay": np.abs}).iloc[::500]'], lambda d, s: frame_csv(d.transform({"Distance": lambda x: x / 2, "DepDelay": np.abs}).iloc[::500])),
    ("transform_method_name", "exact", ['ddf[["DepDelay", "TaxiIn"]].transform("cumsum").iloc[::500]'], lambda d, s: frame_csv(d[["DepDelay", "TaxiIn"]].transform("cumsum").iloc[::500])),
    ("transform_series_list", "exact", ["ddf.Distance.transform([np.sqrt, lambda x: x / 2]).iloc[::500]"], lambda d, s: frame_csv(d.Distance.transform([np.sqrt, lambda x: x / 2]).iloc[::500])),
    ("transform_keywords_passed_on", "exact", ["def subtract_and_divide(x, sub, divide=1): return (x - sub) / divide", 'ddf[["DepDelay", "ArrDelay"]].transform(subtract_and_divide, sub=5, divide=2).iloc[::500]'], lambda d, s: frame_csv(d[["DepDelay", "ArrDelay"]].transform(lambda x, sub, divide=1: (x - sub) / divide, sub=5, divide=2).iloc[::500])),
    # convert_dtypes(): pandas' nullable dtypes, a float column of whole numbers made Int64 (issue 17).
    ("convert_dtypes_values", "exact", ['ddf[["DepDelay", "TaxiIn", "TailNum", "Cancelled", "Date"]].convert_dtypes().iloc[::500]'], lambda d, s: frame_csv(d[["DepDelay", "TaxiIn", "TailNum", "Cancelled", "Date"]].convert_dtypes().iloc[::500])),
    ("convert_dtypes_fractions_stay_floats", "exact", ['ddf.assign(r=ddf.TaxiIn / 7, w=ddf.Distance * 1.0, n=ddf.TaxiIn * 0.0 + 0.5)[["r", "w", "n", "Origin"]].convert_dtypes().dtypes'], lambda d, s: named_column_csv("column", "dtype", ((c, str(t)) for c, t in d.assign(r=d.TaxiIn / 7, w=d.Distance * 1.0, n=d.TaxiIn * 0.0 + 0.5)[["r", "w", "n", "Origin"]].convert_dtypes().dtypes.items()))),
    ("convert_dtypes_series_values", "exact", ["(ddf.TaxiIn / 7).convert_dtypes().iloc[::1000]"], lambda d, s: series_csv((d.TaxiIn / 7).convert_dtypes().iloc[::1000])),
    ("convert_dtypes_then_reduced", "exact", ["ddf.convert_dtypes().DepDelay.mean()"], lambda d, s: scalar_csv(d.convert_dtypes().DepDelay.mean())),
    ("isin_nan_matches_missing", "exact", ["import numpy as np", 'ddf.DepDelay.isin([np.nan, 0]).sum() + ddf.TailNum.isin([np.nan]).sum() * 100000 + ddf.TailNum.isin([None]).sum()'], lambda d, s: scalar_csv(d.DepDelay.isin([np.nan, 0]).sum() + d.TailNum.isin([np.nan]).sum() * 100000 + d.TailNum.isin([None]).sum())),
    ("reset_index_after_filter_keeps_labels", "exact", ['ddf[ddf.DepDelay > 300].reset_index()[["index", "Origin", "DepDelay"]]'], lambda d, s: frame_csv(d[d.DepDelay > 300].reset_index()[["index", "Origin", "DepDelay"]])),
    ("reset_index_after_sort_keeps_labels", "exact", ['ddf.sort_values("DepDelay", ascending=False).reset_index()[["index", "DepDelay"]].head(20)'], lambda d, s: frame_csv(d.sort_values("DepDelay", ascending=False, kind="stable").reset_index()[["index", "DepDelay"]].head(20))),
    # Labels after a merge (numbered afresh), a concat (each part's), a reset_index (issue 17).
    ("reset_index_after_merge", "exact", MERGE_FRAMES + ['a.merge(b, on="Dest", how="left").reset_index()'], lambda d, s: frame_csv(merge_frames(d)[0].merge(merge_frames(d)[1], on="Dest", how="left").reset_index())),
    ("reset_index_after_merge_and_filter", "exact", MERGE_FRAMES + ['m = a.merge(b, on="Dest", how="outer")', 'm[m.Distance > 2500].reset_index()'], lambda d, s: frame_csv((lambda m: m[m.Distance > 2500].reset_index())(pd.merge(*merge_frames(d), on="Dest", how="outer")))),
    ("index_after_merge_and_sort", "exact", MERGE_FRAMES + ['m = pd.merge(a, b, on="Dest")', 'm.sort_values("Distance").index'], lambda d, s: series_csv(pd.Series(pd.merge(*merge_frames(d), on="Dest").sort_values("Distance", kind="stable").index))),
    ("reset_index_after_concat_of_reads", "exact", ['pd.concat([ddf[["Origin", "DepDelay"]], ddf[["Origin", "DepDelay"]]]).reset_index().iloc[20795:20805]'], lambda d, s: frame_csv(pd.concat([d[["Origin", "DepDelay"]], d[["Origin", "DepDelay"]]]).reset_index().iloc[20795:20805])),
    ("reset_index_after_concat_of_reset_parts", "exact", ['x = ddf[ddf.Origin == "JFK"][["Origin", "DepDelay"]].reset_index(drop=True)', 'y = ddf[ddf.DepDelay > 400][["Origin", "DepDelay"]]', 'pd.concat([x.head(3), y.reset_index()[["Origin", "DepDelay"]]]).reset_index().head(8)'], lambda d, s: frame_csv(pd.concat([d[d.Origin == "JFK"][["Origin", "DepDelay"]].reset_index(drop=True).head(3), d[d.DepDelay > 400][["Origin", "DepDelay"]].reset_index()[["Origin", "DepDelay"]]]).reset_index().head(8))),
    ("reset_index_drop_then_reset_numbers_afresh", "exact", ['ddf[ddf.DepDelay > 300].reset_index(drop=True).reset_index()[["index", "DepDelay"]]'], lambda d, s: frame_csv(d[d.DepDelay > 300].reset_index(drop=True).reset_index()[["index", "DepDelay"]])),
    ("reset_index_twice_after_set_index", "exact", ['ddf.set_index("Date").reset_index().reset_index()[["index", "Date", "DepDelay"]].iloc[9000:9006]'], lambda d, s: frame_csv(by_date(d).reset_index().reset_index()[["index", "Date", "DepDelay"]].iloc[9000:9006])),
    ("concat_ignore_index_then_reset", "exact", ['pd.concat([ddf[ddf.DepDelay > 500][["DepDelay"]], ddf[ddf.DepDelay < -20][["DepDelay"]]], ignore_index=True).reset_index().tail(4)'], lambda d, s: frame_csv(pd.concat([d[d.DepDelay > 500][["DepDelay"]], d[d.DepDelay < -20][["DepDelay"]]], ignore_index=True).reset_index().tail(4))),
    # The round method as numpy rounds: halves to even, integers kept (issue 17).
    ("round_method_halves_to_even", "exact", ['(ddf.DepDelay / 2).round().sum() + (ddf.DepDelay / 4).round(1).sum() * 1000'], lambda d, s: scalar_csv((d.DepDelay / 2).round().sum() + (d.DepDelay / 4).round(1).sum() * 1000)),
    ("round_method_series_halves", "exact", ['(ddf.DepDelay / 4).round(1).head(30)'], lambda d, s: series_csv((d.DepDelay / 4).round(1).head(30))),
    ("round_method_int_negative", "exact", ['ddf.Distance.round(-2).head(12)'], lambda d, s: series_csv(d.Distance.round(-2).head(12))),
    ("round_method_int_unchanged", "exact", ['ddf.Distance.round(2).head(5)'], lambda d, s: series_csv(d.Distance.round(2).head(5))),
    ("round_method_frame", "exact", ['ddf[["Origin", "DepDelay", "Distance"]].assign(Half=ddf.DepDelay / 2, Quarter=ddf.Distance / 400).round(1).head(12)'], lambda d, s: frame_csv(d[["Origin", "DepDelay", "Distance"]].assign(Half=d.DepDelay / 2, Quarter=d.Distance / 400).round(1).head(12))),
    ("round_method_scalar_negative", "exact", ['(ddf.DepDelay.sum() / 3).round(-2) + ddf.Distance.sum().round(-3)'], lambda d, s: scalar_csv((d.DepDelay.sum() / 3).round(-2) + d.Distance.sum().round(-3))),
    ("assign_sees_the_frame_before_the_call", "exact", ['ddf.assign(DepDelay=ddf.DepDelay * 2, Before=ddf.DepDelay)[["DepDelay", "Before", "Origin"]].head(6)'], lambda d, s: frame_csv(d.assign(DepDelay=d.DepDelay * 2, Before=d.DepDelay)[["DepDelay", "Before", "Origin"]].head(6))),
    ("assign_to_picked_columns_from_parent", "exact", ['ddf[["Origin", "Dest"]].assign(Dest=ddf.Distance, Late=ddf.DepDelay > 15).head(6)'], lambda d, s: frame_csv(d[["Origin", "Dest"]].assign(Dest=d.Distance, Late=d.DepDelay > 15).head(6))),
    ("index_after_filter", "exact", ['ddf[ddf.Origin == "JFK"].index.max() + ddf[ddf.Dest == "SEA"].index.min()'], lambda d, s: scalar_csv(d[d.Origin == "JFK"].index.max() + d[d.Dest == "SEA"].index.min())),
    ("read_json_lines", "exact", ['j = read_json("data/json/flights.jsonl")', "j"], lambda d, s: frame_csv(pd.read_json(JSON_LINES, lines=True))),
    ("read_json_lines_dtypes", "exact", ['j = read_json("data/json/flights.jsonl", lines=True)', "j.dtypes"], lambda d, s: named_column_csv("column", "dtype", ((c, str(t)) for c, t in pd.read_json(JSON_LINES, lines=True).dtypes.items()))),
    ("read_json_records", "exact", ['r = read_json("data/json/flights-records.json", orient="records", lines=False)', "r"], lambda d, s: frame_csv(pd.read_json(JSON_RECORDS, orient="records"))),
    ("read_json_both_groupby", "exact", ['b = read_json(["data/json/flights.jsonl", "data/json/flights-records.json"])', 'b.groupby("Origin").agg({"DepDelay": "mean", "Distance": "sum", "Date": "max"})'], lambda d, s: keyed_csv(pd.concat([pd.read_json(JSON_LINES, lines=True), pd.read_json(JSON_RECORDS)], ignore_index=True).groupby("Origin").agg({"DepDelay": "mean", "Distance": "sum", "Date": "max"}))),
    # Categoricals with given categories, dummies, factorize, qcut (issue 17).
    ("categorical_dtype_value_counts_unused", "exact", ['ddf.Origin.astype(pd.CategoricalDtype(["LGA", "JFK", "SFO"])).value_counts()'], lambda d, s: keyed_csv(d.Origin.astype(pd.CategoricalDtype(["LGA", "JFK", "SFO"])).value_counts())),
    ("categorical_dtype_outside_missing", "exact", ['ddf.Origin.astype(pd.CategoricalDtype(["LGA", "JFK"])).isna().sum()'], lambda d, s: scalar_csv(d.Origin.astype(pd.CategoricalDtype(["LGA", "JFK"])).isna().sum())),
    ("categorical_dtype_codes", "exact", ['ddf.Origin.astype(pd.CategoricalDtype(["LGA", "JFK"])).cat.codes'], lambda d, s: series_csv(d.Origin.astype(pd.CategoricalDtype(["LGA", "JFK"])).cat.codes)),
    ("categorical_dtype_numbers", "exact", ['ddf.DayOfWeek.astype(pd.CategoricalDtype([7, 1, 9])).value_counts(sort=False)'], lambda d, s: keyed_csv(d.DayOfWeek.astype(pd.CategoricalDtype([7, 1, 9])).value_counts(sort=False))),
    ("categorical_dtype_ordered_extremes", "exact", ['s = ddf[ddf.DepDelay > 300].Origin.astype(pd.CategoricalDtype(["LGA", "EWR", "JFK"], ordered=True))', "s.min(), s.max()"], lambda d, s: f"{(lambda c: (c.min(), c.max()))(d[d.DepDelay > 300].Origin.astype(pd.CategoricalDtype(['LGA', 'EWR', 'JFK'], ordered=True)))!r}\n"),
    ("categorical_dtype_groupby_order", "exact", ['ddf["c"] = ddf.Origin.astype(pd.CategoricalDtype(["LGA", "SFO", "EWR", "JFK"]))', 'ddf.groupby("c").Distance.sum()'], lambda d, s: keyed_csv(d.assign(c=d.Origin.astype(pd.CategoricalDtype(["LGA", "SFO", "EWR", "JFK"]))).groupby("c", observed=False).Distance.sum())),
    ("categorical_dtype_groupby_two_keys_order", "exact", ['ddf["c"] = ddf.Origin.astype(pd.CategoricalDtype(["LGA", "JFK", "EWR"]))', 'ddf.groupby(["c", "Cancelled"]).Distance.count()'], lambda d, s: keyed_csv(d.assign(c=d.Origin.astype(pd.CategoricalDtype(["LGA", "JFK", "EWR"]))).groupby(["c", "Cancelled"], observed=False).Distance.count())),
    ("categorical_dtype_sort_values", "exact", ['ddf["c"] = ddf.Origin.astype(pd.CategoricalDtype(["LGA", "JFK", "EWR"]))', 'ddf[ddf.DepDelay > 300].sort_values("c")[["c", "DepDelay"]]'], lambda d, s: frame_csv(d.assign(c=d.Origin.astype(pd.CategoricalDtype(["LGA", "JFK", "EWR"])))[lambda x: x.DepDelay > 300].sort_values("c", kind="stable")[["c", "DepDelay"]])),
    ("categorical_dtype_series_sort_values", "exact", ['ddf[ddf.DepDelay > 300].Origin.astype(pd.CategoricalDtype(["LGA", "JFK", "EWR"])).sort_values()'], lambda d, s: series_csv(d[d.DepDelay > 300].Origin.astype(pd.CategoricalDtype(["LGA", "JFK", "EWR"])).sort_values(kind="stable"))),
    ("pivot_table_without_columns", "exact", ['pd.pivot_table(ddf, values=["DepDelay", "ArrDelay"], index=["Origin", "Cancelled"], aggfunc="max")'], lambda d, s: keyed_csv(pd.pivot_table(d, values=["DepDelay", "ArrDelay"], index=["Origin", "Cancelled"], aggfunc="max"))),
    ("rename_categories_dict", "exact", ['ddf.Origin.astype("category").cat.rename_categories({"EWR": "Newark"}).value_counts(sort=False)'], lambda d, s: keyed_csv(d.Origin.astype("category").cat.rename_categories({"EWR": "Newark"}).value_counts(sort=False))),
    ("rename_categories_list_numbers", "exact", ['ddf[ddf.DepDelay > 400].Origin.astype("category").cat.rename_categories([30, 10, 20])'], lambda d, s: series_csv(d[d.DepDelay > 400].Origin.astype("category").cat.rename_categories([30, 10, 20]))),
    ("qcut_count_value_counts", "exact", ["pd.qcut(ddf.DepDelay, 5).value_counts(sort=False)"], lambda d, s: keyed_csv(pd.qcut(d.DepDelay, 5).value_counts(sort=False))),
    ("qcut_quantiles_labels", "exact", ['pd.qcut(ddf.Distance, [0, 0.1, 0.9, 1], labels=["short", "usual", "long"]).value_counts()'], lambda d, s: keyed_csv(pd.qcut(d.Distance, [0, 0.1, 0.9, 1], labels=["short", "usual", "long"]).value_counts())),
    ("qcut_groupby", "exact", ['ddf["band"] = pd.qcut(ddf.Distance, 3)', 'ddf.groupby("band").ArrDelay.mean()'], lambda d, s: keyed_csv(d.assign(band=pd.qcut(d.Distance, 3)).groupby("band", observed=False).ArrDelay.mean())),
    ("factorize_uniques", "exact", ["codes, uniques = pd.factorize(ddf.Dest)", "uniques"], lambda d, s: frame_csv(pd.DataFrame({"column": list(pd.factorize(d.Dest)[1])}))),
    ("factorize_codes", "exact", ["codes, uniques = pd.factorize(ddf.TailNum)", "codes"], lambda d, s: series_csv(pd.Series(pd.factorize(d.TailNum)[0]))),
    ("factorize_sorted_numbers", "exact", ["pd.factorize(ddf.DayOfWeek, sort=True)[1]"], lambda d, s: frame_csv(pd.DataFrame({"column": list(pd.factorize(d.DayOfWeek, sort=True)[1])}))),
    ("get_dummies_series", "exact", ['pd.get_dummies(ddf.Origin, prefix="o", prefix_sep="-")'], lambda d, s: frame_csv(pd.get_dummies(d.Origin, prefix="o", prefix_sep="-"))),
    ("get_dummies_frame_columns", "exact", ['pd.get_dummies(ddf[["Origin", "Dest", "DepDelay"]], columns=["Origin"], drop_first=True, dtype=int)'], lambda d, s: frame_csv(pd.get_dummies(d[["Origin", "Dest", "DepDelay"]], columns=["Origin"], drop_first=True, dtype=int))),
    ("get_dummies_categorical_unused", "exact", ['pd.get_dummies(ddf.Origin.astype(pd.CategoricalDtype(["LGA", "SFO"]))).sum()'], lambda d, s: per_column_csv(pd.get_dummies(d.Origin.astype(pd.CategoricalDtype(["LGA", "SFO"]))).sum(), "sum")),
    ("join_by_row_labels_filtered", "exact", ['ddf[ddf.DepDelay > 200][["DepDelay"]].join(pd.get_dummies(ddf.Origin))'], lambda d, s: frame_csv(d[d.DepDelay > 200][["DepDelay"]].join(pd.get_dummies(d.Origin)))),
    # Moving and time windows: ewm, closed windows, shifts by a frequency (issue 17).
    ("rolling_rows_closed", "exact", ['s = ddf.DepDelay.iloc[600:700]', 's.rolling(3, closed="left").sum()'], lambda d, s: series_csv(d.DepDelay.iloc[600:700].rolling(3, closed="left").sum())),
    ("rolling_rows_closed_both_max", "exact", ['s = ddf.DepDelay.iloc[600:700]', 's.rolling(3, closed="both", min_periods=1).max()'], lambda d, s: series_csv(d.DepDelay.iloc[600:700].rolling(3, closed="both", min_periods=1).max())),
    ("rolling_time_closed_left_mean", "exact", ['ddf.set_index("Date").DepDelay.rolling("3D", closed="left").mean().iloc[300:400]'], lambda d, s: keyed_csv(by_date(d).DepDelay.rolling("3D", closed="left").mean().iloc[300:400])),
    ("rolling_time_closed_neither_count", "exact", ['ddf.set_index("Date").rolling("2D", closed="neither").ArrDelay.count().iloc[300:400]'], lambda d, s: keyed_csv(by_date(d).rolling("2D", closed="neither").ArrDelay.count().iloc[300:400])),
    ("shift_index_by_freq", "exact", ['ts = ddf.set_index("Date").ArrDelay', 'ts.shift(-3, freq="12h").iloc[100:130]'], lambda d, s: keyed_csv(by_date(d).ArrDelay.shift(-3, freq="12h").iloc[100:130])),
    ("rolling_agg_list_series", "exact", ['ddf.DepDelay.rolling(4).agg(["sum", "max", "std"]).iloc[620:660]'], lambda d, s: frame_csv(d.DepDelay.rolling(4).agg(["sum", "max", "std"]).iloc[620:660])),
    ("expanding_agg_list_frame", "exact", ['ddf[["DepDelay", "TaxiIn"]].expanding(min_periods=2).agg(["mean", "count"]).iloc[:40]'], lambda d, s: frame_csv(flat_columns(d[["DepDelay", "TaxiIn"]].expanding(min_periods=2).agg(["mean", "count"]).iloc[:40]))),
    ("rolling_corr_with_series", "exact", ['x = ddf[["DepDelay", "TaxiOut"]]', 'x.rolling(5).corr(ddf["ArrDelay"]).iloc[620:660]'], lambda d, s: frame_csv(d[["DepDelay", "TaxiOut"]].rolling(5).corr(d["ArrDelay"]).iloc[620:660])),
    ("rolling_cov_series_min_periods", "exact", ['ddf[["DepDelay"]].rolling(4, min_periods=2).cov(ddf.ArrDelay).iloc[620:660]'], lambda d, s: frame_csv(d[["DepDelay"]].rolling(4, min_periods=2).cov(d.ArrDelay).iloc[620:660])),
    ("upsample_ffill_limit", "exact", ['daily = ddf.groupby("Date").DepDelay.mean()', 'daily[:3].resample("5h").ffill(limit=2)'], lambda d, s: keyed_csv(d.groupby("Date").DepDelay.mean()[:3].resample("5h").ffill(limit=2))),
    ("upsample_bfill_limit", "exact", ['daily = ddf.groupby("Date").DepDelay.mean()', 'daily[:3].resample("5h").bfill(limit=2)'], lambda d, s: keyed_csv(d.groupby("Date").DepDelay.mean()[:3].resample("5h").bfill(limit=2))),
    ("ewm_com_frame", "exact", ['ddf[["DepDelay", "ArrDelay"]].ewm(com=0.5).mean().iloc[100:120]'], lambda d, s: frame_csv(d[["DepDelay", "ArrDelay"]].ewm(com=0.5).mean().iloc[100:120])),
    ("ewm_span_no_adjust_ignore_na", "exact", ['ddf.DepDelay.ewm(span=4, adjust=False, ignore_na=True, min_periods=3).mean().iloc[630:660]'], lambda d, s: series_csv(d.DepDelay.ewm(span=4, adjust=False, ignore_na=True, min_periods=3).mean().iloc[630:660])),
    ("ewm_alpha_missing", "exact", ['ddf.DepDelay.ewm(alpha=0.3).mean().iloc[630:660]'], lambda d, s: series_csv(d.DepDelay.ewm(alpha=0.3).mean().iloc[630:660])),
    ("ewm_halflife_times", "exact", ['ddf[["ArrDelay"]].ewm(halflife="2 days", times=ddf["Date"]).mean().tail(20)'], lambda d, s: frame_csv(d[["ArrDelay"]].ewm(halflife="2 days", times=d["Date"]).mean().tail(20))),
    ("asfreq_fill_value_new_rows_only", "exact", ['firsts = ddf[ddf.Date.dt.day == 1].groupby("Date")[["TaxiIn", "DepDelay"]].max()', 'firsts.asfreq("5D", fill_value=-1).iloc[0:10]'], lambda d, s: keyed_csv(d[d.Date.dt.day == 1].groupby("Date")[["TaxiIn", "DepDelay"]].max().asfreq("5D", fill_value=-1).iloc[0:10])),
    ("asfreq_ffill_then_fill_value", "exact", ['firsts = ddf[ddf.Date.dt.day == 1].groupby("Date").DepDelay.max()', 'firsts.asfreq("10D", method="bfill", fill_value=0).tail(4)'], lambda d, s: keyed_csv(d[d.Date.dt.day == 1].groupby("Date").DepDelay.max().asfreq("10D", method="bfill", fill_value=0).tail(4))),
    ("asfreq_days_missing", "exact", ['firsts = ddf[ddf.Date.dt.day == 1].groupby("Date").DepDelay.max()', 'firsts.asfreq("D").iloc[25:40]'], lambda d, s: keyed_csv(d[d.Date.dt.day == 1].groupby("Date").DepDelay.max().asfreq("D").iloc[25:40])),
    ("asfreq_ffill_multiple", "exact", ['firsts = ddf[ddf.Date.dt.day == 1].groupby("Date").DepDelay.max()', 'firsts.asfreq("7D", method="ffill").iloc[::40]'], lambda d, s: keyed_csv(d[d.Date.dt.day == 1].groupby("Date").DepDelay.max().asfreq("7D", method="ffill").iloc[::40])),
    ("asfreq_frame_bfill_hours", "exact", ['g = ddf[ddf.Date.dt.day == 1].groupby("Date")[["DepDelay", "ArrDelay"]].mean()', 'g.asfreq("12h", method="bfill").iloc[58:66]'], lambda d, s: keyed_csv(d[d.Date.dt.day == 1].groupby("Date")[["DepDelay", "ArrDelay"]].mean().asfreq("12h", method="bfill").iloc[58:66])),
    ("asfreq_business_days", "exact", ['daily = ddf.groupby("Date").DepDelay.mean()', 'daily.asfreq("B").iloc[:8]'], lambda d, s: keyed_csv(d.groupby("Date").DepDelay.mean().asfreq("B").iloc[:8])),
    ("resample_asfreq", "exact", ['firsts = ddf[ddf.Date.dt.day == 1].groupby("Date").DepDelay.max()', 'firsts.resample("D").asfreq().iloc[28:34]'], lambda d, s: keyed_csv(d[d.Date.dt.day == 1].groupby("Date").DepDelay.max().resample("D").asfreq().iloc[28:34])),
    ("upsample_frame_ffill", "exact", ['g = ddf.groupby("Date")[["DepDelay", "ArrDelay"]].mean()', 'g[:3].resample("8h").ffill()'], lambda d, s: keyed_csv(d.groupby("Date")[["DepDelay", "ArrDelay"]].mean()[:3].resample("8h").ffill())),
    # Combining and reshaping: concat by columns or with keys, index merges, stack (issue 17).
    ("value_counts_frame", "exact", ['ddf[["Origin", "Cancelled"]].value_counts()'], lambda d, s: keyed_csv(d[["Origin", "Cancelled"]].value_counts())),
    ("value_counts_frame_subset_normalize_ascending", "exact", ['ddf.value_counts(subset=["Origin", "Cancelled"], normalize=True, ascending=True)'], lambda d, s: keyed_csv(d.value_counts(subset=["Origin", "Cancelled"], normalize=True, ascending=True))),
    ("value_counts_frame_dropna", "exact", ['ddf[ddf.DepDelay > 400][["Origin", "TailNum"]].value_counts(dropna=False)'], lambda d, s: keyed_csv(d[d.DepDelay > 400][["Origin", "TailNum"]].value_counts(dropna=False))),
    ("unstack_series_last_level", "exact", ['ddf.groupby(["Origin", "DayOfWeek"]).DepDelay.mean().unstack()'], lambda d, s: keyed_csv(d.groupby(["Origin", "DayOfWeek"]).DepDelay.mean().unstack())),
    ("unstack_frame_first_level", "exact", ['ddf.groupby(["Origin", "DayOfWeek"])[["DepDelay", "ArrDelay"]].mean().unstack(0)'], lambda d, s: keyed_csv(labelled_columns(d.groupby(["Origin", "DayOfWeek"])[["DepDelay", "ArrDelay"]].mean().unstack(0)))),
    ("unstack_fill_value_by_name", "exact", ['ddf[ddf.DepDelay > 300].groupby(["Dest", "Origin"]).DepDelay.count().unstack(level="Origin", fill_value=0)'], lambda d, s: keyed_csv(d[d.DepDelay > 300].groupby(["Dest", "Origin"]).DepDelay.count().unstack(level="Origin", fill_value=0))),
    ("pivot_without_values", "exact", ['g = ddf.groupby(["Origin", "Cancelled"])[["DepDelay", "Distance"]].max().reset_index()', 'g.pivot(index="Origin", columns="Cancelled")'], lambda d, s: keyed_csv(labelled_columns(d.groupby(["Origin", "Cancelled"])[["DepDelay", "Distance"]].max().reset_index().pivot(index="Origin", columns="Cancelled")))),
    ("pivot_values_list", "exact", ['g = ddf.groupby(["Origin", "Cancelled"])[["DepDelay", "Distance"]].max().reset_index()', 'g.pivot(index="Origin", columns="Cancelled", values=["Distance"])'], lambda d, s: keyed_csv(labelled_columns(d.groupby(["Origin", "Cancelled"])[["DepDelay", "Distance"]].max().reset_index().pivot(index="Origin", columns="Cancelled", values=["Distance"])))),
    ("pivot_table_without_values", "exact", ['pd.pivot_table(ddf[["Origin", "Cancelled", "DepDelay", "ArrDelay"]], index=["Origin"], columns=["Cancelled"], aggfunc="count")'], lambda d, s: keyed_csv(labelled_columns(pd.pivot_table(d[["Origin", "Cancelled", "DepDelay", "ArrDelay"]], index=["Origin"], columns=["Cancelled"], aggfunc="count")))),
    ("pivot_table_grouper_index", "exact", ['pd.pivot_table(ddf, values="DepDelay", index=pd.Grouper(freq="QE", key="Date"), columns="Origin", aggfunc="max")'], lambda d, s: keyed_csv(pd.pivot_table(d, values="DepDelay", index=pd.Grouper(freq="QE", key="Date"), columns="Origin", aggfunc="max"))),
    ("crosstab_normalize_all", "exact", ['pd.crosstab(ddf["Origin"], ddf["DayOfWeek"], normalize=True)'], lambda d, s: keyed_csv(pd.crosstab(d["Origin"], d["DayOfWeek"], normalize=True))),
    ("crosstab_normalize_index", "exact", ['pd.crosstab(ddf.Origin, ddf.Cancelled, normalize="index")'], lambda d, s: keyed_csv(pd.crosstab(d.Origin, d.Cancelled, normalize="index"))),
    ("concat_axis1_outer_labels", "exact", ['pd.concat([ddf[["Origin"]].iloc[5:8], ddf[["Dest"]].iloc[2:7]], axis=1).reset_index()'], lambda d, s: frame_csv(pd.concat([d[["Origin"]].iloc[5:8], d[["Dest"]].iloc[2:7]], axis=1).reset_index())),
    ("concat_axis1_inner", "exact", ['pd.concat([ddf[["Origin"]].iloc[0:5], ddf[["Dest"]].iloc[2:8]], axis=1, join="inner").reset_index()'], lambda d, s: frame_csv(pd.concat([d[["Origin"]].iloc[0:5], d[["Dest"]].iloc[2:8]], axis=1, join="inner").reset_index())),
    ("concat_axis1_keyed_series", "exact", ['pd.concat([ddf.groupby("Origin").DepDelay.mean(), ddf.groupby("Origin").ArrDelay.max()], axis=1)'], lambda d, s: keyed_csv(pd.concat([d.groupby("Origin").DepDelay.mean(), d.groupby("Origin").ArrDelay.max()], axis=1))),
    ("concat_keys_outer_level", "exact", ['pd.concat([ddf[["Origin", "Dest"]].iloc[0:3], ddf[["Origin", "Dest"]].iloc[100:102]], keys=["x", "y"])'], lambda d, s: keyed_csv(pd.concat([d[["Origin", "Dest"]].iloc[0:3], d[["Origin", "Dest"]].iloc[100:102]], keys=["x", "y"]))),
    ("merge_on_both_indexes_outer", "exact", ['left = ddf.groupby("Dest")[["DepDelay"]].mean()', 'right = ddf[ddf.Distance > 2000].groupby("Dest")[["Distance"]].max()', 'pd.merge(left, right, left_index=True, right_index=True, how="outer")'], lambda d, s: keyed_csv(pd.merge(d.groupby("Dest")[["DepDelay"]].mean(), d[d.Distance > 2000].groupby("Dest")[["Distance"]].max(), left_index=True, right_index=True, how="outer"))),
    ("merge_left_on_right_index_keeps_labels", "exact", ['a = ddf[["Dest", "Origin"]].iloc[3:9]', 'r = ddf[ddf.Distance > 700].groupby("Dest")[["Distance"]].max()', 'a.merge(r, left_on="Dest", right_index=True).reset_index()'], lambda d, s: frame_csv(d[["Dest", "Origin"]].iloc[3:9].merge(d[d.Distance > 700].groupby("Dest")[["Distance"]].max(), left_on="Dest", right_index=True).reset_index())),
    ("join_on_row_labels_suffixes", "exact", ['left = ddf[["Dest", "DepDelay"]].iloc[0:5]', 'right = ddf[["Dest", "DepDelay"]].iloc[3:8]', 'left.join(right, lsuffix="_l", rsuffix="_r")'], lambda d, s: frame_csv(d[["Dest", "DepDelay"]].iloc[0:5].join(d[["Dest", "DepDelay"]].iloc[3:8], lsuffix="_l", rsuffix="_r"))),
    ("join_on_row_labels_outer", "exact", ['ddf[["Dest"]].iloc[3:6].join(ddf[["Origin"]].iloc[0:5], how="outer").reset_index()'], lambda d, s: frame_csv(d[["Dest"]].iloc[3:6].join(d[["Origin"]].iloc[0:5], how="outer").reset_index())),
    ("join_filtered_on_row_labels_inner", "exact", ['ddf[ddf.DepDelay > 200][["Dest"]].join(ddf[["Origin"]].iloc[0:2000], how="inner").reset_index()'], lambda d, s: frame_csv(d[d.DepDelay > 200][["Dest"]].join(d[["Origin"]].iloc[0:2000], how="inner").reset_index())),
    ("combine_first_same_rows", "exact", ['df1 = ddf[["DepDelay", "AirTime"]]', 'df2 = ddf[["AirTime", "ArrDelay"]].fillna(-1)', "df1.combine_first(df2)"], lambda d, s: frame_csv(d[["DepDelay", "AirTime"]].combine_first(d[["AirTime", "ArrDelay"]].fillna(-1)))),
    ("combine_first_other_labels", "exact", ['a = ddf[["DepDelay", "TailNum"]].iloc[2:6]', 'b = ddf[["TailNum", "Dest"]].iloc[0:4].fillna("none")', "a.combine_first(b).reset_index()"], lambda d, s: frame_csv(d[["DepDelay", "TailNum"]].iloc[2:6].combine_first(d[["TailNum", "Dest"]].iloc[0:4].fillna("none")).reset_index())),
    ("combine_first_keyed", "exact", ['a = ddf[ddf.Distance > 2000].groupby("Dest")[["DepDelay"]].mean()', 'b = ddf.groupby("Dest")[["DepDelay", "ArrDelay"]].max()', "a.combine_first(b)"], lambda d, s: keyed_csv(d[d.Distance > 2000].groupby("Dest")[["DepDelay"]].mean().combine_first(d.groupby("Dest")[["DepDelay", "ArrDelay"]].max()))),
    ("explode_split_keeps_labels", "exact", ['df = ddf[["TailNum", "FlightNum"]].dropna().head(4)', 'df.assign(TailNum=df.TailNum.str.split("N")).explode("TailNum").reset_index()'], lambda d, s: frame_csv((lambda df: df.assign(TailNum=df.TailNum.str.split("N")).explode("TailNum"))(d[["TailNum", "FlightNum"]].dropna().head(4)).reset_index())),
    ("explode_missing_lists_ignore_index", "exact", ['df = ddf[["TailNum", "FlightNum"]].iloc[10140:10146]', 'df.assign(TailNum=df.TailNum.str.split("N")).explode("TailNum", ignore_index=True).reset_index()'], lambda d, s: frame_csv((lambda df: df.assign(TailNum=df.TailNum.str.split("N")).explode("TailNum", ignore_index=True))(d[["TailNum", "FlightNum"]].iloc[10140:10146]).reset_index())),
    ("stack_keyed_frame", "exact", ['ddf.groupby("Origin")[["DepDelay", "ArrDelay"]].mean().stack()'], lambda d, s: keyed_csv(d.groupby("Origin")[["DepDelay", "ArrDelay"]].mean().stack())),
    ("stack_row_labels_drops_missing", "exact", ['ddf[["DepDelay", "AirTime", "Distance"]].iloc[0:3].stack()'], lambda d, s: keyed_csv(d[["DepDelay", "AirTime", "Distance"]].iloc[0:3].stack())),
    ("crosstab_normalize_columns", "exact", ['pd.crosstab(ddf.Origin, ddf.Cancelled, normalize="columns")'], lambda d, s: keyed_csv(pd.crosstab(d.Origin, d.Cancelled, normalize="columns"))),
    # Keywords, numpy functions as values, Python plumbing (issue 17).
    ("crosstab_values_mean_normalized_columns", "exact", ['pd.crosstab(ddf.Origin, ddf.Cancelled, values=ddf.Distance, aggfunc="max", normalize="columns")'], lambda d, s: keyed_csv(pd.crosstab(d.Origin, d.Cancelled, values=d.Distance, aggfunc="max", normalize="columns"))),
    ("crosstab_values_count_with_missing_pairs", "exact", ['x = ddf[ddf.DepDelay > 300]', 'pd.crosstab(x.Origin, x.DayOfWeek, values=x.ArrDelay, aggfunc="count")'], lambda d, s: keyed_csv((lambda x: pd.crosstab(x.Origin, x.DayOfWeek, values=x.ArrDelay, aggfunc="count"))(d[d.DepDelay > 300]))),
    ("comprehension_picks_columns", "exact", ['ddf[[c for c in ddf.columns if "Delay" in c or c.startswith("Taxi")]].mean()'], lambda d, s: per_column_csv(d[[c for c in d.columns if "Delay" in c or c.startswith("Taxi")]].mean(), "mean")),
    ("comprehension_labels_for_cut", "exact", ['labels = ["{0}-{1}".format(i, i + 29) for i in range(0, 90, 30)]', 'pd.cut(ddf.DepDelay, range(0, 120, 30), right=False, labels=labels).value_counts(sort=False)'], lambda d, s: keyed_csv(pd.cut(d.DepDelay, range(0, 120, 30), right=False, labels=["{0}-{1}".format(i, i + 29) for i in range(0, 90, 30)]).value_counts(sort=False))),
    ("rank_across_columns_min", "exact", ['ddf[["DepDelay", "ArrDelay", "TaxiIn", "TaxiOut"]].rank(axis=1, method="min").iloc[15000:15012]'], lambda d, s: frame_csv(d[["DepDelay", "ArrDelay", "TaxiIn", "TaxiOut"]].rank(axis=1, method="min").iloc[15000:15012])),
    ("rank_across_columns_max_descending", "exact", ['ddf[["DepDelay", "ArrDelay", "TaxiIn", "TaxiOut"]].rank(axis="columns", method="max", ascending=False).iloc[15000:15012]'], lambda d, s: frame_csv(d[["DepDelay", "ArrDelay", "TaxiIn", "TaxiOut"]].rank(axis="columns", method="max", ascending=False).iloc[15000:15012])),
    ("rank_across_columns_first", "exact", ['ddf[["DepDelay", "ArrDelay", "TaxiIn", "TaxiOut"]].rank(1, method="first").iloc[15000:15012]'], lambda d, s: frame_csv(d[["DepDelay", "ArrDelay", "TaxiIn", "TaxiOut"]].rank(1, method="first").iloc[15000:15012])),
    ("ffill_limit_area_outside", "exact", ['ddf.TailNum.ffill(limit_area="outside").tail(6)'], lambda d, s: series_csv(d.TailNum.ffill(limit_area="outside").tail(6))),
    ("bfill_limit_area_inside_with_limit", "exact", ['ddf.ArrDelay.bfill(limit=1, limit_area="inside").isna().sum()'], lambda d, s: scalar_csv(d.ArrDelay.bfill(limit=1, limit_area="inside").isna().sum())),
    ("interpolate_limit_two", "exact", ['ddf.ArrDelay.interpolate(limit=2).isna().sum() + ddf.ArrDelay.interpolate(limit=2).sum()'], lambda d, s: scalar_csv(d.ArrDelay.interpolate(limit=2).isna().sum() + d.ArrDelay.interpolate(limit=2).sum())),
    ("to_numeric_integers", "exact", ['pd.to_numeric(ddf.DayOfWeek.astype(str)).head(4)'], lambda d, s: series_csv(pd.to_numeric(d.DayOfWeek.astype(str)).head(4))),
    ("to_numeric_floats_raise", "exact", ['pd.to_numeric((ddf.Distance / 4).astype(str)).sum()'], lambda d, s: scalar_csv(pd.to_numeric((d.Distance / 4).astype(str)).sum())),
    ("corrwith_frame_unmatched_columns", "exact", ['ddf[["DepDelay", "Distance", "TaxiIn"]].corrwith(ddf[["TaxiIn", "ArrDelay", "DepDelay"]])'], lambda d, s: per_column_csv(d[["DepDelay", "Distance", "TaxiIn"]].corrwith(d[["TaxiIn", "ArrDelay", "DepDelay"]]), "corrwith")),
    ("corrwith_series", "exact", ['ddf[["DepDelay", "Distance"]].corrwith(ddf.ArrDelay)'], lambda d, s: per_column_csv(d[["DepDelay", "Distance"]].corrwith(d.ArrDelay), "corrwith")),
    ("frame_minus_series_of_other_columns", "exact", ['num = ddf[["DepDelay", "ArrDelay"]]', '(num - ddf[["ArrDelay", "TaxiIn"]].max()).head(3)'], lambda d, s: frame_csv((d[["DepDelay", "ArrDelay"]] - d[["ArrDelay", "TaxiIn"]].max()).head(3))),
    ("series_over_frame_by_column", "exact", ['num = ddf[["DepDelay", "ArrDelay"]]', '(num.max() / num).tail(3)'], lambda d, s: frame_csv((d[["DepDelay", "ArrDelay"]].max() / d[["DepDelay", "ArrDelay"]]).tail(3))),
    ("dropna_thresh_subset", "exact", ['len(ddf.dropna(subset=["DepDelay", "ArrDelay", "TailNum"], thresh=2))'], lambda d, s: scalar_csv(len(d.dropna(subset=["DepDelay", "ArrDelay", "TailNum"], thresh=2)))),
    ("sort_values_key_series", "exact", ['ddf.Dest.sort_values(key=lambda s: s.str[::-1]).head(5)'], lambda d, s: series_csv(d.Dest.sort_values(key=lambda s: s.str[::-1], kind="stable").head(5))),
    ("is_unique_of_series_and_index", "exact", ['ddf.Dest.is_unique + ddf.groupby("Dest").DepDelay.mean().index.is_unique * 10 + ddf.index.is_unique * 100'], lambda d, s: scalar_csv(d.Dest.is_unique + d.groupby("Dest").DepDelay.mean().index.is_unique * 10 + d.index.is_unique * 100)),
    ("groupby_level_by_name", "exact", ['ddf.set_index("Origin")[["DepDelay"]].groupby(level="Origin").max()'], lambda d, s: keyed_csv(d.set_index("Origin")[["DepDelay"]].groupby(level="Origin").max())),
    ("corr_spearman_with_missing", "exact", ['ddf.ArrDelay.corr(ddf.TaxiIn, method="spearman")'], lambda d, s: scalar_csv(d[["ArrDelay", "TaxiIn"]].corr(method="spearman").iloc[0, 1])),
    ("corr_with_own_shift", "exact", ["ddf.DepDelay.corr(ddf.DepDelay.shift(1)) + ddf.TaxiIn.cov(ddf.TaxiIn.diff(2))"], lambda d, s: scalar_csv(d.DepDelay.corr(d.DepDelay.shift(1)) + d.TaxiIn.cov(d.TaxiIn.diff(2)))),
    ("corrwith_shifted_frame", "exact", ['df1 = ddf[["DepDelay", "ArrDelay", "TaxiOut"]]', 'df2 = ddf[["ArrDelay", "DepDelay", "Distance"]].shift(-2)', "df1.corrwith(df2, drop=True)"], lambda d, s: per_column_csv(d[["DepDelay", "ArrDelay", "TaxiOut"]].corrwith(d[["ArrDelay", "DepDelay", "Distance"]].shift(-2), drop=True), "corrwith")),
    ("series_minus_assigned_frame_column", "exact", ["df3 = ddf.assign(late=ddf.ArrDelay - ddf.DepDelay)", "(df3.late - ddf.ArrDelay.shift(1)).abs().mean()"], lambda d, s: scalar_csv((d.assign(late=d.ArrDelay - d.DepDelay).late - d.ArrDelay.shift(1)).abs().mean())),
    ("corr_method_function_frame", "exact", ["def overlap(a, b):", "    return np.minimum(np.true_divide(a, a.sum()), np.true_divide(b, b.sum())).sum()", 'ddf[["DepDelay", "TaxiIn", "Distance", "ArrDelay"]].corr(method=overlap)'], lambda d, s: keyed_csv(d[["DepDelay", "TaxiIn", "Distance", "ArrDelay"]].corr(method=lambda a, b: np.minimum(np.true_divide(a, a.sum()), np.true_divide(b, b.sum())).sum()).rename_axis("column"))),
    ("corr_method_lambda_series", "exact", ["ddf.TaxiIn.corr(ddf.ArrDelay, method=lambda a, b: (np.maximum(a, b) - np.fabs(a - b)).mean())"], lambda d, s: scalar_csv(d.TaxiIn.corr(d.ArrDelay, method=lambda a, b: (np.maximum(a, b) - np.fabs(a - b)).mean()))),
    ("rolling_apply_def_of_computed_series", "exact", ["def spread(x):", "    return (x ** 2).mean() - x.mean() ** 2", "(ddf.ArrDelay - ddf.DepDelay).rolling(5).apply(spread, raw=True).iloc[100:110]"], lambda d, s: series_csv((d.ArrDelay - d.DepDelay).rolling(5).apply(lambda x: (x ** 2).mean() - x.mean() ** 2, raw=True).iloc[100:110])),
    ("rolling_apply_lambda_args_missing", "exact", ["ddf.TaxiIn.rolling(3).apply(lambda x, k: x.max() * k - x.min(), args=(2,)).describe()"], lambda d, s: describe_csv(d.TaxiIn.rolling(3).apply(lambda x, k: x.max() * k - x.min(), args=(2,)).describe())),
    ("groupby_agg_function_of_deviations", "exact", ['ddf.groupby("Origin")[["DepDelay", "ArrDelay"]].agg(lambda x: np.fabs(x - x.mean()).mean())'], lambda d, s: keyed_csv(d.groupby("Origin")[["DepDelay", "ArrDelay"]].agg(lambda x: np.fabs(x - x.mean()).mean()))),
    ("groupby_transform_reduced_deviations", "exact", ['ddf.groupby(["Origin", "DayOfWeek"]).ArrDelay.transform(lambda x: ((x - x.mean()) ** 2).sum() / x.count()).iloc[::3000]'], lambda d, s: series_csv(d.groupby(["Origin", "DayOfWeek"]).ArrDelay.transform(lambda x: ((x - x.mean()) ** 2).sum() / x.count()).iloc[::3000])),
    ("frame_abs", "exact", ['(ddf[["DepDelay", "ArrDelay", "TaxiIn"]] - 10).abs().iloc[::3000]'], lambda d, s: frame_csv((d[["DepDelay", "ArrDelay", "TaxiIn"]] - 10).abs().iloc[::3000])),
    ("numpy_minimum_maximum_divide", "exact", ["(np.minimum(ddf.DepDelay, ddf.ArrDelay) + np.maximum(0, ddf.TaxiIn) - np.divide(ddf.Distance, 100)).iloc[::250000]"], lambda d, s: series_csv((np.minimum(d.DepDelay, d.ArrDelay) + np.maximum(0, d.TaxiIn) - np.divide(d.Distance, 100)).iloc[::250000])),
]


def flat_columns(frame):
    """Two column levels (column, aggregation) written as ddq writes them: COLUMN_AGG."""
    frame.columns = ["_".join(c) for c in frame.columns]
    return frame


def labelled_columns(frame):
    """Column levels (function, value, column value) written as ddq writes them, joined by _."""
    frame.columns = ["_".join(str(level) for level in c) for c in frame.columns]
    return frame


def presorted_divisions(d, sizes, column):
    """Dask's divisions for set_index(column) on partitions already in order without overlap:
    each partition's minimum, then the last one's maximum."""
    starts = np.cumsum([0] + sizes[:-1])
    parts = [d[column].iloc[a:a + n] for a, n in zip(starts, sizes)]
    assert all(a.max() < b.min() for a, b in zip(parts, parts[1:])), "partitions overlap"
    return tuple(p.min() for p in parts) + (parts[-1].max(),)


def quantile_divisions(values, npartitions):
    """Divisions between quantiles of an unsorted index: the values at positions
    k * (rows - 1) // npartitions of the sorted values, all but the last made unique as Dask
    makes them (Dask's own quantiles are approximate; on this column they are the same)."""
    ordered = values.dropna().sort_values(kind="stable").tolist()
    picks = [ordered[k * (len(ordered) - 1) // npartitions] for k in range(npartitions + 1)]
    unique = [v for i, v in enumerate(picks[:-1]) if i == 0 or v != picks[i - 1]]
    return tuple(unique) + (picks[-1],)


def by_date(d):
    """Dask's set_index("Date"): sorted by the new index, ties in file order."""
    return d.sort_values("Date", kind="stable").set_index("Date")


def column_assignment(d):
    x = d[["Origin", "DepDelay", "ArrDelay"]].copy()
    x["Gain"] = x.DepDelay - x.ArrDelay
    x["Origin"] = x.Origin.str.lower()
    return x.tail(5)


def python_types_as_dtypes():
    """The dtypes pandas gives columns read with Python's types as their dtype."""
    files = sorted(glob.glob(DATA_GLOB))
    dtype = {"TailNum": str, "CRSElapsedTime": float, "Distance": float}
    frame = pd.concat([pd.read_csv(f, dtype=dtype) for f in files])
    return {c: str(t) for c, t in frame[["TailNum", "CRSElapsedTime", "Distance"]].dtypes.items()}


# The documentation snippets that give pandas' answer (benches/snippets); imported here, after
# the helpers their answers use.
from snippet_tasks import SNIPPET_TASKS  # noqa: E402


class Suite:
    """A directory of answers: its tasks, the populations of its sampled tasks, and the
    statement its tasks run after (None: the workflow's own read, taken from the workflow)."""

    def __init__(self, name, tasks, populations, prelude):
        self.name = name
        self.tasks = tasks
        self.populations = populations
        self.prelude = prelude

    @property
    def out_dir(self):
        return os.path.join(REFERENCE_DIR, self.name)


# A sampled answer cannot be compared row for row; the test checks that each row ddq samples
# is one of these (the distinct rows of the frame being sampled).
SUITES = [
    Suite(
        "nycflights",
        WORKFLOW_TASKS,
        {"sample": lambda d: d[["CRSElapsedTime", "TailNum"]].drop_duplicates()},
        None,
    ),
    Suite(
        "operations",
        OPERATION_TASKS,
        {"sample_n": lambda d: d[["Origin", "Dest", "DayOfWeek"]].drop_duplicates()},
        OPERATIONS_PRELUDE,
    ),
    Suite("snippets", SNIPPET_TASKS, {}, OPERATIONS_PRELUDE),
]


def workflow_code():
    """The statements of queries/nycflights.q, one per line, without comments and blank lines."""
    with open(WORKFLOW, encoding="utf-8") as f:
        lines = [line.strip() for line in f]
    return [line for line in lines if line and not line.startswith("#")]


def workflow_read_at(code):
    return next(i for i, line in enumerate(code) if "read_csv(" in line)


def workflow_statements():
    """The statements of queries/nycflights.q after its read_csv line."""
    code = workflow_code()
    return code[workflow_read_at(code) + 1 :]


def check_tasks_match_workflow():
    """Refuse to write answers for statements the workflow does not run, or to miss one it does."""
    in_workflow = workflow_statements()
    in_tasks = [stmt for _, _, stmts, _ in WORKFLOW_TASKS for stmt in stmts]
    unknown = [s for s in in_tasks if s not in in_workflow]
    uncovered = [s for s in in_workflow if s not in in_tasks]
    if unknown or uncovered:
        sys.exit(
            "tasks and queries/nycflights.q disagree:\n"
            + "".join(f"  not in the workflow: {s}\n" for s in unknown)
            + "".join(f"  no task for: {s}\n" for s in uncovered)
        )


def check_prelude_reads_like_workflow():
    """read_flights() mirrors the workflow's read, so every prelude must be that read."""
    code = workflow_code()
    workflow_read = code[workflow_read_at(code)].replace("dd.read_csv(", "read_csv(")
    for suite in SUITES:
        if suite.prelude is not None and suite.prelude != workflow_read:
            sys.exit(f"the {suite.name} prelude is not the workflow's read:\n  {suite.prelude}\n  {workflow_read}")


def check_task_names_unique(suite):
    names = [name for name, _, _, _ in suite.tasks]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        sys.exit(f"{suite.name}: task names used twice: {', '.join(repeated)}")
    statements = [stmt for _, _, stmts, _ in suite.tasks for stmt in stmts]
    joined = [stmt for stmt in statements if "; " in stmt or "\t" in stmt]
    if joined:
        sys.exit(f"{suite.name}: tasks.tsv cannot hold statements with '; ' or tabs: {joined}")


def one_line_statements(statements):
    """A notebook's `def f(x):` with its `return` on the next, indented line, written on one
    line as tasks.tsv holds statements (the same function in Python and in ddq)."""
    folded = []
    for statement in statements:
        if folded and folded[-1].startswith("def ") and folded[-1].endswith(":") and statement[:1].isspace():
            folded[-1] = f"{folded[-1]} {statement.strip()}"
        elif statement[:1].isspace():
            sys.exit(f"tasks.tsv cannot hold an indented statement other than a def's one return: {statement!r}")
        else:
            folded.append(statement)
    return folded


def write(out_dir, name, text):
    with open(os.path.join(out_dir, name), "w", encoding="utf-8", newline="") as f:
        f.write(text)


def write_suite(suite, flights, sizes):
    check_task_names_unique(suite)
    os.makedirs(suite.out_dir, exist_ok=True)
    for old in glob.glob(os.path.join(suite.out_dir, "*")):
        os.remove(old)
    rows = []
    for name, mode, statements, answer in suite.tasks:
        write(suite.out_dir, f"{name}.csv", answer(flights, sizes))
        rows.append(f"{name}\t{mode}\t{'; '.join(one_line_statements(statements))}\n")
        if mode == "sample":
            write(suite.out_dir, f"{name}.population.csv", frame_csv(suite.populations[name](flights)))
    write(suite.out_dir, "tasks.tsv", "".join(rows))
    if suite.prelude is not None:
        write(suite.out_dir, "prelude.q", suite.prelude + "\n")
    print(f"wrote {len(suite.tasks)} answers for {len(flights)} rows to {suite.out_dir}", file=sys.stderr)


def main():
    check_tasks_match_workflow()
    check_prelude_reads_like_workflow()
    flights, sizes = read_flights()
    for suite in SUITES:
        write_suite(suite, flights, sizes)


if __name__ == "__main__":
    main()
