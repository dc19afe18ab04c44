//! The moves open in a state of a flow: the same meaning as in the player, since both
//! go through `Memory`.

use std::collections::HashMap;

use super::{Move, NoSuchStep, Tally, Took, Walk};
use crate::flow::expr::Env;
use crate::flow::logic::{Branch, Memory};
use crate::flow::{Flow, Step, StepKind, Target};
use crate::suggest;

/// What `mvx simulate` types into an input step that has no `sample:`.
pub const DEFAULT_ANSWER: &str = "answer";

/// Where walks start, and the steps besides end steps that finish them (a task's success).
#[derive(Debug, Clone)]
pub(super) struct Plan {
    pub start: usize,
    pub goals: Vec<usize>,
}

/// The flow's start, or each task's; `from` replaces them with one start.
pub(super) fn plans(flow: &Flow, from: Option<&str>) -> Result<Vec<Plan>, NoSuchStep> {
    let index = flow.index();
    let find = |id: &str| {
        index.get(id).copied().ok_or_else(|| NoSuchStep {
            id: id.to_owned(),
            suggestion: suggest::closest(id, flow.steps.iter().map(|s| s.id.as_str()))
                .map(str::to_owned),
        })
    };
    let success = |ids: &[Target]| -> Vec<usize> {
        ids.iter()
            .filter_map(|t| index.get(t.id.as_str()).copied())
            .collect()
    };
    if let Some(from) = from {
        let all = flow
            .tasks
            .iter()
            .flat_map(|t| success(&t.success))
            .collect();
        return Ok(vec![Plan {
            start: find(from)?,
            goals: all,
        }]);
    }
    if flow.tasks.is_empty() {
        return Ok(vec![Plan {
            start: find(&flow.start.id)?,
            goals: Vec::new(),
        }]);
    }
    flow.tasks
        .iter()
        .map(|t| {
            Ok(Plan {
                start: find(&t.start.id)?,
                goals: success(&t.success),
            })
        })
        .collect()
}

/// A place in a walk: a step and what is remembered on arriving there.
#[derive(Debug, Clone)]
pub(super) struct State<'f> {
    pub step: usize,
    pub memory: Memory<'f>,
}

impl<'f> State<'f> {
    /// Arrives on `step`: it counts as visited from now on.
    pub fn at(step: usize, mut memory: Memory<'f>) -> Self {
        memory.enter(step);
        Self { step, memory }
    }

    pub fn key(&self) -> (usize, String) {
        (self.step, self.memory.key())
    }

    pub fn values(&self) -> Vec<String> {
        self.memory
            .values()
            .map(|(n, v)| format!("{n} = {}", shortened(&v.shown())))
            .collect()
    }
}

/// A value as a report line shows it: a text up to `MAX_TEXT` long is cut at 60.
fn shortened(shown: &str) -> String {
    match shown.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &shown[..cut]),
        None => shown.to_owned(),
    }
}

/// One way on from a state.
pub(super) struct Next<'f> {
    pub took: Took,
    pub choice: Option<usize>,
    /// `None` when the way names a step that does not exist.
    pub to: Option<usize>,
    pub memory: Memory<'f>,
}

/// Whether the walk is over on this step: an end step or the task's success step.
pub(super) fn finished(flow: &Flow, plan: &Plan, step: usize) -> bool {
    plan.goals.contains(&step) || matches!(flow.steps[step].kind, StepKind::End { .. })
}

/// Every move open in `state`, testing (and tallying) each condition on the way.
pub(super) fn moves<'f>(
    flow: &'f Flow,
    index: &HashMap<&str, usize>,
    state: &State<'f>,
    every_answer: bool,
    tally: &mut Tally,
) -> Vec<Next<'f>> {
    let step = &flow.steps[state.step];
    let lookup = |t: Option<&Target>| t.and_then(|t| index.get(t.id.as_str()).copied());
    match &step.kind {
        StepKind::Choices(choices) => {
            for c in choices {
                if let Some(when) = &c.logic.when {
                    tally.tested(when, when.test(&state.memory));
                }
            }
            let visible = state.memory.visible(state.step);
            let mut next = Vec::with_capacity(visible.len());
            for i in visible {
                let mut memory = state.memory.clone();
                let Some((_, to)) = memory.choose(state.step, i) else {
                    continue;
                };
                test_branches(&choices[i].logic.branches, &memory, tally);
                next.push(Next {
                    took: Took::Choice(choices[i].label.clone()),
                    choice: Some(i),
                    to: lookup(Some(to)),
                    memory,
                });
            }
            next
        }
        StepKind::Input { name, .. } => answers(step, every_answer)
            .into_iter()
            .map(|text| {
                let mut memory = state.memory.clone();
                memory.answer(name, &text);
                test_branches(&step.logic.branches, &memory, tally);
                let to = lookup(memory.way_on(state.step));
                Next {
                    took: Took::Typed(text),
                    choice: None,
                    to,
                    memory,
                }
            })
            .collect(),
        StepKind::Info { .. } => {
            test_branches(&step.logic.branches, &state.memory, tally);
            vec![Next {
                took: Took::Continue,
                choice: None,
                to: lookup(state.memory.way_on(state.step)),
                memory: state.memory.clone(),
            }]
        }
        StepKind::End { .. } => Vec::new(),
    }
}

/// The answers tried on an input step: its `sample:`, or a made-up one; an exhaustive
/// search also tries an empty answer, since Enter alone is what a participant may press.
pub(super) fn answers(step: &Step, every_answer: bool) -> Vec<String> {
    let mut answers = match step.logic.sample.is_empty() {
        true => vec![DEFAULT_ANSWER.to_owned()],
        false => step.logic.sample.clone(),
    };
    if every_answer && !answers.iter().any(String::is_empty) {
        answers.push(String::new());
    }
    answers
}

/// The ways of a `go` list are tried in order until one holds, as the player does.
fn test_branches(branches: &[Branch], env: &dyn Env, tally: &mut Tally) {
    for b in branches {
        let holds = b.when.test(env);
        tally.tested(&b.when, holds);
        if holds {
            break;
        }
    }
}

/// A walk as the moves that made it, ending on `at`.
pub(super) fn walk(flow: &Flow, moves: &[(usize, Took)], at: usize) -> Walk {
    Walk {
        moves: moves
            .iter()
            .map(|(step, took)| Move {
                step: flow.steps[*step].id.clone(),
                took: took.clone(),
            })
            .collect(),
        at: flow.steps[at].id.clone(),
    }
}
