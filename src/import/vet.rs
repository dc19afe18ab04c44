//! The logic an importer translated, checked as `mvx check` would: a condition or a
//! `set` that would not pass is left out with a word, so an import always checks clean.

use super::Draft;
use crate::diagnostic::Pos;
use crate::flow::expr::{Expr, NodeKind, Type, Types};

impl Draft {
    pub(super) fn vet_logic(&mut self) {
        let vars: Vec<(String, Type)> = self
            .vars
            .iter()
            .filter_map(|(n, v)| Some((n.clone(), first_value(v)?)))
            .collect();
        let vars: Vec<(&str, Type)> = vars.iter().map(|(n, t)| (n.as_str(), *t)).collect();
        let ids: Vec<String> = self.steps.iter().map(|s| s.id.clone()).collect();
        let steps: Vec<&str> = ids.iter().map(String::as_str).collect();
        let types = Types {
            vars: &vars,
            steps: &steps,
        };
        let mut dropped = Vec::new();
        for (i, step) in self.steps.iter_mut().enumerate() {
            for choice in &mut step.choices {
                if let Some(when) = choice.when.take() {
                    match fits(&types, &when, None) {
                        true => choice.when = Some(when),
                        false => dropped.push((i, format!("the condition `{when}` of \"{}\" does not fit the flow's variables; the choice is always offered", choice.label))),
                    }
                }
                let label = choice.label.clone();
                choice.set.retain(|(name, value)| {
                    let wanted = vars.iter().find(|(n, _)| n == name).map(|(_, t)| *t);
                    let ok = wanted.is_some_and(|t| fits(&types, value, Some(t)));
                    if !ok {
                        dropped.push((i, format!("setting {name} to `{value}` on \"{label}\" does not fit the flow's variables")));
                    }
                    ok
                });
            }
        }
        for (i, what) in dropped {
            let line = self.steps[i].line;
            self.note(i, line, what);
        }
    }
}

/// The kind of a first value as the flow will read it.
fn first_value(value: &str) -> Option<Type> {
    let expr = Expr::parse(value, Pos::new(1, 1, 1)).ok()?;
    match expr.node.kind {
        NodeKind::Literal(v) => Some(v.kind()),
        _ => None,
    }
}

/// Whether `source` parses and checks without a finding, as yes/no or as `wanted`.
fn fits(types: &Types, source: &str, wanted: Option<Type>) -> bool {
    let Ok(expr) = Expr::parse(source, Pos::new(1, 1, 1)) else {
        return false;
    };
    let mut problems = Vec::new();
    let found = types.check(&expr, &mut problems);
    problems.is_empty() && found == Some(wanted.unwrap_or(Type::Bool))
}
