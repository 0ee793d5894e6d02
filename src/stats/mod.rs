//! Statistics over replications: means, confidence intervals (Student-t, or a percentile bootstrap
//! for metrics bounded below whose distribution over replications may be skewed), quantiles. Pure
//! functions on numbers; no IO and no simulation types.

mod bands;
mod indices;

pub use bands::{Amount, Bands};
pub use indices::{IndexRow, index_warnings};

use rand::RngExt;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::engine::rng::{self, StreamRng};

/// How a confidence interval of a mean over replications is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// mean ± t₀.₉₇₅,ₙ₋₁ · sd/√n: for continuous metrics whose replication means are close to
    /// normal.
    StudentT,
    /// The 2.5 % and 97.5 % points of the means of [`BOOTSTRAP_RESAMPLES`] resamples of the
    /// replications with replacement: it stays inside the range of the data, so a count's interval
    /// is never negative, whatever its skew.
    BootstrapPercentile,
}

impl Interval {
    /// The method's name in `summary.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Interval::StudentT => "student_t",
            Interval::BootstrapPercentile => "bootstrap_percentile",
        }
    }
}

/// Resamples per bootstrap interval.
pub const BOOTSTRAP_RESAMPLES: usize = 2000;

/// Mean, sample standard deviation and a 95 % Student-t confidence interval of the mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of observations (replications with a value).
    pub n: usize,
    /// Sample mean; NaN when `n = 0`.
    pub mean: f64,
    /// Sample standard deviation (divisor n − 1); NaN when `n < 2`.
    pub sd: f64,
    /// Lower end of the 95 % CI: mean − t₀.₉₇₅,ₙ₋₁ · sd/√n; NaN when `n < 2`.
    pub ci95_low: f64,
    /// Upper end of the 95 % CI; NaN when `n < 2`.
    pub ci95_high: f64,
}

impl Summary {
    /// Summarises `xs`, ignoring NaN (a quantile with no observations in some replication).
    pub fn of(xs: &[f64]) -> Summary {
        let values: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
        let n = values.len();
        if n == 0 {
            return Summary { n, mean: f64::NAN, sd: f64::NAN, ci95_low: f64::NAN, ci95_high: f64::NAN };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        if n < 2 {
            return Summary { n, mean, sd: f64::NAN, ci95_low: f64::NAN, ci95_high: f64::NAN };
        }
        let sd = (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
        let half = t975(n - 1) * sd / (n as f64).sqrt();
        Summary { n, mean, sd, ci95_low: mean - half, ci95_high: mean + half }
    }

    /// Summarises `xs` with the interval `method`; a bootstrap draws from a stream seeded by `seed`,
    /// so the same data and seed give the same interval.
    pub fn with(xs: &[f64], method: Interval, seed: u64) -> Summary {
        let mut s = Summary::of(xs);
        if method == Interval::BootstrapPercentile && s.n >= 2 {
            let values: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
            (s.ci95_low, s.ci95_high) = bootstrap_percentile(&values, seed);
        }
        s
    }

    /// Half-width of the confidence interval.
    pub fn half_width(&self) -> f64 {
        (self.ci95_high - self.ci95_low) / 2.0
    }
}

/// The percentile-bootstrap 95 % interval of the mean of `values` (at least two).
fn bootstrap_percentile(values: &[f64], seed: u64) -> (f64, f64) {
    let mut rng: StreamRng = rng::stream(seed, 0, 0);
    let n = values.len();
    let mut means: Vec<f64> = (0..BOOTSTRAP_RESAMPLES)
        .map(|_| (0..n).map(|_| values[rng.random_range(0..n)]).sum::<f64>() / n as f64)
        .collect();
    means.sort_by(f64::total_cmp);
    (quantile_sorted(&means, 0.025), quantile_sorted(&means, 0.975))
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom.
pub fn t975(df: usize) -> f64 {
    StudentsT::new(0.0, 1.0, df as f64).map_or(f64::NAN, |t| t.inverse_cdf(0.975))
}

/// The p-quantile of `xs` by linear interpolation between order statistics (Hyndman & Fan type 7,
/// the default of R and numpy). NaN for an empty slice. Sorts a copy with `total_cmp`.
pub fn quantile(xs: &[f64], p: f64) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    quantile_sorted(&v, p)
}

/// [`quantile`] on data already sorted ascending.
pub fn quantile_sorted(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    type7(v.len(), p, |k| v[k])
}

/// Type-7 interpolation (Hyndman & Fan, the default of R and numpy) at probability `p` among `n > 0`
/// values, given the order statistic of each 0-based rank; it asks for rank ⌊(n−1)p⌋, then the next
/// rank only when it interpolates. The one definition of a quantile in borderq.
pub fn type7(n: usize, p: f64, mut order_statistic: impl FnMut(usize) -> f64) -> f64 {
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    let frac = h - lo as f64;
    let a = order_statistic(lo);
    if frac == 0.0 || lo + 1 >= n { a } else { a + frac * (order_statistic(lo + 1) - a) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bootstrap_interval_of_a_count_stays_inside_its_support() {
        // A rare event: zero in most replications. Student-t reaches below zero; the bootstrap does not.
        let xs = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 40.0, 0.0];
        assert!(Summary::of(&xs).ci95_low < 0.0);
        let b = Summary::with(&xs, Interval::BootstrapPercentile, 7);
        assert!(b.ci95_low >= 0.0 && b.ci95_high <= 40.0 && b.ci95_low <= b.mean && b.mean <= b.ci95_high);
        assert_eq!(b, Summary::with(&xs, Interval::BootstrapPercentile, 7), "seeded: reproducible");
        assert_eq!((b.mean, b.sd, b.n), (Summary::of(&xs).mean, Summary::of(&xs).sd, 10));
        // For a near-normal sample it agrees with Student-t to within a few percent of the width.
        let ys: Vec<f64> = (0..200).map(|i| 100.0 + ((i * 37) % 17) as f64).collect();
        let (t, b) = (Summary::of(&ys), Summary::with(&ys, Interval::BootstrapPercentile, 3));
        assert!((t.half_width() - b.half_width()).abs() < 0.1 * t.half_width(), "{t:?} {b:?}");
    }

    #[test]
    fn ci_uses_student_t() {
        let s = Summary::of(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(s.n, 4);
        assert_eq!(s.mean, 2.5);
        assert!((s.sd - 1.290_994_448_7).abs() < 1e-9);
        // t(0.975, 3) = 3.182446305
        assert!((s.half_width() - 3.182_446_305 * s.sd / 2.0).abs() < 1e-6);
        let one = Summary::of(&[5.0]);
        assert_eq!(one.mean, 5.0);
        assert!(one.sd.is_nan() && one.ci95_low.is_nan());
        assert_eq!(Summary::of(&[f64::NAN, 2.0, 4.0]).n, 2);
    }

    #[test]
    fn quantiles_interpolate() {
        assert_eq!(quantile(&[3.0, 1.0, 2.0], 0.5), 2.0);
        assert_eq!(quantile(&[1.0, 2.0], 0.05), 1.05);
        assert!(quantile(&[], 0.5).is_nan());
    }
}
