//! `run.json`: what was run, how, and how long it took.

use super::Exporter;
use crate::experiment::RunResults;
use std::io::Write;

pub struct RunJson;

impl Exporter for RunJson {
    fn file_name(&self) -> &'static str {
        "run.json"
    }

    fn write(&self, results: &RunResults, out: &mut dyn Write) -> std::io::Result<()> {
        let cut: Vec<usize> = results
            .replications
            .iter()
            .enumerate()
            .filter(|(_, r)| r.cut)
            .map(|(i, _)| i)
            .collect();
        let doc = serde_json::json!({
            "ccsim_version": env!("CARGO_PKG_VERSION"),
            "scenario": results.scenario.path.display().to_string(),
            "scenario_name": results.scenario.name,
            "scenario_sha256": results.scenario.sha256,
            "seed": results.options.seed,
            "replications": results.replications.len(),
            "threads": results.threads,
            "events_simulated": results.events(),
            "wall_time_s": results.wall_time.as_secs_f64(),
            "replications_cut_at_drain_limit": cut,
            "shape": crate::compare::Shape::of(&results.scenario),
        });
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }
}
