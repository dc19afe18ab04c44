//! Effect sizes beside the tests: the risk ratio of two shares, Hedges' g of two means,
//! and a median's distribution-free interval from order statistics.

use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, Normal};

use super::{CONFIDENCE, Interval, Sample};

fn z() -> f64 {
    Normal::standard().inverse_cdf(1.0 - (1.0 - CONFIDENCE) / 2.0)
}

/// The risk ratio `(x2/n2) / (x1/n1)`, variant over baseline, with Katz's log interval
/// (Katz et al. 1978): `exp(ln RR ± z √(1/x1 − 1/n1 + 1/x2 − 1/n2))`. None when a side is
/// empty or has no successes (the ratio or its interval is then unbounded), or both
/// succeeded every time (nothing varies).
pub fn risk_ratio(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<(f64, Interval)> {
    if x1 == 0 || x2 == 0 || x1 > n1 || x2 > n2 {
        return None;
    }
    let (x1, n1, x2, n2) = (x1 as f64, n1 as f64, x2 as f64, n2 as f64);
    let log = ((x2 / n2) / (x1 / n1)).ln();
    let se = (1.0 / x1 - 1.0 / n1 + 1.0 / x2 - 1.0 / n2).sqrt();
    if se == 0.0 {
        // Every attempt succeeded on both sides: no spread for an interval to show.
        return None;
    }
    let margin = z() * se;
    Some((
        log.exp(),
        Interval {
            low: (log - margin).exp(),
            high: (log + margin).exp(),
        },
    ))
}

/// Hedges' g of `mean(b) − mean(a)`: the difference over the pooled standard deviation,
/// times the small-sample correction `1 − 3/(4N − 9)` (Hedges 1981), with the interval
/// `g ± z √(N/(n1 n2) + g²/(2(N − 3.94)))` (Hedges & Olkin 1985, as statsmodels'
/// `effectsize_smd`). None with fewer than two values a side or no spread.
pub fn hedges_g(a: &Sample, b: &Sample) -> Option<(f64, Interval)> {
    let (na, nb) = (a.len() as f64, b.len() as f64);
    if na < 2.0 || nb < 2.0 {
        return None;
    }
    let (va, vb) = (a.variance()?, b.variance()?);
    let pooled = (((na - 1.0) * va + (nb - 1.0) * vb) / (na + nb - 2.0)).sqrt();
    if pooled == 0.0 || !pooled.is_finite() {
        return None;
    }
    let n = na + nb;
    let g = (1.0 - 3.0 / (4.0 * n - 9.0)) * (b.mean()? - a.mean()?) / pooled;
    let margin = z() * (n / (na * nb) + g * g / (2.0 * (n - 3.94))).sqrt();
    Some((
        g,
        Interval {
            low: g - margin,
            high: g + margin,
        },
    ))
}

/// The median's 95% interval from order statistics, free of any distribution (Conover
/// 1999, *Practical Nonparametric Statistics*, §3.2): `[x(r), x(n−r+1)]` for the largest
/// rank r with `P(B ≤ r − 1) ≤ 0.025`, B ~ Binomial(n, ½), so it covers the median at
/// least 95% of the time. None below 6 values, where even `[min, max]` covers less.
pub fn median_interval(values: &Sample) -> Option<Interval> {
    let n = values.len() as u64;
    let tail = (1.0 - CONFIDENCE) / 2.0;
    let binomial = Binomial::new(0.5, n).ok()?;
    let r = (1..=n / 2)
        .take_while(|&r| binomial.cdf(r - 1) <= tail)
        .last()?;
    Some(Interval {
        low: values.nth(r - 1)?,
        high: values.nth(n - r)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(values: &[f64]) -> Sample {
        values.iter().copied().collect()
    }

    /// Against statsmodels 0.14: `Table2x2([[8, 2], [4, 6]]).riskratio` = 2.0 and
    /// `riskratio_confint()` = (0.8809410401232524, 4.540598993367774) (baseline 4/10 as
    /// the second row, variant 8/10 the first).
    #[test]
    fn the_risk_ratio_matches_statsmodels() {
        let (ratio, i) = risk_ratio(4, 10, 8, 10).expect("a ratio");
        assert!((ratio - 2.0).abs() < 1e-12);
        assert!((i.low - 0.8809410401232524).abs() < 1e-9, "{i:?}");
        assert!((i.high - 4.540598993367774).abs() < 1e-9, "{i:?}");
        assert_eq!(risk_ratio(0, 10, 8, 10), None);
        assert_eq!(risk_ratio(8, 8, 7, 7), None);
    }

    /// Against statsmodels 0.14: `effectsize_smd(mean_b, sd_b, n_b, mean_a, sd_a, n_a)`
    /// gives g and its variance; the interval is g ± 1.959964 √var.
    #[test]
    fn hedges_g_matches_statsmodels() {
        let a = sample(&[4.0, 5.0, 3.0, 6.0, 4.0, 5.0, 4.0]);
        let b = sample(&[6.0, 5.0, 7.0, 6.0, 4.0, 6.0, 7.0, 5.0]);
        let (g, i) = hedges_g(&a, &b).expect("a g");
        let (want, var) = (1.2335722292933782, 0.33665011052820226);
        assert!((g - want).abs() < 1e-9, "{g}");
        let margin = 1.959963984540054 * f64::sqrt(var);
        assert!((i.low - (want - margin)).abs() < 1e-9, "{i:?}");
        assert!((i.high - (want + margin)).abs() < 1e-9, "{i:?}");
        assert_eq!(hedges_g(&sample(&[1.0]), &b), None);
        assert_eq!(hedges_g(&sample(&[2.0, 2.0]), &sample(&[3.0, 3.0])), None);
    }

    /// Against SciPy 1.17: `quantile_test(x, q=median, p=0.5).confidence_interval(0.95)`.
    #[test]
    fn the_median_interval_matches_scipy_quantile_test() {
        let ten = sample(&[3.1, 4.0, 4.4, 5.2, 6.8, 7.1, 8.0, 9.5, 12.0, 15.2]);
        assert_eq!(
            median_interval(&ten),
            Some(Interval {
                low: 4.0,
                high: 12.0
            })
        );
        let six = sample(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(
            median_interval(&six),
            Some(Interval {
                low: 1.0,
                high: 6.0
            })
        );
        assert_eq!(median_interval(&sample(&[1.0, 2.0, 3.0, 4.0, 5.0])), None);
    }
}
