//! Means and 5–95 % bands of many integer series over replications, in memory that does not grow
//! with the number of replications: per cell, the exact sum and only the smallest and largest
//! values that the type-7 quantiles at 0.05 and 0.95 can read.
//!
//! With `n` replications, the 5 % quantile reads order statistics ⌊0.05 (n − 1)⌋ and the next, the
//! 95 % quantile ⌊0.95 (n − 1)⌋ and the next, so keeping the `k = ⌈0.05 (n − 1)⌉ + 2` smallest and
//! largest values of each cell gives exactly the quantiles of all `n` values. Sums are integers and
//! the kept sets do not depend on the order values come in, so the result is the same whatever the
//! threads or the order in which replications finish.

use super::type7;

/// An unsigned integer a [`Bands`] keeps.
pub trait Amount: Copy + Ord + Default + Into<u64> {}
impl Amount for u32 {}
impl Amount for u64 {}

/// Running sums and extremes of `cells` integer series over replications.
#[derive(Debug, Clone)]
pub struct Bands<T: Amount = u64> {
    cells: usize,
    /// Replications the bands are sized for (an upper bound on those added).
    n_max: usize,
    k: usize,
    n: usize,
    sums: Vec<u128>,
    /// Per cell, up to `k` smallest values, ascending; then up to `k` largest, ascending.
    low: Vec<T>,
    high: Vec<T>,
    kept: Vec<u32>,
}

impl<T: Amount> Bands<T> {
    /// Empty bands for `cells` series values and at most `n_max` replications.
    pub fn new(cells: usize, n_max: usize) -> Bands<T> {
        let k = (0.05 * n_max.saturating_sub(1) as f64).ceil() as usize + 2;
        Bands {
            cells,
            n_max,
            k,
            n: 0,
            sums: vec![0; cells],
            low: vec![T::default(); cells * k],
            high: vec![T::default(); cells * k],
            kept: vec![0; cells],
        }
    }

    /// Adds one replication's values, one per cell.
    pub fn add(&mut self, values: &[T]) {
        assert_eq!(values.len(), self.cells, "a replication with another number of cells");
        assert!(self.n < self.n_max, "more replications than the bands were sized for");
        self.n += 1;
        let k = self.k;
        for (c, &x) in values.iter().enumerate() {
            self.sums[c] += Into::<u64>::into(x) as u128;
            let kept = self.kept[c] as usize;
            let (low, high) = (&mut self.low[c * k..(c + 1) * k], &mut self.high[c * k..(c + 1) * k]);
            if kept < k {
                let i = low[..kept].partition_point(|v| *v <= x);
                low.copy_within(i..kept, i + 1);
                low[i] = x;
                let j = high[..kept].partition_point(|v| *v <= x);
                high.copy_within(j..kept, j + 1);
                high[j] = x;
                self.kept[c] += 1;
                continue;
            }
            if x < low[k - 1] {
                let i = low.partition_point(|v| *v <= x);
                low.copy_within(i..k - 1, i + 1);
                low[i] = x;
            }
            if x > high[0] {
                let j = high.partition_point(|v| *v <= x);
                high.copy_within(1..j, 0);
                high[j - 1] = x;
            }
        }
    }

    /// Replications added.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Mean, 5 % and 95 % quantiles (type 7) of cell `c`, each divided by `scale`.
    pub fn cell(&self, c: usize, scale: f64) -> (f64, f64, f64) {
        let n = self.n;
        if n == 0 {
            return (f64::NAN, f64::NAN, f64::NAN);
        }
        let k = self.k;
        let (low, high) = (&self.low[c * k..(c + 1) * k], &self.high[c * k..(c + 1) * k]);
        let kept = self.kept[c] as usize;
        // Order statistic i of the n values: from the smallest kept, or from the largest.
        let order = |i: usize| -> f64 {
            let v = if n <= k || i < k {
                low[i]
            } else {
                assert!(i >= n - k, "order statistic {i} of {n} is not kept");
                high[k - (n - i)]
            };
            debug_assert!(n > k || i < kept);
            Into::<u64>::into(v) as f64 / scale
        };
        let mean = (self.sums[c] as f64 / n as f64) / scale;
        (mean, type7(n, 0.05, order), type7(n, 0.95, order))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::quantile_sorted;

    #[test]
    fn bands_match_the_quantiles_of_every_value_in_any_order() {
        for n in [1usize, 2, 3, 19, 20, 21, 57, 200] {
            let values: Vec<u64> = (0..n as u64).map(|i| (i * 7919) % 1009).collect();
            let mut fwd = Bands::<u64>::new(1, n);
            let mut rev = Bands::<u32>::new(1, n + 50);
            for v in &values {
                fwd.add(&[*v]);
            }
            for v in values.iter().rev() {
                rev.add(&[*v as u32]);
            }
            let mut sorted: Vec<f64> = values.iter().map(|v| *v as f64).collect();
            sorted.sort_by(f64::total_cmp);
            let want =
                (sorted.iter().sum::<f64>() / n as f64, quantile_sorted(&sorted, 0.05), quantile_sorted(&sorted, 0.95));
            assert_eq!(fwd.cell(0, 1.0), want, "n = {n}");
            assert_eq!(rev.cell(0, 1.0), want, "n = {n}, reversed, sized for more");
        }
    }
}
