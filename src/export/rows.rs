//! The columns of the exported tables.

use serde::Serialize;

use super::counted::{LeftOut, utc};

use crate::session::{
    AnswerValue, Attempt, Event, EventKind, Session, SessionEnding, SessionOutcome, TaskOutcome,
    Timing,
};

/// What replaces free text when exporting with `--redact-text`.
pub const REDACTED: &str = "[redacted]";

/// One event, with the session it belongs to. Columns an event does not have stay empty.
#[derive(Debug, Default, Serialize, PartialEq)]
pub struct EventRow<'a> {
    pub session: &'a str,
    pub participant: &'a str,
    pub flow: &'a str,
    pub variant: Option<&'a str>,
    pub flow_sha256: &'a str,
    pub at_ms: u64,
    pub kind: &'static str,
    pub task: Option<&'a str>,
    pub step: Option<&'a str>,
    pub to: Option<&'a str>,
    pub choice: Option<&'a str>,
    pub question: Option<&'a str>,
    pub value: Option<String>,
    /// An input step's name.
    pub name: Option<&'a str>,
    /// Typed text: an input step's answer or a note.
    pub text: Option<&'a str>,
    pub hesitation_ms: Option<u64>,
    pub decision_ms: Option<u64>,
    /// How the decision was given: `key`, `pointer` (a click) or `touch` (a tap).
    pub input: Option<&'static str>,
    pub outcome: Option<EventOutcome<'a>>,
    pub duration_ms: Option<u64>,
    pub paused_ms: Option<u64>,
    pub reason: Option<&'a str>,
    /// `early_key`: the key's name, and how long before its screen was shown it was read.
    pub key: Option<&'a str>,
    pub early_ms: Option<u64>,
}

impl<'a> EventRow<'a> {
    /// A timed event's durations, and how its decision was given.
    fn timed(&mut self, timing: &Timing) {
        self.hesitation_ms = Some(timing.hesitation_ms);
        self.decision_ms = Some(timing.decision_ms);
        self.input = Some(timing.input.word());
    }

    pub fn new(session: &'a Session, event: &'a Event, redact: bool) -> Self {
        let header = &session.header;
        let typed = |text: &'a str| Some(if redact { REDACTED } else { text });
        let mut row = EventRow {
            session: &header.session,
            participant: &header.participant,
            flow: &header.flow.id,
            variant: header.flow.variant.as_deref(),
            flow_sha256: &header.flow.sha256,
            at_ms: event.at_ms,
            kind: event.kind.name(),
            ..EventRow::default()
        };
        match &event.kind {
            EventKind::TaskStart { task } => row.task = Some(task.as_str()),
            EventKind::Show { step } | EventKind::GiveUp { step } | EventKind::Timeout { step } => {
                row.step = Some(step.as_str());
            }
            EventKind::Ask { question } => row.question = Some(question.as_str()),
            EventKind::Choose {
                step,
                choice,
                to,
                timing,
            } => {
                (row.step, row.choice, row.to) = (
                    Some(step.as_str()),
                    Some(choice.as_str()),
                    Some(to.as_str()),
                );
                row.timed(timing);
            }
            EventKind::Continue { step, to, timing } | EventKind::Back { step, to, timing } => {
                (row.step, row.to) = (Some(step.as_str()), Some(to.as_str()));
                row.timed(timing);
            }
            EventKind::Input {
                step,
                name,
                text,
                to,
                timing,
            } => {
                (row.step, row.name, row.text) =
                    (Some(step.as_str()), Some(name.as_str()), typed(text));
                row.to = Some(to.as_str()).filter(|t| !t.is_empty());
                row.timed(timing);
            }
            EventKind::Answer {
                question,
                value,
                free_text,
                timing,
            } => {
                row.question = Some(question.as_str());
                row.value = Some(match value {
                    AnswerValue::Text(_) if *free_text && redact => REDACTED.to_owned(),
                    AnswerValue::Text(text) => text.clone(),
                    AnswerValue::Number(n) => n.to_string(),
                });
                row.timed(timing);
            }
            EventKind::Note { text } => row.text = typed(text),
            EventKind::Set { name, value } => {
                (row.name, row.value) = (Some(name.as_str()), Some(value.shown()));
            }
            EventKind::Pause { .. } | EventKind::Disconnect => {}
            EventKind::Resume { paused_ms } => row.paused_ms = Some(*paused_ms),
            EventKind::End { step, outcome } => {
                (row.step, row.outcome) = (Some(step.as_str()), Some(EventOutcome::Step(outcome)))
            }
            EventKind::TaskEnd {
                task,
                outcome,
                duration_ms,
            } => {
                row.task = Some(task.as_str());
                row.outcome = Some(EventOutcome::Task(*outcome));
                row.duration_ms = Some(*duration_ms);
            }
            EventKind::Abort { reason } => row.reason = Some(reason.as_str()),
            EventKind::Consent { answer, .. } => {
                row.value = serde_json::to_value(answer)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
            }
            EventKind::Resumed { gap_ms, after, .. } => {
                (row.paused_ms, row.reason) = (Some(*gap_ms), Some(after.as_str()))
            }
            EventKind::EarlyKey {
                step,
                question,
                key,
                early_ms,
                ..
            } => {
                (row.step, row.question) = (step.as_deref(), question.as_deref());
                (row.key, row.early_ms) = (Some(key.as_str()), Some(*early_ms));
            }
            EventKind::SessionEnd { outcome } => {
                row.outcome = Some(EventOutcome::Session(*outcome))
            }
        }
        row
    }
}

/// How an `end`, `task_end` or `session_end` event says things ended; written as its word.
#[derive(Debug, PartialEq)]
pub enum EventOutcome<'a> {
    /// The outcome an end step names, as the flow wrote it.
    Step(&'a str),
    Task(TaskOutcome),
    Session(SessionOutcome),
}

impl Serialize for EventOutcome<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(match self {
            EventOutcome::Step(word) => word,
            EventOutcome::Task(outcome) => outcome.word(),
            EventOutcome::Session(outcome) => outcome.word(),
        })
    }
}

/// One session: who, which flow version, and how it ended.
#[derive(Debug, Serialize, PartialEq)]
pub struct SessionRow<'a> {
    pub session: &'a str,
    pub file: Option<String>,
    pub participant: &'a str,
    pub researcher: Option<&'a str>,
    pub flow: &'a str,
    pub title: &'a str,
    pub variant: Option<&'a str>,
    pub flow_sha256: &'a str,
    pub started_at: &'a str,
    /// The start as a UTC instant: sorts as time does, whatever the offset.
    pub started_utc: String,
    /// Whether `mvx report` counts the session by default, and why not.
    pub counted: bool,
    pub not_counted: Option<LeftOut>,
    pub terminal_cols: u16,
    pub terminal_rows: u16,
    pub term: Option<&'a str>,
    pub mvx: &'a str,
    pub events: usize,
    /// `at_ms` of the last event recorded.
    pub last_at_ms: u64,
    /// `complete`, `aborted`, or `cut off` when the recording stopped without an end.
    pub outcome: SessionEnding,
    pub tasks_ended: usize,
    pub tasks_succeeded: usize,
    /// Tasks started, so an attempt cut off before its end still counts as an attempt.
    pub tasks_started: usize,
}

impl<'a> SessionRow<'a> {
    pub fn new(session: &'a Session, left_out: Option<LeftOut>) -> Self {
        let header = &session.header;
        let task_outcomes = session.events.iter().filter_map(|e| match &e.kind {
            EventKind::TaskEnd { outcome, .. } => Some(*outcome),
            _ => None,
        });
        let (ended, succeeded) = task_outcomes.fold((0, 0), |(n, s), o| {
            (n + 1, s + usize::from(o == TaskOutcome::Success))
        });
        SessionRow {
            session: &header.session,
            file: session.path.as_ref().map(|p| p.display().to_string()),
            participant: &header.participant,
            researcher: header.researcher.as_deref(),
            flow: &header.flow.id,
            title: &header.flow.title,
            variant: header.flow.variant.as_deref(),
            flow_sha256: &header.flow.sha256,
            started_at: &header.started_at,
            started_utc: utc(&header.started_at),
            counted: left_out.is_none(),
            not_counted: left_out,
            terminal_cols: header.terminal.cols,
            terminal_rows: header.terminal.rows,
            term: header.terminal.term.as_deref(),
            mvx: &header.mvx,
            events: session.events.len(),
            last_at_ms: session.events.last().map_or(0, |e| e.at_ms),
            outcome: session.ending(),
            tasks_ended: ended,
            tasks_succeeded: succeeded,
            tasks_started: session
                .events
                .iter()
                .filter(|e| matches!(e.kind, EventKind::TaskStart { .. }))
                .count(),
        }
    }
}

/// One task attempt, as `mvx report` counts it (docs/export.md shows how to recompute the
/// report's figures from these rows).
#[derive(Debug, Serialize, PartialEq)]
pub struct TaskRow<'a> {
    pub session: &'a str,
    /// The file the session was read from: unique where two files carry one session id
    /// (a copy), so the recipe in docs/export.md selects by it.
    pub file: Option<String>,
    pub participant: &'a str,
    pub flow: &'a str,
    pub variant: Option<&'a str>,
    pub flow_sha256: &'a str,
    /// When the session started: a participant's first session is their earliest.
    pub started_at: &'a str,
    /// The same as a UTC instant: sorts as time does, whatever the offset.
    pub started_utc: String,
    /// Whether `mvx report` counts the attempt by default, and why not: the session's
    /// reason, else `technical`.
    pub counted: bool,
    pub not_counted: Option<LeftOut>,
    pub task: String,
    /// 1 for the session's first attempt, then 2, 3, ...
    pub attempt: usize,
    /// `success`, `failure`, an end step's own word (`partial`), `abandoned`, `timeout`,
    /// `aborted` or `cut off`.
    pub outcome: String,
    pub success: bool,
    /// Ended by the recording (`aborted`, `cut off`), not by the participant.
    pub technical: bool,
    /// Succeeded without a backtrack.
    pub direct: bool,
    pub backtracks: usize,
    pub first_choice_right: Option<bool>,
    pub lostness: Option<f64>,
    /// Pauses left out; empty for a cut-off attempt.
    pub duration_ms: Option<u64>,
    /// The steps visited, joined by ` → `.
    pub path: String,
}

impl<'a> TaskRow<'a> {
    pub fn new(
        session: &'a Session,
        attempt: usize,
        a: &Attempt,
        left_out: Option<LeftOut>,
    ) -> Self {
        let header = &session.header;
        let left_out = left_out.or(a.ending.technical().then_some(LeftOut::Technical));
        TaskRow {
            session: &header.session,
            file: session.path.as_ref().map(|p| p.display().to_string()),
            participant: &header.participant,
            flow: &header.flow.id,
            variant: header.flow.variant.as_deref(),
            flow_sha256: &header.flow.sha256,
            started_at: &header.started_at,
            started_utc: utc(&header.started_at),
            counted: left_out.is_none(),
            not_counted: left_out,
            task: a.task.clone(),
            attempt,
            outcome: a.ending.word().into_owned(),
            success: a.ending.is_success(),
            technical: a.ending.technical(),
            direct: a.direct_success(),
            backtracks: a.backtracks.len(),
            first_choice_right: a.first_choice_right,
            lostness: a.lostness,
            duration_ms: a.duration_ms,
            path: crate::format::path(&a.path),
        }
    }
}
