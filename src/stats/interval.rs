//! 95% confidence intervals: completion rates, means, and times on task.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use super::{CONFIDENCE, Sample};

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

impl Interval {
    /// The interval kept within the scale it measures (a mean of 1-7 answers cannot be 7.4).
    pub fn clamped(self, low: f64, high: f64) -> Interval {
        Interval {
            low: self.low.clamp(low, high),
            high: self.high.clamp(low, high),
        }
    }
}

/// The two-sided critical value of the standard normal distribution (1.96 for 95%).
fn z() -> f64 {
    Normal::standard().inverse_cdf(1.0 - (1.0 - CONFIDENCE) / 2.0)
}

/// The two-sided critical value of Student's t with `df` degrees of freedom.
pub(super) fn t(df: f64) -> Option<f64> {
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    Some(dist.inverse_cdf(1.0 - (1.0 - CONFIDENCE) / 2.0))
}

/// Adjusted-Wald interval of `successes` out of `n` (Agresti & Coull 1998; recommended
/// for small-sample completion rates by Sauro & Lewis 2005): add z²/2 successes and z²
/// trials, then take the Wald interval, clamped to 0..1.
pub fn adjusted_wald(successes: u64, n: u64) -> Option<Interval> {
    if n == 0 || successes > n {
        return None;
    }
    let z = z();
    let n_adj = n as f64 + z * z;
    let p_adj = (successes as f64 + z * z / 2.0) / n_adj;
    let margin = z * (p_adj * (1.0 - p_adj) / n_adj).sqrt();
    Some(Interval {
        low: (p_adj - margin).max(0.0),
        high: (p_adj + margin).min(1.0),
    })
}

/// Mean with its t interval: `mean ± t(n-1) s / √n`. Needs two values.
pub fn mean_t_interval(values: &Sample) -> Option<(f64, Interval)> {
    let n = values.len();
    let (mean, variance) = (values.mean()?, values.variance()?);
    let margin = t((n - 1) as f64)? * variance.sqrt() / (n as f64).sqrt();
    Some((
        mean,
        Interval {
            low: mean - margin,
            high: mean + margin,
        },
    ))
}

/// Geometric mean of positive times with its interval, computed on log times and
/// transformed back (Sauro & Lewis 2010: task times are skewed; the geometric mean is
/// the better estimate of the middle for samples under about 25).
pub fn geometric_mean(times: &Sample) -> Option<(f64, Interval)> {
    if !times.all(|t| t > 0.0 && t.is_finite()) {
        return None;
    }
    let (mean, interval) = mean_t_interval(&times.map(f64::ln))?;
    Some((
        mean.exp(),
        Interval {
            low: interval.low.exp(),
            high: interval.high.exp(),
        },
    ))
}

/// The middle of positive times as the report states it: the geometric mean with its
/// interval from two times, and one time alone as its own middle, without an interval.
pub fn geometric_middle(times: &Sample) -> Option<(f64, Option<Interval>)> {
    match geometric_mean(times) {
        Some((mean, interval)) => Some((mean, Some(interval))),
        None if times.len() == 1 => times.first().filter(|t| *t > 0.0).map(|t| (t, None)),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_time_is_its_own_middle_without_an_interval() {
        assert_eq!(geometric_middle(&sample(&[8.0])), Some((8.0, None)));
        let (mean, interval) = geometric_middle(&sample(&[2.0, 8.0])).expect("two times");
        assert!(close(mean, 4.0, 1e-12));
        assert!(interval.is_some());
        assert_eq!(geometric_middle(&sample(&[])), None);
    }

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    fn sample(values: &[f64]) -> Sample {
        values.iter().copied().collect()
    }

    /// Critical values from any table of Student's t (two-sided 95%).
    #[test]
    fn t_critical_values_match_the_tables() {
        for (df, expected) in [(1.0, 12.706), (4.0, 2.776), (9.0, 2.262), (29.0, 2.045)] {
            let value = t(df).expect("a t value");
            assert!(close(value, expected, 5e-4), "t({df}) = {value}");
        }
    }

    /// 7 of 10: 39.2% to 89.7%, as Sauro & Lewis's calculator and SciPy 1.17
    /// (`(x + z²/2)/(n + z²) ± z·se`) compute it; 0 of 5 and 8 of 8 clamp to 0 and 1.
    #[test]
    fn adjusted_wald_matches_independent_values() {
        let i = adjusted_wald(7, 10).expect("an interval");
        assert!(
            close(i.low, 0.392325, 1e-5) && close(i.high, 0.896662, 1e-5),
            "{i:?}"
        );
        let i = adjusted_wald(9, 10).expect("an interval");
        assert!(close(i.low, 0.574032, 1e-5) && i.high == 1.0, "{i:?}");
        let i = adjusted_wald(0, 5).expect("an interval");
        assert!(i.low == 0.0 && close(i.high, 0.489055, 1e-5), "{i:?}");
        let i = adjusted_wald(8, 8).expect("an interval");
        assert!(close(i.low, 0.627832, 1e-5) && i.high == 1.0, "{i:?}");
        assert_eq!(adjusted_wald(1, 0), None);
        assert_eq!(adjusted_wald(3, 2), None);
    }

    /// Reference values computed independently with SciPy 1.17 (`scipy.stats.t.ppf`).
    #[test]
    fn means_and_geometric_means_match_independent_values() {
        let ratings = sample(&[5.0, 6.0, 7.0, 4.0, 6.0, 7.0, 5.0, 6.0]);
        let (mean, i) = mean_t_interval(&ratings).expect("a mean");
        assert!(close(mean, 5.75, 1e-12));
        assert!(
            close(i.low, 4.884636, 1e-5) && close(i.high, 6.615364, 1e-5),
            "{i:?}"
        );
        let times = sample(&[34.0, 33.0, 70.0, 47.0, 108.0, 59.0, 40.0, 66.0, 39.0, 60.0]);
        let (gm, i) = geometric_mean(&times).expect("a geometric mean");
        assert!(close(gm, 52.026958, 1e-5), "{gm}");
        assert!(
            close(i.low, 39.788384, 1e-4) && close(i.high, 68.030015, 1e-4),
            "{i:?}"
        );
        assert_eq!(geometric_mean(&sample(&[3.0, 0.0])), None);
        assert_eq!(mean_t_interval(&sample(&[1.0])), None);
    }
}
