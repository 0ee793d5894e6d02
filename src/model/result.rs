//! What one replication measures: counts, time-averages, waiting-time statistics,
//! 1-day-bin histograms and daily series.

/// Counts over the whole horizon (events, not distinct groups, where a field says so).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Groups waiting at time 0.
    pub initial_groups: u64,
    /// Persons waiting at time 0.
    pub initial_persons: u64,
    /// Groups registered during the run.
    pub arrived_groups: u64,
    /// Persons registered during the run.
    pub arrived_persons: u64,
    /// Selections (a group selected twice counts twice).
    pub selected_groups: u64,
    /// Persons selected (with repeats).
    pub selected_persons: u64,
    /// Groups booked (once per group).
    pub booked_groups: u64,
    /// Persons booked.
    pub booked_persons: u64,
    /// Groups processed at the port.
    pub processed_groups: u64,
    /// Persons processed at the port.
    pub processed_persons: u64,
    /// Groups that abandoned (including `on_miss = "drop"` and abandonment on return).
    pub abandoned_groups: u64,
    /// Persons that abandoned.
    pub abandoned_persons: u64,
    /// Booked groups that did not show up.
    pub no_show_groups: u64,
    /// Persons that did not show up.
    pub no_show_persons: u64,
    /// Missed confirmations (groups, with repeats).
    pub missed_confirmations: u64,
    /// Persons in missed confirmations.
    pub missed_persons: u64,
    /// Missed confirmations whose window overlapped a confirmation outage.
    pub missed_in_outage: u64,
    /// Quota left unused [quota units].
    pub unused_slots: u64,
    /// Groups waiting at the horizon.
    pub final_waiting_groups: u64,
    /// Persons waiting at the horizon.
    pub final_waiting_persons: u64,
    /// Groups selected but not yet confirmed at the horizon.
    pub final_selected_groups: u64,
    /// Persons selected but not yet confirmed at the horizon.
    pub final_selected_persons: u64,
    /// Groups booked but not yet at their appointment at the horizon.
    pub final_booked_groups: u64,
    /// Persons booked but not yet at their appointment at the horizon.
    pub final_booked_persons: u64,
    /// Appointments cancelled (`appointment.cancel_from`); the groups went back to waiting.
    pub cancelled_appointments: u64,
    /// Persons whose appointments were cancelled.
    pub cancelled_persons: u64,
    /// Caravan groups that would have reached the zone before `start` (dropped).
    pub caravan_groups_before_start: u64,
    /// Groups that moved to this port from another (per port only; 0 for the whole).
    pub moved_in_groups: u64,
    /// Persons that moved to this port from another.
    pub moved_in_persons: u64,
    /// Groups that moved from this port to another.
    pub moved_out_groups: u64,
    /// Persons that moved from this port to another.
    pub moved_out_persons: u64,
    /// Slots given out by the allocations (after closures, redistribution and reissues) [quota units].
    pub slots: u64,
    /// Expected requests over the reported days, in groups, in hundredths
    /// (a hundredth of a request is 1): Σ over allocations of eligible groups × the request probability.
    pub requests_groups: u64,
    /// Expected requests over the reported days, in persons, in hundredths.
    pub requests_persons: u64,
}

/// Mean and exact quantiles (linear interpolation between order statistics) of a waiting time \[days\].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WaitStats {
    /// Observations.
    pub n: u64,
    /// Mean \[days\].
    pub mean: f64,
    /// Median \[days\].
    pub p50: f64,
    /// 90th percentile \[days\].
    pub p90: f64,
    /// 99th percentile \[days\].
    pub p99: f64,
}

/// Expected requests are kept in hundredths of a request, so that they add up exactly.
pub(crate) const REQUEST_SCALE: f64 = 100.0;

/// A daily series of `daily.csv`, in column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Series {
    /// Groups waiting, time-average over the day.
    WaitingGroups,
    /// Persons waiting, time-average over the day.
    WaitingPersons,
    /// Persons registering that day.
    ArrivedPersons,
    /// Persons selected by that day's allocation.
    SelectedPersons,
    /// Persons booked that day.
    BookedPersons,
    /// Persons processed at the port that day.
    ProcessedPersons,
    /// Persons abandoning that day.
    AbandonedPersons,
    /// Persons whose confirmation window ended without a booking that day.
    MissedPersons,
    /// Quota units left unused by that day's allocation.
    UnusedSlots,
    /// That day's quota, including reissued slots.
    Quota,
    /// Hours of that day inside any outage.
    OutageHours,
    /// Requests for that day's allocation, in groups: the expected number, eligible groups × the
    /// day's request probability (no coin is drawn to count them).
    RequestsGroups,
    /// Requests for that day's allocation, in persons: eligible persons × the request probability.
    RequestsPersons,
}

impl Series {
    /// Every series, in `daily.csv` column order.
    pub const ALL: [Series; 13] = [
        Series::WaitingGroups,
        Series::WaitingPersons,
        Series::ArrivedPersons,
        Series::SelectedPersons,
        Series::BookedPersons,
        Series::ProcessedPersons,
        Series::AbandonedPersons,
        Series::MissedPersons,
        Series::UnusedSlots,
        Series::Quota,
        Series::OutageHours,
        Series::RequestsGroups,
        Series::RequestsPersons,
    ];

    /// The series' column name in `daily.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Series::WaitingGroups => "waiting_groups",
            Series::WaitingPersons => "waiting_persons",
            Series::ArrivedPersons => "arrived_persons",
            Series::SelectedPersons => "selected_persons",
            Series::BookedPersons => "booked_persons",
            Series::ProcessedPersons => "processed_persons",
            Series::AbandonedPersons => "abandoned_persons",
            Series::MissedPersons => "missed_persons",
            Series::UnusedSlots => "unused_slots",
            Series::Quota => "quota",
            Series::OutageHours => "outage_hours",
            Series::RequestsGroups => "requests_groups",
            Series::RequestsPersons => "requests_persons",
        }
    }

    /// The series named `name` in `daily.csv`.
    pub fn from_name(name: &str) -> Option<Series> {
        Series::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// Daily series of one replication, one value per day for each [`Series`], kept as integer amounts
/// (persons, slots; seconds for the time-averages and outage hours) and read as `f64`, so that a
/// replication's series take half the memory of floats and read back as the same values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Daily {
    days: usize,
    /// Every series but the two time-averages, by series then day (outage hours in seconds).
    counts: Vec<u32>,
    /// The time-averages' integrals over each day [group-seconds, then person-seconds].
    secs: Vec<u64>,
}

impl Daily {
    /// Every series at 0 over `days` days.
    pub fn zeros(days: usize) -> Daily {
        Daily { days, counts: vec![0; Series::ALL.len() * days], secs: vec![0; 2 * days] }
    }

    /// The value of series `s` on day `d`, in its unit.
    #[inline]
    pub fn value(&self, s: Series, d: usize) -> f64 {
        const DAY: f64 = crate::engine::time::DAY as f64;
        const HOUR: f64 = crate::engine::time::HOUR as f64;
        match s {
            Series::WaitingGroups => self.secs[d] as f64 / DAY,
            Series::WaitingPersons => self.secs[self.days + d] as f64 / DAY,
            Series::OutageHours => self.counts[s as usize * self.days + d] as f64 / HOUR,
            Series::RequestsGroups | Series::RequestsPersons => {
                self.counts[s as usize * self.days + d] as f64 / REQUEST_SCALE
            }
            _ => self.counts[s as usize * self.days + d] as f64,
        }
    }

    /// The values of series `s`, one per day.
    pub fn get(&self, s: Series) -> Vec<f64> {
        (0..self.days).map(|d| self.value(s, d)).collect()
    }

    /// Adds `x` to series `s` on day `d` (an amount: persons or slots).
    #[inline]
    pub fn add(&mut self, s: Series, d: usize, x: u64) {
        let c = &mut self.counts[s as usize * self.days + d];
        *c =
            c.checked_add(u32::try_from(x).expect("a daily amount fits 32 bits")).expect("a daily amount fits 32 bits");
    }

    /// Sets series `s` on day `d` to the amount `x`: seconds for the time-averages (the day's
    /// integral) and outage hours, persons or slots otherwise.
    #[inline]
    pub fn set(&mut self, s: Series, d: usize, x: u64) {
        match s {
            Series::WaitingGroups => self.secs[d] = x,
            Series::WaitingPersons => self.secs[self.days + d] = x,
            _ => self.counts[s as usize * self.days + d] = u32::try_from(x).expect("a daily amount fits 32 bits"),
        }
    }

    /// Days covered.
    pub fn days(&self) -> usize {
        self.days
    }
}

/// A daily series kept per port (`ports_daily.csv`), with the name of its `daily.csv` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PortSeries {
    /// Persons waiting at the port, time-average over the day (kept in person-seconds).
    WaitingPersons,
    /// Persons registering for the port that day.
    ArrivedPersons,
    /// Persons booked at the port that day.
    BookedPersons,
    /// Persons processed at the port that day.
    ProcessedPersons,
    /// Persons abandoning the port's queue that day.
    AbandonedPersons,
    /// The port's slots left unused that day.
    UnusedSlots,
    /// The port's slots that day (after closures, redistribution and reissues).
    Quota,
    /// Requests for the port's allocation that day, in groups (expected; kept in hundredths).
    RequestsGroups,
    /// Requests for the port's allocation that day, in persons (expected; kept in hundredths).
    RequestsPersons,
}

impl PortSeries {
    /// Every series, in `ports_daily.csv` order.
    pub const ALL: [PortSeries; 9] = [
        PortSeries::WaitingPersons,
        PortSeries::ArrivedPersons,
        PortSeries::BookedPersons,
        PortSeries::ProcessedPersons,
        PortSeries::AbandonedPersons,
        PortSeries::UnusedSlots,
        PortSeries::Quota,
        PortSeries::RequestsGroups,
        PortSeries::RequestsPersons,
    ];

    /// The whole-run series of the same name.
    pub fn series(self) -> Series {
        match self {
            PortSeries::WaitingPersons => Series::WaitingPersons,
            PortSeries::ArrivedPersons => Series::ArrivedPersons,
            PortSeries::BookedPersons => Series::BookedPersons,
            PortSeries::ProcessedPersons => Series::ProcessedPersons,
            PortSeries::AbandonedPersons => Series::AbandonedPersons,
            PortSeries::UnusedSlots => Series::UnusedSlots,
            PortSeries::Quota => Series::Quota,
            PortSeries::RequestsGroups => Series::RequestsGroups,
            PortSeries::RequestsPersons => Series::RequestsPersons,
        }
    }

    /// How many stored units make one unit of the series (a day of seconds for the time-average).
    pub fn scale(self) -> f64 {
        match self {
            PortSeries::WaitingPersons => 86_400.0,
            PortSeries::RequestsGroups | PortSeries::RequestsPersons => REQUEST_SCALE,
            _ => 1.0,
        }
    }
}

/// One replication's daily series per port, in integer amounts (see [`PortSeries::scale`]), so
/// that they can be summed over replications exactly, in any order: the persons waiting as
/// person-seconds, the rest in 32 bits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PortDaily {
    /// Ports.
    pub ports: usize,
    /// Days (of the reported period).
    pub days: usize,
    /// Person-seconds waiting, by port then day.
    pub secs: Vec<u64>,
    /// The other series, by port, then series (in [`PortSeries::ALL`] order after the first), then day.
    pub counts: Vec<u32>,
}

impl PortDaily {
    /// Every series at 0.
    pub fn zeros(ports: usize, days: usize) -> PortDaily {
        let counted = PortSeries::ALL.len() - 1;
        PortDaily { ports, days, secs: vec![0; ports * days], counts: vec![0; ports * counted * days] }
    }

    /// Where series `s` of `port` on day `d` is: in `secs` (`true`) or `counts`, and its index.
    #[inline]
    fn at(&self, port: usize, s: PortSeries, d: usize) -> (bool, usize) {
        match s {
            PortSeries::WaitingPersons => (true, port * self.days + d),
            _ => (false, (port * (PortSeries::ALL.len() - 1) + s as usize - 1) * self.days + d),
        }
    }

    /// The value of series `s` of `port` on day `d`.
    #[inline]
    pub fn get(&self, port: usize, s: PortSeries, d: usize) -> u64 {
        match self.at(port, s, d) {
            (true, i) => self.secs[i],
            (false, i) => self.counts[i] as u64,
        }
    }

    /// Adds `x` to series `s` of `port` on day `d`.
    #[inline]
    pub fn add(&mut self, port: usize, s: PortSeries, d: usize, x: u64) {
        match self.at(port, s, d) {
            (true, i) => self.secs[i] += x,
            (false, i) => self.counts[i] += u32::try_from(x).expect("a daily amount fits 32 bits"),
        }
    }

    /// Sets series `s` of `port` on day `d` to `x`.
    #[inline]
    pub fn set(&mut self, port: usize, s: PortSeries, d: usize, x: u64) {
        match self.at(port, s, d) {
            (true, i) => self.secs[i] = x,
            (false, i) => self.counts[i] = u32::try_from(x).expect("a daily amount fits 32 bits"),
        }
    }
}

/// The per-port daily series of many replications: means and 5–95 % bands in memory that does not
/// grow with the replications ([`Bands`](crate::stats::Bands)).
#[derive(Debug, Clone)]
pub struct PortBands {
    days: usize,
    secs: crate::stats::Bands<u64>,
    counts: crate::stats::Bands<u32>,
}

impl PortBands {
    /// Empty bands for `ports` ports over `days` days and at most `n_max` replications.
    pub fn new(ports: usize, days: usize, n_max: usize) -> PortBands {
        let counted = PortSeries::ALL.len() - 1;
        PortBands {
            days,
            secs: crate::stats::Bands::new(ports * days, n_max),
            counts: crate::stats::Bands::new(ports * counted * days, n_max),
        }
    }

    /// Folds in one replication's series.
    pub fn add(&mut self, d: &PortDaily) {
        self.secs.add(&d.secs);
        self.counts.add(&d.counts);
    }

    /// Mean, 5 % and 95 % quantiles of series `s` of `port` on day `d`, in the series' unit.
    pub fn cell(&self, port: usize, s: PortSeries, d: usize) -> (f64, f64, f64) {
        let probe = PortDaily { ports: 0, days: self.days, secs: Vec::new(), counts: Vec::new() };
        match probe.at(port, s, d) {
            (true, i) => self.secs.cell(i, s.scale()),
            (false, i) => self.counts.cell(i, s.scale()),
        }
    }
}

/// The bookings of one replication inside a window of time (groups booked in `[from, to)`, whatever
/// their registration date): their waits from registration to booking.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WindowWaits {
    /// The waits' mean and quantiles \[days\]; `None` when nobody was booked in the window.
    pub wait: Option<WaitStats>,
    /// Bookings whose wait was under 56 days (8 weeks).
    pub within_56_days: u64,
}

/// The outcomes of the persons registering in one cohort (a month, or the whole run), estimated in
/// one replication (Aalen–Johansen, abandonment competing with booking, censored at the end); NaN
/// where not estimable.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CohortOutcome {
    /// Persons registering in the cohort.
    pub registered_persons: u64,
    /// Share booked within 30, 60, 90 and 180 days of registration.
    pub booked_within: [f64; 4],
    /// Share who gave up within 180 days, before any booking.
    pub abandoned_within: f64,
    /// Share still waiting or confirming at the end, never booked.
    pub waiting_at_end: f64,
    /// Days from registration until half the cohort had been booked; NaN if never.
    pub median_days_to_booking: f64,
}

/// What is measured at one port, and for the whole as the sum of its ports: the counts, the pool's
/// time-averages and maximum, the waits, the bookings in the booking windows. Every metric
/// ([`crate::metrics::METRICS`]) reads one of these, for the whole or for a port.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measures {
    /// Counts.
    pub counts: Counts,
    /// Time-average of waiting groups over `[warmup, end)`.
    pub mean_waiting_groups: f64,
    /// Time-average of waiting persons over `[warmup, end)`.
    pub mean_waiting_persons: f64,
    /// Expected requests a day over the reported period, in groups.
    pub mean_requests_groups: f64,
    /// Expected requests a day over the reported period, in persons.
    pub mean_requests_persons: f64,
    /// Maximum of waiting groups over the reported period (the whole's: of the whole pool, not
    /// the sum of the ports' maxima).
    pub max_waiting_groups: u64,
    /// Maximum of waiting persons over the reported period.
    pub max_waiting_persons: u64,
    /// Registration to processing, for groups processed before the horizon (and registered after warm-up).
    pub wait: Option<WaitStats>,
    /// Registration to booking, for groups booked before the horizon (and registered after warm-up).
    pub booking_wait: Option<WaitStats>,
    /// ∫ waiting groups dt over `[warmup, end)` [group-seconds], exact.
    pub waiting_integral: u128,
    /// Σ over groups of their time `Waiting` inside `[warmup, end)` [group-seconds]; equals the integral.
    pub waiting_time_sum: u128,
    /// The bookings inside each of the model's booking windows (the whole's, or the port's own),
    /// in order; read them by key through [`RepResult::period`].
    pub booking_windows: Vec<WindowWaits>,
}

/// Everything one replication measured: the whole, each declared port, and what is measured only
/// for the whole (the daily series, the waits' 1-day bins, the cohorts, the caravans' windows).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepResult {
    /// Replication index.
    pub replication: u64,
    /// The replication's seed (derived from the scenario seed and the index).
    pub seed: u64,
    /// The whole's measures: the sums of its ports', with its own pool maximum.
    pub whole: Measures,
    /// Counts of `wait_days` in 1-day bins (`[k, k+1)` days), for the whole.
    pub wait_bins: Vec<u32>,
    /// Counts of `selection_wait_days` in 1-day bins, for the whole.
    pub booking_wait_bins: Vec<u32>,
    /// The whole's daily series.
    pub daily: Daily,
    /// Outcomes by registration cohort: each month of the run, then the whole run pooled.
    pub cohorts: Vec<CohortOutcome>,
    /// Each explicit caravan's first and last registration inside the horizon \[s\], in file order
    /// (`None`: none of its groups registered in the horizon).
    pub caravan_windows: Vec<Option<(crate::engine::time::SimTime, crate::engine::time::SimTime)>>,
    /// Each port's measures, in port order; empty unless the scenario declares ports.
    pub ports: Vec<Measures>,
    /// Each port's daily series; `None` unless the scenario declares ports (taken by the run, which
    /// folds it into its summary as each replication finishes).
    pub port_daily: Option<Box<PortDaily>>,
    /// The values of the measures over a period that the model was asked for
    /// ([`Model::measuring`](crate::model::Model::measuring)), read with [`RepResult::period`].
    pub periods: Vec<super::PeriodValue>,
}
