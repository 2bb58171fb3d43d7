//! `ccsim sweep`: each row is exactly the run of its point; bad keys and values are errors.

use crate::harness::{Ccsim, Summary, csv_rows};

fn scenario(agents: &str, patience: &str) -> String {
    format!(
        r#"[simulation]
name = "sweep"
start = "2026-01-05T08:00:00Z"
duration = "4h"
interval = "30m"
replications = 12
seed = 5

[[queue]]
name = "support"
arrivals = {{ per_hour = 150 }}
handle = {{ dist = "lognormal", mean = "4m", cv = 0.7 }}
patience = {{ dist = "exponential", mean = "{patience}" }}

[[agent_group]]
name = "tier1"
queues = ["support"]
staffing = {{ count = {agents} }}
"#
    )
}

#[test]
fn rows_agree_with_individual_runs_of_the_same_points() {
    let dir = Ccsim::new()
        .file("s.toml", &scenario("10", "2m"))
        .args([
            "sweep",
            "s.toml",
            "--set",
            "agent_group.tier1.staffing.count=9..11",
            "--set",
            "queue.support.patience.mean=1m,3m",
            "--out",
            "sw",
        ])
        .run()
        .success();
    let rows = csv_rows(&dir.path("sw/sweep.csv"));
    assert_eq!(rows.len(), 6);
    // The table on screen names the abandon rate (a share) as such, not as a count.
    let heading = dir.stdout.lines().next().unwrap_or_default();
    assert!(heading.contains("abandon rate"), "{heading}");
    assert!(
        !dir.read("sw/sweep.csv")
            .lines()
            .next()
            .unwrap()
            .contains("campaign:"),
        "no campaign, no campaign columns"
    );
    for row in &rows {
        let (agents, patience) = (
            &row["agent_group.tier1.staffing.count"],
            &row["queue.support.patience.mean"],
        );
        std::fs::write(dir.path("point.toml"), scenario(agents, patience)).unwrap();
        assert!(
            dir.again(["run", "point.toml", "--out", "single"])
                .status
                .success()
        );
        let s = Summary::read(&dir.path("single/summary.csv"));
        for metric in ["service_level", "asa_s", "abandon_rate", "occupancy"] {
            let e = s.get("all", metric);
            let at = |col: &str| row[col].parse::<f64>().unwrap();
            assert_eq!(
                at(metric),
                e.mean,
                "{metric} at {agents} agents, patience {patience}"
            );
            assert_eq!(at(&format!("{metric}_ci95_low")), e.lo);
            assert_eq!(at(&format!("{metric}_ci95_high")), e.hi);
        }
    }
    // Common random numbers across points: more agents never serve worse on the same callers.
    let sl: Vec<f64> = rows
        .iter()
        .filter(|r| r["queue.support.patience.mean"] == "3m")
        .map(|r| r["service_level"].parse().unwrap())
        .collect();
    assert!(sl.windows(2).all(|w| w[0] < w[1]), "{sl:?}");
}

#[test]
fn bad_keys_and_values_are_errors_naming_the_key() {
    for (set, words) in [
        (
            "queue.sales.patience.mean=1m",
            "no [[queue]] is named \"sales\"",
        ),
        ("queue.support.patience.mena=1m", "mena"),
        ("queue.support.patience.mean=-1m", "negative"),
        ("agent_group.tier1.staffing.count=10..5", "a range goes up"),
        ("simulation.colour=red", "colour"),
        ("queue.support.handle.cv=0", "queue.support.handle.cv"),
        // One key, two --set: which values would the rows have?
        (
            "queue.support.patience.mean=1m --set queue.support.patience.mean=2m",
            "given twice",
        ),
    ] {
        let mut args = vec!["sweep", "s.toml"];
        for part in set.split(" --set ") {
            args.extend(["--set", part]);
        }
        args.extend(["--out", "sw"]);
        let run = Ccsim::new()
            .file("s.toml", &scenario("10", "2m"))
            .args(args)
            .run();
        assert_eq!(run.code, 2, "{set}: {}", run.stderr);
        assert!(
            run.stderr.contains(words),
            "{set}: expected {words:?} in {}",
            run.stderr
        );
        assert!(
            !run.path("sw/sweep.csv").exists(),
            "nothing runs when a point is invalid"
        );
    }
}

/// A swept seed is each point's own; --seed cannot also set it.
#[test]
fn a_swept_seed_changes_the_callers() {
    let dir = Ccsim::new()
        .file("s.toml", &scenario("10", "2m"))
        .args([
            "sweep",
            "s.toml",
            "--set",
            "simulation.seed=1,2",
            "--out",
            "sw",
        ])
        .run()
        .success();
    let rows = csv_rows(&dir.path("sw/sweep.csv"));
    assert_ne!(
        rows[0]["offered"], rows[1]["offered"],
        "different seeds, different callers"
    );
    let both = dir.again([
        "sweep",
        "s.toml",
        "--set",
        "simulation.seed=1,2",
        "--seed",
        "3",
    ]);
    assert_eq!(both.status.code(), Some(2));
}

/// A blended center: the sweep's inbound line with a progressive campaign on its agents,
/// who keep `threshold` of themselves idle for inbound.
fn blended(threshold: &str) -> String {
    format!(
        r#"{}
[[campaign]]
name = "list"
mode = "progressive"
groups = ["tier1"]
records = 100000
idle_threshold = {threshold}
talk = {{ dist = "exponential", mean = "3m" }}
results = {{ OK = 0.35, NO_ANSWER = 0.45, BUSY = 0.2 }}
"#,
        scenario("11", "2m")
    )
}

/// A sweep of a center with a campaign shows the campaign's figures beside the run-wide
/// ones, each exactly its point's run; shards of it merge into the same sweep.
#[test]
fn a_sweep_shows_each_campaigns_figures_as_its_points_runs_do() {
    let key = "campaign.list.idle_threshold";
    let set = format!("{key}=0,2,4");
    let dir = Ccsim::new()
        .file("s.toml", &blended("0"))
        .args(["sweep", "s.toml", "--set", &set, "--out", "sw"])
        .run()
        .success();
    let rows = csv_rows(&dir.path("sw/sweep.csv"));
    assert_eq!(rows.len(), 3);
    let campaign_figures = [
        "dials",
        "outbound_connected",
        "drop_rate",
        "drop_cap_met",
        "contacts_per_agent_hour",
        "outbound_utilisation",
        "list_penetration",
    ];
    for row in &rows {
        std::fs::write(dir.path("point.toml"), blended(&row[key])).unwrap();
        assert!(
            dir.again(["run", "point.toml", "--out", "single"])
                .status
                .success()
        );
        let s = Summary::read(&dir.path("single/summary.csv"));
        let at = |col: &str| row[col].parse::<f64>().unwrap();
        for metric in campaign_figures {
            let e = s.get("campaign:list", metric);
            let column = format!("campaign:list:{metric}");
            assert_eq!(at(&column), e.mean, "{column} at threshold {}", row[key]);
            assert_eq!(at(&format!("{column}_ci95_low")), e.lo, "{column}");
            assert_eq!(at(&format!("{column}_ci95_high")), e.hi, "{column}");
        }
        assert_eq!(at("service_level"), s.get("all", "service_level").mean);
    }
    // The trade a planner sweeps the threshold for, on the same callers and records.
    let connected: Vec<f64> = rows
        .iter()
        .map(|r| r["campaign:list:outbound_connected"].parse().unwrap())
        .collect();
    assert!(connected.windows(2).all(|w| w[0] > w[1]), "{connected:?}");
    let page = dir.read("sw/report.html");
    assert!(
        page.contains("data-scope=\"campaign:list\" data-chart=\"outbound_connected\""),
        "the page charts the campaign's figures"
    );
    // A chart's legend names the CI band only where one is drawn: calls offered, an
    // expected count, have none.
    assert!(chart(&page, "all", "service_level").contains("(band: 95 % CI)"));
    assert!(!chart(&page, "all", "offered").contains("band:"));
    // The campaign's drop rate is charted against its cap (the default 3 %, the same at
    // every point); the scenario sets no service-level target, so none is drawn.
    assert!(chart(&page, "campaign:list", "drop_rate").contains("\ncap (max_drop_rate)\n"));
    assert!(!chart(&page, "all", "service_level").contains("\ntarget\n"));
    // Its shards merge into the same sweep.csv (read back with the campaign's columns).
    let mut merge = vec!["merge".to_string()];
    for k in 0..2 {
        let out = format!("part-{k}");
        let run = dir.again([
            "sweep",
            "s.toml",
            "--set",
            &set,
            "--shard",
            &format!("{k}/2"),
            "--out",
            &out,
        ]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        merge.push(out);
    }
    merge.extend(["--out".to_string(), "merged".to_string()]);
    let merged = dir.again(&merge);
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    assert!(dir.read("sw/sweep.csv") == dir.read("merged/sweep.csv"));
    assert!(dir.read("sw/report.html") == dir.read("merged/report.html"));
    assert!(String::from_utf8_lossy(&merged.stdout).contains("list: connected"));
    // A sweep may set the campaigns themselves: each name has its columns, empty at the
    // points without it.
    let renamed = dir.again([
        "sweep",
        "s.toml",
        "--set",
        "campaign.list.name=list,other",
        "--replications",
        "2",
        "--out",
        "renamed",
    ]);
    assert!(renamed.status.success());
    let rows = csv_rows(&dir.path("renamed/sweep.csv"));
    for (row, (has, lacks)) in rows.iter().zip([("list", "other"), ("other", "list")]) {
        let dials = |name: &str| row[&format!("campaign:{name}:dials")].clone();
        assert!(dials(has).parse::<f64>().unwrap() > 0.0, "{has}");
        assert_eq!(dials(lacks), "", "{lacks} at the point without it");
    }
    // A sweep of the cap itself marks no cap; a target the points share is marked.
    let capped = dir.again([
        "sweep",
        "s.toml",
        "--set",
        "campaign.list.max_drop_rate=2%,4%",
        "--set",
        "service_level.target=80%",
        "--replications",
        "2",
        "--out",
        "capped",
    ]);
    assert!(
        capped.status.success(),
        "{}",
        String::from_utf8_lossy(&capped.stderr)
    );
    let page = dir.read("capped/report.html");
    assert!(!chart(&page, "campaign:list", "drop_rate").contains("\ncap (max_drop_rate)\n"));
    assert!(chart(&page, "all", "service_level").contains("\ntarget\n"));
}

/// The figure of `page` that charts metric `name` of `scope`.
#[track_caller]
fn chart<'a>(page: &'a str, scope: &str, name: &str) -> &'a str {
    let start = page
        .find(&format!("data-scope=\"{scope}\" data-chart=\"{name}\""))
        .unwrap_or_else(|| panic!("no {scope} {name} chart"));
    &page[start..start + page[start..].find("</figure>").unwrap()]
}

/// An error in a swept value names the line and column of the key in the file, comments
/// above it included; a key the sweep adds names none.
#[test]
fn an_error_in_a_swept_value_names_the_files_own_line() {
    let text = scenario("10", "2m").replace(
        "patience = ",
        "# How long callers wait.\n# (Exponential.)\npatience = ",
    );
    let line = 1 + text
        .lines()
        .position(|l| l.starts_with("patience = "))
        .unwrap();
    let sweep = |set: &str| {
        let run = Ccsim::new()
            .file("s.toml", &text)
            .args(["sweep", "s.toml", "--set", set, "--out", "sw"])
            .run();
        assert_eq!(run.code, 2, "{}", run.stderr);
        run.stderr
    };
    let stderr = sweep("queue.support.patience.mean=-1m");
    assert!(
        stderr.contains(&format!("s.toml:{line}:")),
        "line {line} expected in {stderr}"
    );
    // A key the file does not have (misspelt) is added by the edit, on a line of its own
    // here: no line of the file is named for it, and the message says where it came from.
    let stderr = sweep("simulation.replicatons=3");
    assert!(
        stderr.contains("s.toml: `simulation.replicatons`")
            && stderr.contains("(in a line --set adds to the file)"),
        "{stderr}"
    );
}

/// A shard of a sweep with fewer points than shards holds none, and says so.
#[test]
fn a_shard_without_points_says_so() {
    let run = Ccsim::new()
        .file("s.toml", &scenario("10", "2m"))
        .args([
            "sweep",
            "s.toml",
            "--set",
            "queue.support.patience.mean=1m,2m",
            "--replications",
            "2",
            "--shard",
            "0/4",
            "--out",
            "part",
        ])
        .run()
        .success();
    assert!(
        run.stdout.contains("none of the 2 points"),
        "{}",
        run.stdout
    );
}
