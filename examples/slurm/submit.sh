#!/usr/bin/env bash
# Submits a borderq sweep to Slurm: a job array of shards, then a merge job that runs once every
# shard has succeeded. Run from the repository root, with borderq built (`cargo build --release`):
#
#   SHARDS=8 bash examples/slurm/submit.sh
#
# Settings (environment): SHARDS (default 8), CPUS per task (default 2: lower it on small nodes,
# raise it on big ones; borderq uses that many threads), SCENARIO, VARY, REPLICATIONS, OUT.
#
# A task that failed or was cut short (time limit, preemption) is resubmitted alone; its index
# stays its shard, and --resume keeps the points it finished:
#   sbatch --array=3 --cpus-per-task=2 --export=ALL,SHARDS=8,OUT=output/slurm-sweep examples/slurm/sweep.sbatch
# The merge job of the first submission then never runs: Slurm marks it DependencyNeverSatisfied
# (squeue shows the reason) and leaves it pending. Cancel it (scancel JOBID) and, once the
# resubmitted task has finished, merge by hand or submit the merge again:
#   sbatch --dependency=afterok:NEWJOBID --wrap="./target/release/borderq merge output/slurm-sweep/shard-* --out output/slurm-sweep/merged"
set -euo pipefail

SHARDS=${SHARDS:-8}
CPUS=${CPUS:-2}
OUT=${OUT:-output/slurm-sweep}
export SHARDS OUT
# Slurm opens the --output files before the script runs: the log directory must exist first.
mkdir -p logs "$OUT"
array=$(sbatch --parsable --array="1-$SHARDS" --cpus-per-task="$CPUS" --export=ALL examples/slurm/sweep.sbatch)
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --job-name=borderq-merge --output="logs/%x-%j.out" \
  --wrap="${BORDERQ:-./target/release/borderq} merge $OUT/shard-* --out $OUT/merged")
echo "array job $array ($SHARDS shards), merge job $merge (runs after every shard succeeded)"
