//! A participant's browser as a transport: frames rendered by ratatui into terminal
//! output for xterm.js, keys and "shown" stamped in the browser and mapped onto the
//! session clock.
//!
//! The session runs as a task on the server's threads, its screens synchronous like
//! every screen and its transport waiting without holding a thread; the WebSocket task
//! hands it what the page says through a channel, stamped as it arrived.
#![allow(clippy::disallowed_methods)] // the shell: the session clock starts here

use std::collections::VecDeque;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::TrySendError;
use std::time::{Duration, Instant};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::clock::{self, ClockSync, Sample};
use super::keys;
use super::protocol::{FromPage, ToPage};
use crate::runner::{Drawn, Incoming, Transport};
use crate::tui::frame;
use crate::tui::pointer::{self, Pointable, Target};

/// Messages from a page waiting for its session to take them in: it takes each at once
/// unless it is drawing, so only a page that floods the server fills this.
pub const INBOUND_QUEUE: usize = 1_024;
/// Keys and sizes kept while a frame waits for the page to confirm it. A participant
/// types a few keys while a frame is on its way; a page that sends hundreds without
/// confirming any frame is not a participant's, and its connection is cut.
const KEPT_WHILE_DRAWING: usize = 256;
/// How far past its arrival a browser stamp may seem to be, beyond the best round trip
/// (the clock estimate is off by at most half of one): scheduling on both sides.
const STAMP_SLACK_MS: f64 = 100.0;
/// How long before its arrival a key may have been pressed: a message held up by a
/// struggling network. A key stamped earlier was not pressed then.
const LONGEST_TRANSIT_MS: f64 = 60_000.0;

/// Where a session's input goes: at most [`INBOUND_QUEUE`] of what the page says waits
/// at once, and only what waits takes memory (a bounded channel would set aside room
/// for all of it in every session, used or not).
#[derive(Clone)]
pub struct Inbox {
    sender: UnboundedSender<Inbound>,
    waiting: Arc<AtomicUsize>,
}

/// The session's end of its [`Inbox`].
pub struct Inboxed {
    receiver: UnboundedReceiver<Inbound>,
    waiting: Arc<AtomicUsize>,
}

/// A new inbox and its session's end.
pub fn inbox() -> (Inbox, Inboxed) {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    let waiting = Arc::new(AtomicUsize::new(0));
    let inbox = Inbox {
        sender,
        waiting: Arc::clone(&waiting),
    };
    (inbox, Inboxed { receiver, waiting })
}

impl Inbox {
    /// What the page says, unless [`INBOUND_QUEUE`] messages already wait.
    pub fn try_send(&self, inbound: Inbound) -> Result<(), TrySendError<Inbound>> {
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= INBOUND_QUEUE {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(TrySendError::Full(inbound));
        }
        self.sender.send(inbound).map_err(|gone| {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            TrySendError::Disconnected(gone.0)
        })
    }

    /// What the server says (the page is gone, the server is stopping): once per
    /// connection or per session, so it is taken even when the page's messages fill the
    /// queue; false if the session is over.
    pub fn tell(&self, inbound: Inbound) -> bool {
        self.waiting.fetch_add(1, Ordering::AcqRel);
        self.sender.send(inbound).is_ok()
    }
}

impl Inboxed {
    fn taken(&self, inbound: Inbound) -> Inbound {
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        inbound
    }

    async fn recv(&mut self) -> Option<Inbound> {
        let inbound = self.receiver.recv().await?;
        Some(self.taken(inbound))
    }

    fn try_recv(&mut self) -> Result<Inbound, TryRecvError> {
        self.receiver.try_recv().map(|i| self.taken(i))
    }

    /// What arrives within `wait`: `Err` if nothing did, `Ok(None)` if nothing ever will.
    async fn recv_timeout(&mut self, wait: Duration) -> Result<Option<Inbound>, ()> {
        match tokio::time::timeout(wait, self.receiver.recv()).await {
            Ok(inbound) => Ok(inbound.map(|i| self.taken(i))),
            Err(_) => Err(()),
        }
    }
}

/// A plain channel's receiver as a session's end (in tests, which bound nothing).
impl From<UnboundedReceiver<Inbound>> for Inboxed {
    fn from(receiver: UnboundedReceiver<Inbound>) -> Inboxed {
        Inboxed {
            receiver,
            waiting: Arc::default(),
        }
    }
}

/// What reaches a participant's session from its WebSocket task and the server.
#[derive(Debug)]
pub enum Inbound {
    /// A page connected again: its frames go to `out`.
    Connected {
        out: UnboundedSender<ToPage>,
        cols: u16,
        rows: u16,
    },
    /// A size, a key or a frame confirmed by the page, and when it arrived.
    Page(FromPage, Instant),
    /// A ping's round trip.
    Pong {
        sent: Instant,
        received: Instant,
        browser_ms: f64,
    },
    /// The page went away.
    Disconnected { at: Instant },
    /// The server is stopping (`SIGTERM`, `SIGINT`).
    Stop { at: Instant, name: &'static str },
}

/// Screens to draw the next frame into, shared by every session: a session keeps only
/// the frame its page shows, and takes one of these while it draws. A thousand sessions
/// sitting on a step hold one screen each, not two (ratatui's `Terminal` keeps two).
static SCRATCH: std::sync::Mutex<Vec<Buffer>> = std::sync::Mutex::new(Vec::new());
/// Screens kept for drawing: as many as sessions are likely to draw at the same moment.
const MOST_SCRATCH: usize = 16;

/// The connected page: where frames go, and the screen it shows.
///
/// A frame is written as ratatui's `Terminal` writes one (the cells that changed, then
/// the cursor hidden); `a_page_is_sent_what_ratatuis_terminal_would_write` holds that.
struct Page {
    out: UnboundedSender<ToPage>,
    /// What the page shows: the next frame is what differs from it.
    shown: Buffer,
    /// No frame has been sent to it yet.
    fresh: bool,
}

impl Page {
    fn new(out: UnboundedSender<ToPage>, cols: u16, rows: u16) -> Result<Page, String> {
        Ok(Page {
            out,
            shown: Buffer::empty(Rect::new(0, 0, cols, rows)),
            fresh: true,
        })
    }

    /// The terminal output that brings the page from the last frame to this one.
    fn render<S>(&mut self, screen: &S) -> Result<(String, Rect), String>
    where
        for<'a> &'a S: Widget,
    {
        let area = self.shown.area;
        let scratch = SCRATCH.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut next = match scratch {
            Some(mut buffer) => {
                buffer.resize(area);
                buffer.reset();
                // A larger page's screen gives back what this one does not need.
                buffer
                    .content
                    .shrink_to(usize::from(area.width) * usize::from(area.height));
                buffer
            }
            None => Buffer::empty(area),
        };
        screen.render(area, &mut next);
        let cannot = |e: io::Error| format!("cannot render for the page: {e}");
        let mut bytes = match std::mem::take(&mut self.fresh) {
            true => frame::CLEAR.to_vec(),
            false => Vec::new(),
        };
        let drawn = frame::diff(&self.shown, &next, &mut bytes);
        std::mem::swap(&mut self.shown, &mut next);
        let mut scratch = SCRATCH.lock().unwrap_or_else(|e| e.into_inner());
        if scratch.len() < MOST_SCRATCH {
            scratch.push(next);
        }
        drop(scratch);
        drawn.map_err(cannot)?;
        Ok((String::from_utf8_lossy(&bytes).into_owned(), area))
    }
}

/// One participant's browser, across reconnections. Times are measured from `start`.
pub struct WebTransport {
    inbound: Inboxed,
    start: Instant,
    sync: ClockSync,
    page: Option<Page>,
    frame: u64,
    /// What a click or tap may pick on the last frame sent.
    targets: Vec<Target>,
    pending: VecDeque<Incoming>,
    away_since: Option<Instant>,
    /// How long a participant may be away before the session ends.
    resume_within: Duration,
    /// Session milliseconds of the last key and "shown" taken, and of the frame awaited.
    last_key_ms: f64,
    last_shown_ms: f64,
    sent_ms: f64,
    /// Set when a browser stamp was implausible and the server's receive time taken
    /// instead; the recorder flags the next timed event and clears it.
    pub restamped: Arc<AtomicBool>,
}

impl WebTransport {
    pub fn new(
        inbound: impl Into<Inboxed>,
        start: Instant,
        sync: ClockSync,
        resume_within: Duration,
    ) -> Self {
        WebTransport {
            inbound: inbound.into(),
            start,
            sync,
            page: None,
            frame: 0,
            targets: Vec::new(),
            pending: VecDeque::new(),
            away_since: None,
            resume_within,
            last_key_ms: f64::NEG_INFINITY,
            last_shown_ms: f64::NEG_INFINITY,
            sent_ms: f64::NEG_INFINITY,
            restamped: Arc::default(),
        }
    }

    /// Milliseconds from the session's start to `at` (negative before it).
    pub fn ms_since_start(start: Instant, at: Instant) -> f64 {
        match at.checked_duration_since(start) {
            Some(after) => after.as_secs_f64() * 1000.0,
            None => -(start.duration_since(at).as_secs_f64() * 1000.0),
        }
    }

    pub fn sync(&self) -> &ClockSync {
        &self.sync
    }

    /// Says `text` to the page, if one is connected (or connecting: a session that could
    /// not start has not taken its page in yet); the session is over.
    pub fn end(&mut self, text: &str) {
        self.end_with(text, None);
    }

    /// [`WebTransport::end`], the moment `when` names written in the participant's own
    /// time by the page.
    pub fn end_with(&mut self, text: &str, when: Option<super::protocol::When>) {
        let out =
            match self.page.take() {
                Some(page) => Some(page.out),
                None => std::iter::from_fn(|| self.inbound.try_recv().ok()).find_map(|inbound| {
                    match inbound {
                        Inbound::Connected { out, .. } => Some(out),
                        _ => None,
                    }
                }),
            };
        if let Some(out) = out {
            let _ = out.send(ToPage::End {
                text: text.into(),
                when,
            });
        }
    }

    /// The session clock now: how long since the participant's part started.
    pub fn now(&self) -> Duration {
        self.start.elapsed()
    }

    /// A browser stamp as session time, if it is plausible: a number, no later than its
    /// arrival (give or take the clock estimate) and no earlier than `earliest`.
    /// Otherwise the server's receive time stands in for it, and the event is flagged.
    fn stamp(&mut self, ms: f64, received: Instant, earliest: f64) -> f64 {
        let received_ms = Self::ms_since_start(self.start, received);
        let latest = received_ms + STAMP_SLACK_MS + self.sync.best_rtt_ms();
        if (earliest..=latest).contains(&ms) {
            return ms;
        }
        self.restamped.store(true, Ordering::Relaxed);
        received_ms.max(earliest)
    }

    /// A key's time: pressed before it arrived, not long before, and after the last.
    fn key_stamp(&mut self, browser_ms: f64, received: Instant) -> Duration {
        let received_ms = Self::ms_since_start(self.start, received);
        let earliest = self.last_key_ms.max(received_ms - LONGEST_TRANSIT_MS);
        let ms = self.sync.session_ms(browser_ms);
        let ms = self.stamp(ms, received, earliest);
        self.last_key_ms = ms;
        clock::duration(ms)
    }

    /// A frame's time on the page: after it was sent and after the last one shown.
    fn shown_stamp(&mut self, browser_ms: f64, received: Instant) -> Duration {
        let slack = STAMP_SLACK_MS + self.sync.best_rtt_ms();
        let earliest = self.last_shown_ms.max(self.sent_ms - slack);
        let received_ms = Self::ms_since_start(self.start, received);
        let ms = self.sync.shown_ms(browser_ms, self.sent_ms, received_ms);
        let ms = self.stamp(ms, received, earliest);
        self.last_shown_ms = ms;
        clock::duration(ms)
    }

    fn since_start(&self, at: Instant) -> Duration {
        at.saturating_duration_since(self.start)
    }

    /// A frame no one saw: the page is gone, or going.
    fn unseen(&self) -> Drawn {
        Drawn {
            at: self.now(),
            cols: 0,
            rows: 0,
        }
    }

    /// What a message means to the screen, after the transport has kept what it needs.
    fn take(&mut self, inbound: Inbound) -> Result<Option<Incoming>, String> {
        Ok(match inbound {
            Inbound::Connected { out, cols, rows } => {
                self.page = Some(Page::new(out, cols, rows)?);
                Some(match self.away_since.take() {
                    Some(_) => {
                        // A page back after a reload has a new clock: its opening
                        // pings, which follow, set the offset afresh.
                        self.sync = ClockSync::default();
                        Incoming::Reconnected { at: self.now() }
                    }
                    None => Incoming::Resize,
                })
            }
            Inbound::Page(FromPage::Size { cols, rows }, _) => match self.page.take() {
                Some(page) => {
                    self.page = Some(Page::new(page.out, cols, rows)?);
                    Some(Incoming::Resize)
                }
                None => None,
            },
            Inbound::Page(FromPage::Key { key, at }, received) => {
                match (&self.page, keys::press(&key)) {
                    (Some(_), Some(press)) => Some(Incoming::Key {
                        at: self.key_stamp(at, received),
                        press,
                    }),
                    _ => None,
                }
            }
            // A click or tap on what the frame on screen offers acts as its keys.
            Inbound::Page(FromPage::Point { col, row, at, by }, received) => {
                match (&self.page, pointer::hit(&self.targets, col, row)) {
                    (Some(_), Some(presses)) => Some(Incoming::Pointed {
                        at: self.key_stamp(at, received),
                        presses,
                        via: by.via(),
                    }),
                    _ => None,
                }
            }
            Inbound::Page(FromPage::Away { at, why }, received) => match &self.page {
                Some(_) => Some(Incoming::Away {
                    at: self.key_stamp(at, received),
                    why: why.word(),
                }),
                None => None,
            },
            Inbound::Page(FromPage::Back { at }, received) => match &self.page {
                Some(_) => Some(Incoming::Back {
                    at: self.key_stamp(at, received),
                }),
                None => None,
            },
            Inbound::Page(FromPage::Shown { .. } | FromPage::Pong { .. }, _) => None,
            Inbound::Pong {
                sent,
                received,
                browser_ms,
            } => {
                self.sync.add(Sample {
                    sent_ms: Self::ms_since_start(self.start, sent),
                    received_ms: Self::ms_since_start(self.start, received),
                    browser_ms,
                });
                None
            }
            // Already away: the transport cut an overrunning page off itself.
            Inbound::Disconnected { .. } if self.away_since.is_some() => None,
            Inbound::Disconnected { at } => {
                self.page = None;
                self.away_since = Some(at);
                Some(Incoming::Disconnected {
                    at: self.since_start(at),
                })
            }
            Inbound::Stop { at, name } => Some(Incoming::Signal {
                at: self.since_start(at),
                name,
            }),
        })
    }

    /// The page sent more than a participant could while a frame was on its way: what it
    /// sent is dropped, and so is the page (its connection closes once its frames' channel
    /// does), as if its connection were lost; the same link may come back.
    fn overrun(&mut self) -> Drawn {
        let at = Instant::now();
        self.page = None;
        self.pending.clear();
        self.away_since = Some(at);
        self.pending.push_back(Incoming::Disconnected {
            at: self.since_start(at),
        });
        self.unseen()
    }

    /// Waits for the page to confirm frame `n`; anything else that arrives meanwhile is
    /// kept for `next`, in order.
    async fn confirmed(&mut self, n: u64, area: Rect) -> Result<Drawn, String> {
        loop {
            let Some(inbound) = self.inbound.recv().await else {
                self.pending.push_back(Incoming::Closed { at: self.now() });
                return Ok(self.unseen());
            };
            if let Inbound::Page(FromPage::Shown { n: shown, at }, received) = inbound {
                if shown == n {
                    return Ok(Drawn {
                        at: self.shown_stamp(at, received),
                        cols: area.width,
                        rows: area.height,
                    });
                }
                continue;
            }
            if let Some(incoming) = self.take(inbound)? {
                let gone = !matches!(
                    incoming,
                    Incoming::Key { .. } | Incoming::Pointed { .. } | Incoming::Resize
                );
                self.pending.push_back(incoming);
                if gone {
                    return Ok(self.unseen());
                }
                if self.pending.len() > KEPT_WHILE_DRAWING {
                    return Ok(self.overrun());
                }
            }
        }
    }
}

impl<S: Pointable> Transport<S> for WebTransport
where
    for<'a> &'a S: Widget,
{
    /// Returns once the page has shown the frame, stamped with the browser's time of it.
    async fn draw(&mut self, screen: &S) -> Result<Drawn, String> {
        let Some(page) = self.page.as_mut() else {
            return Ok(self.unseen());
        };
        let (data, area) = page.render(screen)?;
        self.targets = screen.targets(area);
        self.frame += 1;
        let n = self.frame;
        // The frame's "shown" and the keys that answer it are mapped with one offset.
        self.sync.adopt();
        self.sent_ms = Self::ms_since_start(self.start, Instant::now());
        let targets = (self.targets.iter())
            .map(|t| [t.area.x, t.area.y, t.area.width, t.area.height])
            .collect();
        if page.out.send(ToPage::Frame { n, data, targets }).is_err() {
            // The connection's task is gone; its `Disconnected` is on the way.
            return Ok(self.unseen());
        }
        self.confirmed(n, area).await
    }

    async fn next(&mut self, wait: Duration) -> Incoming {
        if let Some(incoming) = self.pending.pop_front() {
            return incoming;
        }
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.inbound.recv_timeout(left).await {
                Ok(Some(inbound)) => match self.take(inbound) {
                    Ok(Some(incoming)) => return incoming,
                    Ok(None) => continue,
                    Err(_) => return Incoming::Closed { at: self.now() },
                },
                Err(()) => {
                    let expired = self
                        .away_since
                        .is_some_and(|since| since.elapsed() > self.resume_within);
                    return match expired {
                        true => Incoming::Closed { at: self.now() },
                        false => Incoming::Idle { at: self.now() },
                    };
                }
                Ok(None) => return Incoming::Closed { at: self.now() },
            }
        }
    }
}

/// Runs what a test awaits on this thread's runtime, whose timers the transport's waits use.
#[cfg(test)]
fn now<F: std::future::Future>(future: F) -> F::Output {
    thread_local! {
        static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime for the test");
    }
    RUNTIME.with(|runtime| runtime.block_on(future))
}

#[cfg(test)]
mod fuzz_tests;

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::io::Write;
    use std::rc::Rc;

    use tokio::sync::mpsc::unbounded_channel as channel;

    use super::super::keys::BrowserKey;

    use super::*;

    /// Terminal output kept until a test reads it, as ratatui's `Terminal` writes it.
    #[derive(Clone, Default)]
    struct Output(Rc<RefCell<Vec<u8>>>);

    impl Write for Output {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// A transport with a 20x3 page connected, past its first resize: the sender of what
    /// the page says, the frames sent to it, and the transport.
    fn connected() -> (
        tokio::sync::mpsc::UnboundedSender<Inbound>,
        tokio::sync::mpsc::UnboundedReceiver<ToPage>,
        WebTransport,
    ) {
        let (sender, inbound) = channel();
        let (out, frames) = tokio::sync::mpsc::unbounded_channel();
        let connected = Inbound::Connected {
            out,
            cols: 20,
            rows: 3,
        };
        sender.send(connected).expect("sent");
        let mut transport = WebTransport::new(
            inbound,
            Instant::now(),
            ClockSync::default(),
            Duration::from_secs(60),
        );
        let first = now(Transport::<ratatui::text::Text>::next(
            &mut transport,
            Duration::ZERO,
        ));
        assert_eq!(first, Incoming::Resize);
        (sender, frames, transport)
    }

    /// When a message sent now reaches the session `ms` after the session's start.
    fn arrived(transport: &WebTransport, ms: u64) -> Instant {
        transport.start + Duration::from_millis(ms)
    }

    fn key(name: &str) -> BrowserKey {
        BrowserKey::plain(name)
    }

    /// The session time of a "1" stamped `at` by the page that arrived `received_ms` in.
    fn key_time(
        sender: &tokio::sync::mpsc::UnboundedSender<Inbound>,
        transport: &mut WebTransport,
        at: f64,
        received_ms: u64,
    ) -> Duration {
        let message = FromPage::Key { key: key("1"), at };
        let received = arrived(transport, received_ms);
        sender.send(Inbound::Page(message, received)).expect("sent");
        match now(Transport::<ratatui::text::Text>::next(
            transport,
            Duration::ZERO,
        )) {
            Incoming::Key { at, .. } => at,
            other => panic!("a key, not {other:?}"),
        }
    }

    /// A stamp no clock gives, one from the future of its arrival, one long before it,
    /// one before the key ahead of it: each takes the time it arrived, and is flagged.
    #[test]
    fn a_page_is_sent_what_ratatuis_terminal_would_write() {
        use ratatui::backend::CrosstermBackend;
        use ratatui::style::Stylize;
        use ratatui::text::{Line, Text};
        use ratatui::{Terminal, TerminalOptions, Viewport};
        let (out, _frames) = tokio::sync::mpsc::unbounded_channel();
        let mut page = Page::new(out, 20, 3).expect("a page");
        let output = Output::default();
        let viewport = Viewport::Fixed(Rect::new(0, 0, 20, 3));
        let backend = CrosstermBackend::new(output.clone());
        let mut terminal =
            Terminal::with_options(backend, TerminalOptions { viewport }).expect("a terminal");
        // Another page's larger screen left to draw into first.
        SCRATCH.lock().expect("scratch").push(Buffer::filled(
            Rect::new(0, 0, 50, 9),
            ratatui::buffer::Cell::new("x"),
        ));
        let screens = [
            Text::from(vec![Line::from("one"), Line::from("two".bold().red())]),
            Text::from(vec![Line::from("one"), Line::from("three".on_blue())]),
            Text::default(),
            Text::from("four, longer than the page is wide"),
        ];
        for (i, screen) in screens.iter().enumerate() {
            let (ours, area) = page.render(screen).expect("rendered");
            terminal
                .draw(|frame| frame.render_widget(screen, frame.area()))
                .expect("drawn");
            let theirs =
                String::from_utf8(std::mem::take(&mut *output.0.borrow_mut())).expect("text");
            let ours = match i {
                0 => ours
                    .strip_prefix("\x1b[0m\x1b[2J\x1b[H")
                    .expect("cleared first"),
                _ => &ours,
            };
            assert_eq!(ours, theirs, "frame {i}");
            assert_eq!(area, Rect::new(0, 0, 20, 3));
        }
    }

    #[test]
    fn an_inbox_holds_a_bounded_queue_and_always_the_servers_word() {
        let (inbox, mut inboxed) = inbox();
        let pong = || Inbound::Pong {
            sent: Instant::now(),
            received: Instant::now(),
            browser_ms: 1.0,
        };
        for _ in 0..INBOUND_QUEUE {
            assert!(inbox.try_send(pong()).is_ok());
        }
        assert!(matches!(inbox.try_send(pong()), Err(TrySendError::Full(_))));
        // The server's own word gets in past a full queue.
        assert!(inbox.tell(Inbound::Disconnected { at: Instant::now() }));
        assert!(inboxed.try_recv().is_ok());
        assert!(now(inboxed.recv_timeout(Duration::ZERO)).is_ok());
        // Two taken, one of them beyond the bound: room for one again, not two.
        assert!(inbox.try_send(pong()).is_ok());
        assert!(matches!(inbox.try_send(pong()), Err(TrySendError::Full(_))));
        let mut left = 0;
        while inboxed.try_recv().is_ok() {
            left += 1;
        }
        assert_eq!(left, INBOUND_QUEUE);
        drop(inboxed);
        assert!(matches!(
            inbox.try_send(pong()),
            Err(TrySendError::Disconnected(_))
        ));
        assert!(!inbox.tell(Inbound::Disconnected { at: Instant::now() }));
    }

    #[test]
    fn implausible_key_stamps_take_the_time_they_arrived() {
        let (sender, _frames, mut transport) = connected();
        let ms = Duration::from_millis;
        assert_eq!(key_time(&sender, &mut transport, 2_000.0, 2_010), ms(2_000));
        assert!(
            !transport.restamped.swap(false, Ordering::Relaxed),
            "a plausible stamp stands"
        );
        for (forged, received) in [
            (1e300, 3_000),
            (f64::NAN, 3_100),
            (-5.0, 3_200),
            (1e12, 3_300),
            (f64::INFINITY, 3_400),
        ] {
            let at = key_time(&sender, &mut transport, forged, received);
            assert_eq!(at, ms(received), "{forged}");
            assert!(
                transport.restamped.swap(false, Ordering::Relaxed),
                "{forged} is flagged"
            );
        }
        // Hesitation after decision: a first key from the future, then one before it.
        assert_eq!(key_time(&sender, &mut transport, 9_000.0, 4_000), ms(4_000));
        assert_eq!(key_time(&sender, &mut transport, 3_950.0, 4_010), ms(4_010));
        assert!(transport.restamped.swap(false, Ordering::Relaxed));
        // Long before its arrival: held up longer than any network holds a key.
        let late = key_time(&sender, &mut transport, 4_020.0, 70_000);
        assert_eq!(late, ms(70_000));
    }

    /// A better round trip between a frame's "shown" and the key that answers it moves
    /// the clock estimate, not the hesitation: both are mapped with one offset. (With a
    /// thousand pages on two cores, such moves put tens of milliseconds into one key in
    /// a hundred.)
    #[test]
    fn a_better_round_trip_between_shown_and_key_leaves_the_hesitation_alone() {
        let (sender, _frames, mut transport) = connected();
        let start = transport.start;
        let at = |ms| start + Duration::from_millis(ms);
        let (slow, fast) = ((at(100), at(140)), (at(1_500), at(1_502)));
        // The browser's clock is 5,000 ms ahead; the first round trip is slow and uneven
        // (30 ms there, 10 back), so the estimate is 10 ms off.
        let pong = |(sent, received), browser_ms| Inbound::Pong {
            sent,
            received,
            browser_ms,
        };
        sender.send(pong(slow, 5_130.0)).expect("sent");
        let shown = FromPage::Shown { n: 1, at: 6_000.0 };
        sender.send(Inbound::Page(shown, at(1_000))).expect("sent");
        let text = ratatui::text::Text::raw("hello");
        let drawn = now(transport.draw(&text)).expect("drawn");
        // 2 ms there and back: the estimate is now right.
        sender.send(pong(fast, 6_501.0)).expect("sent");
        let key = key_time(&sender, &mut transport, 8_500.0, 3_600);
        assert_eq!(key - drawn.at, Duration::from_millis(2_500));
        assert_eq!(transport.sync().estimate_ms(), 5_000.0);
        // The next frame is mapped with the better estimate.
        let shown = FromPage::Shown { n: 2, at: 9_000.0 };
        sender.send(Inbound::Page(shown, at(4_010))).expect("sent");
        let drawn = now(transport.draw(&text)).expect("drawn");
        assert_eq!(drawn.at, Duration::from_millis(4_000));
    }

    #[test]
    fn a_shown_stamp_before_its_frame_was_sent_takes_its_arrival() {
        let (sender, _frames, mut transport) = connected();
        let received = arrived(&transport, 60_000);
        let shown = FromPage::Shown { n: 1, at: -1e300 };
        sender.send(Inbound::Page(shown, received)).expect("sent");
        let drawn = now(transport.draw(&ratatui::text::Text::raw("hello"))).expect("drawn");
        assert_eq!(drawn.at, Duration::from_secs(60));
        assert!(transport.restamped.swap(false, Ordering::Relaxed));
    }

    #[test]
    fn a_page_renders_frames_for_its_size() {
        let (sender, mut frames, mut transport) = connected();
        sender
            .send(Inbound::Page(
                FromPage::Shown { n: 1, at: 1_234.0 },
                arrived(&transport, 1_300),
            ))
            .expect("sent");
        let text = ratatui::text::Text::raw("hello");
        let drawn = now(transport.draw(&text)).expect("drawn");
        assert_eq!((drawn.cols, drawn.rows), (20, 3));
        assert_eq!(drawn.at, Duration::from_millis(1_234));
        let Ok(ToPage::Frame { n: 1, data, .. }) = frames.try_recv() else {
            panic!("a frame")
        };
        assert!(data.contains("hello"), "{data:?}");
    }

    /// The browser has no queue to read late: a key is stamped when it went down, and a
    /// frame when the page showed it, on one clock. A key pressed while the first frame
    /// was on its way arrives after it was drawn, yet is stamped before "shown".
    #[test]
    fn a_key_pressed_before_the_page_showed_the_frame_is_stamped_before_it() {
        let (sender, _frames, mut transport) = connected();
        let key = key("2");
        sender
            .send(Inbound::Page(
                FromPage::Key { key, at: 1_000.0 },
                arrived(&transport, 1_050),
            ))
            .expect("sent");
        sender
            .send(Inbound::Page(
                FromPage::Shown { n: 1, at: 1_234.0 },
                arrived(&transport, 1_300),
            ))
            .expect("sent");
        let drawn = now(transport.draw(&ratatui::text::Text::raw("hello"))).expect("drawn");
        let key = now(Transport::<ratatui::text::Text>::next(
            &mut transport,
            Duration::ZERO,
        ));
        let Incoming::Key { at, .. } = key else {
            panic!("the key, kept while the frame was awaited: {key:?}")
        };
        assert!(at < drawn.at, "{at:?} vs {:?}", drawn.at);
    }
}
