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

/// The keys that take the `target`th of `count` entries (choices, options) listed with
/// the `highlight`th marked, as [`option_key`] and the step's choices take them: its
/// digit for the first nine, else down from the highlight (wrapping) and Enter. What a
/// click or tap on an entry stands for.
pub fn keys_to_entry(target: usize, count: usize, highlight: usize) -> Vec<Key> {
    if let Some(digit) = u32::try_from(target + 1).ok().filter(|d| *d <= 9) {
        return vec![Key::Char(char::from_digit(digit, 10).unwrap_or('1'))];
    }
    let count = count.max(1);
    let down = (target + count - highlight % count) % count;
    let mut keys = vec![Key::Down; down];
    keys.push(Key::Enter);
    keys
}

/// The keys that answer `point` on `scale` from the point chosen so far, as
/// [`scale_key`] takes them: its digit when every point is one, else left or right to it
/// and Enter (the first move from none lands on the middle).
pub fn keys_to_point(scale: &Scale, chosen: Option<i64>, point: i64) -> Vec<Key> {
    let digit = u32::try_from(point)
        .ok()
        .and_then(|p| char::from_digit(p, 10));
    if let (true, Some(digit)) = (scale.from >= 0 && scale.to <= 9, digit) {
        return vec![Key::Char(digit)];
    }
    let mut keys = Vec::new();
    let from = match chosen {
        Some(p) => p,
        None => {
            keys.push(Key::Right);
            scale.middle()
        }
    };
    let step = if point >= from { Key::Right } else { Key::Left };
    let moves = usize::try_from((point - from).unsigned_abs()).unwrap_or(0);
    keys.extend(std::iter::repeat_n(step, moves));
    keys.push(Key::Enter);
    keys
}

fn text_key(field: &mut TextField, key: Key) -> Option<String> {
    if key == Key::Enter {
        return Some(field.text().trim().to_owned());
    }
    field.edit(key);
    None
}

#[cfg(test)]
mod keys_to_tests {
    use super::*;

    /// The keys for an entry or a point, fed to the keys' own handlers, take exactly it.
    #[test]
    fn the_keys_to_an_entry_or_a_point_take_it() {
        for count in [3, 12] {
            for highlight in 0..count {
                for target in 0..count {
                    let mut at = Some(highlight as i64);
                    let taken = keys_to_entry(target, count, highlight)
                        .into_iter()
                        .find_map(|key| option_key(&mut at, count, key));
                    assert_eq!(taken, Some(target), "{target} of {count} from {highlight}");
                }
            }
        }
        for (from, to) in [(1, 7), (0, 10), (-3, 3)] {
            let scale = Scale {
                from,
                to,
                low: None,
                high: None,
                at: crate::diagnostic::Pos {
                    line: 1,
                    col: 1,
                    len: 0,
                },
            };
            for chosen in std::iter::once(None).chain((from..=to).map(Some)) {
                for point in from..=to {
                    let mut at = chosen;
                    let taken = keys_to_point(&scale, chosen, point)
                        .into_iter()
                        .find_map(|key| scale_key(&mut at, &scale, key));
                    assert_eq!(
                        taken,
                        Some(point),
                        "{point} on {from}..{to} from {chosen:?}"
                    );
                }
            }
        }
    }
}
