//! What a flow remembers, as written: `vars`, `if`, `set`, `once`, `go` lists, `sample`.

use super::{Fields, IdRule, Loader};
use crate::diagnostic::{Diagnostic, Pos};
use crate::flow::Target;
use crate::flow::expr::{Expr, Value};
use crate::flow::logic::{Assign, Branch, ChoiceLogic, Var};
use crate::flow::yaml::{Node, Typed, Value as Yaml};

pub(crate) const BRANCH_KEYS: &[&str] = &["if", "to"];
const GO_HELP: &str = "write `go:` as a step id, or as a list of `- { if: condition, to: step }` \
     ending with `- to: step` for when no condition holds";

impl Loader<'_> {
    pub(super) fn vars(&mut self, node: &Node) -> Vec<Var> {
        let Yaml::Map(entries) = &node.value else {
            self.error(super::expected(
                node.at,
                "`vars` to map names to first values",
                &node.value,
            ));
            return Vec::new();
        };
        let mut vars = Vec::new();
        for (key, value) in entries {
            let name_node = Node {
                at: key.at,
                value: Yaml::Scalar {
                    text: key.text.clone(),
                    typed: Typed::Str,
                },
            };
            let name = self.id(&name_node, "the variable name", IdRule::Name);
            let initial = self.literal(value, &key.text);
            if let (Some((name, at)), Some(initial)) = (name, initial) {
                vars.push(Var { name, at, initial });
            }
        }
        vars
    }

    /// A first value: a number, `yes`/`no` (or `true`/`false`) unquoted, or text.
    fn literal(&mut self, node: &Node, name: &str) -> Option<Value> {
        let Yaml::Scalar { text, typed } = &node.value else {
            let message =
                format!("the variable `{name}` needs a first value: text, a number, or yes/no");
            let help = format!("for example `{name}: 0`, `{name}: no` or `{name}: single`");
            self.error(Diagnostic::error("bad-var", node.at, message).with_help(help));
            return None;
        };
        let quoted = self.opens_with_quote(node.at);
        Some(match typed {
            Typed::Bool(b) => Value::Bool(*b),
            Typed::Int(i) => Value::Number(*i as f64),
            Typed::Float => Value::Number(text.parse().unwrap_or(0.0)),
            Typed::Str if !quoted && matches!(text.as_str(), "yes" | "no") => {
                Value::Bool(text == "yes")
            }
            Typed::Str => Value::Text(self.text(node, "a first value")?),
        })
    }

    fn opens_with_quote(&self, at: Pos) -> bool {
        let col = usize::try_from(at.col.saturating_sub(1)).unwrap_or(0);
        self.source_line(at.line)
            .and_then(|l| l.chars().nth(col))
            .is_some_and(|c| c == '"' || c == '\'')
    }

    /// An expression in a scalar, located so its findings point inside the quotes.
    pub(super) fn expr(&mut self, node: &Node, what: &str) -> Option<Expr> {
        let source = match &node.value {
            Yaml::Scalar { text, .. } => text.clone(),
            other => {
                let d = super::expected(node.at, &format!("{what} to be an expression"), other);
                self.error(d.with_help(
                    "an expression that starts with `{` must be quoted: \"{cups} > 1\"",
                ));
                return None;
            }
        };
        let at = match self.opens_with_quote(node.at) {
            true => node.at.shifted(1, 1),
            false => node.at,
        };
        match Expr::parse(&source, at) {
            Ok(expr) => Some(expr),
            Err(e) => {
                let mut d = Diagnostic::error(
                    "bad-expression",
                    at.shifted(e.offset, e.len),
                    format!("{what}: {}", e.message),
                );
                if let Some(help) = e.help {
                    d = d.with_help(help);
                }
                self.error(d);
                None
            }
        }
    }

    /// `go:` as a step id, or a list of conditional ways ending with an unconditional one.
    pub(super) fn go(&mut self, node: &Node) -> Option<(Target, Vec<Branch>)> {
        let Yaml::Seq(items) = &node.value else {
            return self.target(node, "`go`").map(|t| (t, Vec::new()));
        };
        let mut branches = Vec::new();
        let mut last = None;
        for item in items {
            if let Some(previous) = &last {
                let previous: &Target = previous;
                let message = format!(
                    "this way is never tried: the one before it (to `{}`) has no `if`",
                    previous.id
                );
                self.error(Diagnostic::error("bad-go", item.at, message).with_help(GO_HELP));
                return None;
            }
            match self.way(item)? {
                (Some(when), to) => branches.push(Branch { when, to }),
                (None, to) => last = Some(to),
            }
        }
        let Some(last) = last else {
            let message = "`go` has no way for when no condition holds";
            self.error(Diagnostic::error("bad-go", node.at, message).with_help(GO_HELP));
            return None;
        };
        Some((last, branches))
    }

    fn way(&mut self, item: &Node) -> Option<(Option<Expr>, Target)> {
        if let Yaml::Scalar { .. } = item.value {
            return self.target(item, "`go`").map(|t| (None, t));
        }
        let fields = self.fields(item, item.at, "a way in `go`")?;
        let when = fields.get("if").and_then(|n| self.expr(n, "the condition"));
        let to = fields
            .required(self, "to", "a way in `go`")
            .and_then(|n| self.target(n, "`to`"));
        fields.finish(self, BRANCH_KEYS, "a way in `go`");
        if fields.get("if").is_some() && when.is_none() {
            return None;
        }
        Some((when, to?))
    }

    /// A choice's `if`, `set` and `once` (its `go` list is read with its `go`).
    pub(super) fn choice_logic(&mut self, fields: &Fields, branches: Vec<Branch>) -> ChoiceLogic {
        let when = fields.get("if").and_then(|n| self.expr(n, "the condition"));
        let once = fields.get("once").and_then(|n| self.boolean(n, "`once`"));
        let set = fields
            .get("set")
            .map(|n| self.assignments(n))
            .unwrap_or_default();
        ChoiceLogic {
            when,
            set,
            once: once.unwrap_or(false),
            branches,
        }
    }

    fn assignments(&mut self, node: &Node) -> Vec<Assign> {
        let Yaml::Map(entries) = &node.value else {
            self.error(super::expected(
                node.at,
                "`set` to map variables to values",
                &node.value,
            ));
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|(key, value)| {
                let what = format!("the value set to `{}`", key.text);
                let value = self.expr(value, &what)?;
                Some(Assign {
                    name: key.text.clone(),
                    at: key.at,
                    value,
                })
            })
            .collect()
    }

    /// `sample:` on an input step: one answer or a list of them.
    pub(super) fn sample(&mut self, node: &Node) -> Vec<String> {
        match &node.value {
            Yaml::Seq(items) => items
                .iter()
                .filter_map(|n| self.line(n, "a sample answer"))
                .collect(),
            _ => self.line(node, "a sample answer").into_iter().collect(),
        }
    }
}
