//! Session files: what happened during one participant's session, event by event.
//!
//! A session file is YAML: a header, then `events:` and one line per event. Each event
//! line is a JSON object, which is also a YAML flow mapping, so the file is valid YAML
//! after every append and can be parsed fast line by line.

mod attempt;
mod discover;
mod fast_event;
mod fast_header;
mod fast_scan;
pub mod firsts;
mod header;
pub mod ids;
mod lines;
pub mod moments;
mod notes;
mod raw_event;
mod reader;
mod resumed;
mod stream;
mod study;
mod writer;

pub use attempt::{Attempt, attempts, lostness};
pub use discover::{Found, Walk, discover};
pub use header::{FlowRef, Header, RoundTrips, SCHEMA, Started, TerminalInfo, TransportInfo};
pub use moments::{Moment, StepVisit, moments, step_at, step_visits, tags_in};
pub use notes::{NotesRead, ObserverNote, append_note, notes_path, read_notes, read_notes_checked};
pub use reader::{CUT_OFF, DataProblem, PLAUSIBLE_MS, ReadError, Session, fast_path, parse, read};
pub use resumed::{AFTER_ABORT, before_abort};
pub use stream::{Batch, for_each, in_two_stages, map_each};
pub use study::{ConsentAnswer, StudyRef, Visit};
pub use writer::{BEING_WRITTEN, SessionWriter, Sink, being_written, file_name, is_full};

use std::borrow::Cow;

use crate::keys::Via;
use serde::{Deserialize, Serialize};

/// One thing that happened, `at_ms` milliseconds after the session started
/// (monotonic clock, paused time included: it is when it happened).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub at_ms: u64,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// Durations a participant spent on a screen, paused time left out: from the frame being
/// on screen to their first key (`hesitation_ms`) and to the key that decided
/// (`decision_ms`); and how that decision was given (`input`: a click or a tap, written
/// only when it was not a key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
    pub hesitation_ms: u64,
    pub decision_ms: u64,
    #[serde(default, skip_serializing_if = "Via::is_key")]
    pub input: Via,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    TaskStart {
        task: String,
    },
    /// A step's frame reached the terminal.
    Show {
        step: String,
    },
    /// A verdict question's frame reached the terminal.
    Ask {
        question: String,
    },
    Choose {
        step: String,
        choice: String,
        to: String,
        #[serde(flatten)]
        timing: Timing,
    },
    /// Confirming an info step.
    Continue {
        step: String,
        to: String,
        #[serde(flatten)]
        timing: Timing,
    },
    Input {
        step: String,
        name: String,
        text: String,
        /// Where Enter led (absent in files from before it was recorded).
        #[serde(default)]
        to: String,
        #[serde(flatten)]
        timing: Timing,
    },
    /// A backtrack: Esc from `step` to the step before it, `to`.
    Back {
        step: String,
        to: String,
        #[serde(flatten)]
        timing: Timing,
    },
    Answer {
        question: String,
        value: AnswerValue,
        /// The participant typed the answer (a `text: true` question): it may need redacting.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        free_text: bool,
        #[serde(flatten)]
        timing: Timing,
    },
    Note {
        text: String,
    },
    /// A variable took a new value: set by a choice, an answer, going back or a new task.
    Set {
        name: String,
        value: crate::flow::expr::Value,
    },
    /// The clock stopped: the researcher paused, or the session was suspended
    /// (`reason: suspend`, Ctrl-Z); absent in files from before reasons were recorded.
    Pause {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A served participant's connection dropped; the clock stops until `resume`.
    Disconnect,
    Resume {
        paused_ms: u64,
    },
    GiveUp {
        step: String,
    },
    Timeout {
        step: String,
    },
    End {
        step: String,
        outcome: String,
    },
    TaskEnd {
        task: String,
        outcome: TaskOutcome,
        duration_ms: u64,
    },
    /// A participant's key stamped before the screen it would act on was shown: type-ahead
    /// before the first frame, a double press, a key during a redraw. It acted on nothing.
    /// The screen is named by `step`, `question` or `task` (a brief), or else by `screen`.
    EarlyKey {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        question: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        task: Option<String>,
        /// `interlude` (a task ended without a step) or `closing`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        screen: Option<String>,
        /// The key's name (`Enter`, `Esc`, `2`); a key typed into text is `character`.
        key: String,
        /// How long before the screen was shown the key was read.
        early_ms: u64,
    },
    /// The session was ended early: by the researcher, or by a signal (`SIGTERM`, `SIGHUP`).
    Abort {
        reason: String,
    },
    SessionEnd {
        outcome: SessionOutcome,
    },
    /// The participant answered the study's consent text (its SHA-256: the exact words).
    Consent {
        answer: ConsentAnswer,
        sha256: String,
    },
    /// `mvx play --resume` carried the session on after its recording stopped: the
    /// `gap_ms` since the last recorded event is left out of every duration.
    Resumed {
        gap_ms: u64,
        /// What stopped it: `cut off` or `aborted`.
        after: String,
        /// Set when `--force` went on with a flow file changed since: its SHA-256 now.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        flow_sha256: Option<String>,
    },
}

impl EventKind {
    /// The `kind` the event is written with.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::TaskStart { .. } => "task_start",
            EventKind::Show { .. } => "show",
            EventKind::Ask { .. } => "ask",
            EventKind::Choose { .. } => "choose",
            EventKind::Continue { .. } => "continue",
            EventKind::Input { .. } => "input",
            EventKind::Back { .. } => "back",
            EventKind::Answer { .. } => "answer",
            EventKind::Note { .. } => "note",
            EventKind::Set { .. } => "set",
            EventKind::Pause { .. } => "pause",
            EventKind::Disconnect => "disconnect",
            EventKind::Resume { .. } => "resume",
            EventKind::GiveUp { .. } => "give_up",
            EventKind::Timeout { .. } => "timeout",
            EventKind::End { .. } => "end",
            EventKind::TaskEnd { .. } => "task_end",
            EventKind::EarlyKey { .. } => "early_key",
            EventKind::Abort { .. } => "abort",
            EventKind::SessionEnd { .. } => "session_end",
            EventKind::Consent { .. } => "consent",
            EventKind::Resumed { .. } => "resumed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskOutcome {
    Success,
    Failure,
    Abandoned,
    Timeout,
    Aborted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionOutcome {
    Complete,
    Aborted,
}

impl TaskOutcome {
    /// The word the session file writes.
    pub fn word(self) -> &'static str {
        match self {
            TaskOutcome::Success => "success",
            TaskOutcome::Failure => "failure",
            TaskOutcome::Abandoned => "abandoned",
            TaskOutcome::Timeout => "timeout",
            TaskOutcome::Aborted => "aborted",
        }
    }
}

impl SessionOutcome {
    /// The word the session file writes.
    pub fn word(self) -> &'static str {
        match self {
            SessionOutcome::Complete => "complete",
            SessionOutcome::Aborted => "aborted",
        }
    }
}

/// How a task attempt ended as reports count it: its recorded outcome, the end step's
/// own word when it names one (`partial`), or cut off when the recording stopped before
/// the attempt's end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskEnding {
    Ended(TaskOutcome),
    /// A failure on an end step whose outcome is another word than `failure`.
    EndStep(String),
    CutOff,
}

/// The researcher's give-up (Ctrl-G), as every report, review and export words it.
pub const GAVE_UP: &str = "gave up";
/// A task's time limit ran out.
pub const TIMED_OUT: &str = "timed out";

/// Whether an end step's own word could be read as another ending: a give-up, a
/// timeout, an abort, a cut-off recording (`-` and `_` read as spaces).
fn names_another_ending(word: &str) -> bool {
    let word = word.replace(['-', '_'], " ");
    [
        GAVE_UP,
        "give up",
        "abandoned",
        TIMED_OUT,
        "timeout",
        "time out",
        "aborted",
        CUT_OFF,
        "cutoff",
    ]
    .iter()
    .any(|other| word.eq_ignore_ascii_case(other))
}

/// A session whose participant declined the study's consent, as review and export word
/// it (not `cut off`: nothing went wrong).
pub const DECLINED: &str = "declined";

/// How a session ended: its recorded outcome, declined (its participant did not agree to
/// the study's consent, and nothing more was recorded), or cut off when the recording
/// stopped without an end (a crash, a kill, or a session still running).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnding {
    Ended(SessionOutcome),
    Declined,
    CutOff,
}

impl TaskEnding {
    pub const SUCCESS: TaskEnding = TaskEnding::Ended(TaskOutcome::Success);

    /// The one word for this ending, in every report, review and export: `success`,
    /// `failure`, an end step's own word (`partial`), `gave up` (the researcher's
    /// Ctrl-G), `timed out`, `aborted` or `cut off`. An end step whose word could be
    /// read as another ending (`abandoned`, `gave-up`, `timeout`) is written
    /// `end step "abandoned"`: it is a failure, never a give-up.
    pub fn word(&self) -> Cow<'_, str> {
        match self {
            TaskEnding::Ended(TaskOutcome::Abandoned) => Cow::Borrowed(GAVE_UP),
            TaskEnding::Ended(TaskOutcome::Timeout) => Cow::Borrowed(TIMED_OUT),
            TaskEnding::Ended(outcome) => Cow::Borrowed(outcome.word()),
            TaskEnding::EndStep(word) if names_another_ending(word) => {
                Cow::Owned(format!("end step \"{word}\""))
            }
            TaskEnding::EndStep(word) => Cow::Borrowed(word),
            TaskEnding::CutOff => Cow::Borrowed(CUT_OFF),
        }
    }

    /// Ended by the recording, not the participant: the researcher ended the session
    /// (Ctrl-C), a signal or hang-up did, or the file was cut off (Sauro & Lewis count
    /// only a participant's give-ups and timeouts as failures).
    pub fn technical(&self) -> bool {
        matches!(
            self,
            TaskEnding::Ended(TaskOutcome::Aborted) | TaskEnding::CutOff
        )
    }

    pub fn is_success(&self) -> bool {
        *self == TaskEnding::SUCCESS
    }
}

impl SessionEnding {
    /// The word renderers show: the session file's word, `declined`, or `cut off`.
    pub fn word(self) -> &'static str {
        match self {
            SessionEnding::Ended(outcome) => outcome.word(),
            SessionEnding::Declined => DECLINED,
            SessionEnding::CutOff => CUT_OFF,
        }
    }
}

/// Alphabetical by word: reports have always listed outcomes, and JSON written their
/// keys, in this order.
impl Ord for TaskEnding {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Words are one per ending; the variant only keeps the order total, as `Eq` is.
        let rank = |e: &TaskEnding| match e {
            TaskEnding::Ended(_) => 0,
            TaskEnding::EndStep(_) => 1,
            TaskEnding::CutOff => 2,
        };
        self.word()
            .cmp(&other.word())
            .then(rank(self).cmp(&rank(other)))
    }
}

impl PartialOrd for TaskEnding {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Written as its word, in JSON (also as a map key) and CSV.
impl Serialize for TaskEnding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.word())
    }
}

impl Serialize for SessionEnding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.word())
    }
}

/// An option's label or free text, or a point on a scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnswerValue {
    Number(i64),
    Text(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialise_flat_with_their_kind() {
        let event = Event {
            at_ms: 2410,
            kind: EventKind::Choose {
                step: "home".into(),
                choice: "Brew a drink".into(),
                to: "drinks".into(),
                timing: Timing {
                    hesitation_ms: 1204,
                    decision_ms: 2407,
                    input: Default::default(),
                },
            },
        };
        let json = serde_json::to_string(&event).expect("serialises");
        assert_eq!(
            json,
            r#"{"at_ms":2410,"kind":"choose","step":"home","choice":"Brew a drink","to":"drinks","hesitation_ms":1204,"decision_ms":2407}"#
        );
        assert_eq!(
            serde_json::from_str::<Event>(&json).expect("reads back"),
            event
        );
    }

    #[test]
    fn each_kind_is_named_as_it_is_written() {
        let kinds = [
            EventKind::Pause { reason: None },
            EventKind::GiveUp { step: "a".into() },
            EventKind::SessionEnd {
                outcome: SessionOutcome::Aborted,
            },
        ];
        for kind in kinds {
            let json = serde_json::to_value(Event {
                at_ms: 0,
                kind: kind.clone(),
            })
            .expect("json");
            assert_eq!(json["kind"], kind.name());
        }
    }

    #[test]
    fn outcome_words_are_the_ones_written() {
        for outcome in [
            TaskOutcome::Success,
            TaskOutcome::Timeout,
            TaskOutcome::Aborted,
        ] {
            assert_eq!(serde_json::to_value(outcome).expect("json"), outcome.word());
        }
        for outcome in [SessionOutcome::Complete, SessionOutcome::Aborted] {
            assert_eq!(serde_json::to_value(outcome).expect("json"), outcome.word());
        }
    }

    #[test]
    fn endings_are_written_as_words_and_ordered_by_them() {
        let endings = [
            TaskEnding::SUCCESS,
            TaskEnding::CutOff,
            TaskEnding::Ended(TaskOutcome::Aborted),
        ];
        let json = serde_json::to_value(&endings).expect("json");
        assert_eq!(json, serde_json::json!(["success", "cut off", "aborted"]));
        let mut sorted = endings.clone();
        sorted.sort();
        assert_eq!(
            sorted.each_ref().map(|e| e.word()),
            ["aborted", "cut off", "success"]
        );
        let session = [
            SessionEnding::Ended(SessionOutcome::Complete),
            SessionEnding::CutOff,
        ];
        let json = serde_json::to_value(session).expect("json");
        assert_eq!(json, serde_json::json!(["complete", "cut off"]));
    }

    #[test]
    fn answers_are_numbers_or_text() {
        let event = Event {
            at_ms: 1,
            kind: EventKind::Answer {
                question: "ease".into(),
                value: AnswerValue::Number(6),
                free_text: false,
                timing: Timing {
                    hesitation_ms: 1,
                    decision_ms: 2,
                    input: Default::default(),
                },
            },
        };
        let json = serde_json::to_string(&event).expect("serialises");
        assert!(json.contains(r#""value":6"#), "{json}");
        assert_eq!(
            serde_json::from_str::<Event>(&json).expect("reads back"),
            event
        );
    }
}

#[cfg(test)]
mod fast_tests;
#[cfg(test)]
mod fast_written_tests;
#[cfg(test)]
mod file_tests;
