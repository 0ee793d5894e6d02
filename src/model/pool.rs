//! The waiting pool: O(1) insertion and removal (swap-remove with a back-pointer kept in the group)
//! and counts by group size, so a pass knows when no remaining candidate can fit. The seniority order
//! is a registration log kept by the simulation (see `sim.rs`).

/// Waiting groups, identified by their storage slot.
#[derive(Debug, Default)]
pub struct Pool {
    /// Slots in arbitrary order; the lottery permutes this vector in place.
    pub(crate) slots: Vec<u32>,
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

    /// Number of waiting groups.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether nobody waits.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Adds a group; returns its position, which the caller stores for [`Pool::remove`].
    pub fn insert(&mut self, slot: u32, size: u8) -> u32 {
        self.slots.push(slot);
        self.by_size[size as usize] += 1;
        self.persons += size as u64;
        (self.slots.len() - 1) as u32
    }

    /// Removes the group at `pos`; returns the slot that moved into `pos` (whose position the caller
    /// must update), if any.
    pub fn remove(&mut self, pos: u32, size: u8) -> Option<u32> {
        let pos = pos as usize;
        self.slots.swap_remove(pos);
        self.by_size[size as usize] -= 1;
        self.persons -= size as u64;
        self.slots.get(pos).copied()
    }
}

/// The smallest size with a positive count, or `None` when every count is 0.
pub fn smallest_size(counts: &[u64; 11]) -> Option<u64> {
    (1..=10).find(|&s| counts[s] > 0).map(|s| s as u64)
}
