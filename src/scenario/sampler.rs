//! Sampling a [`Dist`]: a [`Sampler`] with the law's constants precomputed, clamping each sample
//! (never resampling).

use rand::RngExt;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand_distr::{Exp, Gamma, LogNormal, Normal, Weibull};

use super::dist::{Dist, Law, clamp, gamma_params, lognormal_params};
use crate::engine::rng::StreamRng;

impl Dist {
    /// A sampler with the law's constants precomputed. Fails only for parameters that validation rejects.
    pub fn sampler(&self) -> Sampler {
        let kind = match &self.law {
            Law::Constant { value } => Kind::Constant(*value),
            Law::Exponential { mean } => Exp::new(1.0 / mean).map_or(Kind::Constant(*mean), Kind::Exp),
            Law::Uniform { min, max } => {
                if max > min {
                    Kind::Uniform(*min, max - min)
                } else {
                    Kind::Constant(*min)
                }
            }
            Law::Normal { mean, sd } => {
                if *sd > 0.0 {
                    Normal::new(*mean, *sd).map_or(Kind::Constant(*mean), Kind::Normal)
                } else {
                    Kind::Constant(*mean)
                }
            }
            Law::LogNormal { mean, sd } => {
                let (mu, sigma) = lognormal_params(*mean, *sd);
                if *sd > 0.0 {
                    LogNormal::new(mu, sigma).map_or(Kind::Constant(*mean), Kind::LogNormal)
                } else {
                    Kind::Constant(*mean)
                }
            }
            Law::Gamma { mean, sd } => {
                if *sd > 0.0 {
                    let (shape, scale) = gamma_params(*mean, *sd);
                    Gamma::new(shape, scale).map_or(Kind::Constant(*mean), Kind::Gamma)
                } else {
                    Kind::Constant(*mean)
                }
            }
            Law::Weibull { shape, scale } => Weibull::new(*scale, *shape).map_or(Kind::Constant(*scale), Kind::Weibull),
            Law::Empirical { values, weights } => match WeightedIndex::new(weights) {
                Ok(index) => Kind::Empirical(index, values.clone()),
                Err(_) => Kind::Constant(values.first().copied().unwrap_or(0.0)),
            },
        };
        Sampler { kind, lo: self.lo, hi: self.hi }
    }
}

/// A prepared, clamping sampler for one [`Dist`].
#[derive(Debug, Clone)]
pub struct Sampler {
    kind: Kind,
    lo: Option<f64>,
    hi: Option<f64>,
}

#[derive(Debug, Clone)]
enum Kind {
    Constant(f64),
    Exp(Exp<f64>),
    Uniform(f64, f64),
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Gamma(Gamma<f64>),
    Weibull(Weibull<f64>),
    Empirical(WeightedIndex<f64>, Vec<f64>),
}

impl Sampler {
    /// One clamped sample.
    #[inline(always)]
    pub fn sample(&self, rng: &mut StreamRng) -> f64 {
        let x = match &self.kind {
            Kind::Constant(v) => *v,
            Kind::Exp(d) => d.sample(rng),
            Kind::Uniform(a, w) => a + w * rng.random::<f64>(),
            Kind::Normal(d) => d.sample(rng),
            Kind::LogNormal(d) => d.sample(rng),
            Kind::Gamma(d) => d.sample(rng),
            Kind::Weibull(d) => d.sample(rng),
            Kind::Empirical(index, values) => values[index.sample(rng)],
        };
        clamp(x, self.lo, self.hi)
    }

    /// A sample rounded to the nearest integer and clamped to `[lo, hi]` (group sizes: 1–10).
    #[inline]
    pub fn sample_int(&self, rng: &mut StreamRng, lo: i64, hi: i64) -> i64 {
        to_int(self.sample(rng), lo, hi)
    }

    /// The value every sample takes, if the law is a constant (it draws no random number), so that
    /// a hot loop can hoist it.
    pub fn constant(&self) -> Option<f64> {
        match self.kind {
            Kind::Constant(v) => Some(clamp(v, self.lo, self.hi)),
            _ => None,
        }
    }

    /// [`Sampler::sample_int`] of a constant law, if it is one.
    pub fn constant_int(&self, lo: i64, hi: i64) -> Option<i64> {
        self.constant().map(|x| to_int(x, lo, hi))
    }
}

/// `x` rounded to the nearest integer and clamped to `[lo, hi]` (`lo` for NaN).
#[inline]
fn to_int(x: f64, lo: i64, hi: i64) -> i64 {
    let x = x.round();
    if x.is_nan() { lo } else { (x as i64).clamp(lo, hi) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::stream;

    fn law(law: Law) -> Dist {
        Dist { law, lo: None, hi: None }
    }

    /// A constant law's hoisted value is what sampling gives, clamps and rounding included; other
    /// laws have none.
    #[test]
    fn constant_is_the_sampled_value() {
        let mut rng = stream(1, 0, 0);
        for (value, lo, hi) in [(3.4, None, None), (12.0, None, Some(9.5)), (-1.0, Some(0.5), None)] {
            let s = Dist { law: Law::Constant { value }, lo, hi }.sampler();
            assert_eq!(s.constant(), Some(s.sample(&mut rng)));
            assert_eq!(s.constant_int(1, 10), Some(s.sample_int(&mut rng, 1, 10)));
        }
        assert_eq!(law(Law::Exponential { mean: 2.0 }).sampler().constant(), None);
    }

    /// Draws `n` samples and checks the sample mean and variance against the analytic ones:
    /// the mean within 5 standard errors (σ/√n), the variance within 5 of its standard errors
    /// (√((μ₄ − σ⁴)/n), estimated from the sample), so a correct sampler fails about once in 10⁶ runs.
    fn check_moments(d: &Dist) {
        let n = 200_000;
        let s = d.sampler();
        let mut rng = stream(42, 0, 0);
        let xs: Vec<f64> = (0..n).map(|_| s.sample(&mut rng)).collect();
        let (mean, var) = d.moments();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
        let m4 = xs.iter().map(|x| (x - m).powi(4)).sum::<f64>() / n as f64;
        let se_mean = (var / n as f64).sqrt();
        let se_var = ((m4 - v * v).max(0.0) / n as f64).sqrt();
        assert!((m - mean).abs() <= 5.0 * se_mean + 1e-12, "{d:?}: mean {m} vs {mean} (se {se_mean})");
        assert!((v - var).abs() <= 5.0 * se_var + 1e-12, "{d:?}: var {v} vs {var} (se {se_var})");
    }

    #[test]
    fn every_sampler_matches_its_analytic_mean_and_variance() {
        check_moments(&law(Law::Constant { value: 3.5 }));
        check_moments(&law(Law::Exponential { mean: 4.0 }));
        check_moments(&law(Law::Uniform { min: 10.0, max: 21.0 }));
        check_moments(&law(Law::Normal { mean: 14.0, sd: 4.0 }));
        check_moments(&law(Law::LogNormal { mean: 5.0, sd: 4.0 }));
        check_moments(&law(Law::Gamma { mean: 3.0, sd: 1.5 }));
        check_moments(&law(Law::Weibull { shape: 0.9, scale: 200.0 }));
        check_moments(&law(Law::Empirical { values: vec![1.0, 2.0, 5.0], weights: vec![40.0, 25.0, 35.0] }));
    }

    #[test]
    fn clamping_is_applied_after_sampling_not_by_resampling() {
        let d = Dist { law: Law::Exponential { mean: 3.0 }, lo: None, hi: Some(2.0) };
        let s = d.sampler();
        let mut rng = stream(1, 0, 0);
        let n = 100_000;
        let at_max = (0..n).filter(|_| s.sample(&mut rng) == 2.0).count() as f64 / n as f64;
        // P(X ≥ 2) = exp(−2/3) ≈ 0.513: the clamped mass sits on the bound.
        assert!((at_max - (-2.0f64 / 3.0).exp()).abs() < 0.01, "{at_max}");
        assert_eq!(d.cdf(2.0), 1.0);
        assert_eq!(d.quantile(0.99), 2.0);
        // E[min(X, 2)] = 3(1 − e^{−2/3}).
        assert!((d.clamped_mean() - 3.0 * (1.0 - (-2.0f64 / 3.0).exp())).abs() < 1e-3);
    }

    #[test]
    fn quantile_inverts_cdf() {
        for d in [
            law(Law::Exponential { mean: 120.0 }),
            law(Law::Weibull { shape: 0.9, scale: 200.0 }),
            law(Law::LogNormal { mean: 5.0, sd: 4.0 }),
            law(Law::Gamma { mean: 30.0, sd: 10.0 }),
            law(Law::Normal { mean: 14.0, sd: 4.0 }),
            law(Law::Uniform { min: 0.0, max: 120.0 }),
        ] {
            for u in [0.01, 0.3, 0.5, 0.9, 0.999] {
                let x = d.quantile(u);
                assert!((d.cdf(x) - u).abs() < 1e-6, "{d:?} at {u}: {x} -> {}", d.cdf(x));
            }
        }
        let e = law(Law::Empirical { values: vec![3.0, 1.0], weights: vec![1.0, 3.0] });
        assert_eq!(e.quantile(0.5), 1.0);
        assert_eq!(e.quantile(0.8), 3.0);
        assert_eq!(e.cdf(2.0), 0.75);
    }

    #[test]
    fn integers_are_rounded_then_clamped() {
        let d = law(Law::Constant { value: 12.4 });
        let mut rng = stream(1, 0, 0);
        assert_eq!(d.sampler().sample_int(&mut rng, 1, 10), 10);
        assert_eq!(law(Law::Constant { value: 2.5 }).sampler().sample_int(&mut rng, 1, 10), 3);
        assert_eq!(law(Law::Constant { value: -3.0 }).sampler().sample_int(&mut rng, 1, 10), 1);
    }
}
