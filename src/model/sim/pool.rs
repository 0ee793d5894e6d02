//! The waiting pool: one per port of entry, each with O(1) insertion and removal (swap-remove; the
//! group storage keeps each group's position) and counts by group size, so a pass knows when no
//! remaining candidate can fit. A position names the port in its high bits when there are several
//! ports ([`Pools`]). How a group enters and leaves is in `waiting.rs`. The seniority order is a
//! registration log kept by the allocation (see `allocation.rs`).

use crate::engine::time::SimTime;

/// One waiting group as the pool sees it: what the lottery and a selection read, kept together in
/// 16 bytes so that drawing a random entry does not touch the group's own record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PoolEntry {
    /// When the group registered [s]; negative for the initial backlog.
    pub(crate) registered_at: SimTime,
    /// The group's storage slot.
    pub(crate) slot: u32,
    /// Persons in the group (1–10).
    pub(crate) size: u8,
    /// The request coin drawn for the group by the current allocation's seniority pass, which the
    /// lottery reuses: [`NO_COIN`], [`COIN_NO`] or [`COIN_YES`]. Reset after each allocation.
    pub(crate) coin: u8,
    /// The port whose pool holds the entry.
    pub(crate) port: u8,
}

/// [`PoolEntry::coin`]: no coin drawn yet in this allocation.
pub(crate) const NO_COIN: u8 = 0;
/// [`PoolEntry::coin`]: the group does not request today.
pub(crate) const COIN_NO: u8 = 1;
/// [`PoolEntry::coin`]: the group requests today.
pub(crate) const COIN_YES: u8 = 2;

/// Waiting groups.
#[derive(Debug, Default)]
pub(crate) struct Pool {
    /// Entries in arbitrary order; the lottery permutes this vector in place.
    pub(crate) entries: Vec<PoolEntry>,
    /// Number of waiting groups of each size (index = persons, 1–10).
    pub(crate) by_size: [u64; 11],
}

impl Pool {
    /// Empties the pool, keeping its memory.
    pub(crate) fn clear(&mut self) {
        let Pool { entries, by_size } = self;
        entries.clear();
        *by_size = [0; 11];
    }

    /// Number of waiting groups.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Adds a group; returns its position, which the caller stores for [`Pool::remove`].
    pub(crate) fn insert(&mut self, entry: PoolEntry) -> u32 {
        self.entries.push(entry);
        self.by_size[entry.size as usize] += 1;
        (self.entries.len() - 1) as u32
    }

    /// Removes and returns the entry at `pos`, with the slot that moved into `pos` (whose position
    /// the caller must update), if any.
    pub(crate) fn remove(&mut self, pos: u32) -> (PoolEntry, Option<u32>) {
        let pos = pos as usize;
        let entry = self.entries.swap_remove(pos);
        self.by_size[entry.size as usize] -= 1;
        (entry, self.entries.get(pos).map(|e| e.slot))
    }
}

/// Bits of a pool position that hold the index in its port's pool when there are several ports;
/// the bits above name the port.
const INDEX_BITS: u32 = 24;

/// The waiting pools of every port. With one port a position is the index in its pool; with
/// several it is `port << 24 | index`.
#[derive(Debug, Default)]
pub(crate) struct Pools {
    /// One pool per port, in port order.
    pub(crate) ports: Vec<Pool>,
    /// How far a position is shifted to get its port (32 with one port: always port 0).
    shift: u32,
}

impl Pools {
    /// Empties the pools, keeping their memory, for `ports` ports.
    pub(crate) fn clear(&mut self, ports: usize) {
        let Pools { ports: pools, shift } = self;
        pools.truncate(ports);
        pools.iter_mut().for_each(Pool::clear);
        pools.resize_with(ports, Pool::default);
        *shift = if ports > 1 { INDEX_BITS } else { 32 };
    }

    /// The position of index `i` of port `p`'s pool.
    #[inline]
    pub(crate) fn pos_of(&self, port: usize, i: usize) -> u32 {
        ((port as u64) << self.shift | i as u64) as u32
    }

    /// The port and the index in its pool of position `pos`.
    #[inline]
    fn split(&self, pos: u32) -> (usize, usize) {
        let pos = pos as u64;
        ((pos >> self.shift) as usize, (pos & ((1u64 << self.shift) - 1)) as usize)
    }

    /// The port of position `pos`.
    #[inline]
    pub(crate) fn port_at(&self, pos: u32) -> usize {
        self.split(pos).0
    }

    /// The entry at `pos`.
    #[inline]
    pub(crate) fn entry(&self, pos: u32) -> &PoolEntry {
        let (p, i) = self.split(pos);
        &self.ports[p].entries[i]
    }

    /// The entry at `pos`, for writing.
    #[inline]
    pub(crate) fn entry_mut(&mut self, pos: u32) -> &mut PoolEntry {
        let (p, i) = self.split(pos);
        &mut self.ports[p].entries[i]
    }

    /// Number of waiting groups at every port.
    pub(crate) fn len(&self) -> usize {
        self.ports.iter().map(Pool::len).sum()
    }

    /// Adds a group to its port's pool; returns its position.
    #[inline]
    pub(crate) fn insert(&mut self, entry: PoolEntry) -> u32 {
        let p = entry.port as usize;
        let i = self.ports[p].insert(entry);
        assert!(self.shift == 32 || i < 1 << INDEX_BITS, "more than 2^24 groups waiting at one port");
        self.pos_of(p, i as usize)
    }

    /// Removes and returns the entry at `pos`, with the slot that moved into `pos`, if any.
    #[inline]
    pub(crate) fn remove(&mut self, pos: u32) -> (PoolEntry, Option<u32>) {
        let (p, i) = self.split(pos);
        self.ports[p].remove(i as u32)
    }
}

/// The persons in groups counted by size.
pub(crate) fn persons(counts: &[u64; 11]) -> u64 {
    counts.iter().enumerate().map(|(size, n)| size as u64 * n).sum()
}

/// The smallest size with a positive count, or `None` when every count is 0.
pub(crate) fn smallest_size(counts: &[u64; 11]) -> Option<u64> {
    (1..=10).find(|&s| counts[s] > 0).map(|s| s as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(slot: u32, size: u8) -> PoolEntry {
        PoolEntry { registered_at: slot as SimTime, slot, size, coin: NO_COIN, port: 0 }
    }

    #[test]
    fn swap_remove_reports_the_moved_slot_and_keeps_counts() {
        let mut p = Pool::default();
        for (slot, size) in [(0, 1), (1, 3), (2, 3), (3, 10)] {
            assert_eq!(p.insert(entry(slot, size)), slot);
        }
        assert_eq!((p.len(), p.by_size[3], p.by_size[10]), (4, 2, 1));
        let (e, moved) = p.remove(1);
        assert_eq!((e.slot, moved), (1, Some(3)), "the last entry moves into the hole");
        assert_eq!(p.entries[1].slot, 3);
        let (e, moved) = p.remove(2);
        assert_eq!((e.slot, moved), (2, None), "removing the last entry moves nothing");
        assert_eq!((p.len(), p.by_size[3]), (2, 0));
        assert_eq!(smallest_size(&p.by_size), Some(1));
        p.clear();
        assert_eq!(p.len(), 0);
        assert_eq!(smallest_size(&p.by_size), None);
    }

    #[test]
    fn positions_name_the_port_only_with_several_ports() {
        let mut one = Pools::default();
        one.clear(1);
        assert_eq!(one.insert(entry(7, 2)), 0);
        assert_eq!(one.pos_of(0, (1 << 24) + 5), (1 << 24) + 5, "one port: a position is an index");
        let mut two = Pools::default();
        two.clear(2);
        assert_eq!(two.insert(PoolEntry { port: 1, ..entry(3, 2) }), 1 << 24);
        assert_eq!(two.insert(entry(4, 1)), 0);
        assert_eq!(two.entry(1 << 24).slot, 3);
        assert_eq!(two.len(), 2);
        let (e, moved) = two.remove(1 << 24);
        assert_eq!((e.slot, moved, two.ports[1].len()), (3, None, 0));
    }
}
