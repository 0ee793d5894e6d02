//! Estimators with percentile-bootstrap 95 % intervals: Sobol' first-order (Saltelli 2010) and total
//! (Jansen 1999) indices from a Saltelli design, and Morris' μ*, μ and σ from trajectories.
//!
//! With `f_A`, `f_B`, `f_ABi` the outputs at the rows of a Saltelli design, centred on the mean of
//! all of them (the first-order estimator is biased for outputs far from zero; SALib centres too),
//! and `V` the variance (divisor 2N) of all `f_A` and `f_B`:
//! - `S_i = mean(f_B (f_ABi − f_A)) / V`;
//! - `ST_i = mean((f_A − f_ABi)²) / (2 V)`.
//!
//! The bootstrap resamples the N rows (or the trajectories) with replacement, 1,000 times, from a
//! stream seeded by the run's seed, and takes the 2.5 % and 97.5 % quantiles (type 7).

use rand::{RngExt, SeedableRng};

use crate::engine::rng::StreamRng;
use crate::stats::quantile_sorted;

/// Bootstrap resamples.
pub const RESAMPLES: usize = 1000;

/// An index with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The estimate on all rows.
    pub value: f64,
    /// Lower end of the percentile-bootstrap 95 % interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// Sobol' indices of each parameter: (first order, total).
pub fn sobol(f_a: &[f64], f_b: &[f64], f_ab: &[Vec<f64>], seed: u64) -> Vec<(Estimate, Estimate)> {
    let n = f_a.len();
    let count = (n * (2 + f_ab.len())) as f64;
    let centre = (f_a.iter().chain(f_b).chain(f_ab.iter().flatten()).sum::<f64>()) / count;
    let f_a: Vec<f64> = f_a.iter().map(|y| y - centre).collect();
    let f_b: Vec<f64> = f_b.iter().map(|y| y - centre).collect();
    let f_ab: Vec<Vec<f64>> = f_ab.iter().map(|ab| ab.iter().map(|y| y - centre).collect()).collect();
    let (f_a, f_b, f_ab) = (&f_a[..], &f_b[..], &f_ab[..]);
    let point = |rows: &[usize]| -> Vec<(f64, f64)> {
        let all: Vec<f64> = rows.iter().flat_map(|&j| [f_a[j], f_b[j]]).collect();
        let mean = all.iter().sum::<f64>() / all.len() as f64;
        let v = all.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / all.len() as f64;
        f_ab.iter()
            .map(|ab| {
                let s1 = rows.iter().map(|&j| f_b[j] * (ab[j] - f_a[j])).sum::<f64>() / rows.len() as f64 / v;
                let st = rows.iter().map(|&j| (f_a[j] - ab[j]).powi(2)).sum::<f64>() / rows.len() as f64 / (2.0 * v);
                (s1, st)
            })
            .collect()
    };
    let all: Vec<usize> = (0..n).collect();
    let full = point(&all);
    let boots = bootstrap(n, seed, |rows| point(rows).into_iter().flat_map(|(a, b)| [a, b]).collect());
    full.iter()
        .enumerate()
        .map(|(i, (s1, st))| (interval(*s1, &boots, 2 * i), interval(*st, &boots, 2 * i + 1)))
        .collect()
}

/// Morris statistics of each parameter from its elementary effects (one per trajectory):
/// (μ*, μ, σ).
pub fn morris(effects: &[Vec<f64>], seed: u64) -> Vec<(Estimate, Estimate, Estimate)> {
    let r = effects.first().map_or(0, Vec::len);
    let point = |rows: &[usize]| -> Vec<f64> {
        effects
            .iter()
            .flat_map(|ee| {
                let xs: Vec<f64> = rows.iter().map(|&t| ee[t]).collect();
                let n = xs.len() as f64;
                let mu = xs.iter().sum::<f64>() / n;
                let mu_star = xs.iter().map(|x| x.abs()).sum::<f64>() / n;
                let sigma = if xs.len() > 1 {
                    (xs.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
                } else {
                    f64::NAN
                };
                [mu_star, mu, sigma]
            })
            .collect()
    };
    let all: Vec<usize> = (0..r).collect();
    let full = point(&all);
    let boots = bootstrap(r, seed, point);
    (0..effects.len())
        .map(|i| {
            (
                interval(full[3 * i], &boots, 3 * i),
                interval(full[3 * i + 1], &boots, 3 * i + 1),
                interval(full[3 * i + 2], &boots, 3 * i + 2),
            )
        })
        .collect()
}

/// Statistic vectors on `RESAMPLES` resamples of `n` rows.
fn bootstrap(n: usize, seed: u64, stat: impl Fn(&[usize]) -> Vec<f64>) -> Vec<Vec<f64>> {
    let mut rng = StreamRng::seed_from_u64(seed ^ 0x5a17_e111);
    let mut rows = vec![0; n];
    (0..RESAMPLES)
        .map(|_| {
            for r in rows.iter_mut() {
                *r = rng.random_range(0..n);
            }
            stat(&rows)
        })
        .collect()
}

/// The estimate with the 2.5 % and 97.5 % quantiles of its bootstrap values (NaNs left out).
fn interval(value: f64, boots: &[Vec<f64>], k: usize) -> Estimate {
    let mut xs: Vec<f64> = boots.iter().map(|b| b[k]).filter(|x| x.is_finite()).collect();
    xs.sort_by(f64::total_cmp);
    if xs.is_empty() {
        return Estimate { value, low: f64::NAN, high: f64::NAN };
    }
    Estimate { value, low: quantile_sorted(&xs, 0.025), high: quantile_sorted(&xs, 0.975) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensitivity::design::{morris as morris_design, saltelli};

    /// Ishigami, a = 7, b = 0.1, on [−π, π]³.
    fn ishigami(x: &[f64]) -> f64 {
        let p = |u: f64| -std::f64::consts::PI + 2.0 * std::f64::consts::PI * u;
        let (x1, x2, x3) = (p(x[0]), p(x[1]), p(x[2]));
        x1.sin() + 7.0 * x2.sin().powi(2) + 0.1 * x3.powi(4) * x1.sin()
    }

    /// The analytical indices fall inside the bootstrap intervals, and the estimates are close.
    #[test]
    fn sobol_indices_of_the_ishigami_function() {
        let n = 4096;
        let d = saltelli(3, n, 11);
        let y: Vec<f64> = d.points.iter().map(|x| ishigami(x)).collect();
        let row = |j: usize, o: usize| y[j * 5 + o];
        let f_a: Vec<f64> = (0..n).map(|j| row(j, 0)).collect();
        let f_b: Vec<f64> = (0..n).map(|j| row(j, 1)).collect();
        let f_ab: Vec<Vec<f64>> = (0..3).map(|i| (0..n).map(|j| row(j, 2 + i)).collect()).collect();
        let est = sobol(&f_a, &f_b, &f_ab, 3);
        let s1 = [0.3139, 0.4424, 0.0];
        let st = [0.5576, 0.4424, 0.2437];
        for i in 0..3 {
            let (a, t) = est[i];
            assert!(a.low <= s1[i] && s1[i] <= a.high, "S1[{i}] = {a:?}, expected {}", s1[i]);
            assert!(t.low <= st[i] && st[i] <= t.high, "ST[{i}] = {t:?}, expected {}", st[i]);
            assert!((a.value - s1[i]).abs() < 0.05 && (t.value - st[i]).abs() < 0.05, "{a:?} {t:?}");
        }
    }

    /// A linear function with known slopes and one interaction: the elementary effects of
    /// y = 2 x1 + 0 x2 + 5 x3 + 4 x1 x3 (x in [0, 1]) are 2 + 4 x3 for x1 (between 2 and 6), 0
    /// for x2, and 5 + 4 x1 for x3; a pure linear term has σ = 0.
    #[test]
    fn morris_elementary_effects_of_a_known_function() {
        let d = morris_design(4, 50, 4, 2);
        let f = |x: &[f64]| 2.0 * x[0] + 5.0 * x[2] + 4.0 * x[0] * x[2] - 3.0 * x[3];
        let y: Vec<f64> = d.points.iter().map(|x| f(x)).collect();
        let delta = d.delta();
        let mut effects = vec![vec![0.0; 50]; 4];
        for t in 0..50 {
            for s in 0..4 {
                let (x0, x1) = (&d.points[t * 5 + s], &d.points[t * 5 + s + 1]);
                let i = (0..4).find(|i| x0[*i] != x1[*i]).unwrap();
                effects[i][t] = (y[t * 5 + s + 1] - y[t * 5 + s]) / delta;
            }
        }
        let est = morris(&effects, 1);
        assert!((est[1].0.value).abs() < 1e-12, "x2 has no effect");
        assert!((est[3].0.value - 3.0).abs() < 1e-9 && (est[3].1.value + 3.0).abs() < 1e-9, "μ* 3, μ −3");
        assert!(est[3].2.value.abs() < 1e-9, "a linear term has σ = 0");
        assert!(est[0].0.value > 2.0 && est[0].0.value < 6.0 && est[0].2.value > 0.0, "x1 interacts");
        assert!(est[2].0.value > 5.0 && est[2].0.value < 9.0);
        assert!(est[2].0.low <= est[2].0.value && est[2].0.value <= est[2].0.high);
    }
}
