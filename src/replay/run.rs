//! The replay shell: the participant's screens at the recorded pace, with a progress bar.
#![allow(clippy::disallowed_methods)] // the shell: playback follows the real clock

use std::path::Path;
use std::time::{Duration, Instant};

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Gauge, Widget};
use sha2::{Digest, Sha256};

use super::Script;
use crate::flow::{self, Flow};
use crate::format::minutes_seconds;
use crate::play::view::PlayView;
use crate::session::{self, Session};
use crate::text::printable;
use crate::tui::terminal::FullScreen;

const FRAME: Duration = Duration::from_millis(50);

/// Replays the session at `path` at `speed` times the recorded pace.
pub fn run(path: &Path, speed: f64) -> Result<(), String> {
    let recorded = session::read(path).map_err(|e| e.to_string())?;
    let (flow, warning) = flow_of(&recorded)?;
    let script = Script::new(&flow, &recorded.events);
    let mut screen = FullScreen::enter().map_err(|e| format!("cannot open the terminal: {e}"))?;
    let mut state = State {
        at_ms: 0.0,
        speed: speed.max(0.01),
        paused: false,
    };
    let title = format!(
        "Replay of {} · {} · ×{speed}{}",
        printable(&recorded.header.participant),
        printable(&recorded.header.session),
        warning
    );
    let moments = script.moments();
    let mut last = Instant::now();
    loop {
        let player = script.player_at(&flow, state.at_ms as u64);
        let frame = ReplayFrame {
            title: &title,
            player: &player,
            at_ms: state.at_ms as u64,
            end_ms: script.end_ms,
            paused: state.paused,
        };
        screen
            .terminal
            .draw(|f| f.render_widget(&frame, f.area()))
            .map_err(|e| e.to_string())?;
        if event::poll(FRAME).map_err(|e| e.to_string())?
            && let Event::Key(key) = event::read().map_err(|e| e.to_string())?
        {
            let ctrl_c =
                key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c');
            if key.kind == KeyEventKind::Release {
                continue;
            }
            match key.code {
                _ if ctrl_c => return Ok(()),
                KeyCode::Char('q') | KeyCode::Esc => return Ok(()),
                KeyCode::Char(' ') => state.paused = !state.paused,
                KeyCode::Right => state.at_ms = next(&moments, state.at_ms) as f64,
                KeyCode::Left => state.at_ms = previous(&moments, state.at_ms) as f64,
                _ => {}
            }
        }
        let now = Instant::now();
        if !state.paused {
            state.at_ms = (state.at_ms + (now - last).as_secs_f64() * 1000.0 * state.speed)
                .min(script.end_ms as f64);
        }
        last = now;
    }
}

struct State {
    at_ms: f64,
    speed: f64,
    paused: bool,
}

fn next(moments: &[u64], at: f64) -> u64 {
    moments
        .iter()
        .copied()
        .find(|m| *m as f64 > at + 0.5)
        .unwrap_or_else(|| moments.last().copied().unwrap_or(0))
}

fn previous(moments: &[u64], at: f64) -> u64 {
    moments
        .iter()
        .rev()
        .copied()
        .find(|m| (*m as f64) < at - 0.5)
        .unwrap_or(0)
}

/// The flow the session was recorded with, and a warning when the file has changed since.
fn flow_of(recorded: &Session) -> Result<(Flow, &'static str), String> {
    let path = &recorded.header.flow.path;
    let bytes = std::fs::read(path).map_err(|e| format!("cannot replay: the flow file {path} cannot be read ({e}); run from the folder the session was recorded in"))?;
    let source =
        String::from_utf8(bytes.clone()).map_err(|_| format!("{path} is not UTF-8 text"))?;
    let flow = flow::load(&source).map_err(|_| {
        format!("cannot replay: {path} no longer loads; `mvx check {path}` says why")
    })?;
    let sha: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let warning = if sha == recorded.header.flow.sha256 {
        ""
    } else {
        " · the flow file has changed since: screens may differ"
    };
    Ok((flow, warning))
}

struct ReplayFrame<'a> {
    title: &'a str,
    player: &'a crate::player::Player<'a>,
    at_ms: u64,
    end_ms: u64,
    paused: bool,
}

impl Widget for &ReplayFrame<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [title, body, progress, keys] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        Line::from(self.title).bold().render(title, buf);
        let view = PlayView {
            player: self.player,
            scroll: 0,
            saved_to: "",
        };
        (&view).render(body, buf);
        let ratio = if self.end_ms == 0 {
            1.0
        } else {
            self.at_ms as f64 / self.end_ms as f64
        };
        let label = format!(
            "{} / {}{}",
            minutes_seconds(self.at_ms),
            minutes_seconds(self.end_ms),
            if self.paused { " · paused" } else { "" }
        );
        Gauge::default()
            .ratio(ratio.clamp(0.0, 1.0))
            .label(label)
            .render(progress, buf);
        Line::from("space pause · ← → previous / next event · q quit")
            .dim()
            .render(keys, buf);
    }
}
