//! The simulation reproduces queueing theory: Erlang C, Erlang A, Erlang B and Little's law.
//!
//! Every comparison allows 3 standard errors of the simulated mean (from its 95 % CI over at
//! least 30 independent replications); seeds are fixed, so the tests are deterministic.

use crate::harness::{Ccsim, mean_and_se, reference};

/// Standard errors allowed between a simulated mean and the exact value.
const K: f64 = 3.0;

/// Steady-state M/M/n(+M) traffic of the reference tables: 100 calls per 30 minutes, AHT 180 s.
fn mmn(agents: u32, patience: Option<&str>, definition: &str, short_abandon: &str) -> String {
    let patience = patience
        .map(|p| format!("patience = {{ dist = \"exponential\", mean = \"{p}\" }}"))
        .unwrap_or_default();
    format!(
        r#"
[simulation]
name = "mmn"
start = "2026-01-05T00:00:00Z"
duration = "12h"
interval = "1h"
replications = 40
seed = 1105
warmup = "2h"

[service_level]
threshold = "20s"
definition = "{definition}"
short_abandon = "{short_abandon}"

[[queue]]
name = "q"
arrivals = {{ per_hour = 200 }}
handle = {{ dist = "exponential", mean = "180s" }}
{patience}

[[agent_group]]
name = "agents"
queues = ["q"]
staffing = {{ count = {agents} }}
"#
    )
}

#[test]
fn erlang_c_p_wait_service_level_and_asa() {
    let exact = reference("erlang_c.csv", "agents");
    for agents in [12u32, 13, 14, 15] {
        let e = &exact[&agents.to_string()];
        let s = Ccsim::simulate(&mmn(agents, None, "offered", "5s"), &[]).summary();
        s.get("all", "p_wait").assert_near(
            e["p_wait"],
            K,
            &format!("Erlang C p_wait, {agents} agents"),
        );
        s.get("all", "service_level").assert_near(
            e["service_level"],
            K,
            &format!("Erlang C service level, {agents} agents"),
        );
        s.get("all", "asa_s")
            .assert_near(e["asa_s"], K, &format!("Erlang C ASA, {agents} agents"));
        s.get("all", "occupancy").assert_near(
            e["occupancy"],
            K,
            &format!("Erlang C occupancy, {agents} agents"),
        );
    }
}

#[test]
fn erlang_a_abandonment_service_levels_and_waits() {
    let exact = reference("erlang_a.csv", "agents");
    for agents in [9u32, 11, 13] {
        let e = &exact[&agents.to_string()];
        for (definition, column) in [
            ("offered", "sl_offered"),
            ("answered", "sl_answered"),
            ("short_abandons_excluded", "sl_short_abandons_excluded"),
            ("abandons_positive", "sl_abandons_positive"),
        ] {
            // The reference counts abandons within the 20 s threshold as short.
            let s = Ccsim::simulate(&mmn(agents, Some("180s"), definition, "20s"), &[]).summary();
            s.get("all", "service_level").assert_near(
                e[column],
                K,
                &format!("Erlang A {column}, {agents} agents"),
            );
            if definition == "offered" {
                let what = |m: &str| format!("Erlang A {m}, {agents} agents");
                s.get("all", "p_wait")
                    .assert_near(e["p_wait"], K, &what("p_wait"));
                s.get("all", "abandon_rate")
                    .assert_near(e["p_abandon"], K, &what("p_abandon"));
                s.get("all", "asa_s")
                    .assert_near(e["asa_answered_s"], K, &what("ASA of answered"));
                s.get("all", "mean_wait_s").assert_near(
                    e["mean_wait_all_s"],
                    K,
                    &what("mean wait of all"),
                );
                s.get("all", "occupancy")
                    .assert_near(e["occupancy"], K, &what("occupancy"));
            }
        }
    }
}

/// Blocking does not depend on the holding-time distribution: a lognormal holding time with
/// cv 1.5 must give Erlang B's blocking.
#[test]
fn erlang_b_blocking_with_lognormal_holding_times() {
    let exact = reference("erlang_b.csv", "ports");
    for (ports, e) in &exact {
        let calls_per_hour = e["offered_erlangs"] * 3600.0 / 180.0;
        let scenario = format!(
            r#"
[simulation]
name = "loss"
start = "2026-01-05T00:00:00Z"
duration = "12h"
interval = "1h"
replications = 40
seed = 77
warmup = "2h"

[[port_pool]]
name = "media"
ports = {ports}

[[queue]]
name = "q"
port_pool = "media"
arrivals = {{ per_hour = {calls_per_hour} }}
handle = {{ dist = "lognormal", mean = "180s", cv = 1.5 }}

[[agent_group]]
name = "agents"
queues = ["q"]
staffing = {{ count = {ports} }}
"#
        );
        let s = Ccsim::simulate(&scenario, &[]).summary();
        s.get("pool:media", "block_rate").assert_near(
            e["blocking"],
            K,
            &format!("Erlang B, {ports} ports"),
        );
        s.get("all", "block_rate").assert_near(
            e["blocking"],
            K,
            &format!("Erlang B (all), {ports} ports"),
        );
    }
}

/// Little's law, replication by replication: time-average number busy (or waiting) equals
/// throughput times mean holding time, on ports, agents and the queue, in a scenario with
/// IVR, wrap-up, abandonment and blocking.
#[test]
fn littles_law_on_ports_agents_and_queue() {
    let scenario = r#"
[simulation]
name = "little"
start = "2026-01-05T00:00:00Z"
duration = "10h"
interval = "30m"
replications = 40
seed = 4242
warmup = "1h"

[[port_pool]]
name = "media"
ports = 22

[[queue]]
name = "q"
port_pool = "media"
arrivals = { per_hour = 160 }
ivr = { dist = "uniform", min = "20s", max = "60s" }
handle = { dist = "lognormal", mean = "4m", cv = 0.8 }
wrap_up = { dist = "gamma", mean = "30s", cv = 0.5 }
patience = { dist = "exponential", mean = "2m" }

[[agent_group]]
name = "agents"
queues = ["q"]
staffing = { count = 13 }
"#;
    let run = Ccsim::simulate(scenario, &[]);
    let reps = run.replications();
    let col = |scope: &str, metric: &str| reps[&(scope.to_string(), metric.to_string())].clone();
    let window = 9.0 * 3600.0;
    let s = run.summary();
    assert!(
        s.get("all", "blocked").mean > 1.0,
        "the scenario should block some calls"
    );
    assert!(
        s.get("all", "abandoned").mean > 1.0,
        "the scenario should have abandons"
    );

    let check = |what: &str, busy: Vec<f64>, count: Vec<f64>, hold: Vec<f64>| {
        let diffs: Vec<f64> = (0..busy.len())
            .map(|r| busy[r] - count[r] / window * hold[r])
            .collect();
        let (mean, se) = mean_and_se(&diffs);
        let level = busy.iter().sum::<f64>() / busy.len() as f64;
        assert!(
            mean.abs() <= K * se,
            "Little's law on {what}: L − λW = {mean:.5} (SE {se:.5}, L = {level:.3})"
        );
    };
    check(
        "ports",
        col("pool:media", "ports_busy_mean"),
        col("pool:media", "seizures"),
        col("pool:media", "port_hold_s"),
    );
    check(
        "agents",
        col("group:agents", "agents_busy_mean"),
        col("group:agents", "handled"),
        col("group:agents", "handle_time_s"),
    );
    let answered_plus_abandoned: Vec<f64> = col("all", "answered")
        .iter()
        .zip(col("all", "abandoned"))
        .map(|(a, b)| a + b)
        .collect();
    check(
        "the queue",
        col("all", "queue_mean"),
        answered_plus_abandoned,
        col("all", "mean_wait_s"),
    );
    // Occupancy is busy agents over present agents.
    let occ = col("group:agents", "occupancy");
    let busy = col("group:agents", "agents_busy_mean");
    for r in 0..occ.len() {
        assert!(
            (occ[r] - busy[r] / 13.0).abs() < 1e-5,
            "occupancy = busy / staffed"
        );
    }
}
