//! Tests for a within-participants study, where each person tried both variants, and
//! the sample sizes a between or a within study would need to detect a difference in
//! completion.

use statrs::distribution::{Binomial, ContinuousCDF, Discrete, DiscreteCDF, Normal, StudentsT};

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

/// McNemar's mid-p test (Fagerland, Lydersen & Laake 2013, who find it close to the
/// nominal level where the exact conditional test is too conservative): the exact
/// two-sided p-value less the probability of the observed count,
/// 2·P(X ≤ k) − P(X = k), k the smaller discordant count, X ~ Binomial(n, ½). None
/// without a discordant pair.
pub fn mcnemar_mid_p(only_a: u64, only_b: u64) -> Option<TestResult> {
    let n = only_a + only_b;
    if n == 0 {
        return None;
    }
    let binomial = Binomial::new(0.5, n).ok()?;
    let k = only_a.min(only_b);
    let p = 2.0 * binomial.cdf(k) - binomial.pmf(k);
    Some(TestResult {
        kind: TestKind::McNemarMidP,
        statistic: Some(only_a as f64 - only_b as f64),
        df: None,
        p_value: p.clamp(0.0, 1.0),
    })
}

/// The 95% interval of a difference of two paired proportions, p(B) − p(A), by Bonett &
/// Price's (2012) adjusted Wald: of `pairs` participants who tried both, `only_b`
/// succeeded with B only and `only_a` with A only; with p̃₁ = (only_b + 1)/(n + 2) and
/// p̃₂ = (only_a + 1)/(n + 2), the interval is p̃₁ − p̃₂ ± z·√((p̃₁ + p̃₂ − (p̃₁ − p̃₂)²)/(n + 2)),
/// kept within −1..1. None without a pair.
pub fn bonett_price(only_b: u64, only_a: u64, pairs: u64) -> Option<Interval> {
    if pairs == 0 || only_a + only_b > pairs {
        return None;
    }
    let n = pairs as f64 + 2.0;
    let (p1, p2) = ((only_b as f64 + 1.0) / n, (only_a as f64 + 1.0) / n);
    let d = p1 - p2;
    let z = Normal::standard().inverse_cdf(1.0 - (1.0 - CONFIDENCE) / 2.0);
    let margin = z * ((p1 + p2 - d * d) / n).sqrt();
    Some(Interval {
        low: (d - margin).max(-1.0),
        high: (d + margin).min(1.0),
    })
}

/// Values (differences of one participant's two measures) folded in two passes over
/// the same values in the same order, so that nothing is listed: the first pass sums
/// them (`add`), the second (`add_again`, after `settle`) sums the squared distances
/// from their mean and notes whether every one is the mean but for rounding. The sums
/// are taken in the order given, from −0.0 as `Iterator::sum` does, so a fold gives the
/// very figures a list would. A within study's report folds its pairs so, streamed from
/// disk in the participants' order (`report::study::paired`).
#[derive(Debug, Clone, Copy)]
pub struct Spread {
    n: u64,
    sum: f64,
    mean: f64,
    squares: f64,
    /// Every value within 1e-12 (relative) of the mean: no variation.
    flat: bool,
}

impl Default for Spread {
    fn default() -> Self {
        Spread {
            n: 0,
            sum: -0.0,
            mean: 0.0,
            squares: -0.0,
            flat: true,
        }
    }
}

impl Spread {
    /// The first pass: one more value.
    pub fn add(&mut self, value: f64) {
        self.n += 1;
        self.sum += value;
    }

    /// Between the passes: the mean of the values added.
    pub fn settle(&mut self) {
        self.mean = self.sum / self.n as f64;
    }

    /// The second pass: the same value again, in the same order.
    pub fn add_again(&mut self, value: f64) {
        self.squares += (value - self.mean).powi(2);
        self.flat &= (value - self.mean).abs() <= 1e-12 * self.mean.abs().max(1.0);
    }

    /// `values` folded in both passes.
    pub fn of(values: impl Iterator<Item = f64> + Clone) -> Spread {
        let mut spread = Spread::default();
        values.clone().for_each(|v| spread.add(v));
        spread.settle();
        values.for_each(|v| spread.add_again(v));
        spread
    }

    pub fn len(&self) -> usize {
        self.n as usize
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The sum of the values, in the order added.
    pub fn sum(&self) -> f64 {
        self.sum
    }
}

/// The paired t-test on the differences `b[i] − a[i]` of one participant's two answers
/// or scores (Student 1908): the mean difference with its 95% t interval, and the test.
/// None with fewer than two pairs or no variation in the differences.
pub fn paired_t(a: &[f64], b: &[f64]) -> Option<(f64, TestResult, Interval)> {
    if a.len() != b.len() {
        return None;
    }
    paired_t_of(&Spread::of(a.iter().zip(b).map(|(x, y)| y - x)))
}

/// [`paired_t`] of the differences folded.
pub fn paired_t_of(d: &Spread) -> Option<(f64, TestResult, Interval)> {
    let (mean, test, margin) = t_on_differences(d)?;
    let interval = Interval {
        low: mean - margin,
        high: mean + margin,
    };
    Some((mean, test, interval))
}

/// The one-sample t-test of differences against 0: their mean, the test, and the margin
/// of the 95% interval. None with fewer than two or no variation.
fn t_on_differences(d: &Spread) -> Option<(f64, TestResult, f64)> {
    let n = d.n as f64;
    // Differences equal but for rounding (8/10 and 16/20 on logs) have no variation.
    if d.n < 2 || d.flat {
        return None;
    }
    let mean = d.mean;
    let var = d.squares / (n - 1.0);
    let se = (var / n).sqrt();
    if !se.is_finite() {
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
    Some((mean, test, margin))
}

/// The log ratios `ln a[i] − ln b[i]` of one participant's two times, folded; None if
/// a time is not positive.
fn log_ratios(a: &[f64], b: &[f64]) -> Option<Spread> {
    if a.len() != b.len() || a.iter().chain(b).any(|t| *t <= 0.0) {
        return None;
    }
    Some(Spread::of(a.iter().zip(b).map(|(x, y)| x.ln() - y.ln())))
}

/// The paired t-test on log times (Student 1908, applied to logs as Sauro & Lewis do for
/// task times): `a[i]` and `b[i]` are one participant's times. Returns the ratio of
/// geometric means A/B with its 95% interval, and the test. Needs two pairs.
pub fn paired_log_t(a: &[f64], b: &[f64]) -> Option<(f64, TestResult, Interval)> {
    paired_log_t_of(&log_ratios(a, b)?)
}

/// [`paired_log_t`] of the log ratios folded (every time positive).
pub fn paired_log_t_of(d: &Spread) -> Option<(f64, TestResult, Interval)> {
    let (mean, test, margin) = t_on_differences(d)?;
    let interval = Interval {
        low: (mean - margin).exp(),
        high: (mean + margin).exp(),
    };
    Some((mean.exp(), test, interval))
}

/// The ratio A/B every pair shares when all pairs have the same one (no variation, so
/// no interval or test); None otherwise or with fewer than two pairs.
pub fn constant_ratio(a: &[f64], b: &[f64]) -> Option<f64> {
    constant_ratio_of(&log_ratios(a, b)?)
}

/// [`constant_ratio`] of the log ratios folded (every time positive).
pub fn constant_ratio_of(d: &Spread) -> Option<f64> {
    (d.n >= 2 && d.flat).then(|| d.mean.exp())
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

/// The period effect of a 2×2 crossover (Hills & Armitage 1979; Senn 2002, ch. 3), on
/// log times: `ab` and `ba` hold each participant's (first, second) session time in
/// the two order groups. With d = ln(second) − ln(first), the period effect is the mean
/// of the two groups' mean d (the variants' difference cancels), tested by the pooled
/// two-sample t of the ab group's d against the ba group's −d, df n₁ + n₂ − 2. Returns
/// the ratio second/first with its 95% interval, and the test. None unless both groups
/// have a participant, three in all, and the d vary.
pub fn crossover_period(
    ab: &[(f64, f64)],
    ba: &[(f64, f64)],
) -> Option<(f64, TestResult, Interval)> {
    let d = |pairs: &[(f64, f64)], sign: f64| -> Option<Spread> {
        let positive = pairs.iter().all(|(f, s)| *f > 0.0 && *s > 0.0);
        positive.then(|| Spread::of(pairs.iter().map(|(f, s)| sign * (s.ln() - f.ln()))))
    };
    crossover_period_of(&d(ab, 1.0)?, &d(ba, -1.0)?)
}

/// [`crossover_period`] of the two groups' log ratios folded: ln(second) − ln(first)
/// in the ab group, its negation in the ba group (every time positive).
pub fn crossover_period_of(x: &Spread, y: &Spread) -> Option<(f64, TestResult, Interval)> {
    let (n1, n2) = (x.n as f64, y.n as f64);
    if x.n == 0 || y.n == 0 || x.n + y.n < 3 {
        return None;
    }
    let (mx, my) = (x.mean, y.mean);
    let df = n1 + n2 - 2.0;
    let pooled = (x.squares + y.squares) / df;
    // x − y = 2·period: half of it, and half its standard error.
    let se = (pooled * (1.0 / n1 + 1.0 / n2)).sqrt() / 2.0;
    if se <= 1e-12 || !se.is_finite() {
        return None;
    }
    let period = (mx - my) / 2.0;
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    let t = period / se;
    let margin = dist.inverse_cdf(1.0 - (1.0 - CONFIDENCE) / 2.0) * se;
    let test = TestResult {
        kind: TestKind::TwoSampleT,
        statistic: Some(t),
        df: Some(df),
        p_value: 2.0 * (1.0 - dist.cdf(t.abs())),
    };
    let interval = Interval {
        low: (period - margin).exp(),
        high: (period + margin).exp(),
    };
    Some((period.exp(), test, interval))
}

/// Participants a within study (each trying both) needs to detect the discordant shares
/// `only_b` (succeeded with B only) and `only_a` (with A only) with McNemar's test,
/// two-sided at 5% and 80% power, by Connor's (1987) formula: with ψ = only_b + only_a
/// and δ = only_b − only_a, n = (z₀.₉₇₅·√ψ + z₀.₈·√(ψ − δ²))² / δ², rounded up. None
/// when the shares are equal.
pub fn paired_sample_size(only_b: f64, only_a: f64) -> Option<u64> {
    let (psi, delta) = (only_b + only_a, only_b - only_a);
    if delta.abs() < 1e-9 || !(0.0..=1.0).contains(&psi) || only_a < 0.0 || only_b < 0.0 {
        return None;
    }
    let normal = Normal::standard();
    let (alpha, power) = (normal.inverse_cdf(0.975), normal.inverse_cdf(0.8));
    let root = alpha * psi.sqrt() + power * (psi - delta * delta).max(0.0).sqrt();
    Some((root.powi(2) / delta.powi(2)).ceil() as u64)
}

/// The fragility index of McNemar's mid-p verdict ([`mcnemar_mid_p`]) at `level`: of
/// `pairs` participants who tried both, `only_a` succeeded with A only and `only_b` with
/// B only; the fewest single outcomes that, changed (one participant's success with one
/// variant made a failure, or the other way), turn a difference into none or none into
/// a difference. A change moves one discordant count by one: a participant who
/// succeeded with both or neither becomes discordant, or a discordant one concordant.
/// As [`super::fragility`] for independent groups (Walsh et al. 2014; Khan et al. 2020);
/// a table without a discordant pair counts as no difference. None when the verdict
/// itself cannot be tested or no [`super::proportions::FRAGILITY_SEARCHED`] changes
/// flip it.
pub fn mcnemar_fragility(only_a: u64, only_b: u64, pairs: u64, level: f64) -> Option<u64> {
    if only_a + only_b > pairs {
        return None;
    }
    mcnemar_mid_p(only_a, only_b)?;
    let different = |a: u64, b: u64| mcnemar_mid_p(a, b).is_some_and(|t| t.p_value < level);
    let now = different(only_a, only_b);
    let (a, b, n) = (only_a as i64, only_b as i64, pairs as i64);
    (1..=super::proportions::FRAGILITY_SEARCHED.min(pairs)).find(|&k| {
        let k = k as i64;
        (-k..=k).any(|da| {
            let rest = k - da.abs();
            [rest, -rest].into_iter().any(|db| {
                let (a2, b2) = (a + da, b + db);
                a2 >= 0 && b2 >= 0 && a2 + b2 <= n && different(a2 as u64, b2 as u64) != now
            })
        })
    })
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

    /// The mid-p by its formula, 2·binom.cdf(k, n, ½) − binom.pmf(k, n, ½), computed
    /// with `scipy.stats.binom` (Fagerland, Lydersen & Laake 2013, eq. for the mid-p).
    #[test]
    fn mcnemar_mid_p_matches_scipy_binom() {
        for (a, b, p) in [
            (1, 6, 0.0703125),
            (2, 9, 0.03857421875),
            (0, 5, 0.03125),
            (1, 8, 0.021484375),
            (3, 3, 1.0),
        ] {
            let test = mcnemar_mid_p(a, b).expect("discordant pairs");
            assert!(close(test.p_value, p), "{a},{b}: {} != {p}", test.p_value);
            assert_eq!(test.kind, TestKind::McNemarMidP);
        }
        assert!(mcnemar_mid_p(0, 0).is_none());
    }

    /// Bonett & Price (2012) by hand in Python: p12 = (n12+1)/(n+2), p21 = (n21+1)/(n+2),
    /// d ± scipy.stats.norm.ppf(0.975)·√((p12 + p21 − d²)/(n+2)).
    #[test]
    fn the_paired_interval_is_bonett_and_price() {
        for (only_b, only_a, n, low, high) in [
            (6, 1, 14, -0.021573169725027708, 0.6465731697250277),
            (0, 5, 11, -0.7243228025470818, -0.044907966683687406),
            (3, 3, 10, -0.4619679414498926, 0.4619679414498926),
        ] {
            let i = bonett_price(only_b, only_a, n).expect("pairs");
            assert!((i.low - low).abs() < 1e-12, "{only_b},{only_a}: {}", i.low);
            assert!(
                (i.high - high).abs() < 1e-12,
                "{only_b},{only_a}: {}",
                i.high
            );
        }
        assert!(bonett_price(0, 0, 0).is_none());
    }

    /// Against SciPy: `scipy.stats.ttest_rel(b, a)` gives t = 3.7416573867739413,
    /// p = 0.007246989820287885, df 7; mean difference 1.0 ± t.ppf(0.975, 7)·se gives
    /// 0.3680275858630756 to 1.6319724141369245.
    #[test]
    fn the_paired_t_test_matches_scipy() {
        let a = [5.0, 6.0, 4.0, 7.0, 5.0, 6.0, 3.0, 6.0];
        let b = [6.0, 7.0, 6.0, 7.0, 6.0, 7.0, 5.0, 6.0];
        let (mean, test, interval) = paired_t(&a, &b).expect("eight pairs");
        assert!(close(mean, 1.0));
        assert!((test.statistic.unwrap_or_default() - 3.7416573867739413).abs() < 1e-9);
        assert!((test.p_value - 0.007246989820287885).abs() < 1e-9);
        assert_eq!(test.df, Some(7.0));
        assert!((interval.low - 0.3680275858630756).abs() < 1e-9);
        assert!((interval.high - 1.6319724141369245).abs() < 1e-9);
        assert!(paired_t(&[1.0, 2.0], &[2.0, 3.0]).is_none(), "no variation");
    }

    #[test]
    fn a_ratio_every_pair_shares_is_kept_without_a_test() {
        let a = [8.0, 16.0, 24.0];
        let b = [10.0, 20.0, 30.0];
        assert!(paired_log_t(&a, &b).is_none());
        assert!((constant_ratio(&a, &b).expect("constant") - 0.8).abs() < 1e-12);
        assert!(constant_ratio(&[8.0, 17.0], &[10.0, 20.0]).is_none());
        assert!(constant_ratio(&[8.0], &[10.0]).is_none());
    }

    /// Connor (1987) by hand with `scipy.stats.norm.ppf`: ψ = 7/14, δ = 5/14 gives
    /// 28.29; ψ = 5/11 = δ gives 14.66; ψ = 0.3, δ = 0.1 gives 233.09.
    #[test]
    fn the_paired_sample_size_is_connors() {
        assert_eq!(paired_sample_size(6.0 / 14.0, 1.0 / 14.0), Some(29));
        assert_eq!(paired_sample_size(5.0 / 11.0, 0.0), Some(15));
        assert_eq!(paired_sample_size(0.2, 0.1), Some(234));
        assert_eq!(paired_sample_size(0.25, 0.05), Some(57));
        assert_eq!(paired_sample_size(0.1, 0.1), None);
    }

    /// Against SciPy: with d = ln(second) − ln(first), `scipy.stats.ttest_ind(d_ab,
    /// -d_ba)` (pooled) gives t = -0.2316384465693725, p = 0.8281862120019045, df 4; the
    /// period ratio exp((mean d_ab + mean d_ba)/2) = 0.9940697277099756, its interval by
    /// t.ppf(0.975, 4) times half the pooled standard error 0.9256672458719634 –
    /// 1.06752683316405.
    #[test]
    fn the_crossover_period_effect_matches_scipy() {
        let ab = [(40.0, 33.0), (45.0, 36.0), (38.0, 35.0)];
        let ba = [(47.0, 52.0), (51.0, 60.0), (41.0, 50.0)];
        let (ratio, test, interval) = crossover_period(&ab, &ba).expect("both groups");
        assert!((ratio - 0.9940697277099756).abs() < 1e-12);
        assert!((test.statistic.unwrap_or_default() + 0.2316384465693725).abs() < 1e-9);
        assert!((test.p_value - 0.8281862120019045).abs() < 1e-9);
        assert_eq!(test.df, Some(4.0));
        assert!((interval.low - 0.9256672458719634).abs() < 1e-9);
        assert!((interval.high - 1.06752683316405).abs() < 1e-9);
        assert!(crossover_period(&ab, &[]).is_none());
    }

    /// Against a brute-force search in SciPy 1.17 over every table reachable from the
    /// observed one (mid-p as `2·binom.cdf(k, n, .5) − binom.pmf(k, n, .5)`), the fewest
    /// changed outcomes that flip the verdict at 0.05.
    #[test]
    fn mcnemar_fragility_matches_a_brute_force_search_in_scipy() {
        for ((a, b, n), want) in [
            ((0, 5, 14), Some(1)),
            ((1, 6, 14), Some(1)),
            ((2, 10, 14), Some(1)),
            ((1, 5, 14), Some(1)),
            ((3, 3, 14), Some(5)),
            ((0, 8, 10), Some(2)),
            ((5, 6, 20), Some(5)),
            ((1, 9, 15), Some(2)),
        ] {
            assert_eq!(mcnemar_fragility(a, b, n, 0.05), want, "{a} {b} {n}");
        }
        assert_eq!(mcnemar_fragility(0, 0, 10, 0.05), None);
    }
}
