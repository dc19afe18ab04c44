//! A participant's session on its own thread: the header once the page has answered a
//! few pings, then the same session as `mvx play` over the browser transport.
#![allow(clippy::disallowed_methods)] // the shell: it stamps the session's start

use std::sync::Arc;
use std::sync::mpsc::{Sender, channel};
use std::time::Instant;

use chrono::{Local, SecondsFormat, Utc};
use tokio::sync::mpsc::UnboundedSender;

use super::clock::{ClockSync, Sample, round};
use super::protocol::ToPage;
use super::room::Room;
use super::transport::{Inbound, WebTransport};
use crate::flow::Flow;
use crate::runner::{self, session::PlaySession, session::Recorder, session::Unrecorded};
use crate::session::{
    Event, EventKind, FlowRef, Header, SCHEMA, SessionOutcome, SessionWriter, TerminalInfo,
    TransportInfo, ids,
};

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

/// Starts the session of seat `index` on a thread; returns where its input goes.
pub fn start(room: &Arc<Room>, index: usize, opening: Opening) -> Sender<Inbound> {
    let (sender, inbound) = channel();
    let _ = sender.send(Inbound::Connected {
        out: opening.out.clone(),
        cols: opening.cols,
        rows: opening.rows,
    });
    let thread_room = Arc::clone(room);
    let thread = std::thread::spawn(move || run(&thread_room, index, opening, inbound));
    room.update(index, |seat| {
        seat.session = Some(sender.clone());
        seat.thread = Some(thread);
    });
    sender
}

fn run(room: &Room, index: usize, opening: Opening, inbound: std::sync::mpsc::Receiver<Inbound>) {
    let start = Instant::now();
    let mut sync = ClockSync::default();
    for (sent, received, browser_ms) in &opening.pongs {
        sync.add(Sample {
            sent_ms: WebTransport::ms_since_start(start, *sent),
            received_ms: WebTransport::ms_since_start(start, *received),
            browser_ms: *browser_ms,
        });
    }
    let participant = room.participant(index);
    let header = header(room, participant.clone(), &opening, &sync);
    let writer = match SessionWriter::create(&room.served.sessions, &header, Utc::now()) {
        Ok(writer) => writer,
        Err(e) => {
            let why = format!("cannot create a session file: {e}");
            let _ = opening.out.send(ToPage::End {
                text: "The session could not start. Please tell the researcher.".into(),
            });
            room.notice(format!("{participant:<8} {why}"));
            room.update(index, |seat| seat.ended = Some(why));
            return;
        }
    };
    let path = writer.path().to_owned();
    room.update(index, |seat| seat.path = Some(path.clone()));
    room.notice(format!("{participant:<8} started: {}", path.display()));
    let recorder = Watched {
        writer,
        room,
        index,
    };
    let mut session = PlaySession::new(&room.served.flow, recorder, SAVED_TO.into());
    session.researcher_keys = false;
    let mut transport = WebTransport::new(inbound, start, sync, room.served.resume_within);
    let result = runner::run(&mut session, &mut transport);
    let (ended, text) = match (&result, session.outcome()) {
        (Err(e), _) => (
            format!("stopped: {e}"),
            "The session stopped. Please tell the researcher.",
        ),
        (Ok(()), SessionOutcome::Complete) => {
            ("complete".into(), "Thank you! You may close this page.")
        }
        (Ok(()), SessionOutcome::Aborted) => (
            "aborted".into(),
            "The session has ended. You may close this page.",
        ),
    };
    transport.end(text);
    room.notice(format!(
        "{participant:<8} finished: {ended} ({})",
        path.display()
    ));
    room.update(index, |seat| {
        seat.ended = Some(ended);
        seat.connected = false;
    });
}

fn header(room: &Room, participant: String, opening: &Opening, sync: &ClockSync) -> Header {
    let started = Local::now();
    let served = &room.served;
    let flow: &Flow = &served.flow;
    Header {
        schema: SCHEMA.into(),
        session: format!(
            "{}-{}",
            started.format("%Y%m%d%H%M%S"),
            ids::random_suffix(8)
        ),
        flow: FlowRef::of(
            flow,
            &served.flow_path.display().to_string(),
            &served.sha256,
        ),
        participant,
        researcher: served.researcher.clone(),
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
