//! The counted participants' sessions reduced to what the study compares, gathered as
//! they are read back (`StudyFold`): per variant and per position how many, how many
//! completed and their task times (as counts per distinct time, `Sample`); and in a
//! within study each participant's session of each variant, for the pairs.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::report::tally::score_of;
use crate::session::{AnswerValue, EventKind, Session};
use crate::stats::{QUESTIONNAIRES, Questionnaire, Sample, Scoring};

/// One counted participant's session of a variant.
#[derive(Debug, Clone)]
pub(super) struct Unit<'f> {
    pub participant: &'f str,
    pub variant: &'f str,
    /// 1 for the variant a participant played first (always 1 in a between study).
    pub position: usize,
    pub completed: bool,
    /// Total task time in seconds, pauses and gaps left out, when completed.
    pub time: Option<f64>,
    /// The session's value on each of [`paired_questionnaires`], when it has one.
    pub scores: &'f [Option<f64>],
}

/// Sessions gathered together (of a variant, or played at a position).
#[derive(Debug, Clone, Default)]
pub(super) struct Group {
    pub participants: usize,
    pub completed: usize,
    /// The completed sessions' times.
    pub times: Sample,
    /// Per paired questionnaire: whether any session has a value on it.
    pub answered: Vec<bool>,
}

impl Group {
    fn add(&mut self, unit: &Unit<'_>) {
        self.participants += 1;
        self.completed += usize::from(unit.completed);
        if let Some(time) = unit.time {
            self.times.push(time);
        }
        if self.answered.len() < unit.scores.len() {
            self.answered.resize(unit.scores.len(), false);
        }
        for (answered, score) in self.answered.iter_mut().zip(unit.scores) {
            *answered |= score.is_some();
        }
    }

    /// Whether any session has a value on the `i`th paired questionnaire.
    pub fn answered(&self, i: usize) -> bool {
        self.answered.get(i).copied().unwrap_or(false)
    }
}

/// How many questionnaires a within study compares pair by pair
/// (`paired_questionnaires`): a session's scores on them are kept inline.
const PAIRED: usize = 3;

/// A participant's session of one variant, kept for the pairs of a within study: 48
/// bytes, the scores inline.
#[derive(Debug, Clone, Copy)]
pub(super) struct Paired {
    pub time: Option<f64>,
    pub position: u32,
    pub completed: bool,
    /// Bit `i`: the session has a value on the `i`th paired questionnaire.
    known: u8,
    scores: [f64; PAIRED],
}

impl Paired {
    fn of(unit: &Unit<'_>) -> Paired {
        let mut paired = Paired {
            time: unit.time,
            position: unit.position as u32,
            completed: unit.completed,
            known: 0,
            scores: [0.0; PAIRED],
        };
        for (i, score) in unit.scores.iter().enumerate().take(PAIRED) {
            if let Some(score) = score {
                paired.known |= 1 << i;
                paired.scores[i] = *score;
            }
        }
        paired
    }

    /// The session's value on the `i`th paired questionnaire, if it has one.
    pub fn score(&self, i: usize) -> Option<f64> {
        (i < PAIRED && self.known & (1 << i) != 0).then(|| self.scores[i])
    }
}

/// A counted session kept for the pairs: where its participant's id sits in
/// `Units::ids`, its variant (in the order of `Units::variants`), the session.
#[derive(Debug)]
struct Kept {
    id: (u32, u32),
    variant: u32,
    session: Paired,
}

/// Every counted session, gathered.
#[derive(Debug, Default)]
pub(super) struct Units {
    variants: Vec<(String, Group)>,
    positions: BTreeMap<usize, Group>,
    /// Within: each counted session, for the pairs, and the participants' ids.
    kept: Vec<Kept>,
    ids: String,
    /// `kept` in the order of the participants' ids, made when the pairs are first asked.
    by_id: OnceLock<Vec<u32>>,
    none: Group,
}

impl Units {
    /// Adds a counted session, in file order; `pairs` keeps it for the pairs.
    pub fn add(&mut self, unit: &Unit<'_>, pairs: bool) {
        let v = match self.variants.iter().position(|(n, _)| n == unit.variant) {
            Some(v) => v,
            None => {
                self.variants
                    .push((unit.variant.to_owned(), Group::default()));
                self.variants.len() - 1
            }
        };
        self.variants[v].1.add(unit);
        self.positions.entry(unit.position).or_default().add(unit);
        if !pairs {
            return;
        }
        let start = self.ids.len() as u32;
        self.ids.push_str(unit.participant);
        self.kept.push(Kept {
            id: (start, self.ids.len() as u32),
            variant: v as u32,
            session: Paired::of(unit),
        });
        self.by_id = OnceLock::new();
    }

    fn id(&self, kept: &Kept) -> &str {
        self.ids
            .get(kept.id.0 as usize..kept.id.1 as usize)
            .unwrap_or_default()
    }

    /// The sessions of `variant`.
    pub fn of(&self, variant: &str) -> &Group {
        (self.variants.iter())
            .find(|(n, _)| n == variant)
            .map_or(&self.none, |(_, g)| g)
    }

    /// The sessions played at `position` (1 for the variant played first).
    pub fn at(&self, position: usize) -> &Group {
        self.positions.get(&position).unwrap_or(&self.none)
    }

    /// Participants who played both `a` and `b`: their sessions, paired, in the order
    /// of their ids.
    pub fn pairs(&self, a: &str, b: &str) -> Vec<(&Paired, &Paired)> {
        let index = |v: &str| self.variants.iter().position(|(n, _)| n == v);
        let (Some(a), Some(b)) = (index(a), index(b)) else {
            return Vec::new();
        };
        let by_id = self.by_id.get_or_init(|| {
            let mut order: Vec<u32> = (0..self.kept.len() as u32).collect();
            order.sort_by(|&x, &y| {
                self.id(&self.kept[x as usize])
                    .cmp(self.id(&self.kept[y as usize]))
            });
            order
        });
        let mut pairs = Vec::new();
        let mut rest = by_id.as_slice();
        while let Some(&first) = rest.first() {
            let id = self.id(&self.kept[first as usize]);
            let same = rest.partition_point(|&k| self.id(&self.kept[k as usize]) == id);
            let (theirs, after) = rest.split_at(same);
            let of = |v: usize| {
                (theirs.iter())
                    .map(|&k| &self.kept[k as usize])
                    .find(|k| k.variant as usize == v)
                    .map(|k| &k.session)
            };
            if let (Some(x), Some(y)) = (of(a), of(b)) {
                pairs.push((x, y));
            }
            rest = after;
        }
        pairs
    }
}

/// The questionnaires a within study compares pair by pair: those scored per session
/// from items (SUS, UMUX-Lite) and SEQ (the mean of the session's SEQ answers). NPS and
/// CSAT are shares of people, not scores of one, and stay compared as two groups.
pub(super) fn paired_questionnaires() -> impl Iterator<Item = &'static Questionnaire> {
    QUESTIONNAIRES
        .iter()
        .filter(|q| matches!(q.scoring, Scoring::Total(_) | Scoring::Seq))
}

/// A session's value on `q`: its score from the items, or the mean of its answers to a
/// single question.
pub(super) fn value_of(session: &Session, q: &Questionnaire) -> Option<f64> {
    if let Scoring::Total(_) = q.scoring {
        return score_of(session, q);
    }
    let answers: Vec<f64> = session
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Answer {
                question,
                value: AnswerValue::Number(n),
                ..
            } if question == q.id => Some(*n as f64),
            _ => None,
        })
        .collect();
    (!answers.is_empty()).then(|| answers.iter().sum::<f64>() / answers.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_paired_questionnaire_has_its_place_in_a_kept_session() {
        assert_eq!(paired_questionnaires().count(), PAIRED);
        let scores = [Some(72.5), None, Some(5.0)];
        let unit = Unit {
            participant: "P1",
            variant: "one-menu",
            position: 2,
            completed: true,
            time: Some(31.5),
            scores: &scores,
        };
        let paired = Paired::of(&unit);
        let back: Vec<Option<f64>> = (0..PAIRED + 1).map(|i| paired.score(i)).collect();
        assert_eq!(back, [Some(72.5), None, Some(5.0), None]);
        assert_eq!(
            (paired.position, paired.completed, paired.time),
            (2, true, Some(31.5))
        );
    }
}
