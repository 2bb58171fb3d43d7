//! Every contact is accounted for exactly once, and interval rows add up to run totals.

use crate::harness::{Ccsim, csv_rows};
use std::collections::{HashMap, HashSet};

fn default_scenario() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/default.toml"
    ))
    .unwrap()
}

/// A day that ends with nobody staffed and callers who never give up: the run must be cut
/// at the drain limit with callers still waiting.
const CUT: &str = r#"
[simulation]
name = "cut"
start = "2026-01-05T08:00:00Z"
duration = "2h"
interval = "30m"
replications = 5
seed = 3
drain_limit = "30m"

[[queue]]
name = "q"
arrivals = { per_interval = [40, 40, 40, 40] }
handle = { dist = "exponential", mean = "3m" }

[[agent_group]]
name = "a"
queues = ["q"]
staffing = { per_interval = [5, 5, 5, 0] }
"#;

fn check_conservation(run: &crate::harness::Run) {
    let reps = run.replications();
    let col = |m: &str| reps[&("all".to_string(), m.to_string())].clone();
    let (offered, answered, abandoned, waiting) = (
        col("offered"),
        col("answered"),
        col("abandoned"),
        col("waiting_at_end"),
    );
    for r in 0..offered.len() {
        assert_eq!(
            offered[r],
            answered[r] + abandoned[r] + waiting[r],
            "replication {r}: offered = answered + abandoned + waiting at end"
        );
    }
    // Interval rows add up to the run totals (means over replications, 6-decimal rounding).
    let rows = csv_rows(&run.path("out/intervals.csv"));
    let s = run.summary();
    for metric in [
        "offered",
        "blocked",
        "answered",
        "abandoned",
        "waiting_at_end",
    ] {
        let sum: f64 = rows.iter().map(|r| r[metric].parse::<f64>().unwrap()).sum();
        let total = s.get("all", metric).mean;
        assert!(
            (sum - total).abs() < 1e-5 * rows.len() as f64 + 1e-6,
            "{metric}: intervals sum to {sum}, run total {total}"
        );
    }
    // Rates are ratios of sums, so the intervals' rates weighted by their denominators give
    // the run's rate exactly (a mean of each replication's ratio would not).
    for (metric, weight) in [
        ("service_level", "offered"),
        ("p_wait", "offered"),
        ("abandon_rate", "offered"),
        ("asa_s", "answered"),
    ] {
        let value = |r: &HashMap<String, String>, c: &str| r[c].parse::<f64>().unwrap_or(0.0);
        let weighted: f64 = rows
            .iter()
            .map(|r| value(r, metric) * value(r, weight))
            .sum();
        let weights: f64 = rows.iter().map(|r| value(r, weight)).sum();
        let total = s.get("all", metric).mean;
        assert!(
            (weighted / weights - total).abs() < 1e-5 * total.max(1.0),
            "{metric}: intervals weighted by {weight} give {}, the run {total}",
            weighted / weights
        );
    }
}

#[test]
fn offered_is_answered_plus_abandoned_plus_waiting_and_intervals_add_up() {
    let run = Ccsim::simulate(&default_scenario(), &["--replications", "10"]);
    check_conservation(&run);
    assert_eq!(
        run.summary().get("all", "waiting_at_end").mean,
        0.0,
        "the default day drains"
    );
}

#[test]
fn a_run_cut_at_the_drain_limit_reports_who_was_still_waiting() {
    let run = Ccsim::simulate(CUT, &["--calls"]);
    check_conservation(&run);
    let s = run.summary();
    assert!(
        s.get("all", "waiting_at_end").mean > 5.0,
        "callers are left waiting"
    );
    let json: serde_json::Value = serde_json::from_str(&run.read("out/run.json")).unwrap();
    assert_eq!(
        json["replications_cut_at_drain_limit"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert!(
        run.stdout.contains("drain limit"),
        "the summary warns: {}",
        run.stdout
    );
    let waiting_rows = csv_rows(&run.path("out/calls.csv"))
        .iter()
        .filter(|r| r["outcome"] == "waiting")
        .count();
    assert_eq!(
        waiting_rows as f64,
        s.get("all", "waiting_at_end").mean * 5.0
    );
    // Nobody is staffed in the last interval: everyone offered then waited (and still waits).
    let rows = csv_rows(&run.path("out/intervals.csv"));
    let last = rows.last().unwrap();
    assert_eq!(
        last["p_wait"], "1",
        "callers still waiting at the cut waited: {last:?}"
    );
    assert_eq!(last["waiting_at_end"], last["offered"]);
}

/// A cut while calls are still talking says so.
#[test]
fn a_cut_reports_calls_still_talking() {
    let scenario = CUT
        .replace("drain_limit = \"30m\"", "drain_limit = \"0s\"")
        .replace("[5, 5, 5, 0]", "[5, 5, 5, 5]");
    let run = Ccsim::simulate(&scenario, &[]);
    check_conservation(&run);
    let s = run.summary();
    assert!(
        s.get("all", "talking_at_end").mean > 0.0,
        "calls answered but not finished at the cut"
    );
    assert!(run.stdout.contains("talking_at_end"), "{}", run.stdout);
}

/// `calls.csv` has every contact exactly once, in id order, and agrees with the counts.
#[test]
fn calls_csv_lists_every_contact_once() {
    // Fewer ports than the default day, so that some callers are blocked.
    let scenario: String = default_scenario()
        .lines()
        .map(|l| {
            if l.starts_with("ports = ") {
                "ports = 18"
            } else if l.starts_with("replications = ") {
                "replications = 3"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let run = Ccsim::simulate(&scenario, &["--calls"]);
    let reps = run.replications();
    let rows = csv_rows(&run.path("out/calls.csv"));
    let mut by_rep: HashMap<usize, Vec<&HashMap<String, String>>> = HashMap::new();
    for r in &rows {
        by_rep
            .entry(r["replication"].parse().unwrap())
            .or_default()
            .push(r);
    }
    assert_eq!(by_rep.len(), 3);
    for (rep, rows) in by_rep {
        let ids: Vec<u64> = rows.iter().map(|r| r["id"].parse().unwrap()).collect();
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "replication {rep}: ids ascend"
        );
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
        let count = |outcome: &str| rows.iter().filter(|r| r["outcome"] == outcome).count() as f64;
        let total = |m: &str| reps[&("all".to_string(), m.to_string())][rep];
        assert!(total("blocked") > 0.0, "the scenario blocks some callers");
        for (outcome, metric) in [
            ("answered", "answered"),
            ("abandoned", "abandoned"),
            ("blocked", "blocked"),
        ] {
            assert_eq!(
                count(outcome),
                total(metric),
                "replication {rep}: {outcome}"
            );
        }
        assert_eq!(
            rows.len() as f64,
            total("offered") + total("blocked"),
            "every arrival has a row"
        );
        for r in rows.iter().filter(|r| r["outcome"] == "answered") {
            assert_eq!(r["agent_group"], "tier1");
            assert!(r["handle_s"].parse::<f64>().unwrap() > 0.0);
            assert!(
                r["arrival_time"].starts_with("2026-03-30T") && r["arrival_time"].ends_with('Z')
            );
        }
    }
}
