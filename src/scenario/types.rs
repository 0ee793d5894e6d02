//! The validated, typed scenario the simulation runs: every default filled in, every range checked.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use super::dist::Dist;
use super::schedule::Schedule;

/// One validated scenario. Immutable input to every replication.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Short identifier, also the default output directory name.
    pub name: String,
    /// One line for listings and reports.
    pub description: String,
    /// First day simulated (time 0 is its 00:00).
    pub start: NaiveDate,
    /// First day not simulated (the horizon is `[start, end)`).
    pub end: NaiveDate,
    /// Groups registering before this many days are excluded from waiting-time statistics \[days\].
    pub warmup_days: f64,
    /// The first day reported: the days before it are simulated (a history that builds the
    /// pipeline) but every output covers `[report_from, end)`. `None`: from `start`.
    pub report_from: Option<NaiveDate>,
    /// Number of replications.
    pub replications: u32,
    /// Master seed; replication seeds derive from it.
    pub seed: u64,
    /// Whether runs set the model beside the real record (`record.csv`): for historical scenarios.
    pub compare_with_record: bool,
    /// The daily allocation.
    pub quota: Quota,
    /// The confirmation step; `None`: selected groups are booked at once.
    pub confirmation: Option<Confirmation>,
    /// Lead time and no-shows; `None`: processed at the moment of booking.
    pub appointment: Option<Appointment>,
    /// Reneging; `None`: nobody abandons.
    pub abandonment: Option<Abandonment>,
    /// Groups already waiting at time 0.
    pub initial: Option<Initial>,
    /// Poisson arrival streams.
    pub arrivals: Vec<ArrivalStream>,
    /// Explicit caravans (batch arrivals).
    pub caravans: Vec<Caravan>,
    /// Caravans departing as a Poisson process.
    pub caravan_process: Option<CaravanProcess>,
    /// Explicit outages.
    pub outages: Vec<Outage>,
    /// Outages starting as a Poisson process.
    pub outage_process: Option<OutageProcess>,
    /// Dated changes that are not mechanisms (`[[events]]`), for charts and `events.csv`.
    pub events: Vec<Event>,
    /// Ports of entry (`[[ports]]`), in file order; empty: one implicit port with the whole quota.
    pub ports: Vec<Port>,
    /// Moves between ports of groups that waited long (`[port_switching]`).
    pub port_switching: Option<PortSwitching>,
    /// A parameter grid for `borderq sweep`.
    pub sweep: Option<Sweep>,
    /// Where inputs come from: (scenario path, source or "assumption: …"), in file order; the
    /// report prints them so that it can be read on its own.
    pub provenance: Vec<(String, String)>,
}

/// What the quota counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaUnit {
    /// Persons: a group uses as many slots as it has members.
    Persons,
    /// Registrations: a group uses one slot.
    Groups,
}

/// The daily allocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Quota {
    /// What one slot is.
    pub unit: QuotaUnit,
    /// Slots per day [unit/day]; whole numbers.
    pub daily: Schedule,
    /// Local hour of the allocation, in [0, 24) \[h\].
    pub allocation_hour: f64,
    /// Request window opening relative to the allocation's day (negative: the day before) \[h\],
    /// by the allocation's date.
    pub request_open_hour: Schedule,
    /// Request window closing (exclusive), at or before the allocation \[h\], by date.
    pub request_close_hour: Schedule,
    /// Probability that an eligible waiting group requests on a given day.
    pub request_probability: Schedule,
    /// Share of the quota offered by registration order before the lottery.
    pub seniority_share: Schedule,
}

/// What happens when an outage overlaps a confirmation window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutagePolicy {
    /// Nothing: the window is not extended.
    None,
    /// The deadline moves by the outage time (plus grace) and attempts wait for the app.
    Extend,
    /// Slots lost by a missed group are added to the next allocation.
    Reissue,
}

/// What a group that missed its confirmation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnMiss {
    /// Back to `Waiting`, keeping its registration time and patience.
    Return,
    /// Leaves the system (counted as abandoned).
    Drop,
}

/// The confirmation step.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirmation {
    /// Time to confirm after the allocation \[h\], ≥ 1.
    pub window_hours: f64,
    /// Delay from allocation to the first attempt \[h\].
    pub first_attempt_hours: Dist,
    /// Delay between a failed attempt and the next \[h\].
    pub retry_hours: Dist,
    /// Attempts allowed in all, ≥ 1.
    pub max_attempts: u32,
    /// Probability that an attempt outside an outage fails.
    pub failure_probability: f64,
    /// Reaction to confirmation outages.
    pub outage_policy: OutagePolicy,
    /// Extra time added once under `extend` when the window overlapped an outage \[h\].
    pub grace_hours: f64,
    /// What a group that missed does.
    pub on_miss: OnMiss,
}

/// Appointments after booking.
#[derive(Debug, Clone, PartialEq)]
pub struct Appointment {
    /// Time from confirmation to the appointment \[days\].
    pub lead_days: Dist,
    /// Later lead times, each for the groups booked from its date (00:00) on, in date order; a
    /// port's own lead time overrides them.
    pub lead_days_from: Vec<(NaiveDate, Dist)>,
    /// Probability that a booked group does not show up.
    pub no_show_probability: f64,
    /// From this instant every appointment is cancelled (the program's end, 20 January 2025): a booked
    /// group whose appointment is at or after it goes back to waiting then (or abandons if its patience
    /// is over). `None`: appointments are never cancelled.
    pub cancel_from: Option<NaiveDateTime>,
}

/// Reneging.
#[derive(Debug, Clone, PartialEq)]
pub struct Abandonment {
    /// Patience from registration \[days\].
    pub patience_days: Dist,
}

/// The initial backlog.
#[derive(Debug, Clone, PartialEq)]
pub struct Initial {
    /// Groups waiting at time 0.
    pub groups: u64,
    /// How long before time 0 each registered \[days\].
    pub registered_days_ago: Dist,
    /// Persons per group (rounded, clamped to 1–10).
    pub group_size: Dist,
    /// Port choice weights, one per port in port order; `None`: in proportion to the ports' quotas.
    pub ports: Option<Vec<f64>>,
}

/// A Poisson arrival stream.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivalStream {
    /// Label for outputs.
    pub name: String,
    /// Arrival rate [groups/day].
    pub groups_per_day: Schedule,
    /// Persons per group (rounded, clamped to 1–10).
    pub group_size: Dist,
    /// Time from arrival to registration \[days\].
    pub travel_days: Dist,
    /// Share of arriving groups that ever register (the rest baulk).
    pub register_share: f64,
    /// Port choice weights, one per port in port order; `None`: in proportion to the ports' quotas.
    pub ports: Option<Vec<f64>>,
}

/// An explicit caravan: a batch of persons walking to the registration zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Caravan {
    /// Label for outputs and charts.
    pub name: String,
    /// Departure date (00:00); may be before `start`.
    pub depart: NaiveDate,
    /// Persons departing.
    pub persons: u64,
    /// Distance to the registration zone \[km\].
    pub distance_km: f64,
    /// Walking pace drawn per group [km/day], bounded away from 0.
    pub pace_km_per_day: Dist,
    /// Probability that a group never registers.
    pub dropout: f64,
    /// Persons per group (rounded, clamped to 1–10; the last group takes the remainder).
    pub group_size: Dist,
    /// Port choice weights, one per port in port order; `None`: in proportion to the ports' quotas.
    pub ports: Option<Vec<f64>>,
}

/// Caravans departing as a Poisson process.
#[derive(Debug, Clone, PartialEq)]
pub struct CaravanProcess {
    /// Departures per month (30.4375 days) [1/month].
    pub per_month: f64,
    /// Persons per caravan (rounded).
    pub persons: Dist,
    /// Distance to the registration zone \[km\].
    pub distance_km: f64,
    /// Walking pace drawn per group [km/day].
    pub pace_km_per_day: Dist,
    /// Probability that a group never registers.
    pub dropout: f64,
    /// Persons per group.
    pub group_size: Dist,
    /// Port choice weights, one per port in port order; `None`: in proportion to the ports' quotas.
    pub ports: Option<Vec<f64>>,
}

/// What an outage prevents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Affects {
    /// Requests for the daily allocation.
    pub requests: bool,
    /// Confirmation attempts.
    pub confirmations: bool,
    /// Registrations (deferred to the outage's end).
    pub registrations: bool,
    /// The daily allocation at the outage's ports (a closure: no slots given out there).
    pub allocations: bool,
    /// Appointments at the outage's ports (a closure: nobody processed there).
    pub appointments: bool,
}

impl Affects {
    /// All three.
    pub const ALL: Affects =
        Affects { requests: true, confirmations: true, registrations: true, allocations: false, appointments: false };

    /// The names of what is affected, in canonical order.
    pub fn names(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.requests {
            v.push("requests");
        }
        if self.confirmations {
            v.push("confirmations");
        }
        if self.registrations {
            v.push("registrations");
        }
        if self.allocations {
            v.push("allocations");
        }
        if self.appointments {
            v.push("appointments");
        }
        v
    }
}

/// An explicit outage.
#[derive(Debug, Clone, PartialEq)]
pub struct Outage {
    /// Label for charts and reports.
    pub label: String,
    /// Local start date and time.
    pub start: NaiveDateTime,
    /// Length \[h\], > 0.
    pub hours: f64,
    /// What it prevents.
    pub affects: Affects,
    /// The ports it closes (indices in port order), for `allocations` and `appointments`; `None`: every port.
    pub ports: Option<Vec<usize>>,
    /// Whether the slots of ports closed to allocations go to the open ports for those days.
    pub redistribute: bool,
    /// What happens to appointments booked inside a closure to appointments.
    pub booked: Booked,
}

/// What a closure to appointments does to the appointments already booked inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Booked {
    /// They are kept as booked: no effect on appointments (for closures to allocations).
    Honour,
    /// Each moves by whole days to the first day the port is open at its hour.
    HonourLater,
    /// Each is cancelled: the group waits again, as with `appointment.cancel_from`.
    Cancel,
}

impl Booked {
    /// The scenario spelling.
    pub fn name(self) -> &'static str {
        match self {
            Booked::Honour => "honour",
            Booked::HonourLater => "honour_later",
            Booked::Cancel => "cancel",
        }
    }
}

/// A port of entry with its own daily quota, queue and allocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Port {
    /// Identifier used in scenario keys, paths and CSV columns (lowercase letters, digits, '-').
    pub id: String,
    /// Name for charts and reports.
    pub name: String,
    /// Its daily slots: its own schedule, or a share of `quota.daily`.
    pub quota: PortQuota,
    /// Lead time to the appointment at this port; `None`: `[appointment] lead_days`.
    pub lead_days: Option<Dist>,
}

/// How a port's daily slots are set.
#[derive(Debug, Clone, PartialEq)]
pub enum PortQuota {
    /// Its own schedule [quota units/day].
    Slots(Schedule),
    /// A share of `quota.daily`, by date, split by the largest-remainder rule.
    Share(Schedule),
}

/// How a group that has waited long chooses another port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwitchRule {
    /// By its source's choice weights, its current port left out.
    Weights,
    /// The port with the fewest days of quota waiting ahead, if fewer than at its own.
    ShortestWait,
}

/// `[port_switching]`: waiting groups that move to another port.
#[derive(Debug, Clone, PartialEq)]
pub struct PortSwitching {
    /// Days since registration after which a group may move.
    pub after_days: f64,
    /// Probability that such a group moves on a given day.
    pub daily_probability: f64,
    /// Which port it moves to.
    pub rule: SwitchRule,
}

/// A dated change that is not a mechanism of the model (a policy announcement, the geofence), drawn
/// on the charts and listed in `events.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Local date and time (a plain date means its 00:00).
    pub at: NaiveDateTime,
    /// What happened, for charts and reports.
    pub label: String,
}

/// Outages starting as a Poisson process.
#[derive(Debug, Clone, PartialEq)]
pub struct OutageProcess {
    /// Starts per month [1/month].
    pub per_month: f64,
    /// Length of each \[h\].
    pub hours: Dist,
    /// What they prevent.
    pub affects: Affects,
}

/// A parameter grid kept in the scenario file: `vary = ["PATH=V1,V2", "PATH=START:STOP:STEP"]`,
/// the same syntax as `borderq sweep --vary`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// The `--vary` specifications.
    pub vary: Vec<String>,
}

/// Days in a month for `per_month` rates (365.25 / 12).
pub const DAYS_PER_MONTH: f64 = 30.4375;

/// A clock time for an hour of the day ("12:00", "24:00").
fn clock(h: f64) -> String {
    let m = (h * 60.0).round() as i64;
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// An hour relative to the allocation's day in words: "11:00", or "12:00 the day before".
fn relative_hour(h: f64) -> String {
    if h <= 0.0 { format!("{} the day before", clock(h + 24.0)) } else { clock(h) }
}

impl Quota {
    /// The allocation's time: "12:00".
    pub fn allocation_text(&self) -> String {
        clock(self.allocation_hour)
    }

    /// The request window on `date` in words: "from 12:00 to 24:00 the day before", or "from 12:00
    /// the day before to 11:00".
    pub fn request_window_on(&self, date: NaiveDate) -> String {
        let (open, close) = (self.request_open_hour.value_on(date), self.request_close_hour.value_on(date));
        if open <= 0.0 && close <= 0.0 {
            format!("from {} to {} the day before", clock(open + 24.0), clock(close + 24.0))
        } else {
            format!("from {} to {}", relative_hour(open), relative_hour(close))
        }
    }

    /// The request window in words, with its changes: "from 12:00 the day before to 11:00; from
    /// 2024-03-04, from 12:00 to 24:00 the day before".
    pub fn request_window_text(&self, start: NaiveDate) -> String {
        let mut text = self.request_window_on(start);
        let dates = Schedule::step_dates(&[&self.request_open_hour, &self.request_close_hour]);
        for d in dates.into_iter().filter(|d| *d > start) {
            text.push_str(&format!("; from {d}, {}", self.request_window_on(d)));
        }
        text
    }
}

impl Appointment {
    /// The lead time in words, with its changes: "uniform (15.5 days on average); from 2024-06-01,
    /// uniform (21.0 days on average)".
    pub fn lead_text(&self) -> String {
        let one = |d: &Dist| format!("{} ({:.1} days on average)", d.name(), d.clamped_mean());
        let mut text = one(&self.lead_days);
        for (from, d) in &self.lead_days_from {
            text.push_str(&format!("; from {from}, {}", one(d)));
        }
        text
    }
}

impl Scenario {
    /// Number of days in the horizon.
    pub fn days(&self) -> usize {
        (self.end - self.start).num_days().max(0) as usize
    }

    /// The first day reported: `report_from`, or `start`.
    pub fn report_start(&self) -> NaiveDate {
        self.report_from.unwrap_or(self.start)
    }

    /// Days reported: from [`Scenario::report_start`] to `end`.
    pub fn report_days(&self) -> usize {
        (self.end - self.report_start()).num_days().max(0) as usize
    }

    /// The reported period in words: "2024-04-01 to 2025-01-01 (275 days)", with the simulated
    /// history before it when there is one.
    pub fn period_text(&self) -> String {
        let mut t = format!("{} to {} ({} days)", self.report_start(), self.end, self.report_days());
        if self.report_from.is_some() {
            t.push_str(&format!(", after a simulated history from {}", self.start));
        }
        t
    }

    /// Days simulated before the first day reported.
    pub fn history_days(&self) -> usize {
        (self.report_start() - self.start).num_days().max(0) as usize
    }

    /// The registration cohorts whose outcomes are reported: the calendar months of the reported
    /// period, the first and last cut to it, as `[from, to)` dates.
    pub fn cohort_months(&self) -> Vec<(NaiveDate, NaiveDate)> {
        let mut out = Vec::new();
        let mut from = self.report_start();
        while from < self.end {
            let first = from.with_day(1).expect("day 1 exists");
            let next = first.checked_add_months(chrono::Months::new(1)).expect("a month later");
            let to = next.min(self.end);
            out.push((from, to));
            from = to;
        }
        out
    }
}
