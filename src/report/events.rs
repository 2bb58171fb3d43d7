//! `events.csv` (with `--trace`): every contact's events and every agent's state changes,
//! replication by replication, in time order within each.

use super::{Exporter, concatenate};
use crate::experiment::RunResults;
use crate::stats::TRACE_COLUMNS;
use std::io::Write;

pub struct EventsCsv;

impl Exporter for EventsCsv {
    fn file_name(&self) -> &'static str {
        "events.csv"
    }

    fn write(&self, results: &RunResults, out: &mut dyn Write) -> std::io::Result<()> {
        concatenate(&TRACE_COLUMNS, &results.trace_files(), out)
    }
}
