//! The roster: when agents start, take breaks and end their shifts, as a stream of changes
//! in time order, generated as the clock reaches them (so memory does not grow with the
//! horizon).
//!
//! Per-interval counts are a shorthand for shifts: agent j of a group (a "layer") is on shift
//! in every interval whose count is more than j, so when the count falls the most recently
//! added agents leave (after their current contact), and when it rises new agents join at
//! the interval's start. Explicit shifts recur every day at their clock time. Either way a
//! shift that is still on at the end of `duration` stays on while the system drains (as the
//! last interval's staffing does). At one instant, ends come before starts, starts before
//! breaks, and agents who start together are lined up for work latest-leaving first.

use crate::engine::Ticks;
use crate::scenario::{Break, Calendar, PerInterval, Scenario, Shift, Staffing};
use std::collections::VecDeque;

/// One change to a group's roster. `person` numbers the group's agent positions: a layer
/// of per-interval counts, or an instance of a shift pattern.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Change {
    End { person: u32 },
    Start { person: u32 },
    BreakDue { person: u32, brk: Break },
}

/// A change at a time, with the key that orders changes at one instant.
#[derive(Clone, Copy, Debug)]
struct Timed {
    time: Ticks,
    /// Ends, then starts (latest end first), then breaks.
    order: (u8, std::cmp::Reverse<Ticks>, u32),
    change: Change,
}

/// Where a group's roster stands in one replication.
enum Cursor<'m> {
    Counts {
        staffing: &'m PerInterval<u32>,
        /// The next interval whose count is to be applied.
        next: usize,
        on: u32,
    },
    Shifts {
        shifts: &'m [Shift],
        /// The next day to generate (day 0 holds the start), and the changes generated.
        next_day: i64,
        pending: VecDeque<Timed>,
    },
}

pub struct Roster<'m> {
    groups: Vec<Cursor<'m>>,
    intervals: usize,
    interval: Ticks,
    duration: Ticks,
    /// The scenario's clock, on which shifts start.
    calendar: Calendar,
}

impl<'m> Roster<'m> {
    pub fn new(s: &'m Scenario) -> Roster<'m> {
        let groups = s
            .agent_groups
            .iter()
            .map(|g| match &g.staffing {
                Staffing::Counts(c) => Cursor::Counts {
                    staffing: c,
                    next: 0,
                    on: 0,
                },
                Staffing::Shifts(shifts) => Cursor::Shifts {
                    shifts,
                    // The day before may hold a night shift still on at the start.
                    next_day: -1,
                    pending: VecDeque::new(),
                },
            })
            .collect();
        let mut roster = Roster {
            groups,
            intervals: s.intervals(),
            interval: s.interval,
            duration: s.duration,
            calendar: s.calendar(),
        };
        for g in 0..roster.groups.len() {
            roster.fill(g);
        }
        roster
    }

    /// Makes sure the earliest change of group `g` is known.
    fn fill(&mut self, g: usize) {
        let (duration, calendar) = (self.duration, &self.calendar);
        match &mut self.groups[g] {
            Cursor::Counts { staffing, next, on } => match staffing {
                // A constant count changes at most once, at the start.
                PerInterval::Constant(n) if *n == *on || *next > 0 => *next = self.intervals,
                _ => {
                    // Skip intervals whose count does not change.
                    while *next < self.intervals && staffing.get(*next) == *on {
                        *next += 1;
                    }
                }
            },
            Cursor::Shifts {
                shifts,
                next_day,
                pending,
            } => loop {
                let origin = calendar.at(*next_day, 0);
                let known = pending.front().map(|t| t.time as i128);
                // Day d's changes all come at or after its midnight; generate until that
                // is past the earliest change known, or past the horizon.
                if origin >= duration as i128 || known.is_some_and(|t| t < origin) {
                    break;
                }
                day_changes(shifts, (calendar, *next_day), duration, pending);
                pending.make_contiguous().sort_by_key(|t| (t.time, t.order));
                *next_day += 1;
            },
        }
    }

    /// When the next change of any group comes.
    pub fn next_time(&self) -> Option<Ticks> {
        self.groups
            .iter()
            .filter_map(|c| match c {
                Cursor::Counts { next, .. } => {
                    (*next < self.intervals).then(|| *next as Ticks * self.interval)
                }
                Cursor::Shifts { pending, .. } => pending.front().map(|t| t.time),
            })
            .min()
    }

    /// Appends group `g`'s changes due at `now` to `out`, in order.
    pub fn take(&mut self, g: usize, now: Ticks, out: &mut Vec<Change>) {
        match &mut self.groups[g] {
            Cursor::Counts { staffing, next, on } => {
                if *next < self.intervals && *next as Ticks * self.interval == now {
                    let n = staffing.get(*next);
                    if n < *on {
                        out.extend((n..*on).rev().map(|person| Change::End { person }));
                    } else {
                        out.extend((*on..n).map(|person| Change::Start { person }));
                    }
                    *on = n;
                    *next += 1;
                }
            }
            Cursor::Shifts { pending, .. } => {
                while pending.front().is_some_and(|t| t.time == now) {
                    out.push(pending.pop_front().expect("a change").change);
                }
            }
        }
        self.fill(g);
    }

    /// Positions of group `g` (layers, or shift instances), for a person-to-agent table.
    pub fn persons(s: &Scenario, g: usize) -> usize {
        match &s.agent_groups[g].staffing {
            Staffing::Counts(PerInterval::Constant(n)) => *n as usize,
            Staffing::Counts(PerInterval::Values(v)) => {
                v.iter().copied().max().unwrap_or(0) as usize
            }
            Staffing::Shifts(shifts) => shifts.iter().map(|s| s.count as usize).sum(),
        }
    }
}

/// The changes of one day of `shifts` (day `day` of `calendar`), within the run.
fn day_changes(
    shifts: &[Shift],
    (calendar, day): (&Calendar, i64),
    duration: Ticks,
    out: &mut VecDeque<Timed>,
) {
    let mut person = 0u32;
    for shift in shifts {
        let start = calendar.at(day, shift.start);
        // A shift never overlaps the next day's: on a 23-hour day (clocks forward) a shift of
        // more than 23 hours ends as the next begins.
        let end = (start + shift.length as i128).min(calendar.at(day + 1, shift.start));
        let on_in_run = end > 0 && start < duration as i128;
        for _ in 0..shift.count {
            if on_in_run {
                // A shift still on at the end of the run stays on while the system drains.
                let end_key = if end >= duration as i128 {
                    Ticks::MAX
                } else {
                    end as Ticks
                };
                out.push_back(Timed {
                    time: start.max(0) as Ticks,
                    order: (1, std::cmp::Reverse(end_key), person),
                    change: Change::Start { person },
                });
                if end_key != Ticks::MAX {
                    out.push_back(Timed {
                        time: end as Ticks,
                        order: (0, std::cmp::Reverse(0), person),
                        change: Change::End { person },
                    });
                }
                for brk in &shift.breaks {
                    let due = start + brk.after as i128;
                    let over = due + brk.length as i128;
                    // A break under way at the start of the run goes on for what is left of
                    // it; breaks over by then are gone.
                    if over > 0 {
                        let brk = Break {
                            length: (over - due.max(0)) as Ticks,
                            ..*brk
                        };
                        out.push_back(Timed {
                            time: due.max(0) as Ticks,
                            order: (2, std::cmp::Reverse(0), person),
                            change: Change::BreakDue { person, brk },
                        });
                    }
                }
            }
            person += 1;
        }
    }
}
