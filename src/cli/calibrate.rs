//! `borderq calibrate`: glue around `borderq::calibrate`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use borderq::calibrate::{self, Evaluation, Problem, Target, targets};
use borderq::output;
use borderq::run::RunOptions;
use borderq::scenario::{self, Scenario};
use borderq::sensitivity::Param;

use super::args::CalibrateArgs;
use super::signals::Signals;
use super::{Failure, output_failure};

/// What a calibration needs, checked before anything runs: the scenario, the fitted parameters
/// and the targets.
fn inputs(a: &CalibrateArgs) -> Result<(scenario::ScenarioText, Scenario, Vec<Param>, Vec<Target>), Failure> {
    let text = scenario::locate(&a.scenario)?;
    let flags = a.flags.run_flags();
    flags.check().map_err(Failure::Input)?;
    let mut base = scenario::parse(&text, &a.flags.sets)?;
    flags.apply(&mut base);
    borderq::check_scale(&base)?;
    if a.fit.is_empty() {
        return Err(Failure::Input("nothing to fit: give --fit PATH=LOW:HIGH, at least one".into()));
    }
    let params: Vec<Param> = a
        .fit
        .iter()
        .map(|s| Param::parse(s))
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::Input(e.replacen("--param", "--fit", 1)))?;
    calibrate::check_params(&text, &a.flags.sets, &params).map_err(Failure::Input)?;
    calibrate::check_budget(a.budget as usize, params.len()).map_err(Failure::Input)?;
    let targets: Vec<Target> = if a.target == "record" {
        let t = targets::from_record(&base);
        if t.is_empty() {
            return Err(Failure::Input(format!(
                "--target record: no reported figure lies inside {}'s reported period ({}): give a CSV of targets",
                base.name,
                base.period_text()
            )));
        }
        t
    } else {
        let body = std::fs::read_to_string(&a.target)
            .map_err(|e| Failure::Input(format!("--target {}: {e}: expected `record` or a CSV file", a.target)))?;
        targets::read_csv(&a.target, &body, &base).map_err(Failure::Input)?
    };
    Ok((text, base, params, targets))
}

pub(crate) fn calibrate(a: CalibrateArgs) -> Result<(), Failure> {
    let (text, base, params, targets) = inputs(&a)?;
    let flags = a.flags.run_flags();
    let dir = a.out.clone().unwrap_or_else(|| PathBuf::from("output").join(format!("{}-calibration", base.name)));
    output::create_dir(&dir).map_err(output_failure)?;
    let _lock = output::DirLock::acquire(&dir).map_err(output_failure)?;
    let cache = match std::fs::read_to_string(dir.join("calibration.csv")) {
        Ok(t) if !a.force => calibrate::read_cache(&params, &targets, &t),
        _ => BTreeMap::new(),
    };
    if !a.quiet && !cache.is_empty() {
        eprintln!("borderq: resuming: {} evaluations found in {}", cache.len(), dir.join("calibration.csv").display());
    }
    let signals = Signals::install();
    let opts = RunOptions {
        threads: a.threads.map(usize::from),
        cancel: Some(&signals.stop),
        progress: None,
        port_daily: None,
        keep_port_daily: targets.iter().any(|t| t.port.is_some()),
    };
    // On a terminal one line rewritten in place; otherwise (a log file, CI) a plain line each.
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let write_log = |log: &[Evaluation]| {
        let _ = output::write_atomic(&dir, "calibration.csv", &calibrate::calibration_csv(&params, &targets, log));
        if !a.quiet {
            let last = &log[log.len() - 1];
            let line = format!(
                "borderq: evaluation {} of at most {} ({}): loss {:.3}",
                log.len(),
                a.budget,
                last.purpose,
                last.loss
            );
            if terminal { eprint!("\r{line}      ") } else { eprintln!("{line}") }
        }
    };
    let problem = Problem {
        text: &text,
        sets: &a.flags.sets,
        flags,
        params: &params,
        targets: &targets,
        cache: Mutex::new(cache),
        log: Mutex::new(Vec::new()),
        on_evaluation: &write_log,
        opts: &opts,
        budget: a.budget as usize,
    };
    if !a.quiet {
        announce(a.budget as usize, params.len(), flags.replications.unwrap_or(base.replications));
    }
    let fit = calibrate::calibrate(&problem);
    if !a.quiet && terminal {
        eprintln!();
    }
    if signals.stop.load(std::sync::atomic::Ordering::SeqCst) {
        eprintln!(
            "borderq: interrupted; the evaluations so far are in {} (rerun to resume)",
            dir.join("calibration.csv").display()
        );
        return Err(match signals.failure() {
            Failure::Signal(sig) => Failure::Interrupted(sig),
            other => other,
        });
    }
    let fit = fit.map_err(Failure::Run)?;
    check_finite(&fit)?;
    let log = problem.log.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let calibrated = problem.scenario(&fit.values).map_err(Failure::Run)?;
    let files = outputs((&base, &calibrated), &params, &targets, (&fit, &log), a.no_charts, a.budget as usize)?;
    output::write_run(&dir, &files).map_err(output_failure)?;
    if !a.quiet {
        summary(&fit);
        eprintln!("borderq: calibration complete: {}", dir.join("calibrated.toml").display());
    }
    Ok(())
}

/// Says before the search starts how many evaluations it may run, and where they go.
fn announce(budget: usize, k: usize, replications: u32) {
    eprintln!(
        "borderq: at most {budget} evaluations of {replications} replications each: up to {} for the search and the fit, up to {} for the profiles",
        budget - calibrate::profile_evaluations(k),
        calibrate::profile_evaluations(k)
    );
}

/// A fit whose loss is not a finite number is no result.
fn check_finite(fit: &calibrate::Fit) -> Result<(), Failure> {
    if !fit.loss.is_finite() || !fit.loss_noise.is_finite() {
        return Err(Failure::Run(format!(
            "the loss at the fit is {} (its noise {}): no comparison of the fit can be made; check that every target's tolerance is its standard uncertainty, not a tiny number",
            fit.loss, fit.loss_noise
        )));
    }
    Ok(())
}

/// The loss before and after, and each fitted value with its interval, in words.
fn summary(fit: &calibrate::Fit) {
    println!(
        "loss {:.3} at the centre of the ranges, {:.3} at the fit ({} evaluations); its replication noise at the fit: sd {:.3}",
        fit.start_loss, fit.loss, fit.evaluations, fit.loss_noise
    );
    if fit.moved_by_profile {
        println!(
            "a profile found a lower loss than the search, and its point is the fit; the intervals were traced around the search's best, so rerun from the fit (calibrated.toml) to trace them around it"
        );
    }
    if !fit.resolved() {
        println!(
            "the profile intervals are not resolved: the loss's replication noise (sd {:.3} over bootstrap resamples of the replications) exceeds {:.2}, so a rise of 3.84 cannot be told from noise; run more --replications",
            fit.loss_noise,
            calibrate::NOISE_LIMIT
        );
    }
    for f in &fit.fitted {
        let verdict = if !fit.resolved() {
            " — interval not resolved (replication noise)"
        } else if f.identifiable {
            ""
        } else {
            " — not identifiable from these targets: the profile stays within 3.84 of the minimum over the whole range"
        };
        let edge = if f.at_edge { " — at the edge of its range: the best value may lie beyond it" } else { "" };
        if fit.resolved() {
            println!("{} = {} (95 % profile interval {} to {}){verdict}{edge}", f.path, f.value, f.low, f.high);
        } else {
            println!("{} = {}{verdict}{edge}", f.path, f.value);
        }
    }
}

/// The files of a calibration: the evaluations, the calibrated scenario, the fit and the
/// parameters, and the fit and profile charts.
fn outputs(
    (base, calibrated): (&Scenario, &Scenario),
    params: &[Param],
    targets: &[Target],
    (fit, log): (&calibrate::Fit, &[Evaluation]),
    no_charts: bool,
    budget: usize,
) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let before = log.first().map(|e| e.model.clone()).unwrap_or_default();
    let after = log.iter().find(|e| e.values == fit.values).map(|e| e.model.clone()).unwrap_or_default();
    let mut files = vec![
        ("calibration.csv".to_string(), calibrate::calibration_csv(params, targets, log)),
        ("calibrated.toml".to_string(), scenario::to_toml(calibrated).into_bytes()),
        ("fit.csv".to_string(), fit_csv(targets, &before, &after)),
        ("parameters.csv".to_string(), parameters_csv(fit)),
    ];
    if !no_charts {
        let rows: Vec<borderq::plot::FitRow> = targets
            .iter()
            .zip(before.iter().zip(&after))
            .map(|(t, (b, f))| borderq::plot::FitRow {
                label: t.label().replacen(':', " ", 1),
                value: t.value,
                scale: t.scale,
                before: *b,
                after: *f,
                bound: match t.bound {
                    calibrate::Bound::Equal => "about",
                    calibrate::Bound::AtLeast => "at_least",
                    calibrate::Bound::AtMost => "at_most",
                },
            })
            .collect();
        files.extend(borderq::plot::fit_chart(&base.name, &rows).map_err(Failure::Run)?);
        let panels: Vec<borderq::plot::ProfilePanel> = params
            .iter()
            .enumerate()
            .zip(&fit.fitted)
            .map(|((i, p), f)| {
                let purpose = format!("profile:{}", p.path);
                let points = log
                    .iter()
                    .filter(|e| e.purpose == purpose || e.purpose == "fit")
                    .filter_map(|e| Some((e.values.get(i)?.parse::<f64>().ok()?, e.loss)))
                    .collect();
                borderq::plot::ProfilePanel {
                    path: p.path.clone(),
                    points,
                    fitted: f.value,
                    noise: fit.loss_noise,
                    threshold: calibrate::PROFILE_RISE,
                }
            })
            .collect();
        files.extend(borderq::plot::profile_chart(&base.name, &panels).map_err(Failure::Run)?);
        files.push(("report.html".to_string(), report(base, params, (fit, log), &rows, &files, budget)));
    }
    Ok(files)
}

/// `report.html`, with the charts among `files`.
fn report(
    base: &Scenario,
    params: &[Param],
    (fit, log): (&calibrate::Fit, &[Evaluation]),
    rows: &[borderq::plot::FitRow],
    files: &[(String, Vec<u8>)],
    budget: usize,
) -> Vec<u8> {
    let svgs: Vec<(String, String)> = files
        .iter()
        .filter_map(|(n, b)| n.strip_suffix(".svg").map(|s| (s.to_string(), String::from_utf8_lossy(b).into_owned())))
        .collect();
    let fitted: Vec<borderq::plot::FittedRow> = params
        .iter()
        .zip(&fit.fitted)
        .map(|(p, f)| borderq::plot::FittedRow {
            path: p.path.clone(),
            range: p.spec().split_once('=').map_or_else(String::new, |(_, r)| r.to_string()),
            value: f.value,
            low: f.low,
            high: f.high,
            identifiable: f.identifiable,
            at_edge: f.at_edge,
        })
        .collect();
    let spec = borderq::plot::CalibrationSpec {
        scenario: &base.name,
        replications: base.replications,
        seed: base.seed,
        evaluations: log.len(),
        budget,
        losses: (fit.start_loss, fit.loss, fit.loss_noise),
        noise_limit: calibrate::NOISE_LIMIT,
        moved_by_profile: fit.moved_by_profile,
        fitted: &fitted,
        targets: rows,
    };
    borderq::plot::calibration_report(&spec, &svgs).into_bytes()
}

/// `fit.csv`: each target beside the model before (the centre of the ranges) and at the fit.
fn fit_csv(targets: &[Target], before: &[f64], after: &[f64]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "from",
        "to",
        "metric",
        "value",
        "scale",
        "bound",
        "model_before",
        "model_after",
        "loss_before",
        "loss_after",
        "port",
    ])
    .expect("in-memory write");
    for (i, t) in targets.iter().enumerate() {
        let (b, f) = (before.get(i).copied().unwrap_or(f64::NAN), after.get(i).copied().unwrap_or(f64::NAN));
        let bound = match t.bound {
            calibrate::Bound::Equal => "about",
            calibrate::Bound::AtLeast => "at_least",
            calibrate::Bound::AtMost => "at_most",
        };
        let rec = [
            t.from.to_string(),
            t.to.to_string(),
            t.metric.name().to_string(),
            output::fmt_f64(t.value),
            output::fmt_f64(t.scale),
            bound.to_string(),
            output::fmt_f64(b),
            output::fmt_f64(f),
            output::fmt_f64(t.loss(b)),
            output::fmt_f64(t.loss(f)),
            t.port.as_ref().map_or(String::new(), |(_, id)| id.clone()),
        ];
        w.write_record(&rec).expect("in-memory write");
    }
    w.into_inner().expect("in-memory flush")
}

/// `parameters.csv`: each fitted value, its profile interval, and whether the targets pin it down.
fn parameters_csv(fit: &calibrate::Fit) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "parameter",
        "fitted",
        "profile_low",
        "profile_high",
        "identifiable",
        "at_range_edge",
        "loss_noise_sd",
        "profile_resolved",
    ])
    .expect("in-memory write");
    for f in &fit.fitted {
        w.write_record([
            f.path.clone(),
            output::fmt_f64(f.value),
            output::fmt_f64(f.low),
            output::fmt_f64(f.high),
            if fit.resolved() { f.identifiable.to_string() } else { "unknown".to_string() },
            f.at_edge.to_string(),
            output::fmt_f64(fit.loss_noise),
            fit.resolved().to_string(),
        ])
        .expect("in-memory write");
    }
    w.into_inner().expect("in-memory flush")
}
