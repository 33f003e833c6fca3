"""Runs the Section D workflow in ddq, pandas, Dask, Polars and DuckDB and compares them.

run.sh prepares the data, the virtual environment and the ddq binary, then calls this with the
venv's Python. Each engine runs in a process of its own, one after another, on the same files;
for each the runner measures the wall time from start to exit and the peak resident memory of
the process and its children (wait4's ru_maxrss, and the summed RSS of the process tree polled
from /proc, whichever is larger). A guard kills an engine whose tree outgrows the memory the
machine can give (and says so) rather than letting the kernel's OOM killer pick a victim.

ddq runs a copy of queries/nycflights.q with the data path replaced and every statement wrapped
in `%time`, stdout on /dev/null; the per-statement times come from its stderr. `ddq` prints each
result as its REPL does (pandas' display: every row computed and counted, the first and last five
shown), `ddq-csv` writes each whole as CSV text (`--format csv`).
Each ddq run gets an empty cache directory, so no run profits from an earlier one, except
`ddq-warm`, whose cache directory one unmeasured run of the same script has filled first.
The Python engines (engines/*_workflow.py) write their per-task times and small answers as
JSON; `polars-once` and `duckdb-table` run the tasks of `polars` and `duckdb` over the files
read once into memory (an eager read_csv) or into a table, rather than over the CSV files.
At 1x the answers of every engine are compared with pandas' and each mismatch is a warning
line; the benchmark never fails on them.
"""

import argparse
import csv
import datetime
import importlib.metadata
import io
import json
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ENGINES = [
    "ddq", "ddq-warm", "ddq-csv", "ddq-processes",
    "pandas", "dask", "polars", "polars-once", "duckdb", "duckdb-table",
]  # fmt: skip
# ddq as its users see results (the REPL's display), the same on a scan cache already filled
# (what every session after the first over the same files gets), ddq writing every result whole
# as CSV, and ddq on a local Ballista cluster of 2 single-threaded worker processes (as many
# threads as the 2-core machine has), to measure what the processes scheduler costs over threads.
# (ddq's default output is the display on a terminal and CSV otherwise, so it is named.)
DDQ_ENGINE_FLAGS = {
    "ddq": ["--format", "table"],
    "ddq-warm": ["--format", "table"],
    "ddq-csv": ["--format", "csv"],
    "ddq-processes": ["--format", "table", "--scheduler", "processes", "--workers", "2",
                      "--threads-per-worker", "1"],
}
# The ddq engines whose measured run finds the scan cache that an unmeasured run of the same
# command has just filled.
DDQ_WARM_ENGINES = {"ddq-warm"}
PYTHON_ENGINES = ["pandas", "dask", "polars", "polars-once", "duckdb", "duckdb-table"]
# The ddq variants, and what the report's line on each says it is, against plain `ddq`. They run
# at 1x only: they measure what an output format or a scheduler costs, not another engine.
DDQ_VARIANT_TITLES = {
    "ddq-csv": "ddq writing every result whole as CSV (`--format csv`) against its display",
    "ddq-processes": "ddq on a local cluster (`--scheduler processes --workers 2 "
                     "--threads-per-worker 1`) against ddq on threads",
}
# What the report's line on ddq-warm says it is, against plain (cold) `ddq`; it runs at every
# scale, since it is what a second session over the same files gets.
DDQ_WARM_TITLE = "ddq on a scan cache filled by an earlier run (`ddq-warm`) against a fresh one"

# Each statement of queries/nycflights.q, and the task it is part of in the engines' scripts
# (engines/_common.py names them). A task made of two statements (binding a name, then using
# it) is their summed time. A statement not listed here is timed and shown by its own text.
STATEMENT_TASKS = [
    ("import dask.dataframe as dd", "import"),
    ("ddf = dd.read_csv(", "read"),
    ("ddf = read_csv(", "read"),
    ("ddf.columns", "columns"),
    ("ddf.dtypes", "dtypes"),
    ("ddf.npartitions", "npartitions"),
    ("len(ddf)", "len"),
    ("ddf.tail(10)", "tail"),
    ('ddf[["CRSElapsedTime", "TailNum"]].sample(', "sample"),
    ('ddf["TailNum"].compute()', "series_tailnum"),
    ('ddf.loc[ddf["ArrTime"] < ddf["ArrTime"].mean()]', "loc_lt_mean"),
    ("ddf.iloc[:, [1, 3]]", "iloc_cols"),
    ("ddf.repartition(npartitions=5)", "repartition"),
    ("ddf.partitions[1]", "partition_1"),
    ("ddf.count()", "count"),
    ("ddf.Cancelled.value_counts()", "value_counts"),
    ("ddf.DepDelay.max()", "max_depdelay"),
    ("ddf[ddf.Cancelled]", "cancelled_rows"),
    ("len(ddf[ddf.DayOfWeek == 1])", "monday_len"),
    ('ddf[~ddf.Cancelled].groupby("Origin").Origin.count().compute()', "noncancelled_per_origin"),
    ('(ddf[~ddf.Cancelled].groupby("Origin").Origin.count() /', "noncancelled_ratio"),
    ('ddf.groupby(["Origin", "DayOfWeek"]).DepDelay.mean()', "mean_delay_origin_weekday"),
    ("numcols = ddf.select_dtypes(", "nyc_dest_means"),
    ('ddf[ddf["Dest"].isin(["JFK", "EWR", "LGA"])]', "nyc_dest_means"),
    ("ddf.groupby(ddf.Date.dt.year)", "yearly_max"),
    ('x = ddf.groupby("Dest")["ArrDelay"].min()', "min_arrdelay_dest"),
    ('x.compute(scheduler="threads")', "min_arrdelay_dest"),
]

# The order of the per-task table: every task the Python engines run.
TASK_ORDER = [
    "read", "columns", "dtypes", "npartitions", "len", "tail", "sample", "series_tailnum",
    "loc_lt_mean", "iloc_cols", "repartition", "partition_1", "count", "value_counts",
    "max_depdelay", "cancelled_rows", "monday_len", "noncancelled_per_origin",
    "noncancelled_ratio", "mean_delay_origin_weekday", "nyc_dest_means", "yearly_max",
    "min_arrdelay_dest",
]  # fmt: skip

# What ddq runs (untimed, at 1x) to get the answers compared with pandas': the tasks whose
# values are compared, and `len(...)` of the tasks compared by their row count.
DDQ_CHECKS = [
    ("len", ["len(ddf)"]),
    ("count", ["ddf.count().compute()"]),
    ("value_counts", ["ddf.Cancelled.value_counts().compute()"]),
    ("max_depdelay", ["ddf.DepDelay.max().compute()"]),
    ("monday_len", ["len(ddf[ddf.DayOfWeek == 1])"]),
    ("noncancelled_per_origin", ['ddf[~ddf.Cancelled].groupby("Origin").Origin.count()']),
    (
        "noncancelled_ratio",
        [
            '(ddf[~ddf.Cancelled].groupby("Origin").Origin.count()'
            ' / ddf.groupby("Origin").Origin.count())'
        ],
    ),
    ("mean_delay_origin_weekday", ['ddf.groupby(["Origin", "DayOfWeek"]).DepDelay.mean()']),
    (
        "nyc_dest_means",
        [
            'numcols = ddf.select_dtypes(include="number").columns',
            'ddf[ddf["Dest"].isin(["JFK", "EWR", "LGA"])].groupby("Dest")[numcols].mean()',
        ],
    ),
    ("yearly_max", ['ddf.groupby(ddf.Date.dt.year)[["ActualElapsedTime", "Distance"]].max()']),
    ("min_arrdelay_dest", ['ddf.groupby("Dest")["ArrDelay"].min()']),
    ("loc_lt_mean", ['len(ddf.loc[ddf["ArrTime"] < ddf["ArrTime"].mean()])']),
    ("cancelled_rows", ["len(ddf[ddf.Cancelled])"]),
    ("partition_1", ["len(ddf.partitions[1])"]),
    ("tail", ["len(ddf.tail(10))"]),
    ("iloc_cols", ["len(ddf.iloc[:, [1, 3]])"]),
]

MB = 1024 * 1024
GB = 1024 * MB


def main():
    args = parse_args()
    scales = [1] if args.quick else [1, 10]
    engines = [e for e in ENGINES if e in args.engines.split(",")]
    limit_supported = ddq_has_memory_limit(args.ddq)
    guard = memory_guard_bytes(args.max_memory_gb)
    os.makedirs(args.work, exist_ok=True)

    print(f"machine: {os.cpu_count()} cores, {cpu_model()}, memory guard {guard / GB:.1f} GB")
    results = []
    notes = []
    for scale in scales:
        data = args.data_1x if scale == 1 else args.data_10x
        warm_page_cache(data)
        for result in run_scale(engines, scale, data, args, limit_supported, guard, results, notes):
            results.append(result)
            print_result_line(result)

    warnings = None  # None: not compared (no 1x run with pandas)
    if 1 in scales and "pandas" in engines:
        warnings = check_answers(results, args)
    publish(render_report(results, notes, warnings, args, limit_supported), args.results)


def publish(report, path):
    """Prints a report and writes it to its results file."""
    print()
    print(report)
    with open(path, "w") as out:
        out.write(report)
    print(f"written to {path}")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ddq", required=True, help="the ddq binary")
    parser.add_argument("--repo", required=True, help="the ddq repository (for queries/)")
    parser.add_argument("--data-1x", required=True)
    parser.add_argument("--data-10x", required=True)
    parser.add_argument("--work", required=True, help="where scripts, logs and reports go")
    parser.add_argument("--results", required=True, help="the Markdown file to write")
    parser.add_argument("--command", default="benches/workflow/run.sh", help="for results.md")
    parser.add_argument("--quick", action="store_true", help="1x only")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--memory-limit", default="256MB", help="ddq's --memory-limit at 10x")
    parser.add_argument("--max-memory-gb", type=float, default=20.0)
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per engine run")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per engine and scale; the median is shown"
    )
    return parser.parse_args()


# ---------------------------------------------------------------------------------------------
# Running one engine


def run_scale(engines, scale, data, args, limit_supported, guard, results, notes):
    """Runs every engine at one scale `args.repeat` times, in rounds of one run per engine, so
    that a slow spell of the machine falls on the engines of a round alike rather than on all
    runs of one engine. Each engine keeps its run of median wall time (its per-task times and
    answers), the largest peak RSS of all runs and every run's wall time."""
    engine_results = []
    commands = []
    for engine in engines:
        result, command, outputs = prepare_engine(engine, scale, data, args, limit_supported,
                                                  guard, results, notes)
        engine_results.append(result)
        commands.append((command, outputs))
    runs = [[] for _ in engines]
    for attempt in range(args.repeat):
        for i, engine in enumerate(engines):
            result = engine_results[i]
            if result["status"] != "ok":
                continue
            command, outputs = commands[i]
            log = os.path.join(args.work, f"{engine}-{scale}x-run{attempt + 1}.stderr")
            run = run_once(engine, scale, command, log, outputs, guard, args)
            runs[i].append(run)
            if run["status"] != "ok":
                result.update(run)
    for result, engine_runs in zip(engine_results, runs):
        if result["status"] != "ok":
            continue
        by_wall = sorted(engine_runs, key=lambda r: r["wall"])
        result.update(by_wall[(len(by_wall) - 1) // 2])
        result["rss"] = max(r["rss"] for r in engine_runs)
        result["walls"] = [r["wall"] for r in engine_runs]
    return engine_results


def prepare_engine(engine, scale, data, args, limit_supported, guard, results, notes):
    """An engine's result to fill (its status `skipped` when it does not run at this scale),
    its command line, and what its runs are read against: ddq's statements or the report file
    a Python engine writes."""
    result = {"engine": engine, "scale": scale, "status": "ok", "tasks": {}, "answers": {}}
    if engine in DDQ_VARIANT_TITLES and scale != 1:
        result["status"] = "skipped"
        note = (f"{', '.join(DDQ_VARIANT_TITLES)} run at 1x only: they measure what CSV output and the "
                "processes scheduler cost, not another engine.")
        if note not in notes:
            notes.append(note)
        return result, None, None
    if engine in DDQ_ENGINE_FLAGS:
        command, statements = ddq_command(engine, scale, data, args, limit_supported, result, notes)
        return result, command, statements
    skip = pandas_skip_reason(engine, scale, results, guard)
    if skip:
        result["status"] = "skipped"
        notes.append(skip)
        return result, None, None
    outputs = os.path.join(args.work, f"{engine}-{scale}x.json")
    engine_script = os.path.join(HERE, "engines", f"{engine.replace('-', '_')}_workflow.py")
    command = [sys.executable, engine_script, "--data", data, "--report", outputs]
    return result, command, outputs


def ddq_command(engine, scale, data, args, limit_supported, result, notes):
    """ddq's command line and the statements of the script it runs."""
    script = os.path.join(args.work, f"nycflights-{scale}x.q")
    statements = write_ddq_script(args.repo, data, script)
    command = [args.ddq] + DDQ_ENGINE_FLAGS[engine]
    if scale == 10:
        if limit_supported:
            command += ["--memory-limit", args.memory_limit]
            result["memory_limit"] = args.memory_limit
        else:
            notes.append(
                f"ddq --help does not list --memory-limit: the 10x run was NOT capped "
                f"at {args.memory_limit}."
            )
    return command + ["run", script], statements


def run_once(engine, scale, command, log, outputs, guard, args):
    """One measured run; `outputs` is ddq's statements or a Python engine's report file."""
    cache = os.path.join(args.work, f"ddq-cache-{scale}x")
    is_ddq = engine in DDQ_ENGINE_FLAGS
    env = fresh_ddq_cache(cache) if is_ddq else None
    if engine in DDQ_WARM_ENGINES:
        # Through `measure` for its memory guard and timeout; its figures are not kept.
        warmup_log = log.removesuffix(".stderr") + "-warmup.stderr"
        run = measure(command, warmup_log, guard, args.timeout, env)
        if run["status"] != "ok":
            run["status"] = f"warm-up run {run['status']}"
            print(f"  {engine} {scale}x {run['status']}; last lines of {warmup_log}:")
            print(indent(tail_of(warmup_log, 8)))
            shutil.rmtree(cache, ignore_errors=True)
            return run
    run = measure(command, log, guard, args.timeout, env)
    if is_ddq:
        run["cache_bytes"] = directory_size(cache)
        shutil.rmtree(cache, ignore_errors=True)
    if run["status"] != "ok":
        print(f"  {engine} {scale}x {run['status']}; last lines of {log}:")
        print(indent(tail_of(log, 8)))
        return run
    if is_ddq:
        run["tasks"] = ddq_task_times(log, outputs)
    else:
        with open(outputs) as f:
            report = json.load(f)
        run["tasks"] = task_times(report["tasks"])
        run["answers"] = report["answers"]
    if args.repeat > 1:
        print(f"  {engine} {scale}x run: {run['wall']:.2f} s, {run['rss'] / MB:.0f} MB")
    return run


def pandas_skip_reason(engine, scale, results, guard):
    """pandas holds the whole frame; at 10x it runs only if ten times its 1x peak fits."""
    if engine != "pandas" or scale == 1:
        return None
    small = [r for r in results if r["engine"] == "pandas" and r["scale"] == 1 and "rss" in r]
    if not small:
        return None
    estimate = small[0]["rss"] * 10
    if estimate <= guard:
        return None
    return (
        f"pandas skipped at 10x: it would need about {estimate / GB:.1f} GB "
        f"(ten times its 1x peak) and the guard is {guard / GB:.1f} GB."
    )


def fresh_ddq_cache(cache):
    """An environment whose cache directory is new and empty, so that ddq cannot reuse
    columnar copies of the CSVs that an earlier run left behind: within a run ddq may cache
    what it likes, across runs it starts from the CSVs like everyone else."""
    shutil.rmtree(cache, ignore_errors=True)
    os.makedirs(cache)
    # DDQ_CACHE_DIR, which ddq reads before XDG_CACHE_HOME, so that one set by the caller does
    # not share a cache across runs; XDG_CACHE_HOME names the same directory for builds that
    # predate DDQ_CACHE_DIR.
    scans = os.path.join(cache, "ddq", "scans")
    return dict(os.environ, XDG_CACHE_HOME=cache, DDQ_CACHE_DIR=scans)


def measure(command, log, guard, timeout, env=None):
    """Wall time, peak RSS and exit status of `command` and everything it starts."""
    # Dirty pages left by whatever ran before (a build, the previous engine's files, ddq's
    # cache) are written back by kernel threads that take a core from the measured run.
    os.sync()
    started = time.perf_counter()
    with open(log, "w") as err:
        child = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True, env=env
        )
        poller = TreeMemoryPoller(child.pid, guard)
        poller.start()
        timer = threading.Timer(timeout, kill_group, [child.pid])
        timer.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        timer.cancel()
        poller.stop()
    child.returncode = os.waitstatus_to_exitcode(status)
    rss = max(usage.ru_maxrss * 1024, poller.peak)
    outcome = {"wall": wall, "rss": rss, "status": "ok"}
    if poller.killed:
        outcome["status"] = f"killed by the memory guard above {guard / GB:.1f} GB"
    elif wall >= timeout:
        outcome["status"] = f"killed after the {timeout:.0f} s timeout"
    elif child.returncode != 0:
        outcome["status"] = f"failed (exit {child.returncode})"
    return outcome


class TreeMemoryPoller:
    """Polls the summed RSS of a process and its descendants; kills them above `guard`."""

    INTERVAL = 0.1

    def __init__(self, pid, guard):
        self.pid = pid
        self.guard = guard
        self.peak = 0
        self.killed = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()

    def _run(self):
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.wait(self.INTERVAL):
            total = sum(rss_pages(pid) for pid in descendants(self.pid)) * page
            self.peak = max(self.peak, total)
            if total > self.guard and not self.killed:
                self.killed = True
                kill_group(self.pid)


def descendants(pid):
    """pid and its descendants, from /proc/PID/task/*/children."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for tid in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{tid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return found


def rss_pages(pid):
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def warm_page_cache(directory):
    """Reads the CSVs once, so that no engine pays for the disk and every one reads them from
    the page cache (the machine has the memory for 10x)."""
    for name in sorted(os.listdir(directory)):
        if name.endswith(".csv"):
            with open(os.path.join(directory, name), "rb") as f:
                while f.read(1 << 24):
                    pass


def memory_guard_bytes(max_gb):
    available = meminfo("MemAvailable")
    limit = max_gb * GB
    if available:
        limit = min(limit, 0.9 * available)
    return limit


def meminfo(field):
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def ddq_has_memory_limit(ddq):
    try:
        text = subprocess.run([ddq, "--help"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return False
    return "--memory-limit" in text


# ---------------------------------------------------------------------------------------------
# ddq's script and its timings


def nycflights_statements(repo):
    """The statements of queries/nycflights.q, one string each (comments and blanks dropped;
    a statement whose brackets are still open continues on the next line)."""
    with open(os.path.join(repo, "queries", "nycflights.q")) as f:
        lines = f.read().splitlines()
    statements, pending, depth = [], [], 0
    for line in lines:
        code = strip_comment(line).strip()
        if not code and not pending:
            continue
        pending.append(code)
        depth += bracket_balance(code)
        if depth <= 0:
            statements.append(" ".join(pending))
            pending, depth = [], 0
    if pending:
        statements.append(" ".join(pending))
    return statements


def strip_comment(line):
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def bracket_balance(code):
    balance, quote = 0, None
    for ch in code:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            balance += 1
        elif ch in ")]}":
            balance -= 1
    return balance


def with_data_path(statement, data):
    pattern = os.path.join(data, "*.csv")
    return re.sub(r'read_csv\(\s*"[^"]*"', lambda _: f'read_csv("{pattern}"', statement)


def write_ddq_script(repo, data, path):
    """Writes the `%time`-wrapped copy of queries/nycflights.q; returns its statements."""
    statements = [with_data_path(s, data) for s in nycflights_statements(repo)]
    with open(path, "w") as out:
        out.write("# Generated by benches/workflow/runner.py from queries/nycflights.q.\n")
        for statement in statements:
            out.write(f"%time {statement}\n")
    return statements


def task_of_statement(statement):
    for prefix, task in STATEMENT_TASKS:
        if statement.startswith(prefix):
            return task
    return statement


WALL_TIME = re.compile(r"^Wall time: ([0-9.]+) (s|ms|µs|us)$")
UNIT_SECONDS = {"s": 1.0, "ms": 1e-3, "µs": 1e-6, "us": 1e-6}


def ddq_task_times(log, statements):
    """Per-task seconds from the `Wall time:` lines ddq prints for each `%time` statement."""
    walls = []
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            match = WALL_TIME.match(line.strip())
            if match:
                walls.append(float(match.group(1)) * UNIT_SECONDS[match.group(2)])
    tasks = {}
    for statement, wall in zip(statements, walls):
        task = task_of_statement(statement)
        tasks[task] = tasks.get(task, 0.0) + wall
    return tasks


def task_times(entries):
    tasks = {}
    for entry in entries:
        tasks[entry["task"]] = tasks.get(entry["task"], 0.0) + entry["seconds"]
    return tasks


# ---------------------------------------------------------------------------------------------
# Answers


def check_answers(results, args):
    """Warnings for every 1x answer that differs from pandas'."""
    at_1x = {r["engine"]: r for r in results if r["scale"] == 1 and r["status"] == "ok"}
    reference = at_1x.get("pandas", {}).get("answers")
    if not reference:
        return ["warning: pandas did not finish at 1x; answers not compared"]
    for engine, flags in DDQ_ENGINE_FLAGS.items():
        if engine in at_1x:
            at_1x[engine]["answers"] = ddq_answers(args, flags, engine in DDQ_WARM_ENGINES)
    warnings = []
    for engine, result in at_1x.items():
        if engine == "pandas":
            continue
        for task, expected in sorted(reference.items()):
            got = result["answers"].get(task)
            if got is None:
                warnings.append(f"warning: {engine} gave no answer for {task}")
                continue
            difference = compare_rows(expected, got)
            if difference:
                warnings.append(f"warning: {engine} {task} differs from pandas: {difference}")
    checked = len(reference)
    print(f"answers: {checked} tasks compared with pandas; {len(warnings)} mismatches")
    for warning in warnings:
        print(warning)
    return warnings


def without_format(flags):
    """ddq's flags without `--format X` (the answers are read as CSV)."""
    kept, skip = [], False
    for flag in flags:
        if skip:
            skip = False
        elif flag == "--format":
            skip = True
        else:
            kept.append(flag)
    return kept


def ddq_answers(args, flags, warm=False):
    """Runs the checked tasks in ddq (untimed) and parses its CSV output into rows; `warm`:
    the answers of a second run, which reads what the first left in the scan cache."""
    flags = without_format(flags)
    read = with_data_path(nycflights_statements(args.repo)[1], args.data_1x)
    lines = [read]
    for task, statements in DDQ_CHECKS:
        lines.append(f'"@@{task}"')
        lines.extend(statements)
    script = os.path.join(args.work, "checks-1x.q")
    cache = os.path.join(args.work, "ddq-cache-checks")
    with open(script, "w") as out:
        out.write("\n".join(lines) + "\n")
    env = fresh_ddq_cache(cache)
    for _ in range(2 if warm else 1):
        done = subprocess.run(
            [args.ddq, "--format", "csv", "--quiet", *flags, "run", script],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
    shutil.rmtree(cache, ignore_errors=True)
    if done.returncode != 0:
        print(f"warning: ddq's check run failed: {done.stderr.strip()[-500:]}")
    return parse_marked_sections(done.stdout)


def parse_marked_sections(text):
    """`'@@task'` lines, each followed by one printed result (CSV, or a bare scalar)."""
    sections, current = {}, None
    for line in text.splitlines():
        marker = re.fullmatch(r"'@@(\w+)'", line.strip())
        if marker:
            current = marker.group(1)
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    answers = {}
    for task, lines in sections.items():
        rows = list(csv.reader(io.StringIO("\n".join(lines))))
        body = rows if len(rows) == 1 else rows[1:]
        answers[task] = [[normalise_cell(cell) for cell in row] for row in body]
    return answers


def normalise_cell(cell):
    if cell == "":
        return None
    if cell.lower() in ("true", "false"):
        return 1.0 if cell.lower() == "true" else 0.0
    try:
        value = float(cell)
    except ValueError:
        return cell
    return None if math.isnan(value) else value


def compare_rows(expected, got):
    """None when the answers agree (any row order; floats to 1e-6 relative), else why not."""
    if len(expected) != len(got):
        return f"{len(got)} rows, pandas has {len(expected)}"
    for want, have in zip(sorted(expected, key=row_key), sorted(got, key=row_key)):
        if len(want) != len(have):
            return f"row {have} has {len(have)} values, pandas' {want} has {len(want)}"
        for a, b in zip(want, have):
            if not cells_agree(a, b):
                return f"{have} vs pandas {want}"
    return None


def row_key(row):
    return [(0, c) if isinstance(c, float) else (1, str(c)) for c in row]


def cells_agree(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)
    return a == b


# ---------------------------------------------------------------------------------------------
# Reporting


def print_result_line(result):
    if result["status"] == "skipped":
        print(f"{result['engine']:>13} {result['scale']:>3}x  skipped")
        return
    wall, rss = result.get("wall", 0.0), result.get("rss", 0) / MB
    print(f"{result['engine']:>13} {result['scale']:>3}x  {wall:8.2f} s  {rss:8.0f} MB  "
          f"{result['status']}")  # fmt: skip


def render_report(results, notes, warnings, args, limit_supported):
    out = []
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out.append("# ddq workflow benchmark: Section D of the Dask exercise\n")
    out.append(f"- date: {now}")
    out.append(f"- machine: {os.cpu_count()} cores (`nproc`), {cpu_model()}, "
               f"{(meminfo('MemTotal') or 0) / GB:.0f} GB memory, {platform.platform()}")  # fmt: skip
    out.append(f"- command: `{args.command}`")
    out.append(f"- versions: ddq {ddq_version(args.ddq)}, {python_versions()}")
    out.append(f"- data: `data/generate.py` at 1x ({data_size(args.data_1x) / MB:.0f} MB of CSV)"
               + ("" if args.quick else
                  f" and 10x ({data_size(args.data_10x) / MB:.0f} MB)"))  # fmt: skip
    if not args.quick:
        capped = f"`--memory-limit {args.memory_limit}`" if limit_supported else "no memory cap"
        out.append(f"- ddq at 10x: {capped}")
    out.append("")
    out.append(
        "Each engine runs the 17 tasks of queries/nycflights.q (23 statements) in its own "
        "process, one after another, on the same files (read from the page cache). Every "
        "result is computed whole: `ddq` prints each as its REPL does (every row computed and "
        "counted, the first and last five shown, as pandas displays a frame), `ddq-csv` writes "
        "each whole as CSV text, both to /dev/null; pandas, Dask, Polars (lazy, one `collect()` "
        "per task) and DuckDB (SQL over `read_csv`, Arrow results) hold each in memory. "
        "`polars-once` reads the files once into memory (eager `read_csv`, its `read` task) and "
        "runs Polars' tasks lazily over that frame; `duckdb-table` loads them once into a table "
        "(`CREATE TABLE ... AS SELECT ... FROM read_csv`) and runs DuckDB's SQL over it. `ddq` "
        "starts from an empty scan cache (cold); `ddq-warm` is the same run on the cache that "
        "one unmeasured run of the same script filled just before. Wall time is the whole "
        "process, start-up and imports included; peak RSS is that of the process tree.\n"
    )
    if args.repeat > 1:
        out.append(
            f"Each engine ran {args.repeat} times per scale, in rounds of one run per engine: "
            "wall times are the median run's (its per-task times below), peak RSS the largest "
            "of the runs.\n"
        )
    out.append(summary_table(results))
    variants = variant_lines(results)
    if variants:
        out.append(variants)
    scan = ddq_scan_line(results, args)
    if scan:
        out.append(scan)
    for note in notes:
        out.append(f"- {note}")
    if warnings:
        out.append("\nAnswers that differ from pandas at 1x:\n")
        out.extend(f"- {w}" for w in warnings)
    elif warnings is not None:
        out.append("- At 1x every engine's answers agree with pandas' on the checked tasks.")
    out.append("")
    for scale in sorted({r["scale"] for r in results}):
        out.append(task_table(results, scale))
    return "\n".join(out) + "\n"


def summary_table(results):
    """One row per engine and scale, with ddq's wall time and peak RSS over the engine's, and
    ddq-warm's wall time over the engine's (when ddq-warm ran)."""
    warm = any(r["engine"] == "ddq-warm" and r["status"] == "ok" for r in results)
    header = ["engine", "scale", "wall s", "peak RSS MB", "ddq/engine wall", "ddq/engine RSS"]
    header += ["ddq-warm/engine wall"] if warm else []
    header += ["status"]
    rows = [table_row(header), table_row(["---", "---"] + ["---:"] * (len(header) - 3) + ["---"])]
    for result in results:
        scale = result["scale"]
        cells = [result["engine"], f"{scale}x"]
        if result["status"] == "skipped":
            rows.append(table_row(cells + [""] * (len(header) - 3) + ["skipped"]))
            continue
        wall, rss = result["wall"], result["rss"]
        ok = result["status"] == "ok"
        ddq = finished(results, "ddq", scale)
        ddq_warm = finished(results, "ddq-warm", scale)
        cells += [f"{wall:.2f}", f"{rss / MB:.0f}"]
        cells += [f"{ddq['wall'] / wall:.2f}" if ddq and ok else ""]
        cells += [f"{ddq['rss'] / rss:.2f}" if ddq and ok else ""]
        if warm:
            cells += [f"{ddq_warm['wall'] / wall:.2f}" if ddq_warm and ok else ""]
        status = result["status"]
        if result.get("memory_limit"):
            status += f" (--memory-limit {result['memory_limit']})"
        rows.append(table_row(cells + [status]))
    return "\n".join(rows) + "\n"


def table_row(cells):
    return "| " + " | ".join(cells) + " |"


def finished(results, engine, scale):
    """The result of `engine` at `scale` when it ran to the end, else None."""
    return next(
        (r for r in results
         if r["engine"] == engine and r["scale"] == scale and r["status"] == "ok"),
        None,
    )  # fmt: skip




def variant_lines(results):
    """What each ddq variant costs over plain ddq: its wall time over ddq's, per scale."""
    lines = []
    for variant, title in {**DDQ_VARIANT_TITLES, "ddq-warm": DDQ_WARM_TITLE}.items():
        parts = []
        for scale in sorted({r["scale"] for r in results}):
            walls = {
                r["engine"]: r["wall"]
                for r in results
                if r["scale"] == scale and r["status"] == "ok" and r["engine"] in DDQ_ENGINE_FLAGS
            }
            if "ddq" in walls and variant in walls:
                parts.append(
                    f"{scale}x: {walls[variant]:.2f} s vs {walls['ddq']:.2f} s, "
                    f"{walls[variant] / walls['ddq']:.2f}x" + round_ratios(results, scale, variant)
                )
        if parts:
            lines.append(f"- {title}, same run: " + "; ".join(parts))
    return "\n".join(lines)


def round_ratios(results, scale, variant):
    """A variant's wall time over ddq's in each round of runs (see `run_scale`), and their
    median: the two ran one after the other, so a slow spell of the machine touches both."""
    rounds = {
        r["engine"]: r.get("walls", [])
        for r in results
        if r["scale"] == scale and r["engine"] in ("ddq", variant) and r["status"] == "ok"
    }
    pairs = list(zip(rounds.get("ddq", []), rounds.get(variant, [])))
    if len(pairs) < 2:
        return ""
    ratios = sorted(v / d for d, v in pairs)
    listed = ", ".join(f"{v / d:.2f}x" for d, v in pairs)
    return f" (round by round: {listed}; median {ratios[(len(ratios) - 1) // 2]:.2f}x)"


def ddq_scan_line(results, args):
    lines = []
    for result in results:
        if result["engine"] != "ddq" or "len" not in result.get("tasks", {}):
            continue
        data = args.data_1x if result["scale"] == 1 else args.data_10x
        size, seconds = data_size(data), result["tasks"]["len"]
        lines.append(
            f"- ddq's first full scan of the CSVs (`len(ddf)`) at {result['scale']}x: "
            f"{seconds:.2f} s for {size / MB:.0f} MB, {size / MB / seconds:.0f} MB/s "
            f"(type inference at `read_csv`: {result['tasks'].get('read', 0.0):.2f} s); "
            f"its cache directory held {result.get('cache_bytes', 0) / MB:.0f} MB at exit"
        )
    return "\n".join(lines)


def task_table(results, scale):
    done = [r for r in results if r["scale"] == scale and r["status"] == "ok"]
    if not done:
        return ""
    header = "| task (seconds) | " + " | ".join(r["engine"] for r in done) + " |"
    rows = [f"### Per task at {scale}x\n", header, "|---" + "| ---: " * len(done) + "|"]
    extra = [t for r in done for t in r["tasks"] if t not in TASK_ORDER]
    for task in TASK_ORDER + sorted(set(extra)):
        cells = [fmt_seconds(r["tasks"].get(task)) for r in done]
        if any(cells):
            rows.append(f"| {task} | " + " | ".join(cells) + " |")
    rows.append("| **whole process** | " + " | ".join(f"**{r['wall']:.2f}**" for r in done) + " |")
    return "\n".join(rows) + "\n"


def fmt_seconds(value):
    if value is None:
        return ""
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def data_size(directory):
    return sum(
        os.path.getsize(os.path.join(directory, name))
        for name in os.listdir(directory)
        if name.endswith(".csv")
    )


def directory_size(directory):
    total = 0
    for root, _, names in os.walk(directory):
        total += sum(os.path.getsize(os.path.join(root, name)) for name in names)
    return total


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def ddq_version(ddq):
    done = subprocess.run([ddq, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip().removeprefix("ddq ") or "?"


def python_versions():
    names = ["pandas", "dask", "polars", "duckdb", "pyarrow"]
    found = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return f"Python {platform.python_version()}, " + ", ".join(found)


def tail_of(path, count):
    with open(path, encoding="utf-8", errors="replace") as f:
        return "".join(f.readlines()[-count:])


def indent(text):
    return "".join(f"    {line}\n" for line in text.splitlines())


if __name__ == "__main__":
    main()
