//! The memory of a session in progress: variables, steps visited, `once` choices taken.
//!
//! The player and the simulator both move through a flow with it, so a condition means
//! the same thing in a session, in a replay and in `mvx simulate`.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::flow::expr::{Env, Value, capped};
use crate::flow::logic::{Branch, variables};
use crate::flow::{Flow, StepKind, Target};

/// A variable that took a new value; the player records it as a `set` event.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub name: String,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Memory<'f> {
    flow: &'f Flow,
    names: Vec<&'f str>,
    initial: Vec<Value>,
    values: Vec<Value>,
    visited: Vec<bool>,
    /// `once` choices taken, as (step, choice) indices.
    taken: Vec<(usize, usize)>,
    /// Whether any condition asks `visited(...)`: only then is it part of the state.
    asks_visited: bool,
}

impl Env for Memory<'_> {
    fn var(&self, name: &str) -> Option<&Value> {
        self.names
            .iter()
            .position(|n| *n == name)
            .map(|i| &self.values[i])
    }

    fn visited(&self, step: &str) -> bool {
        self.flow
            .steps
            .iter()
            .position(|s| s.id == step)
            .is_some_and(|i| self.visited[i])
    }
}

impl<'f> Memory<'f> {
    pub fn new(flow: &'f Flow) -> Self {
        let vars = variables(flow);
        let asks_visited = crate::flow::logic::conditions(flow)
            .iter()
            .any(|(_, g)| g.expr().reads().1);
        Self {
            flow,
            names: vars.iter().map(|(n, _, _)| *n).collect(),
            initial: vars.iter().map(|(_, _, v)| v.clone()).collect(),
            values: vars.into_iter().map(|(_, _, v)| v).collect(),
            visited: vec![false; flow.steps.len()],
            taken: Vec::new(),
            asks_visited,
        }
    }

    /// The variables and their values, in declaration order.
    pub fn values(&self) -> impl Iterator<Item = (&'f str, &Value)> {
        self.names.iter().copied().zip(&self.values)
    }

    /// Forgets steps visited and `once` choices taken, as before a new task.
    pub fn forget(&mut self) {
        self.visited.fill(false);
        self.taken.clear();
    }

    /// Back to the first values, as when a task starts; returns what changed.
    pub fn reset(&mut self) -> Vec<Change> {
        let initial = self.initial.clone();
        self.assign_all(initial)
    }

    pub fn enter(&mut self, step: usize) {
        if let Some(seen) = self.visited.get_mut(step) {
            *seen = true;
        }
    }

    /// Whether choice `choice` of step `step` is offered now.
    pub fn shows(&self, step: usize, choice: usize) -> bool {
        let Some(StepKind::Choices(choices)) = self.flow.steps.get(step).map(|s| &s.kind) else {
            return false;
        };
        let Some(c) = choices.get(choice) else {
            return false;
        };
        let spent = c.logic.once && self.taken.contains(&(step, choice));
        !spent && c.logic.when.as_ref().is_none_or(|w| w.test(self))
    }

    /// The indices of the choices offered now, in the flow's order.
    pub fn visible(&self, step: usize) -> Vec<usize> {
        match self.flow.steps.get(step).map(|s| &s.kind) {
            Some(StepKind::Choices(choices)) => (0..choices.len())
                .filter(|&i| self.shows(step, i))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Takes a choice: marks a `once` choice spent, applies its `set` in order, and
    /// says where it leads (its `go` list is read after the values are set).
    pub fn choose(&mut self, step: usize, choice: usize) -> Option<(Vec<Change>, &'f Target)> {
        let flow = self.flow;
        let StepKind::Choices(choices) = &flow.steps.get(step)?.kind else {
            return None;
        };
        let c = choices.get(choice)?;
        if c.logic.once && !self.taken.contains(&(step, choice)) {
            self.taken.push((step, choice));
            self.taken.sort_unstable();
        }
        let mut changes = Vec::new();
        for assign in &c.logic.set {
            let value = assign.value.eval(self);
            changes.extend(self.assign(&assign.name, value));
        }
        Some((changes, self.resolve(&c.logic.branches, &c.go)))
    }

    /// The step an info or input step leads to now.
    pub fn way_on(&self, step: usize) -> Option<&'f Target> {
        let step = self.flow.steps.get(step)?;
        match &step.kind {
            StepKind::Info { go } | StepKind::Input { go, .. } => {
                Some(self.resolve(&step.logic.branches, go))
            }
            _ => None,
        }
    }

    /// What an input step's answer sets.
    pub fn answer(&mut self, name: &str, text: &str) -> Vec<Change> {
        self.assign(name, Value::Text(text.to_owned()))
            .into_iter()
            .collect()
    }

    fn resolve(&self, branches: &'f [Branch], otherwise: &'f Target) -> &'f Target {
        branches
            .iter()
            .find(|b| b.when.test(self))
            .map_or(otherwise, |b| &b.to)
    }

    fn assign(&mut self, name: &str, value: Value) -> Option<Change> {
        let i = self.names.iter().position(|n| *n == name)?;
        let value = match value {
            Value::Text(t) => Value::Text(capped(t)),
            other => other,
        };
        if self.values[i] == value {
            return None;
        }
        self.values[i] = value.clone();
        Some(Change {
            name: name.to_owned(),
            value,
        })
    }

    fn assign_all(&mut self, values: Vec<Value>) -> Vec<Change> {
        let names = self.names.clone();
        names
            .iter()
            .zip(values)
            .filter_map(|(n, v)| self.assign(n, v))
            .collect()
    }

    /// Back to the values and spent choices of `saved` (going back a step); what was
    /// visited stays visited. Returns what changed.
    pub fn restore(&mut self, saved: &Memory<'f>) -> Vec<Change> {
        self.taken = saved.taken.clone();
        self.assign_all(saved.values.clone())
    }

    /// `{name}` replaced by the variable's value; other braces are left as written.
    pub fn interpolate<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if !text.contains('{') || self.names.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let value = after
                .find('}')
                .and_then(|close| Some((close, self.var(after[..close].trim())?)));
            match value {
                Some((close, v)) => {
                    out.push_str(&v.shown());
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        Cow::Owned(out)
    }

    /// The first variable whose text reached `MAX_TEXT` characters, and so may be cut.
    pub fn at_text_limit(&self) -> Option<&'f str> {
        self.names
            .iter()
            .zip(&self.values)
            .find(|(_, v)| v.at_text_limit())
            .map(|(n, _)| *n)
    }

    /// The state as a key, for telling states apart in a search: values, spent choices,
    /// and steps visited when a condition asks about them.
    pub fn key(&self) -> String {
        let mut key = String::new();
        for v in &self.values {
            let _ = write!(key, "{v:?}\u{1f}");
        }
        for (s, c) in &self.taken {
            let _ = write!(key, "{s}.{c},");
        }
        if self.asks_visited {
            key.extend(self.visited.iter().map(|&v| if v { '1' } else { '0' }));
        }
        key
    }
}
