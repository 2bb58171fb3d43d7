//! `intervals.csv`: one row per interval and queue — contact counts, service level, waits,
//! abandonment, handle time, agents, ports and callbacks — each estimated over replications
//! with its 95 % CI: counts and time averages as means, rates as ratios of sums.

use super::{Exporter, write_interval_table};
use crate::experiment::RunResults;
use crate::stats::{Column, INTERVAL_COLUMNS, interval_columns_shown};
use std::io::Write;

pub struct IntervalsCsv;

impl Exporter for IntervalsCsv {
    fn file_name(&self) -> &'static str {
        "intervals.csv"
    }

    fn write(&self, results: &RunResults, out: &mut dyn Write) -> std::io::Result<()> {
        let s = &results.scenario;
        let names: Vec<&str> = s.queues.iter().map(|q| q.name.as_str()).collect();
        write_interval_table(
            results,
            out,
            ("queue", &names),
            (
                &INTERVAL_COLUMNS.map(Column::Metric),
                interval_columns_shown(s),
            ),
            &mut results.interval_rows()?,
        )
    }
}
