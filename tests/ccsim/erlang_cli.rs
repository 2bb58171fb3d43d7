//! `ccsim erlang` reproduces the reference tables and finds the fewest agents or ports.

use crate::harness::{Ccsim, reference};
use std::collections::HashMap;

fn csv_output(args: &[&str]) -> Vec<HashMap<String, f64>> {
    let run = Ccsim::new()
        .args(["erlang"])
        .args(args)
        .args(["--csv"])
        .run()
        .success();
    let mut lines = run.stdout.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split(','))
                .map(|(h, v)| (h.to_string(), v.parse().unwrap()))
                .collect()
        })
        .collect()
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
