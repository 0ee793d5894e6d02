//! Two experiments on the same replication seeds (common random numbers), and the paired
//! difference B − A of every headline metric, for the whole and at each port both have.

use serde::Serialize;

use crate::experiment::{Error, Experiment, RunControl, RunResult};
use crate::metrics::{self, Metric};
use crate::model::RepResult;
use crate::output::RunTables;
use crate::scenario::Scenario;
use crate::stats::Summary;

/// The level at which a difference is called significant: its 95 % interval excludes 0.
pub const SIGNIFICANCE: f64 = 0.05;

/// One metric's paired comparison: A's and B's means, and B − A with its 95 % interval made by the
/// metric's own method (a bootstrap resamples pairs). The columns of `compare.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct PairedRow {
    /// The metric's name in `replications.csv`.
    pub metric: &'static str,
    /// A's mean.
    pub a: Option<f64>,
    /// B's mean.
    pub b: Option<f64>,
    /// The mean of the paired differences B − A.
    pub difference: Option<f64>,
    /// The difference's 95 % interval, lower end.
    pub ci95_low: Option<f64>,
    /// Upper end.
    pub ci95_high: Option<f64>,
    /// Whether the interval excludes 0.
    pub significant: bool,
    /// Pairs with a value.
    pub n: usize,
    /// The interval's method.
    pub interval: &'static str,
    /// The metric's short label.
    pub label: &'static str,
    /// Its unit.
    pub unit: &'static str,
    /// 100 × difference / A's mean.
    pub relative_difference_percent: Option<f64>,
    #[serde(skip)]
    def: &'static Metric,
}

impl PairedRow {
    /// The metric's definition.
    pub fn def(&self) -> &'static Metric {
        self.def
    }
}

/// A paired comparison at one port: the port's id, then the columns of [`PairedRow`] (the rows of
/// `compare_ports.csv`).
#[derive(Debug, Clone, Serialize)]
pub struct PortPairedRow {
    /// The port's id.
    pub port: String,
    /// As in [`PairedRow`].
    pub metric: &'static str,
    /// As in [`PairedRow`].
    pub a: Option<f64>,
    /// As in [`PairedRow`].
    pub b: Option<f64>,
    /// As in [`PairedRow`].
    pub difference: Option<f64>,
    /// As in [`PairedRow`].
    pub ci95_low: Option<f64>,
    /// As in [`PairedRow`].
    pub ci95_high: Option<f64>,
    /// As in [`PairedRow`].
    pub significant: bool,
    /// As in [`PairedRow`].
    pub n: usize,
    /// As in [`PairedRow`].
    pub interval: &'static str,
    /// As in [`PairedRow`].
    pub relative_difference_percent: Option<f64>,
    #[serde(skip)]
    row: PairedRow,
}

impl PortPairedRow {
    fn new(port: String, row: PairedRow) -> PortPairedRow {
        PortPairedRow {
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

    /// The same comparison as a [`PairedRow`] (labels and decimals for display).
    pub fn row(&self) -> &PairedRow {
        &self.row
    }
}

/// A and B run on A's seed and replications, and their paired rows.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// A's run.
    pub a: RunResult,
    /// B's run, on A's replication seeds.
    pub b: RunResult,
    /// One row per headline metric.
    pub rows: Vec<PairedRow>,
    /// Per-port rows for the ports A and B both have (by id), every metric of `ports.csv`.
    pub ports: Vec<PortPairedRow>,
}

impl Comparison {
    /// Runs A, then B on A's seed and replications (common random numbers), and pairs them.
    pub fn run(a: &Experiment, b: &Experiment, control: &RunControl<'_>) -> Result<Comparison, Error> {
        let b = b.clone().paired_with(a.scenario());
        let (ra, rb) = (a.run(control)?, b.run(control)?);
        let rows = paired_rows(ra.tables(), rb.tables());
        let ports = port_rows(ra.scenario(), ra.replications(), rb.scenario(), rb.replications());
        Ok(Comparison { a: ra, b: rb, rows, ports })
    }

    /// Whether A and B report over different periods ([`periods_differ`]).
    pub fn periods_differ(&self) -> bool {
        periods_differ(self.a.scenario(), self.b.scenario())
    }

    /// `compare.json`, as `borderq compare --json` prints it; `b_overrides` are the overrides that
    /// define B from A (empty when B is a scenario of its own).
    pub fn json(&self, b_overrides: &[String]) -> String {
        let (sa, sb) = (self.a.scenario(), self.b.scenario());
        let mut doc = serde_json::json!({
            "schema_version": crate::output::SCHEMA_VERSION,
            "a": sa.name, "b": sb.name, "b_overrides": b_overrides,
            "seed": sa.seed, "replications": self.a.replications().len(), "significance_level": SIGNIFICANCE,
            "a_period": sa.period_text(), "b_period": sb.period_text(), "periods_differ": self.periods_differ(),
            "metrics": self.rows,
        });
        if !self.ports.is_empty() {
            doc["ports"] = serde_json::to_value(&self.ports).expect("in-memory JSON");
        }
        format!("{}\n", serde_json::to_string_pretty(&doc).expect("in-memory JSON"))
    }
}

/// Whether two scenarios report over different periods: their totals then differ by the period too.
pub fn periods_differ(a: &Scenario, b: &Scenario) -> bool {
    a.report_start() != b.report_start() || a.end != b.end
}

/// One row per headline metric: A's and B's means and the paired difference B − A with its 95 % CI.
pub fn paired_rows(ta: &RunTables, tb: &RunTables) -> Vec<PairedRow> {
    let metric = |t: &RunTables, m: &str| -> Vec<f64> { t.replications.iter().map(|r| r.get(m)).collect() };
    let seed = ta.replications.first().map_or(0, |r| r.seed);
    metrics::sweep_metrics()
        .into_iter()
        .map(|def| paired(def, &metric(ta, def.name), &metric(tb, def.name), seed))
        .collect()
}

/// A's and B's means of one metric and the paired difference B − A with its 95 % CI, with the
/// metric's own interval method (a bootstrap resamples pairs).
fn paired(def: &'static Metric, xa: &[f64], xb: &[f64], seed: u64) -> PairedRow {
    let finite = |x: f64| x.is_finite().then_some(x);
    let diffs: Vec<f64> = xa.iter().zip(xb).map(|(a, b)| b - a).collect();
    let d = def.summarise(&diffs, seed);
    let (ma, mb) = (Summary::of(xa).mean, Summary::of(xb).mean);
    PairedRow {
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

/// Per-port paired rows for the ports A and B both have (matched by id), every metric of
/// `ports.csv`; each port resamples with its own stream, as in `ports.csv`.
pub fn port_rows(sa: &Scenario, ra: &[RepResult], sb: &Scenario, rb: &[RepResult]) -> Vec<PortPairedRow> {
    let seed = ra.first().map_or(0, |r| r.seed);
    let mut out = Vec::new();
    for (pa, port) in sa.ports.iter().enumerate() {
        let Some(pb) = sb.ports.iter().position(|q| q.id == port.id) else { continue };
        for def in metrics::port_metrics() {
            let xa: Vec<f64> = ra.iter().map(|r| (def.value)(&r.ports[pa]).as_f64()).collect();
            let xb: Vec<f64> = rb.iter().map(|r| (def.value)(&r.ports[pb]).as_f64()).collect();
            let row = paired(def, &xa, &xb, crate::engine::rng::derive(seed, pa as u64 + 1));
            out.push(PortPairedRow::new(port.id.clone(), row));
        }
    }
    out
}
