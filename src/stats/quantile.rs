//! Sample quantiles, Hyndman & Fan's type 7 (the default of R and NumPy).

/// The `p` quantile (0 to 1) of `values`, interpolating between order statistics:
/// `h = (n - 1) p`, then `x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])`.
pub fn quantile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() || !(0.0..=1.0).contains(&p) || values.iter().any(|v| v.is_nan()) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let h = (sorted.len() - 1) as f64 * p;
    let below = h.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    Some(sorted[below] + (h - h.floor()) * (sorted[above] - sorted[below]))
}

pub fn median(values: &[f64]) -> Option<f64> {
    quantile(values, 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: numpy.quantile([1, 2, 3, 4, 10], [0.5, 0.9]) = [3.0, 7.6] (type 7).
    #[test]
    fn matches_type_7() {
        let values = [10.0, 1.0, 3.0, 2.0, 4.0];
        assert_eq!(median(&values), Some(3.0));
        assert!((quantile(&values, 0.9).expect("a value") - 7.6).abs() < 1e-12);
        assert_eq!(median(&[2.0, 4.0]), Some(3.0));
        assert_eq!(median(&[]), None);
        assert_eq!(quantile(&[1.0], 1.5), None);
    }
}
