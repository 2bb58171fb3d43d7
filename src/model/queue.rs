//! A queue of waiting contacts: priority first, then first come first served.

use crate::engine::Ticks;
use std::collections::VecDeque;

/// A place in a queue; it goes stale when the contact's generation moves on.
#[derive(Clone, Copy, Debug)]
pub struct Place {
    pub slot: u32,
    pub generation: u32,
    pub enqueued: Ticks,
    /// Order of entry, to break ties between equal times across queues.
    pub order: u64,
}

/// Contacts waiting in one queue. Contacts that leave (abandon) are not searched for: their
/// places go stale and are dropped when they reach the head.
pub struct ContactQueue {
    pub priority: i32,
    places: VecDeque<Place>,
    waiting: u32,
}

impl ContactQueue {
    pub fn new(priority: i32) -> Self {
        ContactQueue {
            priority,
            places: VecDeque::new(),
            waiting: 0,
        }
    }

    /// Contacts really waiting (stale places excluded).
    pub fn waiting(&self) -> u32 {
        self.waiting
    }

    pub fn push(&mut self, place: Place) {
        self.places.push_back(place);
        self.waiting += 1;
    }

    /// Drops stale places at the head (`is_current` says whether a place still holds a
    /// waiting contact) and returns the first real one.
    pub fn head(&mut self, is_current: impl Fn(&Place) -> bool) -> Option<Place> {
        while let Some(p) = self.places.front() {
            if is_current(p) {
                return Some(*p);
            }
            self.places.pop_front();
        }
        None
    }

    /// Removes the head returned by `head`.
    pub fn pop_head(&mut self) {
        self.places.pop_front();
        self.waiting -= 1;
    }

    /// A waiting contact left by itself; its place goes stale.
    pub fn left(&mut self) {
        self.waiting -= 1;
    }
}
