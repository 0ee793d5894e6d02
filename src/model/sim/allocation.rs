//! The daily allocation: the seniority pass, then the lottery, against the day's quota.
//!
//! Eligible groups are those waiting that registered strictly before the request window closed.
//! Each decides to request with one coin per allocation, with probability
//! `request_probability × (1 − f)`, where `f` is the share of the request window inside a request
//! outage; both passes share that coin.
//! - The seniority pass walks the eligible groups in (registration time, id) order and selects each
//!   requester that fits, up to `floor(seniority_share × quota + 1e-9)` units.
//! - The lottery draws the other eligible groups in a uniformly random order (a partial
//!   Fisher–Yates over the pool) and selects each requester that fits, up to what is left.
//!
//! A pass stops as soon as no eligible group it has not considered can fit, which it knows from the
//! counts by size: the same law as scanning every candidate.

use std::collections::{BTreeMap, VecDeque};

use rand::RngExt;

use super::groups::State;
use super::lookahead::Lookahead;
use super::pool::{COIN_NO, COIN_YES, NO_COIN, smallest_size};
use super::{Kind, Sim, StreamKind};
use crate::engine::rng::{self, StreamRng};
use crate::engine::time::{DAY, SimTime};
use crate::model::Model;
use crate::model::observer::Observer;
use crate::model::result::Series;
use crate::scenario::QuotaUnit;

/// What the allocation keeps between days.
#[derive(Debug)]
pub(super) struct Allocation {
    /// The lottery's random stream: request coins and the random order.
    rng: StreamRng,
    /// Registrations that may not yet be eligible: (registration time, slot, id), in time order.
    recent: VecDeque<(SimTime, u32, u64)>,
    /// Every registration in (registration time, id) order, for the seniority pass; entries of
    /// groups that left are dropped lazily from the front. Kept only when some seniority share is
    /// positive.
    seniority: VecDeque<(SimTime, u64, u32)>,
    /// Slots reissued to a later allocation (by allocation day), under the `reissue` policy.
    reissue: BTreeMap<i64, u64>,
    /// The seniority pass's selections, the lottery's, and the groups whose coin the seniority pass
    /// drew (reused buffers).
    chosen: Vec<u32>,
    drawn: Vec<u32>,
    coins: Vec<u32>,
}

impl Default for Allocation {
    fn default() -> Self {
        Allocation {
            rng: rng::stream(0, 0, 0),
            recent: VecDeque::new(),
            seniority: VecDeque::new(),
            reissue: BTreeMap::new(),
            chosen: Vec::new(),
            drawn: Vec::new(),
            coins: Vec::new(),
        }
    }
}

impl Allocation {
    /// Empties the logs and seeds the lottery stream for a replication with this seed.
    pub(super) fn clear(&mut self, seed: u64) {
        let Allocation { rng, recent, seniority, reissue, chosen, drawn, coins } = self;
        *rng = rng::stream(seed, StreamKind::Lottery as u32, 0);
        recent.clear();
        seniority.clear();
        reissue.clear();
        chosen.clear();
        drawn.clear();
        coins.clear();
    }

    /// Notes a registration at `t`: in the seniority order, and among the recent registrations if
    /// it comes at or after the next allocation's request window closed (only those are not yet
    /// eligible at that allocation).
    #[inline]
    pub(super) fn registered(&mut self, m: &Model, t: SimTime, id: u64, slot: u32) {
        if t >= m.first_allocation_from(t) * DAY + m.close_offset {
            self.recent.push_back((t, slot, id));
        }
        if m.uses_seniority {
            self.seniority.push_back((t, id, slot));
        }
    }

    /// Notes a backlog group, registered at `t` (before time 0), in registration order.
    pub(super) fn backlog_registered(&mut self, m: &Model, t: SimTime, id: u64, slot: u32) {
        self.recent.push_back((t, slot, id));
        if m.uses_seniority {
            self.seniority.push_back((t, id, slot));
        }
    }

    /// Adds `units` of quota to the first allocation strictly after `t` (a reissued slot).
    pub(super) fn reissue_after(&mut self, m: &Model, t: SimTime, units: u64) {
        let k = (t - m.allocation_offset).div_euclid(DAY) + 1;
        *self.reissue.entry(k).or_insert(0) += units;
    }
}

impl Sim<'_> {
    /// Day `d`'s allocation at `now`: selects groups by seniority, then by lottery.
    pub(super) fn allocate(&mut self, d: i64, now: SimTime, obs: &mut dyn Observer) {
        let m = self.m;
        let di = d as usize;
        let q = m.quota[di] + self.allocation.reissue.remove(&d).unwrap_or(0);
        self.tally.set_daily(Series::Quota, di, q as f64);
        let open = d * DAY + m.open_offset;
        let close = d * DAY + m.close_offset;
        let f = self.outages.requests.overlap(open, close) as f64 / (close - open) as f64;
        let p = m.request_probability[di] * (1.0 - f);
        // Eligible = waiting and registered strictly before the window closed.
        while self.allocation.recent.front().is_some_and(|(reg, _, _)| *reg < close) {
            self.allocation.recent.pop_front();
        }
        let seniority_allot = ((m.seniority_share[di] * q as f64) + 1e-9).floor() as u64;
        let (seniority_left, mut used) = self.seniority_pass(p, seniority_allot, close);
        let chosen = std::mem::take(&mut self.allocation.chosen);
        for &slot in &chosen {
            self.select(slot, now, obs);
        }
        self.allocation.chosen = chosen;
        let mut left = q - seniority_allot + seniority_left;
        self.allocation.drawn.clear();
        if p > 0.0 && left > 0 {
            used += self.lottery(p, &mut left, close);
        }
        let drawn = std::mem::take(&mut self.allocation.drawn);
        for &slot in &drawn {
            self.select(slot, now, obs);
        }
        self.allocation.drawn = drawn;
        assert!(used <= q, "allocation on day {d} used {used} slots of a quota of {q}");
        assert_eq!(used + left, q, "slot accounting on day {d}");
        if self.tally.counts_at(now) {
            self.tally.counts.unused_slots += left;
        }
        self.tally.set_daily(Series::UnusedSlots, di, left as f64);
        // Today's coins expire with today's allocation.
        for &slot in &self.allocation.coins {
            if self.groups.state(slot) == State::Waiting {
                self.pool.entries[self.groups.pos(slot) as usize].coin = NO_COIN;
            }
        }
        self.push(m.allocation_at(d + 1), Kind::Allocate, 0, 0);
    }

    /// The seniority pass: walks the eligible groups in seniority order, drawing each one's request
    /// coin (kept in its pool entry for the lottery), and chooses the requesters that fit into
    /// `allot` units. Returns the units left and those used.
    fn seniority_pass(&mut self, p: f64, allot: u64, close: SimTime) -> (u64, u64) {
        let m = self.m;
        let a = &mut self.allocation;
        a.chosen.clear();
        a.coins.clear();
        let (mut left, mut used) = (allot, 0);
        if p <= 0.0 || left == 0 || !m.uses_seniority {
            return (left, used);
        }
        let mut eligible = eligible_by_size(self);
        let a = &mut self.allocation;
        // Drop entries of groups that can never wait again (booked, gone, slot reused); a selected
        // group keeps its entry, since it may miss and return with its registration time.
        while let Some(&(_, id, slot)) = a.seniority.front() {
            let may_return = self.groups.is(slot, id, State::Selected)
                || m.cancel_at.is_some() && self.groups.is(slot, id, State::Booked);
            if self.groups.is(slot, id, State::Waiting) || may_return {
                break;
            }
            a.seniority.pop_front();
        }
        for &(reg, id, slot) in a.seniority.iter() {
            if reg >= close || left == 0 || !fits_any(m.unit, &eligible, left) {
                break;
            }
            if !self.groups.is(slot, id, State::Waiting) {
                continue;
            }
            let e = &mut self.pool.entries[self.groups.pos(slot) as usize];
            eligible[e.size as usize] -= 1;
            let coin = p >= 1.0 || a.rng.random_bool(p);
            e.coin = if coin { COIN_YES } else { COIN_NO };
            let cost = m.cost(e.size);
            a.coins.push(slot);
            if coin && cost <= left {
                a.chosen.push(slot);
                left -= cost;
                used += cost;
            }
        }
        (left, used)
    }

    /// The lottery: a uniformly random order over the waiting groups (partial Fisher–Yates in the
    /// pool itself), choosing the eligible requesters that fit into `left` units, which it reduces.
    /// A coin the seniority pass drew today stands. Returns the units used.
    ///
    /// The eligibility counts start afresh: the seniority pass consumed its own, and reusing them
    /// would count the groups it walked twice, so the lottery would stop before considering every
    /// candidate (`tests/it/trace.rs`: `lottery_recounts_eligible_groups_after_the_seniority_pass`).
    fn lottery(&mut self, p: f64, left: &mut u64, close: SimTime) -> u64 {
        let m = self.m;
        let mut eligible = eligible_by_size(self);
        let a = &mut self.allocation;
        let entries = &mut self.pool.entries;
        let n = entries.len();
        let coin_p = (p < 1.0).then_some(p);
        let mut ahead = Lookahead::start(&a.rng, 0, n, coin_p, entries);
        let (mut i, mut used) = (0, 0);
        while i < n && *left > 0 && fits_any(m.unit, &eligible, *left) {
            let j = a.rng.random_range(i..n);
            entries.swap(i, j);
            let (ei, sj) = (entries[i], entries[j].slot);
            self.groups.set_pos(ei.slot, i as u32);
            self.groups.set_pos(sj, j as u32);
            i += 1;
            let mut drew_coin = false;
            if ei.registered_at < close {
                eligible[ei.size as usize] -= 1;
                let coin = match ei.coin {
                    NO_COIN => match coin_p {
                        Some(p) => {
                            drew_coin = true;
                            a.rng.random_bool(p)
                        }
                        None => true,
                    },
                    c => c == COIN_YES,
                };
                let cost = m.cost(ei.size);
                if coin && cost <= *left {
                    a.drawn.push(ei.slot);
                    *left -= cost;
                    used += cost;
                }
            }
            if drew_coin == coin_p.is_some() {
                ahead.step(entries);
            } else {
                // The guess was wrong (no coin drawn): guess again from the lottery's state.
                ahead = Lookahead::start(&a.rng, i, n, coin_p, entries);
            }
        }
        used
    }
}

/// Waiting groups by size, less those registered at or after the request window closed (the
/// registrations still in `recent`, pruned to the window before this is called).
fn eligible_by_size(sim: &Sim) -> [u64; 11] {
    let mut eligible = sim.pool.by_size;
    for &(_, slot, id) in &sim.allocation.recent {
        if sim.groups.is(slot, id, State::Waiting) {
            eligible[sim.pool.entries[sim.groups.pos(slot) as usize].size as usize] -= 1;
        }
    }
    eligible
}

/// Whether any eligible, not yet considered group fits in `left` units.
#[inline]
fn fits_any(unit: QuotaUnit, eligible: &[u64; 11], left: u64) -> bool {
    match unit {
        QuotaUnit::Groups => eligible.iter().any(|c| *c > 0),
        QuotaUnit::Persons => smallest_size(eligible).is_some_and(|s| s <= left),
    }
}
