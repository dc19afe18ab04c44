//! A served study: each invitation's variant and order, computed as `mvx play STUDY.yaml`
//! computes them, counting the participants still playing; and, in a study with
//! returns, a participant's next session, read from their sessions as `mvx play` reads it.

use std::path::{Path, PathBuf};

use crate::study::OpenedStudy;
use crate::study::assign::{self, Assignment, Request};
use crate::study::progress::Progress;
use crate::study::reserve::{self, Reservation, Unreserved};
use crate::study::returns::{self, History, NotYet, Return};

/// Why a participant got no part of the study; `full` when the study has every
/// participant it needs (the page is told so).
#[derive(Debug)]
pub struct Unassigned {
    pub why: String,
    pub full: bool,
}

impl From<String> for Unassigned {
    fn from(why: String) -> Self {
        Unassigned { why, full: false }
    }
}

/// A study as served: what `mvx play STUDY.yaml` is given on its command line.
pub struct ServedStudy {
    pub opened: OpenedStudy,
    pub path: PathBuf,
    pub over_target: bool,
}

impl ServedStudy {
    /// Whether an invitation may carry `variant`: the refusals `mvx play` gives for
    /// `--variant` (unknown, by hand without one, within with one), said at once.
    pub fn check_variant(&self, variant: Option<&str>) -> Result<(), String> {
        let Some((study, variants)) = self.opened.playable() else {
            return Err("the study has errors".into());
        };
        let request = Request {
            variant: variant.map(str::to_owned),
            seed: 0,
            over_target: true,
        };
        assign::next(study, variants, &Progress::default(), &request)
            .map(|_| ())
            .map_err(|refusal| refusal.to_string())
    }

    /// `participant`'s next session at `now_ms` in a study with returns, as `mvx play
    /// --participant` finds it from their sessions in `sessions`: `None` for a new
    /// participant (or a study without returns), their return when it is due, and why
    /// not otherwise.
    pub fn returning(
        &self,
        sessions: &Path,
        participant: &str,
        now_ms: i64,
    ) -> Result<Option<Return>, NotYet> {
        let Some((study, _)) = self.opened.playable().filter(|(s, _)| s.returns.any()) else {
            return Ok(None);
        };
        let history = History::read(&study.id, sessions, participant, false);
        returns::next(study, participant, &history, now_ms, false)
    }

    /// The next assignment, given the sessions in the folder, the participants other
    /// processes are playing now (`study::reserve`) and `playing`: the participants
    /// assigned here whose part is not over, counted as if it were, so two participants
    /// playing at once never get the same slot; and the reservation that holds it.
    pub fn assign(
        &self,
        sessions: &std::path::Path,
        participant: &str,
        playing: &[(String, Assignment)],
        variant: Option<String>,
    ) -> Result<(Assignment, Reservation), Unassigned> {
        let Some(playable) = self.opened.playable() else {
            return Err(String::from("the study has errors").into());
        };
        let request = Request {
            variant,
            seed: fastrand::u64(..),
            over_target: self.over_target,
        };
        reserve::next(playable, sessions, participant, &request, playing).map_err(|e| Unassigned {
            full: matches!(e, Unreserved::Refused(assign::Refusal::Full { .. })),
            why: e.to_string(),
        })
    }
}
