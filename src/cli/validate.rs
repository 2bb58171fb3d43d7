//! `ccsim validate FILE`: check a scenario without running it.

use super::CliError;
use crate::scenario::Scenario;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct ValidateArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
}

pub fn validate(args: ValidateArgs) -> Result<(), CliError> {
    let s = Scenario::load(&args.scenario)?;
    for w in &s.warnings {
        eprintln!("warning: {w}");
    }
    say!(
        "{}: valid — \"{}\": {} queue(s), {} agent group(s), {} port pool(s), {} intervals of {}, {} replications",
        args.scenario.display(),
        s.name,
        s.queues.len(),
        s.agent_groups.len(),
        s.port_pools.len(),
        s.intervals(),
        crate::scenario::Duration::from_ticks(s.interval),
        s.replications
    );
    Ok(())
}
