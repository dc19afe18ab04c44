//! Two variants of a flow compared: each figure side by side, its difference and a test.

use serde::Serialize;

use super::figures::{FlowVersion, Share, TaskFigures, Verdict};
use crate::format::{p_value, points, seconds, seconds_difference};
use crate::stats::{self, TestResult};

/// Below this p-value a difference is reported as one; above, as too small to tell.
const ALPHA: f64 = 0.05;

/// Two variants side by side, each figure with its difference and a test.
#[derive(Debug, Serialize)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    pub rows: Vec<ComparedFigure>,
}

#[derive(Debug, Serialize)]
pub struct ComparedFigure {
    pub figure: String,
    pub a: String,
    pub b: String,
    pub difference: String,
    pub test: Option<TestResult>,
    /// In words: which did better, or that the samples are too small to tell.
    pub verdict: String,
}

impl Comparison {
    /// Compares the most-played version of the first two variants.
    pub(super) fn between_variants(versions: &[FlowVersion]) -> Option<Comparison> {
        let mut firsts: Vec<&FlowVersion> = Vec::new();
        for version in versions {
            if !firsts.iter().any(|f| f.variant == version.variant) {
                firsts.push(version);
            }
        }
        let [a, b] = firsts.get(..2)? else {
            return None;
        };
        let mut rows = Vec::new();
        for task in &a.tasks {
            if let Some(other) = b.tasks.iter().find(|t| t.task == task.task) {
                rows.push(compare_completion(task, other, a, b));
                rows.extend(compare_times(task, other, a, b));
            }
        }
        for verdict in &a.verdicts {
            if let Some(other) = b.verdicts.iter().find(|v| v.question == verdict.question) {
                rows.extend(compare_yes(verdict, other, a, b));
                rows.extend(compare_verdict(verdict, other, a, b));
            }
        }
        Some(Comparison {
            a: a.variant_name(),
            b: b.variant_name(),
            rows,
        })
    }
}

fn compare_completion(
    ta: &TaskFigures,
    tb: &TaskFigures,
    a: &FlowVersion,
    b: &FlowVersion,
) -> ComparedFigure {
    let rate = |t: &TaskFigures| {
        if t.attempts == 0 {
            0.0
        } else {
            t.successes as f64 / t.attempts as f64
        }
    };
    let test = stats::n_minus_one_two_proportion(
        ta.successes as u64,
        ta.attempts as u64,
        tb.successes as u64,
        tb.attempts as u64,
    );
    ComparedFigure {
        figure: format!("`{}` completion", ta.task),
        a: format!("{}/{}", ta.successes, ta.attempts),
        b: format!("{}/{}", tb.successes, tb.attempts),
        difference: points(rate(ta) - rate(tb)),
        test,
        verdict: in_words(
            test,
            rate(ta) - rate(tb),
            &a.variant_name(),
            &b.variant_name(),
            "completed more often",
        ),
    }
}

/// Welch's t-test on log times of successful attempts; the figures are geometric means.
fn compare_times(
    ta: &TaskFigures,
    tb: &TaskFigures,
    a: &FlowVersion,
    b: &FlowVersion,
) -> Option<ComparedFigure> {
    let (ga, gb) = (ta.time_geometric_mean_s?, tb.time_geometric_mean_s?);
    let logs = |t: &TaskFigures| t.success_times_s.iter().map(|s| s.ln()).collect::<Vec<_>>();
    let test = stats::welch_t(&logs(ta), &logs(tb));
    Some(ComparedFigure {
        figure: format!("`{}` time (geometric mean)", ta.task),
        a: seconds(ga),
        b: seconds(gb),
        difference: seconds_difference(ga - gb),
        test,
        // Faster is better: the sign is turned so the quicker variant is named.
        verdict: in_words(
            test,
            gb - ga,
            &a.variant_name(),
            &b.variant_name(),
            "was faster",
        ),
    })
}

/// The N-1 test on the share of "Yes" answers.
fn compare_yes(
    va: &Verdict,
    vb: &Verdict,
    a: &FlowVersion,
    b: &FlowVersion,
) -> Option<ComparedFigure> {
    let (ya, yb) = (va.yes.as_ref()?, vb.yes.as_ref()?);
    let share = |y: &Share| {
        if y.of == 0 {
            0.0
        } else {
            y.count as f64 / y.of as f64
        }
    };
    let test = stats::n_minus_one_two_proportion(
        ya.count as u64,
        ya.of as u64,
        yb.count as u64,
        yb.of as u64,
    );
    Some(ComparedFigure {
        figure: format!("`{}` answered Yes", va.question),
        a: format!("{}/{}", ya.count, ya.of),
        b: format!("{}/{}", yb.count, yb.of),
        difference: points(share(ya) - share(yb)),
        test,
        verdict: in_words(
            test,
            share(ya) - share(yb),
            &a.variant_name(),
            &b.variant_name(),
            "got more Yes answers",
        ),
    })
}

fn compare_verdict(
    va: &Verdict,
    vb: &Verdict,
    a: &FlowVersion,
    b: &FlowVersion,
) -> Option<ComparedFigure> {
    let (ma, mb) = (va.scale.as_ref()?, vb.scale.as_ref()?);
    let values = |v: &Verdict| {
        v.distribution
            .iter()
            .flat_map(|(x, n)| std::iter::repeat_n(*x as f64, *n))
            .collect::<Vec<_>>()
    };
    let test = stats::welch_t(&values(va), &values(vb));
    Some(ComparedFigure {
        figure: format!("`{}` mean", va.question),
        a: format!("{:.2}", ma.mean),
        b: format!("{:.2}", mb.mean),
        difference: format!("{:+.2}", ma.mean - mb.mean),
        test,
        verdict: in_words(
            test,
            ma.mean - mb.mean,
            &a.variant_name(),
            &b.variant_name(),
            "scored higher",
        ),
    })
}

fn in_words(test: Option<TestResult>, difference: f64, a: &str, b: &str, better: &str) -> String {
    match test {
        Some(t) if t.p_value < ALPHA => {
            let winner = if difference > 0.0 { a } else { b };
            format!("{winner} {better} ({})", p_value(t.p_value))
        }
        Some(t) => format!("too small a sample to tell ({})", p_value(t.p_value)),
        None => "cannot be tested (too few answers or no variation)".into(),
    }
}
