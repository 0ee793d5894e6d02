//! The CSV and JSON tables of a run (SPEC §5), built as bytes by pure functions so they can be
//! compared byte for byte in tests. Column names are fixed: scripts depend on them.

use serde::Serialize;

use crate::metrics::{METRICS, Value};
use crate::model::{RepResult, Series};
use crate::scenario::Scenario;
use crate::stats::{self, Summary};

/// One row of `replications.csv`: the replication, its seed, and every metric of
/// [`METRICS`](crate::metrics::METRICS) in column order.
#[derive(Debug, Clone)]
pub struct ReplicationRow {
    /// Replication index.
    pub replication: u64,
    /// Replication seed.
    pub seed: u64,
    /// One value per metric, in [`METRICS`](crate::metrics::METRICS) order.
    pub values: Vec<Value>,
}

impl ReplicationRow {
    /// Flattens one replication.
    pub fn of(r: &RepResult) -> ReplicationRow {
        ReplicationRow {
            replication: r.replication,
            seed: r.seed,
            values: METRICS.iter().map(|m| (m.value)(r)).collect(),
        }
    }

    /// The value of `metric` (NaN if empty or unknown).
    pub fn get(&self, metric: &str) -> f64 {
        METRICS.iter().position(|m| m.name == metric).map_or(f64::NAN, |k| self.values[k].as_f64())
    }
}

/// A row serialises as one record: replication, seed, then the values (formatted by `csv`).
impl Serialize for ReplicationRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        let mut t = s.serialize_tuple(2 + self.values.len())?;
        t.serialize_element(&self.replication)?;
        t.serialize_element(&self.seed)?;
        for v in &self.values {
            t.serialize_element(v)?;
        }
        t.end()
    }
}

/// `replications.csv`: a header, then one row per replication.
pub fn replications_csv(rows: &[ReplicationRow]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    if !rows.is_empty() {
        let header = ["replication", "seed"].into_iter().chain(METRICS.iter().map(|m| m.name));
        w.write_record(header).expect("in-memory write");
    }
    for r in rows {
        w.serialize(r).expect("serialising to memory cannot fail");
    }
    w.into_inner().expect("flushing to memory cannot fail")
}

/// One row of `summary.csv` (and of `summary.json`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SummaryRow {
    /// Column name in `replications.csv`.
    pub metric: String,
    /// Mean over replications.
    pub mean: Option<f64>,
    /// Standard deviation over replications.
    pub sd: Option<f64>,
    /// Lower end of the 95 % Student-t interval of the mean.
    pub ci95_low: Option<f64>,
    /// Upper end.
    pub ci95_high: Option<f64>,
    /// Replications with a value.
    pub n: usize,
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Summary rows, one per metric, in `replications.csv` column order.
pub fn summary_rows(rows: &[ReplicationRow]) -> Vec<SummaryRow> {
    if rows.is_empty() {
        return Vec::new();
    }
    METRICS
        .iter()
        .enumerate()
        .map(|(k, m)| {
            let xs: Vec<f64> = rows.iter().map(|r| r.values[k].as_f64()).collect();
            let s = Summary::of(&xs);
            SummaryRow {
                metric: m.name.to_string(),
                mean: finite(s.mean),
                sd: finite(s.sd),
                ci95_low: finite(s.ci95_low),
                ci95_high: finite(s.ci95_high),
                n: s.n,
            }
        })
        .collect()
}

/// Serialises rows with a header from the struct's fields.
pub fn csv_bytes<T: Serialize>(rows: &[T]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r).expect("serialising to memory cannot fail");
    }
    w.into_inner().expect("flushing to memory cannot fail")
}

/// `daily.csv`: `day, date`, then `<series>_mean, _p05, _p95` across replications.
pub fn daily_csv(scenario: &Scenario, reps: &[RepResult]) -> Vec<u8> {
    let days = scenario.days();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["day".to_string(), "date".to_string()];
    for s in Series::ALL.map(Series::name) {
        header.extend([format!("{s}_mean"), format!("{s}_p05"), format!("{s}_p95")]);
    }
    w.write_record(&header).expect("in-memory write");
    let mut column = vec![0.0; reps.len()];
    for d in 0..days {
        let date = scenario.start + chrono::Days::new(d as u64);
        let mut rec = vec![d.to_string(), date.to_string()];
        for s in Series::ALL {
            for (i, r) in reps.iter().enumerate() {
                column[i] = r.daily.get(s)[d];
            }
            column.sort_by(f64::total_cmp);
            let mean = column.iter().sum::<f64>() / column.len().max(1) as f64;
            for x in [mean, stats::quantile_sorted(&column, 0.05), stats::quantile_sorted(&column, 0.95)] {
                rec.push(fmt_f64(x));
            }
        }
        w.write_record(&rec).expect("in-memory write");
    }
    w.into_inner().expect("in-memory flush")
}

/// Formats a float the way the csv crate does for struct fields (shortest round-trip), empty for NaN.
pub fn fmt_f64(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        let mut b = format!("{x}");
        if !b.contains(['.', 'e', 'E']) && x.is_finite() {
            b.push_str(".0");
        }
        b
    }
}

/// One row of `waits.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct WaitRow {
    /// `wait_days` or `selection_wait_days`.
    pub measure: &'static str,
    /// Bin start [days].
    pub from_days: u64,
    /// Bin end [days], exclusive.
    pub to_days: u64,
    /// Share of all observations (pooled over replications) in the bin.
    pub share: f64,
    /// Share at or below `to_days`.
    pub cumulative_share: f64,
}

/// `waits.csv` rows: both distributions pooled over replications in 1-day bins.
pub fn wait_rows(reps: &[RepResult]) -> Vec<WaitRow> {
    let mut rows = Vec::new();
    for (measure, pick) in [
        ("wait_days", (|r: &RepResult| &r.wait_bins) as fn(&RepResult) -> &Vec<u64>),
        ("selection_wait_days", |r: &RepResult| &r.selection_wait_bins),
    ] {
        let len = reps.iter().map(|r| pick(r).len()).max().unwrap_or(0);
        let mut pooled = vec![0u64; len];
        for r in reps {
            for (k, c) in pick(r).iter().enumerate() {
                pooled[k] += c;
            }
        }
        let total: u64 = pooled.iter().sum();
        if total == 0 {
            continue;
        }
        let mut cum = 0u64;
        for (k, c) in pooled.iter().enumerate() {
            cum += c;
            rows.push(WaitRow {
                measure,
                from_days: k as u64,
                to_days: k as u64 + 1,
                share: *c as f64 / total as f64,
                cumulative_share: cum as f64 / total as f64,
            });
        }
    }
    rows
}

/// `summary.json`: the run's identity and the summary table.
pub fn summary_json(scenario: &Scenario, summary: &[SummaryRow]) -> Vec<u8> {
    #[derive(Serialize)]
    struct Doc<'a> {
        scenario: &'a str,
        description: &'a str,
        start: String,
        end: String,
        seed: u64,
        replications: u32,
        borderq_version: &'static str,
        metrics: &'a [SummaryRow],
    }
    let doc = Doc {
        scenario: &scenario.name,
        description: &scenario.description,
        start: scenario.start.to_string(),
        end: scenario.end.to_string(),
        seed: scenario.seed,
        replications: scenario.replications,
        borderq_version: env!("CARGO_PKG_VERSION"),
        metrics: summary,
    };
    let mut v = serde_json::to_vec_pretty(&doc).expect("serialising to memory cannot fail");
    v.push(b'\n');
    v
}
