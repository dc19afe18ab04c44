//! A study reported as one: progress against the target, the variants compared (between:
//! independent samples; within: paired, with order effects), the study's own questions,
//! and a decision summary that says what the study can tell and what it cannot yet.

pub mod markdown;
mod units;

use serde::Serialize;

use crate::flow::study::{Design, Study};
use crate::session::Session;
use crate::stats::{self, Interval, Sample, TestResult};
use crate::study::status::Status;
use units::Unit;

#[derive(Debug, Clone, Serialize)]
pub struct StudyReport {
    pub status: Status,
    /// Per variant: each counted participant's first session of it.
    pub variants: Vec<VariantFigures>,
    /// Every other variant against the first.
    pub comparisons: Vec<Comparison>,
    /// Within designs: each variant by the position it was played in.
    pub positions: Vec<PositionFigures>,
    pub questions: Vec<QuestionTally>,
    pub decision: Vec<Decision>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VariantFigures {
    pub variant: String,
    pub participants: usize,
    /// Participants who succeeded at every task of the variant.
    pub completed: usize,
    pub completion: Option<Interval>,
    /// Geometric mean of the completed participants' total task time, seconds, with its interval.
    pub time: Option<(f64, Interval)>,
}

/// A variant against the baseline (the study's first variant).
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub baseline: String,
    pub variant: String,
    /// Completion of the variant minus the baseline's, with its 95% interval.
    pub completion_difference: Option<(f64, Interval)>,
    /// Between: the N-1 two-proportion test; within: McNemar's exact test.
    pub completion_test: Option<TestResult>,
    /// Within: participants who completed with one of the two only (variant, baseline).
    pub discordant: Option<(u64, u64)>,
    /// Ratio of geometric mean times variant/baseline with its interval and test
    /// (between: Welch on logs; within: paired t on logs) and the number of participants.
    pub time_ratio: Option<(f64, Interval, TestResult)>,
    /// Participants per variant a between study would need to detect the observed
    /// completion difference (5%, 80% power).
    pub needed_per_variant: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PositionFigures {
    /// 1 for the variant played first.
    pub position: usize,
    pub participants: usize,
    pub completed: usize,
    pub time: Option<(f64, Interval)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionTally {
    pub id: String,
    pub ask: String,
    /// Each answer and how many gave it, per variant the answer was given in.
    pub answers: Vec<(String, String, usize)>,
}

/// One line of the decision, as data; renderers word it.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Decision {
    /// `better` did better than `worse` on completion: the interval excludes no difference.
    Completion {
        better: String,
        worse: String,
        difference: f64,
        interval: Interval,
    },
    /// `faster` was faster: the interval of the time ratio excludes 1.
    Time {
        faster: String,
        slower: String,
        ratio: f64,
        interval: Interval,
    },
    /// The study cannot tell the completion rates apart yet.
    CannotTell {
        baseline: String,
        variant: String,
        needed_per_variant: Option<u64>,
        more_per_variant: Option<u64>,
    },
    /// No counted participant yet.
    NoData,
}

/// The report of `study`, from every session recorded for it.
pub fn build(study: &Study, status: Status, sessions: &[Session]) -> StudyReport {
    let units = units::units(study, sessions);
    let names: Vec<String> = status.variants.iter().map(|v| v.name.clone()).collect();
    let variants: Vec<VariantFigures> = names.iter().map(|n| figures(n, &units)).collect();
    let comparisons: Vec<Comparison> = names
        .iter()
        .skip(1)
        .map(|n| compare(study.design, &names[0], n, &units))
        .collect();
    let positions = match study.design {
        Design::Within => positions(&units, names.len()),
        Design::Between => Vec::new(),
    };
    let decision = decide(&variants, &comparisons);
    StudyReport {
        status,
        variants,
        comparisons,
        positions,
        questions: units::questions(study, sessions),
        decision,
    }
}

fn of<'u>(units: &'u [Unit], variant: &'u str) -> impl Iterator<Item = &'u Unit> + 'u {
    units.iter().filter(move |u| u.variant == variant)
}

fn figures(variant: &str, units: &[Unit]) -> VariantFigures {
    let n = of(units, variant).count();
    let completed = of(units, variant).filter(|u| u.completed).count();
    let times: Sample = of(units, variant).filter_map(|u| u.time).collect();
    VariantFigures {
        variant: variant.to_owned(),
        participants: n,
        completed,
        completion: stats::adjusted_wald(completed as u64, n as u64),
        time: stats::geometric_mean(&times),
    }
}

fn compare(design: Design, baseline: &str, variant: &str, units: &[Unit]) -> Comparison {
    let count = |v: &str| {
        (
            of(units, v).filter(|u| u.completed).count() as u64,
            of(units, v).count() as u64,
        )
    };
    let ((xb, nb), (xv, nv)) = (count(baseline), count(variant));
    let rate = |x: u64, n: u64| (n > 0).then(|| x as f64 / n as f64);
    let difference = match (rate(xv, nv), rate(xb, nb)) {
        // agresti_caffo(x1, n1, x2, n2) is the interval of p2 - p1: the variant goes second.
        (Some(pv), Some(pb)) => stats::agresti_caffo(xb, nb, xv, nv).map(|i| (pv - pb, i)),
        _ => None,
    };
    let needed = match (rate(xv, nv), rate(xb, nb)) {
        (Some(pv), Some(pb)) => stats::two_proportion_sample_size(pv, pb),
        _ => None,
    };
    let mut comparison = Comparison {
        baseline: baseline.to_owned(),
        variant: variant.to_owned(),
        completion_difference: difference,
        completion_test: None,
        discordant: None,
        time_ratio: None,
        needed_per_variant: needed,
    };
    match design {
        Design::Between => {
            comparison.completion_test = stats::n_minus_one_two_proportion(xv, nv, xb, nb);
            let times = |v: &str| -> Sample { of(units, v).filter_map(|u| u.time).collect() };
            comparison.time_ratio = stats::geometric_mean_ratio(&times(baseline), &times(variant))
                .map(|(ratio, test, interval)| (ratio, interval, test));
        }
        Design::Within => paired(&mut comparison, units),
    }
    comparison
}

/// McNemar's exact test and the paired t on log times, over participants who played both.
fn paired(comparison: &mut Comparison, units: &[Unit]) {
    let pairs = units::pairs(units, &comparison.variant, &comparison.baseline);
    let only_v = pairs
        .iter()
        .filter(|(v, b)| v.completed && !b.completed)
        .count() as u64;
    let only_b = pairs
        .iter()
        .filter(|(v, b)| !v.completed && b.completed)
        .count() as u64;
    comparison.discordant = Some((only_v, only_b));
    comparison.completion_test = stats::mcnemar_exact(only_v, only_b);
    let (tv, tb): (Vec<f64>, Vec<f64>) = pairs
        .iter()
        .filter_map(|(v, b)| Some((v.time?, b.time?)))
        .unzip();
    comparison.time_ratio =
        stats::paired_log_t(&tv, &tb).map(|(ratio, test, interval)| (ratio, interval, test));
}

fn positions(units: &[Unit], count: usize) -> Vec<PositionFigures> {
    (1..=count)
        .map(|position| {
            let here: Vec<&Unit> = units.iter().filter(|u| u.position == position).collect();
            let times: Sample = here.iter().filter_map(|u| u.time).collect();
            PositionFigures {
                position,
                participants: here.len(),
                completed: here.iter().filter(|u| u.completed).count(),
                time: stats::geometric_mean(&times),
            }
        })
        .collect()
}

fn decide(variants: &[VariantFigures], comparisons: &[Comparison]) -> Vec<Decision> {
    if variants.iter().all(|v| v.participants == 0) {
        return vec![Decision::NoData];
    }
    let mut decision = Vec::new();
    for c in comparisons {
        let (b, v) = (c.baseline.clone(), c.variant.clone());
        match c.completion_difference {
            Some((d, i)) if i.low > 0.0 => decision.push(Decision::Completion {
                better: v.clone(),
                worse: b.clone(),
                difference: d,
                interval: i,
            }),
            Some((d, i)) if i.high < 0.0 => decision.push(Decision::Completion {
                better: b.clone(),
                worse: v.clone(),
                difference: -d,
                interval: Interval {
                    low: -i.high,
                    high: -i.low,
                },
            }),
            _ => {
                let have = variants
                    .iter()
                    .map(|f| f.participants as u64)
                    .min()
                    .unwrap_or(0);
                decision.push(Decision::CannotTell {
                    baseline: b.clone(),
                    variant: v.clone(),
                    needed_per_variant: c.needed_per_variant,
                    more_per_variant: c.needed_per_variant.map(|n| n.saturating_sub(have)),
                });
            }
        }
        match c.time_ratio {
            Some((r, i, _)) if i.high < 1.0 => decision.push(Decision::Time {
                faster: v,
                slower: b,
                ratio: r,
                interval: i,
            }),
            Some((r, i, _)) if i.low > 1.0 => decision.push(Decision::Time {
                faster: b,
                slower: v,
                ratio: 1.0 / r,
                interval: Interval {
                    low: 1.0 / i.high,
                    high: 1.0 / i.low,
                },
            }),
            _ => {}
        }
    }
    decision
}
