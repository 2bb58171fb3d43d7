//! Bad scenarios: exit code 2, a message naming the file, line and key, and no reports.

use crate::harness::Ccsim;

const BASE: &str = r#"[simulation]
name = "bad"
start = "2026-03-30T08:00:00Z"
duration = "2h"
interval = "30m"
replications = 2
seed = 1

[service_level]
threshold = "20s"
definition = "offered"

[[port_pool]]
name = "media-1"
ports = 10

[[queue]]
name = "support"
port_pool = "media-1"
arrivals = { per_interval = [10, 20, 30, 40] }
handle = { dist = "lognormal", mean = "4m", cv = 0.7 }
patience = { dist = "exponential", mean = "3m" }

[[agent_group]]
name = "tier1"
queues = ["support"]
staffing = { per_interval = [3, 4, 5, 6] }
"#;

/// A broken variant of BASE: replace `old` by `new`; the error must be on the line that
/// contains `marker` (after the change) and name `key`; `words` must appear in the message.
struct Case {
    old: &'static str,
    new: &'static str,
    marker: &'static str,
    key: &'static str,
    words: &'static str,
}

const CASES: &[Case] = &[
    // Agents: skills, shifts, breaks, aux periods, RONA.
    Case {
        old: "staffing = { per_interval = [3, 4, 5, 6] }",
        new: "level = { support = 0 }\nstaffing = { count = 3 }",
        marker: "level =",
        key: "agent_group.tier1.level.support",
        words: "not a skill level",
    },
    Case {
        old: "staffing = { per_interval = [3, 4, 5, 6] }",
        new: "level = { sales = 2 }\nstaffing = { count = 3 }",
        marker: "level =",
        key: "agent_group.tier1.level.sales",
        words: "not among the group's `queues`",
    },
    Case {
        old: "staffing = { per_interval = [3, 4, 5, 6] }",
        new: "handle_factor = { support = -1.0 }\nstaffing = { count = 3 }",
        marker: "handle_factor",
        key: "agent_group.tier1.handle_factor.support",
        words: "more than 0",
    },
    Case {
        old: "staffing = { per_interval = [3, 4, 5, 6] }",
        new: "staffing = { count = 3 }\n[[agent_group.shift]]\nstart = \"08:00\"\nlength = \"2h\"\ncount = 3",
        marker: "staffing = { count",
        key: "agent_group.tier1.staffing",
        words: "not both",
    },
    Case {
        old: "staffing = { per_interval = [3, 4, 5, 6] }",
        new: "rona_timeout = \"18s\"",
        marker: "name = \"tier1\"",
        key: "agent_group.tier1",
        words: "has no staffing",
    },
    Case {
        old: "staffing = { per_interval = [3, 4, 5, 6] }",
        new: "[[agent_group.shift]]\nstart = \"8:00\"\nlength = \"2h\"\ncount = 3",
        marker: "start = \"8:00\"",
        key: "agent_group.tier1.shift[0].start",
        words: "not a time of day",
    },
    Case {
        old: "staffing = { per_interval = [3, 4, 5, 6] }",
        new: "[[agent_group.shift]]\nstart = \"08:00\"\nlength = \"25h\"\ncount = 3",
        marker: "length = \"25h\"",
        key: "agent_group.tier1.shift[0].length",
        words: "at most 24h",
    },
    Case {
        old: "staffing = { per_interval = [3, 4, 5, 6] }",
        new: "[[agent_group.shift]]\nstart = \"08:00\"\nlength = \"2h\"\ncount = 3\nbreaks = [{ after = \"1h50m\", length = \"15m\" }]",
        marker: "breaks =",
        key: "agent_group.tier1.shift[0].breaks[0].after",
        words: "does not fit in the shift",
    },
    Case {
        old: "staffing = { per_interval = [3, 4, 5, 6] }",
        new: "[[agent_group.shift]]\nstart = \"08:00\"\nlength = \"2h\"\ncount = 3\nbreaks = [{ after = \"1h\", length = \"15m\", kind = \"nap\" }]",
        marker: "breaks =",
        key: "agent_group.tier1.shift[0].breaks[0].kind",
        words: "allowed: break, lunch",
    },
    Case {
        old: "staffing = { per_interval = [3, 4, 5, 6] }",
        new: "[[agent_group.shift]]\nstart = \"08:00\"\nlength = \"2h\"\ncount = 3\nbreaks = [{ after = \"1h\", length = \"15m\" }, { after = \"1h10m\", length = \"5m\" }]",
        marker: "breaks =",
        key: "agent_group.tier1.shift[0].breaks[1].after",
        words: "without overlap",
    },
    Case {
        old: "staffing = { per_interval = [3, 4, 5, 6] }",
        new: "rona_timeout = \"0s\"\nstaffing = { count = 3 }",
        marker: "rona_timeout",
        key: "agent_group.tier1.rona_timeout",
        words: "more than 0s",
    },
    Case {
        old: "staffing = { per_interval = [3, 4, 5, 6] }",
        new: "not_ready = { every = { dist = \"constant\", value = \"0s\" }, length = { dist = \"constant\", value = \"5m\" } }\nstaffing = { count = 3 }",
        marker: "not_ready",
        key: "agent_group.tier1.not_ready.every",
        words: "never be ready",
    },
    Case {
        old: "patience = { dist = \"exponential\", mean = \"3m\" }",
        new: "patience = { dist = \"exponential\", mean = \"3m\" }\noverflow_after = [\"60s\", \"30s\"]",
        marker: "overflow_after",
        key: "queue.support.overflow_after",
        words: "less than the level before it",
    },
    // An unknown key, listing the allowed ones.
    Case {
        old: "seed = 1",
        new: "seed = 1\ncolour = \"blue\"",
        marker: "colour",
        key: "colour",
        words: "unknown field",
    },
    Case {
        old: "[[agent_group]]",
        new: "[[agents]]",
        marker: "[[agents]]",
        key: "agents",
        words: "unknown field",
    },
    Case {
        old: "name = \"tier1\"",
        new: "name = \"tier1\"\nskill = 3",
        marker: "skill",
        key: "skill",
        words: "unknown field",
    },
    // Durations.
    Case {
        old: "interval = \"30m\"",
        new: "interval = \"30 minutes please\"",
        marker: "interval =",
        key: "simulation.interval",
        words: "invalid duration",
    },
    Case {
        old: "threshold = \"20s\"",
        new: "threshold = \"-20s\"",
        marker: "threshold",
        key: "service_level.threshold",
        words: "negative",
    },
    Case {
        old: "threshold = \"20s\"",
        new: "threshold = 20",
        marker: "threshold",
        key: "service_level.threshold",
        words: "no unit",
    },
    Case {
        old: "duration = \"2h\"",
        new: "duration = \"2h10m\"",
        marker: "duration",
        key: "simulation.duration",
        words: "whole number of intervals",
    },
    Case {
        old: "seed = 1",
        new: "seed = 1\nwarmup = \"45m\"",
        marker: "warmup",
        key: "simulation.warmup",
        words: "whole number of intervals",
    },
    // Arrivals and staffing.
    Case {
        old: "[10, 20, 30, 40]",
        new: "[]",
        marker: "arrivals",
        key: "queue.support.arrivals.per_interval",
        words: "is empty",
    },
    Case {
        old: "[10, 20, 30, 40]",
        new: "[10, -20, 30, 40]",
        marker: "arrivals",
        key: "queue.support.arrivals.per_interval",
        words: "0 or more",
    },
    Case {
        old: "[3, 4, 5, 6]",
        new: "[3, 4, 5]",
        marker: "staffing",
        key: "agent_group.tier1.staffing.per_interval",
        words: "has 3 values",
    },
    Case {
        old: "arrivals = { per_interval = [10, 20, 30, 40] }",
        new: "arrivals = { per_interval = [10, 20, 30, 40], per_hour = 40 }",
        marker: "arrivals",
        key: "queue.support.arrivals",
        words: "exactly one of",
    },
    // References.
    Case {
        old: "queues = [\"support\"]",
        new: "queues = [\"sales\"]",
        marker: "queues =",
        key: "agent_group.tier1.queues",
        words: "no [[queue]] is named \"sales\"",
    },
    Case {
        old: "port_pool = \"media-1\"",
        new: "port_pool = \"media-9\"",
        marker: "port_pool =",
        key: "queue.support.port_pool",
        words: "no [[port_pool]]",
    },
    Case {
        old: "name = \"tier1\"",
        new: "name = \"media 1\"",
        marker: "media 1",
        key: "agent_group[0].name",
        words: "not a valid name",
    },
    // Distributions.
    Case {
        old: "cv = 0.7",
        new: "cv = 0",
        marker: "handle",
        key: "queue.support.handle.cv",
        words: "more than 0",
    },
    Case {
        old: "cv = 0.7",
        new: "cv = -0.5",
        marker: "handle",
        key: "queue.support.handle.cv",
        words: "more than 0",
    },
    Case {
        old: "dist = \"lognormal\"",
        new: "dist = \"weibull\"",
        marker: "handle",
        key: "queue.support.handle.dist",
        words: "allowed: constant",
    },
    Case {
        old: "mean = \"3m\" }",
        new: "mean = \"3m\", cv = 0.5 }",
        marker: "patience",
        key: "queue.support.patience.cv",
        words: "does not apply",
    },
    Case {
        old: "mean = \"3m\" }",
        new: "mean = \"0s\" }",
        marker: "patience",
        key: "queue.support.patience.mean",
        words: "more than 0s",
    },
    // Other values.
    Case {
        old: "definition = \"offered\"",
        new: "definition = \"fast\"",
        marker: "definition",
        key: "service_level.definition",
        words: "allowed: offered",
    },
    Case {
        old: "replications = 2",
        new: "replications = 0",
        marker: "replications",
        key: "simulation.replications",
        words: "1 or more",
    },
    Case {
        old: "start = \"2026-03-30T08:00:00Z\"",
        new: "start = \"30/03/2026 08:00\"",
        marker: "start",
        key: "simulation.start",
        words: "ISO 8601",
    },
    Case {
        old: "ports = 10",
        new: "ports = -3",
        marker: "ports",
        key: "ports",
        words: "-3 is not a whole number",
    },
    Case {
        old: "definition = \"offered\"",
        new: "definition = \"offered\"\ntarget = 80",
        marker: "target",
        key: "service_level.target",
        words: "80 is not a share: give a fraction from 0 to 1 (0.8) or a percentage from 0% to 100% (80%)",
    },
    // A value where a table belongs: the message shows the table it wants.
    Case {
        old: "handle = { dist = \"lognormal\", mean = \"4m\", cv = 0.7 }",
        new: "handle = \"4m\"",
        marker: "handle =",
        key: "queue.support.handle",
        words: "expected a distribution such as { dist = \"exponential\", mean = \"4m\" }",
    },
    Case {
        old: "staffing = { per_interval = [3, 4, 5, 6] }",
        new: "staffing = 5",
        marker: "staffing =",
        key: "agent_group.tier1.staffing",
        words: "expected a table such as { count = 14 }",
    },
    // Limits that keep a typo from exhausting memory or running forever.
    Case {
        old: "ports = 10",
        new: "ports = 20000000",
        marker: "ports",
        key: "port_pool.media-1.ports",
        words: "from 1 to",
    },
    Case {
        old: "[3, 4, 5, 6]",
        new: "[3, 4, 5000000, 6]",
        marker: "staffing",
        key: "agent_group.tier1.staffing.per_interval",
        words: "more than the",
    },
    // Parameters that look valid but give no law rand_distr can sample: what validates runs.
    Case {
        old: "cv = 0.7 }",
        new: "cv = 1e200 }",
        marker: "handle =",
        key: "queue.support.handle",
        words: "can be sampled",
    },
    Case {
        old: "handle = { dist = \"lognormal\", mean = \"4m\", cv = 0.7 }",
        new: "handle = { dist = \"gamma\", mean = \"4m\", cv = 1e-200 }",
        marker: "handle =",
        key: "queue.support.handle",
        words: "can be sampled",
    },
    // Times reports could not write.
    Case {
        old: "start = \"2026-03-30T08:00:00Z\"",
        new: "start = \"9999-12-30T20:00:00Z\"",
        marker: "start =",
        key: "simulation.start",
        words: "the last time reports can write",
    },
    Case {
        old: "patience = { dist = \"exponential\", mean = \"3m\" }",
        new: "patience = { dist = \"exponential\", mean = \"3m\" }\n[queue.callback]\nexpires_after = \"100000000h\"",
        marker: "start =",
        key: "simulation.start",
        words: "the longest callback window (100000000h)",
    },
    Case {
        old: "start = \"2026-03-30T08:00:00Z\"",
        new: "start = \"9999-12-31T08:00:00Z\"",
        marker: "start =",
        key: "simulation.start",
        words: "not in the required range",
    },
    Case {
        old: "start = \"2026-03-30T08:00:00Z\"",
        new: "start = 2026-03-30T08:00:00Z",
        marker: "start =",
        key: "simulation.start",
        words: "a time is written in quotes",
    },
    // Repeated keys and tables are named.
    Case {
        old: "seed = 1",
        new: "seed = 1\nseed = 2",
        marker: "seed = 2",
        key: "`seed`",
        words: "set twice",
    },
    Case {
        old: "[service_level]",
        new: "[simulation] # again\nx = 1\n[service_level]",
        marker: "# again",
        key: "[simulation]",
        words: "written twice",
    },
    // Names become folder names and CSV cells.
    Case {
        old: "name = \"bad\"",
        new: "name = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
        marker: "name = \"aaa",
        key: "simulation.name",
        words: "at most 64 characters",
    },
    Case {
        old: "name = \"tier1\"",
        new: "name = \"-A1\"",
        marker: "name = \"-A1\"",
        key: "agent_group[0].name",
        words: "starting with a letter or digit",
    },
    Case {
        old: "duration = \"2h\"\ninterval = \"30m\"",
        new: "duration = \"10000h\"\ninterval = \"1s\"",
        marker: "interval =",
        key: "simulation.interval",
        words: "at most",
    },
];

#[test]
fn every_bad_scenario_exits_2_naming_file_line_and_key() {
    assert!(CASES.len() >= 10);
    for case in CASES {
        assert!(
            BASE.contains(case.old),
            "case text {:?} not in the base scenario",
            case.old
        );
        let text = BASE.replacen(case.old, case.new, 1);
        let line = text
            .lines()
            .position(|l| l.contains(case.marker))
            .expect("the marker is in the text")
            + 1;
        let run = Ccsim::new()
            .file("scenario.toml", &text)
            .args(["run", "scenario.toml", "--out", "out"])
            .run();
        assert_eq!(
            run.code, 2,
            "{:?}: exit code 2 expected; stderr: {}",
            case.new, run.stderr
        );
        let where_ = format!("scenario.toml:{line}:");
        assert!(
            run.stderr.contains(&where_),
            "{:?}: expected {where_} in: {}",
            case.new,
            run.stderr
        );
        assert!(
            run.stderr.contains(case.key),
            "{:?}: expected key {} in: {}",
            case.new,
            case.key,
            run.stderr
        );
        assert!(
            run.stderr.contains(case.words),
            "{:?}: expected {:?} in: {}",
            case.new,
            case.words,
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        assert!(
            !run.path("out").exists(),
            "{:?}: no reports may be written",
            case.new
        );
    }
}

#[test]
fn duplicate_names_and_a_missing_table_are_errors() {
    let dup = BASE.replacen("[[agent_group]]", "[[queue]]\nname = \"support\"\narrivals = { per_hour = 1 }\nhandle = { dist = \"constant\", value = \"1m\" }\n\n[[agent_group]]", 1);
    let run = Ccsim::new()
        .file("s.toml", &dup)
        .args(["validate", "s.toml"])
        .run();
    assert_eq!(run.code, 2);
    let line = dup
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("name = \"support\""))
        .nth(1)
        .unwrap()
        .0
        + 1;
    assert!(
        run.stderr.contains(&format!("s.toml:{line}:")) && run.stderr.contains("unique"),
        "{}",
        run.stderr
    );

    let no_start = BASE.replacen("start = \"2026-03-30T08:00:00Z\"\n", "", 1);
    let run = Ccsim::new()
        .file("s.toml", &no_start)
        .args(["validate", "s.toml"])
        .run();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("s.toml:") && run.stderr.contains("missing field `start`"),
        "{}",
        run.stderr
    );

    let syntax = BASE.replacen("duration = \"2h\"", "duration = \"2h", 1);
    let run = Ccsim::new()
        .file("s.toml", &syntax)
        .args(["validate", "s.toml"])
        .run();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("s.toml:4:"), "{}", run.stderr);
}

#[test]
fn empirical_files_are_checked_line_by_line() {
    let text = BASE.replacen(
        "{ dist = \"lognormal\", mean = \"4m\", cv = 0.7 }",
        "{ dist = \"empirical\", file = \"handle.csv\" }",
        1,
    );
    let run = Ccsim::new()
        .file("s.toml", &text)
        .file("handle.csv", "seconds\n200\n180.5\nlong\n")
        .args(["validate", "s.toml"])
        .run();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("handle.csv:4") && run.stderr.contains("\"long\" is not a number"),
        "{}",
        run.stderr
    );
    // Blank lines count in line numbers, and the message names the key that points at the file.
    let run = Ccsim::new()
        .file("s.toml", &text)
        .file("handle.csv", "seconds\n200\n\n-5\n")
        .args(["validate", "s.toml"])
        .run();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("handle.csv:4"), "{}", run.stderr);
    assert!(
        run.stderr.contains("queue.support.handle.file"),
        "{}",
        run.stderr
    );

    let run = Ccsim::new()
        .file("s.toml", &text)
        .args(["validate", "s.toml"])
        .run();
    assert_eq!(run.code, 2);
    let line = text.lines().position(|l| l.contains("handle.csv")).unwrap() + 1;
    assert!(
        run.stderr.contains(&format!("s.toml:{line}:")) && run.stderr.contains("cannot read"),
        "{}",
        run.stderr
    );

    let run = Ccsim::new()
        .file("s.toml", &text)
        .file("handle.csv", "seconds\n200\n180.5\n")
        .args(["validate", "s.toml"])
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn validate_accepts_the_bundled_scenarios_and_a_missing_file_is_an_input_error() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/default.toml"
    ))
    .unwrap();
    let run = Ccsim::new()
        .file("d.toml", &text)
        .args(["validate", "d.toml"])
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("valid"));
    let run = Ccsim::new().args(["run", "nowhere.toml"]).run();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nowhere.toml"), "{}", run.stderr);
    let run = Ccsim::new().args(["run", "--replications", "0"]).run();
    assert_eq!(run.code, 2, "bad arguments exit 2");
}

/// A value of the wrong kind is said in a planner's words, at the key named as the rest of
/// ccsim names it (`agent_group.tier1`, not `agent_group[0]`); counts are singular or plural
/// as they should be.
#[test]
fn wrong_kinds_of_values_in_a_planners_words() {
    for (old, new, key, words) in [
        (
            "staffing = { per_interval = [3, 4, 5, 6] }",
            "staffing = { count = 10.5 }",
            "agent_group.tier1.staffing.count",
            "10.5 is not a whole number (a count: 0, 1, 2, …)",
        ),
        (
            "ports = 10",
            "ports = -24",
            "port_pool.media-1.ports",
            "-24 is not a whole number",
        ),
        (
            "name = \"support\"",
            "name = \"support\"\npriority = \"high\"",
            "queue.support.priority",
            "\"high\" is not a whole number",
        ),
    ] {
        let run = Ccsim::new()
            .file("s.toml", &BASE.replacen(old, new, 1))
            .args(["validate", "s.toml"])
            .run();
        assert_eq!(run.code, 2);
        assert!(
            run.stderr.contains(&format!("`{key}`: {words}"))
                && !run.stderr.contains("expected u32"),
            "{}",
            run.stderr
        );
    }
    let one = BASE
        .replace("replications = 2", "replications = 1")
        .replace("[[port_pool]]\nname = \"media-1\"\nports = 10\n", "")
        .replace("port_pool = \"media-1\"\n", "");
    let run = Ccsim::new()
        .file("s.toml", &one)
        .args(["validate", "s.toml"])
        .run();
    assert!(
        run.stdout
            .contains("1 queue, 1 agent group, 0 port pools, 4 intervals of 30m, 1 replication"),
        "{}",
        run.stdout
    );
}
