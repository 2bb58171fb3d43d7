//! `[[campaign]]`: outbound lists dialed for agents of some groups (seed 003's preview and
//! progressive campaigns, and power dialing), blended with inbound work.
//!
//! A dial rings and ends with a `call_result` drawn from the campaign's table, read with the
//! meanings callbacks give the codes (connected, retry, final): a connected result is a live
//! answer that talks with an agent; a retry brings the record back after `retry_after` while
//! attempts last; a final result ends it.

use super::agent_group::clock_time;
use super::callback::{DialOutcomes, RawDialKeys, ResultClass, Ring};
use super::contact_list::{ListRecord, read_list};
use super::distribution::Distribution;
use super::error::ScenarioError;
use super::raw::RawCampaign;
use super::validate::{Checker, list_or_none};
use super::{AgentGroup, PortPool};
use crate::engine::{TICKS_PER_SECOND, Ticks};
use std::sync::Arc;
use toml::Spanned;

/// How a campaign's dials are paced to its agents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialMode {
    /// A ready agent is given a record, reviews it for `preview`, then dials it.
    Preview,
    /// One dial per ready agent, who is reserved while it rings.
    Progressive,
    /// `lines` dials per ready agent at once; live answers beyond the first go to another
    /// ready agent of the campaign, or are dropped after `drop_after`.
    Power,
    /// Dials for the campaign's agents as a pool, ahead of those about to be free, paced to
    /// keep the abandoned rate at `drop_target` and within `max_drop_rate` over each window.
    Predictive,
    /// Seed 004's MakeCall: each ready agent of its groups dials a record itself, at a
    /// rate per hour of its ready time, and is reserved while the dial rings.
    Manual,
}

impl DialMode {
    const ALL: [DialMode; 5] = [
        DialMode::Preview,
        DialMode::Progressive,
        DialMode::Power,
        DialMode::Predictive,
        DialMode::Manual,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DialMode::Preview => "preview",
            DialMode::Progressive => "progressive",
            DialMode::Power => "power",
            DialMode::Predictive => "predictive",
            DialMode::Manual => "manual",
        }
    }

    /// Whether more live answers can come than agents wait for (so some may be dropped).
    pub fn may_drop(self) -> bool {
        matches!(self, DialMode::Power | DialMode::Predictive)
    }
}

/// Answering-machine detection: the dialer listens `seconds` after a dial is picked up
/// (the port held, the customer hearing silence) and judges a person or a machine, right
/// with probability `accuracy`. A person judged a machine is hung up on: a dropped call, as
/// the regulators count it. A machine judged a person goes to an agent, who spends
/// `agent_seconds` on it; its record is retried as an ANSWERING_MACHINE result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Amd {
    pub accuracy: f64,
    pub seconds: Ticks,
    pub agent_seconds: Ticks,
}

/// The period over which the abandoned rate is measured against its cap: regulators differ
/// (Ofcom: 24 hours; the US Telemarketing Sales Rule: 30 days per campaign).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropWindow {
    /// The whole simulated period.
    Run,
    /// Each calendar day on the scenario's clock.
    Day,
    /// Consecutive 30-day periods of the scenario's calendar, from the start's date.
    ThirtyDays,
}

impl DropWindow {
    const ALL: [DropWindow; 3] = [DropWindow::Run, DropWindow::Day, DropWindow::ThirtyDays];

    pub fn name(self) -> &'static str {
        match self {
            DropWindow::Run => "run",
            DropWindow::Day => "day",
            DropWindow::ThirtyDays => "30d",
        }
    }

    /// The window time `t` falls in (days count on `calendar`, day 0 the start's date).
    pub fn of(self, calendar: &super::Calendar, t: Ticks) -> i64 {
        match self {
            DropWindow::Run => 0,
            DropWindow::Day => calendar.day_of(t),
            DropWindow::ThirtyDays => calendar.day_of(t).div_euclid(30),
        }
    }

    /// The window time `t` falls in, with the times it starts and ends (clamped to ticks).
    pub fn span(self, calendar: &super::Calendar, t: Ticks) -> (i64, Ticks, Ticks) {
        let days = match self {
            DropWindow::Run => return (0, 0, Ticks::MAX),
            DropWindow::Day => 1,
            DropWindow::ThirtyDays => 30,
        };
        let window = self.of(calendar, t);
        let ticks = |day: i64| calendar.at(day, 0).clamp(0, i128::from(Ticks::MAX)) as Ticks;
        (window, ticks(window * days), ticks((window + 1) * days))
    }
}

/// A checked `[[campaign]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Campaign {
    pub name: String,
    pub mode: DialMode,
    /// Dials per cycle of an agent: `lines` in power mode, else 1; in predictive mode the
    /// most dials ringing at once per agent working the campaign (ready or busy with it).
    pub lines: u32,
    /// Indices into `Scenario::agent_groups`: the groups whose agents work it.
    pub groups: Vec<usize>,
    pub port_pool: Option<usize>,
    /// The clock times (from midnight, on the scenario's clock) between which it dials each
    /// day; `None`: all day. `to` before `from` runs past midnight.
    pub hours: Option<(Ticks, Ticks)>,
    /// Records in the list.
    pub records: u32,
    /// The list's records from a file (`list`), in the file's order; `None`: a synthetic
    /// list of `records`, each callable at any time, all of one priority.
    pub list: Option<Arc<[ListRecord]>>,
    pub preview: Option<Distribution>,
    pub talk: Distribution,
    pub wrap_up: Option<Distribution>,
    /// How its dials ring and end.
    pub dialing: DialOutcomes,
    pub retry_after: Ticks,
    pub max_attempts: u32,
    pub drop_after: Ticks,
    /// The recorded message a dropped live answer hears, holding its port (0: none).
    pub drop_message: Ticks,
    /// Answering-machine detection; without it machines are told apart at the pickup.
    pub amd: Option<Amd>,
    /// Blending (Bhulai & Koole's threshold): an agent is given outbound work only while
    /// more than this many of the campaign's agents are ready, so that some stay for inbound.
    pub idle_threshold: u32,
    /// The abandoned-rate cap (dropped per live answer) over each `drop_window`.
    pub max_drop_rate: f64,
    pub drop_window: DropWindow,
    /// Predictive mode: the abandoned rate the pacing aims at.
    pub drop_target: f64,
    /// Manual mode: calls each ready agent places per second of ready time.
    pub manual_rate: f64,
}

impl Campaign {
    /// Whether a live answer may find no agent and be dropped: more may come than agents
    /// wait for, or detection may hang up on a person.
    pub fn may_drop(&self) -> bool {
        self.mode.may_drop() || self.amd.is_some()
    }
}

const MAX_RECORDS: u32 = 100_000_000;
const MAX_LINES: u32 = 20;

impl Checker<'_> {
    /// Manual mode's rate of calls per second of an agent's ready time: given, or from the
    /// share of ready time, as rate = share / ((1 − share) · E[cycle]) with E[cycle] the
    /// mean ring time (by result: `answer_after`'s mean up to `ring_timeout`, the timeout,
    /// or `signal_after`) plus the live answers' mean talk and wrap-up.
    fn manual_rate(
        &self,
        r: &RawCampaign,
        (mode, key): (DialMode, &str),
        (span, dialing): (std::ops::Range<usize>, &DialOutcomes),
        handle: f64,
    ) -> Result<f64, ScenarioError> {
        let per_hour = r.calls_per_ready_hour.as_ref();
        let share = r.share_of_ready_time.as_ref();
        if mode != DialMode::Manual {
            if let Some(span) = per_hour
                .map(|p| (p.span(), "calls_per_ready_hour"))
                .or(share.map(|s| (s.span(), "share_of_ready_time")))
            {
                return Err(self.error(
                    span.0,
                    format!("{key}.{}", span.1),
                    "applies only with mode = \"manual\"",
                ));
            }
            return Ok(0.0);
        }
        let secs = |t: Ticks| crate::engine::secs_from_ticks(t);
        match (per_hour, share) {
            (Some(p), None) => {
                let v = *p.get_ref();
                if !(v > 0.0 && v <= 3600.0) {
                    return Err(self.error(
                        p.span(),
                        format!("{key}.calls_per_ready_hour"),
                        format!("{v} is not a rate of calls per ready hour: more than 0, at most 3600"),
                    ));
                }
                Ok(v / 3600.0)
            }
            (None, Some(s)) => {
                let v = s.get_ref().0;
                if !(v > 0.0 && v < 1.0) {
                    return Err(self.error(
                        s.span(),
                        format!("{key}.share_of_ready_time"),
                        format!("{v} is not a share of ready time to spend calling: more than 0 and less than 1"),
                    ));
                }
                let answered = secs(dialing.ring_timeout).min(dialing.answer_after.mean());
                let mut cycle = 0.0;
                for &(result, p) in &dialing.results {
                    let ring = match result.ring() {
                        Ring::UntilAnswered => answered,
                        Ring::UntilTimeout => secs(dialing.ring_timeout),
                        Ring::UntilSignal => secs(dialing.signal_after),
                    };
                    let live = dialing.class(result) == ResultClass::Connected;
                    cycle += p * (ring + if live { handle } else { 0.0 });
                }
                let rate = v / ((1.0 - v) * cycle.max(1e-9));
                if rate > 1.0 {
                    return Err(self.error(
                        s.span(),
                        format!("{key}.share_of_ready_time"),
                        format!(
                            "{v} of ready time means {:.0} calls per ready hour (a mean call of {cycle:.1} s), more than 3600: give a smaller share",
                            rate * 3600.0
                        ),
                    ));
                }
                Ok(rate)
            }
            (Some(p), Some(_)) => Err(self.error(
                p.span(),
                format!("{key}.calls_per_ready_hour"),
                "give either calls_per_ready_hour or share_of_ready_time, not both",
            )),
            (None, None) => Err(self.error(
                span,
                format!("{key}.calls_per_ready_hour"),
                "missing: a manual campaign needs how often its agents call, e.g. calls_per_ready_hour = 4 or share_of_ready_time = \"30%\"",
            )),
        }
    }

    /// Checks a `[[campaign]]` named `name`.
    pub fn campaign(
        &self,
        raw: &Spanned<RawCampaign>,
        name: String,
        groups: &[AgentGroup],
        pools: &[PortPool],
    ) -> Result<Campaign, ScenarioError> {
        let r = raw.get_ref();
        let key = format!("campaign.{name}");
        let ticks = |d: &Option<Spanned<super::Duration>>, default: Ticks| {
            d.as_ref().map_or(default, |d| d.get_ref().ticks())
        };
        let mode = DialMode::ALL
            .into_iter()
            .find(|m| m.name() == r.mode.get_ref())
            .ok_or_else(|| {
                let names: Vec<&str> = DialMode::ALL.iter().map(|m| m.name()).collect();
                self.error(
                    r.mode.span(),
                    format!("{key}.mode"),
                    format!(
                        "unknown mode \"{}\"; allowed: {}",
                        r.mode.get_ref(),
                        names.join(", ")
                    ),
                )
            })?;
        let lines = match (&r.lines, mode) {
            (None, DialMode::Power) => 2,
            (None, DialMode::Predictive) => 3,
            (None, _) => 1,
            (Some(l), DialMode::Power | DialMode::Predictive) => {
                if !(1..=MAX_LINES).contains(l.get_ref()) {
                    return Err(self.error(
                        l.span(),
                        format!("{key}.lines"),
                        format!(
                            "{} is not a number of lines per agent: from 1 to {MAX_LINES}",
                            l.get_ref()
                        ),
                    ));
                }
                *l.get_ref()
            }
            (Some(l), _) => {
                return Err(self.error(
                    l.span(),
                    format!("{key}.lines"),
                    "applies only with mode = \"power\" or \"predictive\" (preview and progressive dial one line per agent)",
                ));
            }
        };
        let preview = match (&r.preview, mode) {
            (Some(d), DialMode::Preview) => Some(self.distribution(d, &format!("{key}.preview"))?),
            (None, DialMode::Preview) => {
                return Err(self.error(
                    raw.span(),
                    format!("{key}.preview"),
                    "missing: a preview campaign needs the time an agent reviews a record, e.g. preview = { dist = \"exponential\", mean = \"20s\" }",
                ));
            }
            (Some(d), _) => {
                return Err(self.error(
                    d.span(),
                    format!("{key}.preview"),
                    "applies only with mode = \"preview\"",
                ));
            }
            (None, _) => None,
        };
        if r.groups.get_ref().is_empty() {
            return Err(self.error(
                r.groups.span(),
                format!("{key}.groups"),
                "is empty: name the agent groups that work this campaign",
            ));
        }
        let mut worked_by = Vec::new();
        for g in r.groups.get_ref() {
            let index = groups
                .iter()
                .position(|group| group.name == *g.get_ref())
                .ok_or_else(|| {
                    let known: Vec<_> = groups.iter().map(|g| g.name.as_str()).collect();
                    self.error(
                        g.span(),
                        format!("{key}.groups"),
                        format!(
                            "no [[agent_group]] is named \"{}\"; defined: {}",
                            g.get_ref(),
                            list_or_none(&known)
                        ),
                    )
                })?;
            if worked_by.contains(&index) {
                return Err(self.error(
                    g.span(),
                    format!("{key}.groups"),
                    format!("\"{}\" is listed twice", g.get_ref()),
                ));
            }
            worked_by.push(index);
        }
        let port_pool = self.port_pool(&r.port_pool, &format!("{key}.port_pool"), pools)?;
        let hours = match &r.hours {
            None => None,
            Some(h) => {
                let h = h.get_ref();
                let clock = |t: &Spanned<String>, what: &str| {
                    clock_time(t.get_ref()).ok_or_else(|| {
                        self.error(
                            t.span(),
                            format!("{key}.hours.{what}"),
                            format!(
                                "\"{}\" is not a time of day: write it like \"13:00\" or \"08:30:00\" (on the clock of simulation.time_zone, or UTC)",
                                t.get_ref()
                            ),
                        )
                    })
                };
                let (from, to) = (clock(&h.from, "from")?, clock(&h.to, "to")?);
                if from == to {
                    return Err(self.error(
                        h.to.span(),
                        format!("{key}.hours.to"),
                        "is the same time as `from`: leave `hours` out to dial all day",
                    ));
                }
                Some((from, to))
            }
        };
        let (records, list) = match (&r.records, &r.list) {
            (Some(n), None) => {
                let records = *n.get_ref();
                if !(1..=MAX_RECORDS).contains(&records) {
                    return Err(self.error(
                        n.span(),
                        format!("{key}.records"),
                        format!(
                            "{records} is not a number of records in the list: from 1 to {MAX_RECORDS}"
                        ),
                    ));
                }
                (records, None)
            }
            (None, Some(file)) => {
                let file_key = format!("{key}.list");
                let path = self.relative_path(file.get_ref());
                let list = read_list(&path, &file_key)
                    .map_err(|e| self.in_named_file(e, file.span(), &file_key, &path))?;
                if list.len() > MAX_RECORDS as usize {
                    return Err(self.error(
                        file.span(),
                        file_key,
                        format!("the list has {} records, more than the {MAX_RECORDS} a campaign may have", list.len()),
                    ));
                }
                (list.len() as u32, Some(Arc::from(list)))
            }
            (Some(n), Some(_)) => {
                return Err(self.error(
                    n.span(),
                    format!("{key}.records"),
                    "give either records (a synthetic list) or list (a CSV file of records), not both",
                ));
            }
            (None, None) => {
                return Err(self.error(
                    raw.span(),
                    format!("{key}.records"),
                    "missing: a campaign needs a list, e.g. list = \"contacts.csv\" or records = 5000",
                ));
            }
        };
        let dialing = self.dial_outcomes(
            RawDialKeys {
                ring_timeout: &r.ring_timeout,
                answer_after: &r.answer_after,
                signal_after: &r.signal_after,
                results: &r.results,
                result_classes: &r.result_classes,
            },
            (raw.span(), &key),
            25 * TICKS_PER_SECOND,
            Err("missing: give each dial result's probability, e.g. results = { OK = 0.35, NO_ANSWER = 0.3, BUSY = 0.1, ANSWERING_MACHINE = 0.2, SIT_INVALID_NUM = 0.05 }"),
        )?;
        let max_attempts = r.max_attempts.as_ref().map_or(3, |m| *m.get_ref());
        if !(1..=100).contains(&max_attempts) {
            let span = r.max_attempts.as_ref().map_or(raw.span(), |m| m.span());
            return Err(self.error(span, format!("{key}.max_attempts"), "must be from 1 to 100"));
        }
        let share =
            |v: &Option<Spanned<super::Share>>| v.as_ref().map(|v| (v.get_ref().0, v.span()));
        let max_drop_rate = share(&r.max_drop_rate).map_or(0.03, |(v, _)| v);
        let drop_window = match &r.drop_window {
            None => DropWindow::Day,
            Some(w) => DropWindow::ALL
                .into_iter()
                .find(|d| d.name() == w.get_ref())
                .ok_or_else(|| {
                    let names: Vec<&str> = DropWindow::ALL.iter().map(|d| d.name()).collect();
                    self.error(
                        w.span(),
                        format!("{key}.drop_window"),
                        format!(
                            "unknown window \"{}\"; allowed: {} (the whole run, each calendar day, or 30-day periods)",
                            w.get_ref(),
                            names.join(", ")
                        ),
                    )
                })?,
        };
        let drop_target = match (share(&r.drop_target), mode) {
            (None, _) => 0.8 * max_drop_rate,
            (Some((_, span)), m) if m != DialMode::Predictive => {
                return Err(self.error(
                    span,
                    format!("{key}.drop_target"),
                    "applies only with mode = \"predictive\" (its pacing aims at it)",
                ));
            }
            (Some((t, span)), _) => {
                if !(t > 0.0 && t <= max_drop_rate) {
                    return Err(self.error(
                        span,
                        format!("{key}.drop_target"),
                        format!(
                            "{t} is not an abandoned rate to aim at: more than 0 and at most max_drop_rate ({max_drop_rate})"
                        ),
                    ));
                }
                t
            }
        };
        if mode == DialMode::Predictive
            && let Some((0.0, span)) = share(&r.max_drop_rate)
        {
            return Err(self.error(
                span,
                format!("{key}.max_drop_rate"),
                "is 0: predictive dialing always risks a drop; use mode = \"progressive\" to dial without any",
            ));
        }
        let talk = self.distribution(&r.talk, &format!("{key}.talk"))?;
        let wrap_up = r
            .wrap_up
            .as_ref()
            .map(|d| self.distribution(d, &format!("{key}.wrap_up")))
            .transpose()?;
        let handle = talk.mean() + wrap_up.as_ref().map_or(0.0, |w| w.mean());
        let manual_rate = self.manual_rate(r, (mode, &key), (raw.span(), &dialing), handle)?;
        if mode == DialMode::Manual
            && let Some(t) = &r.idle_threshold
        {
            return Err(self.error(
                t.span(),
                format!("{key}.idle_threshold"),
                "does not apply with mode = \"manual\": agents place manual calls from Ready themselves, when no inbound contact waits for them",
            ));
        }
        // Only these modes hold a live answer without an agent; with detection, any mode
        // may hang up on a person.
        let holds = matches!(mode, DialMode::Power | DialMode::Predictive);
        if !holds && let Some(d) = &r.drop_after {
            return Err(self.error(
                d.span(),
                format!("{key}.drop_after"),
                "applies only with mode = \"power\" or \"predictive\" (in the other modes a live answer's agent waits for it)",
            ));
        }
        if !holds
            && r.amd.is_none()
            && let Some(d) = &r.drop_message
        {
            return Err(self.error(
                d.span(),
                format!("{key}.drop_message"),
                "applies only with mode = \"power\" or \"predictive\", or with amd (nothing else drops a call)",
            ));
        }
        Ok(Campaign {
            manual_rate,
            max_drop_rate,
            drop_window,
            drop_target,
            mode,
            lines,
            groups: worked_by,
            port_pool,
            hours,
            records,
            list,
            preview,
            talk,
            wrap_up,
            dialing,
            retry_after: ticks(&r.retry_after, 60 * 60 * TICKS_PER_SECOND),
            max_attempts,
            drop_after: ticks(&r.drop_after, 2 * TICKS_PER_SECOND),
            drop_message: ticks(&r.drop_message, 0),
            amd: match &r.amd {
                None => None,
                Some(a) => {
                    let a = a.get_ref();
                    let accuracy = a.accuracy.get_ref().0;
                    if accuracy < 0.5 {
                        return Err(self.error(
                            a.accuracy.span(),
                            format!("{key}.amd.accuracy"),
                            format!("{accuracy} is not an accuracy to model: from 0.5 (a coin toss) to 1"),
                        ));
                    }
                    Some(Amd {
                        accuracy,
                        seconds: ticks(&a.seconds, 2_500_000),
                        agent_seconds: ticks(&a.agent_seconds, 5 * TICKS_PER_SECOND),
                    })
                }
            },
            idle_threshold: r.idle_threshold.as_ref().map_or(0, |t| *t.get_ref()),
            name,
        })
    }
}
