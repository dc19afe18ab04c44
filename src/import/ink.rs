//! Ink: knots and stitches become steps, weaves of any depth become steps joined by
//! their gathers, `VAR`/`CONST` become variables, choice conditions and `~` assignments
//! inside a choice become `if` and `set`, `*` choices are `once`. What cannot be carried
//! over (functions, tunnels, threads, conditional text) is named with its line.

mod logic;
mod weave;

use std::collections::HashSet;

use super::{Draft, DraftStep, unique_step_id};
use weave::{Line, Weave};

pub fn import(source: &str, file_stem: &str) -> Draft {
    let mut draft = Draft {
        title: file_stem.to_owned(),
        ..Draft::default()
    };
    let lines = without_comments(source);
    let vars = declare_vars(&mut draft, &lines);
    let places = places(&lines);
    let mut weave = Weave::new(&mut draft, "start", 1, vars, places);
    let mut in_function = false;
    let mut braces = 0i32;
    for (n, line) in &lines {
        let t = line.trim();
        // A `{ ... }` block over several lines (conditional text, a switch) has no flow
        // counterpart; its lines are named, not read as choices or gathers.
        let balance = t.matches('{').count() as i32 - t.matches('}').count() as i32;
        if braces > 0 || balance > 0 {
            braces = (braces + balance).max(0);
            if !in_function && !t.is_empty() {
                weave.note(*n, format!("a conditional block: {t}"));
            }
            continue;
        }
        if let Some((name, function)) = knot_header(t) {
            weave.finish();
            in_function = function;
            if function {
                weave.draft().dropped.push(super::Dropped {
                    line: *n,
                    what: format!("the function {name}: functions are not carried over"),
                });
                continue;
            }
            weave.start_knot(&name, *n);
        } else if in_function || t.is_empty() || t.starts_with("VAR ") || t.starts_with("CONST ") {
            continue;
        } else if let Some(name) = t.strip_prefix('=').filter(|_| !t.starts_with("==")) {
            weave.finish();
            weave.start_stitch(name.trim(), *n);
        } else if t.starts_with("INCLUDE ") || t.starts_with("EXTERNAL ") || t.starts_with("TODO") {
            weave.note(*n, format!("not carried over: {t}"));
        } else {
            weave.line(*n, Line::classify(t));
        }
    }
    weave.finish();
    weave.end_steps();
    // Stories that start with a knot leave the top empty.
    let empty_top = draft
        .steps
        .first()
        .is_some_and(|s| s.text.is_empty() && s.choices.is_empty() && s.go.is_none());
    if empty_top && draft.steps.len() > 1 {
        draft.steps.remove(0);
    }
    draft.start = draft.steps.first().map(|s| s.id.clone());
    draft
}

/// The story's lines, numbered, without `//` and `/* */` comments or `#` tags.
fn without_comments(source: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_block = false;
    for (n, raw) in source.lines().enumerate() {
        let mut line = String::new();
        let mut rest = raw;
        loop {
            if in_block {
                match rest.find("*/") {
                    Some(end) => {
                        rest = &rest[end + 2..];
                        in_block = false;
                    }
                    None => break,
                }
            }
            match (rest.find("/*"), rest.find("//")) {
                (Some(open), slash) if slash.is_none_or(|s| open < s) => {
                    line.push_str(&rest[..open]);
                    rest = &rest[open + 2..];
                    in_block = true;
                }
                (_, Some(slash)) => {
                    line.push_str(&rest[..slash]);
                    break;
                }
                _ => {
                    line.push_str(rest);
                    break;
                }
            }
        }
        let line = match line
            .find(" #")
            .or(line.trim_start().starts_with('#').then_some(0))
        {
            Some(tag) => line[..tag].to_owned(),
            None => line,
        };
        out.push((n + 1, line));
    }
    out
}

/// `VAR x = 1` and `CONST y = "a"` become variables; other values are named.
fn declare_vars(draft: &mut Draft, lines: &[(usize, String)]) -> HashSet<String> {
    let mut names = HashSet::new();
    for (n, line) in lines {
        let t = line.trim();
        let Some(decl) = t.strip_prefix("VAR ").or_else(|| t.strip_prefix("CONST ")) else {
            continue;
        };
        let Some((name, value)) = decl.split_once('=') else {
            continue;
        };
        let name = name.trim();
        match logic::literal(value) {
            Some(v) if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                names.insert(name.to_owned());
                draft.vars.push((name.to_owned(), v));
            }
            _ => draft.dropped.push(super::Dropped {
                line: *n,
                what: format!(
                    "the variable {name} = {}: only numbers, text and true/false are carried over",
                    value.trim()
                ),
            }),
        }
    }
    names
}

/// Every knot and stitch name, qualified (`knot.stitch`), for diverts and read counts.
fn places(lines: &[(usize, String)]) -> HashSet<String> {
    let mut found = HashSet::new();
    let mut knot = String::new();
    for (_, line) in lines {
        let t = line.trim();
        if let Some((name, false)) = knot_header(t) {
            found.insert(name.clone());
            knot = name;
        } else if let Some(name) = t.strip_prefix('=').filter(|_| !t.starts_with("==")) {
            found.insert(format!("{knot}.{}", name.trim()));
        }
    }
    found
}

/// `=== name ===` or `== function name(x) ==`: the name, and whether it is a function.
fn knot_header(t: &str) -> Option<(String, bool)> {
    let inner = t
        .strip_prefix("==")?
        .trim_start_matches('=')
        .trim()
        .trim_end_matches('=')
        .trim();
    let (inner, function) = match inner.strip_prefix("function ") {
        Some(rest) => (rest.trim(), true),
        None => (inner, false),
    };
    let name = inner.split(['(', ' ']).next().unwrap_or("").trim();
    (!name.is_empty()).then(|| (name.to_owned(), function))
}

fn new_step(draft: &mut Draft, taken: &mut HashSet<String>, name: &str, line: usize) -> usize {
    let id = unique_step_id(taken, name);
    taken.insert(id.to_lowercase());
    draft.steps.push(DraftStep {
        id,
        line,
        ..DraftStep::default()
    });
    draft.steps.len() - 1
}
