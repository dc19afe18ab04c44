//! Variables settled once every passage is read: their first values, the sets at a
//! passage's top level moved onto the choices that lead into it, and `$x` in text as `{x}`.
//!
//! A variable's first value is the last plain value (number, text, true/false) given to
//! it by `StoryInit`/`startup` passages and then the start passage's top level; failing
//! that, the empty value of the kind its first plain assignment anywhere has (0, "" or
//! no). A variable given no plain value anywhere is not declared, and what uses it is
//! left out by the check every translation goes through.

use super::passage::TopSet;
use crate::import::{Draft, DraftChoice};

pub(super) fn settle(draft: &mut Draft, init: Vec<TopSet>, tops: Vec<Vec<TopSet>>) {
    let start = draft
        .start
        .as_ref()
        .and_then(|s| draft.steps.iter().position(|step| &step.id == s));
    let mut notes = Vec::new();
    let start_sets = start.map(|i| tops[i].as_slice()).unwrap_or_default();
    let first = first_values(&init, start_sets, &mut notes, start);
    declare(draft, first, &init, &tops);
    for (i, sets) in tops.into_iter().enumerate() {
        for set in sets {
            let value = match set.value {
                Ok(v) if Some(i) != start || literal(&v).is_some() => v,
                Ok(_) => {
                    let what = "a set in the start passage that is not a plain value";
                    notes.push((Some(i), set.line, format!("${}: {what}", set.name)));
                    continue;
                }
                Err(why) => {
                    notes.push((Some(i), set.line, format!("{why}: not carried over")));
                    continue;
                }
            };
            if let Err(why) = onto_choices_into(draft, i, &set.name, &value) {
                notes.push((Some(i), set.line, why));
            }
        }
    }
    for (step, line, what) in notes {
        draft.note(step.unwrap_or(0), line, what);
    }
    interpolate(draft);
}

/// The last plain value each variable gets from `StoryInit`/`startup` and then the start
/// passage's top level.
fn first_values(
    init: &[TopSet],
    start_sets: &[TopSet],
    notes: &mut Vec<(Option<usize>, usize, String)>,
    start: Option<usize>,
) -> Vec<(String, String)> {
    let mut first: Vec<(String, String)> = Vec::new();
    for (i, set) in init.iter().chain(start_sets).enumerate() {
        let in_init = i < init.len();
        match set.value.as_deref().ok().and_then(literal) {
            Some(v) => match first.iter_mut().find(|(n, _)| *n == set.name) {
                Some(slot) => slot.1 = v,
                None => first.push((set.name.clone(), v)),
            },
            None if in_init => notes.push((
                start,
                set.line,
                format!(
                    "the first value of ${} is not a plain number, text or true/false",
                    set.name
                ),
            )),
            None => {}
        }
    }
    first
}

/// A top-level set of step `i` onto every choice leading there; the whole step's way in
/// must be choices, so an info step's `go` into it makes it not carried over.
fn onto_choices_into(draft: &mut Draft, i: usize, name: &str, value: &str) -> Result<(), String> {
    let id = draft.steps[i].id.clone();
    if draft
        .steps
        .iter()
        .any(|s| s.go.as_deref() == Some(id.as_str()))
    {
        return Err(format!(
            "set ${name} to `{value}`: the passage is also reached by a jump, not carried over"
        ));
    }
    let mut clashes = Vec::new();
    for step in &mut draft.steps {
        for choice in step.choices.iter_mut().filter(|c| c.target == id) {
            if !push_set(choice, name, value) {
                clashes.push(choice.label.clone());
            }
        }
    }
    match clashes.is_empty() {
        true => Ok(()),
        false => Err(format!(
            "set ${name} to `{value}`: left off the links {} that set it first",
            clashes.join(", ")
        )),
    }
}

/// Appends a set to a choice. A choice's `set` holds each variable once, so a second
/// set of one folds into the first when that is the last (`{x}` reads its value).
fn push_set(choice: &mut DraftChoice, name: &str, value: &str) -> bool {
    match choice.set.iter().position(|(n, _)| n == name) {
        None => {
            choice.set.push((name.to_owned(), value.to_owned()));
            true
        }
        Some(at) if at + 1 == choice.set.len() => {
            let before = choice.set[at].1.clone();
            choice.set[at].1 = value.replace(&format!("{{{name}}}"), &format!("({before})"));
            true
        }
        Some(_) => false,
    }
}

/// `vars:` for every variable given a plain value somewhere.
fn declare(draft: &mut Draft, first: Vec<(String, String)>, init: &[TopSet], tops: &[Vec<TopSet>]) {
    let mut names: Vec<String> = Vec::new();
    let mut kinds: Vec<(String, String)> = Vec::new();
    let sets = init.iter().chain(tops.iter().flatten());
    let on_choices = draft
        .steps
        .iter()
        .flat_map(|s| &s.choices)
        .flat_map(|c| &c.set)
        .map(|(n, v)| (n.clone(), Ok(v.clone())));
    let all = sets
        .map(|s| (s.name.clone(), s.value.clone()))
        .chain(on_choices);
    for (name, value) in all {
        if !names.contains(&name) {
            names.push(name.clone());
        }
        if let Some(empty) = value
            .ok()
            .as_deref()
            .and_then(literal)
            .map(|v| empty_of(&v))
            && !kinds.iter().any(|(n, _)| *n == name)
        {
            kinds.push((name, empty.to_owned()));
        }
    }
    for name in names {
        let value = first
            .iter()
            .chain(&kinds)
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone());
        if let Some(value) = value {
            draft.vars.push((name, value));
        }
    }
}

/// A plain value as `vars:` writes it: a number, yes/no, or text as a JSON string.
fn literal(value: &str) -> Option<String> {
    let v = value.trim();
    match v {
        "true" => Some("yes".into()),
        "false" => Some("no".into()),
        _ if v.parse::<f64>().is_ok() => Some(v.to_owned()),
        _ if v.len() >= 2
            && (v.starts_with('"') && v.ends_with('"')
                || v.starts_with('\'') && v.ends_with('\'')) =>
        {
            serde_json::to_string(&v[1..v.len() - 1]).ok()
        }
        _ => None,
    }
}

fn empty_of(literal: &str) -> &'static str {
    match literal {
        "yes" | "no" => "no",
        _ if literal.starts_with('"') => "\"\"",
        _ => "0",
    }
}

/// `$x` in text shows the variable as `{x}` where `x` is declared.
fn interpolate(draft: &mut Draft) {
    let names: Vec<String> = draft.vars.iter().map(|(n, _)| n.clone()).collect();
    for step in &mut draft.steps {
        let mut out = String::new();
        let mut rest = step.text.as_str();
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if names.iter().any(|n| *n == after[..len]) {
                out.push_str(&format!("{{{}}}", &after[..len]));
                rest = &after[len..];
            } else {
                out.push('$');
                rest = after;
            }
        }
        out.push_str(rest);
        step.text = out;
    }
}
