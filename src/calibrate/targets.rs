//! Calibration targets: what the model must come near, over which period, at which port, and how
//! far off counts. From a CSV (`from,to,metric,value,tolerance`, and optionally `port`) or from the
//! reported figures of the record, those about a port of the scenario included.

use chrono::NaiveDate;

use crate::model::PeriodMeasure;
use crate::reported::{Kind, figures};
use crate::scenario::Scenario;

/// What a target measures, over its period `[from, to)`: one of [`METRIC_NAMES`].
pub use crate::model::PeriodMetric as TargetMetric;

/// The metric names a target may use: every measure over a period.
pub const METRIC_NAMES: [&str; 12] = [
    "processed_persons",
    "booked_persons",
    "abandoned_persons",
    "waiting_persons",
    "cancelled_persons",
    "selection_wait_mean_days",
    "selection_wait_p99_days",
    "share_booked_within_56_days",
    "wait_mean_days",
    "share_of_processed",
    "requests_groups",
    "requests_persons",
];

/// The target metric of this name, if a target may use it.
fn target_metric(name: &str) -> Option<TargetMetric> {
    METRIC_NAMES.contains(&name).then(|| TargetMetric::of(name)).flatten()
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

    /// What the model measures for this target.
    pub fn measure(&self) -> PeriodMeasure {
        PeriodMeasure { metric: self.metric, from: self.from, to: self.to, port: self.port.as_ref().map(|(p, _)| *p) }
    }
}

/// The smallest tolerance a target may have, relative to its value (or to 1, for a value under
/// 1): below it, the squared standardised difference of an ordinary miss overflows, and every
/// loss is infinite.
pub const MIN_RELATIVE_TOLERANCE: f64 = 1e-9;

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
        let metric = target_metric(&rec[2]).ok_or_else(|| {
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
        let least = MIN_RELATIVE_TOLERANCE * value.abs().max(1.0);
        if scale < least {
            return Err(format!(
                "{label}:{line}: tolerance = {} is too small for a loss to be computed: expected the target's standard uncertainty, at least {least:e} ({MIN_RELATIVE_TOLERANCE:e} of the value, or of 1 for a value under 1)",
                &rec[4]
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

/// The reported figures whose periods lie inside the reported period, as targets, with the
/// verdict's own reading of each: "about X" and "up to X" (a longest wait, compared with the p99 as
/// X ± 20 %) as a value give or take its tolerance, "more than X" as a bound. The loss's scale is the
/// tolerance (half a unit of the last stated digit for "more than"), but never below
/// [`FIT_SCALE_FLOOR`] of the figure, so that a figure stated to the unit does not outweigh all
/// the others; the verdicts in `record.csv` keep the stated tolerances. A figure about a port is a
/// target at that port when the scenario has it; figures the model cannot be set beside are left
/// out.
pub fn from_record(s: &Scenario) -> Vec<Target> {
    figures()
        .filter(|f| f.not_comparable.is_empty())
        .filter_map(|f| {
            let port = match f.port {
                None => None,
                Some(id) => Some((port_index(s, id).ok()?, id.to_string())),
            };
            let date = |(y, m, d): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, d).expect("valid record date");
            let (from, to) = (date(f.from), date(f.to));
            let metric = f.measure;
            check_period(s, from, to, metric).ok()?;
            let (bound, stated) = match f.kind {
                Kind::About | Kind::AtMost => (Bound::Equal, f.tolerance),
                Kind::AtLeast => (Bound::AtLeast, half_last_digit(f.value)),
            };
            let scale = stated.max(FIT_SCALE_FLOOR * f.value.abs());
            Some(Target { from, to, metric, value: f.value, scale, bound, port })
        })
        .collect()
}

/// The smallest loss scale of a record target, as a share of its figure.
pub const FIT_SCALE_FLOOR: f64 = 0.02;

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
