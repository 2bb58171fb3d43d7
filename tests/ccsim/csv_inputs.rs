//! Forecasts and staffing from CSV files: the same numbers as the scenario's own lists give
//! the same reports, byte for byte, whatever the file's dialect; every kind of bad file is
//! an input error naming the file, line, column and key, and writes nothing.

use crate::harness::Ccsim;

/// Four half-hour intervals from 08:00 UTC.
const LISTS: &str = r#"[simulation]
name = "csv"
start = "2026-03-30T08:00:00Z"
duration = "2h"
interval = "30m"
replications = 4
seed = 7

[[queue]]
name = "support"
arrivals = { per_interval = [10, 22.5, 30, 40] }
handle = { dist = "exponential", mean = "4m" }
patience = { dist = "exponential", mean = "3m" }

[[agent_group]]
name = "tier1"
queues = ["support"]
staffing = { per_interval = [3, 4, 5, 6] }
"#;

/// LISTS with both series read from `forecast.csv`.
fn from_file() -> String {
    LISTS
        .replace(
            "arrivals = { per_interval = [10, 22.5, 30, 40] }",
            "arrivals = { file = \"forecast.csv\", column = \"support\" }",
        )
        .replace(
            "staffing = { per_interval = [3, 4, 5, 6] }",
            "staffing = { file = \"forecast.csv\", column = \"tier1\" }",
        )
}

/// The forecast as Excel writes "CSV UTF-8" (a byte-order mark, CRLF), with a row before
/// the simulation and one after, and headers in another case and with spaces.
const EXCEL: &str = "\u{feff}Interval Start,Support,Tier1\r\n\
    2026-03-30 07:30,5,2\r\n\
    2026-03-30 08:00,10,3\r\n\
    2026-03-30 08:30,22.5,4\r\n\
    2026-03-30 09:00,30,5\r\n\
    2026-03-30 09:30,40,6\r\n\
    2026-03-30 10:00,50,7\r\n";

const REPORTS: [&str; 4] = [
    "out/summary.csv",
    "out/intervals.csv",
    "out/agents.csv",
    "out/replications.csv",
];

#[test]
fn a_forecast_file_gives_the_reports_its_numbers_give_as_lists() {
    let lists = Ccsim::simulate(LISTS, &[]);
    let dialects = [
        EXCEL.to_string(),
        // Semicolons (where the decimal mark is a comma), times with offsets and seconds.
        "interval;support;tier1\n\
         2026-03-30T09:00:00+01:00;10;3\n\
         2026-03-30T08:30:00Z;22.5;4\n\
         2026-03-30T09:00:00Z;30;5\n\
         2026-03-30 10:30:00+01:00;40;6\n"
            .to_string(),
        // Tabs, and a column the scenario does not use.
        "start\tsales\tsupport\ttier1\n\
         2026-03-30 08:00\t1\t10\t3\n\
         2026-03-30 08:30\t1\t22.5\t4\n\
         2026-03-30 09:00\t1\t30\t5\n\
         2026-03-30 09:30\t1\t40\t6\n"
            .to_string(),
    ];
    for csv in &dialects {
        let run = Ccsim::new()
            .file("scenario.toml", &from_file())
            .file("forecast.csv", csv)
            .args(["run", "scenario.toml", "--out", "out"])
            .run()
            .success();
        for report in REPORTS {
            assert_eq!(run.read(report), lists.read(report), "{report} from\n{csv}");
        }
    }
}

/// A bad forecast: `csv` in place of EXCEL; the error is at `line` and `column` of
/// forecast.csv, names `key`, and says `words`.
struct Case {
    csv: &'static str,
    line: usize,
    column: Option<usize>,
    key: &'static str,
    words: &'static str,
}

const HEADER: &str = "start,support,tier1\n";

/// `ccsim validate` on `scenario` with `contents` as the data file `name` beside it: it
/// must refuse them (exit 2); gives what it said.
fn refused(scenario: &str, name: &str, contents: &[u8]) -> String {
    let run = Ccsim::new()
        .file("scenario.toml", scenario)
        .bytes(name, contents)
        .args(["validate", "scenario.toml"])
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    run.stderr
}

#[test]
fn every_kind_of_bad_forecast_is_located() {
    let cases = [
        Case {
            csv: "2026-03-30 08:00,10,3\n2026-03-30 09:00,30,5\n2026-03-30 09:30,40,6\n",
            line: 3,
            column: Some(1),
            key: "queue.support.arrivals",
            words: "no row for the interval starting 2026-03-30T08:30:00Z",
        },
        Case {
            csv: "2026-03-30 08:00,10,3\n2026-03-30 08:30,22,4\n2026-03-30 08:30,22,4\n",
            line: 4,
            column: Some(1),
            key: "queue.support.arrivals",
            words: "a second row for the interval starting 2026-03-30T08:30:00Z; the first is on line 3",
        },
        Case {
            csv: "2026-03-30 08:00,10,3\n2026-03-30 08:30,22,4\n2026-03-30 08:15,22,4\n",
            line: 4,
            column: Some(1),
            key: "queue.support.arrivals",
            words: "rows must be in time order",
        },
        Case {
            csv: "2026-03-30 08:00,10,3\n2026-03-30 08:45,22,4\n",
            line: 3,
            column: Some(1),
            key: "queue.support.arrivals",
            words: "is not the start of an interval",
        },
        Case {
            csv: "30/03/2026 08:00,10,3\n",
            line: 2,
            column: Some(1),
            key: "queue.support.arrivals",
            words: "is not an interval start",
        },
        Case {
            csv: "2026-03-30 08:00,10,3\n2026-03-30 08:30,22,5,4\n",
            line: 3,
            column: None,
            key: "queue.support.arrivals",
            words: "decimal comma",
        },
        Case {
            csv: "2026-03-30 08:00,10,3\n2026-03-30 08:30,many,4\n",
            line: 3,
            column: Some(2),
            key: "queue.support.arrivals",
            words: "\"many\" is not a number",
        },
        Case {
            // Blank lines are skipped but still counted.
            csv: "2026-03-30 08:00,10,3\n\n2026-03-30 08:30,many,4\n",
            line: 4,
            column: Some(2),
            key: "queue.support.arrivals",
            words: "\"many\" is not a number",
        },
        Case {
            csv: "2026-03-30 08:00,,3\n",
            line: 2,
            column: Some(2),
            key: "queue.support.arrivals",
            words: "empty",
        },
        Case {
            csv: "2026-03-30 08:00,-4,3\n",
            line: 2,
            column: Some(2),
            key: "queue.support.arrivals",
            words: "0 or more",
        },
        Case {
            csv: "2026-03-30 08:00,10,3.5\n2026-03-30 08:30,22,4\n2026-03-30 09:00,30,5\n2026-03-30 09:30,40,6\n",
            line: 2,
            column: Some(3),
            key: "agent_group.tier1.staffing",
            words: "whole number",
        },
        Case {
            csv: "2026-03-30 08:00,10,3\n2026-03-30 08:30,22,4\n",
            line: 4,
            column: None,
            key: "queue.support.arrivals",
            words: "the file ends without a row for the interval starting 2026-03-30T09:00:00Z",
        },
    ];
    // Windows line ends must not shift the lines named.
    for (case, csv) in cases.iter().flat_map(|case| {
        let csv = format!("{HEADER}{}", case.csv);
        [(case, csv.replace('\n', "\r\n")), (case, csv)]
    }) {
        let run = Ccsim::new()
            .file("scenario.toml", &from_file())
            .file("forecast.csv", &csv)
            .args(["run", "scenario.toml", "--out", "out"])
            .run();
        let place = match case.column {
            Some(c) => format!("forecast.csv:{}:{c}: `{}`", case.line, case.key),
            None => format!("forecast.csv:{}: `{}`", case.line, case.key),
        };
        assert_eq!(run.code, 2, "{csv}\n{}", run.stderr);
        assert!(
            run.stderr.contains(&place) && run.stderr.contains(case.words),
            "expected {place} … {}\n{csv}\ngot: {}",
            case.words,
            run.stderr
        );
        // The message says which key of the scenario named the file.
        assert!(
            run.stderr
                .contains(&format!("named by `{}.file` at scenario.toml:", case.key)),
            "{}",
            run.stderr
        );
        assert!(!run.path("out").exists(), "no reports on bad input");
    }
}

#[test]
fn decimal_commas_columns_and_keys_are_named() {
    let bad = |scenario: &str, csv: &str| refused(scenario, "forecast.csv", csv.as_bytes());
    let semicolons = "start;support;tier1\n2026-03-30 08:00;10,5;3\n";
    let err = bad(&from_file(), semicolons);
    assert!(
        err.contains("forecast.csv:2:2:")
            && err.contains("\"10,5\" has a decimal comma")
            && err.contains("(10.5)"),
        "{err}"
    );
    let err = bad(&from_file().replace("\"support\" }", "\"Sales\" }"), EXCEL);
    assert!(
        err.contains("forecast.csv:1: `queue.support.arrivals`")
            && err.contains("no column is named \"Sales\"")
            && err.contains("\"Support\", \"Tier1\""),
        "{err}"
    );
    let err = bad(
        &from_file().replace("\"support\" }", "\"interval start\" }"),
        EXCEL,
    );
    assert!(err.contains("holds the intervals' starts"), "{err}");
    let err = bad(&from_file(), "start\n2026-03-30 08:00\n");
    assert!(
        err.contains("forecast.csv:1:") && err.contains("single field"),
        "{err}"
    );

    // The scenario's own keys: where they are, and what is allowed.
    let line_of =
        |text: &str, marker: &str| text.lines().position(|l| l.contains(marker)).unwrap() + 1;
    let text = from_file().replace(", column = \"support\"", "");
    let err = bad(&text, EXCEL);
    assert!(
        err.contains(&format!("scenario.toml:{}:", line_of(&text, "arrivals =")))
            && err.contains("`queue.support.arrivals.column`: missing"),
        "{err}"
    );
    let text = LISTS.replace(
        "[10, 22.5, 30, 40] }",
        "[10, 22.5, 30, 40], column = \"support\" }",
    );
    let err = bad(&text, EXCEL);
    assert!(
        err.contains("`queue.support.arrivals.column`: applies only with `file`"),
        "{err}"
    );
    let text = from_file().replace("arrivals = { file", "arrivals = { per_hour = 30, file");
    let err = bad(&text, EXCEL);
    assert!(
        err.contains("`queue.support.arrivals`: give exactly one of")
            && err.contains("`file = \"forecast.csv\", column"),
        "{err}"
    );
    let text = from_file().replace(
        "\"forecast.csv\", column = \"tier1\"",
        "\"plan.csv\", column = \"tier1\"",
    );
    let err = bad(&text, EXCEL);
    assert!(
        err.contains(&format!("scenario.toml:{}:", line_of(&text, "plan.csv")))
            && err.contains("`agent_group.tier1.staffing.file`: plan.csv: cannot read the file"),
        "{err}"
    );
}

/// The bundled day imported from `scenarios/forecast.csv`: each interval's offered calls
/// are Poisson with the file's mean (30 replications: within z of it, z for a family-wise
/// error of 0.2 % over the 40 interval-queue pairs), and each group's scheduled agents are
/// the file's, exactly.
#[test]
fn the_bundled_forecast_day_follows_its_file() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let csv = std::fs::read_to_string(format!("{dir}/forecast.csv")).unwrap();
    let run = Ccsim::new()
        .file(
            "forecast.toml",
            &std::fs::read_to_string(format!("{dir}/forecast.toml")).unwrap(),
        )
        .file("forecast.csv", &csv)
        .args(["run", "forecast.toml", "--out", "out"])
        .run()
        .success();
    let file: Vec<Vec<String>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert_eq!(file.len(), 20);
    let start = |row: &[String]| format!("{}:00Z", row[0].replace(' ', "T"));
    let replications = 30.0;
    // Two-sided 0.002 / 40 = 5e-5: z = 4.06.
    let z = 4.06;
    let intervals = crate::harness::csv_rows(&run.path("out/intervals.csv"));
    for (queue, column) in [("support", 1), ("sales", 2)] {
        for row in &file {
            let expected: f64 = row[column].parse().unwrap();
            let got = intervals
                .iter()
                .find(|r| r["queue"] == queue && r["interval_start"] == start(row))
                .unwrap_or_else(|| panic!("{queue} {}", start(row)));
            let mean: f64 = got["offered"].parse().unwrap();
            let se = (expected / replications).sqrt();
            assert!(
                (mean - expected).abs() <= z * se,
                "{queue} at {}: offered {mean}, the file says {expected} (SE {se:.2})",
                start(row)
            );
        }
    }
    let agents = crate::harness::csv_rows(&run.path("out/agents.csv"));
    for (group, column) in [("tier1", 3), ("sellers", 4)] {
        for row in &file {
            let got = agents
                .iter()
                .find(|r| r["agent_group"] == group && r["interval_start"] == start(row))
                .unwrap();
            assert_eq!(got["scheduled"], row[column], "{group} at {}", start(row));
        }
    }
}

/// `staff` on a scenario fed from CSV: the staffed copy (written in another folder) takes
/// the plan's staffing in place of the staffed group's file, and still reads the forecast
/// (its volumes and its AHT).
#[test]
fn a_staffed_copy_keeps_the_forecast_files_and_replaces_the_staffing_file() {
    let aht = "start,aht\n2026-03-30 08:00,200\n2026-03-30 08:30,220\n2026-03-30 09:00,240\n2026-03-30 09:30,260\n";
    let scenario = from_file().replace(
        "mean = \"4m\" }",
        "mean = { file = \"aht.csv\", column = \"aht\" } }",
    );
    let run = Ccsim::new()
        .file("in/scenario.toml", &scenario)
        .file("in/forecast.csv", EXCEL)
        .file("in/aht.csv", aht)
        .args([
            "staff",
            "in/scenario.toml",
            "--target",
            "service_level=0.8",
            "--out",
            "staffed",
        ])
        .run()
        .success();
    let copy = run.read("staffed/csv-staffed.toml");
    let forecast = std::fs::canonicalize(run.path("in/forecast.csv")).unwrap();
    assert!(
        copy.contains(&format!(
            "arrivals = {{ file = \"{}\", column = \"support\" }}",
            forecast.display()
        )),
        "{copy}"
    );
    let aht = std::fs::canonicalize(run.path("in/aht.csv")).unwrap();
    assert!(
        copy.contains(&format!(
            "mean = {{ file = \"{}\", column = \"aht\" }}",
            aht.display()
        )),
        "{copy}"
    );
    assert!(copy.contains("staffing = { per_interval = ["), "{copy}");
    assert!(!copy.contains("column = \"tier1\""), "{copy}");
    let check = run.again(["validate", "staffed/csv-staffed.toml"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

/// A handle time per interval — the forecast's AHT — from a list or a CSV column, in
/// seconds or with units: each interval's callers talk for that mean (within z of it,
/// z = 3.5 for a family-wise error of 0.2 % over four intervals), and a list of one value
/// repeated gives the reports one mean gives.
#[test]
fn handle_time_follows_the_forecasts_aht_by_interval() {
    let ample = LISTS
        .replace("[10, 22.5, 30, 40]", "[40, 40, 40, 40]")
        .replace("[3, 4, 5, 6]", "[40, 40, 40, 40]")
        .replace("replications = 4", "replications = 20")
        .replace("patience = { dist = \"exponential\", mean = \"3m\" }\n", "");
    let one = Ccsim::simulate(&ample, &[]);
    let repeated = Ccsim::simulate(
        &ample.replace(
            "mean = \"4m\" }",
            "mean = [\"4m\", \"240s\", \"0:04:00\", \"4m\"] }",
        ),
        &[],
    );
    for report in REPORTS {
        assert_eq!(repeated.read(report), one.read(report), "{report}");
    }

    let csv = "start,support aht\n\
               2026-03-30 08:00,120\n\
               2026-03-30 08:30,4m\n\
               2026-03-30 09:00,360\n\
               2026-03-30 09:30,0:03:00\n";
    let run = Ccsim::new()
        .file(
            "scenario.toml",
            &ample.replace(
                "mean = \"4m\" }",
                "mean = { file = \"aht.csv\", column = \"Support AHT\" } }",
            ),
        )
        .file("aht.csv", csv)
        .args(["run", "scenario.toml", "--out", "out"])
        .run()
        .success();
    let rows = crate::harness::csv_rows(&run.path("out/intervals.csv"));
    assert_eq!(rows.len(), 4);
    for (row, expected) in rows.iter().zip([120.0, 240.0, 360.0, 180.0]) {
        let aht: f64 = row["aht_s"].parse().unwrap();
        let answered: f64 = row["answered"].parse::<f64>().unwrap() * 20.0;
        // Exponential talk: sd = mean, so the SE of the mean of `answered` calls.
        let se = expected / answered.sqrt();
        assert!(
            (aht - expected).abs() <= 3.5 * se,
            "{}: AHT {aht} s, the forecast says {expected} s (SE {se:.1})",
            row["interval_start"]
        );
    }
}

#[test]
fn bad_means_per_interval_are_located() {
    let bad = |scenario: String, aht: &str| refused(&scenario, "aht.csv", aht.as_bytes());
    let listed = |means: &str| LISTS.replace("mean = \"4m\" }", &format!("mean = {means} }}"));
    let err = bad(listed("[\"4m\", \"4m\", \"4m\"]"), "");
    assert!(
        err.contains("scenario.toml:12:41:")
            && err.contains(
                "`queue.support.handle.mean`: has 3 values, but the simulation has 4 intervals"
            ),
        "{err}"
    );
    let err = bad(listed("[\"4m\", \"0s\", \"4m\", \"4m\"]"), "");
    assert!(
        err.contains("`queue.support.handle.mean`: must be more than 0s (in interval 2, from 1)"),
        "{err}"
    );
    let from_csv = listed("{ file = \"aht.csv\", column = \"aht\" }");
    let err = bad(from_csv.clone(), "start,aht\n2026-03-30 08:00,long\n");
    assert!(
        err.contains("aht.csv:2:2: `queue.support.handle.mean`")
            && err.contains("\"long\" is not a number: give a duration"),
        "{err}"
    );
    let err = bad(from_csv, "start,aht\n2026-03-30 08:00,-5\n");
    assert!(
        err.contains("aht.csv:2:2:") && err.contains("-5 is not a mean duration"),
        "{err}"
    );
    // A mean per interval is for callers' laws, not for agents' aux periods.
    let aux = LISTS.replace(
        "staffing = { per_interval = [3, 4, 5, 6] }",
        "staffing = { per_interval = [3, 4, 5, 6] }\nnot_ready = { every = { dist = \"exponential\", mean = [\"1h\"] }, length = { dist = \"constant\", value = \"5m\" } }",
    );
    let err = bad(aux, "");
    assert!(
        err.contains("`agent_group.tier1.not_ready.every.mean`: takes one duration here"),
        "{err}"
    );
}

/// Callback acceptance by interval: 0 and 1 alternately, callers accept in exactly the
/// intervals where it is 1; a list of one value repeated, or a column of percentages, gives
/// the reports the single value gives.
#[test]
fn callback_acceptance_follows_its_interval() {
    let short = LISTS
        .replace("[3, 4, 5, 6]", "[2, 2, 2, 2]")
        .replace("[10, 22.5, 30, 40]", "[40, 40, 40, 40]");
    // [queue.callback] belongs to the queue: it goes right after the queue's keys.
    let with = |accept: &str| {
        short.replace(
            "\n[[agent_group]]",
            &format!(
                "\n[queue.callback]\noffer_after = \"30s\"\naccept = {accept}\n\n[[agent_group]]"
            ),
        )
    };
    let alternate = Ccsim::simulate(&with("[0, 1, 0, 1]"), &[]);
    let rows = crate::harness::csv_rows(&alternate.path("out/intervals.csv"));
    for (k, row) in rows.iter().enumerate() {
        let (offered, accepted): (f64, f64) = (
            row["callbacks_offered"].parse().unwrap(),
            row["callbacks_accepted"].parse().unwrap(),
        );
        assert!(offered > 0.0, "{row:?}");
        let expected = if k % 2 == 1 { offered } else { 0.0 };
        assert_eq!(accepted, expected, "interval {k}: {row:?}");
    }

    let one = Ccsim::simulate(&with("0.35"), &[]);
    let listed = Ccsim::simulate(&with("[0.35, \"35%\", 0.35, \"35 %\"]"), &[]);
    let percentages = Ccsim::new()
        .file(
            "scenario.toml",
            &with("{ file = \"accept.csv\", column = \"accept\" }"),
        )
        .file(
            "accept.csv",
            "start,accept\n2026-03-30 08:00,35%\n2026-03-30 08:30,35 %\n2026-03-30 09:00,0.35\n2026-03-30 09:30,35%\n",
        )
        .args(["run", "scenario.toml", "--out", "out"])
        .run()
        .success();
    for report in REPORTS {
        assert_eq!(listed.read(report), one.read(report), "{report}");
        assert_eq!(percentages.read(report), one.read(report), "{report}");
    }

    let bad = Ccsim::new()
        .file("scenario.toml", &with("[0.3, 1.5, 0.3, 0.3]"))
        .args(["validate", "scenario.toml"])
        .run();
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains("`queue.support.callback.accept`: 1.5 is not a share")
            && bad.stderr.contains("scenario.toml:"),
        "{}",
        bad.stderr
    );
}

/// Patience by interval: callers draw it by the interval they arrive in (a mean of 1 s in
/// the second interval only, 10 h elsewhere: nearly every caller who waits there hangs up,
/// almost none elsewhere).
#[test]
fn patience_follows_its_interval() {
    let text = LISTS
        .replace("[10, 22.5, 30, 40]", "[40, 40, 40, 40]")
        .replace("[3, 4, 5, 6]", "[6, 6, 6, 6]")
        .replace(
            "patience = { dist = \"exponential\", mean = \"3m\" }",
            "patience = { dist = \"exponential\", mean = [\"10h\", \"1s\", \"10h\", \"10h\"] }",
        );
    let run = Ccsim::simulate(&text, &[]);
    let rows = crate::harness::csv_rows(&run.path("out/intervals.csv"));
    let rate = |k: usize| rows[k]["abandon_rate"].parse::<f64>().unwrap();
    let p_wait = |k: usize| rows[k]["p_wait"].parse::<f64>().unwrap();
    assert!(
        rate(1) > 0.5 * p_wait(1) && p_wait(1) > 0.2,
        "{:?}",
        rows[1]
    );
    for k in [0, 2, 3] {
        assert!(rate(k) < 0.05, "interval {k}: {:?}", rows[k]);
    }
}

/// What the review of the readers found: blank rows below the data and times without an
/// offset read at the start's offset give the same reports; a zero AHT, a header named
/// twice, a gap before rows after the simulation and a non-UTF-8 file are located.
#[test]
fn blank_rows_offsets_and_more_bad_files() {
    let lists = Ccsim::simulate(LISTS, &[]);
    // The same start written at +02:00, the file's times local to it, and empty rows.
    let local = from_file().replace("2026-03-30T08:00:00Z", "2026-03-30T10:00:00+02:00");
    let csv = "start,support,tier1\n2026-03-30 10:00,10,3\n2026-03-30 10:30,22.5,4\n\
               2026-03-30 11:00,30,5\n2026-03-30 11:30,40,6\n,,\n,,\n";
    let run = Ccsim::new()
        .file("scenario.toml", &local)
        .file("forecast.csv", csv)
        .args(["run", "scenario.toml", "--out", "out"])
        .run()
        .success();
    for report in REPORTS {
        assert_eq!(run.read(report), lists.read(report), "{report}");
    }

    let bad = |scenario: &str, csv: &[u8]| refused(scenario, "forecast.csv", csv);
    let err = bad(
        &from_file(),
        b"start,support,SUPPORT,tier1\n2026-03-30 08:00,1,1,1\n",
    );
    assert!(
        err.contains("forecast.csv:1:") && err.contains("columns 2 and 3 are both named"),
        "{err}"
    );
    let err = bad(
        &from_file(),
        b"start,support,tier1\n2026-03-30 08:00,10,3\n2026-03-30 08:30,22,4\n2026-03-30 12:00,1,1\n",
    );
    assert!(
        err.contains("forecast.csv:4:1:")
            && err.contains("no row for the interval starting 2026-03-30T09:00:00Z")
            && err.contains("after the simulation"),
        "{err}"
    );
    let err = bad(
        &from_file(),
        b"start,support,tier1\n2026-03-30 08:00,10,3\xff\n",
    );
    assert!(
        err.contains("not UTF-8") && err.contains("CSV UTF-8"),
        "{err}"
    );
    let aht = LISTS.replace(
        "mean = \"4m\" }",
        "mean = { file = \"forecast.csv\", column = \"aht\" } }",
    );
    let err = bad(
        &aht,
        b"start,aht\n2026-03-30 08:00,240\n2026-03-30 08:30,0\n2026-03-30 09:00,240\n2026-03-30 09:30,240\n",
    );
    assert!(
        err.contains("forecast.csv:3:2: `queue.support.handle.mean`")
            && err.contains("0 is not a mean duration"),
        "{err}"
    );
    let err = bad(&aht, b"start,aht\n2026-03-30 08:00,2000000h\n");
    assert!(
        err.contains("forecast.csv:2:2:") && err.contains("is not a mean duration"),
        "{err}"
    );
}

#[test]
fn a_target_reads_as_a_share_or_a_percentage() {
    let with = |target: &str| format!("{LISTS}\n[service_level]\ntarget = {target}\n");
    let fraction = Ccsim::simulate(&with("0.8"), &[]);
    let percent = Ccsim::simulate(&with("\"80%\""), &[]);
    for report in REPORTS {
        assert_eq!(fraction.read(report), percent.read(report), "{report}");
    }
    assert!(
        fraction
            .read("out/summary.csv")
            .contains("service_level_target_met")
    );
    for bad in ["\"180%\"", "1.5", "\"eighty\""] {
        let run = Ccsim::new()
            .file("scenario.toml", &with(bad))
            .args(["validate", "scenario.toml"])
            .run();
        assert_eq!(run.code, 2, "{bad}: {}", run.stderr);
        assert!(
            run.stderr.contains("service_level.target") && run.stderr.contains("80%"),
            "{bad}: {}",
            run.stderr
        );
    }
}

#[test]
fn staff_bounds_take_shares_as_percentages_and_times_with_units() {
    let staffed = LISTS.replace("replications = 4", "replications = 10");
    let staff = |max: &str| {
        Ccsim::new()
            .file("scenario.toml", &staffed)
            .args(["staff", "scenario.toml", "--out", "plan"])
            .args(["--target", "service_level=80%", "--max", max])
            .run()
    };
    let with_unit = staff("asa_s=30s").success();
    let in_seconds = staff("asa_s=30").success();
    assert_eq!(
        with_unit.read("plan/staffing.csv"),
        in_seconds.read("plan/staffing.csv")
    );
    let fraction = Ccsim::new()
        .file("scenario.toml", &staffed)
        .args(["staff", "scenario.toml", "--out", "plan"])
        .args(["--target", "service_level=0.8", "--max", "asa_s=0.5m"])
        .run()
        .success();
    assert_eq!(
        fraction.read("plan/staffing.csv"),
        in_seconds.read("plan/staffing.csv")
    );
    for bad in [
        "asa_s=30x",
        "asa_s=-1",
        "abandon_rate=105%",
        "abandon_rate=5",
    ] {
        let run = staff(bad);
        assert_eq!(run.code, 2, "{bad}: {}", run.stderr);
        assert!(
            run.stderr.contains(bad.split('=').next().unwrap()),
            "{}",
            run.stderr
        );
    }
}
