#!/usr/bin/env bash
# Recomputes the pandas reference answers in tests/reference/nycflights/ from data/nycflights/.
# Needs only PyPI: the pinned pandas goes into a venv (default ~/.cache/ddq-venv, or $DDQ_VENV),
# made on first use and reused after, so nothing is installed globally.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${DDQ_VENV:-$HOME/.cache/ddq-venv}"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
"$venv/bin/python" "$here/make_reference.py"
