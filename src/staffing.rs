//! Staffing search: the fewest agents of a group in each interval so that every interval
//! meets the targets in simulation — with everything the scenario models.
//!
//! Interval-by-interval Erlang staffing ignores that a backlog in one interval spills into
//! the next, that callers abandon, that ports run short. So every candidate plan is
//! simulated whole. In the spirit of the iterative staffing algorithm (Feldman, Mandelbaum,
//! Massey & Whitt, 2008) the search starts from an analytic plan (Erlang C's, per interval)
//! and iterates on simulation: first it adds an agent to every interval that misses a
//! target until all meet them; then, interval by interval, it finds by bisection the fewest
//! agents with which every interval still meets every target, and repeats until no single
//! agent can be removed.
//!
//! A target is met when its mean over the replications meets it. Every plan is simulated
//! with the same seeds (common random numbers), so two plans are compared on the same
//! callers and the decisions do not flip with noise; more replications make the means, and
//! so the plan, closer to the long-run answer.

use crate::engine::secs_from_ticks;
use crate::erlang::{erlang_c, fewest};
use crate::experiment::{self, RunOptions};
use crate::scenario::{PerInterval, Scenario, Staffing};
use crate::stats::{Estimate, INTERVAL_COLUMNS, RatioEstimator};
use std::path::Path;

/// A bound on an interval metric.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// A column of `intervals.csv`: service_level, abandon_rate, asa_s or p_wait.
    pub metric: String,
    pub bound: f64,
    /// `true`: at least `bound` (service level); `false`: at most.
    pub at_least: bool,
}

impl Target {
    /// Whether `value` meets the target in an interval where `offered` contacts were
    /// offered (on average). Undefined values constrain nothing only where there were no
    /// calls: with calls and nobody answered (ASA, or service level of answered calls
    /// undefined), the target is missed.
    fn met(&self, value: f64, offered: f64) -> bool {
        if value.is_nan() {
            return offered == 0.0;
        }
        if self.at_least {
            value >= self.bound
        } else {
            value <= self.bound
        }
    }

    fn column(&self) -> usize {
        column(&self.metric)
    }
}

/// Position of an `intervals.csv` column.
fn column(name: &str) -> usize {
    INTERVAL_COLUMNS
        .iter()
        .position(|c| *c == name)
        .expect("an interval column")
}

/// What the search needs besides the scenario.
#[derive(Clone, Debug)]
pub struct StaffingRequest {
    pub group: usize,
    pub targets: Vec<Target>,
    pub options: RunOptions,
}

/// The plan found and how it does.
#[derive(Clone, Debug)]
pub struct StaffingPlan {
    /// Agents of the group in each interval (warm-up intervals keep the scenario's).
    pub agents: Vec<u32>,
    /// Erlang C's answer for the same targets, interval by interval.
    pub erlang_c: Vec<u32>,
    /// For each reported interval and each queue the group serves: (interval, queue,
    /// estimates of the interval columns).
    pub achieved: Vec<(usize, usize, Vec<Estimate>)>,
    /// Plans simulated.
    pub evaluations: usize,
    /// The plan simulated again on seeds the search never saw: intervals that still meet
    /// every target, of those reported. The search fits its own seeds; this says how much.
    pub fresh_seed_meets: (usize, usize),
}

/// How one plan did: per reported interval, whether every target held in every queue of
/// the group; and the estimates behind that.
struct Evaluation {
    meets: Vec<bool>,
    achieved: Vec<(usize, usize, Vec<Estimate>)>,
}

/// Searches the plan for `req.group` in `scenario`.
pub fn staff(
    scenario: &Scenario,
    req: &StaffingRequest,
    scratch: &Path,
    on_evaluation: &(dyn Fn(usize) + Sync),
) -> Result<StaffingPlan, String> {
    let intervals = scenario.intervals();
    let first = scenario.first_reported_interval();
    let erlang = erlang_c_plan(scenario, req);
    let mut plan: Vec<u32> = (0..intervals)
        .map(|k| {
            if k < first {
                scenario.agent_groups[req.group]
                    .staffing
                    .counts()
                    .map_or(0, |c| c.get(k))
            } else {
                erlang[k]
            }
        })
        .collect();
    let mut evaluations = 0;
    let mut evaluate = |plan: &[u32]| -> Result<Evaluation, String> {
        evaluations += 1;
        on_evaluation(evaluations);
        evaluate_plan(scenario, req, plan, scratch)
    };

    // Phase 1: add agents where targets are missed until every interval meets them.
    let ceiling: u32 = max_agents(scenario, req);
    let mut eval = evaluate(&plan)?;
    while let Some(missed) = eval.meets.iter().position(|m| !m) {
        let mut raised = false;
        for (k, meets) in eval.meets.iter().enumerate() {
            if !meets && plan[first + k] < ceiling {
                plan[first + k] += 1;
                raised = true;
            }
        }
        if !raised {
            let start = scenario.start
                + jiff::SignedDuration::from_micros(
                    ((first + missed) as u64 * scenario.interval) as i64,
                );
            return Err(format!(
                "no staffing up to {ceiling} agents meets the targets in the interval starting {start}"
            ));
        }
        eval = evaluate(&plan)?;
    }

    // Phase 2: take agents away while every interval still meets the targets: each
    // interval's fewest by bisection (more agents never hurt), holding the others; passes
    // repeat because a removal can make room elsewhere, until no single agent can go.
    loop {
        let mut removed = false;
        for k in first..intervals {
            // plan[k] meets. Gallop down (1, 2, 4 … fewer) to a count that fails, then bisect:
            // a few runs when the plan is close, a logarithmic number when it is far.
            let before = plan[k];
            let (mut lo, mut hi) = (-1_i64, i64::from(before));
            let mut meets = |plan: &mut Vec<u32>, n: i64| -> Result<bool, String> {
                plan[k] = n as u32;
                let trial = evaluate(plan)?;
                let ok = trial.meets.iter().all(|m| *m);
                if ok {
                    // `eval` describes the plan as it stands.
                    eval = trial;
                }
                Ok(ok)
            };
            let mut step = 1;
            while hi - step > lo {
                if meets(&mut plan, hi - step)? {
                    hi -= step;
                    step *= 2;
                } else {
                    lo = hi - step;
                    break;
                }
            }
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if meets(&mut plan, mid)? {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            plan[k] = hi as u32;
            removed |= plan[k] < before;
        }
        if !removed {
            break;
        }
    }
    let fresh = StaffingRequest {
        options: RunOptions {
            seed: req.options.seed.wrapping_add(0x9e37_79b9),
            ..req.options.clone()
        },
        ..req.clone()
    };
    let check = evaluate_plan(scenario, &fresh, &plan, scratch)?;
    let fresh_seed_meets = (
        check.meets.iter().filter(|m| **m).count(),
        check.meets.len(),
    );
    Ok(StaffingPlan {
        agents: plan,
        erlang_c: erlang,
        achieved: eval.achieved,
        evaluations,
        fresh_seed_meets,
    })
}

/// Simulates `scenario` with the group staffed by `plan`.
fn evaluate_plan(
    scenario: &Scenario,
    req: &StaffingRequest,
    plan: &[u32],
    scratch: &Path,
) -> Result<Evaluation, String> {
    let mut s = scenario.clone();
    s.agent_groups[req.group].staffing = Staffing::Counts(PerInterval::Values(plan.to_vec()));
    let results = experiment::run(&s, &req.options, scratch, &|| {}).map_err(|e| e.to_string())?;
    let queues = &s.agent_groups[req.group].queues;
    let first = s.first_reported_interval();
    let mut acc: Vec<Vec<[RatioEstimator; INTERVAL_COLUMNS.len()]>> =
        vec![
            vec![[RatioEstimator::default(); INTERVAL_COLUMNS.len()]; s.queues.len()];
            s.intervals() - first
        ];
    for reader in results.interval_rows().map_err(|e| e.to_string())? {
        for row in reader {
            let (k, q, values) = row.map_err(|e| e.to_string())?;
            for (a, v) in acc[k - first][q].iter_mut().zip(values) {
                a.push(v);
            }
        }
    }
    let mut meets = vec![true; acc.len()];
    let mut achieved = Vec::new();
    for (i, per_queue) in acc.iter().enumerate() {
        for &q in queues {
            let estimates: Vec<Estimate> =
                per_queue[q].iter().map(RatioEstimator::estimate).collect();
            let offered = estimates[column("offered")].mean;
            meets[i] &= req
                .targets
                .iter()
                .all(|t| t.met(estimates[t.column()].mean, offered));
            achieved.push((first + i, q, estimates));
        }
    }
    Ok(Evaluation { meets, achieved })
}

/// Erlang C's agents per interval for the targets (service level, ASA and P(wait) bounds;
/// Erlang C has no abandonment, so a bound on it asks only for a stable queue). The group's
/// queues are pooled: their calls add up, their handle times average by calls.
pub fn erlang_c_plan(s: &Scenario, req: &StaffingRequest) -> Vec<u32> {
    let queues = &s.agent_groups[req.group].queues;
    let interval_s = secs_from_ticks(s.interval);
    let threshold = secs_from_ticks(s.service_level.threshold);
    (0..s.intervals())
        .map(|k| {
            let calls: f64 = queues.iter().map(|&q| s.queues[q].arrivals.get(k)).sum();
            if calls == 0.0 {
                return 0;
            }
            let work = offered_work(s, queues, k);
            let aht = work / calls;
            let load = work / interval_s;
            let meets = |n: u32| {
                erlang_c(n, load, aht, threshold).is_some_and(|c| {
                    req.targets.iter().all(|t| match t.metric.as_str() {
                        "service_level" => t.met(c.service_level, calls),
                        "asa_s" => t.met(c.asa, calls),
                        "p_wait" => t.met(c.p_wait, calls),
                        _ => true,
                    })
                })
            };
            let ceiling = agents_ceiling(load);
            fewest(ceiling, meets).unwrap_or(ceiling)
        })
        .collect()
}

/// Seconds of work (talk plus wrap-up) the calls of `queues` bring in interval `k`.
fn offered_work(s: &Scenario, queues: &[usize], k: usize) -> f64 {
    queues
        .iter()
        .map(|&q| s.queues[q].arrivals.get(k) * s.queues[q].mean_work())
        .sum()
}

/// A generous upper bound on agents for an offered load: far beyond what it needs.
fn agents_ceiling(load: f64) -> u32 {
    (4.0 * load.ceil() + 50.0).min(f64::from(u32::MAX / 2)) as u32
}

/// The ceiling for any interval of the group.
fn max_agents(s: &Scenario, req: &StaffingRequest) -> u32 {
    let queues = &s.agent_groups[req.group].queues;
    let interval_s = secs_from_ticks(s.interval);
    (0..s.intervals())
        .map(|k| {
            let work = offered_work(s, queues, k);
            agents_ceiling(work / interval_s)
        })
        .max()
        .unwrap_or(50)
}
