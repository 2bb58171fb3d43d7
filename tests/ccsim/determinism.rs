//! Same scenario and seed give byte-identical reports, whatever the thread count; scenarios
//! that differ only in staffing see the same callers (common random numbers).

use crate::harness::{Ccsim, Run, csv_rows};
use std::collections::HashMap;

fn scenario() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/default.toml"
    ))
    .unwrap()
    .replace("replications = 30", "replications = 6")
}

const REPORTS: [&str; 6] = [
    "report.html",
    "report.xlsx",
    "summary.csv",
    "intervals.csv",
    "replications.csv",
    "calls.csv",
];

fn assert_identical(a: &Run, b: &Run, what: &str) {
    for f in REPORTS {
        let bytes = |run: &Run| std::fs::read(run.path(&format!("out/{f}"))).unwrap();
        assert!(bytes(a) == bytes(b), "{f} differs between {what}");
    }
}

#[test]
fn two_runs_are_byte_identical() {
    let a = Ccsim::simulate(&scenario(), &["--calls", "--xlsx"]);
    let b = Ccsim::simulate(&scenario(), &["--calls", "--xlsx"]);
    assert_identical(&a, &b, "two runs");
}

#[test]
fn thread_count_does_not_change_reports() {
    let one = Ccsim::simulate(&scenario(), &["--calls", "--xlsx", "--threads", "1"]);
    let two = Ccsim::simulate(&scenario(), &["--calls", "--xlsx", "--threads", "2"]);
    let three = Ccsim::simulate(&scenario(), &["--calls", "--xlsx", "--threads", "3"]);
    assert_identical(&one, &two, "--threads 1 and 2");
    assert_identical(&one, &three, "--threads 1 and 3");
}

#[test]
fn seed_changes_results() {
    let a = Ccsim::simulate(&scenario(), &[]);
    let b = Ccsim::simulate(&scenario(), &["--seed", "99"]);
    assert_ne!(
        a.read("out/replications.csv"),
        b.read("out/replications.csv")
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&b.read("out/run.json")).unwrap()["seed"],
        serde_json::json!(99)
    );
}

/// Changing staffing leaves every caller's arrival time and handle time as they were.
#[test]
fn common_random_numbers_across_staffing() {
    let base = scenario();
    let fewer = base.replace(
        "staffing = { per_interval = [10, 12, 14, 15, 16, 15, 13, 12, 10, 11, 12, 13, 12, 11, 10, 9, 8, 7, 6, 5] }",
        "staffing = { count = 8 }",
    );
    assert_ne!(base, fewer);
    let a = Ccsim::simulate(&base, &["--calls"]);
    let b = Ccsim::simulate(&fewer, &["--calls"]);
    let key = |r: &HashMap<String, String>| (r["replication"].clone(), r["id"].clone());
    let rows_a: HashMap<_, _> = csv_rows(&a.path("out/calls.csv"))
        .into_iter()
        .map(|r| (key(&r), r))
        .collect();
    let rows_b: HashMap<_, _> = csv_rows(&b.path("out/calls.csv"))
        .into_iter()
        .map(|r| (key(&r), r))
        .collect();
    assert_eq!(rows_a.len(), rows_b.len(), "the same callers arrive");
    let (mut compared, mut outcome_changed) = (0, 0);
    for (k, ra) in &rows_a {
        let rb = &rows_b[k];
        assert_eq!(
            ra["arrival_time"], rb["arrival_time"],
            "caller {k:?} arrives at the same time"
        );
        if ra["outcome"] == "answered" && rb["outcome"] == "answered" {
            assert_eq!(ra["handle_s"], rb["handle_s"], "caller {k:?} talks as long");
            assert_eq!(ra["wrap_s"], rb["wrap_s"], "caller {k:?} wraps up as long");
            compared += 1;
        }
        outcome_changed += usize::from(ra["outcome"] != rb["outcome"]);
    }
    assert!(
        compared > 1000 && outcome_changed > 100,
        "staffing must matter: {compared} compared, {outcome_changed} changed"
    );
}

/// Reusing an output folder without `--calls` removes the earlier run's `calls.csv`, which
/// would otherwise look current.
#[test]
fn a_rerun_without_calls_removes_the_old_calls_csv() {
    let run = Ccsim::simulate(&scenario(), &["--calls", "--replications", "2"]);
    assert!(run.path("out/calls.csv").exists());
    let again = run.again([
        "run",
        "scenario.toml",
        "--out",
        "out",
        "--replications",
        "2",
    ]);
    assert!(again.status.success());
    assert!(!run.path("out/calls.csv").exists());
    assert!(run.path("out/summary.csv").exists());
}
