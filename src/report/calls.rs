//! `calls.csv` (with `--calls`): one row per contact, replication by replication.

use super::{Exporter, concatenate};
use crate::experiment::RunResults;
use crate::stats::CALL_COLUMNS;
use std::io::Write;

pub struct CallsCsv;

impl Exporter for CallsCsv {
    fn file_name(&self) -> &'static str {
        "calls.csv"
    }

    fn write(&self, results: &RunResults, out: &mut dyn Write) -> std::io::Result<()> {
        concatenate(&CALL_COLUMNS, &results.call_files(), out)
    }
}
