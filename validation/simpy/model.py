"""An independent SimPy implementation of borderq's allocation–confirmation–abandonment mechanics,
written from the model's description.md §2 alone (not from borderq's code). It reads the same scenario TOML files (the
subset used in validation/simpy/scenarios: Poisson arrivals with empirical group sizes, an initial
backlog, the daily allocation with seniority and lottery, the persons or groups unit with the skip rule,
request probability, the confirmation window with attempts, retries, failures and explicit confirmation
outages under none / extend / reissue, on_miss return / drop, lead times, no-shows, exponential patience).

Time is in days (floats). Usage: python model.py SCENARIO.toml REPLICATIONS SEED -> one JSON line each.
"""
import bisect
import json
import math
import random
import sys
import tomllib
from datetime import date, datetime

import simpy


def days_between(a, b):
    return (b - a).total_seconds() / 86400.0


class Dist:
    def __init__(self, spec):
        if isinstance(spec, (int, float)):
            spec = {"dist": "constant", "value": spec}
        self.s = spec

    def sample(self, rng):
        s = self.s
        kind = s["dist"]
        if kind == "constant":
            x = s["value"]
        elif kind == "exponential":
            x = rng.expovariate(1.0 / s["mean"])
        elif kind == "uniform":
            return rng.uniform(s["min"], s["max"])
        elif kind == "empirical":
            x = rng.choices(s["values"], weights=s["weights"])[0]
        else:
            raise ValueError(f"distribution {kind} is not part of this check")
        if "min" in s:
            x = max(x, s["min"])
        if "max" in s:
            x = min(x, s["max"])
        return x

    def survival_conditional(self, age, rng):
        """Patience conditioned on exceeding `age`; exponential: memoryless."""
        assert self.s["dist"] == "exponential"
        return age + rng.expovariate(1.0 / self.s["mean"])


class Group:
    __slots__ = ("id", "size", "reg", "deadline", "enter", "selected_event", "waiting")


class Model:
    def __init__(self, sc, seed):
        self.sc = sc
        self.rng = random.Random(seed)
        self.env = simpy.Environment()
        s = sc["scenario"]
        self.start = date.fromisoformat(s["start"])
        self.T = float((date.fromisoformat(s["end"]) - self.start).days)
        q = sc["quota"]
        self.persons = q.get("unit", "persons") == "persons"
        self.quota = q["daily"]
        self.alloc_h = q.get("allocation_hour", 12) / 24.0
        self.open_h = q.get("request_open_hour", 0) / 24.0
        self.close_h = q.get("request_close_hour", 12) / 24.0
        self.p_request = q.get("request_probability", 1.0)
        self.share = q.get("seniority_share", 0.0)
        c = sc["confirmation"]
        self.window = c.get("window_hours", 23) / 24.0
        self.first = Dist(c.get("first_attempt_hours", 0))
        self.retry = Dist(c.get("retry_hours", 1))
        self.max_attempts = c.get("max_attempts", 1)
        self.fail_p = c.get("failure_probability", 0.0)
        self.policy = c.get("outage_policy", "none")
        self.grace = c.get("grace_hours", 0) / 24.0
        self.on_miss = c.get("on_miss", "return")
        a = sc["appointment"]
        self.lead = Dist(a.get("lead_days", 0))
        self.no_show = a.get("no_show_probability", 0.0)
        self.patience = Dist(sc["abandonment"]["patience_days"])
        origin = datetime.combine(self.start, datetime.min.time())
        spans = []
        for o in sc.get("outages", []):
            if "confirmations" in o.get("affects", ["confirmations"]):
                s0 = days_between(origin, datetime.fromisoformat(o["start"]))
                spans.append((s0, s0 + o["hours"] / 24.0))
        spans.sort()
        merged = []
        for a0, b0 in spans:
            if merged and a0 <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b0))
            else:
                merged.append((a0, b0))
        self.outages = merged
        self.pool = {}
        self.next_id = 0
        self.reissue = {}
        self.m = dict(processed_persons=0, abandoned_groups=0, missed_confirmations=0, missed_in_outage=0,
                      unused_slots=0, booked_groups=0)
        self.waits, self.sel_waits = [], []
        self.spells = 0.0

    # --- outages
    def in_outage(self, t):
        for a, b in self.outages:
            if a <= t < b:
                return b
        return None

    def overlap(self, a, b):
        return sum(max(0.0, min(b, y) - max(a, x)) for x, y in self.outages)

    # --- the pool
    def enter(self, g):
        g.enter = self.env.now
        g.selected_event = self.env.event()
        self.pool[g.id] = g
        self.env.process(self.patience_clock(g, g.selected_event))

    def leave(self, g, t):
        del self.pool[g.id]
        self.spells += min(t, self.T) - max(g.enter, 0.0)

    def patience_clock(self, g, selected):
        wait = g.deadline - self.env.now
        if wait > 0:
            result = yield selected | self.env.timeout(wait)
            if selected in result:
                return
        else:
            yield self.env.timeout(0)
            if selected.triggered:
                return
        if g.id in self.pool:
            self.leave(g, self.env.now)
            self.m["abandoned_groups"] += 1

    def new_group(self, size, reg, deadline):
        g = Group()
        g.id, g.size, g.reg, g.deadline = self.next_id, size, reg, deadline
        self.next_id += 1
        return g

    # --- sources
    def backlog(self):
        i = self.sc["initial"]
        sizes, ages = Dist(i["group_size"]), Dist(i["registered_days_ago"])
        for _ in range(i["groups"]):
            size, age = int(round(sizes.sample(self.rng))), ages.sample(self.rng)
            g = self.new_group(size, -age, -age + self.patience.survival_conditional(age, self.rng))
            self.enter(g)

    def arrivals(self, stream):
        rate, sizes = stream["groups_per_day"], Dist(stream["group_size"])
        while True:
            yield self.env.timeout(self.rng.expovariate(rate))
            t = self.env.now
            g = self.new_group(int(round(sizes.sample(self.rng))), t, t + self.patience.sample(self.rng))
            self.enter(g)

    # --- the daily allocation
    def allocator(self):
        d = 0
        while d + self.alloc_h < self.T:
            yield self.env.timeout(d + self.alloc_h - self.env.now)
            now = self.env.now
            close = d + self.close_h
            q = self.quota + self.reissue.pop(d, 0)
            requesters = [g for g in self.pool.values() if g.reg < close and self.rng.random() < self.p_request]
            cost = (lambda g: g.size) if self.persons else (lambda g: 1)
            sen_allot = math.floor(self.share * q + 1e-9)
            chosen = []
            left = sen_allot
            for g in sorted(requesters, key=lambda g: (g.reg, g.id)):
                if left == 0:
                    break
                if cost(g) <= left:
                    chosen.append(g)
                    left -= cost(g)
            picked = {g.id for g in chosen}
            rest = [g for g in requesters if g.id not in picked]
            self.rng.shuffle(rest)
            left = q - sen_allot + left
            for g in rest:
                if left == 0:
                    break
                if cost(g) <= left:
                    chosen.append(g)
                    left -= cost(g)
            self.m["unused_slots"] += left
            for g in chosen:
                self.leave(g, now)
                g.selected_event.succeed()
                self.env.process(self.confirm(g))
            d += 1

    # --- confirmation
    def confirm(self, g):
        env, rng = self.env, self.rng
        a = env.now
        d0 = a + self.window
        overlapped = self.overlap(a, d0) > 0
        deadline = d0
        if self.policy == "extend" and overlapped:
            while True:
                nxt = d0 + self.overlap(a, deadline)
                if nxt == deadline:
                    break
                deadline = nxt
            deadline += self.grace
        t = a + self.first.sample(rng) / 24.0
        attempts = 0
        while True:
            if self.policy == "extend":
                end = self.in_outage(t)
                if end is not None:
                    t = end
            if t > deadline:
                miss_at = deadline
                break
            yield env.timeout(t - env.now)
            attempts += 1
            failed = self.in_outage(t) is not None or rng.random() < self.fail_p
            if not failed:
                yield from self.book(g)
                return
            if attempts >= self.max_attempts:
                miss_at = t
                break
            t += self.retry.sample(rng) / 24.0
        yield env.timeout(miss_at - env.now)
        self.m["missed_confirmations"] += 1
        if overlapped:
            self.m["missed_in_outage"] += 1
            if self.policy == "reissue":
                k = math.floor(env.now - self.alloc_h) + 1  # first allocation strictly after the miss
                self.reissue[k] = self.reissue.get(k, 0) + (g.size if self.persons else 1)
        if self.on_miss == "drop" or g.deadline <= env.now:
            self.m["abandoned_groups"] += 1
        else:
            self.enter(g)

    def book(self, g):
        env = self.env
        self.m["booked_groups"] += 1
        self.sel_waits.append(env.now - g.reg)
        yield env.timeout(self.lead.sample(self.rng))
        if self.rng.random() >= self.no_show:
            self.m["processed_persons"] += g.size
            self.waits.append(env.now - g.reg)

    def run(self):
        self.backlog()
        for s in self.sc.get("arrivals", []):
            self.env.process(self.arrivals(s))
        self.env.process(self.allocator())
        self.env.run(until=self.T)
        for g in self.pool.values():
            self.spells += self.T - max(g.enter, 0.0)
        out = dict(self.m)
        out["mean_waiting_groups"] = self.spells / self.T
        out["wait_mean_days"] = sum(self.waits) / len(self.waits)
        out["selection_wait_mean_days"] = sum(self.sel_waits) / len(self.sel_waits)
        return out


if __name__ == "__main__":
    path, reps, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with open(path, "rb") as f:
        sc = tomllib.load(f)
    for r in range(reps):
        print(json.dumps(Model(sc, seed * 100_000 + r).run()), flush=True)
