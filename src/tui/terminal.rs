//! The local terminal as a transport: full-screen mode that every exit path leaves,
//! frames drawn with ratatui, and stamped input from the input thread.
#![allow(clippy::disallowed_methods)] // the shell: frames are stamped when they are out

use std::io;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use ratatui::DefaultTerminal;
use ratatui::widgets::Widget;

use super::events::{self, Incoming as Read};
use crate::runner::{Drawn, Incoming, Transport};

/// Raw mode and the alternate screen, with a panic hook that restores the terminal first.
/// Dropping the guard restores it on every other path, errors included.
pub struct FullScreen {
    pub terminal: DefaultTerminal,
}

impl FullScreen {
    pub fn enter() -> io::Result<Self> {
        let terminal = ratatui::try_init()?;
        Ok(Self { terminal })
    }
}

impl Drop for FullScreen {
    fn drop(&mut self) {
        // After SIGHUP the terminal may be gone; nothing useful can be done with an error.
        let _ = ratatui::try_restore();
    }
}

/// The terminal this process runs in, as the transport of a screen. Times are measured
/// from when it was opened.
pub struct Terminal {
    screen: FullScreen,
    incoming: Receiver<Read>,
    sender: Sender<Read>,
    start: Instant,
}

impl Terminal {
    /// Enters full-screen mode and starts reading keys and signals.
    pub fn open() -> Result<Self, String> {
        let screen = FullScreen::enter().map_err(|e| format!("cannot open the terminal: {e}"))?;
        let (sender, incoming) =
            events::start().map_err(|e| format!("cannot read the terminal: {e}"))?;
        Ok(Terminal {
            screen,
            incoming,
            sender,
            start: Instant::now(),
        })
    }

    /// Where a screen's own sources (a file watcher) send what they see.
    pub fn sender(&self) -> Sender<Read> {
        self.sender.clone()
    }

    /// The terminal's size now, columns and rows.
    pub fn size(&self) -> (u16, u16) {
        self.screen
            .terminal
            .size()
            .map_or((0, 0), |s| (s.width, s.height))
    }

    fn since_start(&self, at: Instant) -> Duration {
        at.saturating_duration_since(self.start)
    }
}

impl<S> Transport<S> for Terminal
where
    for<'a> &'a S: Widget,
{
    /// `draw` returns once the frame is flushed, so the stamp is when it was out.
    fn draw(&mut self, screen: &S) -> Result<Drawn, String> {
        let frame = self
            .screen
            .terminal
            .draw(|frame| frame.render_widget(screen, frame.area()))
            .map_err(|e| format!("cannot draw: {e}"))?;
        Ok(Drawn {
            at: self.start.elapsed(),
            cols: frame.area.width,
            rows: frame.area.height,
        })
    }

    fn next(&mut self, wait: Duration) -> Incoming {
        match self.incoming.recv_timeout(wait) {
            Ok(Read::Key { at, press }) => Incoming::Key {
                at: self.since_start(at),
                press,
            },
            Ok(Read::Resize) => Incoming::Resize,
            Ok(Read::Changed) => Incoming::Changed,
            Ok(Read::Signal { at, name }) => Incoming::Signal {
                at: self.since_start(at),
                name,
            },
            Ok(Read::Closed { at }) => Incoming::Closed {
                at: self.since_start(at),
            },
            Err(RecvTimeoutError::Timeout) => Incoming::Idle {
                at: self.start.elapsed(),
            },
            Err(RecvTimeoutError::Disconnected) => Incoming::Closed {
                at: self.start.elapsed(),
            },
        }
    }
}
