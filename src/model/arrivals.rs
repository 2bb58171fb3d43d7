//! Poisson arrivals whose rate is constant within each interval and changes between them.

use crate::engine::{Stream, Ticks};
use crate::scenario::PerInterval;
use rand_distr::{Distribution as _, Exp1};

/// A non-homogeneous Poisson process with a piecewise-constant rate.
///
/// Each arrival consumes one unit-exponential draw, spent against the integrated rate:
/// exact (by the memoryless property) and independent of everything else in the model.
pub struct ArrivalProcess<'a> {
    /// Expected arrivals per tick in each interval, and how many intervals there are.
    rates: &'a PerInterval<f64>,
    intervals: usize,
    interval: f64,
    /// Continuous time of the last arrival, in ticks (kept unrounded so rounding never accumulates).
    t: f64,
    /// The interval `t` is in, when it ends, its last tick, and its rate.
    k: usize,
    end: f64,
    last_tick: Ticks,
    rate: f64,
}

impl<'a> ArrivalProcess<'a> {
    pub fn new(rates: &'a PerInterval<f64>, intervals: usize, interval: Ticks) -> Self {
        ArrivalProcess {
            intervals,
            rates,
            interval: interval as f64,
            t: 0.0,
            k: 0,
            end: interval as f64,
            last_tick: interval.saturating_sub(1),
            rate: if intervals > 0 { rates.get(0) } else { 0.0 },
        }
    }

    /// Time of the next arrival and the interval it falls in (the one whose rate produced
    /// it), or `None` once the rate schedule is over.
    #[inline(always)]
    pub fn next(&mut self, rng: &mut Stream) -> Option<(Ticks, usize)> {
        // `Exp1`'s own `sample`, which inlines (`Rng::sample` does not).
        let mut budget: f64 = Exp1.sample(rng);
        loop {
            if self.k >= self.intervals {
                return None;
            }
            let rate = self.rate;
            let room = (self.end - self.t) * rate;
            if budget < room {
                // Never past the end of the interval, whatever the rounding.
                self.t = (self.t + budget / rate).min(self.end);
                // Floor keeps arrivals inside the interval whose rate produced them (times
                // are far below 2⁶³ ticks, so the signed conversion, a single instruction,
                // is exact).
                return Some(((self.t as i64 as Ticks).min(self.last_tick), self.k));
            }
            budget -= room;
            self.t = self.end;
            self.k += 1;
            self.end = (self.k + 1) as f64 * self.interval;
            self.last_tick = self.end as Ticks - 1;
            if self.k < self.intervals {
                self.rate = self.rates.get(self.k);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RandomStreams;

    #[test]
    fn counts_per_interval_follow_the_rates() {
        let interval: Ticks = 1_000_000;
        // Expected calls per interval: 50, 0, 200; rates per tick.
        let per_interval = [50.0, 0.0, 200.0];
        let rates = PerInterval::Values(per_interval.iter().map(|c| c / interval as f64).collect());
        let reps = 400;
        let mut counts = [0u64; 3];
        for r in 0..reps {
            let mut rng = RandomStreams::new(9, r).stream("arrivals", "q");
            let mut p = ArrivalProcess::new(&rates, 3, interval);
            while let Some((t, k)) = p.next(&mut rng) {
                assert_eq!(
                    k,
                    (t / interval) as usize,
                    "the interval an arrival falls in"
                );
                counts[k] += 1;
            }
        }
        for (k, &expected) in per_interval.iter().enumerate() {
            let mean = counts[k] as f64 / reps as f64;
            // Poisson: variance = mean, so the standard error over reps is √(mean/reps).
            let se = (expected / reps as f64).sqrt();
            assert!(
                (mean - expected).abs() <= 4.0 * se.max(1e-9),
                "interval {k}: {mean} vs {expected}"
            );
        }
    }
}
