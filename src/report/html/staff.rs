//! `report.html` of `ccsim staff`: per agent group the agents the plan staffs in each
//! interval beside those staffed now (and Erlang C's answer, for one group), and per queue
//! each target's figure with the plan, with its 95 % CI, against the target.

use super::{Line, chart, chart_figure, clock_labels, escape, page_start};
use crate::scenario::Scenario;
use crate::staffing::{StaffingPlan, StaffingRequest, column, current_staffing};
use crate::stats::{Estimate, Metric, Unit};
use std::io::Write;

pub fn staff_page(
    out: &mut dyn Write,
    s: &Scenario,
    request: &StaffingRequest,
    plan: &StaffingPlan,
) -> std::io::Result<()> {
    let targets: Vec<String> = request
        .targets
        .iter()
        .map(|t| {
            let unit = Metric::from_name(&t.metric).map_or(Unit::Count, Metric::unit);
            format!(
                "{} {} {}",
                t.metric,
                if t.at_least { "≥" } else { "≤" },
                crate::report::figure(t.bound, unit)
            )
        })
        .collect();
    page_start(
        out,
        &format!("Staffing of {}", s.name),
        &format!(
            "The fewest agents meeting {} in every interval, each interval's figures judged by their 99 % CI (decided on {} replications; {} plans and {} replications simulated). Figures with the plan are shown with their 95 % CI. ccsim {}.",
            escape(&targets.join(", ")),
            plan.replications,
            plan.evaluations,
            plan.replications_simulated,
            env!("CARGO_PKG_VERSION")
        ),
    )?;
    let first = s.first_reported_interval();
    let interval_hours = crate::engine::secs_from_ticks(s.interval) / 3600.0;
    let xs: Vec<f64> = (first..s.intervals())
        .map(|k| (k - first) as f64 * interval_hours)
        .collect();
    let start = s.start + jiff::SignedDuration::from_micros((first as u64 * s.interval) as i64);
    let at = clock_labels(start, s.calendar().zone().clone(), false);
    let count = |v: &[u32]| -> Vec<Estimate> {
        v[first..]
            .iter()
            .map(|&n| Estimate {
                mean: f64::from(n),
                ci_low: f64::NAN,
                ci_high: f64::NAN,
                n: 0,
            })
            .collect()
    };
    let erlang = count(&plan.erlang_c);
    for (i, &g) in request.groups.iter().enumerate() {
        let group = &s.agent_groups[g];
        writeln!(out, "<h2>Agent group {}</h2>", escape(&group.name))?;
        let (planned, now) = (count(&plan.agents[i]), count(&current_staffing(s, g)));
        let mut lines = vec![
            Line {
                label: "with the plan",
                points: &planned,
                band: false,
            },
            Line {
                label: "staffed now",
                points: &now,
                band: false,
            },
        ];
        // Erlang C staffs the queues, not a mix of groups: drawn for one group only.
        if request.groups.len() == 1 {
            lines.push(Line {
                label: "Erlang C",
                points: &erlang,
                band: false,
            });
        }
        let title = format!("Agents required — {}", group.name);
        let svg = chart(
            &title,
            (Unit::Agents, false),
            &xs,
            &lines,
            None,
            (&at, false),
        )?;
        let scope = crate::stats::Scope::Group(g).label(s);
        chart_figure(out, &scope, "agents", &svg)?;
    }
    for &q in &request.queues(s) {
        writeln!(
            out,
            "<h2>Queue {} with the plan</h2>",
            escape(&s.queues[q].name)
        )?;
        for t in &request.targets {
            let Some(metric) = Metric::from_name(&t.metric) else {
                continue;
            };
            let c = column(&t.metric);
            let points: Vec<Estimate> = plan
                .achieved
                .iter()
                .map(|r| {
                    r.queues
                        .iter()
                        .find(|(x, _)| *x == q)
                        .map_or_else(Estimate::undefined, |(_, e)| e[c])
                })
                .collect();
            let line = Line {
                label: metric.label(),
                points: &points,
                band: true,
            };
            let title = format!("{} with the plan — {}", metric.label(), s.queues[q].name);
            let svg = chart(
                &title,
                (metric.unit(), false),
                &xs[..points.len().min(xs.len())],
                &[line],
                Some(("target", t.bound)),
                (&at, false),
            )?;
            let scope = crate::stats::Scope::Queue(q).label(s);
            chart_figure(out, &scope, metric.name(), &svg)?;
        }
    }
    writeln!(out, "</body>\n</html>")
}
