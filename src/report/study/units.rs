//! Each counted participant's session of a variant, reduced to what the study compares:
//! did they succeed at every task, in how much task time, and their questionnaire scores.

use std::collections::BTreeMap;

use crate::report::tally::score_of;
use crate::session::{AnswerValue, EventKind, Session};
use crate::stats::{QUESTIONNAIRES, Questionnaire, Scoring};

/// Borrowed from the fold (`StudyFold::units`): a million counted sessions copy no names.
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

/// Participants who played both `a` and `b`: their units, paired.
pub(super) fn pairs<'u, 'f>(
    units: &'u [Unit<'f>],
    a: &str,
    b: &str,
) -> Vec<(&'u Unit<'f>, &'u Unit<'f>)> {
    let of = |v: &str| -> BTreeMap<&'f str, &'u Unit<'f>> {
        units
            .iter()
            .filter(|u| u.variant == v)
            .map(|u| (u.participant, u))
            .collect()
    };
    let (a, b) = (of(a), of(b));
    a.iter()
        .filter_map(|(p, ua)| Some((*ua, *b.get(p)?)))
        .collect()
}
