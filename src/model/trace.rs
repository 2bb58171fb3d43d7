//! The model's side of `events.csv`: each event of a contact, and each change of an agent's
//! state, as a trace row. Rows are built only when the run traces (`--trace`: the model is
//! then compiled with `TRACE`); a contact's
//! rows are written when the contact counts (it did not arrive, or was not dialed, in the
//! warm-up), an agent's from the end of the warm-up.

use super::center::Center;
use super::contacts::ContactKind;
use crate::engine::Ticks;
use crate::scenario::CallResult;
use crate::stats::{CallType, TraceEvent, TraceRecord, TracedContact};

impl<const TRACE: bool> Center<'_, '_, TRACE> {
    /// Traces `event` of the contact in `slot`, with agent `agent` (a slab index) and the
    /// `result` of the attempt that ended, if any.
    #[inline]
    pub(super) fn trace_contact(
        &mut self,
        slot: u32,
        event: TraceEvent,
        agent: Option<u32>,
        result: Option<CallResult>,
        now: Ticks,
    ) {
        if TRACE {
            self.write_contact_row(slot, event, agent, result, now);
        }
    }

    #[inline(never)]
    fn write_contact_row(
        &mut self,
        slot: u32,
        event: TraceEvent,
        agent: Option<u32>,
        result: Option<CallResult>,
        now: Ticks,
    ) {
        let c = self.contacts.get(slot);
        let (contact, reported) = match c.kind {
            ContactKind::Inbound => (
                TracedContact {
                    call_type: CallType::Regular,
                    id: c.id,
                    at: c.queue as usize,
                    attempts: None,
                    result,
                },
                c.interval.is_some(),
            ),
            ContactKind::Callback => {
                let cb = self.contacts.callback(slot);
                let reported = match cb.kind {
                    crate::stats::CallbackKind::Asap => c.interval.is_some(),
                    crate::stats::CallbackKind::Scheduled => self.rec.reports(cb.due),
                };
                let contact = TracedContact {
                    call_type: CallType::Callback,
                    id: c.id,
                    at: c.queue as usize,
                    attempts: Some(cb.attempts),
                    result,
                };
                (contact, reported)
            }
            ContactKind::Outbound => {
                let o = self.contacts.outbound(slot);
                let contact = TracedContact {
                    call_type: CallType::Outbound,
                    id: u64::from(o.record) + 1,
                    at: o.campaign as usize,
                    attempts: Some(o.attempts),
                    result,
                };
                (contact, o.interval.is_some())
            }
        };
        let agent = agent.map(|a| {
            let x = self.agents.get(a);
            (x.id, x.group as usize)
        });
        self.rec.trace(
            reported,
            TraceRecord {
                time: now,
                event,
                contact: Some(contact),
                agent,
            },
        );
    }

    /// Traces an event of a caller who never became a contact (blocked: no port was free).
    pub(super) fn trace_caller(
        &mut self,
        (id, q, reported): (u64, usize, bool),
        event: TraceEvent,
        now: Ticks,
    ) {
        if !TRACE {
            return;
        }
        let contact = TracedContact {
            call_type: CallType::Regular,
            id,
            at: q,
            attempts: None,
            result: None,
        };
        self.rec.trace(
            reported,
            TraceRecord {
                time: now,
                event,
                contact: Some(contact),
                agent: None,
            },
        );
    }

    /// Traces agent `a`'s move to the state named `state`.
    #[inline]
    pub(super) fn trace_agent(&mut self, a: u32, state: &'static str, now: Ticks) {
        if !TRACE {
            return;
        }
        let x = self.agents.get(a);
        let agent = Some((x.id, x.group as usize));
        let reported = self.rec.after_warm_up(now);
        self.rec.trace(
            reported,
            TraceRecord {
                time: now,
                event: TraceEvent::AgentState(state),
                contact: None,
                agent,
            },
        );
    }
}
