#!/usr/bin/env bash
# The workflow benchmark, in one command: the Section D task list of queries/nycflights.q in
# ddq, pandas, Dask, Polars and DuckDB, on 1x and 10x data, with wall time and peak memory.
#
#   benches/workflow/run.sh             # 1x and 10x (~20 min on 2 cores; Dask at 10x ~8 min)
#   benches/workflow/run.sh --quick     # 1x only
#   benches/workflow/run.sh --engines ddq,ddq-warm,polars-once,duckdb-table --quick
#   benches/workflow/run.sh --repeat 3  # each engine 3 times; the median run is shown
#
# It prepares (benches/prepare.sh), each step skipped when already done:
#   data    ${DDQ_BENCH_DIR:-~/.cache/ddq-bench}/nycflights-1x and -10x (data/generate.py)
#   venv    ${DDQ_BENCH_VENV:-~/.cache/ddq-bench-venv} with benches/workflow/requirements.txt
#   ddq     cargo build --release into ${CARGO_TARGET_DIR:-~/.cache/ddq-release},
#           unless DDQ_BIN names a binary to use
# then runs runner.py, which prints the tables and writes benches/workflow/results.md.
# Other knobs: PYTHON (the interpreter the venv is made from; default python3, 3.11 is what
# requirements.txt is pinned for), DDQ_BENCH_MEMORY_LIMIT (ddq's cap at 10x; default 256MB).
# benches/run.sh runs this and the one-shot benchmark (benches/oneshot) in one command.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../prepare.sh"

quick=""
runner_args=()
for arg in "$@"; do
    case "$arg" in
        --quick) quick=1; runner_args+=("--quick") ;;
        -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) runner_args+=("$arg") ;;
    esac
done

generate 1
[[ -n "$quick" ]] || generate 10
make_venv
build_ddq

mkdir -p "$BENCH_DIR/runs"
command="${DDQ_BENCH_COMMAND:-benches/workflow/run.sh${*:+ $*}}"
exec "$VENV/bin/python" "$HERE/runner.py" \
    --ddq "$DDQ_BIN" \
    --repo "$REPO" \
    --data-1x "$(data_dir 1)" \
    --data-10x "$(data_dir 10)" \
    --work "$BENCH_DIR/runs" \
    --results "$HERE/results.md" \
    --memory-limit "${DDQ_BENCH_MEMORY_LIMIT:-256MB}" \
    --command "$command" \
    "${runner_args[@]}"
