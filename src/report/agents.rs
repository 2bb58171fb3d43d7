//! `agents.csv`: one row per interval and agent group — time-average agents scheduled,
//! present and in each state, occupancy, and counts of offers, RONAs and breaks — each
//! estimated over replications with its 95 % CI (occupancy and break delay as ratios of
//! sums). States and counts the scenario cannot reach (no callbacks: nobody is reserved) are
//! left out.

use super::{Exporter, write_interval_table};
use crate::experiment::RunResults;
use crate::stats::{AGENT_COLUMNS, agent_columns_shown};
use std::io::Write;

pub struct AgentsCsv;

impl Exporter for AgentsCsv {
    fn file_name(&self) -> &'static str {
        "agents.csv"
    }

    fn write(&self, results: &RunResults, out: &mut dyn Write) -> std::io::Result<()> {
        let s = &results.scenario;
        let names: Vec<&str> = s.agent_groups.iter().map(|g| g.name.as_str()).collect();
        write_interval_table(
            results,
            out,
            ("agent_group", &names),
            (&AGENT_COLUMNS, agent_columns_shown(s)),
            &mut results.agent_rows()?,
        )
    }
}
