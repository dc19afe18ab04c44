//! The flow a designer writes: steps, choices, prompts and verdict questions.
//!
//! The model keeps the source position of everything a check may point at.

pub mod check;
pub mod codebook;
pub mod expr;
pub mod graph;
mod load;
pub mod logic;
pub mod open;
pub mod paths;
pub mod schema;
pub mod study;
mod yaml;

pub use load::codebook::{is_codebook, load_codebook};
pub use load::study::{is_study, load_study};
pub use load::{LoadError, Loaded, load, load_any};
pub use open::{OpenError, Opened, open};

use std::collections::HashMap;

use crate::diagnostic::Pos;

#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub id: String,
    pub id_at: Pos,
    pub title: String,
    pub variant: Option<String>,
    /// The step a session starts on: the `start` key, or else the first step.
    pub start: Target,
    pub steps: Vec<Step>,
    pub questions: Vec<Question>,
    /// Tasks set to the participant, in order; empty for a flow that is one task.
    pub tasks: Vec<Task>,
    /// For a flow without tasks: the paths a designer expects, each a list of steps from
    /// the start to a success; empty means the shortest ones (see `flow::paths`).
    pub expected: Vec<Vec<Target>>,
    /// Variables declared under `vars:`, with their first values.
    pub vars: Vec<logic::Var>,
    /// The codebook's tags this flow sets out to solve (`addresses:`): frictions the
    /// report answers per variant (docs/findings.md).
    pub addresses: Vec<Target>,
}

/// One thing the participant is asked to do, with the steps that count as done.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub id: String,
    pub at: Pos,
    pub brief: String,
    pub start: Target,
    pub success: Vec<Target>,
    pub time_limit: Option<std::time::Duration>,
    /// The paths a designer expects, each from `start` to a success step; empty means
    /// the shortest ones.
    pub expected: Vec<Vec<Target>>,
}

/// A reference to a step by id, where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: String,
    pub at: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: String,
    pub at: Pos,
    pub screen: Option<Screen>,
    pub text: Option<String>,
    /// Whether the participant may go back from this step (`back: false` forbids it).
    pub back: bool,
    pub kind: StepKind,
    pub logic: logic::StepLogic,
}

/// A text mockup, with the position of each of its lines for width findings.
#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    pub text: String,
    pub line_at: Vec<Pos>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    Choices(Vec<Choice>),
    Input { name: String, go: Target },
    Info { go: Target },
    End { outcome: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub label: String,
    pub at: Pos,
    pub go: Target,
    pub key: Option<Key>,
    pub logic: logic::ChoiceLogic,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Key {
    pub key: char,
    pub at: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub at: Pos,
    pub ask: String,
    pub answer: Answer,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Options(Vec<AnswerOption>),
    Scale(Scale),
    Text,
}

/// One option of an options question.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerOption {
    pub label: String,
    pub at: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    pub from: i64,
    pub to: i64,
    pub low: Option<String>,
    pub high: Option<String>,
    pub at: Pos,
}

/// The outcome word that marks a task as done.
pub const SUCCESS: &str = "success";

impl Flow {
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// Step id to position in `steps`, for looking up many targets at once.
    pub fn index(&self) -> HashMap<&str, usize> {
        self.steps
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect()
    }
}

impl Scale {
    /// The point the first arrow key lands on, in the player and in a replay: the middle,
    /// rounded towards `from`. Computed wide so a scale spanning all of `i64` cannot overflow.
    pub fn middle(&self) -> i64 {
        let (from, to) = (i128::from(self.from), i128::from(self.to));
        i64::try_from(from + (to - from) / 2).unwrap_or(self.from)
    }
}

impl Step {
    /// The steps this one leads to, with the label of the way there; a conditional way
    /// (`go:` as a list) counts as one exit per step it may lead to.
    pub fn exits(&self) -> Vec<(&str, &Target)> {
        match &self.kind {
            StepKind::Choices(choices) => choices
                .iter()
                .flat_map(|c| {
                    let ways = c.logic.branches.iter().map(|b| &b.to);
                    ways.chain([&c.go]).map(|t| (c.label.as_str(), t))
                })
                .collect(),
            StepKind::Input { go, .. } | StepKind::Info { go } => {
                let ways = self.logic.branches.iter().map(|b| &b.to);
                ways.chain([go]).map(|t| ("", t)).collect()
            }
            StepKind::End { .. } => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scale_middle_rounds_towards_its_start_and_never_overflows() {
        let scale = |from, to| Scale {
            from,
            to,
            low: None,
            high: None,
            at: Pos {
                line: 1,
                col: 1,
                len: 0,
            },
        };
        for (from, to, middle) in [
            (1, 7, 4),
            (1, 4, 2),
            (0, 10, 5),
            (-4, -1, -3),
            (-3, 3, 0),
            (i64::MIN, i64::MAX, -1),
        ] {
            assert_eq!(scale(from, to).middle(), middle, "{from}..{to}");
        }
    }
}
