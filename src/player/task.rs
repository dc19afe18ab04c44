//! A task's life: its brief, its start, the step that ends it, its time limit.

use std::time::Duration;

use super::clock::millis;
use super::field::TextField;
use super::{Mode, Overlay, Player};
use crate::flow::logic::Memory;
use crate::flow::{SUCCESS, StepKind};
use crate::session::{EventKind, SessionOutcome, TaskOutcome};

impl<'f> Player<'f> {
    pub(super) fn begin_task(&mut self, at: Duration) {
        self.history.clear();
        self.memory.forget();
        match self.plans[self.task].task {
            Some(_) => self.show(Mode::Brief),
            None => self.enter_step(self.plans[self.task].start, at),
        }
    }

    pub(super) fn start_task(&mut self, at: Duration) {
        self.task_started = Some(self.clock.active(at));
        let task = self.plans[self.task].id.to_owned();
        self.record(at, EventKind::TaskStart { task });
        // Each task starts from the flow's first values, so tasks do not depend on each other.
        let changes = self.memory.reset();
        self.record_changes(at, changes);
    }

    /// Shows step `index`; arriving at an end step or a task's success step ends the task.
    pub(super) fn enter_step(&mut self, index: usize, at: Duration) {
        self.memory.enter(index);
        let step = &self.flow.steps[index];
        let plan = &self.plans[self.task];
        let outcome = match &step.kind {
            _ if plan.success.contains(&index) => Some(TaskOutcome::Success),
            StepKind::End { outcome } if plan.task.is_none() && outcome == SUCCESS => {
                Some(TaskOutcome::Success)
            }
            StepKind::End { .. } => Some(TaskOutcome::Failure),
            _ => None,
        };
        let Some(outcome) = outcome else {
            self.show(Mode::Step {
                step: index,
                highlight: 0,
                field: TextField::default(),
            });
            return;
        };
        self.show(Mode::StepDone {
            step: index,
            outcome,
        });
        if self.task_started.is_none() {
            self.start_task(at);
        }
        if let StepKind::End { outcome } = &step.kind {
            self.record(
                at,
                EventKind::End {
                    step: step.id.clone(),
                    outcome: outcome.clone(),
                },
            );
        }
        self.end_task(at, outcome);
        // An end step with nothing to show would be a blank "Press Enter": go straight on.
        if matches!(step.kind, StepKind::End { .. }) && step.screen.is_none() && step.text.is_none()
        {
            self.next_task(at);
        }
    }

    /// Goes on from `from`, remembering the memory `before` the move for going back.
    pub(super) fn go_to(&mut self, from: usize, target: &str, at: Duration, before: Memory<'f>) {
        let Some(&to) = self.index.get(target) else {
            return;
        };
        self.history.push((from, before));
        self.enter_step(to, at);
    }

    pub(super) fn end_task(&mut self, at: Duration, outcome: TaskOutcome) {
        let Some(started) = self.task_started.take() else {
            return;
        };
        let duration = match (
            outcome,
            self.plans[self.task].task.and_then(|t| t.time_limit),
        ) {
            (TaskOutcome::Timeout, Some(limit)) => limit,
            _ => self.clock.active(at).saturating_sub(started),
        };
        let task = self.plans[self.task].id.to_owned();
        self.record(
            at,
            EventKind::TaskEnd {
                task,
                outcome,
                duration_ms: millis(duration),
            },
        );
    }

    pub(super) fn check_time_limit(&mut self, at: Duration) {
        let (Some(started), Mode::Step { step, .. }) = (self.task_started, &self.mode) else {
            return;
        };
        let Some(limit) = self.plans[self.task].task.and_then(|t| t.time_limit) else {
            return;
        };
        if self.clock.active(at).saturating_sub(started) >= limit {
            let step = self.flow.steps[*step].id.clone();
            self.record(at, EventKind::Timeout { step });
            self.end_task(at, TaskOutcome::Timeout);
            self.overlay = Overlay::None;
            self.show(Mode::Interlude {
                outcome: TaskOutcome::Timeout,
            });
        }
    }

    pub(super) fn give_up(&mut self, at: Duration) {
        let Mode::Step { step, .. } = &self.mode else {
            return;
        };
        let step = self.flow.steps[*step].id.clone();
        self.record(at, EventKind::GiveUp { step });
        self.end_task(at, TaskOutcome::Abandoned);
        self.show(Mode::Interlude {
            outcome: TaskOutcome::Abandoned,
        });
    }

    pub(super) fn next_task(&mut self, at: Duration) {
        if self.task + 1 < self.plans.len() {
            self.task += 1;
            self.begin_task(at);
        } else if self.flow.questions.is_empty() {
            self.end_session(at, SessionOutcome::Complete);
        } else {
            self.show(Mode::Question {
                index: 0,
                choice: None,
                field: TextField::default(),
            });
        }
    }

    pub(super) fn end_session(&mut self, at: Duration, outcome: SessionOutcome) {
        self.overlay = Overlay::None;
        self.record(at, EventKind::SessionEnd { outcome });
        self.show(Mode::Closing { outcome });
    }
}
