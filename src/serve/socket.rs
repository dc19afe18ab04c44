//! One page's connection: the link claimed, a few pings to set the clocks, then what the
//! page says goes to its session and the session's frames to the page, stamped on the
//! way in. Pings go on every two seconds, to follow the clocks and to notice a page
//! that went away without a word.
//!
//! A page is whatever speaks the page's messages over a [`Link`]: a browser over its
//! WebSocket, or a terminal over SSH (`serve::ssh`), so both reach the same session,
//! its resume and its stop the same way.
#![allow(clippy::disallowed_methods)] // the shell: round trips are timed here

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::TrySendError;
use std::time::{Duration, Instant};

use axum::extract::ws::{Message, WebSocket};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tokio::time::{interval, timeout};

use super::protocol::{FromPage, ToPage};
use super::room::{Claim, Room};
use super::session::{self, Client, Opening};
use super::transport::{Inbound, Inbox};

/// Pings exchanged before the session starts; the header sums them up.
const OPENING_PINGS: u64 = 8;
const PING_EVERY: Duration = Duration::from_secs(2);
/// A page silent this long is gone, even if its connection never said so.
const SILENT_FOR: Duration = Duration::from_secs(15);
/// How long a page has to say its size, and to answer a ping while connecting.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// A page's connection: messages from the page, stamped as they arrived, and to it.
pub trait Link: Send {
    /// What the participant was given to come in, as they would call it: a `link`.
    const INVITATION: &'static str;

    /// The next message from the page; `None` once it is gone.
    fn receive(&mut self) -> impl Future<Output = Option<(FromPage, Instant)>> + Send;
    fn send(&mut self, message: &ToPage) -> impl Future<Output = Result<(), ()>> + Send;
    /// Closes the connection, the session's last words sent.
    fn close(&mut self) -> impl Future<Output = ()> + Send;
}

impl Link for WebSocket {
    const INVITATION: &'static str = "link";

    async fn receive(&mut self) -> Option<(FromPage, Instant)> {
        loop {
            match self.recv().await? {
                Ok(Message::Text(text)) => {
                    let at = Instant::now();
                    if let Ok(message) = serde_json::from_str::<FromPage>(text.as_str()) {
                        return Some((message.bounded(), at));
                    }
                }
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }

    async fn send(&mut self, message: &ToPage) -> Result<(), ()> {
        let json = serde_json::to_string(message).map_err(|_| ())?;
        WebSocket::send(self, Message::Text(json.into()))
            .await
            .map_err(|_| ())
    }

    async fn close(&mut self) {
        let _ = WebSocket::send(self, Message::Close(None)).await;
    }
}

/// Serves the page of seat `index` on `ws`, whoever `client` is.
pub async fn serve<L: Link>(room: Arc<Room>, index: usize, client: Client, mut ws: L) {
    let invitation = L::INVITATION;
    let (words, _telling) = match room.claim(index) {
        Claim::Busy => (
            Some(ToPage::Busy {
                text: format!("This {invitation} is open in another window."),
            }),
            None,
        ),
        Claim::Spent => (
            Some(ToPage::End {
                when: None,
                text: format!("This {invitation} has already been used."),
            }),
            None,
        ),
        claim => {
            let last = connected(&room, claim, client, &mut ws).await;
            // The link is free before the page hears the session's last words: a page
            // opened the moment they arrive finds the link as the session left it. A
            // server stopping waits for the words all the same.
            let telling = room.telling();
            room.update(index, |seat| seat.connected = false);
            (last, Some(telling))
        }
    };
    if let Some(words) = words {
        let _ = ws.send(&words).await;
    }
    ws.close().await;
}

/// The session's part over `ws`; its last words, still to be sent, if it said them.
async fn connected(
    room: &Arc<Room>,
    claim: Claim,
    client: Client,
    ws: &mut impl Link,
) -> Option<ToPage> {
    let (cols, rows, pongs) = opened(ws).await?;
    let (out, frames) = unbounded_channel();
    let session = match claim {
        Claim::Start(index) => {
            let opening = Opening {
                cols,
                rows,
                client,
                pongs,
            };
            session::start(room, index, out, opening)
        }
        Claim::Resume(_, session) => {
            // A reloaded page has a clock of its own: the session starts its estimate
            // afresh on `Connected`, from the pings that follow it.
            // The session drains its queue even while away: a full one means it is stuck.
            if session
                .try_send(Inbound::Connected { out, cols, rows })
                .is_err()
            {
                return None;
            }
            for (sent, received, browser_ms) in pongs {
                let _ = session.try_send(Inbound::Pong {
                    sent,
                    received,
                    browser_ms,
                });
            }
            session
        }
        Claim::Busy | Claim::Spent => return None,
    };
    match pump(ws, frames, &session).await {
        Gone::Page => {
            // Taken even by an overrun queue: the session must hear that its page is gone.
            session.tell(Inbound::Disconnected { at: Instant::now() });
            None
        }
        Gone::Session(last) => last,
    }
}

/// The page's size and the opening round trips, if the page gives them in time.
pub(super) async fn opened(ws: &mut impl Link) -> Option<(u16, u16, Vec<(Instant, Instant, f64)>)> {
    timeout(ANSWER_WITHIN * 2, opening(ws)).await.ok().flatten()
}

/// The page's size, then round trips of a few pings one after another.
async fn opening(ws: &mut impl Link) -> Option<(u16, u16, Vec<(Instant, Instant, f64)>)> {
    let (cols, rows) = loop {
        if let (FromPage::Size { cols, rows }, _) = ws.receive().await? {
            break (cols, rows);
        }
    };
    let mut pongs = Vec::new();
    for id in 0..OPENING_PINGS {
        let sent = Instant::now();
        ws.send(&ToPage::Ping { id }).await.ok()?;
        loop {
            match ws.receive().await? {
                (FromPage::Pong { id: answered, at }, received) if answered == id => {
                    pongs.push((sent, received, at));
                    break;
                }
                _ => continue,
            }
        }
    }
    Some((cols, rows, pongs))
}

pub(super) enum Gone {
    /// The page closed, went silent or failed.
    Page,
    /// The session is over: its last words, for the caller to send once it has let go of
    /// the link (none when it ended without them).
    Session(Option<ToPage>),
}

/// The frames a finished session left, sent; its last words returned.
async fn said(ws: &mut impl Link, frames: &mut UnboundedReceiver<ToPage>) -> Gone {
    while let Ok(frame) = frames.try_recv() {
        if matches!(frame, ToPage::End { .. }) {
            return Gone::Session(Some(frame));
        }
        if ws.send(&frame).await.is_err() {
            return Gone::Page;
        }
    }
    Gone::Session(None)
}

/// What the page says goes to `session`, and `frames` to the page, until either is
/// gone; pings go on meanwhile. The session's last words are not sent but returned.
pub(super) async fn pump(
    ws: &mut impl Link,
    mut frames: UnboundedReceiver<ToPage>,
    session: &Inbox,
) -> Gone {
    let mut pings = interval(PING_EVERY);
    let mut sent: HashMap<u64, Instant> = HashMap::new();
    let mut next_id = OPENING_PINGS;
    let mut heard = Instant::now();
    loop {
        tokio::select! {
            message = ws.receive() => {
                let Some((message, at)) = message else { return Gone::Page };
                heard = at;
                let inbound = match message {
                    FromPage::Pong { id, at: browser_ms } => match sent.remove(&id) {
                        Some(sent) => Inbound::Pong { sent, received: at, browser_ms },
                        None => continue,
                    },
                    message => Inbound::Page(message, at),
                };
                match session.try_send(inbound) {
                    Ok(()) => {}
                    // A page that says more than its session can take in is cut off;
                    // the session records a lost connection, and the link may resume.
                    Err(TrySendError::Full(_)) => return Gone::Page,
                    // The session is over: what it said before it went is still due.
                    Err(TrySendError::Disconnected(_)) => return said(ws, &mut frames).await,
                }
            }
            frame = frames.recv() => {
                let Some(frame) = frame else { return Gone::Session(None) };
                if matches!(frame, ToPage::End { .. }) {
                    return Gone::Session(Some(frame));
                }
                if ws.send(&frame).await.is_err() {
                    return Gone::Page;
                }
            }
            _ = pings.tick() => {
                if heard.elapsed() > SILENT_FOR {
                    return Gone::Page;
                }
                sent.retain(|_, at| at.elapsed() < SILENT_FOR);
                sent.insert(next_id, Instant::now());
                if ws.send(&ToPage::Ping { id: next_id }).await.is_err() {
                    return Gone::Page;
                }
                next_id += 1;
            }
        }
    }
}
