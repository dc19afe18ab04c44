//! The flow format as a JSON Schema, for editors: completion, hover, and unknown keys
//! flagged while typing. The types here describe the YAML a designer writes; a test
//! checks their keys against the loader's, so the two cannot drift apart.

mod codebook;
mod study;

use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, schema_for};

/// A format's schema: one generator and one set of checks serve every format.
pub struct Format {
    /// The format's name, as `mvx schema` takes it.
    pub name: &'static str,
    /// Where the committed copy lives, and what `# yaml-language-server` lines point at.
    pub committed: &'static str,
    schema: fn() -> Schema,
}

impl Format {
    /// The schema as pretty JSON, ending in a newline.
    pub fn generate(&self) -> String {
        serde_json::to_string_pretty(&(self.schema)()).unwrap_or_default() + "\n"
    }
}

pub const FLOW: Format = Format {
    name: "flow",
    committed: "schema/flow.schema.json",
    schema: || schema_for!(FlowFile),
};

pub const STUDY: Format = Format {
    name: "study",
    committed: "schema/study.schema.json",
    schema: || schema_for!(study::StudyFile),
};

pub const CODEBOOK: Format = Format {
    name: "codebook",
    committed: "schema/codebook.schema.json",
    schema: || schema_for!(codebook::CodebookFile),
};

/// A flow file (version 1). See docs/flow-format.md.
#[derive(JsonSchema)]
#[schemars(title = "mvx flow", deny_unknown_fields)]
#[allow(dead_code)] // read by schemars, never built
struct FlowFile {
    /// The flow's id: lowercase letters, digits, '-' and '_'.
    #[schemars(regex(pattern = r"^[a-z0-9_-]{1,64}$"))]
    flow: String,
    /// One line, shown to the researcher.
    title: String,
    /// Names a variant when two versions of a flow are compared.
    #[schemars(regex(pattern = r"^[a-z0-9_-]{1,64}$"))]
    variant: Option<String>,
    /// The step a session starts on; defaults to the first step.
    start: Option<String>,
    /// Step id -> step, in file order.
    steps: BTreeMap<String, StepFile>,
    /// Tasks set to the participant, in order.
    tasks: Option<Vec<TaskFile>>,
    /// Verdict questions, asked after the last task.
    questions: Option<Vec<QuestionFile>>,
    /// For a flow without tasks: the paths you expect, each a list of step ids from the
    /// start to a success step. Without it, the shortest paths are expected.
    expected: Option<Vec<Vec<String>>>,
    /// Variables and their first values: text, a number, or yes/no.
    vars: Option<BTreeMap<String, Literal>>,
    /// The codebook's tags (frictions) this flow sets out to solve; `mvx check` warns
    /// about a name the codebook beside the flow does not have.
    addresses: Option<Vec<TagName>>,
}

/// A tag of the codebook: lowercase letters, digits, '-' and '_'.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct TagName(#[schemars(regex(pattern = r"^[a-z0-9_-]{1,64}$"))] String);

/// A value as written: text, a number, or yes/no. In `set:`, text may be an expression
/// such as "{cups} + 1".
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum Literal {
    Bool(bool),
    Number(f64),
    Text(String),
}

/// A step id, or conditional ways tried in order, ending with one without `if`.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum Go {
    Step(String),
    Ways(Vec<WayItem>),
}

#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum WayItem {
    Step(String),
    Way(WayFile),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
struct WayFile {
    /// A condition, such as "{cups} > 2"; without it, the way taken when no other is.
    #[serde(rename = "if")]
    when: Option<String>,
    /// The step this way leads to.
    to: String,
}

/// Answers `mvx simulate` types into an input step.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum Sample {
    One(String),
    Many(Vec<String>),
}

/// A step: a choice step (`choices`), an input step (`input` + `go`), an info step
/// (`go` alone) or an end step (`end`).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
struct StepFile {
    /// A text mockup of the screen; keep it within 80 columns.
    screen: Option<String>,
    /// The prompt under the screen.
    text: Option<String>,
    /// Choices: "Label -> step", or { label, go, key }.
    choices: Option<Vec<ChoiceItem>>,
    /// A typed answer, recorded under this name; Enter goes on to `go`.
    input: Option<String>,
    /// Where an info or input step leads: a step id or conditional ways.
    go: Option<Go>,
    /// Ends the flow with this outcome: success, failure, or another word.
    end: Option<String>,
    /// Whether Esc may go back from this step (default true).
    back: Option<bool>,
    /// Answers `mvx simulate` types into an input step.
    sample: Option<Sample>,
}

#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum ChoiceItem {
    /// "Label -> target step"; the last " -> " splits them.
    Arrow(String),
    Mapped(ChoiceMap),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
struct ChoiceMap {
    label: String,
    /// The step it leads to: a step id or conditional ways.
    go: Go,
    /// One character that picks the choice; not a digit, j or k.
    #[schemars(length(equal = 1))]
    key: Option<String>,
    /// Offered only while this condition holds, such as "{cups} < 3".
    #[serde(rename = "if")]
    when: Option<String>,
    /// Variables this choice gives values to.
    set: Option<BTreeMap<String, Literal>>,
    /// Hidden once it was taken.
    once: Option<bool>,
}

/// Exactly one of `options`, `scale` or `text: true`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
pub(super) struct QuestionFile {
    /// Answers are recorded under it: letters, digits, '-', '_'.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,64}$"))]
    id: String,
    ask: String,
    options: Option<Vec<String>>,
    scale: Option<ScaleFile>,
    text: Option<bool>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
struct ScaleFile {
    from: i64,
    to: i64,
    low: Option<String>,
    high: Option<String>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
struct TaskFile {
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,64}$"))]
    id: String,
    /// Shown before the task; its clock starts when the participant confirms it.
    brief: String,
    /// Defaults to the flow's start.
    start: Option<String>,
    /// Reaching any of these steps completes the task.
    success: Vec<String>,
    /// Like 90s, 2m or 1m30s.
    #[schemars(regex(pattern = r"^([0-9]+[hms])+$"))]
    time_limit: Option<String>,
    /// The paths you expect, each a list of step ids from `start` to a success step.
    /// Without it, the shortest paths are expected.
    expected: Option<Vec<Vec<String>>>,
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::flow::load::{self, logic, question, step, task};

    /// Every format: its schema, and the top-level keys its loader knows.
    const FORMATS: [(&Format, &[&str]); 3] = [
        (&FLOW, load::FLOW.keys),
        (&STUDY, load::study::STUDY.keys),
        (&CODEBOOK, load::codebook::CODEBOOK.keys),
    ];

    fn schema(format: &Format) -> Value {
        serde_json::from_str(&format.generate()).expect("the schema is JSON")
    }

    fn keys(object: &Value) -> Vec<String> {
        let mut keys: Vec<String> = object["properties"]
            .as_object()
            .expect("an object with properties")
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    }

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut keys: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
        keys.sort();
        keys
    }

    #[test]
    fn each_schema_knows_exactly_the_top_level_keys_its_loader_knows() {
        for (format, known) in FORMATS {
            assert_eq!(keys(&schema(format)), sorted(known), "{}", format.committed);
        }
    }

    #[test]
    fn the_flow_schema_knows_exactly_the_keys_the_loader_knows_inside() {
        let schema = schema(&FLOW);
        let defs = &schema["$defs"];
        assert_eq!(keys(&defs["StepFile"]), sorted(step::STEP_KEYS));
        assert_eq!(keys(&defs["ChoiceMap"]), sorted(step::CHOICE_KEYS));
        assert_eq!(keys(&defs["QuestionFile"]), sorted(question::QUESTION_KEYS));
        assert_eq!(keys(&defs["ScaleFile"]), sorted(question::SCALE_KEYS));
        assert_eq!(keys(&defs["TaskFile"]), sorted(task::TASK_KEYS));
        assert_eq!(keys(&defs["WayFile"]), sorted(logic::BRANCH_KEYS));
    }

    #[test]
    fn the_codebook_schema_knows_exactly_the_keys_of_a_tag() {
        let schema = schema(&CODEBOOK);
        let tag = &schema["$defs"]["TagFile"];
        assert_eq!(keys(tag), sorted(load::codebook::TAG_KEYS));
        let mut required: Vec<&str> = (tag["required"].as_array().expect("required keys"))
            .iter()
            .filter_map(Value::as_str)
            .collect();
        required.sort_unstable();
        assert_eq!(required, ["description", "name"]);
        assert_eq!(schema["properties"]["tags"]["minItems"], 1);
    }

    #[test]
    fn every_object_flags_unknown_keys() {
        for (format, _) in FORMATS {
            let schema = schema(format);
            assert_eq!(
                schema["additionalProperties"], false,
                "{}",
                format.committed
            );
            for (name, def) in schema["$defs"].as_object().expect("definitions") {
                if def.get("properties").is_some() {
                    assert_eq!(def["additionalProperties"], false, "{name}");
                }
            }
        }
    }

    #[test]
    fn each_committed_schema_is_the_generated_one() {
        for (format, _) in FORMATS {
            let committed = std::fs::read_to_string(format.committed).expect("committed");
            assert!(
                committed == format.generate(),
                "{} is stale: run `mvx schema {} > {}`",
                format.committed,
                format.name,
                format.committed
            );
        }
    }
}
