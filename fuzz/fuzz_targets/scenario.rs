//! Scenario text → validated scenario → one replication: whatever validates must run without
//! panicking and keep its books. Work is bounded so that the fuzzer explores inputs rather
//! than long runs: scenarios expecting many calls or intervals are only validated.

#![no_main]

use ccsim::experiment::{RunOptions, run};
use ccsim::scenario::Scenario;
use ccsim::stats::{Metric, Scope};
use libfuzzer_sys::fuzz_target;

const MAX_CALLS: f64 = 20_000.0;
const MAX_INTERVALS: usize = 2_000;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(s) = Scenario::from_text(std::path::Path::new("fuzz.toml"), text) else {
        return;
    };
    let n = s.intervals();
    let calls: f64 = s
        .queues
        .iter()
        .map(|q| (0..n).map(|k| q.arrivals.get(k)).sum::<f64>())
        .sum();
    if n > MAX_INTERVALS || calls > MAX_CALLS || !s.callback_requests.is_empty() {
        return;
    }
    let options = RunOptions {
        first_replication: 0,
        replications: 1,
        seed: s.seed,
        threads: 1,
        calls: false,
        trace: false,
    };
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let results = run(&s, &options, scratch.path(), &|| {}).expect("a run of a valid scenario");
    let v = |metric: Metric| {
        results
            .catalog
            .iter()
            .position(|&(sc, m)| sc == Scope::All && m == metric)
            .map_or(0.0, |i| results.replications[0].metrics[i].num)
    };
    assert_eq!(
        v(Metric::Offered),
        v(Metric::Answered) + v(Metric::Abandoned) + v(Metric::WaitingAtEnd)
            + v(Metric::CallbacksAccepted)
            - v(Metric::CallbacksConnected),
        "offered contacts are accounted for"
    );
});
