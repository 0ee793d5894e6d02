//! Entering and leaving the pool: the group's state and pool position, the start of its waiting
//! spell, and the pool path's bookkeeping.

use super::Sim;
use super::groups::{Groups, State};
use super::pool::{NO_COIN, Pool, PoolEntry};
use crate::engine::time::SimTime;

impl Sim<'_> {
    /// The group in `slot` (of `size` persons, registered at `registered_at`) starts waiting at `t`.
    pub(super) fn enter_pool(&mut self, slot: u32, t: SimTime, size: u8, registered_at: SimTime) {
        self.groups.set_state(slot, State::Waiting);
        // A spell from registration (or from 0 for the backlog) is implied by the entry; a return's
        // start is kept in the group record.
        let returned = t != registered_at.max(0);
        if returned {
            self.groups.set_waiting_since(slot, t);
        }
        let pos = self.pool.insert(PoolEntry { registered_at, slot, size, returned, coin: NO_COIN });
        self.groups.set_pos(slot, pos);
        self.tally.pool_addition(t, size);
    }

    /// The group in `slot` stops waiting at `t`; returns its pool entry.
    pub(super) fn leave_pool(&mut self, slot: u32, t: SimTime) -> PoolEntry {
        let e = take_out(&mut self.pool, &mut self.groups, slot);
        self.tally.add_spell(self.groups.spell_start(&e), t);
        e
    }
}

/// Removes the group in `slot` from the pool, keeping the positions in `groups` right.
fn take_out(pool: &mut Pool, groups: &mut Groups, slot: u32) -> PoolEntry {
    let pos = groups.pos(slot);
    let (e, moved) = pool.remove(pos);
    if let Some(moved) = moved {
        groups.set_pos(moved, pos);
    }
    groups.set_pos(slot, u32::MAX);
    e
}
