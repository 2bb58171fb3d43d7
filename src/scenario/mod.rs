//! Scenario files: read the TOML, check every value, resolve every reference.
//!
//! `raw` mirrors the file; `validate` turns it into a [`Scenario`], the only form the rest of
//! the program sees, in which durations are ticks, references are indices and per-interval
//! lists have one entry per interval.

mod agent_group;
mod calendar;
mod callback;
mod campaign;
mod contact_list;
mod distribution;
pub mod duration;
mod error;
pub mod input;
mod interval_csv;
mod raw;
mod share;
mod validate;

pub use agent_group::DEFAULT_RONA_TIMEOUT;
pub use calendar::Calendar;
pub use callback::{
    CALL_RESULTS, CallResult, CallbackPolicy, CallbackRequest, DialOutcomes, REFUSING_CALL_DELAY,
    ResultClass, Ring,
};
pub use campaign::{Amd, Campaign, DialMode, DropWindow};
pub use contact_list::ListRecord;
pub use distribution::{Distribution, read_empirical};
pub use duration::Duration;
pub use error::ScenarioError;
pub use share::{SHARE_HELP, Share};

use crate::engine::Ticks;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// A checked scenario, ready to simulate.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    /// Where it was read from, and the SHA-256 of its text (for `run.json`).
    pub path: PathBuf,
    pub sha256: String,
    pub start: jiff::Timestamp,
    /// `simulation.time_zone`, when the scenario names one: shifts' clock times are its, and
    /// reports write local times beside UTC. Without one, clock times are UTC.
    pub time_zone: Option<jiff::tz::TimeZone>,
    /// Arrivals are generated in [0, duration).
    pub duration: Ticks,
    pub interval: Ticks,
    pub replications: u32,
    pub seed: u64,
    /// Statistics ignore contacts arriving, and time passing, before this.
    pub warmup: Ticks,
    /// How long after `duration` the system may drain before the run is cut.
    pub drain_limit: Ticks,
    pub service_level: ServiceLevel,
    pub port_pools: Vec<PortPool>,
    pub queues: Vec<Queue>,
    pub agent_groups: Vec<AgentGroup>,
    /// Outbound campaigns, dialed for agents of their groups.
    pub campaigns: Vec<Campaign>,
    /// Scheduled callback requests (`callback_requests`), in file order, and their file.
    pub callback_requests: Vec<CallbackRequest>,
    pub callback_requests_file: Option<PathBuf>,
    /// The CSV files values per interval were read from, by the key that names each
    /// (`queue.support.arrivals.file`).
    pub table_files: Vec<(String, PathBuf)>,
    /// Things the scenario does that are allowed but probably not meant (printed on load).
    pub warnings: Vec<String>,
}

impl Scenario {
    /// Reads and checks the scenario at `path`.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text = input::read_text(path, input::MAX_SCENARIO_BYTES)
            .map_err(|e| ScenarioError::file(path, format!("cannot read the scenario: {e}")))?;
        Scenario::from_text(path, &text)
    }

    /// Checks scenario `text`, which was read from `path` (used for messages and relative paths).
    pub fn from_text(path: &Path, text: &str) -> Result<Scenario, ScenarioError> {
        let sha256 = Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        validate::validate(path, text, sha256)
    }

    /// The scenario's wall clock: its time zone, or UTC.
    pub fn calendar(&self) -> Calendar {
        Calendar::new(
            self.start,
            self.time_zone.clone().unwrap_or(jiff::tz::TimeZone::UTC),
        )
    }

    /// Number of reporting intervals in [0, duration).
    pub fn intervals(&self) -> usize {
        (self.duration / self.interval) as usize
    }

    /// The first interval that statistics cover (warm-up intervals are left out).
    pub fn first_reported_interval(&self) -> usize {
        (self.warmup / self.interval) as usize
    }

    /// The keys of the files the scenario names, with their paths as read (relative to the
    /// current folder): `callback_requests`, CSV files of values per interval and empirical
    /// distributions' `file`.
    pub fn file_keys(&self) -> Vec<(String, PathBuf)> {
        let mut keys: Vec<(String, PathBuf)> = self
            .callback_requests_file
            .iter()
            .map(|p| ("callback_requests".to_string(), p.clone()))
            .chain(self.table_files.iter().cloned())
            .collect();
        for q in &self.queues {
            // An empirical law has no mean to vary: it is the same in every interval.
            let dists = [
                ("ivr", q.ivr.as_ref()),
                ("handle", Some(&q.handle)),
                ("wrap_up", q.wrap_up.as_ref()),
                ("patience", q.patience.as_ref()),
            ];
            let callback = q
                .callback
                .as_ref()
                .map(|c| ("callback.answer_after", &c.dialing.answer_after));
            for (what, d) in dists
                .into_iter()
                .filter_map(|(w, d)| d.map(|d| (w, d.at(0))))
                .chain(callback)
            {
                if let Distribution::Empirical { file, .. } = d {
                    keys.push((format!("queue.{}.{what}.file", q.name), file.clone()));
                }
            }
        }
        for c in &self.campaigns {
            let laws = [
                ("talk", Some(&c.talk)),
                ("wrap_up", c.wrap_up.as_ref()),
                ("preview", c.preview.as_ref()),
                ("answer_after", Some(&c.dialing.answer_after)),
            ];
            for (what, d) in laws {
                if let Some(Distribution::Empirical { file, .. }) = d {
                    keys.push((format!("campaign.{}.{what}.file", c.name), file.clone()));
                }
            }
        }
        keys
    }

    /// Whether any queue offers or returns callbacks (then callback figures are reported).
    pub fn has_callbacks(&self) -> bool {
        self.queues.iter().any(|q| q.callback.is_some())
    }

    pub fn queue_index(&self, name: &str) -> Option<usize> {
        self.queues.iter().position(|q| q.name == name)
    }
}

/// How service level is measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServiceLevel {
    pub threshold: Ticks,
    pub definition: SlDefinition,
    /// Abandons within this wait are "short" (excluded by `short_abandons_excluded`).
    pub short_abandon: Ticks,
    /// The service level aimed at, if any: reports then give the share of replications in
    /// which each interval (and the run) met it.
    pub target: Option<f64>,
}

/// The service-level definitions in use in the industry (DESIGN §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlDefinition {
    /// answered within T / offered
    Offered,
    /// answered within T / answered
    Answered,
    /// answered within T / (offered − short abandons)
    ShortAbandonsExcluded,
    /// (answered within T + abandoned within T) / offered
    AbandonsPositive,
}

impl SlDefinition {
    pub const ALL: [SlDefinition; 4] = [
        SlDefinition::Offered,
        SlDefinition::Answered,
        SlDefinition::ShortAbandonsExcluded,
        SlDefinition::AbandonsPositive,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SlDefinition::Offered => "offered",
            SlDefinition::Answered => "answered",
            SlDefinition::ShortAbandonsExcluded => "short_abandons_excluded",
            SlDefinition::AbandonsPositive => "abandons_positive",
        }
    }

    pub fn from_name(name: &str) -> Option<SlDefinition> {
        SlDefinition::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// A media server's voice ports.
#[derive(Clone, Debug, PartialEq)]
pub struct PortPool {
    pub name: String,
    pub ports: u32,
}

#[derive(Clone, Debug)]
pub struct Queue {
    pub name: String,
    /// Index into `Scenario::port_pools`; `None` means ports are unlimited.
    pub port_pool: Option<usize>,
    /// Higher is served first when a group serves several queues.
    pub priority: i32,
    /// Expected arrivals in each interval (Poisson, constant rate within the interval).
    pub arrivals: PerInterval<f64>,
    /// The laws of a caller's durations, by the interval the caller arrives in (a law's
    /// mean may vary by interval: a forecast's AHT).
    pub ivr: Option<PerInterval<Distribution>>,
    pub handle: PerInterval<Distribution>,
    pub wrap_up: Option<PerInterval<Distribution>>,
    /// `None`: callers never abandon.
    pub patience: Option<PerInterval<Distribution>>,
    /// Waits after which agents of level 2, 3, … may take the contact (skill expansion);
    /// levels beyond the list are reached after its last value, and with no list at once.
    pub overflow_after: Vec<Ticks>,
    /// `[queue.callback]`: how callbacks are offered and returned.
    pub callback: Option<CallbackPolicy>,
}

impl Queue {
    /// Mean talk plus wrap-up of a call answered in interval `k`, seconds: the work a call
    /// brings.
    pub fn mean_work(&self, k: usize) -> f64 {
        self.handle.at(k).mean() + self.wrap_up.as_ref().map_or(0.0, |w| w.at(k).mean())
    }

    /// How long a contact must have waited before agents of skill `level` may take it.
    pub fn overflow_wait(&self, level: u32) -> Ticks {
        match level {
            0 | 1 => 0,
            k => self
                .overflow_after
                .get(k as usize - 2)
                .or(self.overflow_after.last())
                .copied()
                .unwrap_or(0),
        }
    }
}

#[derive(Clone, Debug)]
pub struct AgentGroup {
    pub name: String,
    /// Indices into `Scenario::queues`.
    pub queues: Vec<usize>,
    /// Skill level for each of `queues` (1 = primary).
    pub levels: Vec<u32>,
    /// Talk-time factor for each of `queues`.
    pub handle_factors: Vec<f64>,
    pub staffing: Staffing,
    /// The line of the scenario file that staffs the group (its `staffing`, or its first
    /// `[[agent_group.shift]]`): commands that cannot use its staffing name it.
    pub staffing_line: usize,
    /// Random aux (not-ready) periods while on shift.
    pub not_ready: Option<NotReadyPolicy>,
    /// How long an agent takes to answer an offered contact (`None`: at once, auto-answer).
    pub answer_after: Option<Distribution>,
    /// An offer not answered within this is RONA (redirection on no answer).
    pub rona_timeout: Ticks,
    /// How long an agent stays not-ready after a RONA.
    pub rona_not_ready: Ticks,
}

impl AgentGroup {
    /// Whether its shifts have breaks.
    pub fn has_breaks(&self) -> bool {
        match &self.staffing {
            Staffing::Shifts(shifts) => shifts.iter().any(|s| !s.breaks.is_empty()),
            Staffing::Counts(_) => false,
        }
    }

    /// The group's skill level for queue `q`, if it serves it.
    pub fn level(&self, q: usize) -> Option<u32> {
        self.queues
            .iter()
            .position(|&s| s == q)
            .map(|i| self.levels[i])
    }
}

/// How a group is staffed.
#[derive(Clone, Debug, PartialEq)]
pub enum Staffing {
    /// Agents in each interval: they join at the interval's start; those scheduled off
    /// leave after their current contact (the most recently added first).
    Counts(PerInterval<u32>),
    /// Shift patterns, every day.
    Shifts(Vec<Shift>),
}

impl Staffing {
    /// The per-interval counts, if the group is staffed that way.
    pub fn counts(&self) -> Option<&PerInterval<u32>> {
        match self {
            Staffing::Counts(c) => Some(c),
            Staffing::Shifts(_) => None,
        }
    }
}

/// `count` agents who start at a clock time every day, work `length`, and take breaks.
#[derive(Clone, Debug, PartialEq)]
pub struct Shift {
    /// Start as a time of day on the scenario's clock, from midnight.
    pub start: Ticks,
    pub length: Ticks,
    pub count: u32,
    /// In order of `after`.
    pub breaks: Vec<Break>,
}

impl Shift {
    /// Whether the shift, recurring daily at its clock time on `calendar`, works any time in
    /// a simulated period of `duration` from the calendar's start.
    pub fn works_in(&self, calendar: &Calendar, duration: Ticks) -> bool {
        const DAY: i128 = 24 * 3600 * crate::engine::TICKS_PER_SECOND as i128;
        let days = (duration as i128 / DAY + 2) as i64;
        (-1..=days).any(|d| {
            let start = calendar.at(d, self.start);
            start < duration as i128 && start + self.length as i128 > 0
        })
    }
}

/// A break `after` the start of a shift, lasting `length`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Break {
    pub after: Ticks,
    pub length: Ticks,
    pub kind: BreakKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakKind {
    Break,
    Lunch,
}

/// Aux periods: an agent on shift goes not-ready after `every` (from its start, or the end
/// of its last aux period), for `length`.
#[derive(Clone, Debug)]
pub struct NotReadyPolicy {
    pub every: Distribution,
    pub length: Distribution,
}

/// A value for each interval: one for all (kept once, so memory does not grow with the
/// horizon), or one each.
#[derive(Clone, Debug, PartialEq)]
pub enum PerInterval<T> {
    Constant(T),
    Values(Vec<T>),
}

impl<T: Copy> PerInterval<T> {
    /// The value in interval `k` (which must be within the scenario's intervals).
    #[inline]
    pub fn get(&self, k: usize) -> T {
        match self {
            PerInterval::Constant(v) => *v,
            PerInterval::Values(values) => values[k],
        }
    }

    pub fn map<U>(&self, f: impl Fn(T) -> U) -> PerInterval<U> {
        self.map_ref(|&v| f(v))
    }
}

impl<T> PerInterval<T> {
    /// The value in interval `k` (which must be within the scenario's intervals).
    #[inline]
    pub fn at(&self, k: usize) -> &T {
        match self {
            PerInterval::Constant(v) => v,
            PerInterval::Values(values) => &values[k],
        }
    }

    pub fn map_ref<U>(&self, f: impl Fn(&T) -> U) -> PerInterval<U> {
        match self {
            PerInterval::Constant(v) => PerInterval::Constant(f(v)),
            PerInterval::Values(values) => PerInterval::Values(values.iter().map(f).collect()),
        }
    }
}
