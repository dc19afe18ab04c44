//! A participant's part as a task on the server's threads: the clock estimated from the
//! opening pings, their plan (the flow, their assignment in the study, or a returning
//! participant's next trial), then the one participant routine over the browser
//! transport. A session waiting for its page holds no thread: a thousand participants
//! are a thousand tasks on the server's two threads.
#![allow(clippy::disallowed_methods)] // the shell: it stamps the session's start

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Instant;

use super::clock::{ClockSync, Sample};
use super::ended::{Ended, Then, ended};
use super::protocol::ToPage;
pub use super::record::{Client, Opening};
use super::record::{Desk, off_the_loop};
use super::room::{Content, Room};
use super::study::ServedStudy;
use super::transport::{Inbound, Inbox, Inboxed, WebTransport, inbox};
use crate::study::participant::{Participant, Plan};
use crate::study::returns;
use chrono::Utc;
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
    // The seat holds the session before it runs: one that ends at once (a participant
    // too early) leaves the seat as it found it, not holding a session that is gone.
    room.update(index, |seat| seat.session = Some(sender.clone()));
    let task_room = Arc::clone(room);
    let task = tokio::spawn(async move { run(&task_room, index, opening, inbound).await });
    room.update(index, |seat| seat.task = Some(task));
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
    let (ended, began) = match plan(room, index, &opening.client) {
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
            let played = participant.run(&mut desk, &mut transport).await;
            let invitation = played.as_ref().ok().and_then(|p| p.invitation.clone());
            (ended(played).returning(invitation.as_ref()), true)
        }
        Err(ended) => (ended, false),
    };
    // The seat is left as its link opens next before the page hears the last words, so
    // a page opened the moment they arrive finds it so.
    let (words, when) = (ended.words(&opening.client), ended.when.clone());
    close(room, index, ended, began);
    transport.end_with(&words, when);
}

/// Tells the researcher how the visit of seat `index` ended (`began`: its plan was made),
/// and leaves the seat as its link opens next.
fn close(room: &Room, index: usize, ended: Ended, began: bool) {
    let participant = room.participant(index);
    // A visit whose plan was made starts with no file: the path is this visit's.
    let path = room.path(index).filter(|_| began);
    // Nothing recorded: the link opens as it did before this visit.
    if ended.then == Then::Again && path.is_none() {
        room.notice(format!("{participant:<8} {}", ended.why));
        room.update(index, |seat| {
            seat.session = None;
            seat.task = None;
            if began {
                seat.assignment = None;
            }
        });
        return;
    }
    let place = path
        .map(|p| format!(" ({})", p.display()))
        .unwrap_or_default();
    room.notice(format!("{participant:<8} finished: {}{place}", ended.why));
    // The page's connection says when it is gone, once it has sent the last words.
    room.update(index, |seat| {
        seat.ended = Some(ended.why);
        seat.comes_back = ended.then == Then::Next;
    });
}

/// What seat `index` plays: the served flow, or their part of the served study.
fn plan<'r>(room: &'r Room, index: usize, client: &Client) -> Result<Cow<'r, Plan>, Ended> {
    match &room.served.content {
        Content::Flow(plan) => Ok(Cow::Borrowed(plan)),
        Content::Study(study) => study_plan(room, index, study, client).map(Cow::Owned),
    }
}

/// Seat `index`'s part of the study: in a study with returns, a returning participant's
/// next trial as `mvx play --participant` plays it (no consent, no new slot), or why
/// not now; else their assignment, made when their link first opens.
fn study_plan(
    room: &Room,
    index: usize,
    study: &ServedStudy,
    client: &Client,
) -> Result<Plan, Ended> {
    let now_ms = Utc::now().timestamp_millis();
    let participant = room.participant(index);
    let sessions = &room.served.sessions;
    let back = off_the_loop(|| study.returning(sessions, &participant, now_ms))
        .map_err(|no| Ended::not_yet(&no, client))?;
    let (assignment, visit) = match back {
        Some(back) => (back.assignment, Some(back.visit)),
        None => {
            let assignment = room.assign(index, study).map_err(|no| match no.full {
                true => Ended::full(no.why),
                false => Ended::refused(no.why),
            })?;
            let playable = study.opened.playable();
            let visit = playable.and_then(|(s, _)| returns::first_visit(s, now_ms));
            (assignment, visit)
        }
    };
    room.begin(
        index,
        &assignment,
        visit.as_ref().map(|v| (v.trial, v.trials)),
    );
    let written = study.path.display().to_string();
    Plan::study(&study.opened, &written, &assignment)
        .map(|plan| plan.with_visit(visit))
        .map_err(Ended::refused)
}
