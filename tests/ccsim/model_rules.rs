//! The model's rules, checked on contacts one by one (`calls.csv`) or exactly.

use crate::harness::{Ccsim, csv_rows};
use std::collections::HashMap;

fn scenario(body: &str, sim: &str) -> String {
    format!(
        "[simulation]\nname = \"rules\"\nstart = \"2026-01-05T08:00:00Z\"\ninterval = \"30m\"\nseed = 5\n{sim}\n{body}"
    )
}

fn secs(row: &HashMap<String, String>, col: &str) -> f64 {
    row[col].parse().unwrap_or(f64::NAN)
}

/// Seconds since 08:00 of an ISO 8601 arrival time on 2026-01-05.
fn arrival_s(row: &HashMap<String, String>) -> f64 {
    let t: jiff::Timestamp = row["arrival_time"].parse().unwrap();
    let start: jiff::Timestamp = "2026-01-05T08:00:00Z".parse().unwrap();
    (t - start).total(jiff::Unit::Second).unwrap()
}

/// An agent scheduled off at 08:30 finishes the call in hand (40 minutes of talk) and then
/// leaves; nobody answers the callers still waiting.
#[test]
fn an_agent_scheduled_off_finishes_the_current_contact_first() {
    let text = scenario(
        r#"
[[queue]]
name = "q"
arrivals = { per_interval = [4, 0] }
handle = { dist = "constant", value = "40m" }

[[agent_group]]
name = "a"
queues = ["q"]
staffing = { per_interval = [1, 0] }
"#,
        "duration = \"1h\"\nreplications = 20\ndrain_limit = \"2h\"",
    );
    let run = Ccsim::simulate(&text, &["--calls"]);
    let calls = csv_rows(&run.path("out/calls.csv"));
    let mut checked = 0;
    for rep in 0..20 {
        let rows: Vec<_> = calls
            .iter()
            .filter(|r| r["replication"] == rep.to_string())
            .collect();
        let answered: Vec<_> = rows.iter().filter(|r| r["outcome"] == "answered").collect();
        if rows.is_empty() {
            continue;
        }
        assert_eq!(
            answered.len(),
            1,
            "replication {rep}: only the first caller is answered"
        );
        assert_eq!(
            secs(answered[0], "handle_s"),
            2400.0,
            "the call is not cut at the shift's end"
        );
        assert!(
            rows.iter()
                .filter(|r| r["outcome"] != "answered")
                .all(|r| r["outcome"] == "waiting")
        );
        checked += 1;
    }
    assert!(checked >= 15);
    // The agent stays into the second interval only while finishing the call.
    let rows = csv_rows(&run.path("out/intervals.csv"));
    let staffed: f64 = rows[1]["agents_staffed"].parse().unwrap();
    assert!(
        staffed > 0.0 && staffed < 1.0,
        "agents_staffed in the second interval: {staffed}"
    );
}

/// Agents who start at 08:30 answer the callers waiting since before then at once.
#[test]
fn new_agents_take_waiting_callers_at_the_interval_start() {
    let text = scenario(
        r#"
[[queue]]
name = "q"
arrivals = { per_interval = [3, 0] }
handle = { dist = "constant", value = "1m" }

[[agent_group]]
name = "a"
queues = ["q"]
staffing = { per_interval = [0, 5] }
"#,
        "duration = \"1h\"\nreplications = 10",
    );
    let run = Ccsim::simulate(&text, &["--calls"]);
    let calls = csv_rows(&run.path("out/calls.csv"));
    assert!(calls.len() > 10);
    for r in &calls {
        assert_eq!(r["outcome"], "answered");
        let answered_at = arrival_s(r) + secs(r, "wait_s");
        assert!(
            (answered_at - 1800.0).abs() < 0.002,
            "answered at {answered_at} s, not at 08:30"
        );
    }
}

/// Callers are answered in the order they arrived within a queue, and a caller of a
/// higher-priority queue is never passed over for a lower-priority one.
#[test]
fn priority_then_first_come_first_served() {
    let text = scenario(
        r#"
[[queue]]
name = "vip"
priority = 1
arrivals = { per_hour = 10 }
handle = { dist = "exponential", mean = "4m" }

[[queue]]
name = "std"
arrivals = { per_hour = 20 }
handle = { dist = "exponential", mean = "4m" }

[[agent_group]]
name = "a"
queues = ["std", "vip"]
staffing = { count = 2 }
"#,
        "duration = \"4h\"\nreplications = 5",
    );
    let run = Ccsim::simulate(&text, &["--calls"]);
    let calls = csv_rows(&run.path("out/calls.csv"));
    let (mut overtakes_checked, mut waited) = (0, 0);
    for rep in 0..5 {
        let rows: Vec<_> = calls
            .iter()
            .filter(|r| r["replication"] == rep.to_string() && r["outcome"] == "answered")
            .collect();
        let answer = |r: &HashMap<String, String>| arrival_s(r) + secs(r, "wait_s");
        for a in &rows {
            waited += usize::from(secs(a, "wait_s") > 0.0);
            for b in &rows {
                // b was waiting when a was answered, and b was answered later:
                if arrival_s(b) < answer(a) && answer(b) > answer(a) {
                    overtakes_checked += 1;
                    if a["queue"] == b["queue"] {
                        assert!(
                            arrival_s(a) < arrival_s(b),
                            "FIFO broken in {}: {a:?} before {b:?}",
                            a["queue"]
                        );
                    }
                    assert!(
                        !(b["queue"] == "vip" && a["queue"] == "std"),
                        "a standard caller was answered while a VIP waited"
                    );
                }
            }
        }
    }
    assert!(
        waited > 50 && overtakes_checked > 50,
        "the scenario must make callers queue ({waited}, {overtakes_checked})"
    );
    let s = run.summary();
    assert!(s.get("queue:vip", "asa_s").mean < s.get("queue:std", "asa_s").mean);
}

/// With two equal groups and light load, routing to the longest-idle agent splits calls
/// evenly; "the first group with an idle agent" would give the first group nearly all.
#[test]
fn calls_go_to_the_longest_idle_agent_across_groups() {
    let text = scenario(
        r#"
[[queue]]
name = "q"
arrivals = { per_hour = 30 }
handle = { dist = "exponential", mean = "3m" }

[[agent_group]]
name = "first"
queues = ["q"]
staffing = { count = 4 }

[[agent_group]]
name = "second"
queues = ["q"]
staffing = { count = 4 }
"#,
        "duration = \"8h\"\nreplications = 30",
    );
    let s = Ccsim::simulate(&text, &[]).summary();
    let (first, second) = (
        s.get("group:first", "handled"),
        s.get("group:second", "handled"),
    );
    let share = first.mean / (first.mean + second.mean);
    assert!(
        (share - 0.5).abs() < 0.03,
        "the first group took {share:.3} of the calls"
    );
}

/// The port is held from arrival to the end of talk; the agent through wrap-up.
#[test]
fn the_port_is_released_at_end_of_talk_and_the_agent_after_wrap_up() {
    let text = scenario(
        r#"
[[port_pool]]
name = "p"
ports = 100

[[queue]]
name = "q"
port_pool = "p"
arrivals = { per_hour = 20 }
ivr = { dist = "constant", value = "30s" }
handle = { dist = "constant", value = "100s" }
wrap_up = { dist = "constant", value = "50s" }

[[agent_group]]
name = "a"
queues = ["q"]
staffing = { count = 50 }
"#,
        "duration = \"2h\"\nreplications = 3",
    );
    let s = Ccsim::simulate(&text, &[]).summary();
    assert_eq!(
        s.get("pool:p", "port_hold_s").mean,
        130.0,
        "IVR + talk, not wrap-up"
    );
    assert_eq!(
        s.get("group:a", "handle_time_s").mean,
        150.0,
        "talk + wrap-up"
    );
    assert_eq!(s.get("all", "asa_s").mean, 0.0);
    assert_eq!(s.get("all", "aht_s").mean, 150.0);
}
