//! `ccsim erlang b|c|a`: the analytic formulas, and the fewest agents or ports meeting a target.

use super::CliError;
use crate::erlang::{ErlangAInput, erlang_a, erlang_b, erlang_c, fewest};
use crate::scenario::{Duration, SlDefinition};
use clap::{Args, Subcommand};

#[derive(Args, Debug)]
pub struct ErlangArgs {
    #[command(subcommand)]
    model: ErlangModel,
}

#[derive(Subcommand, Debug)]
enum ErlangModel {
    /// Erlang B: blocking of a loss system (ports; blocked calls are lost).
    B {
        #[command(flatten)]
        traffic: Traffic,
        /// Ports: a number (30) or an inclusive range (25..35).
        #[arg(long)]
        ports: Option<Counts>,
        /// Find the fewest ports with blocking at most this (0.01 = 1 %).
        #[arg(long)]
        max_blocking: Option<f64>,
    },
    /// Erlang C: M/M/n, callers wait as long as it takes.
    C {
        #[command(flatten)]
        traffic: Traffic,
        #[command(flatten)]
        agents: Agents,
        /// Service-level threshold.
        #[arg(long, default_value = "20s")]
        threshold: Duration,
    },
    /// Erlang A: M/M/n+M, callers abandon after an exponential patience.
    A {
        #[command(flatten)]
        traffic: Traffic,
        #[command(flatten)]
        agents: Agents,
        /// Mean patience.
        #[arg(long)]
        patience: Duration,
        /// Service-level threshold.
        #[arg(long, default_value = "20s")]
        threshold: Duration,
        /// Abandons within this wait are short (for short_abandons_excluded).
        #[arg(long, default_value = "5s")]
        short_abandon: Duration,
        /// Service-level definition that --target-sl applies to.
        #[arg(long, default_value = "offered", value_parser = parse_definition)]
        definition: SlDefinition,
        /// Find the fewest agents with abandonment at most this (0.05 = 5 %).
        #[arg(long)]
        max_abandon: Option<f64>,
    },
}

#[derive(Args, Debug)]
struct Traffic {
    /// Calls offered per interval (a forecast's volume).
    #[arg(long)]
    calls: f64,
    /// The interval the calls are counted over.
    #[arg(long, default_value = "30m")]
    interval: Duration,
    /// Mean handle time (talk plus wrap-up).
    #[arg(long)]
    aht: Duration,
    /// Print CSV instead of a table.
    #[arg(long)]
    csv: bool,
}

#[derive(Args, Debug)]
struct Agents {
    /// Agents: a number (12) or an inclusive range (10..16).
    #[arg(long)]
    agents: Option<Counts>,
    /// Find the fewest agents with a service level of at least this (0.8 = 80 %).
    #[arg(long)]
    target_sl: Option<f64>,
    /// Find the fewest agents with an ASA of at most this.
    #[arg(long)]
    max_asa: Option<Duration>,
}

/// An inclusive range of server counts, written `12` or `10..16`.
#[derive(Clone, Copy, Debug)]
struct Counts(u32, u32);

impl std::str::FromStr for Counts {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "\"{s}\" is not a count: write a whole number (12) or an inclusive range (10..16)"
            )
        };
        let (lo, hi) = match s.split_once("..") {
            Some((a, b)) => (
                a.trim().parse().map_err(|_| bad())?,
                b.trim().parse().map_err(|_| bad())?,
            ),
            None => {
                let n = s.trim().parse().map_err(|_| bad())?;
                (n, n)
            }
        };
        if lo == 0 || hi < lo {
            return Err(format!(
                "\"{s}\": counts start at 1 and a range must not be empty"
            ));
        }
        Ok(Counts(lo, hi))
    }
}

fn parse_definition(s: &str) -> Result<SlDefinition, String> {
    SlDefinition::from_name(s).ok_or_else(|| {
        let names: Vec<_> = SlDefinition::ALL.iter().map(|d| d.name()).collect();
        format!("unknown definition \"{s}\"; allowed: {}", names.join(", "))
    })
}

/// Server counts searched for a target go up to this.
const SEARCH_LIMIT: u32 = 100_000;

fn fraction(name: &str, v: Option<f64>) -> Result<(), CliError> {
    match v {
        Some(x) if !(0.0..=1.0).contains(&x) => Err(CliError::Input(format!(
            "--{name} {x}: give a fraction from 0 to 1 (0.8 = 80 %)"
        ))),
        _ => Ok(()),
    }
}

impl Traffic {
    fn check(&self) -> Result<f64, CliError> {
        if !(self.calls.is_finite() && self.calls >= 0.0) {
            return Err(CliError::Input(format!(
                "--calls {}: give the calls per interval, 0 or more",
                self.calls
            )));
        }
        if self.interval.ticks() == 0 || self.aht.ticks() == 0 {
            return Err(CliError::Input(
                "--interval and --aht must be more than 0s".into(),
            ));
        }
        Ok(self.calls / self.interval.secs())
    }
}

pub fn erlang(args: ErlangArgs) -> Result<(), CliError> {
    match args.model {
        ErlangModel::B {
            traffic,
            ports,
            max_blocking,
        } => {
            let rate = traffic.check()?;
            fraction("max-blocking", max_blocking)?;
            let load = rate * traffic.aht.secs();
            let target = max_blocking.map(|m| fewest(SEARCH_LIMIT, |n| erlang_b(n, load) <= m));
            let rows = rows_for(ports, target, "ports")?
                .into_iter()
                .map(|n| vec![n.to_string(), fmt(erlang_b(n, load), 6)])
                .collect();
            print_table(
                &format!("Erlang B: {load:.3} Erlangs offered"),
                &["ports", "blocking"],
                rows,
                traffic.csv,
            )?;
            report_target(
                "ports",
                "blocking at most",
                max_blocking.map(|m| m.to_string()),
                target,
                traffic.csv,
            )?;
        }
        ErlangModel::C {
            traffic,
            agents,
            threshold,
        } => {
            let rate = traffic.check()?;
            fraction("target-sl", agents.target_sl)?;
            let (aht, t) = (traffic.aht.secs(), threshold.secs());
            let load = rate * aht;
            let meets = |n: u32| {
                erlang_c(n, load, aht, t).is_some_and(|c| {
                    agents.target_sl.is_none_or(|sl| c.service_level >= sl)
                        && agents.max_asa.is_none_or(|m| c.asa <= m.secs())
                })
            };
            let target = agents.has_target().then(|| fewest(SEARCH_LIMIT, meets));
            let rows = rows_for(agents.agents, target, "agents")?
                .into_iter()
                .map(|n| match erlang_c(n, load, aht, t) {
                    Some(c) => vec![
                        n.to_string(),
                        fmt(c.occupancy, 4),
                        fmt(c.p_wait, 6),
                        fmt(c.service_level, 6),
                        fmt(c.asa, 3),
                    ],
                    None => vec![
                        n.to_string(),
                        "unstable (load ≥ agents)".into(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ],
                })
                .collect();
            print_table(
                &format!("Erlang C: {load:.3} Erlangs offered, service level within {threshold}"),
                &["agents", "occupancy", "p_wait", "service_level", "asa_s"],
                rows,
                traffic.csv,
            )?;
            report_target(
                "agents",
                "meeting",
                agents.describe(None, None),
                target,
                traffic.csv,
            )?;
        }
        ErlangModel::A {
            traffic,
            agents,
            patience,
            threshold,
            short_abandon,
            definition,
            max_abandon,
        } => {
            let rate = traffic.check()?;
            fraction("target-sl", agents.target_sl)?;
            fraction("max-abandon", max_abandon)?;
            if patience.ticks() == 0 {
                return Err(CliError::Input("--patience must be more than 0s".into()));
            }
            let input = |n: u32| ErlangAInput {
                agents: n,
                arrival_rate: rate,
                aht: traffic.aht.secs(),
                patience: patience.secs(),
                threshold: threshold.secs(),
                short_abandon: short_abandon.secs(),
            };
            let meets = |n: u32| {
                let a = erlang_a(input(n));
                let sl = match definition {
                    SlDefinition::Offered => a.sl_offered,
                    SlDefinition::Answered => a.sl_answered,
                    SlDefinition::ShortAbandonsExcluded => a.sl_short_abandons_excluded,
                    SlDefinition::AbandonsPositive => a.sl_abandons_positive,
                };
                agents.target_sl.is_none_or(|t| sl >= t)
                    && agents.max_asa.is_none_or(|m| a.asa_answered <= m.secs())
                    && max_abandon.is_none_or(|m| a.p_abandon <= m)
            };
            let has_target = agents.has_target() || max_abandon.is_some();
            let target = has_target.then(|| fewest(SEARCH_LIMIT, meets));
            let rows = rows_for(agents.agents, target, "agents")?
                .into_iter()
                .map(|n| {
                    let a = erlang_a(input(n));
                    vec![
                        n.to_string(),
                        fmt(a.occupancy, 4),
                        fmt(a.p_wait, 6),
                        fmt(a.p_abandon, 6),
                        fmt(a.sl_offered, 6),
                        fmt(a.sl_answered, 6),
                        fmt(a.sl_short_abandons_excluded, 6),
                        fmt(a.sl_abandons_positive, 6),
                        fmt(a.asa_answered, 3),
                        fmt(a.mean_wait_abandoned, 3),
                        fmt(a.mean_wait_all, 3),
                    ]
                })
                .collect();
            print_table(
                &format!(
                    "Erlang A: {:.3} Erlangs offered, mean patience {patience}, service level within {threshold}, short abandons within {short_abandon}",
                    rate * traffic.aht.secs()
                ),
                &[
                    "agents",
                    "occupancy",
                    "p_wait",
                    "p_abandon",
                    "sl_offered",
                    "sl_answered",
                    "sl_short_abandons_excluded",
                    "sl_abandons_positive",
                    "asa_answered_s",
                    "mean_wait_abandoned_s",
                    "mean_wait_all_s",
                ],
                rows,
                traffic.csv,
            )?;
            report_target(
                "agents",
                "meeting",
                agents.describe(max_abandon, Some(definition)),
                target,
                traffic.csv,
            )?;
        }
    }
    Ok(())
}

impl Agents {
    fn has_target(&self) -> bool {
        self.target_sl.is_some() || self.max_asa.is_some()
    }

    fn describe(
        &self,
        max_abandon: Option<f64>,
        definition: Option<SlDefinition>,
    ) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(sl) = self.target_sl {
            let def = definition
                .map(|d| format!(" ({})", d.name()))
                .unwrap_or_default();
            parts.push(format!("service level{def} ≥ {sl}"));
        }
        if let Some(a) = self.max_asa {
            parts.push(format!("ASA ≤ {a}"));
        }
        if let Some(a) = max_abandon {
            parts.push(format!("abandonment ≤ {a}"));
        }
        (!parts.is_empty()).then(|| parts.join(" and "))
    }
}

/// The server counts to tabulate: the range given, or the target's answer alone.
fn rows_for(
    counts: Option<Counts>,
    target: Option<Option<u32>>,
    what: &str,
) -> Result<Vec<u32>, CliError> {
    match (counts, target) {
        (Some(Counts(lo, hi)), _) => Ok((lo..=hi).collect()),
        (None, Some(Some(n))) => Ok(vec![n]),
        (None, Some(None)) => Ok(Vec::new()),
        (None, None) => Err(CliError::Input(format!(
            "give --{what} (a number or a range like 10..16) or a target to search for"
        ))),
    }
}

fn report_target(
    what: &str,
    verb: &str,
    description: Option<String>,
    target: Option<Option<u32>>,
    csv: bool,
) -> Result<(), CliError> {
    if csv {
        return Ok(());
    }
    match (description, target) {
        (Some(d), Some(Some(n))) => say!("\nfewest {what} {verb} {d}: {n}"),
        (Some(d), Some(None)) => say!("\nno number of {what} up to {SEARCH_LIMIT} meets {d}"),
        _ => {}
    }
    Ok(())
}

fn fmt(v: f64, decimals: usize) -> String {
    format!("{v:.decimals$}")
}

fn print_table(
    title: &str,
    header: &[&str],
    rows: Vec<Vec<String>>,
    csv: bool,
) -> Result<(), CliError> {
    if csv {
        say!("{}", header.join(","));
        for r in rows {
            say!("{}", r.join(","));
        }
        return Ok(());
    }
    say!("{title}\n");
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let render = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:>w$}"))
            .collect::<Vec<_>>()
            .join("  ")
    };
    say!("{}", render(header.to_vec()));
    for r in &rows {
        say!("{}", render(r.iter().map(|s| s.as_str()).collect()));
    }
    Ok(())
}
