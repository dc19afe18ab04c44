//! Where a study stands: its sessions in a folder, each counted, declined or a technical
//! abort, and the counts assignment and `mvx study status` read.
//!
//! Counted: a complete session, or a partial one in which the participant ended at least
//! one task themselves (a success, a failure, a give-up, a timeout). Not counted: a
//! declined consent, and a technical abort (ended by the researcher, a signal or a cut
//! before the participant ended any task), whose participant's slot is given again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::session::{self, Session, SessionEnding, SessionOutcome};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Counted,
    Declined,
    TechnicalAbort,
}

/// One session of the study, as progress counts it.
#[derive(Debug, Clone, Serialize)]
pub struct Seen {
    pub path: Option<PathBuf>,
    pub participant: String,
    pub variant: String,
    pub slot: u32,
    pub order: Vec<String>,
    pub standing: Standing,
    /// Reached its end (not cut off, not aborted): a resume is not needed.
    pub complete: bool,
    pub started_at: String,
}

/// Every session of one study found, in file order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Progress {
    pub sessions: Vec<Seen>,
    /// Files that could not be read, with why.
    pub unreadable: Vec<String>,
    /// Sessions `mvx simulate --sessions` made up, left out: nobody took part in them,
    /// so they take no one's place in assignment, balance or status.
    pub simulated_left_out: usize,
}

/// How the session counts.
pub fn standing(session: &Session) -> Standing {
    if session.declined() {
        return Standing::Declined;
    }
    match session.technical_abort() {
        true => Standing::TechnicalAbort,
        false => Standing::Counted,
    }
}

impl Progress {
    /// The sessions among `sessions` that belong to study `id`.
    pub fn of(id: &str, sessions: impl IntoIterator<Item = Session>) -> Progress {
        let mut progress = Progress::default();
        for session in sessions {
            progress.add(id, &session);
        }
        progress
    }

    /// Reads every session file under `dir`; a folder that does not exist yet holds none.
    /// Simulated sessions are left out (and counted as such): they are no one.
    pub fn read(id: &str, dir: &Path) -> Progress {
        Progress::reading(id, dir, false)
    }

    /// As [`Progress::read`], simulated sessions included: `mvx simulate --sessions`
    /// assigns its made-up participants among those it made before.
    pub fn read_with_simulated(id: &str, dir: &Path) -> Progress {
        Progress::reading(id, dir, true)
    }

    fn reading(id: &str, dir: &Path, simulated: bool) -> Progress {
        let mut progress = Progress::default();
        if !dir.exists() {
            return progress;
        }
        let (files, problems) = session::discover(&[dir.to_owned()]);
        progress.unreadable = problems;
        session::for_each(&files, |path, read| match read {
            Ok(session) if session.header.simulated && !simulated => {
                let of_study = session.header.study.as_ref().is_some_and(|s| s.id == id);
                progress.simulated_left_out += usize::from(of_study);
            }
            Ok(session) => progress.add(id, &session),
            Err(e) => progress.unreadable.push(format!(
                "{}: {e}",
                crate::text::printable(&path.display().to_string())
            )),
        });
        progress
    }

    fn add(&mut self, id: &str, session: &Session) {
        let Some(study) = session.header.study.as_ref().filter(|s| s.id == id) else {
            return;
        };
        self.sessions.push(Seen {
            path: session.path.clone(),
            participant: session.header.participant.clone(),
            variant: study.variant.clone(),
            slot: study.slot,
            order: study.order.clone(),
            standing: standing(session),
            complete: session.ending() == SessionEnding::Ended(SessionOutcome::Complete),
            started_at: session.header.started_at.clone(),
        });
    }

    fn of_variant<'a>(&'a self, variant: &'a str) -> impl Iterator<Item = &'a Seen> + 'a {
        self.sessions.iter().filter(move |s| s.variant == variant)
    }

    /// Participants counted for `variant` (a participant seen twice counts once).
    pub fn counted(&self, variant: &str) -> usize {
        self.of_variant(variant)
            .filter(|s| s.standing == Standing::Counted)
            .map(|s| s.participant.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// Participants counted in the whole study.
    pub fn participants(&self) -> usize {
        self.sessions
            .iter()
            .filter(|s| s.standing == Standing::Counted)
            .map(|s| s.participant.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    }

    pub fn declined(&self, variant: &str) -> usize {
        self.of_variant(variant)
            .filter(|s| s.standing == Standing::Declined)
            .count()
    }

    pub fn technical_aborts(&self, variant: &str) -> usize {
        self.of_variant(variant)
            .filter(|s| s.standing == Standing::TechnicalAbort)
            .count()
    }

    /// Participants with more than one counted session of the same variant, or (in a
    /// between study) counted in more than one variant: reports count their first.
    pub fn seen_twice(&self, within: bool) -> Vec<String> {
        let mut seen: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for s in self
            .sessions
            .iter()
            .filter(|s| s.standing == Standing::Counted)
        {
            seen.entry(&s.participant).or_default().push(&s.variant);
        }
        seen.into_iter()
            .filter(|(_, variants)| {
                let distinct: BTreeSet<&&str> = variants.iter().collect();
                distinct.len() < variants.len() || (!within && distinct.len() > 1)
            })
            .map(|(p, _)| p.to_owned())
            .collect()
    }
}
