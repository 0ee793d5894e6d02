//! Arrival streams and registration.
//!
//! Each stream is a Poisson process whose rate changes at 00:00: every day, exponential gaps at the
//! day's rate from 00:00 to midnight, so the arrivals come out in time order. A group may baulk
//! (`register_share`), travels, and registers, at the end of any registration outage it meets.
//! Registrations due the same day wait in a sorted buffer (`today`) that the event loop merges with
//! the queue: the same order as one queue, without a queue operation per group. Later ones (long
//! travel, caravans) are registration events.

use rand::RngExt;
use rand_distr::{Distribution, Exp};

use super::abandonment::patience_from;
use super::groups::State;
use super::{Kind, Sim};
use crate::engine::Event;
use crate::engine::rng::{self, StreamRng};
use crate::engine::time::{self, DAY, SimTime};
use crate::model::result::PortSeries;

/// A stream registration due today, waiting in the sorted buffer: its event key ([`Event::key`]:
/// time, kind, id; no slot yet) and what the group's record would hold. The group takes a slot
/// only when it registers.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pending {
    pub(super) key: u128,
    patience_at: SimTime,
    source: u16,
    size: u8,
    port: u8,
}

/// The arrival streams' random streams and today's registrations.
#[derive(Debug, Default)]
pub(super) struct Arrivals {
    /// One random stream per arrival stream.
    rngs: Vec<StreamRng>,
    /// Registrations of stream arrivals due today, sorted by key; `pos` is the next one.
    today: Vec<Pending>,
    pos: usize,
    /// Scratch for merging a stream's registrations into the buffer (reused).
    scratch: Vec<Pending>,
}

impl Arrivals {
    /// Empties today's buffer and seeds one random stream per arrival stream.
    pub(super) fn clear(&mut self, streams: usize, seed: u64) {
        let Arrivals { rngs, today, pos, scratch: _ } = self;
        rngs.clear();
        rngs.extend((0..streams).map(|i| rng::stream(seed, super::StreamKind::Arrivals as u32, i as u32)));
        today.clear();
        *pos = 0;
    }

    /// The next registration from today's buffer if it comes before the queue's next event (key
    /// `next`), taken off the buffer.
    #[inline]
    pub(super) fn next_before(&mut self, next: Option<u128>) -> Option<Pending> {
        let p = *self.today.get(self.pos)?;
        if next.is_none_or(|n| p.key < n) {
            self.pos += 1;
            Some(p)
        } else {
            None
        }
    }
}

/// Merges the sorted runs `v[..mid]` and `v[mid..]` in place, from the back, through `scratch`.
fn merge_tail(v: &mut [Pending], mid: usize, scratch: &mut Vec<Pending>) {
    scratch.clear();
    scratch.extend_from_slice(&v[mid..]);
    let (mut i, mut j, mut k) = (mid, scratch.len(), v.len());
    while j > 0 {
        k -= 1;
        if i > 0 && v[i - 1].key > scratch[j - 1].key {
            i -= 1;
            v[k] = v[i];
        } else {
            j -= 1;
            v[k] = scratch[j];
        }
    }
}

impl Sim<'_> {
    /// Creates stream `i`'s groups arriving on day `d` (a Poisson process at that day's rate) and
    /// schedules tomorrow's.
    pub(super) fn arrivals_of_day(&mut self, i: usize, d: i64) {
        let m = self.m;
        let s = &m.streams[i];
        let rate = s.rate[d as usize];
        let mut rng = std::mem::replace(&mut self.arrivals.rngs[i], rng::stream(0, 0, 0));
        // Yesterday's buffer is spent (its registrations were all before today's 00:00).
        let a = &mut self.arrivals;
        if a.pos > 0 {
            a.today.drain(..a.pos);
            a.pos = 0;
        }
        let before = a.today.len();
        if rate > 0.0 {
            // Exponential gaps at the day's rate from 00:00: a Poisson process on [d, d+1), generated
            // in time order (no sort). Instants are rounded to the nearest second within the day.
            let exp = Exp::new(rate / DAY as f64).expect("positive rate");
            // Constant laws draw nothing: hoisted out of the loop, with the same values.
            let const_size = s.size.constant_int(1, 10).map(|x| x as u8);
            let const_travel = s.travel.constant().map(time::from_days);
            let (day_start, day_end) = (d * DAY, (d + 1) * DAY);
            let mut t = day_start as f64;
            let mut drawn = 0u32;
            loop {
                drawn = drawn.wrapping_add(1);
                if drawn & 0xffff == 0 && self.stop_requested() {
                    break;
                }
                t += exp.sample(&mut rng);
                if t >= day_end as f64 {
                    break;
                }
                let at = ((t + 0.5) as SimTime).min(day_end - 1);
                if s.register_share < 1.0 && !rng.random_bool(s.register_share) {
                    continue;
                }
                let size = match const_size {
                    Some(size) => size,
                    None => s.size.sample_int(&mut rng, 1, 10) as u8,
                };
                let travel = match const_travel {
                    Some(travel) => travel,
                    None => time::from_days(s.travel.sample(&mut rng)),
                };
                let registered_at = self.defer_registration(at.saturating_add(travel));
                // Drawn before the horizon is looked at, so that no draw depends on the horizon.
                let patience_at = patience_from(m, &mut rng, registered_at);
                let source = (1 + i) as u16;
                let port = self.choose_port(source, registered_at);
                if registered_at >= m.horizon {
                    continue;
                }
                let id = self.groups.new_id();
                if registered_at < day_end {
                    let key = Event { time: registered_at, kind: Kind::Register as u8, id, slot: 0 }.key();
                    self.arrivals.today.push(Pending { key, patience_at, source, size, port });
                } else {
                    let slot = self.groups.place(id, source, size, registered_at, patience_at, State::Travelling, port);
                    self.push(registered_at, Kind::Register, id, slot as u64);
                }
            }
        }
        // Travel times can reorder this stream's registrations, and with several streams this
        // one's merge with the earlier ones' (already sorted); keys are distinct, so the order is
        // that of a full sort.
        let Arrivals { today, scratch, .. } = &mut self.arrivals;
        let tail = &mut today[before..];
        if !tail.is_sorted_by_key(|p| p.key) {
            tail.sort_unstable_by_key(|p| p.key);
        }
        if before > 0 && before < today.len() && today[before - 1].key > today[before].key {
            merge_tail(today, before, scratch);
        }
        self.arrivals.rngs[i] = rng;
        self.push((d + 1) * DAY, Kind::Arrivals, i as u64, 0);
    }

    /// A registration inside an outage affecting registrations happens at its end.
    pub(super) fn defer_registration(&self, t: SimTime) -> SimTime {
        self.outages.registrations.containing(t).unwrap_or(t)
    }

    /// Creates a group with the next id and a group record, and chooses its port; returns its slot.
    pub(super) fn new_group(
        &mut self,
        source: u16,
        size: u8,
        registered_at: SimTime,
        patience_at: SimTime,
        state: State,
    ) -> u32 {
        let id = self.groups.new_id();
        let port = self.choose_port(source, registered_at);
        self.groups.place(id, source, size, registered_at, patience_at, state, port)
    }

    /// Registers a group from today's buffer: without a group record if its patience fits a slot
    /// reference (the fast path), with one otherwise.
    pub(super) fn register_pending(&mut self, p: Pending) {
        let ev = Event::from_key(p.key);
        match self.groups.place_fast(ev.id, p.source, ev.time, p.patience_at) {
            Some(slot) => self.register_group(slot, ev.id, ev.time, (p.size, p.port), p.patience_at),
            None => {
                let slot =
                    self.groups.place(ev.id, p.source, p.size, ev.time, p.patience_at, State::Travelling, p.port);
                self.register(slot, ev.time);
            }
        }
    }

    /// Registers a group whose record holds its data (it came through the queue).
    pub(super) fn register(&mut self, slot: u32, t: SimTime) {
        let g = self.groups.held(slot);
        debug_assert_eq!(g.registered_at, t);
        self.register_group(slot, self.groups.id_of(slot), t, (g.size, g.port), g.patience_at);
    }

    fn register_group(&mut self, slot: u32, id: u64, t: SimTime, (size, port): (u8, u8), patience: SimTime) {
        debug_assert_eq!(self.groups.state(slot), State::Travelling);
        if let Some(c) = self.counts_at(port, t) {
            c.arrived_groups += 1;
            c.arrived_persons += size as u64;
            self.add_daily(port, PortSeries::ArrivedPersons, t, size as u64);
        }
        self.cohorts.registered(t, size);
        self.enter_pool(slot, t, size, t, port);
        self.allocation.registered(self.m, t, id, slot, port);
        self.schedule_patience(patience.max(t), id, slot);
    }
}
