//! `summary.csv`: every run-level metric with its mean and 95 % CI over replications.

use super::{Exporter, number};
use crate::experiment::RunResults;
use crate::stats::Estimate;
use std::io::Write;

pub struct SummaryCsv;

/// The estimate of each catalog entry, in catalog order.
pub fn summary_estimates(results: &RunResults) -> Vec<Estimate> {
    (0..results.catalog.len())
        .map(|i| Estimate::from_values(results.replications.iter().map(|r| r.metrics[i])))
        .collect()
}

impl Exporter for SummaryCsv {
    fn file_name(&self) -> &'static str {
        "summary.csv"
    }

    fn write(&self, results: &RunResults, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "scope",
            "metric",
            "mean",
            "ci95_low",
            "ci95_high",
            "replications",
        ])?;
        for (&(scope, metric), e) in results.catalog.iter().zip(summary_estimates(results)) {
            w.write_record([
                scope.label(&results.scenario),
                metric.name().to_string(),
                number(e.mean),
                number(e.ci_low),
                number(e.ci_high),
                e.n.to_string(),
            ])?;
        }
        w.flush()
    }
}
