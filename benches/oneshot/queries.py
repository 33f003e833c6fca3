"""The one-shot queries in Polars, DuckDB and pandas: one query per process, its answer to a file.

oneshot.py runs this once per engine and query, as a whole process, and times it:

    python3 queries.py --engine polars --query groupby_mean --data DIR --out FILE

Each engine does what its users would write to answer the question from the CSV files and
write the answer as CSV (a bare number for `len`), the way ddq's
`ddq --output FILE -c '...'` does: Polars' lazy `scan_csv` (a streaming `sink_csv` for the
filter), DuckDB's `read_csv` in SQL with `COPY ... TO`, and pandas' `read_csv` of each file
with `usecols`, concatenated. Only the engine that runs is imported. The queries are the same
as ddq's in oneshot.py (QUERIES); keep them in step.
"""

import argparse
import glob
import os
import sys

# The columns the filter writes, in this order, in every engine.
FILTER_COLUMNS = ["Origin", "Dest", "DepDelay", "ArrDelay"]
# The filter: departures more than this many minutes late.
MIN_DELAY = 60


def polars(query, pattern, files, out):
    import polars as pl

    lf = pl.scan_csv(pattern)
    if query == "groupby_mean":
        result = lf.group_by("Origin").agg(pl.col("DepDelay").mean()).sort("Origin").collect()
        result.write_csv(out)
    elif query == "filter_csv":
        lf.filter(pl.col("DepDelay") > MIN_DELAY).select(FILTER_COLUMNS).sink_csv(out)
    elif query == "len":
        write_number(out, lf.select(pl.len()).collect().item())


def duckdb(query, pattern, files, out):
    import duckdb

    source = f"read_csv({sql_string(pattern)})"
    select = {
        "groupby_mean": f"SELECT Origin, avg(DepDelay) AS DepDelay FROM {source} "
        "GROUP BY Origin ORDER BY Origin",
        "filter_csv": f"SELECT {', '.join(FILTER_COLUMNS)} FROM {source} "
        f"WHERE DepDelay > {MIN_DELAY}",
        "len": f"SELECT count(*) FROM {source}",
    }[query]
    header = "false" if query == "len" else "true"
    duckdb.sql(f"COPY ({select}) TO {sql_string(out)} (FORMAT csv, HEADER {header})")


def pandas(query, pattern, files, out):
    import pandas as pd

    # pandas reads one file at a time: the frame is their concatenation, as in the workflow.
    def read(columns):
        return pd.concat([pd.read_csv(f, usecols=columns) for f in files], ignore_index=True)

    if query == "groupby_mean":
        read(["Origin", "DepDelay"]).groupby("Origin").DepDelay.mean().to_csv(out)
    elif query == "filter_csv":
        df = read(FILTER_COLUMNS)
        df[df.DepDelay > MIN_DELAY][FILTER_COLUMNS].to_csv(out, index=False)
    elif query == "len":
        # The narrowest read that still counts every row: one column.
        write_number(out, len(read(["Year"])))


ENGINES = {"polars": polars, "duckdb": duckdb, "pandas": pandas}
QUERY_NAMES = ["groupby_mean", "filter_csv", "len"]


def write_number(path, value):
    with open(path, "w") as out:
        out.write(f"{value}\n")


def sql_string(text):
    return "'" + text.replace("'", "''") + "'"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", required=True, choices=sorted(ENGINES))
    parser.add_argument("--query", required=True, choices=QUERY_NAMES)
    parser.add_argument("--data", required=True, help="directory holding 1990.csv ... 1999.csv")
    parser.add_argument("--out", required=True, help="the CSV file the answer goes to")
    args = parser.parse_args()
    pattern = os.path.join(args.data, "*.csv")
    files = sorted(glob.glob(pattern))
    if not files:
        sys.exit(f"no CSV files in {args.data}")
    ENGINES[args.engine](args.query, pattern, files, args.out)


if __name__ == "__main__":
    main()
