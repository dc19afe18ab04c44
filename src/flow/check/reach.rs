//! Which steps a participant can reach, and from which they can still finish.
//!
//! Conditions make this harder to know. The findings stay sound: a way whose condition
//! is false for every value the variables can hold is left out; a way that may or may
//! not be open is counted as open for "unreachable" and "trapped", and where finishing
//! depends on such ways the finding says so and points to `mvx simulate`.

use std::collections::HashMap;

use super::conditions::Domains;
use crate::diagnostic::Diagnostic;
use crate::flow::logic::Branch;
use crate::flow::{Flow, Step, StepKind, Target};

/// How a step leads on, with the ways conditions rule out already left out.
enum Ways {
    /// An info or input step: the flow picks one of these, by its conditions.
    Forced(Vec<usize>),
    /// A choice step: the participant picks among the choices; each says whether it is
    /// offered in every state (`true`) and where it may lead.
    Pick(Vec<(bool, Vec<usize>)>),
}

impl Ways {
    fn targets(&self) -> Vec<usize> {
        match self {
            Ways::Forced(t) => t.clone(),
            Ways::Pick(choices) => choices
                .iter()
                .flat_map(|(_, t)| t.iter().copied())
                .collect(),
        }
    }
}

pub(super) fn findings(flow: &Flow, findings: &mut Vec<Diagnostic>) {
    let index = flow.index();
    let domains = Domains::new(flow);
    let ways: Vec<Ways> = flow
        .steps
        .iter()
        .map(|s| ways(s, &index, &domains, findings))
        .collect();
    let forward: Vec<Vec<usize>> = ways.iter().map(Ways::targets).collect();
    // Tasks may start elsewhere than the flow does; any start counts.
    let starts = std::iter::once(&flow.start).chain(flow.tasks.iter().map(|t| &t.start));
    let starts: Option<Vec<usize>> = starts.map(|t| index.get(t.id.as_str()).copied()).collect();
    let Some(starts) = starts else {
        return;
    };
    let reached = walk(&forward, starts.iter().copied());
    let reached_ignoring_conditions = walk(&edges(flow, &index), starts);
    let goals = goals(flow, &index);
    let finishing = walk(&reverse(&forward), goals.iter().copied());
    let sure = surely_finishing(&ways, &goals);
    for (i, step) in flow.steps.iter().enumerate() {
        let all_hidden =
            matches!(&step.kind, StepKind::Choices(c) if !c.is_empty()) && forward[i].is_empty();
        if !reached[i] {
            findings.push(unreachable(flow, step, reached_ignoring_conditions[i]));
        } else if !finishing[i] && (!forward[i].is_empty() || all_hidden) {
            // A step with no way out at all is reported by its own finding (no choices).
            let message = format!(
                "a participant who reaches step `{}` is trapped: no end step can be reached from it",
                step.id
            );
            findings.push(
                Diagnostic::error("trapped", step.at, message)
                    .with_help("give it, or a step it leads to, a way to an `end` step"),
            );
        } else if !sure[i] && has_conditions(step) && !goals.contains(&i) {
            let message = format!(
                "whether a participant can finish from step `{}` depends on conditions; run mvx simulate",
                step.id
            );
            let help = "`mvx simulate --exhaustive FLOW` tries every choice in every state and shows any walk that gets stuck";
            findings.push(
                Diagnostic::warning("depends-on-conditions", step.at, message).with_help(help),
            );
        }
    }
}

fn unreachable(flow: &Flow, step: &Step, but_for_conditions: bool) -> Diagnostic {
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
    let help = match but_for_conditions {
        true => "every way there has a condition that is never true",
        false => "link to it from another step, or remove it",
    };
    Diagnostic::warning("unreachable", step.at, message).with_help(help)
}

/// End steps and tasks' success steps: where a participant is done.
fn goals(flow: &Flow, index: &HashMap<&str, usize>) -> Vec<usize> {
    let ends = flow
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s.kind, StepKind::End { .. }))
        .map(|(i, _)| i);
    let success = flow.tasks.iter().flat_map(|t| &t.success);
    ends.chain(success.filter_map(|t| index.get(t.id.as_str()).copied()))
        .collect()
}

fn has_conditions(step: &Step) -> bool {
    !step.logic.branches.is_empty()
        || matches!(&step.kind, StepKind::Choices(c) if c.iter().any(|c| c.logic.guarded() || !c.logic.branches.is_empty()))
}

/// The ways on from `step`, with findings about conditions that are decided already.
fn ways(
    step: &Step,
    index: &HashMap<&str, usize>,
    domains: &Domains,
    findings: &mut Vec<Diagnostic>,
) -> Ways {
    match &step.kind {
        StepKind::Choices(choices) => Ways::Pick(
            choices
                .iter()
                .filter_map(|c| {
                    let verdict = c.logic.when.as_ref().and_then(|w| domains.verdict(w));
                    if let Some(when) = &c.logic.when {
                        choice_verdict(when, verdict, &c.label, findings);
                    }
                    if verdict == Some(false) {
                        return None;
                    }
                    let always = !c.logic.once && (c.logic.when.is_none() || verdict == Some(true));
                    Some((
                        always,
                        targets(&c.logic.branches, &c.go, index, domains, findings),
                    ))
                })
                .collect(),
        ),
        StepKind::Input { go, .. } | StepKind::Info { go } => {
            Ways::Forced(targets(&step.logic.branches, go, index, domains, findings))
        }
        StepKind::End { .. } => Ways::Forced(Vec::new()),
    }
}

fn choice_verdict(
    when: &crate::flow::expr::Expr,
    verdict: Option<bool>,
    label: &str,
    findings: &mut Vec<Diagnostic>,
) {
    let at = when.pos_of(0, when.source.chars().count());
    match verdict {
        Some(false) => findings.push(
            Diagnostic::warning("never-true", at, format!("the choice `{label}` is never offered: its condition is false for every value the variables can hold"))
                .with_help("check the values this condition compares with those the flow sets"),
        ),
        Some(true) => findings.push(
            Diagnostic::warning("always-true", at, format!("the choice `{label}` is always offered: its condition is true for every value the variables can hold"))
                .with_help("remove the `if`, or check the values it compares"),
        ),
        None => {}
    }
}

/// Where a `go` may lead: each branch not ruled out, and the final way unless a branch
/// before it is always taken.
fn targets(
    branches: &[Branch],
    otherwise: &Target,
    index: &HashMap<&str, usize>,
    domains: &Domains,
    findings: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let mut found = Vec::new();
    let lookup = |t: &Target| index.get(t.id.as_str()).copied();
    for branch in branches {
        let at = branch.when.pos_of(0, branch.when.source.chars().count());
        match domains.verdict(&branch.when) {
            Some(false) => findings.push(
                Diagnostic::warning("never-true", at, format!("the way to `{}` is never taken: its condition is false for every value the variables can hold", branch.to.id))
                    .with_help("check the values this condition compares with those the flow sets"),
            ),
            Some(true) => {
                findings.push(
                    Diagnostic::warning("always-true", at, "this condition is true for every value the variables can hold, so the ways after it are never taken")
                        .with_help("make it the last way (`to:` without `if`), or check the values it compares"),
                );
                found.extend(lookup(&branch.to));
                return found;
            }
            None => found.extend(lookup(&branch.to)),
        }
    }
    found.extend(lookup(otherwise));
    found
}

/// Steps from which a participant can finish whatever the variables hold: a choice
/// offered in every state leads only to such steps, or every way the flow may pick does.
fn surely_finishing(ways: &[Ways], goals: &[usize]) -> Vec<bool> {
    let mut sure = vec![false; ways.len()];
    for &g in goals {
        sure[g] = true;
    }
    let mut changed = true;
    while changed {
        changed = false;
        for (i, way) in ways.iter().enumerate() {
            if sure[i] {
                continue;
            }
            let all_sure = |t: &[usize]| !t.is_empty() && t.iter().all(|&s| sure[s]);
            let now = match way {
                Ways::Forced(t) => all_sure(t),
                Ways::Pick(choices) => choices.iter().any(|(always, t)| *always && all_sure(t)),
            };
            if now {
                sure[i] = true;
                changed = true;
            }
        }
    }
    sure
}

/// For each step, every step its exits lead to, conditions ignored (unknown targets left out).
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
