//! Contacts in the system, in a slab whose slots are reused, so memory follows the number in
//! the system rather than the number simulated.

use crate::engine::Ticks;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Ivr,
    Waiting,
    Talking,
    /// The contact has left; its slot is free.
    Left,
}

/// One contact in the system.
#[derive(Clone, Debug)]
pub struct Contact {
    /// Id in arrival order, unique within a replication.
    pub id: u64,
    /// Bumped at every change of phase: timers carrying an older generation are stale.
    pub generation: u32,
    pub phase: Phase,
    pub queue: u16,
    /// Reporting interval of arrival, or `None` when it arrived in the warm-up.
    pub interval: Option<u32>,
    pub arrived: Ticks,
    pub enqueued: Ticks,
    pub handle: Ticks,
    pub wrap_up: Ticks,
    pub patience: Option<Ticks>,
    /// Whether it holds a port of its queue's pool.
    pub holds_port: bool,
    /// The agent group that answered it (valid while talking).
    pub group: u16,
}

/// Slots of contacts; a freed slot keeps its generation counter so stale references fail.
#[derive(Default)]
pub struct Contacts {
    slots: Vec<Contact>,
    free: Vec<u32>,
}

impl Contacts {
    /// Stores `contact` and returns its slot.
    pub fn insert(&mut self, mut contact: Contact) -> u32 {
        match self.free.pop() {
            Some(slot) => {
                let s = slot as usize;
                contact.generation = self.slots[s].generation.wrapping_add(1);
                self.slots[s] = contact;
                slot
            }
            None => {
                self.slots.push(contact);
                (self.slots.len() - 1) as u32
            }
        }
    }

    pub fn remove(&mut self, slot: u32) {
        let s = slot as usize;
        self.slots[s].generation = self.slots[s].generation.wrapping_add(1);
        self.slots[s].phase = Phase::Left;
        self.free.push(slot);
    }

    #[inline]
    pub fn get(&self, slot: u32) -> &Contact {
        &self.slots[slot as usize]
    }

    #[inline]
    pub fn get_mut(&mut self, slot: u32) -> &mut Contact {
        &mut self.slots[slot as usize]
    }

    /// The contact in `slot` if it is still in `phase` at `generation`.
    #[inline]
    pub fn current(&self, slot: u32, generation: u32, phase: Phase) -> Option<&Contact> {
        let c = &self.slots[slot as usize];
        (c.generation == generation && c.phase == phase).then_some(c)
    }

    /// Contacts still in the system, in slot order.
    pub fn iter_live(&self) -> impl Iterator<Item = &Contact> {
        self.slots.iter().filter(|c| c.phase != Phase::Left)
    }
}
