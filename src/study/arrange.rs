//! A flow as a study session plays it: its tasks in the participant's order, and the
//! study's own questions after the flow's in the participant's last session. Play,
//! resume and replay arrange a flow the same way, so the same player comes out.

use std::path::Path;

use crate::flow::study::Design;
use crate::flow::{Flow, Question};
use crate::session::StudyRef;

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
