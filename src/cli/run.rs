//! `borderq run`: replications of one scenario, outputs, summary table.

use std::path::PathBuf;

use borderq::metrics::group_digits;
use borderq::output::{self, GroupsCsv, RunTables};
use borderq::run::{self, RunError};
use borderq::scenario::{self, Scenario};
use borderq::{FileOptions, RunControl};

use super::args::RunArgs;
use super::progress::Progress;
use super::signals::Signals;
use super::{Failure, experiment, out, output_failure, precision};

pub(crate) fn run(a: RunArgs) -> Result<(), Failure> {
    let arg = a.scenario.clone().unwrap_or_else(|| scenario::DEFAULT_SCENARIO.to_string());
    let experiment = experiment(&arg, &a.flags)?;
    let s = experiment.scenario();
    let precision_rule = precision(&a.precision)?;
    let dir = a.out.clone().unwrap_or_else(|| PathBuf::from("output").join(&s.name));
    output::check_dir(&dir, s, a.force).map_err(output_failure)?;
    let signals = Signals::install();

    let (dir_existed, lock) = prepare_dir(&dir)?;
    let previous = output::read_manifest(&dir).map(|m| m.names);
    let mut records = if a.records {
        Some(GroupsCsv::create(&dir, borderq::model::source_names(s)).map_err(output_failure)?)
    } else {
        None
    };
    let progress = Progress::new(s.replications as usize, "replications", a.quiet || a.json);
    let report = |done: usize| progress.update(done);
    let control = RunControl {
        threads: a.threads.map(usize::from),
        cancel: Some(signals.token.clone()),
        progress: Some(&report),
        precision: precision_rule,
    };
    let result = match records.as_mut() {
        Some(r) => experiment.run_observed(&control, r),
        None => experiment.run(&control),
    };
    let cleanup = |records: Option<GroupsCsv>, lock: output::DirLock| {
        records.into_iter().for_each(GroupsCsv::abandon);
        drop(lock);
        if !dir_existed {
            let _ = std::fs::remove_dir(&dir);
        }
    };
    let result = match result {
        Ok(done) => done,
        Err(borderq::Error::Run(RunError::Cancelled)) => {
            cleanup(records, lock);
            return Err(signals.failure());
        }
        Err(e) => {
            cleanup(records, lock);
            return Err(e.into());
        }
    };
    progress.finish(result.replications().len());
    if let Some((p, met)) = result.precision()
        && !a.quiet
    {
        report_precision(p, met, result.replications());
    }

    let files = result.files(&dir, FileOptions { no_charts: a.no_charts, records: a.records })?;
    if let Err(e) = output::write_run(&dir, &files) {
        cleanup(records, lock);
        return Err(output_failure(e));
    }
    if let Some(r) = records {
        r.finish().map_err(output_failure)?;
    }
    let mut written: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    written.extend(a.records.then_some(output::GROUPS_CSV));
    output::remove_stale(&dir, previous.as_deref(), &written).map_err(output_failure)?;
    drop(lock);
    let s = result.scenario();
    if a.json {
        out(&String::from_utf8_lossy(&result.summary_json()))?;
    } else if !a.quiet {
        out(&summary_table(s, result.tables(), result.record(), result.cohorts(), &dir))?;
    }
    Ok(())
}

/// Creates the output directory, checks that files can be written there and claims it for this
/// run, before anything is simulated; returns whether it existed before, and the claim.
fn prepare_dir(dir: &std::path::Path) -> Result<(bool, output::DirLock), Failure> {
    let dir_existed = dir.exists();
    let claim =
        output::create_dir(dir).and_then(|_| output::probe_writable(dir)).and_then(|_| output::DirLock::acquire(dir));
    claim.map(|lock| (dir_existed, lock)).map_err(|e| {
        if !dir_existed {
            let _ = std::fs::remove_dir(dir);
        }
        output_failure(e)
    })
}

/// Says whether `--precision` was reached, and with how many replications.
fn report_precision(p: run::Precision, met: bool, reps: &[borderq::model::RepResult]) {
    let rel = run::relative_half_width(reps);
    if met {
        eprintln!(
            "borderq: precision {} reached with {} replications (half-width {:.2} % of the mean wait)",
            p.relative,
            reps.len(),
            100.0 * rel
        );
    } else {
        eprintln!(
            "borderq: precision {} not reached within --max-replications {} (half-width {:.2} % of the mean wait)",
            p.relative,
            p.max,
            100.0 * rel
        );
    }
}

/// The terminal's summary: the headline metrics with their CIs, and the record rows.
fn summary_table(
    s: &Scenario,
    t: &RunTables,
    record: &[borderq::reported::ComparisonRow],
    cohorts: &[output::CohortRow],
    dir: &std::path::Path,
) -> String {
    let mut o = format!(
        "{}: {} replication{}, seed {}, {}\n\n",
        s.name,
        s.replications,
        if s.replications == 1 { "" } else { "s" },
        s.seed,
        s.period_text()
    );
    let single = s.replications < 2;
    o.push_str(&format!("{:<36} {:>14}  {}\n", "metric", "mean", if single { "" } else { "95% CI" }));
    for m in borderq::metrics::headline_metrics() {
        let Some(row) = t.metric(m.name) else { continue };
        let places = row.mean.map_or(m.decimals, |x| m.decimals_for(x));
        let f = |x: Option<f64>| x.map_or("-".to_string(), |x| group_digits(x, places));
        let ci = match (row.ci95_low, row.ci95_high) {
            (Some(lo), Some(hi)) => format!("[{}, {}]", f(Some(lo)), f(Some(hi))),
            _ => String::new(),
        };
        if m.only_with_cancellations && s.appointment.as_ref().is_none_or(|a| a.cancel_from.is_none()) {
            continue;
        }
        o.push_str(&format!("{:<36} {:>14}  {ci}\n", m.short, f(row.mean)));
    }
    o.push_str(&coverage(s, t, cohorts));
    o.push_str(&against_reported(record));
    if single {
        o.push_str("\n(one replication: no confidence intervals; use --replications 2 or more)\n");
    }
    o.push_str(&format!("\noutputs in {}/\n", dir.display()));
    o
}

/// Which groups the waiting times cover, and the cohort headline that covers everybody.
fn coverage(s: &Scenario, t: &RunTables, cohorts: &[output::CohortRow]) -> String {
    let mean = |m: &str| t.metric(m).and_then(|r| r.mean).map_or("-".into(), |x| group_digits(x, 0));
    let which = match s.report_from {
        Some(r) => format!("from {r} to {}, whatever their registration date", s.end),
        None => format!(
            "before {} that registered from {} on",
            s.end,
            s.start + chrono::Days::new(s.warmup_days.ceil() as u64)
        ),
    };
    let mut o = format!(
        "\nwaiting times cover the groups processed (booked) {which}: about {} groups a run;\n\
         not in them: the {} persons who gave up and the {} still waiting at the end.\n",
        mean("wait_n"),
        mean("abandoned_persons"),
        mean("final_waiting_persons"),
    );
    if let Some(h) = output::headline_of(cohorts) {
        o.push_str(&h);
        o.push('\n');
    }
    o
}

/// The rows with a reported figure, differing ones first (the order of `record.csv`), each with the
/// model's mean and CI for the same period, the figure with its tolerance, and the verdict.
fn against_reported(record: &[borderq::reported::ComparisonRow]) -> String {
    use borderq::reported::Kind;
    let against: Vec<&borderq::reported::ComparisonRow> = record.iter().filter(|r| r.reported.is_some()).collect();
    if against.is_empty() {
        return String::new();
    }
    let mut o = String::from(
        "
against reported figures, for the same periods (sources and rules in record.csv):
",
    );
    let num = |x: f64| group_digits(x, if x.abs() < 10.0 { 3 } else { 0 });
    for r in against {
        let model = match (r.model_mean, r.model_ci95_low, r.model_ci95_high) {
            (Some(m), Some(lo), Some(hi)) => format!("{} [{}, {}]", num(m), num(lo), num(hi)),
            (Some(m), _, _) => num(m),
            _ => "-".into(),
        };
        let value = r.reported.map_or(String::new(), num);
        let reported = match (r.reported_kind, r.tolerance) {
            (Some(Kind::AtLeast), _) => format!("> {value}"),
            (Some(Kind::AtMost), Some(t)) => format!("up to {value} (± {})", num(t)),
            (_, Some(t)) => format!("≈ {value} ± {}", num(t)),
            _ => value,
        };
        let verdict = if r.reason.is_empty() { r.verdict.to_string() } else { format!("{} ({})", r.verdict, r.reason) };
        o.push_str(&format!(
            "  {:<14} {:<24} {:<28} model {:<28} reported {reported}\n",
            verdict, r.period, r.measure, model
        ));
    }
    o
}
