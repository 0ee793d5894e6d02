//! What a replication measures at each port of entry (one implicit port without `[[ports]]`): the
//! counts, pool path, waits and daily series, over the reported period, plus the moves between
//! ports; the whole is then formed from them (`measure.rs`). Integer amounts only, so that sums
//! over ports and replications are exact in any order.
//!
//! Each port's waiting spells are kept as Σ clamp(leave) − Σ clamp(enter) (times clamped to the
//! window), from the entries and exits of its pool, and its path integral from the pool path's
//! events in time order: the two meet in the per-port Little's law that `finish.rs` asserts.

use super::path::PoolPath;
use super::waits::{EXACT_WAITS, WaitLog};
use crate::engine::time::{DAY, SimTime, day_of};
use crate::model::result::{Counts, PortDaily, PortSeries};

/// One port's measurements so far.
#[derive(Debug, Default)]
pub(super) struct PortMeasure {
    pub(super) counts: Counts,
    /// The port's pool path.
    pub(super) path: PoolPath,
    /// ∫ pool dt over the window [group-seconds, person-seconds], set by [`PortTally::close`].
    pub(super) integral_groups: u128,
    pub(super) integral_persons: u128,
    /// Σ clamp(leave) − Σ clamp(enter) over the port's waiting spells [group-seconds].
    pub(super) spells: i64,
    pub(super) waits: WaitLog,
    pub(super) booking_waits: WaitLog,
}

/// Every port's measurements and daily series.
#[derive(Debug, Default)]
pub(super) struct PortTally {
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
    /// Zeroes everything for `ports` ports over `days` days, keeping the buffers' memory.
    pub(super) fn clear(&mut self, ports: usize, days: usize, window: SimTime, report: SimTime, horizon: SimTime) {
        let PortTally { report: r, report_day, window: w, horizon: h, ports: measures, daily, windows } = self;
        windows.clear();
        (*r, *w, *h) = (report, window, horizon);
        *report_day = (report / DAY) as usize;
        measures.truncate(ports);
        measures.resize_with(ports, PortMeasure::default);
        for m in measures.iter_mut() {
            let PortMeasure { counts, path, integral_groups, integral_persons, spells, waits, booking_waits } = m;
            *counts = Counts::default();
            (*integral_groups, *integral_persons, *spells) = (0, 0, 0);
            waits.clear(EXACT_WAITS);
            booking_waits.clear(EXACT_WAITS);
            path.clear(days, window, report);
        }
        *daily = PortDaily::zeros(ports, days - *report_day);
    }

    /// Adds `x` to `port`'s daily series `s` on the day of `t`, if reported.
    #[inline]
    pub(super) fn add_daily(&mut self, port: u8, s: PortSeries, t: SimTime, x: u64) {
        let d = day_of(t) as usize;
        if d >= self.report_day {
            self.daily.add(port as usize, s, d - self.report_day, x);
        }
    }

    /// Sets `port`'s daily series `s` on day `d` of the run, if reported.
    #[inline]
    pub(super) fn set_daily(&mut self, port: usize, s: PortSeries, d: usize, x: u64) {
        if d >= self.report_day {
            self.daily.set(port, s, d - self.report_day, x);
        }
    }

    /// The pool path of `port` gains (`gains`) or loses a group of `persons` at `t`.
    #[inline]
    pub(super) fn path(&mut self, port: u8, t: SimTime, persons: u64, gains: bool) {
        let path = &mut self.ports[port as usize].path;
        if gains { path.add(t, persons) } else { path.remove(t, persons) }
    }

    /// A waiting spell at `port` starts (`enter`) or ends at `t`.
    #[inline]
    pub(super) fn spell(&mut self, port: u8, t: SimTime, enter: bool) {
        // max then min, not clamp: clamp checks its bounds' order on every call.
        let x = t.max(self.window).min(self.horizon);
        self.ports[port as usize].spells += if enter { -x } else { x };
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

    /// Groups on `port`'s pool path.
    pub(super) fn path_groups(&self, port: usize) -> u64 {
        self.ports[port].path.level().0
    }

    /// Integrates every port's path to the horizon and adds the pools at the start of the reported
    /// period to the initial counts.
    pub(super) fn close(&mut self) {
        for (p, m) in self.ports.iter_mut().enumerate() {
            (m.integral_groups, m.integral_persons) = m.path.close(self.horizon);
            if let Some((g, q)) = m.path.waiting_at_report {
                m.counts.initial_groups += g;
                m.counts.initial_persons += q;
            }
            for (d, secs) in m.path.day_person_secs.iter().enumerate().skip(self.report_day) {
                self.daily.set(p, PortSeries::WaitingPersons, d - self.report_day, *secs);
            }
        }
    }

    /// Seconds in the window of the time-averages.
    pub(super) fn window_length(&self) -> SimTime {
        self.horizon - self.window
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_integrates_each_port_and_counts_its_pool_at_the_report_start() {
        let mut t = PortTally::default();
        t.clear(2, 4, DAY, DAY, 4 * DAY);
        t.path(0, DAY / 2, 2, true);
        t.spell(0, DAY / 2, true);
        t.path(1, DAY, 3, true);
        t.spell(1, DAY, true);
        t.path(0, 2 * DAY, 2, false);
        t.spell(0, 2 * DAY, false);
        t.spell(1, 4 * DAY, false);
        t.close();
        let (a, b) = (&t.ports[0], &t.ports[1]);
        assert_eq!((a.integral_groups, a.integral_persons), (DAY as u128, 2 * DAY as u128), "inside the window");
        assert_eq!(a.integral_groups as i64, a.spells, "Little's law at port 0");
        assert_eq!(b.integral_groups as i64, b.spells, "Little's law at port 1");
        assert_eq!((a.counts.initial_groups, a.counts.initial_persons), (1, 2), "waiting at the report's start");
        assert_eq!((b.counts.initial_groups, b.counts.initial_persons), (0, 0), "arrived at the report's start");
        assert_eq!(t.daily.get(1, PortSeries::WaitingPersons, 0), 3 * DAY as u64, "day 0 is the first reported");
    }
}
