//! Figures true to their definitions: rates over replications are ratios of expected counts
//! (with delta-method CIs), checked against the forward equations of a time-varying day; the
//! service-level target's share of days.

use crate::harness::{Ccsim, csv_rows};
use ccsim::stats::t_quantile_975;
use statrs::distribution::{ContinuousCDF, Normal};
use std::collections::HashMap;

/// `replications.csv` as (scope, metric) → (numerator, denominator) by replication.
fn ratios(run: &crate::harness::Run) -> HashMap<(String, String), Vec<(f64, f64)>> {
    let mut out: HashMap<(String, String), Vec<(f64, f64)>> = HashMap::new();
    for row in csv_rows(&run.path("out/replications.csv")) {
        let parse = |c: &str| row[c].parse::<f64>().unwrap_or(f64::NAN);
        out.entry((row["scope"].clone(), row["metric"].clone()))
            .or_default()
            .push((parse("numerator"), parse("denominator")));
    }
    out
}

const DAY: &str = include_str!("../fixtures/forward/erlang_a_day.toml");

/// The summary's rates are the ratio of the replications' sums, with the delta method's
/// interval, computed here from `replications.csv` independently of the estimator's
/// running co-moments.
#[test]
fn summary_rates_are_ratios_of_sums_with_delta_method_intervals() {
    let run = Ccsim::simulate(DAY, &["--replications", "40"]);
    let summary = run.summary();
    let ratios = ratios(&run);
    for metric in [
        "service_level",
        "abandon_rate",
        "p_wait",
        "asa_s",
        "occupancy",
    ] {
        let pairs = &ratios[&("all".to_string(), metric.to_string())];
        let n = pairs.len() as f64;
        let (num, den): (f64, f64) = pairs
            .iter()
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
        let r = num / den;
        let ss: f64 = pairs.iter().map(|(x, y)| (x - r * y).powi(2)).sum();
        let se = (ss / (n - 1.0)).sqrt() / (n.sqrt() * den / n);
        let e = summary.get("all", metric);
        let tolerance = 1e-6 * r.abs().max(1.0);
        assert!(
            (e.mean - r).abs() < tolerance,
            "{metric}: {} vs Σ/Σ {r}",
            e.mean
        );
        let h = t_quantile_975(pairs.len() - 1) * se;
        assert!(
            (e.hi - e.lo - 2.0 * h).abs() < 2e-6 * r.abs().max(1.0),
            "{metric}: CI [{}, {}] vs ± {h}",
            e.lo,
            e.hi
        );
    }
}

/// With a target, each interval and the run give the share of replications meeting it; the
/// run's agrees with the replications' own service levels, and without a target the column
/// and the metric are absent.
#[test]
fn the_share_of_days_meeting_the_target() {
    let with_target = DAY.replace("threshold = \"20s\"", "threshold = \"20s\"\ntarget = 0.68");
    let run = Ccsim::simulate(&with_target, &["--replications", "40"]);
    let ratios = ratios(&run);
    let days = &ratios[&("all".to_string(), "service_level".to_string())];
    let met = days.iter().filter(|(n, d)| n / d >= 0.68).count() as f64 / days.len() as f64;
    let e = run.summary().get("all", "service_level_target_met");
    assert!((e.mean - met).abs() < 1e-9, "{} vs {met}", e.mean);
    assert!(met > 0.0 && met < 1.0, "the target is a close call: {met}");
    assert!(e.lo >= 0.0 && e.hi <= 1.0, "a share's CI stays in [0, 1]");
    let rows = csv_rows(&run.path("out/intervals.csv"));
    // Quiet night hours meet it every day; the overloaded peak on none.
    let share = |r: &HashMap<String, String>| r["service_level_target_met"].parse::<f64>().unwrap();
    assert!(rows.iter().any(|r| share(r) == 1.0));
    assert!(rows.iter().any(|r| share(r) < 0.1));
    for r in &rows {
        let s = share(r);
        assert!((0.0..=1.0).contains(&s));
        // Wilson's interval never leaves the range, even when every day met it.
        assert!(
            r["service_level_target_met_ci95_high"]
                .parse::<f64>()
                .unwrap()
                <= 1.0
        );
    }

    let plain = Ccsim::simulate(DAY, &["--replications", "2"]);
    assert!(!plain.read("out/intervals.csv").contains("target_met"));
    assert!(!plain.read("out/summary.csv").contains("target_met"));
}

/// The time-varying day hour by hour against its forward equations (`generate.py`): service
/// level, P(wait), abandonment and ASA as ratios of expected counts over the hour's arrivals,
/// queue length and occupancy as time averages. Each comparison allows z standard errors of
/// the simulated figure (from its delta-method CI), with z set so that all of them together
/// fail by chance less than once in a thousand runs (Bonferroni). Hours where fewer than 100
/// callers are expected to wait over all replications are left out: there the figures rest
/// on a handful of events and are not near normal. (The mean of each replication's ratio is
/// 3.6 to 6.7 standard errors off in hour 6 with these 4 000 replications.)
#[test]
fn a_time_varying_day_matches_its_forward_equations_hour_by_hour() {
    let run = Ccsim::simulate(DAY, &[]);
    let rows = csv_rows(&run.path("out/intervals.csv"));
    let exact = csv_rows(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/forward/erlang_a_day.csv"
    )));
    assert_eq!(rows.len(), 24);
    let replications = 4000.0;
    let metrics = [
        "service_level",
        "p_wait",
        "abandon_rate",
        "asa_s",
        "queue_mean",
        "occupancy",
    ];
    let value = |r: &HashMap<String, String>, c: &str| r[c].parse::<f64>().unwrap();
    let hours: Vec<usize> = (0..24)
        .filter(|&k| {
            value(&exact[k], "offered") * value(&exact[k], "p_wait") * replications >= 100.0
        })
        .collect();
    assert!(hours.len() >= 18, "hours compared: {hours:?}");
    let comparisons = (hours.len() * metrics.len()) as f64;
    let z = Normal::standard().inverse_cdf(1.0 - 0.001 / (2.0 * comparisons));
    for &k in &hours {
        let (sim, exact) = (&rows[k], &exact[k]);
        assert!(
            (value(sim, "offered") - value(exact, "offered")).abs() < 0.5,
            "hour {k}: offered"
        );
        for m in metrics {
            let (v, x) = (value(sim, m), value(exact, m));
            let se = (value(sim, &format!("{m}_ci95_high")) - value(sim, &format!("{m}_ci95_low")))
                / (2.0 * t_quantile_975(3999));
            assert!(se > 0.0, "hour {k} {m}: no spread");
            assert!(
                (v - x).abs() <= z * se,
                "hour {k} {m}: simulated {v:.6} vs exact {x:.6}, {:.2} SE (allowed {z:.2})",
                (v - x) / se
            );
        }
    }
}

/// Every interval column the recorder builds as a plain value has the denominator 1, and the
/// ratio columns are the ones spilled with their denominators: otherwise a denominator would
/// be silently dropped between a replication and the reports. Checked on a day with ports,
/// an IVR, callbacks (offered and scheduled), wrap-up and patience.
#[test]
fn only_ratio_columns_carry_denominators() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"));
    let scenario = ccsim::scenario::Scenario::load(&dir.join("callbacks.toml")).unwrap();
    let options = ccsim::experiment::RunOptions {
        replications: 2,
        ..ccsim::experiment::RunOptions::from_scenario(&scenario)
    };
    let ratio = ccsim::stats::INTERVAL_COLUMNS.map(ccsim::stats::Metric::is_ratio);
    assert!(ratio.iter().any(|r| *r) && ratio.iter().any(|r| !*r));
    let rows = ccsim::experiment::interval_rows_in_memory(&scenario, &options).unwrap();
    let mut checked = 0;
    for (_, _, values) in rows.iter().flatten() {
        for (c, v) in values.iter().enumerate() {
            if !ratio[c] {
                assert_eq!(
                    v.den,
                    1.0,
                    "{} is a plain value",
                    ccsim::stats::INTERVAL_COLUMNS[c].name()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}

/// A share nobody (or everybody) in any replication is counted in — no caller waits when 20
/// agents take 2 erlangs — is not known to a point: its interval is Clopper–Pearson's for 0
/// (or N) of the N counted over all replications, not the delta method's zero width.
#[test]
fn shares_at_their_bounds_have_clopper_pearson_intervals() {
    let scenario = r#"
[simulation]
name = "quiet"
start = "2026-01-01T08:00:00Z"
duration = "2h"
interval = "30m"
replications = 10
seed = 3

[[queue]]
name = "q"
arrivals = { per_hour = 30 }
handle = { dist = "exponential", mean = "4m" }
patience = { dist = "exponential", mean = "3m" }

[[agent_group]]
name = "agents"
queues = ["q"]
staffing = { count = 20 }
"#;
    let run = Ccsim::simulate(scenario, &[]);
    let summary = run.summary();
    let ratios = ratios(&run);
    let counted = |metric: &str| -> f64 {
        ratios[&("all".to_string(), metric.to_string())]
            .iter()
            .map(|(_, d)| d)
            .sum()
    };
    for (metric, none) in [
        ("abandon_rate", true),
        ("p_wait", true),
        ("service_level", false),
    ] {
        let (e, n) = (summary.get("all", metric), counted(metric));
        let bound = 0.025_f64.powf(1.0 / n);
        let expected = if none {
            (0.0, 0.0, 1.0 - bound)
        } else {
            (1.0, bound, 1.0)
        };
        assert!(n > 100.0, "{metric}: {n} counted");
        for (got, want) in [(e.mean, expected.0), (e.lo, expected.1), (e.hi, expected.2)] {
            assert!((got - want).abs() < 1e-6, "{metric}: {e:?} vs {expected:?}");
        }
    }
    // Each interval's too, on its own count.
    for row in csv_rows(&run.path("out/intervals.csv")) {
        let offered: f64 = row["offered"].parse().unwrap();
        let high: f64 = row["abandon_rate_ci95_high"].parse().unwrap();
        let n = (offered * 10.0).round();
        assert_eq!(row["abandon_rate"], "0");
        assert!(
            (high - (1.0 - 0.025_f64.powf(1.0 / n))).abs() < 1e-6,
            "{row:?}"
        );
    }
}
