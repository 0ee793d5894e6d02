//! Booking, appointments and cancellations.
//!
//! Appointments are not events: a booked group cannot abandon, so its end (processed, or a no-show,
//! at its appointment time) is certain at booking and is accounted then, with the lead time and the
//! no-show coin drawn at booking (the same law as an appointment event drawing the no-show then).
//! A group whose appointment falls at or after the horizon stays booked.
//!
//! `appointment.cancel_from` cancels every appointment at or after that instant: a group booked
//! before it loses its appointment at the instant, one booked later at once. Either way it goes back
//! to waiting with its registration time and patience, or abandons if its patience is over, exactly
//! like a return after a missed confirmation.
//!
//! The lead time is the port's own when it has one. An appointment that falls inside a closure of
//! its port to appointments is moved by whole days to the first day the port is open at that hour
//! (`booked = "honour_later"`, before the no-show coin), or cancelled like `cancel_from`, at the
//! closure's start (`"cancel"`).

use rand::RngExt;

use super::confirmation::pack_return;
use super::groups::State;
use super::pool::PoolEntry;
use super::{Kind, Sim, StreamKind};
use crate::engine::rng::{self, StreamRng};
use crate::engine::time::{self, DAY, SimTime};
use crate::model::PortModel;
use crate::model::observer::{Observer, Outcome};
use crate::model::result::PortSeries;
use crate::scenario::Booked;

/// The appointments' random stream: lead times, then no-show coins.
#[derive(Debug)]
pub(super) struct Appointments {
    rng: StreamRng,
}

impl Appointments {
    /// The stream of a replication with this seed.
    pub(super) fn new(seed: u64) -> Appointments {
        Appointments { rng: rng::stream(seed, StreamKind::Appointments as u32, 0) }
    }
}

impl Sim<'_> {
    /// Books the group in `slot` (pool entry `e`) at `t`, and settles its appointment.
    pub(super) fn book(&mut self, slot: u32, t: SimTime, e: &PoolEntry, obs: &mut dyn Observer) {
        let (size, reg, port) = (e.size, e.registered_at, e.port);
        self.groups.set_state(slot, State::Booked);
        if let Some(c) = self.counts_at(port, t) {
            c.booked_groups += 1;
            c.booked_persons += size as u64;
            self.add_daily(port, PortSeries::BookedPersons, t, size as u64);
        }
        if self.tally.wait_counts(reg, t) {
            self.booking_wait(port, t - reg);
        }
        self.booking_in_windows(port, t, t - reg);
        if !self.groups.was_booked(slot) {
            self.cohorts.booked(reg, t, size);
        }
        let (appointment_at, no_show) = self.appointment_of(port, t);
        let mut cancel = self.m.cancel_at.filter(|c| appointment_at >= *c);
        if self.m.appointment_closures
            && let Some((start, _, Booked::Cancel)) = self.m.ports[port as usize].closed_to_appointments(appointment_at)
        {
            cancel = Some(cancel.map_or(start, |c| c.min(start)));
        }
        self.groups.note_booked(slot, t, appointment_at);
        if let Some(c) = cancel {
            // Cancelled from `c` (or at once if booked later): an event, since the group returns.
            self.groups.materialise(slot, e);
            self.selected_across_report(port, t, c.max(t), size);
            self.push(c.max(t), Kind::Return, self.groups.id_of(slot), pack_return(slot, false));
            return;
        }
        // Booked from `t` to its appointment (or to the end).
        self.selected_across_report(port, t, appointment_at.min(self.m.horizon), size);
        if appointment_at < self.m.horizon {
            let outcome = if no_show { Outcome::NoShow } else { Outcome::Processed };
            self.exit(slot, appointment_at, outcome, (size, reg, port), obs);
        } else {
            // Still booked at the horizon.
            self.groups.materialise(slot, e);
        }
    }

    /// The appointment of a group booked at `t` at `port`, and whether it will not show: the lead
    /// time (the port's own if it has one), then any move past a closure, then the no-show coin.
    #[inline]
    fn appointment_of(&mut self, port: u8, t: SimTime) -> (SimTime, bool) {
        let m = self.m;
        let later =
            |at: SimTime| if m.appointment_closures { later_if_closed(&m.ports[port as usize], at) } else { at };
        match &m.appointment {
            Some((lead, p)) => {
                let rng = &mut self.appointments.rng;
                let lead = m.lead_from.iter().rev().find(|(from, _)| *from <= t).map_or(lead, |(_, l)| l);
                let lead = if m.port_leads { m.ports[port as usize].lead.as_ref().unwrap_or(lead) } else { lead };
                let at = later(t.saturating_add(time::from_days(lead.sample(rng))));
                // The coin is tossed whether or not the appointment is inside the horizon, so that
                // no draw depends on the horizon.
                (at, *p > 0.0 && rng.random_bool(*p) && at < m.horizon)
            }
            None => (later(t), false),
        }
    }

    /// A cancelled appointment at `t`: counted, then the group waits again with its registration
    /// time and patience (or abandons if its patience is over).
    pub(super) fn cancel(&mut self, slot: u32, t: SimTime, obs: &mut dyn Observer) {
        let g = self.groups.held(slot);
        self.groups.note_cancelled(slot);
        if let Some(c) = self.counts_at(g.port, t) {
            c.cancelled_appointments += 1;
            c.cancelled_persons += g.size as u64;
        }
        if g.patience_at <= t {
            self.exit(slot, t, Outcome::Abandoned, (g.size, g.registered_at, g.port), obs);
        } else {
            self.enter_pool(slot, t, g.size, g.registered_at, g.port);
        }
    }
}

/// An appointment at `at`, moved by whole days past any closure of `port` to appointments whose
/// appointments are honoured later.
fn later_if_closed(port: &PortModel, mut at: SimTime) -> SimTime {
    while let Some((_, end, Booked::HonourLater)) = port.closed_to_appointments(at) {
        at += (end - at + DAY - 1).div_euclid(DAY) * DAY;
    }
    at
}
