"""Runs the one-shot queries in ddq, Polars, DuckDB and pandas and compares them.

Each query is one statement over CSV files the engine has never seen, answered by a whole
process that writes the answer to a file, which is what a pipeline user pays
(`ddq --output out.csv -c '...'`, or `ddq -c '...' > out.csv`): a group-by mean, a filter
written out as CSV, and `len()`. run.sh prepares the data, the venv and the binary and calls
this with the venv's Python. Each engine runs in a process of its own, one after another, on
the same files (read once beforehand, so every engine finds them in the page cache); the
measuring (wall time, peak RSS of the process tree, the memory guard) is the workflow
benchmark's (../workflow/runner.py), imported. ddq gets a new, empty scan cache directory every
run, so every ddq run is cold, as every engine's is. `--repeat N` runs every engine N times in
rounds and shows each one's median run. The answers are compared across engines (group means
to 1e-9 relative, row counts and sums of the filter's output, the length exactly); a mismatch
is a warning line, never a failure.
"""

import argparse
import csv
import datetime
import math
import os
import platform
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "workflow"))
import runner as workflow  # noqa: E402  (the measuring helpers, shared, not copied)
from queries import FILTER_COLUMNS, MIN_DELAY, QUERY_NAMES  # noqa: E402

# ddq-nocache is ddq with `--no-cache`: the scan cache must not delay a first answer.
ENGINES = ["ddq", "ddq-nocache", "polars", "duckdb", "pandas"]
# The engine ddq's targets are set against; its ratio is also given round by round.
ANCHOR = "polars"
# The statements ddq runs; queries.py has the same queries in the other engines.
DDQ_QUERIES = {
    "groupby_mean": 'read_csv("{csv}").groupby("Origin").DepDelay.mean()',
    "filter_csv": 'ddf = read_csv("{csv}"); ddf[ddf.DepDelay > %d][[%s]]'
    % (MIN_DELAY, ", ".join(f'"{c}"' for c in FILTER_COLUMNS)),
    "len": 'len(read_csv("{csv}"))',
}
QUERY_TITLES = {
    "groupby_mean": "mean DepDelay per Origin",
    "filter_csv": f"rows with DepDelay > {MIN_DELAY}, {len(FILTER_COLUMNS)} columns, as CSV",
    "len": "row count",
}
# The engine whose answers the others are compared with, the first of these that answered.
REFERENCE_ORDER = ["pandas", "polars", "duckdb", "ddq"]

MB = workflow.MB
GB = workflow.GB


def main():
    args = parse_args()
    engines = [e for e in ENGINES if e in args.engines.split(",")]
    queries = [q for q in QUERY_NAMES if q in args.queries.split(",")]
    scales = [(1, args.data_1x)] + ([(10, args.data_10x)] if args.data_10x else [])
    guard = workflow.memory_guard_bytes(args.max_memory_gb)
    os.makedirs(args.work, exist_ok=True)

    print(f"machine: {os.cpu_count()} cores, {workflow.cpu_model()}, "
          f"memory guard {guard / GB:.1f} GB")  # fmt: skip
    results = []
    for scale, data in scales:
        workflow.warm_page_cache(data)
        results.extend(run_scale(engines, queries, scale, data, args, guard))
    warnings = check_answers(results)
    workflow.publish(render_report(results, warnings, scales, args), args.results)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ddq", required=True, help="the ddq binary")
    parser.add_argument("--data-1x", required=True)
    parser.add_argument("--data-10x", help="10x too (run.sh passes it when the data is there)")
    parser.add_argument("--work", required=True, help="where outputs and logs go")
    parser.add_argument("--results", required=True, help="the Markdown file to write")
    parser.add_argument("--command", default="benches/oneshot/run.sh", help="for results.md")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--queries", default=",".join(QUERY_NAMES))
    parser.add_argument("--max-memory-gb", type=float, default=20.0)
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per run")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per query, engine and scale; median shown"
    )
    return parser.parse_args()


# ---------------------------------------------------------------------------------------------
# Running


def run_scale(engines, queries, scale, data, args, guard):
    """Every query in every engine at one scale, `args.repeat` times, in rounds of one run of
    each (query, engine), so that a slow spell of the machine falls on the engines of a round
    alike. Each keeps its run of median wall time, the largest peak RSS and every run's wall."""
    cells = [(query, engine) for query in queries for engine in engines]
    runs = {cell: [] for cell in cells}
    for attempt in range(args.repeat):
        for query, engine in cells:
            if any(r["status"] != "ok" for r in runs[(query, engine)]):
                continue  # one failure is enough: it is reported, not retried
            run = run_once(engine, query, scale, data, attempt, args, guard)
            runs[(query, engine)].append(run)
            print_run(query, scale, engine, run)
    results = []
    for (query, engine), engine_runs in runs.items():
        failed = [r for r in engine_runs if r["status"] != "ok"]
        chosen = failed[0] if failed else median_run(engine_runs)
        result = dict(chosen, query=query, engine=engine, scale=scale)
        result["rss"] = max(r["rss"] for r in engine_runs)
        result["walls"] = [r["wall"] for r in engine_runs]
        results.append(result)
    return results


def median_run(runs):
    by_wall = sorted(runs, key=lambda r: r["wall"])
    return by_wall[(len(by_wall) - 1) // 2]


def run_once(engine, query, scale, data, attempt, args, guard):
    """One measured run: wall time, peak RSS, status, and the file the answer went to."""
    name = f"{query}-{scale}x-{engine}"
    out = os.path.join(args.work, f"{name}.csv")
    log = os.path.join(args.work, f"{name}-run{attempt + 1}.stderr")
    # An answer left by an earlier run must not pass for this one's.
    if os.path.exists(out):
        os.remove(out)
    if engine.startswith("ddq"):
        cache = os.path.join(args.work, "ddq-cache")
        env = workflow.fresh_ddq_cache(cache)
        command = ddq_command(args.ddq, query, data, out)
        if engine == "ddq-nocache":
            command.insert(1, "--no-cache")
        run = workflow.measure(command, log, guard, args.timeout, env)
        run["cache_bytes"] = workflow.directory_size(cache)
        shutil.rmtree(cache, ignore_errors=True)
    else:
        command = [sys.executable, os.path.join(HERE, "queries.py"), "--engine", engine,
                   "--query", query, "--data", data, "--out", out]  # fmt: skip
        run = workflow.measure(command, log, guard, args.timeout)
    if run["status"] == "ok" and not os.path.exists(out):
        run["status"] = "failed (wrote no answer)"
    if run["status"] != "ok":
        print(f"  {name} {run['status']}; last lines of {log}:")
        print(workflow.indent(workflow.tail_of(log, 8)))
    run["output"] = out
    return run


def ddq_command(ddq, query, data, out):
    """ddq answering one query into `out`: CSV, as `ddq -c '...' > out.csv` writes it, through
    `--output` (a temporary file renamed into place when complete). `--no-rc`: a start-up file
    of the machine's user must not change what is measured."""
    statement = DDQ_QUERIES[query].format(csv=os.path.join(data, "*.csv"))
    return [ddq, "--no-rc", "--format", "csv", "--output", out, "-c", statement]


def print_run(query, scale, engine, run):
    print(f"{query:>13} {scale:>3}x {engine:>11}  {run['wall']:8.2f} s  "
          f"{run['rss'] / MB:8.0f} MB  {run['status']}")  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Answers


def check_answers(results):
    """Warnings for every answer that differs from the reference engine's, per query and
    scale. The answers are those of each engine's last run."""
    warnings = []
    compared = 0
    for query, scale in dict.fromkeys((r["query"], r["scale"]) for r in results):
        answers = {}
        for result in results:
            if (result["query"], result["scale"]) != (query, scale) or result["status"] != "ok":
                continue
            try:
                answers[result["engine"]] = read_answer(query, result["output"])
            except (OSError, ValueError, IndexError) as e:
                warnings.append(f"{query} {scale}x: cannot read {result['engine']}'s answer: {e}")
        reference = next((e for e in REFERENCE_ORDER if e in answers), None)
        for engine, answer in answers.items():
            if engine == reference:
                continue
            compared += 1
            difference = compare(query, answers[reference], answer)
            if difference:
                warnings.append(f"{query} {scale}x: {engine} differs from {reference}: "
                                f"{difference}")  # fmt: skip
    print(f"answers: {compared} compared; {len(warnings)} mismatches")
    for warning in warnings:
        print(f"warning: {warning}")
    return warnings


def read_answer(query, path):
    """What is compared of one engine's output file."""
    with open(path, newline="") as f:
        rows = [row for row in csv.reader(f) if row]
    if query == "len":
        return {"len": int(float(rows[-1][-1]))}
    header, body = rows[0], rows[1:]
    if query == "groupby_mean":
        return {"header": header, "means": {row[0]: number(row[-1]) for row in body}}
    sums = {}
    for i, column in enumerate(header):
        try:
            sums[column] = math.fsum(number(row[i]) or 0.0 for row in body)
        except ValueError:
            continue  # a text column: only numeric columns are summed
    return {"header": header, "rows": len(body), "sums": sums}


def number(text):
    """A cell as a float; None when empty (a missing value, as every engine writes it)."""
    if text == "":
        return None
    value = float(text)
    return None if math.isnan(value) else value


def compare(query, expected, got):
    """None when two answers agree, else how they differ."""
    if query == "len":
        return None if expected == got else f"{got['len']} rows, reference {expected['len']}"
    if expected["header"] != got["header"]:
        return f"columns {got['header']}, reference {expected['header']}"
    if query == "groupby_mean":
        want, have = expected["means"], got["means"]
        if sorted(want) != sorted(have):
            return f"groups {sorted(have)}, reference {sorted(want)}"
        for key in sorted(want):
            if not agree(want[key], have[key]):
                return f"{key}: {have[key]!r}, reference {want[key]!r}"
        return None
    if expected["rows"] != got["rows"]:
        return f"{got['rows']} rows, reference {expected['rows']}"
    for column, total in expected["sums"].items():
        if not agree(total, got["sums"].get(column)):
            return f"sum of {column} {got['sums'].get(column)!r}, reference {total!r}"
    return None


def agree(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


# ---------------------------------------------------------------------------------------------
# Reporting


def render_report(results, warnings, scales, args):
    out = []
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out.append("# ddq one-shot benchmark: one statement on CSV files never seen before\n")
    out.append(f"- date: {now}")
    out.append(f"- machine: {os.cpu_count()} cores (`nproc`), {workflow.cpu_model()}, "
               f"{(workflow.meminfo('MemTotal') or 0) / GB:.0f} GB memory, "
               f"{platform.platform()}")  # fmt: skip
    out.append(f"- command: `{args.command}`")
    out.append(f"- versions: ddq {workflow.ddq_version(args.ddq)}, {workflow.python_versions()}")
    sizes = ", ".join(f"{scale}x ({workflow.data_size(data) / MB:.0f} MB of CSV)"
                      for scale, data in scales)  # fmt: skip
    out.append(f"- data: `data/generate.py` at {sizes}")
    out.append("")
    out.append(
        "Each query is answered by a whole process, start-up and imports included, on the same "
        "files (read from the page cache), with its answer written to a file as CSV: ddq with "
        "`--output FILE -c '...'` and a new, empty scan cache directory every run (cold; "
        "`ddq-nocache` the same with `--no-cache`), "
        "Polars with `scan_csv` (`sink_csv` for the filter), DuckDB with `read_csv` in SQL and "
        "`COPY ... TO`, pandas with `read_csv(usecols=...)` of each file, concatenated "
        "(`benches/oneshot/queries.py`). Peak RSS is that of the process tree.\n"
    )
    if args.repeat > 1:
        out.append(
            f"Each engine ran each query {args.repeat} times per scale, in rounds of one run of "
            "each: wall times are the median run's, peak RSS the largest of the runs.\n"
        )
    out.append(summary_table(results, args.repeat > 1))
    out.extend(anchor_lines(results))
    out.extend(cache_lines(results, scales))
    if warnings:
        out.append("\nAnswers that differ:\n")
        out.extend(f"- {w}" for w in warnings)
    elif any(r["status"] == "ok" for r in results):
        out.append("- Every engine's answers agree (group means to 1e-9 relative; the filter's "
                   "row count and column sums; the length exactly).")  # fmt: skip
    out.append("\nThe queries (ddq's statements; `DIR` is the data directory):\n")
    for query in dict.fromkeys(r["query"] for r in results):
        statement = DDQ_QUERIES[query].format(csv="DIR/*.csv")
        out.append(f"- `{query}`, {QUERY_TITLES[query]}: `{statement}`")
    return "\n".join(out) + "\n"


def summary_table(results, with_runs):
    header = ["query", "scale", "engine", "wall s", "peak RSS MB", "ddq/engine wall",
              "ddq/engine RSS", "status"] + (["runs (s)"] if with_runs else [])  # fmt: skip
    rows = [workflow.table_row(header),
            workflow.table_row(["---"] * 3 + ["---:"] * 4 + ["---"] * (len(header) - 7))]
    for result in results:
        ddq = finished(results, "ddq", result["query"], result["scale"])
        ok = result["status"] == "ok"
        cells = [result["query"], f"{result['scale']}x", result["engine"],
                 f"{result['wall']:.2f}", f"{result['rss'] / MB:.0f}",
                 f"{ddq['wall'] / result['wall']:.2f}" if ddq and ok else "",
                 f"{ddq['rss'] / result['rss']:.2f}" if ddq and ok else "",
                 result["status"]]  # fmt: skip
        if with_runs:
            cells.append(" ".join(f"{w:.2f}" for w in result["walls"]))
        rows.append(workflow.table_row(cells))
    return "\n".join(rows) + "\n"


def finished(results, engine, query, scale):
    return next(
        (r for r in results
         if (r["engine"], r["query"], r["scale"]) == (engine, query, scale)
         and r["status"] == "ok"),
        None,
    )  # fmt: skip


def anchor_lines(results):
    """ddq's wall time over the anchor's and over ddq's without the cache, round by round (they
    ran in the same round, a few seconds apart, so a slow spell of the machine touches both),
    and the median of those."""
    lines = []
    for query, scale in dict.fromkeys((r["query"], r["scale"]) for r in results):
        ddq = finished(results, "ddq", query, scale)
        for other in [ANCHOR, "ddq-nocache"]:
            anchor = finished(results, other, query, scale)
            if not ddq or not anchor or len(ddq["walls"]) < 2:
                continue
            ratios = [d / a for d, a in zip(ddq["walls"], anchor["walls"])]
            median = sorted(ratios)[(len(ratios) - 1) // 2]
            listed = ", ".join(f"{r:.2f}x" for r in ratios)
            lines.append(f"- ddq/{other}, {query} at {scale}x, round by round: {listed}; "
                         f"median {median:.2f}x")  # fmt: skip
    return lines


def cache_lines(results, scales):
    """How much scan cache each cold ddq run left, against the CSV it covers."""
    sizes = {scale: workflow.data_size(data) for scale, data in scales}
    parts = [
        f"{r['query']} {r['scale']}x {r['cache_bytes'] / MB:.0f} MB "
        f"({r['cache_bytes'] / sizes[r['scale']]:.2f}x the CSV)"
        for r in results
        if r["engine"] == "ddq" and r["status"] == "ok" and "cache_bytes" in r
    ]
    if not parts:
        return []
    return ["- ddq's scan cache directory at the end of its run: " + "; ".join(parts)]


if __name__ == "__main__":
    main()
