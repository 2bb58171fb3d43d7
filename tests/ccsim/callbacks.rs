//! Callbacks: limiting cases with exact answers, the lifecycle's bookkeeping, scheduled
//! requests, CallDelaySec's refused state, and bad callback input.

use crate::harness::{Ccsim, csv_rows, mean_and_se, reference};
use std::collections::{HashMap, HashSet};

/// Standard errors allowed between a simulated mean and the exact value.
const K: f64 = 3.0;

fn default_scenario() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/default.toml"
    ))
    .unwrap()
}

fn with_replications(text: &str, n: u32) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with("replications = ") {
                format!("replications = {n}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Metrics that are about callbacks (or only exist because of them: port minutes, and
/// busy ports split into inbound and outbound).
fn about_callbacks(metric: &str) -> bool {
    metric.starts_with("callback")
        || metric.starts_with("port_minutes")
        || metric.starts_with("agent_minutes")
        || metric.starts_with("ports_busy_inbound")
        || metric.starts_with("ports_busy_outbound")
}

/// `accept = 0` changes nothing that is not about callbacks, in any replication.
#[test]
fn accept_zero_is_the_same_as_no_callbacks() {
    let base = with_replications(&default_scenario(), 10);
    let offered = format!(
        "{base}\n[queue.callback]\noffer_after = \"30s\"\noffer_on_entry_over = \"1m\"\naccept = 0\n"
    );
    let a = Ccsim::simulate(&base, &[]).replications();
    let b = Ccsim::simulate(&offered, &[]).replications();
    // Only callback metrics are added (they are reported for scenarios with callbacks).
    assert!(
        b.keys()
            .filter(|k| !a.contains_key(*k))
            .all(|k| about_callbacks(&k.1))
    );
    let mut compared = 0;
    for (key, values) in &a {
        if !about_callbacks(&key.1) {
            assert_eq!(values, &b[key], "{key:?} changed with accept = 0");
            compared += 1;
        }
    }
    assert!(compared > 30);
    assert!(
        b[&("all".to_string(), "callbacks_offered".to_string())]
            .iter()
            .all(|&n| n > 0.0),
        "offers were made"
    );
    assert!(
        b[&("all".to_string(), "callbacks_accepted".to_string())]
            .iter()
            .all(|&n| n == 0.0)
    );
}

/// Every accepted or requested callback ends exactly once — connected, expired or failed —
/// or is reported pending; and every offered caller is answered, abandoned, became a
/// callback, or still waits.
#[test]
fn every_callback_ends_exactly_once_or_is_pending() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/callbacks.toml"
    ))
    .unwrap()
    .replace("drain_limit = \"2h\"", "drain_limit = \"2m\"")
    .replace(
        "callback_requests = \"callback_requests.jsonl\"",
        "callback_requests = \"requests.jsonl\"",
    );
    let requests = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/callback_requests.jsonl"
    ))
    .unwrap();
    let run = Ccsim::new()
        .file("scenario.toml", &with_replications(&text, 8))
        .file("requests.jsonl", &requests)
        .args(["run", "scenario.toml", "--out", "out", "--calls", "--trace"])
        .run()
        .success();
    let reps = run.replications();
    let col = |m: &str| reps[&("all".to_string(), m.to_string())].clone();
    let mut connected_requests = [0usize; 8];
    for row in csv_rows(&run.path("out/calls.csv")) {
        if row["callback_type"] == "SCHEDULED" && row["callback_status"] == "PROCESSED_BY_AGT" {
            connected_requests[row["replication"].parse::<usize>().unwrap()] += 1;
        }
    }
    assert!(connected_requests.iter().sum::<usize>() > 0);
    let mut pending_total = 0.0;
    for (r, &scheduled_connected) in connected_requests.iter().enumerate() {
        let v = |m: &str| col(m)[r];
        assert_eq!(
            v("callbacks_accepted") + v("callbacks_requested"),
            v("callbacks_connected")
                + v("callbacks_expired")
                + v("callbacks_failed")
                + v("callbacks_not_queued")
                + v("callbacks_pending_at_end"),
            "replication {r}"
        );
        // Connected callbacks are answered contacts, and a scheduled request that connects is
        // offered too (it has no call of its own).
        assert_eq!(
            v("offered") - scheduled_connected as f64,
            v("answered") - v("callbacks_connected")
                + v("abandoned")
                + v("callbacks_accepted")
                + v("waiting_at_end"),
            "replication {r}"
        );
        assert_eq!(
            v("callbacks_requested"),
            12.0,
            "every request comes due within the day"
        );
        pending_total += v("callbacks_pending_at_end");
    }
    assert!(
        pending_total > 0.0,
        "the 2-minute drain limit leaves retries pending"
    );

    // The trace: exactly one terminal status for each callback that ended, none for those pending.
    let events = csv_rows(&run.path("out/events.csv"));
    let mut terminal: HashMap<(String, String), usize> = HashMap::new();
    let mut traced = HashSet::new();
    // A callback's status rows (its other rows are the seed-003 events it shares with calls).
    for e in events.iter().filter(|e| !e["callback_status"].is_empty()) {
        assert_eq!(e["call_type"], "CALLBACK");
        let key = (e["replication"].clone(), e["id"].clone());
        traced.insert(key.clone());
        if ["PROCESSED_BY_AGT", "ENDTIME_EXPIRED", "FINAL", "NOT_QUEUED"]
            .contains(&e["callback_status"].as_str())
        {
            *terminal.entry(key).or_default() += 1;
        }
    }
    assert!(terminal.values().all(|&n| n == 1), "a callback ended twice");
    let calls = csv_rows(&run.path("out/calls.csv"));
    let callbacks: Vec<_> = calls
        .iter()
        .filter(|r| r["outcome"] == "callback")
        .collect();
    let ended = callbacks
        .iter()
        .filter(|r| {
            ["PROCESSED_BY_AGT", "ENDTIME_EXPIRED", "FINAL"]
                .contains(&r["callback_status"].as_str())
        })
        .count();
    assert_eq!(
        ended,
        terminal.len(),
        "calls.csv and events.csv agree on how many ended"
    );
    assert_eq!(
        callbacks.len(),
        traced.len(),
        "every callback has a trace and a row"
    );
    let total = |m: &str| col(m).iter().sum::<f64>();
    assert_eq!(
        callbacks.len() as f64,
        total("callbacks_accepted") + total("callbacks_requested")
    );
    for r in &callbacks {
        let connected = r["callback_status"] == "PROCESSED_BY_AGT";
        assert_eq!(connected, r["call_result"] == "OK", "{r:?}");
        assert_eq!(connected, !r["agent_group"].is_empty(), "{r:?}");
        assert!(r["attempts"].parse::<u32>().unwrap() <= 3);
        assert!(r["end_time"] > r["start_time"]);
    }
}

/// A requests file of `n` callbacks to `queue` from 08:00 on, one a minute.
fn requests(n: usize, expiry: &str) -> String {
    (0..n)
        .map(|i| {
            let (h, m) = (8 + i / 60, i % 60);
            // Alternate the two time formats the source allows.
            let available = if i % 2 == 0 {
                format!("Mon, 30 Mar 2026 {h:02}:{m:02}:00 GMT")
            } else {
                format!("2026-03-30T{h:02}:{m:02}:00Z")
            };
            format!(
                r#"{{"CustomerName": "c{i}", "CustomerNumber": "+1555{i:04}", "DestinationNumber": "+1555{i:04}", "CallbackSubroutine": "q", "OtherCallbackProperties": {{"ClientAvailableFrom": "{available}", "CallbackTimeExpiryDuration": "{expiry}", "RequestTimeExpirationDuration": "30"}}}}"#
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Plenty of agents and ports: each attempt connects with probability p, independently.
fn attempts_scenario(results: &str) -> String {
    format!(
        r#"callback_requests = "requests.jsonl"

[simulation]
name = "attempts"
start = "2026-03-30T08:00:00Z"
duration = "8h"
interval = "1h"
replications = 40
seed = 99

[[queue]]
name = "q"
arrivals = {{ per_hour = 0 }}
handle = {{ dist = "exponential", mean = "3m" }}

[queue.callback]
call_delay = "5s"
ring_timeout = "30s"
results = {results}
retry_after = "30m"
max_attempts = 3

[[agent_group]]
name = "a"
queues = ["q"]
staffing = {{ count = 300 }}
"#
    )
}

fn share(run: &crate::harness::Run, metric: &str, of: &[&str]) -> crate::harness::Est {
    // Per-replication shares, so that the CI is over replications.
    let reps = run.replications();
    let col = |m: &str| reps[&("all".to_string(), m.to_string())].clone();
    let total: Vec<f64> = (0..col(metric).len())
        .map(|r| of.iter().map(|m| col(m)[r]).sum())
        .collect();
    let shares: Vec<f64> = col(metric).iter().zip(&total).map(|(x, t)| x / t).collect();
    let (mean, se) = mean_and_se(&shares);
    let t = ccsim::stats::t_quantile_975(shares.len() - 1);
    crate::harness::Est {
        mean,
        lo: mean - t * se,
        hi: mean + t * se,
        n: shares.len(),
    }
}

/// With a long window: connected = 1 − (1−p)^k and mean attempts = (1 − (1−p)^k) / p.
#[test]
fn connected_share_and_attempts_follow_the_geometric_law() {
    let (p, k) = (0.6_f64, 3);
    let run = Ccsim::new()
        .file(
            "s.toml",
            &attempts_scenario("{ OK = 0.6, NO_ANSWER = 0.4 }"),
        )
        .file("requests.jsonl", &requests(300, "10:00:00"))
        .args(["run", "s.toml", "--out", "out"])
        .run()
        .success();
    let ended = [
        "callbacks_connected",
        "callbacks_expired",
        "callbacks_failed",
    ];
    let connected = 1.0 - (1.0 - p).powi(k);
    share(&run, "callbacks_connected", &ended).assert_near(connected, K, "connected share");
    share(&run, "callbacks_failed", &ended).assert_near(1.0 - connected, K, "attempts used up");
    run.summary()
        .get("all", "callback_attempts")
        .assert_near(connected / p, K, "mean attempts");
    assert_eq!(run.summary().get("all", "callbacks_expired").mean, 0.0);
}

/// Each ended callback's (status, result, attempts) from `calls.csv`.
fn endings(run: &crate::harness::Run) -> Vec<(String, String, u32)> {
    csv_rows(&run.path("out/calls.csv"))
        .iter()
        .filter(|r| !r["callback_status"].is_empty())
        .map(|r| {
            (
                r["callback_status"].clone(),
                r["call_result"].clone(),
                r["attempts"].parse().unwrap(),
            )
        })
        .collect()
}

/// A final result (SIT_VACANT: the number does not exist) ends the callback at once, on the
/// attempt that got it: it is never dialed again, so no vacant number answers on a later
/// try. Half the dials are vacant: half the callbacks connect, every one after one attempt.
#[test]
fn a_final_result_ends_the_callback_at_once() {
    let run = Ccsim::new()
        .file(
            "s.toml",
            &attempts_scenario("{ OK = 0.5, SIT_VACANT = 0.5 }"),
        )
        .file("requests.jsonl", &requests(300, "10:00:00"))
        .args(["run", "s.toml", "--out", "out", "--calls"])
        .run()
        .success();
    let ends = endings(&run);
    assert_eq!(ends.len(), 40 * 300);
    for (status, result, attempts) in &ends {
        assert_eq!(*attempts, 1, "{status} {result}");
        match status.as_str() {
            "PROCESSED_BY_AGT" => assert_eq!(result, "OK"),
            "FINAL" => assert_eq!(result, "SIT_VACANT"),
            other => panic!("unexpected status {other}"),
        }
    }
    let ended = [
        "callbacks_connected",
        "callbacks_expired",
        "callbacks_failed",
    ];
    share(&run, "callbacks_connected", &ended).assert_near(0.5, K, "connected share");
}

/// Codes of an answered call that was then moved (TRANSFERRED) connect as OK does: with
/// p = 0.5 and 3 attempts, 1 − (1−p)³ connect; BUSY is retried.
#[test]
fn answered_codes_connect_and_busy_is_retried() {
    let run = Ccsim::new()
        .file(
            "s.toml",
            &attempts_scenario("{ TRANSFERRED = 0.5, BUSY = 0.5 }"),
        )
        .file("requests.jsonl", &requests(300, "10:00:00"))
        .args(["run", "s.toml", "--out", "out", "--calls"])
        .run()
        .success();
    let ended = [
        "callbacks_connected",
        "callbacks_expired",
        "callbacks_failed",
    ];
    share(&run, "callbacks_connected", &ended).assert_near(0.875, K, "connected share");
    let ends = endings(&run);
    assert!(
        ends.iter()
            .any(|(s, r, a)| s == "PROCESSED_BY_AGT" && r == "TRANSFERRED" && *a > 1)
    );
    assert!(
        ends.iter()
            .all(|(s, r, a)| s != "FINAL" || (r == "BUSY" && *a == 3))
    );
}

/// `result_classes` overrides a default: BUSY as final ends every busy callback at once.
#[test]
fn result_classes_override_the_defaults() {
    let text = attempts_scenario("{ OK = 0.5, BUSY = 0.5 }").replace(
        "max_attempts = 3",
        "max_attempts = 3\nresult_classes = { BUSY = \"final\" }",
    );
    let run = Ccsim::new()
        .file("s.toml", &text)
        .file("requests.jsonl", &requests(60, "10:00:00"))
        .args([
            "run",
            "s.toml",
            "--out",
            "out",
            "--calls",
            "--replications",
            "5",
        ])
        .run()
        .success();
    let ends = endings(&run);
    assert!(ends.iter().any(|(s, _, _)| s == "FINAL"));
    assert!(
        ends.iter().all(|(_, _, a)| *a == 1),
        "no callback is retried"
    );
}

/// A scheduled request without `RequestTimeExpirationDuration` retries after its queue's
/// `retry_after` (7 minutes here), not a fixed 30.
#[test]
fn a_request_without_its_own_retry_interval_uses_the_queue_s() {
    let text = attempts_scenario("{ BUSY = 1.0 }")
        .replace("retry_after = \"30m\"", "retry_after = \"7m\"")
        .replace("max_attempts = 3", "max_attempts = 2");
    let request = requests(1, "10:00:00").replace(r#", "RequestTimeExpirationDuration": "30""#, "");
    assert!(!request.contains("RequestTimeExpirationDuration"));
    let run = Ccsim::new()
        .file("s.toml", &text)
        .file("requests.jsonl", &request)
        .args([
            "run",
            "s.toml",
            "--out",
            "out",
            "--trace",
            "--replications",
            "2",
        ])
        .run()
        .success();
    let rows = csv_rows(&run.path("out/events.csv"));
    let time = |status: &str, nth: usize| -> jiff::Timestamp {
        rows.iter()
            .filter(|r| r["replication"] == "0" && r["callback_status"] == status)
            .nth(nth)
            .unwrap_or_else(|| panic!("{status} #{nth} in {rows:?}"))["time"]
            .parse()
            .unwrap()
    };
    // The first attempt fails (TIMER #1, after the initial TIMER #0); QUEUED #1 is the retry.
    let wait = time("QUEUED", 1).duration_since(time("TIMER", 1));
    assert_eq!(wait, jiff::SignedDuration::from_mins(7), "{rows:?}");
}

/// Connected callbacks are contacts the queue handled: scheduled requests that reach an
/// agent are in its volumes (offered, answered) and its AHT, like the inbound calls they
/// show as in reporting; having waited on no line, their ASA is 0.
#[test]
fn connected_callbacks_are_in_the_queue_s_volumes_and_handle_time() {
    let run = Ccsim::new()
        .file("s.toml", &attempts_scenario("{ OK = 1.0 }"))
        .file("requests.jsonl", &requests(120, "10:00:00"))
        .args(["run", "s.toml", "--out", "out", "--replications", "4"])
        .run()
        .success();
    let reps = run.replications();
    let v = |scope: &str, m: &str| reps[&(scope.to_string(), m.to_string())].clone();
    for r in 0..4 {
        assert_eq!(v("all", "callbacks_connected")[r], 120.0);
        assert_eq!(v("all", "offered")[r], 120.0, "replication {r}");
        assert_eq!(v("all", "answered")[r], 120.0, "replication {r}");
        assert_eq!(v("all", "asa_s")[r], 0.0);
        // The queue's AHT is its agents' handle time: the group handles nothing else.
        assert!((v("all", "aht_s")[r] - v("group:a", "handle_time_s")[r]).abs() < 1e-6);
    }
    let rows = csv_rows(&run.path("out/intervals.csv"));
    let offered: f64 = rows
        .iter()
        .map(|r| r["offered"].parse::<f64>().unwrap())
        .sum();
    assert!(
        (offered - 120.0).abs() < 1e-6,
        "intervals add up: {offered}"
    );
}

/// A window with room for only j = 2 of the k = 3 attempts: connected = 1 − (1−p)^j, and
/// the rest expire (ENDTIME_EXPIRED) rather than fail.
#[test]
fn a_short_window_cuts_the_attempts() {
    let p = 0.6_f64;
    // Attempts at about 0:00:35 and 0:31:10 after due; the third would come after 45 minutes.
    let run = Ccsim::new()
        .file(
            "s.toml",
            &attempts_scenario("{ OK = 0.6, NO_ANSWER = 0.4 }"),
        )
        .file("requests.jsonl", &requests(300, "00:45:00"))
        .args(["run", "s.toml", "--out", "out"])
        .run()
        .success();
    let ended = [
        "callbacks_connected",
        "callbacks_expired",
        "callbacks_failed",
    ];
    share(&run, "callbacks_connected", &ended).assert_near(
        1.0 - (1.0 - p).powi(2),
        K,
        "connected share",
    );
    share(&run, "callbacks_expired", &ended).assert_near((1.0 - p).powi(2), K, "expired share");
    assert_eq!(run.summary().get("all", "callbacks_failed").mean, 0.0);
}

/// Every caller accepts after `a` seconds, the dial is instant and always answered, nobody
/// abandons: the queue is exactly Erlang C's. So the accepted share is P(W > a) = C·e^{−θa},
/// the mean callback wait is 1/θ = AHT/(n − A) (θ = nμ − λ), and busy ports drop by
/// λ·E[(W − a)⁺] = λ·C·e^{−θa}/θ, the port time callers no longer spend waiting.
#[test]
fn instant_callbacks_reproduce_erlang_c() {
    let agents: f64 = 12.0;
    let (lambda, mu, a): (f64, f64, f64) = (200.0 / 3600.0, 1.0 / 180.0, 20.0);
    let theta = agents * mu - lambda;
    let c = reference("erlang_c.csv", "agents")["12"]["p_wait"];
    let scenario = |callback: &str| {
        format!(
            r#"[simulation]
name = "c"
start = "2026-01-05T00:00:00Z"
duration = "12h"
interval = "1h"
replications = 100
seed = 1105
warmup = "2h"

[[port_pool]]
name = "media"
ports = 500

[[queue]]
name = "q"
port_pool = "media"
arrivals = {{ per_hour = 200 }}
handle = {{ dist = "exponential", mean = "180s" }}
{callback}

[[agent_group]]
name = "a"
queues = ["q"]
staffing = {{ count = 12 }}
"#
        )
    };
    let with = Ccsim::simulate(
        &scenario(
            r#"
[queue.callback]
offer_after = "20s"
accept = 1
call_delay = "0s"
answer_after = { dist = "constant", value = "0s" }
results = { OK = 1 }"#,
        ),
        &[],
    );
    let without = Ccsim::simulate(&scenario(""), &[]);
    let s = with.summary();
    share(&with, "callbacks_accepted", &["offered"]).assert_near(
        c * (-theta * a).exp(),
        K,
        "accepted share",
    );
    s.get("all", "callback_wait_s")
        .assert_near(1.0 / theta, K, "mean callback wait");
    s.get("all", "p_wait")
        .assert_near(c, K, "P(wait) is Erlang C's");
    assert_eq!(
        s.get("all", "callbacks_connected").mean,
        s.get("all", "callbacks_accepted").mean
    );

    // Ports: Little's law holds with callbacks, and the drop is the waiting no longer done.
    let (rw, ro) = (with.replications(), without.replications());
    let col = |reps: &HashMap<(String, String), Vec<f64>>, m: &str| {
        reps[&("pool:media".to_string(), m.to_string())].clone()
    };
    let window = 10.0 * 3600.0;
    let little: Vec<f64> = (0..100)
        .map(|r| {
            col(&rw, "ports_busy_mean")[r]
                - col(&rw, "seizures")[r] / window * col(&rw, "port_hold_s")[r]
        })
        .collect();
    let (m, se) = mean_and_se(&little);
    assert!(
        m.abs() <= K * se,
        "Little's law on ports with callbacks: {m} (SE {se})"
    );
    let drop: Vec<f64> = (0..100)
        .map(|r| col(&ro, "ports_busy_mean")[r] - col(&rw, "ports_busy_mean")[r])
        .collect();
    let (m, se) = mean_and_se(&drop);
    let exact = lambda * c * (-theta * a).exp() / theta;
    assert!(
        (m - exact).abs() <= K * se,
        "busy ports drop by {m} (SE {se}), exactly {exact}"
    );
}

fn refusal_scenario(delay: &str) -> String {
    format!(
        "{}\n[queue.callback]\noffer_after = \"30s\"\naccept = 0.5\ncall_delay = \"{delay}\"\nexpires_after = \"20m\"\n",
        with_replications(&default_scenario(), 3)
    )
}

/// CallDelaySec 60 s warns and puts agents in the refused state; 59 s does neither.
#[test]
fn call_delay_of_60s_warns_and_refuses_but_59s_does_not() {
    let sixty = Ccsim::simulate(&refusal_scenario("60s"), &[]);
    assert!(
        sixty.stderr.contains("warning")
            && sixty.stderr.contains("call_delay")
            && sixty.stderr.contains("refused"),
        "{}",
        sixty.stderr
    );
    let line = refusal_scenario("60s")
        .lines()
        .position(|l| l.starts_with("call_delay"))
        .unwrap()
        + 1;
    assert!(
        sixty.stderr.contains(&format!("scenario.toml:{line}")),
        "{}",
        sixty.stderr
    );
    let s = sixty.summary();
    assert!(s.get("group:tier1", "agent_minutes_refused").mean > 0.0);
    assert_eq!(
        s.get("all", "callbacks_connected").mean,
        0.0,
        "refused callbacks never connect"
    );
    assert!(s.get("all", "callbacks_expired").mean > 0.0);

    let fifty_nine = Ccsim::simulate(&refusal_scenario("59s"), &[]);
    assert!(
        !fifty_nine.stderr.contains("warning"),
        "{}",
        fifty_nine.stderr
    );
    let s = fifty_nine.summary();
    assert_eq!(s.get("group:tier1", "agent_minutes_refused").mean, 0.0);
    assert!(s.get("all", "callbacks_connected").mean > 0.0);
    assert!(s.get("group:tier1", "agent_minutes_reserved").mean > 0.0);

    let validate = Ccsim::new()
        .file("s.toml", &refusal_scenario("1m"))
        .args(["validate", "s.toml"])
        .run();
    assert_eq!(validate.code, 0);
    assert!(
        validate.stderr.contains("warning"),
        "validate warns too: {}",
        validate.stderr
    );
}

/// No scheduled request is dialed before its ClientAvailableFrom.
#[test]
fn scheduled_requests_wait_for_their_window() {
    let run = Ccsim::new()
        .file(
            "s.toml",
            &attempts_scenario("{ OK = 0.5, BUSY = 0.5 }")
                .replace("replications = 40", "replications = 3"),
        )
        .file("requests.jsonl", &requests(120, "01:00:00"))
        .args(["run", "s.toml", "--out", "out", "--calls", "--trace"])
        .run()
        .success();
    let calls = csv_rows(&run.path("out/calls.csv"));
    let due: HashMap<(String, String), String> = calls
        .iter()
        .map(|r| {
            (
                (r["replication"].clone(), r["id"].clone()),
                r["start_time"].clone(),
            )
        })
        .collect();
    assert!(calls.iter().all(|r| r["callback_type"] == "SCHEDULED"));
    let dials: Vec<_> = csv_rows(&run.path("out/events.csv"))
        .into_iter()
        .filter(|e| e["callback_status"] == "SUBMITTED_TO_AGT")
        .collect();
    assert!(dials.len() >= 360, "every request is dialed at least once");
    for d in &dials {
        let start = &due[&(d["replication"].clone(), d["id"].clone())];
        assert!(
            d["time"] >= *start,
            "dialed at {} before its window opened at {start}",
            d["time"]
        );
    }
}

/// Malformed request lines are errors naming the file, line and field.
#[test]
fn malformed_requests_are_clear_errors() {
    let good = requests(3, "01:00:00");
    let lines: Vec<&str> = good.lines().collect();
    for (bad, field, words) in [
        ("{\"CustomerNumber\": ", "", "EOF"),
        (
            r#"{"CustomerNumber": "1", "DestinationNumber": "1", "CallbackSubroutine": "q", "Colour": "red", "OtherCallbackProperties": {"ClientAvailableFrom": "2026-03-30T09:00:00Z"}}"#,
            "",
            "unknown field `Colour`",
        ),
        (
            r#"{"CustomerNumber": "1", "DestinationNumber": "1", "OtherCallbackProperties": {"ClientAvailableFrom": "2026-03-30T09:00:00Z"}}"#,
            "",
            "missing field `CallbackSubroutine`",
        ),
        (
            r#"{"CustomerNumber": "1", "DestinationNumber": "1", "CallbackSubroutine": "sales", "OtherCallbackProperties": {"ClientAvailableFrom": "2026-03-30T09:00:00Z"}}"#,
            "CallbackSubroutine",
            "no [[queue]] is named \"sales\"",
        ),
        (
            r#"{"CustomerNumber": "1", "DestinationNumber": "1", "CallbackSubroutine": "q", "MediaServer": "m9", "OtherCallbackProperties": {"ClientAvailableFrom": "2026-03-30T09:00:00Z"}}"#,
            "MediaServer",
            "no [[port_pool]]",
        ),
        (
            r#"{"CustomerNumber": "1", "DestinationNumber": "1", "CallbackSubroutine": "q", "OtherCallbackProperties": {"ClientAvailableFrom": "tomorrow"}}"#,
            "OtherCallbackProperties.ClientAvailableFrom",
            "RFC 2822",
        ),
        (
            r#"{"CustomerNumber": "1", "DestinationNumber": "1", "CallbackSubroutine": "q", "OtherCallbackProperties": {"ClientAvailableFrom": "2026-03-30T09:00:00Z", "CallbackTimeExpiryDuration": "90m"}}"#,
            "OtherCallbackProperties.CallbackTimeExpiryDuration",
            "HH:MM:SS",
        ),
        (
            r#"{"CustomerNumber": "1", "DestinationNumber": "1", "CallbackSubroutine": "q", "OtherCallbackProperties": {"ClientAvailableFrom": "2026-03-30T09:00:00Z", "RequestTimeExpirationDuration": "half an hour"}}"#,
            "OtherCallbackProperties.RequestTimeExpirationDuration",
            "minutes",
        ),
        (
            r#"{"CustomerNumber": "1", "DestinationNumber": "1", "CallbackSubroutine": "q", "OtherCallbackProperties": {"ClientAvailableFrom": "2026-03-31T09:00:00Z"}}"#,
            "OtherCallbackProperties.ClientAvailableFrom",
            "after the simulated period",
        ),
        (
            r#"{"CustomerNumber": "1", "DestinationNumber": "1", "CallbackSubroutine": "q", "OtherCallbackProperties": {"ClientAvailableFrom": "2026-03-30T09:00:00Z", "RequestTimeExpirationDuration": "307445734561826"}}"#,
            "OtherCallbackProperties.RequestTimeExpirationDuration",
            "minutes",
        ),
    ] {
        let file = format!("{}\n{}\n{bad}\n", lines[0], lines[1]);
        let run = Ccsim::new()
            .file("s.toml", &attempts_scenario("{ OK = 1 }"))
            .file("requests.jsonl", &file)
            .args(["validate", "s.toml"])
            .run();
        assert_eq!(run.code, 2, "{bad}: {}", run.stderr);
        assert!(
            run.stderr.contains("requests.jsonl:3"),
            "{bad}: expected line 3 in: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(field) && run.stderr.contains(words),
            "{bad}: expected {field:?} and {words:?} in: {}",
            run.stderr
        );
    }
}

/// Bad `[queue.callback]` values: exit 2 with the line and key.
#[test]
fn bad_callback_settings_are_errors() {
    let base = attempts_scenario("{ OK = 0.6, NO_ANSWER = 0.4 }");
    for (old, new, key, words) in [
        (
            "results = { OK = 0.6, NO_ANSWER = 0.4 }",
            "results = { OK = 0.6, NO_ANSWER = 0.3 }",
            "queue.q.callback.results",
            "add up to",
        ),
        (
            "results = { OK = 0.6, NO_ANSWER = 0.4 }",
            "results = { OK = 0.6, MAYBE = 0.4 }",
            "queue.q.callback.results.MAYBE",
            "unknown call_result",
        ),
        (
            "results = { OK = 0.6, NO_ANSWER = 0.4 }",
            "results = { OK = 0.6, DROPPED = 0.4 }",
            "queue.q.callback.results.DROPPED",
            "ccsim's own result",
        ),
        (
            "max_attempts = 3",
            "max_attempts = 3\nresult_classes = { BUSY = \"later\" }",
            "queue.q.callback.result_classes.BUSY",
            "allowed: connected, retry, final",
        ),
        (
            "max_attempts = 3",
            "max_attempts = 3\nmax_queued = 0",
            "queue.q.callback.max_queued",
            "at least 1",
        ),
        (
            "max_attempts = 3",
            "max_attempts = 3\nresult_classes = { BUZY = \"final\" }",
            "queue.q.callback.result_classes.BUZY",
            "unknown call_result",
        ),
        (
            "max_attempts = 3",
            "max_attempts = 3\nresult_classes = { NO_FREE_PORT_ERROR = \"connected\" }",
            "queue.q.callback.result_classes.NO_FREE_PORT_ERROR",
            "cannot connect",
        ),
        (
            "call_delay = \"5s\"",
            "call_delay = \"5s\"\naccept = 0.5",
            "queue.q.callback.accept",
            "applies only with",
        ),
        (
            "call_delay = \"5s\"",
            "call_delay = \"5s\"\noffer_after = \"30s\"",
            "queue.q.callback.accept",
            "missing",
        ),
        (
            "call_delay = \"5s\"",
            "call_delay = \"5s\"\noffer_after = \"30s\"\naccept = 1.5",
            "queue.q.callback.accept",
            "not a share",
        ),
        (
            "max_attempts = 3",
            "max_attempts = 0",
            "queue.q.callback.max_attempts",
            "from 1 to 100",
        ),
        (
            "retry_after = \"30m\"",
            "retry_after = \"30m\"\nretries = 2",
            "retries",
            "unknown field",
        ),
        (
            "call_delay = \"5s\"",
            "call_delay = \"60s\"\nrefused_for = \"0s\"",
            "queue.q.callback.refused_for",
            "more than 0s",
        ),
    ] {
        let text = base.replacen(old, new, 1);
        let line = text
            .lines()
            .position(|l| l.contains(new.lines().last().unwrap()))
            .unwrap()
            + 1;
        let run = Ccsim::new()
            .file("s.toml", &text)
            .file("requests.jsonl", &requests(2, "01:00:00"))
            .args(["validate", "s.toml"])
            .run();
        assert_eq!(run.code, 2, "{new}: {}", run.stderr);
        assert!(
            run.stderr.contains(key) && run.stderr.contains(words),
            "{new}: expected {key} and {words:?} in {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&format!("s.toml:{line}"))
                || key.ends_with("accept") && words == "missing",
            "{new}: line {line}: {}",
            run.stderr
        );
    }
    // A request to a queue with no callback section.
    let text = base
        .replace("[queue.callback]", "[queue.unused]")
        .replace("\ncall_delay", "\n#call_delay");
    let run = Ccsim::new()
        .file("s.toml", &text)
        .file("requests.jsonl", &requests(2, "01:00:00"))
        .args(["validate", "s.toml"])
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
}

/// Offered on entry when the estimated wait is over the threshold: with nobody staffed the
/// estimate is unbounded, so every caller is offered at once, and those who accept hang up
/// without waiting, releasing their port after the IVR.
#[test]
fn callbacks_are_offered_on_entry_when_the_estimated_wait_is_long() {
    let text = r#"
[simulation]
name = "entry"
start = "2026-01-05T08:00:00Z"
duration = "1h"
interval = "30m"
replications = 5
seed = 3

[[port_pool]]
name = "p"
ports = 100

[[queue]]
name = "q"
port_pool = "p"
arrivals = { per_interval = [30, 0] }
ivr = { dist = "constant", value = "10s" }
handle = { dist = "exponential", mean = "3m" }

[queue.callback]
offer_on_entry_over = "5m"
accept = 1
call_delay = "0s"
results = { OK = 1 }

[[agent_group]]
name = "a"
queues = ["q"]
staffing = { per_interval = [0, 5] }
"#;
    let run = Ccsim::simulate(text, &["--calls"]);
    let s = run.summary();
    assert_eq!(
        s.get("all", "callbacks_offered").mean,
        s.get("all", "offered").mean
    );
    assert_eq!(
        s.get("all", "callbacks_accepted").mean,
        s.get("all", "offered").mean
    );
    assert_eq!(
        s.get("all", "callbacks_connected").mean,
        s.get("all", "offered").mean,
        "returned when agents start"
    );
    assert_eq!(
        s.get("all", "p_wait").mean,
        0.0,
        "nobody waited on the line"
    );
    for r in csv_rows(&run.path("out/calls.csv")) {
        assert_eq!(r["wait_s"], "0.000", "{r:?}");
        assert!(r["callback_status"] == "PROCESSED_BY_AGT");
    }
    // Ports: the inbound part is the IVR only (10 s a caller).
    let inbound = s.get("pool:p", "port_minutes_inbound").mean;
    assert!(
        (inbound - s.get("all", "offered").mean * 10.0 / 60.0).abs() < 1e-3,
        "{inbound}"
    );
}

/// `counts_in_service_level` credits connected callbacks as answered within the threshold:
/// the service level rises by exactly connected / offered, replication by replication.
#[test]
fn connected_callbacks_count_in_service_level_only_when_asked() {
    let text = with_replications(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/callbacks.toml"
        ))
        .unwrap(),
        5,
    )
    .replace("callback_requests = \"callback_requests.jsonl\"", "");
    let never = Ccsim::simulate(&text, &[]).replications();
    let credited = Ccsim::simulate(
        &text.replace(
            "counts_in_service_level = false",
            "counts_in_service_level = true",
        ),
        &[],
    )
    .replications();
    let col = |r: &HashMap<(String, String), Vec<f64>>, m: &str| {
        r[&("all".to_string(), m.to_string())].clone()
    };
    for i in 0..5 {
        let rise = col(&credited, "service_level")[i] - col(&never, "service_level")[i];
        let expected = col(&never, "callbacks_connected")[i] / col(&never, "offered")[i];
        assert!(
            expected > 0.01 && (rise - expected).abs() < 2e-6,
            "replication {i}: rise {rise}, expected {expected}"
        );
    }
    // Under the `answered` definition a connected callback is an answered contact either
    // way: credit moves it from "not within" to "within", a rise of connected / answered.
    let answered = text.replace("definition = \"offered\"", "definition = \"answered\"");
    let never = Ccsim::simulate(&answered, &[]).replications();
    let credited = Ccsim::simulate(
        &answered.replace(
            "counts_in_service_level = false",
            "counts_in_service_level = true",
        ),
        &[],
    )
    .replications();
    for i in 0..5 {
        let rise = col(&credited, "service_level")[i] - col(&never, "service_level")[i];
        let connected = col(&never, "callbacks_connected")[i];
        let expected = connected / col(&never, "answered")[i];
        assert!(
            (rise - expected).abs() < 2e-6,
            "answered definition, replication {i}: rise {rise}, expected {expected}"
        );
    }
}

/// A run cut at the drain limit while calls and callbacks are still talking keeps its books.
#[test]
fn a_cut_with_calls_talking_keeps_the_books() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/callbacks.toml"
    ))
    .unwrap()
    .replace("drain_limit = \"2h\"", "drain_limit = \"1m\"")
    .replace("callback_requests = \"callback_requests.jsonl\"", "");
    let run = Ccsim::simulate(&with_replications(&text, 4), &["--calls"]);
    let s = run.summary();
    assert!(s.get("all", "talking_at_end").mean > 0.0);
    let reps = run.replications();
    let v = |m: &str, r: usize| reps[&("all".to_string(), m.to_string())][r];
    for r in 0..4 {
        // Connected callbacks are answered contacts (no scheduled requests here).
        assert_eq!(
            v("offered", r),
            v("answered", r) + v("abandoned", r) + v("callbacks_accepted", r)
                - v("callbacks_connected", r)
                + v("waiting_at_end", r)
        );
        assert_eq!(
            v("callbacks_accepted", r),
            v("callbacks_connected", r)
                + v("callbacks_expired", r)
                + v("callbacks_failed", r)
                + v("callbacks_pending_at_end", r)
        );
    }
}

/// A callback whose window closes during the call delay is not dialed: it expires.
#[test]
fn no_dial_after_the_window_closes() {
    let text = attempts_scenario("{ OK = 1 }")
        .replace("call_delay = \"5s\"", "call_delay = \"30s\"")
        .replace("replications = 40", "replications = 2");
    let request = r#"{"CustomerNumber": "1", "DestinationNumber": "1", "CallbackSubroutine": "q", "OtherCallbackProperties": {"ClientAvailableFrom": "2026-03-30T08:10:00Z", "CallbackTimeExpiryDuration": "00:00:10"}}"#;
    let run = Ccsim::new()
        .file("s.toml", &text)
        .file("requests.jsonl", request)
        .args(["run", "s.toml", "--out", "out", "--calls", "--trace"])
        .run()
        .success();
    let events = csv_rows(&run.path("out/events.csv"));
    assert!(
        events
            .iter()
            .all(|e| e["callback_status"] != "SUBMITTED_TO_AGT"),
        "dialed after its window"
    );
    let calls = csv_rows(&run.path("out/calls.csv"));
    assert!(
        !calls.is_empty()
            && calls
                .iter()
                .all(|r| r["callback_status"] == "ENDTIME_EXPIRED" && r["attempts"] == "0"),
        "{calls:?}"
    );
}

/// Refusals with many agents run in constant stack: every idle agent refuses in turn.
#[test]
fn refusals_by_many_agents_do_not_exhaust_the_stack() {
    let text = attempts_scenario("{ OK = 1 }")
        .replace(
            "call_delay = \"5s\"",
            "call_delay = \"60s\"\nexpires_after = \"1m\"",
        )
        .replace("count = 300", "count = 50000")
        .replace("replications = 40", "replications = 1");
    let request = r#"{"CustomerNumber": "1", "DestinationNumber": "1", "CallbackSubroutine": "q", "OtherCallbackProperties": {"ClientAvailableFrom": "2026-03-30T08:10:00Z"}}"#;
    let run = Ccsim::new()
        .file("s.toml", &text)
        .file("requests.jsonl", request)
        .args(["run", "s.toml", "--out", "out"])
        .run()
        .success();
    let s = run.summary();
    assert_eq!(s.get("all", "callbacks_expired").mean, 1.0);
    // Every agent refused it once, for a minute.
    assert!(
        (s.get("group:a", "agent_minutes_refused").mean - 50_000.0).abs() < 1.0,
        "{}",
        s.get("group:a", "agent_minutes_refused").mean
    );
}

/// The callbacks of one replication's trace that hold a place in the queue, replayed event by
/// event; calls `check(event, queued_before)` on each event.
fn replay_queued(
    events: &[HashMap<String, String>],
    mut check: impl FnMut(&HashMap<String, String>, usize, bool),
) {
    let mut queued: HashMap<String, HashSet<String>> = HashMap::new();
    let mut seen_queued: HashSet<(String, String)> = HashSet::new();
    for e in events {
        let q = queued.entry(e["replication"].clone()).or_default();
        let key = (e["replication"].clone(), e["id"].clone());
        let first = e["callback_status"] == "QUEUED" && seen_queued.insert(key);
        check(e, q.len(), first);
        if e["callback_status"] == "QUEUED" {
            q.insert(e["id"].clone());
        } else {
            q.remove(&e["id"]);
        }
    }
}

/// With `max_queued`, a new request is queued only while fewer callbacks wait in the queue,
/// and one that comes due when as many wait is NOT_QUEUED: it ends there, unattempted, and
/// the books still balance.
#[test]
fn a_queue_full_of_callbacks_queues_no_new_request() {
    let scenario = attempts_scenario("{ OK = 0.5, BUSY = 0.5 }")
        .replace("replications = 40", "replications = 4")
        .replace("max_attempts = 3", "max_attempts = 3\nmax_queued = 5")
        .replace("count = 300", "count = 1");
    let run = Ccsim::new()
        .file("s.toml", &scenario)
        .file("requests.jsonl", &requests(120, "01:00:00"))
        .args(["run", "s.toml", "--out", "out", "--calls", "--trace"])
        .run()
        .success();
    let events = csv_rows(&run.path("out/events.csv"));
    let (mut not_queued, mut first_queued, mut over_by_retry) = (0, 0, 0);
    replay_queued(&events, |e, before, first| {
        match e["callback_status"].as_str() {
            "NOT_QUEUED" => {
                not_queued += 1;
                assert!(before >= 5, "not queued with {before} waiting: {e:?}");
            }
            "QUEUED" if first => {
                first_queued += 1;
                assert!(
                    before < 5,
                    "a new request queued with {before} waiting: {e:?}"
                );
            }
            // A retry takes back its place whatever the count: it was queued once.
            "QUEUED" => over_by_retry += usize::from(before >= 5),
            _ => {}
        }
    });
    assert!(
        not_queued > 0 && first_queued > 0,
        "{not_queued} {first_queued}"
    );
    assert!(over_by_retry > 0, "retries are not turned away");
    let calls = csv_rows(&run.path("out/calls.csv"));
    let rows: Vec<_> = calls
        .iter()
        .filter(|r| r["callback_status"] == "NOT_QUEUED")
        .collect();
    assert_eq!(rows.len(), not_queued);
    for r in &rows {
        assert_eq!(r["attempts"], "0", "{r:?}");
        assert!(
            r["agent_group"].is_empty() && r["call_result"].is_empty(),
            "{r:?}"
        );
    }
    let reps = run.replications();
    let col = |m: &str| reps[&("all".to_string(), m.to_string())].clone();
    assert_eq!(
        col("callbacks_not_queued").iter().sum::<f64>(),
        not_queued as f64
    );
    for r in 0..4 {
        let v = |m: &str| col(m)[r];
        assert_eq!(v("callbacks_requested"), 120.0);
        assert_eq!(
            v("callbacks_requested"),
            v("callbacks_connected")
                + v("callbacks_expired")
                + v("callbacks_failed")
                + v("callbacks_not_queued")
                + v("callbacks_pending_at_end"),
            "replication {r}"
        );
    }
}

/// Offers are withheld while the queue holds `max_queued` callbacks: no caller accepts one
/// then, and the withheld offers are counted.
#[test]
fn a_queue_full_of_callbacks_offers_none() {
    let text = format!(
        "{}\n[queue.callback]\noffer_after = \"30s\"\naccept = 0.6\nmax_queued = 3\n",
        with_replications(&default_scenario(), 4)
    );
    let run = Ccsim::new()
        .file("s.toml", &text)
        .args(["run", "s.toml", "--out", "out", "--trace"])
        .run()
        .success();
    let mut accepted = 0;
    replay_queued(
        &csv_rows(&run.path("out/events.csv")),
        |e, before, first| {
            if first {
                accepted += 1;
                assert!(before < 3, "accepted with {before} callbacks queued: {e:?}");
            }
        },
    );
    let summary = run.summary();
    assert_eq!(
        summary.get("all", "callbacks_accepted").mean * 4.0,
        accepted as f64
    );
    assert!(summary.get("all", "callback_offers_withheld").mean > 0.0);
    assert!(
        run.stdout.contains("Callback offers withheld"),
        "{}",
        run.stdout
    );
}

/// A limit that is never reached changes nothing: the reports are byte-identical.
#[test]
fn an_unreached_max_queued_changes_nothing() {
    let base = format!(
        "{}\n[queue.callback]\noffer_after = \"30s\"\naccept = 0.4\n",
        with_replications(&default_scenario(), 4)
    );
    let limited = base.replace("accept = 0.4", "accept = 0.4\nmax_queued = 100000");
    let a = Ccsim::simulate(&base, &["--calls", "--trace"]);
    let b = Ccsim::simulate(&limited, &["--calls", "--trace"]);
    for f in [
        "summary.csv",
        "intervals.csv",
        "replications.csv",
        "calls.csv",
        "events.csv",
    ] {
        assert_eq!(
            a.read(&format!("out/{f}")),
            b.read(&format!("out/{f}")),
            "{f}"
        );
    }
}

/// A callback offer that rings past `rona_timeout` is cancelled for that agent
/// (DISTRIBUTED, then CANCELED_BY_AGT) and queued again at once; the calls' RONA counts
/// and the trace agree.
#[test]
fn a_callback_offer_rung_out_is_canceled_by_the_agent_and_queued_again() {
    let scenario = attempts_scenario("{ OK = 0.8, BUSY = 0.2 }")
        .replace("replications = 40", "replications = 3")
        .replace(
            "staffing = { count = 300 }",
            "staffing = { count = 3 }\nanswer_after = { dist = \"uniform\", min = \"0s\", max = \"30s\" }\nrona_timeout = \"15s\"",
        );
    let run = Ccsim::new()
        .file("s.toml", &scenario)
        .file("requests.jsonl", &requests(100, "02:00:00"))
        .args(["run", "s.toml", "--out", "out", "--calls", "--trace"])
        .run()
        .success();
    let events = csv_rows(&run.path("out/events.csv"));
    let mut by_id: HashMap<(String, String), Vec<&HashMap<String, String>>> = HashMap::new();
    for e in events.iter().filter(|e| e["call_type"] == "CALLBACK") {
        by_id
            .entry((e["replication"].clone(), e["id"].clone()))
            .or_default()
            .push(e);
    }
    let mut canceled = HashMap::<(String, String), u32>::new();
    for (key, trail) in &by_id {
        for (i, e) in trail.iter().enumerate() {
            if e["callback_status"] == "CANCELED_BY_AGT" {
                *canceled.entry(key.clone()).or_default() += 1;
                // The offer, the status it gave, and the ring running out (seed 003's RONA).
                assert_eq!(trail[i - 3]["event"], "eAgentOfferContact", "{key:?}");
                assert_eq!(trail[i - 2]["callback_status"], "DISTRIBUTED", "{key:?}");
                assert_eq!(trail[i - 1]["event"], "RONA", "{key:?}");
                assert_eq!(trail[i - 1]["agent"], trail[i - 3]["agent"], "{key:?}");
                assert_eq!(trail[i + 1]["callback_status"], "QUEUED", "{key:?}");
                assert_eq!(trail[i + 1]["time"], e["time"], "{key:?}");
                assert!(!e["agent_group"].is_empty());
            }
        }
    }
    assert!(canceled.len() > 10, "offers rang out: {}", canceled.len());
    for r in csv_rows(&run.path("out/calls.csv")) {
        let key = (r["replication"].clone(), r["id"].clone());
        assert_eq!(
            r["ronas"].parse::<u32>().unwrap(),
            canceled.get(&key).copied().unwrap_or(0),
            "{key:?}"
        );
    }
}
