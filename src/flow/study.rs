//! The study file a researcher writes: which flows are compared, how participants are
//! assigned to them, in which order tasks come, the consent text and closing questions.
//!
//! Loaded by the flow loader's own machinery (`flow::load::study`), so its mistakes are
//! reported the way a flow's are; opening the variants it names is `crate::study`'s job.

use serde::Serialize;

use crate::diagnostic::Pos;
use crate::flow::{Flow, Question};

#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    pub id: String,
    pub title: String,
    pub design: Design,
    /// The flow files compared, as written (relative to the study file), in order.
    pub variants: Vec<VariantRef>,
    pub assign: Assign,
    pub task_order: TaskOrder,
    pub task_order_at: Pos,
    /// Participants per variant (between) or in all (within).
    pub target: Option<u32>,
    pub consent: Option<String>,
    /// Asked once, at the very end of a participant's last session.
    pub questions: Vec<Question>,
    /// Differences small enough to call the variants equivalent (`margin:`).
    pub margin: Margin,
    /// A move whose hesitation is under this many milliseconds is an anticipation; none:
    /// the report's default (`report::tally::ANTICIPATION_MS`).
    pub anticipation_ms: Option<u64>,
}

/// The equivalence margins a study declares: a variant is equivalent to the baseline
/// when two one-sided tests place the difference within them (`stats::equivalence`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Margin {
    /// Completion, as a share: 0.10 for `completion: 10 points` (±10 points).
    pub completion: Option<f64>,
    /// Time, as a ratio above 1: 1.2 for `time: 1.2x` (from 1/1.2 to 1.2 times).
    pub time: Option<f64>,
}

impl Study {
    /// A single flow as a study of one variant with no settings of its own: the flow's
    /// id and title, `path` its one variant, nobody assigned, no consent, no questions.
    pub fn of_flow(flow: &Flow, path: &str) -> Study {
        Study {
            id: flow.id.clone(),
            title: flow.title.clone(),
            design: Design::Between,
            variants: vec![VariantRef {
                path: path.to_owned(),
                at: flow.id_at,
            }],
            assign: Assign::Balanced,
            task_order: TaskOrder::Fixed,
            task_order_at: flow.id_at,
            target: None,
            consent: None,
            questions: Vec::new(),
            margin: Margin::default(),
            anticipation_ms: None,
        }
    }
}

/// A variant's flow file as the study names it.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantRef {
    pub path: String,
    pub at: Pos,
}

/// How participants meet the variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Design {
    /// Each participant plays one variant.
    Between,
    /// Each participant plays every variant, in a counterbalanced order.
    Within,
}

/// How the next participant's variant is chosen in a `between` study.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Assign {
    Balanced,
    Random,
    Manual,
}

/// The order of what a participant plays several of: tasks (between) or variants (within).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskOrder {
    Fixed,
    LatinSquare,
    Random,
}

impl Design {
    pub const WORDS: &[&str] = &["between", "within"];

    pub fn word(self) -> &'static str {
        match self {
            Design::Between => "between",
            Design::Within => "within",
        }
    }
}

impl Assign {
    pub const WORDS: &[&str] = &["balanced", "random", "manual"];
}

impl TaskOrder {
    pub const WORDS: &[&str] = &["fixed", "latin-square", "random"];

    pub fn word(self) -> &'static str {
        match self {
            TaskOrder::Fixed => "fixed",
            TaskOrder::LatinSquare => "latin-square",
            TaskOrder::Random => "random",
        }
    }
}
