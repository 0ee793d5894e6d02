#!/usr/bin/env python3
"""Compares borderq's sensitivity indices with SALib's on the same design and outputs.

Run by hand from the repository root (it builds borderq and creates its own virtual environment):

    python3 validation/salib_compare.py

For each method it runs a small `borderq sensitivity` study of the bundled `bailey` scenario, reads
the design points' outputs (points/point-*.csv, the mean of each metric over the replications) and
the design (design.csv), hands the same outputs to SALib (`sobol.analyze` with
calc_second_order=False, `morris.analyze`), and prints the largest absolute difference between
SALib's estimates and borderq's sensitivity.csv. The estimators are the same formulas (Saltelli
2010 first order, Jansen 1999 total; Morris mu*, mu, sigma), so the point estimates must agree to
rounding; the intervals differ by construction (SALib: normal approximation over bootstrap
resamples; borderq: percentile bootstrap) and are not compared.
"""
import csv
import glob
import os
import subprocess
import sys
import tempfile
import venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = os.path.join(ROOT, "target", "salib-venv")


def python_with_salib():
    py = os.path.join(ENV, "bin", "python")
    if not os.path.exists(py):
        venv.create(ENV, with_pip=True)
        subprocess.run([py, "-m", "pip", "install", "-q", "SALib==1.5.1", "pandas==2.1.4", "numpy==1.26.4"], check=True)
    return py


def run_borderq(out, method, params, samples, extra):
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    cmd = [os.path.join(ROOT, "target", "release", "borderq"), "sensitivity", "bailey", "--method", method,
           "--samples", str(samples), "--replications", "4", "--set", 'scenario.end="2024-07-01"',
           "--metric", "wait_mean_days", "--quiet", "--no-charts", "--force", "--out", out]
    for p in params:
        cmd += ["--param", p]
    subprocess.run(cmd + extra, check=True)


ANALYSE = r'''
import csv, glob, json, sys
import numpy as np
from SALib.analyze import sobol, morris
out, method, params, levels = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
names = [p.split("=")[0] for p in params]
bounds = [[float(x) for x in p.split("=")[1].split(":")] for p in params]
problem = {"num_vars": len(names), "names": names, "bounds": bounds}
points = {}
for f in glob.glob(out + "/points/point-*.csv"):
    if f.endswith("-ports.csv"):
        continue
    rows = list(csv.DictReader(open(f)))
    points[int(rows[0]["point"])] = float(rows[0]["wait_mean_days_mean"])
y = np.array([points[i] for i in range(len(points))])
k = len(names)
ours = {(r["parameter"], r["index"]): float(r["value"]) for r in csv.DictReader(open(out + "/sensitivity.csv")) if r["value"]}
worst = 0.0
if method == "sobol":
    # borderq orders each row A, B, AB1..ABk; SALib wants A, AB1..ABk, B.
    rows = y.reshape(-1, k + 2)
    salib_y = np.concatenate([rows[:, [0]], rows[:, 2:], rows[:, [1]]], axis=1).ravel()
    si = sobol.analyze(problem, salib_y, calc_second_order=False, print_to_console=False)
    for i, n in enumerate(names):
        for idx, key in (("S1", "S1"), ("ST", "ST")):
            d = abs(si[key][i] - ours[(n, idx)])
            worst = max(worst, d)
            print(f"{n:40s} {idx:3s} SALib {si[key][i]: .6f}  borderq {ours[(n, idx)]: .6f}  |diff| {d:.2e}")
else:
    design = list(csv.DictReader(open(out + "/design.csv")))
    x = np.array([[float(r[n]) for n in names] for r in design])
    si = morris.analyze(problem, x, y, num_levels=levels, print_to_console=False)
    for i, n in enumerate(names):
        for idx, key in (("mu_star", "mu_star"), ("mu", "mu"), ("sigma", "sigma")):
            d = abs(si[key][i] - ours[(n, idx)])
            worst = max(worst, d)
            print(f"{n:40s} {idx:7s} SALib {si[key][i]: .6f}  borderq {ours[(n, idx)]: .6f}  |diff| {d:.2e}")
print(f"largest |difference|: {worst:.3e}")
sys.exit(0 if worst < 1e-9 * max(1.0, float(np.abs(y).max())) else 1)
'''


def main():
    py = python_with_salib()
    import json
    params = ["quota.daily=95:110", "arrivals.0.groups_per_day=80.0:100.0", "scenario.warmup_days=30.0:60.0"]
    status = 0
    with tempfile.TemporaryDirectory() as tmp:
        for method, samples, extra, levels in (("sobol", 64, [], 0), ("morris", 20, ["--levels", "4"], 4)):
            out = os.path.join(tmp, method)
            run_borderq(out, method, params, samples, extra)
            print(f"== {method}")
            r = subprocess.run([py, "-c", ANALYSE, out, method, json.dumps(params), str(levels)])
            status |= r.returncode
    sys.exit(status)


if __name__ == "__main__":
    main()
