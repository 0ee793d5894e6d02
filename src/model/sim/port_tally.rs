//! What a replication measures at each port of entry, when the scenario declares ports: the same
//! counts, pool path, waits and daily series as the whole (`tally.rs`), over the same reported
//! period, plus the moves between ports. Integer amounts only, so that sums over replications are
//! exact in any order.
//!
//! Each port's waiting spells are kept as Σ clamp(leave) − Σ clamp(enter) (times clamped to the
//! window), from the entries and exits of its pool, and its path integral from the pool path's
//! events in time order: the two meet in the per-port Little's law that `finish.rs` asserts.
//!
//! A port's path is integrated in O(1) per event, without walking the time since its last change:
//! a change of Δ at `t` adds Δ × (horizon − max(t, window)) to the window's integral, and
//! Δ × (end of t's day − t) to that day's integral, whose later days see Δ through the level at
//! their start (the running sum of the changes of the days before, added at [`PortTally::close`]).

use super::waits::{EXACT_WAITS, WaitLog};
use crate::engine::time::{DAY, SimTime, day_of};
use crate::model::result::{Counts, PortDaily, PortSeries};

/// One port's measurements so far.
#[derive(Debug, Default)]
pub(super) struct PortMeasure {
    pub(super) counts: Counts,
    /// The port's pool path now (groups, persons).
    groups: u64,
    persons: u64,
    /// The pool just before the reported period, once the path passed it.
    pub(super) waiting_at_report: Option<(u64, u64)>,
    /// ∫ pool dt over the window [group-seconds, person-seconds]: Σ Δ × (horizon − max(t, window))
    /// over the path's changes, signed while they accumulate. 64 bits hold ten million persons over
    /// the longest horizon allowed (100 years).
    window_groups: i64,
    window_persons: i64,
    /// Set from the sums above by [`PortTally::close`].
    pub(super) integral_groups: u64,
    pub(super) integral_persons: u64,
    /// For each day of the run: Σ Δ × (end of day − t) over the day's changes of persons, and Σ Δ
    /// [person-seconds, persons]; the day's integral adds the level at its start times the day.
    day_changes: Vec<(i64, i64)>,
    pub(super) max_groups: u64,
    pub(super) max_persons: u64,
    /// Σ clamp(leave) − Σ clamp(enter) over the port's waiting spells [group-seconds].
    pub(super) spells: i64,
    pub(super) waits: WaitLog,
    pub(super) selection_waits: WaitLog,
}

/// Every port's measurements and daily series.
#[derive(Debug, Default)]
pub(super) struct PortTally {
    /// Whether ports are measured at all (the scenario declares them).
    pub(super) on: bool,
    report: SimTime,
    report_day: usize,
    window: SimTime,
    horizon: SimTime,
    pub(super) ports: Vec<PortMeasure>,
    /// Daily series of the reported days, in integer amounts (taken by the result).
    pub(super) daily: PortDaily,
    /// Per booking window: its bounds [s], its port, the waits of the groups booked there in it,
    /// and how many were under 56 days.
    pub(super) windows: Vec<(SimTime, SimTime, u8, WaitLog, u64)>,
}

impl PortTally {
    /// Zeroes everything for `ports` ports (measured only if `on`) over `days` days.
    pub(super) fn clear(
        &mut self,
        on: bool,
        ports: usize,
        days: usize,
        window: SimTime,
        report: SimTime,
        horizon: SimTime,
    ) {
        let PortTally { on: o, report: r, report_day, window: w, horizon: h, ports: measures, daily, windows } = self;
        windows.clear();
        *o = on;
        (*r, *w, *h) = (report, window, horizon);
        *report_day = (report / DAY) as usize;
        measures.clear();
        *daily = PortDaily::default();
        if on {
            measures.resize_with(ports, PortMeasure::default);
            for m in measures.iter_mut() {
                m.waits.clear(EXACT_WAITS);
                m.selection_waits.clear(EXACT_WAITS);
                m.day_changes = vec![(0, 0); days];
            }
            *daily = PortDaily::zeros(ports, days - *report_day);
        }
    }

    /// The counts of `port`, if an event at `t` is counted.
    #[inline]
    pub(super) fn counts(&mut self, port: u8, t: SimTime) -> Option<&mut Counts> {
        if self.on && t >= self.report { Some(&mut self.ports[port as usize].counts) } else { None }
    }

    /// Adds `x` to `port`'s daily series `s` on the day of `t`, if reported.
    #[inline]
    pub(super) fn add_daily(&mut self, port: u8, s: PortSeries, t: SimTime, x: u64) {
        let d = day_of(t) as usize;
        if self.on && d >= self.report_day {
            self.daily.add(port as usize, s, d - self.report_day, x);
        }
    }

    /// Sets `port`'s daily series `s` on day `d` of the run, if reported.
    #[inline]
    pub(super) fn set_daily(&mut self, port: usize, s: PortSeries, d: usize, x: u64) {
        if self.on && d >= self.report_day {
            self.daily.set(port, s, d - self.report_day, x);
        }
    }

    /// The pool path of `port` gains (`gains`) or loses a group of `persons` at `t`; the path's
    /// changes come in time order.
    #[inline]
    pub(super) fn path(&mut self, port: u8, t: SimTime, persons: u64, gains: bool) {
        if !self.on {
            return;
        }
        let (report, window, horizon) = (self.report, self.window, self.horizon);
        let m = &mut self.ports[port as usize];
        if report > 0 && t >= report && m.waiting_at_report.is_none() {
            m.waiting_at_report = Some((m.groups, m.persons));
            m.max_groups = m.max_groups.max(m.groups);
            m.max_persons = m.max_persons.max(m.persons);
        }
        let (dg, dp) = if gains { (1, persons as i64) } else { (-1, -(persons as i64)) };
        m.groups = m.groups.wrapping_add_signed(dg);
        m.persons = m.persons.wrapping_add_signed(dp);
        if gains && t >= report {
            m.max_groups = m.max_groups.max(m.groups);
            m.max_persons = m.max_persons.max(m.persons);
        }
        let t = t.max(0);
        if t < horizon {
            let left = (horizon - t.max(window)).max(0);
            m.window_groups += dg * left;
            m.window_persons += dp * left;
            let d = day_of(t) as usize;
            let end = ((d as SimTime + 1) * DAY).min(horizon);
            let day = &mut m.day_changes[d];
            day.0 += dp * (end - t);
            day.1 += dp;
        }
    }

    /// A waiting spell at `port` starts (`enter`) or ends at `t`.
    #[inline]
    pub(super) fn spell(&mut self, port: u8, t: SimTime, enter: bool) {
        if self.on {
            let x = t.clamp(self.window, self.horizon);
            self.ports[port as usize].spells += if enter { -x } else { x };
        }
    }

    /// Measures the bookings at each window's port in `[from, to)` apart.
    pub(super) fn set_windows(&mut self, bounds: &[(SimTime, SimTime, usize)]) {
        self.windows = bounds
            .iter()
            .map(|&(from, to, port)| {
                let mut log = WaitLog::default();
                log.clear(EXACT_WAITS);
                (from, to, port as u8, log, 0)
            })
            .collect();
    }

    /// Records a booking at `port` at `t` after a wait [s] in the windows of that port that hold `t`.
    #[inline]
    pub(super) fn booking_in_windows(&mut self, port: u8, t: SimTime, wait: SimTime) {
        for (from, to, p, log, within) in &mut self.windows {
            if *p == port && *from <= t && t < *to {
                log.push(wait);
                *within += u64::from(wait < 56 * DAY);
            }
        }
    }

    /// Counts a group selected before the reported period and still selected or booked at its
    /// start as initial at `port` (see `Tally::selected_across_report`).
    #[inline]
    pub(super) fn selected_across_report(&mut self, port: u8, from: SimTime, to: SimTime, persons: u8) {
        if self.on && from < self.report && to >= self.report {
            let c = &mut self.ports[port as usize].counts;
            c.initial_groups += 1;
            c.initial_persons += persons as u64;
        }
    }

    /// Groups on `port`'s pool path.
    pub(super) fn path_groups(&self, port: usize) -> u64 {
        self.ports[port].groups
    }

    /// Completes every port's integrals (each day's adds the level at its start) and adds the pools
    /// at the start of the reported period to the initial counts.
    pub(super) fn close(&mut self) {
        for p in 0..self.ports.len() {
            let m = &mut self.ports[p];
            if self.report > 0 && m.waiting_at_report.is_none() {
                m.waiting_at_report = Some((m.groups, m.persons));
                m.max_groups = m.max_groups.max(m.groups);
                m.max_persons = m.max_persons.max(m.persons);
            }
            m.integral_groups = u64::try_from(m.window_groups).expect("a pool is never negative");
            m.integral_persons = u64::try_from(m.window_persons).expect("a pool is never negative");
            if let Some((g, q)) = m.waiting_at_report {
                m.counts.initial_groups += g;
                m.counts.initial_persons += q;
            }
            let mut level = 0i64;
            for (d, &(within, changes)) in m.day_changes.iter().enumerate() {
                let length = ((d as SimTime + 1) * DAY).min(self.horizon) - d as SimTime * DAY;
                if d >= self.report_day {
                    let secs = u64::try_from(level * length + within).expect("a pool is never negative");
                    self.daily.set(p, PortSeries::WaitingPersons, d - self.report_day, secs);
                }
                level += changes;
            }
        }
    }

    /// Seconds in the window of the time-averages.
    pub(super) fn window_length(&self) -> SimTime {
        self.horizon - self.window
    }
}
