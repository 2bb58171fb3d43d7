//! `summary.csv`: every run-level metric with its estimate over replications and 95 % CI:
//! rates as ratios of sums (delta-method CI), counts, time averages and percentiles as means.

use super::{Exporter, number};
use crate::experiment::RunResults;
use crate::stats::{Estimate, RatioEstimator, finish_estimate};
use std::io::Write;

pub struct SummaryCsv;

/// The estimate of each catalog entry, in catalog order, as [`finish_estimate`] finishes
/// it.
pub fn summary_estimates(results: &RunResults) -> Vec<Estimate> {
    results
        .catalog
        .iter()
        .enumerate()
        .map(|(i, (_, metric))| {
            let acc = RatioEstimator::of(results.replications.iter().map(|r| r.metrics[i]));
            finish_estimate(Some(*metric), &acc)
        })
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
