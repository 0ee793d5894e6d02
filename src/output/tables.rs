//! The CSV and JSON tables of a run (SPEC §5), built as bytes by pure functions so they can be
//! compared byte for byte in tests. Column names are fixed: scripts depend on them.

use serde::Serialize;

use crate::model::{RepResult, Series, WaitStats};
use crate::scenario::Scenario;
use crate::stats::{self, Summary};

/// One row of `replications.csv`, columns in SPEC §5 order (extra columns last).
#[derive(Debug, Clone, Serialize)]
pub struct ReplicationRow {
    /// Replication index.
    pub replication: u64,
    /// Replication seed.
    pub seed: u64,
    /// Groups waiting at time 0.
    pub initial_groups: u64,
    /// Persons waiting at time 0.
    pub initial_persons: u64,
    /// Groups registered during the run.
    pub arrived_groups: u64,
    /// Persons registered during the run.
    pub arrived_persons: u64,
    /// Selections.
    pub selected_groups: u64,
    /// Groups booked.
    pub booked_groups: u64,
    /// Persons booked.
    pub booked_persons: u64,
    /// Groups processed.
    pub processed_groups: u64,
    /// Persons processed.
    pub processed_persons: u64,
    /// Groups that abandoned.
    pub abandoned_groups: u64,
    /// Persons that abandoned.
    pub abandoned_persons: u64,
    /// Groups that did not show up.
    pub no_show_groups: u64,
    /// Missed confirmations.
    pub missed_confirmations: u64,
    /// Missed confirmations whose window overlapped an outage.
    pub missed_in_outage: u64,
    /// Unused quota [quota units].
    pub unused_slots: u64,
    /// Groups waiting at the end.
    pub final_waiting_groups: u64,
    /// Persons waiting at the end.
    pub final_waiting_persons: u64,
    /// Groups selected at the end.
    pub final_selected_groups: u64,
    /// Groups booked at the end.
    pub final_booked_groups: u64,
    /// Time-average waiting groups over `[warmup, end)`.
    pub mean_waiting_groups: f64,
    /// Time-average waiting persons over `[warmup, end)`.
    pub mean_waiting_persons: f64,
    /// Maximum waiting persons.
    pub max_waiting_persons: u64,
    /// Mean wait, registration to processing [days]; empty without observations.
    pub wait_mean_days: Option<f64>,
    /// Median wait [days].
    pub wait_p50_days: Option<f64>,
    /// 90th percentile wait [days].
    pub wait_p90_days: Option<f64>,
    /// 99th percentile wait [days].
    pub wait_p99_days: Option<f64>,
    /// Mean wait, registration to booking [days].
    pub selection_wait_mean_days: Option<f64>,
    /// Median selection wait [days].
    pub selection_wait_p50_days: Option<f64>,
    /// 90th percentile selection wait [days].
    pub selection_wait_p90_days: Option<f64>,
    /// 99th percentile selection wait [days].
    pub selection_wait_p99_days: Option<f64>,
    /// Persons that did not show up.
    pub no_show_persons: u64,
    /// Persons selected at the end.
    pub final_selected_persons: u64,
    /// Persons booked at the end.
    pub final_booked_persons: u64,
    /// Persons selected (with repeats).
    pub selected_persons: u64,
    /// Persons in missed confirmations.
    pub missed_persons: u64,
    /// Maximum waiting groups.
    pub max_waiting_groups: u64,
    /// Processed groups whose wait is measured (registered after warm-up).
    pub wait_n: u64,
    /// Booked groups whose selection wait is measured.
    pub selection_wait_n: u64,
    /// Appointments cancelled by `appointment.cancel_from`.
    pub cancelled_appointments: u64,
    /// Persons whose appointments were cancelled.
    pub cancelled_persons: u64,
}

impl ReplicationRow {
    /// Flattens one replication.
    pub fn of(r: &RepResult) -> ReplicationRow {
        let c = &r.counts;
        let w = |f: fn(&WaitStats) -> f64, s: &Option<WaitStats>| s.as_ref().map(f);
        ReplicationRow {
            replication: r.replication,
            seed: r.seed,
            initial_groups: c.initial_groups,
            initial_persons: c.initial_persons,
            arrived_groups: c.arrived_groups,
            arrived_persons: c.arrived_persons,
            selected_groups: c.selected_groups,
            booked_groups: c.booked_groups,
            booked_persons: c.booked_persons,
            processed_groups: c.processed_groups,
            processed_persons: c.processed_persons,
            abandoned_groups: c.abandoned_groups,
            abandoned_persons: c.abandoned_persons,
            no_show_groups: c.no_show_groups,
            missed_confirmations: c.missed_confirmations,
            missed_in_outage: c.missed_in_outage,
            unused_slots: c.unused_slots,
            final_waiting_groups: c.final_waiting_groups,
            final_waiting_persons: c.final_waiting_persons,
            final_selected_groups: c.final_selected_groups,
            final_booked_groups: c.final_booked_groups,
            mean_waiting_groups: r.mean_waiting_groups,
            mean_waiting_persons: r.mean_waiting_persons,
            max_waiting_persons: r.max_waiting_persons,
            wait_mean_days: w(|s| s.mean, &r.wait),
            wait_p50_days: w(|s| s.p50, &r.wait),
            wait_p90_days: w(|s| s.p90, &r.wait),
            wait_p99_days: w(|s| s.p99, &r.wait),
            selection_wait_mean_days: w(|s| s.mean, &r.selection_wait),
            selection_wait_p50_days: w(|s| s.p50, &r.selection_wait),
            selection_wait_p90_days: w(|s| s.p90, &r.selection_wait),
            selection_wait_p99_days: w(|s| s.p99, &r.selection_wait),
            no_show_persons: c.no_show_persons,
            final_selected_persons: c.final_selected_persons,
            final_booked_persons: c.final_booked_persons,
            selected_persons: c.selected_persons,
            missed_persons: c.missed_persons,
            max_waiting_groups: r.max_waiting_groups,
            wait_n: r.wait.map_or(0, |s| s.n),
            selection_wait_n: r.selection_wait.map_or(0, |s| s.n),
            cancelled_appointments: c.cancelled_appointments,
            cancelled_persons: c.cancelled_persons,
        }
    }

    /// The metric columns (everything but `replication` and `seed`) as (name, value; NaN if empty).
    pub fn metrics(&self) -> Vec<(&'static str, f64)> {
        let o = |x: Option<f64>| x.unwrap_or(f64::NAN);
        vec![
            ("initial_groups", self.initial_groups as f64),
            ("initial_persons", self.initial_persons as f64),
            ("arrived_groups", self.arrived_groups as f64),
            ("arrived_persons", self.arrived_persons as f64),
            ("selected_groups", self.selected_groups as f64),
            ("booked_groups", self.booked_groups as f64),
            ("booked_persons", self.booked_persons as f64),
            ("processed_groups", self.processed_groups as f64),
            ("processed_persons", self.processed_persons as f64),
            ("abandoned_groups", self.abandoned_groups as f64),
            ("abandoned_persons", self.abandoned_persons as f64),
            ("no_show_groups", self.no_show_groups as f64),
            ("missed_confirmations", self.missed_confirmations as f64),
            ("missed_in_outage", self.missed_in_outage as f64),
            ("unused_slots", self.unused_slots as f64),
            ("final_waiting_groups", self.final_waiting_groups as f64),
            ("final_waiting_persons", self.final_waiting_persons as f64),
            ("final_selected_groups", self.final_selected_groups as f64),
            ("final_booked_groups", self.final_booked_groups as f64),
            ("mean_waiting_groups", self.mean_waiting_groups),
            ("mean_waiting_persons", self.mean_waiting_persons),
            ("max_waiting_persons", self.max_waiting_persons as f64),
            ("wait_mean_days", o(self.wait_mean_days)),
            ("wait_p50_days", o(self.wait_p50_days)),
            ("wait_p90_days", o(self.wait_p90_days)),
            ("wait_p99_days", o(self.wait_p99_days)),
            ("selection_wait_mean_days", o(self.selection_wait_mean_days)),
            ("selection_wait_p50_days", o(self.selection_wait_p50_days)),
            ("selection_wait_p90_days", o(self.selection_wait_p90_days)),
            ("selection_wait_p99_days", o(self.selection_wait_p99_days)),
            ("no_show_persons", self.no_show_persons as f64),
            ("final_selected_persons", self.final_selected_persons as f64),
            ("final_booked_persons", self.final_booked_persons as f64),
            ("selected_persons", self.selected_persons as f64),
            ("missed_persons", self.missed_persons as f64),
            ("max_waiting_groups", self.max_waiting_groups as f64),
            ("wait_n", self.wait_n as f64),
            ("selection_wait_n", self.selection_wait_n as f64),
            ("cancelled_appointments", self.cancelled_appointments as f64),
            ("cancelled_persons", self.cancelled_persons as f64),
        ]
    }
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
    let names: Vec<&str> = rows.first().map(|r| r.metrics().iter().map(|(n, _)| *n).collect()).unwrap_or_default();
    let columns: Vec<Vec<(&str, f64)>> = rows.iter().map(ReplicationRow::metrics).collect();
    names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let xs: Vec<f64> = columns.iter().map(|c| c[k].1).collect();
            let s = Summary::of(&xs);
            SummaryRow {
                metric: name.to_string(),
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
