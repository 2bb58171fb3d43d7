//! `ccsim sweep SCENARIO --set KEY=VALUES …`: run every combination of values.

use super::table::{Align, TextTable};
use super::{CliError, progress};
use crate::experiment::{self, RunOptions};
use crate::report::OutputFolder;
use crate::report::{number, spreadsheet_safe, summary_estimates, write_atomically};
use crate::shard::ShardSpec;
use crate::stats::{Estimate, Metric, Scope};
use crate::sweep::{Setting, apply, grid};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct SweepArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// A key and its values: KEY=V1,V2,… or KEY=A..B (whole numbers) or KEY=A..B..STEP.
    /// Keys are dotted paths, naming queues, groups, pools and campaigns:
    /// queue.support.patience.mean=60s,120s, agent_group.tier1.staffing.count=10..16 or
    /// campaign.renewals.idle_threshold=0..4. Repeat for a grid (each key once).
    #[arg(long = "set", value_name = "KEY=VALUES", required = true)]
    sets: Vec<Setting>,
    /// Output folder for sweep.csv (default: output/sweep-<scenario name>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replications at every point (overrides the scenario's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    replications: Option<u32>,
    /// Seed of every point (overrides the scenario's); all points share it.
    #[arg(long)]
    seed: Option<u64>,
    #[command(flatten)]
    threads: super::ThreadsArg,
    /// Run only shard K of N (from 0) of the points and write a shard folder for
    /// `ccsim merge` (default: output/sweep-<name>-shard-K-of-N/); `env` as for `run`.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
}

/// A row of `sweep.csv`: the point's number, its values and its estimates (one per
/// [`Figure`] of the sweep, in order).
type Row = (usize, Vec<String>, Vec<Option<Estimate>>);

/// The run-wide figures of a sweep row (scope `all`); those with an interval get CI columns.
const METRICS: [(Metric, bool); 9] = [
    (Metric::Offered, false),
    (Metric::ServiceLevel, true),
    (Metric::AsaS, true),
    (Metric::AbandonRate, true),
    (Metric::PWait, true),
    (Metric::Occupancy, true),
    (Metric::BlockRate, true),
    (Metric::CallbacksAccepted, false),
    (Metric::CallbackWaitS, true),
];

/// Each campaign's figures in a sweep row, after the run-wide ones: what blending and
/// pacing trade against inbound service.
const CAMPAIGN_METRICS: [Metric; 7] = [
    Metric::Dials,
    Metric::OutboundConnected,
    Metric::DropRate,
    Metric::DropCapMet,
    Metric::ContactsPerAgentHour,
    Metric::OutboundUtilisation,
    Metric::ListPenetration,
];

/// A figure of a sweep row: run-wide, or a campaign's (by name: a sweep may set campaigns
/// themselves, so a point need not have every campaign, nor in the same place).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Figure {
    campaign: Option<String>,
    metric: Metric,
    ci: bool,
}

impl Figure {
    /// The figures of a sweep of `points`: the run-wide ones, then those of each campaign
    /// any point has, in order of first appearance.
    fn of(points: &[crate::scenario::Scenario]) -> Vec<Figure> {
        let mut names: Vec<&str> = Vec::new();
        for c in points.iter().flat_map(|s| &s.campaigns) {
            if !names.contains(&c.name.as_str()) {
                names.push(&c.name);
            }
        }
        let run_wide = METRICS.iter().map(|&(metric, ci)| Figure {
            campaign: None,
            metric,
            ci,
        });
        let campaigns = names.into_iter().flat_map(|name| {
            CAMPAIGN_METRICS.iter().map(move |&metric| Figure {
                campaign: Some(name.to_string()),
                metric,
                ci: true,
            })
        });
        run_wide.chain(campaigns).collect()
    }

    /// Its scope in a run of `s`; `None` if `s` has no such campaign.
    fn scope(&self, s: &crate::scenario::Scenario) -> Option<Scope> {
        match &self.campaign {
            None => Some(Scope::All),
            Some(name) => s
                .campaigns
                .iter()
                .position(|c| c.name == *name)
                .map(Scope::Campaign),
        }
    }

    /// The level its chart marks in a run of `s`, if any: the service level's target, a
    /// campaign's abandoned-rate cap.
    fn reference(&self, s: &crate::scenario::Scenario) -> Option<f64> {
        match (self.metric, self.scope(s)?) {
            (Metric::ServiceLevel, Scope::All) => s.service_level.target,
            (Metric::DropRate, Scope::Campaign(k)) => Some(s.campaigns[k].max_drop_rate),
            _ => None,
        }
    }

    /// What its reference line is, for the chart's legend.
    fn reference_label(&self) -> &'static str {
        match self.metric {
            Metric::DropRate => "cap (max_drop_rate)",
            _ => "target",
        }
    }

    /// Its scope as `summary.csv` writes it: `all`, or `campaign:NAME`.
    fn scope_label(&self) -> String {
        self.campaign
            .as_ref()
            .map_or_else(|| "all".to_string(), |name| format!("campaign:{name}"))
    }

    /// Its columns in `sweep.csv`: the mean's, named by the metric (after its scope and a
    /// colon for a campaign's), then its CI's.
    fn columns(&self) -> Vec<String> {
        let name = match &self.campaign {
            None => self.metric.name().to_string(),
            Some(_) => format!("{}:{}", self.scope_label(), self.metric.name()),
        };
        if self.ci {
            let (low, high) = (format!("{name}_ci95_low"), format!("{name}_ci95_high"));
            vec![name, low, high]
        } else {
            vec![name]
        }
    }

    /// The figure a `sweep.csv` column names (its mean's column).
    fn parse(column: &str) -> Option<Figure> {
        if let Some(rest) = column.strip_prefix("campaign:") {
            let (name, metric) = rest.rsplit_once(':')?;
            let metric = CAMPAIGN_METRICS.into_iter().find(|m| m.name() == metric)?;
            return Some(Figure {
                campaign: Some(name.to_string()),
                metric,
                ci: true,
            });
        }
        let &(metric, ci) = METRICS.iter().find(|(m, _)| m.name() == column)?;
        Some(Figure {
            campaign: None,
            metric,
            ci,
        })
    }

    /// How it is titled on the page and on screen.
    fn title(&self) -> String {
        match &self.campaign {
            None => self.metric.label().to_string(),
            Some(name) => format!("{}: {}", name, self.metric.label()),
        }
    }
}

pub fn run(args: SweepArgs) -> Result<(), CliError> {
    let path = &args.scenario;
    for (flag, given, key) in [
        ("--seed", args.seed.is_some(), "simulation.seed"),
        (
            "--replications",
            args.replications.is_some(),
            "simulation.replications",
        ),
    ] {
        if given && args.sets.iter().any(|s| s.key == key) {
            return Err(CliError::Input(format!(
                "{flag} and --set {key} both set it: give one"
            )));
        }
    }
    if let Some(twice) = args
        .sets
        .iter()
        .enumerate()
        .find(|(i, s)| args.sets[..*i].iter().any(|t| t.key == s.key))
    {
        return Err(CliError::Input(format!(
            "--set {}: the key is given twice: give its values once, separated by commas",
            twice.1.key
        )));
    }
    let text = crate::scenario::input::read_text(path, crate::scenario::input::MAX_SCENARIO_BYTES)
        .map_err(|e| {
            CliError::Input(format!("{}: cannot read the scenario: {e}", path.display()))
        })?;
    let points = grid(&args.sets);
    // Every point is checked before any runs: a bad value fails at once, naming its key.
    let scenarios = points
        .iter()
        .map(|p| apply(path, &text, p))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CliError::Input)?;
    let base = &scenarios[0];
    let shard = args
        .shard
        .as_deref()
        .map(|spec| ShardSpec::parse(spec, |name| std::env::var(name).ok()))
        .transpose()
        .map_err(|e| CliError::Input(format!("--shard {e}")))?;
    let (first, count) = shard.map_or((0, points.len() as u32), |s| s.range(points.len() as u32));
    let out = args.out.clone().unwrap_or_else(|| {
        Path::new("output").join(match shard {
            None => format!("sweep-{}", base.name),
            Some(s) => format!("sweep-{}-shard-{}-of-{}", base.name, s.index, s.count),
        })
    });
    // A shard's folder is written whole at the end; a sweep's csv after every point.
    let folder = shard
        .map(|_| OutputFolder::begin(&out, crate::shard::is_sweep_shard_output))
        .transpose()?;
    if folder.is_none() {
        std::fs::create_dir_all(&out)
            .map_err(|e| CliError::Failed(format!("{}: {e}", out.display())))?;
    }
    let csv_path = out.join("sweep.csv");
    let keys: Vec<String> = args.sets.iter().map(|s| s.key.clone()).collect();
    // Columns by every point, shards' too: a point may set its own campaigns.
    let figures = Figure::of(&scenarios);
    let threads = args.threads.count();
    let bar = progress::bar(u64::from(count), "points");
    let mut rows: Vec<Row> = Vec::new();
    let part = (first as usize)..(first + count) as usize;
    for (i, (point, scenario)) in points.iter().zip(&scenarios).enumerate() {
        if !part.contains(&i) {
            continue;
        }
        // Every point has the scenario's seed (common random numbers), unless the sweep sets it.
        let seed = args.seed.unwrap_or(scenario.seed);
        let options = RunOptions {
            first_replication: 0,
            replications: args.replications.unwrap_or(scenario.replications),
            seed,
            threads,
            calls: false,
            trace: false,
            xlsx: false,
        };
        let results = experiment::run(scenario, &options, &std::env::temp_dir(), &|| {})
            .map_err(|e| CliError::Failed(format!("running {}: {e}", path.display())))?;
        let estimates = summary_estimates(&results);
        let find = |f: &Figure| {
            let scope = f.scope(scenario)?;
            results
                .catalog
                .iter()
                .position(|&(s, m)| s == scope && m == f.metric)
                .map(|i| estimates[i])
        };
        rows.push((
            i,
            point.iter().map(|(_, v)| v.clone()).collect(),
            figures.iter().map(find).collect(),
        ));
        // Re-written after every point, so an interrupted sweep keeps what it did.
        if folder.is_none() {
            write_atomically(&csv_path, |w| write_csv(&keys, &figures, &rows, true, w))
                .map_err(|e| CliError::Failed(format!("{}: {e}", csv_path.display())))?;
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    if let (Some(folder), Some(spec)) = (folder, shard) {
        let mut header = Vec::new();
        write_csv(&keys, &figures, &[], true, &mut header)?;
        let mut body = Vec::new();
        write_csv(&keys, &figures, &rows, false, &mut body)?;
        let part = crate::shard::SweepPart {
            sets: args
                .sets
                .iter()
                .map(|s| format!("{}={}", s.key, s.values.join(",")))
                .collect(),
            replications: args.replications,
            seed: args.seed,
            header: String::from_utf8_lossy(&header).trim_end().to_string(),
            points: points.len() as u32,
            first_point: first,
            shard_points: count,
            references: references(&figures, &scenarios),
        };
        crate::shard::write_sweep(folder.path(), &body, base, &scenarios, part)
            .map_err(|e| CliError::Failed(format!("writing shard {}: {e}", out.display())))?;
        folder.commit()?;
        let share = match count {
            0 => format!(
                "none of the {} points (more shards than points)",
                points.len()
            ),
            _ => format!(
                "points {first} to {} of {}",
                first + count - 1,
                points.len()
            ),
        };
        say!(
            "Sweep shard {} of {} — {share} — in {}/; merge the shards with `ccsim merge`",
            spec.index,
            spec.count,
            out.display()
        );
        return Ok(());
    }
    // The page and the table show what sweep.csv holds, as they do for merged shards.
    let mut csv = Vec::new();
    write_csv(&keys, &figures, &rows, true, &mut csv)?;
    let sweep = read_csv(&csv).map_err(CliError::Failed)?;
    let page = out.join("report.html");
    let references = references(&figures, &scenarios);
    write_atomically(&page, |w| write_page(w, &base.name, &sweep, &references))
        .map_err(|e| CliError::Failed(format!("{}: {e}", page.display())))?;
    print_table(&sweep)?;
    say!(
        "\n{} points, common random numbers across them; sweep in {} (charts in {})",
        sweep.rows.len(),
        csv_path.display(),
        page.display()
    );
    Ok(())
}

/// Each figure's reference level where every point that has the figure has the same one (a
/// sweep of the target or the cap itself marks none).
fn references(figures: &[Figure], points: &[crate::scenario::Scenario]) -> Vec<Option<f64>> {
    figures
        .iter()
        .map(|f| {
            let mut each = points
                .iter()
                .filter(|s| f.scope(s).is_some())
                .map(|s| f.reference(s));
            let first = each.next().flatten()?;
            each.all(|r| r == Some(first)).then_some(first)
        })
        .collect()
}

/// A `sweep.csv` read back: its keys, figures and rows.
pub(super) struct Sweep {
    keys: Vec<String>,
    figures: Vec<Figure>,
    rows: Vec<Row>,
}

/// Writes the sweep's `report.html`: each figure against the swept values, with the
/// `references` [`references`] gave its figures (by the figures of `sweep.csv`'s header).
pub(super) fn write_page(
    out: &mut dyn std::io::Write,
    name: &str,
    sweep: &Sweep,
    references: &[Option<f64>],
) -> std::io::Result<()> {
    let points: Vec<crate::report::SweepPoint> = sweep
        .rows
        .iter()
        .map(|(_, v, e)| (v.as_slice(), e.as_slice()))
        .collect();
    let figures: Vec<crate::report::SweepFigure> = sweep
        .figures
        .iter()
        .enumerate()
        .map(|(i, f)| crate::report::SweepFigure {
            scope: f.scope_label(),
            title: f.title(),
            metric: f.metric,
            reference: references
                .get(i)
                .copied()
                .flatten()
                .map(|r| (f.reference_label(), r)),
        })
        .collect();
    crate::report::sweep_page(out, name, &sweep.keys, &points, &figures)
}

/// The keys, figures and rows of a `sweep.csv` [`write_csv`] wrote (merged shards'), for
/// their page and table. An empty cell is an undefined figure.
pub(super) fn read_csv(csv: &[u8]) -> Result<Sweep, String> {
    let mut reader = csv::Reader::from_reader(csv);
    let bad = |e: &dyn std::fmt::Display| format!("the merged sweep.csv: {e}");
    let header = reader.headers().map_err(|e| bad(&e))?.clone();
    // From the right: the campaigns' figures (each with its CI), then the run-wide ones; the
    // keys are what is left after `point`.
    let columns: Vec<&str> = header.iter().collect();
    let mut end = columns.len();
    let mut campaign_columns = Vec::new();
    while end >= 4 && columns[end - 3].starts_with("campaign:") {
        campaign_columns.push(columns[end - 3]);
        end -= 3;
    }
    let run_wide: usize = METRICS.iter().map(|&(_, ci)| if ci { 3 } else { 1 }).sum();
    let Some(key_count) = end.checked_sub(1 + run_wide) else {
        return Err(bad(&"its header has too few columns"));
    };
    let mut figures: Vec<Figure> = METRICS
        .iter()
        .map(|&(metric, ci)| Figure {
            campaign: None,
            metric,
            ci,
        })
        .collect();
    for column in campaign_columns.into_iter().rev() {
        figures.push(
            Figure::parse(column)
                .ok_or_else(|| bad(&format!("its header has an unknown column {column}")))?,
        );
    }
    // Every figure's columns, in the order `write_csv` writes them.
    let expected: Vec<String> = figures.iter().flat_map(Figure::columns).collect();
    if columns[1 + key_count..] != expected {
        return Err(bad(
            &"its header's figure columns are not those a sweep writes",
        ));
    }
    let keys: Vec<String> = columns[1..1 + key_count]
        .iter()
        .map(|k| k.to_string())
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| bad(&e))?;
        let point: usize = record[0].parse().map_err(|e| bad(&e))?;
        let values = record
            .iter()
            .skip(1)
            .take(key_count)
            .map(String::from)
            .collect();
        let mut cells = record.iter().skip(1 + key_count);
        let mut next = || -> Result<f64, String> {
            match cells.next() {
                Some("") => Ok(f64::NAN),
                Some(v) => v.parse().map_err(|e| bad(&e)),
                None => Err(bad(&"a row has too few columns")),
            }
        };
        let mut estimates = Vec::new();
        for f in &figures {
            let mean = next()?;
            // A figure without CI columns has no interval to chart.
            let (ci_low, ci_high) = if f.ci {
                (next()?, next()?)
            } else {
                (f64::NAN, f64::NAN)
            };
            estimates.push(Some(Estimate {
                mean,
                ci_low,
                ci_high,
                n: 0,
            }));
        }
        rows.push((point, values, estimates));
    }
    Ok(Sweep {
        keys,
        figures,
        rows,
    })
}

/// Writes `sweep.csv`'s rows, after its header when `header`.
fn write_csv(
    keys: &[String],
    figures: &[Figure],
    rows: &[Row],
    header: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    // Keys and values are echoed from the command line: never a formula in a spreadsheet.
    let mut columns: Vec<String> = std::iter::once("point".to_string())
        .chain(keys.iter().map(|k| spreadsheet_safe(k).into_owned()))
        .collect();
    columns.extend(figures.iter().flat_map(Figure::columns));
    if header {
        w.write_record(&columns)?;
    }
    for (i, values, estimates) in rows {
        let mut record: Vec<String> = std::iter::once(i.to_string())
            .chain(values.iter().map(|v| spreadsheet_safe(v).into_owned()))
            .collect();
        for (f, e) in figures.iter().zip(estimates) {
            let e = e.unwrap_or(Estimate {
                mean: f64::NAN,
                ci_low: f64::NAN,
                ci_high: f64::NAN,
                n: 0,
            });
            record.push(number(e.mean));
            if f.ci {
                record.push(number(e.ci_low));
                record.push(number(e.ci_high));
            }
        }
        w.write_record(&record)?;
    }
    w.flush()
}

/// The sweep on screen: the keys, inbound service, and each campaign's connected calls,
/// drop rate and share of days within its cap.
pub(super) fn print_table(sweep: &Sweep) -> Result<(), CliError> {
    /// How a figure is written in the table.
    #[derive(Clone, Copy)]
    enum Form {
        Percent,
        Seconds,
        Count,
    }
    let cell = |form: Form, e: Option<Estimate>| match e.filter(|e| !e.mean.is_nan()) {
        None => "—".to_string(),
        Some(e) => match form {
            Form::Percent => format!("{:.1} %", e.mean * 100.0),
            Form::Seconds => format!("{:.1} s", e.mean),
            Form::Count => format!("{:.0}", e.mean),
        },
    };
    let mut shown: Vec<(String, usize, Form)> = Vec::new();
    for (i, f) in sweep.figures.iter().enumerate() {
        let (label, form) = match (&f.campaign, f.metric) {
            (None, Metric::ServiceLevel) => ("service level", Form::Percent),
            (None, Metric::AsaS) => ("ASA", Form::Seconds),
            (None, Metric::AbandonRate) => ("abandon rate", Form::Percent),
            (None, Metric::Occupancy) => ("occupancy", Form::Percent),
            (Some(_), Metric::OutboundConnected) => ("connected", Form::Count),
            (Some(_), Metric::DropRate) => ("drop rate", Form::Percent),
            (Some(_), Metric::DropCapMet) => ("days within cap", Form::Percent),
            _ => continue,
        };
        let label = match &f.campaign {
            None => label.to_string(),
            Some(name) => format!("{name}: {label}"),
        };
        shown.push((label, i, form));
    }
    let mut columns: Vec<(&str, Align)> = sweep
        .keys
        .iter()
        .map(|k| (k.as_str(), Align::Right))
        .collect();
    columns.extend(
        shown
            .iter()
            .map(|(label, _, _)| (label.as_str(), Align::Right)),
    );
    let mut table = TextTable::new(&columns);
    for (_, values, e) in &sweep.rows {
        let mut cells = values.clone();
        cells.extend(shown.iter().map(|&(_, i, form)| cell(form, e[i])));
        table.row(cells);
    }
    say!("{table}");
    Ok(())
}
