//! Prefetching for the lottery, beside it: the pool is several megabytes at real scale and the
//! lottery's candidates are random, so without help each candidate waits for memory. See
//! [`Lookahead`].

use rand::RngExt;

use super::pool::PoolEntry;
use crate::engine::rng::StreamRng;

/// How many lottery candidates ahead [`Lookahead`] fetches.
pub(crate) const LOOKAHEAD: usize = 8;

/// Speculative lottery draws, for prefetching: a clone of the lottery stream run `LOOKAHEAD`
/// candidates ahead, guessing that every candidate draws a request coin (none when the request
/// probability is 1), so that the pool entries the lottery is about to read are already on their
/// way to the cache. The pool is several megabytes at real scale and the candidates are random,
/// so without this each candidate waits for memory. Only addresses come from the clone: the
/// lottery's own draws are untouched, so results are too, and a wrong guess (an ineligible
/// candidate, or one whose coin the seniority pass drew) only costs a restart.
pub(crate) struct Lookahead {
    rng: StreamRng,
    /// The candidate index the next speculative draw is for.
    next: usize,
    n: usize,
    coin_p: Option<f64>,
}

impl Lookahead {
    /// Starts guessing from the lottery's current state, for candidates `from..`, and prefetches
    /// the first `LOOKAHEAD`.
    pub(crate) fn start(
        rng: &StreamRng,
        from: usize,
        n: usize,
        coin_p: Option<f64>,
        entries: &[PoolEntry],
    ) -> Lookahead {
        let mut a = Lookahead { rng: rng.clone(), next: from, n, coin_p };
        for _ in 0..LOOKAHEAD {
            a.step(entries);
        }
        a
    }

    /// Guesses one more candidate's position and prefetches its entry; returns the guess.
    #[inline]
    pub(crate) fn step(&mut self, entries: &[PoolEntry]) -> Option<usize> {
        if self.next >= self.n {
            return None;
        }
        let j = self.rng.random_range(self.next..self.n);
        if let Some(p) = self.coin_p {
            self.rng.random_bool(p);
        }
        self.next += 1;
        prefetch(&entries[j]);
        Some(j)
    }
}

/// Asks the CPU to bring `x`'s cache line closer; a hint that changes no result.
#[inline(always)]
fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE is part of the x86_64 baseline, and a prefetch neither reads memory
    // architecturally nor faults; `x` is a valid reference anyway.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((x as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;
    use crate::model::sim::pool::NO_COIN;

    /// When every candidate draws its coin, the lookahead's guesses are exactly the positions the
    /// lottery then draws, `LOOKAHEAD` candidates early, with or without coins.
    #[test]
    fn lookahead_guesses_the_lottery_positions() {
        use rand::SeedableRng;
        let entries = vec![PoolEntry { registered_at: 0, slot: 0, size: 1, coin: NO_COIN, port: 0 }; 500];
        for coin_p in [None, Some(0.9)] {
            let mut lottery = StreamRng::seed_from_u64(11);
            let mut ahead = Lookahead { rng: lottery.clone(), next: 0, n: entries.len(), coin_p };
            let mut guesses: VecDeque<usize> = (0..LOOKAHEAD).filter_map(|_| ahead.step(&entries)).collect();
            for i in 0..entries.len() {
                let j = lottery.random_range(i..entries.len());
                if let Some(p) = coin_p {
                    lottery.random_bool(p);
                }
                assert_eq!(guesses.pop_front(), Some(j), "candidate {i}");
                guesses.extend(ahead.step(&entries));
            }
            assert!(guesses.is_empty());
        }
    }
}
