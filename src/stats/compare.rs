//! Tests that compare two variants, for the small samples user research has. Every
//! statistic is signed as the second sample minus the first: the variant minus the
//! baseline, as every difference in the report is.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use super::Sample;

/// Which test produced a result; renderers name it in the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TestKind {
    /// Campbell's (2007) N-1 chi-square, as a z.
    #[serde(rename = "N-1 chi-square")]
    NMinusOne,
    /// The Fisher–Irwin exact test, two-sided by Irwin's rule (Campbell 2007).
    #[serde(rename = "Fisher-Irwin")]
    FisherIrwin,
    /// Welch's t-test.
    #[serde(rename = "Welch t")]
    Welch,
    /// The z of Rocks's (2016) adjusted-Wald NPS difference.
    #[serde(rename = "adjusted-Wald z")]
    AdjustedWald,
    /// McNemar's exact test on the discordant pairs of a within design.
    #[serde(rename = "McNemar exact")]
    McNemarExact,
    /// McNemar's mid-p test on the discordant pairs (Fagerland, Lydersen & Laake 2013).
    #[serde(rename = "McNemar mid-p")]
    McNemarMidP,
    /// The pooled two-sample t-test (the period effect of a 2×2 crossover).
    #[serde(rename = "two-sample t")]
    TwoSampleT,
    /// The paired t-test (on log times, in a within design).
    #[serde(rename = "paired t")]
    PairedT,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TestResult {
    #[serde(rename = "name")]
    pub kind: TestKind,
    /// z or t, signed as the second sample minus the first; none for an exact test.
    pub statistic: Option<f64>,
    /// Degrees of freedom, for t tests.
    pub df: Option<f64>,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// The N-1 two-proportion test (Campbell 2007; recommended by Sauro & Lewis for
/// comparing completion rates in small samples): the z of the two-proportion test of
/// `x2/n2 - x1/n1` scaled by √((N-1)/N), N = n1 + n2.
pub fn n_minus_one_two_proportion(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<TestResult> {
    if n1 == 0 || n2 == 0 || x1 > n1 || x2 > n2 {
        return None;
    }
    let (n1f, n2f) = (n1 as f64, n2 as f64);
    let total = n1f + n2f;
    let pooled = (x1 + x2) as f64 / total;
    let spread = pooled * (1.0 - pooled) * (1.0 / n1f + 1.0 / n2f);
    if spread == 0.0 {
        return None;
    }
    let z = (x2 as f64 / n2f - x1 as f64 / n1f) * ((total - 1.0) / total).sqrt() / spread.sqrt();
    Some(TestResult {
        kind: TestKind::NMinusOne,
        statistic: Some(z),
        df: None,
        p_value: two_sided_normal(z),
    })
}

/// Two-sided p of a standard normal z.
pub(super) fn two_sided_normal(z: f64) -> f64 {
    2.0 * (1.0 - Normal::standard().cdf(z.abs()))
}

/// Welch's t-test of `mean(b) - mean(a)` for two samples of unequal variance, with the
/// Welch–Satterthwaite degrees of freedom (Welch 1947). None without variation.
pub fn welch_t(a: &Sample, b: &Sample) -> Option<TestResult> {
    let (ma, va, na) = moments(a)?;
    let (mb, vb, nb) = moments(b)?;
    let (sa, sb) = (va / na, vb / nb);
    if sa + sb == 0.0 {
        return None;
    }
    let t = (mb - ma) / (sa + sb).sqrt();
    let df = (sa + sb).powi(2) / (sa.powi(2) / (na - 1.0) + sb.powi(2) / (nb - 1.0));
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    let p_value = 2.0 * (1.0 - dist.cdf(t.abs()));
    Some(TestResult {
        kind: TestKind::Welch,
        statistic: Some(t),
        df: Some(df),
        p_value,
    })
}

/// Mean, sample variance and count; needs two values.
pub(super) fn moments(values: &Sample) -> Option<(f64, f64, f64)> {
    Some((values.mean()?, values.variance()?, values.len() as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    /// Reference: computed independently with SciPy 1.17 from Campbell's formula, z of
    /// the second proportion minus the first.
    #[test]
    fn n_minus_one_matches_independent_values() {
        let r = n_minus_one_two_proportion(5, 10, 11, 12).expect("a result");
        assert_eq!(r.kind, TestKind::NMinusOne);
        let z = r.statistic.expect("a z");
        assert!(
            close(z, 2.134781, 1e-5) && close(r.p_value, 0.032779, 1e-5),
            "{r:?}"
        );
        let r = n_minus_one_two_proportion(8, 8, 4, 8).expect("a result");
        let z = r.statistic.expect("a z");
        assert!(
            close(z, -2.236068, 1e-5) && close(r.p_value, 0.025347, 1e-5),
            "the variant's lower share gives a negative z: {r:?}"
        );
        assert_eq!(
            n_minus_one_two_proportion(8, 8, 8, 8),
            None,
            "no variation: nothing to test"
        );
    }

    /// Reference: `scipy.stats.ttest_ind(b, a, equal_var=False)` on the same log times:
    /// the variant (b) is faster, so t is negative.
    #[test]
    fn welch_matches_scipy() {
        let log = |v: &[f64]| v.iter().map(|x| x.ln()).collect::<Sample>();
        let a = log(&[34.0, 33.0, 70.0, 47.0, 108.0, 59.0, 40.0, 66.0]);
        let b = log(&[20.0, 25.0, 31.0, 22.0, 40.0, 28.0, 35.0, 30.0]);
        let r = welch_t(&a, &b).expect("a result");
        assert!(close(r.statistic.expect("t"), -3.807310, 1e-5), "{r:?}");
        assert!(close(r.df.expect("df"), 11.108744, 1e-4), "{r:?}");
        assert!(close(r.p_value, 0.002856, 1e-5), "{r:?}");
        assert_eq!(welch_t(&Sample::from_iter([1.0]), &b), None);
    }
}
