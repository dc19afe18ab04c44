//! `mvx observe`: follow a live session from a second terminal, and take notes beside it.

mod view;

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};

use crate::session::{self, Event as SessionEvent, EventKind, Header, ObserverNote};
use crate::tui::terminal::FullScreen;

/// How often the file is read again: new events show within this (well inside 200 ms).
const POLL: Duration = Duration::from_millis(100);

/// What the observer knows of the session so far.
pub struct Observer {
    pub path: PathBuf,
    pub header: Option<Header>,
    pub events: Vec<SessionEvent>,
    pub notes: Vec<ObserverNote>,
    /// A note being typed.
    pub typing: Option<String>,
    pub problem: Option<String>,
}

impl Observer {
    pub fn new(path: PathBuf) -> Self {
        let notes = session::read_notes(&path);
        Observer {
            path,
            header: None,
            events: Vec::new(),
            notes,
            typing: None,
            problem: None,
        }
    }

    /// Reads the file again; a partly written last line waits for the next read.
    pub fn refresh(&mut self) {
        match session::read(&self.path) {
            Ok(recorded) => {
                self.header = Some(recorded.header);
                self.events = recorded.events;
                self.problem = None;
            }
            Err(e) => self.problem = Some(e.to_string()),
        }
    }

    /// The step the participant is on and when it was shown (ms from the start).
    pub fn current_step(&self) -> Option<(&str, u64)> {
        if self.ended() {
            return None;
        }
        self.events.iter().rev().find_map(|e| match &e.kind {
            EventKind::Show { step } => Some((step.as_str(), e.at_ms)),
            EventKind::Ask { question } => Some((question.as_str(), e.at_ms)),
            _ => None,
        })
    }

    pub fn ended(&self) -> bool {
        self.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::SessionEnd { .. }))
    }

    /// Milliseconds from the session's start to `now`, by the wall clock.
    pub fn session_ms(&self, now: DateTime<FixedOffset>) -> Option<u64> {
        let started = DateTime::parse_from_rfc3339(&self.header.as_ref()?.started_at).ok()?;
        u64::try_from((now - started).num_milliseconds()).ok()
    }

    /// Saves the typed note beside the session, stamped with the session time `at_ms`.
    pub fn save_note(&mut self, at_ms: u64) -> io::Result<()> {
        let Some(text) = self
            .typing
            .take()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
        else {
            return Ok(());
        };
        let id = self.header.as_ref().map_or("", |h| h.session.as_str());
        let note = ObserverNote { at_ms, text };
        session::append_note(&self.path, id, &note)?;
        self.notes.push(note);
        Ok(())
    }
}

/// The newest session file in `dir`: names start with the UTC start time.
pub fn latest(dir: &Path) -> Option<PathBuf> {
    let (files, _) = session::discover(&[dir.to_owned()]);
    files
        .into_iter()
        .max_by_key(|p| p.file_name().map(|n| n.to_owned()))
}

/// Follows `path` until `q`; `n` starts a note, Enter saves it, Esc drops it.
pub fn run(path: PathBuf) -> io::Result<()> {
    let mut observer = Observer::new(path);
    observer.refresh();
    let mut screen = FullScreen::enter()?;
    loop {
        let now = now();
        screen.terminal.draw(|frame| {
            frame.render_widget(
                &view::ObserveView {
                    observer: &observer,
                    now,
                },
                frame.area(),
            )
        })?;
        if !event::poll(POLL)? {
            observer.refresh();
            continue;
        }
        let Event::Key(key) = event::read()? else {
            continue;
        };
        if key.kind == KeyEventKind::Release {
            continue;
        }
        let ctrl_c =
            key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c');
        match (&mut observer.typing, key.code) {
            (_, _) if ctrl_c => return Ok(()),
            (Some(_), KeyCode::Enter) => {
                let at = observer.session_ms(now).unwrap_or(0);
                if let Err(e) = observer.save_note(at) {
                    observer.problem = Some(format!("cannot save the note: {e}"));
                }
            }
            (Some(_), KeyCode::Esc) => observer.typing = None,
            (Some(text), KeyCode::Backspace) => {
                text.pop();
            }
            (Some(text), KeyCode::Char(c)) if !c.is_control() => text.push(c),
            (None, KeyCode::Char('q')) => return Ok(()),
            (None, KeyCode::Char('n')) => observer.typing = Some(String::new()),
            _ => {}
        }
    }
}

#[allow(clippy::disallowed_methods)] // the shell: observing is following the wall clock
fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}
