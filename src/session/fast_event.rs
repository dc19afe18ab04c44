//! The event line as mvx writes it, read in one pass without serde's buffered tagged-enum path.
//!
//! `Event` is an internally tagged enum flattened into a struct, so serde buffers every
//! line into a tree of `Content` before it knows the variant. Here the line is read into
//! one struct of every field (strings borrowed from the line where they have no escapes)
//! and the variant built from `kind`. Anything unusual (a field of the wrong type, a
//! duplicate, a missing field, an unknown kind) returns `None`, and the
//! general path reads the line instead: its result and its error messages stay the
//! only ones a person ever sees.

use std::borrow::Cow;

use super::raw_event::RawEvent;
use super::{Event, EventKind, TaskOutcome, Timing};
use crate::keys::Via;

/// The event on `json`, when it is one of the common kinds in the shape mvx writes.
pub(super) fn event(json: &str) -> Option<Event> {
    let raw = match super::fast_scan::scan(json) {
        Some(raw) => raw,
        None => serde_json::from_str::<RawEvent>(json).ok()?,
    };
    let kind = raw.kind(&raw.kind)?;
    Some(Event {
        at_ms: raw.at_ms,
        kind,
    })
}

/// A text field, owned. Where the variant needs it, `?` on an absent or `null` one sends
/// the line to the general path; where it may be left out, `null` reads as absent, as
/// serde reads it.
fn need(field: &Option<Cow<'_, str>>) -> Option<String> {
    field.as_deref().map(str::to_owned)
}

use need as maybe;

impl RawEvent<'_> {
    fn timing(&self) -> Option<Timing> {
        let input = match self.input.as_deref() {
            None => Via::Key,
            Some(word) => Via::from_word(word)?,
        };
        Some(Timing {
            hesitation_ms: self.hesitation_ms?,
            decision_ms: self.decision_ms?,
            input,
        })
    }

    fn kind(&self, kind: &str) -> Option<EventKind> {
        Some(match kind {
            "show" => EventKind::Show {
                step: need(&self.step)?,
            },
            "choose" => EventKind::Choose {
                step: need(&self.step)?,
                choice: need(&self.choice)?,
                to: need(&self.to)?,
                timing: self.timing()?,
            },
            "continue" => EventKind::Continue {
                step: need(&self.step)?,
                to: need(&self.to)?,
                timing: self.timing()?,
            },
            "input" => EventKind::Input {
                step: need(&self.step)?,
                name: need(&self.name)?,
                text: need(&self.text)?,
                // Absent in older files, where serde's default applies; `null` is an error
                // there, so both take the general path.
                to: need(&self.to)?,
                timing: self.timing()?,
            },
            "back" => EventKind::Back {
                step: need(&self.step)?,
                to: need(&self.to)?,
                timing: self.timing()?,
            },
            "task_start" => EventKind::TaskStart {
                task: need(&self.task)?,
            },
            "task_end" => EventKind::TaskEnd {
                task: need(&self.task)?,
                outcome: task_outcome(self.outcome.as_deref()?)?,
                duration_ms: self.duration_ms?,
            },
            "ask" => EventKind::Ask {
                question: need(&self.question)?,
            },
            "session_end" => EventKind::SessionEnd {
                outcome: match self.outcome.as_deref()? {
                    "complete" => super::SessionOutcome::Complete,
                    "aborted" => super::SessionOutcome::Aborted,
                    _ => return None,
                },
            },
            "answer" => EventKind::Answer {
                question: need(&self.question)?,
                value: self.value.as_ref()?.answer()?,
                free_text: self.free_text,
                timing: self.timing()?,
            },
            _ => self.rarer(kind)?,
        })
    }

    fn rarer(&self, kind: &str) -> Option<EventKind> {
        Some(match kind {
            "note" => EventKind::Note {
                text: need(&self.text)?,
            },
            "pause" => EventKind::Pause {
                reason: maybe(&self.reason),
            },
            "resume" => EventKind::Resume {
                paused_ms: self.paused_ms?,
            },
            "give_up" => EventKind::GiveUp {
                step: need(&self.step)?,
            },
            "timeout" => EventKind::Timeout {
                step: need(&self.step)?,
            },
            "end" => EventKind::End {
                step: need(&self.step)?,
                outcome: need(&self.outcome)?,
            },
            "early_key" => EventKind::EarlyKey {
                step: maybe(&self.step),
                question: maybe(&self.question),
                task: maybe(&self.task),
                screen: maybe(&self.screen),
                key: need(&self.key)?,
                early_ms: self.early_ms?,
            },
            "abort" => EventKind::Abort {
                reason: need(&self.reason)?,
            },
            "resumed" => EventKind::Resumed {
                gap_ms: self.gap_ms?,
                after: need(&self.after)?,
                flow_sha256: maybe(&self.flow_sha256),
            },
            "disconnect" => EventKind::Disconnect,
            "set" => EventKind::Set {
                name: need(&self.name)?,
                value: self.value.as_ref()?.variable(),
            },
            "consent" => EventKind::Consent {
                answer: match self.answer.as_deref()? {
                    "given" => super::ConsentAnswer::Given,
                    "declined" => super::ConsentAnswer::Declined,
                    _ => return None,
                },
                sha256: need(&self.sha256)?,
            },
            // Anything unknown: the general path.
            _ => return None,
        })
    }
}

fn task_outcome(word: &str) -> Option<TaskOutcome> {
    Some(match word {
        "success" => TaskOutcome::Success,
        "failure" => TaskOutcome::Failure,
        "abandoned" => TaskOutcome::Abandoned,
        "timeout" => TaskOutcome::Timeout,
        "aborted" => TaskOutcome::Aborted,
        _ => return None,
    })
}
