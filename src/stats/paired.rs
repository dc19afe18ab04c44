//! Tests for a within-participants study, where each person tried both variants, and
//! the sample size a between study would need to detect a difference in completion.

use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, Normal, StudentsT};

use super::{CONFIDENCE, Interval, TestKind, TestResult};

/// McNemar's exact test (McNemar 1947; the exact binomial form, as in Fagerland,
/// Lydersen & Laake 2013): of the participants who succeeded with one variant only,
/// `only_a` succeeded with A, `only_b` with B. Under no difference each discordant pair
/// falls either way with probability 1/2; the two-sided p-value doubles the smaller tail.
/// None without a discordant pair.
pub fn mcnemar_exact(only_a: u64, only_b: u64) -> Option<TestResult> {
    let n = only_a + only_b;
    if n == 0 {
        return None;
    }
    let tail = Binomial::new(0.5, n).ok()?.cdf(only_a.min(only_b));
    Some(TestResult {
        kind: TestKind::McNemarExact,
        statistic: Some(only_a as f64 - only_b as f64),
        df: None,
        p_value: (2.0 * tail).min(1.0),
    })
}

/// The paired t-test on log times (Student 1908, applied to logs as Sauro & Lewis do for
/// task times): `a[i]` and `b[i]` are one participant's times. Returns the ratio of
/// geometric means A/B with its 95% interval, and the test. Needs two pairs.
pub fn paired_log_t(a: &[f64], b: &[f64]) -> Option<(f64, TestResult, Interval)> {
    if a.len() != b.len() || a.len() < 2 || a.iter().chain(b).any(|t| *t <= 0.0) {
        return None;
    }
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x.ln() - y.ln()).collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let se = (var / n).sqrt();
    if se == 0.0 {
        return None;
    }
    let df = n - 1.0;
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    let t = mean / se;
    let margin = dist.inverse_cdf(1.0 - (1.0 - CONFIDENCE) / 2.0) * se;
    let test = TestResult {
        kind: TestKind::PairedT,
        statistic: Some(t),
        df: Some(df),
        p_value: 2.0 * (1.0 - dist.cdf(t.abs())),
    };
    let interval = Interval {
        low: (mean - margin).exp(),
        high: (mean + margin).exp(),
    };
    Some((mean.exp(), test, interval))
}

/// Participants per variant a between study needs to detect completion rates `p1` and
/// `p2` with a two-sided test at 5% and 80% power: the standard two-proportion formula
/// (Fleiss, Levin & Paik 2003, eq. 4.14, without the continuity correction):
/// n = (z₀.₉₇₅·√(2·p̄(1−p̄)) + z₀.₈·√(p1(1−p1) + p2(1−p2)))² / (p1 − p2)², rounded up.
/// None when the rates are equal.
pub fn two_proportion_sample_size(p1: f64, p2: f64) -> Option<u64> {
    if (p1 - p2).abs() < 1e-9 || !(0.0..=1.0).contains(&p1) || !(0.0..=1.0).contains(&p2) {
        return None;
    }
    let normal = Normal::standard();
    let (alpha, power) = (normal.inverse_cdf(0.975), normal.inverse_cdf(0.8));
    let mean = (p1 + p2) / 2.0;
    let root = alpha * (2.0 * mean * (1.0 - mean)).sqrt()
        + power * (p1 * (1.0 - p1) + p2 * (1.0 - p2)).sqrt();
    let n = root.powi(2) / (p1 - p2).powi(2);
    Some(n.ceil() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// Against SciPy 1.x: `scipy.stats.binomtest(k, n, 0.5).pvalue`, the exact McNemar
    /// p-value of k discordant pairs one way out of n.
    #[test]
    fn mcnemar_matches_scipy_binomtest() {
        for (a, b, p) in [
            (1, 6, 0.125),
            (2, 9, 0.0654296875),
            (0, 5, 0.0625),
            (3, 3, 1.0),
        ] {
            let test = mcnemar_exact(a, b).expect("discordant pairs");
            assert!(close(test.p_value, p), "{a},{b}: {} != {p}", test.p_value);
        }
        assert!(mcnemar_exact(0, 0).is_none());
    }

    /// Against SciPy: `scipy.stats.ttest_rel(np.log(a), np.log(b))` gives t = 5.37654336544,
    /// p = 0.00299873892643837, df 5; the ratio exp(mean d) = 1.17208647818 and its interval
    /// exp(mean d ± t.ppf(0.975, 5)·se) = 1.08639890763 – 1.26453248680.
    #[test]
    fn the_paired_t_test_on_log_times_matches_scipy() {
        let a = [41.2, 55.0, 38.7, 62.3, 47.9, 51.1];
        let b = [33.5, 49.8, 35.0, 50.2, 44.1, 39.9];
        let (ratio, test, interval) = paired_log_t(&a, &b).expect("six pairs");
        assert!((test.statistic.unwrap_or_default() - 5.376543365440399).abs() < 1e-9);
        assert!((test.p_value - 0.00299873892643837).abs() < 1e-9);
        assert_eq!(test.df, Some(5.0));
        assert!((ratio - 1.1720864781784424).abs() < 1e-9);
        assert!((interval.low - 1.0863989076340286).abs() < 1e-9);
        assert!((interval.high - 1.2645324868013645).abs() < 1e-9);
    }

    /// The formula computed independently with `scipy.stats.norm.ppf` (38.48, 31.50,
    /// 92.999); 93 per group for 30% against 50% is the textbook figure without the
    /// continuity correction.
    #[test]
    fn the_sample_size_is_the_two_proportion_formula() {
        assert_eq!(two_proportion_sample_size(0.5, 0.8), Some(39));
        assert_eq!(two_proportion_sample_size(0.6, 0.9), Some(32));
        assert_eq!(two_proportion_sample_size(0.3, 0.5), Some(93));
        assert_eq!(two_proportion_sample_size(0.5, 0.5), None);
    }
}
