#!/usr/bin/env bash
# Compare two borderq builds on the reference model R, interleaved, on one core.
# This machine's speed drifts by up to 2x within minutes, so each round runs every build once and
# each build's best (user + system) time over the rounds is reported, with the ratio to the first.
# Usage: bash benches/ab.sh OLD_BINARY NEW_BINARY [more binaries...]   (ROUNDS=8, REPS=10 by default)
# SETS adds overrides to R, e.g. R at 4x its rate:
#   SETS="arrivals.0.groups_per_day=8000 quota.daily=5800" REPS=3 bash benches/ab.sh OLD NEW
# An argument BINARY@SCENARIO runs that scenario instead of R, e.g. R against R split into 8 ports:
#   bash benches/ab.sh target/release/borderq target/release/borderq@benches/reference-8-ports.toml
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rounds="${ROUNDS:-8}"
reps="${REPS:-10}"
[ "$#" -ge 2 ] || { echo "usage: bash benches/ab.sh OLD_BINARY NEW_BINARY [...]" >&2; exit 2; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
sets=()
for s in ${SETS:-}; do sets+=(--set "$s"); done
declare -A best
for b in "$@"; do
  [ -x "${b%%@*}" ] || { echo "error: ${b%%@*} is not an executable" >&2; exit 2; }
  best[$b]=inf
done
TIMEFORMAT='%U %S'
for _ in $(seq "$rounds"); do
  for b in "$@"; do
    scenario="$here/reference.toml"
    [[ "$b" == *@* ]] && scenario="${b#*@}"
    t=$( { time "${b%%@*}" run "$scenario" --replications "$reps" --threads 1 --no-charts --quiet \
            --out "$out/run" --force "${sets[@]}" >/dev/null; } 2>&1 | awk '{print $1 + $2}')
    best[$b]=$(awk -v t="$t" -v b="${best[$b]}" 'BEGIN { print (b == "inf" || t < b) ? t : b }')
  done
done
first="${best[$1]}"
printf '%-50s %12s %10s\n' build "s/replication" "vs first"
for b in "$@"; do
  awk -v b="$b" -v t="${best[$b]}" -v f="$first" -v n="$reps" \
    'BEGIN { printf "%-50s %12.4f %9.2fx\n", b, t / n, t / f }'
done
