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
        "{}: valid — \"{}\": {}, {}, {}, {} of {}, {}",
        args.scenario.display(),
        s.name,
        super::counted(s.queues.len(), "queue"),
        super::counted(s.agent_groups.len(), "agent group"),
        super::counted(s.port_pools.len(), "port pool"),
        super::counted(s.intervals(), "interval"),
        crate::scenario::Duration::from_ticks(s.interval),
        super::counted(s.replications as usize, "replication")
    );
    Ok(())
}
