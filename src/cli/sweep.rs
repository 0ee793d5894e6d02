//! `borderq sweep` and `borderq merge`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use borderq::run::{RunError, RunOptions};
use borderq::scenario;
use borderq::sweep::{self, Plan, Shard};

use super::args::{MergeArgs, SweepArgs};
use super::progress::Progress;
use super::signals::Signals;
use super::{Failure, output_failure, precision};

/// "s" unless there is exactly one.
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn io(e: impl std::fmt::Display) -> Failure {
    Failure::Run(e.to_string())
}

/// The shard `--shard` names: `K/N`, or `auto` from the cluster's environment (with `--shards`
/// and `--shard-base`).
pub(crate) fn shard_of(shard: Option<&str>, shards: Option<u32>, base: u32) -> Result<Option<Shard>, Failure> {
    let input = |e: sweep::VaryError| Failure::Input(e.to_string());
    match shard {
        None if shards.is_some() => Err(Failure::Input("--shards N goes with --shard auto".into())),
        None => Ok(None),
        Some("auto") => {
            let env = |name: &str| std::env::var(name).ok();
            sweep::auto_shard(&env, shards.map(|n| n as usize), base as usize).map(Some).map_err(input)
        }
        Some(_) if shards.is_some() => {
            Err(Failure::Input("--shards N goes with --shard auto, not with --shard K/N".into()))
        }
        Some(s) => Shard::parse(s).map(Some).map_err(input),
    }
}

pub(crate) fn sweep(a: SweepArgs) -> Result<(), Failure> {
    let text = scenario::locate(&a.scenario)?;
    let precision = precision(&a.precision)?;
    let shard = shard_of(a.shard.as_deref(), a.shards, a.shard_base)?;
    let plan = Plan::new(&text, &a.flags.sets, &a.vary, a.flags.run_flags(), precision)
        .map_err(|e| Failure::Input(e.to_string()))?;
    for p in &plan.points {
        borderq::check_scale(p)?;
    }
    let name = plan.points[0].name.clone();
    let dir = a.out.clone().unwrap_or_else(|| PathBuf::from("output").join(format!("{name}-sweep")));
    let header = plan.header();
    let total = plan.grid.len();

    borderq::output::create_dir(&dir).map_err(output_failure)?;
    let _lock = borderq::output::DirLock::acquire(&dir).map_err(output_failure)?;
    let policy = sweep::DirPolicy { resume: a.resume, force: a.force };
    let sweep::Prepared { done, todo } = sweep::prepare(&dir, &plan, shard, policy).map_err(sweep_failure)?;
    let reps = plan.points[0].replications as usize;
    if !a.quiet {
        eprintln!(
            "borderq: sweep {}: {total} grid point{} × {reps} replication{}{}; {} point{} to run{}{}",
            plan.hash,
            plural(total),
            plural(reps),
            if precision.is_some() { " (first batch; --precision adds more)" } else { "" },
            todo.len(),
            plural(todo.len()),
            shard.map_or(String::new(), |s| format!(" in shard {}/{}", s.k, s.n)),
            if done.is_empty() { String::new() } else { format!(", {} already done", done.len()) },
        );
    }

    let signals = Signals::install();
    let progress = Progress::new(todo.len() * reps, "replications", a.quiet);
    let counter = AtomicUsize::new(0);
    let report = |_: usize| progress.update(counter.fetch_add(1, Ordering::Relaxed) + 1);
    let opts = RunOptions { cancel: Some(&signals.stop), progress: Some(&report), ..Default::default() };
    let work = || sweep::run_into(&dir, &plan, &todo, precision, &opts);
    let result = match a.threads {
        Some(t) => rayon::ThreadPoolBuilder::new().num_threads(t as usize).build().map_err(io)?.install(work),
        None => work(),
    };
    let result = result.map_err(|e| match e {
        sweep::SweepError::Run(RunError::Cancelled) => signals.failure(),
        e => sweep_failure(e),
    });
    if signals.stop.load(Ordering::SeqCst) {
        let kept = sweep::finished_points(&dir, &plan.point_set(&header)).map(|p| p.len()).unwrap_or(0);
        eprintln!(
            "borderq: interrupted; {kept} finished point{} kept in {} (continue with --resume); nothing else was written",
            if kept == 1 { " is" } else { "s are" },
            dir.display()
        );
        return Err(match signals.failure() {
            Failure::Signal(sig) => Failure::Interrupted(sig),
            other => other,
        });
    }
    result?;
    progress.finish(counter.load(Ordering::Relaxed));

    complete(&dir, &plan, &header, a.no_charts, a.quiet)
}

/// Writes the files of a sweep whose points are all present, or says what is missing.
fn complete(dir: &std::path::Path, plan: &Plan, header: &str, no_charts: bool, quiet: bool) -> Result<(), Failure> {
    let total = plan.grid.len();
    let all = sweep::finished_points(dir, &plan.point_set(header)).map_err(Failure::Run)?;
    if all.len() == total {
        sweep::finish(dir, &plan.identity(None), header, &all, no_charts).map_err(sweep_failure)?;
        if !quiet {
            let csv_text = sweep::sweep_csv(header, &all);
            super::out(&borderq::plot::sweep_table_text(&plan.identity(None).chart_spec(), &csv_text))?;
            eprintln!(
                "borderq: sweep complete: {} (and report.html unless --no-charts)",
                dir.join("sweep.csv").display()
            );
        }
    } else if !quiet {
        eprintln!(
            "borderq: {} of {total} points are in {}; run the other shards, then borderq merge their directories",
            all.len(),
            dir.display()
        );
    }
    Ok(())
}

/// The exit of a sweep error: bad usage, an output error, or a failed run.
fn sweep_failure(e: sweep::SweepError) -> Failure {
    match e {
        sweep::SweepError::Input(m) => Failure::Input(m),
        sweep::SweepError::Output(e) => output_failure(e),
        e => Failure::Run(e.to_string()),
    }
}

pub(crate) fn merge(a: MergeArgs) -> Result<(), Failure> {
    let warn = |doubled: &[usize]| {
        eprintln!(
            "borderq: points {doubled:?} appear in more than one directory with identical results; each is kept once"
        )
    };
    let m = sweep::merge(&a.dirs, a.out.as_deref(), a.no_charts, &warn).map_err(sweep_failure)?;
    eprintln!("borderq: merged {} points from {} directories into {}", m.points, a.dirs.len(), m.out.display());
    Ok(())
}
