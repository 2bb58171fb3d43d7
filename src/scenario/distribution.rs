//! Probability distributions of durations (IVR, handle, wrap-up, patience), checked.

use super::PerInterval;
use super::error::ScenarioError;
use super::interval_csv::{IntervalGrid, Series};
use super::raw::{RawDistribution, RawSeries};
use super::validate::Checker;
use crate::engine::Ticks;
use rand_distr::{Gamma, LogNormal};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

/// A distribution of durations in seconds.
#[derive(Clone, Debug, PartialEq)]
pub enum Distribution {
    Constant {
        value: f64,
    },
    Exponential {
        mean: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    /// Lognormal with the given mean and coefficient of variation (sd / mean).
    LogNormal {
        mean: f64,
        cv: f64,
    },
    /// Gamma with the given mean and coefficient of variation (shape = 1 / cv²).
    Gamma {
        mean: f64,
        cv: f64,
    },
    /// Sum of `k` exponentials with total mean `mean` (a gamma with integer shape `k`).
    Erlang {
        mean: f64,
        k: u32,
    },
    /// Observed values, each drawn with equal probability.
    Empirical {
        file: PathBuf,
        values: Arc<[f64]>,
    },
}

impl Distribution {
    /// The mean in seconds.
    pub fn mean(&self) -> f64 {
        match self {
            Distribution::Constant { value } => *value,
            Distribution::Uniform { min, max } => (min + max) / 2.0,
            Distribution::Exponential { mean }
            | Distribution::LogNormal { mean, .. }
            | Distribution::Gamma { mean, .. }
            | Distribution::Erlang { mean, .. } => *mean,
            Distribution::Empirical { values, .. } => {
                values.iter().sum::<f64>() / values.len() as f64
            }
        }
    }
}

impl Distribution {
    /// The lognormal's parameters (μ, σ of the normal it is the exponential of) for a mean
    /// and cv.
    pub fn lognormal(mean: f64, cv: f64) -> Result<LogNormal<f64>, String> {
        let sigma2 = (1.0 + cv * cv).ln();
        LogNormal::new(mean.ln() - sigma2 / 2.0, sigma2.sqrt()).map_err(|e| e.to_string())
    }

    /// The gamma law of a shape and scale (an Erlang's shape is its `k`); both finite, or
    /// draws would be NaN.
    pub fn gamma(shape: f64, scale: f64) -> Result<Gamma<f64>, String> {
        if !(shape.is_finite() && scale.is_finite()) {
            return Err(format!("shape {shape} and scale {scale} must be finite"));
        }
        Gamma::new(shape, scale).map_err(|e| e.to_string())
    }

    /// Whether the sampler can be built: what validates must run, and `rand_distr` refuses
    /// some parameters that look valid (a cv so large that cv² overflows).
    fn check_law(&self) -> Result<(), String> {
        match *self {
            Distribution::LogNormal { mean, cv } => Distribution::lognormal(mean, cv).map(drop),
            Distribution::Gamma { mean, cv } => {
                let shape = 1.0 / (cv * cv);
                Distribution::gamma(shape, mean / shape).map(drop)
            }
            Distribution::Erlang { mean, k } => {
                Distribution::gamma(f64::from(k), mean / f64::from(k)).map(drop)
            }
            _ => Ok(()),
        }
    }
}

const KINDS: &str = "constant, exponential, uniform, lognormal, gamma, erlang, empirical";

impl Checker<'_> {
    /// Checks a distribution table at `key` (e.g. `queue.support.handle`) with one mean.
    pub fn distribution(
        &self,
        raw: &Spanned<RawDistribution>,
        key: &str,
    ) -> Result<Distribution, ScenarioError> {
        self.law(raw, key, None)
    }

    /// Checks a distribution table whose `mean` may be given per interval of `grid` (a list,
    /// or a CSV file's column): the law of each interval, the other parameters shared.
    pub fn distribution_by_interval(
        &self,
        raw: &Spanned<RawDistribution>,
        key: &str,
        grid: &IntervalGrid,
    ) -> Result<PerInterval<Distribution>, ScenarioError> {
        let Some(mean) = &raw.get_ref().mean else {
            return Ok(PerInterval::Constant(self.distribution(raw, key)?));
        };
        let mean_key = format!("{key}.mean");
        let means: Vec<Ticks> = match mean.get_ref() {
            RawSeries::One(_) => return Ok(PerInterval::Constant(self.distribution(raw, key)?)),
            RawSeries::List(list) => {
                self.series_len(list.len(), mean.span(), &mean_key, grid)?;
                list.iter().map(|d| d.ticks()).collect()
            }
            RawSeries::File { file, column } => self
                .interval_column(
                    (file, mean.span()),
                    Some((column, mean.span())),
                    &mean_key,
                    grid,
                    Series::Duration,
                )?
                .into_iter()
                .map(crate::engine::ticks_from_secs)
                .collect(),
        };
        let laws = means
            .into_iter()
            .enumerate()
            .map(|(k, m)| self.law(raw, key, Some((k, m))))
            .collect::<Result<_, _>>()?;
        Ok(PerInterval::Values(laws))
    }

    /// The law of a distribution table; `mean` is the mean of interval k when the table
    /// gives one per interval.
    fn law(
        &self,
        raw: &Spanned<RawDistribution>,
        key: &str,
        mean: Option<(usize, Ticks)>,
    ) -> Result<Distribution, ScenarioError> {
        let r = raw.get_ref();
        let kind = r.dist.get_ref().as_str();
        // Which keys each kind takes; any other key present is an error.
        let takes: &[&str] = match kind {
            "constant" => &["value"],
            "exponential" => &["mean"],
            "uniform" => &["min", "max"],
            "lognormal" | "gamma" => &["mean", "cv"],
            "erlang" => &["mean", "k"],
            "empirical" => &["file"],
            other => {
                return Err(self.error(
                    r.dist.span(),
                    format!("{key}.dist"),
                    format!("unknown distribution \"{other}\"; allowed: {KINDS}"),
                ));
            }
        };
        let present = [
            ("value", r.value.as_ref().map(|s| s.span())),
            ("mean", r.mean.as_ref().map(|s| s.span())),
            ("cv", r.cv.as_ref().map(|s| s.span())),
            ("min", r.min.as_ref().map(|s| s.span())),
            ("max", r.max.as_ref().map(|s| s.span())),
            ("k", r.k.as_ref().map(|s| s.span())),
            ("file", r.file.as_ref().map(|s| s.span())),
        ];
        for (name, span) in present {
            if let Some(span) = span
                && !takes.contains(&name)
            {
                return Err(self.error(
                    span,
                    format!("{key}.{name}"),
                    format!(
                        "does not apply to dist = \"{kind}\", which takes: {}",
                        takes.join(", ")
                    ),
                ));
            }
        }
        let missing = |name: &str| {
            self.error(
                raw.span(),
                format!("{key}.{name}"),
                format!("missing: dist = \"{kind}\" needs {}", takes.join(" and ")),
            )
        };
        let positive_mean = || -> Result<f64, ScenarioError> {
            let given = r.mean.as_ref().ok_or_else(|| missing("mean"))?;
            let (ticks, which) = match (mean, given.get_ref()) {
                (Some((k, ticks)), _) => (ticks, format!(" (in interval {}, from 1)", k + 1)),
                (None, RawSeries::One(d)) => (d.ticks(), String::new()),
                (None, _) => {
                    return Err(self.error(
                        given.span(),
                        format!("{key}.mean"),
                        "takes one duration here: a mean per interval applies to a queue's ivr, handle, wrap_up and patience",
                    ));
                }
            };
            if ticks == 0 {
                return Err(self.error(
                    given.span(),
                    format!("{key}.mean"),
                    format!("must be more than 0s{which}"),
                ));
            }
            Ok(crate::engine::secs_from_ticks(ticks))
        };
        let positive_cv = || -> Result<f64, ScenarioError> {
            let cv = r.cv.as_ref().ok_or_else(|| missing("cv"))?;
            let v = *cv.get_ref();
            if !(v.is_finite() && v > 0.0) {
                return Err(self.error(
                    cv.span(),
                    format!("{key}.cv"),
                    format!("must be a number more than 0 (the standard deviation over the mean), not {v}"),
                ));
            }
            Ok(v)
        };
        let d = match kind {
            "constant" => Distribution::Constant {
                value: r
                    .value
                    .as_ref()
                    .ok_or_else(|| missing("value"))?
                    .get_ref()
                    .secs(),
            },
            "exponential" => Distribution::Exponential {
                mean: positive_mean()?,
            },
            "uniform" => {
                let min = r.min.as_ref().ok_or_else(|| missing("min"))?;
                let max = r.max.as_ref().ok_or_else(|| missing("max"))?;
                if max.get_ref() < min.get_ref() {
                    return Err(self.error(
                        max.span(),
                        format!("{key}.max"),
                        format!("must not be less than min ({})", min.get_ref()),
                    ));
                }
                Distribution::Uniform {
                    min: min.get_ref().secs(),
                    max: max.get_ref().secs(),
                }
            }
            "lognormal" => Distribution::LogNormal {
                mean: positive_mean()?,
                cv: positive_cv()?,
            },
            "gamma" => Distribution::Gamma {
                mean: positive_mean()?,
                cv: positive_cv()?,
            },
            "erlang" => {
                let mean = positive_mean()?;
                let k = r.k.as_ref().ok_or_else(|| missing("k"))?;
                if *k.get_ref() == 0 {
                    return Err(self.error(
                        k.span(),
                        format!("{key}.k"),
                        "must be a whole number of 1 or more",
                    ));
                }
                Distribution::Erlang {
                    mean,
                    k: *k.get_ref(),
                }
            }
            "empirical" => {
                let file = r.file.as_ref().ok_or_else(|| missing("file"))?;
                let path = self.relative_path(file.get_ref());
                let values = read_empirical(&path).map_err(|e| {
                    self.in_named_file(e, file.span(), &format!("{key}.file"), &path)
                })?;
                Distribution::Empirical { file: path, values }
            }
            _ => unreachable!("kinds were matched above"),
        };
        d.check_law().map_err(|reason| {
            self.error(
                raw.span(),
                key,
                format!("these parameters give no distribution that can be sampled ({reason}): choose a less extreme cv"),
            )
        })?;
        Ok(d)
    }
}

/// Reads observed durations in seconds: one value a line, an optional header line first,
/// blank lines ignored.
pub fn read_empirical(path: &Path) -> Result<Arc<[f64]>, ScenarioError> {
    let text = super::input::read_text(path, super::input::MAX_EMPIRICAL_BYTES)
        .map_err(|e| ScenarioError::file(path, format!("cannot read the file: {e}")))?;
    let mut values = Vec::new();
    let mut first = true;
    for (index, raw) in text.lines().enumerate() {
        let (line, field) = (index + 1, raw.trim());
        if field.is_empty() {
            continue;
        }
        let is_first = std::mem::replace(&mut first, false);
        if field.contains(',') {
            return Err(ScenarioError::line(
                path,
                line,
                "value",
                "expected one value a line (seconds), found several fields",
            ));
        }
        match field.parse::<f64>() {
            Ok(v) if v.is_finite() && (0.0..=MAX_SECONDS).contains(&v) => values.push(v),
            Ok(v) => {
                return Err(ScenarioError::line(
                    path,
                    line,
                    "value",
                    format!(
                        "{v} is not a duration: values must be from 0 to {MAX_SECONDS} seconds"
                    ),
                ));
            }
            Err(_) if is_first => {} // a header
            Err(_) => {
                return Err(ScenarioError::line(
                    path,
                    line,
                    "value",
                    format!(
                        "{} is not a number of seconds",
                        super::input::excerpt(field)
                    ),
                ));
            }
        }
    }
    if values.is_empty() {
        return Err(ScenarioError::file(
            path,
            "holds no values: write one duration in seconds a line",
        ));
    }
    Ok(values.into())
}

/// The longest duration an empirical file may hold (about 31 years).
const MAX_SECONDS: f64 = 1e9;
