//! The figures of one flow version, computed from its tally; and variants compared.

use std::collections::BTreeMap;

use serde::Serialize;

use super::summary::{Summary, SummaryItem};
use super::tally::{AnswerTally, Note, StepTally, Tally, TaskTally};
use crate::format::{self, interval, percent, seconds};
use crate::session::TaskEnding;
use crate::stats::{self, Interval};

const TOP_PATHS: usize = 5;
const TOP_FRICTION: usize = 5;

#[derive(Debug, Serialize)]
pub struct FlowVersion {
    pub variant: Option<String>,
    pub sha256: String,
    pub sessions: Sessions,
    /// The line a stakeholder reads first.
    pub summary: Summary,
    pub tasks: Vec<TaskFigures>,
    pub steps: Vec<StepFigures>,
    pub friction: Vec<Friction>,
    pub verdicts: Vec<Verdict>,
    pub sus: Option<Mean>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Serialize)]
pub struct Sessions {
    pub total: usize,
    pub complete: usize,
    pub aborted: usize,
    /// Recordings that stopped without an end: a crash, a kill, or still running.
    pub cut_off: usize,
}

#[derive(Debug, Serialize)]
pub struct TaskFigures {
    pub task: String,
    pub attempts: usize,
    pub successes: usize,
    pub completion: Option<Interval>,
    /// Attempts by outcome: success, failure, abandoned, timeout, aborted, cut off.
    pub outcomes: BTreeMap<TaskEnding, usize>,
    /// Seconds, successful attempts only.
    pub time_geometric_mean_s: Option<f64>,
    pub time_interval_s: Option<Interval>,
    pub time_median_s: Option<f64>,
    /// Every successful attempt's time, in seconds, for comparing variants.
    pub success_times_s: Vec<f64>,
    /// Share of attempts that succeeded without a backtrack.
    pub directness: f64,
    pub paths: Vec<PathCount>,
    /// Attempts that reached each step of the most frequent successful path.
    pub funnel: Vec<(String, usize)>,
}

#[derive(Debug, Serialize)]
pub struct PathCount {
    /// Step ids in the order shown; JSON writes them joined, as it always has.
    #[serde(serialize_with = "joined")]
    pub path: Vec<String>,
    pub outcome: TaskEnding,
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub struct StepFigures {
    pub step: String,
    pub visits: usize,
    pub hesitation_median_s: Option<f64>,
    pub hesitation_p90_s: Option<f64>,
    pub decision_median_s: Option<f64>,
    pub decision_p90_s: Option<f64>,
    pub choices: Vec<(String, usize)>,
    pub backtracks: usize,
    pub drop_offs: usize,
    /// Every hesitation on the step, in seconds, for strip plots.
    pub hesitations_s: Vec<f64>,
}

/// A step ranked by friction; the formula is in docs/statistics.md.
#[derive(Debug, Serialize)]
pub struct Friction {
    pub step: String,
    pub score: f64,
    pub reason: FrictionReason,
}

/// What weighs most in a step's friction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FrictionReason {
    /// This share of visits ended the task here.
    DropOffs(f64),
    /// This share of visits went back.
    Backtracks(f64),
    /// The step's median hesitation, and its ratio to the typical step's.
    Hesitation { median_s: f64, ratio: f64 },
}

impl FrictionReason {
    pub fn text(self) -> String {
        match self {
            FrictionReason::DropOffs(share) => {
                format!("{} of visits ended the task here", percent(share))
            }
            FrictionReason::Backtracks(share) => format!("{} of visits went back", percent(share)),
            FrictionReason::Hesitation { median_s, ratio } => format!(
                "median hesitation {}, {ratio:.1}× the typical step",
                seconds(median_s)
            ),
        }
    }
}

/// JSON keeps the reason in words, as the report prints it.
impl Serialize for FrictionReason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

#[derive(Debug, Serialize)]
pub struct Verdict {
    pub question: String,
    pub answers: usize,
    pub options: Vec<(String, usize)>,
    /// For yes/no style questions: how many answered "Yes", with its interval.
    pub yes: Option<Share>,
    pub scale: Option<Mean>,
    pub distribution: Vec<(i64, usize)>,
    /// Free-text answers with their participant.
    pub texts: Vec<(String, String)>,
    /// A standard questionnaire's score, for questions with its id (`nps`, `csat`).
    pub standard: Option<Standard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Share {
    pub count: usize,
    pub of: usize,
    pub interval: Option<Interval>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Mean {
    pub mean: f64,
    pub interval: Option<Interval>,
    pub n: usize,
}

impl FlowVersion {
    pub(super) fn new(variant: Option<String>, sha256: String, tally: &Tally) -> Self {
        let tasks: Vec<TaskFigures> = tally
            .tasks
            .iter()
            .map(|(id, t)| TaskFigures::new(id, t))
            .collect();
        let steps: Vec<StepFigures> = tally
            .step_order
            .iter()
            .map(|id| StepFigures::new(id, &tally.steps[id]))
            .collect();
        let friction = Friction::rank(&steps);
        let verdicts: Vec<Verdict> = tally
            .questions
            .iter()
            .map(|q| Verdict::new(q, &tally.answers[q]))
            .collect();
        let sessions = Sessions {
            total: tally.sessions,
            complete: tally.complete,
            aborted: tally.aborted,
            cut_off: tally.cut_off,
        };
        let sus = mean_of(&tally.sus_scores);
        let mut version = FlowVersion {
            variant,
            sha256,
            sessions,
            summary: Summary::default(),
            tasks,
            steps,
            friction,
            verdicts,
            sus,
            notes: tally.notes.clone(),
        };
        version.summary = version.summarise();
        version
    }

    pub fn variant_name(&self) -> String {
        self.variant
            .clone()
            .unwrap_or_else(|| "(no variant)".into())
    }

    /// Completion per task, the first Yes share, the slowest step, and incomplete sessions.
    fn summarise(&self) -> Summary {
        let named = self.tasks.len() > 1;
        let mut items: Vec<SummaryItem> = self
            .tasks
            .iter()
            .map(|task| SummaryItem::Completed {
                task: named.then(|| task.task.clone()),
                successes: task.successes,
                attempts: task.attempts,
                interval: task.completion,
            })
            .collect();
        items.extend(self.verdicts.iter().find_map(|v| {
            v.yes.as_ref().map(|yes| SummaryItem::AnsweredYes {
                question: v.question.clone(),
                count: yes.count,
                of: yes.of,
            })
        }));
        items.extend(
            self.steps
                .iter()
                .filter_map(|s| s.hesitation_median_s.map(|h| (s, h)))
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(step, hesitation)| SummaryItem::SlowestStep {
                    step: step.step.clone(),
                    median_hesitation_s: hesitation,
                }),
        );
        let Sessions {
            aborted, cut_off, ..
        } = self.sessions;
        if aborted + cut_off > 0 {
            items.push(SummaryItem::Incomplete { aborted, cut_off });
        }
        Summary { items }
    }
}

/// The `p` quantile of millisecond values, in seconds.
fn quantile_s(values_ms: &[f64], p: f64) -> Option<f64> {
    stats::quantile(values_ms, p).map(|ms| ms / 1000.0)
}

fn joined<S: serde::Serializer>(steps: &[String], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format::path(steps))
}

fn mean_of(values: &[f64]) -> Option<Mean> {
    let interval = stats::mean_t_interval(values).map(|(_, i)| i);
    let mean = (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)?;
    Some(Mean {
        mean,
        interval,
        n: values.len(),
    })
}

impl TaskFigures {
    fn new(id: &str, tally: &TaskTally) -> Self {
        let successes = tally
            .outcomes
            .get(&TaskEnding::SUCCESS)
            .copied()
            .unwrap_or(0);
        let times_s: Vec<f64> = tally.success_ms.iter().map(|ms| ms / 1000.0).collect();
        let geometric = stats::geometric_mean(&times_s);
        let mut paths: Vec<PathCount> = tally
            .paths
            .iter()
            .map(|((path, outcome), count)| PathCount {
                path: path.clone(),
                outcome: *outcome,
                count: *count,
            })
            .collect();
        paths.sort_by(|a, b| b.count.cmp(&a.count).then(a.path.cmp(&b.path)));
        let funnel = paths
            .iter()
            .find(|p| p.outcome == TaskEnding::SUCCESS)
            .map(|p| {
                p.path
                    .iter()
                    .map(|s| (s.clone(), tally.reached.get(s).copied().unwrap_or(0)))
                    .collect()
            })
            .unwrap_or_default();
        paths.truncate(TOP_PATHS);
        TaskFigures {
            task: id.to_owned(),
            attempts: tally.attempts,
            successes,
            completion: stats::adjusted_wald(successes as u64, tally.attempts as u64),
            outcomes: tally.outcomes.clone(),
            time_geometric_mean_s: geometric
                .map(|(g, _)| g)
                .or_else(|| times_s.first().copied()),
            time_interval_s: geometric.map(|(_, i)| i),
            time_median_s: stats::median(&times_s),
            success_times_s: times_s.clone(),
            directness: if tally.attempts == 0 {
                0.0
            } else {
                tally.direct as f64 / tally.attempts as f64
            },
            paths,
            funnel,
        }
    }
}

impl StepFigures {
    fn new(id: &str, tally: &StepTally) -> Self {
        let mut choices: Vec<(String, usize)> =
            tally.choices.iter().map(|(c, n)| (c.clone(), *n)).collect();
        choices.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        StepFigures {
            step: id.to_owned(),
            visits: tally.visits,
            hesitation_median_s: quantile_s(&tally.hesitation_ms, 0.5),
            hesitation_p90_s: quantile_s(&tally.hesitation_ms, 0.9),
            decision_median_s: quantile_s(&tally.decision_ms, 0.5),
            decision_p90_s: quantile_s(&tally.decision_ms, 0.9),
            choices,
            backtracks: tally.backtracks,
            drop_offs: tally.drop_offs,
            hesitations_s: tally.hesitation_ms.iter().map(|ms| ms / 1000.0).collect(),
        }
    }
}

impl Friction {
    /// `hesitation ratio + backtrack rate + drop-off rate`, where the hesitation ratio is
    /// the step's median hesitation over the median of all steps' medians.
    fn rank(steps: &[StepFigures]) -> Vec<Friction> {
        let medians: Vec<f64> = steps.iter().filter_map(|s| s.hesitation_median_s).collect();
        let typical = stats::median(&medians).filter(|m| *m > 0.0);
        let mut ranked: Vec<Friction> = steps
            .iter()
            .filter(|s| {
                s.visits > 0 && (s.hesitation_median_s.is_some() || s.backtracks + s.drop_offs > 0)
            })
            .map(|s| {
                let visits = s.visits as f64;
                let hesitation = match (s.hesitation_median_s, typical) {
                    (Some(h), Some(t)) => h / t,
                    _ => 0.0,
                };
                let (backtracks, drop_offs) =
                    (s.backtracks as f64 / visits, s.drop_offs as f64 / visits);
                let reason = if drop_offs >= backtracks
                    && drop_offs * 2.0 >= hesitation
                    && drop_offs > 0.0
                {
                    FrictionReason::DropOffs(drop_offs)
                } else if backtracks * 2.0 >= hesitation && backtracks > 0.0 {
                    FrictionReason::Backtracks(backtracks)
                } else {
                    FrictionReason::Hesitation {
                        median_s: s.hesitation_median_s.unwrap_or(0.0),
                        ratio: hesitation,
                    }
                };
                Friction {
                    step: s.step.clone(),
                    score: hesitation + backtracks + drop_offs,
                    reason,
                }
            })
            .collect();
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.step.cmp(&b.step)));
        ranked.truncate(TOP_FRICTION);
        ranked
    }
}

impl Verdict {
    fn new(question: &str, tally: &AnswerTally) -> Self {
        let options: Vec<(String, usize)> = tally
            .option_order
            .iter()
            .map(|o| (o.clone(), tally.options[o]))
            .collect();
        let answered = options.iter().map(|(_, n)| n).sum::<usize>();
        let yes = tally
            .options
            .iter()
            .find(|(o, _)| o.eq_ignore_ascii_case("yes"))
            .map(|(_, count)| Share {
                count: *count,
                of: answered,
                interval: stats::adjusted_wald(*count as u64, answered as u64),
            });
        let mut distribution: BTreeMap<i64, usize> = BTreeMap::new();
        for n in &tally.numbers {
            *distribution.entry(*n as i64).or_default() += 1;
        }
        Verdict {
            question: question.to_owned(),
            answers: answered + tally.numbers.len() + tally.texts.len(),
            options,
            yes,
            scale: mean_of(&tally.numbers),
            distribution: distribution.into_iter().collect(),
            texts: tally.texts.clone(),
            standard: standard_score(question, &tally.numbers),
        }
    }
}

/// A standard questionnaire's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Standard {
    Nps(f64),
    /// SEQ's mean on 1-7, with its interval.
    Seq(f64, Interval),
    /// CSAT: the share of the top two answers of 5.
    Csat(f64),
}

impl Standard {
    pub fn text(self) -> String {
        match self {
            Standard::Nps(score) => format!("NPS {score:+.0}"),
            Standard::Seq(mean, i) => format!("SEQ {mean:.2} of 7 ({})", interval(i, 2)),
            Standard::Csat(share) => format!("CSAT {} (top two of 5)", percent(share)),
        }
    }
}

/// JSON keeps the score in words, as the report prints it.
impl Serialize for Standard {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

/// NPS for a question `nps` (0-10), CSAT for `csat` (top two of 1-5), SEQ for `seq` (1-7).
fn standard_score(question: &str, numbers: &[f64]) -> Option<Standard> {
    let answers: Vec<i64> = numbers.iter().map(|n| *n as i64).collect();
    match question {
        "nps" => stats::nps(&answers).map(Standard::Nps),
        "seq" => stats::mean_t_interval(numbers).map(|(m, i)| Standard::Seq(m, i)),
        "csat" => stats::csat_top_two(&answers, 5).map(Standard::Csat),
        _ => None,
    }
}
