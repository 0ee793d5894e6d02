//! The load a scenario puts on the system, estimated before it runs: the persons each source is
//! expected to register over the horizon against the quota (what `borderq check` prints), and an
//! upper bound on the groups one replication registers (what the up-front size guard checks).

use super::dist::{Dist, Law};
use super::types::{DAYS_PER_MONTH, QuotaUnit, Scenario};

/// The most groups one replication may be expected to register before borderq refuses to run it:
/// each live group costs about 100 bytes, so 200 million is ~20 GB per worker thread.
pub const MAX_EXPECTED_GROUPS: f64 = 2e8;

/// The most arrivals one replication may be expected to draw, those that never register (a
/// `register_share` below 1) included: each costs time, about 100 ns, so 2 billion is a few
/// minutes per replication.
pub const MAX_EXPECTED_DRAWS: f64 = 2e9;

/// Expected persons registering from one source over the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceLoad {
    /// The source's name.
    pub name: String,
    /// Expected persons registering during the horizon.
    pub persons: f64,
    /// Expected groups registering during the horizon.
    pub groups: f64,
}

/// An explicit caravan's expected registrations, with what is lost before the start.
#[derive(Debug, Clone, PartialEq)]
pub struct CaravanLoad {
    /// Persons and groups registering during the horizon.
    pub load: SourceLoad,
    /// Persons who would arrive before the start (dropped), if any can.
    pub before_start: Option<f64>,
}

/// The expected load of a scenario over its horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct Load {
    /// The backlog: (groups, persons) waiting at the start.
    pub initial: Option<(u64, f64)>,
    /// Each arrival stream.
    pub arrivals: Vec<SourceLoad>,
    /// Each explicit caravan.
    pub caravans: Vec<CaravanLoad>,
    /// Random caravans, with the expected number of caravans arriving.
    pub random_caravans: Option<(SourceLoad, f64)>,
    /// Persons registering during the horizon, all sources but the backlog.
    pub total_persons: f64,
    /// The quota over the horizon, in persons (groups converted at the arrivals' mean size).
    pub quota_persons: f64,
}

/// Mean of a group-size law after rounding and clamping to 1–10.
pub fn size_mean(d: &Dist) -> f64 {
    let rc = |x: f64| x.round().clamp(1.0, 10.0);
    match &d.law {
        Law::Empirical { values, weights } => {
            let total: f64 = weights.iter().sum();
            values.iter().zip(weights).map(|(v, w)| rc(d.clamp(*v)) * w).sum::<f64>() / total
        }
        _ => {
            let n = 20_000;
            (0..n).map(|i| rc(d.quantile((i as f64 + 0.5) / n as f64))).sum::<f64>() / n as f64
        }
    }
}

impl Load {
    /// The expected load of `s`: arrivals at their rates and registration shares, caravans less
    /// dropouts and those reaching the zone outside the horizon, random caravans at their rate over
    /// the horizon less one mean trip.
    pub fn of(s: &Scenario) -> Load {
        let days = s.days();
        let horizon = days as f64;
        let initial = s.initial.as_ref().map(|i| (i.groups, i.groups as f64 * size_mean(&i.group_size)));
        let arrivals: Vec<SourceLoad> = s
            .arrivals
            .iter()
            .map(|a| {
                let groups = a.groups_per_day.per_day(s.start, days).iter().sum::<f64>() * a.register_share;
                SourceLoad { name: a.name.clone(), persons: groups * size_mean(&a.group_size), groups }
            })
            .collect();
        let caravans: Vec<CaravanLoad> = s.caravans.iter().map(|c| caravan(s, c, horizon)).collect();
        let random_caravans = s.caravan_process.as_ref().map(|p| {
            let mean_trip = p.distance_km / p.pace_km_per_day.clamped_mean().max(1e-9);
            let n = p.per_month / DAYS_PER_MONTH * (horizon - mean_trip).max(0.0);
            let persons = n * p.persons.clamped_mean().max(0.0) * (1.0 - p.dropout);
            let load =
                SourceLoad { name: "random caravans".into(), persons, groups: persons / size_mean(&p.group_size) };
            (load, n)
        });
        let sources =
            arrivals.iter().chain(caravans.iter().map(|c| &c.load)).chain(random_caravans.iter().map(|r| &r.0));
        let (mut total_persons, mut total_groups) = (0.0, 0.0);
        for l in sources {
            total_persons += l.persons;
            total_groups += l.groups;
        }
        let quota_total: f64 = s.quota.daily.per_day(s.start, days).iter().sum();
        let quota_persons = match s.quota.unit {
            QuotaUnit::Persons => quota_total,
            QuotaUnit::Groups => quota_total * if total_groups > 0.0 { total_persons / total_groups } else { 1.0 },
        };
        Load { initial, arrivals, caravans, random_caravans, total_persons, quota_persons }
    }
}

/// An explicit caravan: registered within [0, horizon) iff its pace lies in a band, since the reach
/// time is depart + distance / pace.
fn caravan(s: &Scenario, c: &super::types::Caravan, horizon: f64) -> CaravanLoad {
    let depart = (c.depart - s.start).num_days() as f64;
    let p_before = if depart < 0.0 && c.distance_km > 0.0 {
        1.0 - c.pace_km_per_day.cdf(c.distance_km / -depart)
    } else if depart < 0.0 {
        1.0
    } else {
        0.0
    };
    let p_after = if horizon - depart > 0.0 && c.distance_km > 0.0 {
        c.pace_km_per_day.cdf(c.distance_km / (horizon - depart))
    } else if horizon <= depart {
        1.0
    } else {
        0.0
    };
    let go_on = c.persons as f64 * (1.0 - c.dropout);
    let persons = go_on * (1.0 - p_before - p_after).max(0.0);
    let load = SourceLoad { name: c.name.clone(), persons, groups: persons / size_mean(&c.group_size) };
    CaravanLoad { load, before_start: (p_before > 0.0).then_some(go_on * p_before) }
}

impl Scenario {
    /// An upper bound on the groups registering in one replication: the backlog, every stream over
    /// the horizon, every caravan person as a group, and random caravans over the whole horizon.
    /// Used to refuse runs that could not fit in memory before they start.
    pub fn expected_groups(&self) -> f64 {
        self.expected_arrivals(true)
    }

    /// The arrivals one replication is expected to draw: [`Scenario::expected_groups`] with the
    /// streams' arrivals that do not register counted too.
    pub fn expected_draws(&self) -> f64 {
        self.expected_arrivals(false)
    }

    /// Why one replication of this scenario could not run within the size guard (memory for the
    /// groups it registers, time for the arrivals it draws), or `None` if it can.
    pub fn scale_problem(&self) -> Option<String> {
        let groups = self.expected_groups();
        if groups > MAX_EXPECTED_GROUPS {
            return Some(format!(
                "scenario {:?} would register about {:.3e} groups per replication (about {:.0} GB of memory per worker thread): \
                 borderq refuses more than {:.0e}; shorten the horizon or lower the arrival rates",
                self.name,
                groups,
                groups * 100.0 / 1e9,
                MAX_EXPECTED_GROUPS
            ));
        }
        let draws = self.expected_draws();
        if draws > MAX_EXPECTED_DRAWS {
            return Some(format!(
                "scenario {:?} would draw about {draws:.3e} arrivals per replication ({groups:.3e} of them registering), each costing time: \
                 borderq refuses more than {:.0e}; shorten the horizon or lower the arrival rates",
                self.name, MAX_EXPECTED_DRAWS
            ));
        }
        None
    }

    fn expected_arrivals(&self, registering_only: bool) -> f64 {
        let days = self.days();
        let mut total = self.initial.as_ref().map_or(0.0, |i| i.groups as f64);
        for a in &self.arrivals {
            let share = if registering_only { a.register_share } else { 1.0 };
            total += a.groups_per_day.per_day(self.start, days).iter().sum::<f64>() * share;
        }
        total += self.caravans.iter().map(|c| c.persons as f64).sum::<f64>();
        if let Some(p) = &self.caravan_process {
            total += p.per_month / DAYS_PER_MONTH * days as f64 * p.persons.clamped_mean().max(0.0);
        }
        total
    }
}
