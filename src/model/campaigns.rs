//! The outbound part of the state machine: campaigns dial their lists for ready agents.
//!
//! An agent's **cycle**: a ready agent of a campaign's groups is reserved (seed 003: only a
//! Ready agent is given outbound work), reviews the record for the preview time (preview
//! mode), and its dials are placed — one, or `lines` in power mode — each on a port of the
//! campaign's pool. Each dial rings and ends with a result drawn from the campaign's table.
//! A live answer (a connected result) talks with the cycle's agent if it is still waiting;
//! otherwise with another ready agent of the campaign, or it holds for `drop_after` and is
//! then dropped (DROPPED). Other results free the line, and the record is retried after
//! `retry_after` (a retry result) or finished (a final one, or its attempts used up). When
//! every dial of a cycle has ended without a live answer, the agent is free again.
//!
//! **Blending**: inbound work comes first — a freed agent takes waiting contacts before any
//! outbound — and a cycle starts only while more than `idle_threshold` of the campaign's
//! agents are ready (Bhulai & Koole's threshold rule), so that some stay for inbound.
//!
//! A campaign dials in its hours (clock times, each day) within the simulated period; dials
//! under way when they close run to their end. Its draws come from streams of its own, so
//! inbound callers are the same with or without it.

use super::CampaignModel;
use super::agents::AgentState;
use super::center::{Center, Event};
use super::contacts::{Contact, ContactKind, HeldPort, OutboundState, Phase, PortUse};
use super::dial_list::{DialList, Record};
use super::pacing::PacingState;
use crate::engine::{RandomStreams, Stream, Ticks};
use crate::scenario::{CallResult, DialMode, ResultClass};
use crate::stats::TraceEvent;
use rand::Rng;
use std::collections::VecDeque;

/// Random streams of one campaign, one per purpose.
pub(super) struct CampaignStreams {
    result: Stream,
    ring: Stream,
    preview: Stream,
    talk: Stream,
    wrap_up: Stream,
    /// Manual mode's clock and its thinning.
    manual: Stream,
    /// Answering-machine detection's judgements.
    amd: Stream,
}

impl CampaignStreams {
    pub(super) fn new(streams: &RandomStreams, campaign: &str) -> CampaignStreams {
        CampaignStreams {
            result: streams.stream("campaign_result", campaign),
            ring: streams.stream("campaign_ring", campaign),
            preview: streams.stream("campaign_preview", campaign),
            talk: streams.stream("campaign_talk", campaign),
            wrap_up: streams.stream("campaign_wrap_up", campaign),
            manual: streams.stream("campaign_manual", campaign),
            amd: streams.stream("campaign_amd", campaign),
        }
    }
}

/// The owner of a predictive dial: none (it dials for the campaign's agents as a pool).
const NO_OWNER: u32 = u32::MAX;

/// One campaign's list and hours in a replication.
pub(super) struct CampaignState {
    /// Which record is dialed next.
    list: DialList,
    /// The current or next window of its hours (open, close); `None` before the first
    /// look and after the last window.
    window: Option<(Ticks, Ticks)>,
    /// The day of the calendar the next window is looked for from.
    day: i64,
    /// Live answers holding for an agent, oldest first (slot, generation; stale ones are
    /// skipped), and how many hold now.
    holding: VecDeque<(u32, u32)>,
    held: u32,
    /// Dials ringing (placed, result not yet known).
    ringing: u32,
    /// Agents working for it (in a cycle, a talk or its wrap-up).
    busy: u32,
    /// Predictive mode's pacing.
    pacing: Option<PacingState>,
    /// Set when its last dispatch stopped for want of agents or pacing rather than of
    /// records, with the drop window it was in: a record coming due (a retry, a window
    /// opening) then changes nothing until something wakes the campaign (an agent or a
    /// line freed, which dispatches anyway) or the window turns.
    stalled: Option<i64>,
    /// When the pending wake for a retry coming due is (`Ticks::MAX`: none). A retry needs
    /// a wake only while the campaign lacks records: otherwise the events that free its
    /// agents and lines dispatch it, and it takes the retry then. One wake at a time, at
    /// the earliest retry, keeps the event queue short.
    retry_wake: Ticks,
}

impl CampaignState {
    pub(super) fn new(model: &CampaignModel) -> CampaignState {
        CampaignState {
            list: DialList::new(),
            window: None,
            // Day -1 may hold a window past midnight still open at the start.
            day: -1,
            holding: VecDeque::new(),
            held: 0,
            ringing: 0,
            busy: 0,
            pacing: model.pacing.as_ref().map(PacingState::new),
            stalled: None,
            retry_wake: Ticks::MAX,
        }
    }
}

impl<const TRACE: bool> Center<'_, '_, TRACE> {
    /// The campaign's timer: its hours open or close, or a retry came due. Moves its window
    /// on when the last one has closed, and gives its ready agents work.
    pub(super) fn campaign_timer(&mut self, k: usize, now: Ticks) {
        if now >= self.campaigns[k].retry_wake {
            self.campaigns[k].retry_wake = Ticks::MAX;
        }
        match self.campaigns[k].window {
            Some((open, close)) if now < close => {
                if open == now {
                    // It opens now: wake when it closes.
                    self.wake_campaign(k, close);
                } else if let Some(stalled) = self.campaigns[k].stalled
                    && stalled == self.drop_window_now(k, now)
                {
                    // A record came due, which the last dispatch did not lack.
                    return;
                }
            }
            _ => {
                let next = self.next_window(k, now);
                self.campaigns[k].window = next;
                if let Some((open, close)) = next {
                    self.wake_campaign(k, if now < open { open } else { close });
                }
            }
        }
        self.campaign_dispatch(k, now);
    }

    /// The drop window `now` is in, for a predictive campaign (whose pacing depends on it).
    fn drop_window_now(&mut self, k: usize, now: Ticks) -> i64 {
        let model = self.model;
        let kind = model.campaigns[k].campaign.drop_window;
        self.campaigns[k]
            .pacing
            .as_mut()
            .map_or(0, |p| p.window_at(kind, &model.calendar, now))
    }

    fn wake_campaign(&mut self, k: usize, at: Ticks) {
        if at < self.model.duration {
            self.schedule(at, Event::Campaign { campaign: k as u32 });
        }
    }

    /// Campaign `k`'s first window that closes after `after`, within the simulated period.
    fn next_window(&mut self, k: usize, after: Ticks) -> Option<(Ticks, Ticks)> {
        let duration = self.model.duration;
        let Some((from, to)) = self.model.campaigns[k].campaign.hours else {
            return (after < duration).then_some((0, duration));
        };
        let calendar = &self.model.calendar;
        loop {
            let day = self.campaigns[k].day;
            let open = calendar.at(day, from);
            let close = if to > from {
                calendar.at(day, to)
            } else {
                calendar.at(day + 1, to)
            };
            if open >= duration as i128 {
                return None;
            }
            self.campaigns[k].day += 1;
            if close > after as i128 {
                return Some((open.max(0) as Ticks, (close as Ticks).min(duration)));
            }
        }
    }

    /// Whether campaign `k` may start a cycle at `now`: its hours are open, a port is free
    /// and a record may be called (records outside their windows are set to wait for them).
    fn campaign_has_work(&mut self, k: usize, now: Ticks) -> bool {
        let model = &self.model.campaigns[k];
        let open = self.campaigns[k]
            .window
            .is_some_and(|(open, close)| open <= now && now < close);
        // With every port busy a cycle would only fail: it waits for a port.
        if !open || !model.campaign.port_pool.is_none_or(|p| self.port_free(p)) {
            return false;
        }
        let Some(list) = &model.list else {
            return self.campaigns[k]
                .list
                .synthetic_ready(model.campaign.records, now);
        };
        let mut wakes = std::mem::take(&mut self.list_wakes);
        let ready = self.campaigns[k]
            .list
            .ready(list, model.campaign.records, now, &mut wakes);
        for at in wakes.drain(..) {
            self.wake_campaign(k, at);
        }
        self.list_wakes = wakes;
        ready
    }

    /// The next record to dial (callable now: `campaign_has_work` said so).
    fn take_record(&mut self, k: usize, now: Ticks) -> Option<Record> {
        let model = &self.model.campaigns[k];
        self.campaigns[k]
            .list
            .take(model.list.as_ref(), model.campaign.records, now)
    }

    /// Gives campaigns their ready agents after an event that freed agents (of their groups)
    /// or ports (of their pools): after the event, so that inbound work it brings goes first
    /// and no cycle starts in the middle of another change.
    pub(super) fn campaigns_dispatch(&mut self, now: Ticks) {
        self.campaign_wake = false;
        for k in 0..self.campaigns.len() {
            self.campaign_dispatch(k, now);
        }
    }

    /// Gives campaign `k` work for its ready agents: cycles, or in predictive mode dials as
    /// its pacing allows (manual campaigns dial on their own clock).
    fn campaign_dispatch(&mut self, k: usize, now: Ticks) {
        if self.campaign_dispatching {
            return;
        }
        self.campaign_dispatching = true;
        let stalled = match self.model.campaigns[k].campaign.mode {
            crate::scenario::DialMode::Predictive => self.pace(k, now),
            // Manual calls are placed by agents on their own clock, not dispatched.
            crate::scenario::DialMode::Manual => None,
            _ => self.start_cycles(k, now).then_some(0),
        };
        self.campaigns[k].stalled = stalled;
        self.campaign_dispatching = false;
        // Wake when the next retry comes due: nothing else may. (One due already lacked
        // hours or a port, which wake the campaign themselves.)
        if self.starved(k)
            && let Some(due) = self.campaigns[k].list.next_timer()
            && due > now
        {
            self.wake_for_retry(k, due);
        }
    }

    /// Whether campaign `k`'s last dispatch stopped for want of records (a manual
    /// campaign's agents look for records on their own clock).
    fn starved(&self, k: usize) -> bool {
        self.campaigns[k].stalled.is_none()
            && self.model.campaigns[k].campaign.mode != crate::scenario::DialMode::Manual
    }

    /// Record that a record of campaign `k` is to be dialed again at `due`, waking the
    /// campaign then if it lacks records and no earlier wake is pending.
    fn retry_record(&mut self, k: usize, record: Record, due: Ticks) {
        self.campaigns[k].list.retry(record, due);
        if self.starved(k) {
            self.wake_for_retry(k, due);
        }
    }

    fn wake_for_retry(&mut self, k: usize, due: Ticks) {
        if due < self.campaigns[k].retry_wake {
            self.campaigns[k].retry_wake = due;
            self.wake_campaign(k, due);
        }
    }

    /// Starts cycles of campaign `k` for its ready agents, longest idle first, while it has
    /// work and more than its `idle_threshold` of them are ready. Returns whether it stopped
    /// for want of agents (rather than of work).
    fn start_cycles(&mut self, k: usize, now: Ticks) -> bool {
        let campaign = &self.model.campaigns[k].campaign;
        while self.campaign_has_work(k, now) {
            let ready: u32 = campaign.groups.iter().map(|&g| self.agents.ready(g)).sum();
            if ready <= campaign.idle_threshold {
                return true;
            }
            let Some(a) = self.longest_idle_of(&campaign.groups) else {
                return true;
            };
            self.start_cycle(k, a, now);
        }
        false
    }

    /// Predictive dialing (see `pacing`): places dials for campaign `k`'s agents as a pool,
    /// none reserved, while its pacing allows one more to ring. Returns the drop window if
    /// it stopped for want of agents or pacing (rather than of work).
    fn pace(&mut self, k: usize, now: Ticks) -> Option<i64> {
        let model = self.model;
        let cm = &model.campaigns[k];
        let (campaign, pacing) = (&cm.campaign, cm.pacing.as_ref().expect("predictive"));
        let window = self.drop_window_now(k, now);
        // A dial placed changes only the number ringing: not the agents, nor what pacing
        // has learnt, so one look serves the whole round.
        let ready: u32 = campaign.groups.iter().map(|&g| self.agents.ready(g)).sum();
        let state = &mut self.campaigns[k];
        let most = campaign.lines * (ready + state.busy);
        // Ready agents beyond the threshold, less those live answers holding will take;
        // inbound callers take the ones kept idle first.
        let unheld = ready.saturating_sub(state.held);
        let free = unheld.saturating_sub(campaign.idle_threshold);
        let reserve = unheld.min(campaign.idle_threshold);
        let look = state.pacing.as_mut().expect("predictive").look(
            pacing,
            (free, state.busy, reserve),
            || model.interval_of(now),
            window,
        );
        loop {
            let state = &mut self.campaigns[k];
            let n = state.ringing + 1;
            // Pacing first: it stops most rounds, and costs less than settling the list.
            if n > most || !state.pacing.as_mut().expect("predictive").allows(&look, n) {
                return Some(window);
            }
            if !self.campaign_has_work(k, now) {
                return None;
            }
            let record = self.take_record(k, now).expect("a record is due");
            let slot = self.new_dial(k, None, record, Phase::Dialing, now);
            self.place_dial(slot, now, false);
        }
    }

    /// Schedules manual campaign `k`'s next tick after `now`: ticks come at the rate of its
    /// largest possible number of ready agents, and each is thinned to the number ready.
    pub(super) fn next_manual_call(&mut self, k: usize, now: Ticks) {
        let Some((_, mean_gap)) = self.model.campaigns[k].manual else {
            return;
        };
        let u: f64 = rand_distr::Distribution::sample(
            &rand_distr::Exp1,
            &mut self.campaign_streams[k].manual,
        );
        let at = now.saturating_add((u * mean_gap) as Ticks);
        if at < self.model.duration {
            self.schedule(at, Event::ManualCall { campaign: k as u32 });
        }
    }

    /// Manual campaign `k`'s tick: with probability (agents ready) / (most that can be), the
    /// longest-idle ready agent of its groups dials a record itself (seed 004's MakeCall,
    /// which only a Ready agent may place), reserved while it rings.
    pub(super) fn manual_call(&mut self, k: usize, now: Ticks) {
        self.next_manual_call(k, now);
        let model = self.model;
        let (campaign, (most, _)) = (
            &model.campaigns[k].campaign,
            model.campaigns[k].manual.expect("a manual campaign"),
        );
        let ready: u32 = campaign.groups.iter().map(|&g| self.agents.ready(g)).sum();
        let u: f64 = self.campaign_streams[k].manual.random();
        if ready == 0 || u * f64::from(most) >= f64::from(ready) || !self.campaign_has_work(k, now)
        {
            return;
        }
        if let Some(a) = self.longest_idle_of(&campaign.groups) {
            self.start_cycle(k, a, now);
        }
    }

    /// Agent `a` starts working for campaign `k` (`talking` for it, or in a cycle).
    fn campaign_work_started(&mut self, k: usize, a: u32, talking: bool, now: Ticks) {
        self.agents.get_mut(a).campaign_work = Some((k as u16, talking));
        self.campaigns[k].busy += 1;
        self.rec.campaign_agents(k, 1, now);
        if talking {
            self.rec.campaign_talking(k, 1, now);
        }
    }

    /// An agent stopped working for campaign `k` (it had been `talking` for it).
    pub(super) fn campaign_work_ended(&mut self, k: usize, talking: bool, now: Ticks) {
        self.campaigns[k].busy -= 1;
        self.rec.campaign_agents(k, -1, now);
        if talking {
            self.rec.campaign_talking(k, -1, now);
        }
    }

    /// Takes (off the ready lists) the longest-idle ready agent of `groups`.
    fn longest_idle_of(&mut self, groups: &[usize]) -> Option<u32> {
        let mut best: Option<(Ticks, usize)> = None;
        for &g in groups {
            if let Some(since) = self.agents.longest_idle(g)
                && best.is_none_or(|(b, _)| since < b)
            {
                best = Some((since, g));
            }
        }
        best.map(|(_, g)| self.agents.pop_ready(g))
    }

    /// Agent `a` (just taken off its ready list) starts a cycle of campaign `k`.
    fn start_cycle(&mut self, k: usize, a: u32, now: Ticks) {
        self.set_agent_state(a, AgentState::Reserved, now);
        let agent = self.agents.get_mut(a);
        agent.cycle = agent.cycle.wrapping_add(1);
        self.campaign_work_started(k, a, false, now);
        let model = &self.model.campaigns[k];
        match &model.preview {
            Some(preview) => {
                let record = self.take_record(k, now).expect("a record is due");
                self.agents.get_mut(a).lines = 1;
                let time = preview.sample(&mut self.campaign_streams[k].preview);
                self.rec.campaign_previewed(k, time);
                let slot = self.new_dial(k, Some(a), record, Phase::Preview, now);
                self.trace_contact(slot, TraceEvent::OfferContact, Some(a), None, now);
                let generation = self.contacts.get(slot).generation;
                self.schedule(now.saturating_add(time), Event::Dial { slot, generation });
            }
            None => {
                // The cycle's dials are counted before any is placed: one that ends at once
                // (no free port) must not end the cycle while others are still to go.
                // As many lines as ports are free: a dial without a port would only fail.
                let lines = model.campaign.port_pool.map_or(model.campaign.lines, |p| {
                    model.campaign.lines.min(self.ports_free(p))
                });
                let mut records = Vec::with_capacity(lines as usize);
                while records.len() < lines as usize
                    && (records.is_empty() || self.campaign_has_work(k, now))
                    && let Some(record) = self.take_record(k, now)
                {
                    records.push(record);
                }
                self.agents.get_mut(a).lines = records.len() as u16;
                for record in records {
                    let slot = self.new_dial(k, Some(a), record, Phase::Dialing, now);
                    // A manual call is the agent's own (MakeCall), not offered to it.
                    if model.campaign.mode != DialMode::Manual {
                        self.trace_contact(slot, TraceEvent::OfferContact, Some(a), None, now);
                    }
                    self.place_dial(slot, now, false);
                }
            }
        }
    }

    /// A contact for a dial of `record` by agent `a`'s cycle (none: a predictive dial), in
    /// `phase`.
    fn new_dial(
        &mut self,
        k: usize,
        a: Option<u32>,
        record: Record,
        phase: Phase,
        now: Ticks,
    ) -> u32 {
        self.in_system += 1;
        let slot = self.contacts.insert(Contact {
            id: u64::from(record.index),
            generation: 0,
            phase,
            queue: 0,
            // Not a queue's contact: it counts in the campaign's figures only.
            interval: None,
            arrived: now,
            enqueued: now,
            order: 0,
            handle: 0,
            wrap_up: 0,
            patience: None,
            port: None,
            agent: a.unwrap_or(NO_OWNER),
            ronas: 0,
            accepts: [false; 2],
            offer_pending: false,
            kind: ContactKind::Outbound,
        });
        let (owner_id, cycle) = a.map_or((0, 0), |a| {
            let agent = self.agents.get(a);
            (agent.id, agent.cycle)
        });
        self.contacts.set_outbound(
            slot,
            OutboundState {
                campaign: k as u16,
                record: record.index,
                // This dial is the record's next attempt.
                attempts: record.attempts + 1,
                owner: a.unwrap_or(NO_OWNER),
                owner_id,
                cycle,
                result: CallResult::OK,
                misjudged: false,
                interval: self.rec.dial_interval(now),
                placed: now,
            },
        );
        if let Some(a) = a {
            self.agents.get_mut(a).contact = slot;
        }
        slot
    }

    /// The agent has previewed the record: it is dialed, unless its calling window closed
    /// meanwhile; then it waits for the window to open again (the attempt not made), and
    /// the agent is free.
    pub(super) fn dial_previewed(&mut self, slot: u32, now: Ticks) {
        let o = *self.contacts.outbound(slot);
        let k = o.campaign as usize;
        if let Some(list) = &self.model.campaigns[k].list {
            let opens = list.callable_from(o.record, now);
            if opens > now {
                self.trace_contact(slot, TraceEvent::WindowClosed, Some(o.owner), None, now);
                self.leave(slot, now);
                // The preview's interval stays open no longer; the record is not finished.
                self.rec.campaign_attempt_ended(k, o.interval, false);
                let record = Record {
                    index: o.record,
                    attempts: o.attempts - 1,
                };
                self.retry_record(k, record, opens);
                self.agent_free(o.owner, now);
                return;
            }
        }
        self.contacts.enter_phase(slot, Phase::Dialing);
        self.place_dial(slot, now, true);
    }

    /// Dials the record of the contact in `slot` (in `Dialing`) on a port, if one is free.
    /// A `previewed` record's dial counts where its preview began (so that a preview begun
    /// before the end of the period is counted, whenever its dial is placed).
    fn place_dial(&mut self, slot: u32, now: Ticks, previewed: bool) {
        // (A preview may end after the period, when the recorder's clock has stopped.)
        let interval = if previewed {
            self.contacts.outbound(slot).interval
        } else {
            self.rec.dial_interval(now)
        };
        let o = self.contacts.outbound_mut(slot);
        (o.placed, o.interval) = (now, interval);
        let (k, owner) = (o.campaign as usize, o.owner);
        self.rec.campaign_dialed(k, interval, previewed);
        let (event, agent) = match self.model.campaigns[k].campaign.mode {
            DialMode::Manual => (TraceEvent::MakeCall, Some(owner)),
            DialMode::Predictive => (TraceEvent::Dialing, None),
            _ => (TraceEvent::Dialing, Some(owner)),
        };
        self.trace_contact(slot, event, agent, None, now);
        self.campaigns[k].ringing += 1;
        let model = &self.model.campaigns[k];
        if let Some(p) = model.campaign.port_pool {
            if !self.port_free(p) {
                self.contacts.outbound_mut(slot).result = CallResult::NO_FREE_PORT_ERROR;
                self.dial_ended(slot, now);
                return;
            }
            self.seize_port(p, PortUse::Campaign, now);
            self.contacts.get_mut(slot).port = Some(HeldPort {
                pool: p as u16,
                since: now,
                purpose: PortUse::Campaign,
            });
        }
        let s = &mut self.campaign_streams[k];
        let (result, mut ring) = model.dial.draw(&mut s.result, &mut s.ring);
        let mut misjudged = false;
        if let Some(amd) = model.campaign.amd
            && (model.dial.class(result) == ResultClass::Connected
                || result == CallResult::ANSWERING_MACHINE)
        {
            // Detection listens after the pickup, then judges.
            ring = ring.saturating_add(amd.seconds);
            misjudged = s.amd.random::<f64>() >= amd.accuracy;
        }
        let o = self.contacts.outbound_mut(slot);
        (o.result, o.misjudged) = (result, misjudged);
        let generation = self.contacts.get(slot).generation;
        self.schedule(
            now.saturating_add(ring),
            Event::RingEnd { slot, generation },
        );
    }

    /// The dial in `slot` ends its ringing (or found no port): a live answer goes to an
    /// agent or holds for one; anything else ends the attempt. The cycle's agent is free
    /// when its last dial ends without having connected.
    pub(super) fn dial_ended(&mut self, slot: u32, now: Ticks) {
        let o = *self.contacts.outbound(slot);
        let k = o.campaign as usize;
        let model = &self.model.campaigns[k];
        let campaign = &model.campaign;
        let picked_live = model.dial.class(o.result) == ResultClass::Connected;
        self.rec
            .campaign_rang(k, o.interval, (now - o.placed, o.result), picked_live);
        // What goes to an agent: a live answer, or a machine detection took for a person.
        let live = picked_live != o.misjudged;
        if picked_live || live {
            self.trace_contact(slot, TraceEvent::CustAnswered, None, Some(o.result), now);
        }
        let state = &mut self.campaigns[k];
        state.ringing -= 1;
        if let (Some(pacing), Some(constants)) = (&mut state.pacing, &model.pacing) {
            let window = pacing.window_at(campaign.drop_window, &self.model.calendar, now);
            pacing.rang(constants, picked_live, window);
            // One fewer ringing: the dialer may place another.
            self.campaign_wake = true;
        }
        let waiting_owner = o.owner != NO_OWNER && {
            let owner = self.agents.get(o.owner);
            owner.id == o.owner_id && owner.cycle == o.cycle && owner.state == AgentState::Reserved
        };
        if waiting_owner {
            self.agents.get_mut(o.owner).lines -= 1;
        }
        if live {
            if waiting_owner {
                self.connect_outbound(slot, o.owner, now);
                return;
            }
            if let Some(a) = self.longest_idle_of(&campaign.groups) {
                self.connect_outbound(slot, a, now);
            } else if o.misjudged {
                // A machine nobody takes is hung up on, as a machine.
                self.attempt_ended(slot, CallResult::ANSWERING_MACHINE, now);
            } else {
                let generation = self.contacts.enter_phase(slot, Phase::Holding);
                self.campaigns[k].holding.push_back((slot, generation));
                self.campaigns[k].held += 1;
                self.schedule(
                    now.saturating_add(campaign.drop_after),
                    Event::Drop { slot, generation },
                );
            }
        } else if picked_live {
            // Detection took the person for a machine and hung up: a dropped call.
            self.dropped(slot, now);
        } else {
            self.attempt_ended(slot, o.result, now);
        }
        if waiting_owner && self.agents.get(o.owner).lines == 0 {
            // Nothing of this cycle to talk to: the agent is free.
            self.agent_free(o.owner, now);
        }
    }

    /// Agent `a`, just freed, takes a live answer holding for an agent of one of its
    /// group's campaigns, if there is one.
    pub(super) fn take_held_live(&mut self, a: u32, now: Ticks) -> bool {
        let g = self.agents.get(a).group as usize;
        let model = self.model;
        for &k in &model.group_campaigns[g] {
            while let Some((slot, generation)) = self.campaigns[k].holding.pop_front() {
                if self
                    .contacts
                    .current(slot, generation, Phase::Holding)
                    .is_some()
                {
                    self.campaigns[k].held -= 1;
                    self.connect_outbound(slot, a, now);
                    return true;
                }
            }
        }
        false
    }

    /// A live answer talks with agent `a`.
    fn connect_outbound(&mut self, slot: u32, a: u32, now: Ticks) {
        let o = *self.contacts.outbound(slot);
        let k = o.campaign as usize;
        let model = &self.model.campaigns[k];
        let s = &mut self.campaign_streams[k];
        // A machine taken for a person: the agent spends a moment on it, with no wrap-up.
        let machine = o.misjudged;
        let (talk, wrap_up) = match model.campaign.amd {
            Some(amd) if machine => (amd.agent_seconds, 0),
            _ => (
                model.talk.sample(&mut s.talk),
                model
                    .wrap_up
                    .as_ref()
                    .map_or(0, |w| w.sample(&mut s.wrap_up)),
            ),
        };
        if self.agents.get(a).campaign_work.is_none() {
            // Not the agent of the dial's cycle: the answer is offered to it now.
            self.trace_contact(slot, TraceEvent::OfferContact, Some(a), None, now);
        }
        self.trace_contact(slot, TraceEvent::Connected, Some(a), None, now);
        let generation = self.contacts.enter_phase(slot, Phase::Talking);
        let c = self.contacts.get_mut(slot);
        (c.agent, c.handle, c.wrap_up) = (a, talk, wrap_up);
        let interval = self.contacts.outbound(slot).interval;
        self.set_agent_state(a, AgentState::Talking, now);
        let agent = self.agents.get_mut(a);
        agent.contact = slot;
        // The cycle's agent goes on working for the campaign, now talking; another starts.
        match agent.campaign_work {
            Some((_, talking)) => {
                if !talking {
                    agent.campaign_work = Some((k as u16, true));
                    self.rec.campaign_talking(k, 1, now);
                }
            }
            None => self.campaign_work_started(k, a, true, now),
        }
        if machine {
            self.rec.campaign_machine_to_agent(k, interval);
        } else {
            self.live_answer_ended(k, false, now);
            self.rec.campaign_connected(k, interval, talk);
        }
        self.schedule(
            now.saturating_add(talk),
            Event::TalkEnd { slot, generation },
        );
    }

    /// A live answer held `drop_after` with no agent: the customer is dropped (DROPPED).
    pub(super) fn drop_live(&mut self, slot: u32, now: Ticks) {
        let k = self.contacts.outbound(slot).campaign as usize;
        self.campaigns[k].held -= 1;
        self.dropped(slot, now);
    }

    /// The live answer in `slot` is dropped: it hears the recorded message, if the
    /// campaign has one, and its attempt ends.
    fn dropped(&mut self, slot: u32, now: Ticks) {
        let o = *self.contacts.outbound(slot);
        let k = o.campaign as usize;
        self.trace_contact(slot, TraceEvent::Dropped, None, None, now);
        self.live_answer_ended(k, true, now);
        self.rec.campaign_dropped(k, o.interval, o.result);
        let message = self.model.campaigns[k].campaign.drop_message;
        if message > 0 {
            // The customer hears the recorded message on the port; the attempt ends after it.
            let generation = self.contacts.enter_phase(slot, Phase::Message);
            self.schedule(
                now.saturating_add(message),
                Event::Drop { slot, generation },
            );
        } else {
            self.attempt_ended(slot, CallResult::DROPPED, now);
        }
    }

    /// A live answer of campaign `k` talked with an agent or was `dropped`: its pacing
    /// learns from it.
    fn live_answer_ended(&mut self, k: usize, dropped: bool, now: Ticks) {
        let model = &self.model.campaigns[k];
        if let (Some(state), Some(pacing)) = (&mut self.campaigns[k].pacing, &model.pacing) {
            let window = state.window_at(model.campaign.drop_window, &self.model.calendar, now);
            state.live_ended(pacing, dropped, window);
        }
    }

    /// The attempt in `slot` ended unconnected with `result`: its port is released and the
    /// contact leaves; the record is retried after `retry_after`, or finished when the
    /// result is final or its attempts are used up.
    pub(super) fn attempt_ended(&mut self, slot: u32, result: CallResult, now: Ticks) {
        let o = *self.contacts.outbound(slot);
        let k = o.campaign as usize;
        let model = &self.model.campaigns[k];
        let campaign = &model.campaign;
        self.trace_contact(slot, TraceEvent::AttemptEnded, None, Some(result), now);
        self.leave(slot, now);
        let finished =
            model.dial.class(result) == ResultClass::Final || o.attempts >= campaign.max_attempts;
        self.rec.campaign_attempt_ended(k, o.interval, finished);
        if finished {
            return;
        }
        let due = now.saturating_add(campaign.retry_after);
        let record = Record {
            index: o.record,
            attempts: o.attempts,
        };
        self.retry_record(k, record, due);
    }
}
