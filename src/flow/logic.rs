//! What a flow remembers: variables, conditions on choices and ways on, values set by
//! choices, and the memory a session carries while it is played or simulated.

mod memory;

pub use memory::{Change, Memory};

use crate::diagnostic::Pos;
use crate::flow::expr::{Expr, Type, Value};
use crate::flow::{Flow, StepKind, Target};

/// A variable declared under `vars:`, with its first value.
#[derive(Debug, Clone, PartialEq)]
pub struct Var {
    pub name: String,
    pub at: Pos,
    pub initial: Value,
}

/// `name: expression` under a choice's `set:`.
#[derive(Debug, Clone, PartialEq)]
pub struct Assign {
    pub name: String,
    pub at: Pos,
    pub value: Expr,
}

/// `{ if: condition, to: step }` in a `go:` list.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub when: Expr,
    pub to: Target,
}

/// A step's memory: conditional ways on (info and input steps) and sample answers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepLogic {
    /// Tried in order before the step's `go`; the first whose condition holds is taken.
    pub branches: Vec<Branch>,
    /// Answers `mvx simulate` types into an input step.
    pub sample: Vec<String>,
}

/// A choice's memory: when it shows, what it sets, where it leads under conditions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChoiceLogic {
    /// `if:`: the choice is hidden while this is not `yes`.
    pub when: Option<Expr>,
    pub set: Vec<Assign>,
    /// `once: true`: hidden once it was taken.
    pub once: bool,
    pub branches: Vec<Branch>,
}

impl ChoiceLogic {
    /// Whether the choice may be hidden in some state: a condition or `once`.
    pub fn guarded(&self) -> bool {
        self.when.is_some() || self.once
    }
}

/// Every variable of a flow with its type: the declared ones, then input names that are
/// not declared (an input step sets the text variable it names).
pub fn variables(flow: &Flow) -> Vec<(&str, Type, Value)> {
    let mut vars: Vec<(&str, Type, Value)> = flow
        .vars
        .iter()
        .map(|v| (v.name.as_str(), v.initial.kind(), v.initial.clone()))
        .collect();
    for step in &flow.steps {
        if let StepKind::Input { name, .. } = &step.kind
            && !vars.iter().any(|(n, _, _)| n == name)
        {
            vars.push((name, Type::Text, Value::Text(String::new())));
        }
    }
    vars
}

/// Every condition in the flow, with the step it belongs to and what it guards.
pub fn conditions(flow: &Flow) -> Vec<(usize, Guard<'_>)> {
    let mut found = Vec::new();
    for (i, step) in flow.steps.iter().enumerate() {
        for branch in &step.logic.branches {
            found.push((i, Guard::Branch(branch)));
        }
        if let StepKind::Choices(choices) = &step.kind {
            for choice in choices {
                if let Some(when) = &choice.logic.when {
                    found.push((i, Guard::Choice(choice, when)));
                }
                for branch in &choice.logic.branches {
                    found.push((i, Guard::Branch(branch)));
                }
            }
        }
    }
    found
}

/// What a condition decides: whether a choice shows, or whether a way on is taken.
#[derive(Debug, Clone, Copy)]
pub enum Guard<'f> {
    Choice(&'f crate::flow::Choice, &'f Expr),
    Branch(&'f Branch),
}

impl<'f> Guard<'f> {
    pub fn expr(&self) -> &'f Expr {
        match self {
            Guard::Choice(_, e) => e,
            Guard::Branch(b) => &b.when,
        }
    }
}
