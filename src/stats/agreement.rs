//! Agreement between coders on nominal values: percent agreement, Cohen's kappa for two
//! coders, and Krippendorff's alpha for any number with missing values (sources in
//! docs/statistics.md, "Agreement between coders").
//!
//! Data come as units, each a list of values, one per coder, `None` where that coder gave
//! none. Where a coefficient is undefined (too few values, or no variation at all: every
//! value the same) it is `None`, never a number made up for it.

use std::collections::BTreeMap;

/// Units on which every coder with a value agrees, of the units with two values or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PercentAgreement {
    pub agreed: usize,
    /// Units with two values or more: those on which coders can agree or not.
    pub of: usize,
}

impl PercentAgreement {
    /// The share agreed, 0 to 1; `None` with no unit to compare.
    pub fn share(&self) -> Option<f64> {
        (self.of > 0).then(|| self.agreed as f64 / self.of as f64)
    }
}

/// Percent agreement over `units` (each a value per coder, `None` when missing).
pub fn percent_agreement<T: Ord>(units: &[Vec<Option<T>>]) -> PercentAgreement {
    let mut agreement = PercentAgreement { agreed: 0, of: 0 };
    for unit in units {
        let mut values = unit.iter().flatten();
        let Some(first) = values.next() else {
            continue;
        };
        let rest: Vec<&T> = values.collect();
        if rest.is_empty() {
            continue;
        }
        agreement.of += 1;
        if rest.iter().all(|v| *v == first) {
            agreement.agreed += 1;
        }
    }
    agreement
}

/// Cohen's (1960) kappa for two coders over the units both coded, given as pairs:
/// `(p_o - p_e) / (1 - p_e)`, `p_e` from each coder's own margins. `None` without pairs,
/// or when `p_e` is 1 (both coders gave every unit the one same value): then kappa is
/// 0/0, undefined.
pub fn cohen_kappa<T: Ord>(pairs: &[(T, T)]) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    let n = pairs.len() as u128;
    let mut first: BTreeMap<&T, u128> = BTreeMap::new();
    let mut second: BTreeMap<&T, u128> = BTreeMap::new();
    let mut agreed: u128 = 0;
    for (a, b) in pairs {
        *first.entry(a).or_default() += 1;
        *second.entry(b).or_default() += 1;
        agreed += u128::from(a == b);
    }
    // In counts, times n²: kappa = (n·agreed - Σ a_c b_c) / (n² - Σ a_c b_c), exact until
    // the last division, so the undefined case is found exactly.
    let chance: u128 = first
        .iter()
        .map(|(value, a)| a * second.get(value).copied().unwrap_or(0))
        .sum();
    let room = n * n - chance;
    if room == 0 {
        return None;
    }
    Some((n as f64 * agreed as f64 - chance as f64) / room as f64)
}

/// Krippendorff's alpha for nominal values, any number of coders, missing values allowed,
/// by the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
/// Alpha-Reliability", section C): units with fewer than two values are left out; each
/// unit with `m` values adds each ordered pair of its values, from different coders, to
/// the coincidences `o_ck` with weight `1/(m-1)`; with `n_c` each value's total and `n`
/// all values paired, `alpha = 1 - (n-1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k`. `None` when
/// fewer than two values are paired, or when they are all the same (no variation: the
/// expected disagreement is 0 and alpha is 0/0).
pub fn krippendorff_alpha_nominal<T: Ord>(units: &[Vec<Option<T>>]) -> Option<f64> {
    // Per unit, how often each value was given; the coincidences follow from these counts:
    // a unit's pairs c-k (c ≠ k) are count_c · count_k.
    let mut totals: BTreeMap<&T, f64> = BTreeMap::new();
    let mut off_diagonal = 0.0;
    for unit in units {
        let mut counts: BTreeMap<&T, usize> = BTreeMap::new();
        for value in unit.iter().flatten() {
            *counts.entry(value).or_default() += 1;
        }
        let m: usize = counts.values().sum();
        if m < 2 {
            continue;
        }
        let weight = 1.0 / (m - 1) as f64;
        for (value, count) in &counts {
            // Each value's row of the coincidence matrix sums to its count in the unit.
            *totals.entry(value).or_default() += *count as f64;
            let others = (m - count) as f64;
            off_diagonal += *count as f64 * others * weight;
        }
    }
    let n: f64 = totals.values().sum();
    if n < 2.0 {
        return None;
    }
    let squares: f64 = totals.values().map(|t| t * t).sum();
    let expected = n * n - squares;
    if expected <= 0.0 {
        return None;
    }
    Some(1.0 - (n - 1.0) * off_diagonal / expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
    /// nominal data, four observers, twelve units, missing data; alpha = 0.743
    /// (113/152 = 0.743421..., as the `krippendorff` package gives).
    fn krippendorff_2011() -> Vec<Vec<Option<u8>>> {
        let rows: [[u8; 12]; 4] = [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
            [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
        ];
        (0..12)
            .map(|u| rows.iter().map(|r| (r[u] > 0).then_some(r[u])).collect())
            .collect()
    }

    #[test]
    fn alpha_matches_krippendorffs_own_nominal_example_with_missing_data() {
        let alpha = krippendorff_alpha_nominal(&krippendorff_2011()).expect("defined");
        assert_eq!(format!("{alpha:.3}"), "0.743");
        // The same figure to the last digits from the `krippendorff` package (0.9.x):
        // krippendorff.alpha(reliability_data=..., level_of_measurement='nominal').
        assert!((alpha - 0.743_421_052_631_579).abs() < 1e-12, "{alpha}");
    }

    /// Fleiss, Levin & Paik (2003), Statistical Methods for Rates and Proportions, 3rd
    /// ed., chapter 18 (chapter 13 of the 1981 2nd ed.): two raters, 100 subjects, three
    /// diagnoses (psychological, neurological, organic); p_o = .89, p_e = .66,
    /// kappa = .68 (23/34 = 0.676..., as scikit-learn's `cohen_kappa_score` gives).
    #[test]
    fn kappa_matches_fleiss_textbook_example() {
        let cells: [((u8, u8), usize); 7] = [
            ((0, 0), 75),
            ((0, 1), 1),
            ((0, 2), 4),
            ((1, 0), 5),
            ((1, 1), 4),
            ((1, 2), 1),
            ((2, 2), 10),
        ];
        let pairs: Vec<(u8, u8)> = cells
            .iter()
            .flat_map(|(pair, count)| std::iter::repeat_n(*pair, *count))
            .collect();
        let kappa = cohen_kappa(&pairs).expect("defined");
        assert_eq!(format!("{kappa:.2}"), "0.68");
        assert!((kappa - 23.0 / 34.0).abs() < 1e-12, "{kappa}");
        let units: Vec<Vec<Option<u8>>> = pairs
            .iter()
            .map(|(a, b)| vec![Some(*a), Some(*b)])
            .collect();
        assert_eq!(
            percent_agreement(&units),
            PercentAgreement {
                agreed: 89,
                of: 100
            }
        );
    }

    #[test]
    fn no_variation_leaves_kappa_and_alpha_undefined() {
        let same = vec![(0u8, 0u8); 5];
        assert_eq!(cohen_kappa(&same), None);
        let units: Vec<Vec<Option<u8>>> = vec![vec![Some(0), Some(0), None]; 5];
        assert_eq!(krippendorff_alpha_nominal(&units), None);
        let agreement = percent_agreement(&units);
        assert_eq!(agreement.share(), Some(1.0));
    }

    #[test]
    fn too_few_values_leave_every_figure_undefined() {
        let lonely: Vec<Vec<Option<u8>>> = vec![vec![Some(1), None], vec![None, Some(0)]];
        assert_eq!(krippendorff_alpha_nominal(&lonely), None);
        assert_eq!(percent_agreement(&lonely).share(), None);
        assert_eq!(cohen_kappa::<u8>(&[]), None);
    }

    /// Two coders who never agree on a binary code: kappa -1 when each uses both values
    /// equally, and alpha below 0 (systematic disagreement).
    #[test]
    fn systematic_disagreement_is_below_zero() {
        let pairs = [(0u8, 1u8), (1, 0), (0, 1), (1, 0)];
        assert_eq!(cohen_kappa(&pairs), Some(-1.0));
        let units: Vec<Vec<Option<u8>>> = pairs
            .iter()
            .map(|(a, b)| vec![Some(*a), Some(*b)])
            .collect();
        let alpha = krippendorff_alpha_nominal(&units).expect("defined");
        // n = 8, o_01 = o_10 = 4, n_0 = n_1 = 4: 1 - 7·8/32 = -0.75.
        assert!((alpha + 0.75).abs() < 1e-12, "{alpha}");
    }
}
