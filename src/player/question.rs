//! Keys on a verdict question: an option, a point on a scale, or free text.

use std::time::Duration;

use super::field::TextField;
use super::input::Key;
use super::{Mode, Player};
use crate::flow::{Answer, Scale};
use crate::session::{AnswerValue, EventKind, SessionOutcome};

impl Player<'_> {
    pub(super) fn question_key(&mut self, key: Key, at: Duration) {
        let Mode::Question {
            index,
            choice,
            field,
        } = &mut self.mode
        else {
            return;
        };
        let question = &self.flow.questions[*index];
        let answer = match &question.answer {
            Answer::Options(options) => option_key(choice, options.len(), key)
                .and_then(|i| options.get(i))
                .map(|o| AnswerValue::Text(o.label.clone())),
            Answer::Scale(scale) => scale_key(choice, scale, key).map(AnswerValue::Number),
            Answer::Text => text_key(field, key).map(AnswerValue::Text),
        };
        let Some(value) = answer else { return };
        let free_text = question.answer == Answer::Text;
        let index = *index;
        let question = question.id.clone();
        let timing = self.timing(at);
        self.record(
            at,
            EventKind::Answer {
                question,
                value,
                free_text,
                timing,
            },
        );
        if index + 1 < self.flow.questions.len() {
            let next = Mode::Question {
                index: index + 1,
                choice: None,
                field: TextField::default(),
            };
            self.show(next);
        } else {
            self.end_session(at, SessionOutcome::Complete);
        }
    }
}

/// Options work like choices: a digit picks, arrows move the highlight, Enter confirms.
fn option_key(highlight: &mut Option<i64>, count: usize, key: Key) -> Option<usize> {
    let count = i64::try_from(count).unwrap_or(i64::MAX);
    let current = highlight.unwrap_or(0);
    match key {
        Key::Up | Key::Char('k') => {
            *highlight = Some(if current == 0 { count - 1 } else { current - 1 })
        }
        Key::Down | Key::Char('j') => *highlight = Some((current + 1) % count.max(1)),
        Key::Enter => return usize::try_from(current).ok(),
        Key::Char(c @ '1'..='9') => {
            let picked = i64::from(c as u8 - b'1');
            return (picked < count)
                .then(|| usize::try_from(picked).ok())
                .flatten();
        }
        _ => {}
    }
    None
}

/// Left and right move along the scale, Enter confirms; a digit picks a point at once
/// when every point is a single digit.
fn scale_key(point: &mut Option<i64>, scale: &Scale, key: Key) -> Option<i64> {
    let middle = scale.middle();
    match key {
        Key::Left | Key::Char('h') => {
            *point = Some(point.map_or(middle, |p| (p - 1).max(scale.from)))
        }
        Key::Right | Key::Char('l') => {
            *point = Some(point.map_or(middle, |p| (p + 1).min(scale.to)))
        }
        Key::Enter => return *point,
        Key::Char(c) if c.is_ascii_digit() && scale.from >= 0 && scale.to <= 9 => {
            let digit = i64::from(c as u8 - b'0');
            return (scale.from..=scale.to).contains(&digit).then_some(digit);
        }
        _ => {}
    }
    None
}

fn text_key(field: &mut TextField, key: Key) -> Option<String> {
    if key == Key::Enter {
        return Some(field.text().trim().to_owned());
    }
    field.edit(key);
    None
}
