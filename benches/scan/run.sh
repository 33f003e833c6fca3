#!/usr/bin/env bash
# The first CSV scan's speed: how fast ddq parses a set of CSVs it has not seen, in MB/s of CSV.
# It is a benchmark, not a test: it reports figures and checks nothing.
#
#   benches/scan/run.sh                                # target/release/ddq (or $DDQ_BIN)
#   benches/scan/run.sh OLD_DDQ NEW_DDQ                # two builds side by side, run alternately
#   ROUNDS=9 DATA=~/.cache/ddq-bench/nycflights-1x benches/scan/run.sh A B
#
# Two figures per binary, each the median of ROUNDS runs (default 7), every run in its own
# process with a new, empty scan cache (DDQ_CACHE_DIR), page cache warm (the files are read
# once first), dirty pages flushed before each run:
#   all columns  `len(ddf)` after the workflow's read_csv: the first statement parses every
#                column and writes the columnar scan cache (what README "Performance" quotes)
#   one column   `ddf.DepDelay.max()` with the cache unusable (DDQ_CACHE_DIR is a file): only
#                that column is converted, the other fields are skipped at the byte level
# Both take the `Wall time:` ddq's `%time` prints, which leaves out start-up and `read_csv`'s
# type inference. The binaries run in turn within each round, so a slow spell of a shared
# machine touches all of them; the load (uptime) is printed before and after.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DATA="${DATA:-$HOME/.cache/ddq-bench/nycflights-1x}"
ROUNDS="${ROUNDS:-7}"
if [[ $# -eq 0 ]]; then
    set -- "${DDQ_BIN:-$REPO/target/release/ddq}"
fi
for bin in "$@"; do
    [[ -x "$bin" ]] || { echo "not an executable: $bin" >&2; exit 1; }
done
ls "$DATA"/*.csv > /dev/null || {
    echo "no CSV files in $DATA: make them with benches/workflow/run.sh or data/generate.py" >&2
    exit 1
}

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
READ="ddf = dd.read_csv(\"$DATA/*.csv\", parse_dates={\"Date\": [0, 1, 2]}, dtype={\"CRSElapsedTime\": \"float64\", \"TailNum\": \"object\", \"Cancelled\": \"bool\"})"
printf 'import dask.dataframe as dd\n%s\n%%time len(ddf)\n' "$READ" > "$WORK/all.q"
printf 'import dask.dataframe as dd\n%s\n%%time ddf.DepDelay.max()\n' "$READ" > "$WORK/one.q"
touch "$WORK/not-a-directory"
cat "$DATA"/*.csv > /dev/null  # page cache warm
megabytes="$(cat "$DATA"/*.csv | wc -c | awk '{ printf "%.1f", $1 / 1048576 }')"

# Seconds of the `%time` statement of one run of script $2 by binary $1 with cache dir $3.
wall_of() {
    local bin="$1" script="$2" cache="$3" line
    sync
    line="$(DDQ_CACHE_DIR="$cache" "$bin" --quiet run "$script" 2>&1 >/dev/null | grep '^Wall time:' | tail -1)"
    echo "$line" | awk '{ v = $3; u = $4; if (u == "ms") v /= 1000; else if (u == "µs" || u == "us") v /= 1e6; print v }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "data: $DATA ($megabytes MB of CSV, MB = 2^20 bytes as in README), $ROUNDS rounds, $(nproc) cores"
echo "load before: $(uptime)"
declare -A all one
for round in $(seq "$ROUNDS"); do
    for i in $(seq 0 $(($# - 1))); do
        bin="${@:$((i + 1)):1}"
        rm -rf "$WORK/cache" && mkdir "$WORK/cache"
        all[$i]+="$(wall_of "$bin" "$WORK/all.q" "$WORK/cache") "
        one[$i]+="$(wall_of "$bin" "$WORK/one.q" "$WORK/not-a-directory") "
    done
done
echo "load after:  $(uptime)"
echo
echo "| binary | all columns, cache written: median s | MB/s | one column: median s | MB/s | all-column runs (s) |"
echo "| --- | ---: | ---: | ---: | ---: | --- |"
for i in $(seq 0 $(($# - 1))); do
    bin="${@:$((i + 1)):1}"
    a="$(echo "${all[$i]}" | tr ' ' '\n' | grep . | median)"
    o="$(echo "${one[$i]}" | tr ' ' '\n' | grep . | median)"
    printf '| %s | %.3f | %.0f | %.3f | %.0f | %s|\n' "$bin" "$a" "$(echo "$megabytes / $a" | bc -l)" \
        "$o" "$(echo "$megabytes / $o" | bc -l)" "${all[$i]}"
done
