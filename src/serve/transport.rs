//! A participant's browser as a transport: frames rendered by ratatui into terminal
//! output for xterm.js, keys and "shown" stamped in the browser and mapped onto the
//! session clock.
//!
//! The session runs on its own thread, synchronous like every screen; the WebSocket
//! task hands it what the page says through a channel, stamped as it arrived.
#![allow(clippy::disallowed_methods)] // the shell: the session clock starts here

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Write};
use std::rc::Rc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use ratatui::{Terminal, TerminalOptions, Viewport};
use tokio::sync::mpsc::UnboundedSender;

use super::clock::{ClockSync, Sample};
use super::keys;
use super::protocol::{FromPage, ToPage};
use crate::runner::{Drawn, Incoming, Transport};

/// Messages from a page waiting for its session to take them in: it takes each at once
/// unless it is drawing, so only a page that floods the server fills this.
pub const INBOUND_QUEUE: usize = 1_024;
/// Keys and sizes kept while a frame waits for the page to confirm it. A participant
/// types a few keys while a frame is on its way; a page that sends hundreds without
/// confirming any frame is not a participant's, and its connection is cut.
const KEPT_WHILE_DRAWING: usize = 256;

/// What reaches a participant's session from its WebSocket task and the server.
#[derive(Debug)]
pub enum Inbound {
    /// A page connected again: its frames go to `out`.
    Connected {
        out: UnboundedSender<ToPage>,
        cols: u16,
        rows: u16,
    },
    /// A size, a key or a frame confirmed by the page.
    Page(FromPage),
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

/// Terminal output, kept until it is sent as a frame.
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

/// The connected page: where frames go, and the terminal they are rendered for.
struct Page {
    out: UnboundedSender<ToPage>,
    terminal: Terminal<CrosstermBackend<Output>>,
    output: Output,
}

impl Page {
    fn new(out: UnboundedSender<ToPage>, cols: u16, rows: u16) -> Result<Page, String> {
        // The page may still show an earlier connection's frames: the first frame clears
        // them (ratatui's own `clear` would ask a real terminal where its cursor is).
        let output = Output(Rc::new(RefCell::new(b"\x1b[0m\x1b[2J\x1b[H".to_vec())));
        let backend = CrosstermBackend::new(output.clone());
        let viewport = Viewport::Fixed(Rect::new(0, 0, cols, rows));
        let terminal = Terminal::with_options(backend, TerminalOptions { viewport })
            .map_err(|e| format!("cannot render for the page: {e}"))?;
        Ok(Page {
            out,
            terminal,
            output,
        })
    }

    /// The terminal output that brings the page from the last frame to this one.
    fn render<S>(&mut self, screen: &S) -> Result<(String, Rect), String>
    where
        for<'a> &'a S: Widget,
    {
        let frame = self
            .terminal
            .draw(|frame| frame.render_widget(screen, frame.area()))
            .map_err(|e| format!("cannot render for the page: {e}"))?;
        let area = frame.area;
        let bytes = std::mem::take(&mut *self.output.0.borrow_mut());
        Ok((String::from_utf8_lossy(&bytes).into_owned(), area))
    }
}

/// One participant's browser, across reconnections. Times are measured from `start`.
pub struct WebTransport {
    inbound: Receiver<Inbound>,
    start: Instant,
    sync: ClockSync,
    page: Option<Page>,
    frame: u64,
    pending: VecDeque<Incoming>,
    away_since: Option<Instant>,
    /// How long a participant may be away before the session ends.
    resume_within: Duration,
}

impl WebTransport {
    pub fn new(
        inbound: Receiver<Inbound>,
        start: Instant,
        sync: ClockSync,
        resume_within: Duration,
    ) -> Self {
        WebTransport {
            inbound,
            start,
            sync,
            page: None,
            frame: 0,
            pending: VecDeque::new(),
            away_since: None,
            resume_within,
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

    /// Says `text` to the page, if one is connected; the session is over.
    pub fn end(&mut self, text: &str) {
        if let Some(page) = self.page.take() {
            let _ = page.out.send(ToPage::End { text: text.into() });
        }
    }

    /// The session clock now: how long since the participant's part started.
    pub fn now(&self) -> Duration {
        self.start.elapsed()
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
            Inbound::Page(FromPage::Size { cols, rows }) => match self.page.take() {
                Some(page) => {
                    self.page = Some(Page::new(page.out, cols, rows)?);
                    Some(Incoming::Resize)
                }
                None => None,
            },
            Inbound::Page(FromPage::Key { key, at }) => match (&self.page, keys::press(&key)) {
                (Some(_), Some(press)) => Some(Incoming::Key {
                    at: self.sync.to_session(at),
                    press,
                }),
                _ => None,
            },
            Inbound::Page(FromPage::Shown { .. } | FromPage::Pong { .. }) => None,
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
    fn confirmed(&mut self, n: u64, area: Rect) -> Result<Drawn, String> {
        loop {
            let Ok(inbound) = self.inbound.recv() else {
                self.pending.push_back(Incoming::Closed { at: self.now() });
                return Ok(self.unseen());
            };
            if let Inbound::Page(FromPage::Shown { n: shown, at }) = inbound {
                if shown == n {
                    return Ok(Drawn {
                        at: self.sync.to_session(at),
                        cols: area.width,
                        rows: area.height,
                    });
                }
                continue;
            }
            if let Some(incoming) = self.take(inbound)? {
                let gone = !matches!(incoming, Incoming::Key { .. } | Incoming::Resize);
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

impl<S> Transport<S> for WebTransport
where
    for<'a> &'a S: Widget,
{
    /// Returns once the page has shown the frame, stamped with the browser's time of it.
    fn draw(&mut self, screen: &S) -> Result<Drawn, String> {
        let Some(page) = self.page.as_mut() else {
            return Ok(self.unseen());
        };
        let (data, area) = page.render(screen)?;
        self.frame += 1;
        let n = self.frame;
        if page.out.send(ToPage::Frame { n, data }).is_err() {
            // The connection's task is gone; its `Disconnected` is on the way.
            return Ok(self.unseen());
        }
        self.confirmed(n, area)
    }

    fn next(&mut self, wait: Duration) -> Incoming {
        if let Some(incoming) = self.pending.pop_front() {
            return incoming;
        }
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.inbound.recv_timeout(left) {
                Ok(inbound) => match self.take(inbound) {
                    Ok(Some(incoming)) => return incoming,
                    Ok(None) => continue,
                    Err(_) => return Incoming::Closed { at: self.now() },
                },
                Err(RecvTimeoutError::Timeout) => {
                    let expired = self
                        .away_since
                        .is_some_and(|since| since.elapsed() > self.resume_within);
                    return match expired {
                        true => Incoming::Closed { at: self.now() },
                        false => Incoming::Idle { at: self.now() },
                    };
                }
                Err(RecvTimeoutError::Disconnected) => return Incoming::Closed { at: self.now() },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc::channel;

    use super::super::keys::BrowserKey;

    use super::*;

    /// A transport with a 20x3 page connected, past its first resize: the sender of what
    /// the page says, the frames sent to it, and the transport.
    fn connected() -> (
        std::sync::mpsc::Sender<Inbound>,
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
        let first = Transport::<ratatui::text::Text>::next(&mut transport, Duration::ZERO);
        assert_eq!(first, Incoming::Resize);
        (sender, frames, transport)
    }

    #[test]
    fn a_page_renders_frames_for_its_size() {
        let (sender, mut frames, mut transport) = connected();
        sender
            .send(Inbound::Page(FromPage::Shown { n: 1, at: 1_234.0 }))
            .expect("sent");
        let text = ratatui::text::Text::raw("hello");
        let drawn = transport.draw(&text).expect("drawn");
        assert_eq!((drawn.cols, drawn.rows), (20, 3));
        assert_eq!(drawn.at, Duration::from_millis(1_234));
        let Ok(ToPage::Frame { n: 1, data }) = frames.try_recv() else {
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
        let key = BrowserKey {
            key: "2".into(),
            ctrl: false,
            alt: false,
            meta: false,
            shift: false,
        };
        sender
            .send(Inbound::Page(FromPage::Key { key, at: 1_000.0 }))
            .expect("sent");
        sender
            .send(Inbound::Page(FromPage::Shown { n: 1, at: 1_234.0 }))
            .expect("sent");
        let drawn = transport
            .draw(&ratatui::text::Text::raw("hello"))
            .expect("drawn");
        let key = Transport::<ratatui::text::Text>::next(&mut transport, Duration::ZERO);
        let Incoming::Key { at, .. } = key else {
            panic!("the key, kept while the frame was awaited: {key:?}")
        };
        assert!(at < drawn.at, "{at:?} vs {:?}", drawn.at);
    }
}
