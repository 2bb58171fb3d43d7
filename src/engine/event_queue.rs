//! A time-ordered event queue: earliest time first, equal times first-in-first-out.
//!
//! Cancellation is not done here: the model stamps events with a generation counter and
//! ignores stale ones when they are popped, which keeps every operation O(log n).

use super::Ticks;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// An event with its place in the order: its time and sequence number, compared as one
/// 128-bit key (without branches) but stored as two words, so that an entry with a one-word
/// event is 24 bytes, not a `u128`'s 16-byte-aligned 32: the heap moves less.
struct Scheduled<E> {
    time: Ticks,
    seq: u64,
    event: E,
}

impl<E> Scheduled<E> {
    #[inline(always)]
    fn key(&self) -> u128 {
        (u128::from(self.time) << 64) | u128::from(self.seq)
    }
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl<E> Eq for Scheduled<E> {}

impl<E> PartialOrd for Scheduled<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Scheduled<E> {
    /// Reversed, so that std's max-heap pops the earliest (time, seq) first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

/// The pending events of one replication and the simulated clock.
pub struct EventQueue<E> {
    heap: BinaryHeap<Scheduled<E>>,
    next_seq: u64,
    now: Ticks,
    popped: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_seq: 0,
            now: 0,
            popped: 0,
        }
    }

    /// The time of the event last popped.
    #[inline]
    pub fn now(&self) -> Ticks {
        self.now
    }

    /// Events popped so far (stale ones included): the engine's unit of work.
    pub fn events_processed(&self) -> u64 {
        self.popped
    }

    /// Schedules `event` at absolute time `time`, which must not be in the past.
    #[inline]
    pub fn schedule(&mut self, time: Ticks, event: E) {
        debug_assert!(time >= self.now, "event scheduled in the past");
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Scheduled { time, seq, event });
    }

    /// Schedules `event` `delay` ticks from now.
    #[inline]
    pub fn schedule_in(&mut self, delay: Ticks, event: E) {
        self.schedule(self.now.saturating_add(delay), event);
    }

    /// Time of the next event, if any.
    pub fn peek_time(&self) -> Option<Ticks> {
        self.heap.peek().map(|s| s.time)
    }

    /// Removes the next event if it comes before `limit` (strictly), advancing the clock.
    ///
    /// With [`advance_to`](Self::advance_to) this merges the queue with an outside stream of
    /// events that is already in time order (arrivals): the stream's next event is `limit`,
    /// and at equal times the stream goes first.
    #[inline(always)]
    pub fn pop_before(&mut self, limit: Ticks) -> Option<(Ticks, E)> {
        match self.heap.peek() {
            Some(s) if s.time < limit => self.pop(),
            _ => None,
        }
    }

    /// Moves the clock to `time` for an event of an outside stream (see `pop_before`).
    #[inline]
    pub fn advance_to(&mut self, time: Ticks) {
        debug_assert!(time >= self.now, "the clock never goes back");
        self.now = time;
        self.popped += 1;
    }

    /// Removes the next event and advances the clock to its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(Ticks, E)> {
        let scheduled = self.heap.pop()?;
        let (time, event) = (scheduled.time, scheduled.event);
        self.now = time;
        self.popped += 1;
        Some((time, event))
    }

    /// Number of pending events (stale ones included).
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_three_words() {
        assert_eq!(std::mem::size_of::<Scheduled<u64>>(), 24);
    }

    #[test]
    fn pops_in_time_order_and_fifo_at_equal_times() {
        let mut q = EventQueue::new();
        q.schedule(30, 'c');
        q.schedule(10, 'a');
        q.schedule(30, 'd');
        q.schedule(10, 'b');
        q.schedule(20, 'x');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['a', 'b', 'x', 'c', 'd']);
        assert_eq!(q.now(), 30);
        assert_eq!(q.events_processed(), 5);
    }

    #[test]
    fn pop_before_merges_an_outside_stream_which_goes_first_at_ties() {
        let mut q = EventQueue::new();
        q.schedule(10, 'a');
        q.schedule(20, 'b');
        assert_eq!(
            q.pop_before(10),
            None,
            "a stream event at 10 goes before the queue's"
        );
        q.advance_to(10);
        assert_eq!(q.pop_before(15), Some((10, 'a')));
        assert_eq!(q.pop_before(15), None);
        q.advance_to(15);
        assert_eq!((q.now(), q.events_processed()), (15, 3));
        assert_eq!(q.pop_before(Ticks::MAX), Some((20, 'b')));
    }

    #[test]
    fn schedule_in_is_relative_to_the_clock() {
        let mut q = EventQueue::new();
        q.schedule(100, 1);
        q.pop();
        q.schedule_in(5, 2);
        assert_eq!(q.pop(), Some((105, 2)));
    }
}
