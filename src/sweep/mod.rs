//! Parameter sweeps: a grid of scenario variants × replications with common random
//! numbers, run point by point. Each finished point is written at once, atomically, as
//! `points/point-NNNNNN.csv`; `sweep.csv` is the points' rows in index order, so a sweep run on one
//! machine, in shards then merged, or interrupted and resumed gives the same bytes.
//!
//! Read [`Plan`] first: it validates every grid point before anything runs.

mod cluster;
pub mod grid;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

mod exec;
mod points;

pub use cluster::auto_shard;
pub use exec::{DirPolicy, Merged, Prepared, SweepError, finish, merge, prepare, run_into, run_points};
pub use grid::{Grid, MAX_POINTS, Shard, Vary, VaryError};
pub use points::{
    PLAN_SCHEMA_VERSION, PORTS_HEADER, PointSet, finished_points, parse_point, point_file, points_dir, port_point_file,
    read_port_lines, write_point,
};

use crate::metrics;
use crate::model::RepResult;
use crate::output::{self, RunTables, fmt_f64};
use crate::scenario::{self, Scenario, ScenarioText};

/// A sweep, validated: the base scenario, the grid, and every point's scenario.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The grid.
    pub grid: Grid,
    /// The scenario of each grid point (overrides, seed and replications applied).
    pub points: Vec<Scenario>,
    /// `--precision`, if any.
    pub precision: Option<crate::run::Precision>,
    /// Identity of the sweep: a hash of the base scenario, the grid, the seed, the replications and
    /// the precision rule. Shards of one sweep share it; `merge` refuses others.
    pub hash: String,
    /// The base scenario (overrides and flags applied), written to the directory's `scenario.toml`.
    pub base: Scenario,
}

/// Why a plan cannot be built: a bad `--vary` or a grid point that is not a valid scenario.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// A `--vary` or `[sweep]` entry is malformed.
    #[error("{0}")]
    Vary(#[from] VaryError),
    /// Grid point `index` is not a valid scenario.
    #[error("grid point {index} ({sets}): {error}")]
    Point {
        /// Point index.
        index: usize,
        /// Its overrides.
        sets: String,
        /// The validation error.
        error: scenario::ScenarioError,
    },
    /// The base scenario itself is invalid.
    #[error("{0}")]
    Base(scenario::ScenarioError),
    /// `--seed` or `--replications` is out of range.
    #[error("{0}")]
    Flag(String),
}

/// The identity of a sweep of `base` over `vary` under `precision`: what its shards share.
fn identity_hash(base: &Scenario, vary: &[Vary], precision: Option<crate::run::Precision>) -> String {
    let mut identity = scenario::to_toml(base);
    for v in vary {
        identity.push_str(&format!("\nvary {} = {}", v.path, v.values.join("\u{1f}")));
    }
    if let Some(p) = precision {
        identity.push_str(&format!("\nprecision {} max {}", p.relative, p.max));
    }
    format!("{:016x}", fnv1a(identity.as_bytes()))
}

/// FNV-1a, 64 bits: a stable hash (not cryptographic) to tell sweeps apart.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3))
}

impl Plan {
    /// Builds and validates the plan: `sets` apply to every point before the grid's own overrides,
    /// then `--seed` and `--replications`. With no `vary`, the scenario's `[sweep]` table is used.
    pub fn new(
        base: &ScenarioText,
        sets: &[String],
        vary: &[String],
        flags: scenario::RunFlags,
        precision: Option<crate::run::Precision>,
    ) -> Result<Plan, PlanError> {
        flags.check().map_err(PlanError::Flag)?;
        let finish = |mut s: Scenario| {
            flags.apply(&mut s);
            s
        };
        let base_scenario = finish(scenario::parse(base, sets).map_err(PlanError::Base)?);
        let specs: Vec<String> = if vary.is_empty() {
            base_scenario.sweep.as_ref().map(|s| s.vary.clone()).unwrap_or_default()
        } else {
            vary.to_vec()
        };
        if specs.is_empty() {
            return Err(VaryError(
                "nothing to vary: give --vary PATH=VALUES (or a [sweep] table with vary = [...] in the scenario)"
                    .into(),
            )
            .into());
        }
        let grid = Grid::new(specs.iter().map(|s| Vary::parse(s)).collect::<Result<_, _>>()?)?;
        let mut points = Vec::with_capacity(grid.len());
        for i in 0..grid.len() {
            let mut all = sets.to_vec();
            let point_sets = grid.sets(i);
            all.extend(point_sets.iter().cloned());
            let s = scenario::parse(base, &all).map_err(|error| PlanError::Point {
                index: i,
                sets: point_sets.join(" "),
                error,
            })?;
            points.push(finish(s));
        }
        let hash = identity_hash(&base_scenario, &grid.vary, precision);
        Ok(Plan { grid, points, precision, hash, base: base_scenario })
    }

    /// Header of `sweep.csv` and of every point file.
    pub fn header(&self) -> String {
        header(self.grid.vary.iter().map(|v| v.path.as_str()))
    }

    /// The CSV data line of point `i` from its replications.
    pub fn point_line(&self, i: usize, reps: &[RepResult]) -> String {
        let tables = RunTables::new(reps);
        let mut cols = vec![i.to_string()];
        cols.extend(self.grid.values(i));
        cols.push(reps.len().to_string());
        for m in metrics::sweep_metrics() {
            let row = tables.metric(m.name);
            for x in [row.and_then(|r| r.mean), row.and_then(|r| r.ci95_low), row.and_then(|r| r.ci95_high)] {
                cols.push(x.map_or(String::new(), fmt_f64));
            }
        }
        csv_line(&cols)
    }

    /// The rows of point `i` in `ports_sweep.csv` (each port's metrics), empty without ports.
    pub fn port_lines(&self, i: usize, reps: &[RepResult]) -> String {
        let mut out = String::new();
        for r in output::port_rows(&self.points[i], reps) {
            let x = |v: Option<f64>| v.map_or(String::new(), fmt_f64);
            let cols = [i.to_string(), r.port, r.metric, x(r.mean), x(r.ci95_low), x(r.ci95_high)];
            out.push_str(&csv_line(&cols));
        }
        out
    }

    /// What this sweep's point files must be (`header` is [`Plan::header`]).
    pub fn point_set<'a>(&'a self, header: &'a str) -> PointSet<'a> {
        PointSet { hash: &self.hash, header, points: self.grid.len(), legacy: false }
    }

    /// The identity written to `plan.json`.
    pub fn identity(&self, shard: Option<Shard>) -> PlanFile {
        let s = &self.points[0];
        PlanFile {
            schema_version: PLAN_SCHEMA_VERSION,
            sweep_hash: self.hash.clone(),
            scenario: s.name.clone(),
            seed: s.seed,
            replications: s.replications,
            precision: self.precision.map(|p| p.relative),
            max_replications: self.precision.map(|p| p.max),
            vary: self.grid.vary.iter().map(|v| (v.path.clone(), v.values.clone())).collect(),
            numeric: self.grid.vary.iter().map(|v| v.numeric).collect(),
            points: self.grid.len(),
            shard: shard.map(|s| format!("{}/{}", s.k, s.n)),
        }
    }
}

/// The header of `sweep.csv` for these varied paths: `point`, the paths, `replications`, then
/// `<metric>_mean, _ci95_low, _ci95_high` for each of the sweep's metrics ([`metrics::sweep_metrics`]).
pub fn header<'a>(paths: impl Iterator<Item = &'a str>) -> String {
    let mut cols = vec!["point".to_string()];
    cols.extend(paths.map(str::to_string));
    cols.push("replications".into());
    for m in metrics::sweep_metrics().iter().map(|m| m.name) {
        cols.extend([format!("{m}_mean"), format!("{m}_ci95_low"), format!("{m}_ci95_high")]);
    }
    csv_line(&cols)
}

/// One CSV record as a line, quoted where needed.
fn csv_line(cols: &[String]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(cols).expect("in-memory write");
    String::from_utf8(w.into_inner().expect("in-memory flush")).expect("csv of UTF-8 is UTF-8")
}

/// `plan.json`: what a sweep directory holds, checked on `--resume` and by `merge`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PlanFile {
    /// The JSON schema's version ([`crate::output::SCHEMA_VERSION`]).
    #[serde(default = "crate::output::schema_version")]
    pub schema_version: u32,
    /// The sweep's identity hash.
    pub sweep_hash: String,
    /// Scenario name.
    pub scenario: String,
    /// Master seed.
    pub seed: u64,
    /// Replications per point (the first batch under `--precision`).
    pub replications: u32,
    /// `--precision`, if any.
    pub precision: Option<f64>,
    /// `--max-replications`, if any.
    pub max_replications: Option<u64>,
    /// The varied paths and their values.
    pub vary: Vec<(String, Vec<String>)>,
    /// Whether each varied parameter is numeric.
    pub numeric: Vec<bool>,
    /// Grid points in all.
    pub points: usize,
    /// The shard this directory holds, if any.
    pub shard: Option<String>,
}

impl PlanFile {
    /// The header of this sweep's `sweep.csv` and point files.
    pub fn header(&self) -> String {
        header(self.vary.iter().map(|(p, _)| p.as_str()))
    }

    /// What this sweep's point files must be (`header` is [`PlanFile::header`]).
    pub fn point_set<'a>(&'a self, header: &'a str) -> PointSet<'a> {
        PointSet {
            hash: &self.sweep_hash,
            header,
            points: self.points,
            legacy: self.schema_version < PLAN_SCHEMA_VERSION,
        }
    }

    /// Checks that the plan holds together: its grid is the product of its values, and, when the
    /// directory holds the sweep's base scenario (`scenario`), its identity is that scenario's
    /// over these values, so that an edited `plan.json` is refused whatever hash it kept.
    pub fn check(&self, scenario: Option<&Scenario>) -> Result<(), String> {
        let grid = self.vary.iter().try_fold(1usize, |n, (_, v)| n.checked_mul(v.len()));
        if self.vary.is_empty() || grid != Some(self.points) || self.numeric.len() != self.vary.len() {
            return Err(format!(
                "its grid does not hold together: {} points for values {}",
                self.points,
                self.vary.iter().map(|(p, v)| format!("{p} × {}", v.len())).collect::<Vec<_>>().join(", ")
            ));
        }
        if self.points > MAX_POINTS {
            return Err(format!("{} points is more than a sweep may have ({MAX_POINTS})", self.points));
        }
        if let Some(shard) = &self.shard {
            Shard::parse(shard).map_err(|e| format!("its shard {shard:?}: {e}"))?;
        }
        let Some(base) = scenario else { return Ok(()) };
        let vary: Vec<Vary> = self
            .vary
            .iter()
            .zip(&self.numeric)
            .map(|((path, values), &numeric)| Vary { path: path.clone(), values: values.clone(), numeric })
            .collect();
        let precision = match (self.precision, self.max_replications) {
            (Some(relative), Some(max)) => Some(crate::run::Precision { relative, max }),
            (None, None) => None,
            _ => return Err("its precision and max_replications go together".into()),
        };
        let same = identity_hash(base, &vary, precision) == self.sweep_hash
            && base.name == self.scenario
            && base.seed == self.seed
            && base.replications == self.replications;
        if !same {
            return Err("it does not match the sweep's scenario.toml beside it: it was edited, or the files come from different sweeps".into());
        }
        Ok(())
    }
}

/// Reads `plan.json` of a sweep directory and checks it ([`PlanFile::check`]) against the base
/// scenario beside it, if the directory holds one.
pub fn read_checked_plan(dir: &Path) -> Result<PlanFile, String> {
    let plan = read_plan(dir)?;
    let path = dir.join("scenario.toml");
    let base = match std::fs::read_to_string(&path) {
        Ok(text) => {
            let text = ScenarioText { label: path.display().to_string(), text };
            Some(scenario::parse(&text, &[]).map_err(|e| format!("{}: {e}", path.display()))?)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    plan.check(base.as_ref()).map_err(|e| format!("{}: {e}", dir.join("plan.json").display()))?;
    Ok(plan)
}

/// Reads `plan.json` of a sweep directory.
pub fn read_plan(dir: &Path) -> Result<PlanFile, String> {
    let path = dir.join("plan.json");
    let bytes =
        std::fs::read(&path).map_err(|e| format!("{}: {e} (not a borderq sweep directory?)", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{}: not a sweep plan: {e}", path.display()))
}

/// `sweep.csv` from the data lines of every point, in index order.
pub fn sweep_csv(header: &str, lines: &BTreeMap<usize, String>) -> String {
    let mut s = header.to_string();
    for line in lines.values() {
        s.push_str(line);
    }
    s
}

impl PlanFile {
    /// What the sweep charts need of this plan.
    #[cfg(feature = "charts")]
    pub fn chart_spec(&self) -> crate::plot::SweepSpec<'_> {
        crate::plot::SweepSpec {
            scenario: &self.scenario,
            replications: self.replications,
            vary: &self.vary,
            numeric: &self.numeric,
        }
    }
}

/// The plan as `sweep.json` embeds it: the document carries the schema version once, at its top.
fn plan_value(plan: &PlanFile) -> serde_json::Value {
    let mut v = serde_json::to_value(plan).expect("in-memory JSON");
    if let Some(o) = v.as_object_mut() {
        o.remove("schema_version");
    }
    v
}

/// `sweep.json`: the plan and every point's values and metrics, parsed back from `sweep.csv` so that it
/// too is identical however the points were computed.
pub fn sweep_json(plan: &PlanFile, csv_text: &str) -> Vec<u8> {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = r.headers().map(|h| h.iter().map(str::to_string).collect()).unwrap_or_default();
    let nv = plan.vary.len();
    let mut points = Vec::new();
    for rec in r.records().flatten() {
        let num = |s: &str| s.parse::<f64>().ok();
        let mut values = serde_json::Map::new();
        for k in 0..nv {
            values.insert(header[1 + k].clone(), serde_json::Value::String(rec[1 + k].to_string()));
        }
        let mut metrics = serde_json::Map::new();
        for (j, m) in metrics::sweep_metrics().iter().enumerate() {
            let base = 2 + nv + 3 * j;
            metrics.insert(
                m.name.to_string(),
                serde_json::json!({ "mean": num(&rec[base]), "ci95_low": num(&rec[base + 1]), "ci95_high": num(&rec[base + 2]) }),
            );
        }
        points.push(serde_json::json!({
            "point": rec[0].parse::<usize>().unwrap_or(0),
            "values": values,
            "replications": rec[1 + nv].parse::<u64>().unwrap_or(0),
            "metrics": metrics,
        }));
    }
    let mut plan = plan.clone();
    plan.shard = None;
    let doc = serde_json::json!({ "schema_version": crate::output::SCHEMA_VERSION, "plan": plan_value(&plan), "borderq_version": env!("CARGO_PKG_VERSION"), "points": points });
    let mut v = serde_json::to_vec_pretty(&doc).expect("in-memory JSON");
    v.push(b'\n');
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::RunFlags;

    fn base() -> ScenarioText {
        ScenarioText {
            label: "b".into(),
            text: crate::scenario::BUNDLED.iter().find(|b| b.name == "bailey").unwrap().text.into(),
        }
    }

    #[test]
    fn every_point_is_validated_and_the_hash_tells_sweeps_apart() {
        let ok = Plan::new(
            &base(),
            &[],
            &["quota.daily=80:120:20".into()],
            RunFlags { seed: None, replications: Some(2) },
            None,
        )
        .unwrap();
        assert_eq!(ok.points.len(), 3);
        assert_eq!(ok.points[2].quota.daily, crate::scenario::Schedule::Constant(120.0));
        assert_eq!(ok.points[0].replications, 2);
        let other = Plan::new(
            &base(),
            &[],
            &["quota.daily=80:120:20".into()],
            RunFlags { seed: Some(5), replications: Some(2) },
            None,
        )
        .unwrap();
        assert_ne!(ok.hash, other.hash);
        let bad =
            Plan::new(&base(), &[], &["quota.seniority_share=0.5,1.5".into()], RunFlags::default(), None).unwrap_err();
        assert!(bad.to_string().starts_with("grid point 1 (quota.seniority_share=1.5): "), "{bad}");
        assert!(Plan::new(&base(), &[], &[], RunFlags::default(), None).is_err());
    }
}
