//! Study YAML to the typed `Study`, with the flow loader's positions, types and
//! did-you-mean, so a study's mistakes read exactly like a flow's.

use super::{Format, Head, IdRule, LoadError, Loader};
use crate::diagnostic::Diagnostic;
use crate::flow::study::{Assign, Design, Margin, Study, TaskOrder, VariantRef};
use crate::flow::yaml::{self, Node, Value};
use crate::suggest;

pub(crate) const STUDY: Format = Format {
    noun: "study",
    id_key: "study",
    id_rule: IdRule::Name,
    body_key: "variants",
    keys: &[
        "study",
        "title",
        "design",
        "variants",
        "assign",
        "task_order",
        "target",
        "consent",
        "questions",
        "margin",
        "anticipation_ms",
        "sessions",
        "schedule",
        "retention",
        "criterion",
        "intention",
    ],
    doc: DOC,
};

/// The keys of `margin:`.
const MARGIN_KEYS: &[&str] = &["completion", "time"];
/// The longest anticipation threshold a study may set: a second is already slower than
/// most considered responses, so more would set real decisions apart.
const MAX_ANTICIPATION_MS: u64 = 1000;

/// Where missing keys and unknown words point people.
const DOC: &str = "docs/studies.md";

/// Whether `source` is a study rather than a flow: its top-level mapping has `study:`.
pub fn is_study(source: &str) -> bool {
    yaml::parse(source).is_ok_and(|root| is_study_root(&root))
}

/// Whether a parsed file is a study: its top-level mapping has `study:`.
pub(super) fn is_study_root(root: &Node) -> bool {
    matches!(&root.value, Value::Map(entries) if entries.iter().any(|(k, _)| k.text == "study"))
}

/// Loads a study from its YAML source text; help points at the studies guide.
pub fn load_study(source: &str) -> Result<Study, LoadError> {
    super::run(source, &STUDY, |loader, root| loader.study(root))
}

impl Loader<'_> {
    pub(super) fn study(&mut self, root: &Node) -> Option<Study> {
        let Head { fields, id, title } = self.head(root)?;
        let design = fields
            .get("design")
            .map(|n| self.word(n, "design", Design::WORDS));
        let variants = fields
            .required(self, "variants", "the study")
            .map(|n| self.variants(n));
        let assign = fields
            .get("assign")
            .map(|n| self.word(n, "assign", Assign::WORDS));
        let order_node = fields.get("task_order");
        let order = order_node.map(|n| self.word(n, "task_order", TaskOrder::WORDS));
        let target = fields.get("target").and_then(|n| self.target_count(n));
        let consent = fields
            .get("consent")
            .and_then(|n| self.text(n, "`consent`"));
        let questions = fields
            .get("questions")
            .map(|n| self.questions(n))
            .unwrap_or_default();
        let margin = fields.get("margin").map(|n| self.margin(n));
        let anticipation_ms = fields
            .get("anticipation_ms")
            .and_then(|n| self.anticipation_ms(n));
        let returns = self.returns(&fields, root.at);
        self.finish(&fields);
        let design = match design {
            None => Design::Between,
            Some(Some(1)) => Design::Within,
            Some(Some(_)) => Design::Between,
            Some(None) => return None,
        };
        let assign = match assign {
            None | Some(Some(0)) => Assign::Balanced,
            Some(Some(1)) => Assign::Random,
            Some(Some(_)) => Assign::Manual,
            Some(None) => return None,
        };
        let task_order = match order {
            None | Some(Some(0)) => TaskOrder::Fixed,
            Some(Some(1)) => TaskOrder::LatinSquare,
            Some(Some(_)) => TaskOrder::Random,
            Some(None) => return None,
        };
        let (id, _) = id?;
        Some(Study {
            id,
            title: title?,
            design,
            variants: variants?,
            assign,
            task_order,
            task_order_at: order_node.map_or(root.at, |n| n.at),
            target,
            consent: consent.map(|c| c.trim_end().to_owned()),
            questions,
            margin: margin.unwrap_or(Some(Margin::default()))?,
            anticipation_ms,
            returns: returns?,
        })
    }

    /// `margin: {completion: 10 points, time: 1.2x}`, both optional; None when a value
    /// is wrong (reported).
    fn margin(&mut self, node: &Node) -> Option<Margin> {
        let fields = self.fields(node, node.at, "`margin`")?;
        let completion = fields
            .get("completion")
            .map(|n| self.margin_value(n, "completion"));
        let time = fields.get("time").map(|n| self.margin_value(n, "time"));
        let unknown = fields.finish(self, MARGIN_KEYS, "`margin`");
        if unknown {
            return None;
        }
        Some(Margin {
            completion: completion.map_or(Some(None), |c| c.map(|p| Some(p / 100.0)))?,
            time: time.map_or(Some(None), |t| t.map(Some))?,
        })
    }

    /// `completion: 10 points` (more than 0, under 100) or `time: 1.2x` (above 1).
    fn margin_value(&mut self, node: &Node, key: &str) -> Option<f64> {
        let text = self.line(node, &format!("`margin: {key}`"))?;
        let (unit, example, fits): (&[&str], &str, fn(f64) -> bool) = match key {
            "completion" => (&["points", "point"], "10 points", |p| p > 0.0 && p < 100.0),
            _ => (&["x", "×"], "1.2x", |r| r > 1.0),
        };
        let number = unit.iter().find_map(|u| text.strip_suffix(u));
        match number.map(|n| n.trim().parse::<f64>()) {
            Some(Ok(v)) if v.is_finite() && fits(v) => Some(v),
            _ => {
                let rule = match key {
                    "completion" => "percentage points, more than 0 and under 100",
                    _ => "a ratio of times above 1",
                };
                self.error(
                    Diagnostic::error(
                        "bad-margin",
                        node.at,
                        format!("`{key}: {text}` is not a margin: it must be {rule}"),
                    )
                    .with_help(format!(
                        "write it with its unit, e.g. `{key}: {example}`; see {DOC}"
                    )),
                );
                None
            }
        }
    }

    /// One of `words`, by its index; an unknown word is an error with a suggestion.
    fn word(&mut self, node: &Node, key: &str, words: &[&str]) -> Option<usize> {
        let text = self.line(node, &format!("`{key}`"))?;
        if let Some(i) = words.iter().position(|w| *w == text) {
            return Some(i);
        }
        let listed = words
            .iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let diagnostic = Diagnostic::error(
            "unknown-word",
            node.at,
            format!("`{key}: {text}` is not one of {listed}"),
        );
        self.error(match suggest::closest(&text, words.iter().copied()) {
            Some(s) => diagnostic.with_suggestion(Some(s)),
            None => diagnostic.with_help(format!("see {DOC}")),
        });
        None
    }

    fn variants(&mut self, node: &Node) -> Vec<VariantRef> {
        let Some(items) = self.list(node, "`variants`") else {
            return Vec::new();
        };
        if items.is_empty() {
            self.error(
                Diagnostic::error("no-variants", node.at, "`variants` names no flow file")
                    .with_help("list the flow files compared, e.g. `- flows/pay-a.yaml`"),
            );
        }
        let mut variants: Vec<VariantRef> = Vec::new();
        for item in items {
            let Some(path) = self.line(item, "a variant's flow file") else {
                continue;
            };
            if let Some(first) = variants.iter().find(|v| v.path == path) {
                let message = format!(
                    "`{path}` is listed twice; the first is at line {}",
                    first.at.line
                );
                self.error(Diagnostic::error("duplicate-variant", item.at, message));
                continue;
            }
            variants.push(VariantRef { path, at: item.at });
        }
        variants
    }

    fn anticipation_ms(&mut self, node: &Node) -> Option<u64> {
        let n = self.integer(node, "`anticipation_ms`")?;
        match u64::try_from(n) {
            Ok(n) if n <= MAX_ANTICIPATION_MS => Some(n),
            _ => {
                self.error(
                    Diagnostic::error(
                        "bad-anticipation",
                        node.at,
                        format!(
                            "`anticipation_ms: {n}` must be milliseconds from 0 to \
                             {MAX_ANTICIPATION_MS}"
                        ),
                    )
                    .with_help("the default, 100, suits a choice made on a screen just read"),
                );
                None
            }
        }
    }

    fn target_count(&mut self, node: &Node) -> Option<u32> {
        let n = self.integer(node, "`target`")?;
        match u32::try_from(n) {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                self.error(Diagnostic::error(
                    "bad-target",
                    node.at,
                    format!("`target: {n}` must be a number of participants, 1 or more"),
                ));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn helps(e: LoadError) -> Vec<(String, Option<String>)> {
        (e.diagnostics.into_iter())
            .map(|d| (d.message, d.help))
            .collect()
    }

    #[test]
    fn an_empty_study_or_flow_is_named_with_its_own_guide() {
        let study = helps(load_study("").expect_err("empty"));
        let help =
            "a study starts with `study: <id>`, `title:` and `variants:`; see docs/studies.md";
        assert_eq!(
            study,
            [("the file holds no study".into(), Some(help.into()))]
        );
        let flow = helps(crate::flow::load("").expect_err("empty"));
        let help =
            "a flow starts with `flow: <id>`, `title:` and `steps:`; see docs/flow-format.md";
        assert_eq!(flow, [("the file holds no flow".into(), Some(help.into()))]);
    }

    #[test]
    fn missing_keys_point_at_the_guide_of_the_format_even_inside_questions() {
        let source = "study: s\nquestions:\n  - id: q\n    options: [a]\n";
        let found = helps(load_study(source).expect_err("incomplete"));
        let missing: Vec<_> = found
            .iter()
            .filter(|(m, _)| m.contains(" has no "))
            .collect();
        assert_eq!(missing.len(), 3, "{found:?}");
        for (message, help) in missing {
            let help = help.as_deref().unwrap_or_default();
            assert!(help.ends_with("see docs/studies.md"), "{message}: {help}");
        }
    }

    #[test]
    fn a_margin_is_read_with_its_units_and_a_bad_one_is_placed_and_explained() {
        let head = "study: s\ntitle: T\nvariants: [a.yaml]\n";
        let study = load_study(&format!(
            "{head}margin: {{completion: 7.5 points, time: 1.25x}}\n"
        ))
        .expect("a study");
        assert_eq!(
            study.margin,
            Margin {
                completion: Some(0.075),
                time: Some(1.25)
            }
        );
        let only_time = load_study(&format!("{head}margin:\n  time: 1.2 x\n")).expect("a study");
        assert_eq!(only_time.margin.completion, None);
        assert_eq!(only_time.margin.time, Some(1.2));
        let none = load_study(head).expect("a study");
        assert_eq!(none.margin, Margin::default());
        for (margin, at, message) in [
            (
                "{completion: 10}",
                (4, 22),
                "`completion: 10` is not a margin",
            ),
            (
                "{completion: 100 points}",
                (4, 22),
                "must be percentage points",
            ),
            ("{time: 0.8x}", (4, 16), "`time: 0.8x` is not a margin"),
            ("{time: 1.2}", (4, 16), "a ratio of times above 1"),
            ("12 points", (4, 9), "`margin` to be a mapping"),
        ] {
            let e = load_study(&format!("{head}margin: {margin}\n")).expect_err(margin);
            let d = &e.diagnostics[0];
            assert_eq!((d.at.line, d.at.col), at, "{margin}");
            assert!(d.message.contains(message), "{margin}: {}", d.message);
        }
        let e =
            load_study(&format!("{head}margin: {{completoin: 10 points}}\n")).expect_err("typo");
        let help = e.diagnostics[0].help.as_deref();
        assert_eq!(help, Some("did you mean `completion`?"));
    }

    #[test]
    fn a_study_sets_its_own_anticipation_threshold_within_a_second() {
        let base = "study: s\ntitle: T\nvariants: [a.yaml]\n";
        let study = load_study(&format!("{base}anticipation_ms: 150\n")).expect("loads");
        assert_eq!(study.anticipation_ms, Some(150));
        assert_eq!(load_study(base).expect("loads").anticipation_ms, None);
        let found = helps(load_study(&format!("{base}anticipation_ms: 5000\n")).expect_err("long"));
        assert_eq!(
            found[0].0,
            "`anticipation_ms: 5000` must be milliseconds from 0 to 1000"
        );
    }
}
