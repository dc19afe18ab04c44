//! A recorded session as an asciicast (asciinema's format, v2 or v3), for any player that
//! reads one: the frames the participant saw, drawn by the view that showed them live, at
//! their recorded times; the keys that produced each event as input events; and a marker
//! at each step, question and note. No idle time is compressed: hesitation is the data.
//! docs/export.md ("Replays as asciicasts") says what is in it and why.

use std::path::Path;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::Script;
use crate::flow::Flow;
use crate::keys::Key;
use crate::player::Player;
use crate::player::input::Action;
use crate::player::script::{Op, apply};
use crate::session::{EventKind, ObserverNote, Session};
use crate::study::part;
use crate::text::printable;
use crate::tui::frame;
use crate::tui::play_view::{Chrome, PlayView};

/// The largest screen a cast is drawn at, whatever a session file says (the largest
/// `mvx serve` takes).
const MOST_COLS: u16 = 500;
const MOST_ROWS: u16 = 200;
/// The longest marker label: a step's first line, a note.
const LABEL_CHARS: usize = 80;

/// Which asciicast format to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// v2: times from the start, `width` and `height` in the header.
    Two,
    /// v3: times from the event before, the terminal in a `term` object.
    Three,
}

/// The v2 header, its fields in the order asciinema writes them.
#[derive(serde::Serialize)]
struct HeaderV2 {
    version: u8,
    width: u16,
    height: u16,
    timestamp: Option<i64>,
    title: String,
    env: Env,
}

#[derive(serde::Serialize)]
struct Env {
    #[serde(rename = "TERM")]
    term: Option<String>,
}

/// The v3 header.
#[derive(serde::Serialize)]
struct HeaderV3 {
    version: u8,
    term: Term,
    timestamp: Option<i64>,
    title: String,
}

#[derive(serde::Serialize)]
struct Term {
    cols: u16,
    rows: u16,
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// One line of the event stream, at milliseconds from the session's start.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    at_ms: u64,
    code: char,
    data: String,
}

/// The session at `path`, played on `flow`, with the observers' `notes`, as a cast.
pub fn cast(
    recorded: &Session,
    path: &Path,
    flow: &Flow,
    notes: &[ObserverNote],
    version: Version,
) -> Result<String, String> {
    let terminal = &recorded.header.terminal;
    let cols = terminal.cols.clamp(1, MOST_COLS);
    let rows = terminal.rows.clamp(1, MOST_ROWS);
    let saved_to = path.display().to_string();
    // The participant's own chrome: at the researcher's terminal the researcher's keys
    // were on screen, in a browser they were not.
    let chrome = match recorded.header.transport {
        Some(_) => Chrome::Remote,
        None => Chrome::Session {
            saved_to: &saved_to,
        },
    };
    let area = Rect::new(0, 0, cols, rows);
    let mut lines = markers(recorded, flow, notes);
    // A study's first session opens with its consent screen, on screen until answered.
    let mut opening = None;
    if let Some((ask, at_ms, given)) = part::recorded_consent(recorded) {
        let mut screen = Buffer::empty(area);
        ask.render(area, &mut screen);
        let mut bytes = frame::CLEAR.to_vec();
        frame::diff(&Buffer::empty(area), &screen, &mut bytes)
            .map_err(|e| format!("cannot draw: {e}"))?;
        let data = String::from_utf8_lossy(&bytes).into_owned();
        lines.push(Line {
            at_ms: 0,
            code: 'o',
            data,
        });
        let (key, answer) = if given {
            ("y", "given")
        } else {
            ("n", "declined")
        };
        lines.push(marker(at_ms, &format!("consent: {answer}")));
        lines.push(Line {
            at_ms,
            code: 'i',
            data: key.into(),
        });
        opening = Some(screen);
    }
    lines.extend(frames(recorded, flow, chrome, area, opening)?);
    // Markers first at a moment, then keys, then the frame they led to.
    lines.sort_by_key(|line| (line.at_ms, order(line.code)));
    let title = format!(
        "{} · {} · {}",
        printable(&recorded.header.participant),
        printable(&flow.title),
        printable(&recorded.header.session)
    );
    let term = terminal.term.as_deref().map(printable);
    let timestamp = chrono::DateTime::parse_from_rfc3339(&recorded.header.started_at)
        .ok()
        .map(|t| t.timestamp());
    let header = match version {
        Version::Two => serde_json::to_string(&HeaderV2 {
            version: 2,
            width: cols,
            height: rows,
            timestamp,
            title,
            env: Env { term },
        }),
        Version::Three => serde_json::to_string(&HeaderV3 {
            version: 3,
            term: Term {
                cols,
                rows,
                kind: term,
            },
            timestamp,
            title,
        }),
    }
    .map_err(|e| format!("cannot write the cast: {e}"))?;
    let mut text = header;
    text.push('\n');
    let mut before = 0;
    for line in &lines {
        let at = match version {
            Version::Two => line.at_ms,
            Version::Three => line.at_ms - before,
        };
        before = line.at_ms;
        let event = serde_json::json!([seconds(at), line.code.to_string(), line.data]);
        text.push_str(&event.to_string());
        text.push('\n');
    }
    Ok(text)
}

/// Milliseconds as the seconds a cast counts in (a JSON number, to the millisecond).
fn seconds(ms: u64) -> serde_json::Value {
    serde_json::Number::from_f64(ms as f64 / 1000.0).map_or(serde_json::Value::Null, Into::into)
}

fn order(code: char) -> u8 {
    match code {
        'm' => 0,
        'i' => 1,
        _ => 2,
    }
}

/// A marker at each step shown (`step: id` and its text's first line), each question
/// asked, each note (the researcher's in the session, the observers' beside it).
fn markers(recorded: &Session, flow: &Flow, notes: &[ObserverNote]) -> Vec<Line> {
    let mut lines = Vec::new();
    for event in &recorded.events {
        let label = match &event.kind {
            EventKind::Show { step } => {
                let text = flow.step(step).and_then(|s| s.text.as_deref());
                let first = text.and_then(|t| t.lines().find(|l| !l.trim().is_empty()));
                match first {
                    Some(first) => format!("{step}: {}", first.trim()),
                    None => step.clone(),
                }
            }
            EventKind::Ask { question } => format!("question: {question}"),
            EventKind::Note { text } => format!("note: {text}"),
            _ => continue,
        };
        lines.push(marker(event.at_ms, &label));
    }
    lines.extend(
        notes
            .iter()
            .map(|n| marker(n.at_ms, &format!("note: {}", n.text))),
    );
    lines
}

fn marker(at_ms: u64, label: &str) -> Line {
    let label: String = printable(label).chars().take(LABEL_CHARS).collect();
    Line {
        at_ms,
        code: 'm',
        data: label,
    }
}

/// The frames, and the keys that led to them: the player driven by the session's
/// script, its view drawn after each moment; a screen that changed is put out when it
/// was shown, not when the key that changed it was pressed.
fn frames(
    recorded: &Session,
    flow: &Flow,
    chrome: Chrome<'_>,
    area: Rect,
    opening: Option<Buffer>,
) -> Result<Vec<Line>, String> {
    let script = Script::new(flow, &recorded.events);
    let mut player = Player::new(flow);
    let mut first = opening.is_none();
    let mut shown = opening.unwrap_or_else(|| Buffer::empty(area));
    let mut lines = Vec::new();
    let mut ops = script.ops.iter().peekable();
    while let Some((at, op)) = ops.next() {
        if let Op::Input(Action::Key(key)) = op {
            lines.push(Line {
                at_ms: *at,
                code: 'i',
                data: typed(*key),
            });
        }
        apply(&mut player, *at, op);
        player.take_events();
        // Everything at one moment first; a changed screen waits for its "shown".
        if ops.peek().is_some_and(|(next, _)| next == at) || player.awaiting_shown() {
            continue;
        }
        let mut next = Buffer::empty(area);
        let view = PlayView {
            player: &player,
            scroll: 0,
            chrome,
        };
        (&view).render(area, &mut next);
        let mut bytes = match std::mem::take(&mut first) {
            true => frame::CLEAR.to_vec(),
            false => Vec::new(),
        };
        frame::diff(&shown, &next, &mut bytes).map_err(|e| format!("cannot draw: {e}"))?;
        shown = next;
        if shown_nothing_new(&bytes) {
            continue;
        }
        lines.push(Line {
            at_ms: *at,
            code: 'o',
            data: String::from_utf8_lossy(&bytes).into_owned(),
        });
    }
    Ok(lines)
}

/// A frame that changed no cell: only the cursor hidden again.
fn shown_nothing_new(bytes: &[u8]) -> bool {
    bytes == b"\x1b[?25l"
}

/// What a terminal sends for `key`.
fn typed(key: Key) -> String {
    let sent = match key {
        Key::Char(c) => return c.to_string(),
        Key::Up => "\x1b[A",
        Key::Down => "\x1b[B",
        Key::Right => "\x1b[C",
        Key::Left => "\x1b[D",
        Key::Enter => "\r",
        Key::Esc => "\x1b",
        Key::Backspace => "\x7f",
        Key::Delete => "\x1b[3~",
        Key::Home => "\x1b[H",
        Key::End => "\x1b[F",
        Key::PageUp => "\x1b[5~",
        Key::PageDown => "\x1b[6~",
        Key::Tab => "\t",
        Key::BackTab => "\x1b[Z",
    };
    sent.to_owned()
}

#[cfg(test)]
mod tests;
