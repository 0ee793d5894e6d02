//! `borderq sensitivity`, and `borderq merge` of sensitivity shards: glue around
//! `borderq::sensitivity`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use borderq::run::RunOptions;
use borderq::scenario;
use borderq::sensitivity::{self, Method, Study, StudyError};

use super::args::{MergeArgs, SensitivityArgs};
use super::progress::Progress;
use super::signals::Signals;
use super::{Failure, output_failure};

fn input(e: StudyError) -> Failure {
    match e {
        StudyError::Input(m) => Failure::Input(m),
        StudyError::Io(m) => Failure::Run(m),
    }
}

pub(crate) fn sensitivity(a: SensitivityArgs) -> Result<(), Failure> {
    let text = scenario::locate(&a.scenario)?;
    let method = if a.method == "morris" { Method::Morris } else { Method::Sobol };
    let study = Study::new(
        &text,
        &a.flags.sets,
        &a.param,
        method,
        (a.samples as usize, a.levels as usize),
        &a.metric,
        a.flags.run_flags(),
    )
    .map_err(input)?;
    borderq::check_scale(&study.base)?;
    let shard = super::sweep::shard_of(a.shard.as_deref(), a.shards, a.shard_base)?;
    let dir = a.out.clone().unwrap_or_else(|| PathBuf::from("output").join(format!("{}-sensitivity", study.base.name)));
    borderq::output::create_dir(&dir).map_err(output_failure)?;
    let _lock = borderq::output::DirLock::acquire(&dir).map_err(output_failure)?;
    let prepared = sensitivity::prepare(&dir, &study, shard, a.resume, a.force).map_err(input)?;
    let total = study.design.points.len();
    if !a.quiet {
        eprintln!(
            "borderq: {} design points ({} method, {} parameters), {} replications each; {} to run{}",
            total,
            method.name(),
            study.params.len(),
            study.base.replications,
            prepared.todo.len(),
            shard.map_or(String::new(), |s| format!(" in shard {}/{}", s.k, s.n))
        );
    }
    let signals = Signals::install();
    let progress = Progress::new(prepared.todo.len() * study.base.replications as usize, "replications", a.quiet);
    let counter = AtomicUsize::new(0);
    let report = |_: usize| progress.update(counter.fetch_add(1, Ordering::Relaxed) + 1);
    let opts = RunOptions { cancel: Some(&signals.stop), progress: Some(&report), ..Default::default() };
    let work = || sensitivity::run_points(&dir, &study, &prepared.todo, &opts);
    let result = match a.threads {
        Some(t) => rayon::ThreadPoolBuilder::new()
            .num_threads(t as usize)
            .build()
            .map_err(|e| Failure::Run(e.to_string()))?
            .install(work),
        None => work(),
    };
    if signals.stop.load(Ordering::SeqCst) {
        eprintln!(
            "borderq: interrupted; finished design points are kept in {} (continue with --resume)",
            dir.display()
        );
        return Err(match signals.failure() {
            Failure::Signal(sig) => Failure::Interrupted(sig),
            other => other,
        });
    }
    result.map_err(|e| Failure::Run(e.to_string()))?;
    progress.finish(counter.load(Ordering::Relaxed));
    let header = study.header();
    let set = borderq::sweep::PointSet { hash: &study.hash, header: &header, points: total, legacy: false };
    let all = borderq::sweep::finished_points(&dir, &set).map_err(Failure::Run)?;
    if all.len() < total {
        eprintln!(
            "borderq: {} of {total} design points are in {}; run the other shards, then borderq merge their directories",
            all.len(),
            dir.display()
        );
        return Ok(());
    }
    sensitivity::finish(&dir, &study, &all, a.no_charts).map_err(input)?;
    if !a.quiet {
        let rows = study.estimate(&all).map_err(input)?;
        print_ranking(&study, &rows);
        eprintln!("borderq: sensitivity complete: {}", dir.join("sensitivity.csv").display());
    }
    Ok(())
}

/// The ranking in words, then the warnings for estimates that cannot be right.
fn print_ranking(study: &borderq::sensitivity::Study, rows: &[borderq::sensitivity::IndexRow]) {
    let spec = study.chart_spec();
    for line in borderq::plot::sensitivity_ranking(&spec, rows) {
        println!("{line}");
    }
    for w in sensitivity::warnings(rows, spec.sobol, spec.samples, spec.replications) {
        eprintln!("borderq: warning: {w}");
    }
}

/// Whether the first directory holds a sensitivity study (its plan says so).
pub(crate) fn is_study(dirs: &[PathBuf]) -> bool {
    dirs.first()
        .and_then(|d| std::fs::read(d.join("plan.json")).ok())
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .is_some_and(|v| v["kind"] == "sensitivity")
}

pub(crate) fn merge(a: MergeArgs) -> Result<(), Failure> {
    let out = a.out.clone().unwrap_or_else(|| PathBuf::from("output").join("sensitivity-merged"));
    let warn = |doubled: &[usize]| {
        eprintln!(
            "borderq: design points {doubled:?} appear in more than one directory with identical results; each is kept once"
        )
    };
    let n = sensitivity::merge(&a.dirs, &out, a.no_charts, &warn).map_err(input)?;
    eprintln!("borderq: merged {n} design points from {} directories into {}", a.dirs.len(), out.display());
    Ok(())
}
