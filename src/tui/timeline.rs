//! One recorded event as a line of a timeline, shared by review and observe.

use ratatui::style::Stylize;
use ratatui::text::{Line, Span};

use crate::format::{minutes_seconds, seconds};
use crate::session::{EventKind, TaskEnding};
use crate::text::{fit, printable};

/// What one line of a timeline stands for: an event, or a note kept beside the session.
#[derive(Debug, Clone, Copy)]
pub enum Entry<'a> {
    Event(&'a crate::session::Event),
    Note(&'a crate::session::ObserverNote),
}

impl Entry<'_> {
    /// When it happened, in the session's time.
    pub fn at_ms(&self) -> u64 {
        match self {
            Entry::Event(event) => event.at_ms,
            Entry::Note(note) => note.at_ms,
        }
    }
}

/// The events and the notes kept beside them in time order, each note before the event
/// at its time or after it (notes may be added later, at any moment of the session).
pub fn entries<'a>(
    events: &'a [crate::session::Event],
    notes: &'a [crate::session::ObserverNote],
) -> Vec<Entry<'a>> {
    let mut sorted: Vec<&crate::session::ObserverNote> = notes.iter().collect();
    sorted.sort_by_key(|n| n.at_ms);
    let mut notes = sorted.into_iter().peekable();
    let mut entries = Vec::with_capacity(events.len() + notes.len());
    for event in events {
        while let Some(note) = notes.next_if(|n| n.at_ms <= event.at_ms) {
            entries.push(Entry::Note(note));
        }
        entries.push(Entry::Event(event));
    }
    entries.extend(notes.map(Entry::Note));
    entries
}

/// The events as timeline lines, each kept note in its place by time (review, and the
/// observer's own live view).
pub fn with_notes(
    events: &[crate::session::Event],
    notes: &[crate::session::ObserverNote],
    longest: u64,
) -> Vec<Line<'static>> {
    entries(events, notes)
        .into_iter()
        .map(|entry| match entry {
            Entry::Event(event) => event_line(event.at_ms, &event.kind, longest),
            Entry::Note(note) => observer_line(note),
        })
        .collect()
}

/// A kept note as a timeline line, in italics: its author (`observer` when unnamed), its
/// words, and where a marked span ends.
fn observer_line(note: &crate::session::ObserverNote) -> Line<'static> {
    let author = note
        .author
        .as_deref()
        .unwrap_or(crate::session::moments::OBSERVER);
    let span = note
        .end_ms
        .filter(|end| *end > note.at_ms)
        .map(|end| format!(" (to {})", minutes_seconds(end)))
        .unwrap_or_default();
    let quote = note
        .quote
        .as_deref()
        .map(|q| format!(" on “{}”", printable(q)))
        .unwrap_or_default();
    Line::from(format!(
        "{:>6} {:<10} {}{quote}{span}",
        minutes_seconds(note.at_ms),
        fit(&printable(author), 10),
        printable(&note.text)
    ))
    .italic()
}

/// Width of a bar for the longest hesitation or decision shown.
pub const BAR_WIDTH: usize = 16;

/// `time  kind  detail  ▇▇▇░ 1.2 s`: hesitation as solid bar, decision as its light tail.
pub fn event_line(at_ms: u64, kind: &EventKind, longest: u64) -> Line<'static> {
    let detail = match kind {
        EventKind::TaskStart { task } => format!("task {task}"),
        EventKind::Show { step } => step.clone(),
        EventKind::Ask { question } => question.clone(),
        EventKind::Choose {
            step, choice, to, ..
        } => format!("{step}: {choice} → {to}"),
        EventKind::Continue { step, to, .. } => format!("{step} → {to}"),
        EventKind::Input {
            step, name, text, ..
        } => format!("{step}: {name} = {text}"),
        EventKind::Back { step, to, .. } => format!("{step} ← back to {to}"),
        EventKind::Answer {
            question, value, ..
        } => format!(
            "{question}: {}",
            serde_json::to_string(value).unwrap_or_default()
        ),
        EventKind::Note { text } => format!("note: {text}"),
        EventKind::Set { name, value } => format!("{name} = {}", value.shown()),
        EventKind::Resume { paused_ms } => format!("after {}", minutes_seconds(*paused_ms)),
        EventKind::GiveUp { step } | EventKind::Timeout { step } => step.clone(),
        EventKind::End { step, outcome } => format!("{step}: {outcome}"),
        EventKind::TaskEnd {
            task,
            outcome,
            duration_ms,
        } => {
            // The report's word for the ending: a give-up is `gave up` here too.
            format!(
                "{task}: {} in {}",
                TaskEnding::Ended(*outcome).word(),
                minutes_seconds(*duration_ms)
            )
        }
        EventKind::Abort { reason } => reason.clone(),
        EventKind::EarlyKey { key, early_ms, .. } => {
            format!("{key}, {early_ms} ms before the screen: ignored")
        }
        EventKind::Consent { answer, .. } => serde_json::to_string(answer).unwrap_or_default(),
        EventKind::Resumed { gap_ms, after, .. } => {
            format!("{after}, after {}", minutes_seconds(*gap_ms))
        }
        EventKind::SessionEnd { .. } | EventKind::Pause { .. } | EventKind::Disconnect => {
            String::new()
        }
    };
    let mut spans = vec![Span::raw(format!(
        "{:>6} {:<10} {} ",
        minutes_seconds(at_ms),
        kind.name(),
        fit(&printable(&detail), 34)
    ))];
    if let Some((hesitation, decision)) = timing_of(kind) {
        let scale = |ms: u64| ((ms as f64 / longest as f64) * BAR_WIDTH as f64).round() as usize;
        spans.push(Span::raw("▇".repeat(scale(hesitation))));
        spans.push(Span::raw("░".repeat(scale(decision).saturating_sub(scale(hesitation)))).dim());
        spans.push(Span::raw(format!(
            " {}",
            seconds(hesitation as f64 / 1000.0)
        )));
    }
    let line = Line::from(spans);
    match kind {
        EventKind::Back { .. }
        | EventKind::GiveUp { .. }
        | EventKind::Timeout { .. }
        | EventKind::Abort { .. } => line.bold(),
        EventKind::Note { .. } => line.italic(),
        _ => line,
    }
}

/// The longest hesitation or decision among `events`, which bars are scaled to.
pub fn longest_timing(events: &[crate::session::Event]) -> u64 {
    events
        .iter()
        .filter_map(|e| timing_of(&e.kind).map(|(h, d)| h.max(d)))
        .max()
        .unwrap_or(1)
        .max(1)
}

/// Hesitation and decision of events that have them.
pub fn timing_of(kind: &EventKind) -> Option<(u64, u64)> {
    match kind {
        EventKind::Choose { timing, .. }
        | EventKind::Continue { timing, .. }
        | EventKind::Input { timing, .. }
        | EventKind::Back { timing, .. }
        | EventKind::Answer { timing, .. } => Some((timing.hesitation_ms, timing.decision_ms)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{TaskOutcome, Timing};
    use crate::text::display_width;

    /// Bars start in the same column whatever script a step is named in.
    #[test]
    fn wide_step_names_are_cut_by_columns_so_bars_line_up() {
        let choose = |step: &str| EventKind::Choose {
            step: step.into(),
            choice: "はい☕".into(),
            to: "ok".into(),
            timing: Timing {
                hesitation_ms: 500,
                decision_ms: 900,
                input: Default::default(),
            },
        };
        let prefix = |kind: &EventKind| {
            let line = event_line(1_000, kind, 1_000);
            display_width(&line.spans[0].content)
        };
        let ascii = prefix(&choose("home"));
        assert_eq!(ascii, 6 + 1 + 10 + 1 + 34 + 1);
        assert_eq!(prefix(&choose("ホーム画面")), ascii);
        assert_eq!(
            prefix(&choose("注文履歴と再注文の画面☕☕☕☕☕☕☕☕")),
            ascii
        );
    }

    /// The timeline words a task's end as the report does: a give-up is `gave up`.
    #[test]
    fn a_task_end_is_worded_as_the_report_words_it() {
        let end = |outcome| EventKind::TaskEnd {
            task: "t".into(),
            outcome,
            duration_ms: 3_000,
        };
        let text = |kind: &EventKind| event_line(0, kind, 1).spans[0].content.to_string();
        assert!(text(&end(TaskOutcome::Abandoned)).contains("t: gave up in"));
        assert!(text(&end(TaskOutcome::Timeout)).contains("t: timed out in"));
        assert!(text(&end(TaskOutcome::Failure)).contains("t: failure in"));
    }
}
