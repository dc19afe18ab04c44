//! Terminal input and signals, stamped the moment they arrive, on one channel: the one
//! input mechanism of every interactive command.
//!
//! crossterm's reader spins without end once its terminal is gone (a hung-up terminal
//! reads as an endless end-of-file, which it takes as "read again"), so a second thread
//! waits on the terminal for its hang-up alone, parks crossterm's reader, and says
//! input is over.
//!
//! A key typed before a frame existed (while mvx was starting, or while a screen was
//! being drawn) may still wait in the terminal's queue when the frame is drawn, and the
//! input thread may read it only afterwards: stamped at its read it would look like a
//! response to that frame. So the frame's drawer asks [`Queue::check`] first; input
//! found waiting is stamped no later than the moment it was found.
#![allow(clippy::disallowed_methods)] // the shell: this is where keys are stamped

use std::fs::File;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event, MouseButton, MouseEventKind};
use rustix::event::{PollFd, PollFlags, Timespec, poll};
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
    /// The left mouse button went down on a cell (when `mvx play` captures the mouse),
    /// stamped as soon as `read()` returned it.
    Point {
        at: Instant,
        col: u16,
        row: u16,
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

/// Input waiting in the terminal's queue: typed before whatever is drawn next.
#[derive(Clone)]
pub struct Queue {
    terminal: Arc<Watched>,
    /// When input was first found waiting, until the input thread finds the queue empty.
    found: Arc<Mutex<Option<Instant>>>,
}

impl Queue {
    fn new(terminal: Watched) -> Self {
        Queue {
            terminal: Arc::new(terminal),
            found: Arc::new(Mutex::new(None)),
        }
    }

    /// Called around drawing a frame: input waiting now was typed before the frame is
    /// out, so the keys read from it are stamped no later than now.
    pub fn check(&self) {
        if self.terminal.has_input() {
            self.found_at(Instant::now());
        }
    }

    fn found_at(&self, at: Instant) {
        if let Ok(mut found) = self.found.lock() {
            found.get_or_insert(at);
        }
    }

    /// The stamp of a key `read` from the terminal: no later than when input was found
    /// waiting, if it was and has not been read through since.
    fn stamp(&self, read: Instant) -> Instant {
        let found = self.found.lock().ok().and_then(|found| *found);
        found.map_or(read, |found| found.min(read))
    }

    /// The input thread found nothing left to read at `checked`: what was found waiting
    /// before then has been read. (Input found later is kept for the keys still to come.)
    fn drained(&self, checked: Instant) {
        if let Ok(mut found) = self.found.lock()
            && found.is_some_and(|at| at <= checked)
        {
            *found = None;
        }
    }
}

/// Starts the input and signal threads. Stamping happens on the input thread right
/// after `read()` returns, never in the drawing loop, so a slow frame cannot delay it.
pub fn start() -> std::io::Result<(Sender<Incoming>, Receiver<Incoming>, Queue)> {
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
    let queue = Queue::new(Watched::open());
    let (input_sender, input_queue) = (sender.clone(), queue.clone());
    thread::spawn(move || read_terminal(&input_sender, &input_queue));
    let terminal = Watched::open();
    let hang_up_sender = sender.clone();
    thread::spawn(move || watch_hang_up(&terminal, &hang_up_sender));
    Ok((sender, receiver, queue))
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

    /// Whether input is waiting to be read, without waiting for any.
    fn has_input(&self) -> bool {
        let Some(fd) = self.fd() else { return false };
        let mut fds = [PollFd::new(&fd, PollFlags::IN)];
        let now = Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        matches!(poll(&mut fds, Some(&now)), Ok(n) if n > 0)
            && fds[0].revents().contains(PollFlags::IN)
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

fn read_terminal(sender: &Sender<Incoming>, queue: &Queue) {
    loop {
        // Before waiting: is anything left of what was found waiting? (Never between a
        // read and its stamp.)
        let checked = Instant::now();
        if !matches!(event::poll(Duration::ZERO), Ok(true)) {
            queue.drained(checked);
        }
        let incoming = match event::read() {
            Ok(Event::Key(key)) => {
                let at = queue.stamp(Instant::now());
                match keymap::press(key) {
                    Some(press) => Incoming::Key { at, press },
                    None => continue,
                }
            }
            Ok(Event::Mouse(mouse)) if mouse.kind == MouseEventKind::Down(MouseButton::Left) => {
                Incoming::Point {
                    at: queue.stamp(Instant::now()),
                    col: mouse.column,
                    row: mouse.row,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_found_waiting_is_stamped_when_it_was_found_until_the_queue_is_read_through() {
        let queue = Queue::new(Watched::Unknown);
        let found = Instant::now();
        let ms = Duration::from_millis;
        assert_eq!(
            queue.stamp(found + ms(5)),
            found + ms(5),
            "nothing was waiting"
        );
        queue.found_at(found);
        queue.found_at(found + ms(2)); // found again around the same frame: the first holds
        assert_eq!(
            queue.stamp(found + ms(9)),
            found,
            "read after the frame, typed before"
        );
        assert_eq!(queue.stamp(found + ms(7)), found, "every key of a burst");
        // The reader found the queue empty before the input was found: it keeps its stamp.
        queue.drained(found - ms(1));
        assert_eq!(queue.stamp(found + ms(12)), found);
        queue.drained(found + ms(13));
        assert_eq!(
            queue.stamp(found + ms(20)),
            found + ms(20),
            "typed after it"
        );
    }

    #[test]
    fn input_waits_once_written_and_is_found_without_reading_it() {
        use std::io::Write;
        let (reader, mut writer) = std::io::pipe().expect("a pipe");
        let queue = Queue::new(Watched::Tty(File::from(std::os::fd::OwnedFd::from(reader))));
        let before = Instant::now();
        queue.check();
        assert_eq!(queue.stamp(before), before, "nothing waiting yet");
        writer.write_all(b"2").expect("written");
        queue.check();
        let read = Instant::now() + Duration::from_millis(30);
        let stamped = queue.stamp(read);
        assert!(stamped > before && stamped < read, "{stamped:?}");
        assert!(queue.terminal.has_input(), "checking reads nothing");
    }

    #[test]
    fn nothing_waits_where_there_is_no_terminal() {
        assert!(!Watched::Unknown.has_input());
        let queue = Queue::new(Watched::Unknown);
        queue.check();
        let read = Instant::now();
        assert_eq!(queue.stamp(read), read);
    }
}
