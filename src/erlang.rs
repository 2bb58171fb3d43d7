//! Analytic queueing formulas: Erlang B (loss), C (M/M/n) and A (M/M/n+M, abandonment).
//!
//! These are the theory the simulation is checked against, and a calculator planners can
//! put beside a simulation run (`ccsim erlang`).

use statrs::function::gamma::ln_gamma;

/// Erlang B: the probability that an arrival finds all `servers` busy, offered `load` Erlangs
/// (M/G/n/n; insensitive to the holding-time distribution).
pub fn erlang_b(servers: u32, load: f64) -> f64 {
    // The stable recursion B(k) = A·B(k−1) / (k + A·B(k−1)).
    (1..=servers).fold(1.0, |b, k| load * b / (f64::from(k) + load * b))
}

/// Results of Erlang C (M/M/n, no abandonment).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ErlangC {
    /// Probability that a call waits at all.
    pub p_wait: f64,
    /// Probability that a call waits at most the threshold.
    pub service_level: f64,
    /// Mean wait of all calls (zero waits included), seconds.
    pub asa: f64,
    pub occupancy: f64,
}

/// Erlang C for `agents` serving `load` Erlangs with mean handle time `aht` seconds and a
/// service-level threshold of `threshold` seconds; `None` when load ≥ agents (unstable).
pub fn erlang_c(agents: u32, load: f64, aht: f64, threshold: f64) -> Option<ErlangC> {
    let n = f64::from(agents);
    if load >= n {
        return None;
    }
    let b = erlang_b(agents, load);
    let p_wait = n * b / (n - load * (1.0 - b));
    Some(ErlangC {
        p_wait,
        service_level: 1.0 - p_wait * (-(n - load) * threshold / aht).exp(),
        asa: p_wait * aht / (n - load),
        occupancy: load / n,
    })
}

/// Results of Erlang A (M/M/n+M: exponential patience).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ErlangA {
    pub p_wait: f64,
    /// Share of offered calls that abandon.
    pub p_abandon: f64,
    /// Service level under each definition of DESIGN §3.
    pub sl_offered: f64,
    pub sl_answered: f64,
    pub sl_short_abandons_excluded: f64,
    pub sl_abandons_positive: f64,
    /// Mean wait of answered calls (zero waits included), seconds.
    pub asa_answered: f64,
    pub mean_wait_abandoned: f64,
    /// Mean wait of all offered calls.
    pub mean_wait_all: f64,
    pub occupancy: f64,
}

/// Inputs of Erlang A.
#[derive(Clone, Copy, Debug)]
pub struct ErlangAInput {
    pub agents: u32,
    /// Arrivals per second.
    pub arrival_rate: f64,
    /// Mean handle time, seconds.
    pub aht: f64,
    /// Mean patience, seconds.
    pub patience: f64,
    /// Service-level threshold, seconds.
    pub threshold: f64,
    /// Abandons within this many seconds are short.
    pub short_abandon: f64,
}

/// Erlang A, exactly: the stationary birth–death distribution (seen by arrivals, by PASTA)
/// and, for a caller who must wait, the absorbing chain of their place in queue (the callers
/// ahead leave by service at rate nμ or by abandoning at rate θ each; the caller abandons
/// at rate θ), solved by recursion for the means and by uniformization for P(W ≤ t).
pub fn erlang_a(input: ErlangAInput) -> ErlangA {
    let ErlangAInput {
        agents,
        arrival_rate: lambda,
        aht,
        patience,
        threshold,
        short_abandon,
    } = input;
    let n = agents as usize;
    let (mu, theta) = (1.0 / aht, 1.0 / patience);
    let nmu = n as f64 * mu;

    // log π_k up to a normalising constant, until the tail is negligible.
    let mut log_p = vec![0.0];
    let mut max_log: f64 = 0.0;
    loop {
        let k = log_p.len();
        let death = k.min(n) as f64 * mu + k.saturating_sub(n) as f64 * theta;
        let next = log_p[k - 1] + (lambda / death).ln();
        max_log = max_log.max(next);
        log_p.push(next);
        if k > n && next < max_log - 50.0 && next < log_p[k - 1] {
            break;
        }
    }
    let weights: Vec<f64> = log_p.iter().map(|l| (l - max_log).exp()).collect();
    let total: f64 = weights.iter().sum();
    let pi: Vec<f64> = weights.iter().map(|w| w / total).collect();
    let p_wait: f64 = pi[n.min(pi.len())..].iter().sum();

    // A waiting caller with j callers ahead: rate r_j = nμ + jθ of moving up (served at j = 0),
    // θ of abandoning. a_j = P(served), m_j = E[W; served], b_m_j = E[W; abandoned].
    let ahead: Vec<f64> = pi[n..]
        .iter()
        .map(|p| p / p_wait.max(f64::MIN_POSITIVE))
        .collect();
    let (mut a_prev, mut m_prev, mut q_prev) = (1.0, 0.0, 0.0);
    let (mut served, mut wait_served, mut wait_abandoned) = (0.0, 0.0, 0.0);
    for (j, &w) in ahead.iter().enumerate() {
        let r = nmu + j as f64 * theta;
        let out = r + theta;
        let a = r / out * a_prev;
        let m = a / out + r / out * m_prev;
        let q = (1.0 - a) / out + r / out * q_prev;
        served += w * a;
        wait_served += w * m;
        wait_abandoned += w * q;
        (a_prev, m_prev, q_prev) = (a, m, q);
    }
    let p_abandon = p_wait * (1.0 - served);
    let (served_by_t, abandoned_by_t) = absorbed_by(&ahead, nmu, theta, threshold);
    let (_, abandoned_by_short) = absorbed_by(&ahead, nmu, theta, short_abandon);
    let answered_within = (1.0 - p_wait) + p_wait * served_by_t;
    let abandoned_within = p_wait * abandoned_by_t;
    let short_abandoned = p_wait * abandoned_by_short;
    ErlangA {
        p_wait,
        p_abandon,
        sl_offered: answered_within,
        sl_answered: answered_within / (1.0 - p_abandon),
        sl_short_abandons_excluded: answered_within / (1.0 - short_abandoned),
        sl_abandons_positive: answered_within + abandoned_within,
        asa_answered: p_wait * wait_served / (1.0 - p_abandon),
        mean_wait_abandoned: if p_abandon > 0.0 {
            p_wait * wait_abandoned / p_abandon
        } else {
            0.0
        },
        mean_wait_all: p_wait * (wait_served + wait_abandoned),
        occupancy: lambda * (1.0 - p_abandon) * aht / n as f64,
    }
}

/// For a waiting caller whose place is distributed as `ahead` (callers ahead), the
/// probabilities of having been served, and of having abandoned, within `t` seconds.
fn absorbed_by(ahead: &[f64], nmu: f64, theta: f64, t: f64) -> (f64, f64) {
    let jmax = ahead.len().saturating_sub(1);
    let big = nmu + jmax as f64 * theta + theta;
    let lt = big * t;
    let mut x = ahead.to_vec();
    let (mut served, mut abandoned) = (0.0, 0.0);
    let (mut acc_served, mut acc_abandoned, mut acc_weight) = (0.0, 0.0, 0.0);
    let steps = (lt + 12.0 * lt.sqrt() + 30.0) as usize;
    for m in 0..=steps {
        let weight = if lt == 0.0 {
            if m == 0 { 1.0 } else { 0.0 }
        } else {
            (-lt + m as f64 * lt.ln() - ln_gamma(m as f64 + 1.0)).exp()
        };
        acc_served += weight * served;
        acc_abandoned += weight * abandoned;
        acc_weight += weight;
        if 1.0 - acc_weight < 1e-13 {
            break;
        }
        // One uniformized step.
        let mut next = vec![0.0; x.len()];
        for (j, &p) in x.iter().enumerate() {
            if p == 0.0 {
                continue;
            }
            let r = nmu + j as f64 * theta;
            abandoned += p * theta / big;
            if j == 0 {
                served += p * r / big;
            } else {
                next[j - 1] += p * r / big;
            }
            next[j] += p * (1.0 - (r + theta) / big);
        }
        x = next;
    }
    (acc_served, acc_abandoned)
}

/// The fewest servers in 1..=`limit` for which `meets` holds, assuming it is monotone (once
/// met, met for more servers); `None` if even `limit` does not meet it.
pub fn fewest(limit: u32, meets: impl Fn(u32) -> bool) -> Option<u32> {
    if !meets(limit) {
        return None;
    }
    let (mut lo, mut hi) = (0, limit); // meets(hi), !meets(lo) (0 servers never meet)
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if meets(mid) { hi = mid } else { lo = mid }
    }
    Some(hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_b_small_case_by_hand() {
        // B(1, A) = A / (1 + A); B(2, 1) = 1/5.
        assert!((erlang_b(1, 2.0) - 2.0 / 3.0).abs() < 1e-15);
        assert!((erlang_b(2, 1.0) - 0.2).abs() < 1e-15);
    }

    #[test]
    fn erlang_a_with_patience_equal_to_aht_is_an_infinite_server_queue() {
        // With θ = μ the number in system is Poisson(load): P(wait) = P(Poisson(10) ≥ n).
        let load: f64 = 10.0;
        for n in [8u32, 10, 12] {
            let a = erlang_a(ErlangAInput {
                agents: n,
                arrival_rate: load / 180.0,
                aht: 180.0,
                patience: 180.0,
                threshold: 20.0,
                short_abandon: 20.0,
            });
            let below: f64 = (0..n)
                .map(|k| (-load + f64::from(k) * load.ln() - ln_gamma(f64::from(k) + 1.0)).exp())
                .sum();
            assert!((a.p_wait - (1.0 - below)).abs() < 1e-12, "n={n}");
        }
    }

    #[test]
    fn erlang_a_tends_to_erlang_c_as_patience_grows() {
        let c = erlang_c(12, 10.0, 180.0, 20.0).unwrap();
        let a = erlang_a(ErlangAInput {
            agents: 12,
            arrival_rate: 10.0 / 180.0,
            aht: 180.0,
            patience: 1e9,
            threshold: 20.0,
            short_abandon: 5.0,
        });
        assert!((a.p_wait - c.p_wait).abs() < 1e-6);
        assert!((a.sl_offered - c.service_level).abs() < 1e-6);
        assert!((a.asa_answered - c.asa).abs() < 1e-3);
    }

    #[test]
    fn fewest_finds_the_threshold() {
        assert_eq!(fewest(100, |n| n >= 37), Some(37));
        assert_eq!(fewest(100, |n| n >= 1), Some(1));
        assert_eq!(fewest(10, |n| n >= 11), None);
    }
}
