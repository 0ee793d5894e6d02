//! Every metric of a replication, defined once: its column name, unit, labels, description, how it is
//! summarised (counts, bounded below and often rare or skewed, with a percentile bootstrap; waits and
//! time-averages with Student-t), and how it is computed from a [`Measures`], the whole's or a port's. `replications.csv`, `summary.csv`, the
//! terminal table, the report's headline table, `sweep.csv` and `compare` all read [`METRICS`].
//!
//! Adding a metric means adding its definition here (and computing it in the model); every table
//! follows. New metrics go at the end: `replications.csv` keeps its columns and their order.

use crate::model::{Measures, WaitStats};
use crate::stats::Summary;

/// One replication's value of a metric, typed as `replications.csv` writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A count (written as an integer).
    Count(u64),
    /// A real number.
    Real(f64),
    /// A real number that may be missing (a wait with no observations: an empty cell).
    Maybe(Option<f64>),
}

impl Value {
    /// The value as a number; NaN when missing.
    pub fn as_f64(self) -> f64 {
        match self {
            Value::Count(x) => x as f64,
            Value::Real(x) => x,
            Value::Maybe(x) => x.unwrap_or(f64::NAN),
        }
    }
}

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Value::Count(x) => s.serialize_u64(x),
            Value::Real(x) => s.serialize_f64(x),
            Value::Maybe(Some(x)) => s.serialize_some(&x),
            Value::Maybe(None) => s.serialize_none(),
        }
    }
}

pub use crate::stats::Interval;

/// A metric's definition.
#[derive(Debug)]
pub struct Metric {
    /// Column name in `replications.csv` and `metric` in `summary.csv`.
    pub name: &'static str,
    /// Unit ("persons", "groups", "days", "quota units").
    pub unit: &'static str,
    /// Label in the terminal's summary table.
    pub short: &'static str,
    /// Label in the report's headline table.
    pub long: &'static str,
    /// One line saying what is counted, over which groups and which period.
    pub description: &'static str,
    /// Decimals shown in tables.
    pub decimals: usize,
    /// How it is summarised across replications.
    pub interval: Interval,
    /// Position in the headline tables (terminal and report), if shown there.
    pub headline: Option<u8>,
    /// Shown in the headline only when the scenario cancels appointments.
    pub only_with_cancellations: bool,
    /// Position among the sweep's metrics (`sweep.csv`, `compare`), if there.
    pub sweep: Option<u8>,
    /// The value of one replication.
    pub value: fn(&Measures) -> Value,
}

impl Metric {
    /// The label for a chart axis or a table column: the long label with its unit in brackets
    /// ("Persons processed at the port \[persons\]").
    pub fn axis_label(&self) -> String {
        if self.long.contains('[') { self.long.to_string() } else { format!("{} [{}]", self.long, self.unit) }
    }

    /// Decimals to show for a value `x` of this metric: its own, or 3 for a small value of a
    /// metric shown with decimals (a mean wait of 0.512 days must not read 0.5).
    pub fn decimals_for(&self, x: f64) -> usize {
        if self.decimals > 0 && x.abs() < 10.0 { 3 } else { self.decimals }
    }

    /// Summarises this metric's values over replications with its interval method. A bootstrap
    /// resamples with a stream derived from replication 0's seed (itself derived from the run's
    /// seed only) and the metric's name, so an interval depends neither on threads or shards nor on
    /// which other metrics exist.
    pub fn summarise(&self, xs: &[f64], replication0_seed: u64) -> Summary {
        let tag =
            self.name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
        Summary::with(xs, self.interval, crate::engine::rng::derive(replication0_seed, tag))
    }
}

/// A count metric.
const fn count(
    name: &'static str,
    unit: &'static str,
    short: &'static str,
    long: &'static str,
    description: &'static str,
    value: fn(&Measures) -> Value,
) -> Metric {
    Metric {
        name,
        unit,
        short,
        long,
        description,
        decimals: 0,
        interval: Interval::BootstrapPercentile,
        headline: None,
        only_with_cancellations: false,
        sweep: None,
        value,
    }
}

/// A waiting-time metric \[days\].
const fn wait(
    name: &'static str,
    short: &'static str,
    long: &'static str,
    description: &'static str,
    value: fn(&Measures) -> Value,
) -> Metric {
    Metric { decimals: 1, interval: Interval::StudentT, ..count(name, "days", short, long, description, value) }
}

/// A time-average: continuous, summarised with Student-t.
const fn average(m: Metric) -> Metric {
    Metric { interval: Interval::StudentT, ..m }
}

/// Positions a metric in the headline tables.
const fn headline(m: Metric, rank: u8) -> Metric {
    Metric { headline: Some(rank), ..m }
}

/// Positions a metric among the sweep's metrics.
const fn sweep(m: Metric, rank: u8) -> Metric {
    Metric { sweep: Some(rank), ..m }
}

fn w(s: &Option<WaitStats>, f: fn(&WaitStats) -> f64) -> Value {
    Value::Maybe(s.as_ref().map(f))
}

/// Every metric, in `replications.csv` column order (after `replication` and `seed`).
#[rustfmt::skip]
pub static METRICS: &[Metric] = &[
    count("initial_groups", "groups", "groups waiting at the start", "Groups waiting at the start", "groups in the initial backlog at the start", |r| Value::Count(r.counts.initial_groups)),
    count("initial_persons", "persons", "persons waiting at the start", "Persons waiting at the start", "persons in the initial backlog at the start", |r| Value::Count(r.counts.initial_persons)),
    count("arrived_groups", "groups", "groups registered", "Groups registered during the run", "groups registering during the run", |r| Value::Count(r.counts.arrived_groups)),
    headline(count("arrived_persons", "persons", "persons registered", "Persons registered during the run", "persons registering during the run", |r| Value::Count(r.counts.arrived_persons)), 2),
    count("selected_groups", "groups", "selections [groups]", "Selections [groups]", "selections by the allocation (a group selected twice counts twice)", |r| Value::Count(r.counts.selected_groups)),
    count("booked_groups", "groups", "groups booked", "Groups booked", "bookings (a group booked again after a cancellation counts twice)", |r| Value::Count(r.counts.booked_groups)),
    count("booked_persons", "persons", "persons booked", "Persons booked", "persons in bookings", |r| Value::Count(r.counts.booked_persons)),
    count("processed_groups", "groups", "groups processed", "Groups processed at the port", "groups processed at their appointment before the end", |r| Value::Count(r.counts.processed_groups)),
    sweep(headline(count("processed_persons", "persons", "persons processed", "Persons processed at the port", "persons processed at their appointment before the end", |r| Value::Count(r.counts.processed_persons)), 1), 5),
    count("abandoned_groups", "groups", "groups abandoned", "Groups who abandoned", "groups that gave up while waiting (or were dropped after a miss)", |r| Value::Count(r.counts.abandoned_groups)),
    sweep(headline(count("abandoned_persons", "persons", "persons abandoned", "Persons who abandoned", "persons that gave up while waiting (or were dropped after a miss)", |r| Value::Count(r.counts.abandoned_persons)), 3), 6),
    count("no_show_groups", "groups", "no-shows [groups]", "No-shows [groups]", "booked groups that did not come to their appointment", |r| Value::Count(r.counts.no_show_groups)),
    sweep(headline(count("missed_confirmations", "groups", "missed confirmations [groups]", "Missed confirmations [groups]", "selections whose confirmation window ended without a booking", |r| Value::Count(r.counts.missed_confirmations)), 11), 7),
    headline(count("missed_in_outage", "groups", "  of which in an outage", "… of which during an outage [groups]", "missed confirmations whose window overlapped a confirmation outage", |r| Value::Count(r.counts.missed_in_outage)), 12),
    headline(count("unused_slots", "quota units", "unused slots", "Unused slots", "quota left unused by the allocations", |r| Value::Count(r.counts.unused_slots)), 13),
    count("final_waiting_groups", "groups", "groups waiting at the end", "Groups waiting at the end", "groups waiting in the pool at the end", |r| Value::Count(r.counts.final_waiting_groups)),
    headline(count("final_waiting_persons", "persons", "persons waiting at the end", "Persons waiting at the end", "persons waiting in the pool at the end", |r| Value::Count(r.counts.final_waiting_persons)), 10),
    count("final_selected_groups", "groups", "groups confirming at the end", "Groups confirming at the end", "groups selected but not yet booked at the end", |r| Value::Count(r.counts.final_selected_groups)),
    count("final_booked_groups", "groups", "groups booked at the end", "Groups booked at the end", "groups booked whose appointment is at or after the end", |r| Value::Count(r.counts.final_booked_groups)),
    average(count("mean_waiting_groups", "groups", "groups waiting, time-average", "Groups waiting, time-average", "groups in the pool, time-average over the statistics window", |r| Value::Real(r.mean_waiting_groups))),
    sweep(headline(average(count("mean_waiting_persons", "persons", "persons waiting, time-average", "Persons waiting, time-average", "persons in the pool, time-average over the statistics window", |r| Value::Real(r.mean_waiting_persons))), 8), 8),
    sweep(headline(count("max_waiting_persons", "persons", "persons waiting, maximum", "Persons waiting, maximum", "largest number of persons in the pool over the whole run", |r| Value::Count(r.max_waiting_persons)), 9), 9),
    sweep(headline(wait("wait_mean_days", "wait to processing, mean [days]", "Wait from registration to processing, mean [days]", "registration to processing, mean over groups processed before the end (registered in the window)", |r| w(&r.wait, |s| s.mean)), 4), 1),
    sweep(headline(wait("wait_p50_days", "wait to processing, median [days]", "Wait to processing, median [days]", "registration to processing, median over the same groups", |r| w(&r.wait, |s| s.p50)), 5), 2),
    sweep(headline(wait("wait_p90_days", "wait to processing, p90 [days]", "Wait to processing, 90th percentile [days]", "registration to processing, 90th percentile over the same groups", |r| w(&r.wait, |s| s.p90)), 6), 3),
    wait("wait_p99_days", "wait to processing, p99 [days]", "Wait to processing, 99th percentile [days]", "registration to processing, 99th percentile over the same groups", |r| w(&r.wait, |s| s.p99)),
    sweep(headline(wait("selection_wait_mean_days", "wait to booking, mean [days]", "Wait from registration to booking, mean [days]", "registration to booking, mean over groups booked before the end (registered in the window)", |r| w(&r.booking_wait, |s| s.mean)), 7), 4),
    wait("selection_wait_p50_days", "wait to booking, median [days]", "Wait to booking, median [days]", "registration to booking, median over the same groups", |r| w(&r.booking_wait, |s| s.p50)),
    wait("selection_wait_p90_days", "wait to booking, p90 [days]", "Wait to booking, 90th percentile [days]", "registration to booking, 90th percentile over the same groups", |r| w(&r.booking_wait, |s| s.p90)),
    wait("selection_wait_p99_days", "wait to booking, p99 [days]", "Wait to booking, 99th percentile [days]", "registration to booking, 99th percentile over the same groups", |r| w(&r.booking_wait, |s| s.p99)),
    count("no_show_persons", "persons", "no-shows [persons]", "No-shows [persons]", "persons in booked groups that did not come to their appointment", |r| Value::Count(r.counts.no_show_persons)),
    count("final_selected_persons", "persons", "persons confirming at the end", "Persons confirming at the end", "persons selected but not yet booked at the end", |r| Value::Count(r.counts.final_selected_persons)),
    count("final_booked_persons", "persons", "persons booked at the end", "Persons booked at the end", "persons booked whose appointment is at or after the end", |r| Value::Count(r.counts.final_booked_persons)),
    count("selected_persons", "persons", "selections [persons]", "Selections [persons]", "persons in selections (with repeats)", |r| Value::Count(r.counts.selected_persons)),
    count("missed_persons", "persons", "missed confirmations [persons]", "Missed confirmations [persons]", "persons in missed confirmations", |r| Value::Count(r.counts.missed_persons)),
    count("max_waiting_groups", "groups", "groups waiting, maximum", "Groups waiting, maximum", "largest number of groups in the pool over the whole run", |r| Value::Count(r.max_waiting_groups)),
    count("wait_n", "groups", "processed groups with a measured wait", "Processed groups with a measured wait", "groups whose wait to processing is measured", |r| Value::Count(r.wait.map_or(0, |s| s.n))),
    count("selection_wait_n", "groups", "booked groups with a measured wait", "Booked groups with a measured wait", "groups whose wait to booking is measured", |r| Value::Count(r.booking_wait.map_or(0, |s| s.n))),
    count("cancelled_appointments", "groups", "cancelled appointments", "Cancelled appointments", "appointments cancelled by appointment.cancel_from", |r| Value::Count(r.counts.cancelled_appointments)),
    Metric { headline: Some(14), only_with_cancellations: true, ..count("cancelled_persons", "persons", "persons with cancelled appointments", "Persons whose appointments were cancelled", "persons whose appointments were cancelled", |r| Value::Count(r.counts.cancelled_persons)) },
    average(count("mean_requests_groups", "groups", "requests a day [groups]", "Requests a day [groups]", "expected requests for each allocation (eligible groups × request probability), mean over the reported days", |r| Value::Real(r.mean_requests_groups))),
    average(count("mean_requests_persons", "persons", "requests a day [persons]", "Requests a day [persons]", "expected requests for each allocation in persons (eligible persons × request probability), mean over the reported days", |r| Value::Real(r.mean_requests_persons))),
];

/// Metrics measured only per port (`ports.csv`), defined like those of [`METRICS`].
#[rustfmt::skip]
pub static PORT_ONLY: &[Metric] = &[
    count("slots", "quota units", "slots given out", "Slots given out", "slots the port's allocations gave out, after closures, redistribution and reissued slots", |r| Value::Count(r.counts.slots)),
    count("moved_in_persons", "persons", "persons who moved in", "Persons who moved in from other ports", "persons waiting at another port who moved to this one", |r| Value::Count(r.counts.moved_in_persons)),
    count("moved_out_persons", "persons", "persons who moved out", "Persons who moved out to other ports", "persons waiting at this port who moved to another", |r| Value::Count(r.counts.moved_out_persons)),
];

/// The metrics of `ports.csv`, in row order: those of [`METRICS`] that a port measures, then
/// [`PORT_ONLY`].
pub fn port_metrics() -> Vec<&'static Metric> {
    const SHARED: [&str; 18] = [
        "arrived_persons",
        "booked_persons",
        "processed_persons",
        "abandoned_persons",
        "no_show_persons",
        "cancelled_persons",
        "unused_slots",
        "final_waiting_persons",
        "mean_waiting_persons",
        "max_waiting_persons",
        "wait_mean_days",
        "wait_p50_days",
        "wait_p90_days",
        "selection_wait_mean_days",
        "selection_wait_p90_days",
        "wait_n",
        "mean_requests_groups",
        "mean_requests_persons",
    ];
    SHARED.iter().map(|n| get(n).expect("a metric of METRICS")).chain(PORT_ONLY).collect()
}

/// The metric named `name`.
pub fn get(name: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|m| m.name == name)
}

/// The headline metrics, in display order.
pub fn headline_metrics() -> Vec<&'static Metric> {
    let mut v: Vec<&Metric> = METRICS.iter().filter(|m| m.headline.is_some()).collect();
    v.sort_by_key(|m| m.headline);
    v
}

/// The sweep's metrics (`sweep.csv`, `compare`), in column order.
pub fn sweep_metrics() -> Vec<&'static Metric> {
    let mut v: Vec<&Metric> = METRICS.iter().filter(|m| m.sweep.is_some()).collect();
    v.sort_by_key(|m| m.sweep);
    v
}

/// Writes `x` with thousands separators and `decimals` places ("1,234,567", "-1,234.5"): the one
/// digit grouping of tables, charts, reports and `events.csv`.
pub fn group_digits(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_ranks_distinct() {
        let mut names: Vec<&str> = METRICS.iter().map(|m| m.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), METRICS.len());
        for ranks in [
            headline_metrics().iter().map(|m| m.headline).collect::<Vec<_>>(),
            sweep_metrics().iter().map(|m| m.sweep).collect(),
        ] {
            let mut r = ranks.clone();
            r.dedup();
            assert_eq!(r, ranks, "duplicate rank");
        }
        assert_eq!(sweep_metrics().len(), 9);
        assert_eq!(headline_metrics()[0].name, "processed_persons");
    }

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(1234567.0, 0), "1,234,567");
        assert_eq!(group_digits(12.345, 1), "12.3");
        assert_eq!(group_digits(-1234.5, 1), "-1,234.5");
        assert_eq!(group_digits(999.0, 0), "999");
    }
}
