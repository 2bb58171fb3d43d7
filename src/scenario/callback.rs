//! Callbacks: the `[queue.callback]` policy and the scheduled requests file.
//!
//! Terms and defaults follow the source documents: `CallDelaySec` (seed 001: at most 59 s;
//! 60 s or more puts agents in a refused state), the callback request fields and
//! `RequestTimeExpirationDuration` / `CallbackTimeExpiryDuration` (seed 000), and the
//! `call_result` codes (seed 002).

use super::distribution::Distribution;
use super::error::ScenarioError;
use super::input::excerpt;
use super::interval_csv::IntervalGrid;
use super::raw::{RawCallback, RawCallbackRequest, RawDistribution};
use super::validate::Checker;
use super::{Duration, PerInterval};
use crate::engine::{TICKS_PER_SECOND, Ticks};
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

/// The `call_result` codes of seed 002, by code.
pub const CALL_RESULTS: [&str; 54] = [
    "OK",
    "TRANSFERRED",
    "CONFERENCED",
    "GENERAL_ERROR",
    "SYSTEM_ERROR",
    "REMOTE_RELEASE",
    "BUSY",
    "NO_ANSWER",
    "SIT_DETECTED",
    "ANSWERING_MACHINE",
    "ALL_TRUNKS_BUSY",
    "SIT_INVALID_NUM",
    "SIT_VACANT",
    "SIT_OPER_INTERCEPT",
    "SIT_UNKNOWN",
    "SIT_NO_CIRCUIT",
    "SIT_REORDER",
    "SIT_FAX_DETECTED",
    "QUEUE_FULL",
    "CLEARED",
    "OVERFLOWED",
    "ABANDONED",
    "REDIRECTED",
    "FORWARDED",
    "CONSULT",
    "PICKEDUP",
    "DROPPED",
    "DROPPED_NO_ANSWER",
    "UNKNOWN",
    "COVERED",
    "CONVERSE_ON",
    "BRIDGED",
    "SILENCE",
    "ANSWER",
    "NU_TONE",
    "NO_DIAL_TONE",
    "NO_PROGRESS",
    "NO_RING_BACK",
    "NO_ESTABLISHED",
    "PAGER_DETECTED",
    "WRONG_PARTY",
    "DIAL_ERROR",
    "CALL_DROPPED_ERROR",
    "SWITCH_ERROR",
    "NO_FREE_PORT_ERROR",
    "TRANSFER_ERROR",
    "STALE",
    "AGT_CALLBACK_ERROR",
    "GRP_CALLBACK_ERROR",
    "DEAFENED",
    "HELD",
    "DO_NOT_CALL",
    "CANCEL_RECORD",
    "WRONG_NUMBER",
];

/// A dial's `call_result` (an index into [`CALL_RESULTS`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CallResult(pub u8);

impl CallResult {
    pub const OK: CallResult = CallResult(0);
    pub const NO_ANSWER: CallResult = CallResult(7);
    pub const ANSWERING_MACHINE: CallResult = CallResult(9);
    pub const DROPPED: CallResult = CallResult(26);
    pub const DROPPED_NO_ANSWER: CallResult = CallResult(27);
    pub const NO_FREE_PORT_ERROR: CallResult = CallResult(44);

    pub const fn name(self) -> &'static str {
        CALL_RESULTS[self.0 as usize]
    }

    pub fn from_name(name: &str) -> Option<CallResult> {
        CALL_RESULTS
            .iter()
            .position(|n| *n == name)
            .map(|i| CallResult(i as u8))
    }

    /// How long a dial rings before this result is known: until a person, a machine or a
    /// fax picks up; the full ring timeout when nobody does; a network signal otherwise.
    pub fn ring(self) -> Ring {
        match self.name() {
            "ANSWERING_MACHINE" | "SIT_FAX_DETECTED" | "PAGER_DETECTED" | "WRONG_PARTY"
            | "WRONG_NUMBER" | "DO_NOT_CALL" => Ring::UntilAnswered,
            "NO_ANSWER" | "DROPPED_NO_ANSWER" => Ring::UntilTimeout,
            _ if self.default_class() == ResultClass::Connected => Ring::UntilAnswered,
            _ => Ring::UntilSignal,
        }
    }

    /// What the result means unless a scenario says otherwise: the customer is on the line
    /// (OK, and the codes of a call that was answered and then moved: TRANSFERRED,
    /// CONFERENCED, CONSULT, PICKEDUP, BRIDGED, CONVERSE_ON, ANSWER); the number can never be
    /// reached or must not be called (SIT_INVALID_NUM, SIT_VACANT, SIT_OPER_INTERCEPT,
    /// SIT_FAX_DETECTED, PAGER_DETECTED, WRONG_PARTY, WRONG_NUMBER, DO_NOT_CALL,
    /// CANCEL_RECORD): final; anything else (busy, no answer, a machine, network and system
    /// errors) is worth another attempt.
    pub fn default_class(self) -> ResultClass {
        match self.name() {
            "OK" | "TRANSFERRED" | "CONFERENCED" | "CONSULT" | "PICKEDUP" | "BRIDGED"
            | "CONVERSE_ON" | "ANSWER" => ResultClass::Connected,
            "SIT_INVALID_NUM" | "SIT_VACANT" | "SIT_OPER_INTERCEPT" | "SIT_FAX_DETECTED"
            | "PAGER_DETECTED" | "WRONG_PARTY" | "WRONG_NUMBER" | "DO_NOT_CALL"
            | "CANCEL_RECORD" => ResultClass::Final,
            _ => ResultClass::Retry,
        }
    }
}

/// What a dial's result means for its callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultClass {
    /// The customer is on the line with the agent.
    Connected,
    /// Not reached this time: another attempt after `retry_after`, while attempts and the
    /// window last.
    Retry,
    /// Never reachable (or not to be called): the callback ends at once (FINAL).
    Final,
}

impl ResultClass {
    pub const ALL: [ResultClass; 3] = [
        ResultClass::Connected,
        ResultClass::Retry,
        ResultClass::Final,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ResultClass::Connected => "connected",
            ResultClass::Retry => "retry",
            ResultClass::Final => "final",
        }
    }
}

/// The ring duration a result implies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ring {
    /// A person or a machine picks up: `answer_after`, at most `ring_timeout`.
    UntilAnswered,
    /// Nobody picks up: the full `ring_timeout`.
    UntilTimeout,
    /// The network answers with a signal (busy, SIT tones, errors): `signal_after`.
    UntilSignal,
}

/// The seed-001 limit: a `CallDelaySec` of this or more puts agents in a refused state.
pub const REFUSING_CALL_DELAY: Ticks = 60 * TICKS_PER_SECOND;

/// How a queue offers and returns callbacks.
#[derive(Clone, Debug, PartialEq)]
pub struct CallbackPolicy {
    /// Offer to a caller who has waited this long.
    pub offer_after: Option<Ticks>,
    /// Offer on entry when the estimated wait is more than this.
    pub offer_on_entry_over: Option<Ticks>,
    /// Probability that a caller accepts an offer, by the interval the caller arrives in.
    pub accept: PerInterval<f64>,
    /// `CallDelaySec`: the agent is reserved this long before the customer is dialed.
    pub call_delay: Ticks,
    /// How its dials ring and end.
    pub dialing: DialOutcomes,
    /// `RequestTimeExpirationDuration`: wait before retrying a failed attempt.
    pub retry_after: Ticks,
    /// `CallbackTimeExpiryDuration`: how long after it is due a callback may be connected.
    pub expires_after: Ticks,
    pub max_attempts: u32,
    /// The most callbacks that may wait in the queue for an agent at once (QUEUED): while
    /// it holds that many, no callback is offered and a scheduled request that comes due
    /// is NOT_QUEUED. Retries and callbacks in an attempt do not count; `None`: no limit.
    pub max_queued: Option<u32>,
    /// Whether a connected callback counts as answered within the service-level threshold.
    pub counts_in_service_level: bool,
    /// With `call_delay` of 60 s or more: how long an agent stays refused.
    pub refused_for: Ticks,
}

impl CallbackPolicy {
    /// Whether agents offered these callbacks are put in a refused state (seed 001).
    pub fn refuses(&self) -> bool {
        self.call_delay >= REFUSING_CALL_DELAY
    }

    pub fn offers(&self) -> bool {
        self.offer_after.is_some() || self.offer_on_entry_over.is_some()
    }
}

/// How a dial rings and what it ends with: callbacks' dials and campaigns' alike.
#[derive(Clone, Debug, PartialEq)]
pub struct DialOutcomes {
    pub ring_timeout: Ticks,
    /// Ring time until a person or machine picks up.
    pub answer_after: Distribution,
    /// Ring time until a busy or error signal.
    pub signal_after: Ticks,
    /// Results and their probabilities, in code order (probabilities sum to 1).
    pub results: Vec<(CallResult, f64)>,
    /// What each result means, by code: the defaults with the scenario's overrides.
    pub classes: [ResultClass; CALL_RESULTS.len()],
}

impl DialOutcomes {
    pub fn class(&self, result: CallResult) -> ResultClass {
        self.classes[result.0 as usize]
    }
}

/// The keys of a section that dials, as written.
pub(super) struct RawDialKeys<'a> {
    pub ring_timeout: &'a Option<Spanned<Duration>>,
    pub answer_after: &'a Option<Spanned<RawDistribution>>,
    pub signal_after: &'a Option<Spanned<Duration>>,
    pub results: &'a Option<Spanned<BTreeMap<String, Spanned<f64>>>>,
    pub result_classes: &'a Option<Spanned<BTreeMap<String, Spanned<String>>>>,
}

const MINUTE: Ticks = 60 * TICKS_PER_SECOND;

impl Checker<'_> {
    /// Checks `[queue.callback]` at `key`; may add a warning.
    pub fn callback(
        &self,
        raw: &Spanned<RawCallback>,
        key: &str,
        grid: &IntervalGrid,
        warnings: &mut Vec<String>,
    ) -> Result<CallbackPolicy, ScenarioError> {
        let r = raw.get_ref();
        let ticks = |d: &Option<Spanned<Duration>>, default: Ticks| {
            d.as_ref().map_or(default, |d| d.get_ref().ticks())
        };
        let offers = r.offer_after.is_some() || r.offer_on_entry_over.is_some();
        let accept = match (&r.accept, offers) {
            (Some(a), true) => self.shares(a, &format!("{key}.accept"), grid)?,
            (None, true) => {
                return Err(self.error(raw.span(), format!("{key}.accept"), "missing: with an offer (`offer_after` or `offer_on_entry_over`) give the probability that a caller accepts"));
            }
            (Some(a), false) => {
                return Err(self.error(a.span(), format!("{key}.accept"), "applies only with `offer_after` or `offer_on_entry_over`: without them the queue only returns scheduled requests"));
            }
            (None, false) => PerInterval::Constant(0.0),
        };
        let call_delay = ticks(&r.call_delay, 5 * TICKS_PER_SECOND);
        let dialing = self.dial_outcomes(
            RawDialKeys {
                ring_timeout: &r.ring_timeout,
                answer_after: &r.answer_after,
                signal_after: &r.signal_after,
                results: &r.results,
                result_classes: &r.result_classes,
            },
            (raw.span(), key),
            30 * TICKS_PER_SECOND,
            Ok(vec![
                (CallResult::OK, 0.70),
                (CallResult(6), 0.10),
                (CallResult::NO_ANSWER, 0.15),
                (CallResult::ANSWERING_MACHINE, 0.05),
            ]),
        )?;
        let expires_after = ticks(&r.expires_after, 90 * MINUTE);
        if expires_after == 0 {
            let span = r.expires_after.as_ref().map_or(raw.span(), |d| d.span());
            return Err(self.error(span, format!("{key}.expires_after"), "must be more than 0s"));
        }
        let max_attempts = r.max_attempts.as_ref().map_or(3, |m| *m.get_ref());
        if !(1..=100).contains(&max_attempts) {
            let span = r.max_attempts.as_ref().map_or(raw.span(), |m| m.span());
            return Err(self.error(span, format!("{key}.max_attempts"), "must be from 1 to 100"));
        }
        if let Some(m) = &r.max_queued
            && *m.get_ref() == 0
        {
            return Err(self.error(
                m.span(),
                format!("{key}.max_queued"),
                "must be at least 1 (leave it out for no limit; to take no callbacks, drop the offer keys)",
            ));
        }
        if let Some(refused) = &r.refused_for
            && refused.get_ref().ticks() == 0
        {
            return Err(self.error(
                refused.span(),
                format!("{key}.refused_for"),
                "must be more than 0s: a refusal takes time",
            ));
        }
        if let Some(delay) = &r.call_delay
            && delay.get_ref().ticks() >= REFUSING_CALL_DELAY
        {
            let (line, _) = self.line_column(delay.span().start);
            warnings.push(format!(
                "{}:{line}: `{key}.call_delay` = {}: CallDelaySec is at most 59 s; at 60 s or more agents are placed in a refused state. \
                 ccsim models that: an agent offered one of these callbacks refuses it and is unavailable for `refused_for`, and the callback goes back to the queue",
                self.path().display(),
                delay.get_ref()
            ));
        }
        Ok(CallbackPolicy {
            offer_after: r.offer_after.as_ref().map(|d| d.get_ref().ticks()),
            offer_on_entry_over: r.offer_on_entry_over.as_ref().map(|d| d.get_ref().ticks()),
            accept,
            call_delay,
            dialing,
            retry_after: ticks(&r.retry_after, 30 * MINUTE),
            expires_after,
            max_attempts,
            max_queued: r.max_queued.as_ref().map(|m| *m.get_ref()),
            counts_in_service_level: r
                .counts_in_service_level
                .as_ref()
                .is_some_and(|b| *b.get_ref()),
            refused_for: ticks(&r.refused_for, call_delay),
        })
    }
    /// Checks the dial keys of the section at `span`, `key`: `ring_timeout` (more than 0,
    /// `ring_timeout_default` when left out), `answer_after` (uniform from 5 s to 20 s),
    /// `signal_after` (3 s), `results` (`missing_results` when left out: a default table,
    /// or the message that says it is required) and `result_classes`.
    pub(super) fn dial_outcomes(
        &self,
        keys: RawDialKeys<'_>,
        (span, key): (std::ops::Range<usize>, &str),
        ring_timeout_default: Ticks,
        missing_results: Result<Vec<(CallResult, f64)>, &str>,
    ) -> Result<DialOutcomes, ScenarioError> {
        let ticks = |d: &Option<Spanned<Duration>>, default: Ticks| {
            d.as_ref().map_or(default, |d| d.get_ref().ticks())
        };
        let ring_timeout = ticks(keys.ring_timeout, ring_timeout_default);
        if ring_timeout == 0 {
            let span = keys.ring_timeout.as_ref().map_or(span, |d| d.span());
            return Err(self.error(span, format!("{key}.ring_timeout"), "must be more than 0s"));
        }
        let answer_after = match keys.answer_after {
            Some(d) => self.distribution(d, &format!("{key}.answer_after"))?,
            None => Distribution::Uniform {
                min: 5.0,
                max: 20.0,
            },
        };
        let results = match (keys.results, missing_results) {
            (Some(table), _) => self.dial_results(table, key)?,
            (None, Ok(default)) => default,
            (None, Err(missing)) => {
                return Err(self.error(span, format!("{key}.results"), missing));
            }
        };
        Ok(DialOutcomes {
            ring_timeout,
            answer_after,
            signal_after: ticks(keys.signal_after, 3 * TICKS_PER_SECOND),
            results,
            classes: self.result_classes(keys.result_classes, key)?,
        })
    }

    /// Checks a table of dial results and their probabilities at `{key}.results`: known
    /// codes, probabilities that add up to 1; returned in code order.
    fn dial_results(
        &self,
        table: &Spanned<BTreeMap<String, Spanned<f64>>>,
        key: &str,
    ) -> Result<Vec<(CallResult, f64)>, ScenarioError> {
        let mut results = Vec::new();
        for (name, p) in table.get_ref() {
            let code = CallResult::from_name(name).ok_or_else(|| {
                self.error(p.span(), format!("{key}.results.{name}"), format!("unknown call_result \"{name}\"; allowed: the codes of the callback interaction record, e.g. OK, BUSY, NO_ANSWER, ANSWERING_MACHINE, SIT_INVALID_NUM, NO_FREE_PORT_ERROR"))
            })?;
            if code == CallResult::DROPPED {
                return Err(self.error(
                    p.span(),
                    format!("{key}.results.{name}"),
                    "DROPPED is ccsim's own result for a live answer it drops, not one a dial can be given; allowed: the network's results, e.g. OK, BUSY, NO_ANSWER, ANSWERING_MACHINE, SIT_INVALID_NUM",
                ));
            }
            let v = *p.get_ref();
            if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
                return Err(self.error(
                    p.span(),
                    format!("{key}.results.{name}"),
                    format!("{v} is not a probability: give a number from 0 to 1 (the results' probabilities add up to 1)"),
                ));
            }
            results.push((code, v));
        }
        results.sort_by_key(|(c, _)| *c);
        let total: f64 = results.iter().map(|(_, p)| p).sum();
        if (total - 1.0).abs() > 1e-6 {
            return Err(self.error(
                table.span(),
                format!("{key}.results"),
                format!("the probabilities add up to {total}, not 1"),
            ));
        }
        Ok(results)
    }

    /// What each result means: the defaults, with the overrides of `{key}.result_classes`.
    fn result_classes(
        &self,
        raw: &Option<Spanned<BTreeMap<String, Spanned<String>>>>,
        key: &str,
    ) -> Result<[ResultClass; CALL_RESULTS.len()], ScenarioError> {
        let mut classes: [ResultClass; CALL_RESULTS.len()] =
            std::array::from_fn(|i| CallResult(i as u8).default_class());
        if let Some(table) = raw {
            for (name, class) in table.get_ref() {
                let at = format!("{key}.result_classes.{name}");
                let code = CallResult::from_name(name).ok_or_else(|| {
                    self.error(class.span(), at.clone(), format!("unknown call_result \"{name}\"; allowed: the codes of the callback interaction record, e.g. OK, BUSY, NO_ANSWER, ANSWERING_MACHINE, SIT_VACANT, DO_NOT_CALL"))
                })?;
                let names: Vec<&str> = ResultClass::ALL.iter().map(|c| c.name()).collect();
                if code == CallResult::NO_FREE_PORT_ERROR && class.get_ref() == "connected" {
                    return Err(self.error(
                        class.span(),
                        at,
                        "NO_FREE_PORT_ERROR means no port was free to dial on: it cannot connect; allowed: retry, final",
                    ));
                }
                classes[code.0 as usize] = ResultClass::ALL
                    .into_iter()
                    .find(|c| c.name() == class.get_ref())
                    .ok_or_else(|| {
                        self.error(
                            class.span(),
                            at.clone(),
                            format!(
                                "unknown class \"{}\"; allowed: {}",
                                class.get_ref(),
                                names.join(", ")
                            ),
                        )
                    })?;
            }
        }
        Ok(classes)
    }
}

/// A scheduled callback request (one line of the requests file).
#[derive(Clone, Debug, PartialEq)]
pub struct CallbackRequest {
    /// Line in the requests file.
    pub line: usize,
    /// `CallbackSubroutine`: the queue that routes it.
    pub queue: usize,
    /// `MediaServer`: the port pool it dials on (`None`: the queue's).
    pub pool: Option<usize>,
    /// `ClientAvailableFrom`, as simulated time (ticks after the start).
    pub due: Ticks,
    /// `CallbackTimeExpiryDuration`: how long after `due` it may be connected.
    pub expires_after: Ticks,
    /// `RequestTimeExpirationDuration`: wait before a retry.
    pub retry_after: Ticks,
}

/// Reads the JSON-lines requests file. `pools`, `queues` name what requests may refer to;
/// `policies` are the queues' callback policies (a request's queue must have one).
pub fn read_requests(
    path: &Path,
    start: jiff::Timestamp,
    duration: Ticks,
    pools: &[String],
    queues: &[String],
    policies: &[Option<CallbackPolicy>],
) -> Result<Vec<CallbackRequest>, ScenarioError> {
    let text = super::input::read_text(path, super::input::MAX_REQUESTS_BYTES).map_err(|e| {
        ScenarioError::file(path, format!("cannot read the callback requests: {e}"))
    })?;
    let mut requests = Vec::new();
    for (index, raw_line) in text.lines().enumerate() {
        let line = index + 1;
        if raw_line.trim().is_empty() {
            continue;
        }
        let err = |field: &str, message: String| ScenarioError::line(path, line, field, message);
        let mut de = serde_json::Deserializer::from_str(raw_line);
        let raw: RawCallbackRequest = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let field = e.path().to_string();
            let field = if field == "." { String::new() } else { field };
            let inner = e.into_inner();
            let mut message = inner.to_string();
            // serde_json appends " at line 1 column N" (of the JSON line); keep the column only.
            if let Some(at) = message.rfind(" at line ") {
                message.truncate(at);
            }
            ScenarioError { column: inner.column(), ..err(&field, format!("{message}; each line is one JSON object with the fields of a callback request (CustomerNumber, DestinationNumber, MediaServer, CallbackSubroutine, OtherCallbackProperties …)")) }
        })?;
        let queue = queues
            .iter()
            .position(|q| *q == raw.callback_subroutine)
            .ok_or_else(|| {
                err(
                    "CallbackSubroutine",
                    format!(
                        "no [[queue]] is named {}; defined: {}",
                        excerpt(&raw.callback_subroutine),
                        queues.join(", ")
                    ),
                )
            })?;
        let Some(policy) = &policies[queue] else {
            return Err(err(
                "CallbackSubroutine",
                format!(
                    "queue {} has no [queue.callback] section to say how callbacks are dialed",
                    excerpt(&raw.callback_subroutine)
                ),
            ));
        };
        let pool = match &raw.media_server {
            None => None,
            Some(name) => Some(pools.iter().position(|p| p == name).ok_or_else(|| {
                err(
                    "MediaServer",
                    format!(
                        "no [[port_pool]] is named {}; defined: {}",
                        excerpt(name),
                        if pools.is_empty() {
                            "none".into()
                        } else {
                            pools.join(", ")
                        }
                    ),
                )
            })?),
        };
        let props = &raw.properties;
        let available = parse_time(&props.client_available_from)
            .ok_or_else(|| err("OtherCallbackProperties.ClientAvailableFrom", format!("{} is not a date and time: write it as in RFC 2822 (\"Mon, 30 Mar 2026 16:42:51 GMT\") or ISO 8601 (\"2026-03-30T16:42:51Z\")", excerpt(&props.client_available_from))))?;
        let expires_after = match &props.callback_time_expiry_duration {
            None => policy.expires_after,
            Some(text) => parse_hms(text).ok_or_else(|| {
                err(
                    "OtherCallbackProperties.CallbackTimeExpiryDuration",
                    format!(
                        "{} is not a duration HH:MM:SS (e.g. \"01:30:00\")",
                        excerpt(text)
                    ),
                )
            })?,
        };
        if expires_after == 0 {
            return Err(err(
                "OtherCallbackProperties.CallbackTimeExpiryDuration",
                "must be more than 00:00:00".into(),
            ));
        }
        let retry_after = match &props.request_time_expiration_duration {
            None => policy.retry_after,
            Some(v) => minutes(v).ok_or_else(|| {
                err(
                    "OtherCallbackProperties.RequestTimeExpirationDuration",
                    format!(
                        "{} is not a whole number of minutes from 0 to 1000000 (e.g. \"30\")",
                        excerpt(&v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    ),
                )
            })?,
        };
        let offset = (available - start)
            .total(jiff::Unit::Microsecond)
            .unwrap_or(f64::NAN);
        let end = offset + expires_after as f64;
        if end.is_nan() || end <= 0.0 {
            return Err(err(
                "OtherCallbackProperties.ClientAvailableFrom",
                format!(
                    "the callback's window ({} plus {}) closes before the simulation starts ({start})",
                    props.client_available_from,
                    Duration::from_ticks(expires_after)
                ),
            ));
        }
        if offset >= duration as f64 {
            return Err(err(
                "OtherCallbackProperties.ClientAvailableFrom",
                format!(
                    "{} is after the simulated period ends ({})",
                    props.client_available_from,
                    start + jiff::SignedDuration::from_micros(duration as i64)
                ),
            ));
        }
        // A window already open at the start is due at once, with what is left of it.
        let due = offset.max(0.0) as Ticks;
        requests.push(CallbackRequest {
            line,
            queue,
            pool,
            due,
            expires_after: (end as Ticks).saturating_sub(due),
            retry_after,
        });
    }
    Ok(requests)
}

/// RFC 2822 (as in seed 000) or ISO 8601.
fn parse_time(text: &str) -> Option<jiff::Timestamp> {
    text.parse::<jiff::Timestamp>()
        .ok()
        .or_else(|| jiff::fmt::rfc2822::parse(text).ok().map(|z| z.timestamp()))
}

/// `HH:MM:SS`, as seed 000 writes `CallbackTimeExpiryDuration`.
fn parse_hms(text: &str) -> Option<Ticks> {
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() != 3 {
        return None;
    }
    Duration::parse(text).ok().map(Duration::ticks)
}

/// Minutes as a string ("30", as seed 000 writes it) or a number.
fn minutes(v: &serde_json::Value) -> Option<Ticks> {
    let n = match v {
        serde_json::Value::String(s) => s.trim().parse::<u64>().ok()?,
        serde_json::Value::Number(n) => n.as_u64()?,
        _ => return None,
    };
    n.checked_mul(MINUTE).filter(|t| *t <= 1_000_000 * MINUTE)
}
