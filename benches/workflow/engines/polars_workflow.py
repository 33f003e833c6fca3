"""The Section D workflow (queries/nycflights.q) in Polars' lazy API, one `collect()` per task.

The frame is a `scan_csv` over the ten files; every task builds its query from it and collects
it, so (as in Dask) every task reads the CSV files again; polars_once_workflow.py runs the same
tasks over the files read once into memory. Polars infers types from the first file, where
TailNum, AirTime, TaxiIn and TaxiOut are empty, so those get explicit types, as does
CRSElapsedTime (the exercise's dtype=); Cancelled is read as 0/1 and cast to a boolean.
Polars has no partitions: `npartitions` is 1 and `partitions[1]` is the rows that Dask's second
partition holds, scanned from their file with a slice.
"""

import polars as pl
import polars.selectors as cs

from _common import NYC_AIRPORTS, Workflow, csv_files, parse_args, partition_range

SCHEMA_OVERRIDES = {
    "CRSElapsedTime": pl.Float64,
    "TailNum": pl.String,
    "AirTime": pl.Float64,
    "TaxiIn": pl.Float64,
    "TaxiOut": pl.Float64,
}


def scan_flights(source):
    return with_date(pl.scan_csv(source, schema_overrides=SCHEMA_OVERRIDES))


def with_date(frame):
    """The exercise's Date (from the three date columns) first, and Cancelled as a boolean; for
    a LazyFrame or an eager DataFrame alike."""
    date = pl.date(pl.col("Year"), pl.col("Month"), pl.col("DayofMonth")).alias("Date")
    rest = pl.exclude("Year", "Month", "DayofMonth")
    return frame.select(date, rest).with_columns(pl.col("Cancelled").cast(pl.Boolean))


def rows_of(result):
    if isinstance(result, pl.DataFrame):
        return result.rows()
    if isinstance(result, pl.Series):
        return [[value] for value in result.to_list()]
    return [[result]]


def materialise(result):
    if isinstance(result, (pl.DataFrame,)):
        return result.height
    if isinstance(result, (pl.Series, list)):
        return len(result)
    return 1


def main():
    args = parse_args("polars")
    files = csv_files(args.data)
    wf = Workflow("polars", rows_of, materialise)

    def read():
        lf = scan_flights(files)
        lf.collect_schema()
        return lf

    lf = wf.run("read", read)
    run_tasks(wf, lf, lambda index: one_partition(files, index))
    wf.write(args.report)


def run_tasks(wf, lf, partition):
    """Every task after `read`, each a lazy query over `lf` with one `collect()`; `partition(i)`
    gives the rows of Dask's partition i, which depends on where `lf` comes from."""
    cancelled = pl.col("Cancelled")
    wf.run("columns", lambda: lf.collect_schema().names())
    wf.run("dtypes", lambda: list(lf.collect_schema().dtypes()))
    wf.run("npartitions", lambda: 1)
    wf.run("len", lambda: lf.select(pl.len()).collect().item())
    wf.run("tail", lambda: lf.tail(10).collect())
    wf.run(
        "sample",
        lambda: lf.select("CRSElapsedTime", "TailNum").collect().sample(fraction=0.001, seed=42),
    )
    wf.run("series_tailnum", lambda: lf.select("TailNum").collect().to_series())
    wf.run(
        "loc_lt_mean",
        lambda: lf.filter(pl.col("ArrTime") < pl.col("ArrTime").mean()).collect(),
    )
    wf.run("iloc_cols", lambda: lf.select(pl.nth(1, 3)).collect())
    wf.run("repartition", lambda: 5)
    wf.run("partition_1", lambda: partition(1))
    wf.run("count", lambda: lf.select(pl.all().count()).collect().unpivot())
    wf.run(
        "value_counts",
        lambda: lf.group_by("Cancelled").len().sort("len", descending=True).collect(),
    )
    wf.run("max_depdelay", lambda: lf.select(pl.col("DepDelay").max()).collect().item())
    wf.run("cancelled_rows", lambda: lf.filter(cancelled).collect())
    wf.run(
        "monday_len",
        lambda: lf.filter(pl.col("DayOfWeek") == 1).select(pl.len()).collect().item(),
    )
    wf.run(
        "noncancelled_per_origin",
        lambda: lf.filter(~cancelled)
        .group_by("Origin")
        .agg(pl.col("Origin").count().alias("count"))
        .sort("Origin")
        .collect(),
    )
    wf.run(
        "noncancelled_ratio",
        lambda: lf.group_by("Origin")
        .agg(((~cancelled).sum() / pl.col("Origin").count()).alias("ratio"))
        .sort("Origin")
        .collect(),
    )
    wf.run(
        "mean_delay_origin_weekday",
        lambda: lf.group_by("Origin", "DayOfWeek")
        .agg(pl.col("DepDelay").mean())
        .sort("Origin", "DayOfWeek")
        .collect(),
    )
    wf.run(
        "nyc_dest_means",
        lambda: lf.filter(pl.col("Dest").is_in(NYC_AIRPORTS))
        .group_by("Dest")
        .agg(cs.numeric().mean())
        .sort("Dest")
        .collect(),
    )
    wf.run(
        "yearly_max",
        lambda: lf.group_by(pl.col("Date").dt.year())
        .agg(pl.col("ActualElapsedTime", "Distance").max())
        .sort("Date")
        .collect(),
    )
    wf.run(
        "min_arrdelay_dest",
        lambda: lf.group_by("Dest").agg(pl.col("ArrDelay").min()).sort("Dest").collect(),
    )


def one_partition(files, index):
    path, first_row, nrows = partition_range(files, index)
    return scan_flights(path).slice(first_row, nrows).collect()


if __name__ == "__main__":
    main()
