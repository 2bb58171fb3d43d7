//! Comparing two runs metric by metric: the difference, its confidence interval, and a
//! verdict that a change can be gated on.
//!
//! Each run's figure is its estimate over replications (a ratio of sums for rates, a mean
//! otherwise), and the difference's interval comes from the replications' linearised values
//! (the delta method). Replications are paired when both runs used the same seed and
//! replication count (common random numbers make their differences far less noisy);
//! otherwise Welch's interval is used. Verdicts use intervals widened for the number of metrics compared (Bonferroni), so
//! that the chance of any false "worse" between two runs of one scenario stays under 5 %.

use crate::experiment::RunResults;
use crate::scenario::Scenario;
use crate::stats::{Direction, Estimator, Metric, Ratio, Unit, linearised, t_quantile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// What must match for two runs to be comparable: the same period in the same intervals,
/// the same service-level measure, the same queues. Agent groups and port pools may differ
/// (their shared metrics are compared).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shape {
    pub start: String,
    pub duration_s: f64,
    pub interval_s: f64,
    pub warmup_s: f64,
    /// Definition and threshold, e.g. `offered within 20s`.
    pub service_level: String,
    /// Queue names, sorted.
    pub queues: Vec<String>,
}

impl Shape {
    pub fn of(s: &Scenario) -> Shape {
        let secs = crate::engine::secs_from_ticks;
        let mut queues: Vec<String> = s.queues.iter().map(|q| q.name.clone()).collect();
        queues.sort();
        Shape {
            start: s.start.to_string(),
            duration_s: secs(s.duration),
            interval_s: secs(s.interval),
            warmup_s: secs(s.warmup),
            service_level: format!(
                "{} within {}",
                s.service_level.definition.name(),
                crate::scenario::Duration::from_ticks(s.service_level.threshold)
            ),
            queues,
        }
    }

    /// Why `other` cannot be compared with `self`, if it cannot.
    pub fn incompatibility(&self, other: &Shape) -> Option<String> {
        if self.start != other.start || self.duration_s != other.duration_s {
            return Some(format!(
                "the runs cover different periods ({} for {} s, and {} for {} s)",
                self.start, self.duration_s, other.start, other.duration_s
            ));
        }
        if self.interval_s != other.interval_s || self.warmup_s != other.warmup_s {
            return Some("the runs have different intervals or warm-ups".into());
        }
        if self.service_level != other.service_level {
            return Some(format!(
                "service level means different things ({} and {})",
                self.service_level, other.service_level
            ));
        }
        if self.queues != other.queues {
            return Some(format!(
                "the runs have different queues ({} and {})",
                self.queues.join(" "),
                other.queues.join(" ")
            ));
        }
        None
    }
}

/// (scope, metric), as `replications.csv` names them.
pub type MetricKey = (String, String);

/// One run's per-replication values of every metric.
#[derive(Clone, Debug)]
pub struct RunData {
    pub label: String,
    pub version: String,
    pub seed: u64,
    pub shape: Shape,
    /// (scope, metric) → value in each replication (NaN where undefined), in report order.
    pub values: Vec<(MetricKey, Vec<Ratio>)>,
}

#[derive(Deserialize)]
struct RunJson {
    ccsim_version: String,
    seed: u64,
    shape: Shape,
}

impl RunData {
    pub fn from_results(label: &str, r: &RunResults) -> RunData {
        let values = r
            .catalog
            .iter()
            .enumerate()
            .map(|(i, (scope, metric))| {
                (
                    (scope.label(&r.scenario), metric.name().to_string()),
                    r.replications.iter().map(|rep| rep.metrics[i]).collect(),
                )
            })
            .collect();
        RunData {
            label: label.into(),
            version: env!("CARGO_PKG_VERSION").into(),
            seed: r.options.seed,
            shape: Shape::of(&r.scenario),
            values,
        }
    }

    /// Reads an output folder of `ccsim run` (its `run.json` and `replications.csv`).
    pub fn from_dir(dir: &Path) -> Result<RunData, String> {
        let json_path = dir.join("run.json");
        let text = crate::scenario::input::read_text(&json_path, 1 << 20).map_err(|e| {
            format!(
                "{}: {e} (is {} the output folder of `ccsim run`?)",
                json_path.display(),
                dir.display()
            )
        })?;
        let run: RunJson =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", json_path.display()))?;
        let path = dir.join("replications.csv");
        let mut reader =
            csv::Reader::from_path(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut values: Vec<((String, String), Vec<Ratio>)> = Vec::new();
        let mut index: BTreeMap<(String, String), usize> = BTreeMap::new();
        for (line, record) in reader.records().enumerate() {
            let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
            let (Some(scope), Some(metric), Some(value)) =
                (record.get(1), record.get(2), record.get(3))
            else {
                return Err(format!(
                    "{}:{}: expected replication,scope,metric,value,numerator,denominator",
                    path.display(),
                    line + 2
                ));
            };
            let parse = |column: &str, text: &str| {
                if text.is_empty() {
                    Ok(f64::NAN)
                } else {
                    text.parse::<f64>().map_err(|_| {
                        format!(
                            "{}:{}: `{column}`: \"{text}\" is not a number",
                            path.display(),
                            line + 2
                        )
                    })
                }
            };
            // Folders of ccsim before numerators were written hold the value alone.
            let v = match (record.get(4), record.get(5)) {
                (Some(num), Some(den)) => {
                    Ratio::new(parse("numerator", num)?, parse("denominator", den)?)
                }
                _ => Ratio::value(parse("value", value)?),
            };
            let key = (scope.to_string(), metric.to_string());
            let i = *index.entry(key.clone()).or_insert_with(|| {
                values.push((key, Vec::new()));
                values.len() - 1
            });
            values[i].1.push(v);
        }
        Ok(RunData {
            label: dir.display().to_string(),
            version: run.ccsim_version,
            seed: run.seed,
            shape: run.shape,
            values,
        })
    }

    pub fn replications(&self) -> usize {
        self.values.first().map_or(0, |(_, v)| v.len())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Worse,
    Better,
    Changed,
    Unclear,
    Same,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Worse => "worse",
            Verdict::Better => "better",
            Verdict::Changed => "changed",
            Verdict::Unclear => "unclear",
            Verdict::Same => "same",
        }
    }
}

/// One metric compared.
#[derive(Clone, Debug)]
pub struct MetricComparison {
    pub scope: String,
    pub metric: String,
    pub mean_a: f64,
    pub mean_b: f64,
    /// B − A.
    pub difference: f64,
    /// 95 % interval of the difference.
    pub ci_low: f64,
    pub ci_high: f64,
    /// The wider interval the verdict uses, holding for all metrics together.
    pub verdict_low: f64,
    pub verdict_high: f64,
    pub paired: bool,
    /// Replications (pairs, when paired) in which the metric was defined.
    pub replications: usize,
    pub tolerance: f64,
    pub verdict: Verdict,
}

/// Absolute tolerances by metric name; the rest get a default by unit.
#[derive(Clone, Debug, Default)]
pub struct Tolerances(pub BTreeMap<String, f64>);

impl Tolerances {
    /// A difference smaller than this is "the same": half a point for shares (five points
    /// for the share of days meeting the target), a second for times, 1 % of A's value for
    /// counts and averages.
    pub fn of(&self, metric: &str, mean_a: f64) -> f64 {
        if let Some(t) = self.0.get(metric) {
            return *t;
        }
        let def = Metric::from_name(metric).map(Metric::def);
        match def.map(|d| (d.estimator, d.unit)) {
            // A share of days: its steps are 1 / replications, far coarser than half a point.
            Some((Estimator::ShareOfReplications, _)) => 0.05,
            Some((_, Unit::Share)) => 0.005,
            Some((_, Unit::Seconds)) => 1.0,
            _ => 0.01 * mean_a.abs(),
        }
    }
}

/// Family-wise error rate of the verdicts.
pub const FAMILY_ALPHA: f64 = 0.05;

/// Compares B with A for every metric both report.
pub fn compare(a: &RunData, b: &RunData, tolerances: &Tolerances) -> Vec<MetricComparison> {
    let paired = a.seed == b.seed && a.replications() == b.replications();
    let b_values: BTreeMap<&(String, String), &Vec<Ratio>> =
        b.values.iter().map(|(k, v)| (k, v)).collect();
    let pairs: Vec<(&MetricKey, &Vec<Ratio>, &Vec<Ratio>)> = a
        .values
        .iter()
        .filter_map(|(k, va)| b_values.get(k).map(|vb| (k, va, *vb)))
        .collect();
    let stats: Vec<Option<DiffStats>> = pairs
        .iter()
        .map(|(_, va, vb)| {
            if paired {
                paired_stats(va, vb)
            } else {
                welch_stats(va, vb)
            }
        })
        .collect();
    let tested = stats.iter().flatten().filter(|s| s.se > 0.0).count().max(1);
    // Two-sided level for each of the `tested` intervals, so that all hold together.
    let simultaneous = 1.0 - FAMILY_ALPHA / (2.0 * tested as f64);
    pairs
        .iter()
        .zip(stats)
        .map(|(&(key, va, vb), s)| {
            let (mean_a, mean_b) = (linearised(va).0, linearised(vb).0);
            let metric = Metric::from_name(&key.1);
            let tolerance = tolerances.of(&key.1, mean_a);
            let (difference, ci_low, ci_high, verdict_low, verdict_high, n, verdict) = match s {
                None => (
                    mean_b - mean_a,
                    f64::NAN,
                    f64::NAN,
                    f64::NAN,
                    f64::NAN,
                    0,
                    Verdict::Unclear,
                ),
                Some(s) => {
                    let half95 = if s.se > 0.0 {
                        t_quantile(0.975, s.df) * s.se
                    } else {
                        0.0
                    };
                    let half = if s.se > 0.0 {
                        t_quantile(simultaneous, s.df) * s.se
                    } else {
                        0.0
                    };
                    let (lo, hi) = (s.mean - half, s.mean + half);
                    let verdict = if lo >= -tolerance && hi <= tolerance {
                        Verdict::Same
                    } else if lo > 0.0 || hi < 0.0 {
                        match metric.map_or(Direction::Neutral, Metric::direction) {
                            Direction::HigherIsBetter if lo > 0.0 => Verdict::Better,
                            Direction::LowerIsBetter if hi < 0.0 => Verdict::Better,
                            Direction::Neutral => Verdict::Changed,
                            _ => Verdict::Worse,
                        }
                    } else {
                        Verdict::Unclear
                    };
                    (
                        s.mean,
                        s.mean - half95,
                        s.mean + half95,
                        lo,
                        hi,
                        s.n,
                        verdict,
                    )
                }
            };
            MetricComparison {
                scope: key.0.clone(),
                metric: key.1.clone(),
                mean_a,
                mean_b,
                difference,
                ci_low,
                ci_high,
                verdict_low,
                verdict_high,
                paired,
                replications: n,
                tolerance,
                verdict,
            }
        })
        .collect()
}

struct DiffStats {
    mean: f64,
    se: f64,
    df: f64,
    n: usize,
}

fn mean_var(v: &[f64]) -> (f64, f64, usize) {
    let n = v.len();
    let m = v.iter().sum::<f64>() / n as f64;
    let var = if n > 1 {
        v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64
    } else {
        f64::NAN
    };
    (m, var, n)
}

/// Differences replication by replication (where both are defined): the difference of the
/// two ratio estimates over those replications, with the spread of the differences of their
/// linearised values.
fn paired_stats(a: &[Ratio], b: &[Ratio]) -> Option<DiffStats> {
    let (a, b): (Vec<Ratio>, Vec<Ratio>) = a
        .iter()
        .zip(b)
        .filter(|(x, y)| !x.num.is_nan() && !y.num.is_nan())
        .unzip();
    if a.len() < 2 {
        return None;
    }
    let ((ra, za), (rb, zb)) = (linearised(&a), linearised(&b));
    if ra.is_nan() || rb.is_nan() {
        return None;
    }
    let d: Vec<f64> = za.iter().zip(&zb).map(|(x, y)| y - x).collect();
    let (_, var, n) = mean_var(&d);
    Some(DiffStats {
        mean: rb - ra,
        se: (var / n as f64).sqrt(),
        df: (n - 1) as f64,
        n,
    })
}

/// Welch's unequal-variance difference of the two ratio estimates.
fn welch_stats(a: &[Ratio], b: &[Ratio]) -> Option<DiffStats> {
    let defined = |v: &[Ratio]| -> Option<(f64, Vec<f64>)> {
        let (r, z) = linearised(v);
        let z: Vec<f64> = z.into_iter().filter(|x| !x.is_nan()).collect();
        (!r.is_nan() && z.len() >= 2).then_some((r, z))
    };
    let ((ra, za), (rb, zb)) = (defined(a)?, defined(b)?);
    let ((_, va, na), (_, vb, nb)) = (mean_var(&za), mean_var(&zb));
    let (sa, sb) = (va / na as f64, vb / nb as f64);
    let se = (sa + sb).sqrt();
    let df = if se > 0.0 {
        (sa + sb).powi(2) / (sa * sa / (na - 1) as f64 + sb * sb / (nb - 1) as f64)
    } else {
        (na + nb - 2) as f64
    };
    Some(DiffStats {
        mean: rb - ra,
        se,
        df,
        n: na.min(nb),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welch_matches_a_textbook_case() {
        // Welch's statistics of these samples, computed independently (Python's statistics module).
        let a = [19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0];
        let b = [
            28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7, 23.2, 17.5, 20.6, 18.0,
            23.9, 21.6, 24.3, 20.4, 23.9, 13.3,
        ];
        let s = welch_stats(&a.map(Ratio::value), &b.map(Ratio::value)).unwrap();
        assert!((s.mean - 2.22).abs() < 1e-9);
        assert!((s.df - 24.524_635).abs() < 1e-5, "{}", s.df);
        assert!((s.se - 0.997_523).abs() < 1e-5);
    }

    #[test]
    fn paired_differences_ignore_undefined_values() {
        let s = paired_stats(
            &[1.0, f64::NAN, 3.0, 4.0].map(Ratio::value),
            &[2.0, 5.0, 5.0, 5.0].map(Ratio::value),
        )
        .unwrap();
        assert_eq!(s.n, 3);
        assert!((s.mean - 4.0 / 3.0).abs() < 1e-12);
    }
}
