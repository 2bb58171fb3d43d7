//! `events.csv` (with `--trace`): one row per event of a contact — inbound caller, callback
//! or campaign dial — and per change of an agent's state, in time order. Events take seed
//! 003's names where it has one (eAgentOfferContact, CustAnswered, eAgentContactEnded, acw,
//! DROPPED, RONA) and callbacks' state changes seed 002's statuses.

use super::call_log::CallbackStatus;
use crate::engine::Ticks;
use crate::report::RecordClock;
use crate::scenario::CallResult;
use std::io::Write;

/// What a contact is: seed 003's `callType` (`Regular_call`, `OUTBOUND`), and ours for
/// callbacks, which are inbound in reports but dialed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallType {
    Regular,
    Callback,
    Outbound,
}

impl CallType {
    pub const fn name(self) -> &'static str {
        match self {
            CallType::Regular => "Regular_call",
            CallType::Callback => "CALLBACK",
            CallType::Outbound => "OUTBOUND",
        }
    }
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceEvent {
    /// A caller took a port (or arrived, without ports) and begins the IVR.
    Arrived,
    /// A caller found every port busy.
    Blocked,
    /// A caller joined the queue (after the IVR).
    Queued,
    /// eAgentOfferContact: a contact is offered to an agent (its phone rings, or it answers
    /// at once), or an agent is given a campaign's record or live answer.
    OfferContact,
    /// The offer rang past `rona_timeout`: the contact goes back to its place.
    Rona,
    /// The agent and the customer talk.
    Connected,
    /// A caller hung up before an agent answered.
    Abandoned,
    /// eAgentContactEnded: the talk ended.
    ContactEnded,
    /// acw: the agent's after-call work begins.
    Acw,
    /// A callback's status changed (seed 002's names).
    Callback(CallbackStatus),
    /// The dialer placed a campaign's dial.
    Dialing,
    /// A ready agent placed a call itself (seed 004).
    MakeCall,
    /// CustAnswered: a person picked up a campaign's dial.
    CustAnswered,
    /// DROPPED: a live answer found no agent in time, or detection hung up on it.
    Dropped,
    /// A campaign's dial ended without a conversation; `call_result` says how.
    AttemptEnded,
    /// A previewed record's calling window closed before the agent dialed it: it is not
    /// dialed, and waits for its window to open again.
    WindowClosed,
    /// An agent's state changed (to `agent_state`).
    AgentState(&'static str),
}

impl TraceEvent {
    pub fn name(self) -> &'static str {
        match self {
            TraceEvent::Arrived => "arrived",
            TraceEvent::Blocked => "blocked",
            TraceEvent::Queued => "queued",
            TraceEvent::OfferContact => "eAgentOfferContact",
            TraceEvent::Rona => "RONA",
            TraceEvent::Connected => "connected",
            TraceEvent::Abandoned => "abandoned",
            TraceEvent::ContactEnded => "eAgentContactEnded",
            TraceEvent::Acw => "acw",
            TraceEvent::Callback(status) => status.name(),
            TraceEvent::Dialing => "dialing",
            TraceEvent::MakeCall => "MakeCall",
            TraceEvent::CustAnswered => "CustAnswered",
            TraceEvent::Dropped => "DROPPED",
            TraceEvent::AttemptEnded => "attempt_ended",
            TraceEvent::WindowClosed => "window_closed",
            TraceEvent::AgentState(_) => "agent_state",
        }
    }
}

/// The contact an event is about.
#[derive(Clone, Copy, Debug)]
pub struct TracedContact {
    pub call_type: CallType,
    /// The caller's id (a callback keeps it); a campaign's record number (from 1).
    pub id: u64,
    /// The queue (callers, callbacks) or the campaign (dials).
    pub at: usize,
    /// Attempts made so far (callbacks and dials).
    pub attempts: Option<u32>,
    /// The result of the attempt that just ended, if one did.
    pub result: Option<CallResult>,
}

/// One row of `events.csv`.
#[derive(Clone, Copy, Debug)]
pub struct TraceRecord {
    pub time: Ticks,
    pub event: TraceEvent,
    pub contact: Option<TracedContact>,
    /// The agent (its number in the replication) and its group.
    pub agent: Option<(u32, usize)>,
}

pub const TRACE_COLUMNS: [&str; 15] = [
    "replication",
    "time",
    "time_local",
    "utc_offset",
    "event",
    "call_type",
    "id",
    "queue",
    "campaign",
    "attempts",
    "call_result",
    "callback_status",
    "agent",
    "agent_group",
    "agent_state",
];

/// Writes trace rows (no header) of one replication.
pub struct TraceLog {
    replication: String,
    clock: RecordClock,
    queues: Vec<String>,
    groups: Vec<String>,
    campaigns: Vec<String>,
    out: csv::Writer<Box<dyn Write + Send>>,
}

impl TraceLog {
    pub fn new(
        replication: u32,
        clock: RecordClock,
        (queues, groups, campaigns): (Vec<String>, Vec<String>, Vec<String>),
        out: Box<dyn Write + Send>,
    ) -> Self {
        TraceLog {
            replication: replication.to_string(),
            clock,
            queues,
            groups,
            campaigns,
            out: csv::Writer::from_writer(out),
        }
    }

    pub fn record(&mut self, r: &TraceRecord) -> std::io::Result<()> {
        let (local, offset) = self.clock.local(r.time);
        let c = r.contact;
        let (queue, campaign) = match c {
            Some(c) if c.call_type == CallType::Outbound => ("", self.campaigns[c.at].as_str()),
            Some(c) => (self.queues[c.at].as_str(), ""),
            None => ("", ""),
        };
        let number = |n: Option<String>| n.unwrap_or_default();
        self.out.write_record([
            self.replication.as_str(),
            &self.clock.utc(r.time),
            &local,
            &offset,
            r.event.name(),
            c.map_or("", |c| c.call_type.name()),
            &number(c.map(|c| c.id.to_string())),
            queue,
            campaign,
            &number(c.and_then(|c| c.attempts).map(|n| n.to_string())),
            c.and_then(|c| c.result).map_or("", |x| x.name()),
            match r.event {
                TraceEvent::Callback(status) => status.name(),
                _ => "",
            },
            &number(r.agent.map(|(id, _)| id.to_string())),
            r.agent.map_or("", |(_, g)| self.groups[g].as_str()),
            match r.event {
                TraceEvent::AgentState(state) => state,
                _ => "",
            },
        ])?;
        Ok(())
    }

    pub fn finish(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}
