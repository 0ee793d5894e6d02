//! The border-queue model: groups travel, register, wait, request, get drawn, confirm, get
//! booked and processed, or abandon. [`Model`] is the scenario compiled for fast replication (per-day
//! arrays, prepared samplers); [`Model::replicate`] runs one replication and returns a [`RepResult`].
//!
//! Read `sim/mod.rs` for the event loop and the rooms of the mechanisms.

mod observer;
mod outages;
mod period;
mod result;
mod sim;

pub use observer::{GroupRow, NoRecords, Observer, Outcome};
pub use period::{PeriodMeasure, PeriodMetric, PeriodValue};
pub use result::{
    CohortOutcome, Counts, Daily, Measures, PortBands, PortDaily, PortSeries, RepResult, Series, WaitStats, WindowWaits,
};

use crate::engine::time::{self, DAY, SimTime};
use crate::scenario::{Booked, OnMiss, OutagePolicy, QuotaUnit, Sampler, Scenario};

/// Kinds of random stream; the stream of (kind, index) is independent of every other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum StreamKind {
    /// Arrival stream `i`: arrivals, group sizes, travel times, patience.
    Arrivals = 1,
    /// Explicit caravan `i`: split, dropouts, paces, patience.
    Caravan = 2,
    /// Random caravans: departures, sizes, splits, paces, patience.
    CaravanProcess = 3,
    /// The initial backlog: sizes, ages, patience.
    Backlog = 4,
    /// The lottery: request decisions and the random order.
    Lottery = 5,
    /// Confirmations: attempt delays and failures.
    Confirmations = 6,
    /// Random outages: starts and lengths.
    Outages = 7,
    /// Appointments: lead times and no-shows.
    Appointments = 8,
    /// Ports: each group's choice (index 0) and the daily moves between ports (index 1).
    Ports = 9,
}

/// A scenario compiled for replication: everything that does not change between replications.
#[derive(Debug)]
pub struct Model {
    /// The scenario.
    pub scenario: Scenario,
    /// Days in the horizon.
    pub days: usize,
    /// End of the horizon \[s\].
    pub horizon: SimTime,
    /// Start of the statistics window (`warmup_days`) \[s\].
    pub warmup: SimTime,
    /// The first instant reported (`report_from`; 0 without it) \[s\]: every output covers
    /// `[report, horizon)`, the time before it is history.
    pub report: SimTime,
    /// The first day reported.
    pub(crate) report_day: usize,
    /// Output label of each source: "initial", each stream, each caravan, "random caravans".
    pub source_names: Vec<String>,
    pub(crate) unit: QuotaUnit,
    pub(crate) request_probability: Vec<f64>,
    pub(crate) seniority_share: Vec<f64>,
    pub(crate) uses_seniority: bool,
    pub(crate) allocation_offset: SimTime,
    /// The request window's opening and closing, by allocation day, from that day's 00:00 \[s\].
    pub(crate) open_offset: Vec<SimTime>,
    pub(crate) close_offset: Vec<SimTime>,
    pub(crate) streams: Vec<StreamModel>,
    pub(crate) caravans: Vec<CaravanModel>,
    pub(crate) confirmation: Option<ConfirmationModel>,
    pub(crate) appointment: Option<(Sampler, f64)>,
    /// Later lead times, each from its instant \[s\], in time order.
    pub(crate) lead_from: Vec<(SimTime, Sampler)>,
    /// The instant from which appointments are cancelled \[s\], if any.
    pub(crate) cancel_at: Option<SimTime>,
    pub(crate) patience: Option<(crate::scenario::Dist, Sampler)>,
    pub(crate) explicit_outages: Vec<outages::RawOutage>,
    /// The measures over a period requested with [`Model::measuring`].
    pub(crate) measures: Vec<PeriodMeasure>,
    /// Windows `[from, to)` \[s\] in which the waits of the groups booked are measured apart, for
    /// the requested measures on bookings.
    pub(crate) booking_windows: Vec<(SimTime, SimTime)>,
    /// Windows `[from, to)` \[s\] in which the waits of the groups booked at a port (index) are
    /// measured apart.
    pub(crate) port_booking_windows: Vec<(SimTime, SimTime, usize)>,
    /// The registration cohort (index into [`Scenario::cohort_months`]) of each day of the horizon.
    pub(crate) cohort_of_day: Vec<u16>,
    /// How many cohorts there are.
    pub(crate) cohorts: usize,
    /// The ports of entry, in port order (one implicit port without `[[ports]]`).
    pub(crate) ports: Vec<PortModel>,
    /// Port choice weights by source (`None`: in proportion to the quotas of the registration day).
    pub(crate) choice: Vec<Option<Vec<f64>>>,
    /// How each source's groups choose their port, prepared from `choice`.
    pub(crate) choice_cdf: Vec<sim::PortChoice>,
    /// The cumulative default choice weights of each day (`days × ports`), when there are ports.
    pub(crate) quota_cdf: Vec<f64>,
    /// Whether some port's closure to appointments cancels them (booked groups may then wait
    /// again): derived from `ports`, for the hot paths.
    pub(crate) closures_cancel: bool,
    /// Whether some port is ever closed to appointments: derived from `ports`.
    pub(crate) appointment_closures: bool,
    /// Whether some port has its own lead time: derived from `ports`.
    pub(crate) port_leads: bool,
    /// Moves between ports: after how long \[s\], the daily probability, the rule.
    pub(crate) switching: Option<(SimTime, f64, crate::scenario::SwitchRule)>,
}

/// A port of entry, compiled.
#[derive(Debug)]
pub(crate) struct PortModel {
    /// Its slots on each day, before closures and reissued slots.
    pub(crate) quota: Vec<u64>,
    /// Its lead time to the appointment, when it has its own.
    pub(crate) lead: Option<Sampler>,
    /// Closures to allocations: `[start, end)` \[s\] and whether its slots go to the open ports.
    pub(crate) no_allocations: Vec<(SimTime, SimTime, bool)>,
    /// Closures to appointments: `[start, end)` \[s\] and what happens to the appointments inside.
    pub(crate) no_appointments: Vec<(SimTime, SimTime, Booked)>,
}

impl PortModel {
    /// Whether the port gives out no slots at `t`, and if so whether they go to the open ports.
    pub(crate) fn closed_to_allocations(&self, t: SimTime) -> Option<bool> {
        self.no_allocations.iter().find(|(a, b, _)| *a <= t && t < *b).map(|c| c.2)
    }

    /// The closure to appointments holding `t`, if any.
    pub(crate) fn closed_to_appointments(&self, t: SimTime) -> Option<(SimTime, SimTime, Booked)> {
        self.no_appointments.iter().find(|(a, b, _)| *a <= t && t < *b).copied()
    }
}

/// Splits `total` in proportion to `weights` by the largest-remainder rule: each gets the floor of
/// its exact share, then one more goes to each of the largest fractional parts, ties by position.
/// All weights 0: nothing is given.
pub(crate) fn largest_remainder(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut out: Vec<u64> = exact.iter().map(|x| (x + 1e-9).floor() as u64).collect();
    let given: u64 = out.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Stable: equal fractional parts keep port order.
    order.sort_by(|&a, &b| {
        let fa = exact[a] - out[a] as f64;
        let fb = exact[b] - out[b] as f64;
        fb.partial_cmp(&fa).unwrap_or(std::cmp::Ordering::Equal)
    });
    for &i in order.iter().take(total.saturating_sub(given) as usize) {
        out[i] += 1;
    }
    out
}

/// The output label of each source, by source id: "initial", each stream, each caravan, "random caravans".
pub fn source_names(s: &Scenario) -> Vec<String> {
    let mut names = vec!["initial".to_string()];
    names.extend(s.arrivals.iter().map(|a| a.name.clone()));
    names.extend(s.caravans.iter().map(|c| c.name.clone()));
    names.push("random caravans".to_string());
    names
}

/// Each source's port choice weights, by source id (`None`: by the ports' slots).
fn source_choices(s: &Scenario) -> Vec<Option<Vec<f64>>> {
    let mut choice = vec![s.initial.as_ref().and_then(|i| i.ports.clone())];
    choice.extend(s.arrivals.iter().map(|a| a.ports.clone()));
    choice.extend(s.caravans.iter().map(|c| c.ports.clone()));
    choice.push(s.caravan_process.as_ref().and_then(|c| c.ports.clone()));
    choice
}

/// Compiles the ports of a scenario (one implicit port without `[[ports]]`).
fn port_models(s: &Scenario, total: &[u64]) -> Vec<PortModel> {
    use crate::scenario::PortQuota;
    let days = total.len();
    let mut ports: Vec<PortModel> = if s.ports.is_empty() {
        vec![PortModel { quota: total.to_vec(), lead: None, no_allocations: Vec::new(), no_appointments: Vec::new() }]
    } else {
        let shares: Vec<Vec<f64>> = s
            .ports
            .iter()
            .map(|p| match &p.quota {
                PortQuota::Share(x) => x.per_day(s.start, days),
                PortQuota::Slots(_) => vec![0.0; days],
            })
            .collect();
        let split: Vec<Vec<u64>> = (0..days)
            .map(|d| largest_remainder(total[d], &shares.iter().map(|x| x[d]).collect::<Vec<f64>>()))
            .collect();
        s.ports
            .iter()
            .enumerate()
            .map(|(i, p)| PortModel {
                quota: match &p.quota {
                    PortQuota::Slots(q) => q.per_day(s.start, days).into_iter().map(|v| v as u64).collect(),
                    PortQuota::Share(_) => split.iter().map(|d| d[i]).collect(),
                },
                lead: p.lead_days.as_ref().map(|l| l.sampler()),
                no_allocations: Vec::new(),
                no_appointments: Vec::new(),
            })
            .collect()
    };
    let origin = s.start.and_time(chrono::NaiveTime::MIN);
    for o in &s.outages {
        let start = (o.start - origin).num_seconds();
        let end = start + time::from_hours(o.hours);
        let closed: Vec<usize> = o.ports.clone().unwrap_or_else(|| (0..ports.len()).collect());
        for p in closed {
            if o.affects.allocations {
                ports[p].no_allocations.push((start, end, o.redistribute));
            }
            if o.affects.appointments {
                ports[p].no_appointments.push((start, end, o.booked));
            }
        }
    }
    ports
}

#[derive(Debug)]
pub(crate) struct StreamModel {
    pub(crate) rate: Vec<f64>,
    pub(crate) size: Sampler,
    pub(crate) travel: Sampler,
    pub(crate) register_share: f64,
}

#[derive(Debug)]
pub(crate) struct CaravanModel {
    /// Departure \[s\]; may be negative.
    pub(crate) depart: SimTime,
    pub(crate) persons: u64,
    pub(crate) distance_km: f64,
    pub(crate) pace: Sampler,
    pub(crate) dropout: f64,
    pub(crate) size: Sampler,
}

#[derive(Debug)]
pub(crate) struct ConfirmationModel {
    pub(crate) window: SimTime,
    pub(crate) first_attempt: Sampler,
    pub(crate) retry: Sampler,
    pub(crate) max_attempts: u32,
    pub(crate) failure_probability: f64,
    pub(crate) policy: OutagePolicy,
    pub(crate) grace: SimTime,
    pub(crate) on_miss: OnMiss,
}

/// The cohort of each day of the horizon ([`NO_COHORT`] for the history before the report).
fn cohort_of_day(s: &Scenario) -> Vec<u16> {
    let mut of_day = Vec::with_capacity(s.days());
    of_day.extend(std::iter::repeat_n(NO_COHORT, s.history_days()));
    for (c, (from, to)) in s.cohort_months().iter().enumerate() {
        of_day.extend(std::iter::repeat_n(c as u16, (*to - *from).num_days() as usize));
    }
    of_day
}

/// The arrival streams, compiled.
fn stream_models(s: &Scenario) -> Vec<StreamModel> {
    let days = s.days();
    s.arrivals
        .iter()
        .map(|a| StreamModel {
            rate: a.groups_per_day.per_day(s.start, days),
            size: a.group_size.sampler(),
            travel: a.travel_days.sampler(),
            register_share: a.register_share,
        })
        .collect()
}

/// The later lead times of `[appointment]`, each from its instant \[s\].
fn lead_changes(s: &Scenario) -> Vec<(SimTime, Sampler)> {
    let Some(a) = &s.appointment else { return Vec::new() };
    a.lead_days_from.iter().map(|(d, l)| ((*d - s.start).num_days() * DAY, l.sampler())).collect()
}

/// The cohort of a day before the reported period.
pub(crate) const NO_COHORT: u16 = u16::MAX;

impl Model {
    /// Compiles a validated scenario.
    pub fn new(scenario: &Scenario) -> Model {
        let s = scenario.clone();
        let days = s.days();
        let q = &s.quota;
        let seniority_share = q.seniority_share.per_day(s.start, days);
        let start_dt = s.start.and_time(chrono::NaiveTime::MIN);
        let source_names = source_names(&s);
        let quota: Vec<u64> = q.daily.per_day(s.start, days).into_iter().map(|v| v as u64).collect();
        let ports = port_models(&s, &quota);
        let choice = source_choices(&s);
        let mut m = Model {
            choice_cdf: choice.iter().map(|w| sim::PortChoice::of(w.as_deref())).collect(),
            quota_cdf: Vec::new(),
            closures_cancel: ports.iter().any(|p| p.no_appointments.iter().any(|c| c.2 == Booked::Cancel)),
            appointment_closures: ports.iter().any(|p| !p.no_appointments.is_empty()),
            port_leads: ports.iter().any(|p| p.lead.is_some()),
            ports,
            choice,
            switching: s.port_switching.as_ref().map(|w| (time::from_days(w.after_days), w.daily_probability, w.rule)),
            days,
            horizon: days as SimTime * DAY,
            warmup: time::from_days(s.warmup_days),
            report: s.history_days() as SimTime * DAY,
            report_day: s.history_days(),
            source_names,
            unit: q.unit,
            request_probability: q.request_probability.per_day(s.start, days),
            uses_seniority: seniority_share.iter().any(|x| *x > 0.0),
            seniority_share,
            allocation_offset: time::from_hours(q.allocation_hour),
            open_offset: q.request_open_hour.per_day(s.start, days).into_iter().map(time::from_hours).collect(),
            close_offset: q.request_close_hour.per_day(s.start, days).into_iter().map(time::from_hours).collect(),
            streams: stream_models(&s),
            caravans: s
                .caravans
                .iter()
                .map(|c| CaravanModel {
                    depart: (c.depart.and_time(chrono::NaiveTime::MIN) - start_dt).num_seconds(),
                    persons: c.persons,
                    distance_km: c.distance_km,
                    pace: c.pace_km_per_day.sampler(),
                    dropout: c.dropout,
                    size: c.group_size.sampler(),
                })
                .collect(),
            confirmation: s.confirmation.as_ref().map(|c| ConfirmationModel {
                window: time::from_hours(c.window_hours),
                first_attempt: c.first_attempt_hours.sampler(),
                retry: c.retry_hours.sampler(),
                max_attempts: c.max_attempts,
                failure_probability: c.failure_probability,
                policy: c.outage_policy,
                grace: time::from_hours(c.grace_hours),
                on_miss: c.on_miss,
            }),
            appointment: s.appointment.as_ref().map(|a| (a.lead_days.sampler(), a.no_show_probability)),
            lead_from: lead_changes(&s),
            cancel_at: s.appointment.as_ref().and_then(|a| a.cancel_from).map(|c| (c - start_dt).num_seconds()),
            patience: s.abandonment.as_ref().map(|a| (a.patience_days.clone(), a.patience_days.sampler())),
            explicit_outages: outages::explicit(&s),
            measures: Vec::new(),
            booking_windows: Vec::new(),
            port_booking_windows: Vec::new(),
            cohort_of_day: cohort_of_day(&s),
            cohorts: s.cohort_months().len(),
            scenario: s,
        };
        if m.ports.len() > 1 {
            m.quota_cdf = sim::quota_cdf(&m);
        }
        m
    }

    /// Runs replication `r` (its seed derives from the scenario seed and `r` only), reporting every
    /// registered group to `observer`. Panics if conservation or the sample-path Little's law fails,
    /// which would be a bug in the model, never a user error.
    ///
    /// The observer is a trait object, not a type parameter, so that the simulation is compiled once,
    /// in this crate, whoever calls it: a generic copy instantiated in a caller's crate (a benchmark)
    /// could not inline this crate's small helpers, so it measured other code than the CLI runs.
    /// Records cost one indirect call per group, and only when the observer wants them.
    pub fn replicate(&self, r: u64, observer: &mut dyn Observer) -> RepResult {
        self.replicate_until(r, observer, None).expect("a replication without a cancel flag runs to its end")
    }

    /// [`Model::replicate`], stopped as soon as `cancel` is set (checked every simulated day and
    /// within a day's arrivals): `None` if it was.
    pub fn replicate_until(
        &self,
        r: u64,
        observer: &mut dyn Observer,
        cancel: Option<&std::sync::atomic::AtomicBool>,
    ) -> Option<RepResult> {
        let mut result = sim::Sim::new(self, r, observer.wants_records(), cancel).run(observer)?;
        result.periods = self.period_values(&result);
        Some(result)
    }

    /// Cost of a group of `size` persons in quota units.
    pub(crate) fn cost(&self, size: u8) -> u64 {
        match self.unit {
            QuotaUnit::Persons => size as u64,
            QuotaUnit::Groups => 1,
        }
    }

    /// The instant of day `d`'s allocation.
    pub fn allocation_at(&self, d: i64) -> SimTime {
        d * DAY + self.allocation_offset
    }

    /// When the request window of day `d`'s allocation closes \[s\] (the last day's window for a
    /// day past the horizon).
    #[inline]
    pub(crate) fn close_of(&self, d: i64) -> SimTime {
        let last = self.close_offset.len().saturating_sub(1);
        let k = usize::try_from(d).map_or(0, |d| d.min(last));
        d * DAY + self.close_offset.get(k).copied().unwrap_or(0)
    }

    /// The day of the first allocation at or after `t` (an allocation at `t` itself counts: what
    /// happens at the allocation's instant precedes it).
    pub(crate) fn first_allocation_from(&self, t: SimTime) -> i64 {
        (t - self.allocation_offset + DAY - 1).div_euclid(DAY)
    }

    /// Seconds of day `d` inside the given outages (for daily series).
    pub(crate) fn seconds_in(set: &outages::IntervalSet, d: usize) -> u64 {
        let a = d as SimTime * DAY;
        set.overlap(a, a + DAY) as u64
    }
}
