#!/usr/bin/env bash
# Both benchmarks in one command: the workflow (benches/workflow:
# the 17 Section D tasks, with Polars and DuckDB also reading the files once, and ddq cold and
# warm) and the one-shot queries (benches/oneshot: one statement per process on CSVs never
# seen). Each writes its results file: benches/workflow/results.md, benches/oneshot/results.md.
#
#   benches/run.sh                  # both at 1x and 10x (the 10x data made if missing)
#   benches/run.sh --quick          # 1x (the one-shot also at 10x if the data is there)
#   benches/run.sh --quick --repeat 5
#   benches/run.sh --engines ddq,ddq-warm,polars,polars-once   # each runs the ones it knows
#
# Flags go to both benchmarks' run.sh, so only those both take: --quick, --repeat N,
# --engines LIST, --timeout S, --max-memory-gb G. The data, the venv and the ddq binary are
# prepared once, here (benches/prepare.sh; DDQ_BIN names a binary instead of building one).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/prepare.sh"

quick=""
for arg in "$@"; do
    case "$arg" in
        --quick) quick=1 ;;
        -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    esac
done

generate 1
[[ -n "$quick" ]] || generate 10
make_venv
build_ddq  # exports DDQ_BIN: neither run.sh below builds again

command="benches/run.sh${*:+ $*}"
say "workflow benchmark"
DDQ_BENCH_COMMAND="$command" "$HERE/workflow/run.sh" "$@"
say "one-shot benchmark"
DDQ_BENCH_COMMAND="$command" "$HERE/oneshot/run.sh" "$@"
