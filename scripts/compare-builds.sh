#!/usr/bin/env bash
# Runs two borderq builds on the same inputs and checks that every output is byte-identical:
# every bundled scenario and benches/reference.toml, with and without --records, charts and
# report included, the terminal output of run, check and scenarios, `plot`, a sweep run whole and
# in shards then merged, `compare --json`, and a few bad inputs (message and exit code).
#
# Usage: bash scripts/compare-builds.sh [--ignore-json-field NAME]... [--strip NAME]... OLD NEW
#   --ignore-json-field NAME drops the lines of a top-level JSON field NAME (in every .json file and
#   every --json terminal output) from both builds' outputs before comparing: for a field added on
#   purpose, such as schema_version.
#   --strip NAME drops a series or metric added on purpose from both builds' outputs: in every CSV
#   the column NAME (and NAME_mean, NAME_p05, NAME_p95) and every row with a cell equal to NAME; in
#   every JSON output every object whose "metric" or "series" is NAME. Both trees go through the
#   same rewriting, so what is left must still be byte-identical.
#   OLD and NEW are borderq binaries or git revisions (a revision is built in a worktree under
#   ${TMPDIR:-/tmp}/borderq-compare-builds/, outside this checkout: cargo would otherwise take this
#   checkout's workspace for the revision's). Example: bash scripts/compare-builds.sh HEAD target/release/borderq
# REPS (default 3) sets the replications per run. KEEP=1 keeps the output trees.
# Exit 0 when identical, 1 with a diff summary when not.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
reps="${REPS:-3}"
ignore=()
strip=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --ignore-json-field)
      [ "$#" -ge 2 ] || { echo "error: --ignore-json-field needs a field name" >&2; exit 2; }
      ignore+=("$2")
      shift 2
      ;;
    --strip)
      [ "$#" -ge 2 ] || { echo "error: --strip needs a series or metric name" >&2; exit 2; }
      strip+=("$2")
      shift 2
      ;;
    *) break ;;
  esac
done
[ "$#" -eq 2 ] || { echo "usage: bash scripts/compare-builds.sh [--ignore-json-field NAME]... [--strip NAME]... OLD NEW (binaries or git revisions)" >&2; exit 2; }

# A binary for a binary path or a git revision.
binary() {
  if [ -x "$1" ] && [ -f "$1" ]; then
    realpath "$1"
    return
  fi
  local rev
  rev="$(git -C "$root" rev-parse --verify "$1^{commit}")" || { echo "error: $1 is neither a binary nor a git revision" >&2; exit 2; }
  local wt="${TMPDIR:-/tmp}/borderq-compare-builds/$rev"
  if [ ! -x "$wt/target/release/borderq" ]; then
    rm -rf "$wt"
    git -C "$root" worktree add --detach -f "$wt" "$rev" >/dev/null 2>&1
    (cd "$wt" && CARGO_TARGET_DIR="$wt/target" cargo build --release --locked -q) >&2
  fi
  echo "$wt/target/release/borderq"
}

old="$(binary "$1")"
new="$(binary "$2")"
added="$(comm -13 <("$old" scenarios | awk '{print $1}' | sort) <("$new" scenarios | awk '{print $1}' | sort) | tr '\n' ' ')"
[ -z "$added" ] || echo "bundled scenarios only in NEW (not compared): $added"
work="$(mktemp -d)"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT

# Everything one build writes, under $work/$name, with relative paths only.
exercise() {
  local bin="$1" dir="$work/$2"
  mkdir -p "$dir"
  cp "$root/benches/reference.toml" "$dir/reference.toml"
  cd "$dir"
  # The bundled scenarios both builds have (a scenario added by NEW is listed, not compared).
  local scenarios
  scenarios="$(comm -12 <("$old" scenarios | awk '{print $1}' | sort) <("$new" scenarios | awk '{print $1}' | sort))"
  "$bin" scenarios | grep -wFf <(echo "$scenarios") >term-scenarios.txt
  for s in $scenarios reference.toml; do
    local n="${s%.toml}"
    "$bin" run "$s" --replications "$reps" --out "run/$n" --quiet >"term-run-$n.txt"
    "$bin" run "$s" --replications 2 --records --out "records/$n" --quiet >"term-records-$n.txt"
    "$bin" run "$s" --replications "$reps" --json --no-charts --out "json/$n" --quiet >"term-json-$n.txt"
    "$bin" check "$s" >"term-check-$n.txt" 2>&1 || echo "exit $?" >>"term-check-$n.txt"
    "$bin" scenarios show "$n" --resolved >"term-resolved-$n.txt" 2>&1 || echo "exit $?" >>"term-resolved-$n.txt"
    cp -r "run/$n" "plot-$n"
    rm -f "plot-$n"/*.png "plot-$n"/*.svg "plot-$n/report.html"
    "$bin" plot "plot-$n" >"term-plot-$n.txt" 2>&1
  done
  # The default run, as the README's main command runs it (30 replications).
  "$bin" run --out run/default --quiet >term-run-default.txt
  # A sweep, whole and in three shards merged.
  local vary=(--vary quota.daily=1000:2000:500 --vary confirmation.outage_policy=none,extend)
  "$bin" sweep may-2024-outage "${vary[@]}" --replications 2 --out sweep/whole --quiet >term-sweep.txt
  for k in 1 2 3; do
    "$bin" sweep may-2024-outage "${vary[@]}" --replications 2 --shard "$k/3" --out "sweep/shard$k" --quiet >"term-shard$k.txt"
  done
  "$bin" merge sweep/shard1 sweep/shard2 sweep/shard3 --out sweep/merged >term-merge.txt 2>&1
  # compare, paired, as JSON and as the table.
  "$bin" compare may-2024-outage --set quota.daily=1600 --replications "$reps" --json >term-compare.json 2>/dev/null
  "$bin" compare launch-2023 may-2024-outage --replications "$reps" >term-compare.txt 2>/dev/null
  # Bad input: the message and the exit code.
  local i=0
  for args in "run --set quota.daily=-5" "run --set quota.dayly=5" "run nosuch" "check reference.toml --set scenario.end=\"2020-01-01\""; do
    i=$((i + 1))
    # shellcheck disable=SC2086
    "$bin" $args >"term-error-$i.txt" 2>&1 && echo "exit 0" >>"term-error-$i.txt" || echo "exit $?" >>"term-error-$i.txt"
  done
  cd "$root"
}

exercise "$old" old
exercise "$new" new
# A sweep's merged shards must equal the whole sweep within each build, too.
for b in old new; do
  for f in sweep.csv sweep.json; do
    cmp -s "$work/$b/sweep/whole/$f" "$work/$b/sweep/merged/$f" || { echo "$b: merged $f differs from the whole sweep" >&2; exit 1; }
  done
done
# Fields added on purpose: their lines go from both trees' JSON (the pretty printers give each
# top-level field a line of its own, indented by two spaces).
if [ "${#ignore[@]}" -gt 0 ]; then
  find "$work/old" "$work/new" -type f \( -name '*.json' -o -name 'term-json-*.txt' \) -print0 |
    xargs -0 python3 -c '
import re, sys
fields = sys.argv[1].split(",")
for path in sys.argv[2:]:
    lines = open(path).read().split("\n")
    out = []
    for line in lines:
        m = re.match(r"^  \"([^\"]+)\": [^{\[]*?(,?)$", line)
        if m and m.group(1) in fields:
            if not m.group(2) and out and out[-1].endswith(","):
                out[-1] = out[-1][:-1]  # the dropped field was the last: so is the one before it now
            continue
        out.append(line)
    open(path, "w").write("\n".join(out))
' "$(IFS=,; echo "${ignore[*]}")"
fi
# Series and metrics added on purpose: their columns, rows and JSON objects go from both trees.
if [ "${#strip[@]}" -gt 0 ]; then
  find "$work/old" "$work/new" -type f \( -name '*.csv' -o -name '*.json' -o -name 'term-json-*.txt' \) -print0 |
    xargs -0 python3 -c '
import csv, io, json, sys
names = set(sys.argv[1].split(","))
def gone(col):
    base, _, tail = col.rpartition("_")
    return col in names or (tail in ("mean", "p05", "p95") and base in names)
def prune(x):
    if isinstance(x, list):
        return [prune(v) for v in x if not (isinstance(v, dict) and (v.get("metric") in names or v.get("series") in names))]
    if isinstance(x, dict):
        return {k: prune(v) for k, v in x.items() if k not in names}
    return x
for path in sys.argv[2:]:
    text = open(path).read()
    if path.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            continue
        keep = [i for i, c in enumerate(rows[0]) if not gone(c)]
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        for k, r in enumerate(rows):
            if k > 0 and any(c in names for c in r):
                continue
            w.writerow([r[i] for i in keep if i < len(r)])
        open(path, "w").write(out.getvalue())
    else:
        try:
            doc = json.loads(text)
        except ValueError:
            continue
        open(path, "w").write(json.dumps(prune(doc), indent=2))
' "$(IFS=,; echo "${strip[*]}")"
fi
if diff -r -q "$work/old" "$work/new" >"$work/diff.txt"; then
  echo "identical: $(find "$work/old" -type f | wc -l) files from each build ($1 vs $2, $reps replications${ignore[*]:+, ignoring JSON fields: ${ignore[*]}}${strip[*]:+, stripping: ${strip[*]}})"
else
  echo "DIFFERENT: $1 vs $2" >&2
  cat "$work/diff.txt" >&2
  exit 1
fi
