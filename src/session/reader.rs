//! Reading session files, including ones cut short by a crash or still being written.

use std::path::{Path, PathBuf};

use super::{Event, EventKind, Header, SessionEnding, SessionOutcome};
use crate::source::{self, Kind};
use crate::text::printable;

/// What a session or a task attempt is called when the recording stopped before its end.
pub const CUT_OFF: &str = "cut off";

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub path: Option<PathBuf>,
    pub header: Header,
    pub events: Vec<Event>,
    /// The file ended in the middle of a line, which was dropped.
    pub cut: bool,
}

impl Session {
    /// Whether the session reached its recorded end (complete or aborted).
    pub fn ended(&self) -> bool {
        self.outcome().is_some()
    }

    /// How the session ended, if its end was recorded.
    pub fn outcome(&self) -> Option<SessionOutcome> {
        self.events.iter().rev().find_map(|e| match &e.kind {
            EventKind::SessionEnd { outcome } => Some(*outcome),
            _ => None,
        })
    }

    /// How the session ended, cut off when the recording stopped without an end.
    pub fn ending(&self) -> SessionEnding {
        self.outcome()
            .map_or(SessionEnding::CutOff, SessionEnding::Ended)
    }
}

#[derive(Debug)]
pub struct ReadError {
    pub message: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReadError {}

/// Session files grow by a line per event: even a day-long session with every keystroke
/// recorded stays in the low megabytes. A file past this is not a session, and is
/// refused before it fills memory.
pub const LIMIT: u64 = 256 * 1024 * 1024;

/// What `read` accepts: regular files up to `LIMIT`, read the way flow files are.
pub const SESSION_FILE: Kind = Kind {
    noun: "session",
    pattern: "*.yaml",
    limit: LIMIT,
};

pub fn read(path: &Path) -> Result<Session, ReadError> {
    let shown = printable(&path.display().to_string());
    let bytes = source::read(path, SESSION_FILE).map_err(|e| ReadError {
        message: e.to_string(),
    })?;
    // A crash can cut a multi-byte character in two; that part of the last line is dropped.
    let text = String::from_utf8_lossy(&bytes);
    let mut session = parse(&text).map_err(|e| ReadError {
        message: format!("{shown}: {}", e.message),
    })?;
    session.path = Some(path.to_owned());
    Ok(session)
}

/// Parses a session file's text. A last line without its newline is dropped: it is the
/// event that was being written when the recording stopped.
pub fn parse(text: &str) -> Result<Session, ReadError> {
    let (complete, cut) = match text.rfind('\n') {
        Some(i) => (&text[..=i], i + 1 < text.len()),
        None => ("", !text.is_empty()),
    };
    let Some(events_at) = find_events_line(complete) else {
        return Err(ReadError {
            message: "the session was cut off before its header was complete".into(),
        });
    };
    let header: Header = serde_saphyr::from_str(&complete[..events_at]).map_err(|e| ReadError {
        message: format!("the session header is not valid: {e}"),
    })?;
    let mut events = Vec::new();
    let mended = super::resumed::mend(&complete[events_at..]);
    let lines = mended.lines().skip(1);
    for (n, line) in lines.enumerate() {
        let Some(json) = line.strip_prefix("- ") else {
            return Err(bad_event(n, "an event line must start with `- `"));
        };
        let event = serde_json::from_str(json).map_err(|e| bad_event(n, &e.to_string()))?;
        events.push(event);
    }
    Ok(Session {
        path: None,
        header,
        events: super::resumed::fold(events),
        cut,
    })
}

fn find_events_line(text: &str) -> Option<usize> {
    if text.starts_with("events:\n") {
        return Some(0);
    }
    text.find("\nevents:\n").map(|i| i + 1)
}

fn bad_event(index: usize, why: &str) -> ReadError {
    ReadError {
        message: format!("event {} is not valid: {why}", index + 1),
    }
}
