//! Caravans: explicit ones (file order), then random ones (a Poisson process of departures). All
//! their groups are created at the start, each with a registration event at its arrival in the zone.
//!
//! A caravan of `persons` is split into groups in draw order; a group may drop out (baulk); the rest
//! walk `distance_km` at their own pace and register on arrival, at the end of any registration
//! outage they meet. A group that would arrive before the start is counted apart and dropped.

use rand::RngExt;

use super::abandonment::patience_from;
use super::groups::State;
use super::ports::choose_port;
use super::{Kind, Sim, StreamKind};
use crate::engine::rng::{self, StreamRng};
use crate::engine::time::{self, DAY, SimTime};
use crate::scenario::{DAYS_PER_MONTH, Sampler};

/// One caravan's walk, for [`Sim::split_caravan`].
struct Walk<'a> {
    source: u16,
    depart: SimTime,
    persons: u64,
    distance_km: f64,
    pace: &'a Sampler,
    dropout: f64,
    size: &'a Sampler,
}

impl Sim<'_> {
    /// Creates every caravan group of the replication, with its registration event.
    pub(super) fn seed_caravans(&mut self) {
        let m = self.m;
        for (i, c) in m.caravans.iter().enumerate() {
            let mut rng = rng::stream(self.seed, StreamKind::Caravan as u32, i as u32);
            let walk = Walk {
                source: (1 + m.streams.len() + i) as u16,
                depart: c.depart,
                persons: c.persons,
                distance_km: c.distance_km,
                pace: &c.pace,
                dropout: c.dropout,
                size: &c.size,
            };
            let window = self.split_caravan(&mut rng, &walk);
            self.caravan_windows.push(window);
        }
        let Some(p) = &m.scenario.caravan_process else { return };
        if p.per_month <= 0.0 {
            return;
        }
        let mut rng = rng::stream(self.seed, StreamKind::CaravanProcess as u32, 0);
        let rate_per_sec = p.per_month / (DAYS_PER_MONTH * DAY as f64);
        let persons_s = p.persons.sampler();
        let pace = p.pace_km_per_day.sampler();
        let size = p.group_size.sampler();
        let source = (1 + m.streams.len() + m.caravans.len()) as u16;
        // Each departure, then its caravan, in time order: the caravans before any instant are
        // drawn alike whatever the horizon.
        let mut t = 0.0f64;
        loop {
            t += -(1.0 - rng.random::<f64>()).ln() / rate_per_sec;
            let depart = t.round() as SimTime;
            if depart >= m.horizon {
                break;
            }
            let persons = persons_s.sample(&mut rng).round().max(0.0) as u64;
            let walk = Walk {
                source,
                depart,
                persons,
                distance_km: p.distance_km,
                pace: &pace,
                dropout: p.dropout,
                size: &size,
            };
            self.split_caravan(&mut rng, &walk);
        }
    }

    /// Splits one caravan into groups and schedules their registrations; returns its first and
    /// last registration inside the horizon, if any.
    fn split_caravan(&mut self, rng: &mut StreamRng, w: &Walk) -> Option<(SimTime, SimTime)> {
        let mut window: Option<(SimTime, SimTime)> = None;
        let mut left = w.persons;
        while left > 0 {
            let size = (w.size.sample_int(rng, 1, 10) as u64).min(left);
            left -= size;
            if w.dropout > 0.0 && rng.random_bool(w.dropout) {
                continue;
            }
            let v = w.pace.sample(rng);
            let reach = w.depart.saturating_add(time::from_days(w.distance_km / v));
            if reach < 0 {
                self.caravan_group_before_start();
                continue;
            }
            let registered_at = self.defer_registration(reach);
            // Drawn before the horizon is looked at, so that no draw depends on the horizon; the
            // caravan's own stream chooses the port, since its groups are all made at the start and
            // the shared choice stream is drawn in time order.
            let patience_at = patience_from(self.m, rng, registered_at);
            let port = choose_port(self.m, rng, w.source, registered_at);
            if registered_at >= self.m.horizon {
                continue;
            }
            window = Some(
                window.map_or((registered_at, registered_at), |(a, b)| (a.min(registered_at), b.max(registered_at))),
            );
            let id = self.groups.new_id();
            let slot = self.groups.place(id, w.source, size as u8, registered_at, patience_at, State::Travelling, port);
            self.push(registered_at, Kind::Register, id, slot as u64);
        }
        window
    }
}
