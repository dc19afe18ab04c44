//! Streaming tallies: each session's events are folded in and the session dropped.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::session::{
    AnswerValue, EventKind, ObserverNote, Session, SessionEnding, SessionOutcome, TaskEnding,
    TaskOutcome,
};

/// What one flow version (flow, variant, sha256) has accumulated so far.
#[derive(Debug, Default)]
pub struct Tally {
    pub sessions: usize,
    pub complete: usize,
    pub aborted: usize,
    pub cut_off: usize,
    pub tasks: BTreeMap<String, TaskTally>,
    /// Steps in the order they were first seen.
    pub step_order: Vec<String>,
    pub steps: BTreeMap<String, StepTally>,
    pub questions: Vec<String>,
    pub answers: BTreeMap<String, AnswerTally>,
    /// SUS scores of sessions that answered all ten `sus1`..`sus10` questions.
    pub sus_scores: Vec<f64>,
    /// Researchers' and observers' notes, in the order sessions were added.
    pub notes: Vec<Note>,
}

/// A researcher's note (`mvx play`, Ctrl-N) or an observer's (`mvx observe`).
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub participant: String,
    /// Milliseconds from the session's start.
    pub at_ms: u64,
    pub by: NoteBy,
    pub text: String,
}

/// Who wrote a note: the researcher, in the session file, or an observer, beside it.
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
    pub attempts: usize,
    pub outcomes: BTreeMap<TaskEnding, usize>,
    /// Durations of successful attempts, in milliseconds.
    pub success_ms: Vec<f64>,
    /// Successful attempts without a single backtrack.
    pub direct: usize,
    /// Paths of attempts, the steps in the order shown, with how they ended.
    pub paths: BTreeMap<(Vec<String>, TaskEnding), usize>,
    /// Attempts that showed each step at least once.
    pub reached: BTreeMap<String, usize>,
}

#[derive(Debug, Default)]
pub struct StepTally {
    pub visits: usize,
    pub hesitation_ms: Vec<f64>,
    pub decision_ms: Vec<f64>,
    pub choices: BTreeMap<String, usize>,
    pub backtracks: usize,
    /// Attempts that ended here without success (gave up, timed out, aborted, cut off).
    pub drop_offs: usize,
}

#[derive(Debug, Default)]
pub struct AnswerTally {
    pub options: BTreeMap<String, usize>,
    /// The order options were first answered in.
    pub option_order: Vec<String>,
    pub numbers: Vec<f64>,
    pub texts: Vec<(String, String)>,
}

/// One task attempt in progress within a session.
#[derive(Debug)]
struct Attempt {
    task: String,
    path: Vec<String>,
    backtracked: bool,
    /// Where the last move led: the step a task ends on is reached before it is shown.
    led_to: Option<String>,
}

impl Tally {
    pub fn add(&mut self, session: &Session) {
        self.sessions += 1;
        let mut attempt: Option<Attempt> = None;
        for event in &session.events {
            self.event(
                event.at_ms,
                &event.kind,
                &mut attempt,
                &session.header.participant,
            );
        }
        match session.ending() {
            SessionEnding::Ended(SessionOutcome::Complete) => self.complete += 1,
            SessionEnding::Ended(SessionOutcome::Aborted) => self.aborted += 1,
            SessionEnding::CutOff => self.cut_off += 1,
        }
        // An attempt still open when the recording stopped was cut off, not dropped.
        if let Some(open) = attempt {
            self.close(open, TaskEnding::CutOff, None);
        }
        self.sus_scores.extend(sus_of(session));
    }

    /// Notes an observer kept beside the session (`mvx observe`).
    pub fn add_observer_notes(&mut self, participant: &str, notes: &[ObserverNote]) {
        for note in notes {
            self.notes.push(Note {
                participant: participant.to_owned(),
                at_ms: note.at_ms,
                by: NoteBy::Observer,
                text: note.text.clone(),
            });
        }
    }

    fn event(
        &mut self,
        at_ms: u64,
        kind: &EventKind,
        attempt: &mut Option<Attempt>,
        participant: &str,
    ) {
        match kind {
            EventKind::TaskStart { task } => {
                self.tasks.entry(task.clone()).or_default().attempts += 1;
                *attempt = Some(Attempt {
                    task: task.clone(),
                    path: Vec::new(),
                    backtracked: false,
                    led_to: None,
                });
            }
            EventKind::Show { step } => {
                self.step(step).visits += 1;
                if let Some(open) = attempt {
                    open.path.push(step.clone());
                }
            }
            EventKind::Choose {
                step,
                choice,
                to,
                timing,
            } => {
                led_to(attempt, to);
                let tally = self.step(step);
                *tally.choices.entry(choice.clone()).or_default() += 1;
                tally.hesitation_ms.push(timing.hesitation_ms as f64);
                tally.decision_ms.push(timing.decision_ms as f64);
            }
            EventKind::Continue { step, to, timing }
            | EventKind::Input {
                step, to, timing, ..
            } => {
                led_to(attempt, to);
                let tally = self.step(step);
                tally.hesitation_ms.push(timing.hesitation_ms as f64);
                tally.decision_ms.push(timing.decision_ms as f64);
            }
            EventKind::Back { step, to, .. } => {
                self.step(step).backtracks += 1;
                led_to(attempt, to);
                if let Some(open) = attempt {
                    open.backtracked = true;
                }
            }
            EventKind::TaskEnd {
                outcome,
                duration_ms,
                ..
            } => {
                if let Some(open) = attempt.take() {
                    self.close(open, TaskEnding::Ended(*outcome), Some(*duration_ms));
                }
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
                self.notes.push(Note {
                    participant: participant.to_owned(),
                    at_ms,
                    by: NoteBy::Researcher,
                    text: text.clone(),
                });
            }
            _ => {}
        }
    }

    fn step(&mut self, id: &str) -> &mut StepTally {
        if !self.steps.contains_key(id) {
            self.step_order.push(id.to_owned());
        }
        self.steps.entry(id.to_owned()).or_default()
    }

    fn close(&mut self, mut attempt: Attempt, outcome: TaskEnding, duration_ms: Option<u64>) {
        if let Some(to) = attempt
            .led_to
            .take()
            .filter(|to| attempt.path.last() != Some(to))
        {
            attempt.path.push(to);
        }
        let last = attempt.path.last().cloned();
        let task = self.tasks.entry(attempt.task).or_default();
        *task.outcomes.entry(outcome).or_default() += 1;
        let mut seen: Vec<&String> = attempt.path.iter().collect();
        seen.sort();
        seen.dedup();
        for step in seen {
            *task.reached.entry(step.clone()).or_default() += 1;
        }
        *task.paths.entry((attempt.path, outcome)).or_default() += 1;
        if outcome == TaskEnding::SUCCESS {
            task.success_ms.extend(duration_ms.map(|d| d as f64));
            task.direct += usize::from(!attempt.backtracked);
        } else if let Some(last) =
            last.filter(|_| outcome != TaskEnding::Ended(TaskOutcome::Failure))
        {
            // A failure ends on an end step the flow meant as an ending; giving up,
            // running out of time, aborting or a cut-off recording drop off mid-way.
            self.step(&last).drop_offs += 1;
        }
    }

    fn answer(&mut self, question: &str, value: &AnswerValue, free_text: bool, participant: &str) {
        if !self.answers.contains_key(question) {
            self.questions.push(question.to_owned());
        }
        let tally = self.answers.entry(question.to_owned()).or_default();
        match value {
            AnswerValue::Number(n) => tally.numbers.push(*n as f64),
            AnswerValue::Text(text) if free_text => {
                tally.texts.push((participant.to_owned(), text.clone()))
            }
            AnswerValue::Text(option) => {
                if !tally.options.contains_key(option) {
                    tally.option_order.push(option.clone());
                }
                *tally.options.entry(option.clone()).or_default() += 1;
            }
        }
    }
}

fn led_to(attempt: &mut Option<Attempt>, to: &str) {
    if let Some(open) = attempt {
        open.led_to = Some(to.to_owned());
    }
}

/// The session's SUS score, when it answered `sus1` to `sus10` on a 1-5 scale.
fn sus_of(session: &Session) -> Option<f64> {
    let mut answers = [0i64; 10];
    for event in &session.events {
        if let EventKind::Answer {
            question,
            value: AnswerValue::Number(n),
            ..
        } = &event.kind
        {
            let item = question
                .strip_prefix("sus")
                .and_then(|i| i.parse::<usize>().ok());
            if let Some(slot) = item
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| answers.get_mut(i))
            {
                *slot = *n;
            }
        }
    }
    crate::stats::sus_score(&answers)
}
