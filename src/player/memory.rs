//! What the player remembers, as the participant sees and the session records it.

use std::borrow::Cow;
use std::time::Duration;

use super::Player;
use crate::flow::logic::{Change, Memory};
use crate::flow::{Choice, Step, StepKind};
use crate::session::EventKind;

impl<'f> Player<'f> {
    /// The session's memory: variables, steps visited, `once` choices taken.
    pub fn memory(&self) -> &Memory<'f> {
        &self.memory
    }

    /// The choices of step `index` offered now, in order; hidden ones are left out.
    pub fn choices(&self, index: usize) -> Vec<&'f Choice> {
        let Some(StepKind::Choices(choices)) = self.flow.steps.get(index).map(|s| &s.kind) else {
            return Vec::new();
        };
        self.memory
            .visible(index)
            .into_iter()
            .map(|i| &choices[i])
            .collect()
    }

    /// The step's prompt with `{name}` replaced by the variable's value.
    pub fn text<'s>(&self, step: &'s Step) -> Option<Cow<'s, str>> {
        step.text.as_deref().map(|t| self.memory.interpolate(t))
    }

    /// The step's mockup with `{name}` replaced by the variable's value.
    pub fn screen<'s>(&self, step: &'s Step) -> Option<Cow<'s, str>> {
        step.screen
            .as_ref()
            .map(|s| self.memory.interpolate(&s.text))
    }

    /// Each variable that changed becomes a `set` event, in the order it changed.
    pub(super) fn record_changes(&mut self, at: Duration, changes: Vec<Change>) {
        for Change { name, value } in changes {
            self.record(at, EventKind::Set { name, value });
        }
    }
}

#[cfg(test)]
mod tests;
