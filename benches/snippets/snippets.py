"""Notebook snippets taken from public pandas and Dask documentation (issue 17's measurement).

Each snippet is the documentation's code with only its names changed to the sample data's
(data/nycflights/*.csv, read by the standard statement in READ below): the method chains,
keywords, lambdas and .compute() calls are kept as the page writes them. `pandas` computes
pandas' answer in ddq's CSV layout with the helpers of tests/reference/make_reference.py
(`d` is the frame read_flights() returns, `s` the rows per file).

Fields: id, source (the page the snippet comes from), code (the ddq lines after the read),
pandas (lambda d, s: the expected CSV text).
"""

import os
import sys

import numpy as np
import pandas as pd

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))


class _Reference:
    """make_reference.py's helpers, looked up when an answer is computed, not at import:
    make_reference.py imports this corpus (through snippet_tasks.py), so importing it here
    would be circular. While make_reference.py runs as a script it is __main__."""

    def __getattr__(self, name):
        for module in (sys.modules.get("make_reference"), sys.modules.get("__main__")):
            if module is not None and hasattr(module, "read_flights"):
                return getattr(module, name)
        import make_reference

        return getattr(make_reference, name)


m = _Reference()

READ = (
    'ddf = dd.read_csv("data/nycflights/*.csv", parse_dates={"Date": [0, 1, 2]}, '
    'dtype={"CRSElapsedTime": "float64", "TailNum": "object", "Cancelled": "bool"})'
)

TEN_MINUTES = "https://pandas.pydata.org/docs/user_guide/10min.html"
GROUPBY = "https://pandas.pydata.org/docs/user_guide/groupby.html"
TIMESERIES = "https://pandas.pydata.org/docs/user_guide/timeseries.html"
INDEXING = "https://pandas.pydata.org/docs/user_guide/indexing.html"
MISSING = "https://pandas.pydata.org/docs/user_guide/missing_data.html"
MERGING = "https://pandas.pydata.org/docs/user_guide/merging.html"
BASICS = "https://pandas.pydata.org/docs/user_guide/basics.html"
TEXT = "https://pandas.pydata.org/docs/user_guide/text.html"
STATS_TUTORIAL = "https://pandas.pydata.org/docs/getting_started/intro_tutorials/06_calculate_statistics.html"
SUBSET_TUTORIAL = "https://pandas.pydata.org/docs/getting_started/intro_tutorials/03_subset_data.html"
COLUMNS_TUTORIAL = "https://pandas.pydata.org/docs/getting_started/intro_tutorials/05_add_columns.html"
RESHAPE_TUTORIAL = "https://pandas.pydata.org/docs/getting_started/intro_tutorials/07_reshape_table_layout.html"
DATES_TUTORIAL = "https://pandas.pydata.org/docs/getting_started/intro_tutorials/09_timeseries.html"
TEXT_TUTORIAL = "https://pandas.pydata.org/docs/getting_started/intro_tutorials/10_text_data.html"
DASK_TUTORIAL = "https://github.com/dask/dask-tutorial/blob/main/01_dataframe.ipynb"
DASK_10MIN = "https://docs.dask.org/en/stable/10-minutes-to-dask.html"
DASK_DATAFRAME = "https://docs.dask.org/en/stable/dataframe.html"
DASK_GROUPBY = "https://docs.dask.org/en/stable/dataframe-groupby.html"
DASK_INDEXING = "https://docs.dask.org/en/stable/dataframe-indexing.html"
DASK_EXAMPLES = "https://examples.dask.org/dataframe.html"
DASK_BEST = "https://docs.dask.org/en/stable/dataframe-best-practices.html"
WINDOW = "https://pandas.pydata.org/docs/user_guide/window.html"
RESHAPING = "https://pandas.pydata.org/docs/user_guide/reshaping.html"
CATEGORICAL = "https://pandas.pydata.org/docs/user_guide/categorical.html"
COMPUTATION = "https://pandas.pydata.org/docs/user_guide/computation.html"
DUPLICATES = "https://pandas.pydata.org/docs/user_guide/duplicates.html"
DASK_AGGREGATION = "https://docs.dask.org/en/stable/generated/dask.dataframe.Aggregation.html"
DASK_EXAMPLES_GROUPBY = "https://examples.dask.org/dataframes/02-groupby.html"
INTEGER_NA = "https://pandas.pydata.org/docs/user_guide/integer_na.html"
MERGE_ASOF = "https://pandas.pydata.org/docs/reference/api/pandas.merge_asof.html"
SERIES_GROUPBY = "https://pandas.pydata.org/docs/reference/api/pandas.Series.groupby.html"

def frame_csv(frame):
    return m.frame_csv(frame)


def keyed_csv(result):
    return m.keyed_csv(result)


def flat_keyed_csv(result):
    """A result with two levels of columns (agg with lists): ddq names them COLUMN_AGG."""
    flat = result.copy()
    flat.columns = [f"{column}_{agg}" for column, agg in result.columns]
    return m.keyed_csv(flat)


def series_csv(series):
    return m.series_csv(series)


def scalar_csv(value):
    return m.scalar_csv(value)


def per_column_csv(series, header):
    return m.per_column_csv(series, header)


def by_date(d):
    return m.by_date(d)


# make_reference.MERGE_FRAMES: a few flights, and the distinct long routes.
MERGE_FRAMES = [
    'a = ddf[["Dest", "Origin", "FlightNum"]].iloc[0:12]',
    'b = ddf[ddf.Distance > 2000][["Dest", "Distance"]].drop_duplicates()',
]

NUM = ["DepDelay", "ArrDelay"]


def printed(value):
    """A scalar pandas prints with str() (a Timedelta, a string)."""
    return f"{value}\n"


def with_gain(d):
    x = d.copy()
    x["Gain"] = x.DepDelay - x.ArrDelay
    return x


def with_category(d):
    x = d.copy()
    x["Carrier"] = x["UniqueCarrier"].astype("category")
    return x


def left_right(d):
    return m.merge_frames(d)


def standardized(d):
    return d.groupby("Origin").DepDelay.transform(lambda x: (x - x.mean()) / x.std())


def dask_compute_pair(d):
    non_cancelled = d[~d.Cancelled]
    return non_cancelled.DepDelay.mean(), non_cancelled.DepDelay.std()


def origin_categories(d, categories, ordered=False):
    """ddf["cats"] = ddf.Origin.astype(pd.CategoricalDtype(categories)) on a copy."""
    x = d.copy()
    x["cats"] = x.Origin.astype(pd.CategoricalDtype(categories, ordered=ordered))
    return x


def flat(frame):
    """Two or more column levels joined by _, as ddq names them."""
    frame = frame.copy()
    frame.columns = ["_".join(str(level) for level in c) for c in frame.columns]
    return frame


def dtypes_csv(frame):
    return m.named_column_csv("column", "dtype", ((c, str(t)) for c, t in frame.dtypes.items()))


def index_list_csv(values):
    return frame_csv(pd.DataFrame({"column": list(values)}))


def closed_windows(d):
    x = by_date(d)[["DepDelay"]].copy()
    x["left"] = x.rolling("2D", closed="left").DepDelay.sum()
    x["both"] = x.rolling("2D", closed="both").DepDelay.sum()
    x["neither"] = x.rolling("2D", closed="neither").DepDelay.sum()
    return x


def dest_first_rows(d):
    x = d.sort_values("Dest", kind="stable").set_index("Dest")[["Distance"]]
    return x


def spearman(d, a, b):
    """Series.corr(method="spearman"): pandas hands it to scipy, which the reference venv lacks;
    DataFrame.corr ranks the same pairwise-complete rows itself (no scipy) and gives the same."""
    return d[[a, b]].corr(method="spearman").loc[a, b]


def S(id, source, code, pandas):
    return {"id": id, "source": source, "code": code if isinstance(code, list) else [code], "pandas": pandas}


SNIPPETS = [
    # --- 10 minutes to pandas -------------------------------------------------------------
    S("tenmin_head", TEN_MINUTES, "ddf.head()", lambda d, s: frame_csv(d.head())),
    S("tenmin_tail", TEN_MINUTES, "ddf.tail(3)", lambda d, s: frame_csv(d.tail(3))),
    S("tenmin_columns", TEN_MINUTES, "ddf.columns", lambda d, s: frame_csv(pd.DataFrame({"column": list(d.columns)}))),
    S("tenmin_describe", TEN_MINUTES, "ddf.describe()", lambda d, s: m.describe_csv(d.describe())),
    S("tenmin_sort_values", TEN_MINUTES, 'ddf.sort_values(by="DepDelay")', lambda d, s: frame_csv(d.sort_values(by="DepDelay", kind="stable"))),
    S("tenmin_getitem_column", TEN_MINUTES, 'ddf["DepDelay"]', lambda d, s: series_csv(d["DepDelay"])),
    S("tenmin_slice_rows", TEN_MINUTES, "ddf[0:3]", lambda d, s: frame_csv(d[0:3])),
    S("tenmin_loc_columns", TEN_MINUTES, 'ddf.loc[:, ["Origin", "Dest"]]', lambda d, s: frame_csv(d.loc[:, ["Origin", "Dest"]])),
    S("tenmin_iloc_row", TEN_MINUTES, "ddf.iloc[3]", lambda d, s: per_column_csv(d.iloc[3], "3")),
    S("tenmin_iloc_slices", TEN_MINUTES, "ddf.iloc[3:5, 0:2]", lambda d, s: frame_csv(d.iloc[3:5, 0:2])),
    S("tenmin_iloc_lists", TEN_MINUTES, "ddf.iloc[[1, 2, 4], [0, 2]]", lambda d, s: frame_csv(d.iloc[[1, 2, 4], [0, 2]])),
    S("tenmin_iloc_rows_all_columns", TEN_MINUTES, "ddf.iloc[1:3, :]", lambda d, s: frame_csv(d.iloc[1:3, :])),
    S("tenmin_iloc_all_rows_columns", TEN_MINUTES, "ddf.iloc[:, 1:3]", lambda d, s: frame_csv(d.iloc[:, 1:3])),
    S("tenmin_iloc_scalar", TEN_MINUTES, "ddf.iloc[1, 1]", lambda d, s: scalar_csv(d.iloc[1, 1])),
    S("tenmin_boolean_column", TEN_MINUTES, 'ddf[ddf["DepDelay"] > 0]', lambda d, s: frame_csv(d[d["DepDelay"] > 0])),
    S(
        "tenmin_boolean_frame",
        TEN_MINUTES,
        ['num = ddf[["DepDelay", "ArrDelay"]]', "num[num > 0]"],
        lambda d, s: frame_csv(d[NUM][d[NUM] > 0]),
    ),
    S("tenmin_isin", TEN_MINUTES, 'ddf[ddf["Dest"].isin(["SFO", "LAX"])]', lambda d, s: frame_csv(d[d["Dest"].isin(["SFO", "LAX"])])),
    S(
        "tenmin_setitem",
        TEN_MINUTES,
        ['ddf["Gain"] = ddf.DepDelay - ddf.ArrDelay', "ddf.head()"],
        lambda d, s: frame_csv(with_gain(d).head()),
    ),
    S("tenmin_dropna_any", TEN_MINUTES, 'ddf.dropna(how="any")', lambda d, s: frame_csv(d.dropna(how="any"))),
    S("tenmin_fillna_value", TEN_MINUTES, "ddf.fillna(value=5)", lambda d, s: frame_csv(d.fillna(value=5))),
    S("tenmin_isna_frame", TEN_MINUTES, "pd.isna(ddf)", lambda d, s: frame_csv(pd.isna(d))),
    S("tenmin_mean", TEN_MINUTES, "ddf.mean(numeric_only=True)", lambda d, s: per_column_csv(d.mean(numeric_only=True), "mean")),
    S("tenmin_mean_axis1", TEN_MINUTES, 'ddf[["DepDelay", "ArrDelay"]].mean(axis=1)', lambda d, s: series_csv(d[NUM].mean(axis=1))),
    S(
        "tenmin_agg_lambda",
        TEN_MINUTES,
        'ddf[["DepDelay", "ArrDelay"]].agg(lambda x: np.mean(x) * 5.6)',
        lambda d, s: per_column_csv(d[NUM].agg(lambda x: np.mean(x) * 5.6), "<lambda>"),
    ),
    S(
        "tenmin_transform_lambda",
        TEN_MINUTES,
        'ddf[["DepDelay", "ArrDelay"]].transform(lambda x: x * 101.2)',
        lambda d, s: frame_csv(d[NUM].transform(lambda x: x * 101.2)),
    ),
    S("tenmin_value_counts", TEN_MINUTES, "ddf.UniqueCarrier.value_counts()", lambda d, s: keyed_csv(d.UniqueCarrier.value_counts())),
    S("tenmin_str_lower", TEN_MINUTES, "ddf.Dest.str.lower()", lambda d, s: series_csv(d.Dest.str.lower())),
    S(
        "tenmin_concat",
        TEN_MINUTES,
        'dd.concat([ddf[ddf.Origin == "JFK"], ddf[ddf.Origin == "EWR"]])',
        lambda d, s: frame_csv(pd.concat([d[d.Origin == "JFK"], d[d.Origin == "EWR"]])),
    ),
    S(
        "tenmin_merge",
        TEN_MINUTES,
        MERGE_FRAMES[:1] + ['right = ddf[ddf.Distance > 2000][["Dest", "Distance"]].drop_duplicates()', 'pd.merge(a, right, on="Dest")'],
        lambda d, s: frame_csv(pd.merge(left_right(d)[0], left_right(d)[1], on="Dest")),
    ),
    S(
        "tenmin_groupby_sum",
        TEN_MINUTES,
        'ddf.groupby("Origin")[["DepDelay", "ArrDelay"]].sum()',
        lambda d, s: keyed_csv(d.groupby("Origin")[NUM].sum()),
    ),
    S(
        "tenmin_groupby_two_keys_sum",
        TEN_MINUTES,
        'ddf.groupby(["Origin", "UniqueCarrier"])[["DepDelay", "Distance"]].sum()',
        lambda d, s: keyed_csv(d.groupby(["Origin", "UniqueCarrier"])[["DepDelay", "Distance"]].sum()),
    ),
    S(
        "tenmin_pivot_table",
        TEN_MINUTES,
        'pd.pivot_table(ddf, values="DepDelay", index=["Origin"], columns=["DayOfWeek"])',
        lambda d, s: keyed_csv(pd.pivot_table(d, values="DepDelay", index=["Origin"], columns=["DayOfWeek"])),
    ),
    S(
        "tenmin_resample_sum",
        TEN_MINUTES,
        'ts = ddf.set_index("Date").DepDelay\nts.resample("5D").sum()'.split("\n"),
        lambda d, s: keyed_csv(by_date(d).DepDelay.resample("5D").sum()),
    ),
    S(
        "tenmin_tz_localize",
        TEN_MINUTES,
        'ddf.Date.dt.tz_localize("UTC").head()',
        lambda d, s: series_csv(d.Date.dt.tz_localize("UTC").head()),
    ),
    S(
        "tenmin_category_size",
        TEN_MINUTES,
        ['ddf["Carrier"] = ddf["UniqueCarrier"].astype("category")', 'ddf.groupby("Carrier", observed=False).size()'],
        lambda d, s: m.size_csv(with_category(d).groupby("Carrier", observed=False).size()),
    ),
    S(
        "tenmin_sort_by_category",
        TEN_MINUTES,
        ['ddf["Carrier"] = ddf["UniqueCarrier"].astype("category")', 'ddf.sort_values(by="Carrier").head(10)'],
        lambda d, s: frame_csv(with_category(d).sort_values(by="Carrier", kind="stable").head(10)),
    ),
    # --- pandas user guide: group by ------------------------------------------------------
    S("groupby_sum_columns", GROUPBY, 'ddf.groupby("Origin")[["DepDelay", "Distance"]].sum()', lambda d, s: keyed_csv(d.groupby("Origin")[["DepDelay", "Distance"]].sum())),
    S("groupby_mean_numeric_only", GROUPBY, 'ddf.groupby("Origin").mean(numeric_only=True)', lambda d, s: keyed_csv(d.groupby("Origin").mean(numeric_only=True))),
    S("groupby_column_max", GROUPBY, 'ddf.groupby("Origin")[["DepDelay", "ArrDelay"]].max()', lambda d, s: keyed_csv(d.groupby("Origin")[NUM].max())),
    S(
        "groupby_object_column",
        GROUPBY,
        ['grouped = ddf.groupby("Origin")', 'grouped["DepDelay"].mean()'],
        lambda d, s: keyed_csv(d.groupby("Origin")["DepDelay"].mean()),
    ),
    S("groupby_as_index_false", GROUPBY, 'ddf.groupby(["Origin", "Dest"], as_index=False)[["DepDelay"]].sum()', lambda d, s: frame_csv(d.groupby(["Origin", "Dest"], as_index=False)[["DepDelay"]].sum())),
    S("groupby_size", GROUPBY, 'ddf.groupby(["Origin", "DayOfWeek"]).size()', lambda d, s: m.size_csv(d.groupby(["Origin", "DayOfWeek"]).size())),
    S("groupby_describe", GROUPBY, 'ddf.groupby("Origin").DepDelay.describe()', lambda d, s: keyed_csv(d.groupby("Origin").DepDelay.describe())),
    S("groupby_first", GROUPBY, 'ddf.groupby("Origin")[["TailNum", "DepDelay"]].first()', lambda d, s: keyed_csv(d.groupby("Origin")[["TailNum", "DepDelay"]].first())),
    S("groupby_last", GROUPBY, 'ddf.groupby("Origin")[["TailNum", "DepDelay"]].last()', lambda d, s: keyed_csv(d.groupby("Origin")[["TailNum", "DepDelay"]].last())),
    S("groupby_agg_sum_string", GROUPBY, 'ddf.groupby("Origin")[["DepDelay", "ArrDelay"]].agg("sum")', lambda d, s: keyed_csv(d.groupby("Origin")[NUM].agg("sum"))),
    S(
        "groupby_agg_list",
        GROUPBY,
        'ddf.groupby("Origin")[["DepDelay", "ArrDelay"]].agg(["sum", "mean", "std"])',
        lambda d, s: flat_keyed_csv(d.groupby("Origin")[NUM].agg(["sum", "mean", "std"])),
    ),
    S(
        "groupby_agg_list_rename",
        GROUPBY,
        'ddf.groupby("Origin")["DepDelay"].agg(["sum", "mean", "std"]).rename(columns={"sum": "foo", "mean": "bar", "std": "baz"})',
        lambda d, s: keyed_csv(d.groupby("Origin")["DepDelay"].agg(["sum", "mean", "std"]).rename(columns={"sum": "foo", "mean": "bar", "std": "baz"})),
    ),
    S(
        "groupby_named_agg_namedagg",
        GROUPBY,
        'ddf.groupby("Origin").agg(min_delay=pd.NamedAgg(column="DepDelay", aggfunc="min"), max_delay=pd.NamedAgg(column="DepDelay", aggfunc="max"), average_distance=pd.NamedAgg(column="Distance", aggfunc="mean"))',
        lambda d, s: keyed_csv(d.groupby("Origin").agg(min_delay=pd.NamedAgg(column="DepDelay", aggfunc="min"), max_delay=pd.NamedAgg(column="DepDelay", aggfunc="max"), average_distance=pd.NamedAgg(column="Distance", aggfunc="mean"))),
    ),
    S(
        "groupby_named_agg_tuples",
        GROUPBY,
        'ddf.groupby("Origin").agg(min_delay=("DepDelay", "min"), max_delay=("DepDelay", "max"), average_distance=("Distance", "mean"))',
        lambda d, s: keyed_csv(d.groupby("Origin").agg(min_delay=("DepDelay", "min"), max_delay=("DepDelay", "max"), average_distance=("Distance", "mean"))),
    ),
    S(
        "groupby_named_agg_series",
        GROUPBY,
        'ddf.groupby("Origin").DepDelay.agg(min_delay="min", max_delay="max")',
        lambda d, s: keyed_csv(d.groupby("Origin").DepDelay.agg(min_delay="min", max_delay="max")),
    ),
    S(
        "groupby_agg_dict_lambda",
        GROUPBY,
        'ddf.groupby("Origin").agg({"DepDelay": "sum", "ArrDelay": lambda x: np.std(x, ddof=1)})',
        lambda d, s: keyed_csv(d.groupby("Origin").agg({"DepDelay": "sum", "ArrDelay": lambda x: np.std(x, ddof=1)})),
    ),
    S(
        "groupby_agg_dict",
        GROUPBY,
        'ddf.groupby("Origin").agg({"DepDelay": "sum", "ArrDelay": "std"})',
        lambda d, s: keyed_csv(d.groupby("Origin").agg({"DepDelay": "sum", "ArrDelay": "std"})),
    ),
    S(
        "groupby_agg_dict_lists",
        GROUPBY,
        'ddf.groupby("Origin").agg({"DepDelay": ["min", "max"], "Distance": "sum"})',
        lambda d, s: flat_keyed_csv(d.groupby("Origin").agg({"DepDelay": ["min", "max"], "Distance": "sum"})),
    ),
    S(
        "groupby_transform_standardize",
        GROUPBY,
        'ddf.groupby("Origin").DepDelay.transform(lambda x: (x - x.mean()) / x.std())',
        lambda d, s: series_csv(standardized(d)),
    ),
    S("groupby_transform_mean", GROUPBY, 'ddf.groupby("Origin").DepDelay.transform("mean")', lambda d, s: series_csv(d.groupby("Origin").DepDelay.transform("mean"))),
    S(
        "groupby_transform_range",
        GROUPBY,
        'ddf.groupby("Origin").DepDelay.transform(lambda x: x.max() - x.min())',
        lambda d, s: series_csv(d.groupby("Origin").DepDelay.transform(lambda x: x.max() - x.min())),
    ),
    S(
        "groupby_fillna_transform",
        GROUPBY,
        'ddf.groupby("Origin").DepDelay.transform(lambda x: x.fillna(x.mean()))',
        lambda d, s: series_csv(d.groupby("Origin").DepDelay.transform(lambda x: x.fillna(x.mean()))),
    ),
    S("groupby_cumsum", GROUPBY, 'ddf.groupby("Origin")[["DepDelay", "ArrDelay"]].cumsum()', lambda d, s: frame_csv(d.groupby("Origin")[NUM].cumsum())),
    S("groupby_cumcount", GROUPBY, 'ddf.groupby("Origin").cumcount()', lambda d, s: series_csv(d.groupby("Origin").cumcount())),
    S("groupby_ngroup", GROUPBY, 'ddf.groupby("Origin").ngroup()', lambda d, s: series_csv(d.groupby("Origin").ngroup())),
    S(
        "groupby_filter",
        GROUPBY,
        'ddf.groupby("Dest").filter(lambda x: len(x) > 1000)',
        lambda d, s: frame_csv(d.groupby("Dest").filter(lambda x: len(x) > 1000)),
    ),
    S("groupby_head", GROUPBY, 'ddf.groupby("Origin").head(1)', lambda d, s: frame_csv(d.groupby("Origin").head(1))),
    S("groupby_tail", GROUPBY, 'ddf.groupby("Origin").tail(1)', lambda d, s: frame_csv(d.groupby("Origin").tail(1))),
    S("groupby_nth_first", GROUPBY, 'ddf.groupby("Origin").nth(0)', lambda d, s: frame_csv(d.groupby("Origin").nth(0))),
    S("groupby_nth_last", GROUPBY, 'ddf.groupby("Origin").nth(-1)', lambda d, s: frame_csv(d.groupby("Origin").nth(-1))),
    S("groupby_by_month", GROUPBY, "ddf.groupby(ddf.Date.dt.month).DepDelay.mean()", lambda d, s: keyed_csv(d.groupby(d.Date.dt.month).DepDelay.mean())),
    S(
        "groupby_grouper_freq",
        GROUPBY,
        'ddf.groupby(pd.Grouper(key="Date", freq="ME")).DepDelay.sum()',
        lambda d, s: keyed_csv(d.groupby(pd.Grouper(key="Date", freq="ME")).DepDelay.sum()),
    ),
    S("groupby_value_counts", GROUPBY, 'ddf.groupby("Origin").DayOfWeek.value_counts()', lambda d, s: keyed_csv(d.groupby("Origin").DayOfWeek.value_counts())),
    S(
        "groupby_dropna_false",
        GROUPBY,
        'ddf[ddf.FlightNum == 251].groupby("TailNum", dropna=False).DepDelay.sum()',
        lambda d, s: keyed_csv(d[d.FlightNum == 251].groupby("TailNum", dropna=False).DepDelay.sum()),
    ),
    S("groupby_std", GROUPBY, 'ddf.groupby("Origin").DepDelay.std()', lambda d, s: keyed_csv(d.groupby("Origin").DepDelay.std())),
    S("groupby_idxmax", GROUPBY, 'ddf.groupby("Origin").DepDelay.idxmax()', lambda d, s: keyed_csv(d.groupby("Origin").DepDelay.idxmax())),
    S("groupby_rank", GROUPBY, 'ddf.groupby("Origin").DepDelay.rank()', lambda d, s: series_csv(d.groupby("Origin").DepDelay.rank())),
    S("groupby_shift", GROUPBY, 'ddf.groupby("Origin").DepDelay.shift(1)', lambda d, s: series_csv(d.groupby("Origin").DepDelay.shift(1))),
    S("groupby_diff", GROUPBY, 'ddf.groupby("Origin").DepDelay.diff()', lambda d, s: series_csv(d.groupby("Origin").DepDelay.diff())),
    S(
        "groupby_rolling",
        GROUPBY,
        'ddf.groupby("Origin").DepDelay.rolling(4).mean()',
        lambda d, s: keyed_csv(d.groupby("Origin").DepDelay.rolling(4).mean()),
    ),
    S(
        "groupby_expanding",
        GROUPBY,
        'ddf.groupby("Origin").DepDelay.expanding().sum()',
        lambda d, s: keyed_csv(d.groupby("Origin").DepDelay.expanding().sum()),
    ),
    S("groupby_nunique", GROUPBY, 'ddf.groupby("Origin").nunique()', lambda d, s: keyed_csv(d.groupby("Origin").nunique())),
    S(
        "groupby_pipe",
        GROUPBY,
        'ddf.groupby("Origin").pipe(lambda grp: grp.DepDelay.max() - grp.DepDelay.min())',
        lambda d, s: keyed_csv(d.groupby("Origin").pipe(lambda grp: grp.DepDelay.max() - grp.DepDelay.min())),
    ),
    S(
        "groupby_agg_lambda_frame",
        GROUPBY,
        'ddf.groupby("Origin")[["DepDelay", "ArrDelay"]].agg(lambda x: x.max() - x.min())',
        lambda d, s: keyed_csv(d.groupby("Origin")[NUM].agg(lambda x: x.max() - x.min())),
    ),
    # --- pandas user guide: time series / resample ----------------------------------------
    S("ts_resample_month_mean", TIMESERIES, 'ddf.set_index("Date").DepDelay.resample("ME").mean()', lambda d, s: keyed_csv(by_date(d).DepDelay.resample("ME").mean())),
    S("ts_resample_ohlc", TIMESERIES, 'ddf.set_index("Date").DepDelay.resample("ME").ohlc()', lambda d, s: keyed_csv(by_date(d).DepDelay.resample("ME").ohlc())),
    S(
        "ts_resampler_mean",
        TIMESERIES,
        ['r = ddf.set_index("Date")[["DepDelay", "ArrDelay"]].resample("QE")', "r.mean()"],
        lambda d, s: keyed_csv(by_date(d)[NUM].resample("QE").mean()),
    ),
    S(
        "ts_resampler_column",
        TIMESERIES,
        ['r = ddf.set_index("Date").resample("QE")', 'r["DepDelay"].mean()'],
        lambda d, s: keyed_csv(by_date(d).resample("QE")["DepDelay"].mean()),
    ),
    S(
        "ts_resampler_columns",
        TIMESERIES,
        ['r = ddf.set_index("Date").resample("QE")', 'r[["DepDelay", "ArrDelay"]].mean()'],
        lambda d, s: keyed_csv(by_date(d).resample("QE")[NUM].mean()),
    ),
    S(
        "ts_resampler_agg_list",
        TIMESERIES,
        ['r = ddf.set_index("Date").resample("QE")', 'r["DepDelay"].agg(["sum", "mean", "std"])'],
        lambda d, s: keyed_csv(by_date(d).resample("QE")["DepDelay"].agg(["sum", "mean", "std"])),
    ),
    S(
        "ts_resampler_agg_dict",
        TIMESERIES,
        ['r = ddf.set_index("Date").resample("QE")', 'r.agg({"DepDelay": "sum", "ArrDelay": "std"})'],
        lambda d, s: keyed_csv(by_date(d).resample("QE").agg({"DepDelay": "sum", "ArrDelay": "std"})),
    ),
    S(
        "ts_resample_on",
        TIMESERIES,
        'ddf.resample("ME", on="Date")[["DepDelay"]].sum()',
        lambda d, s: keyed_csv(d.resample("ME", on="Date")[["DepDelay"]].sum()),
    ),
    S("ts_partial_string_year", TIMESERIES, 'ddf.set_index("Date").loc["1991"].DepDelay.mean()', lambda d, s: scalar_csv(by_date(d).loc["1991"].DepDelay.mean())),
    S(
        "ts_partial_string_slice",
        TIMESERIES,
        'ddf.set_index("Date").loc["1991-01":"1991-02"][["Origin", "DepDelay"]]',
        lambda d, s: keyed_csv(by_date(d).loc["1991-01":"1991-02"][["Origin", "DepDelay"]]),
    ),
    S(
        "ts_getitem_string_slice",
        TIMESERIES,
        'ts = ddf.set_index("Date").DepDelay\nts["1991-01-05":"1991-01-10"]'.split("\n"),
        lambda d, s: keyed_csv(by_date(d).DepDelay["1991-01-05":"1991-01-10"]),
    ),
    S("ts_day_name", TIMESERIES, "ddf.Date.dt.day_name()", lambda d, s: series_csv(d.Date.dt.day_name())),
    S("ts_strftime", TIMESERIES, 'ddf.Date.dt.strftime("%Y/%m/%d")', lambda d, s: series_csv(d.Date.dt.strftime("%Y/%m/%d"))),
    S("ts_is_month_start", TIMESERIES, "ddf.Date.dt.is_month_start.sum()", lambda d, s: scalar_csv(d.Date.dt.is_month_start.sum())),
    S("ts_dayofyear", TIMESERIES, "ddf.Date.dt.dayofyear", lambda d, s: series_csv(d.Date.dt.dayofyear)),
    S("ts_quarter", TIMESERIES, "ddf.Date.dt.quarter.value_counts()", lambda d, s: keyed_csv(d.Date.dt.quarter.value_counts())),
    S("ts_shift", TIMESERIES, 'ddf.set_index("Date").DepDelay.shift(1)', lambda d, s: keyed_csv(by_date(d).DepDelay.shift(1))),
    S("ts_to_period", TIMESERIES, 'ddf.Date.dt.to_period("M").head()', lambda d, s: series_csv(d.Date.dt.to_period("M").head())),
    S("ts_floor", TIMESERIES, 'ddf.Date.dt.floor("D").head()', lambda d, s: series_csv(d.Date.dt.floor("D").head())),
    S(
        "ts_rolling_time_window",
        TIMESERIES,
        'ddf.set_index("Date").DepDelay.rolling("2D").sum()',
        lambda d, s: keyed_csv(by_date(d).DepDelay.rolling("2D").sum()),
    ),
    S(
        "ts_to_datetime_strings",
        TIMESERIES,
        'pd.to_datetime(ddf.Date.dt.strftime("%Y-%m-%d"), format="%Y-%m-%d").head()',
        lambda d, s: series_csv(pd.to_datetime(d.Date.dt.strftime("%Y-%m-%d"), format="%Y-%m-%d").head()),
    ),
    # --- intro tutorial: dates ------------------------------------------------------------
    S("dates_min_max", DATES_TUTORIAL, 'ddf["Date"].min(), ddf["Date"].max()', lambda d, s: printed((d["Date"].min(), d["Date"].max()))),
    S("dates_span", DATES_TUTORIAL, 'ddf["Date"].max() - ddf["Date"].min()', lambda d, s: printed(d["Date"].max() - d["Date"].min())),
    S(
        "dates_month_column",
        DATES_TUTORIAL,
        ['ddf["month"] = ddf["Date"].dt.month', "ddf.head()"],
        lambda d, s: frame_csv(d.assign(month=d["Date"].dt.month).head()),
    ),
    S(
        "dates_groupby_weekday_key",
        DATES_TUTORIAL,
        'ddf.groupby([ddf["Date"].dt.weekday, "Origin"])["DepDelay"].mean()',
        lambda d, s: keyed_csv(d.groupby([d["Date"].dt.weekday, "Origin"])["DepDelay"].mean()),
    ),
    S(
        "dates_resample_max",
        DATES_TUTORIAL,
        'ddf.set_index("Date")[["DepDelay", "ArrDelay"]].resample("ME").max()',
        lambda d, s: keyed_csv(by_date(d)[NUM].resample("ME").max()),
    ),
    # --- pandas user guide: indexing and selection ----------------------------------------
    S("idx_columns_swapped", INDEXING, 'ddf[["Dest", "Origin"]]', lambda d, s: frame_csv(d[["Dest", "Origin"]])),
    S("idx_series_slice", INDEXING, "ddf.DepDelay[:5]", lambda d, s: series_csv(d.DepDelay[:5])),
    S("idx_series_reverse", INDEXING, "ddf.DepDelay[::-1]", lambda d, s: series_csv(d.DepDelay[::-1])),
    S("idx_frame_reverse", INDEXING, "ddf[::-1]", lambda d, s: frame_csv(d[::-1])),
    S("idx_loc_mask", INDEXING, 'ddf.loc[ddf["DepDelay"] > 120]', lambda d, s: frame_csv(d.loc[d["DepDelay"] > 120])),
    S("idx_series_loc_mask", INDEXING, "ddf.DepDelay.loc[ddf.DepDelay > 300]", lambda d, s: series_csv(d.DepDelay.loc[d.DepDelay > 300])),
    S("idx_iloc_head", INDEXING, "ddf.iloc[:3]", lambda d, s: frame_csv(d.iloc[:3])),
    S("idx_iloc_rows_cols", INDEXING, "ddf.iloc[1:5, 2:4]", lambda d, s: frame_csv(d.iloc[1:5, 2:4])),
    S("idx_iloc_lists", INDEXING, "ddf.iloc[[1, 3, 5], [1, 3]]", lambda d, s: frame_csv(d.iloc[[1, 3, 5], [1, 3]])),
    S("idx_loc_callable_rows", INDEXING, 'ddf.loc[lambda df: df["DepDelay"] > 120, :]', lambda d, s: frame_csv(d.loc[lambda df: df["DepDelay"] > 120, :])),
    S("idx_loc_callable_columns", INDEXING, 'ddf.loc[:, lambda df: ["Origin", "Dest"]]', lambda d, s: frame_csv(d.loc[:, lambda df: ["Origin", "Dest"]])),
    S("idx_iloc_callable", INDEXING, "ddf.iloc[:, lambda df: [0, 1]]", lambda d, s: frame_csv(d.iloc[:, lambda df: [0, 1]])),
    S("idx_getitem_callable", INDEXING, "ddf[lambda df: df.columns[0]]", lambda d, s: series_csv(d[d.columns[0]])),
    S("idx_series_loc_callable", INDEXING, "ddf.DepDelay.loc[lambda s: s > 300]", lambda d, s: series_csv(d.DepDelay.loc[lambda x: x > 300])),
    S("idx_where", INDEXING, 'ddf[["DepDelay", "ArrDelay"]].where(ddf[["DepDelay", "ArrDelay"]] < 0)', lambda d, s: frame_csv(d[NUM].where(d[NUM] < 0))),
    S(
        "idx_where_other",
        INDEXING,
        ['num = ddf[["DepDelay", "ArrDelay"]]', "num.where(num < 0, -num)"],
        lambda d, s: frame_csv(d[NUM].where(d[NUM] < 0, -d[NUM])),
    ),
    S("idx_mask", INDEXING, ['num = ddf[["DepDelay", "ArrDelay"]]', "num.mask(num >= 0)"], lambda d, s: frame_csv(d[NUM].mask(d[NUM] >= 0))),
    S("idx_series_where", INDEXING, "ddf.DepDelay.where(ddf.DepDelay > 0)", lambda d, s: series_csv(d.DepDelay.where(d.DepDelay > 0))),
    S("idx_query_and", INDEXING, 'ddf.query("(DepDelay < ArrDelay) & (ArrDelay < Distance)")', lambda d, s: frame_csv(d.query("(DepDelay < ArrDelay) & (ArrDelay < Distance)"))),
    S("idx_query_chained", INDEXING, 'ddf.query("DepDelay < ArrDelay < TaxiIn")', lambda d, s: frame_csv(d.query("DepDelay < ArrDelay < TaxiIn"))),
    S("idx_query_in_list", INDEXING, "ddf.query(\"Dest in ['SFO', 'LAX']\")", lambda d, s: frame_csv(d.query("Dest in ['SFO', 'LAX']"))),
    S("idx_query_eq_list", INDEXING, "ddf.query(\"Dest == ['SFO', 'LAX']\")", lambda d, s: frame_csv(d.query("Dest == ['SFO', 'LAX']"))),
    S("idx_query_not_bool", INDEXING, 'ddf.query("~Cancelled")', lambda d, s: frame_csv(d.query("~Cancelled"))),
    S("idx_duplicated", INDEXING, 'ddf.duplicated("Dest")', lambda d, s: series_csv(d.duplicated("Dest"))),
    S("idx_drop_duplicates", INDEXING, 'ddf.drop_duplicates("Dest")', lambda d, s: frame_csv(d.drop_duplicates("Dest"))),
    S("idx_drop_duplicates_last", INDEXING, 'ddf.drop_duplicates("Dest", keep="last")', lambda d, s: frame_csv(d.drop_duplicates("Dest", keep="last"))),
    S("idx_drop_duplicates_two", INDEXING, 'ddf.drop_duplicates(["Origin", "Dest"])', lambda d, s: frame_csv(d.drop_duplicates(["Origin", "Dest"]))),
    S(
        "idx_isin_dict",
        INDEXING,
        'ddf[["Origin", "Dest"]].isin({"Origin": ["JFK"], "Dest": ["SFO", "LAX"]})',
        lambda d, s: frame_csv(d[["Origin", "Dest"]].isin({"Origin": ["JFK"], "Dest": ["SFO", "LAX"]})),
    ),
    S(
        "idx_set_index_loc",
        INDEXING,
        'ddf.set_index("Dest").loc["SFO"][["Origin", "DepDelay"]]',
        lambda d, s: keyed_csv(d.sort_values("Dest", kind="stable").set_index("Dest").loc["SFO"][["Origin", "DepDelay"]]),
    ),
    S(
        "idx_reset_index",
        INDEXING,
        'ddf.groupby("Origin").DepDelay.mean().reset_index()',
        lambda d, s: frame_csv(d.groupby("Origin").DepDelay.mean().reset_index()),
    ),
    S("idx_nlargest", BASICS, 'ddf.nlargest(5, "DepDelay")', lambda d, s: frame_csv(d.nlargest(5, "DepDelay"))),
    S("idx_nsmallest_series", BASICS, "ddf.ArrDelay.nsmallest(3)", lambda d, s: series_csv(d.ArrDelay.nsmallest(3))),
    # --- intro tutorials: subsets, columns, statistics, reshaping, text -------------------
    S("subset_shape_series", SUBSET_TUTORIAL, 'ddf["DepDelay"].shape', lambda d, s: scalar_csv(d["DepDelay"].shape)),
    S("subset_shape_frame", SUBSET_TUTORIAL, 'ddf[["DepDelay", "Origin"]].shape', lambda d, s: scalar_csv(d[["DepDelay", "Origin"]].shape)),
    S("subset_isin", SUBSET_TUTORIAL, 'ddf[ddf["DayOfWeek"].isin([2, 3])]', lambda d, s: frame_csv(d[d["DayOfWeek"].isin([2, 3])])),
    S("subset_or", SUBSET_TUTORIAL, 'ddf[(ddf["DayOfWeek"] == 2) | (ddf["DayOfWeek"] == 3)]', lambda d, s: frame_csv(d[(d["DayOfWeek"] == 2) | (d["DayOfWeek"] == 3)])),
    S("subset_notna", SUBSET_TUTORIAL, 'ddf[ddf["TailNum"].notna()]', lambda d, s: frame_csv(d[d["TailNum"].notna()])),
    S("subset_loc_column", SUBSET_TUTORIAL, 'ddf.loc[ddf["DepDelay"] > 35, "TailNum"]', lambda d, s: series_csv(d.loc[d["DepDelay"] > 35, "TailNum"])),
    S("subset_iloc_block", SUBSET_TUTORIAL, "ddf.iloc[9:25, 2:5]", lambda d, s: frame_csv(d.iloc[9:25, 2:5])),
    S(
        "columns_multiply",
        COLUMNS_TUTORIAL,
        ['ddf["Distance_km"] = ddf["Distance"] * 1.609', "ddf.head()"],
        lambda d, s: frame_csv(d.assign(Distance_km=d["Distance"] * 1.609).head()),
    ),
    S(
        "columns_ratio",
        COLUMNS_TUTORIAL,
        ['ddf["ratio_arr_dep"] = ddf["ArrDelay"] / ddf["DepDelay"]', 'ddf[["ArrDelay", "DepDelay", "ratio_arr_dep"]].head()'],
        lambda d, s: frame_csv(d.assign(ratio_arr_dep=d["ArrDelay"] / d["DepDelay"])[["ArrDelay", "DepDelay", "ratio_arr_dep"]].head()),
    ),
    S("columns_rename", COLUMNS_TUTORIAL, 'ddf.rename(columns={"DepDelay": "departure_delay", "ArrDelay": "arrival_delay"}).head()', lambda d, s: frame_csv(d.rename(columns={"DepDelay": "departure_delay", "ArrDelay": "arrival_delay"}).head())),
    S("columns_rename_function", COLUMNS_TUTORIAL, "ddf.rename(columns=str.lower).head()", lambda d, s: frame_csv(d.rename(columns=str.lower).head())),
    S("stats_mean", STATS_TUTORIAL, 'ddf["DepDelay"].mean()', lambda d, s: scalar_csv(d["DepDelay"].mean())),
    S("stats_median_frame", STATS_TUTORIAL, 'ddf[["DepDelay", "Distance"]].median()', lambda d, s: per_column_csv(d[["DepDelay", "Distance"]].median(), "median")),
    S("stats_describe_columns", STATS_TUTORIAL, 'ddf[["DepDelay", "Distance"]].describe()', lambda d, s: m.describe_csv(d[["DepDelay", "Distance"]].describe())),
    S(
        "stats_agg_dict",
        STATS_TUTORIAL,
        'ddf.agg({"DepDelay": ["min", "max", "median", "skew"], "Distance": ["min", "max", "median", "mean"]})',
        lambda d, s: m.describe_csv(d.agg({"DepDelay": ["min", "max", "median", "skew"], "Distance": ["min", "max", "median", "mean"]})),
    ),
    S("stats_groupby_frame_mean", STATS_TUTORIAL, 'ddf[["Origin", "DepDelay"]].groupby("Origin").mean()', lambda d, s: keyed_csv(d[["Origin", "DepDelay"]].groupby("Origin").mean())),
    S("stats_groupby_column_mean", STATS_TUTORIAL, 'ddf.groupby("Origin")["DepDelay"].mean()', lambda d, s: keyed_csv(d.groupby("Origin")["DepDelay"].mean())),
    S("stats_groupby_two_keys", STATS_TUTORIAL, 'ddf.groupby(["Origin", "DayOfWeek"])["Distance"].mean()', lambda d, s: keyed_csv(d.groupby(["Origin", "DayOfWeek"])["Distance"].mean())),
    S("stats_value_counts", STATS_TUTORIAL, 'ddf["DayOfWeek"].value_counts()', lambda d, s: keyed_csv(d["DayOfWeek"].value_counts())),
    S("stats_groupby_count", STATS_TUTORIAL, 'ddf.groupby("DayOfWeek")["DayOfWeek"].count()', lambda d, s: keyed_csv(d.groupby("DayOfWeek")["DayOfWeek"].count())),
    S("reshape_sort_two", RESHAPE_TUTORIAL, 'ddf.sort_values(by=["DayOfWeek", "DepDelay"], ascending=False).head()', lambda d, s: frame_csv(d.sort_values(by=["DayOfWeek", "DepDelay"], ascending=False, kind="stable").head())),
    S("reshape_sort_one", RESHAPE_TUTORIAL, 'ddf.sort_values(by="DepDelay").head()', lambda d, s: frame_csv(d.sort_values(by="DepDelay", kind="stable").head())),
    S(
        "reshape_melt",
        RESHAPE_TUTORIAL,
        'ddf[["FlightNum", "DepDelay", "ArrDelay"]].head(3).melt(id_vars="FlightNum")',
        lambda d, s: frame_csv(d[["FlightNum", "DepDelay", "ArrDelay"]].head(3).melt(id_vars="FlightNum")),
    ),
    S("text_lower", TEXT_TUTORIAL, 'ddf["TailNum"].str.lower()', lambda d, s: series_csv(d["TailNum"].str.lower())),
    S("text_split_get", TEXT_TUTORIAL, 'ddf["TailNum"].str.split("N").str.get(1)', lambda d, s: series_csv(d["TailNum"].str.split("N").str.get(1))),
    S("text_contains", TEXT_TUTORIAL, 'ddf["TailNum"].str.contains("AA")', lambda d, s: series_csv(d["TailNum"].str.contains("AA"))),
    S("text_contains_filter", TEXT_TUTORIAL, 'ddf[ddf["TailNum"].str.contains("AA", na=False)]', lambda d, s: frame_csv(d[d["TailNum"].str.contains("AA", na=False)])),
    S("text_len", TEXT_TUTORIAL, 'ddf["TailNum"].str.len()', lambda d, s: series_csv(d["TailNum"].str.len())),
    S("text_len_idxmax", TEXT_TUTORIAL, 'ddf.loc[ddf["TailNum"].str.len().idxmax(), "TailNum"]', lambda d, s: printed(d.loc[d["TailNum"].str.len().idxmax(), "TailNum"])),
    S("text_replace_dict", TEXT_TUTORIAL, 'ddf["Origin"].replace({"JFK": "J", "LGA": "L"})', lambda d, s: series_csv(d["Origin"].replace({"JFK": "J", "LGA": "L"}))),
    S("text_upper", TEXT, "ddf.Dest.str.upper().str.len().sum()", lambda d, s: scalar_csv(d.Dest.str.upper().str.len().sum())),
    S("text_strip_replace", TEXT, 'ddf.TailNum.str.strip().str.replace("N", "n")', lambda d, s: series_csv(d.TailNum.str.strip().str.replace("N", "n"))),
    S("text_slice", TEXT, "ddf.TailNum.str[0:3]", lambda d, s: series_csv(d.TailNum.str[0:3])),
    S("text_extract", TEXT, 'ddf.TailNum.str.extract(r"N(\\d+)", expand=False)', lambda d, s: series_csv(d.TailNum.str.extract(r"N(\d+)", expand=False))),
    S("text_cat", TEXT, 'ddf.Origin.str.cat(ddf.Dest, sep="-")', lambda d, s: series_csv(d.Origin.str.cat(d.Dest, sep="-"))),
    # --- pandas user guide: missing data --------------------------------------------------
    S("missing_isna", MISSING, "ddf.isna()", lambda d, s: frame_csv(d.isna())),
    S("missing_notna_series", MISSING, 'ddf["TailNum"].notna()', lambda d, s: series_csv(d["TailNum"].notna())),
    S("missing_isna_sum", MISSING, "ddf.isna().sum()", lambda d, s: per_column_csv(d.isna().sum(), "sum")),
    S("missing_dropna", MISSING, "ddf.dropna()", lambda d, s: frame_csv(d.dropna())),
    S("missing_dropna_axis1", MISSING, "ddf.dropna(axis=1)", lambda d, s: frame_csv(d.dropna(axis=1))),
    S("missing_dropna_series", MISSING, 'ddf["DepDelay"].dropna()', lambda d, s: series_csv(d["DepDelay"].dropna())),
    S("missing_fillna_zero", MISSING, "ddf.fillna(0)", lambda d, s: frame_csv(d.fillna(0))),
    S("missing_ffill", MISSING, "ddf.ffill()", lambda d, s: frame_csv(d.ffill())),
    S("missing_bfill", MISSING, "ddf.bfill()", lambda d, s: frame_csv(d.bfill())),
    S("missing_ffill_limit", MISSING, "ddf.TailNum.ffill(limit=1)", lambda d, s: series_csv(d.TailNum.ffill(limit=1))),
    S(
        "missing_fillna_mean",
        MISSING,
        ['num = ddf[["DepDelay", "ArrDelay"]]', "num.fillna(num.mean())"],
        lambda d, s: frame_csv(d[NUM].fillna(d[NUM].mean())),
    ),
    S(
        "missing_fillna_dict",
        MISSING,
        'ddf.fillna(value={"DepDelay": 0, "TailNum": "UNKNOWN"})',
        lambda d, s: frame_csv(d.fillna(value={"DepDelay": 0, "TailNum": "UNKNOWN"})),
    ),
    S("missing_series_fillna_mean", MISSING, "ddf.ArrDelay.fillna(ddf.ArrDelay.mean())", lambda d, s: series_csv(d.ArrDelay.fillna(d.ArrDelay.mean()))),
    S("missing_interpolate", MISSING, "ddf.DepDelay.interpolate()", lambda d, s: series_csv(d.DepDelay.interpolate())),
    S("missing_sum_skips", MISSING, 'ddf["ArrDelay"].sum()', lambda d, s: scalar_csv(d["ArrDelay"].sum())),
    S("missing_groupby_mean", MISSING, 'ddf.groupby("TailNum").DepDelay.mean()', lambda d, s: keyed_csv(d.groupby("TailNum").DepDelay.mean())),
    S("missing_replace_nan", MISSING, "ddf.DepDelay.replace(np.nan, 5)", lambda d, s: series_csv(d.DepDelay.replace(np.nan, 5))),
    S("missing_count", MISSING, "ddf.count()", lambda d, s: per_column_csv(d.count(), "count")),
    S("missing_cumsum", MISSING, "ddf.DepDelay.cumsum()", lambda d, s: series_csv(d.DepDelay.cumsum())),
    # --- pandas user guide: merge, join, concatenate --------------------------------------
    S(
        "merge_on_key",
        MERGING,
        MERGE_FRAMES + ['pd.merge(a, b, on="Dest")'],
        lambda d, s: frame_csv(pd.merge(*left_right(d), on="Dest")),
    ),
    S("merge_how_left", MERGING, MERGE_FRAMES + ['pd.merge(a, b, how="left", on="Dest")'], lambda d, s: frame_csv(pd.merge(*left_right(d), how="left", on="Dest"))),
    S("merge_how_right", MERGING, MERGE_FRAMES + ['pd.merge(a, b, how="right", on="Dest")'], lambda d, s: frame_csv(pd.merge(*left_right(d), how="right", on="Dest"))),
    S("merge_how_outer", MERGING, MERGE_FRAMES + ['pd.merge(a, b, how="outer", on="Dest")'], lambda d, s: frame_csv(pd.merge(*left_right(d), how="outer", on="Dest"))),
    S("merge_how_inner", MERGING, MERGE_FRAMES + ['pd.merge(a, b, how="inner", on="Dest")'], lambda d, s: frame_csv(pd.merge(*left_right(d), how="inner", on="Dest"))),
    S(
        "merge_indicator",
        MERGING,
        MERGE_FRAMES + ['pd.merge(a, b, on="Dest", how="outer", indicator=True)'],
        lambda d, s: frame_csv(pd.merge(*left_right(d), on="Dest", how="outer", indicator=True)),
    ),
    S(
        "merge_left_on_right_on",
        MERGING,
        MERGE_FRAMES + ['c = b.rename(columns={"Dest": "Airport"})', 'a.merge(c, left_on="Dest", right_on="Airport")'],
        lambda d, s: frame_csv(left_right(d)[0].merge(left_right(d)[1].rename(columns={"Dest": "Airport"}), left_on="Dest", right_on="Airport")),
    ),
    S(
        "merge_suffixes",
        MERGING,
        ['a = ddf[["Dest", "DepDelay"]].iloc[0:5]', 'b = ddf[["Dest", "DepDelay"]].iloc[5:10]', 'pd.merge(a, b, on="Dest", suffixes=("_l", "_r"))'],
        lambda d, s: frame_csv(pd.merge(d[["Dest", "DepDelay"]].iloc[0:5], d[["Dest", "DepDelay"]].iloc[5:10], on="Dest", suffixes=("_l", "_r"))),
    ),
    S(
        "merge_two_keys",
        MERGING,
        [
            'a = ddf[["Origin", "Dest", "FlightNum"]].iloc[0:20]',
            'b = ddf.groupby(["Origin", "Dest"], as_index=False).Distance.max()',
            'pd.merge(a, b, on=["Origin", "Dest"])',
        ],
        lambda d, s: frame_csv(pd.merge(d[["Origin", "Dest", "FlightNum"]].iloc[0:20], d.groupby(["Origin", "Dest"], as_index=False).Distance.max(), on=["Origin", "Dest"])),
    ),
    S(
        "concat_ignore_index",
        MERGING,
        'pd.concat([ddf.iloc[0:3], ddf.iloc[100:102]], ignore_index=True)',
        lambda d, s: frame_csv(pd.concat([d.iloc[0:3], d.iloc[100:102]], ignore_index=True)),
    ),
    S(
        "concat_series",
        MERGING,
        "pd.concat([ddf.DepDelay.iloc[0:3], ddf.DepDelay.iloc[7:9]])",
        lambda d, s: series_csv(pd.concat([d.DepDelay.iloc[0:3], d.DepDelay.iloc[7:9]])),
    ),
    S(
        "join_on_index",
        MERGING,
        ['b = ddf.groupby("Dest").Distance.max()', 'ddf[["Dest", "DepDelay"]].iloc[0:5].join(b, on="Dest")'],
        lambda d, s: frame_csv(d[["Dest", "DepDelay"]].iloc[0:5].join(d.groupby("Dest").Distance.max(), on="Dest")),
    ),
    # --- pandas user guide: essential basic functionality ---------------------------------
    S("basics_sum_skipna", BASICS, "ddf.DepDelay.sum(skipna=False)", lambda d, s: scalar_csv(d.DepDelay.sum(skipna=False))),
    S("basics_std_columns", BASICS, 'ddf[["DepDelay", "ArrDelay"]].std()', lambda d, s: per_column_csv(d[NUM].std(), "std")),
    S("basics_idxmin", BASICS, "ddf.DepDelay.idxmin()", lambda d, s: scalar_csv(d.DepDelay.idxmin())),
    S("basics_quantile", BASICS, "ddf.DepDelay.quantile(0.5)", lambda d, s: scalar_csv(d.DepDelay.quantile(0.5))),
    S("basics_apply_column_function", BASICS, 'ddf[["DepDelay", "ArrDelay"]].apply(lambda x: x.max() - x.min())', lambda d, s: per_column_csv(d[NUM].apply(lambda x: x.max() - x.min()), "<lambda>")),
    S("basics_agg_list", BASICS, 'ddf[["DepDelay", "ArrDelay"]].agg(["sum", "mean"])', lambda d, s: m.describe_csv(d[NUM].agg(["sum", "mean"]))),
    S("basics_series_agg_list", BASICS, 'ddf.DepDelay.agg(["sum", "mean"])', lambda d, s: per_column_csv(d.DepDelay.agg(["sum", "mean"]), "DepDelay")),
    S("basics_map", BASICS, 'ddf.Origin.map({"JFK": "Kennedy", "EWR": "Newark", "LGA": "LaGuardia"})', lambda d, s: series_csv(d.Origin.map({"JFK": "Kennedy", "EWR": "Newark", "LGA": "LaGuardia"}))),
    S("basics_astype", BASICS, 'ddf.Distance.astype("float64").head()', lambda d, s: series_csv(d.Distance.astype("float64").head())),
    S("basics_select_dtypes", BASICS, 'ddf.select_dtypes(include=["number"]).head()', lambda d, s: frame_csv(d.select_dtypes(include=["number"]).head())),
    S("basics_clip", BASICS, "ddf.DepDelay.clip(-5, 60)", lambda d, s: series_csv(d.DepDelay.clip(-5, 60))),
    S("basics_between", BASICS, "ddf[ddf.Distance.between(1000, 2000)].shape", lambda d, s: scalar_csv(d[d.Distance.between(1000, 2000)].shape)),
    S("basics_corr", BASICS, 'ddf["DepDelay"].corr(ddf["ArrDelay"])', lambda d, s: scalar_csv(d["DepDelay"].corr(d["ArrDelay"]))),
    S("basics_drop_columns", BASICS, 'ddf.drop(columns=["TailNum", "Diverted"]).head()', lambda d, s: frame_csv(d.drop(columns=["TailNum", "Diverted"]).head())),
    S("basics_assign_lambda", BASICS, 'ddf.assign(ratio=lambda x: x["ArrDelay"] / x["DepDelay"]).head()', lambda d, s: frame_csv(d.assign(ratio=lambda x: x["ArrDelay"] / x["DepDelay"]).head())),
    S("basics_pipe", BASICS, 'ddf.pipe(lambda df: df[df.Origin == "JFK"]).shape', lambda d, s: scalar_csv(d.pipe(lambda df: df[df.Origin == "JFK"]).shape)),
    S("basics_abs", BASICS, "ddf.DepDelay.abs().mean()", lambda d, s: scalar_csv(d.DepDelay.abs().mean())),
    S("basics_round", BASICS, "ddf.DepDelay.div(7).round(2)", lambda d, s: series_csv(d.DepDelay.div(7).round(2))),
    S("basics_cut", BASICS, "pd.cut(ddf.Distance, [0, 500, 1000, 5000]).value_counts()", lambda d, s: keyed_csv(pd.cut(d.Distance, [0, 500, 1000, 5000]).value_counts())),
    # --- Dask: the tutorial's DataFrame notebook ------------------------------------------
    S("dask_tutorial_npartitions", DASK_TUTORIAL, "ddf.npartitions", lambda d, s: scalar_csv(len(s))),
    S("dask_tutorial_tail", DASK_TUTORIAL, "ddf.tail()", lambda d, s: frame_csv(d.tail())),
    S("dask_tutorial_max_delay", DASK_TUTORIAL, "ddf.DepDelay.max().compute()", lambda d, s: scalar_csv(d.DepDelay.max())),
    S("dask_tutorial_len", DASK_TUTORIAL, "len(ddf)", lambda d, s: scalar_csv(len(d))),
    S("dask_tutorial_len_not_cancelled", DASK_TUTORIAL, "len(ddf[~ddf.Cancelled])", lambda d, s: scalar_csv(len(d[~d.Cancelled]))),
    S(
        "dask_tutorial_count_by_origin",
        DASK_TUTORIAL,
        'ddf[~ddf.Cancelled].groupby("Origin").Origin.count().compute()',
        lambda d, s: keyed_csv(d[~d.Cancelled].groupby("Origin").Origin.count()),
    ),
    S("dask_tutorial_mean_by_origin", DASK_TUTORIAL, 'ddf.groupby("Origin").DepDelay.mean().compute()', lambda d, s: keyed_csv(d.groupby("Origin").DepDelay.mean())),
    S("dask_tutorial_mean_by_weekday", DASK_TUTORIAL, 'ddf.groupby("DayOfWeek").DepDelay.mean().compute()', lambda d, s: keyed_csv(d.groupby("DayOfWeek").DepDelay.mean())),
    S(
        "dask_tutorial_worst_weekday",
        DASK_TUTORIAL,
        'ddf.groupby("DayOfWeek").DepDelay.mean().idxmax().compute()',
        lambda d, s: scalar_csv(d.groupby("DayOfWeek").DepDelay.mean().idxmax()),
    ),
    S(
        "dask_tutorial_shared_compute",
        DASK_TUTORIAL,
        [
            "non_cancelled = ddf[~ddf.Cancelled]",
            "mean_delay = non_cancelled.DepDelay.mean()",
            "std_delay = non_cancelled.DepDelay.std()",
            "mean_delay_res, std_delay_res = dask.compute(mean_delay, std_delay)",
            "std_delay_res",
        ],
        lambda d, s: scalar_csv(dask_compute_pair(d)[1]),
    ),
    S(
        "dask_tutorial_map_partitions",
        DASK_TUTORIAL,
        'ddf.map_partitions(lambda df: df.Distance + 1).compute()',
        lambda d, s: series_csv(d.Distance + 1),
    ),
    S(
        "dask_tutorial_persist",
        DASK_TUTORIAL,
        ["ddf = ddf.persist()", 'ddf.groupby("Dest").ArrDelay.min().compute()'],
        lambda d, s: keyed_csv(d.groupby("Dest").ArrDelay.min()),
    ),
    # --- Dask: 10 minutes to Dask, DataFrame docs, examples -------------------------------
    S(
        "dask10_time_slice_cumsum",
        DASK_10MIN,
        ['ddf2 = ddf.set_index("Date")', 'result = ddf2["1991-01-01":"1991-01-09"].DepDelay.cumsum() - 100', "result.compute()"],
        lambda d, s: keyed_csv(by_date(d)["1991-01-01":"1991-01-09"].DepDelay.cumsum() - 100),
    ),
    S("dask10_unique", DASK_10MIN, "ddf.Origin.unique().compute()", lambda d, s: m.unique_csv(d.Origin)),
    S("dask10_mean", DASK_10MIN, "ddf.DepDelay.mean().compute()", lambda d, s: scalar_csv(d.DepDelay.mean())),
    S("dask10_groupby_sum", DASK_10MIN, 'ddf.groupby("Origin").Distance.sum().compute()', lambda d, s: keyed_csv(d.groupby("Origin").Distance.sum())),
    S(
        "dask10_resample_hourly_mean",
        DASK_10MIN,
        'ddf.set_index("Date").DepDelay.resample("7D").mean().compute()',
        lambda d, s: keyed_csv(by_date(d).DepDelay.resample("7D").mean()),
    ),
    S(
        "dask10_rolling",
        DASK_10MIN,
        'ddf.set_index("Date").DepDelay.rolling("3D").mean().compute()',
        lambda d, s: keyed_csv(by_date(d).DepDelay.rolling("3D").mean()),
    ),
    S("dask10_loc_day", DASK_10MIN, 'ddf.set_index("Date").loc["1991-03-05"].compute()', lambda d, s: keyed_csv(by_date(d).loc["1991-03-05"])),
    S("dask_df_groupby_series_key", DASK_DATAFRAME, "ddf.groupby(ddf.Origin).DepDelay.mean().compute()", lambda d, s: keyed_csv(d.groupby(d.Origin).DepDelay.mean())),
    S("dask_df_filter_sum", DASK_DATAFRAME, "ddf[ddf.DepDelay > 0].DepDelay.sum().compute()", lambda d, s: scalar_csv(d[d.DepDelay > 0].DepDelay.sum())),
    S("dask_df_value_counts", DASK_DATAFRAME, "ddf.Dest.value_counts().compute()", lambda d, s: keyed_csv(d.Dest.value_counts())),
    S("dask_df_nunique", DASK_DATAFRAME, "ddf.TailNum.nunique().compute()", lambda d, s: scalar_csv(d.TailNum.nunique())),
    S("dask_df_nlargest", DASK_DATAFRAME, "ddf.DepDelay.nlargest(5).compute()", lambda d, s: series_csv(d.DepDelay.nlargest(5))),
    S(
        "dask_df_loc_range",
        DASK_DATAFRAME,
        'ddf.set_index("Date").loc["1991-01-01":"1991-12-31"].DepDelay.count().compute()',
        lambda d, s: scalar_csv(by_date(d).loc["1991-01-01":"1991-12-31"].DepDelay.count()),
    ),
    S(
        "dask_groupby_custom_aggregation",
        DASK_GROUPBY,
        [
            'custom_sum = dd.Aggregation("custom_sum", lambda s: s.sum(), lambda s0: s0.sum())',
            'ddf.groupby("Origin").DepDelay.agg(custom_sum).compute()',
        ],
        lambda d, s: keyed_csv(d.groupby("Origin").DepDelay.sum().rename("DepDelay")),
    ),
    S(
        "dask_groupby_split_out",
        DASK_GROUPBY,
        'ddf.groupby("Dest").DepDelay.mean(split_out=2).compute()',
        lambda d, s: keyed_csv(d.groupby("Dest").DepDelay.mean()),
    ),
    S("dask_indexing_loc_columns", DASK_INDEXING, 'ddf.loc[:, ["Dest", "Origin"]].compute()', lambda d, s: frame_csv(d.loc[:, ["Dest", "Origin"]])),
    S("dask_indexing_iloc_columns", DASK_INDEXING, "ddf.iloc[:, [1, 0]].compute()", lambda d, s: frame_csv(d.iloc[:, [1, 0]])),
    S("dask_indexing_loc_mask", DASK_INDEXING, "ddf.loc[ddf.DepDelay > 300].compute()", lambda d, s: frame_csv(d.loc[d.DepDelay > 300])),
    S(
        "dask_indexing_loc_label_slice",
        DASK_INDEXING,
        'ddf.set_index("Dest").loc["SAN":"SEA"].Distance.compute()',
        lambda d, s: keyed_csv(d.sort_values("Dest", kind="stable").set_index("Dest").loc["SAN":"SEA"].Distance),
    ),
    S(
        "dask_examples_std_by_name",
        DASK_EXAMPLES,
        ['df2 = ddf[ddf.DepDelay > 0]', 'df3 = df2.groupby("Origin").ArrDelay.std()', "df3.compute()"],
        lambda d, s: keyed_csv(d[d.DepDelay > 0].groupby("Origin").ArrDelay.std()),
    ),
    S(
        "dask_examples_agg_dict",
        DASK_EXAMPLES,
        'ddf.groupby("Origin").agg({"DepDelay": "sum", "ArrDelay": "max"}).compute()',
        lambda d, s: keyed_csv(d.groupby("Origin").agg({"DepDelay": "sum", "ArrDelay": "max"})),
    ),
    S(
        "dask_examples_resample_columns",
        DASK_EXAMPLES,
        'ddf.set_index("Date")[["DepDelay", "ArrDelay"]].resample("ME").mean().compute()',
        lambda d, s: keyed_csv(by_date(d)[NUM].resample("ME").mean()),
    ),
    S(
        "dask_examples_rolling_window",
        DASK_EXAMPLES,
        'ddf.set_index("Date")[["DepDelay", "ArrDelay"]].rolling(window="2D").mean().compute()',
        lambda d, s: keyed_csv(by_date(d)[NUM].rolling(window="2D").mean()),
    ),
    S(
        "dask_best_repartition",
        DASK_BEST,
        ['ddf2 = ddf[ddf.Origin == "JFK"].repartition(npartitions=2)', "ddf2.npartitions", ],
        lambda d, s: scalar_csv(2),
    ),
    S(
        "dask_best_set_index_persist",
        DASK_BEST,
        ['ddf2 = ddf.set_index("Date").persist()', 'ddf2.loc["1990-06-01":"1990-06-02"].Origin.value_counts().compute()'],
        lambda d, s: keyed_csv(by_date(d).loc["1990-06-01":"1990-06-02"].Origin.value_counts()),
    ),
    # --- pandas user guide: windowing operations ------------------------------------------
    S("window_rolling_sum", WINDOW, "ddf.DepDelay.rolling(window=2).sum()", lambda d, s: series_csv(d.DepDelay.rolling(window=2).sum())),
    S(
        "window_groupby_expanding_frame",
        WINDOW,
        'ddf[["Origin", "DepDelay", "ArrDelay"]].groupby("Origin").expanding().sum()',
        lambda d, s: keyed_csv(d[["Origin", "DepDelay", "ArrDelay"]].groupby("Origin").expanding().sum()),
    ),
    S(
        "window_expanding_agg_list",
        WINDOW,
        'ddf[["DepDelay", "ArrDelay"]].expanding().agg(["sum", "mean", "std"])',
        lambda d, s: frame_csv(flat(d[NUM].expanding().agg(["sum", "mean", "std"]))),
    ),
    S("window_center", WINDOW, "ddf.DepDelay.rolling(window=5, center=True).mean()", lambda d, s: series_csv(d.DepDelay.rolling(window=5, center=True).mean())),
    S(
        "window_closed_endpoints",
        WINDOW,
        [
            'ddf2 = ddf.set_index("Date")[["DepDelay"]]',
            'ddf2["left"] = ddf2.rolling("2D", closed="left").DepDelay.sum()',
            'ddf2["both"] = ddf2.rolling("2D", closed="both").DepDelay.sum()',
            'ddf2["neither"] = ddf2.rolling("2D", closed="neither").DepDelay.sum()',
            "ddf2",
        ],
        lambda d, s: keyed_csv(closed_windows(d)),
    ),
    S(
        "window_rolling_apply_mad",
        WINDOW,
        ["def mad(x):", "    return np.fabs(x - x.mean()).mean()", "ddf.DepDelay.rolling(window=4).apply(mad, raw=True)"],
        lambda d, s: series_csv(d.DepDelay.rolling(window=4).apply(lambda x: np.fabs(x - x.mean()).mean(), raw=True)),
    ),
    S(
        "window_rolling_corr_series",
        WINDOW,
        ['df2 = ddf[["DepDelay", "ArrDelay", "TaxiOut"]]', 'df2.rolling(window=2).corr(df2["ArrDelay"])'],
        lambda d, s: frame_csv(d[["DepDelay", "ArrDelay", "TaxiOut"]].rolling(window=2).corr(d["ArrDelay"])),
    ),
    S(
        "window_rolling_cov_pairwise",
        WINDOW,
        'ddf[["ArrDelay", "TaxiIn", "TaxiOut"]].rolling(window=4).cov(ddf[["DepDelay", "ArrDelay", "TaxiIn"]], pairwise=True)',
        lambda d, s: keyed_csv(d[["ArrDelay", "TaxiIn", "TaxiOut"]].rolling(window=4).cov(d[["DepDelay", "ArrDelay", "TaxiIn"]], pairwise=True)),
    ),
    S(
        "window_rolling_whole_length",
        WINDOW,
        'ddf[["DepDelay"]].rolling(window=len(ddf), min_periods=1).mean()',
        lambda d, s: frame_csv(d[["DepDelay"]].rolling(window=len(d), min_periods=1).mean()),
    ),
    S("window_ewm_com", WINDOW, 'ddf[["DepDelay", "ArrDelay"]].ewm(0.5).mean()', lambda d, s: frame_csv(d[NUM].ewm(0.5).mean())),
    S(
        "window_ewm_halflife_times",
        WINDOW,
        'ddf[["DepDelay"]].ewm(halflife="4 days", times=ddf["Date"]).mean()',
        lambda d, s: frame_csv(d[["DepDelay"]].ewm(halflife="4 days", times=d["Date"]).mean()),
    ),
    # --- pandas user guide: reshaping and pivot tables ------------------------------------
    S(
        "reshape2_pivot_without_values",
        RESHAPING,
        [
            'df = ddf.groupby(["Origin", "DayOfWeek"])[["DepDelay", "ArrDelay"]].mean().reset_index()',
            'pivoted = df.pivot(index="Origin", columns="DayOfWeek")',
            "pivoted",
        ],
        lambda d, s: keyed_csv(flat(d.groupby(["Origin", "DayOfWeek"])[NUM].mean().reset_index().pivot(index="Origin", columns="DayOfWeek"))),
    ),
    S(
        "reshape2_stack",
        RESHAPING,
        ['df2 = ddf.groupby("Origin")[["DepDelay", "ArrDelay"]].mean()', "stacked = df2.stack()", "stacked"],
        lambda d, s: keyed_csv(d.groupby("Origin")[NUM].mean().stack()),
    ),
    S(
        "reshape2_unstack",
        RESHAPING,
        ['stacked = ddf.groupby(["Origin", "DayOfWeek"]).DepDelay.mean()', "stacked.unstack()"],
        lambda d, s: keyed_csv(d.groupby(["Origin", "DayOfWeek"]).DepDelay.mean().unstack()),
    ),
    S(
        "reshape2_melt_id_vars",
        RESHAPING,
        ['cheese = ddf[["Origin", "Dest", "DepDelay", "ArrDelay"]].head(2)', 'cheese.melt(id_vars=["Origin", "Dest"])'],
        lambda d, s: frame_csv(d[["Origin", "Dest", "DepDelay", "ArrDelay"]].head(2).melt(id_vars=["Origin", "Dest"])),
    ),
    S(
        "reshape2_pivot_table_no_values",
        RESHAPING,
        'pd.pivot_table(ddf[["Origin", "Cancelled", "DepDelay", "ArrDelay"]], index=["Origin"], columns=["Cancelled"])',
        lambda d, s: keyed_csv(flat(pd.pivot_table(d[["Origin", "Cancelled", "DepDelay", "ArrDelay"]], index=["Origin"], columns=["Cancelled"]))),
    ),
    S(
        "reshape2_pivot_table_grouper",
        RESHAPING,
        'pd.pivot_table(ddf, values="DepDelay", index=pd.Grouper(freq="YE", key="Date"), columns="Origin")',
        lambda d, s: keyed_csv(pd.pivot_table(d, values="DepDelay", index=pd.Grouper(freq="YE", key="Date"), columns="Origin")),
    ),
    S(
        "reshape2_pivot_table_margins_std",
        RESHAPING,
        'ddf.pivot_table(index=["Origin", "DayOfWeek"], columns="Cancelled", values=["DepDelay", "ArrDelay"], margins=True, aggfunc="std")',
        lambda d, s: keyed_csv(flat(d.pivot_table(index=["Origin", "DayOfWeek"], columns="Cancelled", values=["DepDelay", "ArrDelay"], margins=True, aggfunc="std"))),
    ),
    S(
        "reshape2_crosstab_normalize",
        RESHAPING,
        'pd.crosstab(ddf["Origin"], ddf["DayOfWeek"], normalize=True)',
        lambda d, s: keyed_csv(pd.crosstab(d["Origin"], d["DayOfWeek"], normalize=True)),
    ),
    S(
        "reshape2_crosstab_values_aggfunc",
        RESHAPING,
        'pd.crosstab(ddf["Origin"], ddf["DayOfWeek"], values=ddf["DepDelay"], aggfunc=np.sum)',
        lambda d, s: keyed_csv(pd.crosstab(d["Origin"], d["DayOfWeek"], values=d["DepDelay"], aggfunc="sum")),
    ),
    S(
        "reshape2_crosstab_margins_normalize",
        RESHAPING,
        'pd.crosstab(ddf["Origin"], ddf["Cancelled"], values=ddf["DepDelay"], aggfunc=np.sum, normalize=True, margins=True)',
        lambda d, s: keyed_csv(pd.crosstab(d["Origin"], d["Cancelled"], values=d["DepDelay"], aggfunc="sum", normalize=True, margins=True)),
    ),
    S("reshape2_get_dummies", RESHAPING, 'pd.get_dummies(ddf["Origin"])', lambda d, s: frame_csv(pd.get_dummies(d["Origin"]))),
    S(
        "reshape2_get_dummies_prefix_join",
        RESHAPING,
        ['dummies = pd.get_dummies(ddf["Origin"], prefix="key")', 'ddf[["DepDelay"]].join(dummies)'],
        lambda d, s: frame_csv(d[["DepDelay"]].join(pd.get_dummies(d["Origin"], prefix="key"))),
    ),
    S(
        "reshape2_factorize",
        RESHAPING,
        ['labels, uniques = pd.factorize(ddf["Origin"])', "uniques"],
        lambda d, s: index_list_csv(pd.factorize(d["Origin"])[1]),
    ),
    S(
        "reshape2_explode_split",
        RESHAPING,
        ['df = ddf[["TailNum", "FlightNum"]].dropna().head(4)', 'df.assign(TailNum=df.TailNum.str.split("N")).explode("TailNum")'],
        lambda d, s: frame_csv((lambda df: df.assign(TailNum=df.TailNum.str.split("N")).explode("TailNum"))(d[["TailNum", "FlightNum"]].dropna().head(4))),
    ),
    # --- pandas user guide: categorical data ----------------------------------------------
    S(
        "cat_column_dtypes",
        CATEGORICAL,
        ['ddf["B"] = ddf["Origin"].astype("category")', "ddf.dtypes"],
        lambda d, s: dtypes_csv(d.assign(B=d["Origin"].astype("category"))),
    ),
    S(
        "cat_cut_labels",
        CATEGORICAL,
        [
            'labels = ["{0} - {1}".format(i, i + 9) for i in range(0, 100, 10)]',
            'ddf["group"] = pd.cut(ddf.DepDelay, range(0, 105, 10), right=False, labels=labels)',
            "ddf.head(10)",
        ],
        lambda d, s: frame_csv(d.assign(group=pd.cut(d.DepDelay, range(0, 105, 10), right=False, labels=["{0} - {1}".format(i, i + 9) for i in range(0, 100, 10)])).head(10)),
    ),
    S(
        "cat_categorical_dtype",
        CATEGORICAL,
        [
            "from pandas.api.types import CategoricalDtype",
            'cat_type = CategoricalDtype(categories=["LGA", "JFK", "EWR"], ordered=True)',
            "s_cat = ddf.Origin.astype(cat_type)",
            "s_cat",
        ],
        lambda d, s: series_csv(d.Origin.astype(pd.CategoricalDtype(categories=["LGA", "JFK", "EWR"], ordered=True))),
    ),
    S(
        "cat_ordered_min_max",
        CATEGORICAL,
        [
            "from pandas.api.types import CategoricalDtype",
            'cat_type = CategoricalDtype(categories=["LGA", "JFK", "EWR"], ordered=True)',
            "s = ddf.Origin.astype(cat_type)",
            "s.min(), s.max()",
        ],
        lambda d, s: printed((lambda c: (c.min(), c.max()))(d.Origin.astype(pd.CategoricalDtype(categories=["LGA", "JFK", "EWR"], ordered=True)))),
    ),
    S(
        "cat_rename_categories",
        CATEGORICAL,
        ['s = ddf.Origin.astype("category")', 's = s.cat.rename_categories({"EWR": "x", "JFK": "y", "LGA": "z"})', "s"],
        lambda d, s: series_csv(d.Origin.astype("category").cat.rename_categories({"EWR": "x", "JFK": "y", "LGA": "z"})),
    ),
    S(
        "cat_value_counts_unused",
        CATEGORICAL,
        'ddf.Origin.astype(pd.CategoricalDtype(["LGA", "JFK", "EWR", "SFO"])).value_counts()',
        lambda d, s: keyed_csv(d.Origin.astype(pd.CategoricalDtype(["LGA", "JFK", "EWR", "SFO"])).value_counts()),
    ),
    S(
        "cat_groupby_unused",
        CATEGORICAL,
        ['ddf["cats"] = ddf.Origin.astype(pd.CategoricalDtype(["EWR", "JFK", "LGA", "SFO"]))', 'ddf.groupby("cats")[["DepDelay", "ArrDelay"]].mean()'],
        lambda d, s: keyed_csv(origin_categories(d, ["EWR", "JFK", "LGA", "SFO"]).groupby("cats", observed=False)[NUM].mean()),
    ),
    S(
        "cat_pivot_table",
        CATEGORICAL,
        ['ddf["cats"] = ddf.Origin.astype(pd.CategoricalDtype(["EWR", "JFK", "LGA", "SFO"]))', 'pd.pivot_table(ddf, values="DepDelay", index=["cats", "Cancelled"])'],
        lambda d, s: keyed_csv(pd.pivot_table(origin_categories(d, ["EWR", "JFK", "LGA", "SFO"]), values="DepDelay", index=["cats", "Cancelled"], observed=False)),
    ),
    S("cat_str_accessor", CATEGORICAL, ['str_cat = ddf.Origin.astype("category")', 'str_cat.str.contains("J")'], lambda d, s: series_csv(d.Origin.astype("category").str.contains("J"))),
    S(
        "cat_multi_column_sort",
        CATEGORICAL,
        ['ddf["cats"] = ddf.Origin.astype(pd.CategoricalDtype(["LGA", "JFK", "EWR"], ordered=True))', 'ddf.sort_values(by=["cats", "DepDelay"])'],
        lambda d, s: frame_csv(origin_categories(d, ["LGA", "JFK", "EWR"], ordered=True).sort_values(by=["cats", "DepDelay"], kind="stable")),
    ),
    # --- pandas user guide: time series (offsets, shifting, resampling options) -----------
    S("ts2_dateoffset_months", TIMESERIES, "ddf.Date + pd.DateOffset(months=2)", lambda d, s: series_csv(d.Date + pd.DateOffset(months=2))),
    S(
        "ts2_timedelta_plus_minute",
        TIMESERIES,
        ['td = ddf.Date - pd.Timestamp("1990-01-01")', "td + pd.offsets.Minute(15)"],
        lambda d, s: series_csv((d.Date - pd.Timestamp("1990-01-01")) + pd.offsets.Minute(15)),
    ),
    S(
        "ts2_shift_freq",
        TIMESERIES,
        ['ts = ddf.set_index("Date").DepDelay', 'ts.shift(5, freq="D")'],
        lambda d, s: keyed_csv(by_date(d).DepDelay.shift(5, freq="D")),
    ),
    S(
        "ts2_asfreq_bday",
        TIMESERIES,
        ['daily = ddf.groupby("Date").DepDelay.mean()', "daily.asfreq(pd.offsets.BDay())"],
        lambda d, s: keyed_csv(d.groupby("Date").DepDelay.mean().asfreq(pd.offsets.BDay())),
    ),
    S(
        "ts2_asfreq_bday_pad",
        TIMESERIES,
        ['firsts = ddf[ddf.Date.dt.day == 1].groupby("Date").DepDelay.max()', "firsts.asfreq(pd.offsets.BDay(), method=\"pad\")"],
        lambda d, s: keyed_csv(d[d.Date.dt.day == 1].groupby("Date").DepDelay.max().asfreq(pd.offsets.BDay(), method="pad")),
    ),
    S(
        "ts2_resample_upsample_asfreq",
        TIMESERIES,
        ['daily = ddf.groupby("Date").DepDelay.mean()', 'daily[:2].resample("6h").asfreq()'],
        lambda d, s: keyed_csv(d.groupby("Date").DepDelay.mean()[:2].resample("6h").asfreq()),
    ),
    S(
        "intna_arithmetic",
        INTEGER_NA,
        ['s = ddf.TaxiIn.astype("Int64")', "(s + 1).iloc[19990:20010]"],
        lambda d, s: series_csv((d.TaxiIn.astype("Int64") + 1).iloc[19990:20010]),
    ),
    S(
        "intna_comparison",
        INTEGER_NA,
        ['s = ddf.TaxiIn.astype("Int64")', "(s == 4).iloc[19990:20010]"],
        lambda d, s: series_csv((d.TaxiIn.astype("Int64") == 4).iloc[19990:20010]),
    ),
    S(
        "ts2_resample_closed_right",
        TIMESERIES,
        ['ts = ddf.set_index("Date").DepDelay', 'ts.resample("5D", closed="right").mean()'],
        lambda d, s: keyed_csv(by_date(d).DepDelay.resample("5D", closed="right").mean()),
    ),
    S(
        "ts2_resampler_agg_numpy",
        TIMESERIES,
        ['r = ddf.set_index("Date").resample("QE")', 'r["DepDelay"].agg([np.sum, np.mean, np.std])'],
        lambda d, s: keyed_csv(by_date(d).resample("QE")["DepDelay"].agg(["sum", "mean", "std"])),
    ),
    S(
        "ts2_upsample_ffill_limit",
        TIMESERIES,
        ['daily = ddf.groupby("Date").DepDelay.mean()', 'daily[:2].resample("6h").ffill(limit=2)'],
        lambda d, s: keyed_csv(d.groupby("Date").DepDelay.mean()[:2].resample("6h").ffill(limit=2)),
    ),
    S(
        "ts2_resample_apply_function",
        TIMESERIES,
        ["def custom_resampler(arraylike):", "    return np.sum(arraylike) + 5", 'ts = ddf.set_index("Date").DepDelay', 'ts.resample("ME").apply(custom_resampler)'],
        lambda d, s: keyed_csv(by_date(d).DepDelay.resample("ME").apply(lambda a: np.sum(a) + 5)),
    ),
    # --- pandas user guide: merge, join, concatenate (more forms) -------------------------
    S(
        "merge2_concat_keys",
        MERGING,
        'pd.concat([ddf.iloc[0:3], ddf.iloc[100:102]], keys=["x", "y"])',
        lambda d, s: keyed_csv(pd.concat([d.iloc[0:3], d.iloc[100:102]], keys=["x", "y"])),
    ),
    S(
        "merge2_concat_axis1",
        MERGING,
        'pd.concat([ddf[["Origin"]].iloc[0:5], ddf[["Dest"]].iloc[0:5]], axis=1)',
        lambda d, s: frame_csv(pd.concat([d[["Origin"]].iloc[0:5], d[["Dest"]].iloc[0:5]], axis=1)),
    ),
    S(
        "merge2_concat_join_inner",
        MERGING,
        'pd.concat([ddf[["Origin"]].iloc[0:5], ddf[["Dest"]].iloc[2:8]], axis=1, join="inner")',
        lambda d, s: frame_csv(pd.concat([d[["Origin"]].iloc[0:5], d[["Dest"]].iloc[2:8]], axis=1, join="inner")),
    ),
    S(
        "merge2_on_indexes",
        MERGING,
        [
            'left = ddf.groupby("Dest")[["DepDelay"]].mean()',
            'right = ddf[ddf.Distance > 2000].groupby("Dest")[["Distance"]].max()',
            "pd.merge(left, right, left_index=True, right_index=True, how=\"outer\")",
        ],
        lambda d, s: keyed_csv(pd.merge(d.groupby("Dest")[["DepDelay"]].mean(), d[d.Distance > 2000].groupby("Dest")[["Distance"]].max(), left_index=True, right_index=True, how="outer")),
    ),
    S(
        "merge2_left_on_right_index",
        MERGING,
        MERGE_FRAMES[:1] + ['right = ddf[ddf.Distance > 2000].groupby("Dest")[["Distance"]].max()', 'pd.merge(a, right, left_on="Dest", right_index=True, how="left")'],
        lambda d, s: frame_csv(pd.merge(left_right(d)[0], d[d.Distance > 2000].groupby("Dest")[["Distance"]].max(), left_on="Dest", right_index=True, how="left")),
    ),
    S(
        "merge2_join_suffixes",
        MERGING,
        ['left = ddf[["Dest", "DepDelay"]].iloc[0:5]', 'right = ddf[["Dest", "DepDelay"]].iloc[3:8]', 'left.join(right, lsuffix="_l", rsuffix="_r")'],
        lambda d, s: frame_csv(d[["Dest", "DepDelay"]].iloc[0:5].join(d[["Dest", "DepDelay"]].iloc[3:8], lsuffix="_l", rsuffix="_r")),
    ),
    S(
        "merge2_merge_ordered",
        MERGING,
        MERGE_FRAMES + ['pd.merge_ordered(a, b, on="Dest", fill_method="ffill")'],
        lambda d, s: frame_csv(pd.merge_ordered(*left_right(d), on="Dest", fill_method="ffill")),
    ),
    S(
        "merge2_merge_asof",
        MERGING,
        [
            'trades = ddf[ddf.Origin == "JFK"][["Date", "Dest", "DepDelay"]]',
            'quotes = ddf[ddf.Origin == "LGA"][["Date", "Dest", "ArrDelay"]]',
            'pd.merge_asof(trades, quotes, on="Date", by="Dest")',
        ],
        lambda d, s: frame_csv(pd.merge_asof(d[d.Origin == "JFK"][["Date", "Dest", "DepDelay"]], d[d.Origin == "LGA"][["Date", "Dest", "ArrDelay"]], on="Date", by="Dest")),
    ),
    S(
        "merge2_merge_asof_nearest",
        MERGE_ASOF,
        [
            'left = ddf[ddf.Origin == "EWR"][["CRSArrTime", "Dest"]].sort_values("CRSArrTime").head(400)',
            'right = ddf[ddf.Origin == "JFK"][["CRSDepTime", "FlightNum"]].drop_duplicates("CRSDepTime").sort_values("CRSDepTime")',
            'pd.merge_asof(left, right, left_on="CRSArrTime", right_on="CRSDepTime", direction="nearest")',
        ],
        lambda d, s: frame_csv(pd.merge_asof(d[d.Origin == "EWR"][["CRSArrTime", "Dest"]].sort_values("CRSArrTime", kind="stable").head(400), d[d.Origin == "JFK"][["CRSDepTime", "FlightNum"]].drop_duplicates("CRSDepTime").sort_values("CRSDepTime", kind="stable"), left_on="CRSArrTime", right_on="CRSDepTime", direction="nearest")),
    ),
    S(
        "merge2_combine_first",
        MERGING,
        ['df1 = ddf[["DepDelay", "AirTime"]]', 'df2 = ddf[["AirTime", "ArrDelay"]].fillna(-1)', "df1.combine_first(df2)"],
        lambda d, s: frame_csv(d[["DepDelay", "AirTime"]].combine_first(d[["AirTime", "ArrDelay"]].fillna(-1))),
    ),
    # --- pandas user guide: missing data (more forms) -------------------------------------
    S("missing2_dropna_thresh", MISSING, "ddf.dropna(thresh=20)", lambda d, s: frame_csv(d.dropna(thresh=20))),
    S("missing2_interpolate_limit", MISSING, "ddf.AirTime.interpolate(limit=1)", lambda d, s: series_csv(d.AirTime.interpolate(limit=1))),
    S("missing2_ffill_limit_area", MISSING, 'ddf.TailNum.ffill(limit_area="inside")', lambda d, s: series_csv(d.TailNum.ffill(limit_area="inside"))),
    S(
        "missing2_where_notna_mean",
        MISSING,
        ['num = ddf[["DepDelay", "ArrDelay"]]', 'num.where(pd.notna(num), num.mean(), axis="columns")'],
        lambda d, s: frame_csv(d[NUM].where(pd.notna(d[NUM]), d[NUM].mean(), axis="columns")),
    ),
    S("missing2_convert_dtypes", MISSING, "ddf.convert_dtypes().dtypes", lambda d, s: dtypes_csv(d.convert_dtypes())),
    # --- pandas user guide: computational tools -------------------------------------------
    S("stats2_cov_series", COMPUTATION, "ddf.DepDelay.cov(ddf.ArrDelay)", lambda d, s: scalar_csv(d.DepDelay.cov(d.ArrDelay))),
    S(
        "stats2_cov_frame",
        COMPUTATION,
        'ddf[["DepDelay", "ArrDelay", "Distance", "TaxiIn", "TaxiOut"]].cov()',
        lambda d, s: keyed_csv(d[["DepDelay", "ArrDelay", "Distance", "TaxiIn", "TaxiOut"]].cov().rename_axis("column")),
    ),
    S("stats2_corr_spearman", COMPUTATION, 'ddf["DepDelay"].corr(ddf["ArrDelay"], method="spearman")', lambda d, s: scalar_csv(spearman(d, "DepDelay", "ArrDelay"))),
    S(
        "stats2_corr_callable",
        COMPUTATION,
        [
            "def histogram_intersection(a, b):",
            "    return np.minimum(np.true_divide(a, a.sum()), np.true_divide(b, b.sum())).sum()",
            'ddf[["DepDelay", "ArrDelay"]].corr(method=histogram_intersection)',
        ],
        lambda d, s: keyed_csv(d[NUM].corr(method=lambda a, b: np.minimum(np.true_divide(a, a.sum()), np.true_divide(b, b.sum())).sum()).rename_axis("column")),
    ),
    S(
        "stats2_corrwith",
        COMPUTATION,
        ['df1 = ddf[["DepDelay", "ArrDelay", "TaxiIn"]]', 'df2 = ddf[["DepDelay", "TaxiOut", "TaxiIn"]].shift(1)', "df1.corrwith(df2)"],
        lambda d, s: per_column_csv(d[["DepDelay", "ArrDelay", "TaxiIn"]].corrwith(d[["DepDelay", "TaxiOut", "TaxiIn"]].shift(1)), "corrwith"),
    ),
    S("stats2_rank_axis1", COMPUTATION, 'ddf[["DepDelay", "ArrDelay", "TaxiIn"]].rank(1)', lambda d, s: frame_csv(d[["DepDelay", "ArrDelay", "TaxiIn"]].rank(1))),
    # --- pandas user guide: essential basic functionality (more forms) --------------------
    S(
        "basics2_agg_dict_lists",
        BASICS,
        'ddf.agg({"DepDelay": ["mean", "min"], "ArrDelay": "sum"})',
        lambda d, s: m.describe_csv(d.agg({"DepDelay": ["mean", "min"], "ArrDelay": "sum"})),
    ),
    S(
        "basics2_transform_list",
        BASICS,
        'ddf[["DepDelay", "ArrDelay"]].transform([np.abs, lambda x: x + 1])',
        lambda d, s: frame_csv(flat(d[NUM].transform([np.abs, lambda x: x + 1]))),
    ),
    S(
        "basics2_standardize_columns",
        BASICS,
        ['num = ddf[["DepDelay", "ArrDelay"]]', "ts_stand = (num - num.mean()) / num.std()", "ts_stand.std()"],
        lambda d, s: per_column_csv(((d[NUM] - d[NUM].mean()) / d[NUM].std()).std(), "std"),
    ),
    S(
        "basics2_apply_args_kwargs",
        BASICS,
        ["def subtract_and_divide(x, sub, divide=1):", "    return (x - sub) / divide", 'ddf[["DepDelay", "ArrDelay"]].apply(subtract_and_divide, args=(5,), divide=3)'],
        lambda d, s: frame_csv(d[NUM].apply(lambda x, sub, divide=1: (x - sub) / divide, args=(5,), divide=3)),
    ),
    S("basics2_value_counts_frame", BASICS, 'ddf[["Origin", "Cancelled"]].value_counts()', lambda d, s: keyed_csv(d[["Origin", "Cancelled"]].value_counts())),
    S(
        "basics2_qcut",
        BASICS,
        ["factor = pd.qcut(ddf.Distance, [0, 0.25, 0.5, 0.75, 1])", "factor.value_counts()"],
        lambda d, s: keyed_csv(pd.qcut(d.Distance, [0, 0.25, 0.5, 0.75, 1]).value_counts()),
    ),
    S(
        "basics2_sort_values_key",
        BASICS,
        'ddf.sort_values(by="TailNum", key=lambda col: col.str.lower())',
        lambda d, s: frame_csv(d.sort_values(by="TailNum", key=lambda col: col.str.lower(), kind="stable")),
    ),
    S("basics2_to_numeric_coerce", BASICS, 'pd.to_numeric(ddf.TailNum.str[1:4], errors="coerce")', lambda d, s: series_csv(pd.to_numeric(d.TailNum.str[1:4], errors="coerce"))),
    # --- pandas user guide: duplicate labels ----------------------------------------------
    S("dup_index_is_unique", DUPLICATES, 'ddf.set_index("Origin").index.is_unique', lambda d, s: scalar_csv(bool(d.set_index("Origin").index.is_unique))),
    S(
        "dup_drop_duplicated_labels",
        DUPLICATES,
        ['df2 = ddf.set_index("Dest")[["Distance"]]', "df2.loc[~df2.index.duplicated(), :]"],
        lambda d, s: keyed_csv(dest_first_rows(d).loc[~dest_first_rows(d).index.duplicated(), :]),
    ),
    S(
        "dup_groupby_level0",
        DUPLICATES,
        ['df2 = ddf.set_index("Dest")[["Distance"]]', "df2.groupby(level=0).mean()"],
        lambda d, s: keyed_csv(dest_first_rows(d).groupby(level=0).mean()),
    ),
    # --- Dask: groupby aggregations, custom aggregations, indexing ------------------------
    S(
        "daskgb_aggregate_list",
        DASK_GROUPBY,
        'ddf.groupby("Origin")[["DepDelay", "ArrDelay"]].aggregate(["sum", "mean", "max", "min"]).compute()',
        lambda d, s: flat_keyed_csv(d.groupby("Origin")[NUM].aggregate(["sum", "mean", "max", "min"])),
    ),
    S(
        "daskgb_custom_mean_frame",
        DASK_GROUPBY,
        [
            "custom_mean = dd.Aggregation(",
            "    'custom_mean',",
            "    lambda s: (s.count(), s.sum()),",
            "    lambda count, sum: (count.sum(), sum.sum()),",
            "    lambda count, sum: sum / count,",
            ")",
            'ddf[["Origin", "DepDelay", "ArrDelay"]].groupby("Origin").agg(custom_mean).compute()',
        ],
        lambda d, s: keyed_csv(d[["Origin", "DepDelay", "ArrDelay"]].groupby("Origin").mean()),
    ),
    S(
        "daskgb_nunique_aggregation",
        DASK_GROUPBY,
        [
            "nunique = dd.Aggregation(",
            '    name="nunique",',
            "    chunk=lambda s: s.apply(lambda x: list(set(x))),",
            "    agg=lambda s0: s0.obj.groupby(level=list(range(s0.obj.index.nlevels))).sum(),",
            "    finalize=lambda s1: s1.apply(lambda final: len(set(final))),",
            ")",
            'ddf[["Origin", "Dest"]].groupby("Origin").agg(nunique).compute()',
        ],
        lambda d, s: keyed_csv(d[["Origin", "Dest"]].groupby("Origin").nunique()),
    ),
    S(
        "daskex_groupby_agg_lists_head",
        DASK_EXAMPLES_GROUPBY,
        'ddf.groupby("Origin").agg({"DepDelay": ["mean", "std"], "ArrDelay": ["mean", "count"]}).compute().head()',
        lambda d, s: flat_keyed_csv(d.groupby("Origin").agg({"DepDelay": ["mean", "std"], "ArrDelay": ["mean", "count"]}).head()),
    ),
    S(
        "daskex_groupby_apply_meta",
        DASK_EXAMPLES_GROUPBY,
        'ddf.groupby("Origin").apply(lambda p: p.DepDelay.max() - p.DepDelay.min(), meta=object).compute().sort_index()',
        lambda d, s: keyed_csv(d.groupby("Origin")[["DepDelay"]].apply(lambda p: p.DepDelay.max() - p.DepDelay.min()).sort_index()),
    ),
    S("daskidx_partition", DASK_INDEXING, "ddf.partitions[1].compute()", lambda d, s: frame_csv(m.partition(d, s, 1))),
    # Series.groupby's examples: `ser.groupby(["a", "b", "a", "b"]).mean()`,
    # `ser.groupby(level=0).mean()`, `ser.groupby(ser > 100).mean()`.
    S(
        "sergb_by_values",
        SERIES_GROUPBY,
        "ddf.DepDelay.groupby(ddf.Origin).mean()",
        lambda d, s: keyed_csv(d.DepDelay.groupby(d.Origin).mean()),
    ),
    S(
        "sergb_level",
        SERIES_GROUPBY,
        ['ser = ddf.groupby(["Origin", "Dest"]).DepDelay.max()', "ser.groupby(level=0).mean()"],
        lambda d, s: keyed_csv(d.groupby(["Origin", "Dest"]).DepDelay.max().groupby(level=0).mean()),
    ),
    S(
        "sergb_by_comparison",
        SERIES_GROUPBY,
        ["ser = ddf.DepDelay", "ser.groupby(ser > 100).mean()"],
        lambda d, s: keyed_csv(d.DepDelay.groupby(d.DepDelay > 100).mean()),
    ),
    S(
        "daskbest_reduce_then_pandas",
        DASK_BEST,
        ['df = ddf[ddf.Origin == "JFK"]', 'result = df.groupby("Dest").DepDelay.mean()', "result = result.compute()", "result.nlargest(3)"],
        lambda d, s: keyed_csv(d[d.Origin == "JFK"].groupby("Dest").DepDelay.mean().nlargest(3)),
    ),
]
