//! Flow YAML to the typed model, with a located, fixable error for every mistake.

pub(crate) mod codebook;
mod fields;
pub(crate) mod logic;
pub(crate) mod question;
mod returns;
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
    run(source, &FLOW, |loader, root| loader.flow(root))
}

/// A format of file the loader reads (flows, studies, codebooks): the row every difference between
/// them is read from, so the machinery that reads them is one.
pub(crate) struct Format {
    /// What the file holds, in messages: "flow", "study", "codebook".
    noun: &'static str,
    /// The key of the file's id, and which characters the id may hold.
    id_key: &'static str,
    id_rule: IdRule,
    /// The key a file needs beside the id and `title`, named when the file is empty.
    body_key: &'static str,
    /// The top-level keys the format knows.
    pub(crate) keys: &'static [&'static str],
    /// The guide that help points at.
    doc: &'static str,
}

pub(crate) const FLOW: Format = Format {
    noun: "flow",
    id_key: "flow",
    id_rule: IdRule::Lowercase,
    body_key: "steps",
    keys: &[
        "flow",
        "title",
        "variant",
        "start",
        "steps",
        "tasks",
        "questions",
        "expected",
        "addresses",
        "vars",
    ],
    doc: "docs/flow-format.md",
};

/// What a file holds, found by parsing it once: a study when its top-level mapping has
/// `study:`, else a flow; loaded (not checked). `None` when it did not load.
#[derive(Debug)]
pub enum Loaded {
    Flow(Option<Flow>),
    Study(Option<crate::flow::study::Study>),
}

/// Loads a flow or a study, whichever `source` holds, with every loading error.
pub fn load_any(source: &str) -> (Loaded, Vec<Diagnostic>) {
    let root = match yaml::parse(source) {
        Ok(root) => root,
        Err(d) => return (Loaded::Flow(None), vec![d]),
    };
    if study::is_study_root(&root) {
        return match build(source, &root, &study::STUDY, |l, r| l.study(r)) {
            Ok(study) => (Loaded::Study(Some(study)), Vec::new()),
            Err(e) => (Loaded::Study(None), e.diagnostics),
        };
    }
    match build(source, &root, &FLOW, |l, r| l.flow(r)) {
        Ok(flow) => (Loaded::Flow(Some(flow)), Vec::new()),
        Err(e) => (Loaded::Flow(None), e.diagnostics),
    }
}

/// Parses `source` and builds a `T` from its root with `build`.
fn run<T>(
    source: &str,
    format: &'static Format,
    build_from: impl for<'s> FnOnce(&mut Loader<'s>, &yaml::Node) -> Option<T>,
) -> Result<T, LoadError> {
    let root = yaml::parse(source).map_err(|d| LoadError {
        diagnostics: vec![d],
    })?;
    build(source, &root, format, build_from)
}

/// Builds a `T` from a parsed `root` with `build`, collecting every error with its
/// position, sorted: the one way a flow or a study is loaded.
fn build<T>(
    source: &str,
    root: &Node,
    format: &'static Format,
    build: impl for<'s> FnOnce(&mut Loader<'s>, &yaml::Node) -> Option<T>,
) -> Result<T, LoadError> {
    let mut loader = Loader {
        format,
        lines: source.lines().collect(),
        errors: Vec::new(),
    };
    match build(&mut loader, root) {
        Some(built) if loader.errors.is_empty() => Ok(built),
        _ => {
            let mut diagnostics = loader.errors;
            diagnostics.sort_by_key(|d| (d.at.line, d.at.col));
            Err(LoadError { diagnostics })
        }
    }
}

struct Loader<'s> {
    format: &'static Format,
    /// The source's lines, split once: positions inside block text need them often.
    lines: Vec<&'s str>,
    errors: Vec<Diagnostic>,
}

/// What every format's file starts with: its keys, its id and its title.
struct Head<'n> {
    fields: Fields<'n>,
    id: Option<(String, Pos)>,
    title: Option<String>,
}

impl Loader<'_> {
    /// The head of the file at `root`; `None` when it is empty or not a mapping.
    fn head<'n>(&mut self, root: &'n Node) -> Option<Head<'n>> {
        let Format {
            noun,
            id_key,
            id_rule,
            body_key,
            doc,
            ..
        } = *self.format;
        if root.value == Value::Null {
            let help = format!(
                "a {noun} starts with `{id_key}: <id>`, `title:` and `{body_key}:`; see {doc}"
            );
            self.error(
                Diagnostic::error(
                    "empty",
                    Pos::new(1, 1, 1),
                    format!("the file holds no {noun}"),
                )
                .with_help(help),
            );
            return None;
        }
        let what = format!("the {noun}");
        let fields = self.fields(root, root.at, &what)?;
        let id = fields
            .required(self, id_key, &what)
            .and_then(|n| self.id(n, &format!("{noun} id"), id_rule));
        let title = fields
            .required(self, "title", &what)
            .and_then(|n| self.line(n, "title"));
        Some(Head { fields, id, title })
    }

    /// Reports the top-level keys the format does not know.
    fn finish(&mut self, fields: &Fields) {
        let what = format!("the {}", self.format.noun);
        fields.finish(self, self.format.keys, &what);
    }

    fn flow(&mut self, root: &Node) -> Option<Flow> {
        if let Some(at) = codebook::codebook_key(root) {
            // Read as a flow, a codebook would be four errors that say nothing useful.
            self.error(
                Diagnostic::error("not-a-flow", at, "this file is a codebook, not a flow")
                    .with_help("name flow files here; `mvx check` checks a codebook"),
            );
            return None;
        }
        let Head { fields, id, title } = self.head(root)?;
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
        let addresses = fields
            .get("addresses")
            .map(|n| self.addresses(n))
            .unwrap_or_default();
        self.finish(&fields);
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
            addresses,
        })
    }

    /// `addresses: [tag, ...]`: the codebook's tags (frictions) the flow sets out to solve.
    fn addresses(&mut self, node: &Node) -> Vec<Target> {
        let Some(items) = self.list(node, "`addresses`") else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|n| self.id(n, "friction tag", IdRule::Lowercase))
            .map(|(id, at)| Target { id, at })
            .collect()
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
