//! Reading session files, including ones cut short by a crash or still being written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::lines::lines;
use super::{AnswerValue, Event, EventKind, Header, SessionEnding, SessionOutcome, Timing};
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
    /// Event lines left out, each named: unreadable, implausible, or cut off.
    pub problems: Vec<DataProblem>,
}

/// An event line that was left out of the session, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DataProblem {
    /// The line in the file, counting from 1.
    pub line: usize,
    pub why: String,
    /// The file, when it is not the session's own (the notes kept beside it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// No session lasts a week: a time or duration past this is not a measurement.
pub const PLAUSIBLE_MS: u64 = 7 * 24 * 60 * 60 * 1000;

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

    /// How the session ended: declined when its participant did not agree to the
    /// consent, cut off when the recording stopped without an end.
    pub fn ending(&self) -> SessionEnding {
        match self.outcome() {
            Some(outcome) => SessionEnding::Ended(outcome),
            None if self.declined() => SessionEnding::Declined,
            None => SessionEnding::CutOff,
        }
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
    // A crash can cut a multi-byte character in two; that part of the last line is
    // dropped. (The strict check first: it is much the faster on text that is valid.)
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(&bytes),
    };
    let mut session = parse(&text).map_err(|e| ReadError {
        message: format!("{shown}: {}", e.message),
    })?;
    session.path = Some(path.to_owned());
    Ok(session)
}

/// Parses a session file's text. A last line without its newline is left out (it is the
/// event that was being written when the recording stopped) and named, as is every
/// event line that cannot be read or holds values no session could have: the good
/// events are kept, the bad ones listed, none dropped in silence.
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
    let header = read_header(&complete[..events_at])?;
    known_schema(&header.schema)?;
    known_version(&header.flow.sha256)?;
    let first_line = lines(&complete[..events_at]).count() + 2;
    let body = &complete[events_at..];
    // About one event per 60 bytes (mvx's lines are 40 to 150): sized once, mostly.
    let mut events = Vec::with_capacity(body.len() / 60 + 1);
    let mut problems = Vec::new();
    let mut rest = lines(body).skip(1).peekable();
    let mut line = first_line;
    while let Some(text) = rest.next() {
        match event(text, &header.flow.scales) {
            Ok(event) => events.push(event),
            // A line a crash cut short, which the resume after it closed: the session
            // carried on from the events before it (docs/studies.md).
            Err(_) if rest.peek().is_some_and(|n| super::resumed::is_resumed(n)) => {}
            Err(why) => problems.push(DataProblem {
                line,
                why,
                file: None,
            }),
        }
        line += 1;
    }
    if cut {
        problems.push(DataProblem {
            line: first_line + lines(body).count() - 1,
            why: "cut off mid-line: the recording stopped while writing it".into(),
            file: None,
        });
    }
    Ok(Session {
        path: None,
        header,
        events: super::resumed::fold(events),
        cut,
        problems,
    })
}

/// The header and events of a session file as the fast path alone reads them: `None`
/// when the header or any event line would step aside for the general reader (serde-
/// saphyr, serde). Nothing reads sessions this way; it answers the question "is every
/// line of this file on the fast path?", which the tests ask of each kind of session
/// mvx writes.
pub fn fast_path(text: &str) -> Option<(Header, Vec<Event>)> {
    let at = find_events_line(text)?;
    let header = super::fast_header::header(&text[..at])?;
    let events = lines(&text[at..])
        .skip(1)
        .map(|line| super::fast_event::event(line.strip_prefix("- ")?))
        .collect::<Option<Vec<_>>>()?;
    Some((header, events))
}

/// The header, by the fast path where it has mvx's own shape, else by serde-saphyr.
fn read_header(yaml: &str) -> Result<Header, ReadError> {
    match super::fast_header::header(yaml) {
        Some(header) => Ok(header),
        None => slow_header(yaml),
    }
}

/// The header as serde-saphyr reads it: the reference the fast path is tested against.
pub(super) fn slow_header(yaml: &str) -> Result<Header, ReadError> {
    serde_saphyr::from_str(yaml).map_err(|e| ReadError {
        message: format!("the session header is not valid: {e}"),
    })
}

/// `mvx-session/1` and its minor versions (`mvx-session/1.2`) are read; a later major
/// version may mean anything, so it is refused rather than guessed at.
fn known_schema(schema: &str) -> Result<(), ReadError> {
    let major = schema
        .strip_prefix("mvx-session/")
        .map(|version| version.split('.').next().unwrap_or(version));
    match major {
        Some("1") => Ok(()),
        _ => Err(ReadError {
            message: format!(
                "it is written in session format `{}`, which this mvx does not read (it reads {}); a newer mvx may",
                printable(schema),
                super::SCHEMA
            ),
        }),
    }
}

/// The flow file's version names it in every report: mvx writes the SHA-256 as 64 hex
/// digits; a name of at most 64 letters, digits, `-`, `_` and `.` is read (a set made
/// by hand may name its versions `v1-a`), and anything else, markup or control
/// characters among it, refuses the file: it was not written by mvx.
fn known_version(sha256: &str) -> Result<(), ReadError> {
    let token = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    match !sha256.is_empty() && sha256.len() <= 64 && sha256.chars().all(token) {
        true => Ok(()),
        false => Err(ReadError {
            message: format!(
                "its `flow.sha256` ({}) is not a flow file's SHA-256 (64 hex digits)",
                printable(&sha256.chars().take(80).collect::<String>())
            ),
        }),
    }
}

/// One event line, or why it was left out.
fn event(line: &str, scales: &BTreeMap<String, [i64; 2]>) -> Result<Event, String> {
    let Some(json) = line.strip_prefix("- ") else {
        return Err("an event line must start with `- `".into());
    };
    let event = match super::fast_event::event(json) {
        Some(event) => event,
        None => serde_json::from_str(json).map_err(|e| format!("not a valid event: {e}"))?,
    };
    implausible(&event, scales).map_or(Ok(event), Err)
}

/// Why an event's values could not have been measured, if they could not: a time over
/// a week, a first key after the deciding one, an answer outside the scale the header
/// records for its question.
fn implausible(event: &Event, scales: &BTreeMap<String, [i64; 2]>) -> Option<String> {
    let too_long = |name: &str, ms: u64| {
        (ms > PLAUSIBLE_MS)
            .then(|| format!("`{name}` is {ms} ms, more than a week: not a measurement"))
    };
    if let Some(why) = too_long("at_ms", event.at_ms) {
        return Some(why);
    }
    let timed = |timing: &Timing| {
        too_long("decision_ms", timing.decision_ms).or_else(|| {
            (timing.hesitation_ms > timing.decision_ms).then(|| {
                format!(
                    "`hesitation_ms` ({}) is larger than `decision_ms` ({}): the first key cannot come after the deciding one",
                    timing.hesitation_ms, timing.decision_ms
                )
            })
        })
    };
    match &event.kind {
        EventKind::Choose { timing, .. }
        | EventKind::Continue { timing, .. }
        | EventKind::Input { timing, .. }
        | EventKind::Back { timing, .. } => timed(timing),
        EventKind::Answer {
            question,
            value,
            timing,
            ..
        } => timed(timing).or_else(|| {
            let (AnswerValue::Number(value), Some(&[low, high])) = (value, scales.get(question))
            else {
                return None;
            };
            (!(low..=high).contains(value)).then(|| {
                format!("the answer {value} to `{question}` is outside its scale, {low} to {high}")
            })
        }),
        // An end step's outcome is one word, as a flow declares it (docs/flow-format.md).
        EventKind::End { outcome, .. } => (outcome.is_empty()
            || outcome.len() > 64
            || !outcome
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_')))
        .then(|| {
            format!(
                "the end step's outcome `{}` is not one word (lowercase letters, digits, `-`, `_`)",
                printable(&outcome.chars().take(80).collect::<String>())
            )
        }),
        EventKind::TaskEnd { duration_ms, .. } => too_long("duration_ms", *duration_ms),
        EventKind::Resume { paused_ms } => too_long("paused_ms", *paused_ms),
        _ => None,
    }
}

/// Where the `events:` line starts; a file saved with Windows line endings (`\r\n`)
/// is read as well.
fn find_events_line(text: &str) -> Option<usize> {
    let ends_line = |rest: &str| rest.starts_with('\n') || rest.starts_with("\r\n");
    if text.strip_prefix("events:").is_some_and(ends_line) {
        return Some(0);
    }
    let mut from = 0;
    while let Some(i) = text[from..].find("\nevents:") {
        let at = from + i + 1;
        if ends_line(&text[at + "events:".len()..]) {
            return Some(at);
        }
        from = at;
    }
    None
}
