//! What a session records about the study it belongs to, and the consent given or declined.

use serde::{Deserialize, Serialize};

use super::{EventKind, Session, SessionEnding, SessionOutcome};
use crate::flow::study::Design;

/// The header's `study` block: which study, which variant, in which order, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudyRef {
    pub id: String,
    /// The study file as named on the command line.
    pub path: String,
    /// SHA-256 of the study file's bytes when the session was recorded.
    pub sha256: String,
    pub design: Design,
    /// The variant this session plays.
    pub variant: String,
    /// What the participant plays in turn: task ids (between) or variant names (within).
    #[serde(default)]
    pub order: Vec<String>,
    /// The participant's number in the study (1, 2, ...): the Latin square's row is
    /// counted from it.
    pub slot: u32,
    /// The seed of every draw made for this participant (ties, random orders).
    pub seed: u64,
    /// The study's own anticipation threshold (`anticipation_ms:`), when it sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anticipation_ms: Option<u64>,
    /// Which of the participant's scheduled sessions this is, in a study with returns
    /// (docs/returns.md); absent for a study without.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<Visit>,
}

/// A session of a study with returns: which trial, how long after the participant's
/// first and previous ones, and the invitation to the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    /// 1, 2, ...: the participant's first session is trial 1.
    pub trial: u32,
    /// Trials in the schedule, the retention trial included.
    pub trials: u32,
    /// The retention trial, after the longer delay.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retention: bool,
    /// From the start of the participant's first trial to this one's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_first_ms: Option<u64>,
    /// From the start of their previous trial to this one's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_previous_ms: Option<u64>,
    /// Played before it was due (`mvx play --early`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub early: bool,
    /// When the next trial opens (RFC 3339), when one follows: the invitation the
    /// closing screen shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_from: Option<String>,
    /// While planned, not recorded: when the next trial counts from this one's start (this
    /// is the first, or the next is the retention trial), how long after it. The routine
    /// sets `next_from` from the start it records, so the invitation and the next trial's
    /// `since_first_ms` count from the same moment.
    #[serde(skip)]
    pub next_after_start_ms: Option<u64>,
}

/// The participant's answer to the study's consent text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentAnswer {
    Given,
    Declined,
}

impl Session {
    /// Ended by the researcher, a signal or a cut before the participant ended a task
    /// (a success, a failure, a give-up, a timeout) and before its end: nothing of the
    /// participant's to count. A study gives the slot again, and a report takes the
    /// participant's next session as their first (docs/studies.md, "Who is counted").
    pub fn technical_abort(&self) -> bool {
        let complete = self.ending() == SessionEnding::Ended(SessionOutcome::Complete);
        !complete
            && !self.declined()
            && !super::attempts(self).iter().any(|a| !a.ending.technical())
    }

    /// The participant declined the consent: nothing of theirs was recorded.
    pub fn declined(&self) -> bool {
        self.events.iter().any(|e| {
            matches!(
                e.kind,
                EventKind::Consent {
                    answer: ConsentAnswer::Declined,
                    ..
                }
            )
        })
    }
}
