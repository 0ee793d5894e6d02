//! What a replication measures for the whole: the sums of its ports' measurements, formed at the
//! end (`measure.rs`), and the few measures kept for the whole alone as the run goes: the pool's
//! level and maximum, the waits' 1-day bins, the booking windows, the daily series with no port
//! counterpart. Also where a group leaves the system: it is counted, reported, and its slot freed.

use super::Sim;
use super::path::PoolPath;
use super::waits::{EXACT_WAITS, WaitLog};
use crate::engine::time::{DAY, SimTime, day_of};
use crate::model::observer::{Observer, Outcome};
use crate::model::result::{Counts, Daily, PortSeries, Series};

/// A replication's measurements so far.
#[derive(Debug, Default)]
pub(super) struct Tally {
    /// Groups registering before this are left out of the waits (`warmup_days`) [s].
    warmup: SimTime,
    /// The first instant reported [s]: counts, daily series, waits and time-averages cover
    /// `[report, horizon)`; 0 reports everything.
    report: SimTime,
    /// The first day reported.
    report_day: usize,
    /// Start of the window of the time-averages: the later of `warmup` and `report` [s].
    window: SimTime,
    /// End of the horizon [s].
    horizon: SimTime,
    pub(super) counts: Counts,
    /// The whole pool's level and maximum (its integrals are the ports' sums), which the
    /// abandonment pass moves through the additions and abandonments in time order.
    pub(super) path: PoolPath,
    /// Additions to the pool since the last abandonment pass: (time, persons | port << 32), in time
    /// order.
    additions: Vec<(SimTime, u64)>,
    /// ∫ pool dt over the window [group-seconds, person-seconds], the sum of the ports'.
    pub(super) integral_groups: u128,
    pub(super) integral_persons: u128,
    /// Σ of the groups' time waiting inside the window [group-seconds], the sum of the ports'.
    pub(super) waiting_time_sum: u128,
    pub(super) daily: Daily,
    pub(super) waits: WaitLog,
    pub(super) booking_waits: WaitLog,
    pub(super) wait_bins: Vec<u32>,
    pub(super) booking_wait_bins: Vec<u32>,
    /// Per booking window: its bounds [s], the waits of the groups booked in it, and how many were
    /// under 56 days.
    pub(super) windows: Vec<(SimTime, SimTime, WaitLog, u64)>,
}

impl Tally {
    /// Zeroes everything for a replication of `days` days, keeping the buffers' memory.
    pub(super) fn clear(&mut self, days: usize, warmup: SimTime, report: SimTime, horizon: SimTime) {
        let Tally {
            warmup: w,
            report: r,
            report_day,
            window,
            horizon: h,
            counts,
            path,
            additions,
            integral_groups,
            integral_persons,
            waiting_time_sum,
            daily,
            waits,
            booking_waits,
            wait_bins,
            booking_wait_bins,
            windows,
        } = self;
        (*w, *h, *r) = (warmup, horizon, report);
        *report_day = (report / DAY) as usize;
        *window = warmup.max(report);
        *counts = Counts::default();
        path.clear(days, *window, report);
        additions.clear();
        (*integral_groups, *integral_persons, *waiting_time_sum) = (0, 0, 0);
        *daily = Daily::zeros(days - *report_day);
        waits.clear(EXACT_WAITS);
        booking_waits.clear(EXACT_WAITS);
        // Moved into the result each replication.
        *wait_bins = Vec::new();
        *booking_wait_bins = Vec::new();
        windows.clear();
    }

    /// Measures the bookings in each of these windows apart.
    pub(super) fn set_windows(&mut self, bounds: &[(SimTime, SimTime)]) {
        self.windows = bounds
            .iter()
            .map(|&(from, to)| {
                let mut log = WaitLog::default();
                log.clear(EXACT_WAITS);
                (from, to, log, 0)
            })
            .collect();
    }

    /// Whether the wait of a group registered at `registered_at` and processed (or booked) at `t`
    /// counts in the waiting-time statistics: with a reported period, when `t` is inside it;
    /// otherwise when the group registered after the warm-up.
    #[inline]
    pub(super) fn wait_counts(&self, registered_at: SimTime, t: SimTime) -> bool {
        if self.report > 0 { t >= self.report } else { self.warmup == 0 || registered_at >= self.warmup }
    }

    /// Whether an event at `t` is counted: it falls in the reported period.
    #[inline]
    pub(super) fn counts_at(&self, t: SimTime) -> bool {
        t >= self.report
    }

    /// Adds the amount `x` to daily series `s` on the day of `t`, if that day is reported.
    #[inline]
    pub(super) fn add_daily(&mut self, s: Series, t: SimTime, x: u64) {
        let d = day_of(t) as usize;
        if d >= self.report_day {
            self.daily.add(s, d - self.report_day, x);
        }
    }

    /// Sets daily series `s` on day `d` of the run to the amount `x` (see [`Daily::set`]), if that
    /// day is reported.
    #[inline]
    pub(super) fn set_daily(&mut self, s: Series, d: usize, x: u64) {
        if d >= self.report_day {
            self.daily.set(s, d - self.report_day, x);
        }
    }

    /// The first instant reported [s].
    #[inline]
    pub(super) fn report(&self) -> SimTime {
        self.report
    }

    /// The first day reported.
    pub(super) fn report_day(&self) -> usize {
        self.report_day
    }

    /// A group enters the pool at `t` at `port` (integrated at the next abandonment pass).
    #[inline]
    pub(super) fn pool_addition(&mut self, t: SimTime, persons: u8, port: u8) {
        self.additions.push((t, persons as u64 | (port as u64) << 32));
    }

    /// The pool's additions since the last pass, for the pass to walk (give them back with
    /// [`Tally::restore_additions`]).
    pub(super) fn take_additions(&mut self) -> Vec<(SimTime, u64)> {
        std::mem::take(&mut self.additions)
    }

    /// Returns the walked additions' buffer, emptied.
    pub(super) fn restore_additions(&mut self, mut additions: Vec<(SimTime, u64)>) {
        additions.clear();
        self.additions = additions;
    }

    /// Adds a wait to processing [s] to the 1-day bins.
    #[inline]
    pub(super) fn wait_bin(&mut self, wait: SimTime) {
        bin(&mut self.wait_bins, wait);
    }

    /// Adds a wait to booking [s] to the 1-day bins.
    #[inline]
    pub(super) fn booking_wait_bin(&mut self, wait: SimTime) {
        bin(&mut self.booking_wait_bins, wait);
    }

    /// Records a booking at `t` after a wait [s] in the booking windows that hold `t`.
    #[inline]
    pub(super) fn booking_in_windows(&mut self, t: SimTime, wait: SimTime) {
        for (from, to, log, within) in &mut self.windows {
            if *from <= t && t < *to {
                log.push(wait);
                *within += u64::from(wait < 56 * DAY);
            }
        }
    }

    /// Seconds in the window of the time-averages.
    pub(super) fn window_length(&self) -> SimTime {
        self.horizon - self.window
    }
}

impl Sim<'_> {
    /// A group of `size` persons, registered at `registered_at`, leaves the system at `t` from
    /// `port` with `outcome`: counted, reported to the observer, and its slot freed.
    pub(super) fn exit(
        &mut self,
        slot: u32,
        t: SimTime,
        outcome: Outcome,
        (size, registered_at, port): (u8, SimTime, u8),
        obs: &mut dyn Observer,
    ) {
        let persons = size as u64;
        let counted = self.tally.counts_at(t);
        if let Some(c) = self.counts_at(port, t) {
            match outcome {
                Outcome::Processed => {
                    c.processed_groups += 1;
                    c.processed_persons += persons;
                    self.add_daily(port, PortSeries::ProcessedPersons, t, persons);
                    if self.tally.wait_counts(registered_at, t) {
                        self.processed_wait(port, t - registered_at);
                    }
                }
                Outcome::NoShow => {
                    c.no_show_groups += 1;
                    c.no_show_persons += persons;
                }
                Outcome::Abandoned | Outcome::Dropped => {
                    c.abandoned_groups += 1;
                    c.abandoned_persons += persons;
                    self.add_daily(port, PortSeries::AbandonedPersons, t, persons);
                }
                _ => unreachable!("censored groups do not exit"),
            }
        }
        if matches!(outcome, Outcome::Abandoned | Outcome::Dropped) && !self.groups.was_booked(slot) {
            self.cohorts.abandoned(registered_at, t, size);
        }
        if self.groups.keeps_times() && counted {
            obs.group(&self.groups.row(slot, outcome, t, size, registered_at));
        }
        self.groups.free(slot);
    }
}

/// Adds a wait [s] to 1-day bins.
fn bin(bins: &mut Vec<u32>, wait: SimTime) {
    let k = wait.max(0).div_euclid(DAY) as usize;
    if bins.len() <= k {
        bins.resize(k + 1, 0);
    }
    bins[k] += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reported_period_shifts_the_days_and_decides_what_counts() {
        let mut t = Tally::default();
        t.clear(4, 0, DAY, 4 * DAY);
        assert_eq!(t.window_length(), 3 * DAY);
        t.add_daily(Series::SelectedPersons, DAY / 2, 9);
        t.add_daily(Series::SelectedPersons, DAY + 5, 3);
        assert_eq!(t.daily.get(Series::SelectedPersons), &[3.0, 0.0, 0.0], "day 0 is the first reported day");
        assert!(!t.counts_at(DAY - 1) && t.counts_at(DAY));
        assert!(t.wait_counts(-5 * DAY, DAY) && !t.wait_counts(0, DAY - 1), "waits by when they end");
    }

    #[test]
    fn the_whole_path_keeps_its_level_and_its_maximum_in_the_reported_period() {
        let mut t = Tally::default();
        t.clear(4, 0, DAY, 4 * DAY);
        t.path.shift(DAY / 2, 2, true);
        t.path.shift(DAY / 2 + 1, 2, true);
        t.path.shift(DAY - 1, 2, false);
        t.path.shift(DAY + 1, 3, true);
        assert_eq!(t.path.level(), (2, 5));
        assert_eq!((t.path.max_groups, t.path.max_persons), (2, 5), "only levels from the report's start");
    }
}
