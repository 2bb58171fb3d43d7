//! The callback part of the state machine (seeds 000–002).
//!
//! A callback keeps its caller's place, priority and contact id in the queue but holds no
//! port. When it reaches an agent the agent is reserved; after `CallDelaySec` the customer is
//! dialed on a port; the dial rings and ends with a `call_result`, whose class says what it
//! means. A connected result (OK, TRANSFERRED …) connects customer and agent; any other frees
//! both: a final one (SIT_VACANT, DO_NOT_CALL …) ends the callback at once (FINAL), and a
//! retry (BUSY, NO_ANSWER …) brings it back after the retry interval (at its old place in the
//! queue) until its attempts run out (FINAL) or its window closes (ENDTIME_EXPIRED). With a
//! `CallDelaySec` of 60 s or more the agent refuses instead.

use super::agents::AgentState;
use super::center::{Center, Event};
use super::contacts::{CallbackState, Contact, ContactKind, HeldPort, Phase, PortUse};
use super::queue::Place;
use crate::engine::Ticks;
use crate::scenario::{CallResult, ResultClass};
use crate::stats::{
    CallOutcome, CallRecord, CallbackKind, CallbackRecord, CallbackStatus, TraceEvent,
};

impl<'m, const TRACE: bool> Center<'m, '_, TRACE> {
    /// Creates the scheduled requests at the start: each waits (TIMER) until it is due. A
    /// request talks as its queue's callers do; its times are drawn now, in file order, from
    /// a stream of their own, so that they are the same whatever else changes.
    pub(super) fn load_requests(&mut self) {
        for r in &self.model.scenario.callback_requests {
            let queue = &self.model.queues[r.queue];
            let k = self.model.interval_of(r.due);
            let handle = queue.handle.at(k).sample(&mut self.request_stream);
            let wrap_up = queue
                .wrap_up
                .as_ref()
                .map_or(0, |d| d.at(k).sample(&mut self.request_stream));
            let id = self.next_id;
            self.next_id += 1;
            self.in_system += 1;
            let window_end = r.due.saturating_add(r.expires_after);
            let pool = r.pool.or(self.model.queues[r.queue].pool).map(|p| p as u16);
            let slot = self.contacts.insert(Contact {
                id,
                generation: 0,
                phase: Phase::CallbackTimer,
                queue: r.queue as u16,
                interval: None,
                arrived: r.due,
                enqueued: r.due,
                order: 0,
                handle,
                wrap_up,
                patience: None,
                port: None,
                agent: 0,
                ronas: 0,
                accepts: [false; 2],
                offer_pending: false,
                kind: ContactKind::Inbound,
            });
            self.contacts.set_callback(
                slot,
                CallbackState {
                    kind: CallbackKind::Scheduled,
                    due: r.due,
                    window_end,
                    retry_after: r.retry_after,
                    pool,
                    attempts: 0,
                    result: None,
                    status: CallbackStatus::Received,
                },
            );
            self.trace(slot, CallbackStatus::Received, 0);
            self.set_status(slot, CallbackStatus::Timer, 0);
            let generation = self.contacts.get(slot).generation;
            self.schedule(r.due, Event::CallbackDue { slot, generation });
            self.schedule(
                window_end,
                Event::Expire {
                    slot,
                    id: id as u32,
                },
            );
        }
    }

    /// Offers a callback to the waiting caller in `slot` (on entry, or after waiting);
    /// returns whether the caller accepted.
    /// No offer is made while the queue holds its `max_queued` callbacks.
    pub(super) fn offer_callback(&mut self, slot: u32, on_entry: bool, now: Ticks) -> bool {
        let c = self.contacts.get(slot);
        let q = c.queue as usize;
        if self.queue_full_of_callbacks(q) {
            self.rec.callback_offer_withheld(q, c.interval);
            return false;
        }
        self.rec.callback_offered(q, c.interval);
        if !c.accepts[usize::from(!on_entry)] {
            return false;
        }
        self.accept_callback(slot, now);
        true
    }

    /// The caller hangs up: their port is released, the callback keeps their place.
    fn accept_callback(&mut self, slot: u32, now: Ticks) {
        let c = self.contacts.get_mut(slot);
        let q = c.queue as usize;
        let policy = &self.model.queues[q]
            .callback
            .as_ref()
            .expect("a queue that offers callbacks")
            .policy;
        // The generation stays: the place in the queue is still this contact's. Timers of
        // the waiting caller (patience, offer) go stale by phase.
        c.phase = Phase::CallbackQueued;
        let window_end = now.saturating_add(policy.expires_after);
        let (id, interval, wait) = (c.id, c.interval, now - c.enqueued);
        let state = CallbackState {
            kind: CallbackKind::Asap,
            due: now,
            window_end,
            retry_after: policy.retry_after,
            pool: self.model.queues[q].pool.map(|p| p as u16),
            attempts: 0,
            result: None,
            status: CallbackStatus::Received,
        };
        self.contacts.set_callback(slot, state);
        self.release_port(slot, now);
        self.queues[q].became_callback();
        self.record_waiting(q, now);
        self.rec.callback_accepted(q, interval, wait);
        self.trace(slot, CallbackStatus::Received, now);
        self.set_status(slot, CallbackStatus::Queued, now);
        self.schedule(
            window_end,
            Event::Expire {
                slot,
                id: id as u32,
            },
        );
    }

    /// Whether queue `q` holds as many callbacks as its `max_queued` allows.
    fn queue_full_of_callbacks(&self, q: usize) -> bool {
        let limit = self.model.queues[q]
            .callback
            .as_ref()
            .and_then(|c| c.policy.max_queued);
        limit.is_some_and(|m| self.queues[q].callbacks() >= m)
    }

    /// A callback is due (scheduled, or a retry): it takes its place in the queue — unless
    /// it is a new request and the queue holds its `max_queued` callbacks (NOT_QUEUED). A
    /// retry always takes back its place: the request was queued once.
    pub(super) fn callback_due(&mut self, slot: u32, now: Ticks) {
        let first_request = {
            let cb = self.contacts.callback(slot);
            cb.kind == CallbackKind::Scheduled && cb.attempts == 0
        };
        if first_request {
            // A scheduled request arrives now, at the back of the queue.
            let order = self.next_order;
            self.next_order += 1;
            let q = self.contacts.get(slot).queue as usize;
            let interval = self
                .rec
                .callback_requested(q, self.contacts.get(slot).id, now);
            let c = self.contacts.get_mut(slot);
            (c.interval, c.enqueued, c.order) = (interval, now, order);
            if self.queue_full_of_callbacks(q) {
                self.end_callback(slot, CallbackStatus::NotQueued, now);
                return;
            }
        }
        self.contacts.get_mut(slot).phase = Phase::CallbackQueued;
        self.take_back_place(slot, now);
    }

    /// The queued callback in `slot` takes (back) its place in its queue — a retry the place
    /// of the call it came from, as its priority and age stay in effect (the source says so
    /// of callbacks) — and idle agents are given work.
    fn take_back_place(&mut self, slot: u32, now: Ticks) {
        let c = self.contacts.get(slot);
        let (q, place) = (
            c.queue as usize,
            Place {
                slot,
                generation: c.generation,
                enqueued: c.enqueued,
                order: c.order,
            },
        );
        self.set_status(slot, CallbackStatus::Queued, now);
        self.queues[q].insert_at_place(place, true);
        // Skill levels are reached by the wait since the place was taken.
        self.schedule_overflow(slot, q, place.generation, place.enqueued, now);
        self.dispatch(q, now);
    }

    /// Agent `a` takes the queued callback in `slot`.
    pub(super) fn distribute_callback(&mut self, slot: u32, a: u32, now: Ticks) {
        let q = self.contacts.get(slot).queue as usize;
        let policy = &self.model.queues[q]
            .callback
            .as_ref()
            .expect("a queue that returns callbacks")
            .policy;
        let (refuses, refused_for, call_delay) =
            (policy.refuses(), policy.refused_for, policy.call_delay);
        if self.contacts.callback(slot).status != CallbackStatus::Distributed {
            // Auto-answer: distributed now (an offer that rang was distributed when offered).
            self.set_status(slot, CallbackStatus::Distributed, now);
        }
        if refuses {
            // CallDelaySec of 60 s or more: the agent is placed in a refused state and the
            // callback goes back to its place, for the next agent (who refuses it too).
            self.set_status(slot, CallbackStatus::RejectedByAgt, now);
            if self.agents.get(a).leaving {
                // Its shift is over: it goes rather than sit out the refused state.
                self.agent_free(a, now);
            } else {
                let generation = self.set_agent_state(a, AgentState::Refused, now);
                self.schedule(
                    now.saturating_add(refused_for),
                    Event::AgentTimer {
                        agent: a,
                        generation,
                    },
                );
            }
            self.contacts.get_mut(slot).phase = Phase::CallbackQueued;
            self.take_back_place(slot, now);
            return;
        }
        let generation = self.contacts.enter_phase(slot, Phase::CallbackReserved);
        self.set_agent_state(a, AgentState::Reserved, now);
        self.schedule(
            now.saturating_add(call_delay),
            Event::Dial { slot, generation },
        );
    }

    /// The call delay is over: the customer is dialed on a port, if one is free — unless the
    /// window has closed meanwhile: then the callback expires undialed.
    pub(super) fn dial(&mut self, slot: u32, now: Ticks) {
        if now >= self.contacts.callback(slot).window_end {
            let a = self.contacts.get(slot).agent;
            self.end_callback(slot, CallbackStatus::EndtimeExpired, now);
            self.agent_free(a, now);
            return;
        }
        let q = self.contacts.get(slot).queue as usize;
        let cb = self.contacts.callback_mut(slot);
        cb.attempts += 1;
        let pool = cb.pool.map(usize::from);
        if let Some(p) = pool {
            if !self.port_free(p) {
                self.attempt_failed(slot, CallResult::NO_FREE_PORT_ERROR, now);
                return;
            }
            self.seize_port(p, PortUse::Callback, now);
            self.contacts.get_mut(slot).port = Some(HeldPort {
                pool: p as u16,
                since: now,
                purpose: PortUse::Callback,
            });
        }
        let model = self.model.queues[q]
            .callback
            .as_ref()
            .expect("a queue that returns callbacks");
        let s = &mut self.streams[q];
        let (result, ring) = model
            .dial
            .draw(&mut s.callback_result, &mut s.callback_ring);
        self.contacts.callback_mut(slot).result = Some(result);
        let generation = self.contacts.enter_phase(slot, Phase::CallbackRinging);
        self.set_status(slot, CallbackStatus::SubmittedToAgt, now);
        self.schedule(
            now.saturating_add(ring),
            Event::RingEnd { slot, generation },
        );
    }

    /// The ringing ends: a connected result connects customer and agent; anything else is
    /// a failed attempt.
    pub(super) fn ring_end(&mut self, slot: u32, now: Ticks) {
        let result = self
            .contacts
            .callback(slot)
            .result
            .expect("a dial has a result");
        if self.policy_of(slot).dialing.class(result) != ResultClass::Connected {
            self.attempt_failed(slot, result, now);
            return;
        }
        self.contacts.enter_phase(slot, Phase::Talking);
        let c = self.contacts.get_mut(slot);
        let (q, a, generation) = (c.queue as usize, c.agent, c.generation);
        let g = self.agents.get(a).group as usize;
        if self.model.handle_factors {
            c.handle = self.model.groups[g].talk_time(q, c.handle);
        }
        let (handle, wrap_up, interval) = (c.handle, c.wrap_up, c.interval);
        let cb = self.contacts.callback(slot).clone();
        self.trace_contact(slot, TraceEvent::Connected, Some(a), None, now);
        self.set_agent_state(a, AgentState::Talking, now);
        let from_offer = cb.kind == CallbackKind::Asap;
        let line_wait = match cb.kind {
            CallbackKind::Asap => cb.due - self.contacts.get(slot).enqueued,
            CallbackKind::Scheduled => 0,
        };
        self.rec.callback_connected(
            q,
            g,
            interval,
            now - cb.due,
            line_wait,
            handle,
            wrap_up,
            cb.attempts,
            from_offer,
        );
        self.set_status(slot, CallbackStatus::ProcessedByAgt, now);
        self.callback_row(slot);
        self.schedule(
            now.saturating_add(handle),
            Event::TalkEnd { slot, generation },
        );
    }

    /// An attempt failed with `result`: agent and port are freed; the callback is retried,
    /// or ends when the result is final, its attempts are used up or its window has closed.
    fn attempt_failed(&mut self, slot: u32, result: CallResult, now: Ticks) {
        self.release_port(slot, now);
        let a = self.contacts.get(slot).agent;
        let policy = self.policy_of(slot);
        let (max_attempts, final_result) = (
            policy.max_attempts,
            policy.dialing.class(result) == ResultClass::Final,
        );
        let cb = self.contacts.callback_mut(slot);
        cb.result = Some(result);
        let (attempts, window_end, retry_after) = (cb.attempts, cb.window_end, cb.retry_after);
        if final_result || attempts >= max_attempts {
            self.end_callback(slot, CallbackStatus::Final, now);
        } else if now >= window_end {
            self.end_callback(slot, CallbackStatus::EndtimeExpired, now);
        } else {
            let generation = self.contacts.enter_phase(slot, Phase::CallbackTimer);
            self.set_status(slot, CallbackStatus::Timer, now);
            self.schedule(
                now.saturating_add(retry_after),
                Event::CallbackDue { slot, generation },
            );
        }
        self.agent_free(a, now);
    }

    /// The window of the callback in `slot` closes (if the slot still holds it).
    pub(super) fn expire(&mut self, slot: u32, id: u32, now: Ticks) {
        let c = self.contacts.get(slot);
        if c.id as u32 != id || c.kind != ContactKind::Callback {
            return;
        }
        // A callback in an attempt finishes it: connected, or ended when the attempt fails.
        match c.phase {
            Phase::CallbackQueued | Phase::CallbackTimer => {
                self.end_callback(slot, CallbackStatus::EndtimeExpired, now)
            }
            // Offered to an agent whose phone rings: the offer is withdrawn.
            Phase::Offered => {
                let a = c.agent;
                self.end_callback(slot, CallbackStatus::EndtimeExpired, now);
                self.agent_free(a, now);
            }
            _ => {}
        }
    }

    /// The callback ends unconnected (FINAL, ENDTIME_EXPIRED or NOT_QUEUED) and leaves the
    /// system.
    fn end_callback(&mut self, slot: u32, status: CallbackStatus, now: Ticks) {
        let c = self.contacts.get(slot);
        let (q, interval, attempts, queued) = (
            c.queue as usize,
            c.interval,
            self.contacts.callback(slot).attempts,
            c.phase == Phase::CallbackQueued,
        );
        self.set_status(slot, status, now);
        self.rec.callback_ended(q, interval, status, attempts);
        self.callback_row(slot);
        self.leave(slot, now);
        if queued {
            self.queue_left(q, true);
        }
    }

    /// The callback policy of the queue of the callback in `slot`.
    fn policy_of(&self, slot: u32) -> &'m crate::scenario::CallbackPolicy {
        let model: &'m crate::model::Model = self.model;
        &model.queues[self.contacts.get(slot).queue as usize]
            .callback
            .as_ref()
            .expect("a queue that returns callbacks")
            .policy
    }

    /// Records a callback's new status (and traces it).
    pub(super) fn set_status(&mut self, slot: u32, status: CallbackStatus, now: Ticks) {
        self.contacts.callback_mut(slot).status = status;
        self.trace(slot, status, now);
    }

    fn trace(&mut self, slot: u32, status: CallbackStatus, now: Ticks) {
        if !TRACE {
            return;
        }
        let with_agent = matches!(
            status,
            CallbackStatus::Distributed
                | CallbackStatus::SubmittedToAgt
                | CallbackStatus::RejectedByAgt
                | CallbackStatus::CanceledByAgt
                | CallbackStatus::ProcessedByAgt
        );
        let ended_attempt = matches!(
            status,
            CallbackStatus::Timer
                | CallbackStatus::Final
                | CallbackStatus::EndtimeExpired
                | CallbackStatus::ProcessedByAgt
        );
        let agent = with_agent.then_some(self.contacts.get(slot).agent);
        let result = if ended_attempt {
            self.contacts.callback(slot).result
        } else {
            None
        };
        self.trace_contact(slot, TraceEvent::Callback(status), agent, result, now);
    }

    /// The `calls.csv` row of a callback contact, with its current status.
    pub(super) fn callback_row(&mut self, slot: u32) {
        let c = self.contacts.get(slot);
        let cb = self.contacts.callback(slot);
        let connected = cb.status == CallbackStatus::ProcessedByAgt;
        let record = CallRecord {
            group: connected.then(|| self.agents.get(c.agent).group as usize),
            agent: connected.then(|| self.agents.get(c.agent).id),
            ronas: u32::from(c.ronas),
            handle: c.handle,
            wrap_up: c.wrap_up,
            callback: Some(CallbackRecord {
                kind: cb.kind,
                status: cb.status,
                result: cb.result,
                attempts: cb.attempts,
                start: cb.due,
                end: cb.window_end,
            }),
            // The caller's wait on the line, until they accepted.
            ..CallRecord::ended(
                c.id,
                c.queue as usize,
                c.interval,
                c.arrived,
                CallOutcome::Callback,
                cb.due - c.enqueued,
            )
        };
        self.rec.call(|| record);
    }
}
