//! Independent random streams, one per purpose, seeded from (seed, replication, purpose).
//!
//! Each draw a caller needs comes from the stream of its purpose, in arrival order, so a
//! change elsewhere in the scenario (staffing, ports) leaves every caller's own draws as they
//! were: common random numbers for sharp comparisons between scenarios.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator behind every stream: fast, small, and portable (its output is specified).
pub type Stream = Xoshiro256PlusPlus;

/// Derives streams for one replication of one run.
#[derive(Clone, Copy, Debug)]
pub struct RandomStreams {
    seed: u64,
    replication: u64,
}

impl RandomStreams {
    pub fn new(seed: u64, replication: u64) -> Self {
        RandomStreams { seed, replication }
    }

    /// The stream for `purpose` (e.g. "arrivals") of the entity named `owner` (e.g. a queue).
    ///
    /// Keyed by names rather than positions, so reordering queues in a file does not change
    /// which numbers each queue sees.
    pub fn stream(&self, purpose: &str, owner: &str) -> Stream {
        let key = fnv1a(purpose.as_bytes(), fnv1a(owner.as_bytes(), FNV_OFFSET));
        let mixed = splitmix64(splitmix64(splitmix64(self.seed) ^ self.replication) ^ key);
        Stream::seed_from_u64(mixed)
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv1a(bytes: &[u8], mut hash: u64) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // Separator, so ("ab","c") and ("a","bc") differ.
    (hash ^ 0xff).wrapping_mul(0x0000_0100_0000_01b3)
}

/// SplitMix64's finaliser: a bijective mix, so distinct inputs give distinct seeds.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    fn first(s: &mut Stream) -> u64 {
        s.random()
    }

    #[test]
    fn streams_differ_by_purpose_owner_replication_and_seed() {
        let base = first(&mut RandomStreams::new(1, 0).stream("arrivals", "q"));
        assert_ne!(
            base,
            first(&mut RandomStreams::new(1, 0).stream("handle", "q"))
        );
        assert_ne!(
            base,
            first(&mut RandomStreams::new(1, 0).stream("arrivals", "r"))
        );
        assert_ne!(
            base,
            first(&mut RandomStreams::new(1, 1).stream("arrivals", "q"))
        );
        assert_ne!(
            base,
            first(&mut RandomStreams::new(2, 0).stream("arrivals", "q"))
        );
        assert_eq!(
            base,
            first(&mut RandomStreams::new(1, 0).stream("arrivals", "q"))
        );
    }

    #[test]
    fn concatenation_of_names_is_not_ambiguous() {
        let s = RandomStreams::new(7, 3);
        assert_ne!(
            first(&mut s.stream("ab", "c")),
            first(&mut s.stream("a", "bc"))
        );
    }
}
