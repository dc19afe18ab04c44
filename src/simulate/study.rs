//! Synthetic participants of a study: assigned and ordered exactly as `mvx play
//! STUDY.yaml` assigns the next participant (the same `study::assign` over the same
//! progress), each session's `study` block, flow and consent made as play makes them.

use crate::flow::Flow;
use crate::flow::study::{Assign, Study};
use crate::session::{Event, EventKind, SessionOutcome, StudyRef};
use crate::study::Variant;
use crate::study::assign::{self, Refusal, Request};
use crate::study::part;
use crate::study::progress::Progress;

use super::sessions::{Hesitation, participant};

/// The study file as the sessions name it: its path and its sha256.
#[derive(Debug, Clone, Copy)]
pub struct StudyFile<'a> {
    pub path: &'a str,
    pub sha256: &'a str,
}

/// One synthetic session of the study: which variant, its header's `study` block, the
/// flow as played (tasks in order, the study's questions) and the events.
#[derive(Debug, Clone)]
pub struct StudySession {
    pub variant: usize,
    pub block: StudyRef,
    pub flow: Flow,
    pub events: Vec<Event>,
}

/// The next participant's sessions, given the study's `progress` so far: one (between)
/// or one per variant in the participant's order (within). Consent, when the study asks
/// for it, is given after a hesitation, before the first session's first event. A
/// study that assigns by hand is assigned as `balanced` would (there is no researcher
/// to choose), and a full study goes on as `--over-target` would: simulating N
/// participants asks for N.
pub fn next_participant(
    study: &Study,
    variants: &[Variant],
    progress: &Progress,
    file: StudyFile,
    seed: u64,
    hesitation: &Hesitation,
    max_moves: usize,
) -> Result<Vec<StudySession>, Refusal> {
    let mut assigning = study.clone();
    if assigning.assign == Assign::Manual {
        assigning.assign = Assign::Balanced;
    }
    let request = Request {
        variant: None,
        seed,
        over_target: true,
    };
    let assignment = assign::next(&assigning, variants, progress, &request)?;
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut sessions = Vec::new();
    for name in &assignment.variants {
        let Some(index) = variants.iter().position(|v| v.name == *name) else {
            continue;
        };
        let block = part::study_ref(study, (file.path, file.sha256), &assignment, name);
        let flow = part::session_flow(study, &variants[index], &block);
        let mut events = participant(&flow, &mut rng, hesitation, max_moves);
        if let (Some(text), true) = (&study.consent, sessions.is_empty()) {
            let at = std::time::Duration::from_millis(hesitation.sample(&mut rng));
            let consent = part::Consent::new(text, true, at).event();
            for e in &mut events {
                e.at_ms += consent.at_ms;
            }
            events.insert(0, consent);
        }
        let complete = events.iter().any(|e| {
            matches!(
                e.kind,
                EventKind::SessionEnd {
                    outcome: SessionOutcome::Complete
                }
            )
        });
        sessions.push(StudySession {
            variant: index,
            block,
            flow,
            events,
        });
        // As in play: a session that did not end complete ends the participant's part.
        if !complete {
            break;
        }
    }
    Ok(sessions)
}
