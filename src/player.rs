//! The player: a flow and timed inputs in, screen state and recorded events out.
//!
//! It never reads a clock or touches a terminal. The shell tells it when each key was
//! read and when each frame reached the screen; durations come from those stamps, with
//! paused time left out.

pub mod clock;
pub mod field;
pub mod input;
mod question;
mod step;

use std::collections::HashMap;
use std::time::Duration;

use crate::flow::{Flow, SUCCESS, Step, StepKind, Task};
use crate::session::{Event, EventKind, SessionOutcome, TaskOutcome, Timing};
use clock::{ActiveClock, millis};
use field::TextField;
use input::{Action, Command, Input, Key};

/// What the participant is looking at.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// A task's brief, before its clock starts.
    Brief,
    /// A step being played; `highlight` is the highlighted choice.
    Step {
        step: usize,
        highlight: usize,
        field: TextField,
    },
    /// The step on which the task ended (an end step or a success step).
    StepDone { step: usize, outcome: TaskOutcome },
    /// The task ended without reaching a step: time ran out, or the participant gave up.
    Interlude { outcome: TaskOutcome },
    /// A verdict question; `choice` is the highlighted option or the chosen scale point.
    Question {
        index: usize,
        choice: Option<i64>,
        field: TextField,
    },
    /// The session is over.
    Closing { outcome: SessionOutcome },
}

/// What the researcher has put over the participant's screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    None,
    /// The screen is hidden and the clock stopped.
    Paused,
    /// A note being typed; the clock keeps running.
    Note {
        field: TextField,
    },
    /// "End the session now?"
    ConfirmQuit,
}

/// A task as played: the flow's own tasks, or the whole flow as one task.
#[derive(Debug, Clone)]
struct Plan<'f> {
    id: &'f str,
    task: Option<&'f Task>,
    start: usize,
    success: Vec<usize>,
}

pub struct Player<'f> {
    flow: &'f Flow,
    index: HashMap<&'f str, usize>,
    plans: Vec<Plan<'f>>,
    task: usize,
    /// Active time the current task started; `None` when no task is running.
    task_started: Option<Duration>,
    mode: Mode,
    overlay: Overlay,
    history: Vec<usize>,
    clock: ActiveClock,
    /// Active time the current screen reached the terminal, and of the first key on it.
    shown_at: Duration,
    first_key_at: Option<Duration>,
    awaiting_shown: bool,
    events: Vec<Event>,
    finished: bool,
}

impl<'f> Player<'f> {
    /// A player at the start of `flow`. A flow that fails `mvx check` may still be played;
    /// a choice that leads nowhere then does nothing.
    pub fn new(flow: &'f Flow) -> Self {
        let index = flow.index();
        let lookup = |id: &str| index.get(id).copied();
        let plans: Vec<Plan> = if flow.tasks.is_empty() {
            vec![Plan {
                id: &flow.id,
                task: None,
                start: lookup(&flow.start.id).unwrap_or(0),
                success: Vec::new(),
            }]
        } else {
            flow.tasks
                .iter()
                .map(|t| Plan {
                    id: &t.id,
                    task: Some(t),
                    start: lookup(&t.start.id).unwrap_or(0),
                    success: t.success.iter().filter_map(|s| lookup(&s.id)).collect(),
                })
                .collect()
        };
        let mut player = Self {
            flow,
            index,
            plans,
            task: 0,
            task_started: None,
            mode: Mode::Brief,
            overlay: Overlay::None,
            history: Vec::new(),
            clock: ActiveClock::default(),
            shown_at: Duration::ZERO,
            first_key_at: None,
            awaiting_shown: true,
            events: Vec::new(),
            finished: false,
        };
        player.begin_task(Duration::ZERO);
        player
    }

    pub fn flow(&self) -> &'f Flow {
        self.flow
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    pub fn overlay(&self) -> &Overlay {
        &self.overlay
    }

    /// The flow's task being played, if the flow has tasks; with its number and the count.
    pub fn task(&self) -> Option<(&'f Task, usize, usize)> {
        let plan = self.plans.get(self.task)?;
        plan.task.map(|t| (t, self.task + 1, self.plans.len()))
    }

    pub fn step(&self, index: usize) -> Option<&'f Step> {
        self.flow.steps.get(index)
    }

    /// Whether Esc would go back a step now.
    pub fn can_go_back(&self) -> bool {
        match &self.mode {
            Mode::Step { step, .. } => !self.history.is_empty() && self.flow.steps[*step].back,
            _ => false,
        }
    }

    /// The participant closed the final screen; the session is over.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Whether a new screen is waiting to be stamped by [`Player::shown`].
    pub fn awaiting_shown(&self) -> bool {
        self.awaiting_shown
    }

    /// Events recorded since the last call, oldest first.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// The current screen's frame reached the terminal at `at`.
    pub fn shown(&mut self, at: Duration) {
        if !std::mem::replace(&mut self.awaiting_shown, false) {
            return;
        }
        self.shown_at = self.clock.active(at);
        self.first_key_at = None;
        let kind = match &self.mode {
            Mode::Step { step, .. } | Mode::StepDone { step, .. } => EventKind::Show {
                step: self.flow.steps[*step].id.clone(),
            },
            Mode::Question { index, .. } => EventKind::Ask {
                question: self.flow.questions[*index].id.clone(),
            },
            Mode::Brief | Mode::Interlude { .. } | Mode::Closing { .. } => return,
        };
        // A flow without tasks starts its clock when its first screen is seen.
        if self.task_started.is_none() && matches!(self.mode, Mode::Step { .. }) {
            self.start_task(at);
        }
        self.record(at, kind);
    }

    pub fn handle(&mut self, input: Input) {
        let at = input.at;
        self.check_time_limit(at);
        match input.action {
            Action::Command(command) => self.command(command, at),
            Action::Key(key) => match self.overlay {
                Overlay::None => self.participant_key(key, at),
                _ => self.overlay_key(key, at),
            },
            Action::Tick => {}
        }
    }

    /// Ends the session at once, as when the terminal goes away (`SIGHUP`) or the
    /// process is asked to stop (`SIGTERM`).
    pub fn abort(&mut self, at: Duration, reason: &str) {
        if matches!(self.mode, Mode::Closing { .. }) {
            return;
        }
        if self.clock.is_paused() {
            let paused = self.clock.resume(at);
            self.record(
                at,
                EventKind::Resume {
                    paused_ms: millis(paused),
                },
            );
        }
        self.record(
            at,
            EventKind::Abort {
                reason: reason.to_owned(),
            },
        );
        if self.task_started.is_some() {
            self.end_task(at, TaskOutcome::Aborted);
        }
        self.end_session(at, SessionOutcome::Aborted);
    }

    fn command(&mut self, command: Command, at: Duration) {
        if matches!(self.mode, Mode::Closing { .. }) {
            return;
        }
        match (command, &self.overlay) {
            (Command::Quit, Overlay::ConfirmQuit) => self.abort(at, "researcher"),
            (Command::Quit, _) => self.overlay = Overlay::ConfirmQuit,
            (Command::Pause, Overlay::Paused) => {
                let paused = self.clock.resume(at);
                self.overlay = Overlay::None;
                self.record(
                    at,
                    EventKind::Resume {
                        paused_ms: millis(paused),
                    },
                );
            }
            (Command::Pause, Overlay::None) => {
                self.clock.pause(at);
                self.overlay = Overlay::Paused;
                self.record(at, EventKind::Pause);
            }
            (Command::Note, Overlay::None) => {
                self.overlay = Overlay::Note {
                    field: TextField::default(),
                }
            }
            (Command::GiveUp, Overlay::None) => self.give_up(at),
            _ => {}
        }
    }

    fn overlay_key(&mut self, key: Key, at: Duration) {
        match &mut self.overlay {
            Overlay::Note { field } => match key {
                Key::Enter => {
                    let text = field.text().trim().to_owned();
                    self.overlay = Overlay::None;
                    if !text.is_empty() {
                        self.record(at, EventKind::Note { text });
                    }
                }
                Key::Esc => self.overlay = Overlay::None,
                key => {
                    field.edit(key);
                }
            },
            Overlay::ConfirmQuit => match key {
                Key::Char('y' | 'Y') | Key::Enter => self.abort(at, "researcher"),
                Key::Char('n' | 'N') | Key::Esc => {
                    self.overlay = if self.clock.is_paused() {
                        Overlay::Paused
                    } else {
                        Overlay::None
                    };
                }
                _ => {}
            },
            Overlay::Paused | Overlay::None => {}
        }
    }

    fn participant_key(&mut self, key: Key, at: Duration) {
        self.first_key_at.get_or_insert(self.clock.active(at));
        match &self.mode {
            Mode::Brief if is_confirm(key) => {
                self.start_task(at);
                let start = self.plans[self.task].start;
                self.enter_step(start, at);
            }
            Mode::Step { .. } => self.step_key(key, at),
            Mode::StepDone { .. } | Mode::Interlude { .. } if is_confirm(key) => self.next_task(at),
            Mode::Question { .. } => self.question_key(key, at),
            Mode::Closing { .. } if matches!(key, Key::Enter | Key::Char('q')) => {
                self.finished = true
            }
            _ => {}
        }
    }

    /// Hesitation and decision time of a key at `at` on the current screen.
    fn timing(&self, at: Duration) -> Timing {
        let decided = self.clock.active(at);
        let first = self.first_key_at.unwrap_or(decided);
        Timing {
            hesitation_ms: millis(first.saturating_sub(self.shown_at)),
            decision_ms: millis(decided.saturating_sub(self.shown_at)),
        }
    }

    fn record(&mut self, at: Duration, kind: EventKind) {
        self.events.push(Event {
            at_ms: millis(at),
            kind,
        });
    }

    fn show(&mut self, mode: Mode) {
        self.mode = mode;
        self.awaiting_shown = true;
    }

    fn begin_task(&mut self, at: Duration) {
        self.history.clear();
        match self.plans[self.task].task {
            Some(_) => self.show(Mode::Brief),
            None => self.enter_step(self.plans[self.task].start, at),
        }
    }

    fn start_task(&mut self, at: Duration) {
        self.task_started = Some(self.clock.active(at));
        let task = self.plans[self.task].id.to_owned();
        self.record(at, EventKind::TaskStart { task });
    }

    /// Shows step `index`; arriving at an end step or a task's success step ends the task.
    fn enter_step(&mut self, index: usize, at: Duration) {
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
    }

    fn go_to(&mut self, from: usize, target: &str, at: Duration) {
        let Some(&to) = self.index.get(target) else {
            return;
        };
        self.history.push(from);
        self.enter_step(to, at);
    }

    fn end_task(&mut self, at: Duration, outcome: TaskOutcome) {
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

    fn check_time_limit(&mut self, at: Duration) {
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

    fn give_up(&mut self, at: Duration) {
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

    fn next_task(&mut self, at: Duration) {
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

    fn end_session(&mut self, at: Duration, outcome: SessionOutcome) {
        self.overlay = Overlay::None;
        self.record(at, EventKind::SessionEnd { outcome });
        self.show(Mode::Closing { outcome });
    }
}

fn is_confirm(key: Key) -> bool {
    matches!(key, Key::Enter | Key::Char(' '))
}

#[cfg(test)]
mod tests;
