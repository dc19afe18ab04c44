//! Steps and their choices.

use std::collections::HashMap;

use super::{Fields, Loader};
use crate::diagnostic::{Diagnostic, Pos};
use crate::flow::logic::{Branch, ChoiceLogic, StepLogic};
use crate::flow::yaml::{Key, Node, Value};
use crate::flow::{Choice, Key as ChoiceKey, Screen, Step, StepKind, Target};
use crate::text::first_control;

pub(crate) const STEP_KEYS: &[&str] = &[
    "screen", "text", "choices", "input", "go", "end", "back", "sample",
];
pub(crate) const CHOICE_KEYS: &[&str] = &["label", "go", "key", "if", "set", "once"];
const ARROW: &str = " -> ";
const KINDS_HELP: &str = "a step is exactly one of: a choice step (`choices`), an input step \
     (`input` with `go`), an info step (`go` alone) or an end step (`end`)";

impl Loader<'_> {
    pub(super) fn steps(&mut self, node: &Node) -> Vec<Step> {
        let Value::Map(entries) = &node.value else {
            self.error(super::expected(
                node.at,
                "`steps` to map step ids to steps",
                &node.value,
            ));
            return Vec::new();
        };
        if entries.is_empty() {
            self.error(Diagnostic::error(
                "no-steps",
                node.at,
                "the flow has no steps",
            ));
        }
        let mut steps = Vec::with_capacity(entries.len());
        let mut first_at: HashMap<&str, Pos> = HashMap::with_capacity(entries.len());
        for (key, value) in entries {
            if let Some(first) = first_at.get(key.text.as_str()) {
                let message = format!(
                    "step `{}` is defined twice; the first is at line {}",
                    key.text, first.line
                );
                self.error(Diagnostic::error("duplicate-step", key.at, message));
                continue;
            }
            first_at.insert(&key.text, key.at);
            if let Some(step) = self.step(key, value) {
                steps.push(step);
            }
        }
        steps
    }

    fn step(&mut self, key: &Key, node: &Node) -> Option<Step> {
        self.step_id(key)?;
        let what = format!("step `{}`", key.text);
        let fields = self.fields(node, key.at, &what)?;
        let screen = fields.get("screen").and_then(|n| self.screen(n));
        let text = fields
            .get("text")
            .and_then(|n| self.text(n, "the step's `text`"));
        let back = fields.get("back").and_then(|n| self.boolean(n, "`back`"));
        // A misspelt `choices` would also make the step "do nothing"; say only the first.
        let misspelt = fields.finish(self, STEP_KEYS, &what);
        let (kind, branches) = self.step_kind(&fields, key, &what, misspelt)?;
        let sample = self.step_sample(&fields, &kind, &what);
        Some(Step {
            id: key.text.clone(),
            at: key.at,
            screen,
            text,
            back: back.unwrap_or(true),
            kind,
            logic: StepLogic { branches, sample },
        })
    }

    fn step_id(&mut self, key: &Key) -> Option<()> {
        let id = &key.text;
        let problem = if id.trim().is_empty() {
            Some("is empty")
        } else if id.trim() != id || id.contains('\n') || first_control(id).is_some() {
            Some("must be one line of text with no surrounding spaces")
        } else if id.contains(ARROW) {
            Some("may not contain ` -> `, which separates a choice's label from its target")
        } else {
            None
        };
        match problem {
            Some(p) => {
                self.error(Diagnostic::error(
                    "bad-id",
                    key.at,
                    format!("step id `{id}` {p}"),
                ));
                None
            }
            None => Some(()),
        }
    }

    fn step_kind(
        &mut self,
        fields: &Fields,
        key: &Key,
        what: &str,
        misspelt: bool,
    ) -> Option<(StepKind, Vec<Branch>)> {
        let kinds: Vec<&str> = ["end", "choices", "input", "go"]
            .into_iter()
            .filter(|k| fields.get(k).is_some())
            .collect();
        if kinds.len() > 1 && matches!(kinds[0], "end" | "choices") {
            let (first, other) = (kinds[0], kinds[1]);
            // Point at whichever of the two the designer wrote second.
            let at = fields
                .key_at(first)
                .max(fields.key_at(other))
                .unwrap_or(key.at);
            let message = format!("{what} has both `{first}` and `{other}`");
            self.error(Diagnostic::error("mixed-step", at, message).with_help(KINDS_HELP));
            return None;
        }
        let plain = |kind| (kind, Vec::new());
        match kinds.first().copied() {
            Some("end") => fields
                .get("end")
                .and_then(|n| self.outcome(n))
                .map(|outcome| plain(StepKind::End { outcome })),
            Some("choices") => fields
                .get("choices")
                .map(|n| plain(StepKind::Choices(self.choices(n)))),
            Some("input") => self.input(fields, what),
            Some(_) => fields
                .get("go")
                .and_then(|n| self.go(n))
                .map(|(go, branches)| (StepKind::Info { go }, branches)),
            None if misspelt => None,
            None => {
                let message = format!("{what} does nothing");
                self.error(Diagnostic::error("empty-step", key.at, message).with_help(KINDS_HELP));
                None
            }
        }
    }

    fn input(&mut self, fields: &Fields, what: &str) -> Option<(StepKind, Vec<Branch>)> {
        let name = fields
            .get("input")
            .and_then(|n| self.id(n, "the input name", super::IdRule::Name));
        let Some(go) = fields.get("go") else {
            let at = fields.key_at("input").unwrap_or(Pos::new(1, 1, 1));
            let message = format!("{what} asks for input but has no `go`");
            self.error(
                Diagnostic::error("missing-key", at, message)
                    .with_help("add `go: <step>`: where Enter leads after the answer"),
            );
            return None;
        };
        let (go, branches) = self.go(go)?;
        Some((StepKind::Input { name: name?.0, go }, branches))
    }

    fn step_sample(&mut self, fields: &Fields, kind: &StepKind, what: &str) -> Vec<String> {
        let Some(node) = fields.get("sample") else {
            return Vec::new();
        };
        if !matches!(kind, StepKind::Input { .. }) {
            let at = fields.key_at("sample").unwrap_or(node.at);
            let message = format!("{what} has `sample`, which only an input step takes");
            self.error(Diagnostic::error("mixed-step", at, message).with_help(KINDS_HELP));
            return Vec::new();
        }
        self.sample(node)
    }

    fn outcome(&mut self, node: &Node) -> Option<String> {
        self.id(node, "the outcome", super::IdRule::Lowercase)
            .map(|(o, _)| o)
    }

    fn choices(&mut self, node: &Node) -> Vec<Choice> {
        let Some(items) = self.list(node, "`choices`") else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| match &item.value {
                Value::Map(_) => self.mapped_choice(item),
                _ => self.arrow_choice(item),
            })
            .collect()
    }

    /// `Label -> target`; the last ` -> ` splits, so a label may hold an arrow itself.
    fn arrow_choice(&mut self, node: &Node) -> Option<Choice> {
        let text = self.line(node, "a choice")?;
        let split = text.rfind(ARROW).filter(|&i| {
            !text[..i].trim().is_empty() && !text[i + ARROW.len()..].trim().is_empty()
        });
        let Some(split) = split else {
            self.error(
                Diagnostic::error(
                    "bad-choice",
                    node.at,
                    format!("the choice `{text}` does not say where it leads"),
                )
                .with_help(format!(
                    "write `{text} -> <step>`, or {{ label: {text}, go: <step> }}"
                )),
            );
            return None;
        };
        let label = text[..split].trim().to_owned();
        let target = text[split + ARROW.len()..].trim().to_owned();
        let target_at = self.target_in_line(node.at, &target);
        Some(Choice {
            label,
            at: node.at,
            go: Target {
                id: target,
                at: target_at,
            },
            key: None,
            logic: ChoiceLogic::default(),
        })
    }

    /// Where the target of `Label -> target` sits in the source line, so a finding about
    /// it points at the target, not at the label.
    fn target_in_line(&self, at: Pos, target: &str) -> Pos {
        let Some(line) = self.source_line(at.line) else {
            return at;
        };
        let start = usize::try_from(at.col.saturating_sub(1)).unwrap_or(0);
        let written: String = line
            .chars()
            .skip(start)
            .take(usize::try_from(at.len).unwrap_or(0))
            .collect();
        match (written.rfind(ARROW), written.rfind(target)) {
            (Some(arrow), Some(found)) if found > arrow => {
                at.shifted(written[..found].chars().count(), target.chars().count())
            }
            _ => at,
        }
    }

    fn mapped_choice(&mut self, node: &Node) -> Option<Choice> {
        let fields = self.fields(node, node.at, "a choice")?;
        let label = fields
            .required(self, "label", "the choice")
            .and_then(|n| self.line(n, "the label"));
        let go = fields
            .required(self, "go", "the choice")
            .and_then(|n| self.go(n));
        let key = fields.get("key").and_then(|n| self.choice_key(n));
        let (go, branches) = go.unzip();
        let logic = self.choice_logic(&fields, branches.unwrap_or_default());
        fields.finish(self, CHOICE_KEYS, "a choice");
        Some(Choice {
            label: label?,
            at: node.at,
            go: go?,
            key,
            logic,
        })
    }

    fn choice_key(&mut self, node: &Node) -> Option<ChoiceKey> {
        let text = self.line(node, "the key")?;
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(key), None) => Some(ChoiceKey { key, at: node.at }),
            _ => {
                self.error(Diagnostic::error(
                    "bad-key",
                    node.at,
                    format!("the key `{text}` must be one character"),
                ));
                None
            }
        }
    }

    fn screen(&mut self, node: &Node) -> Option<Screen> {
        let text = self.text(node, "the screen")?;
        let line_at = self.screen_lines(node.at, &text);
        Some(Screen { text, line_at })
    }

    /// The position of each line of a screen mockup. YAML places a block (`|`) at its
    /// first content line; its lines then follow one per source line.
    fn screen_lines(&self, at: Pos, text: &str) -> Vec<Pos> {
        let count = text.lines().count();
        let start = usize::try_from(at.col.saturating_sub(1)).unwrap_or(0);
        let first = self.source_line(at.line).and_then(|l| l.chars().nth(start));
        let block = at.line > 1
            && self
                .source_line(at.line - 1)
                .is_some_and(ends_with_block_indicator);
        match first {
            _ if block => (0..count as u32)
                .map(|i| Pos::new(at.line + i, at.col, 1))
                .collect(),
            Some('"' | '\'') => vec![at.shifted(1, 1); count],
            _ => vec![at; count],
        }
    }
}

/// `screen: |`, `screen: >-`, `- |2`: a line that opens a block scalar.
fn ends_with_block_indicator(line: &str) -> bool {
    let last = line.split_whitespace().last().unwrap_or("");
    last.starts_with(['|', '>'])
        && last
            .chars()
            .skip(1)
            .all(|c| matches!(c, '-' | '+' | '0'..='9'))
}
