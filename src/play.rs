//! `mvx play`: a participant plays a flow, or their part of a study, in this terminal
//! while every choice and hesitation is recorded.
#![allow(clippy::disallowed_methods)] // the shell: it stamps session start, keys and frames

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Local, Utc};

pub mod resume;

use crate::runner::{self, session::PlaySession};
use crate::session::{Header, SessionWriter, TerminalInfo, TransportInfo, ids};
use crate::study::assign::Request;
use crate::study::participant::{Participant, Place, Plan};
use crate::study::reserve::{self, Reservation};
use crate::study::returns;
use crate::study::{self, Opened};
use crate::tui::screen;
use crate::tui::terminal::Terminal;

/// Crash tests set this to make a session panic after so many milliseconds, to prove
/// that a panic leaves a loadable session file and a working terminal.
const PANIC_AFTER_MS: &str = "MVX_TEST_PANIC_AFTER_MS";

#[derive(Debug, Clone)]
pub struct PlayOptions {
    /// A flow or a study.
    pub flow: PathBuf,
    pub participant: Option<String>,
    pub researcher: Option<String>,
    pub sessions: PathBuf,
    /// A study's variant chosen by hand, its participants beyond the target, the seed
    /// of its assignment: for study files only.
    pub variant: Option<String>,
    pub over_target: bool,
    pub seed: Option<u64>,
    /// A returning participant's session played before it opens (docs/returns.md).
    pub early: bool,
}

pub use crate::study::participant::{Part, Played};

/// Why a session could not start or go on.
#[derive(Debug)]
pub enum NotStarted {
    /// A message: bad arguments, an unreadable file, or a terminal or disk that failed
    /// (in which case the session file holds everything recorded until then).
    Usage(String),
    /// The flow has errors: already rendered, ready to print.
    Flow(String),
}

/// Opens the flow or study, makes the participant's plan (a study's next assignment),
/// then plays it full-screen: the consent, each session until the participant closes its
/// final screen, the researcher ends it, or a signal arrives.
pub fn run(options: &PlayOptions) -> Result<Part, NotStarted> {
    let participant = match &options.participant {
        Some(id) => valid_id(id, "--participant")?,
        None => ids::participant(),
    };
    let researcher = options
        .researcher
        .as_deref()
        .map(|r| valid_id(r, "--researcher"))
        .transpose()?;
    // A study's place is held against other processes until the participant is done.
    let (plan, _reservation) = plan(options, &participant)?;
    // Before anyone sits down: a codebook beside the study or flow that cannot be used
    // would let the researcher's #tags through unchecked.
    if let Some(problem) = (plan.sessions.iter()).find_map(|p| p.codebook_tags().err()) {
        return Err(NotStarted::Flow(format!(
            "mvx: {}",
            crate::codebook::unusable(&problem)
        )));
    }
    let mut desk = Desk {
        sessions: &options.sessions,
        panic_after: std::env::var(PANIC_AFTER_MS)
            .ok()
            .and_then(|v| v.parse().ok())
            .map(Duration::from_millis),
    };
    let who = Participant {
        id: participant,
        researcher,
        plan: &plan,
    };
    // The terminal first: if it cannot be used, no session file is left behind. It is
    // given back before any error is shown.
    screen::run_with(|terminal| {
        // A participant may click what they would press (docs/serve.md, "Pointer and touch").
        terminal.capture_mouse()?;
        runner::block_on(who.run(&mut desk, terminal)).map_err(|failed| failed.message())
    })
    .map_err(NotStarted::Usage)
}

/// The one place `mvx play` decides "flow or study": a flow is a plan of one session, a
/// study's plan is its next participant's assignment.
fn plan(
    options: &PlayOptions,
    participant: &str,
) -> Result<(Plan, Option<Reservation>), NotStarted> {
    let for_studies =
        options.variant.is_some() || options.over_target || options.seed.is_some() || options.early;
    let only_studies = || {
        NotStarted::Usage("--variant, --over-target, --seed and --early are for study files".into())
    };
    match study::open_any(&options.flow) {
        Err(_) | Ok(Opened::Flow(_)) if for_studies => Err(only_studies()),
        Err(e) => Err(NotStarted::Usage(e.to_string())),
        Ok(Opened::Flow(opened)) => {
            let (flow, sha256) = opened.playable().map_err(NotStarted::Flow)?;
            let plan = Plan::flow(flow, &options.flow.display().to_string(), &sha256);
            Ok((plan, None))
        }
        Ok(Opened::Study(opened)) => study_plan(options, &opened, participant),
    }
}

/// The participant's plan in the study: a returning participant's next trial
/// (`study::returns`), or a new participant's assignment, as the sessions folder and the
/// participants other processes are playing now count them (`study::reserve`), with the
/// reservation that holds its place.
fn study_plan(
    options: &PlayOptions,
    opened: &study::OpenedStudy,
    participant: &str,
) -> Result<(Plan, Option<Reservation>), NotStarted> {
    if let Some(refusal) = opened.refusal() {
        return Err(NotStarted::Flow(refusal));
    }
    let Some(playable) = opened.playable() else {
        return Err(NotStarted::Usage("the study has errors".into()));
    };
    let written = options.flow.display().to_string();
    let now_ms = Utc::now().timestamp_millis();
    // A participant named again in a study with returns comes back for their next trial.
    if let Some(participant) = options
        .participant
        .as_deref()
        .filter(|_| playable.0.returns.any())
    {
        let history = returns::History::read(&playable.0.id, &options.sessions, participant, false);
        let back = returns::next(playable.0, participant, &history, now_ms, options.early)
            .map_err(|e| NotStarted::Usage(e.to_string()))?;
        if let Some(back) = back {
            if options.variant.is_some() || options.over_target || options.seed.is_some() {
                return Err(NotStarted::Usage(format!(
                    "{participant} comes back for session {} with the variant and order of their first; leave out --variant, --over-target and --seed",
                    back.visit.trial
                )));
            }
            let plan =
                Plan::study(opened, &written, &back.assignment).map_err(NotStarted::Usage)?;
            return Ok((plan.with_visit(Some(back.visit)), None));
        }
    } else if options.early {
        return Err(NotStarted::Usage(
            "--early plays a returning participant's next session: name them with --participant"
                .into(),
        ));
    }
    let request = Request {
        variant: options.variant.clone(),
        seed: options.seed.unwrap_or_else(|| fastrand::u64(..)),
        over_target: options.over_target,
    };
    let (assignment, reservation) =
        reserve::next(playable, &options.sessions, participant, &request, &[])
            .map_err(|e| NotStarted::Usage(e.to_string()))?;
    let plan = Plan::study(opened, &written, &assignment).map_err(NotStarted::Usage)?;
    let visit = returns::first_visit(playable.0, now_ms);
    Ok((plan.with_visit(visit), Some(reservation)))
}

/// The local terminal as the place a participant plays: session files in `--sessions`.
struct Desk<'o> {
    sessions: &'o Path,
    panic_after: Option<Duration>,
}

impl Place<Terminal> for Desk<'_> {
    type Recorder = SessionWriter;

    fn now(&self, terminal: &Terminal) -> (Duration, DateTime<Local>) {
        (terminal.now(), Local::now())
    }

    fn seen(&self, terminal: &Terminal) -> (TerminalInfo, Option<TransportInfo>) {
        (terminal.info(), None)
    }

    fn create(&mut self, header: Header) -> Result<(SessionWriter, PathBuf), String> {
        let writer = SessionWriter::create(self.sessions, &header, Utc::now())
            .map_err(|e| cannot_create(self.sessions, &e))?;
        let path = writer.path().to_owned();
        Ok((writer, path))
    }

    fn prepare<'f>(&self, session: &mut PlaySession<'f, SessionWriter>, path: &Path) {
        session.saved_to = path.display().to_string();
        session.panic_after = self.panic_after;
    }
}

/// Why no session file could be made in `dir`, in words that say what to do.
fn cannot_create(dir: &Path, error: &std::io::Error) -> String {
    let shown = crate::text::printable(&dir.display().to_string());
    let not_a_folder = |p: &Path| p.exists() && !p.is_dir();
    if let Some(file) = dir.ancestors().find(|p| not_a_folder(p)) {
        let file = crate::text::printable(&file.display().to_string());
        return format!(
            "cannot keep sessions in {shown}: {file} is a file, not a folder; give --sessions a folder"
        );
    }
    match error.kind() {
        std::io::ErrorKind::PermissionDenied => {
            format!(
                "cannot create a session file in {shown}: permission denied; give --sessions a folder you may write in"
            )
        }
        _ if crate::session::is_full(error) => {
            format!(
                "cannot create a session file in {shown}: the disk is full ({error}); nothing was recorded"
            )
        }
        _ => format!("cannot create a session file in {shown}: {error}"),
    }
}

/// Participant and researcher ids end up in file names and reports.
fn valid_id(id: &str, flag: &str) -> Result<String, NotStarted> {
    ids::valid(id, flag).map_err(NotStarted::Usage)
}
