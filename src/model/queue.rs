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

/// Contacts waiting in one queue: callers on the line and callbacks keeping their place.
/// Contacts that leave (abandon, expire) are not searched for: their places go stale and
/// are dropped when they reach the head.
pub struct ContactQueue {
    pub priority: i32,
    /// In order of (enqueued, order).
    places: VecDeque<Place>,
    /// Callers on the line.
    waiting: u32,
    /// Callbacks keeping a place.
    callbacks: u32,
}

impl ContactQueue {
    pub fn new(priority: i32) -> Self {
        ContactQueue {
            priority,
            places: VecDeque::new(),
            waiting: 0,
            callbacks: 0,
        }
    }

    /// Callers on the line (stale places excluded).
    pub fn waiting(&self) -> u32 {
        self.waiting
    }

    /// Callbacks holding a place (QUEUED).
    pub fn callbacks(&self) -> u32 {
        self.callbacks
    }

    /// Callers and callbacks holding a place.
    pub fn places_held(&self) -> u32 {
        self.waiting + self.callbacks
    }

    /// A caller joins at the back.
    pub fn push(&mut self, place: Place) {
        self.places.push_back(place);
        self.waiting += 1;
    }

    /// A contact takes (back) its place, in order of (enqueued, order): a callback's retry
    /// keeps the place of the call it came from, and so does a caller whose offer to an
    /// agent rang unanswered (RONA).
    pub fn insert_at_place(&mut self, place: Place, is_callback: bool) {
        let key = (place.enqueued, place.order);
        let at = self.places.partition_point(|p| (p.enqueued, p.order) < key);
        self.places.insert(at, place);
        if is_callback {
            self.callbacks += 1;
        } else {
            self.waiting += 1;
        }
    }

    /// A waiting caller accepted a callback: same place, no longer on the line.
    pub fn became_callback(&mut self) {
        self.waiting -= 1;
        self.callbacks += 1;
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
    pub fn pop_head(&mut self, is_callback: bool) {
        self.places.pop_front();
        if is_callback {
            self.callbacks -= 1;
        } else {
            self.waiting -= 1;
        }
    }

    /// A waiting contact left by itself; its place goes stale. Stale places are dropped
    /// when they outnumber the waiting (a queue nobody serves never reaches its head).
    pub fn left(&mut self, is_callback: bool, is_current: impl Fn(&Place) -> bool) {
        if is_callback {
            self.callbacks -= 1;
        } else {
            self.waiting -= 1;
        }
        if self.places.len() > 2 * self.places_held() as usize + 64 {
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
            q.left(false, |p| p.slot == 999);
        }
        assert_eq!(q.waiting(), 1);
        assert!(q.places() <= 66, "{} places kept", q.places());
        assert_eq!(q.head(|p| p.slot == 999).map(|p| p.slot), Some(999));
    }

    #[test]
    fn a_callback_takes_back_its_place() {
        let mut q = ContactQueue::new(0);
        for i in [1u32, 2, 4] {
            q.push(Place {
                slot: i,
                generation: 0,
                enqueued: u64::from(i),
                order: u64::from(i),
            });
        }
        q.insert_at_place(
            Place {
                slot: 3,
                generation: 0,
                enqueued: 3,
                order: 3,
            },
            true,
        );
        let mut order = Vec::new();
        while let Some(p) = q.head(|_| true) {
            order.push(p.slot);
            q.pop_head(p.slot == 3);
        }
        assert_eq!(order, vec![1, 2, 3, 4]);
        assert_eq!(q.places_held(), 0);
    }
}
