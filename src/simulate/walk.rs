//! Random walks: at each step a choice (or a sample answer) picked uniformly, from a
//! seeded generator, so the same seed walks the same ways.

use std::collections::HashSet;

use super::moves::{Plan, State, finished, moves, walk};
use super::{Options, Tally, Took, Trap, TrapKind};
use crate::flow::Flow;
use crate::flow::logic::Memory;

/// Makes `options.walks` walks, each through every plan (task) in order; returns how many.
pub(super) fn walks(flow: &Flow, plans: &[Plan], options: &Options, tally: &mut Tally) -> usize {
    let index = flow.index();
    let mut rng = fastrand::Rng::with_seed(options.seed);
    for _ in 0..options.walks {
        let mut seen = vec![false; flow.steps.len()];
        let mut taken: HashSet<(usize, usize)> = HashSet::new();
        for plan in plans {
            let mut state = State::at(plan.start, Memory::new(flow));
            let mut path: Vec<(usize, Took)> = Vec::new();
            let mut text_too_long = false;
            loop {
                seen[state.step] = true;
                if finished(flow, plan, state.step) {
                    tally.ended(state.step, &walk(flow, &path, state.step));
                    break;
                }
                let kind = match path.len() >= options.max_steps {
                    true => Some(TrapKind::TooLong),
                    false => None,
                };
                let mut next = match kind {
                    Some(_) => Vec::new(),
                    None => moves(flow, &index, &state, false, tally),
                };
                if next.is_empty() {
                    let kind = kind.unwrap_or(TrapKind::Stuck);
                    tally.trapped(trap(flow, &state, kind, &path));
                    break;
                }
                let picked = next.swap_remove(rng.usize(..next.len()));
                if let Some(choice) = picked.choice {
                    taken.insert((state.step, choice));
                }
                let Some(to) = picked.to else {
                    tally.trapped(trap(flow, &state, TrapKind::Stuck, &path));
                    break;
                };
                path.push((state.step, picked.took));
                state = State::at(to, picked.memory);
                if !text_too_long && state.memory.at_text_limit().is_some() {
                    // Once a walk: each report copies the walk so far.
                    text_too_long = true;
                    tally.trapped(trap(flow, &state, TrapKind::TextTooLong, &path));
                }
            }
        }
        for (i, seen) in seen.into_iter().enumerate() {
            tally.steps[i] += usize::from(seen);
        }
        for (step, choice) in taken {
            tally.choices[step][choice] += 1;
        }
    }
    options.walks
}

pub(super) fn trap(flow: &Flow, state: &State, kind: TrapKind, path: &[(usize, Took)]) -> Trap {
    Trap {
        step: flow.steps[state.step].id.clone(),
        kind,
        values: state.values(),
        walk: walk(flow, path, state.step),
    }
}
