//! A study reported as one: progress against the target, the variants compared (between:
//! independent samples; within: paired, with order effects), the study's own questions,
//! and a decision summary that says what the study can tell and what it cannot yet.

pub mod document;
mod fold;
mod paired;
pub mod returns;
mod units;

pub use fold::{StudyFold, Summary};

use serde::Serialize;

use super::comparison::{self, ComparedFigure, Said};
use crate::flow::study::{Design, Margin, Study};
use crate::session::Session;
use crate::stats::{self, Interval, TestResult};
use crate::study::status::Status;
use paired::Folded;
use units::Units;

#[derive(Debug, Clone, Serialize)]
pub struct StudyReport {
    pub status: Status,
    /// Per variant: each counted participant's first session of it.
    pub variants: Vec<VariantFigures>,
    /// Every other variant against the first.
    pub comparisons: Vec<Comparison>,
    /// Within designs: each variant by the position it was played in.
    pub positions: Vec<PositionFigures>,
    /// Within designs of two variants: the period effect of the 2×2 crossover on time.
    pub period: Option<Period>,
    pub questions: Vec<QuestionTally>,
    pub decision: Vec<Decision>,
    /// The equivalence margins the study declares (`margin:`), when it declares any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub margin: Option<Margin>,
    /// Who came back and how each task was learned, in a study with returns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub returns: Option<returns::ReturnsReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VariantFigures {
    pub variant: String,
    pub participants: usize,
    /// Participants who succeeded at every task of the variant.
    pub completed: usize,
    pub completion: Option<Interval>,
    /// Geometric mean of the completed participants' total task time, seconds, with its
    /// interval (one completer's time alone, without one).
    pub time: Option<(f64, Option<Interval>)>,
}

/// A variant against the baseline (the study's first variant), judged by the same code
/// as a flow's variants (`report::comparison::against_baseline`): Holm's adjustment
/// across the variants, Campbell's rule for completion, every difference and statistic
/// signed variant − baseline.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub baseline: String,
    pub variant: String,
    /// Whether p-values were Holm-adjusted (three or more variants).
    pub holm: bool,
    /// Completion, then time, as a flow's comparison rows (figure, sides, difference,
    /// test, Holm-adjusted p, verdict).
    pub rows: Vec<ComparedFigure>,
    /// Completion of the variant minus the baseline's, with its 95% interval.
    pub completion_difference: Option<(f64, Interval)>,
    /// Between: Campbell's rule (N-1 two-proportion test, or Fisher–Irwin with an
    /// expected count under 1); within: McNemar's mid-p test.
    pub completion_test: Option<TestResult>,
    /// Within: McNemar's exact conditional test, shown beside the mid-p.
    pub completion_exact: Option<TestResult>,
    /// Within: participants who completed with one of the two only (variant, baseline).
    pub discordant: Option<(u64, u64)>,
    /// Ratio of geometric mean times variant/baseline with its interval and test
    /// (between: Welch on logs; within: paired t on logs). The interval and test are
    /// null where none can run: in a within study whose every pair has the same ratio,
    /// the ratio alone.
    pub time_ratio: Option<(f64, Option<Interval>, Option<TestResult>)>,
    /// Participants per variant a between study would need to detect the observed
    /// completion difference (5%, 80% power); None in a within study.
    pub needed_per_variant: Option<u64>,
    /// Within: participants in all (each trying both) a within study would need to
    /// detect the observed discordant shares (Connor 1987; 5%, 80% power).
    pub needed_in_all: Option<u64>,
    /// Within: what each paired row rests on, in the rows' order.
    pub basis: Vec<Basis>,
    /// Between, with a `margin:`: two one-sided tests of completion, then time, against
    /// the declared margins (`stats::equivalence`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub equivalence: Vec<EquivalenceCheck>,
}

/// Two one-sided tests of one figure against the study's margin: completion (variant −
/// baseline within ±`margin`, a share) or time (variant/baseline within 1/`margin` to
/// `margin`); the 90% interval decides.
#[derive(Debug, Clone, Serialize)]
pub struct EquivalenceCheck {
    /// `completion` or `time`.
    pub figure: String,
    pub margin: f64,
    #[serde(flatten)]
    pub tost: stats::Tost,
}

/// What a paired row rests on: `pairs` of the `of` participants who tried both
/// (completion: all of them; time: those who succeeded with both; a questionnaire:
/// those who answered it with both).
#[derive(Debug, Clone, Serialize)]
pub struct Basis {
    pub figure: String,
    pub pairs: usize,
    pub of: usize,
}

/// The period effect of a 2×2 crossover, on the log times of the participants who
/// succeeded with both: second session's time over the first's, with its interval
/// and the pooled two-sample t of the two order groups (`stats::crossover_period`).
#[derive(Debug, Clone, Serialize)]
pub struct Period {
    /// Participants who met the baseline first, and the variant first.
    pub groups: (usize, usize),
    pub ratio: f64,
    pub interval: Interval,
    pub test: TestResult,
}

#[derive(Debug, Clone, Serialize)]
pub struct PositionFigures {
    /// 1 for the variant played first.
    pub position: usize,
    pub participants: usize,
    pub completed: usize,
    pub time: Option<(f64, Option<Interval>)>,
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
    /// `better` completed more often than `worse`: the comparison's verdict.
    Completion {
        better: String,
        worse: String,
        difference: f64,
        interval: Interval,
        /// The p the verdict rests on, Holm-adjusted where `holm`.
        p: f64,
        holm: bool,
        /// Within: the participants who tried both, the pairs it rests on.
        pairs: Option<usize>,
        /// One participant's outcome changed would undo it (fragility index 1).
        fragile: bool,
    },
    /// `faster` was faster: the comparison's verdict; the ratio is faster/slower.
    Time {
        faster: String,
        slower: String,
        ratio: f64,
        interval: Interval,
        p: f64,
        holm: bool,
        /// Within: the pairs where both succeeded, of those who tried both.
        pairs: Option<(usize, usize)>,
    },
    /// The study cannot tell the completion rates apart yet.
    CannotTell {
        baseline: String,
        variant: String,
        needed_per_variant: Option<u64>,
        more_per_variant: Option<u64>,
        /// Within: participants in all a within study needs (Connor 1987), and how
        /// many more than tried both so far.
        needed_in_all: Option<(u64, u64)>,
    },
    /// What a declared margin says of `variant` against `baseline`: one line per figure.
    Equivalence {
        baseline: String,
        variant: String,
        check: EquivalenceCheck,
    },
    /// No counted participant yet.
    NoData,
}

/// The report of `study`, from every session recorded for it.
pub fn build(study: &Study, status: Status, sessions: &[Session]) -> StudyReport {
    let mut fold = StudyFold::default();
    sessions
        .iter()
        .filter_map(Summary::of)
        .filter(|s| s.study == study.id)
        .for_each(|s| fold.add(s));
    build_from(study, status, &fold)
}

/// The report of `study`, from its sessions folded (`StudyFold`).
pub fn build_from(study: &Study, mut status: Status, fold: &StudyFold) -> StudyReport {
    let units = fold.units(study.design);
    let names: Vec<String> = status.variants.iter().map(|v| v.name.clone()).collect();
    let variants: Vec<VariantFigures> = names.iter().map(|n| figures(n, units)).collect();
    // Within: each variant's pairs with the baseline, folded once.
    let folded: Vec<Folded> = match (study.design, names.split_first()) {
        (Design::Within, Some((baseline, others))) => (others.iter())
            .map(|v| Folded::of(units, baseline, v, study.margin.time.is_some()))
            .collect(),
        _ => Vec::new(),
    };
    let mut comparisons = compare_all(study.design, &names, units, &folded);
    for c in &mut comparisons {
        let i = names.iter().skip(1).position(|n| *n == c.variant);
        let paired = i.and_then(|i| folded.get(i));
        c.equivalence = equivalence(study.margin, &c.baseline, &c.variant, units, paired);
    }
    // Last, once the pairs have been read back (or not).
    status.unreadable.extend(fold.problem(study.design));
    let positions = match study.design {
        Design::Within => positions(units, names.len()),
        Design::Between => Vec::new(),
    };
    let decision = decide(&variants, &comparisons);
    StudyReport {
        status,
        variants,
        comparisons,
        positions,
        period: match (study.design, names.as_slice(), folded.as_slice()) {
            (Design::Within, [_, _], [f]) => paired::period(f),
            _ => None,
        },
        questions: fold.questions(study),
        decision,
        margin: (study.margin != Margin::default()).then_some(study.margin),
        returns: returns::build(study, &names, &fold.visits),
    }
}

/// Two one-sided tests of `variant` against `baseline` for each margin declared: on
/// independent groups in a between study, on the participants who tried both in a
/// within study (pair by pair, as the comparison's rows: `paired`, their pairs folded).
fn equivalence(
    margin: Margin,
    baseline: &str,
    variant: &str,
    units: &Units,
    paired: Option<&Folded>,
) -> Vec<EquivalenceCheck> {
    let check = |figure: &str, margin: f64, tost: Option<stats::Tost>| {
        tost.map(|tost| EquivalenceCheck {
            figure: figure.to_owned(),
            margin,
            tost,
        })
    };
    let (completion, time) = match paired {
        None => {
            let count = |v: &str| {
                let g = units.of(v);
                (g.completed as u64, g.participants as u64)
            };
            let times = |v: &str| &units.of(v).times;
            let ((xb, nb), (xv, nv)) = (count(baseline), count(variant));
            (
                margin
                    .completion
                    .map(|m| (m, stats::tost_proportions(xb, nb, xv, nv, m))),
                margin
                    .time
                    .map(|r| (r, stats::tost_log_times(times(baseline), times(variant), r))),
            )
        }
        Some(f) => {
            let c = f.counts();
            let times = f.listed().unwrap_or_default();
            (
                margin.completion.map(|m| {
                    let tost =
                        stats::tost_paired_proportions(c.only_variant, c.only_baseline, c.pairs, m);
                    (m, tost)
                }),
                margin
                    .time
                    .map(|r| (r, stats::tost_paired_log_times(times, r))),
            )
        }
    };
    let completion = completion.and_then(|(m, tost)| check("completion", m, tost));
    let time = time.and_then(|(r, tost)| check("time", r, tost));
    completion.into_iter().chain(time).collect()
}

fn figures(variant: &str, units: &Units) -> VariantFigures {
    let g = units.of(variant);
    VariantFigures {
        variant: variant.to_owned(),
        participants: g.participants,
        completed: g.completed,
        completion: stats::adjusted_wald(g.completed as u64, g.participants as u64),
        time: stats::geometric_middle(&g.times),
    }
}

/// Every other variant against the first, through the comparison a flow's variants get.
/// `folded`: within, each other variant's pairs with the baseline, in their order.
fn compare_all(
    design: Design,
    names: &[String],
    units: &Units,
    folded: &[Folded],
) -> Vec<Comparison> {
    let Some((baseline, others)) = names.split_first() else {
        return Vec::new();
    };
    let compared: Vec<(String, Vec<ComparedFigure>)> = (others.iter().enumerate())
        .map(|(i, variant)| {
            let rows = match folded.get(i) {
                Some(f) => paired::rows(baseline, variant, units, f),
                None => rows(baseline, variant, units),
            };
            (variant.clone(), rows)
        })
        .collect();
    let holm = compared.len() > 1;
    let paired_of = |variant: &str| {
        let i = others.iter().position(|v| v == variant)?;
        folded.get(i)
    };
    comparison::against_baseline(baseline, compared)
        .into_iter()
        .map(|(variant, rows)| {
            let folded = paired_of(&variant);
            let paired = folded.map(Folded::counts);
            let discordant = paired.map(|c| (c.only_variant, c.only_baseline));
            let count = |v: &str| {
                let g = units.of(v);
                let (x, n) = (g.completed, g.participants);
                (n > 0).then(|| x as f64 / n as f64)
            };
            let needed = count(&variant)
                .zip(count(baseline))
                .and_then(|(pv, pb)| stats::completion_sample_size(pv, pb))
                .filter(|_| design == Design::Between);
            let needed_in_all = paired.and_then(|c| {
                let share = |x: u64| x as f64 / c.pairs as f64;
                (c.pairs > 0)
                    .then(|| {
                        stats::paired_sample_size(share(c.only_variant), share(c.only_baseline))
                    })
                    .flatten()
            });
            let completion = rows.first();
            let time = rows.get(1);
            Comparison {
                baseline: baseline.clone(),
                completion_difference: completion
                    .and_then(|r| r.difference)
                    .and_then(|d| Some((d.value, d.interval?))),
                completion_test: completion.and_then(|r| r.test),
                completion_exact: paired
                    .and_then(|c| stats::mcnemar_exact(c.only_variant, c.only_baseline)),
                discordant,
                time_ratio: time
                    .and_then(|r| Some((r.difference?.value, r.difference?.interval, r.test))),
                needed_per_variant: needed,
                needed_in_all,
                basis: folded.map_or_else(Vec::new, |f| paired::basis(f, &rows)),
                equivalence: Vec::new(),
                variant,
                holm,
                rows,
            }
        })
        .collect()
}

/// Completion and time of `variant` against `baseline` as independent groups (between;
/// within, `paired::rows`).
fn rows(baseline: &str, variant: &str, units: &Units) -> Vec<ComparedFigure> {
    let count = |v: &str| (units.of(v).completed, units.of(v).participants);
    let (a, b) = (count(baseline), count(variant));
    let (ta, tb) = (&units.of(baseline).times, &units.of(variant).times);
    vec![
        comparison::shares_of("", a, b),
        comparison::times_of("", ta, tb),
    ]
}

fn positions(units: &Units, count: usize) -> Vec<PositionFigures> {
    (1..=count)
        .map(|position| {
            let here = units.at(position);
            PositionFigures {
                position,
                participants: here.participants,
                completed: here.completed,
                time: stats::geometric_middle(&here.times),
            }
        })
        .collect()
}

/// The decision as the comparison rows' verdicts say it: a side that completed more
/// often or was faster, else what the study cannot tell yet.
fn decide(variants: &[VariantFigures], comparisons: &[Comparison]) -> Vec<Decision> {
    if variants.iter().all(|v| v.participants == 0) {
        return vec![Decision::NoData];
    }
    let mut decision = Vec::new();
    for c in comparisons {
        let (b, v) = (&c.baseline, &c.variant);
        // "How many more" of the two compared, not of a third variant with fewer.
        let have = variants
            .iter()
            .filter(|f| f.variant == *b || f.variant == *v)
            .map(|f| f.participants as u64)
            .min()
            .unwrap_or(0);
        let other = |winner: &str| if winner == v { b.clone() } else { v.clone() };
        // Said of the side that did better: a difference negated, a ratio inverted.
        let said_of =
            |winner: &str, value: f64, i: Interval, turn: fn(f64) -> f64| match winner == v {
                true => (value, i),
                false => (
                    turn(value),
                    Interval {
                        low: turn(i.high),
                        high: turn(i.low),
                    },
                ),
            };
        let completion = c.rows.first();
        match completion.and_then(won) {
            Some((winner, p, d, i)) => {
                let (difference, interval) = said_of(&winner, d, i, |x| -x);
                decision.push(Decision::Completion {
                    worse: other(&winner),
                    better: winner,
                    difference,
                    interval,
                    p,
                    holm: c.holm,
                    pairs: c.basis.first().map(|b| b.of),
                    fragile: completion.and_then(ComparedFigure::fragile).is_some(),
                });
            }
            None => decision.push(Decision::CannotTell {
                baseline: b.clone(),
                variant: v.clone(),
                needed_per_variant: c.needed_per_variant,
                more_per_variant: c.needed_per_variant.map(|n| n.saturating_sub(have)),
                needed_in_all: c.needed_in_all.map(|n| {
                    let tried_both = c.basis.first().map_or(0, |b| b.of) as u64;
                    (n, n.saturating_sub(tried_both))
                }),
            }),
        }
        if let Some((winner, p, r, i)) = c.rows.get(1).and_then(won) {
            // The ratio is variant/baseline; said of the faster side, it is faster/slower.
            let (ratio, interval) = said_of(&winner, r, i, |x| 1.0 / x);
            decision.push(Decision::Time {
                slower: other(&winner),
                faster: winner,
                ratio,
                interval,
                p,
                holm: c.holm,
                pairs: c.basis.get(1).map(|b| (b.pairs, b.of)),
            });
        }
        decision.extend(c.equivalence.iter().map(|check| Decision::Equivalence {
            baseline: b.clone(),
            variant: v.clone(),
            check: check.clone(),
        }));
    }
    decision
}

/// The side a row's verdict found better, the p it rests on, and the difference
/// (variant − baseline) with its interval.
fn won(row: &ComparedFigure) -> Option<(String, f64, f64, Interval)> {
    let d = row.difference?;
    match &row.verdict {
        Said::Different { winner, p, .. } => Some((winner.clone(), *p, d.value, d.interval?)),
        _ => None,
    }
}
