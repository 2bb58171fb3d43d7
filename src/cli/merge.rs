//! `ccsim merge`: the shards of a run, checked to belong together, into the reports `ccsim run`
//! writes for all of its replications.

use super::CliError;
use crate::report::{self, OutputFolder};
use crate::shard::Shard;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// The shard folders written by `ccsim run --shard K/N`, in any order.
    #[arg(required = true)]
    shards: Vec<PathBuf>,
    /// Output folder (default: output/<scenario name>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also write report.xlsx: the summary and interval tables with Excel charts.
    #[arg(long)]
    xlsx: bool,
}

pub fn run(args: MergeArgs) -> Result<(), CliError> {
    let kinds = args
        .shards
        .iter()
        .map(|dir| crate::shard::kind(dir))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CliError::Input)?;
    if kinds.iter().any(|k| k == "sweep") {
        if let Some(i) = kinds.iter().position(|k| k != "sweep") {
            return Err(CliError::Input(format!(
                "{} is not a sweep's shard, unlike the others",
                args.shards[i].display()
            )));
        }
        if args.xlsx {
            return Err(CliError::Input(
                "--xlsx: sweep shards merge into sweep.csv, which has no workbook".into(),
            ));
        }
        return merge_sweep(&args);
    }
    let shards = args
        .shards
        .iter()
        .map(|dir| Shard::read(dir))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CliError::Input)?;
    let mut results = crate::shard::merge(shards).map_err(CliError::Input)?;
    if args.xlsx {
        super::run::check_workbook_fits(&results.scenario)?;
        results.options.xlsx = true;
    }
    let out = args
        .out
        .unwrap_or_else(|| Path::new("output").join(&results.scenario.name));
    let folder = OutputFolder::begin(&out, report::is_run_output)?;
    let exporters = report::exporters(&results.options, !results.scenario.campaigns.is_empty());
    let written = report::write_all(&results, folder.path(), &exporters)
        .map_err(|e| CliError::Failed(format!("writing reports for {}: {e}", out.display())))?;
    folder.commit()?;
    super::run::print_summary(&results)?;
    say!(
        "\n{} shards merged; reports in {}/: {}",
        args.shards.len(),
        out.display(),
        super::run::file_names(&written)
    );
    Ok(())
}

/// Joins a sweep's shards into its `sweep.csv`.
fn merge_sweep(args: &MergeArgs) -> Result<(), CliError> {
    let crate::shard::MergedSweep {
        csv,
        name,
        references,
    } = crate::shard::merge_sweep(&args.shards).map_err(CliError::Input)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("sweep-{name}")));
    let sweep = super::sweep::read_csv(&csv).map_err(CliError::Failed)?;
    let folder = OutputFolder::begin(&out, |name| {
        name == "sweep.csv"
            || name == "report.html"
            || name.starts_with(".ccsim-") && name.ends_with(".tmp")
    })?;
    let failed = |e: std::io::Error| CliError::Failed(format!("writing {}: {e}", out.display()));
    report::write_new(&folder.path().join("sweep.csv"), |w| w.write_all(&csv)).map_err(failed)?;
    report::write_new(&folder.path().join("report.html"), |w| {
        super::sweep::write_page(w, &name, &sweep, &references)
    })
    .map_err(failed)?;
    folder.commit()?;
    super::sweep::print_table(&sweep)?;
    say!(
        "\n{} sweep shards merged into {} (charts in {})",
        args.shards.len(),
        out.join("sweep.csv").display(),
        out.join("report.html").display()
    );
    Ok(())
}
