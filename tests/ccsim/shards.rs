//! Shards: a run split into shards and merged gives byte for byte the reports of the run on
//! one machine (run.json aside for wall time and threads); shards that do not belong together
//! are errors naming them.

use crate::harness::Ccsim;

fn callbacks_run() -> Ccsim {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/callbacks.toml"
    ))
    .unwrap();
    let requests = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/callback_requests.jsonl"
    ))
    .unwrap();
    Ccsim::new()
        .file(
            "s.toml",
            &text.replace("replications = 30", "replications = 13"),
        )
        .file("callback_requests.jsonl", &requests)
        .file(
            "other.toml",
            &text.replace("replications = 30", "replications = 12"),
        )
}

const CSVS: [&str; 8] = [
    "report.html",
    "report.xlsx",
    "summary.csv",
    "intervals.csv",
    "agents.csv",
    "replications.csv",
    "calls.csv",
    "events.csv",
];

/// run.json without what may differ between machines.
fn run_json(path: &std::path::Path) -> serde_json::Value {
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let o = doc.as_object_mut().unwrap();
    o.remove("wall_time_s");
    o.remove("threads");
    doc
}

#[test]
fn shards_merge_into_the_single_run_s_reports_byte_for_byte() {
    let run = callbacks_run()
        .args([
            "run", "s.toml", "--out", "single", "--calls", "--trace", "--xlsx",
        ])
        .run()
        .success();
    for n in [1, 2, 3, 7] {
        let mut shards = Vec::new();
        // Run them in reverse, with different thread counts: neither may matter.
        for k in (0..n).rev() {
            let dir = format!("shards-{n}/{k}");
            let threads = if k % 2 == 0 { "1" } else { "2" };
            let shard = format!("{k}/{n}");
            let out = run.again([
                "run",
                "s.toml",
                "--shard",
                &shard,
                "--out",
                &dir,
                "--calls",
                "--trace",
                "--threads",
                threads,
            ]);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            shards.push(dir);
        }
        let merged = format!("merged-{n}");
        let mut args = vec!["merge".to_string()];
        args.extend(shards);
        args.extend(["--out".to_string(), merged.clone(), "--xlsx".to_string()]);
        let out = run.again(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = |f: String| std::fs::read(run.path(&f)).unwrap();
        for f in CSVS {
            assert!(
                bytes(format!("single/{f}")) == bytes(format!("{merged}/{f}")),
                "{f} differs when merged from {n} shards"
            );
        }
        assert_eq!(
            run_json(&run.path("single/run.json")),
            run_json(&run.path(&format!("{merged}/run.json")))
        );
    }
    // A merged folder is a run's folder: compare takes it.
    let out = run.again(["compare", "single", "merged-3"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn shards_that_do_not_belong_together_are_errors_naming_them() {
    let run = callbacks_run().args(["validate", "s.toml"]).run().success();
    let shard = |scenario: &str, spec: &str, dir: &str, extra: &[&str]| {
        let mut args = vec!["run", scenario, "--shard", spec, "--out", dir];
        args.extend(extra);
        let out = run.again(args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    shard("s.toml", "0/3", "a0", &[]);
    shard("s.toml", "1/3", "a1", &[]);
    shard("s.toml", "2/3", "a2", &[]);
    shard("s.toml", "1/2", "b1", &[]);
    shard("s.toml", "2/3", "seed2", &["--seed", "2"]);
    shard("other.toml", "2/3", "other", &[]);
    shard("s.toml", "2/3", "calls", &["--calls"]);
    let merge = |shards: &[&str]| {
        let mut args = vec!["merge"];
        args.extend(shards);
        args.extend(["--out", "merged"]);
        let out = run.again(args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    for (shards, words) in [
        (vec!["a0", "a2"], "replications 4 to 7 are missing"),
        (vec!["a0", "a1"], "replications 8 to 12 are missing"),
        (vec!["a0", "a1", "a2", "b1"], "overlap"),
        (vec!["a0", "a1", "seed2"], "seeds"),
        (vec!["a0", "a1", "other"], "scenarios"),
        (vec!["a0", "a1", "calls"], "options"),
        (vec!["a0", "a1", "nowhere"], "nowhere"),
    ] {
        let (code, stderr) = merge(&shards);
        assert_eq!(code, Some(2), "{shards:?}: {stderr}");
        assert!(
            stderr.contains(words),
            "{shards:?}: expected {words:?} in {stderr}"
        );
        assert!(
            !run.path("merged").exists(),
            "{shards:?}: nothing is written"
        );
    }
    // A shard changed after it was written is named.
    let file = run.path("a1/replications/intervals-0.bin");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[20] ^= 1;
    std::fs::write(&file, bytes).unwrap();
    let (code, stderr) = merge(&["a0", "a1", "a2"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("a1") && stderr.contains("SHA-256"),
        "{stderr}"
    );
    // Re-running the failed shard alone repairs the set.
    shard("s.toml", "1/3", "a1", &[]);
    let (code, stderr) = merge(&["a0", "a1", "a2"]);
    assert_eq!(code, Some(0), "{stderr}");
}

/// The shard index can come from a job array's environment.
#[test]
fn the_shard_index_comes_from_the_job_array() {
    let run = callbacks_run().args(["validate", "s.toml"]).run().success();
    let shard_from = |spec: &str, env: &[(&str, &str)]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ccsim"))
            .args(["run", "s.toml", "--shard", spec])
            .current_dir(&run.dir)
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    shard_from(
        "env",
        &[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ],
    );
    assert!(
        run.path("output/callbacks-shard-2-of-4/shard.json")
            .exists()
    );
    shard_from("env/5", &[("JOB_COMPLETION_INDEX", "4")]);
    assert!(
        run.path("output/callbacks-shard-4-of-5/shard.json")
            .exists()
    );
}

/// A sweep's points split into shards merge into the very `sweep.csv`, `report.html` and
/// table of the whole sweep.
#[test]
fn sweep_shards_merge_into_the_single_sweep_byte_for_byte() {
    let run = callbacks_run().args(["validate", "s.toml"]).run().success();
    let sweep = |extra: &[&str]| {
        let mut args = vec![
            "sweep",
            "s.toml",
            "--set",
            "queue.support.patience.mean=60s,120s,180s",
            "--set",
            "queue.support.callback.accept=0.2,0.6",
            "--replications",
            "3",
        ];
        args.extend(extra);
        let out = run.again(args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    let single = sweep(&["--out", "single"]);
    for n in [1, 2, 3, 7] {
        let mut args = vec!["merge".to_string()];
        for k in 0..n {
            let dir = format!("sw-{n}/{k}");
            sweep(&["--shard", &format!("{k}/{n}"), "--out", &dir]);
            args.push(dir);
        }
        args.extend(["--out".to_string(), format!("merged-{n}")]);
        let out = run.again(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            run.read("single/sweep.csv") == run.read(&format!("merged-{n}/sweep.csv")),
            "{n} shards"
        );
        // Its page and table too (the page names the run's version, not the time).
        assert!(
            run.read("single/report.html") == run.read(&format!("merged-{n}/report.html")),
            "report.html from {n} shards"
        );
        let table = |stdout: &[u8]| {
            let text = String::from_utf8_lossy(stdout).to_string();
            text.lines()
                .take_while(|l| !l.is_empty())
                .map(String::from)
                .collect::<Vec<_>>()
        };
        assert_eq!(table(&out.stdout), table(&single.stdout), "{n} shards");
    }
    // Shards of different sweeps, or an incomplete set, are errors.
    sweep(&["--shard", "1/2", "--out", "other", "--seed", "4"]);
    for (shards, words) in [
        (vec!["sw-2/0", "other"], "not shards of one sweep"),
        (vec!["sw-3/0", "sw-3/2"], "points 2 to 3 are missing"),
        (vec!["sw-2/0", "s.toml"], "shard.json"),
    ] {
        let mut args = vec!["merge"];
        args.extend(&shards);
        args.extend(["--out", "bad"]);
        let out = run.again(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{shards:?}: {stderr}");
        assert!(stderr.contains(words), "{shards:?}: {stderr}");
    }
}

/// A run with a campaign merges from shards into the single run's reports too, its
/// `campaigns.csv` (a third table of interval rows) included.
#[test]
fn shards_of_a_blended_day_merge_into_the_single_run_s_reports() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/blended.toml"
    ))
    .unwrap()
    .replace("replications = 30", "replications = 7");
    let run = Ccsim::new()
        .file("s.toml", &text)
        .args(["run", "s.toml", "--out", "single", "--xlsx"])
        .run()
        .success();
    let shards: Vec<String> = (0..3).map(|k| format!("shards/{k}")).collect();
    for (k, dir) in shards.iter().enumerate() {
        let out = run.again(["run", "s.toml", "--shard", &format!("{k}/3"), "--out", dir]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut args = vec!["merge".to_string()];
    args.extend(shards);
    args.extend(["--out".into(), "merged".into(), "--xlsx".into()]);
    let out = run.again(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in [
        "campaigns.csv",
        "summary.csv",
        "intervals.csv",
        "agents.csv",
        "replications.csv",
        "report.html",
        "report.xlsx",
    ] {
        let bytes = |d: &str| std::fs::read(run.path(&format!("{d}/{f}"))).unwrap();
        assert!(
            bytes("single") == bytes("merged"),
            "{f} differs when merged"
        );
    }
}
