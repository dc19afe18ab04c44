//! A sample of counts gives exactly the figures the list of every value gives: the
//! oracle below is the list-based code the report used before it kept counts.

use proptest::prelude::*;

use super::Sample;
use crate::stats::{self, interval::t};

/// The type 7 quantile over a sorted copy of every value, as the report computed it.
fn listed_quantile(values: &[f64], p: f64) -> Option<f64> {
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

/// Mean, sample variance and count, summed in the list's order.
fn listed_moments(values: &[f64]) -> Option<(f64, f64, f64)> {
    let n = values.len() as f64;
    if values.len() < 2 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    Some((mean, variance, n))
}

/// `mean ± t(n-1) s / √n` over the list.
fn listed_t_interval(values: &[f64]) -> Option<(f64, f64, f64)> {
    let (mean, variance, n) = listed_moments(values)?;
    let margin = t(n - 1.0)? * variance.sqrt() / n.sqrt();
    Some((mean, mean - margin, mean + margin))
}

/// Equal but for the last bits that summing in another order may change: relative to
/// the larger of the two, or to `scale` (the size of the terms) when they cancel out.
fn near(a: f64, b: f64, scale: f64) -> bool {
    a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(scale)
}

fn close(a: f64, b: f64) -> bool {
    near(a, b, 0.0)
}

const PS: [f64; 9] = [0.0, 0.1, 0.25, 0.33, 0.5, 0.75, 0.9, 0.99, 1.0];

/// Every figure of the sample against the same figure of the list it was made from.
fn assert_same_figures(list: &[f64]) {
    let sample: Sample = list.iter().copied().collect();
    assert_eq!(sample.len(), list.len());
    assert_eq!(sample.is_empty(), list.is_empty());
    let mut sorted = list.to_vec();
    sorted.sort_by(f64::total_cmp);
    let walked: Vec<f64> = sample.values().collect();
    assert_eq!(
        walked.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        sorted.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        "values of {list:?}"
    );
    for p in PS {
        assert_eq!(
            stats::quantile(&sample, p).map(f64::to_bits),
            listed_quantile(list, p).map(f64::to_bits),
            "quantile {p} of {list:?}"
        );
    }
    let listed_sum: f64 = list.iter().sum();
    let size: f64 = list.iter().map(|v| v.abs()).sum();
    assert!(near(sample.sum(), listed_sum, size), "sum of {list:?}");
    let typical = size / list.len().max(1) as f64;
    match (sample.mean(), list.is_empty()) {
        (Some(mean), false) => assert!(near(mean, listed_sum / list.len() as f64, typical)),
        (None, true) => {}
        (mean, _) => panic!("mean {mean:?} of {list:?}"),
    }
    match (stats::mean_t_interval(&sample), listed_t_interval(list)) {
        (Some((mean, i)), Some((m, low, high))) => {
            let scale = typical + (high - low);
            let same = near(mean, m, scale) && near(i.low, low, scale) && near(i.high, high, scale);
            assert!(same, "{list:?}");
            let variance = sample.variance().expect("a variance");
            assert!(close(variance, listed_moments(list).expect("moments").1));
        }
        (None, None) => assert!(sample.variance().is_none()),
        (ours, theirs) => panic!("{ours:?} against {theirs:?} for {list:?}"),
    }
}

#[test]
fn every_figure_matches_the_list_of_every_value() {
    let lists: [&[f64]; 7] = [
        &[],
        &[4.2],
        &[3.0, 1.0, 3.0, 3.0, 2.0, 2.0, 10.0],
        &[1204.0, 980.0, 1204.0, 3300.0, 15.0, 15.0, 15.0, 700.0],
        &[-0.0, 0.0, -1.5, 2.25, 0.0],
        &[7.0, 7.0, 7.0, 7.0],
        &[0.1, 0.2, 0.3, 0.1, 1e6, 1e-6],
    ];
    for list in lists {
        assert_same_figures(list);
    }
}

/// Times and ratings compared both ways: Welch's test and the ratio of geometric means
/// from counts agree with SciPy's list-based values in stats/compare.rs and
/// stats/difference.rs, ties and all.
#[test]
fn tests_on_samples_with_ties_match_the_list_formulas() {
    let a: Sample = [5.0, 6.0, 7.0, 4.0, 6.0, 7.0, 5.0, 6.0]
        .into_iter()
        .collect();
    let b: Sample = [3.0, 4.0, 5.0, 2.0, 4.0, 3.0].into_iter().collect();
    assert_eq!(a.distinct(), 4);
    let test = stats::welch_t(&a, &b).expect("a test");
    let (ma, va, na) = listed_moments(&[5.0, 6.0, 7.0, 4.0, 6.0, 7.0, 5.0, 6.0]).expect("a");
    let (mb, vb, nb) = listed_moments(&[3.0, 4.0, 5.0, 2.0, 4.0, 3.0]).expect("b");
    let listed_t = (mb - ma) / (va / na + vb / nb).sqrt();
    assert!(close(test.statistic.expect("t"), listed_t), "{test:?}");
}

/// A million values of two kinds take two entries, and their figures are the closed
/// forms: mean 2, variance 2n/(2n-1), median halfway between the two middle values.
#[test]
fn large_counts_keep_one_entry_per_distinct_value() {
    let n: u64 = 1_000_000_000_000;
    let mut sample = Sample::new();
    sample.push_n(1.0, n);
    sample.push_n(3.0, n);
    sample.push_n(9.0, 0);
    assert_eq!((sample.len(), sample.distinct()), (2 * n as usize, 2));
    assert_eq!(sample.mean(), Some(2.0));
    let variance = sample.variance().expect("a variance");
    assert!(close(variance, 2.0 * n as f64 / (2.0 * n as f64 - 1.0)));
    assert_eq!(stats::median(&sample), Some(2.0));
    assert_eq!(stats::quantile(&sample, 0.9), Some(3.0));
    assert_eq!(
        (sample.nth(n - 1), sample.nth(n), sample.nth(2 * n)),
        (Some(1.0), Some(3.0), None)
    );

    let mut list = vec![250.0; 150_000];
    list.extend(std::iter::repeat_n(1250.0, 50_000));
    list.extend([5.0, 90_000.0]);
    assert_same_figures(&list);
}

#[test]
fn merging_in_any_order_gives_the_same_sample_and_sums() {
    let parts = [vec![3.0, 1.0], vec![1.0, 0.1, 0.7], vec![], vec![1e9, 0.2]];
    let mut forward = Sample::new();
    for part in &parts {
        forward.merge(part.iter().copied().collect());
    }
    let mut backward = Sample::new();
    for part in parts.iter().rev() {
        backward.merge(part.iter().copied().collect());
    }
    assert_eq!(forward, backward);
    assert_eq!(forward.sum().to_bits(), backward.sum().to_bits());
    assert_eq!(
        forward.counts().collect::<Vec<_>>()[..2],
        [(0.1, 1), (0.2, 1)]
    );
    assert_eq!((forward.first(), forward.last()), (Some(0.1), Some(1e9)));
    assert_eq!(forward.count_where(|v| v >= 1.0), 4);
}

#[test]
fn mapping_keeps_the_counts_and_merges_what_becomes_equal() {
    let ms: Sample = [1500.0, 250.0, 1500.0].into_iter().collect();
    let s = ms.map(|v| v / 1000.0);
    assert_eq!(s.counts().collect::<Vec<_>>(), [(0.25, 1), (1.5, 2)]);
    let whole = ms.map(|v| (v / 1000.0).floor());
    assert_eq!(whole.counts().collect::<Vec<_>>(), [(0.0, 1), (1.0, 2)]);
}

/// JSON gets every value, smallest first, as the list it used to be.
#[test]
fn json_lists_every_value_in_ascending_order() {
    let sample: Sample = [3.0, 1.5, 3.0].into_iter().collect();
    let json = serde_json::to_string(&sample).expect("json");
    assert_eq!(json, "[1.5,3.0,3.0]");
    assert_eq!(serde_json::to_string(&Sample::new()).expect("json"), "[]");
}

/// Values with many ties (milliseconds of a few steps), and values with none.
fn lists() -> impl Strategy<Value = Vec<f64>> {
    prop_oneof![
        prop::collection::vec((0u32..40).prop_map(|v| f64::from(v) * 125.0), 0..60),
        prop::collection::vec(-1e6f64..1e6, 0..40),
    ]
}

proptest! {
    #[test]
    fn any_list_and_its_counts_give_the_same_figures(list in lists()) {
        assert_same_figures(&list);
    }

    #[test]
    fn welch_on_counts_matches_welch_on_lists(a in lists(), b in lists()) {
        let (sa, sb): (Sample, Sample) = (a.iter().copied().collect(), b.iter().copied().collect());
        let ours = stats::welch_t(&sa, &sb);
        match (listed_moments(&a), listed_moments(&b)) {
            (Some((ma, va, na)), Some((mb, vb, nb))) if va / na + vb / nb > 1e-9 => {
                let t = (mb - ma) / (va / na + vb / nb).sqrt();
                let ours = ours.and_then(|r| r.statistic).expect("a t");
                prop_assert!((ours - t).abs() <= 1e-9 * t.abs().max(1.0), "{ours} against {t}");
            }
            (Some(_), Some(_)) => {}
            _ => prop_assert!(ours.is_none()),
        }
    }
}
