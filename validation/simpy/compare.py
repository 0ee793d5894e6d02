"""Runs each shared scenario in borderq and in the independent SimPy model (model.py) on many
replications and checks that every headline mean agrees within the two 95 % confidence intervals
(|difference| ≤ 1.96·√(se₁² + se₂²), a two-sample z test at the 5 % level; with several metrics and
scenarios a few failures at that level would be expected by chance, so a failure is reported, and the
script exits non-zero only when a metric differs by more than 3.5 combined standard errors).

Usage: python compare.py BORDERQ_BINARY [REPLICATIONS] — invoked by run.sh.
"""
import csv
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
METRICS = ["booked_groups", "processed_persons", "abandoned_groups", "missed_confirmations", "missed_in_outage",
           "unused_slots", "mean_waiting_groups", "wait_mean_days", "selection_wait_mean_days"]


def mean_se(xs):
    return statistics.fmean(xs), statistics.stdev(xs) / math.sqrt(len(xs))


def borderq(binary, scenario, reps):
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([binary, "run", scenario, "--replications", str(reps), "--no-charts", "--quiet", "--out", out],
                       check=True)
        with open(os.path.join(out, "replications.csv")) as f:
            return [{m: float(r[m]) for m in METRICS} for r in csv.DictReader(f)]


def simpy(scenario, reps):
    p = subprocess.run([sys.executable, os.path.join(HERE, "model.py"), scenario, str(reps), "7"], check=True,
                       capture_output=True, text=True)
    return [json.loads(l) for l in p.stdout.splitlines() if l.strip()]


def main():
    binary = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    worst = 0.0
    failures = 0
    for name in sorted(os.listdir(os.path.join(HERE, "scenarios"))):
        path = os.path.join(HERE, "scenarios", name)
        t0 = time.perf_counter()
        b, s = borderq(binary, path, reps), simpy(path, reps)
        print(f"\n{name}: {reps} replications each ({time.perf_counter() - t0:.0f} s)")
        print(f"  {'metric':<26} {'borderq':>22} {'SimPy':>22} {'z':>6}")
        for m in METRICS:
            (mb, sb), (ms, ss) = mean_se([r[m] for r in b]), mean_se([r[m] for r in s])
            se = math.hypot(sb, ss)
            z = (mb - ms) / se if se > 0 else (0.0 if mb == ms else math.inf)
            worst = max(worst, abs(z))
            flag = "" if abs(z) <= 1.96 else "  <- outside the 95 % CIs"
            failures += abs(z) > 1.96
            print(f"  {m:<26} {mb:>14.3f} ± {1.96 * sb:<6.3f} {ms:>14.3f} ± {1.96 * ss:<6.3f} {z:>6.2f}{flag}")
    print(f"\n{failures} of {len(METRICS) * 3} comparisons outside the 95 % CIs; largest |z| = {worst:.2f}")
    sys.exit(1 if worst > 3.5 else 0)


if __name__ == "__main__":
    main()
