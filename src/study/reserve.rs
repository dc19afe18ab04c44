//! Assignment that holds across processes: two `mvx play STUDY` (or `serve` and `play`)
//! on one sessions folder never give the same variant and slot.
//!
//! A participant's session file exists only once they agree to the consent, and counts
//! only once they end a task, so the folder alone cannot say who is playing now. Each
//! assignment therefore leaves a reservation in the folder, `.mvx-playing/<study>-*.json`
//! (the participant, their variants, slot and order), and holds an exclusive `flock` on
//! it for as long as the participant plays. Assigning reads the folder and every
//! reservation still held (a held lock: its process is alive; a free one was left by a
//! process that ended, and is removed), counts those participants as playing, and writes
//! its own, all under a short exclusive lock on `.mvx-playing/assign.lock`: reading,
//! choosing and reserving are one step for every process on the machine.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use rustix::fs::{FlockOperation, flock};
use serde::{Deserialize, Serialize};

use super::Variant;
use super::assign::{self, Assignment, Request};
use super::progress::Progress;
use crate::flow::study::Study;

/// The folder of reservations, inside the sessions folder.
pub const FOLDER: &str = ".mvx-playing";

/// What a reservation file holds.
#[derive(Debug, Serialize, Deserialize)]
struct Reserved {
    study: String,
    participant: String,
    variants: Vec<String>,
    slot: u32,
    order: Vec<String>,
}

/// A participant's place in the study while they play: released (the file removed, the
/// lock let go) when dropped, and by the kernel if the process ends any other way.
#[derive(Debug)]
pub struct Reservation {
    path: PathBuf,
    _held: File,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Why no place was reserved: the study refused (full, a variant to name), or the
/// sessions folder could not hold the reservation.
#[derive(Debug)]
pub enum Unreserved {
    Refused(assign::Refusal),
    Folder(String),
}

impl std::fmt::Display for Unreserved {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Unreserved::Refused(refusal) => refusal.fmt(f),
            Unreserved::Folder(why) => f.write_str(why),
        }
    }
}

impl From<String> for Unreserved {
    fn from(why: String) -> Self {
        Unreserved::Folder(why)
    }
}

/// The next participant's assignment in `study`, given the sessions in `sessions` and
/// every participant playing now (reserved by any process, and `playing` here), and
/// the reservation that holds it while `participant` plays.
pub fn next(
    (study, variants): (&Study, &[Variant]),
    sessions: &Path,
    participant: &str,
    request: &Request,
    playing: &[(String, Assignment)],
) -> Result<(Assignment, Reservation), Unreserved> {
    let folder = sessions.join(FOLDER);
    std::fs::create_dir_all(&folder).map_err(|e| cannot(&folder, &e))?;
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(folder.join("assign.lock"))
        .map_err(|e| cannot(&folder, &e))?;
    // Held for a moment: reading the folder, choosing, writing the reservation.
    flock(&lock, FlockOperation::LockExclusive).map_err(|e| cannot(&folder, &e.into()))?;
    let mut progress = Progress::read(&study.id, sessions);
    let mut live = held(&folder, &study.id, true);
    live.extend(playing.iter().cloned());
    for (who, assignment) in &live {
        playing_now(&mut progress, who, assignment);
    }
    let assignment =
        assign::next(study, variants, &progress, request).map_err(Unreserved::Refused)?;
    let reservation =
        reserve(&folder, &study.id, participant, &assignment).map_err(|e| cannot(&folder, &e))?;
    Ok((assignment, reservation))
}

/// Counts a participant playing now as if their part were over: their slot is taken.
pub fn playing_now(progress: &mut Progress, participant: &str, assignment: &Assignment) {
    progress.playing_now(participant, &assignment.variants);
}

/// The participants of `study` playing now in any process on the sessions folder, as
/// `mvx study status` shows them: read only, nothing removed.
pub fn playing(sessions: &Path, study: &str) -> Vec<(String, Assignment)> {
    held(&sessions.join(FOLDER), study, false)
}

/// The participants whose reservations in `folder` for `study` are held now; a
/// reservation nobody holds (its process ended) is removed when `tidy`.
fn held(folder: &Path, study: &str, tidy: bool) -> Vec<(String, Assignment)> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut live = Vec::new();
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let Ok(mut file) = File::open(&path) else {
            continue;
        };
        if flock(&file, FlockOperation::NonBlockingLockShared).is_ok() {
            // Nobody holds it: left by a process that ended.
            if tidy {
                let _ = std::fs::remove_file(&path);
            }
            continue;
        }
        let mut text = String::new();
        // A reservation is a few hundred bytes; anything larger is not one.
        let read = (&mut file).take(64 * 1024).read_to_string(&mut text);
        let Some(reserved) = read
            .ok()
            .and_then(|_| serde_json::from_str::<Reserved>(&text).ok())
            .filter(|r| r.study == study)
        else {
            continue;
        };
        live.push((
            reserved.participant,
            Assignment {
                variants: reserved.variants,
                order: reserved.order,
                slot: reserved.slot,
                seed: 0,
            },
        ));
    }
    live
}

/// Writes and holds the reservation of `participant`'s `assignment`.
fn reserve(
    folder: &Path,
    study: &str,
    participant: &str,
    assignment: &Assignment,
) -> io::Result<Reservation> {
    let reserved = Reserved {
        study: study.to_owned(),
        participant: participant.to_owned(),
        variants: assignment.variants.clone(),
        slot: assignment.slot,
        order: assignment.order.clone(),
    };
    let json = serde_json::to_string(&reserved).map_err(io::Error::other)?;
    for _ in 0..100 {
        let name = format!(
            "{study}-{}-{:016x}.json",
            std::process::id(),
            fastrand::u64(..)
        );
        let path = folder.join(name);
        let mut file = match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        flock(&file, FlockOperation::LockExclusive)?;
        file.write_all(json.as_bytes())?;
        file.sync_data()?;
        return Ok(Reservation { path, _held: file });
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free name for a reservation",
    ))
}

fn cannot(folder: &Path, e: &io::Error) -> String {
    format!(
        "cannot keep the study's assignments in {}: {e}",
        crate::text::printable(&folder.display().to_string())
    )
}

#[cfg(test)]
mod tests;
