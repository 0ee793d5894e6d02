//! The daily allocation: the seniority pass, then the lottery, against the day's quota, at each port
//! in port order, over the groups waiting at that port. A port closed to allocations gives out no
//! slots; with `redistribute`, its slots go to the open ports in proportion to their slots that day
//! (largest remainder, ties by port order). Slots left unused stay with their port.
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

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use rand::RngExt;

use super::groups::State;
use super::lookahead::Lookahead;
use super::pool::{COIN_NO, COIN_YES, NO_COIN, smallest_size};
use super::{Kind, Sim, StreamKind};
use crate::engine::rng::{self, StreamRng};
use crate::engine::time::{DAY, SimTime};
use crate::model::Model;
use crate::model::observer::Observer;
use crate::model::result::{PortSeries, REQUEST_SCALE};
use crate::scenario::QuotaUnit;

/// What the allocation keeps between days.
#[derive(Debug)]
pub(super) struct Allocation {
    /// The lottery's random stream: request coins and the random order.
    rng: StreamRng,
    /// Per port, registrations that may not yet be eligible: (registration time, slot, id), in time
    /// order.
    recent: Vec<VecDeque<(SimTime, u32, u32)>>,
    /// Per port, every registration in (registration time, id) order, for the seniority pass;
    /// entries of groups that left are dropped lazily from the front. Kept only when some seniority
    /// share is positive.
    seniority: Vec<Seniority>,
    /// Slots reissued to a later allocation (by allocation day and port), under the `reissue` policy.
    reissue: BTreeMap<(i64, u8), u64>,
    /// The day's slots per port (reused buffer).
    quotas: Vec<u64>,
    /// The seniority pass's selections, the lottery's, and the groups whose coin the seniority pass
    /// drew (reused buffers).
    chosen: Vec<u32>,
    drawn: Vec<u32>,
    coins: Vec<u32>,
}

/// One port's seniority order: `(registration time, id, slot)`, ordered by time then id. The
/// registrations at the port come in that order and are appended; the groups that move in from
/// another port, with their earlier registration times, go into an ordered set beside it, so that a
/// move costs a logarithm rather than a shift of the whole log. The pass walks the two merged.
#[derive(Debug, Default)]
struct Seniority {
    log: VecDeque<(SimTime, u32, u32)>,
    moved: BTreeSet<(SimTime, u32, u32)>,
}

impl Seniority {
    fn clear(&mut self) {
        self.log.clear();
        self.moved.clear();
    }

    /// Whether the entry is in the order already.
    fn contains(&self, e: (SimTime, u32, u32)) -> bool {
        self.moved.contains(&e)
            || self.log.binary_search_by(|x| (x.0, x.1).cmp(&(e.0, e.1))).is_ok_and(|i| self.log[i] == e)
    }

    /// Drops the log's entries at these positions (increasing) and these moved-in entries.
    fn compact(&mut self, dead_log: &[usize], dead_moved: &[(SimTime, u32, u32)]) {
        if let Some(&last) = dead_log.last() {
            // Keep the live entries of the prefix up to the last dead one, in order.
            let mut dead = dead_log.iter().peekable();
            let mut kept = 0;
            for k in 0..=last {
                if dead.next_if_eq(&&k).is_none() {
                    self.log.swap(kept, k);
                    kept += 1;
                }
            }
            self.log.drain(kept..=last);
        }
        for e in dead_moved {
            self.moved.remove(e);
        }
    }
}

impl Default for Allocation {
    fn default() -> Self {
        Allocation {
            rng: rng::stream(0, 0, 0),
            recent: Vec::new(),
            seniority: Vec::new(),
            reissue: BTreeMap::new(),
            quotas: Vec::new(),
            chosen: Vec::new(),
            drawn: Vec::new(),
            coins: Vec::new(),
        }
    }
}

impl Allocation {
    /// Empties the logs and seeds the lottery stream for a replication with this seed, at `ports` ports.
    pub(super) fn clear(&mut self, seed: u64, ports: usize) {
        let Allocation { rng, recent, seniority, reissue, quotas, chosen, drawn, coins } = self;
        *rng = rng::stream(seed, StreamKind::Lottery as u32, 0);
        recent.resize_with(ports, VecDeque::new);
        seniority.resize_with(ports, Seniority::default);
        recent.iter_mut().for_each(VecDeque::clear);
        seniority.iter_mut().for_each(Seniority::clear);
        reissue.clear();
        quotas.clear();
        chosen.clear();
        drawn.clear();
        coins.clear();
    }

    /// Notes a registration at `t`: in the seniority order, and among the recent registrations if
    /// it comes at or after the next allocation's request window closed (only those are not yet
    /// eligible at that allocation).
    #[inline]
    pub(super) fn registered(&mut self, m: &Model, t: SimTime, id: u64, slot: u32, port: u8) {
        if t >= m.close_of(m.first_allocation_from(t)) {
            self.recent[port as usize].push_back((t, slot, id as u32));
        }
        if m.uses_seniority {
            self.seniority[port as usize].log.push_back((t, id as u32, slot));
        }
    }

    /// Notes a backlog group, registered at `t` (before time 0), in registration order.
    pub(super) fn backlog_registered(&mut self, m: &Model, t: SimTime, id: u64, slot: u32, port: u8) {
        self.recent[port as usize].push_back((t, slot, id as u32));
        if m.uses_seniority {
            self.seniority[port as usize].log.push_back((t, id as u32, slot));
        }
    }

    /// Notes a group, registered at `t`, that moved to `port`: it keeps its place in the seniority
    /// order, so it goes into that port's log at its registration time, unless its entry is still
    /// there from an earlier stay (a group that comes back is walked once).
    pub(super) fn moved(&mut self, m: &Model, t: SimTime, id: u64, slot: u32, port: u8) {
        if m.uses_seniority {
            let order = &mut self.seniority[port as usize];
            let entry = (t, id as u32, slot);
            if !order.contains(entry) {
                order.moved.insert(entry);
            }
        }
    }

    /// Adds `units` of quota at `port` to the first allocation strictly after `t` (a reissued slot).
    pub(super) fn reissue_after(&mut self, m: &Model, t: SimTime, units: u64, port: u8) {
        let k = (t - m.allocation_offset).div_euclid(DAY) + 1;
        *self.reissue.entry((k, port)).or_insert(0) += units;
    }
}

impl Sim<'_> {
    /// Day `d`'s allocation at `now`: at each port, selects groups by seniority, then by lottery.
    pub(super) fn allocate(&mut self, d: i64, now: SimTime, obs: &mut dyn Observer) {
        let m = self.m;
        let di = d as usize;
        if m.switching.is_some() {
            self.switch_ports(now);
        }
        self.day_quotas(d, now);
        let quotas = std::mem::take(&mut self.allocation.quotas);
        let open = d * DAY + m.open_offset[di];
        let close = m.close_of(d);
        let f = self.outages.requests.overlap(open, close) as f64 / (close - open) as f64;
        let p = m.request_probability[di] * (1.0 - f);
        for (port, &q) in quotas.iter().enumerate() {
            let left = self.allocate_at(port, q, p, close, now, obs);
            assert!(left <= q, "allocation on day {d} used more than the quota of {q} at port {port}");
            if let Some(c) = self.counts_at(port as u8, now) {
                c.unused_slots += left;
                c.slots += q;
            }
            self.set_daily(port, PortSeries::Quota, di, q);
            self.set_daily(port, PortSeries::UnusedSlots, di, left);
        }
        self.allocation.quotas = quotas;
        // Today's coins expire with today's allocation.
        for &slot in &self.allocation.coins {
            if self.groups.state(slot) == State::Waiting {
                self.pool.entry_mut(self.groups.pos(slot)).coin = NO_COIN;
            }
        }
        self.push(m.allocation_at(d + 1), Kind::Allocate, 0, 0);
    }

    /// The allocation at one port with `q` slots: the seniority pass, then the lottery, for groups
    /// requesting with probability `p` and registered before `close`. Returns the slots left.
    fn allocate_at(
        &mut self,
        port: usize,
        q: u64,
        p: f64,
        close: SimTime,
        now: SimTime,
        obs: &mut dyn Observer,
    ) -> u64 {
        let m = self.m;
        let di = (now / DAY) as usize;
        // Eligible = waiting and registered strictly before the window closed.
        let recent = &mut self.allocation.recent[port];
        while recent.front().is_some_and(|(reg, _, _)| *reg < close) {
            recent.pop_front();
        }
        let eligible = eligible_by_size(self, port);
        self.count_requests(port, &eligible, p, di, now);
        let seniority_allot = ((m.seniority_share[di] * q as f64) + 1e-9).floor() as u64;
        let (seniority_left, mut used) = self.seniority_pass(port, p, seniority_allot, close, eligible);
        let chosen = std::mem::take(&mut self.allocation.chosen);
        for &slot in &chosen {
            self.select(slot, now, obs);
        }
        self.allocation.chosen = chosen;
        let mut left = q - seniority_allot + seniority_left;
        self.allocation.drawn.clear();
        if p > 0.0 && left > 0 {
            used += self.lottery(port, p, &mut left, close);
        }
        let drawn = std::mem::take(&mut self.allocation.drawn);
        for &slot in &drawn {
            self.select(slot, now, obs);
        }
        self.allocation.drawn = drawn;
        assert_eq!(used + left, q, "slot accounting at port {port} at {now}");
        left
    }

    /// Counts the day's expected requests at `port`: the `eligible` groups (by size) × the request
    /// probability `p`, in hundredths, without drawing a coin.
    fn count_requests(&mut self, port: usize, eligible: &[u64; 11], p: f64, d: usize, now: SimTime) {
        let groups: u64 = eligible.iter().sum();
        let persons = super::pool::persons(eligible);
        let scaled = |n: u64| (n as f64 * p * REQUEST_SCALE).round() as u64;
        let (g, q) = (scaled(groups), scaled(persons));
        self.set_daily(port, PortSeries::RequestsGroups, d, g);
        self.set_daily(port, PortSeries::RequestsPersons, d, q);
        if let Some(c) = self.counts_at(port as u8, now) {
            c.requests_groups += g;
            c.requests_persons += q;
        }
    }

    /// Each port's slots for day `d` (allocation at `now`), in `allocation.quotas`: its own, plus
    /// slots reissued to it; none at a port closed to allocations, whose slots go to the open ports
    /// in proportion to theirs when the closure redistributes them.
    fn day_quotas(&mut self, d: i64, now: SimTime) {
        let m = self.m;
        let a = &mut self.allocation;
        a.quotas.clear();
        for (i, port) in m.ports.iter().enumerate() {
            let reissued = if a.reissue.is_empty() { 0 } else { a.reissue.remove(&(d, i as u8)).unwrap_or(0) };
            a.quotas.push(port.quota[d as usize] + reissued);
        }
        if m.ports.iter().all(|p| p.no_allocations.is_empty()) {
            return;
        }
        let mut moved = 0;
        let mut weights = vec![0.0; m.ports.len()];
        for (i, port) in m.ports.iter().enumerate() {
            match port.closed_to_allocations(now) {
                Some(redistribute) => {
                    moved += if redistribute { a.quotas[i] } else { 0 };
                    a.quotas[i] = 0;
                }
                None => weights[i] = a.quotas[i] as f64,
            }
        }
        for (q, extra) in a.quotas.iter_mut().zip(crate::model::largest_remainder(moved, &weights)) {
            *q += extra;
        }
    }

    /// The seniority pass: walks the eligible groups in seniority order, drawing each one's request
    /// coin (kept in its pool entry for the lottery), and chooses the requesters that fit into
    /// `allot` units. Returns the units left and those used.
    fn seniority_pass(
        &mut self,
        port: usize,
        p: f64,
        allot: u64,
        close: SimTime,
        mut eligible: [u64; 11],
    ) -> (u64, u64) {
        let m = self.m;
        let a = &mut self.allocation;
        a.chosen.clear();
        if port == 0 {
            a.coins.clear();
        }
        let (mut left, mut used) = (allot, 0);
        if p <= 0.0 || left == 0 || !m.uses_seniority {
            return (left, used);
        }
        let a = &mut self.allocation;
        let order = &mut a.seniority[port];
        let (log, moved) = (&order.log, &order.moved);
        // The entries walked that can never be chosen here again (their group left, or waits at
        // another port, where it has an entry of its own) are dropped after the walk, so that no
        // day walks them again; a selected group keeps its entry, since it may miss and return with
        // its registration time, and so does a booked one while appointments can be cancelled.
        let (mut dead_log, mut dead_moved) = (Vec::new(), Vec::new());
        let (mut i, mut later) = (0, moved.iter().copied().peekable());
        loop {
            let from_log = match (log.get(i), later.peek()) {
                (Some(x), Some(y)) => (x.0, x.1) <= (y.0, y.1),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let (reg, id, slot) = if from_log { log[i] } else { *later.peek().expect("an entry") };
            if reg >= close || left == 0 || !fits_any(m.unit, &eligible, left) {
                break;
            }
            if from_log {
                i += 1;
            } else {
                later.next();
            }
            let here =
                self.groups.is(slot, id as u64, State::Waiting) && self.pool.port_at(self.groups.pos(slot)) == port;
            if !here {
                let may_return = self.groups.is(slot, id as u64, State::Selected)
                    || (m.cancel_at.is_some() || m.closures_cancel) && self.groups.is(slot, id as u64, State::Booked);
                if !may_return {
                    if from_log { dead_log.push(i - 1) } else { dead_moved.push((reg, id, slot)) }
                }
                continue;
            }
            let e = self.pool.entry_mut(self.groups.pos(slot));
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
        order.compact(&dead_log, &dead_moved);
        (left, used)
    }

    /// The lottery: a uniformly random order over the waiting groups (partial Fisher–Yates in the
    /// pool itself), choosing the eligible requesters that fit into `left` units, which it reduces.
    /// A coin the seniority pass drew today stands. Returns the units used.
    ///
    /// The eligibility counts start afresh: the seniority pass consumed its own, and reusing them
    /// would count the groups it walked twice, so the lottery would stop before considering every
    /// candidate (`tests/it/trace.rs`: `lottery_recounts_eligible_groups_after_the_seniority_pass`).
    fn lottery(&mut self, port: usize, p: f64, left: &mut u64, close: SimTime) -> u64 {
        let m = self.m;
        let mut eligible = eligible_by_size(self, port);
        let a = &mut self.allocation;
        // The position of index i of this port's pool is `base | i`.
        let base = self.pool.pos_of(port, 0);
        let entries = &mut self.pool.ports[port].entries;
        let n = entries.len();
        let coin_p = (p < 1.0).then_some(p);
        let mut ahead = Lookahead::start(&a.rng, 0, n, coin_p, entries);
        let (mut i, mut used) = (0, 0);
        while i < n && *left > 0 && fits_any(m.unit, &eligible, *left) {
            let j = a.rng.random_range(i..n);
            entries.swap(i, j);
            let (ei, sj) = (entries[i], entries[j].slot);
            self.groups.set_pos(ei.slot, base | i as u32);
            self.groups.set_pos(sj, base | j as u32);
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

/// Groups waiting at `port` by size, less those registered at or after the request window closed
/// (the registrations still in `recent`, pruned to the window before this is called).
fn eligible_by_size(sim: &Sim, port: usize) -> [u64; 11] {
    let mut eligible = sim.pool.ports[port].by_size;
    for &(_, slot, id) in &sim.allocation.recent[port] {
        if sim.groups.is(slot, id as u64, State::Waiting) {
            let pos = sim.groups.pos(slot);
            if sim.pool.port_at(pos) == port {
                eligible[sim.pool.entry(pos).size as usize] -= 1;
            }
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
