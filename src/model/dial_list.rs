//! Which record a campaign dials next.
//!
//! Records are dialed best first: the highest priority; among equals, a retry that has come
//! due before a fresh record, earlier due retries first; fresh records in list order. A
//! record outside its calling window (`earliest`–`latest` on its own clock) waits for the
//! window to open, and is then as due as a retry.

use crate::engine::Ticks;
use crate::scenario::{Calendar, ListRecord};
use jiff::tz::{Offset, TimeZone};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

/// A record to dial: its index in the list and the attempts made so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Record {
    pub index: u32,
    pub attempts: u32,
}

/// A list file's records, ready to dial (built once per run).
pub(super) struct ListModel {
    records: Arc<[ListRecord]>,
    /// Fresh records' dialing order: highest priority first, then list order.
    order: Vec<u32>,
    /// Each record's clock, an index into `clocks`.
    clock_of: Vec<u16>,
    /// The scenario's clock, then one per offset from UTC the list uses.
    clocks: Vec<Calendar>,
}

impl ListModel {
    pub(super) fn new(records: &Arc<[ListRecord]>, calendar: &Calendar) -> ListModel {
        let mut order: Vec<u32> = (0..records.len() as u32).collect();
        // Stable: list order within a priority.
        order.sort_by_key(|&i| Reverse(records[i as usize].priority));
        let mut offsets: Vec<Option<i32>> = vec![None];
        let clock_of = records
            .iter()
            .map(|r| {
                let at = offsets.iter().position(|&o| o == r.utc_offset);
                at.unwrap_or_else(|| {
                    offsets.push(r.utc_offset);
                    offsets.len() - 1
                }) as u16
            })
            .collect();
        let clocks = offsets
            .iter()
            .map(|o| match o {
                None => calendar.clone(),
                Some(seconds) => {
                    let offset = Offset::from_seconds(*seconds).expect("offsets are checked");
                    Calendar::new(calendar.start(), TimeZone::fixed(offset))
                }
            })
            .collect();
        ListModel {
            records: records.clone(),
            order,
            clock_of,
            clocks,
        }
    }

    fn priority(&self, index: u32) -> i32 {
        self.records[index as usize].priority
    }

    /// The first time at or after `t` at which record `index` may be called.
    pub(super) fn callable_from(&self, index: u32, t: Ticks) -> Ticks {
        let Some((from, to)) = self.records[index as usize].window else {
            return t;
        };
        let clock = &self.clocks[self.clock_of[index as usize] as usize];
        let now = t as i128;
        // The windows opening the day before (one past midnight may still be open), that
        // day and the next: the first that has not closed yet.
        let day = clock.day_of(t);
        for d in day - 1..=day + 1 {
            let open = clock.at(d, from);
            let close = clock.at(if to > from { d } else { d + 1 }, to);
            if now < close {
                return open.max(now) as Ticks;
            }
        }
        clock.at(day + 2, from) as Ticks
    }
}

/// A campaign's list in a replication.
pub(super) struct DialList {
    /// Fresh records taken so far (the next one is `order[next_fresh]`).
    next_fresh: u32,
    /// Records waiting for a time: a retry's due time, or their window's opening.
    timers: BinaryHeap<Reverse<(Ticks, Record)>>,
    /// Records whose time has come, best first: priority, then the earliest due.
    due: BinaryHeap<(i32, Reverse<(Ticks, Record)>)>,
    /// The last window opening a wake was asked for (records sharing a window share it).
    last_wake: Ticks,
}

/// Where the best record is.
enum Best {
    Due,
    Fresh(u32),
}

impl DialList {
    pub(super) fn new() -> DialList {
        DialList {
            next_fresh: 0,
            timers: BinaryHeap::new(),
            due: BinaryHeap::new(),
            last_wake: Ticks::MAX,
        }
    }

    /// Whether a record of a synthetic list of `records` (no windows, one priority) may be
    /// dialed at `now`: a fresh one, or a retry come due.
    pub(super) fn synthetic_ready(&self, records: u32, now: Ticks) -> bool {
        self.next_fresh < records || self.timers.peek().is_some_and(|t| t.0.0 <= now)
    }

    /// Whether a record of a list file may be dialed at `now`, settling the list first:
    /// records whose time has come join the due, and the best records outside their windows
    /// go to wait for them. A window opening that needs a wake is pushed to `wakes`.
    pub(super) fn ready(
        &mut self,
        list: &ListModel,
        records: u32,
        now: Ticks,
        wakes: &mut Vec<Ticks>,
    ) -> bool {
        while let Some(&Reverse((at, record))) = self.timers.peek() {
            if at > now {
                break;
            }
            self.timers.pop();
            self.due
                .push((list.priority(record.index), Reverse((at, record))));
        }
        loop {
            let record = match self.best(Some(list), records) {
                None => return false,
                Some(Best::Due) => self.due.peek().expect("a due record").1.0.1,
                Some(Best::Fresh(index)) => Record { index, attempts: 0 },
            };
            let at = list.callable_from(record.index, now);
            if at <= now {
                return true;
            }
            self.take(Some(list), records, now);
            self.timers.push(Reverse((at, record)));
            if at != self.last_wake {
                self.last_wake = at;
                wakes.push(at);
            }
        }
    }

    /// The best record: a due one unless a fresh one has a higher priority.
    fn best(&self, list: Option<&ListModel>, records: u32) -> Option<Best> {
        let fresh = (self.next_fresh < records)
            .then(|| list.map_or(self.next_fresh, |l| l.order[self.next_fresh as usize]));
        match (self.due.peek(), fresh) {
            (Some(_), None) => Some(Best::Due),
            (None, Some(index)) => Some(Best::Fresh(index)),
            (None, None) => None,
            (Some(&(priority, _)), Some(index)) => {
                if priority >= list.map_or(0, |l| l.priority(index)) {
                    Some(Best::Due)
                } else {
                    Some(Best::Fresh(index))
                }
            }
        }
    }

    /// Takes the best record (callable at `now`, as [`DialList::ready`] or
    /// [`DialList::synthetic_ready`] said): for a synthetic list, a retry come due before a
    /// fresh record.
    pub(super) fn take(
        &mut self,
        list: Option<&ListModel>,
        records: u32,
        now: Ticks,
    ) -> Option<Record> {
        if list.is_none() && self.timers.peek().is_some_and(|t| t.0.0 <= now) {
            return self.timers.pop().map(|Reverse((_, r))| r);
        }
        match self.best(list, records)? {
            Best::Due => self.due.pop().map(|(_, Reverse((_, r)))| r),
            Best::Fresh(index) => {
                self.next_fresh += 1;
                Some(Record { index, attempts: 0 })
            }
        }
    }

    /// When the next record waiting for a time (a retry, a window) comes due.
    pub(super) fn next_timer(&self) -> Option<Ticks> {
        self.timers.peek().map(|t| t.0.0)
    }

    /// `record` is to be dialed again at `due`.
    pub(super) fn retry(&mut self, record: Record, due: Ticks) {
        self.timers.push(Reverse((due, record)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::TICKS_PER_SECOND;

    const HOUR: Ticks = 3600 * TICKS_PER_SECOND;

    fn record(
        window: Option<(Ticks, Ticks)>,
        utc_offset: Option<i32>,
        priority: i32,
    ) -> ListRecord {
        ListRecord {
            window,
            utc_offset,
            priority,
        }
    }

    /// A UTC calendar starting at 06:00.
    fn calendar() -> Calendar {
        Calendar::new("2026-01-05T06:00:00Z".parse().unwrap(), TimeZone::UTC)
    }

    #[test]
    fn a_record_is_callable_within_its_window_on_its_own_clock() {
        let records: Arc<[ListRecord]> = Arc::from(vec![
            record(Some((9 * HOUR, 17 * HOUR)), None, 0),
            // 09:00–17:00 at UTC−05:00 is 14:00–22:00 UTC.
            record(Some((9 * HOUR, 17 * HOUR)), Some(-5 * 3600), 0),
            // 22:00–02:00, past midnight.
            record(Some((22 * HOUR, 2 * HOUR)), None, 0),
        ]);
        let list = ListModel::new(&records, &calendar());
        // The run starts at 06:00 UTC: tick t is 06:00 + t.
        assert_eq!(list.callable_from(0, 0), 3 * HOUR);
        assert_eq!(list.callable_from(0, 5 * HOUR), 5 * HOUR);
        assert_eq!(
            list.callable_from(0, 11 * HOUR),
            27 * HOUR,
            "the next day's 09:00"
        );
        assert_eq!(list.callable_from(1, 0), 8 * HOUR);
        assert_eq!(
            list.callable_from(1, 15 * HOUR),
            15 * HOUR,
            "21:00 UTC is 16:00 there"
        );
        assert_eq!(list.callable_from(1, 16 * HOUR), 32 * HOUR);
        assert_eq!(list.callable_from(2, 0), 16 * HOUR);
        assert_eq!(
            list.callable_from(2, 19 * HOUR),
            19 * HOUR,
            "01:00, still open"
        );
        assert_eq!(list.callable_from(2, 20 * HOUR), 40 * HOUR);
    }

    #[test]
    fn higher_priorities_go_first_and_closed_windows_wait() {
        let records: Arc<[ListRecord]> = Arc::from(vec![
            record(None, None, 0),
            record(None, None, 5),
            record(Some((12 * HOUR, 13 * HOUR)), None, 9),
            record(None, None, 5),
        ]);
        let list = ListModel::new(&records, &calendar());
        let mut dial = DialList::new();
        let mut wakes = Vec::new();
        let mut taken = Vec::new();
        while dial.ready(&list, 4, 0, &mut wakes) {
            taken.push(dial.take(Some(&list), 4, 6 * HOUR).unwrap().index);
        }
        assert_eq!(
            taken,
            [1, 3, 0],
            "priority, then list order; record 2 waits"
        );
        assert_eq!(wakes, [6 * HOUR]);
        // A retry of priority 5 comes due: it goes before nothing else is left but it.
        dial.retry(
            Record {
                index: 1,
                attempts: 1,
            },
            HOUR,
        );
        assert!(dial.ready(&list, 4, 6 * HOUR, &mut wakes));
        assert_eq!(
            dial.take(Some(&list), 4, 6 * HOUR).unwrap().index,
            2,
            "priority 9 first"
        );
        assert_eq!(
            dial.take(Some(&list), 4, 6 * HOUR),
            Some(Record {
                index: 1,
                attempts: 1
            })
        );
        assert!(!dial.ready(&list, 4, 6 * HOUR, &mut wakes));
    }
}
