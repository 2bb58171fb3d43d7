//! Routing: which agent takes a waiting contact, and which contact a freed agent takes.
//!
//! The policy is skills-based routing with levels and overflow (the ACDs' "skill
//! expansion"): a contact of queue `q` may go to agents whose level for `q` has been reached
//! (level k after the queue's `overflow_after` for k); among those it goes to the best
//! level, and within a level to the agent idle longest, across groups. A freed agent takes
//! the oldest eligible contact of its best level's queues, the highest priority first. With
//! every group at level 1 this is "longest-idle agent; highest priority, then oldest
//! contact". These two methods are the whole interface the state machine uses, so another
//! policy replaces this type and nothing else.

use super::agents::Agents;
use super::queue::{ContactQueue, Place};
use crate::engine::Ticks;
use crate::scenario::Scenario;

/// Groups of one skill level for a queue, and the wait after which they are reached.
struct QueueLevel {
    wait: Ticks,
    groups: Vec<usize>,
}

/// A group's queues at one level, each with the wait after which the level is reached.
struct GroupLevel {
    level: u32,
    queues: Vec<(usize, Ticks)>,
}

pub struct Routing {
    /// For each queue, its levels in order (best first).
    queue_levels: Vec<Vec<QueueLevel>>,
    /// For each group, its levels in order (best first).
    group_levels: Vec<Vec<GroupLevel>>,
}

impl Routing {
    pub fn new(s: &Scenario) -> Routing {
        let mut queue_levels = Vec::new();
        for (q, queue) in s.queues.iter().enumerate() {
            let mut levels: Vec<(u32, Vec<usize>)> = Vec::new();
            for (g, group) in s.agent_groups.iter().enumerate() {
                let Some(level) = group.level(q) else {
                    continue;
                };
                match levels.iter_mut().find(|(l, _)| *l == level) {
                    Some((_, groups)) => groups.push(g),
                    None => levels.push((level, vec![g])),
                }
            }
            levels.sort_by_key(|(l, _)| *l);
            queue_levels.push(
                levels
                    .into_iter()
                    .map(|(level, groups)| QueueLevel {
                        wait: queue.overflow_wait(level),
                        groups,
                    })
                    .collect(),
            );
        }
        let group_levels = s
            .agent_groups
            .iter()
            .map(|group| {
                let mut levels: Vec<GroupLevel> = Vec::new();
                for (&q, &level) in group.queues.iter().zip(&group.levels) {
                    let entry = (q, s.queues[q].overflow_wait(level));
                    match levels.iter_mut().find(|l| l.level == level) {
                        Some(l) => l.queues.push(entry),
                        None => levels.push(GroupLevel {
                            level,
                            queues: vec![entry],
                        }),
                    }
                }
                levels.sort_by_key(|l| l.level);
                levels
            })
            .collect();
        Routing {
            queue_levels,
            group_levels,
        }
    }

    /// The waits after which a contact of queue `q` reaches more agents (positive, ascending).
    pub fn overflow_waits(&self, q: usize) -> impl Iterator<Item = Ticks> + '_ {
        let levels = &self.queue_levels[q];
        levels
            .iter()
            .enumerate()
            .filter(move |(i, l)| l.wait > 0 && (*i == 0 || levels[i - 1].wait < l.wait))
            .map(|(_, l)| l.wait)
    }

    /// Picks (and takes off the ready lists) the agent for a contact of queue `q` that has
    /// waited `waited`: the best level reached, then the longest idle.
    #[inline]
    pub fn agent_for(&self, q: usize, waited: Ticks, agents: &mut Agents) -> Option<u32> {
        let levels = &self.queue_levels[q];
        // One group at one level: the common case, without the search.
        if let [level] = levels.as_slice()
            && let [g] = level.groups.as_slice()
        {
            return if level.wait > waited {
                None
            } else {
                agents.take_ready(*g)
            };
        }
        for level in levels {
            if level.wait > waited {
                break;
            }
            let mut best: Option<(Ticks, usize)> = None;
            for &g in &level.groups {
                if let Some(since) = agents.longest_idle(g)
                    && best.is_none_or(|(b, _)| since < b)
                {
                    best = Some((since, g));
                }
            }
            if let Some((_, g)) = best {
                return Some(agents.pop_ready(g));
            }
        }
        None
    }

    /// The contact a free agent of group `g` should take at `now`: of its best level with an
    /// eligible contact, the highest priority, then the one that entered its queue first.
    /// Returns the queue and the place (still in the queue). `head` gives a queue's first
    /// current place.
    #[inline]
    pub fn contact_for(
        &self,
        g: usize,
        now: Ticks,
        queues: &mut [ContactQueue],
        mut head: impl FnMut(&mut ContactQueue) -> Option<Place>,
    ) -> Option<(usize, Place)> {
        let levels = &self.group_levels[g];
        // One queue at one level: the common case, without the search.
        if let [level] = levels.as_slice()
            && let [(q, wait)] = level.queues.as_slice()
        {
            let place = head(&mut queues[*q])?;
            return (now - place.enqueued >= *wait).then_some((*q, place));
        }
        for level in levels {
            let mut best: Option<(usize, Place)> = None;
            for &(q, wait) in &level.queues {
                let Some(place) = head(&mut queues[q]) else {
                    continue;
                };
                // The head waited longest: if it has not reached this level, nobody has.
                if now - place.enqueued < wait {
                    continue;
                }
                let better = match &best {
                    None => true,
                    Some((bq, b)) => {
                        let (pa, pb) = (queues[q].priority, queues[*bq].priority);
                        pa > pb
                            || (pa == pb && (place.enqueued, place.order) < (b.enqueued, b.order))
                    }
                };
                if better {
                    best = Some((q, place));
                }
            }
            if best.is_some() {
                return best;
            }
        }
        None
    }
}
