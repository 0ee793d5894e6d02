//! The exact path of a waiting pool: its level (groups, persons), changed in time order, with its
//! integral over each day of the run and over the statistics window, its maximum over the reported
//! period and its level just before that period. One definition for the whole pool (`tally.rs`)
//! and for each port's pool (`port_tally.rs`).
//!
//! The integral is one running total from time 0, ∫ level dt up to the last change. A day's
//! integral and the window's are differences of that total, taken when the path passes the day's
//! end or the window's start. Those instants (and the report's start) are the path's marks, and a
//! change before the next mark only adds the level times the time since the last change: integer
//! arithmetic, so the result is the same as integrating piece by piece.

use crate::engine::time::{DAY, SimTime};

/// A pool's path and its integrals so far.
#[derive(Debug, Default)]
pub(super) struct PoolPath {
    /// The time of the last change (or mark passed) and the level since then.
    last_t: SimTime,
    groups: u64,
    persons: u64,
    /// The first mark after `last_t`: the end of `day`, the window's start or the report's start.
    mark: SimTime,
    /// The day that holds `last_t` (its end is a mark).
    day: usize,
    /// ∫ level dt from 0 to `last_t` [group-seconds, person-seconds].
    total: (u128, u128),
    /// `total` at the start of `day`, and at the window's start once passed.
    at_day_start: (u128, u128),
    at_window: Option<(u128, u128)>,
    window: SimTime,
    report: SimTime,
    /// The level just before `report`, once the path passed it (never with `report` = 0).
    pub(super) waiting_at_report: Option<(u64, u64)>,
    /// The largest level from `report` on.
    pub(super) max_groups: u64,
    pub(super) max_persons: u64,
    /// ∫ level dt over each day of the run, filled as the path passes each day's end.
    pub(super) day_group_secs: Vec<u64>,
    pub(super) day_person_secs: Vec<u64>,
}

impl PoolPath {
    /// An empty pool at time 0, for a run of `days` days with the window from `window` and the
    /// reported period from `report`; keeps the day vectors' memory.
    pub(super) fn clear(&mut self, days: usize, window: SimTime, report: SimTime) {
        let mut day_group_secs = std::mem::take(&mut self.day_group_secs);
        let mut day_person_secs = std::mem::take(&mut self.day_person_secs);
        day_group_secs.clear();
        day_group_secs.resize(days, 0);
        day_person_secs.clear();
        day_person_secs.resize(days, 0);
        *self = PoolPath {
            at_window: (window <= 0).then_some((0, 0)),
            window,
            report,
            day_group_secs,
            day_person_secs,
            ..PoolPath::default()
        };
        self.mark = self.next_mark();
    }

    /// The level (groups, persons) now.
    pub(super) fn level(&self) -> (u64, u64) {
        (self.groups, self.persons)
    }

    /// The pool gains a group of `persons` at `t` (not before the last change).
    #[inline]
    pub(super) fn add(&mut self, t: SimTime, persons: u64) {
        self.advance(t);
        self.shift(t, persons, true);
    }

    /// The pool loses a group of `persons` at `t` (not before the last change).
    #[inline]
    pub(super) fn remove(&mut self, t: SimTime, persons: u64) {
        self.advance(t);
        self.shift(t, persons, false);
    }

    /// Changes the level and its maximum only, leaving the integrals alone: the whole's path when
    /// each port's integrates (the whole's integrals are then the ports' sums).
    #[inline]
    pub(super) fn shift(&mut self, t: SimTime, persons: u64, gains: bool) {
        if gains {
            self.groups += 1;
            self.persons += persons;
            if t >= self.report {
                self.max_groups = self.max_groups.max(self.groups);
                self.max_persons = self.max_persons.max(self.persons);
            }
        } else {
            self.groups -= 1;
            self.persons -= persons;
        }
    }

    /// Integrates the level from the last change to `t`; an earlier `t` changes nothing.
    #[inline]
    pub(super) fn advance(&mut self, t: SimTime) {
        if t <= self.last_t {
            return;
        }
        if t < self.mark {
            self.integrate(t);
        } else {
            self.pass_marks(t);
        }
    }

    /// Adds the level times the time from `last_t` to `t`, with no mark in between.
    #[inline]
    fn integrate(&mut self, t: SimTime) {
        let len = (t - self.last_t) as u128;
        self.total.0 += self.groups as u128 * len;
        self.total.1 += self.persons as u128 * len;
        self.last_t = t;
    }

    /// Integrates to `t` through every mark up to it, taking each mark's snapshot.
    #[cold]
    #[inline(never)]
    fn pass_marks(&mut self, t: SimTime) {
        while self.mark <= t {
            let at = self.mark;
            self.integrate(at);
            if at == (self.day as SimTime + 1) * DAY {
                self.day_group_secs[self.day] = (self.total.0 - self.at_day_start.0) as u64;
                self.day_person_secs[self.day] = (self.total.1 - self.at_day_start.1) as u64;
                self.at_day_start = self.total;
                self.day += 1;
            }
            if at == self.window {
                self.at_window = Some(self.total);
            }
            if at == self.report {
                self.waiting_at_report = Some((self.groups, self.persons));
                self.max_groups = self.max_groups.max(self.groups);
                self.max_persons = self.max_persons.max(self.persons);
            }
            self.mark = self.next_mark();
        }
        self.integrate(t);
    }

    /// The first mark after `last_t`.
    fn next_mark(&self) -> SimTime {
        let mut mark = (self.day as SimTime + 1) * DAY;
        for m in [self.window, self.report] {
            if m > self.last_t {
                mark = mark.min(m);
            }
        }
        mark
    }

    /// Integrates to `horizon` (the end of the run's last day) and returns ∫ level dt over the
    /// window [group-seconds, person-seconds]: nothing if the window starts after the horizon.
    pub(super) fn close(&mut self, horizon: SimTime) -> (u128, u128) {
        self.advance(horizon);
        debug_assert_eq!(self.day, self.day_group_secs.len(), "the horizon ends the run's last day");
        let from = self.at_window.unwrap_or(self.total);
        (self.total.0 - from.0, self.total.1 - from.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path integrated piece by piece between consecutive changes, for comparison.
    fn by_pieces(changes: &[(SimTime, i64)], days: usize, window: SimTime) -> (Vec<u64>, u128) {
        let (mut level, mut last, mut day_secs, mut inside) = (0i64, 0, vec![0u64; days], 0u128);
        let horizon = days as SimTime * DAY;
        for &(t, dx) in changes.iter().chain([(horizon, 0)].iter()) {
            for s in last..t {
                day_secs[(s / DAY) as usize] += level as u64;
                inside += u128::from(s >= window) * level as u128;
            }
            (level, last) = (level + dx, t);
        }
        (day_secs, inside)
    }

    #[test]
    fn marks_split_the_integral_exactly_as_pieces_do() {
        let changes: Vec<(SimTime, i64)> =
            vec![(0, 3), (5, 2), (DAY - 1, -1), (DAY, 4), (DAY, -2), (3 * DAY + 7, 1), (4 * DAY, -7)];
        for (window, report) in [(0, 0), (DAY + 3, 0), (2 * DAY, 2 * DAY), (9 * DAY, 0)] {
            let mut p = PoolPath::default();
            p.clear(5, window, report);
            for &(t, dx) in &changes {
                if dx > 0 { p.add(t, dx as u64) } else { p.remove(t, (-dx) as u64) }
            }
            let (_, persons) = p.close(5 * DAY);
            let (days, inside) = by_pieces(&changes, 5, window);
            assert_eq!(p.day_person_secs, days, "window {window}");
            assert_eq!(persons, inside, "window {window}");
        }
    }

    #[test]
    fn the_level_before_the_report_and_the_maximum_after_it() {
        let mut p = PoolPath::default();
        p.clear(3, DAY, DAY);
        p.add(10, 5);
        p.add(20, 1);
        p.remove(DAY, 5);
        p.close(3 * DAY);
        assert_eq!(p.waiting_at_report, Some((2, 6)), "before the changes at the report's start");
        assert_eq!((p.max_groups, p.max_persons), (2, 6), "the level at the report's start counts");
        assert_eq!(p.level(), (1, 1));
    }
}
