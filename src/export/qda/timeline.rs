//! A session as the plain text a REFI-QDA source holds: a line saying whose session it
//! is, then a line per thing that happened (time, step, what happened: choices, typed
//! answers, notes), each with the character range a selection of it covers.

use crate::format::minutes_seconds;
use crate::session::{EventKind, Moment, Session, TaskEnding};

use super::xml::clean;

/// The text of a session and where each of its lines is.
pub struct Timeline {
    pub text: String,
    /// Each line after the first: its time, and its characters (start, end exclusive).
    lines: Vec<Line>,
    /// For each moment (in the order given), the index of its own line.
    notes: Vec<usize>,
}

struct Line {
    at_ms: u64,
    start: usize,
    end: usize,
}

impl Timeline {
    /// The session's events and `moments` (the notes on it, `session::moments`) as lines
    /// in time order; a note comes after the events of its millisecond.
    pub fn of(session: &Session, moments: &[Moment]) -> Timeline {
        let mut rows: Vec<(u64, Option<usize>, String)> = Vec::new();
        let mut step: Option<&str> = None;
        for event in &session.events {
            if let EventKind::Show { step: shown } | EventKind::Ask { question: shown } =
                &event.kind
            {
                step = Some(shown);
            }
            if let Some(what) = happened(&event.kind) {
                rows.push((event.at_ms, None, line(event.at_ms, step, &what)));
            }
        }
        for (i, moment) in moments.iter().enumerate() {
            rows.push((
                moment.at_ms,
                Some(i),
                line(moment.at_ms, moment.step.as_deref(), &noted(moment)),
            ));
        }
        // Stable: events keep their recorded order, notes follow the events of their time.
        rows.sort_by_key(|(at, note, _)| (*at, note.is_some()));
        let mut text = clean(&heading(session)).replace('\n', " ");
        text.push('\n');
        let mut offset = text.chars().count();
        let mut lines = Vec::with_capacity(rows.len());
        let mut notes = vec![0; moments.len()];
        for (at_ms, note, row) in rows {
            let length = row.chars().count();
            if let Some(i) = note {
                notes[i] = lines.len();
            }
            lines.push(Line {
                at_ms,
                start: offset,
                end: offset + length,
            });
            text.push_str(&row);
            text.push('\n');
            offset += length + 1;
        }
        Timeline { text, lines, notes }
    }

    /// The characters (start, end exclusive) of the lines the `i`th moment is about: every
    /// line from its time to the end of its span (its own line among them).
    pub fn selection(&self, i: usize, moment: &Moment) -> (usize, usize) {
        let end_ms = moment.end_ms.unwrap_or(moment.at_ms).max(moment.at_ms);
        let own = self.notes.get(i).and_then(|&l| self.lines.get(l));
        let within = self
            .lines
            .iter()
            .filter(|l| l.at_ms >= moment.at_ms && l.at_ms <= end_ms);
        let start = within.clone().map(|l| l.start).min();
        let end = within.map(|l| l.end).max();
        match (start, end, own) {
            (Some(start), Some(end), _) => (start, end),
            (_, _, Some(own)) => (own.start, own.end),
            _ => (0, 0),
        }
    }
}

/// `session s-1 · participant P01 · flow shop (new) · started 2026-11-26T10:00:00+01:00`
fn heading(session: &Session) -> String {
    let header = &session.header;
    let variant = header
        .flow
        .variant
        .as_deref()
        .map(|v| format!(" ({v})"))
        .unwrap_or_default();
    format!(
        "session {} · participant {} · flow {}{variant} · started {}",
        header.session, header.participant, header.flow.id, header.started_at
    )
}

/// `  0:04  home  chose "Orders" → orders`: one line, whatever was typed.
fn line(at_ms: u64, step: Option<&str>, what: &str) -> String {
    let row = format!(
        "{:>6}  {}  {what}",
        minutes_seconds(at_ms),
        step.unwrap_or("-")
    );
    clean(&row).replace(['\n', '\r'], " ")
}

/// A note's line: who wrote it, its words, what it quotes and the span it marks.
fn noted(moment: &Moment) -> String {
    let mut what = format!("note by {}: {}", moment.author, moment.text);
    if let Some(quote) = &moment.quote {
        what.push_str(&format!(" (on the words \"{quote}\")"));
    }
    if let Some(end) = moment.end_ms {
        what.push_str(&format!(" (to {})", minutes_seconds(end)));
    }
    what
}

/// What an event says happened, or None for what a reader of the session need not see
/// (variables set, keys pressed before their screen); notes are lines of their own.
fn happened(kind: &EventKind) -> Option<String> {
    let quoted = |s: &str| format!("\"{s}\"");
    Some(match kind {
        EventKind::TaskStart { task } => format!("task {task} starts"),
        EventKind::Show { step } => format!("shows {step}"),
        EventKind::Ask { question } => format!("asks {question}"),
        EventKind::Choose { choice, to, .. } => format!("chose {} → {to}", quoted(choice)),
        EventKind::Continue { to, .. } => format!("continued → {to}"),
        EventKind::Input { name, text, .. } => format!("typed {name}: {}", quoted(text)),
        EventKind::Back { to, .. } => format!("went back to {to}"),
        EventKind::Answer { value, .. } => match value {
            crate::session::AnswerValue::Number(n) => format!("answered {n}"),
            crate::session::AnswerValue::Text(t) => format!("answered {}", quoted(t)),
        },
        EventKind::Pause { .. } => "paused".to_owned(),
        EventKind::Disconnect => "connection lost".to_owned(),
        EventKind::Resume { paused_ms } => format!("resumed after {}", minutes_seconds(*paused_ms)),
        EventKind::GiveUp { .. } => "gave up".to_owned(),
        EventKind::Timeout { .. } => "timed out".to_owned(),
        EventKind::End { outcome, .. } => format!("ended: {outcome}"),
        EventKind::TaskEnd {
            task,
            outcome,
            duration_ms,
        } => format!(
            "task {task} ends: {} in {}",
            TaskEnding::Ended(*outcome).word(),
            minutes_seconds(*duration_ms)
        ),
        EventKind::Abort { reason } => format!("aborted: {reason}"),
        EventKind::SessionEnd { outcome } => format!("session ends: {}", outcome.word()),
        EventKind::Consent { answer, .. } => format!(
            "consent: {}",
            serde_json::to_string(answer)
                .unwrap_or_default()
                .trim_matches('"')
        ),
        EventKind::Resumed { gap_ms, after, .. } => {
            format!("resumed, {after} {} before", minutes_seconds(*gap_ms))
        }
        EventKind::Note { .. } | EventKind::Set { .. } | EventKind::EarlyKey { .. } => {
            return None;
        }
    })
}
