//! Outages as sorted, disjoint half-open intervals `[start, end)` (overlapping outages merge),
//! one set per thing they can affect, with O(log n) queries.

use rand::RngExt;

use crate::engine::rng::StreamRng;
use crate::engine::time::{self, DAY, SimTime};
use crate::scenario::{Affects, DAYS_PER_MONTH, Scenario};

/// Disjoint, sorted half-open intervals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct IntervalSet {
    spans: Vec<(SimTime, SimTime)>,
}

impl IntervalSet {
    /// Merges arbitrary intervals (empty ones are dropped).
    pub(crate) fn from_spans(mut spans: Vec<(SimTime, SimTime)>) -> Self {
        spans.retain(|(a, b)| b > a);
        spans.sort_unstable();
        let mut merged: Vec<(SimTime, SimTime)> = Vec::with_capacity(spans.len());
        for (a, b) in spans {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        IntervalSet { spans: merged }
    }

    /// The merged intervals.
    #[cfg(test)]
    pub(crate) fn spans(&self) -> &[(SimTime, SimTime)] {
        &self.spans
    }

    /// The end of the interval containing `t` (`start ≤ t < end`), if any.
    pub(crate) fn containing(&self, t: SimTime) -> Option<SimTime> {
        let i = self.spans.partition_point(|(a, _)| *a <= t);
        (i > 0 && t < self.spans[i - 1].1).then(|| self.spans[i - 1].1)
    }

    /// Total length of the intervals inside `[a, b]` (the same as inside `[a, b)`: single points have no length).
    pub(crate) fn overlap(&self, a: SimTime, b: SimTime) -> SimTime {
        if b <= a {
            return 0;
        }
        let first = self.spans.partition_point(|(_, e)| *e <= a);
        let mut total = 0;
        for &(s, e) in &self.spans[first..] {
            if s >= b {
                break;
            }
            total += e.min(b) - s.max(a);
        }
        total
    }
}

/// The outages of one replication, merged per affected activity and all together.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outages {
    /// Outages affecting requests.
    pub(crate) requests: IntervalSet,
    /// Outages affecting confirmations.
    pub(crate) confirmations: IntervalSet,
    /// Outages affecting registrations.
    pub(crate) registrations: IntervalSet,
    /// Every outage, whatever it affects (for `outage_hours`).
    pub(crate) any: IntervalSet,
}

/// One outage before merging: where it lies and what it affects.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawOutage {
    /// Start [s].
    pub(crate) start: SimTime,
    /// End [s], exclusive.
    pub(crate) end: SimTime,
    /// What it prevents.
    pub(crate) affects: Affects,
}

impl Outages {
    /// Merges explicit and random outages into per-activity sets.
    pub(crate) fn build(raw: &[RawOutage]) -> Self {
        let pick = |f: fn(&Affects) -> bool| {
            IntervalSet::from_spans(raw.iter().filter(|o| f(&o.affects)).map(|o| (o.start, o.end)).collect())
        };
        Outages {
            requests: pick(|a| a.requests),
            confirmations: pick(|a| a.confirmations),
            registrations: pick(|a| a.registrations),
            any: pick(|_| true),
        }
    }
}

/// The explicit outages of a scenario, in simulation time (they may lie outside the horizon).
pub(crate) fn explicit(s: &Scenario) -> Vec<RawOutage> {
    let origin = s.start.and_time(chrono::NaiveTime::MIN);
    s.outages
        .iter()
        .map(|o| {
            let start = (o.start - origin).num_seconds();
            RawOutage { start, end: start + time::from_hours(o.hours), affects: o.affects }
        })
        .collect()
}

/// Random outages over `[0, horizon)`: Poisson starts at `per_month`, lengths from the process's law,
/// drawn from the replication's outage stream (starts first, then each length in order).
pub(crate) fn random(s: &Scenario, horizon: SimTime, rng: &mut StreamRng) -> Vec<RawOutage> {
    let Some(p) = &s.outage_process else { return Vec::new() };
    if p.per_month <= 0.0 {
        return Vec::new();
    }
    let rate_per_sec = p.per_month / (DAYS_PER_MONTH * DAY as f64);
    let sampler = p.hours.sampler();
    let mut out = Vec::new();
    let mut t = 0.0f64;
    loop {
        t += -(1.0 - rng.random::<f64>()).ln() / rate_per_sec;
        let start = t.round() as SimTime;
        if start >= horizon {
            break;
        }
        let hours = sampler.sample(rng);
        out.push(RawOutage { start, end: start + time::from_hours(hours), affects: p.affects });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_outages_merge_and_queries_are_half_open() {
        let s = IntervalSet::from_spans(vec![(10, 20), (15, 30), (40, 50), (50, 55), (60, 60)]);
        assert_eq!(s.spans(), &[(10, 30), (40, 55)]);
        assert_eq!(s.containing(10), Some(30));
        assert_eq!(s.containing(29), Some(30));
        assert_eq!(s.containing(30), None);
        assert_eq!(s.containing(9), None);
        assert_eq!(s.overlap(0, 100), 35);
        assert_eq!(s.overlap(25, 45), 10);
        assert_eq!(s.overlap(30, 40), 0);
        assert_eq!(s.overlap(12, 12), 0);
    }
}
