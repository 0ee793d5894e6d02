//! `borderq sweep` and `borderq merge`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use borderq::model::Model;
use borderq::output;
use borderq::run::{self, RunError, RunOptions};
use borderq::scenario;
use borderq::sweep::{self, Plan, PlanFile, Shard};

use super::args::{MergeArgs, SweepArgs};
use super::progress::Progress;
use super::signals::Signals;
use super::{Failure, output_failure, precision};

fn io(e: impl std::fmt::Display) -> Failure {
    Failure::Run(e.to_string())
}

pub(crate) fn sweep(a: SweepArgs) -> Result<(), Failure> {
    let text = scenario::locate(&a.scenario)?;
    let precision = precision(&a.precision)?;
    let shard = a.shard.as_deref().map(Shard::parse).transpose().map_err(|e| Failure::Input(e.to_string()))?;
    let plan = Plan::new(&text, &a.flags.sets, &a.vary, a.flags.seed, a.flags.replications, precision)
        .map_err(|e| Failure::Input(e.to_string()))?;
    for p in &plan.points {
        super::check_scale(p)?;
    }
    let name = plan.points[0].name.clone();
    let dir = a.out.clone().unwrap_or_else(|| PathBuf::from("output").join(format!("{name}-sweep")));
    let header = plan.header();
    let total = plan.grid.len();

    // What the directory already holds.
    let mut done = BTreeMap::new();
    if dir.join("plan.json").exists() {
        let existing = sweep::read_plan(&dir).map_err(Failure::Input)?;
        if existing.sweep_hash != plan.hash && !a.force {
            return Err(Failure::Input(format!(
                "{} holds another sweep (hash {} ≠ {}): choose another --out, or pass --force to start over",
                dir.display(),
                existing.sweep_hash,
                plan.hash
            )));
        }
        if existing.sweep_hash == plan.hash {
            done = sweep::finished_points(&dir, &header).map_err(Failure::Input)?;
        }
        if !done.is_empty() && !a.resume && !a.force {
            return Err(Failure::Input(format!(
                "{} already holds {} finished points of this sweep: pass --resume to keep them, or --force to start over",
                dir.display(),
                done.len()
            )));
        }
        if a.force && !a.resume || existing.sweep_hash != plan.hash {
            let _ = std::fs::remove_dir_all(sweep::points_dir(&dir));
            done.clear();
        }
    }
    output::create_dir(&dir).map_err(output_failure)?;
    let plan_json = serde_json::to_vec_pretty(&plan.identity(shard)).expect("in-memory JSON");
    output::write_atomic(&dir, "plan.json", &plan_json).map_err(output_failure)?;

    let todo: Vec<usize> = (0..total).filter(|i| shard.is_none_or(|s| s.owns(*i)) && !done.contains_key(i)).collect();
    let reps = plan.points[0].replications as usize;
    if !a.quiet {
        eprintln!(
            "borderq: sweep {}: {total} grid points × {reps} replications{}; {} points to run{}{}",
            plan.hash,
            if precision.is_some() { " (first batch; --precision adds more)" } else { "" },
            todo.len(),
            shard.map_or(String::new(), |s| format!(" in shard {}/{}", s.k, s.n)),
            if done.is_empty() { String::new() } else { format!(", {} already done", done.len()) },
        );
    }

    let signals = Signals::install();
    let progress = Progress::new(todo.len() * reps, "replications", a.quiet);
    let counter = AtomicUsize::new(0);
    let report = |_: usize| progress.update(counter.fetch_add(1, Ordering::Relaxed) + 1);
    let opts = RunOptions { threads: None, cancel: Some(&signals.stop), progress: Some(&report) };
    let work = || {
        todo.par_iter().try_for_each(|&i| -> Result<(), Failure> {
            let model = Model::new(&plan.points[i]);
            let results = match precision {
                None => run::replications(&model, reps as u64, &opts, None),
                Some(p) => run::until_precise(&model, reps as u64, p, &opts, None).map(|(r, _)| r),
            };
            let results = match results {
                Ok(r) => r,
                Err(RunError::Cancelled) => return Err(signals.failure()),
                Err(e) => return Err(Failure::Run(e.to_string())),
            };
            // A point is written whole or not at all.
            sweep::write_point(&dir, &header, i, &plan.point_line(i, &results)).map_err(output_failure)
        })
    };
    let result = match a.threads {
        Some(t) => rayon::ThreadPoolBuilder::new().num_threads(t as usize).build().map_err(io)?.install(work),
        None => work(),
    };
    if signals.stop.load(Ordering::SeqCst) {
        let kept = sweep::finished_points(&dir, &header).map(|p| p.len()).unwrap_or(0);
        eprintln!(
            "borderq: interrupted; {kept} finished points are kept in {} (continue with --resume)",
            dir.display()
        );
        return Err(signals.failure());
    }
    result?;
    progress.finish();

    let all = sweep::finished_points(&dir, &header).map_err(Failure::Run)?;
    if all.len() == total {
        finish(&dir, &plan.identity(None), &header, &all, a.no_charts)?;
        if !a.quiet {
            eprintln!("borderq: sweep complete: {}", dir.join("sweep.csv").display());
        }
    } else if !a.quiet {
        eprintln!(
            "borderq: {} of {total} points are in {}; run the other shards, then borderq merge their directories",
            all.len(),
            dir.display()
        );
    }
    Ok(())
}

/// Writes `sweep.csv`, `sweep.json` and the charts of a complete sweep.
fn finish(
    dir: &Path,
    plan: &PlanFile,
    header: &str,
    points: &BTreeMap<usize, String>,
    no_charts: bool,
) -> Result<(), Failure> {
    let csv_text = sweep::sweep_csv(header, points);
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("sweep.csv".into(), csv_text.clone().into_bytes()),
        ("sweep.json".into(), sweep::sweep_json(plan, &csv_text)),
    ];
    if !no_charts {
        files.extend(borderq::plot::sweep_charts(&plan.chart_spec(), &csv_text).map_err(Failure::Run)?);
    }
    output::write_run(dir, &files).map_err(output_failure)
}

pub(crate) fn merge(a: MergeArgs) -> Result<(), Failure> {
    let mut plans = Vec::new();
    for d in &a.dirs {
        plans.push(sweep::read_plan(d).map_err(Failure::Input)?);
    }
    let first = plans[0].clone();
    for (d, p) in a.dirs.iter().zip(&plans) {
        if p.sweep_hash != first.sweep_hash {
            return Err(Failure::Input(format!(
                "{} belongs to another sweep (hash {} ≠ {} of {}): merge only shards of one sweep",
                d.display(),
                p.sweep_hash,
                first.sweep_hash,
                a.dirs[0].display()
            )));
        }
    }
    let mut identity = first.clone();
    identity.shard = None;
    let header = identity.header();
    let mut points: BTreeMap<usize, (String, &PathBuf)> = BTreeMap::new();
    let mut doubled = Vec::new();
    for d in &a.dirs {
        for (i, line) in sweep::finished_points(d, &header).map_err(Failure::Input)? {
            match points.get(&i) {
                Some((other, from)) if *other != line => {
                    return Err(Failure::Input(format!(
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
    if !doubled.is_empty() {
        eprintln!(
            "borderq: points {doubled:?} appear in more than one directory with identical results; each is kept once"
        );
    }
    let missing: Vec<usize> = (0..identity.points).filter(|i| !points.contains_key(i)).collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(20).map(|i| i.to_string()).collect();
        return Err(Failure::Input(format!(
            "{} of {} points are missing: {}{}; run the missing shards (or resume them) before merging",
            missing.len(),
            identity.points,
            shown.join(", "),
            if missing.len() > 20 { ", …" } else { "" }
        )));
    }
    let out = a.out.clone().unwrap_or_else(|| PathBuf::from("output").join(format!("{}-sweep", identity.scenario)));
    output::create_dir(&out).map_err(output_failure)?;
    let plan_json = serde_json::to_vec_pretty(&identity).expect("in-memory JSON");
    output::write_atomic(&out, "plan.json", &plan_json).map_err(output_failure)?;
    let lines: BTreeMap<usize, String> = points.into_iter().map(|(i, (l, _))| (i, l)).collect();
    for (i, line) in &lines {
        sweep::write_point(&out, &header, *i, line).map_err(output_failure)?;
    }
    finish(&out, &identity, &header, &lines, a.no_charts)?;
    eprintln!("borderq: merged {} points from {} directories into {}", lines.len(), a.dirs.len(), out.display());
    Ok(())
}
