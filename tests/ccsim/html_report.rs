//! `report.html`: self-contained, one chart per figure the scenario has, and drawn for real
//! by a headless browser (Debian's Chromium, which `.ci/run` installs).

use crate::harness::{Ccsim, csv_rows};
use std::path::{Path, PathBuf};
use std::process::Command;

fn bundled(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).join(name)
}

/// The charts a scenario's report has: contacts, service level and ASA per queue, ports per
/// queue with a pool, callbacks per queue with callbacks; agents and occupancy per group;
/// dials, agents' time and records left per campaign, and the drop rate where it can drop
/// (power and predictive modes, or answering-machine detection).
fn expected_charts(scenario: &Path) -> usize {
    let s = ccsim::scenario::Scenario::load(scenario).unwrap();
    s.queues
        .iter()
        .map(|q| 3 + usize::from(q.port_pool.is_some()) + usize::from(q.callback.is_some()))
        .sum::<usize>()
        + 2 * s.agent_groups.len()
        + s.campaigns
            .iter()
            .map(|c| 3 + usize::from(c.may_drop()))
            .sum::<usize>()
}

fn report(scenario: &str) -> (crate::harness::Run, String) {
    let path = bundled(scenario);
    let run = Ccsim::new()
        .args(["run", path.to_str().unwrap(), "--out", "out"])
        .args(["--replications", "4"])
        .run()
        .success();
    let html = run.read("out/report.html");
    (run, html)
}

#[test]
fn the_report_is_one_self_contained_page_with_a_chart_per_figure() {
    for scenario in [
        "default.toml",
        "callbacks.toml",
        "two-skill.toml",
        "blended.toml",
    ] {
        let (_, html) = report(scenario);
        if scenario == "callbacks.toml" {
            assert!(html.contains("data-chart=\"callbacks\""));
        }
        if scenario == "blended.toml" {
            for chart in ["dials", "agents", "list"] {
                let scoped = format!("data-scope=\"campaign:renewals\" data-chart=\"{chart}\"");
                assert!(html.contains(&scoped), "{chart}");
            }
            // The pool's busy ports, inbound and outbound apart.
            assert!(html.contains(ccsim::stats::Metric::PortsBusyOutboundMean.label()));
        }
        for outside in ["<script", "<link", "src=", "url(", "@import"] {
            assert!(!html.contains(outside), "{scenario}: {outside}");
        }
        // The one address is SVG's namespace, which names and fetches nothing.
        let addresses = html.matches("http").count();
        assert_eq!(
            addresses,
            html.matches("http://www.w3.org/2000/svg").count(),
            "{scenario}"
        );
        let charts = html.matches("<figure class=\"chart\"").count();
        assert_eq!(charts, expected_charts(&bundled(scenario)), "{scenario}");
        // Each chart draws its first figure's line: a polyline in the first colour through
        // more points than a legend's two (axes and grid are grey).
        let intervals = ccsim::scenario::Scenario::load(&bundled(scenario))
            .unwrap()
            .intervals();
        for figure in html.split("<figure class=\"chart\"").skip(1) {
            let figure = &figure[..figure.find("</figure>").unwrap()];
            let longest = figure
                .split("<polyline")
                .skip(1)
                .filter(|p| p.contains("stroke=\"#1F77B4\""))
                .map(|p| {
                    let points = &p[p.find("points=\"").unwrap() + 8..];
                    points[..points.find('"').unwrap()]
                        .split_whitespace()
                        .count()
                })
                .max()
                .unwrap_or(0);
            // The abandoned rate is defined only where the campaign dials: blended.toml's
            // afternoon, half the day.
            let needed = if figure.contains("data-chart=\"drop_rate\"") {
                intervals / 2
            } else {
                intervals / 2 + 1
            };
            assert!(
                longest >= needed,
                "{scenario}: a chart whose line has {longest} points for {intervals} intervals"
            );
        }
        // The summary table has a row per run-level metric of summary.csv.
        let s = ccsim::scenario::Scenario::load(&bundled(scenario)).unwrap();
        assert_eq!(
            html.matches("<tr><td>").count(),
            ccsim::stats::catalog(&s).len(),
            "{scenario}"
        );
    }
}

/// Chromium's path, or None where it is missing and this is not CI (which must have it).
fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from("/usr/bin/chromium");
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must test the report in a browser: install Debian's chromium (.ci/run does)"
    );
    eprintln!("note: /usr/bin/chromium missing; the report was not opened in a browser");
    None
}

/// Chromium headless with a profile of its own, ended if it hangs.
fn headless(chromium: &Path, profile: &Path) -> Command {
    let mut c = Command::new("timeout");
    c.arg("120")
        .arg(chromium)
        .args([
            "--disable-dev-shm-usage",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=900,2400",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn a_headless_browser_draws_the_report() {
    let Some(chromium) = chromium() else { return };
    let (run, _) = report("default.toml");
    let page = format!("file://{}", run.path("out/report.html").display());

    // The page as the browser built it: every chart an SVG element it parsed.
    let svgs = browser_svgs(&run.path("out/report.html"), &run.path("profile-dom"));
    assert_eq!(svgs, Some(expected_charts(&bundled("default.toml"))));

    // A screenshot that is not blank: many colours, and a good share of the page drawn on.
    let png = run.path("report.png");
    let shot = headless(&chromium, &run.path("profile-shot"))
        .arg(format!("--screenshot={}", png.display()))
        .arg(&page)
        .output()
        .expect("chromium runs");
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let channels = info.color_type.samples();
    let pixels = &pixels[..info.buffer_size()];
    let mut colours = std::collections::HashSet::new();
    let mut drawn = 0usize;
    for p in pixels.chunks(channels) {
        colours.insert(p[..3].to_vec());
        drawn += usize::from(p[..3] != [255, 255, 255]);
    }
    let total = pixels.len() / channels;
    assert!(colours.len() > 50, "{} colours", colours.len());
    assert!(
        drawn * 20 > total,
        "only {drawn} of {total} pixels are not white"
    );
}

/// The number of `<svg>` elements Chromium builds from `page`, where Chromium is at hand.
fn browser_svgs(page: &Path, profile: &Path) -> Option<usize> {
    let chromium = chromium()?;
    let dom = headless(&chromium, profile)
        .args(["--dump-dom", &format!("file://{}", page.display())])
        .output()
        .expect("chromium runs");
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    Some(String::from_utf8_lossy(&dom.stdout).matches("<svg").count())
}

fn assert_self_contained(html: &str, what: &str) {
    for outside in ["<script", "<link", "src=", "url(", "@import"] {
        assert!(!html.contains(outside), "{what}: {outside}");
    }
    assert_eq!(
        html.matches("http").count(),
        html.matches("http://www.w3.org/2000/svg").count(),
        "{what}"
    );
}

/// `compare --intervals`: a chart of B − A per queue and charted figure, with the line of no
/// difference, and a row per run-level comparison; the lines go below 0 where B is lower.
#[test]
fn compare_sweep_and_staff_write_their_own_report_pages() {
    let default = bundled("default.toml");
    let more = std::fs::read_to_string(&default).unwrap().replace(
        "per_interval = [10, 12, 14, 15, 16, 15, 13, 12, 10, 11, 12, 13, 12, 11, 10, 9, 8, 7, 6, 5]",
        "per_interval = [11, 13, 15, 16, 17, 16, 14, 13, 11, 12, 13, 14, 13, 12, 11, 10, 9, 8, 7, 6]",
    );
    let run = Ccsim::new()
        .file("more.toml", &more)
        .args([
            "compare",
            default.to_str().unwrap(),
            "more.toml",
            "--intervals",
        ])
        .args(["--out", "cmp"])
        .run();
    assert_eq!(run.code, 0, "more agents are better: {}", run.stdout);
    let html = run.read("cmp/report.html");
    assert_self_contained(&html, "compare");
    let charts = ["service_level", "asa_s", "abandon_rate"];
    for chart in charts {
        assert!(html.contains(&format!("data-chart=\"{chart}\"")), "{chart}");
    }
    assert_eq!(
        html.matches("<figure class=\"chart\"").count(),
        charts.len()
    );
    assert!(html.contains("no difference"));
    let rows = csv_rows(&run.path("cmp/comparison.csv"));
    let run_level = rows
        .iter()
        .filter(|r| r["interval_start"].is_empty())
        .count();
    assert_eq!(html.matches("<tr class=\"").count(), run_level);
    assert_eq!(
        html.matches("<tr class=\"better\">").count(),
        rows.iter()
            .filter(|r| r["interval_start"].is_empty() && r["verdict"] == "better")
            .count()
    );
    // ASA falls with more agents: its chart's y axis runs below 0 (plotters labels it).
    let asa = html.split("data-chart=\"asa_s\"").nth(1).unwrap();
    let asa = &asa[..asa.find("</figure>").unwrap()];
    assert!(asa.contains("\n-1.0\n"), "ASA's differences are negative");
    if let Some(svgs) = browser_svgs(&run.path("cmp/report.html"), &run.path("p1")) {
        assert_eq!(svgs, charts.len());
    }

    // sweep: a chart per figure against the first key, a line per value of the second.
    let run = Ccsim::new()
        .args(["sweep", default.to_str().unwrap()])
        .args(["--set", "queue.support.patience.mean=2m,3m"])
        .args(["--set", "agent_group.tier1.staffing.count=12..14"])
        .args(["--replications", "3", "--out", "sw"])
        .run()
        .success();
    let html = run.read("sw/report.html");
    assert_self_contained(&html, "sweep");
    let figures = html.matches("<figure class=\"chart\"").count();
    // Offered, service level, ASA, abandon rate, share that waited, occupancy and block rate
    // (the default day has a port pool, and no callbacks).
    assert_eq!(figures, 7);
    let service = html.split("data-chart=\"service_level\"").nth(1).unwrap();
    let service = &service[..service.find("</figure>").unwrap()];
    for count in 12..=14 {
        assert!(service.contains(&format!("agent_group.tier1.staffing.count = {count}")));
    }
    assert_eq!(html.matches("<tr><td>").count(), 6, "a row per point");
    if let Some(svgs) = browser_svgs(&run.path("sw/report.html"), &run.path("p2")) {
        assert_eq!(svgs, figures);
    }

    // staff: agents per group (the plan, now, Erlang C), and each target's figure per queue.
    let run = Ccsim::new()
        .args([
            "staff",
            default.to_str().unwrap(),
            "--target",
            "service_level=0.8",
        ])
        .args(["--max", "abandon_rate=5%", "--out", "st"])
        .run()
        .success();
    let html = run.read("st/report.html");
    assert_self_contained(&html, "staff");
    assert_eq!(html.matches("<figure class=\"chart\"").count(), 1 + 2);
    for label in ["with the plan", "staffed now", "Erlang C", "target"] {
        assert!(html.contains(label), "{label}");
    }
    if let Some(svgs) = browser_svgs(&run.path("st/report.html"), &run.path("p3")) {
        assert_eq!(svgs, 3);
    }
}
