//! `report.html` of `ccsim sweep`: each figure against the swept parameter, with its 95 % CI.

use super::{Line, chart, chart_figure, escape, page_start};
use crate::report::figure;
use crate::stats::{Estimate, Metric};
use std::io::Write;

/// One point of a sweep: its values of the keys set, and its estimate of each figure.
pub type SweepPoint<'a> = (&'a [String], &'a [Option<Estimate>]);

/// A figure a sweep charts: its metric, the scope it is of (`all`, `campaign:NAME`) and its
/// title.
pub struct SweepFigure {
    pub scope: String,
    pub title: String,
    pub metric: Metric,
    /// A dashed line across its chart (a target, a cap): its label and level.
    pub reference: Option<(&'static str, f64)>,
}

/// Writes the page of a sweep of `name` over `keys`: for each of `figures` a chart against
/// the first key's values (numbers, or the points in order), a line for each combination of
/// the other keys' values; then the table of every point.
pub fn sweep_page(
    out: &mut dyn Write,
    name: &str,
    keys: &[String],
    points: &[SweepPoint],
    figures: &[SweepFigure],
) -> std::io::Result<()> {
    page_start(
        out,
        &format!("Sweep of {name}"),
        &format!(
            "{} points over {}, with common random numbers across them (the same callers at every point). Each figure is estimated over the point's replications with its 95 % confidence interval. ccsim {}.",
            points.len(),
            escape(&keys.join(", ")),
            env!("CARGO_PKG_VERSION")
        ),
    )?;
    // The x axis: the first key's values as numbers when they all are, else their order.
    let firsts: Vec<&str> = points.iter().map(|(v, _)| v[0].as_str()).collect();
    let mut distinct: Vec<&str> = Vec::new();
    for v in &firsts {
        if !distinct.contains(v) {
            distinct.push(v);
        }
    }
    let numbers: Option<Vec<f64>> = distinct
        .iter()
        .map(|v| {
            crate::scenario::Share::parse(v)
                .ok()
                .map(|s| s.0)
                .or(v.parse().ok())
        })
        .collect();
    let x_of = |v: &str| -> f64 {
        let i = distinct.iter().position(|d| *d == v).expect("a value");
        numbers.as_ref().map_or(i as f64, |n| n[i])
    };
    let label_of = |x: f64| -> String {
        match &numbers {
            Some(n) => n
                .iter()
                .position(|&v| (v - x).abs() < 1e-9)
                .map_or_else(String::new, |i| distinct[i].to_string()),
            None => {
                let i = x.round();
                if (x - i).abs() < 1e-9 && i >= 0.0 {
                    distinct
                        .get(i as usize)
                        .map_or_else(String::new, |v| v.to_string())
                } else {
                    String::new()
                }
            }
        }
    };
    // The lines: one per combination of the other keys' values, in order of appearance.
    let mut lines: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, (values, _)) in points.iter().enumerate() {
        let rest: Vec<String> = keys[1..]
            .iter()
            .zip(&values[1..])
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        let label = rest.join(", ");
        match lines.iter_mut().find(|(l, _)| *l == label) {
            Some((_, members)) => members.push(i),
            None => lines.push((label, vec![i])),
        }
    }
    for (m, figure) in figures.iter().enumerate() {
        let metric = figure.metric;
        if points
            .iter()
            .all(|(_, e)| e[m].is_none_or(|e| !e.mean.is_finite()))
        {
            continue;
        }
        // Each line's points in order of x (its estimates, undefined where missing).
        let mut series: Vec<(String, Vec<f64>, Vec<Estimate>)> = Vec::new();
        for (label, members) in &lines {
            let mut at: Vec<(f64, Estimate)> = members
                .iter()
                .map(|&i| {
                    let (values, e) = points[i];
                    (x_of(&values[0]), e[m].unwrap_or_else(Estimate::undefined))
                })
                .collect();
            at.sort_by(|a, b| a.0.total_cmp(&b.0));
            let label = if label.is_empty() {
                figure.title.clone()
            } else {
                label.clone()
            };
            let (xs, es) = at.into_iter().unzip();
            series.push((label, xs, es));
        }
        // Lines share the x values (a full grid); a partial grid charts its first line's.
        let xs = series[0].1.clone();
        let drawn: Vec<Line> = series
            .iter()
            .filter(|(_, x, _)| *x == xs)
            .map(|(label, _, es)| Line {
                label,
                points: es,
                band: true,
            })
            .collect();
        let title = format!("{} against {}", figure.title, keys[0]);
        let svg = chart(
            &title,
            (metric.unit(), false),
            &xs,
            &drawn,
            figure.reference,
            (&label_of, false),
        )?;
        chart_figure(out, &figure.scope, metric.name(), &svg)?;
    }

    write!(out, "<h2>Every point</h2>\n<table>\n<thead><tr>")?;
    for k in keys {
        write!(out, "<th>{}</th>", escape(k))?;
    }
    for figure in figures {
        write!(out, "<th>{}</th>", escape(&figure.title))?;
    }
    writeln!(out, "</tr></thead>\n<tbody>")?;
    for (values, estimates) in points {
        write!(out, "<tr>")?;
        for v in values.iter() {
            write!(out, "<td>{}</td>", escape(v))?;
        }
        for (f, e) in figures.iter().zip(estimates.iter()) {
            let text = e.map_or_else(|| "—".to_string(), |e| figure(e.mean, f.metric.unit()));
            write!(out, "<td class=\"n\">{text}</td>")?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody>\n</table>\n</body>\n</html>")
}
