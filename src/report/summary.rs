//! The line a stakeholder reads first, kept as data: what it says is decided once, and
//! each renderer sets the ids in it its own way (backticks, `<code>`, plain text).

use serde::Serialize;

use crate::format::{self, percent_interval, seconds};
use crate::stats::Interval;

/// One part of a flow version's summary, with its values.
#[derive(Debug, Clone, PartialEq)]
pub enum SummaryItem {
    /// Attempts that succeeded; the task is named when the flow has more than one.
    Completed {
        task: Option<String>,
        successes: usize,
        attempts: usize,
        interval: Option<Interval>,
        /// Attempts ended by the recording, not counted.
        technical: usize,
    },
    /// The first yes/no verdict question and how many answered Yes.
    AnsweredYes {
        question: String,
        count: usize,
        of: usize,
    },
    /// The step with the longest median hesitation, of steps visited at least 3 times.
    SlowestStep {
        step: String,
        median_hesitation_s: f64,
        /// Hesitations the median rests on.
        n: usize,
    },
    /// Sessions that did not complete.
    Incomplete { aborted: usize, cut_off: usize },
}

/// "8/10 completed (48–95%); 7/10 answered Yes to `solved`; slowest step: `drinks`,
/// median hesitation 6.2 s", as items.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub items: Vec<SummaryItem>,
}

impl Summary {
    /// The summary in words, every id set by `id`; the rest is plain text with nothing
    /// to escape.
    pub fn words(&self, id: impl Fn(&str) -> String) -> String {
        let parts: Vec<String> = self.items.iter().map(|item| item.words(&id)).collect();
        parts.join("; ")
    }
}

impl SummaryItem {
    fn words(&self, id: &impl Fn(&str) -> String) -> String {
        match self {
            SummaryItem::Completed {
                task,
                successes,
                attempts,
                interval,
                technical,
            } => {
                let name = task.as_deref().map(|t| format!(" {}", id(t)));
                let interval = interval.map(|i| format!(" ({})", percent_interval(i)));
                let technical = match technical {
                    0 => String::new(),
                    n => format!(" (not counted: {n} technical)"),
                };
                format!(
                    "{successes}/{attempts} completed{}{}{technical}",
                    name.unwrap_or_default(),
                    interval.unwrap_or_default()
                )
            }
            SummaryItem::AnsweredYes {
                question,
                count,
                of,
            } => {
                format!("{count}/{of} answered Yes to {}", id(question))
            }
            SummaryItem::SlowestStep {
                step,
                median_hesitation_s,
                n,
            } => format!(
                "slowest step: {}, median hesitation {}{}",
                id(step),
                seconds(*median_hesitation_s),
                format::small_n(*n)
            ),
            SummaryItem::Incomplete { aborted, cut_off } => {
                format!("{aborted} aborted, {cut_off} cut off")
            }
        }
    }
}

/// JSON keeps the summary as the one line it has always been, ids in backticks.
impl Serialize for Summary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.words(|id| format!("`{id}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary() -> Summary {
        Summary {
            items: vec![
                SummaryItem::Completed {
                    task: Some("a|b".into()),
                    successes: 8,
                    attempts: 10,
                    interval: Some(Interval {
                        low: 0.48,
                        high: 0.953,
                    }),
                    technical: 0,
                },
                SummaryItem::AnsweredYes {
                    question: "solved".into(),
                    count: 7,
                    of: 10,
                },
                SummaryItem::SlowestStep {
                    step: "<drinks>".into(),
                    median_hesitation_s: 6.24,
                    n: 12,
                },
                SummaryItem::Incomplete {
                    aborted: 1,
                    cut_off: 0,
                },
            ],
        }
    }

    #[test]
    fn each_renderer_sets_ids_its_own_way() {
        assert_eq!(
            summary().words(|id| id.to_owned()),
            "8/10 completed a|b (48–95%); 7/10 answered Yes to solved; slowest step: <drinks>, median hesitation 6.2 s; 1 aborted, 0 cut off"
        );
        assert_eq!(
            serde_json::to_value(summary()).expect("json"),
            "8/10 completed `a|b` (48–95%); 7/10 answered Yes to `solved`; slowest step: `<drinks>`, median hesitation 6.2 s; 1 aborted, 0 cut off"
        );
    }
}
