//! The type of an expression, and every mistake that would make it meaningless.

use super::{Expr, Node, NodeKind, Op};
use crate::diagnostic::Diagnostic;
use crate::suggest;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Text,
    Number,
    Bool,
}

impl Type {
    pub fn word(self) -> &'static str {
        match self {
            Type::Text => "text",
            Type::Number => "a number",
            Type::Bool => "yes or no",
        }
    }
}

/// What a checker knows: the variables with their types, and the step ids.
pub struct Types<'a> {
    pub vars: &'a [(&'a str, Type)],
    pub steps: &'a [&'a str],
}

/// A mistake in an expression, as a finding pointing into it.
pub type Problem = Diagnostic;

impl Types<'_> {
    fn var(&self, name: &str) -> Option<Type> {
        self.vars.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }

    /// The expression's type, or `None` when a mistake (pushed to `problems`) hides it.
    pub fn check(&self, expr: &Expr, problems: &mut Vec<Problem>) -> Option<Type> {
        self.node(expr, &expr.node, problems)
    }

    fn node(&self, expr: &Expr, node: &Node, problems: &mut Vec<Problem>) -> Option<Type> {
        let at = expr.pos_of(node.offset, node.len);
        match &node.kind {
            NodeKind::Literal(v) => Some(v.kind()),
            NodeKind::Word(w) => {
                if self.var(w).is_some() {
                    problems.push(
                        Diagnostic::warning(
                            "bare-variable",
                            at,
                            format!("`{w}` is read as the text \"{w}\", not as the variable"),
                        )
                        .with_help(format!(
                            "write `{{{w}}}` for the variable's value, or quote the text: \"{w}\""
                        )),
                    );
                }
                Some(Type::Text)
            }
            NodeKind::Var(name) => {
                let found = self.var(name);
                if found.is_none() {
                    let names = self.vars.iter().map(|(n, _)| *n);
                    let mut d = Diagnostic::error(
                        "unknown-variable",
                        at,
                        format!("no variable is called `{name}`"),
                    );
                    d = match suggest::closest(name, names) {
                        Some(s) => d.with_help(format!("did you mean `{{{s}}}`?")),
                        None => d.with_help(
                            "declare it under `vars:` at the top of the flow, with its first value",
                        ),
                    };
                    problems.push(d);
                }
                found
            }
            NodeKind::Visited(step) => {
                if !self.steps.contains(&step.as_str()) {
                    let d = Diagnostic::error(
                        "unknown-target",
                        at,
                        format!("`visited` names the step `{step}`, which does not exist"),
                    )
                    .with_suggestion(suggest::closest(step, self.steps.iter().copied()));
                    problems.push(d);
                }
                Some(Type::Bool)
            }
            NodeKind::Not(inner) => {
                let t = self.node(expr, inner, problems)?;
                self.expect(expr, inner, t, Type::Bool, "`not`", problems)
            }
            NodeKind::Neg(inner) => {
                let t = self.node(expr, inner, problems)?;
                self.expect(expr, inner, t, Type::Number, "`-`", problems)
            }
            NodeKind::Binary(op, a, b) => {
                let ta = self.node(expr, a, problems);
                let tb = self.node(expr, b, problems);
                self.binary(expr, *op, (a, ta?), (b, tb?), problems)
            }
        }
    }

    fn binary(
        &self,
        expr: &Expr,
        op: Op,
        (a, ta): (&Node, Type),
        (b, tb): (&Node, Type),
        problems: &mut Vec<Problem>,
    ) -> Option<Type> {
        let what = format!("`{}`", op.symbol());
        match op {
            Op::And | Op::Or => {
                let a = self.expect(expr, a, ta, Type::Bool, &what, problems);
                let b = self.expect(expr, b, tb, Type::Bool, &what, problems);
                a.and(b)
            }
            Op::Eq | Op::Ne if ta == tb => Some(Type::Bool),
            Op::Eq | Op::Ne => {
                let at = expr.pos_of(a.offset, b.offset + b.len - a.offset);
                let message = format!(
                    "this compares {} with {}; they are never equal",
                    ta.word(),
                    tb.word()
                );
                problems.push(
                    Diagnostic::error("type-mismatch", at, message)
                        .with_help("compare a variable with a value of its own kind"),
                );
                None
            }
            Op::Add if ta == Type::Text => Some(Type::Text),
            Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::Add | Op::Sub | Op::Mul | Op::Div => {
                let a = self.expect(expr, a, ta, Type::Number, &what, problems);
                let b = self.expect(expr, b, tb, Type::Number, &what, problems);
                a.and(b)?;
                Some(if matches!(op, Op::Add | Op::Sub | Op::Mul | Op::Div) {
                    Type::Number
                } else {
                    Type::Bool
                })
            }
        }
    }

    fn expect(
        &self,
        expr: &Expr,
        node: &Node,
        found: Type,
        wanted: Type,
        what: &str,
        problems: &mut Vec<Problem>,
    ) -> Option<Type> {
        if found == wanted {
            return Some(found);
        }
        let at = expr.pos_of(node.offset, node.len);
        let message = format!(
            "{what} needs {} here, but this is {}",
            wanted.word(),
            found.word()
        );
        let help = match (wanted, &node.kind) {
            (Type::Number, NodeKind::Word(_)) => {
                "a bare word is text; use a number or a `{variable}` holding one"
            }
            (Type::Number, _) => "arithmetic and `<`, `>` work on numbers only",
            _ => "a condition is yes or no: compare values with `==`, `<`, `>`",
        };
        problems.push(Diagnostic::error("type-mismatch", at, message).with_help(help));
        None
    }
}
