//! The returns section of a study's report (docs/returns.md): who came back for each
//! scheduled session, what they said against what they did, and how each task was
//! learned from trial to trial and kept after the retention delay. Every figure is
//! computed here, once, from the visits (`study::returns::Visited`); the renderers
//! only word it, and `mvx export --format long` writes the same visits as rows.

pub mod document;
mod learning;

use serde::Serialize;

pub use learning::{
    Fitted, ParticipantFit, RateComparison, Retention, TaskLearning, ToCriterion, TrialFigures,
};

use crate::flow::study::{Criterion, Design, Study, written_duration};
use crate::stats::{self, Interval, Sample};
use crate::study::returns::{Visited, rfc3339};

/// Everything the returns section says; absent for a study without returns.
#[derive(Debug, Clone, Serialize)]
pub struct ReturnsReport {
    /// Trials scheduled, the first included.
    pub sessions: u32,
    /// Trials in all, the retention trial included.
    pub trials: u32,
    /// The schedule, each entry in the largest unit that divides it (`0`, `1d`, `1w`).
    pub schedule: Vec<String>,
    pub retention: Option<String>,
    pub criterion: Option<Criterion>,
    /// The question of stated intention, and the answer that says yes.
    pub intention: Option<(String, String)>,
    /// The newest counted session's start among the study's sessions with returns: a
    /// session that opened by then was due.
    pub as_of: Option<String>,
    pub variants: Vec<VariantReturns>,
    /// Each other variant's learning rates against the first's, per task.
    pub rate_comparisons: Vec<RateComparison>,
}

/// One variant's returns and learning.
#[derive(Debug, Clone, Serialize)]
pub struct VariantReturns {
    pub variant: String,
    /// Participants who played its first trial.
    pub participants: usize,
    /// Per scheduled return (trial 2 on).
    pub returns: Vec<CameBack>,
    pub intention: Option<SaidAndDid>,
    pub tasks: Vec<TaskLearning>,
    /// The SUS learnability subscale per trial, where SUS was asked.
    pub sus_learnability: Vec<MeanByTrial>,
}

/// Who came back for one trial.
#[derive(Debug, Clone, Serialize)]
pub struct CameBack {
    pub trial: u32,
    pub retention: bool,
    /// Participants whose previous trial counted: they were told when to come back.
    pub invited: usize,
    /// Invited, not back, and their session had not opened by the report's `as_of`.
    pub not_due: usize,
    /// Invited and due (or back early): the rate's denominator.
    pub due: usize,
    pub returned: usize,
    /// Of those who came back, how many played before their session opened (`--early`).
    pub early: usize,
    /// returned / due, with its adjusted-Wald 95% interval.
    pub rate: Option<f64>,
    pub interval: Option<Interval>,
    /// Days from the start of their previous trial to this one, of those who came back.
    pub days_median: Option<f64>,
    pub days_min: Option<f64>,
    pub days_max: Option<f64>,
}

/// The stated intention at the first trial beside coming back for the second.
#[derive(Debug, Clone, Serialize)]
pub struct SaidAndDid {
    /// Participants who answered the question at their first trial.
    pub asked: usize,
    pub said_yes: usize,
    pub said_yes_interval: Option<Interval>,
    /// Of those who said yes, due for trial 2, and back.
    pub yes_due: usize,
    pub yes_returned: usize,
    /// Of the others, due for trial 2, and back.
    pub others_due: usize,
    pub others_returned: usize,
}

/// A mean by trial with its t interval (from two values).
#[derive(Debug, Clone, Serialize)]
pub struct MeanByTrial {
    pub trial: u32,
    pub n: usize,
    pub mean: f64,
    pub interval: Option<Interval>,
}

/// Repeat usage as the customer's numbers give it: who came back for their second
/// session, of those due, in one variant of a study with returns.
#[derive(Debug, Clone, Serialize)]
pub struct RepeatUsage {
    pub study: String,
    pub variant: String,
    pub returned: usize,
    pub due: usize,
    pub interval: Option<Interval>,
}

/// Each variant's repeat usage in `report` (of study `study`): its first return.
pub fn repeat_usage(study: &str, report: &ReturnsReport) -> Vec<RepeatUsage> {
    (report.variants.iter())
        .filter_map(|v| {
            let back = v.returns.first()?;
            Some(RepeatUsage {
                study: study.to_owned(),
                variant: v.variant.clone(),
                returned: back.returned,
                due: back.due,
                interval: back.interval,
            })
        })
        .collect()
}

/// The returns section of `study` from its visits (any order); None for a study
/// without returns. `names` are the study's variants, in its order.
pub fn build(study: &Study, names: &[String], visits: &[Visited]) -> Option<ReturnsReport> {
    let returns = &study.returns;
    if !returns.any() {
        return None;
    }
    let as_of_ms = visits.iter().map(|v| v.started_ms).max();
    let intention = (returns.intention.as_ref()).map(|(id, _)| (id.clone(), yes_label(study, id)));
    let variants: Vec<VariantReturns> = (names.iter())
        .map(|name| {
            let mine: Vec<&Visited> = visits.iter().filter(|v| v.variant == *name).collect();
            variant(study, name, &mine, as_of_ms, intention.as_ref())
        })
        .collect();
    let rate_comparisons = learning::compare_rates(study.design == Design::Within, &variants);
    Some(ReturnsReport {
        sessions: returns.sessions,
        trials: returns.trials(),
        schedule: returns
            .schedule_ms
            .iter()
            .map(|ms| written_duration(*ms))
            .collect(),
        retention: returns.retention_ms.map(written_duration),
        criterion: returns.criterion,
        intention,
        as_of: as_of_ms.map(rfc3339),
        variants,
        rate_comparisons,
    })
}

/// The first option of the intention question: the study's own, or the first flow's.
fn yes_label(study: &Study, id: &str) -> String {
    let first = |q: &crate::flow::Question| match &q.answer {
        crate::flow::Answer::Options(options) => options.first().map(|o| o.label.clone()),
        _ => None,
    };
    (study.questions.iter())
        .find(|q| q.id == id)
        .and_then(first)
        .unwrap_or_default()
}

fn variant(
    study: &Study,
    name: &str,
    visits: &[&Visited],
    as_of_ms: Option<i64>,
    intention: Option<&(String, String)>,
) -> VariantReturns {
    let returns = &study.returns;
    let at = |participant: &str, trial: u32| {
        visits
            .iter()
            .find(|v| v.participant == participant && v.trial == trial)
            .copied()
    };
    let firsts: Vec<&Visited> = first_of_each(visits, 1);
    let came_back: Vec<CameBack> = (2..=returns.trials())
        .map(|trial| {
            let before = first_of_each(visits, trial - 1);
            let invited: Vec<&&Visited> =
                before.iter().filter(|v| v.next_from_ms.is_some()).collect();
            let back: Vec<&Visited> = (invited.iter())
                .filter_map(|v| at(&v.participant, trial))
                .collect();
            let not_due = (invited.iter())
                .filter(|v| at(&v.participant, trial).is_none())
                .filter(|v| {
                    as_of_ms.is_none_or(|now| v.next_from_ms.is_some_and(|from| from > now))
                })
                .count();
            let due = invited.len() - not_due;
            let days: Sample = (back.iter())
                .filter_map(|v| v.since_previous_ms)
                .map(|ms| ms as f64 / 86_400_000.0)
                .collect();
            CameBack {
                trial,
                retention: returns.is_retention(trial),
                invited: invited.len(),
                not_due,
                due,
                returned: back.len(),
                early: back.iter().filter(|v| v.early).count(),
                rate: (due > 0).then(|| back.len() as f64 / due as f64),
                interval: stats::adjusted_wald(back.len() as u64, due as u64),
                days_median: stats::median(&days),
                days_min: days.first(),
                days_max: days.last(),
            }
        })
        .collect();
    let intention = intention
        .map(|(question, yes)| said_and_did(&firsts, question, yes, |p| at(p, 2), as_of_ms));
    let sus_learnability = (1..=returns.trials())
        .filter_map(|trial| {
            let values: Sample = (first_of_each(visits, trial).iter())
                .filter_map(|v| v.sus_learnability())
                .collect();
            mean_by_trial(trial, &values)
        })
        .collect();
    VariantReturns {
        variant: name.to_owned(),
        participants: firsts.len(),
        returns: came_back,
        intention,
        tasks: learning::tasks(study, visits),
        sus_learnability,
    }
}

/// Each participant's visit of `trial` (their first, if one was played twice).
pub(super) fn first_of_each<'v>(visits: &[&'v Visited], trial: u32) -> Vec<&'v Visited> {
    let mut found: Vec<&Visited> = Vec::new();
    for v in visits.iter().filter(|v| v.trial == trial) {
        match found.iter_mut().find(|f| f.participant == v.participant) {
            Some(f) if v.started_ms < f.started_ms => *f = v,
            Some(_) => {}
            None => found.push(v),
        }
    }
    found.sort_by(|a, b| a.participant.cmp(&b.participant));
    found
}

fn said_and_did<'v>(
    firsts: &[&'v Visited],
    question: &str,
    yes: &str,
    second: impl Fn(&str) -> Option<&'v Visited>,
    as_of_ms: Option<i64>,
) -> SaidAndDid {
    let mut said = SaidAndDid {
        asked: 0,
        said_yes: 0,
        said_yes_interval: None,
        yes_due: 0,
        yes_returned: 0,
        others_due: 0,
        others_returned: 0,
    };
    for v in firsts {
        let Some(answer) = v.answer(question) else {
            continue;
        };
        said.asked += 1;
        let is_yes = answer == yes;
        said.said_yes += usize::from(is_yes);
        let back = second(&v.participant).is_some();
        let opened = v
            .next_from_ms
            .is_some_and(|from| as_of_ms.is_some_and(|now| from <= now));
        if !(back || opened) {
            continue;
        }
        match is_yes {
            true => (said.yes_due += 1, said.yes_returned += usize::from(back)),
            false => (
                said.others_due += 1,
                said.others_returned += usize::from(back),
            ),
        };
    }
    said.said_yes_interval = stats::adjusted_wald(said.said_yes as u64, said.asked as u64);
    said
}

fn mean_by_trial(trial: u32, values: &Sample) -> Option<MeanByTrial> {
    let mean = values.mean()?;
    Some(MeanByTrial {
        trial,
        n: values.len(),
        mean,
        interval: stats::mean_t_interval(values).map(|(_, i)| i),
    })
}

#[cfg(test)]
mod tests;
