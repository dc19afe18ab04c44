//! Mistakes in what a flow remembers: unknown variables, types that do not fit, `set`s of
//! undeclared variables, `{name}` in a text that names no variable.

use crate::diagnostic::Diagnostic;
use crate::flow::expr::{Type, Types};
use crate::flow::logic::{conditions, variables};
use crate::flow::{Flow, Step, StepKind};
use crate::suggest;

pub(super) fn findings(flow: &Flow, findings: &mut Vec<Diagnostic>) {
    let vars: Vec<(&str, Type)> = variables(flow)
        .into_iter()
        .map(|(n, t, _)| (n, t))
        .collect();
    let steps: Vec<&str> = flow.steps.iter().map(|s| s.id.as_str()).collect();
    let types = Types {
        vars: &vars,
        steps: &steps,
    };
    for (_, guard) in conditions(flow) {
        let expr = guard.expr();
        match types.check(expr, findings) {
            Some(Type::Bool) | None => {}
            Some(other) => {
                let message = format!(
                    "a condition must be yes or no, but this is {}",
                    other.word()
                );
                let help = "compare it: `{cups} > 0`, `{size} == double`";
                let at = expr.pos_of(0, expr.source.chars().count());
                findings.push(Diagnostic::error("type-mismatch", at, message).with_help(help));
            }
        }
    }
    for step in &flow.steps {
        inputs(flow, step, findings);
        assignments(step, &types, findings);
        placeholders(step, &vars, findings);
    }
}

/// An input step sets its variable to the typed text, so a declared one must be text.
fn inputs(flow: &Flow, step: &Step, findings: &mut Vec<Diagnostic>) {
    let StepKind::Input { name, .. } = &step.kind else {
        return;
    };
    let Some(var) = flow.vars.iter().find(|v| v.name == *name) else {
        return;
    };
    let found = var.initial.kind();
    if found != Type::Text {
        let message = format!(
            "step `{}` stores typed text in `{name}`, which is declared as {}",
            step.id,
            found.word()
        );
        let help = format!(
            "declare `{name}` with text, e.g. `{name}: \"\"`, or use another name for the input"
        );
        findings.push(Diagnostic::error("type-mismatch", var.at, message).with_help(help));
    }
}

fn assignments(step: &Step, types: &Types, findings: &mut Vec<Diagnostic>) {
    let StepKind::Choices(choices) = &step.kind else {
        return;
    };
    for assign in choices.iter().flat_map(|c| &c.logic.set) {
        let declared = types.vars.iter().find(|(n, _)| *n == assign.name);
        let value = types.check(&assign.value, findings);
        let Some((_, wanted)) = declared else {
            let message = format!(
                "`set` gives `{}` a value, but no variable is called so",
                assign.name
            );
            let names = types.vars.iter().map(|(n, _)| *n);
            let d = Diagnostic::error("undeclared-set", assign.at, message);
            findings.push(match suggest::closest(&assign.name, names) {
                Some(s) => d.with_suggestion(Some(s)),
                None => d.with_help(format!(
                    "declare it under `vars:` with its first value, e.g. `{}: 0`",
                    assign.name
                )),
            });
            continue;
        };
        if let Some(found) = value.filter(|t| t != wanted) {
            let expr = &assign.value;
            let message = format!(
                "`{}` holds {}, but this value is {}",
                assign.name,
                wanted.word(),
                found.word()
            );
            let at = expr.pos_of(0, expr.source.chars().count());
            let help = "a variable keeps the kind of its first value under `vars:`";
            findings.push(Diagnostic::error("type-mismatch", at, message).with_help(help));
        }
    }
}

/// `{name}` in a prompt or mockup that names no variable is shown as written; say so,
/// since it is most likely a misspelling.
fn placeholders(step: &Step, vars: &[(&str, Type)], findings: &mut Vec<Diagnostic>) {
    let texts = step
        .text
        .iter()
        .chain(step.screen.as_ref().map(|s| &s.text));
    for text in texts {
        for name in placeholder_names(text) {
            if vars.iter().any(|(n, _)| *n == name) {
                continue;
            }
            let message = format!(
                "step `{}` shows `{{{name}}}`, but no variable is called `{name}`",
                step.id
            );
            let d = Diagnostic::warning("unknown-placeholder", step.at, message);
            findings.push(match suggest::closest(name, vars.iter().map(|(n, _)| *n)) {
                Some(s) => d.with_help(format!("did you mean `{{{s}}}`?")),
                None => d.with_help("declare it under `vars:`, or it is shown as written"),
            });
        }
    }
}

/// Names written as `{name}`: letters, digits, `-` and `_` between braces.
fn placeholder_names(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                let is_name = !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                if is_name && !names.contains(&name) {
                    names.push(name);
                }
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    names
}
