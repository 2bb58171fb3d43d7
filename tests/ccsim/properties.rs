//! A property test: scenarios generated with extreme but allowed values validate, run one
//! replication without panicking, in bounded time, and keep their books (every contact
//! offered is answered, abandoned, still waiting, or a callback; every callback ends once
//! or is pending). The cases come from a fixed seed, so a failure reproduces.

use ccsim::experiment::{RunOptions, run};
use ccsim::scenario::Scenario;
use ccsim::stats::{Metric, Scope};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// A duration in seconds from 1 ms to about 28 h, log-uniform: the extremes are the point.
fn seconds() -> impl Strategy<Value = String> {
    (-3.0f64..5.0).prop_map(|e| format!("{:.3}s", 10f64.powf(e).max(0.001)))
}

fn distribution() -> impl Strategy<Value = String> {
    let cv = (-3.0f64..3.0).prop_map(|e| 10f64.powf(e));
    prop_oneof![
        seconds().prop_map(|v| format!("{{ dist = \"constant\", value = \"{v}\" }}")),
        seconds().prop_map(|m| format!("{{ dist = \"exponential\", mean = \"{m}\" }}")),
        (seconds(), seconds()).prop_map(|(a, b)| {
            let (a, b): (f64, f64) = (
                a[..a.len() - 1].parse().unwrap(),
                b[..b.len() - 1].parse().unwrap(),
            );
            format!(
                "{{ dist = \"uniform\", min = \"{:.3}s\", max = \"{:.3}s\" }}",
                a.min(b),
                a.max(b)
            )
        }),
        (seconds(), cv.clone())
            .prop_map(|(m, cv)| format!("{{ dist = \"lognormal\", mean = \"{m}\", cv = {cv:e} }}")),
        (seconds(), cv)
            .prop_map(|(m, cv)| format!("{{ dist = \"gamma\", mean = \"{m}\", cv = {cv:e} }}")),
        (seconds(), 1u32..200)
            .prop_map(|(m, k)| format!("{{ dist = \"erlang\", mean = \"{m}\", k = {k} }}")),
    ]
}

fn list(values: &[u32]) -> String {
    let v: Vec<String> = values.iter().map(u32::to_string).collect();
    format!("[{}]", v.join(", "))
}

/// A queue `q{i}` of `n` intervals with at most about 1 500 calls in all.
fn queue(i: usize, n: usize, pooled: bool) -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(0u32..=(1500 / n as u32), n),
        distribution(),
        proptest::option::of(distribution()),
        proptest::option::of(distribution()),
        proptest::option::of(distribution()),
        proptest::option::of((seconds(), 0.0f64..=1.0, proptest::option::of(1u32..5), 1u32..=5)),
        -5i32..5,
    )
        .prop_map(move |(arrivals, handle, patience, wrap_up, ivr, callback, priority)| {
            let mut q = format!(
                "[[queue]]\nname = \"q{i}\"\npriority = {priority}\narrivals = {{ per_interval = {} }}\nhandle = {handle}\n",
                list(&arrivals)
            );
            if pooled {
                q += "port_pool = \"ports\"\n";
            }
            for (key, d) in [("patience", patience), ("wrap_up", wrap_up), ("ivr", ivr)] {
                if let Some(d) = d {
                    q += &format!("{key} = {d}\n");
                }
            }
            if let Some((after, accept, max_queued, attempts)) = callback {
                q += &format!(
                    "[queue.callback]\noffer_after = \"{after}\"\naccept = {accept}\nmax_attempts = {attempts}\nretry_after = \"1m\"\nexpires_after = \"20m\"\n"
                );
                if let Some(m) = max_queued {
                    q += &format!("max_queued = {m}\n");
                }
            }
            q
        })
}

fn scenario() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("1s"), Just("30s"), Just("15m"), Just("1h")],
        1usize..=12,
        1usize..=2,
        proptest::option::of(1u32..30),
        prop_oneof![Just("1m"), Just("30m"), Just("4h")],
        any::<u64>(),
    )
        .prop_flat_map(|(interval, n, queues, ports, drain, seed)| {
            let qs: Vec<_> = (0..queues).map(|i| queue(i, n, ports.is_some()).boxed()).collect();
            (
                Just((interval, n, queues, ports, drain, seed)),
                qs,
                proptest::collection::vec(0u32..=20, n),
                proptest::option::of((distribution(), seconds())),
            )
        })
        .prop_map(|((interval, n, queues, ports, drain, seed), qs, agents, ringing)| {
            let duration = match interval {
                "1s" => format!("{n}s"),
                "30s" => format!("{}s", 30 * n),
                "15m" => format!("{}m", 15 * n),
                _ => format!("{n}h"),
            };
            let mut s = format!(
                "[simulation]\nname = \"p\"\nstart = \"2026-03-30T08:00:00Z\"\nduration = \"{duration}\"\ninterval = \"{interval}\"\nreplications = 1\nseed = {seed}\ndrain_limit = \"{drain}\"\n\n"
            );
            if let Some(p) = ports {
                s += &format!("[[port_pool]]\nname = \"ports\"\nports = {p}\n\n");
            }
            for q in qs {
                s += &q;
                s += "\n";
            }
            let served: Vec<String> = (0..queues).map(|i| format!("\"q{i}\"")).collect();
            s += &format!(
                "[[agent_group]]\nname = \"a\"\nqueues = [{}]\nstaffing = {{ per_interval = {} }}\n",
                served.join(", "),
                list(&agents)
            );
            if let Some((answer, rona)) = ringing {
                s += &format!("answer_after = {answer}\nrona_timeout = \"{rona}\"\n");
            }
            s
        })
}

/// One replication's value of `metric` over all queues (callback metrics are reported only
/// for scenarios with callbacks: 0 without).
fn value(results: &ccsim::experiment::RunResults, metric: Metric) -> f64 {
    results
        .catalog
        .iter()
        .position(|&(s, m)| s == Scope::All && m == metric)
        .map_or(0.0, |i| results.replications[0].metrics[i].num)
}

#[test]
fn generated_scenarios_validate_run_and_keep_their_books() {
    let config = Config {
        cases: 1000,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let scratch = tempfile::tempdir().unwrap();
    let mut runner = TestRunner::new_with_rng(config, rng);
    runner
        .run(&scenario(), |text| {
            let s = Scenario::from_text(std::path::Path::new("p.toml"), &text)
                .map_err(|e| TestCaseError::fail(format!("does not validate: {e}\n{text}")))?;
            let options = RunOptions {
                first_replication: 0,
                replications: 1,
                seed: s.seed,
                threads: 1,
                calls: false,
                trace: false,
                xlsx: false,
            };
            let started = std::time::Instant::now();
            let results = run(&s, &options, scratch.path(), &|| {})
                .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert!(
                started.elapsed().as_secs() < 30,
                "took {:?}\n{text}",
                started.elapsed()
            );
            let v = |m| value(&results, m);
            prop_assert_eq!(
                v(Metric::Offered),
                v(Metric::Answered)
                    + v(Metric::Abandoned)
                    + v(Metric::WaitingAtEnd)
                    + v(Metric::CallbacksAccepted)
                    - v(Metric::CallbacksConnected),
                "offered contacts are accounted for\n{}",
                text
            );
            if s.has_callbacks() {
                prop_assert_eq!(
                    v(Metric::CallbacksAccepted),
                    v(Metric::CallbacksConnected)
                        + v(Metric::CallbacksExpired)
                        + v(Metric::CallbacksFailed)
                        + v(Metric::CallbacksNotQueued)
                        + v(Metric::CallbacksPendingAtEnd),
                    "every callback ends once or is pending\n{}",
                    text
                );
            }
            for m in [Metric::ServiceLevel, Metric::AbandonRate, Metric::PWait] {
                let i = results
                    .catalog
                    .iter()
                    .position(|&(sc, x)| sc == Scope::All && x == m)
                    .unwrap();
                let r = results.replications[0].metrics[i];
                let share = r.num / r.den;
                prop_assert!(
                    r.den == 0.0 || (0.0..=1.0).contains(&share),
                    "{m:?} = {share}\n{text}"
                );
            }
            Ok(())
        })
        .unwrap();
}
