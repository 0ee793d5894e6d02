//! A deterministic priority queue of events ordered by (time, kind, id).
//!
//! Events are packed into one `u128` so that comparison is a single integer compare:
//! `time (40 bits) | kind (3 bits) | id (45 bits) | slot (40 bits)`.
//! Equal times are resolved by `kind` (the caller's rank of event kinds, lower first), then by `id`.
//! `slot` is a payload (for example a storage index) and never decides the order because ids are unique
//! within a kind at one time.
//! `push` and `pop` are O(log n); `peek_time` is O(1).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::time::SimTime;

const TIME_BITS: u32 = 40;
const KIND_BITS: u32 = 3;
const ID_BITS: u32 = 45;
const SLOT_BITS: u32 = 40;
const SLOT_SHIFT: u32 = 0;
const ID_SHIFT: u32 = SLOT_BITS;
const KIND_SHIFT: u32 = ID_SHIFT + ID_BITS;
const TIME_SHIFT: u32 = KIND_SHIFT + KIND_BITS;

/// The largest time an event may carry (about 34,800 years of seconds).
pub const MAX_TIME: SimTime = (1 << TIME_BITS) - 1;
/// The largest id an event may carry.
pub const MAX_ID: u64 = (1 << ID_BITS) - 1;
/// The largest slot an event may carry.
pub const MAX_SLOT: u64 = (1 << SLOT_BITS) - 1;
/// The number of distinct kinds (ranks 0..KINDS).
pub const KINDS: u8 = 1 << KIND_BITS;

/// One scheduled event: when, what kind (a rank), which entity (`id`) and a payload (`slot`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// When the event happens [s since start]; never negative.
    pub time: SimTime,
    /// The kind's rank: among equal times, lower kinds happen first.
    pub kind: u8,
    /// Tie-breaker within a kind (for example a group id).
    pub id: u64,
    /// Payload carried along (for example the index of the entity's storage slot).
    pub slot: u64,
}

impl Event {
    fn pack(self) -> u128 {
        debug_assert!((0..=MAX_TIME).contains(&self.time), "event time {} out of range", self.time);
        debug_assert!(self.kind < KINDS && self.id <= MAX_ID && self.slot <= MAX_SLOT);
        ((self.time as u128) << TIME_SHIFT)
            | ((self.kind as u128) << KIND_SHIFT)
            | ((self.id as u128) << ID_SHIFT)
            | ((self.slot as u128) << SLOT_SHIFT)
    }

    fn unpack(key: u128) -> Event {
        let mask = |bits: u32| (1u128 << bits) - 1;
        Event {
            time: ((key >> TIME_SHIFT) & mask(TIME_BITS)) as SimTime,
            kind: ((key >> KIND_SHIFT) & mask(KIND_BITS)) as u8,
            id: ((key >> ID_SHIFT) & mask(ID_BITS)) as u64,
            slot: ((key >> SLOT_SHIFT) & mask(SLOT_BITS)) as u64,
        }
    }
}

/// A min-queue of [`Event`]s: pops the earliest time, then the lowest kind, then the lowest id.
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Reverse<u128>>,
}

impl EventQueue {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty queue with room for `n` pending events.
    pub fn with_capacity(n: usize) -> Self {
        EventQueue { heap: BinaryHeap::with_capacity(n) }
    }

    /// Schedules `event`. O(log n).
    pub fn push(&mut self, event: Event) {
        self.heap.push(Reverse(event.pack()));
    }

    /// Removes and returns the next event. O(log n).
    pub fn pop(&mut self) -> Option<Event> {
        self.heap.pop().map(|Reverse(k)| Event::unpack(k))
    }

    /// The time of the next event without removing it. O(1).
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|Reverse(k)| Event::unpack(*k).time)
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Drops every pending event, keeping the allocation.
    pub fn clear(&mut self) {
        self.heap.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(time: SimTime, kind: u8, id: u64) -> Event {
        Event { time, kind, id, slot: id % 1000 }
    }

    #[test]
    fn pops_by_time_then_kind_then_id() {
        let mut q = EventQueue::new();
        for e in [ev(5, 1, 3), ev(5, 0, 9), ev(2, 7, 1), ev(5, 1, 2), ev(MAX_TIME, 0, MAX_ID)] {
            q.push(e);
        }
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, vec![ev(2, 7, 1), ev(5, 0, 9), ev(5, 1, 2), ev(5, 1, 3), ev(MAX_TIME, 0, MAX_ID)]);
    }

    #[test]
    fn packing_round_trips_extremes() {
        let e = Event { time: MAX_TIME, kind: KINDS - 1, id: MAX_ID, slot: MAX_SLOT };
        assert_eq!(Event::unpack(e.pack()), e);
        let z = Event { time: 0, kind: 0, id: 0, slot: 0 };
        assert_eq!(Event::unpack(z.pack()), z);
    }
}
