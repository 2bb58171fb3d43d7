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
    // to nearest without a call to libm's `round`.
    (secs * TICKS_PER_SECOND as f64 + 0.5) as Ticks
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
