//! Calibration targets: what the model must come near, over which period, at which port, and how
//! far off counts. From a CSV (`from,to,metric,value,tolerance`, and optionally `port`) or from the
//! reported figures of the record, those about a port of the scenario included.

use chrono::NaiveDate;

use crate::engine::time::{DAY, SimTime};
use crate::model::{PortSeries, RepResult, Series};
use crate::reported::{FIGURES, Kind};
use crate::scenario::Scenario;

/// What a target measures, over its period `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetMetric {
    /// Persons processed in the period.
    ProcessedPersons,
    /// Persons booked in the period.
    BookedPersons,
    /// Persons who gave up in the period.
    AbandonedPersons,
    /// Persons waiting, time-average over the period.
    WaitingPersons,
    /// Mean wait from registration to booking of the groups booked in the period \[days\].
    SelectionWaitMeanDays,
    /// Mean wait from registration to processing \[days\]: the whole reported period only.
    WaitMeanDays,
}

/// The metric names a target may use.
pub const METRIC_NAMES: [&str; 6] = [
    "processed_persons",
    "booked_persons",
    "waiting_persons",
    "wait_mean_days",
    "selection_wait_mean_days",
    "abandoned_persons",
];

impl TargetMetric {
    fn of(name: &str) -> Option<TargetMetric> {
        Some(match name {
            "processed_persons" => TargetMetric::ProcessedPersons,
            "booked_persons" => TargetMetric::BookedPersons,
            "abandoned_persons" => TargetMetric::AbandonedPersons,
            "waiting_persons" => TargetMetric::WaitingPersons,
            "selection_wait_mean_days" => TargetMetric::SelectionWaitMeanDays,
            "wait_mean_days" => TargetMetric::WaitMeanDays,
            _ => return None,
        })
    }

    /// The target file's name of the metric.
    pub fn name(self) -> &'static str {
        match self {
            TargetMetric::ProcessedPersons => "processed_persons",
            TargetMetric::BookedPersons => "booked_persons",
            TargetMetric::AbandonedPersons => "abandoned_persons",
            TargetMetric::WaitingPersons => "waiting_persons",
            TargetMetric::SelectionWaitMeanDays => "selection_wait_mean_days",
            TargetMetric::WaitMeanDays => "wait_mean_days",
        }
    }
}

/// How a target bounds the truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// The value itself, give or take its scale.
    Equal,
    /// At least the value: nothing above it counts.
    AtLeast,
    /// At most the value: nothing below it counts.
    AtMost,
}

/// One target.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// First day of the period.
    pub from: NaiveDate,
    /// Day after the period.
    pub to: NaiveDate,
    /// What it measures.
    pub metric: TargetMetric,
    /// The value.
    pub value: f64,
    /// Its standard uncertainty, in its unit (> 0): the loss's scale.
    pub scale: f64,
    /// How it bounds the truth.
    pub bound: Bound,
    /// The port of entry it is about (index and id); `None`: every port together.
    pub port: Option<(usize, String)>,
}

impl Target {
    /// The target's name in file headers and charts: `metric:from..to`, or `metric@port:from..to`.
    pub fn label(&self) -> String {
        match &self.port {
            Some((_, id)) => format!("{}@{id}:{}..{}", self.metric.name(), self.from, self.to),
            None => format!("{}:{}..{}", self.metric.name(), self.from, self.to),
        }
    }

    /// The loss of a model value: 0 on the feasible side of a bound, else the squared
    /// standardised difference.
    pub fn loss(&self, model: f64) -> f64 {
        if !model.is_finite() {
            return 1e6;
        }
        let d = (model - self.value) / self.scale;
        match self.bound {
            Bound::AtLeast if model >= self.value => 0.0,
            Bound::AtMost if model <= self.value => 0.0,
            _ => d * d,
        }
    }

    /// The model's value in one replication (`window`: its booking window, among the whole's or
    /// its port's, for waits to booking).
    pub fn model_value(&self, s: &Scenario, r: &RepResult, window: Option<usize>) -> f64 {
        let day = |d: NaiveDate| (d - s.report_start()).num_days() as usize;
        let (a, b) = (day(self.from), day(self.to));
        if let Some((p, _)) = &self.port {
            return self.port_value(r, *p, (a, b), window);
        }
        let sum = |series: Series| (a..b).map(|d| r.daily.value(series, d)).sum::<f64>();
        match self.metric {
            TargetMetric::ProcessedPersons => sum(Series::ProcessedPersons),
            TargetMetric::BookedPersons => sum(Series::BookedPersons),
            TargetMetric::AbandonedPersons => sum(Series::AbandonedPersons),
            TargetMetric::WaitingPersons => sum(Series::WaitingPersons) / (b - a) as f64,
            TargetMetric::SelectionWaitMeanDays => {
                window.and_then(|k| r.whole.booking_windows.get(k)).and_then(|w| w.wait).map_or(f64::NAN, |w| w.mean)
            }
            TargetMetric::WaitMeanDays => r.whole.wait.map_or(f64::NAN, |w| w.mean),
        }
    }

    /// The model's value at port `p` over the reported days `[a, b)`.
    fn port_value(&self, r: &RepResult, p: usize, (a, b): (usize, usize), window: Option<usize>) -> f64 {
        let (Some(daily), Some(port)) = (r.port_daily.as_deref(), r.ports.get(p)) else { return f64::NAN };
        let sum = |series: PortSeries| (a..b).map(|d| daily.get(p, series, d) as f64).sum::<f64>() / series.scale();
        match self.metric {
            TargetMetric::ProcessedPersons => sum(PortSeries::ProcessedPersons),
            TargetMetric::BookedPersons => sum(PortSeries::BookedPersons),
            TargetMetric::AbandonedPersons => sum(PortSeries::AbandonedPersons),
            TargetMetric::WaitingPersons => sum(PortSeries::WaitingPersons) / (b - a) as f64,
            TargetMetric::SelectionWaitMeanDays => {
                window.and_then(|k| port.booking_windows.get(k)).and_then(|w| w.wait).map_or(f64::NAN, |w| w.mean)
            }
            TargetMetric::WaitMeanDays => port.wait.map_or(f64::NAN, |w| w.mean),
        }
    }
}

/// The booking windows the targets on waits to booking of every port together need, in target
/// order \[s\].
pub fn booking_windows(s: &Scenario, targets: &[Target]) -> Vec<(SimTime, SimTime)> {
    let secs = |d: NaiveDate| (d - s.start).num_days() * DAY;
    targets
        .iter()
        .filter(|t| t.metric == TargetMetric::SelectionWaitMeanDays && t.port.is_none())
        .map(|t| (secs(t.from), secs(t.to)))
        .collect()
}

/// The booking windows the targets on waits to booking at one port need, in target order, with
/// the port's index \[s\].
pub fn port_booking_windows(s: &Scenario, targets: &[Target]) -> Vec<(SimTime, SimTime, usize)> {
    let secs = |d: NaiveDate| (d - s.start).num_days() * DAY;
    targets
        .iter()
        .filter(|t| t.metric == TargetMetric::SelectionWaitMeanDays)
        .filter_map(|t| t.port.as_ref().map(|(p, _)| (secs(t.from), secs(t.to), *p)))
        .collect()
}

/// The index of each target's booking window among those of its port (or of the whole), for
/// [`Target::model_value`]; `None` for targets on other metrics.
pub fn window_indices(targets: &[Target]) -> Vec<Option<usize>> {
    let mut next = std::collections::BTreeMap::new();
    targets
        .iter()
        .map(|t| {
            (t.metric == TargetMetric::SelectionWaitMeanDays).then(|| {
                let k = next.entry(t.port.as_ref().map(|(p, _)| *p)).or_insert(0);
                *k += 1;
                *k - 1
            })
        })
        .collect()
}

/// Reads a target CSV (`from,to,metric,value,tolerance`, optionally then `port`: a port's id, or
/// empty for every port together); every error names the file and line.
pub fn read_csv(label: &str, text: &str, s: &Scenario) -> Result<Vec<Target>, String> {
    let mut r = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().map_err(|e| format!("{label}:1: {e}"))?.iter().map(str::to_string).collect();
    let with_port = header == ["from", "to", "metric", "value", "tolerance", "port"];
    if !with_port && header != ["from", "to", "metric", "value", "tolerance"] {
        return Err(format!(
            "{label}:1: the columns are {}: expected from,to,metric,value,tolerance (and optionally port)",
            header.join(",")
        ));
    }
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| format!("{label}:{line}: {e}"))?;
        let date = |k: usize, name: &str| {
            rec[k]
                .parse::<NaiveDate>()
                .map_err(|_| format!("{label}:{line}: {name} = {:?} is not a date: expected YYYY-MM-DD", &rec[k]))
        };
        let (from, to) = (date(0, "from")?, date(1, "to")?);
        let metric = TargetMetric::of(&rec[2]).ok_or_else(|| {
            format!(
                "{label}:{line}: metric = {:?} is not a target metric: expected one of {}",
                &rec[2],
                METRIC_NAMES.join(", ")
            )
        })?;
        let num = |k: usize, name: &str| {
            rec[k]
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("{label}:{line}: {name} = {:?} is not a number", &rec[k]))
        };
        let (value, scale) = (num(3, "value")?, num(4, "tolerance")?);
        if scale <= 0.0 {
            return Err(format!(
                "{label}:{line}: tolerance = {scale} is not positive: expected the target's standard uncertainty, > 0"
            ));
        }
        check_period(s, from, to, metric).map_err(|e| format!("{label}:{line}: {e}"))?;
        let port = match rec.get(5).filter(|id| with_port && !id.is_empty()) {
            None => None,
            Some(id) => Some((port_index(s, id).map_err(|e| format!("{label}:{line}: {e}"))?, id.to_string())),
        };
        out.push(Target { from, to, metric, value, scale, bound: Bound::Equal, port });
    }
    if out.is_empty() {
        return Err(format!("{label}: no targets"));
    }
    Ok(out)
}

/// The index of the scenario's port `id`, or an error that lists the valid ids.
fn port_index(s: &Scenario, id: &str) -> Result<usize, String> {
    if s.ports.len() < 2 {
        return Err(format!("port = {id:?}, but the scenario declares no ports: leave port empty"));
    }
    s.ports.iter().position(|p| p.id == id).ok_or_else(|| {
        let ids: Vec<&str> = s.ports.iter().map(|p| p.id.as_str()).collect();
        format!("port = {id:?} is not a port of the scenario: expected one of {}", ids.join(", "))
    })
}

/// A period must lie inside the reported period and not be empty; a mean wait to processing
/// covers the whole reported period.
fn check_period(s: &Scenario, from: NaiveDate, to: NaiveDate, m: TargetMetric) -> Result<(), String> {
    let (a, b) = (s.report_start(), s.end);
    if from >= to || from < a || to > b {
        return Err(format!(
            "the period {from} to {to} is outside the horizon: expected from < to within {a} to {b} (the reported period)"
        ));
    }
    if m == TargetMetric::WaitMeanDays && (from != a || to != b) {
        return Err(format!(
            "wait_mean_days is measured over the whole reported period ({a} to {b}): use selection_wait_mean_days for a part of it"
        ));
    }
    Ok(())
}

/// The reported figures whose periods lie inside the reported period, as targets: processed persons
/// and the mean wait to booking, each with its bound; "about" with its stated imprecision as the
/// scale, "more than" and "up to" with half a unit of the figure's last stated digit. A figure about
/// a port is a target at that port when the scenario has it.
pub fn from_record(s: &Scenario) -> Vec<Target> {
    FIGURES
        .iter()
        .filter_map(|f| {
            let port = match f.port {
                None => None,
                Some(id) => Some((port_index(s, id).ok()?, id.to_string())),
            };
            let date = |(y, m, d): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, d).expect("valid record date");
            let (from, to) = (date(f.from), date(f.to));
            let metric = match f.measure {
                crate::reported::Measure::ProcessedPersons => TargetMetric::ProcessedPersons,
                crate::reported::Measure::MeanSelectionWait => TargetMetric::SelectionWaitMeanDays,
                _ => return None,
            };
            check_period(s, from, to, metric).ok()?;
            let bound = match f.kind {
                Kind::About => Bound::Equal,
                Kind::AtLeast => Bound::AtLeast,
                Kind::AtMost => Bound::AtMost,
            };
            let scale = if f.kind == Kind::About && f.tolerance > 0.0 { f.tolerance } else { half_last_digit(f.value) };
            Some(Target { from, to, metric, value: f.value, scale, bound, port })
        })
        .collect()
}

/// Half a unit of the last non-zero digit of a whole figure (49,000 → 500; 45,500 → 50).
fn half_last_digit(v: f64) -> f64 {
    let mut unit = 1.0;
    while v >= unit * 10.0 && (v / (unit * 10.0)).fract().abs() < 1e-9 {
        unit *= 10.0;
    }
    unit / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn losses_count_only_the_wrong_side_of_a_bound() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let t = Target {
            from: d("2024-01-01"),
            to: d("2024-02-01"),
            metric: TargetMetric::ProcessedPersons,
            value: 100.0,
            scale: 10.0,
            bound: Bound::AtLeast,
            port: None,
        };
        assert_eq!((t.loss(120.0), t.loss(80.0)), (0.0, 4.0));
        let e = Target { bound: Bound::Equal, ..t.clone() };
        assert_eq!(e.loss(120.0), 4.0);
        assert_eq!((half_last_digit(49_000.0), half_last_digit(45_500.0), half_last_digit(7.0)), (500.0, 50.0, 0.5));
    }
}
