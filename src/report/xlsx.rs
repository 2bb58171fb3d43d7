//! `report.xlsx` (with `--xlsx`): the summary and the interval tables as a workbook — real
//! date-times, percent formats, frozen headings — and native Excel charts of each queue's,
//! group's and campaign's intervals, drawn by Excel from the sheets' cells. Labels, units and
//! scopes come from the metric registry, as in every other report.
//!
//! The interval sheets hold one block of rows per queue (or group, or campaign), in time
//! order, so that a chart's series is one range of cells.

use super::{Exporter, IntervalEstimates, summary_estimates};
use crate::experiment::RowReader;
use crate::experiment::RunResults;
use crate::scenario::Scenario;
use crate::stats::{AGENT_COLUMNS, CAMPAIGN_COLUMNS, Column, INTERVAL_COLUMNS, Metric, Unit};
use crate::stats::{agent_columns_shown, campaign_columns_shown, interval_columns_shown};
use rust_xlsxwriter::{Chart, ChartType, Format, FormatAlign, Workbook, Worksheet, XlsxError};
use std::io::Write;

pub struct ReportXlsx;

/// Rows a worksheet holds (Excel's limit), the heading included.
pub const MAX_ROWS: usize = 1_048_576;

/// The rows the longer interval sheet needs, its heading included: a run whose workbook
/// would not fit is refused before it is simulated.
pub fn rows_needed(s: &Scenario) -> usize {
    let intervals = s.intervals() - s.first_reported_interval();
    1 + intervals
        * s.queues
            .len()
            .max(s.agent_groups.len())
            .max(s.campaigns.len())
}

/// Excel's serial date of 1970-01-01 (days since its epoch of 1899-12-30).
const UNIX_EPOCH_SERIAL: f64 = 25_569.0;

/// The first time Excel's date-times write correctly: before it, its serial dates run into
/// the 1900 leap-year bug, and then below zero.
pub const FIRST_TIME: &str = "1900-03-01T00:00:00Z";

/// The queue figures charted, each chart a list of figures on one axis.
const QUEUE_CHARTS: [(&str, &[Metric]); 3] = [
    (
        "Contacts",
        &[Metric::Offered, Metric::Answered, Metric::Abandoned],
    ),
    ("Service level", &[Metric::ServiceLevel]),
    ("ASA", &[Metric::AsaS]),
];
const GROUP_CHARTS: [(&str, &[Column]); 2] = [
    ("Agents", &[Column::Scheduled, Column::Present]),
    ("Occupancy", &[Column::Metric(Metric::Occupancy)]),
];
const CAMPAIGN_CHARTS: [(&str, &[Column]); 3] = [
    (
        "Dials",
        &[
            Column::Metric(Metric::Dials),
            Column::Metric(Metric::LiveAnswers),
            Column::Metric(Metric::OutboundConnected),
            Column::Metric(Metric::Dropped),
        ],
    ),
    (
        "Agents' time on the campaign",
        &[Column::Metric(Metric::OutboundUtilisation)],
    ),
    ("Records left", &[Column::Metric(Metric::RecordsLeft)]),
];

fn number_format(unit: Unit) -> Format {
    Format::new().set_num_format(match unit {
        Unit::Share => "0.0%",
        Unit::Seconds | Unit::Minutes => "0.0",
        _ => "#,##0.00",
    })
}

fn heading_format() -> Format {
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
}

/// A column heading: the label and its unit (shares are shown as percentages).
fn heading(label: &str, unit: Unit) -> String {
    match unit {
        Unit::Count | Unit::Share => label.to_string(),
        _ => format!("{label} ({})", unit.symbol()),
    }
}

impl Exporter for ReportXlsx {
    fn file_name(&self) -> &'static str {
        "report.xlsx"
    }

    fn write(&self, results: &RunResults, out: &mut dyn Write) -> std::io::Result<()> {
        let bytes = workbook(results).map_err(|e| match e {
            XlsxError::IoError(e) => e,
            e => std::io::Error::other(format!("report.xlsx: {e}")),
        })?;
        out.write_all(&bytes)
    }
}

fn workbook(results: &RunResults) -> Result<Vec<u8>, XlsxError> {
    let s = &results.scenario;
    let mut book = Workbook::new();
    // The same run gives the same bytes: the workbook is dated by the scenario's start.
    book.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(&s.name)
            .set_creation_datetime(&excel_time(s.start.as_second())?),
    );
    summary_sheet(results, book.add_worksheet())?;

    let queue_names: Vec<&str> = s.queues.iter().map(|q| q.name.as_str()).collect();
    let queue_columns = INTERVAL_COLUMNS.map(Column::Metric);
    let queues = interval_sheet(
        results,
        book.add_worksheet().set_name("Intervals")?,
        ("Queue", &queue_names),
        (&queue_columns, interval_columns_shown(s)),
        &mut results.interval_rows()?,
    )?;
    let group_names: Vec<&str> = s.agent_groups.iter().map(|g| g.name.as_str()).collect();
    let groups = interval_sheet(
        results,
        book.add_worksheet().set_name("Agents")?,
        ("Group", &group_names),
        (&AGENT_COLUMNS, agent_columns_shown(s)),
        &mut results.agent_rows()?,
    )?;

    let campaign_names: Vec<&str> = s.campaigns.iter().map(|c| c.name.as_str()).collect();
    let campaigns = if campaign_names.is_empty() {
        None
    } else {
        Some(interval_sheet(
            results,
            book.add_worksheet().set_name("Campaigns")?,
            ("Campaign", &campaign_names),
            (&CAMPAIGN_COLUMNS, campaign_columns_shown(s)),
            &mut results.campaign_rows()?,
        )?)
    };

    let charts = book.add_worksheet().set_name("Charts")?;
    let mut row = 0;
    for (q, name) in queue_names.iter().enumerate() {
        for (title, figures) in QUEUE_CHARTS {
            let figures: Vec<Column> = figures.iter().map(|&m| Column::Metric(m)).collect();
            if let Some(chart) = line_chart(&queues, "Intervals", q, (title, name), &figures) {
                charts.insert_chart(row, 0, &chart)?;
                row += CHART_ROWS;
            }
        }
    }
    for (g, name) in group_names.iter().enumerate() {
        for (title, figures) in GROUP_CHARTS {
            if let Some(chart) = line_chart(&groups, "Agents", g, (title, name), figures) {
                charts.insert_chart(row, 0, &chart)?;
                row += CHART_ROWS;
            }
        }
    }
    if let Some(campaigns) = &campaigns {
        for (c, name) in campaign_names.iter().enumerate() {
            for (title, figures) in CAMPAIGN_CHARTS {
                if let Some(chart) = line_chart(campaigns, "Campaigns", c, (title, name), figures) {
                    charts.insert_chart(row, 0, &chart)?;
                    row += CHART_ROWS;
                }
            }
        }
    }
    book.save_to_buffer()
}

/// Rows of the Charts sheet a chart takes (its default height, 288 px, and a gap).
const CHART_ROWS: u32 = 16;

fn excel_time(unix_seconds: i64) -> Result<rust_xlsxwriter::ExcelDateTime, XlsxError> {
    rust_xlsxwriter::ExcelDateTime::from_timestamp(unix_seconds)
}

/// The Summary sheet: every catalog metric with its estimate, 95 % CI and replications.
fn summary_sheet(results: &RunResults, sheet: &mut Worksheet) -> Result<(), XlsxError> {
    let s = &results.scenario;
    sheet.set_name("Summary")?;
    let bold = heading_format();
    let headings = [
        "Scope",
        "Metric",
        "Estimate",
        "95 % CI low",
        "95 % CI high",
        "Replications",
        "Unit",
        "Name in the CSVs",
    ];
    for (c, h) in headings.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, (&(scope, metric), e)) in results
        .catalog
        .iter()
        .zip(summary_estimates(results))
        .enumerate()
    {
        let row = i as u32 + 1;
        let format = number_format(metric.unit());
        sheet.write_string(row, 0, scope.label(s))?;
        sheet.write_string(row, 1, metric.label())?;
        for (c, v) in [(2, e.mean), (3, e.ci_low), (4, e.ci_high)] {
            if v.is_finite() {
                sheet.write_number_with_format(row, c, v, &format)?;
            }
        }
        sheet.write_number(row, 5, e.n as f64)?;
        sheet.write_string(row, 6, unit_name(metric.unit()))?;
        sheet.write_string(row, 7, metric.name())?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (c, width) in [16, 44, 12, 12, 12, 12, 10, 30].into_iter().enumerate() {
        sheet.set_column_width(c as u16, width)?;
    }
    Ok(())
}

fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Count => "count",
        Unit::Share => "share",
        Unit::Seconds => "seconds",
        Unit::Minutes => "minutes",
        Unit::Agents => "agents",
        Unit::Ports => "ports",
        Unit::Contacts => "contacts",
    }
}

/// Where an interval sheet put its figures: the rows of each name's block and the sheet
/// column of each table column shown.
struct SheetLayout<const N: usize> {
    columns: [Column; N],
    /// The sheet column of each table column's estimate (its CI follows), if shown.
    at: [Option<u16>; N],
    /// Rows per name (one per reported interval); name i's block starts at row 1 + i·rows.
    rows: u32,
    /// The column of the interval starts the charts are drawn against (local, with a zone
    /// whose clock does not change within the run; else UTC), and the first and last of
    /// them (Excel serial dates).
    time_col: u16,
    span: (f64, f64),
}

/// An interval sheet: interval start (a date-time), the row's name, then each shown column's
/// estimate and 95 % CI; one block of rows per name, in time order.
fn interval_sheet<const N: usize>(
    results: &RunResults,
    sheet: &mut Worksheet,
    (key, names): (&str, &[&str]),
    (columns, shown): (&[Column; N], [bool; N]),
    readers: &mut [RowReader<N>],
) -> Result<SheetLayout<N>, XlsxError> {
    let s = &results.scenario;
    let bold = heading_format();
    let time = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    sheet.write_string_with_format(0, 0, "Interval start (UTC)", &bold)?;
    sheet.set_column_width(0, 17)?;
    // With a time zone, the start on its clock too (Excel's date-times have no zone); the
    // charts are drawn against it.
    let zone = s.time_zone.as_ref();
    if let Some(zone) = zone {
        let name = zone.iana_name().unwrap_or("local");
        sheet.write_string_with_format(0, 1, format!("Interval start ({name})"), &bold)?;
        sheet.set_column_width(1, 17)?;
    }
    let key_col = 1 + u16::from(zone.is_some());
    sheet.write_string_with_format(0, key_col, key, &bold)?;
    sheet.set_column_width(key_col, 12)?;
    let mut at = [None; N];
    let mut next = key_col + 1;
    for c in (0..N).filter(|&c| shown[c]) {
        at[c] = Some(next);
        let label = heading(columns[c].label(), columns[c].unit());
        sheet.write_string_with_format(0, next, &label, &bold)?;
        sheet.write_string_with_format(0, next + 1, "95 % CI low", &bold)?;
        sheet.write_string_with_format(0, next + 2, "95 % CI high", &bold)?;
        sheet.set_column_width(next, 14)?;
        next += 3;
    }
    sheet.set_row_height(0, 45)?;
    sheet.set_freeze_panes(1, key_col + 1)?;

    let formats: Vec<Format> = columns.iter().map(|c| number_format(c.unit())).collect();
    let first = s.first_reported_interval();
    let rows = (s.intervals() - first) as u32;
    let interval_days = s.interval as f64 / crate::engine::TICKS_PER_SECOND as f64 / 86_400.0;
    let start_serial = UNIX_EPOCH_SERIAL + s.start.as_second() as f64 / 86_400.0;
    // The charts' x axis: from the first interval's start to the last's, on the clock used.
    let chart_serial = |k: usize| {
        let at = s.start + jiff::SignedDuration::from_micros((k as u64 * s.interval) as i64);
        let offset = zone.map_or(0, |z| z.to_offset(at).seconds());
        start_serial + k as f64 * interval_days + f64::from(offset) / 86_400.0
    };
    // Charts are drawn against the local start unless the clock changes within the run:
    // then the repeated hour would draw a line back over itself, and UTC goes on evenly.
    let last = s.intervals().max(first + 1) - 1;
    let offset_of = |k: usize| {
        zone.map(|z| {
            let at = s.start + jiff::SignedDuration::from_micros((k as u64 * s.interval) as i64);
            z.to_offset(at)
        })
    };
    let chart_local = zone.is_some() && offset_of(first) == offset_of(last);
    let span = if chart_local {
        (chart_serial(first), chart_serial(last))
    } else {
        let utc = |k: usize| start_serial + k as f64 * interval_days;
        (utc(first), utc(last))
    };
    let mut estimates = IntervalEstimates::new(readers, (columns, shown));
    while let Some((interval, index, values)) = estimates.next_row().map_err(XlsxError::IoError)? {
        let row = 1 + index as u32 * rows + (interval - first) as u32;
        let serial = start_serial + interval as f64 * interval_days;
        sheet.write_number_with_format(row, 0, serial, &time)?;
        if let Some(zone) = zone {
            let at =
                s.start + jiff::SignedDuration::from_micros((interval as u64 * s.interval) as i64);
            let offset = f64::from(zone.to_offset(at).seconds()) / 86_400.0;
            sheet.write_number_with_format(row, 1, serial + offset, &time)?;
        }
        sheet.write_string(row, key_col, names[index])?;
        for c in 0..N {
            let Some(col) = at[c] else { continue };
            let e = values[c];
            for (offset, v) in [e.mean, e.ci_low, e.ci_high].into_iter().enumerate() {
                if v.is_finite() {
                    sheet.write_number_with_format(row, col + offset as u16, v, &formats[c])?;
                }
            }
        }
    }
    Ok(SheetLayout {
        columns: *columns,
        at,
        rows,
        time_col: if chart_local { 1 } else { 0 },
        span,
    })
}

/// A chart of name `i`'s block of `sheet`: a line for each figure shown among `figures`,
/// against the interval start (a scatter chart with straight lines: Excel's date axes count
/// in whole days, which would stack a day's intervals on one point); None when none is shown.
fn line_chart<const N: usize>(
    layout: &SheetLayout<N>,
    sheet: &str,
    i: usize,
    (title, name): (&str, &str),
    figures: &[Column],
) -> Option<Chart> {
    let series: Vec<(Column, u16)> = figures
        .iter()
        .filter_map(|f| {
            let c = layout.columns.iter().position(|c| c == f)?;
            Some((*f, layout.at[c]?))
        })
        .collect();
    let (first_figure, _) = *series.first()?;
    let (first, last) = (1 + i as u32 * layout.rows, (i as u32 + 1) * layout.rows);
    let mut chart = Chart::new(ChartType::ScatterStraight);
    chart.title().set_name(&format!("{title} — {name}"));
    for (figure, col) in &series {
        chart
            .add_series()
            .set_name(figure.label())
            .set_categories((sheet, first, layout.time_col, last, layout.time_col))
            .set_values((sheet, first, *col, last, *col));
    }
    // Ticks every 1, 2, 3, 4, 6, 12 or 24 hours, or whole days: at most about a dozen.
    let (min, max) = layout.span;
    let hours = (max - min) * 24.0;
    let step = [1.0, 2.0, 3.0, 4.0, 6.0, 12.0, 24.0]
        .into_iter()
        .find(|h| hours / h <= 12.0)
        .unwrap_or_else(|| (hours / 12.0 / 24.0).ceil() * 24.0);
    chart
        .x_axis()
        .set_min(min)
        .set_max(max.max(min + step / 24.0))
        .set_major_unit(step / 24.0)
        .set_num_format(if hours > 24.0 { "mm-dd hh:mm" } else { "hh:mm" });
    let unit = first_figure.unit();
    chart
        .y_axis()
        .set_name(&heading(title, unit))
        .set_num_format(match unit {
            Unit::Share => "0%",
            _ => "#,##0",
        });
    if unit == Unit::Share {
        chart.y_axis().set_min(0.0).set_max(1.0);
    }
    chart.set_width(900).set_height(288);
    Some(chart)
}
