//! `cohorts.csv`: outcomes by registration month (and for the whole run), each estimated per
//! replication and given as the mean over replications with a percentile-bootstrap 95 % interval
//! (the values are shares, a count and a median: bounded, often skewed).

use serde::Serialize;

use crate::model::{CohortOutcome, RepResult};
use crate::scenario::Scenario;
use crate::stats::{Interval, Summary};

/// One row of `cohorts.csv` (long form: one measure of one cohort).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CohortRow {
    /// `YYYY-MM`, or `all` for every registration of the run.
    pub cohort: String,
    /// First registration day of the cohort.
    pub from: String,
    /// Day after the cohort's last registration day.
    pub to: String,
    /// The measure (see [`MEASURES`]).
    pub measure: &'static str,
    /// Mean over the replications where it is estimable.
    pub mean: Option<f64>,
    /// Lower end of the 95 % interval.
    pub ci95_low: Option<f64>,
    /// Upper end.
    pub ci95_high: Option<f64>,
    /// Replications where it is estimable (a median not reached, or a share past the last day
    /// anyone of the cohort was followed, is not).
    pub n: usize,
    /// How the interval was made.
    pub interval: &'static str,
}

/// How a measure is read from one replication's cohort.
type Read = fn(&CohortOutcome) -> f64;

/// The measures of each cohort, in column order, with how each is read from a replication.
pub const MEASURES: [(&str, Read); 8] = [
    ("registered_persons", |c| c.registered_persons as f64),
    ("booked_within_30_days", |c| c.booked_within[0]),
    ("booked_within_60_days", |c| c.booked_within[1]),
    ("booked_within_90_days", |c| c.booked_within[2]),
    ("booked_within_180_days", |c| c.booked_within[3]),
    ("abandoned_within_180_days", |c| c.abandoned_within),
    ("waiting_at_end", |c| c.waiting_at_end),
    ("median_days_to_booking", |c| c.median_days_to_booking),
];

/// The rows of `cohorts.csv`: every cohort of the run (its months, then `all`), every measure.
pub fn cohort_rows(s: &Scenario, reps: &[RepResult]) -> Vec<CohortRow> {
    let mut cohorts: Vec<(String, String, String)> =
        s.cohort_months().iter().map(|(a, b)| (a.format("%Y-%m").to_string(), a.to_string(), b.to_string())).collect();
    cohorts.push(("all".into(), s.report_start().to_string(), s.end.to_string()));
    let seed = reps.first().map_or(0, |r| r.seed);
    let mut rows = Vec::new();
    for (c, (label, from, to)) in cohorts.into_iter().enumerate() {
        for (measure, read) in MEASURES {
            let xs: Vec<f64> = reps.iter().filter_map(|r| r.cohorts.get(c)).map(read).collect();
            let tag = label
                .bytes()
                .chain(measure.bytes())
                .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
            let sm = Summary::with(&xs, Interval::BootstrapPercentile, crate::engine::rng::derive(seed, tag));
            let fin = |x: f64| x.is_finite().then_some(x);
            rows.push(CohortRow {
                cohort: label.clone(),
                from: from.clone(),
                to: to.clone(),
                measure,
                mean: fin(sm.mean),
                ci95_low: fin(sm.ci95_low),
                ci95_high: fin(sm.ci95_high),
                n: sm.n,
                interval: Interval::BootstrapPercentile.name(),
            });
        }
    }
    rows
}

/// The whole run's share of `measure` (mean, CI low, CI high), from the rows.
pub fn whole_run<'a>(rows: &'a [CohortRow], measure: &str) -> Option<&'a CohortRow> {
    rows.iter().find(|r| r.cohort == "all" && r.measure == measure)
}

/// The cohort headline: "Of the persons registering from A to B, X % [lo, hi] had an appointment
/// within 90 days and Y % [lo, hi] had given up within 180 days." `booked_90` and `gave_up_180` are
/// (mean, CI low, CI high) shares of the whole run's cohort; `last` is its last registration day.
pub fn cohort_headline(first: &str, last: &str, booked_90: (f64, f64, f64), gave_up_180: (f64, f64, f64)) -> String {
    let pct = |(m, lo, hi): (f64, f64, f64)| {
        if lo.is_finite() && hi.is_finite() {
            format!("{:.1} % [{:.1}, {:.1}]", 100.0 * m, 100.0 * lo, 100.0 * hi)
        } else if m.is_finite() {
            format!("{:.1} %", 100.0 * m)
        } else {
            "(not estimable: the run is too short)".into()
        }
    };
    format!(
        "Of the persons registering from {first} to {last}, {} had an appointment within 90 days and {} had given up within 180 days (Aalen–Johansen estimates, by registration month in cohorts.csv).",
        pct(booked_90),
        pct(gave_up_180)
    )
}

/// The headline for these rows (the whole run's cohort), if there is one.
pub fn headline_of(rows: &[CohortRow]) -> Option<String> {
    let get = |m: &str| {
        whole_run(rows, m).map(|r| {
            let v = |x: Option<f64>| x.unwrap_or(f64::NAN);
            (v(r.mean), v(r.ci95_low), v(r.ci95_high))
        })
    };
    let all = whole_run(rows, "registered_persons")?;
    let last = chrono::NaiveDate::parse_from_str(&all.to, "%Y-%m-%d").ok()?.pred_opt()?;
    Some(cohort_headline(
        &all.from,
        &last.to_string(),
        get("booked_within_90_days")?,
        get("abandoned_within_180_days")?,
    ))
}
