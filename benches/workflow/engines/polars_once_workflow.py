"""The Section D workflow (queries/nycflights.q) in Polars, the files read once into memory.

This is how a Polars user who asks seventeen questions of the same files would work: one eager
`pl.read_csv` of the ten files (with the types and the Date and Cancelled columns of
polars_workflow.py), reported as the `read` task, then every task the same lazy query as in
polars_workflow.py, over `df.lazy()` instead of `scan_csv`, with one `collect()` per task, so no
task parses the CSV files again. `partitions[1]` is the slice of the frame that Dask's second
partition holds.
"""

import os

import polars as pl

from _common import Workflow, csv_files, parse_args, partition_rows
from polars_workflow import SCHEMA_OVERRIDES, materialise, rows_of, run_tasks, with_date


def read_flights(data_dir):
    # read_csv takes a glob (not a list); Polars reads the files it matches in sorted order,
    # the order of csv_files and of Dask's partitions.
    df = pl.read_csv(os.path.join(data_dir, "*.csv"), schema_overrides=SCHEMA_OVERRIDES)
    return with_date(df)


def main():
    args = parse_args("polars-once")
    files = csv_files(args.data)
    wf = Workflow("polars-once", rows_of, materialise)
    df = wf.run("read", lambda: read_flights(args.data))
    run_tasks(wf, df.lazy(), lambda index: one_partition(df, files, index))
    wf.write(args.report)


def one_partition(df, files, index):
    start, nrows = partition_rows(files, index)
    return df.slice(start, nrows)


if __name__ == "__main__":
    main()
