//! Abandonment: patience deadlines, and the pass that removes the groups whose patience ran out.
//!
//! Patience expiries are not events. Between two allocations the pool can only grow (registrations
//! and returns), and nothing reads it until the next allocation. So each deadline is filed under the
//! first allocation at or after it, and at that allocation (or at the horizon) [`Sim::expire_patience`]
//! takes the groups still waiting whose deadline has come, in deadline order, merged with the pool's
//! additions since the last pass. The pool's path (its exact integral per day and over the window,
//! its maximum) and every abandonment's time are as if each expiry had been an event ranked after
//! registrations and returns at equal times, without an event per group.

use rand::RngExt;

use super::Sim;
use super::groups::{NEVER, State};
use crate::engine::rng::StreamRng;
use crate::engine::time::{self, DAY, SimTime};
use crate::model::Model;
use crate::model::observer::{Observer, Outcome};
use crate::scenario::Dist;

/// A patience deadline filed under an allocation: the deadline as seconds after the allocation
/// before (in (0, DAY]), the group's id and slot. Ids fit 32 bits: the scale guard refuses
/// scenarios anywhere near 2³² groups.
#[derive(Debug, Clone, Copy)]
struct Deadline {
    offset: u32,
    id: u32,
    slot: u32,
}

/// Patience deadlines not yet due.
#[derive(Debug, Default)]
pub(super) struct Abandonment {
    /// Deadlines by the index of the first allocation at or after them (the last bucket: after the
    /// last allocation).
    buckets: Vec<Vec<Deadline>>,
    /// Emptied buckets, for reuse by later ones.
    spare: Vec<Vec<Deadline>>,
    /// The groups a pass finds expired: (`offset << 32 | id`, slot, size, port), sorted, so that
    /// one integer orders them by deadline, then id.
    expired: Vec<(u64, u32, u8, u8)>,
}

impl Abandonment {
    /// Empties every bucket (keeping their memory) and makes `buckets` of them.
    pub(super) fn clear(&mut self, buckets: usize) {
        let Abandonment { buckets: b, spare, expired } = self;
        for mut v in b.drain(..).filter(|v| v.capacity() > 0) {
            v.clear();
            spare.push(v);
        }
        b.resize_with(buckets, Vec::new);
        expired.clear();
    }
}

/// Draws a patience deadline for a group registering at `registered_at` (none without
/// `[abandonment]`).
#[inline]
pub(super) fn patience_from(m: &Model, rng: &mut StreamRng, registered_at: SimTime) -> SimTime {
    match &m.patience {
        Some((_, sampler)) => registered_at.saturating_add(time::from_days(sampler.sample(rng))),
        None => NEVER,
    }
}

/// The patience deadline of a backlog group registered `age` days before time 0: patience is drawn
/// by inverse CDF on `[F(age), 1)`, so that it exceeds the age; if it cannot (`F(age) = 1`), the
/// group leaves at time 0. Otherwise the deadline is at least 1 s after time 0.
pub(super) fn backlog_patience(dist: &Dist, age: f64, registered_at: SimTime, rng: &mut StreamRng) -> SimTime {
    let f = dist.cdf(age);
    if f >= 1.0 {
        return 0;
    }
    let u = f + (1.0 - f) * rng.random::<f64>();
    registered_at.saturating_add(time::from_days(dist.quantile(u))).max(1)
}

impl Sim<'_> {
    /// Files a patience deadline under the first allocation at or after it (a group whose patience
    /// ends at 12:00 has gone before the 12:00 allocation).
    pub(super) fn schedule_patience(&mut self, deadline: SimTime, id: u64, slot: u32) {
        if deadline >= self.m.horizon {
            return;
        }
        let k = self.m.first_allocation_from(deadline).clamp(0, self.m.days as i64) as usize;
        let offset =
            u32::try_from(deadline - bucket_base(self.m, k)).expect("a deadline lies within a day of its bucket");
        let a = &mut self.abandonment;
        let bucket = &mut a.buckets[k];
        if bucket.capacity() == 0
            && let Some(v) = a.spare.pop()
        {
            *bucket = v;
        }
        bucket.push(Deadline { offset, id: id as u32, slot });
    }

    /// Abandonments due by `now` (the allocation of day `bucket`, or the horizon for the last
    /// bucket): walks the pool's additions since the last pass and the due deadlines in time order
    /// (additions first at equal times, as registrations and returns precede patience expiries),
    /// integrating the path, then removes the groups that abandoned, each at its deadline.
    pub(super) fn expire_patience(&mut self, bucket: usize, now: SimTime, obs: &mut dyn Observer) {
        let mut expired = std::mem::take(&mut self.abandonment.expired);
        expired.clear();
        let base = bucket_base(self.m, bucket);
        let mut due = std::mem::take(&mut self.abandonment.buckets[bucket]);
        for &Deadline { offset, id, slot } in &due {
            // Still waiting now means waiting at its deadline too: a group that came back after its
            // deadline abandoned on its return, and nobody leaves the pool between allocations.
            if self.groups.is(slot, id as u64, State::Waiting) {
                let e = self.pool.entry(self.groups.pos(slot));
                expired.push(((offset as u64) << 32 | id as u64, slot, e.size, e.port));
            }
        }
        if due.capacity() > 0 {
            due.clear();
            self.abandonment.spare.push(due);
        }
        expired.sort_unstable_by_key(|e| e.0);
        let deadline = |key: u64| base + (key >> 32) as SimTime;
        let additions = self.tally.take_additions();
        let (mut i, mut j) = (0, 0);
        loop {
            let take_addition = match (additions.get(i), expired.get(j)) {
                (None, None) => break,
                (Some(a), Some(e)) => a.0 <= deadline(e.0),
                (Some(_), None) => true,
                (None, Some(_)) => false,
            };
            if take_addition {
                let (t, packed) = additions[i];
                let persons = packed & u32::MAX as u64;
                self.pool_path((packed >> 32) as u8, t, persons, true);
                i += 1;
            } else {
                let (key, _, size, port) = expired[j];
                self.pool_path(port, deadline(key), size as u64, false);
                j += 1;
            }
        }
        for &(key, slot, _, _) in &expired {
            let at = deadline(key);
            let e = self.leave_pool(slot, at);
            self.exit(slot, at, Outcome::Abandoned, (e.size, e.registered_at, e.port), obs);
        }
        debug_assert_eq!(self.tally.path.level().0, self.pool.len() as u64, "pool path out of step at {now}");
        self.tally.restore_additions(additions);
        self.abandonment.expired = expired;
    }
}

/// The instant that bucket `k`'s deadline offsets count from: the allocation before its own.
fn bucket_base(m: &Model, k: usize) -> SimTime {
    m.allocation_offset + (k as i64 - 1) * DAY
}
