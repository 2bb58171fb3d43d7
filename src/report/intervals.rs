//! `intervals.csv`: one row per interval and queue, means over replications, with CIs for
//! service level, ASA and abandonment. Merges the replications' scratch files in lockstep,
//! so memory does not grow with the number of intervals.

use super::{Exporter, IntervalStarts, Line, merge_rows};
use crate::experiment::RunResults;
use crate::stats::{INTERVAL_CI_COLUMNS, INTERVAL_COLUMNS, interval_columns_shown};
use std::io::Write;

pub struct IntervalsCsv;

impl Exporter for IntervalsCsv {
    fn file_name(&self) -> &'static str {
        "intervals.csv"
    }

    fn write(&self, results: &RunResults, out: &mut dyn Write) -> std::io::Result<()> {
        let s = &results.scenario;
        let mut line = Line::default();
        line.text("interval_start");
        line.text("queue");
        let shown = interval_columns_shown(s);
        for (c, _) in INTERVAL_COLUMNS.iter().zip(shown).filter(|(_, show)| *show) {
            line.text(c);
            if INTERVAL_CI_COLUMNS.contains(c) {
                line.text(&format!("{c}_ci95_low"));
                line.text(&format!("{c}_ci95_high"));
            }
        }
        line.write_to(out)?;
        let with_ci: Vec<bool> = INTERVAL_COLUMNS
            .iter()
            .map(|c| INTERVAL_CI_COLUMNS.contains(c))
            .collect();
        let mut starts = IntervalStarts::new(s.start, s.interval);
        merge_rows(&mut results.interval_rows()?, |interval, queue, acc| {
            line.text(starts.get(interval));
            line.text(&s.queues[queue].name);
            for ((&ci, a), _) in with_ci.iter().zip(acc).zip(shown).filter(|(_, show)| *show) {
                let e = a.estimate();
                line.number(e.mean);
                if ci {
                    line.number(e.ci_low);
                    line.number(e.ci_high);
                }
            }
            line.write_to(out)
        })
    }
}
