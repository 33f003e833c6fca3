#!/usr/bin/env python3
"""The index benchmark: set_index, .loc by label, resample and rolling on a datetime index,
each as one whole ddq process under a memory cap, on data larger than that cap.

    python3 benches/index/run.py --ddq target/release/ddq --data ~/.cache/ddq-bench/nycflights-10x

(benches/workflow/run.sh makes the data: data/generate.py --scale 10 writes 1.9 GB of CSV.)
With --dask PYTHON (an interpreter with dask[dataframe] and pandas 2.2) the same statements run
in Dask too, as a Dask user would write them. Each statement runs twice per engine: cold (a
fresh scan cache for ddq) and warm (the cache the cold run filled). Reported: wall time of the
whole process and its peak RSS (wait4's ru_maxrss). Writes benches/index/results.md. A
benchmark, not a test: nothing here runs in CI.
"""

import argparse
import datetime
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

READ = (
    'ddf = read_csv("{data}/*.csv", parse_dates={{"Date": [0, 1, 2]}}, '
    'dtype={{"CRSElapsedTime": "float64", "TailNum": "object", "Cancelled": "bool"}})'
)

# (name, ddq statements after the read, the same in Dask)
TASKS = [
    ("divisions", 'd = ddf.set_index("Date"); d.divisions[-1]', 'd = ddf.set_index("Date"); print(d.divisions[-1])'),
    ("loc_one_month", 'd = ddf.set_index("Date"); len(d.loc["1995-05"])', 'd = ddf.set_index("Date"); print(len(d.loc["1995-05"]))'),
    ("resample_month_mean", 'ddf.set_index("Date").DepDelay.resample("M").mean()', 'print(ddf.set_index("Date").DepDelay.resample("ME").mean().compute())'),
    ("rolling_10_mean", 'ddf.set_index("Date").DepDelay.rolling(10).mean().tail()', 'print(ddf.set_index("Date").DepDelay.rolling(10).mean().tail())'),
    ("rolling_7d_sum", 'ddf.set_index("Date").DepDelay.rolling("7D").sum().tail()', 'print(ddf.set_index("Date").DepDelay.rolling("7D").sum().tail())'),
]

DASK_READ = (
    "import dask.dataframe as dd\n"
    'ddf = dd.read_csv("{data}/*.csv", parse_dates={{"Date": [0, 1, 2]}}, '
    'dtype={{"CRSElapsedTime": "float64", "TailNum": "object", "Cancelled": "bool"}}, assume_missing=True)\n'
)


def measure(command, env):
    """Runs a command to its end; wall seconds, peak RSS in MB, exit status, stderr's tail."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        err.seek(0)
        tail = err.read().decode(errors="replace").strip().splitlines()[-1:]
    code = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, code, (tail[0] if tail else "")


def run_ddq(args, name, statements, cache):
    program = READ.format(data=args.data) + "; " + statements
    command = [args.ddq, "--memory-limit", args.memory_limit, "-c", program]
    env = dict(os.environ, DDQ_CACHE_DIR=cache)
    return measure(command, env)


def run_dask(args, statements):
    program = DASK_READ.format(data=args.data) + statements.replace("; ", "\n") + "\n"
    return measure([args.dask, "-W", "ignore", "-c", program], dict(os.environ))


def row(engine, name, temperature, result):
    wall, rss, code, tail = result
    status = "ok" if code == 0 else f"exit {code}: {tail}"
    return f"| {name} | {engine} | {temperature} | {wall:.2f} | {rss:.0f} | {status} |"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ddq", required=True, help="the ddq binary (a release build)")
    parser.add_argument("--data", required=True, help="a folder of nycflights-shaped CSVs")
    parser.add_argument("--memory-limit", default="256MB", help="ddq's --memory-limit")
    parser.add_argument("--dask", help="a Python with dask[dataframe], to run Dask beside ddq")
    parser.add_argument("--results", default=os.path.join(HERE, "results.md"))
    args = parser.parse_args()
    args.data = os.path.abspath(os.path.expanduser(args.data))
    size = sum(os.path.getsize(os.path.join(args.data, f)) for f in os.listdir(args.data) if f.endswith(".csv"))
    rows = []
    for name, statements, dask_statements in TASKS:
        cache = tempfile.mkdtemp(prefix="ddq-index-bench-")
        try:
            rows.append(row("ddq", name, "cold", run_ddq(args, name, statements, cache)))
            rows.append(row("ddq", name, "warm", run_ddq(args, name, statements, cache)))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        if args.dask:
            rows.append(row("dask", name, "-", run_dask(args, dask_statements)))
        print(*rows[-3 if args.dask else -2:], sep="\n", flush=True)
    command = " ".join([os.path.relpath(sys.argv[0])] + sys.argv[1:])
    report = [
        "# ddq index benchmark: set_index, .loc, resample and rolling under a memory cap",
        "",
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores, {platform.platform()}",
        f"- command: `{command}`",
        f"- data: {args.data} ({size / 1e6:.0f} MB of CSV); ddq under `--memory-limit {args.memory_limit}`",
        "",
        "Each statement is one whole process after the workflow's read_csv. Cold: a fresh scan "
        "cache; warm: the cache the cold run filled. Peak RSS is wait4's ru_maxrss.",
        "",
        "| task | engine | cache | wall s | peak RSS MB | status |",
        "| --- | --- | --- | ---: | ---: | --- |",
        *rows,
        "",
    ]
    with open(args.results, "w") as out:
        out.write("\n".join(report))
    print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
