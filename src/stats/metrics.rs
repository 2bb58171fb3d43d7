//! The metrics every report uses: their names, what they are computed from, and which
//! direction is better.

use super::{Estimate, Ratio};
use crate::engine::{TickSum, Ticks, secs_from_tick_sum};
use crate::model::AgentState;
use crate::scenario::{Scenario, ServiceLevel, SlDefinition};

/// Contact counts and sums of one queue over an interval or a run. Contacts count in the
/// interval in which they arrived.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct QueueCounts {
    pub arrived: u64,
    pub blocked: u64,
    pub offered: u64,
    pub answered: u64,
    pub abandoned: u64,
    pub short_abandoned: u64,
    /// Offered contacts that waited at all (not answered on entry).
    pub waited: u64,
    pub answered_within: u64,
    pub abandoned_within: u64,
    /// Sums of waits, in ticks: integers, so totals are exact and independent of order, and
    /// wide enough that no number of contacts of any length overflows them.
    pub wait_answered: TickSum,
    pub wait_abandoned: TickSum,
    /// Talk plus wrap-up of answered contacts, ticks.
    pub handle: TickSum,
    pub waiting_at_end: u64,
    pub in_ivr_at_end: u64,
    /// Answered contacts still talking when the run was cut (run totals only).
    pub talking_at_end: u64,
    /// Callback offers made (a caller may be offered on entry and again after waiting).
    pub callbacks_offered: u64,
    /// Offers not made because the queue held its `max_queued` callbacks.
    pub callback_offers_withheld: u64,
    pub callbacks_accepted: u64,
    /// Scheduled requests that became due.
    pub callbacks_requested: u64,
    /// Connected callbacks: they are also in `answered` (and a scheduled request, which has
    /// no call of its own, in `offered` too).
    pub callbacks_connected: u64,
    /// Connected scheduled requests (in `offered`, though no caller called).
    pub requests_offered: u64,
    pub callbacks_expired: u64,
    /// Attempts exhausted, or a final result.
    pub callbacks_failed: u64,
    /// Scheduled requests that came due while the queue held its `max_queued` callbacks.
    pub callbacks_not_queued: u64,
    /// Attempts made by callbacks that ended (connected, expired or failed).
    pub callback_attempts: u64,
    /// Sum of due-to-connected waits of connected callbacks, ticks.
    pub callback_wait: TickSum,
    pub callbacks_pending_at_end: u64,
}

impl QueueCounts {
    pub fn add(&mut self, o: &QueueCounts) {
        self.arrived += o.arrived;
        self.blocked += o.blocked;
        self.offered += o.offered;
        self.answered += o.answered;
        self.abandoned += o.abandoned;
        self.short_abandoned += o.short_abandoned;
        self.waited += o.waited;
        self.answered_within += o.answered_within;
        self.abandoned_within += o.abandoned_within;
        self.wait_answered += o.wait_answered;
        self.wait_abandoned += o.wait_abandoned;
        self.handle += o.handle;
        self.waiting_at_end += o.waiting_at_end;
        self.in_ivr_at_end += o.in_ivr_at_end;
        self.talking_at_end += o.talking_at_end;
        self.callbacks_offered += o.callbacks_offered;
        self.callback_offers_withheld += o.callback_offers_withheld;
        self.callbacks_accepted += o.callbacks_accepted;
        self.callbacks_requested += o.callbacks_requested;
        self.callbacks_connected += o.callbacks_connected;
        self.requests_offered += o.requests_offered;
        self.callbacks_expired += o.callbacks_expired;
        self.callbacks_failed += o.callbacks_failed;
        self.callbacks_not_queued += o.callbacks_not_queued;
        self.callback_attempts += o.callback_attempts;
        self.callback_wait += o.callback_wait;
        self.callbacks_pending_at_end += o.callbacks_pending_at_end;
    }

    /// A callback connected to an agent: an answered contact of the queue, with the wait
    /// its caller had on the line (none for a scheduled request, which is offered now),
    /// within the threshold only when the queue credits callbacks.
    pub fn callback_answered(
        &mut self,
        line_wait: Ticks,
        handle: TickSum,
        scheduled: bool,
        credit: bool,
    ) {
        self.callbacks_connected += 1;
        self.offered += u64::from(scheduled);
        self.requests_offered += u64::from(scheduled);
        self.answered += 1;
        self.answered_within += u64::from(credit);
        self.wait_answered += TickSum::from(line_wait);
        self.handle += handle;
    }

    #[inline]
    pub fn answered(&mut self, wait: Ticks, handle: TickSum, sl: &ServiceLevel) {
        self.answered += 1;
        self.waited += u64::from(wait > 0);
        self.answered_within += u64::from(wait <= sl.threshold);
        self.wait_answered += TickSum::from(wait);
        self.handle += handle;
    }

    #[inline]
    pub fn abandoned(&mut self, wait: Ticks, sl: &ServiceLevel) {
        self.abandoned += 1;
        self.waited += u64::from(wait > 0);
        self.abandoned_within += u64::from(wait <= sl.threshold);
        self.short_abandoned += u64::from(wait <= sl.short_abandon);
        self.wait_abandoned += TickSum::from(wait);
    }

    /// Mean wait of answered contacts, seconds.
    pub fn asa(&self) -> Ratio {
        Ratio::new(secs_from_tick_sum(self.wait_answered), self.answered as f64)
    }

    /// Mean wait of answered and abandoned contacts, seconds.
    pub fn mean_wait(&self) -> Ratio {
        Ratio::new(
            secs_from_tick_sum(self.wait_answered + self.wait_abandoned),
            (self.answered + self.abandoned) as f64,
        )
    }

    /// Mean talk plus wrap-up of answered contacts, seconds.
    pub fn aht(&self) -> Ratio {
        Ratio::new(secs_from_tick_sum(self.handle), self.answered as f64)
    }

    /// Offered contacts that are callers (not scheduled requests): those that took a port.
    pub fn callers_offered(&self) -> u64 {
        self.offered - self.requests_offered
    }

    /// Offered contacts that waited.
    pub fn p_wait(&self) -> Ratio {
        Ratio::new(self.waited as f64, self.offered as f64)
    }

    pub fn abandon_rate(&self) -> Ratio {
        Ratio::new(self.abandoned as f64, self.offered as f64)
    }

    /// Mean attempts of callbacks that ended.
    pub fn callback_attempts_mean(&self) -> Ratio {
        let ended = self.callbacks_connected + self.callbacks_expired + self.callbacks_failed;
        Ratio::new(self.callback_attempts as f64, ended as f64)
    }

    /// Mean wait of connected callbacks from due to connection, seconds.
    pub fn callback_wait_mean(&self) -> Ratio {
        Ratio::new(
            secs_from_tick_sum(self.callback_wait),
            self.callbacks_connected as f64,
        )
    }

    /// Whether the service level under `definition` met `target` (1 or 0; NaN when it is
    /// undefined, with nothing to count): a replication is a day, so its mean over
    /// replications is the chance of meeting the target on a given day.
    pub fn met_target(&self, definition: SlDefinition, target: f64) -> Ratio {
        let sl = self.service_level(definition);
        Ratio::value(if sl.den == 0.0 {
            f64::NAN
        } else {
            f64::from(u8::from(sl.get() >= target))
        })
    }

    /// The service level under `definition`. Connected callbacks are answered contacts:
    /// within the threshold when their queue's policy says so, and otherwise not within it.
    pub fn service_level(&self, definition: SlDefinition) -> Ratio {
        let within = self.answered_within;
        let (num, den) = match definition {
            SlDefinition::Offered => (within, self.offered),
            SlDefinition::Answered => (within, self.answered),
            SlDefinition::ShortAbandonsExcluded => (within, self.offered - self.short_abandoned),
            SlDefinition::AbandonsPositive => (within + self.abandoned_within, self.offered),
        };
        Ratio::new(num as f64, den as f64)
    }
}

/// `num / den`, or NaN when `den` is zero (the metric is undefined, not zero).
#[inline]
pub fn ratio(num: f64, den: f64) -> f64 {
    if den == 0.0 { f64::NAN } else { num / den }
}

/// Whether a larger value is better, worse, or neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
    Neutral,
}

/// Every run-level metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    Offered,
    Blocked,
    Answered,
    Abandoned,
    ShortAbandoned,
    ServiceLevel,
    ServiceLevelTargetMet,
    PWait,
    AsaS,
    MeanWaitS,
    P50WaitS,
    P90WaitS,
    P95WaitS,
    AbandonRate,
    BlockRate,
    AhtS,
    QueueMean,
    WaitingAtEnd,
    InIvrAtEnd,
    TalkingAtEnd,
    CallbacksOffered,
    CallbackOffersWithheld,
    CallbacksAccepted,
    CallbacksRequested,
    CallbacksConnected,
    CallbacksExpired,
    CallbacksFailed,
    CallbacksNotQueued,
    CallbackAttempts,
    CallbackWaitS,
    CallbackWaitP90S,
    CallbacksPendingAtEnd,
    Occupancy,
    AgentsStaffed,
    AgentsScheduled,
    AgentsBusyMean,
    Handled,
    HandleTimeS,
    AgentMinutesReserved,
    AgentMinutesRefused,
    Shrinkage,
    Offers,
    Ronas,
    AgentMinutesRona,
    BreaksStarted,
    BreaksLate,
    BreakDelayS,
    PortUtilisation,
    PortsBusyMean,
    PortsBusyPeak,
    Seizures,
    PortHoldS,
    PortMinutesInbound,
    PortMinutesCallback,
    PortMinutesBilledOutbound,
}

impl Metric {
    pub fn name(self) -> &'static str {
        use Metric::*;
        match self {
            Offered => "offered",
            Blocked => "blocked",
            Answered => "answered",
            Abandoned => "abandoned",
            ShortAbandoned => "short_abandoned",
            ServiceLevel => "service_level",
            ServiceLevelTargetMet => "service_level_target_met",
            PWait => "p_wait",
            AsaS => "asa_s",
            MeanWaitS => "mean_wait_s",
            P50WaitS => "p50_wait_s",
            P90WaitS => "p90_wait_s",
            P95WaitS => "p95_wait_s",
            AbandonRate => "abandon_rate",
            BlockRate => "block_rate",
            AhtS => "aht_s",
            QueueMean => "queue_mean",
            WaitingAtEnd => "waiting_at_end",
            InIvrAtEnd => "in_ivr_at_end",
            TalkingAtEnd => "talking_at_end",
            CallbacksOffered => "callbacks_offered",
            CallbackOffersWithheld => "callback_offers_withheld",
            CallbacksAccepted => "callbacks_accepted",
            CallbacksRequested => "callbacks_requested",
            CallbacksConnected => "callbacks_connected",
            CallbacksExpired => "callbacks_expired",
            CallbacksFailed => "callbacks_failed",
            CallbacksNotQueued => "callbacks_not_queued",
            CallbackAttempts => "callback_attempts",
            CallbackWaitS => "callback_wait_s",
            CallbackWaitP90S => "callback_wait_p90_s",
            CallbacksPendingAtEnd => "callbacks_pending_at_end",
            AgentMinutesReserved => "agent_minutes_reserved",
            AgentMinutesRefused => "agent_minutes_refused",
            PortMinutesInbound => "port_minutes_inbound",
            PortMinutesCallback => "port_minutes_callback",
            PortMinutesBilledOutbound => "port_minutes_billed_outbound",
            Occupancy => "occupancy",
            AgentsStaffed => "agents_staffed",
            AgentsScheduled => "agents_scheduled",
            Shrinkage => "shrinkage",
            Offers => "offers",
            Ronas => "ronas",
            AgentMinutesRona => "agent_minutes_rona",
            BreaksStarted => "breaks_started",
            BreaksLate => "breaks_late",
            BreakDelayS => "break_delay_s",
            AgentsBusyMean => "agents_busy_mean",
            Handled => "handled",
            HandleTimeS => "handle_time_s",
            PortUtilisation => "port_utilisation",
            PortsBusyMean => "ports_busy_mean",
            PortsBusyPeak => "ports_busy_peak",
            Seizures => "seizures",
            PortHoldS => "port_hold_s",
        }
    }

    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::CONTACT
            .iter()
            .chain(&Metric::GROUP)
            .chain(&Metric::POOL)
            .copied()
            .find(|m| m.name() == name)
    }

    /// Whether the metric is a share (a fraction in [0, 1]).
    pub fn is_share(self) -> bool {
        use Metric::*;
        matches!(
            self,
            ServiceLevel
                | ServiceLevelTargetMet
                | PWait
                | AbandonRate
                | BlockRate
                | Occupancy
                | Shrinkage
                | PortUtilisation
        )
    }

    /// Whether a replication's value is 1 or 0 (it met the target or not): its estimate is
    /// the share of replications, with Wilson's interval.
    pub fn is_share_of_replications(self) -> bool {
        self == Metric::ServiceLevelTargetMet
    }

    /// Whether a replication's value is a ratio of two of its counts or sums (its estimate
    /// over replications is then the ratio of their sums), rather than a count, a time
    /// average or a percentile (estimated by the mean over replications).
    pub fn is_ratio(self) -> bool {
        use Metric::*;
        matches!(
            self,
            ServiceLevel
                | PWait
                | AsaS
                | MeanWaitS
                | AbandonRate
                | BlockRate
                | AhtS
                | CallbackAttempts
                | CallbackWaitS
                | Occupancy
                | HandleTimeS
                | Shrinkage
                | BreakDelayS
                | PortUtilisation
                | PortHoldS
        )
    }

    pub fn direction(self) -> Direction {
        use Metric::*;
        match self {
            ServiceLevel | ServiceLevelTargetMet => Direction::HigherIsBetter,
            PWait
            | AsaS
            | MeanWaitS
            | P50WaitS
            | P90WaitS
            | P95WaitS
            | AbandonRate
            | BlockRate
            | QueueMean
            | WaitingAtEnd
            | CallbackWaitS
            | CallbackWaitP90S
            | CallbacksPendingAtEnd
            | Ronas
            | BreakDelayS => Direction::LowerIsBetter,
            _ => Direction::Neutral,
        }
    }

    /// Metrics of contacts, reported for `all` and for each queue.
    pub const CONTACT: [Metric; 32] = {
        use Metric::*;
        [
            Offered,
            Blocked,
            Answered,
            Abandoned,
            ShortAbandoned,
            ServiceLevel,
            ServiceLevelTargetMet,
            PWait,
            AsaS,
            MeanWaitS,
            P50WaitS,
            P90WaitS,
            P95WaitS,
            AbandonRate,
            BlockRate,
            AhtS,
            QueueMean,
            WaitingAtEnd,
            InIvrAtEnd,
            TalkingAtEnd,
            CallbacksOffered,
            CallbackOffersWithheld,
            CallbacksAccepted,
            CallbacksRequested,
            CallbacksConnected,
            CallbacksExpired,
            CallbacksFailed,
            CallbacksNotQueued,
            CallbackAttempts,
            CallbackWaitS,
            CallbackWaitP90S,
            CallbacksPendingAtEnd,
        ]
    };
    /// Metrics of an agent group.
    pub const GROUP: [Metric; 15] = [
        Metric::Occupancy,
        Metric::AgentsStaffed,
        Metric::AgentsScheduled,
        Metric::AgentsBusyMean,
        Metric::Handled,
        Metric::HandleTimeS,
        Metric::AgentMinutesReserved,
        Metric::AgentMinutesRefused,
        Metric::Shrinkage,
        Metric::Offers,
        Metric::Ronas,
        Metric::AgentMinutesRona,
        Metric::BreaksStarted,
        Metric::BreaksLate,
        Metric::BreakDelayS,
    ];
    /// Metrics of a port pool.
    pub const POOL: [Metric; 10] = [
        Metric::PortUtilisation,
        Metric::PortsBusyMean,
        Metric::PortsBusyPeak,
        Metric::Seizures,
        Metric::PortHoldS,
        Metric::Blocked,
        Metric::BlockRate,
        Metric::PortMinutesInbound,
        Metric::PortMinutesCallback,
        Metric::PortMinutesBilledOutbound,
    ];
}

/// What a metric is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    All,
    Queue(usize),
    Group(usize),
    Pool(usize),
}

impl Scope {
    /// As written in reports: `all`, `queue:support`, `group:tier1`, `pool:media-1`.
    pub fn label(self, s: &Scenario) -> String {
        match self {
            Scope::All => "all".into(),
            Scope::Queue(q) => format!("queue:{}", s.queues[q].name),
            Scope::Group(g) => format!("group:{}", s.agent_groups[g].name),
            Scope::Pool(p) => format!("pool:{}", s.port_pools[p].name),
        }
    }
}

impl Metric {
    /// Whether the metric is about callbacks (reported only for scenarios that have them).
    pub fn is_about_callbacks(self) -> bool {
        use Metric::*;
        matches!(
            self,
            CallbacksOffered
                | CallbackOffersWithheld
                | CallbacksAccepted
                | CallbacksRequested
                | CallbacksConnected
                | CallbacksExpired
                | CallbacksFailed
                | CallbacksNotQueued
                | CallbackAttempts
                | CallbackWaitS
                | CallbackWaitP90S
                | CallbacksPendingAtEnd
                | AgentMinutesReserved
                | AgentMinutesRefused
                | PortMinutesCallback
                | PortMinutesBilledOutbound
        )
    }
}

/// The (scope, metric) pairs of a scenario's run-level reports, in report order. Callback
/// metrics are there when the scenario has callbacks, the service-level target's when it
/// has one.
pub fn catalog(s: &Scenario) -> Vec<(Scope, Metric)> {
    let callbacks = s.has_callbacks();
    let target = s.service_level.target.is_some();
    let keep = |m: &Metric| {
        (callbacks || !m.is_about_callbacks()) && (target || *m != Metric::ServiceLevelTargetMet)
    };
    let mut out: Vec<(Scope, Metric)> = Metric::CONTACT
        .iter()
        .filter(|m| keep(m))
        .map(|&m| (Scope::All, m))
        .collect();
    out.push((Scope::All, Metric::Occupancy));
    if !s.port_pools.is_empty() {
        out.push((Scope::All, Metric::PortUtilisation));
    }
    for q in 0..s.queues.len() {
        out.extend(
            Metric::CONTACT
                .iter()
                .filter(|m| keep(m))
                .map(|&m| (Scope::Queue(q), m)),
        );
    }
    for (g, group) in s.agent_groups.iter().enumerate() {
        let breaks = group.has_breaks();
        let shown = |m: &Metric| match m {
            Metric::Offers | Metric::Ronas | Metric::AgentMinutesRona => {
                group.answer_after.is_some()
            }
            Metric::Shrinkage => breaks || group.not_ready.is_some(),
            Metric::BreaksStarted | Metric::BreaksLate | Metric::BreakDelayS => breaks,
            m => keep(m),
        };
        out.extend(
            Metric::GROUP
                .iter()
                .filter(|m| shown(m))
                .map(|&m| (Scope::Group(g), m)),
        );
    }
    for p in 0..s.port_pools.len() {
        out.extend(
            Metric::POOL
                .iter()
                .filter(|m| keep(m))
                .map(|&m| (Scope::Pool(p), m)),
        );
    }
    out
}

/// Which of [`INTERVAL_COLUMNS`] `intervals.csv` shows for a scenario: port columns when it
/// has port pools, callback columns when it has callbacks, the share of replications meeting
/// the service-level target when it has one.
pub fn interval_columns_shown(s: &Scenario) -> [bool; INTERVAL_COLUMNS.len()] {
    let (ports, callbacks) = (!s.port_pools.is_empty(), s.has_callbacks());
    INTERVAL_COLUMNS.map(|c| match c {
        "service_level_target_met" => s.service_level.target.is_some(),
        "ports_busy_mean" | "ports_busy_peak" | "port_minutes_inbound" => ports,
        "port_minutes_callback" => ports && callbacks,
        c if c.starts_with("callback") || c.starts_with("agent_minutes") => callbacks,
        _ => true,
    })
}

/// Which of [`AGENT_COLUMNS`] `agents.csv` shows for a scenario: the states and counts its
/// agents can reach (leaving when staffing falls, wrap-up with wrap-up times, reserved with
/// callbacks, refused with a `call_delay` of 60 s or more, ringing and RONA with an answer
/// time, breaks and lunch with shift breaks, aux with aux periods).
pub fn agent_columns_shown(s: &Scenario) -> [bool; AGENT_COLUMNS.len()] {
    let any = |f: fn(&crate::scenario::AgentGroup) -> bool| s.agent_groups.iter().any(f);
    let callbacks = s.has_callbacks();
    let ringing = any(|g| g.answer_after.is_some());
    let breaks = any(|g| g.has_breaks());
    let aux = any(|g| g.not_ready.is_some());
    let wrap_up = s.queues.iter().any(|q| q.wrap_up.is_some());
    // Agents only leave after their shift when the staffing falls at some point.
    let leaving = any(|g| {
        !matches!(
            g.staffing,
            crate::scenario::Staffing::Counts(crate::scenario::PerInterval::Constant(_))
        )
    });
    AGENT_COLUMNS.map(|c| match c {
        "leaving" => leaving,
        "wrap_up" => wrap_up,
        "reserved" => callbacks,
        "not_ready_refused" => s
            .queues
            .iter()
            .any(|q| q.callback.as_ref().is_some_and(|c| c.refuses())),
        "ringing" | "not_ready_rona" | "offers" | "ronas" => ringing,
        "not_ready_aux" => aux,
        c if c.contains("break") || c.contains("lunch") => breaks,
        _ => true,
    })
}

/// Columns of `intervals.csv` computed for each interval and queue, in order.
pub const INTERVAL_COLUMNS: [&str; 31] = [
    "offered",
    "blocked",
    "answered",
    "abandoned",
    "p_wait",
    "service_level",
    "service_level_target_met",
    "asa_s",
    "abandon_rate",
    "aht_s",
    "occupancy",
    "agents_staffed",
    "ports_busy_mean",
    "ports_busy_peak",
    "queue_mean",
    "waiting_at_end",
    "in_ivr_at_end",
    "callbacks_offered",
    "callback_offers_withheld",
    "callbacks_accepted",
    "callbacks_requested",
    "callbacks_connected",
    "callbacks_expired",
    "callbacks_failed",
    "callbacks_not_queued",
    "callback_attempts",
    "callback_wait_s",
    "port_minutes_inbound",
    "port_minutes_callback",
    "agent_minutes_reserved",
    "agent_minutes_refused",
];

/// Which of a report's columns (named as metrics) hold ratios, estimated as ratios of sums.
pub fn ratio_columns<const N: usize>(columns: &[&str; N]) -> [bool; N] {
    columns.map(|c| Metric::from_name(c).is_some_and(Metric::is_ratio))
}

/// How a report column's estimate is finished: a share's CI clipped to [0, 1]; a share of
/// replications with Wilson's interval; any other figure's lower bound clipped at 0 (every
/// figure ccsim reports — counts, times, time averages — is never negative).
pub fn finish_estimate(metric: Option<Metric>, e: Estimate) -> Estimate {
    match metric {
        Some(m) if m.is_share_of_replications() => e.wilson(),
        Some(m) if m.is_share() => e.clipped_to_share(),
        _ => e.clipped_at_zero(),
    }
}

/// Columns of `agents.csv` computed for each interval and agent group, in order: time-average
/// agents scheduled, present and leaving (present after their shift, finishing a contact),
/// in each state, then occupancy and counts of agent events.
pub const AGENT_COLUMNS: [&str; 9 + AgentState::COUNT] = {
    let mut columns = [""; 9 + AgentState::COUNT];
    columns[0] = "scheduled";
    columns[1] = "present";
    columns[2] = "leaving";
    let mut i = 0;
    while i < AgentState::COUNT {
        columns[3 + i] = AgentState::ALL[i].name();
        i += 1;
    }
    let rest = [
        "occupancy",
        "offers",
        "ronas",
        "breaks_started",
        "breaks_late",
        "break_delay_s",
    ];
    let mut j = 0;
    while j < rest.len() {
        columns[3 + AgentState::COUNT + j] = rest[j];
        j += 1;
    }
    columns
};
