//! A campaign's contact list from a CSV file: one record a row, with the number to dial and,
//! optionally, the clock times between which the record may be called, the offset from UTC
//! of its clock, and its priority.
//!
//! The file is read as the interval tables are: a header row (names matched ignoring case),
//! commas, semicolons or tabs between fields, an Excel byte-order mark and CRLF line ends
//! accepted, rows of empty cells skipped; every error names the file, line and column.

use super::agent_group::clock_time;
use super::error::ScenarioError;
use super::input::excerpt;
use super::interval_csv::{LineCounter, csv_error, delimiter, normalise, read_csv_text};
use crate::engine::{TICKS_PER_SECOND, Ticks};
use std::path::Path;

/// The largest list file read (about 10 million records of 50 bytes).
const MAX_LIST_BYTES: u64 = 512 << 20;

/// The largest offset from UTC a record's clock may have: the world's span (−12:00 to
/// +14:00) with room to spare.
const MAX_OFFSET_SECONDS: i32 = 18 * 3600;

/// Priorities are whole numbers within this.
const MAX_PRIORITY: i64 = 1_000_000;

const DAY: Ticks = 86_400 * TICKS_PER_SECOND;

/// One record's calling rules (its number is checked, not kept: the model needs none).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ListRecord {
    /// The clock times (ticks after midnight, on the record's clock) from which and until
    /// which it may be called; `to` up to a whole day (`24:00`), before `from` past midnight.
    pub window: Option<(Ticks, Ticks)>,
    /// The record's clock: an offset from UTC in seconds, or the scenario's clock.
    pub utc_offset: Option<i32>,
    /// Higher first.
    pub priority: i32,
}

/// The columns a list may have.
const COLUMNS: [&str; 5] = ["number", "earliest", "latest", "utc_offset", "priority"];

/// Reads the list at `path`, named by the scenario at `key`.
pub fn read_list(path: &Path, key: &str) -> Result<Vec<ListRecord>, ScenarioError> {
    let text = read_csv_text(path, MAX_LIST_BYTES)?;
    let text = text.as_str();
    if text.trim().is_empty() {
        return Err(ScenarioError::file(
            path,
            "the file is empty: a list is a header row naming its columns (number; optional \
             earliest, latest, utc_offset, priority), then one record a row",
        ));
    }
    // A list of numbers alone has one column: no separator to find.
    let delimiter = delimiter(text).unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| csv_error(path, key, delimiter, &e, text))?
        .clone();
    let mut columns = [None; COLUMNS.len()];
    for (i, h) in headers.iter().enumerate() {
        let cell = |message: String| ScenarioError {
            column: i + 1,
            ..ScenarioError::line(path, 1, key, message)
        };
        let Some(c) = COLUMNS.iter().position(|&c| c == normalise(h)) else {
            return Err(cell(format!(
                "unknown column {}; a list's columns are: {}",
                excerpt(h),
                COLUMNS.join(", ")
            )));
        };
        if columns[c].replace(i).is_some() {
            return Err(cell(format!(
                "a second column named {} (names are matched ignoring case)",
                COLUMNS[c]
            )));
        }
    }
    if columns[0].is_none() {
        return Err(ScenarioError::line(
            path,
            1,
            key,
            "no column is named number: the header row names the columns, e.g. number,earliest,latest,utc_offset,priority (all but number optional)",
        ));
    }
    let mut records = Vec::new();
    let mut lines = LineCounter::new(text);
    let mut row = csv::StringRecord::new();
    while reader
        .read_record(&mut row)
        .map_err(|e| csv_error(path, key, delimiter, &e, text))?
    {
        if row.iter().all(str::is_empty) {
            continue;
        }
        let line = row.position().map_or(0, |p| lines.at(p.byte()));
        let field = |c: usize| columns[c].map_or("", |i| &row[i]);
        let cell = |c: usize, message: String| ScenarioError {
            column: columns[c].map_or(0, |i| i + 1),
            ..ScenarioError::line(path, line, format!("{key}.{}", COLUMNS[c]), message)
        };
        let n = field(0);
        let digits = n.bytes().filter(u8::is_ascii_digit).count();
        let allowed = |b: u8| b.is_ascii_digit() || b" +-().".contains(&b);
        if !(1..=20).contains(&digits) || !n.bytes().all(allowed) {
            return Err(cell(
                0,
                format!(
                    "{} is not a phone number: digits (1 to 20), with an optional +, spaces, dashes, dots and parentheses",
                    excerpt(n)
                ),
            ));
        }
        let time = |c: usize, latest: bool| -> Result<Option<Ticks>, ScenarioError> {
            match field(c) {
                "" => Ok(None),
                "24:00" | "24:00:00" if latest => Ok(Some(DAY)),
                t => clock_time(t).map(Some).ok_or_else(|| {
                    cell(
                        c,
                        format!(
                            "{} is not a time of day: write it like 09:00 or 17:30:00{}",
                            excerpt(t),
                            if latest { " (24:00 for midnight)" } else { "" }
                        ),
                    )
                }),
            }
        };
        let window = match (time(1, false)?, time(2, true)?) {
            (None, None) => None,
            (from, to) => {
                let (from, to) = (from.unwrap_or(0), to.unwrap_or(DAY));
                if from == to || (from == 0 && to == DAY) {
                    if from == to {
                        return Err(cell(
                            2,
                            "is the same time as earliest: the record could never be called"
                                .to_string(),
                        ));
                    }
                    None
                } else {
                    Some((from, to % DAY))
                }
            }
        };
        let utc_offset = match field(3) {
            "" => None,
            o => Some(offset(o).ok_or_else(|| {
                cell(
                    3,
                    format!(
                        "{} is not an offset from UTC: write it like +01:00, -05:00 or +05:30 (at most 18 hours)",
                        excerpt(o)
                    ),
                )
            })?),
        };
        let priority = match field(4) {
            "" => 0,
            p => p
                .parse::<i64>()
                .ok()
                .filter(|p| p.abs() <= MAX_PRIORITY)
                .ok_or_else(|| {
                    cell(
                        4,
                        format!(
                            "{} is not a priority: a whole number from -{MAX_PRIORITY} to {MAX_PRIORITY} (higher is called first)",
                            excerpt(p)
                        ),
                    )
                })? as i32,
        };
        records.push(ListRecord {
            window,
            utc_offset,
            priority,
        });
    }
    if records.is_empty() {
        // Located just past the last line: where the records would be.
        return Err(ScenarioError::line(
            path,
            lines.at(text.len() as u64),
            key,
            "the list has no records: one a row below the header",
        ));
    }
    Ok(records)
}

/// An offset from UTC written `+01:00`, `-0500` or `+05`, in seconds.
fn offset(text: &str) -> Option<i32> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|&c| c != ':').collect();
    if rest.contains(':') && rest.len() != 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse::<i32>().ok()?),
        _ => return None,
    };
    let seconds = h * 3600 + m * 60;
    (m < 60 && seconds <= MAX_OFFSET_SECONDS).then_some(sign * seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_in_their_usual_forms() {
        assert_eq!(offset("+01:00"), Some(3600));
        assert_eq!(offset("-05:00"), Some(-5 * 3600));
        assert_eq!(offset("+0530"), Some(5 * 3600 + 1800));
        assert_eq!(offset("-03"), Some(-3 * 3600));
        assert_eq!(offset("+00:00"), Some(0));
        for bad in [
            "01:00",
            "+1:00",
            "+19:00",
            "+01:60",
            "+01:0",
            "UTC",
            "",
            "+",
            "+01:00:00",
        ] {
            assert_eq!(offset(bad), None, "{bad}");
        }
    }
}
