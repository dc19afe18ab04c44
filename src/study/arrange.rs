//! A flow as a study session plays it: its tasks in the participant's order, and the
//! study's own questions after the flow's in the participant's last session. Play,
//! resume and replay arrange a flow the same way, so the same player comes out.

use std::path::Path;

use crate::flow::study::Design;
use crate::flow::{self, Flow, Question};
use crate::session::{Header, StudyRef};
use crate::text::printable;

/// `flow` with its tasks in `order` (ids it does not know are skipped, tasks not named
/// keep their place after) and `questions` asked after its own.
pub fn arranged(flow: &Flow, order: &[String], questions: &[Question]) -> Flow {
    let mut flow = flow.clone();
    if order
        .iter()
        .any(|id| flow.tasks.iter().any(|t| t.id == *id))
    {
        let mut tasks = std::mem::take(&mut flow.tasks);
        let mut ordered = Vec::with_capacity(tasks.len());
        for id in order {
            if let Some(i) = tasks.iter().position(|t| t.id == *id) {
                ordered.push(tasks.remove(i));
            }
        }
        ordered.append(&mut tasks);
        flow.tasks = ordered;
    }
    flow.questions.extend(questions.iter().cloned());
    flow
}

/// Whether the session of `study` asks the study's questions: a between session
/// always, a within session when it plays the last variant of its order.
pub fn asks_study_questions(study: &StudyRef) -> bool {
    study.design == Design::Between || study.order.last() == Some(&study.variant)
}

/// The flow a recorded study session was played with; the study's questions come from
/// the study file named in the header, if it still opens.
pub fn for_session(flow: &Flow, study: Option<&StudyRef>) -> Flow {
    let Some(study) = study else {
        return flow.clone();
    };
    let questions = match asks_study_questions(study) {
        true => super::open(Path::new(&study.path))
            .ok()
            .and_then(|opened| opened.study)
            .map(|s| s.questions)
            .unwrap_or_default(),
        false => Vec::new(),
    };
    arranged(flow, &study.order, &questions)
}

/// The flow a session was recorded on, opened from the path its header names (from the
/// folder it was recorded in) and arranged as its participant played it; with a warning
/// when the file has changed since or now has errors (screens drawn from it may differ).
/// Replay, export, the report's screens and replays, and observe open it here.
pub fn recorded_flow(header: &Header) -> Result<(Flow, String), String> {
    let path = &header.flow.path;
    let opened = flow::open(Path::new(path)).map_err(|e| {
        format!("cannot replay: {e}; run from the folder the session was recorded in")
    })?;
    let Some(flow) = opened.flow else {
        return Err(format!(
            "cannot replay: {} no longer loads; `mvx check {}` says why",
            printable(path),
            printable(path)
        ));
    };
    // A study's session played the variant arranged for its participant, with the
    // study's questions when it asked them.
    let flow = for_session(&flow, header.study.as_ref());
    let mut warning = String::new();
    if opened.sha256 != header.flow.sha256 {
        warning += " · the flow file has changed since: screens may differ";
    }
    let errors = opened.diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        warning += &format!(" · the flow now has {errors} error(s): `mvx check` lists them");
    }
    Ok((flow, warning))
}
