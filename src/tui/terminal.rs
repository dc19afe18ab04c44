//! The local terminal as a transport: full-screen mode that every exit path leaves,
//! frames drawn with ratatui, and stamped input from the input thread.
#![allow(clippy::disallowed_methods)] // the shell: frames are stamped when they are out

use std::io;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::terminal::{self, Clear, ClearType, EnterAlternateScreen};
use ratatui::crossterm::{cursor, execute};
use ratatui::widgets::Widget;
use rustix::process::{Signal, kill_current_process_group};

use super::events::{self, Incoming as Read, Queue};
use super::pointer::{self, Pointable, Target};
use crate::keys::Via;
use crate::runner::{Drawn, Incoming, Transport};
use crate::session::TerminalInfo;

/// Raw mode and the alternate screen, with a panic hook that restores the terminal first.
/// Dropping the guard restores it on every other path, errors included.
pub struct FullScreen {
    /// Taken only when dropped.
    terminal: Option<DefaultTerminal>,
    /// The mouse is reported (a participant's session): given back with the terminal.
    mouse: bool,
}

impl FullScreen {
    pub fn enter() -> io::Result<Self> {
        let terminal = ratatui::try_init()?;
        Ok(Self {
            terminal: Some(terminal),
            mouse: false,
        })
    }

    /// Has the terminal report mouse clicks, so a participant may click a choice; every
    /// path that gives the terminal back (leaving, dropping, a panic) stops it again.
    pub fn capture_mouse(&mut self) -> io::Result<()> {
        static HOOK: std::sync::Once = std::sync::Once::new();
        HOOK.call_once(|| {
            let before = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                let _ = execute!(io::stdout(), DisableMouseCapture);
                before(info);
            }));
        });
        execute!(io::stdout(), EnableMouseCapture)?;
        self.mouse = true;
        Ok(())
    }

    fn release_mouse(&self) {
        if self.mouse {
            let _ = execute!(io::stdout(), DisableMouseCapture);
        }
    }

    pub fn terminal(&mut self) -> &mut DefaultTerminal {
        self.terminal
            .as_mut()
            .expect("the terminal is only taken when the screen is dropped")
    }

    /// Gives the terminal back as it was (cooked, the main screen), before a suspend or
    /// an end: whatever happens next, the person at the terminal can type again.
    pub fn leave(&mut self) {
        self.release_mouse();
        let _ = ratatui::try_restore();
        let _ = execute!(io::stdout(), cursor::Show);
    }

    /// Raw mode and the alternate screen again after a suspend; the next frame is drawn
    /// whole, since the screen was someone else's meanwhile. (ratatui's `clear` would
    /// ask the terminal where its cursor is: no query, so the screen is cleared here
    /// and ratatui's memory of the last frame emptied.)
    pub fn reenter(&mut self) -> io::Result<()> {
        terminal::enable_raw_mode()?;
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            Clear(ClearType::All),
            cursor::Hide
        )?;
        if self.mouse {
            execute!(io::stdout(), EnableMouseCapture)?;
        }
        self.terminal().swap_buffers();
        Ok(())
    }
}

impl Drop for FullScreen {
    fn drop(&mut self) {
        self.release_mouse();
        // After a hang-up the terminal is gone and writing to it fails. ratatui's own drop
        // would then report that on standard error, the same dead terminal, and a failed
        // `eprintln!` panics, which aborts the process before it can exit as it should.
        if ratatui::try_restore().is_err() {
            std::mem::forget(self.terminal.take());
        }
    }
}

/// The terminal this process runs in, as the transport of a screen. Times are measured
/// from when it was opened.
pub struct Terminal {
    screen: FullScreen,
    incoming: Receiver<Read>,
    sender: Sender<Read>,
    /// Input waiting as a frame is drawn was typed before it.
    queue: Queue,
    start: Instant,
    /// When the last suspend ended: a `SIGTSTP` that arrived before it (sent to the
    /// supervisor and to this process alike) is already served.
    resumed: Option<Instant>,
    /// What a click may pick on the frame on screen.
    targets: Vec<Target>,
}

impl Terminal {
    /// Enters full-screen mode and starts reading keys and signals.
    pub fn open() -> Result<Self, String> {
        let screen = FullScreen::enter().map_err(|e| format!("cannot open the terminal: {e}"))?;
        let (sender, incoming, queue) =
            events::start().map_err(|e| format!("cannot read the terminal: {e}"))?;
        Ok(Terminal {
            screen,
            incoming,
            sender,
            queue,
            start: Instant::now(),
            resumed: None,
            targets: Vec::new(),
        })
    }

    /// Clicks on the participant's screen pick what they are on (`mvx play`).
    pub fn capture_mouse(&mut self) -> Result<(), String> {
        (self.screen.capture_mouse()).map_err(|e| format!("cannot read the mouse: {e}"))
    }

    /// Where a screen's own sources (a file watcher) send what they see.
    pub fn sender(&self) -> Sender<Read> {
        self.sender.clone()
    }

    /// The terminal's size now, columns and rows.
    pub fn size(&self) -> (u16, u16) {
        self.screen
            .terminal
            .as_ref()
            .and_then(|t| t.size().ok())
            .map_or((0, 0), |s| (s.width, s.height))
    }

    /// The terminal's clock now: how long since it opened.
    pub fn now(&self) -> Duration {
        self.start.elapsed()
    }

    /// What a session's header says about this terminal: its size now, and what the
    /// environment names it (display latency differs between terminals).
    pub fn info(&self) -> TerminalInfo {
        let (cols, rows) = self.size();
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        TerminalInfo {
            cols,
            rows,
            term: env("TERM"),
            program: env("TERM_PROGRAM"),
            tmux: env("TMUX").is_some(),
            ssh: env("SSH_CONNECTION").is_some() || env("SSH_TTY").is_some(),
        }
    }

    fn since_start(&self, at: Instant) -> Duration {
        at.saturating_duration_since(self.start)
    }
}

impl<S: Pointable> Transport<S> for Terminal
where
    for<'a> &'a S: Widget,
{
    /// `draw` returns once the frame is flushed, so the stamp is when it was out. Keys
    /// waiting in the queue before or while the frame is written were typed before it:
    /// they are stamped before "shown", whenever the input thread gets to read them.
    async fn draw(&mut self, screen: &S) -> Result<Drawn, String> {
        self.queue.check();
        let frame = self
            .screen
            .terminal()
            .draw(|frame| frame.render_widget(screen, frame.area()))
            .map_err(|e| format!("cannot draw: {e}"))?;
        self.queue.check();
        let (at, area) = (self.start.elapsed(), frame.area);
        self.targets = screen.targets(area);
        Ok(Drawn {
            at,
            cols: area.width,
            rows: area.height,
        })
    }

    async fn next(&mut self, wait: Duration) -> Incoming {
        match self.incoming.recv_timeout(wait) {
            Ok(Read::Key { at, press }) => Incoming::Key {
                at: self.since_start(at),
                press,
            },
            Ok(Read::Point { at, col, row }) => {
                let at = self.since_start(at);
                match pointer::hit(&self.targets, col, row) {
                    Some(presses) => Incoming::Pointed {
                        at,
                        presses,
                        via: Via::Pointer,
                    },
                    None => Incoming::Idle { at },
                }
            }
            Ok(Read::Resize) => Incoming::Resize,
            Ok(Read::Changed) => Incoming::Changed,
            Ok(Read::Signal { at, name }) => {
                self.screen.leave();
                Incoming::Signal {
                    at: self.since_start(at),
                    name,
                }
            }
            Ok(Read::Closed { at }) => {
                self.screen.leave();
                Incoming::Closed {
                    at: self.since_start(at),
                }
            }
            Ok(Read::Suspend { at }) if self.resumed.is_some_and(|r| at <= r) => Incoming::Idle {
                at: self.start.elapsed(),
            },
            Ok(Read::Suspend { at }) => Incoming::Suspend {
                at: self.since_start(at),
            },
            // Stopped by someone else (`SIGSTOP`) and continued: the screen is ours again.
            Ok(Read::Continued) => match self.screen.reenter() {
                Ok(()) => Incoming::Resize,
                Err(_) => Incoming::Closed {
                    at: self.start.elapsed(),
                },
            },
            Err(RecvTimeoutError::Timeout) => Incoming::Idle {
                at: self.start.elapsed(),
            },
            Err(RecvTimeoutError::Disconnected) => Incoming::Closed {
                at: self.start.elapsed(),
            },
        }
    }

    /// Gives the terminal back, stops the whole process group as a shell's Ctrl-Z
    /// does (the supervisor with it, so the shell sees the job stopped), and takes the
    /// terminal again once continued (`fg`).
    async fn suspend(&mut self, _at: Duration) -> Result<Duration, String> {
        self.screen.leave();
        let _ = kill_current_process_group(Signal::STOP);
        self.screen
            .reenter()
            .map_err(|e| format!("cannot take the terminal back: {e}"))?;
        let now = Instant::now();
        self.resumed = Some(now);
        Ok(self.since_start(now))
    }
}
