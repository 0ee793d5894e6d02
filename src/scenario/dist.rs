//! Probability distributions of scenario values (SPEC §3.2, §2.8): their parameters, sampling with
//! clamping, analytic moments, and the CDF and quantile used to condition the backlog's patience.

use rand::RngExt;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand_distr::{Exp, Gamma, LogNormal, Normal, Weibull};
use statrs::distribution::{ContinuousCDF, Gamma as SGamma, Normal as SNormal};

use crate::engine::rng::StreamRng;

/// A law and optional clamping bounds: a sample `x` becomes `min(max(x, lo), hi)` (never resampled).
#[derive(Debug, Clone, PartialEq)]
pub struct Dist {
    /// The unclamped law.
    pub law: Law,
    /// Lower clamp (`min`), if any. For `uniform`, `min`/`max` are the law's own bounds instead.
    pub lo: Option<f64>,
    /// Upper clamp (`max`), if any.
    pub hi: Option<f64>,
}

/// The families of SPEC §3.2, in the parameterisations of §2.8.
#[derive(Debug, Clone, PartialEq)]
pub enum Law {
    /// Always `value`.
    Constant {
        /// The value.
        value: f64,
    },
    /// Exponential with the given mean.
    Exponential {
        /// Mean (= 1/rate).
        mean: f64,
    },
    /// Uniform on `[min, max)`.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Normal.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (0 = constant).
        sd: f64,
    },
    /// Log-normal described by the variable's own mean and sd.
    LogNormal {
        /// Mean of the variable (not of its log).
        mean: f64,
        /// Standard deviation of the variable (0 = constant).
        sd: f64,
    },
    /// Gamma described by mean and sd: shape (mean/sd)², scale sd²/mean.
    Gamma {
        /// Mean.
        mean: f64,
        /// Standard deviation (0 = constant).
        sd: f64,
    },
    /// Weibull with shape k and scale λ: F(x) = 1 − exp(−(x/λ)^k).
    Weibull {
        /// Shape k > 0.
        shape: f64,
        /// Scale λ > 0.
        scale: f64,
    },
    /// Discrete values with non-negative weights (a positive sum).
    Empirical {
        /// The values.
        values: Vec<f64>,
        /// Their weights, same length.
        weights: Vec<f64>,
    },
}

/// The names accepted for `dist = …`.
pub const DIST_NAMES: &[&str] =
    &["constant", "exponential", "uniform", "normal", "lognormal", "gamma", "weibull", "empirical"];

impl Dist {
    /// A constant.
    pub fn constant(value: f64) -> Dist {
        Dist { law: Law::Constant { value }, lo: None, hi: None }
    }

    /// The family's name as written in scenario files.
    pub fn name(&self) -> &'static str {
        match self.law {
            Law::Constant { .. } => "constant",
            Law::Exponential { .. } => "exponential",
            Law::Uniform { .. } => "uniform",
            Law::Normal { .. } => "normal",
            Law::LogNormal { .. } => "lognormal",
            Law::Gamma { .. } => "gamma",
            Law::Weibull { .. } => "weibull",
            Law::Empirical { .. } => "empirical",
        }
    }

    /// Clamps `x` into `[lo, hi]`.
    pub fn clamp(&self, x: f64) -> f64 {
        clamp(x, self.lo, self.hi)
    }

    /// The smallest value a (clamped) sample can take.
    pub fn lower_bound(&self) -> f64 {
        let natural = match &self.law {
            Law::Constant { value } => *value,
            Law::Normal { mean, sd } | Law::LogNormal { mean, sd } | Law::Gamma { mean, sd } if *sd == 0.0 => *mean,
            Law::Normal { .. } => f64::NEG_INFINITY,
            Law::Exponential { .. } | Law::LogNormal { .. } | Law::Gamma { .. } | Law::Weibull { .. } => 0.0,
            Law::Uniform { min, .. } => *min,
            Law::Empirical { values, weights } => support(values, weights).fold(f64::INFINITY, f64::min),
        };
        self.clamp(natural)
    }

    /// The largest value a (clamped) sample can take.
    pub fn upper_bound(&self) -> f64 {
        let natural = match &self.law {
            Law::Constant { value } => *value,
            Law::Normal { mean, sd } | Law::LogNormal { mean, sd } | Law::Gamma { mean, sd } if *sd == 0.0 => *mean,
            Law::Uniform { max, .. } => *max,
            Law::Empirical { values, weights } => support(values, weights).fold(f64::NEG_INFINITY, f64::max),
            _ => f64::INFINITY,
        };
        self.clamp(natural)
    }

    /// Mean and variance of the unclamped law (what the parameters describe).
    pub fn moments(&self) -> (f64, f64) {
        match &self.law {
            Law::Constant { value } => (*value, 0.0),
            Law::Exponential { mean } => (*mean, mean * mean),
            Law::Uniform { min, max } => ((min + max) / 2.0, (max - min).powi(2) / 12.0),
            Law::Normal { mean, sd } | Law::LogNormal { mean, sd } | Law::Gamma { mean, sd } => (*mean, sd * sd),
            Law::Weibull { shape, scale } => {
                let g1 = statrs::function::gamma::gamma(1.0 + 1.0 / shape);
                let g2 = statrs::function::gamma::gamma(1.0 + 2.0 / shape);
                (scale * g1, scale * scale * (g2 - g1 * g1))
            }
            Law::Empirical { values, weights } => {
                let total: f64 = weights.iter().sum();
                let mean = values.iter().zip(weights).map(|(v, w)| v * w).sum::<f64>() / total;
                let var = values.iter().zip(weights).map(|(v, w)| w * (v - mean).powi(2)).sum::<f64>() / total;
                (mean, var)
            }
        }
    }

    /// The mean of the clamped variable, by numerical integration of its quantile function where
    /// clamping is active (used by `check` for expected values, not by the simulation).
    pub fn clamped_mean(&self) -> f64 {
        if self.lo.is_none() && self.hi.is_none() || matches!(self.law, Law::Uniform { .. }) {
            return self.moments().0;
        }
        if let Law::Empirical { values, weights } = &self.law {
            let total: f64 = weights.iter().sum();
            return values.iter().zip(weights).map(|(v, w)| self.clamp(*v) * w).sum::<f64>() / total;
        }
        // Midpoint rule on the quantile function: E[X] = ∫₀¹ Q(u) du.
        let n = 20_000;
        (0..n).map(|i| self.quantile((i as f64 + 0.5) / n as f64)).sum::<f64>() / n as f64
    }

    /// CDF of the clamped variable: P(clamp(X) ≤ x).
    pub fn cdf(&self, x: f64) -> f64 {
        if self.lo.is_some_and(|lo| x < lo) {
            return 0.0;
        }
        if self.hi.is_some_and(|hi| x >= hi) {
            return 1.0;
        }
        self.law_cdf(x)
    }

    /// Quantile of the clamped variable: `clamp(F⁻¹(u))`, valid because clamping is monotone.
    pub fn quantile(&self, u: f64) -> f64 {
        self.clamp(self.law_quantile(u))
    }

    fn law_cdf(&self, x: f64) -> f64 {
        match &self.law {
            Law::Constant { value } => step(x >= *value),
            Law::Exponential { mean } => {
                if x <= 0.0 {
                    0.0
                } else {
                    1.0 - (-x / mean).exp()
                }
            }
            Law::Uniform { min, max } => {
                if max <= min {
                    step(x >= *min)
                } else {
                    ((x - min) / (max - min)).clamp(0.0, 1.0)
                }
            }
            Law::Normal { mean, sd } => match SNormal::new(*mean, *sd) {
                Ok(n) if *sd > 0.0 => n.cdf(x),
                _ => step(x >= *mean),
            },
            Law::LogNormal { mean, sd } => {
                if *sd == 0.0 {
                    return step(x >= *mean);
                }
                if x <= 0.0 {
                    return 0.0;
                }
                let (mu, sigma) = lognormal_params(*mean, *sd);
                SNormal::new(mu, sigma).map_or(0.0, |n| n.cdf(x.ln()))
            }
            Law::Gamma { mean, sd } => {
                if *sd == 0.0 {
                    return step(x >= *mean);
                }
                if x <= 0.0 {
                    return 0.0;
                }
                let (shape, scale) = gamma_params(*mean, *sd);
                SGamma::new(shape, 1.0 / scale).map_or(0.0, |g| g.cdf(x))
            }
            Law::Weibull { shape, scale } => {
                if x <= 0.0 {
                    0.0
                } else {
                    1.0 - (-(x / scale).powf(*shape)).exp()
                }
            }
            Law::Empirical { values, weights } => {
                let total: f64 = weights.iter().sum();
                values.iter().zip(weights).filter(|(v, _)| **v <= x).map(|(_, w)| w).sum::<f64>() / total
            }
        }
    }

    fn law_quantile(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        match &self.law {
            Law::Constant { value } => *value,
            Law::Exponential { mean } => -mean * (1.0 - u).ln(),
            Law::Uniform { min, max } => min + (max - min) * u,
            Law::Normal { mean, sd } => match SNormal::new(*mean, *sd) {
                Ok(n) if *sd > 0.0 => n.inverse_cdf(u),
                _ => *mean,
            },
            Law::LogNormal { mean, sd } => {
                if *sd == 0.0 {
                    return *mean;
                }
                let (mu, sigma) = lognormal_params(*mean, *sd);
                SNormal::new(mu, sigma).map_or(*mean, |n| n.inverse_cdf(u).exp())
            }
            Law::Gamma { mean, sd } => {
                if *sd == 0.0 {
                    return *mean;
                }
                let (shape, scale) = gamma_params(*mean, *sd);
                SGamma::new(shape, 1.0 / scale).map_or(*mean, |g| g.inverse_cdf(u))
            }
            Law::Weibull { shape, scale } => scale * (-(1.0 - u).ln()).powf(1.0 / shape),
            Law::Empirical { values, weights } => {
                let total: f64 = weights.iter().sum();
                let mut pairs: Vec<(f64, f64)> =
                    values.iter().copied().zip(weights.iter().copied()).filter(|(_, w)| *w > 0.0).collect();
                pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut cum = 0.0;
                for (v, w) in &pairs {
                    cum += w / total;
                    if cum >= u {
                        return *v;
                    }
                }
                pairs.last().map_or(0.0, |p| p.0)
            }
        }
    }

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

/// σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2 (SPEC §2.8).
fn lognormal_params(mean: f64, sd: f64) -> (f64, f64) {
    let s2 = (1.0 + sd * sd / (mean * mean)).ln();
    (mean.ln() - s2 / 2.0, s2.sqrt())
}

/// shape (mean/sd)², scale sd²/mean (SPEC §2.8).
fn gamma_params(mean: f64, sd: f64) -> (f64, f64) {
    ((mean / sd).powi(2), sd * sd / mean)
}

/// `min(max(x, lo), hi)` for optional bounds (SPEC §3.2: clamping, never resampling).
#[inline]
fn clamp(x: f64, lo: Option<f64>, hi: Option<f64>) -> f64 {
    let x = match lo {
        Some(lo) if x < lo => lo,
        _ => x,
    };
    match hi {
        Some(hi) if x > hi => hi,
        _ => x,
    }
}

fn step(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

fn support<'a>(values: &'a [f64], weights: &'a [f64]) -> impl Iterator<Item = f64> + 'a {
    values.iter().zip(weights).filter(|(_, w)| **w > 0.0).map(|(v, _)| *v)
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
    #[inline]
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

    /// A sample rounded to the nearest integer and clamped to `[lo, hi]` (group sizes: 1–10, SPEC §2.8).
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
