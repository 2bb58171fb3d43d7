//! `report.xlsx` (`--xlsx`), re-read as a spreadsheet program would (calamine for cells,
//! types and formats; the package's parts for charts and frozen headings): the same figures
//! as the CSVs, real date-times, percent formats, and a native chart per figure.

use crate::harness::{Ccsim, Run, csv_rows};
use calamine::{Data, Reader, Xlsx, open_workbook};
use std::io::Read;
use std::path::{Path, PathBuf};

fn bundled(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).join(name)
}

fn run(scenario: &str) -> Run {
    Ccsim::new()
        .args(["run", bundled(scenario).to_str().unwrap(), "--out", "out"])
        .args(["--replications", "3", "--xlsx"])
        .run()
        .success()
}

/// The text of part `name` of the workbook's package.
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn parts(path: &Path, prefix: &str) -> Vec<String> {
    let zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut names: Vec<String> = zip
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    names.sort();
    names
}

fn number(cell: Option<&Data>) -> f64 {
    match cell {
        Some(Data::Float(v)) => *v,
        Some(Data::DateTime(d)) => d.as_f64(),
        other => panic!("not a number: {other:?}"),
    }
}

fn text(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::String(s)) => s.clone(),
        other => panic!("not text: {other:?}"),
    }
}

/// A CSV figure (six decimals) and the workbook's (full precision) agree.
fn assert_same(csv: &str, cell: Option<&Data>, what: &str) {
    match csv {
        "" => assert!(matches!(cell, None | Some(Data::Empty)), "{what}: {cell:?}"),
        v => {
            let (a, b) = (v.parse::<f64>().unwrap(), number(cell));
            assert!(
                (a - b).abs() <= 1e-6 * a.abs().max(1.0),
                "{what}: {a} vs {b}"
            );
        }
    }
}

#[test]
fn the_workbook_has_the_reports_figures_with_dates_percentages_and_a_chart_per_figure() {
    for scenario in ["default.toml", "two-skill.toml"] {
        let run = run(scenario);
        let path = run.path("out/report.xlsx");
        let s = ccsim::scenario::Scenario::load(&bundled(scenario)).unwrap();
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        assert_eq!(
            book.sheet_names(),
            ["Summary", "Intervals", "Agents", "Charts"],
            "{scenario}"
        );

        // Summary: a row per summary.csv row, in its order, with its figures.
        let summary = book.worksheet_range("Summary").unwrap();
        let styles = book.worksheet_style("Summary").unwrap();
        let rows = csv_rows(&run.path("out/summary.csv"));
        assert_eq!(summary.height(), rows.len() + 1, "{scenario}");
        for (i, row) in rows.iter().enumerate() {
            let r = i as u32 + 1;
            let metric = ccsim::stats::Metric::from_name(&row["metric"]).unwrap();
            assert_eq!(text(summary.get_value((r, 0))), row["scope"]);
            assert_eq!(text(summary.get_value((r, 1))), metric.label());
            assert_eq!(text(summary.get_value((r, 7))), row["metric"]);
            assert_same(&row["mean"], summary.get_value((r, 2)), &row["metric"]);
            assert_same(&row["ci95_low"], summary.get_value((r, 3)), &row["metric"]);
            assert_same(&row["ci95_high"], summary.get_value((r, 4)), &row["metric"]);
            if metric.is_share() && !row["mean"].is_empty() {
                let format = styles.get((r, 2)).and_then(|s| s.number_format.clone());
                assert_eq!(format.unwrap().format_code, "0.0%", "{}", row["metric"]);
            }
        }

        // Intervals: a block of rows per queue in time order; interval starts are dates.
        let intervals = book.worksheet_range("Intervals").unwrap();
        let styles = book.worksheet_style("Intervals").unwrap();
        let n = s.intervals();
        assert_eq!(intervals.height(), 1 + n * s.queues.len(), "{scenario}");
        let headings: Vec<String> = (0..intervals.width() as u32)
            .map(|c| text(intervals.get_value((0, c))))
            .collect();
        let column = |label: &str| headings.iter().position(|h| h == label).unwrap() as u32;
        let (offered, sl) = (column("Offered"), column("Service level"));
        assert_eq!(headings[sl as usize + 1], "95 % CI low");
        let start_serial = 25_569.0 + s.start.as_second() as f64 / 86_400.0;
        for row in csv_rows(&run.path("out/intervals.csv")) {
            let q = s
                .queues
                .iter()
                .position(|x| x.name == row["queue"])
                .unwrap();
            let t: jiff::Timestamp = row["interval_start"].parse().unwrap();
            let k =
                ((t.as_second() - s.start.as_second()) as u64 * 1_000_000 / s.interval) as usize;
            let r = (1 + q * n + k) as u32;
            assert_eq!(text(intervals.get_value((r, 1))), row["queue"]);
            let Some(Data::DateTime(start)) = intervals.get_value((r, 0)) else {
                panic!("{scenario}: row {r}'s start is not a date-time");
            };
            let serial = start_serial + (t.as_second() - s.start.as_second()) as f64 / 86_400.0;
            assert!((start.as_f64() - serial).abs() < 1e-9, "row {r}");
            assert_same(
                &row["offered"],
                intervals.get_value((r, offered)),
                "offered",
            );
            assert_same(
                &row["service_level"],
                intervals.get_value((r, sl)),
                "service level",
            );
            assert_same(
                &row["service_level_ci95_high"],
                intervals.get_value((r, sl + 2)),
                "its CI",
            );
            if !row["service_level"].is_empty() {
                let format = styles.get((r, sl)).and_then(|s| s.number_format.clone());
                assert_eq!(format.unwrap().format_code, "0.0%");
            }
        }
        let agents = book.worksheet_range("Agents").unwrap();
        assert_eq!(agents.height(), 1 + n * s.agent_groups.len(), "{scenario}");

        // Headings frozen; a native chart per figure: contacts, service level and ASA per
        // queue, agents and occupancy per group, each series a range of its block.
        for sheet in ["sheet2.xml", "sheet3.xml"] {
            let xml = part(&path, &format!("xl/worksheets/{sheet}"));
            assert!(xml.contains("xSplit=\"2\" ySplit=\"1\""), "{sheet}");
            assert!(xml.contains("state=\"frozen\""), "{sheet}");
        }
        let charts = parts(&path, "xl/charts/chart");
        assert_eq!(
            charts.len(),
            3 * s.queues.len() + 2 * s.agent_groups.len(),
            "{scenario}"
        );
        let first = part(&path, &charts[0]);
        assert!(
            first.contains("<c:scatterChart>"),
            "lines against the interval start"
        );
        assert!(first.contains("formatCode=\"hh:mm\""), "a time-of-day axis");
        assert_eq!(
            first.matches("<c:ser>").count(),
            3,
            "offered, answered, abandoned"
        );
        assert!(first.contains(&format!("Intervals!$A$2:$A${}", n + 1)));
        let last = part(&path, charts.last().unwrap());
        let block = 1 + (s.agent_groups.len() - 1) * n;
        assert!(
            last.contains(&format!("Agents!$A${}:$A${}", block + 1, block + n)),
            "the last group's occupancy charts its own block"
        );
    }
}

#[test]
fn the_workbook_is_only_written_when_asked_for_and_changes_no_other_report() {
    let with = run("default.toml");
    let without = Ccsim::new()
        .args([
            "run",
            bundled("default.toml").to_str().unwrap(),
            "--out",
            "out",
        ])
        .args(["--replications", "3"])
        .run()
        .success();
    assert!(!without.path("out/report.xlsx").exists());
    for f in ["summary.csv", "intervals.csv", "agents.csv", "report.html"] {
        assert!(
            with.read(&format!("out/{f}")) == without.read(&format!("out/{f}")),
            "{f}"
        );
    }
}

#[test]
fn a_workbook_past_excel_s_rows_is_refused_before_the_run() {
    // Two queues of 600 000 one-minute intervals: more rows than a sheet holds.
    let queue = |name: &str| {
        format!(
            "[[queue]]\nname = \"{name}\"\narrivals = {{ per_hour = 1 }}\nhandle = {{ dist = \"exponential\", mean = \"4m\" }}\n"
        )
    };
    let scenario = format!(
        "[simulation]\nname = \"long\"\nstart = \"2026-01-01T00:00:00Z\"\nduration = \"600000m\"\ninterval = \"1m\"\n\n{}\n{}\n[[agent_group]]\nname = \"agents\"\nqueues = [\"a\", \"b\"]\nstaffing = {{ count = 2 }}\n",
        queue("a"),
        queue("b")
    );
    let run = Ccsim::new()
        .file("s.toml", &scenario)
        .args(["run", "s.toml", "--out", "out", "--xlsx"])
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("s.toml") && run.stderr.contains("1048576"),
        "{}",
        run.stderr
    );
    assert!(
        !run.path("out").exists(),
        "nothing simulated, nothing written"
    );

    // Before 1900-03-01 Excel's date-times are wrong; a shard writes no reports.
    let old = std::fs::read_to_string(bundled("default.toml"))
        .unwrap()
        .replace(
            "start = \"2026-03-30T08:00:00Z\"",
            "start = \"1850-03-30T08:00:00Z\"",
        );
    for (args, words) in [
        (vec!["run", "old.toml", "--xlsx"], "1900-03-01"),
        (
            vec!["run", "new.toml", "--xlsx", "--shard", "0/2"],
            "ccsim merge",
        ),
    ] {
        let run = Ccsim::new()
            .file("old.toml", &old)
            .file(
                "new.toml",
                &std::fs::read_to_string(bundled("default.toml")).unwrap(),
            )
            .args(args)
            .run();
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains(words), "{}", run.stderr);
    }
}

/// With a campaign, the workbook has a Campaigns sheet with `campaigns.csv`'s figures, one
/// block per campaign, and its charts: dials, agents' time and records left.
#[test]
fn the_workbook_has_a_campaign_sheet_and_charts() {
    let run = run("blended.toml");
    let path = run.path("out/report.xlsx");
    let s = ccsim::scenario::Scenario::load(&bundled("blended.toml")).unwrap();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Summary", "Intervals", "Agents", "Campaigns", "Charts"]
    );
    let sheet = book.worksheet_range("Campaigns").unwrap();
    let rows = csv_rows(&run.path("out/campaigns.csv"));
    assert_eq!(sheet.height(), 1 + rows.len());
    // Columns: UTC start, local start, campaign, then each figure with its CI.
    let heading = |c: u32| text(sheet.get_value((0, c)));
    let dials = (3..sheet.width() as u32)
        .find(|&c| heading(c) == ccsim::stats::Metric::Dials.label())
        .expect("a dials column");
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        assert_eq!(text(sheet.get_value((r, 2))), row["campaign"]);
        assert_same(&row["dials"], sheet.get_value((r, dials)), "dials");
    }
    let charts = parts(&path, "xl/charts/chart");
    assert_eq!(
        charts.len(),
        3 * s.queues.len() + 2 * s.agent_groups.len() + 3 * s.campaigns.len()
    );
    let last = part(&path, charts.last().unwrap());
    assert!(
        last.contains("Campaigns!$"),
        "records left charts the campaign's block"
    );
}
