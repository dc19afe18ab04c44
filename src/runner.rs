//! The one loop every interactive screen runs in, whatever carries its keys and frames.
//!
//! A [`Screen`] is state with an `Action`, an `update` and (in the shell) a view; a
//! [`Transport`] reads stamped input and puts frames out, saying when each was shown.
//! The local terminal is one transport; tests script another. The loop knows neither
//! terminals nor clocks: every time in it arrives as data, measured by the transport
//! from its own start.
//!
//! The loop is `async`: a transport that waits for a browser (`mvx serve`) gives its
//! thread to other participants while it waits, so a server runs a thousand sessions
//! as tasks on two threads, not as a thousand threads. A transport that reads a
//! terminal or a script blocks instead, and its loop runs with [`block_on`]: the same
//! loop, the same screens, whatever carries them.

pub mod session;
pub mod shifted;
#[cfg(test)]
mod tests;

use std::time::Duration;

use crate::keys::{Keymap, Press, Via};

/// Something a transport read, stamped as it was read.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// A key, stamped the moment it was read.
    Key { at: Duration, press: Press },
    /// A click or tap on a target of the frame on screen, stamped the moment it was
    /// read (the pointer going down): the keys that target stands for, in order.
    Pointed {
        at: Duration,
        presses: Vec<Press>,
        via: Via,
    },
    /// The window changed size: draw again.
    Resize,
    /// The process was asked to stop (`SIGTERM`, `SIGINT`) or lost its terminal (`SIGHUP`).
    Signal { at: Duration, name: &'static str },
    /// The process was asked to suspend (`SIGTSTP`).
    Suspend { at: Duration },
    /// Input is over: the terminal went away.
    Closed { at: Duration },
    /// A file the screen follows changed.
    Changed,
    /// Nothing arrived within the wait.
    Idle { at: Duration },
    /// The participant's connection dropped (a served session); they may come back.
    Disconnected { at: Duration },
    /// The participant is connected again: draw again.
    Reconnected { at: Duration },
    /// The participant's page went out of sight (`hidden`: its tab not shown) or out of
    /// focus (`blur`): the clock stops until [`Incoming::Back`].
    Away { at: Duration, why: &'static str },
    /// The page is in sight and in focus again.
    Back { at: Duration },
}

/// A frame that reached the screen, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drawn {
    pub at: Duration,
    /// The frame's size: a screen that did not fit has not been seen.
    pub cols: u16,
    pub rows: u16,
}

/// Why a screen must end at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Signal(&'static str),
    /// The terminal (or the connection) went away.
    Closed,
}

/// Where a screen's input comes from and its frames go.
// Used only generically, never as `dyn`: whether a loop's future may move between
// threads is the concrete transport's to say (the served one's may).
#[allow(async_fn_in_trait)]
pub trait Transport<S: ?Sized> {
    /// Draws `screen` and returns once the frame is out.
    async fn draw(&mut self, screen: &S) -> Result<Drawn, String>;
    /// The next input, or [`Incoming::Idle`] after `wait`.
    async fn next(&mut self, wait: Duration) -> Incoming;

    /// Suspends (Ctrl-Z) and returns once continued, with the time it was. A transport
    /// that cannot suspend goes on at once.
    async fn suspend(&mut self, at: Duration) -> Result<Duration, String> {
        Ok(at)
    }
}

/// Runs `future` on this thread to its end: the loop over a transport that blocks
/// (a terminal, a script, a synthetic participant), which never leaves it waiting.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    futures_executor::block_on(future)
}

/// An interactive screen: state that actions change. Every method that can change
/// what is on screen returns whether it did, so frames are drawn only on change.
pub trait Screen {
    type Action: Copy + PartialEq;

    /// The keys the screen takes now (a screen typing text takes other keys).
    fn keys(&self) -> &Keymap<Self::Action>;

    fn update(&mut self, at: Duration, action: Self::Action) -> Result<bool, String>;

    /// [`Screen::update`] for an action given by a click or a tap: a screen that records
    /// how its inputs were given says so.
    fn update_via(
        &mut self,
        at: Duration,
        action: Self::Action,
        _via: Via,
    ) -> Result<bool, String> {
        self.update(at, action)
    }

    /// Time passed without input.
    fn tick(&mut self, _at: Duration) -> Result<bool, String> {
        Ok(false)
    }

    /// A frame of the screen reached the display.
    fn shown(&mut self, _drawn: Drawn) -> Result<(), String> {
        Ok(())
    }

    /// A followed file changed.
    fn changed(&mut self) -> bool {
        false
    }

    /// The participant's connection dropped; returns whether the screen changed.
    fn disconnected(&mut self, _at: Duration) -> Result<bool, String> {
        Ok(false)
    }

    /// The participant is back after a dropped connection.
    fn reconnected(&mut self, _at: Duration) -> Result<bool, String> {
        Ok(true)
    }

    /// The participant looked away (`why`: `hidden`, `blur`); returns whether the screen
    /// changed.
    fn away(&mut self, _at: Duration, _why: &'static str) -> Result<bool, String> {
        Ok(false)
    }

    /// The participant is back after [`Screen::away`].
    fn back(&mut self, _at: Duration) -> Result<bool, String> {
        Ok(false)
    }

    /// The screen must end now; nothing more is drawn.
    fn stop(&mut self, _at: Duration, _why: Stop) -> Result<(), String> {
        Ok(())
    }

    /// Whether `action` asks to suspend (Ctrl-Z): the transport does it, the screen
    /// hears [`Screen::suspend`] before and [`Screen::resume`] after.
    fn is_suspend(&self, _action: Self::Action) -> bool {
        false
    }

    /// The session is about to be stopped: record what must be on disk first.
    fn suspend(&mut self, _at: Duration) -> Result<(), String> {
        Ok(())
    }

    /// The session goes on after a suspend.
    fn resume(&mut self, _at: Duration) -> Result<(), String> {
        Ok(())
    }

    /// How long to wait for input before [`Screen::tick`].
    fn wait(&self) -> Duration {
        Duration::from_millis(100)
    }

    fn done(&self) -> bool;
}

/// Runs `screen` over `transport` until it is done or stopped.
pub async fn run<S: Screen, T: Transport<S>>(
    screen: &mut S,
    transport: &mut T,
) -> Result<(), String> {
    let mut dirty = true;
    // The last moment the transport was known to work: a frame that cannot be drawn
    // means the terminal (or the connection) is gone, and it went after this.
    let mut alive = Duration::ZERO;
    loop {
        if dirty {
            match transport.draw(screen).await {
                Ok(drawn) => {
                    alive = alive.max(drawn.at);
                    screen.shown(drawn)?;
                }
                Err(_) => return screen.stop(alive, Stop::Closed),
            }
        }
        if screen.done() {
            return Ok(());
        }
        let incoming = transport.next(screen.wait()).await;
        alive = alive.max(incoming.at().unwrap_or(alive));
        dirty = match incoming {
            Incoming::Key { at, press } => match screen.keys().action(press) {
                Some(action) if screen.is_suspend(action) => suspend(screen, transport, at).await?,
                Some(action) => screen.update(at, action)?,
                None => false,
            },
            Incoming::Pointed { at, presses, via } => {
                let mut changed = false;
                for press in presses {
                    if let Some(action) = screen.keys().action(press) {
                        changed |= screen.update_via(at, action, via)?;
                    }
                }
                changed
            }
            Incoming::Suspend { at } => suspend(screen, transport, at).await?,
            Incoming::Resize => true,
            Incoming::Changed => screen.changed(),
            Incoming::Idle { at } => screen.tick(at)?,
            Incoming::Disconnected { at } => screen.disconnected(at)?,
            Incoming::Reconnected { at } => screen.reconnected(at)?,
            Incoming::Away { at, why } => screen.away(at, why)?,
            Incoming::Back { at } => screen.back(at)?,
            Incoming::Signal { at, name } => return screen.stop(at, Stop::Signal(name)),
            Incoming::Closed { at } => return screen.stop(at, Stop::Closed),
        };
    }
}

impl Incoming {
    /// When it arrived, for what carries a time.
    fn at(&self) -> Option<Duration> {
        match self {
            Incoming::Key { at, .. }
            | Incoming::Pointed { at, .. }
            | Incoming::Signal { at, .. }
            | Incoming::Suspend { at }
            | Incoming::Closed { at }
            | Incoming::Idle { at }
            | Incoming::Disconnected { at }
            | Incoming::Reconnected { at }
            | Incoming::Away { at, .. }
            | Incoming::Back { at } => Some(*at),
            Incoming::Resize | Incoming::Changed => None,
        }
    }
}

/// Ctrl-Z or `SIGTSTP`: the screen records, the transport stops, both go on; the whole
/// screen is drawn again.
async fn suspend<S: Screen, T: Transport<S>>(
    screen: &mut S,
    transport: &mut T,
    at: Duration,
) -> Result<bool, String> {
    screen.suspend(at)?;
    let resumed = transport.suspend(at).await?;
    screen.resume(resumed)?;
    Ok(true)
}
