//! A study's sessions folded one at a time into what its report needs, so the sessions
//! themselves are never held: each is summed up where it was read (`Summary::of`, on the
//! worker), then folded here in file order (`StudyFold::add`). What stays grows with the
//! participants, not with the events: per participant and variant one `First` (a few
//! numbers) and per session the progress record study status reads (`Seen`).

use std::collections::{BTreeMap, HashMap};

use super::QuestionTally;
use super::units::{self, Unit};
use crate::flow::study::{Design, Study};
use crate::session::{self, AnswerValue, EventKind, Session, SessionEnding, SessionOutcome};
use crate::study::progress::{Progress, Seen, Standing, standing};

/// What the study's report needs of one session of a study.
#[derive(Debug)]
pub struct Summary {
    pub study: String,
    /// The study file as the session names it, and its SHA-256 then.
    pub path: String,
    pub sha256: String,
    pub simulated: bool,
    seen: Seen,
    /// For a counted session: what the variants are compared on.
    counted: Option<Counted>,
}

#[derive(Debug)]
struct Counted {
    /// 1 for the variant first in the session's order (the position in a within study).
    position: usize,
    completed: bool,
    time: Option<f64>,
    scores: Vec<Option<f64>>,
    /// Every answer given: question and value as text.
    answers: Vec<(String, String)>,
}

impl Summary {
    /// The session summed up, if it belongs to a study.
    pub fn of(session: &Session) -> Option<Summary> {
        let block = session.header.study.as_ref()?;
        let standing = standing(session);
        // Only what the study's status reads of it (who, which variant, how it counts):
        // where the file is, the order and the start stay out of memory.
        let seen = Seen {
            path: None,
            participant: session.header.participant.clone(),
            variant: block.variant.clone(),
            slot: block.slot,
            order: Vec::new(),
            standing,
            complete: session.ending() == SessionEnding::Ended(SessionOutcome::Complete),
            started_at: String::new(),
        };
        let counted = (standing == Standing::Counted).then(|| {
            let attempts = session::attempts(session);
            let completed = !attempts.is_empty() && attempts.iter().all(|a| a.ending.is_success());
            let time = attempts.iter().map(|a| a.duration_ms).sum::<Option<u64>>();
            Counted {
                position: (block.order.iter())
                    .position(|v| *v == block.variant)
                    .map_or(1, |i| i + 1),
                completed,
                time: time.filter(|_| completed).map(|ms| ms as f64 / 1000.0),
                scores: units::paired_questionnaires()
                    .map(|q| units::value_of(session, q))
                    .collect(),
                answers: answers(session),
            }
        });
        Some(Summary {
            study: block.id.clone(),
            path: block.path.clone(),
            sha256: block.sha256.clone(),
            simulated: session.header.simulated,
            seen,
            counted,
        })
    }
}

fn answers(session: &Session) -> Vec<(String, String)> {
    (session.events.iter())
        .filter_map(|e| match &e.kind {
            EventKind::Answer {
                question, value, ..
            } => {
                let text = match value {
                    AnswerValue::Text(t) => t.clone(),
                    AnswerValue::Number(n) => n.to_string(),
                };
                Some((question.clone(), text))
            }
            _ => None,
        })
        .collect()
}

/// A participant's first counted session of a variant, as numbers.
#[derive(Debug)]
struct First {
    /// Its place among the study's sessions, in file order.
    place: u64,
    position: usize,
    completed: bool,
    time: Option<f64>,
    scores: Box<[Option<f64>]>,
    /// Indexes into `StudyFold::answers`.
    answers: Box<[u32]>,
}

/// One study's sessions, folded.
#[derive(Debug, Default)]
pub struct StudyFold {
    /// Sessions folded.
    pub sessions: usize,
    /// Each (study file path, SHA-256) the sessions name, in the order met.
    pub paths: Vec<(String, String)>,
    pub progress: Progress,
    participants: HashMap<Box<str>, u32>,
    variants: Vec<String>,
    /// Each distinct (question, answer) given in a counted session.
    answers: Vec<(String, String)>,
    answer_index: HashMap<(String, String), u32>,
    /// By (participant, variant): their first counted session of it.
    firsts: HashMap<(u32, u32), First>,
}

impl StudyFold {
    /// Folds the next session of the study, in file order.
    pub fn add(&mut self, summary: Summary) {
        let place = self.sessions as u64;
        self.sessions += 1;
        let pair = (summary.path, summary.sha256);
        if !self.paths.contains(&pair) {
            self.paths.push(pair);
        }
        let seen = summary.seen;
        if let Some(counted) = summary.counted {
            let participant = self.participant(&seen.participant);
            let variant = self.variant(&seen.variant);
            let answers = (counted.answers.into_iter())
                .map(|answer| self.answer(answer))
                .collect();
            self.firsts
                .entry((participant, variant))
                .or_insert_with(|| First {
                    place,
                    position: counted.position,
                    completed: counted.completed,
                    time: counted.time,
                    scores: counted.scores.into(),
                    answers,
                });
        }
        self.progress.sessions.push(seen);
    }

    fn participant(&mut self, name: &str) -> u32 {
        let next = self.participants.len() as u32;
        *self.participants.entry(name.into()).or_insert(next)
    }

    fn variant(&mut self, name: &str) -> u32 {
        match self.variants.iter().position(|v| v == name) {
            Some(i) => i as u32,
            None => {
                self.variants.push(name.to_owned());
                self.variants.len() as u32 - 1
            }
        }
    }

    fn answer(&mut self, answer: (String, String)) -> u32 {
        if let Some(&i) = self.answer_index.get(&answer) {
            return i;
        }
        let i = self.answers.len() as u32;
        self.answers.push(answer.clone());
        self.answer_index.insert(answer, i);
        i
    }

    /// The sessions that count, in file order: each participant's first of each variant
    /// (within), or their first at all (between).
    fn counted(&self, design: Design) -> Vec<(u32, u32, &First)> {
        let mut firsts: Vec<(u32, u32, &First)> =
            (self.firsts.iter()).map(|(&(p, v), f)| (p, v, f)).collect();
        firsts.sort_by_key(|(_, _, f)| f.place);
        if design == Design::Between {
            let mut seen = vec![false; self.participants.len()];
            firsts.retain(|(p, _, _)| !std::mem::replace(&mut seen[*p as usize], true));
        }
        firsts
    }

    /// The counted sessions reduced to what the study compares, in file order.
    pub(super) fn units(&self, design: Design) -> Vec<Unit<'_>> {
        let mut names = vec![""; self.participants.len()];
        for (name, &i) in &self.participants {
            names[i as usize] = name;
        }
        (self.counted(design).into_iter())
            .map(|(p, v, first)| Unit {
                participant: names[p as usize],
                variant: &self.variants[v as usize],
                position: match design {
                    Design::Within => first.position,
                    Design::Between => 1,
                },
                completed: first.completed,
                time: first.time,
                scores: &first.scores,
            })
            .collect()
    }

    /// The study's own questions: each answer and how often, by the variant it was given in.
    pub(super) fn questions(&self, study: &Study) -> Vec<QuestionTally> {
        let counted = self.counted(study.design);
        (study.questions.iter())
            .map(|q| {
                let mut answers: BTreeMap<(String, String), usize> = BTreeMap::new();
                for (_, v, first) in &counted {
                    for &a in &first.answers {
                        let (question, text) = &self.answers[a as usize];
                        if *question == q.id {
                            let variant = self.variants[*v as usize].clone();
                            *answers.entry((variant, text.clone())).or_default() += 1;
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
}

#[cfg(test)]
mod tests;
