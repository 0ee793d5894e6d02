//! The one path of every measurement. Each event is measured once, at its port (`port_tally.rs`);
//! a scenario without `[[ports]]` has one implicit port. The whole (`tally.rs`) is formed from the
//! ports at the end ([`Sim::whole_from_ports`]): the counts, the daily series the ports keep, the
//! pool's integrals, the waiting spells and the waits.
//!
//! What does not add up over ports is kept for the whole alone, and named so: its pool's level
//! and maximum, the waits' 1-day bins, its booking windows, the series with no port counterpart
//! (selections, misses, outage hours) and the caravan groups that would have arrived before the
//! start. The mechanisms call only the functions here.

use super::Sim;
use super::pool::PoolEntry;
use crate::engine::time::SimTime;
use crate::model::result::{Counts, PortSeries, Series, WaitStats};

impl Sim<'_> {
    /// The counts that an event at `port` at `t` adds to, if `t` is reported.
    #[inline]
    pub(super) fn counts_at(&mut self, port: u8, t: SimTime) -> Option<&mut Counts> {
        if self.tally.counts_at(t) { Some(self.counts_of(port)) } else { None }
    }

    /// The counts of events at `port`, whenever they happen.
    #[inline]
    pub(super) fn counts_of(&mut self, port: u8) -> &mut Counts {
        &mut self.port_tally.ports[port as usize].counts
    }

    /// Adds `x` to the daily series `s` at `port` on the day of `t`, if that day is reported.
    #[inline]
    pub(super) fn add_daily(&mut self, port: u8, s: PortSeries, t: SimTime, x: u64) {
        self.port_tally.add_daily(port, s, t, x);
    }

    /// Sets `port`'s daily series `s` on day `d` of the run to `x`, if that day is reported.
    #[inline]
    pub(super) fn set_daily(&mut self, port: usize, s: PortSeries, d: usize, x: u64) {
        self.port_tally.set_daily(port, s, d, x);
    }

    /// Adds `x` to the whole's daily series `s` (one with no port counterpart) on the day of `t`.
    #[inline]
    pub(super) fn add_whole_daily(&mut self, s: Series, t: SimTime, x: u64) {
        debug_assert!(PortSeries::ALL.iter().all(|p| p.series() != s), "{s:?} is measured at the ports");
        self.tally.add_daily(s, t, x);
    }

    /// A caravan group that would have reached the zone before the start (dropped; it has no port).
    #[inline]
    pub(super) fn caravan_group_before_start(&mut self) {
        self.tally.counts.caravan_groups_before_start += 1;
    }

    /// A group of `size` persons starts waiting at `port` at `t`: its spell starts now, and the pool
    /// paths gain it at the next abandonment pass, in time order.
    #[inline]
    pub(super) fn start_spell(&mut self, port: u8, t: SimTime, size: u8) {
        self.tally.pool_addition(t, size, port);
        self.port_tally.spell(port, t, true);
    }

    /// A waiting group of `size` persons moves from port `from` to port `to` at `t`: a spell and a
    /// path step end at one port and begin at the other; the whole's pool is unchanged.
    #[inline]
    pub(super) fn move_spell(&mut self, from: u8, to: u8, t: SimTime, size: u8) {
        let pt = &mut self.port_tally;
        pt.spell(from, t, false);
        pt.path(from, t, size as u64, false);
        pt.spell(to, t, true);
        pt.path(to, t, size as u64, true);
    }

    /// A group of `persons` moves from port `from` to port `to` at `t`: counted out and in.
    #[inline]
    pub(super) fn count_move(&mut self, from: u8, to: u8, t: SimTime, persons: u64) {
        if let Some(c) = self.counts_at(from, t) {
            c.moved_out_groups += 1;
            c.moved_out_persons += persons;
        }
        if let Some(c) = self.counts_at(to, t) {
            c.moved_in_groups += 1;
            c.moved_in_persons += persons;
        }
    }

    /// The pool at `port` gains (`gains`) or loses a group of `persons` at `t`; changes come in
    /// time order. The port's path integrates; the whole's keeps its level and maximum.
    #[inline]
    pub(super) fn pool_path(&mut self, port: u8, t: SimTime, persons: u64, gains: bool) {
        self.port_tally.path(port, t, persons, gains);
        self.tally.path.shift(t, persons, gains);
    }

    /// The waiting spell of the group with pool entry `e` ends at `t`.
    #[inline]
    pub(super) fn end_spell(&mut self, e: &PoolEntry, t: SimTime) {
        self.port_tally.spell(e.port, t, false);
    }

    /// Records a wait to processing [s] at `port`: in the port's log, and in the whole's 1-day bins.
    #[inline]
    pub(super) fn processed_wait(&mut self, port: u8, wait: SimTime) {
        self.tally.wait_bin(wait);
        self.port_tally.ports[port as usize].waits.push(wait);
    }

    /// Records a wait to booking [s] at `port`, like [`Sim::processed_wait`].
    #[inline]
    pub(super) fn booking_wait(&mut self, port: u8, wait: SimTime) {
        self.tally.booking_wait_bin(wait);
        self.port_tally.ports[port as usize].booking_waits.push(wait);
    }

    /// A booking at `port` at `t` after a wait [s], for the booking windows that hold `t`: the
    /// whole's and the port's.
    #[inline]
    pub(super) fn booking_in_windows(&mut self, port: u8, t: SimTime, wait: SimTime) {
        self.tally.booking_in_windows(t, wait);
        if !self.port_tally.windows.is_empty() {
            self.port_tally.booking_in_windows(port, t, wait);
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

    /// The whole's waits to processing and to booking: the union of the ports' logs (one port's
    /// are read where they are).
    pub(super) fn whole_wait_stats(&mut self) -> (Option<WaitStats>, Option<WaitStats>) {
        let (t, pt) = (&mut self.tally, &self.port_tally);
        if let [m] = pt.ports.as_slice() {
            return (m.waits.stats(), m.booking_waits.stats());
        }
        for m in &pt.ports {
            t.waits.absorb(&m.waits);
            t.booking_waits.absorb(&m.booking_waits);
        }
        (t.waits.stats(), t.booking_waits.stats())
    }

    /// Forms the whole's measurements from the ports' (closed by
    /// [`PortTally::close`](super::port_tally::PortTally::close)), but for the waits
    /// ([`Sim::whole_wait_stats`]).
    pub(super) fn whole_from_ports(&mut self) {
        let (t, pt) = (&mut self.tally, &self.port_tally);
        let mut at_report = (0, 0);
        for m in &pt.ports {
            add_counts(&mut t.counts, &m.counts);
            t.integral_groups += m.integral_groups;
            t.integral_persons += m.integral_persons;
            t.waiting_time_sum += u128::try_from(m.spells).expect("closed spells sum to a positive time");
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
        requests_groups,
        requests_persons,
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
    sum.requests_groups += requests_groups;
    sum.requests_persons += requests_persons;
    sum.moved_in_groups += moved_in_groups;
    sum.moved_in_persons += moved_in_persons;
    sum.moved_out_groups += moved_out_groups;
    sum.moved_out_persons += moved_out_persons;
    sum.slots += slots;
}
