//! `borderq compare`: two scenarios on the same replication seeds, with paired differences.

use serde::Serialize;

use borderq::metrics::{self, Metric};
use borderq::model::{Model, RepResult};
use borderq::output::{self, RunTables};
use borderq::run::{self, RunError, RunOptions};
use borderq::scenario::Scenario;
use borderq::stats::Summary;

use super::args::{CompareArgs, ScenarioFlags};
use super::progress::Progress;
use super::signals::Signals;
use super::{Failure, load, out, output_failure};
use borderq::metrics::group_digits;

/// The level at which a difference is called significant: its 95 % interval excludes 0.
const SIGNIFICANCE: f64 = 0.05;

#[derive(Debug, Serialize)]
struct Row {
    metric: &'static str,
    a: Option<f64>,
    b: Option<f64>,
    difference: Option<f64>,
    ci95_low: Option<f64>,
    ci95_high: Option<f64>,
    significant: bool,
    n: usize,
    interval: &'static str,
    label: &'static str,
    unit: &'static str,
    relative_difference_percent: Option<f64>,
    #[serde(skip)]
    def: &'static Metric,
}

pub(crate) fn compare(a: CompareArgs) -> Result<(), Failure> {
    let (sa, sb) = scenarios(&a)?;
    let n = sa.replications as u64;
    let b_label = match &a.b {
        Some(_) => sb.name.clone(),
        None => format!("{} with {}", sa.name, a.flags.sets.join(" ")),
    };
    let periods_differ = sa.report_start() != sb.report_start() || sa.end != sb.end;
    if periods_differ {
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
    let opts = RunOptions {
        threads: a.threads.map(usize::from),
        cancel: Some(&signals.stop),
        progress: Some(&report),
        ..Default::default()
    };
    let run_one = |s| match run::replications(&Model::new(s), n, &opts, None) {
        Ok(r) => Ok(r),
        Err(RunError::Cancelled) => Err(signals.failure()),
        Err(e) => Err(Failure::Run(e.to_string())),
    };
    let (ra, rb) = (run_one(&sa)?, run_one(&sb)?);
    progress.finish(ra.len() + rb.len());
    let rows = paired_rows(&RunTables::new(&ra), &RunTables::new(&rb));
    let ports = port_rows(&sa, &ra, &sb, &rb);
    let mut doc = serde_json::json!({
        "schema_version": borderq::output::SCHEMA_VERSION,
        "a": sa.name, "b": sb.name, "b_overrides": if a.b.is_none() { a.flags.sets.clone() } else { Vec::new() },
        "seed": sa.seed, "replications": n, "significance_level": SIGNIFICANCE,
        "a_period": sa.period_text(), "b_period": sb.period_text(), "periods_differ": periods_differ,
        "metrics": rows,
    });
    if !ports.is_empty() {
        doc["ports"] = serde_json::to_value(&ports).expect("in-memory JSON");
    }
    let json = format!("{}\n", serde_json::to_string_pretty(&doc).expect("in-memory JSON"));
    if let Some(dir) = &a.out {
        write_out(dir, (&sa, &ra), (&sb, &rb, &b_label), (&rows, &ports), &json)?;
    }
    if a.json {
        return out(&json);
    }
    out(&(table(&sa.name, &b_label, n, sa.seed, &rows) + &port_table(&ports)))
}

/// A and B: B is A with the overrides when it is not given, and runs on A's seed and replications
/// (common random numbers).
fn scenarios(a: &CompareArgs) -> Result<(Scenario, Scenario), Failure> {
    // `compare A --set …`: B is A with the overrides. `compare A B --set …`: the overrides apply to both.
    let plain = ScenarioFlags { sets: Vec::new(), ..a.flags.clone() };
    let (sa, mut sb) = match &a.b {
        Some(b) => (load(&a.a, &a.flags)?, load(b, &a.flags)?),
        None => {
            if a.flags.sets.is_empty() {
                return Err(Failure::Input("compare needs scenario B, or --set overrides that define B from A".into()));
            }
            (load(&a.a, &plain)?, load(&a.a, &a.flags)?)
        }
    };
    sb.seed = sa.seed;
    sb.replications = sa.replications;
    Ok((sa, sb))
}

/// One row per sweep metric: A's and B's means and the paired difference B − A with its 95 % CI.
fn paired_rows(ta: &RunTables, tb: &RunTables) -> Vec<Row> {
    let metric = |t: &RunTables, m: &str| -> Vec<f64> { t.replications.iter().map(|r| r.get(m)).collect() };
    let seed = ta.replications.first().map_or(0, |r| r.seed);
    metrics::sweep_metrics()
        .into_iter()
        .map(|def| paired(def, &metric(ta, def.name), &metric(tb, def.name), seed))
        .collect()
}

/// A's and B's means of one metric and the paired difference B − A with its 95 % CI, with the
/// metric's own interval method (a bootstrap resamples pairs).
fn paired(def: &'static Metric, xa: &[f64], xb: &[f64], seed: u64) -> Row {
    let finite = |x: f64| x.is_finite().then_some(x);
    let diffs: Vec<f64> = xa.iter().zip(xb).map(|(a, b)| b - a).collect();
    let d = def.summarise(&diffs, seed);
    let (ma, mb) = (Summary::of(xa).mean, Summary::of(xb).mean);
    Row {
        metric: def.name,
        a: finite(ma),
        b: finite(mb),
        difference: finite(d.mean),
        ci95_low: finite(d.ci95_low),
        ci95_high: finite(d.ci95_high),
        significant: d.ci95_low > 0.0 || d.ci95_high < 0.0,
        n: d.n,
        interval: def.interval.name(),
        label: def.short,
        unit: def.unit,
        relative_difference_percent: finite(100.0 * d.mean / ma),
        def,
    }
}

/// A paired comparison at one port: the port's id, then the columns of [`Row`].
#[derive(Debug, Serialize)]
struct PortRow {
    port: String,
    metric: &'static str,
    a: Option<f64>,
    b: Option<f64>,
    difference: Option<f64>,
    ci95_low: Option<f64>,
    ci95_high: Option<f64>,
    significant: bool,
    n: usize,
    interval: &'static str,
    relative_difference_percent: Option<f64>,
    #[serde(skip)]
    row: Row,
}

impl PortRow {
    fn new(port: String, row: Row) -> PortRow {
        PortRow {
            port,
            metric: row.metric,
            a: row.a,
            b: row.b,
            difference: row.difference,
            ci95_low: row.ci95_low,
            ci95_high: row.ci95_high,
            significant: row.significant,
            n: row.n,
            interval: row.interval,
            relative_difference_percent: row.relative_difference_percent,
            row,
        }
    }
}

/// The measures the terminal shows per port (all of `ports.csv`'s go to the JSON and CSV).
const PORT_TERMINAL: [&str; 4] = ["processed_persons", "wait_mean_days", "mean_waiting_persons", "abandoned_persons"];

/// Per-port paired rows for the ports A and B both have (matched by id), every metric of
/// `ports.csv`; each port resamples with its own stream, as in `ports.csv`.
fn port_rows(sa: &Scenario, ra: &[RepResult], sb: &Scenario, rb: &[RepResult]) -> Vec<PortRow> {
    let seed = ra.first().map_or(0, |r| r.seed);
    let mut out = Vec::new();
    for (pa, port) in sa.ports.iter().enumerate() {
        let Some(pb) = sb.ports.iter().position(|q| q.id == port.id) else { continue };
        for def in metrics::port_metrics() {
            let xa: Vec<f64> = ra.iter().map(|r| (def.value)(&r.ports[pa]).as_f64()).collect();
            let xb: Vec<f64> = rb.iter().map(|r| (def.value)(&r.ports[pb]).as_f64()).collect();
            let row = paired(def, &xa, &xb, borderq::engine::rng::derive(seed, pa as u64 + 1));
            out.push(PortRow::new(port.id.clone(), row));
        }
    }
    out
}

/// The terminal's per-port table: B − A and its interval for a few measures at each port.
fn port_table(rows: &[PortRow]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut o = String::from("\nBy port (B − A, 95 % CI; every measure in --json and compare_ports.csv):\n");
    for r in rows.iter().filter(|r| PORT_TERMINAL.contains(&r.row.metric)) {
        let c = cells(&r.row);
        o.push_str(&format!(
            "{:<14} {:<32} {:>12} {:>12} {:>12}  {:<28} {}\n",
            r.port, c[0], c[1], c[2], c[3], c[5], c[6]
        ));
    }
    o
}

/// The cells of a row in words: measure, A, B, B − A, relative, CI, significant.
fn cells(r: &Row) -> Vec<String> {
    let places = r.a.map_or(r.def.decimals, |x| r.def.decimals_for(x));
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
fn table(a: &str, b_label: &str, n: u64, seed: u64, rows: &[Row]) -> String {
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
    (rows, ports): (&[Row], &[PortRow]),
    json: &str,
) -> Result<(), Failure> {
    output::create_dir(dir).map_err(output_failure)?;
    let _lock = output::DirLock::acquire(dir).map_err(output_failure)?;
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
    let previous = output::read_manifest(dir);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let manifest = output::manifest_text(&names);
    let mut written: Vec<&str> = names.clone();
    written.push(output::MANIFEST);
    let written: Vec<String> = written.iter().map(|s| s.to_string()).collect();
    files.push((output::MANIFEST.to_string(), manifest));
    output::write_run(dir, &files).map_err(output_failure)?;
    let written: Vec<&str> = written.iter().map(String::as_str).collect();
    output::remove_stale(dir, previous.as_deref(), &written).map_err(output_failure)
}
