//! One replication: the event loop and the state machine of contacts, ports and agents.

use super::Model;
use super::agents::AgentGroupState;
use super::arrivals::ArrivalProcess;
use super::contacts::{Contact, Contacts, Phase};
use super::queue::{ContactQueue, Place};
use crate::engine::{EventQueue, RandomStreams, Stream, Ticks};
use crate::stats::{CallOutcome, CallRecord, Level, Recorder};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Event {
    IvrDone { slot: u32, generation: u32 },
    Patience { slot: u32, generation: u32 },
    TalkEnd { slot: u32, generation: u32 },
    WrapEnd { group: u32 },
    Staffing { interval: u32 },
}

/// An event packed into one word — kind (3 bits), index (29 bits), generation (32 bits) — so
/// a heap entry is 24 bytes: the heap is the hottest data in the program.
#[derive(Clone, Copy, Debug)]
struct PackedEvent(u64);

const INDEX_BITS: u32 = 29;
const INDEX_MASK: u64 = (1 << INDEX_BITS) - 1;

impl From<Event> for PackedEvent {
    #[inline]
    fn from(e: Event) -> Self {
        let (kind, index, generation) = match e {
            Event::IvrDone { slot, generation } => (0, slot, generation),
            Event::Patience { slot, generation } => (1, slot, generation),
            Event::TalkEnd { slot, generation } => (2, slot, generation),
            Event::WrapEnd { group } => (3, group, 0),
            Event::Staffing { interval } => (4, interval, 0),
        };
        debug_assert!(
            u64::from(index) <= INDEX_MASK,
            "index fits in {INDEX_BITS} bits"
        );
        PackedEvent(kind << 61 | (u64::from(index) & INDEX_MASK) << 32 | u64::from(generation))
    }
}

impl From<PackedEvent> for Event {
    #[inline]
    fn from(p: PackedEvent) -> Self {
        let index = ((p.0 >> 32) & INDEX_MASK) as u32;
        let generation = p.0 as u32;
        match p.0 >> 61 {
            0 => Event::IvrDone {
                slot: index,
                generation,
            },
            1 => Event::Patience {
                slot: index,
                generation,
            },
            2 => Event::TalkEnd {
                slot: index,
                generation,
            },
            3 => Event::WrapEnd { group: index },
            _ => Event::Staffing { interval: index },
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
struct QueueStreams {
    arrivals: Stream,
    ivr: Stream,
    handle: Stream,
    wrap_up: Stream,
    patience: Stream,
}

struct Center<'m, 'r> {
    model: &'m Model,
    events: EventQueue<PackedEvent>,
    streams: Vec<QueueStreams>,
    arrivals: Vec<ArrivalProcess<'m>>,
    /// Each queue's next arrival. Arrivals are a stream already in time order, so they are
    /// merged with the event queue rather than pushed through it.
    next_arrival: Vec<Option<Ticks>>,
    /// The earliest of `next_arrival` (time, queue); ties go to the first queue.
    earliest_arrival: Option<(Ticks, usize)>,
    contacts: Contacts,
    queues: Vec<ContactQueue>,
    groups: Vec<AgentGroupState>,
    ports_busy: Vec<u32>,
    next_id: u64,
    next_order: u64,
    in_system: u64,
    rec: &'r mut Recorder,
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
                })
                .collect(),
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
            ports_busy: vec![0; self.pool_sizes.len()],
            next_id: 0,
            next_order: 0,
            in_system: 0,
            rec,
        };
        c.run()
    }
}

impl Center<'_, '_> {
    fn run(&mut self) -> ReplicationEnd {
        self.schedule(0, Event::Staffing { interval: 0 });
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
            match Event::from(packed) {
                Event::IvrDone { slot, generation } => {
                    if self
                        .contacts
                        .current(slot, generation, Phase::Ivr)
                        .is_some()
                    {
                        self.enter_queue(slot, now);
                    }
                }
                Event::Patience { slot, generation } => {
                    if self
                        .contacts
                        .current(slot, generation, Phase::Waiting)
                        .is_some()
                    {
                        self.abandon(slot, now);
                    }
                }
                Event::TalkEnd { slot, generation } => {
                    if let Some(c) = self.contacts.current(slot, generation, Phase::Talking) {
                        let group = c.group as usize;
                        self.talk_end(slot, group, now);
                    }
                }
                Event::WrapEnd { group } => self.agent_finished(group as usize, now),
                Event::Staffing { interval } => self.staffing(interval as usize, now),
            }
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
    fn schedule(&mut self, time: Ticks, event: Event) {
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
        let id = self.next_id;
        self.next_id += 1;
        let interval = self.rec.arrived(q, id, now);

        let holds_port = match model.pool {
            None => false,
            Some(p) => {
                if self.ports_busy[p] == self.model.pool_sizes[p] {
                    self.rec.blocked(q, interval);
                    self.rec.call(CallRecord {
                        id,
                        queue: q,
                        interval,
                        arrived: now,
                        outcome: CallOutcome::Blocked,
                        wait: 0,
                        group: None,
                        handle: 0,
                        wrap_up: 0,
                    });
                    return;
                }
                self.ports_busy[p] += 1;
                self.rec.level(Level::PortsBusy(p), now, self.ports_busy[p]);
                true
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
            handle,
            wrap_up,
            patience,
            holds_port,
            group: 0,
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
        let c = self.contacts.get_mut(slot);
        c.phase = Phase::Waiting;
        c.generation = c.generation.wrapping_add(1);
        c.enqueued = now;
        let (q, interval, generation, patience) =
            (c.queue as usize, c.interval, c.generation, c.patience);
        self.rec.offered(q, interval);
        if let Some(g) = self.longest_idle_group(q) {
            self.take_idle_agent(g, now);
            self.answer(slot, g, now);
            return;
        }
        let order = self.next_order;
        self.next_order += 1;
        self.queues[q].push(Place {
            slot,
            generation,
            enqueued: now,
            order,
        });
        self.rec
            .level(Level::Waiting(q), now, self.queues[q].waiting());
        if let Some(p) = patience {
            self.schedule(now.saturating_add(p), Event::Patience { slot, generation });
        }
    }

    /// The group, among those serving `q`, whose longest-idle agent has been idle longest.
    fn longest_idle_group(&self, q: usize) -> Option<usize> {
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

    /// An agent of group `g` (already counted busy, and recorded so) answers the contact in `slot`.
    fn answer(&mut self, slot: u32, g: usize, now: Ticks) {
        let c = self.contacts.get_mut(slot);
        c.phase = Phase::Talking;
        c.generation = c.generation.wrapping_add(1);
        c.group = g as u16;
        let wait = now - c.enqueued;
        let (q, generation, handle) = (c.queue as usize, c.generation, c.handle);
        self.rec
            .answered(q, g, c.interval, wait, c.handle, c.wrap_up, now);
        self.rec.call(CallRecord {
            id: c.id,
            queue: q,
            interval: c.interval,
            arrived: c.arrived,
            outcome: CallOutcome::Answered,
            wait,
            group: Some(g),
            handle: c.handle,
            wrap_up: c.wrap_up,
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
        self.rec.call(CallRecord {
            id: c.id,
            queue: q,
            interval: c.interval,
            arrived: c.arrived,
            outcome: CallOutcome::Abandoned,
            wait,
            group: None,
            handle: 0,
            wrap_up: 0,
        });
        // Leave first, so that the place is stale if the queue compacts.
        self.leave(slot, now);
        let contacts = &self.contacts;
        self.queues[q].left(|p| {
            contacts
                .current(p.slot, p.generation, Phase::Waiting)
                .is_some()
        });
        self.rec
            .level(Level::Waiting(q), now, self.queues[q].waiting());
    }

    /// The call ends: the port is released at once, the agent after wrap-up.
    fn talk_end(&mut self, slot: u32, g: usize, now: Ticks) {
        let wrap_up = self.contacts.get(slot).wrap_up;
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

    /// The contact leaves the system, releasing its port.
    fn leave(&mut self, slot: u32, now: Ticks) {
        let c = self.contacts.get(slot);
        if c.holds_port {
            let p = self.model.queues[c.queue as usize]
                .pool
                .expect("a port holder's queue has a pool");
            self.rec.port_released(p, c.interval, now - c.arrived);
            self.ports_busy[p] -= 1;
            self.rec.level(Level::PortsBusy(p), now, self.ports_busy[p]);
        }
        self.contacts.remove(slot);
        self.in_system -= 1;
    }

    /// An agent of group `g` finished a contact (after wrap-up): it leaves if scheduled off,
    /// else takes the best waiting contact or becomes idle.
    fn agent_finished(&mut self, g: usize, now: Ticks) {
        if !self.groups[g].finish() {
            self.rec
                .level(Level::AgentsBusy(g), now, self.groups[g].busy);
            self.rec
                .level(Level::AgentsPresent(g), now, self.groups[g].present);
            return;
        }
        match self.next_waiting_for(g) {
            Some(slot) => {
                self.groups[g].resume();
                self.answer(slot, g, now);
            }
            None => {
                self.groups[g].make_idle(now);
                self.rec
                    .level(Level::AgentsBusy(g), now, self.groups[g].busy);
            }
        }
    }

    /// The longest-idle agent of group `g` takes a contact.
    fn take_idle_agent(&mut self, g: usize, now: Ticks) {
        self.groups[g].take_idle();
        self.rec
            .level(Level::AgentsBusy(g), now, self.groups[g].busy);
    }

    /// Removes and returns the contact group `g` should take next: highest priority, then the
    /// one that entered its queue first.
    fn next_waiting_for(&mut self, g: usize) -> Option<u32> {
        let mut best: Option<(usize, Place)> = None;
        for &q in &self.model.groups[g].queues {
            let contacts = &self.contacts;
            let Some(head) = self.queues[q].head(|p| {
                contacts
                    .current(p.slot, p.generation, Phase::Waiting)
                    .is_some()
            }) else {
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
        self.queues[q].pop_head();
        let now = self.events.now();
        self.rec
            .level(Level::Waiting(q), now, self.queues[q].waiting());
        Some(place.slot)
    }

    fn staffing(&mut self, interval: usize, now: Ticks) {
        for g in 0..self.groups.len() {
            self.groups[g].set_scheduled(self.model.groups[g].staffing.get(interval), now);
            // New agents take waiting contacts at once.
            while self.groups[g].longest_idle().is_some() {
                let Some(slot) = self.next_waiting_for(g) else {
                    break;
                };
                self.take_idle_agent(g, now);
                self.answer(slot, g, now);
            }
            self.rec
                .level(Level::AgentsPresent(g), now, self.groups[g].present);
        }
        if interval + 1 < self.model.intervals {
            self.schedule(
                self.model.interval * (interval as u64 + 1),
                Event::Staffing {
                    interval: interval as u32 + 1,
                },
            );
        }
    }

    /// Reports what is still in the system and closes the statistics.
    fn finish(&mut self, now: Ticks) {
        for c in self.contacts.iter_live() {
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
                // Answered contacts were reported when answered.
                Phase::Talking | Phase::Left => continue,
            };
            self.rec.call(CallRecord {
                id: c.id,
                queue: c.queue as usize,
                interval: c.interval,
                arrived: c.arrived,
                outcome,
                wait,
                group: None,
                handle: 0,
                wrap_up: 0,
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
        ] {
            assert_eq!(Event::from(PackedEvent::from(e)), e);
        }
        assert_eq!(std::mem::size_of::<PackedEvent>(), 8);
    }
}
