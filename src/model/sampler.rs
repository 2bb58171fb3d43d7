//! Draws durations (in ticks) from a scenario's distributions.

use crate::engine::{Stream, Ticks, ticks_from_secs};
use crate::scenario::Distribution;
use rand::Rng;
use rand_distr::{Distribution as _, Exp, Exp1, Gamma, LogNormal, Uniform};
use std::sync::Arc;

/// A distribution ready to sample; built once per run and shared by every replication.
///
/// An explicit tag (`repr(u8)`): without it the tag hides in a niche of `Gamma`'s own
/// representation, and telling the variants apart costs a dozen instructions a draw.
#[derive(Clone, Debug)]
#[repr(u8)]
pub enum Sampler {
    Constant(Ticks),
    /// The mean, as `Exp` keeps it (1 / (1 / mean), which may differ from `mean` in the
    /// last bit): draws are `Exp1` times it, exactly as `Exp` makes them.
    Exponential {
        mean: f64,
    },
    Uniform(Uniform<f64>),
    LogNormal(LogNormal<f64>),
    Gamma(Gamma<f64>),
    Empirical(Arc<[f64]>),
}

impl Sampler {
    /// Builds a sampler; the scenario's checks guarantee valid parameters.
    pub fn new(d: &Distribution) -> Sampler {
        const CHECKED: &str = "parameters are checked when the scenario is read";
        match d {
            Distribution::Constant { value } => Sampler::Constant(ticks_from_secs(*value)),
            Distribution::Exponential { mean } => {
                let lambda = 1.0 / mean;
                debug_assert!(Exp::new(lambda).is_ok(), "{CHECKED}");
                Sampler::Exponential { mean: 1.0 / lambda }
            }
            Distribution::Uniform { min, max } => {
                Sampler::Uniform(Uniform::new_inclusive(*min, *max).expect(CHECKED))
            }
            Distribution::LogNormal { mean, cv } => {
                Sampler::LogNormal(Distribution::lognormal(*mean, *cv).expect(CHECKED))
            }
            Distribution::Gamma { mean, cv } => {
                let shape = 1.0 / (cv * cv);
                Sampler::Gamma(Distribution::gamma(shape, mean / shape).expect(CHECKED))
            }
            Distribution::Erlang { mean, k } => {
                let k = f64::from(*k);
                Sampler::Gamma(Distribution::gamma(k, mean / k).expect(CHECKED))
            }
            Distribution::Empirical { values, .. } => Sampler::Empirical(values.clone()),
        }
    }

    /// One draw, in ticks. The laws most draws come from (exponential, constant) are
    /// drawn inline at the call; the others out of line.
    #[inline(always)]
    pub fn sample(&self, rng: &mut Stream) -> Ticks {
        match self {
            Sampler::Constant(t) => *t,
            // `Exp1`'s own `sample` rather than `Rng::sample(Exp)`: the same draws, but the
            // distribution's inline hints reach the compiler.
            Sampler::Exponential { mean } => {
                let unit: f64 = Exp1.sample(rng);
                ticks_from_secs(unit * mean)
            }
            _ => self.sample_other(rng),
        }
    }

    #[inline(never)]
    fn sample_other(&self, rng: &mut Stream) -> Ticks {
        let secs = match self {
            Sampler::Constant(_) | Sampler::Exponential { .. } => unreachable!("drawn inline"),
            Sampler::Uniform(d) => rng.sample(d),
            Sampler::LogNormal(d) => rng.sample(d),
            Sampler::Gamma(d) => rng.sample(d),
            Sampler::Empirical(values) => values[rng.random_range(0..values.len())],
        };
        ticks_from_secs(secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{RandomStreams, TICKS_PER_SECOND};

    fn mean_and_cv(d: &Distribution, n: usize) -> (f64, f64) {
        let s = Sampler::new(d);
        let mut rng = RandomStreams::new(42, 0).stream("test", "sampler");
        let xs: Vec<f64> = (0..n)
            .map(|_| s.sample(&mut rng) as f64 / TICKS_PER_SECOND as f64)
            .collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var.sqrt() / mean)
    }

    /// The parameterisations by mean and cv give the mean and cv asked for.
    #[test]
    fn mean_and_cv_parameterisations_hold() {
        let n = 400_000;
        for (d, cv) in [
            (
                Distribution::LogNormal {
                    mean: 240.0,
                    cv: 0.7,
                },
                0.7,
            ),
            (
                Distribution::Gamma {
                    mean: 240.0,
                    cv: 0.5,
                },
                0.5,
            ),
            (Distribution::Erlang { mean: 240.0, k: 4 }, 0.5),
            (Distribution::Exponential { mean: 240.0 }, 1.0),
        ] {
            let (m, c) = mean_and_cv(&d, n);
            // Standard error of the mean is 240·cv/√n ≈ 0.27 s at cv 0.7; allow 4 SE.
            assert!(
                (m - 240.0).abs() < 4.0 * 240.0 * cv / (n as f64).sqrt(),
                "{d:?}: mean {m}"
            );
            assert!((c - cv).abs() < 0.02, "{d:?}: cv {c}");
        }
    }

    #[test]
    fn empirical_draws_only_observed_values() {
        let d = Distribution::Empirical {
            file: "x".into(),
            values: vec![10.0, 20.0, 30.0].into(),
        };
        let s = Sampler::new(&d);
        let mut rng = RandomStreams::new(1, 0).stream("test", "empirical");
        let mut seen = [0usize; 3];
        for _ in 0..3000 {
            let v = s.sample(&mut rng) / TICKS_PER_SECOND;
            seen[(v / 10 - 1) as usize] += 1;
        }
        assert!(seen.iter().all(|&n| n > 900), "{seen:?}");
    }
}
