//! The player: a flow and timed inputs in, screen state and recorded events out.
//!
//! It never reads a clock or touches a terminal. The shell tells it when each key was
//! read and when each frame reached the screen; durations come from those stamps, with
//! paused time left out.

pub mod clock;
mod connection;
pub mod field;
pub mod input;
mod memory;
mod question;

pub use question::{keys_to_entry, keys_to_point};
mod researcher;
mod resume;
pub mod script;
mod step;
mod task;

use std::collections::HashMap;
use std::time::Duration;

use crate::flow::logic::Memory;
use crate::flow::{Flow, Step, Task};
use crate::keys::Via;
use crate::session::{Event, EventKind, SessionOutcome, TaskOutcome, Timing};
use clock::{ActiveClock, millis};
use field::TextField;
use input::{Action, Input, Key};

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
        /// The tags Tab found to fit, or why the note cannot be saved yet.
        hint: Option<String>,
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
    /// Steps to go back to, each with the memory as it was when the participant left it.
    history: Vec<(usize, Memory<'f>)>,
    memory: Memory<'f>,
    clock: ActiveClock,
    /// Active time the current screen reached the terminal, and of the first key on it.
    shown_at: Duration,
    /// Session time the current screen reached the terminal: a key stamped before it
    /// was pressed before the participant could see the screen.
    shown_raw: Duration,
    /// The latest time recorded, so `at_ms` never goes back within a file.
    last_at: Duration,
    first_key_at: Option<Duration>,
    /// How the input being handled was given: a key, a click, a tap.
    via: Via,
    awaiting_shown: bool,
    events: Vec<Event>,
    finished: bool,
    /// The clock was stopped by a suspend (Ctrl-Z), not by the researcher's pause.
    suspended: bool,
    /// The clock stopped because the participant's connection dropped.
    away: bool,
    /// What the closing screen says after its thanks: when to come back, in a study
    /// with returns (docs/returns.md).
    farewell: Option<String>,
    /// The codebook's tags a researcher's `#` completes against (none: no codebook).
    tags: Vec<String>,
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
            memory: Memory::new(flow),
            clock: ActiveClock::default(),
            shown_at: Duration::ZERO,
            shown_raw: Duration::ZERO,
            last_at: Duration::ZERO,
            first_key_at: None,
            via: Via::Key,
            awaiting_shown: true,
            events: Vec::new(),
            finished: false,
            suspended: false,
            away: false,
            farewell: None,
            tags: Vec::new(),
        };
        player.begin_task(Duration::ZERO);
        player
    }

    pub fn flow(&self) -> &'f Flow {
        self.flow
    }

    /// Sets what the closing screen says after its thanks (when to come back).
    /// The codebook's tags, for the researcher's notes: Tab completes a `#tag`, and a tag
    /// the codebook lacks keeps the note open (docs/findings.md).
    pub fn set_tags(&mut self, names: Vec<String>) {
        self.tags = names;
    }

    pub fn set_farewell(&mut self, text: Option<String>) {
        self.farewell = text;
    }

    pub fn farewell(&self) -> Option<&str> {
        self.farewell.as_deref()
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

    /// Goes straight to the step `id`, as a designer previewing a flow does; starts the
    /// task if it has not started. Returns false when there is no such step.
    pub fn jump(&mut self, id: &str, at: Duration) -> bool {
        let Some(&index) = self.index.get(id) else {
            return false;
        };
        self.overlay = Overlay::None;
        self.history.clear();
        if self.task_started.is_none() {
            self.start_task(at);
        }
        self.enter_step(index, at);
        true
    }

    /// The step on screen, if a step is on screen.
    pub fn current(&self) -> Option<&'f Step> {
        match &self.mode {
            Mode::Step { step, .. } | Mode::StepDone { step, .. } => self.flow.steps.get(*step),
            _ => None,
        }
    }

    /// The id of the step on screen, if a step is on screen.
    pub fn current_step(&self) -> Option<&'f str> {
        match &self.mode {
            Mode::Step { step, .. } | Mode::StepDone { step, .. } => {
                Some(self.flow.steps[*step].id.as_str())
            }
            _ => None,
        }
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
        self.shown_raw = at;
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

    /// [`Player::handle`] for an input given by a click or a tap on what its key would
    /// pick: the event it decides says so (`Timing::input`).
    pub fn handle_via(&mut self, input: Input, via: Via) {
        self.via = via;
        self.handle(input);
        self.via = Via::Key;
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

    fn participant_key(&mut self, key: Key, at: Duration) {
        // A response before its stimulus is not a response.
        if at < self.shown_raw {
            self.early_key(key, at);
            return;
        }
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
            input: self.via,
        }
    }

    /// Records the key pressed before the current screen was shown; it acts on nothing.
    fn early_key(&mut self, key: Key, at: Duration) {
        let (mut step, mut question, mut task, mut screen) = (None, None, None, None);
        let typing = match &self.mode {
            Mode::Step { step: i, .. } | Mode::StepDone { step: i, .. } => {
                let shown = &self.flow.steps[*i];
                step = Some(shown.id.clone());
                matches!(shown.kind, crate::flow::StepKind::Input { .. })
            }
            Mode::Question { index, .. } => {
                let asked = &self.flow.questions[*index];
                question = Some(asked.id.clone());
                asked.answer == crate::flow::Answer::Text
            }
            Mode::Brief => {
                task = Some(self.plans[self.task].id.to_owned());
                false
            }
            Mode::Interlude { .. } => {
                screen = Some("interlude".to_owned());
                false
            }
            Mode::Closing { .. } => {
                screen = Some("closing".to_owned());
                false
            }
        };
        // What was typed into a text field stays private: only that a character was.
        let key_name = match key {
            Key::Char(_) if typing => "character".to_owned(),
            key => key.name(),
        };
        let early_ms = millis(self.shown_raw.saturating_sub(at));
        let kind = EventKind::EarlyKey {
            step,
            question,
            task,
            screen,
            key: key_name,
            early_ms,
        };
        self.record(at, kind);
    }

    /// Appends an event; a stamp earlier than one already recorded (a researcher's key
    /// read before the last frame was stamped) is recorded at that later time.
    fn record(&mut self, at: Duration, kind: EventKind) {
        self.last_at = self.last_at.max(at);
        self.events.push(Event {
            at_ms: millis(self.last_at),
            kind,
        });
    }

    fn show(&mut self, mode: Mode) {
        self.mode = mode;
        self.awaiting_shown = true;
    }
}

fn is_confirm(key: Key) -> bool {
    matches!(key, Key::Enter | Key::Char(' '))
}

#[cfg(test)]
mod early_tests;
#[cfg(test)]
mod tests;
