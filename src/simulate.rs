//! `mvx simulate`'s engine: walks through a flow before a participant does, random or
//! exhaustive, and what they found: coverage, steps never reached, traps with the walk
//! that reaches them, conditions that never change, ends and the shortest way to each.
//!
//! Pure: no clock, no files. Randomness comes from a seeded generator, so a walk is
//! reproduced by its seed.

mod explore;

pub use explore::MAX_STATE_BYTES;
mod moves;
pub mod returns;
pub mod sessions;
pub mod study;
mod walk;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::flow::{Flow, StepKind};

/// What to simulate and how far.
#[derive(Debug, Clone)]
pub struct Options {
    pub walks: usize,
    pub seed: u64,
    /// A walk longer than this is stopped and reported as never ending.
    pub max_steps: usize,
    pub exhaustive: bool,
    /// An exhaustive search stops after this many states, or after `max_state_bytes`
    /// of them, and says so.
    pub max_states: usize,
    /// And after about this many bytes of states (`MAX_STATE_BYTES`).
    pub max_state_bytes: usize,
    /// Start here instead of the flow's (or each task's) start.
    pub from: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            walks: 200,
            seed: 1,
            max_steps: 200,
            exhaustive: false,
            max_states: 100_000,
            max_state_bytes: MAX_STATE_BYTES,
            from: None,
        }
    }
}

/// One move of a walk: on `step`, what was done.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move {
    pub step: String,
    #[serde(flatten)]
    pub took: Took,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "took", content = "value", rename_all = "snake_case")]
pub enum Took {
    Choice(String),
    Typed(String),
    Continue,
}

/// A walk from a start: its moves, then the step it stands on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Walk {
    pub moves: Vec<Move>,
    pub at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrapKind {
    /// No choice is offered and no way leads on.
    Stuck,
    /// Moves remain, but no end can be reached from this state.
    NoWayOut,
    /// A random walk went on past the step limit.
    TooLong,
    /// A variable's text reached the longest a variable holds (`MAX_TEXT`): it is cut
    /// from here on, which a flow rarely means.
    TextTooLong,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trap {
    pub step: String,
    pub kind: TrapKind,
    /// The variables as they were there, as `name = value`.
    pub values: Vec<String>,
    pub walk: Walk,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepCoverage {
    pub step: String,
    /// Walks that reached it (random), or states found on it (exhaustive).
    pub reached: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChoiceCoverage {
    pub step: String,
    pub choice: String,
    /// Times taken, over all walks (random) or all states (exhaustive).
    pub taken: usize,
}

/// A condition that came out the same every time it was tested.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Constant {
    pub line: u32,
    pub column: u32,
    pub condition: String,
    pub always: bool,
    pub tested: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndReached {
    pub step: String,
    pub outcome: String,
    pub times: usize,
    pub shortest: Walk,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Simulation {
    pub exhaustive: bool,
    /// Random walks made; for an exhaustive search, the (step, variables) states found.
    pub walks: usize,
    pub seed: Option<u64>,
    /// The exhaustive search stopped at `max_states` (or `max_state_bytes`) before it had seen every state.
    pub capped: bool,
    pub steps: Vec<StepCoverage>,
    pub choices: Vec<ChoiceCoverage>,
    pub traps: Vec<Trap>,
    pub constants: Vec<Constant>,
    pub ends: Vec<EndReached>,
}

impl Simulation {
    pub fn never_reached(&self) -> impl Iterator<Item = &StepCoverage> {
        self.steps.iter().filter(|s| s.reached == 0)
    }

    pub fn never_taken(&self) -> impl Iterator<Item = &ChoiceCoverage> {
        self.choices.iter().filter(|c| c.taken == 0)
    }

    /// Shares of steps reached and choices taken, from 0 to 1.
    pub fn coverage(&self) -> (f64, f64) {
        let share = |done: usize, all: usize| match all {
            0 => 1.0,
            n => done as f64 / n as f64,
        };
        let steps = self.steps.iter().filter(|s| s.reached > 0).count();
        let choices = self.choices.iter().filter(|c| c.taken > 0).count();
        (
            share(steps, self.steps.len()),
            share(choices, self.choices.len()),
        )
    }
}

/// An unknown `--from` step.
#[derive(Debug, Clone, PartialEq)]
pub struct NoSuchStep {
    pub id: String,
    pub suggestion: Option<String>,
}

pub fn simulate(flow: &Flow, options: &Options) -> Result<Simulation, NoSuchStep> {
    let plans = moves::plans(flow, options.from.as_deref())?;
    let mut tally = Tally::new(flow);
    let (walks, capped) = match options.exhaustive {
        true => explore::explore(flow, &plans, options, &mut tally),
        false => (walk::walks(flow, &plans, options, &mut tally), false),
    };
    Ok(tally.finish(
        flow,
        walks,
        capped,
        (!options.exhaustive).then_some(options.seed),
    ))
}

/// What walks or a search saw, gathered as they go.
struct Tally {
    steps: Vec<usize>,
    /// Per step, per choice: times taken.
    choices: Vec<Vec<usize>>,
    traps: Vec<Trap>,
    /// Condition position -> (source, times true, times false).
    conditions: BTreeMap<(u32, u32), (String, usize, usize)>,
    /// End step index -> (times, shortest walk).
    ends: BTreeMap<usize, (usize, Walk)>,
}

impl Tally {
    fn new(flow: &Flow) -> Self {
        let choices = flow
            .steps
            .iter()
            .map(|s| match &s.kind {
                StepKind::Choices(c) => vec![0; c.len()],
                _ => Vec::new(),
            })
            .collect();
        Self {
            steps: vec![0; flow.steps.len()],
            choices,
            traps: Vec::new(),
            conditions: BTreeMap::new(),
            ends: BTreeMap::new(),
        }
    }

    fn tested(&mut self, expr: &crate::flow::expr::Expr, result: bool) {
        let entry = self
            .conditions
            .entry((expr.at.line, expr.at.col))
            .or_insert_with(|| (expr.source.clone(), 0, 0));
        match result {
            true => entry.1 += 1,
            false => entry.2 += 1,
        }
    }

    fn ended(&mut self, step: usize, walk: &Walk) {
        let entry = self.ends.entry(step).or_insert_with(|| (0, walk.clone()));
        entry.0 += 1;
        if walk.moves.len() < entry.1.moves.len() {
            entry.1 = walk.clone();
        }
    }

    /// One trap per step and kind is enough: the first found has the shortest walk.
    fn trapped(&mut self, trap: Trap) {
        let known = self
            .traps
            .iter()
            .any(|t| t.step == trap.step && t.kind == trap.kind);
        if !known {
            self.traps.push(trap);
        }
    }

    fn finish(self, flow: &Flow, walks: usize, capped: bool, seed: Option<u64>) -> Simulation {
        let steps = flow
            .steps
            .iter()
            .zip(&self.steps)
            .map(|(s, &reached)| StepCoverage {
                step: s.id.clone(),
                reached,
            })
            .collect();
        let mut choices = Vec::new();
        for (step, taken) in flow.steps.iter().zip(&self.choices) {
            if let StepKind::Choices(list) = &step.kind {
                for (c, &taken) in list.iter().zip(taken) {
                    choices.push(ChoiceCoverage {
                        step: step.id.clone(),
                        choice: c.label.clone(),
                        taken,
                    });
                }
            }
        }
        let constants = self
            .conditions
            .into_iter()
            .filter(|(_, (_, t, f))| (*t == 0) != (*f == 0))
            .map(|((line, column), (condition, t, f))| Constant {
                line,
                column,
                condition,
                always: t > 0,
                tested: t + f,
            })
            .collect();
        let ends = self
            .ends
            .into_iter()
            .map(|(i, (times, shortest))| EndReached {
                step: flow.steps[i].id.clone(),
                outcome: match &flow.steps[i].kind {
                    StepKind::End { outcome } => outcome.clone(),
                    _ => crate::flow::SUCCESS.into(),
                },
                times,
                shortest,
            })
            .collect();
        Simulation {
            exhaustive: seed.is_none(),
            walks,
            seed,
            capped,
            steps,
            choices,
            traps: self.traps,
            constants,
            ends,
        }
    }
}

#[cfg(test)]
mod tests;
