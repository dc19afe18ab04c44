//! A session resumed after an abort reads as one session: the abort's tail (the
//! `abort`, the task and session it ended) stays in the file, but readers step over it.

use std::borrow::Cow;

use super::{Event, EventKind, SessionOutcome, TaskOutcome};

/// What `mvx play --resume` writes as `after` when it carries on an aborted session.
pub const AFTER_ABORT: &str = "aborted";

/// `events` without the abort tails that a later `resumed` event undid.
pub(super) fn fold(events: Vec<Event>) -> Vec<Event> {
    if !events
        .iter()
        .any(|e| matches!(e.kind, EventKind::Resumed { .. }))
    {
        return events;
    }
    let mut kept: Vec<Event> = Vec::with_capacity(events.len());
    for event in events {
        if matches!(&event.kind, EventKind::Resumed { after, .. } if after == AFTER_ABORT) {
            while kept.last().is_some_and(|e| undone_by_resume(&e.kind)) {
                kept.pop();
            }
        }
        kept.push(event);
    }
    kept
}

/// The events before a trailing abort: what a resume of an aborted session replays.
pub fn before_abort(events: &[Event]) -> &[Event] {
    let mut end = events.len();
    while end > 0 && undone_by_resume(&events[end - 1].kind) {
        end -= 1;
    }
    &events[..end]
}

/// The event lines without a line a crash cut short that a resume then closed: the
/// resume ends it with a newline (the file is never rewritten), and the line after it
/// is the `resumed` event.
pub(super) fn mend(lines: &str) -> Cow<'_, str> {
    if !lines.contains(RESUMED) {
        return Cow::Borrowed(lines);
    }
    let all: Vec<&str> = lines.lines().collect();
    let kept: Vec<&str> = all
        .iter()
        .enumerate()
        .filter(|(i, line)| {
            let next_resumes = all.get(i + 1).is_some_and(|n| n.contains(RESUMED));
            let valid = line
                .strip_prefix("- ")
                .is_some_and(|json| serde_json::from_str::<Event>(json).is_ok());
            !(next_resumes && !valid && *i > 0)
        })
        .map(|(_, line)| *line)
        .collect();
    Cow::Owned(kept.join("\n") + "\n")
}

/// How a `resumed` event line reads.
const RESUMED: &str = "\"kind\":\"resumed\"";

fn undone_by_resume(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Abort { .. }
            | EventKind::TaskEnd {
                outcome: TaskOutcome::Aborted,
                ..
            }
            | EventKind::SessionEnd {
                outcome: SessionOutcome::Aborted
            }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(at_ms: u64, kind: EventKind) -> Event {
        Event { at_ms, kind }
    }

    #[test]
    fn an_abort_undone_by_a_resume_is_stepped_over_and_nothing_else() {
        let events = vec![
            at(1, EventKind::TaskStart { task: "t".into() }),
            at(
                2,
                EventKind::Abort {
                    reason: "researcher".into(),
                },
            ),
            at(
                2,
                EventKind::TaskEnd {
                    task: "t".into(),
                    outcome: TaskOutcome::Aborted,
                    duration_ms: 1,
                },
            ),
            at(
                2,
                EventKind::SessionEnd {
                    outcome: SessionOutcome::Aborted,
                },
            ),
            at(
                9,
                EventKind::Resumed {
                    gap_ms: 7,
                    after: AFTER_ABORT.into(),
                    flow_sha256: None,
                },
            ),
            at(10, EventKind::Show { step: "a".into() }),
        ];
        let kinds: Vec<&str> = fold(events).iter().map(|e| e.kind.name()).collect();
        assert_eq!(kinds, ["task_start", "resumed", "show"]);
    }

    #[test]
    fn a_cut_line_a_resume_closed_is_left_out() {
        let lines = "events:\n- {\"at_ms\":1,\"kind\":\"pause\"}\n- {\"at_ms\":2,\"ki\n\
                     - {\"at_ms\":9,\"kind\":\"resumed\",\"gap_ms\":7,\"after\":\"cut off\"}\n";
        let mended = mend(lines);
        assert!(!mended.contains("\"ki\n"), "{mended}");
        assert_eq!(mended.lines().count(), 3);
    }
}
