#!/usr/bin/env bash
# The workflow benchmark, in one command: the Section D task list of queries/nycflights.q in
# ddq, pandas, Dask, Polars and DuckDB, on 1x and 10x data, with wall time and peak memory.
#
#   benches/workflow/run.sh             # 1x and 10x (~17 min on 2 cores; Dask at 10x ~8 min)
#   benches/workflow/run.sh --quick     # 1x only
#   benches/workflow/run.sh --engines ddq,polars --quick
#   benches/workflow/run.sh --repeat 3  # each engine 3 times; the median run is shown
#
# It prepares, each step skipped when already done:
#   data    ${DDQ_BENCH_DIR:-~/.cache/ddq-bench}/nycflights-1x and -10x (data/generate.py)
#   venv    ${DDQ_BENCH_VENV:-~/.cache/ddq-bench-venv} with benches/workflow/requirements.txt
#   ddq     cargo build --release into ${CARGO_TARGET_DIR:-~/.cache/ddq-release},
#           unless DDQ_BIN names a binary to use
# then runs runner.py, which prints the tables and writes benches/workflow/results.md.
# Other knobs: PYTHON (the interpreter the venv is made from; default python3, 3.11 is what
# requirements.txt is pinned for), DDQ_BENCH_MEMORY_LIMIT (ddq's cap at 10x; default 256MB).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BENCH_DIR="${DDQ_BENCH_DIR:-$HOME/.cache/ddq-bench}"
VENV="${DDQ_BENCH_VENV:-$HOME/.cache/ddq-bench-venv}"
PYTHON="${PYTHON:-python3}"
YEARS="1990 1991 1992 1993 1994 1995 1996 1997 1998 1999"

quick=""
runner_args=()
for arg in "$@"; do
    case "$arg" in
        --quick) quick=1; runner_args+=("--quick") ;;
        -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) runner_args+=("$arg") ;;
    esac
done

say() { printf '== %s\n' "$*" >&2; }

# Data: a directory counts as done when the stamp written after a successful generation names
# this scale and this version of the generator, and every year's file is there.
generate() {
    local scale="$1" dir="$BENCH_DIR/nycflights-${1}x"
    local stamp="scale=$scale generator=$(sha256sum "$REPO/data/generate.py" | cut -c1-16)"
    if [[ -f "$dir/.complete" && "$(cat "$dir/.complete")" == "$stamp" ]] && all_years_in "$dir"; then
        say "data ${scale}x: $dir (already there)"
        return
    fi
    say "data ${scale}x: generating into $dir"
    mkdir -p "$dir"
    rm -f "$dir/.complete"
    python3 "$REPO/data/generate.py" --out "$dir" --scale "$scale"
    echo "$stamp" > "$dir/.complete"
}

all_years_in() {
    local year
    for year in $YEARS; do
        [[ -f "$1/$year.csv" ]] || return 1
    done
}

# The venv: rebuilt when requirements.txt changes.
make_venv() {
    local stamp
    stamp="$(sha256sum "$HERE/requirements.txt" | cut -c1-16)"
    if [[ -x "$VENV/bin/python" && -f "$VENV/.requirements" && "$(cat "$VENV/.requirements")" == "$stamp" ]]; then
        say "venv: $VENV (already there)"
        return
    fi
    local version
    version="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    [[ "$version" == "3.11" ]] || say "warning: $PYTHON is Python $version; requirements.txt is pinned for 3.11"
    say "venv: creating $VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -r "$HERE/requirements.txt"
    echo "$stamp" > "$VENV/.requirements"
}

build_ddq() {
    if [[ -n "${DDQ_BIN:-}" ]]; then
        say "ddq: $DDQ_BIN (DDQ_BIN)"
        return
    fi
    local target="${CARGO_TARGET_DIR:-$HOME/.cache/ddq-release}"
    say "ddq: cargo build --release (CARGO_TARGET_DIR=$target)"
    (cd "$REPO" && CARGO_TARGET_DIR="$target" cargo build --release --quiet)
    DDQ_BIN="$target/release/ddq"
}

generate 1
[[ -n "$quick" ]] || generate 10
make_venv
build_ddq

mkdir -p "$BENCH_DIR/runs"
command="benches/workflow/run.sh${*:+ $*}"
exec "$VENV/bin/python" "$HERE/runner.py" \
    --ddq "$DDQ_BIN" \
    --repo "$REPO" \
    --data-1x "$BENCH_DIR/nycflights-1x" \
    --data-10x "$BENCH_DIR/nycflights-10x" \
    --work "$BENCH_DIR/runs" \
    --results "$HERE/results.md" \
    --memory-limit "${DDQ_BENCH_MEMORY_LIMIT:-256MB}" \
    --command "$command" \
    "${runner_args[@]}"
