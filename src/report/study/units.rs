//! The counted participants' sessions reduced to what the study compares, gathered as
//! they are read back (`StudyFold`): per variant and per position how many, how many
//! completed and their task times (as counts per distinct time, `Sample`); and in a
//! within study each participant's session of each variant, for the pairs.

use std::collections::BTreeMap;

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

/// A participant's session of one variant, kept for the pairs of a within study.
#[derive(Debug)]
pub(super) struct Paired {
    pub position: usize,
    pub completed: bool,
    pub time: Option<f64>,
    pub scores: Box<[Option<f64>]>,
}

/// Every counted session, gathered.
#[derive(Debug, Default)]
pub(super) struct Units {
    variants: Vec<(String, Group)>,
    positions: BTreeMap<usize, Group>,
    /// Within: each participant (in the order of their ids), and their session of each
    /// variant (in the order of `variants`).
    participants: BTreeMap<Box<str>, Vec<Option<Paired>>>,
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
        let sessions = match self.participants.get_mut(unit.participant) {
            Some(sessions) => sessions,
            None => self
                .participants
                .entry(unit.participant.into())
                .or_default(),
        };
        if sessions.len() <= v {
            sessions.resize_with(v + 1, || None);
        }
        sessions[v] = Some(Paired {
            position: unit.position,
            completed: unit.completed,
            time: unit.time,
            scores: unit.scores.into(),
        });
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
        (self.participants.values())
            .filter_map(|s| Some((s.get(a)?.as_ref()?, s.get(b)?.as_ref()?)))
            .collect()
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
