//! What the dashboard draws: the counts against the target, a row per participant with
//! alerts highlighted, the alerts in words, the server's latest lines, the keys.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table, Widget};

use super::{Action, Board, WATCHING};
use crate::format::span;
use crate::serve::dashboard::Count;
use crate::text::printable;

impl Widget for &Board<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let alerts = self.alerts.len().min(4) as u16;
        let [title, counts, table, alerts_area, log, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(alerts),
            Constraint::Length(self.log.len() as u16),
            Constraint::Length(2),
        ])
        .areas(area);
        let invited = self.dashboard.participants.len();
        Line::from(format!("{} · {invited} invited", self.door()))
            .bold()
            .render(title, buf);
        let counts_words: Vec<String> = self.dashboard.counts.iter().map(count).collect();
        Line::from(counts_words.join(" · ")).render(counts, buf);
        self.table().render(table, buf);
        let alert_lines: Vec<Line> = (self.alerts.iter().take(4))
            .map(|a| Line::from(format!("! {:<8} {}", a.participant, a.words())).red())
            .collect();
        Paragraph::new(alert_lines).render(alerts_area, buf);
        let log_lines: Vec<Line> = (self.log.iter())
            .map(|l| Line::from(printable(l)).dim())
            .collect();
        Paragraph::new(log_lines).render(log, buf);
        Paragraph::new(self.footer()).render(footer, buf);
    }
}

/// `one-menu: 2 complete, 1 playing, target 6`.
fn count(count: &Count) -> String {
    let target = count.target.map_or(String::new(), |t| format!(" of {t}"));
    let name = count
        .variant
        .as_deref()
        .map_or(String::new(), |v| format!("{v}: "));
    format!(
        "{name}{}{target} complete, {} playing",
        count.complete, count.playing
    )
}

impl Board<'_> {
    fn table(&self) -> Table<'_> {
        let header = Row::new(["Participant", "Variant", "Step", "On it", "State"])
            .style(Style::new().add_modifier(Modifier::BOLD));
        let rows = (self.dashboard.participants.iter().enumerate()).map(|(i, row)| {
            let mut style = Style::new();
            if self.alert_on(&row.participant).is_some() {
                style = style.red().add_modifier(Modifier::BOLD);
            }
            if i == self.selected {
                style = style.add_modifier(Modifier::REVERSED);
            }
            let or_dash = |s: Option<&str>| printable(s.unwrap_or("-"));
            Row::new([
                row.participant.clone(),
                or_dash(row.variant.as_deref()),
                or_dash(row.step.as_deref()),
                row.on_step
                    .map_or("-".into(), |d| span(d.as_millis() as u64)),
                row.state.words(),
            ])
            .style(style)
        });
        let widths = [
            Constraint::Length(11),
            Constraint::Length(14),
            Constraint::Fill(1),
            Constraint::Length(7),
            Constraint::Length(20),
        ];
        Table::new(rows, widths).header(header)
    }

    fn footer(&self) -> Vec<Line<'_>> {
        let first = match (&self.refused, self.selected_link()) {
            (Some(why), _) => Line::from(format!("cannot invite: {why}")).red(),
            (None, Some((who, link))) if self.observing => {
                Line::from(format!("watch {who}: {link}"))
            }
            (None, Some((who, link))) => Line::from(format!("{who}'s link: {link}")),
            (None, None) => Line::default(),
        };
        let keys = match self.asking {
            true => Line::from(
                "Stop the server, saving every live session as aborted? y: stop · n: keep serving",
            )
            .bold(),
            false => {
                use Action::*;
                let items: &[(&[Action], &str)] = &[
                    (&[Invite], "invite"),
                    (&[Observe], "observer link"),
                    (&[Up, Down], "select"),
                    (&[Quit], "stop"),
                ];
                Line::from(WATCHING.hint(items)).dim()
            }
        };
        vec![first, keys]
    }
}
