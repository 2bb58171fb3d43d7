//! Parameter sweeps: scenario keys set to lists of values, every combination run with the
//! same seeds (common random numbers across points).
//!
//! Keys are dotted paths through the scenario file, with queues, groups and pools named:
//! `queue.support.patience.mean`, `agent_group.tier1.staffing.count`,
//! `simulation.replications`. Values are edited into the file's own text, so a value that
//! makes the scenario invalid is reported at its line, with its key.

use crate::scenario::{Scenario, ScenarioError};
use std::path::Path;
use toml_edit::{DocumentMut, Item, TableLike, Value};

/// One `--set KEY=VALUES`.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    pub key: String,
    /// As written: each is parsed as a TOML value, or taken as text (`60s`).
    pub values: Vec<String>,
}

impl std::str::FromStr for Setting {
    type Err = String;

    /// `KEY=V1,V2,…` or `KEY=A..B` (whole numbers, inclusive) or `KEY=A..B..STEP`.
    fn from_str(arg: &str) -> Result<Setting, String> {
        let (key, values) = arg.split_once('=').ok_or_else(|| {
            format!("\"{arg}\": write KEY=VALUES, e.g. queue.support.patience.mean=60s,120s")
        })?;
        let key = key.trim();
        if key.is_empty() || key.split('.').any(str::is_empty) {
            return Err(format!(
                "\"{key}\" is not a key: write a dotted path such as agent_group.tier1.staffing.count"
            ));
        }
        let values = match range(values) {
            Some(r) => r?,
            None => split_top_level(values),
        };
        if values.is_empty() || values.iter().any(|v| v.is_empty()) {
            return Err(format!(
                "{key}: no value given (write values separated by commas, or a range like 10..16)"
            ));
        }
        Ok(Setting {
            key: key.to_string(),
            values,
        })
    }
}

/// `A..B` or `A..B..STEP` of whole numbers, if `text` is one.
fn range(text: &str) -> Option<Result<Vec<String>, String>> {
    let parts: Vec<&str> = text.split("..").collect();
    if parts.len() < 2 || parts.len() > 3 {
        return None;
    }
    let nums: Option<Vec<i64>> = parts.iter().map(|p| p.trim().parse().ok()).collect();
    let nums = nums?;
    let (from, to, step) = (nums[0], nums[1], nums.get(2).copied().unwrap_or(1));
    if step <= 0 || to < from {
        return Some(Err(format!(
            "{text}: a range goes up, by a step of 1 or more"
        )));
    }
    if (to - from) / step >= 10_000 {
        return Some(Err(format!("{text}: more than 10 000 values")));
    }
    Some(Ok((0..)
        .map(|i| from + i * step)
        .take_while(|v| *v <= to)
        .map(|v| v.to_string())
        .collect()))
}

/// Splits on commas outside brackets and quotes, so arrays and strings stay whole.
fn split_top_level(text: &str) -> Vec<String> {
    let (mut parts, mut current, mut depth, mut quoted) = (Vec::new(), String::new(), 0i32, false);
    for ch in text.chars() {
        match ch {
            '"' => quoted = !quoted,
            '[' | '{' if !quoted => depth += 1,
            ']' | '}' if !quoted => depth -= 1,
            ',' if depth == 0 && !quoted => {
                parts.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(ch);
    }
    parts.push(current.trim().to_string());
    parts
}

/// Every combination of the settings' values, the first setting varying slowest.
pub fn grid(settings: &[Setting]) -> Vec<Vec<(String, String)>> {
    let mut points: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for s in settings {
        points = points
            .into_iter()
            .flat_map(|p| {
                s.values.iter().map(move |v| {
                    let mut p = p.clone();
                    p.push((s.key.clone(), v.clone()));
                    p
                })
            })
            .collect();
    }
    points
}

/// The ways a table gives its values per interval (`arrivals`, `staffing`): setting a key
/// of one removes the keys of the others (`count` replaces `per_interval`, `per_hour`
/// replaces `file` and `column`).
const SOURCES: [&[&str]; 4] = [
    &["per_interval"],
    &["per_hour"],
    &["count"],
    &["file", "column"],
];

/// The text of a scenario with `assignments` made, its layout and comments kept.
pub fn edit(path: &Path, text: &str, assignments: &[(String, String)]) -> Result<String, String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    for (key, value) in assignments {
        set(&mut doc, key, value).map_err(|e| format!("--set {key}={value}: {e}"))?;
    }
    Ok(doc.to_string())
}

/// The scenario in `text` (read from `path`) with `assignments` made.
pub fn apply(
    path: &Path,
    text: &str,
    assignments: &[(String, String)],
) -> Result<Scenario, String> {
    let edited = edit(path, text, assignments)?;
    Scenario::from_text(path, &edited).map_err(|mut e: ScenarioError| {
        // A key `--set` adds has no line in the file: its line in the edited text would
        // name another line, or none, of the file.
        let key_of = |line: &str| line.split('=').next().map(str::trim).map(str::to_owned);
        let line = |t: &str| t.lines().nth(e.line.wrapping_sub(1)).and_then(key_of);
        if e.line > 0 && line(&edited) != line(text) {
            (e.line, e.column) = (0, 0);
            e.message = format!("{} (in a line --set adds to the file)", e.message);
        }
        let at = assignments
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ");
        format!("with {at}, the scenario is not valid: {e}")
    })
}

/// Sets `key` (a dotted path; array-of-table elements by their `name`) to `value`.
fn set(doc: &mut DocumentMut, key: &str, value: &str) -> Result<(), String> {
    let parts: Vec<&str> = key.split('.').collect();
    let (leaf, path) = parts.split_last().expect("keys have a segment");
    set_in(doc.as_table_mut(), path, leaf, value, "")
}

/// Continues `set` inside a table — a standard or an inline one — `walked` being the path
/// so far (for messages).
fn set_in(
    table: &mut dyn TableLike,
    path: &[&str],
    leaf: &str,
    value: &str,
    walked: &str,
) -> Result<(), String> {
    let Some((first, rest)) = path.split_first() else {
        // Setting a key of one source of values removes the other sources.
        if SOURCES.iter().any(|source| source.contains(&leaf)) {
            for other in SOURCES
                .iter()
                .filter(|source| !source.contains(&leaf))
                .flat_map(|source| source.iter())
            {
                table.remove(other);
            }
        }
        let mut new = parse_value(value);
        match table.get_mut(leaf) {
            // The key stays with its comments, and the value with its spacing: the lines and
            // columns an error names are still the file's.
            Some(Item::Value(old)) => {
                *new.decor_mut() = old.decor().clone();
                *old = new;
            }
            _ => {
                table.insert(leaf, Item::Value(new));
            }
        }
        return Ok(());
    };
    let here = if walked.is_empty() {
        first.to_string()
    } else {
        format!("{walked}.{first}")
    };
    match table.get_mut(first) {
        Some(Item::Table(t)) => set_in(t, rest, leaf, value, &here),
        Some(Item::Value(Value::InlineTable(t))) => set_in(t, rest, leaf, value, &here),
        Some(Item::ArrayOfTables(array)) => {
            // [[queue]], [[agent_group]], [[port_pool]]: the next segment names the element;
            // elements without a name ([[agent_group.shift]]) go by position, from 0.
            let (name, rest) = rest.split_first().ok_or_else(|| {
                format!("`{here}` holds several tables: name one, as in {here}.NAME.… (or {here}.0.… for the first)")
            })?;
            let names: Vec<String> = array
                .iter()
                .filter_map(|t| t.get("name").and_then(|n| n.as_str()).map(str::to_string))
                .collect();
            let count = array.len();
            let by_name = array
                .iter()
                .position(|t| t.get("name").and_then(|n| n.as_str()) == Some(*name));
            let at = by_name
                .or_else(|| name.parse::<usize>().ok().filter(|&i| i < count))
                .ok_or_else(|| {
                    let named = if names.is_empty() {
                        String::new()
                    } else {
                        format!("defined: {}; or ", names.join(", "))
                    };
                    format!(
                        "no [[{here}]] is named \"{name}\": {named}give its position, 0 to {}",
                        count.saturating_sub(1)
                    )
                })?;
            let element = array.get_mut(at).expect("a position within the array");
            set_in(element, rest, leaf, value, &format!("{here}.{name}"))
        }
        Some(_) => Err(format!("`{here}` is a value, not a table")),
        // A table the file leaves out ([service_level], a queue's patience) is made: a
        // section at the top, an inline table within one. One that is not a key of scenarios
        // is then an unknown key, reported with its path.
        None => {
            let made = if walked.is_empty() {
                Item::Table(toml_edit::Table::new())
            } else {
                Item::Value(Value::InlineTable(toml_edit::InlineTable::new()))
            };
            table.insert(first, made);
            set_in(table, path, leaf, value, walked)
        }
    }
}

/// A value as written on the command line: TOML if it parses (10, 0.7, true, "x", [1, 2]),
/// else text (60s, lognormal). Scenarios write times as text, so a TOML date-time is too.
fn parse_value(text: &str) -> Value {
    match text.parse::<Value>() {
        Ok(Value::Datetime(_)) | Err(_) => Value::from(text),
        Ok(v) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"[simulation]
name = "s"
start = "2026-01-05T00:00:00Z"
duration = "2h"
interval = "1h"

[[queue]]
name = "support"
arrivals = { per_hour = 10 }
handle = { dist = "exponential", mean = "3m" }
patience = { dist = "exponential", mean = "2m" }

[[agent_group]]
name = "tier1"
queues = ["support"]
staffing = { per_interval = [3, 4] }
"#;

    #[test]
    fn settings_parse_lists_ranges_and_arrays() {
        let s: Setting = "queue.support.patience.mean=60s,120s".parse().unwrap();
        assert_eq!(s.values, vec!["60s", "120s"]);
        let s: Setting = "agent_group.tier1.staffing.count=10..13".parse().unwrap();
        assert_eq!(s.values, vec!["10", "11", "12", "13"]);
        let s: Setting = "x.y=0..10..5".parse().unwrap();
        assert_eq!(s.values, vec!["0", "5", "10"]);
        let s: Setting = "agent_group.tier1.staffing.per_interval=[1,2],[3,4]"
            .parse()
            .unwrap();
        assert_eq!(s.values, vec!["[1,2]", "[3,4]"]);
        assert!("nokey".parse::<Setting>().is_err());
        assert!("a..b=1".parse::<Setting>().is_err());
        assert!("a.b=5..1".parse::<Setting>().is_err());
    }

    #[test]
    fn the_grid_varies_the_first_setting_slowest() {
        let g = grid(&["a=1,2".parse().unwrap(), "b=x,y".parse().unwrap()]);
        let flat: Vec<String> = g
            .iter()
            .map(|p| {
                p.iter()
                    .map(|(_, v)| v.as_str())
                    .collect::<Vec<_>>()
                    .join("")
            })
            .collect();
        assert_eq!(flat, vec!["1x", "1y", "2x", "2y"]);
    }

    #[test]
    fn keys_reach_named_tables_and_inline_tables() {
        let path = Path::new("s.toml");
        let s = apply(
            path,
            TEXT,
            &[("queue.support.patience.mean".into(), "90s".into())],
        )
        .unwrap();
        assert_eq!(s.queues[0].patience.as_ref().unwrap().at(0).mean(), 90.0);
        let s = apply(
            path,
            TEXT,
            &[("agent_group.tier1.staffing.count".into(), "7".into())],
        )
        .unwrap();
        assert_eq!(
            s.agent_groups[0].staffing.counts().unwrap().get(1),
            7,
            "count replaces per_interval"
        );
        let from_file = TEXT.replace(
            "staffing = { per_interval = [3, 4] }",
            "staffing = { file = \"plan.csv\", column = \"tier1\" }",
        );
        let edited = edit(
            path,
            &from_file,
            &[("agent_group.tier1.staffing.count".into(), "7".into())],
        )
        .unwrap();
        assert!(
            edited.contains("staffing = { count = 7 }"),
            "count replaces file and column: {edited}"
        );
        let s = apply(
            path,
            TEXT,
            &[("simulation.replications".into(), "5".into())],
        )
        .unwrap();
        assert_eq!(s.replications, 5);
        let err = apply(
            path,
            TEXT,
            &[("queue.sales.patience.mean".into(), "90s".into())],
        )
        .unwrap_err();
        assert!(err.contains("no [[queue]] is named \"sales\""), "{err}");
        // Shifts have no name: they go by position.
        let text = "[[agent_group]]\nname = \"g\"\n[[agent_group.shift]]\ncount = 2\n[[agent_group.shift]]\ncount = 3\n";
        let mut doc: DocumentMut = text.parse().unwrap();
        set(&mut doc, "agent_group.g.shift.1.count", "7").unwrap();
        assert!(doc.to_string().contains("count = 7"), "{doc}");
        assert!(doc.to_string().contains("count = 2"), "{doc}");
        let err = set(&mut doc, "agent_group.g.shift.2.count", "7").unwrap_err();
        assert!(err.contains("give its position, 0 to 1"), "{err}");
        let err = apply(
            path,
            TEXT,
            &[("queue.support.patience.mena".into(), "90s".into())],
        )
        .unwrap_err();
        assert!(err.contains("mena") && err.contains("s.toml:11"), "{err}");
        let err = apply(
            path,
            TEXT,
            &[("queue.support.handle.mean".into(), "-3m".into())],
        )
        .unwrap_err();
        assert!(
            err.contains("queue.support.handle.mean") && err.contains("negative"),
            "{err}"
        );
    }
}
