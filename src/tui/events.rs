//! Terminal input and signals, stamped the moment they arrive, on one channel: the one
//! input mechanism of every interactive command.
#![allow(clippy::disallowed_methods)] // the shell: this is where keys are stamped

use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread;
use std::time::Instant;

use ratatui::crossterm::event::{self, Event};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
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
    /// Reading the terminal failed; input is over.
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
    let mut signals = Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    let signal_sender = sender.clone();
    thread::spawn(move || {
        for signal in signals.forever() {
            let name = match signal {
                SIGHUP => "SIGHUP",
                SIGINT => "SIGINT",
                _ => "SIGTERM",
            };
            let at = Instant::now();
            if signal_sender.send(Incoming::Signal { at, name }).is_err() {
                break;
            }
        }
    });
    let input_sender = sender.clone();
    thread::spawn(move || read_terminal(&input_sender));
    Ok((sender, receiver))
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
