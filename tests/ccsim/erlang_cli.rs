//! `ccsim erlang` reproduces the reference tables and finds the fewest agents or ports.

use crate::harness::{Ccsim, reference};
use std::collections::HashMap;

/// The CSV rows of `ccsim erlang ARGS --csv`, as text.
fn csv_text(args: &[&str]) -> Vec<HashMap<String, String>> {
    let run = Ccsim::new()
        .args(["erlang"])
        .args(args)
        .args(["--csv"])
        .run()
        .success();
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The numeric columns of `ccsim erlang ARGS --csv`.
fn csv_output(args: &[&str]) -> Vec<HashMap<String, f64>> {
    csv_text(args)
        .into_iter()
        .map(|row| {
            row.into_iter()
                .filter(|(h, _)| {
                    !["stable", "meets_targets", "fewest_meeting"].contains(&h.as_str())
                })
                .map(|(h, v)| {
                    let x = v
                        .parse()
                        .unwrap_or_else(|_| panic!("{h} = {v:?} is not a number"));
                    (h, x)
                })
                .collect()
        })
        .collect()
}

/// With --csv, numeric columns hold numbers only (an unstable queue's are empty and it says
/// so in `stable`), and a target's answer is in the rows (`fewest_meeting`), even when it
/// lies outside the range asked for.
#[test]
fn csv_output_is_numbers_and_keeps_the_answer() {
    let rows = csv_text(&[
        "c",
        "--calls",
        "60",
        "--aht",
        "4m",
        "--agents",
        "6..9",
        "--target-sl",
        "0.8",
    ]);
    let agents: Vec<&str> = rows.iter().map(|r| r["agents"].as_str()).collect();
    assert_eq!(agents, ["6", "7", "8", "9", "11"]);
    for r in &rows[..3] {
        assert_eq!(
            (
                r["stable"].as_str(),
                r["occupancy"].as_str(),
                r["asa_s"].as_str()
            ),
            ("false", "", ""),
            "{r:?}"
        );
    }
    assert_eq!(rows[3]["stable"], "true");
    let fewest: Vec<&str> = rows.iter().map(|r| r["fewest_meeting"].as_str()).collect();
    assert_eq!(fewest, ["false", "false", "false", "false", "true"]);
    let rows = csv_text(&[
        "a",
        "--calls",
        "60",
        "--aht",
        "4m",
        "--patience",
        "3m",
        "--agents",
        "10..11",
        "--target-sl",
        "0.8",
    ]);
    let marks: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["agents"].as_str(),
                r["meets_targets"].as_str(),
                r["fewest_meeting"].as_str(),
            )
        })
        .collect();
    assert_eq!(marks, [("10", "true", "true"), ("11", "true", "false")]);
    assert!(!rows[0].contains_key("stable"), "Erlang A is always stable");
}

fn assert_close(got: f64, exact: f64, decimals: i32, what: &str) {
    // The reference is rounded to `decimals`; the command prints at least as many.
    assert!(
        (got - exact).abs() <= 0.5 * 10f64.powi(-decimals) + 1e-12,
        "{what}: {got} vs {exact}"
    );
}

#[test]
fn erlang_c_matches_the_reference() {
    let exact = reference("erlang_c.csv", "agents");
    for row in csv_output(&[
        "c",
        "--calls",
        "100",
        "--interval",
        "30m",
        "--aht",
        "180s",
        "--threshold",
        "20s",
        "--agents",
        "11..20",
    ]) {
        let e = &exact[&row["agents"].to_string()];
        assert_close(row["p_wait"], e["p_wait"], 6, "p_wait");
        assert_close(row["service_level"], e["service_level"], 6, "service_level");
        assert_close(row["asa_s"], e["asa_s"], 3, "asa_s");
        assert_close(row["occupancy"], e["occupancy"], 4, "occupancy");
    }
}

#[test]
fn erlang_a_matches_the_reference() {
    let exact = reference("erlang_a.csv", "agents");
    let rows = csv_output(&[
        "a",
        "--calls",
        "100",
        "--aht",
        "3m",
        "--patience",
        "3m",
        "--short-abandon",
        "20s",
        "--agents",
        "8..16",
    ]);
    assert_eq!(rows.len(), 9);
    for row in rows {
        let e = &exact[&row["agents"].to_string()];
        for col in [
            "p_wait",
            "p_abandon",
            "sl_offered",
            "sl_answered",
            "sl_short_abandons_excluded",
            "sl_abandons_positive",
        ] {
            assert_close(row[col], e[col], 5, col);
        }
        for col in ["asa_answered_s", "mean_wait_abandoned_s", "mean_wait_all_s"] {
            assert_close(row[col], e[col], 3, col);
        }
        assert_close(row["occupancy"], e["occupancy"], 4, "occupancy");
    }
}

#[test]
fn erlang_b_matches_the_reference() {
    for (ports, e) in reference("erlang_b.csv", "ports") {
        let calls = e["offered_erlangs"] * 1800.0 / 180.0;
        let rows = csv_output(&[
            "b",
            "--calls",
            &calls.to_string(),
            "--aht",
            "3m",
            "--ports",
            &ports,
        ]);
        assert_close(
            rows[0]["blocking"],
            e["blocking"],
            6,
            &format!("blocking with {ports} ports"),
        );
    }
}

#[test]
fn fewest_agents_and_ports_for_a_target() {
    let run = Ccsim::new()
        .args([
            "erlang",
            "c",
            "--calls",
            "100",
            "--aht",
            "3m",
            "--target-sl",
            "0.8",
        ])
        .run()
        .success();
    assert!(
        run.stdout
            .contains("fewest agents meeting service level ≥ 0.8: 14"),
        "{}",
        run.stdout
    );
    let run = Ccsim::new()
        .args([
            "erlang",
            "a",
            "--calls",
            "100",
            "--aht",
            "3m",
            "--patience",
            "3m",
            "--max-abandon",
            "0.05",
        ])
        .run()
        .success();
    // Reference: 12 agents abandon 5.309 %, 13 agents 3.225 %.
    assert!(
        run.stdout.contains("abandonment ≤ 0.05: 13"),
        "{}",
        run.stdout
    );
    let run = Ccsim::new()
        .args([
            "erlang",
            "b",
            "--calls",
            "250",
            "--aht",
            "3m",
            "--max-blocking",
            "0.06",
        ])
        .run()
        .success();
    // 25 Erlangs: 30 ports block 5.26 %, 29 ports more than 6 %.
    assert!(
        run.stdout
            .contains("fewest ports blocking at most 0.06: 30"),
        "{}",
        run.stdout
    );
}

#[test]
fn bad_erlang_arguments_exit_2() {
    for args in [
        vec!["erlang", "c", "--calls", "100", "--aht", "3m"],
        vec![
            "erlang",
            "c",
            "--calls",
            "100",
            "--aht",
            "three minutes",
            "--agents",
            "12",
        ],
        vec![
            "erlang", "c", "--calls", "100", "--aht", "3m", "--agents", "16..12",
        ],
        vec![
            "erlang",
            "c",
            "--calls",
            "100",
            "--aht",
            "3m",
            "--target-sl",
            "80",
        ],
        vec![
            "erlang", "a", "--calls", "100", "--aht", "3m", "--agents", "12",
        ],
    ] {
        let run = Ccsim::new().args(&args).run();
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.is_empty());
    }
}

/// Planners' calculators: heads to roster for a shrinkage (agents / (1 − shrinkage),
/// rounded up), a cap on occupancy in the search, and shares as fractions or percentages.
#[test]
fn shrinkage_max_occupancy_and_percentages() {
    let base = ["c", "--calls", "100", "--aht", "3m", "--agents", "12..15"];
    let rows = csv_text(&[&base[..], &["--target-sl", "80%", "--shrinkage", "30%"]].concat());
    for r in &rows {
        let agents: f64 = r["agents"].parse().unwrap();
        let heads: f64 = r["heads"].parse().unwrap();
        assert_eq!(heads, (agents / 0.7 - 1e-9).ceil(), "{r:?}");
    }
    assert_eq!(rows[2]["agents"], "14");
    assert_eq!(rows[2]["heads"], "20", "14 / 0.7 is exactly 20");
    assert_eq!(
        csv_text(&[&base[..], &["--target-sl", "80%"]].concat()),
        csv_text(&[&base[..], &["--target-sl", "0.8"]].concat()),
        "80% is 0.8"
    );
    // 10 Erlangs: at most 70 % busy needs 10 / 0.7 = 14.3, so 15 agents, where the
    // service level alone needs 14.
    let rows = csv_text(&[
        "c",
        "--calls",
        "100",
        "--aht",
        "3m",
        "--target-sl",
        "0.8",
        "--max-occupancy",
        "70%",
    ]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["agents"], "15");
    let run = Ccsim::new()
        .args([
            "erlang",
            "a",
            "--calls",
            "100",
            "--aht",
            "3m",
            "--patience",
            "3m",
            "--target-sl",
            "0.8",
            "--shrinkage",
            "0.25",
        ])
        .run()
        .success();
    let fewest: u32 = run
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("fewest agents meeting service level (offered) ≥ 0.8: "))
        .unwrap_or_else(|| panic!("{}", run.stdout))
        .parse()
        .unwrap();
    assert!(
        run.stdout.contains(&format!(
            "heads to roster for them at 25 % shrinkage: {}",
            (f64::from(fewest) / 0.75 - 1e-9).ceil()
        )),
        "{}",
        run.stdout
    );
    for bad in [
        vec!["c", "--calls", "100", "--aht", "3m", "--target-sl", "180%"],
        vec![
            "c",
            "--calls",
            "100",
            "--aht",
            "3m",
            "--target-sl",
            "0.8",
            "--shrinkage",
            "100%",
        ],
        vec![
            "c",
            "--calls",
            "100",
            "--aht",
            "3m",
            "--agents",
            "12",
            "--max-occupancy",
            "0.8",
        ],
    ] {
        let run = Ccsim::new().args(["erlang"]).args(&bad).run();
        assert_eq!(run.code, 2, "{bad:?}: {}", run.stderr);
    }
}
