//! A fixed-size log-linear histogram of waits: quantiles within 0.4 % in constant memory.

use crate::engine::Ticks;

/// Sub-buckets per power of two (2^SUB_BITS); the relative width of a bucket is 2^-(SUB_BITS-1).
const SUB_BITS: u32 = 8;
const HALF: u64 = 1 << (SUB_BITS - 1);
const BUCKETS: usize = ((64 - SUB_BITS as usize) + 1) * HALF as usize + HALF as usize;

/// Counts of values (ticks) in log-linear buckets: exact below 2^SUB_BITS ticks, then
/// 2^(SUB_BITS-1) buckets per doubling.
#[derive(Clone)]
pub struct WaitHistogram {
    counts: Vec<u64>,
    total: u64,
}

impl Default for WaitHistogram {
    fn default() -> Self {
        WaitHistogram {
            counts: vec![0; BUCKETS],
            total: 0,
        }
    }
}

fn bucket(v: Ticks) -> usize {
    if v < 2 * HALF {
        return v as usize;
    }
    let msb = 63 - v.leading_zeros();
    let shift = msb - (SUB_BITS - 1);
    (shift as u64 * HALF + (v >> shift)) as usize
}

/// The smallest and largest value of bucket `b`.
fn bucket_range(b: usize) -> (Ticks, Ticks) {
    let b = b as u64;
    if b < 2 * HALF {
        return (b, b);
    }
    let shift = b / HALF - 1;
    let low = (b - shift * HALF) << shift;
    (low, low + (1 << shift) - 1)
}

impl WaitHistogram {
    #[inline]
    pub fn record(&mut self, v: Ticks) {
        self.counts[bucket(v)] += 1;
        self.total += 1;
    }

    pub fn add(&mut self, other: &WaitHistogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.total += other.total;
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    /// The nearest-rank `q` quantile (0 < q ≤ 1), as the midpoint of its bucket; `None` if empty.
    pub fn quantile(&self, q: f64) -> Option<Ticks> {
        if self.total == 0 {
            return None;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (b, &n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= rank {
                let (lo, hi) = bucket_range(b);
                return Some(lo + (hi - lo) / 2);
            }
        }
        unreachable!("rank is at most the total")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_tile_the_line() {
        let mut expected_low = 0;
        for b in 0..BUCKETS - 1 {
            let (lo, hi) = bucket_range(b);
            assert_eq!(lo, expected_low, "bucket {b}");
            assert_eq!(bucket(lo), b);
            assert_eq!(bucket(hi), b);
            expected_low = hi + 1;
        }
        assert_eq!(bucket(u64::MAX), BUCKETS - 1);
    }

    #[test]
    fn quantiles_are_within_the_bucket_precision() {
        let mut h = WaitHistogram::default();
        for v in 1..=100_000u64 {
            h.record(v * 1000);
        }
        for q in [0.5, 0.9, 0.95] {
            let exact = (q * 100_000.0) * 1000.0;
            let got = h.quantile(q).unwrap() as f64;
            assert!(
                (got - exact).abs() / exact < 0.004,
                "q={q}: {got} vs {exact}"
            );
        }
        assert_eq!(WaitHistogram::default().quantile(0.5), None);
    }
}
