//! Selection and confirmation: a selected group leaves the pool and must confirm within the window.
//!
//! Attempts are not events: they depend only on the group's own draws and on the outages, so
//! [`Sim::confirm`] plays them all at selection. The first attempt comes `first_attempt_hours` after
//! the selection, then retries every `retry_hours`, up to `max_attempts`; an attempt fails inside a
//! confirmation outage or with `failure_probability`. Under `extend`, a window that met an outage is
//! lengthened by the outage time inside it (repeatedly, as the longer window may meet more) plus
//! `grace_hours`, and an attempt inside an outage waits for its end. Under `none` and `reissue` an
//! attempt inside an outage is made and fails, without drawing a failure coin.
//!
//! A group that does not book misses at its deadline (or after its last attempt): an event, since it
//! returns to the pool then (`on_miss = "return"`, or abandons if its patience has run out) or leaves
//! (`"drop"`). Under `reissue`, a miss whose window met an outage gives its slots back to the first
//! allocation strictly after the miss.

use rand::RngExt;

use super::groups::State;
use super::pool::PoolEntry;
use super::{Kind, Sim, StreamKind};
use crate::engine::rng::{self, StreamRng};
use crate::engine::time::{self, SimTime};
use crate::model::observer::{Observer, Outcome};
use crate::model::result::Series;
use crate::scenario::{OnMiss, OutagePolicy};

/// Marks a return event's payload when the group's confirmation window overlapped an outage (the
/// slot takes the low 32 bits).
const MISS_IN_OUTAGE: u64 = 1 << 32;

/// The payload of a return event: the slot, and whether a miss's window met an outage.
#[inline]
pub(super) fn pack_return(slot: u32, overlapped: bool) -> u64 {
    slot as u64 | if overlapped { MISS_IN_OUTAGE } else { 0 }
}

/// Splits a return event's payload into the slot and whether a miss's window met an outage.
#[inline]
pub(super) fn unpack_return(payload: u64) -> (u32, bool) {
    (payload as u32, payload & MISS_IN_OUTAGE != 0)
}

/// The confirmations' random stream: first-attempt delays, failure coins, retry delays.
#[derive(Debug)]
pub(super) struct Confirmation {
    rng: StreamRng,
}

impl Confirmation {
    /// The stream of a replication with this seed.
    pub(super) fn new(seed: u64) -> Confirmation {
        Confirmation { rng: rng::stream(seed, StreamKind::Confirmations as u32, 0) }
    }
}

impl Sim<'_> {
    /// The group in `slot` is selected at `now`: it leaves the pool, and confirms (or is booked at
    /// once when the scenario has no confirmation step).
    pub(super) fn select(&mut self, slot: u32, now: SimTime, obs: &mut dyn Observer) {
        let e = self.leave_pool(slot, now);
        let size = e.size as u64;
        // The path has been integrated up to this allocation; the selection leaves now.
        self.pool_path(e.port, now, size, false);
        if let Some(c) = self.counts_at(e.port, now) {
            c.selected_groups += 1;
            c.selected_persons += size;
            self.add_whole_daily(Series::SelectedPersons, now, size);
        }
        self.groups.set_state(slot, State::Selected);
        self.groups.note_selected(slot, now);
        let Some(c) = &self.m.confirmation else {
            self.book(slot, now, &e, obs);
            return;
        };
        let original = now + c.window;
        let overlapped = self.outages.confirmations.overlap(now, original) > 0;
        let mut deadline = original;
        if c.policy == OutagePolicy::Extend && overlapped {
            loop {
                let next = original + self.outages.confirmations.overlap(now, deadline);
                if next == deadline {
                    break;
                }
                deadline = next;
            }
            deadline += c.grace;
        }
        let first = now + time::from_hours(c.first_attempt.sample(&mut self.confirmation.rng));
        self.confirm(slot, (now, first), deadline, overlapped, &e, obs);
    }

    /// Plays a selected group's attempts from `t` (the first attempt's time) up to its (possibly
    /// extended) `deadline`. The outcome is a booking at the successful attempt, or a miss event, or
    /// nothing before the horizon (the group stays selected). The pool entry `e` gives the size and
    /// registration time.
    fn confirm(
        &mut self,
        slot: u32,
        (selected_at, mut t): (SimTime, SimTime),
        deadline: SimTime,
        overlapped: bool,
        e: &PoolEntry,
        obs: &mut dyn Observer,
    ) {
        let c = self.m.confirmation.as_ref().expect("confirmation configured");
        let horizon = self.m.horizon;
        // Every attempt is drawn, those past the horizon too (they are not counted), so that no
        // draw depends on the horizon; a group whose outcome falls past it is still selected there.
        let (mut attempts, mut drawn, mut past_horizon) = (0, 0, false);
        let outcome = loop {
            // Under `extend`, people wait for the app to come back.
            if c.policy == OutagePolicy::Extend
                && let Some(end) = self.outages.confirmations.containing(t)
            {
                t = end;
            }
            if t > deadline {
                break deadline;
            }
            drawn += 1;
            past_horizon |= t >= horizon;
            attempts += u32::from(!past_horizon);
            let fails = self.outages.confirmations.containing(t).is_some()
                || (c.failure_probability > 0.0 && self.confirmation.rng.random_bool(c.failure_probability));
            if !fails && !past_horizon {
                self.groups.note_attempts(slot, attempts);
                self.selected_across_report(e.port, selected_at, t, e.size);
                self.book(slot, t, e, obs);
                return;
            }
            if !fails || drawn >= c.max_attempts {
                break t;
            }
            t += time::from_hours(c.retry.sample(&mut self.confirmation.rng));
        };
        let miss_at = if past_horizon { horizon } else { outcome };
        self.groups.note_attempts(slot, attempts);
        self.selected_across_report(e.port, selected_at, miss_at, e.size);
        // The group stays: it misses later, or is still selected at the horizon.
        self.groups.materialise(slot, e);
        self.push(miss_at, Kind::Return, self.groups.id_of(slot), pack_return(slot, overlapped));
    }

    /// A missed confirmation at `t`: counted; the slots are reissued if the policy says so; the
    /// group returns to the pool, abandons, or is dropped.
    pub(super) fn miss(&mut self, slot: u32, overlapped: bool, t: SimTime, obs: &mut dyn Observer) {
        let c = self.m.confirmation.as_ref().expect("confirmation configured");
        let g = self.groups.held(slot);
        if let Some(pc) = self.counts_at(g.port, t) {
            pc.missed_confirmations += 1;
            pc.missed_persons += g.size as u64;
            pc.missed_in_outage += u64::from(overlapped);
            self.add_whole_daily(Series::MissedPersons, t, g.size as u64);
        }
        if overlapped && c.policy == OutagePolicy::Reissue {
            self.allocation.reissue_after(self.m, t, self.m.cost(g.size), g.port);
        }
        match c.on_miss {
            OnMiss::Drop => self.exit(slot, t, Outcome::Dropped, (g.size, g.registered_at, g.port), obs),
            OnMiss::Return if g.patience_at <= t => {
                self.exit(slot, t, Outcome::Abandoned, (g.size, g.registered_at, g.port), obs)
            }
            OnMiss::Return => self.enter_pool(slot, t, g.size, g.registered_at, g.port),
        }
    }
}
