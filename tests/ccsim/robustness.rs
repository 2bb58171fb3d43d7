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
        run.stderr.contains("more than the 32.0 MiB"),
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
