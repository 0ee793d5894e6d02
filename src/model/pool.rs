//! The waiting pool: O(1) insertion and removal (swap-remove; the simulation keeps each group's
//! position) and counts by group size, so a pass knows when no remaining candidate can fit. The
//! seniority order is a registration log kept by the simulation (see `sim.rs`).

use crate::engine::time::SimTime;

/// One waiting group as the pool sees it: what the lottery and a selection read, kept together in
/// 16 bytes so that drawing a random entry does not touch the group's own record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// When the group registered [s]; negative for the initial backlog.
    pub registered_at: SimTime,
    /// The group's storage slot.
    pub slot: u32,
    /// Persons in the group (1–10).
    pub size: u8,
    /// Whether the group came back (after a miss or a cancellation): its waiting spell then started
    /// at its return, which the group record holds, not at its registration.
    pub returned: bool,
    /// The request coin drawn for the group by the current allocation's seniority pass, which the
    /// lottery reuses: [`NO_COIN`], [`COIN_NO`] or [`COIN_YES`]. Reset after each allocation.
    pub coin: u8,
}

/// [`Entry::coin`]: no coin drawn yet in this allocation.
pub const NO_COIN: u8 = 0;
/// [`Entry::coin`]: the group does not request today.
pub const COIN_NO: u8 = 1;
/// [`Entry::coin`]: the group requests today.
pub const COIN_YES: u8 = 2;

/// Waiting groups.
#[derive(Debug, Default)]
pub struct Pool {
    /// Entries in arbitrary order; the lottery permutes this vector in place.
    pub(crate) entries: Vec<Entry>,
    /// Number of waiting groups of each size (index = persons, 1–10).
    pub(crate) by_size: [u64; 11],
    /// Persons waiting.
    pub(crate) persons: u64,
}

impl Pool {
    /// An empty pool.
    pub fn new() -> Self {
        Pool::default()
    }

    /// An empty pool that stores its entries in `buffer` (cleared), reusing its memory.
    pub fn with_entries(mut buffer: Vec<Entry>) -> Self {
        buffer.clear();
        Pool { entries: buffer, ..Pool::default() }
    }

    /// The entries' buffer, for reuse by a later pool.
    pub fn into_entries(self) -> Vec<Entry> {
        self.entries
    }

    /// Number of waiting groups.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nobody waits.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds a group; returns its position, which the caller stores for [`Pool::remove`].
    pub fn insert(&mut self, entry: Entry) -> u32 {
        self.entries.push(entry);
        self.by_size[entry.size as usize] += 1;
        self.persons += entry.size as u64;
        (self.entries.len() - 1) as u32
    }

    /// Removes and returns the entry at `pos`, with the slot that moved into `pos` (whose position
    /// the caller must update), if any.
    pub fn remove(&mut self, pos: u32) -> (Entry, Option<u32>) {
        let pos = pos as usize;
        let entry = self.entries.swap_remove(pos);
        self.by_size[entry.size as usize] -= 1;
        self.persons -= entry.size as u64;
        (entry, self.entries.get(pos).map(|e| e.slot))
    }
}

/// The smallest size with a positive count, or `None` when every count is 0.
pub fn smallest_size(counts: &[u64; 11]) -> Option<u64> {
    (1..=10).find(|&s| counts[s] > 0).map(|s| s as u64)
}
