"""The Section D workflow (queries/nycflights.q) in DuckDB: SQL over a view of read_csv.

The view is read_csv over the ten files with the Date column made from the three date
columns, so every query reads the CSV files again (as Dask and Polars' lazy API do). DuckDB
samples the first file for types, where TailNum, AirTime, TaxiIn and TaxiOut are empty, so
those get explicit types, as do the exercise's dtype= columns. The read sniffs the files once
and the view then names every column's type with auto_detect off: left to itself, read_csv
sniffs every file again in every query, which costs about 0.1 s per file per query whatever
the data size (on the sample data, 1 s of a 15 ms count). duckdb_table_workflow.py runs the
same queries over a table the files are loaded into once. Each result is fetched whole as an
Arrow table. DuckDB has no partitions: `npartitions` is 1 and `partitions[1]` is the rows that
Dask's second partition holds, read from their file with LIMIT/OFFSET (DuckDB keeps file order).
"""

import duckdb

from _common import NYC_AIRPORTS, Workflow, csv_files, parse_args, partition_range

TYPES = {
    "CRSElapsedTime": "DOUBLE",
    "TailNum": "VARCHAR",
    "Cancelled": "BOOLEAN",
    "AirTime": "DOUBLE",
    "TaxiIn": "DOUBLE",
    "TaxiOut": "DOUBLE",
}
NUMERIC_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE"}


def sniff_columns(con, files):
    """Each column's type, sniffed once, with the types the first file cannot tell given."""
    file_list = ", ".join(sql_string(f) for f in files)
    types = sql_struct(TYPES)
    sql = f"DESCRIBE SELECT * FROM read_csv([{file_list}], header = true, types = {types})"
    return {row[0]: row[1] for row in con.sql(sql).fetchall()}


def flights_sql(files, columns):
    """A SELECT that reads `files` the way the exercise's read_csv does."""
    file_list = ", ".join(sql_string(f) for f in files)
    return (
        "SELECT make_date(Year, Month, DayofMonth) AS Date, * EXCLUDE (Year, Month, DayofMonth) "
        f"FROM read_csv([{file_list}], header = true, auto_detect = false, "
        f"columns = {sql_struct(columns)})"
    )


def sql_struct(mapping):
    return "{" + ", ".join(f"{sql_string(k)}: {sql_string(v)}" for k, v in mapping.items()) + "}"


def sql_string(text):
    return "'" + text.replace("'", "''") + "'"


def rows_of(result):
    if hasattr(result, "to_pylist"):
        return [list(row.values()) for row in result.to_pylist()]
    return [[result]]


def materialise(result):
    if hasattr(result, "num_rows"):
        return result.num_rows
    if isinstance(result, list):
        return len(result)
    return 1


def main():
    args = parse_args("duckdb")
    files = csv_files(args.data)
    con = duckdb.connect()
    wf = Workflow("duckdb", rows_of, materialise)

    def read():
        columns = sniff_columns(con, files)
        con.sql(f"CREATE VIEW flights AS {flights_sql(files, columns)}")
        return columns, con.sql("SELECT * FROM flights")

    columns, flights = wf.run("read", read)
    run_tasks(
        wf,
        con,
        flights,
        last_rows=lambda n: tail(con, [files[-1]], columns, n),
        partition=lambda index: one_partition(con, files, columns, index),
    )
    wf.write(args.report)


def run_tasks(wf, con, flights, last_rows, partition):
    """Every task after `read`, each SQL over `flights` (a view or a table; `flights` is its
    relation) fetched whole; `last_rows(n)` and `partition(i)` give Dask's tail and partition i,
    which depend on what `flights` is."""

    def table(sql):
        return con.sql(sql).fetch_arrow_table()

    def scalar(sql):
        return con.sql(sql).fetchone()[0]

    wf.run("columns", lambda: flights.columns)
    wf.run("dtypes", lambda: flights.dtypes)
    wf.run("npartitions", lambda: 1)
    wf.run("len", lambda: scalar("SELECT count(*) FROM flights"))
    wf.run("tail", lambda: last_rows(10))
    wf.run(
        "sample",
        lambda: table(
            "SELECT CRSElapsedTime, TailNum FROM flights "
            "USING SAMPLE 0.1 PERCENT (bernoulli, 42)"
        ),
    )
    wf.run("series_tailnum", lambda: table("SELECT TailNum FROM flights"))
    wf.run(
        "loc_lt_mean",
        lambda: table("SELECT * FROM flights WHERE ArrTime < (SELECT avg(ArrTime) FROM flights)"),
    )
    second, fourth = flights.columns[1], flights.columns[3]
    wf.run("iloc_cols", lambda: table(f'SELECT "{second}", "{fourth}" FROM flights'))
    wf.run("repartition", lambda: 5)
    wf.run("partition_1", lambda: partition(1))
    wf.run(
        "count",
        lambda: table(
            "UNPIVOT (SELECT count(COLUMNS(*)) FROM flights) ON COLUMNS(*) "
            "INTO NAME column_name VALUE count"
        ),
    )
    wf.run(
        "value_counts",
        lambda: table(
            "SELECT Cancelled, count(*) AS count FROM flights "
            "GROUP BY Cancelled ORDER BY count DESC"
        ),
    )
    wf.run("max_depdelay", lambda: scalar("SELECT max(DepDelay) FROM flights"))
    wf.run("cancelled_rows", lambda: table("SELECT * FROM flights WHERE Cancelled"))
    wf.run("monday_len", lambda: scalar("SELECT count(*) FROM flights WHERE DayOfWeek = 1"))
    wf.run(
        "noncancelled_per_origin",
        lambda: table(
            "SELECT Origin, count(Origin) AS Origin_count FROM flights WHERE NOT Cancelled "
            "GROUP BY Origin ORDER BY Origin"
        ),
    )
    wf.run(
        "noncancelled_ratio",
        lambda: table(
            "SELECT Origin, count(Origin) FILTER (WHERE NOT Cancelled) / count(Origin) AS ratio "
            "FROM flights GROUP BY Origin ORDER BY Origin"
        ),
    )
    wf.run(
        "mean_delay_origin_weekday",
        lambda: table(
            "SELECT Origin, DayOfWeek, avg(DepDelay) AS DepDelay FROM flights "
            "GROUP BY Origin, DayOfWeek ORDER BY Origin, DayOfWeek"
        ),
    )
    numcols = [c for c, t in zip(flights.columns, flights.dtypes) if str(t) in NUMERIC_TYPES]
    means = ", ".join(f'avg("{c}") AS "{c}"' for c in numcols)
    airports = ", ".join(sql_string(a) for a in NYC_AIRPORTS)
    wf.run(
        "nyc_dest_means",
        lambda: table(
            f"SELECT Dest, {means} FROM flights WHERE Dest IN ({airports}) "
            "GROUP BY Dest ORDER BY Dest"
        ),
    )
    wf.run(
        "yearly_max",
        lambda: table(
            "SELECT year(Date) AS Date, max(ActualElapsedTime) AS ActualElapsedTime, "
            "max(Distance) AS Distance FROM flights GROUP BY 1 ORDER BY 1"
        ),
    )
    wf.run(
        "min_arrdelay_dest",
        lambda: table(
            "SELECT Dest, min(ArrDelay) AS ArrDelay FROM flights GROUP BY Dest ORDER BY Dest"
        ),
    )


def tail(con, last_file, columns, n):
    """Dask's tail: the last rows of the last partition (here: of the last file)."""
    last = flights_sql(last_file, columns)
    rows = con.sql(f"SELECT count(*) FROM ({last})").fetchone()[0]
    offset = max(0, rows - n)
    return con.sql(f"{last} LIMIT {n} OFFSET {offset}").fetch_arrow_table()


def one_partition(con, files, columns, index):
    path, first_row, nrows = partition_range(files, index)
    sql = f"{flights_sql([path], columns)} LIMIT {nrows} OFFSET {first_row}"
    return con.sql(sql).fetch_arrow_table()


if __name__ == "__main__":
    main()
