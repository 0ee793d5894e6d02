//! Parameter sweeps: a grid of scenario variants × replications with common random
//! numbers, run point by point. Each finished point is written at once, atomically, as
//! `points/point-NNNNNN.csv`; `sweep.csv` is the points' rows in index order, so a sweep run on one
//! machine, in shards then merged, or interrupted and resumed gives the same bytes.
//!
//! Read [`Plan`] first: it validates every grid point before anything runs.

mod cluster;
pub mod grid;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod exec;

pub use cluster::auto_shard;
pub use exec::{DirPolicy, Merged, Prepared, SweepError, finish, merge, prepare, run_into, run_points};
pub use grid::{Grid, MAX_POINTS, Shard, Vary, VaryError};

use crate::metrics;
use crate::model::RepResult;
use crate::output::{self, OutputError, RunTables, fmt_f64};
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
        let mut identity = scenario::to_toml(&base_scenario);
        for v in &grid.vary {
            identity.push_str(&format!("\nvary {} = {}", v.path, v.values.join("\u{1f}")));
        }
        if let Some(p) = precision {
            identity.push_str(&format!("\nprecision {} max {}", p.relative, p.max));
        }
        let hash = format!("{:016x}", fnv1a(identity.as_bytes()));
        Ok(Plan { grid, points, precision, hash })
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

    /// The identity written to `plan.json`.
    pub fn identity(&self, shard: Option<Shard>) -> PlanFile {
        let s = &self.points[0];
        PlanFile {
            schema_version: crate::output::SCHEMA_VERSION,
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
}

/// The directory of point files.
pub fn points_dir(dir: &Path) -> PathBuf {
    dir.join("points")
}

/// The file of point `i`.
pub fn point_file(i: usize) -> String {
    format!("point-{i:06}.csv")
}

/// Reads `plan.json` of a sweep directory.
pub fn read_plan(dir: &Path) -> Result<PlanFile, String> {
    let path = dir.join("plan.json");
    let bytes =
        std::fs::read(&path).map_err(|e| format!("{}: {e} (not a borderq sweep directory?)", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{}: not a sweep plan: {e}", path.display()))
}

/// The finished points in `dir`: index → the file's data line (header checked against `header`).
pub fn finished_points(dir: &Path, header: &str) -> Result<BTreeMap<usize, String>, String> {
    let mut out = BTreeMap::new();
    let pdir = points_dir(dir);
    let Ok(entries) = std::fs::read_dir(&pdir) else { return Ok(out) };
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", pdir.display()))?;
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(index) = name.strip_prefix("point-").and_then(|s| s.strip_suffix(".csv")).and_then(|s| s.parse().ok())
        else {
            continue;
        };
        let text = std::fs::read_to_string(entry.path()).map_err(|e| format!("{}: {e}", entry.path().display()))?;
        let (h, line) = text.split_once('\n').ok_or_else(|| format!("{}: not a point file", entry.path().display()))?;
        if format!("{h}\n") != header {
            return Err(format!("{}: its columns do not match this sweep", entry.path().display()));
        }
        out.insert(index, line.to_string());
    }
    Ok(out)
}

/// The header of `ports_sweep.csv` and of each point's per-port file.
pub const PORTS_HEADER: &str = "point,port,metric,mean,ci95_low,ci95_high\n";

/// The per-port file of point `i` (written before the point's own file, which marks it finished).
pub fn port_point_file(i: usize) -> String {
    format!("point-{i:06}-ports.csv")
}

/// Writes point `i` atomically: its per-port rows first (if any), then its line.
pub fn write_point(dir: &Path, header: &str, i: usize, line: &str, port_lines: &str) -> Result<(), OutputError> {
    let pdir = points_dir(dir);
    output::create_dir(&pdir)?;
    if !port_lines.is_empty() {
        output::write_atomic(&pdir, &port_point_file(i), format!("{PORTS_HEADER}{port_lines}").as_bytes())?;
    }
    output::write_atomic(&pdir, &point_file(i), format!("{header}{line}").as_bytes())
}

/// The per-port rows of point `i` in `dir` (empty if it has none).
pub fn read_port_lines(dir: &Path, i: usize) -> Result<String, String> {
    let path = points_dir(dir).join(port_point_file(i));
    match std::fs::read_to_string(&path) {
        Ok(text) => text
            .strip_prefix(PORTS_HEADER)
            .map(str::to_string)
            .ok_or_else(|| format!("{}: not a per-port point file", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
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
