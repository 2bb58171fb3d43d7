//! Checks a raw scenario and builds the [`Scenario`] the simulator runs.

use super::error::ScenarioError;
use super::input::excerpt;
use super::interval_csv::{IntervalGrid, Series};
use super::raw::{RawArrivals, RawScenario, RawSeries};
use super::{PerInterval, PortPool, Queue, Scenario, ServiceLevel, SlDefinition};
use crate::engine::{TICKS_PER_SECOND, Ticks};
use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

const DEFAULT_REPLICATIONS: u32 = 30;
const DEFAULT_SEED: u64 = 1;
const DEFAULT_DRAIN_LIMIT: Ticks = 4 * 3600 * TICKS_PER_SECOND;
const DEFAULT_SL_THRESHOLD: Ticks = 20 * TICKS_PER_SECOND;
const DEFAULT_SHORT_ABANDON: Ticks = 5 * TICKS_PER_SECOND;

// Limits far beyond any contact center, so that a typo cannot exhaust memory or run forever.
const MAX_INTERVALS: usize = 1_000_000;
pub(super) const MAX_AGENTS: u32 = 1_000_000;
const MAX_PORTS: u32 = 10_000_000;
const MAX_CALLS_PER_INTERVAL: f64 = 100_000_000.0;
const MAX_REPLICATIONS: u32 = 1_000_000;

/// Makes located errors for one scenario file.
pub struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Checker<'_> {
    pub fn error(
        &self,
        span: Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> ScenarioError {
        ScenarioError::at(self.path, self.text, span, key, message)
    }

    /// The scenario file.
    pub fn path(&self) -> &Path {
        self.path
    }

    /// 1-based line and column of byte `offset` in the scenario.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        super::error::line_column(self.text, offset)
    }

    /// A path written in the scenario, taken relative to the scenario's folder.
    pub fn relative_path(&self, written: &str) -> PathBuf {
        let dir = self.path.parent().unwrap_or(Path::new(""));
        dir.join(written)
    }

    /// Places an error found in a data file that `file` (at key `file_key`) names: one about
    /// the file as a whole points at the key; one at a line of the file says which key named
    /// it.
    pub(super) fn in_named_file(
        &self,
        mut e: ScenarioError,
        file: Range<usize>,
        file_key: &str,
        path: &Path,
    ) -> ScenarioError {
        let named_at = self.error(file.clone(), file_key, String::new());
        if e.line == 0 {
            self.error(file, file_key, format!("{}: {}", path.display(), e.message))
        } else {
            e.message = format!(
                "{} (in the file named by `{file_key}` at {}:{})",
                e.message,
                named_at.file.display(),
                named_at.line
            );
            e
        }
    }

    /// `{key}.column` is given only with `{key}.file`.
    pub(super) fn column_needs_file(
        &self,
        file: &Option<Spanned<String>>,
        column: &Option<Spanned<String>>,
        key: &str,
    ) -> Result<(), ScenarioError> {
        match (file, column) {
            (None, Some(column)) => Err(self.error(
                column.span(),
                format!("{key}.column"),
                "applies only with `file`: name the CSV file whose column this is",
            )),
            _ => Ok(()),
        }
    }

    /// The values of a CSV file's column, one per interval of `grid`: `file` and `column`
    /// (each with where the scenario gives it) are the keys `{key}.file` and `{key}.column`.
    pub(super) fn interval_column(
        &self,
        (file, file_span): (&str, Range<usize>),
        column: Option<(&str, Range<usize>)>,
        key: &str,
        grid: &IntervalGrid,
        series: Series,
    ) -> Result<Vec<f64>, ScenarioError> {
        let (column, _) = column.ok_or_else(|| {
            self.error(
                file_span.clone(),
                format!("{key}.column"),
                "missing: with `file`, name the file's column that holds the values (`column = \"support\"`)",
            )
        })?;
        let path = self.relative_path(file);
        super::interval_csv::read_column(&path, column, key, grid, series)
            .map_err(|e| self.in_named_file(e, file_span, &format!("{key}.file"), &path))
    }

    /// A probability (a share, 0 to 1, or a percentage), one or one per interval: a list, or
    /// a CSV column.
    pub(super) fn shares(
        &self,
        raw: &Spanned<RawSeries<super::Share>>,
        key: &str,
        grid: &IntervalGrid,
    ) -> Result<PerInterval<f64>, ScenarioError> {
        Ok(match raw.get_ref() {
            RawSeries::One(p) => PerInterval::Constant(p.0),
            RawSeries::List(list) => {
                self.series_len(list.len(), raw.span(), key, grid)?;
                PerInterval::Values(list.iter().map(|p| p.0).collect())
            }
            RawSeries::File { file, column } => PerInterval::Values(self.interval_column(
                (file, raw.span()),
                Some((column, raw.span())),
                key,
                grid,
                Series::Share,
            )?),
        })
    }

    /// A list of one value per interval has as many values as the simulation has intervals.
    pub(super) fn series_len(
        &self,
        n: usize,
        span: Range<usize>,
        key: &str,
        grid: &IntervalGrid,
    ) -> Result<(), ScenarioError> {
        if n != grid.intervals {
            let what = if n == 0 {
                "is empty".to_string()
            } else {
                format!("has {n} values")
            };
            return Err(self.error(
                span,
                key,
                format!(
                    "{what}, but the simulation has {} intervals of {} (duration / interval): give one value per interval",
                    grid.intervals,
                    super::Duration::from_ticks(grid.interval)
                ),
            ));
        }
        Ok(())
    }

    /// A name used in reports and keys: letters, digits, `_` and `-`.
    /// The pool a `port_pool` key at `key` names, if it is given.
    pub(super) fn port_pool(
        &self,
        name: &Option<Spanned<String>>,
        key: &str,
        pools: &[PortPool],
    ) -> Result<Option<usize>, ScenarioError> {
        let Some(p) = name else { return Ok(None) };
        pools
            .iter()
            .position(|pool| pool.name == *p.get_ref())
            .map(Some)
            .ok_or_else(|| {
                let known: Vec<_> = pools.iter().map(|p| p.name.as_str()).collect();
                self.error(
                    p.span(),
                    key,
                    format!(
                        "no [[port_pool]] is named \"{}\"; defined: {}",
                        p.get_ref(),
                        list_or_none(&known)
                    ),
                )
            })
    }

    pub(super) fn name(&self, name: &Spanned<String>, key: &str) -> Result<String, ScenarioError> {
        let n = name.get_ref();
        if !is_valid_name(n) {
            return Err(self.error(
                name.span(),
                key,
                format!("{} is not a valid name: {NAME_RULE}", excerpt(n)),
            ));
        }
        Ok(n.clone())
    }

    fn unique(
        &self,
        seen: &mut HashSet<String>,
        name: &Spanned<String>,
        key: &str,
        what: &str,
    ) -> Result<(), ScenarioError> {
        if !seen.insert(name.get_ref().clone()) {
            return Err(self.error(
                name.span(),
                key,
                format!(
                    "two {what}s are named \"{}\": names must be unique",
                    name.get_ref()
                ),
            ));
        }
        Ok(())
    }
}

/// What a name may be. Names become file names (`output/<name>/`) and CSV cells: so only
/// letters, digits, `_` and `-`, never a leading `-` (a spreadsheet would read `-x` as a
/// formula) and short enough for any file system.
const NAME_RULE: &str = "use letters, digits, `_` and `-`, starting with a letter or digit, at most 64 characters (as in \"tier-1\")";

fn is_valid_name(n: &str) -> bool {
    n.len() <= 64
        && n.starts_with(|c: char| c.is_ascii_alphanumeric())
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

pub fn validate(path: &Path, text: &str, sha256: String) -> Result<Scenario, ScenarioError> {
    let c = Checker { path, text };
    let raw = parse(&c)?;
    let sim = raw.simulation.get_ref();

    let name = match &sim.name {
        Some(n) => c.name(n, "simulation.name")?,
        // The file's stem names the output folder: it must be a name too (a file called
        // `...toml` would otherwise write into `output/..`).
        None => {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !is_valid_name(&stem) {
                return Err(c.error(
                    raw.simulation.span(),
                    "simulation.name",
                    format!("missing, and the file's name {} cannot stand in for it (it names the output folder): set `name` in [simulation]; {NAME_RULE}", excerpt(&stem)),
                ));
            }
            stem
        }
    };
    let time_zone = match &sim.time_zone {
        None => None,
        Some(name) => Some(jiff::tz::db().get(name.get_ref()).map_err(|_| {
            c.error(
                name.span(),
                "simulation.time_zone",
                format!(
                    "{} is not a time zone of the IANA time-zone database: name one as \"Europe/Copenhagen\", \"America/New_York\", \"Asia/Kolkata\" or \"UTC\"",
                    excerpt(name.get_ref())
                ),
            )
        })?),
    };
    let start = parse_start(sim.start.get_ref(), time_zone.as_ref())
        .map_err(|m| c.error(sim.start.span(), "simulation.start", m))?;
    let duration = sim.duration.get_ref().ticks();
    if duration == 0 {
        return Err(c.error(
            sim.duration.span(),
            "simulation.duration",
            "must be more than 0s",
        ));
    }
    let interval = sim.interval.get_ref().ticks();
    if interval == 0 {
        return Err(c.error(
            sim.interval.span(),
            "simulation.interval",
            "must be more than 0s",
        ));
    }
    if duration % interval != 0 {
        return Err(c.error(
            sim.duration.span(),
            "simulation.duration",
            format!(
                "must be a whole number of intervals ({}), not {}",
                sim.interval.get_ref(),
                sim.duration.get_ref()
            ),
        ));
    }
    let intervals = (duration / interval) as usize;
    if intervals > MAX_INTERVALS {
        return Err(c.error(
            sim.interval.span(),
            "simulation.interval",
            format!("gives {intervals} intervals (duration / interval); at most {MAX_INTERVALS} are allowed"),
        ));
    }
    // CSV times without an offset are read on the scenario's clock, or (without a time
    // zone) at the offset the start is written with.
    let csv_zone = match &time_zone {
        Some(zone) => zone.clone(),
        None => match jiff::fmt::temporal::Pieces::parse(sim.start.get_ref().as_str())
            .ok()
            .and_then(|p| p.offset())
        {
            Some(jiff::fmt::temporal::PiecesOffset::Numeric(n)) => {
                jiff::tz::TimeZone::fixed(n.offset())
            }
            _ => jiff::tz::TimeZone::UTC,
        },
    };
    let grid = IntervalGrid {
        start,
        interval,
        intervals,
        zone: csv_zone,
    };
    let calendar =
        super::Calendar::new(start, time_zone.clone().unwrap_or(jiff::tz::TimeZone::UTC));
    let replications = sim
        .replications
        .as_ref()
        .map_or(DEFAULT_REPLICATIONS, |r| *r.get_ref());
    if replications == 0 {
        let span = sim.replications.as_ref().map(|r| r.span()).unwrap_or(0..0);
        return Err(c.error(span, "simulation.replications", "must be 1 or more"));
    }
    if replications > MAX_REPLICATIONS {
        let span = sim.replications.as_ref().map(|r| r.span()).unwrap_or(0..0);
        return Err(c.error(
            span,
            "simulation.replications",
            format!("must be at most {MAX_REPLICATIONS}"),
        ));
    }
    let seed = sim.seed.as_ref().map_or(DEFAULT_SEED, |s| *s.get_ref());
    let warmup = match &sim.warmup {
        None => 0,
        Some(w) => {
            let t = w.get_ref().ticks();
            if t % interval != 0 || t >= duration {
                return Err(c.error(
                    w.span(),
                    "simulation.warmup",
                    format!(
                        "must be a whole number of intervals ({}) and less than the duration",
                        sim.interval.get_ref()
                    ),
                ));
            }
            t
        }
    };
    let drain_limit = sim
        .drain_limit
        .as_ref()
        .map_or(DEFAULT_DRAIN_LIMIT, |d| d.get_ref().ticks());

    let service_level = match &raw.service_level {
        None => ServiceLevel {
            threshold: DEFAULT_SL_THRESHOLD,
            definition: SlDefinition::Offered,
            short_abandon: DEFAULT_SHORT_ABANDON,
            target: None,
        },
        Some(sl) => {
            let sl = sl.get_ref();
            let definition = match &sl.definition {
                None => SlDefinition::Offered,
                Some(d) => SlDefinition::from_name(d.get_ref()).ok_or_else(|| {
                    let allowed: Vec<_> = SlDefinition::ALL.iter().map(|d| d.name()).collect();
                    c.error(
                        d.span(),
                        "service_level.definition",
                        format!(
                            "unknown definition \"{}\"; allowed: {}",
                            d.get_ref(),
                            allowed.join(", ")
                        ),
                    )
                })?,
            };
            ServiceLevel {
                threshold: sl
                    .threshold
                    .as_ref()
                    .map_or(DEFAULT_SL_THRESHOLD, |t| t.get_ref().ticks()),
                definition,
                short_abandon: sl
                    .short_abandon
                    .as_ref()
                    .map_or(DEFAULT_SHORT_ABANDON, |t| t.get_ref().ticks()),
                // A share by type: `0.8` or `"80%"`, checked as it is read.
                target: sl.target.as_ref().map(|t| t.get_ref().0),
            }
        }
    };

    let mut port_pools = Vec::new();
    let mut seen = HashSet::new();
    for (i, pool) in raw.port_pool.iter().enumerate() {
        let p = pool.get_ref();
        let key = format!("port_pool[{i}]");
        let name = c.name(&p.name, &format!("{key}.name"))?;
        c.unique(&mut seen, &p.name, &format!("{key}.name"), "port pool")?;
        if !(1..=MAX_PORTS).contains(p.ports.get_ref()) {
            return Err(c.error(
                p.ports.span(),
                format!("port_pool.{name}.ports"),
                format!("must be from 1 to {MAX_PORTS}"),
            ));
        }
        port_pools.push(PortPool {
            name,
            ports: *p.ports.get_ref(),
        });
    }

    if raw.queue.is_empty() && raw.campaign.is_empty() {
        return Err(c.error(
            0..0,
            "queue",
            "the scenario has no [[queue]] and no [[campaign]]: add at least one",
        ));
    }
    let mut queues = Vec::new();
    let mut warnings = Vec::new();
    let mut seen = HashSet::new();
    for (i, queue) in raw.queue.iter().enumerate() {
        let q = queue.get_ref();
        let name = c.name(&q.name, &format!("queue[{i}].name"))?;
        c.unique(&mut seen, &q.name, &format!("queue[{i}].name"), "queue")?;
        let key = format!("queue.{name}");
        let port_pool = c.port_pool(&q.port_pool, &format!("{key}.port_pool"), &port_pools)?;
        let optional = |d: &Option<Spanned<super::raw::RawDistribution>>, what: &str| {
            d.as_ref()
                .map(|d| c.distribution_by_interval(d, &format!("{key}.{what}"), &grid))
                .transpose()
        };
        queues.push(Queue {
            port_pool,
            priority: q.priority.as_ref().map_or(0, |p| *p.get_ref()),
            arrivals: arrivals(&c, &q.arrivals, &format!("{key}.arrivals"), &grid)?,
            ivr: optional(&q.ivr, "ivr")?,
            handle: c.distribution_by_interval(&q.handle, &format!("{key}.handle"), &grid)?,
            wrap_up: optional(&q.wrap_up, "wrap_up")?,
            patience: optional(&q.patience, "patience")?,
            overflow_after: overflow_after(
                &c,
                &q.overflow_after,
                &format!("{key}.overflow_after"),
            )?,
            callback: q
                .callback
                .as_ref()
                .map(|cb| c.callback(cb, &format!("{key}.callback"), &grid, &mut warnings))
                .transpose()?,
            name,
        });
    }

    let mut agent_groups = Vec::new();
    let mut seen = HashSet::new();
    for (i, group) in raw.agent_group.iter().enumerate() {
        let g = group.get_ref();
        let name = c.name(&g.name, &format!("agent_group[{i}].name"))?;
        c.unique(
            &mut seen,
            &g.name,
            &format!("agent_group[{i}].name"),
            "agent group",
        )?;
        let works_campaign = raw.campaign.iter().any(|k| {
            k.get_ref()
                .groups
                .get_ref()
                .iter()
                .any(|n| n.get_ref() == &name)
        });
        agent_groups.push(c.agent_group(
            g,
            (name, works_campaign),
            &queues,
            &grid,
            (&calendar, duration),
            &mut warnings,
        )?);
    }
    for (i, queue) in queues.iter().enumerate() {
        if !agent_groups.iter().any(|g| g.queues.contains(&i)) {
            return Err(c.error(
                raw.queue[i].span(),
                format!("queue.{}", queue.name),
                "no [[agent_group]] serves this queue: list it in some group's `queues`",
            ));
        }
    }

    let mut campaigns = Vec::new();
    let mut seen = HashSet::new();
    for (i, campaign) in raw.campaign.iter().enumerate() {
        let name = c.name(&campaign.get_ref().name, &format!("campaign[{i}].name"))?;
        c.unique(
            &mut seen,
            &campaign.get_ref().name,
            &format!("campaign[{i}].name"),
            "campaign",
        )?;
        campaigns.push(c.campaign(campaign, name, &agent_groups, &port_pools)?);
    }

    // The CSV files that values per interval came from, by the key that names each.
    let queue_files = raw.queue.iter().zip(&queues).filter_map(|(r, q)| {
        let file = r.get_ref().arrivals.get_ref().file.as_ref()?;
        Some((format!("queue.{}.arrivals.file", q.name), file.get_ref()))
    });
    let group_files = raw
        .agent_group
        .iter()
        .zip(&agent_groups)
        .filter_map(|(r, g)| {
            let file = r.get_ref().staffing.as_ref()?.get_ref().file.as_ref()?;
            Some((
                format!("agent_group.{}.staffing.file", g.name),
                file.get_ref(),
            ))
        });
    let mean_files = raw.queue.iter().zip(&queues).flat_map(|(r, q)| {
        let r = r.get_ref();
        let laws = [
            ("ivr", r.ivr.as_ref()),
            ("handle", Some(&r.handle)),
            ("wrap_up", r.wrap_up.as_ref()),
            ("patience", r.patience.as_ref()),
        ];
        laws.into_iter().filter_map(move |(what, law)| {
            match law?.get_ref().mean.as_ref()?.get_ref() {
                RawSeries::File { file, .. } => {
                    Some((format!("queue.{}.{what}.mean.file", q.name), file))
                }
                _ => None,
            }
        })
    });
    let accept_files = raw.queue.iter().zip(&queues).filter_map(|(r, q)| {
        let accept = r.get_ref().callback.as_ref()?.get_ref().accept.as_ref()?;
        match accept.get_ref() {
            RawSeries::File { file, .. } => {
                Some((format!("queue.{}.callback.accept.file", q.name), file))
            }
            _ => None,
        }
    });
    let table_files = queue_files
        .chain(group_files)
        .chain(mean_files)
        .chain(accept_files)
        .map(|(key, file)| (key, c.relative_path(file)))
        .collect();
    let callback_requests_file = raw
        .callback_requests
        .as_ref()
        .map(|f| c.relative_path(f.get_ref()));
    let callback_requests = match &raw.callback_requests {
        None => Vec::new(),
        Some(file) => {
            let path = c.relative_path(file.get_ref());
            let pools: Vec<String> = port_pools.iter().map(|p| p.name.clone()).collect();
            let names: Vec<String> = queues.iter().map(|q| q.name.clone()).collect();
            let policies: Vec<_> = queues.iter().map(|q| q.callback.clone()).collect();
            super::callback::read_requests(&path, start, duration, &pools, &names, &policies)
                .map_err(|e| {
                    if e.line == 0 {
                        c.error(
                            file.span(),
                            "callback_requests",
                            format!("{}: {}", path.display(), e.message),
                        )
                    } else {
                        e
                    }
                })?
        }
    };
    // Every time a report writes (interval starts, arrivals, callback windows, trace events)
    // lies within the horizon, the drain and the longest callback window after the start:
    // all of it must be a time reports can write (jiff's range ends in 9999).
    let longest_window = queues
        .iter()
        .filter_map(|q| q.callback.as_ref().map(|c| c.expires_after))
        .chain(callback_requests.iter().map(|r| r.expires_after))
        .max()
        .unwrap_or(0);
    let reach = duration
        .checked_add(drain_limit)
        .and_then(|t| t.checked_add(longest_window));
    let last = reach
        .and_then(|t| i64::try_from(t).ok())
        .and_then(|t| start.checked_add(jiff::SignedDuration::from_micros(t)).ok());
    if last.is_none() {
        let d = super::Duration::from_ticks;
        return Err(c.error(
            sim.start.span(),
            "simulation.start",
            format!(
                "the run would reach past {}, the last time reports can write: from {start}, the duration ({}), the drain limit ({}) and the longest callback window ({}); start earlier or shorten them",
                jiff::Timestamp::MAX.strftime("%Y-%m-%dT%H:%M:%SZ"),
                d(duration),
                d(drain_limit),
                d(longest_window)
            ),
        ));
    }
    Ok(Scenario {
        name,
        path: path.to_path_buf(),
        sha256,
        start,
        time_zone,
        duration,
        interval,
        replications,
        seed,
        warmup,
        drain_limit,
        service_level,
        port_pools,
        queues,
        agent_groups,
        campaigns,
        callback_requests,
        callback_requests_file,
        table_files,
        warnings,
    })
}

/// Parses the TOML into the raw structs; syntax errors, type errors and unknown keys all
/// come back located, with the dotted key path.
fn parse(c: &Checker) -> Result<RawScenario, ScenarioError> {
    let deserializer = toml::Deserializer::parse(c.text).map_err(|e| toml_error(c, &e, ""))?;
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        // Spanned<T> adds an internal segment to the path; leave it out of what users see.
        let path = e.path().to_string();
        let key: Vec<String> = path
            .split('.')
            .filter(|s| !s.is_empty() && !s.starts_with("$__serde_spanned"))
            .map(|segment| by_name(c.text, segment))
            .collect();
        toml_error(c, e.inner(), &key.join("."))
    })
}

/// A key segment such as `agent_group[0]` as the rest of ccsim's messages write it, by the
/// table's name (`agent_group.tier1`), when the table has one; as it is otherwise.
fn by_name(text: &str, segment: &str) -> String {
    let Some((array, index)) = segment
        .strip_suffix(']')
        .and_then(|s| s.split_once('['))
        .and_then(|(a, i)| Some((a, i.parse::<usize>().ok()?)))
    else {
        return segment.to_string();
    };
    if !["queue", "agent_group", "port_pool", "campaign"].contains(&array) {
        return segment.to_string();
    }
    // The file's syntax is sound (type errors come after parsing), so it reads untyped.
    let name = text
        .parse::<toml::Table>()
        .ok()
        .and_then(|t| {
            t.get(array)?
                .as_array()?
                .get(index)?
                .get("name")?
                .as_str()
                .map(str::to_string)
        })
        .filter(|n| is_valid_name(n));
    match name {
        Some(n) => format!("{array}.{n}"),
        None => segment.to_string(),
    }
}

/// serde's messages about a value of the wrong kind ("invalid type: floating point `10.5`,
/// expected u32") in a planner's words ("10.5 is not a whole number (a count: 0, 1, 2, …)").
fn wrong_kind(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))?;
    let (found, expected) = rest.split_once(", expected ")?;
    // Tables and lists in place of values have messages of their own.
    if !["integer", "floating", "string", "boolean"]
        .iter()
        .any(|kind| found.starts_with(kind))
    {
        return None;
    }
    let expected = match expected {
        "u32" => "a whole number (a count: 0, 1, 2, …)",
        "u64" => "a whole number, 0 or more",
        "i32" => "a whole number from -2147483648 to 2147483647",
        "f64" => "a number",
        "a boolean" => "true or false",
        "a string" => "text in quotes",
        _ => return None,
    };
    let value = found
        .split_once(' ')
        .map_or(found, |(_, v)| v)
        .trim_matches('`');
    let value = match found.split_once(' ') {
        Some(("string", v)) => v.to_string(),
        Some(("floating", v)) => v.trim_start_matches("point ").trim_matches('`').to_string(),
        _ => value.to_string(),
    };
    Some(format!("{value} is not {expected}"))
}

fn toml_error(c: &Checker, e: &toml::de::Error, key: &str) -> ScenarioError {
    let raw_message = e.message().trim_end().replace('\n', " ");
    let mut message = wrong_kind(&raw_message).unwrap_or_else(|| planner_words(&raw_message));
    let at = e
        .span()
        .map_or("", |span| c.text.get(span.start..).unwrap_or(""));
    if message == "duplicate key" {
        // The span starts at the repeated key (or the name of the repeated table).
        let name: String = at
            .chars()
            .take_while(|ch| !matches!(ch, '=' | ']' | '\n'))
            .collect();
        let name = name.trim();
        let table = c.text[..e.span().map_or(0, |s| s.start)]
            .trim_end()
            .ends_with('[');
        message = if table {
            format!(
                "the table [{name}] is written twice: write each table once (a list of tables is written [[{name}]])"
            )
        } else {
            format!("the key `{name}` is set twice in this table: set it once")
        };
    } else if message.starts_with("invalid type: map")
        && at.starts_with(|ch: char| ch.is_ascii_digit())
    {
        // TOML reads an unquoted date-time as a date-time value, not as the text ccsim reads.
        message = format!(
            "a time is written in quotes: write \"{}\"",
            at.split_whitespace().next().unwrap_or(at)
        );
    }
    match e.span() {
        Some(span) => c.error(span, key, message),
        None => ScenarioError {
            key: key.to_string(),
            ..ScenarioError::file(c.path, message)
        },
    }
}

/// Waits after which levels 2, 3, … are reached: each at least the one before.
fn overflow_after(
    c: &Checker,
    raw: &Option<Spanned<Vec<Spanned<super::Duration>>>>,
    key: &str,
) -> Result<Vec<Ticks>, ScenarioError> {
    let Some(list) = raw else {
        return Ok(Vec::new());
    };
    let mut out: Vec<Ticks> = Vec::new();
    for v in list.get_ref() {
        let t = v.get_ref().ticks();
        if out.last().is_some_and(|&last| t < last) {
            return Err(c.error(
                v.span(),
                key,
                format!(
                    "{} is less than the level before it: a higher level is reached after at least as long a wait",
                    v.get_ref()
                ),
            ));
        }
        out.push(t);
    }
    Ok(out)
}

/// serde's messages name our raw types ("expected struct RawDistribution"): say what is
/// expected in a scenario's terms.
fn planner_words(message: &str) -> String {
    const TYPES: [(&str, &str); 9] = [
        (
            "struct RawDistribution",
            "a distribution table such as { dist = \"exponential\", mean = \"3m\" }",
        ),
        (
            "struct RawArrivals",
            "a table { per_interval = [...] } or { per_hour = N }",
        ),
        (
            "struct RawStaffing",
            "a table { per_interval = [...] } or { count = N }",
        ),
        (
            "struct RawNotReady",
            "a table { every = distribution, length = distribution }",
        ),
        (
            "struct RawBreak",
            "a table { after = \"2h\", length = \"15m\", kind = \"break\" }",
        ),
        ("struct RawShift", "a [[agent_group.shift]] table"),
        ("struct RawCallback", "a [queue.callback] table"),
        (
            "a sequence",
            "a list in brackets, such as [\"60s\", \"2m\"]",
        ),
        ("a map", "a table"),
    ];
    let mut out = message.to_string();
    for (ours, theirs) in TYPES {
        out = out.replace(&format!("expected {ours}"), &format!("expected {theirs}"));
    }
    out
}

pub(super) fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

fn arrivals(
    c: &Checker,
    raw: &Spanned<RawArrivals>,
    key: &str,
    grid: &IntervalGrid,
) -> Result<PerInterval<f64>, ScenarioError> {
    let a = raw.get_ref();
    let check = |v: &Spanned<f64>, key: &str| -> Result<f64, ScenarioError> {
        let x = *v.get_ref();
        if !(x.is_finite() && x >= 0.0) {
            return Err(c.error(
                v.span(),
                key,
                format!("{x} is not an expected number of calls: it must be 0 or more"),
            ));
        }
        Ok(x)
    };
    c.column_needs_file(&a.file, &a.column, key)?;
    match (&a.per_interval, &a.per_hour, &a.file) {
        (Some(list), None, None) => {
            c.series_len(list.get_ref().len(), list.span(), &format!("{key}.per_interval"), grid)?;
            let values = list.get_ref().iter().map(|v| {
                let x = check(v, &format!("{key}.per_interval"))?;
                if x > MAX_CALLS_PER_INTERVAL {
                    return Err(c.error(v.span(), format!("{key}.per_interval"), format!("{x} calls is more than the {MAX_CALLS_PER_INTERVAL} allowed in an interval")));
                }
                Ok(x)
            });
            Ok(PerInterval::Values(values.collect::<Result<_, _>>()?))
        }
        (None, Some(rate), None) => {
            let per_hour = check(rate, &format!("{key}.per_hour"))?;
            let per_interval = per_hour * grid.interval as f64 / (3600 * TICKS_PER_SECOND) as f64;
            if per_interval > MAX_CALLS_PER_INTERVAL {
                return Err(c.error(rate.span(), format!("{key}.per_hour"), format!("gives {per_interval} calls an interval; at most {MAX_CALLS_PER_INTERVAL} are allowed")));
            }
            Ok(PerInterval::Constant(per_interval))
        }
        (None, None, Some(file)) => Ok(PerInterval::Values(c.interval_column(
            (file.get_ref(), file.span()),
            a.column.as_ref().map(|c| (c.get_ref().as_str(), c.span())),
            key,
            grid,
            Series::Calls {
                max: MAX_CALLS_PER_INTERVAL,
            },
        )?)),
        _ => Err(c.error(raw.span(), key, "give exactly one of `per_interval = [...]` (expected calls in each interval), `per_hour = N`, or `file = \"forecast.csv\", column = \"…\"` (calls per interval from a CSV file)")),
    }
}

/// `simulation.start`: a time with its offset (`2026-03-30T08:00:00Z`,
/// `2026-03-30T08:00+02:00`), or, when the scenario has a time zone, a time on its clock
/// (`2026-03-30T08:00`) that the clock shows once.
fn parse_start(text: &str, zone: Option<&jiff::tz::TimeZone>) -> Result<jiff::Timestamp, String> {
    let unreadable = |e: &dyn std::fmt::Display| {
        format!(
            "{} is not a time ccsim can use ({e}): write a UTC time in ISO 8601, like \"2026-03-30T08:00:00Z\", or set simulation.time_zone and write the local time, like \"2026-03-30T08:00\"",
            excerpt(text)
        )
    };
    let pieces = jiff::fmt::temporal::Pieces::parse(text).map_err(|e| unreadable(&e))?;
    match (pieces.offset(), zone) {
        (Some(_), _) | (None, None) => text.parse().map_err(|e: jiff::Error| unreadable(&e)),
        (None, Some(zone)) => {
            let Some(time) = pieces.time() else {
                return Err(unreadable(&"no time of day"));
            };
            let civil = pieces.date().to_datetime(time);
            let ambiguous = zone.to_ambiguous_timestamp(civil);
            let name = zone.iana_name().unwrap_or("the time zone");
            match ambiguous.offset() {
                jiff::tz::AmbiguousOffset::Unambiguous { offset } => {
                    offset.to_timestamp(civil).map_err(|e| unreadable(&e))
                }
                jiff::tz::AmbiguousOffset::Fold { before, after } => Err(format!(
                    "{} is shown twice by the clock of {name} (daylight saving ends): give it with its offset, {} (the first) or {} (the second)",
                    excerpt(text),
                    excerpt(&format!("{text}{}", offset_text(before))),
                    excerpt(&format!("{text}{}", offset_text(after))),
                )),
                jiff::tz::AmbiguousOffset::Gap { .. } => Err(format!(
                    "{} is skipped by the clock of {name} (daylight saving begins): give a time the clock shows",
                    excerpt(text)
                )),
            }
        }
    }
}

/// An offset from UTC as ISO 8601 writes it: `+01:00`, `-03:30`.
fn offset_text(offset: jiff::tz::Offset) -> String {
    let seconds = offset.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let a = seconds.unsigned_abs();
    format!("{sign}{:02}:{:02}", a / 3600, a / 60 % 60)
}
