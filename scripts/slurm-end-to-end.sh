#!/usr/bin/env bash
# End-to-end test of examples/slurm on a real single-node Slurm (Debian's slurm-wlm and munge).
#
#   bash scripts/slurm-end-to-end.sh [path/to/borderq]     (default: target/release/borderq)
#
# It installs slurm-wlm and munge if they are missing, starts munged, slurmctld and slurmd with a
# configuration of its own (in a temporary directory, nothing under /etc/slurm is written), and then:
#   1. submits the example's job array of 3 shards and its merge job (examples/slurm/submit.sh);
#   2. cancels shard 2 once it has finished some of its points but not all;
#   3. checks that the merge job is left waiting (DependencyNeverSatisfied), and cancels it, as the
#      example's comments say to;
#   4. resubmits shard 2 alone (its SLURM_ARRAY_TASK_COUNT is then 1), checks that it resumed without
#      rerunning the points it had finished, and submits the merge again;
#   5. compares the merged sweep with the same sweep on one machine, byte for byte.
# The daemons it started are stopped on exit, whatever the outcome. Needs root (to install and to
# run the daemons) and takes about a minute on 2 cores.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
borderq=$(realpath "${1:-$repo/target/release/borderq}")
test -x "$borderq" || { echo "slurm-end-to-end: no borderq at $borderq (cargo build --release)"; exit 1; }
deadline=$((SECONDS + 300))

say() { echo "slurm-end-to-end: $*"; }
fail() { echo "slurm-end-to-end: FAILED: $*" >&2; exit 1; }

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  say "installing slurm-wlm and munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq slurm-wlm munge >/dev/null
fi

work=$(mktemp -d /tmp/borderq-slurm.XXXXXX)
chmod 755 "$work"
started=()
cleanup() {
  local code=$?
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ]; then
    scancel --quiet --user=root 2>/dev/null || true
  fi
  for pidfile in "${started[@]}"; do
    if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
  done
  sleep 1
  if [ $code -ne 0 ]; then
    for log in "$work"/state/*.log "$work"/logs/*; do
      [ -f "$log" ] && { echo "---- $log"; tail -n 30 "$log"; }
    done
  fi
  rm -rf "$work"
  exit $code
}
trap cleanup EXIT

# munge: a key, a socket directory, and the daemon (unless one is already running).
if [ ! -f /etc/munge/munge.key ]; then
  mungekey --create --keyfile=/etc/munge/munge.key
  chown munge:munge /etc/munge/munge.key
  chmod 600 /etc/munge/munge.key
fi
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
if ! munge -n </dev/null >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/borderq-test.pid
  started+=(/run/munge/borderq-test.pid)
  for _ in $(seq 50); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.1; done
fi
munge -n </dev/null | unmunge >/dev/null || fail "munge does not work"

# Slurm: one node, this machine, as detected by slurmd; no accounting, no cgroups.
mkdir -p "$work/state" "$work/spool"
node=$(slurmd -C | head -n 1)
host=$(hostname -s)
export SLURM_CONF="$work/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=borderq-test
SlurmctldHost=$host
SlurmUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/state/slurmctld.pid
SlurmdPidFile=$work/state/slurmd.pid
SlurmctldLogFile=$work/state/slurmctld.log
SlurmdLogFile=$work/state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SchedulerType=sched/builtin
MinJobAge=600
$node State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -f "$SLURM_CONF"
started+=("$work/state/slurmctld.pid")
slurmd -f "$SLURM_CONF"
started+=("$work/state/slurmd.pid")

wait_until() { # wait_until DESCRIPTION COMMAND...: polls COMMAND until it succeeds or time runs out
  local what=$1; shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || fail "timed out waiting for $what"
    sleep 0.5
  done
}
node_idle() { sinfo -h -o %T 2>/dev/null | grep -qx idle; }
wait_until "the node to be idle" node_idle
say "slurm is up: $(sinfo -h -o '%P %D %c %T')"

# The sweep: 15 points of the bundled history, split in 3 shards of 5 points.
export BORDERQ="$borderq" SCENARIO=may-2024-outage REPLICATIONS=10
export VARY="--vary quota.daily=1000:2000:250 --vary confirmation.outage_policy=none,extend,reissue"
out="$work/out"
mkdir -p "$work/examples"
cp -r "$repo/examples/slurm" "$work/examples/"
cd "$work"

# 1. The array and its merge, as a user submits them (one CPU per task: two tasks at a time here).
submitted=$(SHARDS=3 CPUS=1 OUT="$out" bash examples/slurm/submit.sh)
say "$submitted"
array=$(sed -n 's/^array job \([0-9]*\).*/\1/p' <<<"$submitted")
merge=$(sed -n 's/.*merge job \([0-9]*\).*/\1/p' <<<"$submitted")
[ -n "$array" ] && [ -n "$merge" ] || fail "could not read the job ids from: $submitted"

job_state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
points_of() { find "$out/shard-$1/points" -name 'point-[0-9]*[0-9].csv' 2>/dev/null | wc -l; }

# 2. Cancel shard 2 once it has written some of its 5 points.
some_points() { [ "$(points_of 2)" -ge 2 ]; }
wait_until "shard 2 to finish two points" some_points
scancel "${array}_2"
cancelled_state() { [[ "$(job_state "${array}_2")" == CANCELLED* ]]; }
wait_until "shard 2 to be cancelled" cancelled_state
kept=$(points_of 2)
[ "$kept" -lt 5 ] || fail "shard 2 finished all its points before it was cancelled"
(cd "$out/shard-2/points" && stat -c '%n %i %Y' point-*.csv | sort) >"$work/kept-before"
say "shard 2 cancelled with $kept of its 5 points written"

# 3. The other shards finish; the merge is then left waiting, and says why.
other_done() { [ "$(job_state "${array}_1")" = COMPLETED ] && [ "$(job_state "${array}_3")" = COMPLETED ]; }
wait_until "shards 1 and 3 to complete" other_done
never() { [ "$(squeue -h -j "$merge" -o %r 2>/dev/null)" = DependencyNeverSatisfied ]; }
wait_until "the merge job to show DependencyNeverSatisfied" never
say "merge job $merge: pending, DependencyNeverSatisfied; cancelling it as the example says"
scancel "$merge"

# 4. Resubmit shard 2 alone, as documented in examples/slurm/submit.sh, then the merge.
again=$(sbatch --parsable --array=2 --cpus-per-task=1 --export="ALL,SHARDS=3,OUT=$out" examples/slurm/sweep.sbatch)
again=${again%%;*}
resumed_done() { local s; s=$(job_state "${again}_2"); [ -z "$s" ] && s=$(job_state "$again"); [ "$s" = COMPLETED ] || { [[ "$s" =~ ^(FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY)$ ]] && fail "resubmitted shard 2 ended $s"; false; }; }
wait_until "the resubmitted shard 2" resumed_done
[ "$(points_of 2)" -eq 5 ] || fail "resubmitted shard 2 has $(points_of 2) of 5 points"
(cd "$out/shard-2/points" && stat -c '%n %i %Y' point-*.csv | sort) | grep -F -f <(cut -d' ' -f1 "$work/kept-before") >"$work/kept-after" || true
cmp -s "$work/kept-before" "$work/kept-after" || fail "the resumed shard rewrote points it had finished"
say "shard 2 resumed: its $kept finished points kept as they were, $((5 - kept)) run"
merge2=$(sbatch --parsable --dependency="afterok:$again" --output="logs/merge-%j.out" \
  --wrap="$BORDERQ merge $out/shard-* --out $out/merged")
merge_done() { local s; s=$(job_state "$merge2"); [ "$s" = COMPLETED ] || { [[ "$s" =~ ^(FAILED|CANCELLED|TIMEOUT)$ ]] && fail "merge job ended $s"; false; }; }
wait_until "the merge job" merge_done
say "merged: $(ls "$out/merged" | tr '\n' ' ')"

# 5. The same sweep on one machine (charts and report included, as the merge draws them), compared
#    file by file.
# shellcheck disable=SC2086
"$BORDERQ" sweep "$SCENARIO" $VARY --replications "$REPLICATIONS" --quiet --out "$work/single"
compared=0
while IFS= read -r -d '' f; do
  rel=${f#"$work/single/"}
  [ -f "$out/merged/$rel" ] || fail "the merged sweep has no $rel"
  cmp "$f" "$out/merged/$rel" || fail "$rel differs between the Slurm run and one machine"
  compared=$((compared + 1))
done < <(find "$work/single" -type f -print0)
[ "$compared" -gt 0 ] || fail "nothing to compare"
extra=$(cd "$out/merged" && find . -type f | sed 's|^\./||' | while read -r rel; do [ -f "$work/single/$rel" ] || echo "$rel"; done)
[ -z "$extra" ] || fail "the merged sweep has files a single run does not: $extra"
say "passed: $compared files byte-identical to the single-machine sweep, in $SECONDS s"
