//! Running a study into a directory: its plan, its points (written as they finish, resumable,
//! sharded like a sweep's), and, once every point is there, `design.csv`, `sensitivity.csv` and the
//! report; and merging shard directories.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::study::{Study, StudyError, StudyPlan};
use crate::model::Model;
use crate::output;
use crate::run::{self, RunOptions};
use crate::scenario::{RunFlags, ScenarioText};
use crate::sweep::{self, Shard};

/// What a directory already holds and what is left to run.
#[derive(Debug)]
pub struct Prepared {
    /// Finished points: index → line.
    pub done: BTreeMap<usize, String>,
    /// Points of this shard still to run.
    pub todo: Vec<usize>,
}

fn input(e: impl std::fmt::Display) -> StudyError {
    StudyError::Input(e.to_string())
}

/// Claims `dir` for `study` (shard `shard`): refuses another study or another shard split without
/// `force`, and finished points without `resume`; writes `plan.json` and the resolved scenario.
pub fn prepare(
    dir: &Path,
    study: &Study,
    shard: Option<Shard>,
    resume: bool,
    force: bool,
) -> Result<Prepared, StudyError> {
    let header = study.header();
    let plan = study.plan(shard);
    let mut done = BTreeMap::new();
    let n = study.design.points.len();
    let set = |legacy| sweep::PointSet { hash: &plan.hash, header: &header, points: n, legacy };
    if let Ok(bytes) = std::fs::read(dir.join("plan.json")) {
        let existing: Option<StudyPlan> = serde_json::from_slice(&bytes).ok();
        // The same study: its plan is this study's plan, field for field (an edited one is not).
        let same = existing.as_ref().is_some_and(|p| {
            p.hash == plan.hash
                && *p == StudyPlan { schema_version: p.schema_version, shard: p.shard.clone(), ..plan.clone() }
        });
        if !same && !force {
            return Err(StudyError::Input(format!(
                "{} holds another study or sweep: choose another --out, or pass --force to start over",
                dir.display()
            )));
        }
        if same && resume && !force && existing.as_ref().and_then(|p| p.shard.clone()) != plan.shard {
            return Err(StudyError::Input(format!(
                "{} holds another shard split of this study: resume each shard into its own directory",
                dir.display()
            )));
        }
        let legacy = existing.as_ref().is_some_and(|p| p.schema_version < sweep::PLAN_SCHEMA_VERSION);
        if same && (resume || !force) {
            done = sweep::finished_points(dir, &set(legacy)).map_err(input)?;
        }
        if !done.is_empty() && !resume && !force {
            return Err(StudyError::Input(format!(
                "{} already holds {} finished points of this study: pass --resume to keep them, or --force to start over",
                dir.display(),
                done.len()
            )));
        }
        if force && !resume || !same {
            let _ = std::fs::remove_dir_all(sweep::points_dir(dir));
            done.clear();
        }
        // A directory of the earlier format: its kept points are written again with their identity.
        if legacy {
            for (i, line) in &done {
                sweep::write_point(dir, &set(false), *i, line, "")?;
            }
        }
    } else if !force && (dir.join("scenario.toml").exists() || dir.join(output::MANIFEST).exists()) {
        return Err(StudyError::Input(format!(
            "{} holds a run, not a study: choose another --out, or pass --force to write the study there",
            dir.display()
        )));
    }
    output::create_dir(dir)?;
    output::write_atomic(dir, "plan.json", &serde_json::to_vec_pretty(&plan).expect("in-memory JSON"))?;
    output::write_atomic(dir, "scenario.toml", crate::scenario::to_toml(&study.base).as_bytes())?;
    let todo = (0..n).filter(|i| shard.is_none_or(|s| s.owns(*i)) && !done.contains_key(i)).collect();
    Ok(Prepared { done, todo })
}

/// Runs the points `todo` in parallel, each for the study's replications on the base seed (common
/// random numbers across points), writing each point's file the moment it finishes.
pub fn run_points(dir: &Path, study: &Study, todo: &[usize], opts: &RunOptions) -> Result<(), StudyError> {
    let header = study.header();
    todo.par_iter().try_for_each(|&i| {
        let model = Model::new(&study.point(i)?);
        let reps = run::replications(&model, study.base.replications as u64, opts, None).map_err(input)?;
        let set =
            sweep::PointSet { hash: &study.hash, header: &header, points: study.design.points.len(), legacy: false };
        Ok(sweep::write_point(dir, &set, i, &study.point_line(i, &reps), "")?)
    })
}

/// Writes `design.csv`, `sensitivity.csv` and (unless `no_charts`) a chart per metric and the
/// report, for a study whose points are all in `points`.
pub fn finish(dir: &Path, study: &Study, points: &BTreeMap<usize, String>, no_charts: bool) -> Result<(), StudyError> {
    let rows = study.estimate(points)?;
    #[cfg_attr(not(feature = "charts"), allow(unused_mut))]
    let mut files: Vec<(String, Vec<u8>)> =
        vec![("design.csv".into(), study.design_csv()), ("sensitivity.csv".into(), output::csv_bytes(&rows))];
    #[cfg(not(feature = "charts"))]
    let _ = no_charts;
    #[cfg(feature = "charts")]
    if !no_charts {
        files.extend(
            crate::plot::sensitivity_files(&study.chart_spec(), &rows).map_err(|e| StudyError::Io(e.to_string()))?,
        );
    }
    Ok(output::write_run(dir, &files)?)
}

/// The study that the first of `dirs` holds, rebuilt from its scenario and plan; every plan of
/// `plans` must be its plan, field for field.
fn rebuilt_study(dirs: &[PathBuf], plans: &[StudyPlan]) -> Result<Study, StudyError> {
    let text = std::fs::read_to_string(dirs[0].join("scenario.toml"))
        .map_err(|e| StudyError::Input(format!("{}: {e}", dirs[0].display())))?;
    let p = &plans[0];
    let method = if p.method == "morris" { super::Method::Morris } else { super::Method::Sobol };
    let text = ScenarioText { label: dirs[0].join("scenario.toml").display().to_string(), text };
    let flags = RunFlags { seed: Some(p.seed), replications: Some(p.replications) };
    let study = Study::new(&text, &[], &p.params, method, (p.samples, p.levels), &p.metrics, flags)?;
    let rebuilt = study.plan(None);
    if let Some((d, _)) = dirs
        .iter()
        .zip(plans)
        .find(|(_, p)| **p != StudyPlan { schema_version: p.schema_version, shard: p.shard.clone(), ..rebuilt.clone() })
    {
        return Err(StudyError::Input(format!(
            "{}/plan.json does not match the study its scenario.toml and parameters give: it was edited, or the files come from different studies",
            d.display()
        )));
    }
    Ok(study)
}

/// Joins the shard directories of one study into `out`: every point once (a point found twice
/// must have the same line, and is passed to `on_doubled`), then the study's files. Every point
/// file is checked against the study rebuilt from the first directory's scenario and plan.
pub fn merge(
    dirs: &[PathBuf],
    out: &Path,
    no_charts: bool,
    on_doubled: &dyn Fn(&[usize]),
) -> Result<usize, StudyError> {
    let plans: Vec<StudyPlan> = dirs
        .iter()
        .map(|d| {
            let bytes =
                std::fs::read(d.join("plan.json")).map_err(|e| StudyError::Input(format!("{}: {e}", d.display())))?;
            serde_json::from_slice(&bytes)
                .map_err(|e| StudyError::Input(format!("{}/plan.json: not a study plan: {e}", d.display())))
        })
        .collect::<Result<_, _>>()?;
    if let Some((d, _)) = dirs.iter().zip(&plans).find(|(_, p)| p.hash != plans[0].hash) {
        return Err(StudyError::Input(format!(
            "{} belongs to another study: merge only shards of one study",
            d.display()
        )));
    }
    let study = rebuilt_study(dirs, &plans)?;
    let header = study.header();
    let n = study.design.points.len();
    let mut lines: BTreeMap<usize, String> = BTreeMap::new();
    let mut doubled = Vec::new();
    for (d, p) in dirs.iter().zip(&plans) {
        let legacy = p.schema_version < sweep::PLAN_SCHEMA_VERSION;
        let set = sweep::PointSet { hash: &study.hash, header: &header, points: n, legacy };
        for (i, line) in sweep::finished_points(d, &set).map_err(input)? {
            match lines.get(&i) {
                Some(other) if *other != line => {
                    return Err(StudyError::Input(format!(
                        "point {i} differs between shards: they were not run from the same inputs"
                    )));
                }
                Some(_) => doubled.push(i),
                None => {
                    lines.insert(i, line);
                }
            }
        }
    }
    if !doubled.is_empty() {
        on_doubled(&doubled);
    }
    let missing: Vec<usize> = (0..n).filter(|i| !lines.contains_key(i)).collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(20).map(|i| i.to_string()).collect();
        return Err(StudyError::Input(format!(
            "{} of {n} design points are missing: {}{}; run (or resume) every shard first",
            missing.len(),
            shown.join(", "),
            if missing.len() > 20 { ", …" } else { "" }
        )));
    }
    output::create_dir(out)?;
    // Under the lock of the merged directory, as for every study that writes there.
    let _lock = output::DirLock::acquire(out)?;
    prepare(out, &study, None, true, true)?;
    let set = sweep::PointSet { hash: &study.hash, header: &header, points: n, legacy: false };
    for (i, line) in &lines {
        sweep::write_point(out, &set, *i, line, "")?;
    }
    finish(out, &study, &lines, no_charts)?;
    Ok(lines.len())
}
