//! Agents as individuals: shifts, skills with levels and overflow, RONA, aux periods, breaks,
//! and the accounts of time in each state.
//!
//! Statistical checks allow 3 standard errors (from CIs over at least 30 replications) around
//! exact values; seeds are fixed, so the tests are deterministic.

use crate::harness::{Ccsim, csv_rows, mean_and_se};
use ccsim::erlang::erlang_c;
use std::collections::HashMap;

const K: f64 = 3.0;

/// A day of three hours with staffing given by `staffing` (the group's staffing lines).
fn day(staffing: &str, replications: u32) -> String {
    format!(
        r#"
[simulation]
name = "day"
start = "2026-03-30T08:00:00Z"
duration = "3h"
interval = "30m"
replications = {replications}
seed = 42

[[queue]]
name = "support"
arrivals = {{ per_interval = [40, 70, 90, 80, 60, 50] }}
handle = {{ dist = "lognormal", mean = "4m", cv = 0.8 }}
wrap_up = {{ dist = "exponential", mean = "30s" }}
patience = {{ dist = "exponential", mean = "3m" }}

[[agent_group]]
name = "tier1"
queues = ["support"]
{staffing}
"#
    )
}

/// Per-interval counts are a shorthand for shifts: agent j works every interval whose count
/// exceeds j. Written out as the shifts they stand for, the reports are byte-identical.
#[test]
fn shifts_without_breaks_give_the_per_interval_reports_byte_for_byte() {
    let counts = day("staffing = { per_interval = [3, 5, 5, 2, 4, 4] }", 20);
    // Layers: agents 0 and 1 all day; agent 2 in 08:00–09:30 and 10:00–11:00; agents 3 and 4
    // in 08:30–09:30; agent 3 again in 10:00–11:00.
    let shifts = day(
        r#"
[[agent_group.shift]]
start = "08:00"
length = "3h"
count = 2

[[agent_group.shift]]
start = "08:00"
length = "1h30m"
count = 1

[[agent_group.shift]]
start = "08:30"
length = "1h"
count = 2

[[agent_group.shift]]
start = "10:00"
length = "1h"
count = 2
"#,
        20,
    );
    let a = Ccsim::simulate(&counts, &[]);
    let b = Ccsim::simulate(&shifts, &[]);
    for file in [
        "summary.csv",
        "intervals.csv",
        "agents.csv",
        "replications.csv",
    ] {
        assert_eq!(
            a.read(&format!("out/{file}")),
            b.read(&format!("out/{file}")),
            "{file} differs"
        );
    }
    // And the staffing is what was asked for, interval by interval.
    let scheduled: Vec<f64> = csv_rows(&a.path("out/agents.csv"))
        .iter()
        .map(|r| r["scheduled"].parse().unwrap())
        .collect();
    assert_eq!(scheduled, vec![3.0, 5.0, 5.0, 2.0, 4.0, 4.0]);
}

/// Two queues of steady M/M/n traffic, 12 h with 2 h of warm-up. `skills` are extra lines
/// for each group (its level for the other queue), `overflow` the queues' `overflow_after`.
fn two_queues(
    a_agents: u32,
    b_agents: u32,
    b_handle: &str,
    skills: [&str; 2],
    overflow: &str,
) -> String {
    format!(
        r#"
[simulation]
name = "two"
start = "2026-01-05T00:00:00Z"
duration = "12h"
interval = "1h"
replications = 40
seed = 907
warmup = "2h"

[[queue]]
name = "a"
arrivals = {{ per_hour = 200 }}
handle = {{ dist = "exponential", mean = "180s" }}
{overflow}

[[queue]]
name = "b"
arrivals = {{ per_hour = 120 }}
handle = {{ dist = "exponential", mean = "{b_handle}" }}
{overflow}

[[agent_group]]
name = "team-a"
{}
staffing = {{ count = {a_agents} }}

[[agent_group]]
name = "team-b"
{}
staffing = {{ count = {b_agents} }}
"#,
        skills[0], skills[1]
    )
}

const SEPARATE: [&str; 2] = ["queues = [\"a\"]", "queues = [\"b\"]"];
const CROSS: [&str; 2] = [
    "queues = [\"a\", \"b\"]\nlevel = { b = 2 }",
    "queues = [\"b\", \"a\"]\nlevel = { a = 2 }",
];

#[test]
fn separate_queues_each_reproduce_erlang_c() {
    let s = Ccsim::simulate(&two_queues(13, 10, "240s", SEPARATE, ""), &[]).summary();
    for (queue, per_hour, aht, agents) in [("a", 200.0, 180.0, 13), ("b", 120.0, 240.0, 10)] {
        let e = erlang_c(agents, per_hour * aht / 3600.0, aht, 20.0).unwrap();
        let scope = format!("queue:{queue}");
        let what = |m: &str| format!("queue {queue} {m} against its own Erlang C");
        s.get(&scope, "p_wait")
            .assert_near(e.p_wait, K, &what("p_wait"));
        s.get(&scope, "asa_s").assert_near(e.asa, K, &what("ASA"));
        s.get(&scope, "service_level")
            .assert_near(e.service_level, K, &what("service level"));
    }
}

/// With identical handle times and every agent able to take either queue at once (level 2
/// with no overflow wait), routing is work-conserving and the number in the system is the
/// pooled M/M/n's: P(wait) and ASA are the pooled Erlang C's whatever the order of service.
#[test]
fn cross_skilled_groups_with_no_overflow_wait_are_the_pooled_erlang_c() {
    let s = Ccsim::simulate(
        &two_queues(12, 8, "180s", CROSS, "overflow_after = [\"0s\"]"),
        &[],
    )
    .summary();
    let e = erlang_c(20, 320.0 * 180.0 / 3600.0, 180.0, 20.0).unwrap();
    s.get("all", "p_wait")
        .assert_near(e.p_wait, K, "pooled Erlang C p_wait");
    s.get("all", "asa_s")
        .assert_near(e.asa, K, "pooled Erlang C ASA");
    s.get("all", "occupancy")
        .assert_near(e.occupancy, K, "pooled Erlang C occupancy");
}

/// An overflow wait puts the system between the pooled and the separate queues, and a longer
/// wait is never better (common random numbers: the same callers at every setting).
#[test]
fn an_overflow_wait_lies_between_pooled_and_separate_and_is_monotone() {
    let pooled = erlang_c(20, 320.0 * 180.0 / 3600.0, 180.0, 20.0).unwrap();
    let (ea, eb) = (
        erlang_c(12, 200.0 * 180.0 / 3600.0, 180.0, 20.0).unwrap(),
        erlang_c(8, 120.0 * 180.0 / 3600.0, 180.0, 20.0).unwrap(),
    );
    let separate = (200.0 * ea.asa + 120.0 * eb.asa) / 320.0;
    assert!(pooled.asa < separate);
    let mut previous: Option<Vec<f64>> = None;
    let mut first: Option<Vec<f64>> = None;
    for wait in ["0s", "20s", "60s", "180s"] {
        let run = Ccsim::simulate(
            &two_queues(
                12,
                8,
                "180s",
                CROSS,
                &format!("overflow_after = [\"{wait}\"]"),
            ),
            &[],
        );
        let asa = run.replications()[&("all".to_string(), "asa_s".to_string())].clone();
        let (mean, se) = mean_and_se(&asa);
        assert!(
            mean >= pooled.asa - K * se && mean <= separate + K * se,
            "overflow after {wait}: ASA {mean:.2} s (SE {se:.2}) outside pooled {:.2} – separate {separate:.2}",
            pooled.asa
        );
        if let Some(before) = &previous {
            // Paired by replication: the same callers, a longer wait before overflow.
            let diff: Vec<f64> = asa.iter().zip(before).map(|(x, y)| x - y).collect();
            let (d, se) = mean_and_se(&diff);
            assert!(
                d > -K * se,
                "overflow after {wait}: ASA fell by {:.2} s (SE {se:.2}) against the shorter wait",
                -d
            );
        }
        first.get_or_insert_with(|| asa.clone());
        previous = Some(asa);
    }
    // And the wait matters: 3 minutes before overflow is clearly worse than none.
    let diff: Vec<f64> = previous
        .unwrap()
        .iter()
        .zip(first.unwrap())
        .map(|(x, y)| x - y)
        .collect();
    let (d, se) = mean_and_se(&diff);
    assert!(d > K * se, "ASA rose by only {d:.2} s (SE {se:.2})");
}

/// Ample agents who let a share p of offers ring past the timeout: offers per answered
/// contact are geometric, with mean 1/(1 − p); and each RONA costs the agent exactly the
/// set not-ready time.
#[test]
fn rona_offers_per_answer_and_exact_not_ready_time() {
    // Answer times uniform on [0, 20 s]; RONA when it is at least 15 s: p = 1/4.
    let text = r#"
[simulation]
name = "rona"
start = "2026-01-05T08:00:00Z"
duration = "4h"
interval = "1h"
replications = 40
seed = 18

[[queue]]
name = "q"
# No calls in the last hour: every RONA and its not-ready time fall inside the day.
arrivals = { per_interval = [120, 120, 120, 0] }
handle = { dist = "exponential", mean = "3m" }

[[agent_group]]
name = "agents"
queues = ["q"]
staffing = { count = 20 }
answer_after = { dist = "uniform", min = "0s", max = "20s" }
rona_timeout = "15s"
rona_not_ready = "45s"
"#;
    let run = Ccsim::simulate(text, &["--calls", "--trace"]);
    let reps = run.replications();
    let col = |m: &str| reps[&("group:agents".to_string(), m.to_string())].clone();
    let (offers, handled, ronas, minutes) = (
        col("offers"),
        col("handled"),
        col("ronas"),
        col("agent_minutes_rona"),
    );
    let per_answer: Vec<f64> = offers.iter().zip(&handled).map(|(o, h)| o / h).collect();
    let (mean, se) = mean_and_se(&per_answer);
    let exact = 1.0 / (1.0 - 0.25);
    assert!(
        (mean - exact).abs() <= K * se,
        "offers per answered contact {mean:.4} (SE {se:.4}) vs 1/(1-p) = {exact:.4}"
    );
    for r in 0..ronas.len() {
        assert!(ronas[r] > 0.0);
        assert!(
            (minutes[r] * 60.0 - ronas[r] * 45.0).abs() < 1e-3,
            "replication {r}: {} RONAs but {} minutes not ready for RONA",
            ronas[r],
            minutes[r]
        );
        assert_eq!(ronas[r], offers[r] - handled[r], "replication {r}");
    }
    // calls.csv: each answered call's RONAs, and the agent who answered.
    let rows = csv_rows(&run.path("out/calls.csv"));
    let answered: Vec<_> = rows.iter().filter(|r| r["outcome"] == "answered").collect();
    assert!(answered.iter().all(|r| !r["agent"].is_empty()));
    let total_ronas: f64 = answered
        .iter()
        .map(|r| r["ronas"].parse::<f64>().unwrap())
        .sum();
    assert_eq!(total_ronas, ronas.iter().sum::<f64>());
    // The trace: every agent that goes not ready for a RONA changes state again exactly
    // 45 s later, and each RONA event names the agent that goes not ready.
    let events = csv_rows(&run.path("out/events.csv"));
    let millis = |e: &HashMap<String, String>| {
        e["time"]
            .parse::<jiff::Timestamp>()
            .unwrap()
            .as_millisecond()
    };
    let mut rona_since = HashMap::new();
    let mut rona_agents = Vec::new();
    let mut timed = 0;
    for e in &events {
        let agent = (e["replication"].clone(), e["agent"].clone());
        match (e["event"].as_str(), e["agent_state"].as_str()) {
            ("RONA", _) => rona_agents.push(agent),
            ("agent_state", state) => {
                if let Some(since) = rona_since.remove(&agent) {
                    assert_eq!(millis(e) - since, 45_000, "{agent:?} at {}", e["time"]);
                    timed += 1;
                }
                if state == "not_ready_rona" {
                    assert_eq!(rona_agents.pop().as_ref(), Some(&agent));
                    rona_since.insert(agent, millis(e));
                }
            }
            _ => {}
        }
    }
    assert_eq!(timed as f64, ronas.iter().sum::<f64>());
}

/// Aux periods with exponential time between (54 min) and length (6 min), and no calls to
/// delay them: agents are not ready 6 / (54 + 6) = 10 % of the time (the renewal formula).
#[test]
fn aux_periods_follow_the_renewal_formula() {
    let text = r#"
[simulation]
name = "aux"
start = "2026-01-05T08:00:00Z"
duration = "9h"
interval = "1h"
replications = 30
seed = 5
warmup = "1h"

[[queue]]
name = "q"
arrivals = { per_hour = 0 }
handle = { dist = "exponential", mean = "3m" }

[[agent_group]]
name = "agents"
queues = ["q"]
staffing = { count = 40 }
not_ready = { every = { dist = "exponential", mean = "54m" }, length = { dist = "exponential", mean = "6m" } }
"#;
    let run = Ccsim::simulate(text, &[]);
    let shrinkage = run.summary().get("group:agents", "shrinkage");
    shrinkage.assert_near(0.1, K, "aux share of present time");
    // Present and available: the agents ready, interval by interval, are the rest.
    let agents = csv_rows(&run.path("out/agents.csv"));
    let ready: f64 = agents
        .iter()
        .map(|r| r["ready"].parse::<f64>().unwrap())
        .sum::<f64>()
        / agents.len() as f64;
    assert!(
        (ready - 40.0 * (1.0 - shrinkage.mean)).abs() < 1e-4,
        "mean ready agents {ready:.4} vs 40 × (1 − {:.4})",
        shrinkage.mean
    );
}

/// One agent, always busy with 10-minute calls, a break due 15 minutes into the shift: the
/// break waits for the call in progress, so it starts when the second call ends.
#[test]
fn a_break_due_during_a_call_starts_after_it() {
    let text = r#"
[simulation]
name = "break"
start = "2026-01-05T08:00:00Z"
duration = "2h"
interval = "30m"
replications = 5
seed = 3
drain_limit = "1m"

[[queue]]
name = "q"
arrivals = { per_hour = 600 }
handle = { dist = "constant", value = "10m" }

[[agent_group]]
name = "agents"
queues = ["q"]

[[agent_group.shift]]
start = "08:00"
length = "2h"
count = 1
breaks = [{ after = "15m", length = "15m", kind = "break" }]
"#;
    let run = Ccsim::simulate(text, &["--calls"]);
    let reps = run.replications();
    let col = |m: &str| reps[&("group:agents".to_string(), m.to_string())].clone();
    let calls = csv_rows(&run.path("out/calls.csv"));
    for r in 0..5 {
        assert_eq!(col("breaks_started")[r], 1.0);
        assert_eq!(col("breaks_late")[r], 1.0);
        // The first caller is answered on arrival at t1; the second call ends at t1 + 20 m.
        let first = calls
            .iter()
            .find(|c| c["replication"] == r.to_string() && c["id"] == "0")
            .expect("the first call");
        let t1: jiff::Timestamp = first["arrival_time"].parse().unwrap();
        let start: jiff::Timestamp = "2026-01-05T08:00:00Z".parse().unwrap();
        let t1 = (t1 - start).total(jiff::Unit::Second).unwrap();
        let delay = col("break_delay_s")[r];
        assert!(
            (delay - (t1 + 20.0 * 60.0 - 15.0 * 60.0)).abs() < 1e-3,
            "replication {r}: break {delay} s late, first call at {t1} s"
        );
    }
    // The agent talks 10-minute calls back to back, but for the 15-minute break.
    let agents = csv_rows(&run.path("out/agents.csv"));
    let on_break: f64 = agents
        .iter()
        .map(|r| r["not_ready_break"].parse::<f64>().unwrap())
        .sum::<f64>()
        * 30.0;
    assert!(
        (on_break - 15.0).abs() < 1e-3,
        "{on_break} minutes on break"
    );
}

/// In every interval and group, time in the states adds up to the agents present, nobody is
/// ready for negative time, present agents are the scheduled plus those finishing, and
/// occupancy is working time over working and ready time (one replication, so that the
/// report's figures are that replication's own).
#[test]
fn time_in_the_states_adds_up_to_time_present() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/two-skill.toml"
    ))
    .unwrap()
    .replace("replications = 30", "replications = 1");
    let run = Ccsim::simulate(&text, &[]);
    let rows = csv_rows(&run.path("out/agents.csv"));
    assert_eq!(rows.len(), 2 * 18);
    let states = [
        "ready",
        "ringing",
        "talking",
        "wrap_up",
        "not_ready_break",
        "not_ready_lunch",
        "not_ready_aux",
        "not_ready_rona",
    ];
    let v = |r: &std::collections::HashMap<String, String>, c: &str| -> f64 {
        r[c].parse()
            .unwrap_or_else(|_| panic!("{c}: {:?}", r.get(c)))
    };
    for r in &rows {
        let sum: f64 = states.iter().map(|c| v(r, c)).sum();
        let what = format!("{} {}", r["interval_start"], r["agent_group"]);
        assert!(
            (sum - v(r, "present")).abs() < 1e-5,
            "{what}: states {sum} vs present"
        );
        assert!(v(r, "ready") >= -1e-6, "{what}: ready {}", v(r, "ready"));
        assert!(
            (v(r, "present") - v(r, "scheduled") - v(r, "leaving")).abs() < 1e-5,
            "{what}"
        );
        assert!(v(r, "leaving") >= -1e-6, "{what}");
        let busy = v(r, "ringing") + v(r, "talking") + v(r, "wrap_up");
        let occupancy = busy / (busy + v(r, "ready"));
        assert!((occupancy - v(r, "occupancy")).abs() < 1e-5, "{what}");
    }
    // Breaks and lunch happen where the shifts put them: nobody is at lunch before noon.
    for r in rows
        .iter()
        .filter(|r| r["interval_start"].as_str() < "2026-03-30T12:00:00Z")
    {
        assert_eq!(v(r, "not_ready_lunch"), 0.0);
    }
    assert!(rows.iter().any(|r| v(r, "not_ready_lunch") > 0.0));
}

/// A header for the small scenarios of the rules below: `rest` adds queues and groups.
fn small(name: &str, duration: &str, interval: &str, rest: &str) -> String {
    format!(
        "[simulation]\nname = \"{name}\"\nstart = \"2026-03-30T08:00:00Z\"\nduration = \"{duration}\"\ninterval = \"{interval}\"\nreplications = 3\nseed = 1\ndrain_limit = \"1h\"\n{rest}"
    )
}

fn agents_rows(run: &crate::harness::Run) -> Vec<std::collections::HashMap<String, String>> {
    csv_rows(&run.path("out/agents.csv"))
}

fn column(rows: &[std::collections::HashMap<String, String>], c: &str) -> Vec<f64> {
    rows.iter().map(|r| r[c].parse().unwrap()).collect()
}

/// Callers offered to an agent the moment they join still wait while the phone rings: with
/// a 5 s patience and 10 s to answer, every one of them hangs up.
#[test]
fn callers_abandon_while_an_agent_rings_even_when_offered_on_entry() {
    let text = small(
        "ring",
        "2h",
        "1h",
        r#"
[[queue]]
name = "q"
arrivals = { per_hour = 60 }
handle = { dist = "constant", value = "1m" }
patience = { dist = "constant", value = "5s" }

[[agent_group]]
name = "g"
queues = ["q"]
staffing = { count = 20 }
answer_after = { dist = "constant", value = "10s" }
"#,
    );
    let reps = Ccsim::simulate(&text, &[]).replications();
    let v = |m: &str| reps[&("all".to_string(), m.to_string())].clone();
    for (offered, abandoned) in v("offered").iter().zip(v("abandoned")) {
        assert!(*offered > 0.0);
        assert_eq!(*offered, abandoned, "every caller hangs up while it rings");
    }
}

/// A contact that becomes a callback on entry, or a scheduled request, still reaches the
/// level-2 agents after the queue's overflow wait.
#[test]
fn callbacks_reach_further_skill_levels() {
    let rest = r#"
[[queue]]
name = "q"
arrivals = { per_hour = 4 }
handle = { dist = "constant", value = "3m" }
overflow_after = ["60s"]

[queue.callback]
offer_on_entry_over = "10s"
accept = 1.0
expires_after = "20m"
results = { OK = 1.0 }

[[agent_group]]
name = "backup"
queues = ["q"]
level = { q = 2 }
staffing = { count = 2 }
"#;
    let request = r#"{"CustomerNumber": "+1", "DestinationNumber": "+1", "CallbackSubroutine": "q", "OtherCallbackProperties": {"ClientAvailableFrom": "2026-03-30T09:00:00Z"}}"#;
    let text = format!(
        "callback_requests = \"r.jsonl\"\n{}",
        small("entry", "2h", "30m", rest)
    );
    let run = Ccsim::new()
        .file("s.toml", &text)
        .file("r.jsonl", request)
        .args(["run", "s.toml", "--out", "out"])
        .run()
        .success();
    let reps = run.replications();
    let v = |m: &str| reps[&("all".to_string(), m.to_string())].clone();
    for r in 0..3 {
        assert!(v("callbacks_accepted")[r] > 0.0);
        assert_eq!(
            v("callbacks_connected")[r],
            v("callbacks_accepted")[r] + v("callbacks_requested")[r],
            "replication {r}: every callback connects through the level-2 agents"
        );
        assert_eq!(v("callbacks_expired")[r], 0.0);
    }
}

/// A callback's window closes while an agent's phone rings for it: it expires then, and is
/// not offered again (with `CallDelaySec` 60 s every agent would refuse it for ever).
#[test]
fn a_callback_window_closes_while_it_rings() {
    let rest = r#"
[[queue]]
name = "q"
arrivals = { per_hour = 0 }
handle = { dist = "constant", value = "3m" }

[queue.callback]
call_delay = "60s"
refused_for = "10s"
results = { OK = 1.0 }

[[agent_group]]
name = "g"
queues = ["q"]
staffing = { count = 1 }
answer_after = { dist = "constant", value = "5s" }
"#;
    let request = r#"{"CustomerNumber": "+1", "DestinationNumber": "+1", "CallbackSubroutine": "q", "OtherCallbackProperties": {"ClientAvailableFrom": "2026-03-30T09:00:00Z", "CallbackTimeExpiryDuration": "00:02:02"}}"#;
    let text = format!(
        "callback_requests = \"r.jsonl\"\n{}",
        small("window", "4h", "30m", rest)
    );
    let run = Ccsim::new()
        .file("s.toml", &text)
        .file("r.jsonl", request)
        .args(["run", "s.toml", "--out", "out", "--trace"])
        .run()
        .success();
    let s = run.summary();
    assert_eq!(s.get("all", "callbacks_expired").mean, 1.0);
    assert_eq!(s.get("all", "callbacks_pending_at_end").mean, 0.0);
    let trace = csv_rows(&run.path("out/events.csv"));
    let expired: Vec<_> = trace
        .iter()
        .filter(|r| r["callback_status"] == "ENDTIME_EXPIRED")
        .collect();
    assert_eq!(expired.len(), 3, "once per replication");
    assert!(
        expired
            .iter()
            .all(|r| r["time"] == "2026-03-30T09:02:02.000Z")
    );
}

/// Two breaks that come due during one long call are both taken, one after the other.
#[test]
fn two_breaks_due_during_one_call_are_both_taken() {
    let text = small(
        "breaks",
        "4h",
        "1h",
        r#"
[[queue]]
name = "q"
arrivals = { per_hour = 30 }
handle = { dist = "constant", value = "25m" }
patience = { dist = "constant", value = "10m" }

[[agent_group]]
name = "g"
queues = ["q"]

[[agent_group.shift]]
start = "08:00"
length = "4h"
count = 1
breaks = [{ after = "1h", length = "10m" }, { after = "1h10m", length = "10m" }]
"#,
    );
    let run = Ccsim::simulate(&text, &[]);
    let reps = run.replications();
    assert!(
        reps[&("group:g".to_string(), "breaks_started".to_string())]
            .iter()
            .all(|&n| n == 2.0)
    );
    let minutes: f64 = column(&agents_rows(&run), "not_ready_break")
        .iter()
        .sum::<f64>()
        * 60.0;
    assert!((minutes - 20.0).abs() < 1e-3, "{minutes} minutes on break");
}

/// An agent whose shift ends while its phone rings unanswered leaves at the RONA, rather
/// than serving the not-ready time after its shift.
#[test]
fn a_leaving_agent_goes_at_the_rona() {
    let text = small(
        "rona-leave",
        "2h",
        "30m",
        r#"
[[queue]]
name = "q"
arrivals = { per_hour = 60 }
handle = { dist = "constant", value = "3m" }
patience = { dist = "constant", value = "3h" }

[[agent_group]]
name = "g"
queues = ["q"]
answer_after = { dist = "constant", value = "20m" }
rona_timeout = "8m"
rona_not_ready = "6m"

[[agent_group.shift]]
start = "08:00"
length = "1h"
count = 1
"#,
    );
    let run = Ccsim::simulate(&text, &["--calls"]);
    let rows = agents_rows(&run);
    // The queue never empties: offers ring 8 minutes unanswered, then the agent is not ready
    // for 6, from the first arrival at t1 on. The ring under way at 09:00 began at t1 + 56
    // minutes (when t1 < 4 minutes) and is RONA at t1 + 64: the agent leaves then, t1 + 4
    // minutes after its shift, without its 6 minutes of not-ready time.
    let start: jiff::Timestamp = "2026-03-30T08:00:00Z".parse().unwrap();
    let t1: Vec<f64> = csv_rows(&run.path("out/calls.csv"))
        .iter()
        .filter(|c| c["id"] == "0")
        .map(|c| {
            let t: jiff::Timestamp = c["arrival_time"].parse().unwrap();
            (t - start).total(jiff::Unit::Minute).unwrap()
        })
        .collect();
    assert_eq!(t1.len(), 3);
    assert!(t1.iter().all(|&t| t < 4.0), "first arrivals {t1:?}");
    let expected = t1.iter().map(|t| t + 4.0).sum::<f64>() / 3.0;
    let leaving = column(&rows, "leaving");
    assert!(
        (leaving[2] * 30.0 - expected).abs() < 1e-3,
        "leaving {} minutes, expected {expected}",
        leaving[2] * 30.0
    );
    assert_eq!(column(&rows, "not_ready_rona")[2], 0.0);
}

/// A break under way when the simulation starts goes on for what is left of it.
#[test]
fn a_break_under_way_at_the_start_goes_on() {
    let text = small(
        "prestart",
        "2h",
        "15m",
        r#"
[[queue]]
name = "q"
arrivals = { per_hour = 10 }
handle = { dist = "exponential", mean = "3m" }

[[agent_group]]
name = "g"
queues = ["q"]

[[agent_group.shift]]
start = "06:00"
length = "8h"
count = 3
breaks = [{ after = "1h30m", length = "1h", kind = "lunch" }]
"#,
    );
    let lunch = column(
        &agents_rows(&Ccsim::simulate(&text, &[])),
        "not_ready_lunch",
    );
    // Lunch 07:30–08:30: all three agents in the first two quarter hours, nobody after.
    assert_eq!(&lunch[..3], &[3.0, 3.0, 0.0]);
}

/// The callback offer after 10 s comes while an agent's phone rings for the caller; the ring
/// is RONA at 30 s, and the offer is made then (every caller accepts).
#[test]
fn a_callback_offer_due_while_ringing_is_made_after_the_rona() {
    let text = small(
        "offer-ring",
        "2h",
        "1h",
        r#"
[[queue]]
name = "q"
arrivals = { per_hour = 20 }
handle = { dist = "constant", value = "1m" }

[queue.callback]
offer_after = "10s"
accept = 1.0
results = { OK = 1.0 }

[[agent_group]]
name = "g"
queues = ["q"]
staffing = { count = 30 }
answer_after = { dist = "constant", value = "40s" }
rona_timeout = "30s"
"#,
    );
    let reps = Ccsim::simulate(&text, &["--calls"]).replications();
    let v = |m: &str| reps[&("all".to_string(), m.to_string())].clone();
    for r in 0..3 {
        assert!(v("offered")[r] > 0.0);
        assert_eq!(
            v("callbacks_accepted")[r],
            v("offered")[r],
            "replication {r}"
        );
    }
}

/// Settings that validate but do nothing are warned about, naming the line: a shift that
/// never works in the simulated period, a RONA timeout with nothing that rings.
#[test]
fn settings_without_effect_are_warned_about() {
    let text = small(
        "warn",
        "8h",
        "1h",
        r#"
[[queue]]
name = "q"
arrivals = { per_hour = 10 }
handle = { dist = "exponential", mean = "3m" }

[[agent_group]]
name = "g"
queues = ["q"]
rona_timeout = "10s"

[[agent_group.shift]]
start = "08:00"
length = "8h"
count = 2

[[agent_group.shift]]
start = "20:00"
length = "4h"
count = 2
"#,
    );
    let run = Ccsim::new()
        .file("s.toml", &text)
        .args(["validate", "s.toml"])
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert!(
        run.stderr.contains(&format!(
            "s.toml:{}: `agent_group.g.rona_timeout` has no effect",
            line("rona_timeout")
        )),
        "{}",
        run.stderr
    );
    // The 20:00 shift of an 08:00–16:00 day: its table's header line.
    let second = line("start = \"20:00\"") - 1;
    assert!(
        run.stderr.contains(&format!(
            "s.toml:{second}: `agent_group.g.shift[1]` never overlaps"
        )),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("shift[0]"), "{}", run.stderr);
}

/// Many combinations of the agent features — ringing and RONA, aux, shifts with breaks
/// (a night shift among them), skill levels with overflow, callbacks (refused ones too),
/// patience — each run for a few replications: every contact and every callback is
/// accounted for in every replication, the agent-state accounts hold in every interval, and
/// the reports do not depend on the number of threads.
#[test]
fn feature_combinations_keep_every_account() {
    let ringing = [
        "",
        "answer_after = { dist = \"exponential\", mean = \"8s\" }\nrona_timeout = \"12s\"\nrona_not_ready = \"20s\"",
    ];
    let aux = [
        "",
        "not_ready = { every = { dist = \"exponential\", mean = \"40m\" }, length = { dist = \"constant\", value = \"5m\" } }",
    ];
    let staffing = [
        "staffing = { per_interval = [4, 6, 3, 5, 0, 4] }",
        "[[agent_group.shift]]\nstart = \"22:30\"\nlength = \"12h\"\ncount = 3\nbreaks = [{ after = \"10h\", length = \"30m\", kind = \"lunch\" }, { after = \"10h40m\", length = \"10m\" }]\n\n[[agent_group.shift]]\nstart = \"09:15\"\nlength = \"1h40m\"\ncount = 3\nbreaks = [{ after = \"30m\", length = \"15m\" }]",
    ];
    let callbacks = [
        "",
        "[queue.callback]\noffer_after = \"20s\"\naccept = 0.5\ncall_delay = \"5s\"\nexpires_after = \"40m\"\nretry_after = \"5m\"",
        "[queue.callback]\noffer_after = \"20s\"\naccept = 0.5\ncall_delay = \"60s\"\nrefused_for = \"20s\"\nexpires_after = \"10m\"",
    ];
    let mut cases = 0;
    for (r, ring) in ringing.iter().enumerate() {
        for (x, aux) in aux.iter().enumerate() {
            for (t, staff) in staffing.iter().enumerate() {
                for (c, callback) in callbacks.iter().enumerate() {
                    // Not every product: a spread of the combinations, each feature on and off.
                    if (r + x + t + c) % 2 == 1 && c != 2 {
                        continue;
                    }
                    cases += 1;
                    let text = small(
                        &format!("combo-{r}{x}{t}{c}"),
                        "3h",
                        "30m",
                        &format!(
                            r#"
[[port_pool]]
name = "ports"
ports = 12

[[queue]]
name = "a"
port_pool = "ports"
arrivals = {{ per_hour = 90 }}
handle = {{ dist = "exponential", mean = "3m" }}
wrap_up = {{ dist = "constant", value = "20s" }}
patience = {{ dist = "exponential", mean = "2m" }}
overflow_after = ["30s"]
{callback}

[[queue]]
name = "b"
arrivals = {{ per_hour = 40 }}
handle = {{ dist = "exponential", mean = "4m" }}
patience = {{ dist = "exponential", mean = "3m" }}

[[agent_group]]
name = "front"
queues = ["a", "b"]
level = {{ b = 2 }}
handle_factor = {{ b = 1.2 }}
{ring}
{aux}
{staff}

[[agent_group]]
name = "back"
queues = ["b", "a"]
level = {{ a = 2 }}
staffing = {{ count = 2 }}
"#
                        ),
                    );
                    let run = Ccsim::simulate(&text, &["--threads", "1"]);
                    let what = format!("case {r}{x}{t}{c}");
                    let reps = run.replications();
                    for q in ["all", "queue:a", "queue:b"] {
                        let v = |m: &str| {
                            reps.get(&(q.to_string(), m.to_string()))
                                .cloned()
                                .unwrap_or_else(|| vec![0.0; 3])
                        };
                        for i in 0..3 {
                            // Connected callbacks are answered contacts.
                            assert_eq!(
                                v("offered")[i],
                                v("answered")[i] + v("abandoned")[i] + v("callbacks_accepted")[i]
                                    - v("callbacks_connected")[i]
                                    + v("waiting_at_end")[i],
                                "{what} {q} replication {i}: offered callers"
                            );
                            assert_eq!(
                                v("callbacks_accepted")[i],
                                v("callbacks_connected")[i]
                                    + v("callbacks_expired")[i]
                                    + v("callbacks_failed")[i]
                                    + v("callbacks_pending_at_end")[i],
                                "{what} {q} replication {i}: callbacks"
                            );
                        }
                    }
                    for row in agents_rows(&run) {
                        let f = |c: &str| row.get(c).map_or(0.0, |v| v.parse::<f64>().unwrap());
                        let states: f64 = [
                            "ready",
                            "reserved",
                            "ringing",
                            "talking",
                            "wrap_up",
                            "not_ready_break",
                            "not_ready_lunch",
                            "not_ready_aux",
                            "not_ready_rona",
                            "not_ready_refused",
                        ]
                        .iter()
                        .map(|c| f(c))
                        .sum();
                        let at = format!("{what} {} {}", row["interval_start"], row["agent_group"]);
                        assert!(
                            (states - f("present")).abs() < 1e-5,
                            "{at}: states {states}"
                        );
                        assert!(f("ready") >= -1e-6, "{at}: ready {}", f("ready"));
                        assert!(
                            (f("present") - f("scheduled") - f("leaving")).abs() < 1e-5,
                            "{at}"
                        );
                    }
                    let again =
                        run.again(["run", "scenario.toml", "--out", "out2", "--threads", "2"]);
                    assert!(again.status.success());
                    for file in [
                        "summary.csv",
                        "intervals.csv",
                        "agents.csv",
                        "replications.csv",
                    ] {
                        assert_eq!(
                            run.read(&format!("out/{file}")),
                            run.read(&format!("out2/{file}")),
                            "{what}: {file} differs between 1 and 2 threads"
                        );
                    }
                }
            }
        }
    }
    assert!(cases >= 12, "{cases} combinations");
}
