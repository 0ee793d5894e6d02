//! Entering and leaving the pool: the group's state and pool position, the start of its waiting
//! spell, and the pool path's bookkeeping.

use super::Sim;
use super::groups::{Groups, State};
use super::pool::{NO_COIN, PoolEntry, Pools};
use crate::engine::time::SimTime;

impl Sim<'_> {
    /// The group in `slot` (of `size` persons, registered at `registered_at`) starts waiting at `t`
    /// at `port`.
    pub(super) fn enter_pool(&mut self, slot: u32, t: SimTime, size: u8, registered_at: SimTime, port: u8) {
        self.groups.set_state(slot, State::Waiting);
        let pos = self.pool.insert(PoolEntry { registered_at, slot, size, coin: NO_COIN, port });
        self.groups.set_pos(slot, pos);
        self.start_spell(port, t, size);
    }

    /// The group in `slot` stops waiting at `t`; returns its pool entry.
    pub(super) fn leave_pool(&mut self, slot: u32, t: SimTime) -> PoolEntry {
        let e = take_out(&mut self.pool, &mut self.groups, slot);
        self.end_spell(&e, t);
        e
    }

    /// The waiting group in `slot` moves to `port` at `t`: a spell ended at its old port and begun
    /// at the new one (the whole's pool keeps its level).
    pub(super) fn move_port(&mut self, slot: u32, t: SimTime, port: u8) -> PoolEntry {
        let e = take_out(&mut self.pool, &mut self.groups, slot);
        self.groups.materialise(slot, &e);
        self.groups.set_port(slot, port);
        let pos = self.pool.insert(PoolEntry { port, coin: NO_COIN, ..e });
        self.groups.set_pos(slot, pos);
        self.move_spell(e.port, port, t, e.size);
        e
    }
}

/// Removes the group in `slot` from the pool, keeping the positions in `groups` right.
fn take_out(pool: &mut Pools, groups: &mut Groups, slot: u32) -> PoolEntry {
    let pos = groups.pos(slot);
    let (e, moved) = pool.remove(pos);
    if let Some(moved) = moved {
        groups.set_pos(moved, pos);
    }
    groups.set_pos(slot, u32::MAX);
    e
}
