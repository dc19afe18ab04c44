//! The pieces of a frame: the mockup, choices, fields, scales and the researcher's popups.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use super::{framed, highlighted};
use crate::flow::{Answer, Scale, Step, StepKind};
use crate::player::field::TextField;
use crate::player::{Mode, Player};
use crate::text::{display_width, printable};

/// The step's screen mockup in a box hugging its width, scrolled when it is too tall.
pub fn mockup(text: &str, scroll: u16, area: Rect, buf: &mut Buffer) {
    let shown = printable(text);
    let (box_area, lines, visible) = mockup_box(&shown, area);
    let scroll = scroll.min(lines.saturating_sub(visible));
    let title = if lines > visible {
        " PgUp/PgDn: more "
    } else {
        ""
    };
    Paragraph::new(shown)
        .block(framed(title))
        .scroll((scroll, 0))
        .render(box_area, buf);
}

/// Where a mockup's box goes in `area` (hugging its width, as tall as fits), with the
/// mockup's lines and how many of them the box shows.
pub fn mockup_box(shown: &str, area: Rect) -> (Rect, u16, u16) {
    let lines = shown.lines().count() as u16;
    let widest = shown.lines().map(display_width).max().unwrap_or(0) as u16;
    let height = (lines + 2).min(area.height);
    let width = (widest + 2).min(area.width);
    let box_area = Rect {
        width,
        height,
        ..area
    };
    (box_area, lines, height.saturating_sub(2))
}

/// Rows the step's choices, field or "continue" line need.
pub fn action_height(player: &Player, step: &Step) -> u16 {
    match (player.mode(), &step.kind) {
        (Mode::Step { step, .. }, StepKind::Choices(_)) => player.choices(*step).len() as u16,
        (Mode::Step { .. }, StepKind::Input { .. }) => 3,
        _ => 1,
    }
}

pub fn action(player: &Player, step: &Step, area: Rect, buf: &mut Buffer) {
    let Mode::Step {
        step: index,
        highlight,
        field,
    } = player.mode()
    else {
        Line::from("Press Enter to continue")
            .dim()
            .render(area, buf);
        return;
    };
    match &step.kind {
        StepKind::Choices(_) => {
            let labels = player
                .choices(*index)
                .into_iter()
                .map(|c| (c.label.as_str(), c.key.map(|k| k.key)));
            list(labels, *highlight, area, buf);
        }
        StepKind::Input { .. } => text_field(field, "Your answer", area, buf),
        StepKind::Info { .. } | StepKind::End { .. } => {
            Line::from("Press Enter to continue")
                .dim()
                .render(area, buf);
        }
    }
}

/// Numbered entries, the highlighted one marked and reversed.
fn list<'a>(
    entries: impl Iterator<Item = (&'a str, Option<char>)>,
    highlight: usize,
    area: Rect,
    buf: &mut Buffer,
) {
    let lines: Vec<Line> = entries
        .enumerate()
        .map(|(i, (label, key))| {
            let number = if i < 9 {
                format!("{}.", i + 1)
            } else {
                "  ".into()
            };
            let key = key
                .map(|k| format!("  [{}]", printable(&k.to_string())))
                .unwrap_or_default();
            let text = format!("{number} {}{key}", printable(label));
            if i == highlight {
                Line::from(vec![Span::raw("› "), Span::styled(text, highlighted())])
            } else {
                Line::from(format!("  {text}"))
            }
        })
        .collect();
    Paragraph::new(lines).render(area, buf);
}

/// A one-line editable field in a box; the cursor is a reversed cell. Text longer than
/// the box scrolls sideways so the cursor is always in view.
fn text_field(field: &TextField, title: &str, area: Rect, buf: &mut Buffer) {
    let area = Rect {
        height: area.height.min(3),
        ..area
    };
    let chars: Vec<String> = field
        .text()
        .chars()
        .map(|c| printable(&c.to_string()))
        .collect();
    let cursor = field.cursor().min(chars.len());
    let room = usize::from(area.width.saturating_sub(2)).max(1);
    let start = first_shown(&chars[..cursor], room.saturating_sub(1));
    let before: String = chars[start..cursor].concat();
    let at = chars.get(cursor).map_or(" ".into(), String::clone);
    let after: String = chars
        .get(cursor + 1..)
        .map(|r| r.concat())
        .unwrap_or_default();
    let line = Line::from(vec![
        Span::raw(before),
        Span::styled(at, Style::new().add_modifier(Modifier::REVERSED)),
        Span::raw(after),
    ]);
    Paragraph::new(line).block(framed(title)).render(area, buf);
}

/// The first of `chars` to show so that those from it to the end take at most `room`
/// display columns.
fn first_shown(chars: &[String], room: usize) -> usize {
    let mut width = 0;
    for (i, c) in chars.iter().enumerate().rev() {
        width += display_width(c);
        if width > room {
            return i + 1;
        }
    }
    0
}

pub fn question(
    player: &Player,
    index: usize,
    choice: Option<i64>,
    field: &TextField,
    area: Rect,
    buf: &mut Buffer,
) {
    let questions = &player.flow().questions;
    let Some(question) = questions.get(index) else {
        return;
    };
    let ask = asked(&question.ask);
    let [counter, ask_area, answer_area] = question_areas(&question.ask, area);
    Line::from(format!("Question {} of {}", index + 1, questions.len()))
        .dim()
        .render(counter, buf);
    ask.render(ask_area, buf);
    match &question.answer {
        Answer::Options(options) => {
            let highlight = usize::try_from(choice.unwrap_or(0)).unwrap_or(0);
            list(
                options.iter().map(|o| (o.label.as_str(), None)),
                highlight,
                answer_area,
                buf,
            );
        }
        Answer::Scale(scale) => scale_row(scale, choice, answer_area, buf),
        Answer::Text => text_field(field, "Your answer", answer_area, buf),
    }
}

fn asked(ask: &str) -> Paragraph<'static> {
    Paragraph::new(printable(ask))
        .bold()
        .wrap(Wrap { trim: false })
}

/// Where a question's counter, its words and its answer go in `area`.
pub fn question_areas(ask: &str, area: Rect) -> [Rect; 3] {
    let ask_height = asked(ask).line_count(area.width) as u16;
    Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(ask_height + 1),
        Constraint::Fill(1),
    ])
    .areas(area)
}

/// Each point of `scale` as the scale's row draws it: its columns from the row's start.
pub fn scale_columns(scale: &Scale) -> Vec<(i64, u16, u16)> {
    let mut at = 0;
    (scale.from..=scale.to)
        .map(|point| {
            let width = display_width(&point.to_string()) as u16 + 2;
            let columns = (point, at, width);
            at += width + 1;
            columns
        })
        .collect()
}

/// Every point of the scale, the chosen one in brackets, with the end labels beneath.
fn scale_row(scale: &Scale, chosen: Option<i64>, area: Rect, buf: &mut Buffer) {
    let spans: Vec<Span> = (scale.from..=scale.to)
        .map(|point| match chosen == Some(point) {
            true => Span::styled(format!("[{point}]"), highlighted()),
            false => Span::raw(format!(" {point} ")),
        })
        .flat_map(|span| [span, Span::raw(" ")])
        .collect();
    let row_width: usize = spans.iter().map(|s| display_width(&s.content)).sum();
    let low = scale.low.as_deref().map(printable).unwrap_or_default();
    let high = scale.high.as_deref().map(printable).unwrap_or_default();
    let gap = row_width
        .saturating_sub(display_width(&low) + display_width(&high))
        .max(2);
    let labels = Line::from(format!("{low}{}{high}", " ".repeat(gap))).dim();
    Paragraph::new(Text::from(vec![Line::from(spans), labels])).render(area, buf);
}

/// The researcher's note box; under it, the tags Tab found or why it cannot be saved.
pub fn note(field: &TextField, hint: Option<&str>, area: Rect, buf: &mut Buffer) {
    let popup = popup(area, if hint.is_some() { 4 } else { 3 });
    Clear.render(popup, buf);
    let [boxed, under] =
        Layout::vertical([Constraint::Length(3), Constraint::Fill(1)]).areas(popup);
    text_field(
        field,
        " Note · Enter saves · Esc cancels · # Tab: tag ",
        boxed,
        buf,
    );
    if let Some(hint) = hint {
        Line::from(crate::text::printable(hint)).render(under, buf);
    }
}

pub fn confirm_quit(area: Rect, buf: &mut Buffer) {
    let popup = popup(area, 4);
    Clear.render(popup, buf);
    let text = Text::from(vec![
        Line::from("End the session now? It is saved as aborted.").bold(),
        Line::from("y: end it · n: go on"),
    ]);
    Paragraph::new(text)
        .block(Block::bordered())
        .render(popup, buf);
}

fn popup(area: Rect, height: u16) -> Rect {
    let width = area.width.saturating_sub(4).min(64);
    area.centered(Constraint::Length(width), Constraint::Length(height))
}
