//! `intervals.csv`: one row per interval and queue, means over replications, with CIs for
//! service level, ASA and abandonment. Merges the replications' scratch files in lockstep,
//! so memory does not grow with the number of intervals.

use super::{Exporter, push_number, timestamp_secs};
use crate::experiment::RunResults;
use crate::stats::{INTERVAL_CI_COLUMNS, INTERVAL_COLUMNS, MeanVariance, interval_columns_shown};
use std::io::Write;

pub struct IntervalsCsv;

impl Exporter for IntervalsCsv {
    fn file_name(&self) -> &'static str {
        "intervals.csv"
    }

    fn write(&self, results: &RunResults, out: &mut dyn Write) -> std::io::Result<()> {
        let s = &results.scenario;
        // No field can need quoting (numbers, ISO times, names checked to [A-Za-z0-9_-]), so
        // the writer need not scan each one.
        let mut w = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Never)
            .from_writer(out);
        let mut header = vec!["interval_start".to_string(), "queue".to_string()];
        let shown = interval_columns_shown(s);
        for (c, _) in INTERVAL_COLUMNS.iter().zip(shown).filter(|(_, show)| *show) {
            header.push(c.to_string());
            if INTERVAL_CI_COLUMNS.contains(c) {
                header.push(format!("{c}_ci95_low"));
                header.push(format!("{c}_ci95_high"));
            }
        }
        w.write_record(&header)?;
        let with_ci: Vec<bool> = INTERVAL_COLUMNS
            .iter()
            .map(|c| INTERVAL_CI_COLUMNS.contains(c))
            .collect();
        let mut readers = results.interval_rows()?;
        let mut field = String::new();
        loop {
            let mut acc = [MeanVariance::default(); INTERVAL_COLUMNS.len()];
            let mut key = None;
            for reader in &mut readers {
                let Some(row) = reader.next() else { break };
                let (interval, queue, values) = row?;
                match key {
                    None => key = Some((interval, queue)),
                    Some(k) if k != (interval, queue) => {
                        return Err(std::io::Error::other(format!(
                            "replications disagree on interval rows: {k:?} vs {:?}",
                            (interval, queue)
                        )));
                    }
                    Some(_) => {}
                }
                for (a, v) in acc.iter_mut().zip(values) {
                    a.push(v);
                }
            }
            let Some((interval, queue)) = key else { break };
            w.write_field(timestamp_secs(s.start, interval as u64 * s.interval))?;
            w.write_field(&s.queues[queue].name)?;
            for ((&ci, a), _) in with_ci
                .iter()
                .zip(&acc)
                .zip(shown)
                .filter(|(_, show)| *show)
            {
                let e = a.estimate();
                let values: &[f64] = if ci {
                    &[e.mean, e.ci_low, e.ci_high]
                } else {
                    &[e.mean]
                };
                for &v in values {
                    field.clear();
                    push_number(&mut field, v);
                    w.write_field(&field)?;
                }
            }
            w.write_record(None::<&[u8]>)?;
        }
        w.flush()
    }
}
