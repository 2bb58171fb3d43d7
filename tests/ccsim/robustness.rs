//! Runs that cannot hurt: what validates runs, outputs that cannot be written are errors,
//! inputs are bounded, and nothing is written outside the output folder.

use crate::harness::Ccsim;

const SMALL: &str = r#"[simulation]
name = "small"
start = "2026-03-30T08:00:00Z"
duration = "2h"
interval = "30m"
replications = 2
seed = 1

[[queue]]
name = "q"
arrivals = { per_hour = 60 }
handle = { dist = "exponential", mean = "4m" }
patience = { dist = "exponential", mean = "3m" }

[[agent_group]]
name = "a"
queues = ["q"]
staffing = { count = 5 }
"#;

/// Extreme values that validate also run, and write whole reports: huge and tiny cvs, a
/// start whose horizon ends just before the last time reports can write.
#[test]
fn extreme_but_valid_scenarios_run() {
    for (old, new) in [
        ("mean = \"4m\" }", "mean = \"4m\", cv = 1e100 }"),
        ("mean = \"4m\" }", "mean = \"4m\", cv = 1e-100 }"),
    ] {
        for dist in ["lognormal", "gamma"] {
            let text = SMALL.replace(old, new).replace(
                "dist = \"exponential\", mean = \"4m\"",
                &format!("dist = \"{dist}\", mean = \"4m\""),
            );
            Ccsim::simulate(&text, &["--calls"]);
        }
    }
    // 9999-12-30T22:00Z is jiff's last time; the run (2 h, and the default 4 h drain limit)
    // ends just before it.
    let late = SMALL.replace("2026-03-30T08:00:00Z", "9999-12-30T15:59:59Z");
    let run = Ccsim::simulate(&late, &["--calls"]);
    assert!(
        run.read("out/intervals.csv")
            .contains("9999-12-30T17:29:59Z")
    );
}

/// Standard output that cannot be written fails the command with exit 1, not a panic.
#[test]
fn unwritable_standard_output_is_an_error() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    for args in [
        vec!["run", "s.toml", "--out", "out"],
        vec!["validate", "s.toml"],
        vec![
            "erlang", "c", "--calls", "100", "--aht", "3m", "--agents", "6",
        ],
    ] {
        let run = Ccsim::new()
            .file("s.toml", SMALL)
            .args(&args)
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .run();
        let stderr = &run.stderr;
        assert_eq!(run.code, 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write to standard output"),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// Thread counts are bounded; devices, folders and oversized files are refused at once.
#[test]
fn resources_are_bounded() {
    let run = Ccsim::new()
        .file("s.toml", SMALL)
        .args(["run", "s.toml", "--threads", "100000"])
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--threads"), "{}", run.stderr);

    for path in ["/dev/zero", "."] {
        let run = Ccsim::new().args(["validate", path]).run();
        assert_eq!(run.code, 2, "{path}: {}", run.stderr);
        assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    }
    let empirical = SMALL.replace(
        "handle = { dist = \"exponential\", mean = \"4m\" }",
        "handle = { dist = \"empirical\", file = \"/dev/zero\" }",
    );
    let run = Ccsim::new()
        .file("s.toml", &empirical)
        .args(["validate", "s.toml"])
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("queue.q.handle.file") && run.stderr.contains("not a regular file"),
        "{}",
        run.stderr
    );

    // A scenario one byte over the limit (a comment) is refused before it is parsed.
    let limit = ccsim::scenario::input::MAX_SCENARIO_BYTES as usize;
    let big = format!("{SMALL}#{}\n", "x".repeat(limit - SMALL.len()));
    let run = Ccsim::new()
        .file("s.toml", &big)
        .args(["validate", "s.toml"])
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("more than the 16.0 MiB"),
        "{}",
        run.stderr
    );
}

/// A scenario without a name takes its file's stem, which must be a name: `...toml` would
/// otherwise write into `output/..`.
#[test]
fn a_file_stem_that_is_no_name_is_refused_and_nothing_is_written() {
    let unnamed = SMALL.replace("name = \"small\"\n", "");
    for file in ["...toml", "my day.toml", "-x.toml"] {
        let run = Ccsim::new()
            .file(file, &unnamed)
            .args(["run", &format!("./{file}")])
            .run();
        assert_eq!(run.code, 2, "{file}: {}", run.stderr);
        assert!(run.stderr.contains("simulation.name"), "{}", run.stderr);
        let written: Vec<_> = std::fs::read_dir(&run.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(written, vec![std::ffi::OsString::from(file)], "{file}");
    }
    let run = Ccsim::new()
        .file("day-1.toml", &unnamed)
        .args(["run", "day-1.toml"])
        .run()
        .success();
    assert!(run.path("output/day-1/summary.csv").exists());
}

/// Error messages quote at most a short, escaped excerpt of a file's line.
#[test]
fn errors_quote_only_an_escaped_excerpt_of_a_file() {
    let line = format!("\x1b[31m{}", "9".repeat(5000) + "x");
    let empirical = SMALL.replace(
        "handle = { dist = \"exponential\", mean = \"4m\" }",
        "handle = { dist = \"empirical\", file = \"d.csv\" }",
    );
    let run = Ccsim::new()
        .file("s.toml", &empirical)
        .file("d.csv", &format!("seconds\n10\n{line}\n"))
        .args(["validate", "s.toml"])
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("d.csv:3"), "{}", run.stderr);
    assert!(
        !run.stderr.contains('\x1b'),
        "raw control characters: {}",
        run.stderr
    );
    assert!(run.stderr.len() < 400, "{}", run.stderr);
}

/// The reports compared between sets (run.json also differs by wall time).
const SET: [&str; 5] = [
    "summary.csv",
    "intervals.csv",
    "agents.csv",
    "replications.csv",
    "report.html",
];

fn read_set(dir: &std::path::Path) -> Vec<String> {
    SET.iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}")))
        .collect()
}

/// Entries beside the output folder `out` in `parent` that a run made for it, but the lock.
fn leftovers(parent: &std::path::Path, out: &str) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{out}.ccsim-")) && !n.ends_with("-lock"))
        .collect()
}

/// Killed at any moment, a run leaves the output folder holding one whole set — the earlier
/// run's or its own — never a mix; the next run removes what the killed one left.
#[test]
fn a_killed_run_leaves_one_whole_set() {
    let long = SMALL
        .replace("replications = 2", "replications = 300")
        .replace("duration = \"2h\"", "duration = \"8h\"");
    let setup = Ccsim::new()
        .file("s.toml", &long)
        .args(["run", "s.toml", "--out", "a", "--threads", "1"])
        .run()
        .success();
    let dir = setup.dir.clone();
    let run = |args: &[&str]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ccsim"));
        command
            .args(args)
            .current_dir(&dir)
            .env("CI", "true")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        command
    };
    assert!(
        run(&[
            "run",
            "s.toml",
            "--out",
            "b",
            "--seed",
            "2",
            "--threads",
            "1"
        ])
        .status()
        .unwrap()
        .success()
    );
    let (a, b) = (read_set(&dir.join("a")), read_set(&dir.join("b")));
    assert_ne!(a, b);
    let mut old = 0;
    for delay_ms in [2, 10, 30, 60, 100, 150, 200, 300, 450, 700] {
        // `out` starts as the seed-1 set; a seed-2 run into it is killed after `delay_ms`.
        let _ = std::fs::remove_dir_all(dir.join("out"));
        assert!(
            run(&["run", "s.toml", "--out", "out", "--threads", "1"])
                .status()
                .unwrap()
                .success()
        );
        let mut child = run(&[
            "run",
            "s.toml",
            "--out",
            "out",
            "--seed",
            "2",
            "--threads",
            "1",
        ])
        .spawn()
        .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let got = read_set(&dir.join("out"));
        if got == a {
            old += 1;
        } else {
            assert!(got == b, "after {delay_ms} ms: a mixed or partial set");
        }
    }
    assert!(old > 0, "some kills came before the swap");
    // What the killed runs left beside the folder goes with the next run into it.
    assert!(
        run(&["run", "s.toml", "--out", "out", "--threads", "1"])
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(leftovers(&dir, "out"), Vec::<String>::new());
    assert_eq!(read_set(&dir.join("out")), a);
}

/// A second run into a folder that a run is writing fails at once, naming the reason, and
/// leaves the first to finish.
#[test]
fn a_second_run_into_the_same_folder_is_refused() {
    let long = SMALL.replace("replications = 2", "replications = 3000");
    let setup = Ccsim::new().file("s.toml", &long);
    let dir = setup.run_in();
    let mut first = std::process::Command::new(env!("CARGO_BIN_EXE_ccsim"))
        .args(["run", "s.toml", "--out", "out", "--threads", "1"])
        .current_dir(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the first run holds the folder (its staging folder exists).
    let started = std::time::Instant::now();
    while leftovers(&dir, "out").is_empty() {
        assert!(
            started.elapsed().as_secs() < 20,
            "the first run never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let second = std::process::Command::new(env!("CARGO_BIN_EXE_ccsim"))
        .args(["run", "s.toml", "--out", "out", "--seed", "2"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("another ccsim run is writing"), "{stderr}");
    assert!(first.wait().unwrap().success());
    assert!(dir.join("out/summary.csv").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Links planted where a run writes are never followed: their targets stay as they were.
#[cfg(unix)]
#[test]
fn planted_links_are_not_followed() {
    let run = Ccsim::new()
        .file("s.toml", SMALL)
        .file("precious.txt", "keep me")
        .args(["run", "s.toml", "--out", "out"])
        .run()
        .success();
    // Old-style temporary names inside the folder, and the names beside it.
    for link in ["out/intervals.csv.tmp", "out/summary.csv.tmp"] {
        std::os::unix::fs::symlink(run.path("precious.txt"), run.path(link)).unwrap();
    }
    let again = run.again(["run", "s.toml", "--out", "out", "--seed", "5"]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(run.read("precious.txt"), "keep me");
    // A link planted as the lock is refused, not followed.
    std::fs::remove_file(run.path(".out.ccsim-lock")).unwrap();
    std::os::unix::fs::symlink(run.path("precious.txt"), run.path(".out.ccsim-lock")).unwrap();
    let refused = run.again(["run", "s.toml", "--out", "out"]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(run.read("precious.txt"), "keep me");
    // A folder holding someone's own files is not replaced.
    std::fs::remove_file(run.path(".out.ccsim-lock")).unwrap();
    std::fs::write(run.path("out/notes.txt"), "mine").unwrap();
    let refused = run.again(["run", "s.toml", "--out", "out"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("notes.txt"));
    assert_eq!(run.read("out/notes.txt"), "mine");
}

/// Scratch folders of dead runs (killed: no other way out leaves them) are removed by the
/// next run that keeps scratch in the same place.
#[cfg(unix)]
#[test]
fn scratch_of_dead_runs_is_removed() {
    let setup = Ccsim::new().file("s.toml", SMALL);
    let dir = setup.run_in();
    let tmp = dir.join("tmp");
    // No process has a number this large (Linux's pid_max is at most 2²²).
    let dead = tmp.join(".ccsim-scratch-99999999-abcdef");
    std::fs::create_dir_all(&dead).unwrap();
    std::fs::write(dead.join("intervals-0.bin"), "x").unwrap();
    let alive = tmp.join(format!(".ccsim-scratch-{}-abcdef", std::process::id()));
    std::fs::create_dir_all(&alive).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ccsim"))
        .args(["compare", "s.toml", "s.toml"])
        .current_dir(&dir)
        .env("TMPDIR", &tmp)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dead.exists(), "a dead run's scratch stays");
    assert!(alive.exists(), "a live process's scratch was removed");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Many more replications than files a process may open: the interval rows are merged with a
/// few files open at a time, and they still add up to the run's totals.
#[cfg(unix)]
#[test]
fn replications_beyond_the_open_file_limit_merge() {
    let setup = Ccsim::new().file("s.toml", SMALL);
    let dir = setup.run_in();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -n 128 && exec '{}' run s.toml --replications 1019 --out out",
            env!("CARGO_BIN_EXE_ccsim")
        ))
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = crate::harness::csv_rows(&dir.join("out/intervals.csv"));
    let by_interval: f64 = rows
        .iter()
        .map(|r| r["offered"].parse::<f64>().unwrap())
        .sum();
    let summary = crate::harness::Summary::read(&dir.join("out/summary.csv"));
    let total = summary.get("all", "offered").mean;
    assert!(
        (by_interval - total).abs() < 1e-4 * total,
        "intervals add up to {by_interval}, the run to {total}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--calls` holds a bounded number of finished rows behind a contact still open: here one
/// caller holds the only port for an hour while 1 200 000 are blocked behind it; their rows
/// go through sorted runs on disk (more than are kept before they are merged into one) and
/// come out in order of arrival all the same.
#[test]
fn call_rows_behind_an_open_contact_stay_in_order() {
    let text = r#"[simulation]
name = "pile"
start = "2026-03-30T08:00:00Z"
duration = "2h"
interval = "1h"
replications = 1
seed = 3

[[port_pool]]
name = "one"
ports = 1

[[queue]]
name = "q"
port_pool = "one"
arrivals = { per_interval = [1200000, 0] }
handle = { dist = "constant", value = "1m" }

[[agent_group]]
name = "a"
queues = ["q"]
staffing = { per_interval = [0, 1] }
"#;
    let run = Ccsim::simulate(text, &["--calls"]);
    let summary = run.summary();
    let calls = summary.get("all", "offered").mean + summary.get("all", "blocked").mean;
    assert!(
        calls > 16.0 * ccsim::stats::MAX_HELD_ROWS as f64,
        "more runs than are kept apart"
    );
    // Ids in order, every contact once; the one holding the port first, answered.
    let mut reader = csv::Reader::from_path(run.path("out/calls.csv")).unwrap();
    let outcome = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "outcome")
        .unwrap();
    let (mut rows, mut blocked, mut last) = (0u64, 0u64, None::<u64>);
    for record in reader.records() {
        let record = record.unwrap();
        let id: u64 = record[1].parse().unwrap();
        assert!(last.is_none_or(|l| l < id), "{last:?} then {id}");
        if last.is_none() {
            assert_eq!(&record[outcome], "answered");
        }
        blocked += u64::from(&record[outcome] == "blocked");
        (rows, last) = (rows + 1, Some(id));
    }
    assert_eq!(rows as f64, calls);
    assert_eq!(blocked + 1, rows);
}

/// Ctrl-C (or SIGTERM) stops a run through its ordinary error path: exit 1, the earlier set
/// untouched, and no scratch or staging folder left behind.
#[cfg(unix)]
#[test]
fn an_interrupted_run_cleans_up_after_itself() {
    let long = SMALL.replace("replications = 2", "replications = 20000");
    // One long replication: the signal comes while the last replication is under way.
    let last = SMALL
        .replace("replications = 2", "replications = 1")
        .replace("duration = \"2h\"", "duration = \"60000h\"");
    let setup = Ccsim::new()
        .file("s.toml", &long)
        .file("last.toml", &last)
        .file("short.toml", SMALL);
    let dir = setup.run_in();
    let ccsim = |args: &[&str]| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_ccsim"));
        c.args(args).current_dir(&dir).env("CI", "true");
        c
    };
    assert!(
        ccsim(&["run", "short.toml", "--out", "out"])
            .output()
            .unwrap()
            .status
            .success()
    );
    let before = read_set(&dir.join("out"));
    for (signal, scenario) in [("INT", "s.toml"), ("TERM", "s.toml"), ("TERM", "last.toml")] {
        let child = ccsim(&["run", scenario, "--out", "out", "--threads", "1"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while leftovers(&dir, "out").is_empty() {
            assert!(started.elapsed().as_secs() < 20, "the run never started");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        let sent = std::process::Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "SIG{signal}: {stderr}");
        assert!(stderr.contains("interrupted"), "{stderr}");
        assert_eq!(leftovers(&dir, "out"), Vec::<String>::new(), "SIG{signal}");
        assert_eq!(read_set(&dir.join("out")), before);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Sums of durations never overflow: about 200 calls each talking 100 000 000 h (3.6·10¹⁷ ticks,
/// whose sum passes 2⁶⁴) still have exactly that AHT. (Found by the fuzzer.)
#[test]
fn sums_of_huge_durations_do_not_overflow() {
    let text = SMALL
        .replace(
            "handle = { dist = \"exponential\", mean = \"4m\" }",
            "handle = { dist = \"constant\", value = \"100000000h\" }",
        )
        .replace(
            "arrivals = { per_hour = 60 }",
            "arrivals = { per_interval = [200, 0, 0, 0] }",
        )
        .replace("patience = { dist = \"exponential\", mean = \"3m\" }\n", "")
        .replace("count = 5", "count = 300");
    let run = Ccsim::simulate(&text, &[]);
    let aht = run.summary().get("all", "aht_s");
    let answered = run.summary().get("all", "answered").mean;
    assert!(answered > 100.0, "{answered}: the sum passes 2⁶⁴");
    assert_eq!(answered, run.summary().get("all", "offered").mean);
    assert_eq!(aht.mean, 360_000_000_000.0, "{aht:?}");
}

/// Where folders cannot be exchanged atomically, a swap is two renames; a run killed between
/// them leaves the old set stepped aside, and the next run puts it back before anything is
/// removed — here it then refuses the folder, which holds a planner's notes.
#[test]
fn a_set_stepped_aside_by_a_killed_swap_is_put_back() {
    let run = Ccsim::new()
        .file("s.toml", SMALL)
        .args(["run", "s.toml", "--out", "out"])
        .run()
        .success();
    let summary = run.read("out/summary.csv");
    std::fs::write(run.path("out/notes.txt"), "mine").unwrap();
    std::fs::rename(run.path("out"), run.path(".out.ccsim-new-abc123-old")).unwrap();
    let again = run.again(["run", "s.toml", "--out", "out"]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(run.read("out/notes.txt"), "mine");
    assert_eq!(run.read("out/summary.csv"), summary);
}
