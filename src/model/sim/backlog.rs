//! The initial backlog: groups already waiting at time 0, registered `registered_days_ago` before it.
//! They take the first ids, in draw order, and enter the pool in registration order (the order of
//! seniority). Their patience is conditioned on exceeding their age (see
//! [`backlog_patience`](super::abandonment::backlog_patience)).

use super::abandonment::backlog_patience;
use super::groups::{NEVER, State};
use super::{Sim, StreamKind};
use crate::engine::rng;
use crate::engine::time;

impl Sim<'_> {
    /// Creates the backlog and puts it in the pool at time 0.
    pub(super) fn seed_backlog(&mut self) {
        let Some(init) = &self.m.scenario.initial else { return };
        let mut rng = rng::stream(self.seed, StreamKind::Backlog as u32, 0);
        let size_s = init.group_size.sampler();
        let age_s = init.registered_days_ago.sampler();
        let mut slots = Vec::with_capacity(init.groups as usize);
        for _ in 0..init.groups {
            let size = size_s.sample_int(&mut rng, 1, 10) as u8;
            let age = age_s.sample(&mut rng);
            let registered_at = -time::from_days(age);
            let patience_at = match &self.m.patience {
                None => NEVER,
                Some((dist, _)) => backlog_patience(dist, age, registered_at, &mut rng),
            };
            slots.push(self.new_group(0, size, registered_at, patience_at, State::Waiting));
        }
        // Seniority ties and the eligibility list need registration order.
        slots.sort_by_key(|s| (self.groups.held(*s).registered_at, self.groups.id_of(*s)));
        for slot in slots {
            let g = self.groups.held(slot);
            let id = self.groups.id_of(slot);
            // With a reported period, the initial counts are the state at its start instead.
            if self.m.report == 0 {
                let c = self.counts_of(g.port);
                c.initial_groups += 1;
                c.initial_persons += g.size as u64;
            }
            self.enter_pool(slot, 0, g.size, g.registered_at, g.port);
            self.allocation.backlog_registered(self.m, g.registered_at, id, slot, g.port);
            self.schedule_patience(g.patience_at, id, slot);
        }
    }
}
