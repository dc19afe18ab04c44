//! The figures of one flow version, computed from its tally.

mod paths;

use std::collections::BTreeMap;

use serde::Serialize;

use super::summary::{Summary, SummaryItem};
use super::tally::{Note, StepTally, Tally, TaskTally};
use super::verdicts::{Mean, Share, Verdict, mean_of};
use crate::format::{self, percent, seconds};
use crate::session::{TaskEnding, TaskOutcome};
use crate::stats::{self, Interval, Questionnaire, Questionnaires, Sample};
use paths::paths_and_funnel;

const TOP_FRICTION: usize = 5;
/// A step needs this many visits before it can head the summary or the friction ranking.
pub const MIN_VISITS: usize = 3;

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
    /// Each questionnaire scored from its items (SUS, UMUX-Lite, ...): in JSON, a key
    /// per questionnaire (`sus`, `umux_lite`), null when no session answered them all.
    #[serde(flatten)]
    pub scores: Scores,
    /// The questionnaires this version was scored with.
    #[serde(skip)]
    pub questionnaires: Questionnaires,
    /// Its sessions belong to a within study (`Tally::within_study`).
    #[serde(skip)]
    pub within_study: bool,
    /// The hesitation under which a move was an anticipation (`Tally::anticipation_ms`).
    #[serde(skip)]
    pub anticipation_ms: u64,
    pub notes: Vec<Note>,
}

/// A questionnaire's scores over the sessions that answered every item.
#[derive(Debug)]
pub struct Score {
    pub questionnaire: &'static Questionnaire,
    /// The mean score with its t interval, kept within the score's range.
    pub mean: Option<Mean>,
    pub scores: Sample,
}

/// Every questionnaire's score, in the table's order.
#[derive(Debug, Default)]
pub struct Scores(pub Vec<Score>);

impl Scores {
    /// The score of the questionnaire `id` (`sus`), when any session answered it all.
    pub fn of(&self, id: &str) -> Option<&Mean> {
        self.0
            .iter()
            .find(|s| s.questionnaire.id == id)
            .and_then(|s| s.mean.as_ref())
    }
}

/// A key per questionnaire, as the report's JSON has always named SUS and UMUX-Lite.
impl Serialize for Scores {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for score in &self.0 {
            map.serialize_entry(score.questionnaire.key, &score.mean)?;
        }
        map.end()
    }
}

#[derive(Debug, Serialize)]
pub struct Sessions {
    pub total: usize,
    pub complete: usize,
    pub aborted: usize,
    /// Recordings that stopped without an end: a crash, a kill, or still running.
    pub cut_off: usize,
    /// Later sessions of participants already counted, left out of every figure.
    pub repeats_left_out: usize,
}

#[derive(Debug, Serialize)]
pub struct TaskFigures {
    pub task: String,
    /// Every attempt started.
    pub attempts: usize,
    /// Attempts counted in completion and the tests: technical endings left out.
    pub counted: usize,
    /// Attempts ended by the recording (researcher's abort, signal, cut-off file), not counted.
    pub technical: usize,
    pub successes: usize,
    pub completion: Option<Interval>,
    /// Succeeded without a backtrack, of counted attempts.
    pub direct_success: Share,
    /// Succeeded after at least one backtrack.
    pub indirect_success: usize,
    /// Ended on a step that is not a success (any outcome word), or technically when counted.
    pub failures: usize,
    pub gave_up: usize,
    pub timed_out: usize,
    /// Treejack's directness: counted attempts without a backtrack, whatever the outcome.
    pub directness: Share,
    /// Counted attempts whose first choice lay on an expected path, of those with a move.
    pub first_choice_right: Option<Share>,
    /// Smith's lostness, mean over counted successful attempts (0 best; above 0.5 lost).
    pub lostness: Option<Mean>,
    /// Attempts by outcome: success, failure, an end step's word, abandoned, timeout,
    /// aborted, cut off.
    pub outcomes: BTreeMap<TaskEnding, usize>,
    /// Seconds, successful attempts only.
    pub time_geometric_mean_s: Option<f64>,
    pub time_interval_s: Option<Interval>,
    pub time_median_s: Option<f64>,
    /// The median's 95% interval from order statistics (six times or more).
    pub time_median_interval_s: Option<Interval>,
    /// Every successful attempt's time, in seconds, for comparing variants; JSON lists
    /// them all, shortest first.
    pub success_times_s: Sample,
    pub paths: Vec<PathCount>,
    /// Attempts that walked each prefix of the funnel's path (in order, detours
    /// allowed): it never rises.
    pub funnel: Vec<(String, usize)>,
    /// The funnel follows an expected path; else the most frequent successful path.
    #[serde(skip)]
    pub funnel_expected: bool,
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
    /// Sessions that showed the step at least once.
    pub sessions_reached: usize,
    pub hesitation_median_s: Option<f64>,
    pub hesitation_p90_s: Option<f64>,
    pub decision_median_s: Option<f64>,
    pub decision_p90_s: Option<f64>,
    /// Moves faster than a person responds (`tally::ANTICIPATION_MS`), left out of the
    /// hesitation and decision figures above.
    #[serde(skip_serializing_if = "is_zero")]
    pub anticipations: usize,
    pub choices: Vec<(String, usize)>,
    pub backtracks: usize,
    pub drop_offs: usize,
    /// Every hesitation on the step, in seconds, for strip plots; JSON lists them all,
    /// shortest first.
    pub hesitations_s: Sample,
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
                "median hesitation {}, {} the typical step",
                seconds(median_s),
                format::multiple(ratio, 1)
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

impl FlowVersion {
    pub(super) fn new(variant: Option<String>, sha256: String, tally: &Tally) -> Self {
        let tasks: Vec<TaskFigures> = tally
            .tasks
            .iter()
            .map(|(id, t)| TaskFigures::new(id, t, tally.count_technical))
            .collect();
        let steps: Vec<StepFigures> = tally
            .step_order()
            .into_iter()
            .map(|id| StepFigures::new(id, &tally.steps[id]))
            .collect();
        let friction = Friction::rank(&steps);
        let verdicts: Vec<Verdict> = tally
            .questions
            .in_order()
            .into_iter()
            .map(|q| {
                let scale = tally.scales.get(q).copied();
                Verdict::new(q, &tally.answers[q], scale, tally.questionnaires)
            })
            .collect();
        let sessions = Sessions {
            total: tally.sessions,
            complete: tally.complete,
            aborted: tally.aborted,
            cut_off: tally.cut_off,
            repeats_left_out: tally.repeats_left_out,
        };
        let empty = Sample::new();
        let scores = tally.questionnaires.totals().enumerate().map(|(i, q)| {
            let scores = tally.scores.get(i).unwrap_or(&empty);
            Score {
                questionnaire: q,
                mean: mean_of(scores, Some(q.range)),
                scores: scores.clone(),
            }
        });
        let mut version = FlowVersion {
            variant,
            sha256,
            sessions,
            summary: Summary::default(),
            tasks,
            steps,
            friction,
            verdicts,
            scores: Scores(scores.collect()),
            questionnaires: tally.questionnaires,
            within_study: tally.within_study,
            anticipation_ms: tally.anticipation_ms(),
            notes: {
                // Sessions in the order played, each one's notes by their time.
                let mut notes: Vec<_> = tally.notes.iter().collect();
                notes.sort_by_key(|(seen, note)| (*seen, note.at_ms));
                notes.into_iter().map(|(_, note)| note.clone()).collect()
            },
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
                attempts: task.counted,
                interval: task.completion,
                technical: task.technical,
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
                .filter(|s| s.visits >= MIN_VISITS)
                .filter_map(|s| s.hesitation_median_s.map(|h| (s, h)))
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(step, hesitation)| SummaryItem::SlowestStep {
                    step: step.step.clone(),
                    median_hesitation_s: hesitation,
                    n: step.hesitations_s.len(),
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
fn quantile_s(values_ms: &Sample, p: f64) -> Option<f64> {
    stats::quantile(values_ms, p).map(|ms| ms / 1000.0)
}

fn joined<S: serde::Serializer>(steps: &[String], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format::path(steps))
}

impl TaskFigures {
    fn new(id: &str, tally: &TaskTally, count_technical: bool) -> Self {
        let count = |ending: TaskEnding| tally.outcomes.get(&ending).copied().unwrap_or(0);
        let successes = count(TaskEnding::SUCCESS);
        let (gave_up, timed_out) = (
            count(TaskEnding::Ended(TaskOutcome::Abandoned)),
            count(TaskEnding::Ended(TaskOutcome::Timeout)),
        );
        let counted = tally.counted();
        let times_s = tally.success_ms.map(|ms| ms / 1000.0);
        let geometric = stats::geometric_middle(&times_s);
        let (paths, funnel, funnel_expected) = paths_and_funnel(tally, count_technical);
        let lostness = mean_of(&tally.lostness, Some((0.0, std::f64::consts::SQRT_2)));
        TaskFigures {
            task: id.to_owned(),
            attempts: tally.attempts,
            counted,
            technical: if count_technical { 0 } else { tally.technical },
            successes,
            completion: stats::adjusted_wald(successes as u64, counted as u64),
            direct_success: Share::new(tally.direct, counted),
            indirect_success: successes - tally.direct.min(successes),
            failures: counted.saturating_sub(successes + gave_up + timed_out),
            gave_up,
            timed_out,
            directness: Share::new(tally.no_backtrack, counted),
            first_choice_right: (tally.first_judged > 0)
                .then(|| Share::new(tally.first_right, tally.first_judged)),
            lostness,
            outcomes: tally.outcomes.clone(),
            time_geometric_mean_s: geometric.map(|(g, _)| g),
            time_interval_s: geometric.and_then(|(_, i)| i),
            time_median_s: stats::median(&times_s),
            time_median_interval_s: stats::median_interval(&times_s),
            success_times_s: times_s,
            paths,
            funnel,
            funnel_expected,
        }
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl StepFigures {
    fn new(id: &str, tally: &StepTally) -> Self {
        let mut choices: Vec<(String, usize)> =
            tally.choices.iter().map(|(c, n)| (c.clone(), *n)).collect();
        choices.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        StepFigures {
            step: id.to_owned(),
            visits: tally.visits,
            sessions_reached: tally.sessions_reached,
            hesitation_median_s: quantile_s(&tally.hesitation_ms, 0.5),
            hesitation_p90_s: quantile_s(&tally.hesitation_ms, 0.9),
            decision_median_s: quantile_s(&tally.decision_ms, 0.5),
            decision_p90_s: quantile_s(&tally.decision_ms, 0.9),
            anticipations: tally.anticipations,
            choices,
            backtracks: tally.backtracks,
            drop_offs: tally.drop_offs,
            hesitations_s: tally.hesitation_ms.map(|ms| ms / 1000.0),
        }
    }
}

impl Friction {
    /// `hesitation ratio + backtrack rate + drop-off rate`, where the hesitation ratio is
    /// the step's median hesitation over the median of all steps' medians.
    fn rank(steps: &[StepFigures]) -> Vec<Friction> {
        let medians: Sample = steps.iter().filter_map(|s| s.hesitation_median_s).collect();
        let typical = stats::median(&medians).filter(|m| *m > 0.0);
        let mut ranked: Vec<Friction> = steps
            .iter()
            .filter(|s| {
                s.visits >= MIN_VISITS
                    && (s.hesitation_median_s.is_some() || s.backtracks + s.drop_offs > 0)
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
