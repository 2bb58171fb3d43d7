//! `events.csv` (`--trace`): every contact's events, inbound and outbound, with seed 003's
//! names, and every agent's states — read back and replayed against the other reports and
//! the scenario's rules.

use crate::harness::{Ccsim, csv_rows};
use std::collections::HashMap;

type Row = HashMap<String, String>;

/// Seconds since the Unix epoch of a trace time (ISO 8601 UTC).
fn seconds(row: &Row) -> f64 {
    let t: jiff::Timestamp = row["time"].parse().expect("an ISO 8601 time");
    t.as_millisecond() as f64 / 1000.0
}

/// A blended center with everything that makes events: ports that block, an IVR, callers
/// who abandon, agents who let offers ring out (RONA) and do wrap-up; a predictive campaign
/// on the same agents, and a progressive one with answering-machine detection on its own.
const BLENDED: &str = r#"
[simulation]
name = "traced"
start = "2026-01-05T08:00:00Z"
duration = "4h"
interval = "30m"
replications = 3
seed = 11

[[port_pool]]
name = "trunk"
ports = 11

[[queue]]
name = "service"
port_pool = "trunk"
arrivals = { per_hour = 90 }
ivr = { dist = "exponential", mean = "20s" }
handle = { dist = "exponential", mean = "4m" }
wrap_up = { dist = "constant", value = "20s" }
patience = { dist = "exponential", mean = "2m" }

[[agent_group]]
name = "team"
queues = ["service"]
staffing = { count = 8 }
answer_after = { dist = "uniform", min = "1s", max = "20s" }
rona_timeout = "15s"
rona_not_ready = "30s"

[[agent_group]]
name = "dialers"
queues = []
staffing = { count = 3 }

[[campaign]]
name = "renewals"
mode = "predictive"
groups = ["team"]
port_pool = "trunk"
records = 100000
talk = { dist = "exponential", mean = "3m" }
wrap_up = { dist = "constant", value = "15s" }
answer_after = { dist = "uniform", min = "5s", max = "20s" }
results = { OK = 0.4, NO_ANSWER = 0.4, BUSY = 0.2 }

[[campaign]]
name = "survey"
mode = "progressive"
groups = ["dialers"]
records = 100000
talk = { dist = "exponential", mean = "2m" }
results = { OK = 0.3, ANSWERING_MACHINE = 0.3, NO_ANSWER = 0.4 }
amd = { accuracy = "80%" }
"#;

/// The trace follows every contact: each caller of `calls.csv` arrives (or is blocked) once,
/// is answered by the agent `calls.csv` names after as many RONAs as it says, or abandons;
/// every campaign dial ends once; drops and dials agree with the campaign figures; agents
/// talk while connected and do acw after; and the seed-003 names are the events'.
#[test]
fn the_trace_follows_every_contact_with_the_seed_003_names() {
    let run = Ccsim::simulate(BLENDED, &["--calls", "--trace"]);
    let events = csv_rows(&run.path("out/events.csv"));
    for name in [
        "eAgentOfferContact",
        "CustAnswered",
        "eAgentContactEnded",
        "acw",
        "DROPPED",
        "RONA",
        "connected",
        "blocked",
        "abandoned",
        "dialing",
        "attempt_ended",
    ] {
        assert!(events.iter().any(|e| e["event"] == name), "no {name} event");
    }
    let mut contacts: HashMap<(&str, &str, &str, &str), Vec<&Row>> = HashMap::new();
    for e in events.iter().filter(|e| e["event"] != "agent_state") {
        let key = (
            e["replication"].as_str(),
            e["call_type"].as_str(),
            e["campaign"].as_str(),
            e["id"].as_str(),
        );
        contacts.entry(key).or_default().push(e);
    }
    let count = |trail: &[&Row], name: &str| trail.iter().filter(|e| e["event"] == name).count();

    // Callers: their trail against their calls.csv row.
    let calls = csv_rows(&run.path("out/calls.csv"));
    for c in &calls {
        let key = (
            c["replication"].as_str(),
            "Regular_call",
            "",
            c["id"].as_str(),
        );
        let trail = &contacts[&key];
        assert!(trail.iter().all(|e| e["queue"] == "service"));
        match c["outcome"].as_str() {
            "blocked" => assert_eq!(trail.len(), 1, "{key:?}"),
            outcome => {
                assert_eq!(count(trail, "arrived"), 1, "{key:?}");
                assert_eq!(count(trail, "RONA").to_string(), c["ronas"], "{key:?}");
                let connected: Vec<_> =
                    trail.iter().filter(|e| e["event"] == "connected").collect();
                match outcome {
                    "answered" => {
                        assert_eq!(connected.len(), 1, "{key:?}");
                        assert_eq!(connected[0]["agent"], c["agent"], "{key:?}");
                        assert_eq!(connected[0]["agent_group"], c["agent_group"], "{key:?}");
                        // Offered once more than it rang out, always before its answer.
                        assert_eq!(count(trail, "eAgentOfferContact"), count(trail, "RONA") + 1);
                    }
                    "abandoned" => {
                        assert!(connected.is_empty());
                        assert_eq!(count(trail, "abandoned"), 1, "{key:?}");
                    }
                    _ => assert!(connected.is_empty()),
                }
            }
        }
    }
    let traced_callers = contacts.keys().filter(|k| k.1 == "Regular_call").count();
    assert_eq!(traced_callers, calls.len(), "a caller traced without a row");

    // Dials: each attempt ends once, as a conversation or with a result; the campaigns'
    // figures count the same dials and drops.
    let reps = run.replications();
    for campaign in ["renewals", "survey"] {
        let per_rep = |m: &str| reps[&(format!("campaign:{campaign}"), m.to_string())].clone();
        let (dials, dropped) = (per_rep("dials"), per_rep("dropped"));
        for r in 0..3 {
            let rep = r.to_string();
            let trails: Vec<_> = contacts
                .iter()
                .filter(|(k, _)| k.0 == rep && k.2 == campaign)
                .map(|(_, t)| t)
                .collect();
            assert!(
                trails
                    .iter()
                    .flat_map(|t| t.iter())
                    .all(|e| e["call_type"] == "OUTBOUND")
            );
            let total = |name: &str| trails.iter().map(|t| count(t, name)).sum::<usize>();
            assert_eq!(total("dialing") as f64, dials[r], "{campaign} {r}");
            assert_eq!(total("DROPPED") as f64, dropped[r], "{campaign} {r}");
            // Each attempt is dialed once and ends once: with a result, or as a
            // conversation (a machine detection passed to an agent ends with its result
            // after the talk). Dials under way at the end have not ended yet: a few.
            let mut unfinished = 0;
            for t in &trails {
                let attempts = t.iter().map(|e| e["attempts"].parse::<usize>().unwrap());
                for n in 1..=attempts.max().unwrap() {
                    let rows: Vec<_> = t
                        .iter()
                        .filter(|e| e["attempts"] == n.to_string())
                        .collect();
                    let of = |name: &str| rows.iter().filter(|e| e["event"] == name).count();
                    assert_eq!(of("dialing"), 1, "{rows:?}");
                    let ends = match of("attempt_ended") {
                        0 => of("eAgentContactEnded"),
                        ended => ended,
                    };
                    assert!(ends <= 1, "{rows:?}");
                    unfinished += 1 - ends;
                    for e in rows.iter().filter(|e| e["event"] == "CustAnswered") {
                        assert!(["OK", "ANSWERING_MACHINE"].contains(&e["call_result"].as_str()));
                    }
                }
            }
            assert!(
                unfinished <= 20,
                "{campaign} {r}: {unfinished} dials never ended"
            );
        }
    }

    // Agents: the state a contact event implies follows it at once.
    let mut last_state: HashMap<(&str, &str), &str> = HashMap::new();
    let mut pending: Vec<(usize, &str)> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let agent = (e["replication"].as_str(), e["agent"].as_str());
        if e["event"] == "agent_state" {
            last_state.insert(agent, e["agent_state"].as_str());
            continue;
        }
        let expected = match e["event"].as_str() {
            "connected" => "talking",
            "acw" => "wrap_up",
            _ => continue,
        };
        pending.push((i, expected));
    }
    for (i, expected) in pending {
        let e = &events[i];
        let next = events[i + 1..]
            .iter()
            .find(|n| {
                n["event"] == "agent_state"
                    && n["agent"] == e["agent"]
                    && n["replication"] == e["replication"]
            })
            .expect("the agent's state follows");
        assert_eq!(next["agent_state"], expected, "after {e:?}");
        assert_eq!(next["time"], e["time"], "after {e:?}");
    }
    assert!(!last_state.is_empty());
}

/// A campaign dials each record by its rules: attempts numbered 1, 2, … up to
/// `max_attempts`; the next attempt no sooner than `retry_after` after the last ended; none
/// after a conversation, a final result or the last attempt; and one after every retry
/// result that had time for it (the dialers are never short of time for a due record).
#[test]
fn retries_follow_the_rules_in_the_trace() {
    let scenario = r#"
[simulation]
name = "retries"
start = "2026-01-05T08:00:00Z"
duration = "8h"
interval = "1h"
replications = 3
seed = 4

[[queue]]
name = "unused"
arrivals = { per_hour = 0 }
handle = { dist = "exponential", mean = "3m" }

[[agent_group]]
name = "dialers"
queues = ["unused"]
staffing = { count = 40 }

[[campaign]]
name = "list"
mode = "progressive"
groups = ["dialers"]
records = 400
talk = { dist = "constant", value = "1m" }
ring_timeout = "20s"
signal_after = "2s"
results = { OK = 0.3, NO_ANSWER = 0.3, BUSY = 0.3, SIT_INVALID_NUM = 0.1 }
retry_after = "10m"
max_attempts = 3
"#;
    let run = Ccsim::simulate(scenario, &["--trace"]);
    let events = csv_rows(&run.path("out/events.csv"));
    let end = seconds(&events[0]) + 8.0 * 3600.0;
    let mut records: HashMap<(&str, &str), Vec<&Row>> = HashMap::new();
    for e in events.iter().filter(|e| e["call_type"] == "OUTBOUND") {
        let key = (e["replication"].as_str(), e["id"].as_str());
        records.entry(key).or_default().push(e);
    }
    assert_eq!(records.len(), 3 * 400, "every record dialed");
    let (mut retried, mut finals) = (0, 0);
    for (key, trail) in &records {
        let dials: Vec<_> = trail.iter().filter(|e| e["event"] == "dialing").collect();
        let ends: Vec<_> = trail
            .iter()
            .filter(|e| ["attempt_ended", "connected"].contains(&e["event"].as_str()))
            .collect();
        assert_eq!(dials.len(), ends.len(), "{key:?}: every attempt ends");
        assert!(dials.len() <= 3, "{key:?}: more than max_attempts");
        for (n, (dial, end_row)) in dials.iter().zip(&ends).enumerate() {
            assert_eq!(dial["attempts"], (n + 1).to_string(), "{key:?}");
            assert_eq!(end_row["attempts"], (n + 1).to_string(), "{key:?}");
            if let Some(next) = dials.get(n + 1) {
                assert!(
                    seconds(next) >= seconds(end_row) + 600.0,
                    "{key:?}: retried before retry_after"
                );
                retried += 1;
            }
        }
        let last = ends.last().expect("a dial");
        let result = last["call_result"].as_str();
        let over = last["event"] == "connected" || result == "SIT_INVALID_NUM" || ends.len() == 3;
        if result == "SIT_INVALID_NUM" {
            finals += 1;
            assert_eq!(dials.len(), ends.len());
        }
        if !over {
            assert!(["NO_ANSWER", "BUSY"].contains(&result), "{key:?}: {result}");
            assert!(
                seconds(last) + 600.0 > end - 60.0,
                "{key:?}: a retry due in the day was never dialed"
            );
        }
    }
    assert!(
        retried > 300 && finals > 50,
        "{retried} retries, {finals} final"
    );
}

/// Only a Ready agent places a manual call (seed 004's MakeCall): replaying each agent's
/// states from the trace, every MakeCall comes from an agent that was ready, which is then
/// reserved for its dial at once — with a queue, wrap-up and aux periods keeping the agents
/// busy in between.
#[test]
fn manual_calls_come_only_from_ready_agents_in_the_trace() {
    let scenario = r#"
[simulation]
name = "manual"
start = "2026-01-05T08:00:00Z"
duration = "4h"
interval = "1h"
replications = 3
seed = 9

[[queue]]
name = "service"
arrivals = { per_hour = 40 }
handle = { dist = "exponential", mean = "4m" }
wrap_up = { dist = "constant", value = "30s" }

[[agent_group]]
name = "desk"
queues = ["service"]
staffing = { count = 5 }
not_ready = { every = { dist = "exponential", mean = "30m" }, length = { dist = "constant", value = "3m" } }

[[campaign]]
name = "follow_ups"
mode = "manual"
groups = ["desk"]
calls_per_ready_hour = 6
records = 100000
talk = { dist = "exponential", mean = "3m" }
wrap_up = { dist = "constant", value = "20s" }
results = { OK = 0.5, NO_ANSWER = 0.5 }
"#;
    let run = Ccsim::simulate(scenario, &["--trace"]);
    let events = csv_rows(&run.path("out/events.csv"));
    // Each agent's state, and the one before it.
    let mut state: HashMap<(&str, &str), [(&str, &str); 2]> = HashMap::new();
    let (mut calls, mut inbound) = (0, 0);
    for e in &events {
        let agent = (e["replication"].as_str(), e["agent"].as_str());
        match e["event"].as_str() {
            "agent_state" => {
                let s = state.entry(agent).or_default();
                *s = [s[1], (e["agent_state"].as_str(), e["time"].as_str())];
            }
            // The agent went from ready to reserved for the dial at the moment it dialed.
            "MakeCall" => {
                calls += 1;
                let [before, now] = state[&agent];
                assert_eq!(before.0, "ready", "{e:?}");
                assert_eq!(now, ("reserved", e["time"].as_str()), "{e:?}");
            }
            "connected" if e["call_type"] == "Regular_call" => inbound += 1,
            _ => {}
        }
    }
    assert!(
        calls > 30 && inbound > 300,
        "{calls} manual calls, {inbound} inbound"
    );
    assert!(
        events.iter().any(|e| e["agent_state"] == "not_ready_aux"),
        "aux periods"
    );
}

/// A list worked through to its retries, with nothing else going on: each retry is dialed
/// the moment it comes due (its campaign wakes for it, in every mode that dispatches), and
/// every record is dialed `max_attempts` times.
#[test]
fn a_campaign_with_only_retries_left_dials_each_when_it_comes_due() {
    for mode in ["progressive", "power", "predictive", "preview"] {
        let scenario = format!(
            r#"
[simulation]
name = "retries"
start = "2026-01-05T08:00:00Z"
duration = "2h"
interval = "30m"
replications = 2
seed = 5

[[queue]]
name = "quiet"
arrivals = {{ per_hour = 0 }}
handle = {{ dist = "constant", value = "1m" }}

[[agent_group]]
name = "desk"
queues = ["quiet"]
staffing = {{ count = 1 }}

[[agent_group]]
name = "dialers"
queues = []
staffing = {{ count = 4 }}

[[campaign]]
name = "list"
mode = "{mode}"
preview = {{ dist = "constant", value = "10s" }}
groups = ["dialers"]
records = 6
talk = {{ dist = "constant", value = "1m" }}
results = {{ NO_ANSWER = 1.0 }}
ring_timeout = "20s"
retry_after = "10m"
max_attempts = 3
"#
        )
        .replace(
            if mode == "preview" { "" } else { "preview = " },
            if mode == "preview" {
                ""
            } else {
                "# preview = "
            },
        );
        let run = Ccsim::simulate(&scenario, &["--trace"]);
        let events = csv_rows(&run.path("out/events.csv"));
        let mut dials: HashMap<(String, String), Vec<f64>> = HashMap::new();
        let mut ended: HashMap<(String, String), Vec<f64>> = HashMap::new();
        for e in &events {
            let key = (e["replication"].clone(), e["id"].clone());
            match e["event"].as_str() {
                // A preview's dial is due when the preview begins.
                "dialing" if mode != "preview" => dials.entry(key).or_default().push(seconds(e)),
                "eAgentOfferContact" if mode == "preview" => {
                    dials.entry(key).or_default().push(seconds(e))
                }
                "attempt_ended" => ended.entry(key).or_default().push(seconds(e)),
                _ => {}
            }
        }
        assert_eq!(dials.len(), 12, "{mode}: every record of both replications");
        for (key, times) in &dials {
            assert_eq!(times.len(), 3, "{mode} {key:?}: {times:?}");
            for (next, end) in times[1..].iter().zip(&ended[key]) {
                assert!(
                    (next - end - 600.0).abs() < 1e-3,
                    "{mode} {key:?}: dialed {next} for a retry due {}",
                    end + 600.0
                );
            }
        }
    }
}
