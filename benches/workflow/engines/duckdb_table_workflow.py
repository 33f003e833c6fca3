"""The Section D workflow (queries/nycflights.q) in DuckDB, the files loaded once into a table.

This is how a DuckDB user who asks seventeen questions of the same files would work: one
`CREATE TABLE flights AS SELECT ... FROM read_csv(...)` (the same read, types and Date column
as duckdb_workflow.py's view), reported as the `read` task, then every task the same SQL as in
duckdb_workflow.py, over the table instead of the view, so no query parses the CSV files again.
The table keeps the files' row order (DuckDB preserves insertion order by default, and a new
table's rowid counts its rows in that order), so `tail` is the table's last rows and
`partitions[1]` the rows Dask's second partition holds, both picked by rowid: a range of rowids
is found without scanning the rows before it, as LIMIT/OFFSET does.
"""

import duckdb

from _common import Workflow, csv_files, parse_args, partition_rows
from duckdb_workflow import flights_sql, materialise, rows_of, run_tasks, sniff_columns


def main():
    args = parse_args("duckdb-table")
    files = csv_files(args.data)
    con = duckdb.connect()
    wf = Workflow("duckdb-table", rows_of, materialise)

    def read():
        columns = sniff_columns(con, files)
        con.sql(f"CREATE TABLE flights AS {flights_sql(files, columns)}")
        return con.sql("SELECT * FROM flights")

    flights = wf.run("read", read)
    run_tasks(
        wf,
        con,
        flights,
        last_rows=lambda n: rows_of_table(con, max(0, row_count(con) - n), n),
        partition=lambda index: rows_of_table(con, *partition_rows(files, index)),
    )
    wf.write(args.report)


def row_count(con):
    return con.sql("SELECT count(*) FROM flights").fetchone()[0]


def rows_of_table(con, start, nrows):
    sql = (f"SELECT * FROM flights WHERE rowid >= {start} AND rowid < {start + nrows} "
           "ORDER BY rowid")
    return con.sql(sql).fetch_arrow_table()


if __name__ == "__main__":
    main()
