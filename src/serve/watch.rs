//! A remote observer: `mvx observe` itself, run on the server for a browser's observer
//! link or an observer's `ssh`, over the same transport a participant's page has. It
//! follows the participant's session file as the local `mvx observe` does: the
//! participant's screen drawn from the recorded events by the view the participant
//! has, the timeline beside it, notes beside the session. It never acts on the
//! participant's session: an observer's keys reach only their own screen.
#![allow(clippy::disallowed_methods)] // the shell: an observer follows the wall clock

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Text};
use ratatui::widgets::{Paragraph, Widget, Wrap};
use tokio::sync::mpsc::unbounded_channel;

use super::clock::{ClockSync, Sample};
use super::protocol::ToPage;
use super::room::Room;
use super::socket::{self, Gone, Link};
use super::transport::{Inbound, Inbox, Inboxed, WebTransport, inbox};
use crate::keys::Keymap;
use crate::runner::{self, Screen};
use crate::tui::observer::{self, Action, Observer};

/// What the observer's page says when they leave, or cannot watch.
const LEFT: &str = "You stopped observing. The participant's session goes on.";
const LEFT_AFTER: &str = "You stopped observing. The participant's session has ended.";
const STOPPED: &str = "The study's server has stopped: there is nothing more to observe.";
const FULL: &str = "This participant has as many observers as may watch at once.";

/// Serves an observer of seat `index` on `link` until they leave or the server stops.
pub async fn serve<L: Link>(room: Arc<Room>, index: usize, mut link: L) {
    if let Some(opened) = socket::opened(&mut link).await {
        let (sender, inbound) = inbox();
        match room.watch(index, sender.clone()) {
            Some(id) => {
                watching(&room, index, &mut link, opened, (sender, inbound)).await;
                link.close().await;
                room.unwatch(index, id);
                return;
            }
            None => {
                let _ = link
                    .send(&ToPage::End {
                        text: FULL.into(),
                        when: None,
                    })
                    .await;
            }
        }
    }
    link.close().await;
}

/// The page's size and its opening round trips.
type Opened = (u16, u16, Vec<(Instant, Instant, f64)>);

async fn watching(
    room: &Arc<Room>,
    index: usize,
    link: &mut impl Link,
    (cols, rows, pongs): Opened,
    (sender, inbound): (Inbox, Inboxed),
) {
    let (out, frames) = unbounded_channel();
    let start = Instant::now();
    let mut sync = ClockSync::default();
    for (sent, received, browser_ms) in pongs {
        sync.add(Sample {
            sent_ms: WebTransport::ms_since_start(start, sent),
            received_ms: WebTransport::ms_since_start(start, received),
            browser_ms,
        });
    }
    let _ = sender.try_send(Inbound::Connected { out, cols, rows });
    let opened = chrono::Local::now().fixed_offset();
    let task_room = Arc::clone(room);
    let task = tokio::spawn(async move {
        // Gone means gone: an observer who comes back opens their link again.
        let mut transport = WebTransport::new(inbound, start, sync, Duration::ZERO);
        let mut following = Following::new(task_room, index, opened);
        let _ = runner::run(&mut following, &mut transport).await;
        transport.end(following.farewell());
    });
    match socket::pump(link, frames, &sender).await {
        Gone::Page => {
            sender.tell(Inbound::Disconnected { at: Instant::now() });
        }
        Gone::Session(Some(last)) => {
            let _ = link.send(&last).await;
        }
        Gone::Session(None) => {}
    }
    let _ = task.await;
}

/// Where the participant's session file is: the room knows once they have started.
pub trait Whereabouts: Send + Sync {
    /// The participant's id.
    fn participant(&self) -> String;
    /// The session file they write now, if any (a within study's next session has a
    /// file of its own).
    fn path(&self) -> Option<PathBuf>;
}

struct Seated {
    room: Arc<Room>,
    index: usize,
}

impl Whereabouts for Seated {
    fn participant(&self) -> String {
        self.room.participant(self.index)
    }

    fn path(&self) -> Option<PathBuf> {
        self.room.path(self.index)
    }
}

/// `mvx observe` on the participant's current session file; before they start, a
/// screen that says so. Redrawn when the file changes, and once a second for the
/// times it shows.
pub struct Following {
    seat: Box<dyn Whereabouts>,
    opened: DateTime<FixedOffset>,
    observer: Option<Observer>,
    /// What the last drawn frame showed: events and notes read, and the second.
    drawn: (usize, usize, u64),
    at: Duration,
    quit: bool,
    /// The server is stopping.
    stopped: bool,
}

impl Following {
    fn new(room: Arc<Room>, index: usize, opened: DateTime<FixedOffset>) -> Following {
        Following::of(Box::new(Seated { room, index }), opened)
    }

    /// Follows whoever `seat` says, as of `opened` on the wall clock.
    pub fn of(seat: Box<dyn Whereabouts>, opened: DateTime<FixedOffset>) -> Following {
        let mut following = Following {
            seat,
            opened,
            observer: None,
            drawn: (0, 0, 0),
            at: Duration::ZERO,
            quit: false,
            stopped: false,
        };
        following.follow();
        following
    }

    /// What the observer is told as they go.
    fn farewell(&self) -> &'static str {
        match (
            self.stopped,
            self.observer.as_ref().is_some_and(Observer::ended),
        ) {
            (true, _) => STOPPED,
            (false, true) => LEFT_AFTER,
            (false, false) => LEFT,
        }
    }

    /// Reads the participant's file again, or starts on their new one; whether the
    /// screen changed.
    fn follow(&mut self) -> bool {
        let path = self.seat.path();
        let same = self.observer.as_ref().map(|o| &o.path) == path.as_ref();
        if !same && let Some(path) = path {
            let mut observer = Observer::new(path, self.opened);
            observer.since_opened = self.at;
            self.observer = Some(observer);
        }
        let Some(observer) = self.observer.as_mut() else {
            return false;
        };
        observer.since_opened = self.at;
        observer.refresh();
        let drawn = (
            observer.events.len(),
            observer.notes.len(),
            self.at.as_secs(),
        );
        std::mem::replace(&mut self.drawn, drawn) != drawn
    }
}

impl crate::tui::pointer::Pointable for Following {}

impl Screen for Following {
    type Action = Action;

    fn keys(&self) -> &Keymap<Action> {
        match &self.observer {
            Some(observer) => observer.keys(),
            None => &observer::keys::WATCHING,
        }
    }

    fn update(&mut self, at: Duration, action: Action) -> Result<bool, String> {
        self.at = at;
        match (&mut self.observer, action) {
            (Some(observer), action) => {
                Screen::update(observer, at, action)?;
                self.quit = observer.done();
            }
            (None, Action::Quit) => self.quit = true,
            (None, _) => {}
        }
        Ok(true)
    }

    fn tick(&mut self, at: Duration) -> Result<bool, String> {
        self.at = at;
        Ok(self.follow())
    }

    /// The server stops: the observer is told so.
    fn stop(&mut self, _at: Duration, _why: runner::Stop) -> Result<(), String> {
        self.stopped = true;
        Ok(())
    }

    /// An observer whose connection is gone has left.
    fn disconnected(&mut self, _at: Duration) -> Result<bool, String> {
        self.quit = true;
        Ok(false)
    }

    fn wait(&self) -> Duration {
        observer::POLL
    }

    fn done(&self) -> bool {
        self.quit
    }
}

impl Widget for &Following {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if let Some(observer) = &self.observer {
            return observer.render(area, buf);
        }
        let who = crate::text::printable(&self.seat.participant());
        let text = Text::from(vec![
            Line::from(format!("Observing {who}")),
            Line::from(""),
            Line::from(format!(
                "{who} has not started yet: their screen shows here as soon as they do."
            )),
            Line::from(""),
            Line::from("q: stop observing"),
        ]);
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .render(area, buf);
    }
}

#[cfg(test)]
mod tests;
