//! Values per interval from a CSV file, as WFM tools and spreadsheets export forecasts and
//! staffing plans: a header row, then one row per interval whose first column is the
//! interval's start and whose other columns are named series (a queue's volume, a group's
//! agents).
//!
//! The rows are checked against the scenario's intervals: each interval of the simulation
//! has exactly one row, in time order; rows before or after the simulation are allowed (a
//! week's forecast can feed a one-day run) but are still checked for order.

use super::error::ScenarioError;
use super::input::{MAX_TABLE_BYTES, excerpt, read_text};
use crate::engine::Ticks;
use std::path::Path;

/// The intervals a file must cover: `intervals` of `interval` ticks from `start`; times
/// written without an offset are read on the clock of `zone` (the scenario's time zone, or
/// the offset `simulation.start` is written with).
#[derive(Clone, Debug)]
pub struct IntervalGrid {
    pub start: jiff::Timestamp,
    pub interval: Ticks,
    pub intervals: usize,
    pub zone: jiff::tz::TimeZone,
}

impl IntervalGrid {
    /// The message for interval `k` having no row, the next row starting at `next` (within
    /// the simulation, or after it).
    fn missing(&self, k: usize, next: jiff::Timestamp) -> String {
        let after = next.as_microsecond() >= self.start_of(self.intervals).as_microsecond();
        let gap = match (k, after) {
            (0, false) => format!("the first row within the simulation is {next}"),
            (0, true) => {
                format!("the rows jump from before the simulation to {next}, after the simulation")
            }
            (n, false) => format!("the rows jump from {} to {next}", self.start_of(n - 1)),
            (n, true) => format!(
                "the rows jump from {} to {next}, after the simulation",
                self.start_of(n - 1)
            ),
        };
        format!(
            "no row for the interval starting {}: {gap}",
            self.start_of(k)
        )
    }

    fn start_of(&self, k: usize) -> jiff::Timestamp {
        let micros = (k as u64)
            .saturating_mul(self.interval)
            .min(i64::MAX as u64) as i64;
        // Only for messages: a start beyond jiff's range (checked later) reads as its end.
        self.start
            .checked_add(jiff::SignedDuration::from_micros(micros))
            .unwrap_or(jiff::Timestamp::MAX)
    }
}

/// What a column holds, for its checks and messages.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Series {
    /// Expected calls in the interval (a forecast: any number of 0 or more).
    Calls { max: f64 },
    /// Agents staffed in the interval (a whole number of 0 or more).
    Agents { max: u32 },
    /// A duration in seconds (a forecast's AHT): a number of seconds, or a duration as the
    /// scenario writes them (`5m12s`, `0:05:12`).
    Duration,
    /// A probability: a number from 0 to 1, or a percentage (`80%`).
    Share,
}

/// Reads column `column` of the CSV file at `path`: one value per interval of `grid`.
/// `key` is the scenario key that names the file, for messages.
pub fn read_column(
    path: &Path,
    column: &str,
    key: &str,
    grid: &IntervalGrid,
    series: Series,
) -> Result<Vec<f64>, ScenarioError> {
    let text = read_csv_text(path, MAX_TABLE_BYTES)?;
    let text = text.as_str();
    let cell = |line: u64, field: usize, message: String| ScenarioError {
        file: path.to_path_buf(),
        line: line as usize,
        column: field + 1,
        key: key.to_string(),
        message,
    };
    let delimiter = delimiter(text).ok_or_else(|| {
        ScenarioError::line(
            path,
            1,
            key,
            "the first line has a single field: write a header row, the interval's start first, then one column per series, separated by commas (or semicolons)",
        )
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| csv_error(path, key, delimiter, &e, text))?
        .clone();
    let wanted = normalise(column);
    let mut matching = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| normalise(h) == wanted)
        .map(|(i, _)| i);
    let first = matching.next();
    if let Some(second) = matching.next() {
        return Err(ScenarioError::line(
            path,
            1,
            key,
            format!(
                "columns {} and {} are both named {} (names are matched ignoring case): rename one",
                first.unwrap_or(0) + 1,
                second + 1,
                excerpt(column)
            ),
        ));
    }
    let index = first
        .ok_or_else(|| {
            let found: Vec<String> = headers.iter().skip(1).map(excerpt).collect();
            ScenarioError::line(
                path,
                1,
                key,
                format!(
                    "no column is named {} (names are matched ignoring case); the columns after the interval start are: {}",
                    excerpt(column),
                    if found.is_empty() { "none".into() } else { found.join(", ") }
                ),
            )
        })?;
    if index == 0 {
        return Err(ScenarioError::line(
            path,
            1,
            key,
            format!(
                "{} is the first column, which holds the intervals' starts: name a column of values",
                excerpt(column)
            ),
        ));
    }
    let name = excerpt(&headers[index]);
    let mut values = Vec::with_capacity(grid.intervals);
    // The last row read: its start and line.
    let mut previous: Option<(jiff::Timestamp, u64)> = None;
    let span = (grid.intervals as u64)
        .saturating_mul(grid.interval)
        .min(i64::MAX as u64) as i64;
    let mut lines = LineCounter::new(text);
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(path, key, delimiter, &e, text))?
    {
        let line = record.position().map_or(0, |p| lines.at(p.byte())) as u64;
        // Spreadsheets write rows of empty cells below the data.
        if record.iter().all(str::is_empty) {
            continue;
        }
        let start = parse_start(
            &record[0],
            &grid.zone,
            (previous.map(|(t, _)| t), grid.start),
        )
        .map_err(|m| cell(line, 0, m))?;
        if let Some((before, before_line)) = previous {
            if start == before {
                return Err(cell(
                    line,
                    0,
                    format!(
                        "a second row for the interval starting {start}; the first is on line {before_line}"
                    ),
                ));
            }
            if start < before {
                return Err(cell(
                    line,
                    0,
                    format!(
                        "{start} comes after {before} (line {before_line}): rows must be in time order"
                    ),
                ));
            }
        }
        previous = Some((start, line));
        let offset = start.as_microsecond() - grid.start.as_microsecond();
        if offset < 0 {
            continue; // Before the simulation.
        }
        if offset >= span {
            if values.len() < grid.intervals {
                return Err(cell(line, 0, grid.missing(values.len(), start)));
            }
            continue; // After the simulation.
        }
        let offset = offset as u64;
        if !offset.is_multiple_of(grid.interval) {
            return Err(cell(
                line,
                0,
                format!(
                    "{start} is not the start of an interval: the simulation's intervals start every {} from {}",
                    super::Duration::from_ticks(grid.interval),
                    grid.start
                ),
            ));
        }
        let k = (offset / grid.interval) as usize;
        if k != values.len() {
            return Err(cell(line, 0, grid.missing(values.len(), start)));
        }
        let field = record.get(index).unwrap_or("");
        let value = parse_value(field, series, delimiter)
            .map_err(|m| cell(line, index, format!("column {name}: {m}")))?;
        values.push(value);
    }
    if values.len() < grid.intervals {
        // Located just past the last line read: where the rows would be.
        let end = lines.at(reader.position().byte());
        return Err(ScenarioError::line(
            path,
            end,
            key,
            format!(
                "the file ends without a row for the interval starting {}{}; the simulation has {} intervals of {} from {}",
                grid.start_of(values.len()),
                match values.len() {
                    0 => String::new(),
                    n => format!(" (the rows stop after {})", grid.start_of(n - 1)),
                },
                grid.intervals,
                super::Duration::from_ticks(grid.interval),
                grid.start
            ),
        ));
    }
    Ok(values)
}

/// The line (from 1) of byte offsets in a text, read forwards. The csv crate's own line
/// numbers count a CRLF line end once too few, and skip blank lines.
pub(super) struct LineCounter<'t> {
    text: &'t str,
    byte: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        LineCounter {
            text,
            byte: 0,
            line: 1,
        }
    }

    /// The line of the record starting at byte `at` (offsets asked for in increasing order
    /// cost the text once). The csv crate starts a record after a CRLF at its LF.
    pub(super) fn at(&mut self, at: u64) -> usize {
        let bytes = self.text.as_bytes();
        let mut at = (at as usize).min(bytes.len());
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        if at < self.byte {
            (self.byte, self.line) = (0, 1);
        }
        let newlines = bytes[self.byte..at].iter().filter(|&&b| b == b'\n').count();
        (self.byte, self.line) = (at, self.line + newlines);
        self.line
    }
}

/// The text of the CSV file at `path` (at most `limit` bytes), without the byte-order mark
/// Excel writes at the start of "CSV UTF-8" files.
pub(super) fn read_csv_text(path: &Path, limit: u64) -> Result<String, ScenarioError> {
    let mut text = read_text(path, limit).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::InvalidData {
            "it is not UTF-8 text: save it as \"CSV UTF-8\"".to_string()
        } else {
            e.to_string()
        };
        ScenarioError::file(path, format!("cannot read the file: {why}"))
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// The longest duration a table holds (about 31 years), as for empirical files.
const MAX_SECONDS: f64 = 1e9;

/// The field separator, from the header line: the most common of comma, semicolon (what
/// spreadsheets write where the decimal mark is a comma) and tab.
pub(super) fn delimiter(text: &str) -> Option<u8> {
    let header = text.lines().find(|l| !l.trim().is_empty())?;
    [b',', b';', b'\t']
        .into_iter()
        .map(|d| (header.bytes().filter(|&b| b == d).count(), d))
        .filter(|&(n, _)| n > 0)
        // Ties go to the comma.
        .max_by_key(|&(n, d)| (n, d == b','))
        .map(|(_, d)| d)
}

/// A column name as matched: without case and surrounding spaces.
pub(super) fn normalise(name: &str) -> String {
    name.trim().to_lowercase()
}

pub(super) fn csv_error(
    path: &Path,
    key: &str,
    delimiter: u8,
    e: &csv::Error,
    text: &str,
) -> ScenarioError {
    let line = e
        .position()
        .map_or(0, |p| LineCounter::new(text).at(p.byte()));
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            let hint = if delimiter == b',' && len > expected_len {
                ": if the file writes numbers with a decimal comma (12,5), export it with decimal points (12.5), or with semicolons between fields"
            } else {
                ": every row needs a value in every column"
            };
            let fields = |n: u64| {
                if n == 1 {
                    "1 field".to_string()
                } else {
                    format!("{n} fields")
                }
            };
            format!(
                "this row has {} where the header has {}{hint}",
                fields(*len),
                fields(*expected_len)
            )
        }
        csv::ErrorKind::Utf8 { .. } => {
            "is not UTF-8 text: save the file as \"CSV UTF-8\"".to_string()
        }
        _ => format!("cannot read the CSV: {e}"),
    };
    ScenarioError::line(path, line, key, message)
}

/// An interval's start: an ISO 8601 date and time with an offset (`2026-01-05T08:00:00Z`,
/// `2026-01-05 09:00+01:00`) or without (`2026-01-05 08:00`, on the clock of `zone`), seconds
/// optional. A time the clock shows twice (the hour repeated as daylight saving ends) is the
/// first of the two after the row before (`previous`), so that a fall-back day's rows, which
/// repeat the hour, read in order; a first row is the first of the two, unless only the
/// second is within the simulation (from `start`). A date alone, or a time-zone name, is refused: the first
/// is ambiguous, the second not read yet.
fn parse_start(
    field: &str,
    zone: &jiff::tz::TimeZone,
    (previous, start): (Option<jiff::Timestamp>, jiff::Timestamp),
) -> Result<jiff::Timestamp, String> {
    let unreadable = || {
        format!(
            "{} is not an interval start: write a date and time as 2026-01-05 08:00 (year-month-day, 24-hour clock; on the clock of {}, unless an offset such as +01:00 follows)",
            excerpt(field),
            zone_name(zone)
        )
    };
    let pieces = jiff::fmt::temporal::Pieces::parse(field).map_err(|_| unreadable())?;
    let Some(time) = pieces.time() else {
        return Err(unreadable());
    };
    if pieces.time_zone_annotation().is_some() {
        return Err(format!(
            "{}: time-zone names are not read; give the time with its offset (+01:00)",
            excerpt(field)
        ));
    }
    if pieces.offset().is_some() {
        return field.parse::<jiff::Timestamp>().map_err(|_| unreadable());
    }
    let civil = pieces.date().to_datetime(time);
    use jiff::tz::AmbiguousOffset;
    match zone.to_ambiguous_timestamp(civil).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(civil),
        AmbiguousOffset::Gap { before, after } => {
            return Err(format!(
                "{} is a time the clock of {} skips (daylight saving begins: {before} becomes {after}), so no interval starts then",
                excerpt(field),
                zone_name(zone)
            ));
        }
        AmbiguousOffset::Fold { before, after } => {
            let (first, second) = (before.to_timestamp(civil), after.to_timestamp(civil));
            match (&first, &second, previous) {
                (Ok(t), _, Some(p)) if *t <= p => second,
                (Ok(t), Ok(u), None) if *t < start && *u >= start => second,
                _ => first,
            }
        }
    }
    .map_err(|_| unreadable())
}

/// A time zone as messages name it: its IANA name, or its offset.
fn zone_name(zone: &jiff::tz::TimeZone) -> String {
    match (zone.iana_name(), zone.to_fixed_offset()) {
        (Some(name), _) => name.to_string(),
        (None, Ok(offset)) => format!("UTC{offset}"),
        (None, Err(_)) => "the scenario's time zone".to_string(),
    }
}

fn parse_value(field: &str, series: Series, delimiter: u8) -> Result<f64, String> {
    let what = match series {
        Series::Calls { .. } => "the expected number of calls (0 when none)",
        Series::Agents { .. } => "the number of agents (0 when none)",
        Series::Duration => "a duration: seconds (312), or with units (5m12s, 0:05:12)",
        Series::Share => "a probability: from 0 to 1 (0.8), or a percentage (80%)",
    };
    if field.is_empty() {
        return Err(format!("empty: give {what}"));
    }
    if series == Series::Duration
        && field.parse::<f64>().is_err()
        && let Ok(d) = super::Duration::parse(field)
    {
        return parse_value(&d.secs().to_string(), series, delimiter);
    }
    if series == Series::Share
        && let Some(percent) = field.strip_suffix('%')
        && let Ok(p) = percent.trim_end().parse::<f64>()
    {
        return parse_value(&(p / 100.0).to_string(), series, delimiter);
    }
    let Ok(x) = field.parse::<f64>() else {
        let decimal_comma = delimiter != b','
            && field.split_once(',').is_some_and(|(a, b)| {
                !a.is_empty()
                    && !b.is_empty()
                    && a.trim_start_matches('-')
                        .bytes()
                        .all(|c| c.is_ascii_digit())
                    && b.bytes().all(|c| c.is_ascii_digit())
            });
        if decimal_comma {
            return Err(format!(
                "{} has a decimal comma: ccsim reads decimal points ({}); export the file with decimal points, or replace the commas",
                excerpt(field),
                field.replacen(',', ".", 1)
            ));
        }
        return Err(format!("{} is not a number: give {what}", excerpt(field)));
    };
    match series {
        Series::Calls { max } => {
            if !(x.is_finite() && x >= 0.0) {
                return Err(format!(
                    "{x} is not an expected number of calls: it is 0 or more"
                ));
            }
            if x > max {
                return Err(format!(
                    "{x} calls is more than the {max} allowed in an interval"
                ));
            }
        }
        Series::Share => {
            if !(0.0..=1.0).contains(&x) {
                return Err(format!(
                    "{x} is not a probability: give a number from 0 to 1, or a percentage (80%)"
                ));
            }
        }
        Series::Duration => {
            if !(x.is_finite() && x > 0.0 && x <= MAX_SECONDS) {
                // WFM exports write an AHT of 0 where no calls are forecast; a law still
                // needs a mean there.
                return Err(format!(
                    "{x} is not a mean duration: give seconds more than 0 and at most {MAX_SECONDS} (where no calls are forecast, repeat a neighbouring interval's)"
                ));
            }
        }
        Series::Agents { max } => {
            if !(x.is_finite() && x >= 0.0 && x.fract() == 0.0) {
                return Err(format!(
                    "{x} is not a number of agents: it is a whole number, 0 or more"
                ));
            }
            if x > f64::from(max) {
                return Err(format!("{x} agents is more than the {max} allowed"));
            }
        }
    }
    Ok(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::TICKS_PER_SECOND;

    fn grid() -> IntervalGrid {
        IntervalGrid {
            start: "2026-01-05T08:00:00Z".parse().unwrap(),
            interval: 900 * TICKS_PER_SECOND,
            intervals: 3,
            zone: jiff::tz::TimeZone::UTC,
        }
    }

    #[test]
    fn delimiters_are_read_off_the_header() {
        assert_eq!(delimiter("start,a,b\n"), Some(b','));
        assert_eq!(delimiter("start;a;b\n1;2,5;3\n"), Some(b';'));
        assert_eq!(delimiter("start\ta\n"), Some(b'\t'));
        assert_eq!(delimiter("start\n"), None);
        assert_eq!(
            delimiter("start,\"aht; s\"\n"),
            Some(b','),
            "ties go to the comma"
        );
    }

    fn epoch() -> jiff::Timestamp {
        jiff::Timestamp::UNIX_EPOCH
    }

    #[test]
    fn starts_in_iso_forms() {
        let t: jiff::Timestamp = "2026-01-05T08:00:00Z".parse().unwrap();
        let utc = &jiff::tz::TimeZone::UTC;
        for field in [
            "2026-01-05T08:00:00Z",
            "2026-01-05 08:00",
            "2026-01-05T08:00",
            "2026-01-05 08:00:00",
            "2026-01-05T09:00:00+01:00",
        ] {
            assert_eq!(parse_start(field, utc, (None, t)), Ok(t), "{field}");
        }
        // Without an offset, on the zone's clock.
        let plus2 = &jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(2));
        assert_eq!(
            parse_start("2026-01-05 10:00", plus2, (None, epoch())),
            Ok(t)
        );
        assert_eq!(
            parse_start("2026-01-05T08:00:00Z", plus2, (None, epoch())),
            Ok(t)
        );
        assert!(
            parse_start("05/01/2026 08:00", utc, (None, epoch()))
                .unwrap_err()
                .contains("year-month-day")
        );
        assert!(
            parse_start("2026-01-05", utc, (None, epoch())).is_err(),
            "a date alone"
        );
        assert!(
            parse_start("2026-01-05T09:00+01:00[Europe/Paris]", utc, (None, epoch()))
                .unwrap_err()
                .contains("time-zone names")
        );
        assert_eq!(grid().start_of(2).to_string(), "2026-01-05T08:30:00Z");
    }

    #[test]
    fn a_fall_back_day_s_repeated_hour_reads_in_order_and_a_skipped_hour_is_refused() {
        let zone = &jiff::tz::db().get("Europe/Copenhagen").unwrap();
        let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
        // 2026-10-25: 03:00 summer time (+02:00) becomes 02:00 winter time (+01:00).
        let first = parse_start(
            "2026-10-25 02:15",
            zone,
            (Some(at("2026-10-25T00:00:00Z")), epoch()),
        );
        assert_eq!(first, Ok(at("2026-10-25T00:15:00Z")));
        let second = parse_start(
            "2026-10-25 02:15",
            zone,
            (Some(at("2026-10-25T00:45:00Z")), epoch()),
        );
        assert_eq!(second, Ok(at("2026-10-25T01:15:00Z")));
        assert_eq!(
            parse_start("2026-10-25 02:15", zone, (None, epoch())),
            first
        );
        // A file's first row, when the simulation starts within the second 02:00 hour.
        let later = at("2026-10-25T01:00:00Z");
        assert_eq!(parse_start("2026-10-25 02:15", zone, (None, later)), second);
        // 2026-03-29: 02:00 winter time becomes 03:00 summer time.
        let skipped = parse_start("2026-03-29 02:30", zone, (None, epoch())).unwrap_err();
        assert!(skipped.contains("Europe/Copenhagen skips"), "{skipped}");
        assert_eq!(
            parse_start("2026-03-29 03:00", zone, (None, epoch())),
            Ok(at("2026-03-29T01:00:00Z"))
        );
    }
}
