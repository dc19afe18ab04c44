//! A recorded session turned back into the keys and frames that produced it: how
//! `mvx replay` shows a session and how `mvx play --resume` rebuilds a player.
//!
//! The recording holds what was decided and when, not every key. Each event becomes
//! the keys that produce it (a highlight moves at the first key, the choice is taken at
//! the decision), and the player is driven with them, so its state comes from the same
//! code that made it live.

use std::time::Duration;

use super::input::{Action, Command, Input, Key};
use super::{Mode, Player};
use crate::flow::{Answer, Flow};
use crate::session::{AnswerValue, Event, EventKind};

/// One thing to do to the player at a moment of the session.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Shown,
    Input(Action),
    Abort(String),
    /// The session carried on after its recording stopped `gap_ms` earlier.
    Resumed {
        gap_ms: u64,
        after: String,
        flow_sha256: Option<String>,
    },
}

/// The session as timed operations, in order.
pub struct Script {
    pub ops: Vec<(u64, Op)>,
    pub end_ms: u64,
}

impl Script {
    /// Turns recorded events into the keys and frames that produced them.
    pub fn new(flow: &Flow, events: &[Event]) -> Script {
        let mut player = Player::new(flow);
        let mut ops = Vec::new();
        for event in events {
            let before = ops.len();
            ops_for(flow, &player, event, &mut ops);
            for (at, op) in &ops[before..] {
                apply(&mut player, *at, op);
            }
            player.take_events();
        }
        let end_ms = events.last().map_or(0, |e| e.at_ms);
        Script { ops, end_ms }
    }

    /// The player as it was at `at_ms` of the session.
    pub fn player_at<'f>(&self, flow: &'f Flow, at_ms: u64) -> Player<'f> {
        let mut player = Player::new(flow);
        for (at, op) in self.ops.iter().take_while(|(at, _)| *at <= at_ms) {
            apply(&mut player, *at, op);
        }
        player.take_events();
        player
    }

    /// The times at which something happens, for skipping from event to event.
    pub fn moments(&self) -> Vec<u64> {
        let mut moments: Vec<u64> = self.ops.iter().map(|(at, _)| *at).collect();
        moments.dedup();
        moments
    }
}

pub fn apply(player: &mut Player, at: u64, op: &Op) {
    let at = Duration::from_millis(at);
    match op {
        Op::Shown => player.shown(at),
        Op::Input(action) => player.handle(Input {
            at,
            action: *action,
        }),
        Op::Abort(reason) => player.abort(at, reason),
        Op::Resumed {
            gap_ms,
            after,
            flow_sha256,
        } => {
            let last = at.saturating_sub(Duration::from_millis(*gap_ms));
            player.carry_on(last, at, after, flow_sha256.clone());
        }
    }
}

fn key(c: char) -> Action {
    Action::Key(Key::Char(c))
}

/// Moves the highlight from the top to `index` at the first key, picks it at the decision.
fn pick(ops: &mut Vec<(u64, Op)>, index: usize, first: u64, decided: u64) {
    for _ in 0..index {
        ops.push((first, Op::Input(Action::Key(Key::Down))));
    }
    ops.push((decided, Op::Input(Action::Key(Key::Enter))));
}

fn typed(ops: &mut Vec<(u64, Op)>, text: &str, first: u64, decided: u64) {
    ops.extend(text.chars().map(|c| (first, Op::Input(key(c)))));
    ops.push((decided, Op::Input(Action::Key(Key::Enter))));
}

fn ops_for(flow: &Flow, player: &Player, event: &Event, ops: &mut Vec<(u64, Op)>) {
    let at = event.at_ms;
    let first = |timing: &crate::session::Timing| {
        at.saturating_sub(timing.decision_ms.saturating_sub(timing.hesitation_ms))
    };
    let moving_on = matches!(
        player.mode(),
        Mode::StepDone { .. } | Mode::Interlude { .. }
    );
    match &event.kind {
        // Past the screen a task ended on: Enter, then the next brief's Enter or the question.
        EventKind::TaskStart { .. } if moving_on => {
            ops.push((at, Op::Input(Action::Key(Key::Enter))));
            ops.push((at, Op::Input(Action::Key(Key::Enter))));
        }
        EventKind::Ask { .. } if moving_on => {
            ops.push((at, Op::Input(Action::Key(Key::Enter))));
            ops.push((at, Op::Shown));
        }
        EventKind::TaskStart { .. } if *player.mode() == Mode::Brief => {
            ops.push((at, Op::Input(Action::Key(Key::Enter))))
        }
        EventKind::Show { .. } | EventKind::Ask { .. } => ops.push((at, Op::Shown)),
        EventKind::Choose {
            step,
            choice,
            timing,
            ..
        } => {
            // Among the choices offered at that moment: hidden ones had no place in the list.
            let index = flow.index().get(step.as_str()).and_then(|&i| {
                let offered = player.choices(i);
                offered.iter().position(|c| c.label == *choice)
            });
            pick(ops, index.unwrap_or(0), first(timing), at);
        }
        EventKind::Continue { timing, .. } => pick(ops, 0, first(timing), at),
        EventKind::Input { text, timing, .. } => typed(ops, text, first(timing), at),
        EventKind::Back { .. } => ops.push((at, Op::Input(Action::Key(Key::Esc)))),
        EventKind::Answer {
            question,
            value,
            timing,
            ..
        } => answer(flow, question, value, first(timing), at, ops),
        EventKind::Note { text } => {
            ops.push((at, Op::Input(Action::Command(Command::Note))));
            typed(ops, text, at, at);
        }
        // A dropped connection is replayed as the pause it was.
        EventKind::Pause { .. } | EventKind::Disconnect | EventKind::Resume { .. } => {
            ops.push((at, Op::Input(Action::Command(Command::Pause))))
        }
        EventKind::GiveUp { .. } => ops.push((at, Op::Input(Action::Command(Command::GiveUp)))),
        EventKind::Timeout { .. } => ops.push((at, Op::Input(Action::Tick))),
        EventKind::Abort { reason } => ops.push((at, Op::Abort(reason.clone()))),
        EventKind::Resumed {
            gap_ms,
            after,
            flow_sha256,
        } => ops.push((
            at,
            Op::Resumed {
                gap_ms: *gap_ms,
                after: after.clone(),
                flow_sha256: flow_sha256.clone(),
            },
        )),
        // An early key acted on nothing, so nothing replays it; the player sets
        // variables itself as it is driven, so a `set` needs no key either.
        EventKind::TaskStart { .. }
        | EventKind::EarlyKey { .. }
        | EventKind::Set { .. }
        | EventKind::Consent { .. }
        | EventKind::End { .. }
        | EventKind::TaskEnd { .. }
        | EventKind::SessionEnd { .. } => {}
    }
}

fn answer(
    flow: &Flow,
    question: &str,
    value: &AnswerValue,
    first: u64,
    at: u64,
    ops: &mut Vec<(u64, Op)>,
) {
    let Some(q) = flow.questions.iter().find(|q| q.id == question) else {
        return;
    };
    match (&q.answer, value) {
        (Answer::Options(options), AnswerValue::Text(label)) => {
            pick(
                ops,
                options.iter().position(|o| o.label == *label).unwrap_or(0),
                first,
                at,
            );
        }
        (Answer::Scale(scale), AnswerValue::Number(n)) => {
            // The first arrow lands on the middle of the scale, each next one moves a point.
            let middle = scale.middle();
            let direction = if *n >= middle { Key::Right } else { Key::Left };
            let steps = usize::try_from((n - middle).unsigned_abs()).unwrap_or(0);
            ops.extend((0..=steps).map(|_| (first, Op::Input(Action::Key(direction)))));
            ops.push((at, Op::Input(Action::Key(Key::Enter))));
        }
        (_, AnswerValue::Text(text)) => typed(ops, text, first, at),
        (_, AnswerValue::Number(n)) => typed(ops, &n.to_string(), first, at),
    }
}
