//! Predictive pacing: how many dials a predictive campaign keeps ringing.
//!
//! The dialer works for the campaign's agents as a pool. When something changes (an agent is
//! freed, a dial ends, a retry comes due) it counts the agents a live answer could go to
//! soon — `a` = the ready ones (beyond `idle_threshold`, less live answers already holding)
//! plus, for each agent talking or wrapping up for the campaign, the chance it is free
//! within a live answer's ring time `h` (`h / E[talk + wrap-up]`, at most 1: a renewal
//! process's first-order chance, a little above the exact 1 − e^(−h / E) of exponential
//! handle times). Inbound comes first, so callers who
//! arrive while the dials ring take ready agents before a live answer can: their number `Y`
//! is Poisson with mean `λ·h`, λ the arrival rate (this interval's) of the queues the
//! campaign's agents serve at once (at a skill level reached without waiting); the first
//! `idle_threshold` of them take the agents kept idle for them, the rest `W = (Y − T)⁺`
//! the agents the dialer counted. The dialer dials while the `n` dials then ringing, each
//! live with probability `p`, keep the expected share of live answers that find no agent
//! within the ratio θ:
//!
//! ```text
//! E[D] ≤ θ · E[X],   D = (X − (a − W)⁺)⁺,   X ~ Binomial(n, p)
//! ```
//!
//! (with no inbound, `W = 0` and `E[D] = E[(X − a)⁺]`). `p` is learnt from the campaign's
//! own dials (its results table's share of connected results, as if from 50 dials, and
//! then each dial's outcome). θ is steered by stochastic approximation so that the
//! long-run share of live answers dropped is `drop_target`: after each live answer,
//! `ln θ += κ (target − d) / target`, where d is 1 if it was dropped and 0 if it talked
//! (κ = 0.01). And the cap is kept over each measurement window: while one more drop would
//! put the window's abandoned rate above `max_drop_rate` (as each window starts, until
//! about 1 / `max_drop_rate` live answers have come), the dialer counts only the agents
//! ready now (no busy ones), places no more dials than them — a progressive dialer's "a
//! dial per ready agent" — and, where inbound may claim them, risks at most a twentieth of
//! the cap (θ = min(θ, `max_drop_rate` / 20)). With inbound every dial may meet a burst of
//! callers, so a guard risking nothing would place no dial at all while guarded; risking
//! cap / 20, a guarded stretch of the 1 / cap live answers it takes to make up one drop
//! sees a drop with probability about 1 − e^(−1/20) ≈ 5 % (an expected figure under the
//! model's Poisson arrivals and mean ring time, not a bound). Dials are also bounded by
//! `lines` per agent working the campaign, by its free ports and by its hours.

use crate::engine::Ticks;
use crate::scenario::{Calendar, Campaign, DropWindow, PerInterval, ResultClass, Scenario};

/// Prior weight of the results table's live-answer probability, in dials.
const PRIOR_DIALS: f64 = 50.0;
/// Step size of θ's stochastic approximation.
const GAIN: f64 = 0.01;
/// θ's bounds: dialing never stops altogether nor overdials without limit.
const THETA_MIN: f64 = 1e-4;
const THETA_MAX: f64 = 0.5;
/// The share of the cap a dial may risk while one more drop would break it.
const GUARD_SHARE: f64 = 0.05;
/// Inbound callers' Poisson probabilities below this (past the mean) are left out of the
/// claim: they change the expected drops by less than the sum's rounding.
const NEGLIGIBLE: f64 = 1e-17;

/// A predictive campaign's pacing constants, from its scenario.
pub struct Pacing {
    /// The live-answer probability its results table gives.
    prior: f64,
    /// The chance an agent busy with the campaign is free within a live answer's ring.
    free_soon: f64,
    /// For each interval, the inbound callers expected to claim the campaign's agents
    /// during a live answer's ring (`λ·h`); `None` when its agents serve no queue at once.
    claims: Option<PerInterval<f64>>,
    cap: f64,
    /// θ's factors after a live answer that talked and one that was dropped.
    up: f64,
    down: f64,
    /// θ's start: the target.
    theta: f64,
}

impl Pacing {
    /// Campaign `k` of scenario `s`.
    pub fn new(s: &Scenario, k: usize) -> Pacing {
        let c: &Campaign = &s.campaigns[k];
        let d = &c.dialing;
        let prior: f64 = d
            .results
            .iter()
            .filter(|(r, _)| d.class(*r) == ResultClass::Connected)
            .map(|(_, p)| p)
            .sum();
        // Until a live answer looks for an agent: its pickup, and detection's listening.
        let ring = d
            .answer_after
            .mean()
            .min(crate::engine::secs_from_ticks(d.ring_timeout))
            + c.amd
                .map_or(0.0, |amd| crate::engine::secs_from_ticks(amd.seconds));
        let handle = c.talk.mean() + c.wrap_up.as_ref().map_or(0.0, |w| w.mean());
        let inbound: Vec<_> = (0..s.queues.len())
            .filter(|&q| {
                c.groups.iter().any(|&g| {
                    s.agent_groups[g]
                        .level(q)
                        .is_some_and(|l| s.queues[q].overflow_wait(l) == 0)
                })
            })
            .collect();
        // The share of an interval a ring lasts: arrivals per interval to arrivals per ring.
        let ring_share = ring / crate::engine::secs_from_ticks(s.interval);
        let claim = |i: usize| {
            inbound
                .iter()
                .map(|&q| s.queues[q].arrivals.get(i))
                .sum::<f64>()
                * ring_share
        };
        let claims = if inbound.is_empty() {
            None
        } else if inbound
            .iter()
            .all(|&q| matches!(s.queues[q].arrivals, PerInterval::Constant(_)))
        {
            Some(PerInterval::Constant(claim(0)))
        } else {
            Some(PerInterval::Values((0..s.intervals()).map(claim).collect()))
        };
        let target = c.drop_target;
        Pacing {
            prior,
            free_soon: if handle > 0.0 {
                (ring / handle).min(1.0)
            } else {
                1.0
            },
            claims,
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
    /// Inbound arrivals during a ring, as last looked at.
    arrivals: Arrivals,
}

/// What the dialer may risk in one look at a campaign: the agents a live answer may find,
/// the ready agents kept idle for inbound, whether inbound claims them, the share of live
/// answers it may let find none, and whether it dials for the ready agents alone (the
/// cap's guard).
#[derive(Clone, Copy)]
pub struct Look {
    agents: f64,
    ratio: f64,
    hit: f64,
    reserve: u32,
    claimed: bool,
    guarded: bool,
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
            arrivals: Arrivals::new(),
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

    /// A look in `window` with `free` agents ready beyond those kept idle and `busy` working
    /// for the campaign; `reserve` ready agents are kept idle for inbound. `interval` gives
    /// the interval of the look (asked only when inbound's rates vary by interval).
    pub fn look(
        &mut self,
        p: &Pacing,
        (free, busy, reserve): (u32, u32, u32),
        interval: impl FnOnce() -> usize,
        window: i64,
    ) -> Look {
        let (live, dropped) = if window == self.window {
            (self.window_live, self.window_dropped)
        } else {
            (0, 0)
        };
        // One more drop would break the window's cap: count only the agents ready now.
        let guarded = (dropped + 1) as i64 as f64 > p.cap * (live + 1) as i64 as f64;
        let (agents, ratio) = if guarded {
            (f64::from(free), self.theta.min(p.cap * GUARD_SHARE))
        } else {
            (f64::from(free) + f64::from(busy) * p.free_soon, self.theta)
        };
        let claimed = match p.claims.as_ref().map(|c| match c {
            PerInterval::Constant(mean) => *mean,
            PerInterval::Values(means) => means[interval()],
        }) {
            Some(mean) if mean > 0.0 => {
                self.arrivals.enter(mean);
                true
            }
            _ => false,
        };
        Look {
            agents,
            ratio,
            hit: self.hit,
            reserve,
            claimed,
            guarded,
        }
    }

    /// Whether `look` allows `n` dials to ring at once. Inbound's claim is worked out only
    /// when it decides: it can only add drops, and at most E[W] of them (D ≤ (X − a)⁺ + W).
    #[inline]
    pub fn allows(&mut self, look: &Look, n: u32) -> bool {
        if look.guarded && f64::from(n) > look.agents {
            return false;
        }
        let allowed = look.ratio * f64::from(n) * look.hit;
        // E[(X − a)⁺] ≥ n·p − a: past the allowance already, the sum need not be made (its
        // value is n·p − a plus terms that are not negative, so the decision is the same).
        if f64::from(n) * look.hit - look.agents > allowed {
            return false;
        }
        let without = expected_excess(n, look.hit, look.agents);
        if without > allowed {
            return false;
        }
        if !look.claimed {
            return true;
        }
        let arrivals = &mut self.arrivals;
        without + arrivals.claim_mean(look.reserve) <= allowed
            || expected_drops(n, look.hit, look.agents, look.reserve, arrivals) <= allowed
    }
}

/// The law of Y, inbound callers arriving during a live answer's ring (Poisson of `mean`),
/// as partial sums: `sums[j]` = (P(Y ≤ j), E[Y; Y ≤ j]), extended as far as looks need
/// them, and no further than Y's probabilities matter.
struct Arrivals {
    mean: f64,
    /// ln P(Y = sums.len()), the next term's (in logs: e^(−mean) underflows past 708).
    log_next: f64,
    sums: Vec<(f64, f64)>,
    /// Set when the terms left are negligible: the sums stay at their last value.
    complete: bool,
}

impl Arrivals {
    /// Y = 0.
    fn new() -> Arrivals {
        Arrivals {
            mean: 0.0,
            log_next: 0.0,
            sums: Vec::new(),
            complete: false,
        }
    }

    /// Y of `mean`: the sums are kept while looks ask for the same law (across intervals
    /// of one rate too).
    fn enter(&mut self, mean: f64) {
        if mean != self.mean {
            self.mean = mean;
            self.log_next = -mean;
            self.sums.clear();
            self.complete = false;
        }
    }

    /// E[W] = E[(Y − T)⁺] = E[Y] − T + T·P(Y ≤ T) − E[Y; Y ≤ T].
    fn claim_mean(&mut self, reserve: u32) -> f64 {
        let (at_most, mean_part) = self.sums(reserve as usize);
        let t = f64::from(reserve);
        (self.mean - t + t * at_most - mean_part).max(0.0)
    }

    /// (P(Y ≤ j), E[Y; Y ≤ j]).
    #[inline]
    fn sums(&mut self, j: usize) -> (f64, f64) {
        while self.sums.len() <= j && !self.complete {
            let y = self.sums.len() as f64;
            let (at_most, mean_part) = self.sums.last().copied().unwrap_or((0.0, 0.0));
            let next = self.log_next.exp();
            self.sums.push((at_most + next, mean_part + y * next));
            // ln(mean / (y + 1)); −∞ for a mean of 0 (Y = 0), which ends the sums.
            self.log_next += (self.mean / (y + 1.0)).ln();
            self.complete = y + 1.0 > self.mean && self.log_next < NEGLIGIBLE.ln();
        }
        self.sums[j.min(self.sums.len() - 1)]
    }
}

/// E[(X − (a − W)⁺)⁺] for X ~ Binomial(n, p) and W = (Y − T)⁺, T = `reserve`, Y of
/// `arrivals`, independent: the expected live answers of n dials that find none of `a`
/// agents inbound left. It is n·p − h(0) + E[h(X)] with h(x) = E[(a − x − W)⁺], a sum over
/// the few values of X below the agents rather than the many above; and by parts, with
/// j = ⌊a⌋ − x + T, h(x) = (a − x + T)·P(Y ≤ j) − E[Y; Y ≤ j] + E[Y; Y ≤ T] − T·P(Y ≤ T),
/// a term for each x.
fn expected_drops(n: u32, p: f64, a: f64, reserve: u32, arrivals: &mut Arrivals) -> f64 {
    let n_f = f64::from(n);
    if a <= 0.0 {
        return n_f * p;
    }
    let (top, t) = (a as i64 as usize, f64::from(reserve));
    let (at_most_t, mean_part_t) = arrivals.sums(reserve as usize);
    let kept = mean_part_t - t * at_most_t;
    let mut h = |x: usize| {
        let (at_most, mean_part) = arrivals.sums(top - x + reserve as usize);
        (a - x as f64 + t) * at_most - mean_part + kept
    };
    let h0 = h(0);
    let below = if p >= 1.0 {
        if n as usize <= top {
            h(n as usize)
        } else {
            0.0
        }
    } else {
        let odds = p / (1.0 - p);
        let mut pmf = powi(1.0 - p, n);
        let mut below = 0.0;
        for x in 0..=top.min(n as usize) {
            below += h(x) * pmf;
            pmf *= f64::from(n - x as u32) / (x as f64 + 1.0) * odds;
        }
        below
    };
    (n_f * p - h0 + below).max(0.0)
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
fn expected_excess(n: u32, p: f64, a: f64) -> f64 {
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

    /// E[(X − (a − W)⁺)⁺] with W = (Y − reserve)⁺, Y ~ Poisson(mean), summed over both
    /// distributions by the definition.
    fn drops_by_definition(n: u32, p: f64, a: f64, mean: f64, reserve: u32) -> f64 {
        let x_pmf: Vec<f64> = (0..=n).map(|x| by_definition_pmf(n, p, x)).collect();
        let mut total = 0.0;
        let mut py = (-mean).exp();
        for y in 0..200u32 {
            let w = f64::from(y.saturating_sub(reserve));
            let left = (a - w).max(0.0);
            for (x, q) in x_pmf.iter().enumerate() {
                total += py * q * (x as f64 - left).max(0.0);
            }
            py *= mean / f64::from(y + 1);
        }
        total
    }

    fn by_definition_pmf(n: u32, p: f64, x: u32) -> f64 {
        let choose = (0..x).fold(1.0, |c, i| c * f64::from(n - i) / f64::from(i + 1));
        choose * p.powi(x as i32) * (1.0 - p).powi((n - x) as i32)
    }

    #[test]
    fn the_expected_drops_with_inbound_s_claim_are_those_of_the_definition() {
        for mean in [0.01, 0.5, 3.0, 20.0] {
            // One law for every look, its sums extended as the looks need them.
            let mut arrivals = Arrivals::new();
            arrivals.enter(mean);
            for a in [0.5, 1.0, 2.7, 6.0, 50.0] {
                for reserve in [0, 1, 3] {
                    for n in [1, 2, 5, 12, 40] {
                        for p in [0.05, 0.3, 0.7, 1.0] {
                            let fast = expected_drops(n, p, a, reserve, &mut arrivals);
                            let slow = drops_by_definition(n, p, a, mean, reserve);
                            assert!(
                                (fast - slow).abs() < 1e-9,
                                "n {n} p {p} a {a} mean {mean} reserve {reserve}: {fast} vs {slow}"
                            );
                        }
                    }
                }
            }
        }
    }

    /// The look's shortcuts (no inbound claim counted when even without it the dial is
    /// refused; at most E[W] more drops) decide as the exact expected drops do.
    #[test]
    fn a_look_decides_as_its_expected_drops_say() {
        let pacing = Pacing {
            prior: 0.3,
            free_soon: 0.1,
            claims: None,
            cap: 0.03,
            up: 1.0,
            down: 1.0,
            theta: 0.02,
        };
        for mean in [0.01, 0.5, 3.0] {
            for a in [0.5, 2.7, 6.0, 12.0] {
                for reserve in [0, 2] {
                    for ratio in [1e-3, 0.02, 0.3] {
                        for hit in [0.1, 0.3, 0.7] {
                            let mut state = PacingState::new(&pacing);
                            state.arrivals.enter(mean);
                            let look = Look {
                                agents: a,
                                ratio,
                                hit,
                                reserve,
                                claimed: true,
                                guarded: false,
                            };
                            for n in 1..30 {
                                let mut exact = Arrivals::new();
                                exact.enter(mean);
                                let drops = expected_drops(n, hit, a, reserve, &mut exact);
                                let allowed = ratio * f64::from(n) * hit;
                                assert_eq!(
                                    state.allows(&look, n),
                                    drops <= allowed,
                                    "n {n} a {a} mean {mean} reserve {reserve}: {drops} vs {allowed}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    /// While one more drop would break the cap (as a window starts), the dialer places no
    /// more dials than agents are ready beyond the threshold — with no inbound, however
    /// unlikely an excess live answer — and with inbound risks at most a twentieth of the
    /// cap; busy agents are not counted.
    #[test]
    fn the_cap_s_guard_dials_for_ready_agents_alone() {
        let mut pacing = Pacing {
            prior: 0.2,
            free_soon: 0.5,
            claims: None,
            cap: 0.01,
            up: 1.0,
            down: 1.0,
            theta: 0.3,
        };
        let mut state = PacingState::new(&pacing);
        let look = state.look(&pacing, (20, 10, 0), || 0, 0);
        assert!(look.guarded);
        assert!(state.allows(&look, 20));
        // 21 dials for 20 agents risk 0.2^21 of a drop: not dialed.
        assert!(!state.allows(&look, 21));
        // Inbound callers arrive at 0.5 per ring and nine dials in ten answer: 20 dials
        // would lose a live answer whenever a caller or two comes; 5 only if 16 callers
        // come within a ring.
        pacing.claims = Some(PerInterval::Constant(0.5));
        pacing.prior = 0.9;
        let mut state = PacingState::new(&pacing);
        let look = state.look(&pacing, (20, 10, 0), || 0, 0);
        assert!(state.allows(&look, 5));
        assert!(!state.allows(&look, 20));
        // Past the window's start, busy agents count and θ rules.
        state.window_live = 1000;
        let look = state.look(&pacing, (20, 10, 0), || 0, 0);
        assert!(!look.guarded && state.allows(&look, 30));
    }
}
