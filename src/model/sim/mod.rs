//! One replication: its state, one room per mechanism, and the event loop that dispatches to them.
//!
//! | file | mechanism |
//! |---|---|
//! | `arrivals.rs` | arrival streams, today's registrations, registration |
//! | `caravans.rs` | explicit and random caravans |
//! | `backlog.rs` | the initial backlog |
//! | `allocation.rs` | the daily allocation: seniority pass, lottery (`lookahead.rs`: its prefetching) |
//! | `confirmation.rs` | selection, confirmation attempts, misses, reissued slots |
//! | `appointment.rs` | booking, appointments, no-shows, cancellations |
//! | `abandonment.rs` | patience deadlines and their expiry |
//! | `cohorts.rs` | outcomes by registration cohort (Aalen–Johansen) |
//! | `pool.rs` | the waiting pools, one per port |
//! | `ports.rs` | each group's port, and moves between ports |
//! | `port_tally.rs` | counts, pool paths, waits and daily series per port |
//! | `waiting.rs` | entering and leaving the pool |
//! | `groups.rs` | where a group's data lives (slots, tags, group records) |
//! | `tally.rs` | counts, daily series, waits; a group's exit |
//! | `measure.rs` | where a measurement goes: the port's, or the whole's; the whole from its ports |
//! | `path.rs` | a pool's path: its integral per day and over the window, its maximum |
//! | `waits.rs` | a replication's waits and their quantiles |
//! | `finish.rs` | censored groups, the invariants, the result |
//!
//! Only what interacts is an event. Kinds, in the order equal times resolve (lower first; within a
//! kind, by group id): 1 arrivals of a day (internal: creates the day's groups), 2 registrations,
//! 4 returns to the pool (missed confirmations and cancelled appointments), 6 the allocation.
//! Confirmation attempts (3), patience expiries (5) and appointments (7) are computed without events,
//! with the same results (see their rooms). Outages are interval sets queried at the instants that
//! matter, which is equivalent to boundary events ranked first (kind 0).

mod abandonment;
mod allocation;
mod appointment;
mod arrivals;
mod backlog;
mod caravans;
mod cohorts;
mod confirmation;
mod finish;
mod groups;
mod lookahead;
mod measure;
mod path;
mod pool;
mod port_tally;
mod ports;
mod tally;
mod waiting;
mod waits;

use abandonment::Abandonment;
use allocation::Allocation;
use appointment::Appointments;
use arrivals::Arrivals;
use cohorts::Cohorts;
use confirmation::{Confirmation, unpack_return};
use groups::{Groups, State};
use pool::Pools;
use port_tally::PortTally;
use ports::Ports;
pub(crate) use ports::{PortChoice, quota_cdf};
use tally::Tally;

use super::outages::{self, Outages};
use super::{Model, StreamKind};
use crate::engine::rng;
use crate::engine::time::{self, SimTime, day_of};
use crate::engine::{Event, EventQueue};
use crate::model::observer::Observer;
use crate::model::result::{RepResult, Series};

/// Event kinds; the value orders equal times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    /// The arrivals of a day of one stream (id = the stream).
    Arrivals = 1,
    /// A group registers.
    Register = 2,
    /// A group returns to the pool: a missed confirmation, or a cancelled appointment.
    Return = 4,
    /// The daily allocation.
    Allocate = 6,
}

impl Kind {
    #[inline]
    fn of(k: u8) -> Kind {
        match k {
            1 => Kind::Arrivals,
            2 => Kind::Register,
            4 => Kind::Return,
            6 => Kind::Allocate,
            _ => unreachable!("unknown event kind {k}"),
        }
    }
}

/// The rooms whose memory a thread keeps from one replication to the next, so that a run of many
/// replications does not hand its buffers back to the allocator and fault them in again. Each room
/// clears itself before reuse, so results cannot depend on what ran before.
#[derive(Default)]
struct Rooms {
    queue: Option<EventQueue>,
    groups: Groups,
    pool: Pools,
    arrivals: Arrivals,
    allocation: Allocation,
    abandonment: Abandonment,
    tally: Tally,
    port_tally: PortTally,
    cohorts: Cohorts,
}

thread_local! {
    static SPARE: std::cell::RefCell<Option<Rooms>> = const { std::cell::RefCell::new(None) };
}

/// One replication in progress.
pub(crate) struct Sim<'m> {
    m: &'m Model,
    replication: u64,
    seed: u64,
    queue: EventQueue,
    outages: Outages,
    groups: Groups,
    pool: Pools,
    arrivals: Arrivals,
    allocation: Allocation,
    confirmation: Confirmation,
    appointments: Appointments,
    abandonment: Abandonment,
    tally: Tally,
    port_tally: PortTally,
    ports: Ports,
    cohorts: Cohorts,
    /// Each explicit caravan's first and last registration, once its groups are created.
    caravan_windows: Vec<Option<(SimTime, SimTime)>>,
    /// Set from another thread to stop the replication: checked every simulated day, and within
    /// a day's arrivals.
    cancel: Option<&'m std::sync::atomic::AtomicBool>,
    /// The replication was stopped before its horizon.
    cancelled: bool,
}

impl<'m> Sim<'m> {
    /// Replication `replication` of `m`, with this thread's spare rooms, cleared; `keep_records`
    /// says whether the observer wants `--records` rows.
    pub(crate) fn new(
        m: &'m Model,
        replication: u64,
        keep_records: bool,
        cancel: Option<&'m std::sync::atomic::AtomicBool>,
    ) -> Self {
        let seed = rng::replication_seed(m.scenario.seed, replication);
        let mut rng_outages = rng::stream(seed, StreamKind::Outages as u32, 0);
        let mut raw = m.explicit_outages.clone();
        raw.extend(outages::random(&m.scenario, m.horizon, &mut rng_outages));
        let outages = Outages::build(&raw);
        let Rooms {
            queue,
            mut groups,
            mut pool,
            mut arrivals,
            mut allocation,
            mut abandonment,
            mut tally,
            mut port_tally,
            mut cohorts,
        } = SPARE.with(|s| s.borrow_mut().take()).unwrap_or_default();
        let queue = match queue {
            Some(mut q) => {
                q.clear();
                q
            }
            None => EventQueue::with_bucket_width(time::HOUR),
        };
        let by_source = matches!(m.switching, Some((_, _, crate::scenario::SwitchRule::Weights)));
        groups.clear(keep_records, by_source);
        pool.clear(m.ports.len());
        arrivals.clear(m.streams.len(), seed);
        allocation.clear(seed, m.ports.len());
        abandonment.clear(m.days + 1);
        tally.clear(m.days, m.warmup, m.report, m.horizon);
        port_tally.clear(m.ports.len(), m.days, m.warmup.max(m.report), m.report, m.horizon);
        tally.set_windows(&m.booking_windows);
        port_tally.set_windows(&m.port_booking_windows);
        cohorts.clear(m.days, &m.cohort_of_day, m.cohorts);
        for d in m.report_day..m.days {
            tally.set_daily(Series::OutageHours, d, Model::seconds_in(&outages.any, d));
        }
        Sim {
            m,
            replication,
            seed,
            queue,
            outages,
            groups,
            pool,
            arrivals,
            allocation,
            confirmation: Confirmation::new(seed),
            appointments: Appointments::new(seed),
            abandonment,
            tally,
            port_tally,
            ports: Ports::new(seed),
            cohorts,
            caravan_windows: Vec::new(),
            cancel,
            cancelled: false,
        }
    }

    /// Whether the replication must stop now (and notes it). Rarely called, and kept out of line
    /// so that the loops that call it keep their registers.
    #[cold]
    #[inline(never)]
    pub(super) fn stop_requested(&mut self) -> bool {
        if !self.cancelled && self.cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed)) {
            self.cancelled = true;
        }
        self.cancelled
    }

    /// Runs the replication to the horizon; `None` if it was cancelled before.
    pub(crate) fn run(mut self, obs: &mut dyn Observer) -> Option<RepResult> {
        self.seed_backlog();
        self.seed_caravans();
        for i in 0..self.m.streams.len() {
            self.push(0, Kind::Arrivals, i as u64, 0);
        }
        self.push(self.m.allocation_at(0), Kind::Allocate, 0, 0);
        loop {
            // Today's stream registrations wait in a sorted buffer rather than in the queue: those
            // before the queue's next event happen first (the same order as one queue). A
            // registration schedules nothing in the queue, so its next key holds for the whole batch.
            let next = self.queue.peek_key();
            while let Some(p) = self.arrivals.next_before(next) {
                self.register_pending(p);
            }
            let Some(ev) = self.queue.pop() else { break };
            debug_assert!(ev.time < self.m.horizon);
            match Kind::of(ev.kind) {
                Kind::Arrivals => {
                    self.arrivals_of_day(ev.id as usize, day_of(ev.time));
                    if self.cancelled {
                        return None;
                    }
                }
                Kind::Register => self.register(ev.slot as u32, ev.time),
                Kind::Return => {
                    let (slot, overlapped) = unpack_return(ev.slot);
                    if self.groups.is(slot, ev.id, State::Booked) {
                        self.cancel(slot, ev.time, obs);
                    } else {
                        self.miss(slot, overlapped, ev.time, obs);
                    }
                }
                Kind::Allocate => {
                    if self.stop_requested() {
                        return None;
                    }
                    let d = day_of(ev.time);
                    self.expire_patience(d as usize, ev.time, obs);
                    self.allocate(d, ev.time, obs);
                }
            }
        }
        self.expire_patience(self.m.days, self.m.horizon, obs);
        Some(self.finish(obs))
    }

    /// Schedules an event, unless it falls at or after the horizon.
    #[inline]
    fn push(&mut self, time: SimTime, kind: Kind, id: u64, payload: u64) {
        if time < self.m.horizon {
            self.queue.push(Event { time, kind: kind as u8, id, slot: payload });
        }
    }

    /// Keeps this replication's rooms for the thread's next replication.
    fn give_back(self) {
        let Sim { queue, groups, pool, arrivals, allocation, abandonment, tally, port_tally, cohorts, .. } = self;
        let rooms =
            Rooms { queue: Some(queue), groups, pool, arrivals, allocation, abandonment, tally, port_tally, cohorts };
        SPARE.with(|s| *s.borrow_mut() = Some(rooms));
    }
}
