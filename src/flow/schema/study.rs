//! The study format as a JSON Schema, made and checked against its loader as the flow's
//! is (`super::Format`).

use schemars::JsonSchema;

use super::QuestionFile;

/// A study file (version 1): flows compared with real people. See docs/studies.md.
#[derive(JsonSchema)]
#[schemars(title = "mvx study", deny_unknown_fields)]
#[allow(dead_code)] // read by schemars, never built
pub(super) struct StudyFile {
    /// The study's id: letters, digits, '-' and '_'.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,64}$"))]
    study: String,
    /// One line, shown to the researcher and above the consent.
    title: String,
    /// between (default): each participant plays one variant; within: each plays all,
    /// in a counterbalanced order.
    design: Option<Design>,
    /// Flow files, relative to this file; they share a flow id, each names its variant.
    #[schemars(length(min = 1))]
    variants: Vec<String>,
    /// balanced (default), random, or manual (`mvx play --variant`). Between designs.
    assign: Option<AssignWord>,
    /// fixed (default), latin-square or random: the order of tasks (between) or of
    /// variants (within).
    task_order: Option<OrderWord>,
    /// Participants per variant (between) or in all (within).
    #[schemars(range(min = 1))]
    target: Option<u32>,
    /// Shown before anything is recorded; the participant agrees or declines.
    consent: Option<String>,
    /// Asked once, at the very end of a participant's last session.
    questions: Option<Vec<QuestionFile>>,
    /// Equivalence margins: each variant is reported equivalent to the first, not
    /// equivalent, or inconclusive, by two one-sided tests.
    margin: Option<MarginFile>,
    /// Milliseconds: a move made faster than this after its screen was shown is an
    /// anticipation, counted apart from the hesitation figures (default 100).
    #[schemars(range(max = 1000))]
    anticipation_ms: Option<u64>,
    /// Sessions (trials) per participant, the first included (default 1); see
    /// docs/returns.md.
    #[schemars(range(min = 1, max = 20))]
    sessions: Option<u32>,
    /// When each session opens, after the start of the participant's first: one
    /// duration per session, the first 0, e.g. `[0, 1d, 7d]`.
    schedule: Option<Vec<DurationFile>>,
    /// A retention trial, this long after the last scheduled session, e.g. `14d`.
    retention: Option<DurationFile>,
    /// What trials to criterion count to: a time the task succeeds within (`40s`), or
    /// `success`.
    #[schemars(regex(pattern = r"^\s*([0-9]+\s*(s|m|min|h|d|w)|success)\s*$"))]
    criterion: Option<String>,
    /// The question (the study's, or every variant's) whose first option says "I
    /// would come back".
    intention: Option<String>,
}

/// A duration: a whole number and a unit (`90s`, `30m`, `12h`, `1d`, `2w`), or 0.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum DurationFile {
    Zero(#[schemars(range(min = 0, max = 0))] u8),
    Written(#[schemars(regex(pattern = r"^\s*([0-9]+\s*(s|m|min|h|d|w)|0)\s*$"))] String),
}

/// `completion: 10 points` (within ±10 points), `time: 1.2x` (within 1/1.2 to 1.2 times).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
struct MarginFile {
    /// Percentage points, more than 0 and under 100, e.g. `10 points`.
    #[schemars(regex(pattern = r"^\s*[0-9]+(\.[0-9]+)?\s*points?\s*$"))]
    completion: Option<String>,
    /// A ratio of times above 1, e.g. `1.2x`.
    #[schemars(regex(pattern = r"^\s*[0-9]+(\.[0-9]+)?\s*(x|×)\s*$"))]
    time: Option<String>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)]
enum Design {
    Between,
    Within,
}

#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)]
enum AssignWord {
    Balanced,
    Random,
    Manual,
}

#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)]
enum OrderWord {
    Fixed,
    LatinSquare,
    Random,
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::flow::study::{Assign, Design as Designs, TaskOrder};

    #[test]
    fn the_schema_knows_exactly_the_words_the_loader_knows() {
        let schema: Value =
            serde_json::from_str(&super::super::STUDY.generate()).expect("the schema is JSON");
        let words = |name: &str| -> Vec<String> {
            serde_json::from_value(schema["$defs"][name]["enum"].clone()).expect("an enum")
        };
        assert_eq!(words("Design"), Designs::WORDS);
        assert_eq!(words("AssignWord"), Assign::WORDS);
        assert_eq!(words("OrderWord"), TaskOrder::WORDS);
    }
}
