//! `ccsim staff SCENARIO --target service_level=0.8 …`: the fewest agents per interval.

use super::{CliError, progress, run::load_scenario};
use crate::experiment::RunOptions;
use crate::report::{number, timestamp_secs, write_atomically};
use crate::staffing::{StaffingRequest, Target, staff};
use crate::stats::INTERVAL_COLUMNS;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct StaffArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// A floor every interval must reach: service_level=VALUE (0.8 = 80 %, under the
    /// scenario's definition and threshold).
    #[arg(long = "target", value_name = "METRIC=VALUE", value_parser = parse_floor)]
    targets: Vec<(String, f64)>,
    /// A ceiling every interval must keep: abandon_rate=VALUE, asa_s=SECONDS or p_wait=VALUE.
    #[arg(long = "max", value_name = "METRIC=VALUE", value_parser = parse_ceiling)]
    maxima: Vec<(String, f64)>,
    /// The agent group to staff (needed when the scenario has several).
    #[arg(long)]
    group: Option<String>,
    /// Output folder (default: output/staff-<scenario name>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replications of every plan tried (overrides the scenario's): more make the plan
    /// closer to the long-run answer.
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..))]
    replications: Option<u32>,
    /// Seed of every plan tried (overrides the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    threads: Option<u32>,
}

fn parse_bound(s: &str, allowed: &[&str]) -> Result<(String, f64), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("\"{s}\": write METRIC=VALUE"))?;
    if !allowed.contains(&name) {
        return Err(format!(
            "\"{name}\" cannot be bounded this way; allowed: {}",
            allowed.join(", ")
        ));
    }
    let v: f64 = value
        .parse()
        .map_err(|_| format!("\"{value}\" is not a number"))?;
    let fraction = name != "asa_s";
    if !(v.is_finite() && v >= 0.0 && (!fraction || v <= 1.0)) {
        return Err(format!(
            "{name}={v}: give {}",
            if fraction {
                "a fraction from 0 to 1 (0.8 = 80 %)"
            } else {
                "seconds, 0 or more"
            }
        ));
    }
    Ok((name.to_string(), v))
}

fn parse_floor(s: &str) -> Result<(String, f64), String> {
    parse_bound(s, &["service_level"])
}

fn parse_ceiling(s: &str) -> Result<(String, f64), String> {
    parse_bound(s, &["abandon_rate", "asa_s", "p_wait"])
}

pub fn run(args: StaffArgs) -> Result<(), CliError> {
    if args.targets.is_empty() && args.maxima.is_empty() {
        return Err(CliError::Input(
            "give at least one --target (e.g. service_level=0.8) or --max (e.g. abandon_rate=0.05)"
                .into(),
        ));
    }
    let scenario = load_scenario(Some(&args.scenario))?;
    let names: Vec<&str> = scenario
        .agent_groups
        .iter()
        .map(|g| g.name.as_str())
        .collect();
    let group = match (&args.group, names.as_slice()) {
        (Some(name), _) => names.iter().position(|n| n == name).ok_or_else(|| {
            CliError::Input(format!(
                "--group {name}: no [[agent_group]] is named so; defined: {}",
                names.join(", ")
            ))
        })?,
        (None, [_]) => 0,
        (None, _) => {
            return Err(CliError::Input(format!(
                "the scenario has several agent groups: say which to staff with --group ({})",
                names.join(", ")
            )));
        }
    };
    if scenario.agent_groups[group].staffing.counts().is_none() {
        return Err(CliError::Input(format!(
            "group {} is staffed by shifts: `staff` finds agents per interval, so give the group `staffing = {{ per_interval = [...] }}` (or `count`) to search from",
            names[group]
        )));
    }
    let targets: Vec<Target> = args
        .targets
        .iter()
        .map(|(m, v)| Target {
            metric: m.clone(),
            bound: *v,
            at_least: true,
        })
        .chain(args.maxima.iter().map(|(m, v)| Target {
            metric: m.clone(),
            bound: *v,
            at_least: false,
        }))
        .collect();
    let options = RunOptions {
        replications: args.replications.unwrap_or(scenario.replications).max(2),
        seed: args.seed.unwrap_or(scenario.seed),
        threads: args.threads.map_or(0, |t| t as usize),
        calls: false,
        trace: false,
    };
    let request = StaffingRequest {
        group,
        targets,
        options,
    };
    let bar = progress::bar(0, "plans simulated");
    let plan = staff(&scenario, &request, &std::env::temp_dir(), &|_| bar.inc(1))
        .map_err(CliError::Input)?;
    bar.finish_and_clear();

    let out = args
        .out
        .unwrap_or_else(|| Path::new("output").join(format!("staff-{}", scenario.name)));
    std::fs::create_dir_all(&out)
        .map_err(|e| CliError::Failed(format!("{}: {e}", out.display())))?;
    let csv_path = out.join("staffing.csv");
    write_atomically(&csv_path, |w| write_csv(&scenario, &plan, w))
        .map_err(|e| CliError::Failed(format!("{}: {e}", csv_path.display())))?;
    let text =
        std::fs::read_to_string(&args.scenario).map_err(|e| CliError::Failed(e.to_string()))?;
    let list = format!(
        "[{}]",
        plan.agents
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let key = format!(
        "agent_group.{}.staffing.per_interval",
        scenario.agent_groups[group].name
    );
    // The copy lives in another folder: the files the scenario names are given absolutely.
    let mut edits = vec![(key, list)];
    for (file_key, path) in scenario.file_keys() {
        let absolute = std::fs::canonicalize(&path)
            .map_err(|e| CliError::Failed(format!("{}: {e}", path.display())))?;
        edits.push((
            file_key,
            toml_edit::Value::from(absolute.display().to_string()).to_string(),
        ));
    }
    let staffed = crate::sweep::edit(&args.scenario, &text, &edits).map_err(CliError::Failed)?;
    let staffed_path = out.join(format!("{}-staffed.toml", scenario.name));
    write_atomically(&staffed_path, |w| w.write_all(staffed.as_bytes()))
        .map_err(|e| CliError::Failed(format!("{}: {e}", staffed_path.display())))?;

    let first = scenario.first_reported_interval();
    let hours = crate::engine::secs_from_ticks(scenario.interval) / 3600.0;
    let total = |agents: &[u32]| agents[first..].iter().map(|&a| f64::from(a)).sum::<f64>() * hours;
    println!("{:<22} {:>7} {:>9}", "interval", "agents", "Erlang C");
    for k in first..plan.agents.len() {
        println!(
            "{:<22} {:>7} {:>9}",
            timestamp_secs(scenario.start, k as u64 * scenario.interval),
            plan.agents[k],
            plan.erlang_c[k]
        );
    }
    let (found, erlang) = (total(&plan.agents), total(&plan.erlang_c));
    println!(
        "\nagent-hours: {found:.1} found by simulation, {erlang:.1} by Erlang C ({:+.1}, {:+.1} %)",
        found - erlang,
        100.0 * (found - erlang) / erlang.max(f64::MIN_POSITIVE)
    );
    println!(
        "{} plans simulated, {} replications each; every interval meets the targets by its mean over replications",
        plan.evaluations, request.options.replications
    );
    let (meet, of) = plan.fresh_seed_meets;
    println!(
        "on fresh seeds the plan meets the targets in {meet} of {of} intervals{}",
        if meet < of {
            " (intervals just above a target fall below it by chance: more --replications make the plan steadier)"
        } else {
            ""
        }
    );
    println!(
        "Plan in {}; scenario with it in {}",
        csv_path.display(),
        staffed_path.display()
    );
    Ok(())
}

const SHOWN: [&str; 3] = ["service_level", "abandon_rate", "asa_s"];

fn write_csv(
    s: &crate::scenario::Scenario,
    plan: &crate::staffing::StaffingPlan,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec![
        "interval_start".to_string(),
        "queue".into(),
        "agents".into(),
        "erlang_c_agents".into(),
        "offered".into(),
    ];
    for m in SHOWN {
        header.extend([
            m.to_string(),
            format!("{m}_ci95_low"),
            format!("{m}_ci95_high"),
        ]);
    }
    w.write_record(&header)?;
    let col = |name: &str| {
        INTERVAL_COLUMNS
            .iter()
            .position(|c| *c == name)
            .expect("an interval column")
    };
    for (k, q, e) in &plan.achieved {
        let mut record = vec![
            timestamp_secs(s.start, *k as u64 * s.interval),
            s.queues[*q].name.clone(),
            plan.agents[*k].to_string(),
            plan.erlang_c[*k].to_string(),
            number(e[col("offered")].mean),
        ];
        for m in SHOWN {
            let x = e[col(m)];
            record.extend([number(x.mean), number(x.ci_low), number(x.ci_high)]);
        }
        w.write_record(&record)?;
    }
    w.flush()
}
