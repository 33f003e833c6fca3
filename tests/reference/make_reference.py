#!/usr/bin/env python3
"""Computes pandas' answer to every task of queries/nycflights.q on the committed sample.

ddq claims to give the answers a Dask user would get. Dask delegates every one of these
operations to pandas, so pandas on the same files is the oracle: this script writes one CSV per
task into tests/reference/nycflights/, in the exact layout ddq's `--format csv` output follows,
plus tasks.tsv, which tells tests/reference_answers.rs which ddq statements produce each file.

Run it through regenerate.sh (which pins pandas); run it again whenever data/nycflights or
queries/nycflights.q changes, and commit what it writes.

Layout of the answer files (ddq's CSV output follows the same rules):
  * a frame with no keys: header, then rows, no index;
  * a grouped result or value_counts: key columns first, named as pandas names the index, then
    the value columns (a series' value column is named after the series);
  * a plain series: one column headed by its name;
  * ddf.columns -> one column `column`; ddf.dtypes -> `column,dtype`; ddf.count() -> `column,count`;
  * a scalar: the bare value on one line;
  * floats as Python repr, nulls as empty fields, booleans as True/False, all-midnight
    datetimes as YYYY-MM-DD.
"""

import glob
import os
import sys

import pandas as pd

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA_GLOB = os.path.join(ROOT, "data", "nycflights", "*.csv")
WORKFLOW = os.path.join(ROOT, "queries", "nycflights.q")
OUT_DIR = os.path.join(ROOT, "tests", "reference", "nycflights")

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
    # numpy 2 scalars repr as np.float64(...), so go through Python's float.
    if isinstance(value, float) or (hasattr(value, "dtype") and value.dtype.kind == "f"):
        return f"{float(value)!r}\n"
    return f"{int(value)}\n"


def named_column_csv(index_header, value_header, pairs):
    frame = pd.DataFrame(list(pairs), columns=[index_header, value_header])
    return frame_csv(frame)


def partition(ddf, sizes, number):
    start = sum(sizes[:number])
    return ddf.iloc[start : start + sizes[number]]


def nyc_dest_means(ddf):
    numcols = ddf.select_dtypes(include="number").columns
    return ddf[ddf["Dest"].isin(["JFK", "EWR", "LGA"])].groupby("Dest")[numcols].mean()


# (task name, mode, ddq statements exactly as written in queries/nycflights.q, pandas answer)
TASKS = [
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


def workflow_statements():
    """The statements of queries/nycflights.q after its read_csv line, one per line."""
    with open(WORKFLOW, encoding="utf-8") as f:
        lines = [line.strip() for line in f]
    code = [line for line in lines if line and not line.startswith("#")]
    read_at = next(i for i, line in enumerate(code) if "read_csv(" in line)
    return code[read_at + 1 :]


def check_tasks_match_workflow():
    """Refuse to write answers for statements the workflow does not run, or to miss one it does."""
    in_workflow = workflow_statements()
    in_tasks = [stmt for _, _, stmts, _ in TASKS for stmt in stmts]
    unknown = [s for s in in_tasks if s not in in_workflow]
    uncovered = [s for s in in_workflow if s not in in_tasks]
    if unknown or uncovered:
        sys.exit(
            "tasks and queries/nycflights.q disagree:\n"
            + "".join(f"  not in the workflow: {s}\n" for s in unknown)
            + "".join(f"  no task for: {s}\n" for s in uncovered)
        )


def write(name, text):
    with open(os.path.join(OUT_DIR, name), "w", encoding="utf-8", newline="") as f:
        f.write(text)


def main():
    check_tasks_match_workflow()
    flights, sizes = read_flights()
    os.makedirs(OUT_DIR, exist_ok=True)
    for old in glob.glob(os.path.join(OUT_DIR, "*")):
        os.remove(old)
    rows = []
    for name, mode, statements, answer in TASKS:
        write(f"{name}.csv", answer(flights, sizes))
        rows.append(f"{name}\t{mode}\t{'; '.join(statements)}\n")
    # A sampled answer cannot be compared row for row; the test checks that each row ddq
    # samples is one of these (the distinct rows of the frame being sampled).
    population = flights[["CRSElapsedTime", "TailNum"]].drop_duplicates()
    write("sample.population.csv", frame_csv(population))
    write("tasks.tsv", "".join(rows))
    print(f"wrote {len(TASKS)} answers for {len(flights)} rows to {OUT_DIR}", file=sys.stderr)


if __name__ == "__main__":
    main()
