# What the benchmarks' run.sh scripts share, sourced by each: the data, the Python venv and the
# ddq binary, each step skipped when already done. Sourcing it sets REPO, BENCH_DIR, VENV and
# PYTHON (from DDQ_BENCH_DIR, DDQ_BENCH_VENV and PYTHON) and defines the functions below.
#
#   data    ${DDQ_BENCH_DIR:-~/.cache/ddq-bench}/nycflights-1x and -10x (data/generate.py)
#   venv    ${DDQ_BENCH_VENV:-~/.cache/ddq-bench-venv} with benches/workflow/requirements.txt
#   ddq     cargo build --release into ${CARGO_TARGET_DIR:-~/.cache/ddq-release},
#           unless DDQ_BIN names a binary to use

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${DDQ_BENCH_DIR:-$HOME/.cache/ddq-bench}"
VENV="${DDQ_BENCH_VENV:-$HOME/.cache/ddq-bench-venv}"
PYTHON="${PYTHON:-python3}"
YEARS="1990 1991 1992 1993 1994 1995 1996 1997 1998 1999"
REQUIREMENTS="$REPO/benches/workflow/requirements.txt"

say() { printf '== %s\n' "$*" >&2; }

data_dir() { echo "$BENCH_DIR/nycflights-${1}x"; }

# Data: a directory counts as done when the stamp written after a successful generation names
# this scale and this version of the generator, and every year's file is there.
data_ready() {
    local dir
    dir="$(data_dir "$1")"
    [[ -f "$dir/.complete" && "$(cat "$dir/.complete")" == "$(data_stamp "$1")" ]] &&
        all_years_in "$dir"
}

data_stamp() {
    echo "scale=$1 generator=$(sha256sum "$REPO/data/generate.py" | cut -c1-16)"
}

generate() {
    local scale="$1" dir
    dir="$(data_dir "$1")"
    if data_ready "$scale"; then
        say "data ${scale}x: $dir (already there)"
        return
    fi
    say "data ${scale}x: generating into $dir"
    mkdir -p "$dir"
    rm -f "$dir/.complete"
    python3 "$REPO/data/generate.py" --out "$dir" --scale "$scale"
    data_stamp "$scale" > "$dir/.complete"
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
    stamp="$(sha256sum "$REQUIREMENTS" | cut -c1-16)"
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
    "$VENV/bin/python" -m pip install --quiet -r "$REQUIREMENTS"
    echo "$stamp" > "$VENV/.requirements"
}

# Sets and exports DDQ_BIN, so that a run.sh started from another finds the binary built.
build_ddq() {
    if [[ -n "${DDQ_BIN:-}" ]]; then
        say "ddq: $DDQ_BIN (DDQ_BIN)"
        export DDQ_BIN
        return
    fi
    local target="${CARGO_TARGET_DIR:-$HOME/.cache/ddq-release}"
    say "ddq: cargo build --release (CARGO_TARGET_DIR=$target)"
    (cd "$REPO" && CARGO_TARGET_DIR="$target" cargo build --release --quiet)
    export DDQ_BIN="$target/release/ddq"
}
