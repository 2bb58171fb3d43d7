//! Local time: a scenario's time zone (IANA, from the bundled database), daylight-saving
//! days of 23 and 25 hours, shifts at local clock times, forecasts exported in local time,
//! and reports with local times beside UTC.

use crate::harness::{Ccsim, Run, csv_rows};
use std::path::{Path, PathBuf};

fn bundled(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).join(name)
}

fn copenhagen() -> jiff::tz::TimeZone {
    jiff::tz::db().get("Europe/Copenhagen").unwrap()
}

fn fall_back(extra: &[&str]) -> Run {
    Ccsim::new()
        .file(
            "s.toml",
            &std::fs::read_to_string(bundled("fall-back.toml")).unwrap(),
        )
        .file(
            "fall-back.csv",
            &std::fs::read_to_string(bundled("fall-back.csv")).unwrap(),
        )
        .args(["run", "s.toml", "--out", "out", "--replications", "4"])
        .args(extra)
        .run()
        .success()
}

#[test]
fn a_fall_back_day_has_25_hours_and_its_repeated_hour_is_told_apart_by_its_offset() {
    let run = fall_back(&[]);
    let rows = csv_rows(&run.path("out/intervals.csv"));
    assert_eq!(rows.len(), 50, "25 hours of 30 minutes");
    let zone = copenhagen();
    let mut previous: Option<jiff::Timestamp> = None;
    for row in &rows {
        let utc: jiff::Timestamp = row["interval_start"].parse().unwrap();
        if let Some(p) = previous {
            assert_eq!(
                utc.duration_since(p),
                jiff::SignedDuration::from_mins(30),
                "UTC runs on evenly"
            );
        }
        previous = Some(utc);
        let local = utc.to_zoned(zone.clone());
        assert_eq!(
            row["interval_start_local"],
            local.strftime("%Y-%m-%d %H:%M").to_string()
        );
        assert_eq!(row["utc_offset"], local.strftime("%:z").to_string());
    }
    let twice: Vec<&str> = rows
        .iter()
        .filter(|r| r["interval_start_local"] == "2026-10-25 02:00")
        .map(|r| r["utc_offset"].as_str())
        .collect();
    assert_eq!(twice, ["+02:00", "+01:00"]);
    assert_eq!(rows[0]["interval_start_local"], "2026-10-25 00:00");
    assert_eq!(rows[49]["interval_start_local"], "2026-10-25 23:30");
    // The same columns in agents.csv; report.html says its times are local.
    let agents = csv_rows(&run.path("out/agents.csv"));
    assert_eq!(agents[6]["interval_start_local"], "2026-10-25 02:00");
    assert_eq!(agents[6]["utc_offset"], "+01:00");
    assert!(
        run.read("out/report.html")
            .contains("Times are local, Europe/Copenhagen.")
    );
}

/// `calls.csv` and `events.csv` write each time twice: ISO 8601 UTC for programs, and on the
/// scenario's clock (to the millisecond, with its offset) for spreadsheets; contacts in the
/// repeated hour are told apart by their offset.
#[test]
fn call_and_event_rows_carry_local_times_beside_utc() {
    let zone = copenhagen();
    let local = |utc: &str| {
        let t: jiff::Timestamp = utc.parse().unwrap();
        let zoned = t.to_zoned(zone.clone());
        (
            zoned.strftime("%Y-%m-%d %H:%M:%S%.3f").to_string(),
            zoned.strftime("%:z").to_string(),
        )
    };
    let run = fall_back(&["--calls"]);
    let calls = csv_rows(&run.path("out/calls.csv"));
    assert!(calls.len() > 1000, "{}", calls.len());
    let mut offsets_at_two = std::collections::BTreeSet::new();
    for c in &calls {
        let (text, offset) = local(&c["arrival_time"]);
        assert_eq!(c["arrival_time_local"], text);
        assert_eq!(c["utc_offset"], offset);
        if c["arrival_time_local"].starts_with("2026-10-25 02:") {
            offsets_at_two.insert(offset);
        }
    }
    assert_eq!(
        offsets_at_two.into_iter().collect::<Vec<_>>(),
        ["+01:00", "+02:00"],
        "calls in both 02:00 hours"
    );

    // Callbacks' events and windows, on a Copenhagen clock in summer time.
    let scenario = std::fs::read_to_string(bundled("callbacks.toml"))
        .unwrap()
        .replace(
            "[simulation]\n",
            "[simulation]\ntime_zone = \"Europe/Copenhagen\"\n",
        );
    let run = Ccsim::new()
        .file("s.toml", &scenario)
        .file(
            "callback_requests.jsonl",
            &std::fs::read_to_string(bundled("callback_requests.jsonl")).unwrap(),
        )
        .args(["run", "s.toml", "--out", "out", "--replications", "1"])
        .args(["--calls", "--trace"])
        .run()
        .success();
    let events = csv_rows(&run.path("out/events.csv"));
    assert!(!events.is_empty());
    for e in &events {
        assert_eq!(
            (e["time_local"].clone(), e["utc_offset"].clone()),
            local(&e["time"])
        );
        assert_eq!(e["utc_offset"], "+02:00");
    }
    let windows: Vec<_> = csv_rows(&run.path("out/calls.csv"))
        .into_iter()
        .filter(|c| !c["start_time"].is_empty())
        .collect();
    assert!(!windows.is_empty());
    for c in &windows {
        assert_eq!(c["start_time_local"], local(&c["start_time"]).0);
        assert_eq!(c["end_time_local"], local(&c["end_time"]).0);
    }
}

/// Agents scheduled in each interval are exactly the shifts' agents on then, with each
/// shift starting at its clock time on the local calendar and working its length in
/// elapsed time (the night shift from 23:00 works 9 hours to 07:00 as the clocks go back).
#[test]
fn shifts_start_at_local_clock_times_across_the_change() {
    let run = fall_back(&[]);
    let s = ccsim::scenario::Scenario::load(&bundled("fall-back.toml")).unwrap();
    let zone = copenhagen();
    let ccsim::scenario::Staffing::Shifts(shifts) = &s.agent_groups[0].staffing else {
        panic!("fall-back.toml has shifts");
    };
    let first_day: jiff::civil::Date = "2026-10-25".parse().unwrap();
    let on_at = |t: jiff::Timestamp| -> u32 {
        let mut on = 0;
        for shift in shifts {
            for day in [-1, 0] {
                let clock = shift.start / 1_000_000;
                let time = jiff::civil::time((clock / 3600) as i8, (clock / 60 % 60) as i8, 0, 0);
                let start = first_day
                    .checked_add(jiff::Span::new().days(day))
                    .unwrap()
                    .to_datetime(time)
                    .to_zoned(zone.clone())
                    .unwrap()
                    .timestamp();
                let end = start + jiff::SignedDuration::from_micros(shift.length as i64);
                if start <= t && t < end {
                    on += shift.count;
                }
            }
        }
        on
    };
    let rows = csv_rows(&run.path("out/agents.csv"));
    for row in &rows {
        let t: jiff::Timestamp = row["interval_start"].parse().unwrap();
        let scheduled: f64 = row["scheduled"].parse().unwrap();
        assert_eq!(
            scheduled,
            f64::from(on_at(t)),
            "{}",
            row["interval_start_local"]
        );
    }
    let at = |local: &str, offset: &str| {
        let row = rows
            .iter()
            .find(|r| r["interval_start_local"] == local && r["utc_offset"] == offset)
            .unwrap();
        row["scheduled"].parse::<f64>().unwrap()
    };
    assert_eq!(
        at("2026-10-25 06:30", "+01:00"),
        2.0,
        "the night shift is still on"
    );
    assert_eq!(
        at("2026-10-25 07:00", "+01:00"),
        8.0,
        "the day shift takes over"
    );
}

/// A WFM export of the day in local time writes the repeated hour twice: the rows are read
/// in order, the first 02:00 in summer time and the second in winter time.
#[test]
fn a_local_time_forecast_fills_the_repeated_hour_in_order() {
    let csv = std::fs::read_to_string(bundled("fall-back.csv")).unwrap();
    let mut lines: Vec<String> = csv.lines().map(String::from).collect();
    // Lines 6 and 8 (after the header) are the two 02:00s.
    assert!(lines[5].starts_with("2026-10-25 02:00,") && lines[7].starts_with("2026-10-25 02:00,"));
    lines[5] = "2026-10-25 02:00,200".into();
    lines[7] = "2026-10-25 02:00,0".into();
    let run = Ccsim::new()
        .file(
            "s.toml",
            &std::fs::read_to_string(bundled("fall-back.toml")).unwrap(),
        )
        .file("fall-back.csv", &(lines.join("\r\n") + "\r\n"))
        .args(["run", "s.toml", "--out", "out", "--replications", "4"])
        .run()
        .success();
    let rows = csv_rows(&run.path("out/intervals.csv"));
    let offered = |i: usize| rows[i]["offered"].parse::<f64>().unwrap();
    assert_eq!(rows[4]["utc_offset"], "+02:00");
    assert!(
        offered(4) > 150.0,
        "the first 02:00 has its 200 calls: {}",
        offered(4)
    );
    assert_eq!(rows[6]["utc_offset"], "+01:00");
    assert_eq!(offered(6), 0.0, "the second 02:00 has none");
}

/// A forecast of 10 calls in each of `n` half hours from `first` (UTC), written as a WFM tool
/// exports it in Copenhagen's local time.
fn local_forecast(first: &str, n: usize) -> String {
    let zone = copenhagen();
    let mut t: jiff::Timestamp = first.parse().unwrap();
    let mut csv = String::from("Interval start,Calls\n");
    for _ in 0..n {
        let local = t.to_zoned(zone.clone()).strftime("%Y-%m-%d %H:%M");
        csv.push_str(&format!("{local},10\n"));
        t += jiff::SignedDuration::from_mins(30);
    }
    csv
}

fn spring_day(csv: &str) -> Run {
    let scenario = std::fs::read_to_string(bundled("fall-back.toml"))
        .unwrap()
        .replace(
            "start = \"2026-10-25T00:00\"",
            "start = \"2026-03-29T00:00\"",
        )
        .replace("duration = \"25h\"", "duration = \"23h\"");
    Ccsim::new()
        .file("s.toml", &scenario)
        .file("fall-back.csv", csv)
        .args(["run", "s.toml", "--out", "out", "--replications", "2"])
        .run()
}

/// The day the clocks go forward has 23 hours: its export has no 02:00 or 02:30, and a file
/// that writes one is refused, naming the line.
#[test]
fn a_spring_forward_day_has_23_hours_and_no_row_for_the_skipped_hour() {
    let csv = local_forecast("2026-03-28T23:00:00Z", 46);
    let run = spring_day(&csv).success();
    let rows = csv_rows(&run.path("out/intervals.csv"));
    assert_eq!(rows.len(), 46);
    assert_eq!(rows[3]["interval_start_local"], "2026-03-29 01:30");
    assert_eq!(rows[4]["interval_start_local"], "2026-03-29 03:00");
    assert_eq!(rows[4]["utc_offset"], "+02:00");

    let bad = csv.replacen("2026-03-29 03:00,", "2026-03-29 02:00,", 1);
    let run = spring_day(&bad);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("fall-back.csv:6") && run.stderr.contains("Europe/Copenhagen skips"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_time_zone_or_start_the_clock_cannot_read_is_an_error_naming_the_key() {
    let text = std::fs::read_to_string(bundled("fall-back.toml")).unwrap();
    let cases = [
        (
            text.replace("Europe/Copenhagen", "Europe/Kopenhagen"),
            "simulation.time_zone",
            "IANA",
        ),
        // 02:30 comes twice that night: which one is meant?
        (
            text.replace("2026-10-25T00:00\"", "2026-10-25T02:30\""),
            "simulation.start",
            "\"2026-10-25T02:30+02:00\" (the first) or \"2026-10-25T02:30+01:00\" (the second)",
        ),
    ];
    for (scenario, key, words) in cases {
        let run = Ccsim::new()
            .file("s.toml", &scenario)
            .file(
                "fall-back.csv",
                &std::fs::read_to_string(bundled("fall-back.csv")).unwrap(),
            )
            .args(["validate", "s.toml"])
            .run();
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("s.toml:")
                && run.stderr.contains(key)
                && run.stderr.contains(words),
            "{}",
            run.stderr
        );
    }
}

/// Naming UTC as the time zone changes no CSV: without a zone the clock is UTC's.
#[test]
fn utc_as_the_time_zone_changes_no_csv() {
    let text = std::fs::read_to_string(bundled("two-skill.toml")).unwrap();
    let zoned = text.replace("[simulation]\n", "[simulation]\ntime_zone = \"UTC\"\n");
    assert_ne!(text, zoned);
    let a = Ccsim::simulate(&text, &["--replications", "3"]);
    let b = Ccsim::simulate(&zoned, &["--replications", "3"]);
    for f in [
        "summary.csv",
        "intervals.csv",
        "agents.csv",
        "replications.csv",
    ] {
        assert!(
            a.read(&format!("out/{f}")) == b.read(&format!("out/{f}")),
            "{f}"
        );
    }
    let rows = csv_rows(&a.path("out/intervals.csv"));
    assert_eq!(rows[0]["interval_start"], "2026-03-30T08:00:00Z");
    assert_eq!(rows[0]["interval_start_local"], "2026-03-30 08:00");
    assert_eq!(rows[0]["utc_offset"], "+00:00");
}

/// The workbook has the local start beside UTC, and its charts are drawn against it.
#[test]
fn the_workbook_has_local_starts() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let run = fall_back(&["--xlsx"]);
    let mut book: Xlsx<_> = open_workbook(run.path("out/report.xlsx")).unwrap();
    let sheet = book.worksheet_range("Intervals").unwrap();
    assert_eq!(
        sheet.get_value((0, 1)),
        Some(&Data::String("Interval start (Europe/Copenhagen)".into()))
    );
    let serial = |r: u32, c: u32| match sheet.get_value((r, c)) {
        Some(Data::DateTime(d)) => d.as_f64(),
        other => panic!("{other:?}"),
    };
    // 00:00 local is 22:00 UTC the day before; the second 02:00 (row 7) is 01:00 UTC.
    assert!((serial(1, 1) - serial(1, 0) - 2.0 / 24.0).abs() < 1e-9);
    assert!((serial(7, 1) - serial(7, 0) - 1.0 / 24.0).abs() < 1e-9);
    assert!(
        (serial(5, 1) - serial(7, 1)).abs() < 1e-9,
        "02:00 twice on the clock"
    );
    // The clock goes back within the run: charts are drawn against UTC, which goes on.
    let chart = part(&run.path("out/report.xlsx"), "xl/charts/chart1.xml");
    assert!(chart.contains("Intervals!$A$2:$A$51"), "{chart:.3000}");

    // A day without a change is charted against the local clock.
    let summer = std::fs::read_to_string(bundled("fall-back.toml"))
        .unwrap()
        .replace("2026-10-25T00:00", "2026-07-01T00:00")
        .replace("duration = \"25h\"", "duration = \"24h\"");
    let mut rows = String::from("start,Calls\n");
    for k in 0..48 {
        rows.push_str(&format!("2026-07-01 {:02}:{:02},10\n", k / 2, k % 2 * 30));
    }
    let run = Ccsim::new()
        .file("s.toml", &summer)
        .file("fall-back.csv", &rows)
        .args([
            "run",
            "s.toml",
            "--out",
            "out",
            "--replications",
            "2",
            "--xlsx",
        ])
        .run()
        .success();
    let chart = part(&run.path("out/report.xlsx"), "xl/charts/chart1.xml");
    assert!(chart.contains("Intervals!$B$2:$B$49"), "{chart:.3000}");
}

/// The text of part `name` of a workbook's package.
fn part(path: &Path, name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// A shift of 24 hours on the 23-hour day never overlaps the next day's: it ends as the
/// next begins, and no more agents are ever on than the shift has.
#[test]
fn a_day_long_shift_on_a_23_hour_day_ends_as_the_next_begins() {
    let scenario = std::fs::read_to_string(bundled("fall-back.toml")).unwrap();
    let shifts = &scenario[scenario.find("[[agent_group.shift]]").unwrap()..];
    let scenario = scenario
        .replace(
            shifts,
            "[[agent_group.shift]]\nstart = \"06:00\"\nlength = \"24h\"\ncount = 3\n",
        )
        .replace(
            "start = \"2026-10-25T00:00\"",
            "start = \"2026-03-28T00:00\"",
        )
        .replace("duration = \"25h\"", "duration = \"47h\"");
    let csv = local_forecast("2026-03-27T23:00:00Z", 94);
    let run = Ccsim::new()
        .file("s.toml", &scenario)
        .file("fall-back.csv", &csv)
        .args(["run", "s.toml", "--out", "out", "--replications", "2"])
        .run()
        .success();
    for row in csv_rows(&run.path("out/agents.csv")) {
        let scheduled: f64 = row["scheduled"].parse().unwrap();
        assert_eq!(scheduled, 3.0, "{}", row["interval_start_local"]);
    }
}
