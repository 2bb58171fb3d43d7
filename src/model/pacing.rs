//! Predictive pacing: how many dials a predictive campaign keeps ringing.
//!
//! The dialer works for the campaign's agents as a pool. When something changes (an agent is
//! freed, a dial ends, a retry comes due) it counts the agents a live answer could go to
//! soon — `A` = the ready ones (beyond `idle_threshold`, less live answers already holding)
//! plus, for each agent talking or wrapping up for the campaign, the chance it is free
//! within a live answer's ring time `h` (`h / E[talk + wrap-up]`, at most 1: exact for
//! exponential handle times, which have no memory) — and dials while the `n` dials then
//! ringing, each live with probability `p`, keep the expected share of live answers that find
//! no agent within the ratio θ:
//!
//! ```text
//! E[(X − A)⁺] ≤ θ · E[X],   X ~ Binomial(n, p)
//! ```
//!
//! `p` is learnt from the campaign's own dials (its results table's share of connected
//! results, as if from 50 dials, and then each dial's outcome). θ is steered by stochastic
//! approximation so that the long-run share of live answers dropped is `drop_target`: after
//! each live answer, `ln θ += κ (target − d) / target`, where d is 1 if it was dropped and 0
//! if it talked (κ = 0.01). And the cap is kept over each measurement window: while one more
//! drop would put the window's abandoned rate above `max_drop_rate`, the dialer dials only
//! for ready agents (θ = 0, `n ≤ A` with no busy agents counted), as a progressive dialer
//! would. Dials are also bounded by `lines` per agent working the campaign, by its free
//! ports and by its hours.

use crate::engine::Ticks;
use crate::scenario::{Calendar, Campaign, DropWindow, ResultClass};

/// Prior weight of the results table's live-answer probability, in dials.
const PRIOR_DIALS: f64 = 50.0;
/// Step size of θ's stochastic approximation.
const GAIN: f64 = 0.01;
/// θ's bounds: dialing never stops altogether nor overdials without limit.
const THETA_MIN: f64 = 1e-4;
const THETA_MAX: f64 = 0.5;

/// A predictive campaign's pacing constants, from its scenario.
pub struct Pacing {
    /// The live-answer probability its results table gives.
    prior: f64,
    /// The chance an agent busy with the campaign is free within a live answer's ring.
    free_soon: f64,
    cap: f64,
    /// θ's factors after a live answer that talked and one that was dropped.
    up: f64,
    down: f64,
    /// θ's start: the target.
    theta: f64,
}

impl Pacing {
    pub fn new(c: &Campaign) -> Pacing {
        let d = &c.dialing;
        let prior: f64 = d
            .results
            .iter()
            .filter(|(r, _)| d.class(*r) == ResultClass::Connected)
            .map(|(_, p)| p)
            .sum();
        let ring = d
            .answer_after
            .mean()
            .min(crate::engine::secs_from_ticks(d.ring_timeout));
        let handle = c.talk.mean() + c.wrap_up.as_ref().map_or(0.0, |w| w.mean());
        let target = c.drop_target;
        Pacing {
            prior,
            free_soon: if handle > 0.0 {
                (ring / handle).min(1.0)
            } else {
                1.0
            },
            cap: c.max_drop_rate,
            up: GAIN.exp(),
            down: (GAIN * (target - 1.0) / target).exp(),
            theta: target.clamp(THETA_MIN, THETA_MAX),
        }
    }
}

/// A predictive campaign's pacing in one replication.
pub struct PacingState {
    theta: f64,
    /// Dials whose result is known, and the live answers among them.
    dials: u64,
    live: u64,
    /// The live-answer probability learnt so far (the prior's dials included).
    hit: f64,
    /// The current measurement window, and its live answers and drops so far.
    window: i64,
    window_live: u64,
    window_dropped: u64,
    /// Which window the times asked about fall in.
    clock: WindowClock,
}

impl PacingState {
    pub fn new(p: &Pacing) -> PacingState {
        PacingState {
            theta: p.theta,
            dials: 0,
            live: 0,
            hit: PRIOR_DIALS * p.prior / PRIOR_DIALS,
            window: 0,
            window_live: 0,
            window_dropped: 0,
            clock: WindowClock::new(),
        }
    }

    /// The measurement window of `kind` time `t` falls in.
    #[inline]
    pub fn window_at(&mut self, kind: DropWindow, calendar: &Calendar, t: Ticks) -> i64 {
        self.clock.at(kind, calendar, t)
    }

    /// A dial's result is known (in measurement window `window`): live or not.
    pub fn rang(&mut self, p: &Pacing, live: bool, window: i64) {
        self.dials += 1;
        self.live += u64::from(live);
        // Counts convert from i64, which x86 does in one instruction (u64 takes several).
        self.hit = (self.live as i64 as f64 + PRIOR_DIALS * p.prior)
            / (self.dials as i64 as f64 + PRIOR_DIALS);
        if live {
            self.enter(window);
            self.window_live += 1;
        }
    }

    /// A live answer talked with an agent (`dropped` false) or was dropped, in `window`.
    pub fn live_ended(&mut self, p: &Pacing, dropped: bool, window: i64) {
        let factor = if dropped { p.down } else { p.up };
        self.theta = (self.theta * factor).clamp(THETA_MIN, THETA_MAX);
        self.enter(window);
        self.window_dropped += u64::from(dropped);
    }

    fn enter(&mut self, window: i64) {
        if window != self.window {
            (self.window, self.window_live, self.window_dropped) = (window, 0, 0);
        }
    }

    /// Whether `n` dials may ring at once in `window` with `ready` agents free for the
    /// campaign and `busy` working for it.
    pub fn allows(&self, p: &Pacing, n: u32, (ready, busy): (f64, f64), window: i64) -> bool {
        let (live, dropped) = if window == self.window {
            (self.window_live, self.window_dropped)
        } else {
            (0, 0)
        };
        // One more drop would break the window's cap: dial only for agents ready now.
        if (dropped + 1) as i64 as f64 > p.cap * (live + 1) as i64 as f64 {
            return f64::from(n) <= ready;
        }
        let hit = self.hit;
        let agents = ready + busy * p.free_soon;
        expected_excess(n, hit, agents) <= self.theta * f64::from(n) * hit
    }
}

/// A campaign's measurement window of the times asked for, remembered with its bounds:
/// the dialer asks at every look, and windows last days.
struct WindowClock {
    window: i64,
    from: Ticks,
    until: Ticks,
}

impl WindowClock {
    fn new() -> WindowClock {
        // Empty: the first look works the window out.
        WindowClock {
            window: 0,
            from: 1,
            until: 0,
        }
    }

    /// The window of `kind` time `t` falls in, as `kind.of` gives it.
    #[inline]
    fn at(&mut self, kind: DropWindow, calendar: &Calendar, t: Ticks) -> i64 {
        if !(self.from <= t && t < self.until) {
            (self.window, self.from, self.until) = kind.span(calendar, t);
            debug_assert_eq!(self.window, kind.of(calendar, t));
        }
        self.window
    }
}

/// E[(X − a)⁺] for X ~ Binomial(n, p) and a ≥ 0: n·p − a + Σ_{x ≤ a} (a − x)·P(X = x), a
/// sum over the few values below the agents available rather than the many above.
pub fn expected_excess(n: u32, p: f64, a: f64) -> f64 {
    let n_f = f64::from(n);
    if a <= 0.0 {
        return n_f * p;
    }
    if p >= 1.0 || n_f <= a {
        // X ≤ n: with n at most a, no excess.
        return (n_f - a).max(0.0);
    }
    // The cast truncates: the floor of a positive `a` (without a call to libm's floor),
    // below n here.
    let top = a as i64 as u32;
    let odds = p / (1.0 - p);
    let mut pmf = powi(1.0 - p, n);
    let mut below = 0.0;
    for x in 0..=top {
        below += (a - f64::from(x)) * pmf;
        pmf *= f64::from(n - x) / f64::from(x + 1) * odds;
    }
    (n_f * p - a + below).max(0.0)
}

/// `x.powi(n)`, with the same products in the same order as the library routine (so the
/// same result), inlined rather than called.
#[inline]
fn powi(mut x: f64, mut n: u32) -> f64 {
    let mut r = 1.0;
    loop {
        if n & 1 == 1 {
            r *= x;
        }
        n >>= 1;
        if n == 0 {
            return r;
        }
        x *= x;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The window clock gives each time the window `DropWindow::of` gives it, across a
    /// 23-hour day (Copenhagen's spring forward) and 30-day periods, asked in any order.
    #[test]
    fn the_window_clock_agrees_with_the_windows() {
        let calendar = Calendar::new(
            "2026-03-20T10:00:00+01:00".parse().unwrap(),
            jiff::tz::db().get("Europe/Copenhagen").unwrap(),
        );
        const MINUTE: Ticks = 60 * crate::engine::TICKS_PER_SECOND;
        for kind in [DropWindow::Run, DropWindow::Day, DropWindow::ThirtyDays] {
            let mut clock = WindowClock::new();
            // Every 7 minutes for 40 days, then a few times back in the past.
            let times = (0..40 * 24 * 60 / 7)
                .map(|i| i * 7 * MINUTE)
                .chain([3 * MINUTE, 0, 1]);
            for t in times {
                assert_eq!(clock.at(kind, &calendar, t), kind.of(&calendar, t), "{t}");
            }
        }
    }

    #[test]
    fn the_inlined_power_is_the_library_s_to_the_bit() {
        for x in [0.0, 0.3, 0.5, 0.7, 0.999, 1.0, 1.7] {
            for n in 0..200 {
                assert_eq!(powi(x, n).to_bits(), x.powi(n as i32).to_bits(), "{x}^{n}");
            }
        }
    }

    /// E[(X − a)⁺] summed over the whole distribution.
    fn by_definition(n: u32, p: f64, a: f64) -> f64 {
        let mut pmf = vec![0.0; n as usize + 1];
        pmf[0] = 1.0;
        for _ in 0..n {
            for x in (0..=n as usize).rev() {
                pmf[x] = pmf[x] * (1.0 - p) + if x > 0 { pmf[x - 1] * p } else { 0.0 };
            }
        }
        pmf.iter()
            .enumerate()
            .map(|(x, q)| (x as f64 - a).max(0.0) * q)
            .sum()
    }

    #[test]
    fn the_expected_excess_sums_below_the_agents_as_the_definition_does_above() {
        for n in [1, 2, 5, 12, 40] {
            for p in [0.05, 0.3, 0.7] {
                for a in [0.0, 0.5, 1.0, 2.7, 6.0, 50.0] {
                    let (fast, slow) = (expected_excess(n, p, a), by_definition(n, p, a));
                    assert!(
                        (fast - slow).abs() < 1e-9,
                        "n {n} p {p} a {a}: {fast} vs {slow}"
                    );
                }
            }
        }
    }
}
