//! One replication: the event loop and the state machine of contacts, ports and agents.
//!
//! Inbound calls are handled here; callbacks, which share the queues, agents and ports, in
//! `callbacks.rs`.

use super::Model;
use super::agents::{AgentState, Agents, PendingBreak};
use super::arrivals::ArrivalProcess;
use super::contacts::{Contact, ContactKind, Contacts, HeldPort, Phase, PortUse};
use super::queue::{ContactQueue, Place};
use super::roster::{Change, Roster};
use crate::engine::{EventQueue, RandomStreams, Stream, Ticks};
use crate::scenario::Break;
use crate::stats::{CallOutcome, CallRecord, CallbackStatus, Level, Recorder, TraceEvent};
use rand::Rng;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Event {
    IvrDone {
        slot: u32,
        generation: u32,
    },
    Patience {
        slot: u32,
        generation: u32,
    },
    TalkEnd {
        slot: u32,
        generation: u32,
    },
    /// The end of an agent's timed state: ringing, wrap-up, or not ready.
    AgentTimer {
        agent: u32,
        generation: u32,
    },
    /// The roster has changes now (shift starts, ends, breaks due).
    Roster,
    /// A waiting caller is offered a callback (after `offer_after`).
    Offer {
        slot: u32,
        generation: u32,
    },
    /// A callback's due time (scheduled, or a retry) has come.
    CallbackDue {
        slot: u32,
        generation: u32,
    },
    /// The call delay is over: the customer is dialed.
    Dial {
        slot: u32,
        generation: u32,
    },
    /// The dial's ringing ends with its result.
    RingEnd {
        slot: u32,
        generation: u32,
    },
    /// A callback's window closes. It carries the contact's id (its low 32 bits) rather than
    /// a generation, because the window ends whatever state the callback is in.
    Expire {
        slot: u32,
        id: u32,
    },
    /// An agent's next aux period is due; it carries the agent's id, as it holds whatever
    /// the agent is doing.
    Aux {
        agent: u32,
        id: u32,
    },
    /// A waiting contact has waited long enough to reach agents of another skill level.
    Overflow {
        slot: u32,
        generation: u32,
    },
    /// A campaign's hours open or close, or a record's retry comes due.
    Campaign {
        campaign: u32,
    },
    /// A live answer of a campaign dial has held `drop_after` without an agent, or its
    /// recorded message has ended.
    Drop {
        slot: u32,
        generation: u32,
    },
    /// A manual campaign's clock: a ready agent of its groups may place a call.
    ManualCall {
        campaign: u32,
    },
}

/// An event packed into one word — kind (4 bits), index (28 bits), generation (32 bits) — so
/// a heap entry is 24 bytes: the heap is the hottest data in the program. Fifteen of the 16
/// kinds are in use.
#[derive(Clone, Copy, Debug)]
pub(super) struct PackedEvent(u64);

const INDEX_BITS: u32 = 28;
const INDEX_MASK: u64 = (1 << INDEX_BITS) - 1;

impl From<Event> for PackedEvent {
    #[inline]
    fn from(e: Event) -> Self {
        let (kind, index, generation): (u64, u32, u32) = match e {
            Event::IvrDone { slot, generation } => (0, slot, generation),
            Event::Patience { slot, generation } => (1, slot, generation),
            Event::TalkEnd { slot, generation } => (2, slot, generation),
            Event::AgentTimer { agent, generation } => (3, agent, generation),
            Event::Roster => (4, 0, 0),
            Event::Offer { slot, generation } => (5, slot, generation),
            Event::CallbackDue { slot, generation } => (6, slot, generation),
            Event::Dial { slot, generation } => (7, slot, generation),
            Event::RingEnd { slot, generation } => (8, slot, generation),
            Event::Expire { slot, id } => (9, slot, id),
            Event::Aux { agent, id } => (10, agent, id),
            Event::Overflow { slot, generation } => (11, slot, generation),
            Event::Campaign { campaign } => (12, campaign, 0),
            Event::Drop { slot, generation } => (13, slot, generation),
            Event::ManualCall { campaign } => (14, campaign, 0),
        };
        debug_assert!(
            u64::from(index) <= INDEX_MASK,
            "index fits in {INDEX_BITS} bits"
        );
        PackedEvent(kind << 60 | (u64::from(index) & INDEX_MASK) << 32 | u64::from(generation))
    }
}

impl From<PackedEvent> for Event {
    #[inline]
    fn from(p: PackedEvent) -> Self {
        let index = ((p.0 >> 32) & INDEX_MASK) as u32;
        let generation = p.0 as u32;
        let (slot, agent) = (index, index);
        match p.0 >> 60 {
            0 => Event::IvrDone { slot, generation },
            1 => Event::Patience { slot, generation },
            2 => Event::TalkEnd { slot, generation },
            3 => Event::AgentTimer { agent, generation },
            4 => Event::Roster,
            5 => Event::Offer { slot, generation },
            6 => Event::CallbackDue { slot, generation },
            7 => Event::Dial { slot, generation },
            8 => Event::RingEnd { slot, generation },
            9 => Event::Expire {
                slot,
                id: generation,
            },
            10 => Event::Aux {
                agent,
                id: generation,
            },
            11 => Event::Overflow { slot, generation },
            12 => Event::Campaign { campaign: index },
            13 => Event::Drop { slot, generation },
            _ => Event::ManualCall { campaign: index },
        }
    }
}

/// What the replication ended with.
pub struct ReplicationEnd {
    /// Events processed by the engine.
    pub events: u64,
    /// True when the drain limit was reached with contacts still in the system.
    pub cut: bool,
    /// When the last event was processed (or the cut time).
    pub ended_at: Ticks,
}

/// Random streams of one queue, one per purpose.
pub(super) struct QueueStreams {
    arrivals: Stream,
    ivr: Stream,
    handle: Stream,
    wrap_up: Stream,
    patience: Stream,
    /// Whether callers accept callback offers.
    callback_accept: Stream,
    /// Results of callback dials.
    pub(super) callback_result: Stream,
    /// Ring times of callback dials.
    pub(super) callback_ring: Stream,
}

/// Random streams of one agent group.
struct GroupStreams {
    /// How long its agents take to answer offers.
    answer: Stream,
    /// Aux periods: time between, and length.
    aux: Stream,
}

/// Weight of the newest handle time in a queue's running estimate (about the last 20 calls).
const RECENT_HANDLE_WEIGHT: f64 = 0.05;

/// `TRACE`: whether events are traced (`events.csv`). The model is compiled twice, so that a
/// run without the trace pays nothing for it.
pub(super) struct Center<'m, 'r, const TRACE: bool> {
    pub(super) model: &'m Model,
    pub(super) events: EventQueue<PackedEvent>,
    pub(super) streams: Vec<QueueStreams>,
    group_streams: Vec<GroupStreams>,
    /// Talk and wrap-up times of scheduled callback requests.
    pub(super) request_stream: Stream,
    arrivals: Vec<ArrivalProcess<'m>>,
    /// Each queue's next arrival and its interval. Arrivals are a stream already in time
    /// order, so they are merged with the event queue rather than pushed through it.
    next_arrival: Vec<Option<(Ticks, usize)>>,
    /// The earliest of `next_arrival` (time, queue); ties go to the first queue.
    earliest_arrival: Option<(Ticks, usize)>,
    roster: Roster<'m>,
    /// Each group's roster positions and the agent (slot) on shift in each.
    persons: Vec<Vec<Option<u32>>>,
    roster_changes: Vec<Change>,
    pub(super) contacts: Contacts,
    pub(super) queues: Vec<ContactQueue>,
    /// Callers of each queue ringing at an agent (they count as waiting).
    ringing: Vec<u32>,
    pub(super) agents: Agents,
    ports_busy: Vec<u32>,
    ports_callback: Vec<u32>,
    ports_campaign: Vec<u32>,
    /// Each queue's recent talk plus wrap-up (ticks, exponentially weighted), as an ACD
    /// keeps it for its wait estimates.
    recent_handle: Vec<f64>,
    pub(super) next_id: u64,
    pub(super) next_order: u64,
    /// Whether `dispatch` is running (it does not nest).
    dispatching: bool,
    pub(super) campaigns: Vec<super::campaigns::CampaignState>,
    pub(super) campaign_streams: Vec<super::campaigns::CampaignStreams>,
    /// Whether a campaign's dispatch is running (it does not nest).
    pub(super) campaign_dispatching: bool,
    /// Agents or ports were freed that campaigns may use: they dispatch after the event.
    pub(super) campaign_wake: bool,
    /// Window openings a campaign's list asked to be woken at (a buffer, reused).
    pub(super) list_wakes: Vec<Ticks>,
    pub(super) in_system: u64,
    pub(super) rec: &'r mut Recorder,
}

impl Model {
    /// Simulates replication `replication`, reporting to `rec`.
    pub fn simulate(&self, replication: u32, rec: &mut Recorder) -> ReplicationEnd {
        if rec.tracing() {
            self.center::<true>(replication, rec).run()
        } else {
            self.center::<false>(replication, rec).run()
        }
    }

    fn center<'r, const TRACE: bool>(
        &self,
        replication: u32,
        rec: &'r mut Recorder,
    ) -> Center<'_, 'r, TRACE> {
        let streams = RandomStreams::new(self.seed, u64::from(replication));
        Center {
            model: self,
            events: EventQueue::new(),
            streams: self
                .queues
                .iter()
                .map(|q| QueueStreams {
                    arrivals: streams.stream("arrivals", &q.name),
                    ivr: streams.stream("ivr", &q.name),
                    handle: streams.stream("handle", &q.name),
                    wrap_up: streams.stream("wrap_up", &q.name),
                    patience: streams.stream("patience", &q.name),
                    callback_accept: streams.stream("callback_accept", &q.name),
                    callback_result: streams.stream("callback_result", &q.name),
                    callback_ring: streams.stream("callback_ring", &q.name),
                })
                .collect(),
            group_streams: self
                .scenario
                .agent_groups
                .iter()
                .map(|g| GroupStreams {
                    answer: streams.stream("answer", &g.name),
                    aux: streams.stream("aux", &g.name),
                })
                .collect(),
            request_stream: streams.stream("handle", "callback_requests"),
            arrivals: self
                .queues
                .iter()
                .map(|q| ArrivalProcess::new(&q.rates, self.intervals, self.interval))
                .collect(),
            next_arrival: vec![None; self.queues.len()],
            earliest_arrival: None,
            roster: Roster::new(&self.scenario),
            persons: (0..self.groups.len())
                .map(|g| vec![None; Roster::persons(&self.scenario, g)])
                .collect(),
            roster_changes: Vec::new(),
            contacts: Contacts::default(),
            queues: self
                .queues
                .iter()
                .map(|q| ContactQueue::new(q.priority))
                .collect(),
            ringing: vec![0; self.queues.len()],
            agents: Agents::new(self.groups.len()),
            ports_busy: vec![0; self.pool_sizes.len()],
            ports_callback: vec![0; self.pool_sizes.len()],
            ports_campaign: vec![0; self.pool_sizes.len()],
            recent_handle: self
                .queues
                .iter()
                .map(|q| q.expected_handle as f64)
                .collect(),
            next_id: 0,
            next_order: 0,
            dispatching: false,
            campaigns: self
                .campaigns
                .iter()
                .map(super::campaigns::CampaignState::new)
                .collect(),
            campaign_streams: self
                .campaigns
                .iter()
                .map(|k| super::campaigns::CampaignStreams::new(&streams, &k.campaign.name))
                .collect(),
            campaign_dispatching: false,
            campaign_wake: false,
            list_wakes: Vec::new(),
            in_system: 0,
            rec,
        }
    }
}

impl<const TRACE: bool> Center<'_, '_, TRACE> {
    fn run(&mut self) -> ReplicationEnd {
        if let Some(t) = self.roster.next_time() {
            self.schedule(t, Event::Roster);
        }
        self.load_requests();
        for k in 0..self.model.campaigns.len() {
            self.campaign_timer(k, 0);
            self.next_manual_call(k, 0);
        }
        for q in 0..self.model.queues.len() {
            self.schedule_arrival(q);
        }
        let cut_at = self.model.duration.saturating_add(self.model.drain_limit);
        let mut cut = false;
        // When the last event processed came.
        let mut last = 0;
        loop {
            let limit = self.earliest_arrival.map_or(Ticks::MAX, |(t, _)| t);
            let Some((now, packed)) = self.events.pop_before(limit) else {
                // The next arrival comes first (they all come before `duration`).
                let Some((now, q)) = self.earliest_arrival else {
                    break;
                };
                self.events.advance_to(now);
                self.rec.advance(now);
                self.arrival(q, now);
                if self.campaign_wake {
                    self.campaigns_dispatch(now);
                }
                last = now;
                continue;
            };
            if now > cut_at {
                // Only stale timers (and agents' own timers) may remain once the system is
                // empty.
                cut = self.in_system > 0;
                break;
            }
            // With the arrivals over and no contact left, agents' own timers (aux periods,
            // breaks) would run on for ever: the replication is over.
            if self.in_system == 0 && now >= self.model.duration && self.earliest_arrival.is_none()
            {
                break;
            }
            self.rec.advance(now);
            self.handle(Event::from(packed), now);
            if self.campaign_wake {
                self.campaigns_dispatch(now);
            }
            last = now;
        }
        // Contacts left when no event remains can never be served (nobody is staffed).
        cut |= self.in_system > 0;
        let ended_at = if cut { cut_at } else { last };
        self.finish(ended_at);
        ReplicationEnd {
            events: self.events.events_processed(),
            cut,
            ended_at,
        }
    }

    #[inline(always)]
    fn handle(&mut self, event: Event, now: Ticks) {
        let current =
            |c: &Contacts, slot, generation, phase| c.current(slot, generation, phase).is_some();
        match event {
            Event::IvrDone { slot, generation }
                if current(&self.contacts, slot, generation, Phase::Ivr) =>
            {
                self.enter_queue(slot, now)
            }
            Event::Patience { slot, generation } => {
                let c = self.contacts.get(slot);
                // A caller may hang up while waiting, and while an agent's phone rings.
                if c.generation == generation
                    && c.kind == ContactKind::Inbound
                    && matches!(c.phase, Phase::Waiting | Phase::Offered)
                {
                    self.abandon(slot, now)
                }
            }
            Event::TalkEnd { slot, generation }
                if current(&self.contacts, slot, generation, Phase::Talking) =>
            {
                self.talk_end(slot, now)
            }
            Event::AgentTimer { agent, generation }
                if self.agents.get(agent).generation == generation =>
            {
                self.agent_timer(agent, now)
            }
            Event::Roster => self.roster_changes(now),
            Event::Offer { slot, generation } => {
                let c = self.contacts.get_mut(slot);
                if c.generation == generation && c.kind == ContactKind::Inbound {
                    match c.phase {
                        Phase::Waiting => {
                            self.offer_callback(slot, false, now);
                        }
                        // Not while an agent's phone rings for the caller: if it rings
                        // unanswered, the offer is made then.
                        Phase::Offered => c.offer_pending = true,
                        _ => {}
                    }
                }
            }
            Event::CallbackDue { slot, generation }
                if current(&self.contacts, slot, generation, Phase::CallbackTimer) =>
            {
                self.callback_due(slot, now)
            }
            Event::Dial { slot, generation }
                if current(&self.contacts, slot, generation, Phase::CallbackReserved) =>
            {
                self.dial(slot, now)
            }
            // A previewed record is dialed.
            Event::Dial { slot, generation }
                if current(&self.contacts, slot, generation, Phase::Preview) =>
            {
                self.dial_previewed(slot, now)
            }
            Event::RingEnd { slot, generation }
                if current(&self.contacts, slot, generation, Phase::CallbackRinging) =>
            {
                self.ring_end(slot, now)
            }
            Event::RingEnd { slot, generation }
                if current(&self.contacts, slot, generation, Phase::Dialing) =>
            {
                self.dial_ended(slot, now)
            }
            Event::Campaign { campaign } => self.campaign_timer(campaign as usize, now),
            Event::ManualCall { campaign } => self.manual_call(campaign as usize, now),
            Event::Drop { slot, generation }
                if current(&self.contacts, slot, generation, Phase::Holding) =>
            {
                self.drop_live(slot, now)
            }
            Event::Drop { slot, generation }
                if current(&self.contacts, slot, generation, Phase::Message) =>
            {
                self.attempt_ended(slot, crate::scenario::CallResult::DROPPED, now)
            }
            Event::Expire { slot, id } => self.expire(slot, id, now),
            Event::Aux { agent, id } if self.agents.get(agent).id == id => self.aux_due(agent, now),
            Event::Overflow { slot, generation } if self.contacts.in_queue(slot, generation) => {
                self.dispatch(self.contacts.get(slot).queue as usize, now)
            }
            // A timer whose contact or agent has moved on.
            _ => {}
        }
    }

    #[inline]
    pub(super) fn schedule(&mut self, time: Ticks, event: Event) {
        self.events.schedule(time, event.into());
    }

    fn schedule_arrival(&mut self, q: usize) {
        self.next_arrival[q] = self.arrivals[q].next(&mut self.streams[q].arrivals);
        let mut earliest: Option<(Ticks, usize)> = None;
        for (q, &next) in self.next_arrival.iter().enumerate() {
            if let Some((t, _)) = next
                && earliest.is_none_or(|(e, _)| t < e)
            {
                earliest = Some((t, q));
            }
        }
        self.earliest_arrival = earliest;
    }

    fn arrival(&mut self, q: usize, now: Ticks) {
        let (_, k) = self.next_arrival[q].expect("the arrival being handled");
        self.schedule_arrival(q);
        let model = &self.model.queues[q];
        let s = &mut self.streams[q];
        // Every draw of a caller is taken at arrival, whatever then happens to the caller, so
        // that callers are the same when only staffing or ports change.
        let ivr = model.ivr.as_ref().map_or(0, |d| d.at(k).sample(&mut s.ivr));
        let handle = model.handle.at(k).sample(&mut s.handle);
        let wrap_up = model
            .wrap_up
            .as_ref()
            .map_or(0, |d| d.at(k).sample(&mut s.wrap_up));
        let patience = model
            .patience
            .as_ref()
            .map(|d| d.at(k).sample(&mut s.patience));
        let accepts = match &model.callback {
            Some(cb) if cb.policy.offers() => {
                let accept = cb.policy.accept.get(k);
                [
                    s.callback_accept.random::<f64>() < accept,
                    s.callback_accept.random::<f64>() < accept,
                ]
            }
            _ => [false; 2],
        };
        let id = self.next_id;
        self.next_id += 1;
        let interval = self.rec.arrived(q, id, now);

        let port = match model.pool {
            None => None,
            Some(p) => {
                if self.ports_busy[p] == self.model.pool_sizes[p] {
                    self.rec.blocked(q, interval);
                    self.trace_caller((id, q, interval.is_some()), TraceEvent::Blocked, now);
                    self.rec
                        .call(|| CallRecord::ended(id, q, interval, now, CallOutcome::Blocked, 0));
                    return;
                }
                self.seize_port(p, PortUse::Inbound, now);
                Some(HeldPort {
                    pool: p as u16,
                    since: now,
                    purpose: PortUse::Inbound,
                })
            }
        };
        self.in_system += 1;
        let slot = self.contacts.insert(Contact {
            id,
            generation: 0,
            phase: Phase::Ivr,
            queue: q as u16,
            interval,
            arrived: now,
            enqueued: now,
            order: 0,
            handle,
            wrap_up,
            patience,
            port,
            agent: 0,
            ronas: 0,
            accepts,
            offer_pending: false,
            kind: ContactKind::Inbound,
        });
        self.trace_contact(slot, TraceEvent::Arrived, None, None, now);
        if ivr > 0 {
            let generation = self.contacts.get(slot).generation;
            self.schedule(now.saturating_add(ivr), Event::IvrDone { slot, generation });
        } else {
            self.enter_queue(slot, now);
        }
    }

    /// The caller leaves the IVR and asks for an agent.
    fn enter_queue(&mut self, slot: u32, now: Ticks) {
        let order = self.next_order;
        self.next_order += 1;
        self.contacts.enter_phase(slot, Phase::Waiting);
        let c = self.contacts.get_mut(slot);
        c.enqueued = now;
        c.order = order;
        let (q, interval, generation, patience) =
            (c.queue as usize, c.interval, c.generation, c.patience);
        self.rec.offered(q, interval);
        self.trace_contact(slot, TraceEvent::Queued, None, None, now);
        if let Some(a) = self.model.routing.agent_for(q, 0, &mut self.agents) {
            // A caller whose agent's phone rings is still waiting: their timers run.
            if self.offer(slot, a, now) {
                self.start_waiting(slot, q, generation, patience, now);
            }
            return;
        }
        let offer_on_entry = self.model.queues[q]
            .callback
            .as_ref()
            .and_then(|cb| cb.policy.offer_on_entry_over)
            .is_some_and(|limit| self.estimated_wait(q) > limit);
        self.queues[q].push(Place {
            slot,
            generation,
            enqueued: now,
            order,
        });
        if offer_on_entry && self.offer_callback(slot, true, now) {
            // The callback keeps the caller's place, and its levels.
            self.schedule_overflow(slot, q, generation, now, now);
            return;
        }
        self.record_waiting(q, now);
        self.start_waiting(slot, q, generation, patience, now);
    }

    /// The timers of a caller who starts waiting now: patience, the callback offer after
    /// `offer_after` (unless the caller will have hung up by then), and the skill levels.
    fn start_waiting(
        &mut self,
        slot: u32,
        q: usize,
        generation: u32,
        patience: Option<Ticks>,
        now: Ticks,
    ) {
        if let Some(p) = patience {
            self.schedule(now.saturating_add(p), Event::Patience { slot, generation });
        }
        let offer_after = self.model.queues[q]
            .callback
            .as_ref()
            .and_then(|cb| cb.policy.offer_after);
        if let Some(after) = offer_after
            && patience.is_none_or(|p| p > after)
        {
            self.schedule(now.saturating_add(after), Event::Offer { slot, generation });
        }
        self.schedule_overflow(slot, q, generation, now, now);
    }

    /// Timers for the waits after which a contact of queue `q` that joined it at `enqueued`
    /// reaches agents of further skill levels (those still to come after `now`; levels
    /// already reached are taken into account when the contact takes its place).
    pub(super) fn schedule_overflow(
        &mut self,
        slot: u32,
        q: usize,
        generation: u32,
        enqueued: Ticks,
        now: Ticks,
    ) {
        let routing = &self.model.routing;
        for wait in routing.overflow_waits(q) {
            let at = enqueued.saturating_add(wait);
            if at > now {
                self.events
                    .schedule(at, Event::Overflow { slot, generation }.into());
            }
        }
    }

    /// The callers of queue `q` on the line: waiting in it, or ringing at an agent.
    pub(super) fn record_waiting(&mut self, q: usize, now: Ticks) {
        let n = self.queues[q].waiting() + self.ringing[q];
        self.rec.level(Level::Waiting(q), now, n);
    }

    /// The wait a caller joining queue `q` now can expect, as an ACD estimates it: its
    /// position (callers and callbacks ahead, plus one) times the queue's recent handle time,
    /// shared among the agents on shift and not in a not-ready state in the groups that serve
    /// the queue.
    fn estimated_wait(&self, q: usize) -> Ticks {
        let agents: u32 = self.model.queues[q]
            .groups
            .iter()
            .map(|&g| self.agents.available(g))
            .sum();
        if agents == 0 {
            return Ticks::MAX;
        }
        let position = f64::from(self.queues[q].places_held() + 1);
        (position * self.recent_handle[q] / f64::from(agents)) as Ticks
    }

    /// Moves agent `a` to `state`, recording both states' counts; returns the generation
    /// for the new state's timer.
    #[inline(always)]
    pub(super) fn set_agent_state(&mut self, a: u32, state: AgentState, now: Ticks) -> u32 {
        let (g, old, generation) = self.agents.set_state(a, state, now);
        self.rec.agent_moved(g, old.index(), state.index(), now);
        self.trace_agent(a, state.name(), now);
        generation
    }

    /// Offers the contact in `slot` (taken off its queue) to agent `a`: its phone rings for
    /// the group's answer time, or it answers at once. A caller offered still waits, and may
    /// abandon while it rings. Returns whether the phone rings.
    pub(super) fn offer(&mut self, slot: u32, a: u32, now: Ticks) -> bool {
        self.trace_contact(slot, TraceEvent::OfferContact, Some(a), None, now);
        let agent = self.agents.get_mut(a);
        let g = agent.group as usize;
        agent.contact = slot;
        let c = self.contacts.get_mut(slot);
        c.agent = a;
        let group = &self.model.groups[g];
        let Some(answer_after) = &group.answer_after else {
            // Auto-answer: nothing rings (and offers are not counted).
            match c.kind {
                ContactKind::Inbound => self.answer(slot, a, g, now),
                ContactKind::Callback => self.distribute_callback(slot, a, now),
                ContactKind::Outbound => unreachable!("campaign dials are never queued"),
            }
            return false;
        };
        let answer = answer_after.sample(&mut self.group_streams[g].answer);
        self.rec.offered_to_agent(g, c.interval);
        if answer == 0 {
            self.connect(slot, a, now);
            return false;
        }
        // The generation stays: the caller's patience runs on while the phone rings.
        c.phase = Phase::Offered;
        let q = c.queue as usize;
        match c.kind {
            ContactKind::Inbound => {
                self.ringing[q] += 1;
                self.record_waiting(q, now);
            }
            ContactKind::Outbound => unreachable!("campaign dials are never queued"),
            ContactKind::Callback => self.set_status(slot, CallbackStatus::Distributed, now),
        }
        let answers = answer < group.rona_timeout;
        let ring = if answers { answer } else { group.rona_timeout };
        self.agents.get_mut(a).answers = answers;
        let generation = self.set_agent_state(a, AgentState::Ringing, now);
        self.schedule(
            now.saturating_add(ring),
            Event::AgentTimer {
                agent: a,
                generation,
            },
        );
        true
    }

    /// A ringing caller stops ringing (answered, RONA, or hung up).
    fn stop_ringing(&mut self, slot: u32, now: Ticks) {
        let c = self.contacts.get(slot);
        if c.phase == Phase::Offered && c.kind == ContactKind::Inbound {
            let q = c.queue as usize;
            self.ringing[q] -= 1;
            self.record_waiting(q, now);
        }
    }

    /// Agent `a` answers the contact offered to it: a caller talks, a callback is
    /// distributed (the agent is reserved, then the customer dialed).
    fn connect(&mut self, slot: u32, a: u32, now: Ticks) {
        match self.contacts.get(slot).kind {
            ContactKind::Inbound => self.answer(slot, a, self.agents.get(a).group as usize, now),
            ContactKind::Callback => self.distribute_callback(slot, a, now),
            ContactKind::Outbound => unreachable!("campaign dials are never queued"),
        }
    }

    /// Agent `a`, of group `g`, answers the caller in `slot`.
    fn answer(&mut self, slot: u32, a: u32, g: usize, now: Ticks) {
        self.trace_contact(slot, TraceEvent::Connected, Some(a), None, now);
        self.set_agent_state(a, AgentState::Talking, now);
        self.contacts.enter_phase(slot, Phase::Talking);
        let c = self.contacts.get_mut(slot);
        let q = c.queue as usize;
        if self.model.handle_factors {
            c.handle = self.model.groups[g].talk_time(q, c.handle);
        }
        let wait = now - c.enqueued;
        let (generation, handle) = (c.generation, c.handle);
        self.rec
            .answered(q, g, c.interval, wait, c.handle, c.wrap_up, now);
        let agents = &self.agents;
        self.rec.call(|| CallRecord {
            group: Some(g),
            agent: Some(agents.get(a).id),
            ronas: u32::from(c.ronas),
            handle: c.handle,
            wrap_up: c.wrap_up,
            ..CallRecord::ended(c.id, q, c.interval, c.arrived, CallOutcome::Answered, wait)
        });
        self.schedule(
            now.saturating_add(handle),
            Event::TalkEnd { slot, generation },
        );
    }

    /// The offer to agent `a` rang past the group's `rona_timeout`: the contact goes back to
    /// its place in the queue, and the agent is not ready for `rona_not_ready`.
    fn rona(&mut self, a: u32, now: Ticks) {
        let agent = self.agents.get(a);
        let (g, slot) = (agent.group as usize, agent.contact);
        self.rec.rona(g, self.contacts.get(slot).interval);
        self.trace_contact(slot, TraceEvent::Rona, Some(a), None, now);
        self.stop_ringing(slot, now);
        let c = self.contacts.get_mut(slot);
        c.ronas = c.ronas.saturating_add(1);
        let (q, kind) = (c.queue as usize, c.kind);
        let place = Place {
            slot,
            generation: c.generation,
            enqueued: c.enqueued,
            order: c.order,
        };
        c.phase = match kind {
            ContactKind::Inbound => Phase::Waiting,
            ContactKind::Callback => Phase::CallbackQueued,
            ContactKind::Outbound => unreachable!("campaign dials are never queued"),
        };
        let offer_pending = std::mem::take(&mut c.offer_pending);
        self.queues[q].insert_at_place(place, kind == ContactKind::Callback);
        match kind {
            ContactKind::Inbound => self.record_waiting(q, now),
            // The agent's offer is cancelled; the callback is queued again.
            ContactKind::Callback => {
                self.set_status(slot, CallbackStatus::CanceledByAgt, now);
                self.set_status(slot, CallbackStatus::Queued, now);
            }
            ContactKind::Outbound => {}
        }
        if self.agents.get(a).leaving {
            // Its shift is over: it goes rather than sit out the not-ready time.
            self.agent_leaves(a, now);
        } else {
            let rona_not_ready = self.model.groups[g].rona_not_ready;
            let generation = self.set_agent_state(a, AgentState::Rona, now);
            self.schedule(
                now.saturating_add(rona_not_ready),
                Event::AgentTimer {
                    agent: a,
                    generation,
                },
            );
        }
        // The callback offer that came due while the phone rang is made now.
        if offer_pending && self.offer_callback(slot, false, now) {
            return;
        }
        self.dispatch(q, now);
    }

    /// Idle agents who may take queue `q`'s contacts take them while there are both. A
    /// refused callback asks for dispatch again from inside it: the loop already running
    /// carries on instead, so that the stack does not grow with the number of agents.
    pub(super) fn dispatch(&mut self, q: usize, now: Ticks) {
        if self.dispatching {
            return;
        }
        self.dispatching = true;
        loop {
            let contacts = &self.contacts;
            let Some(head) = self.queues[q].head(|p| contacts.in_queue(p.slot, p.generation))
            else {
                break;
            };
            let waited = now - head.enqueued;
            let Some(a) = self.model.routing.agent_for(q, waited, &mut self.agents) else {
                break;
            };
            self.take_place(q, head, now);
            self.offer(head.slot, a, now);
        }
        self.dispatching = false;
    }

    fn abandon(&mut self, slot: u32, now: Ticks) {
        let c = self.contacts.get(slot);
        let (q, ringing_at) = (
            c.queue as usize,
            (c.phase == Phase::Offered).then_some(c.agent),
        );
        let wait = now - c.enqueued;
        self.rec.abandoned(q, c.interval, wait, now);
        self.trace_contact(slot, TraceEvent::Abandoned, ringing_at, None, now);
        let c = self.contacts.get(slot);
        self.rec.call(|| CallRecord {
            ronas: u32::from(c.ronas),
            ..CallRecord::ended(c.id, q, c.interval, c.arrived, CallOutcome::Abandoned, wait)
        });
        self.stop_ringing(slot, now);
        // Leave first, so that the place is stale if the queue compacts.
        self.leave(slot, now);
        match ringing_at {
            // The phone stops ringing: the agent is free again.
            Some(a) => self.agent_free(a, now),
            None => {
                self.queue_left(q, false);
                self.record_waiting(q, now);
            }
        }
    }

    /// A contact (caller or callback) left queue `q` by itself.
    pub(super) fn queue_left(&mut self, q: usize, is_callback: bool) {
        let contacts = &self.contacts;
        self.queues[q].left(is_callback, |p| contacts.in_queue(p.slot, p.generation));
    }

    /// The call ends: the port is released at once, the agent after wrap-up.
    fn talk_end(&mut self, slot: u32, now: Ticks) {
        let c = self.contacts.get(slot);
        let (q, a, handle, wrap_up) = (c.queue as usize, c.agent, c.handle, c.wrap_up);
        self.trace_contact(slot, TraceEvent::ContactEnded, Some(a), None, now);
        if wrap_up > 0 {
            self.trace_contact(slot, TraceEvent::Acw, Some(a), None, now);
        }
        let c = self.contacts.get(slot);
        if c.kind != ContactKind::Outbound
            && self.model.queues[q]
                .callback
                .as_ref()
                .is_some_and(|cb| cb.policy.offer_on_entry_over.is_some())
        {
            // Kept only where a wait estimate is used (offers on entry).
            let recent = &mut self.recent_handle[q];
            *recent += RECENT_HANDLE_WEIGHT * ((handle + wrap_up) as f64 - *recent);
        }
        if c.kind == ContactKind::Outbound && self.contacts.outbound(slot).misjudged {
            // An agent hung up on a machine detection took for a person: the record is
            // retried as an ANSWERING_MACHINE result.
            self.attempt_ended(slot, crate::scenario::CallResult::ANSWERING_MACHINE, now);
        } else {
            self.leave(slot, now);
        }
        if wrap_up > 0 {
            let generation = self.set_agent_state(a, AgentState::WrapUp, now);
            self.schedule(
                now.saturating_add(wrap_up),
                Event::AgentTimer {
                    agent: a,
                    generation,
                },
            );
        } else {
            self.agent_free(a, now);
        }
    }

    /// Agent `a`'s timed state is over.
    fn agent_timer(&mut self, a: u32, now: Ticks) {
        let agent = self.agents.get(a);
        match agent.state {
            AgentState::Ringing if agent.answers => {
                let slot = agent.contact;
                self.stop_ringing(slot, now);
                self.connect(slot, a, now)
            }
            AgentState::Ringing => self.rona(a, now),
            AgentState::Aux => {
                self.schedule_aux(a, now);
                self.agent_free(a, now);
            }
            _ => self.agent_free(a, now),
        }
    }

    pub(super) fn seize_port(&mut self, p: usize, purpose: PortUse, now: Ticks) {
        self.ports_busy[p] += 1;
        self.rec.level(Level::PortsBusy(p), now, self.ports_busy[p]);
        self.count_port_use(p, purpose, 1, now);
    }

    /// Counts ports of pool `p` held for callbacks and campaigns (billed as outbound).
    fn count_port_use(&mut self, p: usize, purpose: PortUse, delta: i32, now: Ticks) {
        match purpose {
            PortUse::Inbound => {}
            PortUse::Callback => {
                self.ports_callback[p] = self.ports_callback[p].wrapping_add_signed(delta);
                self.rec
                    .level(Level::PortsCallback(p), now, self.ports_callback[p]);
            }
            PortUse::Campaign => {
                self.ports_campaign[p] = self.ports_campaign[p].wrapping_add_signed(delta);
                self.rec
                    .level(Level::PortsCampaign(p), now, self.ports_campaign[p]);
            }
        }
    }

    pub(super) fn port_free(&self, p: usize) -> bool {
        self.ports_busy[p] < self.model.pool_sizes[p]
    }

    /// Ports of pool `p` free now.
    pub(super) fn ports_free(&self, p: usize) -> u32 {
        self.model.pool_sizes[p] - self.ports_busy[p]
    }

    /// Releases the port the contact in `slot` holds, if any.
    pub(super) fn release_port(&mut self, slot: u32, now: Ticks) {
        let c = self.contacts.get_mut(slot);
        let Some(held) = c.port.take() else { return };
        // A campaign's dial counts where it was dialed; a caller's, where it arrived.
        let counted = match held.purpose {
            PortUse::Campaign => self.rec.reports(held.since),
            _ => c.interval.is_some(),
        };
        let p = held.pool as usize;
        self.rec.port_released(p, counted, now - held.since);
        self.ports_busy[p] -= 1;
        self.campaign_wake |= self.model.pool_campaigns[p];
        self.rec.level(Level::PortsBusy(p), now, self.ports_busy[p]);
        self.count_port_use(p, held.purpose, -1, now);
    }

    /// The contact leaves the system, releasing its port.
    pub(super) fn leave(&mut self, slot: u32, now: Ticks) {
        self.release_port(slot, now);
        self.contacts.remove(slot);
        self.in_system -= 1;
    }

    /// Agent `a` has nothing to do (a contact, a failed dial, a not-ready period or a ring
    /// ended): it leaves if its shift is over, takes a break or aux period that came due
    /// meanwhile, else takes the best waiting contact or becomes ready.
    pub(super) fn agent_free(&mut self, a: u32, now: Ticks) {
        if let Some((k, talking)) = self.agents.get_mut(a).campaign_work.take() {
            self.campaign_work_ended(k as usize, talking, now);
        }
        let agent = self.agents.get(a);
        if agent.leaving {
            self.agent_leaves(a, now);
            return;
        }
        if !agent.pending_breaks.is_empty() {
            let pending = self.agents.get_mut(a).pending_breaks.remove(0);
            self.start_break(a, pending, now);
            return;
        }
        if agent.pending_aux {
            self.agents.get_mut(a).pending_aux = false;
            self.start_aux(a, now);
            return;
        }
        if self.take_work(a, now) {
            return;
        }
        // Campaigns' work comes after inbound work (their groups only: the test is cheap).
        let g = self.agents.get(a).group as usize;
        let outbound = !self.model.group_campaigns[g].is_empty();
        if outbound && self.take_held_live(a, now) {
            return;
        }
        self.set_agent_state(a, AgentState::Ready, now);
        self.campaign_wake |= outbound;
    }

    /// A free or ready agent takes the contact routing gives it, if any.
    fn take_work(&mut self, a: u32, now: Ticks) -> bool {
        let g = self.agents.get(a).group as usize;
        let contacts = &self.contacts;
        let Some((q, place)) = self
            .model
            .routing
            .contact_for(g, now, &mut self.queues, |queue| {
                queue.head(|p| contacts.in_queue(p.slot, p.generation))
            })
        else {
            return false;
        };
        self.take_place(q, place, now);
        self.offer(place.slot, a, now);
        true
    }

    /// Removes `place`, the head of queue `q`.
    fn take_place(&mut self, q: usize, place: Place, now: Ticks) {
        let is_callback = self.contacts.get(place.slot).phase == Phase::CallbackQueued;
        self.queues[q].pop_head(is_callback);
        if !is_callback {
            self.record_waiting(q, now);
        }
    }

    /// Agent `a` leaves: its shift is over and it is not working a contact.
    fn agent_leaves(&mut self, a: u32, now: Ticks) {
        let agent = self.agents.get(a);
        let (g, state, scheduled) = (agent.group as usize, agent.state, !agent.leaving);
        self.trace_agent(a, "off_shift", now);
        self.agents.remove(a);
        self.rec.agent_left(g, state.index(), scheduled, now);
    }

    /// Applies the roster's changes due now, group by group.
    fn roster_changes(&mut self, now: Ticks) {
        let mut changes = std::mem::take(&mut self.roster_changes);
        for g in 0..self.model.groups.len() {
            changes.clear();
            self.roster.take(g, now, &mut changes);
            for &change in &changes {
                match change {
                    Change::Start { person } => self.shift_start(g, person, now),
                    Change::End { person } => self.shift_end(g, person, now),
                    Change::BreakDue { person, brk } => {
                        if let Some(a) = self.persons[g][person as usize] {
                            self.break_due(a, brk, now);
                        }
                    }
                }
            }
        }
        self.roster_changes = changes;
        if let Some(t) = self.roster.next_time() {
            self.schedule(t, Event::Roster);
        }
    }

    fn shift_start(&mut self, g: usize, person: u32, now: Ticks) {
        let a = self.agents.start(g, now);
        self.persons[g][person as usize] = Some(a);
        self.agents.enter(a, AgentState::Ready, now);
        self.rec.agent_started(g, now);
        self.trace_agent(a, AgentState::Ready.name(), now);
        self.schedule_aux(a, now);
        // A new agent takes waiting work at once; campaigns come after.
        if !self.take_work(a, now) && !self.take_held_live(a, now) {
            self.campaign_wake |= !self.model.group_campaigns[g].is_empty();
        }
    }

    fn shift_end(&mut self, g: usize, person: u32, now: Ticks) {
        let Some(a) = self.persons[g][person as usize].take() else {
            return;
        };
        if self.agents.get(a).state.is_busy() {
            // It finishes its contact first.
            self.agents.mark_leaving(a);
            self.rec.agent_unscheduled(g, now);
        } else {
            self.agent_leaves(a, now);
        }
    }

    /// A break of agent `a` is due: it starts now if the agent is ready, else when the
    /// agent is free (after its contact, or its other not-ready time).
    fn break_due(&mut self, a: u32, brk: Break, now: Ticks) {
        let pending = PendingBreak {
            kind: brk.kind,
            length: brk.length,
            due: now,
        };
        if self.agents.get(a).state == AgentState::Ready {
            self.start_break(a, pending, now);
        } else {
            self.agents.get_mut(a).pending_breaks.push(pending);
        }
    }

    fn start_break(&mut self, a: u32, brk: PendingBreak, now: Ticks) {
        let g = self.agents.get(a).group as usize;
        self.rec.break_started(g, now - brk.due);
        let generation = self.set_agent_state(a, brk.kind.into(), now);
        self.schedule(
            now.saturating_add(brk.length),
            Event::AgentTimer {
                agent: a,
                generation,
            },
        );
    }

    /// Schedules agent `a`'s next aux period, if its group has them.
    fn schedule_aux(&mut self, a: u32, now: Ticks) {
        let agent = self.agents.get(a);
        let g = agent.group as usize;
        let Some(policy) = &self.model.groups[g].not_ready else {
            return;
        };
        let after = policy.every.sample(&mut self.group_streams[g].aux);
        let id = agent.id;
        self.schedule(now.saturating_add(after), Event::Aux { agent: a, id });
    }

    fn aux_due(&mut self, a: u32, now: Ticks) {
        if self.agents.get(a).state == AgentState::Ready {
            self.start_aux(a, now);
        } else {
            self.agents.get_mut(a).pending_aux = true;
        }
    }

    fn start_aux(&mut self, a: u32, now: Ticks) {
        let g = self.agents.get(a).group as usize;
        let policy = self.model.groups[g]
            .not_ready
            .as_ref()
            .expect("a group with aux periods");
        let length = policy.length.sample(&mut self.group_streams[g].aux);
        let generation = self.set_agent_state(a, AgentState::Aux, now);
        self.schedule(
            now.saturating_add(length),
            Event::AgentTimer {
                agent: a,
                generation,
            },
        );
    }

    /// Reports what is still in the system and closes the statistics.
    fn finish(&mut self, now: Ticks) {
        let left: Vec<u32> = self.contacts.live_slots().collect();
        for slot in left {
            let c = self.contacts.get(slot);
            let wait = if matches!(c.phase, Phase::Waiting | Phase::Offered)
                && c.kind == ContactKind::Inbound
            {
                now - c.enqueued
            } else {
                0
            };
            let phase = match (c.kind, c.phase) {
                // A caller ringing at an agent is still waiting.
                (ContactKind::Inbound, Phase::Offered) => Phase::Waiting,
                (_, phase) => phase,
            };
            self.rec
                .still_in_system(c.queue as usize, c.interval, phase, wait);
            let outcome = match (c.kind, phase) {
                (ContactKind::Callback, Phase::Talking | Phase::Left) => continue,
                (ContactKind::Callback, _) => {
                    self.callback_row(slot);
                    continue;
                }
                (ContactKind::Outbound, _) => continue,
                (ContactKind::Inbound, Phase::Ivr) => CallOutcome::InIvr,
                (ContactKind::Inbound, Phase::Waiting) => CallOutcome::Waiting,
                // Answered contacts were reported when answered.
                (ContactKind::Inbound, _) => continue,
            };
            self.rec.call(|| CallRecord {
                ronas: u32::from(c.ronas),
                ..CallRecord::ended(c.id, c.queue as usize, c.interval, c.arrived, outcome, wait)
            });
        }
        self.rec.finish(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_pack_into_one_word_and_back() {
        let max = INDEX_MASK as u32;
        for e in [
            Event::IvrDone {
                slot: max,
                generation: u32::MAX,
            },
            Event::Patience {
                slot: 0,
                generation: 7,
            },
            Event::TalkEnd {
                slot: 123_456,
                generation: 1 << 31,
            },
            Event::AgentTimer {
                agent: max,
                generation: 2,
            },
            Event::Roster,
            Event::Offer {
                slot: 5,
                generation: 6,
            },
            Event::CallbackDue {
                slot: max,
                generation: 1,
            },
            Event::Dial {
                slot: 9,
                generation: 10,
            },
            Event::RingEnd {
                slot: 11,
                generation: 12,
            },
            Event::Expire {
                slot: 13,
                id: u32::MAX,
            },
            Event::Aux {
                agent: 3,
                id: u32::MAX,
            },
            Event::Overflow {
                slot: 4,
                generation: 5,
            },
        ] {
            assert_eq!(Event::from(PackedEvent::from(e)), e);
        }
        assert_eq!(std::mem::size_of::<PackedEvent>(), 8);
    }
}
