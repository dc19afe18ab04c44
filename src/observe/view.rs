//! What the observer sees: who, where they are and for how long, and the latest events.

use chrono::{DateTime, FixedOffset};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

use super::{Action, Observer, keys};
use crate::format::minutes_seconds;
use crate::text::printable;
use crate::tui::timeline::{event_line, longest_timing};

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

impl Widget for &ObserveView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let o = self.observer;
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
        let lines: Vec<Line> = o
            .events
            .iter()
            .skip(o.events.len().saturating_sub(shown))
            .map(|e| event_line(e.at_ms, &e.kind, longest))
            .collect();
        Paragraph::new(lines).render(events, buf);
        let hint = match &o.typing {
            Some(field) => format!(
                "Note: {} ({} saves beside the session, {} drops it)",
                field.marked('▏'),
                keys::TYPING.key_of(Action::SaveNote),
                keys::TYPING.key_of(Action::DropNote),
            ),
            None => {
                keys::WATCHING.hint(&[(&[Action::StartNote], "note"), (&[Action::Quit], "quit")])
            }
        };
        Line::from(hint).dim().render(footer, buf);
    }
}

impl ObserveView<'_> {
    fn status(&self) -> String {
        let o = self.observer;
        if let Some(problem) = &o.problem {
            return printable(problem);
        }
        if o.ended() {
            return "The session has ended.".into();
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
