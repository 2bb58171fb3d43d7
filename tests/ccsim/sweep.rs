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
    ] {
        let run = Ccsim::new()
            .file("s.toml", &scenario("10", "2m"))
            .args(["sweep", "s.toml", "--set", set, "--out", "sw"])
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
