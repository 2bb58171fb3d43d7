//! `report.html` of `ccsim compare`: every metric's verdict with B − A and the interval the
//! verdict uses, and (with `--intervals`) per queue the difference in each interval with
//! its 95 % CI against the line of no difference.

use super::{Line, chart, chart_figure, clock_labels, escape, page_start};
use crate::compare::MetricComparison;
use crate::report::figure;
use crate::scenario::Calendar;
use crate::stats::{Estimate, Metric, Unit};
use std::io::Write;

/// The interval figures charted, when the comparison has them.
const CHARTED: [Metric; 3] = [Metric::ServiceLevel, Metric::AsaS, Metric::AbandonRate];

/// Writes the page comparing run `a` with run `b` (their labels); `calendar` is the clock of
/// A's scenario, for interval comparisons' times.
pub fn compare_page(
    out: &mut dyn Write,
    (a, b): (&str, &str),
    rows: &[MetricComparison],
    calendar: Option<&Calendar>,
) -> std::io::Result<()> {
    let paired = rows.first().is_some_and(|r| r.paired);
    page_start(
        out,
        &format!("{b} against {a}"),
        &format!(
            "A: {}<br>B: {}<br>{} replications; differences are B − A. A verdict holds for all metrics together (family-wise error ≤ 5 %): \"better\" or \"worse\" when its interval excludes the tolerance on the good or bad side, \"same\" when it lies within the tolerance, \"unclear\" otherwise. ccsim {}.",
            escape(a),
            escape(b),
            if paired {
                "paired"
            } else {
                "independent (Welch)"
            },
            env!("CARGO_PKG_VERSION")
        ),
    )?;

    // Interval comparisons (scope `queue:NAME@START`) as lines per queue and metric.
    let mut queues: Vec<(&str, Vec<(jiff::Timestamp, &MetricComparison)>)> = Vec::new();
    for r in rows {
        let Some((scope, start)) = r.scope.split_once('@') else {
            continue;
        };
        let Ok(start) = start.parse::<jiff::Timestamp>() else {
            continue;
        };
        match queues.iter_mut().find(|(s, _)| *s == scope) {
            Some((_, list)) => list.push((start, r)),
            None => queues.push((scope, vec![(start, r)])),
        }
    }
    for (scope, list) in &queues {
        writeln!(out, "<h2>{} by interval</h2>", escape(scope))?;
        let first = list.iter().map(|(t, _)| *t).min().expect("a row");
        for metric in CHARTED {
            let mut points: Vec<(f64, Estimate)> = list
                .iter()
                .filter(|(_, r)| r.metric == metric.name())
                .map(|(t, r)| {
                    let hours = t.duration_since(first).as_secs_f64() / 3600.0;
                    (hours, difference(r))
                })
                .collect();
            if points.is_empty() {
                continue;
            }
            points.sort_by(|x, y| x.0.total_cmp(&y.0));
            let (xs, estimates): (Vec<f64>, Vec<Estimate>) = points.into_iter().unzip();
            let line = Line {
                label: "B − A",
                points: &estimates,
                band: true,
            };
            let zone = calendar.map_or(jiff::tz::TimeZone::UTC, |c| c.zone().clone());
            let at = clock_labels(first, zone, false);
            let title = format!("{}, B − A — {}", metric.label(), scope);
            let svg = chart(
                &title,
                (metric.unit(), true),
                &xs,
                &[line],
                Some(("no difference", 0.0)),
                (&at, false),
            )?;
            chart_figure(out, scope, metric.name(), &svg)?;
        }
    }

    writeln!(
        out,
        "<h2>Every metric</h2>\n<table>\n<thead><tr><th>verdict</th><th>scope</th><th>figure</th><th>A</th><th>B</th><th>B − A</th><th>family-wise interval</th><th>metric</th></tr></thead>\n<tbody>"
    )?;
    let mut sorted: Vec<&MetricComparison> =
        rows.iter().filter(|r| !r.scope.contains('@')).collect();
    sorted.sort_by_key(|r| r.verdict);
    for r in sorted {
        let (label, unit) = Metric::from_name(&r.metric)
            .map_or((r.metric.as_str(), Unit::Count), |m| (m.label(), m.unit()));
        let interval = if r.verdict_low.is_finite() {
            format!(
                "{} – {}",
                signed(r.verdict_low, unit),
                signed(r.verdict_high, unit)
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "<tr class=\"{v}\"><td>{v}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{interval}</td><td><code>{}</code></td></tr>",
            escape(&r.scope),
            escape(label),
            figure(r.mean_a, unit),
            figure(r.mean_b, unit),
            signed(r.difference, unit),
            escape(&r.metric),
            v = r.verdict.name(),
        )?;
    }
    writeln!(out, "</tbody>\n</table>\n</body>\n</html>")
}

/// B − A in an interval with its own 95 % CI.
fn difference(r: &MetricComparison) -> Estimate {
    Estimate {
        mean: r.difference,
        ci_low: r.ci_low,
        ci_high: r.ci_high,
        n: r.replications,
    }
}

/// A difference with its sign.
fn signed(v: f64, unit: Unit) -> String {
    let text = figure(v, unit);
    if v > 0.0 && !text.starts_with("0.0") {
        format!("+{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_carry_their_sign() {
        assert_eq!(signed(0.0123, Unit::Share), "+1.2 %");
        assert_eq!(signed(-2.5, Unit::Seconds), "-2.5 s");
        assert_eq!(signed(0.00001, Unit::Share), "0.0 %");
    }
}
