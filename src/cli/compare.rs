//! `borderq compare`: two scenarios on the same replication seeds, with paired differences.

use serde::Serialize;

use borderq::metrics;
use borderq::model::Model;
use borderq::output::RunTables;
use borderq::run::{self, RunError, RunOptions};
use borderq::stats::Summary;

use super::args::{CompareArgs, ScenarioFlags};
use super::progress::Progress;
use super::signals::Signals;
use super::{Failure, load, out};

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
}

pub(crate) fn compare(a: CompareArgs) -> Result<(), Failure> {
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
    // Common random numbers: B runs on A's seeds.
    sb.seed = sa.seed;
    sb.replications = sa.replications;
    let n = sa.replications as u64;
    let signals = Signals::install();
    let progress = Progress::new(2 * n as usize, "replications", a.quiet || a.json);
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let report = |_: usize| progress.update(counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
    let opts = RunOptions { threads: a.threads.map(usize::from), cancel: Some(&signals.stop), progress: Some(&report) };
    let run_one = |s| match run::replications(&Model::new(s), n, &opts, None) {
        Ok(r) => Ok(r),
        Err(RunError::Cancelled) => Err(signals.failure()),
        Err(e) => Err(Failure::Run(e.to_string())),
    };
    let (ra, rb) = (run_one(&sa)?, run_one(&sb)?);
    progress.finish(ra.len() + rb.len());
    let rows = paired_rows(&RunTables::new(&ra), &RunTables::new(&rb));
    if a.json {
        let doc = serde_json::json!({
            "a": sa.name, "b": sb.name, "b_overrides": if a.b.is_none() { a.flags.sets.clone() } else { Vec::new() },
            "seed": sa.seed, "replications": n, "metrics": rows,
        });
        return out(&format!("{}\n", serde_json::to_string_pretty(&doc).expect("in-memory JSON")));
    }
    let b_label = match &a.b {
        Some(_) => sb.name.clone(),
        None => format!("{} with {}", sa.name, a.flags.sets.join(" ")),
    };
    out(&table(&sa.name, &b_label, n, sa.seed, &rows))
}

/// One row per sweep metric: A's and B's means and the paired difference B − A with its 95 % CI.
fn paired_rows(ta: &RunTables, tb: &RunTables) -> Vec<Row> {
    let metric = |t: &RunTables, m: &str| -> Vec<f64> { t.replications.iter().map(|r| r.get(m)).collect() };
    let finite = |x: f64| x.is_finite().then_some(x);
    let seed = ta.replications.first().map_or(0, |r| r.seed);
    metrics::sweep_metrics()
        .iter()
        .map(|def| {
            let m = def.name;
            let (xa, xb) = (metric(ta, m), metric(tb, m));
            let diffs: Vec<f64> = xa.iter().zip(&xb).map(|(a, b)| b - a).collect();
            // The paired differences, with the metric's own interval method (a bootstrap resamples pairs).
            let d = def.summarise(&diffs, seed);
            Row {
                metric: m,
                a: finite(Summary::of(&xa).mean),
                b: finite(Summary::of(&xb).mean),
                difference: finite(d.mean),
                ci95_low: finite(d.ci95_low),
                ci95_high: finite(d.ci95_high),
                significant: d.ci95_low > 0.0 || d.ci95_high < 0.0,
                n: d.n,
                interval: def.interval.name(),
            }
        })
        .collect()
}

/// The terminal table of a comparison.
fn table(a: &str, b_label: &str, n: u64, seed: u64, rows: &[Row]) -> String {
    let mut o = format!("A: {}\nB: {b_label}\n{n} paired replications, seed {} (common random numbers)\n\n", a, seed);
    o.push_str(&format!(
        "{:<26} {:>12} {:>12} {:>12}  {:<26} {}\n",
        "metric", "A", "B", "B − A", "95% CI of B − A", "significant"
    ));
    let f = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{x:.2}"));
    for r in rows {
        let ci = match (r.ci95_low, r.ci95_high) {
            (Some(l), Some(h)) => format!("[{l:.2}, {h:.2}]"),
            _ => "(needs 2+ replications)".into(),
        };
        o.push_str(&format!(
            "{:<26} {:>12} {:>12} {:>12}  {:<26} {}\n",
            r.metric,
            f(r.a),
            f(r.b),
            f(r.difference),
            ci,
            if r.significant { "yes" } else { "no" }
        ));
    }
    o
}
