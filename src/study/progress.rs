//! Where a study stands: its sessions in a folder, each counted, declined or a technical
//! abort, and the counts assignment and `mvx study status` read.
//!
//! Counted: a complete session, or a partial one in which the participant ended at least
//! one task themselves (a success, a failure, a give-up, a timeout). Not counted: a
//! declined consent, and a technical abort (ended by the researcher, a signal or a cut
//! before the participant ended any task), whose participant's slot is given again.
//!
//! No session is kept: per variant a few counts, and per session the 32-byte record of
//! who played which variant that the report's first-session index keeps
//! (`session::firsts`), in memory up to a budget, in sorted runs on disk past it; who
//! counts, and who was seen twice, is read from them when asked (`index.rs`).

mod index;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;

use crate::session::firsts::Places;
use crate::session::{self, Session};
use index::{Index, Resolved};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Counted,
    Declined,
    TechnicalAbort,
}

/// Every session of one study found, in file order, as counts and an index of who
/// played what. Clones share the sessions (and see those added to either); each has its
/// own participants playing now.
#[derive(Debug, Default)]
pub struct Progress {
    index: Arc<Mutex<Index>>,
    /// Participants playing now, and the variants each plays: counted as if done.
    playing: Vec<(String, String)>,
    /// The index read for the sessions and players as they were then.
    resolved: Mutex<Option<Arc<Resolved>>>,
    /// Files that could not be read, with why.
    pub unreadable: Vec<String>,
    /// Sessions `mvx simulate --sessions` made up, left out: nobody took part in them,
    /// so they take no one's place in assignment, balance or status.
    pub simulated_left_out: usize,
}

impl Clone for Progress {
    fn clone(&self) -> Self {
        Progress {
            index: Arc::clone(&self.index),
            playing: self.playing.clone(),
            resolved: Mutex::new(None),
            unreadable: self.unreadable.clone(),
            simulated_left_out: self.simulated_left_out,
        }
    }
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
    /// Holds `records` sessions' records and `bytes` of counted participants' names in
    /// memory before writing them to temporary files (tests force it with a few).
    pub fn with_budget(records: usize, bytes: usize) -> Progress {
        Progress {
            index: Arc::new(Mutex::new(Index::new(records, bytes))),
            ..Progress::default()
        }
    }

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
        // A later trial of a study with returns is a participant already counted.
        if study.visit.as_ref().is_some_and(|v| v.trial > 1) {
            return;
        }
        self.see(
            &session.header.participant,
            &study.variant,
            standing(session),
        );
    }

    /// Counts the next session of the study, in file order; returns its place among them.
    pub fn see(&mut self, participant: &str, variant: &str, standing: Standing) -> u64 {
        self.index().add(participant, variant, standing)
    }

    /// Counts a participant playing now as if their part were over: their slot is taken.
    pub fn playing_now(&mut self, participant: &str, variants: &[String]) {
        for variant in variants {
            self.playing.push((participant.to_owned(), variant.clone()));
        }
        *self.resolved.get_mut().unwrap_or_else(|e| e.into_inner()) = None;
    }

    fn index(&self) -> MutexGuard<'_, Index> {
        // A panic elsewhere while it was held leaves counts that are still counts.
        self.index.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Who counts, read from the index once for the sessions and players as they are.
    fn resolved(&self) -> Arc<Resolved> {
        let mut index = self.index();
        let mut cached = self.resolved.lock().unwrap_or_else(|e| e.into_inner());
        match &*cached {
            Some(resolved) if resolved.sessions == index.sessions() => Arc::clone(resolved),
            _ => {
                let resolved = Arc::new(index.resolve(&self.playing));
                *cached = Some(Arc::clone(&resolved));
                resolved
            }
        }
    }

    /// Participants counted for `variant` (a participant seen twice counts once).
    pub fn counted(&self, variant: &str) -> usize {
        self.resolved().counted(variant)
    }

    /// Counted sessions of `variant`, players' included (within: one per participant).
    pub fn counted_sessions(&self, variant: &str) -> usize {
        let playing = self.playing.iter().filter(|(_, v)| v == variant).count();
        self.index().counts(variant).counted + playing
    }

    /// Participants counted in the whole study.
    pub fn participants(&self) -> usize {
        self.resolved().participants
    }

    /// Everyone with a session of the study, however it counts.
    pub fn people(&self) -> usize {
        self.resolved().people
    }

    pub fn declined(&self, variant: &str) -> usize {
        self.index().counts(variant).declined
    }

    pub fn technical_aborts(&self, variant: &str) -> usize {
        self.index().counts(variant).technical_aborts
    }

    /// Participants with more than one counted session of the same variant, or (in a
    /// between study) counted in more than one variant: reports count their first.
    pub fn seen_twice(&self, within: bool) -> Vec<String> {
        self.resolved().twice[usize::from(within)].clone()
    }

    /// The places of the sessions that count: each participant's first counted session
    /// (between), or their first counted session of each variant (within).
    pub fn firsts(&self, within: bool) -> Places {
        self.resolved().firsts[usize::from(within)].clone()
    }

    /// Whether the index outgrew its budget and went to temporary files.
    pub fn on_disk(&self) -> bool {
        self.index().on_disk()
    }

    /// Something kept with the index could not be: say so with the counts.
    pub fn fail(&mut self, why: String) {
        self.index().fail(why);
    }

    /// Why the index of participants could not be kept or read, if it could not: the
    /// counts are then of the sessions it could keep.
    pub fn problem(&self) -> Option<String> {
        self.resolved().problem.clone()
    }
}

#[cfg(test)]
mod tests;
