//! The contact center: callers, ports, queues and agents reacting to events.
//!
//! [`Model`] is the scenario compiled for simulation (samplers, rates, routing), built once
//! per run and shared by every replication; [`Model::simulate`] runs one replication and
//! reports what happened to a [`Recorder`](crate::stats::Recorder).

mod agents;
mod arrivals;
mod callbacks;
mod campaigns;
mod center;
mod contacts;
mod dial_list;
mod pacing;
mod queue;
mod roster;
mod routing;
mod sampler;
mod trace;

pub use agents::AgentState;
pub use contacts::Phase;
use routing::Routing;
pub use sampler::Sampler;

use crate::engine::{Stream, Ticks};
use crate::scenario::{
    Calendar, CallResult, CallbackPolicy, Campaign, DialOutcomes, PerInterval, ResultClass, Ring,
    Scenario,
};
use rand::Rng;

/// One queue, ready to simulate.
pub struct QueueModel {
    pub name: String,
    pub pool: Option<usize>,
    pub priority: i32,
    /// Expected arrivals per tick in each interval.
    pub rates: PerInterval<f64>,
    /// Samplers of a caller's durations, by the interval the caller arrives in.
    pub ivr: Option<PerInterval<Sampler>>,
    pub handle: PerInterval<Sampler>,
    pub wrap_up: Option<PerInterval<Sampler>>,
    pub patience: Option<PerInterval<Sampler>>,
    /// Groups that serve this queue.
    pub groups: Vec<usize>,
    pub callback: Option<CallbackModel>,
    /// Mean talk plus wrap-up the scenario expects: the wait estimator's starting point.
    pub expected_handle: Ticks,
}

/// A scenario's dial outcomes, ready to draw: a dial's result, and how long it rings.
pub struct DialModel {
    pub outcomes: DialOutcomes,
    answer_after: Sampler,
    /// Results with cumulative probabilities, and how long each rings.
    cumulative: Vec<(f64, CallResult, Ring)>,
}

impl DialModel {
    fn new(outcomes: &DialOutcomes) -> DialModel {
        let mut total = 0.0;
        DialModel {
            outcomes: outcomes.clone(),
            answer_after: Sampler::new(&outcomes.answer_after),
            cumulative: outcomes
                .results
                .iter()
                .map(|&(code, p)| {
                    total += p;
                    let rings = if outcomes.class(code) == ResultClass::Connected {
                        Ring::UntilAnswered
                    } else {
                        code.ring()
                    };
                    (total, code, rings)
                })
                .collect(),
        }
    }

    pub fn class(&self, result: CallResult) -> ResultClass {
        self.outcomes.class(result)
    }

    /// A dial's result (from `results`) and how long it rings before it is known: until
    /// someone picks up (`answer_after`, from `ring`, at most `ring_timeout`) for a result
    /// the scenario counts as connected or one that picks up (a machine, a fax); the full
    /// `ring_timeout` when nobody answers; `signal_after` for a network signal.
    pub fn draw(&self, results: &mut Stream, ring: &mut Stream) -> (CallResult, Ticks) {
        let u = results.random::<f64>();
        let last = self.cumulative.len() - 1;
        let (_, result, rings) = *self
            .cumulative
            .iter()
            .find(|(cumulative, ..)| u < *cumulative)
            .unwrap_or(&self.cumulative[last]);
        let o = &self.outcomes;
        let time = match rings {
            Ring::UntilAnswered => self.answer_after.sample(ring).min(o.ring_timeout),
            Ring::UntilTimeout => o.ring_timeout,
            Ring::UntilSignal => o.signal_after.min(o.ring_timeout),
        };
        (result, time)
    }
}

/// A queue's callback policy, ready to simulate.
pub struct CallbackModel {
    pub policy: CallbackPolicy,
    pub dial: DialModel,
}

/// An outbound campaign, ready to simulate.
pub struct CampaignModel {
    pub campaign: Campaign,
    pub preview: Option<Sampler>,
    pub talk: Sampler,
    pub wrap_up: Option<Sampler>,
    pub dial: DialModel,
    /// Predictive mode's pacing constants.
    pub pacing: Option<pacing::Pacing>,
    /// The list's records, from a file (`None`: a synthetic list).
    list: Option<dial_list::ListModel>,
    /// Manual mode's clock: the most agents its groups can have ready at once, and the
    /// mean ticks between calls were that many ready (the clock is thinned to the number
    /// ready: each ready agent calls at `manual_rate`).
    pub manual: Option<(u32, f64)>,
}

/// The most agents a group can have present at once: its largest count per interval, or
/// every shift pattern's head count twice over (a day's shift and the next's may meet).
fn most_agents(g: &crate::scenario::AgentGroup) -> u32 {
    match &g.staffing {
        crate::scenario::Staffing::Counts(PerInterval::Constant(n)) => *n,
        crate::scenario::Staffing::Counts(PerInterval::Values(v)) => {
            v.iter().copied().max().unwrap_or(0)
        }
        crate::scenario::Staffing::Shifts(shifts) => shifts.iter().map(|s| 2 * s.count).sum(),
    }
}

impl CampaignModel {
    /// Campaign `k` of scenario `s`.
    fn new(s: &Scenario, k: usize) -> CampaignModel {
        let (c, calendar) = (&s.campaigns[k], s.calendar());
        CampaignModel {
            list: c
                .list
                .as_ref()
                .map(|records| dial_list::ListModel::new(records, &calendar)),
            campaign: c.clone(),
            preview: c.preview.as_ref().map(Sampler::new),
            talk: Sampler::new(&c.talk),
            wrap_up: c.wrap_up.as_ref().map(Sampler::new),
            dial: DialModel::new(&c.dialing),
            pacing: (c.mode == crate::scenario::DialMode::Predictive)
                .then(|| pacing::Pacing::new(s, k)),
            manual: (c.mode == crate::scenario::DialMode::Manual).then(|| {
                let most: u32 = c
                    .groups
                    .iter()
                    .map(|&g| most_agents(&s.agent_groups[g]))
                    .sum();
                let rate = c.manual_rate * f64::from(most.max(1));
                (most, crate::engine::TICKS_PER_SECOND as f64 / rate)
            }),
        }
    }
}

pub struct GroupModel {
    /// Talk-time factor for each queue (1 where the group does not serve it).
    pub handle_factor: Vec<f64>,
    pub answer_after: Option<Sampler>,
    pub rona_timeout: Ticks,
    pub rona_not_ready: Ticks,
    pub not_ready: Option<AuxModel>,
}

impl GroupModel {
    /// The talk time of a contact of queue `q` whose caller would talk `handle` with an
    /// agent at the queue's usual pace.
    pub fn talk_time(&self, q: usize, handle: Ticks) -> Ticks {
        let factor = self.handle_factor[q];
        if factor == 1.0 {
            handle
        } else {
            (handle as f64 * factor) as Ticks
        }
    }
}

/// A group's aux periods, ready to sample.
pub struct AuxModel {
    pub every: Sampler,
    pub length: Sampler,
}

/// A scenario compiled for simulation.
pub struct Model {
    pub queues: Vec<QueueModel>,
    pub groups: Vec<GroupModel>,
    pub pool_sizes: Vec<u32>,
    pub routing: Routing,
    pub campaigns: Vec<CampaignModel>,
    /// For each group, the campaigns it works (in scenario order).
    pub group_campaigns: Vec<Vec<usize>>,
    /// For each port pool, whether a campaign dials on it.
    pub pool_campaigns: Vec<bool>,
    /// The scenario's clock: campaign hours are its times.
    pub calendar: Calendar,
    /// Whether any group talks at another pace than its queues' (`handle_factor`).
    pub handle_factors: bool,
    /// The scenario itself: the roster and the scheduled callback requests read it.
    pub scenario: Scenario,
    pub interval: Ticks,
    pub intervals: usize,
    pub duration: Ticks,
    pub drain_limit: Ticks,
    pub seed: u64,
}

impl Model {
    pub fn new(s: &Scenario) -> Model {
        let queues = s
            .queues
            .iter()
            .enumerate()
            .map(|(qi, q)| QueueModel {
                name: q.name.clone(),
                pool: q.port_pool,
                priority: q.priority,
                rates: q.arrivals.map(|c| c / s.interval as f64),
                ivr: q.ivr.as_ref().map(|d| d.map_ref(Sampler::new)),
                handle: q.handle.map_ref(Sampler::new),
                wrap_up: q.wrap_up.as_ref().map(|d| d.map_ref(Sampler::new)),
                patience: q.patience.as_ref().map(|d| d.map_ref(Sampler::new)),
                callback: q.callback.as_ref().map(|policy| CallbackModel {
                    policy: policy.clone(),
                    dial: DialModel::new(&policy.dialing),
                }),
                expected_handle: crate::engine::ticks_from_secs(q.mean_work(0)),
                groups: (0..s.agent_groups.len())
                    .filter(|&g| s.agent_groups[g].queues.contains(&qi))
                    .collect(),
            })
            .collect();
        let groups = s
            .agent_groups
            .iter()
            .map(|g| GroupModel {
                handle_factor: (0..s.queues.len())
                    .map(|q| {
                        g.queues
                            .iter()
                            .position(|&sq| sq == q)
                            .map_or(1.0, |i| g.handle_factors[i])
                    })
                    .collect(),
                answer_after: g.answer_after.as_ref().map(Sampler::new),
                rona_timeout: g.rona_timeout,
                rona_not_ready: g.rona_not_ready,
                not_ready: g.not_ready.as_ref().map(|nr| AuxModel {
                    every: Sampler::new(&nr.every),
                    length: Sampler::new(&nr.length),
                }),
            })
            .collect();
        Model {
            queues,
            groups,
            pool_sizes: s.port_pools.iter().map(|p| p.ports).collect(),
            routing: Routing::new(s),
            campaigns: (0..s.campaigns.len())
                .map(|k| CampaignModel::new(s, k))
                .collect(),
            group_campaigns: (0..s.agent_groups.len())
                .map(|g| {
                    (0..s.campaigns.len())
                        .filter(|&k| s.campaigns[k].groups.contains(&g))
                        .collect()
                })
                .collect(),
            pool_campaigns: (0..s.port_pools.len())
                .map(|p| s.campaigns.iter().any(|c| c.port_pool == Some(p)))
                .collect(),
            calendar: s.calendar(),
            handle_factors: s
                .agent_groups
                .iter()
                .any(|g| g.handle_factors.iter().any(|&f| f != 1.0)),
            scenario: s.clone(),
            interval: s.interval,
            intervals: s.intervals(),
            duration: s.duration,
            drain_limit: s.drain_limit,
            seed: s.seed,
        }
    }

    /// The interval time `t` lies in (the last one for times after the simulation), whose
    /// laws a contact that arrives at `t` draws from.
    #[inline]
    pub fn interval_of(&self, t: Ticks) -> usize {
        ((t / self.interval) as usize).min(self.intervals - 1)
    }
}
