"""The reference model R (benches/reference.toml) as a vectorised numpy day-stepping model: each day is
two half-day steps around the 12:00 allocation, and every group-level draw is an array operation.
Event times inside a step are exact (arrival, patience and return instants are kept as floats), so
the law is that of R; only the bookkeeping is batched. Times are in days.

Usage: python numpy_r.py REPLICATIONS SEED  -> one JSON line per replication on stdout.
"""
import json
import sys
import time

import numpy as np

HORIZON = 365
RATE = 2000.0
QUOTA = 1450
PATIENCE_MEAN = 120.0
ATTEMPT_MEAN = 4.0 / 24.0
WINDOW = 23.0 / 24.0
FAILURE = 0.05
LEAD = 14.0


def replicate(seed):
    rng = np.random.default_rng(seed)
    # The pool: registration time, patience deadline, time it (re-)entered the pool.
    reg = np.empty(0)
    dead = np.empty(0)
    enter = np.empty(0)
    # Groups that missed and will return: return time, registration, deadline.
    ret_t = np.empty(0)
    ret_reg = np.empty(0)
    ret_dead = np.empty(0)
    processed = abandoned = missed = 0
    wait_sum = 0.0
    spell_sum = 0.0

    def advance(t_end, reg, dead, enter, ret_t, ret_reg, ret_dead):
        """Abandonments with deadline < t_end and returns with time < t_end (exact instants)."""
        nonlocal abandoned, spell_sum
        gone = dead < t_end
        spell_sum_local = np.sum(dead[gone] - enter[gone])
        abandoned += int(gone.sum())
        keep = ~gone
        reg, dead, enter = reg[keep], dead[keep], enter[keep]
        back = ret_t < t_end
        rt, rr, rd = ret_t[back], ret_reg[back], ret_dead[back]
        late = rd <= rt  # patience already over when it returns: abandons at once
        abandoned += int(late.sum())
        rt, rr, rd = rt[~late], rr[~late], rd[~late]
        # A returned group may still abandon before t_end.
        gone2 = rd < t_end
        spell_sum_local += np.sum(rd[gone2] - rt[gone2])
        abandoned += int(gone2.sum())
        rt, rr, rd = rt[~gone2], rr[~gone2], rd[~gone2]
        spell_sum += spell_sum_local
        reg = np.concatenate([reg, rr])
        dead = np.concatenate([dead, rd])
        enter = np.concatenate([enter, rt])
        return reg, dead, enter, ret_t[~back], ret_reg[~back], ret_dead[~back]

    for d in range(HORIZON):
        n = rng.poisson(RATE)
        times = d + np.sort(rng.random(n))
        pat = times + rng.exponential(PATIENCE_MEAN, n)
        noon = d + 0.5
        morning = times < noon
        # Morning arrivals, then everything up to the allocation.
        reg = np.concatenate([reg, times[morning]])
        dead = np.concatenate([dead, pat[morning]])
        enter = np.concatenate([enter, times[morning]])
        reg, dead, enter, ret_t, ret_reg, ret_dead = advance(noon, reg, dead, enter, ret_t, ret_reg, ret_dead)
        # Allocation: a lottery without replacement among the pool (all registered before noon).
        k = min(QUOTA, reg.size)
        pick = rng.choice(reg.size, size=k, replace=False)
        mask = np.zeros(reg.size, dtype=bool)
        mask[pick] = True
        spell_sum += np.sum(noon - enter[mask])
        s_reg, s_dead = reg[mask], dead[mask]
        reg, dead, enter = reg[~mask], dead[~mask], enter[~mask]
        attempt = noon + np.minimum(rng.exponential(ATTEMPT_MEAN, k), WINDOW)
        ok = rng.random(k) >= FAILURE
        done = attempt[ok] + LEAD
        in_horizon = done < HORIZON
        processed += int(in_horizon.sum())
        wait_sum += float(np.sum(done[in_horizon] - s_reg[ok][in_horizon]))
        missed += int((~ok).sum())
        ret_t = np.concatenate([ret_t, attempt[~ok]])
        ret_reg = np.concatenate([ret_reg, s_reg[~ok]])
        ret_dead = np.concatenate([ret_dead, s_dead[~ok]])
        # Afternoon arrivals, then everything up to midnight.
        reg = np.concatenate([reg, times[~morning]])
        dead = np.concatenate([dead, pat[~morning]])
        enter = np.concatenate([enter, times[~morning]])
        reg, dead, enter, ret_t, ret_reg, ret_dead = advance(d + 1.0, reg, dead, enter, ret_t, ret_reg, ret_dead)
    spell_sum += np.sum(HORIZON - enter)
    return {
        "processed_groups": processed,
        "abandoned_groups": abandoned,
        "missed_confirmations": missed,
        "mean_waiting_groups": spell_sum / HORIZON,
        "wait_mean_days": wait_sum / processed,
    }


if __name__ == "__main__":
    reps, seed = int(sys.argv[1]), int(sys.argv[2])
    for r in range(reps):
        t0 = time.perf_counter()
        out = replicate(seed * 1000 + r)
        out["seconds"] = time.perf_counter() - t0
        print(json.dumps(out), flush=True)
