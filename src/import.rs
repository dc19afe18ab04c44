//! `mvx import`: branching stories (Twine's Twee 3, Ink) turned into flows.
//!
//! Each importer builds a [`Draft`]: steps with text, choices and endings, plus what
//! could not be carried over, each with its line. The draft is written as flow YAML,
//! with everything left out kept as comments beside the step it came from.

pub mod ink;
mod tidy;
pub mod twine;
mod vet;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

/// Something in the story the flow cannot express, and where it was.
#[derive(Debug, Clone, PartialEq)]
pub struct Dropped {
    pub line: usize,
    pub what: String,
}

#[derive(Debug, Default)]
pub struct Draft {
    pub title: String,
    pub start: Option<String>,
    pub steps: Vec<DraftStep>,
    pub dropped: Vec<Dropped>,
    /// Variables and their first values, as flow expressions (`0`, `no`, `"text"`).
    pub vars: Vec<(String, String)>,
}

/// A choice as imported: where it leads, and the logic that came with it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct DraftChoice {
    pub label: String,
    pub target: String,
    /// A condition in the flow's expression language.
    pub when: Option<String>,
    pub once: bool,
    /// (variable, value as an expression), in order.
    pub set: Vec<(String, String)>,
}

impl DraftChoice {
    pub fn to(label: impl Into<String>, target: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            target: target.into(),
            ..Self::default()
        }
    }
}

#[derive(Debug, Default)]
pub struct DraftStep {
    pub id: String,
    pub line: usize,
    pub text: String,
    pub choices: Vec<DraftChoice>,
    /// Where an info step goes when it has no choices.
    pub go: Option<String>,
    /// Comments kept beside the step: what was not carried over.
    pub notes: Vec<String>,
}

impl Draft {
    pub fn note(&mut self, step: usize, line: usize, what: String) {
        if let Some(s) = self.steps.get_mut(step) {
            s.notes.push(format!("line {line}: {what}"));
        }
        self.dropped.push(Dropped { line, what });
    }

    /// The flow YAML. Links to steps that do not exist are dropped with a word;
    /// a step left with nowhere to go becomes an ending.
    pub fn to_yaml(mut self, source_name: &str) -> (String, Vec<Dropped>) {
        self.resolve_targets();
        self.skip_empty_steps();
        self.drop_needless_once();
        self.vet_logic();
        let id = flow_id(&self.title);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# yaml-language-server: $schema=../schema/flow.schema.json"
        );
        let _ = writeln!(
            out,
            "# Imported from {source_name} by mvx import; check it with `mvx check`."
        );
        let _ = writeln!(out, "flow: {id}\ntitle: {}", quoted(&self.title));
        if let Some(start) = &self.start {
            let _ = writeln!(out, "start: {}", quoted(start));
        }
        if !self.vars.is_empty() {
            out.push_str("vars:\n");
            for (name, value) in &self.vars {
                let _ = writeln!(out, "  {name}: {value}");
            }
        }
        out.push_str("steps:\n");
        for step in &self.steps {
            write_step(&mut out, step);
        }
        (out, self.dropped)
    }

    fn resolve_targets(&mut self) {
        let ids: HashMap<String, String> = self
            .steps
            .iter()
            .map(|s| (s.id.to_lowercase(), s.id.clone()))
            .collect();
        let mut dropped = Vec::new();
        for step in &mut self.steps {
            let mut kept = Vec::new();
            for mut choice in std::mem::take(&mut step.choices) {
                match ids.get(&choice.target.to_lowercase()) {
                    Some(id) => {
                        choice.target = id.clone();
                        kept.push(choice);
                    }
                    None => {
                        let (label, target) = (&choice.label, &choice.target);
                        let what = format!(
                            "the link \"{label}\" leads to \"{target}\", which is not a passage"
                        );
                        step.notes.push(format!("line {}: {what}", step.line));
                        dropped.push(Dropped {
                            line: step.line,
                            what,
                        });
                    }
                }
            }
            step.choices = unique_labels(kept);
            step.go = step
                .go
                .take()
                .and_then(|g| ids.get(&g.to_lowercase()).cloned());
        }
        self.dropped.extend(dropped);
        if let Some(start) = &self.start {
            self.start = ids.get(&start.to_lowercase()).cloned();
        }
    }
}

/// Two choices of one step may not read the same; later ones get a number. An empty
/// label (Ink's `* [] text`) reads "Continue".
fn unique_labels(choices: Vec<DraftChoice>) -> Vec<DraftChoice> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    choices
        .into_iter()
        .map(|mut choice| {
            if choice.label.trim().is_empty() {
                choice.label = "Continue".into();
            }
            let n = seen.entry(choice.label.clone()).or_default();
            *n += 1;
            if *n > 1 {
                choice.label = format!("{} ({n})", choice.label);
            }
            choice
        })
        .collect()
}

fn write_step(out: &mut String, step: &DraftStep) {
    for note in &step.notes {
        let _ = writeln!(out, "  # not carried over, {}", note.replace('\n', " "));
    }
    let _ = writeln!(out, "  {}:", quoted(&step.id));
    let text = step.text.trim();
    if !text.is_empty() {
        let _ = writeln!(out, "    text: {}", quoted(text));
    }
    if !step.choices.is_empty() {
        out.push_str("    choices:\n");
        for choice in &step.choices {
            write_choice(out, choice);
        }
    } else if let Some(go) = &step.go {
        let _ = writeln!(out, "    go: {}", quoted(go));
    } else {
        out.push_str("    end: success\n");
    }
}

fn write_choice(out: &mut String, choice: &DraftChoice) {
    let (label, target) = (quoted(&choice.label), quoted(&choice.target));
    let _ = writeln!(out, "      - label: {label}\n        go: {target}");
    if let Some(when) = &choice.when {
        let _ = writeln!(out, "        if: {}", quoted(when));
    }
    if choice.once {
        out.push_str("        once: true\n");
    }
    if !choice.set.is_empty() {
        out.push_str("        set:\n");
        for (name, value) in &choice.set {
            let _ = writeln!(out, "          {name}: {}", quoted(value));
        }
    }
}

/// A YAML double-quoted scalar: a JSON string is one, with every character escaped.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// A flow id from a title: lowercase letters, digits and '-'.
pub fn flow_id(title: &str) -> String {
    let id: String = title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let id: String = id.chars().take(64).collect();
    if id.is_empty() { "imported".into() } else { id }
}

/// The longest step id an import makes. YAML refuses a plain key past 1,024
/// characters, and an id is read on screens and in reports; callers make the shortened
/// id unique with a number.
pub const MAX_STEP_ID: usize = 80;

/// A step id from a passage or knot name: one line, no surrounding spaces, no ` -> `,
/// at most `MAX_STEP_ID` characters.
pub fn step_id(name: &str) -> String {
    let id = name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" -> ", " to ");
    let id: String = id.chars().take(MAX_STEP_ID).collect();
    let id = id.trim_end();
    if id.is_empty() {
        "unnamed".into()
    } else {
        id.to_owned()
    }
}

/// A step id for `name` not yet in `taken` (ids compared in lowercase): the name, or the
/// name with a number, shortened so that the number fits within `MAX_STEP_ID` too.
pub fn unique_step_id(taken: &HashSet<String>, name: &str) -> String {
    let base = step_id(name);
    if !taken.contains(&base.to_lowercase()) {
        return base;
    }
    (2..)
        .map(|n| {
            let number = format!("-{n}");
            let room = MAX_STEP_ID.saturating_sub(number.len());
            let kept: String = base.chars().take(room).collect();
            format!("{}{number}", kept.trim_end())
        })
        .find(|id| !taken.contains(&id.to_lowercase()))
        .unwrap_or(base)
}
