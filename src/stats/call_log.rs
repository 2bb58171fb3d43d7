//! `calls.csv` rows of one replication, written in contact-id order as outcomes become known.

use crate::engine::{Ticks, secs_from_ticks};
use std::collections::BTreeMap;
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
}

impl CallOutcome {
    pub fn name(self) -> &'static str {
        match self {
            CallOutcome::Answered => "answered",
            CallOutcome::Abandoned => "abandoned",
            CallOutcome::Blocked => "blocked",
            CallOutcome::Waiting => "waiting",
            CallOutcome::InIvr => "in_ivr",
        }
    }
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
    pub handle: Ticks,
    pub wrap_up: Ticks,
}

pub const CALL_COLUMNS: [&str; 9] = [
    "replication",
    "id",
    "queue",
    "arrival_time",
    "wait_s",
    "outcome",
    "agent_group",
    "handle_s",
    "wrap_s",
];

/// Writes call rows (no header) in id order: a row waits until every earlier contact's
/// outcome is known, so memory follows the contacts in the system.
pub struct CallLog {
    replication: u32,
    start: jiff::Timestamp,
    queues: Vec<String>,
    groups: Vec<String>,
    pending: BTreeMap<u64, Option<CallRecord>>,
    out: csv::Writer<Box<dyn Write + Send>>,
}

impl CallLog {
    pub fn new(
        replication: u32,
        start: jiff::Timestamp,
        queues: Vec<String>,
        groups: Vec<String>,
        out: Box<dyn Write + Send>,
    ) -> Self {
        CallLog {
            replication,
            start,
            queues,
            groups,
            pending: BTreeMap::new(),
            out: csv::Writer::from_writer(out),
        }
    }

    /// Contact `id` has arrived; its row will come.
    pub fn expect(&mut self, id: u64) {
        self.pending.insert(id, None);
    }

    pub fn record(&mut self, r: CallRecord) -> std::io::Result<()> {
        self.pending.insert(r.id, Some(r));
        while let Some(entry) = self.pending.first_entry() {
            let Some(r) = *entry.get() else { break };
            entry.remove();
            self.write(&r)?;
        }
        Ok(())
    }

    pub fn finish(&mut self) -> std::io::Result<()> {
        let rest: Vec<CallRecord> = std::mem::take(&mut self.pending)
            .into_values()
            .flatten()
            .collect();
        for r in rest {
            self.write(&r)?;
        }
        self.out.flush()
    }

    fn write(&mut self, r: &CallRecord) -> std::io::Result<()> {
        let answered = r.outcome == CallOutcome::Answered;
        let secs = |t: Ticks| format!("{:.3}", secs_from_ticks(t));
        self.out.write_record([
            self.replication.to_string(),
            r.id.to_string(),
            self.queues[r.queue].clone(),
            crate::report::timestamp(self.start, r.arrived),
            if r.outcome == CallOutcome::Blocked || r.outcome == CallOutcome::InIvr {
                String::new()
            } else {
                secs(r.wait)
            },
            r.outcome.name().to_string(),
            r.group.map(|g| self.groups[g].clone()).unwrap_or_default(),
            if answered {
                secs(r.handle)
            } else {
                String::new()
            },
            if answered {
                secs(r.wrap_up)
            } else {
                String::new()
            },
        ])?;
        Ok(())
    }
}
