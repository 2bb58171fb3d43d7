//! `ccsim staff SCENARIO --target service_level=0.8 …`: the fewest agents per interval.

use super::table::{Align, TextTable};
use super::{CliError, progress, run::load_scenario};
use crate::experiment::RunOptions;
use crate::report::{OutputFolder, number, timestamp_secs, write_new};
use crate::scenario::{Duration, SHARE_HELP, Share};
use crate::staffing::{StaffingRequest, Target, column, current_staffing, staff};
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
    /// An agent group to staff (needed when the scenario has several; repeat it to staff
    /// several in one search).
    #[arg(long = "group", value_name = "NAME")]
    groups: Vec<String>,
    /// What an agent-hour of a group costs, GROUP=VALUE (default 1 for each): with several
    /// groups the search adds the cheapest agents and removes the dearest first.
    #[arg(long = "cost", value_name = "GROUP=VALUE", value_parser = parse_cost)]
    costs: Vec<(String, f64)>,
    /// Output folder (default: output/staff-<scenario name>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replications every plan tried starts with (overrides the scenario's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..))]
    replications: Option<u32>,
    /// The most replications a plan gets while an interval's figure is within noise of a
    /// target (default: 16 times the starting replications).
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..))]
    max_replications: Option<u32>,
    /// Seed of every plan tried (overrides the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    #[command(flatten)]
    threads: super::ThreadsArg,
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
    // A time is a duration with its unit (`30s`, `1m`), or plain seconds; a share is
    // `0.8` or `80%`.
    let v = if name == "asa_s" {
        match value.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => v,
            Ok(_) => return Err(format!("{name}={value}: give a duration, 0 or more (30s)")),
            Err(_) => Duration::parse(value)
                .map_err(|e| format!("{name}={value}: {e}"))?
                .secs(),
        }
    } else {
        Share::parse(value)
            .map_err(|_| format!("{name}={value}: {SHARE_HELP}"))?
            .0
    };
    Ok((name.to_string(), v))
}

fn parse_cost(s: &str) -> Result<(String, f64), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("\"{s}\": write GROUP=VALUE (the cost of an agent-hour)"))?;
    match value.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok((name.to_string(), v)),
        _ => Err(format!("\"{value}\": give a cost above 0")),
    }
}

fn parse_floor(s: &str) -> Result<(String, f64), String> {
    parse_bound(s, &["service_level"])
}

fn parse_ceiling(s: &str) -> Result<(String, f64), String> {
    parse_bound(s, &["abandon_rate", "asa_s", "p_wait"])
}

pub fn run(args: StaffArgs) -> Result<(), CliError> {
    let scenario = load_scenario(Some(&args.scenario))?;
    // Without bounds on the command line, the scenario's service-level target is the one.
    let floors: Vec<(String, f64)> = match (
        &scenario.service_level.target,
        args.targets.is_empty() && args.maxima.is_empty(),
    ) {
        (Some(t), true) => vec![("service_level".to_string(), *t)],
        (None, true) => {
            return Err(CliError::Input(
                "give at least one --target (e.g. service_level=0.8) or --max (e.g. abandon_rate=0.05), or a `target` in the scenario's [service_level]"
                    .into(),
            ));
        }
        (_, false) => args.targets.clone(),
    };
    let names: Vec<&str> = scenario
        .agent_groups
        .iter()
        .map(|g| g.name.as_str())
        .collect();
    let find = |name: &str, flag: &str| {
        names.iter().position(|n| *n == name).ok_or_else(|| {
            CliError::Input(format!(
                "{flag} {name}: no [[agent_group]] is named so; defined: {}",
                names.join(", ")
            ))
        })
    };
    let groups: Vec<usize> = match (args.groups.as_slice(), names.as_slice()) {
        ([], [_]) => vec![0],
        ([], _) => {
            return Err(CliError::Input(format!(
                "the scenario has several agent groups: say which to staff with --group ({}; repeat it for several)",
                names.join(", ")
            )));
        }
        (given, _) => {
            let mut groups = Vec::new();
            for name in given {
                let g = find(name, "--group")?;
                if groups.contains(&g) {
                    return Err(CliError::Input(format!("--group {name} is given twice")));
                }
                groups.push(g);
            }
            groups
        }
    };
    for &g in &groups {
        if scenario.agent_groups[g].queues.is_empty() {
            return Err(CliError::Input(format!(
                "group {} serves no queue: `staff` finds the agents queues' targets need; size a campaign's agents by running the scenario at a few head counts (`ccsim run`, and `ccsim compare` two of them)",
                names[g]
            )));
        }
        if scenario.agent_groups[g].staffing.counts().is_none() {
            return Err(CliError::Input(format!(
                "{}:{}: group {} is staffed by shifts: `staff` finds agents per interval, so give the group `staffing = {{ per_interval = [...] }}` (or `count`) to search from",
                scenario.path.display(),
                scenario.agent_groups[g].staffing_line,
                names[g]
            )));
        }
    }
    let mut costs = vec![1.0; groups.len()];
    for (n, (name, cost)) in args.costs.iter().enumerate() {
        if args.costs[..n].iter().any(|(other, _)| other == name) {
            return Err(CliError::Input(format!("--cost {name} is given twice")));
        }
        let g = find(name, "--cost")?;
        let i = groups.iter().position(|&x| x == g).ok_or_else(|| {
            CliError::Input(format!(
                "--cost {name}: the group is not staffed; add --group {name}"
            ))
        })?;
        costs[i] = *cost;
    }
    let targets: Vec<Target> = floors
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
    let start = args.replications.unwrap_or(scenario.replications).max(2);
    let max_replications = args
        .max_replications
        .unwrap_or(start.saturating_mul(16))
        .max(start);
    let options = RunOptions {
        first_replication: 0,
        replications: start,
        seed: args.seed.unwrap_or(scenario.seed),
        threads: args.threads.count(),
        calls: false,
        trace: false,
        xlsx: false,
    };
    let request = StaffingRequest {
        groups: groups.clone(),
        costs: costs.clone(),
        targets,
        options,
        max_replications,
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("staff-{}", scenario.name)));
    // Taken before the search: a folder that cannot be used fails at once.
    let folder = OutputFolder::begin(&out, |name| {
        let file = name.strip_suffix(".tmp").unwrap_or(name);
        file == "staffing.csv" || file == "report.html" || file.ends_with("-staffed.toml")
    })?;
    let bar = progress::counter();
    let plan = staff(&scenario, &request, &|plans, replications| {
        bar.set_message(format!(
            "{plans} plans, {replications} replications simulated"
        ))
    })
    .map_err(CliError::Input)?;
    bar.finish_and_clear();

    let csv_path = folder.path().join("staffing.csv");
    write_new(&csv_path, |w| write_csv(&scenario, &groups, &plan, w))
        .map_err(|e| CliError::Failed(format!("{}: {e}", csv_path.display())))?;
    let text = crate::scenario::input::read_text(
        &args.scenario,
        crate::scenario::input::MAX_SCENARIO_BYTES,
    )
    .map_err(|e| CliError::Failed(e.to_string()))?;
    let mut edits: Vec<(String, String)> = groups
        .iter()
        .zip(&plan.agents)
        .map(|(&g, agents)| {
            let list: Vec<String> = agents.iter().map(u32::to_string).collect();
            (
                format!(
                    "agent_group.{}.staffing.per_interval",
                    scenario.agent_groups[g].name
                ),
                format!("[{}]", list.join(", ")),
            )
        })
        .collect();
    // The copy lives in another folder: the files the scenario names are given absolutely
    // (but not the staffing files of the groups the plan now staffs).
    let replaced: Vec<String> = groups
        .iter()
        .map(|&g| {
            format!(
                "agent_group.{}.staffing.file",
                scenario.agent_groups[g].name
            )
        })
        .collect();
    for (file_key, path) in scenario
        .file_keys()
        .into_iter()
        .filter(|(key, _)| !replaced.contains(key))
    {
        let absolute = std::fs::canonicalize(&path)
            .map_err(|e| CliError::Failed(format!("{}: {e}", path.display())))?;
        edits.push((
            file_key,
            toml_edit::Value::from(absolute.display().to_string()).to_string(),
        ));
    }
    let staffed = crate::sweep::edit(&args.scenario, &text, &edits).map_err(CliError::Failed)?;
    let staffed_name = format!("{}-staffed.toml", scenario.name);
    let staffed_path = folder.path().join(&staffed_name);
    write_new(&staffed_path, |w| w.write_all(staffed.as_bytes()))
        .map_err(|e| CliError::Failed(format!("{}: {e}", staffed_path.display())))?;
    let page_path = folder.path().join("report.html");
    write_new(&page_path, |w| {
        crate::report::staff_page(w, &scenario, &request, &plan)
    })
    .map_err(|e| CliError::Failed(format!("{}: {e}", page_path.display())))?;
    folder.commit()?;
    let (csv_path, staffed_path) = (out.join("staffing.csv"), out.join(staffed_name));

    let first = scenario.first_reported_interval();
    let hours = crate::engine::secs_from_ticks(scenario.interval) / 3600.0;
    let current: Vec<Vec<u32>> = groups
        .iter()
        .map(|&g| current_staffing(&scenario, g))
        .collect();
    let total = |agents: &[u32]| agents[first..].iter().map(|&a| f64::from(a)).sum::<f64>() * hours;
    let several = groups.len() > 1;
    let mut headings = vec!["interval".to_string()];
    for &g in &groups {
        let name = &scenario.agent_groups[g].name;
        for h in ["current", "plan"] {
            headings.push(if several {
                format!("{name} {h}")
            } else {
                h.into()
            });
        }
    }
    let mut columns: Vec<(&str, Align)> = headings
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), if i == 0 { Align::Left } else { Align::Right }))
        .collect();
    // Erlang C staffs the queues, not a mix of groups: one column for all of them.
    columns.push(("Erlang C", Align::Right));
    columns.push(("achieved with the plan (95 % CI)", Align::Left));
    let mut table = TextTable::new(&columns);
    let scenario_ref = &scenario;
    for r in &plan.achieved {
        let k = r.interval;
        let figures: Vec<String> = r
            .queues
            .iter()
            .flat_map(|(q, e)| {
                request.targets.iter().map(move |t| {
                    let x = e[column(&t.metric)];
                    let (scale, unit) = if t.metric == "asa_s" {
                        (1.0, " s")
                    } else {
                        (100.0, " %")
                    };
                    let name = if scenario_ref.queues.len() > 1 {
                        format!("{} {}", scenario_ref.queues[*q].name, t.metric)
                    } else {
                        t.metric.clone()
                    };
                    format!(
                        "{name} {:.1}{unit} [{:.1}, {:.1}]",
                        x.mean * scale,
                        x.ci_low * scale,
                        x.ci_high * scale
                    )
                })
            })
            .collect();
        let mut cells = vec![timestamp_secs(scenario.start, k as u64 * scenario.interval)];
        for (now, found) in current.iter().zip(&plan.agents) {
            cells.extend([now[k].to_string(), found[k].to_string()]);
        }
        cells.push(plan.erlang_c[k].to_string());
        cells.push(format!(
            "{}{}",
            figures.join(", "),
            if r.undecided { "  (undecided)" } else { "" }
        ));
        table.row(cells);
    }
    say!("{table}\n");
    let found: Vec<f64> = plan.agents.iter().map(|a| total(a)).collect();
    let now: Vec<f64> = current.iter().map(|a| total(a)).collect();
    let (all_found, all_now) = (found.iter().sum::<f64>(), now.iter().sum::<f64>());
    let erlang = total(&plan.erlang_c);
    if several {
        for (i, &g) in groups.iter().enumerate() {
            say!(
                "agent-hours of {}: {:.1} found by simulation, {:.1} staffed now",
                scenario.agent_groups[g].name,
                found[i],
                now[i]
            );
        }
    }
    say!(
        "agent-hours{}: {all_found:.1} found by simulation, {erlang:.1} by Erlang C ({:+.1}, {:+.1} %), {all_now:.1} staffed now",
        if several { " of all groups" } else { "" },
        all_found - erlang,
        100.0 * (all_found - erlang) / erlang.max(f64::MIN_POSITIVE)
    );
    if several {
        let cost: f64 = found.iter().zip(&costs).map(|(h, c)| h * c).sum();
        let priced: Vec<String> = groups
            .iter()
            .zip(&costs)
            .map(|(&g, c)| format!("{} {c}", scenario.agent_groups[g].name))
            .collect();
        say!(
            "cost of the plan: {cost:.1} (per agent-hour: {})",
            priced.join(", ")
        );
    }
    let undecided = plan.achieved.iter().filter(|r| r.undecided).count();
    say!(
        "decided on {} replications; {} plans and {} replications simulated in all",
        plan.replications,
        plan.evaluations,
        plan.replications_simulated
    );
    say!(
        "each interval meets the targets by its 99 % CI{}",
        if undecided > 0 {
            format!(
                ", except {undecided} left undecided at {max_replications} replications (judged by the estimate: its figure is within noise of a target)"
            )
        } else {
            String::new()
        }
    );
    let fresh = plan.fresh_seeds;
    say!(
        "on {} fresh seeds the plan meets the targets in {} of {} intervals by the estimate; {} clearly miss (by the 99 % CI)",
        plan.replications,
        fresh.meet,
        fresh.intervals,
        fresh.clearly_miss
    );
    say!(
        "Plan in {}; scenario with it in {}; charts in {}",
        csv_path.display(),
        staffed_path.display(),
        out.join("report.html").display()
    );
    Ok(())
}

const SHOWN: [&str; 4] = ["service_level", "abandon_rate", "asa_s", "p_wait"];

fn write_csv(
    s: &crate::scenario::Scenario,
    groups: &[usize],
    plan: &crate::staffing::StaffingPlan,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec![
        "interval_start".to_string(),
        "queue".into(),
        "agent_group".into(),
        "current_agents".into(),
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
    header.extend(["replications".into(), "decided".into()]);
    w.write_record(&header)?;
    let current: Vec<Vec<u32>> = groups.iter().map(|&g| current_staffing(s, g)).collect();
    for r in &plan.achieved {
        let k = r.interval;
        for (q, e) in &r.queues {
            // A row for each group staffed that serves the queue.
            for (i, &g) in groups.iter().enumerate() {
                if !s.agent_groups[g].queues.contains(q) {
                    continue;
                }
                let mut record = vec![
                    timestamp_secs(s.start, k as u64 * s.interval),
                    s.queues[*q].name.clone(),
                    s.agent_groups[g].name.clone(),
                    current[i][k].to_string(),
                    plan.agents[i][k].to_string(),
                    plan.erlang_c[k].to_string(),
                    number(e[column("offered")].mean),
                ];
                for m in SHOWN {
                    let x = e[column(m)];
                    record.extend([number(x.mean), number(x.ci_low), number(x.ci_high)]);
                }
                record.extend([
                    plan.replications.to_string(),
                    if r.undecided { "no" } else { "yes" }.to_string(),
                ]);
                w.write_record(&record)?;
            }
        }
    }
    w.flush()
}
