//! Terminal input and signals, stamped the moment they arrive, on one channel: the one
//! input mechanism of every interactive command.
//!
//! crossterm's reader spins without end once its terminal is gone (a hung-up terminal
//! reads as an endless end-of-file, which it takes as "read again"), so a second thread
//! waits on the terminal for its hang-up alone, parks crossterm's reader, and says
//! input is over.
#![allow(clippy::disallowed_methods)] // the shell: this is where keys are stamped

use std::fs::File;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread;
use std::time::Instant;

use ratatui::crossterm::event::{self, Event};
use rustix::event::{PollFd, PollFlags, poll};
use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGTERM, SIGTSTP};
use signal_hook::iterator::Signals;

use super::keymap;
use crate::keys::Press;

/// Something from outside, with the monotonic time it arrived.
#[derive(Debug)]
pub enum Incoming {
    /// A key, stamped as soon as `read()` returned it.
    Key {
        at: Instant,
        press: Press,
    },
    Resize,
    /// The process was asked to stop (`SIGTERM`, `SIGINT`) or lost its terminal (`SIGHUP`).
    Signal {
        at: Instant,
        name: &'static str,
    },
    /// The process was asked to suspend (`SIGTSTP`).
    Suspend {
        at: Instant,
    },
    /// The process was continued (`SIGCONT`) after a stop it did not ask for.
    Continued,
    /// The terminal hung up or reading it failed; input is over.
    Closed {
        at: Instant,
    },
    /// A file the screen follows changed (sent by the screen's own watcher).
    Changed,
}

/// Starts the input and signal threads. Stamping happens on the input thread right
/// after `read()` returns, never in the drawing loop, so a slow frame cannot delay it.
pub fn start() -> std::io::Result<(Sender<Incoming>, Receiver<Incoming>)> {
    let (sender, receiver) = channel();
    let mut signals = Signals::new([SIGTERM, SIGHUP, SIGINT, SIGTSTP, SIGCONT])?;
    let signal_sender = sender.clone();
    thread::spawn(move || {
        for signal in signals.forever() {
            let at = Instant::now();
            let incoming = match signal {
                SIGTSTP => Incoming::Suspend { at },
                SIGCONT => Incoming::Continued,
                SIGHUP => Incoming::Signal { at, name: "SIGHUP" },
                SIGINT => Incoming::Signal { at, name: "SIGINT" },
                _ => Incoming::Signal {
                    at,
                    name: "SIGTERM",
                },
            };
            if signal_sender.send(incoming).is_err() {
                break;
            }
        }
    });
    let input_sender = sender.clone();
    thread::spawn(move || read_terminal(&input_sender));
    let terminal = Watched::open();
    let hang_up_sender = sender.clone();
    thread::spawn(move || watch_hang_up(&terminal, &hang_up_sender));
    Ok((sender, receiver))
}

/// The terminal crossterm reads: standard input when it is one, else `/dev/tty`.
enum Watched {
    Stdin,
    Tty(File),
    /// Nothing that can be waited on.
    Unknown,
}

impl Watched {
    fn open() -> Self {
        if rustix::termios::isatty(std::io::stdin()) {
            return Watched::Stdin;
        }
        File::open("/dev/tty").map_or(Watched::Unknown, Watched::Tty)
    }

    fn fd(&self) -> Option<BorrowedFd<'_>> {
        match self {
            Watched::Stdin => Some(rustix::stdio::stdin()),
            Watched::Tty(file) => Some(file.as_fd()),
            Watched::Unknown => None,
        }
    }
}

/// Waits, using no CPU, until the terminal hangs up; then stops crossterm's reader from
/// spinning and says input is over.
fn watch_hang_up(terminal: &Watched, sender: &Sender<Incoming>) {
    let Some(fd) = terminal.fd() else { return };
    loop {
        // No events asked for: `poll` returns only when the terminal hangs up.
        let mut fds = [PollFd::new(&fd, PollFlags::empty())];
        match poll(&mut fds, None) {
            Ok(_) if fds[0].revents().contains(PollFlags::NVAL) => return,
            Ok(_) if fds[0].revents().intersects(PollFlags::HUP | PollFlags::ERR) => break,
            Ok(_) | Err(rustix::io::Errno::INTR) => {}
            Err(_) => return,
        }
    }
    if matches!(terminal, Watched::Stdin) {
        park_reader();
    }
    let _ = sender.send(Incoming::Closed { at: Instant::now() });
}

/// Puts an empty pipe where the hung-up terminal was on standard input: crossterm's next
/// read there waits forever instead of returning end-of-file at once, again and again.
fn park_reader() {
    if let Ok((empty, writer)) = std::io::pipe() {
        let _ = rustix::stdio::dup2_stdin(&empty);
        // The pipe stays open (and empty) until the process ends.
        std::mem::forget(writer);
    }
}

fn read_terminal(sender: &Sender<Incoming>) {
    loop {
        let incoming = match event::read() {
            Ok(Event::Key(key)) => {
                let at = Instant::now();
                match keymap::press(key) {
                    Some(press) => Incoming::Key { at, press },
                    None => continue,
                }
            }
            Ok(Event::Resize(..)) => Incoming::Resize,
            Ok(_) => continue,
            Err(_) => Incoming::Closed { at: Instant::now() },
        };
        let closed = matches!(incoming, Incoming::Closed { .. });
        if sender.send(incoming).is_err() || closed {
            break;
        }
    }
}
