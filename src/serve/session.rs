//! A participant's session on its own thread: the clock estimated from the opening
//! pings, then a flow's session or a study part over the browser transport.
#![allow(clippy::disallowed_methods)] // the shell: it stamps the session's start

use std::sync::Arc;
use std::sync::mpsc::{Sender, channel};
use std::time::{Duration, Instant};

use chrono::Local;

use super::clock::{ClockSync, Sample};
pub use super::record::Opening;
use super::record::{header, play};
use super::room::{Content, Room};
use super::transport::{Inbound, WebTransport};
use crate::session::FlowRef;

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
    let opened_at = Local::now();
    let mut sync = ClockSync::default();
    for (sent, received, browser_ms) in &opening.pongs {
        sync.add(Sample {
            sent_ms: WebTransport::ms_since_start(start, *sent),
            received_ms: WebTransport::ms_since_start(start, *received),
            browser_ms: *browser_ms,
        });
    }
    let mut transport = WebTransport::new(inbound, start, sync, room.served.resume_within);
    let ended = match &room.served.content {
        Content::Flow { flow, path, sha256 } => {
            let flow_ref = FlowRef::of(flow, &path.display().to_string(), sha256);
            let header = header(room, index, &opening, transport.sync(), flow_ref, opened_at);
            play(
                room,
                index,
                &mut transport,
                flow,
                &header,
                None,
                Duration::ZERO,
            )
        }
        Content::Study(study) => super::part::part(room, index, study, &opening, &mut transport),
    };
    transport.end(ended.text);
    let participant = room.participant(index);
    let path = room.path(index);
    let place = path
        .map(|p| format!(" ({})", p.display()))
        .unwrap_or_default();
    room.notice(format!("{participant:<8} finished: {}{place}", ended.why));
    // The page's connection says when it is gone, once it has sent the last words.
    room.update(index, |seat| seat.ended = Some(ended.why));
}
