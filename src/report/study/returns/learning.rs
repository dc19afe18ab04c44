//! Per task and variant: completion and time by trial, the learning curves (power law
//! and exponential, pooled and per participant), trials to criterion, retention, and
//! the learning rates of the variants compared (docs/returns.md, docs/statistics.md).

use serde::Serialize;

use super::{VariantReturns, first_of_each};
use crate::flow::study::{Criterion, Study};
use crate::stats::{self, ExponentialFit, Interval, NoFit, PowerFit, Sample, TestResult};
use crate::study::returns::{TaskDone, Visited};

/// How one task was learned in one variant.
#[derive(Debug, Clone, Serialize)]
pub struct TaskLearning {
    pub task: String,
    pub trials: Vec<TrialFigures>,
    /// Fitted to every successful time of the scheduled trials, pooled.
    pub power: Fitted<PowerFit>,
    pub exponential: Fitted<ExponentialFit>,
    /// Each participant's own curves.
    pub participants: Vec<ParticipantFit>,
    /// The median of the participants' power-law rates, and how many were fitted.
    pub median_rate: Option<f64>,
    pub criterion: Option<ToCriterion>,
    pub retention: Option<Retention>,
}

/// A fit, or why there is none.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fitted<T> {
    Fit(T),
    None(NoFit),
}

impl<T> Fitted<T> {
    fn of(result: Result<T, NoFit>) -> Self {
        match result {
            Ok(fit) => Fitted::Fit(fit),
            Err(why) => Fitted::None(why),
        }
    }

    pub fn fit(&self) -> Option<&T> {
        match self {
            Fitted::Fit(fit) => Some(fit),
            Fitted::None(_) => None,
        }
    }
}

/// One trial of one task.
#[derive(Debug, Clone, Serialize)]
pub struct TrialFigures {
    pub trial: u32,
    pub retention: bool,
    pub participants: usize,
    pub completed: usize,
    pub completion: Option<Interval>,
    /// Geometric mean time of those who succeeded, with its interval (from two).
    pub time_s: Option<f64>,
    pub time_interval: Option<Interval>,
}

/// One participant's curves on one task.
#[derive(Debug, Clone, Serialize)]
pub struct ParticipantFit {
    pub participant: String,
    pub power: Fitted<PowerFit>,
    pub exponential: Fitted<ExponentialFit>,
    /// The first scheduled trial that met the study's criterion, if one did.
    pub trials_to_criterion: Option<u32>,
}

/// Trials to the study's criterion.
#[derive(Debug, Clone, Serialize)]
pub struct ToCriterion {
    /// Participants who met it, and the median trial they met it at.
    pub reached: usize,
    pub median_trials: Option<f64>,
    /// Participants who played every scheduled trial and never met it.
    pub never: usize,
    /// Participants still to play a trial who have not met it yet.
    pub not_yet: usize,
}

/// The last scheduled trial against the retention trial.
#[derive(Debug, Clone, Serialize)]
pub struct Retention {
    /// Participants who played both, the retention trial after its delay.
    pub pairs: usize,
    /// Retention trials played before the delay was over (`--early`): left out.
    pub early: usize,
    pub completed_before: usize,
    pub completed_after: usize,
    /// Of those who succeeded in both: how many, and the geometric mean of
    /// retention time / last time, with its 95% interval (above 1: slower after the delay).
    pub both_succeeded: usize,
    pub ratio: Option<f64>,
    pub interval: Option<Interval>,
}

/// A variant's learning rate against the first variant's, on one task.
#[derive(Debug, Clone, Serialize)]
pub struct RateComparison {
    pub task: String,
    pub baseline: String,
    pub variant: String,
    /// Within: paired on the participants who were fitted in both.
    pub paired: bool,
    pub n: (usize, usize),
    /// Mean rate of the variant minus the baseline's (power-law b).
    pub difference: f64,
    pub interval: Interval,
    pub test: TestResult,
}

/// A participant's points of one task: who, (session, seconds), sessions meeting the criterion.
type Points = (String, Vec<(f64, f64)>, Vec<u32>);

/// Each task's learning in the visits of one variant.
pub(super) fn tasks(study: &Study, visits: &[&Visited]) -> Vec<TaskLearning> {
    let mut names: Vec<&str> = Vec::new();
    for v in visits {
        for t in &v.tasks {
            if !names.contains(&t.task.as_str()) {
                names.push(&t.task);
            }
        }
    }
    names
        .into_iter()
        .map(|task| task_learning(study, visits, task))
        .collect()
}

/// The participant's first attempt at `task` in a visit.
fn attempt<'v>(visit: &'v Visited, task: &str) -> Option<&'v TaskDone> {
    visit.tasks.iter().find(|t| t.task == task)
}

/// A successful attempt's time.
fn success_time(done: &TaskDone) -> Option<f64> {
    done.time_s.filter(|t| done.success && *t > 0.0)
}

fn task_learning(study: &Study, visits: &[&Visited], task: &str) -> TaskLearning {
    let returns = &study.returns;
    let trials: Vec<TrialFigures> = (1..=returns.trials())
        .map(|trial| {
            let done: Vec<&TaskDone> = (first_of_each(visits, trial).iter())
                .filter_map(|v| attempt(v, task))
                .collect();
            let completed = done.iter().filter(|d| d.success).count();
            let times: Sample = done.iter().filter_map(|d| success_time(d)).collect();
            let middle = stats::geometric_middle(&times);
            TrialFigures {
                trial,
                retention: returns.is_retention(trial),
                participants: done.len(),
                completed,
                completion: stats::adjusted_wald(completed as u64, done.len() as u64),
                time_s: middle.map(|(m, _)| m),
                time_interval: middle.and_then(|(_, i)| i),
            }
        })
        .collect();
    // Points of the learning curve: each participant's successful scheduled trials.
    // Each participant, their points (session, seconds), and the sessions that met the criterion.
    let mut by_participant: Vec<Points> = Vec::new();
    for trial in 1..=returns.sessions {
        for v in first_of_each(visits, trial) {
            let Some(done) = attempt(v, task) else {
                continue;
            };
            let entry = match by_participant
                .iter()
                .position(|(p, _, _)| *p == v.participant)
            {
                Some(i) => &mut by_participant[i],
                None => {
                    by_participant.push((v.participant.clone(), Vec::new(), Vec::new()));
                    let last = by_participant.len() - 1;
                    &mut by_participant[last]
                }
            };
            if let Some(time) = success_time(done) {
                entry.1.push((f64::from(trial), time));
            }
            if meets(returns.criterion, done) {
                entry.2.push(trial);
            }
        }
    }
    by_participant.sort_by(|a, b| a.0.cmp(&b.0));
    let pooled: Vec<(f64, f64)> = by_participant
        .iter()
        .flat_map(|(_, p, _)| p.iter().copied())
        .collect();
    let participants: Vec<ParticipantFit> = (by_participant.iter())
        .map(|(who, points, met)| ParticipantFit {
            participant: who.clone(),
            power: Fitted::of(stats::power_fit(points)),
            exponential: Fitted::of(stats::exponential_fit(points)),
            trials_to_criterion: met.iter().min().copied(),
        })
        .collect();
    let rates: Sample = participants
        .iter()
        .filter_map(|p| p.power.fit().map(|f| f.b))
        .collect();
    let criterion = returns.criterion.map(|_| {
        let played_all = |who: &str| {
            (1..=returns.sessions).all(|t| {
                first_of_each(visits, t)
                    .iter()
                    .any(|v| v.participant == who)
            })
        };
        let reached: Sample = participants
            .iter()
            .filter_map(|p| p.trials_to_criterion.map(f64::from))
            .collect();
        let missing = participants
            .iter()
            .filter(|p| p.trials_to_criterion.is_none());
        let never = missing
            .clone()
            .filter(|p| played_all(&p.participant))
            .count();
        ToCriterion {
            reached: reached.len(),
            median_trials: stats::median(&reached),
            never,
            not_yet: missing.count() - never,
        }
    });
    TaskLearning {
        task: task.to_owned(),
        trials,
        // Pooled, a fit needs more points than parameters: two points say nothing of fit.
        power: Fitted::of(match pooled.len() > 2 {
            true => stats::power_fit(&pooled),
            false => Err(NoFit::TooFewPoints),
        }),
        exponential: Fitted::of(stats::exponential_fit(&pooled)),
        participants,
        median_rate: stats::median(&rates),
        criterion,
        retention: returns
            .retention_ms
            .map(|_| retention(visits, task, returns.sessions)),
    }
}

/// Whether an attempt meets the study's criterion.
fn meets(criterion: Option<Criterion>, done: &TaskDone) -> bool {
    match criterion {
        None => false,
        Some(Criterion::Success) => done.success,
        Some(Criterion::Within { ms }) => {
            success_time(done).is_some_and(|t| t * 1000.0 <= ms as f64)
        }
    }
}

fn retention(visits: &[&Visited], task: &str, last: u32) -> Retention {
    let before = first_of_each(visits, last);
    let after = first_of_each(visits, last + 1);
    let mut r = Retention {
        pairs: 0,
        early: 0,
        completed_before: 0,
        completed_after: 0,
        both_succeeded: 0,
        ratio: None,
        interval: None,
    };
    let mut log_ratios = Sample::new();
    for b in &before {
        let Some(a) = after.iter().find(|a| a.participant == b.participant) else {
            continue;
        };
        // Retention is what is kept over the delay: a retention trial before it measures none.
        if a.early {
            r.early += 1;
            continue;
        }
        let (Some(db), Some(da)) = (attempt(b, task), attempt(a, task)) else {
            continue;
        };
        r.pairs += 1;
        r.completed_before += usize::from(db.success);
        r.completed_after += usize::from(da.success);
        if let (Some(tb), Some(ta)) = (success_time(db), success_time(da)) {
            r.both_succeeded += 1;
            log_ratios.push((ta / tb).ln());
        }
    }
    r.ratio = log_ratios.mean().map(f64::exp);
    r.interval = stats::mean_t_interval(&log_ratios).map(|(_, i)| Interval {
        low: i.low.exp(),
        high: i.high.exp(),
    });
    r
}

/// Each other variant's per-participant power-law rates against the first variant's,
/// task by task: Welch's difference of means (between) or the paired t (within).
pub(super) fn compare_rates(within: bool, variants: &[VariantReturns]) -> Vec<RateComparison> {
    let Some((baseline, others)) = variants.split_first() else {
        return Vec::new();
    };
    let rates = |task: &TaskLearning| -> Vec<(String, f64)> {
        (task.participants.iter())
            .filter_map(|p| p.power.fit().map(|f| (p.participant.clone(), f.b)))
            .collect()
    };
    let mut compared = Vec::new();
    for other in others {
        for task in &other.tasks {
            let Some(base) = baseline.tasks.iter().find(|t| t.task == task.task) else {
                continue;
            };
            let (a, b) = (rates(base), rates(task));
            let found = match within {
                true => {
                    let pairs: Vec<(f64, f64)> = (a.iter())
                        .filter_map(|(p, x)| b.iter().find(|(q, _)| q == p).map(|(_, y)| (*x, *y)))
                        .collect();
                    let (xs, ys): (Vec<f64>, Vec<f64>) = pairs.iter().copied().unzip();
                    stats::paired_t(&xs, &ys)
                        .map(|(d, test, i)| (d, test, i, (pairs.len(), pairs.len())))
                }
                false => {
                    let xs: Sample = a.iter().map(|(_, x)| *x).collect();
                    let ys: Sample = b.iter().map(|(_, y)| *y).collect();
                    let d = ys.mean().zip(xs.mean()).map(|(y, x)| y - x);
                    stats::welch_difference(&xs, &ys)
                        .zip(d)
                        .map(|((test, i), d)| (d, test, i, (xs.len(), ys.len())))
                }
            };
            if let Some((difference, test, interval, n)) = found {
                compared.push(RateComparison {
                    task: task.task.clone(),
                    baseline: baseline.variant.clone(),
                    variant: other.variant.clone(),
                    paired: within,
                    n,
                    difference,
                    interval,
                    test,
                });
            }
        }
    }
    compared
}
