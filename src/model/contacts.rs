//! Contacts in the system, in a slab whose slots are reused, so memory follows the number in
//! the system rather than the number simulated.

use crate::engine::Ticks;
use crate::scenario::CallResult;
use crate::stats::{CallbackKind, CallbackStatus};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Ivr,
    /// A caller on the line, in the queue.
    Waiting,
    /// A callback waiting for its due time (scheduled, or a retry).
    CallbackTimer,
    /// A callback holding a place in the queue (no port).
    CallbackQueued,
    /// An agent is reserved for the callback, waiting `call_delay` before the dial.
    CallbackReserved,
    /// The customer is being dialed.
    CallbackRinging,
    /// An outbound record an agent is previewing before the dial.
    Preview,
    /// An outbound dial ringing at the customer.
    Dialing,
    /// A live answer of an outbound dial waiting (at most `drop_after`) for an agent.
    Holding,
    /// A dropped live answer hearing the campaign's recorded message (its port held).
    Message,
    /// Offered to an agent whose phone rings (a caller still on the line may abandon).
    Offered,
    /// With an agent: talking (wrap-up is the agent's, after the contact has left).
    Talking,
    /// The contact has left; its slot is free.
    Left,
}

/// One contact in the system.
#[derive(Clone, Debug)]
pub struct Contact {
    /// Id in arrival order, unique within a replication; a campaign dial's is its record's
    /// index (dials take none of the callers' ids, so `calls.csv` lists callers only).
    pub id: u64,
    /// Bumped at every change of phase: timers carrying an older generation are stale.
    pub generation: u32,
    pub phase: Phase,
    pub queue: u16,
    /// Reporting interval of arrival, or `None` when it arrived in the warm-up.
    pub interval: Option<u32>,
    pub arrived: Ticks,
    pub enqueued: Ticks,
    /// Order of queue entry, with `enqueued` the contact's place in its queue.
    pub order: u64,
    pub handle: Ticks,
    pub wrap_up: Ticks,
    pub patience: Option<Ticks>,
    /// The port it holds, if any.
    pub port: Option<HeldPort>,
    /// The agent (slot) it is offered to, reserved for, or talking to.
    pub agent: u32,
    /// Offers that rang unanswered (RONA) before an agent answered.
    pub ronas: u16,
    /// Whether the caller would accept a callback offered on entry, and after waiting
    /// (drawn at arrival, like every draw of a caller).
    pub accepts: [bool; 2],
    /// The callback offer after `offer_after` came due while an agent's phone rang for the
    /// caller: it is made if the caller goes back to the queue (RONA).
    pub offer_pending: bool,
    pub kind: ContactKind,
}

/// What a contact is; a callback's own state is in `Contacts::callback`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactKind {
    /// A caller on the line (in the IVR, the queue, or talking).
    Inbound,
    /// A callback: accepted by a waiting caller, or a scheduled request.
    Callback,
    /// A campaign's dial; its own state is in `Contacts::outbound`.
    Outbound,
}

/// A campaign dial's state.
#[derive(Clone, Copy, Debug)]
pub struct OutboundState {
    pub campaign: u16,
    /// The record dialed (its index in the list) and its attempts, this one included.
    pub record: u32,
    pub attempts: u32,
    /// The agent whose cycle placed the dial: its slot, id and cycle number (the slot may
    /// hold another agent, or the agent another cycle, by the time the dial ends).
    pub owner: u32,
    pub owner_id: u32,
    pub cycle: u32,
    pub result: CallResult,
    /// Answering-machine detection judged the pickup wrongly (a person for a machine, or a
    /// machine for a person).
    pub misjudged: bool,
    /// The interval its figures count in, if reported: where it was dialed, or for a
    /// previewed record where its preview began.
    pub interval: Option<u32>,
    /// When the dial was placed (its ring is timed from here).
    pub placed: Ticks,
}

/// A port a contact holds: of which pool, since when, and what for.
#[derive(Clone, Copy, Debug)]
pub struct HeldPort {
    pub pool: u16,
    pub since: Ticks,
    pub purpose: PortUse,
}

/// What a port is held for: a caller's own inbound call, or a dial (callback or campaign:
/// billed as outbound).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortUse {
    Inbound,
    Callback,
    Campaign,
}

/// A callback's life so far.
#[derive(Clone, Debug)]
pub struct CallbackState {
    pub kind: CallbackKind,
    /// When it (first) became due: acceptance, or `ClientAvailableFrom`.
    pub due: Ticks,
    /// It may be connected until then (`due + CallbackTimeExpiryDuration`).
    pub window_end: Ticks,
    pub retry_after: Ticks,
    /// The pool it dials on.
    pub pool: Option<u16>,
    pub attempts: u32,
    pub result: Option<CallResult>,
    pub status: CallbackStatus,
}

/// Slots of contacts; a freed slot keeps its generation counter so stale references fail.
#[derive(Default)]
pub struct Contacts {
    slots: Vec<Contact>,
    /// Callback states, beside the slots rather than in them: only callbacks use them, and
    /// the slots the event loop walks stay compact.
    callbacks: Vec<Option<CallbackState>>,
    outbound: Vec<Option<OutboundState>>,
    free: Vec<u32>,
}

impl Contacts {
    /// Stores `contact` and returns its slot.
    #[inline(always)]
    pub fn insert(&mut self, mut contact: Contact) -> u32 {
        match self.free.pop() {
            Some(slot) => {
                let s = slot as usize;
                contact.generation = self.slots[s].generation.wrapping_add(1);
                // The callback table was cleared when the slot's last contact left.
                self.slots[s] = contact;
                slot
            }
            None => {
                self.slots.push(contact);
                self.callbacks.push(None);
                self.outbound.push(None);
                (self.slots.len() - 1) as u32
            }
        }
    }

    pub fn remove(&mut self, slot: u32) {
        let s = slot as usize;
        let c = &mut self.slots[s];
        c.generation = c.generation.wrapping_add(1);
        c.phase = Phase::Left;
        match std::mem::replace(&mut c.kind, ContactKind::Inbound) {
            ContactKind::Callback => self.callbacks[s] = None,
            ContactKind::Outbound => self.outbound[s] = None,
            ContactKind::Inbound => {}
        }
        self.free.push(slot);
    }

    /// Moves the contact in `slot` to `phase`, making its pending timers stale; returns the
    /// new generation, for the timers of the new phase.
    #[inline]
    pub fn enter_phase(&mut self, slot: u32, phase: Phase) -> u32 {
        let c = &mut self.slots[slot as usize];
        c.phase = phase;
        c.generation = c.generation.wrapping_add(1);
        c.generation
    }

    /// Makes the contact in `slot` a callback with `state`.
    pub fn set_callback(&mut self, slot: u32, state: CallbackState) {
        self.slots[slot as usize].kind = ContactKind::Callback;
        self.callbacks[slot as usize] = Some(state);
    }

    pub fn callback(&self, slot: u32) -> &CallbackState {
        self.callbacks[slot as usize]
            .as_ref()
            .expect("a callback contact")
    }

    pub fn callback_mut(&mut self, slot: u32) -> &mut CallbackState {
        self.callbacks[slot as usize]
            .as_mut()
            .expect("a callback contact")
    }

    /// Makes the contact in `slot` a campaign dial with `state`.
    pub fn set_outbound(&mut self, slot: u32, state: OutboundState) {
        self.slots[slot as usize].kind = ContactKind::Outbound;
        self.outbound[slot as usize] = Some(state);
    }

    pub fn outbound(&self, slot: u32) -> &OutboundState {
        self.outbound[slot as usize]
            .as_ref()
            .expect("a campaign dial")
    }

    pub fn outbound_mut(&mut self, slot: u32) -> &mut OutboundState {
        self.outbound[slot as usize]
            .as_mut()
            .expect("a campaign dial")
    }

    #[inline]
    pub fn get(&self, slot: u32) -> &Contact {
        &self.slots[slot as usize]
    }

    #[inline]
    pub fn get_mut(&mut self, slot: u32) -> &mut Contact {
        &mut self.slots[slot as usize]
    }

    /// The contact in `slot` if it is still waiting in a queue (a caller or a queued
    /// callback) at `generation`.
    #[inline]
    pub fn in_queue(&self, slot: u32, generation: u32) -> bool {
        let c = &self.slots[slot as usize];
        c.generation == generation && matches!(c.phase, Phase::Waiting | Phase::CallbackQueued)
    }

    /// The contact in `slot` if it is still in `phase` at `generation`.
    #[inline]
    pub fn current(&self, slot: u32, generation: u32, phase: Phase) -> Option<&Contact> {
        let c = &self.slots[slot as usize];
        (c.generation == generation && c.phase == phase).then_some(c)
    }

    /// Slots of contacts still in the system, in slot order.
    pub fn live_slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, c)| c.phase != Phase::Left)
            .map(|(i, _)| i as u32)
    }
}
