//! `agents.csv`: one row per interval and agent group — time-average agents scheduled,
//! present and in each state, occupancy, and counts of offers, RONAs and breaks — each the
//! mean over replications with its 95 % CI. States and counts the scenario cannot reach
//! (no callbacks: nobody is reserved) are left out.

use super::{Exporter, IntervalStarts, Line, merge_rows};
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
        let mut line = Line::default();
        line.text("interval_start");
        line.text("agent_group");
        let shown = agent_columns_shown(s);
        for (c, _) in AGENT_COLUMNS.iter().zip(shown).filter(|(_, show)| *show) {
            line.text(c);
            line.text(&format!("{c}_ci95_low"));
            line.text(&format!("{c}_ci95_high"));
        }
        line.write_to(out)?;
        let mut starts = IntervalStarts::new(s.start, s.interval);
        merge_rows(&mut results.agent_rows()?, |interval, group, acc| {
            line.text(starts.get(interval));
            line.text(&s.agent_groups[group].name);
            for (a, _) in acc.iter().zip(shown).filter(|(_, show)| *show) {
                let e = a.estimate();
                for v in [e.mean, e.ci_low, e.ci_high] {
                    line.number(v);
                }
            }
            line.write_to(out)
        })
    }
}
