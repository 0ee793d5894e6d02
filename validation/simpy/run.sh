#!/usr/bin/env bash
# The independent check of this project: borderq against a SimPy model written from the model's description alone, on the
# shared scenarios in validation/simpy/scenarios. Creates its own virtual environment.
# Usage: bash validation/simpy/run.sh [REPLICATIONS]   (default 40; about 5 minutes on 2 cores)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "simpy==4.1.2"
fi
(cd "$root" && cargo build --release --quiet)
exec "$venv/bin/python" "$here/compare.py" "$root/target/release/borderq" "$@"
