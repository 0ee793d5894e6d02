#!/usr/bin/env bash
# Compare two borderq builds on the reference model R, interleaved, on one core.
# This machine's speed drifts by up to 2x within minutes, so each round runs every build once, one
# after the other (in reverse order every other round), and two figures are reported per build:
# its best (user + system) time over the rounds, and the median over the rounds of its time divided
# by the first build's in the same round (a paired ratio: both ran within seconds of each other).
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
builds=("$@")
for b in "${builds[@]}"; do
  [ -x "${b%%@*}" ] || { echo "error: ${b%%@*} is not an executable" >&2; exit 2; }
done
TIMEFORMAT='%U %S'
# times.txt: one line per run: round, build index, seconds.
for r in $(seq "$rounds"); do
  order=$(seq 0 $(($# - 1)))
  [ $((r % 2)) -eq 0 ] && order=$(seq $(($# - 1)) -1 0)
  for i in $order; do
    b="${builds[$i]}"
    scenario="$here/reference.toml"
    [[ "$b" == *@* ]] && scenario="${b#*@}"
    t=$( { time "${b%%@*}" run "$scenario" --replications "$reps" --threads 1 --no-charts --quiet \
            --out "$out/run" --force "${sets[@]}" >/dev/null; } 2>&1 | awk '{print $1 + $2}')
    echo "$r $i $t" >>"$out/times.txt"
  done
done
printf '%-50s %12s %10s %14s\n' build "s/replication" "best/first" "median ratio"
for i in $(seq 0 $(($# - 1))); do
  awk -v i="$i" -v n="$reps" -v name="${builds[$i]}" '
    { t[$1, $2] = $3; if ($1 > rounds) rounds = $1 }
    END {
      best = -1; first = -1
      for (r = 1; r <= rounds; r++) {
        if (best < 0 || t[r, i] < best) best = t[r, i]
        if (first < 0 || t[r, 0] < first) first = t[r, 0]
        ratio[r] = t[r, i] / t[r, 0]
      }
      # median of the per-round ratios (insertion sort: few rounds)
      for (a = 2; a <= rounds; a++) { x = ratio[a]; b = a - 1; while (b >= 1 && ratio[b] > x) { ratio[b + 1] = ratio[b]; b-- } ratio[b + 1] = x }
      med = (rounds % 2) ? ratio[(rounds + 1) / 2] : (ratio[rounds / 2] + ratio[rounds / 2 + 1]) / 2
      printf "%-50s %12.4f %9.2fx %13.3fx\n", name, best / n, best / first, med
    }' "$out/times.txt"
done
