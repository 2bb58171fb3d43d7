//! Agents as individuals: each has a state, since when, the contact it works, and what is
//! pending (a break, an aux period, the end of its shift).
//!
//! Agents live in a slab whose slots are reused when a shift ends, so memory follows the
//! agents on shift rather than the shifts simulated. Each group keeps its ready agents in
//! the order they became ready (longest idle first); agents that stop being ready by other
//! means (a break, a shift end) leave stale entries, recognised by the agent's generation.

use crate::engine::Ticks;
use crate::scenario::BreakKind;
use std::collections::VecDeque;

/// What an agent on shift is doing. Agents off shift are not in the slab. The last five
/// are the not-ready states, by reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum AgentState {
    /// Waiting for work (since `Agent::since`).
    Ready,
    /// Held for a contact that is not yet talking: a callback's call delay and dial.
    Reserved,
    /// Offered a contact that it has not answered yet.
    Ringing,
    Talking,
    /// After-call work (acw).
    WrapUp,
    /// Not ready: on a scheduled break.
    Break,
    /// Not ready: at lunch.
    Lunch,
    /// Not ready: an aux period (shrinkage).
    Aux,
    /// Not ready after an offer rang unanswered past `rona_timeout`.
    Rona,
    /// Not ready after refusing a callback (`CallDelaySec` of 60 s or more).
    Refused,
}

impl From<BreakKind> for AgentState {
    fn from(k: BreakKind) -> Self {
        match k {
            BreakKind::Break => AgentState::Break,
            BreakKind::Lunch => AgentState::Lunch,
        }
    }
}

impl AgentState {
    /// Number of states; the statistics keep time in each, by `index`.
    pub const COUNT: usize = 10;
    pub const ALL: [AgentState; AgentState::COUNT] = [
        AgentState::Ready,
        AgentState::Reserved,
        AgentState::Ringing,
        AgentState::Talking,
        AgentState::WrapUp,
        AgentState::Break,
        AgentState::Lunch,
        AgentState::Aux,
        AgentState::Rona,
        AgentState::Refused,
    ];

    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }

    /// Not ready, for whatever reason.
    #[inline]
    pub fn is_not_ready(self) -> bool {
        self.index() >= AgentState::Break.index()
    }

    /// Working a contact: the time occupancy counts.
    #[inline]
    pub fn is_busy(self) -> bool {
        matches!(
            self,
            AgentState::Reserved | AgentState::Ringing | AgentState::Talking | AgentState::WrapUp
        )
    }

    /// As written in reports.
    pub const fn name(self) -> &'static str {
        match self {
            AgentState::Ready => "ready",
            AgentState::Reserved => "reserved",
            AgentState::Ringing => "ringing",
            AgentState::Talking => "talking",
            AgentState::WrapUp => "wrap_up",
            AgentState::Break => "not_ready_break",
            AgentState::Lunch => "not_ready_lunch",
            AgentState::Aux => "not_ready_aux",
            AgentState::Rona => "not_ready_rona",
            AgentState::Refused => "not_ready_refused",
        }
    }

    /// For people: tables, charts, workbooks.
    pub const fn label(self) -> &'static str {
        match self {
            AgentState::Ready => "Ready",
            AgentState::Reserved => "Reserved (callback dialling)",
            AgentState::Ringing => "Ringing",
            AgentState::Talking => "Talking",
            AgentState::WrapUp => "Wrap-up",
            AgentState::Break => "Not ready: break",
            AgentState::Lunch => "Not ready: lunch",
            AgentState::Aux => "Not ready: aux",
            AgentState::Rona => "Not ready: RONA",
            AgentState::Refused => "Not ready: refused callback",
        }
    }
}

/// A break that came due while the agent was busy: it starts when the agent is free.
#[derive(Clone, Copy, Debug)]
pub struct PendingBreak {
    pub kind: BreakKind,
    pub length: Ticks,
    pub due: Ticks,
}

/// One agent on shift.
#[derive(Clone, Debug)]
pub struct Agent {
    /// Unique within a replication, in order of shift start (names the agent in reports).
    pub id: u32,
    pub group: u16,
    pub state: AgentState,
    pub since: Ticks,
    /// Bumped at every change of state: timers and ready entries of older ones are stale.
    pub generation: u32,
    /// The contact it is offered, reserved for or talking to.
    pub contact: u32,
    /// Whether a ringing offer will be answered (else it is RONA when the ring ends).
    pub answers: bool,
    /// The shift has ended: the agent leaves when its contact is done.
    pub leaving: bool,
    /// Breaks that came due while busy, in order (two can: a long call over both).
    pub pending_breaks: Vec<PendingBreak>,
    /// An aux period came due while busy: it starts when the agent is free.
    pub pending_aux: bool,
    /// Outbound cycles started, numbering the current one (its dials carry the number).
    pub cycle: u32,
    /// Dials of the current cycle still ringing.
    pub lines: u16,
    /// The campaign the agent works for now (in a cycle, a talk or its wrap-up), and
    /// whether it talks (or wraps up) for it.
    pub campaign_work: Option<(u16, bool)>,
}

/// A ready agent's entry in its group's ready list.
#[derive(Clone, Copy, Debug)]
struct ReadyEntry {
    since: Ticks,
    agent: u32,
    generation: u32,
}

/// Every agent on shift, and each group's ready list and counts. (Time in each state is
/// the statistics' to keep, from the observations; the model counts only what it decides
/// with.)
pub struct Agents {
    slots: Vec<Agent>,
    free: Vec<u32>,
    ready: Vec<VecDeque<ReadyEntry>>,
    /// Agents of each group in the ready state (the lists above also hold stale entries).
    ready_count: Vec<u32>,
    /// Agents of each group present, and those of them in a not-ready state.
    present: Vec<u32>,
    not_ready: Vec<u32>,
    next_id: u32,
}

impl Agents {
    pub fn new(groups: usize) -> Agents {
        Agents {
            slots: Vec::new(),
            free: Vec::new(),
            ready: vec![VecDeque::new(); groups],
            ready_count: vec![0; groups],
            present: vec![0; groups],
            not_ready: vec![0; groups],
            next_id: 0,
        }
    }

    #[inline]
    pub fn get(&self, a: u32) -> &Agent {
        &self.slots[a as usize]
    }

    #[inline]
    pub fn get_mut(&mut self, a: u32) -> &mut Agent {
        &mut self.slots[a as usize]
    }

    /// An agent of group `g` starts its shift at `now`, not yet in any state (the caller
    /// decides: ready, or straight to work); returns its slot.
    pub fn start(&mut self, g: usize, now: Ticks) -> u32 {
        let agent = Agent {
            id: self.next_id,
            group: g as u16,
            // Counted when `enter` gives it a state.
            state: AgentState::Ready,
            since: now,
            generation: 0,
            contact: 0,
            answers: true,
            leaving: false,
            pending_breaks: Vec::new(),
            pending_aux: false,
            cycle: 0,
            lines: 0,
            campaign_work: None,
        };
        self.next_id += 1;
        match self.free.pop() {
            Some(slot) => {
                let generation = self.slots[slot as usize].generation.wrapping_add(1);
                self.slots[slot as usize] = Agent {
                    generation,
                    ..agent
                };
                slot
            }
            None => {
                self.slots.push(agent);
                (self.slots.len() - 1) as u32
            }
        }
    }

    /// Gives a just-started agent its first state.
    pub fn enter(&mut self, a: u32, state: AgentState, now: Ticks) {
        let agent = &mut self.slots[a as usize];
        agent.state = state;
        agent.since = now;
        let g = agent.group as usize;
        self.present[g] += 1;
        self.not_ready[g] += u32::from(state.is_not_ready());
        if state == AgentState::Ready {
            self.ready_count[g] += 1;
            self.push_ready(a);
        }
    }

    /// Moves agent `a` to `state` at `now`; returns its group, its old state and the new
    /// generation (for its timers).
    #[inline(always)]
    pub fn set_state(&mut self, a: u32, state: AgentState, now: Ticks) -> (usize, AgentState, u32) {
        let agent = &mut self.slots[a as usize];
        let (g, old) = (agent.group as usize, agent.state);
        if old.is_not_ready() != state.is_not_ready() {
            if state.is_not_ready() {
                self.not_ready[g] += 1;
            } else {
                self.not_ready[g] -= 1;
            }
        }
        agent.state = state;
        agent.since = now;
        agent.generation = agent.generation.wrapping_add(1);
        let generation = agent.generation;
        if old == AgentState::Ready {
            self.ready_count[g] -= 1;
        }
        if state == AgentState::Ready {
            self.ready_count[g] += 1;
            self.push_ready(a);
        }
        (g, old, generation)
    }

    #[inline]
    fn push_ready(&mut self, a: u32) {
        let agent = &self.slots[a as usize];
        let g = agent.group as usize;
        let ready = &mut self.ready[g];
        ready.push_back(ReadyEntry {
            since: agent.since,
            agent: a,
            generation: agent.generation,
        });
        // Entries of agents who stopped being ready by other means pile up when the front
        // is rarely taken (an overstaffed group): drop them when the list would grow. If few
        // go, the list grows, and the next sweep comes only when it is full again.
        if ready.len() == ready.capacity() && ready.len() > 64 {
            let slots = &self.slots;
            ready.retain(|e| is_current(slots, e));
        }
    }

    /// Since when the longest-idle ready agent of group `g` has been ready.
    #[inline]
    pub fn longest_idle(&mut self, g: usize) -> Option<Ticks> {
        let ready = &mut self.ready[g];
        while let Some(e) = ready.front() {
            if is_current(&self.slots, e) {
                return Some(e.since);
            }
            ready.pop_front();
        }
        None
    }

    /// Removes and returns the longest-idle ready agent of group `g`, which `longest_idle`
    /// has just found (its state is still Ready: the caller moves it on).
    #[inline]
    pub fn pop_ready(&mut self, g: usize) -> u32 {
        self.ready[g].pop_front().expect("a ready agent").agent
    }

    /// Removes and returns the longest-idle ready agent of group `g`, if any.
    #[inline]
    pub fn take_ready(&mut self, g: usize) -> Option<u32> {
        let ready = &mut self.ready[g];
        while let Some(e) = ready.pop_front() {
            if is_current(&self.slots, &e) {
                return Some(e.agent);
            }
        }
        None
    }

    /// The agent's shift is over and it has left: its slot is free.
    pub fn remove(&mut self, a: u32) {
        let agent = &mut self.slots[a as usize];
        let g = agent.group as usize;
        self.present[g] -= 1;
        self.not_ready[g] -= u32::from(agent.state.is_not_ready());
        self.ready_count[g] -= u32::from(agent.state == AgentState::Ready);
        agent.generation = agent.generation.wrapping_add(1);
        // Its aux timer, which carries the id, goes stale.
        agent.id = u32::MAX;
        self.free.push(a);
    }

    /// The shift of a busy agent ends: it leaves when free.
    pub fn mark_leaving(&mut self, a: u32) {
        self.slots[a as usize].leaving = true;
    }

    /// Agents of group `g` in the ready state.
    #[inline]
    pub fn ready(&self, g: usize) -> u32 {
        self.ready_count[g]
    }

    /// Agents of group `g` present and not in a not-ready state (for wait estimates).
    pub fn available(&self, g: usize) -> u32 {
        self.present[g] - self.not_ready[g]
    }
}

#[inline]
fn is_current(slots: &[Agent], e: &ReadyEntry) -> bool {
    let a = &slots[e.agent as usize];
    a.generation == e.generation && a.state == AgentState::Ready
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_idle_first_and_stale_entries_skipped() {
        let mut agents = Agents::new(1);
        let a = agents.start(0, 0);
        agents.enter(a, AgentState::Ready, 0);
        let b = agents.start(0, 5);
        agents.enter(b, AgentState::Ready, 5);
        // `a` goes on a break: its entry goes stale, and `b` is the longest idle.
        agents.set_state(a, AgentState::Break, 7);
        assert_eq!(agents.longest_idle(0), Some(5));
        agents.set_state(a, AgentState::Ready, 9);
        assert_eq!(agents.longest_idle(0), Some(5));
        assert_eq!(agents.pop_ready(0), b);
        agents.set_state(b, AgentState::Talking, 10);
        assert_eq!(agents.longest_idle(0), Some(9));
        assert_eq!(agents.pop_ready(0), a);
        assert_eq!(agents.available(0), 2);
    }

    #[test]
    fn not_ready_agents_are_not_available_and_slots_are_reused() {
        let mut agents = Agents::new(1);
        let a = agents.start(0, 0);
        agents.enter(a, AgentState::Talking, 0);
        assert_eq!(agents.available(0), 1);
        agents.set_state(a, AgentState::Aux, 5);
        assert_eq!(agents.available(0), 0);
        agents.mark_leaving(a);
        agents.remove(a);
        assert_eq!(agents.available(0), 0);
        // The slot is reused with a fresh generation.
        let b = agents.start(0, 3);
        assert_eq!(b, a);
        assert_ne!(agents.get(b).generation, 0);
    }
}
