//! A study's sessions folded one at a time into what its report needs, so the sessions
//! themselves are never held: each is summed up where it was read (`Summary::of`, on the
//! worker), then folded here in file order (`StudyFold::add`). Who played what goes to
//! the study's progress (`Progress::see`: a record per session, in sorted runs past a
//! budget); each counted session's few numbers (`First`) go to a log beside it, in
//! memory up to a budget and in a temporary file past it. Once every session is in, the
//! progress says which sessions count, and only those are read back from the log.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};

use super::QuestionTally;
use super::units::{self, Unit, Units};
use crate::flow::study::{Design, Study};
use crate::session::firsts::{Log, Places};
use crate::session::{self, AnswerValue, EventKind, Session};
use crate::study::progress::{Progress, Standing, standing};
use crate::study::returns::Visited;

/// What the study's report needs of one session of a study.
#[derive(Debug)]
pub struct Summary {
    pub study: String,
    /// The study file as the session names it, and its SHA-256 then.
    pub path: String,
    pub sha256: String,
    pub simulated: bool,
    participant: String,
    variant: String,
    standing: Standing,
    /// For a counted session: what the variants are compared on.
    counted: Option<Counted>,
    /// For a counted session of a study with returns: what the returns section reads.
    visited: Option<Visited>,
    /// A later session of a study with returns (counted or not): only the returns
    /// section reads it.
    later: bool,
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
            participant: session.header.participant.clone(),
            variant: block.variant.clone(),
            standing,
            counted,
            visited: Visited::of(session),
            later: block.visit.as_ref().is_some_and(|v| v.trial > 1),
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

/// Bytes of counted sessions' numbers held in memory before the log goes to disk.
const FIRST_BYTES_IN_MEMORY: usize = 1 << 22;

/// One study's sessions, folded.
#[derive(Debug)]
pub struct StudyFold {
    /// Sessions folded.
    pub sessions: usize,
    /// Each (study file path, SHA-256) the sessions name, in the order met.
    pub paths: Vec<(String, String)>,
    pub progress: Progress,
    variants: Vec<String>,
    /// Each distinct (question, answer) given in a counted session.
    answers: Vec<(String, String)>,
    answer_index: HashMap<(String, String), u32>,
    /// Each counted session's `First`, in file order (`First::write`).
    log: Mutex<Log>,
    /// The sessions that count, read back from the log: between, then within.
    counted: [OnceLock<Gathered>; 2],
    /// Within sessions kept for the pairs held in memory before sorted runs are written.
    pairs_in_memory: usize,
    /// The counted sessions of a study with returns, every trial (docs/returns.md).
    pub visits: Vec<Visited>,
}

impl Default for StudyFold {
    fn default() -> Self {
        StudyFold::with_budget(Progress::default(), FIRST_BYTES_IN_MEMORY)
    }
}

impl StudyFold {
    /// A fold whose progress is `progress` (empty) and whose log holds `bytes` in memory
    /// (tests force both to disk with a few).
    pub fn with_budget(progress: Progress, bytes: usize) -> Self {
        StudyFold {
            sessions: 0,
            paths: Vec::new(),
            progress,
            variants: Vec::new(),
            answers: Vec::new(),
            answer_index: HashMap::new(),
            log: Mutex::new(Log::new(bytes)),
            counted: Default::default(),
            pairs_in_memory: units::PAIRED_IN_MEMORY,
            visits: Vec::new(),
        }
    }

    /// The fold with `pairs` within sessions kept for the pairs in memory.
    pub fn with_pairs_in_memory(mut self, pairs: usize) -> Self {
        self.pairs_in_memory = pairs;
        self
    }

    /// Folds the next session of the study, in file order.
    pub fn add(&mut self, summary: Summary) {
        self.sessions += 1;
        let pair = (summary.path, summary.sha256);
        if !self.paths.contains(&pair) {
            self.paths.push(pair);
        }
        if let Some(visited) = summary.visited {
            self.visits.push(visited);
        }
        // A later trial is the same participant again: only the returns section counts it.
        if summary.later {
            return;
        }
        let (who, variant) = (&summary.participant, &summary.variant);
        let place = self.progress.see(who, variant, summary.standing);
        let Some(counted) = summary.counted else {
            return;
        };
        let first = First {
            place,
            variant: self.variant(variant),
            position: counted.position as u32,
            completed: counted.completed,
            time: counted.time,
            scores: counted.scores,
            answers: (counted.answers.into_iter())
                .map(|answer| self.answer(answer))
                .collect(),
        };
        let mut entry = Vec::with_capacity(64);
        first.write(&mut entry, who);
        let log = self.log.get_mut().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = log.push(&entry) {
            self.progress.fail(e.to_string());
        }
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

    /// Each counted session's `First` and participant, in file order, if `keep` keeps
    /// it; why the log could not be read back, if it could not.
    fn read_back(&self, keep: &Places, mut each: impl FnMut(First, &str)) -> Option<String> {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        let read = log.visit(|entry| {
            if let Some((first, who)) = First::read(entry)
                && keep.contains(first.place)
            {
                each(first, who);
            }
        });
        read.err().map(|e| e.to_string())
    }

    /// The sessions that count, gathered: each participant's first of each variant
    /// (within), or their first at all (between), read back from the log once.
    fn counted(&self, design: Design) -> &Gathered {
        let within = design == Design::Within;
        self.counted[usize::from(within)].get_or_init(|| {
            let mut counted = Gathered {
                units: Units::with_budget(self.pairs_in_memory),
                answers: HashMap::new(),
                problem: None,
            };
            let keep = self.progress.firsts(within);
            counted.problem = self.read_back(&keep, |first, who| {
                let unit = self.unit(&first, who, design);
                counted.units.add(&unit, within);
                for &a in &first.answers {
                    *counted.answers.entry((a, first.variant)).or_default() += 1;
                }
            });
            counted
        })
    }

    fn unit<'f>(&'f self, first: &'f First, who: &'f str, design: Design) -> Unit<'f> {
        Unit {
            participant: who,
            variant: &self.variants[first.variant as usize],
            position: match design {
                Design::Within => first.position as usize,
                Design::Between => 1,
            },
            completed: first.completed,
            time: first.time,
            scores: &first.scores,
        }
    }

    /// The sessions that count, one by one in file order: participant, variant,
    /// completed, time (what the tests hold against every session kept).
    #[cfg(test)]
    fn listed(&self, design: Design) -> Vec<(String, String, bool, Option<f64>)> {
        let mut listed = Vec::new();
        let keep = self.progress.firsts(design == Design::Within);
        let problem = self.read_back(&keep, |first, who| {
            let u = self.unit(&first, who, design);
            listed.push((
                u.participant.to_owned(),
                u.variant.to_owned(),
                u.completed,
                u.time,
            ));
        });
        assert_eq!(problem, None);
        listed
    }

    /// Why the sessions that count could not all be read back, if they could not.
    pub(super) fn problem(&self, design: Design) -> Option<String> {
        let counted = self.counted(design);
        let why = counted
            .problem
            .clone()
            .or_else(|| counted.units.problem())?;
        Some(format!(
            "the counted sessions could not be read back from the temporary folder {} ({why}): the figures leave them out; set TMPDIR to a folder with room",
            std::env::temp_dir().display()
        ))
    }

    /// The counted sessions gathered into what the study compares.
    pub(super) fn units(&self, design: Design) -> &Units {
        &self.counted(design).units
    }

    /// The study's own questions: each answer and how often, by the variant it was given in.
    pub(super) fn questions(&self, study: &Study) -> Vec<QuestionTally> {
        let counted = self.counted(study.design);
        (study.questions.iter())
            .map(|q| {
                let mut answers: BTreeMap<(String, String), usize> = BTreeMap::new();
                for (&(a, v), &n) in &counted.answers {
                    let (question, text) = &self.answers[a as usize];
                    if *question == q.id {
                        let variant = self.variants[v as usize].clone();
                        *answers.entry((variant, text.clone())).or_default() += n;
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

/// A counted session as the log keeps it: a few numbers, then the participant.
#[derive(Debug, Default)]
struct First {
    /// Its place among the study's sessions, in file order.
    place: u64,
    variant: u32,
    position: u32,
    completed: bool,
    time: Option<f64>,
    scores: Vec<Option<f64>>,
    /// Indexes into `StudyFold::answers`.
    answers: Vec<u32>,
}

impl First {
    fn write(&self, out: &mut Vec<u8>, participant: &str) {
        out.extend_from_slice(&self.place.to_le_bytes());
        out.extend_from_slice(&self.variant.to_le_bytes());
        out.extend_from_slice(&self.position.to_le_bytes());
        out.push(u8::from(self.completed));
        let number = |out: &mut Vec<u8>, value: Option<f64>| {
            out.push(u8::from(value.is_some()));
            out.extend_from_slice(&value.unwrap_or(0.0).to_le_bytes());
        };
        number(out, self.time);
        out.extend_from_slice(&(self.scores.len() as u32).to_le_bytes());
        for &score in &self.scores {
            number(out, score);
        }
        out.extend_from_slice(&(self.answers.len() as u32).to_le_bytes());
        for a in &self.answers {
            out.extend_from_slice(&a.to_le_bytes());
        }
        out.extend_from_slice(participant.as_bytes());
    }

    /// The first and its participant, as `write` wrote them.
    fn read(mut entry: &[u8]) -> Option<(First, &str)> {
        fn take<const N: usize>(entry: &mut &[u8]) -> Option<[u8; N]> {
            let (bytes, rest) = entry.split_first_chunk::<N>()?;
            *entry = rest;
            Some(*bytes)
        }
        fn number(entry: &mut &[u8]) -> Option<Option<f64>> {
            let [some] = take::<1>(entry)?;
            let value = f64::from_le_bytes(take::<8>(entry)?);
            Some((some == 1).then_some(value))
        }
        let mut first = First {
            place: u64::from_le_bytes(take::<8>(&mut entry)?),
            variant: u32::from_le_bytes(take::<4>(&mut entry)?),
            position: u32::from_le_bytes(take::<4>(&mut entry)?),
            completed: take::<1>(&mut entry)? == [1],
            time: number(&mut entry)?,
            ..First::default()
        };
        for _ in 0..u32::from_le_bytes(take::<4>(&mut entry)?) {
            first.scores.push(number(&mut entry)?);
        }
        for _ in 0..u32::from_le_bytes(take::<4>(&mut entry)?) {
            first
                .answers
                .push(u32::from_le_bytes(take::<4>(&mut entry)?));
        }
        Some((first, std::str::from_utf8(entry).ok()?))
    }
}

/// The sessions that count, gathered as they are read back from the log.
#[derive(Debug)]
struct Gathered {
    units: Units,
    /// How often each answer was given, by (answer, variant).
    answers: HashMap<(u32, u32), usize>,
    problem: Option<String>,
}

#[cfg(test)]
mod tests;
