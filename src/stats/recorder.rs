//! Accumulates one replication's observations into interval rows and run totals.
//!
//! Memory does not grow with the horizon: an interval's row is computed and handed to an
//! [`IntervalSink`] as soon as its time has passed and every contact that arrived in it has
//! left the queue, and only the open intervals are kept.

use super::Ratio;
use super::call_log::{CallLog, CallRecord, CallbackStatus};
use super::histogram::WaitHistogram;
use super::metrics::{
    AGENT_COLUMNS, CAMPAIGN_COLUMNS, Column, INTERVAL_COLUMNS, Metric, QueueCounts, Scope, catalog,
};
use super::trace::{TraceLog, TraceRecord};
use crate::engine::{TickSum, Ticks, secs_from_tick_sum, secs_from_ticks};
use crate::model::{AgentState, Phase};
use crate::scenario::{CALL_RESULTS, CallResult, Scenario, ServiceLevel};
use std::collections::VecDeque;

/// A piecewise-constant quantity whose time-average is reported.
#[derive(Clone, Copy, Debug)]
pub enum Level {
    /// Contacts waiting in a queue.
    Waiting(usize),
    /// Busy ports of a pool (every use).
    PortsBusy(usize),
    /// Ports of a pool busy with callback dials (ringing or talking).
    PortsCallback(usize),
    /// Ports of a pool busy with campaign dials (ringing, holding or talking).
    PortsCampaign(usize),
    /// Agents of a group in a state (`AgentState::index`) other than ready. Ready time is
    /// not kept: it is present time less the other states', so the hottest transitions
    /// (ready to talking and back) move one level, not two.
    Agents(usize, usize),
    /// Agents of a group present (on shift, or finishing a contact after it).
    AgentsPresent(usize),
    /// Agents of a group on shift (scheduled).
    AgentsScheduled(usize),
    /// Agents working for a campaign: in its cycles, talks and wrap-ups.
    CampaignAgents(usize),
    /// Agents talking or wrapping up for a campaign.
    CampaignTalking(usize),
}

/// Receives interval rows (the values of [`INTERVAL_COLUMNS`]) as intervals close, in order.
pub trait IntervalSink: Send {
    fn row(
        &mut self,
        interval: usize,
        queue: usize,
        values: &[Ratio; INTERVAL_COLUMNS.len()],
    ) -> std::io::Result<()>;
    /// An agent group's row (the values of [`AGENT_COLUMNS`]) for an interval; the group
    /// rows of an interval come after its queue rows.
    fn group_row(
        &mut self,
        interval: usize,
        group: usize,
        values: &[Ratio; AGENT_COLUMNS.len()],
    ) -> std::io::Result<()>;
    /// A campaign's row (the values of [`CAMPAIGN_COLUMNS`]) for an interval; the campaign
    /// rows of an interval come after its group rows.
    fn campaign_row(
        &mut self,
        interval: usize,
        campaign: usize,
        values: &[Ratio; CAMPAIGN_COLUMNS.len()],
    ) -> std::io::Result<()>;
    /// Called once after the last row.
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Agent-event counts of one group over an interval or a run.
#[derive(Clone, Copy, Debug, Default)]
pub struct GroupCounts {
    /// Contacts offered to its agents (each ring, RONAs included).
    pub offers: u64,
    pub ronas: u64,
    pub breaks_started: u64,
    /// Breaks that started after they were due (the agent was busy).
    pub breaks_late: u64,
    /// Sum of the delays of late breaks, ticks.
    pub break_delay: TickSum,
}

impl GroupCounts {
    fn add(&mut self, o: &GroupCounts) {
        self.offers += o.offers;
        self.ronas += o.ronas;
        self.breaks_started += o.breaks_started;
        self.breaks_late += o.breaks_late;
        self.break_delay += o.break_delay;
    }

    /// Mean delay of the breaks that started late, seconds.
    fn break_delay_mean(&self) -> Ratio {
        Ratio::new(
            secs_from_tick_sum(self.break_delay),
            self.breaks_late as f64,
        )
    }
}

/// Counts and sums of one campaign over an interval or a run. A dial counts in the interval
/// it was placed in, with its result, ring, live answer, connection or drop, and the record
/// it finished (its interval stays open until the dials placed in it have ended); a preview
/// where it started.
#[derive(Clone, Copy, Debug)]
struct CampaignCounts {
    dials: u64,
    live: u64,
    connected: u64,
    dropped: u64,
    /// Ticks of ringing, over dials.
    ring: TickSum,
    previews: u64,
    preview: TickSum,
    talk: TickSum,
    finished: u64,
    /// Machines answering-machine detection took for a person and passed to an agent.
    machines_to_agents: u64,
    /// Dials by result code.
    results: [u32; CALL_RESULTS.len()],
}

impl Default for CampaignCounts {
    fn default() -> Self {
        CampaignCounts {
            dials: 0,
            live: 0,
            connected: 0,
            dropped: 0,
            ring: 0,
            previews: 0,
            preview: 0,
            talk: 0,
            finished: 0,
            machines_to_agents: 0,
            results: [0; CALL_RESULTS.len()],
        }
    }
}

impl CampaignCounts {
    fn add(&mut self, o: &CampaignCounts) {
        self.dials += o.dials;
        self.live += o.live;
        self.connected += o.connected;
        self.dropped += o.dropped;
        self.ring += o.ring;
        self.previews += o.previews;
        self.preview += o.preview;
        self.talk += o.talk;
        self.finished += o.finished;
        self.machines_to_agents += o.machines_to_agents;
        for (a, b) in self.results.iter_mut().zip(&o.results) {
            *a += b;
        }
    }

    /// The values of [`CAMPAIGN_COLUMNS`], given the agent time on the campaign, talking for
    /// it and its groups' present time (value·ticks), the list's size and the records left,
    /// and the measurement window's live answers and drops so far.
    fn values(
        &self,
        time: CampaignTime,
        (records, left): (u32, u64),
        (window_live, window_dropped): (u64, u64),
    ) -> [Ratio; CAMPAIGN_COLUMNS.len()] {
        let CampaignTime {
            agents: agent_time,
            talking,
            present,
        } = time;
        let v = Ratio::value;
        let secs = |t: TickSum| secs_from_tick_sum(t);
        let agent_secs = agent_time / crate::engine::TICKS_PER_SECOND as f64;
        let records = f64::from(records);
        // The columns are the campaign's metrics, then a count per result code.
        let mut values = [v(0.0); CAMPAIGN_COLUMNS.len()];
        let (metrics, results) = values.split_at_mut(Metric::CAMPAIGN_INTERVAL.len());
        for (value, &n) in results.iter_mut().zip(&self.results) {
            *value = v(f64::from(n));
        }
        for (value, &m) in metrics.iter_mut().zip(&Metric::CAMPAIGN_INTERVAL) {
            *value = match m {
                Metric::Dials => v(self.dials as f64),
                Metric::LiveAnswers => v(self.live as f64),
                Metric::LiveAnswerRate => Ratio::new(self.live as f64, self.dials as f64),
                Metric::OutboundConnected => v(self.connected as f64),
                Metric::Dropped => v(self.dropped as f64),
                Metric::DropRate => Ratio::new(self.dropped as f64, self.live as f64),
                Metric::RingS => Ratio::new(secs(self.ring), self.dials as f64),
                Metric::PreviewS => Ratio::new(secs(self.preview), self.previews as f64),
                Metric::OutboundTalkS => Ratio::new(secs(self.talk), self.connected as f64),
                Metric::RecordsFinished => v(self.finished as f64),
                Metric::RecordsLeft => v(left as f64),
                Metric::ListPenetration => Ratio::new(records - left as f64, records),
                Metric::AgentMinutesOutbound => v(agent_secs / 60.0),
                Metric::OutboundUtilisation => Ratio::new(talking, present),
                Metric::MachinesToAgents => v(self.machines_to_agents as f64),
                Metric::WindowDropRate => Ratio::new(window_dropped as f64, window_live as f64),
                // Per hour of its agents' present time, as utilisation: per hour working
                // for it would leave out a predictive dialer's agents' wait for a connect.
                Metric::ContactsPerAgentHour => Ratio::new(
                    self.connected as f64,
                    present / crate::engine::TICKS_PER_SECOND as f64 / 3600.0,
                ),
                m => unreachable!("{m:?} is not a campaign metric"),
            };
        }
        values
    }
}

/// Agent time of a campaign over an interval or a run, value·ticks: working for it (cycles,
/// talks, wrap-ups), talking or wrapping up, and its groups' present time.
#[derive(Clone, Copy)]
struct CampaignTime {
    agents: f64,
    talking: f64,
    present: f64,
}

/// A campaign's current measurement window (by its dials' intervals): which, its live
/// answers and drops so far, and whether every earlier window kept the cap.
#[derive(Clone, Copy, Debug)]
struct DropWindowTotals {
    window: i64,
    live: u64,
    dropped: u64,
    earlier_met: bool,
}

impl DropWindowTotals {
    fn met(&self, cap: f64) -> bool {
        self.dropped as f64 <= cap * self.live as f64
    }
}

/// Totals of one open interval.
struct IntervalTotals {
    queues: Vec<QueueCounts>,
    groups: Vec<GroupCounts>,
    campaigns: Vec<CampaignCounts>,
    /// Each campaign's records not finished at the interval's end.
    records_left: Vec<u64>,
    /// Integral of each level over the interval, in value·ticks (set when the interval ends).
    area: Vec<f64>,
    peak: Vec<u32>,
    /// Contacts that arrived in this interval and are in the IVR or the queue, and campaign
    /// dials placed in it that have not ended.
    live: u64,
}

/// A level's value and its account in the current interval.
#[derive(Clone, Copy, Default)]
struct LevelState {
    value: u32,
    /// Largest value in the current interval.
    peak: u32,
    since: Ticks,
    /// Integral over the current interval so far, in value·ticks: an integer, so it is
    /// exact and cheap to keep (the hottest arithmetic of the model's bookkeeping).
    area: u128,
}

/// Where each level lives in the flat level arrays.
#[derive(Clone, Copy)]
struct LevelLayout {
    queues: usize,
    pools: usize,
    groups: usize,
    campaigns: usize,
}

impl LevelLayout {
    /// Levels kept per group: one per agent state, and the scheduled count.
    const PER_GROUP: usize = AgentState::COUNT + 1;

    #[inline]
    fn index(self, l: Level) -> usize {
        let groups = self.queues + 3 * self.pools;
        match l {
            Level::Waiting(q) => q,
            Level::PortsBusy(p) => self.queues + p,
            Level::PortsCallback(p) => self.queues + self.pools + p,
            Level::PortsCampaign(p) => self.queues + 2 * self.pools + p,
            // Ready's slot holds the present count.
            Level::Agents(g, state) => {
                debug_assert_ne!(state, AgentState::Ready.index());
                groups + g * Self::PER_GROUP + state
            }
            Level::AgentsPresent(g) => groups + g * Self::PER_GROUP,
            Level::AgentsScheduled(g) => groups + g * Self::PER_GROUP + AgentState::COUNT,
            Level::CampaignAgents(k) => groups + self.groups * Self::PER_GROUP + 2 * k,
            Level::CampaignTalking(k) => groups + self.groups * Self::PER_GROUP + 2 * k + 1,
        }
    }

    fn len(self) -> usize {
        self.queues + 3 * self.pools + Self::PER_GROUP * self.groups + 2 * self.campaigns
    }
}

/// Time in each state of a group's agents, from the areas of its levels.
struct GroupTime {
    states: [f64; AgentState::COUNT],
    scheduled: f64,
}

impl GroupTime {
    fn of(layout: LevelLayout, area: &[f64], g: usize) -> GroupTime {
        let ready = AgentState::Ready.index();
        let mut states: [f64; AgentState::COUNT] = std::array::from_fn(|s| {
            if s == ready {
                0.0
            } else {
                area[layout.index(Level::Agents(g, s))]
            }
        });
        let present = area[layout.index(Level::AgentsPresent(g))];
        // Areas are whole value·ticks, exact in f64 far beyond any interval's.
        states[ready] = present - states.iter().sum::<f64>();
        GroupTime {
            states,
            scheduled: area[layout.index(Level::AgentsScheduled(g))],
        }
    }

    fn add(&mut self, o: &GroupTime) {
        for (a, b) in self.states.iter_mut().zip(&o.states) {
            *a += b;
        }
        self.scheduled += o.scheduled;
    }

    fn state(&self, s: AgentState) -> f64 {
        self.states[s.index()]
    }

    fn present(&self) -> f64 {
        self.states.iter().sum()
    }

    /// Working contacts: reserved, ringing, talking, wrap-up.
    fn busy(&self) -> f64 {
        AgentState::ALL
            .iter()
            .filter(|s| s.is_busy())
            .map(|&s| self.state(s))
            .sum()
    }

    /// Occupancy: working contacts over working or ready (not-ready time excluded).
    fn occupancy(&self) -> Ratio {
        let busy = self.busy();
        Ratio::new(busy, busy + self.state(AgentState::Ready))
    }

    /// Not ready for breaks, lunch or aux periods.
    fn shrinkage_time(&self) -> f64 {
        [AgentState::Break, AgentState::Lunch, AgentState::Aux]
            .iter()
            .map(|&s| self.state(s))
            .sum()
    }
}

/// The run-level values of one replication, aligned with [`catalog`].
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicationMetrics {
    pub values: Vec<Ratio>,
}

pub struct Recorder {
    layout: LevelLayout,
    sl: ServiceLevel,
    interval: Ticks,
    intervals: usize,
    first_reported: usize,
    /// Length of the reported window [warm-up, duration), in ticks.
    window: Ticks,
    queue_groups: Vec<Vec<usize>>,
    queue_pool: Vec<Option<usize>>,
    pool_sizes: Vec<u32>,
    catalog: Vec<(Scope, Metric)>,

    /// The interval the clock is in, and when it ends.
    current: usize,
    next_boundary: Ticks,
    levels: Vec<LevelState>,
    open: VecDeque<IntervalTotals>,
    /// The totals of the interval closed last, for reuse.
    spare: Option<IntervalTotals>,
    /// Interval index of `open[0]`.
    base: usize,

    run_queues: Vec<QueueCounts>,
    run_groups: Vec<GroupCounts>,
    run_area: Vec<f64>,
    run_peak: Vec<u32>,
    waits: Vec<WaitHistogram>,
    /// Due-to-connected waits of callbacks, per queue.
    callback_waits: Vec<WaitHistogram>,
    /// Whether each queue's connected callbacks count as answered within the threshold.
    credit_callbacks: Vec<bool>,
    group_handled: Vec<u64>,
    /// Ticks of talk plus wrap-up.
    group_handle: Vec<TickSum>,
    pool_seizures: Vec<u64>,
    /// Ticks ports were held.
    pool_hold: Vec<Ticks>,
    run_campaigns: Vec<CampaignCounts>,
    /// Records in each campaign's list.
    campaign_records: Vec<u32>,
    /// The groups that work each campaign.
    campaign_groups: Vec<Vec<usize>>,
    /// Records each campaign has finished, the warm-up's included.
    campaign_finished: Vec<u64>,
    campaign_windows: Vec<DropWindowTotals>,
    /// Each campaign's measurement window and abandoned-rate cap, and the calendar its
    /// windows are days of.
    drop_caps: Vec<(crate::scenario::DropWindow, f64)>,
    calendar: crate::scenario::Calendar,

    sink: Box<dyn IntervalSink>,
    calls: Option<CallLog>,
    trace: Option<TraceLog>,
    io_error: Option<std::io::Error>,
}

impl Recorder {
    pub fn new(
        s: &Scenario,
        sink: Box<dyn IntervalSink>,
        calls: Option<CallLog>,
        trace: Option<TraceLog>,
    ) -> Recorder {
        let layout = LevelLayout {
            queues: s.queues.len(),
            pools: s.port_pools.len(),
            groups: s.agent_groups.len(),
            campaigns: s.campaigns.len(),
        };
        let n = layout.len();
        let mut r = Recorder {
            layout,
            sl: s.service_level,
            interval: s.interval,
            intervals: s.intervals(),
            first_reported: s.first_reported_interval(),
            window: s.duration - s.warmup,
            queue_groups: (0..s.queues.len())
                .map(|q| {
                    (0..s.agent_groups.len())
                        .filter(|&g| s.agent_groups[g].queues.contains(&q))
                        .collect()
                })
                .collect(),
            queue_pool: s.queues.iter().map(|q| q.port_pool).collect(),
            pool_sizes: s.port_pools.iter().map(|p| p.ports).collect(),
            catalog: catalog(s),
            current: 0,
            next_boundary: s.interval,
            levels: vec![LevelState::default(); n],
            open: VecDeque::new(),
            spare: None,
            base: s.first_reported_interval(),
            run_queues: vec![QueueCounts::default(); s.queues.len()],
            run_groups: vec![GroupCounts::default(); s.agent_groups.len()],
            run_area: vec![0.0; n],
            run_peak: vec![0; n],
            waits: vec![WaitHistogram::default(); s.queues.len()],
            callback_waits: vec![WaitHistogram::default(); s.queues.len()],
            credit_callbacks: s
                .queues
                .iter()
                .map(|q| {
                    q.callback
                        .as_ref()
                        .is_some_and(|c| c.counts_in_service_level)
                })
                .collect(),
            group_handled: vec![0; s.agent_groups.len()],
            group_handle: vec![0; s.agent_groups.len()],
            pool_seizures: vec![0; s.port_pools.len()],
            pool_hold: vec![0; s.port_pools.len()],
            run_campaigns: vec![CampaignCounts::default(); s.campaigns.len()],
            campaign_records: s.campaigns.iter().map(|c| c.records).collect(),
            campaign_groups: s.campaigns.iter().map(|c| c.groups.clone()).collect(),
            campaign_finished: vec![0; s.campaigns.len()],
            campaign_windows: vec![
                DropWindowTotals {
                    window: 0,
                    live: 0,
                    dropped: 0,
                    earlier_met: true,
                };
                s.campaigns.len()
            ],
            drop_caps: s
                .campaigns
                .iter()
                .map(|c| (c.drop_window, c.max_drop_rate))
                .collect(),
            calendar: s.calendar(),
            sink,
            calls,
            trace,
            io_error: None,
        };
        if r.first_reported == 0 {
            r.open_interval();
        }
        r
    }

    /// Moves the clock to `now`, closing the time accounts of intervals that have ended.
    /// Called once per event, before the event changes anything.
    #[inline]
    pub fn advance(&mut self, now: Ticks) {
        if now >= self.next_boundary {
            self.roll(now);
        }
    }

    fn roll(&mut self, now: Ticks) {
        while now >= self.next_boundary {
            let boundary = self.next_boundary;
            // One pass: close each level's account at the boundary, keep it in the interval's
            // totals (when reported), and start the next interval's.
            let mut totals = if self.is_reported(self.current) {
                self.open.back_mut()
            } else {
                None
            };
            for (i, l) in self.levels.iter_mut().enumerate() {
                l.area += u128::from(l.value) * u128::from(boundary - l.since);
                l.since = boundary;
                if let Some(t) = totals.as_mut() {
                    // An interval's area almost always fits 64 bits, whose conversion is
                    // cheap; u128's is a software routine.
                    t.area[i] = match u64::try_from(l.area) {
                        Ok(a) => a as f64,
                        Err(_) => l.area as f64,
                    };
                    t.peak[i] = l.peak;
                }
                l.area = 0;
                l.peak = l.value;
            }
            if let Some(t) = totals {
                for (k, left) in t.records_left.iter_mut().enumerate() {
                    *left = u64::from(self.campaign_records[k]) - self.campaign_finished[k];
                }
            }
            self.current += 1;
            if self.current >= self.intervals {
                self.next_boundary = Ticks::MAX;
            } else {
                self.next_boundary += self.interval;
                if self.is_reported(self.current) {
                    self.open_interval();
                }
            }
        }
        self.close_finished();
    }

    fn is_reported(&self, k: usize) -> bool {
        k >= self.first_reported && k < self.intervals
    }

    fn open_interval(&mut self) {
        // The totals of a closed interval are reused: no allocation per interval.
        let totals = match self.spare.take() {
            Some(mut t) => {
                t.queues.fill(QueueCounts::default());
                t.groups.fill(GroupCounts::default());
                t.campaigns.fill(CampaignCounts::default());
                t.area.fill(0.0);
                t.peak.fill(0);
                t.live = 0;
                t
            }
            None => IntervalTotals {
                queues: vec![QueueCounts::default(); self.layout.queues],
                groups: vec![GroupCounts::default(); self.layout.groups],
                campaigns: vec![CampaignCounts::default(); self.layout.campaigns],
                records_left: vec![0; self.layout.campaigns],
                area: vec![0.0; self.levels.len()],
                peak: vec![0; self.levels.len()],
                live: 0,
            },
        };
        self.open.push_back(totals);
    }

    #[inline]
    fn totals(&mut self, interval: u32) -> &mut IntervalTotals {
        &mut self.open[interval as usize - self.base]
    }

    /// A quantity changed to `value` at `now`.
    #[inline]
    pub fn level(&mut self, l: Level, now: Ticks, value: u32) {
        let s = &mut self.levels[self.layout.index(l)];
        s.area += u128::from(s.value) * u128::from(now - s.since);
        s.peak = s.peak.max(value);
        s.value = value;
        s.since = now;
    }

    /// Adds `delta` to the level at `index`.
    #[inline]
    fn bump(&mut self, index: usize, delta: i32, now: Ticks) {
        bump(&mut self.levels[index], delta, now);
    }

    /// An agent of group `g` moved from state `from` to state `to` (`AgentState::index`).
    #[inline]
    pub fn agent_moved(&mut self, g: usize, from: usize, to: usize, now: Ticks) {
        let ready = AgentState::Ready.index();
        // The group's levels are consecutive, state by state.
        let base = self.layout.index(Level::AgentsPresent(g));
        let group = &mut self.levels[base..base + AgentState::COUNT];
        if from != ready {
            bump(&mut group[from], -1, now);
        }
        if to != ready {
            bump(&mut group[to], 1, now);
        }
    }

    /// An agent of group `g` started its shift, ready.
    pub fn agent_started(&mut self, g: usize, now: Ticks) {
        self.bump(self.layout.index(Level::AgentsPresent(g)), 1, now);
        self.bump(self.layout.index(Level::AgentsScheduled(g)), 1, now);
    }

    /// The shift of a busy agent of group `g` ended: it is present until its contact is done.
    pub fn agent_unscheduled(&mut self, g: usize, now: Ticks) {
        self.bump(self.layout.index(Level::AgentsScheduled(g)), -1, now);
    }

    /// An agent of group `g` in `state` left (`scheduled`: its shift ended just now).
    pub fn agent_left(&mut self, g: usize, state: usize, scheduled: bool, now: Ticks) {
        self.agent_moved(g, state, AgentState::Ready.index(), now);
        self.bump(self.layout.index(Level::AgentsPresent(g)), -1, now);
        if scheduled {
            self.agent_unscheduled(g, now);
        }
    }

    /// A contact arrived; returns the interval it counts in (`None` in the warm-up).
    #[inline]
    pub fn arrived(&mut self, q: usize, id: u64, now: Ticks) -> Option<u32> {
        self.enter(q, id, now, |c| c.arrived += 1)
    }

    /// A contact enters the system at `now` (arrives, or a request becomes due): it counts in
    /// the current interval (`count` says as what), and its `calls.csv` row is expected.
    #[inline]
    fn enter(
        &mut self,
        q: usize,
        id: u64,
        now: Ticks,
        count: impl FnOnce(&mut QueueCounts),
    ) -> Option<u32> {
        debug_assert_eq!(self.current as u64, now / self.interval);
        if !self.is_reported(self.current) {
            return None;
        }
        let k = self.current as u32;
        let t = self.totals(k);
        count(&mut t.queues[q]);
        t.live += 1;
        if let Some(log) = &mut self.calls {
            log.expect(id);
        }
        Some(k)
    }

    #[inline]
    pub fn blocked(&mut self, q: usize, interval: Option<u32>) {
        if let Some(k) = interval {
            let t = self.totals(k);
            t.queues[q].blocked += 1;
            t.live -= 1;
            self.close_finished();
        }
    }

    #[inline]
    pub fn offered(&mut self, q: usize, interval: Option<u32>) {
        if let Some(k) = interval {
            self.totals(k).queues[q].offered += 1;
        }
    }

    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub fn answered(
        &mut self,
        q: usize,
        g: usize,
        interval: Option<u32>,
        wait: Ticks,
        handle: Ticks,
        wrap_up: Ticks,
        _now: Ticks,
    ) {
        if let Some(k) = interval {
            let sl = self.sl;
            let t = self.totals(k);
            let handled = TickSum::from(handle) + TickSum::from(wrap_up);
            t.queues[q].answered(wait, handled, &sl);
            t.live -= 1;
            self.waits[q].record(wait);
            self.group_handled[g] += 1;
            self.group_handle[g] += handled;
            self.close_finished();
        }
    }

    #[inline]
    pub fn abandoned(&mut self, q: usize, interval: Option<u32>, wait: Ticks, _now: Ticks) {
        if let Some(k) = interval {
            let sl = self.sl;
            let t = self.totals(k);
            t.queues[q].abandoned(wait, &sl);
            t.live -= 1;
            self.waits[q].record(wait);
            self.close_finished();
        }
    }

    /// A contact (of arrival interval `interval`) was offered to an agent of group `g`.
    #[inline]
    pub fn offered_to_agent(&mut self, g: usize, interval: Option<u32>) {
        if let Some(k) = interval {
            self.totals(k).groups[g].offers += 1;
        }
    }

    /// An offer to an agent of group `g` rang unanswered past its timeout.
    pub fn rona(&mut self, g: usize, interval: Option<u32>) {
        if let Some(k) = interval {
            self.totals(k).groups[g].ronas += 1;
        }
    }

    /// An agent of group `g` started a break `delay` after it was due (counted in the
    /// interval the clock is in, if reported).
    pub fn break_started(&mut self, g: usize, delay: Ticks) {
        if !self.is_reported(self.current) {
            return;
        }
        let c = &mut self
            .open
            .back_mut()
            .expect("the current interval is open")
            .groups[g];
        c.breaks_started += 1;
        if delay > 0 {
            c.breaks_late += 1;
            c.break_delay += TickSum::from(delay);
        }
    }

    /// A contact released a port it held for `hold`.
    #[inline]
    pub fn port_released(&mut self, p: usize, counted: bool, hold: Ticks) {
        if counted {
            self.pool_seizures[p] += 1;
            self.pool_hold[p] += hold;
        }
    }

    /// The open interval the clock is in, if it is reported.
    fn current_totals(&mut self) -> Option<&mut IntervalTotals> {
        if self.is_reported(self.current) {
            self.open.back_mut()
        } else {
            None
        }
    }

    /// The interval the clock is in, if it is reported: where a campaign dial placed (or a
    /// preview begun) at `now` counts, to be given back with each of its figures.
    pub fn dial_interval(&self, now: Ticks) -> Option<u32> {
        debug_assert_eq!(self.current as u64, now / self.interval);
        self.is_reported(self.current)
            .then_some(self.current as u32)
    }

    /// The open interval a campaign dial counts in (see [`Recorder::dial_interval`]).
    fn dial_totals(&mut self, interval: Option<u32>) -> Option<&mut IntervalTotals> {
        interval.map(|k| self.totals(k))
    }

    /// Campaign `k`'s agent started previewing a record for `time`.
    /// Its dial will count where the preview began, which stays open until the dial ends.
    pub fn campaign_previewed(&mut self, k: usize, time: Ticks) {
        if let Some(t) = self.current_totals() {
            let c = &mut t.campaigns[k];
            c.previews += 1;
            c.preview += TickSum::from(time);
            t.live += 1;
        }
    }

    /// Campaign `k` placed a dial, which counts in `interval` (now's, or a previewed record's
    /// preview start's; see [`Recorder::dial_interval`]): it stays open until the dial has
    /// ended.
    pub fn campaign_dialed(&mut self, k: usize, interval: Option<u32>, previewed: bool) {
        if let Some(t) = self.dial_totals(interval) {
            t.campaigns[k].dials += 1;
            // A previewed record's interval is held open since its preview began.
            t.live += u64::from(!previewed);
        }
    }

    /// A dial of campaign `k` counted in `interval` rang for `ring` and ended with `result`, a
    /// live answer or not.
    pub fn campaign_rang(
        &mut self,
        k: usize,
        interval: Option<u32>,
        (ring, result): (Ticks, CallResult),
        live: bool,
    ) {
        if let Some(t) = self.dial_totals(interval) {
            let c = &mut t.campaigns[k];
            c.ring += TickSum::from(ring);
            c.results[result.0 as usize] += 1;
            c.live += u64::from(live);
        }
    }

    /// A live answer of a dial counted in `interval` talks with an agent for `talk`: the dial
    /// has ended, and its record is finished.
    pub fn campaign_connected(&mut self, k: usize, interval: Option<u32>, talk: Ticks) {
        self.campaign_finished[k] += 1;
        if let Some(t) = self.dial_totals(interval) {
            let c = &mut t.campaigns[k];
            c.connected += 1;
            c.talk += TickSum::from(talk);
            c.finished += 1;
            t.live -= 1;
            self.close_finished();
        }
    }

    /// A machine answering a dial counted in `interval` was taken for a person and passed to an
    /// agent (its attempt ends when the agent hangs up).
    pub fn campaign_machine_to_agent(&mut self, k: usize, interval: Option<u32>) {
        if let Some(t) = self.dial_totals(interval) {
            t.campaigns[k].machines_to_agents += 1;
        }
    }

    /// A live answer (result `result`) of a dial counted in `interval` was dropped: the dial
    /// ends as DROPPED (its attempt ends next).
    pub fn campaign_dropped(&mut self, k: usize, interval: Option<u32>, result: CallResult) {
        if let Some(t) = self.dial_totals(interval) {
            let c = &mut t.campaigns[k];
            c.dropped += 1;
            c.results[result.0 as usize] -= 1;
            c.results[CallResult::DROPPED.0 as usize] += 1;
        }
    }

    /// A dial of campaign `k` counted in `interval` ended unconnected; `finished` says whether
    /// that finished its record (a final result, or its attempts used up).
    pub fn campaign_attempt_ended(&mut self, k: usize, interval: Option<u32>, finished: bool) {
        self.campaign_finished[k] += u64::from(finished);
        if let Some(t) = self.dial_totals(interval) {
            t.campaigns[k].finished += u64::from(finished);
            t.live -= 1;
            self.close_finished();
        }
    }

    /// An agent started (`delta` 1) or stopped (-1) working for campaign `k`.
    #[inline]
    pub fn campaign_agents(&mut self, k: usize, delta: i32, now: Ticks) {
        self.bump(self.layout.index(Level::CampaignAgents(k)), delta, now);
    }

    /// An agent started (`delta` 1) or stopped (-1) talking (or wrapping up) for campaign `k`.
    #[inline]
    pub fn campaign_talking(&mut self, k: usize, delta: i32, now: Ticks) {
        self.bump(self.layout.index(Level::CampaignTalking(k)), delta, now);
    }

    /// A contact was still in the IVR or the queue when the run ended.
    /// `wait` is how long a waiting contact had waited.
    pub fn still_in_system(&mut self, q: usize, interval: Option<u32>, phase: Phase, wait: Ticks) {
        let Some(k) = interval else { return };
        match phase {
            // Answered (or connected) already: it left the queue, and its interval may have
            // closed, so only the run totals can take it.
            Phase::Talking => {
                self.run_queues[q].talking_at_end += 1;
                return;
            }
            Phase::Left => return,
            _ => {}
        }
        let t = self.totals(k);
        let c = &mut t.queues[q];
        match phase {
            Phase::Ivr => c.in_ivr_at_end += 1,
            Phase::Waiting => {
                c.waiting_at_end += 1;
                c.waited += u64::from(wait > 0);
            }
            _ => c.callbacks_pending_at_end += 1,
        }
        t.live -= 1;
    }

    /// Whether `t` is after the warm-up (agents' trace rows are written from then on).
    pub fn after_warm_up(&self, t: Ticks) -> bool {
        (t / self.interval) as usize >= self.first_reported
    }

    /// Whether contacts arriving (or due) at `t` are counted.
    pub fn reports(&self, t: Ticks) -> bool {
        self.is_reported((t / self.interval) as usize)
    }

    /// A callback was offered to a waiting caller.
    #[inline]
    pub fn callback_offered(&mut self, q: usize, interval: Option<u32>) {
        if let Some(k) = interval {
            self.totals(k).queues[q].callbacks_offered += 1;
        }
    }

    /// A callback offer was not made: the queue held its `max_queued` callbacks.
    pub fn callback_offer_withheld(&mut self, q: usize, interval: Option<u32>) {
        if let Some(k) = interval {
            self.totals(k).queues[q].callback_offers_withheld += 1;
        }
    }

    /// A caller who had waited `wait` accepted a callback and hung up. The contact stays
    /// open (in its arrival interval) until the callback ends.
    pub fn callback_accepted(&mut self, q: usize, interval: Option<u32>, wait: Ticks) {
        if let Some(k) = interval {
            let c = &mut self.totals(k).queues[q];
            c.callbacks_accepted += 1;
            c.waited += u64::from(wait > 0);
        }
    }

    /// A scheduled request became due at `now`; returns the interval it counts in. Its row
    /// in `calls.csv` comes in order of becoming due.
    pub fn callback_requested(&mut self, q: usize, id: u64, now: Ticks) -> Option<u32> {
        self.enter(q, id, now, |c| c.callbacks_requested += 1)
    }

    /// A callback connected after `attempts` dials, `wait` after it was due; `from_offer`
    /// tells a callback a caller accepted (who had waited `line_wait` on the line) from a
    /// scheduled request. It is an answered contact of the queue.
    #[allow(clippy::too_many_arguments)]
    pub fn callback_connected(
        &mut self,
        q: usize,
        g: usize,
        interval: Option<u32>,
        wait: Ticks,
        line_wait: Ticks,
        handle: Ticks,
        wrap_up: Ticks,
        attempts: u32,
        from_offer: bool,
    ) {
        if let Some(k) = interval {
            let credit = self.credit_callbacks[q];
            let c = &mut self.totals(k).queues[q];
            let handled = TickSum::from(handle) + TickSum::from(wrap_up);
            c.callback_answered(line_wait, handled, !from_offer, credit);
            c.callback_attempts += u64::from(attempts);
            c.callback_wait += TickSum::from(wait);
            self.totals(k).live -= 1;
            self.waits[q].record(line_wait);
            self.callback_waits[q].record(wait);
            self.group_handled[g] += 1;
            self.group_handle[g] += handled;
            self.close_finished();
        }
    }

    /// A callback ended unconnected with `status`: its window closed (ENDTIME_EXPIRED), its
    /// attempts ran out or a result was final (FINAL), or it could not be queued (NOT_QUEUED).
    pub fn callback_ended(
        &mut self,
        q: usize,
        interval: Option<u32>,
        status: CallbackStatus,
        attempts: u32,
    ) {
        if let Some(k) = interval {
            let c = &mut self.totals(k).queues[q];
            match status {
                CallbackStatus::EndtimeExpired => c.callbacks_expired += 1,
                CallbackStatus::NotQueued => c.callbacks_not_queued += 1,
                _ => c.callbacks_failed += 1,
            }
            c.callback_attempts += u64::from(attempts);
            self.totals(k).live -= 1;
            self.close_finished();
        }
    }

    /// Whether events are traced (`events.csv`): the model builds trace rows only then.
    #[inline(always)]
    pub fn tracing(&self) -> bool {
        self.trace.is_some()
    }

    /// An event for `events.csv`, if events are traced and `reported` (its contact, or the
    /// agent's change, counts: it is not in the warm-up).
    pub fn trace(&mut self, reported: bool, record: TraceRecord) {
        if let (Some(log), true) = (&mut self.trace, reported)
            && let Err(e) = log.record(&record)
        {
            self.io_error.get_or_insert(e);
        }
    }

    /// A contact's outcome is known (for `calls.csv`). The record is only made when calls
    /// are logged: most runs do not pay for it.
    #[inline]
    pub fn call(&mut self, record: impl FnOnce() -> CallRecord) {
        let Some(log) = &mut self.calls else { return };
        let record = record();
        if record.interval.is_some()
            && let Err(e) = log.record(record)
        {
            self.io_error.get_or_insert(e);
        }
    }

    /// Emits every interval whose time has passed and whose contacts have all left the queue.
    fn close_finished(&mut self) {
        while let Some(front) = self.open.front() {
            if self.base >= self.current || front.live > 0 {
                break;
            }
            self.close_front();
        }
    }

    fn close_front(&mut self) {
        let totals = self.open.pop_front().expect("an open interval");
        let k = self.base;
        self.base += 1;
        let span = self.interval as f64;
        for q in 0..self.layout.queues {
            let c = &totals.queues[q];
            let mut time = GroupTime {
                states: [0.0; AgentState::COUNT],
                scheduled: 0.0,
            };
            for &g in &self.queue_groups[q] {
                time.add(&GroupTime::of(self.layout, &totals.area, g));
            }
            let (reserved, refused) = (
                time.state(AgentState::Reserved),
                time.state(AgentState::Refused),
            );
            let ports = match self.queue_pool[q] {
                Some(p) => {
                    let i = self.layout.index(Level::PortsBusy(p));
                    let cb = totals.area[self.layout.index(Level::PortsCallback(p))];
                    let campaign = totals.area[self.layout.index(Level::PortsCampaign(p))];
                    let inbound = totals.area[i] - cb - campaign;
                    PortFigures {
                        mean: totals.area[i] / span,
                        peak: f64::from(totals.peak[i]),
                        inbound_mean: inbound / span,
                        outbound_mean: (cb + campaign) / span,
                        minutes_inbound: minutes(inbound),
                        minutes_callback: minutes(cb),
                    }
                }
                None => PortFigures::NONE,
            };
            let v = Ratio::value;
            let row = [
                v(c.offered as f64),
                v(c.blocked as f64),
                v(c.answered as f64),
                v(c.abandoned as f64),
                c.p_wait(),
                c.service_level(self.sl.definition),
                self.met_target(c),
                c.asa(),
                c.abandon_rate(),
                c.aht(),
                time.occupancy(),
                v(time.present() / span),
                v(ports.mean),
                v(ports.peak),
                v(ports.inbound_mean),
                v(ports.outbound_mean),
                v(totals.area[self.layout.index(Level::Waiting(q))] / span),
                v(c.waiting_at_end as f64),
                v(c.in_ivr_at_end as f64),
                v(c.callbacks_offered as f64),
                v(c.callback_offers_withheld as f64),
                v(c.callbacks_accepted as f64),
                v(c.callbacks_requested as f64),
                v(c.callbacks_connected as f64),
                v(c.callbacks_expired as f64),
                v(c.callbacks_failed as f64),
                v(c.callbacks_not_queued as f64),
                c.callback_attempts_mean(),
                c.callback_wait_mean(),
                v(ports.minutes_inbound),
                v(ports.minutes_callback),
                v(minutes(reserved)),
                v(minutes(refused)),
            ];
            if let Err(e) = self.sink.row(k, q, &row) {
                self.io_error.get_or_insert(e);
            }
            self.run_queues[q].add(c);
        }
        for (g, counts) in totals.groups.iter().enumerate() {
            let time = GroupTime::of(self.layout, &totals.area, g);
            let present = time.present();
            let v = Ratio::value;
            let mut row = [v(0.0); AGENT_COLUMNS.len()];
            row[0] = v(time.scheduled / span);
            row[1] = v(present / span);
            row[2] = v((present - time.scheduled) / span);
            for (i, s) in time.states.iter().enumerate() {
                row[3 + i] = v(s / span);
            }
            let rest = [
                time.occupancy(),
                v(counts.offers as f64),
                v(counts.ronas as f64),
                v(counts.breaks_started as f64),
                v(counts.breaks_late as f64),
                counts.break_delay_mean(),
            ];
            row[3 + AgentState::COUNT..].copy_from_slice(&rest);
            if let Err(e) = self.sink.group_row(k, g, &row) {
                self.io_error.get_or_insert(e);
            }
            self.run_groups[g].add(counts);
        }
        for (c, counts) in totals.campaigns.iter().enumerate() {
            let window = self.drop_caps[c]
                .0
                .of(&self.calendar, k as Ticks * self.interval);
            let cap = self.drop_caps[c].1;
            let w = &mut self.campaign_windows[c];
            if window != w.window {
                *w = DropWindowTotals {
                    window,
                    live: 0,
                    dropped: 0,
                    earlier_met: w.earlier_met && w.met(cap),
                };
            }
            w.live += counts.live;
            w.dropped += counts.dropped;
            let window_so_far = (w.live, w.dropped);
            let row = counts.values(
                self.campaign_time(&totals.area, c),
                (self.campaign_records[c], totals.records_left[c]),
                window_so_far,
            );
            if let Err(e) = self.sink.campaign_row(k, c, &row) {
                self.io_error.get_or_insert(e);
            }
            self.run_campaigns[c].add(counts);
        }
        for (i, (&a, &p)) in totals.area.iter().zip(&totals.peak).enumerate() {
            self.run_area[i] += a;
            self.run_peak[i] = self.run_peak[i].max(p);
        }
        self.spare = Some(totals);
    }

    /// Campaign `k`'s agent time in `area` (value·ticks).
    fn campaign_time(&self, area: &[f64], k: usize) -> CampaignTime {
        CampaignTime {
            agents: area[self.layout.index(Level::CampaignAgents(k))],
            talking: area[self.layout.index(Level::CampaignTalking(k))],
            present: self.campaign_groups[k]
                .iter()
                .map(|&g| area[self.layout.index(Level::AgentsPresent(g))])
                .sum(),
        }
    }

    /// Ends the replication at `now`: closes every interval (contacts still in the system
    /// were reported by `still_in_system`) and the call log.
    pub fn finish(&mut self, now: Ticks) {
        // Time accounts run to the end of the last interval even if the last event came earlier.
        self.advance(now.max(self.intervals as Ticks * self.interval));
        while !self.open.is_empty() {
            self.close_front();
        }
        if let Err(e) = self.sink.finish() {
            self.io_error.get_or_insert(e);
        }
        if let Some(log) = &mut self.calls
            && let Err(e) = log.finish()
        {
            self.io_error.get_or_insert(e);
        }
        if let Some(log) = &mut self.trace
            && let Err(e) = log.finish()
        {
            self.io_error.get_or_insert(e);
        }
    }

    /// The run-level metrics, and the first I/O error of the sinks if there was one.
    pub fn into_metrics(self) -> std::io::Result<ReplicationMetrics> {
        if let Some(e) = self.io_error {
            return Err(e);
        }
        let all = self.all_queues();
        let values = self
            .catalog
            .iter()
            .map(|&(scope, metric)| self.metric(scope, metric, &all))
            .collect();
        Ok(ReplicationMetrics { values })
    }

    /// The queues' totals pooled, for the figures of scope `all` (pooled once: a histogram
    /// is thousands of buckets, and `all` has dozens of figures).
    fn all_queues(&self) -> AllQueues {
        let mut all = AllQueues {
            counts: QueueCounts::default(),
            waits: WaitHistogram::default(),
            callback_waits: WaitHistogram::default(),
            waiting: 0.0,
        };
        for (q, counts) in self.run_queues.iter().enumerate() {
            all.counts.add(counts);
            all.waits.add(&self.waits[q]);
            all.callback_waits.add(&self.callback_waits[q]);
            all.waiting += self.run_area[self.layout.index(Level::Waiting(q))];
        }
        all
    }

    fn metric(&self, scope: Scope, metric: Metric, all: &AllQueues) -> Ratio {
        let v = Ratio::value;
        let window = self.window as f64;
        let area = |l: Level| self.run_area[self.layout.index(l)];
        match scope {
            Scope::All => match metric {
                Metric::Occupancy => {
                    let mut time = GroupTime::of(self.layout, &self.run_area, 0);
                    for g in 1..self.layout.groups {
                        time.add(&GroupTime::of(self.layout, &self.run_area, g));
                    }
                    time.occupancy()
                }
                Metric::PortUtilisation => {
                    let busy: f64 = (0..self.layout.pools)
                        .map(|p| area(Level::PortsBusy(p)))
                        .sum();
                    let size: f64 = self.pool_sizes.iter().map(|&s| f64::from(s)).sum();
                    Ratio::new(busy, size * window)
                }
                m => self.contact_metric(
                    m,
                    &all.counts,
                    &all.waits,
                    &all.callback_waits,
                    all.waiting / window,
                ),
            },
            Scope::Queue(q) => self.contact_metric(
                metric,
                &self.run_queues[q],
                &self.waits[q],
                &self.callback_waits[q],
                area(Level::Waiting(q)) / window,
            ),
            Scope::Group(g) => {
                let time = GroupTime::of(self.layout, &self.run_area, g);
                let counts = &self.run_groups[g];
                match metric {
                    Metric::Occupancy => time.occupancy(),
                    Metric::AgentsStaffed => v(time.present() / window),
                    Metric::AgentsScheduled => v(time.scheduled / window),
                    Metric::AgentsBusyMean => v(time.busy() / window),
                    Metric::Shrinkage => Ratio::new(time.shrinkage_time(), time.present()),
                    Metric::AgentMinutesRona => v(minutes(time.state(AgentState::Rona))),
                    Metric::Offers => v(counts.offers as f64),
                    Metric::Ronas => v(counts.ronas as f64),
                    Metric::BreaksStarted => v(counts.breaks_started as f64),
                    Metric::BreaksLate => v(counts.breaks_late as f64),
                    Metric::BreakDelayS => counts.break_delay_mean(),
                    Metric::Handled => v(self.group_handled[g] as f64),
                    Metric::HandleTimeS => Ratio::new(
                        secs_from_tick_sum(self.group_handle[g]),
                        self.group_handled[g] as f64,
                    ),
                    Metric::AgentMinutesReserved => v(minutes(time.state(AgentState::Reserved))),
                    Metric::AgentMinutesRefused => v(minutes(time.state(AgentState::Refused))),
                    m => unreachable!("{m:?} is not a group metric"),
                }
            }
            Scope::Pool(p) => {
                let busy = area(Level::PortsBusy(p)) / window;
                let blocked: u64 = (0..self.layout.queues)
                    .filter(|&q| self.queue_pool[q] == Some(p))
                    .map(|q| self.run_queues[q].blocked)
                    .sum();
                let offered: u64 = (0..self.layout.queues)
                    .filter(|&q| self.queue_pool[q] == Some(p))
                    .map(|q| self.run_queues[q].callers_offered())
                    .sum();
                match metric {
                    Metric::PortUtilisation => Ratio::new(busy, f64::from(self.pool_sizes[p])),
                    Metric::PortsBusyMean => v(busy),
                    Metric::PortsBusyPeak => v(f64::from(
                        self.run_peak[self.layout.index(Level::PortsBusy(p))],
                    )),
                    Metric::PortsBusyInboundMean => v((area(Level::PortsBusy(p))
                        - area(Level::PortsCallback(p))
                        - area(Level::PortsCampaign(p)))
                        / window),
                    Metric::PortsBusyOutboundMean => v((area(Level::PortsCallback(p))
                        + area(Level::PortsCampaign(p)))
                        / window),
                    Metric::Seizures => v(self.pool_seizures[p] as f64),
                    Metric::PortHoldS => Ratio::new(
                        secs_from_ticks(self.pool_hold[p]),
                        self.pool_seizures[p] as f64,
                    ),
                    Metric::PortMinutesInbound => v(minutes(
                        area(Level::PortsBusy(p))
                            - area(Level::PortsCallback(p))
                            - area(Level::PortsCampaign(p)),
                    )),
                    Metric::PortMinutesCallback => v(minutes(area(Level::PortsCallback(p)))),
                    Metric::PortMinutesCampaign => v(minutes(area(Level::PortsCampaign(p)))),
                    // Callbacks show as inbound in reporting but as outbound in billing (seed
                    // 001); campaigns are outbound in both.
                    Metric::PortMinutesBilledOutbound => v(minutes(
                        area(Level::PortsCallback(p)) + area(Level::PortsCampaign(p)),
                    )),
                    Metric::Blocked => v(blocked as f64),
                    Metric::BlockRate => Ratio::new(blocked as f64, (offered + blocked) as f64),
                    m => unreachable!("{m:?} is not a pool metric"),
                }
            }
            Scope::Campaign(k) => {
                // Records left: not finished when the run ended (never dialed, waiting for
                // a retry, or in a dial the drain limit cut).
                let left = u64::from(self.campaign_records[k]) - self.campaign_finished[k];
                let w = &self.campaign_windows[k];
                if metric == Metric::DropCapMet {
                    let met = w.earlier_met && w.met(self.drop_caps[k].1);
                    return v(f64::from(u8::from(met)));
                }
                let values = self.run_campaigns[k].values(
                    self.campaign_time(&self.run_area, k),
                    (self.campaign_records[k], left),
                    (w.live, w.dropped),
                );
                let column = CAMPAIGN_COLUMNS
                    .iter()
                    .position(|&c| c == Column::Metric(metric))
                    .unwrap_or_else(|| unreachable!("{metric:?} is not a campaign metric"));
                values[column]
            }
        }
    }

    /// Whether `c`'s service level met the target (NaN without a target).
    fn met_target(&self, c: &QueueCounts) -> Ratio {
        match self.sl.target {
            Some(t) => c.met_target(self.sl.definition, t),
            None => Ratio::value(f64::NAN),
        }
    }

    fn contact_metric(
        &self,
        metric: Metric,
        c: &QueueCounts,
        waits: &WaitHistogram,
        callback_waits: &WaitHistogram,
        queue_mean: f64,
    ) -> Ratio {
        let v = Ratio::value;
        // A percentile is each replication's own (estimated by the mean over replications).
        let quantile = |p: f64| v(waits.quantile(p).map_or(f64::NAN, secs_from_ticks));
        match metric {
            Metric::Offered => v(c.offered as f64),
            Metric::Blocked => v(c.blocked as f64),
            Metric::Answered => v(c.answered as f64),
            Metric::Abandoned => v(c.abandoned as f64),
            Metric::ShortAbandoned => v(c.short_abandoned as f64),
            Metric::ServiceLevel => c.service_level(self.sl.definition),
            Metric::ServiceLevelTargetMet => self.met_target(c),
            Metric::PWait => c.p_wait(),
            Metric::AsaS => c.asa(),
            Metric::MeanWaitS => c.mean_wait(),
            Metric::P50WaitS => quantile(0.5),
            Metric::P90WaitS => quantile(0.9),
            Metric::P95WaitS => quantile(0.95),
            Metric::AbandonRate => c.abandon_rate(),
            Metric::BlockRate => {
                Ratio::new(c.blocked as f64, (c.callers_offered() + c.blocked) as f64)
            }
            Metric::AhtS => c.aht(),
            Metric::QueueMean => v(queue_mean),
            Metric::WaitingAtEnd => v(c.waiting_at_end as f64),
            Metric::InIvrAtEnd => v(c.in_ivr_at_end as f64),
            Metric::TalkingAtEnd => v(c.talking_at_end as f64),
            Metric::CallbacksOffered => v(c.callbacks_offered as f64),
            Metric::CallbackOffersWithheld => v(c.callback_offers_withheld as f64),
            Metric::CallbacksAccepted => v(c.callbacks_accepted as f64),
            Metric::CallbacksRequested => v(c.callbacks_requested as f64),
            Metric::CallbacksConnected => v(c.callbacks_connected as f64),
            Metric::CallbacksExpired => v(c.callbacks_expired as f64),
            Metric::CallbacksFailed => v(c.callbacks_failed as f64),
            Metric::CallbacksNotQueued => v(c.callbacks_not_queued as f64),
            Metric::CallbackAttempts => c.callback_attempts_mean(),
            Metric::CallbackWaitS => c.callback_wait_mean(),
            Metric::CallbackWaitP90S => v(callback_waits
                .quantile(0.9)
                .map_or(f64::NAN, secs_from_ticks)),
            Metric::CallbacksPendingAtEnd => v(c.callbacks_pending_at_end as f64),
            m => unreachable!("{m:?} is not a contact metric"),
        }
    }
}

/// The totals of every queue of a replication, pooled.
struct AllQueues {
    counts: QueueCounts,
    waits: WaitHistogram,
    callback_waits: WaitHistogram,
    /// Integral of the callers waiting, value·ticks.
    waiting: f64,
}

/// Adds `delta` to an agent level. Agent levels keep no peak (none is reported): the
/// hottest bookkeeping of the model does only what the reports need.
#[inline]
fn bump(s: &mut LevelState, delta: i32, now: Ticks) {
    s.area += u128::from(s.value) * u128::from(now - s.since);
    s.value = s.value.wrapping_add_signed(delta);
    s.since = now;
}

/// A queue's port pool over an interval: busy ports (mean, peak, inbound and outbound
/// means) and port minutes.
struct PortFigures {
    mean: f64,
    peak: f64,
    inbound_mean: f64,
    outbound_mean: f64,
    minutes_inbound: f64,
    minutes_callback: f64,
}

impl PortFigures {
    /// A queue without a pool.
    const NONE: PortFigures = PortFigures {
        mean: f64::NAN,
        peak: f64::NAN,
        inbound_mean: f64::NAN,
        outbound_mean: f64::NAN,
        minutes_inbound: f64::NAN,
        minutes_callback: f64::NAN,
    };
}

/// Minutes of an area in value·ticks (agent-minutes, port-minutes).
fn minutes(area: f64) -> f64 {
    area / (60 * crate::engine::TICKS_PER_SECOND) as f64
}
