//! A deterministic priority queue of events ordered by (time, kind, id).
//!
//! Events are packed into one `u128` so that comparison is a single integer compare:
//! `time (40 bits) | kind (3 bits) | id (45 bits) | slot (40 bits)`.
//! Equal times are resolved by `kind` (the caller's rank of event kinds, lower first), then by `id`.
//! `slot` is a payload (for example a storage index) and never decides the order because ids are unique
//! within a kind at one time.
//! See [`EventQueue`] for the calendar structure and its costs.

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
    /// The ordering key: events pop in increasing key order (time, kind, id).
    pub fn key(&self) -> u128 {
        self.pack()
    }

    fn pack(self) -> u128 {
        debug_assert!((0..=MAX_TIME).contains(&self.time), "event time {} out of range", self.time);
        debug_assert!(self.kind < KINDS && self.id <= MAX_ID && self.slot <= MAX_SLOT);
        ((self.time as u128) << TIME_SHIFT)
            | ((self.kind as u128) << KIND_SHIFT)
            | ((self.id as u128) << ID_SHIFT)
            | ((self.slot as u128) << SLOT_SHIFT)
    }

    /// The event whose key is `key` (the inverse of [`Event::key`]).
    pub fn from_key(key: u128) -> Event {
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
///
/// It is a calendar queue.
/// Events are filed into buckets of `width` seconds (a day, in borderq).
/// Only the bucket being drained is kept in a binary heap, which stays small and cache-resident;
/// later buckets are plain vectors, filled in O(1) and heapified in O(k) when their turn comes.
/// Their buffers are recycled, so no event allocates once the queue has warmed up.
/// Popping order is exactly that of one global heap.
#[derive(Debug)]
pub struct EventQueue {
    width: SimTime,
    /// Index of the bucket in `heap`; events in buckets ≤ this one go to the heap.
    current: i64,
    heap: BinaryHeap<Reverse<u128>>,
    /// Future buckets by index (`buckets[b]` holds times in `[b·width, (b+1)·width)`).
    buckets: Vec<Vec<Reverse<u128>>>,
    spare: Vec<Vec<Reverse<u128>>>,
    len: usize,
}

impl Default for EventQueue {
    fn default() -> Self {
        EventQueue::new()
    }
}

impl EventQueue {
    /// An empty queue with day-wide buckets.
    pub fn new() -> Self {
        Self::with_bucket_width(super::time::DAY)
    }

    /// An empty queue whose buckets span `width` seconds (> 0). Memory grows with the latest time
    /// pushed divided by `width`, so choose a width near the typical spacing of busy periods.
    pub fn with_bucket_width(width: SimTime) -> Self {
        assert!(width > 0, "bucket width must be positive");
        EventQueue { width, current: 0, heap: BinaryHeap::new(), buckets: Vec::new(), spare: Vec::new(), len: 0 }
    }

    /// Schedules `event`. O(1) into a future bucket, O(log k) into the current one.
    pub fn push(&mut self, event: Event) {
        let key = Reverse(event.pack());
        let b = event.time / self.width;
        self.len += 1;
        if b <= self.current {
            self.heap.push(key);
            return;
        }
        let b = b as usize;
        if self.buckets.len() <= b {
            self.buckets.resize_with(b + 1, Vec::new);
        }
        if self.buckets[b].capacity() == 0
            && let Some(buf) = self.spare.pop()
        {
            self.buckets[b] = buf;
        }
        self.buckets[b].push(key);
    }

    /// Removes and returns the next event. O(log k) amortised, k the events of one bucket.
    pub fn pop(&mut self) -> Option<Event> {
        if !self.fill() {
            return None;
        }
        let Reverse(k) = self.heap.pop()?;
        self.len -= 1;
        Some(Event::from_key(k))
    }

    /// The next event without removing it (moves to the next bucket if the current one is drained).
    pub fn peek(&mut self) -> Option<Event> {
        if !self.fill() {
            return None;
        }
        self.heap.peek().map(|Reverse(k)| Event::from_key(*k))
    }

    /// Makes the heap hold the earliest pending events; false when nothing is pending.
    fn fill(&mut self) -> bool {
        while self.heap.is_empty() {
            if self.len == 0 {
                return false;
            }
            // Move to the next non-empty bucket, recycling the drained heap's buffer.
            let Some(next) =
                ((self.current + 1).max(0) as usize..self.buckets.len()).find(|b| !self.buckets[*b].is_empty())
            else {
                return false;
            };
            self.current = next as i64;
            let bucket = std::mem::take(&mut self.buckets[next]);
            let drained = std::mem::replace(&mut self.heap, BinaryHeap::from(bucket));
            let mut buf = drained.into_vec();
            buf.clear();
            self.spare.push(buf);
        }
        true
    }

    /// Removes every pending event and rewinds to time 0, keeping the buffers for reuse (a queue
    /// reused across replications does not allocate again).
    pub fn clear(&mut self) {
        self.current = 0;
        let mut heap = std::mem::take(&mut self.heap).into_vec();
        heap.clear();
        self.spare.push(heap);
        for b in &mut self.buckets {
            if b.capacity() > 0 {
                let mut buf = std::mem::take(b);
                buf.clear();
                self.spare.push(buf);
            }
        }
        self.len = 0;
    }

    /// The key ([`Event::key`]) of the next event without removing it, for merging the queue with
    /// another sorted source.
    pub fn peek_key(&mut self) -> Option<u128> {
        if !self.fill() {
            return None;
        }
        self.heap.peek().map(|Reverse(k)| *k)
    }

    /// The time of the next event without removing it.
    pub fn peek_time(&self) -> Option<SimTime> {
        if let Some(Reverse(k)) = self.heap.peek() {
            return Some(Event::from_key(*k).time);
        }
        let b = self.buckets.iter().skip((self.current + 1).max(0) as usize).find(|b| !b.is_empty())?;
        b.iter().max().map(|Reverse(k)| Event::from_key(*k).time)
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len == 0
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
        let mut q = EventQueue::with_bucket_width(1 << 30);
        for e in [ev(5, 1, 3), ev(5, 0, 9), ev(2, 7, 1), ev(5, 1, 2), ev(MAX_TIME, 0, MAX_ID)] {
            q.push(e);
        }
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, vec![ev(2, 7, 1), ev(5, 0, 9), ev(5, 1, 2), ev(5, 1, 3), ev(MAX_TIME, 0, MAX_ID)]);
    }

    /// The calendar queue pops exactly what one global heap pops, with pushes interleaved with pops
    /// (including pushes into the bucket being drained and into earlier-than-current times).
    #[test]
    fn calendar_order_equals_a_global_heap() {
        use rand::{RngExt, SeedableRng};
        let mut rng = crate::engine::rng::StreamRng::seed_from_u64(5);
        let mut q = EventQueue::with_bucket_width(100);
        let mut reference = BinaryHeap::new();
        let mut now = 0;
        for step in 0..20_000u64 {
            if rng.random_bool(0.55) || reference.is_empty() {
                let e =
                    Event { time: now + rng.random_range(0..1_000), kind: rng.random_range(0..8), id: step, slot: 0 };
                q.push(e);
                reference.push(Reverse(e.pack()));
            } else {
                let got = q.pop().unwrap();
                let Reverse(want) = reference.pop().unwrap();
                assert_eq!(got, Event::from_key(want));
                assert_eq!(q.peek_time(), reference.peek().map(|Reverse(k)| Event::from_key(*k).time));
                assert_eq!(q.peek(), reference.peek().map(|Reverse(k)| Event::from_key(*k)));
                assert_eq!(q.peek_key(), reference.peek().map(|Reverse(k)| *k));
                now = got.time;
            }
            assert_eq!(q.len(), reference.len());
        }
        while let Some(Reverse(want)) = reference.pop() {
            assert_eq!(q.pop().unwrap(), Event::from_key(want));
        }
        assert!(q.pop().is_none() && q.is_empty());
    }

    /// A cleared queue is empty and behaves like a new one, pending events of every bucket gone.
    #[test]
    fn clear_empties_and_rewinds() {
        let mut q = EventQueue::with_bucket_width(10);
        for t in [95, 3, 40, 41, 1_000] {
            q.push(ev(t, 1, t as u64));
        }
        assert_eq!(q.pop().unwrap().time, 3);
        q.clear();
        assert!(q.is_empty() && q.pop().is_none() && q.peek_time().is_none());
        for t in [50, 7, 20] {
            q.push(ev(t, 1, t as u64));
        }
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).map(|e| e.time).collect();
        assert_eq!(order, vec![7, 20, 50]);
    }

    #[test]
    fn packing_round_trips_extremes() {
        let e = Event { time: MAX_TIME, kind: KINDS - 1, id: MAX_ID, slot: MAX_SLOT };
        assert_eq!(Event::from_key(e.pack()), e);
        let z = Event { time: 0, kind: 0, id: 0, slot: 0 };
        assert_eq!(Event::from_key(z.pack()), z);
    }
}
