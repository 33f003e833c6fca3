#!/usr/bin/env bash
# The memory benchmark (issue 19): ddq under `--memory-limit 256MB` on the 10x data, each run a
# whole process on a fresh scan cache, its peak RSS and anonymous memory sampled every 50 ms
# from /proc/PID/status. Two jobs: the full sort written out as one CSV file
# (`ddf.sort_values("DepDelay").to_csv(..., single_file=True)`, 26 M rows) and the Section D
# workflow (queries/nycflights.q pointed at the 10x data). Reports, per run, whether it
# finished, its wall time and its peaks, against the target of 400 MB peak RSS; writes
# benches/memory/results.md.
#
#   benches/memory/run.sh                 # 3 runs of each
#   benches/memory/run.sh --repeat 5
#   benches/memory/run.sh --limit 512MB
#
# Data and binary as the other benchmarks (benches/prepare.sh; DDQ_BIN names a binary).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../prepare.sh"

repeat=3
limit=256MB
target_mb=400
while [[ $# -gt 0 ]]; do
    case "$1" in
        --repeat) repeat="$2"; shift 2 ;;
        --limit) limit="$2"; shift 2 ;;
        -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

generate 10
build_ddq
data="$(data_dir 10)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

read_line="ddf = read_csv(\"$data/*.csv\", parse_dates={\"Date\": [0, 1, 2]})"
sed "s#data/nycflights/#$data/#" "$REPO/queries/nycflights.q" > "$scratch/workflow.q"

# Runs ddq with ARGS on a fresh cache, sampling its memory; prints "rc wall peak_mb anon_mb".
measure() {
    local cache="$scratch/cache" start end pid rss anon peak=0 peak_anon=0 rc
    rm -rf "$cache" "$scratch/sorted.csv"
    start=$(date +%s.%N)
    DDQ_CACHE_DIR="$cache" "$DDQ_BIN" --no-rc --memory-limit "$limit" "$@" \
        > "$scratch/out" 2> "$scratch/err" &
    pid=$!
    while kill -0 "$pid" 2> /dev/null; do
        rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2> /dev/null || true)
        anon=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2> /dev/null || true)
        [[ -n "$rss" && "$rss" -gt "$peak" ]] && peak=$rss
        [[ -n "$anon" && "$anon" -gt "$peak_anon" ]] && peak_anon=$anon
        sleep 0.05
    done
    rc=0
    wait "$pid" || rc=$?
    end=$(date +%s.%N)
    printf '%s %.1f %d %d\n' "$rc" "$(echo "$end - $start" | bc)" $((peak / 1024)) $((peak_anon / 1024))
}

results="$HERE/results.md"
rows=""
worst=0
finished=0
total=0
for run in $(seq 1 "$repeat"); do
    for job in sort workflow; do
        case "$job" in
            sort) statement="ddf.sort_values(\"DepDelay\").to_csv(\"$scratch/sorted.csv\", single_file=True)"
                  read -r rc wall peak anon < <(measure -c "$read_line; $statement") ;;
            workflow) read -r rc wall peak anon < <(measure run "$scratch/workflow.q") ;;
        esac
        total=$((total + 1))
        [[ "$rc" == 0 ]] && finished=$((finished + 1))
        (( peak > worst )) && worst=$peak
        verdict=$([[ "$rc" == 0 && "$peak" -le "$target_mb" ]] && echo yes || echo NO)
        say "run $run, $job: exit $rc, ${wall} s, peak RSS ${peak} MB (anonymous ${anon} MB), within target: $verdict"
        [[ "$rc" == 0 ]] || tail -3 "$scratch/err" >&2
        rows+="| $run | $job | $rc | $wall | $peak | $anon | $verdict |"$'\n'
    done
done

{
    echo "# Memory under a cap: ddq at 10x under \`--memory-limit $limit\`"
    echo
    echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC') with \`benches/memory/run.sh${repeat:+ --repeat $repeat}\`"
    echo "($(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); fresh scan cache per run; RSS sampled every 50 ms)."
    echo
    echo "**$finished of $total runs finished; the highest peak RSS was $worst MB (target: every run finishes, at most $target_mb MB).**"
    echo
    echo "| run | job | exit | wall s | peak RSS MB | peak anonymous MB | within target |"
    echo "| ---: | --- | ---: | ---: | ---: | ---: | --- |"
    printf '%s' "$rows"
    echo
    echo "Jobs: \`sort\` is \`${read_line//$data/10x}; ddf.sort_values(\"DepDelay\").to_csv(\"sorted.csv\", single_file=True)\`;"
    echo "\`workflow\` is \`ddq run\` of queries/nycflights.q reading the 10x files."
} > "$results"
say "wrote $results"
