//! Estimates over replications: ratios of sums with delta-method 95 % confidence intervals
//! (means with Student-t intervals as the case of denominator 1).

use super::metrics::ratio;
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
    /// No value: nothing was estimated.
    pub const fn undefined() -> Estimate {
        Estimate {
            mean: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            n: 0,
        }
    }

    /// The ratio estimate of per-replication (numerator, denominator) pairs.
    pub fn from_ratios(values: impl IntoIterator<Item = Ratio>) -> Estimate {
        RatioEstimator::of(values).estimate()
    }

    /// From plain per-replication values; NaN values (undefined in that replication) are
    /// skipped.
    pub fn from_values(values: impl IntoIterator<Item = f64>) -> Estimate {
        Estimate::from_ratios(values.into_iter().map(Ratio::value))
    }

    /// With Wilson's 95 % score interval, for the share of replications in which something
    /// held (each replication 0 or 1): unlike the t interval it stays inside [0, 1] and does
    /// not shrink to a point when every replication agrees (30 of 30 gives [0.886, 1]).
    pub fn wilson(self) -> Estimate {
        if self.n == 0 || self.mean.is_nan() {
            return self;
        }
        let (p, n) = (self.mean, self.n as f64);
        let z = 1.959_963_984_540_054;
        let z2n = z * z / n;
        let centre = (p + z2n / 2.0) / (1.0 + z2n);
        let half = z * (p * (1.0 - p) / n + z2n / (4.0 * n)).sqrt() / (1.0 + z2n);
        Estimate {
            ci_low: (centre - half).max(0.0),
            ci_high: (centre + half).min(1.0),
            ..self
        }
    }

    /// With the interval's lower bound clipped at 0, for a figure that is never negative
    /// (an undefined interval stays undefined).
    pub fn clipped_at_zero(self) -> Estimate {
        Estimate {
            ci_low: if self.ci_low.is_nan() {
                self.ci_low
            } else {
                self.ci_low.max(0.0)
            },
            ..self
        }
    }

    /// With the interval's bounds clipped to [0, 1], for a share (an undefined interval
    /// stays undefined).
    pub fn clipped_to_share(self) -> Estimate {
        if self.ci_low.is_nan() || self.ci_high.is_nan() {
            return self;
        }
        Estimate {
            ci_low: self.ci_low.max(0.0),
            ci_high: self.ci_high.min(1.0),
            ..self
        }
    }

    /// Half the width of the interval.
    pub fn half_width(&self) -> f64 {
        (self.ci_high - self.ci_low) / 2.0
    }
}

/// One replication's value of a metric as a numerator over a denominator: a service level
/// is (answered within T, offered), an ASA (sum of waits, answered). A plain value, such as a
/// count or a time average, has the denominator 1. A NaN numerator means the replication has
/// no value (a percentile of no waits); a zero denominator, that it has nothing to count.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ratio {
    pub num: f64,
    pub den: f64,
}

impl Ratio {
    #[inline]
    pub fn new(num: f64, den: f64) -> Ratio {
        Ratio { num, den }
    }

    /// A plain value (denominator 1).
    #[inline]
    pub fn value(v: f64) -> Ratio {
        Ratio { num: v, den: 1.0 }
    }

    /// The replication's own ratio; NaN when its denominator is zero.
    pub fn get(self) -> f64 {
        ratio(self.num, self.den)
    }

    fn is_defined(self) -> bool {
        !self.num.is_nan() && !self.den.is_nan()
    }
}

/// The ratio estimator over replications of (numerator, denominator) pairs: the sum of the
/// numerators over the sum of the denominators, which estimates the ratio of their expected
/// values — the long-run fraction that Erlang formulas and WFM reports mean (a mean of each
/// replication's ratio is biased when an interval holds few calls). Its 95 % interval is the
/// delta method's: the standard error is sd(num − R·den) / (√n · mean den), with Student's t
/// at n − 1 degrees of freedom. With every denominator 1 this is the mean and its t interval.
///
/// Replications without a value (NaN) are left out; those with nothing to count (0 / 0) stay
/// in, since they are part of the sums. Co-moments are kept Welford's way, for stability.
#[derive(Clone, Copy, Debug, Default)]
pub struct RatioEstimator {
    n: usize,
    mean_num: f64,
    mean_den: f64,
    c_nn: f64,
    c_dd: f64,
    c_nd: f64,
}

impl RatioEstimator {
    /// The accumulator of per-replication (numerator, denominator) pairs.
    pub fn of(values: impl IntoIterator<Item = Ratio>) -> RatioEstimator {
        let mut acc = RatioEstimator::default();
        for v in values {
            acc.push(v);
        }
        acc
    }

    #[inline]
    pub fn push(&mut self, r: Ratio) {
        if !r.is_defined() {
            return;
        }
        self.n += 1;
        let n = self.n as f64;
        let (dn, dd) = (r.num - self.mean_num, r.den - self.mean_den);
        self.mean_num += dn / n;
        self.mean_den += dd / n;
        self.c_nn += dn * (r.num - self.mean_num);
        self.c_dd += dd * (r.den - self.mean_den);
        self.c_nd += dn * (r.den - self.mean_den);
    }

    pub fn estimate(&self) -> Estimate {
        let mean = if self.n == 0 {
            f64::NAN
        } else {
            ratio(self.mean_num, self.mean_den)
        };
        if self.n < 2 || mean.is_nan() {
            return Estimate {
                mean,
                ci_low: f64::NAN,
                ci_high: f64::NAN,
                n: self.n,
            };
        }
        // Σ(num − R·den)²; the cross terms with the means vanish since R = mean num / mean den.
        let ss = (self.c_nn - 2.0 * mean * self.c_nd + mean * mean * self.c_dd).max(0.0);
        let n = self.n as f64;
        let se = (ss / (n - 1.0)).sqrt() / (n.sqrt() * self.mean_den.abs());
        let h = t_quantile_975(self.n - 1) * se;
        Estimate {
            mean,
            ci_low: mean - h,
            ci_high: mean + h,
            n: self.n,
        }
    }

    /// `e` (this accumulator's estimate) for a share of counts — events among the contacts,
    /// dials or records a replication counts — clipped to [0, 1], or at its bound
    /// [`share_at_bound`](Self::share_at_bound)'s 95 % interval.
    pub fn share_of_counts(&self, e: Estimate) -> Estimate {
        match self.share_at_bound(&e, 0.95) {
            Some((ci_low, ci_high)) => Estimate {
                ci_low,
                ci_high,
                ..e
            },
            None => e.clipped_to_share(),
        }
    }

    /// Where every replication counts none (or all) of a share's contacts, the delta
    /// method's interval is a point however few were counted: for `e` (this accumulator's
    /// estimate) so, Clopper–Pearson's exact two-sided interval at `level` for 0 (or N) of
    /// the N counted over all replications, as if they were independent: [0, 1 − α^(1/N)]
    /// (or [α^(1/N), 1]) with α = (1 − level) / 2. `None` elsewhere.
    pub fn share_at_bound(&self, e: &Estimate, level: f64) -> Option<(f64, f64)> {
        let at_bound = e.mean == 0.0 || e.mean == 1.0;
        let pooled = (self.mean_den * self.n as f64).round();
        if !(at_bound && e.n >= 2 && e.ci_low == e.ci_high && pooled >= 1.0) {
            return None;
        }
        let bound = ((1.0 - level) / 2.0).powf(1.0 / pooled);
        Some(if e.mean == 0.0 {
            (0.0, 1.0 - bound)
        } else {
            (bound, 1.0)
        })
    }
}

/// The ratio estimate of `values` and each replication's linearised value
/// (num − R·den) / mean den, in order (NaN for a replication without a value): their mean is
/// 0 and their spread is the estimate's (the delta method), so differences of two runs'
/// linearised values, replication by replication, give a paired comparison of their ratios.
pub fn linearised(values: &[Ratio]) -> (f64, Vec<f64>) {
    let defined = values.iter().filter(|r| r.is_defined());
    let (num, den, n) = defined.fold((0.0, 0.0, 0usize), |(a, b, n), r| {
        (a + r.num, b + r.den, n + 1)
    });
    if n == 0 || den == 0.0 {
        return (f64::NAN, vec![f64::NAN; values.len()]);
    }
    let (r, mean_den) = (num / den, den / n as f64);
    let z = values
        .iter()
        .map(|v| {
            if v.is_defined() {
                (v.num - r * v.den) / mean_den
            } else {
                f64::NAN
            }
        })
        .collect();
    (r, z)
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

    /// (1/2, 3/4, 2/2, 0/0): R = 6/8; num − R·den = (−0.5, 0, 0.5, 0), so s² = 0.5/3, the
    /// mean denominator is 2 and SE = √(0.5/3) / (√4 · 2), by hand.
    #[test]
    fn ratio_of_sums_with_the_delta_method_interval() {
        let values = [
            (1.0, 2.0),
            (3.0, 4.0),
            (2.0, 2.0),
            (0.0, 0.0),
            (f64::NAN, 1.0),
        ]
        .map(|(n, d)| Ratio::new(n, d));
        let e = Estimate::from_ratios(values);
        assert_eq!(
            e.n, 4,
            "the undefined replication is left out, 0/0 stays in"
        );
        assert!((e.mean - 0.75).abs() < 1e-15);
        let se = (0.5f64 / 3.0).sqrt() / 4.0;
        assert!((e.half_width() - 3.182_446 * se).abs() < 1e-6, "{e:?}");
        // Weighted by the denominators: (1/3, 1/3, 1/3, 9/10) gives 12/19, where the mean of
        // the replications' ratios would be 0.475.
        let weighted =
            [(1.0, 3.0), (1.0, 3.0), (1.0, 3.0), (9.0, 10.0)].map(|(n, d)| Ratio::new(n, d));
        assert!((Estimate::from_ratios(weighted).mean - 12.0 / 19.0).abs() < 1e-12);

        let (r, z) = linearised(&values);
        assert_eq!(r, 0.75);
        assert_eq!(&z[..4], &[-0.25, 0.0, 0.25, 0.0]);
        assert!(z[4].is_nan());
    }

    /// Wilson's interval, against the formula worked by hand (p̂ = 1 of 30; p̂ = 0.5 of 40).
    #[test]
    fn wilson_intervals_for_shares_of_replications() {
        let all = Estimate::from_values([1.0; 30]).wilson();
        assert_eq!(all.mean, 1.0);
        // n / (n + z²) = 30 / 33.8415.
        assert!((all.ci_low - 0.886_487).abs() < 1e-6, "{all:?}");
        assert!((all.ci_high - 1.0).abs() < 1e-12);
        let half: Vec<f64> = (0..40).map(|i| f64::from(i % 2)).collect();
        let e = Estimate::from_values(half).wilson();
        assert!(
            (e.ci_low - 0.351_995).abs() < 1e-6 && (e.ci_high - 0.648_005).abs() < 1e-6,
            "{e:?}"
        );
    }

    #[test]
    fn shares_are_clipped_to_their_range() {
        let e = Estimate::from_values([0.99, 1.0, 1.0, 0.97]).clipped_to_share();
        assert_eq!(e.ci_high, 1.0);
        assert!(e.ci_low < e.mean);
        let count = Estimate::from_values([0.0, 0.0, 3.0]).clipped_at_zero();
        assert_eq!(count.ci_low, 0.0);
        assert!(count.ci_high > 3.0);
        assert!(
            Estimate::from_values([2.0])
                .clipped_at_zero()
                .ci_low
                .is_nan()
        );
        // One replication, or nothing to count: no interval, clipped or not.
        let one = Estimate::from_values([0.8]).clipped_to_share();
        assert!(one.ci_low.is_nan() && one.ci_high.is_nan());
        let none = Estimate::from_ratios([Ratio::new(0.0, 0.0); 3]).clipped_to_share();
        assert!(none.mean.is_nan() && none.ci_low.is_nan() && none.ci_high.is_nan());
    }

    #[test]
    fn shares_of_counts_at_their_bounds_take_clopper_pearson_s_interval() {
        // None of 3 × 40 counted: 1 − 0.025^(1/120) = 0.030272 (Clopper–Pearson's upper bound).
        let none = RatioEstimator::of([Ratio::new(0.0, 40.0); 3]);
        let e = none.share_of_counts(none.estimate());
        assert_eq!((e.mean, e.ci_low), (0.0, 0.0));
        assert!((e.ci_high - 0.030272).abs() < 1e-6, "{e:?}");
        // All of them, each replication counting a different number: 0.025^(1/(10+20+30)).
        let all = RatioEstimator::of([10.0, 20.0, 30.0].map(|n| Ratio::new(n, n)));
        let e = all.share_of_counts(all.estimate());
        assert_eq!((e.mean, e.ci_high), (1.0, 1.0));
        assert!(
            (e.ci_low - 0.025_f64.powf(1.0 / 60.0)).abs() < 1e-12,
            "{e:?}"
        );
        // Within the bounds, or a single replication: the delta method's interval, clipped.
        let some = RatioEstimator::of(
            [(1.0, 40.0), (0.0, 40.0), (2.0, 40.0)].map(|(a, b)| Ratio::new(a, b)),
        );
        assert_eq!(
            some.share_of_counts(some.estimate()),
            some.estimate().clipped_to_share()
        );
        let one = RatioEstimator::of([Ratio::new(0.0, 40.0)]);
        assert!(one.share_of_counts(one.estimate()).ci_high.is_nan());
    }
}
