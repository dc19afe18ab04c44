//! What the tagging screen shows: where in the map, the item's columns and text, its
//! tags or the field they are typed in, and the keys. Every word from the CSV is made
//! printable first: a ticket can hold anything.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::{Tagging, keys};
use crate::text::{printable, truncate};

/// Keys only: nothing here takes a click.
impl crate::tui::pointer::Pointable for Tagging {}

impl Widget for &Tagging {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [title, columns, body, tags, message, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(2),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let width = usize::from(area.width);
        Line::from(truncate(&self.title(), width))
            .bold()
            .render(title, buf);
        let Some(item) = self.map.items.get(self.at) else {
            Line::from("No items: `mvx frictions import FILE.csv` reads some.").render(body, buf);
            Line::from(keys::footer()).dim().render(footer, buf);
            return;
        };
        let mut about = vec![format!("#{}", printable(&item.id))];
        about.extend(
            (item.columns.iter())
                .filter(|(_, value)| !value.trim().is_empty())
                .map(|(name, value)| format!("{}: {}", printable(name), printable(value))),
        );
        Line::from(truncate(&about.join(" · "), width))
            .dim()
            .render(columns, buf);
        let text: Vec<Line> = match self.help {
            true => keys::help()
                .lines()
                .map(|l| Line::from(l.to_owned()))
                .collect(),
            false => item
                .text
                .lines()
                .map(|l| Line::from(printable(l)))
                .collect(),
        };
        // A text longer than the screen scrolls (↑↓); what is above or below is marked.
        let inner = body.inner(ratatui::layout::Margin::new(0, 1));
        let wrapped: usize = (text.iter())
            .map(|l| l.width().div_ceil(usize::from(inner.width.max(1))).max(1))
            .sum();
        let rows = usize::from(inner.height);
        self.scroll_max.set(wrapped.saturating_sub(rows));
        let top = self.scroll.min(wrapped.saturating_sub(rows));
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(top).unwrap_or(u16::MAX), 0))
            .render(inner, buf);
        if top > 0 {
            Line::from(format!("↑ {top} more lines (↑)"))
                .dim()
                .render(Rect { height: 1, ..body }, buf);
        }
        let below = wrapped.saturating_sub(top + rows);
        if below > 0 && body.height > 1 {
            Line::from(format!("↓ {below} more lines (↓)"))
                .dim()
                .render(
                    Rect {
                        y: body.bottom() - 1,
                        height: 1,
                        ..body
                    },
                    buf,
                );
        }
        let line = match &self.pad {
            Some(pad) => Line::from(format!("Tags: {}", pad.line('▏'))).bold(),
            None if item.tags.is_empty() => Line::from("Tags: none yet").dim(),
            None => {
                let tags: Vec<String> = item.tags.iter().map(|t| format!("#{t}")).collect();
                let by = item
                    .by
                    .as_deref()
                    .map(|by| format!(" (by {})", printable(by)))
                    .unwrap_or_default();
                Line::from(format!("Tags: {}{by}", printable(&tags.join(" "))))
            }
        };
        Paragraph::new(line)
            .wrap(Wrap { trim: false })
            .render(tags, buf);
        if let Some(said) = &self.message {
            Line::from(truncate(&printable(said), width)).render(message, buf);
        }
        let hint = match self.pad {
            Some(_) => keys::typing_footer(),
            None => keys::footer(),
        };
        Line::from(truncate(&hint, width)).dim().render(footer, buf);
    }
}

impl Tagging {
    /// Where in the map: the source, the item's number, how many are tagged.
    fn title(&self) -> String {
        let count = self.map.items.len();
        let tagged = self.map.tagged();
        format!(
            "Frictions · {} · item {} of {count} · {tagged} tagged, {} to tag",
            printable(&self.map.source),
            (self.at + 1).min(count),
            count - tagged
        )
    }
}
