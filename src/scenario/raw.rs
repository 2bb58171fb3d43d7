//! The scenario file as written: serde structs that mirror the TOML, with spans for errors.
//!
//! Nothing here is checked beyond types and unknown keys; `validate` turns this into a
//! `Scenario` whose every value has been checked and every reference resolved.

use super::duration::Duration;
use super::share::Share;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(
    deny_unknown_fields,
    expecting = "a scenario: a [simulation] table, and [[queue]], [[agent_group]] and other tables"
)]
pub struct RawScenario {
    /// A JSON-lines file of scheduled callback requests, relative to the scenario.
    pub callback_requests: Option<Spanned<String>>,
    pub simulation: Spanned<RawSimulation>,
    pub service_level: Option<Spanned<RawServiceLevel>>,
    #[serde(default)]
    pub port_pool: Vec<Spanned<RawPortPool>>,
    #[serde(default)]
    pub queue: Vec<Spanned<RawQueue>>,
    #[serde(default)]
    pub agent_group: Vec<Spanned<RawAgentGroup>>,
    #[serde(default)]
    pub campaign: Vec<Spanned<RawCampaign>>,
}

#[derive(Deserialize, Debug)]
#[serde(
    deny_unknown_fields,
    expecting = "a [simulation] table with start, duration and interval"
)]
pub struct RawSimulation {
    pub name: Option<Spanned<String>>,
    pub start: Spanned<String>,
    pub time_zone: Option<Spanned<String>>,
    pub duration: Spanned<Duration>,
    pub interval: Spanned<Duration>,
    pub replications: Option<Spanned<u32>>,
    pub seed: Option<Spanned<u64>>,
    pub warmup: Option<Spanned<Duration>>,
    pub drain_limit: Option<Spanned<Duration>>,
}

#[derive(Deserialize, Debug)]
#[serde(
    deny_unknown_fields,
    expecting = "a [service_level] table such as { threshold = \"20s\", target = \"80%\" }"
)]
pub struct RawServiceLevel {
    pub threshold: Option<Spanned<Duration>>,
    pub definition: Option<Spanned<String>>,
    pub short_abandon: Option<Spanned<Duration>>,
    pub target: Option<Spanned<Share>>,
}

#[derive(Deserialize, Debug)]
#[serde(
    deny_unknown_fields,
    expecting = "a [[port_pool]] table with name and ports"
)]
pub struct RawPortPool {
    pub name: Spanned<String>,
    pub ports: Spanned<u32>,
}

#[derive(Deserialize, Debug)]
#[serde(
    deny_unknown_fields,
    expecting = "a [[queue]] table with name, arrivals and handle"
)]
pub struct RawQueue {
    pub name: Spanned<String>,
    pub port_pool: Option<Spanned<String>>,
    pub priority: Option<Spanned<i32>>,
    pub arrivals: Spanned<RawArrivals>,
    pub ivr: Option<Spanned<RawDistribution>>,
    pub handle: Spanned<RawDistribution>,
    pub wrap_up: Option<Spanned<RawDistribution>>,
    pub patience: Option<Spanned<RawDistribution>>,
    /// Waits after which agents of level 2, 3, … are reached.
    pub overflow_after: Option<Spanned<Vec<Spanned<Duration>>>>,
    pub callback: Option<Spanned<RawCallback>>,
}

#[derive(Deserialize, Debug)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { per_hour = 120 }, { per_interval = [40, 60] } or { file = \"forecast.csv\", column = \"calls\" }"
)]
pub struct RawArrivals {
    pub per_interval: Option<Spanned<Vec<Spanned<f64>>>>,
    pub per_hour: Option<Spanned<f64>>,
    /// A CSV file of calls per interval (relative to the scenario) and its column.
    pub file: Option<Spanned<String>>,
    pub column: Option<Spanned<String>>,
}

/// One table for every distribution; which keys apply depends on `dist`, and keys that do
/// not apply are errors (checked in validation, where the message can say which apply).
#[derive(Deserialize, Debug)]
#[serde(
    deny_unknown_fields,
    expecting = "a distribution such as { dist = \"exponential\", mean = \"4m\" }"
)]
pub struct RawDistribution {
    pub dist: Spanned<String>,
    pub value: Option<Spanned<Duration>>,
    /// One mean, or one per interval (a list, or a CSV file's column: a forecast's AHT).
    pub mean: Option<Spanned<RawSeries<Duration>>>,
    pub cv: Option<Spanned<f64>>,
    pub min: Option<Spanned<Duration>>,
    pub max: Option<Spanned<Duration>>,
    pub k: Option<Spanned<u32>>,
    pub file: Option<Spanned<String>>,
}

#[derive(Deserialize, Debug)]
#[serde(
    deny_unknown_fields,
    expecting = "an [[agent_group]] table with name and queues"
)]
pub struct RawAgentGroup {
    pub name: Spanned<String>,
    pub queues: Spanned<Vec<Spanned<String>>>,
    /// Skill level per queue (1 = primary, the default).
    pub level: Option<Spanned<BTreeMap<String, Spanned<u32>>>>,
    /// Talk-time factor per queue (a secondary skill is slower).
    pub handle_factor: Option<Spanned<BTreeMap<String, Spanned<f64>>>>,
    pub staffing: Option<Spanned<RawStaffing>>,
    #[serde(default)]
    pub shift: Vec<Spanned<RawShift>>,
    pub not_ready: Option<Spanned<RawNotReady>>,
    pub answer_after: Option<Spanned<RawDistribution>>,
    pub rona_timeout: Option<Spanned<Duration>>,
    pub rona_not_ready: Option<Spanned<Duration>>,
}

/// `[[agent_group.shift]]`: `count` agents from a clock time, every day.
#[derive(Deserialize, Debug)]
#[serde(
    deny_unknown_fields,
    expecting = "a shift such as { start = \"08:00\", length = \"8h\", count = 5 }"
)]
pub struct RawShift {
    pub start: Spanned<String>,
    pub length: Spanned<Duration>,
    pub count: Spanned<u32>,
    #[serde(default)]
    pub breaks: Vec<Spanned<RawBreak>>,
}

#[derive(Deserialize, Debug)]
#[serde(
    deny_unknown_fields,
    expecting = "a break such as { after = \"2h\", length = \"15m\" }"
)]
pub struct RawBreak {
    pub after: Spanned<Duration>,
    pub length: Spanned<Duration>,
    pub kind: Option<Spanned<String>>,
}

/// `[agent_group.not_ready]`: random aux periods (shrinkage) while on shift.
#[derive(Deserialize, Debug)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { every = { dist = \"exponential\", mean = \"1h\" }, length = { dist = \"constant\", value = \"5m\" } }"
)]
pub struct RawNotReady {
    pub every: Spanned<RawDistribution>,
    pub length: Spanned<RawDistribution>,
}

#[derive(Deserialize, Debug)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { count = 14 }, { per_interval = [10, 12] } or { file = \"staffing.csv\", column = \"agents\" }"
)]
pub struct RawStaffing {
    pub per_interval: Option<Spanned<Vec<Spanned<u32>>>>,
    pub count: Option<Spanned<u32>>,
    /// A CSV file of agents per interval (relative to the scenario) and its column.
    pub file: Option<Spanned<String>>,
    pub column: Option<Spanned<String>>,
}

/// `[[campaign]]`: an outbound list dialed by agents of some groups.
#[derive(Deserialize, Debug)]
#[serde(
    deny_unknown_fields,
    expecting = "a [[campaign]] table with name, mode, groups and talk"
)]
pub struct RawCampaign {
    pub name: Spanned<String>,
    pub mode: Spanned<String>,
    pub groups: Spanned<Vec<Spanned<String>>>,
    pub port_pool: Option<Spanned<String>>,
    /// Clock times between which it dials, every day (`{ from = "13:00", to = "17:00" }`).
    pub hours: Option<Spanned<RawHours>>,
    /// Records in a synthetic list (each callable at any time, all of one priority).
    pub records: Option<Spanned<u32>>,
    /// A CSV file of records (relative to the scenario).
    pub list: Option<Spanned<String>>,
    /// Power mode: dials per ready agent.
    pub lines: Option<Spanned<u32>>,
    /// Preview mode: how long the agent reviews a record before the dial.
    pub preview: Option<Spanned<RawDistribution>>,
    pub talk: Spanned<RawDistribution>,
    pub wrap_up: Option<Spanned<RawDistribution>>,
    pub ring_timeout: Option<Spanned<Duration>>,
    pub answer_after: Option<Spanned<RawDistribution>>,
    pub signal_after: Option<Spanned<Duration>>,
    pub results: Option<Spanned<BTreeMap<String, Spanned<f64>>>>,
    pub result_classes: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    pub retry_after: Option<Spanned<Duration>>,
    pub max_attempts: Option<Spanned<u32>>,
    /// A live answer with no agent for this long is dropped (DROPPED).
    pub drop_after: Option<Spanned<Duration>>,
    /// A dropped live answer hears a recorded message this long, holding its port.
    pub drop_message: Option<Spanned<Duration>>,
    /// Answering-machine detection.
    pub amd: Option<Spanned<RawAmd>>,
    /// Blending: a cycle starts only while more than this many agents would be left ready.
    pub idle_threshold: Option<Spanned<u32>>,
    /// The abandoned-rate cap (dropped per live answer) over each measurement window.
    pub max_drop_rate: Option<Spanned<Share>>,
    /// The measurement window: `run`, `day` or `30d`.
    pub drop_window: Option<Spanned<String>>,
    /// Predictive mode: the abandoned rate its pacing aims at (below the cap).
    pub drop_target: Option<Spanned<Share>>,
    /// Manual mode: calls each ready agent places an hour.
    pub calls_per_ready_hour: Option<Spanned<f64>>,
    /// Manual mode: the share of their otherwise ready time agents spend on manual calls.
    pub share_of_ready_time: Option<Spanned<Share>>,
}

#[derive(Deserialize, Debug)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { accuracy = \"90%\", seconds = \"2s\" }"
)]
pub struct RawAmd {
    /// The share of answers (live or machine) it judges right.
    pub accuracy: Spanned<Share>,
    /// How long it listens after the pickup.
    pub seconds: Option<Spanned<Duration>>,
    /// How long an agent spends on a machine it took for a person.
    pub agent_seconds: Option<Spanned<Duration>>,
}

#[derive(Deserialize, Debug)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { from = \"13:00\", to = \"18:00\" }"
)]
pub struct RawHours {
    pub from: Spanned<String>,
    pub to: Spanned<String>,
}

/// `[queue.callback]`.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, expecting = "a [queue.callback] table")]
pub struct RawCallback {
    pub offer_after: Option<Spanned<Duration>>,
    pub offer_on_entry_over: Option<Spanned<Duration>>,
    /// The probability a caller accepts (`0.3` or `"30%"`): one, or one per interval.
    pub accept: Option<Spanned<RawSeries<Share>>>,
    pub call_delay: Option<Spanned<Duration>>,
    pub ring_timeout: Option<Spanned<Duration>>,
    pub answer_after: Option<Spanned<RawDistribution>>,
    pub signal_after: Option<Spanned<Duration>>,
    pub results: Option<Spanned<BTreeMap<String, Spanned<f64>>>>,
    pub result_classes: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    pub retry_after: Option<Spanned<Duration>>,
    pub expires_after: Option<Spanned<Duration>>,
    pub max_attempts: Option<Spanned<u32>>,
    pub max_queued: Option<Spanned<u32>>,
    pub counts_in_service_level: Option<Spanned<bool>>,
    pub refused_for: Option<Spanned<Duration>>,
}

/// One line of the callback requests file, with the field names of the source (seed 000).
/// Fields the model has no use for are still checked, so that a malformed file is caught.
#[derive(Deserialize, Debug)]
#[serde(
    deny_unknown_fields,
    expecting = "an object with CustomerNumber, DestinationNumber, CallbackSubroutine and OtherCallbackProperties"
)]
pub struct RawCallbackRequest {
    #[serde(rename = "CustomerName")]
    pub _customer_name: Option<String>,
    #[serde(rename = "CustomerNumber")]
    pub _customer_number: String,
    #[serde(rename = "DestinationNumber")]
    pub _destination_number: String,
    #[serde(rename = "CallRecord")]
    pub _call_record: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(rename = "MediaServer")]
    pub media_server: Option<String>,
    #[serde(rename = "CallbackSubroutine")]
    pub callback_subroutine: String,
    #[serde(rename = "VariableList")]
    pub _variable_list: Option<Vec<String>>,
    #[serde(rename = "OtherCallbackProperties")]
    pub properties: RawCallbackProperties,
}

/// `OtherCallbackProperties` of a request.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, expecting = "an object with ClientAvailableFrom")]
pub struct RawCallbackProperties {
    #[serde(rename = "ClientAvailableFrom")]
    pub client_available_from: String,
    #[serde(rename = "CallbackTimeExpiryDuration")]
    pub callback_time_expiry_duration: Option<String>,
    #[serde(rename = "RequestTimeExpirationDuration")]
    pub request_time_expiration_duration: Option<serde_json::Value>,
}

/// A value, or one value per interval: a list, or a CSV file's column
/// (`{ file = "forecast.csv", column = "support_aht" }`).
#[derive(Debug)]
pub enum RawSeries<T> {
    One(T),
    List(Vec<T>),
    File { file: String, column: String },
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for RawSeries<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{self, IntoDeserializer, MapAccess, SeqAccess, Visitor};
        use std::marker::PhantomData;

        struct SeriesVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for SeriesVisitor<T> {
            type Value = RawSeries<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a value, a list of one value per interval, or { file = \"…\", column = \"…\" }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(RawSeries::One)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(RawSeries::One)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(RawSeries::One)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(RawSeries::One)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut values = Vec::new();
                while let Some(v) = seq.next_element()? {
                    values.push(v);
                }
                Ok(RawSeries::List(values))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct FileColumn {
                    file: String,
                    column: String,
                }
                let f = FileColumn::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawSeries::File {
                    file: f.file,
                    column: f.column,
                })
            }
        }
        deserializer.deserialize_any(SeriesVisitor(PhantomData))
    }
}
