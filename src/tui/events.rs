//! Terminal input and signals, stamped the moment they arrive, on one channel.
#![allow(clippy::disallowed_methods)] // the shell: this is where keys are stamped

use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread;
use std::time::Instant;

use ratatui::crossterm::event::{self, Event};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// Something from outside, with the monotonic time it arrived.
#[derive(Debug)]
pub enum Incoming {
    /// A terminal event, stamped as soon as `read()` returned it.
    Terminal { at: Instant, event: Event },
    /// The process was asked to stop (`SIGTERM`, `SIGINT`) or lost its terminal (`SIGHUP`).
    Signal { at: Instant, name: &'static str },
    /// Reading the terminal failed; input is over.
    Closed,
}

/// Starts the input and signal threads. Stamping happens on the input thread right
/// after `read()` returns, never in the drawing loop, so a slow frame cannot delay it.
pub fn start() -> std::io::Result<Receiver<Incoming>> {
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
            if signal_sender
                .send(Incoming::Signal {
                    at: Instant::now(),
                    name,
                })
                .is_err()
            {
                break;
            }
        }
    });
    thread::spawn(move || read_terminal(&sender));
    Ok(receiver)
}

fn read_terminal(sender: &Sender<Incoming>) {
    loop {
        let incoming = match event::read() {
            Ok(event) => Incoming::Terminal {
                at: Instant::now(),
                event,
            },
            Err(_) => Incoming::Closed,
        };
        let closed = matches!(incoming, Incoming::Closed);
        if sender.send(incoming).is_err() || closed {
            break;
        }
    }
}
