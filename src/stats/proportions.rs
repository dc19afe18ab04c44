//! Two proportions compared by Campbell's (2007) rule: the N-1 chi-square, or the
//! Fisher–Irwin exact test of the 2×2 table when it is too small for a z.

use statrs::distribution::{Discrete, Hypergeometric};

use super::compare::{TestKind, TestResult, n_minus_one_two_proportion};

/// Tables whose probability is within this factor of the observed one count as equally
/// likely: floating-point sums of the same table can differ in the last bits.
const SAME: f64 = 1.0 + 1e-7;

/// Two proportions `x2/n2 - x1/n1` tested as Campbell (2007) recommends, and Sauro &
/// Lewis after him: the N-1 chi-square when every expected cell count of the 2×2 table
/// is at least 1, else the Fisher–Irwin test by Irwin's rule. None when both sides had
/// the same all-or-nothing result (nothing varies) or a side is empty.
pub fn two_proportions(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<TestResult> {
    if n1 == 0 || n2 == 0 || x1 > n1 || x2 > n2 {
        return None;
    }
    let (successes, total) = (x1 + x2, n1 + n2);
    if successes == 0 || successes == total {
        return None;
    }
    // The smallest expected count: the smaller row total times the smaller column total,
    // over N.
    let smallest = n1.min(n2) as f64 * successes.min(total - successes) as f64 / total as f64;
    if smallest < 1.0 {
        fisher_irwin(x1, n1, x2, n2)
    } else {
        n_minus_one_two_proportion(x1, n1, x2, n2)
    }
}

/// The Fisher–Irwin test of `x1/n1` against `x2/n2` (Campbell 2007), two-sided by
/// Irwin's rule: with the margins fixed, the first side's successes follow a
/// hypergeometric distribution; p is the sum of the probabilities of every table no more
/// likely than the observed one. None when a side is empty.
pub fn fisher_irwin(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<TestResult> {
    if n1 == 0 || n2 == 0 || x1 > n1 || x2 > n2 {
        return None;
    }
    let (total, successes) = (n1 + n2, x1 + x2);
    let tables = Hypergeometric::new(total, successes, n1).ok()?;
    let observed = tables.pmf(x1);
    let low = successes.saturating_sub(n2);
    let high = successes.min(n1);
    let p: f64 = (low..=high)
        .map(|k| tables.pmf(k))
        .filter(|p| *p <= observed * SAME)
        .sum();
    Some(TestResult {
        kind: TestKind::FisherIrwin,
        statistic: None,
        df: None,
        p_value: p.min(1.0),
    })
}

/// How many changed outcomes [`fragility`] looks through before it calls a verdict
/// sturdy: far more than the one the report warns about.
pub(super) const FRAGILITY_SEARCHED: u64 = 20;

/// The fragility index of the verdict on `x1/n1` against `x2/n2` by Campbell's rule at
/// `level`: the fewest outcomes (a success made a failure, or the other way, on either
/// side) that, changed, turn a difference into none, or none into a difference. Walsh
/// et al. (2014) defined it for significant results (changes in one group, Fisher's
/// test); the reverse fragility index of Khan et al. (2020) counts the same for a
/// non-significant one; here both sides may change and the test is the one the report
/// runs. A table the test cannot run on counts as no difference. None when the verdict
/// itself cannot be tested or no [`FRAGILITY_SEARCHED`] changes flip it.
pub fn fragility(x1: u64, n1: u64, x2: u64, n2: u64, level: f64) -> Option<u64> {
    let different =
        |x1: u64, x2: u64| two_proportions(x1, n1, x2, n2).is_some_and(|t| t.p_value < level);
    two_proportions(x1, n1, x2, n2)?;
    let now = different(x1, x2);
    let (a, b) = (x1 as i64, x2 as i64);
    (1..=FRAGILITY_SEARCHED.min(n1 + n2)).find(|&k| {
        let k = k as i64;
        (-k..=k).any(|d1| {
            let rest = k - d1.abs();
            [rest, -rest].into_iter().any(|d2| {
                let (y1, y2) = (a + d1, b + d2);
                (0..=n1 as i64).contains(&y1)
                    && (0..=n2 as i64).contains(&y2)
                    && different(y1 as u64, y2 as u64) != now
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    /// Reference: `scipy.stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]]).pvalue`
    /// (SciPy 1.17.1, two-sided by the same rule).
    #[test]
    fn fisher_irwin_matches_scipy() {
        for ((x1, n1, x2, n2), want) in [
            ((0, 5, 1, 1), 0.166_666_666_666_666_7),
            ((1, 1, 0, 5), 0.166_666_666_666_666_7),
            ((7, 10, 2, 10), 0.069_778_518_694_927_36),
            ((0, 5, 3, 3), 0.017_857_142_857_142_86),
            ((5, 5, 0, 5), 0.007_936_507_936_507_938),
            ((2, 3, 0, 6), 0.083_333_333_333_333_34),
            ((3, 3, 0, 1), 0.25),
        ] {
            let r = fisher_irwin(x1, n1, x2, n2).expect("a result");
            assert!(
                (r.p_value - want).abs() < 1e-9,
                "{x1}/{n1} vs {x2}/{n2}: {r:?}"
            );
        }
        assert_eq!(fisher_irwin(0, 0, 1, 1), None);
    }

    /// Campbell's (2007) rule: N-1 chi-square when every expected count is at least 1,
    /// Fisher–Irwin below. References from `scipy.stats.fisher_exact` (SciPy 1.17.1, whose
    /// two-sided p sums the tables no more likely than the observed one, Irwin's rule) and
    /// from Campbell's N-1 formula in Python.
    #[test]
    fn small_expected_counts_take_the_fisher_irwin_test() {
        // 0/5 against 1/1: expected successes 1·1/6 < 1. N-1 would say p = 0.025.
        let r = two_proportions(0, 5, 1, 1).expect("a result");
        assert_eq!((r.kind, r.statistic), (TestKind::FisherIrwin, None));
        assert!(close(r.p_value, 0.166667, 1e-6), "{r:?}");
        // 2/3 against 0/6: smallest expected 3·2/9 = 0.67.
        let r = two_proportions(2, 3, 0, 6).expect("a result");
        assert_eq!(r.kind, TestKind::FisherIrwin);
        assert!(close(r.p_value, 0.083333, 1e-6), "{r:?}");
        // 0/5 against 3/3: smallest expected 3·3/8 = 1.125, so N-1: z = 2.645751.
        let r = two_proportions(0, 5, 3, 3).expect("a result");
        assert_eq!(r.kind, TestKind::NMinusOne);
        assert!(close(r.statistic.expect("z"), 2.645751, 1e-5), "{r:?}");
        // Both all-or-nothing alike: nothing to test.
        assert_eq!(two_proportions(5, 5, 1, 1), None);
        assert_eq!(two_proportions(0, 5, 0, 1), None);
    }

    /// Against an independent search in Python (SciPy 1.17: `fisher_exact`, the N-1
    /// chi-square from `norm.sf`, Campbell's rule), every table with up to `k` changed
    /// outcomes on either side tried.
    #[test]
    fn fragility_matches_a_brute_force_search_in_scipy() {
        for ((x1, n1, x2, n2), want) in [
            ((0, 3, 3, 3), Some(1)),
            ((1, 3, 3, 3), Some(1)),
            ((2, 10, 8, 10), Some(2)),
            ((5, 10, 5, 10), Some(5)),
            ((10, 40, 30, 40), Some(12)),
            ((4, 6, 6, 6), Some(2)),
        ] {
            assert_eq!(
                fragility(x1, n1, x2, n2, 0.05),
                want,
                "{x1}/{n1} vs {x2}/{n2}"
            );
        }
        // Nothing varies: no verdict to flip.
        assert_eq!(fragility(3, 3, 3, 3, 0.05), None);
    }
}
