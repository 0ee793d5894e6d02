//! A replication's waits (registration to processing, or to booking), summarised as mean, median,
//! p90 and p99 ("exact or with relative error ≤ 0.1 %").
//!
//! While a replication has recorded at most `exact_cap` waits (2²⁰ by default: every bundled
//! scenario and the reference model R stay far below), every value is kept and the quantiles are
//! exact. Past that, the values move into an HdrHistogram with 3 significant digits, whose size does
//! not depend on how many groups passed through (about 270 KB), so that memory stays proportional to
//! the people in the system whatever the horizon. The mean stays exact (an integer sum); a
//! quantile is then the same type-7 interpolation between the two order statistics around it, each
//! read as the midpoint of its histogram bucket: a relative error of at most 1/2048 ≈ 0.05 %, and none
//! below 2,048 seconds, where buckets are one second wide.

use hdrhistogram::Histogram;

use crate::engine::time::{DAY, SimTime};
use crate::model::result::WaitStats;
use crate::stats::type7;

/// How many waits a replication keeps exactly before it switches to a histogram.
pub(crate) const EXACT_WAITS: usize = 1 << 20;

/// Significant digits of the histogram: buckets are at most 1/1024 of their values wide.
const SIGNIFICANT_DIGITS: u8 = 3;

/// The largest wait the histogram tracks exactly [s] (about 139,000 years); longer ones saturate.
const MAX_TRACKED: u64 = 1 << 42;

/// The waits of one replication: exact while few, then a bounded histogram.
#[derive(Debug, Default)]
pub(crate) struct WaitLog {
    /// The waits [s] while few; 32 bits hold any wait inside the longest horizon allowed (100 years).
    exact: Vec<u32>,
    exact_cap: usize,
    histogram: Option<Histogram<u64>>,
    /// Sum and count of the waits in `histogram` (the mean stays exact).
    sum: i128,
    n: u64,
}

impl WaitLog {
    /// Empties the log, keeping its memory; it then keeps up to `exact_cap` values exactly.
    pub(crate) fn clear(&mut self, exact_cap: usize) {
        let WaitLog { exact, exact_cap: cap, histogram, sum, n } = self;
        exact.clear();
        *cap = exact_cap;
        *histogram = None;
        (*sum, *n) = (0, 0);
    }

    /// Records one wait [s] (never negative).
    #[inline]
    pub(crate) fn push(&mut self, wait: SimTime) {
        debug_assert!(wait >= 0, "negative wait {wait}");
        if self.histogram.is_none() && self.exact.len() < self.exact_cap {
            // A wait lies inside the horizon, at most 100 years: under 2³² seconds.
            self.exact.push(wait as u32);
        } else {
            self.push_to_histogram(wait);
        }
    }

    /// Records a wait past the exact cap, moving the exact values into the histogram first.
    #[cold]
    #[inline(never)]
    fn push_to_histogram(&mut self, wait: SimTime) {
        if self.histogram.is_none() {
            self.spill();
        }
        let h = self.histogram.as_mut().expect("spilled");
        h.saturating_record(wait.max(0) as u64);
        self.sum += wait as i128;
        self.n += 1;
    }

    /// Moves the exact values into a new histogram and frees their memory.
    fn spill(&mut self) {
        let mut h = Histogram::<u64>::new_with_bounds(1, MAX_TRACKED, SIGNIFICANT_DIGITS)
            .expect("constant histogram bounds are valid");
        for &w in &self.exact {
            h.saturating_record(w as u64);
            self.sum += w as i128;
        }
        self.n = self.exact.len() as u64;
        self.exact = Vec::new();
        self.histogram = Some(h);
    }

    /// Adds every wait of `other` (the whole's log as the union of its ports'): the same values,
    /// so the same statistics, as if each had been pushed here.
    pub(crate) fn absorb(&mut self, other: &WaitLog) {
        match &other.histogram {
            None if self.histogram.is_none() && self.exact.len() + other.exact.len() <= self.exact_cap => {
                self.exact.extend_from_slice(&other.exact);
            }
            None => other.exact.iter().for_each(|w| self.push(*w as SimTime)),
            Some(h) => {
                if self.histogram.is_none() {
                    self.spill();
                }
                self.histogram.as_mut().expect("spilled").add(h).expect("histograms with the same bounds");
                self.sum += other.sum;
                self.n += other.n;
            }
        }
    }

    /// Mean and quantiles in days, or `None` without observations.
    pub(crate) fn stats(&self) -> Option<WaitStats> {
        match &self.histogram {
            None => exact_stats(&self.exact),
            Some(h) => histogram_stats(h, self.sum, self.n),
        }
    }
}

/// Mean and exact quantiles in days. The mean is the exact integer sum over n (below 2⁵³, as n ≤
/// 2²⁰ values of under 2³², so the same as a sum in floating point); the order statistics that the
/// type-7 quantiles read come from [`order_statistics`].
fn exact_stats(xs: &[u32]) -> Option<WaitStats> {
    if xs.is_empty() {
        return None;
    }
    let n = xs.len();
    let mean = xs.iter().map(|x| *x as u64).sum::<u64>() as f64 / n as f64;
    let ps = [0.5, 0.9, 0.99];
    let mut ranks = Vec::with_capacity(2 * ps.len());
    for p in ps {
        type7(n, p, |k| {
            ranks.push(k);
            0.0
        });
    }
    ranks.sort_unstable();
    ranks.dedup();
    let values = order_statistics(xs, &ranks);
    let at = |k: usize| values[ranks.binary_search(&k).expect("a rank asked for above")] as f64;
    let [p50, p90, p99] = ps.map(|p| type7(n, p, at));
    Some(in_days(n as u64, mean, p50, p90, p99))
}

/// Bits of the value that [`order_statistics`] buckets by: 2,048 counters, which stay in cache.
const RADIX_BITS: u32 = 11;

/// The values of rank `ranks` (sorted, distinct, each below `xs.len()`) in `xs`, by one radix pass:
/// count the values by their top bits, find the bucket of each rank, keep only those buckets'
/// values, and select inside each. Two passes over `xs` with no comparisons, where a selection
/// over the whole would make several; `xs` is left as it was.
fn order_statistics(xs: &[u32], ranks: &[usize]) -> Vec<u32> {
    let max = xs.iter().copied().max().unwrap_or(0);
    let shift = (u32::BITS - max.leading_zeros()).saturating_sub(RADIX_BITS);
    let mut counts = vec![0u32; 1 << RADIX_BITS];
    for &x in xs {
        counts[(x >> shift) as usize] += 1;
    }
    // For each rank: its bucket, and its rank among that bucket's values.
    let (mut located, mut below, mut bucket) = (Vec::with_capacity(ranks.len()), 0usize, 0usize);
    for &k in ranks {
        while below + counts[bucket] as usize <= k {
            below += counts[bucket] as usize;
            bucket += 1;
        }
        located.push((bucket, k - below));
    }
    // The values of the wanted buckets, each bucket gathered once.
    const NONE: u8 = u8::MAX;
    let mut slot = vec![NONE; 1 << RADIX_BITS];
    let mut gathered: Vec<Vec<u32>> = Vec::new();
    for &(b, _) in &located {
        if slot[b] == NONE {
            slot[b] = gathered.len() as u8;
            gathered.push(Vec::with_capacity(counts[b] as usize));
        }
    }
    for &x in xs {
        let s = slot[(x >> shift) as usize];
        if s != NONE {
            gathered[s as usize].push(x);
        }
    }
    located
        .iter()
        .map(|&(b, r)| {
            let values = &mut gathered[slot[b] as usize];
            *values.select_nth_unstable(r).1
        })
        .collect()
}

/// Mean (exact) and quantiles from the histogram, each order statistic the midpoint of its bucket.
fn histogram_stats(h: &Histogram<u64>, sum: i128, n: u64) -> Option<WaitStats> {
    if n == 0 {
        return None;
    }
    let order_statistic = |k: usize| {
        let mut below = 0u64;
        for v in h.iter_recorded() {
            below += v.count_at_value();
            if below > k as u64 {
                return h.median_equivalent(v.value_iterated_to()) as f64;
            }
        }
        unreachable!("rank {k} is below the count {n}")
    };
    let q = |p: f64| type7(n as usize, p, order_statistic);
    Some(in_days(n, sum as f64 / n as f64, q(0.5), q(0.9), q(0.99)))
}

fn in_days(n: u64, mean: f64, p50: f64, p90: f64, p99: f64) -> WaitStats {
    let d = DAY as f64;
    WaitStats { n, mean: mean / d, p50: p50 / d, p90: p90 / d, p99: p99 / d }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    fn log(cap: usize) -> WaitLog {
        let mut log = WaitLog::default();
        log.clear(cap);
        log
    }

    fn stats_of(xs: &[SimTime], cap: usize) -> WaitStats {
        let mut log = log(cap);
        xs.iter().for_each(|x| log.push(*x));
        log.stats().expect("observations")
    }

    #[test]
    fn type7_quantiles_interpolate_between_order_statistics() {
        let xs: Vec<SimTime> = [4, 1, 3, 2].iter().map(|x| x * DAY).collect();
        let s = stats_of(&xs, EXACT_WAITS);
        assert_eq!(s.mean, 2.5);
        assert_eq!(s.p50, 2.5);
        assert!((s.p90 - 3.7).abs() < 1e-12);
        assert!((s.p99 - 3.97).abs() < 1e-12);
        assert_eq!(stats_of(&[DAY], EXACT_WAITS).p99, 1.0);
        assert!(log(EXACT_WAITS).stats().is_none());
    }

    /// The nested selection gives the quantiles of a full sort, ties and all.
    #[test]
    fn quantiles_match_a_sorted_reference() {
        let mut rng = crate::engine::rng::StreamRng::seed_from_u64(3);
        for n in [1, 2, 3, 10, 11, 101, 1000, 4321] {
            let xs: Vec<SimTime> = (0..n).map(|_| rng.random_range(0..50) * 3600).collect();
            let mut sorted = xs.clone();
            sorted.sort_unstable();
            let reference = |p: f64| type7(n, p, |k| sorted[k] as f64) / DAY as f64;
            let s = stats_of(&xs, EXACT_WAITS);
            assert_eq!((s.p50, s.p90, s.p99), (reference(0.5), reference(0.9), reference(0.99)), "n = {n}");
        }
    }

    /// The radix selection finds every rank of a full sort: ties, a single bucket, the full range.
    #[test]
    fn order_statistics_match_a_sort() {
        let mut rng = crate::engine::rng::StreamRng::seed_from_u64(5);
        for (n, top) in [(1, 10), (7, 1), (500, 3), (3000, 1 << 20), (5000, u32::MAX), (4096, 2047)] {
            let xs: Vec<u32> = (0..n).map(|_| rng.random_range(0..=top)).collect();
            let mut sorted = xs.clone();
            sorted.sort_unstable();
            let mut ranks: Vec<usize> = (0..6).map(|_| rng.random_range(0..n)).chain([0, n - 1]).collect();
            ranks.sort_unstable();
            ranks.dedup();
            let got = order_statistics(&xs, &ranks);
            let want: Vec<u32> = ranks.iter().map(|&k| sorted[k]).collect();
            assert_eq!(got, want, "n = {n}, values up to {top}");
        }
    }

    /// A log formed as the union of others (the whole from its ports) has the statistics of one
    /// log given every value: below the cap, across it, and from logs already spilled.
    #[test]
    fn a_union_of_logs_is_one_log_of_all_their_values() {
        let mut rng = crate::engine::rng::StreamRng::seed_from_u64(4);
        let xs: Vec<SimTime> = (0..3000).map(|_| rng.random_range(0..300 * DAY)).collect();
        for (cap, parts) in [(10_000, 3), (2000, 3), (500, 2), (1, 4)] {
            let mut one = log(cap);
            xs.iter().for_each(|x| one.push(*x));
            let mut union = log(cap);
            for chunk in xs.chunks(xs.len().div_ceil(parts)) {
                let mut part = log(cap);
                chunk.iter().for_each(|x| part.push(*x));
                union.absorb(&part);
            }
            assert_eq!(union.stats(), one.stats(), "cap {cap}, {parts} parts");
        }
    }

    /// Past the cap, the mean stays exact and every quantile is within 0.05 % of the exact one
    /// (the model allows 0.1 %), and exact where buckets are one second wide.
    #[test]
    fn histogram_quantiles_are_within_the_error_bound() {
        let mut rng = crate::engine::rng::StreamRng::seed_from_u64(9);
        for n in [2, 3, 17, 1000, 50_000] {
            let xs: Vec<SimTime> = (0..n).map(|_| rng.random_range(0..200 * DAY)).collect();
            let exact = stats_of(&xs, EXACT_WAITS);
            let approx = stats_of(&xs, 1);
            assert_eq!(approx.n, exact.n);
            assert!((approx.mean - exact.mean).abs() <= 1e-9 * exact.mean, "mean, n = {n}");
            for (a, e) in [(approx.p50, exact.p50), (approx.p90, exact.p90), (approx.p99, exact.p99)] {
                assert!((a - e).abs() <= 5e-4 * e, "n = {n}: {a} against {e}");
            }
        }
        let small: Vec<SimTime> = (0..500).map(|_| rng.random_range(0..2048)).collect();
        let (exact, approx) = (stats_of(&small, EXACT_WAITS), stats_of(&small, 10));
        assert_eq!((approx.p50, approx.p90, approx.p99), (exact.p50, exact.p90, exact.p99));
    }
}
