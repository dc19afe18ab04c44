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
    let saved_to = path.display().to_string();
    let chrome = chrome_of(recorded, &saved_to);
    let area = area_of(recorded);
    let (cols, rows) = (area.width, area.height);
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

/// The frames, and the keys that led to them, as cast lines.
fn frames(
    recorded: &Session,
    flow: &Flow,
    chrome: Chrome<'_>,
    area: Rect,
    opening: Option<Buffer>,
) -> Result<Vec<Line>, String> {
    let mut first = opening.is_none();
    let mut lines = Vec::new();
    walk(recorded, flow, chrome, area, opening, |moment| {
        match moment {
            Moment::Key(at_ms, key) => lines.push(Line {
                at_ms,
                code: 'i',
                data: typed(key),
            }),
            Moment::Frame {
                at_ms,
                before,
                screen,
                ..
            } => {
                let mut bytes = match std::mem::take(&mut first) {
                    true => frame::CLEAR.to_vec(),
                    false => Vec::new(),
                };
                frame::diff(before, screen, &mut bytes).map_err(|e| format!("cannot draw: {e}"))?;
                if !shown_nothing_new(&bytes) {
                    lines.push(Line {
                        at_ms,
                        code: 'o',
                        data: String::from_utf8_lossy(&bytes).into_owned(),
                    });
                }
            }
        }
        Ok(())
    })?;
    Ok(lines)
}

/// What a replayed session puts out, moment by moment.
enum Moment<'a> {
    /// A key the participant pressed, at its time.
    Key(u64, Key),
    /// The screen after a moment, the one before it, and the steps first shown then.
    Frame {
        at_ms: u64,
        before: &'a Buffer,
        screen: &'a Buffer,
        shown: &'a [String],
    },
}

/// The player driven by the session's script, its view drawn after each moment; a
/// screen that changed is put out when it was shown, not when the key that changed it
/// was pressed.
fn walk(
    recorded: &Session,
    flow: &Flow,
    chrome: Chrome<'_>,
    area: Rect,
    opening: Option<Buffer>,
    mut each: impl FnMut(Moment<'_>) -> Result<(), String>,
) -> Result<(), String> {
    let script = Script::new(flow, &recorded.events);
    let mut player = Player::new(flow);
    let mut before = opening.unwrap_or_else(|| Buffer::empty(area));
    let mut shown = Vec::new();
    let mut ops = script.ops.iter().peekable();
    while let Some((at, op)) = ops.next() {
        if let Op::Input(Action::Key(key)) = op {
            each(Moment::Key(*at, *key))?;
        }
        apply(&mut player, *at, op);
        shown.extend(
            player
                .take_events()
                .into_iter()
                .filter_map(|e| match e.kind {
                    EventKind::Show { step } => Some(step),
                    _ => None,
                }),
        );
        // Everything at one moment first; a changed screen waits for its "shown".
        if ops.peek().is_some_and(|(next, _)| next == at) || player.awaiting_shown() {
            continue;
        }
        let mut screen = Buffer::empty(area);
        let view = PlayView {
            player: &player,
            scroll: 0,
            chrome,
        };
        (&view).render(area, &mut screen);
        each(Moment::Frame {
            at_ms: *at,
            before: &before,
            screen: &screen,
            shown: &shown,
        })?;
        shown.clear();
        before = screen;
    }
    Ok(())
}

/// Each step's screen as the session first showed it, in the order first shown, drawn
/// at the session's recorded size with the participant's own chrome.
pub fn step_screens(
    recorded: &Session,
    path: &Path,
    flow: &Flow,
) -> Result<Vec<(String, Buffer)>, String> {
    let saved_to = path.display().to_string();
    let mut screens: Vec<(String, Buffer)> = Vec::new();
    walk(
        recorded,
        flow,
        chrome_of(recorded, &saved_to),
        area_of(recorded),
        None,
        |moment| {
            if let Moment::Frame { screen, shown, .. } = moment {
                for step in shown {
                    if !screens.iter().any(|(s, _)| s == step) {
                        screens.push((step.clone(), screen.clone()));
                    }
                }
            }
            Ok(())
        },
    )?;
    Ok(screens)
}

/// The participant's own chrome: at the researcher's terminal the researcher's keys were
/// on screen, in a browser they were not.
fn chrome_of<'a>(recorded: &Session, saved_to: &'a str) -> Chrome<'a> {
    match recorded.header.transport {
        Some(_) => Chrome::Remote,
        None => Chrome::Session { saved_to },
    }
}

/// The session's recorded terminal, within what a cast is drawn at.
fn area_of(recorded: &Session) -> Rect {
    let terminal = &recorded.header.terminal;
    Rect::new(
        0,
        0,
        terminal.cols.clamp(1, MOST_COLS),
        terminal.rows.clamp(1, MOST_ROWS),
    )
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
