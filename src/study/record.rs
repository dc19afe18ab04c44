//! What a study session records, the same for `mvx play STUDY.yaml` and the synthetic
//! participants of `mvx simulate STUDY.yaml`: the header's `study` block made from an
//! assignment, the flow as the session plays it, the consent event.

use std::time::Duration;

use super::Variant;
use super::arrange::{arranged, asks_study_questions};
use super::assign::Assignment;
use crate::flow::Flow;
use crate::flow::open::sha256_hex;
use crate::flow::study::Study;
use crate::session::{ConsentAnswer, Event, EventKind, StudyRef};

/// The `study` block of the session in which the participant of `assignment` plays
/// `variant`; `path` is the study file as named on the command line.
pub fn study_ref(
    study: &Study,
    (path, sha256): (&str, &str),
    assignment: &Assignment,
    variant: &str,
) -> StudyRef {
    StudyRef {
        id: study.id.clone(),
        path: path.to_owned(),
        sha256: sha256.to_owned(),
        design: study.design,
        variant: variant.to_owned(),
        order: assignment.order.clone(),
        slot: assignment.slot,
        seed: assignment.seed,
    }
}

/// The flow the session of `block` plays: `variant`'s tasks in the participant's order,
/// and the study's questions when this session asks them.
pub fn session_flow(study: &Study, variant: &Variant, block: &StudyRef) -> Flow {
    let questions = match asks_study_questions(block) {
        true => study.questions.as_slice(),
        false => &[],
    };
    arranged(&variant.flow, &block.order, questions)
}

/// The consent to `text` given (or declined) `at` into the session.
pub fn consent_event(text: &str, given: bool, at: Duration) -> Event {
    let answer = match given {
        true => ConsentAnswer::Given,
        false => ConsentAnswer::Declined,
    };
    Event {
        at_ms: crate::player::clock::millis(at),
        kind: EventKind::Consent {
            answer,
            sha256: sha256_hex(text.as_bytes()),
        },
    }
}
