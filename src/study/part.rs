//! A participant's part of a study, as `mvx play STUDY.yaml`, `mvx serve STUDY.yaml` and
//! the synthetic participants of `mvx simulate STUDY.yaml` all record it: each session's
//! study block and arranged flow, and the consent's event.

use std::time::Duration;

use super::arrange::{arranged, asks_study_questions};
use super::ask::Ask;
use super::assign::Assignment;
use super::{OpenedStudy, Variant};
use crate::flow::Flow;
use crate::flow::open::sha256_hex;
use crate::flow::study::Study;
use crate::session::{ConsentAnswer, Event, EventKind, StudyRef};

/// The consent's answer, when the study has a consent text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub given: bool,
    /// When it was given, on the first session's clock.
    pub at: Duration,
    /// The consent text's digest: what exactly the participant agreed to.
    pub sha256: String,
}

impl Consent {
    pub fn new(text: &str, given: bool, at: Duration) -> Consent {
        Consent {
            given,
            at,
            sha256: sha256_hex(text.as_bytes()),
        }
    }

    /// The event written right after the first session's header.
    pub fn event(&self) -> Event {
        let answer = match self.given {
            true => ConsentAnswer::Given,
            false => ConsentAnswer::Declined,
        };
        Event {
            at_ms: crate::player::clock::millis(self.at),
            kind: EventKind::Consent {
                answer,
                sha256: self.sha256.clone(),
            },
        }
    }
}

/// One session of a participant's part: the variant played, the flow as arranged for
/// them, and the header's study block.
pub struct PartSession<'s> {
    pub variant: &'s Variant,
    pub flow: Flow,
    pub study: StudyRef,
}

/// The session of `variant` for `assignment`; `written` is the study's path as the
/// header names it. `None` when the study is not playable or has no such variant.
pub fn session<'s>(
    opened: &'s OpenedStudy,
    written: &str,
    assignment: &Assignment,
    variant: &str,
) -> Option<PartSession<'s>> {
    let (study, _) = opened.playable()?;
    let found = opened.variant(variant)?;
    let study = study_ref(study, (written, &opened.sha256), assignment, variant);
    Some(PartSession {
        variant: found,
        flow: session_flow(opened.playable()?.0, found, &study),
        study,
    })
}

/// The `study` block of the session in which the participant of `assignment` plays
/// `variant`; `path` is the study file as the header names it.
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
        anticipation_ms: study.anticipation_ms,
        visit: None,
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

/// The consent a recorded session opened with: the screen as the participant saw it (the
/// study's title and text, read from the study file the header names), when they
/// answered, and whether they agreed. `None` without a consent event, or when the study
/// file no longer opens or its consent is not the text the participant answered (its
/// digest differs).
pub fn recorded_consent(session: &crate::session::Session) -> Option<(Ask, u64, bool)> {
    use crate::session::{ConsentAnswer, EventKind};
    let (at_ms, answer, sha256) = session.events.iter().find_map(|e| match &e.kind {
        EventKind::Consent { answer, sha256 } => Some((e.at_ms, *answer, sha256)),
        _ => None,
    })?;
    let block = session.header.study.as_ref()?;
    let study = super::open(std::path::Path::new(&block.path)).ok()?.study?;
    let text = study
        .consent
        .filter(|text| sha256_hex(text.as_bytes()) == *sha256)?;
    let given = answer == ConsentAnswer::Given;
    Some((Ask::consent(study.title, text), at_ms, given))
}
