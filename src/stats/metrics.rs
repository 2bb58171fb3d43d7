//! The metrics every report uses: their names, what they are computed from, and which
//! direction is better.

use super::{Estimate, Ratio, RatioEstimator};
use crate::engine::{TickSum, Ticks, secs_from_tick_sum};
use crate::model::AgentState;
use crate::scenario::{CALL_RESULTS, CallResult, Scenario, ServiceLevel, SlDefinition};

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

/// What a metric's values measure, and so how they are written and compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Contacts, events or attempts counted.
    Count,
    /// A fraction in [0, 1], written as such in CSV and as a percentage for people.
    Share,
    Seconds,
    Minutes,
    /// A time average or count of agents.
    Agents,
    /// A time average or count of ports.
    Ports,
    /// A time average of contacts (a queue length).
    Contacts,
}

impl Unit {
    /// As column headings and axis titles write it (empty for plain counts).
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Count => "",
            Unit::Share => "%",
            Unit::Seconds => "s",
            Unit::Minutes => "min",
            Unit::Agents => "agents",
            Unit::Ports => "ports",
            Unit::Contacts => "contacts",
        }
    }
}

/// How a metric is estimated over replications.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Estimator {
    /// The mean of the replications' values (counts, time averages, percentiles).
    Mean,
    /// A ratio of two of a replication's counts or sums: estimated by the ratio of their
    /// sums over replications (a long-run fraction), with a delta-method CI.
    RatioOfSums,
    /// A share of what a replication counts (contacts, dials, records): estimated as
    /// `RatioOfSums`, except where every replication counts none of them (or all), where the
    /// delta method's interval shrinks to a point and Clopper–Pearson's on the pooled count
    /// takes its place.
    ShareOfCounts,
    /// A replication's value is 1 or 0 (it met a target or not): the share of
    /// replications, with Wilson's interval.
    ShareOfReplications,
}

/// What a scenario must have for a metric to be reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    Callbacks,
    /// A service-level target.
    Target,
    /// Port pools.
    Ports,
    /// Port pools and callbacks.
    PortsAndCallbacks,
    /// An answer time (agents ring, and may not answer).
    Ringing,
    /// Shift breaks.
    Breaks,
    /// Shift breaks or aux periods.
    NotReadyTime,
    /// Outbound campaigns.
    Campaigns,

    /// A campaign in preview mode.
    PreviewCampaigns,
    /// Port pools and campaigns.
    PortsAndCampaigns,
    /// Port pools, and callbacks or campaigns (which are billed as outbound).
    PortsAndOutbound,
    /// A campaign with answering-machine detection.
    Amd,
}

/// One metric's definition: every report, table, chart and comparison reads it from here.
#[derive(Clone, Copy, Debug)]
pub struct MetricDef {
    /// The column and row name in CSV reports.
    pub name: &'static str,
    /// For people: tables, charts, workbooks.
    pub label: &'static str,
    pub unit: Unit,
    pub direction: Direction,
    pub estimator: Estimator,
    pub needs: Needs,
}

/// Defines [`Metric`] and its registry in one table, so that a metric is named, labelled
/// and described in one place.
macro_rules! metrics {
    ($($variant:ident: $name:literal, $label:literal, $unit:ident, $direction:ident, $estimator:ident, $needs:ident;)*) => {
        /// Every run-level metric (its definition: [`Metric::def`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Metric {
            $($variant,)*
        }

        impl Metric {
            /// Every metric, in registry order.
            pub const ALL: &[Metric] = &[$(Metric::$variant,)*];
            const DEFS: &[MetricDef] = &[$(MetricDef {
                name: $name,
                label: $label,
                unit: Unit::$unit,
                direction: Direction::$direction,
                estimator: Estimator::$estimator,
                needs: Needs::$needs,
            },)*];
        }
    };
}

metrics! {
    Offered: "offered", "Offered", Count, Neutral, Mean, Nothing;
    Blocked: "blocked", "Blocked (no free port)", Count, Neutral, Mean, Nothing;
    Answered: "answered", "Answered", Count, Neutral, Mean, Nothing;
    Abandoned: "abandoned", "Abandoned", Count, Neutral, Mean, Nothing;
    ShortAbandoned: "short_abandoned", "Short abandons", Count, Neutral, Mean, Nothing;
    ServiceLevel: "service_level", "Service level", Share, HigherIsBetter, ShareOfCounts, Nothing;
    ServiceLevelTargetMet: "service_level_target_met", "Days meeting the service-level target", Share, HigherIsBetter, ShareOfReplications, Target;
    PWait: "p_wait", "Share that waited", Share, LowerIsBetter, ShareOfCounts, Nothing;
    AsaS: "asa_s", "ASA", Seconds, LowerIsBetter, RatioOfSums, Nothing;
    MeanWaitS: "mean_wait_s", "Mean wait (answered and abandoned)", Seconds, LowerIsBetter, RatioOfSums, Nothing;
    P50WaitS: "p50_wait_s", "Median wait", Seconds, LowerIsBetter, Mean, Nothing;
    P90WaitS: "p90_wait_s", "90th percentile wait", Seconds, LowerIsBetter, Mean, Nothing;
    P95WaitS: "p95_wait_s", "95th percentile wait", Seconds, LowerIsBetter, Mean, Nothing;
    AbandonRate: "abandon_rate", "Abandon rate", Share, LowerIsBetter, ShareOfCounts, Nothing;
    BlockRate: "block_rate", "Blocking (no free port)", Share, LowerIsBetter, ShareOfCounts, Nothing;
    AhtS: "aht_s", "AHT (talk and wrap-up)", Seconds, Neutral, RatioOfSums, Nothing;
    QueueMean: "queue_mean", "Mean queue length", Contacts, LowerIsBetter, Mean, Nothing;
    WaitingAtEnd: "waiting_at_end", "Waiting at the end", Contacts, LowerIsBetter, Mean, Nothing;
    InIvrAtEnd: "in_ivr_at_end", "In the IVR at the end", Contacts, Neutral, Mean, Nothing;
    TalkingAtEnd: "talking_at_end", "Talking at the end", Contacts, Neutral, Mean, Nothing;
    CallbacksOffered: "callbacks_offered", "Callback offers", Count, Neutral, Mean, Callbacks;
    CallbackOffersWithheld: "callback_offers_withheld", "Callback offers withheld (max_queued)", Count, Neutral, Mean, Callbacks;
    CallbacksAccepted: "callbacks_accepted", "Callbacks accepted", Count, Neutral, Mean, Callbacks;
    CallbacksRequested: "callbacks_requested", "Callbacks requested (scheduled)", Count, Neutral, Mean, Callbacks;
    CallbacksConnected: "callbacks_connected", "Callbacks connected", Count, Neutral, Mean, Callbacks;
    CallbacksExpired: "callbacks_expired", "Callbacks expired", Count, Neutral, Mean, Callbacks;
    CallbacksFailed: "callbacks_failed", "Callbacks failed (final result, or attempts used up)", Count, Neutral, Mean, Callbacks;
    CallbacksNotQueued: "callbacks_not_queued", "Requests not queued (max_queued)", Count, Neutral, Mean, Callbacks;
    CallbackAttempts: "callback_attempts", "Attempts per callback", Count, Neutral, RatioOfSums, Callbacks;
    CallbackWaitS: "callback_wait_s", "Callback wait (due to connected)", Seconds, LowerIsBetter, RatioOfSums, Callbacks;
    CallbackWaitP90S: "callback_wait_p90_s", "90th percentile callback wait", Seconds, LowerIsBetter, Mean, Callbacks;
    CallbacksPendingAtEnd: "callbacks_pending_at_end", "Callbacks pending at the end", Count, LowerIsBetter, Mean, Callbacks;
    Occupancy: "occupancy", "Occupancy", Share, Neutral, RatioOfSums, Nothing;
    AgentsStaffed: "agents_staffed", "Agents staffed", Agents, Neutral, Mean, Nothing;
    AgentsScheduled: "agents_scheduled", "Agents scheduled", Agents, Neutral, Mean, Nothing;
    AgentsBusyMean: "agents_busy_mean", "Agents busy (mean)", Agents, Neutral, Mean, Nothing;
    Handled: "handled", "Contacts handled", Count, Neutral, Mean, Nothing;
    HandleTimeS: "handle_time_s", "Handle time", Seconds, Neutral, RatioOfSums, Nothing;
    AgentMinutesReserved: "agent_minutes_reserved", "Agent minutes reserved (callbacks)", Minutes, Neutral, Mean, Callbacks;
    AgentMinutesRefused: "agent_minutes_refused", "Agent minutes not ready after a refusal", Minutes, Neutral, Mean, Callbacks;
    Shrinkage: "shrinkage", "Shrinkage", Share, Neutral, RatioOfSums, NotReadyTime;
    Offers: "offers", "Offers to agents", Count, Neutral, Mean, Ringing;
    Ronas: "ronas", "RONAs", Count, LowerIsBetter, Mean, Ringing;
    AgentMinutesRona: "agent_minutes_rona", "Agent minutes not ready after a RONA", Minutes, Neutral, Mean, Ringing;
    BreaksStarted: "breaks_started", "Breaks started", Count, Neutral, Mean, Breaks;
    BreaksLate: "breaks_late", "Breaks started late", Count, Neutral, Mean, Breaks;
    BreakDelayS: "break_delay_s", "Delay of late breaks", Seconds, LowerIsBetter, RatioOfSums, Breaks;
    PortUtilisation: "port_utilisation", "Port utilisation", Share, Neutral, RatioOfSums, Ports;
    PortsBusyMean: "ports_busy_mean", "Ports busy (mean)", Ports, Neutral, Mean, Ports;
    PortsBusyPeak: "ports_busy_peak", "Ports busy (peak)", Ports, Neutral, Mean, Ports;
    Seizures: "seizures", "Port seizures", Count, Neutral, Mean, Ports;
    PortHoldS: "port_hold_s", "Port hold time", Seconds, Neutral, RatioOfSums, Ports;
    PortsBusyInboundMean: "ports_busy_inbound_mean", "Ports busy, inbound (mean)", Ports, Neutral, Mean, PortsAndOutbound;
    PortsBusyOutboundMean: "ports_busy_outbound_mean", "Ports busy, outbound: callbacks and campaigns (mean)", Ports, Neutral, Mean, PortsAndOutbound;
    PortMinutesInbound: "port_minutes_inbound", "Port minutes, inbound", Minutes, Neutral, Mean, Ports;
    PortMinutesCallback: "port_minutes_callback", "Port minutes, callbacks", Minutes, Neutral, Mean, PortsAndCallbacks;
    PortMinutesCampaign: "port_minutes_campaign", "Port minutes, campaigns", Minutes, Neutral, Mean, PortsAndCampaigns;
    PortMinutesBilledOutbound: "port_minutes_billed_outbound", "Port minutes billed outbound", Minutes, Neutral, Mean, PortsAndOutbound;
    Dials: "dials", "Dials", Count, Neutral, Mean, Campaigns;
    LiveAnswers: "live_answers", "Live answers", Count, Neutral, Mean, Campaigns;
    LiveAnswerRate: "live_answer_rate", "Live answers per dial", Share, HigherIsBetter, ShareOfCounts, Campaigns;
    OutboundConnected: "outbound_connected", "Live answers talked to an agent", Count, HigherIsBetter, Mean, Campaigns;
    Dropped: "dropped", "Dropped (no agent within drop_after)", Count, Neutral, Mean, Campaigns;
    DropRate: "drop_rate", "Abandoned rate (dropped per live answer)", Share, LowerIsBetter, ShareOfCounts, Campaigns;
    RingS: "ring_s", "Ring time per dial", Seconds, Neutral, RatioOfSums, Campaigns;
    PreviewS: "preview_s", "Preview time per record", Seconds, Neutral, RatioOfSums, PreviewCampaigns;
    OutboundTalkS: "outbound_talk_s", "Talk time per connected call", Seconds, Neutral, RatioOfSums, Campaigns;
    RecordsFinished: "records_finished", "Records finished", Count, HigherIsBetter, Mean, Campaigns;
    RecordsLeft: "records_left", "Records left at the end", Count, LowerIsBetter, Mean, Campaigns;
    ListPenetration: "list_penetration", "Share of the list finished", Share, HigherIsBetter, ShareOfCounts, Campaigns;
    AgentMinutesOutbound: "agent_minutes_outbound", "Agent minutes on the campaign", Minutes, Neutral, Mean, Campaigns;
    ContactsPerAgentHour: "contacts_per_agent_hour", "Connected calls per present agent hour", Count, HigherIsBetter, RatioOfSums, Campaigns;
    OutboundUtilisation: "outbound_utilisation", "Share of its agents' present time talking for the campaign", Share, HigherIsBetter, RatioOfSums, Campaigns;
    MachinesToAgents: "machines_to_agents", "Machines passed to agents (detection took them for people)", Count, LowerIsBetter, Mean, Amd;
    WindowDropRate: "window_drop_rate", "Abandoned rate over the measurement window so far", Share, LowerIsBetter, ShareOfCounts, Campaigns;
    DropCapMet: "drop_cap_met", "Days with every window within the abandoned-rate cap", Share, HigherIsBetter, ShareOfReplications, Campaigns;
}

impl Metric {
    pub fn def(self) -> &'static MetricDef {
        &Metric::DEFS[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.def().name
    }

    pub fn label(self) -> &'static str {
        self.def().label
    }

    pub fn unit(self) -> Unit {
        self.def().unit
    }

    pub fn direction(self) -> Direction {
        self.def().direction
    }

    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.iter().copied().find(|m| m.name() == name)
    }

    /// Whether the metric is a share (a fraction in [0, 1]).
    pub fn is_share(self) -> bool {
        self.unit() == Unit::Share
    }

    /// Whether its estimate is the share of replications meeting a target (Wilson's interval).
    pub fn is_share_of_replications(self) -> bool {
        self.def().estimator == Estimator::ShareOfReplications
    }

    /// Whether it is a share of what a replication counts (contacts, dials, records).
    pub fn is_share_of_counts(self) -> bool {
        self.def().estimator == Estimator::ShareOfCounts
    }

    /// Whether a replication's value is a ratio of two of its counts or sums (its estimate
    /// over replications is then the ratio of their sums).
    pub fn is_ratio(self) -> bool {
        matches!(
            self.def().estimator,
            Estimator::RatioOfSums | Estimator::ShareOfCounts
        )
    }

    /// Whether scenario `s` has what the metric needs to be reported. Per-group needs
    /// (ringing, breaks) are checked against any group; [`catalog`] checks each group.
    pub fn applies_to(self, s: &Scenario) -> bool {
        let groups = |f: fn(&crate::scenario::AgentGroup) -> bool| s.agent_groups.iter().any(f);
        match self.def().needs {
            Needs::Nothing => true,
            Needs::Callbacks => s.has_callbacks(),
            Needs::Target => s.service_level.target.is_some(),
            Needs::Ports => !s.port_pools.is_empty(),
            Needs::PortsAndCallbacks => !s.port_pools.is_empty() && s.has_callbacks(),
            Needs::PortsAndOutbound => {
                !s.port_pools.is_empty() && (s.has_callbacks() || !s.campaigns.is_empty())
            }
            Needs::Campaigns => !s.campaigns.is_empty(),
            Needs::PortsAndCampaigns => !s.port_pools.is_empty() && !s.campaigns.is_empty(),
            Needs::Amd => s.campaigns.iter().any(|c| c.amd.is_some()),
            Needs::PreviewCampaigns => s
                .campaigns
                .iter()
                .any(|c| c.mode == crate::scenario::DialMode::Preview),
            Needs::Ringing => groups(|g| g.answer_after.is_some()),
            Needs::Breaks => groups(|g| g.has_breaks()),
            Needs::NotReadyTime => groups(|g| g.has_breaks() || g.not_ready.is_some()),
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
    /// Metrics of an outbound campaign.
    pub const CAMPAIGN: [Metric; 17] = [
        Metric::Dials,
        Metric::LiveAnswers,
        Metric::LiveAnswerRate,
        Metric::OutboundConnected,
        Metric::Dropped,
        Metric::DropRate,
        Metric::RingS,
        Metric::PreviewS,
        Metric::OutboundTalkS,
        Metric::RecordsFinished,
        Metric::RecordsLeft,
        Metric::ListPenetration,
        Metric::AgentMinutesOutbound,
        Metric::OutboundUtilisation,
        Metric::ContactsPerAgentHour,
        Metric::MachinesToAgents,
        Metric::DropCapMet,
    ];
    /// An outbound campaign's metrics of each interval (`campaigns.csv`): the run's, with the
    /// window's abandoned rate so far for whether the run kept the cap.
    pub const CAMPAIGN_INTERVAL: [Metric; 17] = {
        let mut metrics = [Metric::WindowDropRate; 17];
        let mut i = 0;
        while i < 16 {
            metrics[i] = Metric::CAMPAIGN[i];
            i += 1;
        }
        metrics
    };
    /// Metrics of a port pool.
    pub const POOL: [Metric; 13] = [
        Metric::PortUtilisation,
        Metric::PortsBusyMean,
        Metric::PortsBusyPeak,
        Metric::PortsBusyInboundMean,
        Metric::PortsBusyOutboundMean,
        Metric::Seizures,
        Metric::PortHoldS,
        Metric::Blocked,
        Metric::BlockRate,
        Metric::PortMinutesInbound,
        Metric::PortMinutesCallback,
        Metric::PortMinutesCampaign,
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
    Campaign(usize),
}

impl Scope {
    /// As written in reports: `all`, `queue:support`, `group:tier1`, `pool:media-1`.
    pub fn label(self, s: &Scenario) -> String {
        match self {
            Scope::All => "all".into(),
            Scope::Queue(q) => format!("queue:{}", s.queues[q].name),
            Scope::Group(g) => format!("group:{}", s.agent_groups[g].name),
            Scope::Pool(p) => format!("pool:{}", s.port_pools[p].name),
            Scope::Campaign(k) => format!("campaign:{}", s.campaigns[k].name),
        }
    }
}

/// The (scope, metric) pairs of a scenario's run-level reports, in report order: each
/// scope's metrics that the scenario (for a group's, that group) has what they need for.
pub fn catalog(s: &Scenario) -> Vec<(Scope, Metric)> {
    let keep = |m: &Metric| m.applies_to(s);
    let mut out: Vec<(Scope, Metric)> = Metric::CONTACT
        .iter()
        .filter(|m| keep(m))
        .map(|&m| (Scope::All, m))
        .collect();
    out.push((Scope::All, Metric::Occupancy));
    if Metric::PortUtilisation.applies_to(s) {
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
        let shown = |m: &Metric| match m.def().needs {
            Needs::Ringing => group.answer_after.is_some(),
            Needs::Breaks => group.has_breaks(),
            Needs::NotReadyTime => group.has_breaks() || group.not_ready.is_some(),
            _ => keep(m),
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
    for (k, campaign) in s.campaigns.iter().enumerate() {
        let shown = |m: &Metric| match m.def().needs {
            Needs::PreviewCampaigns => campaign.mode == crate::scenario::DialMode::Preview,
            Needs::Amd => campaign.amd.is_some(),
            _ => true,
        };
        out.extend(
            Metric::CAMPAIGN
                .iter()
                .filter(|m| shown(m))
                .map(|&m| (Scope::Campaign(k), m)),
        );
    }
    out
}

/// Which of [`INTERVAL_COLUMNS`] `intervals.csv` shows for a scenario: those it has what
/// they need for (ports, callbacks, a service-level target).
pub fn interval_columns_shown(s: &Scenario) -> [bool; INTERVAL_COLUMNS.len()] {
    INTERVAL_COLUMNS.map(|m| m.applies_to(s))
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
        Column::Leaving => leaving,
        Column::State(AgentState::WrapUp) => wrap_up,
        // Agents are reserved for callbacks' dials and for campaigns' cycles.
        Column::State(AgentState::Reserved) => callbacks || !s.campaigns.is_empty(),
        Column::State(AgentState::Refused) => s
            .queues
            .iter()
            .any(|q| q.callback.as_ref().is_some_and(|c| c.refuses())),
        Column::State(AgentState::Ringing | AgentState::Rona) => ringing,
        Column::State(AgentState::Aux) => aux,
        Column::State(AgentState::Break | AgentState::Lunch) => breaks,
        Column::Metric(m) => m.applies_to(s),
        _ => true,
    })
}

/// Columns of `intervals.csv` computed for each interval and queue, in order.
pub const INTERVAL_COLUMNS: [Metric; 33] = {
    use Metric::*;
    [
        Offered,
        Blocked,
        Answered,
        Abandoned,
        PWait,
        ServiceLevel,
        ServiceLevelTargetMet,
        AsaS,
        AbandonRate,
        AhtS,
        Occupancy,
        AgentsStaffed,
        PortsBusyMean,
        PortsBusyPeak,
        PortsBusyInboundMean,
        PortsBusyOutboundMean,
        QueueMean,
        WaitingAtEnd,
        InIvrAtEnd,
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
        PortMinutesInbound,
        PortMinutesCallback,
        AgentMinutesReserved,
        AgentMinutesRefused,
    ]
};

/// A column of an interval table: a metric, or (in `agents.csv`) time-average agents
/// scheduled, present, leaving (present after their shift, finishing a contact) or in a state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Metric(Metric),
    Scheduled,
    Present,
    Leaving,
    State(AgentState),
    /// (In `campaigns.csv`) dials that ended with a `call_result` code.
    Result(CallResult),
}

impl Column {
    pub const fn name(self) -> &'static str {
        match self {
            Column::Metric(m) => Metric::DEFS[m as usize].name,
            Column::Scheduled => "scheduled",
            Column::Present => "present",
            Column::Leaving => "leaving",
            Column::State(s) => s.name(),
            Column::Result(r) => r.name(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Column::Metric(m) => m.label(),
            Column::Scheduled => "Agents scheduled",
            Column::Present => "Agents present",
            Column::Leaving => "Agents leaving (after their shift)",
            Column::State(s) => s.label(),
            Column::Result(r) => r.name(),
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            Column::Result(_) => Unit::Count,
            _ => self.metric().map_or(Unit::Agents, Metric::unit),
        }
    }

    pub fn metric(self) -> Option<Metric> {
        match self {
            Column::Metric(m) => Some(m),
            _ => None,
        }
    }

    /// Whether its values are ratios, estimated as ratios of sums.
    pub fn is_ratio(self) -> bool {
        self.metric().is_some_and(Metric::is_ratio)
    }
}

/// A report column's estimate from its accumulator: a share's CI clipped to [0, 1] (a share
/// of counts with none or all counted in every replication with Clopper–Pearson's); a share
/// of replications with Wilson's interval; any other figure's lower bound clipped at 0 (every
/// figure ccsim reports — counts, times, time averages — is never negative).
#[inline(always)]
pub fn finish_estimate(metric: Option<Metric>, acc: &RatioEstimator) -> Estimate {
    let e = acc.estimate();
    match metric {
        Some(m) if m.is_share_of_replications() => e.wilson(),
        Some(m) if m.is_share_of_counts() => acc.share_of_counts(e),
        Some(m) if m.is_share() => e.clipped_to_share(),
        _ => e.clipped_at_zero(),
    }
}

/// Columns of `agents.csv` computed for each interval and agent group, in order: time-average
/// agents scheduled, present and leaving, in each state, then occupancy and counts of agent
/// events.
pub const AGENT_COLUMNS: [Column; 9 + AgentState::COUNT] = {
    let mut columns = [Column::Scheduled; 9 + AgentState::COUNT];
    columns[1] = Column::Present;
    columns[2] = Column::Leaving;
    let mut i = 0;
    while i < AgentState::COUNT {
        columns[3 + i] = Column::State(AgentState::ALL[i]);
        i += 1;
    }
    let rest = [
        Metric::Occupancy,
        Metric::Offers,
        Metric::Ronas,
        Metric::BreaksStarted,
        Metric::BreaksLate,
        Metric::BreakDelayS,
    ];
    let mut j = 0;
    while j < rest.len() {
        columns[3 + AgentState::COUNT + j] = Column::Metric(rest[j]);
        j += 1;
    }
    columns
};

/// Columns of `campaigns.csv` computed for each interval and campaign, in order: the
/// campaign's figures (dials and what came of them count in the interval the dial was placed
/// in; records left, list penetration and the window's abandoned rate are as at the
/// interval's end), then the dials ending with each `call_result` code.
pub const CAMPAIGN_COLUMNS: [Column; Metric::CAMPAIGN_INTERVAL.len() + CALL_RESULTS.len()] = {
    let mut columns = [Column::Scheduled; Metric::CAMPAIGN_INTERVAL.len() + CALL_RESULTS.len()];
    let mut i = 0;
    while i < Metric::CAMPAIGN_INTERVAL.len() {
        columns[i] = Column::Metric(Metric::CAMPAIGN_INTERVAL[i]);
        i += 1;
    }
    let mut j = 0;
    while j < CALL_RESULTS.len() {
        columns[i + j] = Column::Result(CallResult(j as u8));
        j += 1;
    }
    columns
};

/// Which of [`CAMPAIGN_COLUMNS`] `campaigns.csv` shows for a scenario: the preview time
/// with a preview campaign, and the result codes some campaign's dials can end with (those
/// its table lists, NO_FREE_PORT_ERROR when it dials on a pool, DROPPED when it can drop).
pub fn campaign_columns_shown(s: &Scenario) -> [bool; CAMPAIGN_COLUMNS.len()] {
    let mut results = [false; CALL_RESULTS.len()];
    for c in &s.campaigns {
        for &(code, p) in &c.dialing.results {
            results[code.0 as usize] |= p > 0.0;
        }
        if c.port_pool.is_some() {
            results[CallResult::NO_FREE_PORT_ERROR.0 as usize] = true;
        }
        if c.may_drop() {
            results[CallResult::DROPPED.0 as usize] = true;
        }
    }
    CAMPAIGN_COLUMNS.map(|c| match c {
        Column::Metric(m) => m.applies_to(s),
        Column::Result(r) => results[r.0 as usize],
        _ => unreachable!("campaigns.csv has metrics and results"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `campaigns.csv`'s columns are the campaign's metrics, then a count per result code in
    /// code order: the recorder fills them by position.
    #[test]
    fn campaign_columns_are_the_metrics_then_the_result_codes() {
        let k = Metric::CAMPAIGN_INTERVAL.len();
        for (i, &m) in Metric::CAMPAIGN_INTERVAL.iter().enumerate() {
            assert_eq!(CAMPAIGN_COLUMNS[i], Column::Metric(m));
        }
        for j in 0..CALL_RESULTS.len() {
            assert_eq!(CAMPAIGN_COLUMNS[k + j], Column::Result(CallResult(j as u8)));
        }
    }

    /// Abandoned callers and dropped live answers are counted as volumes (they move with
    /// what is offered and dialed, and callbacks or pacing change what counts): their rates
    /// say better or worse, so that `compare` judges the two alike.
    #[test]
    fn abandons_and_drops_are_judged_by_their_rates() {
        for (count, rate) in [
            (Metric::Abandoned, Metric::AbandonRate),
            (Metric::Dropped, Metric::DropRate),
        ] {
            assert_eq!(count.direction(), Direction::Neutral, "{count:?}");
            assert_eq!(rate.direction(), Direction::LowerIsBetter, "{rate:?}");
        }
    }

    #[test]
    fn the_registry_names_each_metric_once_and_finds_it_by_name() {
        let mut names = std::collections::HashSet::new();
        for &m in Metric::ALL {
            assert!(names.insert(m.name()), "{} twice", m.name());
            assert_eq!(Metric::from_name(m.name()), Some(m));
            assert!(!m.label().is_empty());
            // Names carry their unit where one reads them as times.
            assert_eq!(m.name().ends_with("_s"), m.unit() == Unit::Seconds, "{m:?}");
            assert!(!m.is_share_of_replications() || m.is_share(), "{m:?}");
        }
        for c in AGENT_COLUMNS.iter().chain(&CAMPAIGN_COLUMNS) {
            assert!(
                names.insert(c.name()) || c.metric().is_some(),
                "{}",
                c.name()
            );
        }
        assert_eq!(Metric::from_name("no_such_metric"), None);
    }
}
