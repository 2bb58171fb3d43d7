//! Means over replications with Student-t 95 % confidence intervals.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// A mean over replications and its 95 % confidence interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    /// NaN when fewer than two replications give a value.
    pub ci_low: f64,
    pub ci_high: f64,
    /// Replications in which the metric was defined (e.g. ASA needs an answered call).
    pub n: usize,
}

impl Estimate {
    /// From per-replication values; NaN values (undefined in that replication) are skipped.
    pub fn from_values(values: impl IntoIterator<Item = f64>) -> Estimate {
        let mut acc = MeanVariance::default();
        for v in values {
            acc.push(v);
        }
        acc.estimate()
    }

    /// Half the width of the interval.
    pub fn half_width(&self) -> f64 {
        (self.ci_high - self.ci_low) / 2.0
    }

    /// The standard error of the mean (half width over the t quantile).
    pub fn standard_error(&self) -> f64 {
        if self.n < 2 {
            f64::NAN
        } else {
            self.half_width() / t_quantile_975(self.n - 1)
        }
    }
}

/// Welford's running mean and variance, NaN-skipping.
#[derive(Clone, Copy, Debug, Default)]
pub struct MeanVariance {
    n: usize,
    mean: f64,
    m2: f64,
}

impl MeanVariance {
    #[inline]
    pub fn push(&mut self, v: f64) {
        if v.is_nan() {
            return;
        }
        self.n += 1;
        let d = v - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (v - self.mean);
    }

    pub fn estimate(&self) -> Estimate {
        match self.n {
            0 => Estimate {
                mean: f64::NAN,
                ci_low: f64::NAN,
                ci_high: f64::NAN,
                n: 0,
            },
            1 => Estimate {
                mean: self.mean,
                ci_low: f64::NAN,
                ci_high: f64::NAN,
                n: 1,
            },
            n => {
                let se = (self.m2 / (n - 1) as f64).sqrt() / (n as f64).sqrt();
                let h = t_quantile_975(n - 1) * se;
                Estimate {
                    mean: self.mean,
                    ci_low: self.mean - h,
                    ci_high: self.mean + h,
                    n,
                }
            }
        }
    }
}

/// The `p` quantile of Student's t with `df` (possibly fractional, as Welch's) degrees of freedom.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df).expect("df > 0").inverse_cdf(p)
}

/// The 97.5 % quantile of Student's t with `df` degrees of freedom (memoised: reports ask
/// for the same few values for every interval and column).
pub fn t_quantile_975(df: usize) -> f64 {
    thread_local! {
        static KNOWN: std::cell::RefCell<std::collections::HashMap<usize, f64>> = Default::default();
    }
    KNOWN.with(|known| {
        *known
            .borrow_mut()
            .entry(df)
            .or_insert_with(|| t_quantile(0.975, df as f64))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_t_quantiles() {
        // Published table values.
        assert!((t_quantile_975(1) - 12.706).abs() < 1e-3);
        assert!((t_quantile_975(29) - 2.045).abs() < 1e-3);
        assert!((t_quantile_975(1000) - 1.962).abs() < 1e-3);
    }

    #[test]
    fn mean_and_interval() {
        let e = Estimate::from_values([1.0, 2.0, 3.0, f64::NAN, 4.0]);
        assert_eq!(e.n, 4);
        assert!((e.mean - 2.5).abs() < 1e-12);
        // sd = 1.2910, se = 0.6455, t(3) = 3.1824
        assert!((e.half_width() - 3.182_446 * 0.645_497).abs() < 1e-4);
        let one = Estimate::from_values([5.0]);
        assert_eq!(one.mean, 5.0);
        assert!(one.ci_low.is_nan());
    }
}
