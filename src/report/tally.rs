//! Streaming tallies: each session's events are folded in and the session dropped.

mod merge;

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::flow::study::Design;
use crate::session::{
    AnswerValue, Attempt, EventKind, ObserverNote, Session, SessionEnding, SessionOutcome,
    TaskEnding, TaskOutcome,
};
use crate::stats::{Questionnaire, Questionnaires, Sample};

/// When a session was played: its start time, then its place among the sessions read.
pub type Played = (i64, u64);

/// Where something was first seen: the session it was in ([`Played`]) and the event's
/// index there. An order built from it is the order sessions were played in, whatever
/// order their files were read in, so a report never depends on how files are named.
pub type Seen = (i64, u64, u32);

/// Where a step was first seen; nowhere yet until it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FirstAt(Seen);

impl Default for FirstAt {
    fn default() -> Self {
        FirstAt((i64::MAX, u64::MAX, u32::MAX))
    }
}

impl FirstAt {
    fn see(&mut self, at: Seen) {
        self.0 = self.0.min(at);
    }

    pub(super) fn merge(&mut self, other: FirstAt) {
        self.see(other.0);
    }
}

/// Items (questions, options) in the order sessions first showed them.
#[derive(Debug, Default)]
pub struct FirstSeen(HashMap<String, Seen>);

impl FirstSeen {
    fn see(&mut self, item: &str, at: Seen) {
        match self.0.get_mut(item) {
            Some(seen) => *seen = (*seen).min(at),
            None => {
                self.0.insert(item.to_owned(), at);
            }
        }
    }

    fn merge(&mut self, other: FirstSeen) {
        for (item, at) in other.0 {
            match self.0.entry(item) {
                Entry::Occupied(mut seen) => *seen.get_mut() = (*seen.get()).min(at),
                Entry::Vacant(seen) => {
                    seen.insert(at);
                }
            }
        }
    }

    /// The items, first seen first.
    pub fn in_order(&self) -> Vec<&str> {
        let mut items: Vec<(&Seen, &String)> = self.0.iter().map(|(i, s)| (s, i)).collect();
        items.sort();
        items.into_iter().map(|(_, item)| item.as_str()).collect()
    }
}

/// Things kept with where they were seen, in the order sessions were played (a stable
/// sort: one session's keep their own order).
pub fn in_order<T: Clone>(seen: &[(Seen, T)]) -> Vec<T> {
    let mut items: Vec<&(Seen, T)> = seen.iter().collect();
    items.sort_by_key(|(at, _)| *at);
    items.into_iter().map(|(_, item)| item.clone()).collect()
}

/// What one flow version (flow, variant, sha256) has accumulated so far.
#[derive(Debug, Default)]
pub struct Tally {
    /// Count a technical ending (researcher's abort, signal, cut-off file) as a failure.
    pub count_technical: bool,
    pub sessions: usize,
    pub complete: usize,
    pub aborted: usize,
    pub cut_off: usize,
    /// Later sessions of a participant already counted, left out (`--all-attempts` keeps them).
    pub repeats_left_out: usize,
    pub tasks: BTreeMap<String, TaskTally>,
    /// Steps, each with where it was first seen.
    pub steps: BTreeMap<String, StepTally>,
    pub questions: FirstSeen,
    pub answers: BTreeMap<String, AnswerTally>,
    /// The questionnaires scored, and the scores of the sessions that answered every
    /// item of one, in the table's order of its `Total` rows.
    pub questionnaires: Questionnaires,
    pub scores: Vec<Sample>,
    /// Each scale question's ends, as the sessions recorded them.
    pub scales: BTreeMap<String, [i64; 2]>,
    /// Some session belongs to a within study: its participants played other variants
    /// too, so comparing this version with them is paired.
    pub within_study: bool,
    /// A study's own anticipation threshold, as its sessions recorded it (none: the
    /// default, `ANTICIPATION_MS`).
    pub study_anticipation_ms: Option<u64>,
    /// Researchers' and observers' notes, with where each was seen.
    pub notes: Vec<(Seen, Note)>,
    /// The session being added, and its event being counted.
    at: Seen,
}

/// A researcher's note (`mvx play`, Ctrl-N) or an observer's (`mvx observe`).
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub participant: String,
    /// Milliseconds from the session's start.
    pub at_ms: u64,
    pub by: NoteBy,
    /// Who wrote it: the session's `--researcher`, or the name a note kept beside it
    /// carries (`--coder`); none when unnamed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    pub text: String,
}

/// Where a note was written: by the researcher, in the session file, or beside it (an
/// observer's, or a reviewer's or coder's after the session).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteBy {
    Researcher,
    Observer,
}

impl NoteBy {
    /// The word renderers show, the one JSON writes.
    pub fn word(self) -> &'static str {
        match self {
            NoteBy::Researcher => "researcher",
            NoteBy::Observer => "observer",
        }
    }
}

#[derive(Debug, Default)]
pub struct TaskTally {
    /// Every attempt started, counted or not.
    pub attempts: usize,
    /// Attempts that ended technically and are left out of completion and the tests.
    pub technical: usize,
    pub outcomes: BTreeMap<TaskEnding, usize>,
    /// Durations of successful attempts, in milliseconds.
    pub success_ms: Sample,
    /// Counted successful attempts without a single backtrack.
    pub direct: usize,
    /// Counted attempts without a backtrack, whatever their outcome (Treejack's directness).
    pub no_backtrack: usize,
    /// Counted attempts whose first choice was on an expected path, of those judged.
    pub first_right: usize,
    pub first_judged: usize,
    /// Lostness of counted successful attempts with known expected paths.
    pub lostness: Sample,
    /// Paths of attempts, the steps in the order shown, with how they ended.
    pub paths: BTreeMap<(Vec<String>, TaskEnding), usize>,
    /// The task's expected paths, as its sessions recorded them (none in older files).
    pub expected: Vec<Vec<String>>,
}

#[derive(Debug, Default)]
pub struct StepTally {
    /// Where the step was first seen, which orders the steps of a report.
    pub first: FirstAt,
    pub visits: usize,
    /// Sessions that showed the step at least once.
    pub sessions_reached: usize,
    pub hesitation_ms: Sample,
    pub decision_ms: Sample,
    /// Moves made faster than a person responds (`ANTICIPATION_MS`): counted apart, out
    /// of the hesitation and decision figures.
    pub anticipations: usize,
    pub choices: BTreeMap<String, usize>,
    pub backtracks: usize,
    /// Attempts that ended here without success (gave up, timed out, aborted, cut off).
    pub drop_offs: usize,
}

/// Below this, a move's hesitation is faster than a person can respond to the screen
/// (simple reaction times to a visual stimulus are rarely under 100 ms; Luce 1986,
/// Whelan 2008): an anticipation, typed before the screen was taken in.
pub const ANTICIPATION_MS: u64 = 100;

impl StepTally {
    /// A move's timing: in the hesitation and decision figures, or an anticipation (its
    /// hesitation under `threshold_ms`).
    fn timed(&mut self, timing: &crate::session::Timing, threshold_ms: u64) {
        if timing.hesitation_ms < threshold_ms {
            self.anticipations += 1;
            return;
        }
        self.hesitation_ms.push(timing.hesitation_ms as f64);
        self.decision_ms.push(timing.decision_ms as f64);
    }
}

#[derive(Debug, Default)]
pub struct AnswerTally {
    pub options: BTreeMap<String, usize>,
    /// The order options were first answered in.
    pub option_order: FirstSeen,
    pub numbers: Sample,
    /// Free-text answers, who gave each, and where each was seen.
    pub texts: Vec<(Seen, (String, String))>,
}

impl Tally {
    /// A tally that scores `questionnaires`.
    pub fn scoring(count_technical: bool, questionnaires: Questionnaires) -> Self {
        Tally {
            count_technical,
            questionnaires,
            ..Tally::default()
        }
    }

    /// The hesitation under which a move was an anticipation: the study's own threshold,
    /// or `ANTICIPATION_MS`.
    pub fn anticipation_ms(&self) -> u64 {
        self.study_anticipation_ms.unwrap_or(ANTICIPATION_MS)
    }

    /// Adds a session played at `played`.
    pub fn add(&mut self, session: &Session, played: Played) {
        self.sessions += 1;
        self.within_study |= session
            .header
            .study
            .as_ref()
            .is_some_and(|b| b.design == Design::Within);
        let own = session
            .header
            .study
            .as_ref()
            .and_then(|b| b.anticipation_ms);
        self.study_anticipation_ms = self.study_anticipation_ms.or(own);
        let threshold_ms = own.unwrap_or(ANTICIPATION_MS);
        for (i, event) in session.events.iter().enumerate() {
            self.at = (played.0, played.1, u32::try_from(i).unwrap_or(u32::MAX));
            let participant = &session.header.participant;
            self.event(event.at_ms, &event.kind, participant, threshold_ms);
            if let (EventKind::Note { .. }, Some((_, note))) = (&event.kind, self.notes.last_mut())
            {
                note.author.clone_from(&session.header.researcher);
            }
        }
        self.at = (played.0, played.1, u32::MAX);
        let mut shown: Vec<&str> = Vec::new();
        for event in &session.events {
            if let EventKind::Show { step } = &event.kind
                && !shown.contains(&step.as_str())
            {
                shown.push(step);
            }
        }
        for step in shown {
            self.step(step).sessions_reached += 1;
        }
        match session.ending() {
            SessionEnding::Ended(SessionOutcome::Complete) => self.complete += 1,
            SessionEnding::Ended(SessionOutcome::Aborted) => self.aborted += 1,
            SessionEnding::CutOff => self.cut_off += 1,
            // Left out before any tally: a declined session is no one's session.
            SessionEnding::Declined => {}
        }
        for attempt in crate::session::attempts(session) {
            let expected = session.header.flow.expected.get(&attempt.task);
            self.close(attempt, expected);
        }
        for (question, ends) in &session.header.flow.scales {
            self.scales.insert(question.clone(), *ends);
        }
        if self.scores.is_empty() {
            self.scores = self
                .questionnaires
                .totals()
                .map(|_| Sample::new())
                .collect();
        }
        for (q, scores) in self.questionnaires.totals().zip(&mut self.scores) {
            scores.extend(score_of(session, q));
        }
    }

    /// Notes an observer kept beside the session (`mvx observe`), after its own.
    pub fn add_observer_notes(&mut self, participant: &str, notes: &[ObserverNote]) {
        for note in notes {
            self.notes.push((
                self.at,
                Note {
                    participant: participant.to_owned(),
                    at_ms: note.at_ms,
                    by: NoteBy::Observer,
                    author: note.author.clone(),
                    text: note.text.clone(),
                },
            ));
        }
    }

    /// Counts one event of `participant`'s session, whose anticipations are moves under
    /// `threshold_ms`.
    fn event(&mut self, at_ms: u64, kind: &EventKind, participant: &str, threshold_ms: u64) {
        match kind {
            EventKind::Show { step } => self.step(step).visits += 1,
            EventKind::Choose {
                step,
                choice,
                timing,
                ..
            } => {
                let tally = self.step(step);
                match tally.choices.get_mut(choice) {
                    Some(n) => *n += 1,
                    None => {
                        tally.choices.insert(choice.clone(), 1);
                    }
                }
                tally.timed(timing, threshold_ms);
            }
            // A visit that ends in Esc was hesitated over like any other: its timing counts.
            EventKind::Continue { step, timing, .. }
            | EventKind::Input { step, timing, .. }
            | EventKind::Back { step, timing, .. } => {
                self.step(step).timed(timing, threshold_ms);
            }
            EventKind::Answer {
                question,
                value,
                free_text,
                ..
            } => {
                self.answer(question, value, *free_text, participant);
            }
            EventKind::Note { text } => {
                let note = Note {
                    participant: participant.to_owned(),
                    at_ms,
                    by: NoteBy::Researcher,
                    author: None,
                    text: text.clone(),
                };
                self.notes.push((self.at, note));
            }
            _ => {}
        }
    }

    fn step(&mut self, id: &str) -> &mut StepTally {
        if !self.steps.contains_key(id) {
            self.steps.insert(id.to_owned(), StepTally::default());
        }
        let step = self.steps.get_mut(id).expect("inserted above");
        step.first.see(self.at);
        step
    }

    /// Step ids in the order sessions first showed them.
    pub fn step_order(&self) -> Vec<&str> {
        let mut steps: Vec<(&FirstAt, &String)> =
            self.steps.iter().map(|(id, s)| (&s.first, id)).collect();
        steps.sort();
        steps.into_iter().map(|(_, id)| id.as_str()).collect()
    }

    fn close(&mut self, attempt: Attempt, expected: Option<&Vec<Vec<String>>>) {
        for step in &attempt.backtracks {
            self.step(step).backtracks += 1;
        }
        let ending = attempt.ending.clone();
        // A failure ends on an end step the flow meant as an ending; giving up, running
        // out of time, aborting or a cut-off recording drop off mid-way.
        let dropped = !ending.is_success()
            && !matches!(
                ending,
                TaskEnding::Ended(TaskOutcome::Failure) | TaskEnding::EndStep(_)
            );
        if let Some(last) = attempt.path.last().filter(|_| dropped) {
            self.step(&last.clone()).drop_offs += 1;
        }
        let counted = self.count_technical || !ending.technical();
        let task = self.tasks.entry(attempt.task.clone()).or_default();
        if let Some(expected) = expected.filter(|_| task.expected.is_empty()) {
            task.expected.clone_from(expected);
        }
        task.attempts += 1;
        *task.outcomes.entry(ending.clone()).or_default() += 1;
        if ending.is_success() {
            task.success_ms
                .extend(attempt.duration_ms.map(|d| d as f64));
        }
        if counted {
            task.count(&attempt);
        } else {
            task.technical += 1;
        }
        *task.paths.entry((attempt.path, ending)).or_default() += 1;
    }

    fn answer(&mut self, question: &str, value: &AnswerValue, free_text: bool, participant: &str) {
        let at = self.at;
        self.questions.see(question, at);
        let tally = self.answers.entry(question.to_owned()).or_default();
        match value {
            AnswerValue::Number(n) => tally.numbers.push(*n as f64),
            AnswerValue::Text(text) if free_text => tally
                .texts
                .push((at, (participant.to_owned(), text.clone()))),
            AnswerValue::Text(option) => {
                tally.option_order.see(option, at);
                *tally.options.entry(option.clone()).or_default() += 1;
            }
        }
    }
}

impl TaskTally {
    /// Folds in an attempt that counts (not technical, or technical ones counted).
    fn count(&mut self, attempt: &Attempt) {
        self.direct += usize::from(attempt.direct_success());
        self.no_backtrack += usize::from(attempt.backtracks.is_empty());
        if let Some(right) = attempt.first_choice_right {
            self.first_judged += 1;
            self.first_right += usize::from(right);
        }
        if attempt.ending.is_success() {
            self.lostness.extend(attempt.lostness);
        }
    }

    /// Attempts that count in completion and the tests.
    pub fn counted(&self) -> usize {
        self.attempts - self.technical
    }
}

/// The session's score on questionnaire `q`, when it answered every item (the last
/// answer to an item counts).
pub(crate) fn score_of(session: &Session, q: &Questionnaire) -> Option<f64> {
    let mut answers: Vec<Option<i64>> = vec![None; q.items];
    for event in &session.events {
        if let EventKind::Answer {
            question,
            value: AnswerValue::Number(n),
            ..
        } = &event.kind
            && let Some(slot) = q.item(question).and_then(|i| answers.get_mut(i - 1))
        {
            *slot = Some(*n);
        }
    }
    let answers: Option<Vec<i64>> = answers.into_iter().collect();
    q.total(&answers?)
}
