//! Declared expected paths: each must be a walk the flow allows, from the task's start
//! to one of its success steps, or path metrics would measure against the impossible.

use crate::diagnostic::Diagnostic;
use crate::flow::{Flow, SUCCESS, StepKind, Target};

pub(super) fn findings(flow: &Flow, findings: &mut Vec<Diagnostic>) {
    if flow.tasks.is_empty() {
        let success: Vec<&str> = flow
            .steps
            .iter()
            .filter(|s| matches!(&s.kind, StepKind::End { outcome } if outcome == SUCCESS))
            .map(|s| s.id.as_str())
            .collect();
        for path in &flow.expected {
            walk(flow, path, &flow.start.id, &success, findings);
        }
    }
    for task in &flow.tasks {
        let success: Vec<&str> = task.success.iter().map(|t| t.id.as_str()).collect();
        for path in &task.expected {
            walk(flow, path, &task.start.id, &success, findings);
        }
    }
}

fn walk(flow: &Flow, path: &[Target], start: &str, success: &[&str], out: &mut Vec<Diagnostic>) {
    let bad = |at: &Target, message: String| Diagnostic::error("bad-expected-path", at.at, message);
    let (Some(first), Some(last)) = (path.first(), path.last()) else {
        return;
    };
    if first.id != start {
        out.push(bad(
            first,
            format!("an expected path starts at `{start}`, not `{}`", first.id),
        ));
    }
    if !success.contains(&last.id.as_str()) {
        out.push(bad(
            last,
            format!(
                "an expected path ends on a success step; `{}` is not one",
                last.id
            ),
        ));
    }
    for pair in path.windows(2) {
        let Some(step) = flow.step(&pair[0].id) else {
            out.push(bad(&pair[0], format!("`{}` is not a step", pair[0].id)));
            return;
        };
        if !step.exits().iter().any(|(_, to)| to.id == pair[1].id) {
            let message = format!("no choice of `{}` leads to `{}`", pair[0].id, pair[1].id);
            out.push(bad(&pair[1], message));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_declared_path_must_be_a_walk_from_start_to_success() {
        let source = "flow: f\ntitle: F\nsteps:\n  a:\n    choices: [B -> b]\n  b:\n    choices: [C -> c]\n  c:\n    end: success\nexpected:\n  - [a, b, c]\n  - [a, c]\n  - [b, c]\n";
        let flow = crate::flow::load(source).expect("loads");
        let findings: Vec<String> = crate::flow::check::check(&flow)
            .into_iter()
            .filter(|d| d.code == "bad-expected-path")
            .map(|d| format!("{}:{} {}", d.at.line, d.at.col, d.message))
            .collect();
        assert_eq!(
            findings,
            [
                "12:9 no choice of `a` leads to `c`",
                "13:6 an expected path starts at `a`, not `b`",
            ]
        );
    }
}
