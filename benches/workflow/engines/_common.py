"""What every Python engine script of the workflow benchmark shares.

Each engine script runs the Section D task list of queries/nycflights.q in its own process and
hands its `Workflow` one callable per task. `Workflow.run` times the task, makes sure its result
is fully computed and held in memory (it counts the rows of whatever came back), and keeps the
small answers the runner compares across engines. At exit the script writes both as JSON:

    python3 engines/pandas_workflow.py --data DIR --report FILE

The task names here are the runner's names; keep them in step with runner.py's TASK_ORDER.
"""

import argparse
import glob
import json
import math
import os
import sys
import time

# Dask's default block size for read_csv on this kind of machine (64 MiB): the partitions that
# `ddf.partitions[i]` means, for the engines that have no partitions of their own.
DASK_BLOCKSIZE = 64 * 1024 * 1024

# The destinations of task 9h.
NYC_AIRPORTS = ["JFK", "EWR", "LGA"]

# The tasks whose answers are small enough to compare across engines, and how to turn each
# engine's result into rows. A frame-valued task is compared by its row count only.
CHECKED_BY_VALUE = {
    "len",
    "count",
    "value_counts",
    "max_depdelay",
    "monday_len",
    "noncancelled_per_origin",
    "noncancelled_ratio",
    "mean_delay_origin_weekday",
    "nyc_dest_means",
    "yearly_max",
    "min_arrdelay_dest",
}
CHECKED_BY_ROWS = {"loc_lt_mean", "cancelled_rows", "partition_1", "tail", "iloc_cols"}


def parse_args(engine):
    parser = argparse.ArgumentParser(description=f"Section D workflow in {engine}")
    parser.add_argument("--data", required=True, help="directory holding 1990.csv ... 1999.csv")
    parser.add_argument("--report", required=True, help="JSON file for timings and answers")
    return parser.parse_args()


def csv_files(data_dir):
    files = sorted(glob.glob(os.path.join(data_dir, "*.csv")))
    if not files:
        sys.exit(f"no CSV files in {data_dir}")
    return files


class Workflow:
    """Times each task, materialises its result, and keeps what the runner checks."""

    def __init__(self, engine, rows_of, materialise):
        # rows_of(result) -> list of row tuples (for the checked answers);
        # materialise(result) -> the number of rows (forces the whole result into memory).
        self.engine = engine
        self.rows_of = rows_of
        self.materialise = materialise
        self.tasks = []
        self.answers = {}

    def run(self, name, compute):
        started = time.perf_counter()
        result = compute()
        rows = self.materialise(result)
        seconds = time.perf_counter() - started
        self.tasks.append({"task": name, "seconds": seconds, "rows": rows})
        if name in CHECKED_BY_VALUE:
            self.answers[name] = normalise_rows(self.rows_of(result))
        elif name in CHECKED_BY_ROWS:
            self.answers[name] = [[float(rows)]]
        print(f"{self.engine:>7} {name:<28} {seconds:8.3f} s  rows={rows}", file=sys.stderr)
        return result

    def write(self, path):
        with open(path, "w") as out:
            json.dump({"engine": self.engine, "tasks": self.tasks, "answers": self.answers}, out)


def normalise_rows(rows):
    """Rows with every cell a float or a string, so answers from any engine compare."""
    return [[normalise_cell(cell) for cell in row] for row in rows]


def normalise_cell(cell):
    if cell is None:
        return None
    if isinstance(cell, bool):
        return float(cell)
    if isinstance(cell, (int, float)):
        value = float(cell)
        return None if math.isnan(value) else value
    if hasattr(cell, "item"):  # numpy scalars
        return normalise_cell(cell.item())
    text = str(cell)
    if text.lower() in ("true", "false"):
        return 1.0 if text.lower() == "true" else 0.0
    try:
        return float(text)
    except ValueError:
        return text


def series_rows(series):
    """A pandas Series (or one-row answer) as (index..., value) rows."""
    rows = []
    for key, value in series.items():
        keys = list(key) if isinstance(key, tuple) else [key]
        rows.append(keys + [value])
    return rows


def frame_rows(frame):
    """A pandas DataFrame as (index..., columns...) rows."""
    return [list(row) for row in frame.reset_index().itertuples(index=False, name=None)]


def partition_range(files, index, blocksize=DASK_BLOCKSIZE):
    """Which rows make Dask's partition `index` of read_csv(files): (file, first row, row count).

    Dask cuts each file into `blocksize` byte blocks and moves every cut to just after the next
    newline (fsspec's read_block), so a partition is the whole lines between two moved cuts.
    """
    seen = 0
    for path in files:
        size = os.path.getsize(path)
        blocks = max(1, math.ceil(size / blocksize))
        if index >= seen + blocks:
            seen += blocks
            continue
        block = index - seen
        with open(path, "rb") as f:
            start = after_next_newline(f, block * blocksize)
            end = after_next_newline(f, min(size, (block + 1) * blocksize))
            lines_before = count_newlines(f, 0, start)
            lines_inside = count_newlines(f, start, end)
        header_inside = 1 if start == 0 else 0
        first_row = max(0, lines_before - 1)
        return path, first_row, lines_inside - header_inside
    raise IndexError(f"there are only {seen} partitions")


def partition_rows(files, index, blocksize=DASK_BLOCKSIZE):
    """Which rows of all `files` read as one frame (in file order) make Dask's partition
    `index`: (first row, row count), for the engines that hold the whole frame."""
    path, first_row, nrows = partition_range(files, index, blocksize)
    rows_before_file = sum(len_of_file(f) for f in files[: files.index(path)])
    return rows_before_file + first_row, nrows


def len_of_file(path):
    """Rows of a CSV file with a header and no quoted newlines."""
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b"")) - 1


def after_next_newline(f, offset):
    if offset == 0:
        return 0
    f.seek(offset)
    while True:
        chunk = f.read(1 << 16)
        if not chunk:
            return f.tell()
        at = chunk.find(b"\n")
        if at >= 0:
            return offset + at + 1
        offset += len(chunk)


def count_newlines(f, start, end):
    f.seek(start)
    remaining = end - start
    count = 0
    while remaining > 0:
        chunk = f.read(min(remaining, 1 << 24))
        if not chunk:
            break
        count += chunk.count(b"\n")
        remaining -= len(chunk)
    return count
