//! `ccsim compare`: real differences are found with the right sign, noise does not fire the
//! gate, common random numbers sharpen differences, and exit codes say what happened.

use crate::harness::{Ccsim, csv_rows, reference};
use std::collections::HashMap;

/// The reference Erlang C traffic (100 calls per 30 min, AHT 180 s) with `agents` agents.
fn erlang_c(agents: u32, name: &str) -> String {
    format!(
        r#"[simulation]
name = "{name}"
start = "2026-01-05T00:00:00Z"
duration = "12h"
interval = "1h"
replications = 40
seed = 1105
warmup = "2h"

[[queue]]
name = "q"
arrivals = {{ per_hour = 200 }}
handle = {{ dist = "exponential", mean = "180s" }}

[[agent_group]]
name = "agents"
queues = ["q"]
staffing = {{ count = {agents} }}
"#
    )
}

fn rows(run: &crate::harness::Run) -> HashMap<(String, String), HashMap<String, String>> {
    csv_rows(&run.path("out/comparison.csv"))
        .into_iter()
        .map(|r| ((r["scope"].clone(), r["metric"].clone()), r))
        .collect()
}

fn num(r: &HashMap<String, String>, col: &str) -> f64 {
    r[col].parse().unwrap()
}

#[test]
fn a_real_difference_is_found_with_the_right_sign_and_its_ci_covers_the_exact_one() {
    let exact = reference("erlang_c.csv", "agents");
    let better = Ccsim::new()
        .file("a.toml", &erlang_c(12, "a"))
        .file("b.toml", &erlang_c(14, "b"))
        .args(["compare", "a.toml", "b.toml", "--out", "out"])
        .run();
    assert_eq!(better.code, 0, "nothing is worse: {}", better.stderr);
    let r = rows(&better);
    for (metric, exact_diff) in [
        (
            "service_level",
            exact["14"]["service_level"] - exact["12"]["service_level"],
        ),
        ("p_wait", exact["14"]["p_wait"] - exact["12"]["p_wait"]),
        ("asa_s", exact["14"]["asa_s"] - exact["12"]["asa_s"]),
    ] {
        let row = &r[&("all".to_string(), metric.to_string())];
        assert_eq!(row["verdict"], "better", "{metric}: {row:?}");
        assert_eq!(row["paired"], "true");
        assert!(
            num(row, "ci95_low") <= exact_diff && exact_diff <= num(row, "ci95_high"),
            "{metric}: exact {exact_diff} outside {row:?}"
        );
    }
    assert_eq!(
        r[&("all".to_string(), "occupancy".to_string())]["verdict"],
        "changed",
        "no good direction: changed"
    );
    assert!(
        better.stdout.find("better").unwrap() < better.stdout.find("changed").unwrap(),
        "changed metrics are listed first"
    );
    // The interval printed beside a verdict is the one the verdict uses (family-wise), not
    // the metric's own 95 % CI, which only comparison.csv shows.
    let shown = |v: f64| {
        if v.abs() >= 100.0 {
            format!("{v:.1}")
        } else {
            format!("{v:.4}")
        }
    };
    let sl = &r[&("all".to_string(), "service_level".to_string())];
    let line = better
        .stdout
        .lines()
        .find(|l| l.contains(" all ") && l.contains(" service_level "))
        .unwrap_or_else(|| panic!("{}", better.stdout));
    assert!(
        line.ends_with(&format!(
            "[{}, {}]",
            shown(num(sl, "verdict_low")),
            shown(num(sl, "verdict_high"))
        )),
        "{line}\n{sl:?}"
    );
    assert!(
        num(sl, "verdict_low") < num(sl, "ci95_low"),
        "the family-wise interval is wider"
    );

    // The other way round, the gate fires.
    let worse = Ccsim::new()
        .file("a.toml", &erlang_c(14, "a"))
        .file("b.toml", &erlang_c(12, "b"))
        .args(["compare", "a.toml", "b.toml", "--out", "out"])
        .run();
    assert_eq!(worse.code, 1, "{}", worse.stderr);
    assert_eq!(
        rows(&worse)[&("all".to_string(), "service_level".to_string())]["verdict"],
        "worse"
    );
    assert!(worse.stderr.contains("worse"), "{}", worse.stderr);
}

/// Two runs of one scenario that differ only in seed: the gate stays quiet in at least 95 %
/// of seed pairs, with every metric and scope of the default day compared at once.
#[test]
fn the_gate_does_not_fire_on_noise() {
    let day = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/default.toml"
    ))
    .unwrap();
    let pairs = 40;
    let dir = Ccsim::new()
        .file("day.toml", &day)
        .args(["validate", "day.toml"])
        .run()
        .success();
    for seed in 0..=pairs {
        let out = dir.again([
            "run",
            "day.toml",
            "--out",
            &format!("r{seed}"),
            "--seed",
            &(1000 + seed).to_string(),
        ]);
        assert!(out.status.success());
    }
    let mut alarms = 0;
    let mut metrics = 0;
    for p in 0..pairs {
        let out = dir.again([
            "compare",
            &format!("r{p}"),
            &format!("r{}", p + 1),
            "--out",
            &format!("c{p}"),
        ]);
        let code = out.status.code().unwrap();
        assert!(
            code == 0 || code == 1,
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        alarms += usize::from(code == 1);
        let rows = csv_rows(&dir.path(&format!("c{p}/comparison.csv")));
        assert!(
            rows.iter().all(|r| r["paired"] == "false"),
            "different seeds are compared with Welch"
        );
        metrics = rows.len();
    }
    let rate = alarms as f64 / pairs as f64;
    eprintln!("false alarms: {alarms} of {pairs} seed pairs ({metrics} metrics each)");
    assert!(metrics > 40);
    assert!(
        rate <= 0.05,
        "the gate fired on noise in {alarms} of {pairs} seed pairs"
    );
}

/// Paired replications (same seeds) give a far narrower interval for a staffing difference
/// than independent ones.
#[test]
fn common_random_numbers_narrow_the_interval() {
    let dir = Ccsim::new()
        .file("a.toml", &erlang_c(12, "a"))
        .file("b.toml", &erlang_c(13, "b"))
        .args(["run", "a.toml", "--out", "ra"])
        .run()
        .success();
    for (scenario, out, seed) in [("b.toml", "rb", "1105"), ("b.toml", "rb2", "2")] {
        assert!(
            dir.again(["run", scenario, "--out", out, "--seed", seed])
                .status
                .success()
        );
    }
    let width = |out: &str| {
        let r = csv_rows(&dir.path(&format!("{out}/comparison.csv")));
        let row = r
            .iter()
            .find(|r| r["scope"] == "all" && r["metric"] == "service_level")
            .unwrap()
            .clone();
        (
            num(&row, "ci95_high") - num(&row, "ci95_low"),
            row["paired"].clone(),
        )
    };
    assert!(
        dir.again(["compare", "ra", "rb", "--out", "paired"])
            .status
            .code()
            .unwrap()
            < 2
    );
    assert!(
        dir.again(["compare", "ra", "rb2", "--out", "independent"])
            .status
            .code()
            .unwrap()
            < 2
    );
    let ((paired, p), (independent, i)) = (width("paired"), width("independent"));
    assert_eq!((p.as_str(), i.as_str()), ("true", "false"));
    let ratio = paired / independent;
    eprintln!(
        "service level difference, 12 vs 13 agents: CI width {paired:.4} paired, {independent:.4} independent (ratio {ratio:.2})"
    );
    assert!(
        ratio < 0.5,
        "paired CI {paired} is not much narrower than independent {independent}"
    );
}

#[test]
fn exit_codes_and_refusals() {
    let dir = Ccsim::new()
        .file("a.toml", &erlang_c(12, "a"))
        .file(
            "hourly.toml",
            &erlang_c(12, "h").replace("duration = \"12h\"", "duration = \"10h\""),
        )
        .args(["run", "a.toml", "--out", "ra"])
        .run()
        .success();
    assert!(
        dir.again(["run", "hourly.toml", "--out", "rh"])
            .status
            .success()
    );
    let code = |args: &[&str]| dir.again(args).status.code().unwrap();
    // The same run against itself: nothing worse.
    assert_eq!(code(&["compare", "ra", "ra", "--out", "c"]), 0);
    // Errors: a missing folder, a bad tolerance, incompatible scenarios.
    assert_eq!(code(&["compare", "ra", "nowhere", "--out", "c"]), 2);
    assert_eq!(
        code(&["compare", "ra", "ra", "--tolerance", "niceness=1"]),
        2
    );
    let incompatible = dir.again(["compare", "ra", "rh", "--out", "c"]);
    assert_eq!(incompatible.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&incompatible.stderr).contains("--force"));
    assert!(code(&["compare", "ra", "rh", "--out", "c", "--force"]) < 2);
    // A run of another ccsim version.
    let json = std::fs::read_to_string(dir.path("ra/run.json")).unwrap();
    std::fs::create_dir_all(dir.path("old")).unwrap();
    std::fs::write(
        dir.path("old/run.json"),
        json.replace(env!("CARGO_PKG_VERSION"), "0.0.1"),
    )
    .unwrap();
    std::fs::copy(
        dir.path("ra/replications.csv"),
        dir.path("old/replications.csv"),
    )
    .unwrap();
    let old = dir.again(["compare", "old", "ra", "--out", "c"]);
    assert_eq!(old.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&old.stderr).contains("0.0.1"));
    assert_eq!(code(&["compare", "old", "ra", "--out", "c", "--force"]), 0);
    // Failures exit 2 (1 means worse), and one replication cannot tell change from noise.
    assert_eq!(
        code(&["compare", "a.toml", "a.toml", "--out", "ra/run.json/x"]),
        2
    );
    assert!(
        dir.again(["run", "a.toml", "--out", "one", "--replications", "1"])
            .status
            .success()
    );
    let one = dir.again(["compare", "one", "one", "--out", "c"]);
    assert_eq!(one.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&one.stderr).contains("at least 2"));
    // A tolerance widens "same".
    let loose = dir.again([
        "compare",
        "ra",
        "rh",
        "--out",
        "t",
        "--force",
        "--tolerance",
        "service_level=1",
    ]);
    assert!(loose.status.code().unwrap() < 2);
    let r = csv_rows(&dir.path("t/comparison.csv"));
    let row = r
        .iter()
        .find(|r| r["scope"] == "all" && r["metric"] == "service_level")
        .unwrap();
    assert_eq!(
        (row["tolerance"].as_str(), row["verdict"].as_str()),
        ("1", "same")
    );
}

/// With --intervals, scenario files are compared interval by interval too.
#[test]
fn interval_by_interval() {
    let day = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/default.toml"
    ))
    .unwrap();
    let more = day.replace(
        "[10, 12, 14, 15, 16, 15, 13, 12, 10, 11, 12, 13, 12, 11, 10, 9, 8, 7, 6, 5]",
        "[10, 12, 14, 15, 19, 15, 13, 12, 10, 11, 12, 13, 12, 11, 10, 9, 8, 7, 6, 5]",
    );
    let run = Ccsim::new()
        .file("a.toml", &day)
        .file("b.toml", &more)
        .args(["compare", "a.toml", "b.toml", "--out", "out", "--intervals"])
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&run.path("out/comparison.csv"));
    let peak = rows
        .iter()
        .find(|r| r["interval_start"] == "2026-03-30T10:00:00Z" && r["metric"] == "service_level")
        .expect("a row for the 10:00 interval");
    assert_eq!(
        peak["verdict"], "better",
        "three more agents at 10:00: {peak:?}"
    );
    let early = rows
        .iter()
        .find(|r| r["interval_start"] == "2026-03-30T08:00:00Z" && r["metric"] == "service_level")
        .unwrap();
    assert_eq!(early["verdict"], "same", "08:00 is untouched: {early:?}");
    // Folders cannot be compared by interval.
    let folders = Ccsim::new()
        .file("a.toml", &day)
        .args(["run", "a.toml", "--out", "ra"])
        .run()
        .success();
    let out = folders.again(["compare", "ra", "ra", "--intervals"]);
    assert_eq!(out.status.code(), Some(2));
}
