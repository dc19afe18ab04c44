//! `mvx play`: a participant plays a flow while every choice and hesitation is recorded.
#![allow(clippy::disallowed_methods)] // the shell: it stamps session start, keys and frames

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{Local, SecondsFormat, Utc};

pub mod resume;
pub mod study;

use crate::flow::{self, Flow};
use crate::runner::{self, Stop, session::PlaySession};
use crate::session::{FlowRef, Header, SCHEMA, SessionOutcome, SessionWriter, TerminalInfo, ids};
use crate::tui::screen;
use crate::tui::terminal::Terminal;

/// Crash tests set this to make a session panic after so many milliseconds, to prove
/// that a panic leaves a loadable session file and a working terminal.
const PANIC_AFTER_MS: &str = "MVX_TEST_PANIC_AFTER_MS";

#[derive(Debug, Clone)]
pub struct PlayOptions {
    pub flow: PathBuf,
    pub participant: Option<String>,
    pub researcher: Option<String>,
    pub sessions: PathBuf,
}

/// How a session ended, for the command's message and exit code.
#[derive(Debug)]
pub struct Played {
    pub path: PathBuf,
    pub outcome: SessionOutcome,
    /// What ended the session at once (a signal, a closed terminal), if anything did.
    pub stopped: Option<Stop>,
}

/// Why a session could not start or go on.
#[derive(Debug)]
pub enum NotStarted {
    /// A message: bad arguments, an unreadable file, or a terminal or disk that failed
    /// (in which case the session file holds everything recorded until then).
    Usage(String),
    /// The flow has errors: already rendered, ready to print.
    Flow(String),
}

/// Loads and checks the flow, then plays it full-screen until the participant closes the
/// final screen, the researcher ends the session, or a signal arrives.
pub fn run(options: &PlayOptions) -> Result<Played, NotStarted> {
    let participant = match &options.participant {
        Some(id) => valid_id(id, "--participant")?,
        None => ids::participant(),
    };
    let researcher = options
        .researcher
        .as_deref()
        .map(|r| valid_id(r, "--researcher"))
        .transpose()?;
    let (flow, sha256) = load_playable(&options.flow)?;
    // The terminal first: if it cannot be used, no session file is left behind. It is
    // given back before any error is shown.
    screen::run_with(|terminal| {
        let header = header(
            &options.flow,
            &sha256,
            &flow,
            participant,
            researcher,
            terminal,
        );
        let writer = SessionWriter::create(&options.sessions, &header, Utc::now())
            .map_err(|e| cannot_create(&options.sessions, &e))?;
        let saved_to = writer.path().display().to_string();
        let path = writer.path().to_owned();
        let mut session = PlaySession::new(&flow, writer, saved_to);
        session.panic_after = std::env::var(PANIC_AFTER_MS)
            .ok()
            .and_then(|v| v.parse().ok())
            .map(Duration::from_millis);
        runner::run(&mut session, terminal)?;
        Ok(Played {
            path,
            outcome: session.outcome(),
            stopped: session.stopped,
        })
    })
    .map_err(NotStarted::Usage)
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

/// The flow and its sha256, if nothing found in it is an error; else every error, rendered.
fn load_playable(path: &Path) -> Result<(Flow, String), NotStarted> {
    let opened = flow::open(path).map_err(|e| NotStarted::Usage(e.to_string()))?;
    opened.playable().map_err(NotStarted::Flow)
}

fn header(
    path: &Path,
    sha256: &str,
    flow: &Flow,
    participant: String,
    researcher: Option<String>,
    terminal: &Terminal,
) -> Header {
    let started = Local::now();
    let (cols, rows) = terminal.size();
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    Header {
        study: None,
        schema: SCHEMA.into(),
        session: format!(
            "{}-{}",
            started.format("%Y%m%d%H%M%S"),
            ids::random_suffix(8)
        ),
        flow: FlowRef::of(flow, &path.display().to_string(), sha256),
        participant,
        researcher,
        started_at: started.to_rfc3339_opts(SecondsFormat::Millis, false),
        terminal: TerminalInfo {
            cols,
            rows,
            term: env("TERM"),
            program: env("TERM_PROGRAM"),
            tmux: env("TMUX").is_some(),
            ssh: env("SSH_CONNECTION").is_some() || env("SSH_TTY").is_some(),
        },
        transport: None,
        mvx: env!("CARGO_PKG_VERSION").into(),
        simulated: false,
    }
}

/// Participant and researcher ids end up in file names and reports.
fn valid_id(id: &str, flag: &str) -> Result<String, NotStarted> {
    ids::valid(id, flag).map_err(NotStarted::Usage)
}
