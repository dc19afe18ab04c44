//! Standard questionnaires as one table, and each scored the standard way. The tally,
//! the figures, the verdicts, the comparison and every renderer read the table: a
//! questionnaire is added by a row.

use super::Sample;

/// How a questionnaire is scored, which also says how it is compared.
#[derive(Debug, Clone, Copy)]
pub enum Scoring {
    /// Items `{id}1` to `{id}N`: every session that answered them all gets a score from
    /// its answers in item order (None for an answer off the scale); the scores are
    /// summarised as a mean with its t interval and compared by Welch's test.
    Total(fn(&[i64]) -> Option<f64>),
    /// The question `{id}` itself, 0-10: the Net Promoter Score, compared by Rocks's
    /// adjusted-Wald difference.
    Nps,
    /// The question `{id}` itself, 1-7: a mean, compared by Welch's test.
    Seq,
    /// The question `{id}` itself, 1-5: the share of the top two answers, compared as two
    /// proportions (Campbell's rule).
    Csat,
}

/// One standard questionnaire: the ids its questions carry, its items and scale, how
/// it is scored, and what reports call it.
#[derive(Debug, Clone, Copy)]
pub struct Questionnaire {
    /// The question id (`nps`), or the prefix of its numbered items (`sus` for `sus1`..).
    pub id: &'static str,
    /// What reports call it: `SUS`, `UMUX-Lite`.
    pub label: &'static str,
    /// Numbered items (`Total`), or 1 for a single question.
    pub items: usize,
    /// The answers' scale, both ends included.
    pub scale: (i64, i64),
    /// The ends of its score: what intervals are kept within.
    pub range: (f64, f64),
    pub scoring: Scoring,
    /// Its score's name in a comparison row: `SUS score`.
    pub compared_as: &'static str,
    /// Its key in the report's JSON: `umux_lite`.
    pub key: &'static str,
}

impl Questionnaire {
    /// The item number of `question` (1 for `sus1`) when it is one of this
    /// questionnaire's numbered items.
    pub fn item(&self, question: &str) -> Option<usize> {
        let Scoring::Total(_) = self.scoring else {
            return None;
        };
        question
            .strip_prefix(self.id)
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|i| (1..=self.items).contains(i))
    }

    /// The score of one session's answers to the items, in item order.
    pub fn total(&self, answers: &[i64]) -> Option<f64> {
        match self.scoring {
            Scoring::Total(score) if answers.len() == self.items => score(answers),
            _ => None,
        }
    }
}

/// Every questionnaire mvx knows, in the order reports list them.
pub const QUESTIONNAIRES: &[Questionnaire] = &[
    Questionnaire {
        id: "sus",
        label: "SUS",
        items: 10,
        scale: (1, 5),
        range: (0.0, 100.0),
        scoring: Scoring::Total(sus_items),
        compared_as: "SUS score",
        key: "sus",
    },
    Questionnaire {
        id: "umux",
        label: "UMUX-Lite",
        items: 2,
        scale: (1, 7),
        range: (0.0, 100.0),
        scoring: Scoring::Total(umux_items),
        compared_as: "UMUX-Lite score",
        key: "umux_lite",
    },
    Questionnaire {
        id: "seq",
        label: "SEQ",
        items: 1,
        scale: (1, 7),
        range: (1.0, 7.0),
        scoring: Scoring::Seq,
        compared_as: "SEQ",
        key: "seq",
    },
    Questionnaire {
        id: "nps",
        label: "NPS",
        items: 1,
        scale: (0, 10),
        range: (-100.0, 100.0),
        scoring: Scoring::Nps,
        compared_as: "NPS",
        key: "nps",
    },
    Questionnaire {
        id: "csat",
        label: "CSAT",
        items: 1,
        scale: (1, 5),
        range: (0.0, 1.0),
        scoring: Scoring::Csat,
        compared_as: "CSAT (top two of 5)",
        key: "csat",
    },
];

/// The questionnaires a report scores: [`QUESTIONNAIRES`] unless a caller gives its own.
#[derive(Debug, Clone, Copy)]
pub struct Questionnaires(pub &'static [Questionnaire]);

impl Default for Questionnaires {
    fn default() -> Self {
        Questionnaires(QUESTIONNAIRES)
    }
}

impl Questionnaires {
    /// The questionnaires scored from numbered items (`Scoring::Total`).
    pub fn totals(self) -> impl Iterator<Item = &'static Questionnaire> {
        self.0
            .iter()
            .filter(|q| matches!(q.scoring, Scoring::Total(_)))
    }

    /// Whether `question` is an item of a questionnaire, scored with the others and
    /// never compared on its own.
    pub fn is_item(self, question: &str) -> bool {
        self.totals().any(|q| q.item(question).is_some())
    }
}

/// The questionnaire of `table` asked as the single question `question`.
pub fn single<'t>(table: &'t [Questionnaire], question: &str) -> Option<&'t Questionnaire> {
    table
        .iter()
        .find(|q| q.id == question && !matches!(q.scoring, Scoring::Total(_)))
}

fn sus_items(answers: &[i64]) -> Option<f64> {
    sus_score(answers.try_into().ok()?)
}

fn umux_items(answers: &[i64]) -> Option<f64> {
    match answers {
        [u1, u2] => umux_lite(*u1, *u2),
        _ => None,
    }
}

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
