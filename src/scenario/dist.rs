//! Probability distributions of scenario values: their parameters, clamping, analytic moments, and
//! the CDF and quantile used to condition the backlog's patience. Sampling is in `sampler.rs`.

use statrs::distribution::{ContinuousCDF, Gamma as SGamma, Normal as SNormal};

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

/// The families a scenario may use, each in its mean/sd (or shape/scale) parameterisation.
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
}

/// σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2.
pub(super) fn lognormal_params(mean: f64, sd: f64) -> (f64, f64) {
    let s2 = (1.0 + sd * sd / (mean * mean)).ln();
    (mean.ln() - s2 / 2.0, s2.sqrt())
}

/// shape (mean/sd)², scale sd²/mean.
pub(super) fn gamma_params(mean: f64, sd: f64) -> (f64, f64) {
    ((mean / sd).powi(2), sd * sd / mean)
}

/// `min(max(x, lo), hi)` for optional bounds (clamping, never resampling).
#[inline]
pub(super) fn clamp(x: f64, lo: Option<f64>, hi: Option<f64>) -> f64 {
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
