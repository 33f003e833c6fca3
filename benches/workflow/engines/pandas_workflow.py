"""The Section D workflow (queries/nycflights.q) in plain pandas, eagerly, in one process.

pandas reads one file at a time, so the read is a concat of the ten years. The Date column is
built with pd.to_datetime from the three date columns, which is what pandas 2.x's deprecation
of `parse_dates={"Date": [0, 1, 2]}` recommends (and is faster than it). pandas has no
partitions: `npartitions` is 1, `repartition` is a no-op, and `partitions[1]` is the rows that
Dask's second partition holds.
"""

import pandas as pd

from _common import (
    NYC_AIRPORTS,
    Workflow,
    csv_files,
    frame_rows,
    parse_args,
    partition_rows,
    series_rows,
)

DTYPE = {"CRSElapsedTime": "float64", "TailNum": "object", "Cancelled": "bool"}


def read_flights(files):
    frames = [pd.read_csv(path, dtype=DTYPE) for path in files]
    df = pd.concat(frames, ignore_index=True)
    date_parts = df[["Year", "Month", "DayofMonth"]].set_axis(["year", "month", "day"], axis=1)
    date = pd.to_datetime(date_parts)
    df = df.drop(columns=["Year", "Month", "DayofMonth"])
    df.insert(0, "Date", date)
    return df


def rows_of(result):
    if isinstance(result, pd.DataFrame):
        return frame_rows(result)
    if isinstance(result, pd.Series):
        return series_rows(result)
    return [[result]]


def materialise(result):
    if isinstance(result, (pd.DataFrame, pd.Series, pd.Index, list)):
        return len(result)
    return 1


def main():
    args = parse_args("pandas")
    files = csv_files(args.data)
    wf = Workflow("pandas", rows_of, materialise)

    df = wf.run("read", lambda: read_flights(files))
    wf.run("columns", lambda: df.columns)
    wf.run("dtypes", lambda: df.dtypes)
    wf.run("npartitions", lambda: 1)
    wf.run("len", lambda: len(df))
    wf.run("tail", lambda: df.tail(10))
    wf.run("sample", lambda: df[["CRSElapsedTime", "TailNum"]].sample(frac=0.001, random_state=42))
    wf.run("series_tailnum", lambda: df["TailNum"])
    wf.run("loc_lt_mean", lambda: df.loc[df["ArrTime"] < df["ArrTime"].mean()])
    wf.run("iloc_cols", lambda: df.iloc[:, [1, 3]])
    wf.run("repartition", lambda: 5)
    wf.run("partition_1", lambda: one_partition(df, files, 1))
    wf.run("count", lambda: df.count())
    wf.run("value_counts", lambda: df.Cancelled.value_counts())
    wf.run("max_depdelay", lambda: df.DepDelay.max())
    wf.run("cancelled_rows", lambda: df[df.Cancelled])
    wf.run("monday_len", lambda: len(df[df.DayOfWeek == 1]))
    wf.run(
        "noncancelled_per_origin",
        lambda: df[~df.Cancelled].groupby("Origin").Origin.count(),
    )
    wf.run(
        "noncancelled_ratio",
        lambda: df[~df.Cancelled].groupby("Origin").Origin.count()
        / df.groupby("Origin").Origin.count(),
    )
    wf.run(
        "mean_delay_origin_weekday",
        lambda: df.groupby(["Origin", "DayOfWeek"]).DepDelay.mean(),
    )
    wf.run("nyc_dest_means", lambda: nyc_dest_means(df))
    wf.run(
        "yearly_max",
        lambda: df.groupby(df.Date.dt.year)[["ActualElapsedTime", "Distance"]].max(),
    )
    wf.run("min_arrdelay_dest", lambda: df.groupby("Dest")["ArrDelay"].min())
    wf.write(args.report)


def one_partition(df, files, index):
    start, nrows = partition_rows(files, index)
    return df.iloc[start : start + nrows]


def nyc_dest_means(df):
    numcols = df.select_dtypes(include="number").columns
    return df[df["Dest"].isin(NYC_AIRPORTS)].groupby("Dest")[numcols].mean()


if __name__ == "__main__":
    main()
