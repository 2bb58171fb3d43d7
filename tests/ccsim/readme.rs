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
