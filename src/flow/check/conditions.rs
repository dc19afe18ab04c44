//! What can be known about a condition before anyone plays: the values each variable
//! can ever hold, and conditions that are true (or false) for every one of them.
//!
//! The values are over-estimated (every value ever set, in any combination), so a
//! condition found always false here is false in every session; one that cannot be
//! decided is left to `mvx simulate`, never guessed.

use std::collections::HashMap;

use crate::flow::expr::{Env, Expr, NodeKind, Value};
use crate::flow::logic::variables;
use crate::flow::{Flow, StepKind};

/// More combinations than this are not tried; the condition counts as undecided.
const MAX_COMBINATIONS: usize = 4096;

/// Every value a variable can hold, or `None` when it can hold any (typed text, arithmetic).
pub(crate) struct Domains<'f> {
    values: HashMap<&'f str, Option<Vec<Value>>>,
}

impl<'f> Domains<'f> {
    pub(crate) fn new(flow: &'f Flow) -> Self {
        let mut values: HashMap<&str, Option<Vec<Value>>> = variables(flow)
            .into_iter()
            .map(|(name, _, initial)| (name, Some(vec![initial])))
            .collect();
        for step in &flow.steps {
            match &step.kind {
                StepKind::Input { name, .. } => {
                    values.insert(name, None);
                }
                StepKind::Choices(choices) => {
                    for assign in choices.iter().flat_map(|c| &c.logic.set) {
                        let Some(Some(known)) = values.get_mut(assign.name.as_str()) else {
                            continue;
                        };
                        match constant(&assign.value) {
                            Some(v) if !known.contains(&v) => known.push(v),
                            Some(_) => {}
                            None => {
                                values.insert(&assign.name, None);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Self { values }
    }

    /// `Some(true)` when `expr` holds for every value its variables can take together,
    /// `Some(false)` when for none; `None` when it depends or cannot be told.
    pub(crate) fn verdict(&self, expr: &Expr) -> Option<bool> {
        let (names, visited) = expr.reads();
        if visited {
            return None;
        }
        let mut domains = Vec::with_capacity(names.len());
        let mut combinations = 1usize;
        for name in &names {
            let values = self.values.get(name)?.as_ref()?;
            combinations = combinations.saturating_mul(values.len());
            domains.push(values);
        }
        if combinations > MAX_COMBINATIONS {
            return None;
        }
        let mut seen = (false, false);
        for n in 0..combinations {
            let mut rest = n;
            let assignment: Vec<(&str, &Value)> = names
                .iter()
                .zip(&domains)
                .map(|(name, values)| {
                    let v = &values[rest % values.len()];
                    rest /= values.len();
                    (*name, v)
                })
                .collect();
            match expr.test(&Assignment(assignment)) {
                true => seen.0 = true,
                false => seen.1 = true,
            }
        }
        match seen {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        }
    }
}

/// A `set` value that needs no variable to compute: a literal or bare words.
fn constant(expr: &Expr) -> Option<Value> {
    match &expr.node.kind {
        NodeKind::Literal(v) => Some(v.clone()),
        NodeKind::Word(w) => Some(Value::Text(w.clone())),
        _ => None,
    }
}

struct Assignment<'a>(Vec<(&'a str, &'a Value)>);

impl Env for Assignment<'_> {
    fn var(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    fn visited(&self, _: &str) -> bool {
        false
    }
}
