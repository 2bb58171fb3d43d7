//! `ccsim run`: simulate a scenario's replications, write the reports, print a summary.

use super::table::{Align, TextTable};
use super::{CliError, progress};
use crate::experiment::{self, RunOptions, RunResults};
use crate::report::{self, OutputFolder, figure};
use crate::scenario::{Duration, Scenario};
use crate::shard::ShardSpec;
use crate::stats::{Estimate, Metric, Scope};
use std::path::{Path, PathBuf};

/// The bundled default scenario, used when `scenarios/default.toml` is not at hand.
const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/default.toml");
const DEFAULT_PATH: &str = "scenarios/default.toml";

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The scenario file (TOML); the bundled scenarios/default.toml when omitted.
    scenario: Option<PathBuf>,
    /// Replications (overrides the scenario's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    replications: Option<u32>,
    /// Seed (overrides the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Output folder (default: output/<scenario name>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also write calls.csv, one row per contact.
    #[arg(long)]
    calls: bool,
    /// Also write events.csv: every contact's events and every agent's state changes.
    #[arg(long)]
    trace: bool,
    /// Also write report.xlsx: the summary and interval tables with Excel charts.
    #[arg(long)]
    xlsx: bool,
    #[command(flatten)]
    threads: super::ThreadsArg,
    /// Run only shard K of N (from 0) of the replications and write a shard folder for
    /// `ccsim merge` (default: output/<name>-shard-K-of-N/). `env` takes K (and, alone, N)
    /// from a job array: SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
}

/// Reads the scenario named on the command line, or the default one, and prints its warnings.
pub fn load_scenario(path: Option<&Path>) -> Result<Scenario, CliError> {
    let scenario = match path {
        Some(p) => Scenario::load(p)?,
        None if Path::new(DEFAULT_PATH).exists() => Scenario::load(Path::new(DEFAULT_PATH))?,
        None => Scenario::from_text(Path::new(DEFAULT_PATH), DEFAULT_SCENARIO)?,
    };
    for w in &scenario.warnings {
        eprintln!("warning: {w}");
    }
    Ok(scenario)
}

pub fn run(args: RunArgs) -> Result<(), CliError> {
    let scenario = load_scenario(args.scenario.as_deref())?;
    let options = RunOptions {
        first_replication: 0,
        replications: args.replications.unwrap_or(scenario.replications),
        seed: args.seed.unwrap_or(scenario.seed),
        threads: args.threads.count(),
        calls: args.calls,
        trace: args.trace,
        xlsx: args.xlsx,
    };
    if options.xlsx {
        check_workbook_fits(&scenario)?;
    }
    if let Some(spec) = &args.shard {
        if options.xlsx {
            return Err(CliError::Input(
                "--xlsx with --shard: a shard writes no reports; give --xlsx to `ccsim merge`, which writes them".into(),
            ));
        }
        let spec = ShardSpec::parse(spec, |name| std::env::var(name).ok())
            .map_err(|e| CliError::Input(format!("--shard {e}")))?;
        return run_shard(&scenario, options, spec, args.out);
    }
    let out = args
        .out
        .unwrap_or_else(|| Path::new("output").join(&scenario.name));
    // Taken before the simulation: a folder that cannot be used fails at once.
    let folder = OutputFolder::begin(&out, report::is_run_output)?;
    let bar = progress::bar(u64::from(options.replications), "replications");
    let results = experiment::run(&scenario, &options, folder.scratch(), &|| bar.inc(1))
        .map_err(|e| CliError::Failed(format!("{}: {e}", out.display())))?;
    bar.finish_and_clear();
    let exporters = report::exporters(&options, !results.scenario.campaigns.is_empty());
    let written = report::write_all(&results, folder.path(), &exporters)
        .map_err(|e| CliError::Failed(format!("writing reports for {}: {e}", out.display())))?;
    folder.commit()?;
    print_summary(&results)?;
    say!("\nReports in {}/: {}", out.display(), file_names(&written));
    Ok(())
}

/// Refuses a `--xlsx` whose interval sheets would pass Excel's row limit, before anything
/// is simulated.
pub(super) fn check_workbook_fits(scenario: &Scenario) -> Result<(), CliError> {
    let first: jiff::Timestamp = report::XLSX_FIRST_TIME.parse().expect("a time");
    if scenario.start < first {
        return Err(CliError::Input(format!(
            "--xlsx: {}: the scenario starts at {}, before {first}, the first time Excel's date-times write correctly: leave out --xlsx, or start later",
            scenario.path.display(),
            scenario.start
        )));
    }
    let rows = report::xlsx_rows_needed(scenario);
    if rows > report::XLSX_MAX_ROWS {
        return Err(CliError::Input(format!(
            "--xlsx: {}: report.xlsx would need {rows} rows in a sheet (intervals times queues or groups, and a heading), and Excel's sheets hold {}: leave out --xlsx (intervals.csv has every row), or use longer intervals",
            scenario.path.display(),
            report::XLSX_MAX_ROWS
        )));
    }
    Ok(())
}

/// The names of the files at `paths`, for the console.
pub(super) fn file_names(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths
        .iter()
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    names.join(", ")
}

/// Runs shard `spec` of the replications `options` asks for and writes its shard folder.
fn run_shard(
    scenario: &Scenario,
    mut options: RunOptions,
    spec: ShardSpec,
    out: Option<PathBuf>,
) -> Result<(), CliError> {
    // The merge reads the scenario again: it must be a file (not the built-in default day).
    if !scenario.path.is_file() {
        return Err(CliError::Input(format!(
            "--shard: the merge will read the scenario again, and {} is not a file here: give the scenario's path",
            scenario.path.display()
        )));
    }
    let total = options.replications;
    let (first, count) = spec.range(total);
    (options.first_replication, options.replications) = (first, count);
    let out = out.unwrap_or_else(|| {
        Path::new("output").join(format!(
            "{}-shard-{}-of-{}",
            scenario.name, spec.index, spec.count
        ))
    });
    let folder = OutputFolder::begin(&out, crate::shard::is_shard_output)?;
    let bar = progress::bar(u64::from(count), "replications");
    let results = experiment::run(scenario, &options, folder.scratch(), &|| bar.inc(1))
        .map_err(|e| CliError::Failed(format!("{}: {e}", out.display())))?;
    bar.finish_and_clear();
    crate::shard::write(results, total, folder.path())
        .map_err(|e| CliError::Failed(format!("writing shard {}: {e}", out.display())))?;
    folder.commit()?;
    let last = (first + count).saturating_sub(1);
    say!(
        "Shard {} of {} — replications {first} to {last} of {total} — in {}/; merge the shards with `ccsim merge`",
        spec.index,
        spec.count,
        out.display()
    );
    Ok(())
}

/// Prints the headline metrics with their confidence intervals.
pub(super) fn print_summary(r: &RunResults) -> Result<(), CliError> {
    let s = &r.scenario;
    let estimates = report::summary_estimates(r);
    let find = |scope: Scope, metric: Metric| {
        r.catalog
            .iter()
            .position(|&(sc, m)| sc == scope && m == metric)
            .map(|i| estimates[i])
    };
    say!(
        "{} — {}, seed {}, {}, {:.2} s ({} events)",
        s.name,
        super::counted(r.replications.len(), "replication"),
        r.options.seed,
        super::counted(r.threads, "thread"),
        r.wall_time.as_secs_f64(),
        r.events()
    );
    let cut = r.replications.iter().filter(|x| x.cut).count();
    if cut > 0 {
        say!(
            "warning: {cut} replication(s) reached the drain limit ({}) with contacts still in the system; see waiting_at_end, in_ivr_at_end and talking_at_end in summary.csv",
            Duration::from_ticks(s.drain_limit)
        );
    }
    let sl_label = format!(
        "{} ({}, {})",
        Metric::ServiceLevel.label(),
        s.service_level.definition.name(),
        Duration::from_ticks(s.service_level.threshold)
    );
    let mut table = TextTable::new(&[
        ("", Align::Left),
        ("estimate", Align::Right),
        ("95 % CI", Align::Left),
    ]);
    let section = |table: &mut TextTable, title: &str, lines: &[(String, Scope, Metric)]| {
        let shown: Vec<(&String, Estimate, Metric)> = lines
            .iter()
            .filter_map(|(label, scope, m)| find(*scope, *m).map(|e| (label, e, *m)))
            .collect();
        if shown.is_empty() {
            return;
        }
        if table.lines().len() > 1 {
            table.row([""; 3]);
        }
        table.row([title, "", ""]);
        for (label, e, m) in shown {
            let ci = if e.ci_low.is_nan() {
                String::new()
            } else {
                format!(
                    "{} – {}",
                    figure(e.ci_low, m.unit()),
                    figure(e.ci_high, m.unit())
                )
            };
            table.row([format!("  {label}"), figure(e.mean, m.unit()), ci]);
        }
    };
    let mut scopes = vec![Scope::All];
    if s.queues.len() > 1 {
        scopes.extend((0..s.queues.len()).map(Scope::Queue));
    }
    // Metrics the scenario lacks (callbacks, a target, ports) are not in the catalog, and
    // so not shown.
    let max_queued = s
        .queues
        .iter()
        .any(|q| q.callback.as_ref().is_some_and(|c| c.max_queued.is_some()));
    for scope in scopes {
        let mut lines = vec![(sl_label.clone(), scope, Metric::ServiceLevel)];
        if let Some(t) = s.service_level.target {
            lines.push((
                format!("Days meeting the {:.0} % target", t * 100.0),
                scope,
                Metric::ServiceLevelTargetMet,
            ));
        }
        let mut plain = vec![
            Metric::AsaS,
            Metric::AbandonRate,
            Metric::BlockRate,
            Metric::Offered,
            Metric::CallbacksAccepted,
            Metric::CallbacksRequested,
            Metric::CallbacksConnected,
            Metric::CallbacksExpired,
            Metric::CallbacksFailed,
        ];
        if s.port_pools.is_empty() {
            plain.retain(|&m| m != Metric::BlockRate);
        }
        if max_queued {
            plain.extend([Metric::CallbackOffersWithheld, Metric::CallbacksNotQueued]);
        }
        plain.push(Metric::CallbackWaitS);
        if scope == Scope::All {
            plain.extend([Metric::Occupancy, Metric::PortUtilisation]);
        }
        lines.extend(plain.into_iter().map(|m| (m.label().to_string(), scope, m)));
        section(&mut table, &scope.label(s), &lines);
    }
    let mut agents = Vec::new();
    for (g, group) in s.agent_groups.iter().enumerate() {
        for m in [
            Metric::Occupancy,
            Metric::Shrinkage,
            Metric::BreaksLate,
            Metric::Ronas,
        ] {
            agents.push((format!("{}, {}", m.label(), group.name), Scope::Group(g), m));
        }
    }
    section(&mut table, "agents", &agents);
    let ports: Vec<_> = s
        .port_pools
        .iter()
        .enumerate()
        .map(|(p, pool)| {
            let m = Metric::PortsBusyPeak;
            let label = format!("{}, {} (of {})", m.label(), pool.name, pool.ports);
            (label, Scope::Pool(p), m)
        })
        .collect();
    section(&mut table, "ports", &ports);
    for (k, campaign) in s.campaigns.iter().enumerate() {
        let lines: Vec<_> = [
            Metric::Dials,
            Metric::LiveAnswerRate,
            Metric::OutboundConnected,
            Metric::DropRate,
            Metric::ContactsPerAgentHour,
            Metric::ListPenetration,
        ]
        .into_iter()
        .map(|m| (m.label().to_string(), Scope::Campaign(k), m))
        .collect();
        section(
            &mut table,
            &format!("campaign {} ({})", campaign.name, campaign.mode.name()),
            &lines,
        );
    }
    say!("\n{table}");
    Ok(())
}
