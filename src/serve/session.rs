//! A participant's part as a task on the server's threads: the clock estimated from the
//! opening pings, their plan (the flow, or their assignment in the study), then the one
//! participant routine over the browser transport. A session waiting for its page holds
//! no thread: a thousand participants are a thousand tasks on the server's two threads.
#![allow(clippy::disallowed_methods)] // the shell: it stamps the session's start

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Instant;

use super::clock::{ClockSync, Sample};
use super::protocol::ToPage;
pub use super::record::{Client, Opening};
use super::record::{Desk, Ended, ended};
use super::room::{Content, Room};
use super::transport::{Inbound, Inbox, Inboxed, WebTransport, inbox};
use crate::study::participant::{Participant, Plan};
use tokio::sync::mpsc::UnboundedSender;

/// Starts the session of seat `index` as a task, its frames going to `out`; returns
/// where its input goes. The session holds the only sender of frames: when it lets go of
/// the page (it overran), the connection's task sees the channel close and closes too.
pub fn start(
    room: &Arc<Room>,
    index: usize,
    out: UnboundedSender<ToPage>,
    opening: Opening,
) -> Inbox {
    let (sender, inbound) = inbox();
    let _ = sender.try_send(Inbound::Connected {
        out,
        cols: opening.cols,
        rows: opening.rows,
    });
    let task_room = Arc::clone(room);
    let task = tokio::spawn(async move { run(&task_room, index, opening, inbound).await });
    room.update(index, |seat| {
        seat.session = Some(sender.clone());
        seat.task = Some(task);
    });
    sender
}

async fn run(room: &Room, index: usize, opening: Opening, inbound: Inboxed) {
    let start = Instant::now();
    let mut sync = ClockSync::default();
    for (sent, received, browser_ms) in &opening.pongs {
        sync.add(Sample {
            sent_ms: WebTransport::ms_since_start(start, *sent),
            received_ms: WebTransport::ms_since_start(start, *received),
            browser_ms: *browser_ms,
        });
    }
    let mut transport = WebTransport::new(inbound, start, sync, room.served.resume_within);
    let ended = match plan(room, index) {
        Ok(plan) => {
            let participant = Participant {
                id: room.participant(index),
                researcher: room.served.researcher.clone(),
                plan: &plan,
            };
            let mut desk = Desk {
                room,
                index,
                opening: &opening,
                restamped: Arc::clone(&transport.restamped),
            };
            ended(participant.run(&mut desk, &mut transport).await)
        }
        Err(ended) => ended,
    };
    transport.end(&ended.words(&opening.client));
    let participant = room.participant(index);
    let path = room.path(index);
    // Only a link whose session never wrote a file may start afresh.
    if ended.keep_link && path.is_none() {
        room.notice(format!(
            "{participant:<8} could not start: {}; the link may be opened again",
            ended.why
        ));
        room.update(index, |seat| {
            seat.session = None;
            seat.task = None;
            seat.assignment = None;
        });
        return;
    }
    let place = path
        .map(|p| format!(" ({})", p.display()))
        .unwrap_or_default();
    room.notice(format!("{participant:<8} finished: {}{place}", ended.why));
    // The page's connection says when it is gone, once it has sent the last words.
    room.update(index, |seat| seat.ended = Some(ended.why));
}

/// What seat `index` plays: the served flow, or their part of the served study, assigned
/// when their link first opens.
fn plan(room: &Room, index: usize) -> Result<Cow<'_, Plan>, Ended> {
    match &room.served.content {
        Content::Flow(plan) => Ok(Cow::Borrowed(plan)),
        Content::Study(study) => {
            let assignment = room.assign(index, study).map_err(|no| match no.full {
                true => Ended::full(no.why),
                false => Ended::refused(no.why),
            })?;
            let written = study.path.display().to_string();
            Plan::study(&study.opened, &written, &assignment)
                .map(Cow::Owned)
                .map_err(Ended::refused)
        }
    }
}
