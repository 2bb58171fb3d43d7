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
//! # Decisions
//! Whether an interval meets a target is decided with statistics, not one sample: its figure
//! (a ratio of sums over replications) meets when its 99 % confidence interval lies above the
//! target, misses when it lies below. While an interval that matters is neither — its figure
//! is within noise of the target — the plan gets more replications (doubling, up to
//! `max_replications`); a plan with an interval still undecided at the cap is judged by the
//! point estimate, and the interval is reported as undecided. Each look at a figure is wrong
//! about its side of the target with probability at most 0.5 %, so a decision taken over the
//! at most five looks of the doubling is wrong with probability at most 2.5 % (Bonferroni),
//! and far less when the figure is not close to the target.
//!
//! Every plan is simulated with the same seeds (common random numbers): two plans that
//! differ in one interval see the same callers, so a count is compared with the next one on
//! paired replications, so that a count and the next one are not told apart by noise
//! from different callers. A plan extended with
//! more replications runs only the new ones: replication `r` is the same whichever run it is
//! part of.

use crate::engine::secs_from_ticks;
use crate::erlang::{erlang_c, fewest};
use crate::experiment::{self, RunOptions};
use crate::scenario::{PerInterval, Scenario, Staffing};
use crate::stats::{Estimate, INTERVAL_COLUMNS, RatioEstimator, finish_estimate, t_quantile};
use std::collections::HashMap;

/// A bound on an interval metric.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// A column of `intervals.csv`: service_level, abandon_rate, asa_s or p_wait.
    pub metric: String,
    pub bound: f64,
    /// `true`: at least `bound` (service level); `false`: at most.
    pub at_least: bool,
}

/// Where an interval's figure stands against a target, or against all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Meets,
    Misses,
    /// Within noise of the target.
    Unclear,
}

/// Two-sided level of the intervals decisions are taken on.
const DECISION_LEVEL: f64 = 0.99;

/// Replications needed before a figure that is the same in all of them counts as decided
/// (a share of counts is judged by how many were counted instead): had each call been within
/// the threshold with probability 0.8, thirty replications of at least one call would all be
/// at 100 % with probability 0.8³⁰ ≈ 0.1 %.
const MIN_UNANIMOUS: usize = 30;

impl Target {
    /// Where the figure `acc` accumulates stands against the target in an interval where
    /// `offered` contacts were offered (on average).
    fn verdict_of(&self, acc: &RatioEstimator, offered: f64) -> Verdict {
        let e = acc.estimate();
        let is_share_of_counts = INTERVAL_COLUMNS[self.column()].is_share_of_counts();
        match acc.share_at_bound(&e, DECISION_LEVEL) {
            // None (or all) of them in every replication, as many as a unanimous figure
            // needs: how many were counted decides too (Clopper–Pearson's interval, which the
            // reports give), so that a figure is never decided on a few calls.
            Some((low, high)) if is_share_of_counts && e.n >= MIN_UNANIMOUS => {
                self.judge(low, high)
            }
            _ => self.verdict(&e, offered),
        }
    }

    /// Where `e` stands against the target in an interval where `offered` contacts were
    /// offered (on average). An undefined figure constrains nothing only where there were
    /// no calls: with calls and nobody answered (ASA, or service level of answered calls
    /// undefined), the target is missed.
    fn verdict(&self, e: &Estimate, offered: f64) -> Verdict {
        if e.mean.is_nan() {
            return if offered == 0.0 {
                Verdict::Meets
            } else {
                Verdict::Misses
            };
        }
        let half = if e.n < 2 || e.ci_low.is_nan() {
            f64::INFINITY
        } else {
            // The reports' 95 % half width, rescaled to the decision level.
            let df = (e.n - 1) as f64;
            e.half_width() / t_quantile(0.975, df) * t_quantile(0.5 + DECISION_LEVEL / 2.0, df)
        };
        // Every replication alike (a quiet interval answered at once every time) says little
        // on a few replications: only from `MIN_UNANIMOUS` on is it taken as decided.
        let half = if half == 0.0 && e.n < MIN_UNANIMOUS {
            f64::INFINITY
        } else {
            half
        };
        self.judge(e.mean - half, e.mean + half)
    }

    /// Where a figure within [`low`, `high`] at the decision level stands.
    fn judge(&self, low: f64, high: f64) -> Verdict {
        let (clearly_good, clearly_bad) = if self.at_least {
            (low >= self.bound, high < self.bound)
        } else {
            (high <= self.bound, low > self.bound)
        };
        if clearly_good {
            Verdict::Meets
        } else if clearly_bad {
            Verdict::Misses
        } else {
            Verdict::Unclear
        }
    }

    /// Whether the point estimate meets the target (for figures left undecided).
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
pub fn column(name: &str) -> usize {
    INTERVAL_COLUMNS
        .iter()
        .position(|c| c.name() == name)
        .expect("an interval column")
}

/// What the search needs besides the scenario.
#[derive(Clone, Debug)]
pub struct StaffingRequest {
    /// The agent groups to staff, and what an agent-hour of each costs.
    pub groups: Vec<usize>,
    pub costs: Vec<f64>,
    pub targets: Vec<Target>,
    /// Seed, threads, and the replications every plan starts with.
    pub options: RunOptions,
    /// The most replications a plan gets while a decision is unclear.
    pub max_replications: u32,
}

impl StaffingRequest {
    /// The queues the groups serve, in order: those whose targets the plan must meet.
    pub fn queues(&self, s: &Scenario) -> Vec<usize> {
        let mut queues: Vec<usize> = self
            .groups
            .iter()
            .flat_map(|&g| s.agent_groups[g].queues.iter().copied())
            .collect();
        queues.sort_unstable();
        queues.dedup();
        queues
    }
}

/// An interval of the plan found and how it does.
#[derive(Clone, Debug)]
pub struct IntervalResult {
    pub interval: usize,
    /// For each queue the group serves: the queue and the estimates of the interval columns.
    pub queues: Vec<(usize, Vec<Estimate>)>,
    /// The figures were still within noise of a target at the replication cap (the plan
    /// was judged by the point estimate there).
    pub undecided: bool,
}

/// The plan found and how it does.
#[derive(Clone, Debug)]
pub struct StaffingPlan {
    /// Agents of each group staffed (in the request's order) in each interval (warm-up
    /// intervals keep the scenario's).
    pub agents: Vec<Vec<u32>>,
    /// Erlang C's answer for the same targets: agents for all the groups' queues together
    /// (the search starts each group from its own queues' answer).
    pub erlang_c: Vec<u32>,
    /// Each reported interval with the plan, on the replications that decided it.
    pub achieved: Vec<IntervalResult>,
    /// Replications the plan was decided on.
    pub replications: u32,
    /// Plans simulated, and replications simulated in all (the search's cost).
    pub evaluations: usize,
    pub replications_simulated: u64,
    /// The plan simulated again on as many replications with seeds the search never saw:
    /// reported intervals that still meet every target by the point estimate, that clearly
    /// miss one (by the 99 % CI), and all reported. The search fits its own seeds; this
    /// says how much.
    pub fresh_seeds: FreshSeedCheck,
}

/// How the plan does on fresh seeds (see [`StaffingPlan::fresh_seeds`]).
#[derive(Clone, Copy, Debug)]
pub struct FreshSeedCheck {
    pub meet: usize,
    pub clearly_miss: usize,
    pub intervals: usize,
}

/// Per reported interval and queue of the group, the accumulators of every interval column.
type Figures = Vec<Vec<(usize, [RatioEstimator; INTERVAL_COLUMNS.len()])>>;

/// A plan's figures so far, over the replications simulated.
struct Evaluation {
    replications: u32,
    acc: Figures,
}

impl Evaluation {
    fn estimates(&self) -> Vec<Vec<(usize, Vec<Estimate>)>> {
        self.acc
            .iter()
            .map(|queues| {
                queues
                    .iter()
                    .map(|(q, acc)| (*q, acc.iter().map(RatioEstimator::estimate).collect()))
                    .collect()
            })
            .collect()
    }

    /// Each reported interval's verdict on all targets in all the group's queues.
    fn verdicts(&self, targets: &[Target]) -> Vec<Verdict> {
        self.acc
            .iter()
            .map(|queues| {
                let mut verdict = Verdict::Meets;
                for (_, acc) in queues {
                    let offered = acc[column("offered")].estimate().mean;
                    for t in targets {
                        match t.verdict_of(&acc[t.column()], offered) {
                            Verdict::Misses => return Verdict::Misses,
                            Verdict::Unclear => verdict = Verdict::Unclear,
                            Verdict::Meets => {}
                        }
                    }
                }
                verdict
            })
            .collect()
    }

    /// Each reported interval's queues that miss a target by the point estimates.
    fn missed_by_estimate(&self, targets: &[Target]) -> Vec<Vec<usize>> {
        self.estimates()
            .iter()
            .map(|queues| {
                queues
                    .iter()
                    .filter(|(_, e)| {
                        let offered = e[column("offered")].mean;
                        !targets.iter().all(|t| t.met(e[t.column()].mean, offered))
                    })
                    .map(|(q, _)| *q)
                    .collect()
            })
            .collect()
    }
}

/// How a plan does once decided: per reported interval, whether it meets every target, the
/// queues that miss one, and whether that was left to the point estimate.
struct Decision {
    meets: Vec<bool>,
    missed: Vec<Vec<usize>>,
    undecided: Vec<bool>,
}

impl Decision {
    fn all_meet(&self) -> bool {
        self.meets.iter().all(|m| *m)
    }
}

/// The search's simulations: plans with the replications simulated so far.
struct Simulations<'a> {
    scenario: &'a Scenario,
    req: &'a StaffingRequest,
    plans: HashMap<Vec<u32>, Evaluation>,
    evaluations: usize,
    replications: u64,
    on_progress: &'a (dyn Fn(usize, u64) + Sync),
}

impl Simulations<'_> {
    /// Decides `plan`: simulates it (or more replications of it) until no interval is
    /// unclear, some interval clearly misses (the plan fails whatever the others do), or the
    /// replications reach the cap.
    fn decide(&mut self, plan: &[u32]) -> Result<Decision, String> {
        let targets = &self.req.targets;
        loop {
            if !self.plans.contains_key(plan) {
                let e = self.simulate(plan, 0, self.req.options.replications, None)?;
                self.plans.insert(plan.to_vec(), e);
            }
            let evaluation = &self.plans[plan];
            let verdicts = evaluation.verdicts(targets);
            let misses = verdicts.contains(&Verdict::Misses);
            let unclear = verdicts.contains(&Verdict::Unclear);
            let at_cap = evaluation.replications >= self.req.max_replications;
            if misses || !unclear || at_cap {
                let missed = evaluation.missed_by_estimate(targets);
                return Ok(Decision {
                    meets: verdicts
                        .iter()
                        .zip(&missed)
                        .map(|(v, missed)| match v {
                            Verdict::Meets => true,
                            Verdict::Misses => false,
                            Verdict::Unclear => missed.is_empty(),
                        })
                        .collect(),
                    missed,
                    undecided: verdicts.iter().map(|v| *v == Verdict::Unclear).collect(),
                });
            }
            let have = evaluation.replications;
            let more = have.min(self.req.max_replications - have);
            let previous = self.plans.remove(plan).expect("simulated above");
            let extended = self.simulate(plan, have, more, Some(previous))?;
            self.plans.insert(plan.to_vec(), extended);
        }
    }

    /// Simulates replications `first..first + count` of `plan`, adding them to `into`.
    fn simulate(
        &mut self,
        plan: &[u32],
        first: u32,
        count: u32,
        into: Option<Evaluation>,
    ) -> Result<Evaluation, String> {
        self.evaluations += usize::from(into.is_none());
        self.replications += u64::from(count);
        (self.on_progress)(self.evaluations, self.replications);
        let options = RunOptions {
            first_replication: first,
            replications: count,
            ..self.req.options.clone()
        };
        simulate_plan(self.scenario, self.req, &options, plan, into)
    }
}

/// Searches the plan for `req.groups` in `scenario`. `on_progress` hears the plans and
/// replications simulated so far.
///
/// With several groups, an interval that misses a target gets an agent of the cheapest group
/// serving a queue that misses it, and agents are taken away from the dearest group first:
/// a greedy search for a cheap plan, not a proof of the cheapest.
pub fn staff(
    scenario: &Scenario,
    req: &StaffingRequest,
    on_progress: &(dyn Fn(usize, u64) + Sync),
) -> Result<StaffingPlan, String> {
    let intervals = scenario.intervals();
    let first = scenario.first_reported_interval();
    let erlang: Vec<Vec<u32>> = req
        .groups
        .iter()
        .map(|&g| erlang_c_plan(scenario, req, &scenario.agent_groups[g].queues))
        .collect();
    // The plan as one vector: group i's count in interval k at i · intervals + k.
    let at = |i: usize, k: usize| i * intervals + k;
    let mut plan: Vec<u32> = Vec::with_capacity(req.groups.len() * intervals);
    for (i, &g) in req.groups.iter().enumerate() {
        let current = current_staffing(scenario, g);
        plan.extend((0..intervals).map(|k| if k < first { current[k] } else { erlang[i][k] }));
    }
    let mut sims = Simulations {
        scenario,
        req,
        plans: HashMap::new(),
        evaluations: 0,
        replications: 0,
        on_progress,
    };
    let ceilings: Vec<u32> = req
        .groups
        .iter()
        .map(|&g| max_agents(scenario, g))
        .collect();
    // Groups by cost: the cheapest is raised first, the dearest cut first.
    let mut by_cost: Vec<usize> = (0..req.groups.len()).collect();
    by_cost.sort_by(|&a, &b| req.costs[a].total_cmp(&req.costs[b]));

    // Phase 1: add agents where targets are missed until every interval meets them.
    let mut decision = sims.decide(&plan)?;
    while let Some(missed) = decision.meets.iter().position(|m| !m) {
        let mut raised = false;
        for (k, queues) in decision.missed.iter().enumerate() {
            if decision.meets[k] {
                continue;
            }
            // The cheapest group below its ceiling serving a queue that misses.
            let serves = |i: usize| {
                let group = &scenario.agent_groups[req.groups[i]];
                queues.is_empty() || queues.iter().any(|q| group.queues.contains(q))
            };
            if let Some(&i) = by_cost
                .iter()
                .find(|&&i| serves(i) && plan[at(i, first + k)] < ceilings[i])
            {
                plan[at(i, first + k)] += 1;
                raised = true;
            }
        }
        if !raised {
            let start = scenario.start
                + jiff::SignedDuration::from_micros(
                    ((first + missed) as u64 * scenario.interval) as i64,
                );
            return Err(format!(
                "no staffing up to the ceiling ({} agents) meets the targets in the interval starting {start}",
                ceilings
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        decision = sims.decide(&plan)?;
    }

    // Phase 2: take agents away while every interval still meets the targets: each
    // interval's fewest of each group (the dearest first) by bisection, holding the others;
    // passes repeat because a removal can make room elsewhere, until no single agent can go.
    loop {
        let mut removed = false;
        for k in first..intervals {
            for &i in by_cost.iter().rev() {
                let j = at(i, k);
                // plan[j] meets. Gallop down (1, 2, 4 … fewer) to a count that fails, then
                // bisect: a few runs when the plan is close, a logarithmic number when far.
                let before = plan[j];
                let (mut lo, mut hi) = (-1_i64, i64::from(before));
                let mut meets = |plan: &mut Vec<u32>, n: i64| -> Result<bool, String> {
                    plan[j] = n as u32;
                    Ok(sims.decide(plan)?.all_meet())
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
                plan[j] = hi as u32;
                removed |= plan[j] < before;
            }
        }
        if !removed {
            break;
        }
    }
    // The plan is one the search decided meets every target (phase 1's last, or an
    // accepted trial), so this is its decision again, from the cache.
    let decision = sims.decide(&plan)?;
    if let Some(i) = decision.meets.iter().position(|m| !m) {
        return Err(format!(
            "the plan found misses a target in interval {} on its own replications: please report this",
            first + i
        ));
    }
    let evaluation = &sims.plans[&plan];
    let replications = evaluation.replications;
    // As the reports give them (see `finish_estimate`).
    let metrics = INTERVAL_COLUMNS.map(Some);
    let achieved = evaluation
        .acc
        .iter()
        .zip(&decision.undecided)
        .enumerate()
        .map(|(i, (queues, &undecided))| IntervalResult {
            interval: first + i,
            queues: queues
                .iter()
                .map(|(q, acc)| {
                    let finished = acc
                        .iter()
                        .zip(metrics)
                        .map(|(acc, metric)| finish_estimate(metric, acc))
                        .collect();
                    (*q, finished)
                })
                .collect(),
            undecided,
        })
        .collect();
    let fresh = RunOptions {
        seed: req.options.seed.wrapping_add(0x9e37_79b9),
        replications,
        first_replication: 0,
        ..req.options.clone()
    };
    let check = simulate_plan(scenario, req, &fresh, &plan, None)?;
    let missed = check.missed_by_estimate(&req.targets);
    let fresh_seeds = FreshSeedCheck {
        meet: missed.iter().filter(|m| m.is_empty()).count(),
        clearly_miss: check
            .verdicts(&req.targets)
            .iter()
            .filter(|v| **v == Verdict::Misses)
            .count(),
        intervals: missed.len(),
    };
    Ok(StaffingPlan {
        agents: plan.chunks(intervals).map(<[u32]>::to_vec).collect(),
        erlang_c: erlang_c_plan(scenario, req, &req.queues(scenario)),
        achieved,
        replications,
        evaluations: sims.evaluations,
        replications_simulated: sims.replications + u64::from(replications),
        fresh_seeds,
    })
}

/// The scenario's own staffing of group `g`, per interval (0 for a group on shifts).
pub fn current_staffing(s: &Scenario, g: usize) -> Vec<u32> {
    let counts = s.agent_groups[g].staffing.counts();
    (0..s.intervals())
        .map(|k| counts.map_or(0, |c| c.get(k)))
        .collect()
}

/// Simulates `scenario` with the groups staffed by `plan`, with `options`' replications,
/// adding their figures to `into` (a plan's earlier replications).
fn simulate_plan(
    scenario: &Scenario,
    req: &StaffingRequest,
    options: &RunOptions,
    plan: &[u32],
    into: Option<Evaluation>,
) -> Result<Evaluation, String> {
    let mut s = scenario.clone();
    for (&g, counts) in req.groups.iter().zip(plan.chunks(s.intervals())) {
        s.agent_groups[g].staffing = Staffing::Counts(PerInterval::Values(counts.to_vec()));
    }
    let replications =
        experiment::interval_rows_in_memory(&s, options).map_err(|e| e.to_string())?;
    let first = s.first_reported_interval();
    let queues = req.queues(&s);
    let mut evaluation = into.unwrap_or_else(|| Evaluation {
        replications: 0,
        acc: vec![
            queues
                .iter()
                .map(|&q| (q, [RatioEstimator::default(); INTERVAL_COLUMNS.len()]))
                .collect();
            s.intervals() - first
        ],
    });
    for rows in replications {
        for (k, q, values) in rows {
            if let Some((_, acc)) = evaluation.acc[k - first].iter_mut().find(|(g, _)| *g == q) {
                for (a, v) in acc.iter_mut().zip(values) {
                    a.push(v);
                }
            }
        }
    }
    evaluation.replications += options.replications;
    Ok(evaluation)
}

/// Erlang C's agents per interval for `queues` and the targets (service level, ASA and
/// P(wait) bounds; Erlang C has no abandonment, so a bound on it asks only for a stable
/// queue). The queues are pooled: their calls add up, their handle times average by calls.
pub fn erlang_c_plan(s: &Scenario, req: &StaffingRequest, queues: &[usize]) -> Vec<u32> {
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
        .map(|&q| s.queues[q].arrivals.get(k) * s.queues[q].mean_work(k))
        .sum()
}

/// A generous upper bound on agents for an offered load: far beyond what it needs.
fn agents_ceiling(load: f64) -> u32 {
    (4.0 * load.ceil() + 50.0).min(f64::from(u32::MAX / 2)) as u32
}

/// The ceiling for any interval of group `g`.
fn max_agents(s: &Scenario, g: usize) -> u32 {
    let queues = &s.agent_groups[g].queues;
    let interval_s = secs_from_ticks(s.interval);
    (0..s.intervals())
        .map(|k| {
            let work = offered_work(s, queues, k);
            agents_ceiling(work / interval_s)
        })
        .max()
        .unwrap_or(50)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Ratio;

    fn estimate(mean: f64, half95: f64, n: usize) -> Estimate {
        Estimate {
            mean,
            ci_low: mean - half95,
            ci_high: mean + half95,
            n,
        }
    }

    /// A figure is decided only when its 99 % interval is on one side of the target: the
    /// 95 % half width 0.01 at n = 100 is 0.0131 at 99 %.
    #[test]
    fn verdicts_need_the_whole_interval_on_one_side() {
        let floor = Target {
            metric: "service_level".into(),
            bound: 0.8,
            at_least: true,
        };
        assert_eq!(
            floor.verdict(&estimate(0.814, 0.01, 100), 50.0),
            Verdict::Meets
        );
        assert_eq!(
            floor.verdict(&estimate(0.812, 0.01, 100), 50.0),
            Verdict::Unclear
        );
        assert_eq!(
            floor.verdict(&estimate(0.786, 0.01, 100), 50.0),
            Verdict::Misses
        );
        assert_eq!(
            floor.verdict(&estimate(0.79, 0.01, 1), 50.0),
            Verdict::Unclear
        );
        // All replications alike (no spread): the mean decides, from 30 replications on.
        assert_eq!(
            floor.verdict(&estimate(1.0, 0.0, 100), 50.0),
            Verdict::Meets
        );
        assert_eq!(
            floor.verdict(&estimate(1.0, 0.0, 10), 50.0),
            Verdict::Unclear
        );
        // A share of counts the same in every replication is judged on how many were
        // counted (Clopper–Pearson at 99 %), from 30 replications on: none abandoned of 300
        // allows up to 1.75 %, of 3 000 up to 0.18 %.
        let abandonment = Target {
            metric: "abandon_rate".into(),
            bound: 0.01,
            at_least: false,
        };
        let none_of = |calls: f64, n: usize| RatioEstimator::of(vec![Ratio::new(0.0, calls); n]);
        for (acc, verdict) in [
            (none_of(10.0, 30), Verdict::Unclear),
            (none_of(100.0, 30), Verdict::Meets),
            (none_of(1000.0, 10), Verdict::Unclear),
        ] {
            assert_eq!(abandonment.verdict_of(&acc, 1.0), verdict);
        }
        // Undefined: fine without calls, a miss with calls nobody was answered in.
        let nan = estimate(f64::NAN, f64::NAN, 100);
        assert_eq!(floor.verdict(&nan, 0.0), Verdict::Meets);
        assert_eq!(floor.verdict(&nan, 3.0), Verdict::Misses);
        let ceiling = Target {
            metric: "asa_s".into(),
            bound: 30.0,
            at_least: false,
        };
        assert_eq!(
            ceiling.verdict(&estimate(25.0, 2.0, 100), 50.0),
            Verdict::Meets
        );
        assert_eq!(
            ceiling.verdict(&estimate(29.0, 2.0, 100), 50.0),
            Verdict::Unclear
        );
        assert_eq!(
            ceiling.verdict(&estimate(33.0, 2.0, 100), 50.0),
            Verdict::Misses
        );
    }
}
