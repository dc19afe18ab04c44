//! Ink: knots and stitches become steps, `*` and `+` choices with their diverts become
//! choices, `-> END` and `-> DONE` end the flow. A weave (choices that gather again)
//! is mapped one level deep: each choice becomes a step leading to the next gather.

use super::{Draft, DraftStep, step_id};

/// One line of a knot, classified.
enum Line<'a> {
    Text(&'a str),
    /// Depth (number of `*` or `+`) and the rest of the line.
    Choice(usize, &'a str),
    /// Depth (number of `-`) and the rest of the line.
    Gather(usize, &'a str),
    Divert(&'a str),
    Logic(&'a str),
}

fn classify(line: &str) -> Line<'_> {
    let t = line.trim();
    // Leading marks, spaces between them allowed; the `-` of a `->` divert is not one.
    let marks = |c: char| {
        let chars: Vec<char> = t.chars().collect();
        let mut count = 0;
        for (i, x) in chars.iter().enumerate() {
            match x {
                x if *x == c && chars.get(i + 1) != Some(&'>') => count += 1,
                x if x.is_whitespace() => {}
                _ => break,
            }
        }
        count
    };
    if t.starts_with('*') || t.starts_with('+') {
        let depth = marks(if t.starts_with('*') { '*' } else { '+' });
        let rest = t.trim_start_matches(|c: char| c == '*' || c == '+' || c.is_whitespace());
        Line::Choice(depth, rest)
    } else if t.starts_with("->") {
        Line::Divert(t.trim_start_matches("->").trim())
    } else if t.starts_with('-') {
        let depth = marks('-');
        let mut rest = t;
        for _ in 0..depth {
            rest = rest.trim_start().strip_prefix('-').unwrap_or(rest);
        }
        Line::Gather(depth, rest.trim())
    } else if t.starts_with('~')
        || t.starts_with("VAR ")
        || t.starts_with("CONST ")
        || t.starts_with('{')
        || t.starts_with("INCLUDE ")
    {
        Line::Logic(t)
    } else {
        Line::Text(t)
    }
}

/// A choice's label (what the player picks) and what it prints after:
/// `Hello [back] right back` shows "Hello back", then prints "Hello right back".
fn choice_parts(rest: &str) -> (String, String, Option<String>) {
    let (rest, divert) = match rest.split_once("->") {
        Some((before, target)) => (before, Some(target.trim().to_owned())),
        None => (rest, None),
    };
    let (label, printed) = match (rest.find('['), rest.find(']')) {
        (Some(open), Some(close)) if open < close => (
            format!("{}{}", &rest[..open], &rest[open + 1..close]),
            format!("{}{}", &rest[..open], &rest[close + 1..]),
        ),
        _ => (rest.to_owned(), rest.to_owned()),
    };
    (clean(&label), clean(&printed), divert)
}

fn clean(text: &str) -> String {
    text.replace("<>", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn import(source: &str, file_stem: &str) -> Draft {
    let mut draft = Draft {
        title: file_stem.to_owned(),
        ..Draft::default()
    };
    let mut knot = Knot::new("start", 1);
    for (n, raw) in source.lines().enumerate() {
        let line = raw.split("//").next().unwrap_or("");
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(name) = knot_header(t) {
            knot.finish(&mut draft);
            knot = Knot::new(&name, n + 1);
        } else if let Some(name) = t
            .strip_prefix('=')
            .filter(|_| !t.starts_with("=="))
            .map(str::trim)
        {
            let stitch = format!("{}.{}", knot.name, name);
            knot.finish(&mut draft);
            knot = Knot::new(&stitch, n + 1);
        } else {
            knot.lines.push((n + 1, classify(line).into_owned()));
        }
    }
    knot.finish(&mut draft);
    if draft.steps.first().is_some_and(|s| {
        s.id == "start" && s.text.is_empty() && s.choices.is_empty() && s.go.is_none()
    }) {
        draft.steps.remove(0);
    }
    draft.start = draft.steps.first().map(|s| s.id.clone());
    draft
}

fn knot_header(t: &str) -> Option<String> {
    let name = t
        .strip_prefix("==")?
        .trim_start_matches('=')
        .trim()
        .trim_end_matches('=')
        .trim();
    let name = name.strip_prefix("function ").map_or(name, |_| "");
    (!name.is_empty()).then(|| name.split(['(', ' ']).next().unwrap_or(name).to_owned())
}

/// A classified line owned, so a knot can keep its lines until it is finished.
enum Owned {
    Text(String),
    Choice(usize, String),
    Gather(usize, String),
    Divert(String),
    Logic(String),
}

impl Line<'_> {
    fn into_owned(self) -> Owned {
        match self {
            Line::Text(t) => Owned::Text(t.to_owned()),
            Line::Choice(d, t) => Owned::Choice(d, t.to_owned()),
            Line::Gather(d, t) => Owned::Gather(d, t.to_owned()),
            Line::Divert(t) => Owned::Divert(t.to_owned()),
            Line::Logic(t) => Owned::Logic(t.to_owned()),
        }
    }
}

struct Knot {
    name: String,
    line: usize,
    lines: Vec<(usize, Owned)>,
}

impl Knot {
    fn new(name: &str, line: usize) -> Self {
        Knot {
            name: name.to_owned(),
            line,
            lines: Vec::new(),
        }
    }

    /// Turns the knot into steps: a segment per gather, a step per top-level choice.
    fn finish(self, draft: &mut Draft) {
        let base = step_id(&self.name);
        let mut segment = draft.steps.len();
        draft.steps.push(DraftStep {
            id: base.clone(),
            line: self.line,
            ..DraftStep::default()
        });
        let mut open_choices: Vec<usize> = Vec::new(); // choice steps waiting for the next gather
        let mut in_choice: Option<usize> = None;
        // Inside a weave deeper than one level: its lines are reported, not mapped.
        let mut deep = false;
        let mut gathers = 0;
        for (n, line) in self.lines {
            match line {
                Owned::Choice(1, rest) => {
                    deep = false;
                    let (label, printed, divert) = choice_parts(&rest);
                    let id = format!("{base}-{}", draft.steps.len() - segment);
                    draft.steps[segment].choices.push((label, id.clone()));
                    draft.steps.push(DraftStep {
                        id,
                        line: n,
                        text: printed,
                        go: divert.map(|d| target(&d, &base)),
                        ..DraftStep::default()
                    });
                    let choice = draft.steps.len() - 1;
                    open_choices.push(choice);
                    in_choice = Some(choice);
                }
                Owned::Choice(depth, rest) | Owned::Gather(depth @ 2.., rest) => {
                    deep = true;
                    let at = in_choice.unwrap_or(segment);
                    draft.note(at, n, format!("a weave {depth} levels deep: {rest}"));
                }
                Owned::Text(text) if deep => {
                    let at = in_choice.unwrap_or(segment);
                    draft.note(at, n, format!("text of a deeper weave: {text}"));
                }
                Owned::Gather(_, rest) => {
                    deep = false;
                    gathers += 1;
                    let id = format!("{base}-gather-{gathers}");
                    for choice in open_choices.drain(..) {
                        draft.steps[choice].go.get_or_insert_with(|| id.clone());
                    }
                    if draft.steps[segment].choices.is_empty() {
                        draft.steps[segment].go.get_or_insert_with(|| id.clone());
                    }
                    segment = draft.steps.len();
                    in_choice = None;
                    let (text, divert) = match rest.split_once("->") {
                        Some((t, d)) => (clean(t), Some(target(d.trim(), &base))),
                        None => (clean(&rest), None),
                    };
                    draft.steps.push(DraftStep {
                        id,
                        line: n,
                        text,
                        go: divert,
                        ..DraftStep::default()
                    });
                }
                Owned::Divert(to) => {
                    let at = in_choice.unwrap_or(segment);
                    draft.steps[at].go = Some(target(&to, &base));
                }
                Owned::Text(text) => {
                    let at = in_choice.unwrap_or(segment);
                    let (text, divert) = match text.split_once("->") {
                        Some((t, d)) => (t.to_owned(), Some(target(d.trim(), &base))),
                        None => (text, None),
                    };
                    let step = &mut draft.steps[at];
                    step.text = clean(&format!("{} {}", step.text, text));
                    if divert.is_some() {
                        step.go = divert;
                    }
                }
                Owned::Logic(logic) => {
                    let at = in_choice.unwrap_or(segment);
                    draft.note(at, n, format!("logic or a condition: {logic}"));
                }
            }
        }
        // `-> END` and `-> DONE` lead to one ending step per knot.
        let end = format!("{base}-end");
        let ends_here = draft
            .steps
            .iter()
            .any(|s| s.go.as_deref() == Some(&end) || s.choices.iter().any(|(_, t)| *t == end));
        if ends_here && !draft.steps.iter().any(|s| s.id == end) {
            draft.steps.push(DraftStep {
                id: end,
                line: self.line,
                text: "The end.".into(),
                ..DraftStep::default()
            });
        }
    }
}

/// A divert's target as a step id; `END` and `DONE` end the flow.
fn target(divert: &str, knot: &str) -> String {
    let name = divert.split_whitespace().next().unwrap_or("");
    match name {
        "END" | "DONE" | "" => format!("{knot}-end"),
        _ => step_id(name),
    }
}
