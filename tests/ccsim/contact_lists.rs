//! Campaign lists from CSV files: a plain list is the synthetic list of its length, records
//! are dialed by priority and only within their calling windows (on their own clocks), and
//! bad files are refused at their line and column.

use crate::harness::{Ccsim, csv_rows};
use std::collections::HashMap;

/// Two dialers working campaign `calls` from `list` (its TOML line), 08:00–16:00 UTC.
fn dialing(list: &str, results: &str) -> String {
    format!(
        r#"
[simulation]
name = "lists"
start = "2026-01-05T08:00:00Z"
duration = "8h"
interval = "1h"
replications = 3
seed = 21

[[queue]]
name = "inbound"
arrivals = {{ per_hour = 6 }}
handle = {{ dist = "exponential", mean = "3m" }}

[[agent_group]]
name = "desk"
queues = ["inbound"]
staffing = {{ count = 2 }}

[[campaign]]
name = "calls"
mode = "progressive"
groups = ["desk"]
{list}
talk = {{ dist = "constant", value = "1m" }}
answer_after = {{ dist = "constant", value = "5s" }}
retry_after = "5m"
results = {results}
"#
    )
}

const RESULTS: &str = "{ OK = 0.6, NO_ANSWER = 0.4 }";

/// A list file of numbers alone — written by Excel, with a byte-order mark and CRLF line
/// ends, and a blank row — is the synthetic list of as many records: byte-identical reports.
#[test]
fn a_plain_list_file_is_the_synthetic_list_of_its_length() {
    let mut file = String::from("\u{feff}Number\r\n");
    for i in 0..400 {
        file.push_str(&format!("+44 20 7946 {i:04}\r\n"));
    }
    file.push_str("\r\n");
    let synthetic = Ccsim::simulate(&dialing("records = 400", RESULTS), &["--trace"]);
    let listed = Ccsim::new()
        .file("scenario.toml", &dialing("list = \"list.csv\"", RESULTS))
        .file("list.csv", &file)
        .args(["run", "scenario.toml", "--out", "out", "--trace"])
        .run()
        .success();
    for f in [
        "summary.csv",
        "intervals.csv",
        "agents.csv",
        "campaigns.csv",
        "replications.csv",
        "events.csv",
    ] {
        assert_eq!(
            synthetic.read(&format!("out/{f}")),
            listed.read(&format!("out/{f}")),
            "{f}"
        );
    }
}

/// Records of a higher priority are dialed first, whatever their place in the file; records
/// with a calling window are dialed only inside it, on their own clock (12:00–13:00 at
/// +02:00 is 10:00–11:00 UTC), retries included — one that comes due after its window
/// waits for the next day's.
#[test]
fn records_are_dialed_by_priority_and_only_within_their_windows() {
    // Row r (from 1): kind r % 3 — 0: priority 2; 1: priority 1 with the window; 2: plain.
    let mut file = String::from("number,earliest,latest,utc_offset,priority\n");
    let kind = |row: usize| row % 3;
    for row in 1..=300 {
        file.push_str(&match kind(row) {
            0 => format!("555{row:04},,,,2\n"),
            1 => format!("555{row:04},12:00,13:00,+02:00,1\n"),
            _ => format!("555{row:04},,,,\n"),
        });
    }
    let run = Ccsim::new()
        .file("scenario.toml", &dialing("list = \"list.csv\"", RESULTS))
        .file("list.csv", &file)
        .args(["run", "scenario.toml", "--out", "out", "--trace"])
        .run()
        .success();
    let events = csv_rows(&run.path("out/events.csv"));
    let dials: Vec<_> = events.iter().filter(|e| e["event"] == "dialing").collect();
    let utc_hour = |e: &HashMap<String, String>| e["time"][11..13].parse::<u32>().unwrap();
    let mut first: HashMap<(&str, usize), &str> = HashMap::new();
    for d in &dials {
        let row: usize = d["id"].parse().unwrap();
        if kind(row) == 1 {
            assert_eq!(
                utc_hour(d),
                10,
                "record {row} dialed outside its window: {d:?}"
            );
        }
        first
            .entry((d["replication"].as_str(), row))
            .or_insert(&d["time"]);
    }
    for r in ["0", "1", "2"] {
        let firsts = |k: usize| {
            let mut t: Vec<&str> = first
                .iter()
                .filter(|((rep, row), _)| *rep == r && kind(*row) == k)
                .map(|(_, t)| *t)
                .collect();
            t.sort();
            t
        };
        let (high, windowed, plain) = (firsts(0), firsts(1), firsts(2));
        assert_eq!(high.len(), 100, "every priority-2 record dialed");
        assert!(
            high.last() < plain.first(),
            "a plain record dialed before the last priority-2 one"
        );
        // In its window, priority 1 goes before the plain records still left.
        assert!(
            windowed.len() > 80,
            "{} windowed records dialed",
            windowed.len()
        );
        let during: Vec<_> = plain.iter().filter(|t| &t[11..13] == "10").collect();
        assert!(
            during.iter().all(|t| **t > *windowed.last().unwrap()),
            "a plain record's first dial came while windowed ones waited"
        );
    }
    // Windowed records retried after 11:00 wait for tomorrow's window: they are left.
    let left =
        run.replications()[&("campaign:calls".to_string(), "records_left".to_string())].clone();
    assert!(left.iter().all(|&l| l > 0.0), "{left:?}");
}

/// A bad list is refused with its file, line, column and key, and exit code 2.
#[test]
fn bad_lists_are_refused_at_their_line_and_column() {
    let cases = [
        ("number,priorty\n555,1\n", "list.csv:1:2", "unknown column"),
        (
            "earliest\n09:00\n",
            "list.csv:1",
            "no column is named number",
        ),
        (
            "number\n5551234\nabc\n",
            "list.csv:3:1",
            "not a phone number",
        ),
        (
            "number,earliest\n555,25:00\n",
            "list.csv:2:2",
            "not a time of day",
        ),
        (
            "number,earliest,latest\n555,09:00,09:00\n",
            "list.csv:2:3",
            "same time as earliest",
        ),
        (
            "number,utc_offset\n555,+5\n",
            "list.csv:2:2",
            "not an offset from UTC",
        ),
        (
            "number,priority\n555,high\n",
            "list.csv:2:2",
            "not a priority",
        ),
        ("number,priority\n555\n", "list.csv:2", "fields"),
        ("number\n", "list.csv:2", "no records"),
        ("", "list.csv", "the file is empty"),
        ("\n\n", "list.csv", "the file is empty"),
        // Blank lines are skipped but still counted.
        ("number\n555\n\nabc\n", "list.csv:4:1", "not a phone number"),
    ];
    // Windows line ends must not shift the lines named.
    for (file, place, what) in cases.iter().flat_map(|&(file, place, what)| {
        [
            (file.replace('\n', "\r\n"), place, what),
            (file.to_string(), place, what),
        ]
    }) {
        let file = file.as_str();
        let run = Ccsim::new()
            .file("scenario.toml", &dialing("list = \"list.csv\"", RESULTS))
            .file("list.csv", file)
            .args(["run", "scenario.toml", "--out", "out"])
            .run();
        assert_eq!(run.code, 2, "{file:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(place) && run.stderr.contains(what),
            "{file:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("campaign.calls.list"), "{}", run.stderr);
        assert!(!run.path("out").exists());
    }
    for (list, what) in [
        ("records = 5\nlist = \"list.csv\"", "not both"),
        ("", "missing"),
        ("list = \"absent.csv\"", "absent.csv"),
    ] {
        let run = Ccsim::new()
            .file("scenario.toml", &dialing(list, RESULTS))
            .file("list.csv", "number\n555\n")
            .args(["run", "scenario.toml", "--out", "out"])
            .run();
        assert_eq!(run.code, 2, "{list}: {}", run.stderr);
        assert!(run.stderr.contains(what), "{list}: {}", run.stderr);
        assert!(run.stderr.contains("campaign.calls."), "{}", run.stderr);
    }
}

/// A previewed record whose window closes during its preview is not dialed: it waits for
/// the next day's window, its attempt not counted, and its agent is free at once.
#[test]
fn a_preview_that_outlasts_its_window_is_not_dialed() {
    // Windows 08:00–08:05 UTC; a preview takes 2 minutes, so each agent's third record
    // (from about 08:04) is still in preview when its window closes.
    let mut file = String::from("number,earliest,latest\n");
    for row in 1..=40 {
        file.push_str(&format!("555{row:04},08:00,08:05\n"));
    }
    let scenario = dialing("list = \"list.csv\"", "{ NO_ANSWER = 1.0 }")
        .replace(
            "mode = \"progressive\"",
            "mode = \"preview\"\npreview = { dist = \"constant\", value = \"2m\" }",
        )
        .replace("duration = \"8h\"", "duration = \"48h\"");
    let run = Ccsim::new()
        .file("scenario.toml", &scenario)
        .file("list.csv", &file)
        .args(["run", "scenario.toml", "--out", "out", "--trace"])
        .run()
        .success();
    let events = csv_rows(&run.path("out/events.csv"));
    let minute = |e: &HashMap<String, String>| {
        let t = &e["time"];
        t[11..13].parse::<u32>().unwrap() * 60 + t[14..16].parse::<u32>().unwrap()
    };
    let mut closed = 0;
    for (i, e) in events.iter().enumerate() {
        if e["call_type"] != "OUTBOUND" {
            continue;
        }
        match e["event"].as_str() {
            "dialing" => assert!(
                (8 * 60..8 * 60 + 5).contains(&minute(e)),
                "dialed outside its window: {e:?}"
            ),
            "window_closed" => {
                closed += 1;
                assert!(minute(e) >= 8 * 60 + 5, "closed while open: {e:?}");
                // The record's next row is its next day's offer, with the same attempt.
                let same = |f: &HashMap<String, String>| {
                    f["replication"] == e["replication"]
                        && f["id"] == e["id"]
                        && f["call_type"] == "OUTBOUND"
                };
                if let Some(next) = events[i + 1..].iter().find(|f| same(f)) {
                    assert_eq!(next["event"], "eAgentOfferContact", "{next:?}");
                    assert_eq!(next["attempts"], e["attempts"], "{next:?}");
                    assert_eq!(&next["time"][..10], "2026-01-06", "{next:?}");
                }
                // The agent is free at once: its state changes at the same moment.
                assert!(
                    events[i + 1..]
                        .iter()
                        .take_while(|f| f["time"] == e["time"])
                        .any(|f| { f["event"] == "agent_state" && f["agent"] == e["agent"] }),
                    "the agent stayed reserved: {e:?}"
                );
            }
            _ => {}
        }
    }
    assert!(closed >= 3, "{closed} previews outlasted their window");
}
