//! `report.html`: self-contained, one chart per figure the scenario has, and drawn for real
//! by a headless browser (Debian's Chromium, which `.ci/run` installs).

use crate::harness::Ccsim;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bundled(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).join(name)
}

/// The charts a scenario's report has: contacts, service level and ASA per queue, ports per
/// queue with a pool, callbacks per queue with callbacks; agents and occupancy per group.
fn expected_charts(scenario: &Path) -> usize {
    let s = ccsim::scenario::Scenario::load(scenario).unwrap();
    s.queues
        .iter()
        .map(|q| 3 + usize::from(q.port_pool.is_some()) + usize::from(q.callback.is_some()))
        .sum::<usize>()
        + 2 * s.agent_groups.len()
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
    for scenario in ["default.toml", "callbacks.toml", "two-skill.toml"] {
        let (_, html) = report(scenario);
        if scenario == "callbacks.toml" {
            assert!(html.contains("data-chart=\"callbacks\""));
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
            assert!(
                longest > intervals / 2,
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
    let dom = headless(&chromium, &run.path("profile-dom"))
        .args(["--dump-dom", &page])
        .output()
        .expect("chromium runs");
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    let expected = expected_charts(&bundled("default.toml"));
    assert_eq!(dom.matches("<svg").count(), expected, "{dom:.2000}");

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
