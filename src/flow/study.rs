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
    /// Sessions after the first, when and why (`sessions:`, `schedule:`, ...).
    pub returns: Returns,
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
            returns: Returns::default(),
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

/// A study's returns: how many sessions (trials) each participant plays and when each
/// opens, an optional retention trial after a longer delay, what counts as having
/// learned the task, and the question of stated intention (docs/returns.md).
#[derive(Debug, Clone, PartialEq)]
pub struct Returns {
    /// Trials per participant, the first included: 1 for a study without returns.
    pub sessions: u32,
    /// The earliest start of each scheduled trial, in milliseconds after the start of
    /// the participant's first: `sessions` entries, the first 0.
    pub schedule_ms: Vec<u64>,
    /// The retention trial opens this long after the start of the last scheduled one.
    pub retention_ms: Option<u64>,
    pub criterion: Option<Criterion>,
    /// The question whose first option says "I would come back", and where it is named.
    pub intention: Option<(String, Pos)>,
}

impl Default for Returns {
    fn default() -> Self {
        Returns {
            sessions: 1,
            schedule_ms: vec![0],
            retention_ms: None,
            criterion: None,
            intention: None,
        }
    }
}

impl Returns {
    /// Trials in all: the scheduled ones and the retention trial.
    pub fn trials(&self) -> u32 {
        self.sessions + u32::from(self.retention_ms.is_some())
    }

    /// Whether participants come back at all.
    pub fn any(&self) -> bool {
        self.trials() > 1
    }

    /// Whether `trial` (1, 2, ...) is the retention trial.
    pub fn is_retention(&self, trial: u32) -> bool {
        self.retention_ms.is_some() && trial == self.sessions + 1
    }
}

/// What "trials to criterion" counts to: a trial whose task succeeded within a time, or
/// at all.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// Succeeded within this many milliseconds.
    Within {
        ms: u64,
    },
    Success,
}

/// A duration as a study writes it: a whole number and a unit (`90s`, `30m`, `12h`,
/// `1d`, `2w`), or `0`; in milliseconds. None when it is not one, or is too long to hold.
pub fn duration_ms(text: &str) -> Option<u64> {
    let text = text.trim();
    if text == "0" {
        return Some(0);
    }
    let unit_at = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(unit_at);
    let number: u64 = number.parse().ok()?;
    let unit_ms: u64 = match unit.trim() {
        "s" => 1_000,
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return None,
    };
    number.checked_mul(unit_ms)
}

/// A duration in milliseconds as a study would write it: the largest unit that divides
/// it (`1d`, `36h`, `90s`), `0` for none.
pub fn written_duration(ms: u64) -> String {
    const UNITS: [(u64, &str); 5] = [
        (7 * 86_400_000, "w"),
        (86_400_000, "d"),
        (3_600_000, "h"),
        (60_000, "m"),
        (1_000, "s"),
    ];
    if ms == 0 {
        return "0".into();
    }
    UNITS
        .iter()
        .find(|(unit, _)| ms.is_multiple_of(*unit))
        .map_or_else(
            || format!("{ms}ms"),
            |(unit, u)| format!("{}{u}", ms / unit),
        )
}
