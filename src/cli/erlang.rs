//! `ccsim erlang b|c|a`: the analytic formulas, and the fewest agents or ports meeting a target.

use super::CliError;
use super::table::{Align, TextTable};
use crate::erlang::{ErlangAInput, erlang_a, erlang_b, erlang_c, fewest};
use crate::scenario::{Duration, Share, SlDefinition};
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
        /// Find the fewest ports with blocking at most this (0.01 or 1%).
        #[arg(long)]
        max_blocking: Option<Share>,
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
        /// Find the fewest agents with abandonment at most this (0.05 or 5%).
        #[arg(long)]
        max_abandon: Option<Share>,
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
    /// Find the fewest agents with a service level of at least this (0.8 or 80%).
    #[arg(long)]
    target_sl: Option<Share>,
    /// Find the fewest agents with an ASA of at most this.
    #[arg(long)]
    max_asa: Option<Duration>,
    /// With a target: the fewest agents must also be busy at most this share of their time
    /// (0.85 or 85%), as planners cap occupancy to keep agents from burning out.
    #[arg(long)]
    max_occupancy: Option<Share>,
    /// The share of paid time agents are not available to take calls (breaks, training,
    /// absence; 0.3 or 30%): adds the heads to roster, agents / (1 − shrinkage), rounded up.
    #[arg(long)]
    shrinkage: Option<Share>,
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
            let load = rate * traffic.aht.secs();
            let max_blocking = max_blocking.map(|m| m.0);
            let target = max_blocking.map(|m| fewest(SEARCH_LIMIT, |n| erlang_b(n, load) <= m));
            let rows = rows_for(ports, target, "ports")?
                .into_iter()
                .map(|n| Row {
                    servers: n,
                    stable: None,
                    meets: max_blocking.map(|m| erlang_b(n, load) <= m),
                    cells: vec![Some(fmt(erlang_b(n, load), 6))],
                })
                .collect();
            print_table(
                &format!("Erlang B: {load:.3} Erlangs offered"),
                &["ports", "blocking"],
                rows,
                target,
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
            agents.check()?;
            let (aht, t) = (traffic.aht.secs(), threshold.secs());
            let load = rate * aht;
            let meets = |n: u32| {
                erlang_c(n, load, aht, t).is_some_and(|c| {
                    agents.target_sl.is_none_or(|sl| c.service_level >= sl.0)
                        && agents.max_asa.is_none_or(|m| c.asa <= m.secs())
                        && agents.max_occupancy.is_none_or(|m| c.occupancy <= m.0)
                })
            };
            let target = agents.has_target().then(|| fewest(SEARCH_LIMIT, meets));
            let rows = rows_for(agents.agents, target, "agents")?
                .into_iter()
                .map(|n| {
                    let c = erlang_c(n, load, aht, t);
                    let cell = |f: fn(&crate::erlang::ErlangC) -> f64, decimals| {
                        c.as_ref().map(|c| fmt(f(c), decimals))
                    };
                    Row {
                        servers: n,
                        stable: Some(c.is_some()),
                        meets: agents.has_target().then(|| meets(n)),
                        cells: agents.with_heads(
                            n,
                            vec![
                                cell(|c| c.occupancy, 4),
                                cell(|c| c.p_wait, 6),
                                cell(|c| c.service_level, 6),
                                cell(|c| c.asa, 3),
                            ],
                        ),
                    }
                })
                .collect();
            print_table(
                &format!(
                    "Erlang C: {load:.3} Erlangs offered, service level within {threshold}{}",
                    agents.shrinkage_note()
                ),
                &agents.header(&["agents", "occupancy", "p_wait", "service_level", "asa_s"]),
                rows,
                target,
                traffic.csv,
            )?;
            report_target(
                "agents",
                "meeting",
                agents.describe(None, None),
                target,
                traffic.csv,
            )?;
            agents.report_heads(target, traffic.csv)?;
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
            agents.check()?;
            let max_abandon = max_abandon.map(|m| m.0);
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
                agents.target_sl.is_none_or(|t| sl >= t.0)
                    && agents.max_asa.is_none_or(|m| a.asa_answered <= m.secs())
                    && max_abandon.is_none_or(|m| a.p_abandon <= m)
                    && agents.max_occupancy.is_none_or(|m| a.occupancy <= m.0)
            };
            let has_target = agents.has_target() || max_abandon.is_some();
            let target = has_target.then(|| fewest(SEARCH_LIMIT, meets));
            let rows = rows_for(agents.agents, target, "agents")?
                .into_iter()
                .map(|n| {
                    let a = erlang_a(input(n));
                    Row {
                        servers: n,
                        stable: None,
                        meets: has_target.then(|| meets(n)),
                        cells: agents.with_heads(
                            n,
                            [
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
                            .map(Some)
                            .to_vec(),
                        ),
                    }
                })
                .collect();
            print_table(
                &format!(
                    "Erlang A: {:.3} Erlangs offered, mean patience {patience}, service level within {threshold}, short abandons within {short_abandon}{}",
                    rate * traffic.aht.secs(),
                    agents.shrinkage_note()
                ),
                &agents.header(&[
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
                ]),
                rows,
                target,
                traffic.csv,
            )?;
            report_target(
                "agents",
                "meeting",
                agents.describe(max_abandon, Some(definition)),
                target,
                traffic.csv,
            )?;
            agents.report_heads(target, traffic.csv)?;
        }
    }
    Ok(())
}

impl Agents {
    fn has_target(&self) -> bool {
        self.target_sl.is_some() || self.max_asa.is_some()
    }

    fn check(&self) -> Result<(), CliError> {
        if self.shrinkage.is_some_and(|s| s.0 >= 1.0) {
            return Err(CliError::Input(
                "--shrinkage 100%: agents would never be available; give less than 1 (30%)".into(),
            ));
        }
        if self.max_occupancy.is_some() && !self.has_target() {
            return Err(CliError::Input(
                "--max-occupancy caps the answer to a target: give --target-sl or --max-asa too"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Heads to roster for `agents` available ones: agents / (1 − shrinkage), rounded up.
    fn heads(&self, agents: u32) -> Option<u32> {
        // Rounded to 1e-9 first, so that 7 / 0.7 is 10 and not 10.000000000000002 → 11.
        self.shrinkage
            .map(|s| ((f64::from(agents) / (1.0 - s.0) * 1e9).round() / 1e9).ceil() as u32)
    }

    /// `cells` with the row's heads to roster after them, when there is a shrinkage.
    fn with_heads(&self, agents: u32, mut cells: Vec<Option<String>>) -> Vec<Option<String>> {
        if let Some(h) = self.heads(agents) {
            cells.push(Some(h.to_string()));
        }
        cells
    }

    fn header<'a>(&self, columns: &[&'a str]) -> Vec<&'a str> {
        let mut out = columns.to_vec();
        if self.shrinkage.is_some() {
            out.push("heads");
        }
        out
    }

    /// After the answer: the heads to roster for it.
    fn report_heads(&self, target: Option<Option<u32>>, csv: bool) -> Result<(), CliError> {
        if let (false, Some(Some(n))) = (csv, target)
            && let Some(h) = self.heads(n)
        {
            say!(
                "heads to roster for them{}: {h}",
                self.shrinkage_note().replace("; heads to roster", "")
            );
        }
        Ok(())
    }

    fn shrinkage_note(&self) -> String {
        self.shrinkage.map_or(String::new(), |s| {
            format!(
                "; heads to roster at {} % shrinkage",
                crate::report::number(s.0 * 100.0)
            )
        })
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
            parts.push(format!("service level{def} ≥ {}", sl.0));
        }
        if let Some(a) = self.max_asa {
            parts.push(format!("ASA ≤ {a}"));
        }
        if let Some(o) = self.max_occupancy {
            parts.push(format!("occupancy ≤ {}", o.0));
        }
        if let Some(a) = max_abandon {
            parts.push(format!("abandonment ≤ {a}"));
        }
        (!parts.is_empty()).then(|| parts.join(" and "))
    }
}

/// The server counts to tabulate: the range given (with the target's answer, if it lies
/// outside), or the answer alone.
fn rows_for(
    counts: Option<Counts>,
    target: Option<Option<u32>>,
    what: &str,
) -> Result<Vec<u32>, CliError> {
    match (counts, target) {
        (Some(Counts(lo, hi)), target) => {
            let mut rows: Vec<u32> = (lo..=hi).collect();
            if let Some(Some(n)) = target
                && !(lo..=hi).contains(&n)
            {
                rows.push(n);
                rows.sort_unstable();
            }
            Ok(rows)
        }
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

/// One line of a table: a number of servers (agents, ports) and its figures (`None` where
/// undefined: an unstable queue has no waits).
struct Row {
    servers: u32,
    /// Whether the load is below the servers (Erlang C's queue is otherwise unbounded);
    /// `None` for models that are always stable (Erlang B and A).
    stable: Option<bool>,
    /// Whether it meets the targets, when there are any.
    meets: Option<bool>,
    cells: Vec<Option<String>>,
}

/// Prints rows under `header` (the servers' column first): aligned for a reader, or as CSV,
/// where undefined figures are empty and columns say whether a row is stable (for models
/// that can be unstable), meets the targets and is the fewest that does (`target`: the
/// search's answer, when there is one).
fn print_table(
    title: &str,
    header: &[&str],
    rows: Vec<Row>,
    target: Option<Option<u32>>,
    csv: bool,
) -> Result<(), CliError> {
    let targeted = target.is_some();
    if csv {
        let mut out = csv::Writer::from_writer(Vec::new());
        let mut head: Vec<&str> = header.to_vec();
        let stability = rows.first().is_some_and(|r| r.stable.is_some());
        if stability {
            head.push("stable");
        }
        if targeted {
            head.extend(["meets_targets", "fewest_meeting"]);
        }
        let written = out.write_record(&head).and_then(|()| {
            rows.iter().try_for_each(|r| {
                let mut record = vec![r.servers.to_string()];
                record.extend(r.cells.iter().map(|c| c.clone().unwrap_or_default()));
                record.extend(r.stable.map(|s| s.to_string()));
                if let Some(meets) = r.meets {
                    record.push(meets.to_string());
                    record.push((target == Some(Some(r.servers))).to_string());
                }
                out.write_record(&record)
            })
        });
        let text = written
            .map_err(std::io::Error::from)
            .and_then(|()| out.into_inner().map_err(|e| e.into_error()))
            .map_err(|e| CliError::Failed(format!("cannot write the CSV: {e}")))?;
        say!("{}", String::from_utf8_lossy(&text).trim_end());
        return Ok(());
    }
    say!("{title}\n");
    let mut head: Vec<&str> = header.to_vec();
    if targeted {
        head.push("meets");
    }
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut line = vec![r.servers.to_string()];
            line.extend(
                r.cells
                    .iter()
                    .map(|c| c.clone().unwrap_or_else(|| "—".into())),
            );
            if let Some(meets) = r.meets {
                line.push(if meets { "yes" } else { "no" }.into());
            }
            line
        })
        .collect();
    let columns: Vec<(&str, Align)> = head.iter().map(|h| (*h, Align::Right)).collect();
    let mut table = TextTable::new(&columns);
    for line in lines {
        table.row(line);
    }
    say!("{table}");
    if rows.iter().any(|r| r.stable == Some(false)) {
        say!(
            "\n—: unstable, the load is at least the number of agents (the queue grows without end)"
        );
    }
    Ok(())
}
