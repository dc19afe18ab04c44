//! The researcher's commands: notes, pauses, giving up, ending early.

use std::time::Duration;

use super::clock::millis;
use super::field::TextField;
use super::input::{Command, Key};
use super::{Mode, Overlay, Player};
use crate::session::moments::unknown_tag;
use crate::session::{EventKind, SessionOutcome, TaskOutcome};

/// The reason a `pause` event gives when the session was suspended (Ctrl-Z, `SIGTSTP`).
pub const SUSPEND: &str = "suspend";

impl Player<'_> {
    /// Ends the session at once, as when the terminal goes away (`SIGHUP`) or the
    /// process is asked to stop (`SIGTERM`).
    pub fn abort(&mut self, at: Duration, reason: &str) {
        if matches!(self.mode, Mode::Closing { .. }) {
            return;
        }
        if self.clock.is_paused() {
            self.suspended = false;
            let paused = self.clock.resume(at);
            // A participant who never came back did not resume: the session ends away.
            if !std::mem::take(&mut self.away) {
                self.record(
                    at,
                    EventKind::Resume {
                        paused_ms: millis(paused),
                    },
                );
            }
        }
        self.record(
            at,
            EventKind::Abort {
                reason: reason.to_owned(),
            },
        );
        if self.task_started.is_some() {
            self.end_task(at, TaskOutcome::Aborted);
        }
        self.end_session(at, SessionOutcome::Aborted);
    }

    /// The session is being suspended (Ctrl-Z): the clock stops as for a pause, so the
    /// stopped time is in no duration. A researcher's pause already stops it.
    pub fn suspend(&mut self, at: Duration) {
        self.suspend_for(at, SUSPEND);
    }

    /// The clock stops for `reason` (`suspend`; in a browser `hidden`, the page's tab is
    /// not shown, or `blur`, another window has the focus) until
    /// [`Player::resume_suspended`]: the time away is in no duration.
    pub fn suspend_for(&mut self, at: Duration, reason: &str) {
        if matches!(self.mode, Mode::Closing { .. }) || self.clock.is_paused() {
            return;
        }
        self.clock.pause(at);
        self.suspended = true;
        self.record(
            at,
            EventKind::Pause {
                reason: Some(reason.into()),
            },
        );
    }

    /// The session goes on after a suspend; a researcher's pause stays until they end it.
    pub fn resume_suspended(&mut self, at: Duration) {
        if !std::mem::take(&mut self.suspended) {
            return;
        }
        let paused = self.clock.resume(at);
        self.record(
            at,
            EventKind::Resume {
                paused_ms: millis(paused),
            },
        );
    }

    pub(super) fn command(&mut self, command: Command, at: Duration) {
        if matches!(self.mode, Mode::Closing { .. }) {
            return;
        }
        match (command, &self.overlay) {
            (Command::Quit, Overlay::ConfirmQuit) => self.abort(at, "researcher"),
            (Command::Quit, _) => self.overlay = Overlay::ConfirmQuit,
            (Command::Pause, Overlay::Paused) => {
                let paused = self.clock.resume(at);
                self.overlay = Overlay::None;
                self.record(
                    at,
                    EventKind::Resume {
                        paused_ms: millis(paused),
                    },
                );
            }
            (Command::Pause, Overlay::None) => {
                self.clock.pause(at);
                self.overlay = Overlay::Paused;
                self.record(at, EventKind::Pause { reason: None });
            }
            (Command::Note, Overlay::None) => {
                self.overlay = Overlay::Note {
                    field: TextField::default(),
                    hint: None,
                }
            }
            (Command::GiveUp, Overlay::None) => self.give_up(at),
            _ => {}
        }
    }

    pub(super) fn overlay_key(&mut self, key: Key, at: Duration) {
        match &mut self.overlay {
            Overlay::Note { field, hint } => match key {
                Key::Enter => {
                    let text = field.text().trim().to_owned();
                    if let Some(problem) = unknown_tag(&text, &self.tags) {
                        *hint = Some(problem);
                        return;
                    }
                    self.overlay = Overlay::None;
                    if !text.is_empty() {
                        self.record(at, EventKind::Note { text });
                    }
                }
                Key::Esc => self.overlay = Overlay::None,
                Key::Tab => {
                    let fits = field.complete_tag(&self.tags);
                    *hint = (fits.len() > 1).then(|| {
                        let names: Vec<String> = fits.iter().map(|t| format!("#{t}")).collect();
                        names.join("  ")
                    });
                }
                key => {
                    if field.edit(key) {
                        *hint = None;
                    }
                }
            },
            Overlay::ConfirmQuit => match key {
                Key::Char('y' | 'Y') | Key::Enter => self.abort(at, "researcher"),
                Key::Char('n' | 'N') | Key::Esc => {
                    self.overlay = if self.clock.is_paused() {
                        Overlay::Paused
                    } else {
                        Overlay::None
                    };
                }
                _ => {}
            },
            Overlay::Paused | Overlay::None => {}
        }
    }
}
