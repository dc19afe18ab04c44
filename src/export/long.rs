//! The long table of a study with returns: one row per participant, trial and task,
//! ready for a mixed model of learning (docs/returns.md, "Export"). Read from the same
//! visits the report's returns section reads (`study::returns::Visited`).

use serde::Serialize;

use crate::study::returns::Visited;

/// One task of one trial of one participant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LongRow {
    pub study: String,
    pub participant: String,
    pub variant: String,
    pub trial: u32,
    pub retention: bool,
    /// Played before it opened (`mvx play --early`).
    pub early: bool,
    /// Made up by `mvx simulate`: no one took part in it.
    pub simulated: bool,
    /// Days from the start of the participant's first trial: 0 for the first.
    pub days_since_first: f64,
    pub task: String,
    pub outcome: String,
    /// The attempt's time, pauses left out; empty for an attempt cut off.
    pub time_s: Option<f64>,
}

impl LongRow {
    /// The rows of one visit, a task each (`Rows` guards their cells as it writes them).
    pub fn of(visit: &Visited) -> Vec<LongRow> {
        let days = visit.since_first_ms.unwrap_or(0) as f64 / 86_400_000.0;
        (visit.tasks.iter())
            .map(|t| LongRow {
                study: visit.study.clone(),
                participant: visit.participant.clone(),
                variant: visit.variant.clone(),
                trial: visit.trial,
                retention: visit.retention,
                early: visit.early,
                simulated: visit.simulated,
                days_since_first: (days * 1e6).round() / 1e6,
                task: t.task.clone(),
                outcome: t.outcome.clone(),
                time_s: t.time_s,
            })
            .collect()
    }
}
