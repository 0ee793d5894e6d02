//! One replication: the event loop and every rule of SPEC §2.
//!
//! Event kinds, in the order SPEC §2.8 resolves equal times (lower first; within a kind, by group id):
//! 1 arrivals of a day (internal: creates the day's groups), 2 registrations, (3) confirmation attempts,
//! 4 confirmation misses and returns, (5) patience expiries, 6 the allocation, (7) appointments.
//! Outages are not events: they are interval sets queried at the instants that matter, which gives the
//! same results as boundary events ranked first (kind 0).
//!
//! Patience expiries are not events either. Between two allocations the pool can only grow
//! (registrations and returns); nothing reads it until the next allocation. So each group's deadline
//! is filed under the first allocation at or after it, and at that allocation (or at the horizon)
//! `sweep` takes the groups still waiting whose deadline has come, in deadline order, merged with the
//! pool's additions since the last sweep: the pool's path (its exact integral per day and over the
//! window, its maximum) and every abandonment's time are as if each expiry had been an event of
//! kind 5, which is exactly what SPEC §2.8 asks, without an event per group.
//!
//! Confirmation attempts are not events: a selected group's attempts depend only on its own draws and
//! on the outages, so `confirm` plays them at selection; only a miss, which returns the group to the
//! pool, is an event.
//!
//! Appointments are not events: a booked group cannot abandon, so its end (processed or no-show, at
//! its appointment time) is certain at booking and is accounted then (see `book`).
//!
//! Groups live in slots that are reused; an event or deadline names the group's id and slot, and one
//! whose id no longer matches its slot's tag (the group left) is stale and skipped. Which data of a
//! group lives where (`SlotRef`, `pool::Entry`, `Group`, `RecordTimes`) is chosen to keep the random
//! memory accesses per group few: see `SlotRef` and ARCHITECTURE.md.

use std::collections::{BTreeMap, VecDeque};

use rand::RngExt;
use rand_distr::{Distribution, Exp};

use super::lookahead::Lookahead;
use super::outage::{self, Outages};
use super::pool::{COIN_NO, COIN_YES, Entry, NO_COIN, Pool, smallest_size};
use super::record::{GroupRecord, Observer, Outcome};
use super::result::{Counts, Daily, RepResult, SERIES};
use super::waits::{EXACT_WAITS, WaitLog};
use super::{Model, StreamKind};
use crate::engine::rng::{self, StreamRng};
use crate::engine::time::{self, DAY, SimTime, day_of};
use crate::engine::{Event, EventQueue};
use crate::scenario::{DAYS_PER_MONTH, OnMiss, OutagePolicy, QuotaUnit};

const K_ARRIVALS: u8 = 1;
const K_REGISTER: u8 = 2;
const K_MISS: u8 = 4;
/// A cancelled appointment: the group goes back to waiting (ranked with misses and returns).
const K_CANCEL: u8 = 4;
const K_ALLOCATE: u8 = 6;

const S_WAITING: usize = 0;
const S_ARRIVED: usize = 2;
const S_SELECTED: usize = 3;
const S_BOOKED: usize = 4;
const S_PROCESSED: usize = 5;
const S_ABANDONED: usize = 6;
const S_MISSED: usize = 7;
const S_UNUSED: usize = 8;
const S_QUOTA: usize = 9;
const S_OUTAGE: usize = 10;

/// Where a group is. It lives in the low bits of the group's tag (see [`tag`]), not in its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum State {
    Travelling = 0,
    Waiting = 1,
    Selected = 2,
    Booked = 3,
    Free = 4,
}

impl State {
    fn of_tag(tag: u64) -> State {
        match tag & 7 {
            0 => State::Travelling,
            1 => State::Waiting,
            2 => State::Selected,
            3 => State::Booked,
            _ => State::Free,
        }
    }
}

/// A group's record (32 bytes): what the rules read of a group that is out of the pool but still in
/// the system, or travelling. A group registered from today's buffer has one only once it needs it
/// (see [`SlotRef`]). Its id and state are in `Sim::refs`; what the lottery reads is in its pool
/// entry; what only `--records` reports is in `Sim::record_times`.
#[derive(Debug, Clone)]
struct Group {
    registered_at: SimTime,
    patience_at: SimTime,
    /// Start of the current waiting spell of a group that came back (see [`Entry::returned`]).
    waiting_since: SimTime,
    size: u8,
}

const NEVER: SimTime = i64::MAX;

/// What only a group's record reports.
#[derive(Debug, Clone, Copy)]
struct RecordTimes {
    source: u16,
    attempts: u32,
    selected_at: SimTime,
    booked_at: SimTime,
    appointment_at: SimTime,
}

const NO_TIMES: RecordTimes =
    RecordTimes { source: 0, attempts: 0, selected_at: NEVER, booked_at: NEVER, appointment_at: NEVER };

/// What the hot paths read and write of a slot, in 16 bytes apart from the group record: the tag
/// (`id << 3 | state`: "is this deadline's group still waiting?", asked for every deadline, most of
/// them stale), the position in `Pool::entries` (`u32::MAX` when not waiting), which the lottery
/// and swap-removals update for random groups, and where the group's patience is (`patience`).
/// One cache line serves all three.
///
/// A group registered from today's buffer on the fast path has no group record: its size and
/// registration time are in its pool entry and its patience deadline is `patience` seconds after
/// its registration ([`NO_PATIENCE`] for none). The record is written (`materialise`) only if the
/// group leaves the pool but not the system (a miss or cancellation to come, or still selected or
/// booked at the horizon), so most groups never touch the group array, whose random writes grew
/// the cost per group with the pool's size.
#[derive(Debug, Clone, Copy)]
struct SlotRef {
    tag: u64,
    pos: u32,
    patience: u32,
}

/// `SlotRef::patience` when the group record holds the group's data.
const PATIENCE_IN_RECORD: u32 = u32::MAX;
/// `SlotRef::patience` for a group that never abandons.
const NO_PATIENCE: u32 = u32::MAX - 1;

/// A patience deadline as seconds after the registration, for [`SlotRef::patience`], if it fits.
fn patience_offset(registered_at: SimTime, patience_at: SimTime) -> Option<u32> {
    if patience_at == NEVER {
        return Some(NO_PATIENCE);
    }
    u32::try_from(patience_at - registered_at).ok().filter(|o| *o < NO_PATIENCE)
}

/// A stream registration due today, waiting in the sorted buffer: its event key ([`Event::key`]:
/// time, kind, id; no slot yet) and what the group's record would hold. The group takes a slot
/// only when it registers.
#[derive(Debug, Clone, Copy)]
struct Pending {
    key: u128,
    patience_at: SimTime,
    source: u16,
    size: u8,
}

/// The compact validity tag of a group: its id and state.
#[inline]
fn tag(id: u64, state: State) -> u64 {
    (id << 3) | state as u64
}

/// Marks a miss event's payload when the group's confirmation window overlapped an outage (the slot
/// itself takes the low 32 bits).
const MISS_IN_OUTAGE: u64 = 1 << 32;

/// A patience deadline filed under an allocation (see `Sim::patience`): the deadline as seconds after
/// the allocation before (in (0, DAY]), the group's id and slot.
/// Ids fit 32 bits: the scale guard refuses scenarios anywhere near 2³² groups.
#[derive(Debug, Clone, Copy)]
struct Deadline {
    offset: u32,
    id: u32,
    slot: u32,
}

/// The growable buffers of a replication. Each thread keeps its last replication's buffers for the
/// next one, so a run of many replications does not hand ~20 MB per replication-year of R back to
/// the allocator and fault it in again: page faults were about a tenth of R's time (issue 6).
/// Every buffer is cleared before reuse, so results cannot depend on what ran before.
#[derive(Default)]
struct Buffers {
    queue: Option<EventQueue>,
    groups: Vec<Group>,
    refs: Vec<SlotRef>,
    record_times: Vec<RecordTimes>,
    free: Vec<u32>,
    pool: Vec<Entry>,
    recent: VecDeque<(SimTime, u32, u64)>,
    seniority: VecDeque<(SimTime, u64, u32)>,
    additions: Vec<(SimTime, u64)>,
    patience: Vec<Vec<Deadline>>,
    spare_patience: Vec<Vec<Deadline>>,
    expired: Vec<(u64, u32, u8)>,
    today: Vec<Pending>,
    waits: Vec<SimTime>,
    selection_waits: Vec<SimTime>,
    scratch: Vec<u32>,
    scratch_lottery: Vec<u32>,
    scratch_coins: Vec<u32>,
}

thread_local! {
    static SPARE: std::cell::RefCell<Option<Buffers>> = const { std::cell::RefCell::new(None) };
}

impl Buffers {
    /// This thread's spare buffers (or new ones), cleared, with `buckets` empty patience buckets.
    fn take(buckets: usize) -> Buffers {
        let mut b = SPARE.with(|s| s.borrow_mut().take()).unwrap_or_default();
        match &mut b.queue {
            Some(q) => q.clear(),
            None => b.queue = Some(EventQueue::with_bucket_width(crate::engine::time::HOUR)),
        }
        b.groups.clear();
        b.refs.clear();
        b.record_times.clear();
        b.free.clear();
        b.pool.clear();
        b.recent.clear();
        b.seniority.clear();
        b.additions.clear();
        for mut v in b.patience.drain(..).filter(|v| v.capacity() > 0) {
            v.clear();
            b.spare_patience.push(v);
        }
        b.patience.resize_with(buckets, Vec::new);
        b.expired.clear();
        b.today.clear();
        b.waits.clear();
        b.selection_waits.clear();
        b.scratch.clear();
        b.scratch_lottery.clear();
        b.scratch_coins.clear();
        b
    }

    /// Keeps `self` for this thread's next replication.
    fn give_back(self) {
        SPARE.with(|s| *s.borrow_mut() = Some(self));
    }
}

pub(crate) struct Sim<'m> {
    m: &'m Model,
    replication: u64,
    seed: u64,
    queue: EventQueue,
    groups: Vec<Group>,
    /// Each slot's tag and pool position (see [`SlotRef`]).
    refs: Vec<SlotRef>,
    /// Times that only `--records` uses, per slot; empty when the observer wants no records.
    record_times: Vec<RecordTimes>,
    keep_record_times: bool,
    free: Vec<u32>,
    next_id: u64,
    pool: Pool,
    recent: VecDeque<(SimTime, u32, u64)>,
    /// Every registration in (registration time, id) order, for the seniority pass; entries of groups
    /// that left are dropped lazily from the front. Kept only when some seniority share is positive.
    seniority: VecDeque<(SimTime, u64, u32)>,
    outages: Outages,
    reissue: BTreeMap<i64, u64>,
    rng_streams: Vec<StreamRng>,
    rng_caravans: Vec<StreamRng>,
    rng_process: StreamRng,
    rng_lottery: StreamRng,
    rng_confirm: StreamRng,
    rng_appoint: StreamRng,
    counts: Counts,
    // Pool path bookkeeping (exact, in group-seconds and person-seconds): the pool as it was at
    // `last_t`, which `sweep` advances through the additions and abandonments in time order.
    last_t: SimTime,
    path_groups: u64,
    path_persons: u64,
    /// Additions to the pool since the last sweep: (time, persons), in time order.
    additions: Vec<(SimTime, u64)>,
    /// Patience deadlines by the index of the first allocation at or after them (the last bucket:
    /// after the last allocation).
    patience: Vec<Vec<Deadline>>,
    /// The groups a sweep finds expired: (`offset << 32 | id`, slot, size), sorted, so that one
    /// integer orders them by deadline, then id.
    expired: Vec<(u64, u32, u8)>,
    /// Emptied patience buckets, for reuse by later ones.
    spare_patience: Vec<Vec<Deadline>>,
    /// Registrations of stream arrivals due today, sorted by key; `today_pos` is the next one.
    /// Keys, not events: a key is built in registers and compared as one integer (an `Event` built
    /// on the stack and copied out stalled store forwarding).
    today: Vec<Pending>,
    today_pos: usize,
    integral_groups: u128,
    integral_persons: u128,
    waiting_time_sum: u128,
    max_groups: u64,
    max_persons: u64,
    daily: Vec<Vec<f64>>,
    day_group_secs: Vec<u64>,
    day_person_secs: Vec<u64>,
    waits: WaitLog,
    selection_waits: WaitLog,
    wait_bins: Vec<u64>,
    selection_wait_bins: Vec<u64>,
    scratch: Vec<u32>,
    scratch_lottery: Vec<u32>,
    scratch_coins: Vec<u32>,
}

impl<'m> Sim<'m> {
    pub(crate) fn new(m: &'m Model, replication: u64) -> Self {
        let seed = rng::replication_seed(m.scenario.seed, replication);
        let stream = |k: StreamKind, i: usize| rng::stream(seed, k as u32, i as u32);
        let mut rng_outages = stream(StreamKind::Outages, 0);
        let mut raw = m.explicit_outages.clone();
        raw.extend(outage::random(&m.scenario, m.horizon, &mut rng_outages));
        let outages = Outages::build(&raw);
        let mut daily = vec![vec![0.0; m.days]; SERIES.len()];
        for (d, hours) in daily[S_OUTAGE].iter_mut().enumerate() {
            *hours = Model::hours_in(&outages.any, d);
        }
        let b = Buffers::take(m.days + 1);
        Sim {
            m,
            replication,
            seed,
            queue: b.queue.expect("taken buffers hold a queue"),
            groups: b.groups,
            refs: b.refs,
            record_times: b.record_times,
            keep_record_times: false,
            free: b.free,
            next_id: 0,
            pool: Pool::with_entries(b.pool),
            recent: b.recent,
            seniority: b.seniority,
            outages,
            reissue: BTreeMap::new(),
            rng_streams: (0..m.streams.len()).map(|i| stream(StreamKind::Arrivals, i)).collect(),
            rng_caravans: (0..m.caravans.len()).map(|i| stream(StreamKind::Caravan, i)).collect(),
            rng_process: stream(StreamKind::CaravanProcess, 0),
            rng_lottery: stream(StreamKind::Lottery, 0),
            rng_confirm: stream(StreamKind::Confirmations, 0),
            rng_appoint: stream(StreamKind::Appointments, 0),
            counts: Counts::default(),
            last_t: 0,
            path_groups: 0,
            path_persons: 0,
            additions: b.additions,
            patience: b.patience,
            expired: b.expired,
            spare_patience: b.spare_patience,
            today: b.today,
            today_pos: 0,
            integral_groups: 0,
            integral_persons: 0,
            waiting_time_sum: 0,
            max_groups: 0,
            max_persons: 0,
            daily,
            day_group_secs: vec![0; m.days],
            day_person_secs: vec![0; m.days],
            waits: WaitLog::new(b.waits, EXACT_WAITS),
            selection_waits: WaitLog::new(b.selection_waits, EXACT_WAITS),
            wait_bins: Vec::new(),
            selection_wait_bins: Vec::new(),
            scratch: b.scratch,
            scratch_lottery: b.scratch_lottery,
            scratch_coins: b.scratch_coins,
        }
    }

    pub(crate) fn run(mut self, obs: &mut dyn Observer) -> RepResult {
        self.keep_record_times = obs.wants_records();
        self.seed_backlog();
        self.seed_caravans();
        for i in 0..self.m.streams.len() {
            self.push(0, K_ARRIVALS, i as u64, 0);
        }
        if self.m.allocation_at(0) < self.m.horizon {
            self.push(self.m.allocation_at(0), K_ALLOCATE, 0, 0);
        }
        loop {
            // Today's stream registrations wait in a sorted buffer rather than in the queue: those
            // before the queue's next event happen first (the same order as one queue). A
            // registration schedules nothing in the queue, so its next key holds for the whole batch.
            let next = self.queue.peek_key();
            while let Some(&p) = self.today.get(self.today_pos)
                && next.is_none_or(|n| p.key < n)
            {
                self.today_pos += 1;
                self.register_pending(p);
            }
            let Some(ev) = self.queue.pop() else { break };
            debug_assert!(ev.time < self.m.horizon);
            let slot = ev.slot as u32;
            match ev.kind {
                K_ARRIVALS => self.arrivals_of_day(ev.id as usize, day_of(ev.time)),
                K_REGISTER => self.register(slot, ev.time),
                K_MISS if self.refs[slot as usize].tag == tag(ev.id, State::Booked) => self.cancel(slot, ev.time, obs),
                K_MISS => self.miss(slot, ev.slot & MISS_IN_OUTAGE != 0, ev.time, obs),
                K_ALLOCATE => {
                    let d = day_of(ev.time);
                    self.sweep(d as usize, ev.time, obs);
                    self.allocate(d, ev.time, obs);
                }
                _ => unreachable!("unknown event kind {}", ev.kind),
            }
        }
        self.sweep(self.m.days, self.m.horizon, obs);
        self.finish(obs)
    }

    fn push(&mut self, time: SimTime, kind: u8, id: u64, slot: u32) {
        if time < self.m.horizon {
            self.queue.push(Event { time, kind, id, slot: slot as u64 });
        }
    }

    // ----- the waiting-pool integral (exact) -----

    /// Integrates the pool path from `last_t` to `t`, per day and over the statistics window.
    fn advance(&mut self, t: SimTime) {
        let (g, p) = (self.path_groups, self.path_persons);
        let mut a = self.last_t;
        if t <= a {
            return;
        }
        if g > 0 {
            let w = self.m.warmup;
            let inside = (t.min(self.m.horizon) - a.max(w)).max(0) as u128;
            self.integral_groups += g as u128 * inside;
            self.integral_persons += p as u128 * inside;
            while a < t {
                let d = day_of(a);
                let seg_end = t.min((d + 1) * DAY);
                let len = (seg_end - a) as u64;
                self.day_group_secs[d as usize] += g * len;
                self.day_person_secs[d as usize] += p * len;
                a = seg_end;
            }
        }
        self.last_t = t;
    }

    /// Files a patience deadline under the first allocation at or after it (SPEC §2.8: a group whose
    /// patience ends at 12:00 has gone before the 12:00 allocation).
    fn schedule_patience(&mut self, deadline: SimTime, id: u64, slot: u32) {
        if deadline >= self.m.horizon {
            return;
        }
        let k = self.m.first_allocation_from(deadline).clamp(0, self.m.days as i64);
        let offset =
            u32::try_from(deadline - self.bucket_base(k as usize)).expect("a deadline lies within a day of its bucket");
        let bucket = &mut self.patience[k as usize];
        if bucket.capacity() == 0
            && let Some(v) = self.spare_patience.pop()
        {
            *bucket = v;
        }
        bucket.push(Deadline { offset, id: id as u32, slot });
    }

    /// The instant that bucket `k`'s deadline offsets count from: the allocation before its own.
    fn bucket_base(&self, k: usize) -> SimTime {
        self.m.allocation_offset + (k as i64 - 1) * DAY
    }

    /// Abandonments due by `now` (the allocation of day `bucket`, or the horizon for the last bucket):
    /// walks the pool's additions since the last sweep and the due deadlines in time order (additions
    /// first at equal times, as registrations and returns precede patience expiries), integrating the
    /// path and tracking its maximum, then removes the groups that abandoned, each at its deadline.
    fn sweep(&mut self, bucket: usize, now: SimTime, obs: &mut dyn Observer) {
        let mut expired = std::mem::take(&mut self.expired);
        expired.clear();
        let base = self.bucket_base(bucket);
        let mut due = std::mem::take(&mut self.patience[bucket]);
        for &Deadline { offset, id, slot } in &due {
            // Still waiting now means waiting at its deadline too: a group that came back after its
            // deadline abandoned on its return, and nobody leaves the pool between allocations.
            if self.refs[slot as usize].tag == tag(id as u64, State::Waiting) {
                let size = self.pool.entries[self.refs[slot as usize].pos as usize].size;
                expired.push(((offset as u64) << 32 | id as u64, slot, size));
            }
        }
        if due.capacity() > 0 {
            due.clear();
            self.spare_patience.push(due);
        }
        expired.sort_unstable_by_key(|e| e.0);
        let deadline = |key: u64| base + (key >> 32) as SimTime;
        let additions = std::mem::take(&mut self.additions);
        let (mut i, mut j) = (0, 0);
        loop {
            let take_addition = match (additions.get(i), expired.get(j)) {
                (None, None) => break,
                (Some(a), Some(e)) => a.0 <= deadline(e.0),
                (Some(_), None) => true,
                (None, Some(_)) => false,
            };
            if take_addition {
                let (t, persons) = additions[i];
                self.advance(t);
                self.path_groups += 1;
                self.path_persons += persons;
                self.max_groups = self.max_groups.max(self.path_groups);
                self.max_persons = self.max_persons.max(self.path_persons);
                i += 1;
            } else {
                let (key, _, size) = expired[j];
                let t = deadline(key);
                self.advance(t);
                self.path_groups -= 1;
                self.path_persons -= size as u64;
                j += 1;
            }
        }
        self.advance(now);
        for &(key, slot, _) in &expired {
            let at = deadline(key);
            let e = self.leave_pool(slot, at);
            self.exit(slot, at, Outcome::Abandoned, e.size, e.registered_at, obs);
        }
        debug_assert_eq!(self.path_groups, self.pool.len() as u64, "pool path out of step at {now}");
        let mut additions = additions;
        additions.clear();
        self.additions = additions;
        self.expired = expired;
    }

    fn add_spell(&mut self, from: SimTime, to: SimTime) {
        let inside = (to.min(self.m.horizon) - from.max(self.m.warmup)).max(0);
        self.waiting_time_sum += inside as u128;
    }

    // ----- groups: creation, storage, exit -----

    /// Creates a group with the next id and a record, in a free slot (or a new one); returns its slot.
    fn new_group(&mut self, source: u16, size: u8, registered_at: SimTime, patience_at: SimTime, state: State) -> u32 {
        let id = self.new_id();
        self.place_group(id, source, size, registered_at, patience_at, state)
    }

    /// The next group id (ids follow creation order).
    fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        // Deadlines carry 32-bit ids; the scale guard keeps scenarios far below this.
        assert!(id <= u32::MAX as u64, "more than 2^32 groups in one replication");
        self.next_id += 1;
        id
    }

    /// A free slot (or a new one) for a group; its contents are the caller's to set.
    fn take_slot(&mut self) -> u32 {
        match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.groups.push(Group { registered_at: NEVER, patience_at: NEVER, waiting_since: NEVER, size: 0 });
                self.refs.push(SlotRef { tag: tag(0, State::Free), pos: u32::MAX, patience: PATIENCE_IN_RECORD });
                if self.keep_record_times {
                    self.record_times.push(NO_TIMES);
                }
                (self.groups.len() - 1) as u32
            }
        }
    }

    /// Stores group `id` with its record in a free slot (or a new one); returns the slot.
    fn place_group(
        &mut self,
        id: u64,
        source: u16,
        size: u8,
        registered_at: SimTime,
        patience_at: SimTime,
        state: State,
    ) -> u32 {
        let slot = self.take_slot() as usize;
        self.groups[slot] = Group { registered_at, patience_at, waiting_since: NEVER, size };
        self.refs[slot] = SlotRef { tag: tag(id, state), pos: u32::MAX, patience: PATIENCE_IN_RECORD };
        if self.keep_record_times {
            self.record_times[slot] = RecordTimes { source, ..NO_TIMES };
        }
        slot as u32
    }

    /// Writes the group record of a fast-path group from its pool entry and slot reference, once it
    /// leaves the pool but not the system (see [`SlotRef`]); a no-op if the record is current.
    fn materialise(&mut self, slot: u32, e: &Entry) {
        let r = &mut self.refs[slot as usize];
        let patience_at = match r.patience {
            PATIENCE_IN_RECORD => return,
            NO_PATIENCE => NEVER,
            offset => e.registered_at + offset as SimTime,
        };
        r.patience = PATIENCE_IN_RECORD;
        self.groups[slot as usize] =
            Group { registered_at: e.registered_at, patience_at, waiting_since: NEVER, size: e.size };
    }

    /// The id of the group in `slot`.
    #[inline]
    fn id_of(&self, slot: u32) -> u64 {
        self.refs[slot as usize].tag >> 3
    }

    /// Sets the state in the slot's tag (the group record has none).
    #[inline]
    fn set_state(&mut self, slot: u32, state: State) {
        let t = &mut self.refs[slot as usize].tag;
        *t = (*t & !7) | state as u64;
    }

    /// The record of the group in `slot`, of `size` persons, registered at `registered_at` (from the
    /// caller, since a group on the fast path has no group record; see [`SlotRef`]).
    fn record(&self, slot: u32, outcome: Outcome, ended_at: SimTime, size: u8, registered_at: SimTime) -> GroupRecord {
        let times = self.record_times[slot as usize];
        let opt = |t: SimTime| (t != NEVER).then_some(t);
        GroupRecord {
            id: self.id_of(slot),
            source: times.source,
            size,
            registered_at,
            selected_at: opt(times.selected_at),
            booked_at: opt(times.booked_at),
            appointment_at: opt(times.appointment_at),
            outcome,
            ended_at,
            attempts: times.attempts,
        }
    }

    /// A group leaves the system at `t`; its size and registration time come from the caller, who
    /// has them at hand (from the pool entry), so that the group's record is not read again.
    fn exit(
        &mut self,
        slot: u32,
        t: SimTime,
        outcome: Outcome,
        size: u8,
        registered_at: SimTime,
        obs: &mut dyn Observer,
    ) {
        let size = size as u64;
        let d = day_of(t) as usize;
        match outcome {
            Outcome::Processed => {
                self.counts.processed_groups += 1;
                self.counts.processed_persons += size;
                self.daily[S_PROCESSED][d] += size as f64;
                if self.in_window(registered_at) {
                    let wait = t - registered_at;
                    self.waits.push(wait);
                    bin(&mut self.wait_bins, wait);
                }
            }
            Outcome::NoShow => {
                self.counts.no_show_groups += 1;
                self.counts.no_show_persons += size;
            }
            Outcome::Abandoned | Outcome::Dropped => {
                self.counts.abandoned_groups += 1;
                self.counts.abandoned_persons += size;
                self.daily[S_ABANDONED][d] += size as f64;
            }
            _ => unreachable!("censored groups do not exit"),
        }
        if self.keep_record_times {
            obs.record(&self.record(slot, outcome, t, size as u8, registered_at));
        }
        self.set_state(slot, State::Free);
        self.free.push(slot);
    }

    fn in_window(&self, registered_at: SimTime) -> bool {
        self.m.warmup == 0 || registered_at >= self.m.warmup
    }

    /// The group in `slot` (of `size` persons, registered at `registered_at`) starts waiting at `t`.
    fn enter_pool(&mut self, slot: u32, t: SimTime, size: u8, registered_at: SimTime) {
        self.set_state(slot, State::Waiting);
        // A spell from registration (or from 0 for the backlog) is implied by the entry; a return's
        // start is kept in the group record.
        let returned = t != registered_at.max(0);
        if returned {
            self.groups[slot as usize].waiting_since = t;
        }
        let pos = self.pool.insert(Entry { registered_at, slot, size, returned, coin: NO_COIN });
        self.refs[slot as usize].pos = pos;
        self.additions.push((t, size as u64));
    }

    /// The group in `slot` stops waiting at `t`; returns its pool entry.
    fn leave_pool(&mut self, slot: u32, t: SimTime) -> Entry {
        let pos = self.refs[slot as usize].pos;
        let (e, moved) = self.pool.remove(pos);
        if let Some(moved) = moved {
            self.refs[moved as usize].pos = pos;
        }
        self.refs[slot as usize].pos = u32::MAX;
        self.add_spell(spell_start(&self.groups, &e), t);
        e
    }

    /// Draws a patience deadline for a group registering at `t` (none without `[abandonment]`).
    fn patience_from(m: &Model, rng: &mut StreamRng, registered_at: SimTime) -> SimTime {
        match &m.patience {
            Some((_, sampler)) => registered_at.saturating_add(time::from_days(sampler.sample(rng))),
            None => NEVER,
        }
    }

    // ----- sources -----

    /// The backlog: ids 0.., registered in the past, patience conditioned on exceeding the age.
    fn seed_backlog(&mut self) {
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
                Some((dist, _)) => {
                    // Inverse CDF on [F(age), 1): patience > age, so nobody abandons at time 0
                    // unless patience cannot exceed the age at all (then the group leaves at 0).
                    let f = dist.cdf(age);
                    if f >= 1.0 {
                        0
                    } else {
                        let u = f + (1.0 - f) * rng.random::<f64>();
                        let at = registered_at.saturating_add(time::from_days(dist.quantile(u)));
                        at.max(1)
                    }
                }
            };
            let slot = self.new_group(0, size, registered_at, patience_at, State::Waiting);
            slots.push(slot);
        }
        // Seniority ties and the eligibility list need registration order.
        slots.sort_by_key(|s| (self.groups[*s as usize].registered_at, self.id_of(*s)));
        for slot in slots {
            let g = &self.groups[slot as usize];
            let (size, reg, patience) = (g.size, g.registered_at, g.patience_at);
            let id = self.id_of(slot);
            self.counts.initial_groups += 1;
            self.counts.initial_persons += size as u64;
            self.enter_pool(slot, 0, size, reg);
            self.recent.push_back((reg, slot, id));
            if self.m.uses_seniority {
                self.seniority.push_back((reg, id, slot));
            }
            self.schedule_patience(patience, id, slot);
        }
    }

    /// Explicit caravans (file order), then random caravans (departure order): all their groups are
    /// created now, with registration events at their arrival in the zone.
    fn seed_caravans(&mut self) {
        let m = self.m;
        for (i, c) in m.caravans.iter().enumerate() {
            let mut rng = std::mem::replace(&mut self.rng_caravans[i], rng::stream(0, 0, 0));
            self.split_caravan(
                &mut rng,
                (1 + m.streams.len() + i) as u16,
                c.depart,
                c.persons,
                c.distance_km,
                &c.pace,
                c.dropout,
                &c.size,
            );
            self.rng_caravans[i] = rng;
        }
        let Some(p) = &m.scenario.caravan_process else { return };
        if p.per_month <= 0.0 {
            return;
        }
        let mut rng = std::mem::replace(&mut self.rng_process, rng::stream(0, 0, 0));
        let rate_per_sec = p.per_month / (DAYS_PER_MONTH * DAY as f64);
        let mut departures = Vec::new();
        let mut t = 0.0f64;
        loop {
            t += -(1.0 - rng.random::<f64>()).ln() / rate_per_sec;
            let at = t.round() as SimTime;
            if at >= m.horizon {
                break;
            }
            departures.push(at);
        }
        let persons_s = p.persons.sampler();
        let pace = p.pace_km_per_day.sampler();
        let size = p.group_size.sampler();
        let source = (1 + m.streams.len() + m.caravans.len()) as u16;
        for depart in departures {
            let persons = persons_s.sample(&mut rng).round().max(0.0) as u64;
            self.split_caravan(&mut rng, source, depart, persons, p.distance_km, &pace, p.dropout, &size);
        }
        self.rng_process = rng;
    }

    #[allow(clippy::too_many_arguments)]
    fn split_caravan(
        &mut self,
        rng: &mut StreamRng,
        source: u16,
        depart: SimTime,
        persons: u64,
        distance_km: f64,
        pace: &crate::scenario::Sampler,
        dropout: f64,
        size_s: &crate::scenario::Sampler,
    ) {
        let mut left = persons;
        while left > 0 {
            let size = (size_s.sample_int(rng, 1, 10) as u64).min(left);
            left -= size;
            if dropout > 0.0 && rng.random_bool(dropout) {
                continue;
            }
            let v = pace.sample(rng);
            let reach = depart.saturating_add(time::from_days(distance_km / v));
            if reach < 0 {
                self.counts.caravan_groups_before_start += 1;
                continue;
            }
            let registered_at = self.defer_registration(reach);
            if registered_at >= self.m.horizon {
                continue;
            }
            let patience_at = Self::patience_from(self.m, rng, registered_at);
            let slot = self.new_group(source, size as u8, registered_at, patience_at, State::Travelling);
            let id = self.id_of(slot);
            self.push(registered_at, K_REGISTER, id, slot);
        }
    }

    /// A registration inside an outage affecting registrations happens at its end (SPEC §2.8).
    fn defer_registration(&self, t: SimTime) -> SimTime {
        self.outages.registrations.containing(t).unwrap_or(t)
    }

    /// Creates stream `i`'s groups arriving on day `d` (a Poisson process at that day's rate) and
    /// schedules tomorrow's.
    fn arrivals_of_day(&mut self, i: usize, d: i64) {
        let m = self.m;
        let s = &m.streams[i];
        let rate = s.rate[d as usize];
        let mut rng = std::mem::replace(&mut self.rng_streams[i], rng::stream(0, 0, 0));
        // Yesterday's buffer is spent (its registrations were all before today's 00:00).
        if self.today_pos > 0 {
            self.today.drain(..self.today_pos);
            self.today_pos = 0;
        }
        let before = self.today.len();
        if rate > 0.0 {
            // Exponential gaps at the day's rate from 00:00: a Poisson process on [d, d+1), generated
            // in time order (no sort). Instants are rounded to the nearest second within the day.
            let exp = Exp::new(rate / DAY as f64).expect("positive rate");
            // Constant laws draw nothing: hoisted out of the loop, with the same values.
            let const_size = s.size.constant_int(1, 10).map(|x| x as u8);
            let const_travel = s.travel.constant().map(time::from_days);
            let (day_start, day_end) = (d * DAY, (d + 1) * DAY);
            let mut t = day_start as f64;
            loop {
                t += exp.sample(&mut rng);
                if t >= day_end as f64 {
                    break;
                }
                let at = ((t + 0.5) as SimTime).min(day_end - 1);
                if s.register_share < 1.0 && !rng.random_bool(s.register_share) {
                    continue;
                }
                let size = match const_size {
                    Some(size) => size,
                    None => s.size.sample_int(&mut rng, 1, 10) as u8,
                };
                let travel = match const_travel {
                    Some(travel) => travel,
                    None => time::from_days(s.travel.sample(&mut rng)),
                };
                let registered_at = self.defer_registration(at.saturating_add(travel));
                if registered_at >= m.horizon {
                    continue;
                }
                let patience_at = Self::patience_from(m, &mut rng, registered_at);
                let source = (1 + i) as u16;
                if registered_at < day_end {
                    let id = self.new_id();
                    let key = Event { time: registered_at, kind: K_REGISTER, id, slot: 0 }.key();
                    self.today.push(Pending { key, patience_at, source, size });
                } else {
                    let slot = self.new_group(source, size, registered_at, patience_at, State::Travelling);
                    let id = self.id_of(slot);
                    self.queue.push(Event { time: registered_at, kind: K_REGISTER, id, slot: slot as u64 });
                }
            }
        }
        // With several streams, or registrations deferred by an outage, restore the order.
        if before > 0 || !self.today.is_sorted_by_key(|p| p.key) {
            self.today.sort_unstable_by_key(|p| p.key);
        }
        self.rng_streams[i] = rng;
        self.push((d + 1) * DAY, K_ARRIVALS, i as u64, 0);
    }

    /// Registers a group from today's buffer: with only a slot reference (see [`SlotRef`]), or with a
    /// group record if its patience does not fit one.
    fn register_pending(&mut self, p: Pending) {
        let ev = Event::from_key(p.key);
        let Some(patience) = patience_offset(ev.time, p.patience_at) else {
            let slot = self.place_group(ev.id, p.source, p.size, ev.time, p.patience_at, State::Travelling);
            self.register(slot, ev.time);
            return;
        };
        let slot = self.take_slot();
        self.refs[slot as usize] = SlotRef { tag: tag(ev.id, State::Travelling), pos: u32::MAX, patience };
        if self.keep_record_times {
            self.record_times[slot as usize] = RecordTimes { source: p.source, ..NO_TIMES };
        }
        self.register_group(slot, ev.id, ev.time, p.size, p.patience_at);
    }

    /// Registers a group whose record holds its data (it came through the queue).
    fn register(&mut self, slot: u32, t: SimTime) {
        let g = &self.groups[slot as usize];
        let (size, patience) = (g.size, g.patience_at);
        debug_assert_eq!(g.registered_at, t);
        self.register_group(slot, self.id_of(slot), t, size, patience);
    }

    fn register_group(&mut self, slot: u32, id: u64, t: SimTime, size: u8, patience: SimTime) {
        debug_assert_eq!(State::of_tag(self.refs[slot as usize].tag), State::Travelling);
        self.counts.arrived_groups += 1;
        self.counts.arrived_persons += size as u64;
        self.daily[S_ARRIVED][day_of(t) as usize] += size as f64;
        self.enter_pool(slot, t, size, t);
        // Only a registration at or after the next allocation's request window closed is not yet
        // eligible (see `eligible_by_size`); the others need no entry.
        if t >= self.m.first_allocation_from(t) * DAY + self.m.close_offset {
            self.recent.push_back((t, slot, id));
        }
        if self.m.uses_seniority {
            self.seniority.push_back((t, id, slot));
        }
        self.schedule_patience(patience.max(t), id, slot);
    }

    // ----- the daily allocation (SPEC §2.3) -----

    fn allocate(&mut self, d: i64, now: SimTime, obs: &mut dyn Observer) {
        let m = self.m;
        let di = d as usize;
        let q = m.quota[di] + self.reissue.remove(&d).unwrap_or(0);
        self.daily[S_QUOTA][di] = q as f64;
        let open = d * DAY + m.open_offset;
        let close = d * DAY + m.close_offset;
        let f = self.outages.requests.overlap(open, close) as f64 / (close - open) as f64;
        let p = m.request_probability[di] * (1.0 - f);

        // Eligible = waiting and registered strictly before the window closed.
        while self.recent.front().is_some_and(|(reg, _, _)| *reg < close) {
            self.recent.pop_front();
        }
        let mut eligible = self.eligible_by_size();

        let seniority_allot = ((m.seniority_share[di] * q as f64) + 1e-9).floor() as u64;
        let mut chosen = std::mem::take(&mut self.scratch);
        chosen.clear();
        // The groups whose coin the seniority pass drew (kept in their pool entries for the lottery).
        let mut coins = std::mem::take(&mut self.scratch_coins);
        coins.clear();
        let mut left = seniority_allot;
        let mut used = 0;
        if p > 0.0 && left > 0 && m.uses_seniority {
            // Drop entries of groups that can never wait again (booked, gone, slot reused); a selected
            // group keeps its entry, since it may miss and return with its registration time.
            while let Some(&(_, id, slot)) = self.seniority.front() {
                let t = self.refs[slot as usize].tag;
                let may_return = t == tag(id, State::Selected) || m.cancel_at.is_some() && t == tag(id, State::Booked);
                if t == tag(id, State::Waiting) || may_return {
                    break;
                }
                self.seniority.pop_front();
            }
            for &(reg, id, slot) in self.seniority.iter() {
                if reg >= close || left == 0 || !self.fits_any(&eligible, left) {
                    break;
                }
                if self.refs[slot as usize].tag != tag(id, State::Waiting) {
                    continue;
                }
                let e = &mut self.pool.entries[self.refs[slot as usize].pos as usize];
                eligible[e.size as usize] -= 1;
                let coin = p >= 1.0 || self.rng_lottery.random_bool(p);
                e.coin = if coin { COIN_YES } else { COIN_NO };
                let cost = m.cost(e.size);
                coins.push(slot);
                if coin && cost <= left {
                    chosen.push(slot);
                    left -= cost;
                    used += cost;
                }
            }
        }
        for &slot in &chosen {
            self.select(slot, now, obs);
        }

        // Lottery: a uniformly random order over the remaining requesters (partial Fisher–Yates).
        // Counts start afresh: the seniority pass consumed its own.
        let mut eligible = self.eligible_by_size();
        let mut left = q - seniority_allot + left;
        let mut lottery = std::mem::take(&mut self.scratch_lottery);
        lottery.clear();
        if p > 0.0 && left > 0 {
            let n = self.pool.entries.len();
            let coin_p = (p < 1.0).then_some(p);
            let mut ahead = Lookahead::start(&self.rng_lottery, 0, n, coin_p, &self.pool.entries);
            let mut i = 0;
            while i < n && left > 0 && self.fits_any(&eligible, left) {
                let j = self.rng_lottery.random_range(i..n);
                self.pool.entries.swap(i, j);
                let (ei, sj) = (self.pool.entries[i], self.pool.entries[j].slot);
                self.refs[ei.slot as usize].pos = i as u32;
                self.refs[sj as usize].pos = j as u32;
                i += 1;
                let mut drew_coin = false;
                if ei.registered_at < close {
                    eligible[ei.size as usize] -= 1;
                    // A coin the seniority pass drew today stands.
                    let coin = match ei.coin {
                        NO_COIN => match coin_p {
                            Some(p) => {
                                drew_coin = true;
                                self.rng_lottery.random_bool(p)
                            }
                            None => true,
                        },
                        c => c == COIN_YES,
                    };
                    let cost = m.cost(ei.size);
                    if coin && cost <= left {
                        lottery.push(ei.slot);
                        left -= cost;
                        used += cost;
                    }
                }
                if drew_coin == coin_p.is_some() {
                    ahead.step(&self.pool.entries);
                } else {
                    // The guess was wrong (no coin drawn): guess again from the lottery's state.
                    ahead = Lookahead::start(&self.rng_lottery, i, n, coin_p, &self.pool.entries);
                }
            }
        }
        for &slot in &lottery {
            self.select(slot, now, obs);
        }
        assert!(used <= q, "allocation on day {d} used {used} slots of a quota of {q}");
        assert_eq!(used + left, q, "slot accounting on day {d}");
        self.counts.unused_slots += left;
        self.daily[S_UNUSED][di] = left as f64;
        // Today's coins expire with today's allocation.
        for &slot in &coins {
            let r = self.refs[slot as usize];
            if State::of_tag(r.tag) == State::Waiting {
                self.pool.entries[r.pos as usize].coin = NO_COIN;
            }
        }
        self.scratch = chosen;
        self.scratch_lottery = lottery;
        self.scratch_coins = coins;
        self.push(m.allocation_at(d + 1), K_ALLOCATE, 0, 0);
    }

    /// Waiting groups by size, less those registered at or after the request window closed (they are
    /// the registrations still in `recent`, pruned to the window before this is called).
    fn eligible_by_size(&self) -> [u64; 11] {
        let mut eligible = self.pool.by_size;
        for &(_, slot, id) in &self.recent {
            if self.refs[slot as usize].tag == tag(id, State::Waiting) {
                eligible[self.pool.entries[self.refs[slot as usize].pos as usize].size as usize] -= 1;
            }
        }
        eligible
    }

    /// Whether any eligible, not yet considered group fits in `left` slots.
    fn fits_any(&self, eligible: &[u64; 11], left: u64) -> bool {
        match self.m.unit {
            QuotaUnit::Groups => eligible.iter().any(|c| *c > 0),
            QuotaUnit::Persons => smallest_size(eligible).is_some_and(|s| s <= left),
        }
    }

    fn select(&mut self, slot: u32, now: SimTime, obs: &mut dyn Observer) {
        let e = self.leave_pool(slot, now);
        let size = e.size as u64;
        // The path has been integrated up to this allocation by `sweep`; the selection leaves now.
        self.path_groups -= 1;
        self.path_persons -= size;
        self.counts.selected_groups += 1;
        self.counts.selected_persons += size;
        self.daily[S_SELECTED][day_of(now) as usize] += size as f64;
        self.set_state(slot, State::Selected);
        if let Some(times) = self.record_times.get_mut(slot as usize) {
            times.selected_at = now;
        }
        let Some(c) = &self.m.confirmation else {
            self.book(slot, now, &e, obs);
            return;
        };
        let original = now + c.window;
        let overlapped = self.outages.confirmations.overlap(now, original) > 0;
        let mut deadline = original;
        if c.policy == OutagePolicy::Extend && overlapped {
            loop {
                let next = original + self.outages.confirmations.overlap(now, deadline);
                if next == deadline {
                    break;
                }
                deadline = next;
            }
            deadline += c.grace;
        }
        let first = now + time::from_hours(c.first_attempt.sample(&mut self.rng_confirm));
        self.confirm(slot, first, deadline, overlapped, &e, obs);
    }

    // ----- confirmation (SPEC §2.4) -----

    /// Plays a selected group's confirmation attempts from `t` (the first attempt's time) up to its
    /// (possibly extended) `deadline`, all at
    /// once: they depend only on the group's own draws and the outage intervals, never on other
    /// groups, so drawing them at selection gives the same law as one event per attempt. The outcome
    /// is a booking at the successful attempt, or a miss (an event, since the group returns to the
    /// pool then), or nothing before the horizon (the group stays `Selected`).
    ///
    /// `overlapped` (the original window met an outage) travels in the miss event's payload, and the
    /// pool entry `e` gives the size and registration time, so the group's record is not touched.
    fn confirm(
        &mut self,
        slot: u32,
        mut t: SimTime,
        deadline: SimTime,
        overlapped: bool,
        e: &Entry,
        obs: &mut dyn Observer,
    ) {
        let c = self.m.confirmation.as_ref().expect("confirmation configured");
        let horizon = self.m.horizon;
        let mut attempts = 0;
        let miss_at = loop {
            // Under `extend`, people wait for the app to come back (SPEC §2.4).
            if c.policy == OutagePolicy::Extend
                && let Some(end) = self.outages.confirmations.containing(t)
            {
                t = end;
            }
            if t > deadline {
                break deadline;
            }
            if t >= horizon {
                break horizon;
            }
            attempts += 1;
            let fails = self.outages.confirmations.containing(t).is_some()
                || (c.failure_probability > 0.0 && self.rng_confirm.random_bool(c.failure_probability));
            if !fails {
                if let Some(times) = self.record_times.get_mut(slot as usize) {
                    times.attempts += attempts;
                }
                self.book(slot, t, e, obs);
                return;
            }
            if attempts >= c.max_attempts {
                break t;
            }
            t += time::from_hours(c.retry.sample(&mut self.rng_confirm));
        };
        if let Some(times) = self.record_times.get_mut(slot as usize) {
            times.attempts += attempts;
        }
        // The group stays: it misses later, or is still selected at the horizon.
        self.materialise(slot, e);
        if miss_at < horizon {
            let payload = slot as u64 | if overlapped { MISS_IN_OUTAGE } else { 0 };
            self.queue.push(Event { time: miss_at, kind: K_MISS, id: self.id_of(slot), slot: payload });
        }
    }

    fn miss(&mut self, slot: u32, overlapped: bool, t: SimTime, obs: &mut dyn Observer) {
        let c = self.m.confirmation.as_ref().expect("confirmation configured");
        let g = &self.groups[slot as usize];
        let (size, patience, reg) = (g.size, g.patience_at, g.registered_at);
        self.counts.missed_confirmations += 1;
        self.counts.missed_persons += size as u64;
        self.daily[S_MISSED][day_of(t) as usize] += size as f64;
        if overlapped {
            self.counts.missed_in_outage += 1;
            if c.policy == OutagePolicy::Reissue {
                // The first allocation strictly after the miss.
                let k = (t - self.m.allocation_offset).div_euclid(DAY) + 1;
                *self.reissue.entry(k).or_insert(0) += self.m.cost(size);
            }
        }
        match c.on_miss {
            OnMiss::Drop => self.exit(slot, t, Outcome::Dropped, size, reg, obs),
            OnMiss::Return if patience <= t => self.exit(slot, t, Outcome::Abandoned, size, reg, obs),
            OnMiss::Return => self.enter_pool(slot, t, size, reg),
        }
    }

    // ----- booking and appointments (SPEC §2.5) -----

    /// Books a group at `t`. Its appointment time and show-up are drawn now; if the appointment falls
    /// inside the horizon the group's end is already certain (booked groups do not abandon), so it is
    /// accounted at its appointment time and its slot freed at once, with no event (the same law as an
    /// appointment event drawing the no-show then). Otherwise it stays `Booked` to the horizon.
    fn book(&mut self, slot: u32, t: SimTime, e: &Entry, obs: &mut dyn Observer) {
        let (size, reg) = (e.size, e.registered_at);
        self.set_state(slot, State::Booked);
        if let Some(times) = self.record_times.get_mut(slot as usize) {
            times.booked_at = t;
        }
        self.counts.booked_groups += 1;
        self.counts.booked_persons += size as u64;
        self.daily[S_BOOKED][day_of(t) as usize] += size as f64;
        if self.in_window(reg) {
            self.selection_waits.push(t - reg);
            bin(&mut self.selection_wait_bins, t - reg);
        }
        let (appointment_at, no_show) = match &self.m.appointment {
            Some((lead, p)) => {
                let at = t.saturating_add(time::from_days(lead.sample(&mut self.rng_appoint)));
                (at, *p > 0.0 && at < self.m.horizon && self.rng_appoint.random_bool(*p))
            }
            None => (t, false),
        };
        if let Some(times) = self.record_times.get_mut(slot as usize) {
            times.appointment_at = appointment_at;
        }
        if let Some(c) = self.m.cancel_at
            && appointment_at >= c
        {
            // Cancelled from `c` (or at once if booked later): an event, since the group returns.
            self.materialise(slot, e);
            self.push(c.max(t), K_CANCEL, self.id_of(slot), slot);
            return;
        }
        if appointment_at < self.m.horizon {
            let outcome = if no_show { Outcome::NoShow } else { Outcome::Processed };
            self.exit(slot, appointment_at, outcome, size, reg, obs);
        } else {
            // Still booked at the horizon.
            self.materialise(slot, e);
        }
    }

    /// A cancelled appointment: counted, then the group waits again with its registration time and
    /// patience (or abandons if its patience is over), like a return after a miss.
    fn cancel(&mut self, slot: u32, t: SimTime, obs: &mut dyn Observer) {
        let g = &self.groups[slot as usize];
        let (size, patience, reg) = (g.size, g.patience_at, g.registered_at);
        self.counts.cancelled_appointments += 1;
        self.counts.cancelled_persons += size as u64;
        if patience <= t {
            self.exit(slot, t, Outcome::Abandoned, size, reg, obs);
        } else {
            self.enter_pool(slot, t, size, reg);
        }
    }

    // ----- the end of the horizon -----

    fn finish(mut self, obs: &mut dyn Observer) -> RepResult {
        let m = self.m;
        let horizon = m.horizon;
        let mut censored: Vec<(u64, u32, Outcome, u8, SimTime)> = Vec::new();
        for (slot, (g, &SlotRef { tag, .. })) in self.groups.iter().zip(&self.refs).enumerate() {
            let state = State::of_tag(tag);
            let (groups, persons, outcome) = match state {
                State::Waiting => (
                    &mut self.counts.final_waiting_groups,
                    &mut self.counts.final_waiting_persons,
                    Outcome::CensoredWaiting,
                ),
                State::Selected => (
                    &mut self.counts.final_selected_groups,
                    &mut self.counts.final_selected_persons,
                    Outcome::CensoredSelected,
                ),
                State::Booked => (
                    &mut self.counts.final_booked_groups,
                    &mut self.counts.final_booked_persons,
                    Outcome::CensoredBooked,
                ),
                State::Travelling | State::Free => continue,
            };
            *groups += 1;
            let (size, registered_at) = if state == State::Waiting {
                // A waiting group's data is in its pool entry (it may have no group record).
                let e = &self.pool.entries[self.refs[slot].pos as usize];
                let since = spell_start(&self.groups, e);
                self.waiting_time_sum += (horizon - since.max(m.warmup)).max(0) as u128;
                (e.size, e.registered_at)
            } else {
                (g.size, g.registered_at)
            };
            *persons += size as u64;
            censored.push((tag >> 3, slot as u32, outcome, size, registered_at));
        }
        if self.keep_record_times {
            censored.sort_unstable_by_key(|c| c.0);
            for &(_, slot, outcome, size, registered_at) in &censored {
                obs.record(&self.record(slot, outcome, horizon, size, registered_at));
            }
        }

        let c = &self.counts;
        // Conservation (SPEC §2.7) must hold exactly: a failure is a bug in borderq, not bad input.
        assert_eq!(
            c.initial_groups + c.arrived_groups,
            c.processed_groups
                + c.no_show_groups
                + c.abandoned_groups
                + c.final_waiting_groups
                + c.final_selected_groups
                + c.final_booked_groups,
            "conservation of groups violated in replication {}",
            self.replication
        );
        assert_eq!(
            c.initial_persons + c.arrived_persons,
            c.processed_persons
                + c.no_show_persons
                + c.abandoned_persons
                + c.final_waiting_persons
                + c.final_selected_persons
                + c.final_booked_persons,
            "conservation of persons violated in replication {}",
            self.replication
        );
        assert_eq!(c.final_waiting_groups, self.pool.len() as u64, "pool out of sync with group states");
        // Sample-path Little's law: ∫ pool dt = Σ time spent waiting, both over [warmup, end).
        assert_eq!(
            self.integral_groups, self.waiting_time_sum,
            "Little's law (sample path) violated in replication {}",
            self.replication
        );

        let window = (horizon - m.warmup) as f64;
        for d in 0..m.days {
            self.daily[S_WAITING][d] = self.day_group_secs[d] as f64 / DAY as f64;
            self.daily[S_WAITING + 1][d] = self.day_person_secs[d] as f64 / DAY as f64;
        }
        let result = RepResult {
            replication: self.replication,
            seed: self.seed,
            mean_waiting_groups: self.integral_groups as f64 / window,
            mean_waiting_persons: self.integral_persons as f64 / window,
            max_waiting_groups: self.max_groups,
            max_waiting_persons: self.max_persons,
            wait: self.waits.stats(),
            selection_wait: self.selection_waits.stats(),
            wait_bins: self.wait_bins,
            selection_wait_bins: self.selection_wait_bins,
            waiting_integral: self.integral_groups,
            waiting_time_sum: self.waiting_time_sum,
            counts: self.counts,
            daily: Daily { values: self.daily },
        };
        Buffers {
            queue: Some(self.queue),
            groups: self.groups,
            refs: self.refs,
            record_times: self.record_times,
            free: self.free,
            pool: self.pool.into_entries(),
            recent: self.recent,
            seniority: self.seniority,
            additions: self.additions,
            patience: self.patience,
            spare_patience: self.spare_patience,
            expired: self.expired,
            today: self.today,
            waits: self.waits.into_buffer(),
            selection_waits: self.selection_waits.into_buffer(),
            scratch: self.scratch,
            scratch_lottery: self.scratch_lottery,
            scratch_coins: self.scratch_coins,
        }
        .give_back();
        result
    }
}

/// When the current waiting spell of a pooled group started (never before 0): at its registration,
/// or, for a group that came back, at its return, which its record holds.
fn spell_start(groups: &[Group], e: &Entry) -> SimTime {
    if e.returned { groups[e.slot as usize].waiting_since } else { e.registered_at.max(0) }
}

/// Adds a wait [s] to 1-day bins.
fn bin(bins: &mut Vec<u64>, wait: SimTime) {
    let k = wait.max(0).div_euclid(DAY) as usize;
    if bins.len() <= k {
        bins.resize(k + 1, 0);
    }
    bins[k] += 1;
}
