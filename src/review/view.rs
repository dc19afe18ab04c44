//! Drawing the review: the sessions table, a session's timeline, a flow's steps.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, Widget, Wrap};

use super::{Action, COLUMNS, Column, Review, Screen, keys};
use crate::format::{minutes_seconds, percent, seconds_or_missing};
use crate::session::{SessionEnding, SessionOutcome};
use crate::text::fit;
use crate::text::printable;
use crate::tui::timeline::{BAR_WIDTH, longest_timing, with_notes};

/// How the friction figure is made, under the keys in the help overlay.
pub const FRICTION: &str = "\
Friction = hesitation ratio + backtrack rate + drop-off rate:
the step's median hesitation over the median of all steps' medians,
backtracks per visit, and attempts that ended there without success
per visit (docs/statistics.md).";

/// Keys only: nothing here takes a click.
impl crate::tui::pointer::Pointable for Review {}

impl Widget for &Review {
    fn render(self, area: Rect, buf: &mut Buffer) {
        // The cursor on a note: its whole words under the timeline (up to three lines).
        let words = match (self.screen, &self.noting) {
            (Screen::Session(_), None) => self.anchor().and_then(|a| a.words),
            _ => None,
        };
        let words = words.map(|w| printable(&w.replace(['\n', '\r'], " ")));
        let rows = words.as_deref().map_or(0, |w| {
            let width = usize::from(area.width.max(1));
            (crate::text::display_width(w).div_ceil(width)).clamp(1, 3)
        });
        let [header, body, note, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(rows as u16),
            Constraint::Length(1),
        ])
        .areas(area);
        if let Some(words) = &words {
            Paragraph::new(words.as_str())
                .wrap(Wrap { trim: false })
                .italic()
                .render(note, buf);
        }
        self.header(header, buf);
        match self.screen {
            Screen::Sessions => self.sessions(body, buf),
            Screen::Session(row) => self.timeline(row, body, buf),
            Screen::Flow => self.flow(body, buf),
        }
        let hint = match self.screen {
            Screen::Sessions if self.editing_filter => format!(
                "Filter: {} ({} to keep, {} to end)",
                self.filter.marked('▏'),
                keys::FILTERING.key_of(Action::Enter),
                keys::FILTERING.key_of(Action::Back),
            ),
            Screen::Session(_) if self.noting.is_some() => {
                self.noting_hint(usize::from(footer.width))
            }
            Screen::Session(_) if self.said.is_some() => format!(
                "{} · {}",
                self.said.as_deref().map(printable).unwrap_or_default(),
                keys::footer(self.screen)
            ),
            screen => keys::footer(screen),
        };
        Line::from(hint).dim().render(footer, buf);
        if self.help {
            help(area, buf);
        }
    }
}

impl Review {
    fn header(&self, area: Rect, buf: &mut Buffer) {
        let tab = |name: &str, on: bool| {
            let span = Span::raw(format!(" {name} "));
            if on { span.reversed() } else { span }
        };
        let on_sessions = matches!(self.screen, Screen::Sessions | Screen::Session(_));
        let mut spans = vec![
            Span::raw("mvx review ").bold(),
            tab("Sessions", on_sessions),
            tab("Flow", !on_sessions),
        ];
        let count = self.data.rows.len();
        let shown = match self.filter.text().is_empty() {
            true => String::new(),
            false => format!("{} of ", self.visible().len()),
        };
        spans.push(
            Span::raw(format!(
                "  {shown}{count} session{}",
                if count == 1 { "" } else { "s" }
            ))
            .dim(),
        );
        if self.loading.is_some() {
            spans.push(Span::raw(", reading more…").dim());
        }
        if let Some(problem) = &self.problem {
            spans.push(Span::raw(format!(", {}", printable(problem))).dim());
        }
        if !self.data.report.data_problems.is_empty() {
            let left_out = self.data.report.data_problems.len();
            spans.push(
                Span::raw(format!(
                    ", {left_out} bad line{}",
                    if left_out == 1 { "" } else { "s" }
                ))
                .dim(),
            );
        }
        if !self.data.report.skipped.is_empty() {
            let skipped = self.data.report.skipped.len();
            spans.push(
                Span::raw(format!(
                    ", {skipped} file{} skipped",
                    if skipped == 1 { "" } else { "s" }
                ))
                .dim(),
            );
        }
        if !self.filter.text().is_empty() && !self.editing_filter {
            spans.push(Span::raw(format!(" · filter: {}", printable(self.filter.text()))).dim());
        }
        Line::from(spans).render(area, buf);
    }

    fn sessions(&self, area: Rect, buf: &mut Buffer) {
        let visible = self.visible();
        if visible.is_empty() {
            let message = if self.data.rows.is_empty() {
                "No sessions found."
            } else {
                "No session matches the filter."
            };
            Paragraph::new(message).render(area, buf);
            return;
        }
        let heights = area.height.saturating_sub(1) as usize;
        let first = self.selected.saturating_sub(heights.saturating_sub(1));
        let titles = COLUMNS.iter().map(|c| {
            let arrow = if *c == self.sort {
                if self.descending { " ↓" } else { " ↑" }
            } else {
                ""
            };
            Cell::from(format!("{}{arrow}", column_name(*c)))
        });
        let rows = visible
            .iter()
            .enumerate()
            .skip(first)
            .take(heights)
            .map(|(at, &i)| {
                let r = &self.data.rows[i];
                let complete = SessionEnding::Ended(SessionOutcome::Complete);
                let outcome = Cell::from(r.outcome.word()).style(if r.outcome == complete {
                    Style::new()
                } else {
                    Style::new().add_modifier(Modifier::BOLD)
                });
                let row = Row::new(vec![
                    Cell::from(printable(&r.started_at)),
                    Cell::from(printable(&r.participant)),
                    Cell::from(printable(&r.flow)),
                    Cell::from(printable(&r.variant)),
                    Cell::from(minutes_seconds(r.duration_ms)),
                    outcome,
                    Cell::from(printable(&r.tasks)),
                    Cell::from(printable(&r.verdicts)),
                ]);
                if at == self.selected {
                    row.style(Style::new().add_modifier(Modifier::REVERSED))
                } else {
                    row
                }
            });
        let widths = [
            Constraint::Length(16),
            Constraint::Length(8),
            Constraint::Length(12),
            Constraint::Length(10),
            Constraint::Length(7),
            Constraint::Length(8),
            Constraint::Length(16),
            Constraint::Fill(1),
        ];
        Widget::render(
            Table::new(rows, widths).header(Row::new(titles).bold()),
            area,
            buf,
        );
    }

    /// The footer while a note is typed: where it goes, the text, what the keys do.
    fn noting_hint(&self, columns: usize) -> String {
        let Some(pad) = &self.noting else {
            return String::new();
        };
        let at = self.anchor().map_or(0, |a| a.at_ms);
        let (at, end) = crate::session::moments::span(self.mark, at);
        let when = crate::format::moment(at, end);
        let keys = format!(
            "({} keeps, {} drops, # and {} tag)",
            keys::NOTING.key_of(Action::SaveNote),
            keys::NOTING.key_of(Action::DropNote),
            keys::NOTING.key_of(Action::Complete),
        );
        pad.footer(&format!("Note at {when}: "), &keys, columns)
    }

    fn timeline(&self, row: usize, area: Rect, buf: &mut Buffer) {
        let mut lines = self.timeline_lines(row);
        if let Some(line) = lines.get_mut(self.line) {
            *line = std::mem::take(line).reversed();
        }
        // The cursor stays in view when a note's words take rows from the timeline.
        let top = (self.scroll).max((self.line + 1).saturating_sub(usize::from(area.height)));
        Paragraph::new(lines)
            .scroll((top.min(u16::MAX as usize) as u16, 0))
            .render(area, buf);
    }

    /// The lines of a session's timeline, title first.
    pub(super) fn timeline_lines(&self, row: usize) -> Vec<Line<'static>> {
        let Some(r) = self.data.rows.get(row) else {
            return Vec::new();
        };
        let shown = self.shown_session(row);
        let mut lines = vec![
            Line::from(format!(
                "{} · {} {} · {} · {}",
                printable(&r.participant),
                printable(&r.flow),
                printable(&r.variant),
                printable(&r.started_at),
                r.outcome.word()
            ))
            .bold(),
        ];
        let session = match shown.as_ref() {
            Ok(session) => session,
            Err(why) => {
                lines.push(Line::from(format!("cannot read it now: {}", printable(why))).bold());
                return lines;
            }
        };
        let longest = longest_timing(&session.events);
        lines.push(
            Line::from(
                "time   event      step / detail                      hesitation ▇ and decision ░",
            )
            .dim(),
        );
        lines.extend(with_notes(&session.events, &r.observer_notes, longest));
        if !session.problems.is_empty() {
            lines.push(Line::from("       Data problems (left out of every figure):").bold());
        }
        for problem in &session.problems {
            lines.push(
                Line::from(format!(
                    "       line {}: {}",
                    problem.line,
                    printable(&problem.why)
                ))
                .bold(),
            );
        }
        lines
    }

    fn flow(&self, area: Rect, buf: &mut Buffer) {
        Paragraph::new(Text::from(self.flow_lines()))
            .scroll((self.scroll.min(u16::MAX as usize) as u16, 0))
            .render(area, buf);
    }

    /// The lines of the flow view: the version, its summary, friction and steps.
    pub(super) fn flow_lines(&self) -> Vec<Line<'static>> {
        let versions = self.versions();
        let Some((flow, title, version)) = versions.get(self.version) else {
            return vec![Line::from("No sessions found.")];
        };
        let mut lines = vec![
            Line::from(format!(
                "{}: {} · variant {} · flow file {}… · version {} of {}",
                printable(flow),
                printable(title),
                printable(&version.variant_name()),
                version.sha256.chars().take(8).collect::<String>(),
                self.version + 1,
                versions.len()
            ))
            .bold(),
        ];
        let mixed = self
            .data
            .report
            .flows
            .iter()
            .any(|f| f.flow == *flow && f.mixed_versions.contains(&version.variant_name()));
        if mixed {
            lines.push(Line::from("Warning: this variant was recorded with more than one version of the flow file.").bold());
        }
        lines.push(Line::from(version.summary.words(printable)));
        lines.push(Line::from(""));
        lines.push(Line::from("Friction ranking").bold());
        for (i, f) in version.friction.iter().enumerate() {
            lines.push(Line::from(format!(
                "{}. {} ({}): {}",
                i + 1,
                printable(&f.step),
                crate::format::number(f.score, 2),
                printable(&f.reason.text())
            )));
        }
        lines.push(Line::from(""));
        lines.extend(step_lines(version));
        lines
    }
}

fn step_lines(version: &crate::report::FlowVersion) -> Vec<Line<'static>> {
    let longest = version
        .steps
        .iter()
        .filter_map(|s| s.hesitation_p90_s)
        .fold(0.0, f64::max)
        .max(0.001);
    let mut lines = vec![
        Line::from(
            "step             visits reached  median hesitation         p90 back drop choices",
        )
        .bold(),
    ];
    let total = version.sessions.total.max(1) as f64;
    for s in &version.steps {
        let reached = s.sessions_reached as f64 / total;
        let median = s.hesitation_median_s.unwrap_or(0.0);
        let bar = "▇".repeat(((median / longest) * BAR_WIDTH as f64).round() as usize);
        let choices: Vec<String> = s
            .choices
            .iter()
            .take(3)
            .map(|(c, n)| format!("{}×{n}", printable(c)))
            .collect();
        lines.push(Line::from(format!(
            "{} {:>6} {:>7}  {:<16}{:>6} {:>6} {:>4} {:>4} {}",
            fit(&printable(&s.step), 16),
            s.visits,
            percent(reached),
            bar,
            seconds_or_missing(s.hesitation_median_s),
            seconds_or_missing(s.hesitation_p90_s),
            s.backtracks,
            s.drop_offs,
            choices.join(", ")
        )));
    }
    lines
}

fn column_name(column: Column) -> &'static str {
    match column {
        Column::Date => "date",
        Column::Participant => "who",
        Column::Flow => "flow",
        Column::Variant => "variant",
        Column::Duration => "time",
        Column::Outcome => "session",
        Column::Tasks => "tasks",
        Column::Verdicts => "verdicts",
    }
}

fn help(area: Rect, buf: &mut Buffer) {
    let mut lines = keys::BROWSING.help_lines();
    lines.push(String::new());
    lines.extend(FRICTION.lines().map(str::to_owned));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let popup = area.centered(
        Constraint::Length(area.width.saturating_sub(4).min(76)),
        Constraint::Length(height.min(area.height)),
    );
    Clear.render(popup, buf);
    let title = format!(
        " Help · {} or {} closes ",
        keys::BROWSING.key_of(Action::Help),
        keys::BROWSING.key_of(Action::Back)
    );
    Paragraph::new(lines.join("\n"))
        .block(Block::bordered().title(title))
        .wrap(Wrap { trim: false })
        .render(popup, buf);
}
