//! Lints over a loaded flow: broken links, dead ends, and what a participant would trip on.

mod conditions;
mod expected;
mod logic;
mod reach;

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::flow::{Answer, Choice, Flow, SUCCESS, Step, StepKind, Target};
use crate::suggest;
use crate::text::{display_width, index_past_width};

/// Screens wider than this do not fit a standard terminal.
pub const MAX_SCREEN_WIDTH: usize = 80;
/// Choices `1`-`9` have a digit shortcut; a tenth has none.
pub const MAX_CHOICES: usize = 9;
/// Keys the player uses itself: digits pick by number, `j`/`k` move the highlight.
pub const RESERVED_KEYS: &str = "0123456789jk";

/// Every finding about the flow, ordered by position.
pub fn check(flow: &Flow) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    targets(flow, &mut findings);
    for step in &flow.steps {
        screen_width(step, &mut findings);
        if let StepKind::Choices(choices) = &step.kind {
            choice_findings(step, choices, &mut findings);
        }
    }
    logic::findings(flow, &mut findings);
    reach::findings(flow, &mut findings);
    expected::findings(flow, &mut findings);
    questions(flow, &mut findings);
    duplicate_tasks(flow, &mut findings);
    success_outcome(flow, &mut findings);
    findings.sort_by_key(|d| (d.at.line, d.at.col, d.severity));
    findings
}

fn targets(flow: &Flow, findings: &mut Vec<Diagnostic>) {
    let ids = || flow.steps.iter().map(|s| s.id.as_str());
    let index = flow.index();
    if !index.contains_key(flow.start.id.as_str()) {
        let message = format!(
            "`start` names the step `{}`, which does not exist",
            flow.start.id
        );
        let mut finding = no_such_step(&flow.start, message, ids());
        finding.code = "unknown-start";
        findings.push(finding);
    }
    for task in &flow.tasks {
        for target in std::iter::once(&task.start).chain(&task.success) {
            if !index.contains_key(target.id.as_str()) {
                let message = format!(
                    "task `{}` names the step `{}`, which does not exist",
                    task.id, target.id
                );
                findings.push(no_such_step(target, message, ids()));
            }
        }
    }
    for step in &flow.steps {
        for (_, target) in step.exits() {
            if !index.contains_key(target.id.as_str()) {
                let message = format!(
                    "step `{}` leads to `{}`, which is not a step",
                    step.id, target.id
                );
                findings.push(no_such_step(target, message, ids()));
            }
        }
    }
}

/// A reference to a step that does not exist, with the closest id as a suggestion.
fn no_such_step<'a>(
    target: &Target,
    message: String,
    ids: impl Iterator<Item = &'a str>,
) -> Diagnostic {
    Diagnostic::error("unknown-target", target.at, message)
        .with_suggestion(suggest::closest(&target.id, ids))
}

fn choice_findings(step: &Step, choices: &[Choice], findings: &mut Vec<Diagnostic>) {
    if choices.is_empty() {
        let message = format!(
            "step `{}` has no choices; a participant could not go on",
            step.id
        );
        findings.push(Diagnostic::error("no-choices", step.at, message));
    }
    if let Some(tenth) = choices.get(MAX_CHOICES) {
        let message = format!(
            "step `{}` has {} choices; only the first {MAX_CHOICES} get a digit shortcut",
            step.id,
            choices.len()
        );
        findings.push(
            Diagnostic::warning("too-many-choices", tenth.at, message)
                .with_help("split the step, or group choices into a sub-step"),
        );
    }
    let mut labels: HashMap<&str, &Choice> = HashMap::new();
    let mut keys: HashMap<char, &Choice> = HashMap::new();
    for choice in choices {
        if let Some(first) = labels.insert(choice.label.as_str(), choice) {
            let message = format!(
                "two choices of step `{}` read `{}` (also line {}); participants and sessions could not tell them apart",
                step.id, choice.label, first.at.line
            );
            findings.push(Diagnostic::error("duplicate-label", choice.at, message));
        }
        let Some(key) = choice.key else { continue };
        if RESERVED_KEYS.contains(key.key) {
            let message = format!(
                "the key `{}` is taken by mvx itself (digits pick by number, j and k move the highlight)",
                key.key
            );
            findings.push(
                Diagnostic::error("reserved-key", key.at, message)
                    .with_help("pick a letter other than j and k"),
            );
        } else if let Some(first) = keys.insert(key.key, choice) {
            let message = format!(
                "the key `{}` picks both `{}` and `{}`",
                key.key, first.label, choice.label
            );
            findings.push(Diagnostic::error("duplicate-choice-key", key.at, message));
        }
    }
}

fn screen_width(step: &Step, findings: &mut Vec<Diagnostic>) {
    let Some(screen) = &step.screen else { return };
    for (i, line) in screen.text.lines().enumerate() {
        let Some(past) = index_past_width(line, MAX_SCREEN_WIDTH) else {
            continue;
        };
        let Some(&at) = screen.line_at.get(i).or(screen.line_at.first()) else {
            continue;
        };
        let message = format!(
            "this screen line is {} columns wide; terminals of {MAX_SCREEN_WIDTH} columns cut it off",
            display_width(line)
        );
        findings.push(
            Diagnostic::warning("wide-screen", at.shifted(past, 1), message)
                .with_help(format!("keep mockups within {MAX_SCREEN_WIDTH} columns; wide characters and emoji count two")),
        );
    }
}

fn questions(flow: &Flow, findings: &mut Vec<Diagnostic>) {
    let mut ids = HashMap::new();
    for question in &flow.questions {
        if let Some(first) = ids.insert(question.id.as_str(), question.at) {
            let message = format!(
                "two questions have the id `{}` (also line {}); answers would mix",
                question.id, first.line
            );
            findings.push(Diagnostic::error(
                "duplicate-question",
                question.at,
                message,
            ));
        }
        match &question.answer {
            Answer::Options(options) if options.is_empty() => {
                let message = format!("question `{}` offers no options", question.id);
                findings.push(Diagnostic::error("no-options", question.at, message));
            }
            Answer::Options(options) => {
                let mut seen = HashMap::new();
                for option in options {
                    if let Some(first) = seen.insert(option.label.as_str(), option.at) {
                        let message = format!(
                            "question `{}` offers `{}` twice (also line {})",
                            question.id, option.label, first.line
                        );
                        findings.push(Diagnostic::error("duplicate-option", option.at, message));
                    }
                }
            }
            Answer::Scale(scale) if scale.from >= scale.to => {
                let message = format!(
                    "the scale of question `{}` runs from {} to {}; it needs at least two points",
                    question.id, scale.from, scale.to
                );
                findings.push(
                    Diagnostic::error("empty-scale", scale.at, message)
                        .with_help("make `to` larger than `from`, e.g. from: 1, to: 7"),
                );
            }
            Answer::Scale(_) | Answer::Text => {}
        }
    }
}

fn duplicate_tasks(flow: &Flow, findings: &mut Vec<Diagnostic>) {
    let mut first_at = HashMap::new();
    for task in &flow.tasks {
        if let Some(first) = first_at.insert(task.id.as_str(), task.at) {
            let message = format!(
                "two tasks have the id `{}` (also line {})",
                task.id, first.line
            );
            findings.push(Diagnostic::error("duplicate-task", task.at, message));
        }
    }
}

/// Without tasks, the flow is one task that succeeds at `end: success`.
fn success_outcome(flow: &Flow, findings: &mut Vec<Diagnostic>) {
    if !flow.tasks.is_empty() {
        return;
    }
    let succeeds = flow
        .steps
        .iter()
        .any(|s| matches!(&s.kind, StepKind::End { outcome } if outcome == SUCCESS));
    if !succeeds {
        let message =
            format!("no step ends with `end: {SUCCESS}`, so no participant can complete the flow");
        findings.push(Diagnostic::warning("no-success", flow.id_at, message));
    }
}
