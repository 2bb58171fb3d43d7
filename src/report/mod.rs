//! Reports: one [`Exporter`] per output file. A run's set of files is written into a fresh
//! folder and swapped in whole ([`OutputFolder`]); a command's single file is written to a
//! temporary name and renamed into place ([`write_atomically`]). Either way an interrupted
//! run never leaves a half-written report, or a mixed set, that looks whole.

mod agents;
mod calls;
mod campaigns;
mod events;
mod html;
mod intervals;
mod output_folder;
mod replications;
mod run_json;
mod summary;
mod xlsx;

pub use agents::AgentsCsv;
pub use calls::CallsCsv;
pub use campaigns::CampaignsCsv;
pub use events::EventsCsv;
pub use html::{ReportHtml, SweepFigure, SweepPoint, compare_page, staff_page, sweep_page};
pub use intervals::IntervalsCsv;
pub use output_folder::{OutputError, OutputFolder};
pub use replications::ReplicationsCsv;
pub use run_json::RunJson;
pub use summary::{SummaryCsv, summary_estimates};
pub use xlsx::ReportXlsx;
pub use xlsx::{
    FIRST_TIME as XLSX_FIRST_TIME, MAX_ROWS as XLSX_MAX_ROWS, rows_needed as xlsx_rows_needed,
};

use crate::engine::{TICKS_PER_SECOND, Ticks};
use crate::experiment::{RowReader, RunOptions, RunResults};
use crate::scenario::Calendar;
use crate::stats::{Column, Estimate, RatioEstimator, Unit, finish_estimate};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes one report file from a run's results.
pub trait Exporter {
    fn file_name(&self) -> &'static str;
    fn write(&self, results: &RunResults, out: &mut dyn Write) -> std::io::Result<()>;
}

/// The exporters of a run: `campaigns.csv` only for a scenario with campaigns; `calls.csv`,
/// `events.csv` and `report.xlsx` only when asked for.
pub fn exporters(options: &RunOptions, campaigns: bool) -> Vec<Box<dyn Exporter>> {
    let mut all: Vec<Box<dyn Exporter>> = vec![
        Box::new(SummaryCsv),
        Box::new(IntervalsCsv),
        Box::new(AgentsCsv),
    ];
    if campaigns {
        all.push(Box::new(CampaignsCsv));
    }
    all.push(Box::new(ReplicationsCsv));
    if options.calls {
        all.push(Box::new(CallsCsv));
    }
    if options.trace {
        all.push(Box::new(EventsCsv));
    }
    all.push(Box::new(ReportHtml));
    if options.xlsx {
        all.push(Box::new(ReportXlsx));
    }
    all.push(Box::new(RunJson));
    all
}

/// Whether `name` is one ccsim may find in a run's output folder (and replace): a report any
/// run writes, or what an older version left there (its `.tmp` files and scratch folders).
pub fn is_run_output(name: &str) -> bool {
    let everything = RunOptions {
        first_replication: 0,
        replications: 1,
        seed: 0,
        threads: 0,
        calls: true,
        trace: true,
        xlsx: true,
    };
    let report = |n: &str| {
        exporters(&everything, true)
            .iter()
            .any(|e| e.file_name() == n)
    };
    report(name)
        || name.strip_suffix(".tmp").is_some_and(report)
        || name.starts_with(".ccsim-scratch-")
}

/// Writes every report into `dir`, a fresh folder (see [`OutputFolder`]); returns the paths
/// written. Each file is synced to disk on a thread of its own as soon as it is written, so
/// that the device works while the next reports are computed, and the syncs overlap rather
/// than wait one after another.
pub fn write_all(
    results: &RunResults,
    dir: &Path,
    exporters: &[Box<dyn Exporter>],
) -> std::io::Result<Vec<PathBuf>> {
    let paths: Vec<PathBuf> = exporters.iter().map(|e| dir.join(e.file_name())).collect();
    std::thread::scope(|scope| {
        let mut syncs = Vec::new();
        let written = exporters.iter().zip(&paths).try_for_each(|(e, path)| {
            let mut out = BufWriter::with_capacity(256 << 10, create_new(path)?);
            e.write(results, &mut out)?;
            let file = out.into_inner().map_err(|e| e.into_error())?;
            syncs.push(scope.spawn(move || file.sync_data()));
            Ok(())
        });
        // Every sync is waited for, even after a failure: none outlives the scope's files.
        let synced = syncs
            .into_iter()
            .try_fold((), |(), s| s.join().expect("a sync thread does not panic"));
        written.and(synced)
    })?;
    Ok(paths)
}

/// Writes a new file at `path` (in a fresh folder, see [`OutputFolder`]) and syncs it.
pub fn write_new(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut out = BufWriter::new(create_new(path)?);
    write(&mut out)?;
    out.into_inner().map_err(|e| e.into_error())?.sync_data()
}

/// Creates a file that must not exist yet (nor be a link planted in its place).
fn create_new(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// Writes `path` through a temporary file of a fresh name in the same folder (created
/// exclusively: never a file or link planted there), renamed into place on success.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".ccsim-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    {
        let mut out = BufWriter::new(tmp.as_file_mut());
        write(&mut out)?;
        out.flush()?;
    }
    // A temporary file is private (0600); the report is as readable as any file made here.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The rows of an interval table (`intervals.csv`, `agents.csv`) estimated over
/// replications: for each interval and row name (queue or group), each shown column's
/// estimate and 95 % CI (see [`finish_estimate`]); unshown columns are NaN.
///
/// The replications' spilled rows are merged in lockstep — row i of every replication is the
/// same interval and queue (or group) — so memory does not grow with the number of intervals.
pub struct IntervalEstimates<'a, const N: usize> {
    readers: &'a mut [RowReader<N>],
    metrics: [Option<crate::stats::Metric>; N],
    shown: Vec<usize>,
    values: [crate::stats::Ratio; N],
    /// Each column's estimator and estimate, reused row after row: only the shown columns'
    /// are touched (wide tables show few of their columns).
    acc: [RatioEstimator; N],
    out: [Estimate; N],
}

impl<'a, const N: usize> IntervalEstimates<'a, N> {
    pub fn new(
        readers: &'a mut [RowReader<N>],
        (columns, shown): (&[Column; N], [bool; N]),
    ) -> Self {
        IntervalEstimates {
            readers,
            metrics: columns.map(Column::metric),
            shown: (0..N).filter(|&c| shown[c]).collect(),
            values: [crate::stats::Ratio::value(f64::NAN); N],
            acc: [RatioEstimator::default(); N],
            out: [Estimate::undefined(); N],
        }
    }

    /// The next row: (interval, row index, estimates), or None after the last.
    pub fn next_row(&mut self) -> std::io::Result<Option<(usize, usize, &[Estimate; N])>> {
        for &c in &self.shown {
            self.acc[c] = RatioEstimator::default();
        }
        let mut row_key = None;
        for reader in self.readers.iter_mut() {
            let Some((interval, index)) = reader.read_into(&mut self.values)? else {
                break;
            };
            match row_key {
                None => row_key = Some((interval, index)),
                Some(k) if k != (interval, index) => {
                    return Err(std::io::Error::other(format!(
                        "replications disagree on interval rows: {k:?} vs {:?}",
                        (interval, index)
                    )));
                }
                Some(_) => {}
            }
            for &c in &self.shown {
                self.acc[c].push(self.values[c]);
            }
        }
        let Some((interval, index)) = row_key else {
            return Ok(None);
        };
        for &c in &self.shown {
            self.out[c] = finish_estimate(self.metrics[c], &self.acc[c]);
        }
        Ok(Some((interval, index, &self.out)))
    }
}

/// Writes an interval table: the interval's start and the row's name (`key` names the
/// column, `names` the rows), then for each column shown its estimate and 95 % CI.
fn write_interval_table<const N: usize>(
    results: &RunResults,
    out: &mut dyn Write,
    (key, names): (&str, &[&str]),
    (columns, shown): (&[Column; N], [bool; N]),
    readers: &mut [RowReader<N>],
) -> std::io::Result<()> {
    let mut line = Line::default();
    line.text("interval_start");
    // The interval's start on the scenario's clock too (in a form spreadsheets read as a
    // date-time), and the offset that tells a fall-back day's repeated hour apart.
    line.text("interval_start_local");
    line.text("utc_offset");
    line.text(key);
    let shown_columns: Vec<usize> = (0..N).filter(|&c| shown[c]).collect();
    for &c in &shown_columns {
        let name = columns[c].name();
        line.text(name);
        line.text(&format!("{name}_ci95_low"));
        line.text(&format!("{name}_ci95_high"));
    }
    line.write_to(out)?;
    let s = &results.scenario;
    let mut starts = IntervalStarts::new(s.start, s.interval, s.calendar());
    let mut rows = IntervalEstimates::new(readers, (columns, shown));
    while let Some((interval, index, estimates)) = rows.next_row()? {
        line.text(starts.get(interval));
        let (local, offset) = starts.local(interval);
        line.text(local);
        line.text(offset);
        line.text(names[index]);
        for &c in &shown_columns {
            let e = estimates[c];
            line.number(e.mean);
            line.number(e.ci_low);
            line.number(e.ci_high);
        }
        line.write_to(out)?;
    }
    Ok(())
}

/// One CSV line of fields that never need quoting (numbers, ISO times, checked names),
/// built in a reused buffer: the interval reports write millions of fields, and the csv
/// crate's per-field work would dominate their cost.
#[derive(Default)]
struct Line(String);

impl Line {
    fn text(&mut self, field: &str) {
        if !self.0.is_empty() {
            self.0.push(',');
        }
        self.0.push_str(field);
    }

    fn number(&mut self, v: f64) {
        if !self.0.is_empty() {
            self.0.push(',');
        }
        // Undefined values (a CI of one replication) are empty, and common: no call for them.
        if v.is_finite() {
            push_number(&mut self.0, v);
        }
    }

    /// Writes the line and empties the buffer.
    fn write_to(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        self.0.push('\n');
        out.write_all(self.0.as_bytes())?;
        self.0.clear();
        Ok(())
    }
}

/// Writes `header`, then the replications' scratch files (rows without header) in order.
fn concatenate(header: &[&str], files: &[PathBuf], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{}", header.join(","))?;
    for path in files {
        std::io::copy(&mut std::fs::File::open(path)?, out)?;
    }
    Ok(())
}

/// ISO 8601 UTC time of tick `t` after `start`, to the millisecond (`calls.csv`).
pub fn timestamp(start: jiff::Timestamp, t: Ticks) -> String {
    let at = start + jiff::SignedDuration::from_micros(t as i64);
    at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// How `calls.csv` and `events.csv` write the time of a contact's event: ISO 8601 UTC
/// ([`timestamp`]) for programs, and on the scenario's clock to the millisecond with its offset
/// ([`Calendar::local_to_the_millisecond`]) for spreadsheets, which read the one and not the
/// other as a date-time.
#[derive(Clone, Debug)]
pub struct RecordClock {
    calendar: Calendar,
}

impl RecordClock {
    pub fn new(calendar: Calendar) -> RecordClock {
        RecordClock { calendar }
    }

    fn at(&self, t: Ticks) -> jiff::Timestamp {
        self.calendar.start() + jiff::SignedDuration::from_micros(t as i64)
    }

    /// `2026-03-30T08:01:06.102Z`
    pub fn utc(&self, t: Ticks) -> String {
        timestamp(self.calendar.start(), t)
    }

    /// `2026-03-30 10:01:06.102` and `+02:00`
    pub fn local(&self, t: Ticks) -> (String, String) {
        self.calendar.local_to_the_millisecond(self.at(t))
    }
}

/// ISO 8601 UTC time of tick `t` after `start`, with no more decimals than it needs
/// (interval starts: `2026-03-30T08:30:00Z`).
pub fn timestamp_secs(start: jiff::Timestamp, t: Ticks) -> String {
    (start + jiff::SignedDuration::from_micros(t as i64)).to_string()
}

/// The start times of the intervals: in UTC as [`timestamp_secs`] writes them, and on the
/// scenario's clock with its offset as [`Calendar::local`] does. Made cheaply when the start
/// and the interval are whole seconds (as they nearly always are): a date is formatted once
/// a day, the time of day by arithmetic, the offset once each time it changes.
pub struct IntervalStarts {
    start: jiff::Timestamp,
    interval: Ticks,
    calendar: Calendar,
    utc: DayText,
    local: DayText,
    /// The offset last met (seconds east of UTC) and its text.
    offset: Option<(i32, String)>,
}

impl IntervalStarts {
    pub fn new(start: jiff::Timestamp, interval: Ticks, calendar: Calendar) -> IntervalStarts {
        IntervalStarts {
            start,
            interval,
            calendar,
            utc: DayText::default(),
            local: DayText::default(),
            offset: None,
        }
    }

    /// Seconds from the epoch of interval `k`'s start, when they are whole and the fast path
    /// applies (years from 1970 to jiff's last day, written with four digits).
    fn whole_seconds(&self, k: usize, shift: i64) -> Option<i64> {
        let t = k as u64 * self.interval;
        let whole = self.start.subsec_nanosecond() == 0 && t.is_multiple_of(TICKS_PER_SECOND);
        let secs = self.start.as_second() + (t / TICKS_PER_SECOND) as i64 + shift;
        (whole && (0..=jiff::Timestamp::MAX.as_second()).contains(&secs)).then_some(secs)
    }

    fn at(&self, k: usize) -> jiff::Timestamp {
        self.start + jiff::SignedDuration::from_micros((k as u64 * self.interval) as i64)
    }

    /// The start of interval `k` in UTC (`2026-03-30T08:30:00Z`).
    pub fn get(&mut self, k: usize) -> &str {
        match self.whole_seconds(k, 0) {
            Some(secs) => self.utc.write(secs, 'T', true, "Z"),
            None => self
                .utc
                .set(timestamp_secs(self.start, k as u64 * self.interval)),
        }
    }

    /// The start of interval `k` on the scenario's clock (`2026-03-30 10:30`) and its offset
    /// from UTC (`+02:00`).
    pub fn local(&mut self, k: usize) -> (&str, &str) {
        let t = self.at(k);
        let offset = self.calendar.zone().to_offset(t).seconds();
        if self.offset.as_ref().is_none_or(|(o, _)| *o != offset) {
            self.offset = Some((offset, self.calendar.local(t).1));
        }
        let text = match self.whole_seconds(k, i64::from(offset)) {
            Some(secs) => self.local.write(secs, ' ', secs % 60 != 0, ""),
            None => self.local.set(self.calendar.local(t).0),
        };
        (text, self.offset.as_ref().map_or("", |(_, o)| o.as_str()))
    }
}

/// A date-time's text whose date part is kept while the day does not change.
#[derive(Default)]
struct DayText {
    /// The day (from the epoch) whose date `text` begins with, and the date's length.
    day: Option<i64>,
    date_len: usize,
    text: String,
}

impl DayText {
    /// `secs` (from the epoch, on the clock written) as date, `separator`, `HH:MM`, `:SS`
    /// when `seconds`, and `suffix`.
    fn write(&mut self, secs: i64, separator: char, seconds: bool, suffix: &str) -> &str {
        let day = secs.div_euclid(86_400);
        if self.day != Some(day) {
            let midnight = jiff::Timestamp::from_second(day * 86_400).expect("within jiff's range");
            self.text = midnight.strftime("%Y-%m-%d").to_string();
            self.text.push(separator);
            self.date_len = self.text.len();
            self.day = Some(day);
        }
        self.text.truncate(self.date_len);
        let in_day = secs.rem_euclid(86_400);
        let fields = [in_day / 3600, in_day / 60 % 60, in_day % 60];
        for (i, v) in fields[..if seconds { 3 } else { 2 }].iter().enumerate() {
            if i > 0 {
                self.text.push(':');
            }
            self.text.push(char::from(b'0' + (v / 10) as u8));
            self.text.push(char::from(b'0' + (v % 10) as u8));
        }
        self.text.push_str(suffix);
        &self.text
    }

    fn set(&mut self, text: String) -> &str {
        self.text = text;
        self.day = None;
        &self.text
    }
}

/// A text cell that spreadsheets open safely: one that starts like a formula (`=`, `+`, `-`,
/// `@`, a tab or a carriage return) and is not a plain number gets a leading `'`, as OWASP
/// recommends against CSV injection. Names are validated so that they never need it; this is
/// for text echoed from the command line (sweep values).
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let formula_like = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula_like && cell.parse::<f64>().is_err() {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A figure for people in its unit, one decimal: shares as percentages, times with their
/// unit, counts of agents, ports and contacts bare (their label says what is counted); `—`
/// when undefined. The terminal and `report.html` print figures so.
pub fn figure(v: f64, unit: Unit) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let (v, suffix) = match unit {
        Unit::Share => (v * 100.0, " %".to_string()),
        Unit::Seconds | Unit::Minutes => (v, format!(" {}", unit.symbol())),
        _ => (v, String::new()),
    };
    let text = format!("{v:.1}");
    // Rounding noise around zero (-0.04) reads as 0.0.
    let text = if text == "-0.0" { "0.0".into() } else { text };
    format!("{text}{suffix}")
}

/// A number for CSV: rounded to six decimals, no trailing zeros; empty when undefined (NaN).
pub fn number(v: f64) -> String {
    let mut out = String::new();
    push_number(&mut out, v);
    out
}

/// Appends `v` as [`number`] formats it, without allocating (reports write millions).
pub fn push_number(out: &mut String, v: f64) {
    if !v.is_finite() {
        return;
    }
    // Whole numbers (counts, and many zeros) need no rounding.
    if v.abs() < 9e15 && v == (v as i64) as f64 {
        // -0.0 is written as 0.
        out.push_str(itoa::Buffer::new().format(v as i64));
        return;
    }
    if v.abs() >= 9e12 {
        out.push_str(&format!("{v:.0}"));
        return;
    }
    // Integer arithmetic is exact and much faster than `{:.6}` for the values reports hold:
    // the digits of the value in millionths, with the point set before the last six.
    let micro = round_half_away(v * 1e6);
    if micro < 0 {
        out.push('-');
    }
    let mut digits = itoa::Buffer::new();
    let text = digits.format(micro.unsigned_abs());
    let (whole, frac) = text.split_at(text.len().saturating_sub(6));
    out.push_str(if whole.is_empty() { "0" } else { whole });
    let significant = frac.trim_end_matches('0');
    if !significant.is_empty() {
        out.push('.');
        // Below a millionth's 10⁵, the fraction's leading zeros are not among the digits.
        for _ in frac.len()..6 {
            out.push('0');
        }
        out.push_str(significant);
    }
}

/// `x.round()` for |x| < 2⁶³, without the library call: the fraction left by truncation is
/// exact below 2⁵³ (and zero above).
#[inline]
fn round_half_away(x: f64) -> i64 {
    let i = x as i64;
    let frac = x - i as f64;
    if frac >= 0.5 {
        i + 1
    } else if frac <= -0.5 {
        i - 1
    } else {
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_nan_is_empty() {
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(12.0), "12");
        assert_eq!(number(1.0 / 3.0), "0.333333");
        assert_eq!(number(-0.0000001), "0");
        assert_eq!(number(f64::NAN), "");
        assert_eq!(number(-2.5), "-2.5");
        assert_eq!(number(0.0000004), "0");
        assert_eq!(number(0.0000006), "0.000001");
        assert_eq!(number(-0.0000006), "-0.000001");
        assert_eq!(number(1e13), "10000000000000");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(1234567.000105), "1234567.000105");
        assert_eq!(number(0.05), "0.05");
        assert_eq!(number(0.0000005), "0.000001");
        assert_eq!(number(-0.0000005), "-0.000001");
        assert_eq!(number(0.123456), "0.123456");
        assert_eq!(number(10.000001), "10.000001");
        assert_eq!(number(-3.25), "-3.25");
        // Every kind of value against the same rounding written plainly.
        let plain = |v: f64| {
            let m = round_half_away(v * 1e6);
            let sign = if m < 0 { "-" } else { "" };
            let (m, million) = (m.unsigned_abs(), 1_000_000);
            let text = format!("{sign}{}.{:06}", m / million, m % million);
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        };
        let mut x = 0.000_000_3_f64;
        while x < 5e12 {
            for v in [x, -x, x * 1.000_001_7, 1.0 / x] {
                if v.abs() < 5e12 && v != v.trunc() {
                    assert_eq!(number(v), plain(v), "{v}");
                }
            }
            x *= 1.37;
        }
        // Rounds as `f64::round` does, at every tie and near it.
        for x in [
            0.5,
            1.5,
            2.5,
            -0.5,
            -2.5,
            0.49999999999999994,
            4503599627370495.5,
            1e15 + 0.5,
        ] {
            assert_eq!(round_half_away(x), x.round() as i64, "{x}");
        }
    }

    #[test]
    fn interval_starts_are_written_as_timestamp_secs_writes_them() {
        for (start, interval) in [
            ("2026-03-30T08:00:00Z", 1_800_000_000u64),
            ("2026-03-30T23:45:00Z", 900_000_000),
            ("2026-12-31T20:00:00Z", 7_200_000_000),
            ("2026-03-30T08:00:00.25Z", 1_800_000_000),
            ("2026-03-30T08:00:00Z", 1_500_000),
            ("9999-12-30T20:00:00Z", 600_000_000),
        ] {
            let start: jiff::Timestamp = start.parse().unwrap();
            let mut starts = IntervalStarts::new(
                start,
                interval,
                Calendar::new(start, jiff::tz::TimeZone::UTC),
            );
            for k in [0usize, 1, 2, 3, 5, 47, 48, 49, 1000] {
                if start.as_second() + (k as u64 * interval / 1_000_000) as i64
                    > jiff::Timestamp::MAX.as_second()
                {
                    continue;
                }
                assert_eq!(
                    starts.get(k),
                    timestamp_secs(start, k as u64 * interval),
                    "{start} + {k} × {interval}"
                );
            }
        }
    }

    #[test]
    fn local_interval_starts_are_written_as_the_calendar_writes_them() {
        for (zone, start, interval) in [
            ("Europe/Copenhagen", "2026-10-24T20:00:00Z", 900_000_000u64),
            ("Europe/Copenhagen", "2026-03-28T20:00:00Z", 1_800_000_000),
            ("America/St_Johns", "2026-11-01T00:00:00Z", 1_800_000_000),
            ("Asia/Kolkata", "2026-03-30T08:00:00Z", 1_500_000),
            ("UTC", "2026-03-30T08:00:00.25Z", 1_800_000_000),
            ("Pacific/Kiritimati", "9999-12-29T20:00:00Z", 3_600_000_000),
        ] {
            let start: jiff::Timestamp = start.parse().unwrap();
            let calendar = Calendar::new(start, jiff::tz::db().get(zone).unwrap());
            let mut starts = IntervalStarts::new(start, interval, calendar.clone());
            for k in (0..200).chain([1000, 5000]) {
                let Ok(at) = start.checked_add(jiff::SignedDuration::from_micros(
                    (k as u64 * interval) as i64,
                )) else {
                    continue;
                };
                let (text, offset) = calendar.local(at);
                assert_eq!(
                    starts.local(k),
                    (text.as_str(), offset.as_str()),
                    "{zone} {start} + {k}"
                );
            }
        }
    }

    #[test]
    fn timestamps_are_iso_8601_utc_with_milliseconds() {
        let start: jiff::Timestamp = "2026-03-30T08:00:00Z".parse().unwrap();
        assert_eq!(timestamp(start, 1_500_000), "2026-03-30T08:00:01.500Z");
        assert_eq!(
            timestamp(start, 3600 * 1_000_000),
            "2026-03-30T09:00:00.000Z"
        );
    }

    #[test]
    fn formula_like_text_is_neutralised_but_numbers_are_not() {
        for (cell, safe) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-A1", "'-A1"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("\t=1", "'\t=1"),
            ("-0.5", "-0.5"),
            ("+5", "+5"),
            ("60s", "60s"),
            ("tier-1", "tier-1"),
        ] {
            assert_eq!(spreadsheet_safe(cell), safe, "{cell}");
        }
    }
}
