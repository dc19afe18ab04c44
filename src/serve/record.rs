//! One session file of a served participant: its header with the browser's transport
//! block, the consent's event, then the same screen loop as `mvx play`.
#![allow(clippy::disallowed_methods)] // the shell: it stamps the session's start

use std::time::{Duration, Instant};

use chrono::{DateTime, Local, SecondsFormat, Utc};
use tokio::sync::mpsc::UnboundedSender;

use super::clock::{ClockSync, round};
use super::protocol::ToPage;
use super::room::Room;
use super::transport::WebTransport;
use crate::flow::Flow;
use crate::runner::shifted::Shifted;
use crate::runner::{self, session::PlaySession, session::Recorder, session::Unrecorded};
use crate::session::{
    Event, EventKind, FlowRef, Header, SCHEMA, SessionOutcome, SessionWriter, TerminalInfo,
    TransportInfo, ids,
};
use crate::study::part::Consent;

/// What the page said before its session starts.
pub struct Opening {
    pub out: UnboundedSender<ToPage>,
    pub cols: u16,
    pub rows: u16,
    pub user_agent: String,
    /// Round trips measured while connecting: sent, received, the browser's time.
    pub pongs: Vec<(Instant, Instant, f64)>,
}

/// What the closing screen says about where the file went: not the server's paths.
const SAVED_TO: &str = "the researcher's computer";

/// How a participant's part ended: for the researcher, and for the page.
pub struct Ended {
    pub why: String,
    pub text: &'static str,
}

impl Ended {
    /// No session could start: the researcher is told why, the participant to ask.
    pub fn refused(why: String) -> Ended {
        Ended {
            why,
            text: "The session could not start. Please tell the researcher.",
        }
    }

    pub fn stopped(why: String) -> Ended {
        Ended {
            why,
            text: "The session stopped. Please tell the researcher.",
        }
    }

    pub fn complete(&self) -> bool {
        self.why == "complete"
    }
}

/// Creates the session file of `header` (with the consent's event, if any), or says why not.
fn writer(
    room: &Room,
    index: usize,
    header: &Header,
    consent: Option<&Consent>,
) -> Result<SessionWriter, Ended> {
    let refused = |e: String| Ended::refused(format!("cannot create a session file: {e}"));
    let mut writer = SessionWriter::create(&room.served.sessions, header, Utc::now())
        .map_err(|e| refused(e.to_string()))?;
    if let Some(consent) = consent {
        writer
            .append(&consent.event())
            .map_err(|e| refused(e.to_string()))?;
    }
    let path = writer.path().to_owned();
    room.notice(format!(
        "{:<8} started: {}",
        header.participant,
        path.display()
    ));
    room.update(index, |seat| seat.path = Some(path));
    Ok(writer)
}

/// A declined consent: its session file holds the header and the answer, as `mvx play` writes it.
pub fn declined(room: &Room, index: usize, header: &Header, consent: Option<&Consent>) -> Ended {
    match writer(room, index, header, consent) {
        Ok(_) => Ended {
            why: "declined".into(),
            text: "Thank you. Nothing more will be recorded; you may close this page.",
        },
        Err(ended) => ended,
    }
}

/// One session of `flow` over the browser, from `origin` on the transport's clock.
pub fn play(
    room: &Room,
    index: usize,
    transport: &mut WebTransport,
    flow: &Flow,
    header: &Header,
    consent: Option<&Consent>,
    origin: Duration,
) -> Ended {
    let writer = match writer(room, index, header, consent) {
        Ok(writer) => writer,
        Err(ended) => return ended,
    };
    let recorder = Watched {
        writer,
        room,
        index,
    };
    let mut session = PlaySession::new(flow, recorder, SAVED_TO.into());
    session.researcher_keys = false;
    let mut shifted = Shifted {
        inner: transport,
        origin,
        base: Duration::ZERO,
    };
    let result = runner::run(&mut session, &mut shifted);
    match (&result, session.outcome()) {
        (Err(e), _) => Ended::stopped(format!("stopped: {e}")),
        (Ok(()), SessionOutcome::Complete) => Ended {
            why: "complete".into(),
            text: "Thank you! You may close this page.",
        },
        (Ok(()), SessionOutcome::Aborted) => Ended {
            why: "aborted".into(),
            text: "The session has ended. You may close this page.",
        },
    }
}

/// The header of a served session: the local terminal block gives way to the browser's.
pub fn header(
    room: &Room,
    index: usize,
    opening: &Opening,
    sync: &ClockSync,
    flow: FlowRef,
    started: DateTime<Local>,
) -> Header {
    Header {
        schema: SCHEMA.into(),
        session: format!(
            "{}-{}",
            started.format("%Y%m%d%H%M%S"),
            ids::random_suffix(8)
        ),
        flow,
        participant: room.participant(index),
        researcher: room.served.researcher.clone(),
        started_at: started.to_rfc3339_opts(SecondsFormat::Millis, false),
        terminal: TerminalInfo {
            cols: opening.cols,
            rows: opening.rows,
            term: Some("xterm.js".into()),
            program: None,
            tmux: false,
            ssh: false,
        },
        transport: Some(TransportInfo {
            kind: "web".into(),
            user_agent: opening.user_agent.clone(),
            rtt_ms: sync.round_trips(),
            clock_offset_ms: round(sync.offset_ms()),
        }),
        mvx: env!("CARGO_PKG_VERSION").into(),
        simulated: false,
        study: None,
    }
}

/// The session file, and the researcher told where the participant is.
struct Watched<'r> {
    writer: SessionWriter,
    room: &'r Room,
    index: usize,
}

impl Recorder for Watched<'_> {
    fn record(&mut self, event: &Event) -> Result<(), Unrecorded> {
        self.writer.record(event)?;
        let at = match &event.kind {
            EventKind::Show { step } => step,
            EventKind::Ask { question } => question,
            EventKind::Disconnect => {
                let who = self.room.participant(self.index);
                self.room.notice(format!("{who:<8} disconnected"));
                return Ok(());
            }
            EventKind::Resume { .. } => {
                let who = self.room.participant(self.index);
                self.room.notice(format!("{who:<8} back"));
                return Ok(());
            }
            _ => return Ok(()),
        };
        let who = self.room.participant(self.index);
        self.room.notice(format!("{who:<8} on {at}"));
        let at = at.clone();
        self.room.update(self.index, |seat| seat.at = Some(at));
        Ok(())
    }
}
