//! The per-port tables: `ports.csv` (each port's metrics over replications, with the interval
//! method of each metric) and `ports_daily.csv` (each port's daily series: mean and 5–95 % band).

use serde::Serialize;

use super::tables::{csv_bytes, fmt_f64};
use crate::metrics::port_metrics;
use crate::model::{PortBands, PortSeries, RepResult};
use crate::scenario::Scenario;

/// One row of `ports.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct PortRow {
    /// The port's id.
    pub port: String,
    /// The metric's `replications.csv` name (or a per-port metric).
    pub metric: String,
    /// Mean over replications.
    pub mean: Option<f64>,
    /// Standard deviation over replications.
    pub sd: Option<f64>,
    /// Lower end of the 95 % interval (the metric's method, as in `summary.csv`).
    pub ci95_low: Option<f64>,
    /// Upper end of the 95 % interval.
    pub ci95_high: Option<f64>,
    /// Replications with a value.
    pub n: usize,
}

/// Each port's metrics over `reps`, in port order then [`port_metrics`] order; empty without ports.
pub fn port_rows(scenario: &Scenario, reps: &[RepResult]) -> Vec<PortRow> {
    let Some(first) = reps.first() else { return Vec::new() };
    let finite = |x: f64| x.is_finite().then_some(x);
    let mut rows = Vec::new();
    for (p, port) in scenario.ports.iter().enumerate() {
        for m in port_metrics() {
            let xs: Vec<f64> = reps.iter().map(|r| (m.value)(&r.ports[p]).as_f64()).collect();
            // Each port resamples with its own stream.
            let s = m.summarise(&xs, crate::engine::rng::derive(first.seed, p as u64 + 1));
            rows.push(PortRow {
                port: port.id.clone(),
                metric: m.name.to_string(),
                mean: finite(s.mean),
                sd: finite(s.sd),
                ci95_low: finite(s.ci95_low),
                ci95_high: finite(s.ci95_high),
                n: s.n,
            });
        }
    }
    rows
}

/// `ports.csv`.
pub fn ports_csv(scenario: &Scenario, reps: &[RepResult]) -> Vec<u8> {
    csv_bytes(&port_rows(scenario, reps))
}

/// Empty bands for the per-port daily series of `scenario` over at most `n_max` replications.
pub fn port_bands(scenario: &Scenario, n_max: usize) -> PortBands {
    PortBands::new(scenario.ports.len(), scenario.report_days(), n_max)
}

/// `ports_daily.csv`: `day, date, port, series, mean, p05, p95`, by day, then port, then series.
pub fn ports_daily_csv(scenario: &Scenario, bands: &PortBands) -> Vec<u8> {
    let days = scenario.report_days();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["day", "date", "port", "series", "mean", "p05", "p95"]).expect("in-memory write");
    for d in 0..days {
        let date = (scenario.report_start() + chrono::Days::new(d as u64)).to_string();
        for (p, port) in scenario.ports.iter().enumerate() {
            for s in PortSeries::ALL {
                let (mean, p05, p95) = bands.cell(p, s, d);
                let rec = [d.to_string(), date.clone(), port.id.clone(), s.series().name().to_string()];
                let values = [mean, p05, p95].map(fmt_f64);
                w.write_record(rec.iter().chain(values.iter())).expect("in-memory write");
            }
        }
    }
    w.into_inner().expect("in-memory flush")
}
