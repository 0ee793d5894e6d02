//! Ports of entry: which port a group queues at, and the daily moves between ports.
//!
//! A group's port is drawn when the group is created, by the weights of its source, or else in
//! proportion to the ports' slots on its registration day, a port closed to allocations then
//! weighing nothing (equal weights for the open ports if none has slots); a source with one port of
//! positive weight draws nothing. If every port is closed, the group draws among all by their slots. With `[port_switching]`, at each
//! allocation, before it, every group that has waited longer than `after_days` since registering
//! moves with `daily_probability` (one coin per group, ports in order, each pool in its order):
//! - `weights`: to a port drawn by its source's weights, its current port left out;
//! - `shortest_wait`: to the port with the fewest days of slots ahead (persons waiting over that
//!   day's slots, measured before anyone moves), if fewer than at its own; ties by port order.
//!
//! A group that moves keeps its registration time, so its seniority and its waits are unchanged.

use rand::RngExt;
use rand_distr::{Binomial, Distribution};

use super::Sim;
use crate::engine::rng::{self, StreamRng};
use crate::engine::time::{DAY, SimTime};
use crate::model::{Model, StreamKind};
use crate::scenario::SwitchRule;

/// The ports' random streams and the moves being made (reused buffer).
#[derive(Debug)]
pub(super) struct Ports {
    choice: StreamRng,
    moves: StreamRng,
    pending: Vec<(u32, u8)>,
    /// The pool positions drawn for a day's moves at one port (reused buffer).
    chosen: Vec<usize>,
}

impl Ports {
    /// The streams of a replication with this seed.
    pub(super) fn new(seed: u64) -> Ports {
        Ports {
            choice: rng::stream(seed, StreamKind::Ports as u32, 0),
            moves: rng::stream(seed, StreamKind::Ports as u32, 1),
            pending: Vec::new(),
            chosen: Vec::new(),
        }
    }
}

/// Draws an index by `weights` (at least one positive), without drawing when only one is positive.
fn draw(rng: &mut StreamRng, weights: impl Iterator<Item = f64> + Clone) -> u8 {
    let total: f64 = weights.clone().sum();
    let mut positive = weights.clone().enumerate().filter(|(_, w)| *w > 0.0);
    let first = positive.next().map_or(0, |(i, _)| i);
    if positive.next().is_none() {
        return first as u8;
    }
    let u = rng.random::<f64>() * total;
    let mut acc = 0.0;
    let mut last = first;
    for (i, w) in weights.enumerate() {
        if w > 0.0 {
            acc += w;
            last = i;
            if u < acc {
                return i as u8;
            }
        }
    }
    last as u8
}

/// The port a group of `source` registering at `registered_at` queues at, drawn from `rng`.
#[inline]
pub(super) fn choose_port(m: &Model, rng: &mut StreamRng, source: u16, registered_at: SimTime) -> u8 {
    if m.ports.len() == 1 {
        return 0;
    }
    match &m.choice_cdf[source as usize] {
        PortChoice::Fixed(p) => *p,
        PortChoice::Cumulative(cdf) => draw_cumulative(rng, cdf),
        PortChoice::ByQuota => {
            let d = (registered_at.max(0) / DAY).min(m.days as i64 - 1) as usize;
            let n = m.ports.len();
            draw_cumulative(rng, &m.quota_cdf[d * n..(d + 1) * n])
        }
    }
}

/// Draws an index by cumulative weights (the last is the total, positive).
#[inline]
fn draw_cumulative(rng: &mut StreamRng, cdf: &[f64]) -> u8 {
    let u = rng.random::<f64>() * cdf[cdf.len() - 1];
    cdf.partition_point(|c| *c <= u).min(cdf.len() - 1) as u8
}

/// How a source's groups choose their port, prepared once per model.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PortChoice {
    /// One port has all the weight: no draw.
    Fixed(u8),
    /// The source's weights, cumulated.
    Cumulative(Vec<f64>),
    /// In proportion to the ports' slots on the registration day ([`Model::quota_cdf`]).
    ByQuota,
}

impl PortChoice {
    /// The choice of a source with these weights (`None`: by the ports' slots).
    pub(crate) fn of(weights: Option<&[f64]>) -> PortChoice {
        let Some(w) = weights else { return PortChoice::ByQuota };
        let mut positive = w.iter().enumerate().filter(|(_, x)| **x > 0.0);
        match (positive.next(), positive.next()) {
            (Some((i, _)), None) => PortChoice::Fixed(i as u8),
            _ => PortChoice::Cumulative(w.iter().scan(0.0, |acc, x| Some(*acc + x).inspect(|v| *acc = *v)).collect()),
        }
    }
}

/// The cumulative default weights of every day, `days × ports`, by [`default_weight`]; where every
/// port is closed, by the ports' slots plus one.
pub(crate) fn quota_cdf(m: &Model) -> Vec<f64> {
    let n = m.ports.len();
    let mut out = Vec::with_capacity(m.days * n);
    for d in 0..m.days {
        let mut w: Vec<f64> = (0..n).map(|p| default_weight(m, p, d)).collect();
        if w.iter().sum::<f64>() <= 0.0 {
            w = (0..n).map(|p| m.ports[p].quota[d] as f64 + 1.0).collect();
        }
        let mut acc = 0.0;
        out.extend(w.iter().map(|x| {
            acc += x;
            acc
        }));
    }
    out
}

/// The default weight of port `p` on day `d`: its slots that day, none while it is closed to
/// allocations (at that day's allocation), or 1 for each open port when no open port has slots.
fn default_weight(m: &Model, p: usize, d: usize) -> f64 {
    let at = m.allocation_at(d as i64);
    let open = |q: usize| m.ports[q].closed_to_allocations(at).is_none();
    if !open(p) {
        0.0
    } else if (0..m.ports.len()).all(|q| !open(q) || m.ports[q].quota[d] == 0) {
        1.0
    } else {
        m.ports[p].quota[d] as f64
    }
}

impl Sim<'_> {
    /// The port a group of `source` registering at `registered_at` queues at.
    #[inline]
    pub(super) fn choose_port(&mut self, source: u16, registered_at: SimTime) -> u8 {
        choose_port(self.m, &mut self.ports.choice, source, registered_at)
    }

    /// The day's moves between ports, at `now`, before the allocation.
    pub(super) fn switch_ports(&mut self, now: SimTime) {
        let m = self.m;
        let Some((after, p, rule)) = m.switching else { return };
        let d = (now / DAY) as usize;
        // Days of slots ahead at each port, before anyone moves.
        let ahead: Vec<f64> = (0..m.ports.len())
            .map(|q| super::pool::persons(&self.pool.ports[q].by_size) as f64 / m.ports[q].quota[d] as f64)
            .collect();
        let mut pending = std::mem::take(&mut self.ports.pending);
        pending.clear();
        // Each group that waited long enough moves with probability p. The same law, drawn per
        // port: a binomial number of the port's groups, chosen uniformly without replacement, of
        // which those that waited long enough move; it costs the movers, not the pool.
        let rng = &mut self.ports.moves;
        let mut chosen = std::mem::take(&mut self.ports.chosen);
        for (port, pool) in self.pool.ports.iter().enumerate() {
            let n = pool.entries.len();
            let k = match n {
                0 => 0,
                _ if p >= 1.0 => n,
                _ => Binomial::new(n as u64, p).expect("a probability in [0, 1]").sample(rng) as usize,
            };
            chosen.clear();
            chosen.extend(rand::seq::index::sample(rng, n, k).iter());
            chosen.sort_unstable();
            for &i in &chosen {
                let e = &pool.entries[i];
                if now - e.registered_at <= after {
                    continue;
                }
                let to = match rule {
                    SwitchRule::Weights => {
                        let source = self.groups.source_of(e.slot) as usize;
                        let w = |q: usize| match &m.choice[source] {
                            _ if q == port => 0.0,
                            Some(w) => w[q],
                            None => default_weight(m, q, d),
                        };
                        let weights = (0..m.ports.len()).map(w);
                        if weights.clone().sum::<f64>() <= 0.0 {
                            continue;
                        }
                        draw(rng, weights)
                    }
                    SwitchRule::ShortestWait => {
                        let best = (0..m.ports.len())
                            .filter(|q| *q != port)
                            .min_by(|a, b| ahead[*a].total_cmp(&ahead[*b]))
                            .expect("two ports at least");
                        if ahead[best] >= ahead[port] {
                            continue;
                        }
                        best as u8
                    }
                };
                pending.push((e.slot, to));
            }
        }
        for &(slot, to) in &pending {
            let e = self.move_port(slot, now, to);
            let id = self.groups.id_of(slot);
            self.allocation.moved(m, e.registered_at, id, slot, to);
            self.count_move(e.port, to, now, e.size as u64);
        }
        self.ports.pending = pending;
        self.ports.chosen = chosen;
    }
}
