"""The reference model R (benches/reference.toml) written as a SimPy user would write it: one process
per group, an allocator process, a Poisson arrival process. Times are in days.

R: 2,000 groups/day (Poisson), size 1; quota 1,450 groups at 12:00 daily, lottery only, request
probability 1, requests must come from groups registered strictly before 12:00; patience exponential
with mean 120 days; confirmation: one attempt after an exponential delay with mean 4 h clamped at 23 h,
failing with probability 0.05 (a failed last attempt is a miss at that moment, and the group returns to
waiting, or abandons if its patience has run out); processing 14 days after confirmation; 365 days.

Usage: python simpy_r.py REPLICATIONS SEED  -> one JSON line per replication on stdout.
"""
import json
import random
import sys
import time

import simpy

HORIZON = 365.0
RATE = 2000.0
QUOTA = 1450
PATIENCE_MEAN = 120.0
ATTEMPT_MEAN = 4.0 / 24.0
WINDOW = 23.0 / 24.0
FAILURE = 0.05
LEAD = 14.0


class Group:
    __slots__ = ("reg", "deadline", "selected", "enter")


class Model:
    def __init__(self, seed):
        self.env = simpy.Environment()
        self.rng = random.Random(seed)
        self.waiting = {}  # id -> Group: the pool
        self.next_id = 0
        self.processed = 0
        self.abandoned = 0
        self.missed = 0
        self.waits = []
        self.spell_sum = 0.0  # Σ time spent waiting, for the time-average pool
        self.env.process(self.arrivals())
        self.env.process(self.allocator())

    def leave_pool(self, gid, g):
        del self.waiting[gid]
        self.spell_sum += min(self.env.now, HORIZON) - g.enter

    def arrivals(self):
        while True:
            yield self.env.timeout(self.rng.expovariate(RATE))
            self.env.process(self.group(self.next_id))
            self.next_id += 1

    def group(self, gid):
        env, rng = self.env, self.rng
        g = Group()
        g.reg = env.now
        g.deadline = env.now + rng.expovariate(1.0 / PATIENCE_MEAN)
        while True:
            if g.deadline <= env.now:
                self.abandoned += 1
                return
            g.selected = env.event()
            g.enter = env.now
            self.waiting[gid] = g
            timeout = env.timeout(g.deadline - env.now)
            result = yield g.selected | timeout
            if g.selected not in result:
                self.leave_pool(gid, g)
                self.abandoned += 1
                return
            # Selected (the allocator removed it from the pool): one confirmation attempt.
            yield env.timeout(min(rng.expovariate(1.0 / ATTEMPT_MEAN), WINDOW))
            if rng.random() >= FAILURE:
                yield env.timeout(LEAD)
                self.processed += 1
                self.waits.append(env.now - g.reg)
                return
            self.missed += 1  # miss at the failed attempt; back to waiting (or abandon)

    def allocator(self):
        env, rng = self.env, self.rng
        yield env.timeout(0.5)
        while True:
            now = env.now
            eligible = [gid for gid, g in self.waiting.items() if g.reg < now]
            chosen = rng.sample(eligible, min(QUOTA, len(eligible)))
            for gid in chosen:
                g = self.waiting[gid]
                self.leave_pool(gid, g)
                g.selected.succeed()
            yield env.timeout(1.0)

    def run(self):
        self.env.run(until=HORIZON)
        for g in self.waiting.values():
            self.spell_sum += HORIZON - g.enter
        return {
            "processed_groups": self.processed,
            "abandoned_groups": self.abandoned,
            "missed_confirmations": self.missed,
            "mean_waiting_groups": self.spell_sum / HORIZON,
            "wait_mean_days": sum(self.waits) / len(self.waits),
        }


if __name__ == "__main__":
    reps, seed = int(sys.argv[1]), int(sys.argv[2])
    for r in range(reps):
        t0 = time.perf_counter()
        out = Model(seed * 1000 + r).run()
        out["seconds"] = time.perf_counter() - t0
        print(json.dumps(out), flush=True)
