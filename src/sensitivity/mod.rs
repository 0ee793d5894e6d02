//! Global sensitivity analysis: which uncertain inputs drive a metric, and by how much.
//!
//! A study varies `k` parameters of a scenario over ranges (`PATH=LOW:HIGH`) or levels
//! (`PATH=V1,V2,V3`), on a Saltelli design (Sobol' indices) or Morris trajectories. Each design
//! point is the scenario with the parameters set, run for R replications on the same seeds as every
//! other point (common random numbers), and summarised by each metric's mean over the replications
//! and the variance of those replications. The points are written as they finish, like a sweep's,
//! so a study can be sharded, interrupted, resumed and merged; the indices are estimated from the
//! complete set, in point order, so `sensitivity.csv` is the same however the points were run.

pub mod design;
pub mod estimate;
mod exec;
pub mod study;

pub use crate::stats::{IndexRow, index_warnings as warnings};
pub use design::{Design, Method};
pub use exec::{Prepared, finish, merge, prepare, run_points};
pub use study::{Study, StudyError, StudyPlan};

/// One varied parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The scenario path, as for `--set`.
    pub path: String,
    /// Its range or levels.
    pub kind: ParamKind,
}

/// What values a parameter takes.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamKind {
    /// A range `[lo, hi]`; whole numbers when both ends are written without a decimal point, then
    /// rounded to the nearest whole number.
    Range {
        /// Lower end.
        lo: f64,
        /// Upper end.
        hi: f64,
        /// Rounded to whole numbers.
        integer: bool,
    },
    /// Levels (numbers or words), each taking an equal share of the unit interval.
    Levels(Vec<String>),
}

impl Param {
    /// Parses `PATH=LOW:HIGH` or `PATH=V1,V2,…`.
    pub fn parse(spec: &str) -> Result<Param, String> {
        let expected =
            "PATH=LOW:HIGH (a range) or PATH=V1,V2,… (levels), for example abandonment.patience_days.scale=100:300";
        let (path, values) = spec
            .split_once('=')
            .filter(|(p, v)| !p.trim().is_empty() && !v.trim().is_empty())
            .ok_or_else(|| format!("--param {spec}: expected {expected}"))?;
        let path = path.trim().to_string();
        let kind = if let Some((lo, hi)) = values.split_once(':') {
            let num = |s: &str| {
                s.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| format!("--param {spec}: {s:?} is not a number: expected {expected}"))
            };
            let (l, h) = (num(lo)?, num(hi)?);
            if l >= h {
                return Err(format!("--param {spec}: the range is reversed or empty ({l} ≥ {h}): expected LOW < HIGH"));
            }
            let whole = |s: &str| !s.contains(['.', 'e', 'E']);
            ParamKind::Range { lo: l, hi: h, integer: whole(lo) && whole(hi) }
        } else {
            let levels: Vec<String> = values.split(',').map(|v| v.trim().to_string()).collect();
            if levels.len() < 2 || levels.iter().any(String::is_empty) {
                return Err(format!("--param {spec}: levels need at least two non-empty values: expected {expected}"));
            }
            ParamKind::Levels(levels)
        };
        Ok(Param { path, kind })
    }

    /// Refuses a path given twice among `params` (`flag` names the option): two copies would
    /// share the effect, each reported as if the other did not exist.
    pub fn check_distinct(params: &[Param], flag: &str) -> Result<(), String> {
        for (i, p) in params.iter().enumerate() {
            if params[..i].iter().any(|q| q.path == p.path) {
                return Err(format!("{flag} {} is given twice: give each path once", p.path));
            }
        }
        Ok(())
    }

    /// The `--set` value of this parameter at unit coordinate `u` in `[0, 1]`.
    pub fn value(&self, u: f64) -> String {
        match &self.kind {
            ParamKind::Range { lo, hi, integer: false } => crate::output::fmt_f64(lo + u * (hi - lo)),
            ParamKind::Range { lo, hi, integer: true } => format!("{}", (lo + u * (hi - lo)).round() as i64),
            ParamKind::Levels(levels) => {
                let i = ((u * levels.len() as f64).floor() as usize).min(levels.len() - 1);
                let v = &levels[i];
                if v.parse::<f64>().is_ok() || v == "true" || v == "false" { v.clone() } else { format!("{v:?}") }
            }
        }
    }

    /// The unit coordinate of a value this parameter took (the inverse of [`Param::value`] for a
    /// range; the middle of its share for a level).
    pub fn unit(&self, v: &str) -> f64 {
        match &self.kind {
            ParamKind::Range { lo, hi, .. } => ((v.parse::<f64>().unwrap_or(*lo) - lo) / (hi - lo)).clamp(0.0, 1.0),
            ParamKind::Levels(levels) => {
                let i = levels.iter().position(|l| l == v.trim_matches('"')).unwrap_or(0);
                (i as f64 + 0.5) / levels.len() as f64
            }
        }
    }

    /// The values checked before any run: both ends, or every level.
    pub fn extremes(&self) -> Vec<String> {
        match &self.kind {
            ParamKind::Range { .. } => vec![self.value(0.0), self.value(1.0)],
            ParamKind::Levels(levels) => {
                (0..levels.len()).map(|i| self.value((i as f64 + 0.5) / levels.len() as f64)).collect()
            }
        }
    }

    /// Checks that each end (or level) of the parameter makes a valid scenario with `sets`; the
    /// message names the parameter as given with `flag` (`--param`, `--fit`).
    pub fn check(&self, text: &crate::scenario::ScenarioText, sets: &[String], flag: &str) -> Result<(), String> {
        for v in self.extremes() {
            let mut all = sets.to_vec();
            all.push(format!("{}={v}", self.path));
            crate::scenario::parse(text, &all).map_err(|e| {
                format!("{flag} {}: {} = {v} does not make a valid scenario: {e}", self.spec(), self.path)
            })?;
        }
        Ok(())
    }

    /// The parameter as written, for identities and tables.
    pub fn spec(&self) -> String {
        match &self.kind {
            ParamKind::Range { lo, hi, integer: true } => format!("{}={lo}:{hi}", self.path),
            ParamKind::Range { lo, hi, integer: false } => {
                format!("{}={}:{}", self.path, crate::output::fmt_f64(*lo), crate::output::fmt_f64(*hi))
            }
            ParamKind::Levels(levels) => format!("{}={}", self.path, levels.join(",")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_parse_ranges_integers_and_levels() {
        let p = Param::parse("quota.daily=1000:2000").unwrap();
        assert_eq!(p.kind, ParamKind::Range { lo: 1000.0, hi: 2000.0, integer: true });
        assert_eq!(p.value(0.2504), "1250");
        let q = Param::parse("quota.seniority_share=0.3:0.7").unwrap();
        assert_eq!(q.value(0.5), "0.5");
        let l = Param::parse("confirmation.outage_policy=none,extend,reissue").unwrap();
        assert_eq!(
            (l.value(0.0), l.value(0.5), l.value(0.99)),
            ("\"none\"".into(), "\"extend\"".into(), "\"reissue\"".into())
        );
        assert!(Param::parse("quota.daily=2000:1000").unwrap_err().contains("reversed"));
        assert!(Param::parse("quota.daily=a:b").unwrap_err().contains("not a number"));
        assert!(Param::parse("quota.daily=5").unwrap_err().contains("at least two"));
        assert!(Param::parse("=1:2").is_err());
        let c = Param::parse("arrivals.0.groups_per_day=80.0:100.0").unwrap();
        assert_eq!(Param::parse(&c.spec()).unwrap(), c, "the spec reads back as the same parameter");
    }
}
