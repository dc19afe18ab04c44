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
    let t = StudentsT::new(0.0, 1.0, df).ok()?;
    let d = lb.mean()? - la.mean()?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
