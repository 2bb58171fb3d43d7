//! The simulation engine: integer time, a deterministic event queue and seeded random streams.
//!
//! It knows nothing about calls; the model defines its own event type and drives the queue.

mod event_queue;
mod random;

pub use event_queue::EventQueue;
pub use random::{RandomStreams, Stream};

/// Simulated time in microseconds since the scenario's start.
///
/// Integer ticks make event order exact and reproducible: no two platforms disagree on
/// whether `a + b < c`, as they can with floating point.
pub type Ticks = u64;

/// Ticks in one second.
pub const TICKS_PER_SECOND: Ticks = 1_000_000;

/// Converts seconds (as distributions sample them) to ticks, rounding to the nearest tick.
/// Negative and NaN inputs become 0; values beyond the representable range saturate.
#[inline]
pub fn ticks_from_secs(secs: f64) -> Ticks {
    // `as` truncates, saturates out-of-range floats and maps NaN to 0; adding ½ first rounds
    // to nearest without a call to libm's `round`. Below 2⁶³ the signed conversion (one
    // instruction, where the unsigned one takes several) gives the same result.
    let t = secs * TICKS_PER_SECOND as f64 + 0.5;
    if t < 9_223_372_036_854_775_808.0 {
        (t as i64).max(0) as Ticks
    } else {
        t as Ticks
    }
}

/// A sum of many durations, in ticks: wide enough for any number of contacts of any length
/// (durations saturate at `Ticks::MAX`, and a `Ticks` sum of a few such would overflow).
pub type TickSum = u128;

/// Converts a sum of ticks to seconds.
#[inline]
pub fn secs_from_tick_sum(ticks: TickSum) -> f64 {
    ticks as f64 / TICKS_PER_SECOND as f64
}

/// Converts ticks to seconds.
#[inline]
pub fn secs_from_ticks(ticks: Ticks) -> f64 {
    ticks as f64 / TICKS_PER_SECOND as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast conversion agrees with `as` (round half up, 0 for negatives and NaN,
    /// saturation) on both sides of 2⁶³ ticks.
    #[test]
    fn seconds_convert_to_ticks_as_the_unsigned_cast_does() {
        let reference = |secs: f64| (secs * TICKS_PER_SECOND as f64 + 0.5) as Ticks;
        let two63 = 9_223_372_036_854_775_808.0 / TICKS_PER_SECOND as f64;
        for secs in [
            0.0,
            -0.0,
            1e-7,
            4e-7,
            5e-7,
            -4e-7,
            -1.0,
            1.5,
            240.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            two63 * 0.999_999,
            two63,
            two63 * 1.5,
            two63 * 2.0,
            two63 * 4.0,
        ] {
            assert_eq!(ticks_from_secs(secs), reference(secs), "{secs}");
        }
        assert_eq!(ticks_from_secs(1.5), 1_500_000);
        assert_eq!(ticks_from_secs(-3.0), 0);
        assert_eq!(ticks_from_secs(f64::INFINITY), Ticks::MAX);
    }
}
