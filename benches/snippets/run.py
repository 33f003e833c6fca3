#!/usr/bin/env python3
"""Runs every snippet of snippets.py in pandas and in ddq and reports how many agree.

    ~/.cache/ddq-venv/bin/python benches/snippets/run.py [--ddq PATH] [--only ID ...]

Writes benches/snippets/results.md. Cells compare as tests/reference_answers.rs compares them:
numbers (when both sides parse as numbers) equal to 1e-9 relative, anything else by spelling,
empty cells only with empty cells; same header and rows in the same order. The exit status is
0 whatever the ratio: this script reports figures.
"""

import argparse
import collections
import csv
import datetime
import io
import math
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import snippets as corpus  # noqa: E402

ROOT = corpus.ROOT
RELATIVE_TOLERANCE = 1e-9
TIMEOUT_SECONDS = 180


def default_binary():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.environ.get("DDQ_BIN", os.path.join(target, "debug", "ddq"))


def parse_number(cell):
    """As Rust's str::parse::<f64>: Python's float() also takes spaces and underscores."""
    text = cell.strip()
    if text != cell or "_" in cell or not cell:
        return None
    try:
        return float(cell)
    except ValueError:
        return None


def numbers_agree(a, b):
    if a == b:
        return True
    if math.isnan(a) or math.isnan(b):
        return False
    scale = max(abs(a), abs(b))
    if a == 0.0 or b == 0.0:
        return abs(a - b) <= RELATIVE_TOLERANCE
    return abs(a - b) <= RELATIVE_TOLERANCE * scale


def cells_equal(expected, actual):
    if expected == "" or actual == "":
        return expected == "" and actual == ""
    a, b = parse_number(expected), parse_number(actual)
    if a is not None and b is not None:
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return numbers_agree(a, b)
    return expected == actual or timestamps_agree(expected, actual)


def timestamps_agree(expected, actual):
    """pandas takes a mean or quantile of datetimes in float64 (about 100 ns of noise), ddq
    exactly: the two agree within a microsecond."""
    def nanos(text):
        match = re.fullmatch(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.(\d{1,9}))?", text)
        if not match:
            return None
        whole = datetime.datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S")
        seconds = int(whole.replace(tzinfo=datetime.timezone.utc).timestamp())
        return seconds * 10**9 + int((match.group(2) or "").ljust(9, "0"))
    a, b = nanos(expected), nanos(actual)
    return a is not None and b is not None and abs(a - b) <= 1000


def parse_csv(text):
    return [row for row in csv.reader(io.StringIO(text))]


def compare_exact(expected, actual):
    """The first few differences, or [] when the tables agree."""
    problems = []
    if len(expected) != len(actual):
        problems.append(f"expected {max(len(expected) - 1, 0)} data rows, found {max(len(actual) - 1, 0)}")
    header = expected[0] if expected else []
    for row, (e, a) in enumerate(zip(expected, actual)):
        if len(e) != len(a):
            problems.append(f"row {row}: expected {e!r}, found {a!r}")
            continue
        for column, (x, y) in enumerate(zip(e, a)):
            if not cells_equal(x, y):
                name = header[column] if column < len(header) else column
                problems.append(f"row {row}, column {column} ({name}): expected {x!r}, found {y!r}")
        if len(problems) >= 5:
            break
    return problems[:5]


def run_ddq(binary, lines):
    program = "\n".join([corpus.READ] + lines)
    try:
        done = subprocess.run(
            [binary, "--format", "csv", "-c", program],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        return None, f"timed out after {TIMEOUT_SECONDS}s"
    if done.returncode != 0:
        return None, first_message_line(done.stderr) or f"exit status {done.returncode}"
    return done.stdout, None


def first_message_line(stderr):
    """ddq's error: `error: ...` (or its first line), without the echoed source and caret."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "error" in line.lower():
            return line.strip()
    return lines[0].strip() if lines else ""


def classify(snippet, flights, sizes, binary):
    try:
        expected_text = snippet["pandas"](flights.copy(), sizes)
    except Exception as e:  # the snippet itself is invalid in pandas
        return "pandas-error", f"{type(e).__name__}: {e}".splitlines()[0], None
    stdout, error = run_ddq(binary, snippet["code"])
    if error is not None:
        return "refused", error, None
    problems = compare_exact(parse_csv(expected_text), parse_csv(stdout))
    if problems:
        return "wrong", problems[0], problems
    return "pass", "", None


# (pattern in ddq's message, the cause it shows), first match wins.
CAUSES = [
    (r"transform\(lambda|agg\(lambda|agg\(\{\.\.\.\}\) values must be names", "a lambda in groupby agg/transform (per group, or over several columns)"),
    (r"takes one aggregation name, not a|apply on a frame runs a function per row", "agg/apply over a whole frame or series with a list, dict or per-column function"),
    (r"not supported yet", "time-based windows and multiple-period resample rules (\"2D\", \"5D\")"),
    (r"is indexed by|\.loc rows must|loc columns must|iloc columns must|does not come from this frame|cannot be indexed", "an indexing form ([] slices on a series or by date, a frame mask, callables, .loc by scalar)"),
    (r"in the query|unsupported operand", "a query/comparison form (chained comparisons, == list)"),
    (r"does not support the argument|takes a plain value|takes no arguments", "a keyword argument or argument kind"),
    (r"a groupby has no attribute or method", "a groupby method"),
    (r"a \.dt accessor has no|a \.str accessor has no|a string has no attribute", "a .dt or .str method"),
    (r"a frame has no attribute or method|a series has no attribute or method", "a frame or series method"),
    (r"ddq has no attribute or method", "a top-level pandas/Dask function"),
]


def without_position(message):
    """ddq's message without its `<command>:LINE:COL: error: ` prefix."""
    return re.sub(r"^<command>:\d+:\d+: (error: )?", "", message)


def cause_of(kind, message):
    """What ddq lacks, as a short grouping key."""
    if kind != "refused":
        return {"wrong": "wrong answer", "pandas-error": "invalid in pandas"}.get(kind, kind)
    for pattern, cause in CAUSES:
        if re.search(pattern, message):
            return "missing: " + cause
    return without_position(message)


def markdown_cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def write_report(path, results, command, elapsed):
    counts = collections.Counter(kind for _, kind, _ in results)
    total = len(results)
    passed = counts["pass"]
    valid = total - counts["pandas-error"]
    out = [
        "# Documentation snippets: ddq against pandas",
        "",
        f"Run on {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC in {elapsed:.0f}s with",
        "",
        f"    {command}",
        "",
        f"**{passed} of {valid} snippets give pandas' answer ({100.0 * passed / max(valid, 1):.1f} %).**",
        f"Wrong answers: {counts['wrong']}; refused by ddq: {counts['refused']}; "
        f"invalid in pandas (not counted): {counts['pandas-error']}.",
        "",
        "Every snippet that does not pass, grouped by cause (most frequent first):",
        "",
    ]
    groups = collections.defaultdict(list)
    for snippet, kind, message in results:
        if kind != "pass":
            groups[(kind, cause_of(kind, message))].append((snippet, message))
    ordered = sorted(groups.items(), key=lambda item: (item[0][0] != "wrong", -len(item[1]), item[0][1]))
    for (kind, cause), members in ordered:
        out.append(f"### {markdown_cell(cause)} ({len(members)})")
        out.append("")
        out.append("| snippet | code | ddq's message / first difference | source |")
        out.append("| --- | --- | --- | --- |")
        for snippet, message in members:
            code = "<br>".join(f"`{markdown_cell(line)}`" for line in snippet["code"])
            out.append(f"| {snippet['id']} | {code} | {markdown_cell(without_position(message))} | {snippet['source']} |")
        out.append("")
    out += [
        "Comparison conventions (README.md): a result with two levels of columns compares with its",
        "columns named COLUMN_AGG, as ddq prints them; sorts compare with pandas' stable sort. The",
        "passing snippets whose answer is at most 120 KB are the `snippets` reference suite",
        "(tests/reference/snippet_tasks.py).",
        "",
    ]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    return passed, valid, counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ddq", default=default_binary(), help="the ddq binary (default $DDQ_BIN or $CARGO_TARGET_DIR/debug/ddq)")
    parser.add_argument("--only", nargs="*", help="run only these snippet ids")
    parser.add_argument("--report", default=os.path.join(HERE, "results.md"))
    parser.add_argument("--verbose", action="store_true", help="print every difference of a wrong answer")
    args = parser.parse_args()
    flights, sizes = corpus.m.read_flights()
    chosen = [s for s in corpus.SNIPPETS if not args.only or s["id"] in args.only]
    started = time.time()
    results = []
    for snippet in chosen:
        kind, message, problems = classify(snippet, flights, sizes, args.ddq)
        results.append((snippet, kind, message))
        print(f"{kind:12} {snippet['id']}{'  ' + message if message else ''}", flush=True)
        if args.verbose and problems:
            for p in problems[1:]:
                print(f"{'':12}   {p}")
    command = "~/.cache/ddq-venv/bin/python benches/snippets/run.py" + (f" --ddq {args.ddq}" if args.ddq != default_binary() else "")
    passed, valid, counts = write_report(args.report, results, command, time.time() - started)
    print(f"{passed} of {valid} snippets pass ({100.0 * passed / max(valid, 1):.1f} %); "
          f"{counts['wrong']} wrong, {counts['refused']} refused, {counts['pandas-error']} invalid in pandas")


if __name__ == "__main__":
    main()
