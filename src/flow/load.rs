//! Flow YAML to the typed model, with a located, fixable error for every mistake.

mod fields;
pub(crate) mod logic;
pub(crate) mod question;
pub(crate) mod step;
pub(crate) mod study;
pub(crate) mod task;

use crate::diagnostic::{Diagnostic, Pos};
use crate::flow::yaml::{self, Node, Typed, Value};
use crate::flow::{Flow, Target};
use crate::text::first_control;

use fields::Fields;

/// Every error found while loading; the flow is not usable until all are fixed.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads a flow from its YAML source text.
pub fn load(source: &str) -> Result<Flow, LoadError> {
    run(source, |loader, root| loader.flow(root))
}

/// Parses `source` and builds a `T` from its root with `build`, collecting every error
/// with its position, sorted: the one way a flow or a study is loaded.
fn run<T>(
    source: &str,
    build: impl for<'s> FnOnce(&mut Loader<'s>, &yaml::Node) -> Option<T>,
) -> Result<T, LoadError> {
    let root = yaml::parse(source).map_err(|d| LoadError {
        diagnostics: vec![d],
    })?;
    let mut loader = Loader {
        lines: source.lines().collect(),
        errors: Vec::new(),
    };
    match build(&mut loader, &root) {
        Some(built) if loader.errors.is_empty() => Ok(built),
        _ => {
            let mut diagnostics = loader.errors;
            diagnostics.sort_by_key(|d| (d.at.line, d.at.col));
            Err(LoadError { diagnostics })
        }
    }
}

pub(crate) const FLOW_KEYS: &[&str] = &[
    "flow",
    "title",
    "variant",
    "start",
    "steps",
    "tasks",
    "questions",
    "expected",
    "vars",
];

struct Loader<'s> {
    /// The source's lines, split once: positions inside block text need them often.
    lines: Vec<&'s str>,
    errors: Vec<Diagnostic>,
}

impl Loader<'_> {
    fn flow(&mut self, root: &Node) -> Option<Flow> {
        if root.value == Value::Null {
            self.error(Diagnostic::error("empty", Pos::new(1, 1, 1), "the file holds no flow")
                .with_help("a flow starts with `flow: <id>`, `title:` and `steps:`; see docs/flow-format.md"));
            return None;
        }
        let fields = self.fields(root, root.at, "the flow")?;
        let id = fields
            .required(self, "flow", "the flow")
            .and_then(|n| self.id(n, "flow id", IdRule::Lowercase));
        let title = fields
            .required(self, "title", "the flow")
            .and_then(|n| self.line(n, "title"));
        let variant = fields
            .get("variant")
            .and_then(|n| self.id(n, "variant", IdRule::Lowercase));
        let start = fields.get("start").and_then(|n| self.target(n, "start"));
        let vars = fields.get("vars").map(|n| self.vars(n)).unwrap_or_default();
        let steps = fields
            .required(self, "steps", "the flow")
            .map(|n| self.steps(n))
            .unwrap_or_default();
        let questions = fields
            .get("questions")
            .map(|n| self.questions(n))
            .unwrap_or_default();
        let start = start.or_else(|| {
            steps.first().map(|s| Target {
                id: s.id.clone(),
                at: s.at,
            })
        });
        let tasks = match (fields.get("tasks"), &start) {
            (Some(n), Some(start)) => self.tasks(n, start),
            _ => Vec::new(),
        };
        let expected = fields
            .get("expected")
            .and_then(|n| self.expected_paths(n))
            .unwrap_or_default();
        fields.finish(self, FLOW_KEYS, "the flow");
        let start = start?;
        let (id, id_at) = id?;
        Some(Flow {
            id,
            id_at,
            title: title?,
            variant: variant.map(|(v, _)| v),
            start,
            steps,
            questions,
            tasks,
            expected,
            vars,
        })
    }

    fn error(&mut self, diagnostic: Diagnostic) {
        self.errors.push(diagnostic);
    }

    /// The mapping's keys; `at` is where a missing key is reported.
    fn fields<'n>(&mut self, node: &'n Node, at: Pos, what: &str) -> Option<Fields<'n>> {
        match &node.value {
            Value::Map(entries) => Some(Fields::new(self, at, entries, what)),
            other => {
                self.error(expected(
                    node.at,
                    &format!("{what} to be a mapping of keys"),
                    other,
                ));
                None
            }
        }
    }

    fn list<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [Node]> {
        match &node.value {
            Value::Seq(items) => Some(items),
            other => {
                self.error(expected(node.at, &format!("{what} to be a list"), other));
                None
            }
        }
    }

    /// Any text, several lines allowed, but no control characters.
    fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        let text = match &node.value {
            Value::Scalar { text, .. } => text.clone(),
            other => {
                self.error(expected(node.at, &format!("{what} to be text"), other));
                return None;
            }
        };
        if let Some((_, c)) = first_control(&text) {
            self.error(
                Diagnostic::error("control-character", node.at, format!("{what} holds the control character U+{:04X}", u32::from(c)))
                    .with_help("write plain text; use spaces instead of tabs, they show at different widths in each terminal"),
            );
            return None;
        }
        Some(text)
    }

    /// Text on one line, such as a title or a label.
    fn line(&mut self, node: &Node, what: &str) -> Option<String> {
        let text = self.text(node, what)?;
        let trimmed = text.trim();
        if trimmed.is_empty() || text.contains('\n') {
            let problem = if trimmed.is_empty() {
                "is empty"
            } else {
                "spans several lines"
            };
            self.error(Diagnostic::error(
                "bad-text",
                node.at,
                format!("{what} {problem}; it must be one line of text"),
            ));
            return None;
        }
        Some(trimmed.to_owned())
    }

    fn id(&mut self, node: &Node, what: &str, rule: IdRule) -> Option<(String, Pos)> {
        let text = self.line(node, what)?;
        if !rule.allows(&text) {
            self.error(
                Diagnostic::error(
                    "bad-id",
                    node.at,
                    format!("{what} `{text}` may use only {}", rule.describe()),
                )
                .with_help(format!("for example `{}`", rule.example(&text))),
            );
            return None;
        }
        Some((text, node.at))
    }

    fn target(&mut self, node: &Node, what: &str) -> Option<Target> {
        self.line(node, what).map(|id| Target { id, at: node.at })
    }

    fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        match &node.value {
            Value::Scalar {
                typed: Typed::Bool(b),
                ..
            } => Some(*b),
            other => {
                self.error(expected(
                    node.at,
                    &format!("{what} to be `true` or `false`"),
                    other,
                ));
                None
            }
        }
    }

    fn integer(&mut self, node: &Node, what: &str) -> Option<i64> {
        match &node.value {
            Value::Scalar {
                typed: Typed::Int(i),
                ..
            } => Some(*i),
            other => {
                self.error(expected(
                    node.at,
                    &format!("{what} to be a whole number"),
                    other,
                ));
                None
            }
        }
    }

    /// The source line `line` (1-based), for positions inside block text.
    fn source_line(&self, line: u32) -> Option<&str> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        self.lines.get(index).copied()
    }
}

fn expected(at: Pos, expectation: &str, found: &Value) -> Diagnostic {
    Diagnostic::error(
        "wrong-type",
        at,
        format!("expected {expectation}, found {}", found.describe()),
    )
}

/// Which characters an id may hold.
#[derive(Clone, Copy)]
enum IdRule {
    /// Flow ids, variants: `a-z`, `0-9`, `-`, `_`.
    Lowercase,
    /// Names recorded in sessions (question ids, input names): letters too.
    Name,
}

impl IdRule {
    fn allows(self, text: &str) -> bool {
        text.len() <= 64
            && text.chars().all(|c| match self {
                IdRule::Lowercase => {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
                }
                IdRule::Name => c.is_ascii_alphanumeric() || c == '-' || c == '_',
            })
    }

    fn describe(self) -> &'static str {
        match self {
            IdRule::Lowercase => "lowercase letters, digits, `-` and `_` (at most 64)",
            IdRule::Name => "letters, digits, `-` and `_` (at most 64)",
        }
    }

    fn example(self, text: &str) -> String {
        let mut out: String = text
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .split('-')
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        if let IdRule::Lowercase = self {
            out = out.to_ascii_lowercase();
        }
        out.truncate(64);
        if out.is_empty() {
            "my-flow".into()
        } else {
            out
        }
    }
}
