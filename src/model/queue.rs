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

    /// A waiting contact left by itself; its place goes stale. Stale places are dropped
    /// when they outnumber the waiting (a queue nobody serves never reaches its head).
    pub fn left(&mut self, is_current: impl Fn(&Place) -> bool) {
        self.waiting -= 1;
        if self.places.len() > 2 * self.waiting as usize + 64 {
            self.places.retain(is_current);
        }
    }

    /// Places held, stale ones included.
    #[cfg(test)]
    pub fn places(&self) -> usize {
        self.places.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_places_do_not_pile_up() {
        let mut q = ContactQueue::new(0);
        for i in 0..1000u32 {
            q.push(Place {
                slot: i,
                generation: 0,
                enqueued: u64::from(i),
                order: u64::from(i),
            });
        }
        // Everyone but slot 999 abandons; nobody reaches the head.
        for _ in 0..999 {
            q.left(|p| p.slot == 999);
        }
        assert_eq!(q.waiting(), 1);
        assert!(q.places() <= 66, "{} places kept", q.places());
        assert_eq!(q.head(|p| p.slot == 999).map(|p| p.slot), Some(999));
    }
}
