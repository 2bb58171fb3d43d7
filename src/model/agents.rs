//! An agent group's staffing: who is present, busy, idle (and since when), and who leaves.

use crate::engine::Ticks;
use std::collections::VecDeque;

/// Agents of one group. Agents within a group are interchangeable, so the group keeps counts
/// and the times its idle agents became idle (longest idle first).
#[derive(Default)]
pub struct AgentGroupState {
    /// Agents on shift, plus those scheduled off who are finishing a contact (present =
    /// busy + refused + idle).
    pub present: u32,
    pub busy: u32,
    /// Agents in the refused state (not idle, not with a contact).
    pub refused: u32,
    /// Busy agents who leave when they finish their contact.
    leaving: u32,
    idle_since: VecDeque<Ticks>,
}

impl AgentGroupState {
    /// When the longest-idle agent became idle, if any agent is idle.
    #[inline]
    pub fn longest_idle(&self) -> Option<Ticks> {
        self.idle_since.front().copied()
    }

    /// The longest-idle agent takes a contact.
    #[inline]
    pub fn take_idle(&mut self) {
        self.idle_since.pop_front().expect("an idle agent");
        self.busy += 1;
    }

    /// A busy agent has finished; returns true if it stays (and is now to be given work or
    /// marked idle), false if it was scheduled off and left.
    #[inline]
    pub fn finish(&mut self) -> bool {
        self.busy -= 1;
        if self.leaving > 0 {
            self.leaving -= 1;
            self.present -= 1;
            false
        } else {
            true
        }
    }

    /// A busy agent refuses the contact it was given and is unavailable for a while.
    pub fn start_refusal(&mut self) {
        self.busy -= 1;
        self.refused += 1;
    }

    /// A refused agent is available again: it counts as busy until `finish` decides whether
    /// it stays (and takes work or becomes idle) or leaves.
    pub fn end_refusal(&mut self) {
        self.refused -= 1;
        self.busy += 1;
    }

    /// A present agent with nothing to do becomes idle at `now`.
    #[inline]
    pub fn make_idle(&mut self, now: Ticks) {
        self.idle_since.push_back(now);
    }

    /// An agent who stays after finishing takes new work at once.
    #[inline]
    pub fn resume(&mut self) {
        self.busy += 1;
    }

    /// Applies a new scheduled count at `now`. Arriving agents are idle from `now`; when
    /// fewer are scheduled, idle agents leave first (the most recently idle), and busy ones
    /// finish their contact before they go.
    pub fn set_scheduled(&mut self, scheduled: u32, now: Ticks) {
        // Busy and refused agents finish (the contact, the refusal) before they leave.
        let staying = self.present - self.leaving;
        if scheduled >= staying {
            let mut add = scheduled - staying;
            let recalled = add.min(self.leaving);
            self.leaving -= recalled;
            add -= recalled;
            self.present += add;
            for _ in 0..add {
                self.idle_since.push_back(now);
            }
        } else {
            let mut remove = staying - scheduled;
            while remove > 0 && self.idle_since.pop_back().is_some() {
                self.present -= 1;
                remove -= 1;
            }
            self.leaving += remove;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_agents_finish_before_leaving_and_can_be_recalled() {
        let mut g = AgentGroupState::default();
        g.set_scheduled(3, 0);
        assert_eq!((g.present, g.busy), (3, 0));
        g.take_idle();
        g.take_idle();
        g.set_scheduled(0, 10);
        // The idle one leaves now; the two busy ones stay until they finish.
        assert_eq!((g.present, g.busy), (2, 2));
        g.set_scheduled(1, 20); // one of the leavers is recalled
        assert!(!g.finish()); // the other leaves
        assert_eq!(g.present, 1);
        assert!(g.finish()); // the recalled one stays
        g.make_idle(30);
        assert_eq!((g.present, g.busy, g.longest_idle()), (1, 0, Some(30)));
    }

    #[test]
    fn longest_idle_is_first() {
        let mut g = AgentGroupState::default();
        g.set_scheduled(1, 5);
        g.take_idle();
        g.set_scheduled(2, 7);
        assert!(g.finish());
        g.make_idle(9);
        assert_eq!(g.longest_idle(), Some(7));
    }
}
