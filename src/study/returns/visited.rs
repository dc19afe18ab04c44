//! What the returns figures and the long export need of one session of a study with
//! returns: who, which trial and variant, when, and each task's outcome and time
//! (docs/returns.md). Made once per session where it is read, so the sessions are
//! never held, and the same rows serve the report and `mvx export --format long`.

use serde::Serialize;

use crate::session::{self, AnswerValue, EventKind, Session};
use crate::study::progress::{Standing, standing};

/// One counted session of a study with returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Visited {
    /// The study's id.
    pub study: String,
    pub participant: String,
    pub variant: String,
    pub trial: u32,
    pub retention: bool,
    /// The session's start, in milliseconds since the epoch.
    pub started_ms: i64,
    pub since_first_ms: Option<u64>,
    pub since_previous_ms: Option<u64>,
    /// When the next trial opens, in milliseconds since the epoch: the invitation.
    pub next_from_ms: Option<i64>,
    pub early: bool,
    /// Made up by `mvx simulate`.
    pub simulated: bool,
    pub tasks: Vec<TaskDone>,
    /// Every answer given, by question id: text as given, numbers as digits.
    pub answers: Vec<(String, String)>,
}

/// One task of a session: how it ended and how long it took (pauses left out).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskDone {
    pub task: String,
    /// `success`, `failure`, `gave up`, `timed out`, `cut off`, or an end step's own
    /// word (`abandoned`).
    pub outcome: String,
    pub success: bool,
    pub time_s: Option<f64>,
}

impl Visited {
    /// The session as a visit of study `id`, when it is one of a study with returns and
    /// counts (docs/studies.md, "Who is counted").
    pub fn of(session: &Session) -> Option<Visited> {
        let block = session.header.study.as_ref()?;
        let visit = block.visit.as_ref()?;
        if standing(session) != Standing::Counted {
            return None;
        }
        let tasks = (session::attempts(session).into_iter())
            .map(|a| TaskDone {
                outcome: match &a.ending {
                    crate::session::TaskEnding::EndStep(word) => word.clone(),
                    ending => ending.word().into_owned(),
                },
                success: a.ending.is_success(),
                time_s: a.duration_ms.map(|ms| ms as f64 / 1000.0),
                task: a.task,
            })
            .collect();
        let answers = (session.events.iter())
            .filter_map(|e| match &e.kind {
                EventKind::Answer {
                    question, value, ..
                } => Some((
                    question.clone(),
                    match value {
                        AnswerValue::Text(t) => t.clone(),
                        AnswerValue::Number(n) => n.to_string(),
                    },
                )),
                _ => None,
            })
            .collect();
        Some(Visited {
            study: block.id.clone(),
            participant: session.header.participant.clone(),
            variant: block.variant.clone(),
            trial: visit.trial,
            retention: visit.retention,
            started_ms: session.header.started_ms(),
            since_first_ms: visit.since_first_ms,
            since_previous_ms: visit.since_previous_ms,
            next_from_ms: visit.next_from.as_deref().and_then(super::millis),
            early: visit.early,
            simulated: session.header.simulated,
            tasks,
            answers,
        })
    }

    /// The answer given to `question`, if any.
    pub fn answer(&self, question: &str) -> Option<&str> {
        (self.answers.iter())
            .find(|(q, _)| q == question)
            .map(|(_, a)| a.as_str())
    }

    /// The SUS learnability subscale (items 4 and 10; Lewis & Sauro 2009), 0 to 100,
    /// when both items were answered on their 1-to-5 scale.
    pub fn sus_learnability(&self) -> Option<f64> {
        let item = |q: &str| -> Option<f64> {
            let n: i64 = self.answer(q)?.parse().ok()?;
            (1..=5).contains(&n).then_some(n as f64)
        };
        Some(((5.0 - item("sus4")?) + (5.0 - item("sus10")?)) * 12.5)
    }
}
