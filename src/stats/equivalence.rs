//! Equivalence by two one-sided tests (Schuirmann 1987): whether a difference lies
//! within a margin the researcher declared, rather than only whether it is not zero.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use super::{Interval, Sample};

/// The level of each one-sided test: 0.05, so the 90% interval decides.
const LEVEL: f64 = 0.05;

/// What two one-sided tests say of a difference and a margin ±m.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Equivalence {
    /// Both one-sided tests reject: the 90% interval lies inside ±m.
    Equivalent,
    /// The 90% interval lies wholly outside ±m: the difference is at least the margin.
    NotEquivalent,
    /// The 90% interval crosses a margin: the data cannot tell.
    Inconclusive,
}

/// Two one-sided tests: the larger of their p-values, the 90% interval of the
/// difference, and the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Tost {
    pub p_value: f64,
    pub interval: Interval,
    pub verdict: Equivalence,
}

fn verdict(interval: Interval, low: f64, high: f64) -> Equivalence {
    if interval.low > low && interval.high < high {
        Equivalence::Equivalent
    } else if interval.low >= high || interval.high <= low {
        Equivalence::NotEquivalent
    } else {
        Equivalence::Inconclusive
    }
}

/// `x2/n2 − x1/n1` within ±`margin` (a share, 0.10 for ten points), by two one-sided
/// z tests on the Agresti-Caffo estimate (one success and one failure added to each
/// side), as statsmodels' `tost_proportions_2indep(method="agresti-caffo")`. None when
/// a side is empty or the margin is not positive.
pub fn tost_proportions(x1: u64, n1: u64, x2: u64, n2: u64, margin: f64) -> Option<Tost> {
    if n1 == 0 || n2 == 0 || x1 > n1 || x2 > n2 || margin <= 0.0 {
        return None;
    }
    let adjusted = |x: u64, n: u64| ((x + 1) as f64 / (n + 2) as f64, (n + 2) as f64);
    let ((p1, m1), (p2, m2)) = (adjusted(x1, n1), adjusted(x2, n2));
    let d = p2 - p1;
    let se = (p1 * (1.0 - p1) / m1 + p2 * (1.0 - p2) / m2).sqrt();
    let normal = Normal::standard();
    let above = 1.0 - normal.cdf((d + margin) / se);
    let below = normal.cdf((d - margin) / se);
    let z = normal.inverse_cdf(1.0 - LEVEL);
    let interval = Interval {
        low: d - z * se,
        high: d + z * se,
    };
    Some(Tost {
        p_value: above.max(below),
        interval,
        verdict: verdict(interval, -margin, margin),
    })
}

/// The ratio of geometric means `b / a` within `1/ratio` to `ratio` (1.2 for ±20%), by
/// two one-sided Welch t tests on log times, as statsmodels' `ttost_ind(log b, log a,
/// −ln r, ln r, usevar="unequal")`; the interval is the ratio's 90% interval. None with
/// fewer than two times a side, a time not positive, no spread, or a ratio not above 1.
pub fn tost_log_times(a: &Sample, b: &Sample, ratio: f64) -> Option<Tost> {
    let positive = |t: f64| t > 0.0 && t.is_finite();
    if a.len() < 2 || b.len() < 2 || !a.all(positive) || !b.all(positive) || ratio <= 1.0 {
        return None;
    }
    let (la, lb) = (a.map(f64::ln), b.map(f64::ln));
    let (na, nb) = (la.len() as f64, lb.len() as f64);
    let (sa, sb) = (la.variance()? / na, lb.variance()? / nb);
    let se = (sa + sb).sqrt();
    if se == 0.0 {
        return None;
    }
    let df = (sa + sb).powi(2) / (sa * sa / (na - 1.0) + sb * sb / (nb - 1.0));
    log_ratio_tost(lb.mean()? - la.mean()?, se, df, ratio)
}

/// Two one-sided t tests of a mean log ratio `d` (standard error `se`, `df` degrees of
/// freedom) against ±ln `ratio`, and the ratio's 90% interval: what the independent and
/// the paired test of times share once each has its `d`, `se` and `df`.
fn log_ratio_tost(d: f64, se: f64, df: f64, ratio: f64) -> Option<Tost> {
    let t = StudentsT::new(0.0, 1.0, df).ok()?;
    let m = ratio.ln();
    let above = 1.0 - t.cdf((d + m) / se);
    let below = t.cdf((d - m) / se);
    let q = t.inverse_cdf(1.0 - LEVEL);
    let interval = Interval {
        low: (d - q * se).exp(),
        high: (d + q * se).exp(),
    };
    Some(Tost {
        p_value: above.max(below),
        interval,
        verdict: verdict(interval, 1.0 / ratio, ratio),
    })
}

/// Of `pairs` participants who tried both, `only_b` succeeded with B only and `only_a`
/// with A only: p(B) − p(A) within ±`margin`, by two one-sided z tests on Bonett &
/// Price's (2012) adjusted Wald estimate for paired proportions (one success added to
/// each discordant count, two to the pairs; `stats::bonett_price`), whose 90% interval
/// decides. None without a pair or with a margin not positive.
pub fn tost_paired_proportions(only_b: u64, only_a: u64, pairs: u64, margin: f64) -> Option<Tost> {
    if pairs == 0 || only_a + only_b > pairs || margin <= 0.0 {
        return None;
    }
    let n = pairs as f64 + 2.0;
    let (p1, p2) = ((only_b as f64 + 1.0) / n, (only_a as f64 + 1.0) / n);
    let d = p1 - p2;
    let se = ((p1 + p2 - d * d) / n).sqrt();
    let normal = Normal::standard();
    let above = 1.0 - normal.cdf((d + margin) / se);
    let below = normal.cdf((d - margin) / se);
    let z = normal.inverse_cdf(1.0 - LEVEL);
    let interval = Interval {
        low: (d - z * se).max(-1.0),
        high: (d + z * se).min(1.0),
    };
    Some(Tost {
        p_value: above.max(below),
        interval,
        verdict: verdict(interval, -margin, margin),
    })
}

/// Each participant's two times, (A, B): the ratio of geometric means B / A within
/// `1/ratio` to `ratio`, by two one-sided paired t tests on the log ratios, as
/// statsmodels' `ttost_paired(log b, log a, −ln r, ln r)`; the interval is the ratio's
/// 90% interval. None with fewer than two pairs, a time not positive, no spread in the
/// ratios, or a ratio not above 1.
pub fn tost_paired_log_times(pairs: &[(f64, f64)], ratio: f64) -> Option<Tost> {
    let positive = |t: f64| t > 0.0 && t.is_finite();
    if pairs.len() < 2 || ratio <= 1.0 || !pairs.iter().all(|&(a, b)| positive(a) && positive(b)) {
        return None;
    }
    let (a, b): (Vec<f64>, Vec<f64>) = pairs.iter().copied().unzip();
    if super::constant_ratio(&b, &a).is_some() {
        return None;
    }
    let logs: Sample = pairs.iter().map(|&(a, b)| b.ln() - a.ln()).collect();
    let n = logs.len() as f64;
    let se = (logs.variance()? / n).sqrt();
    if se == 0.0 || !se.is_finite() {
        return None;
    }
    log_ratio_tost(logs.mean()?, se, n - 1.0, ratio)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against statsmodels 0.15: `ttost_paired(np.log(b), np.log(a), -np.log(1.2),
    /// np.log(1.2))[0]` = 0.0006367862071332216, and the 90% interval of the ratio,
    /// `exp(mean ± t.ppf(0.95, 5)·sd/√6)` of the log ratios: 0.93610 to 1.03886.
    #[test]
    fn paired_log_times_match_statsmodels() {
        let a = [41.2, 55.0, 38.7, 62.3, 47.9, 51.1];
        let b = [43.5, 49.8, 40.0, 58.2, 46.1, 52.9];
        let pairs: Vec<(f64, f64)> = a.into_iter().zip(b).collect();
        let tost = tost_paired_log_times(&pairs, 1.2).expect("a result");
        assert!(
            (tost.p_value - 0.0006367862071332216).abs() < 1e-9,
            "{tost:?}"
        );
        assert!((tost.interval.low - 0.9361018323561399).abs() < 1e-9);
        assert!((tost.interval.high - 1.0388619793891383).abs() < 1e-9);
        assert_eq!(tost.verdict, Equivalence::Equivalent);
        // Every participant exactly 0.8x: no spread, nothing to test.
        let constant: Vec<(f64, f64)> = a.into_iter().map(|t| (t, 0.8 * t)).collect();
        assert_eq!(tost_paired_log_times(&constant, 1.2), None);
        assert_eq!(tost_paired_log_times(&pairs[..1], 1.2), None);
    }

    /// Against the formula computed with SciPy 1.17: p̃₁ = (b + 1)/(n + 2), p̃₂ = (a +
    /// 1)/(n + 2), d = p̃₁ − p̃₂, se = √((p̃₁ + p̃₂ − d²)/(n + 2)), p = max(1 −
    /// Φ((d + m)/se), Φ((d − m)/se)), interval d ± `norm.ppf(0.95)`·se.
    #[test]
    fn paired_proportions_match_the_formula() {
        let cases = [
            (
                (3, 2, 20, 0.2),
                0.09865177540351511,
                -0.15171459854251612,
                0.24262368945160706,
                Equivalence::Inconclusive,
            ),
            (
                (1, 5, 14, 0.1),
                0.8178269366832235,
                -0.5219921025010128,
                0.0219921025010128,
                Equivalence::Inconclusive,
            ),
            (
                (2, 2, 100, 0.1),
                1.5626924974075218e-05,
                -0.039500510662719014,
                0.039500510662719014,
                Equivalence::Equivalent,
            ),
            (
                (40, 2, 50, 0.1),
                0.9999999999999998,
                0.6033328395018775,
                0.8582056220365839,
                Equivalence::NotEquivalent,
            ),
        ];
        for ((b, a, n, m), p, low, high, verdict) in cases {
            let tost = tost_paired_proportions(b, a, n, m).expect("a result");
            assert!((tost.p_value - p).abs() < 1e-9, "{tost:?}");
            assert!((tost.interval.low - low).abs() < 1e-9, "{tost:?}");
            assert!((tost.interval.high - high).abs() < 1e-9, "{tost:?}");
            assert_eq!(tost.verdict, verdict);
        }
        assert_eq!(tost_paired_proportions(1, 1, 0, 0.1), None);
    }

    /// Against statsmodels 0.14: `tost_proportions_2indep(count1, n1, count2, n2, -0.1,
    /// 0.1, method="agresti-caffo", compare="diff").pvalue` (symmetric margins, so the
    /// order of the sides does not change p).
    #[test]
    fn proportions_match_statsmodels() {
        let small = tost_proportions(7, 10, 8, 10, 0.10).expect("a result");
        assert!(
            (small.p_value - 0.4640651261894282).abs() < 1e-9,
            "{small:?}"
        );
        assert_eq!(small.verdict, Equivalence::Inconclusive);
        let large = tost_proportions(44, 50, 45, 50, 0.10).expect("a result");
        assert!(
            (large.p_value - 0.10641422976168069).abs() < 1e-9,
            "{large:?}"
        );
        let many = tost_proportions(450, 500, 452, 500, 0.10).expect("a result");
        assert_eq!(many.verdict, Equivalence::Equivalent);
        let apart = tost_proportions(10, 100, 90, 100, 0.10).expect("a result");
        assert_eq!(apart.verdict, Equivalence::NotEquivalent);
        assert_eq!(tost_proportions(1, 0, 1, 2, 0.1), None);
    }

    /// Against statsmodels 0.14: `ttost_ind(np.log(b), np.log(a), -np.log(1.2),
    /// np.log(1.2), usevar="unequal")` gives p = 0.048876592046952466.
    #[test]
    fn log_times_match_statsmodels() {
        let a: Sample = [41.2, 55.0, 38.7, 62.3, 47.9, 51.1].into_iter().collect();
        let b: Sample = [43.5, 49.8, 40.0, 58.2, 46.1, 52.9].into_iter().collect();
        let tost = tost_log_times(&a, &b, 1.2).expect("a result");
        assert!(
            (tost.p_value - 0.048876592046952466).abs() < 1e-9,
            "{tost:?}"
        );
        assert_eq!(tost.verdict, Equivalence::Equivalent);
        assert_eq!(tost_log_times(&a, &b, 1.0), None);
    }
}
