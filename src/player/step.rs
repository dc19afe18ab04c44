//! Keys on a step: picking a choice, typing an answer, going on, going back.

use std::time::Duration;

use super::input::Key;
use super::{Mode, Player, is_confirm};
use crate::flow::StepKind;
use crate::session::EventKind;

impl<'f> Player<'f> {
    pub(super) fn step_key(&mut self, key: Key, at: Duration) {
        let Mode::Step { step, .. } = self.mode else {
            return;
        };
        if key == Key::Esc {
            self.back(step, at);
            return;
        }
        match &self.flow.steps[step].kind {
            StepKind::Choices(_) => self.choice_key(step, key, at),
            StepKind::Input { .. } => self.input_key(step, key, at),
            StepKind::Info { .. } if is_confirm(key) => {
                let before = self.memory.clone();
                let Some(go) = self.memory.way_on(step) else {
                    return;
                };
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
                self.go_to(step, &to, at, before);
            }
            StepKind::Info { .. } | StepKind::End { .. } => {}
        }
    }

    /// Keys pick among the choices offered now: hidden ones have no number.
    fn choice_key(&mut self, step: usize, key: Key, at: Duration) {
        let visible = self.memory.visible(step);
        let count = visible.len();
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
            Key::Char(c) => self.choice_with_key(step, &visible, c),
            _ => None,
        };
        if let Some(picked) = picked {
            self.choose(step, &visible, picked, at);
        }
    }

    fn choice_with_key(&self, step: usize, visible: &[usize], c: char) -> Option<usize> {
        let StepKind::Choices(choices) = &self.flow.steps[step].kind else {
            return None;
        };
        visible
            .iter()
            .position(|&i| choices[i].key.is_some_and(|k| k.key == c))
    }

    /// Takes the `picked`th offered choice: records it, then what it set, then goes on.
    fn choose(&mut self, step: usize, visible: &[usize], picked: usize, at: Duration) {
        let flow = self.flow;
        let StepKind::Choices(choices) = &flow.steps[step].kind else {
            return;
        };
        let Some(&index) = visible.get(picked) else {
            return;
        };
        if let Mode::Step { highlight, .. } = &mut self.mode {
            *highlight = picked;
        }
        let before = self.memory.clone();
        let Some((changes, to)) = self.memory.choose(step, index) else {
            return;
        };
        let event = EventKind::Choose {
            step: flow.steps[step].id.clone(),
            choice: choices[index].label.clone(),
            to: to.id.clone(),
            timing: self.timing(at),
        };
        self.record(at, event);
        self.record_changes(at, changes);
        self.go_to(step, &to.id, at, before);
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
        let flow = self.flow;
        let StepKind::Input { name, .. } = &flow.steps[step].kind else {
            return;
        };
        let before = self.memory.clone();
        let changes = self.memory.answer(name, &text);
        // The way on is read after the answer is remembered, so a condition can test it.
        let Some(go) = self.memory.way_on(step) else {
            return;
        };
        let event = EventKind::Input {
            step: flow.steps[step].id.clone(),
            name: name.clone(),
            text,
            to: go.id.clone(),
            timing: self.timing(at),
        };
        self.record(at, event);
        self.record_changes(at, changes);
        self.go_to(step, &go.id, at, before);
    }

    fn back(&mut self, step: usize, at: Duration) {
        if !self.can_go_back() {
            return;
        }
        let Some((previous, saved)) = self.history.pop() else {
            return;
        };
        let event = EventKind::Back {
            step: self.flow.steps[step].id.clone(),
            to: self.flow.steps[previous].id.clone(),
            timing: self.timing(at),
        };
        self.record(at, event);
        let changes = self.memory.restore(&saved);
        self.record_changes(at, changes);
        self.enter_step(previous, at);
    }
}
