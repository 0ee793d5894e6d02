//! Seeded random streams: a replication's seed and each process's stream are pure functions of the
//! scenario seed, so results never depend on thread scheduling or sharding.
//!
//! Rule: `replication_seed = derive(seed, r)`; `stream_seed = derive(replication_seed, kind << 32 | index)`;
//! the stream is `Xoshiro256PlusPlus::seed_from_u64(stream_seed)`, a generator whose output rand
//! documents as portable and reproducible. `derive(a, b) = splitmix64(a + splitmix64(b))`.

use rand::SeedableRng;
pub use rand::rngs::Xoshiro256PlusPlus as StreamRng;

/// SplitMix64's finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mix.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Derives a child seed from a parent seed and a tag.
pub fn derive(parent: u64, tag: u64) -> u64 {
    splitmix64(parent.wrapping_add(splitmix64(tag)))
}

/// The seed of replication `r` of a scenario with seed `seed`: the same at every sweep point
/// (common random numbers).
pub fn replication_seed(seed: u64, r: u64) -> u64 {
    derive(seed, r)
}

/// The generator of stream (`kind`, `index`) within the replication seeded `replication_seed`.
pub fn stream(replication_seed: u64, kind: u32, index: u32) -> StreamRng {
    StreamRng::seed_from_u64(derive(replication_seed, ((kind as u64) << 32) | index as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: u64 = stream(replication_seed(7, 0), 1, 0).random();
        let b: u64 = stream(replication_seed(7, 0), 1, 0).random();
        let c: u64 = stream(replication_seed(7, 0), 1, 1).random();
        let d: u64 = stream(replication_seed(7, 1), 1, 0).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
        // Pinned so that a change of the derivation rule (which changes every output) is deliberate.
        assert_eq!(replication_seed(1, 0), derive(1, 0));
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
    }
}
