//! Staffing search: the fewest agents of a group in each interval so that every interval
//! meets the targets in simulation — with everything the scenario models.
//!
//! Interval-by-interval Erlang staffing ignores that a backlog in one interval spills into
//! the next, that callers abandon, that ports run short. So every candidate plan is
//! simulated whole. In the spirit of the iterative staffing algorithm (Feldman, Mandelbaum,
//! Massey & Whitt, 2008) the search starts from an analytic plan (Erlang C's, per interval)
//! and iterates on simulation: first it adds an agent to every interval that misses a
//! target until all meet them; then it takes agents away one interval at a time, keeping a
//! removal only if every interval still meets every target. The result is a plan from which
//! no single agent can be removed.
//!
//! A target is met when its mean over the replications meets it. Every plan is simulated
//! with the same seeds (common random numbers), so two plans are compared on the same
//! callers and the decisions do not flip with noise; more replications make the means, and
//! so the plan, closer to the long-run answer.

use crate::engine::secs_from_ticks;
use crate::erlang::{erlang_c, fewest};
use crate::experiment::{self, RunOptions};
use crate::scenario::{PerInterval, Scenario};
use crate::stats::{Estimate, INTERVAL_COLUMNS, MeanVariance};
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
    fn met(&self, value: f64) -> bool {
        // An undefined value (no calls in the interval) constrains nothing.
        value.is_nan()
            || if self.at_least {
                value >= self.bound
            } else {
                value <= self.bound
            }
    }

    fn column(&self) -> usize {
        INTERVAL_COLUMNS
            .iter()
            .position(|c| *c == self.metric)
            .expect("targets name interval columns")
    }
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
                scenario.agent_groups[req.group].staffing.get(k)
            } else {
                erlang[k]
            }
        })
        .collect();
    let mut evaluations = 0;
    let mut evaluate = |plan: &[u32]| -> Result<Evaluation, String> {
        evaluations += 1;
        on_evaluation(evaluations);
        evaluate(scenario, req, plan, scratch)
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

    // Phase 2: take agents away, interval by interval, while every interval still meets the
    // targets; repeat until no single agent can go.
    loop {
        let mut removed = false;
        for k in first..intervals {
            while plan[k] > 0 {
                plan[k] -= 1;
                let trial = evaluate(&plan)?;
                if trial.meets.iter().all(|m| *m) {
                    eval = trial;
                    removed = true;
                } else {
                    plan[k] += 1;
                    break;
                }
            }
        }
        if !removed {
            break;
        }
    }
    Ok(StaffingPlan {
        agents: plan,
        erlang_c: erlang,
        achieved: eval.achieved,
        evaluations,
    })
}

/// Simulates `scenario` with the group staffed by `plan`.
fn evaluate(
    scenario: &Scenario,
    req: &StaffingRequest,
    plan: &[u32],
    scratch: &Path,
) -> Result<Evaluation, String> {
    let mut s = scenario.clone();
    s.agent_groups[req.group].staffing = PerInterval::Values(plan.to_vec());
    let results = experiment::run(&s, &req.options, scratch, &|| {}).map_err(|e| e.to_string())?;
    let queues = &s.agent_groups[req.group].queues;
    let first = s.first_reported_interval();
    let mut acc: Vec<Vec<[MeanVariance; INTERVAL_COLUMNS.len()]>> =
        vec![
            vec![[MeanVariance::default(); INTERVAL_COLUMNS.len()]; s.queues.len()];
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
                per_queue[q].iter().map(MeanVariance::estimate).collect();
            meets[i] &= req
                .targets
                .iter()
                .all(|t| t.met(estimates[t.column()].mean));
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
            let work: f64 = queues
                .iter()
                .map(|&q| {
                    s.queues[q].arrivals.get(k)
                        * (s.queues[q].handle.mean()
                            + s.queues[q].wrap_up.as_ref().map_or(0.0, |w| w.mean()))
                })
                .sum();
            let aht = work / calls;
            let load = work / interval_s;
            let meets = |n: u32| {
                erlang_c(n, load, aht, threshold).is_some_and(|c| {
                    req.targets.iter().all(|t| match t.metric.as_str() {
                        "service_level" => t.met(c.service_level),
                        "asa_s" => t.met(c.asa),
                        "p_wait" => t.met(c.p_wait),
                        _ => true,
                    })
                })
            };
            fewest(100_000, meets).unwrap_or(100_000)
        })
        .collect()
}

/// A generous upper bound on agents in any interval: far beyond what the load needs.
fn max_agents(s: &Scenario, req: &StaffingRequest) -> u32 {
    let erlang = erlang_c_plan(s, req);
    let most = erlang.iter().copied().max().unwrap_or(0);
    (most * 4).max(most + 50)
}
