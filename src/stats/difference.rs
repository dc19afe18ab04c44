//! Differences between two variants with their 95% intervals, and Holm's adjustment
//! when one baseline is compared with several variants.

use super::compare::{TestKind, TestResult, moments, two_sided_normal};
use super::interval::{Interval, t};
use super::{CONFIDENCE, Sample, welch_t};
use statrs::distribution::{ContinuousCDF, Normal};

fn z() -> f64 {
    Normal::standard().inverse_cdf(1.0 - (1.0 - CONFIDENCE) / 2.0)
}

/// Agresti & Caffo (2000): add one success and one failure to each group, then take the
/// Wald interval of `p2 - p1`; clamped to -1..1.
pub fn agresti_caffo(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<Interval> {
    if x1 > n1 || x2 > n2 {
        return None;
    }
    let adjusted = |x: u64, n: u64| ((x + 1) as f64 / (n + 2) as f64, (n + 2) as f64);
    let ((p1, m1), (p2, m2)) = (adjusted(x1, n1), adjusted(x2, n2));
    let margin = z() * (p1 * (1.0 - p1) / m1 + p2 * (1.0 - p2) / m2).sqrt();
    let d = p2 - p1;
    Some(Interval {
        low: (d - margin).max(-1.0),
        high: (d + margin).min(1.0),
    })
}

/// Welch's test of `b - a` with the interval of the difference of means:
/// `(mb - ma) ± t(0.975, df) √(sa²/na + sb²/nb)`, Welch–Satterthwaite df. None when a
/// side has fewer than two values or neither side varies.
pub fn welch_difference(a: &Sample, b: &Sample) -> Option<(TestResult, Interval)> {
    let test = welch_t(a, b)?;
    let df = test.df?;
    let ((ma, va, na), (mb, vb, nb)) = (moments(a)?, moments(b)?);
    let d = mb - ma;
    let margin = t(df)? * (va / na + vb / nb).sqrt();
    Some((
        test,
        Interval {
            low: d - margin,
            high: d + margin,
        },
    ))
}

/// Times compared as the ratio of geometric means `b / a`: Welch's test on log times,
/// its interval transformed back with `exp`.
pub fn geometric_mean_ratio(a: &Sample, b: &Sample) -> Option<(f64, TestResult, Interval)> {
    let positive = |t: f64| t > 0.0 && t.is_finite();
    if !a.all(positive) || !b.all(positive) {
        return None;
    }
    let (la, lb) = (a.map(f64::ln), b.map(f64::ln));
    let (test, i) = welch_difference(&la, &lb)?;
    let ratio = (lb.mean()? - la.mean()?).exp();
    let interval = Interval {
        low: i.low.exp(),
        high: i.high.exp(),
    };
    Some((ratio, test, interval))
}

/// Promoters, detractors and answers of one side, for NPS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsCounts {
    pub promoters: u64,
    pub detractors: u64,
    pub n: u64,
}

impl NpsCounts {
    /// The adjusted-Wald NPS of Rocks (2016) as a share (-1..1) and its variance: add 3/4
    /// to promoters and to detractors and 3 to n.
    pub fn adjusted(self) -> (f64, f64) {
        let n = self.n as f64 + 3.0;
        let pro = (self.promoters as f64 + 0.75) / n;
        let det = (self.detractors as f64 + 0.75) / n;
        let nps = pro - det;
        (nps, (pro + det - nps * nps) / n)
    }

    /// The adjusted-Wald interval, in NPS points, clamped to -100..100.
    pub fn interval(self) -> Option<Interval> {
        if self.n == 0 {
            return None;
        }
        let (nps, variance) = self.adjusted();
        let margin = z() * variance.sqrt();
        Some(Interval {
            low: ((nps - margin) * 100.0).max(-100.0),
            high: ((nps + margin) * 100.0).min(100.0),
        })
    }
}

/// `b - a` of two NPS by Rocks's (2016) adjusted Wald: the difference of the adjusted
/// NPS, its interval and its z test (the variances of independent sides add), in NPS
/// points. The interval and the test are centred on the adjusted difference, so that is
/// the point estimate returned beside them. Clamped to ±200.
pub fn nps_difference(a: NpsCounts, b: NpsCounts) -> Option<(f64, TestResult, Interval)> {
    if a.n == 0 || b.n == 0 {
        return None;
    }
    let ((na, va), (nb, vb)) = (a.adjusted(), b.adjusted());
    let se = (va + vb).sqrt();
    if se == 0.0 {
        return None;
    }
    let d = nb - na;
    let z_value = d / se;
    let test = TestResult {
        kind: TestKind::AdjustedWald,
        statistic: Some(z_value),
        df: None,
        p_value: two_sided_normal(z_value),
    };
    let margin = z() * se;
    let interval = Interval {
        low: ((d - margin) * 100.0).max(-200.0),
        high: ((d + margin) * 100.0).min(200.0),
    };
    Some((d * 100.0, test, interval))
}

/// Holm's (1979) step-down adjustment: sort the m p-values, multiply the i-th smallest
/// by `m - i + 1` (i from 1), keep them non-decreasing, cap at 1. In the input's order.
pub fn holm(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]));
    let mut adjusted = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max(((m - rank) as f64 * p_values[i]).min(1.0));
        adjusted[i] = running;
    }
    adjusted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    /// Reference: Agresti & Caffo's formula computed in Python with
    /// `scipy.stats.norm.ppf(0.975)`: 4/10 against 7/10 (b - a) gives -0.25 ± 0.3859.
    #[test]
    fn agresti_caffo_matches_an_independent_computation() {
        let i = agresti_caffo(7, 10, 4, 10).expect("an interval");
        assert!(close(i.low, -0.635935, 1e-5), "{i:?}");
        assert!(close(i.high, 0.135935, 1e-5), "{i:?}");
        let i = agresti_caffo(0, 3, 3, 3).expect("an interval");
        assert!(i.high <= 1.0 && i.low > 0.0, "{i:?}");
    }

    /// Reference: `scipy.stats.ttest_ind(b, a, equal_var=False)` and
    /// `.confidence_interval(0.95)` (SciPy 1.17).
    #[test]
    fn welch_difference_matches_scipy() {
        let a = Sample::from_iter([5.0, 6.0, 7.0, 4.0, 6.0, 7.0, 5.0, 6.0]);
        let b = Sample::from_iter([3.0, 4.0, 5.0, 2.0, 4.0, 3.0]);
        let (test, i) = welch_difference(&a, &b).expect("a result");
        assert!(close(test.p_value, 0.002166, 1e-5), "{test:?}");
        assert!(
            close(i.low, -3.491948, 1e-5) && close(i.high, -1.008052, 1e-5),
            "{i:?}"
        );
    }

    /// Reference: Welch on the logs with SciPy, then `exp` of the mean difference and of
    /// the interval's ends.
    #[test]
    fn time_ratios_come_from_welch_on_logs() {
        let a = Sample::from_iter([34.0, 33.0, 70.0, 47.0, 108.0, 59.0, 40.0, 66.0]);
        let b = Sample::from_iter([20.0, 25.0, 31.0, 22.0, 40.0, 28.0, 35.0, 30.0]);
        let (ratio, test, i) = geometric_mean_ratio(&a, &b).expect("a result");
        assert!(close(ratio, 0.532429, 1e-5), "{ratio}");
        assert!(close(test.p_value, 0.002856, 1e-5), "{test:?}");
        assert!(
            close(i.low, 0.370002, 1e-5) && close(i.high, 0.766160, 1e-5),
            "{i:?}"
        );
    }

    /// Reference: Rocks (2016) adjusted Wald computed by hand in Python: 5 promoters and
    /// 2 detractors of 10: NPS' = (5.75 - 2.75)/13, interval ±1.96·√var.
    #[test]
    fn nps_intervals_follow_rocks() {
        let counts = NpsCounts {
            promoters: 5,
            detractors: 2,
            n: 10,
        };
        let i = counts.interval().expect("an interval");
        assert!(
            close(i.low, -19.050615, 1e-4) && close(i.high, 65.204462, 1e-4),
            "{i:?}"
        );
        let other = NpsCounts {
            promoters: 1,
            detractors: 6,
            n: 10,
        };
        let (adjusted, test, d) = nps_difference(counts, other).expect("a difference");
        // (1.75 - 6.75)/13 - (5.75 - 2.75)/13 = -8/13, the centre of the interval.
        assert!(close(adjusted, -61.538462, 1e-4), "{adjusted}");
        assert!(close(test.p_value, 0.034918, 1e-5), "{test:?}");
        assert!(test.statistic.is_some_and(|z| z < 0.0), "{test:?}");
        assert!(
            close(d.low, -118.719741, 1e-4) && close(d.high, -4.357182, 1e-4),
            "{d:?}"
        );
    }

    /// Holm's procedure worked by hand: sorted 0.01, 0.03, 0.04, 0.6 times 4, 3, 2, 1 are
    /// 0.04, 0.09, 0.08, 0.6; kept non-decreasing: 0.04, 0.09, 0.09, 0.6.
    #[test]
    fn holm_steps_down() {
        let adjusted = holm(&[0.01, 0.04, 0.03, 0.6]);
        for (got, want) in adjusted.iter().zip([0.04, 0.09, 0.09, 0.6]) {
            assert!(close(*got, want, 1e-12), "{adjusted:?}");
        }
        assert_eq!(holm(&[0.5]), [0.5]);
    }
}
