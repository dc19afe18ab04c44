//! A session resumed after an abort reads as one session: the abort's tail (the
//! `abort`, the task and session it ended) stays in the file, but readers step over it.

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

/// Whether an event line is a `resumed` event: the line before it, if a crash cut it
/// short, was closed by the resume (the file is never rewritten).
pub(super) fn is_resumed(line: &str) -> bool {
    line.contains(RESUMED)
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
        let text = "schema: mvx-session/1\nsession: s\n\
            flow: { id: f, title: F, variant: null, path: f.yaml, sha256: x }\n\
            participant: P1\nresearcher: null\nstarted_at: \"2026-11-26T10:00:00.000+00:00\"\n\
            terminal: { cols: 80, rows: 24, term: null, program: null, tmux: false, ssh: false }\n\
            mvx: test\nevents:\n- {\"at_ms\":1,\"kind\":\"pause\"}\n- {\"at_ms\":2,\"ki\n\
            - {\"at_ms\":9,\"kind\":\"resumed\",\"gap_ms\":7,\"after\":\"cut off\"}\n";
        let session = crate::session::parse(text).expect("the session reads");
        assert_eq!(session.events.len(), 2, "{:?}", session.events);
        assert!(session.problems.is_empty(), "{:?}", session.problems);
    }
}
