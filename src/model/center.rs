//! One replication: the event loop and the state machine of contacts, ports and agents.
//!
//! Inbound calls are handled here; callbacks, which share the queues, agents and ports, in
//! `callbacks.rs`.

use super::Model;
use super::agents::AgentGroupState;
use super::arrivals::ArrivalProcess;
use super::contacts::{Contact, Contacts, HeldPort, Phase};
use super::queue::{ContactQueue, Place};
use crate::engine::{EventQueue, RandomStreams, Stream, Ticks};
use crate::stats::{CallOutcome, CallRecord, Level, Recorder};
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
    WrapEnd {
        group: u32,
    },
    Staffing {
        interval: u32,
    },
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
    /// An agent's refused state ends.
    RefusalEnd {
        group: u32,
    },
}

/// An event packed into one word — kind (4 bits), index (28 bits), generation (32 bits) — so
/// a heap entry is 24 bytes: the heap is the hottest data in the program.
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
            Event::WrapEnd { group } => (3, group, 0),
            Event::Staffing { interval } => (4, interval, 0),
            Event::Offer { slot, generation } => (5, slot, generation),
            Event::CallbackDue { slot, generation } => (6, slot, generation),
            Event::Dial { slot, generation } => (7, slot, generation),
            Event::RingEnd { slot, generation } => (8, slot, generation),
            Event::Expire { slot, id } => (9, slot, id),
            Event::RefusalEnd { group } => (10, group, 0),
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
        let (slot, group) = (index, index);
        match p.0 >> 60 {
            0 => Event::IvrDone { slot, generation },
            1 => Event::Patience { slot, generation },
            2 => Event::TalkEnd { slot, generation },
            3 => Event::WrapEnd { group },
            4 => Event::Staffing { interval: index },
            5 => Event::Offer { slot, generation },
            6 => Event::CallbackDue { slot, generation },
            7 => Event::Dial { slot, generation },
            8 => Event::RingEnd { slot, generation },
            9 => Event::Expire {
                slot,
                id: generation,
            },
            _ => Event::RefusalEnd { group },
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

/// Weight of the newest handle time in a queue's running estimate (about the last 20 calls).
const RECENT_HANDLE_WEIGHT: f64 = 0.05;

pub(super) struct Center<'m, 'r> {
    pub(super) model: &'m Model,
    pub(super) events: EventQueue<PackedEvent>,
    pub(super) streams: Vec<QueueStreams>,
    /// Talk and wrap-up times of scheduled callback requests.
    pub(super) request_stream: Stream,
    arrivals: Vec<ArrivalProcess<'m>>,
    /// Each queue's next arrival. Arrivals are a stream already in time order, so they are
    /// merged with the event queue rather than pushed through it.
    next_arrival: Vec<Option<Ticks>>,
    /// The earliest of `next_arrival` (time, queue); ties go to the first queue.
    earliest_arrival: Option<(Ticks, usize)>,
    pub(super) contacts: Contacts,
    pub(super) queues: Vec<ContactQueue>,
    pub(super) groups: Vec<AgentGroupState>,
    /// Agents of each group reserved for a callback (call delay and ringing).
    pub(super) reserved: Vec<u32>,
    ports_busy: Vec<u32>,
    ports_callback: Vec<u32>,
    /// Each queue's recent talk plus wrap-up (ticks, exponentially weighted), as an ACD
    /// keeps it for its wait estimates.
    recent_handle: Vec<f64>,
    pub(super) next_id: u64,
    pub(super) next_order: u64,
    /// Whether `dispatch` is running (it does not nest).
    dispatching: bool,
    pub(super) in_system: u64,
    pub(super) rec: &'r mut Recorder,
}

impl Model {
    /// Simulates replication `replication`, reporting to `rec`.
    pub fn simulate(&self, replication: u32, rec: &mut Recorder) -> ReplicationEnd {
        let streams = RandomStreams::new(self.seed, u64::from(replication));
        let mut c = Center {
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
            request_stream: streams.stream("handle", "callback_requests"),
            arrivals: self
                .queues
                .iter()
                .map(|q| ArrivalProcess::new(&q.rates, self.intervals, self.interval))
                .collect(),
            next_arrival: vec![None; self.queues.len()],
            earliest_arrival: None,
            contacts: Contacts::default(),
            queues: self
                .queues
                .iter()
                .map(|q| ContactQueue::new(q.priority))
                .collect(),
            groups: self
                .groups
                .iter()
                .map(|_| AgentGroupState::default())
                .collect(),
            reserved: vec![0; self.groups.len()],
            ports_busy: vec![0; self.pool_sizes.len()],
            ports_callback: vec![0; self.pool_sizes.len()],
            recent_handle: self
                .queues
                .iter()
                .map(|q| q.expected_handle as f64)
                .collect(),
            next_id: 0,
            next_order: 0,
            dispatching: false,
            in_system: 0,
            rec,
        };
        c.run()
    }
}

impl Center<'_, '_> {
    fn run(&mut self) -> ReplicationEnd {
        self.schedule(0, Event::Staffing { interval: 0 });
        self.load_requests();
        for q in 0..self.model.queues.len() {
            self.schedule_arrival(q);
        }
        let cut_at = self.model.duration.saturating_add(self.model.drain_limit);
        let mut cut = false;
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
                continue;
            };
            if now > cut_at {
                // Only stale timers may remain once the system is empty.
                cut = self.in_system > 0;
                break;
            }
            self.rec.advance(now);
            self.handle(Event::from(packed), now);
        }
        // Contacts left when no event remains can never be served (nobody is staffed).
        cut |= self.in_system > 0;
        let ended_at = if cut { cut_at } else { self.events.now() };
        self.finish(ended_at);
        ReplicationEnd {
            events: self.events.events_processed(),
            cut,
            ended_at,
        }
    }

    #[inline]
    fn handle(&mut self, event: Event, now: Ticks) {
        let current =
            |c: &Contacts, slot, generation, phase| c.current(slot, generation, phase).is_some();
        match event {
            Event::IvrDone { slot, generation }
                if current(&self.contacts, slot, generation, Phase::Ivr) =>
            {
                self.enter_queue(slot, now)
            }
            Event::Patience { slot, generation }
                if current(&self.contacts, slot, generation, Phase::Waiting) =>
            {
                self.abandon(slot, now)
            }
            Event::TalkEnd { slot, generation }
                if current(&self.contacts, slot, generation, Phase::Talking) =>
            {
                self.talk_end(slot, now)
            }
            Event::WrapEnd { group } => self.agent_finished(group as usize, now),
            Event::Staffing { interval } => self.staffing(interval as usize, now),
            Event::Offer { slot, generation }
                if current(&self.contacts, slot, generation, Phase::Waiting) =>
            {
                self.offer_callback(slot, false, now);
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
            Event::RingEnd { slot, generation }
                if current(&self.contacts, slot, generation, Phase::CallbackRinging) =>
            {
                self.ring_end(slot, now)
            }
            Event::Expire { slot, id } => self.expire(slot, id, now),
            Event::RefusalEnd { group } => self.refusal_end(group as usize, now),
            // A timer whose contact has moved on.
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
        for (q, &t) in self.next_arrival.iter().enumerate() {
            if let Some(t) = t
                && earliest.is_none_or(|(e, _)| t < e)
            {
                earliest = Some((t, q));
            }
        }
        self.earliest_arrival = earliest;
    }

    fn arrival(&mut self, q: usize, now: Ticks) {
        self.schedule_arrival(q);
        let model = &self.model.queues[q];
        let s = &mut self.streams[q];
        // Every draw of a caller is taken at arrival, whatever then happens to the caller, so
        // that callers are the same when only staffing or ports change.
        let ivr = model.ivr.as_ref().map_or(0, |d| d.sample(&mut s.ivr));
        let handle = model.handle.sample(&mut s.handle);
        let wrap_up = model
            .wrap_up
            .as_ref()
            .map_or(0, |d| d.sample(&mut s.wrap_up));
        let patience = model.patience.as_ref().map(|d| d.sample(&mut s.patience));
        let accepts = match &model.callback {
            Some(cb) if cb.policy.offers() => {
                let accept = cb.policy.accept;
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
                    self.rec
                        .call(|| CallRecord::ended(id, q, interval, now, CallOutcome::Blocked, 0));
                    return;
                }
                self.seize_port(p, false, now);
                Some(HeldPort {
                    pool: p as u16,
                    since: now,
                    callback: false,
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
            group: 0,
            accepts,
            callback: false,
        });
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
        if let Some(g) = self.longest_idle_group(q) {
            self.take_idle_agent(g, now);
            self.answer(slot, g, now);
            return;
        }
        let policy = self.model.queues[q].callback.as_ref().map(|cb| &cb.policy);
        let offer_on_entry = policy
            .and_then(|p| p.offer_on_entry_over)
            .is_some_and(|limit| self.estimated_wait(q) > limit);
        let offer_after = policy.and_then(|p| p.offer_after);
        self.queues[q].push(Place {
            slot,
            generation,
            enqueued: now,
            order,
        });
        if offer_on_entry && self.offer_callback(slot, true, now) {
            return;
        }
        self.rec
            .level(Level::Waiting(q), now, self.queues[q].waiting());
        if let Some(p) = patience {
            self.schedule(now.saturating_add(p), Event::Patience { slot, generation });
        }
        // Offered after `offer_after`, unless the caller will have hung up by then.
        if let Some(after) = offer_after
            && patience.is_none_or(|p| p > after)
        {
            self.schedule(now.saturating_add(after), Event::Offer { slot, generation });
        }
    }

    /// The wait a caller joining queue `q` now can expect, as an ACD estimates it: its
    /// position (callers and callbacks ahead, plus one) times the queue's recent handle time,
    /// shared among the agents present in the groups that serve the queue.
    fn estimated_wait(&self, q: usize) -> Ticks {
        let agents: u32 = self.model.queues[q]
            .groups
            .iter()
            .map(|&g| self.groups[g].present - self.groups[g].refused)
            .sum();
        if agents == 0 {
            return Ticks::MAX;
        }
        let position = f64::from(self.queues[q].places_held() + 1);
        (position * self.recent_handle[q] / f64::from(agents)) as Ticks
    }

    /// The group, among those serving `q`, whose longest-idle agent has been idle longest.
    pub(super) fn longest_idle_group(&self, q: usize) -> Option<usize> {
        let mut best: Option<(Ticks, usize)> = None;
        for &g in &self.model.queues[q].groups {
            if let Some(since) = self.groups[g].longest_idle()
                && best.is_none_or(|(b, _)| since < b)
            {
                best = Some((since, g));
            }
        }
        best.map(|(_, g)| g)
    }

    /// The longest-idle agent of group `g` takes a contact.
    pub(super) fn take_idle_agent(&mut self, g: usize, now: Ticks) {
        self.groups[g].take_idle();
        self.rec
            .level(Level::AgentsBusy(g), now, self.groups[g].busy);
    }

    /// An agent of group `g` (already counted busy) takes the contact in `slot`: a caller is
    /// answered, a callback is distributed.
    fn serve(&mut self, slot: u32, g: usize, now: Ticks) {
        if self.contacts.get(slot).phase == Phase::CallbackQueued {
            self.distribute_callback(slot, g, now);
        } else {
            self.answer(slot, g, now);
        }
    }

    /// Idle agents of the groups serving `q` take its contacts while there are both. A
    /// refused callback asks for dispatch again from inside it: the loop already running
    /// carries on instead, so that the stack does not grow with the number of agents.
    pub(super) fn dispatch(&mut self, q: usize, now: Ticks) {
        if self.dispatching {
            return;
        }
        self.dispatching = true;
        while let Some(g) = self.longest_idle_group(q) {
            let Some(slot) = self.pop_head(q, now) else {
                break;
            };
            self.take_idle_agent(g, now);
            self.serve(slot, g, now);
        }
        self.dispatching = false;
    }

    /// An agent of group `g` (already counted busy, and recorded so) answers the caller in `slot`.
    fn answer(&mut self, slot: u32, g: usize, now: Ticks) {
        self.contacts.enter_phase(slot, Phase::Talking);
        let c = self.contacts.get_mut(slot);
        c.group = g as u16;
        let wait = now - c.enqueued;
        let (q, generation, handle) = (c.queue as usize, c.generation, c.handle);
        self.rec
            .answered(q, g, c.interval, wait, c.handle, c.wrap_up, now);
        self.rec.call(|| CallRecord {
            group: Some(g),
            handle: c.handle,
            wrap_up: c.wrap_up,
            ..CallRecord::ended(c.id, q, c.interval, c.arrived, CallOutcome::Answered, wait)
        });
        self.schedule(
            now.saturating_add(handle),
            Event::TalkEnd { slot, generation },
        );
    }

    fn abandon(&mut self, slot: u32, now: Ticks) {
        let c = self.contacts.get(slot);
        let q = c.queue as usize;
        let wait = now - c.enqueued;
        self.rec.abandoned(q, c.interval, wait, now);
        self.rec.call(|| {
            CallRecord::ended(c.id, q, c.interval, c.arrived, CallOutcome::Abandoned, wait)
        });
        // Leave first, so that the place is stale if the queue compacts.
        self.leave(slot, now);
        self.queue_left(q, false);
        self.rec
            .level(Level::Waiting(q), now, self.queues[q].waiting());
    }

    /// A contact (caller or callback) left queue `q` by itself.
    pub(super) fn queue_left(&mut self, q: usize, is_callback: bool) {
        let contacts = &self.contacts;
        self.queues[q].left(is_callback, |p| contacts.in_queue(p.slot, p.generation));
    }

    /// The call ends: the port is released at once, the agent after wrap-up.
    fn talk_end(&mut self, slot: u32, now: Ticks) {
        let c = self.contacts.get(slot);
        let (q, g, handle, wrap_up) = (c.queue as usize, c.group as usize, c.handle, c.wrap_up);
        // Kept only where a wait estimate is used (offers on entry).
        if self.model.queues[q]
            .callback
            .as_ref()
            .is_some_and(|cb| cb.policy.offer_on_entry_over.is_some())
        {
            let recent = &mut self.recent_handle[q];
            *recent += RECENT_HANDLE_WEIGHT * ((handle + wrap_up) as f64 - *recent);
        }
        self.leave(slot, now);
        if wrap_up > 0 {
            self.schedule(
                now.saturating_add(wrap_up),
                Event::WrapEnd { group: g as u32 },
            );
        } else {
            self.agent_finished(g, now);
        }
    }

    pub(super) fn seize_port(&mut self, p: usize, callback: bool, now: Ticks) {
        self.ports_busy[p] += 1;
        self.rec.level(Level::PortsBusy(p), now, self.ports_busy[p]);
        if callback {
            self.ports_callback[p] += 1;
            self.rec
                .level(Level::PortsCallback(p), now, self.ports_callback[p]);
        }
    }

    pub(super) fn port_free(&self, p: usize) -> bool {
        self.ports_busy[p] < self.model.pool_sizes[p]
    }

    /// Releases the port the contact in `slot` holds, if any.
    pub(super) fn release_port(&mut self, slot: u32, now: Ticks) {
        let c = self.contacts.get_mut(slot);
        let Some(held) = c.port.take() else { return };
        let (p, callback, interval) = (held.pool as usize, held.callback, c.interval);
        self.rec.port_released(p, interval, now - held.since);
        self.ports_busy[p] -= 1;
        self.rec.level(Level::PortsBusy(p), now, self.ports_busy[p]);
        if callback {
            self.ports_callback[p] -= 1;
            self.rec
                .level(Level::PortsCallback(p), now, self.ports_callback[p]);
        }
    }

    /// The contact leaves the system, releasing its port.
    pub(super) fn leave(&mut self, slot: u32, now: Ticks) {
        self.release_port(slot, now);
        self.contacts.remove(slot);
        self.in_system -= 1;
    }

    /// An agent of group `g` finished (a contact after wrap-up, a failed dial, a refusal):
    /// it leaves if scheduled off, else takes the best waiting contact or becomes idle.
    pub(super) fn agent_finished(&mut self, g: usize, now: Ticks) {
        if !self.groups[g].finish() {
            self.rec
                .level(Level::AgentsBusy(g), now, self.groups[g].busy);
            self.rec
                .level(Level::AgentsPresent(g), now, self.groups[g].present);
            return;
        }
        match self.next_waiting_for(g, now) {
            Some(slot) => {
                self.groups[g].resume();
                self.serve(slot, g, now);
            }
            None => {
                self.groups[g].make_idle(now);
                self.rec
                    .level(Level::AgentsBusy(g), now, self.groups[g].busy);
            }
        }
    }

    /// The head of queue `q`, if any, removed.
    fn pop_head(&mut self, q: usize, now: Ticks) -> Option<u32> {
        let contacts = &self.contacts;
        let head = self.queues[q].head(|p| contacts.in_queue(p.slot, p.generation))?;
        self.take_place(q, head, now);
        Some(head.slot)
    }

    /// Removes `place`, the head of queue `q`.
    fn take_place(&mut self, q: usize, place: Place, now: Ticks) {
        let is_callback = self.contacts.get(place.slot).phase == Phase::CallbackQueued;
        self.queues[q].pop_head(is_callback);
        if !is_callback {
            self.rec
                .level(Level::Waiting(q), now, self.queues[q].waiting());
        }
    }

    /// Removes and returns the contact group `g` should take next: highest priority, then the
    /// one that entered its queue first.
    fn next_waiting_for(&mut self, g: usize, now: Ticks) -> Option<u32> {
        let mut best: Option<(usize, Place)> = None;
        for &q in &self.model.groups[g].queues {
            let contacts = &self.contacts;
            let Some(head) = self.queues[q].head(|p| contacts.in_queue(p.slot, p.generation))
            else {
                continue;
            };
            let better = match &best {
                None => true,
                Some((bq, b)) => {
                    let (pa, pb) = (self.queues[q].priority, self.queues[*bq].priority);
                    pa > pb || (pa == pb && (head.enqueued, head.order) < (b.enqueued, b.order))
                }
            };
            if better {
                best = Some((q, head));
            }
        }
        let (q, place) = best?;
        self.take_place(q, place, now);
        Some(place.slot)
    }

    fn staffing(&mut self, interval: usize, now: Ticks) {
        for g in 0..self.groups.len() {
            self.groups[g].set_scheduled(self.model.groups[g].staffing.get(interval), now);
            // New agents take waiting contacts at once.
            while self.groups[g].longest_idle().is_some() {
                let Some(slot) = self.next_waiting_for(g, now) else {
                    break;
                };
                self.take_idle_agent(g, now);
                self.serve(slot, g, now);
            }
            self.rec
                .level(Level::AgentsPresent(g), now, self.groups[g].present);
        }
        if interval + 1 < self.model.intervals {
            let next = interval as u32 + 1;
            self.schedule(
                self.model.interval * u64::from(next),
                Event::Staffing { interval: next },
            );
        }
    }

    /// Reports what is still in the system and closes the statistics.
    fn finish(&mut self, now: Ticks) {
        let left: Vec<u32> = self.contacts.live_slots().collect();
        for slot in left {
            let c = self.contacts.get(slot);
            let wait = if c.phase == Phase::Waiting {
                now - c.enqueued
            } else {
                0
            };
            self.rec
                .still_in_system(c.queue as usize, c.interval, c.phase, wait);
            let outcome = match c.phase {
                Phase::Ivr => CallOutcome::InIvr,
                Phase::Waiting => CallOutcome::Waiting,
                Phase::CallbackTimer
                | Phase::CallbackQueued
                | Phase::CallbackReserved
                | Phase::CallbackRinging => {
                    self.callback_row(slot);
                    continue;
                }
                // Answered contacts were reported when answered.
                Phase::Talking | Phase::Left => continue,
            };
            self.rec.call(|| {
                CallRecord::ended(c.id, c.queue as usize, c.interval, c.arrived, outcome, wait)
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
            Event::WrapEnd { group: 2 },
            Event::Staffing { interval: 47 },
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
            Event::RefusalEnd { group: 3 },
        ] {
            assert_eq!(Event::from(PackedEvent::from(e)), e);
        }
        assert_eq!(std::mem::size_of::<PackedEvent>(), 8);
    }
}
