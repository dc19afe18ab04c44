//! Synthetic participants recorded as `mvx play` records a person: the same participant
//! routine (`study::participant`) over a [`Synthetic`] transport, into session files
//! marked `simulated`. A study's participant is assigned and ordered exactly as `mvx play
//! STUDY.yaml` assigns the next one (the same `study::assign` over the same progress);
//! consent, when the study asks for it, is given after a hesitation.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Local, Utc};

use super::sessions::{Hesitation, Synthetic};
use crate::flow::study::Assign;
use crate::runner::{self, session::PlaySession};
use crate::session::{Header, SessionWriter, Started, TerminalInfo, TransportInfo};
use crate::study::OpenedStudy;
use crate::study::assign::{self, Request};
use crate::study::participant::{Participant, Place, Plan, Planned};
use crate::study::progress::Progress;

/// One synthetic participant: who, their session ids, their seed, how they walk.
#[derive(Debug, Clone)]
pub struct Made {
    /// `S01`, `S02`, ...
    pub participant: String,
    /// What every session id of theirs starts with; a study's adds the variant.
    pub ids: String,
    pub seed: u64,
    pub hesitation: Hesitation,
    pub max_moves: usize,
    /// How long their hesitations and keystrokes take, as a multiple of `hesitation`'s:
    /// 1 at a first visit, less on a return they have learned from (`simulate::returns`).
    pub pace: f64,
}

/// The next participant's plan in the study, given its `progress` so far: assigned as
/// `mvx play STUDY.yaml` would, except that a study that assigns by hand is assigned as
/// `balanced` would (there is no researcher to choose), and a full study goes on as
/// `--over-target` would: simulating N participants asks for N.
pub fn next_plan(opened: &OpenedStudy, progress: &Progress, seed: u64) -> Result<Plan, String> {
    let Some((study, variants)) = opened.playable() else {
        return Err("the study has errors".into());
    };
    let mut assigning = study.clone();
    if assigning.assign == Assign::Manual {
        assigning.assign = Assign::Balanced;
    }
    let request = Request {
        variant: None,
        seed,
        over_target: true,
    };
    let assignment =
        assign::next(&assigning, variants, progress, &request).map_err(|r| r.to_string())?;
    Plan::study(opened, &opened.path, &assignment)
}

/// Plays `plan` as `made` would, writing each session into `dir`; the first starts at
/// `started`, a later one when the one before it ended. Returns the files it wrote.
pub fn write(
    plan: &Plan,
    made: &Made,
    dir: &Path,
    started: DateTime<Utc>,
) -> Result<Vec<PathBuf>, String> {
    let mut rng = fastrand::Rng::with_seed(made.seed);
    write_drawing(plan, made, &mut rng, dir, started)
}

/// As [`write`], with every draw of the walk taken from `rng`.
pub fn write_drawing(
    plan: &Plan,
    made: &Made,
    rng: &mut fastrand::Rng,
    dir: &Path,
    started: DateTime<Utc>,
) -> Result<Vec<PathBuf>, String> {
    let transport = Synthetic::new(rng, &made.hesitation, made.max_moves);
    let mut transport = transport.paced(made.pace);
    let mut files = Files {
        dir,
        ids: &made.ids,
        started,
    };
    let participant = Participant {
        id: made.participant.clone(),
        researcher: None,
        plan,
    };
    let part =
        runner::block_on(participant.run(&mut files, &mut transport)).map_err(|f| f.message())?;
    let played = part.sessions.into_iter().map(|p| p.path);
    Ok(played.chain(part.declined).collect())
}

/// Where synthetic sessions go: files in `dir`, dated from `started` on the transport's
/// clock, on a plain 80x24 terminal.
struct Files<'a> {
    dir: &'a Path,
    ids: &'a str,
    started: DateTime<Utc>,
}

impl<'r> Place<Synthetic<'r>> for Files<'_> {
    type Recorder = SessionWriter;

    fn now(&self, transport: &Synthetic<'r>) -> (Duration, DateTime<Local>) {
        let at = transport.now();
        let since = chrono::Duration::from_std(at).unwrap_or_default();
        (at, (self.started + since).with_timezone(&Local))
    }

    fn seen(&self, _transport: &Synthetic<'r>) -> (TerminalInfo, Option<TransportInfo>) {
        let terminal = TerminalInfo::sized(80, 24);
        (terminal, None)
    }

    fn started(&self, wall: &DateTime<Local>, planned: &Planned) -> Started {
        let session = match &planned.study {
            Some(block) => format!("{}-{}", self.ids, block.variant),
            None => self.ids.to_owned(),
        };
        Started::simulated(session, &wall.with_timezone(&Utc))
    }

    fn create(&mut self, mut header: Header) -> Result<(SessionWriter, PathBuf), String> {
        header.simulated = true;
        let at = chrono::DateTime::parse_from_rfc3339(&header.started_at)
            .map_or(self.started, |t| t.with_timezone(&Utc));
        let writer = SessionWriter::create(self.dir, &header, at).map_err(|e| e.to_string())?;
        let path = writer.path().to_owned();
        Ok((writer, path))
    }

    fn prepare<'f>(&self, session: &mut PlaySession<'f, SessionWriter>, path: &Path) {
        session.saved_to = path.display().to_string();
    }
}
