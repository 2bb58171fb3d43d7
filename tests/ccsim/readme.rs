//! The README's examples, run: its printed output and the figures it quotes cannot drift
//! from what ccsim does.

use crate::harness::{Ccsim, csv_rows};
use std::path::Path;

const README: &str = include_str!("../../README.md");

fn bundled(name: &str) -> String {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"))
        .join(name)
        .display()
        .to_string()
}

/// The first fenced block after `marker`.
fn block_after(marker: &str) -> &'static str {
    let from = README
        .find(marker)
        .unwrap_or_else(|| panic!("README: {marker}"));
    let rest = &README[from..];
    // The block opens with a bare fence on a line of its own.
    let start = rest.find("\n```\n").unwrap() + 5;
    let end = start + rest[start..].find("```").unwrap();
    &rest[start..end]
}

/// The run's first line without what depends on the machine (threads, wall time).
fn steady(text: &str) -> String {
    text.lines()
        .map(|l| match (l.find(" thread"), l.find(" s (")) {
            (Some(_), Some(t)) if l.contains("replication") => {
                let cut = l[..l.find(" thread").unwrap()].rfind(", ").unwrap();
                format!("{}{}", &l[..cut], &l[t + 2..])
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_quick_start_prints_what_the_readme_shows() {
    let run = Ccsim::new()
        .args(["run", &bundled("default.toml"), "--out", "output/default"])
        .run()
        .success();
    let shown = block_after("The first command prints");
    assert_eq!(steady(&run.stdout).trim_end(), steady(shown).trim_end());
}

#[test]
fn a_planners_first_hour_quotes_what_compare_finds() {
    let forecast = std::fs::read_to_string(bundled("forecast.toml")).unwrap();
    let csv = std::fs::read_to_string(bundled("forecast.csv")).unwrap();
    // The README's sed line: the sellers also take support calls.
    let sed = r#"sed 's/queues = \["sales"\]/queues = ["sales", "support"]/'"#;
    assert!(README.contains(sed));
    let cross = forecast.replace(r#"queues = ["sales"]"#, r#"queues = ["sales", "support"]"#);
    assert_ne!(cross, forecast);
    let run = Ccsim::new()
        .file("forecast.toml", &forecast)
        .file("forecast.csv", &csv)
        .file("cross.toml", &cross)
        .args(["compare", "forecast.toml", "cross.toml", "--out", "cmp"])
        .run();
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let rows = csv_rows(&run.path("cmp/comparison.csv"));
    let row = |scope: &str, metric: &str| {
        rows.iter()
            .find(|r| r["scope"] == scope && r["metric"] == metric)
            .unwrap_or_else(|| panic!("{scope} {metric}"))
            .clone()
    };
    let pct = |r: &std::collections::HashMap<String, String>, side: &str| {
        format!("{:.1} %", r[side].parse::<f64>().unwrap() * 100.0)
    };
    // The section's text as one line (its sentences wrap anywhere).
    let from = README.find("## A planner's first hour").unwrap();
    let section = README[from..]
        .split("\n## ")
        .next()
        .unwrap()
        .replace('\n', " ");
    for (scope, sentence) in [("queue:support", "rises"), ("queue:sales", "falls")] {
        let r = row(scope, "service_level");
        let quoted = format!("from {} to {}", pct(&r, "mean_a"), pct(&r, "mean_b"));
        let at = section.find(&format!("{sentence} from")).unwrap();
        let said: String = section[at..].chars().take(40).collect();
        assert!(
            said.contains(&quoted),
            "README should say {sentence} {quoted}"
        );
        assert_eq!(
            r["verdict"],
            if sentence == "rises" {
                "better"
            } else {
                "worse"
            }
        );
    }
    let abandoned = row("queue:support", "abandoned");
    let (a, b): (f64, f64) = (
        abandoned["mean_a"].parse().unwrap(),
        abandoned["mean_b"].parse().unwrap(),
    );
    assert!(section.contains("its abandons fall by three quarters"));
    assert!((0.65..0.85).contains(&(1.0 - b / a)), "{a} → {b}");
}

/// Every `$ ccsim …` transcript in the README's code blocks, run: its output must be what
/// the README prints. A line `…` stands for any lines, a field `...` for any fields; fields
/// are compared apart from their alignment, and the run's threads and wall time not at all.
#[test]
fn every_transcript_in_the_readme_prints_what_it_shows() {
    let mut transcripts = 0;
    // The code blocks: lines between a fence (```, ```toml …) and the next.
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let mut open: Option<Vec<&str>> = None;
    for line in README.lines() {
        match (line.starts_with("```"), open.take()) {
            (true, Some(block)) => blocks.push(block),
            (true, None) => open = Some(Vec::new()),
            (false, Some(mut block)) => {
                block.push(line);
                open = Some(block);
            }
            (false, None) => {}
        }
    }
    for lines in blocks {
        let starts: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].starts_with("$ ccsim "))
            .collect();
        for (n, &i) in starts.iter().enumerate() {
            let end = starts.get(n + 1).copied().unwrap_or(lines.len());
            let mut shown: Vec<&str> = lines[i + 1..end].to_vec();
            while shown.last().is_some_and(|l| l.trim().is_empty()) {
                shown.pop();
            }
            let mut args: Vec<String> = lines[i]["$ ccsim ".len()..]
                .split_whitespace()
                .map(|a| match a.strip_prefix("scenarios/") {
                    Some(name) => bundled(name),
                    None => a.to_string(),
                })
                .collect();
            if args[0] == "run" {
                args.extend(["--out".to_string(), "out".to_string()]);
            }
            // `compare` exits 1 when it finds something worse, as the README says.
            let run = Ccsim::new().args(&args).run();
            let worse = args[0] == "compare" && run.code == 1;
            let run = if worse { run } else { run.success() };
            let printed = steady(&run.stdout);
            let printed: Vec<&str> = printed.lines().collect();
            let shown = steady(&shown.join("\n"));
            let shown: Vec<&str> = shown.lines().collect();
            assert!(
                matches(&shown, &printed),
                "README: `{}` prints\n{}\nnot\n{}",
                lines[i],
                printed.join("\n"),
                shown.join("\n")
            );
            transcripts += 1;
        }
    }
    assert!(transcripts >= 4, "{transcripts} transcripts found");
}

/// Whether `printed` begins with what `shown` shows (`…` lines and `...` fields elided).
fn matches(shown: &[&str], printed: &[&str]) -> bool {
    match shown.split_first() {
        None => true,
        Some((first, rest)) if first.trim() == "…" => {
            (0..=printed.len()).any(|skip| matches(rest, &printed[skip..]))
        }
        Some((first, rest)) => printed.split_first().is_some_and(|(line, more)| {
            let shown: Vec<&str> = first.split_whitespace().collect();
            let printed: Vec<&str> = line.split_whitespace().collect();
            fields_match(&shown, &printed) && matches(rest, more)
        }),
    }
}

fn fields_match(shown: &[&str], printed: &[&str]) -> bool {
    match shown.split_first() {
        None => printed.is_empty(),
        Some((&"...", rest)) => {
            (0..=printed.len()).any(|skip| fields_match(rest, &printed[skip..]))
        }
        Some((field, rest)) => printed
            .split_first()
            .is_some_and(|(p, more)| p == field && fields_match(rest, more)),
    }
}

#[test]
fn elisions_in_transcripts_match_what_they_stand_for() {
    let printed = ["a 1 2 3", "b", "c", "d 4"];
    assert!(matches(&["a 1 ... 3", "…", "d 4"], &printed));
    assert!(matches(&["a  1 2  3", "b"], &printed), "alignment aside");
    assert!(
        !matches(&["a 1 2 3", "c"], &printed),
        "lines are consecutive without …"
    );
    assert!(!matches(&["a 1 ... 4"], &printed));
    assert!(!matches(&["a 1 2 3", "…", "e"], &printed));
}
