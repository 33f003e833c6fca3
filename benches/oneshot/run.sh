#!/usr/bin/env bash
# The one-shot benchmark, in one command: three single statements on CSV files no engine has
# seen (a group-by mean, a filter written out as CSV, len), each answered by a whole process
# in ddq (cold scan cache), Polars, DuckDB and pandas, at 1x and 10x, with wall time, peak
# memory and ddq's ratio to each engine.
#
#   benches/oneshot/run.sh              # 1x and 10x (the 10x data made if missing)
#   benches/oneshot/run.sh --quick      # no 10x data made: 1x, and 10x only if already there
#   benches/oneshot/run.sh --repeat 5   # each run 5 times; the median run is shown
#   benches/oneshot/run.sh --engines ddq,polars --queries groupby_mean,len
#
# It prepares the data, the venv and the ddq binary as benches/workflow/run.sh does
# (benches/prepare.sh; DDQ_BIN names a binary to use instead of building one), then runs
# oneshot.py, which prints the table and writes benches/oneshot/results.md.
# benches/run.sh runs this and the workflow benchmark in one command.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../prepare.sh"

quick=""
runner_args=()
for arg in "$@"; do
    case "$arg" in
        # The one-shot queries take seconds at 10x; only making the 10x data takes long.
        --quick) quick=1 ;;
        -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) runner_args+=("$arg") ;;
    esac
done

generate 1
[[ -n "$quick" ]] || generate 10
if data_ready 10; then
    runner_args+=(--data-10x "$(data_dir 10)")
else
    say "data 10x: not there (run without --quick to make it): 1x only"
fi
make_venv
build_ddq

mkdir -p "$BENCH_DIR/oneshot"
command="${DDQ_BENCH_COMMAND:-benches/oneshot/run.sh${*:+ $*}}"
exec "$VENV/bin/python" "$HERE/oneshot.py" \
    --ddq "$DDQ_BIN" \
    --data-1x "$(data_dir 1)" \
    --work "$BENCH_DIR/oneshot" \
    --results "$HERE/results.md" \
    --command "$command" \
    "${runner_args[@]}"
