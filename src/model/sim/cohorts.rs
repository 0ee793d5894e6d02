//! Outcomes by registration cohort: for the persons registering in each calendar month of the run
//! (and in the whole run, pooled), the share booked within 30, 60, 90 and 180 days, the share who
//! gave up within 180 days, the share still waiting at the end, and the median time to booking.
//!
//! Each group's first booking, or its abandonment before any booking, is an event at the whole days
//! since its registration; a group still waiting or confirming at the end is censored there. The
//! shares are Aalen–Johansen cumulative incidences, with abandonment a competing risk of booking,
//! weighted by persons: at day k, with n persons at risk, b booked and a abandoning,
//! CIF_booked(k) = CIF_booked(k − 1) + S(k − 1)·b/n and S(k) = S(k − 1)·(1 − (b + a)/n); persons
//! censored on day k stay at risk for that day's events. A share at a day the risk set no longer
//! reaches (all remaining persons censored first) is not estimable: NaN.

use crate::engine::time::{DAY, SimTime};
use crate::model::result::CohortOutcome;

/// Days of the cumulative incidences reported: booked within these many days.
pub(crate) const BOOKED_WITHIN: [usize; 4] = [30, 60, 90, 180];
/// Abandoned within this many days.
pub(crate) const ABANDONED_WITHIN: usize = 180;

/// Per cohort (the months, then the whole run pooled): persons registered, and persons booked,
/// abandoning and censored on each day since registration.
#[derive(Debug, Default)]
pub(super) struct Cohorts {
    days: usize,
    /// The cohort of each registration day of the horizon.
    of_day: Vec<u16>,
    cohorts: usize,
    registered: Vec<u64>,
    booked: Vec<u64>,
    abandoned: Vec<u64>,
    censored: Vec<u64>,
}

impl Cohorts {
    /// Empties the counts for a horizon of `days` whose registration days belong to the cohorts
    /// `of_day` (numbered from 0; `cohorts` of them).
    pub(super) fn clear(&mut self, days: usize, of_day: &[u16], cohorts: usize) {
        let Cohorts { days: d, of_day: o, cohorts: c, registered, booked, abandoned, censored } = self;
        (*d, *c) = (days, cohorts);
        o.clear();
        o.extend_from_slice(of_day);
        registered.clear();
        registered.resize(cohorts + 1, 0);
        for v in [booked, abandoned, censored] {
            v.clear();
            v.resize((cohorts + 1) * days, 0);
        }
    }

    /// The cohort of a registration at `registered_at`, if it is inside the horizon.
    #[inline]
    fn cohort(&self, registered_at: SimTime) -> Option<usize> {
        if registered_at < 0 {
            return None;
        }
        self.of_day.get((registered_at / DAY) as usize).filter(|c| **c != crate::model::NO_COHORT).map(|c| *c as usize)
    }

    /// Adds `persons` to cohort `c` in `v`, on day `k` since registration (the pooled cohort is
    /// summed at the end).
    #[inline]
    fn add(v: &mut [u64], days: usize, c: usize, k: usize, persons: u64) {
        v[c * days + k.min(days - 1)] += persons;
    }

    /// A group of `persons` registers at `t`.
    #[inline]
    pub(super) fn registered(&mut self, t: SimTime, persons: u8) {
        if let Some(c) = self.cohort(t) {
            self.registered[c] += persons as u64;
        }
    }

    /// A group registered at `registered_at` is booked for the first time at `t`.
    #[inline]
    pub(super) fn booked(&mut self, registered_at: SimTime, t: SimTime, persons: u8) {
        if let Some(c) = self.cohort(registered_at) {
            let k = ((t - registered_at) / DAY) as usize;
            Self::add(&mut self.booked, self.days, c, k, persons as u64);
        }
    }

    /// A group registered at `registered_at`, never booked, gives up at `t`.
    #[inline]
    pub(super) fn abandoned(&mut self, registered_at: SimTime, t: SimTime, persons: u8) {
        if let Some(c) = self.cohort(registered_at) {
            let k = ((t - registered_at) / DAY) as usize;
            Self::add(&mut self.abandoned, self.days, c, k, persons as u64);
        }
    }

    /// A group registered at `registered_at`, never booked, is still waiting or confirming at the
    /// horizon `t`.
    pub(super) fn censored(&mut self, registered_at: SimTime, t: SimTime, persons: u8) {
        if let Some(c) = self.cohort(registered_at) {
            let k = ((t - registered_at) / DAY) as usize;
            Self::add(&mut self.censored, self.days, c, k, persons as u64);
        }
    }

    /// Each cohort's outcomes, the pooled one (the sum of the others) last.
    pub(super) fn outcomes(&mut self) -> Vec<CohortOutcome> {
        let (n, days) = (self.cohorts, self.days);
        self.registered[n] = self.registered[..n].iter().sum();
        for v in [&mut self.booked, &mut self.abandoned, &mut self.censored] {
            let (months, pooled) = v.split_at_mut(n * days);
            for month in months.chunks(days) {
                pooled.iter_mut().zip(month).for_each(|(p, x)| *p += x);
            }
        }
        (0..=n)
            .map(|c| {
                let span = c * self.days..(c + 1) * self.days;
                outcome(
                    self.registered[c],
                    &self.booked[span.clone()],
                    &self.abandoned[span.clone()],
                    &self.censored[span],
                )
            })
            .collect()
    }
}

/// The Aalen–Johansen cumulative incidences of booking and abandonment after each whole day since
/// registration (index k: within k + 1 days), NaN where not estimable.
pub(crate) fn aalen_johansen(
    registered: u64,
    booked: &[u64],
    abandoned: &[u64],
    censored: &[u64],
) -> (Vec<f64>, Vec<f64>) {
    let days = booked.len();
    let (mut cif_b, mut cif_a) = (vec![f64::NAN; days], vec![f64::NAN; days]);
    let (mut at_risk, mut s, mut b, mut a) = (registered as f64, 1.0f64, 0.0f64, 0.0f64);
    for k in 0..days {
        if at_risk <= 0.0 {
            // Nobody left at risk: the incidences are final if nobody remained unresolved.
            if s <= 1e-12 {
                cif_b[k..].fill(b);
                cif_a[k..].fill(a);
            }
            break;
        }
        let (db, da) = (booked[k] as f64, abandoned[k] as f64);
        b += s * db / at_risk;
        a += s * da / at_risk;
        s *= 1.0 - (db + da) / at_risk;
        (cif_b[k], cif_a[k]) = (b, a);
        at_risk -= db + da + censored[k] as f64;
    }
    (cif_b, cif_a)
}

/// The time [days] at which an incidence curve (index k: within k + 1 days) reaches 0.5, linear
/// within the day; NaN if it never does where it is estimable.
pub(crate) fn median_time(cif: &[f64]) -> f64 {
    let mut prev = 0.0;
    for (k, &v) in cif.iter().enumerate() {
        if v.is_nan() {
            return f64::NAN;
        }
        if v >= 0.5 {
            return k as f64 + if v > prev { (0.5 - prev) / (v - prev) } else { 1.0 };
        }
        prev = v;
    }
    f64::NAN
}

fn outcome(registered: u64, booked: &[u64], abandoned: &[u64], censored: &[u64]) -> CohortOutcome {
    let (cif_b, cif_a) = aalen_johansen(registered, booked, abandoned, censored);
    let at = |cif: &[f64], d: usize| cif.get(d - 1).copied().unwrap_or(f64::NAN);
    let waiting = censored.iter().sum::<u64>() as f64;
    CohortOutcome {
        registered_persons: registered,
        booked_within: BOOKED_WITHIN.map(|d| at(&cif_b, d)),
        abandoned_within: at(&cif_a, ABANDONED_WITHIN),
        waiting_at_end: if registered > 0 { waiting / registered as f64 } else { f64::NAN },
        median_days_to_booking: median_time(&cif_b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ten persons: on day 0 two are booked and one gives up; one is censored on day 1; on day 2
    /// two are booked; on day 3 the remaining four are censored.
    /// Day 0: n = 10, CIF_b = 2/10 = 0.2, CIF_a = 0.1, S = 0.7.
    /// Day 1: n = 7, no event, S = 0.7; one censored.
    /// Day 2: n = 6, CIF_b = 0.2 + 0.7·2/6 = 0.4333…, S = 0.7·4/6 = 0.4667.
    /// Day 3: n = 4, no event; all censored. Day 4 on: not estimable.
    #[test]
    fn a_hand_computed_censored_sample() {
        let (b, a) = aalen_johansen(10, &[2, 0, 2, 0, 0], &[1, 0, 0, 0, 0], &[0, 1, 0, 4, 0]);
        assert!((b[0] - 0.2).abs() < 1e-12 && (a[0] - 0.1).abs() < 1e-12);
        assert!((b[1] - 0.2).abs() < 1e-12);
        assert!((b[2] - (0.2 + 0.7 * 2.0 / 6.0)).abs() < 1e-12);
        assert!((b[3] - b[2]).abs() < 1e-12 && (a[3] - 0.1).abs() < 1e-12);
        assert!(b[4].is_nan() && a[4].is_nan(), "beyond the last person at risk");
        assert!(median_time(&b).is_nan(), "the booking curve never reaches 0.5 where it is estimable");
        // Without censoring, the incidence is the plain share, and everybody resolved stays final.
        let (b, a) = aalen_johansen(4, &[1, 2, 0], &[0, 1, 0], &[0, 0, 0]);
        assert_eq!((b[1], a[1], b[2]), (0.75, 0.25, 0.75));
        assert!((median_time(&b) - 1.5).abs() < 1e-12, "0.25 at 1 day, 0.75 at 2 days: 0.5 at 1.5 days");
    }
}
