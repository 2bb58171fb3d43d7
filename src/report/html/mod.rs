//! `report.html`: one self-contained page (no scripts, no network) with the summary table
//! and charts of each interval — contacts, service level against its target with the CI
//! band, ASA, ports against the pool, agents and occupancy — drawn by plotters as inline SVG.
//! Every label, unit and scope comes from the metric registry.

mod compare;
mod staff;
mod sweep;

pub use compare::compare_page;
pub use staff::staff_page;
pub use sweep::{SweepFigure, SweepPoint, sweep_page};

use super::{Exporter, IntervalEstimates, figure, summary_estimates};
use crate::experiment::RunResults;
use crate::stats::{
    AGENT_COLUMNS, CAMPAIGN_COLUMNS, Column, Estimate, INTERVAL_COLUMNS, Metric, Unit,
};
use crate::stats::{agent_columns_shown, campaign_columns_shown, interval_columns_shown};
use plotters::prelude::*;
use std::io::Write;

pub struct ReportHtml;

/// At most this many points a line: longer runs average consecutive intervals into one point
/// (the chart says so), so that a year of 15-minute intervals stays a page, not megabytes.
const MAX_POINTS: usize = 600;

/// The queue figures charted, the agent-group figures and the campaign figures.
const QUEUE_FIGURES: [Metric; 11] = [
    Metric::Offered,
    Metric::Answered,
    Metric::Abandoned,
    Metric::ServiceLevel,
    Metric::AsaS,
    Metric::PortsBusyMean,
    Metric::PortsBusyPeak,
    Metric::PortsBusyInboundMean,
    Metric::PortsBusyOutboundMean,
    Metric::CallbacksAccepted,
    Metric::CallbacksConnected,
];
const GROUP_FIGURES: [Column; 3] = [
    Column::Scheduled,
    Column::Present,
    Column::Metric(Metric::Occupancy),
];
const CAMPAIGN_FIGURES: [Column; 8] = [
    Column::Metric(Metric::Dials),
    Column::Metric(Metric::LiveAnswers),
    Column::Metric(Metric::OutboundConnected),
    Column::Metric(Metric::Dropped),
    Column::Metric(Metric::DropRate),
    Column::Metric(Metric::OutboundUtilisation),
    Column::Metric(Metric::RecordsLeft),
    Column::Metric(Metric::WindowDropRate),
];

const PALETTE: [RGBColor; 4] = [
    RGBColor(31, 119, 180),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
];

/// One line of a chart: its label and a value (with CI) per point.
struct Line<'a> {
    label: &'a str,
    points: &'a [Estimate],
    /// Whether the CI is drawn as a band around the line.
    band: bool,
}

/// The x axis of a chart: its labels, and whether each point averages several intervals.
type XAxis<'a> = (&'a dyn Fn(f64) -> String, bool);

/// Per-point figures of one row name (queue or group), averaged into points.
struct Series {
    /// The time of each point's first interval, hours from the start.
    hours: Vec<f64>,
    /// By figure, the point estimates.
    figures: Vec<Vec<Estimate>>,
}

impl Series {
    fn new(figures: usize) -> Series {
        Series {
            hours: Vec::new(),
            figures: vec![Vec::new(); figures],
        }
    }
}

/// The columns shown that are also among `figures`.
fn charted<const N: usize>(
    columns: &[Column; N],
    shown: [bool; N],
    figures: &[Column],
) -> [bool; N] {
    std::array::from_fn(|c| shown[c] && figures.contains(&columns[c]))
}

/// Reads an interval table into one [`Series`] per row name, `k` intervals a point.
fn read_series<const N: usize>(
    rows: &mut IntervalEstimates<N>,
    columns: &[Column; N],
    figures: &[Column],
    (names, k, interval_hours): (usize, usize, f64),
) -> std::io::Result<Vec<Series>> {
    let index: Vec<usize> = figures
        .iter()
        .map(|f| {
            columns
                .iter()
                .position(|c| c == f)
                .expect("a charted column")
        })
        .collect();
    let mut out: Vec<Series> = (0..names).map(|_| Series::new(figures.len())).collect();
    // The point being built, by row name: its intervals, and by figure the sums of mean,
    // low and high over the intervals where the figure is defined, and how many those are.
    // A peak figure keeps its largest value instead: a full pool must not be averaged away.
    type Open = (usize, Vec<([f64; 3], usize)>);
    let mut open: Vec<Open> = vec![(0, vec![([0.0; 3], 0); figures.len()]); names];
    let peak: Vec<bool> = figures
        .iter()
        .map(|f| *f == Column::Metric(Metric::PortsBusyPeak))
        .collect();
    let mut first = None;
    let close = |series: &mut Series, (count, sums): &mut Open| {
        for (f, (s, n)) in sums.iter_mut().enumerate() {
            let n_f = *n as f64;
            series.figures[f].push(match (*n, peak[f]) {
                (0, _) => Estimate::undefined(),
                (_, true) => Estimate {
                    mean: s[0],
                    ci_low: s[1],
                    ci_high: s[2],
                    n: 0,
                },
                _ => Estimate {
                    mean: s[0] / n_f,
                    ci_low: s[1] / n_f,
                    ci_high: s[2] / n_f,
                    n: 0,
                },
            });
            *s = [0.0; 3];
            *n = 0;
        }
        *count = 0;
    };
    while let Some((interval, name, estimates)) = rows.next_row()? {
        let first = *first.get_or_insert(interval);
        let (series, point) = (&mut out[name], &mut open[name]);
        if point.0 == 0 {
            series
                .hours
                .push((interval - first) as f64 * interval_hours);
        }
        for (f, &c) in index.iter().enumerate() {
            let e = estimates[c];
            if !e.mean.is_finite() {
                continue;
            }
            let (s, n) = &mut point.1[f];
            let fold = |acc: f64, v: f64| if peak[f] { acc.max(v) } else { acc + v };
            *s = [
                fold(s[0], e.mean),
                fold(s[1], e.ci_low),
                fold(s[2], e.ci_high),
            ];
            *n += 1;
        }
        point.0 += 1;
        if point.0 == k {
            close(series, point);
        }
    }
    for (series, point) in out.iter_mut().zip(&mut open) {
        if point.0 > 0 {
            close(series, point);
        }
    }
    Ok(out)
}

/// Draws a chart of `lines` against `xs` (hours from the start, or a swept value) as an SVG
/// element. `unit` scales shares to percentages; `reference` is a dashed horizontal line (a
/// target, a pool size, no difference). The y axis starts at 0 (shares run to 100 %, unless
/// all are small, as abandoned rates are), but spans the values and 0 for `differences`.
fn chart(
    title: &str,
    (unit, differences): (Unit, bool),
    xs: &[f64],
    lines: &[Line],
    reference: Option<(&str, f64)>,
    (x_label, averaged): XAxis,
) -> std::io::Result<String> {
    let scale = if unit == Unit::Share { 100.0 } else { 1.0 };
    let finite = |v: f64| v.is_finite().then_some(v * scale);
    let values: Vec<f64> = lines
        .iter()
        .flat_map(|l| {
            l.points.iter().flat_map(move |e| {
                let (low, high) = if l.band {
                    (e.ci_low, e.ci_high)
                } else {
                    (e.mean, e.mean)
                };
                [e.mean, low, high]
            })
        })
        .filter_map(finite)
        .chain(reference.map(|(_, r)| r * scale))
        .collect();
    let low = values.iter().copied().fold(0.0f64, f64::min);
    let high = values.iter().copied().fold(0.0f64, f64::max);
    let (bottom, top) = if differences {
        // All differences 0 (a change that touches nothing) still gets an axis of ±0.1.
        let pad = (high - low).max(high.abs()).max(low.abs()).max(1.0) * 0.1;
        (low - pad, high + pad)
    } else if unit == Unit::Share && high >= 20.0 {
        (0.0, 100.0)
    } else if high > 0.0 {
        (0.0, high * 1.1)
    } else {
        (0.0, 1.0)
    };
    let left = xs.first().copied().unwrap_or(0.0);
    let last = xs.last().copied().unwrap_or(0.0);
    let right = if last > left { last } else { left + 1.0 };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 260)).into_drawing_area();
        let failed = |e: &dyn std::fmt::Display| std::io::Error::other(format!("chart: {e}"));
        root.fill(&WHITE).map_err(|e| failed(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(56)
            .build_cartesian_2d(left..right, bottom..top)
            .map_err(|e| failed(&e))?;
        let y_desc = match unit {
            Unit::Share => "%".to_string(),
            Unit::Count => "contacts".to_string(),
            u => u.symbol().to_string(),
        };
        chart
            .configure_mesh()
            .x_labels(8)
            .x_label_formatter(&|x| x_label(*x))
            .y_desc(y_desc)
            .light_line_style(RGBColor(238, 238, 238))
            .draw()
            .map_err(|e| failed(&e))?;
        for (i, line) in lines.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            // A line breaks where its figure is undefined (no contact answered, say).
            let mut segments: Vec<Vec<(f64, Estimate)>> = vec![Vec::new()];
            for (&h, e) in xs.iter().zip(line.points) {
                if e.mean.is_finite() {
                    segments.last_mut().expect("one segment").push((h, *e));
                } else if !segments.last().expect("one segment").is_empty() {
                    segments.push(Vec::new());
                }
            }
            // Whether a band is drawn: figures without a CI (an expected count) have none.
            let mut banded = false;
            for segment in segments.iter().filter(|s| !s.is_empty()) {
                if line.band && segment.iter().all(|(_, e)| e.ci_low.is_finite()) {
                    banded = true;
                    let upper = segment.iter().map(|(h, e)| (*h, e.ci_high * scale));
                    let lower = segment.iter().rev().map(|(h, e)| (*h, e.ci_low * scale));
                    chart
                        .draw_series(std::iter::once(Polygon::new(
                            upper.chain(lower).collect::<Vec<_>>(),
                            color.mix(0.18),
                        )))
                        .map_err(|e| failed(&e))?;
                }
                let points = segment.iter().map(|(h, e)| (*h, e.mean * scale));
                if segment.len() == 1 {
                    // A lone point (a busy interval between empty ones) has no line.
                    let dots = points.map(|p| Circle::new(p, 3, color.filled()));
                    chart.draw_series(dots).map_err(|e| failed(&e))?;
                } else {
                    chart
                        .draw_series(LineSeries::new(points, color.stroke_width(2)))
                        .map_err(|e| failed(&e))?;
                }
            }
            // The legend entry, drawn once whatever the segments.
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
                .map_err(|e| failed(&e))?
                .label(if banded && averaged {
                    format!("{} (band: mean of the intervals' 95 % CIs)", line.label)
                } else if banded {
                    format!("{} (band: 95 % CI)", line.label)
                } else {
                    line.label.to_string()
                })
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
                });
        }
        if let Some((label, value)) = reference {
            let dashed = DashedLineSeries::new(
                [(left, value * scale), (right, value * scale)],
                6,
                4,
                BLACK.stroke_width(1),
            );
            chart
                .draw_series(dashed)
                .map_err(|e| failed(&e))?
                .label(label)
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK));
        }
        chart
            .configure_series_labels()
            // Shares (service level, occupancy) run high: their legend goes below them.
            .position(if unit == Unit::Share {
                SeriesLabelPosition::LowerRight
            } else {
                SeriesLabelPosition::UpperRight
            })
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .draw()
            .map_err(|e| failed(&e))?;
        root.present().map_err(|e| failed(&e))?;
    }
    Ok(svg)
}

/// Labels of an x axis of hours from `start`: the time on the clock of `zone`, with the
/// date when `dated`.
fn clock_labels(
    start: jiff::Timestamp,
    zone: jiff::tz::TimeZone,
    dated: bool,
) -> impl Fn(f64) -> String {
    move |h: f64| {
        // Whole seconds: 08:59:59.999 would print as 08:59.
        let at = start + jiff::SignedDuration::from_secs((h * 3600.0).round() as i64);
        let format = if dated { "%m-%d %H:%M" } else { "%H:%M" };
        zone.to_datetime(at).strftime(format).to_string()
    }
}

/// The start of a page: its title, the style, the heading and an introduction (HTML).
fn page_start(out: &mut dyn Write, title: &str, intro: &str) -> std::io::Result<()> {
    let title = escape(title);
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title} — ccsim report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n<p class=\"run\">{intro}</p>"
    )
}

/// A chart in its figure element, named for tests and readers: its scope and what it shows.
fn chart_figure(out: &mut dyn Write, scope: &str, name: &str, svg: &str) -> std::io::Result<()> {
    writeln!(
        out,
        "<figure class=\"chart\" data-scope=\"{}\" data-chart=\"{name}\">{svg}</figure>",
        escape(scope)
    )
}

/// Text for HTML: names are validated, but a report never trusts its inputs.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Exporter for ReportHtml {
    fn file_name(&self) -> &'static str {
        "report.html"
    }

    fn write(&self, results: &RunResults, out: &mut dyn Write) -> std::io::Result<()> {
        let s = &results.scenario;
        let intervals = s
            .intervals()
            .saturating_sub(s.first_reported_interval())
            .max(1);
        let k = intervals.div_ceil(MAX_POINTS);
        let interval_hours = crate::engine::secs_from_ticks(s.interval) / 3600.0;
        let start = s.start
            + jiff::SignedDuration::from_micros(
                (s.first_reported_interval() as u64 * s.interval) as i64,
            );
        let long = intervals as f64 * interval_hours > 24.0;
        let x_label = clock_labels(start, s.calendar().zone().clone(), long);
        let times = match &s.time_zone {
            Some(zone) => format!(
                "Times are local, {}.",
                escape(zone.iana_name().unwrap_or("the scenario's time zone"))
            ),
            None => "Times are UTC.".to_string(),
        };

        let queue_columns = INTERVAL_COLUMNS.map(Column::Metric);
        let queue_figures = QUEUE_FIGURES.map(Column::Metric);
        let mut readers = results.interval_rows()?;
        // Only the charted columns are estimated: the rest would cost as much again as the CSV.
        let mut rows = IntervalEstimates::new(
            &mut readers,
            (
                &queue_columns,
                charted(&queue_columns, interval_columns_shown(s), &queue_figures),
            ),
        );
        let queues = read_series(
            &mut rows,
            &queue_columns,
            &queue_figures,
            (s.queues.len(), k, interval_hours),
        )?;
        let mut readers = results.agent_rows()?;
        let mut rows = IntervalEstimates::new(
            &mut readers,
            (
                &AGENT_COLUMNS,
                charted(&AGENT_COLUMNS, agent_columns_shown(s), &GROUP_FIGURES),
            ),
        );
        let groups = read_series(
            &mut rows,
            &AGENT_COLUMNS,
            &GROUP_FIGURES,
            (s.agent_groups.len(), k, interval_hours),
        )?;
        let campaigns = if s.campaigns.is_empty() {
            Vec::new()
        } else {
            let mut readers = results.campaign_rows()?;
            let mut rows = IntervalEstimates::new(
                &mut readers,
                (
                    &CAMPAIGN_COLUMNS,
                    charted(
                        &CAMPAIGN_COLUMNS,
                        campaign_columns_shown(s),
                        &CAMPAIGN_FIGURES,
                    ),
                ),
            );
            read_series(
                &mut rows,
                &CAMPAIGN_COLUMNS,
                &CAMPAIGN_FIGURES,
                (s.campaigns.len(), k, interval_hours),
            )?
        };

        page_start(
            out,
            &s.name,
            &format!(
                "{} replications, seed {}; ccsim {}. {times} Each figure is estimated over replications with its 95 % confidence interval: rates as ratios of expected counts (long-run fractions), counts and time averages as means.",
                results.replications.len(),
                results.options.seed,
                env!("CARGO_PKG_VERSION")
            ),
        )?;
        if k > 1 {
            writeln!(
                out,
                "<p class=\"note\">Each point of the charts is the mean of {k} consecutive intervals' estimates (the peak ports their largest), drawn at the first interval's start.</p>"
            )?;
        }

        // Charts: for each queue, then each group.
        let figure_of = |series: &Series, m: Metric| {
            let f = QUEUE_FIGURES.iter().position(|&x| x == m).expect("charted");
            series.figures[f].clone()
        };
        for (q, (queue, series)) in s.queues.iter().zip(&queues).enumerate() {
            let scope = crate::stats::Scope::Queue(q).label(s);
            writeln!(out, "<h2>Queue {}</h2>", escape(&queue.name))?;
            let offered = figure_of(series, Metric::Offered);
            let answered = figure_of(series, Metric::Answered);
            let abandoned = figure_of(series, Metric::Abandoned);
            let contacts = [
                (Metric::Offered, &offered),
                (Metric::Answered, &answered),
                (Metric::Abandoned, &abandoned),
            ]
            .map(|(m, points)| Line {
                label: m.label(),
                points,
                band: false,
            });
            let label = format!("Contacts per interval — {}", queue.name);
            let svg = chart(
                &label,
                (Unit::Count, false),
                &series.hours,
                &contacts,
                None,
                (&x_label, k > 1),
            )?;
            chart_figure(out, &scope, "contacts", &svg)?;

            let sl = figure_of(series, Metric::ServiceLevel);
            let target = s.service_level.target.map(|t| ("target", t));
            let label = format!(
                "{} ({}, {}) — {}",
                Metric::ServiceLevel.label(),
                s.service_level.definition.name(),
                crate::scenario::Duration::from_ticks(s.service_level.threshold),
                queue.name
            );
            let line = Line {
                label: Metric::ServiceLevel.label(),
                points: &sl,
                band: true,
            };
            let svg = chart(
                &label,
                (Unit::Share, false),
                &series.hours,
                &[line],
                target,
                (&x_label, k > 1),
            )?;
            chart_figure(out, &scope, "service_level", &svg)?;

            let asa = figure_of(series, Metric::AsaS);
            let line = Line {
                label: Metric::AsaS.label(),
                points: &asa,
                band: true,
            };
            let label = format!("{} — {}", Metric::AsaS.label(), queue.name);
            let svg = chart(
                &label,
                (Unit::Seconds, false),
                &series.hours,
                &[line],
                None,
                (&x_label, k > 1),
            )?;
            chart_figure(out, &scope, "asa", &svg)?;

            if let Some(p) = queue.port_pool {
                let pool = &s.port_pools[p];
                // With outbound dials on the pool, its inbound and outbound shares too.
                let mut figures = vec![Metric::PortsBusyMean, Metric::PortsBusyPeak];
                if Metric::PortsBusyOutboundMean.applies_to(s) {
                    figures.extend([Metric::PortsBusyInboundMean, Metric::PortsBusyOutboundMean]);
                }
                let points: Vec<Vec<Estimate>> =
                    figures.iter().map(|&m| figure_of(series, m)).collect();
                let lines: Vec<Line> = figures
                    .iter()
                    .zip(&points)
                    .map(|(m, points)| Line {
                        label: m.label(),
                        points,
                        band: false,
                    })
                    .collect();
                let label = format!("Ports of {} — {}", pool.name, queue.name);
                let size = Some(("ports in the pool", f64::from(pool.ports)));
                let svg = chart(
                    &label,
                    (Unit::Ports, false),
                    &series.hours,
                    &lines,
                    size,
                    (&x_label, k > 1),
                )?;
                chart_figure(out, &scope, "ports", &svg)?;
            }
            if queue.callback.is_some() {
                let (accepted, connected) = (
                    figure_of(series, Metric::CallbacksAccepted),
                    figure_of(series, Metric::CallbacksConnected),
                );
                let lines = [
                    (Metric::CallbacksAccepted, &accepted),
                    (Metric::CallbacksConnected, &connected),
                ]
                .map(|(m, points)| Line {
                    label: m.label(),
                    points,
                    band: false,
                });
                let label = format!("Callbacks per interval — {}", queue.name);
                let svg = chart(
                    &label,
                    (Unit::Count, false),
                    &series.hours,
                    &lines,
                    None,
                    (&x_label, k > 1),
                )?;
                chart_figure(out, &scope, "callbacks", &svg)?;
            }
        }
        for (g, (group, series)) in s.agent_groups.iter().zip(&groups).enumerate() {
            let scope = crate::stats::Scope::Group(g).label(s);
            writeln!(out, "<h2>Agent group {}</h2>", escape(&group.name))?;
            let lines = [0, 1].map(|f| Line {
                label: GROUP_FIGURES[f].label(),
                points: &series.figures[f],
                band: false,
            });
            let label = format!("Agents — {}", group.name);
            let svg = chart(
                &label,
                (Unit::Agents, false),
                &series.hours,
                &lines,
                None,
                (&x_label, k > 1),
            )?;
            chart_figure(out, &scope, "agents", &svg)?;
            let line = Line {
                label: Metric::Occupancy.label(),
                points: &series.figures[2],
                band: true,
            };
            let label = format!("{} — {}", Metric::Occupancy.label(), group.name);
            let svg = chart(
                &label,
                (Unit::Share, false),
                &series.hours,
                &[line],
                None,
                (&x_label, k > 1),
            )?;
            chart_figure(out, &scope, "occupancy", &svg)?;
        }
        for (c, (campaign, series)) in s.campaigns.iter().zip(&campaigns).enumerate() {
            let scope = crate::stats::Scope::Campaign(c).label(s);
            writeln!(
                out,
                "<h2>Campaign {} ({})</h2>",
                escape(&campaign.name),
                campaign.mode.name()
            )?;
            let line = |f: usize, band: bool| Line {
                label: CAMPAIGN_FIGURES[f].label(),
                points: &series.figures[f],
                band,
            };
            // Dials and what came of them; drops only where a mode can drop.
            let drops = campaign.may_drop();
            let dials: Vec<Line> = (0..if drops { 4 } else { 3 })
                .map(|f| line(f, false))
                .collect();
            let charts = [
                ("dials", "Dials per interval", Unit::Count, dials),
                (
                    "agents",
                    Metric::OutboundUtilisation.label(),
                    Unit::Share,
                    vec![line(5, true)],
                ),
                (
                    "list",
                    Metric::RecordsLeft.label(),
                    Unit::Count,
                    vec![line(6, false)],
                ),
            ];
            for (name, title, unit, lines) in charts {
                let label = format!("{title} — {}", campaign.name);
                let svg = chart(
                    &label,
                    (unit, false),
                    &series.hours,
                    &lines,
                    None,
                    (&x_label, k > 1),
                )?;
                chart_figure(out, &scope, name, &svg)?;
            }
            if drops {
                let label = format!("{} — {}", Metric::DropRate.label(), campaign.name);
                let cap = ("cap (max_drop_rate)", campaign.max_drop_rate);
                let svg = chart(
                    &label,
                    (Unit::Share, false),
                    &series.hours,
                    &[line(4, true), line(7, false)],
                    Some(cap),
                    (&x_label, k > 1),
                )?;
                chart_figure(out, &scope, "drop_rate", &svg)?;
            }
        }

        // The summary table, every run-level figure.
        writeln!(
            out,
            "<h2>Summary</h2>\n<table>\n<thead><tr><th>scope</th><th>figure</th><th>estimate</th><th>95 % CI</th><th>metric</th></tr></thead>\n<tbody>"
        )?;
        for (&(scope, metric), e) in results.catalog.iter().zip(summary_estimates(results)) {
            let unit = metric.unit();
            let ci = if e.ci_low.is_finite() {
                format!("{} – {}", figure(e.ci_low, unit), figure(e.ci_high, unit))
            } else {
                String::new()
            };
            writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{ci}</td><td><code>{}</code></td></tr>",
                escape(&scope.label(s)),
                escape(metric.label()),
                figure(e.mean, unit),
                metric.name()
            )?;
        }
        writeln!(out, "</tbody>\n</table>\n</body>\n</html>")
    }
}

const STYLE: &str = "body{font-family:sans-serif;margin:2em auto;max-width:800px;color:#222}\
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}\
.run,.note{color:#555}figure{margin:1em 0}table{border-collapse:collapse;font-size:.9em}\
td,th{padding:.2em .6em;border-bottom:1px solid #eee;text-align:left}td.n{text-align:right;white-space:nowrap}\
tr.worse td{color:#b00}tr.better td{color:#070}tr.unclear td{color:#a60}";
