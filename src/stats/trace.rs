//! `events.csv` (with `--trace`): one row per callback state change, in time order.

use super::call_log::CallbackStatus;
use crate::engine::Ticks;
use crate::report::RecordClock;
use crate::scenario::CallResult;
use std::io::Write;

/// One state change of a callback.
#[derive(Clone, Copy, Debug)]
pub struct TraceRecord {
    pub id: u64,
    pub queue: usize,
    pub time: Ticks,
    pub status: CallbackStatus,
    /// Attempts made so far.
    pub attempts: u32,
    /// The result of the attempt that just ended, if one did.
    pub result: Option<CallResult>,
    pub group: Option<usize>,
}

pub const TRACE_COLUMNS: [&str; 10] = [
    "replication",
    "id",
    "queue",
    "time",
    "time_local",
    "utc_offset",
    "callback_status",
    "attempts",
    "call_result",
    "agent_group",
];

/// Writes trace rows (no header) of one replication.
pub struct TraceLog {
    replication: u32,
    clock: RecordClock,
    queues: Vec<String>,
    groups: Vec<String>,
    out: csv::Writer<Box<dyn Write + Send>>,
}

impl TraceLog {
    pub fn new(
        replication: u32,
        clock: RecordClock,
        queues: Vec<String>,
        groups: Vec<String>,
        out: Box<dyn Write + Send>,
    ) -> Self {
        TraceLog {
            replication,
            clock,
            queues,
            groups,
            out: csv::Writer::from_writer(out),
        }
    }

    pub fn record(&mut self, r: &TraceRecord) -> std::io::Result<()> {
        let (local, offset) = self.clock.local(r.time);
        self.out.write_record([
            self.replication.to_string(),
            r.id.to_string(),
            self.queues[r.queue].clone(),
            self.clock.utc(r.time),
            local,
            offset,
            r.status.name().to_string(),
            r.attempts.to_string(),
            r.result.map(|x| x.name().to_string()).unwrap_or_default(),
            r.group.map(|g| self.groups[g].clone()).unwrap_or_default(),
        ])?;
        Ok(())
    }

    pub fn finish(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}
