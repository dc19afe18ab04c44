//! The one loop every interactive screen runs in, whatever carries its keys and frames.
//!
//! A [`Screen`] is state with an `Action`, an `update` and (in the shell) a view; a
//! [`Transport`] reads stamped input and puts frames out, saying when each was shown.
//! The local terminal is one transport; tests script another. The loop knows neither
//! terminals nor clocks: every time in it arrives as data, measured by the transport
//! from its own start.

pub mod session;
pub mod shifted;
#[cfg(test)]
mod tests;

use std::time::Duration;

use crate::keys::{Keymap, Press};

/// Something a transport read, stamped as it was read.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// A key, stamped the moment it was read.
    Key { at: Duration, press: Press },
    /// The window changed size: draw again.
    Resize,
    /// The process was asked to stop (`SIGTERM`, `SIGINT`) or lost its terminal (`SIGHUP`).
    Signal { at: Duration, name: &'static str },
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
pub trait Transport<S: ?Sized> {
    /// Draws `screen` and returns once the frame is out.
    fn draw(&mut self, screen: &S) -> Result<Drawn, String>;
    /// The next input, or [`Incoming::Idle`] after `wait`.
    fn next(&mut self, wait: Duration) -> Incoming;
}

/// An interactive screen: state that actions change. Every method that can change
/// what is on screen returns whether it did, so frames are drawn only on change.
pub trait Screen {
    type Action: Copy + PartialEq;

    /// The keys the screen takes now (a screen typing text takes other keys).
    fn keys(&self) -> &Keymap<Self::Action>;

    fn update(&mut self, at: Duration, action: Self::Action) -> Result<bool, String>;

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

    /// The screen must end now; nothing more is drawn.
    fn stop(&mut self, _at: Duration, _why: Stop) -> Result<(), String> {
        Ok(())
    }

    /// How long to wait for input before [`Screen::tick`].
    fn wait(&self) -> Duration {
        Duration::from_millis(100)
    }

    fn done(&self) -> bool;
}

/// Runs `screen` over `transport` until it is done or stopped.
pub fn run<S: Screen, T: Transport<S>>(screen: &mut S, transport: &mut T) -> Result<(), String> {
    let mut dirty = true;
    loop {
        if dirty {
            let drawn = transport.draw(screen)?;
            screen.shown(drawn)?;
        }
        if screen.done() {
            return Ok(());
        }
        dirty = match transport.next(screen.wait()) {
            Incoming::Key { at, press } => match screen.keys().action(press) {
                Some(action) => screen.update(at, action)?,
                None => false,
            },
            Incoming::Resize => true,
            Incoming::Changed => screen.changed(),
            Incoming::Idle { at } => screen.tick(at)?,
            Incoming::Disconnected { at } => screen.disconnected(at)?,
            Incoming::Reconnected { at } => screen.reconnected(at)?,
            Incoming::Signal { at, name } => return screen.stop(at, Stop::Signal(name)),
            Incoming::Closed { at } => return screen.stop(at, Stop::Closed),
        };
    }
}
