//! What the observer sees: who, where they are and for how long, and the latest events.

use chrono::{DateTime, FixedOffset};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use super::{Action, Observer, keys};
use crate::flow::Flow;
use crate::format::minutes_seconds;
use crate::player::script::Script;
use crate::runner::session::{MIN_COLS, MIN_ROWS};
use crate::session::{Header, SessionEnding};
use crate::text::printable;
use crate::tui::play_view::{Chrome, PlayView};
use crate::tui::timeline::{longest_timing, with_notes};

pub struct ObserveView<'a> {
    pub observer: &'a Observer,
    pub now: DateTime<FixedOffset>,
}

/// The observer draws as of its own time now.
/// Keys only: nothing here takes a click.
impl crate::tui::pointer::Pointable for Observer {}

impl Widget for &Observer {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let view = ObserveView {
            observer: self,
            now: self.now(),
        };
        (&view).render(area, buf);
    }
}

/// The narrowest terminal that shows the participant's screen beside the timeline.
pub const SIDE_BY_SIDE: u16 = 100;

impl Widget for &ObserveView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let o = self.observer;
        let narrow = area.width < SIDE_BY_SIDE && matches!(o.flow, Some(Ok(_)));
        // Wide enough, the participant's screen on the left as they see it now (at most
        // their own size), the timeline beside it.
        let area = match (area.width >= SIDE_BY_SIDE, &o.flow, &o.header) {
            (true, Some(Ok(flow)), Some(header)) => {
                let width = header.terminal.cols.clamp(MIN_COLS, area.width - 40);
                let [screen, rule, rest] = Layout::horizontal([
                    Constraint::Length(width),
                    Constraint::Length(1),
                    Constraint::Fill(1),
                ])
                .areas(area);
                let height = header
                    .terminal
                    .rows
                    .clamp(MIN_ROWS, screen.height.max(MIN_ROWS));
                let screen = Rect {
                    height: height.min(screen.height),
                    ..screen
                };
                participant_screen(o, flow, header, screen, buf);
                for y in rule.top()..rule.bottom() {
                    buf[(rule.x, y)].set_symbol("│");
                }
                rest
            }
            _ => area,
        };
        let [title, status, events, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(2),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let who = match &o.header {
            Some(h) => format!(
                "Observing {} · {} {} · {} events · {} note{}",
                printable(&h.participant),
                printable(&h.flow.id),
                printable(h.flow.variant.as_deref().unwrap_or("")),
                o.events.len(),
                o.notes.len(),
                if o.notes.len() == 1 { "" } else { "s" }
            ),
            None => format!(
                "Waiting for {} to start…",
                printable(&o.path.display().to_string())
            ),
        };
        Line::from(who).bold().render(title, buf);
        Line::from(self.status()).render(status, buf);
        let longest = longest_timing(&o.events);
        let shown = usize::from(events.height);
        let mut lines = with_notes(&o.events, &o.notes, longest);
        let lines = lines.split_off(lines.len().saturating_sub(shown));
        Paragraph::new(lines).render(events, buf);
        let hint = match &o.typing {
            Some(pad) => {
                let legend = format!(
                    "({} saves beside the session, {} drops it, # and {} tag it)",
                    keys::TYPING.key_of(Action::SaveNote),
                    keys::TYPING.key_of(Action::DropNote),
                    keys::TYPING.key_of(Action::Complete),
                );
                pad.footer("Note: ", &legend, usize::from(footer.width))
            }
            None => {
                let hint = keys::WATCHING
                    .hint(&[(&[Action::StartNote], "note"), (&[Action::Quit], "quit")]);
                match narrow {
                    true => format!("{hint} · {SIDE_BY_SIDE}+ columns show their screen"),
                    false => hint,
                }
            }
        };
        Line::from(hint).dim().render(footer, buf);
    }
}

/// The participant's screen now: the player driven by the events so far, drawn by the
/// view they see (as replay draws it), with their own chrome.
fn participant_screen(o: &Observer, flow: &Flow, header: &Header, area: Rect, buf: &mut Buffer) {
    // Before the flow (a study's consent) and after a declined consent, the flow's first
    // screen is not what they see: say where they are instead.
    if o.ending() == Some(SessionEnding::Declined) {
        return placard(
            "They declined the consent: nothing more is recorded.",
            area,
            buf,
        );
    }
    if !o.on_the_flow() {
        return placard(
            "Their screen shows here from the first step (a study asks its consent first).",
            area,
            buf,
        );
    }
    let script = Script::new(flow, &o.events);
    let player = script.player_at(flow, u64::MAX);
    let saved_to = o.path.display().to_string();
    let chrome = match header.transport {
        Some(_) => Chrome::Remote,
        None => Chrome::Session {
            saved_to: &saved_to,
        },
    };
    let view = PlayView {
        player: &player,
        scroll: 0,
        chrome,
    };
    (&view).render(area, buf);
    if let Some(at) = o.lost_at() {
        let words = format!(
            "Their connection dropped at {}: the session waits for them to come back.",
            minutes_seconds(at)
        );
        let [popup] = Layout::vertical([Constraint::Length(4)])
            .flex(ratatui::layout::Flex::Center)
            .areas(area);
        Clear.render(popup, buf);
        Paragraph::new(words)
            .wrap(Wrap { trim: true })
            .block(Block::bordered())
            .render(popup, buf);
    }
}

/// Words in place of the participant's screen.
fn placard(words: &str, area: Rect, buf: &mut Buffer) {
    Paragraph::new(Line::from(words.to_owned()).dim())
        .wrap(Wrap { trim: true })
        .block(Block::bordered())
        .render(area, buf);
}

impl ObserveView<'_> {
    fn status(&self) -> String {
        let o = self.observer;
        if let Some(problem) = &o.problem {
            return printable(problem);
        }
        match o.ending() {
            Some(SessionEnding::Declined) => return "They declined the consent.".into(),
            Some(ending) => return format!("The session has ended: {}.", ending.word()),
            None => {}
        }
        if let Some(at) = o.lost_at() {
            return format!(
                "Connection dropped at {}; waiting for them",
                minutes_seconds(at)
            );
        }
        match (o.current_step(), o.session_ms(self.now)) {
            (Some((step, since)), Some(now)) => {
                format!(
                    "Now on `{}` for {}",
                    printable(step),
                    minutes_seconds(now.saturating_sub(since))
                )
            }
            (Some((step, _)), None) => format!("Now on `{}`", printable(step)),
            _ => "Waiting for the first screen…".into(),
        }
    }
}
