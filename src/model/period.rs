//! A measure over a period, at an optional port: what a record row compares with a reported figure
//! and what a calibration target asks of the model. The caller requests them with
//! [`Model::measuring`]; the model measures what they need apart (the bookings in their periods) and
//! every replication's [`RepResult::period`] gives each one's value by its key.

use chrono::NaiveDate;

use super::{Measures, Model, PortSeries, RepResult, Series, WindowWaits};
use crate::engine::time::{DAY, SimTime};

/// What is measured over a period `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeriodMetric {
    /// Persons processed at the ports in the period.
    ProcessedPersons,
    /// Persons booked in the period.
    BookedPersons,
    /// Persons who gave up in the period.
    AbandonedPersons,
    /// Persons waiting, time-average over the period.
    WaitingPersons,
    /// Persons whose appointments were cancelled, over the whole run (the period is not used).
    CancelledPersons,
    /// Mean wait from registration to booking \[days\] of the groups booked in the period.
    BookingWaitMeanDays,
    /// 99th percentile of the wait from registration to booking \[days\] of the groups booked in
    /// the period.
    BookingWaitP99Days,
    /// Share of the groups booked in the period whose wait to booking was under 56 days.
    ShareBookedWithin56Days,
    /// Mean wait from registration to processing \[days\], over the whole reported period.
    WaitMeanDays,
    /// The port's share of the persons processed in the period (1 for every port together).
    ShareOfProcessed,
    /// Expected requests a day, in groups, on average over the period.
    RequestsGroups,
    /// Expected requests a day, in persons, on average over the period.
    RequestsPersons,
}

impl PeriodMetric {
    /// Every period metric, in declaration order.
    pub const ALL: [PeriodMetric; 12] = [
        PeriodMetric::ProcessedPersons,
        PeriodMetric::BookedPersons,
        PeriodMetric::AbandonedPersons,
        PeriodMetric::WaitingPersons,
        PeriodMetric::CancelledPersons,
        PeriodMetric::BookingWaitMeanDays,
        PeriodMetric::BookingWaitP99Days,
        PeriodMetric::ShareBookedWithin56Days,
        PeriodMetric::WaitMeanDays,
        PeriodMetric::ShareOfProcessed,
        PeriodMetric::RequestsGroups,
        PeriodMetric::RequestsPersons,
    ];

    /// Its name in `record.csv`'s `measure` column and in calibration target files.
    pub fn name(self) -> &'static str {
        match self {
            PeriodMetric::ProcessedPersons => "processed_persons",
            PeriodMetric::BookedPersons => "booked_persons",
            PeriodMetric::AbandonedPersons => "abandoned_persons",
            PeriodMetric::WaitingPersons => "waiting_persons",
            PeriodMetric::CancelledPersons => "cancelled_persons",
            PeriodMetric::BookingWaitMeanDays => "selection_wait_mean_days",
            PeriodMetric::BookingWaitP99Days => "selection_wait_p99_days",
            PeriodMetric::ShareBookedWithin56Days => "share_booked_within_56_days",
            PeriodMetric::WaitMeanDays => "wait_mean_days",
            PeriodMetric::ShareOfProcessed => "share_of_processed",
            PeriodMetric::RequestsGroups => "requests_groups",
            PeriodMetric::RequestsPersons => "requests_persons",
        }
    }

    /// The metric of this name, if any.
    pub fn of(name: &str) -> Option<PeriodMetric> {
        PeriodMetric::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Whether it is measured on the groups booked in the period (a booking window of the model).
    pub fn on_bookings(self) -> bool {
        matches!(
            self,
            PeriodMetric::BookingWaitMeanDays
                | PeriodMetric::BookingWaitP99Days
                | PeriodMetric::ShareBookedWithin56Days
        )
    }
}

/// A measure over the days `[from, to)`, for the whole program or at one port (by index). Its
/// period must lie inside the scenario's reported period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeriodMeasure {
    /// What is measured.
    pub metric: PeriodMetric,
    /// First day of the period.
    pub from: NaiveDate,
    /// Day after the period.
    pub to: NaiveDate,
    /// The port (index in the scenario's ports); `None`: every port together.
    pub port: Option<usize>,
}

/// The value of one requested measure in one replication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeriodValue {
    /// The measure.
    pub measure: PeriodMeasure,
    /// Its value (NaN where the replication has none, such as a window without bookings).
    pub value: f64,
}

/// A booking window `[from, to)` \[s\].
pub(crate) type Window = (SimTime, SimTime);
/// A booking window `[from, to)` \[s\] at a port (index).
pub(crate) type PortWindow = (SimTime, SimTime, usize);

/// The booking windows the requested measures need: each distinct `[from, to)` \[s\] for every port
/// together, and each distinct `[from, to)` at a port, in the order first requested.
pub(crate) fn booking_windows(start: NaiveDate, measures: &[PeriodMeasure]) -> (Vec<Window>, Vec<PortWindow>) {
    let secs = |d: NaiveDate| (d - start).num_days() * DAY;
    let (mut whole, mut ports) = (Vec::new(), Vec::new());
    for m in measures.iter().filter(|m| m.metric.on_bookings()) {
        let (a, b) = (secs(m.from), secs(m.to));
        match m.port {
            None if !whole.contains(&(a, b)) => whole.push((a, b)),
            Some(p) if !ports.contains(&(a, b, p)) => ports.push((a, b, p)),
            _ => {}
        }
    }
    (whole, ports)
}

impl Model {
    /// Measures these over every replication, in [`RepResult::period`]: the bookings in the
    /// periods of those on bookings are measured apart.
    pub fn measuring(mut self, measures: Vec<PeriodMeasure>) -> Model {
        (self.booking_windows, self.port_booking_windows) = booking_windows(self.scenario.start, &measures);
        self.measures = measures;
        self
    }

    /// The values of the requested measures in replication result `r`.
    pub(crate) fn period_values(&self, r: &RepResult) -> Vec<PeriodValue> {
        self.measures.iter().map(|&measure| PeriodValue { measure, value: self.value(&measure, r) }).collect()
    }

    fn value(&self, m: &PeriodMeasure, r: &RepResult) -> f64 {
        let s = &self.scenario;
        let day = |d: NaiveDate| (d - s.report_start()).num_days().max(0) as usize;
        let (a, b) = (day(m.from), day(m.to));
        let secs = |d: NaiveDate| (d - s.start).num_days() * DAY;
        let window = |measures: &Measures| -> WindowWaits {
            let (from, to) = (secs(m.from), secs(m.to));
            let k = match m.port {
                None => self.booking_windows.iter().position(|&w| w == (from, to)),
                Some(p) => {
                    self.port_booking_windows.iter().filter(|w| w.2 == p).position(|&(x, y, _)| (x, y) == (from, to))
                }
            };
            k.and_then(|k| measures.booking_windows.get(k)).copied().unwrap_or_default()
        };
        let measures = match m.port {
            None => &r.whole,
            Some(p) => match r.ports.get(p) {
                Some(port) => port,
                None => return f64::NAN,
            },
        };
        let sum = |series: Series, port_series: PortSeries| -> f64 {
            match m.port {
                None => (a..b).map(|d| r.daily.value(series, d)).sum(),
                Some(p) => match r.port_daily.as_deref() {
                    Some(daily) => {
                        (a..b).map(|d| daily.get(p, port_series, d) as f64).sum::<f64>() / port_series.scale()
                    }
                    None => f64::NAN,
                },
            }
        };
        match m.metric {
            PeriodMetric::ProcessedPersons => sum(Series::ProcessedPersons, PortSeries::ProcessedPersons),
            PeriodMetric::BookedPersons => sum(Series::BookedPersons, PortSeries::BookedPersons),
            PeriodMetric::AbandonedPersons => sum(Series::AbandonedPersons, PortSeries::AbandonedPersons),
            PeriodMetric::WaitingPersons => sum(Series::WaitingPersons, PortSeries::WaitingPersons) / (b - a) as f64,
            PeriodMetric::ShareOfProcessed => {
                let all: f64 = (a..b).map(|d| r.daily.value(Series::ProcessedPersons, d)).sum();
                sum(Series::ProcessedPersons, PortSeries::ProcessedPersons) / all
            }
            PeriodMetric::RequestsGroups => sum(Series::RequestsGroups, PortSeries::RequestsGroups) / (b - a) as f64,
            PeriodMetric::RequestsPersons => sum(Series::RequestsPersons, PortSeries::RequestsPersons) / (b - a) as f64,
            PeriodMetric::CancelledPersons => measures.counts.cancelled_persons as f64,
            PeriodMetric::WaitMeanDays => measures.wait.map_or(f64::NAN, |w| w.mean),
            PeriodMetric::BookingWaitMeanDays => window(measures).wait.map_or(f64::NAN, |w| w.mean),
            PeriodMetric::BookingWaitP99Days => window(measures).wait.map_or(f64::NAN, |w| w.p99),
            PeriodMetric::ShareBookedWithin56Days => {
                let w = window(measures);
                w.wait.map_or(f64::NAN, |s| w.within_56_days as f64 / s.n as f64)
            }
        }
    }
}

impl RepResult {
    /// The value of requested measure `m` in this replication; `None` if it was not requested.
    pub fn period(&self, m: &PeriodMeasure) -> Option<f64> {
        self.periods.iter().find(|v| v.measure == *m).map(|v| v.value)
    }
}
