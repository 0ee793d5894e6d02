//! The CSV and JSON tables of a run, built as bytes by pure functions so they can be
//! compared byte for byte in tests. Column names are fixed: scripts depend on them.

use serde::Serialize;

use crate::metrics::{METRICS, Value};
use crate::model::{RepResult, Series};
use crate::scenario::Scenario;
use crate::stats;

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
            values: METRICS.iter().map(|m| (m.value)(&r.whole)).collect(),
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
    /// How the interval was made: `student_t` or `bootstrap_percentile`.
    pub interval: &'static str,
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
            let s = m.summarise(&xs, rows[0].seed);
            SummaryRow {
                metric: m.name.to_string(),
                mean: finite(s.mean),
                sd: finite(s.sd),
                ci95_low: finite(s.ci95_low),
                ci95_high: finite(s.ci95_high),
                n: s.n,
                interval: m.interval.name(),
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
    let days = scenario.report_days();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["day".to_string(), "date".to_string()];
    for s in Series::ALL.map(Series::name) {
        header.extend([format!("{s}_mean"), format!("{s}_p05"), format!("{s}_p95")]);
    }
    w.write_record(&header).expect("in-memory write");
    let mut column = vec![0.0; reps.len()];
    for d in 0..days {
        let date = scenario.report_start() + chrono::Days::new(d as u64);
        let mut rec = vec![d.to_string(), date.to_string()];
        for s in Series::ALL {
            for (i, r) in reps.iter().enumerate() {
                column[i] = r.daily.value(s, d);
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
    /// Bin start \[days\].
    pub from_days: u64,
    /// Bin end \[days\], exclusive.
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
        ("wait_days", (|r: &RepResult| &r.wait_bins) as fn(&RepResult) -> &Vec<u32>),
        ("selection_wait_days", |r: &RepResult| &r.booking_wait_bins),
    ] {
        let len = reps.iter().map(|r| pick(r).len()).max().unwrap_or(0);
        let mut pooled = vec![0u64; len];
        for r in reps {
            for (k, c) in pick(r).iter().enumerate() {
                pooled[k] += *c as u64;
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
        schema_version: u32,
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
        schema_version: super::SCHEMA_VERSION,
        scenario: &scenario.name,
        description: &scenario.description,
        start: scenario.report_start().to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Counts, Daily, Measures, WaitStats};

    fn rep(i: u64, processed: u64, wait: Option<f64>) -> RepResult {
        RepResult {
            replication: i,
            seed: 100 + i,
            whole: Measures {
                counts: Counts { processed_persons: processed, ..Counts::default() },
                mean_waiting_persons: 2.5,
                wait: wait.map(|mean| WaitStats { n: 3, mean, p50: mean, p90: mean, p99: mean }),
                ..Measures::default()
            },
            wait_bins: vec![1, 0, 3],
            daily: Daily::zeros(2),
            ..RepResult::default()
        }
    }

    #[test]
    fn replications_csv_has_every_metric_in_order_with_typed_cells() {
        let rows: Vec<ReplicationRow> =
            [rep(0, 10, Some(1.5)), rep(1, 20, None)].iter().map(ReplicationRow::of).collect();
        let text = String::from_utf8(replications_csv(&rows)).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!(&header[..4], ["replication", "seed", "initial_groups", "initial_persons"]);
        assert_eq!(header.len(), 2 + METRICS.len());
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let r0: Vec<&str> = lines.next().unwrap().split(',').collect();
        let r1: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!((r0[0], r0[1], r0[col("processed_persons")]), ("0", "100", "10"), "counts are integers");
        assert_eq!(r0[col("mean_waiting_persons")], "2.5");
        assert_eq!(r0[col("wait_mean_days")], "1.5");
        assert_eq!(r1[col("wait_mean_days")], "", "no observations: an empty cell");
        assert_eq!(rows[1].get("processed_persons"), 20.0);
        assert!(replications_csv(&[]).is_empty());
    }

    #[test]
    fn summary_rows_give_mean_sd_and_the_metrics_interval_and_skip_missing_values() {
        let rows: Vec<ReplicationRow> =
            [rep(0, 10, Some(1.0)), rep(1, 20, None), rep(2, 30, Some(3.0))].iter().map(ReplicationRow::of).collect();
        let summary = summary_rows(&rows);
        assert_eq!(summary.len(), METRICS.len());
        let p = summary.iter().find(|r| r.metric == "processed_persons").unwrap();
        assert_eq!((p.mean, p.sd, p.n, p.interval), (Some(20.0), Some(10.0), 3, "bootstrap_percentile"));
        let (lo, hi) = (p.ci95_low.unwrap(), p.ci95_high.unwrap());
        assert!((10.0..=20.0).contains(&lo) && (20.0..=30.0).contains(&hi), "inside the data: [{lo}, {hi}]");
        let m = summary.iter().find(|r| r.metric == "mean_waiting_persons").unwrap();
        assert_eq!((m.ci95_low, m.interval), (Some(2.5), "student_t"), "no spread, no width");
        let w = summary.iter().find(|r| r.metric == "wait_mean_days").unwrap();
        assert_eq!(
            (w.mean, w.n, w.interval),
            (Some(2.0), 2, "student_t"),
            "a replication without observations is left out"
        );
        let half = 2f64.sqrt() / 2f64.sqrt() * crate::stats::t975(1);
        assert!((w.ci95_high.unwrap() - 2.0 - half).abs() < 1e-9);
    }

    #[test]
    fn wait_rows_pool_the_bins_of_every_replication() {
        let rows = wait_rows(&[rep(0, 0, None), rep(1, 0, None)]);
        let shares: Vec<(u64, f64, f64)> = rows.iter().map(|r| (r.from_days, r.share, r.cumulative_share)).collect();
        assert_eq!(shares, [(0, 0.25, 0.25), (1, 0.0, 0.25), (2, 0.75, 1.0)]);
        assert!(rows.iter().all(|r| r.measure == "wait_days"), "no selection waits: no rows for them");
    }
}
