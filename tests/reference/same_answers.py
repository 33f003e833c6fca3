"""Checks that regenerated pandas reference answers are the committed ones: every file byte for
byte, or differing only in floats that agree to 1e-12 relative.

numpy sums with the vector instructions the machine has, so a correlation or a covariance can
come out one unit in the last place apart on another CPU (-0.004308076746476209 against
...208). The tests compare ddq to these answers at 1e-9 relative; a last-digit difference is
not a changed answer, while any other difference (a value, a row, a file added or missing) is.

Run from the repository after regenerate.sh; exits 1 and names each file and cell that changed.
"""

import csv
import io
import math
import subprocess
import sys

REFERENCE = "tests/reference"
RELATIVE = 1e-12


def git(*args):
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def cells_agree(committed, now):
    if committed == now:
        return True
    try:
        a, b = float(committed), float(now)
    except ValueError:
        return False
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=RELATIVE, abs_tol=0.0)


def differences(path):
    """The cells of `path` that differ beyond the tolerance from its committed version."""
    committed = list(csv.reader(io.StringIO(git("show", f"HEAD:{path}"))))
    with open(path, newline="") as f:
        now = list(csv.reader(f))
    if len(committed) != len(now):
        return [f"{len(committed)} rows committed, {len(now)} now"]
    found = []
    for line, (old_row, new_row) in enumerate(zip(committed, now), start=1):
        if len(old_row) != len(new_row):
            found.append(f"line {line}: {len(old_row)} fields committed, {len(new_row)} now")
            continue
        for old, new in zip(old_row, new_row):
            if not cells_agree(old, new):
                found.append(f"line {line}: {old!r} committed, {new!r} now")
    return found


def main():
    changed = git("diff", "--name-only", "--", REFERENCE).split()
    untracked = [
        path
        for path in git("ls-files", "--others", "--exclude-standard", "--", REFERENCE).split()
        if path.endswith(".csv")
    ]
    problems = [f"{path}: written by make_reference.py but not committed" for path in untracked]
    last_digit = 0
    for path in changed:
        found = differences(path) if path.endswith(".csv") else ["changed"]
        problems.extend(f"{path}: {what}" for what in found)
        last_digit += not found
    for problem in problems:
        print(problem)
    if problems:
        print(f"reference answers: {len(problems)} differences from the committed ones")
        return 1
    print(f"reference answers: unchanged ({last_digit} files differ only in a float's last digits)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
