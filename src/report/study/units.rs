//! Each counted participant's session of a variant, reduced to what the study compares:
//! did they succeed at every task, in how much task time, and their questionnaire scores.

use std::collections::{BTreeMap, BTreeSet};

use super::QuestionTally;
use crate::flow::study::{Design, Study};
use crate::report::tally::score_of;
use crate::session::{self, AnswerValue, EventKind, Session};
use crate::stats::{QUESTIONNAIRES, Questionnaire, Scoring};
use crate::study::progress::{Standing, standing};

#[derive(Debug, Clone)]
pub(super) struct Unit {
    pub participant: String,
    pub variant: String,
    /// 1 for the variant a participant played first (always 1 in a between study).
    pub position: usize,
    pub completed: bool,
    /// Total task time in seconds, pauses and gaps left out, when completed.
    pub time: Option<f64>,
    /// The session's value on each of [`paired_questionnaires`], when it has one.
    pub scores: Vec<Option<f64>>,
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
fn value_of(session: &Session, q: &Questionnaire) -> Option<f64> {
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

/// The sessions of `study` that count, each participant's first per variant (between:
/// their first at all), in file order.
fn counted<'s>(
    study: &'s Study,
    sessions: &'s [Session],
) -> impl Iterator<Item = &'s Session> + 's {
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    sessions.iter().filter(move |s| {
        let Some(block) = s.header.study.as_ref().filter(|b| b.id == study.id) else {
            return false;
        };
        if standing(s) != Standing::Counted {
            return false;
        }
        let variant = match study.design {
            Design::Within => block.variant.clone(),
            Design::Between => String::new(),
        };
        seen.insert((s.header.participant.clone(), variant))
    })
}

pub(super) fn units(study: &Study, sessions: &[Session]) -> Vec<Unit> {
    counted(study, sessions)
        .filter_map(|s| {
            let block = s.header.study.as_ref()?;
            let attempts = session::attempts(s);
            let completed = !attempts.is_empty() && attempts.iter().all(|a| a.ending.is_success());
            let time = attempts.iter().map(|a| a.duration_ms).sum::<Option<u64>>();
            let position = match study.design {
                Design::Within => block
                    .order
                    .iter()
                    .position(|v| *v == block.variant)
                    .map_or(1, |i| i + 1),
                Design::Between => 1,
            };
            Some(Unit {
                participant: s.header.participant.clone(),
                variant: block.variant.clone(),
                position,
                completed,
                time: time.filter(|_| completed).map(|ms| ms as f64 / 1000.0),
                scores: paired_questionnaires().map(|q| value_of(s, q)).collect(),
            })
        })
        .collect()
}

/// Participants who played both `a` and `b`: their units, paired.
pub(super) fn pairs<'u>(units: &'u [Unit], a: &str, b: &str) -> Vec<(&'u Unit, &'u Unit)> {
    let of = |v: &str| -> BTreeMap<&str, &'u Unit> {
        units
            .iter()
            .filter(|u| u.variant == v)
            .map(|u| (u.participant.as_str(), u))
            .collect()
    };
    let (a, b) = (of(a), of(b));
    a.iter()
        .filter_map(|(p, ua)| Some((*ua, *b.get(p)?)))
        .collect()
}

/// The study's own questions: each answer and how often, by the variant it was given in.
pub(super) fn questions(study: &Study, sessions: &[Session]) -> Vec<QuestionTally> {
    let counted: Vec<&Session> = counted(study, sessions).collect();
    study
        .questions
        .iter()
        .map(|q| {
            let mut answers: BTreeMap<(String, String), usize> = BTreeMap::new();
            for s in &counted {
                let variant = s.header.study.as_ref().map_or("", |b| b.variant.as_str());
                for e in &s.events {
                    if let EventKind::Answer {
                        question, value, ..
                    } = &e.kind
                        && *question == q.id
                    {
                        let text = match value {
                            AnswerValue::Text(t) => t.clone(),
                            AnswerValue::Number(n) => n.to_string(),
                        };
                        *answers.entry((variant.to_owned(), text)).or_default() += 1;
                    }
                }
            }
            QuestionTally {
                id: q.id.clone(),
                ask: q.ask.clone(),
                answers: answers.into_iter().map(|((v, a), n)| (v, a, n)).collect(),
            }
        })
        .collect()
}
