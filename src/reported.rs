//! The reported figures that the historical scenarios are checked against: monthly
//! persons processed, appointments cancelled, and reported waiting times, each with its source, set
//! beside the model's value for the same period. No IO here; `output` writes `record.csv`.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::model::{RepResult, Series};
use crate::scenario::Scenario;
use crate::stats::Summary;

/// How a reported figure bounds the truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// "More than …": the model should be at or above it (within its CI, less 3 % for rounding).
    AtLeast,
    /// "About …": the model should be within 10 %.
    About,
    /// "Up to …" (a maximum): the model's value should not exceed it by more than 10 %.
    AtMost,
}

/// What is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Persons processed at the ports in the period.
    ProcessedPersons,
    /// Persons whose appointments were cancelled.
    CancelledPersons,
    /// Mean wait from registration to booking [days], over the whole run.
    MeanSelectionWait,
    /// Share of bookings within 56 days of registration, over the whole run.
    ShareBookedWithin8Weeks,
    /// 99th percentile of the wait to booking [days], over the whole run.
    P99SelectionWait,
}

impl Measure {
    fn name(self) -> &'static str {
        match self {
            Measure::ProcessedPersons => "processed_persons",
            Measure::CancelledPersons => "cancelled_persons",
            Measure::MeanSelectionWait => "selection_wait_mean_days",
            Measure::ShareBookedWithin8Weeks => "share_booked_within_56_days",
            Measure::P99SelectionWait => "selection_wait_p99_days",
        }
    }
}

/// One reported figure.
#[derive(Debug, Clone, Copy)]
pub struct Figure {
    /// First day of the period.
    pub from: (i32, u32, u32),
    /// Day after the period.
    pub to: (i32, u32, u32),
    /// What it measures.
    pub measure: Measure,
    /// The figure.
    pub value: f64,
    /// How it bounds the truth.
    pub kind: Kind,
    /// Where it comes from: publisher, date and what it says.
    pub source: &'static str,
}

/// The reported figures (CBP monthly updates, DHS, press and research reports).
pub const FIGURES: &[Figure] = &[
    Figure {
        from: (2023, 5, 12),
        to: (2023, 6, 24),
        measure: Measure::ProcessedPersons,
        value: 49_000.0,
        kind: Kind::AtLeast,
        source: "CBP 2023-06-30: >49,000 presented 12 May – 23 Jun 2023",
    },
    Figure {
        from: (2023, 11, 1),
        to: (2023, 12, 1),
        measure: Measure::ProcessedPersons,
        value: 43_000.0,
        kind: Kind::AtLeast,
        source: "CBP via Radio TV Martí: >43,000 in Nov 2023",
    },
    Figure {
        from: (2024, 1, 1),
        to: (2024, 2, 1),
        measure: Measure::ProcessedPersons,
        value: 45_000.0,
        kind: Kind::About,
        source: "CBP: ~45,000 in Jan 2024",
    },
    Figure {
        from: (2024, 3, 1),
        to: (2024, 4, 1),
        measure: Measure::ProcessedPersons,
        value: 44_000.0,
        kind: Kind::About,
        source: "DHS via cubaherald: ~44,0xx a month (~Mar 2024)",
    },
    Figure {
        from: (2024, 5, 1),
        to: (2024, 6, 1),
        measure: Measure::ProcessedPersons,
        value: 44_500.0,
        kind: Kind::AtLeast,
        source: "14ymedio: >44,500 in May 2024",
    },
    Figure {
        from: (2024, 7, 1),
        to: (2024, 8, 1),
        measure: Measure::ProcessedPersons,
        value: 38_000.0,
        kind: Kind::AtLeast,
        source: "OIG coverage: >38,000 in Jul 2024",
    },
    Figure {
        from: (2025, 1, 20),
        to: (2025, 1, 21),
        measure: Measure::CancelledPersons,
        value: 30_000.0,
        kind: Kind::About,
        source: "NYT/WaPo via Newser: ~30,000 held appointments when the app was shut",
    },
    Figure {
        from: (2023, 9, 1),
        to: (2024, 1, 1),
        measure: Measure::ShareBookedWithin8Weeks,
        value: 0.667,
        kind: Kind::AtLeast,
        source: "DHS FAQ (late 2023): more than two-thirds get an appointment in under 8 weeks",
    },
    Figure {
        from: (2024, 4, 1),
        to: (2024, 5, 1),
        measure: Measure::MeanSelectionWait,
        value: 70.0,
        kind: Kind::About,
        source: "DHS (~Apr 2024): average ~10 weeks",
    },
    Figure {
        from: (2024, 8, 1),
        to: (2024, 9, 1),
        measure: Measure::P99SelectionWait,
        value: 270.0,
        kind: Kind::AtMost,
        source: "Strauss Center (Aug 2024): up to 9 months",
    },
];

/// One row of `record.csv`: the model beside the record for one period and measure.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ComparisonRow {
    /// `YYYY-MM` for a calendar month, or `from..to` (to exclusive) for another period.
    pub period: String,
    /// The measure's name.
    pub measure: &'static str,
    /// What the model value covers: `period`, or `whole run` (waiting times are pooled over the run).
    pub model_scope: &'static str,
    /// Model mean over replications.
    pub model_mean: Option<f64>,
    /// Lower end of the model's 95 % CI.
    pub model_ci95_low: Option<f64>,
    /// Upper end.
    pub model_ci95_high: Option<f64>,
    /// The reported figure, if the record has one for this period.
    pub reported: Option<f64>,
    /// `at_least`, `about` or `at_most`.
    pub reported_kind: Option<Kind>,
    /// The verdict: `agrees`, `differs`, or empty without a reported figure.
    pub verdict: &'static str,
    /// Where the figure comes from.
    pub source: &'static str,
}

/// Per-replication values of the metric `name`, with that metric's interval method (Student-t for
/// a measure that is not a metric).
fn summarise(name: &str, xs: &[f64], reps: &[RepResult]) -> Summary {
    let seed = reps.first().map_or(0, |r| r.seed);
    crate::metrics::get(name).map_or_else(|| Summary::of(xs), |m| m.summarise(xs, seed))
}

fn date((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid record date")
}

fn verdict(kind: Kind, reported: f64, s: &Summary) -> &'static str {
    let (lo, hi) = if s.n >= 2 { (s.ci95_low, s.ci95_high) } else { (s.mean, s.mean) };
    let ok = match kind {
        Kind::AtLeast => hi >= reported * 0.97,
        Kind::About => lo <= reported * 1.10 && hi >= reported * 0.90,
        Kind::AtMost => lo <= reported * 1.10,
    };
    if ok { "agrees" } else { "differs" }
}

/// Monthly processed persons for every full month of the horizon, plus every reported figure whose
/// period lies inside the horizon. Empty when the scenario's horizon holds no full month.
pub fn rows(s: &Scenario, reps: &[RepResult], wait_share_56: Option<f64>) -> Vec<ComparisonRow> {
    let day_index = |d: NaiveDate| (d - s.start).num_days();
    let inside = |a: NaiveDate, b: NaiveDate| a >= s.start && b <= s.end;
    let sum_days = |a: NaiveDate, b: NaiveDate, series: Series| -> Summary {
        let (i, j) = (day_index(a) as usize, day_index(b) as usize);
        let xs: Vec<f64> = reps.iter().map(|r| r.daily.get(series)[i..j].iter().sum()).collect();
        summarise(Measure::ProcessedPersons.name(), &xs, reps)
    };
    let fin = |x: f64| x.is_finite().then_some(x);
    let mut out = Vec::new();
    // Every full calendar month: processed persons.
    let mut m = NaiveDate::from_ymd_opt(s.start.year(), s.start.month(), 1).expect("first of month");
    while m < s.end {
        let next = m.checked_add_months(chrono::Months::new(1)).expect("month arithmetic");
        if inside(m, next) {
            let summary = sum_days(m, next, Series::ProcessedPersons);
            let reported = FIGURES
                .iter()
                .find(|r| r.measure == Measure::ProcessedPersons && date(r.from) == m && date(r.to) == next);
            out.push(ComparisonRow {
                period: m.format("%Y-%m").to_string(),
                measure: Measure::ProcessedPersons.name(),
                model_scope: "period",
                model_mean: fin(summary.mean),
                model_ci95_low: fin(summary.ci95_low),
                model_ci95_high: fin(summary.ci95_high),
                reported: reported.map(|r| r.value),
                reported_kind: reported.map(|r| r.kind),
                verdict: reported.map_or("", |r| verdict(r.kind, r.value, &summary)),
                source: reported.map_or("", |r| r.source),
            });
        }
        m = next;
    }
    // The other reported figures whose period lies in the horizon.
    for r in FIGURES {
        let (a, b) = (date(r.from), date(r.to));
        let is_month = a.day() == 1 && a.checked_add_months(chrono::Months::new(1)) == Some(b);
        if !inside(a, b) || (r.measure == Measure::ProcessedPersons && is_month) {
            continue;
        }
        let per_rep: Vec<f64> = match r.measure {
            Measure::ProcessedPersons => reps
                .iter()
                .map(|x| {
                    x.daily.get(Series::ProcessedPersons)[day_index(a) as usize..day_index(b) as usize].iter().sum()
                })
                .collect(),
            Measure::CancelledPersons => reps.iter().map(|x| x.counts.cancelled_persons as f64).collect(),
            Measure::MeanSelectionWait => reps.iter().map(|x| x.selection_wait.map_or(f64::NAN, |w| w.mean)).collect(),
            Measure::P99SelectionWait => reps.iter().map(|x| x.selection_wait.map_or(f64::NAN, |w| w.p99)).collect(),
            Measure::ShareBookedWithin8Weeks => vec![wait_share_56.unwrap_or(f64::NAN)],
        };
        let summary = summarise(r.measure.name(), &per_rep, reps);
        out.push(ComparisonRow {
            period: format!("{a}..{b}"),
            measure: r.measure.name(),
            model_scope: match r.measure {
                Measure::ProcessedPersons | Measure::CancelledPersons => "period",
                _ => "whole run",
            },
            model_mean: fin(summary.mean),
            model_ci95_low: fin(summary.ci95_low),
            model_ci95_high: fin(summary.ci95_high),
            reported: Some(r.value),
            reported_kind: Some(r.kind),
            verdict: if summary.n == 0 { "" } else { verdict(r.kind, r.value, &summary) },
            source: r.source,
        });
    }
    out
}
