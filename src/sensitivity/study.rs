//! A sensitivity study: validated parameters, the design, the points' lines and the estimates.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Param;
use super::design::{self, Design, Method};
use super::estimate;
use crate::metrics::{self, Metric};
use crate::model::RepResult;
use crate::output::fmt_f64;
use crate::scenario::{self, RunFlags, Scenario, ScenarioText};
use crate::stats::IndexRow;

/// Why a study failed: bad input, reported before anything runs (exit 2), or a file it could not
/// read or write in its directory (exit 1).
#[derive(Debug, Clone, thiserror::Error)]
pub enum StudyError {
    /// Bad input: parameters, metrics, design size, or a directory that holds something else.
    #[error("{0}")]
    Input(String),
    /// A file of the study could not be written (a full or read-only disk, say).
    #[error("{0}")]
    Io(String),
}

impl From<crate::output::OutputError> for StudyError {
    fn from(e: crate::output::OutputError) -> Self {
        if e.is_input() { StudyError::Input(e.to_string()) } else { StudyError::Io(e.to_string()) }
    }
}

/// A validated study.
#[derive(Debug, Clone)]
pub struct Study {
    /// The scenario text.
    pub text: ScenarioText,
    /// `--set` overrides applied to every point, before the parameters.
    pub sets: Vec<String>,
    /// `--seed` and `--replications`.
    pub flags: RunFlags,
    /// The base scenario (overrides and flags applied).
    pub base: Scenario,
    /// The varied parameters.
    pub params: Vec<Param>,
    /// The design.
    pub design: Design,
    /// The metrics analysed.
    pub metrics: Vec<&'static Metric>,
    /// Identity: shards of one study share it.
    pub hash: String,
}

/// `plan.json` of a study directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StudyPlan {
    /// The JSON schema's version ([`crate::output::SCHEMA_VERSION`]).
    #[serde(default = "crate::output::schema_version")]
    pub schema_version: u32,
    /// Always `sensitivity` (tells it from a sweep's plan).
    pub kind: String,
    /// The study's identity hash.
    pub hash: String,
    /// Scenario name.
    pub scenario: String,
    /// `sobol` or `morris`.
    pub method: String,
    /// The parameters as given.
    pub params: Vec<String>,
    /// Base samples or trajectories.
    pub samples: usize,
    /// Morris levels (0 for Sobol).
    pub levels: usize,
    /// Metrics.
    pub metrics: Vec<String>,
    /// Replications per point.
    pub replications: u32,
    /// Seed.
    pub seed: u64,
    /// Design points.
    pub points: usize,
    /// The shard this directory holds, if any.
    pub shard: Option<String>,
}

impl Study {
    /// Validates the parameters (each end or level must make a valid scenario), the metrics and the
    /// sample size, and builds the design.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        text: &ScenarioText,
        sets: &[String],
        specs: &[String],
        method: Method,
        (samples, levels): (usize, usize),
        metric_names: &[String],
        flags: RunFlags,
    ) -> Result<Study, StudyError> {
        flags.check().map_err(StudyError::Input)?;
        let mut base = scenario::parse(text, sets).map_err(|e| StudyError::Input(e.to_string()))?;
        flags.apply(&mut base);
        if specs.is_empty() {
            return Err(StudyError::Input(
                "nothing to vary: give --param PATH=LOW:HIGH (or PATH=V1,V2,…), at least one".into(),
            ));
        }
        let params: Vec<Param> =
            specs.iter().map(|s| Param::parse(s)).collect::<Result<_, _>>().map_err(StudyError::Input)?;
        Param::check_distinct(&params, "--param").map_err(StudyError::Input)?;
        for p in &params {
            p.check(text, sets, "--param").map_err(StudyError::Input)?;
        }
        let metrics = choose_metrics(metric_names)?;
        let k = params.len();
        let design = match method {
            Method::Sobol if samples < 8 => {
                return Err(StudyError::Input(format!(
                    "--samples {samples}: the Sobol' estimators need at least 8 base samples"
                )));
            }
            Method::Morris if samples < 2 => {
                return Err(StudyError::Input(format!("--samples {samples}: Morris needs at least 2 trajectories")));
            }
            Method::Morris if levels < 2 => {
                return Err(StudyError::Input(format!("--levels {levels}: Morris needs at least 2 levels")));
            }
            _ if design_points(method, k, samples) > crate::sweep::MAX_POINTS => {
                return Err(StudyError::Input(format!(
                    "the design would have {} points ({} parameters, --samples {samples}): more than {} are refused; give fewer parameters or samples",
                    design_points(method, k, samples),
                    k,
                    crate::sweep::MAX_POINTS
                )));
            }
            Method::Sobol => design::saltelli(k, samples, base.seed),
            Method::Morris => design::morris(k, samples, levels, base.seed),
        };
        let mut identity = scenario::to_toml(&base);
        identity.push_str(&format!("\nmethod {} samples {samples} levels {}", method.name(), design.levels));
        for p in &params {
            identity.push_str(&format!("\nparam {}", p.spec()));
        }
        for m in &metrics {
            identity.push_str(&format!("\nmetric {}", m.name));
        }
        let hash = format!("{:016x}", crate::sweep::fnv1a(identity.as_bytes()));
        let study = Study { text: text.clone(), sets: sets.to_vec(), flags, base, params, design, metrics, hash };
        // Every design point must be a valid scenario before anything runs (a whole-number key
        // given a range with decimals, a combination the scenario refuses).
        for i in 0..study.design.points.len() {
            let point = study.point(i).map_err(|e| {
                let whole = e.to_string().contains("is not a whole number");
                let hint = if whole {
                    "; a key that takes whole numbers needs a range written with whole numbers (95:110)"
                } else {
                    ""
                };
                StudyError::Input(format!("{} ({}){hint}", e, study.point_sets(i).join(" ")))
            })?;
            // The size guard, at every design point, not only the base scenario.
            if let Some(problem) = point.scale_problem() {
                return Err(StudyError::Input(format!(
                    "design point {i} ({}): {problem}",
                    study.point_sets(i).join(" ")
                )));
            }
        }
        Ok(study)
    }

    /// The scenario of design point `i`.
    pub fn point(&self, i: usize) -> Result<Scenario, StudyError> {
        let mut all = self.sets.clone();
        all.extend(self.point_sets(i));
        let mut s =
            scenario::parse(&self.text, &all).map_err(|e| StudyError::Input(format!("design point {i}: {e}")))?;
        self.flags.apply(&mut s);
        Ok(s)
    }

    /// The `--set` overrides of design point `i`.
    pub fn point_sets(&self, i: usize) -> Vec<String> {
        self.params.iter().zip(&self.design.points[i]).map(|(p, u)| format!("{}={}", p.path, p.value(*u))).collect()
    }

    /// The header of the point files: `point, replications`, then each metric's mean and variance
    /// over the point's replications.
    pub fn header(&self) -> String {
        let mut cols = vec!["point".to_string(), "replications".to_string()];
        for m in &self.metrics {
            cols.extend([format!("{}_mean", m.name), format!("{}_var", m.name)]);
        }
        format!("{}\n", cols.join(","))
    }

    /// Point `i`'s line from its replications.
    pub fn point_line(&self, i: usize, reps: &[RepResult]) -> String {
        let mut cols = vec![i.to_string(), reps.len().to_string()];
        for m in &self.metrics {
            let xs: Vec<f64> = reps.iter().map(|r| (m.value)(&r.whole).as_f64()).collect();
            let n = xs.len() as f64;
            let mean = xs.iter().sum::<f64>() / n;
            let var = if xs.len() > 1 { xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
            cols.extend([fmt_f64(mean), fmt_f64(var)]);
        }
        format!("{}\n", cols.join(","))
    }

    /// `plan.json` of a directory holding `shard` (or the whole study).
    pub fn plan(&self, shard: Option<crate::sweep::Shard>) -> StudyPlan {
        StudyPlan {
            schema_version: crate::sweep::PLAN_SCHEMA_VERSION,
            kind: "sensitivity".into(),
            hash: self.hash.clone(),
            scenario: self.base.name.clone(),
            method: self.design.method.name().into(),
            params: self.params.iter().map(Param::spec).collect(),
            samples: self.design.samples,
            levels: self.design.levels,
            metrics: self.metrics.iter().map(|m| m.name.to_string()).collect(),
            replications: self.base.replications,
            seed: self.base.seed,
            points: self.design.points.len(),
            shard: shard.map(|s| format!("{}/{}", s.k, s.n)),
        }
    }

    /// `design.csv`: each point's role in the scheme and its parameter values.
    pub fn design_csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["point".to_string(), "role".to_string(), "group".to_string()];
        header.extend(self.params.iter().map(|p| p.path.clone()));
        w.write_record(&header).expect("in-memory write");
        for (i, (role, group)) in self.design.roles.iter().enumerate() {
            let mut rec = vec![i.to_string(), role.clone(), group.to_string()];
            rec.extend(
                self.params.iter().zip(&self.design.points[i]).map(|(p, u)| p.value(*u).trim_matches('"').to_string()),
            );
            w.write_record(&rec).expect("in-memory write");
        }
        w.into_inner().expect("in-memory flush")
    }

    /// What the charts and the report need of the study.
    #[cfg(feature = "charts")]
    pub fn chart_spec(&self) -> crate::plot::SensitivitySpec {
        crate::plot::SensitivitySpec {
            scenario: self.base.name.clone(),
            period: self.base.period_text(),
            sobol: self.design.method == Method::Sobol,
            samples: self.design.samples,
            points: self.design.points.len(),
            replications: self.base.replications,
            seed: self.base.seed,
            params: self.params.iter().map(|p| (p.path.clone(), p.spec())).collect(),
            metrics: self.metrics.iter().map(|m| (m.name, m.short)).collect(),
        }
    }

    /// The indices of every metric from the complete set of point lines, in index order.
    pub fn estimate(&self, lines: &BTreeMap<usize, String>) -> Result<Vec<IndexRow>, StudyError> {
        let points = self.design.points.len();
        if lines.len() != points {
            return Err(StudyError::Input(format!("{} of {points} design points are finished", lines.len())));
        }
        let mut rows = Vec::new();
        for (mi, m) in self.metrics.iter().enumerate() {
            let (means, vars) = column(lines, mi)?;
            let noise: Vec<f64> = vars.iter().map(|v| v / self.base.replications as f64).collect();
            rows.extend(match self.design.method {
                Method::Sobol => self.sobol_rows(m, &means, &noise),
                Method::Morris => self.morris_rows(m, &means, &noise),
            });
        }
        Ok(rows)
    }

    fn sobol_rows(&self, m: &Metric, y: &[f64], noise: &[f64]) -> Vec<IndexRow> {
        let (k, n) = (self.params.len(), self.design.samples);
        let at = |j: usize, o: usize| j * (k + 2) + o;
        let f_a: Vec<f64> = (0..n).map(|j| y[at(j, 0)]).collect();
        let f_b: Vec<f64> = (0..n).map(|j| y[at(j, 1)]).collect();
        let f_ab: Vec<Vec<f64>> = (0..k).map(|i| (0..n).map(|j| y[at(j, 2 + i)]).collect()).collect();
        let est = estimate::sobol(&f_a, &f_b, &f_ab, self.base.seed);
        let mut rows = Vec::new();
        for (p, (s1, st)) in self.params.iter().zip(est) {
            rows.push(index_row(m.name, &p.path, "S1", s1));
            rows.push(index_row(m.name, &p.path, "ST", st));
        }
        let ab: Vec<usize> = (0..n).flat_map(|j| [at(j, 0), at(j, 1)]).collect();
        rows.push(noise_row(m.name, &ab, y, noise));
        rows
    }

    // The trajectory index addresses both the points and each parameter's effects.
    #[allow(clippy::needless_range_loop)]
    fn morris_rows(&self, m: &Metric, y: &[f64], noise: &[f64]) -> Vec<IndexRow> {
        let (k, r) = (self.params.len(), self.design.samples);
        let delta = self.design.delta();
        let mut effects = vec![vec![0.0; r]; k];
        for t in 0..r {
            for s in 0..k {
                let (a, b) = (t * (k + 1) + s, t * (k + 1) + s + 1);
                let i = (0..k).find(|i| self.design.points[a][*i] != self.design.points[b][*i]).expect("one step");
                effects[i][t] = (y[b] - y[a]) / delta;
            }
        }
        let est = estimate::morris(&effects, self.base.seed);
        let mut rows = Vec::new();
        for (p, (mu_star, mu, sigma)) in self.params.iter().zip(est) {
            rows.push(index_row(m.name, &p.path, "mu_star", mu_star));
            rows.push(index_row(m.name, &p.path, "mu", mu));
            rows.push(index_row(m.name, &p.path, "sigma", sigma));
        }
        let all: Vec<usize> = (0..y.len()).collect();
        rows.push(noise_row(m.name, &all, y, noise));
        rows
    }
}

/// The design's points: (k + 2) per base sample for Sobol', (k + 1) per trajectory for Morris.
fn design_points(method: Method, k: usize, samples: usize) -> usize {
    let per = match method {
        Method::Sobol => k.saturating_add(2),
        Method::Morris => k.saturating_add(1),
    };
    per.saturating_mul(samples)
}

/// The share of the variance of the points' means that is replication noise: the mean of the
/// points' noise variances (variance of the replications over R) over the variance of the means.
fn noise_row(metric: &'static str, idx: &[usize], y: &[f64], noise: &[f64]) -> IndexRow {
    let n = idx.len() as f64;
    let mean = idx.iter().map(|&i| y[i]).sum::<f64>() / n;
    let v = idx.iter().map(|&i| (y[i] - mean).powi(2)).sum::<f64>() / n;
    let share = idx.iter().map(|&i| noise[i]).sum::<f64>() / n / v;
    // A metric that does not vary across the points (its spread at the rounding of its mean) has
    // no noise share: the ratio would be noise over rounding.
    let flat = v.is_nan() || v <= 1e-20 * mean * mean + f64::MIN_POSITIVE;
    IndexRow {
        metric,
        parameter: "(replication noise)".into(),
        index: "noise_share",
        value: (!flat && share.is_finite()).then_some(share),
        ci_low: None,
        ci_high: None,
    }
}

/// Each point's mean and variance of metric `mi`, by point.
fn column(lines: &BTreeMap<usize, String>, mi: usize) -> Result<(Vec<f64>, Vec<f64>), StudyError> {
    let mut means = Vec::with_capacity(lines.len());
    let mut vars = Vec::with_capacity(lines.len());
    for (i, line) in lines {
        let cols: Vec<&str> = line.trim_end().split(',').collect();
        let num =
            |c: Option<&&str>| c.map_or(Ok(f64::NAN), |s| if s.is_empty() { Ok(f64::NAN) } else { s.parse::<f64>() });
        let bad = |_| StudyError::Input(format!("point {i}: a value is not a number"));
        means.push(num(cols.get(2 + 2 * mi)).map_err(bad)?);
        vars.push(num(cols.get(3 + 2 * mi)).map_err(bad)?);
    }
    Ok((means, vars))
}

/// A row of `sensitivity.csv` from an estimate.
fn index_row(metric: &'static str, parameter: &str, index: &'static str, e: estimate::Estimate) -> IndexRow {
    let f = |x: f64| x.is_finite().then_some(x);
    IndexRow {
        metric,
        parameter: parameter.to_string(),
        index,
        value: f(e.value),
        ci_low: f(e.low),
        ci_high: f(e.high),
    }
}

/// The metrics named (default: the mean wait to processing), or an error listing the valid names.
fn choose_metrics(names: &[String]) -> Result<Vec<&'static Metric>, StudyError> {
    if names.is_empty() {
        return Ok(vec![metrics::get("wait_mean_days").expect("a metric")]);
    }
    names
        .iter()
        .map(|n| {
            metrics::get(n).ok_or_else(|| {
                let valid: Vec<&str> = metrics::METRICS.iter().map(|m| m.name).collect();
                StudyError::Input(format!("--metric {n}: unknown metric: valid metrics are {}", valid.join(", ")))
            })
        })
        .collect()
}
