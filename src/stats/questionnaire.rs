//! Standard questionnaires, scored the standard way.

use super::Sample;

/// System Usability Scale (Brooke 1996): ten answers from 1 to 5; odd items score
/// `answer - 1`, even items `5 - answer`; the sum times 2.5 gives 0 to 100.
pub fn sus_score(answers: &[i64; 10]) -> Option<f64> {
    if answers.iter().any(|a| !(1..=5).contains(a)) {
        return None;
    }
    let sum: i64 = answers
        .iter()
        .enumerate()
        .map(|(i, a)| if i % 2 == 0 { a - 1 } else { 5 - a })
        .sum();
    Some(sum as f64 * 2.5)
}

/// UMUX-Lite (Lewis, Utesch & Maher 2013): two items on 1-7, `umux1` (capabilities meet
/// my requirements) and `umux2` (easy to use); `(u1 + u2 - 2) × 100 / 12` gives 0 to 100.
pub fn umux_lite(u1: i64, u2: i64) -> Option<f64> {
    if !(1..=7).contains(&u1) || !(1..=7).contains(&u2) {
        return None;
    }
    Some((u1 + u2 - 2) as f64 * 100.0 / 12.0)
}

/// Net Promoter Score (Reichheld 2003): answers 0 to 10; the percentage of promoters
/// (9-10) minus the percentage of detractors (0-6), from -100 to 100.
pub fn nps(answers: &Sample) -> Option<f64> {
    if answers.is_empty() || !answers.all(|a| (0..=10).contains(&(a as i64))) {
        return None;
    }
    let share =
        |f: fn(i64) -> bool| answers.count_where(|a| f(a as i64)) as f64 / answers.len() as f64;
    Some(100.0 * (share(|a| a >= 9) - share(|a| a <= 6)))
}

/// Customer satisfaction: the share of answers in the top two points of a scale that
/// ends at `top` (4 and 5 on a 1-5 scale).
pub fn csat_top_two(answers: &Sample, top: i64) -> Option<f64> {
    if answers.is_empty() {
        return None;
    }
    Some(answers.count_where(|a| a as i64 >= top - 1) as f64 / answers.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(values: &[i64]) -> Sample {
        values.iter().map(|a| *a as f64).collect()
    }

    /// Brooke's scoring: all-neutral answers give 50; the best possible answers
    /// (5 on odd items, 1 on even items) give 100.
    #[test]
    fn sus_is_scored_as_brooke_describes() {
        assert_eq!(sus_score(&[3; 10]), Some(50.0));
        assert_eq!(sus_score(&[5, 1, 5, 1, 5, 1, 5, 1, 5, 1]), Some(100.0));
        assert_eq!(sus_score(&[1, 5, 1, 5, 1, 5, 1, 5, 1, 5]), Some(0.0));
        // Odd items 3+4+3+4+3, even items 3+4+3+3+3: 33 × 2.5 = 82.5.
        assert_eq!(sus_score(&[4, 2, 5, 1, 4, 2, 5, 2, 4, 2]), Some(82.5));
        assert_eq!(sus_score(&[0, 2, 5, 1, 4, 2, 5, 2, 4, 2]), None);
    }

    /// 10 answers, 5 promoters and 2 detractors: 50% - 20% = 30.
    #[test]
    fn nps_is_promoters_minus_detractors() {
        assert_eq!(nps(&answers(&[10, 9, 9, 10, 9, 8, 7, 6, 0, 8])), Some(30.0));
        assert_eq!(nps(&answers(&[11])), None);
    }

    /// Lewis, Utesch & Maher's scoring: 7 and 7 give 100, 1 and 1 give 0, 6 and 5 give 75.
    #[test]
    fn umux_lite_runs_from_0_to_100() {
        assert_eq!(umux_lite(7, 7), Some(100.0));
        assert_eq!(umux_lite(1, 1), Some(0.0));
        assert_eq!(umux_lite(6, 5), Some(75.0));
        assert_eq!(umux_lite(8, 5), None);
    }

    #[test]
    fn csat_counts_the_top_two_boxes() {
        assert_eq!(csat_top_two(&answers(&[5, 4, 3, 2, 5]), 5), Some(0.6));
    }
}
