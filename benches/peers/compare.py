"""Runs the reference model R in borderq, SimPy and numpy side by side and prints wall times per
replication, their ratios, and each tool's headline results with 95 % confidence intervals, so a reader
sees that they agree. Invoked by compare.sh (which sets up the virtual environment).

Usage: python compare.py BORDERQ_BINARY [--borderq-reps N] [--numpy-reps N] [--simpy-reps N]
"""
import argparse
import csv
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "reference.toml")
METRICS = ["processed_groups", "abandoned_groups", "missed_confirmations", "mean_waiting_groups", "wait_mean_days"]
# Student-t 0.975 quantiles for small samples (df = n - 1).
T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
        11: 2.201, 12: 2.179, 14: 2.145, 19: 2.093, 29: 2.045}


def t975(df):
    return T975.get(df) or T975[max(k for k in T975 if k <= df)] if df >= 1 else float("nan")


def summary(xs):
    n = len(xs)
    m = statistics.fmean(xs)
    if n < 2:
        return m, float("nan")
    return m, t975(n - 1) * statistics.stdev(xs) / math.sqrt(n)


def run_borderq(binary, reps):
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        subprocess.run([binary, "run", REFERENCE, "--replications", str(reps), "--threads", "1", "--no-charts",
                        "--quiet", "--out", out], check=True)
        seconds = time.perf_counter() - t0
        with open(os.path.join(out, "replications.csv")) as f:
            rows = list(csv.DictReader(f))
    results = [{m: float(r[m]) for m in METRICS} for r in rows]
    return results, seconds / reps


def run_python(script, reps, seed):
    proc = subprocess.run([sys.executable, os.path.join(HERE, script), str(reps), str(seed)], check=True,
                          capture_output=True, text=True)
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return results, statistics.fmean(r["seconds"] for r in results)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("borderq")
    ap.add_argument("--borderq-reps", type=int, default=10)
    ap.add_argument("--numpy-reps", type=int, default=10)
    ap.add_argument("--simpy-reps", type=int, default=2)
    a = ap.parse_args()

    tools = []
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; python {platform.python_version()}",
          flush=True)
    print(f"borderq: {a.borderq_reps} replications on one core ...", flush=True)
    tools.append(("borderq", *run_borderq(a.borderq, a.borderq_reps)))
    print(f"numpy: {a.numpy_reps} replications ...", flush=True)
    tools.append(("numpy", *run_python("numpy_r.py", a.numpy_reps, 7)))
    print(f"SimPy: {a.simpy_reps} replications (slow) ...", flush=True)
    tools.append(("SimPy", *run_python("simpy_r.py", a.simpy_reps, 11)))

    base = tools[0][2]
    print()
    print(f"{'tool':<8} {'reps':>5} {'s/replication':>14} {'vs borderq':>11}")
    for name, results, per_rep in tools:
        print(f"{name:<8} {len(results):>5} {per_rep:>14.3f} {per_rep / base:>10.1f}x")
    print()
    header = f"{'metric':<22}" + "".join(f"{name:>28}" for name, _, _ in tools)
    print(header)
    for m in METRICS:
        cells = []
        for _, results, _ in tools:
            mean, half = summary([r[m] for r in results])
            cells.append(f"{mean:>14.2f} ± {half:<11.2f}" if not math.isnan(half) else f"{mean:>14.2f} (n=1)      ")
        print(f"{m:<22}" + "".join(f"{c:>28}" for c in cells))
    print()
    # Agreement: each peer's mean within the combined 95 % half-widths of borderq's.
    ok = True
    for name, results, _ in tools[1:]:
        for m in METRICS:
            bm, bh = summary([r[m] for r in tools[0][1]])
            pm, ph = summary([r[m] for r in results])
            tol = math.hypot(bh, ph if not math.isnan(ph) else 3 * bh)
            agree = abs(bm - pm) <= tol
            ok &= agree
            if not agree:
                print(f"DISAGREE: {name} {m}: {pm:.3f} vs borderq {bm:.3f} (tolerance {tol:.3f})")
    print("all headline means agree within their confidence intervals" if ok else "some means disagree (see above)")


if __name__ == "__main__":
    main()
