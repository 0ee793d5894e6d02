//! Running a sweep into a directory, and merging shards: what the directory may already hold
//! (resume, force, another sweep), the point loop that writes each point the moment it finishes,
//! and the files of a complete sweep.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{
    Plan, PlanFile, PointSet, Shard, finished_points, points_dir, read_checked_plan, sweep_csv, sweep_json, write_point,
};
use crate::model::Model;
use crate::output::{self, OutputError};
use crate::run::{self, Precision, RunError, RunOptions};

/// Why a sweep or a merge stopped.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The directory or the shards do not fit this sweep (exit 2).
    #[error("{0}")]
    Input(String),
    /// Writing failed.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A run failed or was cancelled.
    #[error(transparent)]
    Run(#[from] RunError),
    /// A chart could not be drawn.
    #[error("{0}")]
    Charts(String),
}

/// What the output directory allows: `resume` keeps finished points, `force` starts over.
#[derive(Debug, Clone, Copy, Default)]
pub struct DirPolicy {
    /// Keep the finished points of this sweep.
    pub resume: bool,
    /// Start over, whatever the directory holds.
    pub force: bool,
}

/// A sweep directory ready to run: the points already finished and the points to run.
#[derive(Debug)]
pub struct Prepared {
    /// Finished points kept from an earlier run (index → CSV line).
    pub done: BTreeMap<usize, String>,
    /// The points this run computes (of its shard, not yet done), in index order.
    pub todo: Vec<usize>,
}

/// Checks what `dir` holds against this sweep and `policy`, clears what must go, and writes
/// `plan.json`. Refuses a directory of another sweep (unless forced), and finished points of this
/// one without `--resume` or `--force`.
pub fn prepare(dir: &Path, plan: &Plan, shard: Option<Shard>, policy: DirPolicy) -> Result<Prepared, SweepError> {
    let header = plan.header();
    let mut done = BTreeMap::new();
    if dir.join("plan.json").exists() {
        let existing = read_checked_plan(dir);
        let same = existing.as_ref().is_ok_and(|e| e.sweep_hash == plan.hash);
        if !same && !policy.force {
            return Err(SweepError::Input(match existing {
                Ok(e) => format!(
                    "{} holds another sweep (hash {} ≠ {}): choose another --out, or pass --force to start over",
                    dir.display(),
                    e.sweep_hash,
                    plan.hash
                ),
                Err(e) => format!("{e}: choose another --out, or pass --force to start over"),
            }));
        }
        let this = plan.identity(shard).shard;
        if let (true, Ok(existing)) = (same, existing.as_ref()) {
            if policy.resume && !policy.force && existing.shard != this {
                let name =
                    |s: &Option<String>| s.as_deref().map_or("the whole grid".to_string(), |s| format!("shard {s}"));
                return Err(SweepError::Input(format!(
                    "{} holds {} of this sweep, not {}: resume each shard into its own directory (or pass --force to start over there)",
                    dir.display(),
                    name(&existing.shard),
                    name(&this)
                )));
            }
            if policy.resume || !policy.force {
                done = finished_points(dir, &existing.point_set(&header)).map_err(SweepError::Input)?;
            }
            if !done.is_empty() && !policy.resume && !policy.force {
                return Err(SweepError::Input(format!(
                    "{} already holds {} finished points of this sweep: pass --resume to keep them, or --force to start over",
                    dir.display(),
                    done.len()
                )));
            }
            // A directory of the earlier format: its kept points are written again with their identity.
            if existing.point_set(&header).legacy {
                let set = plan.point_set(&header);
                for (i, line) in &done {
                    let ports = super::read_port_lines(dir, *i).map_err(SweepError::Input)?;
                    write_point(dir, &set, *i, line, &ports)?;
                }
            }
        }
        if policy.force && !policy.resume || !same {
            let _ = std::fs::remove_dir_all(points_dir(dir));
            done.clear();
        }
    }
    output::create_dir(dir)?;
    let plan_json = serde_json::to_vec_pretty(&plan.identity(shard)).expect("in-memory JSON");
    output::write_atomic(dir, "scenario.toml", crate::scenario::to_toml(&plan.base).as_bytes())?;
    output::write_atomic(dir, "plan.json", &plan_json)?;
    let todo = (0..plan.grid.len()).filter(|i| shard.is_none_or(|s| s.owns(*i)) && !done.contains_key(i)).collect();
    Ok(Prepared { done, todo })
}

/// Runs the points `todo` in parallel (replications nested inside each point, on the current rayon
/// pool) and hands each point's CSV line, and its per-port rows (empty without ports), to `sink`
/// the moment the point finishes.
pub fn run_points(
    plan: &Plan,
    todo: &[usize],
    precision: Option<Precision>,
    opts: &RunOptions,
    sink: &(dyn Fn(usize, &str, &str) -> Result<(), SweepError> + Sync),
) -> Result<(), SweepError> {
    let reps = plan.points[0].replications as u64;
    todo.par_iter().try_for_each(|&i| {
        let model = Model::new(&plan.points[i]);
        let results = match precision {
            None => run::replications(&model, reps, opts, None)?,
            Some(p) => run::until_precise(&model, reps, p, opts, None)?.0,
        };
        sink(i, &plan.point_line(i, &results), &plan.port_lines(i, &results))
    })
}

/// Runs the points `todo` into `dir`, each written whole or not at all.
pub fn run_into(
    dir: &Path,
    plan: &Plan,
    todo: &[usize],
    precision: Option<Precision>,
    opts: &RunOptions,
) -> Result<(), SweepError> {
    let header = plan.header();
    let set = plan.point_set(&header);
    run_points(plan, todo, precision, opts, &|i, line, ports| Ok(write_point(dir, &set, i, line, ports)?))
}

/// Writes `sweep.csv`, `sweep.json` and (unless `no_charts`) the charts of a complete sweep.
pub fn finish(
    dir: &Path,
    plan: &PlanFile,
    header: &str,
    points: &BTreeMap<usize, String>,
    no_charts: bool,
) -> Result<(), SweepError> {
    let csv_text = sweep_csv(header, points);
    let mut files: Vec<(String, Vec<u8>)> =
        vec![("sweep.csv".into(), csv_text.clone().into_bytes()), ("sweep.json".into(), sweep_json(plan, &csv_text))];
    let mut ports = String::new();
    for i in points.keys() {
        ports.push_str(&super::read_port_lines(dir, *i).map_err(SweepError::Input)?);
    }
    if !ports.is_empty() {
        files.push(("ports_sweep.csv".into(), format!("{}{ports}", super::PORTS_HEADER).into_bytes()));
    }
    #[cfg(not(feature = "charts"))]
    let _ = no_charts;
    #[cfg(feature = "charts")]
    if !no_charts {
        let spec = plan.chart_spec();
        let charts = crate::plot::sweep_charts(&spec, &csv_text).map_err(SweepError::Charts)?;
        let svgs: Vec<(String, String)> = charts
            .iter()
            .filter_map(|(n, b)| {
                n.strip_suffix(".svg").map(|stem| (stem.to_string(), String::from_utf8_lossy(b).into_owned()))
            })
            .collect();
        let html = crate::plot::sweep_report(&spec, &csv_text, &svgs);
        files.extend(charts);
        files.push(("report.html".into(), html.into_bytes()));
    }
    Ok(output::write_run(dir, &files)?)
}

/// What a merge did.
#[derive(Debug)]
pub struct Merged {
    /// Where the merged sweep is.
    pub out: PathBuf,
    /// Points merged.
    pub points: usize,
}

/// Joins the shard directories `dirs` of one sweep into `out` (default `output/<scenario>-sweep`).
/// Points found in more than one directory with identical lines are kept once and passed to
/// `on_doubled` before anything else is checked.
pub fn merge(
    dirs: &[PathBuf],
    out: Option<&Path>,
    no_charts: bool,
    on_doubled: &dyn Fn(&[usize]),
) -> Result<Merged, SweepError> {
    let plans = dirs.iter().map(|d| read_checked_plan(d)).collect::<Result<Vec<_>, _>>().map_err(SweepError::Input)?;
    let first = &plans[0];
    for (d, p) in dirs.iter().zip(&plans) {
        if p.sweep_hash != first.sweep_hash {
            return Err(SweepError::Input(format!(
                "{} belongs to another sweep (hash {} ≠ {} of {}): merge only shards of one sweep",
                d.display(),
                p.sweep_hash,
                first.sweep_hash,
                dirs[0].display()
            )));
        }
    }
    let identity = PlanFile { shard: None, schema_version: super::PLAN_SCHEMA_VERSION, ..first.clone() };
    let header = identity.header();
    let (lines, doubled) = gather(dirs, &plans, &header)?;
    if !doubled.is_empty() {
        on_doubled(&doubled);
    }
    let missing: Vec<usize> = (0..identity.points).filter(|i| !lines.contains_key(i)).collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(20).map(|i| i.to_string()).collect();
        return Err(SweepError::Input(format!(
            "{} of {} points are missing: {}{}; run the missing shards (or resume them) before merging",
            missing.len(),
            identity.points,
            shown.join(", "),
            if missing.len() > 20 { ", …" } else { "" }
        )));
    }
    let out =
        out.map_or_else(|| PathBuf::from("output").join(format!("{}-sweep", identity.scenario)), Path::to_path_buf);
    output::create_dir(&out)?;
    // The merged directory is a sweep directory like any other: taken under its lock, and never
    // one of another sweep, nor one a sweep is writing.
    let _lock = output::DirLock::acquire(&out)?;
    if out.join("plan.json").exists() && !dirs.iter().any(|d| same_dir(d, &out)) {
        match read_checked_plan(&out) {
            Ok(p) if p.sweep_hash == identity.sweep_hash => {}
            Ok(p) => {
                return Err(SweepError::Input(format!(
                    "{} holds another sweep (hash {}): merge into another --out",
                    out.display(),
                    p.sweep_hash
                )));
            }
            Err(e) => return Err(SweepError::Input(format!("{e}: merge into another --out"))),
        }
    }
    let plan_json = serde_json::to_vec_pretty(&identity).expect("in-memory JSON");
    if let Some(base) = dirs.iter().find_map(|d| std::fs::read(d.join("scenario.toml")).ok()) {
        output::write_atomic(&out, "scenario.toml", &base)?;
    }
    output::write_atomic(&out, "plan.json", &plan_json)?;
    let set = PointSet { legacy: false, ..identity.point_set(&header) };
    for (i, (line, from)) in &lines {
        let ports = super::read_port_lines(from, *i).map_err(SweepError::Input)?;
        write_point(&out, &set, *i, line, &ports)?;
    }
    let lines: BTreeMap<usize, String> = lines.into_iter().map(|(i, (l, _))| (i, l)).collect();
    finish(&out, &identity, &header, &lines, no_charts)?;
    Ok(Merged { out, points: lines.len() })
}

/// Whether two paths name one directory.
fn same_dir(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// Every finished point of `dirs` with the directory it came from; a point found twice must have
/// the same line.
type Gathered = BTreeMap<usize, (String, PathBuf)>;

fn gather(dirs: &[PathBuf], plans: &[PlanFile], header: &str) -> Result<(Gathered, Vec<usize>), SweepError> {
    let mut points: BTreeMap<usize, (String, &PathBuf)> = BTreeMap::new();
    let mut doubled = Vec::new();
    for (d, plan) in dirs.iter().zip(plans) {
        for (i, line) in finished_points(d, &plan.point_set(header)).map_err(SweepError::Input)? {
            match points.get(&i) {
                Some((other, from)) if *other != line => {
                    return Err(SweepError::Input(format!(
                        "point {i} appears in {} and {} with different results: the shards were not run from the same inputs",
                        from.display(),
                        d.display()
                    )));
                }
                Some(_) => doubled.push(i),
                None => {
                    points.insert(i, (line, d));
                }
            }
        }
    }
    Ok((points.into_iter().map(|(i, (l, d))| (i, (l, d.clone()))).collect(), doubled))
}
