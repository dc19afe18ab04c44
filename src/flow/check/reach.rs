//! Which steps a participant can reach, and from which they can still finish.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::flow::{Flow, StepKind};

pub(super) fn findings(flow: &Flow, findings: &mut Vec<Diagnostic>) {
    let index = flow.index();
    let forward = edges(flow, &index);
    // Tasks may start elsewhere than the flow does; any start counts.
    let starts = std::iter::once(&flow.start).chain(flow.tasks.iter().map(|t| &t.start));
    let starts: Option<Vec<usize>> = starts.map(|t| index.get(t.id.as_str()).copied()).collect();
    let Some(starts) = starts else {
        return;
    };
    let reached = walk(&forward, starts);
    // A task's success step finishes it even when it is not an end step.
    let success_steps: Vec<usize> = flow
        .tasks
        .iter()
        .flat_map(|t| &t.success)
        .filter_map(|t| index.get(t.id.as_str()).copied())
        .collect();
    let ends = flow
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s.kind, StepKind::End { .. }));
    let finishing = walk(
        &reverse(&forward),
        ends.map(|(i, _)| i).chain(success_steps),
    );
    for (i, step) in flow.steps.iter().enumerate() {
        if !reached[i] {
            let message = match flow.tasks.is_empty() {
                true => format!(
                    "no path from `{}` reaches step `{}`",
                    flow.start.id, step.id
                ),
                false => format!(
                    "no path from the flow's or a task's start reaches step `{}`",
                    step.id
                ),
            };
            findings.push(
                Diagnostic::warning("unreachable", step.at, message)
                    .with_help("link to it from another step, or remove it"),
            );
        } else if !finishing[i] && !forward[i].is_empty() {
            // A step with no way out at all is reported by its own finding (no choices).
            let message = format!(
                "a participant who reaches step `{}` is trapped: no end step can be reached from it",
                step.id
            );
            findings.push(
                Diagnostic::error("trapped", step.at, message)
                    .with_help("give it, or a step it leads to, a way to an `end` step"),
            );
        }
    }
}

/// For each step, the steps its exits lead to (unknown targets left out).
fn edges(flow: &Flow, index: &HashMap<&str, usize>) -> Vec<Vec<usize>> {
    flow.steps
        .iter()
        .map(|s| {
            s.exits()
                .iter()
                .filter_map(|(_, t)| index.get(t.id.as_str()).copied())
                .collect()
        })
        .collect()
}

fn reverse(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut reversed = vec![Vec::new(); edges.len()];
    for (from, tos) in edges.iter().enumerate() {
        for &to in tos {
            reversed[to].push(from);
        }
    }
    reversed
}

/// Marks every node reachable from `starts` along `edges`.
fn walk(edges: &[Vec<usize>], starts: impl IntoIterator<Item = usize>) -> Vec<bool> {
    let mut seen = vec![false; edges.len()];
    let mut stack: Vec<usize> = starts.into_iter().collect();
    while let Some(node) = stack.pop() {
        if std::mem::replace(&mut seen[node], true) {
            continue;
        }
        stack.extend(edges[node].iter().copied().filter(|&n| !seen[n]));
    }
    seen
}
