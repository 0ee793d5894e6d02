//! Where a measurement goes. Without ports the whole is measured as the replication runs
//! (`tally.rs`). With ports each port is measured (`port_tally.rs`) and the whole is their sum,
//! formed once at the end: the counts, the daily series the ports keep, the pool's integrals, the
//! waiting spells, and the waits (the union of the ports' logs). What does not add up over ports is
//! kept for the whole as it goes: its pool's level and maximum, the waits' 1-day bins, its booking
//! windows, and the series with no port counterpart (selections, misses, outage hours).
//!
//! So each event is counted once, at one place, and the whole cannot disagree with its ports.

use super::Sim;
use super::pool::PoolEntry;
use crate::engine::time::SimTime;
use crate::model::result::{Counts, PortSeries, Series};

impl Sim<'_> {
    /// The counts that an event at `port` at `t` adds to, if `t` is reported.
    #[inline]
    pub(super) fn counts_at(&mut self, port: u8, t: SimTime) -> Option<&mut Counts> {
        if self.tally.counts_at(t) { Some(self.counts_of(port)) } else { None }
    }

    /// The counts of events at `port`: the port's when ports are measured, else the whole's.
    #[inline]
    pub(super) fn counts_of(&mut self, port: u8) -> &mut Counts {
        if self.port_tally.on { &mut self.port_tally.ports[port as usize].counts } else { &mut self.tally.counts }
    }

    /// Adds `x` to the daily series `s` at `port` on the day of `t`, if that day is reported.
    #[inline]
    pub(super) fn add_daily(&mut self, port: u8, s: PortSeries, t: SimTime, x: u64) {
        if self.port_tally.on {
            self.port_tally.add_daily(port, s, t, x);
        } else {
            self.tally.add_daily(s.series(), t, x);
        }
    }

    /// The pool at `port` gains (`gains`) or loses a group of `persons` at `t`; changes come in
    /// time order.
    #[inline]
    pub(super) fn pool_path(&mut self, port: u8, t: SimTime, persons: u64, gains: bool) {
        if self.port_tally.on {
            self.port_tally.path(port, t, persons, gains);
            self.tally.path.shift(t, persons, gains);
        } else if gains {
            self.tally.path.add(t, persons);
        } else {
            self.tally.path.remove(t, persons);
        }
    }

    /// Integrates the whole's pool path to `t` (with ports, each port's path integrates itself).
    #[inline]
    pub(super) fn advance_path(&mut self, t: SimTime) {
        if !self.port_tally.on {
            self.tally.path.advance(t);
        }
    }

    /// The waiting spell of the group with pool entry `e` ends at `t`.
    #[inline]
    pub(super) fn end_spell(&mut self, e: &PoolEntry, t: SimTime) {
        if self.port_tally.on {
            self.port_tally.spell(e.port, t, false);
        } else {
            self.tally.add_spell(self.groups.spell_start(e), t);
        }
    }

    /// Records a wait to processing [s] at `port`: in the whole's 1-day bins, and in the port's
    /// log or the whole's.
    #[inline]
    pub(super) fn processed_wait(&mut self, port: u8, wait: SimTime) {
        self.tally.wait_bin(wait);
        if self.port_tally.on {
            self.port_tally.ports[port as usize].waits.push(wait);
        } else {
            self.tally.waits.push(wait);
        }
    }

    /// Records a wait to booking [s] at `port`, like [`Sim::processed_wait`].
    #[inline]
    pub(super) fn booking_wait(&mut self, port: u8, wait: SimTime) {
        self.tally.booking_wait_bin(wait);
        if self.port_tally.on {
            self.port_tally.ports[port as usize].booking_waits.push(wait);
        } else {
            self.tally.booking_waits.push(wait);
        }
    }

    /// Counts a group of `persons` at `port`, selected or booked from `from` to `to`, as initial
    /// if that spans the start of the reported period.
    #[inline]
    pub(super) fn selected_across_report(&mut self, port: u8, from: SimTime, to: SimTime, persons: u8) {
        let report = self.tally.report();
        if from < report && to >= report {
            let c = self.counts_of(port);
            c.initial_groups += 1;
            c.initial_persons += persons as u64;
        }
    }

    /// With ports measured, forms the whole's measurements from the ports' (closed by
    /// [`PortTally::close`](super::port_tally::PortTally::close)), as [`Tally::close_days`](super::tally::Tally::close_days)
    /// does without ports.
    pub(super) fn whole_from_ports(&mut self) {
        let (t, pt) = (&mut self.tally, &self.port_tally);
        let mut at_report = (0, 0);
        for m in &pt.ports {
            add_counts(&mut t.counts, &m.counts);
            t.integral_groups += m.integral_groups;
            t.integral_persons += m.integral_persons;
            t.waiting_time_sum += u128::try_from(m.spells).expect("closed spells sum to a positive time");
            t.waits.absorb(&m.waits);
            t.booking_waits.absorb(&m.booking_waits);
            if let Some((g, p)) = m.path.waiting_at_report {
                at_report = (at_report.0 + g, at_report.1 + p);
            }
        }
        let c = &mut t.counts;
        (c.moved_in_groups, c.moved_in_persons, c.moved_out_groups, c.moved_out_persons) = (0, 0, 0, 0);
        if t.report() > 0 {
            t.path.max_groups = t.path.max_groups.max(at_report.0);
            t.path.max_persons = t.path.max_persons.max(at_report.1);
        }
        let first = t.report_day();
        for d in 0..pt.daily.days {
            for s in PortSeries::ALL {
                let x = (0..pt.ports.len()).map(|p| pt.daily.get(p, s, d)).sum();
                t.daily.set(s.series(), d, x);
            }
            let groups = pt.ports.iter().map(|m| m.path.day_group_secs[first + d]).sum();
            t.daily.set(Series::WaitingGroups, d, groups);
        }
    }
}

/// Adds every count of `o` to `sum` (the whole's counts as the sum of its ports').
fn add_counts(sum: &mut Counts, o: &Counts) {
    let Counts {
        initial_groups,
        initial_persons,
        arrived_groups,
        arrived_persons,
        selected_groups,
        selected_persons,
        booked_groups,
        booked_persons,
        processed_groups,
        processed_persons,
        abandoned_groups,
        abandoned_persons,
        no_show_groups,
        no_show_persons,
        missed_confirmations,
        missed_persons,
        missed_in_outage,
        unused_slots,
        final_waiting_groups,
        final_waiting_persons,
        final_selected_groups,
        final_selected_persons,
        final_booked_groups,
        final_booked_persons,
        cancelled_appointments,
        cancelled_persons,
        caravan_groups_before_start,
        moved_in_groups,
        moved_in_persons,
        moved_out_groups,
        moved_out_persons,
        slots,
    } = o;
    sum.initial_groups += initial_groups;
    sum.initial_persons += initial_persons;
    sum.arrived_groups += arrived_groups;
    sum.arrived_persons += arrived_persons;
    sum.selected_groups += selected_groups;
    sum.selected_persons += selected_persons;
    sum.booked_groups += booked_groups;
    sum.booked_persons += booked_persons;
    sum.processed_groups += processed_groups;
    sum.processed_persons += processed_persons;
    sum.abandoned_groups += abandoned_groups;
    sum.abandoned_persons += abandoned_persons;
    sum.no_show_groups += no_show_groups;
    sum.no_show_persons += no_show_persons;
    sum.missed_confirmations += missed_confirmations;
    sum.missed_persons += missed_persons;
    sum.missed_in_outage += missed_in_outage;
    sum.unused_slots += unused_slots;
    sum.final_waiting_groups += final_waiting_groups;
    sum.final_waiting_persons += final_waiting_persons;
    sum.final_selected_groups += final_selected_groups;
    sum.final_selected_persons += final_selected_persons;
    sum.final_booked_groups += final_booked_groups;
    sum.final_booked_persons += final_booked_persons;
    sum.cancelled_appointments += cancelled_appointments;
    sum.cancelled_persons += cancelled_persons;
    sum.caravan_groups_before_start += caravan_groups_before_start;
    sum.moved_in_groups += moved_in_groups;
    sum.moved_in_persons += moved_in_persons;
    sum.moved_out_groups += moved_out_groups;
    sum.moved_out_persons += moved_out_persons;
    sum.slots += slots;
}
