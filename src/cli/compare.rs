//! `borderq compare`: two scenarios on the same replication seeds, with paired differences.

use borderq::compare::{Comparison, PairedRow, PortPairedRow, periods_differ};
use borderq::metrics::group_digits;
use borderq::model::RepResult;
use borderq::output;
use borderq::run::RunError;
use borderq::scenario::Scenario;
use borderq::{Experiment, RunControl};

use super::args::{CompareArgs, ScenarioFlags};
use super::progress::Progress;
use super::signals::Signals;
use super::{Failure, experiment, out, output_failure};

pub(crate) fn compare(a: CompareArgs) -> Result<(), Failure> {
    let (ea, eb) = experiments(&a)?;
    let (sa, sb) = (ea.scenario(), eb.scenario());
    let n = sa.replications as u64;
    let b_label = match &a.b {
        Some(_) => sb.name.clone(),
        None => format!("{} with {}", sa.name, a.flags.sets.join(" ")),
    };
    if periods_differ(sa, sb) {
        eprintln!(
            "warning: A covers {} and B covers {}: totals are over different periods, so their differences mix the effect with the period",
            sa.period_text(),
            sb.period_text()
        );
    }
    let signals = Signals::install();
    let progress = Progress::new(2 * n as usize, "replications", a.quiet || a.json);
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let report = |_: usize| progress.update(counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
    let control = RunControl {
        threads: a.threads.map(usize::from),
        cancel: Some(signals.token.clone()),
        progress: Some(&report),
        ..RunControl::default()
    };
    let c = match Comparison::run(&ea, &eb, &control) {
        Ok(c) => c,
        Err(borderq::Error::Run(RunError::Cancelled)) => return Err(signals.failure()),
        Err(e) => return Err(e.into()),
    };
    progress.finish(c.a.replications().len() + c.b.replications().len());
    let b_overrides = if a.b.is_none() { a.flags.sets.clone() } else { Vec::new() };
    let json = c.json(&b_overrides);
    let (sa, ra, sb, rb) = (c.a.scenario(), c.a.replications(), c.b.scenario(), c.b.replications());
    if let Some(dir) = &a.out {
        write_out(dir, (sa, ra), (sb, rb, &b_label), (&c.rows, &c.ports), &json)?;
    }
    if a.json {
        return out(&json);
    }
    out(&(table(&sa.name, &b_label, n, sa.seed, &c.rows) + &port_table(&c.ports)))
}

/// A and B: B is A with the overrides when it is not given; the library runs B on A's seed and
/// replications (common random numbers).
fn experiments(a: &CompareArgs) -> Result<(Experiment, Experiment), Failure> {
    // `compare A --set …`: B is A with the overrides. `compare A B --set …`: the overrides apply to both.
    let plain = ScenarioFlags { sets: Vec::new(), ..a.flags.clone() };
    match &a.b {
        Some(b) => Ok((experiment(&a.a, &a.flags)?, experiment(b, &a.flags)?)),
        None => {
            if a.flags.sets.is_empty() {
                return Err(Failure::Input("compare needs scenario B, or --set overrides that define B from A".into()));
            }
            Ok((experiment(&a.a, &plain)?, experiment(&a.a, &a.flags)?))
        }
    }
}

/// The measures the terminal shows per port (all of `ports.csv`'s go to the JSON and CSV).
const PORT_TERMINAL: [&str; 4] = ["processed_persons", "wait_mean_days", "mean_waiting_persons", "abandoned_persons"];

/// The terminal's per-port table: B − A and its interval for a few measures at each port.
fn port_table(rows: &[PortPairedRow]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut o = String::from("\nBy port (B − A, 95 % CI; every measure in --json and compare_ports.csv):\n");
    for r in rows.iter().filter(|r| PORT_TERMINAL.contains(&r.row().metric)) {
        let c = cells(r.row());
        o.push_str(&format!(
            "{:<14} {:<32} {:>12} {:>12} {:>12}  {:<28} {}\n",
            r.port, c[0], c[1], c[2], c[3], c[5], c[6]
        ));
    }
    o
}

/// The cells of a row in words: measure, A, B, B − A, relative, CI, significant.
fn cells(r: &PairedRow) -> Vec<String> {
    let places = r.a.map_or(r.def().decimals, |x| r.def().decimals_for(x));
    let f = |x: Option<f64>| x.map_or("-".to_string(), |x| group_digits(x, places));
    let signed = |x: Option<f64>| {
        x.map_or("-".to_string(), |x| format!("{}{}", if x > 0.0 { "+" } else { "" }, group_digits(x, places)))
    };
    let ci = match (r.ci95_low, r.ci95_high) {
        (Some(l), Some(h)) => format!("[{}, {}]", signed(Some(l)), signed(Some(h))),
        _ => "(needs 2+ replications)".into(),
    };
    let rel = r.relative_difference_percent.map_or("-".to_string(), |p| format!("{p:+.1} %"));
    vec![
        r.label.to_string(),
        f(r.a),
        f(r.b),
        signed(r.difference),
        rel,
        ci,
        if r.significant { "yes" } else { "no" }.into(),
    ]
}

const HEADER: [&str; 7] = ["measure", "A", "B", "B − A", "relative", "95 % CI of B − A", "significant at 5 %"];

/// The terminal table of a comparison.
fn table(a: &str, b_label: &str, n: u64, seed: u64, rows: &[PairedRow]) -> String {
    let mut o = format!("A: {}\nB: {b_label}\n{n} paired replications, seed {} (common random numbers)\n\n", a, seed);
    let line = |c: &[String]| {
        format!("{:<32} {:>12} {:>12} {:>12} {:>9}  {:<28} {}\n", c[0], c[1], c[2], c[3], c[4], c[5], c[6])
    };
    o.push_str(&line(&HEADER.map(str::to_string)));
    for r in rows {
        o.push_str(&line(&cells(r)));
    }
    o.push_str("\nA difference is significant at the 5 % level when its 95 % interval excludes 0 (intervals: percentile bootstrap of the paired differences for counts, Student-t for waits and time-averages).\n");
    o
}

/// `compare --out DIR`: compare.csv, compare.json, A's and B's daily and waits tables, the overlay
/// charts and report.html.
fn write_out(
    dir: &std::path::Path,
    (sa, ra): (&Scenario, &[RepResult]),
    (sb, rb, b_label): (&Scenario, &[RepResult], &str),
    (rows, ports): (&[PairedRow], &[PortPairedRow]),
    json: &str,
) -> Result<(), Failure> {
    output::create_dir(dir).map_err(output_failure)?;
    let _lock = output::DirLock::acquire(dir).map_err(output_failure)?;
    output::check_kind(dir, "compare", false).map_err(output_failure)?;
    let (da, db) = (output::daily_csv(sa, ra), output::daily_csv(sb, rb));
    let (wa, wb) = (output::waits_csv(ra), output::waits_csv(rb));
    let (la, lb) = (format!("A: {}", sa.name), format!("B: {b_label}"));
    let side = |label, s: &Scenario, daily, waits| borderq::plot::Side { label, start: s.report_start(), daily, waits };
    let (charts, svgs) =
        borderq::plot::compare_charts(side(&la, sa, &da, &wa), side(&lb, sb, &db, &wb)).map_err(Failure::Run)?;
    let table: Vec<Vec<String>> = rows.iter().map(cells).collect();
    let identity = vec![la.clone(), lb.clone(), format!("{} paired replications, seed {}", ra.len(), sa.seed)];
    let note = "B − A is the mean of the paired differences (B runs on A's replication seeds). A difference is significant at the 5 % level when its 95 % interval excludes 0: a percentile bootstrap of the paired differences for counts, Student-t for waits and time-averages. The intervals are simulation noise under each scenario's assumptions, not real-world uncertainty.";
    let html = borderq::plot::compare_html(
        &format!("borderq compare: {} vs {}", sa.name, b_label),
        &identity,
        &HEADER,
        &table,
        note,
        &svgs,
    );
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("compare.csv".into(), output::csv_bytes(rows)),
        ("compare.json".into(), json.as_bytes().to_vec()),
        ("daily-a.csv".into(), da),
        ("daily-b.csv".into(), db),
        ("waits-a.csv".into(), wa),
        ("waits-b.csv".into(), wb),
    ];
    if !ports.is_empty() {
        files.push(("compare_ports.csv".into(), output::csv_bytes(ports)));
    }
    files.extend(charts);
    files.push(("report.html".into(), html.into_bytes()));
    let previous = output::read_manifest(dir).map(|m| m.names);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let manifest = output::manifest_text("compare", &names);
    let mut written: Vec<&str> = names.clone();
    written.push(output::MANIFEST);
    let written: Vec<String> = written.iter().map(|s| s.to_string()).collect();
    files.push((output::MANIFEST.to_string(), manifest));
    output::write_run(dir, &files).map_err(output_failure)?;
    let written: Vec<&str> = written.iter().map(String::as_str).collect();
    output::remove_stale(dir, previous.as_deref(), &written).map_err(output_failure)
}
