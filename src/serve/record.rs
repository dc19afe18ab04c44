//! Where a served participant plays: the header's browser blocks, session files in the
//! server's folder, the researcher told where each participant is.
#![allow(clippy::disallowed_methods)] // the shell: it stamps each session's start

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Local, Utc};

use super::clock::round;
use super::room::Room;
use super::transport::WebTransport;
use crate::runner::session::{PlaySession, Recorder, Unrecorded};
use crate::session::{
    Event, EventKind, Header, SessionOutcome, SessionWriter, TerminalInfo, TransportInfo,
};
use crate::study::participant::Place;

/// Who plays through the page.
pub enum Client {
    /// A browser, by its `User-Agent`.
    Browser { user_agent: String },
    /// A terminal over SSH (`mvx ssh`).
    Ssh {
        /// The client's version, as `SSH-2.0-OpenSSH_9.2p1`.
        version: String,
        /// The terminal's type, from its `pty-req`.
        term: String,
        /// Round trips to the client's SSH so far, in milliseconds.
        round_trips: Arc<std::sync::Mutex<Vec<f64>>>,
    },
}

/// What the page said before its session starts.
pub struct Opening {
    pub cols: u16,
    pub rows: u16,
    pub client: Client,
    /// Round trips measured while connecting: sent, received, the browser's time.
    pub pongs: Vec<(Instant, Instant, f64)>,
}

/// The field that flags an event whose browser stamp the server replaced with its own
/// receive time (docs/session-format.md).
pub const RESTAMPED: &str = "restamped";

/// What the closing screen says about where the file went: not the server's paths.
const SAVED_TO: &str = "the researcher's computer";

/// A participant's browser as the place they play: the header's blocks from the page
/// and the clock sync, session files in the server's folder, the researcher told.
pub struct Desk<'r> {
    pub room: &'r Room,
    pub index: usize,
    pub opening: &'r Opening,
    /// Set by the transport when it took its own time for an implausible browser stamp.
    pub restamped: Arc<AtomicBool>,
}

impl<'r> Place<WebTransport> for Desk<'r> {
    type Recorder = Watched<'r>;

    fn now(&self, transport: &WebTransport) -> (Duration, DateTime<Local>) {
        (transport.now(), Local::now())
    }

    fn seen(&self, transport: &WebTransport) -> (TerminalInfo, Option<TransportInfo>) {
        let sync = transport.sync();
        let mut terminal = TerminalInfo {
            cols: self.opening.cols,
            rows: self.opening.rows,
            term: Some("xterm.js".into()),
            program: None,
            tmux: false,
            ssh: false,
        };
        let transport = match &self.opening.client {
            Client::Browser { user_agent } => TransportInfo {
                kind: "web".into(),
                user_agent: user_agent.clone(),
                client: None,
                rtt_ms: sync.round_trips(),
                clock_offset_ms: round(sync.offset_ms()),
            },
            Client::Ssh {
                version,
                term,
                round_trips,
            } => {
                terminal.term = Some(term.clone());
                terminal.ssh = true;
                let trips = round_trips.lock().unwrap_or_else(|e| e.into_inner());
                TransportInfo {
                    kind: "ssh".into(),
                    user_agent: String::new(),
                    client: Some(version.clone()),
                    rtt_ms: super::clock::summed_up(trips.iter().copied()),
                    // Keys and frames are stamped by the server's own clock.
                    clock_offset_ms: 0.0,
                }
            }
        };
        (terminal, Some(transport))
    }

    fn create(&mut self, header: Header) -> Result<(Watched<'r>, PathBuf), String> {
        let sessions = &self.room.served.sessions;
        let writer = off_the_loop(|| SessionWriter::create(sessions, &header, Utc::now()))
            .map_err(|e| e.to_string())?;
        let path = writer.path().to_owned();
        let visit = (header.study.as_ref()).and_then(|s| s.visit.as_ref());
        let trial = visit
            .map(|v| format!(" (session {} of {})", v.trial, v.trials))
            .unwrap_or_default();
        self.room.notice(format!(
            "{:<8} started: {}{trial}",
            header.participant,
            path.display()
        ));
        let (seat_path, variant) = (path.clone(), header.flow.variant.clone());
        self.room.update(self.index, |seat| {
            seat.path = Some(seat_path);
            // A new session (a within study's next variant) times its steps afresh.
            let w = &mut seat.whereabouts;
            (w.variant, w.step, w.ended) = (variant, None, None);
        });
        let watched = Watched {
            writer,
            room: self.room,
            index: self.index,
            restamped: Arc::clone(&self.restamped),
        };
        Ok((watched, path))
    }

    fn prepare<'f>(&self, session: &mut PlaySession<'f, Watched<'r>>, _path: &Path) {
        session.saved_to = SAVED_TO.into();
        session.researcher_keys = false;
    }

    fn consenting(&mut self) {
        self.room.update(self.index, |seat| {
            seat.at = Some("consent".into());
            seat.whereabouts.consenting = true;
        });
    }
}

/// Runs `write`, which waits for the disk (a session file is synced at every event),
/// without holding up the other sessions and connections on this thread: the server's
/// threads are handed on while it waits (`tokio::task::block_in_place`). Elsewhere (a
/// test's single-threaded runtime, no runtime) it simply runs.
pub(super) fn off_the_loop<T>(write: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(write),
        _ => write(),
    }
}

/// The session file, and the researcher told where the participant is.
pub struct Watched<'r> {
    writer: SessionWriter,
    room: &'r Room,
    index: usize,
    restamped: Arc<AtomicBool>,
}

/// The events whose time or timing comes from a browser's stamps.
fn stamped(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Show { .. }
            | EventKind::Ask { .. }
            | EventKind::Choose { .. }
            | EventKind::Continue { .. }
            | EventKind::Input { .. }
            | EventKind::Back { .. }
            | EventKind::Answer { .. }
            | EventKind::EarlyKey { .. }
    )
}

impl Recorder for Watched<'_> {
    /// The researcher is told at once when a participant's window cannot show the
    /// session, and when it can again.
    fn window(&mut self, too_small: Option<(u16, u16)>) {
        let who = self.room.participant(self.index);
        match too_small {
            Some((cols, rows)) => {
                let words = format!("window too small ({cols}x{rows})");
                self.room.notice(format!("{who:<8} {words}"));
                let now = Instant::now();
                (self.room).whereabouts(self.index, |w| _ = w.too_small.get_or_insert(now));
            }
            None => {
                self.room
                    .notice(format!("{who:<8} window large enough again"));
                self.room.whereabouts(self.index, |w| w.too_small = None);
            }
        }
    }

    fn record(&mut self, event: &Event) -> Result<(), Unrecorded> {
        if stamped(&event.kind) && self.restamped.swap(false, Ordering::Relaxed) {
            self.writer.flag_next(RESTAMPED);
        }
        off_the_loop(|| self.writer.record(event))?;
        let at = match &event.kind {
            EventKind::Show { step } => step,
            EventKind::Ask { question } => question,
            // Over, whatever screen (the thanks) is still on: no step to be stuck on.
            EventKind::SessionEnd { outcome } => {
                let how = match outcome {
                    SessionOutcome::Complete => "complete",
                    SessionOutcome::Aborted => "aborted",
                };
                self.room.whereabouts(self.index, |w| {
                    (w.step, w.ended) = (None, Some(how.to_owned()));
                });
                return Ok(());
            }
            EventKind::Disconnect => {
                let who = self.room.participant(self.index);
                self.room.notice(format!("{who:<8} disconnected"));
                return Ok(());
            }
            EventKind::Resume { .. } => {
                let who = self.room.participant(self.index);
                self.room.notice(format!("{who:<8} back"));
                self.room.whereabouts(self.index, |w| w.away = None);
                return Ok(());
            }
            EventKind::Pause { reason } => {
                let why = match reason.as_deref() {
                    Some("hidden") => "away: the page's tab is hidden",
                    Some("blur") => "away: another window has the focus",
                    _ => return Ok(()),
                };
                let who = self.room.participant(self.index);
                self.room.notice(format!("{who:<8} {why}"));
                let now = Instant::now();
                self.room.whereabouts(self.index, |w| w.away = Some(now));
                return Ok(());
            }
            _ => return Ok(()),
        };
        let who = self.room.participant(self.index);
        self.room.notice(format!("{who:<8} on {at}"));
        self.room.arrive(self.index, at, Instant::now());
        Ok(())
    }
}
