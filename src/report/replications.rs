//! `replications.csv`: the run-level metrics of each replication, for paired comparisons:
//! each value with its numerator and denominator (1 for counts, time averages and
//! percentiles), from which `compare` forms the ratio estimates.

use super::{Exporter, number};
use crate::experiment::RunResults;
use std::io::Write;

pub struct ReplicationsCsv;

impl Exporter for ReplicationsCsv {
    fn file_name(&self) -> &'static str {
        "replications.csv"
    }

    fn write(&self, results: &RunResults, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "replication",
            "scope",
            "metric",
            "value",
            "numerator",
            "denominator",
        ])?;
        let labels: Vec<String> = results
            .catalog
            .iter()
            .map(|(s, _)| s.label(&results.scenario))
            .collect();
        for (r, rep) in results.replications.iter().enumerate() {
            for (i, &(_, metric)) in results.catalog.iter().enumerate() {
                w.write_record([
                    r.to_string(),
                    labels[i].clone(),
                    metric.name().to_string(),
                    number(rep.metrics[i].get()),
                    number(rep.metrics[i].num),
                    number(rep.metrics[i].den),
                ])?;
            }
        }
        w.flush()
    }
}
