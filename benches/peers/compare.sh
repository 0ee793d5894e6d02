#!/usr/bin/env bash
# borderq against SimPy and numpy on the reference model R, side by side.
# Creates its own virtual environment (benches/peers/.venv) with pinned SimPy and numpy.
# Usage: bash benches/peers/compare.sh [--borderq-reps N] [--numpy-reps N] [--simpy-reps N]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "simpy==4.1.2" "numpy==2.4.6"
fi
(cd "$root" && cargo build --release --quiet)
exec "$venv/bin/python" "$here/compare.py" "$root/target/release/borderq" "$@"
