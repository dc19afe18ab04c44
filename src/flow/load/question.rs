//! Verdict questions asked after an end step.

use super::{IdRule, Loader};
use crate::diagnostic::Diagnostic;
use crate::flow::yaml::Node;
use crate::flow::{Answer, AnswerOption, Question, Scale};

pub(crate) const QUESTION_KEYS: &[&str] = &["id", "ask", "options", "scale", "text"];
pub(crate) const SCALE_KEYS: &[&str] = &["from", "to", "low", "high"];
const ANSWERS_HELP: &str = "a question takes exactly one of `options: [...]`, \
     `scale: { from: 1, to: 7 }` or `text: true`";

impl Loader<'_> {
    pub(super) fn questions(&mut self, node: &Node) -> Vec<Question> {
        let Some(items) = self.list(node, "`questions`") else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| self.question(item))
            .collect()
    }

    fn question(&mut self, node: &Node) -> Option<Question> {
        let fields = self.fields(node, node.at, "a question")?;
        let id = fields
            .required(self, "id", "the question")
            .and_then(|n| self.id(n, "the question id", IdRule::Name));
        let ask = fields
            .required(self, "ask", "the question")
            .and_then(|n| self.text(n, "`ask`"));
        let kinds: Vec<&str> = ["options", "scale", "text"]
            .into_iter()
            .filter(|k| fields.get(k).is_some())
            .collect();
        let answer = match kinds.as_slice() {
            ["options"] => fields
                .get("options")
                .map(|n| Answer::Options(self.options(n))),
            ["scale"] => fields
                .get("scale")
                .and_then(|n| self.scale(n))
                .map(Answer::Scale),
            [_] => fields.get("text").and_then(|n| self.free_text(n)),
            [] => {
                self.error(
                    Diagnostic::error(
                        "missing-key",
                        node.at,
                        "the question says nothing about how to answer",
                    )
                    .with_help(ANSWERS_HELP),
                );
                None
            }
            [first, second, ..] => {
                let at = fields.key_at(second).unwrap_or(node.at);
                self.error(
                    Diagnostic::error(
                        "mixed-question",
                        at,
                        format!("the question has both `{first}` and `{second}`"),
                    )
                    .with_help(ANSWERS_HELP),
                );
                None
            }
        };
        fields.finish(self, QUESTION_KEYS, "a question");
        let (id, at) = id?;
        Some(Question {
            id,
            at,
            ask: ask?,
            answer: answer?,
        })
    }

    fn options(&mut self, node: &Node) -> Vec<AnswerOption> {
        let Some(items) = self.list(node, "`options`") else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| {
                self.line(item, "an option")
                    .map(|label| AnswerOption { label, at: item.at })
            })
            .collect()
    }

    fn free_text(&mut self, node: &Node) -> Option<Answer> {
        match self.boolean(node, "`text`")? {
            true => Some(Answer::Text),
            false => {
                self.error(
                    Diagnostic::error(
                        "mixed-question",
                        node.at,
                        "`text: false` leaves the question with no way to answer",
                    )
                    .with_help(ANSWERS_HELP),
                );
                None
            }
        }
    }

    fn scale(&mut self, node: &Node) -> Option<Scale> {
        let fields = self.fields(node, node.at, "the scale")?;
        let from = fields
            .required(self, "from", "the scale")
            .and_then(|n| self.integer(n, "`from`"));
        let to = fields
            .required(self, "to", "the scale")
            .and_then(|n| self.integer(n, "`to`"));
        let low = fields.get("low").and_then(|n| self.line(n, "`low`"));
        let high = fields.get("high").and_then(|n| self.line(n, "`high`"));
        fields.finish(self, SCALE_KEYS, "the scale");
        Some(Scale {
            from: from?,
            to: to?,
            low,
            high,
            at: node.at,
        })
    }
}
