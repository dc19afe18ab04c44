//! Sample quantiles, Hyndman & Fan's type 7 (the default of R and NumPy).

use super::Sample;

/// The `p` quantile (0 to 1) of `values`, interpolating between order statistics:
/// `h = (n - 1) p`, then `x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])`.
/// The order statistics are found by walking the counts, never by sorting every value.
pub fn quantile(values: &Sample, p: f64) -> Option<f64> {
    if values.is_empty() || !(0.0..=1.0).contains(&p) || !values.all(|v| !v.is_nan()) {
        return None;
    }
    let last = values.len() as u64 - 1;
    let h = last as f64 * p;
    let below = h.floor() as u64;
    let above = (below + 1).min(last);
    let (low, high) = (values.nth(below)?, values.nth(above)?);
    Some(low + (h - h.floor()) * (high - low))
}

pub fn median(values: &Sample) -> Option<f64> {
    quantile(values, 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(values: &[f64]) -> Sample {
        values.iter().copied().collect()
    }

    /// Reference: numpy.quantile([1, 2, 3, 4, 10], [0.5, 0.9]) = [3.0, 7.6] (type 7).
    #[test]
    fn matches_type_7() {
        let values = sample(&[10.0, 1.0, 3.0, 2.0, 4.0]);
        assert_eq!(median(&values), Some(3.0));
        assert!((quantile(&values, 0.9).expect("a value") - 7.6).abs() < 1e-12);
        assert_eq!(median(&sample(&[2.0, 4.0])), Some(3.0));
        assert_eq!(median(&Sample::new()), None);
        assert_eq!(quantile(&sample(&[1.0]), 1.5), None);
    }

    /// Reference: numpy.quantile([1, 1, 1, 2, 5, 5], [0.5, 0.9]) = [1.5, 5.0]; ties are
    /// order statistics like any other.
    #[test]
    fn ties_count_as_often_as_they_were_measured() {
        let mut values = Sample::new();
        values.push_n(1.0, 3);
        values.push(2.0);
        values.push_n(5.0, 2);
        assert_eq!(median(&values), Some(1.5));
        assert_eq!(quantile(&values, 0.9), Some(5.0));
        assert_eq!(quantile(&values, 0.0), Some(1.0));
        assert_eq!(quantile(&values, 1.0), Some(5.0));
        assert_eq!(median(&sample(&[1.0, f64::NAN])), None);
    }
}
