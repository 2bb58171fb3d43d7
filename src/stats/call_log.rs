//! `calls.csv` rows of one replication, written in contact-id order as outcomes become known.

use crate::engine::{Ticks, secs_from_ticks};
use crate::report::RecordClock;
use crate::scenario::CallResult;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallOutcome {
    Answered,
    Abandoned,
    Blocked,
    /// Still waiting in the queue when the run was cut.
    Waiting,
    /// Still in the IVR when the run was cut.
    InIvr,
    /// Became a callback (accepted an offer), or was a scheduled request: see the callback
    /// columns for how it ended.
    Callback,
}

impl CallOutcome {
    pub fn name(self) -> &'static str {
        match self {
            CallOutcome::Answered => "answered",
            CallOutcome::Abandoned => "abandoned",
            CallOutcome::Blocked => "blocked",
            CallOutcome::Waiting => "waiting",
            CallOutcome::InIvr => "in_ivr",
            CallOutcome::Callback => "callback",
        }
    }
}

/// `callback_type` of seed 002.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallbackKind {
    /// Offered to a waiting caller: due at once.
    Asap,
    /// From the requests file: due at `ClientAvailableFrom`.
    Scheduled,
}

impl CallbackKind {
    pub fn name(self) -> &'static str {
        match self {
            CallbackKind::Asap => "ASAP",
            CallbackKind::Scheduled => "SCHEDULED",
        }
    }
}

/// `callback_status` of seed 002, as far as a simulation reaches them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallbackStatus {
    Received,
    /// Waiting for its due time (scheduled, or a retry).
    Timer,
    Queued,
    /// Routed to an agent: the agent's phone rings with it, or the agent is reserved.
    Distributed,
    /// The customer is dialed for the agent (after `CallDelaySec`).
    SubmittedToAgt,
    /// The agent was in the refused state (`CallDelaySec` of 60 s or more).
    RejectedByAgt,
    /// The agent let the offer ring past `rona_timeout`: the callback goes back to its place.
    CanceledByAgt,
    /// Connected: the customer and the agent talk.
    ProcessedByAgt,
    /// A scheduled request came due while its queue held `max_queued` callbacks: it ends.
    NotQueued,
    EndtimeExpired,
    /// Attempts exhausted.
    Final,
}

impl CallbackStatus {
    pub fn name(self) -> &'static str {
        match self {
            CallbackStatus::Received => "RECEIVED",
            CallbackStatus::Timer => "TIMER",
            CallbackStatus::Queued => "QUEUED",
            CallbackStatus::Distributed => "DISTRIBUTED",
            CallbackStatus::SubmittedToAgt => "SUBMITTED_TO_AGT",
            CallbackStatus::RejectedByAgt => "REJECTED_BY_AGT",
            CallbackStatus::CanceledByAgt => "CANCELED_BY_AGT",
            CallbackStatus::ProcessedByAgt => "PROCESSED_BY_AGT",
            CallbackStatus::NotQueued => "NOT_QUEUED",
            CallbackStatus::EndtimeExpired => "ENDTIME_EXPIRED",
            CallbackStatus::Final => "FINAL",
        }
    }
}

/// The callback part of a contact's row.
#[derive(Clone, Copy, Debug)]
pub struct CallbackRecord {
    pub kind: CallbackKind,
    pub status: CallbackStatus,
    /// Of the last attempt.
    pub result: Option<CallResult>,
    pub attempts: u32,
    /// The window: due time and expiry.
    pub start: Ticks,
    pub end: Ticks,
}

/// What happened to one contact.
#[derive(Clone, Copy, Debug)]
pub struct CallRecord {
    pub id: u64,
    pub queue: usize,
    /// Interval of arrival; `None` in the warm-up (not logged).
    pub interval: Option<u32>,
    pub arrived: Ticks,
    pub outcome: CallOutcome,
    pub wait: Ticks,
    pub group: Option<usize>,
    /// The agent who answered (its number in the replication, in order of shift start).
    pub agent: Option<u32>,
    /// Offers that rang unanswered (RONA) before the answer.
    pub ronas: u32,
    pub handle: Ticks,
    pub wrap_up: Ticks,
    pub callback: Option<CallbackRecord>,
}

impl CallRecord {
    /// A contact that ended (or was cut) without an agent: no talk, no callback.
    #[inline]
    pub fn ended(
        id: u64,
        queue: usize,
        interval: Option<u32>,
        arrived: Ticks,
        outcome: CallOutcome,
        wait: Ticks,
    ) -> Self {
        CallRecord {
            id,
            queue,
            interval,
            arrived,
            outcome,
            wait,
            group: None,
            agent: None,
            ronas: 0,
            handle: 0,
            wrap_up: 0,
            callback: None,
        }
    }
}

pub const CALL_COLUMNS: [&str; 21] = [
    "replication",
    "id",
    "queue",
    "arrival_time",
    "arrival_time_local",
    "utc_offset",
    "wait_s",
    "outcome",
    "agent_group",
    "agent",
    "ronas",
    "handle_s",
    "wrap_s",
    "callback_type",
    "callback_status",
    "call_result",
    "attempts",
    "start_time",
    "start_time_local",
    "end_time",
    "end_time_local",
];

/// Writes call rows (no header) in order of arrival (scheduled requests: of becoming due): a
/// row waits until every earlier contact's outcome is known. Memory stays bounded however
/// long an early contact stays open: past [`MAX_HELD_ROWS`] finished rows waiting, they are
/// written to a sorted run file beside the output, and the runs are merged at the end.
pub struct CallLog {
    replication: u32,
    clock: RecordClock,
    queues: Vec<String>,
    groups: Vec<String>,
    /// Rows by arrival order, and each expected contact's place in it.
    pending: BTreeMap<u64, Option<CallRecord>>,
    order: HashMap<u64, u64>,
    next: u64,
    /// Finished rows in `pending`.
    held: usize,
    /// Sorted runs of rows (place, then the CSV line) written when too many were held;
    /// once there is one, every row goes through them.
    runs: Vec<std::path::PathBuf>,
    /// Where runs are written: `{spill}-{n}`, `made` so far.
    spill: std::path::PathBuf,
    made: usize,
    out: csv::Writer<Box<dyn Write + Send>>,
}

/// Finished rows held in memory while an earlier contact is still open (about 10 MB).
pub const MAX_HELD_ROWS: usize = 1 << 16;
/// Sorted runs kept before they are merged into one (the files open at a merge).
const MAX_RUNS: usize = 16;

/// Merges sorted runs (each row: place, length, CSV line) by place into `out`: as rows of a
/// run when `keep_places`, else as the CSV lines alone.
fn merge_run_files(
    runs: &[std::path::PathBuf],
    out: &mut dyn Write,
    keep_places: bool,
) -> std::io::Result<()> {
    use std::cmp::Reverse;
    use std::io::Read;
    let mut readers = Vec::new();
    for path in runs {
        readers.push(std::io::BufReader::with_capacity(
            64 << 10,
            std::fs::File::open(path)?,
        ));
    }
    let next_row =
        |r: &mut std::io::BufReader<std::fs::File>| -> std::io::Result<Option<(u64, Vec<u8>)>> {
            let mut word = [0u8; 8];
            match r.read_exact(&mut word) {
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
                Err(e) => return Err(e),
                Ok(()) => {}
            }
            let place = u64::from_le_bytes(word);
            r.read_exact(&mut word)?;
            let mut line = vec![0u8; u64::from_le_bytes(word) as usize];
            r.read_exact(&mut line)?;
            Ok(Some((place, line)))
        };
    let mut heads = std::collections::BinaryHeap::new();
    let mut lines = vec![Vec::new(); readers.len()];
    for (i, r) in readers.iter_mut().enumerate() {
        if let Some((place, line)) = next_row(r)? {
            lines[i] = line;
            heads.push(Reverse((place, i)));
        }
    }
    while let Some(Reverse((place, i))) = heads.pop() {
        if keep_places {
            out.write_all(&place.to_le_bytes())?;
            out.write_all(&(lines[i].len() as u64).to_le_bytes())?;
        }
        out.write_all(&lines[i])?;
        if let Some((place, line)) = next_row(&mut readers[i])? {
            lines[i] = line;
            heads.push(Reverse((place, i)));
        }
    }
    Ok(())
}

impl CallLog {
    /// `spill` names the sorted runs it may write (`{spill}-0`, `{spill}-1` …).
    pub fn new(
        replication: u32,
        clock: RecordClock,
        queues: Vec<String>,
        groups: Vec<String>,
        out: Box<dyn Write + Send>,
        spill: std::path::PathBuf,
    ) -> Self {
        CallLog {
            replication,
            clock,
            queues,
            groups,
            pending: BTreeMap::new(),
            order: HashMap::new(),
            next: 0,
            held: 0,
            runs: Vec::new(),
            spill,
            made: 0,
            out: csv::Writer::from_writer(out),
        }
    }

    /// Contact `id` has arrived; its row will come.
    pub fn expect(&mut self, id: u64) {
        self.order.insert(id, self.next);
        self.pending.insert(self.next, None);
        self.next += 1;
    }

    pub fn record(&mut self, r: CallRecord) -> std::io::Result<()> {
        let Some(place) = self.order.remove(&r.id) else {
            return Ok(());
        };
        self.pending.insert(place, Some(r));
        self.held += 1;
        if self.runs.is_empty() {
            while let Some(entry) = self.pending.first_entry() {
                let Some(r) = *entry.get() else { break };
                entry.remove();
                self.held -= 1;
                self.out.write_record(self.fields(&r))?;
            }
        }
        if self.held >= MAX_HELD_ROWS {
            self.spill_held()?;
        }
        Ok(())
    }

    /// Writes the finished rows held into a new sorted run.
    fn spill_held(&mut self) -> std::io::Result<()> {
        let path = self.next_run_path();
        let mut run = std::io::BufWriter::new(
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)?,
        );
        let finished: Vec<(u64, CallRecord)> = self
            .pending
            .iter()
            .filter_map(|(&place, r)| r.map(|r| (place, r)))
            .collect();
        for (place, r) in finished {
            self.pending.remove(&place);
            let line = self.format(&r)?;
            run.write_all(&place.to_le_bytes())?;
            run.write_all(&(line.len() as u64).to_le_bytes())?;
            run.write_all(&line)?;
        }
        run.flush()?;
        self.held = 0;
        self.runs.push(path);
        if self.runs.len() >= MAX_RUNS {
            // Files stay few however many rows pile up: the runs so far become one.
            let merged = self.next_run_path();
            let mut out = std::io::BufWriter::new(
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&merged)?,
            );
            merge_run_files(&self.runs, &mut out, true)?;
            out.flush()?;
            for path in std::mem::replace(&mut self.runs, vec![merged]) {
                std::fs::remove_file(path)?;
            }
        }
        Ok(())
    }

    pub fn finish(&mut self) -> std::io::Result<()> {
        if !self.runs.is_empty() {
            // Rows still held (and contacts cut open, which have rows now) go into a last run.
            self.spill_held()?;
            self.merge_runs()?;
        } else {
            let rest: Vec<CallRecord> = std::mem::take(&mut self.pending)
                .into_values()
                .flatten()
                .collect();
            for r in rest {
                self.out.write_record(self.fields(&r))?;
            }
        }
        self.out.flush()
    }

    /// Merges the sorted runs into the output, in order of place, and removes them.
    fn merge_runs(&mut self) -> std::io::Result<()> {
        // The lines are CSV already: written to the file under the csv writer.
        let writer = std::mem::replace(
            &mut self.out,
            csv::Writer::from_writer(Box::new(std::io::sink())),
        );
        let mut out = writer.into_inner().map_err(|e| e.into_error())?;
        merge_run_files(&self.runs, &mut out, false)?;
        self.out = csv::Writer::from_writer(out);
        for path in std::mem::take(&mut self.runs) {
            std::fs::remove_file(path)?;
        }
        Ok(())
    }

    /// A new run's path.
    fn next_run_path(&mut self) -> std::path::PathBuf {
        self.made += 1;
        self.spill.with_file_name(format!(
            "{}-{}",
            self.spill
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("calls"),
            self.made
        ))
    }

    /// The CSV line of a row (for a run; rows written directly go through `out`).
    fn format(&self, r: &CallRecord) -> std::io::Result<Vec<u8>> {
        // A row is a few hundred bytes: no need for the writer's default 8 KiB buffer.
        let mut line = csv::WriterBuilder::new()
            .buffer_capacity(512)
            .from_writer(Vec::with_capacity(256));
        line.write_record(self.fields(r))?;
        line.into_inner().map_err(|e| e.into_error())
    }

    /// The fields of a row.
    fn fields(&self, r: &CallRecord) -> [String; CALL_COLUMNS.len()] {
        // Talk and wrap-up are known for answered calls and connected callbacks.
        let handled = r.group.is_some();
        let secs = |t: Ticks| format!("{:.3}", secs_from_ticks(t));
        let has_wait = matches!(
            r.outcome,
            CallOutcome::Answered | CallOutcome::Abandoned | CallOutcome::Waiting
        ) || r.callback.is_some_and(|cb| cb.kind == CallbackKind::Asap);
        let cb = r.callback;
        let (arrival_local, offset) = self.clock.local(r.arrived);
        let local = |t: Ticks| self.clock.local(t).0;
        [
            self.replication.to_string(),
            r.id.to_string(),
            self.queues[r.queue].clone(),
            self.clock.utc(r.arrived),
            arrival_local,
            offset,
            if has_wait {
                secs(r.wait)
            } else {
                String::new()
            },
            r.outcome.name().to_string(),
            r.group.map(|g| self.groups[g].clone()).unwrap_or_default(),
            r.agent.map(|a| a.to_string()).unwrap_or_default(),
            // Callers who reached the queue (and callbacks) may have been offered.
            if has_wait || r.callback.is_some() {
                r.ronas.to_string()
            } else {
                String::new()
            },
            if handled {
                secs(r.handle)
            } else {
                String::new()
            },
            if handled {
                secs(r.wrap_up)
            } else {
                String::new()
            },
            cb.map(|c| c.kind.name().to_string()).unwrap_or_default(),
            cb.map(|c| c.status.name().to_string()).unwrap_or_default(),
            cb.and_then(|c| c.result)
                .map(|x| x.name().to_string())
                .unwrap_or_default(),
            cb.map(|c| c.attempts.to_string()).unwrap_or_default(),
            cb.map(|c| self.clock.utc(c.start)).unwrap_or_default(),
            cb.map(|c| local(c.start)).unwrap_or_default(),
            cb.map(|c| self.clock.utc(c.end)).unwrap_or_default(),
            cb.map(|c| local(c.end)).unwrap_or_default(),
        ]
    }
}
