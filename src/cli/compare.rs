//! `ccsim compare A B`: did B change the results beyond noise, and for the better or worse?

use super::table::{Align, TextTable};
use super::{CliError, progress, run::load_scenario};
use crate::compare::{MetricComparison, RunData, Tolerances, Verdict, compare};
use crate::experiment::{self, RunOptions, RunResults};
use crate::report::{self, number, timestamp_secs, write_atomically};
use crate::stats::{INTERVAL_COLUMNS, Metric, Ratio, interval_columns_shown};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// The baseline: an output folder of `ccsim run`, or a scenario file (run here).
    a: PathBuf,
    /// The change: an output folder, or a scenario file (run with A's seed, so that
    /// replications pair up).
    b: PathBuf,
    /// Folder for comparison.csv (default: output/compare-<A>-<B>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// A difference within this is "the same": METRIC=VALUE (absolute, e.g.
    /// service_level=0.01). Repeatable. Defaults: 0.005 for shares, 1 s for times, 1 % of
    /// A for counts and averages.
    #[arg(long = "tolerance", value_name = "METRIC=VALUE", value_parser = parse_tolerance)]
    tolerances: Vec<(String, f64)>,
    /// Compare runs of different ccsim versions or of incompatible scenarios anyway.
    #[arg(long)]
    force: bool,
    /// Also compare interval by interval (needs scenario files, which keep per-replication
    /// interval values while they run).
    #[arg(long)]
    intervals: bool,
    #[command(flatten)]
    threads: super::ThreadsArg,
}

fn parse_tolerance(s: &str) -> Result<(String, f64), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("\"{s}\": write METRIC=VALUE, e.g. service_level=0.01"))?;
    if Metric::from_name(name).is_none() {
        return Err(format!(
            "\"{name}\" is not a metric of summary.csv (e.g. service_level, asa_s, abandon_rate)"
        ));
    }
    let v: f64 = value
        .parse()
        .map_err(|_| format!("\"{value}\" is not a number"))?;
    if !(v.is_finite() && v >= 0.0) {
        return Err(format!("{v}: a tolerance is 0 or more"));
    }
    Ok((name.to_string(), v))
}

/// One side of the comparison: a finished run, or a scenario to run.
enum Side {
    Folder(PathBuf),
    Scenario(PathBuf),
}

impl Side {
    fn of(path: &Path) -> Side {
        if path.is_dir() {
            Side::Folder(path.to_path_buf())
        } else {
            Side::Scenario(path.to_path_buf())
        }
    }
}

/// Every failure of a comparison exits 2, as bad input does: exit code 1 means "worse".
pub fn run(args: CompareArgs) -> Result<(), CliError> {
    compare_runs(args).map_err(|e| match e {
        CliError::Failed(message) => CliError::Input(message),
        other => other,
    })
}

fn compare_runs(args: CompareArgs) -> Result<(), CliError> {
    let (side_a, side_b) = (Side::of(&args.a), Side::of(&args.b));
    if args.intervals
        && !(matches!(side_a, Side::Scenario(_)) && matches!(side_b, Side::Scenario(_)))
    {
        return Err(CliError::Input(
            "--intervals compares replication by replication within each interval, and run folders keep only interval means: give two scenario files".into(),
        ));
    }
    let scratch = std::env::temp_dir();
    let threads = args.threads.count();
    // A scenario runs with the other side's seed and replications when the other side is a
    // finished run, else with its own; B always follows A, so that replications pair.
    let (a, results_a) = match &side_a {
        Side::Folder(dir) => (RunData::from_dir(dir).map_err(CliError::Input)?, None),
        Side::Scenario(path) => {
            let other = match &side_b {
                Side::Folder(dir) => Some(RunData::from_dir(dir).map_err(CliError::Input)?),
                Side::Scenario(_) => None,
            };
            let r = run_scenario(path, other.as_ref(), threads, &scratch)?;
            (
                RunData::from_results(&path.display().to_string(), &r),
                Some(r),
            )
        }
    };
    let (b, results_b) = match &side_b {
        Side::Folder(dir) => (RunData::from_dir(dir).map_err(CliError::Input)?, None),
        Side::Scenario(path) => {
            let r = run_scenario(path, Some(&a), threads, &scratch)?;
            (
                RunData::from_results(&path.display().to_string(), &r),
                Some(r),
            )
        }
    };
    if !args.force {
        if a.version != b.version {
            return Err(CliError::Input(format!(
                "{} was made by ccsim {} and {} by ccsim {}: results of different versions may differ for reasons other than your change (--force to compare anyway)",
                a.label, a.version, b.label, b.version
            )));
        }
        if let Some(why) = a.shape.incompatibility(&b.shape) {
            return Err(CliError::Input(format!(
                "cannot compare {} with {}: {why} (--force to compare the metrics they share)",
                a.label, b.label
            )));
        }
    }
    for run in [&a, &b] {
        if run.replications() < 2 {
            return Err(CliError::Input(format!(
                "{} has {} replication(s): a comparison needs at least 2 on each side to tell a change from noise",
                run.label,
                run.replications()
            )));
        }
    }
    let (mut a, mut b) = (a, b);
    if let (Some(ra), Some(rb)) = (&results_a, &results_b)
        && args.intervals
    {
        add_intervals(&mut a, ra)?;
        add_intervals(&mut b, rb)?;
    }
    let tolerances = Tolerances(args.tolerances.into_iter().collect());
    let rows = compare(&a, &b, &tolerances);
    let out = args.out.unwrap_or_else(|| {
        Path::new("output").join(format!("compare-{}-{}", stem(&args.a), stem(&args.b)))
    });
    std::fs::create_dir_all(&out)
        .map_err(|e| CliError::Failed(format!("{}: {e}", out.display())))?;
    let path = out.join("comparison.csv");
    write_atomically(&path, |w| write_csv(&rows, w))
        .map_err(|e| CliError::Failed(format!("{}: {e}", path.display())))?;
    let page = out.join("report.html");
    let calendar = results_a.as_ref().map(|r| r.scenario.calendar());
    write_atomically(&page, |w| {
        report::compare_page(w, (&a.label, &b.label), &rows, calendar.as_ref())
    })
    .map_err(|e| CliError::Failed(format!("{}: {e}", page.display())))?;
    print_table(&a, &b, &rows)?;
    say!(
        "\nComparison in {} (charts and every metric in {})",
        path.display(),
        page.display()
    );
    let worse = rows.iter().filter(|r| r.verdict == Verdict::Worse).count();
    if worse > 0 {
        return Err(CliError::Gate(format!(
            "{} worse in {} than in {}",
            super::counted(worse, "metric"),
            b.label,
            a.label
        )));
    }
    Ok(())
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .or(p.file_name())
        .map_or("run".into(), |s| s.to_string_lossy().into_owned())
}

/// Runs a scenario file, with the seed and replications of `follow` if given.
fn run_scenario(
    path: &Path,
    follow: Option<&RunData>,
    threads: usize,
    scratch: &Path,
) -> Result<RunResults, CliError> {
    let scenario = load_scenario(Some(path))?;
    let mut options = RunOptions {
        threads,
        ..RunOptions::from_scenario(&scenario)
    };
    if let Some(f) = follow {
        options.seed = f.seed;
        options.replications = f
            .values
            .first()
            .map_or(options.replications, |(_, v)| v.len() as u32);
    }
    let bar = progress::bar(
        u64::from(options.replications),
        &format!("replications of {}", path.display()),
    );
    let results = experiment::run(&scenario, &options, scratch, &|| bar.inc(1))
        .map_err(|e| CliError::Failed(format!("running {}: {e}", path.display())))?;
    bar.finish_and_clear();
    Ok(results)
}

/// Adds each interval's per-replication values, keyed `queue:NAME@START`.
fn add_intervals(data: &mut RunData, r: &RunResults) -> Result<(), CliError> {
    let s = &r.scenario;
    let shown = interval_columns_shown(s);
    let mut by_key: std::collections::BTreeMap<(usize, usize, usize), Vec<Ratio>> =
        Default::default();
    for reader in r
        .interval_rows()
        .map_err(|e| CliError::Failed(e.to_string()))?
    {
        for row in reader {
            let (interval, queue, values) = row.map_err(|e| CliError::Failed(e.to_string()))?;
            for (c, v) in values.iter().enumerate().filter(|(c, _)| shown[*c]) {
                by_key.entry((interval, queue, c)).or_default().push(*v);
            }
        }
    }
    for ((interval, queue, c), values) in by_key {
        let scope = format!(
            "queue:{}@{}",
            s.queues[queue].name,
            timestamp_secs(s.start, interval as u64 * s.interval)
        );
        data.values
            .push(((scope, INTERVAL_COLUMNS[c].name().to_string()), values));
    }
    Ok(())
}

const COLUMNS: [&str; 14] = [
    "scope",
    "interval_start",
    "metric",
    "mean_a",
    "mean_b",
    "difference",
    "ci95_low",
    "ci95_high",
    "verdict_low",
    "verdict_high",
    "paired",
    "replications",
    "tolerance",
    "verdict",
];

fn write_csv(rows: &[MetricComparison], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    for r in rows {
        let (scope, interval) = r.scope.split_once('@').unwrap_or((&r.scope, ""));
        w.write_record([
            scope.to_string(),
            interval.to_string(),
            r.metric.clone(),
            number(r.mean_a),
            number(r.mean_b),
            number(r.difference),
            number(r.ci_low),
            number(r.ci_high),
            number(r.verdict_low),
            number(r.verdict_high),
            r.paired.to_string(),
            r.replications.to_string(),
            number(r.tolerance),
            r.verdict.name().to_string(),
        ])?;
    }
    w.flush()
}

fn print_table(a: &RunData, b: &RunData, rows: &[MetricComparison]) -> Result<(), CliError> {
    let paired = rows.first().is_some_and(|r| r.paired);
    say!("A: {}\nB: {}", a.label, b.label);
    say!(
        "{} replications; differences are B − A, each beside the interval its verdict uses, wide enough to hold for all metrics together (family-wise error ≤ 5 %); comparison.csv also has each metric's own 95 % CI\n",
        if paired {
            "paired"
        } else {
            "independent (Welch)"
        }
    );
    let mut shown: Vec<&MetricComparison> =
        rows.iter().filter(|r| r.verdict != Verdict::Same).collect();
    shown.sort_by_key(|r| r.verdict);
    let mut table = TextTable::new(&[
        ("verdict", Align::Left),
        ("scope", Align::Left),
        ("metric", Align::Left),
        ("A", Align::Right),
        ("B", Align::Right),
        ("B − A", Align::Right),
        ("family-wise interval", Align::Left),
    ]);
    for r in &shown {
        table.row([
            r.verdict.name().to_string(),
            r.scope.clone(),
            r.metric.clone(),
            short(r.mean_a),
            short(r.mean_b),
            short(r.difference),
            format!("[{}, {}]", short(r.verdict_low), short(r.verdict_high)),
        ]);
    }
    if !shown.is_empty() {
        say!("{table}");
    }
    let same = rows.len() - shown.len();
    say!(
        "… and {} the same within tolerance",
        super::counted(same, "metric")
    );
    Ok(())
}

fn short(v: f64) -> String {
    if v.is_nan() {
        "—".into()
    } else if v.abs() >= 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.4}")
    }
}
