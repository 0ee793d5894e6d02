//! Where a group's data lives: slots, tags and group records. This is the only code that knows the
//! layout; the rules ask it questions ("is this deadline's group still waiting?") and tell it facts.
//!
//! A group occupies a slot while it is in the system; slots are reused. Its data is spread over
//! three arrays indexed by slot, chosen so that the random accesses per group touch few cache lines:
//! - [`SlotRef`] (16 bytes): the tag `id << 3 | state`, the position in the pool, and where the
//!   patience deadline is;
//! - [`Group`] (24 bytes): registration, patience, size, port, whether it was booked before;
//! - [`RecordTimes`]: what only `--records` reports, kept only when records are wanted.
//!
//! A group registered from today's buffer (the fast path) has no [`Group`] record while it waits:
//! its size and registration time are in its pool entry and its patience deadline is an offset in its
//! `SlotRef`. [`Groups::materialise`] writes the record once the group leaves the pool but not the
//! system (a miss or cancellation to come, or still selected or booked at the horizon).

use super::pool::PoolEntry;
use crate::engine::time::SimTime;
use crate::model::observer::{GroupRow, Outcome};

/// An instant that never comes (no patience deadline, no time recorded).
pub(super) const NEVER: SimTime = i64::MAX;

/// Where a group is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum State {
    /// Created, not yet registered (on the road, or a registration event to come).
    Travelling = 0,
    /// In the pool.
    Waiting = 1,
    /// Selected by an allocation, confirming.
    Selected = 2,
    /// Booked, waiting for the appointment.
    Booked = 3,
    /// An empty slot.
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

/// The compact validity tag of a group: its id and state.
#[inline]
fn tag(id: u64, state: State) -> u64 {
    (id << 3) | state as u64
}

/// A group's record: what the rules read of a group that is out of the pool but still in the system,
/// or travelling.
#[derive(Debug, Clone)]
struct Group {
    registered_at: SimTime,
    patience_at: SimTime,
    size: u8,
    /// Whether an appointment of the group was cancelled (so it was booked before).
    cancelled: bool,
    /// The port the group queues at.
    port: u8,
}

/// What the hot paths read and write of a slot, apart from the group record: the tag, the position
/// in the pool (`u32::MAX` when not waiting), and the patience deadline as seconds after registration
/// for a fast-path group ([`NO_PATIENCE`] for none), or [`PATIENCE_IN_RECORD`].
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

/// What only a group's `--records` row reports.
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

/// What a group record holds, for the rules that read it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Held {
    /// Persons.
    pub(super) size: u8,
    /// Registration [s].
    pub(super) registered_at: SimTime,
    /// Patience deadline [s], or [`NEVER`].
    pub(super) patience_at: SimTime,
    /// The port the group queues at.
    pub(super) port: u8,
}

/// A group still in the system at the horizon, for the censored counts and records.
#[derive(Debug, Clone, Copy)]
pub(super) struct Occupant {
    /// The group's id.
    pub(super) id: u64,
    /// Its slot.
    pub(super) slot: u32,
    /// Its state (never `Free`).
    pub(super) state: State,
    /// Its pool position when waiting.
    pub(super) pos: u32,
    /// Its record (meaningful unless it waits on the fast path: read its pool entry then).
    pub(super) held: Held,
}

/// Every group in the system, by slot.
#[derive(Debug, Default)]
pub(super) struct Groups {
    records: Vec<Group>,
    refs: Vec<SlotRef>,
    /// Per slot; empty when no records are wanted.
    times: Vec<RecordTimes>,
    keep_times: bool,
    /// Each slot's source, kept only when moves between ports choose by the source's weights.
    sources: Vec<u16>,
    keep_sources: bool,
    free: Vec<u32>,
    next_id: u64,
}

impl Groups {
    /// Empties the storage for a new replication; `keep_times` says whether records are wanted,
    /// `keep_sources` whether each group's source is.
    pub(super) fn clear(&mut self, keep_times: bool, keep_sources: bool) {
        let Groups { records, refs, times, keep_times: keep, sources, keep_sources: keep_src, free, next_id } = self;
        records.clear();
        refs.clear();
        times.clear();
        sources.clear();
        free.clear();
        *keep = keep_times;
        *keep_src = keep_sources;
        *next_id = 0;
    }

    /// The source of the group in `slot` (kept only when asked for in [`Groups::clear`]).
    #[inline]
    pub(super) fn source_of(&self, slot: u32) -> u16 {
        self.sources[slot as usize]
    }

    /// Whether `--records` times are kept.
    #[inline]
    pub(super) fn keeps_times(&self) -> bool {
        self.keep_times
    }

    /// The next group id (ids follow creation order).
    pub(super) fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        // Deadlines carry 32-bit ids; the scale guard keeps scenarios far below this.
        assert!(id <= u32::MAX as u64, "more than 2^32 groups in one replication");
        self.next_id += 1;
        id
    }

    /// A free slot (or a new one); its contents are the caller's to set.
    fn take_slot(&mut self) -> u32 {
        match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.records.push(Group {
                    registered_at: NEVER,
                    patience_at: NEVER,
                    size: 0,
                    cancelled: false,
                    port: 0,
                });
                self.refs.push(SlotRef { tag: tag(0, State::Free), pos: u32::MAX, patience: PATIENCE_IN_RECORD });
                if self.keep_times {
                    self.times.push(NO_TIMES);
                }
                if self.keep_sources {
                    self.sources.push(0);
                }
                (self.records.len() - 1) as u32
            }
        }
    }

    /// Stores group `id` with a group record; returns its slot.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn place(
        &mut self,
        id: u64,
        source: u16,
        size: u8,
        registered_at: SimTime,
        patience_at: SimTime,
        state: State,
        port: u8,
    ) -> u32 {
        let slot = self.take_slot() as usize;
        self.records[slot] = Group { registered_at, patience_at, size, cancelled: false, port };
        self.refs[slot] = SlotRef { tag: tag(id, state), pos: u32::MAX, patience: PATIENCE_IN_RECORD };
        self.note_source(slot, source);
        slot as u32
    }

    /// Keeps the source of the group in `slot` where it is wanted.
    #[inline]
    fn note_source(&mut self, slot: usize, source: u16) {
        if self.keep_times {
            self.times[slot] = RecordTimes { source, ..NO_TIMES };
        }
        if self.keep_sources {
            self.sources[slot] = source;
        }
    }

    /// Stores group `id`, registering at `registered_at`, without a group record (the fast path),
    /// if its patience deadline fits a slot reference; returns its slot, or `None` (then `place` it).
    pub(super) fn place_fast(
        &mut self,
        id: u64,
        source: u16,
        registered_at: SimTime,
        patience_at: SimTime,
    ) -> Option<u32> {
        let patience = if patience_at == NEVER {
            NO_PATIENCE
        } else {
            u32::try_from(patience_at - registered_at).ok().filter(|o| *o < NO_PATIENCE)?
        };
        let slot = self.take_slot();
        self.refs[slot as usize] = SlotRef { tag: tag(id, State::Travelling), pos: u32::MAX, patience };
        self.note_source(slot as usize, source);
        Some(slot)
    }

    /// Writes the group record of a fast-path group from its pool entry, once it leaves the pool but
    /// not the system; a no-op if the record is current.
    pub(super) fn materialise(&mut self, slot: u32, e: &PoolEntry) {
        let r = &mut self.refs[slot as usize];
        let patience_at = match r.patience {
            PATIENCE_IN_RECORD => return,
            NO_PATIENCE => NEVER,
            offset => e.registered_at + offset as SimTime,
        };
        r.patience = PATIENCE_IN_RECORD;
        self.records[slot as usize] =
            Group { registered_at: e.registered_at, patience_at, size: e.size, cancelled: false, port: e.port };
    }

    /// Moves the group record of `slot` to `port` (the group must have one).
    #[inline]
    pub(super) fn set_port(&mut self, slot: u32, port: u8) {
        self.records[slot as usize].port = port;
    }

    /// What the group record of `slot` holds (the group must have one).
    #[inline]
    pub(super) fn held(&self, slot: u32) -> Held {
        let g = &self.records[slot as usize];
        Held { size: g.size, registered_at: g.registered_at, patience_at: g.patience_at, port: g.port }
    }

    /// The id of the group in `slot`.
    #[inline]
    pub(super) fn id_of(&self, slot: u32) -> u64 {
        self.refs[slot as usize].tag >> 3
    }

    /// Whether `slot` still holds group `id` in `state` (an event or deadline about a group that
    /// has since moved on, or left, is stale).
    #[inline]
    pub(super) fn is(&self, slot: u32, id: u64, state: State) -> bool {
        self.refs[slot as usize].tag == tag(id, state)
    }

    /// The state of the group in `slot`.
    #[inline]
    pub(super) fn state(&self, slot: u32) -> State {
        State::of_tag(self.refs[slot as usize].tag)
    }

    /// Sets the state of the group in `slot`.
    #[inline]
    pub(super) fn set_state(&mut self, slot: u32, state: State) {
        let t = &mut self.refs[slot as usize].tag;
        *t = (*t & !7) | state as u64;
    }

    /// The pool position of the group in `slot` (`u32::MAX` when not waiting).
    #[inline]
    pub(super) fn pos(&self, slot: u32) -> u32 {
        self.refs[slot as usize].pos
    }

    /// Sets the pool position of the group in `slot`.
    #[inline]
    pub(super) fn set_pos(&mut self, slot: u32, pos: u32) {
        self.refs[slot as usize].pos = pos;
    }

    /// Notes that the appointment of the group in `slot` (which has a group record) was cancelled.
    #[inline]
    pub(super) fn note_cancelled(&mut self, slot: u32) {
        self.records[slot as usize].cancelled = true;
    }

    /// Whether the group in `slot` was booked before (an appointment of it was cancelled). A
    /// fast-path group has no record and was never booked.
    #[inline]
    pub(super) fn was_booked(&self, slot: u32) -> bool {
        self.refs[slot as usize].patience == PATIENCE_IN_RECORD && self.records[slot as usize].cancelled
    }

    /// Frees the slot of a group that left the system.
    #[inline]
    pub(super) fn free(&mut self, slot: u32) {
        self.set_state(slot, State::Free);
        self.free.push(slot);
    }

    /// Notes the selection time for `--records`.
    #[inline]
    pub(super) fn note_selected(&mut self, slot: u32, t: SimTime) {
        if let Some(times) = self.times.get_mut(slot as usize) {
            times.selected_at = t;
        }
    }

    /// Adds confirmation attempts for `--records`.
    #[inline]
    pub(super) fn note_attempts(&mut self, slot: u32, attempts: u32) {
        if let Some(times) = self.times.get_mut(slot as usize) {
            times.attempts += attempts;
        }
    }

    /// Notes the booking and appointment times for `--records`.
    #[inline]
    pub(super) fn note_booked(&mut self, slot: u32, booked_at: SimTime, appointment_at: SimTime) {
        if let Some(times) = self.times.get_mut(slot as usize) {
            times.booked_at = booked_at;
            times.appointment_at = appointment_at;
        }
    }

    /// The `--records` row of the group in `slot`, of `size` persons, registered at `registered_at`
    /// (from the caller, since a fast-path group has no group record).
    pub(super) fn row(
        &self,
        slot: u32,
        outcome: Outcome,
        ended_at: SimTime,
        size: u8,
        registered_at: SimTime,
    ) -> GroupRow {
        let times = self.times[slot as usize];
        let opt = |t: SimTime| (t != NEVER).then_some(t);
        GroupRow {
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

    /// Every group still in the system (waiting, selected or booked), in slot order.
    pub(super) fn occupants(&self) -> impl Iterator<Item = Occupant> + '_ {
        self.records.iter().zip(&self.refs).enumerate().filter_map(|(slot, (g, r))| {
            let state = State::of_tag(r.tag);
            matches!(state, State::Waiting | State::Selected | State::Booked).then_some(Occupant {
                id: r.tag >> 3,
                slot: slot as u32,
                state,
                pos: r.pos,
                held: Held { size: g.size, registered_at: g.registered_at, patience_at: g.patience_at, port: g.port },
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sim::pool::NO_COIN;

    #[test]
    fn the_layout_is_as_documented() {
        assert_eq!(std::mem::size_of::<SlotRef>(), 16);
        assert_eq!(std::mem::size_of::<PoolEntry>(), 16);
        assert_eq!(std::mem::size_of::<Group>(), 24);
    }

    #[test]
    fn slots_are_reused_and_tags_go_stale() {
        let mut g = Groups::default();
        g.clear(false, false);
        let a = g.new_id();
        let s = g.place(a, 1, 3, 10, NEVER, State::Waiting, 0);
        assert!(g.is(s, a, State::Waiting));
        assert_eq!(g.state(s), State::Waiting);
        g.set_state(s, State::Selected);
        assert!(!g.is(s, a, State::Waiting), "a tag names the state too");
        g.free(s);
        let b = g.new_id();
        let s2 = g.place(b, 1, 2, 20, NEVER, State::Travelling, 0);
        assert_eq!(s2, s, "a freed slot is reused");
        assert!(!g.is(s2, a, State::Selected), "the old group's tag is stale");
        assert_eq!(g.id_of(s2), b);
        assert_eq!(g.held(s2).size, 2);
        assert_eq!(g.occupants().count(), 0, "travelling groups are not occupants");
    }

    #[test]
    fn fast_path_patience_round_trips_through_materialise() {
        let mut g = Groups::default();
        g.clear(true, false);
        let id = g.new_id();
        let slot = g.place_fast(id, 2, 1_000, 1_000 + 86_400).expect("fits");
        let e = PoolEntry { registered_at: 1_000, slot, size: 4, coin: NO_COIN, port: 3 };
        g.materialise(slot, &e);
        let h = g.held(slot);
        assert_eq!((h.size, h.registered_at, h.patience_at, h.port), (4, 1_000, 1_000 + 86_400, 3));
        // No patience at all is kept as "never".
        let id2 = g.new_id();
        let slot2 = g.place_fast(id2, 2, 5, NEVER).expect("fits");
        g.materialise(slot2, &PoolEntry { slot: slot2, ..e });
        assert_eq!(g.held(slot2).patience_at, NEVER);
        // A deadline too far for 32 bits of seconds needs a group record.
        assert!(g.place_fast(g.next_id, 2, 0, 1 << 33).is_none());
        assert_eq!(g.row(slot, Outcome::Processed, 9, 4, 1_000).source, 2);
    }
}
