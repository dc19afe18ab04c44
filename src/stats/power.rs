//! Sample sizes by exact power: the chance that the test the report will run finds a
//! difference, summed over every outcome a study of that size could have.

use statrs::distribution::{Binomial, Discrete};

use super::{TestResult, two_proportion_sample_size, two_proportions};

/// The level the report's tests decide at.
pub const LEVEL: f64 = 0.05;

/// The power a sample size is chosen for.
pub const POWER: f64 = 0.8;

/// Above this many per variant by the formula, sizes come from the formula: exact power
/// over (n + 1)² tables grows costly, and with every expected count large the report's
/// test is the N-1 chi-square, whose normal approximation the formula shares.
const EXACT_UP_TO: u64 = 150;

/// Outcomes less likely than this add nothing a 0.8 threshold can see.
const NEGLIGIBLE: f64 = 1e-15;

/// The smallest `n` from `from` to `to` whose `power(n)` reaches [`POWER`]. Exact power
/// is not monotone in n (it rises in a saw-tooth), so every n is tried in turn rather
/// than halved towards. Any design can size itself through this with its own power.
pub fn smallest_n(from: u64, to: u64, power: impl Fn(u64) -> f64) -> Option<u64> {
    (from..=to).find(|&n| power(n) >= POWER)
}

/// The exact power of `test` for `n` per side when the true completion rates are `p1`
/// and `p2`: the probability, under two binomials, of the tables the test finds a
/// difference in at [`LEVEL`].
pub fn two_sample_power(
    n: u64,
    p1: f64,
    p2: f64,
    test: impl Fn(u64, u64, u64, u64) -> Option<TestResult>,
) -> f64 {
    let (Some(a), Some(b)) = (pmfs(n, p1), pmfs(n, p2)) else {
        return 0.0;
    };
    let mut power = 0.0;
    for (x1, w1) in a.iter().enumerate().filter(|(_, w)| **w > NEGLIGIBLE) {
        for (x2, w2) in b.iter().enumerate() {
            let weight = w1 * w2;
            if weight <= NEGLIGIBLE {
                continue;
            }
            if test(x1 as u64, n, x2 as u64, n).is_some_and(|t| t.p_value < LEVEL) {
                power += weight;
            }
        }
    }
    power
}

fn pmfs(n: u64, p: f64) -> Option<Vec<f64>> {
    let binomial = Binomial::new(p, n).ok()?;
    Some((0..=n).map(|k| binomial.pmf(k)).collect())
}

/// Participants per variant a between study needs for 80% power to find completion
/// rates `p1` and `p2` different with the test the report runs (Campbell's rule: the
/// N-1 chi-square, or Fisher–Irwin on small tables), by exact power. So it is never
/// below what that test needs: at 2 per variant no table reaches 0.05, and no size
/// below the first that can is returned. Large sizes come from the two-proportion
/// formula. None when the rates are equal, or no size up to three times the formula's
/// reaches 80%.
pub fn completion_sample_size(p1: f64, p2: f64) -> Option<u64> {
    let formula = two_proportion_sample_size(p1, p2)?;
    if formula > EXACT_UP_TO {
        return Some(formula);
    }
    smallest_n(2, 3 * formula + 20, |n| {
        two_sample_power(n, p1, p2, two_proportions)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against an independent enumeration in Python (SciPy 1.17: `binom.pmf`, the N-1
    /// chi-square from `norm.sf`, `fisher_exact` when an expected count is below 1):
    /// the smallest n with power ≥ 0.8 and its power.
    #[test]
    fn sizes_match_an_exact_power_enumeration_in_scipy() {
        for (p1, p2, n, power) in [
            (1.0, 4.0 / 6.0, 16, 0.834054166402129),
            (0.5, 0.8, 39, 0.8021376763278413),
            (0.6, 0.9, 31, 0.8126169833699011),
            (0.3, 0.5, 94, 0.8001950704916658),
            (0.0, 1.0, 3, 1.0),
            (0.2, 0.9, 7, 0.8556185555302398),
        ] {
            assert_eq!(completion_sample_size(p1, p2), Some(n), "{p1} vs {p2}");
            let exact = two_sample_power(n, p1, p2, two_proportions);
            assert!((exact - power).abs() < 1e-9, "{p1} vs {p2}: {exact}");
        }
        assert_eq!(completion_sample_size(0.5, 0.5), None);
    }

    /// Never a size the test cannot work at: at 2 per variant even 0/2 against 2/2
    /// gives p = 0.083 (N-1), so no table is a difference and the power is 0.
    #[test]
    fn two_per_variant_has_no_power() {
        assert_eq!(two_sample_power(2, 0.0, 1.0, two_proportions), 0.0);
        assert!(completion_sample_size(0.0, 1.0).is_some_and(|n| n >= 3));
    }

    /// Beyond the exact range the two-proportion formula (Fleiss et al. eq. 4.14).
    #[test]
    fn large_sizes_come_from_the_formula() {
        assert_eq!(
            completion_sample_size(0.5, 0.6),
            two_proportion_sample_size(0.5, 0.6)
        );
    }
}
