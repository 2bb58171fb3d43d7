//! The command line: clap parses raw arguments, each command checks them and runs.
//!
//! Exit codes: 0 success, 1 failure while running (I/O), 2 bad input (arguments, scenario).

/// Writes a line to standard output, as `println!` does, but an output that cannot be written
/// (a full disk, a closed pipe) fails the command (exit 1) instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*).map_err(|e| {
            $crate::cli::CliError::Failed(format!("cannot write to standard output: {e}"))
        })?
    }};
}

/// `n` and `noun`, plural unless one: "1 replication", "30 replications".
fn counted(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

mod compare;
mod erlang;
mod merge;
mod progress;
mod run;
mod staff;
mod sweep;
mod table;
mod validate;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "ccsim",
    version,
    about = "A discrete-event contact-center simulator for capacity planners"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate a scenario and write reports.
    Run(run::RunArgs),
    /// Check a scenario file without running it.
    Validate(validate::ValidateArgs),
    /// Erlang B, C and A: the analytic answers to put beside a simulation.
    Erlang(erlang::ErlangArgs),
    /// Compare two runs (output folders or scenario files): exit 1 if something got worse.
    Compare(compare::CompareArgs),
    /// Run a scenario over a grid of parameter values.
    Sweep(sweep::SweepArgs),
    /// Find the fewest agents per interval that meet service targets, by simulation.
    Staff(staff::StaffArgs),
    /// Merge the shards of a run (`ccsim run --shard K/N`) into its reports.
    Merge(merge::MergeArgs),
}

/// The most worker threads a run may ask for: more would only cost memory and start-up (a
/// replication is the unit of parallel work), and tens of thousands never finish starting.
const MAX_THREADS: i64 = 256;

/// `--threads`, one definition for every command that simulates.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct ThreadsArg {
    /// Worker threads (default: one per core; at most 256). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=MAX_THREADS))]
    threads: Option<u32>,
}

impl ThreadsArg {
    /// The count asked for, or 0: one per core.
    pub fn count(self) -> usize {
        self.threads.map_or(0, |t| t as usize)
    }
}

/// An error of a command, and whose fault it was.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input: exit code 2.
    #[error("{0}")]
    Input(String),
    /// Something failed while running: exit code 1.
    #[error("{0}")]
    Failed(String),
    /// A comparison found something worse: exit code 1 (the gate fires).
    #[error("{0}")]
    Gate(String),
}

impl From<crate::scenario::ScenarioError> for CliError {
    fn from(e: crate::scenario::ScenarioError) -> Self {
        CliError::Input(e.to_string())
    }
}

impl From<crate::report::OutputError> for CliError {
    fn from(e: crate::report::OutputError) -> Self {
        match e {
            crate::report::OutputError::NotOurs(m) => CliError::Input(m),
            crate::report::OutputError::Failed(m) => CliError::Failed(m),
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Failed(e.to_string())
    }
}

/// On Ctrl-C or SIGTERM: runs stop after the replications under way and clean up after
/// themselves; a second signal ends the process at once.
#[cfg(unix)]
extern "C" fn on_stop_signal(_: libc::c_int) {
    crate::experiment::request_stop();
    // SAFETY: `signal` is async-signal-safe; restoring the default action has no
    // preconditions.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
        libc::signal(libc::SIGTERM, libc::SIG_DFL);
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    #[cfg(unix)]
    // SAFETY: the handler only stores an atomic flag and resets the two dispositions.
    unsafe {
        let handler = on_stop_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Validate(args) => validate::validate(args),
        Command::Erlang(args) => erlang::erlang(args),
        Command::Compare(args) => compare::run(args),
        Command::Sweep(args) => sweep::run(args),
        Command::Staff(args) => staff::run(args),
        Command::Merge(args) => merge::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Gate(message)) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(match e {
                CliError::Input(_) => 2,
                CliError::Failed(_) | CliError::Gate(_) => 1,
            })
        }
    }
}
