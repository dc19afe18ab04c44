//! Keys on a step: picking a choice, typing an answer, going on, going back.

use std::time::Duration;

use super::input::Key;
use super::{Mode, Player, is_confirm};
use crate::flow::StepKind;
use crate::session::EventKind;

impl Player<'_> {
    pub(super) fn step_key(&mut self, key: Key, at: Duration) {
        let Mode::Step { step, .. } = self.mode else {
            return;
        };
        if key == Key::Esc {
            self.back(step, at);
            return;
        }
        match &self.flow.steps[step].kind {
            StepKind::Choices(choices) => self.choice_key(step, choices.len(), key, at),
            StepKind::Input { .. } => self.input_key(step, key, at),
            StepKind::Info { go } if is_confirm(key) => {
                let (from, to) = (self.flow.steps[step].id.clone(), go.id.clone());
                let timing = self.timing(at);
                self.record(
                    at,
                    EventKind::Continue {
                        step: from,
                        to: to.clone(),
                        timing,
                    },
                );
                self.go_to(step, &to, at);
            }
            StepKind::Info { .. } | StepKind::End { .. } => {}
        }
    }

    fn choice_key(&mut self, step: usize, count: usize, key: Key, at: Duration) {
        let Mode::Step { highlight, .. } = &mut self.mode else {
            return;
        };
        let picked = match key {
            Key::Up | Key::Char('k') => {
                *highlight = highlight.checked_sub(1).unwrap_or(count.saturating_sub(1));
                None
            }
            Key::Down | Key::Char('j') => {
                *highlight = if *highlight + 1 >= count {
                    0
                } else {
                    *highlight + 1
                };
                None
            }
            Key::Enter => Some(*highlight),
            Key::Char(c @ '1'..='9') => Some(c as usize - '1' as usize).filter(|&i| i < count),
            Key::Char(c) => self.choice_with_key(step, c),
            _ => None,
        };
        if let Some(picked) = picked {
            self.choose(step, picked, at);
        }
    }

    fn choice_with_key(&self, step: usize, c: char) -> Option<usize> {
        let StepKind::Choices(choices) = &self.flow.steps[step].kind else {
            return None;
        };
        choices
            .iter()
            .position(|choice| choice.key.is_some_and(|k| k.key == c))
    }

    fn choose(&mut self, step: usize, picked: usize, at: Duration) {
        let StepKind::Choices(choices) = &self.flow.steps[step].kind else {
            return;
        };
        let Some(choice) = choices.get(picked) else {
            return;
        };
        if let Mode::Step { highlight, .. } = &mut self.mode {
            *highlight = picked;
        }
        let event = EventKind::Choose {
            step: self.flow.steps[step].id.clone(),
            choice: choice.label.clone(),
            to: choice.go.id.clone(),
            timing: self.timing(at),
        };
        self.record(at, event);
        self.go_to(step, &choice.go.id, at);
    }

    fn input_key(&mut self, step: usize, key: Key, at: Duration) {
        let Mode::Step { field, .. } = &mut self.mode else {
            return;
        };
        if key != Key::Enter {
            field.edit(key);
            return;
        }
        let text = field.text().to_owned();
        let StepKind::Input { name, go } = &self.flow.steps[step].kind else {
            return;
        };
        let event = EventKind::Input {
            step: self.flow.steps[step].id.clone(),
            name: name.clone(),
            text,
            to: go.id.clone(),
            timing: self.timing(at),
        };
        self.record(at, event);
        self.go_to(step, &go.id, at);
    }

    fn back(&mut self, step: usize, at: Duration) {
        if !self.can_go_back() {
            return;
        }
        let Some(previous) = self.history.pop() else {
            return;
        };
        let event = EventKind::Back {
            step: self.flow.steps[step].id.clone(),
            to: self.flow.steps[previous].id.clone(),
            timing: self.timing(at),
        };
        self.record(at, event);
        self.enter_step(previous, at);
    }
}
