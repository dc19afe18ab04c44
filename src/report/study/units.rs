//! The counted participants' sessions reduced to what the study compares, gathered as
//! they are read back (`StudyFold`): per variant and per position how many, how many
//! completed and their task times (as counts per distinct time, `Sample`); and in a
//! within study each participant's session of each variant, for the pairs.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::sync::Mutex;

use crate::report::tally::score_of;
use crate::session::firsts::{Entry, Runs, read_or_end};
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

/// A counted session kept for the pairs of a within study: its participant's id, the
/// order it was read in among the kept ones, its variant (in the order of
/// `Units::variants`), the session. Runs of them sort by participant id, then that
/// order, so the pairs come in the order of the participants' ids, as when they were
/// listed in memory.
#[derive(Debug, Clone)]
pub(super) struct Kept {
    id: Box<str>,
    order: u64,
    variant: u32,
    session: Paired,
}

impl Kept {
    fn key(&self) -> (&str, u64) {
        (&self.id, self.order)
    }
}

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Kept {}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Kept {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl Entry for Kept {
    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let len = u32::try_from(self.id.len()).map_err(io::Error::other)?;
        out.write_all(&len.to_le_bytes())?;
        out.write_all(self.id.as_bytes())?;
        out.write_all(&self.order.to_le_bytes())?;
        out.write_all(&self.variant.to_le_bytes())?;
        let p = &self.session;
        out.write_all(&p.time.unwrap_or(f64::NAN).to_le_bytes())?;
        out.write_all(&p.position.to_le_bytes())?;
        out.write_all(&[u8::from(p.completed), u8::from(p.time.is_some()), p.known])?;
        for score in p.scores {
            out.write_all(&score.to_le_bytes())?;
        }
        Ok(())
    }

    fn read(from: &mut dyn Read) -> io::Result<Option<Kept>> {
        let mut len = [0u8; 4];
        if !read_or_end(from, &mut len)? {
            return Ok(None);
        }
        let mut id = vec![0u8; u32::from_le_bytes(len) as usize];
        from.read_exact(&mut id)?;
        let id = String::from_utf8(id).map_err(io::Error::other)?;
        let mut fixed = [0u8; 8 + 4 + 8 + 4 + 3 + 8 * PAIRED];
        from.read_exact(&mut fixed)?;
        let mut rest = fixed.as_slice();
        let mut take = |n: usize| {
            let (head, tail) = rest.split_at(n);
            rest = tail;
            head
        };
        let word = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or_default());
        let half = |b: &[u8]| u32::from_le_bytes(b.try_into().unwrap_or_default());
        let order = word(take(8));
        let variant = half(take(4));
        let time = f64::from_bits(word(take(8)));
        let position = half(take(4));
        let flags = take(3);
        let (completed, timed, known) = (flags[0] == 1, flags[1] == 1, flags[2]);
        let mut scores = [0.0; PAIRED];
        for score in &mut scores {
            *score = f64::from_bits(word(take(8)));
        }
        Ok(Some(Kept {
            id: id.into_boxed_str(),
            order,
            variant,
            session: Paired {
                time: timed.then_some(time),
                position,
                completed,
                known,
                scores,
            },
        }))
    }
}

/// Sessions kept for the pairs held in memory before a sorted run is written: 32,768,
/// about 3 MB with their ids.
pub(super) const PAIRED_IN_MEMORY: usize = 1 << 15;

/// Every counted session, gathered.
#[derive(Debug)]
pub(super) struct Units {
    variants: Vec<(String, Group)>,
    positions: BTreeMap<usize, Group>,
    /// Within: each counted session, for the pairs, in runs sorted by participant id
    /// (in memory up to a budget, on disk past it).
    kept: Mutex<Runs<Kept>>,
    /// How many sessions were kept for the pairs: the next one's order.
    kept_count: u64,
    /// Why the sessions kept for the pairs could not be written or read back.
    problem: Mutex<Option<String>>,
    none: Group,
}

impl Default for Units {
    fn default() -> Self {
        Units::with_budget(PAIRED_IN_MEMORY)
    }
}

impl Units {
    /// Units that hold `pairs` sessions kept for the pairs in memory.
    pub fn with_budget(pairs: usize) -> Self {
        Units {
            variants: Vec::new(),
            positions: BTreeMap::new(),
            kept: Mutex::new(Runs::new(pairs)),
            kept_count: 0,
            problem: Mutex::new(None),
            none: Group::default(),
        }
    }

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
        let kept = self.kept.get_mut().unwrap_or_else(|e| e.into_inner());
        let pushed = kept.push(Kept {
            id: unit.participant.into(),
            order: self.kept_count,
            variant: v as u32,
            session: Paired::of(unit),
        });
        self.kept_count += 1;
        if let Err(e) = pushed {
            self.failed(e);
        }
    }

    fn failed(&self, e: io::Error) {
        let mut problem = self.problem.lock().unwrap_or_else(|e| e.into_inner());
        problem.get_or_insert_with(|| e.to_string());
    }

    /// Why the sessions kept for the pairs could not all be written or read back, if
    /// they could not.
    pub fn problem(&self) -> Option<String> {
        self.problem
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Whether sessions kept for the pairs went to disk.
    #[cfg(test)]
    pub fn on_disk(&self) -> bool {
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .on_disk()
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

    /// Each participant who played both `a` and `b`: their sessions, paired, in the
    /// order of their ids, streamed from the runs (nothing listed). Each call reads the
    /// runs again.
    pub fn each_pair(&self, a: &str, b: &str, mut each: impl FnMut(&Paired, &Paired)) {
        let index = |v: &str| self.variants.iter().position(|(n, _)| n == v);
        let (Some(a), Some(b)) = (index(a), index(b)) else {
            return;
        };
        let (a, b) = (a as u32, b as u32);
        // The participant's sessions so far: their first of `a` and of `b`.
        let mut theirs: Option<(Box<str>, Option<Paired>, Option<Paired>)> = None;
        let mut close = |theirs: Option<(Box<str>, Option<Paired>, Option<Paired>)>| {
            if let Some((_, Some(x), Some(y))) = theirs {
                each(&x, &y);
            }
        };
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let visited = kept.visit(|k| {
            if theirs.as_ref().is_none_or(|t| t.0 != k.id) {
                close(theirs.take());
                theirs = Some((k.id.clone(), None, None));
            }
            if let Some((_, x, y)) = &mut theirs {
                if k.variant == a && x.is_none() {
                    *x = Some(k.session);
                }
                if k.variant == b && y.is_none() {
                    *y = Some(k.session);
                }
            }
        });
        close(theirs.take());
        drop(kept);
        if let Err(e) = visited {
            self.failed(e);
        }
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
